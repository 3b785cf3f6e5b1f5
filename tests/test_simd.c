/* Every vector backend this machine runs against the portable reference, bit for bit: field operations on
 * random and edge-case limbs, point addition and doubling, decompression (valid, invalid, non-canonical y,
 * small order), MSMs (Straus and Pippenger sizes, half-length scalars, index maps, the base term), the
 * double-base multiplication, and single and batch verification verdicts on corrupted signatures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "batch/msm.h"
#include "crypto/cpu.h"
#include "crypto/ed25519_backend.h"
#include "crypto/fe25519.h"
#include "crypto/ge25519.h"
#include "crypto/sc25519.h"
#include "test_support.h"
#include "tss/common.h"
#include "tss/ed25519.h"

static const tss_backend vector_backends[] = { TSS_BACKEND_AVX2, TSS_BACKEND_AVX512Y, TSS_BACKEND_AVX512Z };
#define N_VEC (sizeof vector_backends / sizeof vector_backends[0])

/* the supported vector backends' tables, each its own; 0 entries is a valid outcome on an old CPU */
static size_t supported(const tss_ed25519_ops *out[N_VEC])
{
    size_t k = 0;
    for (size_t i = 0; i < N_VEC; i++) {
        if (!tss_backend_supported(vector_backends[i])) continue;
        out[k] = tss_ed25519_ops_get(vector_backends[i]);
        assert_ptr_not_equal(out[k], tss_ed25519_ops_get(TSS_BACKEND_REF));
        for (size_t j = 0; j < k; j++) assert_ptr_not_equal(out[k], out[j]);
        k++;
    }
    return k;
}

/* as supported(), for a test of the vector backends alone: with none (ref only) it is reported skipped */
static size_t vector_only(const tss_ed25519_ops *out[N_VEC])
{
    const size_t k = supported(out);
    if (k == 0) {
        print_message("no vector backend runs on this CPU: skipped\n");
        skip();
    }
    return k;
}

/* the backend whose table ops is */
static tss_backend id_of(const tss_ed25519_ops *ops)
{
    for (size_t i = 0; i < N_VEC; i++) {
        if (tss_backend_supported(vector_backends[i]) && tss_ed25519_ops_get(vector_backends[i]) == ops)
            return vector_backends[i];
    }
    return TSS_BACKEND_REF;
}

static void fe_bytes_equal(const fe25519 *a, const fe25519 *b)
{
    uint8_t x[32], y[32];
    fe25519_tobytes(x, a);
    fe25519_tobytes(y, b);
    assert_memory_equal(x, y, 32);
}

static void ge_coords_equal(const ge25519_p3 *a, const ge25519_p3 *b)
{
    fe_bytes_equal(&a->X, &b->X);
    fe_bytes_equal(&a->Y, &b->Y);
    fe_bytes_equal(&a->Z, &b->Z);
    fe_bytes_equal(&a->T, &b->T);
}

static void rand_scalar(tv_rng *rng, sc25519 *s)
{
    uint8_t b[64];
    tv_rng_bytes(rng, b, sizeof b);
    sc25519_from_bytes_reduce64(s, b);
}

static void rand_point(tv_rng *rng, ge25519_p3 *p)
{
    sc25519 s;
    rand_scalar(rng, &s);
    ge25519_scalarmult_base(p, &s);
}

/* ---- dispatch ---- */

