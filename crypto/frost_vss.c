/* Verifying and combining received VSS shares: one aggregate check for the honest case, per-sender checks
 * only to name culprits. */
#include <string.h>
#include <sodium.h>

#include "crypto/frost_internal.h"
#include "crypto/frost_vss.h"

enum { FLAG_OK = 0, FLAG_BAD = 1 };

int frost_kg_commitment_decode(const tss_ed25519_ops *ops, ge25519_p3 *out, const tss_frost_dkg_round1_package *pkg,
                               uint32_t t, int zero_constant)
{
    const uint32_t carried = zero_constant ? t - 1 : t;
    if (pkg->n_commitments != carried || (carried > 0 && pkg->commitment == NULL))
        return -1;
    uint32_t k = 0;
    if (zero_constant)
        ge25519_identity(&out[k++]);
    if (ops != NULL)
        return frost_kg_points_decode_vartime(ops, &out[k], pkg->commitment, carried);
    uint32_t j = 0;
    for (; j + 1 < carried; j += 2, k += 2)
        if (frost_kg_point_decode_fast_x2(&out[k], pkg->commitment[j].bytes, &out[k + 1],
                                          pkg->commitment[j + 1].bytes) != 3u)
            return -1;
    if (j < carried && frost_point_decode_fast(&out[k], pkg->commitment[j].bytes) != TSS_OK)
        return -1;
    return 0;
}

/* 1 if sender k's share matches its commitment at x (Cj is workspace). Secret share compared in public form:
 * [f_j(x)]B is what the sender committed to. */
static int sender_share_ok(frost_kg_vss *v, size_t k, int *scratch_err)
{
    const tss_frost_dkg_round1_package *p1 = &v->round1[v->idx1[k].idx];
    const tss_frost_dkg_round2_package *p2 = &v->round2[v->idx2[k].idx];
    sc25519 s;
    ge25519_p3 lhs, rhs;
    if (frost_kg_commitment_decode(v->ops, v->Cj, p1, v->t, v->zero_constant) != 0)
        return 0;
    if (frost_scalar_decode(&s, p2->signing_share.bytes) != TSS_OK)
        return 0;
    ge25519_scalarmult_base(&lhs, &s);
    sodium_memzero(&s, sizeof s);
    if (frost_kg_exp_eval_vartime(&rhs, v->Cj, v->t, &v->x, v->eval_scratch, v->eval_scratch_len) != 0) {
        *scratch_err = 1;
        return 0;
    }
    return ge25519_eq(&lhs, &rhs);
}

static int emit_culprits(const frost_kg_vss *v, tss_frost_identifier *culprits, size_t cap, size_t *n_culprits)
{
    size_t count = 0;
    for (size_t k = 0; k < v->m; k++)
        if (v->flags[k] != FLAG_OK)
            frost_kg_culprit_add(culprits, cap, &count, &v->idx1[k].id);
    if (n_culprits != NULL)
        *n_culprits = count;
    return count > 0 ? TSS_ERR_CULPRIT : TSS_OK;
}

