/* `tssctl cluster`: what init writes must load with tss_config_load (keys, permissions, peer tables, ports), and
 * up/kill/start/down/status must manage real processes. The daemon for the process tests is this executable
 * itself: run as `test_tssctl_cluster --config FILE` it serves the HTTP API from the config over a mock node
 * (tests/api_mock.h), so the lifecycle is tested without tssd. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <dirent.h>
#include <pthread.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "api_mock.h"
#include "src/api.h"
#include "src/config.h"
#include "src/identity.h"
#include "src/keyfile.h"
#include "test_support.h"

#define NODES 5

typedef struct fixture {
    char tssctl[1024];
    char self[1024];
    char dir[64];     /* temp root */
    char cluster[128]; /* the cluster dir inside it */
} fixture;

/* ---------------------------------------------------------------- the stand-in daemon */

typedef struct fake_run {
    tss_api_server *srv;
    mock *m;
    sigset_t set;
    uint32_t index;
} fake_run;

/* Serves until SIGTERM or SIGINT. */
static void *fake_wait(void *arg)
{
    fake_run *r = arg;
    int sig;
    sigwait(&r->set, &sig);
    tss_api_stop(r->srv);
    mock_destroy(r->m);
    fprintf(stderr, "fake tssd: node %u stopped by signal %d\n", r->index, sig);
    return NULL;
}

static int fake_daemon(const char *config_path)
{
    static tss_config cfg;
    char err[TSS_CONFIG_ERROR_MAX], token[TSS_API_TOKEN_MAX + 1];
    if (tss_init() != TSS_OK || tss_config_load(&cfg, config_path, err, sizeof err) != TSS_OK) {
        fprintf(stderr, "fake tssd: %s\n", err);
        return 2;
    }
    FILE *f = fopen(cfg.api.token_file, "r");
    size_t n = f != NULL ? fread(token, 1, sizeof token - 1, f) : 0;
    if (f != NULL)
        fclose(f);
    token[n] = '\0';
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* before the server's thread starts, so it inherits the mask */
    static mock m;
    static tss_api_server srv;
    mock_init(&m);
    m.own_index = (uint16_t)cfg.node.index;
    m.session_cap = MOCK_SESSIONS_MAX;
    tss_api_backend be = mock_backend(&m);
    tss_api_config acfg = {.bind_address = "127.0.0.1", .port = ntohs(cfg.api.listen.sin_port), .token = token};
    if (tss_api_start(&srv, &acfg, &be) != TSS_OK) {
        fprintf(stderr, "fake tssd: cannot listen on port %u\n", acfg.port);
        return 1;
    }
    fprintf(stderr, "fake tssd: node %u serving on port %u\n", cfg.node.index, tss_api_port(&srv));
    static fake_run run;
    run = (fake_run){&srv, &m, set, cfg.node.index};
    const char *leader_exit = getenv("TSS_FAKE_LEADER_EXIT");
    if (leader_exit != NULL && strcmp(leader_exit, "1") == 0) {
        /* The main thread leaves while another one keeps serving: /proc/PID/cmdline then reads empty and the
         * process looks like a zombie, yet it still holds its ports (as tssd does for a moment after SIGKILL). */
        pthread_t t;
        if (pthread_create(&t, NULL, fake_wait, &run) != 0)
            return 1;
        pthread_exit(NULL);
    }
    fake_wait(&run);
    return 0;
}

/* ---------------------------------------------------------------- helpers */

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    const char *build = getenv("TSS_BUILD_DIR");
    snprintf(fx->tssctl, sizeof fx->tssctl, "%s/src/programs/tssctl", build != NULL ? build : ".");
    assert_int_equal(access(fx->tssctl, X_OK), 0);
    ssize_t n = readlink("/proc/self/exe", fx->self, sizeof fx->self - 1);
    assert_true(n > 0);
    fx->self[n] = '\0';
    snprintf(fx->dir, sizeof fx->dir, "/tmp/tssctl-cluster-XXXXXX");
    assert_non_null(mkdtemp(fx->dir));
    snprintf(fx->cluster, sizeof fx->cluster, "%s/c", fx->dir);
    unsetenv("TSS_FAKE_LEADER_EXIT"); /* set by some tests; a failed one leaves it */
    unsetenv("TSS_CLUSTER");
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    char cmd[2048];
    /* Stop anything a failed test left running, then remove the tree. */
    snprintf(cmd, sizeof cmd, "'%s' cluster down --cluster '%s' --stop-timeout 2 >/dev/null 2>&1; rm -rf '%s'",
             fx->tssctl, fx->cluster, fx->dir);
    assert_int_equal(system(cmd), 0);
    free(fx);
    return 0;
}

