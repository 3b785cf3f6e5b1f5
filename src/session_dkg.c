/* The DKG session: FROST DKG (tss/frost_keygen.h) between the nodes of a session, with a consistent
 * broadcast of round 1.
 *
 *   R1       (round 1) part 1; broadcast WIRE_DKG_ROUND1. Collect one round-1 package per participant;
 *            a second, different package from the same sender is equivocation seen first hand.
 *   CONFIRM  (round 2) once every package is in, broadcast WIRE_DKG_ROUND1_CONFIRM: the digest
 *            (BLAKE2b-256 of the payload) of every participant's package as this node saw it. Every
 *            confirm is compared with our own view: a sender j whose digests differ is named as
 *            equivocating and the DKG fails (if a confirm misreports *our own* package, its author is
 *            lying and is named instead). Part 2 runs only once all n-1 confirms match ours.
 *   R2       (round 3) part 2 (bad proofs / commitment lengths name their senders); each share is sealed
 *            to its recipient (src/p2p_seal.h) and sent point to point. Shares that arrive early are
 *            opened and kept. A share that does not open names its sender (the envelope authenticated
 *            it, so an honest sender cannot produce it). Once all n-1 are in: part 3 (bad shares name their
 *            senders), then DONE with the key package, group key and verifying shares.
 *
 * Messages for a later phase are stored in their per-sender slot (one per sender and type: bounded by
 * n) and used when the phase is reached; duplicates are ignored. Retry requests are answered by
 * re-encoding (round 1, confirm) or re-sealing (round 2, fresh nonce) from the session state.
 * Secrets: the secret package and received shares are wiped when the session finishes (the keygen
 * steps wipe the engine's scratch themselves); the outgoing shares and box keys stay until
 * session_release, to answer late retry requests.
 */
#include "src/session_internal.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

int session_dkg_start(session *s, const session_dkg_params *p, const session_keys *keys,
                      const session_timing *timing, const session_io *io, uint64_t now_ms)
{
    if (s == NULL || p == NULL || keys == NULL || timing == NULL || io == NULL) return TSS_ERR_INVALID_ARG;
    if (s->magic == SESSION_MAGIC && s->state != SESSION_STATE_FREE) return TSS_ERR_STATE;
    if (p->n < 2 || p->n > SESSION_MAXP || p->t < 1 || p->t > p->n) return TSS_ERR_INVALID_ARG;
    if (keys->scratch == NULL || keys->scratch_len < tss_frost_keygen_scratch_size(p->n, p->t))
        return TSS_ERR_CAPACITY;
    sodium_memzero(s, sizeof *s);
    int rc = session_members_init(s, p->participants, p->n, keys);
    if (rc != TSS_OK) {
        sodium_memzero(s, sizeof *s);
        return rc;
    }
    s->magic = SESSION_MAGIC;
    s->kind = SESSION_KIND_DKG;
    s->id = p->session_id;
    s->timing = *timing;
    s->deadline_ms = now_ms + timing->session_timeout_ms;
    s->result.threshold = p->t;
    dkg_state *d = &s->u.dkg;
    for (uint16_t i = 0; i < s->n; i++) tss_frost_dkg_round1_package_init(&d->r1[i], d->r1_commitment[i], SESSION_MAXP);
    tss_frost_dkg_secret_package_init(&d->sp, d->coefficients, d->own_commitment, SESSION_MAXP);

    tss_frost_identifier me;
    uint8_t buf[SESSION_DKG_ROUND1_BYTES(SESSION_MAXP)];
    size_t len = 0;
    rc = tss_frost_identifier_from_u64(&me, s->self);
    if (rc == TSS_OK) rc = tss_frost_dkg_part1(&d->sp, &d->r1[s->self_pos], &me, p->n, p->t);
    if (rc == TSS_OK) rc = session_codec_dkg_round1_encode(buf, sizeof buf, &len, s->self, &d->r1[s->self_pos]);
    if (rc != TSS_OK) {
        session_release(s);
        return rc;
    }
    session_digest(d->r1_digest[s->self_pos], buf, len);
    d->have_r1[s->self_pos] = 1;
    d->phase = DKG_ROUND_R1;
    s->state = SESSION_STATE_RUNNING;
    session_wait_reset(s, now_ms);
    (void)session_send(s, io, WIRE_DKG_ROUND1, DKG_ROUND_R1, WIRE_BROADCAST, buf, len);
    return TSS_OK;
}

