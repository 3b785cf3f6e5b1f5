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

#include "api_fixture.h"

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_healthz_needs_no_token, setup, teardown),
        cmocka_unit_test_setup_teardown(test_auth_required, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dkg_then_session_and_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backend_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_session_states, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keys_paging_and_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_routes_and_methods, setup, teardown),
        cmocka_unit_test_setup_teardown(test_body_too_large, setup, teardown),
        cmocka_unit_test_setup_teardown(test_metrics_move, setup, teardown),
        cmocka_unit_test_setup_teardown(test_start_errors_and_large_metrics, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
