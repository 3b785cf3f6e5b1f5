/* ZIP-215 decompression of two points at once. A decompression is one exponentiation to (p-5)/8, i.e. a
 * chain of 252 dependent squarings whose cost is their latency; running two independent chains side by
 * side lets the CPU overlap them. The arithmetic is that of ge25519_frombytes_zip215 and
 * fe25519_sqrt_ratio, lane by lane, so the results are identical. */
#include "batch/ge25519_decode_x2.h"

#include "crypto/fe25519.h"

#define LANES 2
#define EACH(stmt)                                 \
    do {                                           \
        for (int l = 0; l < LANES; l++) { stmt; }  \
    } while (0)

static void sqn_x2(fe25519 h[LANES], const fe25519 f[LANES], int n)
{
    EACH(fe25519_sq(&h[l], &f[l]));
    for (int i = 1; i < n; i++) EACH(fe25519_sq(&h[l], &h[l]));
}

/* f^((p-5)/8) = f^(2^252 - 3), the chain of fe25519_pow22523 */
static void pow22523_x2(fe25519 h[LANES], const fe25519 f[LANES])
{
    fe25519 z2[LANES], z9[LANES], z11[LANES], t[LANES], z5[LANES], z10[LANES], z20[LANES], z50[LANES],
        z100[LANES];
    EACH(fe25519_sq(&z2[l], &f[l]));
    sqn_x2(t, z2, 2);
    EACH(fe25519_mul(&z9[l], &t[l], &f[l]));
    EACH(fe25519_mul(&z11[l], &z9[l], &z2[l]));
    EACH(fe25519_sq(&t[l], &z11[l]));
    EACH(fe25519_mul(&z5[l], &t[l], &z9[l]));
    sqn_x2(t, z5, 5);
    EACH(fe25519_mul(&z10[l], &t[l], &z5[l]));
    sqn_x2(t, z10, 10);
    EACH(fe25519_mul(&z20[l], &t[l], &z10[l]));
    sqn_x2(t, z20, 20);
    EACH(fe25519_mul(&t[l], &t[l], &z20[l]));
    sqn_x2(t, t, 10);
    EACH(fe25519_mul(&z50[l], &t[l], &z10[l]));
    sqn_x2(t, z50, 50);
    EACH(fe25519_mul(&z100[l], &t[l], &z50[l]));
    sqn_x2(t, z100, 100);
    EACH(fe25519_mul(&t[l], &t[l], &z100[l]));
    sqn_x2(t, t, 50);
    EACH(fe25519_mul(&t[l], &t[l], &z50[l])); /* 2^250 - 1 */
    sqn_x2(t, t, 2);
    EACH(fe25519_mul(&h[l], &t[l], &f[l]));   /* 2^252 - 3 */
}

unsigned ge25519_frombytes_zip215_x2(ge25519_p3 *h0, const uint8_t s0[32], ge25519_p3 *h1, const uint8_t s1[32])
{
    ge25519_p3 *h[LANES] = { h0, h1 };
    const uint8_t *s[LANES] = { s0, s1 };
    fe25519 y[LANES], u[LANES], v[LANES], v3[LANES], uv3[LANES], uv7[LANES], t[LANES], one;
    fe25519_1(&one);
    for (int l = 0; l < LANES; l++) {
        fe25519 yy, v7;
        fe25519_frombytes(&y[l], s[l]);
        fe25519_sq(&yy, &y[l]);
        fe25519_sub(&u[l], &yy, &one);        /* y^2 - 1 */
        fe25519_mul(&v[l], &yy, &fe25519_d);
        fe25519_add(&v[l], &v[l], &one);      /* d y^2 + 1 */
        fe25519_sq(&t[l], &v[l]);
        fe25519_mul(&v3[l], &t[l], &v[l]);
        fe25519_sq(&t[l], &v3[l]);
        fe25519_mul(&v7, &t[l], &v[l]);
        fe25519_mul(&uv3[l], &u[l], &v3[l]);
        fe25519_mul(&uv7[l], &u[l], &v7);
    }
    pow22523_x2(t, uv7);
    unsigned ok = 0;
    for (int l = 0; l < LANES; l++) {
        fe25519 r, r2, check, neg_u, neg_u_i, r_prime, neg_x;
        fe25519_mul(&r, &uv3[l], &t[l]);
        fe25519_sq(&r2, &r);
        fe25519_mul(&check, &v[l], &r2);
        fe25519_neg(&neg_u, &u[l]);
        fe25519_mul(&neg_u_i, &neg_u, &fe25519_sqrtm1);
        const int correct_sign = fe25519_eq(&check, &u[l]);
        const int flipped_sign = fe25519_eq(&check, &neg_u);
        const int flipped_sign_i = fe25519_eq(&check, &neg_u_i);
        fe25519_mul(&r_prime, &r, &fe25519_sqrtm1);
        fe25519_cmov(&r, &r_prime, (unsigned int)(flipped_sign | flipped_sign_i));
        fe25519_abs(&r, &r);
        if (!(correct_sign | flipped_sign)) continue;
        /* the non-negative root; for x = 0 both signs give x = 0 (ZIP-215) */
        fe25519_neg(&neg_x, &r);
        fe25519_cmov(&r, &neg_x, (unsigned int)(s[l][31] >> 7));
        h[l]->X = r;
        h[l]->Y = y[l];
        fe25519_1(&h[l]->Z);
        fe25519_mul(&h[l]->T, &r, &y[l]);
        ok |= 1u << l;
    }
    return ok;
}
