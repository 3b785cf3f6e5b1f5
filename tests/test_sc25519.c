/* sc25519 cross-checked against libsodium's crypto_core_ed25519_scalar_* on random and edge inputs,
 * plus exact integer reconstruction of the signed-digit and wNAF recodings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "crypto/sc25519.h"
#include "test_support.h"

#define N_RANDOM 4000

static const uint8_t L_BYTES[32] = {
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
};

/* b = L + delta (delta small, may be negative), as 32 little-endian bytes */
static void l_plus(uint8_t b[32], int delta)
{
    int carry = delta;
    for (int i = 0; i < 32; i++) {
        int v = L_BYTES[i] + carry;
        b[i] = (uint8_t)(v & 0xff);
        carry = v >> 8; /* arithmetic shift: -1 on borrow */
    }
}

/* A canonical scalar in byte form: random, or one of the edge values. */
#define N_EDGE 9
static void edge_scalar(uint8_t b[32], int k)
{
    memset(b, 0, 32);
    switch (k) {
    case 0: break;                                   /* 0 */
    case 1: b[0] = 1; break;                         /* 1 */
    case 2: b[0] = 2; break;                         /* 2 */
    case 3: l_plus(b, -1); break;                    /* L-1 */
    case 4: l_plus(b, -2); break;                    /* L-2 */
    case 5: b[31] = 0x10; break;                     /* 2^252 (< L) */
    case 6: memset(b, 0xff, 31); b[31] = 0x0f; break; /* 2^252 - 1 */
    case 7: l_plus(b, -1); for (int i = 0; i < 31; i++) b[i] = (uint8_t)((b[i] >> 1) | (b[i + 1] << 7)); b[31] >>= 1; break; /* (L-1)/2 */
    default: b[0] = 0xff; b[8] = 0xff; b[16] = 0xff; break;
    }
}

static void random_scalar_bytes(tv_rng *rng, uint8_t b[32])
{
    uint8_t wide[64];
    tv_rng_bytes(rng, wide, sizeof wide);
    crypto_core_ed25519_scalar_reduce(b, wide);
}

/* The i-th test scalar: edge values first, then random. */
static void test_scalar(tv_rng *rng, int i, uint8_t b[32], sc25519 *s)
{
    if (i < N_EDGE) edge_scalar(b, i);
    else random_scalar_bytes(rng, b);
    assert_int_equal(sc25519_from_bytes_canonical(s, b), 0);
}

static void assert_sc_bytes(const sc25519 *s, const uint8_t expect[32])
{
    uint8_t got[32];
    sc25519_to_bytes(got, s);
    assert_memory_equal(got, expect, 32);
}

static int setup(void **state)
{
    (void)state;
    return sodium_init() < 0 ? -1 : 0;
}

static void test_reduce64(void **state)
{
    (void)state;
    tv_rng rng;
    tv_rng_seed(&rng, 1);
    uint8_t in[64], expect[32];
    sc25519 s;
    for (int i = 0; i < N_RANDOM + 8; i++) {
        memset(in, 0, sizeof in);
        switch (i) {
        case 0: break;
        case 1: in[0] = 1; break;
        case 2: l_plus(in, -1); break;
        case 3: l_plus(in, 0); break;
        case 4: l_plus(in, 1); break;
        case 5: memset(in, 0xff, 32); break;           /* 2^256 - 1 */
        case 6: memset(in, 0xff, 64); break;           /* 2^512 - 1 */
        case 7: in[63] = 0x80; break;                  /* 2^511 */
        default:
            tv_rng_bytes(&rng, in, sizeof in);
            if (i % 7 == 0) memset(in + 32, 0xff, 32); /* large high halves */
        }
        crypto_core_ed25519_scalar_reduce(expect, in);
        sc25519_from_bytes_reduce64(&s, in);
        assert_sc_bytes(&s, expect);
    }
}

