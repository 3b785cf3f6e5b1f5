/* Field and group primitives: ours (portable radix 2^51) against libsodium's ref10 where it has an
 * equivalent public API. Field operations are timed as chains of 1000 dependent operations. */
#include <stdio.h>
#include <string.h>
#include <sodium.h>
#if defined(__x86_64__)
#include <x86intrin.h>
#endif

#include "bench.h"
#include "crypto/ge25519.h"

#define CHAIN 1000

/* Time-stamp-counter ticks per item (reference cycles on x86, 0 elsewhere). */
static uint64_t ticks(void)
{
#if defined(__x86_64__)
    return __rdtsc();
#else
    return 0;
#endif
}

static void report_ticks(bench_state *st, uint64_t t0, int64_t items)
{
    bench_counter(st, "tsc_per_item", (double)(ticks() - t0) / (double)items);
    bench_set_items(st, items);
}

static void random_fe(fe25519 *f)
{
    uint8_t b[32];
    randombytes_buf(b, sizeof b);
    fe25519_frombytes(f, b);
}

static void random_scalar(sc25519 *s, uint8_t bytes[32])
{
    randombytes_buf(bytes, 32);
    bytes[31] &= 0x0f;
    for (int i = 0; i < 4; i++) {
        s->v[i] = 0;
        for (int j = 0; j < 8; j++) {
            s->v[i] |= (uint64_t)bytes[8 * i + j] << (8 * j);
        }
    }
}

static void bm_fe_mul(bench_state *st, void *arg)
{
    (void)arg;
    fe25519 f, g;
    random_fe(&f);
    random_fe(&g);
    const uint64_t t0 = ticks();
    while (bench_keep_running(st)) {
        for (int i = 0; i < CHAIN; i++) {
            fe25519_mul(&f, &f, &g);
        }
        bench_do_not_optimize(&f);
    }
    report_ticks(st, t0, bench_iterations(st) * CHAIN);
}

/* Four independent chains: throughput rather than latency (what the group formulas mostly see). */
static void bm_fe_mul_x4(bench_state *st, void *arg)
{
    (void)arg;
    fe25519 f[4], g;
    for (int j = 0; j < 4; j++) {
        random_fe(&f[j]);
    }
    random_fe(&g);
    const uint64_t t0 = ticks();
    while (bench_keep_running(st)) {
        for (int i = 0; i < CHAIN / 4; i++) {
            fe25519_mul(&f[0], &f[0], &g);
            fe25519_mul(&f[1], &f[1], &g);
            fe25519_mul(&f[2], &f[2], &g);
            fe25519_mul(&f[3], &f[3], &g);
        }
        bench_do_not_optimize(f);
    }
    report_ticks(st, t0, bench_iterations(st) * CHAIN);
}

static void bm_fe_sq(bench_state *st, void *arg)
{
    (void)arg;
    fe25519 f;
    random_fe(&f);
    const uint64_t t0 = ticks();
    while (bench_keep_running(st)) {
        for (int i = 0; i < CHAIN; i++) {
            fe25519_sq(&f, &f);
        }
        bench_do_not_optimize(&f);
    }
    report_ticks(st, t0, bench_iterations(st) * CHAIN);
}

static void bm_fe_invert(bench_state *st, void *arg)
{
    (void)arg;
    fe25519 f;
    random_fe(&f);
    const uint64_t t0 = ticks();
    while (bench_keep_running(st)) {
        fe25519_invert(&f, &f);
        bench_do_not_optimize(&f);
    }
    report_ticks(st, t0, bench_iterations(st));
}

static void bm_ge_add(bench_state *st, void *arg)
{
    (void)arg;
    uint8_t b[32];
    ge25519_p3 p, q;
    crypto_core_ed25519_random(b);
    ge25519_frombytes_zip215(&p, b);
    crypto_core_ed25519_random(b);
    ge25519_frombytes_zip215(&q, b);
    ge25519_cached qc;
    ge25519_p1p1 t;
    ge25519_p3_to_cached(&qc, &q);
    const uint64_t t0 = ticks();
    while (bench_keep_running(st)) {
        for (int i = 0; i < CHAIN; i++) {
            ge25519_add_cached(&t, &p, &qc);
            ge25519_p1p1_to_p3(&p, &t);
        }
        bench_do_not_optimize(&p);
    }
    report_ticks(st, t0, bench_iterations(st) * CHAIN);
}

static void bm_ge_add_libsodium(bench_state *st, void *arg)
{
    (void)arg;
    uint8_t p[32], q[32];
    crypto_core_ed25519_random(p);
    crypto_core_ed25519_random(q);
    while (bench_keep_running(st)) {
        crypto_core_ed25519_add(p, p, q);   /* includes two decodings and an encoding */
        bench_do_not_optimize(p);
    }
    bench_set_items(st, bench_iterations(st));
}

