/* Multi-scalar multiplication, variable time (public points and scalars only).
 *
 * Straus: one wNAF (width 5) per scalar and a table of odd multiples [1,3,..,15]P per point in cached form;
 * the doublings are shared, so each term costs its table (7 additions) plus about bits/6 additions.
 * Pippenger: signed radix-2^c digits into 2^(c-1) buckets per window; each window costs one addition per
 * term plus 2^c for the bucket sums, and the windows are joined by 253 shared doublings.
 * Both take "half" terms (scalars < 2^128) whose upper windows are skipped, and the base point term is
 * folded into the doubling chain with the precomputed width-8 table of odd multiples of B. */
#include "batch/msm.h"
#include "crypto/fe25519.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MSM_ALIGN 16
#define STRAUS_W 5
#define STRAUS_TABLE 8 /* 2^(STRAUS_W - 2) odd multiples */
#define BASE_W 8
#define PIPP_C_MIN 4
#define PIPP_C_MAX 16
#define PIPP_WINDOWS_MAX (253 / PIPP_C_MIN + 1)
#define SCALAR_BITS 253 /* every canonical scalar is < L < 2^253 */
#define HALF_BITS 128
/* More terms than this would overflow the scratch-size arithmetic (and the 24-bit term ids of Straus). */
#define MSM_TERMS_MAX ((size_t)1 << 24 < SIZE_MAX / 4096 ? (size_t)1 << 24 : SIZE_MAX / 4096)

typedef struct {
    const sc25519 *scalars;
    const ge25519_p3 *points;
    const uint32_t *idx; /* term i uses points[idx[i]], or points[i] when NULL */
    size_t n_full;       /* terms [0, n_full) have any scalar */
    size_t n_half;       /* terms [n_full, n_full + n_half) have scalars < 2^128 */
} msm_terms;

static const ge25519_p3 *term_point(const msm_terms *t, size_t i)
{
    return t->idx ? &t->points[t->idx[i]] : &t->points[i];
}

static uint8_t *align_up(void *p)
{
    uintptr_t u = (uintptr_t)p;
    return (uint8_t *)((u + (MSM_ALIGN - 1)) & ~(uintptr_t)(MSM_ALIGN - 1));
}

static size_t round_up(size_t x)
{
    return (x + (MSM_ALIGN - 1)) & ~(size_t)(MSM_ALIGN - 1);
}

/* ---- Straus ---- */

/* Upper bound on the nonzero wNAF digits of one scalar < 2^254: they are at least STRAUS_W apart. */
#define STRAUS_EVENTS_MAX (256 / STRAUS_W + 2)

size_t msm_straus_scratch_size(size_t n)
{
    if (n > MSM_TERMS_MAX) return SIZE_MAX; /* no scratch can be that large: the check then fails */
    /* per term: its odd-multiples table; per digit: its position, its packed (term, digit) word and that
     * word's slot in the position-sorted list */
    return MSM_ALIGN + round_up(n * STRAUS_TABLE * sizeof(ge25519_cached)) +
           round_up(n * STRAUS_EVENTS_MAX * sizeof(uint16_t)) + 2 * round_up(n * STRAUS_EVENTS_MAX * sizeof(uint32_t));
}

static void odd_multiples(ge25519_cached table[STRAUS_TABLE], const ge25519_p3 *p)
{
    ge25519_p3 p2, u;
    ge25519_cached p2c;
    ge25519_p1p1 t;
    ge25519_dbl(&p2, p);
    ge25519_p3_to_cached(&p2c, &p2);
    ge25519_p3_to_cached(&table[0], p);
    u = *p;
    for (size_t i = 1; i < STRAUS_TABLE; i++) {
        ge25519_add_cached(&t, &u, &p2c);
        ge25519_p1p1_to_p3(&u, &t);
        ge25519_p3_to_cached(&table[i], &u);
    }
}

/* k >>= t for 0 < t <= 64 over five limbs */
static void shr5(uint64_t k[5], unsigned t)
{
    if (t == 64) {
        k[0] = k[1], k[1] = k[2], k[2] = k[3], k[3] = k[4], k[4] = 0;
        return;
    }
    for (int i = 0; i < 4; i++) k[i] = (k[i] >> t) | (k[i + 1] << (64 - t));
    k[4] >>= t;
}

