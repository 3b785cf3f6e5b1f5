/* Request bodies decoded into the backend's request structs: every field checked, unknown fields refused,
 * each refusal a 400 with a code and a message naming the field. */
#include "src/api_internal.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void api_set_err(api_error *e, unsigned status, const char *code, const char *fmt, ...)
{
    va_list ap;
    e->status = status;
    e->code = code;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
}

static bool check_fields(const json_t *obj, const char *const allowed[], api_error *e)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)obj, k, v) {
        bool ok = false;
        for (size_t i = 0; allowed[i] != NULL && !ok; i++)
            ok = strcmp(k, allowed[i]) == 0;
        if (!ok) {
            api_set_err(e, 400, "unknown_field", "unknown field \"%.64s\"", k);
            return false;
        }
    }
    return true;
}

static json_t *require(const json_t *obj, const char *name, api_error *e)
{
    json_t *v = json_object_get(obj, name);
    if (v == NULL || json_is_null(v))
        api_set_err(e, 400, "missing_field", "missing field \"%s\"", name);
    return json_is_null(v) ? NULL : v;
}

static bool decode_id(const json_t *obj, const char *name, uint64_t *out, api_error *e)
{
    json_t *v = require(obj, name, e);
    if (v == NULL)
        return false;
    if (!json_is_string(v) || tss_api_parse_id(json_string_value(v), out) != TSS_OK) {
        api_set_err(e, 400, "invalid_field", "\"%s\" must be a string of 16 hex digits", name);
        return false;
    }
    return true;
}

static bool decode_scheme(const json_t *obj, tss_api_scheme *out, api_error *e)
{
    json_t *v = json_object_get(obj, "scheme");
    if (v == NULL || json_is_null(v)) {
        *out = TSS_API_SCHEME_FROST_ED25519;
        return true;
    }
    if (!json_is_string(v)) {
        api_set_err(e, 400, "invalid_field", "\"scheme\" must be a string");
        return false;
    }
    if (tss_api_scheme_parse(json_string_value(v), out) != TSS_OK) {
        api_set_err(e, 400, "unsupported_scheme", "unsupported scheme \"%.64s\" (supported: frost-ed25519)",
                    json_string_value(v));
        return false;
    }
    return true;
}

/* A list of distinct node indices 1..65535. `required` lists must be present and non-empty. */
static bool decode_indices(const json_t *obj, const char *name, bool required, uint16_t *out, uint16_t *n,
                           api_error *e)
{
    json_t *arr = json_object_get(obj, name);
    *n = 0;
    if (arr == NULL || json_is_null(arr)) {
        if (required)
            api_set_err(e, 400, "missing_field", "missing field \"%s\"", name);
        return !required;
    }
    if (!json_is_array(arr)) {
        api_set_err(e, 400, "invalid_field", "\"%s\" must be an array of node indices", name);
        return false;
    }
    size_t len = json_array_size(arr);
    if (len == 0 || len > TSS_API_MAX_PARTICIPANTS) {
        api_set_err(e, 400, "invalid_field", "\"%s\" must list 1..%d node indices", name,
                    TSS_API_MAX_PARTICIPANTS);
        return false;
    }
    uint8_t seen[65536 / 8];
    memset(seen, 0, sizeof seen);
    for (size_t i = 0; i < len; i++) {
        json_t *v = json_array_get(arr, i);
        if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 65535) {
            api_set_err(e, 400, "invalid_field", "\"%s\"[%zu] must be an integer in 1..65535", name, i);
            return false;
        }
        uint16_t idx = (uint16_t)json_integer_value(v);
        if (seen[idx / 8] & (1u << (idx % 8))) {
            api_set_err(e, 400, "invalid_field", "\"%s\" lists node %u twice", name, (unsigned)idx);
            return false;
        }
        seen[idx / 8] |= (uint8_t)(1u << (idx % 8));
        out[i] = idx;
    }
    *n = (uint16_t)len;
    return true;
}

static bool decode_threshold(const json_t *obj, uint16_t n, uint16_t *out, api_error *e)
{
    json_t *v = require(obj, "threshold", e);
    if (v == NULL)
        return false;
    if (!json_is_integer(v)) {
        api_set_err(e, 400, "invalid_field", "\"threshold\" must be an integer");
        return false;
    }
    json_int_t t = json_integer_value(v);
    if (t < 1 || t > n) {
        api_set_err(e, 400, "threshold_out_of_range", "threshold %lld is outside 1..%u", (long long)t,
                    (unsigned)n);
        return false;
    }
    *out = (uint16_t)t;
    return true;
}

