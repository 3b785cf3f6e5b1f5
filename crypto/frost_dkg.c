/* FROST distributed key generation (frost-core keys::dkg): part 1 (coefficients, commitment, proof of
 * knowledge), part 2 (batched proof checks, one share per peer), part 3 (aggregate share check, key package
 * and public key package). */
#include <string.h>
#include <sodium.h>

#include "batch/msm.h"
#include "crypto/frost_dkg_internal.h"
#include "crypto/frost_internal.h"
#include "crypto/frost_poly.h"
#include "crypto/frost_vss.h"
#include "util/align.h"

/* Proofs verified per MSM: 2 points each; Straus territory, bounded scratch. */
#define POK_CHUNK 64

int tss_frost_dkg_round1_package_init(tss_frost_dkg_round1_package *pkg, tss_frost_element *commitment,
                                      uint32_t capacity)
{
    if (pkg == NULL || (commitment == NULL && capacity != 0))
        return TSS_ERR_INVALID_ARG;
    memset(pkg, 0, sizeof *pkg);
    pkg->version = TSS_FROST_VERSION;
    pkg->commitment = commitment;
    pkg->capacity = capacity;
    return TSS_OK;
}

int tss_frost_dkg_secret_package_init(tss_frost_dkg_secret_package *sp, tss_frost_scalar *coefficients,
                                      tss_frost_element *commitment, uint32_t capacity)
{
    if (sp == NULL || ((coefficients == NULL || commitment == NULL) && capacity != 0))
        return TSS_ERR_INVALID_ARG;
    memset(sp, 0, sizeof *sp);
    sp->version = TSS_FROST_VERSION;
    sp->coefficients = coefficients;
    sp->commitment = commitment;
    sp->capacity = capacity;
    return TSS_OK;
}

void tss_frost_dkg_secret_package_clear(tss_frost_dkg_secret_package *sp)
{
    if (sp == NULL)
        return;
    if (sp->coefficients != NULL)
        sodium_memzero(sp->coefficients, (size_t)sp->capacity * sizeof(tss_frost_scalar));
    sodium_memzero(&sp->own_share, sizeof sp->own_share);
    sp->state = FROST_KG_STATE_EMPTY;
}

size_t tss_frost_keygen_scratch_size(uint32_t n, uint32_t t)
{
    const size_t nn = (size_t)n + 1, tt = (size_t)t + 1;
    size_t s = 0;
    s += 4 * tss_align_up(nn * sizeof(frost_kg_index), 64);              /* sender indices, all participants */
    s += tss_align_up(nn, 64);                                           /* culprit flags */
    s += 2 * tss_align_up(tt * sizeof(ge25519_p3), 64);                  /* summed and per-sender commitments */
    s += tss_align_up(tt * sizeof(sc25519), 64);                         /* secret coefficients */
    s += 3 * tss_align_up(nn * sizeof(sc25519), 64);                     /* identifiers, Lagrange coefficients (reshare) */
    s += tss_align_up(2 * POK_CHUNK * (sizeof(ge25519_p3) + sizeof(sc25519)), 64);
    s += tss_align_up(msm_scratch_size(2 * POK_CHUNK), 64);
    s += tss_align_up(frost_kg_exp_eval_scratch_size(tt), 64);
    return s + 16 * 64;
}

/* ---- part 1 ---- */

