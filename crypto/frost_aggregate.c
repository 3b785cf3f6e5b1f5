/* Coordinator side: signature share verification, aggregation with culprit detection (RFC 9591 §5.3, §5.4). */
#include <string.h>
#include <sodium.h>

#include "batch/msm.h"
#include "crypto/frost_internal.h"
#include "crypto/frost_poly.h"
#include "tss/ed25519.h"

/* [z]B == D + [ρ]E + [c·λ]Y, all public: variable time. */
static int share_equation_holds(const sc25519 *z, const tss_frost_signing_commitments *com, const ge25519_p3 *Y,
                                const sc25519 *rho, const sc25519 *c_lambda)
{
    ge25519_p3 D, E, lhs, rhs;
    sc25519 neg;
    if (frost_point_decode_fast(&D, com->hiding) != TSS_OK || frost_point_decode_fast(&E, com->binding) != TSS_OK)
        return 0;
    sc25519_neg(&neg, c_lambda);
    ge25519_double_scalarmult_base_vartime(&lhs, &neg, Y, z);   /* [z]B - [cλ]Y */
    ge25519_scalarmult_vartime(&rhs, rho, &E);
    ge25519_add(&rhs, &rhs, &D);
    return ge25519_eq(&lhs, &rhs);
}

int tss_frost_verify_signature_share(const tss_frost_signature_share *share,
                                     const tss_frost_verifying_share *verifying_share,
                                     const tss_frost_signing_package *pkg, const tss_frost_verifying_key *vk)
{
    if (share == NULL || verifying_share == NULL || vk == NULL)
        return TSS_ERR_INVALID_ARG;
    int rc = frost_signing_package_check(pkg);
    if (rc != TSS_OK)
        return rc;
    long idx = frost_find_commitment(pkg, &share->identifier);
    if (idx < 0)
        return TSS_ERR_NOT_FOUND;
    sc25519 z, x, rho, c, lambda;
    ge25519_p3 Y, R;
    uint8_t prefix[FROST_BINDING_PREFIX_BYTES], R_bytes[32];
    if (frost_scalar_decode(&z, share->share) != TSS_OK)
        return TSS_ERR_VERIFY;   /* a non-canonical share is an invalid share */
    if (frost_point_decode_fast(&Y, verifying_share->bytes) != TSS_OK ||
        frost_point_decode_fast(&R, vk->bytes) != TSS_OK)
        return TSS_ERR_ENCODING;
    frost_identifier_scalar(&x, &share->identifier);
    frost_binding_prefix(prefix, pkg, vk->bytes);
    rc = frost_group_commitment(&R, pkg, prefix);
    if (rc != TSS_OK)
        return rc;
    ge25519_tobytes(R_bytes, &R);
    frost_challenge(&c, R_bytes, vk->bytes, pkg->message, pkg->message_len);
    frost_binding_factor(&rho, prefix, &share->identifier);
    rc = frost_package_lagrange(&lambda, pkg, &x);
    if (rc != TSS_OK)
        return rc;
    sc25519_mul(&lambda, &lambda, &c);
    return share_equation_holds(&z, &pkg->commitments[idx], &Y, &rho, &lambda) ? TSS_OK : TSS_ERR_VERIFY;
}

int tss_frost_verify(const tss_frost_signature *sig, const uint8_t *message, size_t message_len,
                     const tss_frost_verifying_key *vk)
{
    if (sig == NULL || vk == NULL || (message == NULL && message_len != 0))
        return TSS_ERR_INVALID_ARG;
    static const uint8_t empty[1] = {0};
    return tss_ed25519_verify(sig->bytes, message != NULL ? message : empty, message_len, vk->bytes) == 0
               ? TSS_OK
               : TSS_ERR_VERIFY;
}

#define CULPRIT_CHUNK FROST_COMMITMENT_CHUNK
/* Stack scratch of the per-share base + 2-term MSM (vector Straus tables of 2 terms fit). */
#define SHARE_MSM_SCRATCH (16u * 1024u)

/* The share equation on decoded points: [z]B - [cλ]Y - [ρ]E == D, one interleaved MSM (public data). */
static int share_equation_holds_decoded(const sc25519 *z, const ge25519_p3 *D, const ge25519_p3 *E,
                                        const ge25519_p3 *Y, const sc25519 *rho, const sc25519 *c_lambda,
                                        void *scratch, size_t scratch_len)
{
    sc25519 neg[2];
    ge25519_p3 pts[2] = { *Y, *E }, lhs, rhs;
    sc25519_neg(&neg[0], c_lambda);
    sc25519_neg(&neg[1], rho);
    if (msm_vartime_with_base(&lhs, z, neg, pts, 2, scratch, scratch_len) == 0)
        return ge25519_eq(&lhs, D);
    ge25519_double_scalarmult_base_vartime(&lhs, &neg[0], Y, z);
    ge25519_scalarmult_vartime(&rhs, rho, E);
    ge25519_add(&rhs, &rhs, D);
    return ge25519_eq(&lhs, &rhs);
}

