/* Verify stage: mixed valid/invalid envelopes through batches; flush on size, on timeout and on
 * demand; results delivered in push order with the invalid ones counted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sodium.h>

#include "dataplane/wire.h"
#include "src/verify_stage.h"
#include "test_support.h"
#include "tss/common.h"

#define N_ENV 200
#define N_KEYS 5
#define CAP 1400

typedef struct corpus {
    uint8_t pk[N_KEYS][32];
    uint8_t sk[N_KEYS][64];
    uint8_t buf[N_ENV][WIRE_HEADROOM + CAP];
    wire_envelope env[N_ENV];
    const uint8_t *claimed_pk[N_ENV]; /* key of the sender index in the header */
    int expect_valid[N_ENV];
} corpus;

static corpus *g;

/* Builds N_ENV envelopes of assorted sizes; about a quarter are corrupted in different ways. */
static void build_corpus(void)
{
    g = malloc(sizeof *g);
    assert_non_null(g);
    for (int k = 0; k < N_KEYS; k++) {
        uint8_t seed[32];
        memset(seed, 0x10 + k, sizeof seed);
        assert_int_equal(crypto_sign_seed_keypair(g->pk[k], g->sk[k], seed), 0);
    }
    tv_rng r;
    tv_rng_seed(&r, 11);
    uint8_t msg[WIRE_MAX_PAYLOAD];
    for (int i = 0; i < N_ENV; i++) {
        int sender = (int)(tv_rng_next(&r) % N_KEYS);
        size_t len = (size_t)(tv_rng_next(&r) % 3 == 0 ? 1024 : 100);
        tv_rng_bytes(&r, msg, len);
        wire_header h;
        memset(&h, 0, sizeof h);
        h.type = WIRE_SIGN_SHARE;
        h.session_id = 5;
        h.seq = (uint64_t)i;
        h.sender = (uint16_t)sender;
        h.recipient = WIRE_BROADCAST;
        size_t dlen;
        uint8_t *d = g->buf[i] + WIRE_HEADROOM;
        int corrupt = (int)(tv_rng_next(&r) % 8);
        /* 5: signed by another node's key (claims `sender`) */
        const uint8_t *signer = corrupt == 5 ? g->sk[(sender + 1) % N_KEYS] : g->sk[sender];
        assert_int_equal(wire_encode_fragment(d, CAP, &dlen, &h, msg, len, 0, 1000 + (uint64_t)i, signer), TSS_OK);
        if (corrupt == 6) d[dlen - 1] ^= 0x40;                 /* signature bit flip (S) */
        if (corrupt == 7) d[WIRE_HEADER_LEN + len / 2] ^= 1;   /* payload changed after signing */
        assert_int_equal(wire_decode(d, dlen, &g->env[i], NULL), TSS_OK);
        g->claimed_pk[i] = g->pk[sender];
        g->expect_valid[i] = corrupt < 5;
    }
}

typedef struct sink {
    int order[N_ENV * 2];
    int valid[N_ENV * 2];
    int n;
} sink;

static void deliver(void *ctx, void *user, int valid)
{
    sink *s = ctx;
    s->order[s->n] = (int)(intptr_t)user;
    s->valid[s->n] = valid;
    s->n++;
}

static vs_item item_of(int i)
{
    vs_item it = {.sig = g->env[i].sig,
                  .msg = g->env[i].signed_msg,
                  .msg_len = g->env[i].signed_len,
                  .pk = g->claimed_pk[i],
                  .user = (void *)(intptr_t)i};
    return it;
}

static void *stage_new_backend(verify_stage *vs, uint32_t max_batch, uint64_t wait_us, sink *s, tss_backend b)
{
    vs_config cfg = {.max_batch = max_batch, .max_wait_us = wait_us, .deliver = deliver, .cb_ctx = s, .backend = b};
    size_t need = vs_mem_size(&cfg);
    assert_true(need > 0);
    void *mem = aligned_alloc(64, (need + 63) & ~(size_t)63);
    assert_non_null(mem);
    assert_int_equal(vs_init(vs, &cfg, mem, need), TSS_OK);
    assert_int_equal(vs->cfg.backend, b);
    return mem;
}