static void test_dispatch(void **state)
{
    (void)state;
    /* scripts/test-emulated.sh names the features its qemu CPU model must show, so a model that silently
     * gained or lost one (or a run that was not emulated at all) fails instead of testing the wrong thing */
    const char *expect = getenv("TSS_EXPECT_CPU_FEATURES");
    if (expect != NULL) {
        char got[64];
        assert_string_equal(tss_cpu_features_str(tss_cpu_features(), got, sizeof got), expect);
    }
    assert_ptr_equal(tss_ed25519_ops_get(TSS_BACKEND_REF), &tss_ed25519_ops_ref);
    const tss_backend best = tss_backend_best();
    assert_true(tss_backend_supported(best));
    assert_int_equal(setenv("TSS_BACKEND", "ref", 1), 0);
    assert_int_equal(tss_backend_resolve(TSS_BACKEND_AUTO), TSS_BACKEND_REF);
    assert_ptr_equal(tss_ed25519_ops_get(TSS_BACKEND_AUTO), &tss_ed25519_ops_ref);
    assert_int_equal(setenv("TSS_BACKEND", "no-such-backend", 1), 0);
    assert_int_equal(tss_backend_resolve(TSS_BACKEND_AUTO), best);
    assert_int_equal(unsetenv("TSS_BACKEND"), 0);
    assert_int_equal(tss_backend_resolve(TSS_BACKEND_AUTO), best);
    tss_backend b;
    assert_int_equal(tss_backend_parse("avx2", &b), 0);
    assert_int_equal(b, TSS_BACKEND_AVX2);
    assert_int_equal(tss_backend_parse("avx512z", &b), 0);
    assert_int_equal(b, TSS_BACKEND_AVX512Z);
    assert_int_equal(tss_backend_parse("AVX2", &b), -1);
    /* an explicit backend the CPU lacks falls back instead of faulting */
    for (size_t i = 0; i < N_VEC; i++) {
        const tss_backend r = tss_backend_resolve(vector_backends[i]);
        assert_int_equal(r, tss_backend_supported(vector_backends[i]) ? vector_backends[i] : best);
    }
    /* auto: IFMA where it runs, else AVX2 where it runs, else the portable code */
    const unsigned f = tss_cpu_features();
    assert_int_equal(best, (f & TSS_CPU_AVX512IFMA) ? TSS_BACKEND_AVX512Y
                           : (f & TSS_CPU_AVX2)     ? TSS_BACKEND_AVX2
                                                    : TSS_BACKEND_REF);
    /* the configuration entry point */
    assert_int_equal(tss_backend_select(NULL), TSS_BACKEND_AUTO);
    assert_int_equal(tss_backend_select(""), TSS_BACKEND_AUTO);
    assert_int_equal(tss_backend_select("auto"), TSS_BACKEND_AUTO);
    assert_int_equal(tss_backend_select("ref"), TSS_BACKEND_REF);
    assert_int_equal(tss_backend_select("avx-9000"), TSS_BACKEND_COUNT);
    for (size_t i = 0; i < N_VEC; i++) {
        assert_int_equal(tss_backend_select(tss_backend_name(vector_backends[i])),
                         tss_backend_supported(vector_backends[i]) ? vector_backends[i] : best);
    }
}

/* ---- field ---- */

#define NFE 67 /* not a multiple of any lane count, so partial groups run too */

static void edge_elements(fe25519 *e, size_t *n)
{
    const uint64_t M = FE25519_MASK51, LOOSE = M + (1ULL << 19);
    const uint64_t vals[][5] = {
        { 0, 0, 0, 0, 0 },
        { 1, 0, 0, 0, 0 },
        { M - 19, M, M, M, M },          /* p - 1 */
        { M - 18, M, M, M, M },          /* p */
        { M - 17, M, M, M, M },          /* p + 1 */
        { M, M, M, M, M },               /* 2^255 - 1 */
        { LOOSE, LOOSE, LOOSE, LOOSE, LOOSE }, /* largest reduced limbs */
        { LOOSE, 0, LOOSE, 0, LOOSE },
        { 0, 0, 0, 0, LOOSE },
        { 19, 0, 0, 0, 0 },
    };
    *n = sizeof vals / sizeof vals[0];
    for (size_t i = 0; i < *n; i++) memcpy(e[i].v, vals[i], sizeof vals[i]);
}

