/* The node's records in the store, and the two kinds of entry behind them: a session's public outcome
 * (node_status: what the API reports) and a key's public parts (node_key). Both encode little-endian
 * with a version byte first; decoders check every length against the buffer and refuse trailing bytes.
 *
 *   session record (TSS_STORE_SESSION, id = session id, 8 bytes big-endian):
 *     ver | session_id u64 | key_id u64 | duration_us u64 | status u32 | kind u8 | state u8 |
 *     message_len u8 | message | group key (32) | signature (64) | n_signers u16 | signers u16... |
 *     n_culprits u16 | (node u16, reason u8)...
 *   public key record (TSS_STORE_PUBLIC_KEY_PACKAGE, id = group key):
 *     ver | key_id u64 | generation u32 | t u16 | n u16 | group key | n x (index u16, verifying share)
 *   key package record (TSS_STORE_KEY_PACKAGE, encrypted): id = group key, or group key ‖ generation
 *     (big-endian u32) after a refresh or reshare (node_key_secret_id). */
#ifndef TSS_SRC_NODE_RECORD_H
#define TSS_SRC_NODE_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "src/api.h"
#include "src/session.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NODE_MAX_P SESSION_MAX_PARTICIPANTS
#define NODE_RECORD_MAX 1024            /* bytes of one encoded session record */
#define NODE_KEY_RECORD_MAX (16 + 32 + NODE_MAX_P * 34 + 16)
#define NODE_SECRET_ID_MAX 36

/* Session status kept for the API (public data only). */
typedef struct node_status {
    uint64_t session_id;
    uint64_t key_id;
    uint64_t start_us;
    uint64_t end_us;
    int32_t status;
    uint8_t used;
    uint8_t kind;                     /* tss_api_session_kind */
    uint8_t state;                    /* tss_api_session_state */
    uint8_t engine;
    char message[TSS_API_ERRMSG_MAX];
    uint8_t group_pk[32];
    uint8_t signature[64];
    uint16_t n_signers;
    uint16_t signers[NODE_MAX_P];
    uint16_t n_culprits;
    uint16_t culprit_node[2 * NODE_MAX_P];
    uint8_t culprit_reason[2 * NODE_MAX_P];
} node_status;

/* A key this node holds a share of (public parts). */
typedef struct node_key {
    uint64_t key_id;
    uint32_t generation;
    uint16_t threshold;
    uint16_t n;
    uint8_t group_pk[32];
    uint16_t participants[NODE_MAX_P];
    uint8_t vshares[NODE_MAX_P][32];
} node_key;

/* Encoded length, or 0 if it does not fit in cap. A decoded session record has end_us = its duration
 * (start_us 0) and used = 1. Decoders: TSS_OK or TSS_ERR_ENCODING. */
size_t node_status_encode(uint8_t *out, size_t cap, const node_status *s);
int node_status_decode(node_status *s, const uint8_t *in, size_t len);
size_t node_key_encode(uint8_t *out, size_t cap, const node_key *k);
int node_key_decode(node_key *k, const uint8_t *in, size_t len);

/* The session record's id: the session id, big-endian. */
void node_session_record_id(uint8_t out[8], uint64_t session_id);
/* The key package's record id (returns its length, 32 or 36): the group key for generation 0 (a DKG's
 * key), the group key and the generation after a refresh or reshare, so a new share never overwrites the
 * one the public record still names. */
size_t node_key_secret_id(uint8_t id[NODE_SECRET_ID_MAX], const uint8_t group_pk[32], uint32_t generation);

#ifdef __cplusplus
}
#endif
#endif
