/* Multi-buffer SHA-512 (crypto/simd/sha512_lanes.h) against libsodium: the challenge_n of every backend this
 * CPU runs (and each multi-lane variant directly) must give the scalars of tss_ed25519_challenge_n_ref byte
 * for byte, and the raw multi-lane digests must equal crypto_hash_sha512 of R || A || msg. Covers every
 * message length 0..400 (all padding boundaries of the 64 + len byte stream), mixed lengths in one call,
 * n = 1..19 (partial lane groups), NULL messages of length 0, a 10 KB message among short ones, and
 * unaligned pointers and buffers of exactly the message's size. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "crypto/cpu.h"
#include "crypto/ed25519_backend.h"
#include "crypto/isa_config.h"
#include "crypto/sc25519.h"
#include "crypto/simd/sha512_lanes.h"
#include "test_support.h"
#include "tss/common.h"

typedef void (*challenge_fn)(sc25519 *const k[], const uint8_t *const R[], const uint8_t *const A[],
                             const uint8_t *const msg[], const size_t msg_len[], size_t n);
typedef void (*digest_fn)(uint8_t (*out)[64], const uint8_t *const R[], const uint8_t *const A[],
                          const uint8_t *const msg[], const size_t msg_len[], size_t n);

#define MAX_FNS 8
typedef struct {
    const char *name;
    challenge_fn challenge;
    digest_fn digest; /* NULL for the backend tables */
} impl;

/* The challenge_n of each supported vector backend's table, then each multi-lane variant directly. */
static size_t impls(impl out[MAX_FNS])
{
    static const tss_backend backends[] = { TSS_BACKEND_AVX2, TSS_BACKEND_AVX512Y, TSS_BACKEND_AVX512Z };
    size_t k = 0;
    for (size_t i = 0; i < sizeof backends / sizeof backends[0]; i++) {
        if (!tss_backend_supported(backends[i])) continue;
        const tss_ed25519_ops *ops = tss_ed25519_ops_get(backends[i]);
        assert_ptr_not_equal(ops, tss_ed25519_ops_get(TSS_BACKEND_REF));
        assert_non_null(ops->challenge_n);
        out[k++] = (impl){ tss_backend_name(backends[i]), ops->challenge_n, NULL };
    }
    const unsigned f = tss_cpu_features();
    (void)f;
#ifdef TSS_HAVE_AVX2
    if (f & TSS_CPU_AVX2) {
        out[k++] = (impl){ "sha512 avx2", tss_ed25519_challenge_n_avx2, tss_sha512_ram_n_avx2 };
    }
#endif
#ifdef TSS_HAVE_AVX512IFMA
    if (f & TSS_CPU_AVX512IFMA) {
        out[k++] = (impl){ "sha512 avx512", tss_ed25519_challenge_n_avx512, tss_sha512_ram_n_avx512 };
    }
#endif
    if (k == 0) print_message("no vector backend on this CPU: only the reference runs\n");
    return k;
}

/* Up to MAX_N messages pointing into one pool (so that pointers can be placed at any alignment). */
#define MAX_N 512
#define POOL_LEN (64 * 1024)
typedef struct {
    uint8_t *pool;
    const uint8_t *R[MAX_N], *A[MAX_N], *msg[MAX_N];
    size_t len[MAX_N];
    size_t n;
} batch;

static batch *batch_new(uint64_t seed)
{
    batch *b = calloc(1, sizeof *b);
    assert_non_null(b);
    b->pool = malloc(POOL_LEN);
    assert_non_null(b->pool);
    tv_rng rng;
    tv_rng_seed(&rng, seed);
    tv_rng_bytes(&rng, b->pool, POOL_LEN);
    return b;
}

static void batch_free(batch *b)
{
    free(b->pool);
    free(b);
}

/* Entry i: R, A and msg at pseudo-random (unaligned) offsets of the pool, determined by i and salt. */
static void batch_set(batch *b, size_t i, size_t len, uint64_t salt)
{
    assert_true(i < MAX_N && len + 64 < POOL_LEN);
    const uint64_t x = (i + 1) * 0x9e3779b97f4a7c15ULL ^ salt * 0xbf58476d1ce4e5b9ULL;
    b->R[i] = b->pool + (x % (POOL_LEN - 32));
    b->A[i] = b->pool + ((x >> 20) % (POOL_LEN - 32));
    b->msg[i] = b->pool + ((x >> 40) % (POOL_LEN - len));
    b->len[i] = len;
    if (i >= b->n) b->n = i + 1;
}