static void test_field_ops(void **state)
{
    (void)state;
    const tss_ed25519_ops *vb[N_VEC];
    const size_t nv = vector_only(vb);
    const tss_ed25519_ops *ref = tss_ed25519_ops_get(TSS_BACKEND_REF);
    tv_rng rng;
    tv_rng_seed(&rng, 0x51d0f1e1d);
    fe25519 edge[16];
    size_t ne;
    edge_elements(edge, &ne);
    for (int round = 0; round < 40; round++) {
        fe25519 f[NFE], g[NFE], want[NFE], got[NFE];
        for (size_t i = 0; i < NFE; i++) {
            for (int k = 0; k < 5; k++) {
                f[i].v[k] = tv_rng_next(&rng) & FE25519_MASK51;
                g[i].v[k] = tv_rng_next(&rng) & FE25519_MASK51;
            }
        }
        /* every pair of edge cases appears in some round */
        for (size_t i = 0; i < ne; i++) {
            f[i] = edge[i];
            g[i] = edge[(i + (size_t)round) % ne];
        }
        for (size_t b = 0; b < nv; b++) {
            ref->fe_mul_n(want, f, g, NFE);
            vb[b]->fe_mul_n(got, f, g, NFE);
            for (size_t i = 0; i < NFE; i++) fe_bytes_equal(&want[i], &got[i]);
            ref->fe_sq_n(want, f, NFE);
            vb[b]->fe_sq_n(got, f, NFE);
            for (size_t i = 0; i < NFE; i++) fe_bytes_equal(&want[i], &got[i]);
            ref->fe_add_n(want, f, g, NFE);
            vb[b]->fe_add_n(got, f, g, NFE);
            for (size_t i = 0; i < NFE; i++) fe_bytes_equal(&want[i], &got[i]);
            ref->fe_sub_n(want, f, g, NFE);
            vb[b]->fe_sub_n(got, f, g, NFE);
            for (size_t i = 0; i < NFE; i++) fe_bytes_equal(&want[i], &got[i]);
            /* outputs feed back in: the vector results must themselves be valid reduced inputs */
            vb[b]->fe_mul_n(got, got, f, NFE);
            ref->fe_mul_n(want, want, f, NFE);
            for (size_t i = 0; i < NFE; i++) {
                for (int k = 0; k < 5; k++) assert_true(got[i].v[k] < FE25519_MASK51 + (1ULL << 19));
                fe_bytes_equal(&want[i], &got[i]);
            }
        }
    }
}

/* ---- points ---- */

static size_t some_points(tv_rng *rng, ge25519_p3 *p, size_t n)
{
    /* small-order points: the 8 torsion points from an order-8 encoding */
    static const char *t8hex = "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a";
    uint8_t b[32];
    assert_int_equal(tv_hex_exact(b, 32, t8hex), 0);
    ge25519_identity(&p[0]);
    assert_int_equal(ge25519_frombytes_zip215(&p[1], b), 0);
    for (size_t j = 2; j < 8; j++) ge25519_add(&p[j], &p[j - 1], &p[1]);
    for (size_t j = 8; j < n; j++) rand_point(rng, &p[j]);
    /* a mixed-order point */
    ge25519_add(&p[n - 1], &p[n - 1], &p[3]);
    return n;
}

static void test_point_ops(void **state)
{
    (void)state;
    const tss_ed25519_ops *vb[N_VEC];
    const size_t nv = vector_only(vb);
    tv_rng rng;
    tv_rng_seed(&rng, 0xadd0db1);
    enum { NP = 37 };
    ge25519_p3 p[NP], q[NP], want[NP], got[NP];
    some_points(&rng, p, NP);
    for (size_t i = 0; i < NP; i++) q[i] = p[(i * 7 + 3) % NP];
    q[5] = p[5]; /* P + P through the addition formula */
    for (size_t b = 0; b < nv; b++) {
        for (size_t i = 0; i < NP; i++) ge25519_add(&want[i], &p[i], &q[i]);
        vb[b]->ge_add_n(got, p, q, NP);
        for (size_t i = 0; i < NP; i++) ge_coords_equal(&want[i], &got[i]);
        for (size_t i = 0; i < NP; i++) ge25519_dbl(&want[i], &p[i]);
        vb[b]->ge_dbl_n(got, p, NP);
        for (size_t i = 0; i < NP; i++) ge_coords_equal(&want[i], &got[i]);
    }
}

/* ---- decompression ---- */

