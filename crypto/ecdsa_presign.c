/* DKLs23 signing, rounds 1-2 (message independent): the presignature.
 *
 * Signer i of the set S (|S| >= t) holds sk_i = λ_i·s_i + ζ_i (Lagrange weight over S, plus a zero share
 * from the pairwise seeds so that the additive shares are fresh per session; Σ sk_i = x) and samples r_i
 * (nonce share) and φ_i (inversion mask). For each ordered pair (i, j) one RVOLE with j as receiver of a
 * random χ_{j,i} and i as sender of (r_i, sk_i): c + d = (r_i·χ_{j,i}, sk_i·χ_{j,i}).
 *   round 1 (i -> j): commitment to R_i = r_i·G; i's OT-extension message as receiver (χ_{i,j}).
 *   round 2 (i -> j): i as sender: τ etc. and Γ_u = c_u·G, Γ_v = c_v·G; opening of R_i; X_i = sk_i·G;
 *                     ψ_{i,j} = φ_i - χ_{i,j}.
 *   finish (at i):    opening of R_j; RVOLE outputs d; χ_{i,j}·R_j == d_u·G + Γ_u and
 *                     χ_{i,j}·X_j == d_v·G + Γ_v (a sender that used other inputs than its R_j and X_j is
 *                     caught here); Σ X_j == group key; R = Σ R_j;
 *                     u_i = r_i·(φ_i + Σ ψ_{j,i}) + Σ (c_u + d_u), v_i = sk_i·(φ_i + Σ ψ_{j,i}) + Σ (c_v + d_v),
 *                     so that Σ u_i = r·φ and Σ v_i = x·φ (r = Σ r_i, φ = Σ φ_i). */
#include "crypto/ecdsa_internal.h"

#include <string.h>
#include <sodium.h>

#include "crypto/ecdsa_rvole.h"
#include "crypto/ecdsa_transcript.h"

static void pair_sid(uint8_t out[32], const tss_ecdsa_presign_state *st, uint32_t receiver, uint32_t sender)
{
    ecdsa_transcript t;
    ecdsa_transcript_init(&t, "presign-rvole");
    ecdsa_transcript_bind(&t, st->session_id, st->signers, st->n_signers, 1, sender);
    ecdsa_transcript_append(&t, ECDSA_T_BYTES, "key-id", st->key_id, 32);
    ecdsa_transcript_u32(&t, "receiver", receiver);
    ecdsa_transcript_bytes_out(&t, out, 32);
}

static void r_commitment(uint8_t out[32], const tss_ecdsa_presign_state *st, uint32_t sender, const uint8_t R[33],
                         const uint8_t salt[32])
{
    ecdsa_transcript t;
    ecdsa_transcript_init(&t, "presign-commit");
    ecdsa_transcript_bind(&t, st->session_id, st->signers, st->n_signers, 1, sender);
    ecdsa_transcript_append(&t, ECDSA_T_BYTES, "key-id", st->key_id, 32);
    ecdsa_transcript_point(&t, "R", R);
    ecdsa_transcript_append(&t, ECDSA_T_BYTES, "salt", salt, 32);
    ecdsa_transcript_bytes_out(&t, out, 32);
}

/* ζ_i: Σ_{j in S, j != i} ±H(seed_ij, sid), + when i < j. */
static void zero_share(k1_scalar *out, const tss_ecdsa_key_share *key, const tss_ecdsa_presign_state *st)
{
    k1_scalar_zero(out);
    for (uint32_t k = 0; k < st->n_signers; k++) {
        uint32_t j = st->signers[k];
        if (j == st->self) continue;
        ecdsa_transcript t;
        k1_scalar h;
        ecdsa_transcript_init(&t, "zero-share");
        ecdsa_transcript_append(&t, ECDSA_T_BYTES, "seed", key->zero_seeds[j - 1], 32);
        ecdsa_transcript_append(&t, ECDSA_T_SID, "sid", st->session_id, 32);
        ecdsa_transcript_append(&t, ECDSA_T_BYTES, "key-id", st->key_id, 32);
        ecdsa_transcript_u32(&t, "low", st->self < j ? st->self : j);
        ecdsa_transcript_u32(&t, "high", st->self < j ? j : st->self);
        ecdsa_transcript_scalar_out(&t, &h);
        if (st->self < j) k1_scalar_add(out, out, &h);
        else k1_scalar_sub(out, out, &h);
        k1_scalar_clear(&h);
    }
}

