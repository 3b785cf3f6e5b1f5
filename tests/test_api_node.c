/* The control-plane API of real tssd processes (docs/api.md), over real HTTP: a 3-node cluster (a tiny session
 * arena, short timeouts) is driven through every endpoint and every error path; signatures are verified with
 * libsodium; metrics are checked to move with rejections; and after a clean shutdown each node's stored
 * signing shares are decrypted to prove that no response ever carried one. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <sodium.h>

#include "crypto/cpu.h"
#include "src/store.h"
#include "tss/common.h"
#include "tss/frost.h"
#include "tssd_fixture.h"

#define N 3
#define ARENA 3
#define KEY "00000000000a0001"
#define MAX_BODIES 256

typedef struct ctx {
    procs p;
    uint8_t gpk[32];
    int gen;                  /* the key's generation as the tests moved it */
    int threshold;
    char *bodies[MAX_BODIES]; /* every response body from a key or session endpoint (secret check) */
    int n_bodies;
} ctx;

static const int all[N] = {1, 2, 3};

/* ---------------------------------------------------------------- helpers */

static void keep(ctx *c, char *raw)
{
    if (raw == NULL) return;
    if (c->n_bodies < MAX_BODIES)
        c->bodies[c->n_bodies++] = raw;
    else
        free(raw);
}

/* Request to node i with its token; returns the status, *out the JSON (caller decrefs); the raw body is kept. */
static int req(ctx *c, int i, const char *method, const char *path, const char *body, json_t **out)
{
    char *raw = NULL;
    int st = tssd_http_raw(&c->p, i, method, path, c->p.token[i], body, &raw);
    assert_int_not_equal(st, -1);
    assert_non_null(raw);
    if (out != NULL) *out = json_loads(raw, 0, NULL);
    keep(c, raw);
    return st;
}

/* Asserts the documented error shape with this status and code. */
static void expect_error(ctx *c, int i, const char *method, const char *path, const char *body, int status,
                         const char *code)
{
    json_t *j = NULL;
    int st = req(c, i, method, path, body, &j);
    if (st != status || j == NULL) fail_msg("%s %s %s: status %d (want %d)", method, path, body ? body : "", st, status);
    json_t *e = json_object_get(j, "error");
    const char *got = json_string_value(json_object_get(e, "code"));
    const char *msg = json_string_value(json_object_get(e, "message"));
    if (got == NULL || strcmp(got, code) != 0)
        fail_msg("%s %s %s: code %s (want %s)", method, path, body ? body : "", got ? got : "(none)", code);
    assert_non_null(msg);
    assert_true(strlen(msg) > 0);
    json_decref(j);
}

static char *metrics(ctx *c, int i)
{
    char *raw = NULL;
    assert_int_equal(tssd_http_raw(&c->p, i, "GET", "/metrics", c->p.token[i], NULL, &raw), 200);
    assert_non_null(raw);
    return raw;
}

/* Sum of every sample of a series (all label sets). */
static double metric_sum(const char *text, const char *name)
{
    double sum = 0;
    size_t nl = strlen(name);
    for (const char *l = text; l != NULL && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        if (strncmp(l, name, nl) != 0 || (l[nl] != ' ' && l[nl] != '{')) continue;
        const char *v = l[nl] == '{' ? strchr(l, '}') : l + nl;
        assert_non_null(v);
        v = strchr(v, ' ');
        assert_non_null(v);
        sum += strtod(v + 1, NULL);
    }
    return sum;
}

static double metric_now(ctx *c, int i, const char *name)
{
    char *t = metrics(c, i);
    double v = metric_sum(t, name);
    free(t);
    return v;
}

static const char *str(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    if (s == NULL) fail_msg("missing string field %s", k);
    return s;
}

static void assert_hex_len(const char *s, size_t digits)
{
    assert_int_equal(strlen(s), digits);
    for (size_t i = 0; i < digits; i++) assert_non_null(strchr("0123456789abcdef", s[i]));
}

static void post_all(ctx *c, const int *nodes, int n, const char *path, const char *body)
{
    for (int k = 0; k < n; k++) {
        json_t *j = NULL;
        int st = req(c, nodes[k], "POST", path, body, &j);
        if (st != 202) fail_msg("POST %s on node %d: %d", path, nodes[k], st);
        const char *state = str(j, "state");
        assert_true(strcmp(state, "pending") == 0 || strcmp(state, "running") == 0);
        assert_hex_len(str(j, "session_id"), 16);
        json_decref(j);
    }
}

static json_t *wait_all(ctx *c, const int *nodes, int n, const char *sid)
{
    json_t *j = tssd_wait_done(&c->p, nodes, n, sid);
    char *d = json_dumps(j, 0);
    keep(c, d);
    return j;
}