static void check_challenges(const impl *im, const batch *b)
{
    sc25519 *want = malloc(b->n * sizeof *want), *got = malloc(b->n * sizeof *got);
    sc25519 *pw[MAX_N], *pg[MAX_N];
    assert_non_null(want);
    assert_non_null(got);
    memset(got, 0xa5, b->n * sizeof *got);
    for (size_t i = 0; i < b->n; i++) {
        pw[i] = &want[i];
        pg[i] = &got[b->n - 1 - i]; /* outputs scattered, not in order */
    }
    tss_ed25519_challenge_n_ref(pw, b->R, b->A, b->msg, b->len, b->n);
    im->challenge(pg, b->R, b->A, b->msg, b->len, b->n);
    for (size_t i = 0; i < b->n; i++) {
        uint8_t w[32], g[32];
        sc25519_to_bytes(w, pw[i]);
        sc25519_to_bytes(g, pg[i]);
        if (memcmp(w, g, 32) != 0) {
            print_error("%s: entry %zu of %zu (msg_len %zu) differs\n", im->name, i, b->n, b->len[i]);
        }
        assert_memory_equal(w, g, 32);
    }
    free(want);
    free(got);
}

static void check_digests(const impl *im, const batch *b)
{
    if (!im->digest) return;
    uint8_t(*got)[64] = malloc(b->n * 64);
    assert_non_null(got);
    memset(got, 0x5a, b->n * 64);
    im->digest(got, b->R, b->A, b->msg, b->len, b->n);
    uint8_t *stream = malloc(64 + POOL_LEN);
    assert_non_null(stream);
    for (size_t i = 0; i < b->n; i++) {
        uint8_t want[64];
        memcpy(stream, b->R[i], 32);
        memcpy(stream + 32, b->A[i], 32);
        if (b->len[i]) memcpy(stream + 64, b->msg[i], b->len[i]);
        crypto_hash_sha512(want, stream, 64 + b->len[i]);
        if (memcmp(want, got[i], 64) != 0) {
            print_error("%s: digest %zu of %zu (msg_len %zu) differs\n", im->name, i, b->n, b->len[i]);
        }
        assert_memory_equal(want, got[i], 64);
    }
    free(stream);
    free(got);
}

static void check_all(const batch *b)
{
    impl im[MAX_FNS];
    const size_t k = impls(im);
    for (size_t j = 0; j < k; j++) {
        check_challenges(&im[j], b);
        check_digests(&im[j], b);
    }
}

/* Each length 0..400 alone, in a full group of 8 plus one (two groups), all in one call. */
static void test_every_length(void **state)
{
    (void)state;
    batch *b = batch_new(1);
    for (size_t len = 0; len <= 400; len++) {
        b->n = 0;
        for (size_t i = 0; i < 9; i++) batch_set(b, i, len, len);
        check_all(b);
    }
    batch_free(b);
}

/* Lengths 0..400 side by side in one call, in order and shuffled, so each lane group mixes block counts. */
static void test_mixed_lengths(void **state)
{
    (void)state;
    batch *b = batch_new(2);
    for (size_t i = 0; i <= 400; i++) batch_set(b, i, i, 7);
    check_all(b);
    tv_rng rng;
    tv_rng_seed(&rng, 3);
    b->n = 0;
    for (size_t i = 0; i <= 400; i++) batch_set(b, i, tv_rng_next(&rng) % 401, 8);
    check_all(b);
    batch_free(b);
}

/* n = 1..19: full and partial lane groups of 4 and 8; also n = 0 must write nothing. */
static void test_partial_groups(void **state)
{
    (void)state;
    batch *b = batch_new(4);
    tv_rng rng;
    tv_rng_seed(&rng, 5);
    for (size_t n = 1; n <= 19; n++) {
        for (int rep = 0; rep < 4; rep++) {
            b->n = 0;
            for (size_t i = 0; i < n; i++) batch_set(b, i, tv_rng_next(&rng) % 300, n * 10 + (size_t)rep);
            check_all(b);
        }
    }
    impl im[MAX_FNS];
    const size_t k = impls(im);
    for (size_t j = 0; j < k; j++) {
        sc25519 s;
        memset(&s, 0x33, sizeof s);
        sc25519 *ps[1] = { &s };
        im[j].challenge(ps, b->R, b->A, b->msg, b->len, 0);
        for (size_t i = 0; i < sizeof s.v / sizeof s.v[0]; i++) assert_true(s.v[i] == 0x3333333333333333ULL);
    }
    batch_free(b);
}

