/* Metrics registry rendered in Prometheus' text exposition format (version 0.0.4).
 *
 * Components keep their counters in plain structs and update them with relaxed atomics
 * (tss_metric_add / tss_metric_set below); the registry only holds pointers to them and reads them with
 * relaxed loads when it renders. Histograms are fixed-bound and sharded per writer (one shard per engine
 * thread), so observing never contends and never allocates.
 *
 * Threading: register every series from one thread before anything renders concurrently (registration
 * publishes each entry with a release store, so a concurrent render sees only complete entries, but two
 * registrations must not race). Updates and renders may then run on any threads.
 */
#ifndef TSS_METRICS_H
#define TSS_METRICS_H

#include <stdalign.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "tss/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TSS_METRICS_NAME_MAX 96    /* bytes incl. NUL */
#define TSS_METRICS_HELP_MAX 192   /* bytes incl. NUL */
#define TSS_METRICS_LABELS_MAX 160 /* bytes incl. NUL: the pre-formatted label set, without braces */
#define TSS_HIST_MAX_BOUNDS 24     /* finite bucket bounds; +Inf is implicit */
#define TSS_HIST_MAX_WRITERS 16    /* shards: one per writer thread */

typedef enum tss_metric_kind {
    TSS_METRIC_COUNTER = 1, /* uint64_t, only increases */
    TSS_METRIC_GAUGE = 2,   /* int64_t */
    TSS_METRIC_GAUGE_FN = 3,/* int64_t computed at render time by a callback */
    TSS_METRIC_HISTOGRAM = 4,
} tss_metric_kind;

/* One writer's shard, on its own cache lines. counts[i] counts observations in (bounds[i-1], bounds[i]];
 * counts[n_bounds] counts those above the last bound. Not cumulative: rendering accumulates. */
typedef struct tss_histogram_shard {
    alignas(64) _Atomic uint64_t counts[TSS_HIST_MAX_BOUNDS + 1];
    _Atomic uint64_t sum;
} tss_histogram_shard;

/* Caller-allocated histogram (initialise with tss_histogram_init). Values are recorded as integers in the
 * component's unit (nanoseconds, messages); rendering divides them by `divisor` (1e9: ns → seconds, as
 * Prometheus wants base units; 1: counts). Dividing exact integers keeps bounds like 0.025 exact in text. */
typedef struct tss_histogram {
    uint64_t bounds[TSS_HIST_MAX_BOUNDS];
    uint32_t n_bounds;
    uint32_t n_writers;
    uint64_t divisor;
    tss_histogram_shard shards[TSS_HIST_MAX_WRITERS];
} tss_histogram;

typedef int64_t (*tss_metric_gauge_fn)(void *ctx);

typedef struct tss_metric_entry {
    tss_metric_kind kind;
    char name[TSS_METRICS_NAME_MAX];
    char help[TSS_METRICS_HELP_MAX];
    char labels[TSS_METRICS_LABELS_MAX];
    union {
        const uint64_t *counter;
        const int64_t *gauge;
        const tss_histogram *hist;
        struct {
            tss_metric_gauge_fn fn;
            void *ctx;
        } gauge_fn;
    } src;
} tss_metric_entry;

/* Caller-allocated registry: `entries` points at `capacity` caller-owned slots. */
typedef struct tss_metrics {
    tss_metric_entry *entries;
    uint32_t capacity;
    _Atomic uint32_t count;
} tss_metrics;

/* Counter/gauge updates for the owning component (relaxed: these are statistics, not synchronisation). */
static inline void tss_metric_add(uint64_t *counter, uint64_t v)
{
    __atomic_fetch_add(counter, v, __ATOMIC_RELAXED);
}
static inline void tss_metric_inc(uint64_t *counter) { tss_metric_add(counter, 1); }
static inline void tss_metric_set(int64_t *gauge, int64_t v) { __atomic_store_n(gauge, v, __ATOMIC_RELAXED); }
static inline void tss_metric_gauge_add(int64_t *gauge, int64_t v)
{
    __atomic_fetch_add(gauge, v, __ATOMIC_RELAXED);
}

/* Initialises an empty registry over caller storage. TSS_ERR_INVALID_ARG on NULL or zero capacity. */
int tss_metrics_init(tss_metrics *reg, tss_metric_entry *entries, uint32_t capacity);

/* Registers a series. `name` must match [a-zA-Z_:][a-zA-Z0-9_:]*; `help` is free text (escaped when
 * rendered); `labels` is NULL/"" or a Prometheus label set without braces, e.g. `type="ping",dir="rx"`,
 * with values already escaped (tss_metrics_format_labels builds one). Series sharing a name form one family
 * and must share kind and help. Strings are copied. Errors: TSS_ERR_INVALID_ARG (bad name/labels, too long,
 * kind conflict), TSS_ERR_DUPLICATE (same name and labels), TSS_ERR_CAPACITY (registry full). */
int tss_metrics_add_counter(tss_metrics *reg, const char *name, const char *help, const char *labels,
                            const uint64_t *value);
int tss_metrics_add_gauge(tss_metrics *reg, const char *name, const char *help, const char *labels,
                          const int64_t *value);
int tss_metrics_add_gauge_fn(tss_metrics *reg, const char *name, const char *help, const char *labels,
                             tss_metric_gauge_fn fn, void *ctx);
int tss_metrics_add_histogram(tss_metrics *reg, const char *name, const char *help, const char *labels,
                              const tss_histogram *hist);

/* Builds an escaped label set `k1="v1",k2="v2"` from n key/value pairs (keys must be valid label names;
 * values are escaped: backslash, double quote, newline). TSS_ERR_CAPACITY if it does not fit in cap. */
int tss_metrics_format_labels(char *out, size_t cap, const char *const keys[], const char *const values[],
                              size_t n);

/* Initialises a histogram with strictly increasing bounds (1..TSS_HIST_MAX_BOUNDS of them) and
 * 1..TSS_HIST_MAX_WRITERS writer shards; divisor >= 1. */
int tss_histogram_init(tss_histogram *h, const uint64_t *bounds, uint32_t n_bounds, uint32_t n_writers,
                       uint64_t divisor);

/* Records one observation from writer `writer` (0..n_writers-1; out-of-range writers fold into shard
 * writer % n_writers so a misconfigured caller still counts). Lock-free, no allocation. */
void tss_histogram_observe(tss_histogram *h, uint32_t writer, uint64_t value);

/* Renders every registered series into buf (NUL-terminated). *out_len receives the length without the NUL.
 * TSS_ERR_CAPACITY if buf is too small (buf then holds a truncated prefix; retry with a larger one). */
int tss_metrics_render(const tss_metrics *reg, char *buf, size_t cap, size_t *out_len);

#ifdef __cplusplus
}
#endif
#endif
