/* `tssctl cluster ...`: a local cluster of tssd processes on loopback, for demos, drills and tests.
 *
 *   tssctl cluster init   [--cluster DIR] --nodes N [--base-port P] [config options]  configs and keys only
 *   tssctl cluster up     [--cluster DIR] [--nodes N ...] [--tssd PATH] [--wait SEC]  init (unless done) + start
 *   tssctl cluster start  [K] [--cluster DIR]            (re)start node K (default: every node), same keys/store
 *   tssctl cluster kill   K [--cluster DIR]              SIGKILL node K, wait until its process is gone
 *   tssctl cluster down   [--cluster DIR] [--stop-timeout SEC]  SIGTERM every node, SIGKILL after the timeout
 *   tssctl cluster status [--cluster DIR]                pid, process and /healthz of every node
 * DIR defaults to tssctl_default_cluster_dir() (tssctl.h).
 *
 * Layout of DIR (what `tssctl --cluster DIR` reads): nodeK.ini (configs/README.md), nodeK.key (identity, 0600),
 * nodeK.master.key (store master key, 0600), nodeK.token (API bearer token, 0600), data/nodeK/ (store),
 * nodeK.log (the daemon's stdout+stderr, appended), nodeK.pid (while it runs). */
#ifndef TSS_PROGRAMS_TSSCTL_CLUSTER_H
#define TSS_PROGRAMS_TSSCTL_CLUSTER_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CLUSTER_PATH_CAP 1024

enum { EXIT_OPERATION = 1, EXIT_USAGE = 2 };

typedef struct cluster_opts {
    const char *dir;
    char dir_abs[PATH_MAX];
    bool dir_is_default;  /* no --cluster given: the next-step hints need not name it */
    int nodes;            /* 0: not given */
    int base_port;        /* 0: random free ports */
    int engines;          /* engine cores per node */
    int threshold_hint;   /* 0: majority */
    uint32_t round_ms;    /* 0: config default */
    uint32_t session_ms;  /* 0: config default */
    const char *tssd;
    char tssd_buf[CLUSTER_PATH_CAP];
    double wait_s;        /* for /healthz after start */
    double stop_s;        /* SIGTERM → SIGKILL */
    int node_k;           /* start/kill target; 0: every node */
} cluster_opts;

/* One node as the cluster directory describes it. */
typedef struct cluster_node {
    int k;
    char ini[CLUSTER_PATH_CAP];
    char log[CLUSTER_PATH_CAP];
    char pidfile[CLUSTER_PATH_CAP];
    char api_url[64];
    char udp_addr[32];
    pid_t pid;            /* started by this process (0: not) */
} cluster_node;

/* Defaults for the options (engines 1, wait 30 s, stop timeout 10 s). */
void tssctl_cluster_defaults(cluster_opts *o);
/* Runs `tssctl cluster CMD` (init, up, start, kill, down, status) with o (o->dir set). Returns the exit status:
 * 0 ok, 1 operation failed, 2 usage. */
int tssctl_cluster_run(const char *cmd, cluster_opts *o);

/* tssctl_cluster_init.c: writes the configs, identity/master keys and API tokens of o->nodes nodes. */
int tssctl_cluster_init(const cluster_opts *o);

/* Shared by the cluster files. */
__attribute__((format(printf, 3, 4))) void tssctl_pathf(char *out, size_t cap, const char *fmt, ...);
void tssctl_node_path(char *out, size_t cap, const char *dir, int k, const char *suffix);

#endif
