/* JSON encodings of the FROST packages (field names in include/tss/frost.h). Output is written by hand
 * (no secret ever sits in a jansson heap string on the way out); input is parsed with jansson and then
 * goes through the same checks as the binary decoders. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>
#include <sodium.h>

#include "crypto/frost_internal.h"
#include "crypto/frost_json_internal.h"

static const char *const K_ID[] = {"identifier", NULL};
static const char *const K_SIGNING_SHARE[] = {"signing_share", NULL};
static const char *const K_VERIFYING_SHARE[] = {"verifying_share", NULL};
static const char *const K_VK[] = {"verifying_key", "group_public_key", "verifying_key_key", NULL};
static const char *const K_HIDING_NONCE[] = {"hiding_nonce", "hiding", NULL};
static const char *const K_BINDING_NONCE[] = {"binding_nonce", "binding", NULL};
static const char *const K_HIDING_COM[] = {"hiding_nonce_commitment", "hiding", NULL};
static const char *const K_BINDING_COM[] = {"binding_nonce_commitment", "binding", NULL};
static const char *const K_SHARE[] = {"sig_share", "share", NULL};
static const char *const K_SIG[] = {"sig", "signature", NULL};
static const char *const K_MSG[] = {"message", NULL};

/* ---- key package ---- */

int tss_frost_key_package_to_json(char *out, size_t out_cap, size_t *out_len, const tss_frost_key_package *kp)
{
    frost_jw w;
    if (kp == NULL || frost_jw_begin(&w, out, out_cap) != TSS_OK)
        return TSS_ERR_INVALID_ARG;
    frost_jw_raw(&w, ",");
    frost_jw_id(&w, "identifier", &kp->identifier);
    frost_jw_raw(&w, ",");
    frost_jw_hex(&w, "signing_share", kp->signing_share.bytes, 32);
    frost_jw_raw(&w, ",");
    frost_jw_hex(&w, "verifying_share", kp->verifying_share.bytes, 32);
    frost_jw_raw(&w, ",");
    frost_jw_hex(&w, "verifying_key", kp->verifying_key.bytes, 32);
    frost_jw_raw(&w, ",");
    frost_jw_uint(&w, "min_signers", kp->min_signers);
    return frost_jw_end(&w, out_len);
}

int tss_frost_key_package_from_json(tss_frost_key_package *kp, const char *json, size_t json_len)
{
    if (kp == NULL || json == NULL)
        return TSS_ERR_INVALID_ARG;
    json_t *root = frost_json_parse(json, json_len);
    uint8_t enc[TSS_FROST_KEY_PACKAGE_BYTES];
    tss_frost_identifier id;
    uint32_t t = 0;
    int rc = TSS_ERR_ENCODING;
    if (root != NULL && frost_json_version_ok(root) && frost_json_id(&id, frost_json_get_any(root, K_ID), NULL) == TSS_OK &&
        frost_json_get_hex(enc + 34, 32, root, K_SIGNING_SHARE) == TSS_OK &&
        frost_json_get_hex(enc + 66, 32, root, K_VERIFYING_SHARE) == TSS_OK && frost_json_get_hex(enc + 98, 32, root, K_VK) == TSS_OK &&
        frost_json_get_u32(&t, root, "min_signers") == TSS_OK) {
        enc[0] = TSS_FROST_VERSION;
        enc[1] = TSS_FROST_TAG_KEY_PACKAGE;
        memcpy(enc + 2, id.bytes, 32);
        for (int i = 0; i < 4; i++)
            enc[130 + i] = (uint8_t)(t >> (8 * i));
        rc = tss_frost_key_package_deserialize(kp, enc, sizeof enc);
    }
    sodium_memzero(enc, sizeof enc);
    json_decref(root);
    return rc;
}

/* ---- public key package ---- */

