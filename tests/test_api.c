/* Control-plane API: a real server on an ephemeral loopback port, a mock backend, real HTTP over sockets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "api_mock.h"
#include "src/api.h"
#include "src/http_client.h"

#define TOKEN "test-token-0123456789abcdef"

/* ---------------------------------------------------------------- fixture */

typedef struct fixture {
    mock *m;
    tss_api_server srv;
    uint16_t port;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->m = calloc(1, sizeof *f->m);
    assert_non_null(f->m);
    mock_init(f->m);
    tss_api_backend be = mock_backend(f->m);
    tss_api_config cfg = {.bind_address = "127.0.0.1", .port = 0, .token = TOKEN};
    assert_int_equal(tss_api_start(&f->srv, &cfg, &be), TSS_OK);
    f->port = tss_api_port(&f->srv);
    assert_true(f->port != 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    tss_api_stop(&f->srv);
    tss_api_stop(&f->srv); /* idempotent */
    mock_destroy(f->m);
    free(f->m);
    free(f);
    return 0;
}

/* ---------------------------------------------------------------- tiny HTTP client over a raw socket */

typedef struct reply {
    int status;
    char head[4096]; /* status line and headers */
    char *body;
    size_t body_len;
    json_t *json; /* parsed body when it is JSON */
} reply;

static void reply_free(reply *r)
{
    free(r->body);
    json_decref(r->json);
    memset(r, 0, sizeof *r);
}

/* Sends `req` verbatim and reads one response (Content-Length framed). */
static void raw_exchange(uint16_t port, const char *req, size_t req_len, reply *r)
{
    memset(r, 0, sizeof *r);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct timeval tv = {.tv_sec = 10};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    for (size_t off = 0; off < req_len;) {
        ssize_t n = send(fd, req + off, req_len - off, MSG_NOSIGNAL);
        if (n <= 0)
            break; /* the server may answer (413) and close before reading everything */
        off += (size_t)n;
    }
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap + 1);
    assert_non_null(buf);
    size_t body_off = 0; /* offset of the body once the headers are complete (buf moves on realloc) */
    long content_length = -1;
    for (;;) {
        if (len == cap) {
            cap *= 2;
            buf = realloc(buf, cap + 1);
            assert_non_null(buf);
        }
        ssize_t n = recv(fd, buf + len, cap - len, 0);
        if (n <= 0)
            break;
        len += (size_t)n;
        buf[len] = '\0';
        char *hdr_end;
        if (body_off == 0 && (hdr_end = strstr(buf, "\r\n\r\n")) != NULL) {
            body_off = (size_t)(hdr_end - buf) + 4;
            const char *cl = strcasestr(buf, "\r\nContent-Length:");
            if (cl != NULL && cl < hdr_end)
                content_length = strtol(cl + 17, NULL, 10);
        }
        if (body_off != 0 && content_length >= 0 && len - body_off >= (size_t)content_length)
            break;
    }
    close(fd);
    buf[len] = '\0';
    assert_true(body_off != 0);
    size_t hl = body_off - 4;
    assert_true(hl < sizeof r->head);
    memcpy(r->head, buf, hl);
    r->head[hl] = '\0';
    assert_int_equal(sscanf(buf, "HTTP/1.1 %d", &r->status), 1);
    assert_true(content_length >= 0);
    assert_true(len - body_off >= (size_t)content_length);
    r->body_len = (size_t)content_length;
    r->body = malloc(r->body_len + 1);
    assert_non_null(r->body);
    memcpy(r->body, buf + body_off, r->body_len);
    r->body[r->body_len] = '\0';
    free(buf);
    if (strcasestr(r->head, "Content-Type: application/json") != NULL) {
        r->json = json_loadb(r->body, r->body_len, 0, NULL);
        assert_non_null(r->json);
    }
}

/* token NULL: no Authorization header. */
static void http(fixture *f, const char *method, const char *path, const char *token, const char *body, reply *r)
{
    size_t bl = body != NULL ? strlen(body) : 0;
    size_t cap = bl + 512;
    char *req = malloc(cap);
    assert_non_null(req);
    int n = snprintf(req, cap, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%s%s%sContent-Length: %zu\r\n\r\n",
                     method, path, token ? "Authorization: Bearer " : "", token ? token : "", token ? "\r\n" : "", bl);
    assert_true(n > 0 && (size_t)n + bl < cap);
    memcpy(req + n, body != NULL ? body : "", bl);
    raw_exchange(f->port, req, (size_t)n + bl, r);
    free(req);
}

static void get(fixture *f, const char *path, reply *r)
{
    http(f, "GET", path, TOKEN, NULL, r);
}

static void post(fixture *f, const char *path, const char *body, reply *r)
{
    http(f, "POST", path, TOKEN, body, r);
}

/* Asserts an error response: status and {"error":{"code":code,"message":non-empty}}. */
static void expect_error(reply *r, int status, const char *code)
{
    if (r->status != status || r->json == NULL)
        fprintf(stderr, "unexpected reply %d: %s\n", r->status, r->body);
    assert_int_equal(r->status, status);
    assert_non_null(r->json);
    json_t *err = json_object_get(r->json, "error");
    assert_true(json_is_object(err));
    assert_int_equal(json_object_size(r->json), 1);
    assert_string_equal(json_string_value(json_object_get(err, "code")), code);
    const char *msg = json_string_value(json_object_get(err, "message"));
    assert_non_null(msg);
    assert_true(strlen(msg) > 0);
}

