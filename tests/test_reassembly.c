/* Reassembly: out-of-order and duplicate fragments, expiry, a full table, inconsistent fragments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sodium.h>

#include "dataplane/reassembly.h"
#include "dataplane/wire.h"
#include "test_support.h"
#include "tss/common.h"

#define DGRAM_CAP 1400

typedef struct fragset {
    unsigned n;
    uint8_t buf[WIRE_MAX_FRAGMENTS][WIRE_HEADROOM + DGRAM_CAP];
    wire_envelope env[WIRE_MAX_FRAGMENTS];
} fragset;

static uint8_t g_sk[64];

static void setup_key(void)
{
    uint8_t pk[32], seed[32];
    memset(seed, 7, sizeof seed);
    assert_int_equal(crypto_sign_seed_keypair(pk, g_sk, seed), 0);
}

/* Encodes and decodes every fragment of msg from `sender` with sequence `seq`. */
static void make_frags(fragset *fs, const uint8_t *msg, size_t msg_len, uint16_t sender, uint64_t seq)
{
    wire_header h;
    memset(&h, 0, sizeof h);
    h.type = WIRE_SIGN_PACKAGE;
    h.session_id = 77;
    h.seq = seq;
    h.sender = sender;
    h.recipient = WIRE_BROADCAST;
    fs->n = wire_fragment_count(msg_len);
    for (unsigned f = 0; f < fs->n; f++) {
        size_t len;
        uint8_t *d = fs->buf[f] + WIRE_HEADROOM;
        assert_int_equal(wire_encode_fragment(d, DGRAM_CAP, &len, &h, msg, msg_len, f, 1, g_sk), TSS_OK);
        assert_int_equal(wire_decode(d, len, &fs->env[f], NULL), TSS_OK);
    }
}

typedef struct fixture {
    reasm r;
    void *mem;
    fragset *fs;
    uint8_t *msg;
} fixture;

static void fixture_init(fixture *fx, uint32_t slots, uint32_t max_len, uint64_t expiry)
{
    reasm_config cfg = {.slots = slots, .max_msg_len = max_len, .expiry_ms = expiry};
    size_t need = reasm_mem_size(&cfg);
    assert_true(need > 0);
    fx->mem = aligned_alloc(16, (need + 15) & ~(size_t)15);
    assert_non_null(fx->mem);
    assert_int_equal(reasm_init(&fx->r, &cfg, fx->mem, need), TSS_OK);
    fx->fs = malloc(sizeof *fx->fs);
    fx->msg = malloc(WIRE_MAX_MESSAGE);
    assert_non_null(fx->fs);
    assert_non_null(fx->msg);
    for (size_t i = 0; i < WIRE_MAX_MESSAGE; i++) fx->msg[i] = (uint8_t)(i * 31 + (i >> 9));
}

static void fixture_free(fixture *fx)
{
    free(fx->mem);
    free(fx->fs);
    free(fx->msg);
}

static void test_single_passthrough(void **state)
{
    (void)state;
    fixture fx;
    fixture_init(&fx, 4, 8192, 1000);
    make_frags(fx.fs, fx.msg, 500, 1, 1);
    reasm_msg out;
    assert_int_equal(reasm_add(&fx.r, &fx.fs->env[0], 0, &out), 1);
    assert_int_equal(out.len, 500);
    assert_int_equal(out.slot, -1);
    assert_ptr_equal(out.data, fx.fs->env[0].payload);
    assert_int_equal(fx.r.ctr.single, 1);
    assert_int_equal(fx.r.used, 0);
    fixture_free(&fx);
}

