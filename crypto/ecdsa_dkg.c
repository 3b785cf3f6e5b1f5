/* Threshold ECDSA key generation and refresh (see tss/ecdsa.h).
 *   round 1: random polynomial f_i of degree t-1 (refresh: f_i(0) = 0), VSS commitment C_ik = a_ik·G;
 *            broadcast H(sid, i, C_i, salt); to each j: a base-OT sender message (i will hold both seeds:
 *            it is the OT-extension receiver of the pair's direction j -> i).
 *   round 2: as base-OT receiver of each j, with fresh choice bits Δ_{i,j} (i is the OT-extension sender
 *            of direction i -> j); broadcast the opening (C_i, proof of knowledge of a_i0, salt); to each j
 *            (SECRET): f_i(j), a zero-seed contribution, the base-OT receiver message.
 *   finish:  every opening, proof and share is checked against its sender (culprit named); the base-OT
 *            sender keys are derived; share s_i = Σ_j f_j(i); group key Σ_j C_j0; public shares
 *            X_m = Σ_k m^k·Σ_j C_jk; zero seeds H(sid, i, j, parts); the pairwise setups.
 * The proof of knowledge binds the session id, the party set and the sender (rogue-key and replay
 * resistant); commitments are opened only after all are in (no adaptive choice of polynomial). */
#include "crypto/ecdsa_internal.h"

#include <string.h>
#include <sodium.h>

#include "crypto/ecdsa_transcript.h"
#include "crypto/ot_base.h"

static void all_parties(uint32_t *set, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) set[i] = i + 1;
}

static void vss_commitment_hash(uint8_t out[32], const tss_ecdsa_dkg_state *st, uint32_t sender,
                                const uint8_t (*vss)[33], uint32_t t, const uint8_t salt[32])
{
    uint32_t set[TSS_ECDSA_MAX_PARTIES];
    ecdsa_transcript tr;
    all_parties(set, st->n);
    ecdsa_transcript_init(&tr, st->refresh ? "refresh-commit" : "dkg-commit");
    ecdsa_transcript_bind(&tr, st->session_id, set, st->n, 1, sender);
    ecdsa_transcript_u32(&tr, "t", t);
    for (uint32_t k = 0; k < t; k++) ecdsa_transcript_append(&tr, ECDSA_T_POINT, "vss", vss[k], 33);
    ecdsa_transcript_append(&tr, ECDSA_T_BYTES, "salt", salt, 32);
    ecdsa_transcript_bytes_out(&tr, out, 32);
}

static void pok_challenge(k1_scalar *e, const tss_ecdsa_dkg_state *st, uint32_t sender, const uint8_t C0[33],
                          const uint8_t R[33])
{
    uint32_t set[TSS_ECDSA_MAX_PARTIES];
    ecdsa_transcript tr;
    all_parties(set, st->n);
    ecdsa_transcript_init(&tr, "dkg-pok");
    ecdsa_transcript_bind(&tr, st->session_id, set, st->n, 2, sender);
    ecdsa_transcript_point(&tr, "C0", C0);
    ecdsa_transcript_point(&tr, "R", R);
    ecdsa_transcript_scalar_out(&tr, e);
}

/* tag of the base OTs in which `sender` is the base-OT sender and `receiver` the base-OT receiver */
static void ot_tag(uint8_t out[32], const tss_ecdsa_dkg_state *st, uint32_t sender, uint32_t receiver)
{
    uint32_t set[TSS_ECDSA_MAX_PARTIES];
    ecdsa_transcript tr;
    all_parties(set, st->n);
    ecdsa_transcript_init(&tr, st->refresh ? "refresh-base-ot" : "dkg-base-ot");
    ecdsa_transcript_bind(&tr, st->session_id, set, st->n, 1, sender);
    ecdsa_transcript_u32(&tr, "receiver", receiver);
    ecdsa_transcript_bytes_out(&tr, out, 32);
}

static int poly_eval(k1_scalar *out, const tss_ecdsa_dkg_state *st, uint32_t x)
{
    k1_scalar xs, acc, a;
    k1_scalar_from_u64(&xs, x);
    if (k1_scalar_from_bytes_canonical(&acc, st->coeffs[st->t - 1]) != 0) return -1;
    for (uint32_t k = st->t - 1; k-- > 0;) {
        if (k1_scalar_from_bytes_canonical(&a, st->coeffs[k]) != 0) return -1;
        k1_scalar_mul(&acc, &acc, &xs);
        k1_scalar_add(&acc, &acc, &a);
    }
    *out = acc;
    k1_scalar_clear(&acc);
    k1_scalar_clear(&a);
    return 0;
}