static void bm_ge_add_bytes(bench_state *st, void *arg)
{
    (void)arg;
    uint8_t p[32], q[32];
    ge25519_p3 a, b;
    crypto_core_ed25519_random(p);
    crypto_core_ed25519_random(q);
    while (bench_keep_running(st)) {   /* the same work as crypto_core_ed25519_add */
        ge25519_frombytes_zip215(&a, p);
        ge25519_frombytes_zip215(&b, q);
        ge25519_add(&a, &a, &b);
        ge25519_tobytes(p, &a);
        bench_do_not_optimize(p);
    }
    bench_set_items(st, bench_iterations(st));
}

static void bm_ge_dbl(bench_state *st, void *arg)
{
    (void)arg;
    uint8_t b[32];
    ge25519_p3 p;
    ge25519_p2 q;
    ge25519_p1p1 t;
    crypto_core_ed25519_random(b);
    ge25519_frombytes_zip215(&p, b);
    ge25519_p3_to_p2(&q, &p);
    const uint64_t t0 = ticks();
    while (bench_keep_running(st)) {
        for (int i = 0; i < CHAIN; i++) {
            ge25519_p2_dbl(&t, &q);
            ge25519_p1p1_to_p2(&q, &t);
        }
        bench_do_not_optimize(&q);
    }
    report_ticks(st, t0, bench_iterations(st) * CHAIN);
}

static void bm_decode(bench_state *st, void *arg)
{
    (void)arg;
    uint8_t b[32];
    ge25519_p3 p;
    crypto_core_ed25519_random(b);
    const uint64_t t0 = ticks();
    while (bench_keep_running(st)) {
        int r = ge25519_frombytes_zip215(&p, b);
        bench_do_not_optimize(&r);
        bench_do_not_optimize(&p);
    }
    report_ticks(st, t0, bench_iterations(st));
}

static void bm_decode_libsodium(bench_state *st, void *arg)
{
    (void)arg;
    uint8_t b[32];
    crypto_core_ed25519_random(b);
    while (bench_keep_running(st)) {   /* decoding plus a subgroup check: an upper bound for theirs */
        int r = crypto_core_ed25519_is_valid_point(b);
        bench_do_not_optimize(&r);
    }
    bench_set_items(st, bench_iterations(st));
}

static void bm_smult_base(bench_state *st, void *arg)
{
    (void)arg;
    uint8_t nb[32];
    sc25519 n;
    ge25519_p3 r;
    random_scalar(&n, nb);
    const uint64_t t0 = ticks();
    while (bench_keep_running(st)) {
        ge25519_scalarmult_base(&r, &n);
        bench_do_not_optimize(&r);
    }
    report_ticks(st, t0, bench_iterations(st));
}

static void bm_smult_base_libsodium(bench_state *st, void *arg)
{
    (void)arg;
    uint8_t nb[32], out[32];
    sc25519 n;
    random_scalar(&n, nb);
    while (bench_keep_running(st)) {
        int r = crypto_scalarmult_ed25519_base_noclamp(out, nb);
        bench_do_not_optimize(&r);
        bench_do_not_optimize(out);
    }
    bench_set_items(st, bench_iterations(st));
}

/* libsodium's API returns bytes: time ours with the same encoding step for a like-for-like ratio. */
static void bm_smult_base_bytes(bench_state *st, void *arg)
{
    (void)arg;
    uint8_t nb[32], out[32];
    sc25519 n;
    ge25519_p3 r;
    random_scalar(&n, nb);
    while (bench_keep_running(st)) {
        ge25519_scalarmult_base(&r, &n);
        ge25519_tobytes(out, &r);
        bench_do_not_optimize(out);
    }
    bench_set_items(st, bench_iterations(st));
}

static void bm_smult(bench_state *st, void *arg)
{
    (void)arg;
    uint8_t nb[32], pb[32];
    sc25519 n;
    ge25519_p3 p, r;
    random_scalar(&n, nb);
    crypto_core_ed25519_random(pb);
    ge25519_frombytes_zip215(&p, pb);
    const uint64_t t0 = ticks();
    while (bench_keep_running(st)) {
        ge25519_scalarmult(&r, &n, &p);
        bench_do_not_optimize(&r);
    }
    report_ticks(st, t0, bench_iterations(st));
}

static void bm_smult_bytes(bench_state *st, void *arg)
{
    (void)arg;
    uint8_t nb[32], pb[32], out[32];
    sc25519 n;
    ge25519_p3 p, r;
    random_scalar(&n, nb);
    crypto_core_ed25519_random(pb);
    while (bench_keep_running(st)) {   /* the same work as libsodium: decode, multiply, encode */
        ge25519_frombytes_canonical(&p, pb);
        ge25519_scalarmult(&r, &n, &p);
        ge25519_tobytes(out, &r);
        bench_do_not_optimize(out);
    }
    bench_set_items(st, bench_iterations(st));
}

static void bm_smult_libsodium(bench_state *st, void *arg)
{
    (void)arg;
    uint8_t nb[32], pb[32], out[32];
    sc25519 n;
    random_scalar(&n, nb);
    crypto_core_ed25519_random(pb);
    while (bench_keep_running(st)) {
        int r = crypto_scalarmult_ed25519_noclamp(out, nb, pb);
        bench_do_not_optimize(&r);
        bench_do_not_optimize(out);
    }
    bench_set_items(st, bench_iterations(st));
}

