/* Metrics registry: registration rules and Prometheus text rendering. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <pthread.h>

#include "src/metrics.h"

static char out[16384];

static const char *render(const tss_metrics *reg)
{
    size_t len = 0;
    assert_int_equal(tss_metrics_render(reg, out, sizeof out, &len), TSS_OK);
    assert_int_equal(len, strlen(out));
    return out;
}

static void test_counter_and_gauge(void **state)
{
    (void)state;
    tss_metric_entry entries[8];
    tss_metrics reg;
    uint64_t rx = 0, tx = 5;
    int64_t depth = -3;
    assert_int_equal(tss_metrics_init(&reg, entries, 8), TSS_OK);
    assert_int_equal(tss_metrics_add_counter(&reg, "tss_msgs_total", "Messages.", "dir=\"rx\"", &rx), TSS_OK);
    assert_int_equal(tss_metrics_add_gauge(&reg, "tss_ring_depth", "Ring occupancy.", NULL, &depth), TSS_OK);
    /* A second series of the first family, registered after another family: still rendered with it. */
    assert_int_equal(tss_metrics_add_counter(&reg, "tss_msgs_total", "Messages.", "dir=\"tx\"", &tx), TSS_OK);
    tss_metric_inc(&rx);
    tss_metric_add(&rx, 41);
    const char *expect = "# HELP tss_msgs_total Messages.\n"
                         "# TYPE tss_msgs_total counter\n"
                         "tss_msgs_total{dir=\"rx\"} 42\n"
                         "tss_msgs_total{dir=\"tx\"} 5\n"
                         "# HELP tss_ring_depth Ring occupancy.\n"
                         "# TYPE tss_ring_depth gauge\n"
                         "tss_ring_depth -3\n";
    assert_string_equal(render(&reg), expect);
    tss_metric_set(&depth, 7);
    tss_metric_inc(&tx);
    assert_non_null(strstr(render(&reg), "tss_ring_depth 7\n"));
    assert_non_null(strstr(out, "tss_msgs_total{dir=\"tx\"} 6\n"));
}

