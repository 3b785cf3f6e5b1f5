/* Resharing a key to a new participant set and threshold (protocol in tss/frost_keygen.h): each old holder
 * Shamir-shares its Lagrange-weighted share with a committed polynomial; new holders verify and combine. */
#include <string.h>
#include <sodium.h>

#include "crypto/frost_dkg_internal.h"
#include "crypto/frost_internal.h"
#include "crypto/frost_poly.h"
#include "crypto/frost_vss.h"
#include "tss/frost_keygen.h"

/* Decodes n identifiers into xs, checking validity and distinctness through a sorted index. */
static int decode_set(sc25519 *xs, frost_kg_index *idx, const tss_frost_identifier *ids, size_t n)
{
    int rc = frost_kg_index_build(idx, ids, sizeof *ids, n);
    if (rc != TSS_OK)
        return rc;
    for (size_t k = 0; k < n; k++)
        (void)frost_identifier_scalar(&xs[k], &ids[k]);
    return TSS_OK;
}

static long find_id(const tss_frost_identifier *ids, size_t n, const tss_frost_identifier *id)
{
    for (size_t k = 0; k < n; k++)
        if (tss_frost_identifier_cmp(&ids[k], id) == 0)
            return (long)k;
    return -1;
}

int tss_frost_reshare_deal(tss_frost_dkg_round1_package *pkg, tss_frost_dkg_round2_package *round2_out,
                           const tss_frost_key_package *kp, const tss_frost_identifier *old_signers,
                           size_t n_old_signers, const tss_frost_identifier *new_ids, uint32_t n_new,
                           uint32_t t_new, void *scratch, size_t scratch_len)
{
    if (pkg == NULL || round2_out == NULL || kp == NULL || old_signers == NULL || new_ids == NULL ||
        kp->version != TSS_FROST_VERSION)
        return TSS_ERR_INVALID_ARG;
    if (t_new < 1 || t_new > n_new || n_new > TSS_FROST_MAX_SIGNERS || n_old_signers > TSS_FROST_MAX_SIGNERS)
        return TSS_ERR_INVALID_ARG;
    if (pkg->commitment == NULL || pkg->capacity < t_new)
        return TSS_ERR_INVALID_ARG;
    if (n_old_signers < kp->min_signers || n_old_signers < 1)
        return TSS_ERR_NOT_ENOUGH;
    const uint32_t nmax = n_new > n_old_signers ? n_new : (uint32_t)n_old_signers;
    const uint32_t tmax = t_new > kp->min_signers ? t_new : kp->min_signers;
    if (scratch_len < tss_frost_keygen_scratch_size(nmax, tmax))
        return TSS_ERR_CAPACITY;
    size_t used = 0;
    frost_kg_index *idx = frost_kg_carve(scratch, scratch_len, &used, (size_t)nmax * sizeof *idx);
    sc25519 *xs = frost_kg_carve(scratch, scratch_len, &used, (size_t)nmax * sizeof(sc25519));
    sc25519 *coeffs = frost_kg_carve(scratch, scratch_len, &used, (size_t)t_new * sizeof(sc25519));
    if (idx == NULL || xs == NULL || coeffs == NULL)
        return TSS_ERR_CAPACITY;

    int rc = decode_set(xs, idx, new_ids, n_new);
    if (rc != TSS_OK)
        return rc;
    rc = decode_set(xs, idx, old_signers, n_old_signers);
    if (rc != TSS_OK)
        return rc;
    long me = find_id(old_signers, n_old_signers, &kp->identifier);
    if (me < 0)
        return TSS_ERR_NOT_FOUND;

    sc25519 zero, lambda, s, x, f;
    ge25519_p3 P;
    sc25519_zero(&zero);
    rc = frost_kg_lagrange_at(&lambda, xs, n_old_signers, (size_t)me, &zero);
    if (rc != TSS_OK)
        return rc;
    if (frost_scalar_decode(&s, kp->signing_share.bytes) != TSS_OK)
        return TSS_ERR_ENCODING;
    sc25519_mul(&coeffs[0], &lambda, &s);
    sodium_memzero(&s, sizeof s);
    for (uint32_t j = 1; j < t_new; j++)
        sc25519_random(&coeffs[j]);
    for (uint32_t j = 0; j < t_new; j++) {
        ge25519_scalarmult_base(&P, &coeffs[j]);
        ge25519_tobytes(pkg->commitment[j].bytes, &P);
    }
    pkg->version = TSS_FROST_VERSION;
    pkg->identifier = kp->identifier;
    pkg->n_commitments = t_new;
    memset(pkg->proof_of_knowledge, 0, sizeof pkg->proof_of_knowledge);
    for (uint32_t k = 0; k < n_new; k++) {
        (void)frost_identifier_scalar(&x, &new_ids[k]);
        frost_kg_poly_eval(&f, coeffs, t_new, &x);
        round2_out[k].version = TSS_FROST_VERSION;
        round2_out[k].sender = kp->identifier;
        round2_out[k].recipient = new_ids[k];
        sc25519_to_bytes(round2_out[k].signing_share.bytes, &f);
    }
    sodium_memzero(&f, sizeof f);
    sodium_memzero(coeffs, (size_t)t_new * sizeof(sc25519));
    return TSS_OK;
}

