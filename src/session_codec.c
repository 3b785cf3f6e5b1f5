/* Session payload encodings (layouts in src/session_codec.h). */
#include "src/session_codec.h"

#include <string.h>

#include "util/bytes.h"

int session_codec_retry_encode(uint8_t *out, size_t cap, size_t *len, uint8_t type, uint8_t round)
{
    if (out == NULL || len == NULL) return TSS_ERR_INVALID_ARG;
    if (cap < SESSION_RETRY_BYTES) return TSS_ERR_CAPACITY;
    out[0] = SESSION_CODEC_VERSION;
    out[1] = type;
    out[2] = round;
    *len = SESSION_RETRY_BYTES;
    return TSS_OK;
}

int session_codec_retry_decode(uint8_t *type, uint8_t *round, const uint8_t *in, size_t len)
{
    if (type == NULL || round == NULL || (in == NULL && len > 0)) return TSS_ERR_INVALID_ARG;
    if (len != SESSION_RETRY_BYTES || in[0] != SESSION_CODEC_VERSION) return TSS_ERR_ENCODING;
    *type = in[1];
    *round = in[2];
    return TSS_OK;
}

int session_codec_dkg_round1_encode(uint8_t *out, size_t cap, size_t *len, uint16_t sender,
                                    const tss_frost_dkg_round1_package *pkg)
{
    if (out == NULL || len == NULL || pkg == NULL || pkg->commitment == NULL) return TSS_ERR_INVALID_ARG;
    if (pkg->n_commitments == 0 || pkg->n_commitments > 0xFFFFu) return TSS_ERR_INVALID_ARG;
    size_t need = SESSION_DKG_ROUND1_BYTES(pkg->n_commitments);
    if (cap < need) return TSS_ERR_CAPACITY;
    out[0] = SESSION_CODEC_VERSION;
    tss_store_le16(out + 1, sender);
    tss_store_le16(out + 3, (uint16_t)pkg->n_commitments);
    uint8_t *p = out + 5;
    for (uint32_t k = 0; k < pkg->n_commitments; k++, p += 32) memcpy(p, pkg->commitment[k].bytes, 32);
    memcpy(p, pkg->proof_of_knowledge, 64);
    *len = need;
    return TSS_OK;
}

int session_codec_dkg_round1_decode(tss_frost_dkg_round1_package *pkg, uint16_t *sender, const uint8_t *in,
                                    size_t len)
{
    if (pkg == NULL || sender == NULL || pkg->commitment == NULL || (in == NULL && len > 0))
        return TSS_ERR_INVALID_ARG;
    if (len < SESSION_DKG_ROUND1_BYTES(1) || in[0] != SESSION_CODEC_VERSION) return TSS_ERR_ENCODING;
    uint16_t who = tss_load_le16(in + 1), k = tss_load_le16(in + 3);
    if (who == 0 || k == 0 || k > pkg->capacity || len != SESSION_DKG_ROUND1_BYTES(k)) return TSS_ERR_ENCODING;
    if (tss_frost_identifier_from_u64(&pkg->identifier, who) != TSS_OK) return TSS_ERR_ENCODING;
    pkg->version = TSS_FROST_VERSION;
    pkg->n_commitments = k;
    const uint8_t *p = in + 5;
    for (uint32_t i = 0; i < k; i++, p += 32) memcpy(pkg->commitment[i].bytes, p, 32);
    memcpy(pkg->proof_of_knowledge, p, 64);
    *sender = who;
    return TSS_OK;
}

int session_codec_dkg_confirm_encode(uint8_t *out, size_t cap, size_t *len, const uint16_t *nodes,
                                     const uint8_t (*digests)[SESSION_DIGEST_BYTES], uint16_t n)
{
    if (out == NULL || len == NULL || nodes == NULL || digests == NULL) return TSS_ERR_INVALID_ARG;
    size_t need = SESSION_DKG_CONFIRM_BYTES(n);
    if (cap < need) return TSS_ERR_CAPACITY;
    out[0] = SESSION_CODEC_VERSION;
    tss_store_le16(out + 1, n);
    uint8_t *p = out + 3;
    for (uint16_t i = 0; i < n; i++, p += 2 + SESSION_DIGEST_BYTES) {
        tss_store_le16(p, nodes[i]);
        memcpy(p + 2, digests[i], SESSION_DIGEST_BYTES);
    }
    *len = need;
    return TSS_OK;
}

