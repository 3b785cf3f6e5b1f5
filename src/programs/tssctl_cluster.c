/* `tssctl cluster`: generates a loopback cluster (identity keys, master keys, API tokens, node configs, data
 * dirs) and runs its tssd processes from pid files (see tssctl_cluster.h). */
#include "src/programs/tssctl_cluster.h"
#include "src/programs/tssctl_clock.h"

#include "src/config.h"
#include "src/http_client.h"
#include "src/identity.h"
#include "src/keyfile.h"
#include "tss/common.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <glob.h>
#include <libgen.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CLUSTER_MAX_NODES TSS_CONFIG_MAX_PEERS
#define PATH_CAP 1024
#define HEALTH_POLL_MS 50
#define HEALTH_SETTLE_MS 150 /* after every node answered: time for a node that failed to bind to exit */
#define HEALTH_HTTP_TIMEOUT_MS 500
#define LOG_TAIL_LINES 20
/* Random ports come from below Linux's default ephemeral range (32768-60999), so that outgoing connections
 * do not take them between the check and the daemon's bind. */
#define RANDOM_PORT_LO 20000
#define RANDOM_PORT_SPAN 12000
#define PORT_TRIES 500

enum { EXIT_OPERATION = 1, EXIT_USAGE = 2 };

typedef struct cluster_opts {
    const char *dir;
    char dir_abs[PATH_MAX];
    int nodes;            /* 0: not given */
    int base_port;        /* 0: random free ports */
    int engines;          /* engine cores per node */
    int threshold_hint;   /* 0: majority */
    uint32_t round_ms;    /* 0: config default */
    uint32_t session_ms;  /* 0: config default */
    const char *tssd;
    char tssd_buf[PATH_CAP];
    double wait_s;        /* for /healthz after start */
    double stop_s;        /* SIGTERM → SIGKILL */
    int node_k;           /* start/kill target; 0: every node */
} cluster_opts;

/* One node as the cluster directory describes it. */
typedef struct cluster_node {
    int k;
    char ini[PATH_CAP];
    char log[PATH_CAP];
    char pidfile[PATH_CAP];
    char api_url[64];
    char udp_addr[32];
    pid_t pid;            /* started by this process (0: not) */
} cluster_node;

static void usage(FILE *out)
{
    fprintf(out,
            "usage: tssctl cluster COMMAND --dir DIR [options]\n"
            "  init   --nodes N     write N node configs, identity/master keys and API tokens into DIR\n"
            "  up     [--nodes N]   init (unless DIR already holds a cluster), start every node, wait for /healthz\n"
            "  start  [K]           (re)start node K (default every node) with its config, keys and store\n"
            "  kill   K             SIGKILL node K\n"
            "  down                 SIGTERM every node, SIGKILL after --stop-timeout; removes the pid files\n"
            "  status               pid, process and /healthz of every node\n"
            "options:\n"
            "  --dir DIR            the cluster directory (--cluster DIR is the same)\n"
            "  --base-port P        node K: UDP P+2(K-1), API P+2(K-1)+1 (default: random free ports)\n"
            "  --engines E          engine cores per node (default 1)\n"
            "  --round-ms MS, --session-ms MS   protocol timeouts written into the configs\n"
            "  --threshold-hint T   threshold suggested in the printed next steps (default: majority)\n"
            "  --tssd PATH          the daemon (default: tssd next to this tssctl)\n"
            "  --wait SEC           how long to wait for every /healthz (default 30)\n"
            "  --stop-timeout SEC   SIGTERM grace period before SIGKILL (default 10)\n");
}

/* snprintf for paths; paths are built from dir_abs, which is checked to leave room, so they always fit. */
__attribute__((format(printf, 3, 4))) static void pathf(char *out, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if ((size_t)vsnprintf(out, cap, fmt, ap) >= cap)
        out[0] = '\0';
    va_end(ap);
}

static void node_path(char *out, size_t cap, const char *dir, int k, const char *suffix)
{
    pathf(out, cap, "%s/node%d%s", dir, k, suffix);
}

/* ---------------------------------------------------------------- generation */

/* True if port is free for both TCP and UDP on 127.0.0.1 (checked by binding, then released). */
static bool port_free(uint16_t port)
{
    static const int types[2] = {SOCK_STREAM, SOCK_DGRAM};
    for (int i = 0; i < 2; i++) {
        int fd = socket(AF_INET, types[i] | SOCK_CLOEXEC, 0);
        if (fd < 0)
            return false;
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        int rc = bind(fd, (struct sockaddr *)&a, sizeof a);
        close(fd);
        if (rc != 0)
            return false;
    }
    return true;
}

