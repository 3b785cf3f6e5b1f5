/* Endpoints in the node config, "a.b.c.d:port" (the config holds IPv4 struct sockaddr_in today). Parsing
 * and formatting are dataplane/addr.h's, the one address parser of the tree; these adapt it. */
#ifndef TSS_SRC_ADDR_H
#define TSS_SRC_ADDR_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "dataplane/addr.h"

#define TSS_ADDR_TEXT_MAX 22 /* "255.255.255.255:65535" and the terminator */

/* Strict parse (dp_addr_parse) of an IPv4 endpoint. TSS_OK, TSS_ERR_INVALID_ARG (NULL) or
 * TSS_ERR_ENCODING (out zeroed; an IPv6 endpoint too, which the config cannot hold yet). */
int tss_addr_parse(struct sockaddr_in *out, const char *text);

/* Writes "a.b.c.d:port" into out (at least TSS_ADDR_TEXT_MAX bytes); returns out. */
char *tss_addr_format(char out[TSS_ADDR_TEXT_MAX], const struct sockaddr_in *addr);

/* 1 if the two endpoints have the same address and port. */
int tss_addr_equal(const struct sockaddr_in *a, const struct sockaddr_in *b);

#endif
