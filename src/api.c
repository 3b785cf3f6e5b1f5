#include "src/api.h"

#include "crypto/cpu.h"
#include "dataplane/socket_io.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A body declared larger than this is refused before it is read (the connection is then closed); smaller
 * oversized bodies are drained so the client reliably reads the 413. */
#define DRAIN_LIMIT (4 * (size_t)TSS_API_MAX_BODY)
#define METRICS_BUF_START (64 * 1024)
#define METRICS_BUF_MAX (16 * 1024 * 1024)

/* ---------------------------------------------------------------- names and ids */

const char *tss_api_scheme_name(tss_api_scheme s)
{
    return s == TSS_API_SCHEME_FROST_ED25519 ? "frost-ed25519" : "unknown";
}

int tss_api_scheme_parse(const char *name, tss_api_scheme *out)
{
    if (name == NULL || out == NULL)
        return TSS_ERR_INVALID_ARG;
    if (strcmp(name, "frost-ed25519") == 0) {
        *out = TSS_API_SCHEME_FROST_ED25519;
        return TSS_OK;
    }
    return TSS_ERR_NOT_FOUND;
}

const char *tss_api_kind_name(tss_api_session_kind k)
{
    switch (k) {
    case TSS_API_SESSION_DKG: return "dkg";
    case TSS_API_SESSION_SIGN: return "sign";
    case TSS_API_SESSION_RESHARE: return "reshare";
    case TSS_API_SESSION_REFRESH: return "refresh";
    }
    return "unknown";
}

const char *tss_api_state_name(tss_api_session_state s)
{
    switch (s) {
    case TSS_API_STATE_PENDING: return "pending";
    case TSS_API_STATE_RUNNING: return "running";
    case TSS_API_STATE_DONE: return "done";
    case TSS_API_STATE_FAILED: return "failed";
    }
    return "unknown";
}

const char *tss_api_culprit_reason_name(tss_api_culprit_reason r)
{
    switch (r) {
    case TSS_API_CULPRIT_MISSING: return "missing";
    case TSS_API_CULPRIT_INVALID: return "invalid";
    case TSS_API_CULPRIT_EQUIVOCATED: return "equivocated";
    }
    return "unknown";
}

