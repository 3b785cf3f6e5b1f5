/* Minimal blocking HTTP/1.1 client for the control plane (tssctl → tssd on loopback or a LAN).
 *
 * One request per connection ("Connection: close"), an overall deadline covering connect, send and receive,
 * bodies framed by Content-Length (or by the connection closing). No TLS, no redirects, no chunked bodies:
 * tssd never sends them.
 */
#ifndef TSS_HTTP_CLIENT_H
#define TSS_HTTP_CLIENT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "tss/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TSS_HTTP_MAX_HEADER 16384             /* bytes of status line + headers */
#define TSS_HTTP_MAX_BODY (64u * 1024 * 1024) /* larger responses fail with TSS_ERR_CAPACITY */

typedef struct tss_http_endpoint {
    struct sockaddr_storage addr;
    socklen_t addr_len;
    char host[272];                           /* Host header value: host[:port] as given */
} tss_http_endpoint;

typedef struct tss_http_response {
    int status;                               /* e.g. 200 */
    char *body;                               /* NUL-terminated, malloc'd (free with tss_http_response_free) */
    size_t body_len;
} tss_http_response;

/* Parses "http://HOST:PORT[/]" where HOST is a numeric IPv4 address, a bracketed IPv6 address or
 * "localhost" (resolved to 127.0.0.1). TSS_ERR_INVALID_ARG if it is anything else. */
int tss_http_parse_url(const char *url, tss_http_endpoint *ep);

/* Sends one request and reads the full response within timeout_ms. bearer (may be NULL) becomes an
 * "Authorization: Bearer" header; body may be NULL when body_len is 0. Errors: TSS_ERR_IO (connect/send/recv
 * failed, connection refused), TSS_ERR_TIMEOUT, TSS_ERR_ENCODING (malformed or chunked response),
 * TSS_ERR_CAPACITY (response too large). On success resp->body is always non-NULL. */
int tss_http_request(const tss_http_endpoint *ep, const char *method, const char *path, const char *bearer,
                     const char *content_type, const void *body, size_t body_len, int timeout_ms,
                     tss_http_response *resp);

void tss_http_response_free(tss_http_response *resp);

#ifdef __cplusplus
}
#endif
#endif