static void *stage_new(verify_stage *vs, uint32_t max_batch, uint64_t wait_us, sink *s)
{
    return stage_new_backend(vs, max_batch, wait_us, s, TSS_BACKEND_AUTO);
}

static void check_all_delivered(const sink *s, const verify_stage *vs)
{
    assert_int_equal(s->n, N_ENV);
    int invalid = 0;
    for (int i = 0; i < N_ENV; i++) {
        assert_int_equal(s->order[i], i);
        assert_int_equal(s->valid[i], g->expect_valid[i]);
        invalid += !g->expect_valid[i];
    }
    assert_true(invalid > 20 && invalid < 100);
    assert_int_equal(vs->ctr.invalid, invalid);
    assert_int_equal(vs->ctr.valid, N_ENV - invalid);
    assert_int_equal(vs->ctr.pushed, N_ENV);
}

static void test_mixed_batches(void **state)
{
    (void)state;
    static const uint32_t batch_sizes[] = {1, 2, 7, 32, 64, 256};
    for (size_t b = 0; b < sizeof batch_sizes / sizeof batch_sizes[0]; b++) {
        verify_stage vs;
        sink s;
        memset(&s, 0, sizeof s);
        void *mem = stage_new(&vs, batch_sizes[b], 1000, &s);
        for (int i = 0; i < N_ENV; i++) {
            vs_item it = item_of(i);
            assert_int_equal(vs_push(&vs, &it, 0), TSS_OK);
            assert_true(vs_pending(&vs) < batch_sizes[b]);
        }
        vs_flush(&vs);
        assert_int_equal(vs_pending(&vs), 0);
        check_all_delivered(&s, &vs);
        assert_int_equal(vs.ctr.flush_full, N_ENV / batch_sizes[b]);
        assert_int_equal(vs.ctr.batches, (N_ENV + batch_sizes[b] - 1) / batch_sizes[b]);
        free(mem);
    }
}

/* vs_config.backend: every backend this machine runs (the others fall back) gives the expected verdicts, for
 * single verification and for batches on both sides of the Straus/Pippenger switch. */
static void test_backends(void **state)
{
    (void)state;
    static const uint32_t batch_sizes[] = {1, 5, 64, 300};
    for (int b = TSS_BACKEND_AUTO; b < TSS_BACKEND_COUNT; b++) {
        for (size_t k = 0; k < sizeof batch_sizes / sizeof batch_sizes[0]; k++) {
            verify_stage vs;
            sink s;
            memset(&s, 0, sizeof s);
            void *mem = stage_new_backend(&vs, batch_sizes[k], 1000, &s, (tss_backend)b);
            for (int i = 0; i < N_ENV; i++) {
                vs_item it = item_of(i);
                assert_int_equal(vs_push(&vs, &it, 0), TSS_OK);
            }
            vs_flush(&vs);
            check_all_delivered(&s, &vs);
            free(mem);
        }
    }
}

static void test_all_valid_and_all_invalid(void **state)
{
    (void)state;
    verify_stage vs;
    sink s;
    memset(&s, 0, sizeof s);
    void *mem = stage_new(&vs, 64, 1000, &s);
    int pushed = 0;
    for (int i = 0; i < N_ENV && pushed < 40; i++) {
        if (!g->expect_valid[i]) continue;
        vs_item it = item_of(i);
        assert_int_equal(vs_push(&vs, &it, 0), TSS_OK);
        pushed++;
    }
    assert_int_equal(vs_flush(&vs), 40);
    assert_int_equal(vs.ctr.batches_failed, 0);
    assert_int_equal(vs.ctr.valid, 40);
    for (int i = 0; i < 40; i++) assert_true(s.valid[i]);

    /* A batch of only forgeries: every one is reported invalid. */
    memset(&s, 0, sizeof s);
    pushed = 0;
    for (int i = 0; i < N_ENV && pushed < 10; i++) {
        if (g->expect_valid[i]) continue;
        vs_item it = item_of(i);
        assert_int_equal(vs_push(&vs, &it, 0), TSS_OK);
        pushed++;
    }
    assert_int_equal(vs_flush(&vs), 10);
    for (int i = 0; i < 10; i++) assert_false(s.valid[i]);
    assert_int_equal(vs.ctr.invalid, 10);
    assert_int_equal(vs.ctr.batches_failed, 1);
    free(mem);
}

