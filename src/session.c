/* Session slots: dispatch of messages and ticks to the DKG and signing state machines (above them; the
 * helpers both use are in src/session_core.c, below them). Past session_timeout_ms after the start the
 * session fails with TSS_ERR_TIMEOUT naming the missing members.
 *
 * A finished (DONE / FAILED) session keeps answering WIRE_RETRY_REQUEST from its members until the
 * engine releases the slot, so a peer that lost this node's last message can still complete: engines
 * should keep finished slots for about one session timeout before session_release. */
#include "src/session_internal.h"

#include <sodium.h>

static int slot_ok(const session *s)
{
    return s != NULL && s->magic == SESSION_MAGIC && s->state != SESSION_STATE_FREE;
}

int session_on_message(session *s, const session_io *io, uint16_t sender, uint8_t type, uint8_t round,
                       const uint8_t *payload, size_t len, uint64_t now_ms)
{
    if (!slot_ok(s) || io == NULL || (payload == NULL && len > 0)) return TSS_ERR_INVALID_ARG;
    int pos = session_pos(s, sender);
    if (pos < 0 || sender == s->self) return TSS_ERR_NOT_FOUND;
    if (type == WIRE_RETRY_REQUEST) {
        uint8_t rtype = 0, rround = 0;
        int rc = session_codec_retry_decode(&rtype, &rround, payload, len);
        if (rc != TSS_OK) return rc;
        if (s->kind == SESSION_KIND_SIGN) return session_sign_on_retry(s, io, pos, rtype, rround, now_ms);
        return session_dkg_on_retry(s, io, pos, rtype, rround);
    }
    if (s->state != SESSION_STATE_RUNNING) return TSS_ERR_STATE;
    if (s->kind == SESSION_KIND_SIGN) return session_sign_on_message(s, io, pos, type, round, payload, len, now_ms);
    return session_dkg_on_message(s, io, pos, type, round, payload, len, now_ms);
}

uint64_t session_on_tick(session *s, const session_io *io, uint64_t now_ms)
{
    if (!slot_ok(s) || io == NULL || s->state != SESSION_STATE_RUNNING) return 0;
    if (now_ms >= s->deadline_ms) {
        if (s->kind == SESSION_KIND_SIGN)
            session_sign_mark_missing(s);
        else
            session_dkg_mark_missing(s);
        session_finish(s, io, TSS_ERR_TIMEOUT, "session timed out");
        return 0;
    }
    uint64_t next = s->kind == SESSION_KIND_SIGN ? session_sign_on_tick(s, io, now_ms) : session_dkg_on_tick(s, io, now_ms);
    if (s->state != SESSION_STATE_RUNNING) return 0;
    if (s->wait.next_ms < next) next = s->wait.next_ms;
    if (s->deadline_ms < next) next = s->deadline_ms;
    return next > now_ms ? next : now_ms + 1;
}

uint64_t session_id(const session *s)
{
    return (s != NULL && s->magic == SESSION_MAGIC) ? s->id : 0;
}

session_kind session_kind_of(const session *s)
{
    return (s != NULL && s->magic == SESSION_MAGIC) ? s->kind : SESSION_KIND_NONE;
}

session_state session_state_of(const session *s)
{
    return (s != NULL && s->magic == SESSION_MAGIC) ? s->state : SESSION_STATE_FREE;
}

int session_has_member(const session *s, uint16_t sender)
{
    return slot_ok(s) && session_pos(s, sender) >= 0;
}
