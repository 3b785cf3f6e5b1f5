/* tssctl: the operator CLI. Plays the chain's role against a cluster of tssd nodes over their HTTP APIs
 * (docs/api.md): sends each request to every participant, polls the sessions with a progress line, checks
 * that the nodes agree and verifies every signature itself with libsodium.
 *
 *   tssctl [NODES] status [--session ID]
 *   tssctl [NODES] keys [--key ID] [--json]
 *   tssctl [NODES] dkg --threshold T [--participants 1,2,3] [--session ID] [--json]
 *   tssctl [NODES] sign --key ID (--message HEX | --text STRING)... [--signers 1,2] [--prehash] [--sequential]
 *                  [--json]
 *   (dkg and sign also take --skip L: a drill that leaves these participants out of the request's recipients)
 *   tssctl cluster init|up|start|kill|down|status --dir DIR ...   a local cluster (tssctl_cluster.h)
 *
 * NODES: --cluster DIR (every node*.ini in DIR), --config FILE (repeatable), or --node URL (repeatable, node
 * index = position, 1-based) with --token-file FILE. */
#include "src/api.h"
#include "src/config.h"
#include "src/http_client.h"
#include "src/programs/tssctl_cluster.h"
#include "src/programs/tssctl_clock.h"
#include "tss/common.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <glob.h>
#include <jansson.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_NODES 256
#define MAX_MESSAGES 4096
#define HTTP_TIMEOUT_MS 5000
#define POLL_INTERVAL_MS 20

enum { EXIT_OPERATION = 1, EXIT_USAGE = 2 };

typedef struct node {
    uint32_t index;
    char url[80];
    tss_http_endpoint ep;
    char token[TSS_API_TOKEN_MAX + 1];
} node;

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
    int threshold;
    uint16_t participants[TSS_API_MAX_PARTICIPANTS];
    size_t n_participants;
    uint16_t signers[TSS_API_MAX_PARTICIPANTS];
    size_t n_signers;
    uint16_t skip[TSS_API_MAX_PARTICIPANTS]; /* drills: participants the request is not sent to */
    size_t n_skip;
    bool prehash;
    bool sequential; /* sign: one session at a time */
    int poll_ms;     /* 0: POLL_INTERVAL_MS */
    char **messages; /* hex */
    size_t n_messages;
} options;

static void usage(FILE *out)
{
    fprintf(out,
            "usage: tssctl NODES COMMAND [options]\n"
            "NODES (where the nodes are and how to authenticate):\n"
            "  --cluster DIR        every node*.ini in DIR (node configs, see configs/README.md)\n"
            "  --config FILE        one node config (repeatable)\n"
            "  --node URL           a node's API, e.g. http://127.0.0.1:8101 (repeatable; index = position)\n"
            "  --token-file FILE    bearer token for --node (default: each config's token_file)\n"
            "COMMANDS:\n"
            "  status [--session ID]                 health and key count of every node\n"
            "  keys [--key ID]                       keys on every node, checked for agreement\n"
            "  dkg --threshold T [--participants L]  run a DKG (default participants: every node)\n"
            "  sign --key ID --message HEX|--text S  sign (repeat --message/--text for a batch)\n"
            "       [--signers L] [--prehash] [--sequential: one session at a time, for unloaded latency]\n"
            "  tssctl cluster up|down|start K|kill K|status|init --dir DIR   a local cluster of tssd on loopback\n"
            "       (see tssctl cluster --help)\n"
            "COMMON OPTIONS:\n"
            "  --session ID   session id (16 hex digits; default random)\n"
            "  --timeout SEC  give up waiting after SEC seconds (default 60)\n"
            "  --json         machine-readable output on stdout\n"
            "  --quiet        no progress line\n"
            "  --skip L       drill: do not send the dkg/sign request to these participants (they stay named in\n"
            "                 it), to see the session fail by timeout naming them\n");
}

static char *read_token(const char *path, char *out, size_t cap)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        fprintf(stderr, "tssctl: %s: %s\n", path, strerror(errno));
        return NULL;
    }
    size_t n = fread(out, 1, cap - 1, f);
    bool more = fgetc(f) != EOF;
    fclose(f);
    out[n] = '\0';
    while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r' || out[n - 1] == ' ' || out[n - 1] == '\t'))
        out[--n] = '\0';
    if (n == 0 || more) {
        fprintf(stderr, "tssctl: %s: the token must be 1..%d bytes\n", path, TSS_API_TOKEN_MAX);
        return NULL;
    }
    return out;
}

static int add_config_node(options *o, const char *path)
{
    if (o->n_nodes == MAX_NODES) {
        fprintf(stderr, "tssctl: more than %d nodes\n", MAX_NODES);
        return EXIT_USAGE;
    }
    tss_config *cfg = calloc(1, sizeof *cfg);
    char err[TSS_CONFIG_ERROR_MAX];
    if (cfg == NULL)
        return EXIT_OPERATION;
    if (tss_config_load(cfg, path, err, sizeof err) != TSS_OK) {
        fprintf(stderr, "tssctl: %s\n", err);
        free(cfg);
        return EXIT_USAGE;
    }
    node *n = &o->nodes[o->n_nodes];
    memset(n, 0, sizeof *n);
    n->index = cfg->node.index;
    char ip[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &cfg->api.listen.sin_addr, ip, sizeof ip);
    snprintf(n->url, sizeof n->url, "http://%s:%u", ip, ntohs(cfg->api.listen.sin_port));
    const char *token_file = o->token_file != NULL ? o->token_file : cfg->api.token_file;
    int rc = tss_http_parse_url(n->url, &n->ep) == TSS_OK && read_token(token_file, n->token, sizeof n->token)
                 ? 0
                 : EXIT_USAGE;
    free(cfg);
    for (size_t i = 0; rc == 0 && i < o->n_nodes; i++) {
        if (o->nodes[i].index == n->index) {
            fprintf(stderr, "tssctl: %s: node index %u given twice\n", path, n->index);
            rc = EXIT_USAGE;
        }
    }
    if (rc == 0)
        o->n_nodes++;
    return rc;
}