static void post_expect(fixture *f, const char *path, const char *body, int status, const char *code)
{
    reply r;
    post(f, path, body, &r);
    expect_error(&r, status, code);
    reply_free(&r);
}

static const char *jstr(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    assert_non_null(s);
    return s;
}

static uint64_t metric_value(const char *text, const char *series)
{
    char pat[256];
    snprintf(pat, sizeof pat, "\n%s ", series);
    const char *p = strstr(text, pat);
    assert_non_null(p);
    return strtoull(p + strlen(pat), NULL, 10);
}

/* ---------------------------------------------------------------- tests */

static void test_healthz_needs_no_token(void **state)
{
    fixture *f = *state;
    reply r;
    http(f, "GET", "/healthz", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(jstr(r.json, "status"), "ok");
    reply_free(&r);
    http(f, "POST", "/healthz", NULL, "{}", &r);
    expect_error(&r, 405, "method_not_allowed");
    assert_non_null(strcasestr(r.head, "\r\nAllow: GET"));
    reply_free(&r);
}

static void test_auth_required(void **state)
{
    fixture *f = *state;
    static const char *const paths[] = {"/v1/keys", "/metrics", "/v1/sessions/0000000000000001",
                                        "/v1/keys/0000000000000001", "/nope"};
    static const char *const bad_headers[] = {
        "",                                                  /* none */
        "Authorization: Bearer wrong\r\n",                   /* wrong token */
        "Authorization: Bearer " TOKEN "x\r\n",              /* longer */
        "Authorization: Bearer test-token-0123456789abcde\r\n", /* prefix */
        "Authorization: Basic " TOKEN "\r\n",                /* wrong scheme */
        "Authorization: Bearer \r\n",                        /* empty */
    };
    char req[512];
    reply r;
    for (size_t p = 0; p < sizeof paths / sizeof paths[0]; p++) {
        for (size_t h = 0; h < sizeof bad_headers / sizeof bad_headers[0]; h++) {
            int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n%s\r\n", paths[p],
                             bad_headers[h]);
            raw_exchange(f->port, req, (size_t)n, &r);
            expect_error(&r, 401, "unauthorized");
            assert_non_null(strcasestr(r.head, "\r\nWWW-Authenticate: Bearer"));
            reply_free(&r);
        }
    }
    /* POSTs are refused too, before their body is looked at (this one would otherwise start a DKG). */
    http(f, "POST", "/v1/dkg", "nope", "{\"session_id\":\"0000000000000001\",\"participants\":[1,2],\"threshold\":2}", &r);
    expect_error(&r, 401, "unauthorized");
    reply_free(&r);
    assert_int_equal(f->m->n_sessions, 0);
    /* The scheme name is case-insensitive. */
    int n = snprintf(req, sizeof req, "GET /v1/keys HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                                      "Authorization: bearer %s\r\n\r\n", TOKEN);
    raw_exchange(f->port, req, (size_t)n, &r);
    assert_int_equal(r.status, 200);
    reply_free(&r);
}

static void test_dkg_then_session_and_keys(void **state)
{
    fixture *f = *state;
    reply r;
    post(f, "/v1/dkg",
         "{\"session_id\":\"00000000000004D2\",\"participants\":[3,1,2],\"threshold\":2,\"scheme\":\"frost-ed25519\"}",
         &r);
    assert_int_equal(r.status, 202);
    assert_string_equal(jstr(r.json, "session_id"), "00000000000004d2");
    assert_string_equal(jstr(r.json, "state"), "pending");
    assert_non_null(strcasestr(r.head, "\r\nLocation: /v1/sessions/00000000000004d2"));
    reply_free(&r);
    /* What the backend received, decoded. */
    assert_int_equal(f->m->last_dkg.session_id, 1234);
    assert_int_equal(f->m->last_dkg.threshold, 2);
    assert_int_equal(f->m->last_dkg.n_participants, 3);
    assert_int_equal(f->m->last_dkg.participants[0], 3);
    assert_int_equal(f->m->last_dkg.participants[1], 1);
    assert_int_equal(f->m->last_dkg.participants[2], 2);
    assert_int_equal(f->m->last_dkg.scheme, TSS_API_SCHEME_FROST_ED25519);

    get(f, "/v1/sessions/00000000000004d2", &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(jstr(r.json, "session_id"), "00000000000004d2");
    assert_string_equal(jstr(r.json, "kind"), "dkg");
    assert_string_equal(jstr(r.json, "state"), "done");
    assert_string_equal(jstr(r.json, "scheme"), "frost-ed25519");
    assert_string_equal(jstr(r.json, "key_id"), "00000000000004d2");
    assert_int_equal(json_integer_value(json_object_get(r.json, "round")), 2);
    assert_null(json_object_get(r.json, "failure"));
    json_t *res = json_object_get(r.json, "result");
    assert_true(json_is_object(res));
    char pk_hex[65];
    sodium_bin2hex(pk_hex, sizeof pk_hex, f->m->keys[0].summary.group_public_key, 32);
    assert_string_equal(jstr(res, "group_public_key"), pk_hex);
    assert_int_equal(json_integer_value(json_object_get(res, "threshold")), 2);
    json_t *parts = json_object_get(res, "participants");
    assert_int_equal(json_array_size(parts), 3);
    assert_int_equal(json_integer_value(json_array_get(parts, 0)), 3);
    json_t *vs = json_object_get(res, "verifying_shares");
    assert_int_equal(json_array_size(vs), 3);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(vs, 1), "node")), 1);
    assert_string_equal(jstr(json_array_get(vs, 1), "verifying_share"),
                        "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1");
    reply_free(&r);

    get(f, "/v1/keys", &r);
    assert_int_equal(r.status, 200);
    json_t *keys = json_object_get(r.json, "keys");
    assert_int_equal(json_array_size(keys), 1);
    json_t *k = json_array_get(keys, 0);
    assert_string_equal(jstr(k, "key_id"), "00000000000004d2");
    assert_string_equal(jstr(k, "group_public_key"), pk_hex);
    assert_string_equal(jstr(k, "scheme"), "frost-ed25519");
    assert_int_equal(json_integer_value(json_object_get(k, "n_participants")), 3);
    assert_int_equal(json_integer_value(json_object_get(k, "generation")), 0);
    reply_free(&r);

    get(f, "/v1/keys/00000000000004d2", &r);
    assert_int_equal(r.status, 200);
    /* Public parts only: exactly these fields. */
    static const char *const fields[] = {"key_id", "scheme", "group_public_key", "threshold", "n_participants",
                                         "generation", "own_index", "participants", "verifying_shares"};
    assert_int_equal(json_object_size(r.json), sizeof fields / sizeof fields[0]);
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        assert_non_null(json_object_get(r.json, fields[i]));
    assert_int_equal(json_integer_value(json_object_get(r.json, "own_index")), 3);
    assert_int_equal(json_array_size(json_object_get(r.json, "verifying_shares")), 3);
    reply_free(&r);
}

