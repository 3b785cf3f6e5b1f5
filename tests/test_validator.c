/* Validator: every rejection (replay, stale, window, rate limit, not-a-member, wrong recipient,
 * size, unknown sender, from self) with its own counter; accepted envelopes are recorded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dataplane/wire.h"
#include "src/validator.h"
#include "test_support.h"
#include "tss/common.h"

#define SELF 1
#define NOW 1700000000000u

typedef struct fixture {
    validator v;
    void *mem;
    uint64_t banned_session; /* membership callback: sender 4 is not in this session */
} fixture;

static int member(void *ctx, uint64_t session, uint16_t sender, uint8_t type)
{
    const fixture *fx = ctx;
    (void)type;
    return !(session == fx->banned_session && sender == 4);
}

static void fx_init(fixture *fx, uint32_t replay, uint32_t rate, uint32_t burst)
{
    validator_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.self_index = SELF;
    cfg.n_peers = 6;
    cfg.max_skew_ms = 30000;
    cfg.replay_per_peer = replay;
    cfg.rate_per_sec = rate;
    cfg.rate_burst = burst;
    cfg.max_message_len = 4096;
    cfg.max_len_by_type[WIRE_PING] = 64;
    cfg.is_member = member;
    cfg.member_ctx = fx;
    fx->banned_session = 99;
    size_t need = validator_mem_size(&cfg);
    assert_true(need > 0);
    fx->mem = aligned_alloc(16, (need + 15) & ~(size_t)15);
    assert_non_null(fx->mem);
    assert_int_equal(validator_init(&fx->v, &cfg, fx->mem, need), TSS_OK);
}

static wire_envelope env_of(uint16_t sender, uint64_t session, uint64_t seq, uint64_t ts)
{
    wire_envelope e;
    memset(&e, 0, sizeof e);
    e.hdr.version = WIRE_VERSION;
    e.hdr.type = WIRE_SIGN_COMMITMENTS;
    e.hdr.round = 1;
    e.hdr.session_id = session;
    e.hdr.seq = seq;
    e.hdr.sender = sender;
    e.hdr.recipient = WIRE_BROADCAST;
    e.hdr.frag_count = 1;
    e.hdr.payload_len = 10;
    e.hdr.total_len = 10;
    e.timestamp_ms = ts;
    return e;
}

static uint64_t total(const validator_counters *c)
{
    return c->accepted + c->unknown_sender + c->from_self + c->wrong_recipient + c->too_large + c->too_old +
           c->too_new + c->not_member + c->replay + c->stale + c->rate_limited;
}

static void test_each_rejection(void **state)
{
    (void)state;
    fixture fx;
    fx_init(&fx, 64, 0, 0);
    validator *v = &fx.v;
    wire_envelope e = env_of(2, 7, 1, NOW);
    assert_int_equal(validator_check(v, &e, NOW), VALIDATOR_OK);
    assert_int_equal(v->ctr.accepted, 1);

    assert_int_equal(validator_check(v, &e, NOW + 5), VALIDATOR_REPLAY);
    assert_int_equal(v->ctr.replay, 1);

    e = env_of(6, 7, 1, NOW);
    assert_int_equal(validator_check(v, &e, NOW), VALIDATOR_UNKNOWN_SENDER);
    assert_int_equal(v->ctr.unknown_sender, 1);

    e = env_of(SELF, 7, 1, NOW);
    assert_int_equal(validator_check(v, &e, NOW), VALIDATOR_FROM_SELF);
    assert_int_equal(v->ctr.from_self, 1);

    e = env_of(2, 7, 2, NOW);
    e.hdr.type = WIRE_DKG_ROUND2;
    e.hdr.recipient = 3;
    assert_int_equal(validator_check(v, &e, NOW), VALIDATOR_WRONG_RECIPIENT);
    assert_int_equal(v->ctr.wrong_recipient, 1);
    e.hdr.recipient = SELF;
    assert_int_equal(validator_check(v, &e, NOW), VALIDATOR_OK);

    e = env_of(2, 7, 3, NOW);
    e.hdr.total_len = 4097;
    e.hdr.frag_count = 4;
    assert_int_equal(validator_check(v, &e, NOW), VALIDATOR_TOO_LARGE);
    e.hdr.total_len = 4096;
    assert_int_equal(validator_check(v, &e, NOW), VALIDATOR_OK);
    e = env_of(2, 0, 4, NOW);
    e.hdr.type = WIRE_PING; /* per-type limit 64 */
    e.hdr.total_len = 65;
    assert_int_equal(validator_check(v, &e, NOW), VALIDATOR_TOO_LARGE);
    assert_int_equal(v->ctr.too_large, 2);

    e = env_of(2, 7, 5, NOW - 30001);
    assert_int_equal(validator_check(v, &e, NOW), VALIDATOR_TOO_OLD);
    e.timestamp_ms = NOW - 30000;
    assert_int_equal(validator_check(v, &e, NOW), VALIDATOR_OK);
    e = env_of(2, 7, 6, NOW + 30001);
    assert_int_equal(validator_check(v, &e, NOW), VALIDATOR_TOO_NEW);
    e.timestamp_ms = NOW + 30000;
    assert_int_equal(validator_check(v, &e, NOW), VALIDATOR_OK);
    assert_int_equal(v->ctr.too_old, 1);
    assert_int_equal(v->ctr.too_new, 1);

    e = env_of(4, 99, 1, NOW);
    assert_int_equal(validator_check(v, &e, NOW), VALIDATOR_NOT_MEMBER);
    e.hdr.session_id = 98;
    assert_int_equal(validator_check(v, &e, NOW), VALIDATOR_OK);
    assert_int_equal(v->ctr.not_member, 1);

    assert_int_equal(v->ctr.accepted, 6);
    assert_int_equal(total(&v->ctr), 15);
    assert_string_equal(validator_result_name(VALIDATOR_STALE), "stale");
    free(fx.mem);
}

