/* Timer wheel: never early, at most one tick late, tick order, cancel (including stale handles), timers
 * many revolutions ahead, capacity exhaustion, and callbacks that add and cancel timers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "src/timer_wheel.h"
#include "test_support.h"

enum { SLOTS = 64, CAP = 2048, TICK = 4 };

typedef struct {
    timer_wheel w;
    uint32_t slots[SLOTS];
    timer_node nodes[CAP];
} wheel_fixture;

/* What the callbacks saw. user_data = expiry time in ms (or a tag). */
typedef struct {
    uint64_t now;          /* the now_ms of the advance in progress */
    uint64_t prev_now;     /* the now_ms of the previous advance */
    uint64_t fired[CAP * 2];
    size_t n_fired;
    uint64_t last_tick;    /* expiry tick of the last fired timer, for the order check */
    int early, late, out_of_order;
} recorder;

static uint64_t expiry_tick(uint64_t expire_ms)
{
    return (expire_ms + TICK - 1) / TICK;
}

static void record(void *ctx, timer_handle h, uint64_t user)
{
    recorder *r = ctx;
    (void)h;
    if (user > r->now) r->early++;
    if (r->prev_now >= expiry_tick(user) * TICK) r->late++; /* was already due at the previous advance */
    if (expiry_tick(user) < r->last_tick) r->out_of_order++;
    r->last_tick = expiry_tick(user);
    r->fired[r->n_fired++] = user;
}

static size_t advance_to(wheel_fixture *f, recorder *r, uint64_t now)
{
    r->now = now;
    size_t n = timer_wheel_advance(&f->w, now, record, r);
    r->prev_now = now;
    return n;
}

static void test_init_args(void **state)
{
    (void)state;
    static wheel_fixture f;
    assert_int_equal(timer_wheel_init(NULL, f.slots, SLOTS, f.nodes, CAP, 1, 0), TSS_ERR_INVALID_ARG);
    assert_int_equal(timer_wheel_init(&f.w, f.slots, 48, f.nodes, CAP, 1, 0), TSS_ERR_INVALID_ARG);
    assert_int_equal(timer_wheel_init(&f.w, f.slots, 0, f.nodes, CAP, 1, 0), TSS_ERR_INVALID_ARG);
    assert_int_equal(timer_wheel_init(&f.w, f.slots, SLOTS, f.nodes, 0, 1, 0), TSS_ERR_INVALID_ARG);
    assert_int_equal(timer_wheel_init(&f.w, f.slots, SLOTS, f.nodes, CAP, 0, 0), TSS_ERR_INVALID_ARG);
    assert_int_equal(timer_wheel_init(&f.w, NULL, SLOTS, f.nodes, CAP, 1, 0), TSS_ERR_INVALID_ARG);
    assert_int_equal(timer_wheel_init(&f.w, f.slots, SLOTS, f.nodes, CAP, TICK, 1000), TSS_OK);
    assert_int_equal(timer_wheel_active(&f.w), 0);
    timer_handle h;
    assert_int_equal(timer_wheel_add(&f.w, 0, 0, NULL), TSS_ERR_INVALID_ARG);
    /* more than 2^32 revolutions ahead */
    assert_int_equal(timer_wheel_add(&f.w, UINT64_MAX, 0, &h), TSS_ERR_INVALID_ARG);
    assert_int_equal(timer_wheel_cancel(&f.w, TIMER_HANDLE_NONE), TSS_ERR_NOT_FOUND);
}

/* Random expiries up to 40 revolutions ahead, random advance steps: every timer fires exactly once,
 * never early, never a whole advance late, in tick order. */
static void test_random_order(void **state)
{
    (void)state;
    static wheel_fixture f;
    static recorder r;
    memset(&r, 0, sizeof r);
    tv_rng rng;
    tv_rng_seed(&rng, 11);
    const uint64_t t0 = 123457;
    assert_int_equal(timer_wheel_init(&f.w, f.slots, SLOTS, f.nodes, CAP, TICK, t0), TSS_OK);
    r.prev_now = t0;
    const uint64_t span = (uint64_t)SLOTS * TICK * 40;
    timer_handle h;
    for (int i = 0; i < CAP; i++)
        assert_int_equal(timer_wheel_add(&f.w, t0 + 1 + tv_rng_next(&rng) % span, 0, &h), TSS_OK);
    /* user_data is set to the expiry; redo with it (the loop above checked pure capacity use) */
    assert_int_equal(timer_wheel_init(&f.w, f.slots, SLOTS, f.nodes, CAP, TICK, t0), TSS_OK);
    for (int i = 0; i < CAP; i++) {
        uint64_t e = t0 + 1 + tv_rng_next(&rng) % span;
        assert_int_equal(timer_wheel_add(&f.w, e, e, &h), TSS_OK);
    }
    assert_int_equal(timer_wheel_active(&f.w), CAP);
    uint64_t now = t0;
    size_t total = 0;
    while (now < t0 + span + 10 * TICK) {
        now += tv_rng_next(&rng) % (3 * TICK); /* sometimes 0, sometimes several ticks */
        total += advance_to(&f, &r, now);
    }
    assert_int_equal(total, CAP);
    assert_int_equal(r.n_fired, CAP);
    assert_int_equal(r.early, 0);
    assert_int_equal(r.late, 0);
    assert_int_equal(r.out_of_order, 0);
    assert_int_equal(timer_wheel_active(&f.w), 0);
}