static bool port_taken(const uint16_t *ports, size_t n, uint16_t p)
{
    for (size_t i = 0; i < n; i++)
        if (ports[i] == p)
            return true;
    return false;
}

/* 2N ports: ports[2(K-1)] is node K's UDP port, ports[2(K-1)+1] its API port. */
static int choose_ports(const cluster_opts *o, uint16_t *ports)
{
    size_t n = (size_t)o->nodes * 2;
    for (size_t i = 0; i < n; i++) {
        if (o->base_port != 0) {
            long p = (long)o->base_port + (long)i;
            if (p > 65535 || !port_free((uint16_t)p)) {
                fprintf(stderr, "tssctl: cluster: port %ld (node %zu %s) is %s\n", p, i / 2 + 1,
                        i % 2 == 0 ? "UDP" : "API", p > 65535 ? "out of range" : "already in use");
                return EXIT_OPERATION;
            }
            ports[i] = (uint16_t)p;
            continue;
        }
        int tries = 0;
        uint16_t p;
        do {
            p = (uint16_t)(RANDOM_PORT_LO + randombytes_uniform(RANDOM_PORT_SPAN));
        } while ((port_taken(ports, i, p) || !port_free(p)) && ++tries < PORT_TRIES);
        if (tries == PORT_TRIES) {
            fprintf(stderr, "tssctl: cluster: found no free port in %d tries\n", PORT_TRIES);
            return EXIT_OPERATION;
        }
        ports[i] = p;
    }
    return 0;
}

static int make_dir(const char *path)
{
    if (mkdir(path, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "tssctl: cluster: %s: %s\n", path, strerror(errno));
        return EXIT_OPERATION;
    }
    return 0;
}

static int write_node_config(const cluster_opts *o, int k, const uint16_t *ports,
                             char pk_hex[][2 * TSS_IDENTITY_PK_BYTES + 1])
{
    char path[PATH_CAP], tmp[PATH_CAP + 8];
    node_path(path, sizeof path, o->dir_abs, k, ".ini");
    pathf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (f == NULL) {
        fprintf(stderr, "tssctl: cluster: %s: %s\n", tmp, strerror(errno));
        return EXIT_OPERATION;
    }
    fprintf(f,
            "; tss node configuration: node %d of a %d-node local cluster on loopback, written by\n"
            "; `tssctl cluster init`. Every field is documented in configs/README.md; relative paths are\n"
            "; resolved against the directory of this file.\n\n"
            "[node]\n"
            "index = %d\n"
            "; Ed25519 identity secret key (32-byte seed, mode 0600).\n"
            "identity_key_file = node%d.key\n"
            "; UDP address of the node-to-node protocol.\n"
            "listen = 127.0.0.1:%u\n"
            "; The node's store (LMDB), encrypted under the master key below.\n"
            "data_dir = data/node%d\n"
            "master_key_file = node%d.master.key\n\n"
            "; The peer table: every node of the cluster, this one included.\n",
            k, o->nodes, k, k, ports[2 * (k - 1)], k, k);
    for (int p = 1; p <= o->nodes; p++)
        fprintf(f, "[peer.%d]\npublic_key = %s\naddress = 127.0.0.1:%u\n\n", p, pk_hex[p - 1], ports[2 * (p - 1)]);
    fprintf(f, "[cores]\npoller = 0\nverify = 0\nengines =");
    for (int e = 0; e < o->engines; e++)
        fprintf(f, "%s%d", e == 0 ? " " : ", ", e);
    fprintf(f, "\n\n");
    if (o->round_ms != 0 || o->session_ms != 0) {
        fprintf(f, "[timeouts]\n");
        if (o->round_ms != 0)
            fprintf(f, "round_ms = %u\n", o->round_ms);
        if (o->session_ms != 0)
            fprintf(f, "session_ms = %u\n", o->session_ms);
        fprintf(f, "\n");
    }
    fprintf(f,
            "[api]\n"
            "; HTTP/JSON control API and its bearer token file (0600).\n"
            "listen = 127.0.0.1:%u\n"
            "token_file = node%d.token\n",
            ports[2 * (k - 1) + 1], k);
    bool ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        fprintf(stderr, "tssctl: cluster: %s: %s\n", path, strerror(errno));
        unlink(tmp);
        return EXIT_OPERATION;
    }
    return 0;
}

