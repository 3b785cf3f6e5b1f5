/* The signing session: FROST signing between nodes with a deterministic coordinator, ROAST-style
 * retries over attempts, and a coordinator hand-over when the coordinator is unresponsive.
 *
 * Coordinator order: the candidates sorted ascending, rotated to start at index
 * (first 8 bytes, little endian, of BLAKE2b("tss-sign-coordinator" ‖ session_id as u64 LE)) mod n.
 * Epoch e's coordinator is the e-th of that order (e < n: every candidate coordinates at most once).
 * Every node computes the same order, and it varies with the session id (not always the first candidate).
 * All nodes start in epoch 0.
 *
 * Attempts (under one coordinator; attempt r = the wire round of every signing message, restarting at 0
 * with each coordinator: a message's coordinator is its sender or recipient, so (coordinator, round)
 * names the attempt):
 *   - Attempt 0 starts when the epoch does: every candidate makes fresh nonces (one live nonce per
 *     node, for the current coordinator and attempt only) and sends WIRE_SIGN_COMMITMENTS(r) to the
 *     coordinator.
 *   - The coordinator takes the first t commitments that arrive (its own is taken at once), builds the
 *     signing package (FROST binary encoding) and sends WIRE_SIGN_PACKAGE(r) to those t.
 *   - A signer signs a package only from its current coordinator, for its current attempt, only if it
 *     names it with exactly the commitments it sent, for our message, with >= t candidate signers; the
 *     nonce is consumed (wiped) by signing, so a second, different package for the same attempt is
 *     refused (TSS_ERR_NONCE_USED); the same package again just gets the cached share again. It answers
 *     WIRE_SIGN_SHARE(r).
 *   - The coordinator aggregates once all t shares are in. TSS_ERR_CULPRIT: the named signers are
 *     excluded (culprits). attempt_timeout_ms after the package went out, the chosen signers without a
 *     share are excluded (missing). Either way a new attempt r+1 starts without them.
 *   - ATTEMPT TRIGGER: the coordinator sends WIRE_RETRY_REQUEST(type = SIGN_COMMITMENTS, round = r+1) to
 *     every remaining candidate. A retry request for the commitments of a round newer than a node's
 *     current attempt moves it to that attempt (old nonce wiped, fresh nonce made) and it answers with
 *     its new commitments; for its current round it resends them; older rounds are ignored. So the
 *     trigger and its retransmissions are one mechanism.
 *   - Fewer than t candidates left: FAILED (TSS_ERR_NOT_ENOUGH) naming culprits and missing.
 *   - Success: the coordinator broadcasts WIRE_SIGN_RESULT (signature, signers, culprits, missing) and
 *     reports DONE; every other candidate accepts a result from any candidate (whichever coordinator
 *     finished, or a relay), verifying the signature under the group key, and reports DONE with the same
 *     signature (and the sender's lists, merged with its own).
 *
 * Hand-over (epochs):
 *   - A candidate that is not the coordinator and has heard nothing from the current coordinator (no
 *     package, no retry request, no result) for attempt_timeout_ms names it missing and moves to the
 *     next epoch: fresh nonce (the old one wiped), attempt 0, commitments to the new coordinator. If
 *     the new coordinator is itself, it starts collecting and sends RETRY_REQUEST(SIGN_COMMITMENTS, 0)
 *     to every other candidate.
 *   - A RETRY_REQUEST(SIGN_COMMITMENTS, r) from a later epoch's coordinator moves a node straight to
 *     that epoch at attempt r (so a node whose own timer has not fired yet, or a superseded coordinator,
 *     follows at once). One from an earlier epoch's coordinator is not obeyed: the current coordinator
 *     answers it with its own request (pulling the late node in), a finished node with the result.
 *   - Nonces are single-use across hand-overs: every epoch and attempt change wipes the live nonce, and
 *     a package is signed only from the current coordinator and only if it names the live commitments,
 *     so a superseded coordinator's package (arriving late) is refused and never signs a second time.
 *   - The coordinator never hands over itself; it keeps its epoch until it finishes or a later
 *     coordinator's request moves it on. A missing flag set by a hand-over is dropped if that node turns
 *     out to be among the final signers.
 *
 * Retries: the coordinator re-requests missing commitments (RETRY_REQUEST as above) and re-sends the
 * package to chosen signers whose share is missing (the package is the request: the signer answers it
 * with its cached share). Other candidates ask the coordinator for the result (RETRY_REQUEST(SIGN_RESULT))
 * when nothing has come from it for the retry interval; the count restarts whenever the coordinator
 * speaks. A working coordinator answers such a request as a heartbeat (its package to a chosen signer
 * still owing a share, else a request for the current commitments), so live but busy coordinators are
 * not handed over. A finished node keeps answering result requests until its slot is released.
 *
 * Limitations: the order has n epochs and does not wrap, so after n - 1 hand-overs the last
 * coordinator is waited for until session_timeout_ms. A Byzantine candidate can move others to its own
 * epoch early (a request for commitments) and then stay silent, costing one hand-over, or, if it is
 * last in the order, the session; and a result from any candidate is accepted if its signature
 * verifies, so its culprit and missing lists are only as trustworthy as its sender.
 */