static void check_decode(const tss_ed25519_ops *ops, const uint8_t (*enc)[32], size_t n)
{
    ge25519_p3 *got = calloc(n, sizeof *got);
    ge25519_p3 **out = calloc(n, sizeof *out);
    const uint8_t **e = calloc(n, sizeof *e);
    uint8_t *ok = calloc(n, 1);
    assert_true(got && out && e && ok);
    for (size_t i = 0; i < n; i++) {
        out[i] = &got[n - 1 - i]; /* scattered outputs */
        e[i] = enc[i];
    }
    ops->decode_zip215(out, e, n, ok);
    size_t good = 0;
    for (size_t i = 0; i < n; i++) {
        ge25519_p3 want;
        const int w = ge25519_frombytes_zip215(&want, enc[i]) == 0;
        assert_int_equal(ok[i], w);
        if (w) {
            ge_coords_equal(&want, out[i]);
            good++;
        }
    }
    /* the negated decode gives -P, equal (mod p) to ge25519_neg of the portable decode */
    memset(ok, 0xff, n);
    ops->decode_zip215_neg(out, e, n, ok);
    for (size_t i = 0; i < n; i++) {
        ge25519_p3 want;
        const int w = ge25519_frombytes_zip215(&want, enc[i]) == 0;
        assert_int_equal(ok[i], w);
        if (w) {
            ge25519_neg(&want, &want);
            ge_coords_equal(&want, out[i]);
        }
    }
    free(got);
    free(out);
    free(e);
    free(ok);
}

static void test_decode(void **state)
{
    (void)state;
    const tss_ed25519_ops *vb[N_VEC + 1];
    size_t nv = supported(vb);
    vb[nv++] = tss_ed25519_ops_get(TSS_BACKEND_REF);
    tv_rng rng;
    tv_rng_seed(&rng, 0xdec0de);
    enum { NE = 203 };
    uint8_t (*enc)[32] = calloc(NE, 32);
    assert_non_null(enc);
    size_t k = 0;
    ge25519_p3 pts[40];
    some_points(&rng, pts, 40);
    for (size_t i = 0; i < 40; i++) ge25519_tobytes(enc[k++], &pts[i]);
    /* non-canonical y = y' + p for y' < 19, both signs; "negative zero" for x = 0 */
    for (unsigned y = 0; y < 19; y++) {
        for (unsigned s = 0; s < 2; s++) {
            memset(enc[k], 0xff, 32);
            enc[k][0] = (uint8_t)(0xed + y);
            enc[k][31] = (uint8_t)(0x7f | (s << 7));
            k++;
        }
    }
    memset(enc[k], 0, 32);
    enc[k][0] = 1;
    enc[k++][31] = 0x80;
    /* the rest random bytes: about half are not on the curve */
    while (k < NE) tv_rng_bytes(&rng, enc[k++], 32);
    for (size_t b = 0; b < nv; b++) {
        check_decode(vb[b], (const uint8_t (*)[32])enc, NE);
        check_decode(vb[b], (const uint8_t (*)[32])enc + 1, 5); /* a partial group */
        check_decode(vb[b], (const uint8_t (*)[32])enc + 60, 1);
    }
    free(enc);
}

/* ---- MSM ---- */

