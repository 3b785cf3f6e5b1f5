/* dataplane/link: a buffer pool with a forward and a return ring between two tiles. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dataplane/link.h"
#include "tss/common.h"

static void test_config_checked(void **state)
{
    (void)state;
    dp_link l;
    assert_int_equal(dp_link_init(&l, &(dp_link_config){.depth = 3, .held = 0, .buf_size = 8}), TSS_ERR_INVALID_ARG);
    assert_int_equal(dp_link_init(&l, &(dp_link_config){.depth = 1, .held = 4, .buf_size = 8}), TSS_ERR_INVALID_ARG);
    assert_int_equal(dp_link_init(&l, &(dp_link_config){.depth = 4, .held = 0, .buf_size = 0}), TSS_ERR_INVALID_ARG);
    assert_int_equal(dp_link_init(&l, NULL), TSS_ERR_INVALID_ARG);
    assert_int_equal(dp_link_init(NULL, &(dp_link_config){.depth = 4, .buf_size = 8}), TSS_ERR_INVALID_ARG);
}

/* depth 4 + held 2: six buffers; the ring takes four, so the consumer must hold two to drain the pool. */
static void test_pool_ring_and_returns(void **state)
{
    (void)state;
    dp_link l;
    assert_int_equal(dp_link_init(&l, &(dp_link_config){.depth = 4, .held = 2, .buf_size = 100}), TSS_OK);
    assert_int_equal(l.n_bufs, 6);
    assert_true(l.buf_size >= 100);
    void *b[8];
    for (int i = 0; i < 4; i++) {
        b[i] = dp_link_acquire(&l);
        assert_non_null(b[i]);
        memset(b[i], i + 1, 100);
        assert_int_equal(dp_link_send(&l, b[i]), 1);
    }
    assert_int_equal(dp_link_backlog(&l), 4);
    /* Ring full: the fifth buffer is refused and is free again. */
    b[4] = dp_link_acquire(&l);
    assert_non_null(b[4]);
    assert_int_equal(dp_link_send(&l, b[4]), 0);
    assert_int_equal(l.n_free, 2);
    /* The consumer takes them in order and holds two (as an engine's pending buffer does). */
    void *got[8];
    assert_int_equal(dp_link_recv_burst(&l, got, 8), 4);
    for (int i = 0; i < 4; i++) {
        assert_ptr_equal(got[i], b[i]);
        assert_int_equal(((uint8_t *)got[i])[99], i + 1);
    }
    assert_int_equal(dp_link_recv_burst(&l, got + 4, 4), 0);
    dp_link_release(&l, got[0]);
    dp_link_release(&l, got[1]);
    /* The producer drains the pool: two free plus two returned, then nothing. */
    void *more[5];
    for (int i = 0; i < 4; i++) {
        more[i] = dp_link_acquire(&l);
        assert_non_null(more[i]);
    }
    assert_null(dp_link_acquire(&l));
    for (int i = 0; i < 4; i++) assert_int_equal(dp_link_send(&l, more[i]), 1);
    /* Everything comes back: the return ring holds the whole pool. */
    dp_link_release(&l, got[2]);
    dp_link_release(&l, got[3]);
    assert_int_equal(dp_link_recv_burst(&l, got, 8), 4);
    for (int i = 0; i < 4; i++) dp_link_release(&l, got[i]);
    assert_int_equal(dp_link_reclaim(&l), 6);
    assert_int_equal(l.n_free, 6);
    assert_int_equal(dp_link_reclaim(&l), 0);
    dp_link_destroy(&l);
    assert_null(l.bufs);
}

#define N_MSGS 200000u

typedef struct {
    dp_link *l;
    uint64_t received, out_of_order;
} consumer_arg;

static void *consumer(void *p)
{
    consumer_arg *c = p;
    uint64_t next = 0;
    void *got[32];
    while (next < N_MSGS) {
        size_t n = dp_link_recv_burst(c->l, got, 32);
        for (size_t i = 0; i < n; i++) {
            uint64_t v;
            memcpy(&v, got[i], sizeof v);
            if (v != next) c->out_of_order++;
            next++;
            dp_link_release(c->l, got[i]);
        }
        c->received += n;
    }
    return NULL;
}

/* Two threads: every message arrives once, in order, and every buffer comes back. */
static void test_two_threads(void **state)
{
    (void)state;
    dp_link l;
    assert_int_equal(dp_link_init(&l, &(dp_link_config){.depth = 64, .held = 16, .buf_size = 64}), TSS_OK);
    consumer_arg c = {&l, 0, 0};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, consumer, &c), 0);
    for (uint64_t i = 0; i < N_MSGS;) {
        void *b = dp_link_acquire(&l);
        if (b == NULL) continue;
        memcpy(b, &i, sizeof i);
        if (dp_link_send(&l, b)) i++;
    }
    pthread_join(t, NULL);
    assert_int_equal(c.received, N_MSGS);
    assert_int_equal(c.out_of_order, 0);
    dp_link_reclaim(&l);
    assert_int_equal(l.n_free, l.n_bufs);
    dp_link_destroy(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_checked),
        cmocka_unit_test(test_pool_ring_and_returns),
        cmocka_unit_test(test_two_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
