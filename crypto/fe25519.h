/* GF(2^255 - 19), radix 2^51 (five 64-bit limbs), portable C.
 * Limbs are loosely reduced (each < 2^52 after mul/sq/carry); tobytes yields the canonical encoding.
 * All functions are constant time unless their name ends in _vartime.
 *
 * Limb bounds (the contract every caller relies on):
 *  - "reduced": output of mul, sq, sq2, mul_small, carry, sub, neg, frombytes: every limb < 2^51 + 2^19.
 *  - add does not carry: the sum of two reduced elements has limbs < 2^52 + 2^20.
 *  - mul, sq and sq2 accept limbs < 2^54 (sums of up to four reduced elements).
 *  - sub and neg accept f with limbs < 2^62 and g with limbs <= 2^53 - 76 (g may be one unreduced add).
 *  - carry accepts limbs < 2^63.
 * The hot functions are static inline so that the group code compiles to straight-line limb arithmetic. */
#ifndef TSS_FE25519_H
#define TSS_FE25519_H

#include <stdint.h>

typedef struct { uint64_t v[5]; } fe25519;

#define FE25519_MASK51 ((uint64_t)0x7ffffffffffffULL)

static inline void fe25519_0(fe25519 *h)
{
    h->v[0] = 0; h->v[1] = 0; h->v[2] = 0; h->v[3] = 0; h->v[4] = 0;
}

static inline void fe25519_1(fe25519 *h)
{
    h->v[0] = 1; h->v[1] = 0; h->v[2] = 0; h->v[3] = 0; h->v[4] = 0;
}

static inline void fe25519_copy(fe25519 *h, const fe25519 *f)
{
    *h = *f;
}

/* no carry: inputs must be reduced */
static inline void fe25519_add(fe25519 *h, const fe25519 *f, const fe25519 *g)
{
    h->v[0] = f->v[0] + g->v[0];
    h->v[1] = f->v[1] + g->v[1];
    h->v[2] = f->v[2] + g->v[2];
    h->v[3] = f->v[3] + g->v[3];
    h->v[4] = f->v[4] + g->v[4];
}

/* weak reduction: any limbs < 2^63 -> reduced */
static inline void fe25519_carry(fe25519 *h)
{
    uint64_t h0 = h->v[0], h1 = h->v[1], h2 = h->v[2], h3 = h->v[3], h4 = h->v[4];
    h1 += h0 >> 51; h0 &= FE25519_MASK51;
    h2 += h1 >> 51; h1 &= FE25519_MASK51;
    h3 += h2 >> 51; h2 &= FE25519_MASK51;
    h4 += h3 >> 51; h3 &= FE25519_MASK51;
    h0 += (h4 >> 51) * 19; h4 &= FE25519_MASK51;
    h1 += h0 >> 51; h0 &= FE25519_MASK51;
    h->v[0] = h0; h->v[1] = h1; h->v[2] = h2; h->v[3] = h3; h->v[4] = h4;
}

/* adds 4p first (so g may be an unreduced sum), then carries */
static inline void fe25519_sub(fe25519 *h, const fe25519 *f, const fe25519 *g)
{
    h->v[0] = (f->v[0] + 0x1fffffffffffb4ULL) - g->v[0];
    h->v[1] = (f->v[1] + 0x1ffffffffffffcULL) - g->v[1];
    h->v[2] = (f->v[2] + 0x1ffffffffffffcULL) - g->v[2];
    h->v[3] = (f->v[3] + 0x1ffffffffffffcULL) - g->v[3];
    h->v[4] = (f->v[4] + 0x1ffffffffffffcULL) - g->v[4];
    fe25519_carry(h);
}

static inline void fe25519_neg(fe25519 *h, const fe25519 *f)
{
    fe25519 zero;
    fe25519_0(&zero);
    fe25519_sub(h, &zero, f);
}

