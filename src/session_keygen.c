/* The key generation family of sessions: DKG, refresh and reshare share one three-step protocol with a
 * consistent broadcast of round 1. The kind-specific steps (round-1 payload, dealing, combining) are
 * keygen_ops in src/session_dkg.c, src/session_refresh.c and src/session_reshare.c.
 *
 *   R1       (round 1) every dealer broadcasts WIRE_DKG_ROUND1. Collect one round-1 payload per dealer;
 *            a second, different payload from the same dealer is equivocation seen first hand.
 *   CONFIRM  (round 2) once every dealer's payload is in, every member broadcasts WIRE_DKG_ROUND1_CONFIRM:
 *            the digest (BLAKE2b-256 of the payload) of each dealer's round 1 as this node saw it. Every
 *            confirm is compared with our own view: a dealer j whose digests differ is named as
 *            equivocating and the session fails (if a confirm misreports *our own* payload, its author is
 *            lying and is named instead). Dealing runs only once all confirms match ours.
 *   R2       (round 3) each dealer's shares are sealed to their receivers (src/p2p_seal.h) and sent point to
 *            point. Shares that arrive early are opened and kept. A share that does not open names its
 *            sender (the envelope authenticated it, so an honest sender cannot produce it). Once a receiver
 *            has every dealer's share it combines them (bad shares name their senders) and is DONE. A
 *            member that receives nothing (a reshare dealer leaving the key) is DONE once its shares are out.
 *
 * Messages for a later phase are stored in their per-sender slot (one per sender and type: bounded by
 * n) and used when the phase is reached; duplicates are ignored. Retry requests are answered by
 * re-encoding (round 1, confirm) or re-sealing (round 2, fresh nonce) from the session state.
 * Secrets: secret packages, old key packages and received shares are wiped when the session finishes
 * (the keygen steps wipe the engine's scratch themselves); the outgoing shares and box keys stay until
 * session_release, to answer late retry requests.
 */
#include "src/session_internal.h"

#include <sodium.h>
#include <string.h>

static const keygen_ops *ops_of(const session *s)
{
    switch (s->kind) {
    case SESSION_KIND_REFRESH: return &session_refresh_ops;
    case SESSION_KIND_RESHARE: return &session_reshare_ops;
    default: return &session_dkg_ops;
    }
}

void session_keygen_r1_reset(session *s, int pos)
{
    tss_frost_dkg_round1_package_init(&s->u.dkg.r1[pos], s->u.dkg.r1_commitment[pos], SESSION_MAXP);
}

int session_keygen_setup(session *s, session_kind kind, uint64_t session_id, const uint16_t *nodes, uint16_t n,
                         const session_keys *keys, const session_timing *timing, uint64_t now_ms)
{
    if (s->magic == SESSION_MAGIC && s->state != SESSION_STATE_FREE) return TSS_ERR_STATE;
    if (n < 2 || n > SESSION_MAXP) return TSS_ERR_INVALID_ARG;
    if (keys->scratch == NULL || keys->scratch_len < session_scratch_size()) return TSS_ERR_CAPACITY;
    sodium_memzero(s, sizeof *s);
    int rc = session_members_init(s, nodes, n, keys);
    if (rc != TSS_OK) {
        sodium_memzero(s, sizeof *s);
        return rc;
    }
    s->magic = SESSION_MAGIC;
    s->kind = kind;
    s->wipe = session_dkg_wipe;
    s->id = session_id;
    s->timing = *timing;
    s->deadline_ms = now_ms + timing->session_timeout_ms;
    for (uint16_t i = 0; i < s->n; i++) session_keygen_r1_reset(s, i);
    tss_frost_dkg_secret_package_init(&s->u.dkg.sp, s->u.dkg.coefficients, s->u.dkg.own_commitment, SESSION_MAXP);
    return TSS_OK;
}

int session_keygen_sort_key(session_key_public *k)
{
    if (k->n_holders == 0 || k->n_holders > SESSION_MAXP || k->t < 1 || k->t > k->n_holders)
        return TSS_ERR_INVALID_ARG;
    for (uint16_t i = 1; i < k->n_holders; i++) {
        uint16_t h = k->holders[i];
        tss_frost_verifying_share v = k->verifying_shares[i];
        uint16_t j = i;
        while (j > 0 && k->holders[j - 1] > h) {
            k->holders[j] = k->holders[j - 1];
            k->verifying_shares[j] = k->verifying_shares[j - 1];
            j--;
        }
        k->holders[j] = h;
        k->verifying_shares[j] = v;
    }
    for (uint16_t i = 0; i < k->n_holders; i++)
        if (k->holders[i] == 0 || (i > 0 && k->holders[i] == k->holders[i - 1])) return TSS_ERR_INVALID_ARG;
    return TSS_OK;
}

