/* Round 1: hedged nonce generation and commitments (RFC 9591 §5.1). */
#include <string.h>
#include <sodium.h>

#include "crypto/frost_internal.h"

void tss_frost_signing_nonces_wipe(tss_frost_signing_nonces *nonces)
{
    if (nonces != NULL)
        sodium_memzero(nonces, sizeof *nonces);
}

int tss_frost_round1_commit_with_randomness(tss_frost_signing_nonces *nonces,
                                            tss_frost_signing_commitments *commitments,
                                            const tss_frost_key_package *kp, const uint8_t hiding_randomness[32],
                                            const uint8_t binding_randomness[32])
{
    if (nonces == NULL || commitments == NULL || kp == NULL || hiding_randomness == NULL ||
        binding_randomness == NULL)
        return TSS_ERR_INVALID_ARG;
    int rc = tss_frost_identifier_validate(&kp->identifier);
    if (rc != TSS_OK)
        return rc;
    sc25519 share, d, e;
    if (frost_scalar_decode(&share, kp->signing_share.bytes) != TSS_OK)
        return TSS_ERR_ENCODING;
    sodium_memzero(&share, sizeof share);

    tss_frost_signing_nonces out;
    ge25519_p3 P;
    memset(&out, 0, sizeof out);
    frost_nonce_generate(&d, hiding_randomness, kp->signing_share.bytes);
    frost_nonce_generate(&e, binding_randomness, kp->signing_share.bytes);
    sc25519_to_bytes(out.hiding, &d);
    sc25519_to_bytes(out.binding, &e);
    out.commitments.version = TSS_FROST_VERSION;
    out.commitments.identifier = kp->identifier;
    ge25519_scalarmult_base(&P, &d);
    ge25519_tobytes(out.commitments.hiding, &P);
    ge25519_scalarmult_base(&P, &e);
    ge25519_tobytes(out.commitments.binding, &P);
    out.state = TSS_FROST_NONCE_LIVE;
    sodium_memzero(&d, sizeof d);
    sodium_memzero(&e, sizeof e);

    *nonces = out;
    *commitments = out.commitments;
    sodium_memzero(&out, sizeof out);
    return TSS_OK;
}

int tss_frost_round1_commit(tss_frost_signing_nonces *nonces, tss_frost_signing_commitments *commitments,
                            const tss_frost_key_package *kp)
{
    uint8_t hiding_randomness[32], binding_randomness[32];
    randombytes_buf(hiding_randomness, sizeof hiding_randomness);
    randombytes_buf(binding_randomness, sizeof binding_randomness);
    int rc = tss_frost_round1_commit_with_randomness(nonces, commitments, kp, hiding_randomness,
                                                     binding_randomness);
    sodium_memzero(hiding_randomness, sizeof hiding_randomness);
    sodium_memzero(binding_randomness, sizeof binding_randomness);
    return rc;
}