#include "src/session_internal.h"

#include <sodium.h>
#include <string.h>

#define COORD_DOMAIN "tss-sign-coordinator"

static uint8_t pick_coordinator(uint64_t session_id, uint16_t n)
{
    uint8_t in[sizeof COORD_DOMAIN - 1 + 8], h[8];
    memcpy(in, COORD_DOMAIN, sizeof COORD_DOMAIN - 1);
    for (int i = 0; i < 8; i++) in[sizeof COORD_DOMAIN - 1 + i] = (uint8_t)(session_id >> (8 * i));
    crypto_generichash(h, sizeof h, in, sizeof in, NULL, 0);
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = (v << 8) | h[i];
    return (uint8_t)(v % n);
}

static int is_coordinator(const session *s)
{
    return s->u.sign.coord_pos == s->self_pos;
}

static uint16_t count_flags(const session *s, const uint8_t *flags)
{
    uint16_t c = 0;
    for (uint16_t i = 0; i < s->n; i++) c += flags[i] != 0;
    return c;
}

static int fail(session *s, const session_io *io, int status, const char *reason)
{
    session_finish(s, io, status, reason);
    return status;
}

static int coord_take_commitments(session *s, const session_io *io, int pos,
                                  const tss_frost_signing_commitments *c, uint64_t now_ms);
static int coord_take_share(session *s, const session_io *io, int pos, const tss_frost_signature_share *share,
                            uint64_t now_ms);

/* Fresh nonces for the current attempt; the previous attempt's nonce is wiped. */
static int own_commit(session *s, const session_io *io, uint64_t now_ms)
{
    sign_state *g = &s->u.sign;
    tss_frost_signing_nonces_wipe(&g->nonces);
    g->signed_this_attempt = 0;
    int rc = tss_frost_round1_commit(&g->nonces, &g->own_commitments, &g->kp);
    if (rc != TSS_OK) return fail(s, io, rc, "nonce generation failed");
    if (is_coordinator(s)) return coord_take_commitments(s, io, s->self_pos, &g->own_commitments, now_ms);
    uint8_t buf[SESSION_SIGN_COMMITMENTS_BYTES];
    size_t len = 0;
    rc = session_codec_sign_commitments_encode(buf, sizeof buf, &len, &g->own_commitments);
    if (rc != TSS_OK) return fail(s, io, rc, "commitment encoding failed");
    (void)session_send(s, io, WIRE_SIGN_COMMITMENTS, g->attempt, g->coordinator, buf, len);
    return TSS_OK;
}

/* Epoch e's coordinator: the e-th of the candidates rotated to start at the hash-picked one. */
static uint8_t epoch_coord_pos(const session *s, uint8_t epoch)
{
    return (uint8_t)((s->u.sign.coord_start + epoch) % s->n);
}

static uint8_t epoch_of(const session *s, int pos)
{
    return (uint8_t)(((unsigned)pos + s->n - s->u.sign.coord_start) % s->n);
}