static void test_replay_fingerprint_fields(void **state)
{
    (void)state;
    fixture fx;
    fx_init(&fx, 64, 0, 0);
    validator *v = &fx.v;
    wire_envelope base = env_of(3, 10, 100, NOW);
    assert_int_equal(validator_check(v, &base, NOW), VALIDATOR_OK);
    /* Any field of (session, type, round, seq, fragment) differing makes a new message. */
    wire_envelope e = base;
    e.hdr.session_id = 11;
    assert_int_equal(validator_check(v, &e, NOW), VALIDATOR_OK);
    e = base;
    e.hdr.type = WIRE_SIGN_SHARE;
    assert_int_equal(validator_check(v, &e, NOW), VALIDATOR_OK);
    e = base;
    e.hdr.round = 2;
    assert_int_equal(validator_check(v, &e, NOW), VALIDATOR_OK);
    e = base;
    e.hdr.seq = 101;
    assert_int_equal(validator_check(v, &e, NOW), VALIDATOR_OK);
    e = base;
    e.hdr.frag_index = 1;
    e.hdr.frag_count = 2;
    assert_int_equal(validator_check(v, &e, NOW), VALIDATOR_OK);
    /* The same message from another sender is not a replay of this one. */
    e = base;
    e.hdr.sender = 2;
    assert_int_equal(validator_check(v, &e, NOW), VALIDATOR_OK);
    /* A replay with a fresh timestamp (re-signed by the peer) is still a replay. */
    e = base;
    e.timestamp_ms = NOW + 10;
    assert_int_equal(validator_check(v, &e, NOW), VALIDATOR_REPLAY);
    assert_int_equal(v->ctr.accepted, 7);
    assert_int_equal(v->ctr.replay, 1);
    free(fx.mem);
}

static void test_replay_eviction_and_stale(void **state)
{
    (void)state;
    fixture fx;
    fx_init(&fx, 8, 0, 0);
    validator *v = &fx.v;
    /* 8 messages fill the per-peer FIFO; every one of them is a replay. */
    for (uint64_t s = 0; s < 8; s++) {
        wire_envelope e = env_of(2, 1, s, NOW + s);
        assert_int_equal(validator_check(v, &e, NOW + 8), VALIDATOR_OK);
    }
    for (uint64_t s = 0; s < 8; s++) {
        wire_envelope e = env_of(2, 1, s, NOW + s);
        assert_int_equal(validator_check(v, &e, NOW + 8), VALIDATOR_REPLAY);
    }
    /* The 9th evicts seq 0; a replay of seq 0 is then caught as stale (older than the horizon). */
    wire_envelope e = env_of(2, 1, 8, NOW + 8);
    assert_int_equal(validator_check(v, &e, NOW + 8), VALIDATOR_OK);
    e = env_of(2, 1, 0, NOW + 0);
    assert_int_equal(validator_check(v, &e, NOW + 8), VALIDATOR_STALE);
    assert_int_equal(v->ctr.stale, 1);
    /* Seq 1..8 are still in the cache. */
    for (uint64_t s = 1; s <= 8; s++) {
        e = env_of(2, 1, s, NOW + s);
        assert_int_equal(validator_check(v, &e, NOW + 8), VALIDATOR_REPLAY);
    }
    /* A new message newer than the horizon is accepted. */
    e = env_of(2, 1, 9, NOW + 1);
    assert_int_equal(validator_check(v, &e, NOW + 8), VALIDATOR_OK);

    /* Many messages through a small cache: the hash index stays consistent under eviction (every
     * message in the last 8 is a replay, anything newer is accepted). */
    tv_rng r;
    tv_rng_seed(&r, 5);
    uint64_t seqs[4000];
    for (int i = 0; i < 4000; i++) {
        seqs[i] = tv_rng_next(&r);
        e = env_of(3, tv_rng_next(&r) % 3, seqs[i], NOW + 100 + (uint64_t)i);
        assert_int_equal(validator_check(v, &e, NOW + 100 + (uint64_t)i), VALIDATOR_OK);
        if (i >= 1) {
            /* The previous message (its session was random in 0..2): exactly one session is a
             * replay, the other two are new messages and are accepted. */
            wire_envelope old = env_of(3, 0, seqs[i - 1], NOW + 100 + (uint64_t)(i - 1));
            int replays = 0;
            for (uint64_t s = 0; s < 3; s++) {
                old.hdr.session_id = s;
                validator_result res = validator_check(v, &old, NOW + 100 + (uint64_t)i);
                if (res == VALIDATOR_REPLAY) replays++;
                else assert_int_equal(res, VALIDATOR_OK);
            }
            assert_int_equal(replays, 1);
        }
    }
    free(fx.mem);
}

