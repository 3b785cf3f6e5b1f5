#include "src/identity.h"

#include "src/keyfile.h"
#include "tss/common.h"

#include <sodium.h>

int tss_identity_generate(tss_identity *id)
{
    if (id == NULL)
        return TSS_ERR_INVALID_ARG;
    if (crypto_sign_keypair(id->public_key, id->secret_key) != 0) {
        sodium_memzero(id, sizeof *id);
        return TSS_ERR_CRYPTO;
    }
    return TSS_OK;
}

int tss_identity_write(const tss_identity *id, const char *path, char *err, size_t err_len)
{
    if (id == NULL || path == NULL)
        return TSS_ERR_INVALID_ARG;
    uint8_t seed[TSS_IDENTITY_SEED_BYTES];
    crypto_sign_ed25519_sk_to_seed(seed, id->secret_key);
    int rc = tss_keyfile_write(path, seed, sizeof seed, err, err_len);
    sodium_memzero(seed, sizeof seed);
    return rc;
}

int tss_identity_load(tss_identity *id, const char *path, char *err, size_t err_len)
{
    if (id == NULL || path == NULL)
        return TSS_ERR_INVALID_ARG;
    uint8_t seed[TSS_IDENTITY_SEED_BYTES];
    int rc = tss_keyfile_read(path, seed, sizeof seed, err, err_len);
    if (rc == TSS_OK && crypto_sign_seed_keypair(id->public_key, id->secret_key, seed) != 0)
        rc = TSS_ERR_CRYPTO;
    sodium_memzero(seed, sizeof seed);
    if (rc != TSS_OK)
        sodium_memzero(id, sizeof *id);
    return rc;
}

void tss_identity_public_hex(const tss_identity *id, char hex[2 * TSS_IDENTITY_PK_BYTES + 1])
{
    sodium_bin2hex(hex, 2 * TSS_IDENTITY_PK_BYTES + 1, id->public_key, TSS_IDENTITY_PK_BYTES);
}

void tss_identity_wipe(tss_identity *id)
{
    if (id != NULL)
        sodium_memzero(id, sizeof *id);
}