static uint64_t handover_at(const session *s)
{
    uint64_t t = s->timing.attempt_timeout_ms;
    return s->u.sign.coord_heard_ms > UINT64_MAX - t ? UINT64_MAX : s->u.sign.coord_heard_ms + t;
}

/* Moves to coordinator epoch `epoch` at `attempt`: the coordinator's state starts afresh, a fresh nonce
 * replaces the old one (own_commit), and the commitments go to the new coordinator. pull: as the new
 * coordinator, ask every other candidate for its commitments (which also moves laggards here). */
static int enter_epoch(session *s, const session_io *io, uint8_t epoch, uint8_t attempt, int pull, uint64_t now_ms)
{
    sign_state *g = &s->u.sign;
    g->epoch = epoch;
    g->coord_pos = epoch_coord_pos(s, epoch);
    g->coordinator = s->members[g->coord_pos];
    g->attempt = attempt;
    g->coord_heard_ms = now_ms;
    g->phase = SIGN_PHASE_COMMIT;
    g->n_chosen = 0;
    g->package_len = 0;
    g->attempt_deadline_ms = UINT64_MAX;
    for (uint16_t i = 0; i < s->n; i++) g->excluded[i] = s->culprit[i] != 0;
    memset(g->have_commitments, 0, sizeof g->have_commitments);
    memset(g->chosen, 0, sizeof g->chosen);
    memset(g->have_share, 0, sizeof g->have_share);
    session_wait_reset(s, now_ms);
    if (pull && is_coordinator(s))
        for (uint16_t i = 0; i < s->n; i++)
            if (i != s->self_pos && !g->excluded[i])
                (void)session_send_retry_request(s, io, s->members[i], WIRE_SIGN_COMMITMENTS, g->attempt);
    return own_commit(s, io, now_ms);
}

int session_sign_start(session *s, const session_sign_params *p, const session_keys *keys,
                       const session_timing *timing, const session_io *io, uint64_t now_ms)
{
    if (s == NULL || p == NULL || keys == NULL || timing == NULL || io == NULL) return TSS_ERR_INVALID_ARG;
    if (s->magic == SESSION_MAGIC && s->state != SESSION_STATE_FREE) return TSS_ERR_STATE;
    if (p->message_len > SESSION_MAX_MESSAGE || p->n_holders == 0 || p->n_holders > SESSION_MAXP)
        return TSS_ERR_INVALID_ARG;
    sodium_memzero(s, sizeof *s);
    int rc = session_members_init(s, p->candidates, p->n_candidates, keys);
    sign_state *g = &s->u.sign;
    if (rc == TSS_OK) {
        g->kp = p->key_package;
        uint64_t own = 0;
        if (tss_frost_identifier_to_u64(&own, &g->kp.identifier) != TSS_OK || own != s->self ||
            g->kp.min_signers < 1 || g->kp.min_signers > p->n_candidates)
            rc = TSS_ERR_INVALID_ARG;
    }
    if (rc == TSS_OK) rc = tss_frost_public_key_package_init(&g->pkp, g->pkp_shares, SESSION_MAXP);
    if (rc == TSS_OK) {
        g->pkp.min_signers = g->kp.min_signers;
        g->pkp.max_signers = p->n_holders;
        g->pkp.verifying_key = g->kp.verifying_key;
        for (uint16_t i = 0; i < p->n_holders && rc == TSS_OK; i++) {
            rc = tss_frost_identifier_from_u64(&g->pkp_shares[i].identifier, p->holders[i]);
            g->pkp_shares[i].verifying_share = p->verifying_shares[i];
        }
    }
    /* The key material comes from this node's own store (validated when it was made), so the points
     * are not re-validated per session: that would cost a subgroup check per holder per signature. */
    if (rc == TSS_OK) rc = tss_frost_public_key_package_sort(&g->pkp);
    for (uint16_t i = 0; i < s->n && rc == TSS_OK; i++) {
        /* Every candidate must hold a share of this key. */
        tss_frost_identifier id;
        tss_frost_verifying_share vs;
        rc = tss_frost_identifier_from_u64(&id, s->members[i]);
        if (rc == TSS_OK && tss_frost_public_key_package_find(&vs, &g->pkp, &id) != TSS_OK) rc = TSS_ERR_INVALID_ARG;
    }
    if (rc != TSS_OK) {
        session_release(s);
        return TSS_ERR_INVALID_ARG;
    }
    s->magic = SESSION_MAGIC;
    s->kind = SESSION_KIND_SIGN;
    s->wipe = session_sign_wipe;
    s->id = p->session_id;
    s->timing = *timing;
    s->deadline_ms = now_ms + timing->session_timeout_ms;
    g->t = (uint16_t)g->kp.min_signers;
    g->message_len = p->message_len;
    memcpy(g->message, p->message, p->message_len);
    g->coord_start = pick_coordinator(s->id, s->n);
    s->result.group_key = g->kp.verifying_key;
    s->result.threshold = g->t;
    s->state = SESSION_STATE_RUNNING;
    rc = enter_epoch(s, io, 0, 0, 0, now_ms);
    return rc == TSS_OK || s->state != SESSION_STATE_RUNNING ? TSS_OK : rc;
}

