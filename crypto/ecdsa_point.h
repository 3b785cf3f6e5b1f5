/* secp256k1 points for the threshold ECDSA module, through libsecp256k1's public API.
 * Every multiplication of a point by a secret scalar goes through libsecp256k1's constant-time paths
 * (ec_pubkey_create, ec_pubkey_tweak_mul). Points travel as 33-byte compressed SEC1 encodings; a parse
 * rejects anything off the curve, the identity (which has no compressed encoding) and other prefixes.
 *
 * libsecp256k1 needs a context for k·G; one is built on the caller's stack per top-level call (no global
 * state; ~1 µs, no allocation). */
#ifndef TSS_ECDSA_POINT_H
#define TSS_ECDSA_POINT_H

#include <stddef.h>
#include <stdint.h>
#include <secp256k1.h>

#include "crypto/secp256k1_scalar.h"

typedef struct {
    _Alignas(16) unsigned char mem[512];
    secp256k1_context *ctx;
} k1_ctx;

/* 0, or -1 if libsecp256k1's context does not fit (never with 0.2+). */
int k1_ctx_open(k1_ctx *c);
void k1_ctx_close(k1_ctx *c);

/* 0 if p is a valid compressed point (on the curve, prefix 02/03), -1 otherwise. */
int k1_point_check(const k1_ctx *c, const uint8_t p[33]);
int k1_point_parse(const k1_ctx *c, secp256k1_pubkey *out, const uint8_t p[33]);
void k1_point_ser(const k1_ctx *c, uint8_t out[33], const secp256k1_pubkey *p);
/* out = k·G; -1 if k == 0. Constant time in k. */
int k1_point_mul_base(const k1_ctx *c, uint8_t out[33], const k1_scalar *k);
/* out = k·P; -1 if k == 0 or P invalid. Constant time in k. */
int k1_point_mul(const k1_ctx *c, uint8_t out[33], const uint8_t p[33], const k1_scalar *k);
/* out = sum of n points; -1 if any is invalid or the sum is the identity. Variable time: public points. */
int k1_point_sum(const k1_ctx *c, uint8_t out[33], const uint8_t (*pts)[33], size_t n);
int k1_point_add(const k1_ctx *c, uint8_t out[33], const uint8_t a[33], const uint8_t b[33]);
/* out = a - b; -1 if the result is the identity or an input is invalid. Public points. */
int k1_point_sub(const k1_ctx *c, uint8_t out[33], const uint8_t a[33], const uint8_t b[33]);
/* 1 if equal encodings (public data). */
int k1_point_eq(const uint8_t a[33], const uint8_t b[33]);
/* sum_k x^k C_k (Horner, public points, x small public). -1 on identity/invalid. */
int k1_point_poly_eval(const k1_ctx *c, uint8_t out[33], const uint8_t (*coeffs)[33], uint32_t t, uint32_t x);



/* Operations that keep secret points in libsecp256k1's internal form (no parse of a secret encoding). */
int k1_pub_mul_base(const k1_ctx *c, secp256k1_pubkey *out, const k1_scalar *k);
int k1_pub_mul(const k1_ctx *c, secp256k1_pubkey *out, const secp256k1_pubkey *p, const k1_scalar *k);
int k1_pub_add(const k1_ctx *c, secp256k1_pubkey *out, const secp256k1_pubkey *a, const secp256k1_pubkey *b);
#endif
