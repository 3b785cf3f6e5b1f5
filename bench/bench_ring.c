/* SPSC ring throughput: single thread (push then pop, hot cache) and across two threads (the real use:
 * an RX core feeding an engine core), for single-item and burst operations. */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>

#include "bench.h"
#include "dataplane/ring_spsc.h"

#define RING_CAP 1024
#define BURST_MAX 64

static ring_spsc *make_ring(void **mem)
{
    size_t fp = ring_spsc_footprint(RING_CAP);
    *mem = aligned_alloc(RING_SPSC_ALIGN, (fp + RING_SPSC_ALIGN - 1) / RING_SPSC_ALIGN * RING_SPSC_ALIGN);
    return *mem ? ring_spsc_init(*mem, RING_CAP) : NULL;
}

static void bm_single_thread(bench_state *st, void *arg)
{
    (void)arg;
    size_t burst = (size_t)bench_arg(st);
    void *mem;
    ring_spsc *r = make_ring(&mem);
    if (r == NULL) {
        bench_skip(st, "no memory");
        return;
    }
    void *in[BURST_MAX], *out[BURST_MAX];
    for (size_t i = 0; i < BURST_MAX; i++) in[i] = (void *)(uintptr_t)(i + 1);
    while (bench_keep_running(st)) {
        if (burst == 1) {
            for (int i = 0; i < 32; i++) ring_spsc_push(r, in[i]);
            for (int i = 0; i < 32; i++) ring_spsc_pop(r, &out[i]);
        } else {
            for (size_t done = 0; done < 32;) done += ring_spsc_push_burst(r, in, burst < 32 - done ? burst : 32 - done);
            for (size_t done = 0; done < 32;) done += ring_spsc_pop_burst(r, out, burst < 32 - done ? burst : 32 - done);
        }
        bench_do_not_optimize(out);
    }
    bench_set_items(st, bench_iterations(st) * 32);
    free(mem);
}

#define XFER_ITEMS 4000000ULL

typedef struct {
    ring_spsc *r;
    size_t burst;
} xfer;

static void *producer(void *arg)
{
    xfer *x = arg;
    void *in[BURST_MAX];
    uint64_t next = 1;
    unsigned spins = 0;
    while (next <= XFER_ITEMS) {
        size_t n = x->burst;
        if (n > XFER_ITEMS - next + 1) n = (size_t)(XFER_ITEMS - next + 1);
        for (size_t i = 0; i < n; i++) in[i] = (void *)(uintptr_t)(next + i);
        size_t k = n == 1 ? (size_t)ring_spsc_push(x->r, in[0]) : ring_spsc_push_burst(x->r, in, n);
        /* full: spin a while, then yield (on a busy 2-core machine the consumer may need this core) */
        if (k == 0 && ++spins == 4096) {
            spins = 0;
            sched_yield();
        }
        next += k;
    }
    return NULL;
}

/* One iteration moves XFER_ITEMS from a producer thread to this (consumer) thread. */
static void bm_cross_thread(bench_state *st, void *arg)
{
    (void)arg;
    xfer x;
    void *mem;
    x.r = make_ring(&mem);
    x.burst = (size_t)bench_arg(st);
    if (x.r == NULL) {
        bench_skip(st, "no memory");
        return;
    }
    void *out[BURST_MAX];
    uint64_t bad = 0;
    while (bench_keep_running(st)) {
        pthread_t p;
        if (pthread_create(&p, NULL, producer, &x) != 0) {
            bench_skip(st, "pthread_create failed");
            break;
        }
        uint64_t expect = 1;
        unsigned spins = 0;
        while (expect <= XFER_ITEMS) {
            size_t k = x.burst == 1 ? (size_t)ring_spsc_pop(x.r, &out[0]) : ring_spsc_pop_burst(x.r, out, x.burst);
            if (k == 0) {
                if (++spins == 4096) {
                    spins = 0;
                    sched_yield();
                }
                continue;
            }
            for (size_t i = 0; i < k; i++) bad += (uintptr_t)out[i] != expect + i;
            expect += k;
        }
        pthread_join(p, NULL);
    }
    if (bad) bench_skip(st, "items out of order");
    bench_set_items(st, bench_iterations(st) * (int64_t)XFER_ITEMS);
    free(mem);
}

int main(int argc, char **argv)
{
    bench_register("ring_1thread/single", bm_single_thread, NULL, 1);
    bench_register("ring_1thread/burst8", bm_single_thread, NULL, 8);
    bench_register("ring_1thread/burst32", bm_single_thread, NULL, 32);
    bench_register_iters("ring_2thread/single", bm_cross_thread, NULL, 1, 3);
    bench_register_iters("ring_2thread/burst8", bm_cross_thread, NULL, 8, 3);
    bench_register_iters("ring_2thread/burst32", bm_cross_thread, NULL, 32, 3);
    int rc = bench_run(&argc, argv);
    bench_print_ratio("ring_1thread/burst32", "ring_1thread/single");
    bench_print_ratio("ring_2thread/burst32", "ring_2thread/single");
    return rc;
}