/* Signs hex message with the listed nodes; returns the verified signature's session result. */
static void sign_ok(ctx *c, const int *nodes, int n, const char *sid, const char *msg_hex, int prehash)
{
    char body[512];
    int off = snprintf(body, sizeof body, "{\"session_id\":\"%s\",\"key_id\":\"%s\",\"message\":\"%s\",%s\"signers\":[",
                       sid, KEY, msg_hex, prehash ? "\"prehash\":true,\"scheme\":\"frost-ed25519\"," : "");
    for (int k = 0; k < n; k++) off += snprintf(body + off, sizeof body - (size_t)off, "%s%d", k ? "," : "", nodes[k]);
    snprintf(body + off, sizeof body - (size_t)off, "]}");
    post_all(c, nodes, n, "/v1/sign", body);
    json_t *j = wait_all(c, nodes, n, sid);
    assert_string_equal(str(j, "kind"), "sign");
    assert_string_equal(str(j, "state"), "done");
    assert_string_equal(str(j, "key_id"), KEY);
    assert_null(json_object_get(j, "failure"));
    json_t *r = json_object_get(j, "result");
    uint8_t sig[64], gpk[32], msg[64];
    tssd_hex_exact(gpk, 32, str(r, "group_public_key"));
    assert_memory_equal(gpk, c->gpk, 32);
    assert_hex_len(str(r, "signature"), 128);
    tssd_hex_exact(sig, 64, str(r, "signature"));
    assert_true(json_array_size(json_object_get(r, "signers")) >= (size_t)c->threshold);
    assert_true(json_is_array(json_object_get(r, "excluded")));
    size_t len = 0;
    assert_int_equal(sodium_hex2bin(msg, sizeof msg, msg_hex, strlen(msg_hex), NULL, &len, NULL), 0);
    if (prehash) {
        uint8_t h[64];
        crypto_hash_sha512(h, msg, len);
        assert_int_equal(crypto_sign_verify_detached(sig, h, sizeof h, c->gpk), 0);
        assert_int_not_equal(crypto_sign_verify_detached(sig, msg, len, c->gpk), 0);
    } else {
        assert_int_equal(crypto_sign_verify_detached(sig, msg, len, c->gpk), 0);
        sig[5] ^= 1;
        assert_int_not_equal(crypto_sign_verify_detached(sig, msg, len, c->gpk), 0);
    }
    /* every signer reports the same signature */
    char path[64];
    snprintf(path, sizeof path, "/v1/sessions/%s", sid);
    for (int k = 1; k < n; k++) {
        json_t *o = NULL;
        assert_int_equal(req(c, nodes[k], "GET", path, NULL, &o), 200);
        assert_string_equal(str(json_object_get(o, "result"), "signature"), str(r, "signature"));
        json_decref(o);
    }
    json_decref(j);
}

/* GET /v1/keys and /v1/keys/{id} on every node: same public parts, the expected generation and threshold. */
static void check_keys(ctx *c)
{
    char path[64];
    snprintf(path, sizeof path, "/v1/keys/%s", KEY);
    char first_shares[4096] = "";
    for (int i = 1; i <= N; i++) {
        json_t *j = NULL;
        assert_int_equal(req(c, i, "GET", "/v1/keys", NULL, &j), 200);
        json_t *keys = json_object_get(j, "keys");
        assert_int_equal(json_array_size(keys), 1);
        json_t *k = json_array_get(keys, 0);
        assert_string_equal(str(k, "key_id"), KEY);
        assert_string_equal(str(k, "scheme"), "frost-ed25519");
        assert_int_equal(json_integer_value(json_object_get(k, "threshold")), c->threshold);
        assert_int_equal(json_integer_value(json_object_get(k, "n_participants")), N);
        assert_int_equal(json_integer_value(json_object_get(k, "generation")), c->gen);
        uint8_t g[32];
        tssd_hex_exact(g, 32, str(k, "group_public_key"));
        assert_memory_equal(g, c->gpk, 32);
        json_decref(j);

        assert_int_equal(req(c, i, "GET", path, NULL, &j), 200);
        assert_string_equal(str(j, "key_id"), KEY);
        assert_int_equal(json_integer_value(json_object_get(j, "own_index")), i);
        assert_int_equal(json_integer_value(json_object_get(j, "generation")), c->gen);
        assert_int_equal(json_array_size(json_object_get(j, "participants")), N);
        json_t *vs = json_object_get(j, "verifying_shares");
        assert_int_equal(json_array_size(vs), N);
        for (size_t s = 0; s < N; s++) assert_hex_len(str(json_array_get(vs, s), "verifying_share"), 64);
        char *d = json_dumps(vs, JSON_COMPACT);
        if (i == 1)
            snprintf(first_shares, sizeof first_shares, "%s", d);
        else
            assert_string_equal(d, first_shares);
        free(d);
        json_decref(j);
    }
}

