/* Sans-I/O threshold-protocol sessions: FROST DKG and FROST signing between nodes.
 *
 * An engine core (src/engine.h) owns an arena of session slots. Each slot runs one session as an explicit
 * state machine. Sessions never do I/O, never allocate, never read a clock and never lock: the engine feeds
 * them inputs
 *     session_*_start      (a request from the control plane)
 *     session_on_message   (a complete message whose sender index was authenticated by its envelope
 *                           signature, see src/rx_pipeline.h, and validated, see src/validator.h)
 *     session_on_tick      (the engine's timer wheel: retry and timeout handling)
 * and sessions produce outputs through the session_io callbacks (messages to send, the final outcome).
 * Because everything is driven from outside, the same code runs inside tssd and in the deterministic
 * in-process cluster tests.
 *
 * Participants are node indices from the configured peer table; in every session the FROST identifier of
 * node index i is the integer identifier i (indices start at 1). t always means "t signers suffice".
 *
 * Messages (payload encodings are defined in src/session_codec.h; types in dataplane/wire.h):
 *   DKG:   WIRE_DKG_ROUND1 (broadcast) -> WIRE_DKG_ROUND1_CONFIRM (broadcast: per-sender digests of the
 *          round-1 set this node saw; a sender seen with two different packages is named as equivocating)
 *          -> WIRE_DKG_ROUND2 (point-to-point, sealed to the recipient with src/p2p_seal.h) -> result.
 *   Sign:  every candidate sends WIRE_SIGN_COMMITMENTS to the coordinator (chosen deterministically per
 *          session from the candidates: not always the first); the coordinator takes the first t to arrive,
 *          sends WIRE_SIGN_PACKAGE to them; they answer WIRE_SIGN_SHARE; the coordinator aggregates and
 *          broadcasts WIRE_SIGN_RESULT. A timeout or a named cheater starts a new attempt (round = attempt
 *          number) without them, as ROAST does, until t honest candidates have signed or too few remain.
 *          An unresponsive coordinator is handed over to the next in a deterministic order (fresh
 *          nonces; rounds restart under the new coordinator); every candidate accepts the result from
 *          whichever coordinator finishes, verified under the group key.
 *   Refresh and reshare run the DKG's three steps over the same message types and rounds (the session id
 *          tells the kinds apart): round 1 broadcast by the dealers (refresh: everyone; reshare: the old
 *          holders listed as dealers, whose round 1 also carries the old key's public part), the confirm
 *          by every member, sealed shares from each dealer to each receiver (refresh: everyone; reshare:
 *          the new holders), then each receiver combines its shares (src/session_keygen.c).
 *   Both:  WIRE_RETRY_REQUEST asks a peer to resend its message for (type, round); the peer answers by
 *          sending that message again (rebuilt from session state; sealed shares are re-sealed).
 */
#ifndef TSS_SRC_SESSION_H
#define TSS_SRC_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "tss/common.h"
#include "tss/frost.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SESSION_MAX_PARTICIPANTS 32   /* nodes in one session (the library goes much further) */
#define SESSION_MAX_MESSAGE 1024      /* bytes of a message to sign */
#define SESSION_REASON_LEN 96

typedef enum session_kind {
    SESSION_KIND_NONE = 0,
    SESSION_KIND_DKG = 1,
    SESSION_KIND_SIGN = 2,
    SESSION_KIND_REFRESH = 3,   /* new shares of a key for the same holders (same group key, same t) */
    SESSION_KIND_RESHARE = 4,   /* old holders deal a key to a new set with a new t (same group key) */
} session_kind;

typedef enum session_state {
    SESSION_STATE_FREE = 0,
    SESSION_STATE_RUNNING = 1,
    SESSION_STATE_DONE = 2,
    SESSION_STATE_FAILED = 3,
} session_state;

/* Timing policy (from the node config). */
typedef struct session_timing {
    uint64_t retry_initial_ms;   /* first retry request after this long waiting on a round */
    uint32_t retry_max;          /* retry requests per round, with exponential backoff */
    uint64_t attempt_timeout_ms; /* signing: a coordinator gives up on an attempt's missing shares */
    uint64_t session_timeout_ms; /* the whole session fails past this, naming the non-participants */
} session_timing;

