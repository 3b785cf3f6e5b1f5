/* Share repair (frost-core keys::repairable, the repairable threshold scheme of eprint 2017/1155). */
#include <string.h>
#include <sodium.h>

#include "crypto/frost_internal.h"
#include "crypto/frost_poly.h"
#include "tss/frost_keygen.h"

/* Distinct valid identifiers (quadratic: helper sets are small, at most a few thousand). */
static int check_distinct(const tss_frost_identifier *ids, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int rc = tss_frost_identifier_validate(&ids[i]);
        if (rc != TSS_OK)
            return rc;
        for (size_t j = 0; j < i; j++)
            if (memcmp(ids[i].bytes, ids[j].bytes, 32) == 0)
                return TSS_ERR_DUPLICATE;
    }
    return TSS_OK;
}

int tss_frost_repair_step1(tss_frost_scalar *deltas, const tss_frost_identifier *helpers, size_t n_helpers,
                           const tss_frost_key_package *kp, const tss_frost_identifier *participant)
{
    if (deltas == NULL || helpers == NULL || kp == NULL || participant == NULL || kp->version != TSS_FROST_VERSION)
        return TSS_ERR_INVALID_ARG;
    if (n_helpers < 1 || n_helpers < kp->min_signers)
        return TSS_ERR_NOT_ENOUGH;
    int rc = check_distinct(helpers, n_helpers);
    if (rc != TSS_OK)
        return rc;
    rc = tss_frost_identifier_validate(participant);
    if (rc != TSS_OK)
        return rc;
    size_t me = n_helpers, last = 0;
    for (size_t k = 0; k < n_helpers; k++) {
        if (tss_frost_identifier_cmp(&helpers[k], participant) == 0)
            return TSS_ERR_INVALID_ARG;
        if (tss_frost_identifier_cmp(&helpers[k], &kp->identifier) == 0)
            me = k;
        if (tss_frost_identifier_cmp(&helpers[k], &helpers[last]) > 0)
            last = k;
    }
    if (me == n_helpers)
        return TSS_ERR_NOT_FOUND;

    /* ζ_i = prod_{j != i} (r - x_j) / (x_i - x_j) over the helpers, without storing the set. */
    sc25519 r, xi, xj, d, num, den, zeta, s, acc, delta;
    (void)frost_identifier_scalar(&r, participant);
    (void)frost_identifier_scalar(&xi, &kp->identifier);
    sc25519_one(&num);
    sc25519_one(&den);
    for (size_t k = 0; k < n_helpers; k++) {
        if (k == me)
            continue;
        (void)frost_identifier_scalar(&xj, &helpers[k]);
        sc25519_sub(&d, &r, &xj);
        sc25519_mul(&num, &num, &d);
        sc25519_sub(&d, &xi, &xj);
        sc25519_mul(&den, &den, &d);
    }
    sc25519_invert(&den, &den);
    sc25519_mul(&zeta, &num, &den);
    if (frost_scalar_decode(&s, kp->signing_share.bytes) != TSS_OK)
        return TSS_ERR_ENCODING;
    sc25519_mul(&acc, &zeta, &s);   /* ζ_i·s_i, split into the deltas */
    for (size_t k = 0; k < n_helpers; k++) {
        if (k == last)
            continue;
        sc25519_random(&delta);
        sc25519_to_bytes(deltas[k].bytes, &delta);
        sc25519_sub(&acc, &acc, &delta);
    }
    sc25519_to_bytes(deltas[last].bytes, &acc);
    sodium_memzero(&s, sizeof s);
    sodium_memzero(&acc, sizeof acc);
    sodium_memzero(&delta, sizeof delta);
    return TSS_OK;
}

int tss_frost_repair_step2(tss_frost_scalar *sigma, const tss_frost_scalar *deltas, size_t n_deltas)
{
    if (sigma == NULL || (deltas == NULL && n_deltas > 0))
        return TSS_ERR_INVALID_ARG;
    sc25519 acc, d;
    sc25519_zero(&acc);
    for (size_t k = 0; k < n_deltas; k++) {
        if (frost_scalar_decode(&d, deltas[k].bytes) != TSS_OK) {
            sodium_memzero(&acc, sizeof acc);
            return TSS_ERR_ENCODING;
        }
        sc25519_add(&acc, &acc, &d);
    }
    sc25519_to_bytes(sigma->bytes, &acc);
    sodium_memzero(&acc, sizeof acc);
    sodium_memzero(&d, sizeof d);
    return TSS_OK;
}

int tss_frost_repair_step3(tss_frost_key_package *kp, const tss_frost_scalar *sigmas, size_t n_sigmas,
                           const tss_frost_identifier *participant, const tss_frost_public_key_package *pkp)
{
    if (kp == NULL || participant == NULL || pkp == NULL || (sigmas == NULL && n_sigmas > 0))
        return TSS_ERR_INVALID_ARG;
    int rc = tss_frost_identifier_validate(participant);
    if (rc != TSS_OK)
        return rc;
    if (pkp->min_signers < 1)
        return TSS_ERR_INVALID_ARG;
    tss_frost_scalar sum;
    rc = tss_frost_repair_step2(&sum, sigmas, n_sigmas);
    if (rc != TSS_OK)
        return rc;
    sc25519 s;
    ge25519_p3 Y;
    (void)frost_scalar_decode(&s, sum.bytes);
    ge25519_scalarmult_base(&Y, &s);
    kp->version = TSS_FROST_VERSION;
    kp->identifier = *participant;
    kp->signing_share = *(const tss_frost_signing_share *)(const void *)&sum;
    ge25519_tobytes(kp->verifying_share.bytes, &Y);
    kp->verifying_key = pkp->verifying_key;
    kp->min_signers = pkp->min_signers;
    sodium_memzero(&s, sizeof s);
    sodium_memzero(&sum, sizeof sum);

    tss_frost_verifying_share listed;
    if (tss_frost_public_key_package_find(&listed, pkp, participant) == TSS_OK &&
        memcmp(listed.bytes, kp->verifying_share.bytes, 32) != 0) {
        sodium_memzero(kp, sizeof *kp);
        return TSS_ERR_VERIFY;
    }
    return TSS_OK;
}