static int all_set(const session *s, const uint8_t *flags)
{
    for (uint16_t i = 0; i < s->n; i++)
        if (i != s->self_pos && !flags[i]) return 0;
    return 1;
}

static int fail_with_culprits(session *s, const session_io *io, const tss_frost_identifier *ids, size_t n_ids,
                              int status, const char *what)
{
    for (size_t k = 0; k < n_ids && k < SESSION_MAXP; k++) {
        int pos = session_pos(s, session_identifier_node(&ids[k]));
        if (pos >= 0) s->culprit[pos] = 1;
    }
    session_finish(s, io, status, what);
    return status;
}

static int box_key(session *s, int pos, const p2p_key **out)
{
    dkg_state *d = &s->u.dkg;
    if (!d->have_p2p[pos]) {
        int rc = p2p_key_init(&d->p2p[pos], s->node_sk, s->peer_pk[s->members[pos]]);
        if (rc != TSS_OK) return rc;
        d->have_p2p[pos] = 1;
    }
    *out = &d->p2p[pos];
    return TSS_OK;
}

static int send_share(session *s, const session_io *io, int pos)
{
    dkg_state *d = &s->u.dkg;
    const p2p_key *key = NULL;
    int rc = box_key(s, pos, &key);
    if (rc != TSS_OK) return rc;
    uint8_t plain[SESSION_DKG_SHARE_BYTES], sealed[SESSION_DKG_SHARE_BYTES + P2P_SEAL_OVERHEAD];
    size_t len = 0;
    p2p_context ctx = {.session_id = s->id, .sender = s->self, .recipient = s->members[pos],
                       .type = WIRE_DKG_ROUND2, .round = DKG_ROUND_R2};
    rc = session_codec_dkg_share_encode(plain, &d->r2_out[pos].signing_share);
    if (rc == TSS_OK) rc = p2p_seal(sealed, sizeof sealed, &len, plain, sizeof plain, &ctx, key);
    sodium_memzero(plain, sizeof plain);
    if (rc != TSS_OK) return rc;
    return session_send(s, io, WIRE_DKG_ROUND2, DKG_ROUND_R2, s->members[pos], sealed, len);
}

static int send_confirm(session *s, const session_io *io, uint16_t to)
{
    uint8_t buf[SESSION_DKG_CONFIRM_BYTES(SESSION_MAXP)];
    size_t len = 0;
    int rc = session_codec_dkg_confirm_encode(buf, sizeof buf, &len, s->members,
                                              (const uint8_t(*)[SESSION_DIGEST_BYTES])s->u.dkg.r1_digest, s->n);
    if (rc != TSS_OK) return rc;
    return session_send(s, io, WIRE_DKG_ROUND1_CONFIRM, DKG_ROUND_CONFIRM, to, buf, len);
}

static int send_round1(session *s, const session_io *io, uint16_t to)
{
    uint8_t buf[SESSION_DKG_ROUND1_BYTES(SESSION_MAXP)];
    size_t len = 0;
    int rc = session_codec_dkg_round1_encode(buf, sizeof buf, &len, s->self, &s->u.dkg.r1[s->self_pos]);
    if (rc != TSS_OK) return rc;
    return session_send(s, io, WIRE_DKG_ROUND1, DKG_ROUND_R1, to, buf, len);
}

/* Compares every confirm received so far with our view. Returns 1 if someone was named. */
static int check_confirms(session *s)
{
    dkg_state *d = &s->u.dkg;
    int named = 0;
    for (uint16_t k = 0; k < s->n; k++) {
        if (k == s->self_pos || !d->have_confirm[k]) continue;
        for (uint16_t j = 0; j < s->n; j++) {
            if (sodium_memcmp(d->confirm[k][j], d->r1_digest[j], SESSION_DIGEST_BYTES) == 0) continue;
            /* We know our own package: a different digest for it is a false confirm by k. */
            s->culprit[j == s->self_pos ? k : j] = 1;
            named = 1;
        }
    }
    return named;
}