int frost_kg_part1(tss_frost_dkg_secret_package *sp, tss_frost_dkg_round1_package *pkg,
                   const tss_frost_identifier *id, uint32_t n, uint32_t t, const tss_frost_scalar *coefficients,
                   const sc25519 *nonce, int refresh)
{
    if (sp == NULL || pkg == NULL || id == NULL)
        return TSS_ERR_INVALID_ARG;
    if (t < 1 || t > n || n > TSS_FROST_MAX_SIGNERS)
        return TSS_ERR_INVALID_ARG;
    if (sp->capacity < t || pkg->capacity < t || sp->coefficients == NULL || sp->commitment == NULL ||
        pkg->commitment == NULL)
        return TSS_ERR_INVALID_ARG;
    int rc = tss_frost_identifier_validate(id);
    if (rc != TSS_OK)
        return rc;
    if (coefficients != NULL) {
        sc25519 tmp;
        for (uint32_t j = 0; j < t; j++)
            if (frost_scalar_decode(&tmp, coefficients[j].bytes) != TSS_OK)
                return TSS_ERR_ENCODING;
        sodium_memzero(&tmp, sizeof tmp);
    }

    sc25519 a, a0, k, c, mu;
    ge25519_p3 P;
    uint32_t n_comm = 0;
    for (uint32_t j = 0; j < t; j++) {
        if (refresh && j == 0)
            sc25519_zero(&a);
        else if (coefficients != NULL)
            (void)frost_scalar_decode(&a, coefficients[j].bytes);
        else
            sc25519_random(&a);
        if (j == 0)
            a0 = a;
        sc25519_to_bytes(sp->coefficients[j].bytes, &a);
        if (!(refresh && j == 0)) {
            ge25519_scalarmult_base(&P, &a);
            ge25519_tobytes(sp->commitment[n_comm].bytes, &P);
            pkg->commitment[n_comm] = sp->commitment[n_comm];
            n_comm++;
        }
    }

    if (nonce != NULL)
        k = *nonce;
    else
        sc25519_random(&k);
    uint8_t R[32];
    ge25519_scalarmult_base(&P, &k);
    ge25519_tobytes(R, &P);
    if (refresh) {
        mu = k;   /* frost-core's refresh proof: a_0 = 0, so μ = k + 0·c */
    } else {
        frost_kg_pok_challenge(&c, id->bytes, sp->commitment[0].bytes, R);
        sc25519_muladd(&mu, &a0, &c, &k);
    }
    memcpy(pkg->proof_of_knowledge, R, 32);
    sc25519_to_bytes(pkg->proof_of_knowledge + 32, &mu);

    pkg->version = TSS_FROST_VERSION;
    pkg->identifier = *id;
    pkg->n_commitments = n_comm;
    sp->version = TSS_FROST_VERSION;
    sp->identifier = *id;
    sp->min_signers = t;
    sp->max_signers = n;
    sp->n_commitments = n_comm;
    sp->refresh = refresh ? 1 : 0;
    sodium_memzero(&sp->own_share, sizeof sp->own_share);
    sp->state = FROST_KG_STATE_PART1;

    sodium_memzero(&a, sizeof a);
    sodium_memzero(&a0, sizeof a0);
    sodium_memzero(&k, sizeof k);
    sodium_memzero(&mu, sizeof mu);
    return TSS_OK;
}

int tss_frost_dkg_part1(tss_frost_dkg_secret_package *sp, tss_frost_dkg_round1_package *pkg,
                        const tss_frost_identifier *id, uint32_t n, uint32_t t)
{
    return frost_kg_part1(sp, pkg, id, n, t, NULL, NULL, 0);
}

int tss_frost_dkg_part1_with_coefficients(tss_frost_dkg_secret_package *sp, tss_frost_dkg_round1_package *pkg,
                                          const tss_frost_identifier *id, uint32_t n, uint32_t t,
                                          const tss_frost_scalar *coefficients, const tss_frost_scalar *nonce)
{
    if (coefficients == NULL || nonce == NULL)
        return TSS_ERR_INVALID_ARG;
    sc25519 k;
    if (frost_scalar_decode(&k, nonce->bytes) != TSS_OK)
        return TSS_ERR_ENCODING;
    int rc = frost_kg_part1(sp, pkg, id, n, t, coefficients, &k, 0);
    sodium_memzero(&k, sizeof k);
    return rc;
}

/* ---- proof of knowledge ---- */

