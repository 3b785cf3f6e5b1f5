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

#endif
