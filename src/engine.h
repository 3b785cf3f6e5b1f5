/* A core-local protocol engine: runs the sessions (src/session.h) whose ids hash to it.
 *
 * One engine per configured engine core, driven by engine_poll() from exactly one thread. At init it
 * allocates, once: an arena of session slots (arena_sessions x session_size() bytes), a fixed-size
 * open-addressing index session id -> slot, a timer wheel (one timer per slot) driving session_on_tick,
 * a pool of outcome events, a bounded pending buffer for messages of sessions that have not started yet,
 * and its rings. After init nothing on the message path allocates or locks.
 *
 * Messages arrive over a link (dataplane/link.h) that the topology (src/node.c) builds and hands to both
 * ends: the poller sends engine_msg buffers from the link's pool, the engine releases each one once consumed
 * or dropped. The control plane's inputs and outputs are single-producer single-consumer rings
 * (dataplane/ring_spsc.h) the engine allocates:
 *   req_in   control -> engine   engine_request* (control's pool; holds a SECRET key package for signing)
 *   req_ret  engine  -> control  engine_request* (returned with its secrets wiped)
 *   ev_out   engine  -> control  session_result* (the engine's event pool; SECRET key package for DKG)
 *   ev_ret   control -> engine   session_result* (returned after the control plane wiped it)
 * Return rings are as large as the pool they return to, so a return never fails.
 *
 * Transmit: session_io.send encodes, fragments and signs each message (wire_encode_fragment) into packets
 * of the engine's own tx port (its own pool and UDP socket, so no packet crosses cores), addressed from the
 * peer address table; a broadcast is signed once per fragment and copied to each other member.
 *
 * Finished sessions linger in their slot (answering retry requests from peers that missed the last
 * message) until linger_ms has passed or their slot is needed for a new session.
 */
#ifndef TSS_SRC_ENGINE_H
#define TSS_SRC_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "dataplane/link.h"
#include "dataplane/pkt.h"
#include "dataplane/ring_spsc.h"
#include "src/session.h"
#include "src/timer_wheel.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest logical message an engine accepts (a 32-signer signing package with a 1 KiB message is ~4.2 KiB;
 * the poller's validator refuses larger ones as too_large). */
#define ENGINE_MSG_MAX 8192

typedef struct engine_msg {
    uint64_t session_id;
    uint64_t arrival_ms;  /* engine clock when it was first buffered (pending expiry) */
    uint16_t sender;      /* authenticated by the envelope signature */
    uint8_t type;
    uint8_t round;
    uint32_t len;
    uint8_t data[ENGINE_MSG_MAX];
} engine_msg;

typedef enum engine_request_kind {
    ENGINE_REQ_DKG = 1,
    ENGINE_REQ_SIGN = 2,
    ENGINE_REQ_REFRESH = 3,
    ENGINE_REQ_RESHARE = 4,
} engine_request_kind;

typedef struct engine_request {
    engine_request_kind kind;
    union {
        session_dkg_params dkg;
        session_sign_params sign;   /* SECRET: key_package */
        session_refresh_params refresh;  /* SECRET: key_package */
        session_reshare_params reshare;  /* SECRET: key_package (dealers) */
    } u;
} engine_request;

/* Which engine owns a session id (the poller and the control plane must agree). */
uint32_t engine_for_session(uint64_t session_id, uint32_t n_engines);

typedef uint64_t (*engine_clock_fn)(void *ctx);

typedef struct engine_config {
    uint32_t index;               /* engine number (labels, sequence numbers), < 64 */
    uint32_t arena_sessions;      /* session slots, >= 1 */
    uint32_t early_messages;      /* pending messages kept per unknown session id */
    uint32_t pending_sessions;    /* unknown session ids buffered at once */
    uint64_t pending_expiry_ms;   /* buffered messages older than this are dropped */
    uint64_t linger_ms;           /* finished sessions kept to answer retries */
    uint64_t tick_cap_ms;         /* a running session is ticked at least this often */
    session_timing timing;
    session_keys keys;            /* pointers kept: must outlive the engine (scratch is set by init) */
    const dp_addr *peer_addr;     /* keys.n_peers entries (index -> UDP address; len 0 = absent) */
    dp_link *msg_in;              /* messages from the poller (buffers of sizeof(engine_msg) or more); the
                                   * link holds at least pending_sessions * early_messages beyond its ring */
    dp_port *tx_port;             /* the engine's own port; its pool supplies tx packets */
    engine_clock_fn mono_ms;      /* monotonic clock (timers, sessions) */
    engine_clock_fn wall_ms;      /* wall clock (envelope timestamps) */
    void *clock_ctx;
} engine_config;