static int key_ok(const tss_ecdsa_key_share *key)
{
    return key && key->version == TSS_ECDSA_VERSION && key->t >= 2 && key->t <= key->n &&
           key->n <= TSS_ECDSA_MAX_PARTIES && key->index >= 1 && key->index <= key->n;
}

int tss_ecdsa_presign_round1(tss_ecdsa_presign_state *st, tss_ecdsa_presign_msg1 *out,
                             const tss_ecdsa_key_share *key, const tss_ecdsa_pair *pairs, size_t n_pairs,
                             const uint32_t *signers, uint32_t n_signers, const uint8_t session_id[32])
{
    if (!st || !out || !key_ok(key) || !session_id) return TSS_ERR_INVALID_ARG;
    int rc = ecdsa_check_party_list(signers, n_signers);
    if (rc != TSS_OK) return rc;
    if (n_signers < key->t) return TSS_ERR_NOT_ENOUGH;
    if (signers[n_signers - 1] > key->n || ecdsa_index_of(signers, n_signers, key->index) < 0)
        return TSS_ERR_INVALID_ARG;
    for (uint32_t k = 0; k < n_signers; k++)
        if (signers[k] != key->index && !ecdsa_pair_find(pairs, n_pairs, key->index, signers[k], key->key_id))
            return TSS_ERR_NOT_FOUND;
    k1_ctx c;
    if (k1_ctx_open(&c) != 0) return TSS_ERR_CRYPTO;
    memset(st, 0, sizeof *st);
    st->self = key->index;
    st->t = key->t;
    st->n_signers = n_signers;
    memcpy(st->signers, signers, n_signers * sizeof *signers);
    memcpy(st->session_id, session_id, 32);
    memcpy(st->key_id, key->key_id, 32);
    memcpy(st->group_key, key->group_key, 33);

    k1_scalar r, phi, s, lambda, zeta, sk;
    k1_scalar_random(&r);
    k1_scalar_random(&phi);
    if (k1_scalar_from_bytes_canonical(&s, key->secret_share) != 0) { rc = TSS_ERR_ENCODING; goto done; }
    ecdsa_lagrange(&lambda, st->self, signers, n_signers);
    zero_share(&zeta, key, st);
    k1_scalar_mul(&sk, &lambda, &s);
    k1_scalar_add(&sk, &sk, &zeta);
    if (k1_point_mul_base(&c, st->R, &r) != 0 || k1_point_mul_base(&c, st->X, &sk) != 0) {
        rc = TSS_ERR_CRYPTO;
        goto done;
    }
    k1_scalar_to_bytes(st->r, &r);
    k1_scalar_to_bytes(st->phi, &phi);
    k1_scalar_to_bytes(st->sk, &sk);
    randombytes_buf(st->salt, 32);
    uint8_t com[32];
    r_commitment(com, st, st->self, st->R, st->salt);

    uint32_t np = 0;
    for (uint32_t k = 0; k < n_signers; k++) {
        uint32_t j = signers[k];
        if (j == st->self) continue;
        tss_ecdsa_presign_peer *p = &st->peers[np];
        tss_ecdsa_presign_msg1 *m = &out[np];
        np++;
        const tss_ecdsa_pair *pair = ecdsa_pair_find(pairs, n_pairs, st->self, j, key->key_id);
        ote_receiver_setup rs;
        ote_msg om;
        uint8_t sid[32];
        k1_scalar chi;
        ecdsa_pair_receiver(&rs, pair);
        pair_sid(sid, st, st->self, j);
        int src = rvole_receiver_start(&om, &chi, p->choice, &rs, sid);
        if (src != TSS_OK) {
            sodium_memzero(&rs, sizeof rs);
            rc = src;
            goto done;
        }
        p->index = j;
        k1_scalar_to_bytes(p->chi, &chi);
        k1_scalar_clear(&chi);
        sodium_memzero(&rs, sizeof rs);
        m->from = st->self;
        m->to = j;
        memcpy(m->session_id, session_id, 32);
        memcpy(m->key_id, st->key_id, 32);
        memcpy(m->commitment, com, 32);
        memcpy(m->ote_u, om.u, sizeof m->ote_u);
        memcpy(m->ote_check_x, om.check_x, 16);
        memcpy(m->ote_check_t, om.check_t, 16);
    }
    st->state = ECDSA_STATE_PRE_R1;
done:
    k1_scalar_clear(&r);
    k1_scalar_clear(&phi);
    k1_scalar_clear(&s);
    k1_scalar_clear(&zeta);
    k1_scalar_clear(&sk);
    k1_ctx_close(&c);
    if (rc != TSS_OK) sodium_memzero(st, sizeof *st);
    return rc;
}