int session_codec_dkg_confirm_decode(uint16_t *nodes, uint8_t (*digests)[SESSION_DIGEST_BYTES], uint16_t *n,
                                     uint16_t cap, const uint8_t *in, size_t len)
{
    if (nodes == NULL || digests == NULL || n == NULL || (in == NULL && len > 0)) return TSS_ERR_INVALID_ARG;
    if (len < 3 || in[0] != SESSION_CODEC_VERSION) return TSS_ERR_ENCODING;
    uint16_t count = tss_load_le16(in + 1);
    if (count > cap || len != SESSION_DKG_CONFIRM_BYTES(count)) return TSS_ERR_ENCODING;
    const uint8_t *p = in + 3;
    for (uint16_t i = 0; i < count; i++, p += 2 + SESSION_DIGEST_BYTES) {
        nodes[i] = tss_load_le16(p);
        if (i > 0 && nodes[i] <= nodes[i - 1]) return TSS_ERR_ENCODING;
        memcpy(digests[i], p + 2, SESSION_DIGEST_BYTES);
    }
    *n = count;
    return TSS_OK;
}

int session_codec_dkg_share_encode(uint8_t out[SESSION_DKG_SHARE_BYTES], const tss_frost_signing_share *share)
{
    if (out == NULL || share == NULL) return TSS_ERR_INVALID_ARG;
    out[0] = SESSION_CODEC_VERSION;
    memcpy(out + 1, share->bytes, 32);
    return TSS_OK;
}

int session_codec_dkg_share_decode(tss_frost_signing_share *share, const uint8_t *in, size_t len)
{
    if (share == NULL || (in == NULL && len > 0)) return TSS_ERR_INVALID_ARG;
    if (len != SESSION_DKG_SHARE_BYTES || in[0] != SESSION_CODEC_VERSION) return TSS_ERR_ENCODING;
    memcpy(share->bytes, in + 1, 32);
    return TSS_OK;
}

/* ver ‖ a FROST binary encoding: the FROST decoders check length, tags, identifiers and points. */
static int prefix_check(const uint8_t *in, size_t len)
{
    return (in != NULL && len >= 2 && in[0] == SESSION_CODEC_VERSION) ? TSS_OK : TSS_ERR_ENCODING;
}

int session_codec_sign_commitments_encode(uint8_t *out, size_t cap, size_t *len,
                                          const tss_frost_signing_commitments *c)
{
    if (out == NULL || len == NULL || c == NULL) return TSS_ERR_INVALID_ARG;
    if (cap < 1) return TSS_ERR_CAPACITY;
    out[0] = SESSION_CODEC_VERSION;
    size_t l = 0;
    int rc = tss_frost_signing_commitments_serialize(out + 1, cap - 1, &l, c);
    if (rc == TSS_OK) *len = l + 1;
    return rc;
}

int session_codec_sign_commitments_decode(tss_frost_signing_commitments *c, const uint8_t *in, size_t len)
{
    if (c == NULL) return TSS_ERR_INVALID_ARG;
    if (prefix_check(in, len) != TSS_OK) return TSS_ERR_ENCODING;
    return tss_frost_signing_commitments_deserialize(c, in + 1, len - 1) == TSS_OK ? TSS_OK : TSS_ERR_ENCODING;
}

int session_codec_sign_package_encode(uint8_t *out, size_t cap, size_t *len, const tss_frost_signing_package *pkg)
{
    if (out == NULL || len == NULL || pkg == NULL) return TSS_ERR_INVALID_ARG;
    if (cap < 1) return TSS_ERR_CAPACITY;
    out[0] = SESSION_CODEC_VERSION;
    size_t l = 0;
    int rc = tss_frost_signing_package_serialize(out + 1, cap - 1, &l, pkg);
    if (rc == TSS_OK) *len = l + 1;
    return rc;
}

