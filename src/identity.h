/* A node's Ed25519 identity key: the key that signs its envelopes and that peers pin in their config.
 *
 * On disk: the 32-byte Ed25519 seed (RFC 8032 private key), a key file as in src/keyfile.h (0600,
 * never overwritten, refused when group or others may access it). */
#ifndef TSS_SRC_IDENTITY_H
#define TSS_SRC_IDENTITY_H

#include <stddef.h>
#include <stdint.h>

#define TSS_IDENTITY_PK_BYTES 32
#define TSS_IDENTITY_SK_BYTES 64 /* seed || pk, as libsodium */
#define TSS_IDENTITY_SEED_BYTES 32

typedef struct tss_identity {
    uint8_t public_key[TSS_IDENTITY_PK_BYTES];
    uint8_t secret_key[TSS_IDENTITY_SK_BYTES];
} tss_identity;

/* A fresh random identity. TSS_OK or TSS_ERR_CRYPTO. */
int tss_identity_generate(tss_identity *id);

/* Writes the seed to a new 0600 file (never overwrites: TSS_ERR_DUPLICATE). See tss_keyfile_write. */
int tss_identity_write(const tss_identity *id, const char *path, char *err, size_t err_len);

/* Loads and checks an identity file (see tss_keyfile_read); id is wiped on failure. */
int tss_identity_load(tss_identity *id, const char *path, char *err, size_t err_len);

/* Lower-case hex of the public key into hex (65 bytes with the terminator). */
void tss_identity_public_hex(const tss_identity *id, char hex[2 * TSS_IDENTITY_PK_BYTES + 1]);

/* Zeroizes the whole identity. */
void tss_identity_wipe(tss_identity *id);

#endif
