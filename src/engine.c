/* Core-local protocol engine: session arena, id index, timers, pending buffer, transmit. */
#include "src/engine.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "dataplane/counter.h"
#include "dataplane/wire.h"
#include "src/metrics.h"
#include "util/align.h"

#define NO_SLOT UINT32_MAX

struct engine_slot {
    uint64_t session_id;
    uint64_t finished_ms;
    timer_handle timer;
    uint8_t in_use;
    uint8_t finished;     /* complete() was called */
    uint8_t lingering;    /* in the linger FIFO */
};

struct engine_pending {
    uint64_t session_id;
    uint64_t first_ms;
    uint32_t count;       /* messages in pending_msgs[i * early_messages ...] */
    uint8_t in_use;
};

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return x;
}

uint32_t engine_for_session(uint64_t session_id, uint32_t n_engines)
{
    if (n_engines <= 1) return 0;
    /* A different mix from the index hash, so one engine's ids still spread over its index. */
    return (uint32_t)(mix64(session_id ^ 0x5bd1e9955bd1e995ull) % n_engines);
}

static size_t pow2_at_least(size_t n)
{
    size_t p = 2;
    while (p < n) p <<= 1;
    return p;
}

static ring_spsc *make_ring(engine *e, int i, size_t cap)
{
    size_t fp = ring_spsc_footprint(pow2_at_least(cap));
    if (fp == 0) return NULL;
    void *mem = tss_aligned_alloc(RING_SPSC_ALIGN, fp);
    if (mem == NULL) return NULL;
    e->ring_mem[i] = mem;
    return ring_spsc_init(mem, pow2_at_least(cap));
}

static session *slot_session(engine *e, uint32_t i)
{
    return (session *)(void *)(e->arena + (size_t)i * e->slot_size);
}

static uint64_t mono(engine *e)
{
    return e->cfg.mono_ms(e->cfg.clock_ctx);
}

/* ---- session id index: linear probing, backward-shift deletion ---- */

static uint32_t index_find(const engine *e, uint64_t sid)
{
    uint32_t h = (uint32_t)mix64(sid) & e->index_mask;
    for (;;) {
        uint32_t s = e->index[h];
        if (s == NO_SLOT) return NO_SLOT;
        if (e->slots[s].session_id == sid) return s;
        h = (h + 1) & e->index_mask;
    }
}

static void index_insert(engine *e, uint64_t sid, uint32_t slot)
{
    uint32_t h = (uint32_t)mix64(sid) & e->index_mask;
    while (e->index[h] != NO_SLOT) h = (h + 1) & e->index_mask;
    e->index[h] = slot;
}

static void index_remove(engine *e, uint64_t sid)
{
    uint32_t h = (uint32_t)mix64(sid) & e->index_mask;
    while (e->index[h] != NO_SLOT && e->slots[e->index[h]].session_id != sid) h = (h + 1) & e->index_mask;
    if (e->index[h] == NO_SLOT) return;
    uint32_t hole = h;
    e->index[hole] = NO_SLOT;
    for (uint32_t j = (hole + 1) & e->index_mask; e->index[j] != NO_SLOT; j = (j + 1) & e->index_mask) {
        uint32_t home = (uint32_t)mix64(e->slots[e->index[j]].session_id) & e->index_mask;
        /* Move j into the hole unless its home lies cyclically in (hole, j]. */
        int stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
        if (!stays) {
            e->index[hole] = e->index[j];
            e->index[j] = NO_SLOT;
            hole = j;
        }
    }
}

/* ---- transmit ---- */

static void tx_flush(engine *e)
{
    unsigned off = 0;
    for (int tries = 0; off < e->n_tx && tries < 4; tries++) {
        int k = dp_tx_burst(e->cfg.tx_port, e->tx + off, e->n_tx - off);
        if (k < 0) break;
        off += (unsigned)k;
        ctr_add(&e->ctr.tx_pkts, (uint64_t)k);
    }
    if (off < e->n_tx) {
        ctr_add(&e->ctr.tx_dropped, e->n_tx - off);
        dp_pool_put_bulk(e->cfg.tx_port->pool, e->tx + off, e->n_tx - off);
    }
    e->n_tx = 0;
}

static void tx_queue(engine *e, dp_pkt *p)
{
    e->tx[e->n_tx++] = p;
    if (e->n_tx == DP_BURST_MAX) tx_flush(e);
}

