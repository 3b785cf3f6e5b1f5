/* In-process cluster tests: N full nodes (store, poller, batch verify, validator, engines, sessions) over the
 * simulated network, driven through the API backend. See tests/cluster_harness.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "dataplane/wire.h"
#include "tests/cluster_harness.h"

#ifndef CLUSTER_SIGNATURES_2OF3
#define CLUSTER_SIGNATURES_2OF3 1000
#define CLUSTER_SIGNATURES_LARGE 10
#endif

static const uint16_t ALL[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

/* Runs a DKG among nodes 1..n on every node; checks all agree; returns the group key in gpk. */
static void run_dkg(cluster *c, uint64_t sid, uint16_t n, uint16_t t, uint8_t gpk[32])
{
    for (uint16_t i = 1; i <= n; i++) assert_int_equal(cluster_start_dkg(c, i, sid, ALL, n, t), TSS_OK);
    assert_int_equal(cluster_wait(c, sid, ALL, n, 60000), n);
    tss_api_session_info *info = cluster_info(c);
    for (uint16_t i = 1; i <= n; i++) {
        assert_int_equal(cluster_session(c, i, sid, info), TSS_OK);
        assert_int_equal(info->state, TSS_API_STATE_DONE);
        assert_int_equal(info->threshold, t);
        assert_int_equal(info->n_participants, n);
        if (i == 1)
            memcpy(gpk, info->group_public_key, 32);
        else
            assert_memory_equal(gpk, info->group_public_key, 32);
        assert_int_equal(node_key_count(cluster_node(c, i)), 1);
    }
}

/* Signs `count` messages with `window` sessions in flight, on the given nodes; verifies every signature
 * each node reports with libsodium. */
static void run_signatures(cluster *c, uint64_t key_id, const uint8_t gpk[32], const uint16_t *nodes, uint16_t n_nodes,
                           uint32_t count, uint32_t window, uint64_t sid_base)
{
    uint64_t inflight[64];
    uint32_t n_inflight = 0, started = 0, verified = 0;
    tss_api_session_info *info = cluster_info(c);
    assert_true(window <= 64);
    uint64_t deadline = cluster_now_us(c) + 600ull * 1000000u;
    while (verified < count) {
        while (n_inflight < window && started < count) {
            uint64_t sid = sid_base + started;
            char m[32];
            int len = snprintf(m, sizeof m, "message %llu", (unsigned long long)sid);
            for (uint16_t k = 0; k < n_nodes; k++)
                assert_int_equal(
                    cluster_start_sign(c, nodes[k], sid, key_id, (const uint8_t *)m, (size_t)len, NULL, 0), TSS_OK);
            inflight[n_inflight++] = sid;
            started++;
        }
        for (int s = 0; s < 8; s++) cluster_step(c);
        for (uint32_t j = 0; j < n_inflight;) {
            uint64_t sid = inflight[j];
            uint32_t done = 0;
            for (uint16_t k = 0; k < n_nodes; k++) {
                assert_int_equal(cluster_session(c, nodes[k], sid, info), TSS_OK);
                if (info->state == TSS_API_STATE_FAILED)
                    fail_msg("session %llx failed on node %u: %s", (unsigned long long)sid, nodes[k],
                             info->failure_message);
                if (info->state != TSS_API_STATE_DONE) break;
                char m[32];
                int len = snprintf(m, sizeof m, "message %llu", (unsigned long long)sid);
                assert_memory_equal(info->group_public_key, gpk, 32);
                assert_int_equal(crypto_sign_verify_detached(info->signature, (const uint8_t *)m, (size_t)len, gpk), 0);
                done++;
            }
            if (done == n_nodes) {
                verified++;
                inflight[j] = inflight[--n_inflight];
            } else {
                j++;
            }
        }
        assert_true(cluster_now_us(c) < deadline);
    }
    assert_int_equal(verified, count);
}

