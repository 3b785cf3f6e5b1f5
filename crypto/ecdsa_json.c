/* JSON encodings of the threshold ECDSA objects: a typed envelope around the binary encoding (which does all
 * the validation), plus readable public fields that must agree with it. Output is written by hand (no secret
 * passes through a jansson string on the way out); input is parsed with jansson. */
#include "crypto/ecdsa_internal.h"

#include <stdio.h>
#include <string.h>
#include <jansson.h>
#include <sodium.h>

/* Readable fields: JSON key, byte offset and kind (u32 or a hex byte string of len bytes). */
typedef struct {
    const char *key;
    size_t off;
    size_t len;   /* 0: u32 */
} rfield;

#define U(key, type, m) {key, offsetof(type, m), 0}
#define H(key, type, m, n) {key, offsetof(type, m), n}
static const rfield R_KEY[] = {U("index", tss_ecdsa_key_share, index), U("t", tss_ecdsa_key_share, t),
                               U("n", tss_ecdsa_key_share, n), U("epoch", tss_ecdsa_key_share, epoch),
                               H("group_key", tss_ecdsa_key_share, group_key, 33), {NULL, 0, 0}};
static const rfield R_PAIR[] = {U("self", tss_ecdsa_pair, self), U("peer", tss_ecdsa_pair, peer), {NULL, 0, 0}};
static const rfield R_B1[] = {U("from", tss_ecdsa_dkg_bcast1, from), {NULL, 0, 0}};
static const rfield R_P1[] = {U("from", tss_ecdsa_dkg_p2p1, from), U("to", tss_ecdsa_dkg_p2p1, to), {NULL, 0, 0}};
static const rfield R_B2[] = {U("from", tss_ecdsa_dkg_bcast2, from), {NULL, 0, 0}};
static const rfield R_P2[] = {U("from", tss_ecdsa_dkg_p2p2, from), U("to", tss_ecdsa_dkg_p2p2, to), {NULL, 0, 0}};
static const rfield R_M1[] = {U("from", tss_ecdsa_presign_msg1, from), U("to", tss_ecdsa_presign_msg1, to),
                              {NULL, 0, 0}};
static const rfield R_M2[] = {U("from", tss_ecdsa_presign_msg2, from), U("to", tss_ecdsa_presign_msg2, to),
                              {NULL, 0, 0}};
static const rfield R_SH[] = {U("from", tss_ecdsa_sig_share, from), {NULL, 0, 0}};
static const rfield R_PRE[] = {U("self", tss_ecdsa_presignature, self), H("R", tss_ecdsa_presignature, pub.R, 33),
                               {NULL, 0, 0}};
static const rfield R_PUB[] = {H("R", tss_ecdsa_presig_public, R, 33),
                               H("group_key", tss_ecdsa_presig_public, group_key, 33), {NULL, 0, 0}};
static const rfield R_SIG[] = {H("r", tss_ecdsa_signature, r, 32), H("s", tss_ecdsa_signature, s, 32),
                               H("v", tss_ecdsa_signature, v, 1), {NULL, 0, 0}};
static const rfield R_RB[] = {U("from", tss_ecdsa_reshare_bcast, from), {NULL, 0, 0}};
static const rfield R_RP[] = {U("from", tss_ecdsa_reshare_p2p, from), U("to", tss_ecdsa_reshare_p2p, to), {NULL, 0, 0}};
static const rfield R_NONE[] = {{NULL, 0, 0}};
#undef U
#undef H

static const rfield *readable(tss_ecdsa_type t)
{
    switch (t) {
    case TSS_ECDSA_KEY_SHARE: return R_KEY;
    case TSS_ECDSA_PAIR: return R_PAIR;
    case TSS_ECDSA_DKG_BCAST1: return R_B1;
    case TSS_ECDSA_DKG_P2P1: return R_P1;
    case TSS_ECDSA_DKG_BCAST2: return R_B2;
    case TSS_ECDSA_DKG_P2P2: return R_P2;
    case TSS_ECDSA_PRESIGN_MSG1: return R_M1;
    case TSS_ECDSA_PRESIGN_MSG2: return R_M2;
    case TSS_ECDSA_SIG_SHARE: return R_SH;
    case TSS_ECDSA_PRESIGNATURE: return R_PRE;
    case TSS_ECDSA_PRESIG_PUBLIC: return R_PUB;
    case TSS_ECDSA_SIGNATURE: return R_SIG;
    case TSS_ECDSA_RESHARE_BCAST: return R_RB;
    case TSS_ECDSA_RESHARE_P2P: return R_RP;
    default: return R_NONE;
    }
}

size_t tss_ecdsa_json_size(tss_ecdsa_type type)
{
    size_t b = tss_ecdsa_encoded_size(type);
    return b ? 2 * b + 1024 : 0;
}