/* Width-w NAF as a list of (position, odd digit in (-2^(w-1), 2^(w-1))), skipping zero runs with ctz. */
static size_t wnaf_list(uint16_t *pos, int8_t *dig, const sc25519 *s, unsigned w)
{
    uint64_t k[5] = { s->v[0], s->v[1], s->v[2], s->v[3], 0 };
    const uint64_t mask = ((uint64_t)1 << w) - 1, half = (uint64_t)1 << (w - 1);
    unsigned p = 0;
    size_t m = 0;
    while (k[0] | k[1] | k[2] | k[3] | k[4]) {
        if ((k[0] & 1) == 0) {
            const unsigned t = k[0] ? (unsigned)__builtin_ctzll(k[0]) : 64;
            shr5(k, t);
            p += t;
            continue;
        }
        const uint64_t r = k[0] & mask;
        int d;
        if (r >= half) {
            /* k += 2^w - r */
            d = (int)r - (int)(mask + 1);
            uint64_t add = (mask + 1) - r;
            for (int i = 0; i < 5 && add; i++) {
                k[i] += add;
                add = k[i] < add;
            }
        } else {
            d = (int)r;
            k[0] -= r; /* no borrow: r is the low bits of k[0] */
        }
        pos[m] = (uint16_t)p;
        dig[m] = (int8_t)d;
        m++;
        shr5(k, w);
        p += w;
    }
    return m;
}

static int straus(ge25519_p3 *r, const sc25519 *b, const msm_terms *t, void *scratch, size_t scratch_len)
{
    const size_t n = t->n_full + t->n_half;
    if (n > MSM_TERMS_MAX || n >= ((size_t)1 << 24)) return -1; /* term ids are packed into 24 bits */
    if (scratch_len < msm_straus_scratch_size(n)) return -1;
    uint8_t *p = align_up(scratch);
    ge25519_cached *tables = (ge25519_cached *)p;
    p += round_up(n * STRAUS_TABLE * sizeof(ge25519_cached));
    uint16_t *epos = (uint16_t *)p;
    p += round_up(n * STRAUS_EVENTS_MAX * sizeof(uint16_t));
    uint32_t *raw = (uint32_t *)p; /* term << 8 | (uint8_t)digit, in term order */
    p += round_up(n * STRAUS_EVENTS_MAX * sizeof(uint32_t));
    uint32_t *sorted = (uint32_t *)p; /* the same words sorted by position */
    int8_t dig[STRAUS_EVENTS_MAX];

    /* digits as sparse lists: no scan over the zero digits, no unpredictable branch per (term, bit) */
    uint32_t start[258];
    memset(start, 0, sizeof start);
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        const size_t m = wnaf_list(&epos[total], dig, &t->scalars[i], STRAUS_W);
        if (m == 0) continue;
        odd_multiples(&tables[i * STRAUS_TABLE], term_point(t, i));
        for (size_t j = 0; j < m; j++) {
            start[epos[total + j] + 1]++;
            raw[total + j] = ((uint32_t)i << 8) | (uint8_t)dig[j];
        }
        total += m;
    }
    for (int j = 0; j < 257; j++) start[j + 1] += start[j];
    uint32_t fill[257];
    memcpy(fill, start, sizeof fill);
    for (size_t e = 0; e < total; e++) sorted[fill[epos[e]]++] = raw[e];

    int top = -1;
    for (int j = 255; j >= 0; j--) {
        if (start[j + 1] != start[j]) {
            top = j;
            break;
        }
    }
    int8_t naf_b[256];
    if (b) {
        sc25519_wnaf_vartime(naf_b, b, BASE_W);
        for (int j = 255; j > top; j--) {
            if (naf_b[j]) {
                top = j;
                break;
            }
        }
    } else {
        memset(naf_b, 0, sizeof naf_b);
    }
    if (top < 0) {
        ge25519_identity(r);
        return 0;
    }

    const ge25519_precomp *btab = ge25519_base_odd_multiples_table();
    ge25519_p3 u;
    ge25519_p2 q;
    ge25519_p1p1 s;
    ge25519_identity(&u);
    ge25519_p3_to_p2(&q, &u);
    for (int j = top; j >= 0; j--) {
        ge25519_p2_dbl(&s, &q);
        for (uint32_t e = start[j]; e < start[j + 1]; e++) {
            const uint32_t w = sorted[e];
            const int d = (int8_t)(uint8_t)(w & 0xff);
            const ge25519_cached *tab = &tables[(size_t)(w >> 8) * STRAUS_TABLE];
            ge25519_p1p1_to_p3(&u, &s);
            if (d > 0) {
                ge25519_add_cached(&s, &u, &tab[d / 2]);
            } else {
                ge25519_sub_cached(&s, &u, &tab[-d / 2]);
            }
        }
        const int db = naf_b[j];
        if (db > 0) {
            ge25519_p1p1_to_p3(&u, &s);
            ge25519_add_precomp(&s, &u, &btab[db / 2]);
        } else if (db < 0) {
            ge25519_p1p1_to_p3(&u, &s);
            ge25519_sub_precomp(&s, &u, &btab[-db / 2]);
        }
        if (j > 0) ge25519_p1p1_to_p2(&q, &s);
    }
    ge25519_p1p1_to_p3(r, &s);
    return 0;
}

