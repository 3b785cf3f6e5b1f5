/* Point-to-point sealing with crypto_box over keys derived from the Ed25519 node keys. */
#include "src/p2p_seal.h"

#include <sodium.h>
#include <string.h>

_Static_assert(crypto_box_NONCEBYTES == P2P_NONCE_BYTES, "nonce size");
_Static_assert(crypto_box_MACBYTES == P2P_MAC_BYTES, "mac size");
_Static_assert(crypto_box_BEFORENMBYTES == sizeof(((p2p_key *)0)->shared), "box key size");

#define BINDING_VERSION 1

static void binding_write(uint8_t b[P2P_BINDING_BYTES], const p2p_context *ctx)
{
    b[0] = BINDING_VERSION;
    b[1] = ctx->type;
    b[2] = ctx->round;
    b[3] = 0;
    for (int i = 0; i < 8; i++) b[4 + i] = (uint8_t)(ctx->session_id >> (8 * i));
    b[12] = (uint8_t)ctx->sender;
    b[13] = (uint8_t)(ctx->sender >> 8);
    b[14] = (uint8_t)ctx->recipient;
    b[15] = (uint8_t)(ctx->recipient >> 8);
}

int p2p_key_init(p2p_key *key, const uint8_t my_ed25519_sk[64], const uint8_t peer_ed25519_pk[32])
{
    if (key == NULL || my_ed25519_sk == NULL || peer_ed25519_pk == NULL) return TSS_ERR_INVALID_ARG;
    uint8_t my_x[32], peer_x[32];
    int status = TSS_OK;
    if (crypto_sign_ed25519_pk_to_curve25519(peer_x, peer_ed25519_pk) != 0)
        status = TSS_ERR_ENCODING;
    else if (crypto_sign_ed25519_sk_to_curve25519(my_x, my_ed25519_sk) != 0 ||
             crypto_box_beforenm(key->shared, peer_x, my_x) != 0)
        status = TSS_ERR_CRYPTO;
    /* my_x is this node's X25519 secret: wiped on every path, and no half-made key is left behind. */
    sodium_memzero(my_x, sizeof my_x);
    if (status != TSS_OK) sodium_memzero(key, sizeof *key);
    return status;
}

void p2p_key_wipe(p2p_key *key)
{
    if (key != NULL) sodium_memzero(key, sizeof *key);
}

int p2p_seal(uint8_t *out, size_t out_cap, size_t *out_len, const uint8_t *msg, size_t msg_len,
             const p2p_context *ctx, const p2p_key *key)
{
    if (out == NULL || out_len == NULL || ctx == NULL || key == NULL || (msg == NULL && msg_len > 0))
        return TSS_ERR_INVALID_ARG;
    if (msg_len > SIZE_MAX - P2P_SEAL_OVERHEAD || out_cap < msg_len + P2P_SEAL_OVERHEAD) return TSS_ERR_CAPACITY;
    uint8_t *nonce = out;
    uint8_t *mac = out + P2P_NONCE_BYTES;
    uint8_t *body = mac + P2P_MAC_BYTES;
    size_t body_len = P2P_BINDING_BYTES + msg_len;

    randombytes_buf(nonce, P2P_NONCE_BYTES);
    /* Plaintext is assembled in the output and encrypted in place (c == m is supported), so no
     * other buffer ever holds the secret. */
    binding_write(body, ctx);
    if (msg_len > 0) memcpy(body + P2P_BINDING_BYTES, msg, msg_len);
    if (crypto_box_detached_afternm(body, mac, body, body_len, nonce, key->shared) != 0) {
        sodium_memzero(out, P2P_SEAL_OVERHEAD + msg_len);
        return TSS_ERR_CRYPTO;
    }
    *out_len = P2P_NONCE_BYTES + P2P_MAC_BYTES + body_len;
    return TSS_OK;
}

int p2p_open(uint8_t *out, size_t out_cap, size_t *out_len, const uint8_t *sealed, size_t sealed_len,
             const p2p_context *ctx, const p2p_key *key)
{
    if (out == NULL || out_len == NULL || sealed == NULL || ctx == NULL || key == NULL)
        return TSS_ERR_INVALID_ARG;
    if (sealed_len < P2P_SEAL_OVERHEAD) return TSS_ERR_ENCODING;
    const uint8_t *nonce = sealed;
    const uint8_t *mac = sealed + P2P_NONCE_BYTES;
    const uint8_t *body = mac + P2P_MAC_BYTES;
    size_t body_len = sealed_len - P2P_NONCE_BYTES - P2P_MAC_BYTES;
    if (out_cap < body_len) return TSS_ERR_CAPACITY;

    if (crypto_box_open_detached_afternm(out, body, mac, body_len, nonce, key->shared) != 0) {
        sodium_memzero(out, body_len);
        return TSS_ERR_VERIFY;
    }
    uint8_t expect[P2P_BINDING_BYTES];
    binding_write(expect, ctx);
    if (sodium_memcmp(out, expect, P2P_BINDING_BYTES) != 0) {
        sodium_memzero(out, body_len);
        return TSS_ERR_VERIFY;
    }
    size_t msg_len = body_len - P2P_BINDING_BYTES;
    memmove(out, out + P2P_BINDING_BYTES, msg_len);
    sodium_memzero(out + msg_len, P2P_BINDING_BYTES);
    *out_len = msg_len;
    return TSS_OK;
}