/* ---------------------------------------------------------------- fixture */

static int group_setup(void **state)
{
    ctx *c = calloc(1, sizeof *c);
    assert_non_null(c);
    tssd_options o = {.n = N, .arena_sessions = ARENA, .round_ms = 1500, .session_ms = 4000};
    tssd_setup(&c->p, &o);
    for (int i = 1; i <= N; i++) tssd_start(&c->p, i);
    *state = c;
    return 0;
}

static int group_teardown(void **state)
{
    ctx *c = *state;
    if (c == NULL) return 0;
    tssd_teardown(&c->p);
    for (int i = 0; i < c->n_bodies; i++) free(c->bodies[i]);
    free(c);
    return 0;
}

/* ---------------------------------------------------------------- tests (run in order on one cluster) */

static void test_healthz_and_auth(void **state)
{
    ctx *c = *state;
    char *raw = NULL;
    assert_int_equal(tssd_http_raw(&c->p, 1, "GET", "/healthz", NULL, NULL, &raw), 200);
    json_t *j = json_loads(raw, 0, NULL);
    free(raw);
    assert_string_equal(str(j, "status"), "ok");
    json_decref(j);

    double before = metric_now(c, 1, "tss_api_unauthorized_total");
    double before4 = metric_now(c, 1, "tss_api_responses_total");
    const char *paths[][2] = {{"GET", "/v1/keys"}, {"GET", "/metrics"}, {"POST", "/v1/dkg"}, {"POST", "/v1/sign"},
                              {"POST", "/v1/reshare"}, {"POST", "/v1/refresh"}, {"GET", "/v1/sessions/00000000000a0001"},
                              {"GET", "/v1/keys/00000000000a0001"}, {"GET", "/v1/status"}, {"GET", "/nowhere"}};
    int n401 = 0;
    for (size_t k = 0; k < sizeof paths / sizeof paths[0]; k++) {
        const char *bearers[] = {NULL, "wrong", c->p.token[2]}; /* none, wrong, another node's */
        for (int b = 0; b < 3; b++) {
            raw = NULL;
            int st = tssd_http_raw(&c->p, 1, paths[k][0], paths[k][1], bearers[b], paths[k][0][0] == 'P' ? "{" : NULL, &raw);
            if (st != 401) fail_msg("%s %s bearer %d: %d", paths[k][0], paths[k][1], b, st);
            j = json_loads(raw, 0, NULL);
            free(raw);
            assert_string_equal(str(json_object_get(j, "error"), "code"), "unauthorized");
            json_decref(j);
            n401++;
        }
    }
    double after = metric_now(c, 1, "tss_api_unauthorized_total");
    assert_true(after - before == (double)n401);
    assert_true(metric_now(c, 1, "tss_api_responses_total") - before4 >= (double)n401);
    /* The right token on another node is wrong there too, and the right one is accepted. */
    assert_int_equal(req(c, 2, "GET", "/v1/keys", NULL, NULL), 200);
    /* unknown route and wrong method, with the token */
    expect_error(c, 1, "GET", "/v1/nowhere", NULL, 404, "not_found");
    expect_error(c, 1, "GET", "/v1/dkg", NULL, 405, "method_not_allowed");
    expect_error(c, 1, "DELETE", "/v1/keys", NULL, 405, "method_not_allowed");
}

/* GET /v1/status names the verification backend the node runs and the CPU features it found (what this
 * process, same CPU and environment, resolves), and tssd logged the same at start-up. */
static void test_status(void **state)
{
    ctx *c = *state;
    json_t *j = NULL;
    assert_int_equal(req(c, 1, "GET", "/v1/status", NULL, &j), 200);
    assert_string_equal(str(j, "status"), "ok");
    const char *be = tss_backend_name(tss_backend_resolve(TSS_BACKEND_AUTO));
    assert_string_equal(str(j, "backend"), be);
    assert_string_equal(str(j, "backend_choice"), "auto");
    json_t *f = json_object_get(j, "cpu_features");
    assert_true(json_is_array(f));
    unsigned got = 0;
    for (size_t i = 0; i < json_array_size(f); i++) {
        const char *nm = json_string_value(json_array_get(f, i));
        assert_non_null(nm);
        if (strcmp(nm, "avx2") == 0) got |= TSS_CPU_AVX2;
        else if (strcmp(nm, "avx512ifma") == 0) got |= TSS_CPU_AVX512IFMA;
        else fail_msg("unknown cpu feature %s", nm);
    }
    assert_int_equal(got, tss_cpu_features());
    assert_true(strlen(str(j, "cpu")) > 0);
    json_decref(j);
    expect_error(c, 1, "POST", "/v1/status", "{}", 405, "method_not_allowed");

    char path[300], line[512], want[64];
    snprintf(path, sizeof path, "%s/node1.log", c->p.dir);
    snprintf(want, sizeof want, "verification backend: %s (auto)", be);
    FILE *lf = fopen(path, "r");
    assert_non_null(lf);
    int seen = 0;
    while (fgets(line, sizeof line, lf) != NULL) seen |= strstr(line, want) != NULL && strstr(line, "cpu: ") != NULL;
    fclose(lf);
    if (!seen) fail_msg("%s: no start-up line with '%s'", path, want);
}

