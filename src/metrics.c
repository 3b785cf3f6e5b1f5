#include "src/metrics.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int tss_metrics_init(tss_metrics *reg, tss_metric_entry *entries, uint32_t capacity)
{
    if (reg == NULL || entries == NULL || capacity == 0)
        return TSS_ERR_INVALID_ARG;
    reg->entries = entries;
    reg->capacity = capacity;
    atomic_init(&reg->count, 0);
    return TSS_OK;
}

static bool name_char(char c, bool first, bool allow_colon)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')
        return true;
    if (c == ':' && allow_colon)
        return true;
    return !first && c >= '0' && c <= '9';
}

static bool valid_name(const char *s, bool allow_colon)
{
    if (s == NULL || s[0] == '\0')
        return false;
    for (size_t i = 0; s[i] != '\0'; i++)
        if (!name_char(s[i], i == 0, allow_colon))
            return false;
    return true;
}

/* Accepts `k="v"(,k="v")*` where values use only the escapes \\ \" \n and contain no raw newline. */
static bool valid_labels(const char *s)
{
    size_t i = 0;
    if (s == NULL || s[0] == '\0')
        return true;
    for (;;) {
        size_t start = i;
        while (name_char(s[i], i == start, false))
            i++;
        if (i == start || s[i] != '=' || s[i + 1] != '"')
            return false;
        if (s[start] == '_' && s[start + 1] == '_')
            return false; /* reserved for Prometheus' internal labels */
        i += 2;
        while (s[i] != '"') {
            if (s[i] == '\0' || s[i] == '\n')
                return false;
            if (s[i] == '\\') {
                if (s[i + 1] != '\\' && s[i + 1] != '"' && s[i + 1] != 'n')
                    return false;
                i++;
            }
            i++;
        }
        i++;
        if (s[i] == '\0')
            return true;
        if (s[i] != ',')
            return false;
        i++;
    }
}

/* `le` is added by the renderer to histogram buckets, so a histogram may not carry it. */
static bool labels_have_le(const char *s)
{
    return strncmp(s, "le=", 3) == 0 || strstr(s, ",le=") != NULL;
}

static int add_entry(tss_metrics *reg, tss_metric_kind kind, const char *name, const char *help,
                     const char *labels, tss_metric_entry **out)
{
    if (reg == NULL || reg->entries == NULL || !valid_name(name, true))
        return TSS_ERR_INVALID_ARG;
    if (help == NULL)
        help = "";
    if (labels == NULL)
        labels = "";
    if (strlen(name) >= TSS_METRICS_NAME_MAX || strlen(help) >= TSS_METRICS_HELP_MAX ||
        strlen(labels) >= TSS_METRICS_LABELS_MAX || !valid_labels(labels))
        return TSS_ERR_INVALID_ARG;
    if (kind == TSS_METRIC_HISTOGRAM && labels_have_le(labels))
        return TSS_ERR_INVALID_ARG;

    uint32_t n = atomic_load_explicit(&reg->count, memory_order_relaxed);
    for (uint32_t i = 0; i < n; i++) {
        const tss_metric_entry *e = &reg->entries[i];
        if (strcmp(e->name, name) != 0)
            continue;
        bool gauge_a = e->kind == TSS_METRIC_GAUGE || e->kind == TSS_METRIC_GAUGE_FN;
        bool gauge_b = kind == TSS_METRIC_GAUGE || kind == TSS_METRIC_GAUGE_FN;
        if (e->kind != kind && !(gauge_a && gauge_b))
            return TSS_ERR_INVALID_ARG;
        if (strcmp(e->help, help) != 0)
            return TSS_ERR_INVALID_ARG;
        if (strcmp(e->labels, labels) == 0)
            return TSS_ERR_DUPLICATE;
    }
    /* A histogram family owns name_bucket/_sum/_count; refuse series that would collide with them. */
    for (uint32_t i = 0; i < n; i++) {
        const tss_metric_entry *e = &reg->entries[i];
        const tss_metric_entry *hist = NULL;
        const char *other = NULL;
        if (e->kind == TSS_METRIC_HISTOGRAM && kind != TSS_METRIC_HISTOGRAM) {
            hist = e;
            other = name;
        } else if (kind == TSS_METRIC_HISTOGRAM && e->kind != TSS_METRIC_HISTOGRAM) {
            other = e->name;
        }
        if (other == NULL)
            continue;
        const char *base = hist != NULL ? hist->name : name;
        size_t bl = strlen(base);
        if (strncmp(other, base, bl) == 0 &&
            (strcmp(other + bl, "_bucket") == 0 || strcmp(other + bl, "_sum") == 0 ||
             strcmp(other + bl, "_count") == 0))
            return TSS_ERR_INVALID_ARG;
    }
    if (n >= reg->capacity)
        return TSS_ERR_CAPACITY;

    tss_metric_entry *e = &reg->entries[n];
    memset(e, 0, sizeof *e);
    e->kind = kind;
    memcpy(e->name, name, strlen(name) + 1);
    memcpy(e->help, help, strlen(help) + 1);
    memcpy(e->labels, labels, strlen(labels) + 1);
    *out = e;
    return TSS_OK;
}

