/* tssctl sign: one FROST(Ed25519) signing session per message on the key's holders; every signature is checked
 * with libsodium before it is printed, and a session that failed on any node fails the command. */
#include "src/programs/tssctl.h"
#include "src/programs/tssctl_clock.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define RATE_MIN_MESSAGES 10  /* a signatures/s figure over fewer messages says nothing */
#define P99_MIN_MESSAGES 100  /* a p99 over fewer is the maximum */
#define HINT_MAX_HEX 64       /* the verify hint shows the message when it is this short */

typedef struct sign_plan {
    char key_hex[17];
    uint8_t pk[32];
    char pk_hex[65];
    size_t n_holders;
    const node *targets[TSSCTL_MAX_NODES]; /* the nodes the requests go to */
    size_t n_targets;
    uint16_t signers[TSS_API_MAX_PARTICIPANTS]; /* the request's "signers" (0: the node chooses) */
    size_t n_signers;
} sign_plan;

/* The key's holders and group key, from every node that has it (they must agree); the targets among them. */
static int find_holders(const options *o, sign_plan *p)
{
    char path[64];
    snprintf(path, sizeof path, "/v1/keys/%s", p->key_hex);
    for (size_t i = 0; i < o->n_nodes; i++) {
        json_t *j;
        int st = tssctl_call(&o->nodes[i], "GET", path, NULL, &j);
        if (st == 200 && json_integer_value(json_object_get(j, "own_index")) != 0) {
            p->n_holders = json_array_size(json_object_get(j, "participants"));
            const char *g = tssctl_jstr(j, "group_public_key");
            if (p->pk_hex[0] == '\0') {
                snprintf(p->pk_hex, sizeof p->pk_hex, "%s", g);
            } else if (strcmp(p->pk_hex, g) != 0) {
                fprintf(stderr, "tssctl: node %u reports another group key for %s\n", o->nodes[i].index, p->key_hex);
                json_decref(j);
                return EXIT_OPERATION;
            }
            bool wanted = o->n_signers == 0;
            for (size_t s = 0; s < o->n_signers && !wanted; s++)
                wanted = o->signers[s] == o->nodes[i].index;
            if (wanted && !tssctl_skipped(o, o->nodes[i].index))
                p->targets[p->n_targets++] = &o->nodes[i];
        } else if (st > 0 && st != 404) {
            fprintf(stderr, "tssctl: node %u: %s: %d %s\n", o->nodes[i].index, path, st, tssctl_error_text(j));
        }
        json_decref(j);
    }
    if (p->pk_hex[0] == '\0' || sodium_hex2bin(p->pk, sizeof p->pk, p->pk_hex, 64, NULL, NULL, NULL) != 0) {
        fprintf(stderr, "tssctl: no reachable node holds key %s\n", p->key_hex);
        return EXIT_OPERATION;
    }
    if (p->n_targets == 0) {
        fprintf(stderr, "tssctl: none of the requested signers holds key %s\n", p->key_hex);
        return EXIT_OPERATION;
    }
    return 0;
}

/* The request's signers: --signers, or, when some holders are unreachable, the reachable ones (so that no
 * attempt waits on a node that is down). */
static void choose_signers(const options *o, sign_plan *p)
{
    p->n_signers = o->n_signers;
    memcpy(p->signers, o->signers, o->n_signers * sizeof p->signers[0]);
    if (o->n_signers != 0 || o->n_skip != 0 || p->n_targets >= p->n_holders)
        return;
    p->n_signers = p->n_targets;
    if (!o->quiet)
        fprintf(stderr, "tssctl: %zu of %zu holders of key %s reachable; signing with nodes", p->n_targets,
                p->n_holders, p->key_hex);
    for (size_t t = 0; t < p->n_targets; t++) {
        p->signers[t] = (uint16_t)p->targets[t]->index;
        if (!o->quiet)
            fprintf(stderr, "%s%u", t == 0 ? " " : ",", p->targets[t]->index);
    }
    if (!o->quiet)
        fputc('\n', stderr);
}