static void test_dkg_errors(void **state)
{
    ctx *c = *state;
    double bad_before = metric_now(c, 1, "tss_api_responses_total");
    expect_error(c, 1, "POST", "/v1/dkg", "{", 400, "bad_json");
    expect_error(c, 1, "POST", "/v1/dkg", "[1,2]", 400, "bad_json");
    expect_error(c, 1, "POST", "/v1/dkg", "", 400, "bad_json");
    expect_error(c, 1, "POST", "/v1/dkg", "{\"session_id\":\"00000000000c0001\",\"session_id\":\"00000000000c0001\","
                 "\"participants\":[1,2,3],\"threshold\":2}", 400, "bad_json");
    expect_error(c, 1, "POST", "/v1/dkg", "{\"participants\":[1,2,3],\"threshold\":2}", 400, "missing_field");
    expect_error(c, 1, "POST", "/v1/dkg", "{\"session_id\":\"00000000000c0001\",\"threshold\":2}", 400, "missing_field");
    expect_error(c, 1, "POST", "/v1/dkg", "{\"session_id\":\"00000000000c0001\",\"participants\":[1,2,3]}", 400,
                 "missing_field");
    expect_error(c, 1, "POST", "/v1/dkg", "{\"session_id\":\"00000000000c0001\",\"participants\":[1,2,3],\"threshold\":null}",
                 400, "missing_field");
    expect_error(c, 1, "POST", "/v1/dkg", "{\"session_id\":\"00000000000c0001\",\"participants\":[1,2,3],\"threshold\":0}",
                 400, "threshold_out_of_range");
    expect_error(c, 1, "POST", "/v1/dkg", "{\"session_id\":\"00000000000c0001\",\"participants\":[1,2,3],\"threshold\":4}",
                 400, "threshold_out_of_range");
    expect_error(c, 1, "POST", "/v1/dkg", "{\"session_id\":\"00000000000c0001\",\"participants\":[1,2,3],\"threshold\":2,"
                 "\"scheme\":\"ecdsa-secp256k1\"}", 400, "unsupported_scheme");
    expect_error(c, 1, "POST", "/v1/dkg", "{\"session_id\":\"00000000000c0001\",\"participants\":[2,3],\"threshold\":2}",
                 400, "invalid_request");
    expect_error(c, 1, "POST", "/v1/dkg", "{\"session_id\":\"00000000000c0001\",\"participants\":[1,2,2],\"threshold\":2}",
                 400, "invalid_field");
    expect_error(c, 1, "POST", "/v1/dkg", "{\"session_id\":\"00000000000c0001\",\"participants\":[1,2,7],\"threshold\":2}",
                 400, "unknown_participant");
    expect_error(c, 1, "POST", "/v1/dkg", "{\"session_id\":\"00000000000c0001\",\"participants\":[1,0],\"threshold\":1}",
                 400, "invalid_field");
    expect_error(c, 1, "POST", "/v1/dkg", "{\"session_id\":\"00000000000c0001\",\"participants\":[],\"threshold\":1}",
                 400, "invalid_field");
    expect_error(c, 1, "POST", "/v1/dkg", "{\"session_id\":\"c0001\",\"participants\":[1,2,3],\"threshold\":2}", 400,
                 "invalid_field");
    expect_error(c, 1, "POST", "/v1/dkg", "{\"session_id\":\"00000000000c0001\",\"participants\":[1,2,3],\"threshold\":\"2\"}",
                 400, "invalid_field");
    expect_error(c, 1, "POST", "/v1/dkg", "{\"session_id\":\"00000000000c0001\",\"participants\":[1,2,3],\"threshold\":2,"
                 "\"treshold\":2}", 400, "unknown_field");
    assert_true(metric_now(c, 1, "tss_api_responses_total") - bad_before >= 19);

    /* 413: a body over 65,536 bytes (valid JSON padding so only the size is wrong). */
    size_t big = 70000;
    char *body = malloc(big + 1);
    assert_non_null(body);
    memset(body, ' ', big);
    memcpy(body, "{\"session_id\":\"00000000000c0002\",\"participants\":[1,2,3],\"threshold\":2}", 70);
    body[big] = '\0';
    double tl = metric_now(c, 1, "tss_api_body_too_large_total");
    expect_error(c, 1, "POST", "/v1/dkg", body, 413, "body_too_large");
    free(body);
    assert_true(metric_now(c, 1, "tss_api_body_too_large_total") - tl == 1.0);
    /* none of the refusals left a session behind */
    expect_error(c, 1, "GET", "/v1/sessions/00000000000c0001", NULL, 404, "unknown_session");
    expect_error(c, 1, "GET", "/v1/sessions/00000000000c0002", NULL, 404, "unknown_session");
}

