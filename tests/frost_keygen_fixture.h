/* Test fixture shared by test_frost_dkg.c, test_frost_maintenance.c and test_frost_dkg_slow.c: runs every
 * participant of a DKG in one process, and signs with a subset through tss/frost.h. Header-only (static). */
#ifndef TSS_FROST_KEYGEN_FIXTURE_H
#define TSS_FROST_KEYGEN_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "tss/frost.h"
#include "tss/frost_keygen.h"

typedef struct dkg_run {
    uint32_t n, t;
    tss_frost_identifier *ids;
    tss_frost_element *r1_comm, *sp_comm;
    tss_frost_scalar *sp_coeff;
    tss_frost_dkg_secret_package *sp;
    tss_frost_dkg_round1_package *r1;
    tss_frost_dkg_round2_package *r2;   /* row i: the n-1 packages sender i produced, others in id order */
    tss_frost_key_package *kp;
    tss_frost_public_share *shares;     /* n rows of n */
    tss_frost_public_key_package *pkp;
    tss_frost_dkg_round1_package *tmp1; /* n-1 */
    tss_frost_dkg_round2_package *tmp2; /* n-1 */
    uint8_t *scratch;
    size_t scratch_len;
} dkg_run;

static inline void dkg_alloc(dkg_run *r, uint32_t n, uint32_t t, const tss_frost_identifier *ids)
{
    memset(r, 0, sizeof *r);
    r->n = n;
    r->t = t;
    r->ids = calloc(n, sizeof *r->ids);
    r->r1_comm = calloc((size_t)n * t, sizeof *r->r1_comm);
    r->sp_comm = calloc((size_t)n * t, sizeof *r->sp_comm);
    r->sp_coeff = calloc((size_t)n * t, sizeof *r->sp_coeff);
    r->sp = calloc(n, sizeof *r->sp);
    r->r1 = calloc(n, sizeof *r->r1);
    r->r2 = calloc((size_t)n * (n > 1 ? n - 1 : 1), sizeof *r->r2);
    r->kp = calloc(n, sizeof *r->kp);
    r->shares = calloc((size_t)n * n, sizeof *r->shares);
    r->pkp = calloc(n, sizeof *r->pkp);
    r->tmp1 = calloc(n, sizeof *r->tmp1);
    r->tmp2 = calloc(n, sizeof *r->tmp2);
    r->scratch_len = tss_frost_keygen_scratch_size(n, t);
    r->scratch = aligned_alloc(64, (r->scratch_len + 63) & ~(size_t)63);
    assert_non_null(r->scratch);
    for (uint32_t i = 0; i < n; i++) {
        if (ids != NULL)
            r->ids[i] = ids[i];
        else
            assert_int_equal(tss_frost_identifier_from_u64(&r->ids[i], i + 1), TSS_OK);
        assert_int_equal(tss_frost_dkg_secret_package_init(&r->sp[i], &r->sp_coeff[(size_t)i * t],
                                                           &r->sp_comm[(size_t)i * t], t), TSS_OK);
        assert_int_equal(tss_frost_dkg_round1_package_init(&r->r1[i], &r->r1_comm[(size_t)i * t], t), TSS_OK);
        assert_int_equal(tss_frost_public_key_package_init(&r->pkp[i], &r->shares[(size_t)i * n], n), TSS_OK);
    }
}

static inline void dkg_free(dkg_run *r)
{
    for (uint32_t i = 0; i < r->n; i++)
        tss_frost_dkg_secret_package_clear(&r->sp[i]);
    free(r->ids); free(r->r1_comm); free(r->sp_comm); free(r->sp_coeff); free(r->sp); free(r->r1);
    free(r->r2); free(r->kp); free(r->shares); free(r->pkp); free(r->tmp1); free(r->tmp2); free(r->scratch);
}

/* The n-1 round-1 packages of everyone but i, in index order. */
static inline void dkg_others_r1(dkg_run *r, uint32_t i)
{
    uint32_t k = 0;
    for (uint32_t j = 0; j < r->n; j++)
        if (j != i)
            r->tmp1[k++] = r->r1[j];
}

/* The n-1 round-2 packages addressed to i (sender j's row holds recipient i at i or i-1). */
static inline void dkg_r2_for(dkg_run *r, uint32_t i)
{
    uint32_t k = 0;
    for (uint32_t j = 0; j < r->n; j++) {
        if (j == i)
            continue;
        r->tmp2[k++] = r->r2[(size_t)j * (r->n - 1) + (i < j ? i : i - 1)];
    }
}

