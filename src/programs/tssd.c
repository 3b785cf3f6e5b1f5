/* tssd: the signing node daemon.
 *
 *   tssd --config node.ini [--memory-lock=try|required|off]
 *
 * Runs a node through the node library's public interface (include/tss/node.h: config, port check, node,
 * threads, HTTP API), then waits for SIGTERM or SIGINT and shuts down cleanly. Core dumps are turned off
 * before any secret is read and memory is locked once the arenas exist (tssd_hardening.h). Logs go to stderr
 * and never contain secrets (keys, shares, tokens). Exit status: 0 after a clean shutdown, 1 on a start-up
 * failure, 2 on bad usage. */
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "src/programs/tssd_hardening.h"
#include "tss/node.h"

#ifndef TSS_VERSION
#define TSS_VERSION "unknown"
#endif

static void log_line(void *ctx, uint32_t node_index, const char *line)
{
    (void)ctx;
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    fprintf(stderr, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ tssd[%u] %s\n", tm.tm_year + 1900, tm.tm_mon + 1,
            tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000, node_index, line);
}

__attribute__((format(printf, 2, 3))) static void logf_(uint32_t node_index, const char *fmt, ...)
{
    char line[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    log_line(NULL, node_index, line);
}

static void usage(FILE *out)
{
    fprintf(out, "usage: tssd --config FILE [--memory-lock=try|required|off]\n"
                 "  Runs a tss signing node from its INI config (see configs/README.md).\n"
                 "  --memory-lock  lock the process's memory so secrets never reach swap (mlockall): try (default:\n"
                 "                 log and run on when the limits forbid it), required (refuse to start), off\n"
                 "  Core dumps are always off. tssd --version prints the version.\n");
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
    /* Block the shutdown signals before any thread starts, so every thread inherits the mask and the main
     * thread alone receives them through sigwait. */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    char err[1024];
    tss_node *n = NULL;
    if (tss_node_open(&n, config_path, log_line, NULL, err, sizeof err) != TSS_OK) {
        fprintf(stderr, "tssd: %s\n", err);
        return 1;
    }
    uint32_t index = tss_node_index(n);
    int locked = tssd_lock_memory(memory_lock, herr, sizeof herr);
    logf_(index, "%s", herr);
    if (locked != 0) {
        tss_node_close(n);
        return 1;
    }
    int sig = 0;
    while (sigwait(&sigs, &sig) != 0) {
    }
    logf_(index, "received %s: shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
    tss_node_close(n);
    logf_(index, "stopped");
    return 0;
}