static void test_dkg_bad_requests(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *body;
        int status;
        const char *code;
    } cases[] = {
        {"", 400, "bad_json"},
        {"{", 400, "bad_json"},
        {"[1,2]", 400, "bad_json"},
        {"{\"session_id\":\"0000000000000001\",\"session_id\":\"0000000000000002\",\"participants\":[1],\"threshold\":1}",
         400, "bad_json"}, /* duplicate key */
        {"{\"participants\":[1,2],\"threshold\":2}", 400, "missing_field"},
        {"{\"session_id\":null,\"participants\":[1,2],\"threshold\":2}", 400, "missing_field"},
        {"{\"session_id\":\"0000000000000001\",\"threshold\":2}", 400, "missing_field"},
        {"{\"session_id\":\"0000000000000001\",\"participants\":[1,2]}", 400, "missing_field"},
        {"{\"session_id\":1,\"participants\":[1,2],\"threshold\":2}", 400, "invalid_field"},
        {"{\"session_id\":\"01\",\"participants\":[1,2],\"threshold\":2}", 400, "invalid_field"},
        {"{\"session_id\":\"000000000000000g\",\"participants\":[1,2],\"threshold\":2}", 400, "invalid_field"},
        {"{\"session_id\":\"00000000000000010\",\"participants\":[1,2],\"threshold\":2}", 400, "invalid_field"},
        {"{\"session_id\":\"0000000000000001\",\"participants\":\"1,2\",\"threshold\":2}", 400, "invalid_field"},
        {"{\"session_id\":\"0000000000000001\",\"participants\":[],\"threshold\":1}", 400, "invalid_field"},
        {"{\"session_id\":\"0000000000000001\",\"participants\":[0,1],\"threshold\":2}", 400, "invalid_field"},
        {"{\"session_id\":\"0000000000000001\",\"participants\":[1,65536],\"threshold\":2}", 400, "invalid_field"},
        {"{\"session_id\":\"0000000000000001\",\"participants\":[1,\"2\"],\"threshold\":2}", 400, "invalid_field"},
        {"{\"session_id\":\"0000000000000001\",\"participants\":[1,2.5],\"threshold\":2}", 400, "invalid_field"},
        {"{\"session_id\":\"0000000000000001\",\"participants\":[1,2,1],\"threshold\":2}", 400, "invalid_field"},
        {"{\"session_id\":\"0000000000000001\",\"participants\":[1,2],\"threshold\":\"2\"}", 400, "invalid_field"},
        {"{\"session_id\":\"0000000000000001\",\"participants\":[1,2],\"threshold\":0}", 400, "threshold_out_of_range"},
        {"{\"session_id\":\"0000000000000001\",\"participants\":[1,2],\"threshold\":3}", 400, "threshold_out_of_range"},
        {"{\"session_id\":\"0000000000000001\",\"participants\":[1,2],\"threshold\":-1}", 400, "threshold_out_of_range"},
        {"{\"session_id\":\"0000000000000001\",\"participants\":[1,2],\"threshold\":2,\"scheme\":\"ecdsa-secp256k1\"}",
         400, "unsupported_scheme"},
        {"{\"session_id\":\"0000000000000001\",\"participants\":[1,2],\"threshold\":2,\"scheme\":7}", 400, "invalid_field"},
        {"{\"session_id\":\"0000000000000001\",\"participants\":[1,2],\"threshold\":2,\"thresold\":2}", 400,
         "unknown_field"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        reply r;
        post(f, "/v1/dkg", cases[i].body, &r);
        if (r.status != cases[i].status)
            fprintf(stderr, "case %zu: %s\n", i, cases[i].body);
        expect_error(&r, cases[i].status, cases[i].code);
        reply_free(&r);
    }
    /* None of them reached the backend. */
    assert_int_equal(f->m->n_sessions, 0);
    /* A participant list longer than the maximum. */
    size_t cap = 16 * (TSS_API_MAX_PARTICIPANTS + 2) + 128;
    char *big = malloc(cap);
    assert_non_null(big);
    size_t o = (size_t)snprintf(big, cap, "{\"session_id\":\"0000000000000001\",\"threshold\":2,\"participants\":[");
    for (int i = 1; i <= TSS_API_MAX_PARTICIPANTS + 1; i++)
        o += (size_t)snprintf(big + o, cap - o, "%s%d", i > 1 ? "," : "", i);
    snprintf(big + o, cap - o, "]}");
    post_expect(f, "/v1/dkg", big, 400, "invalid_field");
    free(big);
}