int tss_frost_public_key_package_to_json(char *out, size_t out_cap, size_t *out_len,
                                         const tss_frost_public_key_package *pkp)
{
    frost_jw w;
    if (pkp == NULL || pkp->max_signers > pkp->capacity || (pkp->shares == NULL && pkp->max_signers != 0) ||
        frost_jw_begin(&w, out, out_cap) != TSS_OK)
        return TSS_ERR_INVALID_ARG;
    frost_jw_raw(&w, ",");
    frost_jw_uint(&w, "min_signers", pkp->min_signers);
    frost_jw_raw(&w, ",");
    frost_jw_uint(&w, "max_signers", pkp->max_signers);
    frost_jw_raw(&w, ",");
    frost_jw_hex(&w, "verifying_key", pkp->verifying_key.bytes, 32);
    frost_jw_raw(&w, ",\"verifying_shares\":[");
    for (uint32_t i = 0; i < pkp->max_signers && !w.overflow; i++) {
        frost_jw_raw(&w, i == 0 ? "{" : ",{");
        frost_jw_id(&w, "identifier", &pkp->shares[i].identifier);
        frost_jw_raw(&w, ",");
        frost_jw_hex(&w, "verifying_share", pkp->shares[i].verifying_share.bytes, 32);
        frost_jw_raw(&w, "}");
    }
    frost_jw_raw(&w, "]");
    return frost_jw_end(&w, out_len);
}

static int read_public_share(tss_frost_public_share *e, json_t *obj, const char *key_id, json_t *value)
{
    ge25519_p3 P;
    if (key_id != NULL) { /* map form: "id": "hex" */
        if (frost_json_id(&e->identifier, NULL, key_id) != TSS_OK ||
            frost_json_hex_exact(e->verifying_share.bytes, 32, value) != TSS_OK)
            return TSS_ERR_ENCODING;
    } else if (!json_is_object(obj) || frost_json_id(&e->identifier, frost_json_get_any(obj, K_ID), NULL) != TSS_OK ||
               frost_json_get_hex(e->verifying_share.bytes, 32, obj, K_VERIFYING_SHARE) != TSS_OK) {
        return TSS_ERR_ENCODING;
    }
    return frost_point_decode(&P, e->verifying_share.bytes);
}

int tss_frost_public_key_package_from_json(tss_frost_public_key_package *pkp, const char *json, size_t json_len)
{
    if (pkp == NULL || json == NULL || (pkp->shares == NULL && pkp->capacity != 0))
        return TSS_ERR_INVALID_ARG;
    json_t *root = frost_json_parse(json, json_len);
    json_t *list = root != NULL ? json_object_get(root, "verifying_shares") : NULL;
    tss_frost_verifying_key vk;
    ge25519_p3 P;
    uint32_t t = 0, n = 0;
    int rc = TSS_ERR_ENCODING;
    if (root == NULL || !frost_json_version_ok(root) || frost_json_get_u32(&t, root, "min_signers") != TSS_OK ||
        frost_json_get_hex(vk.bytes, 32, root, K_VK) != TSS_OK || frost_point_decode(&P, vk.bytes) != TSS_OK ||
        !(json_is_array(list) || json_is_object(list)))
        goto done;
    n = (uint32_t)(json_is_array(list) ? json_array_size(list) : json_object_size(list));
    uint32_t n_field;
    if (json_object_get(root, "max_signers") != NULL && (frost_json_get_u32(&n_field, root, "max_signers") != TSS_OK ||
                                                          n_field != n))
        goto done;
    if (t < 1 || t > n || n > TSS_FROST_MAX_SIGNERS)
        goto done;
    if (n > pkp->capacity) {
        rc = TSS_ERR_CAPACITY;
        goto done;
    }
    if (json_is_array(list)) {
        for (uint32_t i = 0; i < n; i++)
            if (read_public_share(&pkp->shares[i], json_array_get(list, i), NULL, NULL) != TSS_OK)
                goto done;
    } else {
        const char *key;
        json_t *value;
        uint32_t i = 0;
        json_object_foreach(list, key, value) {
            if (read_public_share(&pkp->shares[i++], NULL, key, value) != TSS_OK)
                goto done;
        }
    }
    frost_sort_by_id(pkp->shares, n, sizeof(tss_frost_public_share), offsetof(tss_frost_public_share, identifier));
    if (frost_check_sorted_ids(&pkp->shares[0].identifier, sizeof(tss_frost_public_share), n) != TSS_OK)
        goto done;
    pkp->version = TSS_FROST_VERSION;
    pkp->min_signers = t;
    pkp->max_signers = n;
    pkp->verifying_key = vk;
    rc = TSS_OK;
done:
    if (rc != TSS_OK)
        pkp->max_signers = 0;
    json_decref(root);
    return rc;
}