typedef struct engine_counters {
    uint64_t msgs;               /* messages taken from the msg_in link */
    uint64_t msgs_to_session;    /* fed to a session */
    uint64_t msg_rejected;       /* session_on_message returned an error */
    uint64_t not_member;         /* sender is not a participant of the session */
    uint64_t pending_buffered;   /* messages for a session not (yet) running here, buffered */
    uint64_t pending_replayed;   /* buffered messages fed when their session started */
    uint64_t pending_dropped;    /* buffer full (too many ids or messages for one id) */
    uint64_t pending_expired;    /* buffered messages dropped by age */
    uint64_t requests;           /* requests taken from req_in */
    uint64_t started;            /* sessions started */
    uint64_t start_failed;       /* session_*_start refused the parameters */
    uint64_t capacity_refused;   /* no free slot (the control plane's admission should prevent it) */
    uint64_t duplicate_refused;  /* a session with this id is already in the arena */
    uint64_t done;               /* sessions finished with TSS_OK */
    uint64_t failed;             /* sessions finished with an error */
    uint64_t evicted_lingering;  /* finished sessions evicted early to make room */
    uint64_t events_dropped;     /* no event slot (should not happen) */
    uint64_t ticks;              /* session_on_tick calls */
    uint64_t tx_msgs;            /* logical messages sent */
    uint64_t tx_pkts;            /* datagrams handed to the port */
    uint64_t tx_dropped;         /* datagrams dropped: tx pool empty or port refused them */
    uint64_t tx_errors;          /* messages that could not be encoded or addressed */
    int64_t running;             /* gauge: sessions running */
    int64_t lingering;           /* gauge: finished sessions still in their slot */
} engine_counters;

typedef struct engine_slot engine_slot;
typedef struct engine_pending engine_pending;

typedef struct engine {
    engine_config cfg;
    /* rings (see the top of this file) */
    ring_spsc *req_in, *req_ret, *ev_out, *ev_ret;
    engine_counters ctr;
    /* private */
    session_io io;
    uint8_t *arena;
    size_t slot_size;
    engine_slot *slots;
    uint32_t *free_slots;
    uint32_t n_free;
    uint32_t *index;              /* open addressing: slot number or UINT32_MAX */
    uint32_t index_mask;
    uint32_t *linger;             /* FIFO of finished slots (circular) */
    uint32_t linger_head, linger_count;
    timer_wheel wheel;
    uint32_t *wheel_slots;
    timer_node *wheel_nodes;
    session_result *events;
    session_result **free_events;
    uint32_t n_free_events;
    engine_pending *pending;
    engine_msg **pending_msgs;
    uint64_t next_pending_scan_ms;
    uint32_t cur;                 /* slot of the session being called, UINT32_MAX if none */
    uint64_t seq;
    dp_pkt *tx[DP_BURST_MAX];
    unsigned n_tx;
    void *ring_mem[4];
    void *scratch;                /* session_keys.scratch (DKG), session_scratch_size() bytes */
} engine;

/* Allocates everything (once). TSS_OK, TSS_ERR_INVALID_ARG, TSS_ERR_CAPACITY (allocation failed). */
int engine_init(engine *e, const engine_config *cfg);
/* Releases every session (wiping secrets) and frees the memory. */
void engine_destroy(engine *e);

/* One pass: returned events, requests, messages, due timers, transmit. Returns the work done (0 = idle). */
unsigned engine_poll(engine *e);

/* Capacity of the request and event pools the control plane should use: arena_sessions. */
static inline uint32_t engine_pool_size(const engine *e)
{
    return e->cfg.arena_sessions;
}

#ifdef __cplusplus
}
#endif
#endif