/* The secrets of node k: identity key, master key, API token (all 0600, never overwritten). */
static int write_node_secrets(const cluster_opts *o, int k, char pk_hex[2 * TSS_IDENTITY_PK_BYTES + 1])
{
    char path[PATH_CAP], err[1024];
    tss_identity id;
    node_path(path, sizeof path, o->dir_abs, k, ".key");
    int rc = tss_identity_generate(&id);
    if (rc == TSS_OK)
        rc = tss_identity_write(&id, path, err, sizeof err);
    else
        snprintf(err, sizeof err, "identity key generation failed: %s", tss_status_str(rc));
    tss_identity_public_hex(&id, pk_hex);
    tss_identity_wipe(&id);
    if (rc == TSS_OK) {
        node_path(path, sizeof path, o->dir_abs, k, ".master.key");
        rc = tss_master_key_generate_file(path, err, sizeof err);
    }
    if (rc == TSS_OK) {
        uint8_t raw[32];
        char token[2 * sizeof raw + 1];
        randombytes_buf(raw, sizeof raw);
        sodium_bin2hex(token, sizeof token, raw, sizeof raw);
        node_path(path, sizeof path, o->dir_abs, k, ".token");
        rc = tss_keyfile_write(path, (const uint8_t *)token, 2 * sizeof raw, err, sizeof err);
        sodium_memzero(raw, sizeof raw);
        sodium_memzero(token, sizeof token);
    }
    if (rc != TSS_OK) {
        fprintf(stderr, "tssctl: cluster: %s\n", err);
        return EXIT_OPERATION;
    }
    return 0;
}

static int cluster_init(const cluster_opts *o)
{
    char path[PATH_CAP];
    if (o->nodes < 1 || o->nodes > CLUSTER_MAX_NODES) {
        fprintf(stderr, "tssctl: cluster init needs --nodes N with 1 <= N <= %d\n", CLUSTER_MAX_NODES);
        return EXIT_USAGE;
    }
    node_path(path, sizeof path, o->dir_abs, 1, ".ini");
    if (access(path, F_OK) == 0) {
        fprintf(stderr, "tssctl: cluster: %s already holds a cluster (%s); not overwriting it\n", o->dir_abs, path);
        return EXIT_USAGE;
    }
    uint16_t *ports = calloc((size_t)o->nodes * 2, sizeof *ports);
    char(*pk_hex)[2 * TSS_IDENTITY_PK_BYTES + 1] = calloc((size_t)o->nodes, sizeof *pk_hex);
    int rc = ports != NULL && pk_hex != NULL ? choose_ports(o, ports) : EXIT_OPERATION;
    pathf(path, sizeof path, "%s/data", o->dir_abs);
    if (rc == 0)
        rc = make_dir(path);
    for (int k = 1; rc == 0 && k <= o->nodes; k++) {
        pathf(path, sizeof path, "%s/data/node%d", o->dir_abs, k);
        rc = make_dir(path);
        if (rc == 0)
            rc = write_node_secrets(o, k, pk_hex[k - 1]);
    }
    /* node1.ini last: its presence marks a complete cluster. */
    for (int k = o->nodes; rc == 0 && k >= 1; k--)
        rc = write_node_config(o, k, ports, pk_hex);
    /* What we wrote must be what the daemon accepts. */
    for (int k = 1; rc == 0 && k <= o->nodes; k++) {
        tss_config *cfg = malloc(sizeof *cfg);
        char err[TSS_CONFIG_ERROR_MAX];
        node_path(path, sizeof path, o->dir_abs, k, ".ini");
        if (cfg == NULL || tss_config_load(cfg, path, err, sizeof err) != TSS_OK) {
            fprintf(stderr, "tssctl: cluster: the generated config does not load: %s\n",
                    cfg == NULL ? "out of memory" : err);
            rc = EXIT_OPERATION;
        }
        free(cfg);
    }
    free(ports);
    free(pk_hex);
    if (rc == 0)
        printf("cluster: %d nodes in %s (configs, identity keys, master keys, API tokens)\n", o->nodes, o->dir_abs);
    return rc;
}

/* ---------------------------------------------------------------- the nodes of a directory */

static int cmp_node(const void *a, const void *b)
{
    return ((const cluster_node *)a)->k - ((const cluster_node *)b)->k;
}