/* ---- signing nonces ---- */

int tss_frost_signing_nonces_to_json(char *out, size_t out_cap, size_t *out_len,
                                     const tss_frost_signing_nonces *nonces)
{
    frost_jw w;
    if (nonces == NULL)
        return TSS_ERR_INVALID_ARG;
    if (nonces->state != TSS_FROST_NONCE_LIVE)
        return TSS_ERR_NONCE_USED;
    if (frost_jw_begin(&w, out, out_cap) != TSS_OK)
        return TSS_ERR_INVALID_ARG;
    frost_jw_raw(&w, ",");
    frost_jw_id(&w, "identifier", &nonces->commitments.identifier);
    frost_jw_raw(&w, ",");
    frost_jw_hex(&w, "hiding_nonce", nonces->hiding, 32);
    frost_jw_raw(&w, ",");
    frost_jw_hex(&w, "binding_nonce", nonces->binding, 32);
    frost_jw_raw(&w, ",");
    frost_jw_hex(&w, "hiding_nonce_commitment", nonces->commitments.hiding, 32);
    frost_jw_raw(&w, ",");
    frost_jw_hex(&w, "binding_nonce_commitment", nonces->commitments.binding, 32);
    return frost_jw_end(&w, out_len);
}

int tss_frost_signing_nonces_from_json(tss_frost_signing_nonces *nonces, const char *json, size_t json_len)
{
    if (nonces == NULL || json == NULL)
        return TSS_ERR_INVALID_ARG;
    json_t *root = frost_json_parse(json, json_len);
    uint8_t enc[TSS_FROST_SIGNING_NONCES_BYTES];
    tss_frost_identifier id;
    int rc = TSS_ERR_ENCODING;
    if (root != NULL && frost_json_version_ok(root) && frost_json_id(&id, frost_json_get_any(root, K_ID), NULL) == TSS_OK &&
        frost_json_get_hex(enc + 2, 32, root, K_HIDING_NONCE) == TSS_OK && frost_json_get_hex(enc + 34, 32, root, K_BINDING_NONCE) == TSS_OK &&
        frost_json_get_hex(enc + 98, 32, root, (const char *const[]){"hiding_nonce_commitment", NULL}) == TSS_OK &&
        frost_json_get_hex(enc + 130, 32, root, (const char *const[]){"binding_nonce_commitment", NULL}) == TSS_OK) {
        enc[0] = TSS_FROST_VERSION;
        enc[1] = TSS_FROST_TAG_SIGNING_NONCES;
        memcpy(enc + 66, id.bytes, 32);
        rc = tss_frost_signing_nonces_deserialize(nonces, enc, sizeof enc);
    }
    sodium_memzero(enc, sizeof enc);
    json_decref(root);
    return rc;
}

/* ---- signing commitments ---- */

static void w_commitment_fields(frost_jw *w, const tss_frost_signing_commitments *c)
{
    frost_jw_id(w, "identifier", &c->identifier);
    frost_jw_raw(w, ",");
    frost_jw_hex(w, "hiding_nonce_commitment", c->hiding, 32);
    frost_jw_raw(w, ",");
    frost_jw_hex(w, "binding_nonce_commitment", c->binding, 32);
}

