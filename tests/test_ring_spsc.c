/* SPSC ring: single-thread semantics (FIFO, full/empty, wraparound, bursts) and a two-thread stress test
 * that streams 10 million sequence numbers through a small ring and checks order and completeness. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <cmocka.h>

#include "dataplane/ring_spsc.h"
#include "test_support.h"

static ring_spsc *new_ring(size_t capacity, void **mem_out)
{
    size_t fp = ring_spsc_footprint(capacity);
    assert_true(fp > 0);
    void *mem = aligned_alloc(RING_SPSC_ALIGN, (fp + RING_SPSC_ALIGN - 1) / RING_SPSC_ALIGN * RING_SPSC_ALIGN);
    assert_non_null(mem);
    ring_spsc *r = ring_spsc_init(mem, capacity);
    assert_ptr_equal(r, mem);
    *mem_out = mem;
    return r;
}

static void *item(uintptr_t v)
{
    return (void *)v;
}

static void test_footprint_and_init(void **state)
{
    (void)state;
    assert_int_equal(ring_spsc_footprint(0), 0);
    assert_int_equal(ring_spsc_footprint(1), 0);
    assert_int_equal(ring_spsc_footprint(3), 0);
    assert_int_equal(ring_spsc_footprint(1000), 0);
    assert_int_equal(ring_spsc_footprint(RING_SPSC_CAPACITY_MAX * 2), 0);
    assert_true(ring_spsc_footprint(1024) >= 1024 * sizeof(void *));
    assert_true(ring_spsc_footprint(2) > 0);

    void *mem = aligned_alloc(64, 4096);
    assert_non_null(mem);
    assert_null(ring_spsc_init(NULL, 16));
    assert_null(ring_spsc_init(mem, 12));
    assert_null(ring_spsc_init((char *)mem + 8, 16)); /* misaligned */
    ring_spsc *r = ring_spsc_init(mem, 16);
    assert_non_null(r);
    assert_int_equal(ring_spsc_capacity(r), 16);
    assert_int_equal(ring_spsc_count(r), 0);
    free(mem);
}

static void test_fifo_full_empty(void **state)
{
    (void)state;
    void *mem;
    ring_spsc *r = new_ring(8, &mem);
    void *out = item(0xdead);
    assert_int_equal(ring_spsc_pop(r, &out), 0);
    assert_ptr_equal(out, item(0xdead)); /* untouched when empty */

    for (uintptr_t i = 1; i <= 8; i++) assert_int_equal(ring_spsc_push(r, item(i)), 1);
    assert_int_equal(ring_spsc_count(r), 8);
    assert_int_equal(ring_spsc_push(r, item(99)), 0); /* full: nothing enqueued */
    assert_int_equal(ring_spsc_count(r), 8);
    for (uintptr_t i = 1; i <= 8; i++) {
        assert_int_equal(ring_spsc_pop(r, &out), 1);
        assert_ptr_equal(out, item(i));
    }
    assert_int_equal(ring_spsc_pop(r, &out), 0);
    assert_int_equal(ring_spsc_count(r), 0);
    free(mem);
}

static void test_wraparound(void **state)
{
    (void)state;
    void *mem;
    ring_spsc *r = new_ring(4, &mem);
    uintptr_t next_in = 1, next_out = 1;
    void *out;
    /* many revolutions with the fill level varying between 0 and capacity */
    for (int round = 0; round < 10000; round++) {
        int pushes = round % 5, pops = (round * 7) % 5;
        for (int i = 0; i < pushes; i++) {
            int ok = ring_spsc_push(r, item(next_in));
            if (ok) next_in++;
            else assert_int_equal(ring_spsc_count(r), 4);
        }
        for (int i = 0; i < pops; i++) {
            if (ring_spsc_pop(r, &out)) {
                assert_ptr_equal(out, item(next_out));
                next_out++;
            } else {
                assert_int_equal(next_out, next_in);
            }
        }
        assert_int_equal(ring_spsc_count(r), next_in - next_out);
    }
    assert_true(next_out > 1000);
    free(mem);
}