static int parse_index_list(const char *s, uint16_t *out, size_t *n)
{
    *n = 0;
    while (*s != '\0') {
        char *end;
        errno = 0;
        unsigned long v = strtoul(s, &end, 10);
        if (end == s || errno != 0 || v == 0 || v > 65535 || *n == TSS_API_MAX_PARTICIPANTS)
            return -1;
        out[(*n)++] = (uint16_t)v;
        s = end;
        if (*s == ',')
            s++;
        else if (*s != '\0')
            return -1;
    }
    return *n > 0 ? 0 : -1;
}

static bool skipped(const options *o, uint32_t index)
{
    for (size_t i = 0; i < o->n_skip; i++)
        if (o->skip[i] == index)
            return true;
    return false;
}

static const node *node_by_index(const options *o, uint32_t index)
{
    for (size_t i = 0; i < o->n_nodes; i++)
        if (o->nodes[i].index == index)
            return &o->nodes[i];
    return NULL;
}

/* ---------------------------------------------------------------- HTTP + JSON */

/* One call; *out receives the parsed JSON body (or NULL). Returns the HTTP status, or -1 (message printed). */
static int call(const node *n, const char *method, const char *path, json_t *body, json_t **out)
{
    char *text = body != NULL ? json_dumps(body, JSON_COMPACT) : NULL;
    tss_http_response resp;
    *out = NULL;
    int rc = tss_http_request(&n->ep, method, path, n->token, text != NULL ? "application/json" : NULL, text,
                              text != NULL ? strlen(text) : 0, HTTP_TIMEOUT_MS, &resp);
    free(text);
    if (rc != TSS_OK) {
        fprintf(stderr, "tssctl: node %u (%s): %s %s: %s\n", n->index, n->url, method, path,
                rc == TSS_ERR_IO ? "unreachable (connection failed)" : tss_status_str(rc));
        return -1;
    }
    *out = json_loadb(resp.body, resp.body_len, 0, NULL);
    int status = resp.status;
    tss_http_response_free(&resp);
    return status;
}

static const char *error_text(const json_t *j)
{
    const char *m = json_string_value(json_object_get(json_object_get(j, "error"), "message"));
    return m != NULL ? m : "(no message)";
}

static const char *error_code(const json_t *j)
{
    const char *c = json_string_value(json_object_get(json_object_get(j, "error"), "code"));
    return c != NULL ? c : "?";
}

static const char *jstr(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s != NULL ? s : "";
}

static json_t *indices_json(const uint16_t *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_integer(v[i]));
    return a;
}

/* ---------------------------------------------------------------- sessions */

typedef struct tracked {
    uint64_t session_id;
    size_t msg;               /* message index for sign sessions */
    json_t *state[MAX_NODES]; /* latest GET /v1/sessions reply per target node */
    bool finished[MAX_NODES];
} tracked;

/* Polls every session on every target node until all finished or the deadline; prints a progress line. */
static bool poll_sessions(const options *o, const char *what, tracked *ts, size_t n_ts, const node **targets,
                          size_t n_targets, double started)
{
    bool tty = isatty(STDERR_FILENO) && !o->quiet;
    size_t last_done = SIZE_MAX;
    for (;;) {
        size_t done = 0, failed = 0, running = 0;
        for (size_t s = 0; s < n_ts; s++) {
            for (size_t t = 0; t < n_targets; t++) {
                if (!ts[s].finished[t]) {
                    char path[64], id[17];
                    json_t *j;
                    tss_api_format_id(id, ts[s].session_id);
                    snprintf(path, sizeof path, "/v1/sessions/%s", id);
                    int st = call(targets[t], "GET", path, NULL, &j);
                    if (st == 200) {
                        json_decref(ts[s].state[t]);
                        ts[s].state[t] = j;
                        const char *state = jstr(j, "state");
                        ts[s].finished[t] = strcmp(state, "done") == 0 || strcmp(state, "failed") == 0;
                    } else {
                        json_decref(j);
                    }
                }
                const char *state = ts[s].state[t] != NULL ? jstr(ts[s].state[t], "state") : "";
                if (strcmp(state, "done") == 0)
                    done++;
                else if (strcmp(state, "failed") == 0)
                    failed++;
                else
                    running++;
            }
        }
        double el = tssctl_now_s() - started;
        if (!o->quiet && (tty || done + failed != last_done)) {
            fprintf(stderr, "%s%s: %zu/%zu done, %zu failed, %zu waiting  [%.1f s]%s", tty ? "\r" : "", what, done,
                    n_ts * n_targets, failed, running, el, tty ? "   " : "\n");
            last_done = done + failed;
        }
        if (running == 0 || el > o->timeout_s) {
            if (tty)
                fputc('\n', stderr);
            if (running != 0)
                fprintf(stderr, "tssctl: %s: gave up after %.0f s with %zu node sessions unfinished\n", what,
                        o->timeout_s, running);
            return running == 0;
        }
        tssctl_sleep_ms(o->poll_ms > 0 ? o->poll_ms : POLL_INTERVAL_MS);
    }
}

