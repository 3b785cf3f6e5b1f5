/* Ed25519 verification on LANES independent points at once (vertical layout), written once over a field
 * layer and instantiated per instruction set: the includer defines LANES, the type fel and fel_add,
 * fel_sub, fel_mul, fel_sq, fel_blend, fel_bcast, fel_load, fel_store (see crypto/avx512/fe51_ifma.h),
 * and LANES_OPS, the name of the tss_ed25519_ops table to define.
 * Formulas are those of crypto/ge25519.c, so every coordinate equals the portable one mod p.
 * Lanes are spent on: square-root chains of LANES decompressions; LANES Straus accumulators that share the
 * doubling schedule (terms dealt round-robin); Pippenger bucket additions to LANES distinct buckets and the
 * bucket running sums of LANES windows. Variable time: public data only. */
#include <stdlib.h>
#include <string.h>

#include "batch/msm.h"
#include "crypto/ed25519_backend.h"
#include "crypto/simd/lanes_layout.h"

#define ALL_LANES ((1u << LANES) - 1)

typedef struct { fel X, Y, Z, T; } gl_p3;
typedef struct { fel YpX, YmX, Z, T2d; } gl_cached;
typedef struct { fel X, Y, Z, T; } gl_p1p1;
typedef struct { fel X, Y, Z; } gl_p2;

static const ge25519_p3 gl_identity_p3 = { { { 0 } }, { { 1 } }, { { 1 } }, { { 0 } } };
static const ge25519_cached gl_identity_cached = { { { 1 } }, { { 1 } }, { { 1 } }, { { 0 } } };

static void gl_p3_load(gl_p3 *r, const ge25519_p3 *const p[LANES])
{
    const fe25519 *c[LANES];
    for (int l = 0; l < LANES; l++) c[l] = &p[l]->X;
    fel_load(&r->X, c);
    for (int l = 0; l < LANES; l++) c[l] = &p[l]->Y;
    fel_load(&r->Y, c);
    for (int l = 0; l < LANES; l++) c[l] = &p[l]->Z;
    fel_load(&r->Z, c);
    for (int l = 0; l < LANES; l++) c[l] = &p[l]->T;
    fel_load(&r->T, c);
}

/* lane l of r <- *p[l] for the lanes in mask */
static void gl_p3_insert_lanes(gl_p3 *r, const ge25519_p3 *const p[LANES], unsigned mask)
{
#ifdef FEL_HAS_INSERT_LANES
    const fe25519 *c[LANES];
    for (int l = 0; l < LANES; l++) c[l] = &p[l]->X;
    fel_insert_lanes(&r->X, c, mask);
    for (int l = 0; l < LANES; l++) c[l] = &p[l]->Y;
    fel_insert_lanes(&r->Y, c, mask);
    for (int l = 0; l < LANES; l++) c[l] = &p[l]->Z;
    fel_insert_lanes(&r->Z, c, mask);
    for (int l = 0; l < LANES; l++) c[l] = &p[l]->T;
    fel_insert_lanes(&r->T, c, mask);
#else
    gl_p3 N;
    gl_p3_load(&N, p);
    fel_blend(&r->X, &r->X, &N.X, mask);
    fel_blend(&r->Y, &r->Y, &N.Y, mask);
    fel_blend(&r->Z, &r->Z, &N.Z, mask);
    fel_blend(&r->T, &r->T, &N.T, mask);
#endif
}

static void gl_p3_store(ge25519_p3 *const p[LANES], const gl_p3 *r, unsigned mask)
{
    fe25519 *c[LANES];
    for (int l = 0; l < LANES; l++) c[l] = &p[l]->X;
    fel_store(c, &r->X, mask);
    for (int l = 0; l < LANES; l++) c[l] = &p[l]->Y;
    fel_store(c, &r->Y, mask);
    for (int l = 0; l < LANES; l++) c[l] = &p[l]->Z;
    fel_store(c, &r->Z, mask);
    for (int l = 0; l < LANES; l++) c[l] = &p[l]->T;
    fel_store(c, &r->T, mask);
}

/* lanes in neg get -q: Y+X and Y-X swap and 2dT changes sign (what ge25519_sub_cached computes); with_z = 0
 * leaves r->Z unset, for gl_madd_cached (every q has Z = 1) */
static void gl_cached_load_z(gl_cached *r, const ge25519_cached *const q[LANES], unsigned neg, int with_z)
{
    const fe25519 *c[LANES];
    for (int l = 0; l < LANES; l++) c[l] = (neg >> l & 1) ? &q[l]->YminusX : &q[l]->YplusX;
    fel_load(&r->YpX, c);
    for (int l = 0; l < LANES; l++) c[l] = (neg >> l & 1) ? &q[l]->YplusX : &q[l]->YminusX;
    fel_load(&r->YmX, c);
    if (with_z) {
        for (int l = 0; l < LANES; l++) c[l] = &q[l]->Z;
        fel_load(&r->Z, c);
    }
    for (int l = 0; l < LANES; l++) c[l] = &q[l]->T2d;
    fel_load(&r->T2d, c);
    if (neg) {
        fel zero, m;
        fe25519 z;
        fe25519_0(&z);
        fel_bcast(&zero, &z);
        fel_sub(&m, &zero, &r->T2d);
        fel_blend(&r->T2d, &r->T2d, &m, neg);
    }
}

