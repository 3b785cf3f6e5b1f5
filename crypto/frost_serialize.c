/* Versioned binary encodings of the FROST packages (layouts in include/tss/frost.h). */
#include <string.h>
#include <sodium.h>

#include "crypto/frost_internal.h"
#include "crypto/frost_wire.h"

/* ---- key package ---- */

int tss_frost_key_package_serialize(uint8_t *out, size_t out_cap, size_t *out_len, const tss_frost_key_package *kp)
{
    if (kp == NULL)
        return TSS_ERR_INVALID_ARG;
    int rc = frost_wire_begin_write(out, out_cap, TSS_FROST_KEY_PACKAGE_BYTES, out_len, TSS_FROST_TAG_KEY_PACKAGE);
    if (rc != TSS_OK)
        return rc;
    memcpy(out + 2, kp->identifier.bytes, 32);
    memcpy(out + 34, kp->signing_share.bytes, 32);
    memcpy(out + 66, kp->verifying_share.bytes, 32);
    memcpy(out + 98, kp->verifying_key.bytes, 32);
    tss_store_le32(out + 130, kp->min_signers);
    return TSS_OK;
}

int tss_frost_key_package_deserialize(tss_frost_key_package *kp, const uint8_t *in, size_t in_len)
{
    if (kp == NULL)
        return TSS_ERR_INVALID_ARG;
    int rc = frost_wire_check_header(in, in_len, TSS_FROST_KEY_PACKAGE_BYTES, TSS_FROST_TAG_KEY_PACKAGE);
    if (rc != TSS_OK)
        return rc;
    if (in_len != TSS_FROST_KEY_PACKAGE_BYTES)
        return TSS_ERR_ENCODING;
    tss_frost_key_package tmp;
    tmp.version = TSS_FROST_VERSION;
    memcpy(tmp.identifier.bytes, in + 2, 32);
    memcpy(tmp.signing_share.bytes, in + 34, 32);
    memcpy(tmp.verifying_share.bytes, in + 66, 32);
    memcpy(tmp.verifying_key.bytes, in + 98, 32);
    tmp.min_signers = tss_load_le32(in + 130);
    rc = tss_frost_key_package_validate(&tmp);
    if (rc == TSS_ERR_ZERO_ID || rc == TSS_ERR_INVALID_ARG)
        rc = TSS_ERR_ENCODING;
    if (rc == TSS_OK)
        *kp = tmp;
    sodium_memzero(&tmp, sizeof tmp);
    return rc;
}

/* ---- public key package ---- */

int tss_frost_public_key_package_serialize(uint8_t *out, size_t out_cap, size_t *out_len,
                                           const tss_frost_public_key_package *pkp)
{
    if (pkp == NULL || pkp->max_signers > pkp->capacity || (pkp->shares == NULL && pkp->max_signers != 0))
        return TSS_ERR_INVALID_ARG;
    int rc = frost_wire_begin_write(out, out_cap, TSS_FROST_PUBLIC_KEY_PACKAGE_BYTES(pkp->max_signers), out_len,
                                    TSS_FROST_TAG_PUBLIC_KEY_PACKAGE);
    if (rc != TSS_OK)
        return rc;
    tss_store_le32(out + 2, pkp->min_signers);
    tss_store_le32(out + 6, pkp->max_signers);
    memcpy(out + 10, pkp->verifying_key.bytes, 32);
    uint8_t *p = out + 42;
    for (uint32_t i = 0; i < pkp->max_signers; i++, p += 64) {
        memcpy(p, pkp->shares[i].identifier.bytes, 32);
        memcpy(p + 32, pkp->shares[i].verifying_share.bytes, 32);
    }
    return TSS_OK;
}