int session_codec_sign_package_decode(tss_frost_signing_package *pkg, tss_frost_signing_commitments *commitments_buf,
                                      uint32_t commitments_cap, uint8_t *message_buf, size_t message_cap,
                                      const uint8_t *in, size_t len)
{
    if (pkg == NULL || commitments_buf == NULL || message_buf == NULL) return TSS_ERR_INVALID_ARG;
    if (prefix_check(in, len) != TSS_OK) return TSS_ERR_ENCODING;
    int rc = tss_frost_signing_package_deserialize(pkg, commitments_buf, commitments_cap, message_buf, message_cap,
                                                   in + 1, len - 1);
    return rc == TSS_OK ? TSS_OK : TSS_ERR_ENCODING;
}

int session_codec_sign_share_encode(uint8_t *out, size_t cap, size_t *len, const tss_frost_signature_share *share)
{
    if (out == NULL || len == NULL || share == NULL) return TSS_ERR_INVALID_ARG;
    if (cap < 1) return TSS_ERR_CAPACITY;
    out[0] = SESSION_CODEC_VERSION;
    size_t l = 0;
    int rc = tss_frost_signature_share_serialize(out + 1, cap - 1, &l, share);
    if (rc == TSS_OK) *len = l + 1;
    return rc;
}

/* A share whose scalar is not canonical is still a share (aggregation names its sender), so only the
 * framing is checked strictly here; the FROST decoder's verdict on z_i is left to aggregation. */
int session_codec_sign_share_decode(tss_frost_signature_share *share, const uint8_t *in, size_t len)
{
    if (share == NULL) return TSS_ERR_INVALID_ARG;
    if (prefix_check(in, len) != TSS_OK || len != SESSION_SIGN_SHARE_BYTES) return TSS_ERR_ENCODING;
    if (in[1] != TSS_FROST_VERSION || in[2] != TSS_FROST_TAG_SIGNATURE_SHARE) return TSS_ERR_ENCODING;
    if (tss_frost_identifier_from_bytes(&share->identifier, in + 3) != TSS_OK) return TSS_ERR_ENCODING;
    share->version = TSS_FROST_VERSION;
    memcpy(share->share, in + 3 + 32, 32);
    return TSS_OK;
}

static uint8_t *put_list(uint8_t *p, const uint16_t *v, uint16_t n)
{
    tss_store_le16(p, n);
    p += 2;
    for (uint16_t i = 0; i < n; i++, p += 2) tss_store_le16(p, v[i]);
    return p;
}

int session_codec_sign_result_encode(uint8_t *out, size_t cap, size_t *len, const session_sign_result_msg *m)
{
    if (out == NULL || len == NULL || m == NULL) return TSS_ERR_INVALID_ARG;
    if (m->n_signers > SESSION_MAX_PARTICIPANTS || m->n_culprits > SESSION_MAX_PARTICIPANTS ||
        m->n_missing > SESSION_MAX_PARTICIPANTS)
        return TSS_ERR_INVALID_ARG;
    size_t need = 1 + 64 + 6 + 2 * ((size_t)m->n_signers + m->n_culprits + m->n_missing);
    if (cap < need) return TSS_ERR_CAPACITY;
    out[0] = SESSION_CODEC_VERSION;
    memcpy(out + 1, m->signature.bytes, 64);
    uint8_t *p = out + 65;
    p = put_list(p, m->signers, m->n_signers);
    p = put_list(p, m->culprits, m->n_culprits);
    p = put_list(p, m->missing, m->n_missing);
    *len = (size_t)(p - out);
    return TSS_OK;
}

static int get_list(uint16_t *v, uint16_t *n, const uint8_t **p, const uint8_t *end)
{
    if (end - *p < 2) return TSS_ERR_ENCODING;
    uint16_t count = tss_load_le16(*p);
    *p += 2;
    if (count > SESSION_MAX_PARTICIPANTS || (size_t)(end - *p) < 2u * count) return TSS_ERR_ENCODING;
    for (uint16_t i = 0; i < count; i++, *p += 2) v[i] = tss_load_le16(*p);
    *n = count;
    return TSS_OK;
}

int session_codec_sign_result_decode(session_sign_result_msg *m, const uint8_t *in, size_t len)
{
    if (m == NULL || (in == NULL && len > 0)) return TSS_ERR_INVALID_ARG;
    if (len < 1 + 64 + 6 || in[0] != SESSION_CODEC_VERSION) return TSS_ERR_ENCODING;
    memcpy(m->signature.bytes, in + 1, 64);
    const uint8_t *p = in + 65, *end = in + len;
    if (get_list(m->signers, &m->n_signers, &p, end) != TSS_OK ||
        get_list(m->culprits, &m->n_culprits, &p, end) != TSS_OK ||
        get_list(m->missing, &m->n_missing, &p, end) != TSS_OK || p != end)
        return TSS_ERR_ENCODING;
    return TSS_OK;
}

