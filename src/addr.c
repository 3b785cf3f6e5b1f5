#include "src/addr.h"

#include "tss/common.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

int tss_port_parse(const char *text, size_t len, uint16_t *out)
{
    if (text == NULL || out == NULL || len == 0 || len > 5)
        return TSS_ERR_ENCODING;
    unsigned long port = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] < '0' || text[i] > '9')
            return TSS_ERR_ENCODING;
        port = port * 10 + (unsigned long)(text[i] - '0');
    }
    if (port == 0 || port > 65535)
        return TSS_ERR_ENCODING;
    *out = (uint16_t)port;
    return TSS_OK;
}

int tss_addr_parse(struct sockaddr_in *out, const char *text)
{
    if (out == NULL)
        return TSS_ERR_INVALID_ARG;
    memset(out, 0, sizeof *out);
    if (text == NULL)
        return TSS_ERR_INVALID_ARG;
    const char *colon = strrchr(text, ':');
    if (colon == NULL || colon == text || (size_t)(colon - text) >= INET_ADDRSTRLEN)
        return TSS_ERR_ENCODING;
    char ip[INET_ADDRSTRLEN];
    memcpy(ip, text, (size_t)(colon - text));
    ip[colon - text] = '\0';
    struct in_addr in;
    if (inet_pton(AF_INET, ip, &in) != 1)
        return TSS_ERR_ENCODING;
    uint16_t port;
    if (tss_port_parse(colon + 1, strlen(colon + 1), &port) != TSS_OK)
        return TSS_ERR_ENCODING;
    out->sin_family = AF_INET;
    out->sin_addr = in;
    out->sin_port = htons(port);
    return TSS_OK;
}

char *tss_addr_format(char out[TSS_ADDR_TEXT_MAX], const struct sockaddr_in *addr)
{
    char ip[INET_ADDRSTRLEN];
    if (inet_ntop(AF_INET, &addr->sin_addr, ip, sizeof ip) == NULL)
        strcpy(ip, "?");
    snprintf(out, TSS_ADDR_TEXT_MAX, "%s:%u", ip, (unsigned)ntohs(addr->sin_port));
    return out;
}

int tss_addr_equal(const struct sockaddr_in *a, const struct sockaddr_in *b)
{
    return a->sin_family == b->sin_family && a->sin_addr.s_addr == b->sin_addr.s_addr && a->sin_port == b->sin_port;
}
