/* Real tssd processes on 127.0.0.1 for multi-process tests: identities, master keys, tokens and node configs
 * generated in a temp dir (ephemeral free ports), nodes forked from the build's tssd and spoken to over HTTP. */
#ifndef TSS_TESTS_TSSD_FIXTURE_H
#define TSS_TESTS_TSSD_FIXTURE_H

#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#define TSSD_FIXTURE_MAX_N 8

typedef struct tssd_options {
    int n;                      /* nodes, indices 1..n */
    int threaded;               /* 1: [cores] poller 0, verify 1, engines 0, 1 (threaded layout) */
    unsigned arena_sessions;    /* 0: 64 */
    unsigned round_ms;          /* 0: 2000 */
    unsigned session_ms;        /* 0: 20000 */
} tssd_options;

typedef struct procs {
    int n;
    char dir[64];
    char tssd[1024];
    pid_t pid[TSSD_FIXTURE_MAX_N + 1];
    uint16_t udp[TSSD_FIXTURE_MAX_N + 1], api[TSSD_FIXTURE_MAX_N + 1];
    char token[TSSD_FIXTURE_MAX_N + 1][65];
    char ini[TSSD_FIXTURE_MAX_N + 1][128];
} procs;

/* Writes the cluster's files; skips the test when tssd is not built ($TSS_BUILD_DIR/src/programs/tssd). */
void tssd_setup(procs *p, const tssd_options *o);
/* Forks node i (stderr to DIR/nodeI.log) and waits for its /healthz; fails the test if it exits or hangs. */
void tssd_start(procs *p, int i);
/* Sends sig to node i and reaps it; expect_clean: assert exit status 0. */
void tssd_kill(procs *p, int i, int sig, int expect_clean);
/* SIGKILLs what still runs and removes the temp dir (kept with TSS_KEEP_TMP set). */
void tssd_teardown(procs *p);

/* One request to node i with its token; returns the HTTP status (-1 on transport failure) and, when out is
 * not NULL, the parsed JSON body (NULL if not JSON; caller decrefs). */
int tssd_http(procs *p, int i, const char *method, const char *path, const char *body, json_t **out);
/* As tssd_http with an explicit bearer (NULL: none) and the raw body (malloc'd, caller frees) in *raw. */
int tssd_http_raw(procs *p, int i, const char *method, const char *path, const char *bearer, const char *body,
                  char **raw);

/* Polls GET /v1/sessions/{sid} on the nodes until every one is done; fails the test if one fails or time runs
 * out. Returns the response of the first listed node (caller decrefs). */
json_t *tssd_wait_done(procs *p, const int *nodes, int n_nodes, const char *sid);

void tssd_sleep_ms(long ms);
/* Decodes exactly len bytes of hex (fails the test otherwise). */
void tssd_hex_exact(uint8_t *out, size_t len, const char *hex);

#endif
