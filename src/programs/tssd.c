/* tssd: the signing node daemon.
 *
 *   tssd --config node.ini
 *
 * Runs a node through the node library's public interface (include/tss/node.h: config, port check, node,
 * threads, HTTP API), then waits for SIGTERM or SIGINT and shuts down cleanly. Logs go to stderr and never
 * contain secrets (keys, shares, tokens). Exit status: 0 after a clean shutdown, 1 on a start-up failure, 2 on
 * bad usage. */
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tss/node.h"

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
    fprintf(out, "usage: tssd --config FILE\n"
                 "  Runs a tss signing node from its INI config (see configs/README.md).\n");
}

int main(int argc, char **argv)
{
    const char *config_path = NULL;
    for (int i = 1; i < argc; i++) {
        if ((strcmp(argv[i], "--config") == 0 || strcmp(argv[i], "-c") == 0) && i + 1 < argc) {
            config_path = argv[++i];
        } else if (strncmp(argv[i], "--config=", 9) == 0) {
            config_path = argv[i] + 9;
        } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (config_path == NULL) {
        usage(stderr);
        return 2;
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
    int sig = 0;
    while (sigwait(&sigs, &sig) != 0) {
    }
    uint32_t index = tss_node_index(n);
    logf_(index, "received %s: shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
    tss_node_close(n);
    logf_(index, "stopped");
    return 0;
}