/* Finds the message of each other signer exactly once: TSS_ERR_SESSION / TSS_ERR_DUPLICATE / TSS_ERR_NOT_ENOUGH. */
static int route(const tss_ecdsa_presign_state *st, int *slot_of, uint32_t from, uint32_t to, const uint8_t sid[32],
                 size_t i, uint32_t *culprit)
{
    int pos = -1;
    for (uint32_t k = 0; k + 1 < st->n_signers; k++)
        if (st->peers[k].index == from) pos = (int)k;
    if (pos < 0 || to != st->self || memcmp(sid, st->session_id, 32) != 0) {
        *culprit = pos < 0 ? 0 : from;
        return TSS_ERR_SESSION;
    }
    if (slot_of[pos] >= 0) { *culprit = from; return TSS_ERR_DUPLICATE; }
    slot_of[pos] = (int)i;
    return TSS_OK;
}

int tss_ecdsa_presign_round2(tss_ecdsa_presign_state *st, tss_ecdsa_presign_msg2 *out,
                             const tss_ecdsa_key_share *key, const tss_ecdsa_pair *pairs, size_t n_pairs,
                             const tss_ecdsa_presign_msg1 *in, size_t n_in, uint32_t *culprit)
{
    uint32_t dummy;
    if (!culprit) culprit = &dummy;
    *culprit = 0;
    if (!st || !out || !in || !key_ok(key)) return TSS_ERR_INVALID_ARG;
    if (st->state != ECDSA_STATE_PRE_R1 || key->index != st->self || memcmp(key->key_id, st->key_id, 32) != 0)
        return TSS_ERR_STATE;
    uint32_t np = st->n_signers - 1;
    if (n_in != np) return TSS_ERR_NOT_ENOUGH;
    int slot_of[TSS_ECDSA_MAX_PARTIES];
    for (uint32_t k = 0; k < np; k++) slot_of[k] = -1;
    for (size_t i = 0; i < n_in; i++) {
        int rc = route(st, slot_of, in[i].from, in[i].to, in[i].session_id, i, culprit);
        if (rc != TSS_OK) return rc;
        /* a signer on another key or epoch (e.g. not refreshed): refused before its OT messages are used */
        if (memcmp(in[i].key_id, st->key_id, 32) != 0) { *culprit = in[i].from; return TSS_ERR_SESSION; }
    }
    k1_ctx c;
    if (k1_ctx_open(&c) != 0) return TSS_ERR_CRYPTO;
    k1_scalar a[2], cc[2], phi, chi, psi;
    int rc = TSS_OK;
    k1_scalar_from_bytes_canonical(&a[0], st->r);
    k1_scalar_from_bytes_canonical(&a[1], st->sk);
    k1_scalar_from_bytes_canonical(&phi, st->phi);
    for (uint32_t k = 0; k < np; k++) {
        tss_ecdsa_presign_peer *p = &st->peers[k];
        const tss_ecdsa_presign_msg1 *m = &in[slot_of[k]];
        tss_ecdsa_presign_msg2 *o = &out[k];
        const tss_ecdsa_pair *pair = ecdsa_pair_find(pairs, n_pairs, st->self, p->index, st->key_id);
        if (!pair) { rc = TSS_ERR_NOT_FOUND; break; }
        memcpy(p->commitment, m->commitment, 32);
        ote_sender_setup ss;
        ote_msg om;
        uint8_t sid[32];
        ecdsa_pair_sender(&ss, pair);
        memcpy(om.u, m->ote_u, sizeof om.u);
        memcpy(om.check_x, m->ote_check_x, 16);
        memcpy(om.check_t, m->ote_check_t, 16);
        pair_sid(sid, st, p->index, st->self);
        rvole_msg2 rm;
        rc = rvole_sender(&rm, cc, a, &om, &ss, sid);
        sodium_memzero(&ss, sizeof ss);
        if (rc != TSS_OK) { *culprit = p->index; break; }
        o->from = st->self;
        o->to = p->index;
        memcpy(o->session_id, st->session_id, 32);
        memcpy(o->R, st->R, 33);
        memcpy(o->salt, st->salt, 32);
        memcpy(o->X, st->X, 33);
        if (k1_point_mul_base(&c, o->gamma_u, &cc[0]) != 0 || k1_point_mul_base(&c, o->gamma_v, &cc[1]) != 0) {
            rc = TSS_ERR_CRYPTO;
            break;
        }
        k1_scalar_from_bytes_canonical(&chi, p->chi);
        k1_scalar_sub(&psi, &phi, &chi);
        k1_scalar_to_bytes(o->psi, &psi);
        memcpy(o->tau, rm.tau, sizeof o->tau);
        memcpy(o->check_u, rm.check_u, sizeof o->check_u);
        memcpy(o->check_r, rm.check_r, 32);
        memcpy(o->gamma_a, rm.gamma, sizeof o->gamma_a);
        k1_scalar_to_bytes(p->c_u, &cc[0]);
        k1_scalar_to_bytes(p->c_v, &cc[1]);
    }
    sodium_memzero(a, sizeof a);
    sodium_memzero(cc, sizeof cc);
    k1_scalar_clear(&phi);
    k1_scalar_clear(&chi);
    k1_ctx_close(&c);
    if (rc != TSS_OK) sodium_memzero(st, sizeof *st);
    else st->state = ECDSA_STATE_PRE_R2;
    return rc;
}

