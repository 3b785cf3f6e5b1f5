/* GF(2^255 - 19): the non-inline field operations (see fe25519.h for the limb bounds). */
#include "crypto/fe25519.h"

#include <string.h>

#include "util/bytes.h"

const fe25519 fe25519_d = { { 0x34dca135978a3ULL, 0x1a8283b156ebdULL, 0x5e7a26001c029ULL, 0x739c663a03cbbULL,
                              0x52036cee2b6ffULL } };
const fe25519 fe25519_d2 = { { 0x69b9426b2f159ULL, 0x35050762add7aULL, 0x3cf44c0038052ULL, 0x6738cc7407977ULL,
                               0x2406d9dc56dffULL } };
const fe25519 fe25519_sqrtm1 = { { 0x61b274a0ea0b0ULL, 0x0d5a5fc8f189dULL, 0x7ef5e9cbd0c60ULL,
                                   0x78595a6804c9eULL, 0x2b8324804fc1dULL } };

void fe25519_mul_small(fe25519 *h, const fe25519 *f, uint32_t n)
{
    typedef unsigned __int128 u128;
    fe25519_reduce128_(h, (u128)f->v[0] * n, (u128)f->v[1] * n, (u128)f->v[2] * n, (u128)f->v[3] * n,
                       (u128)f->v[4] * n);
}

/* h = f^(2^n) */
static void fe25519_sqn(fe25519 *h, const fe25519 *f, int n)
{
    fe25519_sq(h, f);
    for (int i = 1; i < n; i++) {
        fe25519_sq(h, h);
    }
}

/* Shared prefix of the inversion and (p-5)/8 chains: z11 = f^11 and z250 = f^(2^250 - 1). */
static void fe25519_pow_2_250_1(fe25519 *z250, fe25519 *z11, const fe25519 *f)
{
    fe25519 z2, z9, t, z5_0, z10_0, z20_0, z50_0, z100_0;
    fe25519_sq(&z2, f);                 /* 2 */
    fe25519_sqn(&t, &z2, 2);            /* 8 */
    fe25519_mul(&z9, &t, f);            /* 9 */
    fe25519_mul(z11, &z9, &z2);         /* 11 */
    fe25519_sq(&t, z11);                /* 22 */
    fe25519_mul(&z5_0, &t, &z9);        /* 2^5 - 1 */
    fe25519_sqn(&t, &z5_0, 5);
    fe25519_mul(&z10_0, &t, &z5_0);     /* 2^10 - 1 */
    fe25519_sqn(&t, &z10_0, 10);
    fe25519_mul(&z20_0, &t, &z10_0);    /* 2^20 - 1 */
    fe25519_sqn(&t, &z20_0, 20);
    fe25519_mul(&t, &t, &z20_0);        /* 2^40 - 1 */
    fe25519_sqn(&t, &t, 10);
    fe25519_mul(&z50_0, &t, &z10_0);    /* 2^50 - 1 */
    fe25519_sqn(&t, &z50_0, 50);
    fe25519_mul(&z100_0, &t, &z50_0);   /* 2^100 - 1 */
    fe25519_sqn(&t, &z100_0, 100);
    fe25519_mul(&t, &t, &z100_0);       /* 2^200 - 1 */
    fe25519_sqn(&t, &t, 50);
    fe25519_mul(z250, &t, &z50_0);      /* 2^250 - 1 */
}

void fe25519_invert(fe25519 *h, const fe25519 *f)
{
    fe25519 z250, z11, t;
    fe25519_pow_2_250_1(&z250, &z11, f);
    fe25519_sqn(&t, &z250, 5);          /* 2^255 - 32 */
    fe25519_mul(h, &t, &z11);           /* 2^255 - 21 = p - 2 */
}

void fe25519_pow22523(fe25519 *h, const fe25519 *f)
{
    fe25519 z250, z11, t;
    fe25519_pow_2_250_1(&z250, &z11, f);
    fe25519_sqn(&t, &z250, 2);          /* 2^252 - 4 */
    fe25519_mul(h, &t, f);              /* 2^252 - 3 = (p - 5) / 8 */
}

