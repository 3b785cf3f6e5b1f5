/* Point-to-point encryption of protocol payloads (DKG round-2 secret shares) to one peer.
 *
 * crypto_box (X25519 + XSalsa20-Poly1305) between the two peers' node keys: the X25519 keys are
 * derived from the Ed25519 node keys in the peer table (crypto_sign_ed25519_{pk,sk}_to_curve25519),
 * so no separate encryption keys need distributing and a box can only be opened by the configured
 * peer. A random 24-byte nonce per message.
 *
 * The box key is the same in both directions, so the plaintext starts with a binding header
 * (version, type, round, session id, sender index, recipient index) that open() checks against what
 * the receiver expects: a box reflected back to its sender, redirected to another session, or moved
 * to another round fails to open. The envelope signature separately authenticates the datagram.
 *
 * Sealed layout:  nonce (24) || MAC (16) || encrypt(binding header (16) || message)
 *
 * Plaintext secret material is wiped from every buffer this module writes except the caller's output.
 */
#ifndef TSS_SRC_P2P_SEAL_H
#define TSS_SRC_P2P_SEAL_H

#include <stddef.h>
#include <stdint.h>

#include "tss/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define P2P_NONCE_BYTES 24
#define P2P_MAC_BYTES 16
#define P2P_BINDING_BYTES 16
#define P2P_SEAL_OVERHEAD (P2P_NONCE_BYTES + P2P_MAC_BYTES + P2P_BINDING_BYTES) /* 56 */

/* What a sealed message is bound to; both sides must agree on every field. */
typedef struct p2p_context {
    uint64_t session_id;
    uint16_t sender;       /* peer index of the sealing node */
    uint16_t recipient;    /* peer index of the node that can open it */
    uint8_t type;          /* wire message type carrying it (WIRE_DKG_ROUND2) */
    uint8_t round;
} p2p_context;

/* The precomputed box key between this node and one peer (crypto_box_beforenm). Secret: wipe it with
 * p2p_key_wipe. Computing it costs two key conversions and an X25519; do it once per peer. */
typedef struct p2p_key {
    uint8_t shared[32];
} p2p_key;

/* Derives the box key from this node's Ed25519 secret key (64 bytes, libsodium layout) and the peer's
 * Ed25519 public key. TSS_OK, TSS_ERR_ENCODING (peer key not a valid point) or TSS_ERR_CRYPTO (a
 * degenerate shared secret, e.g. a small-order key). */
int p2p_key_init(p2p_key *key, const uint8_t my_ed25519_sk[64], const uint8_t peer_ed25519_pk[32]);
void p2p_key_wipe(p2p_key *key);

/* Seals msg[0..msg_len) for ctx->recipient into out (out_cap >= msg_len + P2P_SEAL_OVERHEAD).
 * out and msg must not overlap. TSS_OK and *out_len, TSS_ERR_CAPACITY, TSS_ERR_INVALID_ARG. */
int p2p_seal(uint8_t *out, size_t out_cap, size_t *out_len, const uint8_t *msg, size_t msg_len,
             const p2p_context *ctx, const p2p_key *key);

/* Opens a sealed message addressed to this node (ctx as the receiver expects it: sender = the peer
 * whose envelope carried it, recipient = this node). out_cap >= sealed_len - P2P_NONCE_BYTES -
 * P2P_MAC_BYTES (the binding header is decrypted into out first, then the message is moved down).
 * TSS_OK and *out_len; TSS_ERR_VERIFY on a forged/tampered box or a binding mismatch (out wiped);
 * TSS_ERR_ENCODING if sealed_len < P2P_SEAL_OVERHEAD; TSS_ERR_CAPACITY; TSS_ERR_INVALID_ARG. */
int p2p_open(uint8_t *out, size_t out_cap, size_t *out_len, const uint8_t *sealed, size_t sealed_len,
             const p2p_context *ctx, const p2p_key *key);

#ifdef __cplusplus
}
#endif
#endif
