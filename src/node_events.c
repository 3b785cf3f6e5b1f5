/* The control loop: takes each engine's session outcomes, stores what they made (keys first, durably, then
 * the session records in one group commit per pass), updates the status the API reports, and gives the
 * engines their event and request buffers back. */
#include "src/node_internal.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

int node_session_known(node *n, uint64_t sid)
{
    if (node_status_find(&n->status, sid) != NULL) return 1;
    uint8_t id[8], buf[1024];
    size_t len;
    node_session_record_id(id, sid);
    int rc = tss_store_get_public(&n->store, TSS_STORE_SESSION, id, 8, buf, sizeof buf, &len);
    return rc == TSS_OK || rc == TSS_ERR_CAPACITY;
}

/* Writes the queued session records in one durable transaction. */
static void flush_records(node *n)
{
    if (n->n_records == 0) return;
    if (tss_store_put_many(&n->store, n->record_writes, n->n_records) != TSS_OK)
        tss_metric_add(&n->ctr.store_errors, n->n_records);
    n->n_records = 0;
}

/* Queues a session record for the group commit at the end of this control-loop pass: a node finishing
 * thousands of sessions a second would otherwise be bound by one fsync per session. Keys are never
 * queued: they are written durably before their session is reported done. */
static void persist_status(node *n, const node_status *s)
{
    if (n->n_records == NODE_RECORD_BATCH) flush_records(n);
    uint32_t i = n->n_records;
    size_t len = node_status_encode(n->record_buf[i], NODE_RECORD_MAX, s);
    if (len == 0) {
        tss_metric_inc(&n->ctr.store_errors);
        return;
    }
    node_session_record_id(n->record_id[i], s->session_id);
    n->record_writes[i] = (tss_store_write){TSS_STORE_SESSION, n->record_id[i], 8, n->record_buf[i], len,
                                            TSS_STORE_REPLACE};
    n->n_records++;
}

static tss_api_session_kind api_kind(session_kind k)
{
    switch (k) {
    case SESSION_KIND_DKG: return TSS_API_SESSION_DKG;
    case SESSION_KIND_REFRESH: return TSS_API_SESSION_REFRESH;
    case SESSION_KIND_RESHARE: return TSS_API_SESSION_RESHARE;
    default: return TSS_API_SESSION_SIGN;
    }
}

static void add_culprits(node_status *s, const uint16_t *nodes, uint16_t cnt, uint8_t reason)
{
    for (uint16_t i = 0; i < cnt && s->n_culprits < 2 * NODE_MAX_P; i++) {
        s->culprit_node[s->n_culprits] = nodes[i];
        s->culprit_reason[s->n_culprits++] = reason;
    }
}