/* Runs tssctl with args; returns its exit status, stdout and stderr in *out / *err (freed by the caller). */
static int run(const fixture *fx, const char *const *args, char **out, char **err)
{
    const char *argv[48];
    size_t n = 0;
    argv[n++] = fx->tssctl;
    for (size_t i = 0; args[i] != NULL; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    int rc = tv_run_capture(fx->dir, argv, out, err);
    assert_true(rc >= 0);
    return rc;
}

/* Runs and expects exit status want; prints the output when it differs. */
static void run_expect(const fixture *fx, const char *const *args, int want, char **out, char **err)
{
    int rc = run(fx, args, out, err);
    if (rc != want)
        fprintf(stderr, "tssctl %s exited %d (want %d)\nstdout:\n%s\nstderr:\n%s\n", args[0], rc, want, *out, *err);
    assert_int_equal(rc, want);
}

static void node_file(char *out, size_t cap, const fixture *fx, int k, const char *suffix)
{
    snprintf(out, cap, "%s/node%d%s", fx->cluster, k, suffix);
}

static mode_t file_mode(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return st.st_mode & 07777;
}

static long read_pid(const fixture *fx, int k)
{
    char path[256];
    node_file(path, sizeof path, fx, k, ".pid");
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return 0;
    long pid = 0;
    assert_int_equal(fscanf(f, "%ld", &pid), 1);
    fclose(f);
    return pid;
}

/* A process that exists and is not a zombie (a killed node is reaped by init, not by us). */
static bool process_running(long pid)
{
    char path[64], buf[256];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return false;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *p = strrchr(buf, ')');
    return p != NULL && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

static void write_script(const char *path, const char *body)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "#!/bin/sh\n%s\n", body);
    fclose(f);
    assert_int_equal(chmod(path, 0700), 0);
}

/* ---------------------------------------------------------------- tests */

