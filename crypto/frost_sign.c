/* Round 2: a signer's signature share z_i = d + e·ρ_i + λ_i·c·s_i (RFC 9591 §5.2). */
#include <string.h>
#include <sodium.h>

#include "crypto/frost_internal.h"

/* λ_i over the identifiers of the signing package (public values; one inversion). */
static int package_lagrange(sc25519 *lambda, const tss_frost_signing_package *pkg, const sc25519 *x_i)
{
    sc25519 num, den, x_j, d;
    int seen = 0;
    sc25519_one(&num);
    sc25519_one(&den);
    for (uint32_t j = 0; j < pkg->n_commitments; j++) {
        frost_identifier_scalar(&x_j, &pkg->commitments[j].identifier);
        if (sc25519_eq(&x_j, x_i)) {
            seen = 1;
            continue;
        }
        sc25519_sub(&d, &x_j, x_i);
        sc25519_mul(&num, &num, &x_j);
        sc25519_mul(&den, &den, &d);
    }
    if (!seen)
        return TSS_ERR_NOT_FOUND;
    sc25519_invert(&den, &den);
    sc25519_mul(lambda, &num, &den);
    return TSS_OK;
}

int frost_package_lagrange(sc25519 *lambda, const tss_frost_signing_package *pkg, const sc25519 *x_i)
{
    return package_lagrange(lambda, pkg, x_i);
}

static int sign_checked(tss_frost_signature_share *share, const tss_frost_signing_package *pkg,
                        const tss_frost_signing_nonces *nonces, const tss_frost_key_package *kp)
{
    int rc = frost_signing_package_check(pkg);
    if (rc != TSS_OK)
        return rc;
    if (kp->min_signers < 1)
        return TSS_ERR_INVALID_ARG;
    if (pkg->n_commitments < kp->min_signers)
        return TSS_ERR_NOT_ENOUGH;
    long idx = frost_find_commitment(pkg, &kp->identifier);
    if (idx < 0)
        return TSS_ERR_NOT_FOUND;
    const tss_frost_signing_commitments *own = &pkg->commitments[idx];
    if (memcmp(own->identifier.bytes, nonces->commitments.identifier.bytes, 32) != 0 ||
        memcmp(own->hiding, nonces->commitments.hiding, 32) != 0 ||
        memcmp(own->binding, nonces->commitments.binding, 32) != 0)
        return TSS_ERR_VERIFY;

    sc25519 x_i, lambda, rho, c, s, d, e, z;
    ge25519_p3 R;
    uint8_t prefix[FROST_BINDING_PREFIX_BYTES], R_bytes[32];
    rc = frost_identifier_scalar(&x_i, &kp->identifier);
    if (rc != TSS_OK)
        return rc;
    if (frost_scalar_decode(&s, kp->signing_share.bytes) != TSS_OK ||
        frost_scalar_decode(&d, nonces->hiding) != TSS_OK || frost_scalar_decode(&e, nonces->binding) != TSS_OK) {
        rc = TSS_ERR_ENCODING;
        goto done;
    }
    frost_binding_prefix(prefix, pkg, kp->verifying_key.bytes);
    rc = frost_group_commitment(&R, pkg, prefix);
    if (rc != TSS_OK)
        goto done;
    ge25519_tobytes(R_bytes, &R);
    frost_challenge(&c, R_bytes, kp->verifying_key.bytes, pkg->message, pkg->message_len);
    frost_binding_factor(&rho, prefix, &kp->identifier);
    rc = package_lagrange(&lambda, pkg, &x_i);
    if (rc != TSS_OK)
        goto done;

    sc25519_mul(&lambda, &lambda, &c);       /* λ_i·c */
    sc25519_muladd(&z, &lambda, &s, &d);     /* d + λ_i·c·s_i */
    sc25519_muladd(&z, &e, &rho, &z);        /* + e·ρ_i */
    share->version = TSS_FROST_VERSION;
    share->identifier = kp->identifier;
    sc25519_to_bytes(share->share, &z);

done:
    sodium_memzero(&s, sizeof s);
    sodium_memzero(&d, sizeof d);
    sodium_memzero(&e, sizeof e);
    sodium_memzero(&z, sizeof z);
    return rc;
}

int tss_frost_round2_sign(tss_frost_signature_share *share, const tss_frost_signing_package *pkg,
                          tss_frost_signing_nonces *nonces, const tss_frost_key_package *kp)
{
    if (share == NULL || pkg == NULL || nonces == NULL || kp == NULL)
        return TSS_ERR_INVALID_ARG;
    if (nonces->state != TSS_FROST_NONCE_LIVE)
        return TSS_ERR_NONCE_USED;
    int rc = sign_checked(share, pkg, nonces, kp);
    /* Single use whatever the outcome: a nonce must never sign two different packages. */
    sodium_memzero(nonces, sizeof *nonces);
    return rc;
}