/* Decodes the proof inputs of one package: φ_0, R, μ and the challenge. TSS_OK or TSS_ERR_ENCODING. */
static int pok_decode(ge25519_p3 *phi0, ge25519_p3 *R, sc25519 *mu, sc25519 *c,
                      const tss_frost_dkg_round1_package *pkg)
{
    if (pkg->n_commitments < 1 || pkg->commitment == NULL)
        return TSS_ERR_ENCODING;
    if (frost_kg_point_decode_fast_x2(phi0, pkg->commitment[0].bytes, R, pkg->proof_of_knowledge) != 3u ||
        frost_scalar_decode(mu, pkg->proof_of_knowledge + 32) != TSS_OK)
        return TSS_ERR_ENCODING;
    frost_kg_pok_challenge(c, pkg->identifier.bytes, pkg->commitment[0].bytes, pkg->proof_of_knowledge);
    return TSS_OK;
}

int tss_frost_dkg_verify_proof_of_knowledge(const tss_frost_dkg_round1_package *pkg)
{
    if (pkg == NULL)
        return TSS_ERR_INVALID_ARG;
    ge25519_p3 phi0, R;
    sc25519 mu, c;
    int rc = pok_decode(&phi0, &R, &mu, &c, pkg);
    if (rc != TSS_OK)
        return rc;
    return frost_kg_pok_check_vartime(&R, &phi0, &c, &mu) ? TSS_OK : TSS_ERR_VERIFY;
}

/* Verifies the proofs of the unflagged senders: sum_j z_j([μ_j]B - [c_j]φ_j0 - R_j), cofactored, with random
 * 128-bit z_j, POK_CHUNK proofs per MSM; a failing chunk is re-checked proof by proof. The 2 POK_CHUNK points
 * of a chunk are decompressed together in the lanes of ops. */
static void verify_proofs(const tss_ed25519_ops *ops, const tss_frost_dkg_round1_package *round1,
                          const frost_kg_index *idx, size_t m, uint8_t *flags, ge25519_p3 *pts, sc25519 *sc,
                          void *ms, size_t ms_len)
{
    size_t members[POK_CHUNK];
    sc25519 cs[POK_CHUNK], mus[POK_CHUNK];
    ge25519_p3 *outs[2 * POK_CHUNK];
    const uint8_t *encs[2 * POK_CHUNK];
    uint8_t ok[2 * POK_CHUNK];
    size_t k = 0;
    while (k < m) {
        /* gather a chunk of well-formed packages and decode their φ_0 and R at once */
        size_t cand = 0;
        for (; k < m && cand < POK_CHUNK; k++) {
            if (flags[k])
                continue;
            const tss_frost_dkg_round1_package *p = &round1[idx[k].idx];
            if (p->n_commitments < 1 || p->commitment == NULL) {
                flags[k] = 1;
                continue;
            }
            members[cand] = k;
            outs[2 * cand] = &pts[2 * cand];
            outs[2 * cand + 1] = &pts[2 * cand + 1];
            encs[2 * cand] = p->commitment[0].bytes;
            encs[2 * cand + 1] = p->proof_of_knowledge;
            cand++;
        }
        frost_kg_decode_each_vartime(ops, outs, encs, 2 * cand, ok);
        size_t cnt = 0;
        sc25519 b;
        sc25519_zero(&b);
        for (size_t i = 0; i < cand; i++) {
            const size_t at = members[i];
            const tss_frost_dkg_round1_package *p = &round1[idx[at].idx];
            if (!ok[2 * i] || !ok[2 * i + 1] || frost_scalar_decode(&mus[cnt], p->proof_of_knowledge + 32) != TSS_OK) {
                flags[at] = 1;
                continue;
            }
            frost_kg_pok_challenge(&cs[cnt], p->identifier.bytes, p->commitment[0].bytes, p->proof_of_knowledge);
            if (cnt != i) {
                pts[2 * cnt] = pts[2 * i];
                pts[2 * cnt + 1] = pts[2 * i + 1];
            }
            uint8_t zb[32] = { 0 };
            sc25519 z, zc;
            randombytes_buf(zb, 16);
            (void)sc25519_from_bytes_canonical(&z, zb);
            sc25519_mul(&zc, &z, &cs[cnt]);
            sc25519_neg(&sc[2 * cnt], &zc);
            sc25519_neg(&sc[2 * cnt + 1], &z);
            sc25519_muladd(&b, &z, &mus[cnt], &b);
            members[cnt++] = at;
        }
        if (cnt == 0)
            continue;
        ge25519_p3 r;
        int good = 0;
        if (msm_vartime_with_base(&r, &b, sc, pts, 2 * cnt, ms, ms_len) == 0) {
            ge25519_mul_by_cofactor(&r, &r);
            good = ge25519_is_identity(&r);
        }
        if (!good) {
            for (size_t i = 0; i < cnt; i++)
                if (!frost_kg_pok_check_vartime(&pts[2 * i + 1], &pts[2 * i], &cs[i], &mus[i]))
                    flags[members[i]] = 1;
        }
    }
}