static void test_init_writes_loadable_configs(void **state)
{
    fixture *fx = *state;
    char *out, *err;
    const char *init[] = {"cluster", "init",      "--cluster", fx->cluster, "--nodes", "5", "--engines", "2",
                          "--round-ms", "1000", "--session-ms", "4000", NULL};
    run_expect(fx, init, 0, &out, &err);
    assert_non_null(strstr(out, "5 nodes"));
    free(out);
    free(err);

    static tss_config cfg[NODES];
    uint16_t ports[2 * NODES];
    for (int k = 1; k <= NODES; k++) {
        char path[256], e[TSS_CONFIG_ERROR_MAX];
        tss_config *c = &cfg[k - 1];
        node_file(path, sizeof path, fx, k, ".ini");
        if (tss_config_load(c, path, e, sizeof e) != TSS_OK)
            fail_msg("%s", e);
        assert_int_equal(c->node.index, k);
        assert_int_equal(c->n_peers, NODES);
        assert_int_equal(c->cores.n_engines, 2);
        assert_int_equal(c->timeouts.round_ms, 1000);
        assert_int_equal(c->timeouts.session_ms, 4000);
        assert_int_equal(ntohl(c->api.listen.sin_addr.s_addr), INADDR_LOOPBACK);
        assert_int_equal(ntohl(c->node.listen.sin_addr.s_addr), INADDR_LOOPBACK);
        /* The identity key file is 0600, loads, and is the key of this node's own peer entry. */
        assert_int_equal(file_mode(c->node.identity_key_file), 0600);
        tss_identity id;
        assert_int_equal(tss_identity_load(&id, c->node.identity_key_file, e, sizeof e), TSS_OK);
        const tss_config_peer *self = tss_config_peer_by_index(c, (uint32_t)k);
        assert_non_null(self);
        assert_memory_equal(self->public_key, id.public_key, 32);
        assert_memory_equal(&self->address, &c->node.listen, sizeof self->address);
        tss_identity_wipe(&id);
        /* Master key and token: 0600, the right size. */
        uint8_t mk[TSS_MASTER_KEY_BYTES];
        assert_int_equal(file_mode(c->node.master_key_file), 0600);
        assert_int_equal(tss_master_key_load(c->node.master_key_file, mk, e, sizeof e), TSS_OK);
        sodium_memzero(mk, sizeof mk);
        assert_int_equal(file_mode(c->api.token_file), 0600);
        struct stat st;
        assert_int_equal(stat(c->api.token_file, &st), 0);
        assert_int_equal(st.st_size, 64);
        assert_int_equal(stat(c->node.data_dir, &st), 0);
        assert_true(S_ISDIR(st.st_mode));
        /* Free right now, so tssd can bind them. */
        if (tss_config_check_ports(c, e, sizeof e) != TSS_OK)
            fail_msg("%s", e);
        ports[2 * (k - 1)] = ntohs(c->node.listen.sin_port);
        ports[2 * (k - 1) + 1] = ntohs(c->api.listen.sin_port);
    }
    /* Every config holds the same peer table; every port is distinct. */
    for (int k = 1; k < NODES; k++) {
        for (size_t p = 0; p < NODES; p++) {
            assert_int_equal(cfg[k].peers[p].index, cfg[0].peers[p].index);
            assert_memory_equal(cfg[k].peers[p].public_key, cfg[0].peers[p].public_key, 32);
            assert_memory_equal(&cfg[k].peers[p].address, &cfg[0].peers[p].address, sizeof(struct sockaddr_in));
        }
    }
    for (int i = 0; i < 2 * NODES; i++)
        for (int j = i + 1; j < 2 * NODES; j++)
            assert_int_not_equal(ports[i], ports[j]);
    /* Distinct tokens. */
    char t1[65] = {0}, t2[65] = {0};
    FILE *f1 = fopen(cfg[0].api.token_file, "r"), *f2 = fopen(cfg[1].api.token_file, "r");
    assert_true(f1 != NULL && f2 != NULL);
    assert_int_equal(fread(t1, 1, 64, f1), 64);
    assert_int_equal(fread(t2, 1, 64, f2), 64);
    fclose(f1);
    fclose(f2);
    assert_int_equal(strspn(t1, "0123456789abcdef"), 64);
    assert_string_not_equal(t1, t2);

    /* init again: refused, and the existing key is untouched. */
    uint8_t before[32], after[32];
    char e[256];
    assert_int_equal(tss_keyfile_read(cfg[0].node.identity_key_file, before, 32, e, sizeof e), TSS_OK);
    run_expect(fx, init, 2, &out, &err);
    assert_non_null(strstr(err, "already holds a cluster"));
    free(out);
    free(err);
    assert_int_equal(tss_keyfile_read(cfg[0].node.identity_key_file, after, 32, e, sizeof e), TSS_OK);
    assert_memory_equal(before, after, 32);

    /* Usage errors. */
    const char *no_nodes[] = {"cluster", "init", "--cluster", fx->dir, NULL};
    run_expect(fx, no_nodes, 2, &out, &err);
    free(out);
    free(err);
    const char *bad_nodes[] = {"cluster", "init", "--cluster", fx->dir, "--nodes", "0", NULL};
    run_expect(fx, bad_nodes, 2, &out, &err);
    free(out);
    free(err);
    const char *no_dir[] = {"cluster", "status", NULL};
    run_expect(fx, no_dir, 2, &out, &err);
    free(out);
    free(err);
    const char *kill_nothing[] = {"cluster", "kill", "--cluster", fx->cluster, NULL};
    run_expect(fx, kill_nothing, 2, &out, &err);
    free(out);
    free(err);
    const char *kill_unknown[] = {"cluster", "kill", "9", "--cluster", fx->cluster, NULL};
    run_expect(fx, kill_unknown, 2, &out, &err);
    assert_non_null(strstr(err, "no node 9"));
    free(out);
    free(err);
}

static void test_base_port_in_use_is_refused(void **state)
{
    fixture *fx = *state;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t len = sizeof a;
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    char port[16];
    snprintf(port, sizeof port, "%u", ntohs(a.sin_port));
    char *out, *err;
    const char *init[] = {"cluster", "init", "--cluster", fx->cluster, "--nodes", "2", "--base-port", port, NULL};
    run_expect(fx, init, 1, &out, &err);
    assert_non_null(strstr(err, "already in use"));
    assert_non_null(strstr(err, port));
    free(out);
    free(err);
    close(fd);
    char path[256];
    node_file(path, sizeof path, fx, 1, ".ini");
    assert_int_not_equal(access(path, F_OK), 0); /* nothing half-written */
}

