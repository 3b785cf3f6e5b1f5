/* The in-memory session network (tests/session_router.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "dataplane/wire.h"
#include "session_router.h"

static void enqueue(net *nt, const msg *m, uint64_t delay)
{
    if (nt->nq >= QCAP) fail_msg("queue full");
    msg *d = &nt->q[nt->nq++];
    *d = *m;
    d->at = nt->now + delay;
    d->order = nt->order++;
}

static int io_send(void *ctx, uint64_t sid, uint8_t type, uint8_t round, uint16_t recipient, const uint8_t *payload,
                   size_t len)
{
    (void)sid;
    node *me = ctx;
    net *nt = me->net;
    me->sends++;
    assert_true(len <= MAXPAY);
    uint16_t dst[MAXN];
    size_t nd = 0;
    if (recipient == WIRE_BROADCAST) {
        for (uint16_t i = 0; i < nt->n_members; i++)
            if (nt->members[i] != me->idx) dst[nd++] = nt->members[i];
    } else {
        assert_true(recipient >= 1 && recipient <= nt->n && recipient != me->idx);
        dst[nd++] = recipient;
    }
    static msg m; /* large; the router is single threaded */
    for (size_t k = 0; k < nd; k++) {
        m.from = me->idx;
        m.to = dst[k];
        m.type = type;
        m.round = round;
        m.len = (uint16_t)len;
        if (len) memcpy(m.data, payload, len);
        uint64_t delay = 1 + (nt->max_delay ? tv_rng_next(&nt->rng) % nt->max_delay : 0);
        if (nt->offline[m.from] || nt->offline[m.to]) continue;
        if (nt->tamper != NULL && !nt->tamper(nt, &m, &delay)) continue;
        if (tv_rng_next(&nt->rng) % 100 < nt->drop_pct) {
            nt->dropped++;
            continue;
        }
        enqueue(nt, &m, delay);
        if (tv_rng_next(&nt->rng) % 100 < nt->dup_pct)
            enqueue(nt, &m, 1 + (nt->max_delay ? tv_rng_next(&nt->rng) % (2 * nt->max_delay) : 0));
    }
    return TSS_OK;
}

static void io_complete(void *ctx, const session_result *r)
{
    node *me = ctx;
    assert_false(me->done);
    me->res = *r;
    me->done = 1;
    if (r->status == TSS_OK && r->has_key_package) me->kp = r->key_package;
}

net *net_new(uint16_t n, uint64_t seed)
{
    net *nt = calloc(1, sizeof *nt);
    assert_non_null(nt);
    nt->q = calloc(QCAP, sizeof(msg));
    assert_non_null(nt->q);
    nt->n = n;
    tv_rng_seed(&nt->rng, seed);
    nt->max_delay = 20;
    nt->timing = (session_timing){.retry_initial_ms = 60, .retry_max = 14, .attempt_timeout_ms = 500,
                                  .session_timeout_ms = 30000};
    nt->scratch_len = session_scratch_size();
    nt->scratch = malloc(nt->scratch_len);
    assert_non_null(nt->scratch);
    for (uint16_t i = 1; i <= n; i++) {
        uint8_t seedb[32];
        tv_rng_bytes(&nt->rng, seedb, sizeof seedb);
        crypto_sign_seed_keypair(nt->pk[i], nt->sk[i], seedb);
        node *d = &nt->nodes[i];
        d->net = nt;
        d->idx = i;
        d->s = calloc(1, session_size());
        assert_non_null(d->s);
        d->io = (session_io){.ctx = d, .send = io_send, .complete = io_complete};
        d->keys = (session_keys){.self = i, .node_sk = nt->sk[i], .peer_pk = (const uint8_t(*)[32])nt->pk,
                                 .n_peers = (uint16_t)(n + 1), .scratch = nt->scratch,
                                 .scratch_len = nt->scratch_len};
    }
    return nt;
}

void net_free(net *nt)
{
    for (uint16_t i = 1; i <= nt->n; i++) {
        session_release(nt->nodes[i].s);
        free(nt->nodes[i].s);
    }
    free(nt->scratch);
    free(nt->q);
    free(nt);
}

void net_reset_round(net *nt, const uint16_t *members, uint16_t n_members)
{
    nt->nq = 0;
    memcpy(nt->members, members, n_members * sizeof members[0]);
    nt->n_members = n_members;
    for (uint16_t i = 1; i <= nt->n; i++) {
        node *d = &nt->nodes[i];
        session_release(d->s);
        d->active = d->done = 0;
        d->sends = 0;
        memset(&d->res, 0, sizeof d->res);
    }
}

/* Runs until every active node is done and nothing is in flight, or until `limit_ms` of virtual time. */
void net_run(net *nt, uint64_t limit_ms)
{
    uint64_t end = nt->now + limit_ms;
    for (;;) {
        int pending = 0;
        for (uint16_t i = 1; i <= nt->n; i++)
            if (nt->nodes[i].active && !nt->nodes[i].done && !nt->offline[i]) pending = 1;
        if (!pending) return;
        uint64_t t = UINT64_MAX;
        size_t best = SIZE_MAX;
        for (size_t k = 0; k < nt->nq; k++)
            if (nt->q[k].at < t || (nt->q[k].at == t && nt->q[k].order < nt->q[best].order)) {
                t = nt->q[k].at;
                best = k;
            }
        for (uint16_t i = 1; i <= nt->n; i++) {
            node *d = &nt->nodes[i];
            if (d->active && !d->done && d->next_tick && d->next_tick < t) {
                t = d->next_tick;
                best = SIZE_MAX;
            }
        }
        if (t == UINT64_MAX || t > end) return;
        if (t > nt->now) nt->now = t;
        if (best != SIZE_MAX) {
            static msg m;
            m = nt->q[best];
            nt->q[best] = nt->q[--nt->nq];
            node *d = &nt->nodes[m.to];
            if (d->active && !nt->offline[m.to]) {
                nt->delivered++;
                (void)session_on_message(d->s, &d->io, m.from, m.type, m.round, m.data, m.len, nt->now);
            }
        } else {
            for (uint16_t i = 1; i <= nt->n; i++) {
                node *d = &nt->nodes[i];
                if (d->active && !d->done && d->next_tick && d->next_tick <= nt->now)
                    d->next_tick = nt->offline[i] ? 0 : session_on_tick(d->s, &d->io, nt->now);
            }
        }
        /* a tick may be due sooner after a message (new waits start) */
        for (uint16_t i = 1; i <= nt->n; i++) {
            node *d = &nt->nodes[i];
            if (d->active && !d->done && !nt->offline[i] && d->next_tick == 0)
                d->next_tick = session_on_tick(d->s, &d->io, nt->now);
        }
    }
}

