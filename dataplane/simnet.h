/* A simulated network: a dp_ops backend connecting in-process ports, for deterministic cluster tests.
 *
 * Every datagram a port transmits is copied into the network's preallocated in-flight table and delivered
 * to the port bound at its destination address after a delay; the network drops, duplicates, delays and
 * reorders datagrams deterministically from a seed (same seed and same sequence of calls -> same fate for
 * every datagram). Time comes from a caller-supplied clock (microseconds), typically a virtual one the test
 * advances, so retries and timeouts run without sleeping.
 *
 *   simnet net;  simnet_init(&net, &cfg);
 *   simnet_port a;  simnet_port_open(&a, &net, &pool, &addr);   // &a.port is a dp_port
 *   dp_tx_burst(&a.port, pkts, n);  dp_rx_burst(&b.port, pkts, max);
 *
 * A datagram addressed to no open port, or arriving when the table is full, is dropped and counted.
 * A transmit hook (simnet_set_tx_hook) sees every transmitted datagram first and may rewrite or drop it:
 * tests use it to make a node Byzantine while it keeps its valid keys.
 * Single-threaded: one thread drives every port of a network.
 */
#ifndef TSS_DATAPLANE_SIMNET_H
#define TSS_DATAPLANE_SIMNET_H

#include <stddef.h>
#include <stdint.h>

#include "dataplane/pkt.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SIMNET_MAX_PORTS 256

typedef uint64_t (*simnet_clock_fn)(void *ctx);

typedef struct simnet_port simnet_port;

/* Verdict of a transmit hook. */
typedef enum simnet_tx_verdict {
    SIMNET_TX_SEND = 0,           /* send data[0..*len) (possibly rewritten in place) */
    SIMNET_TX_DROP = 1,           /* the sender never sent it (counted as filtered) */
} simnet_tx_verdict;

/* Called for every datagram a port transmits, before routing and the loss model. data has cap bytes
 * of room and DP_PKT_HEADROOM writable bytes in front of it (as a dp_pkt buffer); the hook may rewrite
 * data and *len (<= cap). Runs on the thread driving the network. */
typedef simnet_tx_verdict (*simnet_tx_hook)(void *ctx, const simnet_port *from, const dp_addr *to, uint8_t *data,
                                            size_t *len, size_t cap);

typedef struct simnet_config {
    uint64_t seed;
    uint32_t capacity;            /* datagrams in flight at once, >= 1 */
    uint32_t drop_ppm;            /* probability of loss, parts per million */
    uint32_t duplicate_ppm;       /* probability a datagram is delivered twice */
    uint32_t reorder_ppm;         /* probability a datagram gets an extra delay of up to reorder_us */
    uint64_t delay_min_us;        /* every datagram's base delay is uniform in [min, max] */
    uint64_t delay_max_us;
    uint64_t reorder_us;
    simnet_clock_fn now_us;
    void *clock_ctx;
} simnet_config;

typedef struct simnet_counters {
    uint64_t sent;                /* datagrams handed to the network */
    uint64_t delivered;
    uint64_t dropped;             /* by the loss model */
    uint64_t duplicated;
    uint64_t reordered;
    uint64_t no_route;            /* no port bound at the destination */
    uint64_t overflow;            /* in-flight table full */
    uint64_t injected;
    uint64_t filtered;            /* dropped by the transmit hook */
} simnet_counters;

typedef struct simnet_flight simnet_flight;

typedef struct simnet {
    simnet_config cfg;
    simnet_counters ctr;
    uint64_t rng[4];
    simnet_flight *flights;       /* capacity entries */
    uint32_t *free_list;
    uint32_t n_free;
    uint64_t next_seq;
    simnet_port *ports[SIMNET_MAX_PORTS];
    uint32_t n_ports;
    simnet_tx_hook tx_hook;
    void *tx_hook_ctx;
} simnet;

struct simnet_port {
    dp_port port;                 /* first: &p->port is the dp_port */
    simnet *net;
    dp_addr addr;
    uint32_t *heap;               /* flights due to this port, a min-heap by (due, seq) */
    uint32_t heap_len;
    uint32_t open;
};

/* Allocates the in-flight table (once). TSS_OK, TSS_ERR_INVALID_ARG, TSS_ERR_CAPACITY. */
int simnet_init(simnet *net, const simnet_config *cfg);
void simnet_destroy(simnet *net);

/* Binds a port at addr (unique per network) whose received packets come from pool.
 * TSS_OK, TSS_ERR_INVALID_ARG, TSS_ERR_DUPLICATE (address taken), TSS_ERR_CAPACITY. */
int simnet_port_open(simnet_port *p, simnet *net, dp_pool *pool, const dp_addr *addr);

/* Queues raw bytes for delivery to `to` as if sent from `from` (for tests of hostile input); the loss model
 * does not apply. TSS_OK, TSS_ERR_NOT_FOUND (no port at `to`), TSS_ERR_CAPACITY, TSS_ERR_INVALID_ARG. */
int simnet_inject(simnet *net, const dp_addr *from, const dp_addr *to, const uint8_t *data, size_t len);

/* Installs (fn != NULL) or removes (fn == NULL) the transmit hook. */
void simnet_set_tx_hook(simnet *net, simnet_tx_hook fn, void *ctx);

/* Time of the next pending delivery (UINT64_MAX if none): lets a virtual clock jump ahead. */
uint64_t simnet_next_due_us(const simnet *net);

/* Datagrams in flight. */
uint32_t simnet_in_flight(const simnet *net);

#ifdef __cplusplus
}
#endif
#endif