/* Verifies every share (the slow path after a failed signature) exactly as tss_frost_verify_signature_share
 * would, per chunk of shares: one lane-parallel decoding of their D, E and Y, one batch inversion for the
 * Lagrange coefficients. Returns the number of invalid shares; the first culprits_cap identifiers go to
 * culprits. (A random linear combination of the equations would not name the same culprits: the points are
 * decoded without a subgroup check, and an error of order 2 vanishes from any combination with an even
 * coefficient.) */
static size_t find_culprits(const tss_frost_signing_package *pkg, const tss_frost_signature_share *shares,
                            size_t n_shares, const tss_frost_public_key_package *pkp,
                            const uint8_t prefix[FROST_BINDING_PREFIX_BYTES], const sc25519 *c,
                            tss_frost_identifier *culprits, size_t culprits_cap)
{
    const tss_ed25519_ops *ops = tss_ed25519_ops_get(TSS_BACKEND_AUTO);
    _Alignas(64) uint8_t scratch[SHARE_MSM_SCRATCH];
    sc25519 total, x_i, x_j, d;
    sc25519 dens[CULPRIT_CHUNK], tmp[CULPRIT_CHUNK];
    ge25519_p3 D[CULPRIT_CHUNK], E[CULPRIT_CHUNK], Y[CULPRIT_CHUNK];
    ge25519_p3 *outs[3 * CULPRIT_CHUNK];
    const uint8_t *encs[3 * CULPRIT_CHUNK];
    uint8_t dec_ok[3 * CULPRIT_CHUNK], ok[CULPRIT_CHUNK];
    tss_frost_verifying_share vs[CULPRIT_CHUNK];
    long idx[CULPRIT_CHUNK];
    size_t bad = 0;
    sc25519_one(&total);
    for (uint32_t j = 0; j < pkg->n_commitments; j++) {
        frost_identifier_scalar(&x_j, &pkg->commitments[j].identifier);
        sc25519_mul(&total, &total, &x_j);
    }
    for (size_t off = 0; off < n_shares; off += CULPRIT_CHUNK) {
        size_t m = n_shares - off < CULPRIT_CHUNK ? n_shares - off : CULPRIT_CHUNK;
        /* λ_i = Π_j x_j / (x_i · Π_{j≠i} (x_j - x_i)) */
        for (size_t k = 0; k < m; k++) {
            frost_identifier_scalar(&x_i, &shares[off + k].identifier);
            dens[k] = x_i;
            for (uint32_t j = 0; j < pkg->n_commitments; j++) {
                frost_identifier_scalar(&x_j, &pkg->commitments[j].identifier);
                if (sc25519_eq(&x_j, &x_i))
                    continue;
                sc25519_sub(&d, &x_j, &x_i);
                sc25519_mul(&dens[k], &dens[k], &d);
            }
        }
        sc25519_batch_invert_vartime(dens, dens, tmp, m);   /* nonzero: identifiers are distinct and nonzero */
        /* Gather the encodings of the shares that have a commitment and a verifying share; decode them at once. */
        size_t n_enc = 0;
        for (size_t k = 0; k < m; k++) {
            const tss_frost_signature_share *sh = &shares[off + k];
            idx[k] = frost_find_commitment(pkg, &sh->identifier);
            ok[k] = idx[k] >= 0 && tss_frost_public_key_package_find(&vs[k], pkp, &sh->identifier) == TSS_OK;
            if (!ok[k])
                continue;
            const tss_frost_signing_commitments *com = &pkg->commitments[idx[k]];
            outs[n_enc] = &D[k];
            encs[n_enc++] = com->hiding;
            outs[n_enc] = &E[k];
            encs[n_enc++] = com->binding;
            outs[n_enc] = &Y[k];
            encs[n_enc++] = vs[k].bytes;
        }
        if (n_enc > 0)
            frost_kg_decode_each_vartime(ops, outs, encs, n_enc, dec_ok);
        size_t e = 0;
        for (size_t k = 0; k < m; k++) {
            const tss_frost_signature_share *sh = &shares[off + k];
            if (ok[k]) {
                ok[k] = dec_ok[e] && dec_ok[e + 1] && dec_ok[e + 2];
                e += 3;
            }
            sc25519 z, rho, cl;
            if (ok[k] && frost_scalar_decode(&z, sh->share) == TSS_OK) {
                sc25519_mul(&cl, &dens[k], &total);
                sc25519_mul(&cl, &cl, c);
                frost_binding_factor(&rho, prefix, &sh->identifier);
                ok[k] = (uint8_t)share_equation_holds_decoded(&z, &D[k], &E[k], &Y[k], &rho, &cl, scratch,
                                                               sizeof scratch);
            } else {
                ok[k] = 0;
            }
            if (!ok[k]) {
                if (bad < culprits_cap)
                    culprits[bad] = sh->identifier;
                bad++;
            }
        }
    }
    return bad;
}