static void test_2of3_dkg_and_signatures(void **state)
{
    (void)state;
    cluster_options o = {.n = 3, .seed = 1};
    cluster *c = cluster_create(&o);
    assert_non_null(c);
    uint8_t gpk[32];
    run_dkg(c, 0x100, 3, 2, gpk);
    run_signatures(c, 0x100, gpk, ALL, 3, CLUSTER_SIGNATURES_2OF3, 32, 0x10000);
    /* Counters moved through every stage. */
    poller *p = node_poller(cluster_node(c, 1));
    assert_true(p->rx.vs.ctr.batches > 0);
    assert_true(p->rx.val.ctr.accepted > 0);
    assert_int_equal(p->rx.vs.ctr.invalid, 0);
    assert_true(node_engine(cluster_node(c, 1), 0)->ctr.done >= CLUSTER_SIGNATURES_2OF3 + 1);
    cluster_destroy(c);
}

static void large(uint16_t n, uint16_t t, uint32_t engines)
{
    cluster_options o = {.n = n, .seed = 7 + n, .engines = engines};
    cluster *c = cluster_create(&o);
    assert_non_null(c);
    uint8_t gpk[32];
    run_dkg(c, 0x200, n, t, gpk);
    run_signatures(c, 0x200, gpk, ALL, n, CLUSTER_SIGNATURES_LARGE, 8, 0x20000);
    cluster_destroy(c);
}

static void test_3of5(void **state)
{
    (void)state;
    large(5, 3, 2); /* two engines per node: sessions spread over both */
}

static void test_7of10(void **state)
{
    (void)state;
    large(10, 7, 1);
}

static void test_loss_with_retries(void **state)
{
    (void)state;
    cluster_options o = {.n = 3, .seed = 42, .drop_ppm = 200000, .duplicate_ppm = 20000, .reorder_ppm = 100000,
                         .session_ms = 120000, .retry_max = 12};
    cluster *c = cluster_create(&o);
    assert_non_null(c);
    uint8_t gpk[32];
    run_dkg(c, 0x300, 3, 2, gpk);
    run_signatures(c, 0x300, gpk, ALL, 3, 20, 4, 0x30000);
    assert_true(cluster_net(c)->ctr.dropped > 0);
    cluster_destroy(c);
}

static void test_offline_signer_replaced(void **state)
{
    (void)state;
    cluster_options o = {.n = 5, .seed = 5, .round_ms = 1000, .session_ms = 20000};
    cluster *c = cluster_create(&o);
    assert_non_null(c);
    uint8_t gpk[32];
    run_dkg(c, 0x400, 5, 3, gpk);
    /* Node 2 goes offline: the other candidates still sign (a new attempt leaves it out if it was chosen). */
    cluster_set_online(c, 2, 0);
    const uint16_t online[] = {1, 3, 4, 5};
    for (uint64_t s = 0; s < 6; s++) {
        uint64_t sid = 0x40000 + s;
        const uint8_t m[] = "offline signer";
        for (int k = 0; k < 4; k++)
            assert_int_equal(cluster_start_sign(c, online[k], sid, 0x400, m, sizeof m, NULL, 0), TSS_OK);
        assert_int_equal(cluster_wait(c, sid, online, 4, 60000), 4);
        tss_api_session_info *info = cluster_info(c);
        for (int k = 0; k < 4; k++) {
            assert_int_equal(cluster_session(c, online[k], sid, info), TSS_OK);
            assert_int_equal(crypto_sign_verify_detached(info->signature, m, sizeof m, gpk), 0);
            assert_true(info->n_signers >= 3);
            for (uint16_t j = 0; j < info->n_signers; j++) assert_int_not_equal(info->signers[j], 2);
        }
    }
    cluster_destroy(c);
}

/* The first coordinator of a session over candidates 1..n (src/session_sign.c: sorted candidates,
 * index = BLAKE2b-64("tss-sign-coordinator" || sid LE) mod n), recomputed so the test can take it down. */