static void gl_cached_load(gl_cached *r, const ge25519_cached *const q[LANES], unsigned neg)
{
    gl_cached_load_z(r, q, neg, 1);
}

static void gl_cached_store(ge25519_cached *const q[LANES], const gl_cached *r, unsigned mask)
{
    fe25519 *c[LANES];
    for (int l = 0; l < LANES; l++) c[l] = &q[l]->YplusX;
    fel_store(c, &r->YpX, mask);
    for (int l = 0; l < LANES; l++) c[l] = &q[l]->YminusX;
    fel_store(c, &r->YmX, mask);
    for (int l = 0; l < LANES; l++) c[l] = &q[l]->Z;
    fel_store(c, &r->Z, mask);
    for (int l = 0; l < LANES; l++) c[l] = &q[l]->T2d;
    fel_store(c, &r->T2d, mask);
}

static void gl_p3_to_cached(gl_cached *r, const gl_p3 *p)
{
    fel d2;
    fel_bcast(&d2, &fe25519_d2);
    fel_add(&r->YpX, &p->Y, &p->X);
    fel_sub(&r->YmX, &p->Y, &p->X);
    r->Z = p->Z;
    fel_mul(&r->T2d, &p->T, &d2);
}

static void gl_p1p1_to_p3(gl_p3 *r, const gl_p1p1 *p)
{
    fel X, Y, Z, T;
    fel_mul(&X, &p->X, &p->T);
    fel_mul(&Y, &p->Y, &p->Z);
    fel_mul(&Z, &p->Z, &p->T);
    fel_mul(&T, &p->X, &p->Y);
    r->X = X;
    r->Y = Y;
    r->Z = Z;
    r->T = T;
}

static void gl_p1p1_to_p2(gl_p2 *r, const gl_p1p1 *p)
{
    fel X, Y, Z;
    fel_mul(&X, &p->X, &p->T);
    fel_mul(&Y, &p->Y, &p->Z);
    fel_mul(&Z, &p->Z, &p->T);
    r->X = X;
    r->Y = Y;
    r->Z = Z;
}

static void gl_p2_dbl(gl_p1p1 *r, const gl_p2 *p)
{
    fel XX, YY, ZZ2, s, t0;
    fel_sq(&XX, &p->X);
    fel_sq(&YY, &p->Y);
    fel_sq(&ZZ2, &p->Z);
    fel_add(&ZZ2, &ZZ2, &ZZ2);
    fel_add(&s, &p->X, &p->Y);
    fel_sq(&t0, &s);
    fel_add(&r->Y, &YY, &XX);
    fel_sub(&r->Z, &YY, &XX);
    fel_sub(&r->X, &t0, &r->Y);
    fel_sub(&r->T, &ZZ2, &r->Z);
}

static void gl_add_cached(gl_p1p1 *r, const gl_p3 *p, const gl_cached *q)
{
    fel a, b, c, d, t0;
    fel_add(&a, &p->Y, &p->X);
    fel_sub(&b, &p->Y, &p->X);
    fel_mul(&a, &a, &q->YpX);
    fel_mul(&b, &b, &q->YmX);
    fel_mul(&c, &q->T2d, &p->T);
    fel_mul(&d, &p->Z, &q->Z);
    fel_add(&t0, &d, &d);
    fel_sub(&r->X, &a, &b);
    fel_add(&r->Y, &a, &b);
    fel_add(&r->Z, &t0, &c);
    fel_sub(&r->T, &t0, &c);
}

/* gl_add_cached for q with Z = 1 in every lane (q->Z is not read): Z1 Z2 = Z1, one multiplication fewer */
static void gl_madd_cached(gl_p1p1 *r, const gl_p3 *p, const gl_cached *q)
{
    fel a, b, c, t0;
    fel_add(&a, &p->Y, &p->X);
    fel_sub(&b, &p->Y, &p->X);
    fel_mul(&a, &a, &q->YpX);
    fel_mul(&b, &b, &q->YmX);
    fel_mul(&c, &q->T2d, &p->T);
    fel_add(&t0, &p->Z, &p->Z);
    fel_sub(&r->X, &a, &b);
    fel_add(&r->Y, &a, &b);
    fel_add(&r->Z, &t0, &c);
    fel_sub(&r->T, &t0, &c);
}

/* ---- decompression ---- */

/* A square-root chain is one long dependency: a multiplication's latency exceeds its issue cost, so
 * GL_CHAINS independent groups of LANES elements go through each step together and the core overlaps them.
 * Every helper below works element-wise on k <= GL_CHAINS fels. */
#ifndef GL_CHAINS
#define GL_CHAINS 4
#endif

static void gl_mul_k(fel *h, const fel *f, const fel *g, int k)
{
    for (int c = 0; c < k; c++) fel_mul(&h[c], &f[c], &g[c]);
}

static void gl_sqn_k(fel *h, const fel *f, int n, int k)
{
    for (int c = 0; c < k; c++) fel_sq(&h[c], &f[c]);
    for (int i = 1; i < n; i++) {
        for (int c = 0; c < k; c++) fel_sq(&h[c], &h[c]);
    }
}

