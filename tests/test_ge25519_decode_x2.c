/* The two-lane decoder must agree with ge25519_frombytes_zip215 on every input: random bytes (about half
 * are not points), valid points, and the non-canonical and small-order encodings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "batch/ge25519_decode_x2.h"
#include "crypto/ge25519.h"
#include "crypto/sc25519.h"
#include "test_support.h"
#include "tss/common.h"

static int check_pair(const uint8_t a[32], const uint8_t b[32])
{
    ge25519_p3 ra, rb, xa, xb;
    const int oa = ge25519_frombytes_zip215(&ra, a) == 0, ob = ge25519_frombytes_zip215(&rb, b) == 0;
    const unsigned m = ge25519_frombytes_zip215_x2(&xa, a, &xb, b);
    assert_int_equal(m & 1, (unsigned)oa);
    assert_int_equal((m >> 1) & 1, (unsigned)ob);
    uint8_t e1[32], e2[32];
    if (oa) {
        assert_true(ge25519_eq(&ra, &xa));
        ge25519_tobytes(e1, &ra);
        ge25519_tobytes(e2, &xa);
        assert_memory_equal(e1, e2, 32);
    }
    if (ob) {
        assert_true(ge25519_eq(&rb, &xb));
        ge25519_tobytes(e1, &rb);
        ge25519_tobytes(e2, &xb);
        assert_memory_equal(e1, e2, 32);
    }
    return oa + ob;
}

static void test_random_bytes(void **state)
{
    (void)state;
    tv_rng rng;
    tv_rng_seed(&rng, 21);
    int decoded = 0;
    for (int i = 0; i < 2000; i++) {
        uint8_t a[32], b[32];
        tv_rng_bytes(&rng, a, 32);
        tv_rng_bytes(&rng, b, 32);
        decoded += check_pair(a, b);
    }
    /* about half of all y have a point: both outcomes are exercised */
    assert_true(decoded > 1500 && decoded < 2500);
}

static void test_points_and_edges(void **state)
{
    (void)state;
    tv_rng rng;
    tv_rng_seed(&rng, 22);
    uint8_t enc[64][32];
    size_t n = 0;
    for (int i = 0; i < 8; i++) {
        sc25519 s;
        ge25519_p3 p;
        uint8_t w[64];
        tv_rng_bytes(&rng, w, 64);
        sc25519_from_bytes_reduce64(&s, w);
        ge25519_scalarmult_base(&p, &s);
        ge25519_tobytes(enc[n], &p);
        n++;
        memcpy(enc[n], enc[n - 1], 32);
        enc[n][31] ^= 0x80; /* the negation */
        n++;
    }
    /* y + p for y < 19, both signs; y = 0, 1, -1 with both signs; all zeros, all ones */
    for (unsigned y = 0; y < 19; y++) {
        for (unsigned sgn = 0; sgn < 2; sgn++) {
            memset(enc[n], 0xff, 32);
            enc[n][0] = (uint8_t)(0xed + y);
            enc[n][31] = (uint8_t)(0x7f | (sgn << 7));
            n++;
        }
    }
    memset(enc[n], 0, 32);
    n++;
    memset(enc[n], 0, 32);
    enc[n][0] = 1;
    enc[n][31] = 0x80;
    n++;
    memset(enc[n], 0xff, 32);
    n++;
    memset(enc[n], 0xff, 32);
    enc[n][0] = 0xec;
    n++;
    assert_true(n <= 64);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) check_pair(enc[i], enc[j]);
    }
}

int main(void)
{
    if (tss_init() != 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_bytes),
        cmocka_unit_test(test_points_and_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
