/* Scalars modulo L = 2^252 + 27742317777372353535851937790883648493.
 * sc25519 always holds a canonical value (< L) in four little-endian 64-bit limbs.
 * All functions are constant time unless their name ends in _vartime. */
#ifndef TSS_SC25519_H
#define TSS_SC25519_H

#include <stddef.h>
#include <stdint.h>

typedef struct { uint64_t v[4]; } sc25519;

void sc25519_zero(sc25519 *r);
void sc25519_one(sc25519 *r);
void sc25519_from_u64(sc25519 *r, uint64_t x);
/* 0 if s < L (canonical), -1 otherwise (r untouched on failure). */
int sc25519_from_bytes_canonical(sc25519 *r, const uint8_t s[32]);
void sc25519_from_bytes_reduce32(sc25519 *r, const uint8_t s[32]);  /* any 256-bit value mod L */
void sc25519_from_bytes_reduce64(sc25519 *r, const uint8_t s[64]);  /* 512-bit value mod L (hash outputs) */
void sc25519_to_bytes(uint8_t s[32], const sc25519 *a);
void sc25519_add(sc25519 *r, const sc25519 *a, const sc25519 *b);
void sc25519_sub(sc25519 *r, const sc25519 *a, const sc25519 *b);
void sc25519_neg(sc25519 *r, const sc25519 *a);
void sc25519_mul(sc25519 *r, const sc25519 *a, const sc25519 *b);
void sc25519_sq(sc25519 *r, const sc25519 *a);
void sc25519_muladd(sc25519 *r, const sc25519 *a, const sc25519 *b, const sc25519 *c); /* a*b + c */
void sc25519_invert(sc25519 *r, const sc25519 *a);          /* a^(L-2), constant time; 0 -> 0 */
/* Montgomery batch inversion of n public values (variable time); tmp has n entries.
 * Returns -1 (and leaves r unspecified) if any a[i] is zero. r may alias a. */
int sc25519_batch_invert_vartime(sc25519 *r, const sc25519 *a, sc25519 *tmp, size_t n);
int sc25519_is_zero(const sc25519 *a);                     /* 1 if zero */
int sc25519_eq(const sc25519 *a, const sc25519 *b);        /* 1 if equal */
void sc25519_cmov(sc25519 *r, const sc25519 *a, unsigned int b);
/* Uniformly random scalar from libsodium's CSPRNG. */
void sc25519_random(sc25519 *r);
/* Signed radix-2^w digits for windowed vartime multiplication: 256/w + 1 digits in
 * [-2^(w-1), 2^(w-1)], returns the number of digits written (<= 256/w + 2). 1 <= w <= 8.
 * (Implementation: writes and returns exactly 256/w + 1 digits, a == sum d[i] 2^(w*i); all but the top digit
 * lie in [-2^(w-1), 2^(w-1) - 1]; the top digit is in [0, 2^(w-1)] (0 for w = 4 and w = 8).
 * Constant time in a; w out of range is clamped to [1, 8].) */
size_t sc25519_signed_digits(int8_t *digits, const sc25519 *a, unsigned w);
/* Width-w non-adjacent form (vartime; public scalars only): naf has 256 entries.
 * (Nonzero digits are odd, |d| < 2^(w-1), any w consecutive entries hold at most one nonzero;
 * w is clamped to [2, 8].) */
void sc25519_wnaf_vartime(int8_t naf[256], const sc25519 *a, unsigned w);

#endif