static void bm_smult_vartime(bench_state *st, void *arg)
{
    (void)arg;
    uint8_t nb[32], pb[32];
    sc25519 n;
    ge25519_p3 p, r;
    random_scalar(&n, nb);
    crypto_core_ed25519_random(pb);
    ge25519_frombytes_zip215(&p, pb);
    const uint64_t t0 = ticks();
    while (bench_keep_running(st)) {
        ge25519_scalarmult_vartime(&r, &n, &p);
        bench_do_not_optimize(&r);
    }
    report_ticks(st, t0, bench_iterations(st));
}

static void bm_double_smult(bench_state *st, void *arg)
{
    (void)arg;
    uint8_t ab[32], bb[32], pb[32];
    sc25519 a, b;
    ge25519_p3 p, r;
    random_scalar(&a, ab);
    random_scalar(&b, bb);
    crypto_core_ed25519_random(pb);
    ge25519_frombytes_zip215(&p, pb);
    const uint64_t t0 = ticks();
    while (bench_keep_running(st)) {
        ge25519_double_scalarmult_base_vartime(&r, &a, &p, &b);
        bench_do_not_optimize(&r);
    }
    report_ticks(st, t0, bench_iterations(st));
}

/* libsodium has no public double-scalar API: its closest equivalent is two multiplications and an add. */
static void bm_double_smult_libsodium(bench_state *st, void *arg)
{
    (void)arg;
    uint8_t ab[32], bb[32], pb[32], t1[32], t2[32];
    sc25519 a, b;
    random_scalar(&a, ab);
    random_scalar(&b, bb);
    crypto_core_ed25519_random(pb);
    while (bench_keep_running(st)) {
        int r = crypto_scalarmult_ed25519_noclamp(t1, ab, pb);
        r |= crypto_scalarmult_ed25519_base_noclamp(t2, bb);
        r |= crypto_core_ed25519_add(t1, t1, t2);
        bench_do_not_optimize(&r);
        bench_do_not_optimize(t1);
    }
    bench_set_items(st, bench_iterations(st));
}

int main(int argc, char **argv)
{
    if (sodium_init() < 0) {
        return 1;
    }
    bench_register("fe/mul", bm_fe_mul, NULL, 0);
    bench_register("fe/mul_x4_independent", bm_fe_mul_x4, NULL, 0);
    bench_register("fe/sq", bm_fe_sq, NULL, 0);
    bench_register("fe/invert", bm_fe_invert, NULL, 0);
    bench_register("ge/add", bm_ge_add, NULL, 0);
    bench_register("ge/dbl", bm_ge_dbl, NULL, 0);
    bench_register("ge/add_bytes/ours", bm_ge_add_bytes, NULL, 0);
    bench_register("ge/add_bytes/libsodium", bm_ge_add_libsodium, NULL, 0);
    bench_register("ge/decode_zip215/ours", bm_decode, NULL, 0);
    bench_register("ge/decode_and_subgroup/libsodium", bm_decode_libsodium, NULL, 0);
    bench_register("ge/scalarmult_base/ours", bm_smult_base, NULL, 0);
    bench_register("ge/scalarmult_base_bytes/ours", bm_smult_base_bytes, NULL, 0);
    bench_register("ge/scalarmult_base_bytes/libsodium", bm_smult_base_libsodium, NULL, 0);
    bench_register("ge/scalarmult/ours", bm_smult, NULL, 0);
    bench_register("ge/scalarmult_bytes/ours", bm_smult_bytes, NULL, 0);
    bench_register("ge/scalarmult_bytes/libsodium", bm_smult_libsodium, NULL, 0);
    bench_register("ge/scalarmult_vartime/ours", bm_smult_vartime, NULL, 0);
    bench_register("ge/double_scalarmult_base_vartime/ours", bm_double_smult, NULL, 0);
    bench_register("ge/double_scalarmult_base/libsodium_2mul_add", bm_double_smult_libsodium, NULL, 0);
    int rc = bench_run(&argc, argv);
    printf("\n");
    bench_print_ratio("ge/add_bytes/ours", "ge/add_bytes/libsodium");
    bench_print_ratio("ge/decode_zip215/ours", "ge/decode_and_subgroup/libsodium");
    bench_print_ratio("ge/scalarmult_base/ours", "ge/scalarmult_base_bytes/libsodium");
    bench_print_ratio("ge/scalarmult_base_bytes/ours", "ge/scalarmult_base_bytes/libsodium");
    bench_print_ratio("ge/scalarmult/ours", "ge/scalarmult_bytes/libsodium");
    bench_print_ratio("ge/scalarmult_bytes/ours", "ge/scalarmult_bytes/libsodium");
    bench_print_ratio("ge/scalarmult_vartime/ours", "ge/scalarmult_bytes/libsodium");
    bench_print_ratio("ge/double_scalarmult_base_vartime/ours", "ge/double_scalarmult_base/libsodium_2mul_add");
    return rc;
}