/* ---- Pippenger ---- */

static size_t windows_for(unsigned bits, unsigned c)
{
    return bits / c + 1;
}

/* Additions for window width c: one per term per window, plus the running sums over the buckets. */
static uint64_t pipp_cost(size_t n_full, size_t n_half, unsigned c)
{
    return (uint64_t)windows_for(SCALAR_BITS, c) * ((uint64_t)n_full + ((uint64_t)1 << c)) +
           (uint64_t)windows_for(HALF_BITS, c) * n_half;
}

/* Greedy ascent on the cost; for all-full terms the result is non-decreasing in n, which keeps
 * msm_pippenger_scratch_size monotone. */
static unsigned pipp_width(size_t n_full, size_t n_half)
{
    unsigned c = PIPP_C_MIN;
    while (c < PIPP_C_MAX && pipp_cost(n_full, n_half, c + 1) <= pipp_cost(n_full, n_half, c)) c++;
    return c;
}

static size_t pipp_scratch_for(size_t n, unsigned c)
{
    if (n > MSM_TERMS_MAX) return SIZE_MAX;
    const size_t buckets = (size_t)1 << (c - 1);
    return MSM_ALIGN + round_up(n * sizeof(ge25519_cached)) + round_up(buckets * sizeof(ge25519_p3)) +
           round_up(PIPP_WINDOWS_MAX * sizeof(ge25519_p3)) + round_up(n) + round_up(buckets);
}

size_t msm_pippenger_scratch_size(size_t n)
{
    return pipp_scratch_for(n, pipp_width(n, 0));
}

static unsigned get_bits(const sc25519 *s, unsigned pos, unsigned c)
{
    const unsigned limb = pos / 64, off = pos % 64;
    if (limb >= 4) return 0;
    uint64_t v = s->v[limb] >> off;
    if (off + c > 64 && limb < 3) v |= s->v[limb + 1] << (64 - off);
    return (unsigned)(v & (((uint64_t)1 << c) - 1));
}

static int all_affine(const msm_terms *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const fe25519 *z = &term_point(t, i)->Z;
        if (z->v[0] != 1 || (z->v[1] | z->v[2] | z->v[3] | z->v[4]) != 0) return 0;
    }
    return 1;
}

static void add_p3(ge25519_p3 *acc, const ge25519_p3 *p)
{
    ge25519_cached pc;
    ge25519_p1p1 s;
    ge25519_p3_to_cached(&pc, p);
    ge25519_add_cached(&s, acc, &pc);
    ge25519_p1p1_to_p3(acc, &s);
}

int msm_combine_start(int8_t naf_b[256], const sc25519 *b, unsigned nw_full, unsigned c)
{
    int top = (int)((nw_full - 1) * c);
    if (!b) {
        memset(naf_b, 0, 256);
        return top;
    }
    sc25519_wnaf_vartime(naf_b, b, BASE_W);
    for (int j = 255; j > top; j--) {
        if (naf_b[j]) return j;
    }
    return top;
}

void msm_combine_windows_vartime(ge25519_p3 *r, const ge25519_p3 *wsum, unsigned nw_full, unsigned c,
                                 const sc25519 *b)
{
    /* Horner over bit positions, with the base point's wNAF digits added on the way */
    int8_t naf_b[256];
    const int top = msm_combine_start(naf_b, b, nw_full, c);
    const ge25519_precomp *btab = ge25519_base_odd_multiples_table();
    ge25519_p3 acc;
    int acc_set = 0;
    for (int pos = top; pos >= 0; pos--) {
        if (acc_set) ge25519_dbl(&acc, &acc);
        if (pos % (int)c == 0 && pos / (int)c < (int)nw_full) {
            const ge25519_p3 *w = &wsum[pos / (int)c];
            if (!ge25519_is_identity(w)) {
                if (acc_set) {
                    add_p3(&acc, w);
                } else {
                    acc = *w;
                    acc_set = 1;
                }
            }
        }
        const int db = naf_b[pos];
        if (db != 0) {
            if (!acc_set) {
                ge25519_identity(&acc);
                acc_set = 1;
            }
            ge25519_p1p1 s;
            if (db > 0) {
                ge25519_add_precomp(&s, &acc, &btab[db / 2]);
            } else {
                ge25519_sub_precomp(&s, &acc, &btab[-db / 2]);
            }
            ge25519_p1p1_to_p3(&acc, &s);
        }
    }
    if (acc_set) {
        *r = acc;
    } else {
        ge25519_identity(r);
    }
}