static void test_out_of_order_and_duplicates(void **state)
{
    (void)state;
    fixture fx;
    fixture_init(&fx, 4, 8192, 1000);
    size_t len = 3 * WIRE_MAX_PAYLOAD + 321; /* 4 fragments */
    make_frags(fx.fs, fx.msg, len, 2, 9);
    assert_int_equal(fx.fs->n, 4);
    static const unsigned order[] = {3, 1, 1, 3, 0};
    reasm_msg out;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
        assert_int_equal(reasm_add(&fx.r, &fx.fs->env[order[i]], 10, &out), 0);
    assert_int_equal(fx.r.ctr.duplicates, 2);
    assert_int_equal(fx.r.ctr.fragments, 3);
    assert_int_equal(fx.r.used, 1);
    assert_int_equal(reasm_add(&fx.r, &fx.fs->env[2], 11, &out), 1);
    assert_int_equal(out.len, len);
    assert_memory_equal(out.data, fx.msg, len);
    assert_true(out.hdr.seq == 9);
    assert_int_equal(out.hdr.sender, 2);
    assert_int_equal(fx.r.ctr.completed, 1);
    /* A late duplicate while the message is held is ignored, not a new message. */
    reasm_msg again;
    assert_int_equal(reasm_add(&fx.r, &fx.fs->env[1], 12, &again), 0);
    assert_int_equal(fx.r.ctr.duplicates, 3);
    reasm_release(&fx.r, &out);
    assert_int_equal(fx.r.used, 0);

    /* Interleaved messages from two senders with the same seq land in separate slots. */
    fragset *other = malloc(sizeof *other);
    assert_non_null(other);
    uint8_t *msg2 = malloc(len);
    assert_non_null(msg2);
    memset(msg2, 0xee, len);
    make_frags(other, msg2, len, 3, 9);
    int done = 0;
    for (unsigned f = 0; f < 4; f++) {
        reasm_msg m;
        int rc1 = reasm_add(&fx.r, &fx.fs->env[f], 20, &m);
        if (rc1 == 1) {
            assert_memory_equal(m.data, fx.msg, len);
            reasm_release(&fx.r, &m);
            done++;
        }
        int rc2 = reasm_add(&fx.r, &other->env[3 - f], 20, &m);
        if (rc2 == 1) {
            assert_memory_equal(m.data, msg2, len);
            reasm_release(&fx.r, &m);
            done++;
        }
    }
    assert_int_equal(done, 2);
    assert_int_equal(fx.r.used, 0);
    free(other);
    free(msg2);
    fixture_free(&fx);
}

static void test_maximum_message(void **state)
{
    (void)state;
    fixture fx;
    fixture_init(&fx, 1, WIRE_MAX_MESSAGE, 1000);
    make_frags(fx.fs, fx.msg, WIRE_MAX_MESSAGE, 1, 1);
    assert_int_equal(fx.fs->n, WIRE_MAX_FRAGMENTS);
    reasm_msg out;
    for (unsigned f = WIRE_MAX_FRAGMENTS; f-- > 1;) assert_int_equal(reasm_add(&fx.r, &fx.fs->env[f], 0, &out), 0);
    assert_int_equal(reasm_add(&fx.r, &fx.fs->env[0], 0, &out), 1);
    assert_int_equal(out.len, WIRE_MAX_MESSAGE);
    assert_memory_equal(out.data, fx.msg, WIRE_MAX_MESSAGE);
    reasm_release(&fx.r, &out);
    fixture_free(&fx);
}

static void test_expiry(void **state)
{
    (void)state;
    fixture fx;
    fixture_init(&fx, 2, 4096, 500);
    make_frags(fx.fs, fx.msg, 2 * WIRE_MAX_PAYLOAD + 5, 1, 1);
    reasm_msg out;
    assert_int_equal(reasm_add(&fx.r, &fx.fs->env[0], 1000, &out), 0);
    assert_int_equal(reasm_add(&fx.r, &fx.fs->env[1], 1200, &out), 0);
    assert_int_equal(reasm_expire(&fx.r, 1499), 0);
    assert_int_equal(fx.r.used, 1);
    assert_int_equal(reasm_expire(&fx.r, 1500), 1);
    assert_int_equal(fx.r.ctr.expired, 1);
    assert_int_equal(fx.r.used, 0);
    /* The last fragment alone now starts a fresh partial message; it does not complete. */
    assert_int_equal(reasm_add(&fx.r, &fx.fs->env[2], 1600, &out), 0);
    assert_int_equal(fx.r.used, 1);
    /* A fragment for an expired-but-not-yet-swept slot restarts it. */
    assert_int_equal(reasm_add(&fx.r, &fx.fs->env[0], 2200, &out), 0);
    assert_int_equal(fx.r.ctr.expired, 2);
    assert_int_equal(fx.r.used, 1);
    assert_int_equal(reasm_add(&fx.r, &fx.fs->env[1], 2201, &out), 0);
    assert_int_equal(reasm_add(&fx.r, &fx.fs->env[2], 2202, &out), 1);
    assert_memory_equal(out.data, fx.msg, out.len);
    reasm_release(&fx.r, &out);
    fixture_free(&fx);
}

