/* Keccak-256 and SHA3-256 against ../shared/vectors/keccak/keccak256.json (every rate boundary), incremental
 * absorption in uneven pieces, and the public digest helper. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "crypto/keccak.h"
#include "tss/ecdsa.h"
#include "test_support.h"

static void test_vectors(void **state)
{
    (void)state;
    json_t *root = tv_load_json("keccak/keccak256.json");
    assert_non_null(root);
    json_t *vecs = json_object_get(root, "vectors");
    assert_true(json_array_size(vecs) >= 10);
    size_t i, count = 0;
    json_t *v;
    json_array_foreach(vecs, i, v) {
        const char *msg_hex = json_string_value(json_object_get(v, "msg"));
        const char *ascii = json_string_value(json_object_get(v, "text"));
        size_t len;
        uint8_t *msg;
        if (msg_hex) {
            len = strlen(msg_hex) / 2;
            msg = malloc(len + 1);
            assert_int_equal(tv_hex_decode(msg, len + 1, msg_hex), (long)len);
        } else {
            assert_non_null(ascii);
            len = strlen(ascii);
            msg = (uint8_t *)strdup(ascii);
        }
        uint8_t want[32], got[32];
        assert_int_equal(tv_hex_exact(want, 32, json_string_value(json_object_get(v, "keccak256"))), 0);
        keccak256(got, msg, len);
        assert_memory_equal(got, want, 32);
        tss_ecdsa_keccak256(got, msg, len);
        assert_memory_equal(got, want, 32);
        /* incremental, in pieces of 1, 7, 135 ... bytes */
        keccak256_state st;
        keccak256_init(&st);
        size_t off = 0, step = 1;
        while (off < len) {
            size_t take = len - off < step ? len - off : step;
            keccak256_update(&st, msg + off, take);
            off += take;
            step = step * 7 % 139 + 1;
        }
        keccak256_final(&st, got);
        assert_memory_equal(got, want, 32);
        const char *sha3 = json_string_value(json_object_get(v, "sha3_256"));
        if (sha3) {
            assert_int_equal(tv_hex_exact(want, 32, sha3), 0);
            sha3_256(got, msg, len);
            assert_memory_equal(got, want, 32);
        }
        free(msg);
        count++;
    }
    assert_true(count >= 10);
    json_decref(root);
}

static void test_empty_known(void **state)
{
    (void)state;
    uint8_t got[32], want[32];
    assert_int_equal(tv_hex_exact(want, 32, "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"), 0);
    keccak256(got, NULL, 0);
    assert_memory_equal(got, want, 32);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors),
        cmocka_unit_test(test_empty_known),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