int tss_frost_public_key_package_deserialize(tss_frost_public_key_package *pkp, const uint8_t *in, size_t in_len)
{
    if (pkp == NULL || (pkp->shares == NULL && pkp->capacity != 0))
        return TSS_ERR_INVALID_ARG;
    int rc = frost_wire_check_header(in, in_len, TSS_FROST_PUBLIC_KEY_PACKAGE_BYTES(0),
                                     TSS_FROST_TAG_PUBLIC_KEY_PACKAGE);
    if (rc != TSS_OK)
        return rc;
    uint32_t t = tss_load_le32(in + 2), n = tss_load_le32(in + 6);
    if (t < 1 || t > n || n > TSS_FROST_MAX_SIGNERS || in_len != TSS_FROST_PUBLIC_KEY_PACKAGE_BYTES(n))
        return TSS_ERR_ENCODING;
    if (n > pkp->capacity)
        return TSS_ERR_CAPACITY;
    tss_frost_verifying_key vk;
    if (frost_wire_read_point(vk.bytes, in + 10) != TSS_OK)
        return TSS_ERR_ENCODING;
    const uint8_t *p = in + 42;
    for (uint32_t i = 0; i < n; i++, p += 64) {
        if (frost_wire_read_identifier(&pkp->shares[i].identifier, p) != TSS_OK ||
            frost_wire_read_point(pkp->shares[i].verifying_share.bytes, p + 32) != TSS_OK)
            goto bad;
        if (i > 0 && tss_frost_identifier_cmp(&pkp->shares[i - 1].identifier, &pkp->shares[i].identifier) >= 0)
            goto bad;
    }
    pkp->version = TSS_FROST_VERSION;
    pkp->min_signers = t;
    pkp->max_signers = n;
    pkp->verifying_key = vk;
    return TSS_OK;
bad:
    pkp->max_signers = 0;
    return TSS_ERR_ENCODING;
}

/* ---- signing nonces ---- */

int tss_frost_signing_nonces_serialize(uint8_t *out, size_t out_cap, size_t *out_len,
                                       const tss_frost_signing_nonces *nonces)
{
    if (nonces == NULL)
        return TSS_ERR_INVALID_ARG;
    if (nonces->state != TSS_FROST_NONCE_LIVE)
        return TSS_ERR_NONCE_USED;
    int rc = frost_wire_begin_write(out, out_cap, TSS_FROST_SIGNING_NONCES_BYTES, out_len,
                                    TSS_FROST_TAG_SIGNING_NONCES);
    if (rc != TSS_OK)
        return rc;
    memcpy(out + 2, nonces->hiding, 32);
    memcpy(out + 34, nonces->binding, 32);
    memcpy(out + 66, nonces->commitments.identifier.bytes, 32);
    memcpy(out + 98, nonces->commitments.hiding, 32);
    memcpy(out + 130, nonces->commitments.binding, 32);
    return TSS_OK;
}

/* The commitment must be [nonce]B (and the nonce nonzero). */
static int nonce_matches(const uint8_t nonce[32], const uint8_t commitment[32])
{
    sc25519 k;
    ge25519_p3 P;
    uint8_t enc[32];
    if (frost_scalar_decode(&k, nonce) != TSS_OK || sc25519_is_zero(&k))
        return 0;
    ge25519_scalarmult_base(&P, &k);
    sodium_memzero(&k, sizeof k);
    ge25519_tobytes(enc, &P);
    return memcmp(enc, commitment, 32) == 0;
}

int tss_frost_signing_nonces_deserialize(tss_frost_signing_nonces *nonces, const uint8_t *in, size_t in_len)
{
    if (nonces == NULL)
        return TSS_ERR_INVALID_ARG;
    int rc = frost_wire_check_header(in, in_len, TSS_FROST_SIGNING_NONCES_BYTES, TSS_FROST_TAG_SIGNING_NONCES);
    if (rc != TSS_OK)
        return rc;
    if (in_len != TSS_FROST_SIGNING_NONCES_BYTES)
        return TSS_ERR_ENCODING;
    tss_frost_signing_nonces tmp;
    memset(&tmp, 0, sizeof tmp);
    memcpy(tmp.hiding, in + 2, 32);
    memcpy(tmp.binding, in + 34, 32);
    tmp.commitments.version = TSS_FROST_VERSION;
    rc = TSS_ERR_ENCODING;
    if (frost_wire_read_identifier(&tmp.commitments.identifier, in + 66) == TSS_OK &&
        frost_wire_read_point(tmp.commitments.hiding, in + 98) == TSS_OK &&
        frost_wire_read_point(tmp.commitments.binding, in + 130) == TSS_OK &&
        nonce_matches(tmp.hiding, tmp.commitments.hiding) && nonce_matches(tmp.binding, tmp.commitments.binding)) {
        tmp.state = TSS_FROST_NONCE_LIVE;
        *nonces = tmp;
        rc = TSS_OK;
    }
    sodium_memzero(&tmp, sizeof tmp);
    return rc;
}

