/* Shared JSON helpers of the FROST encodings (crypto/frost_json_internal.h). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>
#include <sodium.h>

#include "crypto/frost_internal.h"
#include "crypto/frost_json_internal.h"

/* ---- writer ---- */

void frost_jw_raw(frost_jw *w, const char *s)
{
    size_t n = strlen(s);
    if (w->len + n + 1 > w->cap) {
        w->overflow = 1;
        return;
    }
    memcpy(w->out + w->len, s, n);
    w->len += n;
    w->out[w->len] = '\0';
}

void frost_jw_hex(frost_jw *w, const char *key, const uint8_t *b, size_t n)
{
    char buf[2 * 64 + 1];
    frost_jw_raw(w, "\"");
    frost_jw_raw(w, key);
    frost_jw_raw(w, "\":\"");
    for (size_t off = 0; off < n; off += 64) {
        size_t m = n - off < 64 ? n - off : 64;
        sodium_bin2hex(buf, sizeof buf, b + off, m);
        frost_jw_raw(w, buf);
    }
    sodium_memzero(buf, sizeof buf);
    frost_jw_raw(w, "\"");
}

void frost_jw_uint(frost_jw *w, const char *key, uint64_t v)
{
    char buf[64];
    snprintf(buf, sizeof buf, "\"%s\":%" PRIu64, key, v);
    frost_jw_raw(w, buf);
}

/* Integers below 2^53 (exact in every JSON reader) as numbers, anything else as the 64-digit scalar. */
void frost_jw_id(frost_jw *w, const char *key, const tss_frost_identifier *id)
{
    uint64_t v;
    if (tss_frost_identifier_to_u64(&v, id) == TSS_OK && v < (UINT64_C(1) << 53))
        frost_jw_uint(w, key, v);
    else
        frost_jw_hex(w, key, id->bytes, 32);
}

int frost_jw_begin(frost_jw *w, char *out, size_t out_cap)
{
    if (out == NULL || out_cap == 0)
        return TSS_ERR_INVALID_ARG;
    w->out = out;
    w->cap = out_cap;
    w->len = 0;
    w->overflow = 0;
    out[0] = '\0';
    frost_jw_raw(w, "{");
    frost_jw_uint(w, "version", TSS_FROST_VERSION);
    return TSS_OK;
}

int frost_jw_end(frost_jw *w, size_t *out_len)
{
    frost_jw_raw(w, "}");
    if (w->overflow) {
        sodium_memzero(w->out, w->cap);
        return TSS_ERR_CAPACITY;
    }
    if (out_len != NULL)
        *out_len = w->len;
    return TSS_OK;
}

/* ---- reader ---- */

json_t *frost_json_parse(const char *json, size_t json_len)
{
    if (json == NULL)
        return NULL;
    json_error_t err;
    json_t *root = json_loadb(json, json_len, JSON_REJECT_DUPLICATES, &err);
    if (root != NULL && !json_is_object(root)) {
        json_decref(root);
        return NULL;
    }
    return root;
}

/* A present "version" must be ours. */
int frost_json_version_ok(json_t *obj)
{
    json_t *v = json_object_get(obj, "version");
    return v == NULL || (json_is_integer(v) && json_integer_value(v) == TSS_FROST_VERSION);
}

/* The first present key among the NULL-terminated names. */
json_t *frost_json_get_any(json_t *obj, const char *const *names)
{
    for (; *names != NULL; names++) {
        json_t *v = json_object_get(obj, *names);
        if (v != NULL)
            return v;
    }
    return NULL;
}

int frost_json_hex_exact(uint8_t *out, size_t n, json_t *v)
{
    const char *s = json_string_value(v);
    size_t bin_len = 0;
    if (s == NULL || strlen(s) != 2 * n)
        return TSS_ERR_ENCODING;
    if (sodium_hex2bin(out, n, s, 2 * n, NULL, &bin_len, NULL) != 0 || bin_len != n)
        return TSS_ERR_ENCODING;
    return TSS_OK;
}

int frost_json_get_hex(uint8_t *out, size_t n, json_t *obj, const char *const *names)
{
    return frost_json_hex_exact(out, n, frost_json_get_any(obj, names));
}

/* An identifier: a JSON integer, a decimal string (map keys) or the 64-hex-digit scalar. */
int frost_json_id(tss_frost_identifier *id, json_t *v, const char *key_string)
{
    if (v != NULL && json_is_integer(v)) {
        json_int_t x = json_integer_value(v);
        if (x <= 0)
            return TSS_ERR_ENCODING;
        return tss_frost_identifier_from_u64(id, (uint64_t)x) == TSS_OK ? TSS_OK : TSS_ERR_ENCODING;
    }
    const char *s = key_string != NULL ? key_string : json_string_value(v);
    if (s == NULL)
        return TSS_ERR_ENCODING;
    size_t n = strlen(s);
    if (n == 64) {
        uint8_t b[32];
        size_t bin_len = 0;
        if (sodium_hex2bin(b, 32, s, 64, NULL, &bin_len, NULL) != 0 || bin_len != 32)
            return TSS_ERR_ENCODING;
        return tss_frost_identifier_from_bytes(id, b) == TSS_OK ? TSS_OK : TSS_ERR_ENCODING;
    }
    if (n == 0 || n > 19)
        return TSS_ERR_ENCODING;
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return TSS_ERR_ENCODING;
        x = x * 10 + (uint64_t)(s[i] - '0');
    }
    return tss_frost_identifier_from_u64(id, x) == TSS_OK ? TSS_OK : TSS_ERR_ENCODING;
}

int frost_json_get_u32(uint32_t *out, json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > (json_int_t)UINT32_MAX)
        return TSS_ERR_ENCODING;
    *out = (uint32_t)json_integer_value(v);
    return TSS_OK;
}
