/* RFC 8032 key generation and deterministic signing, delegated to libsodium. */
#include "tss/ed25519.h"

#include <sodium.h>

#include "tss/common.h"

int tss_ed25519_keypair_from_seed(uint8_t pk[32], uint8_t sk[64], const uint8_t seed[32])
{
    if (!pk || !sk || !seed) return TSS_ERR_INVALID_ARG;
    return crypto_sign_ed25519_seed_keypair(pk, sk, seed) == 0 ? TSS_OK : TSS_ERR_CRYPTO;
}

int tss_ed25519_keypair(uint8_t pk[32], uint8_t sk[64])
{
    uint8_t seed[32];
    if (!pk || !sk) return TSS_ERR_INVALID_ARG;
    randombytes_buf(seed, sizeof seed);
    const int rc = tss_ed25519_keypair_from_seed(pk, sk, seed);
    sodium_memzero(seed, sizeof seed);
    return rc;
}

int tss_ed25519_sign(uint8_t sig[64], const uint8_t *msg, size_t msg_len, const uint8_t sk[64])
{
    if (!sig || !sk || (!msg && msg_len)) return TSS_ERR_INVALID_ARG;
    return crypto_sign_ed25519_detached(sig, NULL, msg, msg_len, sk) == 0 ? TSS_OK : TSS_ERR_CRYPTO;
}
