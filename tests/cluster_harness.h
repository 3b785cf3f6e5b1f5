/* In-process cluster of tss nodes over the simulated network (dataplane/simnet.h), for tests and benches.
 *
 * Every node is a full src/node.h node (store in a temp dir, poller, batch verify, validator, engines,
 * sessions), stepped round-robin from the calling thread. With a virtual clock (the default) time advances
 * by a few microseconds per busy pass and jumps ahead when every node is idle, so retries and timeouts cost
 * no real time and a run is reproducible from its seed (except the sessions' own randomness). */
#ifndef TSS_TESTS_CLUSTER_HARNESS_H
#define TSS_TESTS_CLUSTER_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "dataplane/simnet.h"
#include "dataplane/wire.h"
#include "src/api.h"
#include "src/node.h"

#define CLUSTER_MAX_NODES 16

typedef struct cluster_options {
    uint32_t n;                   /* nodes, indices 1..n */
    uint32_t engines;             /* engines per node (default 1) */
    uint32_t arena;               /* session slots per engine (default 256) */
    uint64_t seed;
    uint32_t drop_ppm, duplicate_ppm, reorder_ppm;
    int real_clock;               /* 1: CLOCK_MONOTONIC/REALTIME instead of the virtual clock */
    uint32_t round_ms, session_ms, retry_initial_ms, retry_max; /* 0: 2000, 30000, 250, 5 */
} cluster_options;

typedef struct cluster cluster;

cluster *cluster_create(const cluster_options *o);
void cluster_destroy(cluster *c);

node *cluster_node(cluster *c, uint32_t i);
const dp_addr *cluster_addr(cluster *c, uint32_t i);
const tss_identity *cluster_identity(cluster *c, uint32_t i);
simnet *cluster_net(cluster *c);
uint64_t cluster_now_us(cluster *c);
uint64_t cluster_wall_ms(cluster *c);   /* the nodes' wall clock (envelope timestamps) */

/* An offline node is not stepped (its datagrams pile up in the network or are dropped). */
void cluster_set_online(cluster *c, uint32_t i, int online);
/* Destroys node i and builds it again over the same store and identity (a crash and restart). */
int cluster_restart(cluster *c, uint32_t i);

/* One pass over every online node; advances the virtual clock. Returns the work done. */
unsigned cluster_step(cluster *c);

int cluster_start_dkg(cluster *c, uint32_t i, uint64_t sid, const uint16_t *parts, uint16_t n, uint16_t t);
int cluster_start_sign(cluster *c, uint32_t i, uint64_t sid, uint64_t key_id, const uint8_t *msg, size_t len,
                       const uint16_t *signers, uint16_t n_signers);
/* The session as node i's API reports it (out: a heap buffer from cluster_info). */
int cluster_session(cluster *c, uint32_t i, uint64_t sid, tss_api_session_info *out);
tss_api_session_info *cluster_info(cluster *c);

/* Steps until every listed node reports the session finished, or max_ms of cluster time passed.
 * Returns the number of those nodes whose state is DONE (n_nodes = all done). */
uint32_t cluster_wait(cluster *c, uint64_t sid, const uint16_t *nodes, uint32_t n_nodes, uint64_t max_ms);

/* ---- Byzantine nodes: valid keys, chosen lies ----
 * A tamper callback sees every envelope any node transmits (one datagram per destination, decoded,
 * signature not checked) before the network's loss model. It may let it pass, drop it (the node never
 * sent it), or rewrite it: the harness re-encodes hdr ‖ payload with the (possibly changed) timestamp and
 * signs it with the sending node's key, so receivers see a correctly signed lie from that node. Only
 * single-fragment envelopes can be rewritten (a rewrite of a fragment is refused and sent unchanged).
 * Sealed DKG round-2 payloads can be opened and re-sealed by the callback with p2p_key_init over
 * cluster_identity() keys. Envelopes the nodes send are always decodable; others are passed unchanged. */
typedef enum cluster_tamper_verdict {
    CLUSTER_TAMPER_PASS = 0,
    CLUSTER_TAMPER_REWRITE = 1,
    CLUSTER_TAMPER_DROP = 2,
} cluster_tamper_verdict;

typedef struct cluster_envelope {
    uint32_t from;                  /* sending node */
    uint32_t to;                    /* destination node, 0 if the address is no node's */
    wire_header hdr;                /* as decoded; a rewrite may change type, round, seq, session, recipient */
    uint64_t timestamp_ms;
    uint8_t payload[WIRE_MAX_PAYLOAD];
    size_t payload_len;             /* a rewrite may change it, up to WIRE_MAX_PAYLOAD */
    const uint8_t *datagram;        /* the signed datagram as the node sent it (e.g. to capture for a replay) */
    size_t datagram_len;
} cluster_envelope;

typedef cluster_tamper_verdict (*cluster_tamper_fn)(void *ctx, cluster *c, cluster_envelope *env);

typedef struct cluster_tamper_counters {
    uint64_t seen;                  /* envelopes shown to the callback */
    uint64_t rewritten;
    uint64_t dropped;
    uint64_t refused;               /* rewrite of a fragment or re-encoding failed: sent unchanged */
    uint64_t undecodable;           /* not an envelope: sent unchanged without calling the callback */
} cluster_tamper_counters;

/* Installs (fn != NULL) or removes the tamper callback; counters restart at zero. */
void cluster_set_tamper(cluster *c, cluster_tamper_fn fn, void *ctx);
const cluster_tamper_counters *cluster_tamper_stats(const cluster *c);

#endif
