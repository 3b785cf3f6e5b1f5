/* The API tests' fixture (api_fixture.h). */
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

int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->m = calloc(1, sizeof *f->m);
    assert_non_null(f->m);
    mock_init(f->m);
    tss_api_backend be = mock_backend(f->m);
    tss_api_config cfg = {.bind_address = "127.0.0.1", .port = 0, .token = TOKEN};
    assert_int_equal(tss_api_start(&f->srv, &cfg, &be), TSS_OK);
    f->port = tss_api_port(&f->srv);
    assert_true(f->port != 0);
    *state = f;
    return 0;
}

int teardown(void **state)
{
    fixture *f = *state;
    tss_api_stop(&f->srv);
    tss_api_stop(&f->srv); /* idempotent */
    mock_destroy(f->m);
    free(f->m);
    free(f);
    return 0;
}

void reply_free(reply *r)
{
    free(r->body);
    json_decref(r->json);
    memset(r, 0, sizeof *r);
}

void raw_exchange(uint16_t port, const char *req, size_t req_len, reply *r)
{
    memset(r, 0, sizeof *r);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct timeval tv = {.tv_sec = 10};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    for (size_t off = 0; off < req_len;) {
        ssize_t n = send(fd, req + off, req_len - off, MSG_NOSIGNAL);
        if (n <= 0)
            break; /* the server may answer (413) and close before reading everything */
        off += (size_t)n;
    }
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap + 1);
    assert_non_null(buf);
    size_t body_off = 0; /* offset of the body once the headers are complete (buf moves on realloc) */
    long content_length = -1;
    for (;;) {
        if (len == cap) {
            cap *= 2;
            buf = realloc(buf, cap + 1);
            assert_non_null(buf);
        }
        ssize_t n = recv(fd, buf + len, cap - len, 0);
        if (n <= 0)
            break;
        len += (size_t)n;
        buf[len] = '\0';
        char *hdr_end;
        if (body_off == 0 && (hdr_end = strstr(buf, "\r\n\r\n")) != NULL) {
            body_off = (size_t)(hdr_end - buf) + 4;
            const char *cl = strcasestr(buf, "\r\nContent-Length:");
            if (cl != NULL && cl < hdr_end)
                content_length = strtol(cl + 17, NULL, 10);
        }
        if (body_off != 0 && content_length >= 0 && len - body_off >= (size_t)content_length)
            break;
    }
    close(fd);
    buf[len] = '\0';
    assert_true(body_off != 0);
    size_t hl = body_off - 4;
    assert_true(hl < sizeof r->head);
    memcpy(r->head, buf, hl);
    r->head[hl] = '\0';
    assert_int_equal(sscanf(buf, "HTTP/1.1 %d", &r->status), 1);
    assert_true(content_length >= 0);
    assert_true(len - body_off >= (size_t)content_length);
    r->body_len = (size_t)content_length;
    r->body = malloc(r->body_len + 1);
    assert_non_null(r->body);
    memcpy(r->body, buf + body_off, r->body_len);
    r->body[r->body_len] = '\0';
    free(buf);
    if (strcasestr(r->head, "Content-Type: application/json") != NULL) {
        r->json = json_loadb(r->body, r->body_len, 0, NULL);
        assert_non_null(r->json);
    }
}

void http(fixture *f, const char *method, const char *path, const char *token, const char *body, reply *r)
{
    size_t bl = body != NULL ? strlen(body) : 0;
    size_t cap = bl + 512;
    char *req = malloc(cap);
    assert_non_null(req);
    int n = snprintf(req, cap, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%s%s%sContent-Length: %zu\r\n\r\n",
                     method, path, token ? "Authorization: Bearer " : "", token ? token : "", token ? "\r\n" : "", bl);
    assert_true(n > 0 && (size_t)n + bl < cap);
    memcpy(req + n, body != NULL ? body : "", bl);
    raw_exchange(f->port, req, (size_t)n + bl, r);
    free(req);
}

void get(fixture *f, const char *path, reply *r)
{
    http(f, "GET", path, TOKEN, NULL, r);
}

void post(fixture *f, const char *path, const char *body, reply *r)
{
    http(f, "POST", path, TOKEN, body, r);
}

void expect_error(reply *r, int status, const char *code)
{
    if (r->status != status || r->json == NULL)
        fprintf(stderr, "unexpected reply %d: %s\n", r->status, r->body);
    assert_int_equal(r->status, status);
    assert_non_null(r->json);
    json_t *err = json_object_get(r->json, "error");
    assert_true(json_is_object(err));
    assert_int_equal(json_object_size(r->json), 1);
    assert_string_equal(json_string_value(json_object_get(err, "code")), code);
    const char *msg = json_string_value(json_object_get(err, "message"));
    assert_non_null(msg);
    assert_true(strlen(msg) > 0);
}

void post_expect(fixture *f, const char *path, const char *body, int status, const char *code)
{
    reply r;
    post(f, path, body, &r);
    expect_error(&r, status, code);
    reply_free(&r);
}

const char *jstr(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    assert_non_null(s);
    return s;
}

uint64_t metric_value(const char *text, const char *series)
{
    char pat[256];
    snprintf(pat, sizeof pat, "\n%s ", series);
    const char *p = strstr(text, pat);
    assert_non_null(p);
    return strtoull(p + strlen(pat), NULL, 10);
}
