/* Verification backends side by side: single verify and batch verify per signature at n = 64 and 1024 for
 * every backend this CPU runs, against libsodium's crypto_sign_verify_detached in the same run, printed as
 * ratios (issue 6 goals for IFMA: single >= 2.5x, batch-64 >= 7x, batch-1024 >= 12x; issue 10 goals for AVX2
 * without IFMA: single >= 1.5x, batch-64 >= 3.5x, batch-1024 >= 5x). */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "crypto/cpu.h"
#include "crypto/ed25519_backend.h"
#include "tss/common.h"
#include "tss/ed25519.h"

#define MAX_N 1024
#define MSG_LEN 64

static uint8_t g_pk[MAX_N][32], g_sig[MAX_N][64], g_msg[MAX_N][MSG_LEN];
static const uint8_t *g_sigs[MAX_N], *g_pks[MAX_N], *g_msgs[MAX_N];
static size_t g_lens[MAX_N];
static int g_ok[MAX_N];
static void *g_scratch;
static size_t g_scratch_len;

static const tss_backend all_backends[] = { TSS_BACKEND_REF, TSS_BACKEND_AVX2, TSS_BACKEND_AVX512Y,
                                            TSS_BACKEND_AVX512Z };
#define N_BACKENDS (sizeof all_backends / sizeof all_backends[0])

static void setup(void)
{
    for (size_t i = 0; i < MAX_N; i++) {
        uint8_t sk[64];
        randombytes_buf(g_msg[i], MSG_LEN);
        if (tss_ed25519_keypair(g_pk[i], sk) != TSS_OK || tss_ed25519_sign(g_sig[i], g_msg[i], MSG_LEN, sk) != TSS_OK) {
            fprintf(stderr, "signing the benchmark's messages failed\n");
            exit(1);
        }
        g_sigs[i] = g_sig[i];
        g_pks[i] = g_pk[i];
        g_msgs[i] = g_msg[i];
        g_lens[i] = MSG_LEN;
    }
    g_scratch_len = tss_ed25519_verify_batch_scratch_size(MAX_N);
    g_scratch = malloc(g_scratch_len);
}

static void bm_sodium(bench_state *st, void *arg)
{
    (void)arg;
    size_t i = 0;
    while (bench_keep_running(st)) {
        if (crypto_sign_verify_detached(g_sig[i], g_msg[i], MSG_LEN, g_pk[i]) != 0) bench_skip(st, "rejected");
        i = (i + 1) % MAX_N;
    }
    bench_set_items(st, bench_iterations(st));
}

static void bm_single(bench_state *st, void *arg)
{
    const tss_backend b = *(const tss_backend *)arg;
    size_t i = 0;
    while (bench_keep_running(st)) {
        if (tss_ed25519_verify_backend(b, g_sig[i], g_msg[i], MSG_LEN, g_pk[i]) != 0) bench_skip(st, "rejected");
        i = (i + 1) % MAX_N;
    }
    bench_set_items(st, bench_iterations(st));
}

static void bm_batch(bench_state *st, void *arg)
{
    const tss_backend b = *(const tss_backend *)arg;
    const size_t n = (size_t)bench_arg(st);
    while (bench_keep_running(st)) {
        if (tss_ed25519_verify_batch_scratch_backend(b, g_sigs, g_msgs, g_lens, g_pks, n, g_ok, g_scratch,
                                                     g_scratch_len) != 0) {
            bench_skip(st, "rejected");
        }
    }
    bench_set_items(st, bench_iterations(st) * (int64_t)n);
}

int main(int argc, char **argv)
{
    if (tss_init() != 0) return 1;
    setup();
    char names[N_BACKENDS][3][64];
    int run[N_BACKENDS];
    bench_register("verify/libsodium", bm_sodium, NULL, 0);
    for (size_t k = 0; k < N_BACKENDS; k++) {
        run[k] = tss_backend_supported(all_backends[k]);
        const char *nm = tss_backend_name(all_backends[k]);
        snprintf(names[k][0], sizeof names[k][0], "single/%s", nm);
        snprintf(names[k][1], sizeof names[k][1], "batch64/%s", nm);
        snprintf(names[k][2], sizeof names[k][2], "batch1024/%s", nm);
        if (!run[k]) continue;
        void *arg = (void *)&all_backends[k];
        bench_register(names[k][0], bm_single, arg, 0);
        bench_register(names[k][1], bm_batch, arg, 64);
        bench_register(names[k][2], bm_batch, arg, 1024);
    }
    const int rc = bench_run(&argc, argv);
    char cpu[64], feats[64];
    printf("\nper signature, as speed-up over libsodium crypto_sign_verify_detached (goals: avx512y/z single 2.5x, "
           "batch64 7x, batch1024 12x; avx2 1.5x, 3.5x, 5x)\non %s (%s); auto = %s\n", tss_cpu_brand(cpu, sizeof cpu),
           tss_cpu_features_str(tss_cpu_features(), feats, sizeof feats),
           tss_backend_name(tss_backend_resolve(TSS_BACKEND_AUTO)));
    for (size_t k = 0; k < N_BACKENDS; k++) {
        if (!run[k]) {
            printf("%s: not supported on this CPU\n", tss_backend_name(all_backends[k]));
            continue;
        }
        for (int j = 0; j < 3; j++) bench_print_ratio(names[k][j], "verify/libsodium");
    }
    free(g_scratch);
    return rc;
}
