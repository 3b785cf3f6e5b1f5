/* Fiat–Shamir transcripts and hashes of the threshold ECDSA module (BLAKE2b-512, libsodium).
 *
 * Every absorbed item is typed and length-prefixed: tag byte ‖ u32 label length ‖ label ‖ u64 length ‖ data,
 * so no two different item sequences hash the same input (the "ambiguous encoding" class of attacks:
 * TSSHOCK's α-shuffle, ambiguous challenge derivation). A transcript starts with the protocol's domain
 * string and a purpose; ecdsa_transcript_bind adds the session id, the party set, the round and the sender. */
#ifndef TSS_ECDSA_TRANSCRIPT_H
#define TSS_ECDSA_TRANSCRIPT_H

#include <stddef.h>
#include <stdint.h>
#include <sodium.h>

#include "crypto/secp256k1_scalar.h"

#define ECDSA_DOMAIN "tss-ecdsa-secp256k1-dkls23-v1"

enum ecdsa_item_type {
    ECDSA_T_BYTES = 1,
    ECDSA_T_U32 = 2,
    ECDSA_T_POINT = 3,
    ECDSA_T_SCALAR = 4,
    ECDSA_T_SID = 5,
    ECDSA_T_PARTIES = 6,
    ECDSA_T_ROUND = 7,
    ECDSA_T_SENDER = 8,
    ECDSA_T_RECEIVER = 9,
};

typedef struct {
    crypto_generichash_blake2b_state h;
} ecdsa_transcript;

void ecdsa_transcript_init(ecdsa_transcript *t, const char *purpose);
void ecdsa_transcript_append(ecdsa_transcript *t, uint8_t type, const char *label, const void *data, size_t len);
void ecdsa_transcript_u32(ecdsa_transcript *t, const char *label, uint32_t x);
void ecdsa_transcript_point(ecdsa_transcript *t, const char *label, const uint8_t p[33]);
void ecdsa_transcript_scalar(ecdsa_transcript *t, const char *label, const k1_scalar *s);
/* Session id, the (sorted) party set, the round number and the sender (0 if none). */
void ecdsa_transcript_bind(ecdsa_transcript *t, const uint8_t sid[32], const uint32_t *parties, uint32_t n_parties,
                           uint32_t round, uint32_t sender);
/* Output (finalizes; the transcript must not be used afterwards): 1..64 bytes, or a scalar (64 bytes mod n). */
void ecdsa_transcript_bytes_out(ecdsa_transcript *t, uint8_t *out, size_t len);
void ecdsa_transcript_scalar_out(ecdsa_transcript *t, k1_scalar *out);

/* Bulk hashing of large protocol payloads (OT-extension matrices, RVOLE payloads: tens of KB per pair and
 * session) with SHA-256 through OpenSSL (SHA-NI where present: 2.6x faster than BLAKE2b here), framed like a
 * transcript: SHA-256(u32 len ‖ label ‖ sid ‖ u64 len ‖ data ‖ ...). Streaming: init, update*, final. */
typedef struct {
    void *md;   /* EVP_MD_CTX */
    uint64_t len;
} ecdsa_bulk;
int ecdsa_bulk_init(ecdsa_bulk *b, const char *label, const uint8_t sid[32]);
void ecdsa_bulk_update(ecdsa_bulk *b, const void *data, size_t len);
/* Writes 32 bytes and frees the context; -1 if OpenSSL failed anywhere (out is then zero). */
int ecdsa_bulk_final(ecdsa_bulk *b, uint8_t out[32]);

#endif