void tss_api_format_id(char out[17], uint64_t id)
{
    snprintf(out, 17, "%016llx", (unsigned long long)id);
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int tss_api_parse_id(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    if (s == NULL || out == NULL)
        return TSS_ERR_INVALID_ARG;
    for (int i = 0; i < 16; i++) {
        int d = hex_digit(s[i]);
        if (d < 0)
            return TSS_ERR_ENCODING;
        v = (v << 4) | (uint64_t)d;
    }
    if (s[16] != '\0')
        return TSS_ERR_ENCODING;
    *out = v;
    return TSS_OK;
}

/* Public data only (keys, signatures): no need for sodium_bin2hex's constant time, but it is there. */
static json_t *json_hex(const uint8_t *b, size_t n)
{
    char *tmp = malloc(2 * n + 1);
    if (tmp == NULL)
        return NULL;
    sodium_bin2hex(tmp, 2 * n + 1, b, n);
    json_t *j = json_string(tmp);
    free(tmp);
    return j;
}

static json_t *json_id(uint64_t id)
{
    char s[17];
    tss_api_format_id(s, id);
    return json_string(s);
}

/* ---------------------------------------------------------------- responses */

typedef struct conn_ctx {
    char *body;
    size_t len;
    size_t cap;
    bool too_large;
} conn_ctx;

/* An error found while decoding a request. */
typedef struct api_error {
    unsigned status;
    const char *code;
    char message[TSS_API_ERRMSG_MAX];
} api_error;

static void set_err(api_error *e, unsigned status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void set_err(api_error *e, unsigned status, const char *code, const char *fmt, ...)
{
    va_list ap;
    e->status = status;
    e->code = code;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
}

static void count_status(tss_api_server *srv, unsigned status)
{
    tss_metric_inc(&srv->stats.requests);
    if (status < 300)
        tss_metric_inc(&srv->stats.responses_2xx);
    else if (status < 500)
        tss_metric_inc(&srv->stats.responses_4xx);
    else
        tss_metric_inc(&srv->stats.responses_5xx);
    if (status == 401)
        tss_metric_inc(&srv->stats.unauthorized);
    else if (status == 413)
        tss_metric_inc(&srv->stats.body_too_large);
    else if (status == 503)
        tss_metric_inc(&srv->stats.backend_busy);
}

/* Queues `len` bytes of `data` (taken over: freed by MHD) with the given status and content type. */
static enum MHD_Result send_bytes(tss_api_server *srv, struct MHD_Connection *conn, unsigned status,
                                  char *data, size_t len, const char *content_type, const char *hdr_name,
                                  const char *hdr_value)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
    if (r == NULL) {
        free(data);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
    MHD_add_response_header(r, "Cache-Control", "no-store");
    if (hdr_name != NULL)
        MHD_add_response_header(r, hdr_name, hdr_value);
    enum MHD_Result ret = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    count_status(srv, status);
    return ret;
}

/* Takes over `body` (decref'd here). */
static enum MHD_Result send_json_hdr(tss_api_server *srv, struct MHD_Connection *conn, unsigned status,
                                     json_t *body, const char *hdr_name, const char *hdr_value)
{
    char *text = body != NULL ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    if (text == NULL) {
        static const char oom[] = "{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}";
        count_status(srv, 500);
        struct MHD_Response *r =
            MHD_create_response_from_buffer(sizeof oom - 1, (void *)oom, MHD_RESPMEM_PERSISTENT);
        if (r == NULL)
            return MHD_NO;
        enum MHD_Result ret = MHD_queue_response(conn, 500, r);
        MHD_destroy_response(r);
        return ret;
    }
    size_t n = strlen(text);
    /* A trailing newline keeps curl output readable; clients must not depend on it. */
    char *with_nl = realloc(text, n + 2);
    if (with_nl != NULL) {
        with_nl[n++] = '\n';
        with_nl[n] = '\0';
        text = with_nl;
    }
    return send_bytes(srv, conn, status, text, n, "application/json", hdr_name, hdr_value);
}

static enum MHD_Result send_json(tss_api_server *srv, struct MHD_Connection *conn, unsigned status,
                                 json_t *body)
{
    return send_json_hdr(srv, conn, status, body, NULL, NULL);
}

static enum MHD_Result send_error_hdr(tss_api_server *srv, struct MHD_Connection *conn, const api_error *e,
                                      const char *hdr_name, const char *hdr_value)
{
    json_t *body = json_pack("{s:{s:s,s:s}}", "error", "code", e->code, "message", e->message);
    return send_json_hdr(srv, conn, e->status, body, hdr_name, hdr_value);
}

static enum MHD_Result send_error(tss_api_server *srv, struct MHD_Connection *conn, const api_error *e)
{
    return send_error_hdr(srv, conn, e, NULL, NULL);
}

/* Maps a backend status to an HTTP error; `what` names the thing NOT_FOUND refers to (key, session,
 * participant). */
static void backend_error(api_error *e, int rc, const char *msg, const char *what)
{
    const char *detail = msg[0] != '\0' ? msg : tss_status_str(rc);
    switch (rc) {
    case TSS_ERR_NOT_FOUND:
        if (strcmp(what, "participant") == 0)
            set_err(e, 400, "unknown_participant", "%s", detail);
        else
            set_err(e, 404, strcmp(what, "key") == 0 ? "unknown_key" : "unknown_session", "%s", detail);
        break;
    case TSS_ERR_DUPLICATE:
        set_err(e, 409, "duplicate_session", "%s", detail);
        break;
    case TSS_ERR_STATE:
        set_err(e, 409, "conflict", "%s", detail);
        break;
    case TSS_ERR_CAPACITY:
        set_err(e, 503, "arena_full", "%s", detail);
        break;
    case TSS_ERR_NOT_ENOUGH:
        set_err(e, 400, "not_enough_signers", "%s", detail);
        break;
    case TSS_ERR_INVALID_ARG:
    case TSS_ERR_ENCODING:
        set_err(e, 400, "invalid_request", "%s", detail);
        break;
    default:
        set_err(e, 500, "internal", "%s", detail);
        break;
    }
}

/* ---------------------------------------------------------------- request decoding */

static bool check_fields(const json_t *obj, const char *const allowed[], api_error *e)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)obj, k, v) {
        bool ok = false;
        for (size_t i = 0; allowed[i] != NULL && !ok; i++)
            ok = strcmp(k, allowed[i]) == 0;
        if (!ok) {
            set_err(e, 400, "unknown_field", "unknown field \"%.64s\"", k);
            return false;
        }
    }
    return true;
}

static json_t *require(const json_t *obj, const char *name, api_error *e)
{
    json_t *v = json_object_get(obj, name);
    if (v == NULL || json_is_null(v))
        set_err(e, 400, "missing_field", "missing field \"%s\"", name);
    return json_is_null(v) ? NULL : v;
}