/* Final carry of a 5x128-bit accumulator into reduced limbs. The carries stay 128-bit: GCC compiles
 * that without the stack round trips it emits for (u128)(uint64_t) additions, and it keeps the top
 * carry (up to 2^65 for the largest inputs) exact. */
static inline void fe25519_reduce128_(fe25519 *h, unsigned __int128 r0, unsigned __int128 r1,
                                      unsigned __int128 r2, unsigned __int128 r3, unsigned __int128 r4)
{
    r1 += r0 >> 51;
    r2 += r1 >> 51;
    r3 += r2 >> 51;
    r4 += r3 >> 51;
    uint64_t h0 = (uint64_t)r0 & FE25519_MASK51, h1 = (uint64_t)r1 & FE25519_MASK51;
    const uint64_t h2 = (uint64_t)r2 & FE25519_MASK51, h3 = (uint64_t)r3 & FE25519_MASK51;
    const uint64_t h4 = (uint64_t)r4 & FE25519_MASK51;
    const unsigned __int128 t = (r4 >> 51) * 19 + h0;
    h0 = (uint64_t)t & FE25519_MASK51;
    h1 += (uint64_t)(t >> 51);
    h->v[0] = h0; h->v[1] = h1; h->v[2] = h2; h->v[3] = h3; h->v[4] = h4;
}

static inline void fe25519_mul(fe25519 *h, const fe25519 *f, const fe25519 *g)
{
    typedef unsigned __int128 u128;
    const uint64_t f0 = f->v[0], f1 = f->v[1], f2 = f->v[2], f3 = f->v[3], f4 = f->v[4];
    const uint64_t g0 = g->v[0], g1 = g->v[1], g2 = g->v[2], g3 = g->v[3], g4 = g->v[4];
    const uint64_t g1_19 = g1 * 19, g2_19 = g2 * 19, g3_19 = g3 * 19, g4_19 = g4 * 19;
    u128 r0 = (u128)f0 * g0 + (u128)f1 * g4_19 + (u128)f2 * g3_19 + (u128)f3 * g2_19 + (u128)f4 * g1_19;
    u128 r1 = (u128)f0 * g1 + (u128)f1 * g0 + (u128)f2 * g4_19 + (u128)f3 * g3_19 + (u128)f4 * g2_19;
    u128 r2 = (u128)f0 * g2 + (u128)f1 * g1 + (u128)f2 * g0 + (u128)f3 * g4_19 + (u128)f4 * g3_19;
    u128 r3 = (u128)f0 * g3 + (u128)f1 * g2 + (u128)f2 * g1 + (u128)f3 * g0 + (u128)f4 * g4_19;
    u128 r4 = (u128)f0 * g4 + (u128)f1 * g3 + (u128)f2 * g2 + (u128)f3 * g1 + (u128)f4 * g0;
    fe25519_reduce128_(h, r0, r1, r2, r3, r4);
}

static inline void fe25519_sq(fe25519 *h, const fe25519 *f)
{
    typedef unsigned __int128 u128;
    const uint64_t f0 = f->v[0], f1 = f->v[1], f2 = f->v[2], f3 = f->v[3], f4 = f->v[4];
    const uint64_t f0_2 = f0 * 2, f1_2 = f1 * 2;
    const uint64_t f1_38 = f1 * 38, f2_38 = f2 * 38, f3_38 = f3 * 38;
    const uint64_t f3_19 = f3 * 19, f4_19 = f4 * 19;
    u128 r0 = (u128)f0 * f0 + (u128)f1_38 * f4 + (u128)f2_38 * f3;
    u128 r1 = (u128)f0_2 * f1 + (u128)f2_38 * f4 + (u128)f3_19 * f3;
    u128 r2 = (u128)f0_2 * f2 + (u128)f1 * f1 + (u128)f3_38 * f4;
    u128 r3 = (u128)f0_2 * f3 + (u128)f1_2 * f2 + (u128)f4_19 * f4;
    u128 r4 = (u128)f0_2 * f4 + (u128)f1_2 * f3 + (u128)f2 * f2;
    fe25519_reduce128_(h, r0, r1, r2, r3, r4);
}

