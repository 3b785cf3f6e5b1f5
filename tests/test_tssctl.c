/* tssctl end to end against three API servers on loopback, each backed by a mock node. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "api_mock.h"
#include "src/api.h"
#include "test_support.h"

#define N 3
#define TOKEN "tssctl-test-token"

typedef struct cluster {
    mock *m[N];
    tss_api_server srv[N];
    char urls[N][64];
    char dir[64];
    char token_file[128];
    char bad_token_file[128];
    char tssctl[1024];
} cluster;

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int setup(void **state)
{
    cluster *c = calloc(1, sizeof *c);
    assert_non_null(c);
    const char *build = getenv("TSS_BUILD_DIR");
    snprintf(c->tssctl, sizeof c->tssctl, "%s/src/programs/tssctl", build != NULL ? build : ".");
    assert_int_equal(access(c->tssctl, X_OK), 0);
    snprintf(c->dir, sizeof c->dir, "/tmp/tssctl-test-XXXXXX");
    assert_non_null(mkdtemp(c->dir));
    snprintf(c->token_file, sizeof c->token_file, "%s/token", c->dir);
    snprintf(c->bad_token_file, sizeof c->bad_token_file, "%s/bad-token", c->dir);
    write_file(c->token_file, TOKEN "\n");
    write_file(c->bad_token_file, "not-the-token\n");
    for (int i = 0; i < N; i++) {
        c->m[i] = calloc(1, sizeof *c->m[i]);
        assert_non_null(c->m[i]);
        mock_init(c->m[i]);
        c->m[i]->own_index = (uint16_t)(i + 1);
        c->m[i]->session_cap = MOCK_SESSIONS_MAX;
        tss_api_backend be = mock_backend(c->m[i]);
        tss_api_config cfg = {.token = TOKEN};
        assert_int_equal(tss_api_start(&c->srv[i], &cfg, &be), TSS_OK);
        snprintf(c->urls[i], sizeof c->urls[i], "http://127.0.0.1:%u", tss_api_port(&c->srv[i]));
    }
    *state = c;
    return 0;
}

static int teardown(void **state)
{
    cluster *c = *state;
    for (int i = 0; i < N; i++) {
        tss_api_stop(&c->srv[i]);
        mock_destroy(c->m[i]);
        free(c->m[i]);
    }
    unlink(c->token_file);
    unlink(c->bad_token_file);
    rmdir(c->dir);
    free(c);
    return 0;
}

/* Runs tssctl with the cluster's --node/--token-file options (unless nodes == false) and extra args. */
static int run(const cluster *c, bool nodes, const char *token_file, const char *const *args, char **out,
               char **err)
{
    const char *argv[64];
    size_t n = 0;
    argv[n++] = c->tssctl;
    if (nodes) {
        for (int i = 0; i < N; i++) {
            argv[n++] = "--node";
            argv[n++] = c->urls[i];
        }
        argv[n++] = "--token-file";
        argv[n++] = token_file;
    }
    argv[n++] = "--quiet";
    for (size_t i = 0; args[i] != NULL; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    int rc = tv_run_capture(c->dir, argv, out, err);
    assert_true(rc >= 0);
    return rc;
}

static int run_ok(const cluster *c, const char *const *args, char **out)
{
    char *err;
    int rc = run(c, true, c->token_file, args, out, &err);
    if (rc != 0)
        fprintf(stderr, "tssctl exited %d: %s\n%s", rc, err, *out);
    free(err);
    return rc;
}

/* Runs tssctl against the cluster without --quiet (progress lines on stderr). */
static int run_loud(const cluster *c, const char *const *args, char **out, char **err)
{
    const char *argv[64];
    size_t n = 0;
    argv[n++] = c->tssctl;
    for (int i = 0; i < N; i++) {
        argv[n++] = "--node";
        argv[n++] = c->urls[i];
    }
    argv[n++] = "--token-file";
    argv[n++] = c->token_file;
    for (size_t i = 0; args[i] != NULL; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    int rc = tv_run_capture(c->dir, argv, out, err);
    assert_true(rc >= 0);
    return rc;
}

static void make_key(cluster *c)
{
    char *out;
    const char *dkg[] = {"dkg", "--threshold", "2", "--session", "00000000000000aa", NULL};
    assert_int_equal(run_ok(c, dkg, &out), 0);
    free(out);
}

static void test_status(void **state)
{
    cluster *c = *state;
    char *out, *err;
    const char *args[] = {"status", NULL};
    assert_int_equal(run_ok(c, args, &out), 0);
    for (int i = 0; i < N; i++)
        assert_non_null(strstr(out, c->urls[i]));
    assert_non_null(strstr(out, "node 3"));
    assert_null(strstr(out, "DOWN"));
    free(out);
    /* A wrong token: the nodes are up but refuse; tssctl fails. */
    assert_int_equal(run(c, true, c->bad_token_file, args, &out, &err), 1);
    assert_non_null(strstr(out, "unauthorized"));
    free(out);
    free(err);
    /* A node that is not running. */
    const char *down[] = {"--node", "http://127.0.0.1:1", "--token-file", c->token_file, "status", NULL};
    assert_int_equal(run(c, false, NULL, down, &out, &err), 1);
    assert_non_null(strstr(out, "DOWN"));
    free(out);
    free(err);
    /* Usage errors. */
    const char *no_cmd[] = {NULL};
    assert_int_equal(run(c, true, c->token_file, no_cmd, &out, &err), 2);
    free(out);
    free(err);
    const char *bad_cmd[] = {"launch", NULL};
    assert_int_equal(run(c, true, c->token_file, bad_cmd, &out, &err), 2);
    free(out);
    free(err);
}

static void test_dkg_keys_sign(void **state)
{
    cluster *c = *state;
    char *out, *err;
    const char *dkg[] = {"dkg", "--threshold", "2", "--session", "00000000000000aa", "--json", NULL};
    assert_int_equal(run_ok(c, dkg, &out), 0);
    json_t *j = json_loads(out, 0, NULL);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "key_id")), "00000000000000aa");
    assert_string_equal(json_string_value(json_object_get(j, "scheme")), "frost-ed25519");
    assert_int_equal(json_integer_value(json_object_get(j, "threshold")), 2);
    assert_int_equal(json_array_size(json_object_get(j, "participants")), 3);
    char pk_hex[65];
    sodium_bin2hex(pk_hex, sizeof pk_hex, c->m[0]->keys[0].summary.group_public_key, 32);
    assert_string_equal(json_string_value(json_object_get(j, "group_public_key")), pk_hex);
    json_decref(j);
    free(out);
    /* Every node got the same decoded request. */
    for (int i = 0; i < N; i++) {
        assert_int_equal(c->m[i]->last_dkg.session_id, 0xaa);
        assert_int_equal(c->m[i]->last_dkg.n_participants, 3);
        assert_int_equal(c->m[i]->last_dkg.participants[2], 3);
    }

    const char *keys[] = {"keys", "--json", NULL};
    assert_int_equal(run_ok(c, keys, &out), 0);
    j = json_loads(out, 0, NULL);
    assert_int_equal(json_array_size(j), 1);
    assert_true(json_is_true(json_object_get(json_array_get(j, 0), "agree")));
    assert_int_equal(json_array_size(json_object_get(json_array_get(j, 0), "nodes")), 3);
    json_decref(j);
    free(out);

    const char *sign[] = {"sign", "--key", "00000000000000aa", "--text", "hello", "--json", NULL};
    assert_int_equal(run_ok(c, sign, &out), 0);
    j = json_loads(out, 0, NULL);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "message")), "68656c6c6f");
    assert_string_equal(json_string_value(json_object_get(j, "group_public_key")), pk_hex);
    uint8_t sig[64];
    assert_int_equal(sodium_hex2bin(sig, 64, json_string_value(json_object_get(j, "signature")), 128, NULL, NULL, NULL),
                     0);
    assert_int_equal(crypto_sign_verify_detached(sig, (const uint8_t *)"hello", 5, c->m[0]->keys[0].summary.group_public_key),
                     0);
    json_decref(j);
    free(out);
    assert_int_equal(c->m[1]->last_sign.message_len, 5);

    /* A prehashed batch to the signers 1 and 3 only. */
    const char *batch[] = {"sign", "--key", "00000000000000aa", "--signers", "1,3", "--prehash", "--message", "00",
                           "--message", "0102", "--message", "", "--message", "ff", NULL};
    assert_int_equal(run_ok(c, batch, &out), 0);
    assert_non_null(strstr(out, "signed 4/4 messages"));
    assert_non_null(strstr(out, "p50"));
    free(out);
    assert_true(c->m[0]->last_sign.prehash);
    assert_int_equal(c->m[0]->last_sign.n_signers, 2);
    assert_int_equal(c->m[1]->n_sessions, 2); /* node 2 was not asked: dkg + the first sign only */

    /* Refusals surface as failures. */
    const char *unknown[] = {"sign", "--key", "00000000000000bb", "--text", "x", NULL};
    assert_int_equal(run(c, true, c->token_file, unknown, &out, &err), 1);
    assert_non_null(strstr(err, "no reachable node holds key"));
    free(out);
    free(err);
    const char *bad_t[] = {"dkg", "--threshold", "4", NULL};
    assert_int_equal(run(c, true, c->token_file, bad_t, &out, &err), 2);
    assert_non_null(strstr(err, "--threshold 4 exceeds the 3 participants"));
    free(out);
    free(err);
    const char *dup[] = {"dkg", "--threshold", "2", "--session", "00000000000000aa", NULL};
    assert_int_equal(run(c, true, c->token_file, dup, &out, &err), 1);
    assert_non_null(strstr(err, "duplicate_session"));
    free(out);
    free(err);
    const char *bad_hex[] = {"sign", "--key", "00000000000000aa", "--message", "abc", NULL};
    assert_int_equal(run(c, true, c->token_file, bad_hex, &out, &err), 2);
    free(out);
    free(err);

    /* A node that reports another group key: tssctl notices. */
    pthread_mutex_lock(&c->m[2]->lock);
    c->m[2]->keys[0].summary.group_public_key[0] ^= 1;
    pthread_mutex_unlock(&c->m[2]->lock);
    const char *keys_plain[] = {"keys", NULL};
    assert_int_equal(run(c, true, c->token_file, keys_plain, &out, &err), 1);
    assert_non_null(strstr(out, "NODES DISAGREE"));
    free(out);
    free(err);
    assert_int_equal(run(c, true, c->token_file, sign, &out, &err), 1);
    assert_non_null(strstr(err, "another group key"));
    free(out);
    free(err);
}