static int run_part2(session *s, const session_io *io, uint64_t now_ms)
{
    dkg_state *d = &s->u.dkg;
    size_t m = 0;
    for (uint16_t i = 0; i < s->n; i++)
        if (i != s->self_pos) d->others_r1[m++] = d->r1[i];
    tss_frost_dkg_round2_package out[SESSION_MAXP];
    tss_frost_identifier culprits[SESSION_MAXP];
    size_t n_culprits = 0;
    int rc = tss_frost_dkg_part2(&d->sp, out, d->others_r1, m, s->scratch, s->scratch_len, culprits,
                                 SESSION_MAXP, &n_culprits);
    if (rc != TSS_OK) {
        sodium_memzero(out, sizeof out);
        return fail_with_culprits(s, io, culprits, rc == TSS_ERR_CULPRIT ? n_culprits : 0, rc,
                                  rc == TSS_ERR_CULPRIT ? "invalid round-1 package (proof or commitment)"
                                                        : "dkg part 2 failed");
    }
    m = 0;
    for (uint16_t i = 0; i < s->n; i++)
        if (i != s->self_pos) d->r2_out[i] = out[m++];
    sodium_memzero(out, sizeof out);
    d->sent_r2 = 1;
    d->phase = DKG_ROUND_R2;
    session_wait_reset(s, now_ms);
    for (uint16_t i = 0; i < s->n; i++)
        if (i != s->self_pos) (void)send_share(s, io, i);
    return TSS_OK;
}

static int run_part3(session *s, const session_io *io)
{
    dkg_state *d = &s->u.dkg;
    size_t m = 0;
    for (uint16_t i = 0; i < s->n; i++) {
        if (i == s->self_pos) continue;
        d->others_r1[m] = d->r1[i];
        tss_frost_dkg_round2_package *r2 = &d->others_r2[m];
        r2->version = TSS_FROST_VERSION;
        (void)tss_frost_identifier_from_u64(&r2->sender, s->members[i]);
        (void)tss_frost_identifier_from_u64(&r2->recipient, s->self);
        r2->signing_share = d->r2_in[i];
        m++;
    }
    tss_frost_public_key_package pkp;
    tss_frost_identifier culprits[SESSION_MAXP];
    size_t n_culprits = 0;
    int rc = tss_frost_public_key_package_init(&pkp, d->pkp_shares, SESSION_MAXP);
    if (rc == TSS_OK)
        rc = tss_frost_dkg_part3(&s->result.key_package, &pkp, &d->sp, d->others_r1, m, d->others_r2, m, s->scratch,
                                 s->scratch_len, culprits, SESSION_MAXP, &n_culprits);
    if (rc != TSS_OK)
        return fail_with_culprits(s, io, culprits, rc == TSS_ERR_CULPRIT ? n_culprits : 0, rc,
                                  rc == TSS_ERR_CULPRIT ? "invalid round-2 share or commitment" : "dkg part 3 failed");
    session_result *r = &s->result;
    r->group_key = pkp.verifying_key;
    r->threshold = pkp.min_signers;
    r->n_participants = s->n;
    for (uint16_t i = 0; i < s->n; i++) {
        tss_frost_identifier id;
        r->participants[i] = s->members[i];
        if (tss_frost_identifier_from_u64(&id, s->members[i]) != TSS_OK ||
            tss_frost_public_key_package_find(&r->verifying_shares[i], &pkp, &id) != TSS_OK) {
            session_finish(s, io, TSS_ERR_STATE, "public key package incomplete");
            return TSS_ERR_STATE;
        }
    }
    session_finish(s, io, TSS_OK, "");
    return TSS_OK;
}

