/* A thin C interface over Google Benchmark, so that every benchmark is written in C.
 *
 *   static void bm_verify(bench_state *st, void *arg) {
 *       ... set-up ...
 *       while (bench_keep_running(st)) { ... measured work ... }
 *       bench_set_items(st, bench_iterations(st) * n);
 *   }
 *   int main(int argc, char **argv) {
 *       bench_register("verify/ours", bm_verify, NULL, 0);
 *       int rc = bench_run(&argc, argv);
 *       bench_print_ratio("verify/ours", "verify/libsodium");   // side by side, same run
 *       return rc;
 *   }
 */
#ifndef TSS_BENCH_H
#define TSS_BENCH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bench_state bench_state;
typedef void (*bench_fn)(bench_state *st, void *arg);

/* Registers a benchmark; arg is passed back; arg_int is available through bench_arg(). */
void bench_register(const char *name, bench_fn fn, void *arg, int64_t arg_int);
/* Same, with a fixed iteration count (for expensive cases). */
void bench_register_iters(const char *name, bench_fn fn, void *arg, int64_t arg_int, int64_t iterations);
int bench_keep_running(bench_state *st);
int64_t bench_arg(const bench_state *st);
int64_t bench_iterations(const bench_state *st);
void bench_pause(bench_state *st);
void bench_resume(bench_state *st);
/* Items per iteration (e.g. signatures in a batch): reported as items/s and used for per-item times. */
void bench_set_items(bench_state *st, int64_t items_total);
void bench_counter(bench_state *st, const char *name, double value);
void bench_skip(bench_state *st, const char *why);
void bench_do_not_optimize(const void *p);

/* Runs every registered benchmark (honours --benchmark_filter etc.), 0 on success. */
int bench_run(int *argc, char **argv);

/* After bench_run: real time per iteration in ns, and per item when items were set; -1 if it did not run. */
double bench_result_ns(const char *name);
double bench_result_ns_per_item(const char *name);
/* CPU time per iteration in ns (all threads of the process; the honest figure on a busy machine). */
double bench_result_cpu_ns(const char *name);
/* Prints "name: x.xx us (r.rr x of base)" using per-item times when present; returns the ratio base/name
 * (how many times faster name is than base), or -1. */
double bench_print_ratio(const char *name, const char *base);

#ifdef __cplusplus
}
#endif
#endif
