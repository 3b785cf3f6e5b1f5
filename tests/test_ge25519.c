/* The edwards25519 group against libsodium: add/sub, scalar multiplication (constant-time, vartime,
 * fixed-base, double), decoding rules (ZIP-215 vs canonical), torsion points. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "crypto/ge25519.h"
#include "test_support.h"

#define ITERS 200

static int setup(void **state)
{
    (void)state;
    return sodium_init() < 0 ? -1 : 0;
}

/* A random scalar below 2^252 < L, built from limbs only (independent of sc25519.c). */
static void random_small_scalar(tv_rng *rng, sc25519 *s, uint8_t bytes[32])
{
    tv_rng_bytes(rng, bytes, 32);
    bytes[31] &= 0x0f;
    for (int i = 0; i < 4; i++) {
        s->v[i] = 0;
        for (int j = 0; j < 8; j++) {
            s->v[i] |= (uint64_t)bytes[8 * i + j] << (8 * j);
        }
    }
}

static void scalar_from_bytes_raw(sc25519 *s, const uint8_t bytes[32])
{
    for (int i = 0; i < 4; i++) {
        s->v[i] = 0;
        for (int j = 0; j < 8; j++) {
            s->v[i] |= (uint64_t)bytes[8 * i + j] << (8 * j);
        }
    }
}

static void decode_ok(ge25519_p3 *p, const uint8_t s[32])
{
    assert_int_equal(ge25519_frombytes_zip215(p, s), 0);
}

static void assert_point_bytes(const ge25519_p3 *p, const uint8_t expected[32])
{
    uint8_t b[32];
    ge25519_tobytes(b, p);
    assert_memory_equal(b, expected, 32);
}

static const char *const torsion_hex[8] = {
    "0100000000000000000000000000000000000000000000000000000000000000",   /* identity */
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",   /* order 2 */
    "0000000000000000000000000000000000000000000000000000000000000000",   /* order 4 */
    "0000000000000000000000000000000000000000000000000000000000000080",   /* order 4 */
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",   /* order 8 */
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
};

static void test_base_point(void **state)
{
    (void)state;
    uint8_t expected[32], b[32];
    ge25519_p3 B, D;
    assert_int_equal(tv_hex_exact(expected, 32, "5866666666666666666666666666666666666666666666666666666666666666"), 0);
    ge25519_base(&B);
    assert_point_bytes(&B, expected);
    assert_int_equal(ge25519_frombytes_canonical(&D, expected), 0);
    assert_true(ge25519_eq(&B, &D));
    assert_false(ge25519_is_identity(&B));
    assert_false(ge25519_is_small_order(&B));
    /* [2]B from libsodium */
    ge25519_dbl(&D, &B);
    ge25519_tobytes(b, &D);
    assert_int_equal(crypto_core_ed25519_add(expected, expected, expected), 0);
    assert_memory_equal(b, expected, 32);
}

static void test_add_sub_vs_libsodium(void **state)
{
    (void)state;
    uint8_t pb[32], qb[32], want[32], got[32];
    ge25519_p3 p, q, r;
    for (int i = 0; i < ITERS; i++) {
        crypto_core_ed25519_random(pb);
        crypto_core_ed25519_random(qb);
        decode_ok(&p, pb);
        decode_ok(&q, qb);
        assert_int_equal(crypto_core_ed25519_add(want, pb, qb), 0);
        ge25519_add(&r, &p, &q);
        ge25519_tobytes(got, &r);
        assert_memory_equal(got, want, 32);

        assert_int_equal(crypto_core_ed25519_sub(want, pb, qb), 0);
        ge25519_sub(&r, &p, &q);
        ge25519_tobytes(got, &r);
        assert_memory_equal(got, want, 32);

        /* P + P through add equals dbl (complete formulas) */
        assert_int_equal(crypto_core_ed25519_add(want, pb, pb), 0);
        ge25519_add(&r, &p, &p);
        ge25519_tobytes(got, &r);
        assert_memory_equal(got, want, 32);
        ge25519_dbl(&r, &p);
        ge25519_tobytes(got, &r);
        assert_memory_equal(got, want, 32);

        /* P - P = identity, P + (-P) = identity */
        ge25519_sub(&r, &p, &p);
        assert_true(ge25519_is_identity(&r));
        ge25519_neg(&q, &p);
        ge25519_add(&r, &p, &q);
        assert_true(ge25519_is_identity(&r));
        assert_false(ge25519_eq(&p, &q));
    }
}

