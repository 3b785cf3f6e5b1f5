/* Group and scalar decoding with frost-core's rules, and a bounded-scratch MSM for public data. */
#include <string.h>

#include "batch/msm.h"
#include "crypto/frost_internal.h"

/* L - 1, little endian: [L-1]P == -P exactly when P has prime order L (or is the identity). */
static const uint8_t L_MINUS_1[32] = {
    0xec, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
};

int frost_point_decode_fast(ge25519_p3 *p, const uint8_t s[32])
{
    if (ge25519_frombytes_canonical(p, s) != 0)
        return TSS_ERR_ENCODING;
    if (ge25519_is_identity(p))
        return TSS_ERR_ENCODING;
    return TSS_OK;
}

int frost_point_decode(ge25519_p3 *p, const uint8_t s[32])
{
    int rc = frost_point_decode_fast(p, s);
    if (rc != TSS_OK)
        return rc;
    sc25519 lm1;
    ge25519_p3 q, neg;
    sc25519_from_bytes_canonical(&lm1, L_MINUS_1);
    ge25519_scalarmult_vartime(&q, &lm1, p);
    ge25519_neg(&neg, p);
    if (!ge25519_eq(&q, &neg))
        return TSS_ERR_ENCODING;
    return TSS_OK;
}

int frost_scalar_decode(sc25519 *s, const uint8_t b[32])
{
    return sc25519_from_bytes_canonical(s, b) == 0 ? TSS_OK : TSS_ERR_ENCODING;
}

/* Stack scratch for one MSM chunk; the chunk shrinks until its scratch (msm_scratch_size: the selected
 * vector backend's when there is one) fits. 96 KB holds the vector Straus tables of 32 terms, the chunk
 * frost_group_commitment passes; with the former 24 KB only the portable code fitted. */
#define FROST_MSM_SCRATCH_BYTES (96u * 1024u)
#define FROST_MSM_MAX_CHUNK 64

void frost_msm_vartime(ge25519_p3 *r, const sc25519 *scalars, const ge25519_p3 *points, size_t n)
{
    _Alignas(64) uint8_t scratch[FROST_MSM_SCRATCH_BYTES];
    size_t chunk = n < FROST_MSM_MAX_CHUNK ? n : FROST_MSM_MAX_CHUNK;
    while (chunk > 1 && msm_scratch_size(chunk) > sizeof scratch)
        chunk /= 2;
    ge25519_identity(r);
    for (size_t off = 0; off < n; off += chunk) {
        size_t m = n - off < chunk ? n - off : chunk;
        ge25519_p3 part;
        if (msm_vartime(&part, scalars + off, points + off, m, scratch, sizeof scratch) != 0) {
            /* Scratch too small even for this chunk: one term at a time. */
            ge25519_identity(&part);
            for (size_t i = 0; i < m; i++) {
                ge25519_p3 t;
                ge25519_scalarmult_vartime(&t, &scalars[off + i], &points[off + i]);
                ge25519_add(&part, &part, &t);
            }
        }
        ge25519_add(r, r, &part);
    }
}
