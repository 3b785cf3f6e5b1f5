/* The edwards25519 group (a = -1, d = -121665/121666) in extended coordinates.
 * Addition and doubling use the Hisil-Wong-Carter-Dawson formulas, complete on this curve, so no input
 * (identity, torsion points, P = Q) needs a special case. This file must not use the generated base tables:
 * the table generator links it. */
#include "crypto/ge25519.h"

#include <string.h>
#include <sodium.h>

/* B = (x, 4/5) with x even. */
static const ge25519_p3 ge25519_basepoint = {
    { { 0x62d608f25d51aULL, 0x412a4b4f6592aULL, 0x75b7171a4b31dULL, 0x1ff60527118feULL, 0x216936d3cd6e5ULL } },
    { { 0x6666666666658ULL, 0x4ccccccccccccULL, 0x1999999999999ULL, 0x3333333333333ULL, 0x6666666666666ULL } },
    { { 1, 0, 0, 0, 0 } },
    { { 0x68ab3a5b7dda3ULL, 0x00eea2a5eadbbULL, 0x2af8df483c27eULL, 0x332b375274732ULL, 0x67875f0fd78b7ULL } },
};

void ge25519_base(ge25519_p3 *h)
{
    *h = ge25519_basepoint;
}

void ge25519_identity(ge25519_p3 *h)
{
    fe25519_0(&h->X);
    fe25519_1(&h->Y);
    fe25519_1(&h->Z);
    fe25519_0(&h->T);
}

static int ge25519_frombytes_impl(ge25519_p3 *h, const uint8_t s[32], int canonical)
{
    fe25519 x, y, yy, u, v, one, neg_x;
    uint8_t y_bytes[32];
    fe25519_frombytes(&y, s);
    fe25519_1(&one);
    fe25519_sq(&yy, &y);
    fe25519_sub(&u, &yy, &one);             /* y^2 - 1 */
    fe25519_mul(&v, &yy, &fe25519_d);
    fe25519_add(&v, &v, &one);              /* d y^2 + 1, never 0 since -1/d is not a square */
    if (!fe25519_sqrt_ratio(&x, &u, &v)) {
        return -1;
    }
    const unsigned int sign = s[31] >> 7;
    if (canonical) {
        fe25519_tobytes(y_bytes, &y);
        y_bytes[31] |= (uint8_t)(sign << 7);
        if (memcmp(y_bytes, s, 32) != 0) {  /* y >= p */
            return -1;
        }
        if (sign && fe25519_iszero(&x)) {   /* "negative zero" */
            return -1;
        }
    }
    /* sqrt_ratio returns the non-negative root; for x = 0 both signs give x = 0 (ZIP-215). */
    fe25519_neg(&neg_x, &x);
    fe25519_cmov(&x, &neg_x, sign);
    h->X = x;
    h->Y = y;
    fe25519_1(&h->Z);
    fe25519_mul(&h->T, &x, &y);
    return 0;
}

int ge25519_frombytes_zip215(ge25519_p3 *h, const uint8_t s[32])
{
    return ge25519_frombytes_impl(h, s, 0);
}

int ge25519_frombytes_canonical(ge25519_p3 *h, const uint8_t s[32])
{
    return ge25519_frombytes_impl(h, s, 1);
}

void ge25519_tobytes(uint8_t s[32], const ge25519_p3 *h)
{
    fe25519 recip, x, y;
    fe25519_invert(&recip, &h->Z);
    fe25519_mul(&x, &h->X, &recip);
    fe25519_mul(&y, &h->Y, &recip);
    fe25519_tobytes(s, &y);
    s[31] ^= (uint8_t)(fe25519_isnegative(&x) << 7);
}

void ge25519_p3_to_cached(ge25519_cached *r, const ge25519_p3 *p)
{
    fe25519_add(&r->YplusX, &p->Y, &p->X);
    fe25519_sub(&r->YminusX, &p->Y, &p->X);
    r->Z = p->Z;
    fe25519_mul(&r->T2d, &p->T, &fe25519_d2);
}

void ge25519_p3_to_p2(ge25519_p2 *r, const ge25519_p3 *p)
{
    r->X = p->X;
    r->Y = p->Y;
    r->Z = p->Z;
}