static bool decode_id(const json_t *obj, const char *name, uint64_t *out, api_error *e)
{
    json_t *v = require(obj, name, e);
    if (v == NULL)
        return false;
    if (!json_is_string(v) || tss_api_parse_id(json_string_value(v), out) != TSS_OK) {
        set_err(e, 400, "invalid_field", "\"%s\" must be a string of 16 hex digits", name);
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
        set_err(e, 400, "invalid_field", "\"scheme\" must be a string");
        return false;
    }
    if (tss_api_scheme_parse(json_string_value(v), out) != TSS_OK) {
        set_err(e, 400, "unsupported_scheme", "unsupported scheme \"%.64s\" (supported: frost-ed25519)",
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
            set_err(e, 400, "missing_field", "missing field \"%s\"", name);
        return !required;
    }
    if (!json_is_array(arr)) {
        set_err(e, 400, "invalid_field", "\"%s\" must be an array of node indices", name);
        return false;
    }
    size_t len = json_array_size(arr);
    if (len == 0 || len > TSS_API_MAX_PARTICIPANTS) {
        set_err(e, 400, "invalid_field", "\"%s\" must list 1..%d node indices", name,
                TSS_API_MAX_PARTICIPANTS);
        return false;
    }
    uint8_t seen[65536 / 8];
    memset(seen, 0, sizeof seen);
    for (size_t i = 0; i < len; i++) {
        json_t *v = json_array_get(arr, i);
        if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 65535) {
            set_err(e, 400, "invalid_field", "\"%s\"[%zu] must be an integer in 1..65535", name, i);
            return false;
        }
        uint16_t idx = (uint16_t)json_integer_value(v);
        if (seen[idx / 8] & (1u << (idx % 8))) {
            set_err(e, 400, "invalid_field", "\"%s\" lists node %u twice", name, (unsigned)idx);
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
        set_err(e, 400, "invalid_field", "\"threshold\" must be an integer");
        return false;
    }
    json_int_t t = json_integer_value(v);
    if (t < 1 || t > n) {
        set_err(e, 400, "threshold_out_of_range", "threshold %lld is outside 1..%u", (long long)t,
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
        set_err(e, 400, "invalid_field", "\"message\" must be a hex string");
        return false;
    }
    const char *s = json_string_value(v);
    size_t hl = json_string_length(v);
    if (hl % 2 != 0) {
        set_err(e, 400, "bad_hex", "\"message\" has an odd number of hex digits");
        return false;
    }
    if (hl / 2 > TSS_API_MAX_MESSAGE) {
        set_err(e, 400, "message_too_long", "\"message\" is longer than %d bytes", TSS_API_MAX_MESSAGE);
        return false;
    }
    for (size_t i = 0; i < hl; i += 2) {
        int hi = hex_digit(s[i]), lo = hex_digit(s[i + 1]);
        if (hi < 0 || lo < 0) {
            set_err(e, 400, "bad_hex", "\"message\" has a non-hex character at offset %zu",
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
        set_err(e, 400, "invalid_field", "\"%s\" must be true or false", name);
        return false;
    }
    *out = json_is_true(v);
    return true;
}

static json_t *parse_body(const conn_ctx *c, api_error *e)
{
    json_error_t jerr;
    json_t *root = json_loadb(c->body != NULL ? c->body : "", c->len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        set_err(e, 400, "bad_json", "invalid JSON at line %d column %d: %.80s", jerr.line, jerr.column,
                jerr.text);
        return NULL;
    }
    if (!json_is_object(root)) {
        json_decref(root);
        set_err(e, 400, "bad_json", "the body must be a JSON object");
        return NULL;
    }
    return root;
}

static bool decode_dkg(const json_t *o, tss_api_dkg_request *r, api_error *e)
{
    static const char *const fields[] = {"session_id", "participants", "threshold", "scheme", NULL};
    return check_fields(o, fields, e) && decode_id(o, "session_id", &r->session_id, e) &&
           decode_indices(o, "participants", true, r->participants, &r->n_participants, e) &&
           decode_threshold(o, r->n_participants, &r->threshold, e) && decode_scheme(o, &r->scheme, e);
}

static bool decode_sign(const json_t *o, tss_api_sign_request *r, api_error *e)
{
    static const char *const fields[] = {"session_id", "key_id", "message", "signers", "scheme", "prehash",
                                         NULL};
    return check_fields(o, fields, e) && decode_id(o, "session_id", &r->session_id, e) &&
           decode_id(o, "key_id", &r->key_id, e) && decode_message(o, r->message, &r->message_len, e) &&
           decode_indices(o, "signers", false, r->signers, &r->n_signers, e) &&
           decode_scheme(o, &r->scheme, e) && decode_bool(o, "prehash", &r->prehash, e);
}

static bool decode_reshare(const json_t *o, tss_api_reshare_request *r, api_error *e)
{
    static const char *const fields[] = {"session_id", "key_id", "participants", "threshold", "scheme",
                                         "dealers", NULL};
    return check_fields(o, fields, e) && decode_id(o, "session_id", &r->session_id, e) &&
           decode_id(o, "key_id", &r->key_id, e) &&
           decode_indices(o, "participants", true, r->participants, &r->n_participants, e) &&
           decode_threshold(o, r->n_participants, &r->threshold, e) && decode_scheme(o, &r->scheme, e) &&
           decode_indices(o, "dealers", false, r->dealers, &r->n_dealers, e);
}

static bool decode_refresh(const json_t *o, tss_api_refresh_request *r, api_error *e)
{
    static const char *const fields[] = {"session_id", "key_id", "participants", "scheme", NULL};
    return check_fields(o, fields, e) && decode_id(o, "session_id", &r->session_id, e) &&
           decode_id(o, "key_id", &r->key_id, e) &&
           decode_indices(o, "participants", false, r->participants, &r->n_participants, e) &&
           decode_scheme(o, &r->scheme, e);
}

/* ---------------------------------------------------------------- handlers */

typedef enum start_kind { START_DKG, START_SIGN, START_RESHARE, START_REFRESH } start_kind;

static enum MHD_Result handle_start(tss_api_server *srv, struct MHD_Connection *conn, const conn_ctx *c,
                                    start_kind kind)
{
    api_error e = {0};
    char msg[TSS_API_ERRMSG_MAX] = "";
    json_t *root = parse_body(c, &e);
    if (root == NULL)
        return send_error(srv, conn, &e);

    /* The request structs hold up to 4 KiB of message and 1024 indices: kept off the polling thread's stack. */
    union {
        tss_api_dkg_request dkg;
        tss_api_sign_request sign;
        tss_api_reshare_request reshare;
        tss_api_refresh_request refresh;
    } *req = calloc(1, sizeof *req);
    if (req == NULL) {
        json_decref(root);
        set_err(&e, 500, "internal", "out of memory");
        return send_error(srv, conn, &e);
    }
    bool ok = false;
    int rc = TSS_OK;
    uint64_t sid = 0;
    switch (kind) {
    case START_DKG:
        ok = decode_dkg(root, &req->dkg, &e);
        if (ok) {
            sid = req->dkg.session_id;
            rc = srv->backend.start_dkg(srv->backend.ctx, &req->dkg, msg);
        }
        break;
    case START_SIGN:
        ok = decode_sign(root, &req->sign, &e);
        if (ok) {
            sid = req->sign.session_id;
            rc = srv->backend.start_sign(srv->backend.ctx, &req->sign, msg);
        }
        break;
    case START_RESHARE:
        ok = decode_reshare(root, &req->reshare, &e);
        if (ok) {
            sid = req->reshare.session_id;
            rc = srv->backend.start_reshare(srv->backend.ctx, &req->reshare, msg);
        }
        break;
    case START_REFRESH:
        ok = decode_refresh(root, &req->refresh, &e);
        if (ok) {
            sid = req->refresh.session_id;
            rc = srv->backend.start_refresh(srv->backend.ctx, &req->refresh, msg);
        }
        break;
    }
    /* A sign request carries the caller's message; it is not secret, but it is not ours to keep either. */
    sodium_memzero(req, sizeof *req);
    free(req);
    json_decref(root);
    if (!ok)
        return send_error(srv, conn, &e);
    msg[TSS_API_ERRMSG_MAX - 1] = '\0';
    if (rc != TSS_OK) {
        backend_error(&e, rc, msg, kind == START_DKG ? "participant" : "key");
        return send_error(srv, conn, &e);
    }
    char id[17], location[40];
    tss_api_format_id(id, sid);
    snprintf(location, sizeof location, "/v1/sessions/%s", id);
    json_t *body = json_pack("{s:s,s:s}", "session_id", id, "state", "pending");
    return send_json_hdr(srv, conn, 202, body, MHD_HTTP_HEADER_LOCATION, location);
}

static json_t *indices_json(const uint16_t *idx, uint16_t n)
{
    json_t *a = json_array();
    for (uint16_t i = 0; a != NULL && i < n; i++)
        json_array_append_new(a, json_integer(idx[i]));
    return a;
}

static json_t *shares_json(const uint16_t *idx, const uint8_t (*shares)[32], uint16_t n)
{
    json_t *a = json_array();
    for (uint16_t i = 0; a != NULL && i < n; i++)
        json_array_append_new(a, json_pack("{s:i,s:o}", "node", (json_int_t)idx[i], "verifying_share",
                                           json_hex(shares[i], 32)));
    return a;
}


/* [{"node": i, "reason": "..."}...]: why a session failed, or whom a successful signing excluded. */
static json_t *culprits_json(const tss_api_session_info *s)
{
    uint16_t nc = s->n_culprits > TSS_API_MAX_CULPRITS ? TSS_API_MAX_CULPRITS : s->n_culprits;
    json_t *culprits = json_array();
    for (uint16_t i = 0; culprits != NULL && i < nc; i++)
        json_array_append_new(culprits, json_pack("{s:i,s:s}", "node", (json_int_t)s->culprits[i].node, "reason",
                                                  tss_api_culprit_reason_name(s->culprits[i].reason)));
    return culprits;
}

static json_t *session_json(const tss_api_session_info *s)
{
    json_t *o = json_pack("{s:o,s:s,s:s,s:s,s:o,s:i,s:i,s:f}", "session_id", json_id(s->session_id), "kind",
                          tss_api_kind_name(s->kind), "state", tss_api_state_name(s->state), "scheme",
                          tss_api_scheme_name(s->scheme), "key_id", json_id(s->key_id), "round",
                          (json_int_t)s->round, "attempt", (json_int_t)s->attempt, "elapsed_ms",
                          (double)s->elapsed_us / 1000.0);
    if (o == NULL)
        return NULL;
    if (s->state == TSS_API_STATE_DONE) {
        uint16_t n = s->n_participants > TSS_API_MAX_PARTICIPANTS ? TSS_API_MAX_PARTICIPANTS
                                                                  : s->n_participants;
        uint16_t ns = s->n_signers > TSS_API_MAX_PARTICIPANTS ? TSS_API_MAX_PARTICIPANTS : s->n_signers;
        json_t *res;
        if (s->kind == TSS_API_SESSION_SIGN)
            res = json_pack("{s:o,s:o,s:o,s:o}", "group_public_key", json_hex(s->group_public_key, 32),
                            "signature", json_hex(s->signature, 64), "signers", indices_json(s->signers, ns),
                            "excluded", culprits_json(s));
        else
            res = json_pack("{s:o,s:i,s:o,s:o}", "group_public_key", json_hex(s->group_public_key, 32),
                            "threshold", (json_int_t)s->threshold, "participants",
                            indices_json(s->participants, n), "verifying_shares",
                            shares_json(s->participants, s->verifying_shares, n));
        json_object_set_new(o, "result", res);
    } else if (s->state == TSS_API_STATE_FAILED) {
        json_t *culprits = culprits_json(s);
        char message[TSS_API_ERRMSG_MAX];
        memcpy(message, s->failure_message, sizeof message);
        message[sizeof message - 1] = '\0';
        const char *code = s->failure_status == TSS_ERR_TIMEOUT   ? "timeout"
                           : s->failure_status == TSS_ERR_CULPRIT ? "culprit"
                                                                  : "error";
        json_object_set_new(o, "failure",
                            json_pack("{s:s,s:s,s:o}", "code", code, "message",
                                      message[0] != '\0' ? message : tss_status_str(s->failure_status),
                                      "culprits", culprits));
    }
    return o;
}

static enum MHD_Result handle_session(tss_api_server *srv, struct MHD_Connection *conn, const char *id_text)
{
    api_error e = {0};
    uint64_t id;
    if (tss_api_parse_id(id_text, &id) != TSS_OK) {
        set_err(&e, 400, "invalid_id", "a session id is 16 hex digits");
        return send_error(srv, conn, &e);
    }
    tss_api_session_info *info = calloc(1, sizeof *info);
    if (info == NULL) {
        set_err(&e, 500, "internal", "out of memory");
        return send_error(srv, conn, &e);
    }
    int rc = srv->backend.get_session(srv->backend.ctx, id, info);
    if (rc != TSS_OK) {
        free(info);
        backend_error(&e, rc, "", "session");
        return send_error(srv, conn, &e);
    }
    info->session_id = id;
    json_t *body = session_json(info);
    free(info);
    return send_json(srv, conn, 200, body);
}

static json_t *key_summary_json(const tss_api_key_summary *k)
{
    return json_pack("{s:o,s:s,s:o,s:i,s:i,s:i}", "key_id", json_id(k->key_id), "scheme",
                     tss_api_scheme_name(k->scheme), "group_public_key", json_hex(k->group_public_key, 32),
                     "threshold", (json_int_t)k->threshold, "n_participants", (json_int_t)k->n_participants,
                     "generation", (json_int_t)k->generation);
}

static enum MHD_Result handle_keys(tss_api_server *srv, struct MHD_Connection *conn)
{
    api_error e = {0};
    tss_api_key_summary *page = calloc(TSS_API_KEY_PAGE, sizeof *page);
    json_t *keys = json_array();
    size_t offset = 0;
    int rc = page != NULL && keys != NULL ? TSS_OK : TSS_ERR_CAPACITY;
    while (rc == TSS_OK) {
        size_t count = 0;
        rc = srv->backend.list_keys(srv->backend.ctx, offset, page, TSS_API_KEY_PAGE, &count);
        if (rc != TSS_OK)
            break;
        for (size_t i = 0; i < count && i < TSS_API_KEY_PAGE; i++)
            json_array_append_new(keys, key_summary_json(&page[i]));
        if (count < TSS_API_KEY_PAGE)
            break;
        offset += count;
    }
    free(page);
    if (rc != TSS_OK) {
        json_decref(keys);
        if (rc == TSS_ERR_CAPACITY)
            set_err(&e, 500, "internal", "out of memory");
        else
            backend_error(&e, rc, "", "key");
        return send_error(srv, conn, &e);
    }
    return send_json(srv, conn, 200, json_pack("{s:o}", "keys", keys));
}

static enum MHD_Result handle_key(tss_api_server *srv, struct MHD_Connection *conn, const char *id_text)
{
    api_error e = {0};
    uint64_t id;
    if (tss_api_parse_id(id_text, &id) != TSS_OK) {
        set_err(&e, 400, "invalid_id", "a key id is 16 hex digits");
        return send_error(srv, conn, &e);
    }
    tss_api_key_info *info = calloc(1, sizeof *info);
    if (info == NULL) {
        set_err(&e, 500, "internal", "out of memory");
        return send_error(srv, conn, &e);
    }
    int rc = srv->backend.get_key(srv->backend.ctx, id, info);
    if (rc != TSS_OK) {
        free(info);
        backend_error(&e, rc, "", "key");
        return send_error(srv, conn, &e);
    }
    info->summary.key_id = id;
    uint16_t n = info->summary.n_participants > TSS_API_MAX_PARTICIPANTS ? TSS_API_MAX_PARTICIPANTS
                                                                         : info->summary.n_participants;
    json_t *body = key_summary_json(&info->summary);
    if (body != NULL) {
        json_object_set_new(body, "own_index", json_integer(info->own_index));
        json_object_set_new(body, "participants", indices_json(info->participants, n));
        json_object_set_new(body, "verifying_shares",
                            shares_json(info->participants, info->verifying_shares, n));
    }
    free(info);
    return send_json(srv, conn, 200, body);
}

/* {"status":"ok","backend":"avx2","backend_choice":"auto","cpu_features":["avx2"],"cpu":"..."} */
static enum MHD_Result handle_status(tss_api_server *srv, struct MHD_Connection *conn)
{
    json_t *body = json_pack("{s:s}", "status", "ok");
    if (body != NULL && srv->backend.get_status != NULL) {
        tss_api_node_status st;
        memset(&st, 0, sizeof st);
        int rc = srv->backend.get_status(srv->backend.ctx, &st);
        if (rc != TSS_OK) {
            json_decref(body);
            api_error e = {0};
            backend_error(&e, rc, "", "status");
            return send_error(srv, conn, &e);
        }
        json_t *feats = json_array();
        for (unsigned bit = 1; bit != 0; bit <<= 1) {
            const char *nm = (st.cpu_features & bit) ? tss_cpu_feature_name(bit) : NULL;
            if (nm != NULL) json_array_append_new(feats, json_string(nm));
        }
        char brand[64];
        json_object_set_new(body, "backend", json_string(tss_backend_name((tss_backend)st.backend)));
        json_object_set_new(body, "backend_choice", json_string(st.backend_auto ? "auto" : "configured"));
        json_object_set_new(body, "cpu_features", feats);
        json_object_set_new(body, "cpu", json_string(tss_cpu_brand(brand, sizeof brand)));
    }
    return send_json(srv, conn, 200, body);
}

static enum MHD_Result handle_metrics(tss_api_server *srv, struct MHD_Connection *conn)
{
    api_error e = {0};
    size_t cap = METRICS_BUF_START;
    for (;;) {
        char *buf = malloc(cap);
        size_t len = 0, own_len = 0;
        int rc = TSS_OK;
        if (buf == NULL) {
            set_err(&e, 500, "internal", "out of memory");
            return send_error(srv, conn, &e);
        }
        buf[0] = '\0';
        if (srv->backend.render_metrics != NULL)
            rc = srv->backend.render_metrics(srv->backend.ctx, buf, cap, &len);
        if (rc == TSS_OK && len < cap)
            rc = tss_metrics_render(&srv->metrics, buf + len, cap - len, &own_len);
        if (rc == TSS_OK)
            return send_bytes(srv, conn, 200, buf, len + own_len, "text/plain; version=0.0.4; charset=utf-8",
                              NULL, NULL);
        free(buf);
        if (rc != TSS_ERR_CAPACITY || cap >= METRICS_BUF_MAX) {
            set_err(&e, 500, "internal", "metrics rendering failed: %s", tss_status_str(rc));
            return send_error(srv, conn, &e);
        }
        cap *= 2;
    }
}

static bool authorized(const tss_api_server *srv, struct MHD_Connection *conn)
{
    const char *h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
        return false;
    const char *tok = h + 7;
    while (*tok == ' ')
        tok++;
    size_t n = strlen(tok);
    while (n > 0 && (tok[n - 1] == ' ' || tok[n - 1] == '\t'))
        n--;
    /* Hashing first makes the comparison constant time regardless of the presented token's length. */
    uint8_t hash[32];
    crypto_generichash(hash, sizeof hash, (const uint8_t *)tok, n, NULL, 0);
    bool ok = n > 0 && sodium_memcmp(hash, srv->token_hash, sizeof hash) == 0;
    sodium_memzero(hash, sizeof hash);
    return ok;
}

static enum MHD_Result method_not_allowed(tss_api_server *srv, struct MHD_Connection *conn, const char *allow)
{
    api_error e;
    set_err(&e, 405, "method_not_allowed", "use %s", allow);
    return send_error_hdr(srv, conn, &e, MHD_HTTP_HEADER_ALLOW, allow);
}

static enum MHD_Result route(tss_api_server *srv, struct MHD_Connection *conn, const char *url,
                             const char *method, const conn_ctx *c)
{
    api_error e = {0};
    bool get = strcmp(method, "GET") == 0, post = strcmp(method, "POST") == 0;

    if (strcmp(url, "/healthz") == 0) {
        if (!get)
            return method_not_allowed(srv, conn, "GET");
        return send_json(srv, conn, 200, json_pack("{s:s}", "status", "ok"));
    }
    if (!authorized(srv, conn)) {
        set_err(&e, 401, "unauthorized", "missing or wrong bearer token");
        return send_error_hdr(srv, conn, &e, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"tssd\"");
    }
    if (c->too_large) {
        set_err(&e, 413, "body_too_large", "request bodies are limited to %d bytes", TSS_API_MAX_BODY);
        return send_error(srv, conn, &e);
    }
    static const struct {
        const char *path;
        start_kind kind;
    } starts[] = {{"/v1/dkg", START_DKG},
                  {"/v1/sign", START_SIGN},
                  {"/v1/reshare", START_RESHARE},
                  {"/v1/refresh", START_REFRESH}};
    for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++) {
        if (strcmp(url, starts[i].path) == 0)
            return post ? handle_start(srv, conn, c, starts[i].kind) : method_not_allowed(srv, conn, "POST");
    }
    if (strcmp(url, "/v1/status") == 0)
        return get ? handle_status(srv, conn) : method_not_allowed(srv, conn, "GET");
    if (strcmp(url, "/metrics") == 0)
        return get ? handle_metrics(srv, conn) : method_not_allowed(srv, conn, "GET");
    if (strcmp(url, "/v1/keys") == 0)
        return get ? handle_keys(srv, conn) : method_not_allowed(srv, conn, "GET");
    if (strncmp(url, "/v1/keys/", 9) == 0)
        return get ? handle_key(srv, conn, url + 9) : method_not_allowed(srv, conn, "GET");
    if (strncmp(url, "/v1/sessions/", 13) == 0)
        return get ? handle_session(srv, conn, url + 13) : method_not_allowed(srv, conn, "GET");
    set_err(&e, 404, "not_found", "no such endpoint");
    return send_error(srv, conn, &e);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    tss_api_server *srv = cls;
    conn_ctx *c = *con_cls;
    (void)version;

    if (c == NULL) {
        c = calloc(1, sizeof *c);
        if (c == NULL)
            return MHD_NO;
        *con_cls = c;
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl != NULL && strtoull(cl, NULL, 10) > DRAIN_LIMIT) {
            c->too_large = true;
            api_error e;
            set_err(&e, 413, "body_too_large", "request bodies are limited to %d bytes", TSS_API_MAX_BODY);
            return send_error(srv, conn, &e);
        }
        return MHD_YES;
    }
    if (*upload_data_size != 0) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (c->too_large || c->len + n > TSS_API_MAX_BODY) {
            c->too_large = true;
            c->len += n; /* counts drained bytes */
            if (c->len > DRAIN_LIMIT)
                return MHD_NO;
            return MHD_YES;
        }
        if (c->len + n > c->cap) {
            size_t cap = c->cap ? c->cap : 1024;
            while (cap < c->len + n)
                cap *= 2;
            char *nb = realloc(c->body, cap);
            if (nb == NULL)
                return MHD_NO;
            c->body = nb;
            c->cap = cap;
        }
        memcpy(c->body + c->len, upload_data, n);
        c->len += n;
        return MHD_YES;
    }
    return route(srv, conn, url, method, c);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)conn;
    (void)toe;
    conn_ctx *c = *con_cls;
    if (c != NULL) {
        if (c->body != NULL) {
            sodium_memzero(c->body, c->cap);
            free(c->body);
        }
        free(c);
        *con_cls = NULL;
    }
}