/* Every nodeK.ini of the directory, loaded (the config must load: that is what tssd reads), sorted by K. */
static int load_nodes(const cluster_opts *o, cluster_node **out, size_t *n_out)
{
    char pattern[PATH_CAP];
    glob_t g;
    pathf(pattern, sizeof pattern, "%s/node*.ini", o->dir_abs);
    if (glob(pattern, 0, NULL, &g) != 0) {
        fprintf(stderr, "tssctl: cluster: %s holds no cluster (no node*.ini; make one with `tssctl cluster up`)\n",
                o->dir_abs);
        return EXIT_USAGE;
    }
    cluster_node *nodes = calloc(g.gl_pathc, sizeof *nodes);
    tss_config *cfg = malloc(sizeof *cfg);
    size_t n = 0;
    int rc = nodes != NULL && cfg != NULL ? 0 : EXIT_OPERATION;
    for (size_t i = 0; rc == 0 && i < g.gl_pathc; i++) {
        char err[TSS_CONFIG_ERROR_MAX];
        const char *base = strrchr(g.gl_pathv[i], '/') + 1;
        int k;
        char tail[8];
        if (sscanf(base, "node%d%7s", &k, tail) != 2 || strcmp(tail, ".ini") != 0 || k < 1)
            continue; /* not ours */
        if (tss_config_load(cfg, g.gl_pathv[i], err, sizeof err) != TSS_OK) {
            fprintf(stderr, "tssctl: cluster: %s\n", err);
            rc = EXIT_USAGE;
            break;
        }
        cluster_node *nd = &nodes[n++];
        nd->k = k;
        pathf(nd->ini, sizeof nd->ini, "%s", g.gl_pathv[i]);
        node_path(nd->log, sizeof nd->log, o->dir_abs, k, ".log");
        node_path(nd->pidfile, sizeof nd->pidfile, o->dir_abs, k, ".pid");
        char ip[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &cfg->api.listen.sin_addr, ip, sizeof ip);
        snprintf(nd->api_url, sizeof nd->api_url, "http://%s:%u", ip, ntohs(cfg->api.listen.sin_port));
        inet_ntop(AF_INET, &cfg->node.listen.sin_addr, ip, sizeof ip);
        snprintf(nd->udp_addr, sizeof nd->udp_addr, "%s:%u", ip, ntohs(cfg->node.listen.sin_port));
    }
    globfree(&g);
    free(cfg);
    if (rc == 0 && n == 0) {
        fprintf(stderr, "tssctl: cluster: %s holds no nodeK.ini\n", o->dir_abs);
        rc = EXIT_USAGE;
    }
    if (rc != 0) {
        free(nodes);
        return rc;
    }
    qsort(nodes, n, sizeof *nodes, cmp_node);
    *out = nodes;
    *n_out = n;
    return 0;
}

static cluster_node *find_node(cluster_node *nodes, size_t n, int k)
{
    for (size_t i = 0; i < n; i++)
        if (nodes[i].k == k)
            return &nodes[i];
    return NULL;
}

/* ---------------------------------------------------------------- processes */

static pid_t read_pidfile(const cluster_node *nd)
{
    FILE *f = fopen(nd->pidfile, "r");
    long pid = 0;
    if (f == NULL)
        return 0;
    if (fscanf(f, "%ld", &pid) != 1 || pid <= 1 || pid > INT_MAX)
        pid = 0;
    fclose(f);
    return (pid_t)pid;
}

static int write_pidfile(const cluster_node *nd, pid_t pid)
{
    FILE *f = fopen(nd->pidfile, "w");
    if (f == NULL || fprintf(f, "%ld\n", (long)pid) < 0 || fclose(f) != 0) {
        fprintf(stderr, "tssctl: cluster: %s: %s\n", nd->pidfile, strerror(errno));
        return EXIT_OPERATION;
    }
    return 0;
}

/* True if pid is a live (not zombie) process whose command line names this node's config: a pid file left
 * by a crashed node whose pid was reused by something else is not mistaken for the node. */
static bool node_alive(const cluster_node *nd, pid_t pid)
{
    if (pid <= 0)
        return false;
    (void)waitpid(pid, NULL, WNOHANG); /* reap it if it is our child */
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/%ld/cmdline", (long)pid);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return false;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    for (size_t i = 0; i < n; i += strlen(buf + i) + 1)
        if (strcmp(buf + i, nd->ini) == 0)
            return true;
    return false; /* a zombie's cmdline is empty */
}

static bool node_healthy(const cluster_node *nd)
{
    tss_http_endpoint ep;
    tss_http_response resp;
    if (tss_http_parse_url(nd->api_url, &ep) != TSS_OK)
        return false;
    if (tss_http_request(&ep, "GET", "/healthz", NULL, NULL, NULL, 0, HEALTH_HTTP_TIMEOUT_MS, &resp) != TSS_OK)
        return false;
    bool ok = resp.status == 200;
    tss_http_response_free(&resp);
    return ok;
}