void ge25519_p1p1_to_p2(ge25519_p2 *r, const ge25519_p1p1 *p)
{
    fe25519_mul(&r->X, &p->X, &p->T);
    fe25519_mul(&r->Y, &p->Y, &p->Z);
    fe25519_mul(&r->Z, &p->Z, &p->T);
}

void ge25519_p1p1_to_p3(ge25519_p3 *r, const ge25519_p1p1 *p)
{
    fe25519_mul(&r->X, &p->X, &p->T);
    fe25519_mul(&r->Y, &p->Y, &p->Z);
    fe25519_mul(&r->Z, &p->Z, &p->T);
    fe25519_mul(&r->T, &p->X, &p->Y);
}

/* dbl-2008-hwcd with a = -1 */
void ge25519_p2_dbl(ge25519_p1p1 *r, const ge25519_p2 *p)
{
    fe25519 t0;
    fe25519_sq(&r->X, &p->X);           /* XX */
    fe25519_sq(&r->Z, &p->Y);           /* YY */
    fe25519_sq2(&r->T, &p->Z);          /* 2 ZZ */
    fe25519_add(&r->Y, &p->X, &p->Y);
    fe25519_sq(&t0, &r->Y);             /* (X + Y)^2 */
    fe25519_add(&r->Y, &r->Z, &r->X);   /* YY + XX */
    fe25519_sub(&r->Z, &r->Z, &r->X);   /* YY - XX */
    fe25519_sub(&r->X, &t0, &r->Y);     /* 2XY */
    fe25519_sub(&r->T, &r->T, &r->Z);
}

/* add-2008-hwcd-3 with a = -1 */
void ge25519_add_cached(ge25519_p1p1 *r, const ge25519_p3 *p, const ge25519_cached *q)
{
    fe25519 t0;
    fe25519_add(&r->X, &p->Y, &p->X);
    fe25519_sub(&r->Y, &p->Y, &p->X);
    fe25519_mul(&r->Z, &r->X, &q->YplusX);
    fe25519_mul(&r->Y, &r->Y, &q->YminusX);
    fe25519_mul(&r->T, &q->T2d, &p->T);
    fe25519_mul(&r->X, &p->Z, &q->Z);
    fe25519_add(&t0, &r->X, &r->X);
    fe25519_sub(&r->X, &r->Z, &r->Y);
    fe25519_add(&r->Y, &r->Z, &r->Y);
    fe25519_add(&r->Z, &t0, &r->T);
    fe25519_sub(&r->T, &t0, &r->T);
}

void ge25519_sub_cached(ge25519_p1p1 *r, const ge25519_p3 *p, const ge25519_cached *q)
{
    fe25519 t0;
    fe25519_add(&r->X, &p->Y, &p->X);
    fe25519_sub(&r->Y, &p->Y, &p->X);
    fe25519_mul(&r->Z, &r->X, &q->YminusX);
    fe25519_mul(&r->Y, &r->Y, &q->YplusX);
    fe25519_mul(&r->T, &q->T2d, &p->T);
    fe25519_mul(&r->X, &p->Z, &q->Z);
    fe25519_add(&t0, &r->X, &r->X);
    fe25519_sub(&r->X, &r->Z, &r->Y);
    fe25519_add(&r->Y, &r->Z, &r->Y);
    fe25519_sub(&r->Z, &t0, &r->T);
    fe25519_add(&r->T, &t0, &r->T);
}

/* madd: q is affine (Z = 1), saving a multiplication */
void ge25519_add_precomp(ge25519_p1p1 *r, const ge25519_p3 *p, const ge25519_precomp *q)
{
    fe25519 t0;
    fe25519_add(&r->X, &p->Y, &p->X);
    fe25519_sub(&r->Y, &p->Y, &p->X);
    fe25519_mul(&r->Z, &r->X, &q->yplusx);
    fe25519_mul(&r->Y, &r->Y, &q->yminusx);
    fe25519_mul(&r->T, &q->xy2d, &p->T);
    fe25519_add(&t0, &p->Z, &p->Z);
    fe25519_sub(&r->X, &r->Z, &r->Y);
    fe25519_add(&r->Y, &r->Z, &r->Y);
    fe25519_add(&r->Z, &t0, &r->T);
    fe25519_sub(&r->T, &t0, &r->T);
}