static int pippenger(ge25519_p3 *r, const sc25519 *b, const msm_terms *t, void *scratch, size_t scratch_len)
{
    const size_t n = t->n_full + t->n_half;
    if (n > MSM_TERMS_MAX) return -1;
    const unsigned cap = pipp_width(n, 0);
    unsigned c = pipp_width(t->n_full, t->n_half);
    if (c > cap) c = cap;
    if (scratch_len < pipp_scratch_for(n, cap)) return -1;

    uint8_t *p = align_up(scratch);
    ge25519_cached *cached = (ge25519_cached *)p;
    p += round_up(n * sizeof(ge25519_cached));
    ge25519_p3 *bucket = (ge25519_p3 *)p;
    p += round_up(((size_t)1 << (cap - 1)) * sizeof(ge25519_p3));
    ge25519_p3 *wsum = (ge25519_p3 *)p;
    p += round_up(PIPP_WINDOWS_MAX * sizeof(ge25519_p3));
    uint8_t *carry = p;
    p += round_up(n);
    uint8_t *used = p;

    const size_t nb = (size_t)1 << (c - 1);
    const unsigned nw_full = (unsigned)windows_for(SCALAR_BITS, c);
    const unsigned nw_half = (unsigned)windows_for(HALF_BITS, c);
    const unsigned half = 1u << (c - 1);
    const size_t n_full = t->n_full;

    /* Points with Z = 1 (freshly decoded ones) go into the buckets with the mixed addition (7M, not 8M). */
    ge25519_precomp *pre = (ge25519_precomp *)(void *)cached; /* same region: a precomp is smaller */
    const int affine = all_affine(t, n);
    for (size_t i = 0; i < n; i++) {
        const ge25519_p3 *P = term_point(t, i);
        if (affine) {
            fe25519_add(&pre[i].yplusx, &P->Y, &P->X);
            fe25519_sub(&pre[i].yminusx, &P->Y, &P->X);
            fe25519_mul(&pre[i].xy2d, &P->T, &fe25519_d2);
        } else {
            ge25519_p3_to_cached(&cached[i], P);
        }
    }
    memset(carry, 0, n);

    /* window sums W_j, low to high so that the digit carries propagate */
    for (unsigned j = 0; j < nw_full; j++) {
        memset(used, 0, nb);
        const size_t m = j < nw_half ? n : n_full;
        const unsigned last = (unsigned)(j + 1 == nw_full);
        for (size_t i = 0; i < m; i++) {
            const unsigned last_i = i < n_full ? last : (unsigned)(j + 1 == nw_half);
            unsigned v = get_bits(&t->scalars[i], j * c, c) + carry[i];
            int d;
            if (v > half || (v == half && !last_i)) {
                d = (int)v - (int)(1u << c);
                carry[i] = 1;
            } else {
                d = (int)v;
                carry[i] = 0;
            }
            if (d == 0) continue;
            const size_t k = (size_t)(d > 0 ? d : -d) - 1;
            if (!used[k]) {
                used[k] = 1;
                if (d > 0) {
                    bucket[k] = *term_point(t, i);
                } else {
                    ge25519_neg(&bucket[k], term_point(t, i));
                }
            } else {
                ge25519_p1p1 s;
                if (affine) {
                    if (d > 0) {
                        ge25519_add_precomp(&s, &bucket[k], &pre[i]);
                    } else {
                        ge25519_sub_precomp(&s, &bucket[k], &pre[i]);
                    }
                } else if (d > 0) {
                    ge25519_add_cached(&s, &bucket[k], &cached[i]);
                } else {
                    ge25519_sub_cached(&s, &bucket[k], &cached[i]);
                }
                ge25519_p1p1_to_p3(&bucket[k], &s);
            }
        }
        /* W_j = sum_k (k+1) bucket[k] as running sums from the top bucket */
        ge25519_p3 run, tot;
        int run_set = 0, tot_set = 0;
        for (size_t k = nb; k-- > 0;) {
            if (used[k]) {
                if (run_set) {
                    add_p3(&run, &bucket[k]);
                } else {
                    run = bucket[k];
                    run_set = 1;
                }
            }
            if (run_set) {
                if (tot_set) {
                    add_p3(&tot, &run);
                } else {
                    tot = run;
                    tot_set = 1;
                }
            }
        }
        if (tot_set) {
            wsum[j] = tot;
        } else {
            ge25519_identity(&wsum[j]);
        }
    }

    msm_combine_windows_vartime(r, wsum, nw_full, c, b);
    return 0;
}

