/* Ed25519 verification: single (ours, libsodium, OpenSSL) and batch per signature, side by side,
 * as ratios to libsodium's single verification; the batch goals are checked at the end. */
#include <openssl/evp.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "bench_sigs.h"
#include "crypto/cpu.h"
#include "tss/common.h"
#include "tss/ed25519.h"

#define MAX_N 4096
#define MSG_LEN 64

static bench_sigs g_set; /* MAX_N signatures, made once in main */

static void bm_ours(bench_state *st, void *arg)
{
    (void)arg;
    size_t i = 0;
    while (bench_keep_running(st)) {
        if (tss_ed25519_verify(g_set.sig[i], g_set.msgs[i], MSG_LEN, g_set.pk[i]) != 0) bench_skip(st, "rejected");
        i = (i + 1) % MAX_N;
    }
    bench_set_items(st, bench_iterations(st));
}

static void bm_sodium(bench_state *st, void *arg)
{
    (void)arg;
    size_t i = 0;
    while (bench_keep_running(st)) {
        if (crypto_sign_verify_detached(g_set.sig[i], g_set.msgs[i], MSG_LEN, g_set.pk[i]) != 0)
            bench_skip(st, "rejected");
        i = (i + 1) % MAX_N;
    }
    bench_set_items(st, bench_iterations(st));
}

static void bm_openssl(bench_state *st, void *arg)
{
    (void)arg;
    /* keys parsed once (as a verifier holding public keys would); one DigestVerify per signature */
    enum { K = 256 };
    EVP_PKEY *keys[K];
    for (size_t i = 0; i < K; i++) keys[i] = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, g_set.pk[i], 32);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    size_t i = 0;
    while (bench_keep_running(st)) {
        EVP_MD_CTX_reset(ctx); /* OpenSSL 3.0 mis-verifies when a context is re-initialised with another key */
        if (EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, keys[i]) != 1 ||
            EVP_DigestVerify(ctx, g_set.sig[i], 64, g_set.msgs[i], MSG_LEN) != 1)
            bench_skip(st, "rejected");
        i = (i + 1) % K;
    }
    bench_set_items(st, bench_iterations(st));
    EVP_MD_CTX_free(ctx);
    for (size_t j = 0; j < K; j++) EVP_PKEY_free(keys[j]);
}

static void bm_batch(bench_state *st, void *arg)
{
    (void)arg;
    const size_t n = (size_t)bench_arg(st);
    size_t off = 0;
    while (bench_keep_running(st)) {
        if (tss_ed25519_verify_batch_scratch(g_set.sigs + off, g_set.msgs + off, g_set.lens + off, g_set.pks + off,
                                             n, g_set.ok, g_set.scratch, g_set.scratch_len) != 0)
            bench_skip(st, "rejected");
        off = (off + n) % MAX_N;
    }
    bench_set_items(st, bench_iterations(st) * (int64_t)n);
}

/* One key signing everything: the A terms fold into one. */
static uint8_t g_one_pk[32], g_one_sig[MAX_N][64];
static const uint8_t *g_one_sigs[MAX_N], *g_one_pks[MAX_N];

static void bm_batch_one_key(bench_state *st, void *arg)
{
    (void)arg;
    const size_t n = (size_t)bench_arg(st);
    while (bench_keep_running(st)) {
        if (tss_ed25519_verify_batch_scratch(g_one_sigs, g_set.msgs, g_set.lens, g_one_pks, n, g_set.ok,
                                             g_set.scratch, g_set.scratch_len) != 0)
            bench_skip(st, "rejected");
    }
    bench_set_items(st, bench_iterations(st) * (int64_t)n);
}

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

/* The goal figure measured robustly on a shared machine: every iteration verifies the same n signatures
 * with libsodium one by one and then as one batch, so load changes hit both sides alike. */
static void bm_interleaved(bench_state *st, void *arg)
{
    double *speedup = arg;
    const size_t n = (size_t)bench_arg(st);
    double t_single = 0, t_batch = 0;
    size_t off = 0;
    while (bench_keep_running(st)) {
        const double t0 = now_ns();
        for (size_t i = off; i < off + n; i++) {
            if (crypto_sign_verify_detached(g_set.sig[i], g_set.msgs[i], MSG_LEN, g_set.pk[i]) != 0)
                bench_skip(st, "rejected");
        }
        const double t1 = now_ns();
        if (tss_ed25519_verify_batch_scratch(g_set.sigs + off, g_set.msgs + off, g_set.lens + off, g_set.pks + off,
                                             n, g_set.ok, g_set.scratch, g_set.scratch_len) != 0)
            bench_skip(st, "rejected");
        const double t2 = now_ns();
        t_single += t1 - t0;
        t_batch += t2 - t1;
        off = (off + n) % MAX_N;
    }
    *speedup = t_batch > 0 ? t_single / t_batch : -1;
    bench_counter(st, "speedup", *speedup);
    bench_set_items(st, bench_iterations(st) * (int64_t)n);
}