int tss_frost_aggregate(tss_frost_signature *sig, const tss_frost_signing_package *pkg,
                        const tss_frost_signature_share *shares, size_t n_shares,
                        const tss_frost_public_key_package *pkp, tss_frost_identifier *culprits,
                        size_t culprits_cap, size_t *n_culprits)
{
    if (n_culprits != NULL)
        *n_culprits = 0;
    if (sig == NULL || shares == NULL || pkp == NULL || (culprits == NULL && culprits_cap != 0))
        return TSS_ERR_INVALID_ARG;
    memset(sig->bytes, 0, sizeof sig->bytes);
    int rc = frost_signing_package_check(pkg);
    if (rc != TSS_OK)
        return rc;
    rc = frost_public_key_package_check_ids(pkp);
    if (rc != TSS_OK)
        return rc;
    if (pkg->n_commitments < pkp->min_signers)
        return TSS_ERR_NOT_ENOUGH;

    /* Exactly one share per commitment, each signer known to the public key package (more shares than
     * commitments necessarily repeat or add an identifier, caught here). */
    uint8_t seen[(TSS_FROST_MAX_SIGNERS + 7) / 8];
    memset(seen, 0, (pkg->n_commitments + 7) / 8);
    for (size_t k = 0; k < n_shares; k++) {
        long idx = frost_find_commitment(pkg, &shares[k].identifier);
        tss_frost_verifying_share vs;
        if (idx < 0 || tss_frost_public_key_package_find(&vs, pkp, &shares[k].identifier) != TSS_OK)
            return TSS_ERR_NOT_FOUND;
        if (seen[idx / 8] & (1u << (idx % 8)))
            return TSS_ERR_DUPLICATE;
        seen[idx / 8] |= (uint8_t)(1u << (idx % 8));
    }
    if (n_shares < pkg->n_commitments)
        return TSS_ERR_NOT_ENOUGH;
    for (uint32_t j = 0; j < pkg->n_commitments; j++) {
        tss_frost_verifying_share vs;
        if (tss_frost_public_key_package_find(&vs, pkp, &pkg->commitments[j].identifier) != TSS_OK)
            return TSS_ERR_NOT_FOUND;
    }

    ge25519_p3 R, A;
    uint8_t prefix[FROST_BINDING_PREFIX_BYTES];
    tss_frost_signature out;
    sc25519 z, zi, c;
    if (frost_point_decode_fast(&A, pkp->verifying_key.bytes) != TSS_OK)
        return TSS_ERR_ENCODING;
    frost_binding_prefix(prefix, pkg, pkp->verifying_key.bytes);
    rc = frost_group_commitment(&R, pkg, prefix);
    if (rc != TSS_OK)
        return rc;
    ge25519_tobytes(out.bytes, &R);
    int canonical = 1;
    sc25519_zero(&z);
    for (size_t k = 0; k < n_shares; k++) {
        if (frost_scalar_decode(&zi, shares[k].share) != TSS_OK) {
            canonical = 0;
            break;
        }
        sc25519_add(&z, &z, &zi);
    }
    sc25519_to_bytes(out.bytes + 32, &z);

    static const uint8_t empty[1] = {0};
    const uint8_t *msg = pkg->message != NULL ? pkg->message : empty;
    if (canonical &&
        crypto_sign_verify_detached(out.bytes, msg, pkg->message_len, pkp->verifying_key.bytes) == 0 &&
        tss_ed25519_verify(out.bytes, msg, pkg->message_len, pkp->verifying_key.bytes) == 0) {
        *sig = out;
        return TSS_OK;
    }

    frost_challenge(&c, out.bytes, pkp->verifying_key.bytes, pkg->message, pkg->message_len);
    size_t bad = find_culprits(pkg, shares, n_shares, pkp, prefix, &c, culprits, culprits_cap);
    if (n_culprits != NULL)
        *n_culprits = bad;
    if (bad == 0)
        return TSS_ERR_VERIFY;
    frost_sort_by_id(culprits, bad < culprits_cap ? bad : culprits_cap, sizeof *culprits, 0);
    return TSS_ERR_CULPRIT;
}