static void test_precomp_steps(void **state)
{
    (void)state;
    uint8_t pb[32], qb[32], want[32], got[32];
    ge25519_p3 p, q, r;
    ge25519_precomp qp;
    ge25519_p1p1 t;
    for (int i = 0; i < 50; i++) {
        crypto_core_ed25519_random(pb);
        crypto_core_ed25519_random(qb);
        decode_ok(&p, pb);
        decode_ok(&q, qb);
        ge25519_dbl(&q, &q);   /* Z != 1 */
        ge25519_p3_to_precomp(&qp, &q);
        ge25519_add_precomp(&t, &p, &qp);
        ge25519_p1p1_to_p3(&r, &t);
        ge25519_tobytes(want, &q);
        assert_int_equal(crypto_core_ed25519_add(want, pb, want), 0);
        ge25519_tobytes(got, &r);
        assert_memory_equal(got, want, 32);
        ge25519_sub_precomp(&t, &r, &qp);
        ge25519_p1p1_to_p3(&r, &t);
        assert_true(ge25519_eq(&r, &p));
    }
}

static void test_scalarmult_vs_libsodium(void **state)
{
    (void)state;
    tv_rng rng;
    tv_rng_seed(&rng, 0x6765323535313901ULL);
    uint8_t pb[32], nb[32], want[32], got[32];
    sc25519 n;
    ge25519_p3 p, r, B;
    ge25519_base(&B);
    for (int i = 0; i < ITERS; i++) {
        crypto_core_ed25519_random(pb);
        decode_ok(&p, pb);
        random_small_scalar(&rng, &n, nb);
        assert_int_equal(crypto_scalarmult_ed25519_noclamp(want, nb, pb), 0);
        ge25519_scalarmult(&r, &n, &p);
        ge25519_tobytes(got, &r);
        assert_memory_equal(got, want, 32);
        ge25519_scalarmult_vartime(&r, &n, &p);
        ge25519_tobytes(got, &r);
        assert_memory_equal(got, want, 32);

        assert_int_equal(crypto_scalarmult_ed25519_base_noclamp(want, nb), 0);
        ge25519_scalarmult_base(&r, &n);
        ge25519_tobytes(got, &r);
        assert_memory_equal(got, want, 32);
        ge25519_scalarmult(&r, &n, &B);
        ge25519_tobytes(got, &r);
        assert_memory_equal(got, want, 32);
        ge25519_scalarmult_vartime(&r, &n, &B);
        ge25519_tobytes(got, &r);
        assert_memory_equal(got, want, 32);
    }
}

