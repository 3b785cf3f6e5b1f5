/* Versioned binary encodings of the key generation packages (layouts in include/tss/frost_keygen.h) and the
 * consistency checks shared with the JSON decoders. */
#include <string.h>
#include <sodium.h>

#include "crypto/frost_dkg_internal.h"
#include "crypto/frost_internal.h"
#include "crypto/frost_wire.h"
#include "crypto/frost_keygen_codec.h"

static int id_ok(const tss_frost_identifier *id)
{
    return tss_frost_identifier_validate(id) == TSS_OK;
}

/* ---- checks ---- */

int frost_kg_round1_check(const tss_frost_dkg_round1_package *pkg)
{
    ge25519_p3 P;
    sc25519 mu;
    if (pkg->version != TSS_FROST_VERSION || !id_ok(&pkg->identifier) || pkg->n_commitments > TSS_FROST_MAX_SIGNERS ||
        (pkg->n_commitments > 0 && pkg->commitment == NULL))
        return TSS_ERR_ENCODING;
    for (uint32_t k = 0; k < pkg->n_commitments; k++)
        if (frost_point_decode_fast(&P, pkg->commitment[k].bytes) != TSS_OK)
            return TSS_ERR_ENCODING;
    /* R = 0x00..00 (reshare's empty proof) decodes: it is a point of order 4, which no check accepts. */
    if (frost_point_decode_fast(&P, pkg->proof_of_knowledge) != TSS_OK ||
        frost_scalar_decode(&mu, pkg->proof_of_knowledge + 32) != TSS_OK)
        return TSS_ERR_ENCODING;
    return TSS_OK;
}

int frost_kg_round2_check(const tss_frost_dkg_round2_package *pkg)
{
    sc25519 s;
    if (pkg->version != TSS_FROST_VERSION || !id_ok(&pkg->sender) || !id_ok(&pkg->recipient) ||
        tss_frost_identifier_cmp(&pkg->sender, &pkg->recipient) == 0)
        return TSS_ERR_ENCODING;
    int rc = frost_scalar_decode(&s, pkg->signing_share.bytes);
    sodium_memzero(&s, sizeof s);
    return rc == TSS_OK ? TSS_OK : TSS_ERR_ENCODING;
}

/* After part 1: coefficients canonical (a_0 = 0 for refresh), commitment = [a_k]B, no own share yet. */
static int secret_part1_check(tss_frost_dkg_secret_package *sp, int recompute)
{
    sc25519 a;
    ge25519_p3 P;
    uint8_t enc[32];
    int rc = TSS_OK;
    if (!sodium_is_zero(sp->own_share.bytes, 32))
        return TSS_ERR_ENCODING;
    for (uint32_t j = 0; j < sp->min_signers && rc == TSS_OK; j++) {
        if (frost_scalar_decode(&a, sp->coefficients[j].bytes) != TSS_OK) {
            rc = TSS_ERR_ENCODING;
        } else if (sp->refresh && j == 0) {
            if (!sc25519_is_zero(&a))
                rc = TSS_ERR_ENCODING;
        } else {
            tss_frost_element *c = &sp->commitment[j - sp->refresh];
            ge25519_scalarmult_base(&P, &a);
            ge25519_tobytes(enc, &P);
            if (recompute)
                memcpy(c->bytes, enc, 32);
            else if (memcmp(c->bytes, enc, 32) != 0)
                rc = TSS_ERR_ENCODING;
        }
    }
    sodium_memzero(&a, sizeof a);
    return rc;
}

/* After part 2: coefficients wiped, [own share]B = Σ_k [x^k]φ_k (φ_0 the identity for refresh). */
static int secret_part2_check(const tss_frost_dkg_secret_package *sp)
{
    sc25519 s, x;
    ge25519_p3 acc, P, lhs;
    if (!sodium_is_zero(sp->coefficients[0].bytes, (size_t)sp->min_signers * sizeof(tss_frost_scalar)) ||
        frost_identifier_scalar(&x, &sp->identifier) != TSS_OK)
        return TSS_ERR_ENCODING;
    ge25519_identity(&acc);
    for (uint32_t k = sp->n_commitments; k-- > 0;) {
        if (frost_point_decode_fast(&P, sp->commitment[k].bytes) != TSS_OK)
            return TSS_ERR_ENCODING;
        ge25519_scalarmult_vartime(&acc, &x, &acc);
        ge25519_add(&acc, &acc, &P);
    }
    if (sp->refresh)
        ge25519_scalarmult_vartime(&acc, &x, &acc);
    if (frost_scalar_decode(&s, sp->own_share.bytes) != TSS_OK)
        return TSS_ERR_ENCODING;
    ge25519_scalarmult_base(&lhs, &s);
    sodium_memzero(&s, sizeof s);
    return ge25519_eq(&lhs, &acc) ? TSS_OK : TSS_ERR_ENCODING;
}