static void check_msm(tv_rng *rng, const tss_ed25519_ops *ops, size_t n_full, size_t n_half, int with_b,
                      int with_idx)
{
    const size_t n = n_full + n_half, np = n ? n : 1;
    sc25519 *sc = calloc(np, sizeof *sc);
    ge25519_p3 *pts = calloc(np, sizeof *pts);
    uint32_t *idx = calloc(np, sizeof *idx);
    assert_true(sc && pts && idx);
    for (size_t i = 0; i < n; i++) {
        rand_scalar(rng, &sc[i]);
        if (i >= n_full) sc[i].v[2] = sc[i].v[3] = 0;
        if (i % 17 == 5) sc25519_zero(&sc[i]);
        rand_point(rng, &pts[i]);
        idx[i] = (uint32_t)(with_idx ? (i * 5 + 1) % np : i);
    }
    if (n > 3) {
        ge25519_identity(&pts[2]); /* identity and repeated points */
        pts[3] = pts[1];
    }
    sc25519 b;
    rand_scalar(rng, &b);
    const size_t lr = msm_split_scratch_size(n), lv = tss_ed25519_msm_scratch_size(id_of(ops), n);
    assert_true(tss_ed25519_msm_scratch_size_any(n) >= lv);
    void *sr = malloc(lr), *sv = malloc(lv);
    assert_true(sr && sv);
    ge25519_p3 want, got;
    assert_int_equal(msm_vartime_split(&want, with_b ? &b : NULL, sc, pts, with_idx ? idx : NULL, n_full, n_half,
                                       sr, lr), 0);
    assert_int_equal(ops->msm_split(&got, with_b ? &b : NULL, sc, pts, with_idx ? idx : NULL, n_full, n_half, sv,
                                    lv), 0);
    uint8_t x[32], y[32];
    ge25519_tobytes(x, &want);
    ge25519_tobytes(y, &got);
    assert_memory_equal(x, y, 32);
    assert_true(ge25519_eq(&want, &got));
    if (n && lv > 0) {
        /* too little scratch is refused */
        assert_int_equal(ops->msm_split(&got, NULL, sc, pts, NULL, n_full, n_half, sv, 16), -1);
    }
    if (n_half) {
        sc[n_full].v[2] = 1; /* a "half" scalar that is not: refused */
        assert_int_equal(ops->msm_split(&got, NULL, sc, pts, NULL, n_full, n_half, sv, lv), -1);
    }
    free(sr);
    free(sv);
    free(sc);
    free(pts);
    free(idx);
}

static void test_msm(void **state)
{
    (void)state;
    const tss_ed25519_ops *vb[N_VEC];
    const size_t nv = vector_only(vb);
    tv_rng rng;
    tv_rng_seed(&rng, 0x3353);
    static const size_t sizes[][2] = { { 0, 0 }, { 1, 0 }, { 0, 1 }, { 2, 3 }, { 7, 0 }, { 9, 9 },
                                       { 64, 64 }, { 100, 150 }, { 200, 200 }, { 700, 500 } };
    for (size_t b = 0; b < nv; b++) {
        for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
            check_msm(&rng, vb[b], sizes[i][0], sizes[i][1], (int)(i & 1), (int)((i >> 1) & 1));
            check_msm(&rng, vb[b], sizes[i][0], sizes[i][1], !(int)(i & 1), !(int)((i >> 1) & 1));
        }
    }
}

/* Points straight from decoding (Z = 1, as in batch verification) take the buckets' mixed additions; the
 * sums still equal the portable ones, on both sides of the Straus/Pippenger switch. */
static void test_msm_affine(void **state)
{
    (void)state;
    const tss_ed25519_ops *vb[N_VEC];
    const size_t nv = vector_only(vb);
    tv_rng rng;
    tv_rng_seed(&rng, 0x3355);
    enum { N = 300 };
    sc25519 *sc = calloc(N, sizeof *sc);
    ge25519_p3 *pts = calloc(N, sizeof *pts);
    assert_true(sc && pts);
    for (size_t i = 0; i < N; i++) {
        ge25519_p3 q;
        uint8_t enc[32];
        rand_point(&rng, &q);
        ge25519_tobytes(enc, &q);
        assert_int_equal(ge25519_frombytes_zip215(&pts[i], enc), 0);
        rand_scalar(&rng, &sc[i]);
        if (i >= N / 2) sc[i].v[2] = sc[i].v[3] = 0;
    }
    pts[7] = pts[3]; /* a repeated point: two additions into the same buckets */
    static const size_t sizes[][2] = { { 20, 20 }, { 60, 60 }, { 150, 150 } };
    for (size_t b = 0; b < nv; b++) {
        for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
            const size_t nf = sizes[k][0], nh = sizes[k][1];
            const size_t lr = msm_split_scratch_size(nf + nh), lv = tss_ed25519_msm_scratch_size(id_of(vb[b]), nf + nh);
            void *sr = malloc(lr), *sv = malloc(lv);
            assert_true(sr && sv);
            ge25519_p3 want, got;
            /* half terms are the last nh of the array */
            sc25519 *s2 = calloc(nf + nh, sizeof *s2);
            uint32_t *idx = calloc(nf + nh, sizeof *idx);
            assert_true(s2 && idx);
            for (size_t i = 0; i < nf + nh; i++) {
                idx[i] = (uint32_t)(i < nf ? i : N / 2 + (i - nf));
                s2[i] = sc[idx[i]];
            }
            assert_int_equal(msm_vartime_split(&want, NULL, s2, pts, idx, nf, nh, sr, lr), 0);
            assert_int_equal(vb[b]->msm_split(&got, NULL, s2, pts, idx, nf, nh, sv, lv), 0);
            uint8_t x[32], y[32];
            ge25519_tobytes(x, &want);
            ge25519_tobytes(y, &got);
            assert_memory_equal(x, y, 32);
            free(s2);
            free(idx);
            free(sr);
            free(sv);
        }
    }
    free(sc);
    free(pts);
}

