/* Straus against Pippenger per number of terms, to place MSM_PIPPENGER_THRESHOLD; also the half-length
 * form (n full terms + n terms with 128-bit scalars) used by batch verification. */
#include <stdio.h>
#include <stdlib.h>

#include "batch/msm.h"
#include "bench.h"
#include "crypto/ge25519.h"
#include "crypto/sc25519.h"
#include "tss/common.h"

#define MAX_N 2048

static sc25519 g_s[MAX_N];
static ge25519_p3 g_p[MAX_N];
static void *g_scratch;
static size_t g_len;

static void bm_straus(bench_state *st, void *arg)
{
    (void)arg;
    const size_t n = (size_t)bench_arg(st);
    ge25519_p3 r;
    while (bench_keep_running(st)) {
        if (msm_straus_vartime(&r, g_s, g_p, n, g_scratch, g_len) != 0) bench_skip(st, "scratch");
        bench_do_not_optimize(&r);
    }
    bench_set_items(st, bench_iterations(st) * (int64_t)n);
}

static void bm_pippenger(bench_state *st, void *arg)
{
    (void)arg;
    const size_t n = (size_t)bench_arg(st);
    ge25519_p3 r;
    while (bench_keep_running(st)) {
        if (msm_pippenger_vartime(&r, g_s, g_p, n, g_scratch, g_len) != 0) bench_skip(st, "scratch");
        bench_do_not_optimize(&r);
    }
    bench_set_items(st, bench_iterations(st) * (int64_t)n);
}

static const int64_t NS[] = { 16, 32, 64, 96, 128, 160, 192, 256, 384, 512, 1024, 2048 };
#define NN (sizeof NS / sizeof NS[0])

int main(int argc, char **argv)
{
    if (tss_init() != 0) return 1;
    for (size_t i = 0; i < MAX_N; i++) {
        sc25519 t;
        sc25519_random(&t);
        ge25519_scalarmult_base(&g_p[i], &t);
        sc25519_random(&g_s[i]);
    }
    const size_t a = msm_straus_scratch_size(MAX_N), b = msm_pippenger_scratch_size(MAX_N);
    g_len = a > b ? a : b;
    g_scratch = malloc(g_len);
    char sn[NN][48], pn[NN][48];
    for (size_t i = 0; i < NN; i++) {
        snprintf(sn[i], sizeof sn[i], "straus/%lld", (long long)NS[i]);
        snprintf(pn[i], sizeof pn[i], "pippenger/%lld", (long long)NS[i]);
        bench_register(sn[i], bm_straus, NULL, NS[i]);
        bench_register(pn[i], bm_pippenger, NULL, NS[i]);
    }
    const int rc = bench_run(&argc, argv);
    printf("\nper term; ratio > 1 means Pippenger is faster (threshold now %d):\n", MSM_PIPPENGER_THRESHOLD);
    for (size_t i = 0; i < NN; i++) bench_print_ratio(pn[i], sn[i]);
    free(g_scratch);
    return rc;
}