int frost_kg_vss_combine(frost_kg_vss *v, tss_frost_identifier *culprits, size_t culprits_cap,
                         size_t *n_culprits)
{
    const uint32_t t = v->t;
    int malformed = 0, scratch_err = 0;
    if (n_culprits != NULL)
        *n_culprits = 0;

    /* Sum the commitments and the shares. */
    for (uint32_t k = 0; k < t; k++) {
        if (v->own_commitment != NULL)
            v->C[k] = v->own_commitment[k];
        else
            ge25519_identity(&v->C[k]);
    }
    if (v->own_share != NULL)
        v->share = *v->own_share;
    else
        sc25519_zero(&v->share);
    for (size_t k = 0; k < v->m; k++) {
        const tss_frost_dkg_round1_package *p1 = &v->round1[v->idx1[k].idx];
        const tss_frost_dkg_round2_package *p2 = &v->round2[v->idx2[k].idx];
        sc25519 s;
        v->flags[k] = FLAG_OK;
        if (frost_kg_commitment_decode(v->ops, v->Cj, p1, t, v->zero_constant) != 0 ||
            frost_scalar_decode(&s, p2->signing_share.bytes) != TSS_OK) {
            v->flags[k] = FLAG_BAD;
            malformed = 1;
            continue;
        }
        frost_kg_add_n(v->ops, v->C, v->C, v->Cj, t);
        sc25519_add(&v->share, &v->share, &s);
        sodium_memzero(&s, sizeof s);
    }

    if (malformed) {
        /* The sums are incomplete: check every well-formed sender on its own to name all culprits. */
        for (size_t k = 0; k < v->m; k++)
            if (v->flags[k] == FLAG_OK && !sender_share_ok(v, k, &scratch_err))
                v->flags[k] = FLAG_BAD;
        if (scratch_err)
            return TSS_ERR_CAPACITY;
        return emit_culprits(v, culprits, culprits_cap, n_culprits);
    }

    /* Prime order of the summed coefficients covers the group key and every verifying share; a failing
     * coefficient index is traced to the senders whose own coefficient has a small-order component. */
    int torsion = 0;
    for (uint32_t j = 0; j < t; j++) {
        if (frost_kg_is_torsion_free_vartime(&v->C[j]))
            continue;
        torsion = 1;
        for (size_t k = 0; k < v->m; k++) {
            if (v->zero_constant && j == 0)
                break;
            ge25519_p3 P;
            const tss_frost_dkg_round1_package *p1 = &v->round1[v->idx1[k].idx];
            const uint32_t at = v->zero_constant ? j - 1 : j;
            if (frost_point_decode_fast(&P, p1->commitment[at].bytes) != TSS_OK ||
                !frost_kg_is_torsion_free_vartime(&P))
                v->flags[k] = FLAG_BAD;
        }
    }

    /* The aggregate check: [share]B == sum_k [x^k] C_k. */
    ge25519_p3 expect;
    ge25519_scalarmult_base(&v->Y, &v->share);
    if (frost_kg_exp_eval_vartime(&expect, v->C, t, &v->x, v->eval_scratch, v->eval_scratch_len) != 0)
        return TSS_ERR_CAPACITY;
    if (!ge25519_eq(&v->Y, &expect)) {
        for (size_t k = 0; k < v->m; k++)
            if (v->flags[k] == FLAG_OK && !sender_share_ok(v, k, &scratch_err))
                v->flags[k] = FLAG_BAD;
        if (scratch_err)
            return TSS_ERR_CAPACITY;
        int rc = emit_culprits(v, culprits, culprits_cap, n_culprits);
        return rc == TSS_OK ? TSS_ERR_VERIFY : rc;
    }
    if (torsion) {
        int rc = emit_culprits(v, culprits, culprits_cap, n_culprits);
        return rc == TSS_OK ? TSS_ERR_VERIFY : rc;
    }
    return TSS_OK;
}

typedef struct fill_ctx {
    tss_frost_public_key_package *pkp;
    const frost_kg_index *ids;
    const tss_frost_public_key_package *old_pkp;
    int rc;
} fill_ctx;

/* Stores Y (plus the old verifying share for refresh) as participant k's verifying share. */
static void fill_emit(void *ctx, size_t k, const ge25519_p3 *Y)
{
    fill_ctx *f = ctx;
    ge25519_p3 sum = *Y;
    if (f->old_pkp != NULL) {
        tss_frost_verifying_share old;
        ge25519_p3 O;
        if (tss_frost_public_key_package_find(&old, f->old_pkp, &f->ids[k].id) != TSS_OK) {
            f->rc = TSS_ERR_NOT_FOUND;
            return;
        }
        if (frost_point_decode_fast(&O, old.bytes) != TSS_OK) {
            f->rc = TSS_ERR_ENCODING;
            return;
        }
        ge25519_add(&sum, &sum, &O);
    }
    f->pkp->shares[k].identifier = f->ids[k].id;
    ge25519_tobytes(f->pkp->shares[k].verifying_share.bytes, &sum);
}

int frost_kg_fill_verifying_shares(const tss_ed25519_ops *ops, tss_frost_public_key_package *pkp,
                                   const frost_kg_index *ids, size_t n,
                                   const ge25519_p3 *C, uint32_t t, const tss_frost_public_key_package *old_pkp,
                                   void *eval_scratch, size_t eval_scratch_len)
{
    fill_ctx f = { pkp, ids, old_pkp, TSS_OK };
    const int all = frost_kg_exp_eval_all_vartime(ops != NULL ? ops : &tss_ed25519_ops_ref, C, t, &ids[0].id,
                                                  sizeof *ids, n, fill_emit, &f, eval_scratch, eval_scratch_len);
    if (all < 0)
        return TSS_ERR_CAPACITY;
    for (size_t k = 0; !all && k < n && f.rc == TSS_OK; k++) {
        sc25519 x;
        ge25519_p3 Y;
        int rc = frost_identifier_scalar(&x, &ids[k].id);
        if (rc != TSS_OK)
            return rc;
        if (frost_kg_exp_eval_vartime(&Y, C, t, &x, eval_scratch, eval_scratch_len) != 0)
            return TSS_ERR_CAPACITY;
        fill_emit(&f, k, &Y);
    }
    if (f.rc != TSS_OK)
        return f.rc;
    pkp->version = TSS_FROST_VERSION;
    pkp->max_signers = (uint32_t)n;
    return TSS_OK;
}