static uint16_t first_coordinator(uint64_t sid, uint16_t n)
{
    static const char dom[] = "tss-sign-coordinator";
    uint8_t in[sizeof dom - 1 + 8], h[8];
    memcpy(in, dom, sizeof dom - 1);
    for (int i = 0; i < 8; i++) in[sizeof dom - 1 + i] = (uint8_t)(sid >> (8 * i));
    crypto_generichash(h, sizeof h, in, sizeof in, NULL, 0);
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = (v << 8) | h[i];
    return (uint16_t)(1 + v % n);
}

static void test_offline_coordinator_handover(void **state)
{
    (void)state;
    cluster_options o = {.n = 5, .seed = 6, .round_ms = 1000, .session_ms = 20000};
    cluster *c = cluster_create(&o);
    assert_non_null(c);
    uint8_t gpk[32];
    run_dkg(c, 0x410, 5, 3, gpk);
    for (uint64_t s = 0; s < 4; s++) {
        uint64_t sid = 0x41000 + s;
        uint16_t coord = first_coordinator(sid, 5);
        /* The coordinator is down from before the request: every candidate is asked (default: all holders),
         * the four others hand over to the next coordinator and sign without it. */
        cluster_set_online(c, coord, 0);
        uint16_t online[4], k = 0;
        for (uint16_t i = 1; i <= 5; i++)
            if (i != coord) online[k++] = i;
        const uint8_t m[] = "offline coordinator";
        for (int j = 0; j < 4; j++)
            assert_int_equal(cluster_start_sign(c, online[j], sid, 0x410, m, sizeof m, NULL, 0), TSS_OK);
        assert_int_equal(cluster_wait(c, sid, online, 4, 60000), 4);
        tss_api_session_info *info = cluster_info(c);
        for (int j = 0; j < 4; j++) {
            assert_int_equal(cluster_session(c, online[j], sid, info), TSS_OK);
            assert_int_equal(crypto_sign_verify_detached(info->signature, m, sizeof m, gpk), 0);
            assert_int_equal(info->n_signers, 3);
            for (uint16_t q = 0; q < info->n_signers; q++) assert_int_not_equal(info->signers[q], coord);
            assert_true(info->elapsed_us >= 1000000); /* it took a hand-over (round_ms) */
        }
        cluster_set_online(c, coord, 1);
    }
    cluster_destroy(c);
}

static void test_restart_keeps_key(void **state)
{
    (void)state;
    cluster_options o = {.n = 3, .seed = 9};
    cluster *c = cluster_create(&o);
    assert_non_null(c);
    uint8_t gpk[32];
    run_dkg(c, 0x500, 3, 2, gpk);
    assert_int_equal(cluster_restart(c, 3), TSS_OK);
    assert_int_equal(node_key_count(cluster_node(c, 3)), 1);
    /* The restarted node still reports the finished DKG (from its session record) and signs. */
    tss_api_session_info *info = cluster_info(c);
    assert_int_equal(cluster_session(c, 3, 0x500, info), TSS_OK);
    assert_int_equal(info->state, TSS_API_STATE_DONE);
    assert_memory_equal(info->group_public_key, gpk, 32);
    const uint16_t signers[] = {1, 3};
    const uint8_t m[] = "after restart";
    for (int k = 0; k < 2; k++)
        assert_int_equal(cluster_start_sign(c, signers[k], 0x50001, 0x500, m, sizeof m, signers, 2), TSS_OK);
    assert_int_equal(cluster_wait(c, 0x50001, signers, 2, 30000), 2);
    assert_int_equal(cluster_session(c, 3, 0x50001, info), TSS_OK);
    assert_int_equal(crypto_sign_verify_detached(info->signature, m, sizeof m, gpk), 0);
    /* A reused session id is refused. */
    assert_int_equal(cluster_start_sign(c, 3, 0x50001, 0x500, m, sizeof m, signers, 2), TSS_ERR_DUPLICATE);
    cluster_destroy(c);
}

