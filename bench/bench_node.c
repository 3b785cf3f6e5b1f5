/* Node benchmarks, everything in this process on one core (tests/cluster_harness.h over the simulated
 * network with zero delay and the real clock):
 *   node/rx_to_engine       messages per second through rx -> decode -> batch verify -> validator ->
 *                           dispatch ring -> engine, for signed 200-byte messages injected into one node;
 *   node/sign_latency/T/N   one signature at a time (DKG done before): p50/p99 latency counters;
 *   node/sign_throughput/T/N  16 signing sessions in flight: signatures per second.
 * Stores live on /dev/shm when available (finished sessions are synchronous store writes). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "dataplane/wire.h"
#include "tests/cluster_harness.h"

static const uint16_t ALL[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#define RX_BATCH 256

static void bm_rx_to_engine(bench_state *st, void *arg)
{
    (void)arg;
    cluster_options o = {.n = 3, .seed = 1, .real_clock = 1};
    cluster *c = cluster_create(&o);
    if (c == NULL) {
        bench_skip(st, "cluster");
        return;
    }
    static uint8_t bufs[RX_BATCH][WIRE_HEADROOM + 1400];
    size_t lens[RX_BATCH];
    uint8_t payload[200];
    memset(payload, 0xab, sizeof payload);
    engine *e = node_engine(cluster_node(c, 1), 0);
    uint64_t seq = 1;
    int64_t total = 0;
    while (bench_keep_running(st)) {
        bench_pause(st);
        for (int i = 0; i < RX_BATCH; i++) {
            wire_header h;
            memset(&h, 0, sizeof h);
            h.type = WIRE_SIGN_COMMITMENTS;
            h.session_id = 0x1000 + (seq % 4096);
            h.seq = seq++;
            h.sender = 2;
            h.recipient = 1;
            wire_encode_fragment(bufs[i] + WIRE_HEADROOM, 1400, &lens[i], &h, payload, sizeof payload, 0,
                                 cluster_wall_ms(c), cluster_identity(c, 2)->secret_key);
        }
        uint64_t before = e->ctr.msgs;
        bench_resume(st);
        for (int i = 0; i < RX_BATCH; i++)
            simnet_inject(cluster_net(c), cluster_addr(c, 2), cluster_addr(c, 1), bufs[i] + WIRE_HEADROOM, lens[i]);
        while (e->ctr.msgs - before < RX_BATCH) {
            if (node_step(cluster_node(c, 1)) == 0 && simnet_in_flight(cluster_net(c)) == 0 &&
                e->ctr.msgs - before < RX_BATCH && node_poller(cluster_node(c, 1))->rx.vs.n == 0)
                break; /* something was dropped: do not spin */
        }
        total += (int64_t)(e->ctr.msgs - before);
    }
    bench_set_items(st, total);
    bench_counter(st, "verify_batches", (double)node_poller(cluster_node(c, 1))->rx.vs.ctr.batches);
    cluster_destroy(c);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Starts one signing session on every node; returns 0 when queued. */
static int start_sign(cluster *c, uint16_t n, uint64_t sid)
{
    char m[32];
    int len = snprintf(m, sizeof m, "bench %llu", (unsigned long long)sid);
    for (uint16_t i = 1; i <= n; i++)
        if (cluster_start_sign(c, i, sid, 0x77, (const uint8_t *)m, (size_t)len, NULL, 0) != TSS_OK) return -1;
    return 0;
}

static int all_done(cluster *c, uint16_t n, uint64_t sid)
{
    tss_api_session_info *info = cluster_info(c);
    for (uint16_t i = 1; i <= n; i++) {
        if (cluster_session(c, i, sid, info) != TSS_OK) return 0;
        if (info->state == TSS_API_STATE_FAILED) return -1;
        if (info->state != TSS_API_STATE_DONE) return 0;
    }
    return 1;
}

static cluster *signing_cluster(uint16_t n, uint16_t t)
{
    cluster_options o = {.n = n, .seed = 3, .real_clock = 1};
    cluster *c = cluster_create(&o);
    if (c == NULL) return NULL;
    for (uint16_t i = 1; i <= n; i++)
        if (cluster_start_dkg(c, i, 0x77, ALL, n, t) != TSS_OK) {
            cluster_destroy(c);
            return NULL;
        }
    if (cluster_wait(c, 0x77, ALL, n, 60000) != n) {
        cluster_destroy(c);
        return NULL;
    }
    return c;
}

static void bm_sign_latency(bench_state *st, void *arg)
{
    (void)arg;
    uint16_t t = (uint16_t)(bench_arg(st) / 100), n = (uint16_t)(bench_arg(st) % 100);
    cluster *c = signing_cluster(n, t);
    if (c == NULL) {
        bench_skip(st, "dkg failed");
        return;
    }
    uint64_t lat[4096];
    size_t nl = 0;
    uint64_t sid = 0x100000;
    while (bench_keep_running(st)) {
        uint64_t t0 = mono_ns();
        if (start_sign(c, n, sid) != 0) break;
        int d;
        while ((d = all_done(c, n, sid)) == 0)
            for (int s = 0; s < 4; s++) cluster_step(c);
        if (d < 0) {
            bench_skip(st, "signing failed");
            break;
        }
        if (nl < 4096) lat[nl++] = mono_ns() - t0;
        sid++;
    }
    if (nl > 0) {
        qsort(lat, nl, sizeof lat[0], cmp_u64);
        bench_counter(st, "p50_us", (double)lat[nl / 2] / 1000.0);
        bench_counter(st, "p99_us", (double)lat[(nl * 99) / 100] / 1000.0);
    }
    bench_set_items(st, bench_iterations(st));
    cluster_destroy(c);
}

#define WINDOW 16

static void bm_sign_throughput(bench_state *st, void *arg)
{
    (void)arg;
    uint16_t t = (uint16_t)(bench_arg(st) / 100), n = (uint16_t)(bench_arg(st) % 100);
    cluster *c = signing_cluster(n, t);
    if (c == NULL) {
        bench_skip(st, "dkg failed");
        return;
    }
    uint64_t sid = 0x200000;
    int64_t signed_total = 0;
    while (bench_keep_running(st)) {
        uint64_t inflight[WINDOW];
        for (int k = 0; k < WINDOW; k++) {
            inflight[k] = sid++;
            if (start_sign(c, n, inflight[k]) != 0) {
                bench_skip(st, "start refused");
                cluster_destroy(c);
                return;
            }
        }
        int left = WINDOW;
        while (left > 0) {
            for (int s = 0; s < 8; s++) cluster_step(c);
            left = 0;
            for (int k = 0; k < WINDOW; k++) {
                int d = all_done(c, n, inflight[k]);
                if (d < 0) {
                    bench_skip(st, "signing failed");
                    cluster_destroy(c);
                    return;
                }
                left += d == 0;
            }
        }
        signed_total += WINDOW;
    }
    bench_set_items(st, signed_total);
    cluster_destroy(c);
}

int main(int argc, char **argv)
{
    if (tss_init() != TSS_OK) return 1;
    bench_register("node/rx_to_engine", bm_rx_to_engine, NULL, 0);
    bench_register("node/sign_latency/2of3", bm_sign_latency, NULL, 203);
    bench_register("node/sign_latency/7of10", bm_sign_latency, NULL, 710);
    bench_register("node/sign_throughput/2of3", bm_sign_throughput, NULL, 203);
    bench_register("node/sign_throughput/7of10", bm_sign_throughput, NULL, 710);
    return bench_run(&argc, argv);
}
