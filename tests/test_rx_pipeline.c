/* Receive pipeline end to end over packet buffers: valid, fragmented, forged, unknown-sender,
 * malformed, replayed, stale and misaddressed envelopes, each ending in its own counter; every
 * packet returns to the pool. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sodium.h>

#include "dataplane/pkt.h"
#include "src/rx_pipeline.h"
#include "test_support.h"
#include "tss/common.h"

#define N_PEERS 5 /* indices 0..4; 0 is this node; 4 is not configured */
#define POOL 256
#define NOW_MS 1700000000000u

typedef struct got_msg {
    wire_header hdr;
    size_t len;
    uint8_t data[8192];
} got_msg;

typedef struct world {
    uint8_t pk[N_PEERS * 32];
    uint8_t sk[N_PEERS][64];
    uint8_t present[N_PEERS];
    dp_pool pool;
    void *pool_mem;
    rx_pipeline rx;
    void *rx_mem;
    got_msg got[16];
    int n_got;
} world;

static void on_message(void *ctx, const reasm_msg *msg, const dp_addr *from)
{
    world *w = ctx;
    (void)from;
    assert_true(w->n_got < 16);
    assert_true(msg->len <= sizeof w->got[0].data);
    got_msg *g = &w->got[w->n_got++];
    g->hdr = msg->hdr;
    g->len = msg->len;
    memcpy(g->data, msg->data, msg->len);
}

static world *world_new(uint32_t max_batch)
{
    world *w = calloc(1, sizeof *w);
    assert_non_null(w);
    for (int i = 0; i < N_PEERS; i++) {
        uint8_t seed[32];
        memset(seed, 0x60 + i, sizeof seed);
        assert_int_equal(crypto_sign_seed_keypair(w->pk + 32 * i, w->sk[i], seed), 0);
        w->present[i] = i < 4;
    }
    size_t need = dp_pool_mem_size(POOL);
    w->pool_mem = aligned_alloc(64, (need + 63) & ~(size_t)63);
    assert_int_equal(dp_pool_init(&w->pool, POOL, w->pool_mem, need), TSS_OK);

    rx_pipeline_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.pool = &w->pool;
    cfg.peer_keys = w->pk;
    cfg.peer_present = w->present;
    cfg.n_peers = N_PEERS;
    cfg.max_batch = max_batch;
    cfg.max_wait_us = 1000;
    cfg.validator.self_index = 0;
    cfg.validator.n_peers = N_PEERS;
    cfg.validator.max_skew_ms = 10000;
    cfg.validator.replay_per_peer = 256;
    cfg.reasm.slots = 8;
    cfg.reasm.max_msg_len = 8192;
    cfg.reasm.expiry_ms = 5000;
    cfg.on_message = on_message;
    cfg.cb_ctx = w;
    need = rx_pipeline_mem_size(&cfg);
    assert_true(need > 0);
    w->rx_mem = aligned_alloc(64, (need + 63) & ~(size_t)63);
    assert_int_equal(rx_pipeline_init(&w->rx, &cfg, w->rx_mem, need), TSS_OK);
    return w;
}

static void world_free(world *w)
{
    free(w->pool_mem);
    free(w->rx_mem);
    free(w);
}

/* Encodes every fragment of a message into fresh packets appended to pkts[*n]. */
static void add_msg(world *w, dp_pkt **pkts, unsigned *n, uint8_t type, uint16_t sender, uint16_t recipient,
                    uint64_t seq, const uint8_t *msg, size_t len, uint64_t ts, const uint8_t *signer_sk)
{
    wire_header h;
    memset(&h, 0, sizeof h);
    h.type = type;
    h.session_id = 42;
    h.seq = seq;
    h.sender = sender;
    h.recipient = recipient;
    unsigned frags = wire_fragment_count(len);
    for (unsigned f = 0; f < frags; f++) {
        dp_pkt *p = dp_pool_get(&w->pool);
        assert_non_null(p);
        size_t dlen;
        assert_int_equal(wire_encode_fragment(dp_pkt_data(p), DP_PKT_DATA_ROOM, &dlen, &h, msg, len, f, ts,
                                              signer_sk != NULL ? signer_sk : w->sk[sender]),
                         TSS_OK);
        p->len = (uint32_t)dlen;
        pkts[(*n)++] = p;
    }
}

static dp_pkt *clone_pkt(world *w, const dp_pkt *src)
{
    dp_pkt *p = dp_pool_get(&w->pool);
    assert_non_null(p);
    p->len = src->len;
    memcpy(dp_pkt_data(p), dp_pkt_data((dp_pkt *)src), src->len);
    return p;
}

