/* Validator: the policy checks an envelope must pass after its signature verified, before any engine
 * sees it. Checks, in order (the first failure is counted and returned):
 *
 *   unknown_sender   sender index outside the configured peer index space [0, n_peers)
 *   from_self        sender is this node (our own signed message reflected back to us)
 *   wrong_recipient  addressed to one node (recipient != WIRE_BROADCAST) that is not this node
 *   too_large        total message length above the per-type limit
 *   too_old/too_new  timestamp outside now ± max_skew_ms
 *   not_member       the engine's membership callback says the sender is not in the session
 *   replay           (session, type, round, seq, fragment) already accepted from this sender
 *   stale            older than messages already evicted from this sender's replay cache, so
 *                    freshness cannot be proven (only possible when the cache is too small for
 *                    the sender's rate within the skew window)
 *   rate_limited     the sender's token bucket is empty
 *
 * Only an accepted envelope enters the replay cache and costs a token, so a replayed or rejected
 * packet cannot exhaust an honest peer's budget.
 *
 * Replay cache: per sender a FIFO of the last `replay_per_peer` accepted fingerprints with a hash
 * index; the oldest is evicted, and the eviction horizon (newest timestamp evicted) is remembered so
 * that an envelope not newer than it is rejected as `stale` instead of being accepted unproven. So
 * every replay inside the timestamp window is rejected (as replay or stale).
 *
 * All state is preallocated at init over caller memory. Single-threaded: one validator per engine
 * core (or one behind the verify stage). Time is passed in (wall clock ms, as in envelopes).
 */
#ifndef TSS_SRC_VALIDATOR_H
#define TSS_SRC_VALIDATOR_H

#include <stddef.h>
#include <stdint.h>

#include "dataplane/wire.h"
#include "tss/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* 1 if `sender` is a participant of `session_id` for messages of `type`; supplied by the engine. For
 * session-less types (hello, ping) the engine decides (typically: any configured peer). */
typedef int (*validator_member_fn)(void *ctx, uint64_t session_id, uint16_t sender, uint8_t type);

typedef struct validator_config {
    uint16_t self_index;          /* this node's peer index */
    uint16_t n_peers;             /* peer indices are 0 .. n_peers-1 (gaps allowed) */
    uint64_t max_skew_ms;         /* accepted |timestamp - now| */
    uint32_t replay_per_peer;     /* fingerprints remembered per sender, power of two, >= 8 */
    uint32_t rate_per_sec;        /* token refill per sender per second (0 = no rate limit) */
    uint32_t rate_burst;          /* bucket size (envelopes); a full bucket at start; >= 1 with a rate */
    uint32_t max_message_len;     /* default limit on header.total_len, <= WIRE_MAX_MESSAGE (0 = that) */
    uint32_t max_len_by_type[WIRE_TYPE_LIMIT]; /* per-type limit; 0 = use max_message_len */
    validator_member_fn is_member;/* NULL = every configured peer is a member of every session */
    void *member_ctx;
} validator_config;

/* One named counter per outcome (read by the metrics exporter). */
typedef struct validator_counters {
    uint64_t accepted;
    uint64_t unknown_sender;
    uint64_t from_self;
    uint64_t wrong_recipient;
    uint64_t too_large;
    uint64_t too_old;
    uint64_t too_new;
    uint64_t not_member;
    uint64_t replay;
    uint64_t stale;
    uint64_t rate_limited;
} validator_counters;

/* Why an envelope was rejected (VALIDATOR_OK = accepted). */
typedef enum validator_result {
    VALIDATOR_OK = 0,
    VALIDATOR_UNKNOWN_SENDER,
    VALIDATOR_FROM_SELF,
    VALIDATOR_WRONG_RECIPIENT,
    VALIDATOR_TOO_LARGE,
    VALIDATOR_TOO_OLD,
    VALIDATOR_TOO_NEW,
    VALIDATOR_NOT_MEMBER,
    VALIDATOR_REPLAY,
    VALIDATOR_STALE,
    VALIDATOR_RATE_LIMITED,
} validator_result;

typedef struct validator_peer validator_peer;

typedef struct validator {
    validator_config cfg;
    validator_peer *peers;        /* n_peers entries in the caller's memory */
    validator_counters ctr;
} validator;

/* Bytes of memory validator_init needs (0 if cfg is invalid). */
size_t validator_mem_size(const validator_config *cfg);
/* TSS_OK or TSS_ERR_INVALID_ARG. mem: >= validator_mem_size(cfg) bytes, 16-byte aligned, kept alive.
 * Draws per-peer hash keys from libsodium: call tss_init() first. Re-initialising clears all state. */
int validator_init(validator *v, const validator_config *cfg, void *mem, size_t mem_len);

/* Checks one signature-verified envelope at wall-clock time now_ms; on VALIDATOR_OK it is recorded
 * (replay cache, token spent). Exactly one counter is incremented. */
validator_result validator_check(validator *v, const wire_envelope *env, uint64_t now_ms);

/* Static name of a result, matching the counter name ("replay", ...; "accepted" for VALIDATOR_OK). */
const char *validator_result_name(validator_result r);

#ifdef __cplusplus
}
#endif
#endif