int session_keygen_old_pkp(session *s)
{
    dkg_state *d = &s->u.dkg;
    int rc = tss_frost_public_key_package_init(&d->old_pkp, d->old_pkp_shares, SESSION_MAXP);
    if (rc != TSS_OK) return rc;
    d->old_pkp.min_signers = d->old.t;
    d->old_pkp.max_signers = d->old.n_holders;
    d->old_pkp.verifying_key = d->old.group_key;
    for (uint16_t i = 0; i < d->old.n_holders && rc == TSS_OK; i++) {
        rc = tss_frost_identifier_from_u64(&d->old_pkp_shares[i].identifier, d->old.holders[i]);
        d->old_pkp_shares[i].verifying_share = d->old.verifying_shares[i];
    }
    if (rc == TSS_OK) rc = tss_frost_public_key_package_sort(&d->old_pkp);
    return rc;
}

int session_keygen_result_shares(session *s, const tss_frost_public_key_package *pkp)
{
    session_result *r = &s->result;
    r->group_key = pkp->verifying_key;
    r->threshold = pkp->min_signers;
    r->n_participants = 0;
    for (uint16_t i = 0; i < s->n; i++) {
        if (!s->u.dkg.receiver[i]) continue;
        tss_frost_identifier id;
        uint16_t k = r->n_participants++;
        r->participants[k] = s->members[i];
        if (tss_frost_identifier_from_u64(&id, s->members[i]) != TSS_OK ||
            tss_frost_public_key_package_find(&r->verifying_shares[k], pkp, &id) != TSS_OK)
            return TSS_ERR_STATE;
    }
    return TSS_OK;
}

/* ---- helpers for the kinds' steps ---- */

int session_keygen_dkg_round1_encode(session *s, uint8_t *out, size_t cap, size_t *len)
{
    return session_codec_dkg_round1_encode(out, cap, len, s->self, &s->u.dkg.r1[s->self_pos]);
}

int session_keygen_dkg_round1_accept(session *s, int pos, const uint8_t *in, size_t len)
{
    uint16_t who = 0;
    int rc = session_codec_dkg_round1_decode(&s->u.dkg.r1[pos], &who, in, len);
    if (rc != TSS_OK || who != s->members[pos]) return TSS_ERR_ENCODING;
    return TSS_OK;
}

/* The others' round-1 packages, contiguous (part 2 and part 3 take them that way). */
size_t session_keygen_gather_r1(session *s)
{
    dkg_state *d = &s->u.dkg;
    size_t m = 0;
    for (uint16_t i = 0; i < s->n; i++)
        if (i != s->self_pos) d->others_r1[m++] = d->r1[i];
    return m;
}

size_t session_keygen_gather_r2(session *s)
{
    dkg_state *d = &s->u.dkg;
    size_t m = 0;
    for (uint16_t i = 0; i < s->n; i++) {
        if (i == s->self_pos) continue;
        tss_frost_dkg_round2_package *r2 = &d->others_r2[m++];
        r2->version = TSS_FROST_VERSION;
        (void)tss_frost_identifier_from_u64(&r2->sender, s->members[i]);
        (void)tss_frost_identifier_from_u64(&r2->recipient, s->self);
        r2->signing_share = d->r2_in[i];
    }
    return m;
}

void session_keygen_scatter_r2(session *s, tss_frost_dkg_round2_package *out)
{
    size_t m = 0;
    for (uint16_t i = 0; i < s->n; i++)
        if (i != s->self_pos) s->u.dkg.r2_out[i] = out[m++];
}