int frost_kg_secret_check(tss_frost_dkg_secret_package *sp, int recompute_commitment)
{
    const uint32_t t = sp->min_signers, n = sp->max_signers;
    if (sp->version != TSS_FROST_VERSION || sp->refresh > 1 || t < 1 || t > n || n > TSS_FROST_MAX_SIGNERS ||
        sp->n_commitments != t - sp->refresh || t > sp->capacity || sp->coefficients == NULL ||
        sp->commitment == NULL || !id_ok(&sp->identifier))
        return TSS_ERR_ENCODING;
    if (sp->state == FROST_KG_STATE_PART1)
        return secret_part1_check(sp, recompute_commitment);
    if (sp->state == FROST_KG_STATE_PART2 && !recompute_commitment)
        return secret_part2_check(sp);
    return TSS_ERR_ENCODING;
}

/* ---- round-1 package ---- */

int tss_frost_dkg_round1_package_peek(uint32_t *n_commitments, const uint8_t *in, size_t in_len)
{
    if (n_commitments == NULL)
        return TSS_ERR_INVALID_ARG;
    int rc = frost_wire_check_header(in, in_len, TSS_FROST_DKG_ROUND1_PACKAGE_BYTES(0),
                                     TSS_FROST_TAG_DKG_ROUND1_PACKAGE);
    if (rc != TSS_OK)
        return rc;
    uint32_t n = tss_load_le32(in + 34);
    if (n > TSS_FROST_MAX_SIGNERS || in_len != TSS_FROST_DKG_ROUND1_PACKAGE_BYTES(n))
        return TSS_ERR_ENCODING;
    *n_commitments = n;
    return TSS_OK;
}

int tss_frost_dkg_round1_package_serialize(uint8_t *out, size_t out_cap, size_t *out_len,
                                           const tss_frost_dkg_round1_package *pkg)
{
    if (pkg == NULL || pkg->n_commitments > pkg->capacity || pkg->n_commitments > TSS_FROST_MAX_SIGNERS ||
        (pkg->commitment == NULL && pkg->n_commitments != 0))
        return TSS_ERR_INVALID_ARG;
    int rc = frost_wire_begin_write(out, out_cap, TSS_FROST_DKG_ROUND1_PACKAGE_BYTES(pkg->n_commitments), out_len,
                                    TSS_FROST_TAG_DKG_ROUND1_PACKAGE);
    if (rc != TSS_OK)
        return rc;
    memcpy(out + 2, pkg->identifier.bytes, 32);
    tss_store_le32(out + 34, pkg->n_commitments);
    uint8_t *p = out + 38;
    for (uint32_t k = 0; k < pkg->n_commitments; k++, p += 32)
        memcpy(p, pkg->commitment[k].bytes, 32);
    memcpy(p, pkg->proof_of_knowledge, 64);
    return TSS_OK;
}

int tss_frost_dkg_round1_package_deserialize(tss_frost_dkg_round1_package *pkg, const uint8_t *in, size_t in_len)
{
    uint32_t n = 0;
    if (pkg == NULL || (pkg->commitment == NULL && pkg->capacity != 0))
        return TSS_ERR_INVALID_ARG;
    int rc = tss_frost_dkg_round1_package_peek(&n, in, in_len);
    if (rc != TSS_OK)
        return rc;
    if (n > pkg->capacity)
        return TSS_ERR_CAPACITY;
    pkg->version = TSS_FROST_VERSION;
    memcpy(pkg->identifier.bytes, in + 2, 32);
    pkg->n_commitments = n;
    const uint8_t *p = in + 38;
    for (uint32_t k = 0; k < n; k++, p += 32)
        memcpy(pkg->commitment[k].bytes, p, 32);
    memcpy(pkg->proof_of_knowledge, p, 64);
    rc = frost_kg_round1_check(pkg);
    if (rc != TSS_OK)
        pkg->n_commitments = 0;
    return rc;
}

/* ---- round-2 package ---- */

int tss_frost_dkg_round2_package_serialize(uint8_t *out, size_t out_cap, size_t *out_len,
                                           const tss_frost_dkg_round2_package *pkg)
{
    if (pkg == NULL)
        return TSS_ERR_INVALID_ARG;
    int rc = frost_wire_begin_write(out, out_cap, TSS_FROST_DKG_ROUND2_PACKAGE_BYTES, out_len,
                                    TSS_FROST_TAG_DKG_ROUND2_PACKAGE);
    if (rc != TSS_OK)
        return rc;
    memcpy(out + 2, pkg->sender.bytes, 32);
    memcpy(out + 34, pkg->recipient.bytes, 32);
    memcpy(out + 66, pkg->signing_share.bytes, 32);
    return TSS_OK;
}