/* NULL message pointers with length 0, among non-empty messages. */
static void test_null_empty(void **state)
{
    (void)state;
    batch *b = batch_new(6);
    for (size_t i = 0; i < 13; i++) {
        batch_set(b, i, (i % 3 == 0) ? 0 : i * 11, 9);
        if (i % 3 == 0) b->msg[i] = NULL;
    }
    check_all(b);
    for (size_t i = 0; i < 13; i++) b->msg[i] = NULL, b->len[i] = 0;
    check_all(b);
    batch_free(b);
}

/* A 10 KB message alone, among short ones (the other lanes idle for 80 blocks), and several long ones. */
static void test_long(void **state)
{
    (void)state;
    batch *b = batch_new(7);
    batch_set(b, 0, 10240, 1);
    check_all(b);
    b->n = 0;
    for (size_t i = 0; i < 11; i++) batch_set(b, i, i == 5 ? 10240 : i * 13, 2);
    check_all(b);
    b->n = 0;
    for (size_t i = 0; i < 9; i++) batch_set(b, i, 10240 - 61 * i, 3);
    check_all(b);
    batch_free(b);
}

/* Every pointer (R, A, msg) at each offset 0..15 from a 64-byte boundary. */
static void test_unaligned(void **state)
{
    (void)state;
    batch *b = batch_new(8);
    uint8_t *base = b->pool + (64 - ((uintptr_t)b->pool & 63));
    for (size_t off = 0; off < 16; off++) {
        b->n = 0;
        for (size_t i = 0; i < 10; i++) {
            batch_set(b, i, 100 + 37 * i, off);
            b->R[i] = base + 1024 * i + off;
            b->A[i] = base + 1024 * i + 40 + off;
            b->msg[i] = base + 1024 * i + 80 + off;
        }
        check_all(b);
    }
    batch_free(b);
}

/* Every R, A and message in its own allocation of exactly its size, so that a read past any of them is an
 * error under AddressSanitizer (the pool of the other tests would hide it). */
static void test_exact_buffers(void **state)
{
    (void)state;
    batch *b = batch_new(9);
    uint8_t *owned[3 * 24];
    tv_rng rng;
    tv_rng_seed(&rng, 10);
    for (size_t round = 0; round < 20; round++) {
        b->n = 0;
        const size_t n = 1 + (round * 5) % 24;
        for (size_t i = 0; i < n; i++) {
            const size_t len = (size_t)(tv_rng_next(&rng) % 400);
            batch_set(b, i, len, round);
            uint8_t *R = malloc(32), *A = malloc(32), *m = malloc(len ? len : 1);
            assert_true(R && A && m);
            memcpy(R, b->R[i], 32);
            memcpy(A, b->A[i], 32);
            memcpy(m, b->msg[i], len);
            b->R[i] = owned[3 * i] = R;
            b->A[i] = owned[3 * i + 1] = A;
            b->msg[i] = owned[3 * i + 2] = m;
        }
        check_all(b);
        for (size_t i = 0; i < 3 * n; i++) free(owned[i]);
    }
    batch_free(b);
}

/* A known answer, so that the reference path itself is pinned: SHA-512 of 64 zero bytes followed by "abc". */
static void test_known_answer(void **state)
{
    (void)state;
    uint8_t zero[32] = { 0 }, stream[67] = { 0 }, want[64];
    memcpy(stream + 64, "abc", 3);
    crypto_hash_sha512(want, stream, sizeof stream);
    impl im[MAX_FNS];
    const size_t k = impls(im);
    for (size_t j = 0; j < k; j++) {
        if (!im[j].digest) continue;
        const uint8_t *R[1] = { zero }, *A[1] = { zero }, *msg[1] = { (const uint8_t *)"abc" };
        const size_t len[1] = { 3 };
        uint8_t got[1][64];
        im[j].digest(got, R, A, msg, len, 1);
        assert_memory_equal(want, got[0], 64);
        /* a changed message byte must change the digest */
        const uint8_t *msg2[1] = { (const uint8_t *)"abd" };
        im[j].digest(got, R, A, msg2, len, 1);
        assert_memory_not_equal(want, got[0], 64);
    }
}

int main(void)
{
    if (tss_init() != 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_length), cmocka_unit_test(test_mixed_lengths),
        cmocka_unit_test(test_partial_groups), cmocka_unit_test(test_null_empty),
        cmocka_unit_test(test_long),           cmocka_unit_test(test_unaligned),
        cmocka_unit_test(test_known_answer), cmocka_unit_test(test_exact_buffers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