/* ---------------------------------------------------------------- lifecycle */

static int register_own_metrics(tss_api_server *srv)
{
    static const struct {
        const char *name;
        const char *help;
        size_t offset;
        const char *labels;
    } m[] = {
        {"tss_api_requests_total", "API requests answered.", offsetof(tss_api_stats, requests), ""},
        {"tss_api_responses_total", "API responses by status class.", offsetof(tss_api_stats, responses_2xx),
         "class=\"2xx\""},
        {"tss_api_responses_total", "API responses by status class.", offsetof(tss_api_stats, responses_4xx),
         "class=\"4xx\""},
        {"tss_api_responses_total", "API responses by status class.", offsetof(tss_api_stats, responses_5xx),
         "class=\"5xx\""},
        {"tss_api_unauthorized_total", "API requests refused for a missing or wrong bearer token.",
         offsetof(tss_api_stats, unauthorized), ""},
        {"tss_api_body_too_large_total", "API requests refused for an oversized body.",
         offsetof(tss_api_stats, body_too_large), ""},
        {"tss_api_backend_busy_total", "API requests refused because the session arena was full.",
         offsetof(tss_api_stats, backend_busy), ""},
    };
    _Static_assert(sizeof m / sizeof m[0] <= sizeof srv->metric_entries / sizeof srv->metric_entries[0],
                   "room for the API's own series");
    int rc = tss_metrics_init(&srv->metrics, srv->metric_entries,
                              sizeof srv->metric_entries / sizeof srv->metric_entries[0]);
    for (size_t i = 0; rc == TSS_OK && i < sizeof m / sizeof m[0]; i++)
        rc = tss_metrics_add_counter(&srv->metrics, m[i].name, m[i].help, m[i].labels,
                                     (const uint64_t *)((const char *)&srv->stats + m[i].offset));
    return rc;
}

