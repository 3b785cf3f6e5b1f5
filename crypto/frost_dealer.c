/* Trusted dealer: Shamir split of a group secret (frost-core keys::split) and reconstruction. */
#include <stddef.h>
#include <string.h>
#include <sodium.h>

#include "crypto/frost_internal.h"

/* Coefficient a_k of the dealer polynomial: the secret for k = 0, else given or fresh random. */
static int next_coefficient(sc25519 *a, size_t k, const sc25519 *secret, const uint8_t (*coefficients)[32])
{
    if (k == 0) {
        *a = *secret;
        return TSS_OK;
    }
    if (coefficients != NULL)
        return frost_scalar_decode(a, coefficients[k - 1]);
    sc25519_random(a);
    return TSS_OK;
}

static int dealer_split(tss_frost_key_package *key_packages, tss_frost_public_key_package *pkp,
                        tss_frost_element *vss_commitment, const uint8_t secret_bytes[32],
                        const uint8_t (*coefficients)[32], int coefficients_given,
                        const tss_frost_identifier *identifiers, uint32_t n, uint32_t t)
{
    if (key_packages == NULL || pkp == NULL || pkp->shares == NULL)
        return TSS_ERR_INVALID_ARG;
    if (t < 1 || t > n || n > TSS_FROST_MAX_SIGNERS)
        return TSS_ERR_INVALID_ARG;
    if (coefficients_given && coefficients == NULL && t > 1)
        return TSS_ERR_INVALID_ARG;
    if (pkp->capacity < n)
        return TSS_ERR_CAPACITY;

    sc25519 secret;
    if (secret_bytes != NULL) {
        if (frost_scalar_decode(&secret, secret_bytes) != TSS_OK)
            return TSS_ERR_ENCODING;
        if (sc25519_is_zero(&secret))
            return TSS_ERR_INVALID_ARG;
    } else {
        do {
            sc25519_random(&secret);
        } while (sc25519_is_zero(&secret));
    }

    /* Identifiers: validated and checked distinct through a sorted copy in the public package. */
    int rc = TSS_OK;
    for (uint32_t i = 0; i < n; i++) {
        tss_frost_identifier *id = &pkp->shares[i].identifier;
        if (identifiers != NULL)
            *id = identifiers[i];
        else
            tss_frost_identifier_from_u64(id, (uint64_t)i + 1);
        memset(&key_packages[i], 0, sizeof key_packages[i]);
        key_packages[i].identifier = *id;
    }
    frost_sort_by_id(pkp->shares, n, sizeof(tss_frost_public_share), offsetof(tss_frost_public_share, identifier));
    rc = frost_check_sorted_ids(&pkp->shares[0].identifier, sizeof(tss_frost_public_share), n);
    if (rc != TSS_OK)
        goto fail;

    /* Horner over all shares at once, highest coefficient first, so no coefficient array is kept. */
    for (size_t k = t; k-- > 0;) {
        sc25519 a;
        rc = next_coefficient(&a, k, &secret, coefficients_given ? coefficients : NULL);
        if (rc != TSS_OK)
            goto fail;
        if (vss_commitment != NULL) {
            ge25519_p3 C;
            ge25519_scalarmult_base(&C, &a);
            ge25519_tobytes(vss_commitment[k].bytes, &C);
        }
        for (uint32_t i = 0; i < n; i++) {
            sc25519 acc, x;
            frost_identifier_scalar(&x, &key_packages[i].identifier);
            if (k == t - 1)
                acc = a;
            else {
                sc25519_from_bytes_canonical(&acc, key_packages[i].signing_share.bytes);
                sc25519_muladd(&acc, &acc, &x, &a);
            }
            sc25519_to_bytes(key_packages[i].signing_share.bytes, &acc);
            sodium_memzero(&acc, sizeof acc);
        }
        sodium_memzero(&a, sizeof a);
    }

    ge25519_p3 P;
    uint8_t vk[32];
    ge25519_scalarmult_base(&P, &secret);
    ge25519_tobytes(vk, &P);
    for (uint32_t i = 0; i < n; i++) {
        tss_frost_key_package *kp = &key_packages[i];
        sc25519 s;
        sc25519_from_bytes_canonical(&s, kp->signing_share.bytes);
        ge25519_scalarmult_base(&P, &s);
        sodium_memzero(&s, sizeof s);
        ge25519_tobytes(kp->verifying_share.bytes, &P);
        memcpy(kp->verifying_key.bytes, vk, 32);
        kp->min_signers = t;
        kp->version = TSS_FROST_VERSION;
        pkp->shares[i].identifier = kp->identifier;
        pkp->shares[i].verifying_share = kp->verifying_share;
    }
    frost_sort_by_id(pkp->shares, n, sizeof(tss_frost_public_share), offsetof(tss_frost_public_share, identifier));
    pkp->version = TSS_FROST_VERSION;
    pkp->min_signers = t;
    pkp->max_signers = n;
    memcpy(pkp->verifying_key.bytes, vk, 32);
    sodium_memzero(&secret, sizeof secret);
    return TSS_OK;

fail:
    sodium_memzero(&secret, sizeof secret);
    sodium_memzero(key_packages, sizeof(*key_packages) * n);
    pkp->max_signers = 0;
    return rc;
}