static void print_log_tail(const cluster_node *nd)
{
    FILE *f = fopen(nd->log, "r");
    if (f == NULL) {
        fprintf(stderr, "  (no log: %s)\n", nd->log);
        return;
    }
    enum { TAIL_BYTES = 16384 };
    char *buf = malloc(TAIL_BYTES);
    if (buf == NULL) {
        fclose(f);
        return;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    long from = size > TAIL_BYTES - 1 ? size - (TAIL_BYTES - 1) : 0;
    fseek(f, from, SEEK_SET);
    size_t n = fread(buf, 1, TAIL_BYTES - 1, f);
    fclose(f);
    buf[n] = '\0';
    size_t start = n, lines = 0;
    if (start > 0 && buf[start - 1] == '\n')
        start--;
    while (start > 0 && lines < LOG_TAIL_LINES) {
        if (buf[start - 1] == '\n')
            lines++;
        if (lines < LOG_TAIL_LINES)
            start--;
    }
    fprintf(stderr, "  last lines of %s:\n", nd->log);
    char *save = NULL;
    for (char *line = strtok_r(buf + start, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save))
        fprintf(stderr, "  | %s\n", line);
    free(buf);
}

static int start_node(const cluster_opts *o, cluster_node *nd)
{
    pid_t old = read_pidfile(nd);
    if (node_alive(nd, old)) {
        printf("node %d: already running (pid %ld)\n", nd->k, (long)old);
        return 0;
    }
    if (access(o->tssd, X_OK) != 0) {
        fprintf(stderr, "tssctl: cluster: the daemon %s is not executable (%s); give --tssd PATH\n", o->tssd,
                strerror(errno));
        return EXIT_USAGE;
    }
    int log = open(nd->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (log < 0) {
        fprintf(stderr, "tssctl: cluster: %s: %s\n", nd->log, strerror(errno));
        return EXIT_OPERATION;
    }
    time_t t = time(NULL);
    char when[32];
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
    dprintf(log, "=== tssctl cluster: starting node %d at %s: %s --config %s\n", nd->k, when, o->tssd, nd->ini);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "tssctl: cluster: fork: %s\n", strerror(errno));
        close(log);
        return EXIT_OPERATION;
    }
    if (pid == 0) {
        /* Its own session: the node outlives this tssctl and a terminal's ^C. */
        setsid();
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0)
            dup2(devnull, STDIN_FILENO);
        dup2(log, STDOUT_FILENO);
        dup2(log, STDERR_FILENO);
        if (chdir(o->dir_abs) != 0)
            _exit(126);
        char *const args[] = {(char *)o->tssd, (char *)"--config", nd->ini, NULL};
        execv(o->tssd, args);
        dprintf(STDERR_FILENO, "tssctl: cluster: exec %s: %s\n", o->tssd, strerror(errno));
        _exit(127);
    }
    close(log);
    nd->pid = pid;
    return write_pidfile(nd, pid);
}

/* Stops node nd with sig; after timeout_s a SIGTERM becomes a SIGKILL. Removes the pid file. */
static int stop_node(cluster_node *nd, int sig, double timeout_s, bool verbose)
{
    /* nd->pid set: this process started or already signalled it (down signals every node first). */
    bool signalled = nd->pid != 0;
    pid_t pid = signalled ? nd->pid : read_pidfile(nd);
    if (!node_alive(nd, pid)) {
        unlink(nd->pidfile);
        nd->pid = 0;
        if (verbose && signalled)
            printf("node %d: stopped (pid %ld, %s)\n", nd->k, (long)pid, sig == SIGKILL ? "SIGKILL" : "SIGTERM");
        else if (verbose)
            printf("node %d: not running\n", nd->k);
        return 0;
    }
    kill(pid, sig);
    double deadline = tssctl_now_s() + timeout_s;
    while (node_alive(nd, pid) && tssctl_now_s() < deadline)
        tssctl_sleep_ms(20);
    bool forced = false;
    if (node_alive(nd, pid) && sig != SIGKILL) {
        fprintf(stderr, "tssctl: cluster: node %d (pid %ld) did not stop within %.0f s of SIGTERM; sending SIGKILL\n",
                nd->k, (long)pid, timeout_s);
        kill(pid, SIGKILL);
        forced = true;
        deadline = tssctl_now_s() + 5;
        while (node_alive(nd, pid) && tssctl_now_s() < deadline)
            tssctl_sleep_ms(20);
    }
    if (node_alive(nd, pid)) {
        fprintf(stderr, "tssctl: cluster: node %d (pid %ld) is still running\n", nd->k, (long)pid);
        return EXIT_OPERATION;
    }
    unlink(nd->pidfile);
    nd->pid = 0;
    if (verbose)
        printf("node %d: stopped (pid %ld, %s)\n", nd->k, (long)pid,
               sig == SIGKILL ? "SIGKILL" : forced ? "SIGTERM, then SIGKILL" : "SIGTERM");
    return 0;
}