static int peer_ok(const engine *e, uint16_t i)
{
    return i < e->cfg.keys.n_peers && e->cfg.peer_addr[i].len != 0;
}

static int io_send(void *ctx, uint64_t session_id, uint8_t type, uint8_t round, uint16_t recipient,
                   const uint8_t *payload, size_t len)
{
    engine *e = ctx;
    unsigned nf = wire_fragment_count(len);
    if (nf == 0 || (payload == NULL && len != 0)) {
        ctr_inc(&e->ctr.tx_errors);
        return TSS_ERR_INVALID_ARG;
    }
    uint16_t dst[SESSION_MAX_PARTICIPANTS];
    unsigned n_dst = 0;
    const session *s = e->cur != NO_SLOT ? slot_session(e, e->cur) : NULL;
    if (recipient == WIRE_BROADCAST) {
        for (uint16_t i = 1; i < e->cfg.keys.n_peers && n_dst < SESSION_MAX_PARTICIPANTS; i++)
            if (i != e->cfg.keys.self && peer_ok(e, i) && s != NULL && session_has_member(s, i)) dst[n_dst++] = i;
    } else if (recipient != e->cfg.keys.self && peer_ok(e, recipient)) {
        dst[n_dst++] = recipient;
    }
    if (n_dst == 0) {
        ctr_inc(&e->ctr.tx_errors);
        return recipient == WIRE_BROADCAST ? TSS_OK : TSS_ERR_NOT_FOUND;
    }
    wire_header h;
    memset(&h, 0, sizeof h);
    h.type = type;
    h.round = round;
    h.session_id = session_id;
    h.seq = e->seq;
    e->seq += 64; /* low 6 bits: engine number, so engines of one node never share a seq */
    h.sender = e->cfg.keys.self;
    h.recipient = recipient;
    uint64_t ts = e->cfg.wall_ms(e->cfg.clock_ctx);
    dp_pool *pool = e->cfg.tx_port->pool;
    int rc = TSS_OK;
    for (unsigned f = 0; f < nf; f++) {
        dp_pkt *p = dp_pool_get(pool);
        if (p == NULL) {
            ctr_add(&e->ctr.tx_dropped, n_dst);
            rc = TSS_ERR_CAPACITY;
            continue;
        }
        size_t dlen = 0;
        int erc = wire_encode_fragment(dp_pkt_data(p), DP_PKT_DATA_ROOM, &dlen, &h, payload, len, f, ts,
                                       e->cfg.keys.node_sk);
        if (erc != TSS_OK) {
            dp_pool_put(pool, p);
            ctr_inc(&e->ctr.tx_errors);
            return erc;
        }
        p->len = (uint32_t)dlen;
        for (unsigned d = 1; d < n_dst; d++) {
            dp_pkt *c = dp_pool_get(pool);
            if (c == NULL) {
                ctr_inc(&e->ctr.tx_dropped);
                rc = TSS_ERR_CAPACITY;
                continue;
            }
            memcpy(dp_pkt_data(c), dp_pkt_data(p), dlen);
            c->len = (uint32_t)dlen;
            c->addr = e->cfg.peer_addr[dst[d]];
            tx_queue(e, c);
        }
        p->addr = e->cfg.peer_addr[dst[0]];
        tx_queue(e, p);
    }
    ctr_inc(&e->ctr.tx_msgs);
    return rc;
}

static session_result *event_get(engine *e)
{
    return e->n_free_events > 0 ? e->free_events[--e->n_free_events] : NULL;
}

static void event_emit(engine *e, session_result *ev)
{
    if (!ring_spsc_push(e->ev_out, ev)) { /* cannot happen: the ring holds the whole pool */
        sodium_memzero(ev, sizeof *ev);
        e->free_events[e->n_free_events++] = ev;
        ctr_inc(&e->ctr.events_dropped);
    }
}

static void io_complete(void *ctx, const session_result *result)
{
    engine *e = ctx;
    if (e->cur == NO_SLOT) return;
    engine_slot *sl = &e->slots[e->cur];
    if (sl->finished) return;
    sl->finished = 1;
    if (result->status == TSS_OK)
        ctr_inc(&e->ctr.done);
    else
        ctr_inc(&e->ctr.failed);
    session_result *ev = event_get(e);
    if (ev == NULL) {
        ctr_inc(&e->ctr.events_dropped);
        return;
    }
    memcpy(ev, result, sizeof *ev);
    event_emit(e, ev);
}


