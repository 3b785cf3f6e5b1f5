/* Bounded lock-free single-producer single-consumer ring of pointers (messages live in preallocated pools).
 *
 * Exactly one thread pushes and exactly one thread pops. The ring lives in caller-provided memory
 * (ring_spsc_footprint bytes, 64-byte aligned) and never grows: a full ring accepts nothing, and the
 * producer counts the drop (back-pressure). Producer and consumer indices sit on separate cache lines,
 * and each side caches the other's index so that the shared lines move only when the cached view runs
 * out (full/empty), not on every item. */
#ifndef TSS_DATAPLANE_RING_SPSC_H
#define TSS_DATAPLANE_RING_SPSC_H

#include <stddef.h>
#include <stdint.h>

#define RING_SPSC_CAPACITY_MAX ((size_t)1 << 30)
#define RING_SPSC_ALIGN 64

typedef struct ring_spsc ring_spsc;

/* Bytes of memory for a ring of `capacity` slots (a power of two in [2, RING_SPSC_CAPACITY_MAX]);
 * 0 if capacity is not valid. */
size_t ring_spsc_footprint(size_t capacity);
/* Lays out an empty ring in mem (footprint bytes, aligned to RING_SPSC_ALIGN). Returns the ring, which
 * is mem itself, or NULL if mem is NULL or misaligned or capacity is not valid. Not thread safe: both
 * sides start using the ring after init has returned (e.g. after pthread_create). */
ring_spsc *ring_spsc_init(void *mem, size_t capacity);

/* Producer side. push: 1 if the item was enqueued, 0 if the ring is full.
 * push_burst: enqueues the first k of n items, k = min(n, free space), and returns k. */
int ring_spsc_push(ring_spsc *r, void *item);
size_t ring_spsc_push_burst(ring_spsc *r, void *const *items, size_t n);

/* Consumer side. pop: 1 and *item set, or 0 if the ring is empty (*item untouched).
 * pop_burst: dequeues up to n items into items[], in FIFO order, and returns how many. */
int ring_spsc_pop(ring_spsc *r, void **item);
size_t ring_spsc_pop_burst(ring_spsc *r, void **items, size_t n);

size_t ring_spsc_capacity(const ring_spsc *r);
/* Items in the ring: exact when called by either side while the other is idle, otherwise a snapshot
 * that may be stale by the time it is used (for metrics and tests). */
size_t ring_spsc_count(const ring_spsc *r);

#endif