static void test_lifecycle(void **state)
{
    fixture *fx = *state;
    char *out, *err;
    const char *up[] = {"cluster", "up", "--cluster", fx->cluster, "--nodes", "3", "--tssd", fx->self, "--wait", "20", NULL};
    run_expect(fx, up, 0, &out, &err);
    assert_non_null(strstr(out, "3 nodes healthy"));
    free(out);
    free(err);
    long pids[4];
    for (int k = 1; k <= 3; k++) {
        pids[k] = read_pid(fx, k);
        assert_true(pids[k] > 0);
        assert_true(process_running(pids[k]));
    }
    /* up again: the same cluster, nodes already running. */
    run_expect(fx, up, 0, &out, &err);
    assert_non_null(strstr(out, "already running"));
    free(out);
    free(err);
    assert_int_equal(read_pid(fx, 2), pids[2]);

    /* The cluster flag is one spelling, before or after the command. */
    const char *before[] = {"--cluster", fx->cluster, "cluster", "status", NULL};
    run_expect(fx, before, 0, &out, &err);
    assert_non_null(strstr(out, "running"));
    free(out);
    free(err);
    /* The node commands read what up wrote (--cluster DIR: addresses and tokens). */
    const char *status[] = {"--cluster", fx->cluster, "status", NULL};
    run_expect(fx, status, 0, &out, &err);
    assert_non_null(strstr(out, "node 3"));
    free(out);
    free(err);
    const char *dkg[] = {"--cluster", fx->cluster, "--quiet", "dkg", "--threshold", "2", "--session",
                         "00000000000000c1", "--json", NULL};
    run_expect(fx, dkg, 0, &out, &err);
    assert_non_null(strstr(out, "00000000000000c1"));
    free(out);
    free(err);
    const char *sign[] = {"--cluster", fx->cluster, "--quiet", "sign", "--key", "00000000000000c1",
                          "--text", "hello", NULL};
    run_expect(fx, sign, 0, &out, &err);
    assert_non_null(strstr(out, "signed 1/1"));
    free(out);
    free(err);

    /* kill 2: gone (SIGKILL), pid file removed; status says so. */
    const char *kill2[] = {"cluster", "kill", "2", "--cluster", fx->cluster, NULL};
    run_expect(fx, kill2, 0, &out, &err);
    assert_non_null(strstr(out, "SIGKILL"));
    free(out);
    free(err);
    assert_false(process_running(pids[2]));
    assert_int_equal(read_pid(fx, 2), 0);
    assert_true(process_running(pids[1]) && process_running(pids[3]));
    run_expect(fx, status, 1, &out, &err);
    assert_non_null(strstr(out, "DOWN"));
    free(out);
    free(err);
    /* Signing without node 2: tssctl names the reachable holders as the candidate signers. */
    const char *sign_loud[] = {"--cluster", fx->cluster, "sign", "--key", "00000000000000c1", "--text", "x", NULL};
    run_expect(fx, sign_loud, 0, &out, &err);
    assert_non_null(strstr(err, "2 of 3 holders of key 00000000000000c1 reachable; signing with nodes 1,3"));
    free(out);
    free(err);
    const char *cstatus[] = {"cluster", "status", "--cluster", fx->cluster, NULL};
    run_expect(fx, cstatus, 1, &out, &err);
    assert_non_null(strstr(out, "stopped"));
    free(out);
    free(err);

    /* start 2: back, with a new pid, the others untouched. */
    const char *start2[] = {"cluster", "start", "2", "--cluster", fx->cluster, "--tssd", fx->self, NULL};
    run_expect(fx, start2, 0, &out, &err);
    assert_non_null(strstr(out, "1 node healthy"));
    free(out);
    free(err);
    long again = read_pid(fx, 2);
    assert_true(again > 0 && again != pids[2] && process_running(again));
    run_expect(fx, cstatus, 0, &out, &err);
    free(out);
    free(err);

    /* down: SIGTERM, every process gone and every pid file removed; the logs show the clean stops. */
    const char *down[] = {"cluster", "down", "--cluster", fx->cluster, NULL};
    run_expect(fx, down, 0, &out, &err);
    assert_non_null(strstr(out, "SIGTERM"));
    free(out);
    free(err);
    pids[2] = again;
    for (int k = 1; k <= 3; k++) {
        assert_false(process_running(pids[k]));
        assert_int_equal(read_pid(fx, k), 0);
        char path[256];
        node_file(path, sizeof path, fx, k, ".log");
        FILE *f = fopen(path, "r");
        assert_non_null(f);
        char buf[4096];
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        buf[n] = '\0';
        fclose(f);
        assert_non_null(strstr(buf, "stopped by signal 15"));
    }
    /* down again: nothing to do, still fine. */
    run_expect(fx, down, 0, &out, &err);
    assert_non_null(strstr(out, "not running"));
    free(out);
    free(err);
}

