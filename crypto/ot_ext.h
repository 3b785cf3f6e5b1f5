/* OT extension: KOS (Keller–Orsini–Scholl, CRYPTO 2015) over the base OTs of ot_base.h, producing
 * OTE_COUNT random OTs per session from the long-lived pairwise seeds, with the KOS consistency check.
 *
 * Roles (for one ordered pair): the OTE receiver holds both seeds of each of the κ = 128 base OTs (it was
 * the base-OT sender); the OTE sender holds Δ (its base-OT choice bits) and the seed Δ_l chose.
 * Per session, with a 32-byte session id unique to the session and the direction:
 *   receiver: choice bits x (OTE_M = OTE_COUNT + κ + 64 bits: the last κ+64 random, they hide x in the
 *             check), columns T0_l = PRG(k0_l) (fixed-key AES, see ot_ext.c), u_l = T0_l ⊕ PRG(k1_l) ⊕ x; challenges χ_j ∈ GF(2^128)
 *             from H(sid, u); check values X = Σ x_j χ_j, T = Σ t_j χ_j (t_j the rows of T0). Sends (u, X, T).
 *   sender:   Q_l = PRG(k_{Δ_l}) ⊕ Δ_l·u_l, so row q_j = t_j ⊕ x_j·Δ; accepts only if Σ q_j χ_j = T ⊕ X·Δ.
 *             A failure means the receiver deviated: it must be banned for this key (TSS_ERR_OT_CONSISTENCY),
 *             since repeated failures would reveal Δ bit by bit (selective failure on reused base OTs).
 * Outputs: the sender's pads are H(j, q_j) and H(j, q_j ⊕ Δ); the receiver's is H(j, t_j) = pad x_j. The
 * pad hash (ote_pads) is applied by the caller (RVOLE), which knows how many bytes it needs. */
#ifndef TSS_OT_EXT_H
#define TSS_OT_EXT_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/ot_base.h"

#define OTE_KAPPA 128
#define OTE_COUNT 416                        /* OTs used: 256 + 2·80 (the RVOLE's ξ) */
#define OTE_M (OTE_COUNT + OTE_KAPPA + 64)   /* 608 extended OTs */
#define OTE_ROW_BYTES (OTE_M / 8)            /* 76 */

typedef struct {
    uint8_t delta[OTE_KAPPA / 8];
    uint8_t seeds[OTE_KAPPA][OT_KEY_BYTES];       /* k_{Δ_l}^l */
} ote_sender_setup;

typedef struct {
    uint8_t seeds[OTE_KAPPA][2][OT_KEY_BYTES];    /* k_0^l, k_1^l */
} ote_receiver_setup;

typedef struct {
    uint8_t u[OTE_KAPPA][OTE_ROW_BYTES];
    uint8_t check_x[16];
    uint8_t check_t[16];
} ote_msg;

/* Receiver: choice (OTE_ROW_BYTES; the first OTE_COUNT bits are the caller's, the rest are overwritten with
 * fresh randomness) -> msg. */
int ote_receiver_start(ote_msg *msg, uint8_t choice[OTE_ROW_BYTES], const ote_receiver_setup *setup,
                       const uint8_t sid[32]);
/* Receiver: its rows t_j for j < OTE_COUNT (recomputed from the seeds, so the state between rounds is small).
 * Both return TSS_OK or TSS_ERR_CRYPTO (OpenSSL failure). */
int ote_receiver_rows(uint8_t rows[OTE_COUNT][16], const ote_receiver_setup *setup, const uint8_t sid[32]);
/* Sender: checks msg; 0 and rows q_j (j < OTE_COUNT), or TSS_ERR_OT_CONSISTENCY. */
int ote_sender_receive(uint8_t rows[OTE_COUNT][16], const ote_msg *msg, const ote_sender_setup *setup,
                       const uint8_t sid[32]);
/* The pads of n rows (OTs j0 .. j0+n-1): 128 bytes each of the tweakable correlation-robust hash
 * H(j, row) = π(π(row) ⊕ T(sid, j, k)) ⊕ π(row), k = 0..7, with π fixed-key AES-128 (Guo, Katz, Wang, Yu,
 * "Efficient and Secure Multiparty Computation from Fixed-Key Block Ciphers", S&P 2020; OpenSSL's AES-NI or
 * constant-time vector-permutation AES). xor_mask, if not NULL, is xored into every row first (the
 * sender's second pad: row ⊕ Δ). Returns 0, or -1 if OpenSSL fails. */
#define OTE_PAD_BYTES 128
int ote_pads(uint8_t (*out)[OTE_PAD_BYTES], const uint8_t (*rows)[16], size_t n, uint32_t j0, const uint8_t sid[32],
             const uint8_t xor_mask[16]);

/* Exposed for the unit test. */
void ote_transpose(uint8_t (*rows)[16], const uint8_t cols[OTE_KAPPA][OTE_ROW_BYTES], size_t n_rows);
/* portable = 1 forces the portable carry-less multiplication (else PCLMULQDQ when the CPU has it). */
void ote_gf128_mul(uint8_t out[16], const uint8_t a[16], const uint8_t b[16], int portable);
int ote_gf128_has_pclmul(void);

#endif
