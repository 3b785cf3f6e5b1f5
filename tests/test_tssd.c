/* Multi-process test: 3 and 5 tssd processes on 127.0.0.1 (ephemeral free ports, identities, master keys and
 * tokens generated in a temp dir) run DKG and signing over the HTTP API; one node is killed with SIGKILL after
 * the DKG, restarted, and signs again with its stored share; every signature is verified with libsodium; the
 * nodes shut down cleanly on SIGTERM. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <sodium.h>

#include "src/http_client.h"
#include "tss/common.h"
#include "tssd_fixture.h"

#define MAX_N TSSD_FIXTURE_MAX_N

static void dkg(procs *p, const int *nodes, int n, int t, const char *sid, uint8_t gpk[32])
{
    char body[512];
    int off = snprintf(body, sizeof body, "{\"session_id\":\"%s\",\"threshold\":%d,\"participants\":[", sid, t);
    for (int k = 0; k < n; k++) off += snprintf(body + off, sizeof body - (size_t)off, "%s%d", k ? "," : "", nodes[k]);
    snprintf(body + off, sizeof body - (size_t)off, "]}");
    for (int k = 0; k < n; k++) assert_int_equal(tssd_http(p, nodes[k], "POST", "/v1/dkg", body, NULL), 202);
    json_t *j = tssd_wait_done(p, nodes, n, sid);
    tssd_hex_exact(gpk, 32, json_string_value(json_object_get(json_object_get(j, "result"), "group_public_key")));
    json_decref(j);
    /* every node reports the same key */
    char path[64];
    snprintf(path, sizeof path, "/v1/keys/%s", sid);
    for (int k = 0; k < n; k++) {
        uint8_t other[32];
        assert_int_equal(tssd_http(p, nodes[k], "GET", path, NULL, &j), 200);
        tssd_hex_exact(other, 32, json_string_value(json_object_get(j, "group_public_key")));
        assert_memory_equal(other, gpk, 32);
        json_decref(j);
    }
}

static void sign(procs *p, const int *nodes, int n, const char *key_id, const char *sid, const char *text,
                 const uint8_t gpk[32])
{
    char hex[256], body[1024];
    sodium_bin2hex(hex, sizeof hex, (const uint8_t *)text, strlen(text));
    int off = snprintf(body, sizeof body, "{\"session_id\":\"%s\",\"key_id\":\"%s\",\"message\":\"%s\",\"signers\":[",
                       sid, key_id, hex);
    for (int k = 0; k < n; k++) off += snprintf(body + off, sizeof body - (size_t)off, "%s%d", k ? "," : "", nodes[k]);
    snprintf(body + off, sizeof body - (size_t)off, "]}");
    for (int k = 0; k < n; k++) assert_int_equal(tssd_http(p, nodes[k], "POST", "/v1/sign", body, NULL), 202);
    json_t *j = tssd_wait_done(p, nodes, n, sid);
    uint8_t sig[64];
    tssd_hex_exact(sig, 64, json_string_value(json_object_get(json_object_get(j, "result"), "signature")));
    assert_int_equal(crypto_sign_verify_detached(sig, (const uint8_t *)text, strlen(text), gpk), 0);
    json_decref(j);
}

static void run_cluster(int n, int t)
{
    procs *p = calloc(1, sizeof *p);
    assert_non_null(p);
    tssd_options o = {.n = n, .threaded = n == 5};
    tssd_setup(p, &o);
    int all[MAX_N];
    for (int i = 1; i <= n; i++) {
        all[i - 1] = i;
        tssd_start(p, i);
    }
    uint8_t gpk[32];
    const char *key = n == 3 ? "00000000000a0003" : "00000000000a0005";
    dkg(p, all, n, t, key, gpk);
    sign(p, all, n, key, "00000000000b0001", "first message", gpk);
    sign(p, all, t, key, "00000000000b0002", "signed by the first t", gpk);

    /* SIGKILL the last node after the DKG, restart it: it lists the key and signs with its stored share. */
    tssd_kill(p, n, SIGKILL, 0);
    tssd_start(p, n);
    json_t *j = NULL;
    assert_int_equal(tssd_http(p, n, "GET", "/v1/keys", NULL, &j), 200);
    assert_int_equal(json_array_size(json_object_get(j, "keys")), 1);
    json_decref(j);
    int with_restarted[MAX_N];
    for (int k = 0; k < t - 1; k++) with_restarted[k] = k + 1;
    with_restarted[t - 1] = n;
    sign(p, with_restarted, t, key, "00000000000b0003", "after SIGKILL and restart", gpk);

    /* The metrics endpoint exports every stage. */
    char *text = NULL;
    {
        char url[64];
        snprintf(url, sizeof url, "http://127.0.0.1:%u", p->api[1]);
        tss_http_endpoint ep;
        tss_http_response r;
        assert_int_equal(tss_http_parse_url(url, &ep), TSS_OK);
        assert_int_equal(tss_http_request(&ep, "GET", "/metrics", p->token[1], NULL, NULL, 0, 5000, &r), TSS_OK);
        assert_int_equal(r.status, 200);
        text = strdup(r.body);
        tss_http_response_free(&r);
    }
    assert_non_null(strstr(text, "tss_verify_valid_total"));
    assert_non_null(strstr(text, "tss_validator_total{result=\"replay\"}"));
    assert_non_null(strstr(text, "tss_sessions_finished_total{engine=\"0\",state=\"done\"}"));
    free(text);

    for (int i = 1; i <= n; i++) tssd_kill(p, i, SIGTERM, 1);
    tssd_teardown(p);
    free(p);
}

static void test_three_nodes(void **state)
{
    (void)state;
    run_cluster(3, 2);
}

static void test_five_nodes(void **state)
{
    (void)state;
    run_cluster(5, 3);
}

int main(void)
{
    if (tss_init() != TSS_OK) return 1;
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_three_nodes),
        cmocka_unit_test(test_five_nodes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
