/* Scalars mod n (secp256k1 group order): 4x64-bit limbs; wide values reduced by folding 2^256 == c. */
#include "crypto/secp256k1_scalar.h"

#include <string.h>
#include <sodium.h>

#include "crypto/ctime_declassify.h"

__extension__ typedef unsigned __int128 u128;

/* n, little-endian limbs */
static const uint64_t N[4] = {
    0xBFD25E8CD0364141ULL, 0xBAAEDCE6AF48A03BULL, 0xFFFFFFFFFFFFFFFEULL, 0xFFFFFFFFFFFFFFFFULL,
};
/* c = 2^256 - n = C0 + C1*2^64 + 2^128 */
#define C0 0x402DA1732FC9BEBFULL
#define C1 0x4551231950B75FC4ULL
/* n/2 rounded down: the low-S bound */
static const uint64_t N_HALF[4] = {
    0xDFE92F46681B20A0ULL, 0x5D576E7357A4501DULL, 0xFFFFFFFFFFFFFFFFULL, 0x7FFFFFFFFFFFFFFFULL,
};

static uint64_t load64_be(const uint8_t *p)
{
    uint64_t x = 0;
    for (int i = 0; i < 8; i++) x = (x << 8) | p[i];
    return x;
}

static void store64_be(uint8_t *p, uint64_t x)
{
    for (int i = 7; i >= 0; i--) { p[i] = (uint8_t)x; x >>= 8; }
}

/* r = v mod n for v = k*2^256 + r4 with k in {0,1} and v < 2n. v >= n iff k or r4 + c carries. */
static void final_reduce(k1_scalar *r, const uint64_t r4[4], uint64_t k)
{
    u128 t;
    uint64_t s[4];
    t = (u128)r4[0] + C0;           s[0] = (uint64_t)t;
    t = (u128)r4[1] + C1 + (t >> 64); s[1] = (uint64_t)t;
    t = (u128)r4[2] + 1 + (t >> 64);  s[2] = (uint64_t)t;
    t = (u128)r4[3] + (t >> 64);      s[3] = (uint64_t)t;
    uint64_t ge = (uint64_t)(t >> 64) | k;          /* 1 if v >= n */
    uint64_t mask = 0 - ge;
    for (int i = 0; i < 4; i++) r->v[i] = (s[i] & mask) | (r4[i] & ~mask);
}

/* 192-bit column accumulator (c0, c1, c2): sums of 64x64-bit products without per-term carries out. */
#define ACC_MUL(a, b) do { u128 _p = (u128)(a) * (b); uint64_t _l = (uint64_t)_p, _h = (uint64_t)(_p >> 64); \
        c0 += _l; _h += (c0 < _l); c1 += _h; c2 += (c1 < _h); } while (0)
#define ACC_ADD(a) do { uint64_t _a = (a); c0 += _a; uint64_t _c = (c0 < _a); c1 += _c; c2 += (c1 < _c); } while (0)
#define ACC_EXTRACT(out) do { (out) = c0; c0 = c1; c1 = c2; c2 = 0; } while (0)

/* r = x mod n for x = l[0..8] (l8 small: the accumulators add at most 2^64 products). Folds 2^256 == c
 * twice, then once more for the last few bits; the same operations whatever the value. */