static void handle_event(node *n, session_result *r)
{
    tss_metric_inc(&n->ctr.events);
    node_key key;
    int key_rc = TSS_OK;
    int is_keygen = r->kind == SESSION_KIND_DKG || r->kind == SESSION_KIND_REFRESH || r->kind == SESSION_KIND_RESHARE;
    int key_made = is_keygen && r->status == TSS_OK && r->has_key_package;
    int key_left = r->kind == SESSION_KIND_RESHARE && r->status == TSS_OK && !r->has_key_package;
    uint64_t key_id = r->session_id;
    node_key prev;
    int have_prev = 0;
    if (r->kind == SESSION_KIND_REFRESH || r->kind == SESSION_KIND_RESHARE) {
        pthread_mutex_lock(&n->lock);
        const node_status *cur = node_status_find(&n->status, r->session_id);
        if (cur != NULL) key_id = cur->key_id;
        node_key *pk = node_key_find(n, key_id);
        if (pk != NULL) {
            prev = *pk;
            have_prev = 1;
        }
        pthread_mutex_unlock(&n->lock);
    }
    if (key_made) {
        key_rc = node_key_persist(n, r, key_id, have_prev ? &prev : NULL, &key);
        if (key_rc != TSS_OK) tss_metric_inc(&n->ctr.store_errors);
    } else if (key_left && have_prev) {
        key_rc = node_key_forget(n, &prev);
        if (key_rc != TSS_OK) tss_metric_inc(&n->ctr.store_errors);
    }
    sodium_memzero(&r->key_package, sizeof r->key_package);
    int is_dkg_ok = key_made;

    node_status copy;
    pthread_mutex_lock(&n->lock);
    node_status *s = node_status_find(&n->status, r->session_id);
    if (s == NULL) s = node_status_insert(&n->status, r->session_id);
    if (s != NULL) {
        if (s->kind == 0) s->kind = (uint8_t)api_kind(r->kind);
        s->end_us = node_now_us(n);
        if (s->start_us == 0) s->start_us = s->end_us;
        s->status = r->status;
        if (r->status == TSS_OK && key_rc == TSS_OK) {
            s->state = TSS_API_STATE_DONE;
            if (is_dkg_ok) {
                s->key_id = key_id;
                memcpy(s->group_pk, r->group_key.bytes, 32);
                node_key *cur = node_key_find(n, key.key_id);
                if (cur != NULL)
                    *cur = key; /* refresh / reshare: same key id, next generation */
                else if (n->n_keys < NODE_MAX_KEYS)
                    n->keys[n->n_keys++] = key;
                tss_metric_inc(&n->ctr.keys_stored);
            } else if (key_left) {
                memcpy(s->group_pk, r->group_key.bytes, 32);
                node_key *cur = node_key_find(n, key_id);
                if (cur != NULL) {
                    size_t at = (size_t)(cur - n->keys);
                    memmove(cur, cur + 1, (n->n_keys - at - 1) * sizeof *cur);
                    n->n_keys--;
                }
            } else if (is_keygen) {
                memcpy(s->group_pk, r->group_key.bytes, 32);
            } else {
                memcpy(s->signature, r->signature.bytes, 64);
                s->n_signers = r->n_signers > NODE_MAX_P ? NODE_MAX_P : r->n_signers;
                memcpy(s->signers, r->signers, s->n_signers * sizeof s->signers[0]);
                /* ROAST-style attempts may have excluded cheaters or silent signers on the way: report them. */
                add_culprits(s, r->culprits, r->n_culprits, TSS_API_CULPRIT_INVALID);
                add_culprits(s, r->missing, r->n_missing, TSS_API_CULPRIT_MISSING);
            }
        } else {
            s->state = TSS_API_STATE_FAILED;
            if (r->status == TSS_OK) {
                s->status = key_rc;
                snprintf(s->message, sizeof s->message, "key could not be stored: %s", tss_status_str(key_rc));
            } else {
                snprintf(s->message, sizeof s->message, "%.*s", (int)sizeof r->reason, r->reason);
            }
            for (uint16_t i = 0; i < r->n_culprits; i++)
                add_culprits(s, &r->culprits[i], 1,
                             r->culprit_equivocated[i] ? TSS_API_CULPRIT_EQUIVOCATED : TSS_API_CULPRIT_INVALID);
            add_culprits(s, r->missing, r->n_missing, TSS_API_CULPRIT_MISSING);
        }
        copy = *s;
    }
    pthread_mutex_unlock(&n->lock);
    if (s == NULL) return;
    uint64_t dur_ns = (copy.end_us - copy.start_us) * 1000u;
    tss_histogram_observe(copy.kind == TSS_API_SESSION_SIGN ? &n->latency_sign : &n->latency_dkg, 0, dur_ns);
    persist_status(n, &copy);
    char idhex[17];
    tss_api_format_id(idhex, copy.session_id);
    if (copy.state == TSS_API_STATE_DONE)
        node_log(n, "session %s (%s) done in %.1f ms", idhex, tss_api_kind_name(copy.kind),
                 (double)(copy.end_us - copy.start_us) / 1000.0);
    else
        node_log(n, "session %s (%s) failed: %s (%s)", idhex, tss_api_kind_name(copy.kind), copy.message,
                 tss_status_str(copy.status));
}

unsigned node_control_poll(node *n)
{
    unsigned work = 0;
    void *items[16];
    for (uint32_t k = 0; k < n->n_engines; k++) {
        engine *e = &n->engines[k];
        size_t cnt = ring_spsc_pop_burst(e->ev_out, items, 16);
        for (size_t j = 0; j < cnt; j++) {
            session_result *r = items[j];
            handle_event(n, r);
            sodium_memzero(r, sizeof *r);
            ring_spsc_push(e->ev_ret, r); /* sized for the pool: never full */
            /* Only now may another session take the slot: its event slot is back in the engine's pool. */
            atomic_fetch_sub(&n->admitted[k], 1);
        }
        work += (unsigned)cnt;
        cnt = ring_spsc_pop_burst(e->req_ret, items, 16);
        if (cnt > 0) {
            pthread_mutex_lock(&n->lock);
            for (size_t j = 0; j < cnt; j++) n->free_requests[n->n_free_requests++] = items[j];
            pthread_mutex_unlock(&n->lock);
        }
        work += (unsigned)cnt;
    }
    flush_records(n);
    return work;
}

