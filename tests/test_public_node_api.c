/* The node library as an outside program sees it: include/ only, no TSS_BUILD, linked against
 * libtss_node.so alone. A node that cannot start says why (tssd's start-up goes through the same call, and
 * test_tssd / test_e2e_cluster run it to the end). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tss/node.h"

#ifdef TSS_BUILD
#error "this test must see the headers as a program outside the library does"
#endif

static void test_open_reports_why(void **state)
{
    (void)state;
    char err[1024];
    tss_node *n = (tss_node *)&err; /* overwritten with NULL on failure */
    int rc = tss_node_open(&n, "/nonexistent/tss-node.ini", NULL, NULL, err, sizeof err);
    assert_int_not_equal(rc, TSS_OK);
    assert_null(n);
    assert_non_null(strstr(err, "/nonexistent/tss-node.ini"));

    char path[] = "/tmp/tss-public-node-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    static const char text[] = "[node]\nindex = 1\n[peer.1]\naddress = 127.0.0.1:0\n";
    assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
    close(fd);
    rc = tss_node_open(&n, path, NULL, NULL, err, sizeof err);
    unlink(path);
    assert_int_equal(rc, TSS_ERR_ENCODING);
    assert_null(n);
    assert_non_null(strstr(err, path)); /* the file (and line) of the problem */
    tss_node_close(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_open_reports_why)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
