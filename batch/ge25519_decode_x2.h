/* Two-at-a-time point decompression for batch verification. */
#ifndef TSS_GE25519_DECODE_X2_H
#define TSS_GE25519_DECODE_X2_H

#include <stdint.h>
#include "crypto/ge25519.h"

/* Decodes s0 into h0 and s1 into h1 exactly as ge25519_frombytes_zip215 does, with the two square-root
 * exponentiations interleaved so that their latency-bound squaring chains overlap. Returns a bit mask:
 * bit 0 set iff s0 decoded, bit 1 set iff s1 decoded (a failed h is left unspecified). Variable time
 * only in which inputs fail; meant for public encodings. */
unsigned ge25519_frombytes_zip215_x2(ge25519_p3 *h0, const uint8_t s0[32], ge25519_p3 *h1, const uint8_t s1[32]);

#endif
