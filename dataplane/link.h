/* A link between two tiles (threads pinned to cores): the pool of fixed-size buffers they pass, a forward
 * ring that carries filled buffers from the producer to the consumer, and a return ring that carries them
 * back. Both rings are single-producer single-consumer (dataplane/ring_spsc.h); nothing allocates or locks
 * after dp_link_init.
 *
 * The topology (src/node.c) builds each link from the config and hands one end to each tile: the producer
 * (e.g. the poller) acquires a buffer, fills it and sends it; the consumer (e.g. an engine) receives it and
 * releases it when done, possibly much later (an engine keeps messages of sessions it has not started yet).
 * The pool holds depth + held buffers and the return ring is as large as the pool, so a release never
 * fails; when every buffer is out, acquire returns NULL and the producer drops with a counter
 * (back-pressure: the peers' retries recover it), never queues without bound. */
#ifndef TSS_DATAPLANE_LINK_H
#define TSS_DATAPLANE_LINK_H

#include <stddef.h>
#include <stdint.h>

#include "dataplane/ring_spsc.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dp_link_config {
    uint32_t depth;        /* forward ring entries: a power of two >= 2 */
    uint32_t held;         /* buffers the consumer may keep beyond the ring */
    size_t buf_size;       /* bytes of one buffer (> 0) */
} dp_link_config;

typedef struct dp_link {
    ring_spsc *fwd;        /* producer -> consumer: filled buffers */
    ring_spsc *ret;        /* consumer -> producer: buffers back */
    uint32_t n_bufs;       /* depth + held */
    size_t buf_size;
    /* producer side */
    void **free;           /* stack of free buffers */
    uint32_t n_free;
    /* memory (allocated once) */
    uint8_t *bufs;
    void *ring_mem[2];
} dp_link;

/* Allocates the pool and both rings. TSS_OK, TSS_ERR_INVALID_ARG, TSS_ERR_CAPACITY. */
int dp_link_init(dp_link *l, const dp_link_config *cfg);
/* Frees everything (the buffers are zeroed first: they may have held message data). */
void dp_link_destroy(dp_link *l);

/* Producer: a free buffer (returned ones are taken back first when the stack is empty), or NULL. */
void *dp_link_acquire(dp_link *l);
/* Producer: 1 if buf went to the consumer; 0 if the forward ring was full (buf is free again). */
int dp_link_send(dp_link *l, void *buf);
/* Producer: takes every returned buffer back into the free stack; returns how many. */
unsigned dp_link_reclaim(dp_link *l);

/* Consumer: up to n filled buffers, in the order they were sent. */
size_t dp_link_recv_burst(dp_link *l, void **bufs, size_t n);
/* Consumer: gives a buffer back to the producer (never fails). */
void dp_link_release(dp_link *l, void *buf);

/* Buffers waiting in the forward ring (a snapshot, for metrics). */
size_t dp_link_backlog(const dp_link *l);

#ifdef __cplusplus
}
#endif
#endif