/* The node's own keys and the peers' keys, shared read-only by every session of an engine. */
typedef struct session_keys {
    uint16_t self;                      /* this node's index */
    const uint8_t *node_sk;             /* 64-byte Ed25519 secret key (libsodium format) */
    const uint8_t (*peer_pk)[32];       /* peer_pk[i]: Ed25519 node key of index i (i < n_peers) */
    uint16_t n_peers;
    /* Scratch memory owned by the engine and shared by its sessions: used only inside a session call
     * (DKG parts 2 and 3; wiped before the call returns), so one per engine thread suffices. DKG sessions
     * need scratch_len >= session_scratch_size() (else session_dkg_start gives TSS_ERR_CAPACITY);
     * signing sessions need none. 16-byte alignment is enough. */
    void *scratch;
    size_t scratch_len;
} session_keys;

/* The outcome, delivered once through session_io.complete. */
typedef struct session_result {
    uint64_t session_id;
    session_kind kind;
    int status;                                   /* TSS_OK or the failure's tss_status */
    char reason[SESSION_REASON_LEN];              /* failure reason, human readable, no secrets */
    uint16_t culprits[SESSION_MAX_PARTICIPANTS];  /* misbehaving nodes (bad share/proof, equivocation) */
    uint8_t culprit_equivocated[SESSION_MAX_PARTICIPANTS]; /* 1: culprits[k] sent different round-1 packages */
    uint16_t n_culprits;
    uint16_t missing[SESSION_MAX_PARTICIPANTS];   /* nodes that did not respond in time */
    uint16_t n_missing;
    /* DKG (status TSS_OK): this node's key package (SECRET: the receiver stores it encrypted and the
     * session wipes it right after the callback returns) and the public key package entries. */
    tss_frost_key_package key_package;
    tss_frost_verifying_key group_key;
    uint32_t threshold;
    uint16_t participants[SESSION_MAX_PARTICIPANTS];
    tss_frost_verifying_share verifying_shares[SESSION_MAX_PARTICIPANTS];
    uint16_t n_participants;
    /* Sign (status TSS_OK): the signature under group_key; signers that took part in the final attempt. */
    tss_frost_signature signature;
    uint16_t signers[SESSION_MAX_PARTICIPANTS];
    uint16_t n_signers;
    /* DKG, refresh, reshare (status TSS_OK): whether key_package is set (0 for a reshare dealer that is
     * not a new holder: it must delete its old share), and the key's generation (0 after DKG, the old
     * generation + 1 after refresh / reshare). group_key, threshold and the participant lists are set
     * for every kind; verifying_shares only when has_key_package. */
    uint8_t has_key_package;
    uint32_t generation;
} session_result;

typedef struct session session;

/* Outputs. Both callbacks run synchronously inside the session call that produced them. */
typedef struct session_io {
    void *ctx;
    /* Send one logical message (any length up to WIRE_MAX_MESSAGE; the engine fragments, signs and
     * transmits). recipient: a node index, or WIRE_BROADCAST for every other participant of the session.
     * Returns TSS_OK or an error (the session treats a failed send like a lost message: retries cover it). */
    int (*send)(void *ctx, uint64_t session_id, uint8_t type, uint8_t round, uint16_t recipient,
                const uint8_t *payload, size_t len);
    /* The session finished (DONE or FAILED). Called exactly once per session. */
    void (*complete)(void *ctx, const session_result *result);
} session_io;

typedef struct session_dkg_params {
    uint64_t session_id;
    uint16_t participants[SESSION_MAX_PARTICIPANTS];  /* node indices, distinct, including self */
    uint16_t n;
    uint16_t t;                                       /* 1 <= t <= n */
} session_dkg_params;

typedef struct session_sign_params {
    uint64_t session_id;
    uint16_t candidates[SESSION_MAX_PARTICIPANTS];    /* candidate signers (node indices, include self) */
    uint16_t n_candidates;
    uint8_t message[SESSION_MAX_MESSAGE];
    uint16_t message_len;
    /* The key: this node's key package (SECRET; copied into the slot and wiped from it at the end) and
     * the public key package entries of every holder, indexed like `holders`. */
    tss_frost_key_package key_package;
    uint16_t holders[SESSION_MAX_PARTICIPANTS];
    tss_frost_verifying_share verifying_shares[SESSION_MAX_PARTICIPANTS];
    uint16_t n_holders;
} session_sign_params;