static void test_api_refusals(void **state)
{
    (void)state;
    cluster_options o = {.n = 3, .seed = 11, .arena = 2};
    cluster *c = cluster_create(&o);
    assert_non_null(c);
    const uint16_t bad[] = {1, 9};
    assert_int_equal(cluster_start_dkg(c, 1, 0x600, bad, 2, 2), TSS_ERR_NOT_FOUND);
    const uint16_t not_self[] = {2, 3};
    assert_int_equal(cluster_start_dkg(c, 1, 0x600, not_self, 2, 2), TSS_ERR_INVALID_ARG);
    const uint8_t m[] = "x";
    assert_int_equal(cluster_start_sign(c, 1, 0x601, 0x999, m, 1, NULL, 0), TSS_ERR_NOT_FOUND);
    /* Arena of 2 per engine: the third concurrent session is refused with TSS_ERR_CAPACITY. */
    assert_int_equal(cluster_start_dkg(c, 1, 0x610, ALL, 3, 2), TSS_OK);
    assert_int_equal(cluster_start_dkg(c, 1, 0x611, ALL, 3, 2), TSS_OK);
    assert_int_equal(cluster_start_dkg(c, 1, 0x612, ALL, 3, 2), TSS_ERR_CAPACITY);
    assert_int_equal(cluster_start_dkg(c, 1, 0x610, ALL, 3, 2), TSS_ERR_DUPLICATE);
    cluster_destroy(c);
}