static void fail_event(engine *e, uint64_t sid, session_kind kind, int status, const char *reason)
{
    session_result *ev = event_get(e);
    if (ev == NULL) {
        ctr_inc(&e->ctr.events_dropped);
        return;
    }
    memset(ev, 0, sizeof *ev);
    ev->session_id = sid;
    ev->kind = kind;
    ev->status = status;
    strncpy(ev->reason, reason, sizeof ev->reason - 1);
    event_emit(e, ev);
}

/* ---- slots, linger FIFO, timers ---- */

static void slot_free(engine *e, uint32_t i)
{
    engine_slot *sl = &e->slots[i];
    if (sl->timer != TIMER_HANDLE_NONE) timer_wheel_cancel(&e->wheel, sl->timer);
    if (!sl->finished) tss_metric_gauge_add(&e->ctr.running, -1);
    index_remove(e, sl->session_id);
    session_release(slot_session(e, i));
    memset(sl, 0, sizeof *sl);
    e->free_slots[e->n_free++] = i;
}

static void linger_pop(engine *e)
{
    uint32_t i = e->linger[e->linger_head];
    e->linger_head = (e->linger_head + 1) % e->cfg.arena_sessions;
    e->linger_count--;
    tss_metric_gauge_add(&e->ctr.lingering, -1);
    slot_free(e, i);
}

static uint32_t slot_alloc(engine *e)
{
    if (e->n_free == 0 && e->linger_count > 0) {
        linger_pop(e);
        ctr_inc(&e->ctr.evicted_lingering);
    }
    return e->n_free > 0 ? e->free_slots[--e->n_free] : NO_SLOT;
}

static void arm(engine *e, uint32_t i, uint64_t at)
{
    engine_slot *sl = &e->slots[i];
    if (sl->timer != TIMER_HANDLE_NONE) timer_wheel_cancel(&e->wheel, sl->timer);
    sl->timer = TIMER_HANDLE_NONE;
    if (timer_wheel_add(&e->wheel, at, i, &sl->timer) != TSS_OK) sl->timer = TIMER_HANDLE_NONE;
}

/* After every call into a session: a session that completed moves to the linger FIFO. */
static void after_call(engine *e, uint32_t i)
{
    e->cur = NO_SLOT;
    engine_slot *sl = &e->slots[i];
    if (!sl->finished || sl->lingering) return;
    if (sl->timer != TIMER_HANDLE_NONE) timer_wheel_cancel(&e->wheel, sl->timer);
    sl->timer = TIMER_HANDLE_NONE;
    tss_metric_gauge_add(&e->ctr.running, -1);
    sl->lingering = 1;
    sl->finished_ms = mono(e);
    e->linger[(e->linger_head + e->linger_count) % e->cfg.arena_sessions] = i;
    e->linger_count++;
    tss_metric_gauge_add(&e->ctr.lingering, 1);
}

static void on_timer(void *ctx, timer_handle h, uint64_t user_data)
{
    engine *e = ctx;
    uint32_t i = (uint32_t)user_data;
    if (i >= e->cfg.arena_sessions) return;
    engine_slot *sl = &e->slots[i];
    if (!sl->in_use || sl->finished || sl->timer != h) return;
    sl->timer = TIMER_HANDLE_NONE;
    uint64_t now = mono(e);
    e->cur = i;
    uint64_t next = session_on_tick(slot_session(e, i), &e->io, now);
    ctr_inc(&e->ctr.ticks);
    after_call(e, i);
    if (sl->finished) return;
    uint64_t cap = now + e->cfg.tick_cap_ms;
    arm(e, i, next == 0 || next > cap ? cap : next);
}

/* ---- pending buffer for sessions not running here yet ---- */

static void msg_return(engine *e, engine_msg *m)
{
    dp_link_release(e->cfg.msg_in, m);
}

static engine_msg **pending_msgs(engine *e, uint32_t p)
{
    return e->pending_msgs + (size_t)p * e->cfg.early_messages;
}