static void reduce_9(k1_scalar *r, const uint64_t l[9])
{
    uint64_t c0 = 0, c1 = 0, c2 = 0;
    uint64_t m0, m1, m2, m3, m4, m5, m6, m7;
    /* m = l[0..3] + l[4..8]*c, c = C0 + C1*2^64 + 2^128 (< 2^(320+129) + 2^256: 8 limbs) */
    ACC_ADD(l[0]); ACC_MUL(l[4], C0); ACC_EXTRACT(m0);
    ACC_ADD(l[1]); ACC_MUL(l[5], C0); ACC_MUL(l[4], C1); ACC_EXTRACT(m1);
    ACC_ADD(l[2]); ACC_MUL(l[6], C0); ACC_MUL(l[5], C1); ACC_ADD(l[4]); ACC_EXTRACT(m2);
    ACC_ADD(l[3]); ACC_MUL(l[7], C0); ACC_MUL(l[6], C1); ACC_ADD(l[5]); ACC_EXTRACT(m3);
    ACC_MUL(l[8], C0); ACC_MUL(l[7], C1); ACC_ADD(l[6]); ACC_EXTRACT(m4);
    ACC_MUL(l[8], C1); ACC_ADD(l[7]); ACC_EXTRACT(m5);
    ACC_ADD(l[8]); ACC_EXTRACT(m6);
    ACC_EXTRACT(m7);
    /* p = m[0..3] + m[4..7]*c (< 2^(256+130): 7 limbs; m7 is at most a few bits) */
    uint64_t p0, p1, p2, p3, p4, p5, p6;
    ACC_ADD(m0); ACC_MUL(m4, C0); ACC_EXTRACT(p0);
    ACC_ADD(m1); ACC_MUL(m5, C0); ACC_MUL(m4, C1); ACC_EXTRACT(p1);
    ACC_ADD(m2); ACC_MUL(m6, C0); ACC_MUL(m5, C1); ACC_ADD(m4); ACC_EXTRACT(p2);
    ACC_ADD(m3); ACC_MUL(m7, C0); ACC_MUL(m6, C1); ACC_ADD(m5); ACC_EXTRACT(p3);
    ACC_MUL(m7, C1); ACC_ADD(m6); ACC_EXTRACT(p4);
    ACC_ADD(m7); ACC_EXTRACT(p5);
    ACC_EXTRACT(p6);
    /* q = p[0..3] + p[4..6]*c (< 2^256 + 2^(130+129)): one more fold of the top limb q4 (tiny) */
    uint64_t q0, q1, q2, q3, q4;
    ACC_ADD(p0); ACC_MUL(p4, C0); ACC_EXTRACT(q0);
    ACC_ADD(p1); ACC_MUL(p5, C0); ACC_MUL(p4, C1); ACC_EXTRACT(q1);
    ACC_ADD(p2); ACC_MUL(p6, C0); ACC_MUL(p5, C1); ACC_ADD(p4); ACC_EXTRACT(q2);
    ACC_ADD(p3); ACC_MUL(p6, C1); ACC_ADD(p5); ACC_EXTRACT(q3);
    ACC_ADD(p6); ACC_EXTRACT(q4);
    /* v = q[0..3] + q4*c < 2^256 + 2^135 < 2n */
    uint64_t r4[4];
    ACC_ADD(q0); ACC_MUL(q4, C0); ACC_EXTRACT(r4[0]);
    ACC_ADD(q1); ACC_MUL(q4, C1); ACC_EXTRACT(r4[1]);
    ACC_ADD(q2); ACC_ADD(q4); ACC_EXTRACT(r4[2]);
    ACC_ADD(q3); ACC_EXTRACT(r4[3]);
    final_reduce(r, r4, c0);
}

static void reduce_limbs(k1_scalar *r, const uint64_t *x, size_t len)
{
    uint64_t l[9] = {0};
    memcpy(l, x, len * sizeof(uint64_t));
    reduce_9(r, l);
}

void k1_scalar_zero(k1_scalar *r) { memset(r, 0, sizeof *r); }

void k1_scalar_from_u64(k1_scalar *r, uint64_t x)
{
    r->v[0] = x; r->v[1] = r->v[2] = r->v[3] = 0;
}

int k1_scalar_from_bytes_canonical(k1_scalar *r, const uint8_t b[32])
{
    uint64_t x[4];
    for (int i = 0; i < 4; i++) x[i] = load64_be(b + 8 * (3 - i));
    /* x < n iff x - n borrows */
    u128 t = 0;
    uint64_t borrow = 0;
    for (int i = 0; i < 4; i++) {
        t = (u128)x[i] - N[i] - borrow;
        borrow = (uint64_t)(t >> 64) & 1;
    }
    /* whether an encoding is canonical is public (ours always are; a peer's is checked in the open) */
    TSS_DECLASSIFY(&borrow, sizeof borrow);
    if (!borrow) return -1;
    memcpy(r->v, x, sizeof x);
    return 0;
}

