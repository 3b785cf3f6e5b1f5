/* The session slot layout shared by src/session.c (dispatch), src/session_core.c (membership, retries,
 * outcome), src/session_keygen.c (with src/session_dkg.c, src/session_refresh.c, src/session_reshare.c)
 * and src/session_sign.c. Calls run one way: session.c -> the kinds -> session_core.c. Not a public interface: the engine sees only src/session.h. */
#ifndef TSS_SRC_SESSION_INTERNAL_H
#define TSS_SRC_SESSION_INTERNAL_H

#define SESSION_CULPRIT_INVALID 1     /* sent something that failed verification */
#define SESSION_CULPRIT_EQUIVOCATED 2 /* sent different round-1 packages to different members */

#include <stddef.h>
#include <stdint.h>

#include "dataplane/wire.h"
#include "src/p2p_seal.h"
#include "src/session.h"
#include "src/session_codec.h"
#include "tss/frost.h"
#include "tss/frost_keygen.h"

#define SESSION_MAXP SESSION_MAX_PARTICIPANTS

/* DKG wire rounds (the header's round field of each DKG message type). */
enum { DKG_ROUND_R1 = 1, DKG_ROUND_CONFIRM = 2, DKG_ROUND_R2 = 3 };

/* Retry bookkeeping for the set of messages the session is waiting for right now. */
typedef struct session_wait {
    uint64_t next_ms;   /* next retry request, or UINT64_MAX when none is planned */
    uint32_t retries;   /* requests sent for this wait */
} session_wait;

/* The state of the key generation family (DKG, refresh, reshare: src/session_keygen.c). "Dealers" send
 * round 1 and shares, "receivers" get shares and end up holding the key; in DKG and refresh every member
 * is both, in reshare the dealers are old holders and the receivers the new ones. */
typedef struct dkg_state {
    uint8_t phase; /* DKG_ROUND_R1 (collecting round 1), _CONFIRM (collecting confirms), _R2 (shares) */
    uint8_t sent_r2;
    uint8_t dealer[SESSION_MAXP];                           /* by position */
    uint8_t receiver[SESSION_MAXP];
    uint8_t dealer_pos[SESSION_MAXP];                       /* positions of the dealers, ascending */
    uint16_t n_dealers;
    uint16_t n_receivers;
    uint16_t t;                                             /* threshold of the key being made */
    /* Refresh and reshare: the old key. old_kp is SECRET (dealers only). */
    tss_frost_key_package old_kp;
    uint8_t has_old_kp;
    uint8_t has_old;                                        /* `old` is known (given, or adopted) */
    uint8_t old_adopted;                                    /* reshare: learnt from a dealer's round 1 */
    session_key_public old;
    uint8_t old_digest[SESSION_DIGEST_BYTES];               /* of old's encoding */
    tss_frost_public_key_package old_pkp;
    tss_frost_public_share old_pkp_shares[SESSION_MAXP];
    tss_frost_dkg_secret_package sp;                        /* SECRET */
    tss_frost_scalar coefficients[SESSION_MAXP];            /* SECRET (sp's storage) */
    tss_frost_element own_commitment[SESSION_MAXP];         /* sp's storage */
    /* Per participant position (self included): the round-1 package and the digest of its payload. */
    tss_frost_dkg_round1_package r1[SESSION_MAXP];
    tss_frost_element r1_commitment[SESSION_MAXP][SESSION_MAXP];
    uint8_t r1_digest[SESSION_MAXP][SESSION_DIGEST_BYTES];
    uint8_t have_r1[SESSION_MAXP];
    /* confirm[k][j]: the digest participant k saw for participant j's round-1 package. */
    uint8_t confirm[SESSION_MAXP][SESSION_MAXP][SESSION_DIGEST_BYTES];
    uint8_t have_confirm[SESSION_MAXP];
    tss_frost_signing_share r2_in[SESSION_MAXP];            /* SECRET: f_j(self) from position j */
    uint8_t have_r2[SESSION_MAXP];
    tss_frost_dkg_round2_package r2_out[SESSION_MAXP];      /* SECRET: f_self(j), kept to answer retries */
    p2p_key p2p[SESSION_MAXP];                              /* SECRET: box keys, computed on first use */
    uint8_t have_p2p[SESSION_MAXP];
    /* Part 2/3 inputs gathered contiguously (others only). */
    tss_frost_dkg_round1_package others_r1[SESSION_MAXP];
    tss_frost_dkg_round2_package others_r2[SESSION_MAXP];   /* SECRET */
    tss_frost_public_share pkp_shares[SESSION_MAXP];
} dkg_state;