static void test_backend_refusals(void **state)
{
    fixture *f = *state;
    const char *dkg = "{\"session_id\":\"0000000000000001\",\"participants\":[1,2,3],\"threshold\":2}";
    reply r;
    post(f, "/v1/dkg", dkg, &r);
    assert_int_equal(r.status, 202);
    reply_free(&r);
    post_expect(f, "/v1/dkg", dkg, 409, "duplicate_session");
    /* Fill the mock's arena with signing sessions, then one more is refused with 503. */
    char body[256];
    for (int i = 2; i <= MOCK_SESSIONS; i++) {
        snprintf(body, sizeof body,
                 "{\"session_id\":\"%016x\",\"key_id\":\"0000000000000001\",\"message\":\"00\"}", i);
        post(f, "/v1/sign", body, &r);
        assert_int_equal(r.status, 202);
        reply_free(&r);
    }
    post_expect(f, "/v1/sign", "{\"session_id\":\"00000000000000ff\",\"key_id\":\"0000000000000001\",\"message\":\"\"}",
                503, "arena_full");
    /* The backend's detail message reaches the client. */
    post(f, "/v1/dkg", "{\"session_id\":\"0000000000000100\",\"participants\":[1,2],\"threshold\":2}", &r);
    expect_error(&r, 503, "arena_full");
    assert_non_null(strstr(jstr(json_object_get(r.json, "error"), "message"), "session slots"));
    reply_free(&r);
    /* Other backend statuses map to their codes. */
    static const struct {
        int rc;
        int status;
        const char *code;
    } map[] = {
        {TSS_ERR_NOT_FOUND, 400, "unknown_participant"}, {TSS_ERR_STATE, 409, "conflict"},
        {TSS_ERR_INVALID_ARG, 400, "invalid_request"},    {TSS_ERR_IO, 500, "internal"},
        {TSS_ERR_CAPACITY, 503, "arena_full"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        f->m->force_rc = map[i].rc;
        post(f, "/v1/dkg", "{\"session_id\":\"0000000000000101\",\"participants\":[1,2],\"threshold\":2}", &r);
        expect_error(&r, map[i].status, map[i].code);
        assert_non_null(strstr(jstr(json_object_get(r.json, "error"), "message"), "forced"));
        reply_free(&r);
    }
}

static void test_sign(void **state)
{
    fixture *f = *state;
    reply r;
    post(f, "/v1/dkg", "{\"session_id\":\"000000000000000a\",\"participants\":[1,2,3],\"threshold\":2}", &r);
    assert_int_equal(r.status, 202);
    reply_free(&r);

    post(f, "/v1/sign",
         "{\"session_id\":\"000000000000000b\",\"key_id\":\"000000000000000a\",\"message\":\"DEADbeef00\","
         "\"signers\":[2,3],\"scheme\":\"frost-ed25519\",\"prehash\":false}",
         &r);
    assert_int_equal(r.status, 202);
    assert_string_equal(jstr(r.json, "session_id"), "000000000000000b");
    reply_free(&r);
    const uint8_t msg[] = {0xde, 0xad, 0xbe, 0xef, 0x00};
    assert_int_equal(f->m->last_sign.session_id, 11);
    assert_int_equal(f->m->last_sign.key_id, 10);
    assert_int_equal(f->m->last_sign.message_len, sizeof msg);
    assert_memory_equal(f->m->last_sign.message, msg, sizeof msg);
    assert_int_equal(f->m->last_sign.n_signers, 2);
    assert_int_equal(f->m->last_sign.signers[0], 2);
    assert_int_equal(f->m->last_sign.signers[1], 3);
    assert_false(f->m->last_sign.prehash);

    get(f, "/v1/sessions/000000000000000b", &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(jstr(r.json, "kind"), "sign");
    assert_string_equal(jstr(r.json, "state"), "done");
    json_t *res = json_object_get(r.json, "result");
    uint8_t sig[64], pk[32];
    assert_int_equal(sodium_hex2bin(sig, 64, jstr(res, "signature"), 128, NULL, NULL, NULL), 0);
    assert_int_equal(sodium_hex2bin(pk, 32, jstr(res, "group_public_key"), 64, NULL, NULL, NULL), 0);
    assert_int_equal(crypto_sign_verify_detached(sig, msg, sizeof msg, pk), 0);
    assert_int_equal(json_array_size(json_object_get(res, "signers")), 2);
    assert_null(json_object_get(res, "verifying_shares"));
    reply_free(&r);

    /* prehash and defaults: no signers (every holder), no scheme, empty message. */
    post(f, "/v1/sign", "{\"session_id\":\"000000000000000c\",\"key_id\":\"000000000000000a\",\"message\":\"\",\"prehash\":true}",
         &r);
    assert_int_equal(r.status, 202);
    reply_free(&r);
    assert_true(f->m->last_sign.prehash);
    assert_int_equal(f->m->last_sign.n_signers, 0);
    assert_int_equal(f->m->last_sign.message_len, 0);

    static const struct {
        const char *body;
        int status;
        const char *code;
    } cases[] = {
        {"{\"session_id\":\"00000000000000d1\",\"key_id\":\"000000000000000a\",\"message\":\"abc\"}", 400, "bad_hex"},
        {"{\"session_id\":\"00000000000000d1\",\"key_id\":\"000000000000000a\",\"message\":\"zz\"}", 400, "bad_hex"},
        {"{\"session_id\":\"00000000000000d1\",\"key_id\":\"000000000000000a\",\"message\":\"0x00\"}", 400, "bad_hex"},
        {"{\"session_id\":\"00000000000000d1\",\"key_id\":\"000000000000000a\",\"message\":42}", 400, "invalid_field"},
        {"{\"session_id\":\"00000000000000d1\",\"key_id\":\"000000000000000a\"}", 400, "missing_field"},
        {"{\"session_id\":\"00000000000000d1\",\"message\":\"00\"}", 400, "missing_field"},
        {"{\"session_id\":\"00000000000000d1\",\"key_id\":\"a\",\"message\":\"00\"}", 400, "invalid_field"},
        {"{\"session_id\":\"00000000000000d1\",\"key_id\":\"000000000000000a\",\"message\":\"00\",\"prehash\":1}",
         400, "invalid_field"},
        {"{\"session_id\":\"00000000000000d1\",\"key_id\":\"000000000000000a\",\"message\":\"00\",\"signers\":[2,2]}",
         400, "invalid_field"},
        {"{\"session_id\":\"00000000000000d1\",\"key_id\":\"000000000000000a\",\"message\":\"00\",\"signers\":[2]}",
         400, "not_enough_signers"},
        {"{\"session_id\":\"00000000000000d1\",\"key_id\":\"000000000000000a\",\"message\":\"00\",\"scheme\":\"bls\"}",
         400, "unsupported_scheme"},
        {"{\"session_id\":\"00000000000000d1\",\"key_id\":\"00000000000000ee\",\"message\":\"00\"}", 404, "unknown_key"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        post_expect(f, "/v1/sign", cases[i].body, cases[i].status, cases[i].code);

    /* Exactly the maximum message is accepted; one byte more is refused. */
    size_t hex_len = 2 * TSS_API_MAX_MESSAGE + 2;
    char *body = malloc(hex_len + 128);
    assert_non_null(body);
    int n = snprintf(body, 128, "{\"session_id\":\"00000000000000d2\",\"key_id\":\"000000000000000a\",\"message\":\"");
    memset(body + n, '7', hex_len);
    strcpy(body + n + hex_len, "\"}");
    post_expect(f, "/v1/sign", body, 400, "message_too_long");
    strcpy(body + n + hex_len - 2, "\"}");
    post(f, "/v1/sign", body, &r);
    assert_int_equal(r.status, 202);
    reply_free(&r);
    assert_int_equal(f->m->last_sign.message_len, TSS_API_MAX_MESSAGE);
    assert_int_equal(f->m->last_sign.message[TSS_API_MAX_MESSAGE - 1], 0x77);
    free(body);
}

static void test_reshare_and_refresh(void **state)
{
    fixture *f = *state;
    reply r;
    post(f, "/v1/dkg", "{\"session_id\":\"0000000000000020\",\"participants\":[1,2,3],\"threshold\":2}", &r);
    assert_int_equal(r.status, 202);
    reply_free(&r);

    post(f, "/v1/reshare",
         "{\"session_id\":\"0000000000000021\",\"key_id\":\"0000000000000020\",\"participants\":[2,3,4,5],\"threshold\":3}",
         &r);
    assert_int_equal(r.status, 202);
    reply_free(&r);
    assert_int_equal(f->m->last_reshare.key_id, 0x20);
    assert_int_equal(f->m->last_reshare.threshold, 3);
    assert_int_equal(f->m->last_reshare.n_participants, 4);
    assert_int_equal(f->m->last_reshare.participants[3], 5);
    get(f, "/v1/sessions/0000000000000021", &r);
    assert_string_equal(jstr(r.json, "kind"), "reshare");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(r.json, "result"), "threshold")), 3);
    reply_free(&r);

    post(f, "/v1/refresh", "{\"session_id\":\"0000000000000022\",\"key_id\":\"0000000000000020\"}", &r);
    assert_int_equal(r.status, 202);
    reply_free(&r);
    assert_int_equal(f->m->last_refresh.n_participants, 0);
    get(f, "/v1/keys/0000000000000020", &r);
    assert_int_equal(json_integer_value(json_object_get(r.json, "generation")), 2);
    reply_free(&r);

    post_expect(f, "/v1/reshare",
                "{\"session_id\":\"0000000000000023\",\"key_id\":\"0000000000000020\",\"participants\":[1,2],\"threshold\":3}",
                400, "threshold_out_of_range");
    post_expect(f, "/v1/reshare", "{\"session_id\":\"0000000000000023\",\"key_id\":\"0000000000000020\",\"threshold\":1}",
                400, "missing_field");
    post_expect(f, "/v1/reshare",
                "{\"session_id\":\"0000000000000023\",\"key_id\":\"0000000000000099\",\"participants\":[1,2],\"threshold\":2}",
                404, "unknown_key");
    post_expect(f, "/v1/refresh", "{\"session_id\":\"0000000000000023\",\"key_id\":\"0000000000000099\"}", 404,
                "unknown_key");
    post_expect(f, "/v1/refresh",
                "{\"session_id\":\"0000000000000023\",\"key_id\":\"0000000000000020\",\"participants\":[1,1]}", 400,
                "invalid_field");
    post_expect(f, "/v1/refresh", "{\"session_id\":\"0000000000000022\",\"key_id\":\"0000000000000020\"}", 409,
                "duplicate_session");
    post_expect(f, "/v1/refresh", "{\"session_id\":\"0000000000000024\",\"key_id\":\"0000000000000020\",\"threshold\":2}",
                400, "unknown_field");
}

static void test_session_states(void **state)
{
    fixture *f = *state;
    reply r;
    get(f, "/v1/sessions/0000000000000abc", &r);
    expect_error(&r, 404, "unknown_session");
    reply_free(&r);
    static const char *const bad_ids[] = {"/v1/sessions/abc", "/v1/sessions/", "/v1/sessions/0000000000000abcd",
                                          "/v1/sessions/000000000000zabc"};
    for (size_t i = 0; i < sizeof bad_ids / sizeof bad_ids[0]; i++) {
        get(f, bad_ids[i], &r);
        expect_error(&r, 400, "invalid_id");
        reply_free(&r);
    }

    /* A failed signing session names its culprits; a running one has neither result nor failure. */
    pthread_mutex_lock(&f->m->lock);
    tss_api_session_info *s = &f->m->sessions[f->m->n_sessions++];
    memset(s, 0, sizeof *s);
    s->session_id = 0x77;
    s->kind = TSS_API_SESSION_SIGN;
    s->state = TSS_API_STATE_FAILED;
    s->scheme = TSS_API_SCHEME_FROST_ED25519;
    s->key_id = 0x10;
    s->failure_status = TSS_ERR_TIMEOUT;
    snprintf(s->failure_message, sizeof s->failure_message, "nodes 4 and 5 did not answer within 10 s");
    s->n_culprits = 2;
    s->culprits[0] = (tss_api_culprit){4, TSS_API_CULPRIT_MISSING};
    s->culprits[1] = (tss_api_culprit){5, TSS_API_CULPRIT_INVALID};
    tss_api_session_info *s2 = &f->m->sessions[f->m->n_sessions++];
    memset(s2, 0, sizeof *s2);
    s2->session_id = 0x78;
    s2->kind = TSS_API_SESSION_DKG;
    s2->state = TSS_API_STATE_RUNNING;
    s2->scheme = TSS_API_SCHEME_FROST_ED25519;
    s2->round = 1;
    pthread_mutex_unlock(&f->m->lock);

    get(f, "/v1/sessions/0000000000000077", &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(jstr(r.json, "state"), "failed");
    assert_null(json_object_get(r.json, "result"));
    json_t *fail = json_object_get(r.json, "failure");
    assert_string_equal(jstr(fail, "code"), "timeout");
    assert_string_equal(jstr(fail, "message"), "nodes 4 and 5 did not answer within 10 s");
    json_t *c = json_object_get(fail, "culprits");
    assert_int_equal(json_array_size(c), 2);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(c, 0), "node")), 4);
    assert_string_equal(jstr(json_array_get(c, 0), "reason"), "missing");
    assert_string_equal(jstr(json_array_get(c, 1), "reason"), "invalid");
    reply_free(&r);

    get(f, "/v1/sessions/0000000000000078", &r);
    assert_string_equal(jstr(r.json, "state"), "running");
    assert_string_equal(jstr(r.json, "kind"), "dkg");
    assert_null(json_object_get(r.json, "result"));
    assert_null(json_object_get(r.json, "failure"));
    reply_free(&r);
}

