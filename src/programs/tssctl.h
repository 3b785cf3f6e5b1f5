/* tssctl: the operator CLI (tssctl --help). Shared types of its parts:
 *   tssctl.c          entry point: parse, find the nodes, dispatch
 *   tssctl_args.c     the command line (one table of options, a specific one-line error for each bad argument)
 *   tssctl_nodes.c    which nodes (--cluster, --config, --node, the default cluster directory), HTTP + JSON calls
 *   tssctl_session.c  starting sessions on every participant and following them to the end
 *   tssctl_query.c    status, keys
 *   tssctl_dkg.c      dkg
 *   tssctl_sign.c     sign
 *   tssctl_verify.c   verify (independent of the nodes: libsodium)
 *   tssctl_cluster*.c a local cluster of tssd processes (tssctl_cluster.h) */
#ifndef TSS_PROGRAMS_TSSCTL_H
#define TSS_PROGRAMS_TSSCTL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "src/api.h"
#include "src/http_client.h"
#include "src/programs/tssctl_cluster.h"

#define TSSCTL_MAX_NODES 256
#define TSSCTL_MAX_MESSAGES 4096

typedef struct node {
    uint32_t index;
    char url[80];
    tss_http_endpoint ep;
    char token[TSS_API_TOKEN_MAX + 1];
} node;

/* What the node commands (status, keys, dkg, sign, verify) were asked to do. */
typedef struct options {
    node *nodes;
    size_t n_nodes;
    const char *token_file;
    double timeout_s;
    bool json;
    bool quiet;
    bool have_session;
    uint64_t session_id;
    bool have_key;
    uint64_t key_id;
    int threshold;   /* 0: not given */
    uint16_t participants[TSS_API_MAX_PARTICIPANTS];
    size_t n_participants;
    uint16_t signers[TSS_API_MAX_PARTICIPANTS];
    size_t n_signers;
    uint16_t skip[TSS_API_MAX_PARTICIPANTS]; /* drills: participants the request is not sent to */
    size_t n_skip;
    bool prehash;
    bool sequential; /* sign: one session at a time */
    int poll_ms;     /* 0: the default poll interval */
    char **messages; /* hex */
    size_t n_messages;
    /* verify */
    const char *public_key_hex;
    const char *signature_hex;
    const char *results_file; /* `tssctl sign --json` output to check ("-": stdin) */
} options;

/* The whole command line. */
typedef struct tssctl_args {
    const char *command;     /* status, keys, dkg, sign, verify, cluster */
    const char *cluster_cmd; /* cluster: init, up, start, kill, down, status */
    const char *cluster_dir; /* --cluster; NULL: the default directory */
    const char *configs[TSSCTL_MAX_NODES];
    size_t n_configs;
    const char *node_urls[TSSCTL_MAX_NODES];
    size_t n_urls;
    options o;
    cluster_opts cl;
} tssctl_args;

/* tssctl_args.c. Fills a (whose o.nodes and o.messages arrays the caller provides). Returns 0, EXIT_USAGE after
 * printing one line naming the bad argument, or -1 when --help or --version was printed (exit 0). */
int tssctl_parse_args(tssctl_args *a, int argc, char **argv);

/* tssctl_nodes.c */
/* The cluster directory used when none is given: $TSS_CLUSTER, else $XDG_STATE_HOME/tss/cluster, else
 * $HOME/.local/state/tss/cluster. Returns out. */
const char *tssctl_default_cluster_dir(char *out, size_t cap);
/* Loads the nodes named by a (or the default cluster directory) into a->o.nodes. 0 or an exit status. */
int tssctl_load_nodes(tssctl_args *a);
/* One call; *out receives the parsed JSON body (or NULL). Returns the HTTP status, or -1 (message printed). */
int tssctl_call(const node *n, const char *method, const char *path, json_t *body, json_t **out);
const node *tssctl_node_by_index(const options *o, uint32_t index);
const char *tssctl_error_text(const json_t *j);
const char *tssctl_error_code(const json_t *j);
const char *tssctl_jstr(const json_t *o, const char *k);
json_t *tssctl_indices_json(const uint16_t *v, size_t n);
uint64_t tssctl_random_id(void);
bool tssctl_skipped(const options *o, uint32_t index);
/* "node" or "nodes" for n. */
const char *tssctl_plural(size_t n, const char *one, const char *many);

/* tssctl_session.c */
typedef struct tracked {
    uint64_t session_id;
    json_t *state[TSSCTL_MAX_NODES]; /* latest GET /v1/sessions reply per target node */
    bool finished[TSSCTL_MAX_NODES];
} tracked;
/* Polls every session on every target node until all finished or the deadline, with a progress line counted
 * in `unit`s (one per tracked session; with a single session, in nodes). False if any is still unfinished. */
bool tssctl_poll_sessions(const options *o, const char *what, const char *unit, tracked *ts, size_t n_ts,
                          const node *const *targets, size_t n_targets, double started);
void tssctl_free_tracked(tracked *ts, size_t n_ts, size_t n_targets);
/* Sends one start request to every target; false (after printing why) if any node refused it. */
bool tssctl_start_everywhere(const char *path, json_t *body, const node *const *targets, size_t n_targets);
/* Prints why a session failed on a node (with its culprits). */
void tssctl_print_failure(const node *n, const json_t *state);
/* The session's state on a node ("" when unknown). */
const char *tssctl_state(const tracked *t, size_t target);

/* The commands; each returns the exit status. */
int tssctl_cmd_status(const options *o);
int tssctl_cmd_keys(const options *o);
int tssctl_cmd_dkg(const options *o);
int tssctl_cmd_sign(const options *o);
int tssctl_cmd_verify(const options *o);

/* tssctl_verify.c: checks an Ed25519 signature (over SHA-512(message) when prehash) with libsodium. */
bool tssctl_signature_valid(const uint8_t pk[32], const char *message_hex, const char *signature_hex, bool prehash);
/* A short label for a message (hex): the text in quotes when it is printable ASCII, else the leading hex. */
void tssctl_message_label(const char *hex, char out[24]);

#endif