enum { SIGN_PHASE_COMMIT = 1, SIGN_PHASE_SHARES = 2 };

typedef struct sign_state {
    uint16_t coordinator;                /* the current epoch's coordinator */
    uint8_t coord_pos;
    uint8_t coord_start;                 /* position of epoch 0's coordinator (hash-picked) */
    uint8_t epoch;                       /* coordinator hand-overs so far: coordinator = order[epoch] */
    uint64_t coord_heard_ms;             /* last word from the current coordinator (or epoch start) */
    uint8_t attempt;                     /* current attempt under this coordinator = wire round */
    uint16_t t;
    uint16_t message_len;
    uint8_t message[SESSION_MAX_MESSAGE];
    tss_frost_key_package kp;            /* SECRET */
    tss_frost_public_key_package pkp;
    tss_frost_public_share pkp_shares[SESSION_MAXP];
    /* This node as a signer. */
    tss_frost_signing_nonces nonces;     /* SECRET: live for `attempt` until used or superseded */
    tss_frost_signing_commitments own_commitments;
    uint8_t signed_this_attempt;         /* a package for `attempt` was signed (nonce consumed) */
    uint8_t package_digest[SESSION_DIGEST_BYTES];
    tss_frost_signature_share own_share;
    /* Coordinator. */
    uint8_t phase;
    uint8_t excluded[SESSION_MAXP];
    uint8_t have_commitments[SESSION_MAXP];
    tss_frost_signing_commitments commitments[SESSION_MAXP];
    uint8_t chosen[SESSION_MAXP];
    uint16_t n_chosen;
    uint8_t have_share[SESSION_MAXP];
    tss_frost_signature_share shares[SESSION_MAXP];
    tss_frost_signing_commitments package_commitments[SESSION_MAXP];
    tss_frost_signing_package package;
    uint8_t package_buf[SESSION_SIGN_PACKAGE_MAX];
    size_t package_len;
    uint64_t attempt_deadline_ms;
    /* The outcome message (coordinator: sent; everyone: kept to answer retries). */
    uint8_t result_buf[SESSION_SIGN_RESULT_MAX];
    size_t result_len;
    /* Signer-side decode buffers for a received package. */
    tss_frost_signing_commitments rx_commitments[SESSION_MAXP];
    uint8_t rx_message[SESSION_MAX_MESSAGE];
} sign_state;

#define SESSION_MAGIC 0x53455353u /* "SESS": marks an initialised slot */

struct session {
    uint32_t magic;
    session_kind kind;
    session_state state;
    uint64_t id;
    uint16_t self;
    uint8_t self_pos;
    uint16_t n;                          /* members */
    uint16_t members[SESSION_MAXP];      /* sorted ascending */
    const uint8_t *node_sk;
    const uint8_t (*peer_pk)[32];
    uint16_t n_peers;
    void *scratch;                       /* the engine's (session_keys.scratch), used within one call */
    size_t scratch_len;
    session_timing timing;
    uint64_t deadline_ms;                /* session timeout */
    session_wait wait;
    uint8_t culprit[SESSION_MAXP];       /* by position: 0, or a SESSION_CULPRIT_* reason */
    uint8_t missing[SESSION_MAXP];       /* by position */
    session_result result;
    void (*wipe)(session *s);            /* the kind's wipe of its secrets (set by its start) */
    union {
        dkg_state dkg;
        sign_state sign;
    } u;
};

/* ---- session_core.c: helpers of every kind ---- */
int session_pos(const session *s, uint16_t node);  /* position of node among members, or -1 */
int session_send(session *s, const session_io *io, uint8_t type, uint8_t round, uint16_t to, const uint8_t *payload,
                 size_t len);
int session_send_retry_request(session *s, const session_io *io, uint16_t to, uint8_t type, uint8_t round);
/* Starts a new wait (first retry after retry_initial_ms). */
void session_wait_reset(session *s, uint64_t now_ms);
/* 1 if a retry request is due now (and books it: backoff doubles), else 0. */
int session_wait_due(session *s, uint64_t now_ms);
/* Reports the outcome (culprits and missing from the flags), sets DONE / FAILED, calls io->complete once,
 * then wipes the kind's secrets (s->wipe). */