static void test_dkg_ok_and_duplicate(void **state)
{
    ctx *c = *state;
    const char *body = "{\"session_id\":\"" KEY "\",\"participants\":[1,2,3],\"threshold\":2,\"scheme\":\"frost-ed25519\"}";
    post_all(c, all, N, "/v1/dkg", body);
    json_t *j = wait_all(c, all, N, KEY);
    assert_string_equal(str(j, "session_id"), KEY);
    assert_string_equal(str(j, "kind"), "dkg");
    assert_string_equal(str(j, "state"), "done");
    assert_string_equal(str(j, "scheme"), "frost-ed25519");
    assert_string_equal(str(j, "key_id"), KEY);
    assert_true(json_is_number(json_object_get(j, "elapsed_ms")));
    assert_true(json_is_integer(json_object_get(j, "round")));
    assert_null(json_object_get(j, "failure"));
    json_t *r = json_object_get(j, "result");
    assert_hex_len(str(r, "group_public_key"), 64);
    tssd_hex_exact(c->gpk, 32, str(r, "group_public_key"));
    assert_int_equal(json_integer_value(json_object_get(r, "threshold")), 2);
    assert_int_equal(json_array_size(json_object_get(r, "participants")), 3);
    assert_int_equal(json_array_size(json_object_get(r, "verifying_shares")), 3);
    c->threshold = 2;
    c->gen = 0;
    /* every node reports the same result */
    char *first = json_dumps(r, JSON_COMPACT | JSON_SORT_KEYS);
    for (int i = 2; i <= N; i++) {
        json_t *o = NULL;
        assert_int_equal(req(c, i, "GET", "/v1/sessions/" KEY, NULL, &o), 200);
        char *d = json_dumps(json_object_get(o, "result"), JSON_COMPACT | JSON_SORT_KEYS);
        assert_string_equal(d, first);
        free(d);
        json_decref(o);
    }
    free(first);
    json_decref(j);
    /* the same session id again: 409 on every node (also in upper case) */
    for (int i = 1; i <= N; i++) expect_error(c, i, "POST", "/v1/dkg", body, 409, "duplicate_session");
    expect_error(c, 1, "POST", "/v1/dkg", "{\"session_id\":\"00000000000A0001\",\"participants\":[1,2,3],\"threshold\":2}",
                 409, "duplicate_session");
    check_keys(c);
}

static void test_keys_errors(void **state)
{
    ctx *c = *state;
    expect_error(c, 1, "GET", "/v1/keys/00000000000fffff", NULL, 404, "unknown_key");
    expect_error(c, 1, "GET", "/v1/keys/xyz", NULL, 400, "invalid_id");
    expect_error(c, 1, "GET", "/v1/keys/00000000000a00011", NULL, 400, "invalid_id");
    expect_error(c, 1, "GET", "/v1/keys/00000000000a000g", NULL, 400, "invalid_id");
    expect_error(c, 1, "POST", "/v1/keys", "{}", 405, "method_not_allowed");
}