static void test_exact_tick_and_past(void **state)
{
    (void)state;
    static wheel_fixture f;
    static recorder r;
    memset(&r, 0, sizeof r);
    assert_int_equal(timer_wheel_init(&f.w, f.slots, SLOTS, f.nodes, CAP, TICK, 1000), TSS_OK);
    timer_handle h;
    assert_int_equal(timer_wheel_add(&f.w, 1008, 1008, &h), TSS_OK); /* on a tick boundary */
    assert_int_equal(timer_wheel_add(&f.w, 1009, 1009, &h), TSS_OK); /* rounds up to 1012 */
    assert_int_equal(timer_wheel_add(&f.w, 500, 500, &h), TSS_OK);   /* in the past: next tick */
    assert_int_equal(advance_to(&f, &r, 1003), 0);
    assert_int_equal(advance_to(&f, &r, 1004), 1);
    assert_int_equal(r.fired[0], 500);
    assert_int_equal(advance_to(&f, &r, 1007), 0);
    assert_int_equal(advance_to(&f, &r, 1008), 1);
    assert_int_equal(advance_to(&f, &r, 1011), 0);
    assert_int_equal(advance_to(&f, &r, 1012), 1);
    assert_int_equal(r.fired[2], 1009);
    /* time going backwards does nothing */
    assert_int_equal(timer_wheel_add(&f.w, 1020, 1020, &h), TSS_OK);
    assert_int_equal(advance_to(&f, &r, 900), 0);
    assert_int_equal(advance_to(&f, &r, 1020), 1);
}

static void test_far_timers(void **state)
{
    (void)state;
    static wheel_fixture f;
    static recorder r;
    memset(&r, 0, sizeof r);
    assert_int_equal(timer_wheel_init(&f.w, f.slots, SLOTS, f.nodes, CAP, TICK, 0), TSS_OK);
    const uint64_t rev = (uint64_t)SLOTS * TICK;
    timer_handle h;
    /* same slot, different revolutions */
    for (uint64_t k = 0; k < 10; k++) assert_int_equal(timer_wheel_add(&f.w, 40 + k * rev, 40 + k * rev, &h), TSS_OK);
    /* a timer a million revolutions ahead, reached through one huge advance */
    const uint64_t far = 1000000 * rev + 8;
    assert_int_equal(timer_wheel_add(&f.w, far, far, &h), TSS_OK);
    for (uint64_t k = 0; k < 10; k++) {
        assert_int_equal(advance_to(&f, &r, 40 + k * rev - 1), 0);
        assert_int_equal(advance_to(&f, &r, 40 + k * rev), 1);
        assert_int_equal(r.fired[k], 40 + k * rev);
    }
    assert_int_equal(advance_to(&f, &r, far - 1), 0);
    assert_int_equal(advance_to(&f, &r, far + 1000), 1);
    assert_int_equal(r.fired[10], far);
    assert_int_equal(r.early, 0);
    /* an idle wheel jumps: a timer added afterwards is relative to the new time */
    assert_int_equal(advance_to(&f, &r, far * 3), 0);
    assert_int_equal(timer_wheel_add(&f.w, far * 3 + 4, far * 3 + 4, &h), TSS_OK);
    assert_int_equal(advance_to(&f, &r, far * 3 + 4), 1);
}

static void test_cancel(void **state)
{
    (void)state;
    static wheel_fixture f;
    static recorder r;
    memset(&r, 0, sizeof r);
    assert_int_equal(timer_wheel_init(&f.w, f.slots, SLOTS, f.nodes, CAP, TICK, 0), TSS_OK);
    timer_handle hs[100];
    for (uint64_t i = 0; i < 100; i++) assert_int_equal(timer_wheel_add(&f.w, 100 + i * 37, i, &hs[i]), TSS_OK);
    for (int i = 0; i < 100; i += 2) assert_int_equal(timer_wheel_cancel(&f.w, hs[i]), TSS_OK);
    assert_int_equal(timer_wheel_cancel(&f.w, hs[0]), TSS_ERR_NOT_FOUND); /* twice */
    assert_int_equal(timer_wheel_active(&f.w), 50);
    r.now = 100000;
    assert_int_equal(timer_wheel_advance(&f.w, 100000, record, &r), 50);
    for (size_t i = 0; i < r.n_fired; i++) assert_int_equal(r.fired[i] % 2, 1);
    assert_int_equal(timer_wheel_cancel(&f.w, hs[1]), TSS_ERR_NOT_FOUND); /* already fired */

    /* a stale handle must not cancel the timer that now occupies its node */
    timer_handle a, b;
    assert_int_equal(timer_wheel_add(&f.w, 200000, 1, &a), TSS_OK);
    assert_int_equal(timer_wheel_cancel(&f.w, a), TSS_OK);
    assert_int_equal(timer_wheel_add(&f.w, 200000, 2, &b), TSS_OK);
    assert_int_equal((uint32_t)a, (uint32_t)b); /* LIFO free list: same node */
    assert_true(a != b);
    assert_int_equal(timer_wheel_cancel(&f.w, a), TSS_ERR_NOT_FOUND);
    assert_int_equal(timer_wheel_active(&f.w), 1);
    assert_int_equal(timer_wheel_cancel(&f.w, b), TSS_OK);
    assert_int_equal(timer_wheel_cancel(&f.w, (timer_handle)1 << 32 | (CAP + 5)), TSS_ERR_NOT_FOUND);
}

