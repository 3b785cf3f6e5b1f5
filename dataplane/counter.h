/* Statistics counters: plain uint64_t fields in per-stage structs, written by the one thread that owns
 * the stage and read concurrently by the metrics exporter (src/metrics.h). A relaxed load + store is
 * race-free for that single-writer pattern and, unlike an atomic read-modify-write, costs a plain add. */
#ifndef TSS_DATAPLANE_COUNTER_H
#define TSS_DATAPLANE_COUNTER_H

#include <stdint.h>

static inline void ctr_add(uint64_t *c, uint64_t v)
{
    __atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED) + v, __ATOMIC_RELAXED);
}

static inline void ctr_inc(uint64_t *c)
{
    ctr_add(c, 1);
}

#endif
