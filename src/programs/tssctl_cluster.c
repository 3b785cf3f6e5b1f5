/* `tssctl cluster`: runs the tssd processes of a cluster directory from pid files (tssctl_cluster.h); the
 * directory itself is written by tssctl_cluster_init.c. */
#include "src/programs/tssctl_cluster.h"
#include "src/programs/tssctl_clock.h"

#include "src/config.h"
#include "src/http_client.h"
#include "tss/common.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define HEALTH_POLL_MS 50
#define HEALTH_SETTLE_MS 150 /* after every node answered: time for a node that failed to bind to exit */
#define HEALTH_HTTP_TIMEOUT_MS 500
#define LOG_TAIL_LINES 20
#define KILL_WAIT_S 10       /* SIGKILL → every thread gone (a large arena takes a moment to unmap) */

void tssctl_cluster_defaults(cluster_opts *o)
{
    o->engines = 1;
    o->wait_s = 30;
    o->stop_s = 10;
}

/* ---------------------------------------------------------------- the nodes of a directory */

static int cmp_node(const void *a, const void *b)
{
    return ((const cluster_node *)a)->k - ((const cluster_node *)b)->k;
}

/* Every nodeK.ini of the directory, loaded (the config must load: that is what tssd reads), sorted by K. */
static int load_nodes(const cluster_opts *o, cluster_node **out, size_t *n_out)
{
    char pattern[CLUSTER_PATH_CAP];
    glob_t g;
    tssctl_pathf(pattern, sizeof pattern, "%s/node*.ini", o->dir_abs);
    if (glob(pattern, 0, NULL, &g) != 0) {
        fprintf(stderr, "tssctl: cluster: %s holds no cluster (no node*.ini; make one with `tssctl cluster up "
                        "--nodes N%s%s`)\n", o->dir_abs, o->dir_is_default ? "" : " --cluster ",
                o->dir_is_default ? "" : o->dir_abs);
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
        tssctl_pathf(nd->ini, sizeof nd->ini, "%s", g.gl_pathv[i]);
        tssctl_node_path(nd->log, sizeof nd->log, o->dir_abs, k, ".log");
        tssctl_node_path(nd->pidfile, sizeof nd->pidfile, o->dir_abs, k, ".pid");
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

/* Reads up to cap-1 bytes of a (/proc) file, NUL-terminated; the length read (0 if unreadable). */
static size_t read_small(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "r");
    size_t n = f != NULL ? fread(buf, 1, cap - 1, f) : 0;
    if (f != NULL)
        fclose(f);
    buf[n] = '\0';
    return n;
}

/* True if the NUL-separated command line in file `path` has the argument `arg`. */
static bool cmdline_has(const char *path, const char *arg)
{
    char buf[4096];
    size_t n = read_small(path, buf, sizeof buf);
    for (size_t i = 0; i < n; i += strlen(buf + i) + 1)
        if (strcmp(buf + i, arg) == 0)
            return true;
    return false;
}

/* True if thread tid of pid has not exited (its state is neither zombie nor dead). */
static bool thread_live(pid_t pid, const char *tid)
{
    char path[320], buf[512];
    snprintf(path, sizeof path, "/proc/%ld/task/%s/stat", (long)pid, tid);
    read_small(path, buf, sizeof buf);
    const char *p = strrchr(buf, ')');
    return p != NULL && p[1] == ' ' && p[2] != '\0' && p[2] != 'Z' && p[2] != 'X';
}

/* True while pid has a live thread whose command line names this node's config. Every thread is looked at, not
 * only the main one: when the main thread has exited (or was killed first) its command line reads empty while
 * the other threads still hold the node's sockets. A pid file left by a crashed node whose pid was reused by
 * another program is not mistaken for the node. */
static bool node_alive(const cluster_node *nd, pid_t pid)
{
    if (pid <= 0)
        return false;
    (void)waitpid(pid, NULL, WNOHANG); /* reap it if it is our child and fully gone */
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/task", (long)pid);
    DIR *d = opendir(path);
    if (d == NULL)
        return false;
    bool alive = false;
    for (struct dirent *e; !alive && (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        char cmdline[320];
        snprintf(cmdline, sizeof cmdline, "/proc/%ld/task/%s/cmdline", (long)pid, e->d_name);
        alive = thread_live(pid, e->d_name) && cmdline_has(cmdline, nd->ini);
    }
    closedir(d);
    return alive;
}

/* Waits up to timeout_s for every thread of the node's process to be gone. */
static bool wait_gone(const cluster_node *nd, pid_t pid, double timeout_s)
{
    double deadline = tssctl_now_s() + timeout_s;
    while (node_alive(nd, pid) && tssctl_now_s() < deadline)
        tssctl_sleep_ms(10);
    return !node_alive(nd, pid);
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

/* Stops node nd with sig and waits until its process is gone (every thread: only then are its ports free);
 * after timeout_s a SIGTERM becomes a SIGKILL. Removes the pid file. */
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
    bool gone = wait_gone(nd, pid, sig == SIGKILL ? KILL_WAIT_S : timeout_s), forced = false;
    if (!gone && sig != SIGKILL) {
        fprintf(stderr, "tssctl: cluster: node %d (pid %ld) did not stop within %.0f s of SIGTERM; sending SIGKILL\n",
                nd->k, (long)pid, timeout_s);
        kill(pid, SIGKILL);
        forced = true;
        gone = wait_gone(nd, pid, KILL_WAIT_S);
    }
    if (!gone) {
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

/* "SIGILL (Illegal instruction)" */
static void signal_name(int sig, char *out, size_t cap)
{
    const char *abbrev = sigabbrev_np(sig);
    if (abbrev != NULL)
        snprintf(out, cap, "SIG%s (%s)", abbrev, strsignal(sig));
    else
        snprintf(out, cap, "signal %d", sig);
}

/* Reports a node that ended during start-up (wait status `status`) with the last lines of its log. */
static void report_startup_death(cluster_node *nd, int status, const char *hint)
{
    if (WIFSIGNALED(status)) {
        char name[96];
        signal_name(WTERMSIG(status), name, sizeof name);
        fprintf(stderr, "tssctl: cluster: node %d was killed by %s during start-up%s\n", nd->k, name,
                WTERMSIG(status) == SIGILL ? " (an instruction this CPU lacks?)" : "");
    } else {
        fprintf(stderr, "tssctl: cluster: node %d exited with status %d during start-up%s\n", nd->k,
                WEXITSTATUS(status), hint);
    }
    nd->pid = 0;
    unlink(nd->pidfile);
    print_log_tail(nd);
}

/* One pass over the started nodes: marks those answering /healthz, reports one that died. */
static int poll_started(cluster_node **started, bool *up, size_t n, size_t *n_up)
{
    for (size_t i = 0; i < n; i++) {
        if (up[i])
            continue;
        cluster_node *nd = started[i];
        int status;
        if (nd->pid != 0 && waitpid(nd->pid, &status, WNOHANG) == nd->pid) {
            report_startup_death(nd, status, "");
            return EXIT_OPERATION;
        }
        if (node_healthy(nd)) {
            up[i] = true;
            (*n_up)++;
        }
    }
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
        rc = poll_started(started, up, n, &n_up);
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
                report_startup_death(nd, status, " (another process answers on its API port?)");
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


/* ---------------------------------------------------------------- running a command */

/* The tssd next to this tssctl (the build tree and an install put them side by side). */
static void default_tssd(cluster_opts *o)
{
    char self[CLUSTER_PATH_CAP];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) {
        snprintf(o->tssd_buf, sizeof o->tssd_buf, "tssd");
    } else {
        self[n] = '\0';
        tssctl_pathf(o->tssd_buf, sizeof o->tssd_buf, "%s/tssd", dirname(self));
    }
    o->tssd = o->tssd_buf;
}

/* mkdir -p with mode 0700 for the directories it creates. */
static int make_dirs(const char *path)
{
    char buf[PATH_MAX];
    if (strlen(path) >= sizeof buf) {
        fprintf(stderr, "tssctl: cluster: %s: path too long\n", path);
        return EXIT_USAGE;
    }
    strcpy(buf, path);
    for (char *p = buf + 1; *p != '\0'; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0700) != 0 && errno != EEXIST) {
            fprintf(stderr, "tssctl: cluster: %s: %s\n", buf, strerror(errno));
            return EXIT_OPERATION;
        }
        *p = '/';
    }
    if (mkdir(buf, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "tssctl: cluster: %s: %s\n", buf, strerror(errno));
        return EXIT_OPERATION;
    }
    return 0;
}

/* Resolves o->dir (creating it for init and up). */
static int resolve_dir(const char *cmd, cluster_opts *o)
{
    bool creating = strcmp(cmd, "init") == 0 || strcmp(cmd, "up") == 0;
    if (creating) {
        int rc = make_dirs(o->dir);
        if (rc != 0)
            return rc;
    }
    if (realpath(o->dir, o->dir_abs) == NULL) {
        if (errno == ENOENT)
            fprintf(stderr, "tssctl: cluster %s: %s does not exist (make a cluster there with `tssctl cluster up "
                            "--nodes N%s%s`)\n", cmd, o->dir, o->dir_is_default ? "" : " --cluster ",
                    o->dir_is_default ? "" : o->dir);
        else
            fprintf(stderr, "tssctl: cluster: %s: %s\n", o->dir, strerror(errno));
        return EXIT_USAGE;
    }
    if (strlen(o->dir_abs) > CLUSTER_PATH_CAP - 64) {
        fprintf(stderr, "tssctl: cluster: %s: path too long\n", o->dir_abs);
        return EXIT_USAGE;
    }
    return 0;
}

/* `up` on a directory without a cluster makes one first. */
static int init_unless_done(cluster_opts *o)
{
    char first[CLUSTER_PATH_CAP];
    tssctl_node_path(first, sizeof first, o->dir_abs, 1, ".ini");
    if (access(first, F_OK) == 0) {
        printf("cluster: using the existing cluster in %s\n", o->dir_abs);
        return 0;
    }
    if (o->nodes == 0) {
        fprintf(stderr, "tssctl: cluster up: %s holds no cluster yet; give --nodes N to make one\n", o->dir_abs);
        return EXIT_USAGE;
    }
    return tssctl_cluster_init(o);
}

static int down_all(const cluster_opts *o, cluster_node *nodes, size_t n)
{
    int rc = 0;
    /* SIGTERM to all first, so they shut down in parallel. */
    for (size_t i = 0; i < n; i++) {
        pid_t pid = read_pidfile(&nodes[i]);
        if (node_alive(&nodes[i], pid)) {
            kill(pid, SIGTERM);
            nodes[i].pid = pid;
        }
    }
    for (size_t i = 0; i < n; i++) {
        int r = stop_node(&nodes[i], SIGTERM, o->stop_s, true);
        rc = rc != 0 ? rc : r;
    }
    return rc;
}

static int run_on_nodes(const char *cmd, cluster_opts *o, cluster_node *nodes, size_t n)
{
    if (strcmp(cmd, "up") == 0 && o->nodes != 0 && (size_t)o->nodes != n) {
        fprintf(stderr, "tssctl: cluster up: %s holds %zu node%s, not %d\n", o->dir_abs, n, n == 1 ? "" : "s",
                o->nodes);
        return EXIT_USAGE;
    }
    if (o->node_k != 0 && find_node(nodes, n, o->node_k) == NULL) {
        fprintf(stderr, "tssctl: cluster %s: no node %d in %s\n", cmd, o->node_k, o->dir_abs);
        return EXIT_USAGE;
    }
    if (strcmp(cmd, "kill") == 0)
        return stop_node(find_node(nodes, n, o->node_k), SIGKILL, KILL_WAIT_S, true);
    if (strcmp(cmd, "down") == 0)
        return down_all(o, nodes, n);
    if (strcmp(cmd, "status") == 0)
        return cluster_status(o, nodes, n);
    int rc = start_nodes(o, nodes, n, strcmp(cmd, "up") == 0 ? 0 : o->node_k);
    if (rc == 0 && strcmp(cmd, "up") == 0) {
        print_table(nodes, n);
        int t = o->threshold_hint != 0 ? o->threshold_hint : (int)n / 2 + 1;
        if (t < 2)
            t = 2;
        if ((size_t)t <= n)
            printf("next: tssctl%s%s dkg --threshold %d\n", o->dir_is_default ? "" : " --cluster ",
                   o->dir_is_default ? "" : o->dir_abs, t);
    }
    return rc;
}

int tssctl_cluster_run(const char *cmd, cluster_opts *o)
{
    if (strcmp(cmd, "kill") == 0 && o->node_k == 0) {
        fprintf(stderr, "tssctl: cluster kill needs a node number: tssctl cluster kill K\n");
        return EXIT_USAGE;
    }
    int rc = resolve_dir(cmd, o);
    if (rc != 0)
        return rc;
    if (o->tssd == NULL)
        default_tssd(o);
    if (strcmp(cmd, "init") == 0)
        return tssctl_cluster_init(o);
    if (strcmp(cmd, "up") == 0 && (rc = init_unless_done(o)) != 0)
        return rc;
    cluster_node *nodes;
    size_t n;
    rc = load_nodes(o, &nodes, &n);
    if (rc == 0) {
        rc = run_on_nodes(cmd, o, nodes, n);
        free(nodes);
    }
    return rc;
}
