/* Helpers of the FROST key generation protocols (DKG, refresh, repair, reshare); internal.
 * Builds on crypto/frost_internal.h (hashes, decoding, Lagrange at 0, sorting).
 *
 * Commitment polynomials (public points) are evaluated "in the exponent" in variable time. For identifiers
 * below 2^32 this is Horner's rule with small-integer multiples: about log2(x) doublings per coefficient,
 * measured several times faster than one MSM per identifier (bench_frost); larger identifiers use one MSM
 * over the powers x^k. */
#ifndef TSS_FROST_POLY_H
#define TSS_FROST_POLY_H

#include <stddef.h>
#include <stdint.h>
#include "crypto/ge25519.h"
#include "crypto/sc25519.h"
#include "tss/frost.h"

/* Bytes of scratch frost_kg_exp_eval_vartime needs for t coefficients. */
size_t frost_kg_exp_eval_scratch_size(size_t t);

/* r = sum_k [x^k] C[k] (public data), t >= 1. The scratch is only touched for x >= 2^32.
 * Returns 0, or -1 if it is too small. */
int frost_kg_exp_eval_vartime(ge25519_p3 *r, const ge25519_p3 *C, size_t t, const sc25519 *x,
                              void *scratch, size_t scratch_len);

/* frost_point_decode_fast on two encodings at once (the two square roots interleaved, ~1.5x the speed of
 * two calls; public data). Bit 0 set iff s0 decoded into p0, bit 1 iff s1 into p1. */
unsigned frost_kg_point_decode_fast_x2(ge25519_p3 *p0, const uint8_t s0[32], ge25519_p3 *p1, const uint8_t s1[32]);

/* 1 if p has no small-order component ([L]p is the identity), public data. */
int frost_kg_is_torsion_free_vartime(const ge25519_p3 *p);

/* Lagrange coefficient of xs[i] within xs[0..n) evaluated at x: prod_{j != i} (x - xs[j]) / (xs[i] - xs[j]).
 * Public identifiers. TSS_OK, or TSS_ERR_DUPLICATE if two identifiers are equal. */
int frost_kg_lagrange_at(sc25519 *r, const sc25519 *xs, size_t n, size_t i, const sc25519 *x);

/* The proof-of-knowledge challenge: HDKG(id || phi0 || R). */
void frost_kg_pok_challenge(sc25519 *c, const uint8_t id[32], const uint8_t phi0[32], const uint8_t R[32]);

/* 1 if [8]([mu]B - [c]phi0 - R) is the identity (cofactored Schnorr check, public data). */
int frost_kg_pok_check_vartime(const ge25519_p3 *R, const ge25519_p3 *phi0, const sc25519 *c, const sc25519 *mu);

/* An index record used to match packages by sender without allocating: sorted by identifier. */
typedef struct frost_kg_index {
    tss_frost_identifier id;
    uint32_t idx;
} frost_kg_index;

/* Fills idx[k] = {ids at base + k*stride, k} for k < n and sorts by identifier. Returns TSS_OK,
 * TSS_ERR_DUPLICATE, TSS_ERR_ZERO_ID or TSS_ERR_ENCODING. */
int frost_kg_index_build(frost_kg_index *idx, const void *base, size_t stride, size_t n);

/* Scratch carving: returns p rounded up to 64 bytes and advances *used; NULL if past cap. */
void *frost_kg_carve(uint8_t *scratch, size_t cap, size_t *used, size_t bytes);

/* Adds an identifier to a culprit list (capacity-bounded; *count always counts). */
void frost_kg_culprit_add(tss_frost_identifier *culprits, size_t cap, size_t *count, const tss_frost_identifier *id);

#endif