static void test_reduce32_and_canonical(void **state)
{
    (void)state;
    tv_rng rng;
    tv_rng_seed(&rng, 2);
    uint8_t in[64], expect[32];
    sc25519 s, sentinel;
    for (int i = 0; i < N_RANDOM + 6; i++) {
        memset(in, 0, sizeof in);
        switch (i) {
        case 0: break;
        case 1: l_plus(in, -1); break;
        case 2: l_plus(in, 0); break;
        case 3: l_plus(in, 1); break;
        case 4: memset(in, 0xff, 32); break;
        case 5: memset(in, 0xff, 31); in[31] = 0x0f; break;
        default: tv_rng_bytes(&rng, in, 32);
        }
        crypto_core_ed25519_scalar_reduce(expect, in);
        sc25519_from_bytes_reduce32(&s, in);
        assert_sc_bytes(&s, expect);

        /* canonical iff the input was already reduced; failure leaves r untouched */
        int canonical = memcmp(in, expect, 32) == 0;
        sc25519_from_u64(&sentinel, 0x5a5a);
        sc25519 keep = sentinel;
        int rc = sc25519_from_bytes_canonical(&sentinel, in);
        if (canonical) {
            assert_int_equal(rc, 0);
            assert_sc_bytes(&sentinel, in);
        } else {
            assert_int_equal(rc, -1);
            assert_true(sc25519_eq(&sentinel, &keep));
        }
    }
    /* explicit boundaries */
    uint8_t b[32];
    l_plus(b, -1);
    assert_int_equal(sc25519_from_bytes_canonical(&s, b), 0);
    l_plus(b, 0);
    assert_int_equal(sc25519_from_bytes_canonical(&s, b), -1);
    l_plus(b, 1);
    assert_int_equal(sc25519_from_bytes_canonical(&s, b), -1);
    memset(b, 0xff, 32);
    assert_int_equal(sc25519_from_bytes_canonical(&s, b), -1);
    memset(b, 0, 32);
    b[31] = 0x20; /* 2^253 */
    assert_int_equal(sc25519_from_bytes_canonical(&s, b), -1);
}

static void test_arith_vs_libsodium(void **state)
{
    (void)state;
    tv_rng rng;
    tv_rng_seed(&rng, 3);
    uint8_t ab[32], bb[32], cb[32], expect[32], t[32];
    sc25519 a, b, c, r;
    for (int i = 0; i < N_RANDOM + N_EDGE * N_EDGE; i++) {
        if (i < N_EDGE * N_EDGE) {
            edge_scalar(ab, i / N_EDGE);
            edge_scalar(bb, i % N_EDGE);
            assert_int_equal(sc25519_from_bytes_canonical(&a, ab), 0);
            assert_int_equal(sc25519_from_bytes_canonical(&b, bb), 0);
        } else {
            test_scalar(&rng, N_EDGE, ab, &a);
            test_scalar(&rng, N_EDGE, bb, &b);
        }
        test_scalar(&rng, i % (N_EDGE + 1), cb, &c);

        crypto_core_ed25519_scalar_add(expect, ab, bb);
        sc25519_add(&r, &a, &b);
        assert_sc_bytes(&r, expect);

        crypto_core_ed25519_scalar_sub(expect, ab, bb);
        sc25519_sub(&r, &a, &b);
        assert_sc_bytes(&r, expect);

        crypto_core_ed25519_scalar_mul(expect, ab, bb);
        sc25519_mul(&r, &a, &b);
        assert_sc_bytes(&r, expect);

        crypto_core_ed25519_scalar_mul(t, ab, bb);
        crypto_core_ed25519_scalar_add(expect, t, cb);
        sc25519_muladd(&r, &a, &b, &c);
        assert_sc_bytes(&r, expect);

        crypto_core_ed25519_scalar_mul(expect, ab, ab);
        sc25519_sq(&r, &a);
        assert_sc_bytes(&r, expect);

        crypto_core_ed25519_scalar_negate(expect, ab);
        sc25519_neg(&r, &a);
        assert_sc_bytes(&r, expect);

        /* outputs may alias inputs */
        r = a;
        sc25519_mul(&r, &r, &r);
        crypto_core_ed25519_scalar_mul(expect, ab, ab);
        assert_sc_bytes(&r, expect);
        r = a;
        sc25519_sub(&r, &b, &r);
        crypto_core_ed25519_scalar_sub(expect, bb, ab);
        assert_sc_bytes(&r, expect);
    }
}