int tss_frost_dkg_round2_package_deserialize(tss_frost_dkg_round2_package *pkg, const uint8_t *in, size_t in_len)
{
    if (pkg == NULL)
        return TSS_ERR_INVALID_ARG;
    int rc = frost_wire_check_header(in, in_len, TSS_FROST_DKG_ROUND2_PACKAGE_BYTES, TSS_FROST_TAG_DKG_ROUND2_PACKAGE);
    if (rc != TSS_OK)
        return rc;
    if (in_len != TSS_FROST_DKG_ROUND2_PACKAGE_BYTES)
        return TSS_ERR_ENCODING;
    tss_frost_dkg_round2_package tmp;
    tmp.version = TSS_FROST_VERSION;
    memcpy(tmp.sender.bytes, in + 2, 32);
    memcpy(tmp.recipient.bytes, in + 34, 32);
    memcpy(tmp.signing_share.bytes, in + 66, 32);
    rc = frost_kg_round2_check(&tmp);
    if (rc == TSS_OK)
        *pkg = tmp;
    sodium_memzero(&tmp, sizeof tmp);
    return rc;
}

/* ---- secret package ---- */

#define SECRET_HEADER_BYTES TSS_FROST_DKG_SECRET_PACKAGE_BYTES(0, 0)

int tss_frost_dkg_secret_package_peek(uint32_t *min_signers, const uint8_t *in, size_t in_len)
{
    if (min_signers == NULL)
        return TSS_ERR_INVALID_ARG;
    int rc = frost_wire_check_header(in, in_len, SECRET_HEADER_BYTES, TSS_FROST_TAG_DKG_SECRET_PACKAGE);
    if (rc != TSS_OK)
        return rc;
    uint32_t t = tss_load_le32(in + 36), n_comm = tss_load_le32(in + 44);
    if (t > TSS_FROST_MAX_SIGNERS || n_comm > TSS_FROST_MAX_SIGNERS ||
        in_len != TSS_FROST_DKG_SECRET_PACKAGE_BYTES(t, n_comm))
        return TSS_ERR_ENCODING;
    *min_signers = t;
    return TSS_OK;
}

int tss_frost_dkg_secret_package_serialize(uint8_t *out, size_t out_cap, size_t *out_len,
                                           const tss_frost_dkg_secret_package *sp)
{
    if (sp == NULL)
        return TSS_ERR_INVALID_ARG;
    if (sp->state != FROST_KG_STATE_PART1 && sp->state != FROST_KG_STATE_PART2)
        return TSS_ERR_STATE;
    const uint32_t t = sp->min_signers;
    if (t > sp->capacity || sp->n_commitments > t || sp->coefficients == NULL || sp->commitment == NULL)
        return TSS_ERR_INVALID_ARG;
    int rc = frost_wire_begin_write(out, out_cap, TSS_FROST_DKG_SECRET_PACKAGE_BYTES(t, sp->n_commitments), out_len,
                                    TSS_FROST_TAG_DKG_SECRET_PACKAGE);
    if (rc != TSS_OK)
        return rc;
    out[2] = sp->state;
    out[3] = sp->refresh;
    memcpy(out + 4, sp->identifier.bytes, 32);
    tss_store_le32(out + 36, t);
    tss_store_le32(out + 40, sp->max_signers);
    tss_store_le32(out + 44, sp->n_commitments);
    uint8_t *p = out + 48;
    for (uint32_t j = 0; j < t; j++, p += 32) {
        if (sp->state == FROST_KG_STATE_PART1)
            memcpy(p, sp->coefficients[j].bytes, 32);
        else
            memset(p, 0, 32);
    }
    for (uint32_t k = 0; k < sp->n_commitments; k++, p += 32)
        memcpy(p, sp->commitment[k].bytes, 32);
    memcpy(p, sp->own_share.bytes, 32);
    return TSS_OK;
}

int tss_frost_dkg_secret_package_deserialize(tss_frost_dkg_secret_package *sp, const uint8_t *in, size_t in_len)
{
    uint32_t t = 0;
    if (sp == NULL || ((sp->coefficients == NULL || sp->commitment == NULL) && sp->capacity != 0))
        return TSS_ERR_INVALID_ARG;
    int rc = tss_frost_dkg_secret_package_peek(&t, in, in_len);
    if (rc != TSS_OK)
        return rc;
    const uint32_t n_comm = tss_load_le32(in + 44);
    if (t > sp->capacity || n_comm > sp->capacity)
        return TSS_ERR_CAPACITY;
    tss_frost_dkg_secret_package_clear(sp);
    sp->version = TSS_FROST_VERSION;
    sp->state = in[2];
    sp->refresh = in[3];
    memcpy(sp->identifier.bytes, in + 4, 32);
    sp->min_signers = t;
    sp->max_signers = tss_load_le32(in + 40);
    sp->n_commitments = n_comm;
    const uint8_t *p = in + 48;
    for (uint32_t j = 0; j < t; j++, p += 32)
        memcpy(sp->coefficients[j].bytes, p, 32);
    for (uint32_t k = 0; k < n_comm; k++, p += 32)
        memcpy(sp->commitment[k].bytes, p, 32);
    memcpy(sp->own_share.bytes, p, 32);
    rc = frost_kg_secret_check(sp, 0);
    if (rc != TSS_OK)
        tss_frost_dkg_secret_package_clear(sp);
    return rc;
}