static void pending_add(engine *e, engine_msg *m)
{
    uint32_t free_p = NO_SLOT;
    for (uint32_t p = 0; p < e->cfg.pending_sessions; p++) {
        engine_pending *pe = &e->pending[p];
        if (pe->in_use && pe->session_id == m->session_id) {
            if (pe->count >= e->cfg.early_messages) break;
            pending_msgs(e, p)[pe->count++] = m;
            ctr_inc(&e->ctr.pending_buffered);
            return;
        }
        if (!pe->in_use && free_p == NO_SLOT) free_p = p;
    }
    int known = 0;
    for (uint32_t p = 0; p < e->cfg.pending_sessions; p++)
        if (e->pending[p].in_use && e->pending[p].session_id == m->session_id) known = 1;
    if (known || free_p == NO_SLOT || e->cfg.early_messages == 0) {
        ctr_inc(&e->ctr.pending_dropped);
        msg_return(e, m);
        return;
    }
    engine_pending *pe = &e->pending[free_p];
    pe->in_use = 1;
    pe->session_id = m->session_id;
    pe->first_ms = mono(e);
    pe->count = 1;
    pending_msgs(e, free_p)[0] = m;
    ctr_inc(&e->ctr.pending_buffered);
}

static void pending_expire(engine *e, uint64_t now)
{
    for (uint32_t p = 0; p < e->cfg.pending_sessions; p++) {
        engine_pending *pe = &e->pending[p];
        if (!pe->in_use || pe->first_ms + e->cfg.pending_expiry_ms > now) continue;
        for (uint32_t k = 0; k < pe->count; k++) msg_return(e, pending_msgs(e, p)[k]);
        ctr_add(&e->ctr.pending_expired, pe->count);
        memset(pe, 0, sizeof *pe);
    }
}

static void feed(engine *e, uint32_t i, const engine_msg *m)
{
    session *s = slot_session(e, i);
    if (!session_has_member(s, m->sender)) {
        ctr_inc(&e->ctr.not_member);
        return;
    }
    e->cur = i;
    int rc = session_on_message(s, &e->io, m->sender, m->type, m->round, m->data, m->len, mono(e));
    after_call(e, i);
    ctr_inc(&e->ctr.msgs_to_session);
    if (rc != TSS_OK) ctr_inc(&e->ctr.msg_rejected);
}

static void pending_replay(engine *e, uint32_t i, uint64_t sid)
{
    for (uint32_t p = 0; p < e->cfg.pending_sessions; p++) {
        engine_pending *pe = &e->pending[p];
        if (!pe->in_use || pe->session_id != sid) continue;
        uint32_t n = pe->count;
        pe->count = 0;
        pe->in_use = 0;
        for (uint32_t k = 0; k < n; k++) {
            engine_msg *m = pending_msgs(e, p)[k];
            ctr_inc(&e->ctr.pending_replayed);
            if (e->slots[i].in_use) feed(e, i, m);
            msg_return(e, m);
        }
        return;
    }
}

/* ---- requests and messages ---- */

