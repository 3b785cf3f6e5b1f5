/* A poller core: receives bursts from the node's port, runs them through the receive pipeline
 * (src/rx_pipeline.h: decode, batch verify, validate, reassemble) and dispatches each complete message
 * to the engine that owns its session (engine_for_session) over that engine's link.
 *
 * Links: the topology (src/node.c) builds one link per engine (dataplane/link.h: a pool of engine_msg
 * buffers, a forward ring, a return ring) and hands the poller the producer ends; the poller knows nothing
 * else of the engines. A message is copied into a buffer of the link and sent; the engine releases it.
 * A full ring or an empty pool drops the message with a counter (back-pressure: the peers' retries
 * recover it), never queues without bound.
 *
 * Membership: the poller cannot see engine state, so its validator accepts any configured peer as a
 * member of any session (validator is_member = NULL) and the owning engine rejects non-members before
 * they reach a session (engine counter not_member). Replay, timestamp, size, recipient and rate checks
 * all happen here.
 *
 * Session-less messages (hello, ping) carry no session id: they are counted and not dispatched (peer
 * bindings come from the configured peer table, so a hello changes nothing).
 *
 * Single-threaded: poller_poll from one thread only (the producer side of every link).
 */
#ifndef TSS_SRC_POLLER_H
#define TSS_SRC_POLLER_H

#include <stddef.h>
#include <stdint.h>

#include "dataplane/link.h"
#include "dataplane/pkt.h"
#include "src/engine.h"
#include "src/rx_pipeline.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct poller_config {
    dp_port *port;                /* rx port; its pool is the rx packet pool */
    rx_pipeline_config rx;        /* pool, keys, validator, reassembly, batch (on_message is the poller's) */
    dp_link *const *links;        /* one per engine, by engine number (engine_for_session) */
    uint32_t n_links;
    engine_clock_fn wall_ms;      /* envelope timestamps, rate limits, fragment expiry */
    engine_clock_fn mono_us;      /* batch wait */
    void *clock_ctx;
} poller_config;

typedef struct poller_counters {
    uint64_t bursts;              /* non-empty rx bursts */
    uint64_t dispatched;          /* messages pushed to an engine */
    uint64_t session_less;        /* hello/ping: counted, not dispatched */
    uint64_t drop_no_buffer;      /* the engine's message pool was empty */
    uint64_t drop_ring_full;      /* the engine's ring was full (back-pressure) */
    uint64_t drop_too_large;      /* longer than ENGINE_MSG_MAX (the validator limit normally catches it) */
    uint64_t port_errors;         /* rx_burst returned an error */
    uint64_t by_type[WIRE_TYPE_LIMIT]; /* complete messages received, by wire type */
} poller_counters;

typedef struct poller {
    poller_config cfg;
    rx_pipeline rx;
    poller_counters ctr;
    /* private */
    void *rx_mem;
} poller;

/* Allocates the pipeline (once). TSS_OK, TSS_ERR_INVALID_ARG, TSS_ERR_CAPACITY. */
int poller_init(poller *p, const poller_config *cfg);
void poller_destroy(poller *p);

/* One pass: take returned buffers, one rx burst, pipeline poll (and flush when the port is idle).
 * Returns the work done (0 = idle). */
unsigned poller_poll(poller *p);

#ifdef __cplusplus
}
#endif
#endif