static void test_keys_paging_and_errors(void **state)
{
    fixture *f = *state;
    reply r;
    f->m->synthetic_keys = 3 * TSS_API_KEY_PAGE + 5; /* several pages of list_keys */
    get(f, "/v1/keys", &r);
    assert_int_equal(r.status, 200);
    json_t *keys = json_object_get(r.json, "keys");
    assert_int_equal(json_array_size(keys), 3 * TSS_API_KEY_PAGE + 5);
    assert_string_equal(jstr(json_array_get(keys, 0), "key_id"), "0000000000005000");
    char last[17];
    tss_api_format_id(last, 0x5000 + 3 * TSS_API_KEY_PAGE + 4);
    assert_string_equal(jstr(json_array_get(keys, 3 * TSS_API_KEY_PAGE + 4), "key_id"), last);
    reply_free(&r);
    f->m->synthetic_keys = 0;
    get(f, "/v1/keys", &r);
    assert_int_equal(json_array_size(json_object_get(r.json, "keys")), 0);
    reply_free(&r);

    get(f, "/v1/keys/00000000deadbeef", &r);
    expect_error(&r, 404, "unknown_key");
    reply_free(&r);
    get(f, "/v1/keys/deadbeef", &r);
    expect_error(&r, 400, "invalid_id");
    reply_free(&r);
    http(f, "DELETE", "/v1/keys/00000000deadbeef", TOKEN, NULL, &r);
    expect_error(&r, 405, "method_not_allowed");
    reply_free(&r);
}

