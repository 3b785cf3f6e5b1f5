/* GF(2^255 - 19) against a tiny schoolbook bigint reference, on random and edge-case inputs,
 * including limbs at the maximum bounds documented in fe25519.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "crypto/fe25519.h"
#include "test_support.h"

#define ITERS 2000
#define W 10   /* 640-bit reference integers */

typedef struct { uint64_t w[W]; } big;

static void big_from_fe(big *r, const fe25519 *f)
{
    memset(r, 0, sizeof *r);
    for (int i = 0; i < 5; i++) {   /* r += v[i] << 51 i */
        const unsigned int shift = 51u * (unsigned int)i, word = shift / 64, bit = shift % 64;
        unsigned __int128 add = (unsigned __int128)f->v[i] << bit;
        for (unsigned int j = word; j < W && (add != 0); j++) {
            unsigned __int128 s = (unsigned __int128)r->w[j] + (uint64_t)add;
            r->w[j] = (uint64_t)s;
            add = (add >> 64) + (s >> 64);
        }
    }
}

static void big_mul(big *r, const big *a, const big *b)
{
    big t;
    memset(&t, 0, sizeof t);
    for (int i = 0; i < W; i++) {
        uint64_t carry = 0;
        for (int j = 0; i + j < W; j++) {
            unsigned __int128 p = (unsigned __int128)a->w[i] * b->w[j] + t.w[i + j] + carry;
            t.w[i + j] = (uint64_t)p;
            carry = (uint64_t)(p >> 64);
        }
    }
    *r = t;
}

/* r = a mod p, fully reduced, as 32 little-endian bytes */
static void big_mod_p_bytes(uint8_t out[32], const big *a)
{
    big x = *a;
    for (;;) {
        big hi;
        memset(&hi, 0, sizeof hi);
        int nonzero = 0;
        for (int i = 0; i < W; i++) {   /* hi = x >> 255 */
            uint64_t v = (i + 3 < W) ? x.w[i + 3] >> 63 : 0;
            if (i + 4 < W) v |= x.w[i + 4] << 1;
            hi.w[i] = v;
            nonzero |= v != 0;
        }
        if (!nonzero) break;
        for (int i = 4; i < W; i++) x.w[i] = 0;
        x.w[3] &= 0x7fffffffffffffffULL;
        uint64_t carry = 0;
        for (int i = 0; i < W; i++) {   /* x += 19 hi */
            unsigned __int128 s = (unsigned __int128)hi.w[i] * 19 + x.w[i] + carry;
            x.w[i] = (uint64_t)s;
            carry = (uint64_t)(s >> 64);
        }
    }
    /* x < 2^255: subtract p if x >= p, i.e. x + 19 >= 2^255 */
    uint64_t t[4];
    unsigned __int128 c = 19;
    for (int i = 0; i < 4; i++) {
        c += x.w[i];
        t[i] = (uint64_t)c;
        c >>= 64;
    }
    if (t[3] >> 63) {
        t[3] &= 0x7fffffffffffffffULL;
        memcpy(x.w, t, sizeof t);
    }
    for (int i = 0; i < 32; i++) out[i] = (uint8_t)(x.w[i / 8] >> (8 * (i % 8)));
}

static void ref_bytes(uint8_t out[32], const fe25519 *f)
{
    big b;
    big_from_fe(&b, f);
    big_mod_p_bytes(out, &b);
}

static void ref_mul_bytes(uint8_t out[32], const fe25519 *f, const fe25519 *g)
{
    big a, b;
    big_from_fe(&a, f);
    big_from_fe(&b, g);
    big_mul(&a, &a, &b);
    big_mod_p_bytes(out, &a);
}

static void assert_fe_bytes(const fe25519 *f, const uint8_t want[32])
{
    uint8_t got[32];
    fe25519_tobytes(got, f);
    assert_memory_equal(got, want, 32);
}

static void assert_reduced(const fe25519 *f)
{
    for (int i = 0; i < 5; i++) assert_true(f->v[i] < ((uint64_t)1 << 51) + ((uint64_t)1 << 19));
}