static void test_registration_errors(void **state)
{
    (void)state;
    tss_metric_entry entries[3];
    tss_metrics reg;
    uint64_t c = 0;
    int64_t g = 0;
    assert_int_equal(tss_metrics_init(&reg, entries, 0), TSS_ERR_INVALID_ARG);
    assert_int_equal(tss_metrics_init(&reg, entries, 3), TSS_OK);
    assert_int_equal(tss_metrics_add_counter(&reg, "9bad", "", NULL, &c), TSS_ERR_INVALID_ARG);
    assert_int_equal(tss_metrics_add_counter(&reg, "bad-name", "", NULL, &c), TSS_ERR_INVALID_ARG);
    assert_int_equal(tss_metrics_add_counter(&reg, "", "", NULL, &c), TSS_ERR_INVALID_ARG);
    assert_int_equal(tss_metrics_add_counter(&reg, "ok", "", NULL, NULL), TSS_ERR_INVALID_ARG);
    /* Malformed label sets: unquoted, unescaped quote, bad escape, raw newline, reserved name, trailing comma. */
    static const char *const bad_labels[] = {"a=b", "a=\"x\"y\"", "a=\"\\q\"", "a=\"x\ny\"", "__a=\"x\"",
                                             "a=\"x\",", "=\"x\"", "a=\"x\"b=\"y\""};
    for (size_t i = 0; i < sizeof bad_labels / sizeof bad_labels[0]; i++)
        assert_int_equal(tss_metrics_add_counter(&reg, "ok", "", bad_labels[i], &c), TSS_ERR_INVALID_ARG);
    assert_int_equal(tss_metrics_add_counter(&reg, "ok", "h", "a=\"x\\\"y\",b=\"\\\\\"", &c), TSS_OK);
    assert_int_equal(tss_metrics_add_counter(&reg, "ok", "h", "a=\"x\\\"y\",b=\"\\\\\"", &c), TSS_ERR_DUPLICATE);
    /* Same family, different kind or help. */
    assert_int_equal(tss_metrics_add_gauge(&reg, "ok", "h", "a=\"2\"", &g), TSS_ERR_INVALID_ARG);
    assert_int_equal(tss_metrics_add_counter(&reg, "ok", "other help", "a=\"2\"", &c), TSS_ERR_INVALID_ARG);
    assert_int_equal(tss_metrics_add_counter(&reg, "ok", "h", "a=\"2\"", &c), TSS_OK);
    assert_int_equal(tss_metrics_add_gauge(&reg, "g", "", NULL, &g), TSS_OK);
    assert_int_equal(tss_metrics_add_gauge(&reg, "g2", "", NULL, &g), TSS_ERR_CAPACITY);
    char long_name[TSS_METRICS_NAME_MAX + 1];
    memset(long_name, 'a', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    tss_metric_entry e2[2];
    tss_metrics r2;
    assert_int_equal(tss_metrics_init(&r2, e2, 2), TSS_OK);
    assert_int_equal(tss_metrics_add_counter(&r2, long_name, "", NULL, &c), TSS_ERR_INVALID_ARG);
}

static void test_help_and_label_escaping(void **state)
{
    (void)state;
    tss_metric_entry entries[4];
    tss_metrics reg;
    uint64_t c = 3;
    char labels[TSS_METRICS_LABELS_MAX];
    const char *keys[] = {"peer", "why"};
    const char *vals[] = {"a\"b", "x\\y\nz"};
    assert_int_equal(tss_metrics_format_labels(labels, sizeof labels, keys, vals, 2), TSS_OK);
    assert_string_equal(labels, "peer=\"a\\\"b\",why=\"x\\\\y\\nz\"");
    assert_int_equal(tss_metrics_format_labels(labels, 10, keys, vals, 2), TSS_ERR_CAPACITY);
    const char *bad_keys[] = {"1x"};
    assert_int_equal(tss_metrics_format_labels(labels, sizeof labels, bad_keys, vals, 1), TSS_ERR_INVALID_ARG);
    assert_int_equal(tss_metrics_format_labels(labels, sizeof labels, keys, vals, 2), TSS_OK);
    assert_int_equal(tss_metrics_init(&reg, entries, 4), TSS_OK);
    assert_int_equal(tss_metrics_add_counter(&reg, "tss_rejects_total", "Rejected \"packets\": a\\b\nnext", labels,
                                             &c),
                     TSS_OK);
    /* HELP escapes backslash and newline only; label values keep their escapes. */
    assert_string_equal(render(&reg), "# HELP tss_rejects_total Rejected \"packets\": a\\\\b\\nnext\n"
                                      "# TYPE tss_rejects_total counter\n"
                                      "tss_rejects_total{peer=\"a\\\"b\",why=\"x\\\\y\\nz\"} 3\n");
}

static void test_histogram_cumulative(void **state)
{
    (void)state;
    tss_metric_entry entries[4];
    tss_metrics reg;
    static tss_histogram h;
    const uint64_t bounds[] = {1000, 5000, 25000};
    assert_int_equal(tss_histogram_init(&h, bounds, 3, 2, 1000000), TSS_OK);
    assert_int_equal(tss_metrics_init(&reg, entries, 4), TSS_OK);
    assert_int_equal(tss_metrics_add_histogram(&reg, "tss_sign_seconds", "Signing latency.", "t=\"2\"", &h),
                     TSS_OK);
    /* Upper bounds are inclusive; two writers are summed. */
    tss_histogram_observe(&h, 0, 1000);  /* le 0.001 */
    tss_histogram_observe(&h, 1, 999);   /* le 0.001 */
    tss_histogram_observe(&h, 0, 1001);  /* le 0.005 */
    tss_histogram_observe(&h, 1, 25000); /* le 0.025 */
    tss_histogram_observe(&h, 0, 99000); /* +Inf */
    tss_histogram_observe(&h, 7, 1);     /* writer out of range: folded, still counted */
    const char *expect = "# HELP tss_sign_seconds Signing latency.\n"
                         "# TYPE tss_sign_seconds histogram\n"
                         "tss_sign_seconds_bucket{t=\"2\",le=\"0.001\"} 3\n"
                         "tss_sign_seconds_bucket{t=\"2\",le=\"0.005\"} 4\n"
                         "tss_sign_seconds_bucket{t=\"2\",le=\"0.025\"} 5\n"
                         "tss_sign_seconds_bucket{t=\"2\",le=\"+Inf\"} 6\n"
                         "tss_sign_seconds_sum{t=\"2\"} 0.127001\n"
                         "tss_sign_seconds_count{t=\"2\"} 6\n";
    assert_string_equal(render(&reg), expect);
}

static void test_histogram_unlabelled_and_errors(void **state)
{
    (void)state;
    tss_metric_entry entries[4];
    tss_metrics reg;
    static tss_histogram h;
    uint64_t c = 0;
    const uint64_t bounds[] = {1, 2, 4, 8};
    const uint64_t unsorted[] = {1, 4, 2};
    assert_int_equal(tss_histogram_init(&h, unsorted, 3, 1, 1), TSS_ERR_INVALID_ARG);
    assert_int_equal(tss_histogram_init(&h, bounds, 4, 0, 1), TSS_ERR_INVALID_ARG);
    assert_int_equal(tss_histogram_init(&h, bounds, 4, TSS_HIST_MAX_WRITERS + 1, 1), TSS_ERR_INVALID_ARG);
    assert_int_equal(tss_histogram_init(&h, bounds, 4, 1, 0), TSS_ERR_INVALID_ARG);
    assert_int_equal(tss_histogram_init(&h, bounds, 4, 1, 1), TSS_OK);
    assert_int_equal(tss_metrics_init(&reg, entries, 4), TSS_OK);
    assert_int_equal(tss_metrics_add_histogram(&reg, "batch", "", "le=\"1\"", &h), TSS_ERR_INVALID_ARG);
    assert_int_equal(tss_metrics_add_histogram(&reg, "batch", "", NULL, &h), TSS_OK);
    /* Series that would collide with the histogram's generated names. */
    assert_int_equal(tss_metrics_add_counter(&reg, "batch_count", "", NULL, &c), TSS_ERR_INVALID_ARG);
    assert_int_equal(tss_metrics_add_counter(&reg, "batch_sum", "", NULL, &c), TSS_ERR_INVALID_ARG);
    for (uint64_t v = 0; v <= 10; v++)
        tss_histogram_observe(&h, 0, v);
    const char *expect = "# TYPE batch histogram\n"
                         "batch_bucket{le=\"1\"} 2\n"
                         "batch_bucket{le=\"2\"} 3\n"
                         "batch_bucket{le=\"4\"} 5\n"
                         "batch_bucket{le=\"8\"} 9\n"
                         "batch_bucket{le=\"+Inf\"} 11\n"
                         "batch_sum 55\n"
                         "batch_count 11\n";
    assert_string_equal(render(&reg), expect);
}

typedef struct writer_arg {
    tss_histogram *h;
    uint64_t *counter;
    uint32_t writer;
} writer_arg;

static void *writer_main(void *p)
{
    writer_arg *a = p;
    for (uint64_t i = 0; i < 100000; i++) {
        tss_histogram_observe(a->h, a->writer, i % 10);
        tss_metric_inc(a->counter);
    }
    return NULL;
}

/* Concurrent writers (own shards, one shared counter) lose nothing. */
static void test_concurrent_writers(void **state)
{
    (void)state;
    static tss_histogram h;
    tss_metric_entry entries[2];
    tss_metrics reg;
    uint64_t counter = 0;
    const uint64_t bounds[] = {4};
    assert_int_equal(tss_histogram_init(&h, bounds, 1, 4, 1), TSS_OK);
    assert_int_equal(tss_metrics_init(&reg, entries, 2), TSS_OK);
    assert_int_equal(tss_metrics_add_histogram(&reg, "h", "", NULL, &h), TSS_OK);
    assert_int_equal(tss_metrics_add_counter(&reg, "c", "", NULL, &counter), TSS_OK);
    pthread_t t[4];
    writer_arg args[4];
    for (uint32_t i = 0; i < 4; i++) {
        args[i] = (writer_arg){&h, &counter, i};
        assert_int_equal(pthread_create(&t[i], NULL, writer_main, &args[i]), 0);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    /* Per writer: 100000 values cycling 0..9, half of them <= 4, summing to 450000. */
    const char *expect = "# TYPE h histogram\n"
                         "h_bucket{le=\"4\"} 200000\n"
                         "h_bucket{le=\"+Inf\"} 400000\n"
                         "h_sum 1800000\n"
                         "h_count 400000\n"
                         "# TYPE c counter\n"
                         "c 400000\n";
    assert_string_equal(render(&reg), expect);
}

static int64_t twice(void *ctx)
{
    return 2 * *(const int64_t *)ctx;
}

static void test_gauge_fn_and_capacity(void **state)
{
    (void)state;
    tss_metric_entry entries[2];
    tss_metrics reg;
    int64_t base = 21;
    assert_int_equal(tss_metrics_init(&reg, entries, 2), TSS_OK);
    assert_int_equal(tss_metrics_add_gauge_fn(&reg, "computed", "Computed.", "x=\"1\"", twice, &base), TSS_OK);
    assert_string_equal(render(&reg), "# HELP computed Computed.\n# TYPE computed gauge\ncomputed{x=\"1\"} 42\n");
    char small[20];
    size_t len = 0;
    assert_int_equal(tss_metrics_render(&reg, small, sizeof small, &len), TSS_ERR_CAPACITY);
    assert_int_equal(strlen(small), sizeof small - 1);
    assert_memory_equal(small, "# HELP computed Com", sizeof small - 1);
    /* Exactly fitting (output + NUL) succeeds. */
    size_t need = strlen(out) + 1;
    char exact[128];
    assert_true(need <= sizeof exact);
    assert_int_equal(tss_metrics_render(&reg, exact, need, &len), TSS_OK);
    assert_int_equal(len, need - 1);
    assert_int_equal(tss_metrics_render(&reg, exact, need - 1, &len), TSS_ERR_CAPACITY);
}

/* Observing into a zeroed (never initialised) histogram must not divide by zero or write anywhere. */
static void test_histogram_uninitialised_observe(void **state)
{
    (void)state;
    static tss_histogram h; /* all zero: n_writers == 0 */
    tss_histogram_observe(&h, 3, 42);
    tss_histogram_observe(NULL, 0, 1);
    for (uint32_t i = 0; i <= TSS_HIST_MAX_BOUNDS; i++) assert_int_equal(h.shards[0].counts[i], 0);
    assert_int_equal(h.shards[0].sum, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counter_and_gauge),
        cmocka_unit_test(test_registration_errors),
        cmocka_unit_test(test_help_and_label_escaping),
        cmocka_unit_test(test_histogram_cumulative),
        cmocka_unit_test(test_histogram_unlabelled_and_errors),
        cmocka_unit_test(test_gauge_fn_and_capacity),
        cmocka_unit_test(test_concurrent_writers),
        cmocka_unit_test(test_histogram_uninitialised_observe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