void session_finish(session *s, const session_io *io, int status, const char *reason);
int session_members_init(session *s, const uint16_t *nodes, uint16_t n, const session_keys *keys);
void session_digest(uint8_t out[SESSION_DIGEST_BYTES], const uint8_t *in, size_t len);
uint16_t session_identifier_node(const tss_frost_identifier *id); /* 0 if not a small integer */

/* ---- per kind ---- */
/* The key generation family (session_keygen.c), one set of steps per kind (session_dkg.c,
 * session_refresh.c, session_reshare.c). */
typedef struct keygen_ops {
    /* This node's round-1 payload (dealers only). */
    int (*round1_encode)(session *s, uint8_t *out, size_t cap, size_t *len);
    /* Decodes dealer `pos`'s round-1 payload into u.dkg.r1[pos]: TSS_ERR_ENCODING if malformed; sets
     * s->culprit[...] and returns TSS_ERR_CULPRIT (or another failure) if it proves the session failed. */
    int (*round1_accept)(session *s, int pos, const uint8_t *in, size_t len);
    /* Once every confirm matches: fills u.dkg.r2_out[pos] for every receiver other than self. */
    int (*deal)(session *s, tss_frost_identifier *culprits, size_t cap, size_t *n_culprits);
    /* Once every share is in (receivers): fills s->result (key package, public key package). */
    int (*combine)(session *s, tss_frost_identifier *culprits, size_t cap, size_t *n_culprits);
} keygen_ops;

extern const keygen_ops session_dkg_ops;
extern const keygen_ops session_refresh_ops;
extern const keygen_ops session_reshare_ops;

/* Common start: members, dealer/receiver flags and kind-specific state are set (and, for a dealer,
 * u.dkg.r1[self_pos]); marks the slot RUNNING, broadcasts round 1 (dealers) and advances. */
int session_keygen_begin(session *s, const session_io *io, uint64_t now_ms);
/* Common parameter checks and slot setup for the three kinds (members from nodes). */
int session_keygen_setup(session *s, session_kind kind, uint64_t session_id, const uint16_t *nodes, uint16_t n,
                         const session_keys *keys, const session_timing *timing, uint64_t now_ms);
/* Builds u.dkg.old_pkp from u.dkg.old (sorted). */
int session_keygen_old_pkp(session *s);
/* Fills the result's public key package entries from pkp for the receivers; TSS_ERR_STATE if one is missing. */
int session_keygen_result_shares(session *s, const tss_frost_public_key_package *pkp);
/* Round-1 packages bound to the slot's commitment storage (after a failed decode too). */
void session_keygen_r1_reset(session *s, int pos);
/* DKG and refresh: own round-1 package; a peer's (TSS_ERR_ENCODING if malformed or not from that member). */
int session_keygen_dkg_round1_encode(session *s, uint8_t *out, size_t cap, size_t *len);
int session_keygen_dkg_round1_accept(session *s, int pos, const uint8_t *in, size_t len);
/* Every other member's round-1 package into u.dkg.others_r1 / received share into others_r2 (member
 * order); returns the count. */
size_t session_keygen_gather_r1(session *s);
size_t session_keygen_gather_r2(session *s);
/* out[k] (part 2's output, for the k-th other member) into u.dkg.r2_out by position. */
/* Sorts a key's holders ascending with their shares; TSS_ERR_INVALID_ARG if malformed (t, duplicates). */
int session_keygen_sort_key(session_key_public *k);
void session_keygen_scatter_r2(session *s, tss_frost_dkg_round2_package *out);

int session_dkg_on_message(session *s, const session_io *io, int pos, uint8_t type, uint8_t round,
                           const uint8_t *payload, size_t len, uint64_t now_ms);
int session_dkg_on_retry(session *s, const session_io *io, int pos, uint8_t type, uint8_t round);
uint64_t session_dkg_on_tick(session *s, const session_io *io, uint64_t now_ms);
void session_dkg_mark_missing(session *s);
void session_dkg_wipe(session *s);

int session_sign_on_message(session *s, const session_io *io, int pos, uint8_t type, uint8_t round,
                            const uint8_t *payload, size_t len, uint64_t now_ms);
int session_sign_on_retry(session *s, const session_io *io, int pos, uint8_t type, uint8_t round, uint64_t now_ms);
uint64_t session_sign_on_tick(session *s, const session_io *io, uint64_t now_ms);
void session_sign_mark_missing(session *s);
void session_sign_wipe(session *s);

#endif