/* f^(2^252 - 3), the chain of fe25519_pow22523 */
static void gl_pow22523_k(fel *h, const fel *f, int k)
{
    fel z2[GL_CHAINS], z9[GL_CHAINS], t[GL_CHAINS], z5[GL_CHAINS], z10[GL_CHAINS], z20[GL_CHAINS],
        z50[GL_CHAINS], z100[GL_CHAINS];
    gl_sqn_k(z2, f, 1, k);
    gl_sqn_k(t, z2, 2, k);
    gl_mul_k(z9, t, f, k);
    gl_mul_k(t, z9, z2, k); /* z11 */
    gl_sqn_k(t, t, 1, k);
    gl_mul_k(z5, t, z9, k);
    gl_sqn_k(t, z5, 5, k);
    gl_mul_k(z10, t, z5, k);
    gl_sqn_k(t, z10, 10, k);
    gl_mul_k(z20, t, z10, k);
    gl_sqn_k(t, z20, 20, k);
    gl_mul_k(t, t, z20, k);
    gl_sqn_k(t, t, 10, k);
    gl_mul_k(z50, t, z10, k);
    gl_sqn_k(t, z50, 50, k);
    gl_mul_k(z100, t, z50, k);
    gl_sqn_k(t, z100, 100, k);
    gl_mul_k(t, t, z100, k);
    gl_sqn_k(t, t, 50, k);
    gl_mul_k(t, t, z50, k);
    gl_sqn_k(t, t, 2, k);
    gl_mul_k(h, t, f, k);
}

/* As fe25519_sqrt_ratio inside ge25519_frombytes_zip215, all in lanes but the canonical tests: with
 * r = u v^3 (u v^7)^((p-5)/8), the point exists iff v r^2 = u or -u, and then x = +-r or +-r sqrt(-1)
 * (the second when v r^2 = -u; when u = 0 both are 0). neg flips the chosen sign, giving -P.
 * Element e of a group sits in chain e / LANES, lane e % LANES. */
static void gl_decode_lanes(ge25519_p3 *const out[], const uint8_t *const enc[], size_t n, uint8_t ok[],
                            unsigned neg)
{
    enum { G = GL_CHAINS * LANES };
    fe25519 f1, f0;
    fe25519_1(&f1);
    fe25519_0(&f0);
    fel one, zero, d, sqrtm1;
    fel_bcast(&one, &f1);
    fel_bcast(&zero, &f0);
    fel_bcast(&d, &fe25519_d);
    fel_bcast(&sqrtm1, &fe25519_sqrtm1);
    for (size_t base = 0; base < n; base += G) {
        const size_t cnt = n - base < G ? n - base : G;
        const int k = (int)((cnt + LANES - 1) / LANES);
        fe25519 y[G], d1[G], d2[G], x[G];
        const fe25519 *yp[G];
        fe25519 *d1p[G], *d2p[G], *xp[G];
        for (size_t e = 0; e < (size_t)k * LANES; e++) {
            if (e < cnt) {
                fe25519_frombytes(&y[e], enc[base + e]);
            } else {
                fe25519_0(&y[e]);
            }
            yp[e] = &y[e];
            d1p[e] = &d1[e];
            d2p[e] = &d2[e];
            xp[e] = &x[e];
        }
        fel Y[GL_CHAINS], U[GL_CHAINS], V[GL_CHAINS], t[GL_CHAINS], V3[GL_CHAINS], UV3[GL_CHAINS],
            UV7[GL_CHAINS], R[GL_CHAINS];
        for (int c = 0; c < k; c++) {
            fel YY;
            fel_load(&Y[c], &yp[c * LANES]);
            fel_sq(&YY, &Y[c]);
            fel_sub(&U[c], &YY, &one);
            fel_mul(&V[c], &YY, &d);
            fel_add(&V[c], &V[c], &one);
        }
        gl_sqn_k(t, V, 1, k);
        gl_mul_k(V3, t, V, k);
        gl_sqn_k(t, V3, 1, k);
        gl_mul_k(t, t, V, k); /* v^7 */
        gl_mul_k(UV3, U, V3, k);
        gl_mul_k(UV7, U, t, k);
        gl_pow22523_k(t, UV7, k);
        gl_mul_k(R, UV3, t, k);
        gl_sqn_k(t, R, 1, k);
        gl_mul_k(t, V, t, k); /* v r^2 */
        for (int c = 0; c < k; c++) {
            fel D;
            fel_sub(&D, &t[c], &U[c]);
            fel_store(&d1p[c * LANES], &D, ALL_LANES);
            fel_add(&D, &t[c], &U[c]);
            fel_store(&d2p[c * LANES], &D, ALL_LANES);
        }
        unsigned good[GL_CHAINS] = { 0 }, flip[GL_CHAINS] = { 0 }, any = 0;
        for (size_t e = 0; e < cnt; e++) {
            const unsigned bit = 1u << (e % LANES);
            if (fe25519_iszero(&d1[e])) {
                good[e / LANES] |= bit;
            } else if (fe25519_iszero(&d2[e])) {
                good[e / LANES] |= bit;
                flip[e / LANES] |= bit;
            }
            ok[base + e] = (good[e / LANES] & bit) != 0;
            any |= good[e / LANES];
        }
        if (!any) continue;
        for (int c = 0; c < k; c++) {
            fel RI;
            fel_mul(&RI, &R[c], &sqrtm1);
            fel_blend(&R[c], &R[c], &RI, flip[c]);
            fel_store(&xp[c * LANES], &R[c], ALL_LANES);
        }
        /* x = |r| if the sign bit is clear, else -|r| (ZIP-215: x = 0 either way), then neg flips it */
        unsigned negate[GL_CHAINS] = { 0 };
        for (size_t e = 0; e < cnt; e++) {
            if (!(good[e / LANES] >> (e % LANES) & 1)) continue;
            const unsigned s = (unsigned)fe25519_isnegative(&x[e]) ^ (unsigned)(enc[base + e][31] >> 7) ^ neg;
            negate[e / LANES] |= s << (e % LANES);
        }
        for (int c = 0; c < k; c++) {
            if (!good[c]) continue;
            fel NR, T;
            fel_sub(&NR, &zero, &R[c]);
            fel_blend(&R[c], &R[c], &NR, negate[c]);
            fel_mul(&T, &R[c], &Y[c]);
            fel_store(&xp[c * LANES], &R[c], good[c]);
            fel_store(&d1p[c * LANES], &T, good[c]);
        }
        for (size_t e = 0; e < cnt; e++) {
            if (!(good[e / LANES] >> (e % LANES) & 1)) continue;
            ge25519_p3 *h = out[base + e];
            h->X = x[e];
            h->Y = y[e];
            fe25519_1(&h->Z);
            h->T = d1[e];
        }
    }
}