/* 1 if flags[i] is set for every member i (other than self) with mask[i] set (mask NULL: every member). */
static int all_set(const session *s, const uint8_t *flags, const uint8_t *mask)
{
    for (uint16_t i = 0; i < s->n; i++)
        if (i != s->self_pos && (mask == NULL || mask[i]) && !flags[i]) return 0;
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
    dkg_state *d = &s->u.dkg;
    uint16_t nodes[SESSION_MAXP];
    uint8_t digests[SESSION_MAXP][SESSION_DIGEST_BYTES];
    for (uint16_t k = 0; k < d->n_dealers; k++) {
        nodes[k] = s->members[d->dealer_pos[k]];
        memcpy(digests[k], d->r1_digest[d->dealer_pos[k]], SESSION_DIGEST_BYTES);
    }
    uint8_t buf[SESSION_DKG_CONFIRM_BYTES(SESSION_MAXP)];
    size_t len = 0;
    int rc = session_codec_dkg_confirm_encode(buf, sizeof buf, &len, nodes,
                                              (const uint8_t(*)[SESSION_DIGEST_BYTES])digests, d->n_dealers);
    if (rc != TSS_OK) return rc;
    return session_send(s, io, WIRE_DKG_ROUND1_CONFIRM, DKG_ROUND_CONFIRM, to, buf, len);
}

static int send_round1(session *s, const session_io *io, uint16_t to)
{
    uint8_t buf[SESSION_RESHARE_ROUND1_MAX];
    size_t len = 0;
    int rc = ops_of(s)->round1_encode(s, buf, sizeof buf, &len);
    if (rc != TSS_OK) return rc;
    return session_send(s, io, WIRE_DKG_ROUND1, DKG_ROUND_R1, to, buf, len);
}

/* Compares every confirm received so far with our view. Returns 1 if someone was named.
 * confirm[k][x] is member k's digest for the x-th dealer. */
static int check_confirms(session *s)
{
    dkg_state *d = &s->u.dkg;
    int named = 0;
    for (uint16_t k = 0; k < s->n; k++) {
        if (k == s->self_pos || !d->have_confirm[k]) continue;
        for (uint16_t x = 0; x < d->n_dealers; x++) {
            uint8_t j = d->dealer_pos[x];
            if (sodium_memcmp(d->confirm[k][x], d->r1_digest[j], SESSION_DIGEST_BYTES) == 0) continue;
            /* We know our own payload: a different digest for it is a false confirm by k. */
            if (j == s->self_pos)
                s->culprit[k] = SESSION_CULPRIT_INVALID;
            else
                s->culprit[j] = SESSION_CULPRIT_EQUIVOCATED;
            named = 1;
        }
    }
    return named;
}

static int run_deal(session *s, const session_io *io, uint64_t now_ms)
{
    dkg_state *d = &s->u.dkg;
    if (d->dealer[s->self_pos]) {
        tss_frost_identifier culprits[SESSION_MAXP];
        size_t n_culprits = 0;
        int rc = ops_of(s)->deal(s, culprits, SESSION_MAXP, &n_culprits);
        if (rc != TSS_OK)
            return fail_with_culprits(s, io, culprits, rc == TSS_ERR_CULPRIT ? n_culprits : 0, rc,
                                      rc == TSS_ERR_CULPRIT ? "invalid round-1 package (proof or commitment)"
                                                            : "dealing shares failed");
        d->sent_r2 = 1;
    }
    d->phase = DKG_ROUND_R2;
    session_wait_reset(s, now_ms);
    if (d->sent_r2)
        for (uint16_t i = 0; i < s->n; i++)
            if (i != s->self_pos && d->receiver[i]) (void)send_share(s, io, i);
    return TSS_OK;
}

static int run_combine(session *s, const session_io *io)
{
    tss_frost_identifier culprits[SESSION_MAXP];
    size_t n_culprits = 0;
    int rc = ops_of(s)->combine(s, culprits, SESSION_MAXP, &n_culprits);
    if (rc != TSS_OK)
        return fail_with_culprits(s, io, culprits, rc == TSS_ERR_CULPRIT ? n_culprits : 0, rc,
                                  rc == TSS_ERR_CULPRIT ? "invalid round-2 share or commitment"
                                                        : "combining shares failed");
    s->result.has_key_package = 1;
    session_finish(s, io, TSS_OK, "");
    return TSS_OK;
}

