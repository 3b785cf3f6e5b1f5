/* dataplane/addr: the one endpoint parser (IPv4 and IPv6), its formatter and comparison, and the config's
 * IPv4 view over it (src/addr.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>

#include "dataplane/addr.h"
#include "src/addr.h"
#include "tss/common.h"

static void round_trip(const char *text, int family)
{
    dp_addr a;
    char out[DP_ADDR_TEXT_MAX];
    assert_int_equal(dp_addr_parse(&a, text), TSS_OK);
    assert_int_equal(a.u.sa.sa_family, family);
    assert_string_equal(dp_addr_format(out, &a), text);
}

static void test_parse_and_format(void **state)
{
    (void)state;
    round_trip("127.0.0.1:7001", AF_INET);
    round_trip("255.255.255.255:65535", AF_INET);
    round_trip("[::1]:8080", AF_INET6);
    round_trip("[fe80::1:2:3]:1", AF_INET6);
    round_trip("[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535", AF_INET6);
    round_trip("[::ffff:255.255.255.255]:65535", AF_INET6);
    dp_addr a;
    assert_int_equal(dp_addr_parse(&a, "10.0.0.7:9"), TSS_OK);
    assert_int_equal(ntohs(a.u.in4.sin_port), 9);
    assert_int_equal(ntohl(a.u.in4.sin_addr.s_addr), 0x0a000007u);
    assert_int_equal(a.len, sizeof a.u.in4);
    /* The first len characters only. */
    assert_int_equal(dp_addr_parse_n(&a, "[::1]:80/v1/sessions", 8), TSS_OK);
    assert_int_equal(ntohs(a.u.in6.sin6_port), 80);
}

static void test_rejects(void **state)
{
    (void)state;
    static const char *bad[] = {
        "", ":80", "127.0.0.1", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:+80", "127.0.0.1: 80",
        "127.0.0.1:80 ", " 127.0.0.1:80", "127.0.0.1:080000", "1.2.3:80", "1.2.3.4.5:80", "localhost:80",
        "::1:80", "[::1]", "[::1]80", "[::1]:", "[127.0.0.1]:80", "[::1:80", "::1]:80", "[]:80", "[::g]:80",
        "256.0.0.1:80", "127.0.0.1:80:80",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dp_addr a;
        memset(&a, 0xa5, sizeof a);
        if (dp_addr_parse(&a, bad[i]) != TSS_ERR_ENCODING) fail_msg("accepted \"%s\"", bad[i]);
        assert_int_equal(a.len, 0); /* zeroed */
    }
    dp_addr a;
    assert_int_equal(dp_addr_parse(&a, NULL), TSS_ERR_INVALID_ARG);
    assert_int_equal(dp_addr_parse_n(&a, "1.2.3.4:8\0" "0", 10), TSS_ERR_ENCODING); /* an embedded NUL */
    uint16_t port = 7;
    assert_int_equal(dp_port_parse("0", 1, &port), TSS_ERR_ENCODING);
    assert_int_equal(dp_port_parse("123456", 6, &port), TSS_ERR_ENCODING);
    assert_int_equal(port, 7);
    assert_int_equal(dp_port_parse("65535", 5, &port), TSS_OK);
    assert_int_equal(port, 65535);
}

static void test_equal(void **state)
{
    (void)state;
    dp_addr a, b, c, d;
    assert_int_equal(dp_addr_parse(&a, "[::1]:80"), TSS_OK);
    assert_int_equal(dp_addr_from_string(&b, "::1", 80), TSS_OK);
    assert_int_equal(dp_addr_parse(&c, "127.0.0.1:80"), TSS_OK);
    assert_int_equal(dp_addr_parse(&d, "[::1]:81"), TSS_OK);
    assert_true(dp_addr_equal(&a, &b));
    assert_false(dp_addr_equal(&a, &c));
    assert_false(dp_addr_equal(&a, &d));
    char out[DP_ADDR_TEXT_MAX];
    dp_addr unset;
    memset(&unset, 0, sizeof unset);
    assert_string_equal(dp_addr_format(out, &unset), "?");
}

/* The config holds IPv4 endpoints: the same parser, IPv6 refused until it can hold one. */
static void test_config_view(void **state)
{
    (void)state;
    struct sockaddr_in s;
    char text[TSS_ADDR_TEXT_MAX];
    assert_int_equal(tss_addr_parse(&s, "192.168.0.1:7001"), TSS_OK);
    assert_string_equal(tss_addr_format(text, &s), "192.168.0.1:7001");
    assert_int_equal(tss_addr_parse(&s, "[::1]:7001"), TSS_ERR_ENCODING);
    assert_int_equal(tss_addr_parse(&s, "192.168.0.1:0"), TSS_ERR_ENCODING);
    struct sockaddr_in t;
    assert_int_equal(tss_addr_parse(&s, "10.1.2.3:9"), TSS_OK);
    assert_int_equal(tss_addr_parse(&t, "10.1.2.3:9"), TSS_OK);
    assert_true(tss_addr_equal(&s, &t));
    t.sin_port = htons(10);
    assert_false(tss_addr_equal(&s, &t));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_and_format),
        cmocka_unit_test(test_rejects),
        cmocka_unit_test(test_equal),
        cmocka_unit_test(test_config_view),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