static void gl_decode_zip215(ge25519_p3 *const out[], const uint8_t *const enc[], size_t n, uint8_t ok[])
{
#ifdef LANES_SMALL_OPS
    /* a single verification's two points: narrower vectors finish the chain sooner */
    if (n <= LANES / 2) {
        LANES_SMALL_OPS.decode_zip215(out, enc, n, ok);
        return;
    }
#endif
    gl_decode_lanes(out, enc, n, ok, 0);
}

static void gl_decode_zip215_neg(ge25519_p3 *const out[], const uint8_t *const enc[], size_t n, uint8_t ok[])
{
#ifdef LANES_SMALL_OPS
    if (n <= LANES / 2) {
        LANES_SMALL_OPS.decode_zip215_neg(out, enc, n, ok);
        return;
    }
#endif
    gl_decode_lanes(out, enc, n, ok, 1);
}

/* ---- Straus with LANES accumulators ---- */

#define GL_STRAUS_W TSS_LANES_STRAUS_W
#define GL_STRAUS_TABLE TSS_LANES_STRAUS_TABLE
#define GL_BASE_W 8
#define GL_EVENTS_MAX TSS_LANES_EVENTS_MAX

typedef tss_lanes_event gl_event;

/* the scratch layout is portable code (crypto/simd/lanes_layout.c): sizes are asked before dispatch */
#define gl_round_up tss_lanes_round_up
#define gl_straus_scratch_size tss_lanes_straus_scratch_size

static uint8_t *gl_align(void *p)
{
    return (uint8_t *)(((uintptr_t)p + 63) & ~(uintptr_t)63);
}

static const ge25519_p3 *gl_term_point(const ge25519_p3 *points, const uint32_t *idx, size_t i)
{
    return idx ? &points[idx[i]] : &points[i];
}

/* table[8 t + j] = [2j + 1]P_t in cached form, LANES terms at a time */
static void gl_odd_multiples(ge25519_cached *tables, const ge25519_p3 *points, const uint32_t *idx, size_t n)
{
    for (size_t base = 0; base < n; base += LANES) {
        const size_t cnt = n - base < LANES ? n - base : LANES;
        const unsigned mask = (1u << cnt) - 1;
        const ge25519_p3 *src[LANES];
        for (size_t l = 0; l < LANES; l++) src[l] = l < cnt ? gl_term_point(points, idx, base + l) : &gl_identity_p3;
        gl_p3 P, U, P2;
        gl_p2 q;
        gl_p1p1 s;
        gl_cached P2c, C;
        gl_p3_load(&P, src);
        q.X = P.X;
        q.Y = P.Y;
        q.Z = P.Z;
        gl_p2_dbl(&s, &q);
        gl_p1p1_to_p3(&P2, &s);
        gl_p3_to_cached(&P2c, &P2);
        gl_p3_to_cached(&C, &P);
        ge25519_cached *dst[LANES];
        ge25519_cached dummy[LANES];
        for (size_t l = 0; l < LANES; l++) dst[l] = l < cnt ? &tables[(base + l) * GL_STRAUS_TABLE] : &dummy[l];
        gl_cached_store(dst, &C, mask);
        U = P;
        for (int j = 1; j < GL_STRAUS_TABLE; j++) {
            gl_add_cached(&s, &U, &P2c);
            gl_p1p1_to_p3(&U, &s);
            gl_p3_to_cached(&C, &U);
            for (size_t l = 0; l < cnt; l++) dst[l]++;
            gl_cached_store(dst, &C, mask);
        }
    }
}

/* Sums the LANES lane results into r. */
static void gl_sum_lanes(ge25519_p3 *r, const gl_p3 *acc)
{
    ge25519_p3 pts[LANES];
    ge25519_p3 *dst[LANES];
    for (int l = 0; l < LANES; l++) dst[l] = &pts[l];
    gl_p3_store(dst, acc, ALL_LANES);
    *r = pts[0];
    for (int l = 1; l < LANES; l++) ge25519_add(r, r, &pts[l]);
}

