#include "src/api_internal.h"

#include "crypto/cpu.h"
#include "dataplane/addr.h"

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

/* ---------------------------------------------------------------- responses */

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
            api_set_err(e, 400, "unknown_participant", "%s", detail);
        else
            api_set_err(e, 404, strcmp(what, "key") == 0 ? "unknown_key" : "unknown_session", "%s", detail);
        break;
    case TSS_ERR_DUPLICATE:
        api_set_err(e, 409, "duplicate_session", "%s", detail);
        break;
    case TSS_ERR_STATE:
        api_set_err(e, 409, "conflict", "%s", detail);
        break;
    case TSS_ERR_CAPACITY:
        api_set_err(e, 503, "arena_full", "%s", detail);
        break;
    case TSS_ERR_NOT_ENOUGH:
        api_set_err(e, 400, "not_enough_signers", "%s", detail);
        break;
    case TSS_ERR_INVALID_ARG:
    case TSS_ERR_ENCODING:
        api_set_err(e, 400, "invalid_request", "%s", detail);
        break;
    default:
        api_set_err(e, 500, "internal", "%s", detail);
        break;
    }
}

/* ---------------------------------------------------------------- handlers */

typedef enum start_kind { START_DKG, START_SIGN, START_RESHARE, START_REFRESH } start_kind;

static enum MHD_Result handle_start(tss_api_server *srv, struct MHD_Connection *conn, const conn_ctx *c,
                                    start_kind kind)
{
    api_error e = {0};
    char msg[TSS_API_ERRMSG_MAX] = "";
    json_t *root = api_parse_body(c, &e);
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
        api_set_err(&e, 500, "internal", "out of memory");
        return send_error(srv, conn, &e);
    }
    bool ok = false;
    int rc = TSS_OK;
    uint64_t sid = 0;
    switch (kind) {
    case START_DKG:
        ok = api_decode_dkg(root, &req->dkg, &e);
        if (ok) {
            sid = req->dkg.session_id;
            rc = srv->backend.start_dkg(srv->backend.ctx, &req->dkg, msg);
        }
        break;
    case START_SIGN:
        ok = api_decode_sign(root, &req->sign, &e);
        if (ok) {
            sid = req->sign.session_id;
            rc = srv->backend.start_sign(srv->backend.ctx, &req->sign, msg);
        }
        break;
    case START_RESHARE:
        ok = api_decode_reshare(root, &req->reshare, &e);
        if (ok) {
            sid = req->reshare.session_id;
            rc = srv->backend.start_reshare(srv->backend.ctx, &req->reshare, msg);
        }
        break;
    case START_REFRESH:
        ok = api_decode_refresh(root, &req->refresh, &e);
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

static enum MHD_Result handle_session(tss_api_server *srv, struct MHD_Connection *conn, const char *id_text)
{
    api_error e = {0};
    uint64_t id;
    if (tss_api_parse_id(id_text, &id) != TSS_OK) {
        api_set_err(&e, 400, "invalid_id", "a session id is 16 hex digits");
        return send_error(srv, conn, &e);
    }
    tss_api_session_info *info = calloc(1, sizeof *info);
    if (info == NULL) {
        api_set_err(&e, 500, "internal", "out of memory");
        return send_error(srv, conn, &e);
    }
    int rc = srv->backend.get_session(srv->backend.ctx, id, info);
    if (rc != TSS_OK) {
        free(info);
        backend_error(&e, rc, "", "session");
        return send_error(srv, conn, &e);
    }
    info->session_id = id;
    json_t *body = api_session_json(info);
    free(info);
    return send_json(srv, conn, 200, body);
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
            json_array_append_new(keys, api_key_summary_json(&page[i]));
        if (count < TSS_API_KEY_PAGE)
            break;
        offset += count;
    }
    free(page);
    if (rc != TSS_OK) {
        json_decref(keys);
        if (rc == TSS_ERR_CAPACITY)
            api_set_err(&e, 500, "internal", "out of memory");
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
        api_set_err(&e, 400, "invalid_id", "a key id is 16 hex digits");
        return send_error(srv, conn, &e);
    }
    tss_api_key_info *info = calloc(1, sizeof *info);
    if (info == NULL) {
        api_set_err(&e, 500, "internal", "out of memory");
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
    json_t *body = api_key_summary_json(&info->summary);
    if (body != NULL) {
        json_object_set_new(body, "own_index", json_integer(info->own_index));
        json_object_set_new(body, "participants", api_indices_json(info->participants, n));
        json_object_set_new(body, "verifying_shares",
                            api_shares_json(info->participants, info->verifying_shares, n));
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
            api_set_err(&e, 500, "internal", "out of memory");
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
            api_set_err(&e, 500, "internal", "metrics rendering failed: %s", tss_status_str(rc));
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
    api_set_err(&e, 405, "method_not_allowed", "use %s", allow);
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
        api_set_err(&e, 401, "unauthorized", "missing or wrong bearer token");
        return send_error_hdr(srv, conn, &e, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"tssd\"");
    }
    if (c->too_large) {
        api_set_err(&e, 413, "body_too_large", "request bodies are limited to %d bytes", TSS_API_MAX_BODY);
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
    api_set_err(&e, 404, "not_found", "no such endpoint");
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
            api_set_err(&e, 413, "body_too_large", "request bodies are limited to %d bytes", TSS_API_MAX_BODY);
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