/* ---- signer side ---- */

static int send_own_share(session *s, const session_io *io, uint64_t now_ms)
{
    sign_state *g = &s->u.sign;
    if (is_coordinator(s)) return coord_take_share(s, io, s->self_pos, &g->own_share, now_ms);
    uint8_t buf[SESSION_SIGN_SHARE_BYTES];
    size_t len = 0;
    int rc = session_codec_sign_share_encode(buf, sizeof buf, &len, &g->own_share);
    if (rc != TSS_OK) return rc;
    return session_send(s, io, WIRE_SIGN_SHARE, g->attempt, g->coordinator, buf, len);
}

static int signer_on_package(session *s, const session_io *io, const uint8_t *payload, size_t len, uint64_t now_ms)
{
    sign_state *g = &s->u.sign;
    uint8_t digest[SESSION_DIGEST_BYTES];
    session_digest(digest, payload, len);
    if (g->signed_this_attempt) {
        if (sodium_memcmp(digest, g->package_digest, sizeof digest) != 0) return TSS_ERR_NONCE_USED;
        if (is_coordinator(s)) return TSS_OK;
        return send_own_share(s, io, now_ms); /* the same package again: the share was lost */
    }
    if (g->nonces.state != TSS_FROST_NONCE_LIVE) return TSS_ERR_NONCE_USED;
    tss_frost_signing_package pkg;
    int rc = session_codec_sign_package_decode(&pkg, g->rx_commitments, SESSION_MAXP, g->rx_message,
                                               sizeof g->rx_message, payload, len);
    if (rc != TSS_OK) return rc;
    if (pkg.message_len != g->message_len || memcmp(pkg.message, g->message, g->message_len) != 0)
        return TSS_ERR_VERIFY;
    if (pkg.n_commitments < g->t) return TSS_ERR_NOT_ENOUGH;
    int mine = 0;
    for (uint32_t k = 0; k < pkg.n_commitments; k++) {
        const tss_frost_signing_commitments *c = &pkg.commitments[k];
        int pos = session_pos(s, session_identifier_node(&c->identifier));
        if (pos < 0) return TSS_ERR_VERIFY;
        if (pos == s->self_pos) {
            /* Checked before signing so that a wrong package does not burn the nonce. */
            if (memcmp(c->hiding, g->own_commitments.hiding, 32) != 0 ||
                memcmp(c->binding, g->own_commitments.binding, 32) != 0)
                return TSS_ERR_VERIFY;
            mine = 1;
        }
    }
    if (!mine) return TSS_ERR_NOT_FOUND;
    rc = tss_frost_round2_sign(&g->own_share, &pkg, &g->nonces, &g->kp); /* wipes the nonce */
    if (rc != TSS_OK) return rc;
    g->signed_this_attempt = 1;
    memcpy(g->package_digest, digest, sizeof digest);
    return send_own_share(s, io, now_ms);
}

