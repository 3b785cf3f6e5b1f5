/* Base oblivious transfer: a batch of OT_BASE_COUNT random 1-of-2 OTs ("simplest OT", Chou–Orlandi 2015,
 * with the transcript-binding key derivation of Hauck–Loss, eprint 2017/1011, and a proof of knowledge of
 * the sender's secret).
 *
 *   sender:   a uniform in [1, n), A = a·G, Schnorr proof of knowledge of a bound to tag; sends (A, proof).
 *   receiver: checks A (valid point) and the proof; per OT i with choice c_i: b_i uniform in [1, n),
 *             B_i = b_i·G + c_i·A (both candidates computed, the sent one selected in constant time);
 *             key k_i = H(tag, i, A, B_i, b_i·A). Sends the B_i.
 *   sender:   checks every B_i (valid point, B_i != A so B_i - A is not the identity);
 *             k_i^0 = H(tag, i, A, B_i, a·B_i), k_i^1 = H(tag, i, A, B_i, a·(B_i - A)).
 *
 * The tag binds the session id, the key, and the ordered pair (sender, receiver): the "Devious Transfer"
 * attacks (2024) exploited OTs without such binding, scalars not sampled uniformly mod n and unchecked
 * points; each of those checks is here and has a negative test. */
#ifndef TSS_OT_BASE_H
#define TSS_OT_BASE_H

#include <stdint.h>
#include "crypto/ecdsa_point.h"
#include "crypto/secp256k1_scalar.h"

#define OT_BASE_COUNT 128
#define OT_KEY_BYTES 16

typedef struct {
    uint8_t A[33];
    uint8_t proof_R[33];
    uint8_t proof_z[32];
} ot_base_msg1;

typedef struct {
    uint8_t B[OT_BASE_COUNT][33];
} ot_base_msg2;

/* Sender: picks a, writes msg1. a is SECRET (kept until ot_base_sender_finish). */
int ot_base_sender_start(const k1_ctx *c, k1_scalar *a, ot_base_msg1 *msg1, const uint8_t tag[32]);
/* Receiver: checks msg1, writes msg2 and the chosen keys. choice: OT_BASE_COUNT bits (bit i of byte i/8).
 * Returns 0, or TSS_ERR_ENCODING (A not a valid point) / TSS_ERR_BASE_OT (proof does not verify). */
int ot_base_receiver(const k1_ctx *c, ot_base_msg2 *msg2, uint8_t keys[OT_BASE_COUNT][OT_KEY_BYTES],
                     const ot_base_msg1 *msg1, const uint8_t choice[OT_BASE_COUNT / 8], const uint8_t tag[32]);
/* Sender: both keys per OT. TSS_ERR_ENCODING (a B_i is not a valid point) / TSS_ERR_BASE_OT (B_i == A). */
int ot_base_sender_finish(const k1_ctx *c, uint8_t keys[OT_BASE_COUNT][2][OT_KEY_BYTES], const k1_scalar *a,
                          const ot_base_msg1 *msg1, const ot_base_msg2 *msg2, const uint8_t tag[32]);

#endif