static void test_sign(void **state)
{
    ctx *c = *state;
    const int two[2] = {1, 3};
    sign_ok(c, two, 2, "00000000000b0001", "68656c6c6f2c20746872657368686f6c64", 0);
    sign_ok(c, all, N, "00000000000b0002", "DEADBEEF00", 1);
    sign_ok(c, all, N, "00000000000b0003", "", 0); /* the empty message */
    expect_error(c, 1, "POST", "/v1/sign", "{\"session_id\":\"00000000000b0001\",\"key_id\":\"" KEY "\",\"message\":\"00\"}",
                 409, "duplicate_session");

    const char *pre = "{\"session_id\":\"00000000000b0009\",\"key_id\":\"" KEY "\",";
    char body[9000];
    snprintf(body, sizeof body, "%s\"message\":\"zz\"}", pre);
    expect_error(c, 1, "POST", "/v1/sign", body, 400, "bad_hex");
    snprintf(body, sizeof body, "%s\"message\":\"abc\"}", pre);
    expect_error(c, 1, "POST", "/v1/sign", body, 400, "bad_hex");
    snprintf(body, sizeof body, "%s\"message\":\"%0*d\"}", pre, 8194, 0);
    expect_error(c, 1, "POST", "/v1/sign", body, 400, "message_too_long");
    snprintf(body, sizeof body, "%s\"message\":\"00\",\"signers\":[1]}", pre);
    expect_error(c, 1, "POST", "/v1/sign", body, 400, "not_enough_signers");
    snprintf(body, sizeof body, "%s\"signers\":[1,2]}", pre);
    expect_error(c, 1, "POST", "/v1/sign", body, 400, "missing_field");
    snprintf(body, sizeof body, "%s\"message\":\"00\",\"prehash\":\"yes\"}", pre);
    expect_error(c, 1, "POST", "/v1/sign", body, 400, "invalid_field");
    snprintf(body, sizeof body, "%s\"message\":\"00\",\"scheme\":\"bls\"}", pre);
    expect_error(c, 1, "POST", "/v1/sign", body, 400, "unsupported_scheme");
    expect_error(c, 1, "POST", "/v1/sign",
                 "{\"session_id\":\"00000000000b0009\",\"key_id\":\"00000000000fffff\",\"message\":\"00\"}", 404, "unknown_key");
    expect_error(c, 1, "GET", "/v1/sessions/00000000000b0009", NULL, 404, "unknown_session");
}

static void test_refresh_and_reshare(void **state)
{
    ctx *c = *state;
    expect_error(c, 1, "POST", "/v1/refresh", "{\"session_id\":\"00000000000d0001\",\"key_id\":\"00000000000fffff\"}", 404,
                 "unknown_key");
    expect_error(c, 1, "POST", "/v1/refresh", "{\"session_id\":\"00000000000d0001\"}", 400, "missing_field");
    expect_error(c, 1, "POST", "/v1/reshare",
                 "{\"session_id\":\"00000000000d0002\",\"key_id\":\"00000000000fffff\",\"participants\":[1,2,3],\"threshold\":2}",
                 404, "unknown_key");
    expect_error(c, 1, "POST", "/v1/reshare",
                 "{\"session_id\":\"00000000000d0002\",\"key_id\":\"" KEY "\",\"participants\":[1,2,3],\"threshold\":4}",
                 400, "threshold_out_of_range");

    post_all(c, all, N, "/v1/refresh", "{\"session_id\":\"00000000000d0001\",\"key_id\":\"" KEY "\"}");
    json_t *j = wait_all(c, all, N, "00000000000d0001");
    assert_string_equal(str(j, "kind"), "refresh");
    assert_string_equal(str(j, "key_id"), KEY);
    uint8_t g[32];
    tssd_hex_exact(g, 32, str(json_object_get(j, "result"), "group_public_key"));
    assert_memory_equal(g, c->gpk, 32);
    json_decref(j);
    c->gen = 1;
    check_keys(c);
    const int two[2] = {2, 3};
    sign_ok(c, two, 2, "00000000000b0011", "0102030405", 0);

    /* reshare to the same holders with threshold 3 */
    post_all(c, all, N, "/v1/reshare",
             "{\"session_id\":\"00000000000d0002\",\"key_id\":\"" KEY "\",\"participants\":[1,2,3],\"threshold\":3}");
    j = wait_all(c, all, N, "00000000000d0002");
    assert_string_equal(str(j, "kind"), "reshare");
    tssd_hex_exact(g, 32, str(json_object_get(j, "result"), "group_public_key"));
    assert_memory_equal(g, c->gpk, 32);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "result"), "threshold")), 3);
    json_decref(j);
    c->gen = 2;
    c->threshold = 3;
    check_keys(c);
    char body[256];
    snprintf(body, sizeof body, "{\"session_id\":\"00000000000b0012\",\"key_id\":\"%s\",\"message\":\"00\",\"signers\":[1,2]}", KEY);
    expect_error(c, 1, "POST", "/v1/sign", body, 400, "not_enough_signers");
    sign_ok(c, all, N, "00000000000b0013", "cafe", 0);
}

/* Sessions sent to node 1 only: running while the others never answer, 503 once the arena is full, then failed
 * by timeout with the missing nodes named. */