/* Few distinct scalars put long runs of additions into the same buckets of one lane while the other lanes
 * idle: the bucket kept in a lane across a run, the lane switches and the idle lanes must not change sums. */
static void test_msm_bucket_runs(void **state)
{
    (void)state;
    const tss_ed25519_ops *vb[N_VEC];
    const size_t nv = vector_only(vb);
    tv_rng rng;
    tv_rng_seed(&rng, 0x3357);
    enum { N = 260 };
    sc25519 *sc = calloc(N, sizeof *sc);
    ge25519_p3 *pts = calloc(N, sizeof *pts);
    assert_true(sc && pts);
    sc25519 few[3];
    for (size_t k = 0; k < 3; k++) rand_scalar(&rng, &few[k]);
    for (int affine = 0; affine < 2; affine++) {
        for (size_t i = 0; i < N; i++) {
            ge25519_p3 q;
            rand_point(&rng, &q);
            if (affine) {
                uint8_t enc[32];
                ge25519_tobytes(enc, &q);
                assert_int_equal(ge25519_frombytes_zip215(&pts[i], enc), 0);
            } else {
                pts[i] = q;
            }
            /* mostly one scalar, some a second, a few a third (negated digits from the high ones) */
            sc[i] = few[i % 11 == 0 ? 2 : (i % 4 == 1 ? 1 : 0)];
        }
        static const size_t sizes[][2] = { { 60, 0 }, { 130, 0 }, { N, 0 } };
        for (size_t b = 0; b < nv; b++) {
            for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
                const size_t nf = sizes[k][0], nh = sizes[k][1];
                const size_t lr = msm_split_scratch_size(nf + nh), lv = tss_ed25519_msm_scratch_size(id_of(vb[b]), nf + nh);
                void *sr = malloc(lr), *sv = malloc(lv);
                assert_true(sr && sv);
                ge25519_p3 want, got;
                assert_int_equal(msm_vartime_split(&want, NULL, sc, pts, NULL, nf, nh, sr, lr), 0);
                assert_int_equal(vb[b]->msm_split(&got, NULL, sc, pts, NULL, nf, nh, sv, lv), 0);
                uint8_t x[32], y[32];
                ge25519_tobytes(x, &want);
                ge25519_tobytes(y, &got);
                assert_memory_equal(x, y, 32);
                free(sr);
                free(sv);
            }
        }
    }
    free(sc);
    free(pts);
}

/* msm_scratch_size covers the selected backend, so msm_vartime (FROST's MSMs) takes the vector path; with
 * scratch sized for the portable code only, it still answers, through the portable code. */
