/* The node's parts, shared by the files that make it up (not a public interface: callers see src/node.h):
 *   node.c          construction: identity, peers, store, ports, the links and engines, poller, control
 *   node_tiles.c    the tiles (threads) and what each one polls: the thread roles as a table
 *   node_events.c   the control loop: engine outcomes -> key and session records, status for the API
 *   node_keys.c     the key registry: keys held in memory, their records and key packages in the store
 *   node_api.c      the API backend (tss_api_backend): admission and the requests to the engines
 *   node_metrics.c  every stage's counters registered as metrics, from tables
 *   node_status.c   the session status table; node_record.c the records' encodings */
#ifndef TSS_SRC_NODE_INTERNAL_H
#define TSS_SRC_NODE_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include "dataplane/link.h"
#include "dataplane/socket_io.h"
#include "src/node.h"
#include "src/node_record.h"
#include "src/node_status.h"
#include "src/peers.h"
#include "src/store.h"

#define NODE_MAX_ENGINES TSS_CONFIG_MAX_ENGINES
#define NODE_METRIC_ENTRIES 1024
#define NODE_RECORD_BATCH 64          /* session records per group commit */

/* A tile: one loop a thread runs, pinned to a core or not (src/node_tiles.c). */
typedef struct node_tile {
    const char *name;
    int core;                         /* -1: not pinned */
    unsigned (*poll)(void *ctx);      /* one pass; returns the work done (0 = idle) */
    void *ctx;
} node_tile;

typedef struct node_thread {
    node *n;
    node_tile tile;
    pthread_t tid;
    int started;
} node_thread;

typedef struct node_counters {
    uint64_t events;
    uint64_t keys_stored;
    uint64_t store_errors;
    uint64_t refused_capacity;
    uint64_t refused_duplicate;
    uint64_t refused_invalid;
    uint64_t requests_dkg;
    uint64_t requests_sign;
} node_counters;

struct node {
    tss_config cfg;
    node_options opt;
    tss_identity id;
    tss_peer_table peers;
    tss_store store;
    uint16_t n_idx;                   /* peer index space: max index + 1 */
    uint8_t (*peer_pk)[32];
    uint8_t *peer_present;
    dp_addr *peer_addr;

    /* dataplane */
    void *rx_pool_mem;
    dp_pool rx_pool;
    dp_port *rx_port;
    dp_socket rx_sock;
    void *tx_pool_mem[NODE_MAX_ENGINES];
    dp_pool tx_pool[NODE_MAX_ENGINES];
    dp_port *tx_port[NODE_MAX_ENGINES];
    dp_socket *tx_sock;               /* n_engines entries */

    /* tiles and the links between them: poller -> engine k over links[k] */
    uint32_t n_engines;
    engine *engines;                  /* n_engines */
    dp_link links[NODE_MAX_ENGINES];
    dp_link *link_ptrs[NODE_MAX_ENGINES];
    poller poller;

    /* control plane (guarded by lock) */
    pthread_mutex_t lock;
    engine_request *requests;         /* pool: arena * n_engines */
    engine_request **free_requests;
    uint32_t n_free_requests;
    _Atomic uint32_t admitted[NODE_MAX_ENGINES];
    node_status_table status;
    node_key *keys;                   /* NODE_MAX_KEYS */
    size_t n_keys;
    node_counters ctr;
    /* Session records waiting for the control loop's next group commit (one transaction, one fsync). */
    uint8_t record_buf[NODE_RECORD_BATCH][NODE_RECORD_MAX];
    uint8_t record_id[NODE_RECORD_BATCH][8];
    tss_store_write record_writes[NODE_RECORD_BATCH];
    uint32_t n_records;
    tss_histogram latency_sign;
    tss_histogram latency_dkg;

    tss_api_backend backend;
    tss_metric_entry metric_entries[NODE_METRIC_ENTRIES];
    tss_metrics metrics;

    node_thread threads[NODE_MAX_ENGINES + 2];
    uint32_t n_threads;
    atomic_int running;
    int store_open;
};

/* node.c */
uint64_t node_now_us(node *n);
__attribute__((format(printf, 2, 3))) void node_log(node *n, const char *fmt, ...);

/* node_events.c: one pass of the control loop (outcomes, returned requests, the group commit). */
unsigned node_control_poll(node *n);
/* 1 if sid is in the status table or has a stored record (lock held). */
int node_session_known(node *n, uint64_t sid);

/* node_keys.c (lock held where the registry is read or changed) */
node_key *node_key_find(node *n, uint64_t key_id);
int node_key_has_holder(const node_key *key, uint16_t idx);
/* The keys listed in the store, into the registry (at construction). */
int node_keys_load(node *n);
/* Stores a finished session's key (DKG, refresh, reshare) as key_id at the result's generation; fills k. */
int node_key_persist(node *n, const session_result *r, uint64_t key_id, const node_key *prev, node_key *k);
/* Deletes a key this node no longer holds (a reshare dealer that is not a new holder). */
int node_key_forget(node *n, const node_key *k);
/* This node's key package of key (SECRET: the caller wipes it). */
int node_key_load_package(node *n, const node_key *key, tss_frost_key_package *kp);
void node_key_public(const node_key *key, session_key_public *out);

/* node_api.c: fills n->backend. */
void node_api_backend_init(node *n);

/* node_metrics.c */
int node_register_metrics(node *n);

#endif