static void test_sessions_arena_and_timeout(void **state)
{
    ctx *c = *state;
    expect_error(c, 1, "GET", "/v1/sessions/00000000000eeeee", NULL, 404, "unknown_session");
    expect_error(c, 1, "GET", "/v1/sessions/nope", NULL, 400, "invalid_id");
    expect_error(c, 1, "GET", "/v1/sessions/", NULL, 400, "invalid_id");

    double busy = metric_now(c, 1, "tss_api_backend_busy_total");
    char body[256], sid[17], path[64];
    for (int k = 0; k < ARENA; k++) {
        snprintf(sid, sizeof sid, "00000000000e%04x", k);
        snprintf(body, sizeof body, "{\"session_id\":\"%s\",\"participants\":[1,2,3],\"threshold\":2}", sid);
        post_all(c, all, 1, "/v1/dkg", body);
    }
    snprintf(body, sizeof body, "{\"session_id\":\"00000000000e0100\",\"participants\":[1,2,3],\"threshold\":2}");
    expect_error(c, 1, "POST", "/v1/dkg", body, 503, "arena_full");
    snprintf(body, sizeof body, "{\"session_id\":\"00000000000e0101\",\"key_id\":\"%s\",\"message\":\"00\"}", KEY);
    expect_error(c, 1, "POST", "/v1/sign", body, 503, "arena_full");
    assert_true(metric_now(c, 1, "tss_api_backend_busy_total") - busy == 2.0);
    /* other nodes are not affected */
    expect_error(c, 2, "GET", "/v1/sessions/00000000000e0000", NULL, 404, "unknown_session");

    json_t *j = NULL;
    assert_int_equal(req(c, 1, "GET", "/v1/sessions/00000000000e0000", NULL, &j), 200);
    const char *state0 = str(j, "state");
    assert_true(strcmp(state0, "running") == 0 || strcmp(state0, "pending") == 0);
    assert_string_equal(str(j, "kind"), "dkg");
    assert_null(json_object_get(j, "result"));
    assert_null(json_object_get(j, "failure"));
    json_decref(j);

    /* wait for the timeout (session_ms 4000) */
    const char *st = NULL;
    for (int tries = 0; tries < 300; tries++) {
        j = NULL;
        assert_int_equal(req(c, 1, "GET", "/v1/sessions/00000000000e0000", NULL, &j), 200);
        st = str(j, "state");
        if (strcmp(st, "failed") == 0) break;
        json_decref(j);
        j = NULL;
        tssd_sleep_ms(100);
    }
    assert_non_null(j);
    assert_string_equal(str(j, "state"), "failed");
    assert_null(json_object_get(j, "result"));
    json_t *f = json_object_get(j, "failure");
    assert_string_equal(str(f, "code"), "timeout");
    assert_true(strlen(str(f, "message")) > 0);
    json_t *cul = json_object_get(f, "culprits");
    int named[4] = {0};
    for (size_t k = 0; k < json_array_size(cul); k++) {
        json_t *e = json_array_get(cul, k);
        json_int_t node = json_integer_value(json_object_get(e, "node"));
        assert_true(node >= 1 && node <= 3);
        assert_string_equal(str(e, "reason"), "missing");
        named[node] = 1;
    }
    assert_int_equal(named[1], 0);
    assert_true(named[2] && named[3]);
    json_decref(j);
    /* the slots come back once the sessions have failed */
    for (int tries = 0; tries < 100; tries++) {
        int failed = 0;
        for (int k = 0; k < ARENA; k++) {
            snprintf(path, sizeof path, "/v1/sessions/00000000000e%04x", k);
            assert_int_equal(req(c, 1, "GET", path, NULL, &j), 200);
            failed += strcmp(str(j, "state"), "failed") == 0;
            json_decref(j);
        }
        if (failed == ARENA) break;
        tssd_sleep_ms(100);
    }
    tssd_sleep_ms(200);
    sign_ok(c, all, N, "00000000000b0021", "0a0b", 0);
}

static void test_metrics(void **state)
{
    ctx *c = *state;
    char *raw = NULL;
    assert_int_equal(tssd_http_raw(&c->p, 1, "GET", "/metrics", c->p.token[1], NULL, &raw), 200);
    /* Prometheus text: HELP/TYPE lines, the node's registry and the server's counters */
    assert_non_null(strstr(raw, "# TYPE tss_api_requests_total counter"));
    assert_non_null(strstr(raw, "tss_api_responses_total{class=\"4xx\"}"));
    assert_non_null(strstr(raw, "tss_sessions_finished_total"));
    assert_non_null(strstr(raw, "tss_verify_valid_total"));
    assert_non_null(strstr(raw, "tss_session_duration_seconds_bucket"));
    assert_true(metric_sum(raw, "tss_api_responses_total") > 0);
    double fin = metric_sum(raw, "tss_sessions_finished_total");
    assert_true(fin >= 8); /* dkg, 5 signs, refresh, reshare, timeouts */
    free(raw);

    /* a datagram that is no envelope is rejected and counted */
    double rej = metric_now(c, 2, "tss_wire_rejected_total");
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(c->p.udp[2]), .sin_addr.s_addr = htonl(0x7f000001)};
    uint8_t junk[100];
    randombytes_buf(junk, sizeof junk);
    for (int k = 0; k < 5; k++) assert_int_equal(sendto(fd, junk, sizeof junk, 0, (struct sockaddr *)&a, sizeof a), 100);
    close(fd);
    double now = rej;
    for (int tries = 0; tries < 50 && now < rej + 5; tries++) {
        tssd_sleep_ms(50);
        now = metric_now(c, 2, "tss_wire_rejected_total");
    }
    assert_true(now >= rej + 5);

    /* requests and 4xx move with a rejected request */
    double reqs = metric_now(c, 3, "tss_api_requests_total");
    expect_error(c, 3, "POST", "/v1/dkg", "{", 400, "bad_json");
    assert_true(metric_now(c, 3, "tss_api_requests_total") >= reqs + 2); /* the metrics call itself and the 400 */
}