/* Full-range scalars (< L, from sc25519) and the extremes 0, 1, L - 1. */
static void test_scalarmult_full_range(void **state)
{
    (void)state;
    uint8_t nb[32], want[32], got[32], pb[32];
    sc25519 n;
    ge25519_p3 r, B, p, negB;
    ge25519_base(&B);
    ge25519_neg(&negB, &B);
    for (int i = 0; i < 100; i++) {
        randombytes_buf(nb, 32);
        nb[31] &= 0x1f;
        uint8_t wide[64] = { 0 };
        memcpy(wide, nb, 32);
        crypto_core_ed25519_scalar_reduce(nb, wide);   /* canonical, full range below L */
        scalar_from_bytes_raw(&n, nb);
        crypto_core_ed25519_random(pb);
        decode_ok(&p, pb);
        assert_int_equal(crypto_scalarmult_ed25519_base_noclamp(want, nb), 0);
        ge25519_scalarmult_base(&r, &n);
        ge25519_tobytes(got, &r);
        assert_memory_equal(got, want, 32);
        assert_int_equal(crypto_scalarmult_ed25519_noclamp(want, nb, pb), 0);
        ge25519_scalarmult(&r, &n, &p);
        ge25519_tobytes(got, &r);
        assert_memory_equal(got, want, 32);
        ge25519_scalarmult_vartime(&r, &n, &p);
        ge25519_tobytes(got, &r);
        assert_memory_equal(got, want, 32);
    }
    /* L - 1 gives -P */
    assert_int_equal(tv_hex_exact(nb, 32, "ecd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010"), 0);
    scalar_from_bytes_raw(&n, nb);
    ge25519_scalarmult_base(&r, &n);
    assert_true(ge25519_eq(&r, &negB));
    ge25519_scalarmult(&r, &n, &B);
    assert_true(ge25519_eq(&r, &negB));
    ge25519_scalarmult_vartime(&r, &n, &B);
    assert_true(ge25519_eq(&r, &negB));
    /* 0 gives the identity, 1 gives P */
    memset(&n, 0, sizeof n);
    ge25519_scalarmult_base(&r, &n);
    assert_true(ge25519_is_identity(&r));
    ge25519_scalarmult(&r, &n, &B);
    assert_true(ge25519_is_identity(&r));
    ge25519_scalarmult_vartime(&r, &n, &B);
    assert_true(ge25519_is_identity(&r));
    ge25519_double_scalarmult_base_vartime(&r, &n, &B, &n);
    assert_true(ge25519_is_identity(&r));
    n.v[0] = 1;
    ge25519_scalarmult_base(&r, &n);
    assert_true(ge25519_eq(&r, &B));
    ge25519_scalarmult(&r, &n, &B);
    assert_true(ge25519_eq(&r, &B));
    ge25519_scalarmult_vartime(&r, &n, &B);
    assert_true(ge25519_eq(&r, &B));
}

static void test_double_scalarmult(void **state)
{
    (void)state;
    tv_rng rng;
    tv_rng_seed(&rng, 0x6765323535313902ULL);
    uint8_t pb[32], ab[32], bb[32], want[32], t1[32], t2[32], got[32];
    sc25519 a, b;
    ge25519_p3 A, r;
    for (int i = 0; i < ITERS; i++) {
        crypto_core_ed25519_random(pb);
        decode_ok(&A, pb);
        random_small_scalar(&rng, &a, ab);
        random_small_scalar(&rng, &b, bb);
        if (i % 4 == 1) {   /* sparse scalars exercise empty windows */
            memset(&a.v[1], 0, 3 * sizeof a.v[0]);
            memset(ab + 8, 0, 24);
        } else if (i % 4 == 2) {
            memset(&b.v[1], 0, 3 * sizeof b.v[0]);
            memset(bb + 8, 0, 24);
        }
        assert_int_equal(crypto_scalarmult_ed25519_noclamp(t1, ab, pb), 0);
        assert_int_equal(crypto_scalarmult_ed25519_base_noclamp(t2, bb), 0);
        assert_int_equal(crypto_core_ed25519_add(want, t1, t2), 0);
        ge25519_double_scalarmult_base_vartime(&r, &a, &A, &b);
        ge25519_tobytes(got, &r);
        assert_memory_equal(got, want, 32);
    }
}