int session_codec_key_public_encode(uint8_t *out, size_t cap, size_t *len, const session_key_public *k)
{
    if (out == NULL || len == NULL || k == NULL) return TSS_ERR_INVALID_ARG;
    if (k->n_holders == 0 || k->n_holders > SESSION_MAX_PARTICIPANTS) return TSS_ERR_INVALID_ARG;
    size_t need = SESSION_KEY_PUBLIC_BYTES(k->n_holders);
    if (cap < need) return TSS_ERR_CAPACITY;
    for (uint16_t i = 1; i < k->n_holders; i++)
        if (k->holders[i] <= k->holders[i - 1]) return TSS_ERR_INVALID_ARG;
    for (int i = 0; i < 4; i++) out[i] = (uint8_t)(k->generation >> (8 * i));
    tss_store_le16(out + 4, k->t);
    memcpy(out + 6, k->group_key.bytes, 32);
    tss_store_le16(out + 38, k->n_holders);
    uint8_t *p = out + 40;
    for (uint16_t i = 0; i < k->n_holders; i++, p += 34) {
        tss_store_le16(p, k->holders[i]);
        memcpy(p + 2, k->verifying_shares[i].bytes, 32);
    }
    *len = need;
    return TSS_OK;
}

int session_codec_key_public_decode(session_key_public *k, const uint8_t *in, size_t len)
{
    if (k == NULL || (in == NULL && len > 0)) return TSS_ERR_INVALID_ARG;
    if (len < SESSION_KEY_PUBLIC_BYTES(1)) return TSS_ERR_ENCODING;
    uint16_t n = tss_load_le16(in + 38), t = tss_load_le16(in + 4);
    if (n == 0 || n > SESSION_MAX_PARTICIPANTS || t == 0 || t > n || len != SESSION_KEY_PUBLIC_BYTES(n))
        return TSS_ERR_ENCODING;
    memset(k, 0, sizeof *k);
    k->generation = (uint32_t)in[0] | (uint32_t)in[1] << 8 | (uint32_t)in[2] << 16 | (uint32_t)in[3] << 24;
    k->t = t;
    memcpy(k->group_key.bytes, in + 6, 32);
    const uint8_t *p = in + 40;
    for (uint16_t i = 0; i < n; i++, p += 34) {
        k->holders[i] = tss_load_le16(p);
        if (k->holders[i] == 0 || (i > 0 && k->holders[i] <= k->holders[i - 1])) return TSS_ERR_ENCODING;
        memcpy(k->verifying_shares[i].bytes, p + 2, 32);
    }
    k->n_holders = n;
    return TSS_OK;
}

int session_codec_reshare_round1_encode(uint8_t *out, size_t cap, size_t *len, uint16_t sender,
                                        const tss_frost_dkg_round1_package *pkg, const session_key_public *k)
{
    if (out == NULL || len == NULL) return TSS_ERR_INVALID_ARG;
    size_t a = 0, b = 0;
    int rc = session_codec_dkg_round1_encode(out, cap, &a, sender, pkg);
    if (rc == TSS_OK) rc = session_codec_key_public_encode(out + a, cap - a, &b, k);
    if (rc == TSS_OK) *len = a + b;
    return rc;
}

int session_codec_reshare_round1_decode(tss_frost_dkg_round1_package *pkg, uint16_t *sender, session_key_public *k,
                                        const uint8_t *in, size_t len)
{
    if (pkg == NULL || sender == NULL || k == NULL || (in == NULL && len > 0)) return TSS_ERR_INVALID_ARG;
    if (len < 5) return TSS_ERR_ENCODING;
    size_t a = SESSION_DKG_ROUND1_BYTES(tss_load_le16(in + 3));
    if (a > len) return TSS_ERR_ENCODING;
    int rc = session_codec_dkg_round1_decode(pkg, sender, in, a);
    if (rc != TSS_OK) return rc;
    return session_codec_key_public_decode(k, in + a, len - a);
}
