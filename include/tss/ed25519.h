/* tss: Ed25519 signing and (batch) verification.
 *
 * Verification rules (ZIP-215), identical for single and batch verification:
 *  - S (the second half of the signature) must be canonical: S < L, else reject.
 *  - A (public key) and R (first half of the signature) are decoded as ZIP-215 decodes them:
 *    a y coordinate >= p is accepted (reduced mod p) when the point decodes, and x = 0 with
 *    the sign bit set is accepted; points of small order or with a small-order component
 *    are accepted.
 *  - k = SHA-512(R || A || M) over the received bytes (not re-encoded), reduced mod L.
 *  - Accept iff the cofactored equation [8]([S]B - R - [k]A) = 0 holds.
 * Batch verification checks sum_i z_i([8]([S_i]B - R_i - [k_i]A_i)) = 0 with random 128-bit z_i
 * from a CSPRNG, so it accepts exactly the batches in which every signature is valid (up to
 * probability 2^-128), and when the batch fails it finds exactly which signatures are invalid.
 */
#ifndef TSS_ED25519_H
#define TSS_ED25519_H

#include <stddef.h>
#include <stdint.h>

#include "tss/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TSS_ED25519_SIG_BYTES 64
#define TSS_ED25519_PK_BYTES 32
#define TSS_ED25519_SK_BYTES 64   /* seed || pk, as libsodium */
#define TSS_ED25519_SEED_BYTES 32

/* Largest batch processed by one call (larger batches are processed in chunks of
 * TSS_ED25519_BATCH_CHUNK inside the call; n itself is unbounded). */
#define TSS_ED25519_BATCH_CHUNK 4096

/* 0 if valid, -1 otherwise */
TSS_API int tss_ed25519_verify(const uint8_t sig[64], const uint8_t *msg, size_t msg_len, const uint8_t pk[32])
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 4);

/* 0 if all n are valid; otherwise -1, and ok[i] = 1 or 0 says which (ok may be NULL).
 * n = 0 returns 0. Uses a bounded internal scratch (allocated once per call). */
TSS_API int tss_ed25519_verify_batch(const uint8_t *const sigs[], const uint8_t *const msgs[], const size_t msg_lens[],
                                     const uint8_t *const pks[], size_t n, int ok[]) TSS_WARN_UNUSED_RESULT;

/* Bytes of scratch needed so that tss_ed25519_verify_batch_scratch never allocates,
 * for batches of up to n signatures (n is capped at TSS_ED25519_BATCH_CHUNK). */
TSS_API size_t tss_ed25519_verify_batch_scratch_size(size_t n);

/* As tss_ed25519_verify_batch, with caller-provided scratch (16-byte aligned,
 * at least tss_ed25519_verify_batch_scratch_size(min(n, chunk)) bytes); never allocates.
 * Returns -1 with every ok[i] = 0 if the scratch is too small. */
TSS_API int tss_ed25519_verify_batch_scratch(const uint8_t *const sigs[], const uint8_t *const msgs[],
                                             const size_t msg_lens[], const uint8_t *const pks[], size_t n, int ok[],
                                             void *scratch, size_t scratch_len) TSS_WARN_UNUSED_RESULT;

/* RFC 8032 key generation and deterministic signing (through libsodium). */
TSS_API int tss_ed25519_keypair_from_seed(uint8_t pk[32], uint8_t sk[64], const uint8_t seed[32])
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 2, 3);
TSS_API int tss_ed25519_keypair(uint8_t pk[32], uint8_t sk[64]) TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 2);
TSS_API int tss_ed25519_sign(uint8_t sig[64], const uint8_t *msg, size_t msg_len, const uint8_t sk[64])
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 4);

#ifdef __cplusplus
}
#endif
#endif