static int gl_straus(ge25519_p3 *r, const sc25519 *b, const sc25519 *scalars, const ge25519_p3 *points,
                     const uint32_t *idx, size_t n, void *scratch, size_t scratch_len)
{
    if (scratch_len < gl_straus_scratch_size(n)) return -1;
    uint8_t *p = gl_align(scratch);
    ge25519_cached *tables = (ge25519_cached *)p;
    p += gl_round_up((n * GL_STRAUS_TABLE + 64) * sizeof(ge25519_cached));
    gl_event *raw = (gl_event *)p;
    p += gl_round_up((n + 1) * GL_EVENTS_MAX * sizeof(gl_event));
    gl_event *sorted = (gl_event *)p;
    p += gl_round_up((n + 1) * GL_EVENTS_MAX * sizeof(gl_event));
    int8_t *naf = (int8_t *)p; /* 256 digits per term */

    /* events counted per (position, lane): start[j * LANES + l] */
    static const size_t NSLOT = 256 * LANES;
    uint32_t start[256 * LANES + 1];
    memset(start, 0, sizeof start);
    ge25519_cached *btab = &tables[n * GL_STRAUS_TABLE];
    const size_t blane = n % LANES;
    int top = -1;
    for (size_t i = 0; i < n; i++) {
        ge25519_wnaf_vartime(&naf[i * 256], &scalars[i], GL_STRAUS_W);
        for (int j = 255; j > top; j--) {
            if (naf[i * 256 + j]) {
                top = j;
                break;
            }
        }
    }
    int8_t naf_b[256];
    if (b) {
        ge25519_wnaf_vartime(naf_b, b, GL_BASE_W);
        for (int j = 255; j > top; j--) {
            if (naf_b[j]) {
                top = j;
                break;
            }
        }
        const ge25519_precomp *bp = ge25519_base_odd_multiples_table();
        for (int j = 0; j < 64; j++) {
            btab[j].YplusX = bp[j].yplusx;
            btab[j].YminusX = bp[j].yminusx;
            fe25519_1(&btab[j].Z);
            btab[j].T2d = bp[j].xy2d;
        }
    } else {
        memset(naf_b, 0, sizeof naf_b);
    }
    if (top < 0) {
        ge25519_identity(r);
        return 0;
    }
    gl_odd_multiples(tables, points, idx, n);

    /* counting sort of the events by (position, lane) */
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        const int8_t *d = &naf[i * 256];
        for (int j = 0; j <= top; j++) {
            if (!d[j]) continue;
            start[(size_t)j * LANES + i % LANES + 1]++;
            raw[total].entry = (uint32_t)(i * GL_STRAUS_TABLE + (size_t)((d[j] > 0 ? d[j] : -d[j]) / 2));
            raw[total].neg = ((uint32_t)j << 1) | (d[j] < 0);
            total++;
        }
    }
    for (int j = 0; j <= top; j++) {
        if (!naf_b[j]) continue;
        start[(size_t)j * LANES + blane + 1]++;
        raw[total].entry = (uint32_t)(n * GL_STRAUS_TABLE + (size_t)((naf_b[j] > 0 ? naf_b[j] : -naf_b[j]) / 2));
        raw[total].neg = ((uint32_t)j << 1) | (naf_b[j] < 0);
        total++;
    }
    for (size_t s = 0; s < NSLOT; s++) start[s + 1] += start[s];
    {
        /* the term of raw event e is recovered from its entry (term-table entries) or is the base lane */
        uint32_t fill[256 * LANES];
        memcpy(fill, start, sizeof fill);
        for (size_t e = 0; e < total; e++) {
            const uint32_t ent = raw[e].entry;
            const size_t lane = ent >= n * GL_STRAUS_TABLE ? blane : (ent / GL_STRAUS_TABLE) % LANES;
            const size_t slot = (size_t)(raw[e].neg >> 1) * LANES + lane;
            sorted[fill[slot]++] = raw[e];
        }
    }

    gl_p3 acc;
    gl_p2 q;
    gl_p1p1 s;
    const ge25519_p3 *id[LANES];
    for (int l = 0; l < LANES; l++) id[l] = &gl_identity_p3;
    gl_p3_load(&acc, id);
    q.X = acc.X;
    q.Y = acc.Y;
    q.Z = acc.Z;
    for (int j = top; j >= 0; j--) {
        gl_p2_dbl(&s, &q);
        uint32_t cnt[LANES], at[LANES], most = 0;
        for (int l = 0; l < LANES; l++) {
            at[l] = start[(size_t)j * LANES + l];
            cnt[l] = start[(size_t)j * LANES + l + 1] - at[l];
            if (cnt[l] > most) most = cnt[l];
        }
        for (uint32_t k = 0; k < most; k++) {
            const ge25519_cached *src[LANES];
            unsigned neg = 0;
            for (int l = 0; l < LANES; l++) {
                if (k < cnt[l]) {
                    const gl_event *ev = &sorted[at[l] + k];
                    src[l] = &tables[ev->entry];
                    neg |= (ev->neg & 1u) << l;
                } else {
                    src[l] = &gl_identity_cached;
                }
            }
            gl_cached c;
            gl_cached_load(&c, src, neg);
            gl_p1p1_to_p3(&acc, &s);
            gl_add_cached(&s, &acc, &c);
        }
        if (j > 0) gl_p1p1_to_p2(&q, &s);
    }
    gl_p1p1_to_p3(&acc, &s);
    gl_sum_lanes(r, &acc);
    return 0;
}

/* ---- Pippenger: bucket additions and running sums in lanes ---- */

/* The final Horner step over the window sums: the includer's when it has a faster one. */
#ifndef LANES_COMBINE_WINDOWS
#define LANES_COMBINE_WINDOWS msm_combine_windows_vartime
#endif