static void test_invert(void **state)
{
    (void)state;
    tv_rng rng;
    tv_rng_seed(&rng, 4);
    uint8_t ab[32], expect[32];
    sc25519 a, r, prod, one;
    sc25519_one(&one);
    for (int i = 1; i < 1500; i++) { /* i = 0 is the zero scalar: checked below */
        test_scalar(&rng, i, ab, &a);
        assert_int_equal(crypto_core_ed25519_scalar_invert(expect, ab), 0);
        sc25519_invert(&r, &a);
        assert_sc_bytes(&r, expect);
        sc25519_mul(&prod, &r, &a);
        assert_true(sc25519_eq(&prod, &one));
    }
    sc25519_zero(&a);
    sc25519_one(&r);
    sc25519_invert(&r, &a);
    assert_true(sc25519_is_zero(&r));
}

static void test_batch_invert(void **state)
{
    (void)state;
    tv_rng rng;
    tv_rng_seed(&rng, 5);
    enum { N = 67 };
    uint8_t b[32];
    sc25519 a[N], r[N], tmp[N], single;
    for (int i = 0; i < N; i++) test_scalar(&rng, i + 1, b, &a[i]);

    for (size_t n = 0; n <= N; n += (n < 3 ? 1 : 16)) {
        assert_int_equal(sc25519_batch_invert_vartime(r, a, tmp, n), 0);
        for (size_t i = 0; i < n; i++) {
            sc25519_invert(&single, &a[i]);
            assert_true(sc25519_eq(&r[i], &single));
        }
    }
    /* in place */
    sc25519 copy[N];
    memcpy(copy, a, sizeof a);
    assert_int_equal(sc25519_batch_invert_vartime(copy, copy, tmp, N), 0);
    for (int i = 0; i < N; i++) {
        sc25519_invert(&single, &a[i]);
        assert_true(sc25519_eq(&copy[i], &single));
    }
    /* a zero anywhere fails */
    for (int z = 0; z < N; z += 33) {
        memcpy(copy, a, sizeof a);
        sc25519_zero(&copy[z]);
        assert_int_equal(sc25519_batch_invert_vartime(r, copy, tmp, N), -1);
    }
    sc25519_zero(&copy[N - 1]);
    assert_int_equal(sc25519_batch_invert_vartime(r, copy, tmp, N), -1);
}

static void test_predicates_cmov_random(void **state)
{
    (void)state;
    sc25519 a, b, z;
    sc25519_zero(&z);
    assert_int_equal(sc25519_is_zero(&z), 1);
    sc25519_one(&a);
    assert_int_equal(sc25519_is_zero(&a), 0);
    sc25519_from_u64(&b, 1);
    assert_int_equal(sc25519_eq(&a, &b), 1);
    b.v[3] = 1ULL << 59;
    assert_int_equal(sc25519_eq(&a, &b), 0);
    sc25519 hi = z;
    hi.v[3] = 1ULL << 63; /* not canonical, but exercises the top bit of the test */
    assert_int_equal(sc25519_is_zero(&hi), 0);

    sc25519 r = a;
    sc25519_cmov(&r, &b, 0);
    assert_true(sc25519_eq(&r, &a));
    sc25519_cmov(&r, &b, 1);
    assert_true(sc25519_eq(&r, &b));
    r = a;
    sc25519_cmov(&r, &b, 0x80000000u);
    assert_true(sc25519_eq(&r, &b));

    uint8_t bytes[32];
    sc25519 prev;
    sc25519_zero(&prev);
    for (int i = 0; i < 200; i++) {
        sc25519_random(&a);
        sc25519_to_bytes(bytes, &a);
        assert_int_equal(sc25519_from_bytes_canonical(&b, bytes), 0);
        assert_false(sc25519_eq(&a, &prev));
        prev = a;
    }
}

/* Exact integer check: acc (6 limbs, two's complement) += d * 2^shift. */
static void add_shifted(uint64_t acc[6], int64_t d, unsigned shift)
{
    uint64_t t[6];
    uint64_t fill = d < 0 ? ~0ULL : 0;
    for (int i = 0; i < 6; i++) t[i] = fill;
    unsigned limb = shift / 64, off = shift % 64;
    uint64_t ud = (uint64_t)d;
    for (unsigned i = 0; i < limb; i++) t[i] = 0;
    t[limb] = ud << off;
    if (limb + 1 < 6) t[limb + 1] = off ? (ud >> (64 - off)) | (fill << off) : fill;
    unsigned __int128 carry = 0;
    for (int i = 0; i < 6; i++) {
        carry += (unsigned __int128)acc[i] + t[i];
        acc[i] = (uint64_t)carry;
        carry >>= 64;
    }
}