static void handle_request(engine *e, engine_request *r)
{
    ctr_inc(&e->ctr.requests);
    uint64_t sid = 0;
    session_kind kind = SESSION_KIND_NONE;
    switch (r->kind) {
    case ENGINE_REQ_DKG: sid = r->u.dkg.session_id; kind = SESSION_KIND_DKG; break;
    case ENGINE_REQ_SIGN: sid = r->u.sign.session_id; kind = SESSION_KIND_SIGN; break;
    case ENGINE_REQ_REFRESH: sid = r->u.refresh.session_id; kind = SESSION_KIND_REFRESH; break;
    case ENGINE_REQ_RESHARE: sid = r->u.reshare.session_id; kind = SESSION_KIND_RESHARE; break;
    }
    if (kind == SESSION_KIND_NONE) {
        fail_event(e, sid, SESSION_KIND_NONE, TSS_ERR_INVALID_ARG, "unknown request kind");
    } else if (index_find(e, sid) != NO_SLOT) {
        ctr_inc(&e->ctr.duplicate_refused);
        fail_event(e, sid, kind, TSS_ERR_DUPLICATE, "session id already in use on this engine");
    } else {
        uint32_t i = slot_alloc(e);
        if (i == NO_SLOT) {
            ctr_inc(&e->ctr.capacity_refused);
            fail_event(e, sid, kind, TSS_ERR_CAPACITY, "session arena full");
        } else {
            engine_slot *sl = &e->slots[i];
            memset(sl, 0, sizeof *sl);
            sl->in_use = 1;
            sl->session_id = sid;
            index_insert(e, sid, i);
            tss_metric_gauge_add(&e->ctr.running, 1);
            uint64_t now = mono(e);
            e->cur = i;
            session *s = slot_session(e, i);
            int rc = TSS_ERR_INVALID_ARG;
            switch (kind) {
            case SESSION_KIND_DKG:
                rc = session_dkg_start(s, &r->u.dkg, &e->cfg.keys, &e->cfg.timing, &e->io, now);
                break;
            case SESSION_KIND_SIGN:
                rc = session_sign_start(s, &r->u.sign, &e->cfg.keys, &e->cfg.timing, &e->io, now);
                break;
            case SESSION_KIND_REFRESH:
                rc = session_refresh_start(s, &r->u.refresh, &e->cfg.keys, &e->cfg.timing, &e->io, now);
                break;
            default:
                rc = session_reshare_start(s, &r->u.reshare, &e->cfg.keys, &e->cfg.timing, &e->io, now);
                break;
            }
            e->cur = NO_SLOT;
            if (rc != TSS_OK) {
                ctr_inc(&e->ctr.start_failed);
                if (!sl->finished) fail_event(e, sid, kind, rc, "session parameters refused");
                slot_free(e, i);
            } else {
                ctr_inc(&e->ctr.started);
                after_call(e, i);
                if (!sl->finished) arm(e, i, now);
                pending_replay(e, i, sid);
            }
        }
    }
    sodium_memzero(r, sizeof *r);
    ring_spsc_push(e->req_ret, r); /* sized for the whole pool: never full */
}

static void handle_msg(engine *e, engine_msg *m)
{
    ctr_inc(&e->ctr.msgs);
    uint32_t i = index_find(e, m->session_id);
    if (i == NO_SLOT) {
        m->arrival_ms = mono(e);
        pending_add(e, m);
        return;
    }
    feed(e, i, m);
    msg_return(e, m);
}

unsigned engine_poll(engine *e)
{
    unsigned work = 0;
    void *items[32];
    size_t n;
    while ((n = ring_spsc_pop_burst(e->ev_ret, items, 32)) > 0) {
        for (size_t k = 0; k < n; k++) {
            sodium_memzero(items[k], sizeof(session_result));
            e->free_events[e->n_free_events++] = items[k];
        }
        work += (unsigned)n;
    }
    n = ring_spsc_pop_burst(e->req_in, items, 32);
    for (size_t k = 0; k < n; k++) handle_request(e, items[k]);
    work += (unsigned)n;
    n = dp_link_recv_burst(e->cfg.msg_in, items, 32);
    for (size_t k = 0; k < n; k++) handle_msg(e, items[k]);
    work += (unsigned)n;

    uint64_t now = mono(e);
    work += (unsigned)timer_wheel_advance(&e->wheel, now, on_timer, e);
    while (e->linger_count > 0 &&
           e->slots[e->linger[e->linger_head]].finished_ms + e->cfg.linger_ms <= now) {
        linger_pop(e);
        work++;
    }
    if (now >= e->next_pending_scan_ms) {
        pending_expire(e, now);
        e->next_pending_scan_ms = now + 50;
    }
    if (e->n_tx > 0) tx_flush(e);
    return work;
}

/* ---- lifecycle ---- */