/* The single-verification goal, measured the same way: 64 signatures by libsodium, then the same 64 by ours. */
static void bm_interleaved_single(bench_state *st, void *arg)
{
    double *speedup = arg;
    double t_sodium = 0, t_ours = 0;
    size_t off = 0;
    while (bench_keep_running(st)) {
        const double t0 = now_ns();
        for (size_t i = off; i < off + 64; i++) {
            if (crypto_sign_verify_detached(g_set.sig[i], g_set.msgs[i], MSG_LEN, g_set.pk[i]) != 0)
                bench_skip(st, "rejected");
        }
        const double t1 = now_ns();
        for (size_t i = off; i < off + 64; i++) {
            if (tss_ed25519_verify(g_set.sig[i], g_set.msgs[i], MSG_LEN, g_set.pk[i]) != 0) bench_skip(st, "rejected");
        }
        const double t2 = now_ns();
        t_sodium += t1 - t0;
        t_ours += t2 - t1;
        off = (off + 64) % MAX_N;
    }
    *speedup = t_ours > 0 ? t_sodium / t_ours : -1;
    bench_counter(st, "speedup", *speedup);
    bench_set_items(st, bench_iterations(st) * 64);
}

int main(int argc, char **argv)
{
    if (tss_init() != 0) return 1;
    if (bench_sigs_init(&g_set, MAX_N, MSG_LEN) != 0) return 1;
    uint8_t sk[64];
    if (tss_ed25519_keypair(g_one_pk, sk) != TSS_OK) return 1;
    for (size_t i = 0; i < MAX_N; i++) {
        if (tss_ed25519_sign(g_one_sig[i], g_set.msgs[i], MSG_LEN, sk) != TSS_OK) return 1;
        g_one_sigs[i] = g_one_sig[i];
        g_one_pks[i] = g_one_pk;
    }

    static const int64_t ns[] = { 1, 8, 64, 256, 1024, 4096 };
    char names[6][64];
    bench_register("verify/libsodium", bm_sodium, NULL, 0);
    bench_register("verify/ours", bm_ours, NULL, 0);
    bench_register("verify/openssl", bm_openssl, NULL, 0);
    for (size_t i = 0; i < 6; i++) {
        snprintf(names[i], sizeof names[i], "batch/%lld", (long long)ns[i]);
        bench_register(names[i], bm_batch, NULL, ns[i]);
    }
    bench_register("batch_one_key/1024", bm_batch_one_key, NULL, 1024);
    double inter[2] = { -1, -1 }, inter1 = -1;
    bench_register("interleaved_single_vs_libsodium", bm_interleaved_single, &inter1, 0);
    bench_register("interleaved_vs_libsodium/64", bm_interleaved, &inter[0], 64);
    bench_register("interleaved_vs_libsodium/1024", bm_interleaved, &inter[1], 1024);
    const int rc = bench_run(&argc, argv);

    printf("\nper signature, as speed-up over libsodium crypto_sign_verify_detached:\n");
    bench_print_ratio("verify/ours", "verify/libsodium");
    bench_print_ratio("verify/openssl", "verify/libsodium");
    double r[6];
    for (size_t i = 0; i < 6; i++) r[i] = bench_print_ratio(names[i], "verify/libsodium");
    bench_print_ratio("batch_one_key/1024", "verify/libsodium");
    /* the goals of the backend in use: issue 2's for the portable code, issue 6's for the IFMA backends,
     * issue 10's for AVX2 without IFMA */
    const tss_backend be = tss_backend_resolve(TSS_BACKEND_AUTO);
    const double g1 = be == TSS_BACKEND_REF ? 1.0 : be == TSS_BACKEND_AVX2 ? 1.5 : 2.5;
    const double g64 = be == TSS_BACKEND_REF ? 2.5 : be == TSS_BACKEND_AVX2 ? 3.5 : 7.0;
    const double g1024 = be == TSS_BACKEND_REF ? 3.0 : be == TSS_BACKEND_AVX2 ? 5.0 : 12.0;
    char cpu[64], feats[64];
    printf("\ngoals of backend %s on %s (%s) (distinct keys; speed-up over libsodium measured interleaved in\n"
           "each iteration, separate-run ratio from above in brackets):\n", tss_backend_name(be),
           tss_cpu_brand(cpu, sizeof cpu), tss_cpu_features_str(tss_cpu_features(), feats, sizeof feats));
    printf("  single       >= %4.1fx: %5.2fx           %s\n", g1, inter1,
           inter1 < 0 ? "(not run)" : inter1 >= g1 ? "PASS" : "MISS");
    printf("  batch n=64   >= %4.1fx: %5.2fx [%5.2fx]  %s\n", g64, inter[0], r[2],
           inter[0] < 0 ? "(not run)" : inter[0] >= g64 ? "PASS" : "MISS");
    printf("  batch n=1024 >= %4.1fx: %5.2fx [%5.2fx]  %s\n", g1024, inter[1], r[4],
           inter[1] < 0 ? "(not run)" : inter[1] >= g1024 ? "PASS" : "MISS");
    bench_sigs_free(&g_set);
    return rc;
}