static void test_rate_limit(void **state)
{
    (void)state;
    fixture fx;
    fx_init(&fx, 1024, 100, 10); /* 100/s, bursts of 10 */
    validator *v = &fx.v;
    uint64_t seq = 0;
    for (int i = 0; i < 10; i++) {
        wire_envelope e = env_of(2, 1, seq++, NOW);
        assert_int_equal(validator_check(v, &e, NOW), VALIDATOR_OK);
    }
    wire_envelope e = env_of(2, 1, seq++, NOW);
    assert_int_equal(validator_check(v, &e, NOW), VALIDATOR_RATE_LIMITED);
    assert_int_equal(v->ctr.rate_limited, 1);
    /* Another peer has its own bucket. */
    e = env_of(3, 1, 0, NOW);
    assert_int_equal(validator_check(v, &e, NOW), VALIDATOR_OK);
    /* A rejected envelope did not enter the replay cache: it is accepted once tokens are back. */
    e = env_of(2, 1, 10, NOW);
    assert_int_equal(validator_check(v, &e, NOW + 9), VALIDATOR_RATE_LIMITED); /* 0.9 token */
    assert_int_equal(validator_check(v, &e, NOW + 10), VALIDATOR_OK);          /* 1 token after 10 ms */
    /* Replays do not consume tokens: after 50 ms (5 tokens), 20 replays then 5 new ones pass. */
    for (int i = 0; i < 20; i++) assert_int_equal(validator_check(v, &e, NOW + 60), VALIDATOR_REPLAY);
    for (int i = 0; i < 5; i++) {
        wire_envelope n = env_of(2, 1, 100 + (uint64_t)i, NOW + 60);
        assert_int_equal(validator_check(v, &n, NOW + 60), VALIDATOR_OK);
    }
    wire_envelope n = env_of(2, 1, 200, NOW + 60);
    assert_int_equal(validator_check(v, &n, NOW + 60), VALIDATOR_RATE_LIMITED);
    /* A long pause refills to the burst size, not beyond. */
    int ok = 0;
    for (int i = 0; i < 30; i++) {
        wire_envelope m = env_of(2, 1, 300 + (uint64_t)i, NOW + 20000);
        ok += validator_check(v, &m, NOW + 20000) == VALIDATOR_OK;
    }
    assert_int_equal(ok, 10);
    free(fx.mem);
}

static void test_config(void **state)
{
    (void)state;
    validator_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.n_peers = 4;
    cfg.self_index = 4; /* out of range */
    cfg.replay_per_peer = 16;
    assert_int_equal(validator_mem_size(&cfg), 0);
    cfg.self_index = 0;
    cfg.replay_per_peer = 24; /* not a power of two */
    assert_int_equal(validator_mem_size(&cfg), 0);
    cfg.replay_per_peer = 16;
    assert_true(validator_mem_size(&cfg) > 0);
    /* No membership callback: everyone configured is a member; max_message_len 0 = protocol maximum. */
    void *mem = aligned_alloc(16, (validator_mem_size(&cfg) + 15) & ~(size_t)15);
    validator v;
    assert_int_equal(validator_init(&v, &cfg, mem, validator_mem_size(&cfg)), TSS_OK);
    wire_envelope e = env_of(2, 99, 1, NOW);
    e.hdr.total_len = WIRE_MAX_MESSAGE;
    e.hdr.frag_count = WIRE_MAX_FRAGMENTS;
    assert_int_equal(validator_check(&v, &e, NOW), VALIDATOR_OK);
    free(mem);
    /* A rate limit with a zero-size bucket would reject every envelope: refused at init. */
    cfg.rate_per_sec = 100;
    cfg.rate_burst = 0;
    assert_int_equal(validator_mem_size(&cfg), 0);
    cfg.rate_burst = 1;
    assert_true(validator_mem_size(&cfg) > 0);
}

int main(void)
{
    if (tss_init() != TSS_OK) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_rejection),
        cmocka_unit_test(test_replay_fingerprint_fields),
        cmocka_unit_test(test_replay_eviction_and_stale),
        cmocka_unit_test(test_rate_limit),
        cmocka_unit_test(test_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