static void test_bursts(void **state)
{
    (void)state;
    void *mem;
    ring_spsc *r = new_ring(16, &mem);
    void *in[40], *out[40];
    for (uintptr_t i = 0; i < 40; i++) in[i] = item(i + 1);

    assert_int_equal(ring_spsc_push_burst(r, in, 0), 0);
    assert_int_equal(ring_spsc_push_burst(r, in, 10), 10);
    assert_int_equal(ring_spsc_push_burst(r, in + 10, 10), 6); /* only 6 free */
    assert_int_equal(ring_spsc_push_burst(r, in + 16, 10), 0); /* full */
    assert_int_equal(ring_spsc_pop_burst(r, out, 0), 0);
    assert_int_equal(ring_spsc_pop_burst(r, out, 5), 5);
    for (int i = 0; i < 5; i++) assert_ptr_equal(out[i], in[i]);
    /* this burst wraps around the end of the slot array */
    assert_int_equal(ring_spsc_push_burst(r, in + 16, 10), 5);
    assert_int_equal(ring_spsc_pop_burst(r, out, 40), 16);
    for (int i = 0; i < 16; i++) assert_ptr_equal(out[i], in[5 + i]);
    assert_int_equal(ring_spsc_pop_burst(r, out, 40), 0);
    free(mem);
}

/* Two threads: the producer pushes 1..N in bursts of varying size, retrying on a full ring; the consumer
 * pops in bursts of varying size and checks that it sees exactly 1..N in order. */
#define STRESS_N 10000000ULL

typedef struct {
    ring_spsc *r;
    uint64_t full_retries;
    uint64_t errors;    /* out-of-order items seen by the consumer */
    uint64_t received;
    int timed_out;
    struct timespec deadline;
} stress_ctx;

static int past(const struct timespec *deadline)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec > deadline->tv_sec || (now.tv_sec == deadline->tv_sec && now.tv_nsec > deadline->tv_nsec);
}

static void *producer(void *arg)
{
    stress_ctx *c = arg;
    void *batch[64];
    uint64_t next = 1;
    unsigned burst = 1;
    while (next <= STRESS_N) {
        size_t n = burst;
        if (n > STRESS_N - next + 1) n = (size_t)(STRESS_N - next + 1);
        for (size_t i = 0; i < n; i++) batch[i] = item((uintptr_t)(next + i));
        size_t done = 0;
        while (done < n) {
            size_t k = n - done == 1 ? (size_t)ring_spsc_push(c->r, batch[done])
                                     : ring_spsc_push_burst(c->r, batch + done, n - done);
            if (k == 0) {
                /* yield now and then: on a busy 2-core machine the consumer may be waiting for this core */
                if ((++c->full_retries & 63) == 0) sched_yield();
                if ((c->full_retries & 0xffff) == 0 && past(&c->deadline)) return NULL;
            }
            done += k;
        }
        next += n;
        burst = burst % 64 + 1;
    }
    return NULL;
}

static void *consumer(void *arg)
{
    stress_ctx *c = arg;
    void *batch[64];
    uint64_t expect = 1;
    unsigned burst = 1;
    uint64_t empty = 0;
    while (expect <= STRESS_N) {
        size_t k;
        if (burst == 1) {
            k = (size_t)ring_spsc_pop(c->r, &batch[0]);
        } else {
            k = ring_spsc_pop_burst(c->r, batch, burst);
        }
        if (k == 0) {
            if ((++empty & 63) == 0) sched_yield();
            if ((empty & 0xffff) == 0 && past(&c->deadline)) {
                c->timed_out = 1;
                break;
            }
            continue;
        }
        for (size_t i = 0; i < k; i++) {
            if ((uintptr_t)batch[i] != expect) c->errors++;
            expect++;
        }
        c->received += k;
        burst = burst % 61 + 1;
    }
    return NULL;
}

static void test_two_thread_stress(void **state)
{
    (void)state;
    void *mem;
    stress_ctx c;
    memset(&c, 0, sizeof c);
    c.r = new_ring(256, &mem);
    clock_gettime(CLOCK_MONOTONIC, &c.deadline);
    c.deadline.tv_sec += 40;

    pthread_t p, q;
    assert_int_equal(pthread_create(&q, NULL, consumer, &c), 0);
    assert_int_equal(pthread_create(&p, NULL, producer, &c), 0);
    pthread_join(p, NULL);
    pthread_join(q, NULL);

    assert_int_equal(c.timed_out, 0);
    assert_int_equal(c.errors, 0);
    assert_int_equal(c.received, STRESS_N);
    assert_int_equal(ring_spsc_count(c.r), 0);
    free(mem);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_footprint_and_init),
        cmocka_unit_test(test_fifo_full_empty),
        cmocka_unit_test(test_wraparound),
        cmocka_unit_test(test_bursts),
        cmocka_unit_test(test_two_thread_stress),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
