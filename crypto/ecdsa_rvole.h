/* Random vector OLE of size 2 (DKLs23 Functionality 3.5, realized by DKLs19 Protocol 1 with the DKLs23
 * "forced reuse" of one OT batch for both inputs and the hashed check of DKLs23 §5.1), over ot_ext.h.
 *
 * Receiver (Bob) gets a random b; sender (Alice) inputs a = (a_0, a_1); they end with c_l + d_l = a_l·b,
 * c_l the sender's and d_l the receiver's, each uniformly random alone.
 *   Bob:   β = his first OTE_COUNT choice bits, b = <g, β> with the public gadget g (g_k = 2^k for k < 256,
 *          then 160 hashed constants: b is statistically uniform even if a few bits of β leak).
 *   Alice: pads ã_0, ã_1 (the OT correlation) and check pads â_0, â_1; per OT j, with her two OTE pads P0_j,
 *          P1_j ∈ Z_n^4: z_j = -P0_j, τ_j = P0_j - P1_j + (ã_0, ã_1, â_0, â_1). Challenges χ̃_l, χ̂_l =
 *          H(sid, τ) (after τ is fixed, so they cannot be chosen to hide an inconsistent correlation);
 *          check u_l = χ̃_l ã_l + χ̂_l â_l and the digest of r_{l,j} = χ̃_l z_{j,l} + χ̂_l z_{j,2+l};
 *          γ_l = a_l - ã_l; c_l = Σ_j g_j z_{j,l}. Sends (τ, u, digest(r), γ).
 *   Bob:   t_j = P_{β_j} + β_j·τ_j, so z_j + t_j = β_j·(ã, â); accepts only if the digest of
 *          β_j u_l - χ̃_l t_{j,l} - χ̂_l t_{j,2+l} equals Alice's (TSS_ERR_RVOLE otherwise: ban her);
 *          d_l = Σ_j g_j t_{j,l} + b·γ_l. */
#ifndef TSS_ECDSA_RVOLE_H
#define TSS_ECDSA_RVOLE_H

#include <stdint.h>

#include "crypto/ot_ext.h"
#include "crypto/secp256k1_scalar.h"

#define RVOLE_L 2

typedef struct {
    uint8_t tau[OTE_COUNT][2 * RVOLE_L][32];
    uint8_t check_u[RVOLE_L][32];
    uint8_t check_r[32];
    uint8_t gamma[RVOLE_L][32];
} rvole_msg2;

/* Bob, round 1: b and the choice bits (SECRET, keep both) and the OTE message for Alice. TSS_OK or
 * TSS_ERR_CRYPTO. */
int rvole_receiver_start(ote_msg *msg, k1_scalar *b, uint8_t choice[OTE_ROW_BYTES], const ote_receiver_setup *setup,
                         const uint8_t sid[32]);
/* Alice: 0 with c (SECRET) and msg2, or TSS_ERR_OT_CONSISTENCY (Bob's OTE message fails the KOS check). */
int rvole_sender(rvole_msg2 *msg2, k1_scalar c[RVOLE_L], const k1_scalar a[RVOLE_L], const ote_msg *msg1,
                 const ote_sender_setup *setup, const uint8_t sid[32]);
/* Bob, round 2: 0 with d (SECRET), TSS_ERR_ENCODING (a scalar >= n) or TSS_ERR_RVOLE (check failed). */
int rvole_receiver_finish(k1_scalar d[RVOLE_L], const rvole_msg2 *msg2, const k1_scalar *b,
                          const uint8_t choice[OTE_ROW_BYTES], const ote_receiver_setup *setup, const uint8_t sid[32]);

/* The gadget entry g_k (exposed for the unit test). */
void rvole_gadget(k1_scalar *g, uint32_t k);

#endif