static void test_msm_generic_scratch(void **state)
{
    (void)state;
    tv_rng rng;
    tv_rng_seed(&rng, 0x3354);
    enum { N = 67 };
    sc25519 sc[N];
    ge25519_p3 pts[N];
    for (size_t i = 0; i < N; i++) {
        rand_scalar(&rng, &sc[i]);
        rand_point(&rng, &pts[i]);
    }
    static const char *const names[] = { "ref", "avx2", "avx512y", "avx512z" };
    uint8_t want[32], got[32];
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        assert_int_equal(setenv("TSS_BACKEND", names[k], 1), 0);
        const tss_backend be = tss_backend_resolve(TSS_BACKEND_AUTO);
        for (size_t n = 1; n <= N; n += 11) {
            const size_t len = msm_scratch_size(n), lref = msm_straus_scratch_size(n);
            if (be != TSS_BACKEND_REF) assert_true(len >= tss_ed25519_msm_scratch_size(be, n));
            assert_true(len >= lref);
            void *scr = malloc(len);
            assert_non_null(scr);
            ge25519_p3 r;
            assert_int_equal(msm_straus_vartime(&r, sc, pts, n, scr, lref), 0);
            ge25519_tobytes(want, &r);
            assert_int_equal(msm_vartime(&r, sc, pts, n, scr, len), 0);
            ge25519_tobytes(got, &r);
            assert_memory_equal(want, got, 32);
            if (be != TSS_BACKEND_REF && lref < tss_ed25519_msm_scratch_size(be, n)) {
                assert_int_equal(msm_vartime(&r, sc, pts, n, scr, lref), 0);
                ge25519_tobytes(got, &r);
                assert_memory_equal(want, got, 32);
            }
            free(scr);
        }
    }
    assert_int_equal(unsetenv("TSS_BACKEND"), 0);
    /* the 32-term chunks of frost_group_commitment fit frost_msm_vartime's 96 KB stack scratch */
    for (size_t i = 0; i < N_VEC; i++) {
        if (tss_backend_supported(vector_backends[i]))
            assert_true(tss_ed25519_msm_scratch_size(vector_backends[i], 32) <= 96u * 1024u);
    }
}

static void test_double_base(void **state)
{
    (void)state;
    const tss_ed25519_ops *vb[N_VEC];
    const size_t nv = vector_only(vb);
    tv_rng rng;
    tv_rng_seed(&rng, 0xdb);
    ge25519_p3 tors[8];
    some_points(&rng, tors, 8);
    for (int it = 0; it < 40; it++) {
        sc25519 a, b;
        ge25519_p3 A, want, got;
        rand_scalar(&rng, &a);
        rand_scalar(&rng, &b);
        if (it == 0) sc25519_zero(&a);
        if (it == 1) sc25519_zero(&b);
        rand_point(&rng, &A);
        if (it % 5 == 2) A = tors[it % 8];
        ge25519_double_scalarmult_base_vartime(&want, &a, &A, &b);
        for (size_t k = 0; k < nv; k++) {
            vb[k]->double_scalarmult_base(&got, &a, &A, &b);
            assert_true(ge25519_eq(&want, &got));
        }
    }
}

/* ---- verification verdicts ---- */

enum { C_NONE, C_FLIP_R, C_FLIP_S, C_FLIP_A, C_FLIP_M, C_S_PLUS_L, C_SMALL_A, C_SMALL_R, C_NONCANON_R, C_COUNT };

typedef struct {
    uint8_t sig[64], pk[32], msg[40];
    size_t len;
} sig_item;

static void corrupt(tv_rng *rng, sig_item *it, int kind)
{
    static const uint8_t L[32] = { 0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
                                   0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10 };
    static const char *t8hex = "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a";
    const unsigned bit = (unsigned)(tv_rng_next(rng) % 8), byte = (unsigned)(tv_rng_next(rng) % 32);
    switch (kind) {
    case C_FLIP_R: it->sig[byte] ^= (uint8_t)(1u << bit); break;
    case C_FLIP_S: it->sig[32 + byte] ^= (uint8_t)(1u << bit); break;
    case C_FLIP_A: it->pk[byte] ^= (uint8_t)(1u << bit); break;
    case C_FLIP_M: it->msg[byte % sizeof it->msg] ^= (uint8_t)(1u << bit); it->len = sizeof it->msg; break;
    case C_S_PLUS_L: {
        unsigned c = 0;
        for (int i = 0; i < 32; i++) {
            c += (unsigned)it->sig[32 + i] + L[i];
            it->sig[32 + i] = (uint8_t)c;
            c >>= 8;
        }
        break;
    }
    case C_SMALL_A: /* small-order A with S = 0 and R small: valid under ZIP-215 */
    case C_SMALL_R:
        assert_int_equal(tv_hex_exact(kind == C_SMALL_A ? it->pk : it->sig, 32, t8hex), 0);
        if (kind == C_SMALL_A) {
            assert_int_equal(tv_hex_exact(it->sig, 32, t8hex), 0);
            memset(it->sig + 32, 0, 32);
        }
        break;
    case C_NONCANON_R: /* y + p for a small y: an encoding only ZIP-215 accepts */
        memset(it->sig, 0xff, 32);
        it->sig[0] = (uint8_t)(0xed + bit);
        it->sig[31] = 0x7f;
        break;
    default: break;
    }
}