/* Waits until every started node answers /healthz; on failure names the node and shows its log. */
static int wait_healthy(const cluster_opts *o, cluster_node **started, size_t n)
{
    double t0 = tssctl_now_s(), deadline = t0 + o->wait_s;
    bool *up = calloc(n, sizeof *up);
    size_t n_up = 0;
    if (up == NULL)
        return EXIT_OPERATION;
    int rc = 0;
    while (n_up < n && rc == 0) {
        for (size_t i = 0; i < n && rc == 0; i++) {
            if (up[i])
                continue;
            cluster_node *nd = started[i];
            int status;
            if (nd->pid != 0 && waitpid(nd->pid, &status, WNOHANG) == nd->pid) {
                if (WIFEXITED(status))
                    fprintf(stderr, "tssctl: cluster: node %d exited with status %d during start-up\n", nd->k,
                            WEXITSTATUS(status));
                else
                    fprintf(stderr, "tssctl: cluster: node %d was killed by signal %d during start-up\n", nd->k,
                            WTERMSIG(status));
                nd->pid = 0;
                unlink(nd->pidfile);
                print_log_tail(nd);
                rc = EXIT_OPERATION;
            } else if (node_healthy(nd)) {
                up[i] = true;
                n_up++;
            }
        }
        if (rc == 0 && n_up < n) {
            if (tssctl_now_s() > deadline) {
                for (size_t i = 0; i < n; i++) {
                    if (!up[i]) {
                        fprintf(stderr, "tssctl: cluster: node %d did not come up within %.0f s (%s/healthz)\n",
                                started[i]->k, o->wait_s, started[i]->api_url);
                        print_log_tail(started[i]);
                    }
                }
                rc = EXIT_OPERATION;
            } else {
                tssctl_sleep_ms(HEALTH_POLL_MS);
            }
        }
    }
    free(up);
    /* A node that could not bind its ports exits at start-up; if another process answered /healthz on its port
     * meanwhile, the node looked healthy. Catch that here, after giving such an exit time to happen. */
    if (rc == 0 && n > 0) {
        tssctl_sleep_ms(HEALTH_SETTLE_MS);
        for (size_t i = 0; i < n && rc == 0; i++) {
            int status;
            cluster_node *nd = started[i];
            if (nd->pid != 0 && waitpid(nd->pid, &status, WNOHANG) == nd->pid) {
                fprintf(stderr, "tssctl: cluster: node %d exited during start-up (another process answers on %s?)\n",
                        nd->k, nd->api_url);
                nd->pid = 0;
                unlink(nd->pidfile);
                print_log_tail(nd);
                rc = EXIT_OPERATION;
            }
        }
    }
    if (rc == 0 && n > 0)
        printf("cluster: %zu node%s healthy after %.2f s\n", n, n == 1 ? "" : "s", tssctl_now_s() - t0);
    return rc;
}

static void print_table(cluster_node *nodes, size_t n)
{
    printf("%-5s %-8s %-22s %-24s %s\n", "node", "pid", "udp", "api", "log");
    for (size_t i = 0; i < n; i++) {
        pid_t pid = read_pidfile(&nodes[i]);
        char pid_s[16] = "-";
        if (node_alive(&nodes[i], pid))
            snprintf(pid_s, sizeof pid_s, "%ld", (long)pid);
        printf("%-5d %-8s %-22s %-24s %s\n", nodes[i].k, pid_s, nodes[i].udp_addr, nodes[i].api_url, nodes[i].log);
    }
}

/* Starts the selected nodes (k == 0: all) and waits for them; on failure stops the ones it started. */
static int start_nodes(const cluster_opts *o, cluster_node *nodes, size_t n, int k)
{
    cluster_node **started = calloc(n, sizeof *started);
    size_t n_started = 0;
    int rc = started != NULL ? 0 : EXIT_OPERATION;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (k != 0 && nodes[i].k != k)
            continue;
        rc = start_node(o, &nodes[i]);
        if (rc == 0 && nodes[i].pid != 0)
            started[n_started++] = &nodes[i];
    }
    if (rc == 0)
        rc = wait_healthy(o, started, n_started);
    if (rc != 0) {
        for (size_t i = 0; i < n_started; i++)
            stop_node(started[i], SIGKILL, 5, false);
    }
    free(started);
    return rc;
}

