/* The API tests' fixture: a real server on an ephemeral loopback port over the mock backend (api_mock.h),
 * and a tiny HTTP client over a raw socket (test_api.c, test_api_request.c, test_http_client.c). */
#ifndef TSS_TESTS_API_FIXTURE_H
#define TSS_TESTS_API_FIXTURE_H

#include <jansson.h>
#include <stdint.h>

#include "api_mock.h"
#include "src/api.h"

#define TOKEN "test-token-0123456789abcdef"

typedef struct fixture {
    mock *m;
    tss_api_server srv;
    uint16_t port;
} fixture;

typedef struct reply {
    int status;
    char head[4096]; /* status line and headers */
    char *body;
    size_t body_len;
    json_t *json; /* parsed body when it is JSON */
} reply;

/* cmocka setup / teardown: a started server in *state (a fixture). */
int setup(void **state);
int teardown(void **state);

void reply_free(reply *r);
/* Sends `req` verbatim and reads one response (Content-Length framed). */
void raw_exchange(uint16_t port, const char *req, size_t req_len, reply *r);
/* token NULL: no Authorization header. */
void http(fixture *f, const char *method, const char *path, const char *token, const char *body, reply *r);
void get(fixture *f, const char *path, reply *r);
void post(fixture *f, const char *path, const char *body, reply *r);
/* Asserts an error response: status and {"error":{"code":code,"message":non-empty}}. */
void expect_error(reply *r, int status, const char *code);
void post_expect(fixture *f, const char *path, const char *body, int status, const char *code);
const char *jstr(const json_t *o, const char *k);
uint64_t metric_value(const char *text, const char *series);

#endif