/* Binary search for id among the sorted index records. */
static int index_contains(const frost_kg_index *idx, size_t m, const tss_frost_identifier *id)
{
    size_t lo = 0, hi = m;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = tss_frost_identifier_cmp(&idx[mid].id, id);
        if (c == 0)
            return 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/* ---- part 2 ---- */

int frost_kg_part2(tss_frost_dkg_secret_package *sp, tss_frost_dkg_round2_package *round2_out,
                   const tss_frost_dkg_round1_package *round1, size_t n_round1, void *scratch, size_t scratch_len,
                   tss_frost_identifier *culprits, size_t culprits_cap, size_t *n_culprits, int refresh)
{
    if (n_culprits != NULL)
        *n_culprits = 0;
    if (sp == NULL || (n_round1 > 0 && (round2_out == NULL || round1 == NULL)))
        return TSS_ERR_INVALID_ARG;
    if (sp->version != TSS_FROST_VERSION || sp->state != FROST_KG_STATE_PART1 || sp->refresh != (refresh ? 1 : 0))
        return TSS_ERR_STATE;
    if (n_round1 != (size_t)sp->max_signers - 1)
        return TSS_ERR_NOT_ENOUGH;
    if (scratch_len < tss_frost_keygen_scratch_size(sp->max_signers, sp->min_signers))
        return TSS_ERR_CAPACITY;

    const uint32_t t = sp->min_signers;
    size_t used = 0;
    frost_kg_index *idx = frost_kg_carve(scratch, scratch_len, &used, n_round1 * sizeof *idx);
    uint8_t *flags = frost_kg_carve(scratch, scratch_len, &used, n_round1 + 1);
    sc25519 *coeffs = frost_kg_carve(scratch, scratch_len, &used, (size_t)t * sizeof(sc25519));
    ge25519_p3 *pts = frost_kg_carve(scratch, scratch_len, &used, 2 * POK_CHUNK * sizeof(ge25519_p3));
    sc25519 *sc = frost_kg_carve(scratch, scratch_len, &used, 2 * POK_CHUNK * sizeof(sc25519));
    void *ms = frost_kg_carve(scratch, scratch_len, &used, msm_scratch_size(2 * POK_CHUNK));
    if (idx == NULL || flags == NULL || coeffs == NULL || pts == NULL || sc == NULL || ms == NULL)
        return TSS_ERR_CAPACITY;

    int rc = frost_kg_index_build(idx, n_round1 > 0 ? &round1[0].identifier : NULL, sizeof *round1, n_round1);
    if (rc != TSS_OK)
        return rc;
    if (index_contains(idx, n_round1, &sp->identifier))
        return TSS_ERR_DUPLICATE;

    const uint32_t expected = refresh ? t - 1 : t;
    size_t bad = 0;
    for (size_t k = 0; k < n_round1; k++) {
        const tss_frost_dkg_round1_package *p = &round1[idx[k].idx];
        flags[k] = (uint8_t)(p->version != TSS_FROST_VERSION || p->n_commitments != expected ||
                             (expected > 0 && p->commitment == NULL));
    }
    if (!refresh)
        verify_proofs(tss_ed25519_ops_get(TSS_BACKEND_AUTO), round1, idx, n_round1, flags, pts, sc, ms,
                      msm_scratch_size(2 * POK_CHUNK));
    for (size_t k = 0; k < n_round1; k++)
        if (flags[k])
            frost_kg_culprit_add(culprits, culprits_cap, &bad, &idx[k].id);
    if (bad > 0) {
        if (n_culprits != NULL)
            *n_culprits = bad;
        return TSS_ERR_CULPRIT;
    }

    for (uint32_t j = 0; j < t; j++)
        if (frost_scalar_decode(&coeffs[j], sp->coefficients[j].bytes) != TSS_OK) {
            sodium_memzero(coeffs, (size_t)t * sizeof(sc25519));
            return TSS_ERR_STATE;
        }
    sc25519 x, f;
    for (size_t k = 0; k < n_round1; k++) {
        (void)frost_identifier_scalar(&x, &round1[k].identifier);
        frost_kg_poly_eval(&f, coeffs, t, &x);
        round2_out[k].version = TSS_FROST_VERSION;
        round2_out[k].sender = sp->identifier;
        round2_out[k].recipient = round1[k].identifier;
        sc25519_to_bytes(round2_out[k].signing_share.bytes, &f);
    }
    (void)frost_identifier_scalar(&x, &sp->identifier);
    frost_kg_poly_eval(&f, coeffs, t, &x);
    sc25519_to_bytes(sp->own_share.bytes, &f);
    sodium_memzero(&f, sizeof f);
    sodium_memzero(coeffs, (size_t)t * sizeof(sc25519));
    sodium_memzero(sp->coefficients, (size_t)sp->capacity * sizeof(tss_frost_scalar));
    sp->state = FROST_KG_STATE_PART2;
    return TSS_OK;
}

int tss_frost_dkg_part2(tss_frost_dkg_secret_package *sp, tss_frost_dkg_round2_package *round2_out,
                        const tss_frost_dkg_round1_package *round1_packages, size_t n_round1,
                        void *scratch, size_t scratch_len,
                        tss_frost_identifier *culprits, size_t culprits_cap, size_t *n_culprits)
{
    return frost_kg_part2(sp, round2_out, round1_packages, n_round1, scratch, scratch_len, culprits, culprits_cap,
                          n_culprits, 0);
}

/* ---- part 3 ---- */

/* all = the n_round1 sorted senders of idx1 with own (idx 0) inserted in identifier order. */
static void merge_own_id(frost_kg_index *all, const frost_kg_index *idx1, size_t n_round1,
                         const tss_frost_identifier *own)
{
    size_t a = 0;
    int placed = 0;
    for (size_t k = 0; k < n_round1; k++) {
        if (!placed && tss_frost_identifier_cmp(own, &idx1[k].id) < 0) {
            all[a].id = *own;
            all[a++].idx = 0;
            placed = 1;
        }
        all[a++] = idx1[k];
    }
    if (!placed) {
        all[a].id = *own;
        all[a].idx = 0;
    }
}

int frost_kg_key_package(tss_frost_key_package *kp, const tss_frost_public_key_package *pkp,
                         const tss_frost_identifier *id, const sc25519 *share, const tss_frost_key_package *old_kp,
                         uint32_t t)
{
    sc25519 s = *share;
    if (old_kp != NULL) {
        sc25519 old;
        if (frost_scalar_decode(&old, old_kp->signing_share.bytes) != TSS_OK) {
            sodium_memzero(&s, sizeof s);
            return TSS_ERR_ENCODING;
        }
        sc25519_add(&s, &s, &old);
        sodium_memzero(&old, sizeof old);
    }
    ge25519_p3 Y;
    ge25519_scalarmult_base(&Y, &s);
    kp->version = TSS_FROST_VERSION;
    kp->identifier = *id;
    sc25519_to_bytes(kp->signing_share.bytes, &s);
    ge25519_tobytes(kp->verifying_share.bytes, &Y);
    kp->verifying_key = pkp->verifying_key;
    kp->min_signers = t;
    sodium_memzero(&s, sizeof s);

    tss_frost_verifying_share listed;
    if (tss_frost_public_key_package_find(&listed, pkp, id) != TSS_OK ||
        memcmp(listed.bytes, kp->verifying_share.bytes, 32) != 0) {
        sodium_memzero(kp, sizeof *kp);
        return TSS_ERR_VERIFY;
    }
    return TSS_OK;
}

int frost_kg_part3(tss_frost_key_package *kp, tss_frost_public_key_package *pkp,
                   const tss_frost_dkg_secret_package *sp, const tss_frost_dkg_round1_package *round1,
                   size_t n_round1, const tss_frost_dkg_round2_package *round2, size_t n_round2,
                   const tss_frost_key_package *old_kp, const tss_frost_public_key_package *old_pkp,
                   void *scratch, size_t scratch_len, tss_frost_identifier *culprits, size_t culprits_cap,
                   size_t *n_culprits)
{
    const int refresh = old_kp != NULL;
    if (n_culprits != NULL)
        *n_culprits = 0;
    if (kp == NULL || pkp == NULL || sp == NULL || (n_round1 > 0 && (round1 == NULL || round2 == NULL)))
        return TSS_ERR_INVALID_ARG;
    if (sp->version != TSS_FROST_VERSION || sp->state != FROST_KG_STATE_PART2 || sp->refresh != refresh)
        return TSS_ERR_STATE;
    const uint32_t n = sp->max_signers, t = sp->min_signers;
    if (n_round1 != (size_t)n - 1 || n_round2 != (size_t)n - 1)
        return TSS_ERR_NOT_ENOUGH;
    if (pkp->shares == NULL || pkp->capacity < n)
        return TSS_ERR_CAPACITY;
    if (scratch_len < tss_frost_keygen_scratch_size(n, t))
        return TSS_ERR_CAPACITY;
    if (refresh) {
        if (old_pkp == NULL || old_pkp->shares == NULL || old_pkp->max_signers != n ||
            old_kp->min_signers != t || tss_frost_identifier_cmp(&old_kp->identifier, &sp->identifier) != 0 ||
            memcmp(old_kp->verifying_key.bytes, old_pkp->verifying_key.bytes, 32) != 0)
            return TSS_ERR_INVALID_ARG;
        if (pkp->shares == old_pkp->shares)
            return TSS_ERR_INVALID_ARG;
    }

    size_t used = 0;
    frost_kg_index *idx1 = frost_kg_carve(scratch, scratch_len, &used, n * sizeof *idx1);
    frost_kg_index *idx2 = frost_kg_carve(scratch, scratch_len, &used, n * sizeof *idx2);
    frost_kg_index *all = frost_kg_carve(scratch, scratch_len, &used, n * sizeof *all);
    uint8_t *flags = frost_kg_carve(scratch, scratch_len, &used, n + 1);
    ge25519_p3 *C = frost_kg_carve(scratch, scratch_len, &used, ((size_t)t + 1) * sizeof(ge25519_p3));
    ge25519_p3 *Cj = frost_kg_carve(scratch, scratch_len, &used, ((size_t)t + 1) * sizeof(ge25519_p3));
    size_t eval_len = frost_kg_exp_eval_scratch_size(t);
    void *eval = frost_kg_carve(scratch, scratch_len, &used, eval_len);
    if (idx1 == NULL || idx2 == NULL || all == NULL || flags == NULL || C == NULL || Cj == NULL || eval == NULL)
        return TSS_ERR_CAPACITY;

    int rc = frost_kg_index_build(idx1, n_round1 > 0 ? &round1[0].identifier : NULL, sizeof *round1, n_round1);
    if (rc != TSS_OK)
        return rc;
    rc = frost_kg_index_build(idx2, n_round2 > 0 ? &round2[0].sender : NULL, sizeof *round2, n_round2);
    if (rc != TSS_OK)
        return rc;
    for (size_t k = 0; k < n_round1; k++) {
        if (tss_frost_identifier_cmp(&idx1[k].id, &idx2[k].id) != 0)
            return TSS_ERR_NOT_FOUND;
        const tss_frost_dkg_round2_package *p2 = &round2[idx2[k].idx];
        if (p2->version != TSS_FROST_VERSION || tss_frost_identifier_cmp(&p2->recipient, &sp->identifier) != 0)
            return TSS_ERR_INVALID_ARG;
    }
    if (index_contains(idx1, n_round1, &sp->identifier))
        return TSS_ERR_DUPLICATE;

    /* Own commitment (constant term included) and own share. */
    frost_kg_vss v;
    memset(&v, 0, sizeof v);
    {
        tss_frost_dkg_round1_package own;
        memset(&own, 0, sizeof own);
        own.n_commitments = sp->n_commitments;
        own.commitment = sp->commitment;
        if (frost_kg_commitment_decode(NULL, Cj, &own, t, refresh) != 0)
            return TSS_ERR_STATE;
    }
    sc25519 own_share;
    if (frost_scalar_decode(&own_share, sp->own_share.bytes) != TSS_OK)
        return TSS_ERR_STATE;

    v.round1 = round1;
    v.round2 = round2;
    v.idx1 = idx1;
    v.idx2 = idx2;
    v.m = n_round1;
    v.t = t;
    v.zero_constant = refresh;
    /* combine() seeds C from own_commitment before reusing Cj as per-sender workspace. */
    for (uint32_t j = 0; j < t; j++)
        C[j] = Cj[j];
    v.own_commitment = C;
    v.own_share = &own_share;
    (void)frost_identifier_scalar(&v.x, &sp->identifier);
    v.ops = tss_ed25519_ops_get(TSS_BACKEND_AUTO);
    v.C = C;
    v.Cj = Cj;
    v.flags = flags;
    v.eval_scratch = eval;
    v.eval_scratch_len = eval_len;
    rc = frost_kg_vss_combine(&v, culprits, culprits_cap, n_culprits);
    sodium_memzero(&own_share, sizeof own_share);
    if (rc != TSS_OK) {
        sodium_memzero(&v.share, sizeof v.share);
        return rc;
    }

    /* Every participant's verifying share, in identifier order. */
    merge_own_id(all, idx1, n_round1, &sp->identifier);
    rc = frost_kg_fill_verifying_shares(v.ops, pkp, all, n, C, t, refresh ? old_pkp : NULL, eval, eval_len);
    if (rc != TSS_OK) {
        sodium_memzero(&v.share, sizeof v.share);
        return rc;
    }
    pkp->min_signers = t;
    if (refresh) {
        pkp->verifying_key = old_pkp->verifying_key;
    } else {
        if (ge25519_is_identity(&C[0])) {   /* constant terms cancelled out: no usable key */
            sodium_memzero(&v.share, sizeof v.share);
            return TSS_ERR_VERIFY;
        }
        ge25519_tobytes(pkp->verifying_key.bytes, &C[0]);
    }

    rc = frost_kg_key_package(kp, pkp, &sp->identifier, &v.share, old_kp, t);
    sodium_memzero(&v.share, sizeof v.share);
    return rc;
}

int tss_frost_dkg_part3(tss_frost_key_package *kp, tss_frost_public_key_package *pkp,
                        const tss_frost_dkg_secret_package *sp,
                        const tss_frost_dkg_round1_package *round1_packages, size_t n_round1,
                        const tss_frost_dkg_round2_package *round2_packages, size_t n_round2,
                        void *scratch, size_t scratch_len,
                        tss_frost_identifier *culprits, size_t culprits_cap, size_t *n_culprits)
{
    return frost_kg_part3(kp, pkp, sp, round1_packages, n_round1, round2_packages, n_round2, NULL, NULL, scratch,
                          scratch_len, culprits, culprits_cap, n_culprits);
}