/* Moves through the phases as far as the stored messages allow. */
static int advance(session *s, const session_io *io, uint64_t now_ms)
{
    dkg_state *d = &s->u.dkg;
    if (d->phase == DKG_ROUND_R1) {
        if (!all_set(s, d->have_r1)) return TSS_OK;
        d->phase = DKG_ROUND_CONFIRM;
        session_wait_reset(s, now_ms);
        (void)send_confirm(s, io, WIRE_BROADCAST);
    }
    if (d->phase == DKG_ROUND_CONFIRM) {
        if (check_confirms(s)) {
            session_finish(s, io, TSS_ERR_CULPRIT, "equivocating round-1 broadcast");
            return TSS_ERR_CULPRIT;
        }
        if (!all_set(s, d->have_confirm)) return TSS_OK;
        int rc = run_part2(s, io, now_ms);
        if (rc != TSS_OK) return rc;
    }
    if (d->phase == DKG_ROUND_R2 && all_set(s, d->have_r2)) return run_part3(s, io);
    return TSS_OK;
}

static int on_round1(session *s, const session_io *io, int pos, const uint8_t *payload, size_t len, uint64_t now_ms)
{
    dkg_state *d = &s->u.dkg;
    uint8_t digest[SESSION_DIGEST_BYTES];
    session_digest(digest, payload, len);
    if (d->have_r1[pos]) {
        if (sodium_memcmp(digest, d->r1_digest[pos], sizeof digest) == 0) return TSS_OK; /* duplicate */
        /* Two different packages from one authenticated sender. */
        s->culprit[pos] = 1;
        session_finish(s, io, TSS_ERR_CULPRIT, "equivocating round-1 sender");
        return TSS_ERR_CULPRIT;
    }
    uint16_t who = 0;
    int rc = session_codec_dkg_round1_decode(&d->r1[pos], &who, payload, len);
    if (rc != TSS_OK || who != s->members[pos]) {
        tss_frost_dkg_round1_package_init(&d->r1[pos], d->r1_commitment[pos], SESSION_MAXP);
        return TSS_ERR_ENCODING;
    }
    memcpy(d->r1_digest[pos], digest, sizeof digest);
    d->have_r1[pos] = 1;
    return advance(s, io, now_ms);
}

static int on_confirm(session *s, const session_io *io, int pos, const uint8_t *payload, size_t len, uint64_t now_ms)
{
    dkg_state *d = &s->u.dkg;
    uint16_t nodes[SESSION_MAXP], count = 0;
    uint8_t digests[SESSION_MAXP][SESSION_DIGEST_BYTES];
    int rc = session_codec_dkg_confirm_decode(nodes, digests, &count, SESSION_MAXP, payload, len);
    if (rc != TSS_OK) return rc;
    if (count != s->n || memcmp(nodes, s->members, count * sizeof nodes[0]) != 0) return TSS_ERR_ENCODING;
    if (d->have_confirm[pos]) {
        /* A resend must say the same; a different view from the same sender is ignored (the first counts). */
        return TSS_OK;
    }
    memcpy(d->confirm[pos], digests, sizeof digests[0] * count);
    d->have_confirm[pos] = 1;
    return advance(s, io, now_ms);
}

static int on_round2(session *s, const session_io *io, int pos, const uint8_t *payload, size_t len, uint64_t now_ms)
{
    dkg_state *d = &s->u.dkg;
    if (d->have_r2[pos]) return TSS_OK;
    if (len < P2P_SEAL_OVERHEAD || len > SESSION_DKG_SHARE_BYTES + P2P_SEAL_OVERHEAD) return TSS_ERR_ENCODING;
    const p2p_key *key = NULL;
    int rc = box_key(s, pos, &key);
    if (rc != TSS_OK) return rc;
    uint8_t plain[SESSION_DKG_SHARE_BYTES + P2P_BINDING_BYTES];
    size_t plen = 0;
    p2p_context ctx = {.session_id = s->id, .sender = s->members[pos], .recipient = s->self,
                       .type = WIRE_DKG_ROUND2, .round = DKG_ROUND_R2};
    rc = p2p_open(plain, sizeof plain, &plen, payload, len, &ctx, key);
    if (rc == TSS_OK) rc = session_codec_dkg_share_decode(&d->r2_in[pos], plain, plen);
    sodium_memzero(plain, sizeof plain);
    if (rc != TSS_OK) {
        /* The envelope authenticated the sender: an honest node never sends a box we cannot open. */
        s->culprit[pos] = 1;
        session_finish(s, io, TSS_ERR_CULPRIT, "round-2 share does not open");
        return TSS_ERR_CULPRIT;
    }
    d->have_r2[pos] = 1;
    return advance(s, io, now_ms);
}

