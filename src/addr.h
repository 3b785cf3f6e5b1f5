/* IPv4 endpoints in their text form "a.b.c.d:port" (as in the node config). */
#ifndef TSS_SRC_ADDR_H
#define TSS_SRC_ADDR_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#define TSS_ADDR_TEXT_MAX 22 /* "255.255.255.255:65535" and the terminator */

/* Strict parse: dotted-quad IPv4, ':', decimal port 1..65535, nothing else.
 * TSS_OK or TSS_ERR_ENCODING (out zeroed). */
int tss_addr_parse(struct sockaddr_in *out, const char *text);

/* Strict decimal port: 1..5 digits, value 1..65535, nothing else (no sign, no spaces).
 * TSS_OK or TSS_ERR_ENCODING (*out untouched). len is the number of characters of text to read. */
int tss_port_parse(const char *text, size_t len, uint16_t *out);

/* Writes "a.b.c.d:port" into out (at least TSS_ADDR_TEXT_MAX bytes); returns out. */
char *tss_addr_format(char out[TSS_ADDR_TEXT_MAX], const struct sockaddr_in *addr);

/* 1 if the two endpoints have the same address and port. */
int tss_addr_equal(const struct sockaddr_in *a, const struct sockaddr_in *b);

#endif