#define GL_C_MIN TSS_LANES_C_MIN
#define GL_SCALAR_BITS TSS_LANES_SCALAR_BITS
#define GL_HALF_BITS TSS_LANES_HALF_BITS
#define GL_WINDOWS_MAX (GL_SCALAR_BITS / GL_C_MIN + 1)
#define GL_PREFETCH_AHEAD 2 /* bucket-addition rounds */
#define gl_pipp_width tss_lanes_pipp_width
#define gl_pipp_scratch_size tss_lanes_pipp_scratch_size

static int gl_pippenger(ge25519_p3 *r, const sc25519 *b, const sc25519 *scalars, const ge25519_p3 *points,
                        const uint32_t *idx, size_t n_full, size_t n_half, void *scratch, size_t scratch_len)
{
    const size_t n = n_full + n_half;
    if (n >= ((size_t)1 << 31)) return -1;
    const unsigned cap = gl_pipp_width(n, 0);
    unsigned c = gl_pipp_width(n_full, n_half);
    if (c > cap) c = cap;
    if (scratch_len < gl_pipp_scratch_size(n)) return -1;
    const size_t nb = (size_t)1 << (c - 1);
    const unsigned nw_full = GL_SCALAR_BITS / c + 1, nw_half = GL_HALF_BITS / c + 1;
    const unsigned half = 1u << (c - 1);

    uint8_t *p = gl_align(scratch);
    ge25519_cached *cached = (ge25519_cached *)p;
    p += gl_round_up(n * sizeof(ge25519_cached));
    ge25519_p3 *bucket = (ge25519_p3 *)p;
    p += gl_round_up(nw_full * nb * sizeof(ge25519_p3));
    uint8_t *used = p;
    p += gl_round_up(nw_full * nb);
    uint64_t *ops = (uint64_t *)p;
    p += gl_round_up(n * nw_full * sizeof(uint64_t));
    uint64_t *lane_ops = (uint64_t *)p;
    p += gl_round_up(n * nw_full * sizeof(uint64_t));
    uint8_t *carry = p;
    p += gl_round_up(n);
    uint32_t *slot_at = (uint32_t *)p; /* per bucket: its operations' start in lane_ops */

    /* Points straight from decoding (batch verification) have Z = 1 exactly: mixed additions then */
    int affine = 1;
    for (size_t i = 0; i < n; i++) {
        const ge25519_p3 *pt = gl_term_point(points, idx, i);
        affine &= (pt->Z.v[0] == 1) & ((pt->Z.v[1] | pt->Z.v[2] | pt->Z.v[3] | pt->Z.v[4]) == 0);
    }
    for (size_t base = 0; base < n; base += LANES) {
        const size_t cnt = n - base < LANES ? n - base : LANES;
        const ge25519_p3 *src[LANES];
        ge25519_cached *dst[LANES];
        ge25519_cached spare[LANES];
        for (size_t l = 0; l < LANES; l++) {
            src[l] = l < cnt ? gl_term_point(points, idx, base + l) : &gl_identity_p3;
            dst[l] = l < cnt ? &cached[base + l] : &spare[l];
        }
        gl_p3 P;
        gl_cached C;
        gl_p3_load(&P, src);
        gl_p3_to_cached(&C, &P);
        gl_cached_store(dst, &C, (1u << cnt) - 1);
    }
    memset(carry, 0, n);
    memset(used, 0, nw_full * nb);

    /* digits, low window first so that the carries propagate; the first point of a bucket is copied */
    const size_t nslots = nw_full * nb;
    memset(slot_at, 0, (nslots + 1) * sizeof(uint32_t));
    size_t nops = 0;
    for (unsigned j = 0; j < nw_full; j++) {
        const unsigned pos = j * c, limb = pos / 64, off = pos % 64;
        const int spans = off + c > 64 && limb < 3;
        const uint64_t mask = ((uint64_t)1 << c) - 1;
        /* the top window keeps its carry in the digit (v = half stays positive there); branch-free, as the
         * digit signs are random */
        for (int part = 0; part < 2; part++) {
            const size_t lo = part ? n_full : 0, hi = part ? (j < nw_half ? n : n_full) : n_full;
            const unsigned notlast = part ? (j + 1 != nw_half) : (j + 1 != nw_full);
            for (size_t i = lo; i < hi; i++) {
                uint64_t bits = 0;
                if (limb < 4) {
                    bits = scalars[i].v[limb] >> off;
                    if (spans) bits |= scalars[i].v[limb + 1] << (64 - off);
                }
                const unsigned v = (unsigned)(bits & mask) + carry[i];
                const unsigned cr = v + notlast > half;
                carry[i] = (uint8_t)cr;
                const unsigned mag = cr ? (1u << c) - v : v;
                if (mag == 0) continue;
                const size_t slot = j * nb + mag - 1;
                if (__builtin_expect(!used[slot], 0)) {
                    used[slot] = 1;
                    if (cr) {
                        ge25519_neg(&bucket[slot], gl_term_point(points, idx, i));
                    } else {
                        bucket[slot] = *gl_term_point(points, idx, i);
                    }
                    continue;
                }
                ops[nops++] = ((uint64_t)slot << 32) | ((uint64_t)i << 1) | (uint64_t)cr;
                slot_at[slot]++;
            }
        }
    }
    /* lane l owns the buckets slot = l mod LANES, so the LANES additions of a round never collide; within a
     * lane the operations are grouped by bucket (stable, so each bucket sums in the same order), which keeps
     * a bucket in its lane across consecutive additions instead of a load and a store per addition */
    uint32_t lane_lo[LANES + 1];
    {
        uint32_t acc = 0;
        for (int l = 0; l < LANES; l++) {
            lane_lo[l] = acc;
            for (size_t sl = (size_t)l; sl < nslots; sl += LANES) {
                const uint32_t k = slot_at[sl];
                slot_at[sl] = acc;
                acc += k;
            }
        }
        lane_lo[LANES] = acc;
    }
    for (size_t e = 0; e < nops; e++) lane_ops[slot_at[ops[e] >> 32]++] = ops[e];
    uint32_t most = 0;
    for (int l = 0; l < LANES; l++) {
        if (lane_lo[l + 1] - lane_lo[l] > most) most = lane_lo[l + 1] - lane_lo[l];
    }
    ge25519_p3 dummy[LANES];
    const ge25519_p3 *id_src[LANES];
    ge25519_p3 *cur[LANES]; /* the bucket each lane holds, or dummy[l] (an identity nobody reads) */
    for (int l = 0; l < LANES; l++) {
        id_src[l] = &gl_identity_p3;
        cur[l] = &dummy[l];
    }
    gl_p3 B;
    gl_p3_load(&B, id_src);
    for (uint32_t k = 0; k < most; k++) {
        const ge25519_p3 *bsrc[LANES];
        ge25519_p3 *nxt[LANES];
        const ge25519_cached *csrc[LANES];
        unsigned neg = 0, swap = 0, flush = 0;
        for (int l = 0; l < LANES; l++) {
            const uint32_t at = lane_lo[l] + k;
            /* the terms' cached points are read in bucket order, i.e. at random: fetch them ahead */
            if (at + GL_PREFETCH_AHEAD < lane_lo[l + 1]) {
                const char *pf = (const char *)&cached[(uint32_t)lane_ops[at + GL_PREFETCH_AHEAD] >> 1];
                __builtin_prefetch(pf);
                __builtin_prefetch(pf + 64);
                __builtin_prefetch(pf + sizeof(ge25519_cached) - 1);
            }
            if (at < lane_lo[l + 1]) {
                const uint64_t op = lane_ops[at];
                nxt[l] = &bucket[op >> 32];
                csrc[l] = &cached[(uint32_t)op >> 1];
                neg |= (unsigned)(op & 1) << l;
            } else {
                nxt[l] = &dummy[l];
                csrc[l] = &gl_identity_cached;
            }
            bsrc[l] = &gl_identity_p3;
            if (nxt[l] != cur[l]) {
                swap |= 1u << l;
                if (cur[l] != &dummy[l]) flush |= 1u << l;
                if (nxt[l] != &dummy[l]) bsrc[l] = nxt[l];
            }
        }
        if (swap) {
            gl_p3_store(cur, &B, flush);
            gl_p3_insert_lanes(&B, bsrc, swap);
            memcpy(cur, nxt, sizeof cur);
        }
        gl_cached C;
        gl_p1p1 s;
        gl_cached_load_z(&C, csrc, neg, !affine);
        if (affine) {
            gl_madd_cached(&s, &B, &C);
        } else {
            gl_add_cached(&s, &B, &C);
        }
        gl_p1p1_to_p3(&B, &s);
    }
    {
        unsigned flush = 0;
        for (int l = 0; l < LANES; l++) {
            if (cur[l] != &dummy[l]) flush |= 1u << l;
        }
        gl_p3_store(cur, &B, flush);
    }

    /* W_j = sum_k (k + 1) bucket[j][k] by running sums from the top bucket, LANES windows at a time */
    ge25519_p3 wsum[GL_WINDOWS_MAX];
    for (unsigned j0 = 0; j0 < nw_full; j0 += LANES) {
        const ge25519_p3 *id[LANES];
        ge25519_p3 *dst[LANES];
        unsigned live = 0;
        for (int l = 0; l < LANES; l++) {
            id[l] = &gl_identity_p3;
            dst[l] = j0 + (unsigned)l < nw_full ? &wsum[j0 + (unsigned)l] : &dummy[l];
            if (j0 + (unsigned)l < nw_full) live |= 1u << l;
        }
        gl_p3 run, tot, Bk;
        gl_cached rc, bc;
        gl_p1p1 s;
        gl_p3_load(&run, id);
        tot = run;
        for (size_t k = nb; k-- > 0;) {
            const ge25519_p3 *src[LANES];
            for (int l = 0; l < LANES; l++) {
                const size_t j = j0 + (size_t)l;
                src[l] = (j < nw_full && used[j * nb + k]) ? &bucket[j * nb + k] : &gl_identity_p3;
            }
            gl_p3_load(&Bk, src);
            gl_p3_to_cached(&bc, &Bk);
            gl_add_cached(&s, &run, &bc);
            gl_p1p1_to_p3(&run, &s);
            gl_p3_to_cached(&rc, &run);
            gl_add_cached(&s, &tot, &rc);
            gl_p1p1_to_p3(&tot, &s);
        }
        gl_p3_store(dst, &tot, live);
    }

    LANES_COMBINE_WINDOWS(r, wsum, nw_full, c, b);
    return 0;
}