int tss_frost_signing_commitments_to_json(char *out, size_t out_cap, size_t *out_len,
                                          const tss_frost_signing_commitments *c)
{
    frost_jw w;
    if (c == NULL || frost_jw_begin(&w, out, out_cap) != TSS_OK)
        return TSS_ERR_INVALID_ARG;
    frost_jw_raw(&w, ",");
    w_commitment_fields(&w, c);
    return frost_jw_end(&w, out_len);
}

/* key_id: the identifier from a map key (or NULL to read "identifier"). */
static int read_commitment(tss_frost_signing_commitments *c, json_t *obj, const char *key_id)
{
    uint8_t enc[TSS_FROST_SIGNING_COMMITMENTS_BYTES];
    tss_frost_identifier id;
    if (!json_is_object(obj) || !frost_json_version_ok(obj))
        return TSS_ERR_ENCODING;
    int rc = key_id != NULL ? frost_json_id(&id, NULL, key_id) : frost_json_id(&id, frost_json_get_any(obj, K_ID), NULL);
    if (rc != TSS_OK || frost_json_get_hex(enc + 34, 32, obj, K_HIDING_COM) != TSS_OK ||
        frost_json_get_hex(enc + 66, 32, obj, K_BINDING_COM) != TSS_OK)
        return TSS_ERR_ENCODING;
    enc[0] = TSS_FROST_VERSION;
    enc[1] = TSS_FROST_TAG_SIGNING_COMMITMENTS;
    memcpy(enc + 2, id.bytes, 32);
    return tss_frost_signing_commitments_deserialize(c, enc, sizeof enc);
}

int tss_frost_signing_commitments_from_json(tss_frost_signing_commitments *c, const char *json, size_t json_len)
{
    if (c == NULL || json == NULL)
        return TSS_ERR_INVALID_ARG;
    json_t *root = frost_json_parse(json, json_len);
    int rc = root != NULL ? read_commitment(c, root, NULL) : TSS_ERR_ENCODING;
    json_decref(root);
    return rc;
}

/* ---- signing package ---- */

int tss_frost_signing_package_to_json(char *out, size_t out_cap, size_t *out_len,
                                      const tss_frost_signing_package *pkg)
{
    frost_jw w;
    int rc = frost_signing_package_check(pkg);
    if (rc != TSS_OK)
        return rc;
    if (frost_jw_begin(&w, out, out_cap) != TSS_OK)
        return TSS_ERR_INVALID_ARG;
    frost_jw_raw(&w, ",");
    frost_jw_hex(&w, "message", pkg->message, pkg->message_len);
    frost_jw_raw(&w, ",\"signing_commitments\":[");
    for (uint32_t i = 0; i < pkg->n_commitments && !w.overflow; i++) {
        frost_jw_raw(&w, i == 0 ? "{" : ",{");
        w_commitment_fields(&w, &pkg->commitments[i]);
        frost_jw_raw(&w, "}");
    }
    frost_jw_raw(&w, "]");
    return frost_jw_end(&w, out_len);
}