static bool start_one(const options *o, const sign_plan *p, tracked *t, size_t m)
{
    char id[17];
    tss_api_format_id(id, t->session_id);
    json_t *body = json_pack("{s:s,s:s,s:s,s:s,s:b}", "session_id", id, "key_id", p->key_hex, "message",
                             o->messages[m], "scheme", "frost-ed25519", "prehash", o->prehash);
    if (p->n_signers > 0)
        json_object_set_new(body, "signers", tssctl_indices_json(p->signers, p->n_signers));
    bool ok = tssctl_start_everywhere("/v1/sign", body, p->targets, p->n_targets);
    json_decref(body);
    return ok;
}

/* Starts a session per message (all at once, or --sequential one after the other) and waits for them; stops
 * starting at the first refusal (or, --sequential, failure). */
static bool run_sessions(const options *o, const sign_plan *p, tracked *ts, const char *what, size_t *n_started)
{
    uint64_t base = o->have_session ? o->session_id : tssctl_random_id();
    double started = tssctl_now_s();
    options one_o = *o;
    one_o.quiet = true;
    one_o.poll_ms = 1; /* one session on loopback: poll closely so the wait does not dominate */
    bool ok = true;
    for (size_t m = 0; m < o->n_messages && ok; m++) {
        ts[m].session_id = base + m;
        ok = start_one(o, p, &ts[m], m);
        *n_started = m + 1;
        if (ok && o->sequential) {
            ok = tssctl_poll_sessions(&one_o, what, "messages", &ts[m], 1, p->targets, p->n_targets,
                                      tssctl_now_s());
            for (size_t t = 0; t < p->n_targets && ok; t++)
                ok = strcmp(tssctl_state(&ts[m], t), "done") == 0;
        }
    }
    if (!o->sequential && !ok)
        *n_started = 0; /* a node refused: the error is printed; nothing to wait for */
    if (!o->sequential)
        return ok && tssctl_poll_sessions(o, what, "messages", ts, o->n_messages, p->targets, p->n_targets, started);
    if (!o->quiet)
        fprintf(stderr, "%s one at a time: %s after %.1f ms\n", what, ok ? "done" : "stopped at a failure",
                (tssctl_now_s() - started) * 1000.0);
    return ok;
}

typedef struct sign_outcome {
    json_t *results;   /* the verified signatures, as printed with --json */
    double *latency_ms; /* per message: the slowest node's session time */
    size_t verified;
    size_t failed_node_sessions;
} sign_outcome;

