/* Packet buffers and the burst-oriented dataplane interface.
 *
 * The dataplane moves datagrams and owns no protocol logic. Its model is DPDK's:
 *  - packets live in fixed-size buffers from a preallocated pool (dp_pool: fixed count, no growth);
 *  - dp_rx_burst() fills an array with up to `max` received packets, which the caller now owns and
 *    must give back with dp_pool_put()/dp_pool_put_bulk() (or hand to dp_tx_burst());
 *  - dp_tx_burst() takes an array of packets to send and returns how many it consumed from the
 *    front of the array: sent ones, and ones dropped on a per-packet error (counted in tx_errors),
 *    go back to their pool; the rest (queue full) stay with the caller (retry or free them).
 * A backend is a dp_ops vtable (the UDP socket backend is dataplane/socket_io.h; a DPDK backend
 * slots in with the same calls). Each packet records the peer address it came from / goes to.
 *
 * Each buffer has DP_PKT_HEADROOM bytes in front of the datagram so the wire layer can prepend the
 * envelope domain tag for signing/verification without copying (dataplane/wire.h, WIRE_HEADROOM).
 *
 * Pools and ports are single-threaded: one per poller core. Packets crossing to another core must be
 * returned to the owning core (e.g. over a ring) before dp_pool_put.
 */
#ifndef TSS_DATAPLANE_PKT_H
#define TSS_DATAPLANE_PKT_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "dataplane/wire.h"
#include "tss/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DP_PKT_HEADROOM 64        /* >= WIRE_HEADROOM; cache-line sized like DPDK's mbuf headroom */
#define DP_PKT_DATA_ROOM 1536     /* >= WIRE_MAX_DATAGRAM; larger datagrams are dropped as truncated */
#define DP_BURST_MAX 64           /* largest burst one rx/tx call handles */

_Static_assert(DP_PKT_HEADROOM >= WIRE_HEADROOM, "wire layer needs headroom for the domain tag");
_Static_assert(DP_PKT_DATA_ROOM >= WIRE_MAX_DATAGRAM, "a packet holds a maximal datagram");

/* A peer address (IPv4 or IPv6); len is 0 when unset. */
typedef struct dp_addr {
    union {
        struct sockaddr sa;
        struct sockaddr_in in4;
        struct sockaddr_in6 in6;
    } u;
    socklen_t len;
} dp_addr;

typedef struct dp_pkt {
    dp_addr addr;        /* rx: source; tx: destination */
    uint32_t len;        /* datagram bytes at dp_pkt_data() */
    uint32_t index;      /* position in its pool (owned by the pool) */
    uint32_t in_pool;    /* 1 while free in the pool (owned by the pool; catches double frees) */
    uint64_t rx_ns;      /* rx: CLOCK_MONOTONIC arrival time of the burst; free for the caller on tx */
    void *user;          /* free for the caller (e.g. the decoded envelope or the session) */
    _Alignas(64) uint8_t buf[DP_PKT_HEADROOM + DP_PKT_DATA_ROOM];
} dp_pkt;

static inline uint8_t *dp_pkt_data(dp_pkt *p)
{
    return p->buf + DP_PKT_HEADROOM;
}

/* A fixed pool of packet buffers (a free stack of indices). */
typedef struct dp_pool {
    dp_pkt *pkts;        /* count packets, in the caller's memory */
    uint32_t *free_stack;
    uint32_t count;
    uint32_t free_count;
    uint64_t alloc_fail; /* allocation requests that found the pool empty */
} dp_pool;

/* Bytes of memory dp_pool_init needs for `count` packets (0 if count is 0 or absurd). */
size_t dp_pool_mem_size(uint32_t count);
/* Initialises the pool over mem (mem_len >= dp_pool_mem_size(count), 64-byte aligned). */
int dp_pool_init(dp_pool *pool, uint32_t count, void *mem, size_t mem_len);
/* Takes one packet (len 0, no address), or NULL when the pool is empty. */
dp_pkt *dp_pool_get(dp_pool *pool);
/* Takes up to n packets into pkts; returns how many (possibly fewer than n, possibly 0). */
unsigned dp_pool_get_bulk(dp_pool *pool, dp_pkt **pkts, unsigned n);
/* Returns packets to the pool they came from (NULL entries are skipped). */
void dp_pool_put(dp_pool *pool, dp_pkt *pkt);
void dp_pool_put_bulk(dp_pool *pool, dp_pkt *const *pkts, unsigned n);

/* Per-port counters (read by the metrics exporter). */
typedef struct dp_counters {
    uint64_t rx_pkts;
    uint64_t rx_bytes;
    uint64_t rx_nobuf;       /* rx bursts cut short because the pool was empty */
    uint64_t rx_truncated;   /* datagrams larger than DP_PKT_DATA_ROOM, dropped */
    uint64_t rx_errors;      /* receive errors other than "nothing to read" */
    uint64_t tx_pkts;
    uint64_t tx_bytes;
    uint64_t tx_would_block; /* tx bursts cut short because the socket/queue was full */
    uint64_t tx_errors;      /* packets dropped on a send error (bad address, ...), given back to the pool */
} dp_counters;

typedef struct dp_port dp_port;

/* A backend. rx_burst/tx_burst follow the contract described at the top of this file and
 * return a count >= 0, or a negative tss_status on a fatal port error. */
typedef struct dp_ops {
    const char *name;
    int (*rx_burst)(dp_port *port, dp_pkt **pkts, unsigned max);
    int (*tx_burst)(dp_port *port, dp_pkt **pkts, unsigned n);
    void (*close)(dp_port *port);
} dp_ops;

/* The part of every backend's port struct that the generic calls use (backends embed it first). */
struct dp_port {
    const dp_ops *ops;
    dp_pool *pool;        /* rx buffers come from here; tx'd packets return here */
    dp_counters ctr;
};

static inline int dp_rx_burst(dp_port *port, dp_pkt **pkts, unsigned max)
{
    return port->ops->rx_burst(port, pkts, max);
}

static inline int dp_tx_burst(dp_port *port, dp_pkt **pkts, unsigned n)
{
    return port->ops->tx_burst(port, pkts, n);
}

static inline void dp_close(dp_port *port)
{
    port->ops->close(port);
}

#ifdef __cplusplus
}
#endif
#endif