void ge25519_sub_precomp(ge25519_p1p1 *r, const ge25519_p3 *p, const ge25519_precomp *q)
{
    fe25519 t0;
    fe25519_add(&r->X, &p->Y, &p->X);
    fe25519_sub(&r->Y, &p->Y, &p->X);
    fe25519_mul(&r->Z, &r->X, &q->yminusx);
    fe25519_mul(&r->Y, &r->Y, &q->yplusx);
    fe25519_mul(&r->T, &q->xy2d, &p->T);
    fe25519_add(&t0, &p->Z, &p->Z);
    fe25519_sub(&r->X, &r->Z, &r->Y);
    fe25519_add(&r->Y, &r->Z, &r->Y);
    fe25519_sub(&r->Z, &t0, &r->T);
    fe25519_add(&r->T, &t0, &r->T);
}

void ge25519_p3_to_precomp(ge25519_precomp *r, const ge25519_p3 *p)
{
    fe25519 recip, x, y, xy;
    uint8_t b[32];
    fe25519_invert(&recip, &p->Z);
    fe25519_mul(&x, &p->X, &recip);
    fe25519_mul(&y, &p->Y, &recip);
    fe25519_add(&r->yplusx, &y, &x);
    fe25519_sub(&r->yminusx, &y, &x);
    fe25519_mul(&xy, &x, &y);
    fe25519_mul(&r->xy2d, &xy, &fe25519_d2);
    /* Canonical limbs, so that tables built from these are reproducible and minimal. */
    fe25519_tobytes(b, &r->yplusx);
    fe25519_frombytes(&r->yplusx, b);
    fe25519_tobytes(b, &r->yminusx);
    fe25519_frombytes(&r->yminusx, b);
    fe25519_tobytes(b, &r->xy2d);
    fe25519_frombytes(&r->xy2d, b);
}

void ge25519_add(ge25519_p3 *r, const ge25519_p3 *p, const ge25519_p3 *q)
{
    ge25519_cached qc;
    ge25519_p1p1 t;
    ge25519_p3_to_cached(&qc, q);
    ge25519_add_cached(&t, p, &qc);
    ge25519_p1p1_to_p3(r, &t);
}

void ge25519_sub(ge25519_p3 *r, const ge25519_p3 *p, const ge25519_p3 *q)
{
    ge25519_cached qc;
    ge25519_p1p1 t;
    ge25519_p3_to_cached(&qc, q);
    ge25519_sub_cached(&t, p, &qc);
    ge25519_p1p1_to_p3(r, &t);
}

void ge25519_dbl(ge25519_p3 *r, const ge25519_p3 *p)
{
    ge25519_p2 q;
    ge25519_p1p1 t;
    ge25519_p3_to_p2(&q, p);
    ge25519_p2_dbl(&t, &q);
    ge25519_p1p1_to_p3(r, &t);
}

void ge25519_neg(ge25519_p3 *r, const ge25519_p3 *p)
{
    fe25519_neg(&r->X, &p->X);
    r->Y = p->Y;
    r->Z = p->Z;
    fe25519_neg(&r->T, &p->T);
}

void ge25519_mul_by_cofactor(ge25519_p3 *r, const ge25519_p3 *p)
{
    ge25519_p2 q;
    ge25519_p1p1 t;
    ge25519_p3_to_p2(&q, p);
    ge25519_p2_dbl(&t, &q);
    ge25519_p1p1_to_p2(&q, &t);
    ge25519_p2_dbl(&t, &q);
    ge25519_p1p1_to_p2(&q, &t);
    ge25519_p2_dbl(&t, &q);
    ge25519_p1p1_to_p3(r, &t);
}

int ge25519_is_identity(const ge25519_p3 *p)
{
    /* (0 : Y : Y); (0 : -Y : Y) is the order-2 point */
    return fe25519_iszero(&p->X) & fe25519_eq(&p->Y, &p->Z);
}

int ge25519_is_small_order(const ge25519_p3 *p)
{
    ge25519_p3 q;
    ge25519_mul_by_cofactor(&q, p);
    return ge25519_is_identity(&q);
}