static void free_tracked(tracked *ts, size_t n_ts, size_t n_targets)
{
    for (size_t s = 0; s < n_ts; s++)
        for (size_t t = 0; t < n_targets; t++)
            json_decref(ts[s].state[t]);
    free(ts);
}

/* Prints why a session failed on a node (with its culprits). */
static void print_failure(const node *n, const json_t *state)
{
    const json_t *f = json_object_get(state, "failure");
    fprintf(stderr, "tssctl: node %u: session %s failed (%s): %s", n->index, jstr(state, "session_id"),
            jstr(f, "code"), jstr(f, "message"));
    const json_t *c = json_object_get(f, "culprits");
    for (size_t i = 0; i < json_array_size(c); i++) {
        const json_t *x = json_array_get(c, i);
        fprintf(stderr, "%s node %lld (%s)", i == 0 ? "; culprits:" : ",",
                (long long)json_integer_value(json_object_get(x, "node")), jstr(x, "reason"));
    }
    fputc('\n', stderr);
}

/* Sends one start request to every target; false (after printing why) if any node refused it. */
static bool start_everywhere(const char *path, json_t *body, const node **targets, size_t n_targets)
{
    bool ok = true;
    for (size_t t = 0; t < n_targets; t++) {
        json_t *j;
        int st = call(targets[t], "POST", path, body, &j);
        if (st != 202) {
            if (st > 0)
                fprintf(stderr, "tssctl: node %u: %s refused: %d %s: %s\n", targets[t]->index, path, st,
                        error_code(j), error_text(j));
            ok = false;
        }
        json_decref(j);
    }
    return ok;
}

/* ---------------------------------------------------------------- commands */

static int cmd_status(const options *o)
{
    int rc = 0;
    json_t *out = json_array();
    for (size_t i = 0; i < o->n_nodes; i++) {
        const node *n = &o->nodes[i];
        json_t *j, *entry = json_pack("{s:i,s:s}", "node", (json_int_t)n->index, "url", n->url);
        int st = call(n, "GET", "/healthz", NULL, &j);
        bool up = st == 200 && strcmp(jstr(j, "status"), "ok") == 0;
        json_decref(j);
        json_object_set_new(entry, "up", json_boolean(up));
        char line[512];
        int len = snprintf(line, sizeof line, "node %-3u %-24s %s", n->index, n->url, up ? "up" : "DOWN");
        if (up) {
            st = call(n, "GET", "/v1/keys", NULL, &j);
            if (st == 200) {
                size_t k = json_array_size(json_object_get(j, "keys"));
                json_object_set_new(entry, "keys", json_integer((json_int_t)k));
                len += snprintf(line + len, sizeof line - (size_t)len, "  %zu keys", k);
            } else {
                len += snprintf(line + len, sizeof line - (size_t)len, "  keys: %d %s", st,
                                st > 0 ? error_code(j) : "unreachable");
                rc = EXIT_OPERATION;
            }
            json_decref(j);
            if (o->have_session) {
                char path[64], id[17];
                tss_api_format_id(id, o->session_id);
                snprintf(path, sizeof path, "/v1/sessions/%s", id);
                st = call(n, "GET", path, NULL, &j);
                if (st == 200) {
                    json_object_set(entry, "session", j);
                    snprintf(line + len, sizeof line - (size_t)len, "  session %s: %s %s", id, jstr(j, "kind"),
                             jstr(j, "state"));
                } else {
                    snprintf(line + len, sizeof line - (size_t)len, "  session %s: %s", id,
                             st > 0 ? error_code(j) : "unreachable");
                }
                json_decref(j);
            }
        } else {
            rc = EXIT_OPERATION;
        }
        if (!o->json)
            printf("%s\n", line);
        json_array_append_new(out, entry);
    }
    if (o->json) {
        json_dumpf(out, stdout, JSON_INDENT(2));
        putchar('\n');
    }
    json_decref(out);
    return rc;
}