static const uint8_t ZERO33[33];

/* VSS commitment of our polynomial (C_0 all-zero bytes, "the identity", for a refresh). */
static int own_vss(const k1_ctx *c, uint8_t (*vss)[33], const tss_ecdsa_dkg_state *st)
{
    for (uint32_t k = 0; k < st->t; k++) {
        k1_scalar a;
        if (k == 0 && st->refresh) { memset(vss[0], 0, 33); continue; }
        if (k1_scalar_from_bytes_canonical(&a, st->coeffs[k]) != 0 || k1_point_mul_base(c, vss[k], &a) != 0) {
            k1_scalar_clear(&a);
            return -1;
        }
        k1_scalar_clear(&a);
    }
    return 0;
}

static int round1_common(tss_ecdsa_dkg_state *st, tss_ecdsa_dkg_bcast1 *bcast, tss_ecdsa_dkg_p2p1 *p2p)
{
    k1_ctx c;
    uint8_t vss[TSS_ECDSA_MAX_PARTIES][33];
    int rc = TSS_OK;
    if (k1_ctx_open(&c) != 0) return TSS_ERR_CRYPTO;
    for (uint32_t k = 0; k < st->t; k++) {
        k1_scalar a;
        if (k == 0 && st->refresh) { memset(st->coeffs[0], 0, 32); continue; }
        k1_scalar_random(&a);
        k1_scalar_to_bytes(st->coeffs[k], &a);
        k1_scalar_clear(&a);
    }
    randombytes_buf(st->salt, 32);
    if (own_vss(&c, vss, st) != 0) { rc = TSS_ERR_CRYPTO; goto done; }
    bcast->from = st->index;
    memcpy(bcast->session_id, st->session_id, 32);
    vss_commitment_hash(bcast->commitment, st, st->index, (const uint8_t (*)[33])vss, st->t, st->salt);
    uint32_t k = 0;
    for (uint32_t j = 1; j <= st->n; j++) {
        if (j == st->index) continue;
        tss_ecdsa_dkg_p2p1 *m = &p2p[k++];
        uint8_t tag[32];
        k1_scalar a;
        ot_base_msg1 om;
        ot_tag(tag, st, st->index, j);
        if (ot_base_sender_start(&c, &a, &om, tag) != TSS_OK) { rc = TSS_ERR_CRYPTO; goto done; }
        k1_scalar_to_bytes(st->ot_a[j - 1], &a);
        k1_scalar_clear(&a);
        memcpy(st->ot_A[j - 1], om.A, 33);
        m->from = st->index;
        m->to = j;
        memcpy(m->session_id, st->session_id, 32);
        memcpy(m->ot_A, om.A, 33);
        memcpy(m->ot_proof_R, om.proof_R, 33);
        memcpy(m->ot_proof_z, om.proof_z, 32);
    }
    st->state = ECDSA_STATE_DKG_R1;
done:
    k1_ctx_close(&c);
    if (rc != TSS_OK) sodium_memzero(st, sizeof *st);
    return rc;
}

int tss_ecdsa_dkg_round1(tss_ecdsa_dkg_state *st, tss_ecdsa_dkg_bcast1 *bcast, tss_ecdsa_dkg_p2p1 *p2p,
                         const uint8_t session_id[32], uint32_t index, uint32_t n, uint32_t t)
{
    if (!st || !bcast || !p2p || !session_id) return TSS_ERR_INVALID_ARG;
    if (index == 0) return TSS_ERR_ZERO_ID;
    if (t < 2 || t > n || n > TSS_ECDSA_MAX_PARTIES || index > n) return TSS_ERR_INVALID_ARG;
    memset(st, 0, sizeof *st);
    st->index = index;
    st->n = n;
    st->t = t;
    memcpy(st->session_id, session_id, 32);
    return round1_common(st, bcast, p2p);
}