static int cluster_status(const cluster_opts *o, cluster_node *nodes, size_t n)
{
    (void)o;
    int rc = 0;
    printf("%-5s %-8s %-9s %-8s %-22s %s\n", "node", "pid", "process", "healthz", "udp", "api");
    for (size_t i = 0; i < n; i++) {
        pid_t pid = read_pidfile(&nodes[i]);
        bool alive = node_alive(&nodes[i], pid), healthy = node_healthy(&nodes[i]);
        char pid_s[16] = "-";
        if (pid > 0)
            snprintf(pid_s, sizeof pid_s, "%ld", (long)pid);
        printf("%-5d %-8s %-9s %-8s %-22s %s\n", nodes[i].k, pid_s, alive ? "running" : pid > 0 ? "dead" : "stopped",
               healthy ? "ok" : "-", nodes[i].udp_addr, nodes[i].api_url);
        if (!alive || !healthy)
            rc = EXIT_OPERATION;
    }
    return rc;
}

/* ---------------------------------------------------------------- main */

static int parse_uint(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || errno != 0 || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* The tssd next to this tssctl (the build tree and an install put them side by side). */
static void default_tssd(cluster_opts *o)
{
    char self[PATH_CAP];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) {
        snprintf(o->tssd_buf, sizeof o->tssd_buf, "tssd");
    } else {
        self[n] = '\0';
        pathf(o->tssd_buf, sizeof o->tssd_buf, "%s/tssd", dirname(self));
    }
    o->tssd = o->tssd_buf;
}

