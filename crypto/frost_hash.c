/* The FROST(Ed25519, SHA-512) ciphersuite hashes (RFC 9591 §6.5) and nonce generation. */
#include <string.h>
#include <sodium.h>

#include "crypto/frost_internal.h"

/* libsodium's update with (NULL, 0) would pass NULL to memcpy. */
static void absorb(crypto_hash_sha512_state *st, const uint8_t *m, size_t len)
{
    if (len != 0)
        crypto_hash_sha512_update(st, m, len);
}

void frost_hash_init(crypto_hash_sha512_state *st, const char *tag)
{
    crypto_hash_sha512_init(st);
    crypto_hash_sha512_update(st, (const uint8_t *)TSS_FROST_CONTEXT_STRING, sizeof(TSS_FROST_CONTEXT_STRING) - 1);
    crypto_hash_sha512_update(st, (const uint8_t *)tag, strlen(tag));
}

void frost_hash_final_scalar(sc25519 *out, crypto_hash_sha512_state *st)
{
    uint8_t digest[64];
    crypto_hash_sha512_final(st, digest);
    sc25519_from_bytes_reduce64(out, digest);
    sodium_memzero(digest, sizeof digest);
    sodium_memzero(st, sizeof *st);
}

static void tagged_scalar(sc25519 *out, const char *tag, const uint8_t *m, size_t len)
{
    crypto_hash_sha512_state st;
    frost_hash_init(&st, tag);
    absorb(&st, m, len);
    frost_hash_final_scalar(out, &st);
}

static void tagged_digest(uint8_t out[64], const char *tag, const uint8_t *m, size_t len)
{
    crypto_hash_sha512_state st;
    frost_hash_init(&st, tag);
    absorb(&st, m, len);
    crypto_hash_sha512_final(&st, out);
}

void frost_h1(sc25519 *out, const uint8_t *m, size_t len) { tagged_scalar(out, "rho", m, len); }

void frost_h2(sc25519 *out, const uint8_t *m, size_t len)
{
    crypto_hash_sha512_state st;
    uint8_t digest[64];
    crypto_hash_sha512_init(&st);
    absorb(&st, m, len);
    crypto_hash_sha512_final(&st, digest);
    sc25519_from_bytes_reduce64(out, digest);
}

void frost_h3(sc25519 *out, const uint8_t *m, size_t len) { tagged_scalar(out, "nonce", m, len); }
void frost_h4(uint8_t out[64], const uint8_t *m, size_t len) { tagged_digest(out, "msg", m, len); }
void frost_h5(uint8_t out[64], const uint8_t *m, size_t len) { tagged_digest(out, "com", m, len); }
void frost_hid(sc25519 *out, const uint8_t *m, size_t len) { tagged_scalar(out, "id", m, len); }
void frost_hdkg(sc25519 *out, const uint8_t *m, size_t len) { tagged_scalar(out, "dkg", m, len); }

void frost_challenge(sc25519 *c, const uint8_t R[32], const uint8_t A[32], const uint8_t *msg, size_t msg_len)
{
    crypto_hash_sha512_state st;
    uint8_t digest[64];
    crypto_hash_sha512_init(&st);
    crypto_hash_sha512_update(&st, R, 32);
    crypto_hash_sha512_update(&st, A, 32);
    absorb(&st, msg, msg_len);
    crypto_hash_sha512_final(&st, digest);
    sc25519_from_bytes_reduce64(c, digest);
}

void frost_nonce_generate(sc25519 *nonce, const uint8_t random[32], const uint8_t secret[32])
{
    crypto_hash_sha512_state st;
    frost_hash_init(&st, "nonce");
    crypto_hash_sha512_update(&st, random, 32);
    crypto_hash_sha512_update(&st, secret, 32);
    frost_hash_final_scalar(nonce, &st);
}
