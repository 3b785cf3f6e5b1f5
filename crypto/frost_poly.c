/* Helpers of the FROST key generation protocols: commitment evaluation, subgroup check, Lagrange at x,
 * proof-of-knowledge challenge/check, sender index, scratch carving and culprit lists. */
#include <string.h>
#include <sodium.h>

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

/* Points gathered per lane call when the terms are not contiguous (frost_kg_exp_eval_all_vartime). */
#define GATHER 64

size_t frost_kg_exp_eval_scratch_size(size_t t)
{
    const size_t one = t * sizeof(sc25519) + msm_scratch_size(t) + 64;
    const size_t all = (3 * (t + 1) + 2 * GATHER) * sizeof(ge25519_p3) + 5 * 64;
    return one > all ? one : all;
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

/* ---- batched commitment decoding ---- */

#define DECODE_BATCH 64

int frost_kg_points_decode_vartime(const tss_ed25519_ops *ops, ge25519_p3 *out, const tss_frost_element *enc,
                                   size_t n)
{
    ge25519_p3 *outs[DECODE_BATCH];
    const uint8_t *encs[DECODE_BATCH];
    uint8_t ok[DECODE_BATCH];
    for (size_t base = 0; base < n; base += DECODE_BATCH) {
        const size_t cnt = n - base < DECODE_BATCH ? n - base : DECODE_BATCH;
        for (size_t i = 0; i < cnt; i++) {
            outs[i] = &out[base + i];
            encs[i] = enc[base + i].bytes;
        }
        ops->decode_zip215(outs, encs, cnt, ok);
        for (size_t i = 0; i < cnt; i++)
            if (!ok[i] || !strict_ok(outs[i], encs[i]))
                return -1;
    }
    return 0;
}

void frost_kg_decode_each_vartime(const tss_ed25519_ops *ops, ge25519_p3 *const out[], const uint8_t *const enc[],
                                  size_t n, uint8_t ok[])
{
    if (n == 0)
        return;
    ops->decode_zip215(out, enc, n, ok);
    for (size_t i = 0; i < n; i++)
        ok[i] = (uint8_t)(ok[i] && strict_ok(out[i], enc[i]));
}

/* ---- r = a x + c mod L, x small and public, a and c secret ---- */

__extension__ typedef unsigned __int128 u128;

/* L, and L - 2^252 (two limbs), little endian. */
static const uint64_t SC_L[4] = { 0x5812631a5cf5d3edULL, 0x14def9dea2f79cd6ULL, 0, 0x1000000000000000ULL };
static const uint64_t SC_C[2] = { 0x5812631a5cf5d3edULL, 0x14def9dea2f79cd6ULL };

void frost_kg_sc_muladd_small(sc25519 *r, const sc25519 *a, uint64_t x, const sc25519 *c)
{
    /* p = a x < 2^316 */
    uint64_t p[5];
    u128 acc = 0;
    for (int i = 0; i < 4; i++) {
        acc += (u128)a->v[i] * x;
        p[i] = (uint64_t)acc;
        acc >>= 64;
    }
    p[4] = (uint64_t)acc;
    /* p = lo + 2^252 hi with hi < 2^64; p = lo - hi (L - 2^252) mod L */
    const uint64_t hi = (p[3] >> 60) | (p[4] << 4);
    uint64_t lo[4] = { p[0], p[1], p[2], p[3] & 0x0fffffffffffffffULL };
    uint64_t hc[3];
    acc = (u128)hi * SC_C[0];
    hc[0] = (uint64_t)acc;
    acc = (acc >> 64) + (u128)hi * SC_C[1];
    hc[1] = (uint64_t)acc;
    hc[2] = (uint64_t)(acc >> 64);
    /* d = lo - hc in (-2^190, 2^252); add L once if negative: then 0 <= d < L */
    uint64_t d[4], borrow = 0;
    for (int i = 0; i < 4; i++) {
        const uint64_t s = i < 3 ? hc[i] : 0;
        const u128 diff = (u128)lo[i] - s - borrow;
        d[i] = (uint64_t)diff;
        borrow = (uint64_t)(diff >> 64) & 1;
    }
    uint64_t mask = 0 - borrow, carry = 0;
    for (int i = 0; i < 4; i++) {
        const u128 sum = (u128)d[i] + (SC_L[i] & mask) + carry;
        d[i] = (uint64_t)sum;
        carry = (uint64_t)(sum >> 64);
    }
    /* e = d + c < 2L < 2^254; subtract L unless that borrows */
    uint64_t e[4], f[4];
    carry = 0;
    for (int i = 0; i < 4; i++) {
        const u128 sum = (u128)d[i] + c->v[i] + carry;
        e[i] = (uint64_t)sum;
        carry = (uint64_t)(sum >> 64);
    }
    borrow = 0;
    for (int i = 0; i < 4; i++) {
        const u128 diff = (u128)e[i] - SC_L[i] - borrow;
        f[i] = (uint64_t)diff;
        borrow = (uint64_t)(diff >> 64) & 1;
    }
    mask = 0 - borrow;   /* all ones: e < L, keep e */
    for (int i = 0; i < 4; i++)
        r->v[i] = (e[i] & mask) | (f[i] & ~mask);
    sodium_memzero(p, sizeof p);
    sodium_memzero(lo, sizeof lo);
    sodium_memzero(d, sizeof d);
    sodium_memzero(e, sizeof e);
    sodium_memzero(f, sizeof f);
}

void frost_kg_poly_eval(sc25519 *out, const sc25519 *coeffs, size_t t, const sc25519 *x)
{
    if (x->v[1] | x->v[2] | x->v[3] || x->v[0] >> 63) {
        frost_poly_eval(out, coeffs, t, x);
        return;
    }
    const uint64_t xs = x->v[0];
    sc25519 acc;
    sc25519_zero(&acc);
    for (size_t k = t; k-- > 0;)
        frost_kg_sc_muladd_small(&acc, &acc, xs, &coeffs[k]);
    *out = acc;
    sodium_memzero(&acc, sizeof acc);
}

/* ---- forward differences over consecutive small identifiers ---- */

/* Below this many terms the lanes' gather/scatter costs more than it saves. */
#define LANES_MIN 4

void frost_kg_add_n(const tss_ed25519_ops *ops, ge25519_p3 *r, const ge25519_p3 *p, const ge25519_p3 *q, size_t n)
{
    if (ops != NULL && n >= LANES_MIN) {
        ops->ge_add_n(r, p, q, n);
        return;
    }
    for (size_t i = 0; i < n; i++)
        ge25519_add(&r[i], &p[i], &q[i]);
}

static void add_n(const tss_ed25519_ops *ops, ge25519_p3 *r, const ge25519_p3 *p, const ge25519_p3 *q, size_t n)
{
    frost_kg_add_n(ops, r, p, q, n);
}

static void dbl_n(const tss_ed25519_ops *ops, ge25519_p3 *r, size_t n)
{
    if (n >= LANES_MIN) {
        ops->ge_dbl_n(r, r, n);
        return;
    }
    for (size_t i = 0; i < n; i++)
        ge25519_dbl(&r[i], &r[i]);
}

static unsigned bit_length(size_t m)
{
    unsigned b = 0;
    while (m) {
        b++;
        m >>= 1;
    }
    return b;
}

/* R[m] <- [m] S[m] for m = 1..D (R and S indexed from 1), all lanes sharing one left-to-right schedule:
 * at bit i every m >= 2^(i+1) is doubled (a contiguous range), then those with bit i set get S[m] added
 * (runs of 2^i consecutive m, gathered when shorter than the lane batch). */
static void mul_by_index(const tss_ed25519_ops *ops, ge25519_p3 *R, const ge25519_p3 *S, size_t D,
                         ge25519_p3 *ga, ge25519_p3 *gb)
{
    size_t dst[GATHER];
    for (size_t m = 1; m <= D; m++)
        R[m] = S[m];
    const unsigned top = bit_length(D);
    for (unsigned i = top - 1; i-- > 0;) {
        const size_t lo = (size_t)1 << (i + 1), run = (size_t)1 << i;
        dbl_n(ops, &R[lo], D - lo + 1);
        size_t cnt = 0;
        for (size_t start = lo + run; start <= D; start += 2 * run) {
            const size_t len = start + run - 1 <= D ? run : D - start + 1;
            if (len >= GATHER / 4) {
                add_n(ops, &R[start], &R[start], &S[start], len);
                continue;
            }
            for (size_t j = 0; j < len; j++) {
                dst[cnt] = start + j;
                ga[cnt] = R[start + j];
                gb[cnt++] = S[start + j];
                if (cnt == GATHER) {
                    add_n(ops, ga, ga, gb, cnt);
                    for (size_t q = 0; q < cnt; q++)
                        R[dst[q]] = ga[q];
                    cnt = 0;
                }
            }
        }
        add_n(ops, ga, ga, gb, cnt);
        for (size_t q = 0; q < cnt; q++)
            R[dst[q]] = ga[q];
    }
}

size_t frost_kg_exp_eval_all_scratch_size(size_t t);
int frost_kg_exp_eval_all_vartime(const tss_ed25519_ops *ops, const ge25519_p3 *C, size_t t,
                                  const tss_frost_identifier *ids, size_t id_stride, size_t n, frost_kg_emit_fn emit,
                                  void *ctx, void *scratch, size_t scratch_len)
{
    if (n == 0 || t == 0)
        return 0;
    /* identifiers: ascending small integers, the largest within FROST_KG_STEP_MAX_FACTOR * n */
    const uint8_t *b = (const uint8_t *)ids;
    uint32_t prev = 0;
    for (size_t k = 0; k < n; k++) {
        sc25519 x;
        uint32_t xs;
        const tss_frost_identifier *id = (const tss_frost_identifier *)(const void *)(b + k * id_stride);
        if (frost_identifier_scalar(&x, id) != TSS_OK || !scalar_small(&xs, &x) || xs <= prev)
            return 0;
        prev = xs;
    }
    const size_t max = prev;
    if (max > (size_t)FROST_KG_STEP_MAX_FACTOR * n)
        return 0;

    size_t used = 0;
    ge25519_p3 *Q = frost_kg_carve(scratch, scratch_len, &used, (t + 1) * sizeof(ge25519_p3));
    ge25519_p3 *S = frost_kg_carve(scratch, scratch_len, &used, (t + 1) * sizeof(ge25519_p3));
    ge25519_p3 *E = frost_kg_carve(scratch, scratch_len, &used, (t + 1) * sizeof(ge25519_p3));
    ge25519_p3 *ga = frost_kg_carve(scratch, scratch_len, &used, GATHER * sizeof(ge25519_p3));
    ge25519_p3 *gb = frost_kg_carve(scratch, scratch_len, &used, GATHER * sizeof(ge25519_p3));
    if (Q == NULL || S == NULL || E == NULL || ga == NULL || gb == NULL)
        return -1;

    /* Horner in the binomial basis: Q(x) = sum_j Q[j] binom(x, j); Q <- x Q + C_k. */
    Q[0] = C[t - 1];
    for (size_t deg = 0, k = t - 1; k-- > 0; deg++) {
        /* x sum_j q_j binom(x, j) = sum_m m (q_m + q_(m-1)) binom(x, m), q_(deg+1) = 0 */
        add_n(ops, &S[1], &Q[1], &Q[0], deg);
        S[deg + 1] = Q[deg];
        mul_by_index(ops, Q, S, deg + 1, ga, gb);
        Q[0] = C[k];
    }

    /* Q[j] = Δ^j Y(0); step x -> x + 1: Δ^j Y(x + 1) = Δ^j Y(x) + Δ^(j+1) Y(x) (double-buffered). */
    ge25519_p3 *cur = Q, *next = E;
    next[t - 1] = cur[t - 1];
    size_t k = 0;
    for (size_t x = 1; x <= max && k < n; x++) {
        add_n(ops, next, cur, cur + 1, t - 1);
        ge25519_p3 *tmp = cur;
        cur = next;
        next = tmp;
        const tss_frost_identifier *id = (const tss_frost_identifier *)(const void *)(b + k * id_stride);
        sc25519 xk;
        uint32_t xs = 0;
        (void)frost_identifier_scalar(&xk, id);
        (void)scalar_small(&xs, &xk);
        if (xs == x) {
            emit(ctx, k, &cur[0]);
            k++;
        }
    }
    return 1;
}
