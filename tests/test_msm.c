/* Multi-scalar multiplication: Straus, Pippenger, the dispatcher and the split/base form, each against the
 * naive sum of single scalar multiplications. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "batch/msm.h"
#include "crypto/ge25519.h"
#include "crypto/sc25519.h"
#include "test_support.h"
#include "tss/common.h"

/* L - 1, little-endian */
static const uint8_t L_MINUS_1[32] = { 0xec, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
                                       0xa2, 0xde, 0xf9, 0xde, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                       0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10 };

static void rand_scalar(tv_rng *rng, sc25519 *s)
{
    uint8_t b[64];
    tv_rng_bytes(rng, b, sizeof b);
    sc25519_from_bytes_reduce64(s, b);
}

static void rand_half_scalar(tv_rng *rng, sc25519 *s)
{
    sc25519_zero(s);
    s->v[0] = tv_rng_next(rng);
    s->v[1] = tv_rng_next(rng);
}

static void rand_point(tv_rng *rng, ge25519_p3 *p)
{
    sc25519 s;
    rand_scalar(rng, &s);
    ge25519_scalarmult_base(p, &s);
}

/* A small-order point: the decoding of y = -1 (x = 0), order 2. */
static void order2_point(ge25519_p3 *p)
{
    uint8_t b[32];
    memset(b, 0xff, sizeof b);
    b[0] = 0xec;
    b[31] = 0x7f;
    assert_int_equal(ge25519_frombytes_zip215(p, b), 0);
    assert_true(ge25519_is_small_order(p));
    assert_false(ge25519_is_identity(p));
}

/* Fills n terms: random, with edge scalars (0, 1, L-1), repeated points, identity and small-order points. */
static void make_terms(tv_rng *rng, sc25519 *s, ge25519_p3 *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        rand_scalar(rng, &s[i]);
        rand_point(rng, &p[i]);
        switch (tv_rng_next(rng) % 12) {
        case 0: sc25519_zero(&s[i]); break;
        case 1: sc25519_one(&s[i]); break;
        case 2: assert_int_equal(sc25519_from_bytes_canonical(&s[i], L_MINUS_1), 0); break;
        case 3:
            if (i > 0) p[i] = p[tv_rng_next(rng) % i];
            break;
        case 4: ge25519_identity(&p[i]); break;
        case 5: order2_point(&p[i]); break;
        default: break;
        }
    }
}

static void naive(ge25519_p3 *r, const sc25519 *b, const sc25519 *s, const ge25519_p3 *p, const uint32_t *idx,
                  size_t n)
{
    ge25519_p3 t;
    ge25519_identity(r);
    for (size_t i = 0; i < n; i++) {
        ge25519_scalarmult_vartime(&t, &s[i], idx ? &p[idx[i]] : &p[i]);
        ge25519_add(r, r, &t);
    }
    if (b) {
        ge25519_scalarmult_base(&t, b);
        ge25519_add(r, r, &t);
    }
}

static void check_n(tv_rng *rng, size_t n)
{
    sc25519 *s = calloc(n + 1, sizeof *s);
    ge25519_p3 *p = calloc(n + 1, sizeof *p);
    assert_non_null(s);
    assert_non_null(p);
    make_terms(rng, s, p, n);
    ge25519_p3 want, got;
    naive(&want, NULL, s, p, NULL, n);

    size_t len = msm_straus_scratch_size(n);
    void *scr = malloc(len);
    assert_non_null(scr);
    assert_int_equal(msm_straus_vartime(&got, s, p, n, scr, len), 0);
    assert_true(ge25519_eq(&got, &want));
    assert_int_equal(msm_straus_vartime(&got, s, p, n, scr, len - 1), -1);
    free(scr);

    len = msm_pippenger_scratch_size(n);
    scr = malloc(len);
    assert_non_null(scr);
    assert_int_equal(msm_pippenger_vartime(&got, s, p, n, scr, len), 0);
    assert_true(ge25519_eq(&got, &want));
    assert_int_equal(msm_pippenger_vartime(&got, s, p, n, scr, len - 1), -1);
    free(scr);

    len = msm_scratch_size(n);
    scr = malloc(len);
    assert_non_null(scr);
    assert_int_equal(msm_vartime(&got, s, p, n, scr, len), 0);
    assert_true(ge25519_eq(&got, &want));
    /* too small for either algorithm (a scratch too small only for the preferred one falls back) */
    const size_t ls = msm_straus_scratch_size(n), lp = msm_pippenger_scratch_size(n);
    assert_int_equal(msm_vartime(&got, s, p, n, scr, (ls < lp ? ls : lp) - 1), -1);

    /* with the base point term */
    sc25519 b;
    rand_scalar(rng, &b);
    naive(&want, &b, s, p, NULL, n);
    assert_int_equal(msm_vartime_with_base(&got, &b, s, p, n, scr, len), 0);
    assert_true(ge25519_eq(&got, &want));
    free(scr);

    assert_int_equal(msm_vartime_alloc(&got, s, p, n), 0);
    naive(&want, NULL, s, p, NULL, n);
    assert_true(ge25519_eq(&got, &want));
    free(s);
    free(p);
}

