/* tss: a signing node inside a program (libtss_node; pkg-config tss-node).
 *
 * tss_node_open does what the tssd daemon does at start-up: loads the node's INI config (configs/README.md;
 * errors name the file and line), checks that its UDP and HTTP ports are free, builds the node (identity,
 * peer table, encrypted store, packet ports, poller, engines), starts its threads pinned to the configured
 * cores, and starts the HTTP/JSON API (docs/api.md) with the bearer token from [api] token_file.
 * tss_node_close stops the API and the threads, closes the store and wipes the node's secrets.
 *
 * Log lines (start-up, sessions done or failed) go to the caller's function, from the node's own threads;
 * they never contain secrets. Call tss_node_open after blocking the signals the program handles itself:
 * the node's threads inherit the signal mask. */
#ifndef TSS_NODE_H
#define TSS_NODE_H

#include <stddef.h>
#include <stdint.h>

#include "tss/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tss_node tss_node;

/* One log line (no newline), and the index of the node it comes from ([node] index). */
typedef void (*tss_node_log_fn)(void *ctx, uint32_t node_index, const char *line);

/* TSS_OK and *out, or an error with err set to "what failed: why" (err_len bytes, NUL-terminated; 1 KiB is
 * enough): TSS_ERR_NOT_FOUND / TSS_ERR_IO / TSS_ERR_ENCODING for the config file, TSS_ERR_IO for a port
 * already in use or a thread not started, TSS_ERR_INVALID_ARG for the token file, and the errors of the
 * identity key and the store. log may be NULL (silent). */
TSS_API int tss_node_open(tss_node **out, const char *config_path, tss_node_log_fn log, void *log_ctx, char *err,
                          size_t err_len) TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 2, 5);

/* The port the HTTP API listens on (the configured one, or the one chosen for port 0). */
TSS_API uint16_t tss_node_api_port(const tss_node *n) TSS_ARG_NONNULL(1);

/* The node's index in its peer table ([node] index). */
TSS_API uint32_t tss_node_index(const tss_node *n) TSS_ARG_NONNULL(1);

/* Stops and frees the node (NULL: nothing). */
TSS_API void tss_node_close(tss_node *n);

#ifdef __cplusplus
}
#endif
#endif
