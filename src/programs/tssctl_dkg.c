/* tssctl dkg: a FROST(Ed25519) key generation on every participant; the nodes must agree on the result. */
#include "src/programs/tssctl.h"
#include "src/programs/tssctl_clock.h"

#include <stdlib.h>
#include <string.h>

/* The participants (default: every node) and the nodes the request goes to (all but --skip). */
static int dkg_targets(const options *o, uint16_t *parts, size_t *n_parts, const node **targets, size_t *n_targets)
{
    *n_parts = o->n_participants;
    if (*n_parts == 0) {
        for (size_t i = 0; i < o->n_nodes; i++)
            parts[i] = (uint16_t)o->nodes[i].index;
        *n_parts = o->n_nodes;
    } else {
        memcpy(parts, o->participants, *n_parts * sizeof parts[0]);
    }
    if (*n_parts > TSSCTL_MAX_NODES) {
        fprintf(stderr, "tssctl: dkg: more than %d participants\n", TSSCTL_MAX_NODES);
        return EXIT_USAGE;
    }
    if ((size_t)o->threshold > *n_parts) {
        fprintf(stderr, "tssctl: --threshold %d exceeds the %zu participant%s\n", o->threshold, *n_parts,
                *n_parts == 1 ? "" : "s");
        return EXIT_USAGE;
    }
    *n_targets = 0;
    for (size_t i = 0; i < *n_parts; i++) {
        if (tssctl_skipped(o, parts[i]))
            continue; /* a drill: it stays a participant but never hears of the session */
        if ((targets[(*n_targets)++] = tssctl_node_by_index(o, parts[i])) == NULL) {
            fprintf(stderr, "tssctl: participant %u is not among the configured nodes\n", parts[i]);
            return EXIT_USAGE;
        }
    }
    return 0;
}

/* The result every target reported, if they all finished it and agree; NULL (reasons printed) otherwise. */
static const json_t *agreed_result(const tracked *ts, const node *const *targets, size_t n_targets)
{
    const json_t *ref = NULL;
    bool ok = true;
    for (size_t t = 0; t < n_targets; t++) {
        const json_t *st = ts->state[t];
        if (strcmp(tssctl_state(ts, t), "done") != 0) {
            if (strcmp(tssctl_state(ts, t), "failed") == 0)
                tssctl_print_failure(targets[t], st);
            ok = false;
        } else if (ref == NULL) {
            ref = st;
        } else if (!json_equal(json_object_get(ref, "result"), json_object_get(st, "result")) ||
                   strcmp(tssctl_jstr(ref, "key_id"), tssctl_jstr(st, "key_id")) != 0) {
            fprintf(stderr, "tssctl: node %u reports a different DKG result than node %u\n", targets[t]->index,
                    targets[0]->index);
            ok = false;
        }
    }
    return ok ? ref : NULL;
}

static void print_result(const options *o, const json_t *ref, const char *id, size_t n_targets, size_t n_parts,
                         double elapsed)
{
    const json_t *res = json_object_get(ref, "result");
    if (o->json) {
        json_t *out = json_pack("{s:s,s:s,s:s,s:s,s:O,s:O,s:f}", "scheme", tssctl_jstr(ref, "scheme"), "session_id",
                                id, "key_id", tssctl_jstr(ref, "key_id"), "group_public_key",
                                tssctl_jstr(res, "group_public_key"), "threshold", json_object_get(res, "threshold"),
                                "participants", json_object_get(res, "participants"), "elapsed_ms", elapsed * 1000.0);
        json_dumpf(out, stdout, JSON_INDENT(2));
        putchar('\n');
        json_decref(out);
        return;
    }
    printf("dkg %s done on %zu %s in %.1f ms (nodes agree)\n", id, n_targets, tssctl_plural(n_targets, "node", "nodes"),
           elapsed * 1000.0);
    printf("  key_id            %s\n", tssctl_jstr(ref, "key_id"));
    printf("  threshold         %lld-of-%zu\n", (long long)json_integer_value(json_object_get(res, "threshold")),
           n_parts);
    printf("  group_public_key  %s\n", tssctl_jstr(res, "group_public_key"));
}

int tssctl_cmd_dkg(const options *o)
{
    uint16_t parts[TSS_API_MAX_PARTICIPANTS];
    const node *targets[TSSCTL_MAX_NODES];
    size_t n_parts, n_targets;
    int rc = dkg_targets(o, parts, &n_parts, targets, &n_targets);
    if (rc != 0)
        return rc;
    uint64_t sid = o->have_session ? o->session_id : tssctl_random_id();
    char id[17];
    tss_api_format_id(id, sid);
    json_t *body = json_pack("{s:s,s:o,s:i,s:s}", "session_id", id, "participants",
                             tssctl_indices_json(parts, n_parts), "threshold", (json_int_t)o->threshold, "scheme",
                             "frost-ed25519");
    double started = tssctl_now_s();
    bool ok = tssctl_start_everywhere("/v1/dkg", body, targets, n_targets);
    json_decref(body);
    if (!ok)
        return EXIT_OPERATION;

    tracked *ts = calloc(1, sizeof *ts);
    if (ts == NULL)
        return EXIT_OPERATION;
    ts->session_id = sid;
    char what[64];
    snprintf(what, sizeof what, "dkg %s (%d-of-%zu)", id, o->threshold, n_parts);
    tssctl_poll_sessions(o, what, "nodes", ts, 1, targets, n_targets, started);
    double elapsed = tssctl_now_s() - started;
    const json_t *ref = agreed_result(ts, targets, n_targets);
    if (ref != NULL)
        print_result(o, ref, id, n_targets, n_parts, elapsed);
    tssctl_free_tracked(ts, 1, n_targets);
    return ref != NULL ? 0 : EXIT_OPERATION;
}
