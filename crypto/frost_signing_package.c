/* The signing package: sorted commitment list, binding factors (RFC 9591 §4.4) and group commitment (§4.5). */
#include <stddef.h>
#include <string.h>
#include <sodium.h>

#include "crypto/frost_internal.h"
#include "crypto/frost_poly.h"

void tss_frost_commitments_sort(tss_frost_signing_commitments *commitments, size_t n)
{
    if (commitments == NULL)
        return;
    frost_sort_by_id(commitments, n, sizeof *commitments, offsetof(tss_frost_signing_commitments, identifier));
}

int tss_frost_signing_package_init(tss_frost_signing_package *pkg, tss_frost_signing_commitments *commitments,
                                   uint32_t n, const uint8_t *message, size_t message_len)
{
    if (pkg == NULL || commitments == NULL || n == 0 || n > TSS_FROST_MAX_SIGNERS ||
        (message == NULL && message_len != 0))
        return TSS_ERR_INVALID_ARG;
    tss_frost_commitments_sort(commitments, n);
    int rc = frost_check_sorted_ids(&commitments[0].identifier, sizeof *commitments, n);
    if (rc != TSS_OK)
        return rc;
    pkg->version = TSS_FROST_VERSION;
    pkg->n_commitments = n;
    pkg->commitments = commitments;
    pkg->message = message;
    pkg->message_len = message_len;
    return TSS_OK;
}

int frost_signing_package_check(const tss_frost_signing_package *pkg)
{
    if (pkg == NULL || pkg->commitments == NULL || pkg->n_commitments == 0 ||
        pkg->n_commitments > TSS_FROST_MAX_SIGNERS || (pkg->message == NULL && pkg->message_len != 0))
        return TSS_ERR_INVALID_ARG;
    return frost_check_sorted_ids(&pkg->commitments[0].identifier, sizeof pkg->commitments[0],
                                  pkg->n_commitments);
}

long frost_find_commitment(const tss_frost_signing_package *pkg, const tss_frost_identifier *id)
{
    size_t lo = 0, hi = pkg->n_commitments;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = tss_frost_identifier_cmp(&pkg->commitments[mid].identifier, id);
        if (c == 0)
            return (long)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

void frost_binding_prefix(uint8_t prefix[FROST_BINDING_PREFIX_BYTES], const tss_frost_signing_package *pkg,
                          const uint8_t vk[32])
{
    crypto_hash_sha512_state st;
    memcpy(prefix, vk, 32);
    frost_h4(prefix + 32, pkg->message, pkg->message_len);
    /* H5(encode_group_commitment_list): id ‖ D ‖ E for each signer in ascending identifier order. */
    frost_hash_init(&st, "com");
    for (uint32_t i = 0; i < pkg->n_commitments; i++) {
        const tss_frost_signing_commitments *c = &pkg->commitments[i];
        crypto_hash_sha512_update(&st, c->identifier.bytes, 32);
        crypto_hash_sha512_update(&st, c->hiding, 32);
        crypto_hash_sha512_update(&st, c->binding, 32);
    }
    crypto_hash_sha512_final(&st, prefix + 96);
}

void frost_binding_factor(sc25519 *rho, const uint8_t prefix[FROST_BINDING_PREFIX_BYTES],
                          const tss_frost_identifier *id)
{
    crypto_hash_sha512_state st;
    frost_hash_init(&st, "rho");
    crypto_hash_sha512_update(&st, prefix, FROST_BINDING_PREFIX_BYTES);
    crypto_hash_sha512_update(&st, id->bytes, 32);
    frost_hash_final_scalar(rho, &st);
}

int frost_commitments_decode_vartime(const tss_ed25519_ops *ops, ge25519_p3 *D, ge25519_p3 *E,
                                     const tss_frost_signing_package *pkg, uint32_t off, uint32_t m)
{
    ge25519_p3 *outs[2 * FROST_COMMITMENT_CHUNK];
    const uint8_t *encs[2 * FROST_COMMITMENT_CHUNK];
    uint8_t ok[2 * FROST_COMMITMENT_CHUNK];
    if (m > FROST_COMMITMENT_CHUNK || off > pkg->n_commitments || m > pkg->n_commitments - off)
        return TSS_ERR_INVALID_ARG;
    if (m == 0)
        return TSS_OK;
    for (uint32_t k = 0; k < m; k++) {
        const tss_frost_signing_commitments *c = &pkg->commitments[off + k];
        outs[2 * k] = &D[k];
        encs[2 * k] = c->hiding;
        outs[2 * k + 1] = &E[k];
        encs[2 * k + 1] = c->binding;
    }
    /* Both points of every signer in one call: the square roots fill the backend's lanes. */
    frost_kg_decode_each_vartime(ops, outs, encs, 2 * (size_t)m, ok);
    for (uint32_t k = 0; k < 2 * m; k++)
        if (!ok[k])
            return TSS_ERR_ENCODING;
    return TSS_OK;
}

/* r = Σ p[k] for k < n, pairwise in the backend's lanes (p is overwritten). */
static void sum_points(const tss_ed25519_ops *ops, ge25519_p3 *r, ge25519_p3 *p, size_t n)
{
    if (n == 0) {
        ge25519_identity(r);
        return;
    }
    while (n > 1) {
        const size_t half = n / 2;
        frost_kg_add_n(ops, p, p, p + (n - half), half);
        n -= half;
    }
    *r = p[0];
}

int frost_group_commitment(ge25519_p3 *R, const tss_frost_signing_package *pkg,
                           const uint8_t prefix[FROST_BINDING_PREFIX_BYTES])
{
    const tss_ed25519_ops *ops = tss_ed25519_ops_get(TSS_BACKEND_AUTO);
    ge25519_p3 D[FROST_COMMITMENT_CHUNK], E[FROST_COMMITMENT_CHUNK], part;
    sc25519 rhos[FROST_COMMITMENT_CHUNK];
    ge25519_identity(R);
    for (uint32_t off = 0; off < pkg->n_commitments; off += FROST_COMMITMENT_CHUNK) {
        uint32_t m = pkg->n_commitments - off;
        if (m > FROST_COMMITMENT_CHUNK)
            m = FROST_COMMITMENT_CHUNK;
        int rc = frost_commitments_decode_vartime(ops, D, E, pkg, off, m);
        if (rc != TSS_OK)
            return rc;
        for (uint32_t k = 0; k < m; k++)
            frost_binding_factor(&rhos[k], prefix, &pkg->commitments[off + k].identifier);
        frost_msm_vartime(&part, rhos, E, m);
        ge25519_add(R, R, &part);
        sum_points(ops, &part, D, m);
        ge25519_add(R, R, &part);
    }
    return TSS_OK;
}