/* A node whose session failed fails the command, even when the others produced a valid signature. */
static void test_sign_fails_when_a_node_session_failed(void **state)
{
    cluster *c = *state;
    char *out, *err;
    make_key(c);
    c->m[1]->fail_sign = true;
    const char *sign[] = {"sign", "--key", "00000000000000aa", "--text", "hello", NULL};
    assert_int_equal(run(c, true, c->token_file, sign, &out, &err), 1);
    assert_non_null(strstr(err, "node 2: session"));
    assert_non_null(strstr(err, "failed (timeout): mock: this node's session failed"));
    assert_non_null(strstr(out, "1 node session FAILED"));
    free(out);
    free(err);
    c->m[1]->fail_sign = false;
    const char *again[] = {"sign", "--key", "00000000000000aa", "--text", "hello again", NULL};
    assert_int_equal(run_ok(c, again, &out), 0);
    free(out);
}

/* Progress is counted in messages; a rate is printed only over enough messages; plurals are right. */
static void test_progress_and_rates(void **state)
{
    cluster *c = *state;
    char *out, *err;
    make_key(c);
    const char *three[] = {"sign", "--key", "00000000000000aa", "--text", "a", "--text", "b", "--text", "c", NULL};
    assert_int_equal(run_loud(c, three, &out, &err), 0);
    assert_non_null(strstr(err, "sign 3 messages with 00000000000000aa: 3/3 messages done, 0 failed, 0 waiting"));
    assert_null(strstr(err, "/9 ")); /* not counted in node sessions */
    assert_non_null(strstr(out, "signed 3/3 messages with key 00000000000000aa on 3 nodes"));
    assert_null(strstr(out, "signatures/s"));
    assert_null(strstr(out, "p99"));
    assert_non_null(strstr(out, "check one yourself: tssctl verify --public-key"));
    free(out);
    free(err);
    const char *one[] = {"sign", "--key", "00000000000000aa", "--text", "one", NULL};
    assert_int_equal(run_loud(c, one, &out, &err), 0);
    assert_non_null(strstr(out, "signed 1/1 message with key"));
    assert_null(strstr(out, "signatures/s"));
    assert_null(strstr(out, "p50"));
    free(out);
    free(err);
    const char *twelve[] = {"sign", "--key", "00000000000000aa", "--message", "01", "--message", "02", "--message",
                            "03", "--message", "04", "--message", "05", "--message", "06", "--message", "07",
                            "--message", "08", "--message", "09", "--message", "0a", "--message", "0b",
                            "--message", "0c", NULL};
    assert_int_equal(run_loud(c, twelve, &out, &err), 0);
    assert_non_null(strstr(err, "12/12 messages done"));
    assert_non_null(strstr(out, "signatures/s"));
    free(out);
    free(err);
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* tssctl verify: from the public key alone, from the key the nodes report, and over `sign --json` output. */
static void test_verify(void **state)
{
    cluster *c = *state;
    char *out, *err, path[256], bad_path[256];
    make_key(c);
    const char *sign[] = {"sign", "--key", "00000000000000aa", "--text", "hello", "--text", "world", "--json", NULL};
    assert_int_equal(run_ok(c, sign, &out), 0);
    json_t *j = json_loads(out, 0, NULL);
    assert_int_equal(json_array_size(j), 2);
    char pk[65], sig[129];
    snprintf(pk, sizeof pk, "%s", json_string_value(json_object_get(json_array_get(j, 0), "group_public_key")));
    snprintf(sig, sizeof sig, "%s", json_string_value(json_object_get(json_array_get(j, 0), "signature")));
    snprintf(path, sizeof path, "%s/sigs.json", c->dir);
    write_text(path, out);
    free(out);

    const char *results[] = {"verify", "--results", path, NULL};
    assert_int_equal(run(c, false, NULL, results, &out, &err), 0);
    assert_non_null(strstr(out, "2/2 signatures valid"));
    free(out);
    free(err);
    const char *one[] = {"verify", "--public-key", pk, "--text", "hello", "--signature", sig, NULL};
    assert_int_equal(run(c, false, NULL, one, &out, &err), 0);
    assert_non_null(strstr(out, "1/1 signature valid"));
    free(out);
    free(err);
    const char *by_key[] = {"verify", "--key", "00000000000000aa", "--text", "hello", "--signature", sig, NULL};
    assert_int_equal(run(c, true, c->token_file, by_key, &out, &err), 0);
    free(out);
    free(err);
    /* Another message, a corrupted signature, another key: rejected. */
    const char *other[] = {"verify", "--public-key", pk, "--text", "hellO", "--signature", sig, NULL};
    assert_int_equal(run(c, false, NULL, other, &out, &err), 1);
    assert_non_null(strstr(out, "INVALID"));
    assert_non_null(strstr(out, "0/1 signature valid"));
    free(out);
    free(err);
    json_t *r0 = json_array_get(j, 0);
    char bad_sig[129];
    snprintf(bad_sig, sizeof bad_sig, "%s", sig);
    bad_sig[10] = bad_sig[10] == '0' ? '1' : '0';
    json_object_set_new(r0, "signature", json_string(bad_sig));
    snprintf(bad_path, sizeof bad_path, "%s/bad.json", c->dir);
    assert_int_equal(json_dump_file(j, bad_path, 0), 0);
    const char *bad[] = {"verify", "--results", bad_path, NULL};
    assert_int_equal(run(c, false, NULL, bad, &out, &err), 1);
    assert_non_null(strstr(out, "1/2 signatures valid"));
    free(out);
    free(err);
    char other_pk[65];
    snprintf(other_pk, sizeof other_pk, "%s", pk);
    other_pk[0] = other_pk[0] == 'a' ? 'b' : 'a';
    const char *wrong_key[] = {"verify", "--results", path, "--public-key", other_pk, NULL};
    assert_int_equal(run(c, false, NULL, wrong_key, &out, &err), 1);
    assert_non_null(strstr(out, "0/2 signatures valid"));
    free(out);
    free(err);
    json_decref(j);
    unlink(path);
    unlink(bad_path);
}

/* ---- a node that reports its verification backend (GET /v1/status) */

typedef struct stub_server {
    int fd;
    int port;
    pthread_t thread;
} stub_server;

static void *stub_serve(void *arg)
{
    stub_server *s = arg;
    for (;;) {
        int conn = accept(s->fd, NULL, NULL);
        if (conn < 0)
            return NULL;
        char req[4096] = "";
        size_t n = 0;
        while (n < sizeof req - 1 && strstr(req, "\r\n\r\n") == NULL) {
            ssize_t r = read(conn, req + n, sizeof req - 1 - n);
            if (r <= 0)
                break;
            n += (size_t)r;
            req[n] = '\0';
        }
        req[n] = '\0';
        const char *body = strncmp(req, "GET /healthz ", 13) == 0 ? "{\"status\":\"ok\"}"
                           : strncmp(req, "GET /v1/status ", 15) == 0
                               ? "{\"status\":\"ok\",\"backend\":\"avx2\",\"backend_choice\":\"auto\","
                                 "\"cpu_features\":[\"avx2\"],\"cpu\":\"AMD EPYC 7B12\"}"
                               : "{\"keys\":[]}";
        char resp[512];
        int len = snprintf(resp, sizeof resp,
                           "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
                           "Connection: close\r\n\r\n%s", strlen(body), body);
        assert_true(write(conn, resp, (size_t)len) == len);
        close(conn);
    }
}

static void test_status_shows_backend(void **state)
{
    cluster *c = *state;
    stub_server s;
    s.fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(s.fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t len = sizeof a;
    assert_int_equal(getsockname(s.fd, (struct sockaddr *)&a, &len), 0);
    assert_int_equal(listen(s.fd, 8), 0);
    assert_int_equal(pthread_create(&s.thread, NULL, stub_serve, &s), 0);
    char url[64], *out, *err;
    snprintf(url, sizeof url, "http://127.0.0.1:%u", ntohs(a.sin_port));
    const char *status[] = {"--node", url, "--token-file", c->token_file, "status", NULL};
    assert_int_equal(run(c, false, NULL, status, &out, &err), 0);
    assert_non_null(strstr(out, "up  backend avx2 (auto)  0 keys"));
    free(out);
    free(err);
    const char *json[] = {"--node", url, "--token-file", c->token_file, "status", "--json", NULL};
    assert_int_equal(run(c, false, NULL, json, &out, &err), 0);
    json_t *j = json_loads(out, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(json_array_get(j, 0), "backend")), "avx2");
    assert_string_equal(json_string_value(json_object_get(json_array_get(j, 0), "cpu")), "AMD EPYC 7B12");
    json_decref(j);
    free(out);
    free(err);
    shutdown(s.fd, SHUT_RDWR);
    close(s.fd);
    pthread_join(s.thread, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_status, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dkg_keys_sign, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sign_fails_when_a_node_session_failed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_progress_and_rates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_verify, setup, teardown),
        cmocka_unit_test_setup_teardown(test_status_shows_backend, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