/* Message m's signature: the nodes that finished must agree on it and it must verify. */
static void collect_one(const options *o, const sign_plan *p, const tracked *t, size_t m, sign_outcome *out)
{
    const char *sig_hex = NULL;
    bool agree = true;
    for (size_t i = 0; i < p->n_targets; i++) {
        const json_t *st = t->state[i];
        if (strcmp(tssctl_state(t, i), "failed") == 0) {
            tssctl_print_failure(p->targets[i], st);
            out->failed_node_sessions++;
        }
        if (strcmp(tssctl_state(t, i), "done") != 0)
            continue;
        double e = json_number_value(json_object_get(st, "elapsed_ms"));
        out->latency_ms[m] = e > out->latency_ms[m] ? e : out->latency_ms[m];
        const char *s = tssctl_jstr(json_object_get(st, "result"), "signature");
        if (sig_hex == NULL)
            sig_hex = s;
        else if (strcmp(sig_hex, s) != 0)
            agree = false;
    }
    if (sig_hex == NULL || !agree) {
        fprintf(stderr, "tssctl: message %zu: %s\n", m + 1,
                sig_hex == NULL ? "no node finished" : "nodes disagree on the signature");
        return;
    }
    if (!tssctl_signature_valid(p->pk, o->messages[m], sig_hex, o->prehash)) {
        fprintf(stderr, "tssctl: message %zu: the signature does NOT verify\n", m + 1);
        return;
    }
    out->verified++;
    json_array_append_new(out->results, json_pack("{s:s,s:s,s:s,s:s,s:s,s:b}", "scheme", "frost-ed25519", "key_id",
                                                  p->key_hex, "group_public_key", p->pk_hex, "message",
                                                  o->messages[m], "signature", sig_hex, "prehash", o->prehash));
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Latency figures worth printing for n messages (and a rate only when it means something). */
static void print_latency(const options *o, double *lat, size_t n, size_t verified, double elapsed)
{
    qsort(lat, n, sizeof *lat, cmp_double);
    if (n == 1) {
        printf("  session latency (node-reported) %.2f ms\n", lat[0]);
        return;
    }
    printf("  session latency (node-reported) p50 %.2f ms", lat[n / 2]);
    if (n >= P99_MIN_MESSAGES)
        printf(", p99 %.2f ms", lat[(n * 99) / 100]);
    printf(", max %.2f ms", lat[n - 1]);
    if (!o->sequential && verified >= RATE_MIN_MESSAGES)
        printf("; %.0f signatures/s", (double)verified / elapsed);
    putchar('\n');
}

static void print_text(const options *o, const sign_plan *p, sign_outcome *out, double elapsed)
{
    bool all = out->verified == o->n_messages;
    printf("signed %zu/%zu %s with key %s on %zu %s in %.1f ms; %s\n", out->verified, o->n_messages,
           tssctl_plural(o->n_messages, "message", "messages"), p->key_hex, p->n_targets,
           tssctl_plural(p->n_targets, "node", "nodes"), elapsed * 1000.0,
           all ? "every signature verified (libsodium)" : "FAILED (the signatures shown verified)");
    printf("  group_public_key  %s\n", p->pk_hex);
    for (size_t i = 0; i < json_array_size(out->results) && i < 3; i++) {
        char shown[24];
        tssctl_message_label(tssctl_jstr(json_array_get(out->results, i), "message"), shown);
        printf("  %-20s  %s\n", shown, tssctl_jstr(json_array_get(out->results, i), "signature"));
    }
    if (out->verified > 0)
        print_latency(o, out->latency_ms, o->n_messages, out->verified, elapsed);
    const json_t *first = json_array_get(out->results, 0);
    if (first != NULL && !o->quiet) {
        const char *m = tssctl_jstr(first, "message");
        if (strlen(m) <= HINT_MAX_HEX)
            printf("  check one yourself: tssctl verify --public-key %s --message %s%s --signature %s\n", p->pk_hex,
                   m[0] != '\0' ? m : "''", o->prehash ? " --prehash" : "", tssctl_jstr(first, "signature"));
        else
            printf("  check them yourself: tssctl sign ... --json > sigs.json; tssctl verify --results sigs.json\n");
    }
    if (out->failed_node_sessions > 0)
        printf("  %zu node %s FAILED (see above)\n", out->failed_node_sessions,
               tssctl_plural(out->failed_node_sessions, "session", "sessions"));
}

int tssctl_cmd_sign(const options *o)
{
    sign_plan *p = calloc(1, sizeof *p);
    tracked *ts = calloc(o->n_messages, sizeof *ts);
    sign_outcome out = {json_array(), calloc(o->n_messages, sizeof(double)), 0, 0};
    int rc = p != NULL && ts != NULL && out.latency_ms != NULL ? 0 : EXIT_OPERATION;
    if (rc == 0) {
        tss_api_format_id(p->key_hex, o->key_id);
        rc = find_holders(o, p);
    }
    if (rc == 0) {
        choose_signers(o, p);
        char what[64];
        snprintf(what, sizeof what, "sign %zu %s with %s", o->n_messages,
                 tssctl_plural(o->n_messages, "message", "messages"), p->key_hex);
        double started = tssctl_now_s();
        size_t n_started = 0;
        bool ran = run_sessions(o, p, ts, what, &n_started);
        double elapsed = tssctl_now_s() - started;
        for (size_t m = 0; m < n_started; m++)
            collect_one(o, p, &ts[m], m, &out);
        if (o->json) {
            json_t *j = json_array_size(out.results) == 1 && o->n_messages == 1 ? json_array_get(out.results, 0)
                                                                                 : out.results;
            json_dumpf(j, stdout, JSON_INDENT(2));
            putchar('\n');
        } else {
            print_text(o, p, &out, elapsed);
        }
        rc = ran && out.verified == o->n_messages && out.failed_node_sessions == 0 ? 0 : EXIT_OPERATION;
    }
    json_decref(out.results);
    free(out.latency_ms);
    if (ts != NULL)
        tssctl_free_tracked(ts, o->n_messages, p != NULL ? p->n_targets : 0);
    free(p);
    return rc;
}
