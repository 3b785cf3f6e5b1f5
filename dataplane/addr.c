/* Endpoints in text (dataplane/addr.h). */
#include "dataplane/addr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "tss/common.h"

int dp_addr_from_string(dp_addr *out, const char *host, uint16_t port)
{
    if (out == NULL || host == NULL) return TSS_ERR_INVALID_ARG;
    memset(out, 0, sizeof *out);
    if (inet_pton(AF_INET, host, &out->u.in4.sin_addr) == 1) {
        out->u.in4.sin_family = AF_INET;
        out->u.in4.sin_port = htons(port);
        out->len = sizeof out->u.in4;
        return TSS_OK;
    }
    if (inet_pton(AF_INET6, host, &out->u.in6.sin6_addr) == 1) {
        out->u.in6.sin6_family = AF_INET6;
        out->u.in6.sin6_port = htons(port);
        out->len = sizeof out->u.in6;
        return TSS_OK;
    }
    memset(out, 0, sizeof *out);
    return TSS_ERR_INVALID_ARG;
}

int dp_port_parse(const char *text, size_t len, uint16_t *out)
{
    if (text == NULL || out == NULL || len == 0 || len > 5) return TSS_ERR_ENCODING;
    unsigned long port = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] < '0' || text[i] > '9') return TSS_ERR_ENCODING;
        port = port * 10 + (unsigned long)(text[i] - '0');
    }
    if (port == 0 || port > 65535) return TSS_ERR_ENCODING;
    *out = (uint16_t)port;
    return TSS_OK;
}

int dp_addr_parse_n(dp_addr *out, const char *text, size_t len)
{
    if (out == NULL) return TSS_ERR_INVALID_ARG;
    memset(out, 0, sizeof *out);
    if (text == NULL) return TSS_ERR_INVALID_ARG;
    if (memchr(text, '\0', len) != NULL) return TSS_ERR_ENCODING;
    const char *host = text, *colon;
    size_t host_len;
    if (len > 0 && text[0] == '[') {
        const char *end = memchr(text, ']', len);
        if (end == NULL || (size_t)(end - text) + 1 >= len || end[1] != ':') return TSS_ERR_ENCODING;
        host = text + 1;
        host_len = (size_t)(end - host);
        colon = end + 1;
    } else {
        colon = NULL;
        for (size_t i = len; i > 0; i--)
            if (text[i - 1] == ':') {
                colon = text + i - 1;
                break;
            }
        if (colon == NULL) return TSS_ERR_ENCODING;
        host_len = (size_t)(colon - text);
        /* An IPv6 address has colons of its own: it must be bracketed. */
        if (memchr(text, ':', host_len) != NULL) return TSS_ERR_ENCODING;
    }
    char h[INET6_ADDRSTRLEN];
    if (host_len == 0 || host_len >= sizeof h) return TSS_ERR_ENCODING;
    memcpy(h, host, host_len);
    h[host_len] = '\0';
    uint16_t port;
    if (dp_port_parse(colon + 1, len - (size_t)(colon + 1 - text), &port) != TSS_OK) return TSS_ERR_ENCODING;
    if (dp_addr_from_string(out, h, port) != TSS_OK) return TSS_ERR_ENCODING;
    /* Brackets go with IPv6 only. */
    if ((host != text) != (out->u.sa.sa_family == AF_INET6)) {
        memset(out, 0, sizeof *out);
        return TSS_ERR_ENCODING;
    }
    return TSS_OK;
}

int dp_addr_parse(dp_addr *out, const char *text)
{
    return dp_addr_parse_n(out, text, text != NULL ? strlen(text) : 0);
}

char *dp_addr_format(char out[DP_ADDR_TEXT_MAX], const dp_addr *a)
{
    char ip[INET6_ADDRSTRLEN];
    if (a->len == sizeof a->u.in4 && a->u.sa.sa_family == AF_INET &&
        inet_ntop(AF_INET, &a->u.in4.sin_addr, ip, sizeof ip) != NULL)
        snprintf(out, DP_ADDR_TEXT_MAX, "%s:%u", ip, (unsigned)ntohs(a->u.in4.sin_port));
    else if (a->len == sizeof a->u.in6 && a->u.sa.sa_family == AF_INET6 &&
             inet_ntop(AF_INET6, &a->u.in6.sin6_addr, ip, sizeof ip) != NULL)
        snprintf(out, DP_ADDR_TEXT_MAX, "[%s]:%u", ip, (unsigned)ntohs(a->u.in6.sin6_port));
    else
        snprintf(out, DP_ADDR_TEXT_MAX, "?");
    return out;
}

int dp_addr_equal(const dp_addr *a, const dp_addr *b)
{
    if (a->u.sa.sa_family != b->u.sa.sa_family) return 0;
    if (a->u.sa.sa_family == AF_INET)
        return a->u.in4.sin_port == b->u.in4.sin_port && a->u.in4.sin_addr.s_addr == b->u.in4.sin_addr.s_addr;
    if (a->u.sa.sa_family == AF_INET6)
        return a->u.in6.sin6_port == b->u.in6.sin6_port &&
               memcmp(&a->u.in6.sin6_addr, &b->u.in6.sin6_addr, sizeof a->u.in6.sin6_addr) == 0;
    return 0;
}
