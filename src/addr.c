/* The config's IPv4 endpoints over dataplane/addr.c. */
#include "src/addr.h"

#include <stdio.h>
#include <string.h>

#include "tss/common.h"

static dp_addr from_in4(const struct sockaddr_in *a)
{
    dp_addr d;
    memset(&d, 0, sizeof d);
    d.u.in4 = *a;
    d.u.in4.sin_family = AF_INET;
    d.len = sizeof d.u.in4;
    return d;
}

int tss_addr_parse(struct sockaddr_in *out, const char *text)
{
    if (out == NULL) return TSS_ERR_INVALID_ARG;
    memset(out, 0, sizeof *out);
    dp_addr a;
    int rc = dp_addr_parse(&a, text);
    if (rc != TSS_OK) return rc;
    if (a.u.sa.sa_family != AF_INET) return TSS_ERR_ENCODING;
    *out = a.u.in4;
    return TSS_OK;
}

char *tss_addr_format(char out[TSS_ADDR_TEXT_MAX], const struct sockaddr_in *addr)
{
    char text[DP_ADDR_TEXT_MAX];
    dp_addr a = from_in4(addr);
    snprintf(out, TSS_ADDR_TEXT_MAX, "%s", dp_addr_format(text, &a));
    return out;
}

int tss_addr_equal(const struct sockaddr_in *a, const struct sockaddr_in *b)
{
    dp_addr x = from_in4(a), y = from_in4(b);
    return a->sin_family == b->sin_family && dp_addr_equal(&x, &y);
}