static inline void dkg_part1_all(dkg_run *r)
{
    for (uint32_t i = 0; i < r->n; i++)
        assert_int_equal(tss_frost_dkg_part1(&r->sp[i], &r->r1[i], &r->ids[i], r->n, r->t), TSS_OK);
}

static inline void dkg_part2_all(dkg_run *r)
{
    for (uint32_t i = 0; i < r->n; i++) {
        size_t nc = 99;
        dkg_others_r1(r, i);
        assert_int_equal(tss_frost_dkg_part2(&r->sp[i], &r->r2[(size_t)i * (r->n - 1)], r->tmp1, r->n - 1,
                                             r->scratch, r->scratch_len, NULL, 0, &nc), TSS_OK);
        assert_int_equal(nc, 0);
    }
}

static inline int dkg_part3_one(dkg_run *r, uint32_t i, tss_frost_identifier *culprits, size_t cap, size_t *nc)
{
    dkg_others_r1(r, i);
    dkg_r2_for(r, i);
    return tss_frost_dkg_part3(&r->kp[i], &r->pkp[i], &r->sp[i], r->tmp1, r->n - 1, r->tmp2, r->n - 1,
                               r->scratch, r->scratch_len, culprits, cap, nc);
}

/* Every participant's public key package equals participant 0's, and each key package matches it. */
static inline void assert_pkp_equal(const tss_frost_public_key_package *a, const tss_frost_public_key_package *b)
{
    assert_int_equal(a->max_signers, b->max_signers);
    assert_int_equal(a->min_signers, b->min_signers);
    assert_memory_equal(a->verifying_key.bytes, b->verifying_key.bytes, 32);
    assert_memory_equal(a->shares, b->shares, (size_t)a->max_signers * sizeof(tss_frost_public_share));
}

static inline void assert_kp_matches(const tss_frost_key_package *kp, const tss_frost_public_key_package *pkp)
{
    tss_frost_verifying_share vs;
    assert_int_equal(tss_frost_key_package_validate(kp), TSS_OK);
    assert_int_equal(tss_frost_public_key_package_find(&vs, pkp, &kp->identifier), TSS_OK);
    assert_memory_equal(vs.bytes, kp->verifying_share.bytes, 32);
    assert_memory_equal(kp->verifying_key.bytes, pkp->verifying_key.bytes, 32);
    assert_int_equal(kp->min_signers, pkp->min_signers);
}

/* Signs msg with the m key packages given (pointers) and checks the result with libsodium. Returns the
 * aggregate status (TSS_OK when the signature verified). */
static inline int sign_with(const tss_frost_key_package *const *kps, size_t m, const tss_frost_public_key_package *pkp,
                     const uint8_t *msg, size_t msg_len)
{
    tss_frost_signing_nonces *nonces = calloc(m, sizeof *nonces);
    tss_frost_signing_commitments *comms = calloc(m, sizeof *comms);
    tss_frost_signature_share *shares = calloc(m, sizeof *shares);
    tss_frost_signing_package pkg;
    tss_frost_signature sig;
    int rc = TSS_OK;
    for (size_t i = 0; i < m && rc == TSS_OK; i++)
        rc = tss_frost_round1_commit(&nonces[i], &comms[i], kps[i]);
    if (rc == TSS_OK)
        rc = tss_frost_signing_package_init(&pkg, comms, (uint32_t)m, msg, msg_len);
    for (size_t i = 0; i < m && rc == TSS_OK; i++)
        rc = tss_frost_round2_sign(&shares[i], &pkg, &nonces[i], kps[i]);
    if (rc == TSS_OK) {
        size_t nc = 0;
        rc = tss_frost_aggregate(&sig, &pkg, shares, m, pkp, NULL, 0, &nc);
    }
    if (rc == TSS_OK && crypto_sign_verify_detached(sig.bytes, msg, msg_len, pkp->verifying_key.bytes) != 0)
        rc = TSS_ERR_VERIFY;
    for (size_t i = 0; i < m; i++)
        tss_frost_signing_nonces_wipe(&nonces[i]);
    free(nonces);
    free(comms);
    free(shares);
    return rc;
}

/* Full DKG of n participants; every result consistent. */
static inline void dkg_run_all(dkg_run *r)
{
    dkg_part1_all(r);
    dkg_part2_all(r);
    for (uint32_t i = 0; i < r->n; i++) {
        size_t nc = 99;
        assert_int_equal(dkg_part3_one(r, i, NULL, 0, &nc), TSS_OK);
        assert_int_equal(nc, 0);
    }
    for (uint32_t i = 0; i < r->n; i++) {
        assert_pkp_equal(&r->pkp[i], &r->pkp[0]);
        assert_kp_matches(&r->kp[i], &r->pkp[0]);
    }
}

#endif
