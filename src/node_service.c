/* A node as a service (include/tss/node.h): config, port check, token, node, threads, HTTP API. */
#include "tss/node.h"

#include <arpa/inet.h>
#include <errno.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/cpu.h"
#include "src/api.h"
#include "src/config.h"
#include "src/node.h"

struct tss_node {
    tss_config cfg;
    node *node;
    tss_api_server api;
    int api_started;
    tss_node_log_fn log;
    void *log_ctx;
};

static void log_line(void *ctx, const char *line)
{
    const tss_node *s = ctx;
    if (s->log != NULL) s->log(s->log_ctx, s->cfg.node.index, line);
}

__attribute__((format(printf, 2, 3))) static void logf_(const tss_node *s, const char *fmt, ...)
{
    char line[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    log_line((void *)s, line);
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

/* The node's threads, then the API with the token (the server keeps only a hash of it). */
static int start(tss_node *s, char *err, size_t err_len)
{
    const tss_config *cfg = &s->cfg;
    char token[TSS_API_TOKEN_MAX + 2];
    if (read_token(cfg->api.token_file, token, sizeof token, err, err_len) != 0) return TSS_ERR_INVALID_ARG;
    /* Before anything runs vector code: if start-up dies of a signal, the log already names the CPU. */
    char brand[64], feats[64];
    const tss_backend be = tss_backend_resolve(cfg->engine.backend);
    logf_(s, "cpu: %s; features: %s; verification backend: %s (%s)", tss_cpu_brand(brand, sizeof brand),
          tss_cpu_features_str(tss_cpu_features(), feats, sizeof feats), tss_backend_name(be),
          cfg->engine.backend == TSS_BACKEND_AUTO ? "auto" : "configured");
    node_options opt = {.log = log_line, .log_ctx = s};
    int rc = node_create(&s->node, cfg, &opt, err, err_len);
    if (rc == TSS_OK && (rc = node_start(s->node)) != TSS_OK)
        snprintf(err, err_len, "cannot start the node's threads");
    char api_host[INET_ADDRSTRLEN] = "?";
    inet_ntop(AF_INET, &cfg->api.listen.sin_addr, api_host, sizeof api_host);
    if (rc == TSS_OK) {
        tss_api_config acfg = {.bind_address = api_host, .port = ntohs(cfg->api.listen.sin_port), .token = token};
        if ((rc = tss_api_start(&s->api, &acfg, node_backend(s->node))) != TSS_OK)
            snprintf(err, err_len, "%s:%d: cannot start the API on %s:%u (%s)", cfg->path, cfg->api.listen_line,
                     api_host, (unsigned)ntohs(cfg->api.listen.sin_port), tss_status_str(rc));
        s->api_started = rc == TSS_OK;
    }
    sodium_memzero(token, sizeof token);
    if (rc != TSS_OK) return rc;
    char udp_host[INET_ADDRSTRLEN] = "?";
    inet_ntop(AF_INET, &cfg->node.listen.sin_addr, udp_host, sizeof udp_host);
    logf_(s, "listening: node protocol udp %s:%u, api http://%s:%u", udp_host,
          (unsigned)ntohs(cfg->node.listen.sin_port), api_host, (unsigned)tss_api_port(&s->api));
    return TSS_OK;
}

int tss_node_open(tss_node **out, const char *config_path, tss_node_log_fn log, void *log_ctx, char *err,
                  size_t err_len)
{
    if (out == NULL || config_path == NULL || err == NULL || err_len == 0) return TSS_ERR_INVALID_ARG;
    *out = NULL;
    err[0] = '\0';
    if (tss_init() != TSS_OK) {
        snprintf(err, err_len, "cannot initialise libsodium");
        return TSS_ERR_CRYPTO;
    }
    tss_node *s = calloc(1, sizeof *s);
    if (s == NULL) {
        snprintf(err, err_len, "out of memory");
        return TSS_ERR_CAPACITY;
    }
    s->log = log;
    s->log_ctx = log_ctx;
    int rc = tss_config_load(&s->cfg, config_path, err, err_len);
    if (rc == TSS_OK) rc = tss_config_check_ports(&s->cfg, err, err_len);
    if (rc == TSS_OK) rc = start(s, err, err_len);
    if (rc != TSS_OK) {
        tss_node_close(s);
        return rc;
    }
    *out = s;
    return TSS_OK;
}

uint16_t tss_node_api_port(const tss_node *n)
{
    return tss_api_port(&n->api);
}

uint32_t tss_node_index(const tss_node *n)
{
    return n->cfg.node.index;
}

void tss_node_close(tss_node *n)
{
    if (n == NULL) return;
    if (n->api_started) tss_api_stop(&n->api);
    node_destroy(n->node); /* stops the threads first */
    sodium_memzero(n, sizeof *n);
    free(n);
}
