/* tssctl: starting a session on every participant and following it there until it ends, with a progress line. */
#include "src/programs/tssctl.h"
#include "src/programs/tssctl_clock.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define POLL_INTERVAL_MS 20

const char *tssctl_state(const tracked *t, size_t target)
{
    return t->state[target] != NULL ? tssctl_jstr(t->state[target], "state") : "";
}

/* Refreshes the state of session s on every target that has not finished it. */
static void refresh(tracked *s, const node *const *targets, size_t n_targets)
{
    char path[64], id[17];
    tss_api_format_id(id, s->session_id);
    snprintf(path, sizeof path, "/v1/sessions/%s", id);
    for (size_t t = 0; t < n_targets; t++) {
        if (s->finished[t])
            continue;
        json_t *j;
        int st = tssctl_call(targets[t], "GET", path, NULL, &j);
        if (st != 200) {
            json_decref(j);
            continue;
        }
        json_decref(s->state[t]);
        s->state[t] = j;
        const char *state = tssctl_jstr(j, "state");
        s->finished[t] = strcmp(state, "done") == 0 || strcmp(state, "failed") == 0;
    }
}

typedef struct tally {
    size_t done, failed, waiting;
} tally;

/* Counts in sessions (a session is done when every target finished it, failed when any target failed it), or
 * with a single session in target nodes. */
static tally count(const tracked *ts, size_t n_ts, size_t n_targets)
{
    tally c = {0, 0, 0};
    for (size_t s = 0; s < n_ts; s++) {
        size_t done = 0, failed = 0;
        for (size_t t = 0; t < n_targets; t++) {
            done += strcmp(tssctl_state(&ts[s], t), "done") == 0;
            failed += strcmp(tssctl_state(&ts[s], t), "failed") == 0;
        }
        if (n_ts == 1) {
            c.done = done, c.failed = failed, c.waiting = n_targets - done - failed;
        } else if (done + failed < n_targets) {
            c.waiting++;
        } else if (failed > 0) {
            c.failed++;
        } else {
            c.done++;
        }
    }
    return c;
}

bool tssctl_poll_sessions(const options *o, const char *what, const char *unit, tracked *ts, size_t n_ts,
                          const node *const *targets, size_t n_targets, double started)
{
    bool tty = isatty(STDERR_FILENO) && !o->quiet;
    size_t last = SIZE_MAX, total = n_ts == 1 ? n_targets : n_ts;
    for (;;) {
        for (size_t s = 0; s < n_ts; s++)
            refresh(&ts[s], targets, n_targets);
        tally c = count(ts, n_ts, n_targets);
        double el = tssctl_now_s() - started;
        if (!o->quiet && (tty || c.done + c.failed != last)) {
            fprintf(stderr, "%s%s: %zu/%zu %s done, %zu failed, %zu waiting  [%.1f s]%s", tty ? "\r" : "", what,
                    c.done, total, n_ts == 1 ? tssctl_plural(total, "node", "nodes") : unit, c.failed, c.waiting,
                    el, tty ? "   " : "\n");
            last = c.done + c.failed;
        }
        if (c.waiting == 0 || el > o->timeout_s) {
            if (tty)
                fputc('\n', stderr);
            if (c.waiting != 0)
                fprintf(stderr, "tssctl: %s: gave up after %.0f s with %zu %s unfinished\n", what, o->timeout_s,
                        c.waiting, n_ts == 1 ? tssctl_plural(c.waiting, "node", "nodes") : unit);
            return c.waiting == 0;
        }
        tssctl_sleep_ms(o->poll_ms > 0 ? o->poll_ms : POLL_INTERVAL_MS);
    }
}

void tssctl_free_tracked(tracked *ts, size_t n_ts, size_t n_targets)
{
    for (size_t s = 0; s < n_ts; s++)
        for (size_t t = 0; t < n_targets; t++)
            json_decref(ts[s].state[t]);
    free(ts);
}

void tssctl_print_failure(const node *n, const json_t *state)
{
    const json_t *f = json_object_get(state, "failure");
    fprintf(stderr, "tssctl: node %u: session %s failed (%s): %s", n->index, tssctl_jstr(state, "session_id"),
            tssctl_jstr(f, "code"), tssctl_jstr(f, "message"));
    const json_t *c = json_object_get(f, "culprits");
    for (size_t i = 0; i < json_array_size(c); i++) {
        const json_t *x = json_array_get(c, i);
        fprintf(stderr, "%s node %lld (%s)", i == 0 ? "; culprits:" : ",",
                (long long)json_integer_value(json_object_get(x, "node")), tssctl_jstr(x, "reason"));
    }
    fputc('\n', stderr);
}

bool tssctl_start_everywhere(const char *path, json_t *body, const node *const *targets, size_t n_targets)
{
    bool ok = true;
    for (size_t t = 0; t < n_targets; t++) {
        json_t *j;
        int st = tssctl_call(targets[t], "POST", path, body, &j);
        if (st != 202) {
            if (st > 0)
                fprintf(stderr, "tssctl: node %u: %s refused: %d %s: %s\n", targets[t]->index, path, st,
                        tssctl_error_code(j), tssctl_error_text(j));
            ok = false;
        }
        json_decref(j);
    }
    return ok;
}
