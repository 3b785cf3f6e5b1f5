/* Byte-level helpers of the versioned binary encodings (2-byte header: TSS_FROST_VERSION, tag), shared by
 * frost_serialize.c and frost_keygen_codec.c; internal. */
#ifndef TSS_FROST_WIRE_H
#define TSS_FROST_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include "tss/frost.h"
#include "util/bytes.h" /* counts are little-endian u32: tss_load_le32 / tss_store_le32 */

/* Checks the output buffer holds need bytes, writes the header and sets *out_len = need:
 * TSS_OK, TSS_ERR_INVALID_ARG (NULL out/out_len) or TSS_ERR_CAPACITY. */
int frost_wire_begin_write(uint8_t *out, size_t out_cap, size_t need, size_t *out_len, uint8_t tag);
/* At least min_len bytes starting with this version and tag: TSS_OK, TSS_ERR_INVALID_ARG (NULL in) or
 * TSS_ERR_ENCODING. */
int frost_wire_check_header(const uint8_t *in, size_t in_len, size_t min_len, uint8_t tag);

/* Copies a canonical nonzero identifier: TSS_OK or TSS_ERR_ENCODING. */
int frost_wire_read_identifier(tss_frost_identifier *id, const uint8_t *p);
/* Copies a canonical prime-order non-identity point (frost_point_decode): TSS_OK or TSS_ERR_ENCODING. */
int frost_wire_read_point(uint8_t dst[32], const uint8_t *p);

#endif