int session_dkg_on_message(session *s, const session_io *io, int pos, uint8_t type, uint8_t round,
                           const uint8_t *payload, size_t len, uint64_t now_ms)
{
    switch (type) {
    case WIRE_DKG_ROUND1:
        if (round != DKG_ROUND_R1) return TSS_ERR_ENCODING;
        return on_round1(s, io, pos, payload, len, now_ms);
    case WIRE_DKG_ROUND1_CONFIRM:
        if (round != DKG_ROUND_CONFIRM) return TSS_ERR_ENCODING;
        return on_confirm(s, io, pos, payload, len, now_ms);
    case WIRE_DKG_ROUND2:
        if (round != DKG_ROUND_R2) return TSS_ERR_ENCODING;
        return on_round2(s, io, pos, payload, len, now_ms);
    default:
        return TSS_ERR_INVALID_ARG;
    }
}

int session_dkg_on_retry(session *s, const session_io *io, int pos, uint8_t type, uint8_t round)
{
    dkg_state *d = &s->u.dkg;
    uint16_t to = s->members[pos];
    if (type == WIRE_DKG_ROUND1 && round == DKG_ROUND_R1) return send_round1(s, io, to);
    if (type == WIRE_DKG_ROUND1_CONFIRM && round == DKG_ROUND_CONFIRM) {
        /* Our confirm exists once every round-1 package is in (the digests stay after finishing). */
        if (d->phase < DKG_ROUND_CONFIRM) return TSS_ERR_STATE;
        return send_confirm(s, io, to);
    }
    if (type == WIRE_DKG_ROUND2 && round == DKG_ROUND_R2) {
        if (!d->sent_r2) return TSS_ERR_STATE;
        return send_share(s, io, pos);
    }
    return TSS_ERR_INVALID_ARG;
}

static const uint8_t *waiting_flags(const session *s, uint8_t *type)
{
    const dkg_state *d = &s->u.dkg;
    switch (d->phase) {
    case DKG_ROUND_R1: *type = WIRE_DKG_ROUND1; return d->have_r1;
    case DKG_ROUND_CONFIRM: *type = WIRE_DKG_ROUND1_CONFIRM; return d->have_confirm;
    default: *type = WIRE_DKG_ROUND2; return d->have_r2;
    }
}

uint64_t session_dkg_on_tick(session *s, const session_io *io, uint64_t now_ms)
{
    if (session_wait_due(s, now_ms)) {
        uint8_t type = 0;
        const uint8_t *have = waiting_flags(s, &type);
        for (uint16_t i = 0; i < s->n; i++)
            if (i != s->self_pos && !have[i])
                (void)session_send_retry_request(s, io, s->members[i], type, s->u.dkg.phase);
    }
    return UINT64_MAX;
}

void session_dkg_mark_missing(session *s)
{
    uint8_t type = 0;
    const uint8_t *have = waiting_flags(s, &type);
    for (uint16_t i = 0; i < s->n; i++)
        if (i != s->self_pos && !have[i]) s->missing[i] = 1;
}

void session_dkg_wipe(session *s)
{
    dkg_state *d = &s->u.dkg;
    tss_frost_dkg_secret_package_clear(&d->sp);
    sodium_memzero(d->coefficients, sizeof d->coefficients);
    sodium_memzero(d->r2_in, sizeof d->r2_in);
    sodium_memzero(d->others_r2, sizeof d->others_r2);
    if (s->state == SESSION_STATE_FAILED) {
        /* Nothing to answer for a failed DKG: drop the outgoing shares and box keys too. */
        sodium_memzero(d->r2_out, sizeof d->r2_out);
        sodium_memzero(d->p2p, sizeof d->p2p);
        sodium_memzero(d->have_p2p, sizeof d->have_p2p);
        d->sent_r2 = 0;
    }
}