int engine_init(engine *e, const engine_config *cfg)
{
    if (e == NULL || cfg == NULL) return TSS_ERR_INVALID_ARG;
    memset(e, 0, sizeof *e);
    if (cfg->arena_sessions == 0 || cfg->arena_sessions > (1u << 22) || cfg->msg_in == NULL ||
        cfg->msg_in->buf_size < sizeof(engine_msg) || cfg->index >= 64 || cfg->tx_port == NULL ||
        cfg->tx_port->pool == NULL || cfg->peer_addr == NULL || cfg->keys.node_sk == NULL ||
        cfg->keys.peer_pk == NULL || cfg->keys.n_peers == 0 || cfg->mono_ms == NULL || cfg->wall_ms == NULL ||
        cfg->tick_cap_ms == 0 || cfg->early_messages > 4096 || cfg->pending_sessions > 65536)
        return TSS_ERR_INVALID_ARG;
    e->cfg = *cfg;
    e->cur = NO_SLOT;
    e->io.ctx = e;
    e->io.send = io_send;
    e->io.complete = io_complete;
    uint32_t n = cfg->arena_sessions;
    e->slot_size = tss_align_up(session_size(), 64);
    size_t index_len = pow2_at_least((size_t)n * 2);
    e->arena = tss_aligned_alloc(64, e->slot_size * n);
    e->slots = calloc(n, sizeof *e->slots);
    e->free_slots = calloc(n, sizeof *e->free_slots);
    e->index = malloc(index_len * sizeof *e->index);
    e->linger = calloc(n, sizeof *e->linger);
    e->wheel_slots = calloc(4096, sizeof *e->wheel_slots);
    e->wheel_nodes = calloc((size_t)n + 1, sizeof *e->wheel_nodes);
    e->events = calloc(n, sizeof *e->events);
    e->free_events = calloc(n, sizeof *e->free_events);
    e->pending = calloc(cfg->pending_sessions ? cfg->pending_sessions : 1, sizeof *e->pending);
    e->pending_msgs = calloc(cfg->pending_sessions * (size_t)cfg->early_messages + 1, sizeof *e->pending_msgs);
    /* DKG scratch, shared by the engine's sessions (used only inside one session call at a time). */
    size_t scratch_len = tss_align_up(session_scratch_size(), 64);
    e->scratch = tss_aligned_alloc(64, scratch_len);
    e->cfg.keys.scratch = e->scratch;
    e->cfg.keys.scratch_len = scratch_len;
    e->req_in = make_ring(e, 0, n);
    e->req_ret = make_ring(e, 1, n);
    e->ev_out = make_ring(e, 2, n);
    e->ev_ret = make_ring(e, 3, n);
    if (e->arena == NULL || e->slots == NULL || e->free_slots == NULL || e->index == NULL || e->linger == NULL ||
        e->wheel_slots == NULL || e->wheel_nodes == NULL || e->events == NULL || e->free_events == NULL ||
        e->pending == NULL || e->pending_msgs == NULL || e->req_in == NULL || e->req_ret == NULL || e->ev_out == NULL || e->ev_ret == NULL || e->scratch == NULL) {
        engine_destroy(e);
        return TSS_ERR_CAPACITY;
    }
    memset(e->arena, 0, e->slot_size * n);
    for (size_t k = 0; k < index_len; k++) e->index[k] = NO_SLOT;
    e->index_mask = (uint32_t)(index_len - 1);
    for (uint32_t k = 0; k < n; k++) {
        e->free_slots[k] = n - 1 - k;
        e->free_events[k] = &e->events[k];
    }
    e->n_free = n;
    e->n_free_events = n;
    uint64_t now = mono(e);
    if (timer_wheel_init(&e->wheel, e->wheel_slots, 4096, e->wheel_nodes, n + 1, 1, now) != TSS_OK) {
        engine_destroy(e);
        return TSS_ERR_INVALID_ARG;
    }
    /* Sequence numbers start from the wall clock so a restarted node does not reuse recent ones. */
    e->seq = (cfg->wall_ms(cfg->clock_ctx) << 20) * 64 + cfg->index;
    return TSS_OK;
}

void engine_destroy(engine *e)
{
    if (e == NULL) return;
    if (e->slots != NULL && e->arena != NULL && e->free_slots != NULL)
        for (uint32_t i = 0; i < e->cfg.arena_sessions; i++)
            if (e->slots[i].in_use) session_release(slot_session(e, i));
    if (e->arena != NULL) sodium_memzero(e->arena, e->slot_size * e->cfg.arena_sessions);
    if (e->events != NULL) sodium_memzero(e->events, sizeof *e->events * e->cfg.arena_sessions);
    if (e->n_tx > 0 && e->cfg.tx_port != NULL) dp_pool_put_bulk(e->cfg.tx_port->pool, e->tx, e->n_tx);
    if (e->scratch != NULL) sodium_memzero(e->scratch, e->cfg.keys.scratch_len);
    free(e->scratch);
    free(e->arena);
    free(e->slots);
    free(e->free_slots);
    free(e->index);
    free(e->linger);
    free(e->wheel_slots);
    free(e->wheel_nodes);
    free(e->events);
    free(e->free_events);
    free(e->pending);
    free(e->pending_msgs);
    for (int k = 0; k < 4; k++) free(e->ring_mem[k]);
    memset(e, 0, sizeof *e);
}
