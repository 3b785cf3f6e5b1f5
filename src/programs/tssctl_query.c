/* tssctl status and tssctl keys: what every node reports, checked for agreement. */
#include "src/programs/tssctl.h"

#include <stdlib.h>
#include <string.h>

/* The node's verification backend and CPU from GET /v1/status (nodes that predate it answer 404: nothing shown). */
static int status_backend(const node *n, json_t *entry, char *line, size_t cap)
{
    json_t *j;
    int len = 0;
    if (tssctl_call(n, "GET", "/v1/status", NULL, &j) == 200) {
        const char *backend = tssctl_jstr(j, "backend"), *choice = tssctl_jstr(j, "backend_choice");
        if (backend[0] != '\0') {
            json_object_set_new(entry, "backend", json_string(backend));
            len = snprintf(line, cap, "  backend %s%s%s%s", backend, choice[0] != '\0' ? " (" : "", choice,
                           choice[0] != '\0' ? ")" : "");
        }
        if (json_object_get(j, "cpu") != NULL)
            json_object_set(entry, "cpu", json_object_get(j, "cpu"));
        if (json_object_get(j, "cpu_features") != NULL)
            json_object_set(entry, "cpu_features", json_object_get(j, "cpu_features"));
    }
    json_decref(j);
    return len;
}

/* One node's line (and JSON entry): health, verification backend, key count, a session's state. */
static int status_one(const options *o, const node *n, json_t *entry, char *line, size_t cap)
{
    json_t *j;
    int rc = 0, st = tssctl_call(n, "GET", "/healthz", NULL, &j);
    bool up = st == 200 && strcmp(tssctl_jstr(j, "status"), "ok") == 0;
    int len = snprintf(line, cap, "node %-3u %-24s %s", n->index, n->url, up ? "up" : "DOWN");
    json_object_set_new(entry, "up", json_boolean(up));
    json_decref(j);
    if (!up)
        return EXIT_OPERATION;
    len += status_backend(n, entry, line + len, cap - (size_t)len);
    st = tssctl_call(n, "GET", "/v1/keys", NULL, &j);
    if (st == 200) {
        size_t k = json_array_size(json_object_get(j, "keys"));
        json_object_set_new(entry, "keys", json_integer((json_int_t)k));
        len += snprintf(line + len, cap - (size_t)len, "  %zu %s", k, tssctl_plural(k, "key", "keys"));
    } else {
        len += snprintf(line + len, cap - (size_t)len, "  keys: %d %s", st,
                        st > 0 ? tssctl_error_code(j) : "unreachable");
        rc = EXIT_OPERATION;
    }
    json_decref(j);
    if (o->have_session) {
        char path[64], id[17];
        tss_api_format_id(id, o->session_id);
        snprintf(path, sizeof path, "/v1/sessions/%s", id);
        st = tssctl_call(n, "GET", path, NULL, &j);
        if (st == 200) {
            json_object_set(entry, "session", j);
            snprintf(line + len, cap - (size_t)len, "  session %s: %s %s", id, tssctl_jstr(j, "kind"),
                     tssctl_jstr(j, "state"));
        } else {
            snprintf(line + len, cap - (size_t)len, "  session %s: %s", id,
                     st > 0 ? tssctl_error_code(j) : "unreachable");
        }
        json_decref(j);
    }
    return rc;
}

int tssctl_cmd_status(const options *o)
{
    int rc = 0;
    json_t *out = json_array();
    for (size_t i = 0; i < o->n_nodes; i++) {
        const node *n = &o->nodes[i];
        json_t *entry = json_pack("{s:i,s:s}", "node", (json_int_t)n->index, "url", n->url);
        char line[512];
        int r = status_one(o, n, entry, line, sizeof line);
        rc = rc != 0 ? rc : r;
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

int tssctl_cmd_keys(const options *o)
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
        int st = tssctl_call(n, "GET", path, NULL, &j);
        if (o->have_key && st == 404) {
            json_decref(j);
            continue; /* this node holds no share of it */
        }
        if (st != 200) {
            if (st > 0)
                fprintf(stderr, "tssctl: node %u: %s: %d %s\n", n->index, path, st, tssctl_error_text(j));
            json_decref(j);
            rc = EXIT_OPERATION;
            continue;
        }
        json_t *list = o->have_key ? json_pack("[O]", j) : json_incref(json_object_get(j, "keys"));
        for (size_t k = 0; k < json_array_size(list); k++) {
            json_t *key = json_array_get(list, k);
            const char *kid = tssctl_jstr(key, "key_id");
            json_t *m = json_object_get(merged, kid);
            if (m == NULL) {
                m = json_pack("{s:O,s:[],s:b}", "key", key, "nodes", "agree", 1);
                json_object_set_new(merged, kid, m);
            } else {
                const json_t *first = json_object_get(m, "key");
                if (strcmp(tssctl_jstr(first, "group_public_key"), tssctl_jstr(key, "group_public_key")) != 0 ||
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
            printf("%-16s  %-13s  %-7s  %-3lld  %-64s  ", k, tssctl_jstr(key, "scheme"), tn,
                   (long long)json_integer_value(json_object_get(key, "generation")), tssctl_jstr(key, "group_public_key"));
            const json_t *nodes = json_object_get(m, "nodes");
            for (size_t i = 0; i < json_array_size(nodes); i++)
                printf("%s%lld", i ? "," : "", (long long)json_integer_value(json_array_get(nodes, i)));
            printf("%s\n", json_is_true(json_object_get(m, "agree")) ? "" : "  NODES DISAGREE");
        }
    }
    json_decref(merged);
    return rc;
}