/* Small-order points: the group code must handle them (they occur in ZIP-215 verification). */
/* Points with a torsion component (ZIP-215 accepts them): [n](Q + T) = [n]Q + [n mod 8]T. */
static void test_scalarmult_mixed_order(void **state)
{
    (void)state;
    uint8_t qb[32], tb[32], nb[32], mb[32], want[32], wide[64];
    ge25519_p3 Q, T, P, nT, expected, r, s;
    sc25519 n, m, zero;
    memset(&zero, 0, sizeof zero);
    for (int i = 0; i < 64; i++) {
        assert_int_equal(tv_hex_exact(tb, 32, torsion_hex[4 + (i % 4)]), 0);   /* order 8 */
        decode_ok(&T, tb);
        crypto_core_ed25519_random(qb);
        decode_ok(&Q, qb);
        ge25519_add(&P, &Q, &T);
        assert_false(ge25519_is_small_order(&P));
        randombytes_buf(wide, sizeof wide);
        crypto_core_ed25519_scalar_reduce(nb, wide);
        if (i == 0) {   /* L - 1 = -1 mod L, and 7 mod 8 */
            assert_int_equal(tv_hex_exact(nb, 32, "ecd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010"), 0);
        }
        scalar_from_bytes_raw(&n, nb);
        /* the scalar acts as the integer n < L, so T contributes [n mod 8]T */
        ge25519_identity(&nT);
        for (unsigned int k = 0; k < (unsigned int)(nb[0] & 7); k++) {
            ge25519_add(&nT, &nT, &T);
        }
        assert_int_equal(crypto_scalarmult_ed25519_noclamp(want, nb, qb), 0);
        decode_ok(&expected, want);
        ge25519_add(&expected, &expected, &nT);

        ge25519_scalarmult(&r, &n, &P);
        assert_true(ge25519_eq(&r, &expected));
        ge25519_scalarmult_vartime(&r, &n, &P);
        assert_true(ge25519_eq(&r, &expected));
        ge25519_double_scalarmult_base_vartime(&r, &n, &P, &zero);
        assert_true(ge25519_eq(&r, &expected));
        /* with a second, base scalar */
        randombytes_buf(wide, sizeof wide);
        crypto_core_ed25519_scalar_reduce(mb, wide);
        scalar_from_bytes_raw(&m, mb);
        ge25519_scalarmult_base(&s, &m);
        ge25519_add(&expected, &expected, &s);
        ge25519_double_scalarmult_base_vartime(&r, &n, &P, &m);
        assert_true(ge25519_eq(&r, &expected));
        /* a = 0: only the base part */
        ge25519_double_scalarmult_base_vartime(&r, &zero, &P, &m);
        assert_true(ge25519_eq(&r, &s));
        /* the cofactored result kills the torsion part */
        ge25519_scalarmult(&r, &n, &P);
        ge25519_mul_by_cofactor(&r, &r);
        ge25519_scalarmult(&s, &n, &Q);
        ge25519_mul_by_cofactor(&s, &s);
        assert_true(ge25519_eq(&r, &s));
    }
    /* small-order input: [n]T for every n mod 8 */
    assert_int_equal(tv_hex_exact(tb, 32, torsion_hex[4]), 0);
    decode_ok(&T, tb);
    ge25519_identity(&nT);
    for (uint64_t k = 0; k < 16; k++) {
        memset(&n, 0, sizeof n);
        n.v[0] = k;
        ge25519_scalarmult(&r, &n, &T);
        assert_true(ge25519_eq(&r, &nT));
        ge25519_scalarmult_vartime(&r, &n, &T);
        assert_true(ge25519_eq(&r, &nT));
        ge25519_add(&nT, &nT, &T);
    }
}

static void test_torsion_points(void **state)
{
    (void)state;
    ge25519_p3 t[8], r, q, B;
    uint8_t b[32];
    ge25519_base(&B);
    for (int i = 0; i < 8; i++) {
        assert_int_equal(tv_hex_exact(b, 32, torsion_hex[i]), 0);
        assert_int_equal(ge25519_frombytes_canonical(&t[i], b), 0);
        assert_int_equal(ge25519_frombytes_zip215(&q, b), 0);
        assert_true(ge25519_eq(&q, &t[i]));
        assert_point_bytes(&t[i], b);
        assert_true(ge25519_is_small_order(&t[i]));
        assert_int_equal(ge25519_is_identity(&t[i]), i == 0);
        assert_int_equal(crypto_core_ed25519_is_valid_point(b), 0);
        /* order: [4]T is the identity exactly for orders 1, 2, 4 */
        ge25519_dbl(&r, &t[i]);
        ge25519_dbl(&r, &r);
        assert_int_equal(ge25519_is_identity(&r), i < 4);
        /* B + T is not small order, and [8](B + T) = [8]B */
        ge25519_add(&q, &B, &t[i]);
        assert_false(ge25519_is_small_order(&q));
        ge25519_mul_by_cofactor(&q, &q);
        ge25519_mul_by_cofactor(&r, &B);
        assert_true(ge25519_eq(&q, &r));
    }
    /* order-2 point doubled is the identity, but is not itself */
    ge25519_dbl(&r, &t[1]);
    assert_true(ge25519_is_identity(&r));
    /* the torsion subgroup is closed under addition */
    for (int i = 0; i < 8; i++) {
        for (int j = 0; j < 8; j++) {
            ge25519_add(&r, &t[i], &t[j]);
            int found = 0;
            for (int k = 0; k < 8; k++) {
                found += ge25519_eq(&r, &t[k]);
            }
            assert_int_equal(found, 1);
        }
    }
}