static int has_secret(ctx *c, const char *hex)
{
    for (int i = 0; i < c->n_bodies; i++)
        if (strcasestr(c->bodies[i], hex) != NULL) return 1;
    return 0;
}

typedef struct ids {
    uint8_t id[16][TSS_STORE_ID_MAX];
    size_t len[16];
    int n;
} ids;

static int collect(void *vctx, int kind, const uint8_t *id, size_t id_len, const uint8_t *data, size_t len)
{
    (void)kind;
    (void)data;
    (void)len;
    ids *s = vctx;
    if (s->n < 16 && id_len <= TSS_STORE_ID_MAX) {
        memcpy(s->id[s->n], id, id_len);
        s->len[s->n++] = id_len;
    }
    return 0;
}

/* Last: stop the nodes cleanly, decrypt every stored signing share and check no response carried one. */
static void test_no_secret_in_responses(void **state)
{
    ctx *c = *state;
    assert_true(c->n_bodies > 20);
    for (int i = 0; i < c->n_bodies; i++) {
        assert_null(strstr(c->bodies[i], "signing_share"));
        assert_null(strstr(c->bodies[i], "secret"));
    }
    for (int i = 1; i <= N; i++) tssd_kill(&c->p, i, SIGTERM, 1);
    int shares = 0;
    for (int i = 1; i <= N; i++) {
        char dir[128], key[128];
        snprintf(dir, sizeof dir, "%s/data/node%d", c->p.dir, i);
        snprintf(key, sizeof key, "%s/node%d.master.key", c->p.dir, i);
        tss_store *s = calloc(1, sizeof *s);
        assert_non_null(s);
        assert_int_equal(tss_store_open_key_file(s, dir, key), TSS_OK);
        ids *l = calloc(1, sizeof *l);
        assert_non_null(l);
        assert_int_equal(tss_store_list(s, TSS_STORE_KEY_PACKAGE, collect, l), TSS_OK);
        assert_true(l->n >= 1);
        for (int k = 0; k < l->n; k++) {
            uint8_t buf[TSS_FROST_KEY_PACKAGE_BYTES + 16];
            size_t len = 0;
            assert_int_equal(tss_store_get_secret(s, TSS_STORE_KEY_PACKAGE, l->id[k], l->len[k], buf, sizeof buf, &len),
                             TSS_OK);
            tss_frost_key_package kp;
            assert_int_equal(tss_frost_key_package_deserialize(&kp, buf, len), TSS_OK);
            assert_memory_equal(kp.verifying_key.bytes, c->gpk, 32);
            char hex[65];
            sodium_bin2hex(hex, sizeof hex, kp.signing_share.bytes, 32);
            assert_false(has_secret(c, hex));
            /* and the check can fail: the verifying share of the same package is in the responses */
            sodium_bin2hex(hex, sizeof hex, kp.verifying_share.bytes, 32);
            assert_true(has_secret(c, hex));
            sodium_memzero(&kp, sizeof kp);
            sodium_memzero(buf, sizeof buf);
            shares++;
        }
        tss_store_close(s);
        free(s);
        free(l);
    }
    assert_true(shares >= N);
}

int main(void)
{
    if (tss_init() != TSS_OK) return 1;
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_healthz_and_auth),
        cmocka_unit_test(test_status),
        cmocka_unit_test(test_dkg_errors),
        cmocka_unit_test(test_dkg_ok_and_duplicate),
        cmocka_unit_test(test_keys_errors),
        cmocka_unit_test(test_sign),
        cmocka_unit_test(test_refresh_and_reshare),
        cmocka_unit_test(test_sessions_arena_and_timeout),
        cmocka_unit_test(test_metrics),
        cmocka_unit_test(test_no_secret_in_responses),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