/* The public part of an existing key (refresh, reshare): group key, t, and every holder's verifying
 * share (holders: node indices, distinct, any order). */
typedef struct session_key_public {
    uint32_t generation;
    uint16_t t;
    tss_frost_verifying_key group_key;
    uint16_t holders[SESSION_MAX_PARTICIPANTS];
    tss_frost_verifying_share verifying_shares[SESSION_MAX_PARTICIPANTS];
    uint16_t n_holders;
} session_key_public;

/* Refresh: every holder of the key takes part (the participants are key.holders; t >= 2, since a 1-of-n
 * key has no polynomial to re-randomise). key_package is SECRET (copied into the slot, wiped at the end). */
typedef struct session_refresh_params {
    uint64_t session_id;
    tss_frost_key_package key_package;
    session_key_public key;
} session_refresh_params;

/* Reshare: the session's members are dealers ∪ new_participants.
 *   dealers: old holders that deal (>= the old t of them, each holding its key package; every node of the
 *            session must be given the same list).
 *   A node that holds the old key sets has_key with key (and key_package if it is a dealer). A new node
 *   without the key leaves has_key = 0: it takes the old public key from the dealers' round-1 messages
 *   (they must all carry the same one, and every member confirms what it saw), so it needs no prior
 *   knowledge of the key beyond the dealer list. */
typedef struct session_reshare_params {
    uint64_t session_id;
    uint16_t dealers[SESSION_MAX_PARTICIPANTS];
    uint16_t n_dealers;
    uint16_t new_participants[SESSION_MAX_PARTICIPANTS];
    uint16_t n_new;
    uint16_t new_t;                                   /* 1 <= new_t <= n_new */
    uint8_t has_key;
    session_key_public key;                           /* has_key: the old key's public part */
    tss_frost_key_package key_package;                /* dealers: SECRET, as in refresh */
} session_reshare_params;

/* Size of one session slot (sessions are fixed-size: the arena is an array of them). */
size_t session_size(void);
/* Bytes of session_keys.scratch a DKG of up to SESSION_MAX_PARTICIPANTS needs (about 340 KB). */
size_t session_scratch_size(void);

/* Starts a session in a FREE slot `s` (session_size() bytes, caller memory). Sends the first round.
 * TSS_ERR_INVALID_ARG for bad parameters (self not a participant, t out of range, duplicate index...). */
int session_dkg_start(session *s, const session_dkg_params *p, const session_keys *keys,
                      const session_timing *timing, const session_io *io, uint64_t now_ms);
int session_sign_start(session *s, const session_sign_params *p, const session_keys *keys,
                       const session_timing *timing, const session_io *io, uint64_t now_ms);
/* Refresh and reshare need scratch as DKG does. */
int session_refresh_start(session *s, const session_refresh_params *p, const session_keys *keys,
                          const session_timing *timing, const session_io *io, uint64_t now_ms);
int session_reshare_start(session *s, const session_reshare_params *p, const session_keys *keys,
                          const session_timing *timing, const session_io *io, uint64_t now_ms);

/* Feeds one authenticated message. Messages for a later round than the session has reached are kept
 * (bounded) and used when it gets there; duplicates are ignored; a malformed payload is rejected with an
 * error (and, where it proves misbehaviour, the sender is named). Never crashes on any input. */
int session_on_message(session *s, const session_io *io, uint16_t sender, uint8_t type, uint8_t round,
                       const uint8_t *payload, size_t len, uint64_t now_ms);

/* Drives retries and timeouts. Returns the next time (ms) at which it wants a tick, or 0 if finished. */
uint64_t session_on_tick(session *s, const session_io *io, uint64_t now_ms);

/* Introspection for the engine and the control plane. */
uint64_t session_id(const session *s);
session_kind session_kind_of(const session *s);
session_state session_state_of(const session *s);
/* 1 if node `sender` takes part in the session (the validator's membership check). */
int session_has_member(const session *s, uint16_t sender);
/* Signing sessions: the current coordinator's node index (every candidate computes the same order; it
 * moves to the next one on a hand-over, src/session_sign.c); 0 for other kinds. */
uint16_t session_coordinator(const session *s);

/* Wipes every secret in the slot and marks it FREE. */
void session_release(session *s);

#ifdef __cplusplus
}
#endif
#endif