static void test_mixed_traffic(void **state)
{
    (void)state;
    world *w = world_new(16);
    uint8_t big[3000], small[100];
    for (size_t i = 0; i < sizeof big; i++) big[i] = (uint8_t)(i * 3 + 1);
    memset(small, 0x5c, sizeof small);
    dp_pkt *pkts[64];
    unsigned n = 0;

    add_msg(w, pkts, &n, WIRE_SIGN_SHARE, 1, WIRE_BROADCAST, 1, small, sizeof small, NOW_MS, NULL);      /* ok */
    add_msg(w, pkts, &n, WIRE_SIGN_PACKAGE, 2, WIRE_BROADCAST, 1, big, sizeof big, NOW_MS, NULL);        /* ok, 3 frags */
    add_msg(w, pkts, &n, WIRE_DKG_ROUND2, 3, 0, 1, small, 50, NOW_MS, NULL);                            /* ok, p2p to us */
    add_msg(w, pkts, &n, WIRE_SIGN_SHARE, 1, WIRE_BROADCAST, 2, small, 10, NOW_MS, w->sk[3]);            /* forged */
    add_msg(w, pkts, &n, WIRE_SIGN_SHARE, 4, WIRE_BROADCAST, 1, small, 10, NOW_MS, NULL);                /* no key */
    add_msg(w, pkts, &n, WIRE_SIGN_SHARE, 3, WIRE_BROADCAST, 5, small, 10, NOW_MS - 60000, NULL);        /* too old */
    add_msg(w, pkts, &n, WIRE_DKG_ROUND2, 3, 2, 6, small, 10, NOW_MS, NULL);                            /* not for us */
    pkts[n] = clone_pkt(w, pkts[0]);                                                                   /* replay */
    n++;
    pkts[n] = clone_pkt(w, pkts[2]);                                                                   /* dup fragment */
    n++;
    dp_pkt *cut = clone_pkt(w, pkts[0]);
    cut->len -= 1;                                                                                     /* truncated */
    pkts[n++] = cut;
    /* Shuffle the fragments of the big message: 3,1,2 -> indices 1..3 reversed. */
    dp_pkt *t = pkts[1];
    pkts[1] = pkts[3];
    pkts[3] = t;
    unsigned total = n;
    assert_int_equal(w->pool.free_count, POOL - total);

    rx_pipeline_input(&w->rx, pkts, n, 0, NOW_MS);
    rx_pipeline_flush(&w->rx, NOW_MS);

    assert_int_equal(w->n_got, 3);
    int seen_big = 0;
    for (int i = 0; i < w->n_got; i++) {
        got_msg *g = &w->got[i];
        if (g->hdr.type == WIRE_SIGN_PACKAGE) {
            assert_int_equal(g->len, sizeof big);
            assert_memory_equal(g->data, big, sizeof big);
            assert_int_equal(g->hdr.sender, 2);
            seen_big = 1;
        } else if (g->hdr.type == WIRE_DKG_ROUND2) {
            assert_int_equal(g->hdr.sender, 3);
            assert_int_equal(g->len, 50);
        } else {
            assert_int_equal(g->hdr.type, WIRE_SIGN_SHARE);
            assert_int_equal(g->hdr.sender, 1);
            assert_memory_equal(g->data, small, sizeof small);
        }
    }
    assert_true(seen_big);
    assert_int_equal(w->rx.ctr.delivered, 3);
    assert_int_equal(w->rx.vs.ctr.invalid, 1);
    assert_int_equal(w->rx.ctr.no_key, 1);
    assert_int_equal(w->rx.wire.truncated, 1);
    assert_int_equal(w->rx.val.ctr.too_old, 1);
    assert_int_equal(w->rx.val.ctr.wrong_recipient, 1);
    assert_int_equal(w->rx.val.ctr.replay, 2); /* the replayed share and the duplicated fragment */
    assert_int_equal(w->rx.reasm.ctr.completed, 1);
    assert_int_equal(w->pool.free_count, POOL); /* every packet came back */
    world_free(w);
}

static void test_bounded_wait(void **state)
{
    (void)state;
    world *w = world_new(64);
    uint8_t small[20] = {7};
    dp_pkt *pkts[4];
    unsigned n = 0;
    add_msg(w, pkts, &n, WIRE_PING, 1, 0, 1, small, sizeof small, NOW_MS, NULL);
    rx_pipeline_input(&w->rx, pkts, n, 5000, NOW_MS);
    rx_pipeline_poll(&w->rx, 5999, NOW_MS);
    assert_int_equal(w->n_got, 0);
    assert_int_equal(w->pool.free_count, POOL - 1); /* held while waiting for its batch */
    rx_pipeline_poll(&w->rx, 6000, NOW_MS);
    assert_int_equal(w->n_got, 1);
    assert_int_equal(w->pool.free_count, POOL);

    /* A partial fragmented message expires through poll. */
    uint8_t big[2000] = {1};
    n = 0;
    add_msg(w, pkts, &n, WIRE_SIGN_PACKAGE, 2, WIRE_BROADCAST, 9, big, sizeof big, NOW_MS, NULL);
    rx_pipeline_input(&w->rx, pkts, 1, 7000, NOW_MS);
    rx_pipeline_flush(&w->rx, NOW_MS);
    assert_int_equal(w->rx.reasm.used, 1);
    rx_pipeline_poll(&w->rx, 8000, NOW_MS + 5000);
    assert_int_equal(w->rx.reasm.used, 0);
    assert_int_equal(w->rx.reasm.ctr.expired, 1);
    dp_pool_put(&w->pool, pkts[1]);
    assert_int_equal(w->pool.free_count, POOL);
    world_free(w);
}

int main(void)
{
    if (tss_init() != TSS_OK) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mixed_traffic),
        cmocka_unit_test(test_bounded_wait),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
