/* Endpoints: the one parser and formatter of addresses in the tree (the node config, peer tables, the API
 * bind address and the HTTP client all go through it). IPv4 "a.b.c.d:port" and IPv6 "[v6]:port", numeric
 * hosts only (no name resolution), strict: nothing before or after, decimal port 1..65535 without sign or
 * spaces. */
#ifndef TSS_DATAPLANE_ADDR_H
#define TSS_DATAPLANE_ADDR_H

#include <stddef.h>
#include <stdint.h>

#include "dataplane/pkt.h"

#ifdef __cplusplus
extern "C" {
#endif

/* "[" v6 (45) "]:" port (5) and the terminator. */
#define DP_ADDR_TEXT_MAX 54

/* Fills out from a numeric host (IPv4 or IPv6, no brackets) and a port (0 allowed: ephemeral).
 * TSS_OK or TSS_ERR_INVALID_ARG (out zeroed). */
int dp_addr_from_string(dp_addr *out, const char *host, uint16_t port);

/* Strict decimal port: 1..5 digits, value 1..65535, nothing else. len: the characters of text to read.
 * TSS_OK or TSS_ERR_ENCODING (*out untouched). */
int dp_port_parse(const char *text, size_t len, uint16_t *out);

/* "a.b.c.d:port" or "[v6]:port", the first len characters of text. TSS_OK, TSS_ERR_INVALID_ARG (NULL) or
 * TSS_ERR_ENCODING (out zeroed). */
int dp_addr_parse_n(dp_addr *out, const char *text, size_t len);
/* The same for a NUL-terminated text. */
int dp_addr_parse(dp_addr *out, const char *text);

/* Writes "a.b.c.d:port" or "[v6]:port" (or "?" for an unset address); returns out. */
char *dp_addr_format(char out[DP_ADDR_TEXT_MAX], const dp_addr *a);

/* 1 if both have the same family (IPv4 or IPv6), address and port. */
int dp_addr_equal(const dp_addr *a, const dp_addr *b);

#ifdef __cplusplus
}
#endif
#endif
