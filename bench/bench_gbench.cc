// Google Benchmark behind the C interface of bench.h. Results are captured by a reporter so
// that C code can print ratios of figures measured side by side in one run.
#include "bench.h"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

struct bench_state {
    benchmark::State *st;
    int64_t arg;
};

namespace {

struct Result {
    double ns_per_iter;
    double ns_per_item;
    double cpu_ns_per_iter;
};

std::map<std::string, Result> &results()
{
    static std::map<std::string, Result> r;
    return r;
}

class CapturingReporter : public benchmark::ConsoleReporter {
  public:
    void ReportRuns(const std::vector<Run> &runs) override
    {
        for (const Run &run : runs) {
            if (run.error_occurred) continue;
            if (run.run_type != Run::RT_Iteration) continue;
            double iters = static_cast<double>(run.iterations);
            double ns = run.GetAdjustedRealTime() * unit_to_ns(run.time_unit);
            Result res{ns, -1.0, run.GetAdjustedCPUTime() * unit_to_ns(run.time_unit)};
            auto it = run.counters.find("items_per_second");
            if (it != run.counters.end() && it->second.value > 0) res.ns_per_item = 1e9 / it->second.value;
            (void)iters;
            results()[run.run_name.function_name] = res; /* the registered name, without /real_time */
        }
        ConsoleReporter::ReportRuns(runs);
    }

  private:
    static double unit_to_ns(benchmark::TimeUnit u)
    {
        switch (u) {
        case benchmark::kNanosecond: return 1.0;
        case benchmark::kMicrosecond: return 1e3;
        case benchmark::kMillisecond: return 1e6;
        case benchmark::kSecond: return 1e9;
        }
        return 1.0;
    }
};

void register_impl(const char *name, bench_fn fn, void *arg, int64_t arg_int, int64_t iters)
{
    auto *b = benchmark::RegisterBenchmark(name, [fn, arg, arg_int](benchmark::State &st) {
        bench_state s{&st, arg_int};
        fn(&s, arg);
    });
    b->Unit(benchmark::kMicrosecond)->UseRealTime();
    if (iters > 0) b->Iterations(iters);
}

} // namespace

extern "C" {

void bench_register(const char *name, bench_fn fn, void *arg, int64_t arg_int)
{
    register_impl(name, fn, arg, arg_int, 0);
}

void bench_register_iters(const char *name, bench_fn fn, void *arg, int64_t arg_int, int64_t iterations)
{
    register_impl(name, fn, arg, arg_int, iterations);
}

int bench_keep_running(bench_state *st) { return st->st->KeepRunning() ? 1 : 0; }
int64_t bench_arg(const bench_state *st) { return st->arg; }
int64_t bench_iterations(const bench_state *st) { return static_cast<int64_t>(st->st->iterations()); }
void bench_pause(bench_state *st) { st->st->PauseTiming(); }
void bench_resume(bench_state *st) { st->st->ResumeTiming(); }
void bench_set_items(bench_state *st, int64_t items_total) { st->st->SetItemsProcessed(items_total); }
void bench_counter(bench_state *st, const char *name, double value)
{
    st->st->counters[name] = benchmark::Counter(value);
}
void bench_skip(bench_state *st, const char *why) { st->st->SkipWithError(why); }
void bench_do_not_optimize(const void *p) { benchmark::DoNotOptimize(p); }

int bench_run(int *argc, char **argv)
{
    benchmark::Initialize(argc, argv);
    CapturingReporter rep;
    benchmark::RunSpecifiedBenchmarks(&rep);
    benchmark::Shutdown();
    return 0;
}

double bench_result_cpu_ns(const char *name)
{
    auto it = results().find(name);
    return it == results().end() ? -1.0 : it->second.cpu_ns_per_iter;
}

double bench_result_ns(const char *name)
{
    auto it = results().find(name);
    return it == results().end() ? -1.0 : it->second.ns_per_iter;
}

double bench_result_ns_per_item(const char *name)
{
    auto it = results().find(name);
    if (it == results().end()) return -1.0;
    return it->second.ns_per_item > 0 ? it->second.ns_per_item : it->second.ns_per_iter;
}

double bench_print_ratio(const char *name, const char *base)
{
    double a = bench_result_ns_per_item(name), b = bench_result_ns_per_item(base);
    if (a <= 0 || b <= 0) {
        std::printf("%-44s (not run)\n", name);
        return -1.0;
    }
    double ratio = b / a;
    std::printf("%-44s %12.3f us  %7.2fx %s\n", name, a / 1e3, ratio, base);
    return ratio;
}

} // extern "C"