static void test_timeout_flush(void **state)
{
    (void)state;
    verify_stage vs;
    sink s;
    memset(&s, 0, sizeof s);
    void *mem = stage_new(&vs, 64, 500, &s);
    assert_true(vs_deadline_us(&vs) == UINT64_MAX);
    vs_item it = item_of(0);
    assert_int_equal(vs_push(&vs, &it, 10000), TSS_OK);
    it = item_of(1);
    assert_int_equal(vs_push(&vs, &it, 10300), TSS_OK);
    assert_true(vs_deadline_us(&vs) == 10500);
    assert_int_equal(vs_poll(&vs, 10499), 0);
    assert_int_equal(s.n, 0);
    assert_int_equal(vs_poll(&vs, 10500), 2);
    assert_int_equal(s.n, 2);
    assert_int_equal(vs.ctr.flush_timeout, 1);
    /* The next batch's clock starts at its own first item. */
    it = item_of(2);
    assert_int_equal(vs_push(&vs, &it, 20000), TSS_OK);
    assert_int_equal(vs_poll(&vs, 20499), 0);
    assert_int_equal(vs_poll(&vs, 21000), 1);
    assert_int_equal(vs_poll(&vs, 30000), 0);
    assert_int_equal(s.order[2], 2);
    assert_int_equal(s.valid[2], g->expect_valid[2]);
    /* Bad items are refused without being queued. */
    vs_item bad = item_of(3);
    bad.sig = NULL;
    assert_int_equal(vs_push(&vs, &bad, 0), TSS_ERR_INVALID_ARG);
    assert_int_equal(vs_pending(&vs), 0);
    free(mem);
}

/* A deliver callback may not feed the stage it is called from: the push is refused, the batch
 * being delivered stays intact. */
typedef struct chain {
    verify_stage *vs;
    sink s;
    int refused;
} chain;

static void deliver_and_push(void *ctx, void *user, int valid)
{
    chain *c = ctx;
    deliver(&c->s, user, valid);
    vs_item it = item_of(0);
    if (vs_push(c->vs, &it, 0) == TSS_ERR_STATE) c->refused++;
    assert_int_equal(vs_flush(c->vs), 0);
}

static void test_reentrant_push(void **state)
{
    (void)state;
    verify_stage vs;
    chain c;
    memset(&c, 0, sizeof c);
    c.vs = &vs;
    vs_config cfg = {.max_batch = 8, .max_wait_us = 100, .deliver = deliver_and_push, .cb_ctx = &c};
    size_t need = vs_mem_size(&cfg);
    void *mem = aligned_alloc(64, (need + 63) & ~(size_t)63);
    assert_int_equal(vs_init(&vs, &cfg, mem, need), TSS_OK);
    for (int i = 0; i < N_ENV; i++) {
        vs_item it = item_of(i);
        assert_int_equal(vs_push(&vs, &it, 0), TSS_OK);
    }
    vs_flush(&vs);
    check_all_delivered(&c.s, &vs);
    assert_int_equal(c.refused, N_ENV);
    free(mem);
}

static void test_config(void **state)
{
    (void)state;
    sink s;
    vs_config cfg = {.max_batch = 0, .max_wait_us = 1, .deliver = deliver, .cb_ctx = &s};
    assert_int_equal(vs_mem_size(&cfg), 0);
    cfg.max_batch = VS_MAX_BATCH + 1;
    assert_int_equal(vs_mem_size(&cfg), 0);
    cfg.max_batch = 4;
    cfg.backend = TSS_BACKEND_COUNT;
    assert_int_equal(vs_mem_size(&cfg), 0);
    cfg.backend = TSS_BACKEND_REF;
    assert_true(vs_mem_size(&cfg) > 0);
    cfg.deliver = NULL;
    assert_int_equal(vs_mem_size(&cfg), 0);
}

int main(void)
{
    if (tss_init() != TSS_OK) return 1;
    build_corpus();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mixed_batches),
        cmocka_unit_test(test_backends),
        cmocka_unit_test(test_all_valid_and_all_invalid),
        cmocka_unit_test(test_timeout_flush),
        cmocka_unit_test(test_reentrant_push),
        cmocka_unit_test(test_config),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(g);
    return rc;
}