static void test_routes_and_methods(void **state)
{
    fixture *f = *state;
    reply r;
    get(f, "/v1/nothing", &r);
    expect_error(&r, 404, "not_found");
    reply_free(&r);
    get(f, "/", &r);
    expect_error(&r, 404, "not_found");
    reply_free(&r);
    static const char *const post_only[] = {"/v1/dkg", "/v1/sign", "/v1/reshare", "/v1/refresh"};
    for (size_t i = 0; i < 4; i++) {
        get(f, post_only[i], &r);
        expect_error(&r, 405, "method_not_allowed");
        assert_non_null(strcasestr(r.head, "\r\nAllow: POST"));
        reply_free(&r);
    }
    post(f, "/v1/keys", "{}", &r);
    expect_error(&r, 405, "method_not_allowed");
    reply_free(&r);
    post(f, "/metrics", "{}", &r);
    expect_error(&r, 405, "method_not_allowed");
    reply_free(&r);
}

static void test_body_too_large(void **state)
{
    fixture *f = *state;
    reply r;
    /* Just over the limit (drained, then refused). */
    size_t n = TSS_API_MAX_BODY + 1;
    char *body = malloc(n + 1);
    assert_non_null(body);
    memset(body, ' ', n);
    body[n] = '\0';
    body[0] = '{';
    body[n - 1] = '}';
    post(f, "/v1/dkg", body, &r);
    expect_error(&r, 413, "body_too_large");
    reply_free(&r);
    free(body);
    /* A declared length far beyond the limit is refused before the body is read. */
    const char *req = "POST /v1/sign HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer " TOKEN
                      "\r\nContent-Length: 100000000\r\n\r\n{";
    raw_exchange(f->port, req, strlen(req), &r);
    expect_error(&r, 413, "body_too_large");
    reply_free(&r);
    /* Exactly the limit is accepted (and then judged on its content). */
    body = malloc(TSS_API_MAX_BODY + 1);
    assert_non_null(body);
    memset(body, ' ', TSS_API_MAX_BODY);
    body[TSS_API_MAX_BODY] = '\0';
    const char *obj = "{\"session_id\":\"0000000000000fff\",\"participants\":[1],\"threshold\":1}";
    memcpy(body, obj, strlen(obj));
    post(f, "/v1/dkg", body, &r);
    assert_int_equal(r.status, 202);
    reply_free(&r);
    free(body);
    assert_int_equal(__atomic_load_n(&tss_api_get_stats(&f->srv)->body_too_large, __ATOMIC_RELAXED), 2);
}