/* ---- the operations table ---- */

static int gl_use_straus(size_t n_full, size_t n_half)
{
    return n_full + (n_half + 1) / 2 < GL_PIPPENGER_THRESHOLD;
}

static int gl_msm_split(ge25519_p3 *r, const sc25519 *b, const sc25519 *scalars, const ge25519_p3 *points,
                        const uint32_t *idx, size_t n_full, size_t n_half, void *scratch, size_t scratch_len)
{
    for (size_t i = n_full; i < n_full + n_half; i++) {
        if (scalars[i].v[2] | scalars[i].v[3]) return -1;
    }
    if (gl_use_straus(n_full, n_half)) {
        return gl_straus(r, b, scalars, points, idx, n_full + n_half, scratch, scratch_len);
    }
    return gl_pippenger(r, b, scalars, points, idx, n_full, n_half, scratch, scratch_len);
}

/* ---- element-wise entry points for the differential tests ---- */

typedef void (*gl_fe_op2)(fel *h, const fel *f, const fel *g);

static void gl_fe_n(fe25519 *h, const fe25519 *f, const fe25519 *g, size_t n, gl_fe_op2 op)
{
    for (size_t base = 0; base < n; base += LANES) {
        const size_t cnt = n - base < LANES ? n - base : LANES;
        const fe25519 *fs[LANES], *gs[LANES];
        fe25519 *hs[LANES], dummy[LANES];
        for (size_t l = 0; l < LANES; l++) {
            fs[l] = l < cnt ? &f[base + l] : &f[base];
            gs[l] = l < cnt ? &g[base + l] : &g[base];
            hs[l] = l < cnt ? &h[base + l] : &dummy[l];
        }
        fel F, G, H;
        fel_load(&F, fs);
        fel_load(&G, gs);
        op(&H, &F, &G);
        fel_store(hs, &H, (1u << cnt) - 1);
    }
}

