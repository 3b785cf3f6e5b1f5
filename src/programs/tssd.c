/* tssd: the signing node daemon.
 *
 *   tssd --config node.ini [--memory-lock=try|required|off]
 *
 * Loads and checks the config (errors name the file and line), checks that its ports are free, builds the
 * node (identity, peer table, store, poller, engines; src/node.h), starts its threads and the HTTP API
 * (src/api.h), then waits for SIGTERM or SIGINT and shuts down cleanly. Logs go to stderr and never contain
 * secrets (keys, shares, tokens). Exit status: 0 after a clean shutdown, 1 on a start-up failure, 2 on
 * bad usage. */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto/cpu.h"
#include "src/api.h"
#include "src/config.h"
#include "src/node.h"
#include "src/programs/tssd_hardening.h"
#include "tss/common.h"

#ifndef TSS_VERSION
#define TSS_VERSION "unknown"
#endif

typedef struct daemon_log {
    uint32_t index;
} daemon_log;

static void log_line(void *ctx, const char *line)
{
    const daemon_log *l = ctx;
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    fprintf(stderr, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ tssd[%u] %s\n", tm.tm_year + 1900, tm.tm_mon + 1,
            tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000, l->index, line);
}

__attribute__((format(printf, 2, 3))) static void logf_(daemon_log *l, const char *fmt, ...)
{
    char line[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    log_line(l, line);
}

static void usage(FILE *out)
{
    fprintf(out, "usage: tssd --config FILE [--memory-lock=try|required|off]\n"
                 "  Runs a tss signing node from its INI config (see configs/README.md).\n"
                 "  --memory-lock  lock the process's memory so secrets never reach swap (mlockall): try (default:\n"
                 "                 log and run on when the limits forbid it), required (refuse to start), off\n"
                 "  Core dumps are always off. tssd --version prints the version.\n");
}

/* Reads the bearer token (trailing whitespace trimmed). 0 or -1 with a message. */
static int read_token(const char *path, char *out, size_t cap, char *err, size_t err_len)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, err_len, "%s: %s", path, strerror(errno));
        return -1;
    }
    size_t n = fread(out, 1, cap - 1, f);
    int more = fgetc(f) != EOF;
    fclose(f);
    out[n] = '\0';
    while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r' || out[n - 1] == ' ' || out[n - 1] == '\t'))
        out[--n] = '\0';
    if (n == 0 || more) {
        sodium_memzero(out, cap);
        snprintf(err, err_len, "%s: the token must be 1..%d bytes", path, TSS_API_TOKEN_MAX);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *config_path = NULL;
    tssd_memory_lock memory_lock = TSSD_MEMORY_LOCK_TRY;
    for (int i = 1; i < argc; i++) {
        if ((strcmp(argv[i], "--config") == 0 || strcmp(argv[i], "-c") == 0) && i + 1 < argc) {
            config_path = argv[++i];
        } else if (strncmp(argv[i], "--config=", 9) == 0) {
            config_path = argv[i] + 9;
        } else if (strncmp(argv[i], "--memory-lock=", 14) == 0) {
            if (tssd_memory_lock_parse(argv[i] + 14, &memory_lock) != 0) {
                fprintf(stderr, "tssd: --memory-lock takes try, required or off, not '%s'\n", argv[i] + 14);
                return 2;
            }
        } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--version") == 0) {
            printf("tssd %s\n", TSS_VERSION);
            return 0;
        } else {
            fprintf(stderr, "tssd: unexpected argument '%s' (tssd --help)\n", argv[i]);
            return 2;
        }
    }
    if (config_path == NULL) {
        fprintf(stderr, "tssd: no config: tssd --config FILE (tssd --help)\n");
        return 2;
    }
    char herr[512];
    if (tssd_disable_core_dumps(herr, sizeof herr) != 0) {
        fprintf(stderr, "tssd: %s\n", herr);
        return 1;
    }
    daemon_log log = {0};
    if (tss_init() != TSS_OK) {
        fprintf(stderr, "tssd: cannot initialise libsodium\n");
        return 1;
    }
    /* Block the shutdown signals before any thread starts, so every thread inherits the mask and the main
     * thread alone receives them through sigwait. */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    char err[TSS_CONFIG_ERROR_MAX];
    tss_config *cfg = calloc(1, sizeof *cfg);
    if (cfg == NULL) {
        fprintf(stderr, "tssd: out of memory\n");
        return 1;
    }
    if (tss_config_load(cfg, config_path, err, sizeof err) != TSS_OK) {
        fprintf(stderr, "tssd: %s\n", err);
        free(cfg);
        return 1;
    }
    log.index = cfg->node.index;
    if (tss_config_check_ports(cfg, err, sizeof err) != TSS_OK) {
        fprintf(stderr, "tssd: %s\n", err);
        free(cfg);
        return 1;
    }
    char token[TSS_API_TOKEN_MAX + 2];
    if (read_token(cfg->api.token_file, token, sizeof token, err, sizeof err) != 0) {
        fprintf(stderr, "tssd: %s\n", err);
        free(cfg);
        return 1;
    }

    /* before anything runs vector code: if start-up dies of a signal, the log already names the CPU */
    char brand[64], feats[64];
    const tss_backend be = tss_backend_resolve(cfg->engine.backend);
    logf_(&log, "cpu: %s; features: %s; verification backend: %s (%s)", tss_cpu_brand(brand, sizeof brand),
          tss_cpu_features_str(tss_cpu_features(), feats, sizeof feats), tss_backend_name(be),
          cfg->engine.backend == TSS_BACKEND_AUTO ? "auto" : "configured");

    node_options opt = {.log = log_line, .log_ctx = &log};
    node *n = NULL;
    char nerr[1024];
    if (node_create(&n, cfg, &opt, nerr, sizeof nerr) != TSS_OK) {
        fprintf(stderr, "tssd: %s\n", nerr);
        sodium_memzero(token, sizeof token);
        free(cfg);
        return 1;
    }
    if (node_start(n) != TSS_OK) {
        fprintf(stderr, "tssd: cannot start the node's threads\n");
        node_destroy(n);
        sodium_memzero(token, sizeof token);
        free(cfg);
        return 1;
    }
    char api_host[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &cfg->api.listen.sin_addr, api_host, sizeof api_host);
    tss_api_config acfg = {.bind_address = api_host, .port = ntohs(cfg->api.listen.sin_port), .token = token};
    tss_api_server *api = calloc(1, sizeof *api);
    int rc = api == NULL ? TSS_ERR_CAPACITY : tss_api_start(api, &acfg, node_backend(n));
    sodium_memzero(token, sizeof token); /* the server keeps only a hash of it */
    if (rc != TSS_OK) {
        fprintf(stderr, "tssd: %s:%d: cannot start the API on %s:%u (%s)\n", cfg->path, cfg->api.listen_line,
                api_host, (unsigned)ntohs(cfg->api.listen.sin_port), tss_status_str(rc));
        free(api);
        node_destroy(n);
        free(cfg);
        return 1;
    }
    if (tssd_lock_memory(memory_lock, herr, sizeof herr) != 0) {
        logf_(&log, "%s", herr);
        tss_api_stop(api);
        node_stop(n);
        node_destroy(n);
        free(api);
        free(cfg);
        return 1;
    }
    logf_(&log, "%s", herr);
    char udp_host[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &cfg->node.listen.sin_addr, udp_host, sizeof udp_host);
    logf_(&log, "listening: node protocol udp %s:%u, api http://%s:%u", udp_host,
          (unsigned)ntohs(cfg->node.listen.sin_port), api_host, (unsigned)tss_api_port(api));

    int sig = 0;
    while (sigwait(&sigs, &sig) != 0) {
    }
    logf_(&log, "received %s: shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
    tss_api_stop(api);
    node_stop(n);
    node_destroy(n);
    free(api);
    free(cfg);
    logf_(&log, "stopped");
    return 0;
}
