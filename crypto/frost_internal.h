/* Internal helpers shared by the FROST sources (crypto/frost_*.c) and the key generation protocols.
 * Not installed; the public API is include/tss/frost.h. */
#ifndef TSS_FROST_INTERNAL_H
#define TSS_FROST_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <sodium.h>
#include "crypto/ed25519_backend.h"
#include "crypto/ge25519.h"
#include "crypto/sc25519.h"
#include "tss/frost.h"

/* ---- ciphersuite hashes (RFC 9591 §6.5, context string "FROST-ED25519-SHA512-v1") ----
 * Each starts a SHA-512 over context ‖ tag; callers absorb the message with crypto_hash_sha512_update. */
void frost_hash_init(crypto_hash_sha512_state *st, const char *tag);
/* Finishes a hash and reduces the 64-byte digest mod L (wipes the state). */
void frost_hash_final_scalar(sc25519 *out, crypto_hash_sha512_state *st);

void frost_h1(sc25519 *out, const uint8_t *m, size_t len);        /* rho:   binding factors */
void frost_h2(sc25519 *out, const uint8_t *m, size_t len);        /* chal:  plain SHA-512(m) mod L */
void frost_h3(sc25519 *out, const uint8_t *m, size_t len);        /* nonce */
void frost_h4(uint8_t out[64], const uint8_t *m, size_t len);     /* msg */
void frost_h5(uint8_t out[64], const uint8_t *m, size_t len);     /* com */
void frost_hid(sc25519 *out, const uint8_t *m, size_t len);       /* id:    Identifier::derive */
void frost_hdkg(sc25519 *out, const uint8_t *m, size_t len);      /* dkg:   proof-of-knowledge challenge */

/* Ed25519 challenge c = SHA-512(R ‖ A ‖ M) mod L. */
void frost_challenge(sc25519 *c, const uint8_t R[32], const uint8_t A[32], const uint8_t *msg, size_t msg_len);

/* RFC 9591 nonce_generate: H3(random32 ‖ secret32). */
void frost_nonce_generate(sc25519 *nonce, const uint8_t random[32], const uint8_t secret[32]);

/* ---- encodings ---- */
/* Canonical, not the identity, prime order (frost-core's deserialize): TSS_OK or TSS_ERR_ENCODING. */
int frost_point_decode(ge25519_p3 *p, const uint8_t s[32]);
/* Canonical and not the identity (no subgroup check; for hot paths over already-validated data). */
int frost_point_decode_fast(ge25519_p3 *p, const uint8_t s[32]);
/* Canonical scalar: TSS_OK or TSS_ERR_ENCODING. */
int frost_scalar_decode(sc25519 *s, const uint8_t b[32]);
/* Identifier -> scalar: TSS_OK, TSS_ERR_ENCODING (non-canonical) or TSS_ERR_ZERO_ID. */
int frost_identifier_scalar(sc25519 *x, const tss_frost_identifier *id);

/* ---- polynomials and interpolation ---- */
/* f(x) = Σ coeffs[k] x^k (Horner, constant time in the values). */
void frost_poly_eval(sc25519 *out, const sc25519 *coeffs, size_t t, const sc25519 *x);
/* Σ [x^k] C_k over public commitments (Horner, variable time): the expected [f(x)]B of a VSS commitment. */
void frost_vss_eval_vartime(ge25519_p3 *out, const ge25519_p3 *commitment, size_t t, const sc25519 *x);
/* Lagrange coefficient at 0 of x_i within the set xs (n distinct nonzero values, x_i among them):
 * λ_i = Π_{j≠i} x_j / (x_j - x_i). Returns TSS_OK, or TSS_ERR_DUPLICATE if a difference is 0. */
int frost_lagrange_at_zero(sc25519 *lambda, const sc25519 *x_i, const sc25519 *xs, size_t n);
/* All n coefficients at 0 with one batch inversion (tmp: n scalars; lambdas may not alias xs).
 * O(n^2) multiplications. TSS_ERR_DUPLICATE / TSS_ERR_ZERO_ID on a repeated or zero x. */
int frost_lagrange_all_at_zero(sc25519 *lambdas, const sc25519 *xs, size_t n, sc25519 *tmp);

/* ---- group helpers ---- */
/* r = Σ [s_i]P_i over public data (variable time), through batch/msm.h with a bounded stack scratch
 * (processed in chunks; never allocates). */
void frost_msm_vartime(ge25519_p3 *r, const sc25519 *scalars, const ge25519_p3 *points, size_t n);

/* ---- lists ---- */
/* In-place heap sort (no allocation) of n records of `size` bytes by the identifier at byte offset
 * id_offset, ascending numeric order. */
void frost_sort_by_id(void *base, size_t n, size_t size, size_t id_offset);
/* TSS_OK if ids[k*stride] (k < n) are valid and strictly ascending; else TSS_ERR_DUPLICATE (equal
 * neighbours), TSS_ERR_INVALID_ARG (unsorted), TSS_ERR_ZERO_ID / TSS_ERR_ENCODING (bad identifier). */
int frost_check_sorted_ids(const void *first, size_t stride, size_t n);
/* Public key package counts and sorted identifiers (no point decoding). */
int frost_public_key_package_check_ids(const tss_frost_public_key_package *pkp);
/* Index of id among the sorted commitments, or -1. */
long frost_find_commitment(const tss_frost_signing_package *pkg, const tss_frost_identifier *id);

/* ---- signing internals (frost_sign.c) ---- */
/* Streams binding factors ρ_i = H1(Y ‖ H4(msg) ‖ H5(commitment list) ‖ id_i): prefix holds the part
 * before id_i (160 bytes). */
#define FROST_BINDING_PREFIX_BYTES 160
void frost_binding_prefix(uint8_t prefix[FROST_BINDING_PREFIX_BYTES], const tss_frost_signing_package *pkg,
                          const uint8_t vk[32]);
void frost_binding_factor(sc25519 *rho, const uint8_t prefix[FROST_BINDING_PREFIX_BYTES],
                          const tss_frost_identifier *id);
/* Group commitment R = Σ D_i + [ρ_i]E_i over every commitment of pkg (MSM in bounded chunks, variable
 * time). TSS_ERR_ENCODING if a commitment point is invalid. */
int frost_group_commitment(ge25519_p3 *R, const tss_frost_signing_package *pkg,
                           const uint8_t prefix[FROST_BINDING_PREFIX_BYTES]);
/* Signers per chunk of commitment decoding (2 points each, bounded stack). */
#define FROST_COMMITMENT_CHUNK 64
/* D[k], E[k] = hiding and binding commitments of signer off + k (k < m <= FROST_COMMITMENT_CHUNK), decoded as
 * frost_point_decode_fast does with the square roots in the lanes of ops (public data). TSS_ERR_ENCODING if one
 * is invalid. */
int frost_commitments_decode_vartime(const tss_ed25519_ops *ops, ge25519_p3 *D, ge25519_p3 *E,
                                     const tss_frost_signing_package *pkg, uint32_t off, uint32_t m);
/* λ_i of x_i within the identifiers of pkg (one inversion); TSS_ERR_NOT_FOUND if x_i is not among them. */
int frost_package_lagrange(sc25519 *lambda, const tss_frost_signing_package *pkg, const sc25519 *x_i);
/* Checks pkg's version, count and sortedness (the common prologue of round 2, verification, aggregation). */
int frost_signing_package_check(const tss_frost_signing_package *pkg);

#endif