static void gl_fe_sq_op(fel *h, const fel *f, const fel *g)
{
    (void)g;
    fel_sq(h, f);
}

static void gl_fe_mul_n(fe25519 *h, const fe25519 *f, const fe25519 *g, size_t n)
{
    gl_fe_n(h, f, g, n, fel_mul);
}

static void gl_fe_sq_n(fe25519 *h, const fe25519 *f, size_t n)
{
    gl_fe_n(h, f, f, n, gl_fe_sq_op);
}

static void gl_fe_add_n(fe25519 *h, const fe25519 *f, const fe25519 *g, size_t n)
{
    gl_fe_n(h, f, g, n, fel_add);
}

static void gl_fe_sub_n(fe25519 *h, const fe25519 *f, const fe25519 *g, size_t n)
{
    gl_fe_n(h, f, g, n, fel_sub);
}

static void gl_ge_n(ge25519_p3 *r, const ge25519_p3 *p, const ge25519_p3 *q, size_t n)
{
    for (size_t base = 0; base < n; base += LANES) {
        const size_t cnt = n - base < LANES ? n - base : LANES;
        const ge25519_p3 *ps[LANES], *qs[LANES];
        ge25519_p3 *rs[LANES], dummy[LANES];
        for (size_t l = 0; l < LANES; l++) {
            ps[l] = l < cnt ? &p[base + l] : &gl_identity_p3;
            qs[l] = q ? (l < cnt ? &q[base + l] : &gl_identity_p3) : NULL;
            rs[l] = l < cnt ? &r[base + l] : &dummy[l];
        }
        gl_p3 P, R;
        gl_p1p1 s;
        gl_p3_load(&P, ps);
        if (q) {
            gl_p3 Q;
            gl_cached C;
            gl_p3_load(&Q, qs);
            gl_p3_to_cached(&C, &Q);
            gl_add_cached(&s, &P, &C);
        } else {
            gl_p2 P2 = { P.X, P.Y, P.Z };
            gl_p2_dbl(&s, &P2);
        }
        gl_p1p1_to_p3(&R, &s);
        gl_p3_store(rs, &R, (1u << cnt) - 1);
    }
}

static void gl_ge_add_n(ge25519_p3 *r, const ge25519_p3 *p, const ge25519_p3 *q, size_t n)
{
    gl_ge_n(r, p, q, n);
}

static void gl_ge_dbl_n(ge25519_p3 *r, const ge25519_p3 *p, size_t n)
{
    gl_ge_n(r, p, NULL, n);
}

/* Single verification: the two decompressions run in lanes; the [a]A + [b]B chain is LANES_DOUBLE_BASE
 * when the includer has one (IFMA: one point per vector), else the portable one, which measured faster
 * than running its two halves in two lanes of a vertical accumulator. */
#ifndef LANES_DOUBLE_BASE
#define LANES_DOUBLE_BASE ge25519_double_scalarmult_base_vartime
#endif
/* The challenge hashes: LANES_CHALLENGE_N when the includer has a multi-lane SHA-512, else one at a time. */
#ifndef LANES_CHALLENGE_N
#define LANES_CHALLENGE_N tss_ed25519_challenge_n_ref
#endif
const tss_ed25519_ops LANES_OPS = {
    gl_decode_zip215, gl_decode_zip215_neg, gl_msm_split, LANES_DOUBLE_BASE,
    gl_fe_mul_n, gl_fe_sq_n, gl_fe_add_n, gl_fe_sub_n, gl_ge_add_n, gl_ge_dbl_n, LANES_CHALLENGE_N,
};