static int signer_on_result(session *s, const session_io *io, const uint8_t *payload, size_t len)
{
    sign_state *g = &s->u.sign;
    session_sign_result_msg m;
    int rc = session_codec_sign_result_decode(&m, payload, len);
    if (rc != TSS_OK) return rc;
    if (m.n_signers < g->t) return TSS_ERR_VERIFY;
    uint8_t seen[SESSION_MAXP] = {0};
    for (uint16_t i = 0; i < m.n_signers; i++) {
        int pos = session_pos(s, m.signers[i]);
        if (pos < 0 || seen[pos]) return TSS_ERR_VERIFY;
        seen[pos] = 1;
    }
    if (tss_frost_verify(&m.signature, g->message, g->message_len, &g->kp.verifying_key) != TSS_OK)
        return TSS_ERR_VERIFY;
    for (uint16_t i = 0; i < m.n_signers; i++) s->missing[session_pos(s, m.signers[i])] = 0; /* they responded */
    session_result *r = &s->result;
    r->signature = m.signature;
    memcpy(r->signers, m.signers, m.n_signers * sizeof m.signers[0]);
    r->n_signers = m.n_signers;
    for (uint16_t i = 0; i < m.n_culprits; i++)
        if (session_pos(s, m.culprits[i]) >= 0) r->culprits[r->n_culprits++] = m.culprits[i];
    for (uint16_t i = 0; i < m.n_missing; i++)
        if (session_pos(s, m.missing[i]) >= 0) r->missing[r->n_missing++] = m.missing[i];
    memcpy(g->result_buf, payload, len);
    g->result_len = len;
    session_finish(s, io, TSS_OK, "");
    return TSS_OK;
}

/* ---- coordinator side ---- */

static int complete_success(session *s, const session_io *io, const tss_frost_signature *sig)
{
    sign_state *g = &s->u.sign;
    session_sign_result_msg m;
    memset(&m, 0, sizeof m);
    m.signature = *sig;
    for (uint16_t i = 0; i < s->n; i++) {
        if (g->chosen[i]) {
            m.signers[m.n_signers++] = s->members[i];
            s->missing[i] = 0; /* e.g. a superseded coordinator that came back and signed */
            continue;
        }
        if (s->culprit[i])
            m.culprits[m.n_culprits++] = s->members[i];
        else if (s->missing[i])
            m.missing[m.n_missing++] = s->members[i];
    }
    int rc = session_codec_sign_result_encode(g->result_buf, sizeof g->result_buf, &g->result_len, &m);
    if (rc != TSS_OK) return fail(s, io, rc, "result encoding failed");
    (void)session_send(s, io, WIRE_SIGN_RESULT, g->attempt, WIRE_BROADCAST, g->result_buf, g->result_len);
    s->result.signature = *sig;
    memcpy(s->result.signers, m.signers, sizeof m.signers);
    s->result.n_signers = m.n_signers;
    session_finish(s, io, TSS_OK, "");
    return TSS_OK;
}

static int new_attempt(session *s, const session_io *io, uint64_t now_ms)
{
    sign_state *g = &s->u.sign;
    uint16_t remaining = (uint16_t)(s->n - count_flags(s, g->excluded));
    if (remaining < g->t) return fail(s, io, TSS_ERR_NOT_ENOUGH, "fewer than t responsive honest candidates");
    if (g->attempt == UINT8_MAX) return fail(s, io, TSS_ERR_TIMEOUT, "attempts exhausted");
    g->attempt++;
    g->phase = SIGN_PHASE_COMMIT;
    g->n_chosen = 0;
    g->attempt_deadline_ms = UINT64_MAX;
    memset(g->have_commitments, 0, sizeof g->have_commitments);
    memset(g->chosen, 0, sizeof g->chosen);
    memset(g->have_share, 0, sizeof g->have_share);
    session_wait_reset(s, now_ms);
    for (uint16_t i = 0; i < s->n; i++)
        if (i != s->self_pos && !g->excluded[i])
            (void)session_send_retry_request(s, io, s->members[i], WIRE_SIGN_COMMITMENTS, g->attempt);
    return own_commit(s, io, now_ms);
}

