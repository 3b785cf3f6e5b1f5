#include "src/http_client.h"

#include "dataplane/addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include "util/clock.h"

int tss_http_parse_url(const char *url, tss_http_endpoint *ep)
{
    if (url == NULL || ep == NULL || strncmp(url, "http://", 7) != 0)
        return TSS_ERR_INVALID_ARG;
    memset(ep, 0, sizeof *ep);
    /* The authority (host:port, the Host header as given) ends at an optional single trailing '/'. */
    const char *h = url + 7;
    size_t authority = strcspn(h, "/");
    if ((h[authority] != '\0' && strcmp(h + authority, "/") != 0) || authority >= sizeof ep->host)
        return TSS_ERR_INVALID_ARG;
    dp_addr a;
    int rc;
    if (strncmp(h, "localhost:", 10) == 0) {
        char loop[DP_ADDR_TEXT_MAX];
        int n = snprintf(loop, sizeof loop, "127.0.0.1:%.*s", (int)(authority - 10), h + 10);
        rc = n > 0 && (size_t)n < sizeof loop ? dp_addr_parse(&a, loop) : TSS_ERR_ENCODING;
    } else {
        rc = dp_addr_parse_n(&a, h, authority);
    }
    if (rc != TSS_OK)
        return TSS_ERR_INVALID_ARG;
    _Static_assert(sizeof a.u <= sizeof ep->addr, "a dp_addr fits a sockaddr_storage");
    memcpy(&ep->addr, &a.u, a.len);
    ep->addr_len = a.len;
    memcpy(ep->host, h, authority);
    ep->host[authority] = '\0';
    return TSS_OK;
}

/* Waits for `events` on fd until the deadline. */
static int wait_fd(int fd, short events, int64_t deadline)
{
    for (;;) {
        int64_t left = deadline - (int64_t)tss_clock_mono_ms();
        if (left <= 0)
            return TSS_ERR_TIMEOUT;
        struct pollfd p = {.fd = fd, .events = events};
        int n = poll(&p, 1, (int)(left > 60000 ? 60000 : left));
        if (n > 0)
            return TSS_OK;
        if (n < 0 && errno != EINTR)
            return TSS_ERR_IO;
    }
}

