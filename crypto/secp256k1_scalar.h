/* Scalars modulo the secp256k1 group order n = 2^256 - c (c = 0x14551231950b75fc4402da1732fc9bebf).
 * Four little-endian 64-bit limbs, always canonical (< n). Encodings are 32-byte big-endian (SEC1).
 * Constant time unless the name ends in _vartime: libsecp256k1's public API has no general scalar
 * arithmetic, and the threshold ECDSA shares, nonces and OT pads are secret. */
#ifndef TSS_SECP256K1_SCALAR_H
#define TSS_SECP256K1_SCALAR_H

#include <stddef.h>
#include <stdint.h>

typedef struct { uint64_t v[4]; } k1_scalar;

/* Unreduced sum of up to 2^64 products (9 limbs): inner products reduce once, not per term. */
typedef struct { uint64_t v[9]; } k1_scalar_acc;

void k1_scalar_zero(k1_scalar *r);
void k1_scalar_from_u64(k1_scalar *r, uint64_t x);
/* 0 if b < n (r set), -1 otherwise (r untouched). Zero is accepted here; callers reject it where needed. */
int k1_scalar_from_bytes_canonical(k1_scalar *r, const uint8_t b[32]);
void k1_scalar_from_bytes_reduce(k1_scalar *r, const uint8_t b[32]);   /* any 256-bit value mod n */
/* Random bytes to a scalar mod n, read as four native 64-bit words (for hash/PRG outputs only). */
void k1_scalar_from_le_bytes_reduce(k1_scalar *r, const uint8_t b[32]);
void k1_scalar_from_bytes_reduce64(k1_scalar *r, const uint8_t b[64]); /* 512-bit value mod n */
void k1_scalar_to_bytes(uint8_t b[32], const k1_scalar *a);
void k1_scalar_add(k1_scalar *r, const k1_scalar *a, const k1_scalar *b);
void k1_scalar_sub(k1_scalar *r, const k1_scalar *a, const k1_scalar *b);
void k1_scalar_neg(k1_scalar *r, const k1_scalar *a);
void k1_scalar_mul(k1_scalar *r, const k1_scalar *a, const k1_scalar *b);
void k1_scalar_sqr(k1_scalar *r, const k1_scalar *a);
/* a^(n-2): the inverse for a != 0, 0 for 0. Fixed sequence of operations (the exponent is public). */
void k1_scalar_inv(k1_scalar *r, const k1_scalar *a);
int k1_scalar_is_zero(const k1_scalar *a);          /* 1 if zero */
int k1_scalar_eq(const k1_scalar *a, const k1_scalar *b);
int k1_scalar_is_high(const k1_scalar *a);          /* 1 if a > n/2 */
void k1_scalar_cmov(k1_scalar *r, const k1_scalar *a, unsigned flag);       /* r = flag ? a : r */
void k1_scalar_cond_neg(k1_scalar *r, const k1_scalar *a, unsigned flag);   /* r = flag ? -a : a */
/* Uniform nonzero scalar from libsodium's CSPRNG (rejection sampling: never biased). */
void k1_scalar_random(k1_scalar *r);
void k1_scalar_clear(k1_scalar *r);

void k1_scalar_acc_init(k1_scalar_acc *acc);
void k1_scalar_acc_muladd(k1_scalar_acc *acc, const k1_scalar *a, const k1_scalar *b); /* acc += a*b */
void k1_scalar_acc_add(k1_scalar_acc *acc, const k1_scalar *a);                        /* acc += a */
void k1_scalar_acc_reduce(k1_scalar *r, const k1_scalar_acc *acc);

#endif
