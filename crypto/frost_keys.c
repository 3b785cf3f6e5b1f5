/* Key package and public key package checks, sorting and lookup. */
#include <stddef.h>
#include <string.h>
#include <sodium.h>

#include "crypto/frost_internal.h"

int tss_frost_public_key_package_init(tss_frost_public_key_package *pkp, tss_frost_public_share *shares,
                                      uint32_t capacity)
{
    if (pkp == NULL || (shares == NULL && capacity != 0))
        return TSS_ERR_INVALID_ARG;
    memset(pkp, 0, sizeof *pkp);
    pkp->version = TSS_FROST_VERSION;
    pkp->shares = shares;
    pkp->capacity = capacity;
    return TSS_OK;
}

/* The cheap structural checks (counts, identifiers sorted); points are not decoded. */
int frost_public_key_package_check_ids(const tss_frost_public_key_package *pkp)
{
    if (pkp == NULL || pkp->shares == NULL)
        return TSS_ERR_INVALID_ARG;
    if (pkp->min_signers < 1 || pkp->min_signers > pkp->max_signers || pkp->max_signers > pkp->capacity ||
        pkp->max_signers > TSS_FROST_MAX_SIGNERS)
        return TSS_ERR_INVALID_ARG;
    return frost_check_sorted_ids(&pkp->shares[0].identifier, sizeof(tss_frost_public_share), pkp->max_signers);
}

int tss_frost_public_key_package_validate(const tss_frost_public_key_package *pkp)
{
    int rc = frost_public_key_package_check_ids(pkp);
    if (rc != TSS_OK)
        return rc;
    ge25519_p3 p;
    if (frost_point_decode(&p, pkp->verifying_key.bytes) != TSS_OK)
        return TSS_ERR_ENCODING;
    for (uint32_t i = 0; i < pkp->max_signers; i++)
        if (frost_point_decode(&p, pkp->shares[i].verifying_share.bytes) != TSS_OK)
            return TSS_ERR_ENCODING;
    return TSS_OK;
}

int tss_frost_public_key_package_sort(tss_frost_public_key_package *pkp)
{
    if (pkp == NULL || (pkp->shares == NULL && pkp->max_signers != 0) || pkp->max_signers > pkp->capacity)
        return TSS_ERR_INVALID_ARG;
    frost_sort_by_id(pkp->shares, pkp->max_signers, sizeof(tss_frost_public_share),
                     offsetof(tss_frost_public_share, identifier));
    return TSS_OK;
}

int tss_frost_public_key_package_find(tss_frost_verifying_share *out, const tss_frost_public_key_package *pkp,
                                      const tss_frost_identifier *id)
{
    if (out == NULL || pkp == NULL || id == NULL || (pkp->shares == NULL && pkp->max_signers != 0))
        return TSS_ERR_INVALID_ARG;
    size_t lo = 0, hi = pkp->max_signers;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = tss_frost_identifier_cmp(&pkp->shares[mid].identifier, id);
        if (c == 0) {
            *out = pkp->shares[mid].verifying_share;
            return TSS_OK;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return TSS_ERR_NOT_FOUND;
}

int tss_frost_key_package_validate(const tss_frost_key_package *kp)
{
    if (kp == NULL)
        return TSS_ERR_INVALID_ARG;
    if (kp->min_signers < 1 || kp->min_signers > TSS_FROST_MAX_SIGNERS)
        return TSS_ERR_INVALID_ARG;
    int rc = tss_frost_identifier_validate(&kp->identifier);
    if (rc != TSS_OK)
        return rc;
    sc25519 s;
    ge25519_p3 p, expect;
    uint8_t enc[32];
    if (frost_scalar_decode(&s, kp->signing_share.bytes) != TSS_OK)
        return TSS_ERR_ENCODING;
    if (frost_point_decode(&p, kp->verifying_key.bytes) != TSS_OK ||
        frost_point_decode(&p, kp->verifying_share.bytes) != TSS_OK) {
        sodium_memzero(&s, sizeof s);
        return TSS_ERR_ENCODING;
    }
    ge25519_scalarmult_base(&expect, &s);
    ge25519_tobytes(enc, &expect);
    sodium_memzero(&s, sizeof s);
    return memcmp(enc, kp->verifying_share.bytes, 32) == 0 ? TSS_OK : TSS_ERR_VERIFY;
}
