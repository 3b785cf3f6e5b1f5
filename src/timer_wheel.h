/* Hashed timer wheel for one engine core (single-threaded; no locking, no allocation after init).
 *
 * Time is cut into ticks of tick_ms; a timer lands in slot (expiry tick mod n_slots) with a round count for
 * expiries beyond one revolution of the wheel. add and cancel are O(1); advance visits each elapsed tick's
 * slot once. A timer never fires early: it fires during the first advance whose now_ms is >= its expiry
 * (rounded up to a tick boundary), so it may be up to one tick late plus however late advance is called.
 * Timers due in the same tick fire in no particular order; timers in different ticks fire in tick order.
 *
 * Handles carry a generation number, so cancelling a timer that already fired (its node possibly reused
 * by a newer timer) is detected and harmless. Callbacks may add and cancel timers, including ones due in
 * the same advance call. */
#ifndef TSS_TIMER_WHEEL_H
#define TSS_TIMER_WHEEL_H

#include <stddef.h>
#include <stdint.h>

#include "tss/common.h"

/* 0 is never a valid handle. */
typedef uint64_t timer_handle;
#define TIMER_HANDLE_NONE ((timer_handle)0)

#define TIMER_WHEEL_SLOTS_MAX (1u << 24)
#define TIMER_WHEEL_CAPACITY_MAX (1u << 30)

/* One timer's bookkeeping; the caller provides an array of `capacity` of them. */
typedef struct timer_node {
    uint64_t user_data;
    uint32_t next, prev; /* links in a slot list, the due list or the free list */
    uint32_t list;       /* slot index, TIMER_LIST_DUE, or TIMER_LIST_FREE */
    uint32_t rounds;     /* revolutions left before the timer's slot visit fires it */
    uint32_t gen;        /* generation, part of the handle; bumped when the node is freed */
    uint32_t reserved;
} timer_node;

typedef struct timer_wheel {
    uint32_t *slot_heads; /* n_slots list heads */
    timer_node *nodes;
    uint32_t n_slots;     /* power of two */
    uint32_t capacity;
    uint32_t free_head;
    uint32_t due_head;    /* timers being fired by the current advance */
    uint32_t active;      /* timers pending (not yet fired or cancelled) */
    uint32_t tick_ms;
    uint32_t in_advance;  /* guards against advance being called from a callback */
    uint64_t cur_tick;    /* last tick processed */
} timer_wheel;

/* Fires an expired timer: h is its (now stale) handle, user_data what add was given. */
typedef void (*timer_wheel_fn)(void *ctx, timer_handle h, uint64_t user_data);

/* slots: n_slots entries (a power of two in [1, TIMER_WHEEL_SLOTS_MAX]); nodes: capacity entries
 * ([1, TIMER_WHEEL_CAPACITY_MAX]); tick_ms >= 1; now_ms is the current time on the caller's clock.
 * TSS_OK or TSS_ERR_INVALID_ARG. */
int timer_wheel_init(timer_wheel *w, uint32_t *slots, uint32_t n_slots, timer_node *nodes, uint32_t capacity,
                     uint32_t tick_ms, uint64_t now_ms);
/* Arms a timer expiring at absolute time expire_ms (a past time fires at the next tick).
 * TSS_OK and *out set; TSS_ERR_CAPACITY if all nodes are in use; TSS_ERR_INVALID_ARG for NULL arguments
 * or an expiry more than 2^32 wheel revolutions ahead. */
int timer_wheel_add(timer_wheel *w, uint64_t expire_ms, uint64_t user_data, timer_handle *out);
/* TSS_OK, or TSS_ERR_NOT_FOUND if h already fired, was cancelled, or was never issued. */
int timer_wheel_cancel(timer_wheel *w, timer_handle h);
/* Moves the wheel to now_ms, calling cb(ctx, handle, user_data) for every timer that expired, and returns
 * how many fired. now_ms earlier than a previous call does nothing. cb may be NULL (timers are dropped).
 * Costs O(elapsed ticks + timers in the visited slots); an idle wheel jumps in O(1).
 * Calling advance from inside cb does nothing and returns 0. */
size_t timer_wheel_advance(timer_wheel *w, uint64_t now_ms, timer_wheel_fn cb, void *ctx);
/* Timers armed and not yet fired or cancelled. */
uint32_t timer_wheel_active(const timer_wheel *w);

#endif