static int send_package(session *s, const session_io *io, int pos)
{
    sign_state *g = &s->u.sign;
    return session_send(s, io, WIRE_SIGN_PACKAGE, g->attempt, s->members[pos], g->package_buf, g->package_len);
}

static int coord_take_commitments(session *s, const session_io *io, int pos,
                                  const tss_frost_signing_commitments *c, uint64_t now_ms)
{
    sign_state *g = &s->u.sign;
    if (g->phase != SIGN_PHASE_COMMIT || g->excluded[pos] || g->have_commitments[pos]) return TSS_OK;
    g->commitments[pos] = *c;
    g->have_commitments[pos] = 1;
    if (count_flags(s, g->have_commitments) < g->t) return TSS_OK;
    /* The first t to arrive sign this attempt. */
    uint16_t m = 0;
    for (uint16_t i = 0; i < s->n; i++) {
        g->chosen[i] = g->have_commitments[i];
        if (g->chosen[i]) g->package_commitments[m++] = g->commitments[i];
    }
    g->n_chosen = m;
    int rc = tss_frost_signing_package_init(&g->package, g->package_commitments, m, g->message, g->message_len);
    if (rc == TSS_OK)
        rc = session_codec_sign_package_encode(g->package_buf, sizeof g->package_buf, &g->package_len, &g->package);
    if (rc != TSS_OK) return fail(s, io, rc, "signing package construction failed");
    g->phase = SIGN_PHASE_SHARES;
    g->attempt_deadline_ms = now_ms + s->timing.attempt_timeout_ms;
    session_wait_reset(s, now_ms);
    for (uint16_t i = 0; i < s->n; i++)
        if (g->chosen[i] && i != s->self_pos) (void)send_package(s, io, i);
    if (g->chosen[s->self_pos]) {
        rc = signer_on_package(s, io, g->package_buf, g->package_len, now_ms);
        if (rc != TSS_OK && s->state == SESSION_STATE_RUNNING) return fail(s, io, rc, "coordinator could not sign");
    }
    return TSS_OK;
}

static int aggregate(session *s, const session_io *io, uint64_t now_ms)
{
    sign_state *g = &s->u.sign;
    tss_frost_signature_share list[SESSION_MAXP];
    size_t m = 0;
    for (uint16_t i = 0; i < s->n; i++)
        if (g->chosen[i]) list[m++] = g->shares[i];
    tss_frost_signature sig;
    tss_frost_identifier culprits[SESSION_MAXP];
    size_t n_culprits = 0;
    int rc = tss_frost_aggregate(&sig, &g->package, list, m, &g->pkp, culprits, SESSION_MAXP, &n_culprits);
    if (rc == TSS_OK) return complete_success(s, io, &sig);
    if (rc != TSS_ERR_CULPRIT) return fail(s, io, rc, "aggregation failed");
    int named = 0;
    for (size_t k = 0; k < n_culprits && k < SESSION_MAXP; k++) {
        int pos = session_pos(s, session_identifier_node(&culprits[k]));
        if (pos < 0) continue;
        s->culprit[pos] = 1;
        g->excluded[pos] = 1;
        named = 1;
    }
    if (!named) return fail(s, io, TSS_ERR_VERIFY, "aggregation failed without a culprit");
    if (g->excluded[s->self_pos]) return fail(s, io, TSS_ERR_CULPRIT, "own signature share invalid");
    return new_attempt(s, io, now_ms);
}

static int coord_take_share(session *s, const session_io *io, int pos, const tss_frost_signature_share *share,
                            uint64_t now_ms)
{
    sign_state *g = &s->u.sign;
    if (g->phase != SIGN_PHASE_SHARES || !g->chosen[pos] || g->have_share[pos]) return TSS_OK;
    g->shares[pos] = *share;
    g->have_share[pos] = 1;
    for (uint16_t i = 0; i < s->n; i++)
        if (g->chosen[i] && !g->have_share[i]) return TSS_OK;
    return aggregate(s, io, now_ms);
}

/* ---- dispatch ---- */