int tss_ecdsa_to_json(tss_ecdsa_type type, const void *obj, char *out, size_t out_cap, size_t *out_len)
{
    size_t blen = tss_ecdsa_encoded_size(type), len = 0;
    if (!blen || !obj || !out) return TSS_ERR_INVALID_ARG;
    if (out_cap < tss_ecdsa_json_size(type)) return TSS_ERR_CAPACITY;
    uint8_t *bin = sodium_malloc(blen);
    if (!bin) return TSS_ERR_CAPACITY;
    int rc = tss_ecdsa_encode(type, obj, bin, blen, NULL);
    if (rc == TSS_OK) {
        len += (size_t)snprintf(out + len, out_cap - len, "{\"type\":\"%s\",\"version\":%d", tss_ecdsa_type_name(type),
                                TSS_ECDSA_VERSION);
        for (const rfield *f = readable(type); f->key; f++) {
            const uint8_t *p = (const uint8_t *)obj + f->off;
            if (f->len == 0) {
                uint32_t x;
                memcpy(&x, p, 4);
                len += (size_t)snprintf(out + len, out_cap - len, ",\"%s\":%u", f->key, x);
            } else {
                len += (size_t)snprintf(out + len, out_cap - len, ",\"%s\":\"", f->key);
                sodium_bin2hex(out + len, out_cap - len, p, f->len);
                len += 2 * f->len;
                out[len++] = '"';
            }
        }
        if (type == TSS_ECDSA_KEY_SHARE || type == TSS_ECDSA_PRESIG_PUBLIC) {
            const uint8_t *gk = type == TSS_ECDSA_KEY_SHARE ? ((const tss_ecdsa_key_share *)obj)->group_key
                                                            : ((const tss_ecdsa_presig_public *)obj)->group_key;
            uint8_t addr[20];
            char hex[43];
            if (tss_ecdsa_eth_address(addr, gk) == TSS_OK) {
                tss_ecdsa_eth_address_hex(hex, addr);
                len += (size_t)snprintf(out + len, out_cap - len, ",\"address\":\"%s\"", hex);
            }
        }
        len += (size_t)snprintf(out + len, out_cap - len, ",\"data\":\"");
        sodium_bin2hex(out + len, out_cap - len, bin, blen);
        len += 2 * blen;
        len += (size_t)snprintf(out + len, out_cap - len, "\"}");
        if (out_len) *out_len = len;
    }
    sodium_free(bin);
    return rc;
}

int tss_ecdsa_from_json(tss_ecdsa_type type, void *obj, const char *json, size_t json_len)
{
    size_t blen = tss_ecdsa_encoded_size(type);
    if (!blen || !obj || !json) return TSS_ERR_INVALID_ARG;
    json_error_t err;
    json_t *root = json_loadb(json, json_len, JSON_REJECT_DUPLICATES, &err);
    if (!root || !json_is_object(root)) { json_decref(root); return TSS_ERR_ENCODING; }
    int rc = TSS_ERR_ENCODING;
    const char *name = json_string_value(json_object_get(root, "type"));
    json_t *ver = json_object_get(root, "version");
    const char *data = json_string_value(json_object_get(root, "data"));
    uint8_t *bin = sodium_malloc(blen);
    size_t got = 0;
    if (!bin) { json_decref(root); return TSS_ERR_CAPACITY; }
    if (!name || strcmp(name, tss_ecdsa_type_name(type)) != 0 || !json_is_integer(ver) ||
        json_integer_value(ver) != TSS_ECDSA_VERSION || !data || strlen(data) != 2 * blen ||
        sodium_hex2bin(bin, blen, data, 2 * blen, NULL, &got, NULL) != 0 || got != blen)
        goto out;
    if ((rc = tss_ecdsa_decode(type, obj, bin, blen)) != TSS_OK) goto out;
    for (const rfield *f = readable(type); f->key; f++) {
        json_t *v = json_object_get(root, f->key);
        const uint8_t *p = (const uint8_t *)obj + f->off;
        if (!v) continue;
        if (f->len == 0) {
            uint32_t x;
            memcpy(&x, p, 4);
            if (!json_is_integer(v) || json_integer_value(v) != (json_int_t)x) rc = TSS_ERR_ENCODING;
        } else {
            uint8_t b[64];
            const char *s = json_string_value(v);
            if (!s || strlen(s) != 2 * f->len || sodium_hex2bin(b, sizeof b, s, 2 * f->len, NULL, &got, NULL) != 0 ||
                got != f->len || memcmp(b, p, f->len) != 0)
                rc = TSS_ERR_ENCODING;
        }
    }
    if (rc != TSS_OK) sodium_memzero(obj, ecdsa_codec_struct_size(type));
out:
    sodium_free(bin);
    json_decref(root);
    return rc;
}
