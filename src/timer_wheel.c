/* Hashed timer wheel: intrusive doubly-linked lists of node indices per slot, a free list, and a "due"
 * list holding the timers of the tick being fired, so callbacks can cancel any of them safely. */
#include "src/timer_wheel.h"

#define NIL UINT32_MAX
#define TIMER_LIST_FREE UINT32_MAX
#define TIMER_LIST_DUE (UINT32_MAX - 1)

static timer_handle make_handle(const timer_wheel *w, uint32_t idx)
{
    return ((uint64_t)w->nodes[idx].gen << 32) | idx;
}

static uint32_t *list_head(timer_wheel *w, uint32_t list)
{
    return list == TIMER_LIST_DUE ? &w->due_head : &w->slot_heads[list];
}

static void list_push(timer_wheel *w, uint32_t list, uint32_t idx)
{
    uint32_t *head = list_head(w, list);
    timer_node *n = &w->nodes[idx];
    n->list = list;
    n->prev = NIL;
    n->next = *head;
    if (*head != NIL) w->nodes[*head].prev = idx;
    *head = idx;
}

static void list_unlink(timer_wheel *w, uint32_t idx)
{
    timer_node *n = &w->nodes[idx];
    if (n->prev != NIL) w->nodes[n->prev].next = n->next;
    else *list_head(w, n->list) = n->next;
    if (n->next != NIL) w->nodes[n->next].prev = n->prev;
    n->next = n->prev = NIL;
}

static void node_free(timer_wheel *w, uint32_t idx)
{
    timer_node *n = &w->nodes[idx];
    n->list = TIMER_LIST_FREE;
    n->gen = n->gen == UINT32_MAX ? 1 : n->gen + 1; /* 0 stays unused so that no handle is 0 */
    n->prev = NIL;
    n->next = w->free_head;
    w->free_head = idx;
    w->active--;
}

int timer_wheel_init(timer_wheel *w, uint32_t *slots, uint32_t n_slots, timer_node *nodes, uint32_t capacity,
                     uint32_t tick_ms, uint64_t now_ms)
{
    if (w == NULL || slots == NULL || nodes == NULL || tick_ms == 0 || n_slots == 0 ||
        n_slots > TIMER_WHEEL_SLOTS_MAX || (n_slots & (n_slots - 1)) != 0 || capacity == 0 ||
        capacity > TIMER_WHEEL_CAPACITY_MAX)
        return TSS_ERR_INVALID_ARG;
    w->slot_heads = slots;
    w->nodes = nodes;
    w->n_slots = n_slots;
    w->capacity = capacity;
    w->tick_ms = tick_ms;
    w->cur_tick = now_ms / tick_ms;
    w->due_head = NIL;
    w->active = 0;
    w->in_advance = 0;
    for (uint32_t i = 0; i < n_slots; i++) slots[i] = NIL;
    for (uint32_t i = 0; i < capacity; i++) {
        nodes[i].user_data = 0;
        nodes[i].list = TIMER_LIST_FREE;
        nodes[i].gen = 1;
        nodes[i].rounds = 0;
        nodes[i].reserved = 0;
        nodes[i].prev = NIL;
        nodes[i].next = i + 1 < capacity ? i + 1 : NIL;
    }
    w->free_head = 0;
    return TSS_OK;
}

int timer_wheel_add(timer_wheel *w, uint64_t expire_ms, uint64_t user_data, timer_handle *out)
{
    if (w == NULL || out == NULL) return TSS_ERR_INVALID_ARG;
    /* first tick boundary at or after the expiry, and never the tick already processed */
    uint64_t tick = expire_ms / w->tick_ms + (expire_ms % w->tick_ms != 0);
    if (tick <= w->cur_tick) tick = w->cur_tick + 1;
    uint64_t rounds = (tick - w->cur_tick - 1) / w->n_slots;
    if (rounds > UINT32_MAX) return TSS_ERR_INVALID_ARG;
    if (w->free_head == NIL) return TSS_ERR_CAPACITY;

    uint32_t idx = w->free_head;
    timer_node *n = &w->nodes[idx];
    w->free_head = n->next;
    n->user_data = user_data;
    n->rounds = (uint32_t)rounds;
    list_push(w, (uint32_t)(tick & (w->n_slots - 1)), idx);
    w->active++;
    *out = make_handle(w, idx);
    return TSS_OK;
}

int timer_wheel_cancel(timer_wheel *w, timer_handle h)
{
    if (w == NULL) return TSS_ERR_INVALID_ARG;
    uint32_t idx = (uint32_t)h;
    uint32_t gen = (uint32_t)(h >> 32);
    if (idx >= w->capacity) return TSS_ERR_NOT_FOUND;
    timer_node *n = &w->nodes[idx];
    if (n->list == TIMER_LIST_FREE || n->gen != gen) return TSS_ERR_NOT_FOUND;
    list_unlink(w, idx);
    node_free(w, idx);
    return TSS_OK;
}

size_t timer_wheel_advance(timer_wheel *w, uint64_t now_ms, timer_wheel_fn cb, void *ctx)
{
    if (w == NULL || w->in_advance) return 0;
    uint64_t target = now_ms / w->tick_ms;
    size_t fired = 0;
    w->in_advance = 1;
    while (w->cur_tick < target) {
        if (w->active == 0) {
            w->cur_tick = target;
            break;
        }
        /* the tick counts as processed before callbacks run, so timers they add land in later ticks */
        uint64_t tick = ++w->cur_tick;
        uint32_t slot = (uint32_t)(tick & (w->n_slots - 1));
        for (uint32_t i = w->slot_heads[slot]; i != NIL;) {
            timer_node *n = &w->nodes[i];
            uint32_t next = n->next;
            if (n->rounds == 0) {
                list_unlink(w, i);
                list_push(w, TIMER_LIST_DUE, i);
            } else {
                n->rounds--;
            }
            i = next;
        }
        while (w->due_head != NIL) {
            uint32_t i = w->due_head;
            timer_handle h = make_handle(w, i);
            uint64_t user = w->nodes[i].user_data;
            list_unlink(w, i);
            node_free(w, i);
            fired++;
            if (cb != NULL) cb(ctx, h, user);
        }
    }
    w->in_advance = 0;
    return fired;
}

uint32_t timer_wheel_active(const timer_wheel *w)
{
    return w->active;
}