int tss_ecdsa_refresh_round1(tss_ecdsa_dkg_state *st, tss_ecdsa_dkg_bcast1 *bcast, tss_ecdsa_dkg_p2p1 *p2p,
                             const uint8_t session_id[32], const tss_ecdsa_key_share *old)
{
    if (!st || !bcast || !p2p || !session_id || !old || old->version != TSS_ECDSA_VERSION) return TSS_ERR_INVALID_ARG;
    if (old->t < 2 || old->t > old->n || old->n > TSS_ECDSA_MAX_PARTIES || old->index == 0 || old->index > old->n)
        return TSS_ERR_INVALID_ARG;
    memset(st, 0, sizeof *st);
    st->index = old->index;
    st->n = old->n;
    st->t = old->t;
    st->refresh = 1;
    st->old = *old;
    memcpy(st->session_id, session_id, 32);
    return round1_common(st, bcast, p2p);
}

/* Position of each sender's message among in[0..n_in): each of the other n-1 parties exactly once. */
static int route_dkg(const tss_ecdsa_dkg_state *st, int *slot, uint32_t from, uint32_t to, int has_to,
                     const uint8_t sid[32], size_t i, uint32_t *culprit)
{
    if (from == 0 || from > st->n || from == st->index || (has_to && to != st->index) ||
        memcmp(sid, st->session_id, 32) != 0) {
        *culprit = (from >= 1 && from <= st->n && from != st->index) ? from : 0;
        return TSS_ERR_SESSION;
    }
    if (slot[from - 1] >= 0) { *culprit = from; return TSS_ERR_DUPLICATE; }
    slot[from - 1] = (int)i;
    return TSS_OK;
}

int tss_ecdsa_dkg_round2(tss_ecdsa_dkg_state *st, tss_ecdsa_dkg_bcast2 *bcast, tss_ecdsa_dkg_p2p2 *p2p,
                         const tss_ecdsa_dkg_bcast1 *in_bcast, const tss_ecdsa_dkg_p2p1 *in_p2p, size_t n_in,
                         uint32_t *culprit)
{
    uint32_t dummy;
    if (!culprit) culprit = &dummy;
    *culprit = 0;
    if (!st || !bcast || !p2p || !in_bcast || !in_p2p) return TSS_ERR_INVALID_ARG;
    if (st->state != ECDSA_STATE_DKG_R1) return TSS_ERR_STATE;
    if (n_in != st->n - 1) return TSS_ERR_NOT_ENOUGH;
    int sb[TSS_ECDSA_MAX_PARTIES], sp[TSS_ECDSA_MAX_PARTIES], rc = TSS_OK;
    for (uint32_t j = 0; j < TSS_ECDSA_MAX_PARTIES; j++) sb[j] = sp[j] = -1;
    for (size_t i = 0; i < n_in; i++) {
        if ((rc = route_dkg(st, sb, in_bcast[i].from, 0, 0, in_bcast[i].session_id, i, culprit)) != TSS_OK) return rc;
        if ((rc = route_dkg(st, sp, in_p2p[i].from, in_p2p[i].to, 1, in_p2p[i].session_id, i, culprit)) != TSS_OK)
            return rc;
    }
    k1_ctx c;
    if (k1_ctx_open(&c) != 0) return TSS_ERR_CRYPTO;
    uint32_t k = 0;
    for (uint32_t j = 1; j <= st->n && rc == TSS_OK; j++) {
        if (j == st->index) continue;
        memcpy(st->commitments[j - 1], in_bcast[sb[j - 1]].commitment, 32);
        const tss_ecdsa_dkg_p2p1 *m = &in_p2p[sp[j - 1]];
        tss_ecdsa_dkg_p2p2 *o = &p2p[k++];
        ot_base_msg1 om;
        ot_base_msg2 ob;
        uint8_t tag[32];
        memcpy(om.A, m->ot_A, 33);
        memcpy(om.proof_R, m->ot_proof_R, 33);
        memcpy(om.proof_z, m->ot_proof_z, 32);
        ot_tag(tag, st, j, st->index);
        randombytes_buf(st->delta[j - 1], sizeof st->delta[j - 1]);
        rc = ot_base_receiver(&c, &ob, st->recv_keys[j - 1], &om, st->delta[j - 1], tag);
        if (rc != TSS_OK) { *culprit = j; break; }
        k1_scalar f;
        if (poly_eval(&f, st, j) != 0) { rc = TSS_ERR_CRYPTO; break; }
        o->from = st->index;
        o->to = j;
        memcpy(o->session_id, st->session_id, 32);
        k1_scalar_to_bytes(o->share, &f);
        k1_scalar_clear(&f);
        randombytes_buf(st->zero_part[j - 1], 32);
        memcpy(o->zero_seed_part, st->zero_part[j - 1], 32);
        memcpy(o->ot_B, ob.B, sizeof o->ot_B);
    }
    if (rc == TSS_OK) {
        memset(bcast, 0, sizeof *bcast);
        bcast->from = st->index;
        memcpy(bcast->session_id, st->session_id, 32);
        bcast->t = st->t;
        if (own_vss(&c, bcast->vss, st) != 0) rc = TSS_ERR_CRYPTO;
        memcpy(bcast->salt, st->salt, 32);
        if (rc == TSS_OK && !st->refresh) {
            k1_scalar kk, e, a0, z;
            k1_scalar_random(&kk);
            if (k1_point_mul_base(&c, bcast->proof_R, &kk) != 0) rc = TSS_ERR_CRYPTO;
            pok_challenge(&e, st, st->index, bcast->vss[0], bcast->proof_R);
            k1_scalar_from_bytes_canonical(&a0, st->coeffs[0]);
            k1_scalar_mul(&z, &e, &a0);
            k1_scalar_add(&z, &z, &kk);
            k1_scalar_to_bytes(bcast->proof_z, &z);
            k1_scalar_clear(&kk);
            k1_scalar_clear(&a0);
            k1_scalar_clear(&z);
        }
    }
    k1_ctx_close(&c);
    if (rc != TSS_OK) sodium_memzero(st, sizeof *st);
    else st->state = ECDSA_STATE_DKG_R2;
    return rc;
}

