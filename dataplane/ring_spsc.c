/* SPSC ring: free-running 64-bit indices (tail - head = items, never wraps in practice), slot = index & mask.
 * The producer publishes slots with a release store of tail, the consumer frees them with a release store
 * of head; each side reads the other's index with acquire only when its cached copy says full/empty. */
#include "dataplane/ring_spsc.h"

#include <stdalign.h>
#include <stdatomic.h>

struct ring_spsc {
    /* producer's cache line: written only by the producer */
    alignas(RING_SPSC_ALIGN) _Atomic uint64_t tail;
    uint64_t prod_tail;       /* producer's private copy of tail (no atomic load needed) */
    uint64_t prod_head_cache; /* last head the producer saw */
    /* consumer's cache line: written only by the consumer */
    alignas(RING_SPSC_ALIGN) _Atomic uint64_t head;
    uint64_t cons_head;
    uint64_t cons_tail_cache;
    /* read-only after init */
    alignas(RING_SPSC_ALIGN) uint64_t mask;
    uint64_t capacity;
    alignas(RING_SPSC_ALIGN) void *slots[];
};

static int capacity_valid(size_t capacity)
{
    return capacity >= 2 && capacity <= RING_SPSC_CAPACITY_MAX && (capacity & (capacity - 1)) == 0;
}

size_t ring_spsc_footprint(size_t capacity)
{
    if (!capacity_valid(capacity)) return 0;
    return sizeof(struct ring_spsc) + capacity * sizeof(void *);
}

ring_spsc *ring_spsc_init(void *mem, size_t capacity)
{
    if (mem == NULL || !capacity_valid(capacity) || ((uintptr_t)mem & (RING_SPSC_ALIGN - 1)) != 0) return NULL;
    ring_spsc *r = mem;
    atomic_init(&r->tail, 0);
    atomic_init(&r->head, 0);
    r->prod_tail = 0;
    r->prod_head_cache = 0;
    r->cons_head = 0;
    r->cons_tail_cache = 0;
    r->mask = capacity - 1;
    r->capacity = capacity;
    return r;
}

/* Free slots as the producer sees them, refreshing its view of head only if fewer than `want` look free. */
static uint64_t producer_free(ring_spsc *r, uint64_t want)
{
    uint64_t free_slots = r->capacity - (r->prod_tail - r->prod_head_cache);
    if (free_slots < want) {
        r->prod_head_cache = atomic_load_explicit(&r->head, memory_order_acquire);
        free_slots = r->capacity - (r->prod_tail - r->prod_head_cache);
    }
    return free_slots;
}

static uint64_t consumer_avail(ring_spsc *r, uint64_t want)
{
    uint64_t avail = r->cons_tail_cache - r->cons_head;
    if (avail < want) {
        r->cons_tail_cache = atomic_load_explicit(&r->tail, memory_order_acquire);
        avail = r->cons_tail_cache - r->cons_head;
    }
    return avail;
}

int ring_spsc_push(ring_spsc *r, void *item)
{
    if (producer_free(r, 1) == 0) return 0;
    uint64_t t = r->prod_tail;
    r->slots[t & r->mask] = item;
    r->prod_tail = t + 1;
    atomic_store_explicit(&r->tail, t + 1, memory_order_release);
    return 1;
}

size_t ring_spsc_push_burst(ring_spsc *r, void *const *items, size_t n)
{
    if (n == 0) return 0;
    uint64_t k = producer_free(r, n);
    if (k > n) k = n;
    if (k == 0) return 0;
    uint64_t t = r->prod_tail;
    for (uint64_t i = 0; i < k; i++) r->slots[(t + i) & r->mask] = items[i];
    r->prod_tail = t + k;
    atomic_store_explicit(&r->tail, t + k, memory_order_release);
    return (size_t)k;
}

int ring_spsc_pop(ring_spsc *r, void **item)
{
    if (consumer_avail(r, 1) == 0) return 0;
    uint64_t h = r->cons_head;
    *item = r->slots[h & r->mask];
    r->cons_head = h + 1;
    atomic_store_explicit(&r->head, h + 1, memory_order_release);
    return 1;
}

size_t ring_spsc_pop_burst(ring_spsc *r, void **items, size_t n)
{
    if (n == 0) return 0;
    uint64_t k = consumer_avail(r, n);
    if (k > n) k = n;
    if (k == 0) return 0;
    uint64_t h = r->cons_head;
    for (uint64_t i = 0; i < k; i++) items[i] = r->slots[(h + i) & r->mask];
    r->cons_head = h + k;
    atomic_store_explicit(&r->head, h + k, memory_order_release);
    return (size_t)k;
}

size_t ring_spsc_capacity(const ring_spsc *r)
{
    return (size_t)r->capacity;
}

size_t ring_spsc_count(const ring_spsc *r)
{
    /* load head first: tail only grows, so tail - head cannot go negative */
    uint64_t h = atomic_load_explicit(&((ring_spsc *)r)->head, memory_order_acquire);
    uint64_t t = atomic_load_explicit(&((ring_spsc *)r)->tail, memory_order_acquire);
    return (size_t)(t - h);
}