void fe25519_frombytes(fe25519 *h, const uint8_t s[32])
{
    h->v[0] = tss_load_le64(s) & FE25519_MASK51;
    h->v[1] = (tss_load_le64(s + 6) >> 3) & FE25519_MASK51;
    h->v[2] = (tss_load_le64(s + 12) >> 6) & FE25519_MASK51;
    h->v[3] = (tss_load_le64(s + 19) >> 1) & FE25519_MASK51;
    h->v[4] = (tss_load_le64(s + 24) >> 12) & FE25519_MASK51;
}

void fe25519_tobytes(uint8_t s[32], const fe25519 *f)
{
    fe25519 t = *f;
    fe25519_carry(&t);
    /* Now 0 <= t < 2p with limbs <= 2^51: subtract p once iff t + 19 >= 2^255. */
    uint64_t q = (t.v[0] + 19) >> 51;
    q = (t.v[1] + q) >> 51;
    q = (t.v[2] + q) >> 51;
    q = (t.v[3] + q) >> 51;
    q = (t.v[4] + q) >> 51;
    uint64_t h0 = t.v[0] + 19 * q, h1 = t.v[1], h2 = t.v[2], h3 = t.v[3], h4 = t.v[4];
    h1 += h0 >> 51; h0 &= FE25519_MASK51;
    h2 += h1 >> 51; h1 &= FE25519_MASK51;
    h3 += h2 >> 51; h2 &= FE25519_MASK51;
    h4 += h3 >> 51; h3 &= FE25519_MASK51;
    h4 &= FE25519_MASK51;   /* drops q * 2^255 */
    tss_store_le64(s, h0 | (h1 << 51));
    tss_store_le64(s + 8, (h1 >> 13) | (h2 << 38));
    tss_store_le64(s + 16, (h2 >> 26) | (h3 << 25));
    tss_store_le64(s + 24, (h3 >> 39) | (h4 << 12));
}

int fe25519_iszero(const fe25519 *f)
{
    uint8_t s[32];
    fe25519_tobytes(s, f);
    unsigned int acc = 0;
    for (int i = 0; i < 32; i++) {
        acc |= s[i];
    }
    return (int)(((acc - 1) >> 8) & 1);
}

int fe25519_isnegative(const fe25519 *f)
{
    uint8_t s[32];
    fe25519_tobytes(s, f);
    return s[0] & 1;
}

int fe25519_eq(const fe25519 *f, const fe25519 *g)
{
    uint8_t a[32], b[32];
    fe25519_tobytes(a, f);
    fe25519_tobytes(b, g);
    unsigned int acc = 0;
    for (int i = 0; i < 32; i++) {
        acc |= (unsigned int)(a[i] ^ b[i]);
    }
    return (int)(((acc - 1) >> 8) & 1);
}

void fe25519_abs(fe25519 *h, const fe25519 *f)
{
    fe25519 neg;
    fe25519_neg(&neg, f);
    const unsigned int negative = (unsigned int)fe25519_isnegative(f);
    fe25519_copy(h, f);
    fe25519_cmov(h, &neg, negative);
}

/* Ristretto's SQRT_RATIO_M1: r = (u v^3) (u v^7)^((p-5)/8), then fix up by sqrt(-1) when v r^2 = -u
 * (or -u i, the non-square case), and take the non-negative root. */
int fe25519_sqrt_ratio(fe25519 *r, const fe25519 *u, const fe25519 *v)
{
    fe25519 v3, v7, uv3, uv7, t, root, check, neg_u, neg_u_i, root_i;
    fe25519_sq(&t, v);
    fe25519_mul(&v3, &t, v);
    fe25519_sq(&t, &v3);
    fe25519_mul(&v7, &t, v);
    fe25519_mul(&uv3, u, &v3);
    fe25519_mul(&uv7, u, &v7);
    fe25519_pow22523(&t, &uv7);
    fe25519_mul(&root, &uv3, &t);

    fe25519_sq(&t, &root);
    fe25519_mul(&check, v, &t);
    fe25519_neg(&neg_u, u);
    fe25519_mul(&neg_u_i, &neg_u, &fe25519_sqrtm1);
    const int correct_sign = fe25519_eq(&check, u);
    const int flipped_sign = fe25519_eq(&check, &neg_u);
    const int flipped_sign_i = fe25519_eq(&check, &neg_u_i);

    fe25519_mul(&root_i, &root, &fe25519_sqrtm1);
    fe25519_cmov(&root, &root_i, (unsigned int)(flipped_sign | flipped_sign_i));
    fe25519_abs(r, &root);   /* r may alias u or v: written last */
    return correct_sign | flipped_sign;
}