static void test_msm_small(void **state)
{
    (void)state;
    tv_rng rng;
    tv_rng_seed(&rng, 1);
    for (size_t n = 0; n <= 20; n++) check_n(&rng, n);
}

static void test_msm_spread(void **state)
{
    (void)state;
    tv_rng rng;
    tv_rng_seed(&rng, 2);
    static const size_t ns[] = { 31, 32, 33, 64, 100, 127, 128, 129, MSM_PIPPENGER_THRESHOLD - 1,
                                 MSM_PIPPENGER_THRESHOLD, MSM_PIPPENGER_THRESHOLD + 1, 256, 300, 2000 };
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) check_n(&rng, ns[i]);
}

/* All scalars equal to an edge value, all points equal. */
static void test_msm_edge_scalars(void **state)
{
    (void)state;
    tv_rng rng;
    tv_rng_seed(&rng, 3);
    const size_t n = 300;
    sc25519 *s = calloc(n, sizeof *s);
    ge25519_p3 *p = calloc(n, sizeof *p);
    assert_non_null(s);
    assert_non_null(p);
    ge25519_p3 q, want, got;
    rand_point(&rng, &q);
    for (int kind = 0; kind < 3; kind++) {
        for (size_t i = 0; i < n; i++) {
            p[i] = q;
            if (kind == 0) sc25519_zero(&s[i]);
            if (kind == 1) sc25519_one(&s[i]);
            if (kind == 2) assert_int_equal(sc25519_from_bytes_canonical(&s[i], L_MINUS_1), 0);
        }
        naive(&want, NULL, s, p, NULL, n);
        if (kind == 0) assert_true(ge25519_is_identity(&want));
        for (size_t m = 1; m <= n; m += 299) {
            naive(&want, NULL, s, p, NULL, m);
            size_t len = msm_straus_scratch_size(m);
            void *scr = malloc(len);
            assert_non_null(scr);
            assert_int_equal(msm_straus_vartime(&got, s, p, m, scr, len), 0);
            assert_true(ge25519_eq(&got, &want));
            free(scr);
            len = msm_pippenger_scratch_size(m);
            scr = malloc(len);
            assert_non_null(scr);
            assert_int_equal(msm_pippenger_vartime(&got, s, p, m, scr, len), 0);
            assert_true(ge25519_eq(&got, &want));
            free(scr);
        }
    }
    /* absurd term counts are refused (the size arithmetic saturates instead of wrapping) */
    assert_int_equal(msm_straus_scratch_size(SIZE_MAX / 8), SIZE_MAX);
    assert_int_equal(msm_pippenger_scratch_size(SIZE_MAX / 8), SIZE_MAX);
    assert_int_equal(msm_vartime_alloc(&got, s, p, SIZE_MAX / 8), -1);
    /* [L-1]q + [1]q = 0 */
    assert_int_equal(sc25519_from_bytes_canonical(&s[0], L_MINUS_1), 0);
    sc25519_one(&s[1]);
    assert_int_equal(msm_vartime_alloc(&got, s, p, 2), 0);
    assert_true(ge25519_is_identity(&got));
    free(s);
    free(p);
}

/* The split form: full and half-length terms through an index array, with and without a base scalar,
 * on both sides of the Straus/Pippenger switch. */
