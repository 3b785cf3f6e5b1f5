/* The receiving side shared by DKG part 3, refresh part 3 and reshare: verify the shares received from m
 * senders against their VSS commitments and combine them (internal). */
#ifndef TSS_FROST_VSS_H
#define TSS_FROST_VSS_H

#include <stddef.h>
#include <stdint.h>
#include "crypto/frost_poly.h"
#include "tss/frost_keygen.h"

typedef struct frost_kg_vss {
    /* inputs */
    const tss_frost_dkg_round1_package *round1;
    const tss_frost_dkg_round2_package *round2;
    const frost_kg_index *idx1, *idx2;    /* sorted, matched: idx1[k].id == idx2[k].id */
    size_t m;                             /* senders */
    uint32_t t;                           /* coefficients, constant term included */
    int zero_constant;                    /* packages carry coefficients 1..t-1 (refresh) */
    const ge25519_p3 *own_commitment;     /* t points (constant included), or NULL */
    const sc25519 *own_share;             /* or NULL */
    sc25519 x;                            /* the recipient's identifier */
    const tss_ed25519_ops *ops;           /* backend for decoding commitments (NULL: portable) */
    /* workspace: t points each, m flags, exp-eval scratch */
    ge25519_p3 *C, *Cj;
    uint8_t *flags;
    void *eval_scratch;
    size_t eval_scratch_len;
    /* outputs: C holds the summed commitment */
    sc25519 share;                        /* SECRET: own share + sum of received shares */
    ge25519_p3 Y;                         /* [share]B */
} frost_kg_vss;

/* Decodes a sender's commitment into t points (identity first if zero_constant), through ops' batched
 * decompression (NULL: the portable two-at-a-time decoder; same results). 0 or -1. */
int frost_kg_commitment_decode(const tss_ed25519_ops *ops, ge25519_p3 *out, const tss_frost_dkg_round1_package *pkg,
                               uint32_t t, int zero_constant);

/* TSS_OK, TSS_ERR_CULPRIT (culprits named, ascending), TSS_ERR_VERIFY (aggregate check failed with no
 * sender to blame), TSS_ERR_CAPACITY (eval scratch). */
int frost_kg_vss_combine(frost_kg_vss *v, tss_frost_identifier *culprits, size_t culprits_cap,
                         size_t *n_culprits);

/* Writes pkp's shares for the sorted identifiers ids[0..n): Y_x = base_x + sum_k [x^k] C[k], where base_x is
 * the old verifying share (refresh; old_pkp non-NULL, looked up by identifier) or nothing. Sets max_signers,
 * min_signers, version; the caller sets the verifying key. Small consecutive identifiers go through
 * frost_kg_exp_eval_all_vartime with ops (NULL: the portable table), others one Horner evaluation each;
 * the eval scratch is frost_kg_exp_eval_scratch_size(t) bytes. */
int frost_kg_fill_verifying_shares(const tss_ed25519_ops *ops, tss_frost_public_key_package *pkp,
                                   const frost_kg_index *ids, size_t n,
                                   const ge25519_p3 *C, uint32_t t, const tss_frost_public_key_package *old_pkp,
                                   void *eval_scratch, size_t eval_scratch_len);

#endif
