/* The DKG steps shared with refresh (frost_refresh.c runs the DKG with a zero constant term); internal. */
#ifndef TSS_FROST_DKG_INTERNAL_H
#define TSS_FROST_DKG_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "crypto/sc25519.h"
#include "tss/frost_keygen.h"

/* Internal secret-package states. */
enum { FROST_KG_STATE_EMPTY = 0, FROST_KG_STATE_PART1 = 1, FROST_KG_STATE_PART2 = 2 };

/* Part 1. coefficients (t scalars) and nonce may be NULL for random ones. With refresh set, a_0 = 0, the
 * commitment omits φ_0 and the proof is frost-core's refresh proof (R = [k]B, μ = k). */
int frost_kg_part1(tss_frost_dkg_secret_package *sp, tss_frost_dkg_round1_package *pkg,
                   const tss_frost_identifier *id, uint32_t n, uint32_t t, const tss_frost_scalar *coefficients,
                   const sc25519 *nonce, int refresh);

int frost_kg_part2(tss_frost_dkg_secret_package *sp, tss_frost_dkg_round2_package *round2_out,
                   const tss_frost_dkg_round1_package *round1, size_t n_round1, void *scratch, size_t scratch_len,
                   tss_frost_identifier *culprits, size_t culprits_cap, size_t *n_culprits, int refresh);

/* Part 3; for refresh old_kp and old_pkp are the current key (NULL for the DKG). */
int frost_kg_part3(tss_frost_key_package *kp, tss_frost_public_key_package *pkp,
                   const tss_frost_dkg_secret_package *sp, const tss_frost_dkg_round1_package *round1,
                   size_t n_round1, const tss_frost_dkg_round2_package *round2, size_t n_round2,
                   const tss_frost_key_package *old_kp, const tss_frost_public_key_package *old_pkp,
                   void *scratch, size_t scratch_len, tss_frost_identifier *culprits, size_t culprits_cap,
                   size_t *n_culprits);

/* The key package for id from its combined share (SECRET; plus old_kp's share for a refresh, NULL otherwise)
 * and the finished public key package, checked against pkp's entry for id (for a refresh this also checks
 * old_kp): TSS_OK, TSS_ERR_ENCODING (old share), TSS_ERR_VERIFY (kp is wiped). DKG, refresh and reshare. */
int frost_kg_key_package(tss_frost_key_package *kp, const tss_frost_public_key_package *pkp,
                         const tss_frost_identifier *id, const sc25519 *share, const tss_frost_key_package *old_kp,
                         uint32_t t);

#endif