/* Hostile datagrams injected into node 1, each rejected with its named counter. */
static size_t make_ping(cluster *c, uint8_t *d, size_t cap, uint16_t sender, uint64_t seq, const tss_identity *id)
{
    wire_header h;
    memset(&h, 0, sizeof h);
    h.type = WIRE_PING;
    h.sender = sender;
    h.recipient = WIRE_BROADCAST;
    h.seq = seq;
    const uint8_t payload[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    size_t len = 0;
    assert_int_equal(wire_encode_fragment(d, cap, &len, &h, payload, sizeof payload, 0, cluster_wall_ms(c),
                                          id->secret_key),
                     TSS_OK);
    return len;
}

static void settle(cluster *c)
{
    for (int i = 0; i < 50; i++) cluster_step(c);
}

static void assert_metric(cluster *c, const char *line)
{
    static char buf[1 << 18];
    size_t len = 0;
    assert_int_equal(tss_metrics_render(node_metrics(cluster_node(c, 1)), buf, sizeof buf, &len), TSS_OK);
    if (strstr(buf, line) == NULL) fail_msg("metrics lack \"%s\"", line);
}

static void test_hostile_packets(void **state)
{
    (void)state;
    cluster_options o = {.n = 3, .seed = 13};
    cluster *c = cluster_create(&o);
    assert_non_null(c);
    simnet *net = cluster_net(c);
    poller *p = node_poller(cluster_node(c, 1));
    static uint8_t buf[WIRE_HEADROOM + 4096];
    uint8_t *d = buf + WIRE_HEADROOM;
    static uint8_t copy[4096];

    size_t len = make_ping(c, d, 2048, 2, 1, cluster_identity(c, 2));
    memcpy(copy, d, len);
    assert_int_equal(simnet_inject(net, cluster_addr(c, 2), cluster_addr(c, 1), copy, len), TSS_OK);
    settle(c);
    assert_int_equal(p->rx.val.ctr.accepted, 1);
    assert_int_equal(p->ctr.session_less, 1);

    /* replayed */
    assert_int_equal(simnet_inject(net, cluster_addr(c, 2), cluster_addr(c, 1), copy, len), TSS_OK);
    settle(c);
    assert_int_equal(p->rx.val.ctr.replay, 1);
    assert_int_equal(p->rx.val.ctr.accepted, 1);
    assert_metric(c, "tss_validator_total{result=\"replay\"} 1");

    /* bad signature (a fresh message whose signature is corrupted) */
    len = make_ping(c, d, 2048, 2, 2, cluster_identity(c, 2));
    memcpy(copy, d, len);
    copy[len - 1] ^= 0x40;
    assert_int_equal(simnet_inject(net, cluster_addr(c, 2), cluster_addr(c, 1), copy, len), TSS_OK);
    settle(c);
    assert_int_equal(p->rx.vs.ctr.invalid, 1);
    assert_metric(c, "tss_verify_invalid_total 1");

    /* signed by a key that is not the claimed sender's */
    len = make_ping(c, d, 2048, 2, 3, cluster_identity(c, 3));
    assert_int_equal(simnet_inject(net, cluster_addr(c, 2), cluster_addr(c, 1), d, len), TSS_OK);
    settle(c);
    assert_int_equal(p->rx.vs.ctr.invalid, 2);

    /* unknown sender index (no configured key) */
    tss_identity stranger;
    assert_int_equal(tss_identity_generate(&stranger), TSS_OK);
    len = make_ping(c, d, 2048, 9, 4, &stranger);
    assert_int_equal(simnet_inject(net, cluster_addr(c, 2), cluster_addr(c, 1), d, len), TSS_OK);
    settle(c);
    assert_int_equal(p->rx.ctr.no_key, 1);
    assert_metric(c, "tss_rx_no_key_total 1");

    /* oversized: a datagram longer than the largest envelope */
    len = make_ping(c, d, 2048, 2, 5, cluster_identity(c, 2));
    memset(copy, 0, sizeof copy);
    memcpy(copy, d, len);
    assert_int_equal(simnet_inject(net, cluster_addr(c, 2), cluster_addr(c, 1), copy, WIRE_MAX_DATAGRAM + 1), TSS_OK);
    settle(c);
    assert_int_equal(p->rx.wire.oversize, 1);
    assert_metric(c, "tss_wire_rejected_total{reason=\"oversize\"} 1");

    /* truncated: the first 50 bytes of a valid datagram */
    assert_int_equal(simnet_inject(net, cluster_addr(c, 2), cluster_addr(c, 1), copy, 50), TSS_OK);
    settle(c);
    assert_int_equal(p->rx.wire.truncated, 1);
    assert_metric(c, "tss_wire_rejected_total{reason=\"truncated\"} 1");

    /* a signed message addressed to another node */
    wire_header h;
    memset(&h, 0, sizeof h);
    h.type = WIRE_DKG_ROUND2;
    h.session_id = 77;
    h.sender = 2;
    h.recipient = 3;
    h.seq = 6;
    const uint8_t pl[4] = {0};
    assert_int_equal(wire_encode_fragment(d, 2048, &len, &h, pl, 4, 0, cluster_wall_ms(c),
                                          cluster_identity(c, 2)->secret_key),
                     TSS_OK);
    assert_int_equal(simnet_inject(net, cluster_addr(c, 2), cluster_addr(c, 1), d, len), TSS_OK);
    settle(c);
    assert_int_equal(p->rx.val.ctr.wrong_recipient, 1);

    /* Nothing hostile reached an engine. */
    assert_int_equal(node_engine(cluster_node(c, 1), 0)->ctr.msgs, 0);
    tss_identity_wipe(&stranger);
    cluster_destroy(c);
}

int main(void)
{
    if (tss_init() != TSS_OK) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hostile_packets),
        cmocka_unit_test(test_api_refusals),
        cmocka_unit_test(test_restart_keeps_key),
        cmocka_unit_test(test_2of3_dkg_and_signatures),
        cmocka_unit_test(test_3of5),
        cmocka_unit_test(test_7of10),
        cmocka_unit_test(test_loss_with_retries),
        cmocka_unit_test(test_offline_signer_replaced),
        cmocka_unit_test(test_offline_coordinator_handover),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