static int cmd_keys(const options *o)
{
    /* key_id → {summary, nodes:[...]}, checking every node reports the same public parts. */
    json_t *merged = json_object();
    int rc = 0;
    for (size_t i = 0; i < o->n_nodes; i++) {
        const node *n = &o->nodes[i];
        json_t *j;
        char path[64] = "/v1/keys";
        if (o->have_key) {
            char id[17];
            tss_api_format_id(id, o->key_id);
            snprintf(path, sizeof path, "/v1/keys/%s", id);
        }
        int st = call(n, "GET", path, NULL, &j);
        if (o->have_key && st == 404) {
            json_decref(j);
            continue; /* this node holds no share of it */
        }
        if (st != 200) {
            if (st > 0)
                fprintf(stderr, "tssctl: node %u: %s: %d %s\n", n->index, path, st, error_text(j));
            json_decref(j);
            rc = EXIT_OPERATION;
            continue;
        }
        json_t *list = o->have_key ? json_pack("[O]", j) : json_incref(json_object_get(j, "keys"));
        for (size_t k = 0; k < json_array_size(list); k++) {
            json_t *key = json_array_get(list, k);
            const char *kid = jstr(key, "key_id");
            json_t *m = json_object_get(merged, kid);
            if (m == NULL) {
                m = json_pack("{s:O,s:[],s:b}", "key", key, "nodes", "agree", 1);
                json_object_set_new(merged, kid, m);
            } else {
                const json_t *first = json_object_get(m, "key");
                if (strcmp(jstr(first, "group_public_key"), jstr(key, "group_public_key")) != 0 ||
                    !json_equal(json_object_get(first, "threshold"), json_object_get(key, "threshold")) ||
                    !json_equal(json_object_get(first, "generation"), json_object_get(key, "generation")) ||
                    (o->have_key &&
                     !json_equal(json_object_get(first, "verifying_shares"), json_object_get(key, "verifying_shares")))) {
                    json_object_set_new(m, "agree", json_false());
                    rc = EXIT_OPERATION;
                }
            }
            json_array_append_new(json_object_get(m, "nodes"), json_integer(n->index));
        }
        json_decref(list);
        json_decref(j);
    }
    if (o->have_key && json_object_size(merged) == 0) {
        fprintf(stderr, "tssctl: no node holds key %016llx\n", (unsigned long long)o->key_id);
        rc = EXIT_OPERATION;
    }
    if (o->json) {
        json_t *arr = json_array();
        const char *k;
        json_t *m;
        json_object_foreach(merged, k, m) {
            json_t *e = json_deep_copy(json_object_get(m, "key"));
            json_object_set(e, "nodes", json_object_get(m, "nodes"));
            json_object_set(e, "agree", json_object_get(m, "agree"));
            json_array_append_new(arr, e);
        }
        json_dumpf(arr, stdout, JSON_INDENT(2));
        putchar('\n');
        json_decref(arr);
    } else {
        const char *k;
        json_t *m;
        printf("%-16s  %-13s  %-7s  %-3s  %-64s  %s\n", "key_id", "scheme", "t-of-n", "gen", "group_public_key",
               "held by");
        json_object_foreach(merged, k, m) {
            const json_t *key = json_object_get(m, "key");
            char tn[24];
            snprintf(tn, sizeof tn, "%lld-of-%lld", (long long)json_integer_value(json_object_get(key, "threshold")),
                     (long long)json_integer_value(json_object_get(key, "n_participants")));
            printf("%-16s  %-13s  %-7s  %-3lld  %-64s  ", k, jstr(key, "scheme"), tn,
                   (long long)json_integer_value(json_object_get(key, "generation")), jstr(key, "group_public_key"));
            const json_t *nodes = json_object_get(m, "nodes");
            for (size_t i = 0; i < json_array_size(nodes); i++)
                printf("%s%lld", i ? "," : "", (long long)json_integer_value(json_array_get(nodes, i)));
            printf("%s\n", json_is_true(json_object_get(m, "agree")) ? "" : "  NODES DISAGREE");
        }
    }
    json_decref(merged);
    return rc;
}

static uint64_t random_session_id(void)
{
    uint64_t v;
    randombytes_buf(&v, sizeof v);
    return v;
}

