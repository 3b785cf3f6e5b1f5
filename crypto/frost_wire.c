/* Byte-level helpers of the versioned binary encodings (crypto/frost_wire.h). */
#include <string.h>

#include "crypto/frost_internal.h"
#include "crypto/frost_wire.h"
#include "util/bytes.h"

int frost_wire_begin_write(uint8_t *out, size_t out_cap, size_t need, size_t *out_len, uint8_t tag)
{
    if (out == NULL || out_len == NULL)
        return TSS_ERR_INVALID_ARG;
    if (out_cap < need)
        return TSS_ERR_CAPACITY;
    out[0] = TSS_FROST_VERSION;
    out[1] = tag;
    *out_len = need;
    return TSS_OK;
}

int frost_wire_check_header(const uint8_t *in, size_t in_len, size_t min_len, uint8_t tag)
{
    if (in == NULL)
        return TSS_ERR_INVALID_ARG;
    if (in_len < min_len || in[0] != TSS_FROST_VERSION || in[1] != tag)
        return TSS_ERR_ENCODING;
    return TSS_OK;
}

int frost_wire_read_identifier(tss_frost_identifier *id, const uint8_t *p)
{
    memcpy(id->bytes, p, 32);
    return tss_frost_identifier_validate(id) == TSS_OK ? TSS_OK : TSS_ERR_ENCODING;
}

int frost_wire_read_point(uint8_t dst[32], const uint8_t *p)
{
    ge25519_p3 P;
    if (frost_point_decode(&P, p) != TSS_OK)
        return TSS_ERR_ENCODING;
    memcpy(dst, p, 32);
    return TSS_OK;
}
