/* Session helpers shared by the state machines (src/session_sign.c, src/session_keygen.c): membership,
 * sending, the retry/backoff schedule and the single outcome report. Below both and below the dispatch
 * in src/session.c, so the kinds and the dispatch never call each other in a circle.
 *
 * Retry schedule: when a session starts waiting for a set of messages (a new round or attempt), the
 * first retry request goes out retry_initial_ms later to every member still missing; each further one
 * doubles the interval (capped at 64x) until retry_max requests have been sent for that wait. */
#include "src/session_internal.h"

#include <sodium.h>
#include <string.h>

size_t session_size(void)
{
    return sizeof(session);
}

size_t session_scratch_size(void)
{
    return tss_frost_keygen_scratch_size(SESSION_MAXP, SESSION_MAXP);
}

int session_pos(const session *s, uint16_t node)
{
    for (uint16_t i = 0; i < s->n; i++)
        if (s->members[i] == node) return i;
    return -1;
}

int session_members_init(session *s, const uint16_t *nodes, uint16_t n, const session_keys *keys)
{
    if (n == 0 || n > SESSION_MAXP || keys == NULL || keys->node_sk == NULL || keys->peer_pk == NULL)
        return TSS_ERR_INVALID_ARG;
    uint16_t sorted[SESSION_MAXP];
    for (uint16_t i = 0; i < n; i++) {
        uint16_t v = nodes[i];
        if (v == 0 || v >= keys->n_peers || v == WIRE_BROADCAST) return TSS_ERR_INVALID_ARG;
        uint16_t k = i;
        while (k > 0 && sorted[k - 1] > v) {
            sorted[k] = sorted[k - 1];
            k--;
        }
        sorted[k] = v;
    }
    for (uint16_t i = 1; i < n; i++)
        if (sorted[i] == sorted[i - 1]) return TSS_ERR_INVALID_ARG;
    memcpy(s->members, sorted, n * sizeof sorted[0]);
    s->n = n;
    s->self = keys->self;
    int pos = session_pos(s, keys->self);
    if (pos < 0) return TSS_ERR_INVALID_ARG;
    s->self_pos = (uint8_t)pos;
    s->node_sk = keys->node_sk;
    s->peer_pk = keys->peer_pk;
    s->n_peers = keys->n_peers;
    s->scratch = keys->scratch;
    s->scratch_len = keys->scratch_len;
    return TSS_OK;
}

int session_send(session *s, const session_io *io, uint8_t type, uint8_t round, uint16_t to, const uint8_t *payload,
                 size_t len)
{
    if (io->send == NULL) return TSS_ERR_INVALID_ARG;
    return io->send(io->ctx, s->id, type, round, to, payload, len);
}

int session_send_retry_request(session *s, const session_io *io, uint16_t to, uint8_t type, uint8_t round)
{
    uint8_t buf[SESSION_RETRY_BYTES];
    size_t len = 0;
    int rc = session_codec_retry_encode(buf, sizeof buf, &len, type, round);
    if (rc != TSS_OK) return rc;
    return session_send(s, io, WIRE_RETRY_REQUEST, round, to, buf, len);
}

static uint64_t retry_interval(const session *s, uint32_t k)
{
    uint64_t base = s->timing.retry_initial_ms ? s->timing.retry_initial_ms : 1;
    return base << (k < 6 ? k : 6);
}

void session_wait_reset(session *s, uint64_t now_ms)
{
    s->wait.retries = 0;
    s->wait.next_ms = s->timing.retry_max > 0 ? now_ms + retry_interval(s, 0) : UINT64_MAX;
}

int session_wait_due(session *s, uint64_t now_ms)
{
    if (s->wait.retries >= s->timing.retry_max) {
        s->wait.next_ms = UINT64_MAX;
        return 0;
    }
    if (now_ms < s->wait.next_ms) return 0;
    s->wait.retries++;
    s->wait.next_ms = s->wait.retries >= s->timing.retry_max ? UINT64_MAX : now_ms + retry_interval(s, s->wait.retries);
    return 1;
}

void session_digest(uint8_t out[SESSION_DIGEST_BYTES], const uint8_t *in, size_t len)
{
    crypto_generichash(out, SESSION_DIGEST_BYTES, in, len, NULL, 0);
}

uint16_t session_identifier_node(const tss_frost_identifier *id)
{
    uint64_t v = 0;
    if (tss_frost_identifier_to_u64(&v, id) != TSS_OK || v == 0 || v >= WIRE_BROADCAST) return 0;
    return (uint16_t)v;
}

void session_finish(session *s, const session_io *io, int status, const char *reason)
{
    session_result *r = &s->result;
    r->session_id = s->id;
    r->kind = s->kind;
    r->status = status;
    memset(r->reason, 0, sizeof r->reason);
    if (reason != NULL) {
        size_t l = strlen(reason);
        if (l >= sizeof r->reason) l = sizeof r->reason - 1;
        memcpy(r->reason, reason, l);
    }
    /* The signing outcome may carry the coordinator's lists; merge ours in. */
    for (uint16_t i = 0; i < s->n; i++) {
        if (s->culprit[i]) {
            int dup = 0;
            for (uint16_t k = 0; k < r->n_culprits; k++) dup |= r->culprits[k] == s->members[i];
            if (!dup && r->n_culprits < SESSION_MAXP) {
                r->culprit_equivocated[r->n_culprits] = s->culprit[i] == SESSION_CULPRIT_EQUIVOCATED;
                r->culprits[r->n_culprits++] = s->members[i];
            }
        } else if (s->missing[i]) {
            int dup = 0;
            for (uint16_t k = 0; k < r->n_missing; k++) dup |= r->missing[k] == s->members[i];
            if (!dup && r->n_missing < SESSION_MAXP) r->missing[r->n_missing++] = s->members[i];
        }
    }
    s->state = status == TSS_OK ? SESSION_STATE_DONE : SESSION_STATE_FAILED;
    s->wait.next_ms = UINT64_MAX;
    if (io != NULL && io->complete != NULL) io->complete(io->ctx, r);
    sodium_memzero(&r->key_package, sizeof r->key_package);
    if (s->wipe != NULL) s->wipe(s);
}

void session_release(session *s)
{
    if (s == NULL) return;
    sodium_memzero(s, sizeof *s);
}
