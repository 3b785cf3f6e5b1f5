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
#include "src/identity.h"
#include "src/keyfile.h"
#include "tss/common.h"

#define MAX_N 8

typedef struct procs {
    int n;
    char dir[64];
    char tssd[1024];
    pid_t pid[MAX_N + 1];
    uint16_t udp[MAX_N + 1], api[MAX_N + 1];
    char token[MAX_N + 1][65];
    char ini[MAX_N + 1][128];
} procs;

static uint16_t free_port(int type)
{
    int fd = socket(AF_INET, type, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001)};
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || getsockname(fd, (struct sockaddr *)&a, &len) != 0)
        return 0;
    close(fd);
    return ntohs(a.sin_port);
}

static void write_text(const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

static void setup_procs(procs *p, int n)
{
    memset(p, 0, sizeof *p);
    p->n = n;
    const char *bd = getenv("TSS_BUILD_DIR");
    snprintf(p->tssd, sizeof p->tssd, "%s/src/programs/tssd", bd ? bd : ".");
    if (access(p->tssd, X_OK) != 0) skip();
    snprintf(p->dir, sizeof p->dir, "/tmp/tss-tssd-XXXXXX");
    assert_non_null(mkdtemp(p->dir));
    char pk[MAX_N + 1][65];
    char path[256], err[512];
    for (int i = 1; i <= n; i++) {
        tss_identity id;
        assert_int_equal(tss_identity_generate(&id), TSS_OK);
        snprintf(path, sizeof path, "%s/node%d.key", p->dir, i);
        assert_int_equal(tss_identity_write(&id, path, err, sizeof err), TSS_OK);
        tss_identity_public_hex(&id, pk[i]);
        tss_identity_wipe(&id);
        snprintf(path, sizeof path, "%s/node%d.master.key", p->dir, i);
        assert_int_equal(tss_master_key_generate_file(path, err, sizeof err), TSS_OK);
        uint8_t t[32];
        randombytes_buf(t, sizeof t);
        sodium_bin2hex(p->token[i], sizeof p->token[i], t, sizeof t);
        snprintf(path, sizeof path, "%s/node%d.token", p->dir, i);
        write_text(path, p->token[i], 0600);
        p->udp[i] = free_port(SOCK_DGRAM);
        p->api[i] = free_port(SOCK_STREAM);
        assert_true(p->udp[i] != 0 && p->api[i] != 0);
    }
    for (int i = 1; i <= n; i++) {
        static char ini[8192];
        int off = snprintf(ini, sizeof ini,
                           "[node]\nindex = %d\nidentity_key_file = node%d.key\nlisten = 127.0.0.1:%u\n"
                           "data_dir = data/node%d\nmaster_key_file = node%d.master.key\n\n",
                           i, i, p->udp[i], i, i);
        for (int j = 1; j <= n; j++)
            off += snprintf(ini + off, sizeof ini - (size_t)off, "[peer.%d]\npublic_key = %s\naddress = 127.0.0.1:%u\n\n",
                            j, pk[j], p->udp[j]);
        /* The 5-node cluster runs the threaded layout: poller, two pinned engines and the control thread. */
        if (n == 5) off += snprintf(ini + off, sizeof ini - (size_t)off, "[cores]\npoller = 0\nverify = 1\nengines = 0, 1\n\n");
        snprintf(ini + off, sizeof ini - (size_t)off,
                 "[engine]\narena_sessions = 64\nring_capacity = 256\n\n"
                 "[timeouts]\nround_ms = 2000\nsession_ms = 20000\nretry_initial_ms = 200\n\n"
                 "[api]\nlisten = 127.0.0.1:%u\ntoken_file = node%d.token\n",
                 p->api[i], i);
        snprintf(p->ini[i], sizeof p->ini[i], "%s/node%d.ini", p->dir, i);
        write_text(p->ini[i], ini, 0644);
    }
}

static int http(procs *p, int i, const char *method, const char *path, const char *body, json_t **out)
{
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u", p->api[i]);
    tss_http_endpoint ep;
    if (tss_http_parse_url(url, &ep) != TSS_OK) return -1;
    tss_http_response r;
    int rc = tss_http_request(&ep, method, path, p->token[i], body ? "application/json" : NULL, body,
                              body ? strlen(body) : 0, 5000, &r);
    if (rc != TSS_OK) return -1;
    int status = r.status;
    if (out != NULL) *out = json_loadb(r.body, r.body_len, 0, NULL);
    tss_http_response_free(&r);
    return status;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

static void start_node(procs *p, int i)
{
    char log[128];
    snprintf(log, sizeof log, "%s/node%d.log", p->dir, i);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (fd >= 0) dup2(fd, 2);
        execl(p->tssd, "tssd", "--config", p->ini[i], (char *)NULL);
        _exit(127);
    }
    p->pid[i] = pid;
    for (int tries = 0; tries < 200; tries++) {
        if (http(p, i, "GET", "/healthz", NULL, NULL) == 200) return;
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid) {
            p->pid[i] = 0;
            char cmd[256];
            snprintf(cmd, sizeof cmd, "cat %s >&2", log);
            if (system(cmd) != 0) { /* best effort */
            }
            fail_msg("tssd %d exited during start-up", i);
        }
        sleep_ms(50);
    }
    fail_msg("tssd %d did not become healthy", i);
}