int session_sign_on_message(session *s, const session_io *io, int pos, uint8_t type, uint8_t round,
                            const uint8_t *payload, size_t len, uint64_t now_ms)
{
    sign_state *g = &s->u.sign;
    int from_coord = pos == g->coord_pos;
    switch (type) {
    case WIRE_SIGN_COMMITMENTS: {
        if (!is_coordinator(s)) return TSS_ERR_STATE;
        if (round != g->attempt) return round < g->attempt ? TSS_OK : TSS_ERR_STATE;
        tss_frost_signing_commitments c;
        int rc = session_codec_sign_commitments_decode(&c, payload, len);
        if (rc != TSS_OK) return rc;
        if (session_identifier_node(&c.identifier) != s->members[pos]) return TSS_ERR_ENCODING;
        return coord_take_commitments(s, io, pos, &c, now_ms);
    }
    case WIRE_SIGN_SHARE: {
        if (!is_coordinator(s)) return TSS_ERR_STATE;
        if (round != g->attempt) return round < g->attempt ? TSS_OK : TSS_ERR_STATE;
        tss_frost_signature_share share;
        int rc = session_codec_sign_share_decode(&share, payload, len);
        if (rc != TSS_OK) return rc;
        if (session_identifier_node(&share.identifier) != s->members[pos]) return TSS_ERR_ENCODING;
        return coord_take_share(s, io, pos, &share, now_ms);
    }
    case WIRE_SIGN_PACKAGE:
        /* Only the current coordinator's: a superseded one's package is refused (the nonce it names is
         * gone anyway: every hand-over makes a fresh one). */
        if (!from_coord || is_coordinator(s)) return TSS_ERR_INVALID_ARG;
        if (round != g->attempt) return round < g->attempt ? TSS_OK : TSS_ERR_STATE;
        g->coord_heard_ms = now_ms;
        session_wait_reset(s, now_ms);
        return signer_on_package(s, io, payload, len, now_ms);
    case WIRE_SIGN_RESULT:
        /* From whichever coordinator finished (or any candidate relaying it): verified under the group key. */
        return signer_on_result(s, io, payload, len);
    default:
        return TSS_ERR_INVALID_ARG;
    }
}

int session_sign_on_retry(session *s, const session_io *io, int pos, uint8_t type, uint8_t round, uint64_t now_ms)
{
    sign_state *g = &s->u.sign;
    int running = s->state == SESSION_STATE_RUNNING;
    if (type == WIRE_SIGN_RESULT) {
        if (g->result_len != 0)
            return session_send(s, io, WIRE_SIGN_RESULT, g->attempt, s->members[pos], g->result_buf, g->result_len);
        /* Still working: answer as a heartbeat, so that a waiting candidate does not hand over. */
        if (!running || !is_coordinator(s)) return TSS_ERR_STATE;
        if (g->phase == SIGN_PHASE_SHARES && g->chosen[pos] && !g->have_share[pos]) return send_package(s, io, pos);
        return session_send_retry_request(s, io, s->members[pos], WIRE_SIGN_COMMITMENTS, g->attempt);
    }
    /* A request for commitments after the end (e.g. from a superseded coordinator): the answer is the result. */
    if (type == WIRE_SIGN_COMMITMENTS && g->result_len != 0)
        return session_send(s, io, WIRE_SIGN_RESULT, g->attempt, s->members[pos], g->result_buf, g->result_len);
    if (!running) return TSS_ERR_STATE;
    if (type == WIRE_SIGN_COMMITMENTS) {
        /* A coordinator's request for commitments: also the trigger of a new attempt, and (from a later
         * epoch's coordinator) of a hand-over. */
        uint8_t e = epoch_of(s, pos);
        if (e < g->epoch) {
            /* A superseded coordinator: bring it to the current epoch if this node runs it. */
            if (!is_coordinator(s)) return TSS_OK;
            return session_send_retry_request(s, io, s->members[pos], WIRE_SIGN_COMMITMENTS, g->attempt);
        }
        if (e > g->epoch) return enter_epoch(s, io, e, round, 0, now_ms);
        if (is_coordinator(s)) return TSS_ERR_INVALID_ARG;
        g->coord_heard_ms = now_ms;
        if (round < g->attempt) return TSS_OK;
        session_wait_reset(s, now_ms);
        if (round > g->attempt) {
            g->attempt = round;
            return own_commit(s, io, now_ms);
        }
        uint8_t buf[SESSION_SIGN_COMMITMENTS_BYTES];
        size_t len = 0;
        int rc = session_codec_sign_commitments_encode(buf, sizeof buf, &len, &g->own_commitments);
        if (rc != TSS_OK) return rc;
        return session_send(s, io, WIRE_SIGN_COMMITMENTS, g->attempt, g->coordinator, buf, len);
    }
    if (type == WIRE_SIGN_SHARE) {
        if (pos != g->coord_pos || round != g->attempt || !g->signed_this_attempt) return TSS_ERR_STATE;
        return send_own_share(s, io, now_ms);
    }
    if (type == WIRE_SIGN_PACKAGE) {
        if (!is_coordinator(s) || round != g->attempt || g->phase != SIGN_PHASE_SHARES || !g->chosen[pos])
            return TSS_ERR_STATE;
        return send_package(s, io, pos);
    }
    return TSS_ERR_INVALID_ARG;
}