static int verify_pok(const k1_ctx *c, const tss_ecdsa_dkg_state *st, const tss_ecdsa_dkg_bcast2 *m)
{
    k1_scalar z, e;
    uint8_t zG[33], eC[33], rhs[33];
    if (k1_point_check(c, m->proof_R) != 0) return TSS_ERR_ENCODING;
    if (k1_scalar_from_bytes_canonical(&z, m->proof_z) != 0) return TSS_ERR_ENCODING;
    pok_challenge(&e, st, m->from, m->vss[0], m->proof_R);
    if (k1_point_mul_base(c, zG, &z) != 0 || k1_point_mul(c, eC, m->vss[0], &e) != 0 ||
        k1_point_add(c, rhs, m->proof_R, eC) != 0 || !k1_point_eq(zG, rhs))
        return TSS_ERR_PROOF;
    return TSS_OK;
}

/* Σ_k x^k C_k over k >= first (first = 1 for a refresh, whose C_0 is the identity). */
static int eval_commitment(const k1_ctx *c, uint8_t out[33], const uint8_t (*C)[33], uint32_t t, uint32_t first,
                           uint32_t x)
{
    if (first == 0) return k1_point_poly_eval(c, out, C, t, x);
    k1_scalar xs;
    k1_scalar_from_u64(&xs, x);
    if (k1_point_poly_eval(c, out, C + 1, t - 1, x) != 0) return -1;
    return k1_point_mul(c, out, out, &xs);
}

