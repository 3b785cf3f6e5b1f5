/* secp256k1 point helpers over libsecp256k1 (see ecdsa_point.h). */
#include "crypto/ecdsa_point.h"

#include <string.h>
#include <sodium.h>
#include <secp256k1_preallocated.h>

int k1_ctx_open(k1_ctx *c)
{
    if (secp256k1_context_preallocated_size(SECP256K1_CONTEXT_NONE) > sizeof c->mem) return -1;
    c->ctx = secp256k1_context_preallocated_create(c->mem, SECP256K1_CONTEXT_NONE);
    return c->ctx ? 0 : -1;
}

void k1_ctx_close(k1_ctx *c)
{
    if (c->ctx) secp256k1_context_preallocated_destroy(c->ctx);
    c->ctx = NULL;
}

int k1_point_parse(const k1_ctx *c, secp256k1_pubkey *out, const uint8_t p[33])
{
    if (p[0] != 0x02 && p[0] != 0x03) return -1;
    return secp256k1_ec_pubkey_parse(c->ctx, out, p, 33) ? 0 : -1;
}

int k1_point_check(const k1_ctx *c, const uint8_t p[33])
{
    secp256k1_pubkey pk;
    return k1_point_parse(c, &pk, p);
}

void k1_point_ser(const k1_ctx *c, uint8_t out[33], const secp256k1_pubkey *p)
{
    size_t len = 33;
    secp256k1_ec_pubkey_serialize(c->ctx, out, &len, p, SECP256K1_EC_COMPRESSED);
}

int k1_point_mul_base(const k1_ctx *c, uint8_t out[33], const k1_scalar *k)
{
    uint8_t kb[32];
    secp256k1_pubkey pk;
    k1_scalar_to_bytes(kb, k);
    int ok = secp256k1_ec_pubkey_create(c->ctx, &pk, kb);
    sodium_memzero(kb, sizeof kb);
    if (!ok) return -1;
    k1_point_ser(c, out, &pk);
    return 0;
}

int k1_point_mul(const k1_ctx *c, uint8_t out[33], const uint8_t p[33], const k1_scalar *k)
{
    uint8_t kb[32];
    secp256k1_pubkey pk;
    if (k1_point_parse(c, &pk, p) != 0) return -1;
    k1_scalar_to_bytes(kb, k);
    int ok = secp256k1_ec_pubkey_tweak_mul(c->ctx, &pk, kb);
    sodium_memzero(kb, sizeof kb);
    if (!ok) return -1;
    k1_point_ser(c, out, &pk);
    return 0;
}

int k1_point_sum(const k1_ctx *c, uint8_t out[33], const uint8_t (*pts)[33], size_t n)
{
    enum { CHUNK = 16 };
    secp256k1_pubkey pk[CHUNK + 1];
    const secp256k1_pubkey *ptrs[CHUNK + 1];
    secp256k1_pubkey acc;
    int have = 0;
    if (n == 0) return -1;
    /* Partial sums may be the identity only by chance (public inputs): chunks keep the stack bounded. */
    for (size_t base = 0; base < n; base += CHUNK) {
        size_t m = n - base < CHUNK ? n - base : CHUNK, k = 0;
        if (have) { pk[k] = acc; ptrs[k] = &pk[k]; k++; }
        for (size_t i = 0; i < m; i++, k++) {
            if (k1_point_parse(c, &pk[k], pts[base + i]) != 0) return -1;
            ptrs[k] = &pk[k];
        }
        if (k == 1) acc = pk[0];
        else if (!secp256k1_ec_pubkey_combine(c->ctx, &acc, ptrs, k)) return -1;
        have = 1;
    }
    k1_point_ser(c, out, &acc);
    return 0;
}

int k1_point_add(const k1_ctx *c, uint8_t out[33], const uint8_t a[33], const uint8_t b[33])
{
    uint8_t two[2][33];
    memcpy(two[0], a, 33);
    memcpy(two[1], b, 33);
    return k1_point_sum(c, out, (const uint8_t (*)[33])two, 2);
}

int k1_point_sub(const k1_ctx *c, uint8_t out[33], const uint8_t a[33], const uint8_t b[33])
{
    uint8_t nb[33];
    memcpy(nb, b, 33);
    if (nb[0] != 0x02 && nb[0] != 0x03) return -1;
    nb[0] ^= 0x01; /* -P flips the y parity of a compressed point */
    return k1_point_add(c, out, a, nb);
}

int k1_point_eq(const uint8_t a[33], const uint8_t b[33])
{
    return memcmp(a, b, 33) == 0;
}

int k1_point_poly_eval(const k1_ctx *c, uint8_t out[33], const uint8_t (*coeffs)[33], uint32_t t, uint32_t x)
{
    uint8_t acc[33];
    k1_scalar xs;
    if (t == 0) return -1;
    k1_scalar_from_u64(&xs, x);
    memcpy(acc, coeffs[t - 1], 33);
    for (uint32_t k = t - 1; k-- > 0;) {
        if (k1_point_mul(c, acc, acc, &xs) != 0) return -1;
        if (k1_point_add(c, acc, acc, coeffs[k]) != 0) return -1;
    }
    memcpy(out, acc, 33);
    return 0;
}

int k1_pub_mul_base(const k1_ctx *c, secp256k1_pubkey *out, const k1_scalar *k)
{
    uint8_t kb[32];
    k1_scalar_to_bytes(kb, k);
    int ok = secp256k1_ec_pubkey_create(c->ctx, out, kb);
    sodium_memzero(kb, sizeof kb);
    return ok ? 0 : -1;
}

int k1_pub_mul(const k1_ctx *c, secp256k1_pubkey *out, const secp256k1_pubkey *p, const k1_scalar *k)
{
    uint8_t kb[32];
    *out = *p;
    k1_scalar_to_bytes(kb, k);
    int ok = secp256k1_ec_pubkey_tweak_mul(c->ctx, out, kb);
    sodium_memzero(kb, sizeof kb);
    return ok ? 0 : -1;
}

int k1_pub_add(const k1_ctx *c, secp256k1_pubkey *out, const secp256k1_pubkey *a, const secp256k1_pubkey *b)
{
    const secp256k1_pubkey *ptrs[2] = {a, b};
    return secp256k1_ec_pubkey_combine(c->ctx, out, ptrs, 2) ? 0 : -1;
}