static void test_table_full(void **state)
{
    (void)state;
    fixture fx;
    fixture_init(&fx, 3, 4096, 1000);
    reasm_msg out;
    for (uint64_t seq = 1; seq <= 3; seq++) {
        make_frags(fx.fs, fx.msg, 2 * WIRE_MAX_PAYLOAD, 1, seq);
        assert_int_equal(reasm_add(&fx.r, &fx.fs->env[0], 100, &out), 0);
    }
    assert_int_equal(fx.r.used, 3);
    make_frags(fx.fs, fx.msg, 2 * WIRE_MAX_PAYLOAD, 1, 4);
    assert_int_equal(reasm_add(&fx.r, &fx.fs->env[0], 200, &out), TSS_ERR_CAPACITY);
    assert_int_equal(fx.r.ctr.table_full, 1);
    /* Existing partial messages still complete while the table is full. */
    make_frags(fx.fs, fx.msg, 2 * WIRE_MAX_PAYLOAD, 1, 2);
    assert_int_equal(reasm_add(&fx.r, &fx.fs->env[1], 200, &out), 1);
    reasm_release(&fx.r, &out);
    assert_int_equal(fx.r.used, 2);
    /* Once the others expire, a full table reclaims them for a new message. */
    make_frags(fx.fs, fx.msg, 2 * WIRE_MAX_PAYLOAD, 1, 5);
    assert_int_equal(reasm_add(&fx.r, &fx.fs->env[0], 200, &out), 0);
    make_frags(fx.fs, fx.msg, 2 * WIRE_MAX_PAYLOAD, 1, 6);
    assert_int_equal(reasm_add(&fx.r, &fx.fs->env[0], 300, &out), TSS_ERR_CAPACITY);
    assert_int_equal(fx.r.ctr.table_full, 2);
    assert_int_equal(reasm_add(&fx.r, &fx.fs->env[0], 1100, &out), 0);
    assert_int_equal(fx.r.ctr.expired, 2); /* seq 1 and 3 (first seen at 100) */
    fixture_free(&fx);
}

static void test_too_large_and_inconsistent(void **state)
{
    (void)state;
    fixture fx;
    fixture_init(&fx, 2, 2 * WIRE_MAX_PAYLOAD, 1000);
    reasm_msg out;
    make_frags(fx.fs, fx.msg, 2 * WIRE_MAX_PAYLOAD + 1, 1, 1);
    assert_int_equal(reasm_add(&fx.r, &fx.fs->env[0], 0, &out), TSS_ERR_CAPACITY);
    assert_int_equal(fx.r.ctr.too_large, 1);
    assert_int_equal(fx.r.used, 0);

    /* Same key (sender, session, type, seq), different total length: the second is inconsistent. */
    make_frags(fx.fs, fx.msg, 2 * WIRE_MAX_PAYLOAD, 1, 2);
    assert_int_equal(reasm_add(&fx.r, &fx.fs->env[0], 0, &out), 0);
    fragset *other = malloc(sizeof *other);
    assert_non_null(other);
    make_frags(other, fx.msg, WIRE_MAX_PAYLOAD + 10, 1, 2);
    assert_int_equal(reasm_add(&fx.r, &other->env[1], 0, &out), TSS_ERR_ENCODING);
    assert_int_equal(fx.r.ctr.inconsistent, 1);
    assert_int_equal(reasm_add(&fx.r, &fx.fs->env[1], 0, &out), 1);
    assert_memory_equal(out.data, fx.msg, 2 * WIRE_MAX_PAYLOAD);
    reasm_release(&fx.r, &out);
    free(other);
    fixture_free(&fx);
}

static void test_bad_config(void **state)
{
    (void)state;
    reasm_config cfg = {.slots = 0, .max_msg_len = 100, .expiry_ms = 1};
    assert_int_equal(reasm_mem_size(&cfg), 0);
    cfg.slots = 1;
    cfg.max_msg_len = WIRE_MAX_MESSAGE + 1;
    assert_int_equal(reasm_mem_size(&cfg), 0);
    cfg.max_msg_len = 100;
    reasm r;
    _Alignas(16) uint8_t mem[256];
    assert_int_equal(reasm_init(&r, &cfg, mem, 8), TSS_ERR_INVALID_ARG);
}

int main(void)
{
    if (tss_init() != TSS_OK) return 1;
    setup_key();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single_passthrough),
        cmocka_unit_test(test_out_of_order_and_duplicates),
        cmocka_unit_test(test_maximum_message),
        cmocka_unit_test(test_expiry),
        cmocka_unit_test(test_table_full),
        cmocka_unit_test(test_too_large_and_inconsistent),
        cmocka_unit_test(test_bad_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
