/* Real tssd processes for multi-process tests (see tssd_fixture.h). */
#include "tssd_fixture.h"

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
#include <sodium.h>

#include "src/http_client.h"
#include "src/identity.h"
#include "src/keyfile.h"
#include "tss/common.h"

/* A free port outside the kernel's ephemeral range (where bind(0) and every outgoing connection draw from), picked
 * at random, so concurrently running tests rarely pick the same one; tssd_start then checks that the node on the
 * port is ours (answers our token). */
static uint16_t free_port(int type)
{
    for (int tries = 0; tries < 200; tries++) {
        uint16_t port = (uint16_t)(20000 + randombytes_uniform(12000));
        int fd = socket(AF_INET, type, 0);
        if (fd < 0) return 0;
        int one = 1;
        if (type == SOCK_STREAM) (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(0x7f000001)};
        int ok = bind(fd, (struct sockaddr *)&a, sizeof a) == 0;
        close(fd);
        if (ok) return port;
    }
    return 0;
}

static void write_text(const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

void tssd_setup(procs *p, const tssd_options *o)
{
    int n = o->n;
    assert_true(n >= 1 && n <= TSSD_FIXTURE_MAX_N);
    memset(p, 0, sizeof *p);
    p->n = n;
    const char *bd = getenv("TSS_BUILD_DIR");
    snprintf(p->tssd, sizeof p->tssd, "%s/src/programs/tssd", bd ? bd : ".");
    if (access(p->tssd, X_OK) != 0) skip();
    snprintf(p->dir, sizeof p->dir, "/tmp/tss-tssd-XXXXXX");
    assert_non_null(mkdtemp(p->dir));
    char pk[TSSD_FIXTURE_MAX_N + 1][65];
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
    unsigned arena = o->arena_sessions ? o->arena_sessions : 64;
    unsigned round_ms = o->round_ms ? o->round_ms : 2000;
    unsigned session_ms = o->session_ms ? o->session_ms : 20000;
    for (int i = 1; i <= n; i++) {
        static char ini[8192];
        int off = snprintf(ini, sizeof ini,
                           "[node]\nindex = %d\nidentity_key_file = node%d.key\nlisten = 127.0.0.1:%u\n"
                           "data_dir = data/node%d\nmaster_key_file = node%d.master.key\n\n",
                           i, i, p->udp[i], i, i);
        for (int j = 1; j <= n; j++)
            off += snprintf(ini + off, sizeof ini - (size_t)off, "[peer.%d]\npublic_key = %s\naddress = 127.0.0.1:%u\n\n",
                            j, pk[j], p->udp[j]);
        if (o->threaded)
            off += snprintf(ini + off, sizeof ini - (size_t)off, "[cores]\npoller = 0\nverify = 1\nengines = 0, 1\n\n");
        snprintf(ini + off, sizeof ini - (size_t)off,
                 "[engine]\narena_sessions = %u\nring_capacity = 256\n\n"
                 "[timeouts]\nround_ms = %u\nsession_ms = %u\nretry_initial_ms = 200\n\n"
                 "[api]\nlisten = 127.0.0.1:%u\ntoken_file = node%d.token\n",
                 arena, round_ms, session_ms, p->api[i], i);
        snprintf(p->ini[i], sizeof p->ini[i], "%s/node%d.ini", p->dir, i);
        write_text(p->ini[i], ini, 0644);
    }
}

int tssd_http_raw(procs *p, int i, const char *method, const char *path, const char *bearer, const char *body,
                  char **raw)
{
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u", p->api[i]);
    tss_http_endpoint ep;
    if (tss_http_parse_url(url, &ep) != TSS_OK) return -1;
    tss_http_response r;
    int rc = tss_http_request(&ep, method, path, bearer, body ? "application/json" : NULL, body,
                              body ? strlen(body) : 0, 5000, &r);
    if (rc != TSS_OK) return -1;
    int status = r.status;
    if (raw != NULL) {
        *raw = r.body;
        r.body = NULL;
    }
    tss_http_response_free(&r);
    return status;
}

int tssd_http(procs *p, int i, const char *method, const char *path, const char *body, json_t **out)
{
    char *raw = NULL;
    int status = tssd_http_raw(p, i, method, path, p->token[i], body, &raw);
    if (out != NULL) *out = raw ? json_loads(raw, 0, NULL) : NULL;
    free(raw);
    return status;
}

void tssd_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

void tssd_start(procs *p, int i)
{
    char log[128];
    snprintf(log, sizeof log, "%s/node%d.log", p->dir, i);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (fd >= 0) dup2(fd, 2);
        /* TSS_TSSD_WRAPPER (e.g. "qemu-x86_64 -cpu Haswell", scripts/test-emulated.sh) runs tssd under
         * another program: qemu-user does not follow the test's own exec */
        const char *wrap = getenv("TSS_TSSD_WRAPPER");
        if (wrap != NULL && *wrap != '\0') {
            char words[256], *argv[16];
            int argc = 0;
            snprintf(words, sizeof words, "%s", wrap);
            for (char *sv, *w = strtok_r(words, " ", &sv); w != NULL && argc < 12; w = strtok_r(NULL, " ", &sv))
                argv[argc++] = w;
            argv[argc++] = p->tssd;
            argv[argc++] = "--config";
            argv[argc++] = p->ini[i];
            argv[argc] = NULL;
            execvp(argv[0], argv);
            _exit(127);
        }
        execl(p->tssd, "tssd", "--config", p->ini[i], (char *)NULL);
        _exit(127);
    }
    p->pid[i] = pid;
    for (int tries = 0; tries < 400; tries++) {
        int code = tssd_http(p, i, "GET", "/v1/keys", NULL, NULL);
        if (code == 200) return;
        if (code == 401) fail_msg("tssd %d: another process answers on its API port %u", i, p->api[i]);
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid) {
            p->pid[i] = 0;
            char cmd[256];
            snprintf(cmd, sizeof cmd, "cat %s >&2", log);
            if (system(cmd) != 0) { /* best effort */
            }
            fail_msg("tssd %d exited during start-up", i);
        }
        tssd_sleep_ms(50);
    }
    fail_msg("tssd %d did not become healthy", i);
}

void tssd_kill(procs *p, int i, int sig, int expect_clean)
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

void tssd_teardown(procs *p)
{
    for (int i = 1; i <= p->n; i++) tssd_kill(p, i, SIGKILL, 0);
    if (p->dir[0] != '\0' && getenv("TSS_KEEP_TMP") == NULL) nftw(p->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

json_t *tssd_wait_done(procs *p, const int *nodes, int n_nodes, const char *sid)
{
    char path[64];
    snprintf(path, sizeof path, "/v1/sessions/%s", sid);
    for (int tries = 0; tries < 600; tries++) {
        int done = 0;
        for (int k = 0; k < n_nodes; k++) {
            json_t *j = NULL;
            int st = tssd_http(p, nodes[k], "GET", path, NULL, &j);
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
            assert_int_equal(tssd_http(p, nodes[0], "GET", path, NULL, &j), 200);
            return j;
        }
        tssd_sleep_ms(50);
    }
    fail_msg("session %s did not finish", sid);
    return NULL;
}

void tssd_hex_exact(uint8_t *out, size_t len, const char *hex)
{
    size_t got = 0;
    assert_non_null(hex);
    assert_int_equal(sodium_hex2bin(out, len, hex, strlen(hex), NULL, &got, NULL), 0);
    assert_int_equal(got, len);
}