/* Names the senders whose constant commitment differs from [λ_i]Y_i (old public key package). */
static int name_constant_culprits(const tss_frost_dkg_round1_package *round1, const frost_kg_index *idx1,
                                  size_t m, const tss_frost_public_key_package *old_pkp, sc25519 *xs,
                                  sc25519 *lambdas, sc25519 *tmp, tss_frost_identifier *culprits, size_t cap,
                                  size_t *n_culprits)
{
    for (size_t k = 0; k < m; k++)
        (void)frost_identifier_scalar(&xs[k], &idx1[k].id);
    int rc = frost_lagrange_all_at_zero(lambdas, xs, m, tmp);
    if (rc != TSS_OK)
        return rc;
    size_t count = 0;
    for (size_t k = 0; k < m; k++) {
        tss_frost_verifying_share Yb;
        ge25519_p3 Y, expect, H;
        const tss_frost_dkg_round1_package *p = &round1[idx1[k].idx];
        if (tss_frost_public_key_package_find(&Yb, old_pkp, &idx1[k].id) != TSS_OK)
            return TSS_ERR_NOT_FOUND;
        if (frost_point_decode_fast(&Y, Yb.bytes) != TSS_OK)
            return TSS_ERR_ENCODING;
        ge25519_scalarmult_vartime(&expect, &lambdas[k], &Y);
        if (frost_point_decode_fast(&H, p->commitment[0].bytes) != TSS_OK || !ge25519_eq(&H, &expect))
            frost_kg_culprit_add(culprits, cap, &count, &idx1[k].id);
    }
    if (n_culprits != NULL)
        *n_culprits = count;
    return count > 0 ? TSS_ERR_CULPRIT : TSS_ERR_VERIFY;
}

