/* Scalar arithmetic mod L: ours (4x64-bit limbs, Barrett) vs libsodium's crypto_core_ed25519_scalar_*. */
#include <string.h>
#include <sodium.h>

#include "bench.h"
#include "crypto/sc25519.h"

/* A chain of dependent operations, so that latency (what FROST's Horner evaluation sees) is measured;
 * INNER operations per iteration keep the harness's per-iteration overhead out of the figures. */
#define INNER 64
static void bm_mul_ours(bench_state *st, void *arg)
{
    (void)arg;
    sc25519 a, b;
    sc25519_random(&a);
    sc25519_random(&b);
    while (bench_keep_running(st))
        for (int i = 0; i < INNER; i++) sc25519_mul(&a, &a, &b);
    bench_do_not_optimize(&a);
    bench_set_items(st, bench_iterations(st) * INNER);
}

static void bm_mul_sodium(bench_state *st, void *arg)
{
    (void)arg;
    uint8_t a[32], b[32];
    crypto_core_ed25519_scalar_random(a);
    crypto_core_ed25519_scalar_random(b);
    while (bench_keep_running(st))
        for (int i = 0; i < INNER; i++) crypto_core_ed25519_scalar_mul(a, a, b);
    bench_do_not_optimize(a);
    bench_set_items(st, bench_iterations(st) * INNER);
}

static void bm_sq_ours(bench_state *st, void *arg)
{
    (void)arg;
    sc25519 a;
    sc25519_random(&a);
    while (bench_keep_running(st))
        for (int i = 0; i < INNER; i++) sc25519_sq(&a, &a);
    bench_do_not_optimize(&a);
    bench_set_items(st, bench_iterations(st) * INNER);
}

static void bm_muladd_ours(bench_state *st, void *arg)
{
    (void)arg;
    sc25519 a, x, c;
    sc25519_random(&a);
    sc25519_random(&x);
    sc25519_random(&c);
    while (bench_keep_running(st))
        for (int i = 0; i < INNER; i++) sc25519_muladd(&a, &a, &x, &c);
    bench_do_not_optimize(&a);
    bench_set_items(st, bench_iterations(st) * INNER);
}

static void bm_add_ours(bench_state *st, void *arg)
{
    (void)arg;
    sc25519 a, b;
    sc25519_random(&a);
    sc25519_random(&b);
    while (bench_keep_running(st))
        for (int i = 0; i < INNER; i++) sc25519_add(&a, &a, &b);
    bench_do_not_optimize(&a);
    bench_set_items(st, bench_iterations(st) * INNER);
}

static void bm_add_sodium(bench_state *st, void *arg)
{
    (void)arg;
    uint8_t a[32], b[32];
    crypto_core_ed25519_scalar_random(a);
    crypto_core_ed25519_scalar_random(b);
    while (bench_keep_running(st))
        for (int i = 0; i < INNER; i++) crypto_core_ed25519_scalar_add(a, a, b);
    bench_do_not_optimize(a);
    bench_set_items(st, bench_iterations(st) * INNER);
}

static void bm_reduce64_ours(bench_state *st, void *arg)
{
    (void)arg;
    uint8_t h[64];
    sc25519 r;
    randombytes_buf(h, sizeof h);
    while (bench_keep_running(st)) {
        for (int i = 0; i < INNER; i++) {
            sc25519_from_bytes_reduce64(&r, h);
            h[i & 63] ^= (uint8_t)r.v[0]; /* dependency: the next input depends on this output */
        }
    }
    bench_do_not_optimize(&r);
    bench_set_items(st, bench_iterations(st) * INNER);
}

static void bm_reduce64_sodium(bench_state *st, void *arg)
{
    (void)arg;
    uint8_t h[64], r[32];
    randombytes_buf(h, sizeof h);
    while (bench_keep_running(st)) {
        for (int i = 0; i < INNER; i++) {
            crypto_core_ed25519_scalar_reduce(r, h);
            h[i & 63] ^= r[0];
        }
    }
    bench_do_not_optimize(r);
    bench_set_items(st, bench_iterations(st) * INNER);
}

static void bm_invert_ours(bench_state *st, void *arg)
{
    (void)arg;
    sc25519 a;
    sc25519_random(&a);
    while (bench_keep_running(st)) sc25519_invert(&a, &a);
    bench_do_not_optimize(&a);
    bench_set_items(st, bench_iterations(st));
}

static void bm_invert_sodium(bench_state *st, void *arg)
{
    (void)arg;
    uint8_t a[32];
    crypto_core_ed25519_scalar_random(a);
    while (bench_keep_running(st)) crypto_core_ed25519_scalar_invert(a, a);
    bench_do_not_optimize(a);
    bench_set_items(st, bench_iterations(st));
}

/* Per-element cost of Montgomery batch inversion over 1,000 values (FROST: Lagrange denominators). */
static void bm_batch_invert_1000(bench_state *st, void *arg)
{
    (void)arg;
    enum { N = 1000 };
    static sc25519 a[N], r[N], tmp[N];
    for (int i = 0; i < N; i++) sc25519_random(&a[i]);
    while (bench_keep_running(st)) {
        if (sc25519_batch_invert_vartime(r, a, tmp, N) != 0) bench_skip(st, "zero scalar");
        bench_do_not_optimize(r);
    }
    bench_set_items(st, bench_iterations(st) * N);
}

int main(int argc, char **argv)
{
    if (sodium_init() < 0) return 1;
    bench_register("sc_mul/ours", bm_mul_ours, NULL, 0);
    bench_register("sc_mul/libsodium", bm_mul_sodium, NULL, 0);
    bench_register("sc_sq/ours", bm_sq_ours, NULL, 0);
    bench_register("sc_muladd/ours", bm_muladd_ours, NULL, 0);
    bench_register("sc_add/ours", bm_add_ours, NULL, 0);
    bench_register("sc_add/libsodium", bm_add_sodium, NULL, 0);
    bench_register("sc_reduce64/ours", bm_reduce64_ours, NULL, 0);
    bench_register("sc_reduce64/libsodium", bm_reduce64_sodium, NULL, 0);
    bench_register("sc_invert/ours", bm_invert_ours, NULL, 0);
    bench_register("sc_invert/libsodium", bm_invert_sodium, NULL, 0);
    bench_register("sc_batch_invert_1000/ours", bm_batch_invert_1000, NULL, 0);
    int rc = bench_run(&argc, argv);
    bench_print_ratio("sc_mul/ours", "sc_mul/libsodium");
    bench_print_ratio("sc_add/ours", "sc_add/libsodium");
    bench_print_ratio("sc_reduce64/ours", "sc_reduce64/libsodium");
    bench_print_ratio("sc_invert/ours", "sc_invert/libsodium");
    bench_print_ratio("sc_batch_invert_1000/ours", "sc_invert/ours");
    return rc;
}