static int send_all(int fd, const char *data, size_t len, int64_t deadline)
{
    while (len > 0) {
        ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
        if (n > 0) {
            data += n;
            len -= (size_t)n;
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            return TSS_ERR_IO;
        int rc = wait_fd(fd, POLLOUT, deadline);
        if (rc != TSS_OK)
            return rc;
    }
    return TSS_OK;
}

/* Growable receive buffer. */
typedef struct rx_buf {
    char *data;
    size_t len, cap;
} rx_buf;

static int rx_reserve(rx_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return TSS_OK;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *nd = realloc(b->data, cap);
    if (nd == NULL)
        return TSS_ERR_CAPACITY;
    b->data = nd;
    b->cap = cap;
    return TSS_OK;
}

/* Reads once into b; *eof set on orderly close. */
static int recv_some(int fd, rx_buf *b, int64_t deadline, bool *eof)
{
    int rc = rx_reserve(b, 16384);
    if (rc != TSS_OK)
        return rc;
    for (;;) {
        ssize_t n = recv(fd, b->data + b->len, b->cap - b->len - 1, 0);
        if (n > 0) {
            b->len += (size_t)n;
            b->data[b->len] = '\0';
            return TSS_OK;
        }
        if (n == 0) {
            *eof = true;
            return TSS_OK;
        }
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            return TSS_ERR_IO;
        rc = wait_fd(fd, POLLIN, deadline);
        if (rc != TSS_OK)
            return rc;
    }
}

/* Finds a header's value in the header block (lines after the status line); NULL if absent. */
static const char *find_header(const char *headers, size_t len, const char *name, size_t *vlen)
{
    size_t nl = strlen(name);
    const char *p = memchr(headers, '\n', len);
    const char *end = headers + len;
    while (p != NULL && p + 1 < end) {
        const char *line = p + 1;
        const char *eol = memchr(line, '\n', (size_t)(end - line));
        if (eol == NULL)
            eol = end;
        if ((size_t)(eol - line) > nl && strncasecmp(line, name, nl) == 0 && line[nl] == ':') {
            const char *v = line + nl + 1;
            while (v < eol && (*v == ' ' || *v == '\t'))
                v++;
            const char *ve = eol;
            while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ' || ve[-1] == '\t'))
                ve--;
            *vlen = (size_t)(ve - v);
            return v;
        }
        p = eol < end ? eol : NULL;
    }
    return NULL;
}

static int parse_response(rx_buf *b, int fd, int64_t deadline, tss_http_response *resp)
{
    bool eof = false;
    char *hdr_end = NULL;
    int rc;
    while ((hdr_end = strstr(b->data != NULL ? b->data : "", "\r\n\r\n")) == NULL) {
        if (b->len > TSS_HTTP_MAX_HEADER)
            return TSS_ERR_ENCODING;
        if (eof)
            return b->len == 0 ? TSS_ERR_IO : TSS_ERR_ENCODING;
        if ((rc = recv_some(fd, b, deadline, &eof)) != TSS_OK)
            return rc;
    }
    size_t hlen = (size_t)(hdr_end - b->data) + 4;
    int status = 0;
    char minor;
    if (sscanf(b->data, "HTTP/1.%c %3d", &minor, &status) != 2 || status < 100 || status > 599)
        return TSS_ERR_ENCODING;
    size_t vlen;
    const char *te = find_header(b->data, hlen, "Transfer-Encoding", &vlen);
    if (te != NULL && !(vlen == 8 && strncasecmp(te, "identity", 8) == 0))
        return TSS_ERR_ENCODING;
    const char *cl = find_header(b->data, hlen, "Content-Length", &vlen);
    size_t want = SIZE_MAX;
    if (cl != NULL) {
        char tmp[24];
        if (vlen == 0 || vlen >= sizeof tmp)
            return TSS_ERR_ENCODING;
        memcpy(tmp, cl, vlen);
        tmp[vlen] = '\0';
        char *e;
        errno = 0;
        unsigned long long v = strtoull(tmp, &e, 10);
        if (errno != 0 || *e != '\0' || tmp[0] == '-')
            return TSS_ERR_ENCODING;
        if (v > TSS_HTTP_MAX_BODY)
            return TSS_ERR_CAPACITY;
        want = (size_t)v;
    }
    while ((want == SIZE_MAX || b->len - hlen < want) && !eof) {
        if (b->len - hlen > TSS_HTTP_MAX_BODY)
            return TSS_ERR_CAPACITY;
        if ((rc = recv_some(fd, b, deadline, &eof)) != TSS_OK)
            return rc;
    }
    size_t blen = b->len - hlen;
    if (want != SIZE_MAX) {
        if (blen < want)
            return TSS_ERR_IO; /* closed early */
        blen = want;
    }
    char *body = malloc(blen + 1);
    if (body == NULL)
        return TSS_ERR_CAPACITY;
    memcpy(body, b->data + hlen, blen);
    body[blen] = '\0';
    resp->status = status;
    resp->body = body;
    resp->body_len = blen;
    return TSS_OK;
}

int tss_http_request(const tss_http_endpoint *ep, const char *method, const char *path, const char *bearer,
                     const char *content_type, const void *body, size_t body_len, int timeout_ms,
                     tss_http_response *resp)
{
    if (ep == NULL || method == NULL || path == NULL || resp == NULL || timeout_ms <= 0 ||
        (body == NULL && body_len > 0) || path[0] != '/' || strpbrk(path, " \r\n") != NULL ||
        method[0] == '\0' || strpbrk(method, " \r\n") != NULL ||
        (content_type != NULL && strpbrk(content_type, "\r\n") != NULL) ||
        (bearer != NULL && strpbrk(bearer, "\r\n") != NULL))
        return TSS_ERR_INVALID_ARG;
    memset(resp, 0, sizeof *resp);
    int64_t deadline = (int64_t)tss_clock_mono_ms() + timeout_ms;

    int fd = socket(ep->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return TSS_ERR_IO;
    int rc = TSS_OK;
    if (connect(fd, (const struct sockaddr *)&ep->addr, ep->addr_len) != 0) {
        if (errno != EINPROGRESS) {
            rc = TSS_ERR_IO;
        } else if ((rc = wait_fd(fd, POLLOUT, deadline)) == TSS_OK) {
            int err = 0;
            socklen_t el = sizeof err;
            if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) != 0 || err != 0)
                rc = TSS_ERR_IO;
        }
    }
    rx_buf b = {0};
    if (rc == TSS_OK) {
        char head[1024];
        int n = snprintf(head, sizeof head,
                         "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\nAccept: */*\r\n"
                         "Content-Length: %zu\r\n%s%s%s%s%s%s\r\n",
                         method, path, ep->host, body_len, content_type ? "Content-Type: " : "",
                         content_type ? content_type : "", content_type ? "\r\n" : "",
                         bearer ? "Authorization: Bearer " : "", bearer ? bearer : "", bearer ? "\r\n" : "");
        if (n < 0 || (size_t)n >= sizeof head)
            rc = TSS_ERR_INVALID_ARG;
        else
            rc = send_all(fd, head, (size_t)n, deadline);
        /* The head carries the bearer token: wipe it as soon as it is sent. */
        sodium_memzero(head, sizeof head);
        if (rc == TSS_OK && body_len > 0)
            rc = send_all(fd, body, body_len, deadline);
        if (rc == TSS_OK)
            rc = parse_response(&b, fd, deadline, resp);
    }
    free(b.data);
    close(fd);
    return rc;
}

void tss_http_response_free(tss_http_response *resp)
{
    if (resp != NULL) {
        free(resp->body);
        resp->body = NULL;
        resp->body_len = 0;
    }
}