static void test_verdicts(void **state)
{
    (void)state;
    const tss_ed25519_ops *vb[N_VEC];
    const size_t nv = supported(vb);
    tv_rng rng;
    tv_rng_seed(&rng, 0x5e1f);
    enum { NKEYS = 9 };
    uint8_t pks[NKEYS][32], sks[NKEYS][64];
    for (int i = 0; i < NKEYS; i++) {
        uint8_t seed[32];
        tv_rng_bytes(&rng, seed, 32);
        assert_int_equal(tss_ed25519_keypair_from_seed(pks[i], sks[i], seed), 0);
    }
    static const size_t sizes[] = { 1, 2, 7, 33, 64, 200, 400 };
    for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
        const size_t n = sizes[si];
        sig_item *items = calloc(n, sizeof *items);
        const uint8_t **sg = calloc(n, sizeof *sg), **ms = calloc(n, sizeof *ms), **pk = calloc(n, sizeof *pk);
        size_t *ln = calloc(n, sizeof *ln);
        int *want = calloc(n, sizeof *want), *got = calloc(n, sizeof *got);
        assert_true(items && sg && ms && pk && ln && want && got);
        int all = 1;
        for (size_t i = 0; i < n; i++) {
            sig_item *it = &items[i];
            const size_t key = (size_t)(tv_rng_next(&rng) % NKEYS);
            it->len = (size_t)(tv_rng_next(&rng) % sizeof it->msg);
            tv_rng_bytes(&rng, it->msg, it->len);
            memcpy(it->pk, pks[key], 32);
            assert_int_equal(tss_ed25519_sign(it->sig, it->msg, it->len, sks[key]), 0);
            if (tv_rng_next(&rng) % 4 == 0) corrupt(&rng, it, 1 + (int)(tv_rng_next(&rng) % (C_COUNT - 1)));
            sg[i] = it->sig;
            ms[i] = it->msg;
            pk[i] = it->pk;
            ln[i] = it->len;
            want[i] = tss_ed25519_verify_backend(TSS_BACKEND_REF, it->sig, it->msg, it->len, it->pk) == 0;
            all &= want[i];
        }
        const size_t len = tss_ed25519_verify_batch_scratch_size(n);
        void *scratch = malloc(len);
        assert_non_null(scratch);
        for (size_t b = 0; b <= nv; b++) {
            const tss_backend be = b < nv ? id_of(vb[b]) : TSS_BACKEND_REF;
            for (size_t i = 0; i < n; i++) {
                assert_int_equal(tss_ed25519_verify_backend(be, sg[i], ms[i], ln[i], pk[i]) == 0, want[i]);
            }
            const int rc = tss_ed25519_verify_batch_scratch_backend(be, sg, ms, ln, pk, n, got, scratch, len);
            assert_int_equal(rc, all ? 0 : -1);
            assert_memory_equal(got, want, n * sizeof(int));
        }
        free(scratch);
        free(items);
        free(sg);
        free(ms);
        free(pk);
        free(ln);
        free(want);
        free(got);
    }
}

int main(void)
{
    if (tss_init() != 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dispatch),   cmocka_unit_test(test_field_ops),   cmocka_unit_test(test_point_ops),
        cmocka_unit_test(test_decode),     cmocka_unit_test(test_msm),         cmocka_unit_test(test_double_base),
        cmocka_unit_test(test_msm_generic_scratch), cmocka_unit_test(test_msm_affine),
        cmocka_unit_test(test_msm_bucket_runs),
        cmocka_unit_test(test_verdicts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