int tss_frost_signing_package_from_json(tss_frost_signing_package *pkg,
                                        tss_frost_signing_commitments *commitments_buf, uint32_t commitments_cap,
                                        uint8_t *message_buf, size_t message_cap, const char *json,
                                        size_t json_len)
{
    if (pkg == NULL || json == NULL || (commitments_buf == NULL && commitments_cap != 0) ||
        (message_buf == NULL && message_cap != 0))
        return TSS_ERR_INVALID_ARG;
    json_t *root = frost_json_parse(json, json_len);
    json_t *list = root != NULL ? json_object_get(root, "signing_commitments") : NULL;
    json_t *msg = root != NULL ? frost_json_get_any(root, K_MSG) : NULL;
    int rc = TSS_ERR_ENCODING;
    if (root == NULL || !frost_json_version_ok(root) || !json_is_string(msg) || !(json_is_array(list) || json_is_object(list)))
        goto done;
    size_t n = json_is_array(list) ? json_array_size(list) : json_object_size(list);
    size_t hex_len = strlen(json_string_value(msg));
    if (n < 1 || n > TSS_FROST_MAX_SIGNERS || hex_len % 2 != 0)
        goto done;
    if (n > commitments_cap || hex_len / 2 > message_cap) {
        rc = TSS_ERR_CAPACITY;
        goto done;
    }
    if (json_is_array(list)) {
        for (size_t i = 0; i < n; i++)
            if (read_commitment(&commitments_buf[i], json_array_get(list, i), NULL) != TSS_OK)
                goto done;
    } else {
        const char *key;
        json_t *value;
        size_t i = 0;
        json_object_foreach(list, key, value) {
            if (read_commitment(&commitments_buf[i++], value, key) != TSS_OK)
                goto done;
        }
    }
    size_t msg_len = hex_len / 2;
    if (msg_len != 0 && frost_json_hex_exact(message_buf, msg_len, msg) != TSS_OK)
        goto done;
    tss_frost_commitments_sort(commitments_buf, n);
    if (frost_check_sorted_ids(&commitments_buf[0].identifier, sizeof commitments_buf[0], n) != TSS_OK)
        goto done;
    pkg->version = TSS_FROST_VERSION;
    pkg->n_commitments = (uint32_t)n;
    pkg->commitments = commitments_buf;
    pkg->message = message_buf;
    pkg->message_len = msg_len;
    rc = TSS_OK;
done:
    json_decref(root);
    return rc;
}

/* ---- signature share and signature ---- */

int tss_frost_signature_share_to_json(char *out, size_t out_cap, size_t *out_len,
                                      const tss_frost_signature_share *share)
{
    frost_jw w;
    if (share == NULL || frost_jw_begin(&w, out, out_cap) != TSS_OK)
        return TSS_ERR_INVALID_ARG;
    frost_jw_raw(&w, ",");
    frost_jw_id(&w, "identifier", &share->identifier);
    frost_jw_raw(&w, ",");
    frost_jw_hex(&w, "sig_share", share->share, 32);
    return frost_jw_end(&w, out_len);
}

int tss_frost_signature_share_from_json(tss_frost_signature_share *share, const char *json, size_t json_len)
{
    if (share == NULL || json == NULL)
        return TSS_ERR_INVALID_ARG;
    json_t *root = frost_json_parse(json, json_len);
    uint8_t enc[TSS_FROST_SIGNATURE_SHARE_BYTES];
    tss_frost_identifier id;
    int rc = TSS_ERR_ENCODING;
    if (root != NULL && frost_json_version_ok(root) && frost_json_id(&id, frost_json_get_any(root, K_ID), NULL) == TSS_OK &&
        frost_json_get_hex(enc + 34, 32, root, K_SHARE) == TSS_OK) {
        enc[0] = TSS_FROST_VERSION;
        enc[1] = TSS_FROST_TAG_SIGNATURE_SHARE;
        memcpy(enc + 2, id.bytes, 32);
        rc = tss_frost_signature_share_deserialize(share, enc, sizeof enc);
    }
    json_decref(root);
    return rc;
}

int tss_frost_signature_to_json(char *out, size_t out_cap, size_t *out_len, const tss_frost_signature *sig)
{
    frost_jw w;
    if (sig == NULL || out == NULL || out_cap == 0)
        return TSS_ERR_INVALID_ARG;
    w.out = out;
    w.cap = out_cap;
    w.len = 0;
    w.overflow = 0;
    out[0] = '\0';
    frost_jw_raw(&w, "{");
    frost_jw_hex(&w, "sig", sig->bytes, 64);
    return frost_jw_end(&w, out_len);
}

int tss_frost_signature_from_json(tss_frost_signature *sig, const char *json, size_t json_len)
{
    if (sig == NULL || json == NULL)
        return TSS_ERR_INVALID_ARG;
    json_t *root = frost_json_parse(json, json_len);
    uint8_t b[64];
    int rc = TSS_ERR_ENCODING;
    if (root != NULL && frost_json_get_hex(b, 64, root, K_SIG) == TSS_OK)
        rc = tss_frost_signature_deserialize(sig, b);
    json_decref(root);
    return rc;
}