static int cmd_dkg(const options *o)
{
    uint16_t parts[TSS_API_MAX_PARTICIPANTS];
    size_t n_parts = o->n_participants;
    const node *targets[MAX_NODES];
    if (o->threshold <= 0) {
        fprintf(stderr, "tssctl: dkg needs --threshold T\n");
        return EXIT_USAGE;
    }
    if (n_parts == 0) {
        for (size_t i = 0; i < o->n_nodes; i++)
            parts[i] = (uint16_t)o->nodes[i].index;
        n_parts = o->n_nodes;
    } else {
        memcpy(parts, o->participants, n_parts * sizeof parts[0]);
    }
    if (n_parts > MAX_NODES) {
        fprintf(stderr, "tssctl: more than %d participants\n", MAX_NODES);
        return EXIT_USAGE;
    }
    size_t n_targets = 0;
    for (size_t i = 0; i < n_parts; i++) {
        if (skipped(o, parts[i]))
            continue; /* a drill: it stays a participant but never hears of the session */
        if ((targets[n_targets++] = node_by_index(o, parts[i])) == NULL) {
            fprintf(stderr, "tssctl: participant %u is not among the configured nodes\n", parts[i]);
            return EXIT_USAGE;
        }
    }
    uint64_t sid = o->have_session ? o->session_id : random_session_id();
    char id[17];
    tss_api_format_id(id, sid);
    json_t *body = json_pack("{s:s,s:o,s:i,s:s}", "session_id", id, "participants", indices_json(parts, n_parts),
                             "threshold", (json_int_t)o->threshold, "scheme", "frost-ed25519");
    double started = tssctl_now_s();
    bool ok = start_everywhere("/v1/dkg", body, targets, n_targets);
    json_decref(body);
    if (!ok)
        return EXIT_OPERATION;

    tracked *ts = calloc(1, sizeof *ts);
    if (ts == NULL)
        return EXIT_OPERATION;
    ts->session_id = sid;
    char what[64];
    snprintf(what, sizeof what, "dkg %s (%d-of-%zu)", id, o->threshold, n_parts);
    ok = poll_sessions(o, what, ts, 1, targets, n_targets, started);
    double elapsed = tssctl_now_s() - started;

    const json_t *ref = NULL;
    for (size_t t = 0; t < n_targets; t++) {
        const json_t *st = ts->state[t];
        if (st == NULL || strcmp(jstr(st, "state"), "done") != 0) {
            if (st != NULL && strcmp(jstr(st, "state"), "failed") == 0)
                print_failure(targets[t], st);
            ok = false;
            continue;
        }
        if (ref == NULL) {
            ref = st;
        } else if (!json_equal(json_object_get(ref, "result"), json_object_get(st, "result")) ||
                   strcmp(jstr(ref, "key_id"), jstr(st, "key_id")) != 0) {
            fprintf(stderr, "tssctl: node %u reports a different DKG result than node %u\n", targets[t]->index,
                    targets[0]->index);
            ok = false;
        }
    }
    if (ok && ref != NULL) {
        const json_t *res = json_object_get(ref, "result");
        if (o->json) {
            json_t *out = json_pack("{s:s,s:s,s:s,s:s,s:O,s:O,s:f}", "scheme", jstr(ref, "scheme"), "session_id", id,
                                    "key_id", jstr(ref, "key_id"), "group_public_key", jstr(res, "group_public_key"),
                                    "threshold", json_object_get(res, "threshold"), "participants",
                                    json_object_get(res, "participants"), "elapsed_ms", elapsed * 1000.0);
            json_dumpf(out, stdout, JSON_INDENT(2));
            putchar('\n');
            json_decref(out);
        } else {
            printf("dkg %s done on %zu nodes in %.1f ms (nodes agree)\n", id, n_targets, elapsed * 1000.0);
            printf("  key_id            %s\n", jstr(ref, "key_id"));
            printf("  threshold         %lld-of-%zu\n", (long long)json_integer_value(json_object_get(res, "threshold")),
                   n_parts);
            printf("  group_public_key  %s\n", jstr(res, "group_public_key"));
        }
    }
    free_tracked(ts, 1, n_targets);
    return ok ? 0 : EXIT_OPERATION;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* A short label for a message (hex): the text in quotes when it is printable ASCII, else the leading hex. */
static void message_label(const char *hex, char out[24])
{
    size_t n = strlen(hex) / 2;
    bool text = n > 0;
    char buf[19];
    size_t shown = n < 16 ? n : 16;
    for (size_t i = 0; i < n && text; i++) {
        unsigned v = 0;
        text = sscanf(hex + 2 * i, "%2x", &v) == 1 && v >= 0x20 && v < 0x7f && v != '"';
        if (i < shown)
            buf[i] = (char)v;
    }
    if (text) {
        buf[shown] = '\0';
        snprintf(out, 24, "\"%s%s\"", buf, n > shown ? ".." : "");
    } else {
        snprintf(out, 24, "%.16s%s", hex, strlen(hex) > 16 ? ".." : "");
    }
}

static int cmd_sign(const options *o)
{
    const node *targets[MAX_NODES];
    size_t n_targets = 0;
    if (!o->have_key || o->n_messages == 0) {
        fprintf(stderr, "tssctl: sign needs --key ID and at least one --message HEX or --text STRING\n");
        return EXIT_USAGE;
    }
    char key_hex[17];
    tss_api_format_id(key_hex, o->key_id);

    /* The key's holders and public key, from every node that has it (they must agree). */
    char path[64];
    snprintf(path, sizeof path, "/v1/keys/%s", key_hex);
    uint8_t pk[32];
    char pk_hex[65] = "";
    size_t n_holders = 0;
    uint16_t signers[TSS_API_MAX_PARTICIPANTS];
    size_t n_signers = o->n_signers;
    memcpy(signers, o->signers, n_signers * sizeof signers[0]);
    for (size_t i = 0; i < o->n_nodes; i++) {
        json_t *j;
        int st = call(&o->nodes[i], "GET", path, NULL, &j);
        if (st == 200 && json_integer_value(json_object_get(j, "own_index")) != 0) {
            n_holders = json_array_size(json_object_get(j, "participants"));
            const char *g = jstr(j, "group_public_key");
            if (pk_hex[0] == '\0') {
                snprintf(pk_hex, sizeof pk_hex, "%s", g);
            } else if (strcmp(pk_hex, g) != 0) {
                fprintf(stderr, "tssctl: node %u reports another group key for %s\n", o->nodes[i].index, key_hex);
                json_decref(j);
                return EXIT_OPERATION;
            }
            bool wanted = o->n_signers == 0;
            for (size_t s = 0; s < o->n_signers && !wanted; s++)
                wanted = o->signers[s] == o->nodes[i].index;
            if (wanted && !skipped(o, o->nodes[i].index))
                targets[n_targets++] = &o->nodes[i];
        } else if (st > 0 && st != 404) {
            fprintf(stderr, "tssctl: node %u: %s: %d %s\n", o->nodes[i].index, path, st, error_text(j));
        }
        json_decref(j);
    }
    if (pk_hex[0] == '\0' || sodium_hex2bin(pk, sizeof pk, pk_hex, 64, NULL, NULL, NULL) != 0) {
        fprintf(stderr, "tssctl: no reachable node holds key %s\n", key_hex);
        return EXIT_OPERATION;
    }
    if (n_targets == 0) {
        fprintf(stderr, "tssctl: none of the requested signers holds key %s\n", key_hex);
        return EXIT_OPERATION;
    }
    /* Holders we could not reach are left out of the candidate signers, so that no attempt waits on them. */
    if (o->n_signers == 0 && o->n_skip == 0 && n_targets < n_holders) {
        n_signers = n_targets;
        if (!o->quiet)
            fprintf(stderr, "tssctl: %zu of %zu holders of key %s reachable; signing with nodes", n_targets,
                    n_holders, key_hex);
        for (size_t t = 0; t < n_targets; t++) {
            signers[t] = (uint16_t)targets[t]->index;
            if (!o->quiet)
                fprintf(stderr, "%s%u", t == 0 ? " " : ",", targets[t]->index);
        }
        if (!o->quiet)
            fputc('\n', stderr);
    }

    tracked *ts = calloc(o->n_messages, sizeof *ts);
    if (ts == NULL)
        return EXIT_OPERATION;
    uint64_t base = o->have_session ? o->session_id : random_session_id();
    double started = tssctl_now_s();
    bool ok = true;
    char what[64];
    snprintf(what, sizeof what, "sign %zu message%s with %s", o->n_messages, o->n_messages == 1 ? "" : "s",
             key_hex);
    /* --sequential: each session is awaited before the next starts (unloaded latency); one line of progress. */
    options quiet_o = *o;
    quiet_o.quiet = true;
    quiet_o.poll_ms = 1; /* one session on loopback: poll closely so the wait does not dominate */
    for (size_t m = 0; m < o->n_messages && ok; m++) {
        char id[17];
        ts[m].session_id = base + m;
        ts[m].msg = m;
        tss_api_format_id(id, ts[m].session_id);
        json_t *body = json_pack("{s:s,s:s,s:s,s:s,s:b}", "session_id", id, "key_id", key_hex, "message",
                                 o->messages[m], "scheme", "frost-ed25519", "prehash", o->prehash);
        if (n_signers > 0)
            json_object_set_new(body, "signers", indices_json(signers, n_signers));
        ok = start_everywhere("/v1/sign", body, targets, n_targets);
        json_decref(body);
        if (ok && o->sequential) {
            ok = poll_sessions(&quiet_o, what, &ts[m], 1, targets, n_targets, tssctl_now_s());
            for (size_t t = 0; t < n_targets && ok; t++)
                ok = strcmp(jstr(ts[m].state[t], "state"), "done") == 0;
        }
    }
    if (!ok && !o->sequential) {
        free_tracked(ts, o->n_messages, n_targets);
        return EXIT_OPERATION;
    }
    if (!o->sequential)
        ok = poll_sessions(o, what, ts, o->n_messages, targets, n_targets, started);
    else if (!o->quiet)
        fprintf(stderr, "%s one at a time: %s after %.1f s\n", what, ok ? "done" : "stopped at a failure",
                tssctl_now_s() - started);
    double elapsed = tssctl_now_s() - started;

    double *lat = calloc(o->n_messages, sizeof *lat);
    json_t *results = json_array();
    size_t verified = 0;
    for (size_t m = 0; m < o->n_messages && lat != NULL; m++) {
        const char *sig_hex = NULL;
        bool agree = true, done_any = false;
        for (size_t t = 0; t < n_targets; t++) {
            const json_t *st = ts[m].state[t];
            if (st == NULL || strcmp(jstr(st, "state"), "done") != 0) {
                if (st != NULL && strcmp(jstr(st, "state"), "failed") == 0)
                    print_failure(targets[t], st);
                continue;
            }
            double e = json_number_value(json_object_get(st, "elapsed_ms"));
            lat[m] = e > lat[m] ? e : lat[m];
            const char *s = jstr(json_object_get(st, "result"), "signature");
            if (!done_any)
                sig_hex = s;
            else if (strcmp(sig_hex, s) != 0)
                agree = false;
            done_any = true;
        }
        if (!done_any || !agree) {
            fprintf(stderr, "tssctl: message %zu: %s\n", m, !done_any ? "no node finished" : "nodes disagree on the signature");
            ok = false;
            continue;
        }
        /* Verify it ourselves, over the message or its SHA-512 when prehashed. */
        size_t ml = strlen(o->messages[m]) / 2;
        uint8_t *msg = malloc(ml + 1), sig[64], digest[64];
        bool valid = msg != NULL && sodium_hex2bin(msg, ml + 1, o->messages[m], 2 * ml, NULL, NULL, NULL) == 0 &&
                     sodium_hex2bin(sig, sizeof sig, sig_hex, strlen(sig_hex), NULL, NULL, NULL) == 0 &&
                     strlen(sig_hex) == 128;
        if (valid && o->prehash) {
            crypto_hash_sha512(digest, msg, ml);
            valid = crypto_sign_verify_detached(sig, digest, sizeof digest, pk) == 0;
        } else if (valid) {
            valid = crypto_sign_verify_detached(sig, msg, ml, pk) == 0;
        }
        free(msg);
        if (!valid) {
            fprintf(stderr, "tssctl: message %zu: the signature does NOT verify\n", m);
            ok = false;
            continue;
        }
        verified++;
        json_array_append_new(results,
                              json_pack("{s:s,s:s,s:s,s:s,s:s,s:b}", "scheme", "frost-ed25519", "key_id", key_hex,
                                        "group_public_key", pk_hex, "message", o->messages[m], "signature", sig_hex,
                                        "prehash", o->prehash));
    }
    if (o->json) {
        json_t *out = json_array_size(results) == 1 && o->n_messages == 1 ? json_array_get(results, 0) : results;
        json_dumpf(out, stdout, JSON_INDENT(2));
        putchar('\n');
    } else {
        printf("signed %zu/%zu messages with key %s on %zu nodes in %.1f ms; %s\n", verified, o->n_messages,
               key_hex, n_targets, elapsed * 1000.0,
               verified == o->n_messages ? "every signature verified (libsodium)"
                                         : "FAILED (the signatures shown verified)");
        printf("  group_public_key  %s\n", pk_hex);
        for (size_t i = 0; i < json_array_size(results) && i < 3; i++) {
            char shown[24];
            message_label(jstr(json_array_get(results, i), "message"), shown);
            printf("  %-20s  %s\n", shown, jstr(json_array_get(results, i), "signature"));
        }
        if (lat != NULL && verified > 0) {
            qsort(lat, o->n_messages, sizeof *lat, cmp_double);
            size_t n = o->n_messages;
            printf("  session latency (node-reported) p50 %.2f ms, p99 %.2f ms, max %.2f ms; %.0f signatures/s\n",
                   lat[n / 2], lat[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1], lat[n - 1],
                   (double)verified / elapsed);
        }
    }
    json_decref(results);
    free(lat);
    free_tracked(ts, o->n_messages, n_targets);
    return ok && verified == o->n_messages ? 0 : EXIT_OPERATION;
}

/* ---------------------------------------------------------------- main */

static int add_message(options *o, const char *hex)
{
    if (o->n_messages == MAX_MESSAGES) {
        fprintf(stderr, "tssctl: at most %d messages\n", MAX_MESSAGES);
        return EXIT_USAGE;
    }
    size_t n = strlen(hex);
    if (n % 2 != 0 || n / 2 > TSS_API_MAX_MESSAGE || strspn(hex, "0123456789abcdefABCDEF") != n) {
        fprintf(stderr, "tssctl: --message must be even-length hex of at most %d bytes\n", TSS_API_MAX_MESSAGE);
        return EXIT_USAGE;
    }
    o->messages[o->n_messages] = strdup(hex);
    return o->messages[o->n_messages++] != NULL ? 0 : EXIT_OPERATION;
}

int main(int argc, char **argv)
{
    static options o;
    static node nodes[MAX_NODES];
    static char *messages[MAX_MESSAGES];
    const char *node_urls[MAX_NODES];
    size_t n_urls = 0;
    const char *configs[MAX_NODES];
    size_t n_configs = 0;
    const char *cluster = NULL;
    int rc = 0;

    if (argc >= 2 && strcmp(argv[1], "cluster") == 0) {
        if (tss_init() != TSS_OK) {
            fprintf(stderr, "tssctl: libsodium failed to initialise\n");
            return EXIT_OPERATION;
        }
        return tssctl_cluster_main(argc - 1, argv + 1);
    }
    o.nodes = nodes;
    o.messages = messages;
    o.timeout_s = 60;
    if (tss_init() != TSS_OK) {
        fprintf(stderr, "tssctl: libsodium failed to initialise\n");
        return EXIT_OPERATION;
    }
    enum { O_CLUSTER = 256, O_CONFIG, O_NODE, O_TOKEN, O_TIMEOUT, O_JSON, O_QUIET, O_SESSION, O_KEY, O_THRESHOLD,
           O_PARTS, O_SIGNERS, O_PREHASH, O_MESSAGE, O_TEXT, O_HELP, O_SKIP, O_SEQUENTIAL };
    static const struct option longopts[] = {
        {"cluster", required_argument, NULL, O_CLUSTER}, {"config", required_argument, NULL, O_CONFIG},
        {"node", required_argument, NULL, O_NODE},       {"token-file", required_argument, NULL, O_TOKEN},
        {"timeout", required_argument, NULL, O_TIMEOUT}, {"json", no_argument, NULL, O_JSON},
        {"quiet", no_argument, NULL, O_QUIET},           {"session", required_argument, NULL, O_SESSION},
        {"key", required_argument, NULL, O_KEY},         {"threshold", required_argument, NULL, O_THRESHOLD},
        {"participants", required_argument, NULL, O_PARTS}, {"signers", required_argument, NULL, O_SIGNERS},
        {"prehash", no_argument, NULL, O_PREHASH},       {"message", required_argument, NULL, O_MESSAGE},
        {"text", required_argument, NULL, O_TEXT},       {"help", no_argument, NULL, O_HELP},
        {"skip", required_argument, NULL, O_SKIP},       {"sequential", no_argument, NULL, O_SEQUENTIAL},
        {NULL, 0, NULL, 0}};
    int c;
    while (rc == 0 && (c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        char *end;
        switch (c) {
        case O_CLUSTER: cluster = optarg; break;
        case O_CONFIG:
            if (n_configs == MAX_NODES)
                rc = EXIT_USAGE;
            else
                configs[n_configs++] = optarg;
            break;
        case O_NODE:
            if (n_urls == MAX_NODES)
                rc = EXIT_USAGE;
            else
                node_urls[n_urls++] = optarg;
            break;
        case O_TOKEN: o.token_file = optarg; break;
        case O_TIMEOUT:
            o.timeout_s = strtod(optarg, &end);
            if (*end != '\0' || !(o.timeout_s > 0))
                rc = EXIT_USAGE;
            break;
        case O_JSON: o.json = true; break;
        case O_QUIET: o.quiet = true; break;
        case O_SESSION:
            o.have_session = tss_api_parse_id(optarg, &o.session_id) == TSS_OK;
            if (!o.have_session) {
                fprintf(stderr, "tssctl: --session takes 16 hex digits\n");
                rc = EXIT_USAGE;
            }
            break;
        case O_KEY:
            o.have_key = tss_api_parse_id(optarg, &o.key_id) == TSS_OK;
            if (!o.have_key) {
                fprintf(stderr, "tssctl: --key takes 16 hex digits\n");
                rc = EXIT_USAGE;
            }
            break;
        case O_THRESHOLD: {
            long t = strtol(optarg, &end, 10);
            if (*end != '\0' || t < 1 || t > 65535)
                rc = EXIT_USAGE;
            o.threshold = (int)t;
            break;
        }
        case O_PARTS:
            if (parse_index_list(optarg, o.participants, &o.n_participants) != 0)
                rc = EXIT_USAGE;
            break;
        case O_SIGNERS:
            if (parse_index_list(optarg, o.signers, &o.n_signers) != 0)
                rc = EXIT_USAGE;
            break;
        case O_SKIP:
            if (parse_index_list(optarg, o.skip, &o.n_skip) != 0)
                rc = EXIT_USAGE;
            break;
        case O_PREHASH: o.prehash = true; break;
        case O_SEQUENTIAL: o.sequential = true; break;
        case O_MESSAGE: rc = add_message(&o, optarg); break;
        case O_TEXT: {
            size_t n = strlen(optarg);
            char *hex = malloc(2 * n + 1);
            if (hex == NULL)
                return EXIT_OPERATION;
            sodium_bin2hex(hex, 2 * n + 1, (const uint8_t *)optarg, n);
            rc = add_message(&o, hex);
            free(hex);
            break;
        }
        case O_HELP:
        case 'h': usage(stdout); return 0;
        default: rc = EXIT_USAGE; break;
        }
    }
    if (rc != 0 || optind != argc - 1) {
        if (rc == 0)
            fprintf(stderr, "tssctl: expected exactly one command\n");
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[optind];

    if (cluster != NULL) {
        char pattern[TSS_CONFIG_PATH_MAX];
        glob_t g;
        snprintf(pattern, sizeof pattern, "%s/node*.ini", cluster);
        if (glob(pattern, 0, NULL, &g) != 0) {
            fprintf(stderr, "tssctl: %s: no node*.ini files\n", cluster);
            return EXIT_USAGE;
        }
        for (size_t i = 0; rc == 0 && i < g.gl_pathc; i++)
            rc = add_config_node(&o, g.gl_pathv[i]);
        globfree(&g);
    }
    for (size_t i = 0; rc == 0 && i < n_configs; i++)
        rc = add_config_node(&o, configs[i]);
    if (rc == 0 && n_urls > 0) {
        if (o.n_nodes > 0) {
            fprintf(stderr, "tssctl: use either --node or --cluster/--config\n");
            return EXIT_USAGE;
        }
        if (o.token_file == NULL) {
            fprintf(stderr, "tssctl: --node needs --token-file\n");
            return EXIT_USAGE;
        }
        char token[TSS_API_TOKEN_MAX + 1];
        if (read_token(o.token_file, token, sizeof token) == NULL)
            return EXIT_USAGE;
        for (size_t i = 0; i < n_urls; i++) {
            node *n = &o.nodes[o.n_nodes++];
            n->index = (uint32_t)(i + 1);
            snprintf(n->url, sizeof n->url, "%s", node_urls[i]);
            memcpy(n->token, token, sizeof token);
            if (tss_http_parse_url(node_urls[i], &n->ep) != TSS_OK) {
                fprintf(stderr, "tssctl: bad node URL \"%s\" (expected http://IP:PORT)\n", node_urls[i]);
                return EXIT_USAGE;
            }
        }
        sodium_memzero(token, sizeof token);
    }
    if (rc != 0)
        return rc;
    if (o.n_nodes == 0) {
        fprintf(stderr, "tssctl: no nodes: give --cluster DIR, --config FILE or --node URL\n");
        return EXIT_USAGE;
    }

    if (strcmp(cmd, "status") == 0)
        rc = cmd_status(&o);
    else if (strcmp(cmd, "keys") == 0)
        rc = cmd_keys(&o);
    else if (strcmp(cmd, "dkg") == 0)
        rc = cmd_dkg(&o);
    else if (strcmp(cmd, "sign") == 0)
        rc = cmd_sign(&o);
    else {
        fprintf(stderr, "tssctl: unknown command \"%s\"\n", cmd);
        usage(stderr);
        rc = EXIT_USAGE;
    }
    for (size_t i = 0; i < o.n_nodes; i++)
        sodium_memzero(o.nodes[i].token, sizeof o.nodes[i].token);
    for (size_t i = 0; i < o.n_messages; i++)
        free(o.messages[i]);
    return rc;
}