void k1_scalar_from_bytes_reduce(k1_scalar *r, const uint8_t b[32])
{
    uint64_t x[4];
    for (int i = 0; i < 4; i++) x[i] = load64_be(b + 8 * (3 - i));
    final_reduce(r, x, 0);
}

void k1_scalar_from_le_bytes_reduce(k1_scalar *r, const uint8_t b[32])
{
    uint64_t x[4];
    memcpy(x, b, 32);  /* little-endian hosts: the byte order of random pad bytes is immaterial */
    final_reduce(r, x, 0);
}

void k1_scalar_from_bytes_reduce64(k1_scalar *r, const uint8_t b[64])
{
    uint64_t x[8];
    for (int i = 0; i < 8; i++) x[i] = load64_be(b + 8 * (7 - i));
    reduce_limbs(r, x, 8);
    sodium_memzero(x, sizeof x);
}

void k1_scalar_to_bytes(uint8_t b[32], const k1_scalar *a)
{
    for (int i = 0; i < 4; i++) store64_be(b + 8 * (3 - i), a->v[i]);
}

void k1_scalar_add(k1_scalar *r, const k1_scalar *a, const k1_scalar *b)
{
    uint64_t s[4];
    u128 t = 0;
    for (int i = 0; i < 4; i++) {
        t = (u128)a->v[i] + b->v[i] + (t >> 64);
        s[i] = (uint64_t)t;
    }
    final_reduce(r, s, (uint64_t)(t >> 64));
}

void k1_scalar_sub(k1_scalar *r, const k1_scalar *a, const k1_scalar *b)
{
    uint64_t d[4];
    uint64_t borrow = 0;
    for (int i = 0; i < 4; i++) {
        u128 t = (u128)a->v[i] - b->v[i] - borrow;
        d[i] = (uint64_t)t;
        borrow = (uint64_t)(t >> 64) & 1;
    }
    /* if negative, add n */
    uint64_t mask = 0 - borrow;
    u128 t = 0;
    for (int i = 0; i < 4; i++) {
        t = (u128)d[i] + (N[i] & mask) + (t >> 64);
        r->v[i] = (uint64_t)t;
    }
}

void k1_scalar_neg(k1_scalar *r, const k1_scalar *a)
{
    k1_scalar z;
    k1_scalar_zero(&z);
    k1_scalar_sub(r, &z, a);
}

static void mul_wide(uint64_t p[8], const k1_scalar *a, const k1_scalar *b)
{
    const uint64_t *x = a->v, *y = b->v;
    uint64_t c0 = 0, c1 = 0, c2 = 0;
    ACC_MUL(x[0], y[0]); ACC_EXTRACT(p[0]);
    ACC_MUL(x[0], y[1]); ACC_MUL(x[1], y[0]); ACC_EXTRACT(p[1]);
    ACC_MUL(x[0], y[2]); ACC_MUL(x[1], y[1]); ACC_MUL(x[2], y[0]); ACC_EXTRACT(p[2]);
    ACC_MUL(x[0], y[3]); ACC_MUL(x[1], y[2]); ACC_MUL(x[2], y[1]); ACC_MUL(x[3], y[0]); ACC_EXTRACT(p[3]);
    ACC_MUL(x[1], y[3]); ACC_MUL(x[2], y[2]); ACC_MUL(x[3], y[1]); ACC_EXTRACT(p[4]);
    ACC_MUL(x[2], y[3]); ACC_MUL(x[3], y[2]); ACC_EXTRACT(p[5]);
    ACC_MUL(x[3], y[3]); ACC_EXTRACT(p[6]);
    p[7] = c0;
}

void k1_scalar_mul(k1_scalar *r, const k1_scalar *a, const k1_scalar *b)
{
    uint64_t p[8];
    mul_wide(p, a, b);
    reduce_limbs(r, p, 8);
}

void k1_scalar_sqr(k1_scalar *r, const k1_scalar *a) { k1_scalar_mul(r, a, a); }

