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
#include "crypto/ed25519_backend.h"
#include "crypto/ge25519.h"
#include "crypto/sc25519.h"
#include "tss/frost.h"

/* Bytes of scratch frost_kg_exp_eval_vartime and frost_kg_exp_eval_all_vartime need for t coefficients. */
size_t frost_kg_exp_eval_scratch_size(size_t t);

/* r = sum_k [x^k] C[k] (public data), t >= 1. The scratch is only touched for x >= 2^32.
 * Returns 0, or -1 if it is too small. */
int frost_kg_exp_eval_vartime(ge25519_p3 *r, const ge25519_p3 *C, size_t t, const sc25519 *x,
                              void *scratch, size_t scratch_len);

/* ---- every participant's value at once (verifying shares) ----
 * For ascending identifiers x_0 < ... < x_(n-1) that are small integers (max <= FROST_KG_STEP_MAX_FACTOR * n),
 * the values Y(x) = sum_k [x^k] C_k are stepped through x = 1, 2, ..., max by forward differences:
 * Δ^j Y(0) (j < t) come from a Horner scheme in the binomial basis (x binom(x, j) = (j+1) binom(x, j+1) +
 * j binom(x, j), so each step multiplies by the small integers 1..t-1), then Δ^j Y(x+1) = Δ^j Y(x) +
 * Δ^(j+1) Y(x): about t^2/2 small multiples plus max * (t-1) additions, instead of n Horner evaluations
 * (n t log2(x) point operations). The point additions and doublings run in the selected backend's lanes. */
#define FROST_KG_STEP_MAX_FACTOR 4

/* emit(ctx, k, Y(x_k)) is called for k = 0..n-1 in order. Returns 1 if the identifiers qualify and the values
 * were emitted, 0 if they do not qualify (nothing emitted: evaluate one by one), -1 if the scratch (of
 * frost_kg_exp_eval_scratch_size(t) bytes) is too small. Public data. */
typedef void (*frost_kg_emit_fn)(void *ctx, size_t k, const ge25519_p3 *Y);
int frost_kg_exp_eval_all_vartime(const tss_ed25519_ops *ops, const ge25519_p3 *C, size_t t,
                                  const tss_frost_identifier *ids, size_t id_stride, size_t n, frost_kg_emit_fn emit,
                                  void *ctx, void *scratch, size_t scratch_len);

/* r[i] = p[i] + q[i] for i < n in the lanes of ops (portable ge25519_add when ops is NULL or n is small);
 * r may equal p or q (same index), no other overlap. Public data. */
void frost_kg_add_n(const tss_ed25519_ops *ops, ge25519_p3 *r, const ge25519_p3 *p, const ge25519_p3 *q, size_t n);

/* ---- secret polynomial evaluation at public points ---- */

/* r = a x + c mod L for a public x < 2^63: a 64x256-bit product reduced with 2^252 = -(L - 2^252) mod L and
 * masked corrections. Constant time in a and c (SECRET coefficients). */
void frost_kg_sc_muladd_small(sc25519 *r, const sc25519 *a, uint64_t x, const sc25519 *c);

/* out = sum_k coeffs[k] x^k for SECRET coefficients and a public x: Horner with frost_kg_sc_muladd_small
 * when x < 2^63, else with sc25519_muladd. Constant time in the coefficients. */
void frost_kg_poly_eval(sc25519 *out, const sc25519 *coeffs, size_t t, const sc25519 *x);

/* Decodes n commitment points as frost_point_decode_fast does (canonical, not the identity), the square
 * roots running in the lanes of ops (public data). 0 if every point decoded, else -1. */
int frost_kg_points_decode_vartime(const tss_ed25519_ops *ops, ge25519_p3 *out, const tss_frost_element *enc,
                                   size_t n);

/* As frost_kg_points_decode_vartime over pointer arrays, one verdict per point: ok[i] = 1 iff enc[i] decoded
 * into *out[i]. */
void frost_kg_decode_each_vartime(const tss_ed25519_ops *ops, ge25519_p3 *const out[], const uint8_t *const enc[],
                                  size_t n, uint8_t ok[]);

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
