/* A signing node: everything tssd runs, built from one tss_config.
 *
 *   identity (tss_identity_load, checked against the peer table) -> peer table -> store
 *   -> rx port + poller (rx pipeline, dispatch) -> engines (one per engine core, each with its own tx port)
 *   -> control plane: engine events -> key and session records in the store, session status for the API.
 *
 * Threads (node_start; the tile table in src/node_tiles.c): with one distinct core in [cores] everything
 * runs round-robin in one thread pinned to it; otherwise the poller (rx, batch verify, validate, dispatch)
 * runs pinned to cores.poller, each engine pinned to its core, and the control loop in its own unpinned
 * thread. (The verify stage runs inside the poller thread, so cores.verify is only used to decide whether
 * the node is single-core.) Without node_start, the caller drives the node with node_step (deterministic
 * tests).
 *
 * The API backend (node_backend) may be called from one thread at a time besides the node's own (the HTTP
 * server's). Admission: each engine takes at most arena_sessions sessions that have not yet reported an
 * outcome; one more is refused with TSS_ERR_CAPACITY (HTTP 503) before anything is queued.
 *
 * Keys: a DKG's key id is its session id. Its key package is stored encrypted (TSS_STORE_KEY_PACKAGE) and
 * its public parts in the clear (TSS_STORE_PUBLIC_KEY_PACKAGE), both under the group public key as the
 * record id; a restarted node loads its key list from the store and signs with the stored share (decrypted
 * into the request, wiped after). Finished sessions are stored as TSS_STORE_SESSION records under the
 * session id (8 bytes, big-endian).
 * Refresh and reshare keep the key id and group key and bump the generation: the new key package is stored
 * under group key ‖ generation (big-endian u32; generation 0 keeps the bare group key), then the public
 * record is replaced (the switch-over), then the previous generation's key package is deleted, so a crash
 * at any point leaves one complete generation. A reshare dealer that is not a new holder deletes the key.
 */
#ifndef TSS_SRC_NODE_H
#define TSS_SRC_NODE_H

#include <stddef.h>
#include <stdint.h>

#include "dataplane/pkt.h"
#include "src/api.h"
#include "src/config.h"
#include "src/engine.h"
#include "src/identity.h"
#include "src/metrics.h"
#include "src/poller.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NODE_MAX_KEYS 4096          /* keys held in memory (DKG beyond it is refused) */
#define NODE_PENDING_SESSIONS 64    /* unknown session ids an engine buffers messages for */

/* role: 0 = the node's rx port (bind = the listen address), 1 + k = engine k's tx port. */
typedef int (*node_open_port_fn)(void *ctx, uint32_t role, dp_pool *pool, const struct sockaddr_in *bind,
                                 dp_port **out);
typedef void (*node_log_fn)(void *ctx, const char *line);

typedef struct node_options {
    const tss_identity *identity;   /* NULL: load cfg->node.identity_key_file */
    node_open_port_fn open_port;    /* NULL: UDP sockets (dataplane/socket_io.h) */
    void *port_ctx;
    engine_clock_fn wall_ms;        /* NULL: CLOCK_REALTIME */
    engine_clock_fn mono_ms;        /* NULL: CLOCK_MONOTONIC (both mono clocks or neither) */
    engine_clock_fn mono_us;
    void *clock_ctx;
    node_log_fn log;                /* NULL: silent. Lines never contain secrets. */
    void *log_ctx;
    uint32_t replay_per_peer;       /* validator replay cache per sender (power of two); 0: 2048 */
} node_options;

typedef struct node node;

/* Builds a node (allocates everything once). TSS_OK or an error with err = "what failed: why". */
int node_create(node **out, const tss_config *cfg, const node_options *opt, char *err, size_t err_len);
/* Stops the threads if running, closes ports and the store, wipes secrets, frees. */
void node_destroy(node *n);

/* Starts the node's threads (see above). TSS_OK or TSS_ERR_IO. */
int node_start(node *n);
/* Stops and joins the threads (the node can then be stepped or destroyed). */
void node_stop(node *n);

/* One round-robin pass over poller, engines and control plane from the calling thread (only when the
 * threads are not running). Returns the work done (0 = idle). */
unsigned node_step(node *n);

/* The control-plane backend for tss_api_start (ctx = the node). */
const tss_api_backend *node_backend(node *n);
/* The node's metrics registry (every stage's counters). */
const tss_metrics *node_metrics(const node *n);

/* Introspection (tests, benchmarks). */
poller *node_poller(node *n);
engine *node_engine(node *n, uint32_t k);
uint32_t node_engine_count(const node *n);
const tss_identity *node_identity(const node *n);
size_t node_key_count(node *n);

#ifdef __cplusplus
}
#endif
#endif