static void test_decode_noncanonical(void **state)
{
    (void)state;
    ge25519_p3 p, q;
    uint8_t b[32], enc[32];
    /* y = p + k for k = 0..18 (255-bit values >= p): zip215 decodes as y = k when that is on the curve,
     * canonical always rejects; with the sign bit set the same holds. */
    int decoded = 0;
    for (int k = 0; k < 19; k++) {
        for (int sign = 0; sign < 2; sign++) {
            memset(b, 0xff, 32);
            b[0] = (uint8_t)(0xed + k);
            b[31] = (uint8_t)(0x7f | (sign << 7));
            assert_int_equal(ge25519_frombytes_canonical(&p, b), -1);
            uint8_t reduced[32] = { 0 };
            reduced[0] = (uint8_t)k;
            reduced[31] = (uint8_t)(sign << 7);
            const int rz = ge25519_frombytes_zip215(&p, b);
            const int rr = ge25519_frombytes_zip215(&q, reduced);
            assert_int_equal(rz, rr);
            if (rz == 0) {
                decoded++;
                assert_true(ge25519_eq(&p, &q));
            }
        }
    }
    assert_true(decoded >= 4);   /* y = 0 and y = 1 (both signs) at least */
    /* y = p + 1 (i.e. 1): the identity, non-canonically encoded */
    memset(b, 0xff, 32);
    b[0] = 0xee;
    b[31] = 0x7f;
    assert_int_equal(ge25519_frombytes_zip215(&p, b), 0);
    assert_true(ge25519_is_identity(&p));
    ge25519_tobytes(enc, &p);
    assert_int_equal(tv_hex_exact(b, 32, torsion_hex[0]), 0);
    assert_memory_equal(enc, b, 32);
    /* negative zero: x = 0 with the sign bit, for y = 1 and y = -1 */
    static const char *const negzero[2] = {
        "0100000000000000000000000000000000000000000000000000000000000080",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    };
    for (int i = 0; i < 2; i++) {
        assert_int_equal(tv_hex_exact(b, 32, negzero[i]), 0);
        assert_int_equal(ge25519_frombytes_canonical(&p, b), -1);
        assert_int_equal(ge25519_frombytes_zip215(&p, b), 0);
        assert_int_equal(tv_hex_exact(b, 32, torsion_hex[i]), 0);
        assert_int_equal(ge25519_frombytes_canonical(&q, b), 0);
        assert_true(ge25519_eq(&p, &q));
    }
    /* -B: the sign bit selects the odd x */
    assert_int_equal(tv_hex_exact(b, 32, "5866666666666666666666666666666666666666666666666666666666666666"), 0);
    b[31] |= 0x80;
    assert_int_equal(ge25519_frombytes_canonical(&p, b), 0);
    assert_point_bytes(&p, b);
}

/* Euler's criterion via pow22523: f^((p-1)/2) = (f^((p-5)/8))^4 f^2. */
static int is_square(const fe25519 *f)
{
    fe25519 t, f2, one, minus_one;
    fe25519_pow22523(&t, f);
    fe25519_sq(&t, &t);
    fe25519_sq(&t, &t);
    fe25519_sq(&f2, f);
    fe25519_mul(&t, &t, &f2);
    fe25519_1(&one);
    fe25519_neg(&minus_one, &one);
    const int plus = fe25519_eq(&t, &one), minus = fe25519_eq(&t, &minus_one), zero = fe25519_iszero(&t);
    assert_int_equal(plus + minus + zero, 1);
    return !minus;
}

