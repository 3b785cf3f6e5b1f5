/* The fast paths of DKG part 2 / part 3 (crypto/frost_poly.h) against the plain methods they replace:
 * secret Horner by small multiples vs sc25519_muladd, every participant's commitment value by forward
 * differences vs one Horner evaluation each, and batched commitment decoding vs frost_point_decode_fast,
 * on every backend this CPU supports. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "test_support.h"
#include "tss/frost.h"

#include "crypto/cpu.h"
#include "crypto/ed25519_backend.h"
#include "crypto/frost_internal.h"
#include "crypto/frost_poly.h"
#include "crypto/ge25519.h"
#include "crypto/sc25519.h"

static void random_scalar(tv_rng *r, sc25519 *s)
{
    uint8_t b[64];
    tv_rng_bytes(r, b, sizeof b);
    sc25519_from_bytes_reduce64(s, b);
}

/* L - 1 and L - 2^252 - 1 style extremes, little endian. */
static const uint8_t L_MINUS_1[32] = {
    0xec, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
};

static void check_muladd(const sc25519 *a, uint64_t x, const sc25519 *c)
{
    sc25519 want, got, xs;
    sc25519_from_u64(&xs, x);
    sc25519_muladd(&want, a, &xs, c);
    frost_kg_sc_muladd_small(&got, a, x, c);
    assert_memory_equal(want.v, got.v, sizeof want.v);
}

static void test_muladd_small(void **state)
{
    (void)state;
    tv_rng r;
    tv_rng_seed(&r, 0x5ca1ab1e);
    sc25519 a, c, top, zero, one;
    sc25519_from_bytes_canonical(&top, L_MINUS_1);
    sc25519_zero(&zero);
    sc25519_one(&one);
    const uint64_t xs[] = { 0, 1, 2, 3, 16, 667, 1000, 65535, 65536, 0xffffffffULL, 0x100000000ULL,
                            0x7fffffffffffffffULL, 0x4000000000000001ULL };
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        check_muladd(&top, xs[i], &top);
        check_muladd(&top, xs[i], &zero);
        check_muladd(&zero, xs[i], &top);
        check_muladd(&one, xs[i], &top);
    }
    for (int i = 0; i < 20000; i++) {
        random_scalar(&r, &a);
        random_scalar(&r, &c);
        uint64_t x = tv_rng_next(&r);
        switch (i % 4) {
        case 0: x &= 0xffff; break;
        case 1: x &= 0xffffffffULL; break;
        default: x &= 0x7fffffffffffffffULL; break;
        }
        check_muladd(&a, x, &c);
    }
}

static void test_poly_eval(void **state)
{
    (void)state;
    tv_rng r;
    tv_rng_seed(&r, 42);
    sc25519 coeffs[67], x, want, got;
    for (size_t t = 1; t <= 67; t += 11) {
        for (size_t k = 0; k < t; k++)
            random_scalar(&r, &coeffs[k]);
        const uint64_t xv[] = { 1, 2, 100, 1000, 65535, 1ULL << 40, 0x7fffffffffffffffULL };
        for (size_t i = 0; i < sizeof xv / sizeof xv[0]; i++) {
            sc25519_from_u64(&x, xv[i]);
            frost_poly_eval(&want, coeffs, t, &x);
            frost_kg_poly_eval(&got, coeffs, t, &x);
            assert_memory_equal(want.v, got.v, sizeof want.v);
        }
        random_scalar(&r, &x);   /* a derived identifier: the sc25519_muladd path */
        frost_poly_eval(&want, coeffs, t, &x);
        frost_kg_poly_eval(&got, coeffs, t, &x);
        assert_memory_equal(want.v, got.v, sizeof want.v);
    }
}

typedef struct collect {
    uint8_t (*enc)[32];
    size_t calls;
} collect;

static void collect_emit(void *ctx, size_t k, const ge25519_p3 *Y)
{
    collect *c = ctx;
    assert_int_equal(k, c->calls);
    ge25519_tobytes(c->enc[k], Y);
    c->calls++;
}

/* Compares frost_kg_exp_eval_all_vartime with frost_kg_exp_eval_vartime for identifiers ids[0..n). */
static void check_eval_all(const tss_ed25519_ops *ops, const ge25519_p3 *C, size_t t, const uint64_t *ids,
                           size_t n, int expect_used)
{
    tss_frost_identifier *id = test_malloc(n * sizeof *id);
    uint8_t (*got)[32] = test_malloc(n * 32);
    const size_t len = frost_kg_exp_eval_scratch_size(t);
    void *scratch = test_malloc(len);
    for (size_t k = 0; k < n; k++)
        assert_int_equal(tss_frost_identifier_from_u64(&id[k], ids[k]), TSS_OK);
    collect c = { got, 0 };
    const int used = frost_kg_exp_eval_all_vartime(ops, C, t, id, sizeof *id, n, collect_emit, &c, scratch, len);
    assert_int_equal(used, expect_used);
    assert_int_equal(c.calls, used ? n : 0);
    for (size_t k = 0; used && k < n; k++) {
        sc25519 x;
        ge25519_p3 Y;
        uint8_t want[32];
        sc25519_from_u64(&x, ids[k]);
        assert_int_equal(frost_kg_exp_eval_vartime(&Y, C, t, &x, scratch, len), 0);
        ge25519_tobytes(want, &Y);
        assert_memory_equal(want, got[k], 32);
    }
    /* too little scratch is refused, not overrun */
    if (expect_used)
        assert_int_equal(frost_kg_exp_eval_all_vartime(ops, C, t, id, sizeof *id, n, collect_emit, &c, scratch,
                                                       (3 * t + 3) * sizeof(ge25519_p3) / 2),
                         -1);
    test_free(scratch);
    test_free(got);
    test_free(id);
}