void k1_scalar_inv(k1_scalar *r, const k1_scalar *a)
{
    /* n - 2, big-endian nibbles processed with a 4-bit fixed window (public exponent). */
    static const uint64_t E[4] = {
        0xBFD25E8CD036413FULL, 0xBAAEDCE6AF48A03BULL, 0xFFFFFFFFFFFFFFFEULL, 0xFFFFFFFFFFFFFFFFULL,
    };
    k1_scalar tab[16], acc;
    k1_scalar_from_u64(&tab[0], 1);
    tab[1] = *a;
    for (int i = 2; i < 16; i++) k1_scalar_mul(&tab[i], &tab[i - 1], a);
    k1_scalar_from_u64(&acc, 1);
    for (int limb = 3; limb >= 0; limb--) {
        for (int nib = 15; nib >= 0; nib--) {
            unsigned d = (unsigned)(E[limb] >> (4 * nib)) & 15u;
            for (int s = 0; s < 4; s++) k1_scalar_sqr(&acc, &acc);
            k1_scalar_mul(&acc, &acc, &tab[d]);
        }
    }
    *r = acc;
    sodium_memzero(tab, sizeof tab);
    sodium_memzero(&acc, sizeof acc);
}

int k1_scalar_is_zero(const k1_scalar *a)
{
    uint64_t x = a->v[0] | a->v[1] | a->v[2] | a->v[3];
    return (int)(((x | (0 - x)) >> 63) ^ 1);
}

int k1_scalar_eq(const k1_scalar *a, const k1_scalar *b)
{
    uint64_t x = 0;
    for (int i = 0; i < 4; i++) x |= a->v[i] ^ b->v[i];
    return (int)(((x | (0 - x)) >> 63) ^ 1);
}

int k1_scalar_is_high(const k1_scalar *a)
{
    /* a > n/2 iff n/2 - a borrows */
    uint64_t borrow = 0;
    for (int i = 0; i < 4; i++) {
        u128 t = (u128)N_HALF[i] - a->v[i] - borrow;
        borrow = (uint64_t)(t >> 64) & 1;
    }
    return (int)borrow;
}

void k1_scalar_cmov(k1_scalar *r, const k1_scalar *a, unsigned flag)
{
    uint64_t mask = 0 - (uint64_t)(flag & 1);
    for (int i = 0; i < 4; i++) r->v[i] = (r->v[i] & ~mask) | (a->v[i] & mask);
}

void k1_scalar_cond_neg(k1_scalar *r, const k1_scalar *a, unsigned flag)
{
    k1_scalar n;
    k1_scalar_neg(&n, a);
    *r = *a;
    k1_scalar_cmov(r, &n, flag);
}

void k1_scalar_random(k1_scalar *r)
{
    uint8_t b[32];
    for (;;) {
        randombytes_buf(b, sizeof b);
        if (k1_scalar_from_bytes_canonical(r, b) != 0) continue;
        int zero = k1_scalar_is_zero(r);
        TSS_DECLASSIFY(&zero, sizeof zero);  /* a rejection reveals nothing about the accepted value */
        if (!zero) break;
    }
    sodium_memzero(b, sizeof b);
}

void k1_scalar_clear(k1_scalar *r) { sodium_memzero(r, sizeof *r); }

void k1_scalar_acc_init(k1_scalar_acc *acc) { memset(acc, 0, sizeof *acc); }

void k1_scalar_acc_muladd(k1_scalar_acc *acc, const k1_scalar *a, const k1_scalar *b)
{
    uint64_t p[8];
    mul_wide(p, a, b);
    u128 t = 0;
    for (int i = 0; i < 8; i++) {
        t = (u128)acc->v[i] + p[i] + (t >> 64);
        acc->v[i] = (uint64_t)t;
    }
    acc->v[8] += (uint64_t)(t >> 64);
}

void k1_scalar_acc_add(k1_scalar_acc *acc, const k1_scalar *a)
{
    u128 t = 0;
    for (int i = 0; i < 4; i++) {
        t = (u128)acc->v[i] + a->v[i] + (t >> 64);
        acc->v[i] = (uint64_t)t;
    }
    for (int i = 4; i < 9; i++) {
        t = (u128)acc->v[i] + (t >> 64);
        acc->v[i] = (uint64_t)t;
    }
}

void k1_scalar_acc_reduce(k1_scalar *r, const k1_scalar_acc *acc)
{
    reduce_limbs(r, acc->v, 9);
}