static void publish(tss_metrics *reg)
{
    uint32_t n = atomic_load_explicit(&reg->count, memory_order_relaxed);
    atomic_store_explicit(&reg->count, n + 1, memory_order_release);
}

int tss_metrics_add_counter(tss_metrics *reg, const char *name, const char *help, const char *labels,
                            const uint64_t *value)
{
    tss_metric_entry *e;
    if (value == NULL)
        return TSS_ERR_INVALID_ARG;
    int rc = add_entry(reg, TSS_METRIC_COUNTER, name, help, labels, &e);
    if (rc != TSS_OK)
        return rc;
    e->src.counter = value;
    publish(reg);
    return TSS_OK;
}

int tss_metrics_add_gauge(tss_metrics *reg, const char *name, const char *help, const char *labels,
                          const int64_t *value)
{
    tss_metric_entry *e;
    if (value == NULL)
        return TSS_ERR_INVALID_ARG;
    int rc = add_entry(reg, TSS_METRIC_GAUGE, name, help, labels, &e);
    if (rc != TSS_OK)
        return rc;
    e->src.gauge = value;
    publish(reg);
    return TSS_OK;
}

int tss_metrics_add_gauge_fn(tss_metrics *reg, const char *name, const char *help, const char *labels,
                             tss_metric_gauge_fn fn, void *ctx)
{
    tss_metric_entry *e;
    if (fn == NULL)
        return TSS_ERR_INVALID_ARG;
    int rc = add_entry(reg, TSS_METRIC_GAUGE_FN, name, help, labels, &e);
    if (rc != TSS_OK)
        return rc;
    e->src.gauge_fn.fn = fn;
    e->src.gauge_fn.ctx = ctx;
    publish(reg);
    return TSS_OK;
}

int tss_metrics_add_histogram(tss_metrics *reg, const char *name, const char *help, const char *labels,
                              const tss_histogram *hist)
{
    tss_metric_entry *e;
    if (hist == NULL || hist->n_bounds == 0 || hist->n_bounds > TSS_HIST_MAX_BOUNDS ||
        hist->n_writers == 0 || hist->n_writers > TSS_HIST_MAX_WRITERS)
        return TSS_ERR_INVALID_ARG;
    int rc = add_entry(reg, TSS_METRIC_HISTOGRAM, name, help, labels, &e);
    if (rc != TSS_OK)
        return rc;
    e->src.hist = hist;
    publish(reg);
    return TSS_OK;
}

int tss_metrics_format_labels(char *out, size_t cap, const char *const keys[], const char *const values[],
                              size_t n)
{
    size_t o = 0;
    if (out == NULL || cap == 0 || (n > 0 && (keys == NULL || values == NULL)))
        return TSS_ERR_INVALID_ARG;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (!valid_name(keys[i], false) || values[i] == NULL)
            return TSS_ERR_INVALID_ARG;
        size_t kl = strlen(keys[i]);
        if (o + (i > 0) + kl + 2 >= cap)
            return TSS_ERR_CAPACITY;
        if (i > 0)
            out[o++] = ',';
        memcpy(out + o, keys[i], kl);
        o += kl;
        out[o++] = '=';
        out[o++] = '"';
        for (const char *v = values[i]; *v != '\0'; v++) {
            char esc = *v == '\\' ? '\\' : *v == '"' ? '"' : *v == '\n' ? 'n' : 0;
            if (o + (esc ? 2 : 1) >= cap)
                return TSS_ERR_CAPACITY;
            if (esc) {
                out[o++] = '\\';
                out[o++] = esc;
            } else {
                out[o++] = *v;
            }
        }
        if (o + 1 >= cap)
            return TSS_ERR_CAPACITY;
        out[o++] = '"';
        out[o] = '\0';
    }
    return TSS_OK;
}