static void test_up_names_a_node_that_fails(void **state)
{
    fixture *fx = *state;
    char script[256], *out, *err;
    snprintf(script, sizeof script, "%s/bad-tssd", fx->dir);
    write_script(script, "case \"$2\" in *node2.ini) echo \"tssd: $2:7: listen: address already in use\" >&2; "
                         "exit 3;; esac\nwhile :; do sleep 1; done");
    const char *up[] = {"cluster", "up", "--cluster", fx->cluster, "--nodes", "3", "--tssd", script, "--wait", "10", NULL};
    run_expect(fx, up, 1, &out, &err);
    assert_non_null(strstr(err, "node 2 exited with status 3"));
    assert_non_null(strstr(err, "address already in use")); /* the tail of its log */
    free(out);
    free(err);
    /* Everything it started was stopped again. */
    for (int k = 1; k <= 3; k++)
        assert_int_equal(read_pid(fx, k), 0);
}

static void test_up_names_a_node_that_never_answers(void **state)
{
    fixture *fx = *state;
    char script[256], *out, *err;
    snprintf(script, sizeof script, "%s/mute-tssd", fx->dir);
    write_script(script, "echo \"mute tssd $2\"\nwhile :; do sleep 1; done");
    const char *up[] = {"cluster", "up", "--cluster", fx->cluster, "--nodes", "2", "--tssd", script, "--wait", "1", NULL};
    long t0 = (long)time(NULL);
    run_expect(fx, up, 1, &out, &err);
    assert_true((long)time(NULL) - t0 < 15);
    assert_non_null(strstr(err, "node 1 did not come up within 1 s"));
    assert_non_null(strstr(err, "node 2 did not come up"));
    assert_non_null(strstr(err, "mute tssd"));
    free(out);
    free(err);
    for (int k = 1; k <= 2; k++)
        assert_int_equal(read_pid(fx, k), 0);
    /* A missing daemon is a usage error naming it. */
    const char *missing[] = {"cluster", "start", "--cluster", fx->cluster, "--tssd", "/nonexistent/tssd", NULL};
    run_expect(fx, missing, 2, &out, &err);
    assert_non_null(strstr(err, "/nonexistent/tssd"));
    free(out);
    free(err);
}

/* Threads of pid that have not exited. */
static int live_threads(long pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/task", pid);
    DIR *d = opendir(path);
    if (d == NULL)
        return 0;
    int n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        char stat_path[320], buf[256];
        snprintf(stat_path, sizeof stat_path, "/proc/%ld/task/%s/stat", pid, e->d_name);
        FILE *f = fopen(stat_path, "r");
        if (f == NULL)
            continue;
        size_t len = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[len] = '\0';
        const char *p = strrchr(buf, ')');
        n += p != NULL && p[2] != 'Z' && p[2] != 'X';
    }
    closedir(d);
    return n;
}

/* kill K waits until every thread of the node is gone, so start K finds its ports free: a node whose main
 * thread has already exited (empty /proc/PID/cmdline) while others still hold the sockets is not "dead". */