uint64_t session_sign_on_tick(session *s, const session_io *io, uint64_t now_ms)
{
    sign_state *g = &s->u.sign;
    if (!is_coordinator(s)) {
        int can_hand_over = g->epoch + 1 < s->n;
        if (can_hand_over && now_ms >= handover_at(s)) {
            s->missing[g->coord_pos] = 1; /* cleared if it turns up among the final signers */
            (void)enter_epoch(s, io, (uint8_t)(g->epoch + 1), 0, 1, now_ms);
            if (s->state != SESSION_STATE_RUNNING) return 0;
            return is_coordinator(s) ? g->attempt_deadline_ms : handover_at(s);
        }
        if (session_wait_due(s, now_ms))
            (void)session_send_retry_request(s, io, g->coordinator, WIRE_SIGN_RESULT, g->attempt);
        return can_hand_over ? handover_at(s) : UINT64_MAX;
    }
    if (g->phase == SIGN_PHASE_SHARES && now_ms >= g->attempt_deadline_ms) {
        for (uint16_t i = 0; i < s->n; i++)
            if (g->chosen[i] && !g->have_share[i]) {
                s->missing[i] = 1;
                g->excluded[i] = 1;
            }
        (void)new_attempt(s, io, now_ms);
        return s->state == SESSION_STATE_RUNNING ? g->attempt_deadline_ms : 0;
    }
    if (session_wait_due(s, now_ms)) {
        for (uint16_t i = 0; i < s->n; i++) {
            if (i == s->self_pos || g->excluded[i]) continue;
            if (g->phase == SIGN_PHASE_COMMIT && !g->have_commitments[i])
                (void)session_send_retry_request(s, io, s->members[i], WIRE_SIGN_COMMITMENTS, g->attempt);
            else if (g->phase == SIGN_PHASE_SHARES && g->chosen[i] && !g->have_share[i])
                (void)send_package(s, io, i);
        }
    }
    return g->attempt_deadline_ms;
}

void session_sign_mark_missing(session *s)
{
    sign_state *g = &s->u.sign;
    if (!is_coordinator(s)) {
        s->missing[g->coord_pos] = 1;
        return;
    }
    for (uint16_t i = 0; i < s->n; i++) {
        if (i == s->self_pos || g->excluded[i]) continue;
        if ((g->phase == SIGN_PHASE_COMMIT && !g->have_commitments[i]) ||
            (g->phase == SIGN_PHASE_SHARES && g->chosen[i] && !g->have_share[i]))
            s->missing[i] = 1;
    }
}

void session_sign_wipe(session *s)
{
    sign_state *g = &s->u.sign;
    tss_frost_signing_nonces_wipe(&g->nonces);
    sodium_memzero(&g->kp, sizeof g->kp);
}

uint16_t session_coordinator(const session *s)
{
    if (s == NULL || s->magic != SESSION_MAGIC || s->kind != SESSION_KIND_SIGN) return 0;
    return s->u.sign.coordinator;
}
