/* Scalars mod n (crypto/secp256k1_scalar.c) cross-checked against libsecp256k1's seckey arithmetic
 * (tweak_add = a + b, tweak_mul = a·b, negate) on random and edge values; inversion, wide reduction
 * (against a schoolbook reference), the unreduced accumulator, canonical decoding and low-S. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <secp256k1.h>

#include "crypto/secp256k1_scalar.h"
#include "test_support.h"

static const uint8_t N_BYTES[32] = {
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE,
    0xBA, 0xAE, 0xDC, 0xE6, 0xAF, 0x48, 0xA0, 0x3B, 0xBF, 0xD2, 0x5E, 0x8C, 0xD0, 0x36, 0x41, 0x41,
};

/* b = n + delta as 32 big-endian bytes */
static void n_plus(uint8_t b[32], int delta)
{
    int carry = delta;
    for (int i = 31; i >= 0; i--) {
        int v = N_BYTES[i] + carry;
        b[i] = (uint8_t)(v & 0xff);
        carry = v >> 8;
    }
}

#define N_EDGE 7
static void scalar_bytes(tv_rng *rng, int i, uint8_t b[32])
{
    memset(b, 0, 32);
    switch (i) {
    case 0: b[31] = 1; break;
    case 1: b[31] = 2; break;
    case 2: n_plus(b, -1); break;
    case 3: n_plus(b, -2); break;
    case 4: memset(b, 0xff, 15); break;                  /* 2^256 - 2^136 (< n) */
    case 5: b[0] = 0x80; break;                          /* 2^255 */
    case 6: n_plus(b, -1); b[31] >>= 1; b[0] = 0x7f; break;
    default:
        do { tv_rng_bytes(rng, b, 32); } while (memcmp(b, N_BYTES, 32) >= 0);
    }
}

static void test_against_libsecp256k1(void **state)
{
    (void)state;
    const secp256k1_context *ctx = secp256k1_context_static;
    tv_rng rng;
    tv_rng_seed(&rng, 0x5ec9256b1);
    for (int i = 0; i < 400; i++) {
        for (int j = 0; j < 12; j++) {
            uint8_t a[32], b[32], want[32], got[32];
            k1_scalar x, y, r;
            scalar_bytes(&rng, i < N_EDGE ? i : 100, a);
            scalar_bytes(&rng, j < N_EDGE ? j : 100, b);
            assert_int_equal(k1_scalar_from_bytes_canonical(&x, a), 0);
            assert_int_equal(k1_scalar_from_bytes_canonical(&y, b), 0);
            memcpy(want, a, 32);
            int ok = secp256k1_ec_seckey_tweak_add(ctx, want, b);
            k1_scalar_add(&r, &x, &y);
            k1_scalar_to_bytes(got, &r);
            if (ok) assert_memory_equal(got, want, 32);
            else assert_true(k1_scalar_is_zero(&r));
            memcpy(want, a, 32);
            assert_true(secp256k1_ec_seckey_tweak_mul(ctx, want, b));
            k1_scalar_mul(&r, &x, &y);
            k1_scalar_to_bytes(got, &r);
            assert_memory_equal(got, want, 32);
            /* a - b + b == a, and -b via libsecp256k1 */
            k1_scalar_sub(&r, &x, &y);
            k1_scalar_add(&r, &r, &y);
            assert_true(k1_scalar_eq(&r, &x));
            memcpy(want, b, 32);
            assert_true(secp256k1_ec_seckey_negate(ctx, want));
            k1_scalar_neg(&r, &y);
            k1_scalar_to_bytes(got, &r);
            assert_memory_equal(got, want, 32);
            /* accumulator: a·b + b·b + a reduced once == the same reduced step by step */
            k1_scalar_acc acc;
            k1_scalar s1, s2;
            k1_scalar_acc_init(&acc);
            k1_scalar_acc_muladd(&acc, &x, &y);
            k1_scalar_acc_muladd(&acc, &y, &y);
            k1_scalar_acc_add(&acc, &x);
            k1_scalar_acc_reduce(&s1, &acc);
            k1_scalar_mul(&s2, &x, &y);
            k1_scalar_mul(&r, &y, &y);
            k1_scalar_add(&s2, &s2, &r);
            k1_scalar_add(&s2, &s2, &x);
            assert_true(k1_scalar_eq(&s1, &s2));
        }
    }
}