/* Limbs uniformly below 2^bits, with a bias toward the maximum. */
static void random_fe(tv_rng *rng, fe25519 *f, unsigned int bits)
{
    const uint64_t max = ((uint64_t)1 << bits) - 1;
    for (int i = 0; i < 5; i++) {
        const uint64_t r = tv_rng_next(rng);
        switch (r & 7) {
        case 0: f->v[i] = max; break;
        case 1: f->v[i] = 0; break;
        default: f->v[i] = (r >> 3) & max; break;
        }
    }
}

static void fe_from_hex(fe25519 *f, const char *hex)
{
    uint8_t b[32];
    assert_int_equal(tv_hex_exact(b, 32, hex), 0);
    fe25519_frombytes(f, b);
}

static void test_tobytes_edges(void **state)
{
    (void)state;
    static const struct { const char *in, *out; } cases[] = {
        { "0000000000000000000000000000000000000000000000000000000000000000",
          "0000000000000000000000000000000000000000000000000000000000000000" },
        { "0100000000000000000000000000000000000000000000000000000000000000",
          "0100000000000000000000000000000000000000000000000000000000000000" },
        { "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",     /* p - 1 */
          "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f" },
        { "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",     /* p */
          "0000000000000000000000000000000000000000000000000000000000000000" },
        { "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",     /* p + 1 */
          "0100000000000000000000000000000000000000000000000000000000000000" },
        { "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",     /* 2^255 - 1 */
          "1200000000000000000000000000000000000000000000000000000000000000" },
        { "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",     /* top bit ignored */
          "1200000000000000000000000000000000000000000000000000000000000000" },
        { "0000000000000000000000000000000000000000000000000000000000000080",     /* 2^255 -> 0 */
          "0000000000000000000000000000000000000000000000000000000000000000" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fe25519 f;
        uint8_t want[32];
        fe_from_hex(&f, cases[i].in);
        assert_int_equal(tv_hex_exact(want, 32, cases[i].out), 0);
        assert_fe_bytes(&f, want);
    }
    /* non-canonical limb representations of p, 2p and 2p - 1 */
    const uint64_t m = ((uint64_t)1 << 51) - 1;
    fe25519 f = { { m - 18, m, m, m, m } };
    uint8_t zero[32] = { 0 }, want[32];
    assert_fe_bytes(&f, zero);
    assert_true(fe25519_iszero(&f));
    f = (fe25519){ { 2 * (m - 18), 2 * m, 2 * m, 2 * m, 2 * m } };
    assert_fe_bytes(&f, zero);
    f.v[0] -= 1;
    assert_int_equal(tv_hex_exact(want, 32, "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"), 0);
    assert_fe_bytes(&f, want);
    /* the largest limbs carry accepts */
    f = (fe25519){ { ((uint64_t)1 << 63) - 1, ((uint64_t)1 << 63) - 1, ((uint64_t)1 << 63) - 1,
                     ((uint64_t)1 << 63) - 1, ((uint64_t)1 << 63) - 1 } };
    ref_bytes(want, &f);
    assert_fe_bytes(&f, want);
}

static void test_frombytes_roundtrip(void **state)
{
    (void)state;
    tv_rng rng;
    tv_rng_seed(&rng, 0xfe25519001ULL);
    for (int i = 0; i < ITERS; i++) {
        uint8_t b[32], want[32], got[32];
        fe25519 f;
        tv_rng_bytes(&rng, b, 32);
        fe25519_frombytes(&f, b);
        assert_reduced(&f);
        b[31] &= 0x7f;
        /* reference: the 255-bit integer mod p */
        big x;
        memset(&x, 0, sizeof x);
        for (int j = 0; j < 32; j++) x.w[j / 8] |= (uint64_t)b[j] << (8 * (j % 8));
        big_mod_p_bytes(want, &x);
        fe25519_tobytes(got, &f);
        assert_memory_equal(got, want, 32);
        /* canonical bytes round-trip exactly */
        fe25519_frombytes(&f, got);
        fe25519_tobytes(b, &f);
        assert_memory_equal(b, got, 32);
    }
}

static void test_mul_sq_vs_reference(void **state)
{
    (void)state;
    tv_rng rng;
    tv_rng_seed(&rng, 0xfe25519002ULL);
    for (int i = 0; i < ITERS; i++) {
        fe25519 f, g, h, h2;
        uint8_t want[32];
        random_fe(&rng, &f, 54);
        random_fe(&rng, &g, 54);
        fe25519_mul(&h, &f, &g);
        assert_reduced(&h);
        ref_mul_bytes(want, &f, &g);
        assert_fe_bytes(&h, want);

        fe25519_sq(&h, &f);
        assert_reduced(&h);
        ref_mul_bytes(want, &f, &f);
        assert_fe_bytes(&h, want);

        random_fe(&rng, &f, 54);
        fe25519_sq2(&h, &f);
        assert_reduced(&h);
        fe25519_sq(&h2, &f);
        fe25519_add(&h2, &h2, &h2);
        ref_bytes(want, &h2);
        assert_fe_bytes(&h, want);

        const uint32_t n = (uint32_t)(tv_rng_next(&rng) & 0xfffff);
        random_fe(&rng, &f, 54);
        fe25519_mul_small(&h, &f, n);
        assert_reduced(&h);
        g = (fe25519){ { n, 0, 0, 0, 0 } };
        ref_mul_bytes(want, &f, &g);
        assert_fe_bytes(&h, want);
    }
    /* all limbs at the maximum */
    fe25519 f = { { ((uint64_t)1 << 54) - 1, ((uint64_t)1 << 54) - 1, ((uint64_t)1 << 54) - 1,
                    ((uint64_t)1 << 54) - 1, ((uint64_t)1 << 54) - 1 } }, h;
    uint8_t want[32];
    fe25519_mul(&h, &f, &f);
    ref_mul_bytes(want, &f, &f);
    assert_fe_bytes(&h, want);
    fe25519_sq(&h, &f);
    assert_fe_bytes(&h, want);
    fe25519_sq2(&h, &f);
    fe25519 g = { { 2, 0, 0, 0, 0 } }, ff;
    fe25519_sq(&ff, &f);
    ref_mul_bytes(want, &ff, &g);
    assert_fe_bytes(&h, want);
}

static void test_add_sub_neg_carry(void **state)
{
    (void)state;
    tv_rng rng;
    tv_rng_seed(&rng, 0xfe25519003ULL);
    const uint64_t reduced_max = ((uint64_t)1 << 51) + ((uint64_t)1 << 19) - 1;
    for (int i = 0; i < ITERS; i++) {
        fe25519 f, g, h, s, back;
        uint8_t fb[32], gb[32], want[32];
        random_fe(&rng, &f, 52);
        random_fe(&rng, &g, 52);
        for (int j = 0; j < 5; j++) {   /* clamp to the reduced bound */
            if (f.v[j] > reduced_max) f.v[j] = reduced_max;
            if (g.v[j] > reduced_max) g.v[j] = reduced_max;
        }
        fe25519_add(&s, &f, &g);
        /* (f + g) - g = f, with g' = the unreduced sum as the subtrahend */
        fe25519_sub(&h, &s, &g);
        assert_reduced(&h);
        ref_bytes(fb, &f);
        assert_fe_bytes(&h, fb);
        fe25519_sub(&h, &f, &s);     /* f - (f + g) = -g */
        assert_reduced(&h);
        fe25519_neg(&back, &h);
        ref_bytes(gb, &g);
        assert_fe_bytes(&back, gb);
        fe25519_add(&back, &h, &g);
        assert_true(fe25519_iszero(&back));
        /* add vs reference */
        ref_bytes(want, &s);
        assert_fe_bytes(&s, want);
        /* carry keeps the value */
        random_fe(&rng, &h, 63);
        ref_bytes(want, &h);
        fe25519_carry(&h);
        assert_reduced(&h);
        assert_fe_bytes(&h, want);
    }
    /* the largest subtrahend sub accepts */
    fe25519 f, g, h, z;
    uint8_t want[32];
    fe25519_0(&z);
    for (int i = 0; i < 5; i++) g.v[i] = ((uint64_t)1 << 53) - 76;
    fe25519_sub(&h, &z, &g);
    fe25519_add(&f, &h, &g);   /* h is reduced; h + g = 0 mod p */
    memset(want, 0, 32);
    assert_fe_bytes(&f, want);
}

static void test_invert_pow(void **state)
{
    (void)state;
    tv_rng rng;
    tv_rng_seed(&rng, 0xfe25519004ULL);
    fe25519 f, g, h, one;
    uint8_t onebytes[32] = { 1 }, zero[32] = { 0 };
    fe25519_1(&one);
    for (int i = 0; i < 200; i++) {
        random_fe(&rng, &f, 54);
        if (fe25519_iszero(&f)) continue;
        fe25519_invert(&g, &f);
        fe25519_mul(&h, &g, &f);
        assert_fe_bytes(&h, onebytes);
        /* pow22523: (f^((p-5)/8))^8 f^5 = f^p = f */
        fe25519_pow22523(&g, &f);
        fe25519_sq(&g, &g);
        fe25519_sq(&g, &g);
        fe25519_sq(&g, &g);
        fe25519_sq(&h, &f);
        fe25519_sq(&h, &h);
        fe25519_mul(&h, &h, &f);
        fe25519_mul(&g, &g, &h);
        assert_true(fe25519_eq(&g, &f));
    }
    fe25519_0(&f);
    fe25519_invert(&g, &f);
    assert_fe_bytes(&g, zero);
    fe_from_hex(&f, "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");   /* p */
    fe25519_invert(&g, &f);
    assert_fe_bytes(&g, zero);
    fe25519_invert(&g, &one);
    assert_fe_bytes(&g, onebytes);
}

static void test_constants(void **state)
{
    (void)state;
    fe25519 t, u, one, minus_one;
    fe25519_1(&one);
    fe25519_neg(&minus_one, &one);
    /* d * 121666 = -121665 */
    fe25519_mul_small(&t, &fe25519_d, 121666);
    fe25519_mul_small(&u, &one, 121665);
    fe25519_neg(&u, &u);
    assert_true(fe25519_eq(&t, &u));
    fe25519_add(&t, &fe25519_d, &fe25519_d);
    assert_true(fe25519_eq(&t, &fe25519_d2));
    fe25519_sq(&t, &fe25519_sqrtm1);
    assert_true(fe25519_eq(&t, &minus_one));
    assert_false(fe25519_isnegative(&fe25519_sqrtm1));   /* the conventional, even root */
    assert_reduced(&fe25519_d);
    assert_reduced(&fe25519_d2);
    assert_reduced(&fe25519_sqrtm1);
}

static void test_sqrt_ratio(void **state)
{
    (void)state;
    tv_rng rng;
    tv_rng_seed(&rng, 0xfe25519005ULL);
    fe25519 u, v, r, t, iu, zero, one;
    fe25519_0(&zero);
    fe25519_1(&one);
    int squares = 0;
    for (int i = 0; i < 500; i++) {
        random_fe(&rng, &u, 51);
        random_fe(&rng, &v, 51);
        if (fe25519_iszero(&v)) continue;
        if (i % 3 == 0) {   /* force a square ratio: u = v s^2 */
            random_fe(&rng, &t, 51);
            fe25519_sq(&t, &t);
            fe25519_mul(&u, &v, &t);
        }
        const int was_square = fe25519_sqrt_ratio(&r, &u, &v);
        assert_false(fe25519_isnegative(&r));
        fe25519_sq(&t, &r);
        fe25519_mul(&t, &t, &v);
        if (was_square) {
            squares++;
            assert_true(fe25519_eq(&t, &u));
        } else {
            fe25519_mul(&iu, &u, &fe25519_sqrtm1);
            assert_true(fe25519_eq(&t, &iu));
        }
        if (i % 3 == 0) assert_true(was_square);
    }
    assert_true(squares > 200 && squares < 420);
    /* outputs may alias inputs */
    random_fe(&rng, &u, 51);
    random_fe(&rng, &v, 51);
    fe25519 r2, u2 = u, v2 = v;
    const int sq_ref = fe25519_sqrt_ratio(&r2, &u, &v);
    assert_int_equal(fe25519_sqrt_ratio(&u2, &u2, &v), sq_ref);
    assert_true(fe25519_eq(&u2, &r2));
    assert_int_equal(fe25519_sqrt_ratio(&v2, &u, &v2), sq_ref);
    assert_true(fe25519_eq(&v2, &r2));
    fe25519 f = u, g = v, h;
    fe25519_mul(&h, &f, &g);
    fe25519_mul(&f, &f, &g);
    assert_memory_equal(&f, &h, sizeof f);
    f = u;
    fe25519_sub(&g, &f, &g);
    fe25519_sub(&h, &u, &v);
    assert_memory_equal(&g, &h, sizeof g);
    /* u = 0: square, r = 0; v = 0, u != 0: not square, r = 0 */
    assert_int_equal(fe25519_sqrt_ratio(&r, &zero, &one), 1);
    assert_true(fe25519_iszero(&r));
    assert_int_equal(fe25519_sqrt_ratio(&r, &one, &zero), 0);
    assert_true(fe25519_iszero(&r));
    /* sqrt(-1) and its non-negativity */
    fe25519_neg(&u, &one);
    assert_int_equal(fe25519_sqrt_ratio(&r, &u, &one), 1);
    assert_true(fe25519_eq(&r, &fe25519_sqrtm1));
    /* 2 is not a square mod p */
    fe25519_add(&u, &one, &one);
    assert_int_equal(fe25519_sqrt_ratio(&r, &u, &one), 0);
}

static void test_predicates_cmov(void **state)
{
    (void)state;
    tv_rng rng;
    tv_rng_seed(&rng, 0xfe25519006ULL);
    for (int i = 0; i < 500; i++) {
        fe25519 f, g, a, b, n;
        uint8_t fb[32];
        random_fe(&rng, &f, 51);
        random_fe(&rng, &g, 51);
        fe25519_tobytes(fb, &f);
        assert_int_equal(fe25519_isnegative(&f), fb[0] & 1);
        fe25519_neg(&n, &f);
        if (!fe25519_iszero(&f)) assert_int_equal(fe25519_isnegative(&n), !(fb[0] & 1));
        fe25519_abs(&a, &f);
        assert_false(fe25519_isnegative(&a));
        assert_true(fe25519_eq(&a, &f) || fe25519_eq(&a, &n));
        assert_int_equal(fe25519_eq(&f, &g), memcmp(&f, &g, sizeof f) == 0);
        a = f;
        fe25519_cmov(&a, &g, 0);
        assert_memory_equal(&a, &f, sizeof a);
        fe25519_cmov(&a, &g, 1);
        assert_memory_equal(&a, &g, sizeof a);
        a = f;
        b = g;
        fe25519_cswap(&a, &b, 0);
        assert_memory_equal(&a, &f, sizeof a);
        fe25519_cswap(&a, &b, 1);
        assert_memory_equal(&a, &g, sizeof a);
        assert_memory_equal(&b, &f, sizeof b);
        fe25519_add(&a, &f, &n);
        assert_true(fe25519_iszero(&a));
        /* eq across different representations of the same value */
        fe25519 p_plus = f;
        p_plus.v[0] += ((uint64_t)1 << 51) - 19;
        for (int j = 1; j < 5; j++) p_plus.v[j] += ((uint64_t)1 << 51) - 1;
        assert_true(fe25519_eq(&p_plus, &f));
    }
    fe25519 z;
    fe25519_0(&z);
    assert_true(fe25519_iszero(&z));
    assert_false(fe25519_isnegative(&z));
    fe25519_1(&z);
    assert_false(fe25519_iszero(&z));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tobytes_edges),
        cmocka_unit_test(test_frombytes_roundtrip),
        cmocka_unit_test(test_mul_sq_vs_reference),
        cmocka_unit_test(test_add_sub_neg_carry),
        cmocka_unit_test(test_invert_pow),
        cmocka_unit_test(test_constants),
        cmocka_unit_test(test_sqrt_ratio),
        cmocka_unit_test(test_predicates_cmov),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