int tss_histogram_init(tss_histogram *h, const uint64_t *bounds, uint32_t n_bounds, uint32_t n_writers,
                       uint64_t divisor)
{
    if (h == NULL || bounds == NULL || n_bounds == 0 || n_bounds > TSS_HIST_MAX_BOUNDS || n_writers == 0 ||
        n_writers > TSS_HIST_MAX_WRITERS || divisor == 0)
        return TSS_ERR_INVALID_ARG;
    for (uint32_t i = 1; i < n_bounds; i++)
        if (bounds[i] <= bounds[i - 1])
            return TSS_ERR_INVALID_ARG;
    memset(h, 0, sizeof *h);
    memcpy(h->bounds, bounds, n_bounds * sizeof bounds[0]);
    h->n_bounds = n_bounds;
    h->n_writers = n_writers;
    h->divisor = divisor;
    for (uint32_t w = 0; w < TSS_HIST_MAX_WRITERS; w++) {
        for (uint32_t i = 0; i <= TSS_HIST_MAX_BOUNDS; i++)
            atomic_init(&h->shards[w].counts[i], 0);
        atomic_init(&h->shards[w].sum, 0);
    }
    return TSS_OK;
}

void tss_histogram_observe(tss_histogram *h, uint32_t writer, uint64_t value)
{
    /* An uninitialised (zeroed) histogram has no shards: drop rather than divide by zero. */
    if (h == NULL || h->n_writers == 0 || h->n_writers > TSS_HIST_MAX_WRITERS || h->n_bounds > TSS_HIST_MAX_BOUNDS)
        return;
    uint32_t lo = 0, hi = h->n_bounds;
    /* First bound >= value (Prometheus buckets are upper-inclusive); n_bounds means +Inf. */
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (h->bounds[mid] < value)
            lo = mid + 1;
        else
            hi = mid;
    }
    tss_histogram_shard *s = &h->shards[writer % h->n_writers];
    atomic_fetch_add_explicit(&s->counts[lo], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&s->sum, value, memory_order_relaxed);
}

/* Output cursor: writes stop at the capacity but the length keeps counting so overflow is detected once. */
typedef struct out_buf {
    char *buf;
    size_t cap;
    size_t len;
} out_buf;