static void test_msm_split(void **state)
{
    (void)state;
    tv_rng rng;
    tv_rng_seed(&rng, 4);
    static const size_t shapes[][2] = { { 0, 0 }, { 1, 0 }, { 0, 1 }, { 1, 1 }, { 3, 5 }, { 64, 64 },
                                        { 100, 300 }, { 190, 4 }, { 250, 250 }, { 1, 1000 } };
    const size_t len = msm_split_scratch_size(1001);
    void *scr = malloc(len);
    assert_non_null(scr);
    for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++) {
        const size_t nf = shapes[k][0], nh = shapes[k][1], n = nf + nh;
        sc25519 *s = calloc(n + 1, sizeof *s);
        ge25519_p3 *p = calloc(n + 1, sizeof *p);
        uint32_t *idx = calloc(n + 1, sizeof *idx);
        assert_non_null(s);
        assert_non_null(p);
        assert_non_null(idx);
        make_terms(&rng, s, p, n);
        for (size_t i = nf; i < n; i++) rand_half_scalar(&rng, &s[i]);
        if (nh > 2) s[n - 1].v[1] = UINT64_MAX; /* the largest half-length values */
        for (size_t i = 0; i < n; i++) idx[i] = (uint32_t)(n - 1 - i);
        sc25519 b;
        rand_scalar(&rng, &b);
        ge25519_p3 want, got;
        naive(&want, &b, s, p, idx, n);
        assert_int_equal(msm_vartime_split(&got, &b, s, p, idx, nf, nh, scr, len), 0);
        assert_true(ge25519_eq(&got, &want));
        naive(&want, NULL, s, p, NULL, n);
        assert_int_equal(msm_vartime_split(&got, NULL, s, p, NULL, nf, nh, scr, len), 0);
        assert_true(ge25519_eq(&got, &want));
        assert_int_equal(msm_vartime_split(&got, NULL, s, p, NULL, nf, nh, scr, 15), -1);
        if (nh > 0) {
            /* a "half" scalar of 129 bits is refused */
            s[n - 1].v[2] = 1;
            assert_int_equal(msm_vartime_split(&got, NULL, s, p, NULL, nf, nh, scr, len), -1);
        }
        free(s);
        free(p);
        free(idx);
    }
    free(scr);
}

/* A scratch of msm_scratch_size(N) serves every n <= N, across the Straus/Pippenger switch. */
static void test_msm_scratch_monotone(void **state)
{
    (void)state;
    tv_rng rng;
    tv_rng_seed(&rng, 6);
    const size_t N = MSM_PIPPENGER_THRESHOLD + 8;
    sc25519 *s = calloc(N, sizeof *s);
    ge25519_p3 *p = calloc(N, sizeof *p);
    assert_non_null(s);
    assert_non_null(p);
    make_terms(&rng, s, p, N);
    const size_t len = msm_scratch_size(N);
    void *scr = malloc(len);
    assert_non_null(scr);
    ge25519_p3 want, got;
    for (size_t n = 0; n <= N; n += (n + 8 < MSM_PIPPENGER_THRESHOLD ? 37 : 3)) {
        naive(&want, NULL, s, p, NULL, n);
        assert_int_equal(msm_vartime(&got, s, p, n, scr, len), 0);
        assert_true(ge25519_eq(&got, &want));
        assert_int_equal(msm_vartime_split(&got, NULL, s, p, NULL, n, 0, scr, len), 0);
        assert_true(ge25519_eq(&got, &want));
    }
    free(scr);
    free(s);
    free(p);
}

/* Points straight from decoding (Z = 1) take Pippenger's mixed-addition path. */
static void test_msm_affine_points(void **state)
{
    (void)state;
    tv_rng rng;
    tv_rng_seed(&rng, 5);
    const size_t n = 400;
    sc25519 *s = calloc(n, sizeof *s);
    ge25519_p3 *p = calloc(n, sizeof *p);
    assert_non_null(s);
    assert_non_null(p);
    make_terms(&rng, s, p, n);
    for (size_t i = 0; i < n; i++) {
        uint8_t b[32];
        ge25519_tobytes(b, &p[i]);
        assert_int_equal(ge25519_frombytes_zip215(&p[i], b), 0);
        if (i % 2) ge25519_neg(&p[i], &p[i]);
    }
    ge25519_p3 want, got;
    for (size_t m = 1; m <= n; m = m * 3 + 1) {
        naive(&want, NULL, s, p, NULL, m);
        const size_t len = msm_pippenger_scratch_size(m);
        void *scr = malloc(len);
        assert_non_null(scr);
        assert_int_equal(msm_pippenger_vartime(&got, s, p, m, scr, len), 0);
        assert_true(ge25519_eq(&got, &want));
        free(scr);
    }
    free(s);
    free(p);
}

int main(void)
{
    if (tss_init() != 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_msm_small),
        cmocka_unit_test(test_msm_spread),
        cmocka_unit_test(test_msm_edge_scalars),
        cmocka_unit_test(test_msm_split),
        cmocka_unit_test(test_msm_affine_points),
        cmocka_unit_test(test_msm_scratch_monotone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