int tss_frost_dealer_keygen(tss_frost_key_package *key_packages, tss_frost_public_key_package *pkp,
                            tss_frost_element *vss_commitment, const uint8_t secret[32],
                            const tss_frost_identifier *identifiers, uint32_t n, uint32_t t)
{
    return dealer_split(key_packages, pkp, vss_commitment, secret, NULL, 0, identifiers, n, t);
}

int tss_frost_dealer_keygen_with_coefficients(tss_frost_key_package *key_packages,
                                              tss_frost_public_key_package *pkp, tss_frost_element *vss_commitment,
                                              const uint8_t secret[32], const uint8_t (*coefficients)[32],
                                              const tss_frost_identifier *identifiers, uint32_t n, uint32_t t)
{
    if (secret == NULL)
        return TSS_ERR_INVALID_ARG;
    return dealer_split(key_packages, pkp, vss_commitment, secret, coefficients, 1, identifiers, n, t);
}

int tss_frost_reconstruct(uint8_t secret_out[32], const tss_frost_key_package *key_packages, size_t n)
{
    if (secret_out == NULL || key_packages == NULL || n == 0)
        return TSS_ERR_INVALID_ARG;
    const tss_frost_key_package *first = &key_packages[0];
    if (first->min_signers < 1)
        return TSS_ERR_INVALID_ARG;
    if (n < first->min_signers)
        return TSS_ERR_NOT_ENOUGH;
    for (size_t i = 0; i < n; i++) {
        if (key_packages[i].min_signers != first->min_signers ||
            memcmp(key_packages[i].verifying_key.bytes, first->verifying_key.bytes, 32) != 0)
            return TSS_ERR_INVALID_ARG;
        sc25519 x;
        int rc = frost_identifier_scalar(&x, &key_packages[i].identifier);
        if (rc != TSS_OK)
            return rc;
    }

    sc25519 acc, s, num, den, x_i, x_j, d;
    int rc = TSS_OK;
    sc25519_zero(&acc);
    for (size_t i = 0; i < n && rc == TSS_OK; i++) {
        frost_identifier_scalar(&x_i, &key_packages[i].identifier);
        sc25519_one(&num);
        sc25519_one(&den);
        for (size_t j = 0; j < n; j++) {
            if (j == i)
                continue;
            frost_identifier_scalar(&x_j, &key_packages[j].identifier);
            sc25519_sub(&d, &x_j, &x_i);
            if (sc25519_is_zero(&d)) {
                rc = TSS_ERR_DUPLICATE;
                break;
            }
            sc25519_mul(&num, &num, &x_j);
            sc25519_mul(&den, &den, &d);
        }
        if (rc != TSS_OK)
            break;
        if (frost_scalar_decode(&s, key_packages[i].signing_share.bytes) != TSS_OK) {
            rc = TSS_ERR_ENCODING;
            break;
        }
        sc25519_invert(&den, &den);
        sc25519_mul(&num, &num, &den);
        sc25519_muladd(&acc, &num, &s, &acc);
    }
    if (rc == TSS_OK) {
        ge25519_p3 P;
        uint8_t vk[32];
        ge25519_scalarmult_base(&P, &acc);
        ge25519_tobytes(vk, &P);
        if (memcmp(vk, first->verifying_key.bytes, 32) != 0)
            rc = TSS_ERR_VERIFY;
        else
            sc25519_to_bytes(secret_out, &acc);
    }
    sodium_memzero(&acc, sizeof acc);
    sodium_memzero(&s, sizeof s);
    return rc;
}
