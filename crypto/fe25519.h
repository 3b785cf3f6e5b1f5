/* GF(2^255 - 19), radix 2^51 (five 64-bit limbs), portable C.
 * Limbs are loosely reduced (each < 2^52 after mul/sq/carry); tobytes yields the canonical encoding.
 * All functions are constant time unless their name ends in _vartime. */
#ifndef TSS_FE25519_H
#define TSS_FE25519_H

#include <stdint.h>

typedef struct { uint64_t v[5]; } fe25519;

void fe25519_0(fe25519 *h);
void fe25519_1(fe25519 *h);
void fe25519_copy(fe25519 *h, const fe25519 *f);
void fe25519_add(fe25519 *h, const fe25519 *f, const fe25519 *g);   /* no carry: inputs must be reduced */
void fe25519_sub(fe25519 *h, const fe25519 *f, const fe25519 *g);   /* adds 2p (or 4p) first, then carries */
void fe25519_neg(fe25519 *h, const fe25519 *f);
void fe25519_mul(fe25519 *h, const fe25519 *f, const fe25519 *g);
void fe25519_sq(fe25519 *h, const fe25519 *f);
void fe25519_sq2(fe25519 *h, const fe25519 *f);                     /* 2 f^2 */
void fe25519_mul_small(fe25519 *h, const fe25519 *f, uint32_t n);   /* f * n, n < 2^20 */
void fe25519_carry(fe25519 *h);                                     /* weak reduction */
void fe25519_invert(fe25519 *h, const fe25519 *f);                  /* f^(p-2); 0 -> 0 */
void fe25519_pow22523(fe25519 *h, const fe25519 *f);                /* f^((p-5)/8) */
/* Reads 255 bits (the top bit of s[31] is ignored); values >= p are accepted and reduced later. */
void fe25519_frombytes(fe25519 *h, const uint8_t s[32]);
void fe25519_tobytes(uint8_t s[32], const fe25519 *h);              /* canonical */
int fe25519_iszero(const fe25519 *f);                               /* 1 if f == 0 mod p */
int fe25519_isnegative(const fe25519 *f);                           /* low bit of the canonical encoding */
int fe25519_eq(const fe25519 *f, const fe25519 *g);                 /* 1 if equal mod p */
void fe25519_cmov(fe25519 *f, const fe25519 *g, unsigned int b);    /* f = g if b (b in {0,1}) */
void fe25519_cswap(fe25519 *f, fe25519 *g, unsigned int b);
void fe25519_abs(fe25519 *h, const fe25519 *f);                     /* -f if f negative */
/* r = sqrt(u/v) when u/v is a square (returns 1), else r = sqrt(i*u/v) (returns 0); r non-negative. */
int fe25519_sqrt_ratio(fe25519 *r, const fe25519 *u, const fe25519 *v);

extern const fe25519 fe25519_d;        /* -121665/121666 */
extern const fe25519 fe25519_d2;       /* 2d */
extern const fe25519 fe25519_sqrtm1;   /* sqrt(-1) */

#endif
