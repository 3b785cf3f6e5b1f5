/* The Ed25519 challenge hashes k = SHA-512(R || A || M) mod L of a batch (batch/ed25519_batch.c hashes groups
 * of 16): per hash, challenge_n of each backend this CPU runs against the portable one (libsodium, one message
 * at a time) in the same run, at message lengths 64 and 256 bytes (2 and 3 SHA-512 blocks); plus the
 * multi-lane variants of crypto/simd/sha512_lanes.h that no table uses. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "crypto/cpu.h"
#include "crypto/ed25519_backend.h"
#include "crypto/isa_config.h"
#include "crypto/sc25519.h"
#include "crypto/simd/sha512_lanes.h"
#include "tss/common.h"

#define N 16
#define MAX_LEN 256

typedef void (*challenge_fn)(sc25519 *const k[], const uint8_t *const R[], const uint8_t *const A[],
                             const uint8_t *const msg[], const size_t msg_len[], size_t n);

static uint8_t g_R[N][32], g_A[N][32], g_msg[N][MAX_LEN];
static const uint8_t *g_Rp[N], *g_Ap[N], *g_msgp[N];
static sc25519 g_k[N];
static sc25519 *g_kp[N];

static void bm_challenge(bench_state *st, void *arg)
{
    const challenge_fn fn = *(const challenge_fn *)arg;
    size_t lens[N];
    for (size_t i = 0; i < N; i++) lens[i] = (size_t)bench_arg(st);
    while (bench_keep_running(st)) {
        fn(g_kp, g_Rp, g_Ap, g_msgp, lens, N);
        bench_do_not_optimize(g_k);
    }
    bench_set_items(st, bench_iterations(st) * N);
}

typedef struct {
    const char *name;
    challenge_fn fn;
    int run;
} variant;

int main(int argc, char **argv)
{
    if (tss_init() != 0) return 1;
    for (size_t i = 0; i < N; i++) {
        randombytes_buf(g_R[i], 32);
        randombytes_buf(g_A[i], 32);
        randombytes_buf(g_msg[i], MAX_LEN);
        g_Rp[i] = g_R[i];
        g_Ap[i] = g_A[i];
        g_msgp[i] = g_msg[i];
        g_kp[i] = &g_k[i];
    }
    static const tss_backend backends[] = { TSS_BACKEND_REF, TSS_BACKEND_AVX2, TSS_BACKEND_AVX512Y,
                                            TSS_BACKEND_AVX512Z };
    static variant v[8];
    size_t nv = 0;
    for (size_t i = 0; i < sizeof backends / sizeof backends[0]; i++) {
        v[nv].name = tss_backend_name(backends[i]);
        v[nv].run = tss_backend_supported(backends[i]);
        v[nv].fn = tss_ed25519_ops_get(backends[i])->challenge_n;
        nv++;
    }
    const unsigned f = tss_cpu_features();
    (void)f;
#ifdef TSS_HAVE_AVX2
    v[nv++] = (variant){ "sha512_x4_avx2", tss_ed25519_challenge_n_avx2, (f & TSS_CPU_AVX2) != 0 };
#endif
#ifdef TSS_HAVE_AVX512IFMA
    v[nv++] = (variant){ "sha512_x8_zmm", tss_ed25519_challenge_n_avx512, (f & TSS_CPU_AVX512IFMA) != 0 };
#endif
    static const int lens[] = { 64, 256 };
    char names[8][2][64];
    for (size_t j = 0; j < nv; j++) {
        for (int l = 0; l < 2; l++) {
            snprintf(names[j][l], sizeof names[j][l], "challenge%d/%s", lens[l], v[j].name);
            if (v[j].run) bench_register(names[j][l], bm_challenge, (void *)&v[j].fn, lens[l]);
        }
    }
    const int rc = bench_run(&argc, argv);
    printf("\nper hash (n = %d), as speed-up over the portable challenge_n (libsodium SHA-512)\n", N);
    for (size_t j = 0; j < nv; j++) {
        for (int l = 0; l < 2; l++) {
            if (v[j].run) {
                bench_print_ratio(names[j][l], names[0][l]);
            } else {
                printf("%s: not supported on this CPU\n", names[j][l]);
            }
        }
    }
    return rc;
}