/* ---- signing commitments ---- */

static void write_commitment_body(uint8_t *p, const tss_frost_signing_commitments *c)
{
    memcpy(p, c->identifier.bytes, 32);
    memcpy(p + 32, c->hiding, 32);
    memcpy(p + 64, c->binding, 32);
}

static int read_commitment_body(tss_frost_signing_commitments *c, const uint8_t *p)
{
    c->version = TSS_FROST_VERSION;
    if (frost_wire_read_identifier(&c->identifier, p) != TSS_OK || frost_wire_read_point(c->hiding, p + 32) != TSS_OK ||
        frost_wire_read_point(c->binding, p + 64) != TSS_OK)
        return TSS_ERR_ENCODING;
    return TSS_OK;
}

int tss_frost_signing_commitments_serialize(uint8_t *out, size_t out_cap, size_t *out_len,
                                            const tss_frost_signing_commitments *c)
{
    if (c == NULL)
        return TSS_ERR_INVALID_ARG;
    int rc = frost_wire_begin_write(out, out_cap, TSS_FROST_SIGNING_COMMITMENTS_BYTES, out_len,
                                    TSS_FROST_TAG_SIGNING_COMMITMENTS);
    if (rc != TSS_OK)
        return rc;
    write_commitment_body(out + 2, c);
    return TSS_OK;
}

int tss_frost_signing_commitments_deserialize(tss_frost_signing_commitments *c, const uint8_t *in, size_t in_len)
{
    if (c == NULL)
        return TSS_ERR_INVALID_ARG;
    int rc = frost_wire_check_header(in, in_len, TSS_FROST_SIGNING_COMMITMENTS_BYTES,
                                     TSS_FROST_TAG_SIGNING_COMMITMENTS);
    if (rc != TSS_OK)
        return rc;
    if (in_len != TSS_FROST_SIGNING_COMMITMENTS_BYTES)
        return TSS_ERR_ENCODING;
    tss_frost_signing_commitments tmp;
    if (read_commitment_body(&tmp, in + 2) != TSS_OK)
        return TSS_ERR_ENCODING;
    *c = tmp;
    return TSS_OK;
}

/* ---- signing package ---- */

int tss_frost_signing_package_serialize(uint8_t *out, size_t out_cap, size_t *out_len,
                                        const tss_frost_signing_package *pkg)
{
    int rc = frost_signing_package_check(pkg);
    if (rc != TSS_OK)
        return rc;
    if (pkg->message_len > UINT32_MAX)
        return TSS_ERR_CAPACITY;
    rc = frost_wire_begin_write(out, out_cap, TSS_FROST_SIGNING_PACKAGE_BYTES(pkg->n_commitments, pkg->message_len),
                                out_len, TSS_FROST_TAG_SIGNING_PACKAGE);
    if (rc != TSS_OK)
        return rc;
    tss_store_le32(out + 2, pkg->n_commitments);
    uint8_t *p = out + 6;
    for (uint32_t i = 0; i < pkg->n_commitments; i++, p += 96)
        write_commitment_body(p, &pkg->commitments[i]);
    tss_store_le32(p, (uint32_t)pkg->message_len);
    if (pkg->message_len != 0)
        memcpy(p + 4, pkg->message, pkg->message_len);
    return TSS_OK;
}