static void test_decode_random_bytes(void **state)
{
    (void)state;
    tv_rng rng;
    tv_rng_seed(&rng, 0x6765323535313903ULL);
    uint8_t b[32], enc[32];
    ge25519_p3 p;
    int accepted = 0, valid_sodium = 0;
    for (int i = 0; i < 2000; i++) {
        tv_rng_bytes(&rng, b, 32);
        const int ok = ge25519_frombytes_canonical(&p, b);
        /* the decision must match the curve equation: u / v square */
        fe25519 y, yy, u, v, one;
        fe25519_frombytes(&y, b);
        fe25519_1(&one);
        fe25519_sq(&yy, &y);
        fe25519_sub(&u, &yy, &one);
        fe25519_mul(&v, &yy, &fe25519_d);
        fe25519_add(&v, &v, &one);
        fe25519_invert(&v, &v);
        fe25519_mul(&u, &u, &v);
        assert_int_equal(ok == 0, is_square(&u));
        if (ok == 0) {
            accepted++;
            ge25519_tobytes(enc, &p);
            assert_memory_equal(enc, b, 32);
            /* on the curve: -x^2 + y^2 = 1 + d x^2 y^2 */
            fe25519 x2, y2, lhs, rhs;
            fe25519_sq(&x2, &p.X);
            fe25519_sq(&y2, &p.Y);
            fe25519_sub(&lhs, &y2, &x2);
            fe25519_mul(&rhs, &x2, &y2);
            fe25519_mul(&rhs, &rhs, &fe25519_d);
            fe25519_add(&rhs, &rhs, &one);
            assert_true(fe25519_eq(&lhs, &rhs));
            /* T = XY/Z */
            fe25519_mul(&lhs, &p.X, &p.Y);
            fe25519_mul(&rhs, &p.T, &p.Z);
            assert_true(fe25519_eq(&lhs, &rhs));
        }
        if (crypto_core_ed25519_is_valid_point(b)) {
            valid_sodium++;
            assert_int_equal(ok, 0);
        }
    }
    assert_true(accepted > 800 && accepted < 1200);
    (void)valid_sodium;
}

static void test_radix16_and_wnaf(void **state)
{
    (void)state;
    tv_rng rng;
    tv_rng_seed(&rng, 0x6765323535313904ULL);
    uint8_t b[32];
    sc25519 s;
    int8_t e[64], naf[256];
    for (int it = 0; it < 200; it++) {
        random_small_scalar(&rng, &s, b);
        if (it == 0) {
            memset(b, 0xff, 32);
            b[31] = 0x0f;
            scalar_from_bytes_raw(&s, b);
        }
        ge25519_scalar_to_radix16(e, &s);
        /* reconstruct sum e[i] 16^i with signed arithmetic on 32-bit chunks */
        int64_t acc[65] = { 0 };
        for (int i = 0; i < 64; i++) {
            assert_true(e[i] >= -8 && e[i] <= 8);
            acc[i] = e[i];
        }
        for (int i = 0; i < 64; i++) {   /* normalise to nibbles */
            int64_t c = acc[i] >> 4;
            acc[i] -= c * 16;
            acc[i + 1] += c;
        }
        for (int i = 0; i < 64; i++) {
            assert_int_equal(acc[i], (b[i / 2] >> (4 * (i % 2))) & 15);
        }
        assert_int_equal(acc[64], 0);
        for (unsigned w = 2; w <= 8; w++) {
            ge25519_wnaf_vartime(naf, &s, w);
            int64_t a2[257] = { 0 };
            int last = -1000;
            for (int i = 0; i < 256; i++) {
                if (naf[i] != 0) {
                    assert_true(naf[i] & 1);
                    assert_true(naf[i] < (1 << (w - 1)) && naf[i] > -(1 << (w - 1)));
                    assert_true(i - last >= (int)w);
                    last = i;
                }
                a2[i] = naf[i];
            }
            for (int i = 0; i < 256; i++) {
                int64_t c = a2[i] >> 1;
                a2[i] -= c * 2;
                a2[i + 1] += c;
            }
            for (int i = 0; i < 256; i++) {
                assert_int_equal(a2[i], (b[i / 8] >> (i % 8)) & 1);
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base_point),
        cmocka_unit_test(test_add_sub_vs_libsodium),
        cmocka_unit_test(test_precomp_steps),
        cmocka_unit_test(test_scalarmult_vs_libsodium),
        cmocka_unit_test(test_scalarmult_full_range),
        cmocka_unit_test(test_double_scalarmult),
        cmocka_unit_test(test_scalarmult_mixed_order),
        cmocka_unit_test(test_torsion_points),
        cmocka_unit_test(test_decode_noncanonical),
        cmocka_unit_test(test_decode_random_bytes),
        cmocka_unit_test(test_radix16_and_wnaf),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