/* Moves through the phases as far as the stored messages allow. */
static int advance(session *s, const session_io *io, uint64_t now_ms)
{
    dkg_state *d = &s->u.dkg;
    if (d->phase == DKG_ROUND_R1) {
        if (!all_set(s, d->have_r1, d->dealer)) return TSS_OK;
        d->phase = DKG_ROUND_CONFIRM;
        session_wait_reset(s, now_ms);
        (void)send_confirm(s, io, WIRE_BROADCAST);
    }
    if (d->phase == DKG_ROUND_CONFIRM) {
        if (check_confirms(s)) {
            session_finish(s, io, TSS_ERR_CULPRIT, "equivocating round-1 broadcast");
            return TSS_ERR_CULPRIT;
        }
        if (!all_set(s, d->have_confirm, NULL)) return TSS_OK;
        int rc = run_deal(s, io, now_ms);
        if (rc != TSS_OK) return rc;
    }
    if (d->phase == DKG_ROUND_R2) {
        if (!d->receiver[s->self_pos]) {
            /* A dealer that receives nothing: its part is done once its shares are out (it keeps
             * answering retry requests for them until the slot is released). */
            session_result *r = &s->result;
            r->group_key = d->old.group_key;
            r->threshold = d->t;
            r->n_participants = 0;
            for (uint16_t i = 0; i < s->n; i++)
                if (d->receiver[i]) r->participants[r->n_participants++] = s->members[i];
            session_finish(s, io, TSS_OK, "");
            return TSS_OK;
        }
        for (uint16_t i = 0; i < s->n; i++) {
            if (d->dealer[i] && s->culprit[i]) {
                session_finish(s, io, TSS_ERR_CULPRIT, "round-2 share does not open");
                return TSS_ERR_CULPRIT;
            }
        }
        if (all_set(s, d->have_r2, d->dealer)) return run_combine(s, io);
    }
    return TSS_OK;
}

int session_keygen_begin(session *s, const session_io *io, uint64_t now_ms)
{
    dkg_state *d = &s->u.dkg;
    d->n_dealers = 0;
    d->n_receivers = 0;
    for (uint16_t i = 0; i < s->n; i++) {
        if (d->dealer[i]) d->dealer_pos[d->n_dealers++] = (uint8_t)i;
        d->n_receivers += d->receiver[i] != 0;
    }
    if (d->n_dealers == 0 || d->n_receivers == 0) return TSS_ERR_INVALID_ARG;
    if (d->dealer[s->self_pos]) {
        uint8_t buf[SESSION_RESHARE_ROUND1_MAX];
        size_t len = 0;
        int rc = ops_of(s)->round1_encode(s, buf, sizeof buf, &len);
        if (rc != TSS_OK) return rc;
        session_digest(d->r1_digest[s->self_pos], buf, len);
        d->have_r1[s->self_pos] = 1;
        d->phase = DKG_ROUND_R1;
        s->state = SESSION_STATE_RUNNING;
        session_wait_reset(s, now_ms);
        (void)session_send(s, io, WIRE_DKG_ROUND1, DKG_ROUND_R1, WIRE_BROADCAST, buf, len);
    } else {
        d->phase = DKG_ROUND_R1;
        s->state = SESSION_STATE_RUNNING;
        session_wait_reset(s, now_ms);
    }
    int rc = advance(s, io, now_ms);
    return rc == TSS_ERR_CULPRIT ? TSS_OK : rc; /* a failure is reported through io->complete */
}