void refresh_ticks(net *nt)
{
    for (uint16_t i = 1; i <= nt->n; i++) {
        node *d = &nt->nodes[i];
        if (d->active && !d->done) d->next_tick = session_on_tick(d->s, &d->io, nt->now);
    }
}


/* ---- DKG ---- */

void run_dkg(net *nt, uint16_t n, uint16_t t, uint64_t sid)
{
    session_dkg_params p = {.session_id = sid, .n = n, .t = t};
    for (uint16_t i = 0; i < n; i++) p.participants[i] = (uint16_t)(i + 1);
    net_reset_round(nt, p.participants, n);
    for (uint16_t i = 1; i <= n; i++) {
        node *d = &nt->nodes[i];
        assert_int_equal(session_dkg_start(d->s, &p, &d->keys, &nt->timing, &d->io, nt->now), TSS_OK);
        d->active = 1;
    }
    refresh_ticks(nt);
    net_run(nt, 120000);
}

void expect_dkg_ok(net *nt, uint16_t n, uint16_t t)
{
    const session_result *r0 = &nt->nodes[1].res;
    for (uint16_t i = 1; i <= n; i++) {
        const session_result *r = &nt->nodes[i].res;
        assert_true(nt->nodes[i].done);
        if (r->status != TSS_OK) fail_msg("node %u: %s (%s)", i, tss_status_str(r->status), r->reason);
        assert_int_equal(r->threshold, t);
        assert_int_equal(r->n_participants, n);
        assert_memory_equal(r->group_key.bytes, r0->group_key.bytes, 32);
        assert_memory_equal(r->verifying_shares, r0->verifying_shares, n * sizeof r->verifying_shares[0]);
        /* the key package held is consistent with the public data */
        assert_memory_equal(nt->nodes[i].kp.verifying_share.bytes, r0->verifying_shares[i - 1].bytes, 32);
        assert_memory_equal(nt->nodes[i].kp.verifying_key.bytes, r0->group_key.bytes, 32);
    }
    nt->group = r0->group_key;
    nt->n_holders = n;
    for (uint16_t i = 0; i < n; i++) {
        nt->holders[i] = (uint16_t)(i + 1);
        nt->vshares[i] = r0->verifying_shares[i];
    }
}

/* ---- signing ---- */

void start_sign(net *nt, const uint16_t *cands, uint16_t nc, const uint8_t *message, uint16_t mlen,
                       uint64_t sid)
{
    net_reset_round(nt, cands, nc);
    static session_sign_params p;
    memset(&p, 0, sizeof p);
    p.session_id = sid;
    memcpy(p.candidates, cands, nc * sizeof cands[0]);
    p.n_candidates = nc;
    memcpy(p.message, message, mlen);
    p.message_len = mlen;
    memcpy(p.holders, nt->holders, nt->n_holders * sizeof nt->holders[0]);
    memcpy(p.verifying_shares, nt->vshares, nt->n_holders * sizeof nt->vshares[0]);
    p.n_holders = nt->n_holders;
    for (uint16_t k = 0; k < nc; k++) {
        node *d = &nt->nodes[cands[k]];
        p.key_package = d->kp;
        assert_int_equal(session_sign_start(d->s, &p, &d->keys, &nt->timing, &d->io, nt->now), TSS_OK);
        d->active = 1;
    }
    sodium_memzero(&p.key_package, sizeof p.key_package);
    refresh_ticks(nt);
}

/* Every responsive candidate reports the same valid signature. Returns the coordinator. */
uint16_t expect_sign_ok(net *nt, const uint16_t *cands, uint16_t nc, const uint8_t *message, uint16_t mlen,
                               uint16_t t)
{
    const session_result *ref = NULL;
    for (uint16_t k = 0; k < nc; k++) {
        node *d = &nt->nodes[cands[k]];
        if (nt->offline[d->idx]) continue;
        assert_true(d->done);
        const session_result *r = &d->res;
        if (r->status != TSS_OK) fail_msg("node %u: %s (%s)", d->idx, tss_status_str(r->status), r->reason);
        assert_int_equal(r->kind, SESSION_KIND_SIGN);
        assert_int_equal(r->n_signers, t);
        assert_int_equal(crypto_sign_verify_detached(r->signature.bytes, message, mlen, nt->group.bytes), 0);
        if (ref == NULL) ref = r;
        assert_memory_equal(r->signature.bytes, ref->signature.bytes, 64);
        assert_memory_equal(r->signers, ref->signers, t * sizeof r->signers[0]);
    }
    assert_non_null(ref);
    return session_coordinator(nt->nodes[cands[0]].s);
}

int contains(const uint16_t *v, uint16_t n, uint16_t x)
{
    for (uint16_t i = 0; i < n; i++)
        if (v[i] == x) return 1;
    return 0;
}