static void assert_equals_scalar(const uint64_t acc[6], const sc25519 *a)
{
    for (int i = 0; i < 4; i++) assert_int_equal(acc[i], a->v[i]);
    assert_int_equal(acc[4], 0);
    assert_int_equal(acc[5], 0);
}

static void recoding_scalars(tv_rng *rng, int i, sc25519 *a)
{
    uint8_t b[32];
    if (i < N_EDGE) {
        edge_scalar(b, i);
    } else if (i < N_EDGE + 8) {
        /* every window at the carry boundary: bytes 0x88 / 0x80 / 0xaa / 0x55 patterns, reduced */
        static const uint8_t pat[8] = {0x88, 0x80, 0xaa, 0x55, 0x7f, 0xfe, 0x10, 0xc3};
        memset(b, pat[i - N_EDGE], 32);
        b[31] &= 0x0f;
    } else {
        random_scalar_bytes(rng, b);
    }
    assert_int_equal(sc25519_from_bytes_canonical(a, b), 0);
}

static void test_signed_digits(void **state)
{
    (void)state;
    tv_rng rng;
    tv_rng_seed(&rng, 6);
    int8_t digits[258];
    for (int i = 0; i < 600; i++) {
        sc25519 a;
        recoding_scalars(&rng, i, &a);
        for (unsigned w = 1; w <= 8; w++) {
            memset(digits, 0x7f, sizeof digits);
            size_t n = sc25519_signed_digits(digits, &a, w);
            assert_true(n <= 256 / w + 2);
            assert_true(n * w >= 254);
            assert_int_equal(n, 256 / w + 1);
            assert_int_equal(digits[n], 0x7f); /* nothing written past n */
            if (w == 4 || w == 8) assert_int_equal(digits[n - 1], 0);
            uint64_t acc[6] = {0};
            const int lim = 1 << (w - 1);
            for (size_t k = 0; k < n; k++) {
                assert_true(digits[k] >= -lim && digits[k] <= lim);
                add_shifted(acc, digits[k], (unsigned)(k * w));
            }
            assert_equals_scalar(acc, &a);
        }
    }
}

static void test_wnaf(void **state)
{
    (void)state;
    tv_rng rng;
    tv_rng_seed(&rng, 7);
    int8_t naf[256];
    for (int i = 0; i < 600; i++) {
        sc25519 a;
        recoding_scalars(&rng, i, &a);
        for (unsigned w = 2; w <= 8; w++) {
            sc25519_wnaf_vartime(naf, &a, w);
            uint64_t acc[6] = {0};
            const int lim = 1 << (w - 1);
            int last_nonzero = -1000;
            for (int k = 0; k < 256; k++) {
                if (naf[k] == 0) continue;
                assert_true(naf[k] & 1);
                assert_true(naf[k] > -lim && naf[k] < lim);
                assert_true(k - last_nonzero >= (int)w); /* at most one nonzero in any w consecutive */
                last_nonzero = k;
                add_shifted(acc, naf[k], (unsigned)k);
            }
            assert_equals_scalar(acc, &a);
        }
    }
}

/* Known relation: FROST-style Lagrange coefficient for x = 0 over {1, 3}: l_1 = 3 / (3 - 1) = 3/2. */
static void test_small_identities(void **state)
{
    (void)state;
    sc25519 two, three, inv2, l1, chk;
    sc25519_from_u64(&two, 2);
    sc25519_from_u64(&three, 3);
    sc25519_invert(&inv2, &two);
    sc25519_mul(&l1, &three, &inv2);
    sc25519_mul(&chk, &l1, &two);
    assert_true(sc25519_eq(&chk, &three));
    /* (L+1)/2 is the inverse of 2 */
    uint8_t b[32];
    l_plus(b, 1);
    for (int i = 0; i < 31; i++) b[i] = (uint8_t)((b[i] >> 1) | (b[i + 1] << 7));
    b[31] >>= 1;
    assert_sc_bytes(&inv2, b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reduce64),
        cmocka_unit_test(test_reduce32_and_canonical),
        cmocka_unit_test(test_arith_vs_libsodium),
        cmocka_unit_test(test_invert),
        cmocka_unit_test(test_batch_invert),
        cmocka_unit_test(test_predicates_cmov_random),
        cmocka_unit_test(test_signed_digits),
        cmocka_unit_test(test_wnaf),
        cmocka_unit_test(test_small_identities),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
