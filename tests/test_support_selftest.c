/* The test helpers themselves: vector directory reachable, hex decoding strict. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "test_support.h"

static void test_vectors_present(void **state)
{
    (void)state;
    size_t len = 0;
    char *s = tv_read_file("SOURCES.md", &len);
    assert_non_null(s);
    assert_true(len > 100);
    free(s);
}

static void test_hex(void **state)
{
    (void)state;
    uint8_t b[4];
    assert_int_equal(tv_hex_decode(b, sizeof b, "00ff10Ab"), 4);
    assert_int_equal(b[1], 0xff);
    assert_int_equal(b[3], 0xab);
    assert_int_equal(tv_hex_decode(b, sizeof b, "0"), -1);
    assert_int_equal(tv_hex_decode(b, sizeof b, "zz"), -1);
    assert_int_equal(tv_hex_decode(b, sizeof b, "0011223344"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors_present),
        cmocka_unit_test(test_hex),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