static int on_round1(session *s, const session_io *io, int pos, const uint8_t *payload, size_t len, uint64_t now_ms)
{
    dkg_state *d = &s->u.dkg;
    if (!d->dealer[pos]) return TSS_ERR_INVALID_ARG;
    uint8_t digest[SESSION_DIGEST_BYTES];
    session_digest(digest, payload, len);
    if (d->have_r1[pos]) {
        if (sodium_memcmp(digest, d->r1_digest[pos], sizeof digest) == 0) return TSS_OK; /* duplicate */
        /* Two different payloads from one authenticated sender. */
        s->culprit[pos] = SESSION_CULPRIT_EQUIVOCATED;
        session_finish(s, io, TSS_ERR_CULPRIT, "equivocating round-1 sender");
        return TSS_ERR_CULPRIT;
    }
    int rc = ops_of(s)->round1_accept(s, pos, payload, len);
    if (rc == TSS_ERR_ENCODING) {
        session_keygen_r1_reset(s, pos);
        return rc;
    }
    if (rc != TSS_OK) {
        session_finish(s, io, rc, rc == TSS_ERR_CULPRIT ? "round 1 names another key" : "dealers disagree on the old key");
        return rc;
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
    if (count != d->n_dealers) return TSS_ERR_ENCODING;
    for (uint16_t k = 0; k < count; k++)
        if (nodes[k] != s->members[d->dealer_pos[k]]) return TSS_ERR_ENCODING;
    /* A resend must say the same; a different view from the same sender is ignored (the first counts). */
    if (d->have_confirm[pos]) return TSS_OK;
    memcpy(d->confirm[pos], digests, sizeof digests[0] * count);
    d->have_confirm[pos] = 1;
    return advance(s, io, now_ms);
}

static int on_round2(session *s, const session_io *io, int pos, const uint8_t *payload, size_t len, uint64_t now_ms)
{
    dkg_state *d = &s->u.dkg;
    if (!d->dealer[pos] || !d->receiver[s->self_pos]) return TSS_ERR_INVALID_ARG;
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
    d->have_r2[pos] = 1;
    if (rc != TSS_OK) {
        /* The envelope authenticated the sender: an honest node never sends a box we cannot open. The
         * failure waits until our own shares are out (advance), so the honest members are not left
         * waiting for us and naming us as missing. */
        s->culprit[pos] = 1;
        sodium_memzero(&d->r2_in[pos], sizeof d->r2_in[pos]);
    }
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
    if (type == WIRE_DKG_ROUND1 && round == DKG_ROUND_R1) {
        if (!d->dealer[s->self_pos] || !d->have_r1[s->self_pos]) return TSS_ERR_STATE;
        return send_round1(s, io, to);
    }
    if (type == WIRE_DKG_ROUND1_CONFIRM && round == DKG_ROUND_CONFIRM) {
        /* Our confirm exists once every round-1 payload is in (the digests stay after finishing). */
        if (d->phase < DKG_ROUND_CONFIRM) return TSS_ERR_STATE;
        return send_confirm(s, io, to);
    }
    if (type == WIRE_DKG_ROUND2 && round == DKG_ROUND_R2) {
        if (!d->sent_r2 || !d->receiver[pos]) return TSS_ERR_STATE;
        return send_share(s, io, pos);
    }
    return TSS_ERR_INVALID_ARG;
}

static const uint8_t *waiting_flags(const session *s, uint8_t *type, const uint8_t **mask)
{
    const dkg_state *d = &s->u.dkg;
    switch (d->phase) {
    case DKG_ROUND_R1: *type = WIRE_DKG_ROUND1; *mask = d->dealer; return d->have_r1;
    case DKG_ROUND_CONFIRM: *type = WIRE_DKG_ROUND1_CONFIRM; *mask = NULL; return d->have_confirm;
    default: *type = WIRE_DKG_ROUND2; *mask = d->dealer; return d->have_r2;
    }
}

uint64_t session_dkg_on_tick(session *s, const session_io *io, uint64_t now_ms)
{
    if (session_wait_due(s, now_ms)) {
        uint8_t type = 0;
        const uint8_t *mask = NULL;
        const uint8_t *have = waiting_flags(s, &type, &mask);
        for (uint16_t i = 0; i < s->n; i++)
            if (i != s->self_pos && (mask == NULL || mask[i]) && !have[i])
                (void)session_send_retry_request(s, io, s->members[i], type, s->u.dkg.phase);
    }
    return UINT64_MAX;
}

void session_dkg_mark_missing(session *s)
{
    uint8_t type = 0;
    const uint8_t *mask = NULL;
    const uint8_t *have = waiting_flags(s, &type, &mask);
    for (uint16_t i = 0; i < s->n; i++)
        if (i != s->self_pos && (mask == NULL || mask[i]) && !have[i]) s->missing[i] = 1;
}

void session_dkg_wipe(session *s)
{
    dkg_state *d = &s->u.dkg;
    tss_frost_dkg_secret_package_clear(&d->sp);
    sodium_memzero(d->coefficients, sizeof d->coefficients);
    sodium_memzero(d->r2_in, sizeof d->r2_in);
    sodium_memzero(d->others_r2, sizeof d->others_r2);
    sodium_memzero(&d->old_kp, sizeof d->old_kp);
    d->has_old_kp = 0;
    if (s->state == SESSION_STATE_FAILED) {
        /* Nothing to answer for a failed session: drop the outgoing shares and box keys too. */
        sodium_memzero(d->r2_out, sizeof d->r2_out);
        sodium_memzero(d->p2p, sizeof d->p2p);
        sodium_memzero(d->have_p2p, sizeof d->have_p2p);
        d->sent_r2 = 0;
    }
}