static void kill_node(procs *p, int i, int sig, int expect_clean)
{
    if (p->pid[i] <= 0) return;
    kill(p->pid[i], sig);
    int st = 0;
    assert_int_equal(waitpid(p->pid[i], &st, 0), p->pid[i]);
    p->pid[i] = 0;
    if (expect_clean) {
        assert_true(WIFEXITED(st));
        assert_int_equal(WEXITSTATUS(st), 0);
    }
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void teardown_procs(procs *p)
{
    for (int i = 1; i <= p->n; i++) kill_node(p, i, SIGKILL, 0);
    if (getenv("TSS_KEEP_TMP") == NULL) nftw(p->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Polls GET /v1/sessions/{sid} on the nodes until every one is done (or failed); returns the response of the
 * first listed node (caller decrefs). */
static json_t *wait_done(procs *p, const int *nodes, int n_nodes, const char *sid)
{
    char path[64];
    snprintf(path, sizeof path, "/v1/sessions/%s", sid);
    for (int tries = 0; tries < 600; tries++) {
        int done = 0;
        for (int k = 0; k < n_nodes; k++) {
            json_t *j = NULL;
            int st = http(p, nodes[k], "GET", path, NULL, &j);
            const char *state = j ? json_string_value(json_object_get(j, "state")) : NULL;
            if (st == 200 && state != NULL && strcmp(state, "failed") == 0) {
                char *dump = json_dumps(j, 0);
                fail_msg("session %s failed on node %d: %s", sid, nodes[k], dump ? dump : "?");
            }
            if (st == 200 && state != NULL && strcmp(state, "done") == 0) done++;
            json_decref(j);
        }
        if (done == n_nodes) {
            json_t *j = NULL;
            assert_int_equal(http(p, nodes[0], "GET", path, NULL, &j), 200);
            return j;
        }
        sleep_ms(50);
    }
    fail_msg("session %s did not finish", sid);
    return NULL;
}

static void hex_exact(uint8_t *out, size_t len, const char *hex)
{
    size_t got = 0;
    assert_non_null(hex);
    assert_int_equal(sodium_hex2bin(out, len, hex, strlen(hex), NULL, &got, NULL), 0);
    assert_int_equal(got, len);
}

static void dkg(procs *p, const int *nodes, int n, int t, const char *sid, uint8_t gpk[32])
{
    char body[512];
    int off = snprintf(body, sizeof body, "{\"session_id\":\"%s\",\"threshold\":%d,\"participants\":[", sid, t);
    for (int k = 0; k < n; k++) off += snprintf(body + off, sizeof body - (size_t)off, "%s%d", k ? "," : "", nodes[k]);
    snprintf(body + off, sizeof body - (size_t)off, "]}");
    for (int k = 0; k < n; k++) assert_int_equal(http(p, nodes[k], "POST", "/v1/dkg", body, NULL), 202);
    json_t *j = wait_done(p, nodes, n, sid);
    hex_exact(gpk, 32, json_string_value(json_object_get(json_object_get(j, "result"), "group_public_key")));
    json_decref(j);
    /* every node reports the same key */
    char path[64];
    snprintf(path, sizeof path, "/v1/keys/%s", sid);
    for (int k = 0; k < n; k++) {
        uint8_t other[32];
        assert_int_equal(http(p, nodes[k], "GET", path, NULL, &j), 200);
        hex_exact(other, 32, json_string_value(json_object_get(j, "group_public_key")));
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
    for (int k = 0; k < n; k++) assert_int_equal(http(p, nodes[k], "POST", "/v1/sign", body, NULL), 202);
    json_t *j = wait_done(p, nodes, n, sid);
    uint8_t sig[64];
    hex_exact(sig, 64, json_string_value(json_object_get(json_object_get(j, "result"), "signature")));
    assert_int_equal(crypto_sign_verify_detached(sig, (const uint8_t *)text, strlen(text), gpk), 0);
    json_decref(j);
}

static void run_cluster(int n, int t)
{
    procs *p = calloc(1, sizeof *p);
    assert_non_null(p);
    setup_procs(p, n);
    int all[MAX_N];
    for (int i = 1; i <= n; i++) {
        all[i - 1] = i;
        start_node(p, i);
    }
    uint8_t gpk[32];
    const char *key = n == 3 ? "00000000000a0003" : "00000000000a0005";
    dkg(p, all, n, t, key, gpk);
    sign(p, all, n, key, "00000000000b0001", "first message", gpk);
    sign(p, all, t, key, "00000000000b0002", "signed by the first t", gpk);

    /* SIGKILL the last node after the DKG, restart it: it lists the key and signs with its stored share. */
    kill_node(p, n, SIGKILL, 0);
    start_node(p, n);
    json_t *j = NULL;
    assert_int_equal(http(p, n, "GET", "/v1/keys", NULL, &j), 200);
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

    for (int i = 1; i <= n; i++) kill_node(p, i, SIGTERM, 1);
    teardown_procs(p);
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