int tss_frost_reshare_finish(tss_frost_key_package *kp, tss_frost_public_key_package *pkp,
                             const tss_frost_identifier *id, const tss_frost_identifier *new_ids, uint32_t n_new,
                             uint32_t t_new, const tss_frost_public_key_package *old_pkp,
                             const tss_frost_identifier *old_signers, size_t n_old_signers,
                             const tss_frost_dkg_round1_package *round1_packages,
                             const tss_frost_dkg_round2_package *round2_packages, size_t n_packages,
                             void *scratch, size_t scratch_len,
                             tss_frost_identifier *culprits, size_t culprits_cap, size_t *n_culprits)
{
    if (n_culprits != NULL)
        *n_culprits = 0;
    if (kp == NULL || pkp == NULL || id == NULL || new_ids == NULL || old_pkp == NULL || old_signers == NULL ||
        round1_packages == NULL || round2_packages == NULL)
        return TSS_ERR_INVALID_ARG;
    if (t_new < 1 || t_new > n_new || n_new > TSS_FROST_MAX_SIGNERS || n_old_signers > TSS_FROST_MAX_SIGNERS)
        return TSS_ERR_INVALID_ARG;
    if (n_old_signers < 1 || n_old_signers < old_pkp->min_signers)
        return TSS_ERR_NOT_ENOUGH;
    if (n_packages != n_old_signers)
        return TSS_ERR_NOT_ENOUGH;
    if (pkp->shares == NULL || pkp->capacity < n_new)
        return TSS_ERR_CAPACITY;
    if (old_pkp->shares == NULL || pkp->shares == old_pkp->shares)
        return TSS_ERR_INVALID_ARG;
    const size_t m = n_packages;
    const uint32_t nmax = n_new > m ? n_new : (uint32_t)m;
    if (scratch_len < tss_frost_keygen_scratch_size(nmax, t_new))
        return TSS_ERR_CAPACITY;

    size_t used = 0;
    frost_kg_index *idx1 = frost_kg_carve(scratch, scratch_len, &used, m * sizeof *idx1);
    frost_kg_index *idx2 = frost_kg_carve(scratch, scratch_len, &used, m * sizeof *idx2);
    frost_kg_index *idxS = frost_kg_carve(scratch, scratch_len, &used, m * sizeof *idxS);
    frost_kg_index *idxN = frost_kg_carve(scratch, scratch_len, &used, (size_t)n_new * sizeof *idxN);
    uint8_t *flags = frost_kg_carve(scratch, scratch_len, &used, m + 1);
    ge25519_p3 *C = frost_kg_carve(scratch, scratch_len, &used, (size_t)t_new * sizeof(ge25519_p3));
    ge25519_p3 *Cj = frost_kg_carve(scratch, scratch_len, &used, (size_t)t_new * sizeof(ge25519_p3));
    sc25519 *xs = frost_kg_carve(scratch, scratch_len, &used, m * sizeof(sc25519));
    sc25519 *lambdas = frost_kg_carve(scratch, scratch_len, &used, m * sizeof(sc25519));
    sc25519 *tmp = frost_kg_carve(scratch, scratch_len, &used, m * sizeof(sc25519));
    size_t eval_len = frost_kg_exp_eval_scratch_size(t_new);
    void *eval = frost_kg_carve(scratch, scratch_len, &used, eval_len);
    if (idx1 == NULL || idx2 == NULL || idxS == NULL || idxN == NULL || flags == NULL || C == NULL || Cj == NULL ||
        xs == NULL || lambdas == NULL || tmp == NULL || eval == NULL)
        return TSS_ERR_CAPACITY;

    int rc = frost_kg_index_build(idxN, new_ids, sizeof *new_ids, n_new);
    if (rc != TSS_OK)
        return rc;
    if (find_id(new_ids, n_new, id) < 0)
        return TSS_ERR_NOT_FOUND;
    if ((rc = frost_kg_index_build(idxS, old_signers, sizeof *old_signers, m)) != TSS_OK ||
        (rc = frost_kg_index_build(idx1, &round1_packages[0].identifier, sizeof *round1_packages, m)) != TSS_OK ||
        (rc = frost_kg_index_build(idx2, &round2_packages[0].sender, sizeof *round2_packages, m)) != TSS_OK)
        return rc;
    for (size_t k = 0; k < m; k++) {
        if (tss_frost_identifier_cmp(&idxS[k].id, &idx1[k].id) != 0 ||
            tss_frost_identifier_cmp(&idxS[k].id, &idx2[k].id) != 0)
            return TSS_ERR_NOT_FOUND;
        const tss_frost_dkg_round2_package *p2 = &round2_packages[idx2[k].idx];
        if (p2->version != TSS_FROST_VERSION || tss_frost_identifier_cmp(&p2->recipient, id) != 0)
            return TSS_ERR_INVALID_ARG;
    }

    frost_kg_vss v;
    memset(&v, 0, sizeof v);
    v.round1 = round1_packages;
    v.round2 = round2_packages;
    v.idx1 = idx1;
    v.idx2 = idx2;
    v.m = m;
    v.t = t_new;
    (void)frost_identifier_scalar(&v.x, id);
    v.ops = tss_ed25519_ops_get(TSS_BACKEND_AUTO);
    v.C = C;
    v.Cj = Cj;
    v.flags = flags;
    v.eval_scratch = eval;
    v.eval_scratch_len = eval_len;
    rc = frost_kg_vss_combine(&v, culprits, culprits_cap, n_culprits);
    if (rc != TSS_OK) {
        sodium_memzero(&v.share, sizeof v.share);
        return rc;
    }

    /* The same key: the constant terms must add up to the old group key. */
    uint8_t vk[32];
    ge25519_tobytes(vk, &C[0]);
    if (memcmp(vk, old_pkp->verifying_key.bytes, 32) != 0) {
        sodium_memzero(&v.share, sizeof v.share);
        return name_constant_culprits(round1_packages, idx1, m, old_pkp, xs, lambdas, tmp, culprits, culprits_cap,
                                      n_culprits);
    }

    rc = frost_kg_fill_verifying_shares(v.ops, pkp, idxN, n_new, C, t_new, NULL, eval, eval_len);
    if (rc != TSS_OK) {
        sodium_memzero(&v.share, sizeof v.share);
        return rc;
    }
    pkp->min_signers = t_new;
    pkp->verifying_key = old_pkp->verifying_key;

    rc = frost_kg_key_package(kp, pkp, id, &v.share, NULL, t_new);
    sodium_memzero(&v.share, sizeof v.share);
    return rc;
}