int ge25519_eq(const ge25519_p3 *p, const ge25519_p3 *q)
{
    fe25519 a, b, c, d;
    fe25519_mul(&a, &p->X, &q->Z);
    fe25519_mul(&b, &q->X, &p->Z);
    fe25519_mul(&c, &p->Y, &q->Z);
    fe25519_mul(&d, &q->Y, &p->Z);
    return fe25519_eq(&a, &b) & fe25519_eq(&c, &d);
}

/* ---- constant-time variable-base multiplication ---- */

void ge25519_cached_identity(ge25519_cached *r)
{
    fe25519_1(&r->YplusX);
    fe25519_1(&r->YminusX);
    fe25519_1(&r->Z);
    fe25519_0(&r->T2d);
}

void ge25519_cached_cmov(ge25519_cached *r, const ge25519_cached *a, unsigned int b)
{
    fe25519_cmov(&r->YplusX, &a->YplusX, b);
    fe25519_cmov(&r->YminusX, &a->YminusX, b);
    fe25519_cmov(&r->Z, &a->Z, b);
    fe25519_cmov(&r->T2d, &a->T2d, b);
}

void ge25519_precomp_cmov(ge25519_precomp *r, const ge25519_precomp *a, unsigned int b)
{
    fe25519_cmov(&r->yplusx, &a->yplusx, b);
    fe25519_cmov(&r->yminusx, &a->yminusx, b);
    fe25519_cmov(&r->xy2d, &a->xy2d, b);
}

/* 1 if a == b, without branches */
static unsigned int ct_eq_u8(uint8_t a, uint8_t b)
{
    return (unsigned int)((((uint32_t)(a ^ b)) - 1) >> 31);
}

void ge25519_cached_select(ge25519_cached *r, const ge25519_cached table[8], int8_t digit)
{
    const unsigned int negative = (unsigned int)((uint8_t)digit >> 7);
    const uint8_t abs = (uint8_t)(digit - (int8_t)(((-(int)negative) & digit) * 2));
    /* one masked pass over the table (OR of entry & mask) instead of eight read-modify-write cmovs */
    uint64_t yp[5] = { 0 }, ym[5] = { 0 }, z[5] = { 0 }, t2d[5] = { 0 };
    for (unsigned int j = 0; j < 8; j++) {
        const uint64_t mask = (uint64_t)0 - (uint64_t)ct_eq_u8(abs, (uint8_t)(j + 1));
        for (int k = 0; k < 5; k++) {
            yp[k] |= table[j].YplusX.v[k] & mask;
            ym[k] |= table[j].YminusX.v[k] & mask;
            z[k] |= table[j].Z.v[k] & mask;
            t2d[k] |= table[j].T2d.v[k] & mask;
        }
    }
    const uint64_t none = (uint64_t)ct_eq_u8(abs, 0);   /* digit 0: the identity (1, 1, 1, 0) */
    yp[0] |= none;
    ym[0] |= none;
    z[0] |= none;
    for (int k = 0; k < 5; k++) {
        r->YplusX.v[k] = yp[k];
        r->YminusX.v[k] = ym[k];
        r->Z.v[k] = z[k];
        r->T2d.v[k] = t2d[k];
    }
    fe25519 neg_t2d;
    fe25519_cswap(&r->YplusX, &r->YminusX, negative);
    fe25519_neg(&neg_t2d, &r->T2d);
    fe25519_cmov(&r->T2d, &neg_t2d, negative);
}

/* r = [digit] row[0] with row[j] = [j + 1] row[0], digit in [-8, 8]; constant time in digit.
 * One masked pass over the row (OR of entry & mask) instead of eight read-modify-write cmovs. */
void ge25519_precomp_select(ge25519_precomp *r, const ge25519_precomp row[8], int8_t digit)
{
    const unsigned int negative = (unsigned int)((uint8_t)digit >> 7);
    const uint8_t abs = (uint8_t)(digit - (int8_t)(((-(int)negative) & digit) * 2));
    uint64_t yp[5] = { 0 }, ym[5] = { 0 }, xy[5] = { 0 };
    for (unsigned int j = 0; j < 8; j++) {
        const uint64_t mask = (uint64_t)0 - (uint64_t)ct_eq_u8(abs, (uint8_t)(j + 1));
        for (int k = 0; k < 5; k++) {
            yp[k] |= row[j].yplusx.v[k] & mask;
            ym[k] |= row[j].yminusx.v[k] & mask;
            xy[k] |= row[j].xy2d.v[k] & mask;
        }
    }
    const uint64_t none = (uint64_t)ct_eq_u8(abs, 0);   /* digit 0: the identity (1, 1, 0) */
    yp[0] |= none;
    ym[0] |= none;
    for (int k = 0; k < 5; k++) {
        r->yplusx.v[k] = yp[k];
        r->yminusx.v[k] = ym[k];
        r->xy2d.v[k] = xy[k];
    }
    /* -(x, y) = (-x, y): swap y+x and y-x, negate 2dxy */
    fe25519 neg_xy2d;
    fe25519_cswap(&r->yplusx, &r->yminusx, negative);
    fe25519_neg(&neg_xy2d, &r->xy2d);
    fe25519_cmov(&r->xy2d, &neg_xy2d, negative);
}

