/* Helpers of the FROST key generation protocols: commitment evaluation, subgroup check, Lagrange at x,
 * proof-of-knowledge challenge/check, sender index, scratch carving and culprit lists. */
#include <string.h>

#include "batch/ge25519_decode_x2.h"
#include "batch/msm.h"
#include "crypto/fe25519.h"
#include "crypto/frost_internal.h"
#include "crypto/frost_poly.h"

/* L - 1, little endian: [L-1]p == -p exactly when p lies in the prime-order subgroup. */
static const uint8_t L_MINUS_1_BYTES[32] = {
    0xec, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
};

size_t frost_kg_exp_eval_scratch_size(size_t t)
{
    return t * sizeof(sc25519) + msm_scratch_size(t) + 64;
}

/* r = [x]p for 1 <= x < 2^32 by left-to-right binary double-and-add (public data). */
static void mul_small_vartime(ge25519_p3 *r, const ge25519_p3 *p, uint32_t x)
{
    if (x == 1) {
        *r = *p;
        return;
    }
    ge25519_cached pc;
    ge25519_p2 q;
    ge25519_p1p1 t;
    ge25519_p3 u;
    int top = 31;
    while (!((x >> top) & 1u))
        top--;
    ge25519_p3_to_cached(&pc, p);
    ge25519_p3_to_p2(&q, p);
    for (int i = top - 1; i >= 0; i--) {
        ge25519_p2_dbl(&t, &q);
        if ((x >> i) & 1u) {
            ge25519_p1p1_to_p3(&u, &t);
            ge25519_add_cached(&t, &u, &pc);
        }
        if (i > 0)
            ge25519_p1p1_to_p2(&q, &t);
    }
    ge25519_p1p1_to_p3(r, &t);
}

static int scalar_small(uint32_t *small, const sc25519 *x)
{
    if (x->v[1] | x->v[2] | x->v[3] || x->v[0] >> 32)
        return 0;
    *small = (uint32_t)x->v[0];
    return 1;
}

int frost_kg_exp_eval_vartime(ge25519_p3 *r, const ge25519_p3 *C, size_t t, const sc25519 *x,
                              void *scratch, size_t scratch_len)
{
    uint32_t xs;
    if (scalar_small(&xs, x) && xs != 0) {
        ge25519_p3 acc = C[t - 1];
        for (size_t k = t - 1; k-- > 0;) {
            ge25519_cached ck;
            ge25519_p1p1 s;
            mul_small_vartime(&acc, &acc, xs);
            ge25519_p3_to_cached(&ck, &C[k]);
            ge25519_add_cached(&s, &acc, &ck);
            ge25519_p1p1_to_p3(&acc, &s);
        }
        *r = acc;
        return 0;
    }
    size_t used = 0;
    sc25519 *powers = frost_kg_carve(scratch, scratch_len, &used, t * sizeof(sc25519));
    if (powers == NULL)
        return -1;
    sc25519_one(&powers[0]);
    for (size_t k = 1; k < t; k++)
        sc25519_mul(&powers[k], &powers[k - 1], x);
    uint8_t *ms = frost_kg_carve(scratch, scratch_len, &used, 0);
    if (ms == NULL)
        return -1;
    return msm_vartime(r, powers, C, t, ms, scratch_len - (size_t)(ms - (uint8_t *)scratch));
}

/* y < p, read from the encoding (bit 255 is the sign of x). */
static int y_canonical(const uint8_t s[32])
{
    if ((s[31] & 0x7f) != 0x7f)
        return 1;
    for (int i = 30; i >= 1; i--)
        if (s[i] != 0xff)
            return 1;
    return s[0] < 0xed;
}

/* What frost_point_decode_fast adds to a ZIP-215 decoding: canonical y, no negative zero, not the identity. */
static int strict_ok(const ge25519_p3 *p, const uint8_t s[32])
{
    return y_canonical(s) && !((s[31] >> 7) && fe25519_iszero(&p->X)) && !ge25519_is_identity(p);
}

