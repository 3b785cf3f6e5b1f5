/* tssctl: which nodes a command talks to (--cluster DIR, --config FILE, --node URL, or the default cluster
 * directory) and the HTTP/JSON calls to them. */
#include "src/programs/tssctl.h"

#include "src/config.h"
#include "tss/common.h"

#include <arpa/inet.h>
#include <errno.h>
#include <glob.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define HTTP_TIMEOUT_MS 5000

const char *tssctl_default_cluster_dir(char *out, size_t cap)
{
    const char *env = getenv("TSS_CLUSTER"), *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    if (env != NULL && env[0] != '\0')
        snprintf(out, cap, "%s", env);
    else if (state != NULL && state[0] == '/')
        snprintf(out, cap, "%s/tss/cluster", state);
    else
        snprintf(out, cap, "%s/.local/state/tss/cluster", home != NULL && home[0] != '\0' ? home : ".");
    return out;
}

const char *tssctl_plural(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
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
    if (o->n_nodes == TSSCTL_MAX_NODES) {
        fprintf(stderr, "tssctl: more than %d nodes\n", TSSCTL_MAX_NODES);
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

/* Every node*.ini of dir. */
static int add_cluster_dir(options *o, const char *dir, bool is_default)
{
    char pattern[TSS_CONFIG_PATH_MAX];
    glob_t g;
    struct stat st;
    snprintf(pattern, sizeof pattern, "%s/node*.ini", dir);
    if (glob(pattern, 0, NULL, &g) != 0) {
        if (is_default)
            fprintf(stderr, "tssctl: no nodes given, and the default cluster directory %s %s; name the nodes "
                            "with --cluster DIR, --config FILE or --node URL, or start a local cluster with "
                            "`tssctl cluster up --nodes 3`\n",
                    dir, stat(dir, &st) == 0 ? "holds no node*.ini" : "does not exist");
        else
            fprintf(stderr, "tssctl: --cluster %s: %s\n", dir,
                    stat(dir, &st) != 0 ? strerror(errno) : "no node*.ini in it (not a cluster directory)");
        return EXIT_USAGE;
    }
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < g.gl_pathc; i++)
        rc = add_config_node(o, g.gl_pathv[i]);
    globfree(&g);
    return rc;
}

static int add_url_nodes(tssctl_args *a)
{
    options *o = &a->o;
    char token[TSS_API_TOKEN_MAX + 1];
    if (read_token(o->token_file, token, sizeof token) == NULL)
        return EXIT_USAGE;
    for (size_t i = 0; i < a->n_urls; i++) {
        node *n = &o->nodes[o->n_nodes++];
        n->index = (uint32_t)(i + 1);
        snprintf(n->url, sizeof n->url, "%s", a->node_urls[i]);
        memcpy(n->token, token, sizeof token);
        tss_http_parse_url(a->node_urls[i], &n->ep); /* checked when parsed */
    }
    sodium_memzero(token, sizeof token);
    return 0;
}

int tssctl_load_nodes(tssctl_args *a)
{
    int rc = 0;
    if (a->n_urls > 0)
        return add_url_nodes(a);
    if (a->cluster_dir != NULL)
        rc = add_cluster_dir(&a->o, a->cluster_dir, false);
    for (size_t i = 0; rc == 0 && i < a->n_configs; i++)
        rc = add_config_node(&a->o, a->configs[i]);
    if (rc == 0 && a->cluster_dir == NULL && a->n_configs == 0) {
        char dir[TSS_CONFIG_PATH_MAX];
        rc = add_cluster_dir(&a->o, tssctl_default_cluster_dir(dir, sizeof dir), true);
    }
    return rc;
}

const node *tssctl_node_by_index(const options *o, uint32_t index)
{
    for (size_t i = 0; i < o->n_nodes; i++)
        if (o->nodes[i].index == index)
            return &o->nodes[i];
    return NULL;
}

bool tssctl_skipped(const options *o, uint32_t index)
{
    for (size_t i = 0; i < o->n_skip; i++)
        if (o->skip[i] == index)
            return true;
    return false;
}

int tssctl_call(const node *n, const char *method, const char *path, json_t *body, json_t **out)
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

const char *tssctl_error_text(const json_t *j)
{
    const char *m = json_string_value(json_object_get(json_object_get(j, "error"), "message"));
    return m != NULL ? m : "(no message)";
}

const char *tssctl_error_code(const json_t *j)
{
    const char *c = json_string_value(json_object_get(json_object_get(j, "error"), "code"));
    return c != NULL ? c : "?";
}

const char *tssctl_jstr(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s != NULL ? s : "";
}

json_t *tssctl_indices_json(const uint16_t *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_integer(v[i]));
    return a;
}

uint64_t tssctl_random_id(void)
{
    uint64_t v;
    randombytes_buf(&v, sizeof v);
    return v;
}