void ge25519_scalar_to_radix16(int8_t e[64], const sc25519 *a)
{
    for (int i = 0; i < 32; i++) {
        const uint8_t byte = (uint8_t)(a->v[i / 8] >> (8 * (i % 8)));
        e[2 * i] = (int8_t)(byte & 15);
        e[2 * i + 1] = (int8_t)(byte >> 4);
    }
    /* each digit to [-8, 8); a < 2^253 keeps the top digit <= 8 */
    int carry = 0;
    for (int i = 0; i < 63; i++) {
        int x = e[i] + carry;
        carry = (x + 8) >> 4;
        e[i] = (int8_t)(x - carry * 16);
    }
    e[63] = (int8_t)(e[63] + carry);
}

void ge25519_scalarmult(ge25519_p3 *r, const sc25519 *a, const ge25519_p3 *p)
{
    ge25519_cached table[8], t;
    ge25519_p1p1 s;
    ge25519_p2 q;
    ge25519_p3 u;
    int8_t e[64];

    ge25519_p3_to_cached(&table[0], p);
    for (int j = 1; j < 8; j++) {   /* table[j] = [j + 1]p */
        ge25519_add_cached(&s, p, &table[j - 1]);
        ge25519_p1p1_to_p3(&u, &s);
        ge25519_p3_to_cached(&table[j], &u);
    }
    ge25519_scalar_to_radix16(e, a);

    ge25519_identity(&u);
    ge25519_cached_select(&t, table, e[63]);
    ge25519_add_cached(&s, &u, &t);
    for (int i = 62; i >= 0; i--) {
        ge25519_p1p1_to_p2(&q, &s);
        ge25519_p2_dbl(&s, &q);
        ge25519_p1p1_to_p2(&q, &s);
        ge25519_p2_dbl(&s, &q);
        ge25519_p1p1_to_p2(&q, &s);
        ge25519_p2_dbl(&s, &q);
        ge25519_p1p1_to_p2(&q, &s);
        ge25519_p2_dbl(&s, &q);
        ge25519_p1p1_to_p3(&u, &s);
        ge25519_cached_select(&t, table, e[i]);
        ge25519_add_cached(&s, &u, &t);
    }
    ge25519_p1p1_to_p3(r, &s);

    sodium_memzero(e, sizeof e);
    sodium_memzero(&t, sizeof t);
    sodium_memzero(&u, sizeof u);
    sodium_memzero(&q, sizeof q);
    sodium_memzero(&s, sizeof s);
    sodium_memzero(table, sizeof table);
}

/* ---- variable-time multiplication (public scalars and points only) ---- */

/* One wNAF recoding for the whole library: sc25519_wnaf_vartime (same contract for 2 <= w <= 8). */
void ge25519_wnaf_vartime(int8_t naf[256], const sc25519 *a, unsigned int w)
{
    sc25519_wnaf_vartime(naf, a, w);
}

/* table[i] = [2i + 1]p for i < n */
void ge25519_odd_multiples_cached(ge25519_cached *table, size_t n, const ge25519_p3 *p)
{
    ge25519_p3 p2, u;
    ge25519_p1p1 t;
    ge25519_dbl(&p2, p);
    ge25519_p3_to_cached(&table[0], p);
    for (size_t i = 1; i < n; i++) {
        ge25519_add_cached(&t, &p2, &table[i - 1]);
        ge25519_p1p1_to_p3(&u, &t);
        ge25519_p3_to_cached(&table[i], &u);
    }
}