unsigned frost_kg_point_decode_fast_x2(ge25519_p3 *p0, const uint8_t s0[32], ge25519_p3 *p1, const uint8_t s1[32])
{
    unsigned m = ge25519_frombytes_zip215_x2(p0, s0, p1, s1);
    if ((m & 1u) && !strict_ok(p0, s0))
        m &= ~1u;
    if ((m & 2u) && !strict_ok(p1, s1))
        m &= ~2u;
    return m;
}

int frost_kg_is_torsion_free_vartime(const ge25519_p3 *p)
{
    sc25519 lm1;
    ge25519_p3 q, neg;
    sc25519_from_bytes_canonical(&lm1, L_MINUS_1_BYTES);
    ge25519_scalarmult_vartime(&q, &lm1, p);
    ge25519_neg(&neg, p);
    return ge25519_eq(&q, &neg);
}

int frost_kg_lagrange_at(sc25519 *r, const sc25519 *xs, size_t n, size_t i, const sc25519 *x)
{
    sc25519 num, den, d, inv;
    sc25519_one(&num);
    sc25519_one(&den);
    for (size_t j = 0; j < n; j++) {
        if (j == i)
            continue;
        sc25519_sub(&d, x, &xs[j]);
        sc25519_mul(&num, &num, &d);
        sc25519_sub(&d, &xs[i], &xs[j]);
        if (sc25519_is_zero(&d))
            return TSS_ERR_DUPLICATE;
        sc25519_mul(&den, &den, &d);
    }
    sc25519_invert(&inv, &den);
    sc25519_mul(r, &num, &inv);
    return TSS_OK;
}

void frost_kg_pok_challenge(sc25519 *c, const uint8_t id[32], const uint8_t phi0[32], const uint8_t R[32])
{
    uint8_t pre[96];
    memcpy(pre, id, 32);
    memcpy(pre + 32, phi0, 32);
    memcpy(pre + 64, R, 32);
    frost_hdkg(c, pre, sizeof pre);
}

int frost_kg_pok_check_vartime(const ge25519_p3 *R, const ge25519_p3 *phi0, const sc25519 *c, const sc25519 *mu)
{
    sc25519 negc;
    ge25519_p3 v;
    sc25519_neg(&negc, c);
    ge25519_double_scalarmult_base_vartime(&v, &negc, phi0, mu);
    ge25519_sub(&v, &v, R);
    ge25519_mul_by_cofactor(&v, &v);
    return ge25519_is_identity(&v);
}

int frost_kg_index_build(frost_kg_index *idx, const void *base, size_t stride, size_t n)
{
    if (n == 0)
        return TSS_OK;
    const uint8_t *b = base;
    for (size_t k = 0; k < n; k++) {
        memcpy(&idx[k].id, b + k * stride, sizeof(tss_frost_identifier));
        idx[k].idx = (uint32_t)k;
    }
    frost_sort_by_id(idx, n, sizeof(frost_kg_index), offsetof(frost_kg_index, id));
    return frost_check_sorted_ids(&idx[0].id, sizeof(frost_kg_index), n);
}

void *frost_kg_carve(uint8_t *scratch, size_t cap, size_t *used, size_t bytes)
{
    uintptr_t base = (uintptr_t)scratch;
    uintptr_t p = (base + *used + 63) & ~(uintptr_t)63;
    size_t off = (size_t)(p - base);
    if (scratch == NULL || off > cap || bytes > cap - off)
        return NULL;
    *used = off + bytes;
    return (void *)p;
}

void frost_kg_culprit_add(tss_frost_identifier *culprits, size_t cap, size_t *count, const tss_frost_identifier *id)
{
    if (culprits != NULL && *count < cap)
        culprits[*count] = *id;
    (*count)++;
}