int tss_frost_signing_package_deserialize(tss_frost_signing_package *pkg,
                                          tss_frost_signing_commitments *commitments_buf, uint32_t commitments_cap,
                                          uint8_t *message_buf, size_t message_cap, const uint8_t *in,
                                          size_t in_len)
{
    if (pkg == NULL || (commitments_buf == NULL && commitments_cap != 0) || (message_buf == NULL && message_cap != 0))
        return TSS_ERR_INVALID_ARG;
    int rc = frost_wire_check_header(in, in_len, TSS_FROST_SIGNING_PACKAGE_BYTES(0, 0), TSS_FROST_TAG_SIGNING_PACKAGE);
    if (rc != TSS_OK)
        return rc;
    uint32_t n = tss_load_le32(in + 2);
    if (n < 1 || n > TSS_FROST_MAX_SIGNERS || in_len < TSS_FROST_SIGNING_PACKAGE_BYTES(n, 0))
        return TSS_ERR_ENCODING;
    const uint8_t *p = in + 6 + (size_t)n * 96;
    uint32_t msg_len = tss_load_le32(p);
    if (in_len != TSS_FROST_SIGNING_PACKAGE_BYTES(n, msg_len))
        return TSS_ERR_ENCODING;
    if (n > commitments_cap || msg_len > message_cap)
        return TSS_ERR_CAPACITY;
    for (uint32_t i = 0; i < n; i++) {
        if (read_commitment_body(&commitments_buf[i], in + 6 + (size_t)i * 96) != TSS_OK)
            return TSS_ERR_ENCODING;
        if (i > 0 &&
            tss_frost_identifier_cmp(&commitments_buf[i - 1].identifier, &commitments_buf[i].identifier) >= 0)
            return TSS_ERR_ENCODING;
    }
    if (msg_len != 0)
        memcpy(message_buf, p + 4, msg_len);
    pkg->version = TSS_FROST_VERSION;
    pkg->n_commitments = n;
    pkg->commitments = commitments_buf;
    pkg->message = message_buf;
    pkg->message_len = msg_len;
    return TSS_OK;
}

/* ---- signature share and signature ---- */

int tss_frost_signature_share_serialize(uint8_t *out, size_t out_cap, size_t *out_len,
                                        const tss_frost_signature_share *share)
{
    if (share == NULL)
        return TSS_ERR_INVALID_ARG;
    int rc = frost_wire_begin_write(out, out_cap, TSS_FROST_SIGNATURE_SHARE_BYTES, out_len,
                                    TSS_FROST_TAG_SIGNATURE_SHARE);
    if (rc != TSS_OK)
        return rc;
    memcpy(out + 2, share->identifier.bytes, 32);
    memcpy(out + 34, share->share, 32);
    return TSS_OK;
}

int tss_frost_signature_share_deserialize(tss_frost_signature_share *share, const uint8_t *in, size_t in_len)
{
    if (share == NULL)
        return TSS_ERR_INVALID_ARG;
    int rc = frost_wire_check_header(in, in_len, TSS_FROST_SIGNATURE_SHARE_BYTES, TSS_FROST_TAG_SIGNATURE_SHARE);
    if (rc != TSS_OK)
        return rc;
    if (in_len != TSS_FROST_SIGNATURE_SHARE_BYTES)
        return TSS_ERR_ENCODING;
    tss_frost_signature_share tmp;
    sc25519 z;
    tmp.version = TSS_FROST_VERSION;
    if (frost_wire_read_identifier(&tmp.identifier, in + 2) != TSS_OK || frost_scalar_decode(&z, in + 34) != TSS_OK)
        return TSS_ERR_ENCODING;
    memcpy(tmp.share, in + 34, 32);
    *share = tmp;
    return TSS_OK;
}

int tss_frost_signature_deserialize(tss_frost_signature *sig, const uint8_t in[64])
{
    if (sig == NULL || in == NULL)
        return TSS_ERR_INVALID_ARG;
    sc25519 z;
    uint8_t R[32];
    if (frost_wire_read_point(R, in) != TSS_OK || frost_scalar_decode(&z, in + 32) != TSS_OK)
        return TSS_ERR_ENCODING;
    memcpy(sig->bytes, in, 64);
    return TSS_OK;
}