static void test_eval_all(void **state)
{
    (void)state;
    tv_rng r;
    tv_rng_seed(&r, 7);
    enum { TMAX = 70, NMAX = 120 };
    ge25519_p3 *C = test_malloc(TMAX * sizeof *C);
    for (size_t k = 0; k < TMAX; k++) {
        sc25519 a;
        random_scalar(&r, &a);
        ge25519_scalarmult_base(&C[k], &a);
    }
    uint64_t ids[NMAX];
    for (int b = TSS_BACKEND_REF; b < TSS_BACKEND_COUNT; b++) {
        if (!tss_backend_supported((tss_backend)b))
            continue;
        const tss_ed25519_ops *ops = tss_ed25519_ops_get((tss_backend)b);
        const size_t ts[] = { 1, 2, 3, 5, 8, 9, 17, 33, 67, 70 };
        for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++) {
            const size_t t = ts[i], n = t + 30 < NMAX ? t + 30 : NMAX;
            for (size_t k = 0; k < n; k++)
                ids[k] = k + 1;
            check_eval_all(ops, C, t, ids, n, 1);
            /* a subset with gaps, starting above 1 */
            size_t m = 0;
            for (uint64_t x = 3; m < n / 2; x += 1 + (x % 3))
                ids[m++] = x;
            check_eval_all(ops, C, t, ids, m, 1);
        }
        /* identity coefficients (a refresh commitment's constant) and a repeated point */
        ge25519_p3 D[4];
        ge25519_identity(&D[0]);
        D[1] = C[0];
        D[2] = C[0];
        ge25519_identity(&D[3]);
        for (size_t k = 0; k < 10; k++)
            ids[k] = k + 1;
        check_eval_all(ops, D, 4, ids, 10, 1);
        /* not qualifying: too sparse, too large, not ascending */
        ids[0] = 1;
        ids[1] = 1000;
        check_eval_all(ops, C, 3, ids, 2, 0);
        ids[0] = 1ULL << 33;
        check_eval_all(ops, C, 3, ids, 1, 0);
        ids[0] = 2;
        ids[1] = 1;
        check_eval_all(ops, C, 3, ids, 2, 0);
    }
    test_free(C);
}

static void test_decode_batch(void **state)
{
    (void)state;
    tv_rng r;
    tv_rng_seed(&r, 99);
    enum { N = 150 };
    tss_frost_element *enc = test_malloc(N * sizeof *enc);
    ge25519_p3 *got = test_malloc(N * sizeof *got);
    for (size_t i = 0; i < N; i++) {
        sc25519 a;
        ge25519_p3 P;
        random_scalar(&r, &a);
        ge25519_scalarmult_base(&P, &a);
        ge25519_tobytes(enc[i].bytes, &P);
    }
    /* invalid encodings: identity, non-canonical y (p), off the curve, negative zero x (y = -1 with sign) */
    static const uint8_t identity[32] = { 1 };
    static const uint8_t off_curve[32] = { 2 };
    uint8_t p_bytes[32], neg_zero[32];
    memset(p_bytes, 0xff, 32);
    p_bytes[0] = 0xed;
    p_bytes[31] = 0x7f;
    memset(neg_zero, 0xff, 32);
    neg_zero[0] = 0xec;   /* y = p - 1 = -1, x = 0 */
    const uint8_t *bad[] = { identity, off_curve, p_bytes, neg_zero };
    for (int b = TSS_BACKEND_REF; b < TSS_BACKEND_COUNT; b++) {
        if (!tss_backend_supported((tss_backend)b))
            continue;
        const tss_ed25519_ops *ops = tss_ed25519_ops_get((tss_backend)b);
        for (size_t n = 1; n <= N; n += (n < 20 ? 1 : 37)) {
            assert_int_equal(frost_kg_points_decode_vartime(ops, got, enc, n), 0);
            for (size_t i = 0; i < n; i++) {
                ge25519_p3 want;
                uint8_t a[32], w[32];
                assert_int_equal(frost_point_decode_fast(&want, enc[i].bytes), TSS_OK);
                ge25519_tobytes(w, &want);
                ge25519_tobytes(a, &got[i]);
                assert_memory_equal(a, w, 32);
                assert_true(ge25519_eq(&want, &got[i]));
            }
        }
        for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
            const size_t at[] = { 0, 7, 64, N - 1 };
            for (size_t j = 0; j < sizeof at / sizeof at[0]; j++) {
                tss_frost_element keep = enc[at[j]];
                ge25519_p3 chk;
                assert_int_not_equal(frost_point_decode_fast(&chk, bad[k]), TSS_OK);
                memcpy(enc[at[j]].bytes, bad[k], 32);
                assert_int_equal(frost_kg_points_decode_vartime(ops, got, enc, N), -1);
                /* one verdict per point: only the corrupted one fails */
                ge25519_p3 *outs[N];
                const uint8_t *encs[N];
                uint8_t ok[N];
                for (size_t i = 0; i < N; i++) {
                    outs[i] = &got[i];
                    encs[i] = enc[i].bytes;
                }
                frost_kg_decode_each_vartime(ops, outs, encs, N, ok);
                for (size_t i = 0; i < N; i++)
                    assert_int_equal(ok[i], i != at[j]);
                enc[at[j]] = keep;
            }
        }
    }
    test_free(got);
    test_free(enc);
}

int main(void)
{
    if (tss_init() != TSS_OK)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_muladd_small),
        cmocka_unit_test(test_poly_eval),
        cmocka_unit_test(test_eval_all),
        cmocka_unit_test(test_decode_batch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