int tssctl_cluster_main(int argc, char **argv)
{
    cluster_opts o = {.engines = 1, .wait_s = 30, .stop_s = 10};
    enum { O_DIR = 256, O_NODES, O_BASE, O_ENGINES, O_HINT, O_ROUND, O_SESSION, O_TSSD, O_WAIT, O_STOP, O_HELP };
    static const struct option longopts[] = {
        {"dir", required_argument, NULL, O_DIR},          {"cluster", required_argument, NULL, O_DIR},
        {"nodes", required_argument, NULL, O_NODES},      {"base-port", required_argument, NULL, O_BASE},
        {"engines", required_argument, NULL, O_ENGINES},  {"threshold-hint", required_argument, NULL, O_HINT},
        {"round-ms", required_argument, NULL, O_ROUND},   {"session-ms", required_argument, NULL, O_SESSION},
        {"tssd", required_argument, NULL, O_TSSD},        {"wait", required_argument, NULL, O_WAIT},
        {"stop-timeout", required_argument, NULL, O_STOP}, {"help", no_argument, NULL, O_HELP},
        {NULL, 0, NULL, 0}};
    int c, rc = 0;
    long v = 0;
    optind = 1;
    while (rc == 0 && (c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case O_DIR: o.dir = optarg; break;
        case O_NODES:
            rc = parse_uint(optarg, 1, CLUSTER_MAX_NODES, &v);
            o.nodes = (int)v;
            break;
        case O_BASE:
            rc = parse_uint(optarg, 1, 65535, &v);
            o.base_port = (int)v;
            break;
        case O_ENGINES:
            rc = parse_uint(optarg, 1, TSS_CONFIG_MAX_ENGINES, &v);
            o.engines = (int)v;
            break;
        case O_HINT:
            rc = parse_uint(optarg, 1, CLUSTER_MAX_NODES, &v);
            o.threshold_hint = (int)v;
            break;
        case O_ROUND:
            rc = parse_uint(optarg, 1, 3600000, &v);
            o.round_ms = (uint32_t)v;
            break;
        case O_SESSION:
            rc = parse_uint(optarg, 1, 86400000, &v);
            o.session_ms = (uint32_t)v;
            break;
        case O_TSSD: o.tssd = optarg; break;
        case O_WAIT:
        case O_STOP: {
            char *end;
            double d = strtod(optarg, &end);
            if (*end != '\0' || !(d > 0) || d > 86400)
                rc = -1;
            else if (c == O_WAIT)
                o.wait_s = d;
            else
                o.stop_s = d;
            break;
        }
        case O_HELP:
        case 'h': usage(stdout); return 0;
        default: rc = -1; break;
        }
        if (rc != 0 && c != '?' && c != ':')
            fprintf(stderr, "tssctl: cluster: bad option value \"%s\"\n", optarg);
    }
    if (rc != 0 || optind >= argc) {
        if (rc == 0)
            fprintf(stderr, "tssctl: cluster: expected a command\n");
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[optind++];
    if (optind < argc) {
        if (parse_uint(argv[optind], 1, CLUSTER_MAX_NODES, &v) != 0 || optind + 1 != argc) {
            fprintf(stderr, "tssctl: cluster %s: unexpected argument \"%s\" (a node number K?)\n", cmd, argv[optind]);
            return EXIT_USAGE;
        }
        o.node_k = (int)v;
    }
    if (o.dir == NULL) {
        fprintf(stderr, "tssctl: cluster %s needs --dir DIR\n", cmd);
        return EXIT_USAGE;
    }
    bool creating = strcmp(cmd, "init") == 0 || strcmp(cmd, "up") == 0;
    if (creating && mkdir(o.dir, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "tssctl: cluster: %s: %s\n", o.dir, strerror(errno));
        return EXIT_OPERATION;
    }
    if (realpath(o.dir, o.dir_abs) == NULL) {
        fprintf(stderr, "tssctl: cluster: %s: %s\n", o.dir, strerror(errno));
        return EXIT_USAGE;
    }
    if (strlen(o.dir_abs) > PATH_CAP - 64) {
        fprintf(stderr, "tssctl: cluster: %s: path too long\n", o.dir_abs);
        return EXIT_USAGE;
    }
    if (o.tssd == NULL)
        default_tssd(&o);
    if ((strcmp(cmd, "kill") == 0) && o.node_k == 0) {
        fprintf(stderr, "tssctl: cluster kill needs a node number K\n");
        return EXIT_USAGE;
    }

    if (strcmp(cmd, "init") == 0)
        return cluster_init(&o);

    if (strcmp(cmd, "up") == 0) {
        char first[PATH_CAP];
        node_path(first, sizeof first, o.dir_abs, 1, ".ini");
        if (access(first, F_OK) != 0) {
            if (o.nodes == 0) {
                fprintf(stderr, "tssctl: cluster up needs --nodes N for a new cluster\n");
                return EXIT_USAGE;
            }
            rc = cluster_init(&o);
            if (rc != 0)
                return rc;
        } else {
            printf("cluster: using the existing cluster in %s\n", o.dir_abs);
        }
    } else if (strcmp(cmd, "start") != 0 && strcmp(cmd, "kill") != 0 && strcmp(cmd, "down") != 0 &&
               strcmp(cmd, "status") != 0) {
        fprintf(stderr, "tssctl: cluster: unknown command \"%s\"\n", cmd);
        usage(stderr);
        return EXIT_USAGE;
    }

    cluster_node *nodes;
    size_t n;
    rc = load_nodes(&o, &nodes, &n);
    if (rc != 0)
        return rc;
    if (strcmp(cmd, "up") == 0 && o.nodes != 0 && (size_t)o.nodes != n) {
        fprintf(stderr, "tssctl: cluster: %s holds %zu nodes, not %d\n", o.dir_abs, n, o.nodes);
        free(nodes);
        return EXIT_USAGE;
    }
    if (o.node_k != 0 && find_node(nodes, n, o.node_k) == NULL) {
        fprintf(stderr, "tssctl: cluster: no node %d in %s\n", o.node_k, o.dir_abs);
        free(nodes);
        return EXIT_USAGE;
    }

    if (strcmp(cmd, "up") == 0 || strcmp(cmd, "start") == 0) {
        rc = start_nodes(&o, nodes, n, strcmp(cmd, "up") == 0 ? 0 : o.node_k);
        if (rc == 0 && strcmp(cmd, "up") == 0) {
            print_table(nodes, n);
            int t = o.threshold_hint != 0 ? o.threshold_hint : (int)n / 2 + 1;
            printf("next: tssctl --cluster %s dkg --threshold %d\n", o.dir_abs, t);
        }
    } else if (strcmp(cmd, "kill") == 0) {
        rc = stop_node(find_node(nodes, n, o.node_k), SIGKILL, 5, true);
    } else if (strcmp(cmd, "down") == 0) {
        /* SIGTERM to all first, so they shut down in parallel. */
        for (size_t i = 0; i < n; i++) {
            pid_t pid = read_pidfile(&nodes[i]);
            if (node_alive(&nodes[i], pid)) {
                kill(pid, SIGTERM);
                nodes[i].pid = pid;
            }
        }
        for (size_t i = 0; i < n; i++) {
            int r = stop_node(&nodes[i], SIGTERM, o.stop_s, true);
            rc = rc != 0 ? rc : r;
        }
    } else {
        rc = cluster_status(&o, nodes, n);
    }
    free(nodes);
    return rc;
}