int tss_api_start(tss_api_server *srv, const tss_api_config *cfg, const tss_api_backend *backend)
{
    if (srv == NULL || cfg == NULL || backend == NULL || cfg->token == NULL)
        return TSS_ERR_INVALID_ARG;
    memset(srv, 0, sizeof *srv);
    size_t tl = strlen(cfg->token);
    if (tl == 0 || tl > TSS_API_TOKEN_MAX || backend->start_dkg == NULL || backend->start_sign == NULL ||
        backend->start_reshare == NULL || backend->start_refresh == NULL || backend->get_session == NULL ||
        backend->list_keys == NULL || backend->get_key == NULL)
        return TSS_ERR_INVALID_ARG;
    if (sodium_init() < 0)
        return TSS_ERR_CRYPTO;
    int rc = register_own_metrics(srv);
    if (rc != TSS_OK)
        return rc;
    srv->backend = *backend;
    crypto_generichash(srv->token_hash, sizeof srv->token_hash, (const uint8_t *)cfg->token, tl, NULL, 0);

    const char *addr = cfg->bind_address != NULL ? cfg->bind_address : "127.0.0.1";
    dp_addr bind_addr;
    if (dp_addr_from_string(&bind_addr, addr, cfg->port) != TSS_OK)
        return TSS_ERR_INVALID_ARG;
    const struct sockaddr *sa = &bind_addr.u.sa;
    unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD;
    if (sa->sa_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    srv->daemon = MHD_start_daemon(
        flags, cfg->port, NULL, NULL, on_request, srv, MHD_OPTION_SOCK_ADDR, sa, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, srv, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)(cfg->connection_timeout_s ? cfg->connection_timeout_s : 10), MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)(cfg->connection_limit ? cfg->connection_limit : 64), MHD_OPTION_END);
    if (srv->daemon == NULL)
        return TSS_ERR_IO;
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = info != NULL ? info->port : cfg->port;
    return TSS_OK;
}

void tss_api_stop(tss_api_server *srv)
{
    if (srv != NULL && srv->daemon != NULL) {
        MHD_stop_daemon(srv->daemon);
        srv->daemon = NULL;
    }
}

uint16_t tss_api_port(const tss_api_server *srv)
{
    return srv != NULL ? srv->port : 0;
}

const tss_api_stats *tss_api_get_stats(const tss_api_server *srv)
{
    return srv != NULL ? &srv->stats : NULL;
}