static void put_fmt(out_buf *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put_fmt(out_buf *o, const char *fmt, ...)
{
    va_list ap;
    size_t room = o->len < o->cap ? o->cap - o->len : 0;
    va_start(ap, fmt);
    int n = vsnprintf(room ? o->buf + o->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n > 0)
        o->len += (size_t)n;
}

static void put_char(out_buf *o, char c)
{
    if (o->len + 1 < o->cap)
        o->buf[o->len] = c;
    o->len++;
}

/* HELP text escapes backslash and newline (not quotes), per the 0.0.4 text format. */
static void put_help(out_buf *o, const char *s)
{
    for (; *s != '\0'; s++) {
        if (*s == '\\') {
            put_char(o, '\\');
            put_char(o, '\\');
        } else if (*s == '\n') {
            put_char(o, '\\');
            put_char(o, 'n');
        } else {
            put_char(o, *s);
        }
    }
}

/* Shortest round-trip-safe rendering of a float, with Prometheus' spelling of infinity. */
static void put_float(out_buf *o, double v)
{
    char tmp[40];
    if (isinf(v)) {
        put_fmt(o, "%s", v > 0 ? "+Inf" : "-Inf");
        return;
    }
    if (isnan(v)) {
        put_fmt(o, "NaN");
        return;
    }
    if (v == floor(v) && fabs(v) < 9007199254740992.0) { /* integral: no exponent notation */
        put_fmt(o, "%.0f", v);
        return;
    }
    for (int prec = 6; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*g", prec, v);
        if (strtod(tmp, NULL) == v)
            break;
    }
    put_fmt(o, "%s", tmp);
}

static void put_series_name(out_buf *o, const char *name, const char *suffix, const char *labels,
                            const char *extra_label)
{
    put_fmt(o, "%s%s", name, suffix);
    bool have = labels[0] != '\0';
    if (have || extra_label != NULL) {
        put_fmt(o, "{%s%s%s}", labels, have && extra_label != NULL ? "," : "",
                extra_label != NULL ? extra_label : "");
    }
    put_char(o, ' ');
}

static void render_histogram(out_buf *o, const tss_metric_entry *e)
{
    const tss_histogram *h = e->src.hist;
    uint64_t counts[TSS_HIST_MAX_BOUNDS + 1] = {0};
    uint64_t sum = 0;
    char le[64];
    for (uint32_t w = 0; w < h->n_writers; w++) {
        for (uint32_t i = 0; i <= h->n_bounds; i++)
            counts[i] += atomic_load_explicit(&h->shards[w].counts[i], memory_order_relaxed);
        sum += atomic_load_explicit(&h->shards[w].sum, memory_order_relaxed);
    }
    uint64_t cumulative = 0;
    for (uint32_t i = 0; i <= h->n_bounds; i++) {
        cumulative += counts[i];
        if (i < h->n_bounds) {
            out_buf lb = {le, sizeof le, 0};
            put_fmt(&lb, "le=\"");
            put_float(&lb, (double)h->bounds[i] / (double)h->divisor);
            put_fmt(&lb, "\"");
        } else {
            snprintf(le, sizeof le, "le=\"+Inf\"");
        }
        put_series_name(o, e->name, "_bucket", e->labels, le);
        put_fmt(o, "%llu\n", (unsigned long long)cumulative);
    }
    /* _count equals the +Inf bucket by construction, even while writers race the scrape. */
    put_series_name(o, e->name, "_sum", e->labels, NULL);
    put_float(o, (double)sum / (double)h->divisor);
    put_char(o, '\n');
    put_series_name(o, e->name, "_count", e->labels, NULL);
    put_fmt(o, "%llu\n", (unsigned long long)cumulative);
}

static const char *type_name(tss_metric_kind k)
{
    switch (k) {
    case TSS_METRIC_COUNTER: return "counter";
    case TSS_METRIC_HISTOGRAM: return "histogram";
    default: return "gauge";
    }
}

int tss_metrics_render(const tss_metrics *reg, char *buf, size_t cap, size_t *out_len)
{
    if (reg == NULL || buf == NULL || cap == 0 || out_len == NULL)
        return TSS_ERR_INVALID_ARG;
    out_buf o = {buf, cap, 0};
    uint32_t n = atomic_load_explicit(&reg->count, memory_order_acquire);
    /* Families are rendered together (the format requires it), in order of first registration. */
    for (uint32_t i = 0; i < n; i++) {
        const tss_metric_entry *fam = &reg->entries[i];
        bool seen = false;
        for (uint32_t j = 0; j < i && !seen; j++)
            seen = strcmp(reg->entries[j].name, fam->name) == 0;
        if (seen)
            continue;
        if (fam->help[0] != '\0') {
            put_fmt(&o, "# HELP %s ", fam->name);
            put_help(&o, fam->help);
            put_char(&o, '\n');
        }
        put_fmt(&o, "# TYPE %s %s\n", fam->name, type_name(fam->kind));
        for (uint32_t j = i; j < n; j++) {
            const tss_metric_entry *e = &reg->entries[j];
            if (strcmp(e->name, fam->name) != 0)
                continue;
            switch (e->kind) {
            case TSS_METRIC_COUNTER:
                put_series_name(&o, e->name, "", e->labels, NULL);
                put_fmt(&o, "%llu\n",
                        (unsigned long long)__atomic_load_n(e->src.counter, __ATOMIC_RELAXED));
                break;
            case TSS_METRIC_GAUGE:
                put_series_name(&o, e->name, "", e->labels, NULL);
                put_fmt(&o, "%lld\n", (long long)__atomic_load_n(e->src.gauge, __ATOMIC_RELAXED));
                break;
            case TSS_METRIC_GAUGE_FN:
                put_series_name(&o, e->name, "", e->labels, NULL);
                put_fmt(&o, "%lld\n", (long long)e->src.gauge_fn.fn(e->src.gauge_fn.ctx));
                break;
            case TSS_METRIC_HISTOGRAM:
                render_histogram(&o, e);
                break;
            }
        }
    }
    if (o.len >= cap) {
        buf[cap - 1] = '\0';
        *out_len = cap - 1;
        return TSS_ERR_CAPACITY;
    }
    buf[o.len] = '\0';
    *out_len = o.len;
    return TSS_OK;
}
