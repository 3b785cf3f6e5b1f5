/* src/http_client: URLs, requests against a real API server, refusals, connection errors and timeouts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "api_fixture.h"
#include "src/http_client.h"

static void test_http_client(void **state)
{
    fixture *f = *state;
    tss_http_endpoint ep;
    tss_http_response resp;
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u", f->port);
    assert_int_equal(tss_http_parse_url(url, &ep), TSS_OK);
    assert_int_equal(tss_http_request(&ep, "GET", "/healthz", NULL, NULL, NULL, 0, 5000, &resp), TSS_OK);
    assert_int_equal(resp.status, 200);
    assert_non_null(strstr(resp.body, "\"ok\""));
    tss_http_response_free(&resp);
    const char *body = "{\"session_id\":\"0000000000000031\",\"participants\":[1,2],\"threshold\":2}";
    assert_int_equal(tss_http_request(&ep, "POST", "/v1/dkg", TOKEN, "application/json", body, strlen(body), 5000,
                                      &resp),
                     TSS_OK);
    assert_int_equal(resp.status, 202);
    tss_http_response_free(&resp);
    assert_int_equal(tss_http_request(&ep, "GET", "/v1/keys", "nope", NULL, NULL, 0, 5000, &resp), TSS_OK);
    assert_int_equal(resp.status, 401);
    assert_int_equal(resp.body_len, strlen(resp.body));
    tss_http_response_free(&resp);
    snprintf(url, sizeof url, "http://localhost:%u/", f->port);
    assert_int_equal(tss_http_parse_url(url, &ep), TSS_OK);
    assert_int_equal(tss_http_request(&ep, "GET", "/metrics", TOKEN, NULL, NULL, 0, 5000, &resp), TSS_OK);
    assert_int_equal(resp.status, 200);
    assert_non_null(strstr(resp.body, "tss_api_requests_total"));
    tss_http_response_free(&resp);
    /* Header injection through the path or the token is refused. */
    assert_int_equal(tss_http_request(&ep, "GET", "/x\r\nEvil: 1", NULL, NULL, NULL, 0, 5000, &resp),
                     TSS_ERR_INVALID_ARG);
    assert_int_equal(tss_http_request(&ep, "GET", "/x", "a\r\nb", NULL, NULL, 0, 5000, &resp), TSS_ERR_INVALID_ARG);

    static const char *const bad_urls[] = {"127.0.0.1:80", "http://127.0.0.1", "http://127.0.0.1:0",
                                           "http://127.0.0.1:70000", "http://example.com:80", "http://[::1]80",
                                           "http://127.0.0.1:80/v1", "https://127.0.0.1:80"};
    for (size_t i = 0; i < sizeof bad_urls / sizeof bad_urls[0]; i++)
        assert_int_equal(tss_http_parse_url(bad_urls[i], &ep), TSS_ERR_INVALID_ARG);
    assert_int_equal(tss_http_parse_url("http://[::1]:8080", &ep), TSS_OK);
    assert_string_equal(ep.host, "[::1]:8080");

    /* A closed port: connection refused. */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t sl = sizeof sa;
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
    snprintf(url, sizeof url, "http://127.0.0.1:%u", ntohs(sa.sin_port));
    assert_int_equal(tss_http_parse_url(url, &ep), TSS_OK);
    assert_int_equal(tss_http_request(&ep, "GET", "/", NULL, NULL, NULL, 0, 2000, &resp), TSS_ERR_IO);
    /* A listener that never answers: timeout. */
    assert_int_equal(listen(fd, 1), 0);
    assert_int_equal(tss_http_request(&ep, "GET", "/", NULL, NULL, NULL, 0, 200, &resp), TSS_ERR_TIMEOUT);
    close(fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_http_client, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
