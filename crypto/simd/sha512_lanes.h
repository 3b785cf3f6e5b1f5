/* Multi-buffer SHA-512 (FIPS 180-4): several independent messages at once, one per 64-bit vector lane
 * (crypto/simd/sha512_lanes_impl.h). Each message is the byte stream R[i] || A[i] || msg[i] (R and A 32 bytes,
 * msg may be NULL when msg_len[i] is 0), as the Ed25519 challenge hashes it. Call a variant only when the CPU
 * has its instruction set (crypto/cpu.h); the challenge_n variants fill tss_ed25519_ops.challenge_n.
 * Public data only: nothing here is meant to be constant time. */
#ifndef TSS_SHA512_LANES_H
#define TSS_SHA512_LANES_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/sc25519.h"

/* out[i] <- SHA-512(R[i] || A[i] || msg[i]) for i < n. */
void tss_sha512_ram_n_avx512(uint8_t (*out)[64], const uint8_t *const R[], const uint8_t *const A[],
                             const uint8_t *const msg[], const size_t msg_len[], size_t n);
void tss_sha512_ram_n_avx2(uint8_t (*out)[64], const uint8_t *const R[], const uint8_t *const A[],
                           const uint8_t *const msg[], const size_t msg_len[], size_t n);

/* *k[i] <- SHA-512(R[i] || A[i] || msg[i]) mod L for i < n, as tss_ed25519_challenge_n_ref. avx512: 8 lanes
 * of zmm (also used by the 4-lane IFMA table: a 4-lane ymm hash measured slower); avx2: 4 lanes of ymm. */
void tss_ed25519_challenge_n_avx512(sc25519 *const k[], const uint8_t *const R[], const uint8_t *const A[],
                                    const uint8_t *const msg[], const size_t msg_len[], size_t n);
void tss_ed25519_challenge_n_avx2(sc25519 *const k[], const uint8_t *const R[], const uint8_t *const A[],
                                  const uint8_t *const msg[], const size_t msg_len[], size_t n);

#endif