int tss_ecdsa_dkg_finish(tss_ecdsa_dkg_state *st, tss_ecdsa_key_share *share, tss_ecdsa_pair *pairs,
                         const tss_ecdsa_dkg_bcast2 *in_bcast, const tss_ecdsa_dkg_p2p2 *in_p2p, size_t n_in,
                         uint32_t *culprit)
{
    uint32_t dummy;
    if (!culprit) culprit = &dummy;
    *culprit = 0;
    if (!st || !share || !pairs || !in_bcast || !in_p2p) return TSS_ERR_INVALID_ARG;
    if (st->state != ECDSA_STATE_DKG_R2) return TSS_ERR_STATE;
    if (n_in != st->n - 1) return TSS_ERR_NOT_ENOUGH;
    int sb[TSS_ECDSA_MAX_PARTIES], sp[TSS_ECDSA_MAX_PARTIES], rc = TSS_OK;
    for (uint32_t j = 0; j < TSS_ECDSA_MAX_PARTIES; j++) sb[j] = sp[j] = -1;
    for (size_t i = 0; i < n_in; i++) {
        if ((rc = route_dkg(st, sb, in_bcast[i].from, 0, 0, in_bcast[i].session_id, i, culprit)) != TSS_OK) return rc;
        if ((rc = route_dkg(st, sp, in_p2p[i].from, in_p2p[i].to, 1, in_p2p[i].session_id, i, culprit)) != TSS_OK)
            return rc;
    }
    k1_ctx c;
    if (k1_ctx_open(&c) != 0) { rc = TSS_ERR_CRYPTO; goto out; }
    const uint32_t t = st->t, n = st->n, me = st->index, first = st->refresh ? 1 : 0;
    static const uint8_t zero32[32];
    uint8_t vss_all[TSS_ECDSA_MAX_PARTIES][TSS_ECDSA_MAX_PARTIES][33]; /* [sender-1][k] */
    k1_scalar s, f;
    if (poly_eval(&s, st, me) != 0) { rc = TSS_ERR_CRYPTO; goto close; }
    if (own_vss(&c, vss_all[me - 1], st) != 0) { rc = TSS_ERR_CRYPTO; goto close; }
    /* 1. openings, proofs, shares */
    for (uint32_t j = 1; j <= n; j++) {
        if (j == me) continue;
        const tss_ecdsa_dkg_bcast2 *m = &in_bcast[sb[j - 1]];
        const tss_ecdsa_dkg_p2p2 *p = &in_p2p[sp[j - 1]];
        uint8_t com[32], lhs[33], rhs[33];
        *culprit = j;
        if (m->t != t) { rc = TSS_ERR_ENCODING; goto close; }
        for (uint32_t k = 0; k < t; k++) {
            if (k < first) {
                if (memcmp(m->vss[k], ZERO33, 33) != 0) { rc = TSS_ERR_ENCODING; goto close; }
            } else if (k1_point_check(&c, m->vss[k]) != 0) {
                rc = TSS_ERR_ENCODING;
                goto close;
            }
        }
        vss_commitment_hash(com, st, j, (const uint8_t (*)[33])m->vss, t, m->salt);
        if (sodium_memcmp(com, st->commitments[j - 1], 32) != 0) { rc = TSS_ERR_COMMITMENT; goto close; }
        if (!st->refresh && (rc = verify_pok(&c, st, m)) != TSS_OK) goto close;
        if (k1_scalar_from_bytes_canonical(&f, p->share) != 0) { rc = TSS_ERR_ENCODING; goto close; }
        /* f_j(me)·G == Σ_k me^k C_jk (a zero share is the identity: allowed only if the sum is too, which
         * has negligible probability for an honest dealer; treat as a bad share) */
        if (k1_scalar_is_zero(&f) || k1_point_mul_base(&c, lhs, &f) != 0 ||
            eval_commitment(&c, rhs, (const uint8_t (*)[33])m->vss, t, first, me) != 0 || !k1_point_eq(lhs, rhs)) {
            rc = TSS_ERR_SHARE;
            goto close;
        }
        k1_scalar_add(&s, &s, &f);
        memcpy(vss_all[j - 1], m->vss, sizeof vss_all[j - 1]);
    }
    (void)zero32;
    /* 2. base OTs in which we were the sender: both keys */
    uint32_t k = 0;
    for (uint32_t j = 1; j <= n; j++) {
        if (j == me) continue;
        const tss_ecdsa_dkg_p2p2 *p = &in_p2p[sp[j - 1]];
        tss_ecdsa_pair *pr = &pairs[k++];
        ot_base_msg1 om;
        ot_base_msg2 ob;
        uint8_t tag[32];
        k1_scalar a;
        *culprit = j;
        memset(&om, 0, sizeof om);
        memcpy(om.A, st->ot_A[j - 1], 33);
        memcpy(ob.B, p->ot_B, sizeof ob.B);
        ot_tag(tag, st, me, j);
        k1_scalar_from_bytes_canonical(&a, st->ot_a[j - 1]);
        memset(pr, 0, sizeof *pr);
        rc = ot_base_sender_finish(&c, pr->receiver_seeds, &a, &om, &ob, tag);
        k1_scalar_clear(&a);
        if (rc != TSS_OK) goto close;
    }
    *culprit = 0;
    /* 3. the key share */
    tss_ecdsa_key_share ks;
    memset(&ks, 0, sizeof ks);
    ks.version = TSS_ECDSA_VERSION;
    ks.index = me;
    ks.t = t;
    ks.n = n;
    if (st->refresh) {
        k1_scalar old;
        ks.epoch = st->old.epoch + 1;
        memcpy(ks.group_key, st->old.group_key, 33);
        if (k1_scalar_from_bytes_canonical(&old, st->old.secret_share) != 0) { rc = TSS_ERR_ENCODING; goto close; }
        k1_scalar_add(&s, &s, &old);
        k1_scalar_clear(&old);
    }
    uint8_t sums[TSS_ECDSA_MAX_PARTIES][33], col[TSS_ECDSA_MAX_PARTIES][33];
    for (uint32_t kk = first; kk < t; kk++) {
        for (uint32_t j = 0; j < n; j++) memcpy(col[j], vss_all[j][kk], 33);
        if (k1_point_sum(&c, sums[kk], (const uint8_t (*)[33])col, n) != 0) { rc = TSS_ERR_VERIFY; goto close; }
    }
    if (!st->refresh) memcpy(ks.group_key, sums[0], 33);
    else memset(sums[0], 0, 33);
    for (uint32_t m = 1; m <= n; m++) {
        uint8_t X[33];
        if (eval_commitment(&c, X, (const uint8_t (*)[33])sums, t, first, m) != 0) { rc = TSS_ERR_VERIFY; goto close; }
        if (st->refresh) {
            if (k1_point_add(&c, X, X, st->old.public_shares[m - 1]) != 0) { rc = TSS_ERR_VERIFY; goto close; }
        }
        memcpy(ks.public_shares[m - 1], X, 33);
    }
    uint8_t mine[33];
    if (k1_scalar_is_zero(&s) || k1_point_mul_base(&c, mine, &s) != 0 || !k1_point_eq(mine, ks.public_shares[me - 1])) {
        rc = TSS_ERR_VERIFY;
        goto close;
    }
    k1_scalar_to_bytes(ks.secret_share, &s);
    k = 0;
    for (uint32_t j = 1; j <= n; j++) {
        if (j == me) continue;
        const tss_ecdsa_dkg_p2p2 *p = &in_p2p[sp[j - 1]];
        uint32_t lo = me < j ? me : j, hi = me < j ? j : me;
        ecdsa_transcript tr;
        ecdsa_transcript_init(&tr, "zero-seed");
        ecdsa_transcript_append(&tr, ECDSA_T_SID, "sid", st->session_id, 32);
        ecdsa_transcript_u32(&tr, "low", lo);
        ecdsa_transcript_u32(&tr, "high", hi);
        ecdsa_transcript_append(&tr, ECDSA_T_BYTES, "part-low", me == lo ? st->zero_part[j - 1] : p->zero_seed_part, 32);
        ecdsa_transcript_append(&tr, ECDSA_T_BYTES, "part-high", me == hi ? st->zero_part[j - 1] : p->zero_seed_part, 32);
        ecdsa_transcript_bytes_out(&tr, ks.zero_seeds[j - 1], 32);
    }
    ecdsa_key_id(ks.key_id, &ks, st->session_id);
    k = 0;
    for (uint32_t j = 1; j <= n; j++) {
        if (j == me) continue;
        tss_ecdsa_pair *pr = &pairs[k++];
        pr->version = TSS_ECDSA_VERSION;
        pr->self = me;
        pr->peer = j;
        memcpy(pr->key_id, ks.key_id, 32);
        memcpy(pr->delta, st->delta[j - 1], sizeof pr->delta);
        memcpy(pr->sender_seeds, st->recv_keys[j - 1], sizeof pr->sender_seeds);
    }
    *share = ks;
    sodium_memzero(&ks, sizeof ks);
close:
    k1_scalar_clear(&s);
    k1_scalar_clear(&f);
    k1_ctx_close(&c);
out:
    if (rc != TSS_OK) {
        for (uint32_t j = 0; j + 1 < st->n; j++) sodium_memzero(&pairs[j], sizeof pairs[j]);
    }
    sodium_memzero(st, sizeof *st);
    return rc;
}