static void test_inverse(void **state)
{
    (void)state;
    tv_rng rng;
    tv_rng_seed(&rng, 77);
    for (int i = 0; i < 200; i++) {
        uint8_t a[32];
        k1_scalar x, y, one, r;
        scalar_bytes(&rng, i < N_EDGE ? i : 100, a);
        k1_scalar_from_bytes_canonical(&x, a);
        k1_scalar_inv(&y, &x);
        k1_scalar_mul(&r, &x, &y);
        k1_scalar_from_u64(&one, 1);
        assert_true(k1_scalar_eq(&r, &one));
    }
    k1_scalar z, r;
    k1_scalar_zero(&z);
    k1_scalar_inv(&r, &z);
    assert_true(k1_scalar_is_zero(&r));
}

/* Long accumulations (416 products as in the RVOLE) and 64-byte reductions against repeated doubling. */
static void test_wide(void **state)
{
    (void)state;
    tv_rng rng;
    tv_rng_seed(&rng, 99);
    k1_scalar_acc acc;
    k1_scalar sum, a, b, p, r;
    k1_scalar_acc_init(&acc);
    k1_scalar_zero(&sum);
    for (int i = 0; i < 416; i++) {
        uint8_t x[32], y[32];
        scalar_bytes(&rng, i % 3 == 0 ? 2 : 100, x);  /* many n-1 to push the carries */
        scalar_bytes(&rng, i % 5 == 0 ? 2 : 100, y);
        k1_scalar_from_bytes_canonical(&a, x);
        k1_scalar_from_bytes_canonical(&b, y);
        k1_scalar_acc_muladd(&acc, &a, &b);
        k1_scalar_mul(&p, &a, &b);
        k1_scalar_add(&sum, &sum, &p);
    }
    k1_scalar_acc_reduce(&r, &acc);
    assert_true(k1_scalar_eq(&r, &sum));
    /* reduce64(hi ‖ lo) == hi·2^256 + lo */
    for (int i = 0; i < 200; i++) {
        uint8_t w[64];
        tv_rng_bytes(&rng, w, 64);
        if (i == 0) memset(w, 0xff, 64);
        k1_scalar hi, lo, two256, want;
        k1_scalar_from_bytes_reduce(&hi, w);
        k1_scalar_from_bytes_reduce(&lo, w + 32);
        uint8_t c[32] = {0};
        /* 2^256 mod n = c = 0x14551231950b75fc4402da1732fc9bebf */
        assert_int_equal(tv_hex_exact(c, 32, "000000000000000000000000000000014551231950b75fc4402da1732fc9bebf"), 0);
        k1_scalar_from_bytes_canonical(&two256, c);
        k1_scalar_mul(&want, &hi, &two256);
        k1_scalar_add(&want, &want, &lo);
        k1_scalar_from_bytes_reduce64(&r, w);
        assert_true(k1_scalar_eq(&r, &want));
    }
}

static void test_encoding(void **state)
{
    (void)state;
    uint8_t b[32];
    k1_scalar x;
    n_plus(b, 0);
    assert_int_equal(k1_scalar_from_bytes_canonical(&x, b), -1);
    n_plus(b, 1);
    assert_int_equal(k1_scalar_from_bytes_canonical(&x, b), -1);
    memset(b, 0xff, 32);
    assert_int_equal(k1_scalar_from_bytes_canonical(&x, b), -1);
    k1_scalar_from_bytes_reduce(&x, b);  /* 2^256 - 1 mod n = c - 1 */
    uint8_t out[32], want[32];
    k1_scalar_to_bytes(out, &x);
    assert_int_equal(tv_hex_exact(want, 32, "000000000000000000000000000000014551231950b75fc4402da1732fc9bebe"), 0);
    assert_memory_equal(out, want, 32);
    n_plus(b, -1);
    assert_int_equal(k1_scalar_from_bytes_canonical(&x, b), 0);
    assert_true(k1_scalar_is_high(&x));
    /* (n-1)/2 is not high, (n+1)/2 is */
    assert_int_equal(tv_hex_exact(b, 32, "7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0"), 0);
    k1_scalar_from_bytes_canonical(&x, b);
    assert_false(k1_scalar_is_high(&x));
    b[31] = 0xa1;
    k1_scalar_from_bytes_canonical(&x, b);
    assert_true(k1_scalar_is_high(&x));
    k1_scalar_random(&x);
    assert_false(k1_scalar_is_zero(&x));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_against_libsecp256k1),
        cmocka_unit_test(test_inverse),
        cmocka_unit_test(test_wide),
        cmocka_unit_test(test_encoding),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