/* ---- dispatch ---- */

static int halves_in_range(const msm_terms *t)
{
    for (size_t i = t->n_full; i < t->n_full + t->n_half; i++) {
        if (t->scalars[i].v[2] | t->scalars[i].v[3]) return 0;
    }
    return 1;
}

/* Straus while the (half-weighted) term count is below the measured threshold. */
static int use_straus(size_t n_full, size_t n_half)
{
    return n_full + (n_half + 1) / 2 < MSM_PIPPENGER_THRESHOLD;
}

/* The preferred algorithm, or the other one when only its scratch fits. Straus needs more scratch than
 * Pippenger just below the threshold, so a scratch of msm_scratch_size(N) always fits one of them for
 * every n <= N: callers may size once for their largest call. */
static int dispatch(ge25519_p3 *r, const sc25519 *b, const msm_terms *t, int prefer_straus, void *scratch,
                    size_t scratch_len)
{
    const size_t n = t->n_full + t->n_half;
    const int straus_fits = scratch_len >= msm_straus_scratch_size(n);
    const int pipp_fits = scratch_len >= msm_pippenger_scratch_size(n);
    if (straus_fits && (prefer_straus || !pipp_fits)) return straus(r, b, t, scratch, scratch_len);
    if (pipp_fits) return pippenger(r, b, t, scratch, scratch_len);
    return -1;
}

size_t msm_portable_scratch_size(size_t n)
{
    if (n > MSM_TERMS_MAX) return SIZE_MAX;
    return n < MSM_PIPPENGER_THRESHOLD ? msm_straus_scratch_size(n) : msm_pippenger_scratch_size(n);
}

size_t msm_split_scratch_size(size_t n)
{
    const size_t ns = n < 2 * MSM_PIPPENGER_THRESHOLD ? n : 2 * MSM_PIPPENGER_THRESHOLD;
    const size_t a = msm_straus_scratch_size(ns), p = msm_pippenger_scratch_size(n);
    return a > p ? a : p;
}

int msm_vartime_split(ge25519_p3 *r, const sc25519 *b, const sc25519 *scalars, const ge25519_p3 *points,
                      const uint32_t *idx, size_t n_full, size_t n_half, void *scratch, size_t scratch_len)
{
    if (n_full > MSM_TERMS_MAX || n_half > MSM_TERMS_MAX) return -1;
    const msm_terms t = { scalars, points, idx, n_full, n_half };
    if (!halves_in_range(&t)) return -1;
    return dispatch(r, b, &t, use_straus(n_full, n_half), scratch, scratch_len);
}

int msm_portable_vartime(ge25519_p3 *r, const sc25519 *b, const sc25519 *scalars, const ge25519_p3 *points,
                         size_t n, void *scratch, size_t scratch_len)
{
    if (n > MSM_TERMS_MAX) return -1;
    const msm_terms t = { scalars, points, NULL, n, 0 };
    return dispatch(r, b, &t, n < MSM_PIPPENGER_THRESHOLD, scratch, scratch_len);
}

int msm_straus_vartime(ge25519_p3 *r, const sc25519 *scalars, const ge25519_p3 *points, size_t n,
                       void *scratch, size_t scratch_len)
{
    const msm_terms t = { scalars, points, NULL, n, 0 };
    return straus(r, NULL, &t, scratch, scratch_len);
}

int msm_pippenger_vartime(ge25519_p3 *r, const sc25519 *scalars, const ge25519_p3 *points, size_t n,
                          void *scratch, size_t scratch_len)
{
    const msm_terms t = { scalars, points, NULL, n, 0 };
    return pippenger(r, NULL, &t, scratch, scratch_len);
}