/* 2 f^2 */
static inline void fe25519_sq2(fe25519 *h, const fe25519 *f)
{
    typedef unsigned __int128 u128;
    const uint64_t f0 = f->v[0], f1 = f->v[1], f2 = f->v[2], f3 = f->v[3], f4 = f->v[4];
    const uint64_t f0_2 = f0 * 2, f1_2 = f1 * 2;
    const uint64_t f1_38 = f1 * 38, f2_38 = f2 * 38, f3_38 = f3 * 38;
    const uint64_t f3_19 = f3 * 19, f4_19 = f4 * 19;
    u128 r0 = (u128)f0 * f0 + (u128)f1_38 * f4 + (u128)f2_38 * f3;
    u128 r1 = (u128)f0_2 * f1 + (u128)f2_38 * f4 + (u128)f3_19 * f3;
    u128 r2 = (u128)f0_2 * f2 + (u128)f1 * f1 + (u128)f3_38 * f4;
    u128 r3 = (u128)f0_2 * f3 + (u128)f1_2 * f2 + (u128)f4_19 * f4;
    u128 r4 = (u128)f0_2 * f4 + (u128)f1_2 * f3 + (u128)f2 * f2;
    fe25519_reduce128_(h, r0 << 1, r1 << 1, r2 << 1, r3 << 1, r4 << 1);
}

/* f = g if b (b in {0,1}) */
static inline void fe25519_cmov(fe25519 *f, const fe25519 *g, unsigned int b)
{
    const uint64_t mask = (uint64_t)0 - (uint64_t)b;
    f->v[0] ^= (f->v[0] ^ g->v[0]) & mask;
    f->v[1] ^= (f->v[1] ^ g->v[1]) & mask;
    f->v[2] ^= (f->v[2] ^ g->v[2]) & mask;
    f->v[3] ^= (f->v[3] ^ g->v[3]) & mask;
    f->v[4] ^= (f->v[4] ^ g->v[4]) & mask;
}

static inline void fe25519_cswap(fe25519 *f, fe25519 *g, unsigned int b)
{
    const uint64_t mask = (uint64_t)0 - (uint64_t)b;
    for (int i = 0; i < 5; i++) {
        const uint64_t x = (f->v[i] ^ g->v[i]) & mask;
        f->v[i] ^= x;
        g->v[i] ^= x;
    }
}

void fe25519_mul_small(fe25519 *h, const fe25519 *f, uint32_t n);   /* f * n, n < 2^20 */
void fe25519_invert(fe25519 *h, const fe25519 *f);                  /* f^(p-2); 0 -> 0 */
void fe25519_pow22523(fe25519 *h, const fe25519 *f);                /* f^((p-5)/8) */
/* Reads 255 bits (the top bit of s[31] is ignored); values >= p are accepted and reduced later. */
void fe25519_frombytes(fe25519 *h, const uint8_t s[32]);
void fe25519_tobytes(uint8_t s[32], const fe25519 *h);              /* canonical */
int fe25519_iszero(const fe25519 *f);                               /* 1 if f == 0 mod p */
int fe25519_isnegative(const fe25519 *f);                           /* low bit of the canonical encoding */
int fe25519_eq(const fe25519 *f, const fe25519 *g);                 /* 1 if equal mod p */
void fe25519_abs(fe25519 *h, const fe25519 *f);                     /* -f if f negative */
/* r = sqrt(u/v) when u/v is a square (returns 1), else r = sqrt(i*u/v) (returns 0); r non-negative. */
int fe25519_sqrt_ratio(fe25519 *r, const fe25519 *u, const fe25519 *v);

extern const fe25519 fe25519_d;        /* -121665/121666 */
extern const fe25519 fe25519_d2;       /* 2d */
extern const fe25519 fe25519_sqrtm1;   /* sqrt(-1) */

#endif