static void test_metrics_move(void **state)
{
    fixture *f = *state;
    reply r;
    get(f, "/metrics", &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strcasestr(r.head, "\r\nContent-Type: text/plain; version=0.0.4"));
    assert_non_null(strstr(r.body, "# TYPE tss_rejected_packets_total counter\n"));
    assert_int_equal(metric_value(r.body, "tss_rejected_packets_total{reason=\"replay\"}"), 0);
    uint64_t unauthorized = metric_value(r.body, "tss_api_unauthorized_total");
    uint64_t ok = metric_value(r.body, "tss_api_responses_total{class=\"2xx\"}");
    reply_free(&r);

    /* The node bumps its counter; a refused request bumps the server's. */
    tss_metric_add(&f->m->rejected_packets, 3);
    http(f, "GET", "/v1/keys", "bad", NULL, &r);
    assert_int_equal(r.status, 401);
    reply_free(&r);

    get(f, "/metrics", &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(metric_value(r.body, "tss_rejected_packets_total{reason=\"replay\"}"), 3);
    assert_int_equal(metric_value(r.body, "tss_api_unauthorized_total"), unauthorized + 1);
    /* The first scrape itself was a 2xx response. */
    assert_int_equal(metric_value(r.body, "tss_api_responses_total{class=\"2xx\"}"), ok + 1);
    reply_free(&r);
}

/* A backend whose metrics need more than the server's first buffer. */
static int big_metrics(void *ctx, char *buf, size_t cap, size_t *len)
{
    (void)ctx;
    size_t want = 300 * 1024;
    if (cap < want + 1)
        return TSS_ERR_CAPACITY;
    for (size_t i = 0; i < want; i++)
        buf[i] = (i % 64 == 63) ? '\n' : '#';
    buf[want] = '\0';
    *len = want;
    return TSS_OK;
}

static void test_start_errors_and_large_metrics(void **state)
{
    fixture *f = *state;
    tss_api_server s2;
    tss_api_backend be = f->srv.backend;
    tss_api_config cfg = {.token = TOKEN};
    tss_api_config empty_token = {.token = ""};
    tss_api_config no_token = {.token = NULL};
    tss_api_config bad_addr = {.token = TOKEN, .bind_address = "localhost"};
    tss_api_config in_use = {.token = TOKEN, .port = f->port};
    assert_int_equal(tss_api_start(&s2, &empty_token, &be), TSS_ERR_INVALID_ARG);
    assert_int_equal(tss_api_start(&s2, &no_token, &be), TSS_ERR_INVALID_ARG);
    assert_int_equal(tss_api_start(&s2, &bad_addr, &be), TSS_ERR_INVALID_ARG);
    assert_int_equal(tss_api_start(&s2, &in_use, &be), TSS_ERR_IO);
    tss_api_backend missing = be;
    missing.get_key = NULL;
    assert_int_equal(tss_api_start(&s2, &cfg, &missing), TSS_ERR_INVALID_ARG);

    /* A second server whose backend renders more than the first buffer holds, then one without render_metrics. */
    be.render_metrics = big_metrics;
    assert_int_equal(tss_api_start(&s2, &cfg, &be), TSS_OK);
    fixture f2 = {.m = f->m, .port = tss_api_port(&s2)};
    reply r;
    get(&f2, "/metrics", &r);
    assert_int_equal(r.status, 200);
    assert_true(r.body_len > 300 * 1024);
    assert_non_null(strstr(r.body + 300 * 1024, "tss_api_requests_total"));
    reply_free(&r);
    tss_api_stop(&s2);

    be.render_metrics = NULL;
    assert_int_equal(tss_api_start(&s2, &cfg, &be), TSS_OK);
    f2.port = tss_api_port(&s2);
    get(&f2, "/metrics", &r);
    assert_int_equal(r.status, 200);
    assert_true(strncmp(r.body, "# HELP tss_api_requests_total", 29) == 0);
    reply_free(&r);
    tss_api_stop(&s2);
}

static void test_http_client(void **state)
{
    fixture *f = *state;
    tss_http_endpoint ep;
    tss_http_response resp;
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u", f->port);
    assert_int_equal(tss_http_parse_url(url, &ep), TSS_OK);
    assert_int_equal(tss_http_request(&ep, "GET", "/healthz", NULL, NULL, NULL, 0, 5000, &resp), TSS_OK);
    assert_int_equal(resp.status, 200);
    assert_non_null(strstr(resp.body, "\"ok\""));
    tss_http_response_free(&resp);
    const char *body = "{\"session_id\":\"0000000000000031\",\"participants\":[1,2],\"threshold\":2}";
    assert_int_equal(tss_http_request(&ep, "POST", "/v1/dkg", TOKEN, "application/json", body, strlen(body), 5000,
                                      &resp),
                     TSS_OK);
    assert_int_equal(resp.status, 202);
    tss_http_response_free(&resp);
    assert_int_equal(tss_http_request(&ep, "GET", "/v1/keys", "nope", NULL, NULL, 0, 5000, &resp), TSS_OK);
    assert_int_equal(resp.status, 401);
    assert_int_equal(resp.body_len, strlen(resp.body));
    tss_http_response_free(&resp);
    snprintf(url, sizeof url, "http://localhost:%u/", f->port);
    assert_int_equal(tss_http_parse_url(url, &ep), TSS_OK);
    assert_int_equal(tss_http_request(&ep, "GET", "/metrics", TOKEN, NULL, NULL, 0, 5000, &resp), TSS_OK);
    assert_int_equal(resp.status, 200);
    assert_non_null(strstr(resp.body, "tss_api_requests_total"));
    tss_http_response_free(&resp);
    /* Header injection through the path or the token is refused. */
    assert_int_equal(tss_http_request(&ep, "GET", "/x\r\nEvil: 1", NULL, NULL, NULL, 0, 5000, &resp),
                     TSS_ERR_INVALID_ARG);
    assert_int_equal(tss_http_request(&ep, "GET", "/x", "a\r\nb", NULL, NULL, 0, 5000, &resp), TSS_ERR_INVALID_ARG);

    static const char *const bad_urls[] = {"127.0.0.1:80", "http://127.0.0.1", "http://127.0.0.1:0",
                                           "http://127.0.0.1:70000", "http://example.com:80", "http://[::1]80",
                                           "http://127.0.0.1:80/v1", "https://127.0.0.1:80"};
    for (size_t i = 0; i < sizeof bad_urls / sizeof bad_urls[0]; i++)
        assert_int_equal(tss_http_parse_url(bad_urls[i], &ep), TSS_ERR_INVALID_ARG);
    assert_int_equal(tss_http_parse_url("http://[::1]:8080", &ep), TSS_OK);
    assert_string_equal(ep.host, "[::1]:8080");

    /* A closed port: connection refused. */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t sl = sizeof sa;
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
    snprintf(url, sizeof url, "http://127.0.0.1:%u", ntohs(sa.sin_port));
    assert_int_equal(tss_http_parse_url(url, &ep), TSS_OK);
    assert_int_equal(tss_http_request(&ep, "GET", "/", NULL, NULL, NULL, 0, 2000, &resp), TSS_ERR_IO);
    /* A listener that never answers: timeout. */
    assert_int_equal(listen(fd, 1), 0);
    assert_int_equal(tss_http_request(&ep, "GET", "/", NULL, NULL, NULL, 0, 200, &resp), TSS_ERR_TIMEOUT);
    close(fd);
}

static void test_ids_and_names(void **state)
{
    (void)state;
    uint64_t v;
    char s[17];
    assert_int_equal(tss_api_parse_id("00000000000004d2", &v), TSS_OK);
    assert_int_equal(v, 1234);
    assert_int_equal(tss_api_parse_id("FFFFFFFFFFFFFFFF", &v), TSS_OK);
    assert_true(v == UINT64_MAX);
    assert_int_equal(tss_api_parse_id("4d2", &v), TSS_ERR_ENCODING);
    assert_int_equal(tss_api_parse_id("00000000000004d2 ", &v), TSS_ERR_ENCODING);
    assert_int_equal(tss_api_parse_id("+0000000000004d2", &v), TSS_ERR_ENCODING);
    tss_api_format_id(s, 0xabcdef0123456789ULL);
    assert_string_equal(s, "abcdef0123456789");
    tss_api_scheme sc;
    assert_int_equal(tss_api_scheme_parse("frost-ed25519", &sc), TSS_OK);
    assert_string_equal(tss_api_scheme_name(sc), "frost-ed25519");
    assert_int_equal(tss_api_scheme_parse("FROST-ED25519", &sc), TSS_ERR_NOT_FOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ids_and_names),
        cmocka_unit_test_setup_teardown(test_healthz_needs_no_token, setup, teardown),
        cmocka_unit_test_setup_teardown(test_auth_required, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dkg_then_session_and_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dkg_bad_requests, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backend_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sign, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reshare_and_refresh, setup, teardown),
        cmocka_unit_test_setup_teardown(test_session_states, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keys_paging_and_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_routes_and_methods, setup, teardown),
        cmocka_unit_test_setup_teardown(test_body_too_large, setup, teardown),
        cmocka_unit_test_setup_teardown(test_metrics_move, setup, teardown),
        cmocka_unit_test_setup_teardown(test_start_errors_and_large_metrics, setup, teardown),
        cmocka_unit_test_setup_teardown(test_http_client, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