/* χ·P == d·G + Γ, with the secret points kept inside libsecp256k1. */
static int check_product(const k1_ctx *c, const secp256k1_pubkey *pp, const secp256k1_pubkey *g, const k1_scalar *chi,
                         const k1_scalar *d)
{
    secp256k1_pubkey lhs, dG, rhs;
    uint8_t l[33], r[33];
    if (k1_pub_mul(c, &lhs, pp, chi) != 0 || k1_pub_mul_base(c, &dG, d) != 0) return TSS_ERR_RVOLE;
    if (k1_pub_add(c, &rhs, &dG, g) != 0) return TSS_ERR_RVOLE;
    k1_point_ser(c, l, &lhs);
    k1_point_ser(c, r, &rhs);
    int eq = sodium_memcmp(l, r, 33) == 0;
    sodium_memzero(l, sizeof l);
    sodium_memzero(r, sizeof r);
    return eq ? TSS_OK : TSS_ERR_RVOLE;
}

int tss_ecdsa_presign_finish(tss_ecdsa_presign_state *st, tss_ecdsa_presignature *presig,
                             const tss_ecdsa_key_share *key, const tss_ecdsa_pair *pairs, size_t n_pairs,
                             const tss_ecdsa_presign_msg2 *in, size_t n_in, uint32_t *culprit)
{
    uint32_t dummy;
    if (!culprit) culprit = &dummy;
    *culprit = 0;
    if (!st || !presig || !in || !key_ok(key)) return TSS_ERR_INVALID_ARG;
    if (st->state != ECDSA_STATE_PRE_R2 || key->index != st->self || memcmp(key->key_id, st->key_id, 32) != 0)
        return TSS_ERR_STATE;
    uint32_t np = st->n_signers - 1;
    int rc = TSS_OK;
    if (n_in != np) return TSS_ERR_NOT_ENOUGH;
    int slot_of[TSS_ECDSA_MAX_PARTIES];
    for (uint32_t k = 0; k < np; k++) slot_of[k] = -1;
    for (size_t i = 0; i < n_in; i++) {
        rc = route(st, slot_of, in[i].from, in[i].to, in[i].session_id, i, culprit);
        if (rc != TSS_OK) return rc;
    }
    k1_ctx c;
    if (k1_ctx_open(&c) != 0) return TSS_ERR_CRYPTO;
    k1_scalar r, sk, phi_sum, su, sv, chi, d[2], cu, cv, psi;
    secp256k1_pubkey Rs[TSS_ECDSA_MAX_PARTIES], Xs[TSS_ECDSA_MAX_PARTIES], gu, gv;
    k1_scalar_from_bytes_canonical(&r, st->r);
    k1_scalar_from_bytes_canonical(&sk, st->sk);
    k1_scalar_from_bytes_canonical(&phi_sum, st->phi);
    k1_scalar_zero(&su);
    k1_scalar_zero(&sv);
    if (k1_point_parse(&c, &Rs[0], st->R) != 0 || k1_point_parse(&c, &Xs[0], st->X) != 0) rc = TSS_ERR_CRYPTO;
    for (uint32_t k = 0; k < np && rc == TSS_OK; k++) {
        tss_ecdsa_presign_peer *p = &st->peers[k];
        const tss_ecdsa_presign_msg2 *m = &in[slot_of[k]];
        uint8_t com[32];
        *culprit = p->index;
        if (k1_point_parse(&c, &Rs[k + 1], m->R) != 0 || k1_point_parse(&c, &Xs[k + 1], m->X) != 0 ||
            k1_point_parse(&c, &gu, m->gamma_u) != 0 || k1_point_parse(&c, &gv, m->gamma_v) != 0 ||
            k1_scalar_from_bytes_canonical(&psi, m->psi) != 0) {
            rc = TSS_ERR_ENCODING;
            break;
        }
        r_commitment(com, st, p->index, m->R, m->salt);
        if (sodium_memcmp(com, p->commitment, 32) != 0) { rc = TSS_ERR_COMMITMENT; break; }
        const tss_ecdsa_pair *pair = ecdsa_pair_find(pairs, n_pairs, st->self, p->index, st->key_id);
        if (!pair) { rc = TSS_ERR_NOT_FOUND; break; }
        ote_receiver_setup rs;
        rvole_msg2 rm;
        uint8_t sid[32];
        ecdsa_pair_receiver(&rs, pair);
        memcpy(rm.tau, m->tau, sizeof rm.tau);
        memcpy(rm.check_u, m->check_u, sizeof rm.check_u);
        memcpy(rm.check_r, m->check_r, 32);
        memcpy(rm.gamma, m->gamma_a, sizeof rm.gamma);
        pair_sid(sid, st, st->self, p->index);
        k1_scalar_from_bytes_canonical(&chi, p->chi);
        rc = rvole_receiver_finish(d, &rm, &chi, p->choice, &rs, sid);
        sodium_memzero(&rs, sizeof rs);
        if (rc != TSS_OK) break;
        if ((rc = check_product(&c, &Rs[k + 1], &gu, &chi, &d[0])) != TSS_OK) break;
        if ((rc = check_product(&c, &Xs[k + 1], &gv, &chi, &d[1])) != TSS_OK) break;
        k1_scalar_from_bytes_canonical(&cu, p->c_u);
        k1_scalar_from_bytes_canonical(&cv, p->c_v);
        k1_scalar_add(&su, &su, &cu);
        k1_scalar_add(&su, &su, &d[0]);
        k1_scalar_add(&sv, &sv, &cv);
        k1_scalar_add(&sv, &sv, &d[1]);
        k1_scalar_add(&phi_sum, &phi_sum, &psi);
    }
    if (rc == TSS_OK) {
        uint8_t Xsum[33], R[33];
        const secp256k1_pubkey *ptr[TSS_ECDSA_MAX_PARTIES];
        secp256k1_pubkey sum;
        *culprit = 0;
        for (uint32_t k = 0; k < st->n_signers; k++) ptr[k] = &Xs[k];
        if (!secp256k1_ec_pubkey_combine(c.ctx, &sum, ptr, st->n_signers)) rc = TSS_ERR_VERIFY;
        else {
            k1_point_ser(&c, Xsum, &sum);
            if (!k1_point_eq(Xsum, st->group_key)) rc = TSS_ERR_VERIFY;
        }
        for (uint32_t k = 0; k < st->n_signers; k++) ptr[k] = &Rs[k];
        if (rc == TSS_OK && !secp256k1_ec_pubkey_combine(c.ctx, &sum, ptr, st->n_signers)) rc = TSS_ERR_VERIFY;
        if (rc == TSS_OK) k1_point_ser(&c, R, &sum);
        if (rc == TSS_OK) {
            k1_scalar u, v;
            k1_scalar_mul(&u, &r, &phi_sum);
            k1_scalar_add(&u, &u, &su);
            k1_scalar_mul(&v, &sk, &phi_sum);
            k1_scalar_add(&v, &v, &sv);
            memset(presig, 0, sizeof *presig);
            presig->self = st->self;
            presig->pub.t = st->t;
            presig->pub.n_signers = st->n_signers;
            memcpy(presig->pub.signers, st->signers, sizeof presig->pub.signers);
            memcpy(presig->pub.session_id, st->session_id, 32);
            memcpy(presig->pub.key_id, st->key_id, 32);
            memcpy(presig->pub.group_key, st->group_key, 33);
            memcpy(presig->pub.R, R, 33);
            k1_scalar_to_bytes(presig->u, &u);
            k1_scalar_to_bytes(presig->v, &v);
            memcpy(presig->phi, st->phi, 32);
            presig->state = TSS_ECDSA_PRESIG_LIVE;
            k1_scalar_clear(&u);
            k1_scalar_clear(&v);
        }
    }
    k1_scalar_clear(&r);
    k1_scalar_clear(&sk);
    k1_scalar_clear(&phi_sum);
    k1_scalar_clear(&su);
    k1_scalar_clear(&sv);
    k1_scalar_clear(&chi);
    sodium_memzero(d, sizeof d);
    k1_scalar_clear(&cu);
    k1_scalar_clear(&cv);
    k1_ctx_close(&c);
    sodium_memzero(st, sizeof *st);
    return rc;
}