static bool decode_message(const json_t *obj, uint8_t *out, size_t *len, api_error *e)
{
    json_t *v = require(obj, "message", e);
    if (v == NULL)
        return false;
    if (!json_is_string(v)) {
        api_set_err(e, 400, "invalid_field", "\"message\" must be a hex string");
        return false;
    }
    const char *s = json_string_value(v);
    size_t hl = json_string_length(v);
    if (hl % 2 != 0) {
        api_set_err(e, 400, "bad_hex", "\"message\" has an odd number of hex digits");
        return false;
    }
    if (hl / 2 > TSS_API_MAX_MESSAGE) {
        api_set_err(e, 400, "message_too_long", "\"message\" is longer than %d bytes", TSS_API_MAX_MESSAGE);
        return false;
    }
    for (size_t i = 0; i < hl; i += 2) {
        int hi = api_hex_digit(s[i]), lo = api_hex_digit(s[i + 1]);
        if (hi < 0 || lo < 0) {
            api_set_err(e, 400, "bad_hex", "\"message\" has a non-hex character at offset %zu",
                        hi < 0 ? i : i + 1);
            return false;
        }
        out[i / 2] = (uint8_t)(hi << 4 | lo);
    }
    *len = hl / 2;
    return true;
}

static bool decode_bool(const json_t *obj, const char *name, bool *out, api_error *e)
{
    json_t *v = json_object_get(obj, name);
    *out = false;
    if (v == NULL || json_is_null(v))
        return true;
    if (!json_is_boolean(v)) {
        api_set_err(e, 400, "invalid_field", "\"%s\" must be true or false", name);
        return false;
    }
    *out = json_is_true(v);
    return true;
}

json_t *api_parse_body(const conn_ctx *c, api_error *e)
{
    json_error_t jerr;
    json_t *root = json_loadb(c->body != NULL ? c->body : "", c->len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        api_set_err(e, 400, "bad_json", "invalid JSON at line %d column %d: %.80s", jerr.line, jerr.column,
                    jerr.text);
        return NULL;
    }
    if (!json_is_object(root)) {
        json_decref(root);
        api_set_err(e, 400, "bad_json", "the body must be a JSON object");
        return NULL;
    }
    return root;
}

bool api_decode_dkg(const json_t *o, tss_api_dkg_request *r, api_error *e)
{
    static const char *const fields[] = {"session_id", "participants", "threshold", "scheme", NULL};
    return check_fields(o, fields, e) && decode_id(o, "session_id", &r->session_id, e) &&
           decode_indices(o, "participants", true, r->participants, &r->n_participants, e) &&
           decode_threshold(o, r->n_participants, &r->threshold, e) && decode_scheme(o, &r->scheme, e);
}

bool api_decode_sign(const json_t *o, tss_api_sign_request *r, api_error *e)
{
    static const char *const fields[] = {"session_id", "key_id", "message", "signers", "scheme", "prehash",
                                         NULL};
    return check_fields(o, fields, e) && decode_id(o, "session_id", &r->session_id, e) &&
           decode_id(o, "key_id", &r->key_id, e) && decode_message(o, r->message, &r->message_len, e) &&
           decode_indices(o, "signers", false, r->signers, &r->n_signers, e) &&
           decode_scheme(o, &r->scheme, e) && decode_bool(o, "prehash", &r->prehash, e);
}

bool api_decode_reshare(const json_t *o, tss_api_reshare_request *r, api_error *e)
{
    static const char *const fields[] = {"session_id", "key_id", "participants", "threshold", "scheme",
                                         "dealers", NULL};
    return check_fields(o, fields, e) && decode_id(o, "session_id", &r->session_id, e) &&
           decode_id(o, "key_id", &r->key_id, e) &&
           decode_indices(o, "participants", true, r->participants, &r->n_participants, e) &&
           decode_threshold(o, r->n_participants, &r->threshold, e) && decode_scheme(o, &r->scheme, e) &&
           decode_indices(o, "dealers", false, r->dealers, &r->n_dealers, e);
}

bool api_decode_refresh(const json_t *o, tss_api_refresh_request *r, api_error *e)
{
    static const char *const fields[] = {"session_id", "key_id", "participants", "scheme", NULL};
    return check_fields(o, fields, e) && decode_id(o, "session_id", &r->session_id, e) &&
           decode_id(o, "key_id", &r->key_id, e) &&
           decode_indices(o, "participants", false, r->participants, &r->n_participants, e) &&
           decode_scheme(o, &r->scheme, e);
}