static void test_capacity(void **state)
{
    (void)state;
    static wheel_fixture f;
    assert_int_equal(timer_wheel_init(&f.w, f.slots, SLOTS, f.nodes, 16, TICK, 0), TSS_OK);
    timer_handle h;
    for (int i = 0; i < 16; i++) assert_int_equal(timer_wheel_add(&f.w, 1000, 0, &h), TSS_OK);
    assert_int_equal(timer_wheel_add(&f.w, 1000, 0, &h), TSS_ERR_CAPACITY);
    assert_int_equal(timer_wheel_active(&f.w), 16);
    assert_int_equal(timer_wheel_cancel(&f.w, h), TSS_OK);
    assert_int_equal(timer_wheel_add(&f.w, 1000, 0, &h), TSS_OK);
    assert_int_equal(timer_wheel_add(&f.w, 1000, 0, &h), TSS_ERR_CAPACITY);
    assert_int_equal(timer_wheel_advance(&f.w, 1000, NULL, NULL), 16);
    for (int i = 0; i < 16; i++) assert_int_equal(timer_wheel_add(&f.w, 2000, 0, &h), TSS_OK);
    assert_int_equal(timer_wheel_add(&f.w, 2000, 0, &h), TSS_ERR_CAPACITY);
}

/* Callbacks that re-arm themselves, cancel a sibling due in the same tick, and try to re-enter advance. */
typedef struct {
    timer_wheel *w;
    timer_handle sibling;
    int fired_a, fired_b, fired_sibling, rearmed, reentry_fired;
    uint64_t now;
} cb_ctx;

static void cb(void *vctx, timer_handle h, uint64_t user)
{
    cb_ctx *c = vctx;
    (void)h;
    timer_handle nh;
    switch (user) {
    case 1: /* cancels the sibling (due in the same tick) and re-arms once, for the same (past) time */
        c->fired_a++;
        if (timer_wheel_cancel(c->w, c->sibling) == TSS_OK) c->sibling = TIMER_HANDLE_NONE;
        if (c->rearmed++ == 0) assert_int_equal(timer_wheel_add(c->w, c->now, 1, &nh), TSS_OK);
        c->reentry_fired += (int)timer_wheel_advance(c->w, c->now + 1000, cb, c);
        break;
    case 2: c->fired_sibling++; break;
    default: c->fired_b++; break;
    }
}

static void test_callbacks_modify(void **state)
{
    (void)state;
    static wheel_fixture f;
    cb_ctx c;
    memset(&c, 0, sizeof c);
    c.w = &f.w;
    assert_int_equal(timer_wheel_init(&f.w, f.slots, SLOTS, f.nodes, CAP, TICK, 0), TSS_OK);
    timer_handle h;
    /* both in tick 25; whichever fires first, the other must be handled consistently */
    assert_int_equal(timer_wheel_add(&f.w, 100, 1, &h), TSS_OK);
    assert_int_equal(timer_wheel_add(&f.w, 100, 2, &c.sibling), TSS_OK);
    assert_int_equal(timer_wheel_add(&f.w, 104, 3, &h), TSS_OK);
    c.now = 100;
    size_t n = timer_wheel_advance(&f.w, 100, cb, &c);
    assert_int_equal(c.fired_a, 1);
    assert_int_equal(c.fired_sibling + (c.sibling == TIMER_HANDLE_NONE), 1); /* fired xor cancelled */
    assert_int_equal(n, (size_t)(1 + c.fired_sibling));
    assert_int_equal(c.fired_b, 0);
    assert_int_equal(c.reentry_fired, 0);
    /* the re-armed timer (expiry in the past) fires at the next tick, with the other one */
    c.now = 104;
    assert_int_equal(timer_wheel_advance(&f.w, 104, cb, &c), 2);
    assert_int_equal(c.fired_a, 2);
    assert_int_equal(c.fired_b, 1);
    assert_int_equal(timer_wheel_active(&f.w), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_args),
        cmocka_unit_test(test_random_order),
        cmocka_unit_test(test_exact_tick_and_past),
        cmocka_unit_test(test_far_timers),
        cmocka_unit_test(test_cancel),
        cmocka_unit_test(test_capacity),
        cmocka_unit_test(test_callbacks_modify),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