static void test_kill_then_start_waits_for_the_process(void **state)
{
    fixture *fx = *state;
    char *out, *err;
    setenv("TSS_FAKE_LEADER_EXIT", "1", 1);
    const char *up[] = {"cluster", "up", "--cluster", fx->cluster, "--nodes", "2", "--tssd", fx->self, NULL};
    run_expect(fx, up, 0, &out, &err);
    free(out);
    free(err);
    long pid = read_pid(fx, 2);
    assert_true(pid > 0 && live_threads(pid) > 0);
    const char *cstatus[] = {"cluster", "status", "--cluster", fx->cluster, NULL};
    run_expect(fx, cstatus, 0, &out, &err); /* running, though its main thread is gone */
    free(out);
    free(err);
    for (int round = 0; round < 3; round++) {
        const char *kill2[] = {"cluster", "kill", "2", "--cluster", fx->cluster, NULL};
        run_expect(fx, kill2, 0, &out, &err);
        assert_non_null(strstr(out, "node 2: stopped"));
        free(out);
        free(err);
        assert_int_equal(live_threads(pid), 0);
        const char *start2[] = {"cluster", "start", "2", "--cluster", fx->cluster, "--tssd", fx->self, NULL};
        run_expect(fx, start2, 0, &out, &err);
        assert_non_null(strstr(out, "1 node healthy"));
        free(out);
        free(err);
        pid = read_pid(fx, 2);
        assert_true(pid > 0 && live_threads(pid) > 0);
    }
    const char *down[] = {"cluster", "down", "--cluster", fx->cluster, NULL};
    run_expect(fx, down, 0, &out, &err);
    free(out);
    free(err);
    assert_int_equal(live_threads(pid), 0);
    unsetenv("TSS_FAKE_LEADER_EXIT");
}

/* A node killed by a signal at start-up: the signal is named and the end of its log shown. */
static void test_up_names_the_signal_of_a_node_that_dies(void **state)
{
    fixture *fx = *state;
    char script[256], *out, *err;
    snprintf(script, sizeof script, "%s/sigill-tssd", fx->dir);
    write_script(script, "ulimit -c 0\ncase \"$2\" in *node2.ini) echo \"tssd: backend ifma chosen\" >&2; "
                         "kill -s ILL $$;; esac\nwhile :; do sleep 1; done");
    const char *up[] = {"cluster", "up", "--cluster", fx->cluster, "--nodes", "3", "--tssd", script, "--wait", "10",
                        NULL};
    run_expect(fx, up, 1, &out, &err);
    assert_non_null(strstr(err, "node 2 was killed by SIGILL (Illegal instruction) during start-up"));
    assert_non_null(strstr(err, "last lines of"));
    assert_non_null(strstr(err, "| tssd: backend ifma chosen"));
    free(out);
    free(err);
    for (int k = 1; k <= 3; k++)
        assert_int_equal(read_pid(fx, k), 0);
    write_script(script, "ulimit -c 0\ncase \"$2\" in *node3.ini) kill -s SEGV $$;; esac\nwhile :; do sleep 1; done");
    run_expect(fx, up, 1, &out, &err);
    assert_non_null(strstr(err, "node 3 was killed by SIGSEGV"));
    free(out);
    free(err);
}

/* Without --cluster, both the cluster commands and the node commands use the default directory ($TSS_CLUSTER
 * here); with none there, the error names the flags. */
static void test_default_cluster_directory(void **state)
{
    fixture *fx = *state;
    char dir[256], *out, *err;
    snprintf(dir, sizeof dir, "%s/default/cluster", fx->dir);
    setenv("TSS_CLUSTER", dir, 1);
    const char *status[] = {"status", NULL};
    run_expect(fx, status, 2, &out, &err);
    assert_non_null(strstr(err, "no nodes given, and the default cluster directory"));
    assert_non_null(strstr(err, "--cluster DIR"));
    assert_null(strchr(strchr(err, '\n') + 1, '\n')); /* one line */
    free(out);
    free(err);
    const char *up[] = {"cluster", "up", "--nodes", "2", "--tssd", fx->self, NULL};
    run_expect(fx, up, 0, &out, &err);
    assert_non_null(strstr(out, dir));
    assert_non_null(strstr(out, "next: tssctl dkg --threshold 2\n"));
    free(out);
    free(err);
    run_expect(fx, status, 0, &out, &err);
    assert_non_null(strstr(out, "node 2"));
    free(out);
    free(err);
    const char *down[] = {"cluster", "down", NULL};
    run_expect(fx, down, 0, &out, &err);
    assert_non_null(strstr(out, "node 1: stopped"));
    free(out);
    free(err);
    unsetenv("TSS_CLUSTER");
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--config") == 0)
        return fake_daemon(argv[2]);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_init_writes_loadable_configs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_base_port_in_use_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lifecycle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_up_names_a_node_that_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_up_names_a_node_that_never_answers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kill_then_start_waits_for_the_process, setup, teardown),
        cmocka_unit_test_setup_teardown(test_up_names_the_signal_of_a_node_that_dies, setup, teardown),
        cmocka_unit_test_setup_teardown(test_default_cluster_directory, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
