/* [a]A + [b]B with one point per ymm vector: lanes hold (X, Y, Z, T) of an extended point, or (Y - X, Y + X,
 * 2dT, 2Z) of a cached one, as 4 x 5 limbs of radix 2^51 (the vertical field layer of fe51_ifma.h with
 * lanes as coordinates). The extended-coordinates formulas of Hisil, Wong, Carter and Dawson (the ones of
 * crypto/ge25519.c, rearranged) need four independent multiplications per step, which become one 4-lane
 * IFMA multiply; lane permutations and per-lane signed additions move values between the steps. The
 * result equals the portable one as a group element (its projective coordinates may differ).
 * Variable time: public data only. */
#define IFMA_LANES 4
#include "crypto/avx512/fe51_ifma.h"

#include "crypto/avx512/ge25519_ifma_single.h"

#include "batch/msm.h"

#define LX 1u
#define LY 2u
#define LZ 4u
#define LT 8u
/* the lane permutation that puts source lanes (a, b, c, d) into lanes (0, 1, 2, 3) */
#define SEL(a, b, c, d) (((d) << 6) | ((c) << 4) | ((b) << 2) | (a))

#define FEL_PERM(h, f, imm)                                                                                    \
    do {                                                                                                       \
        for (int i_ = 0; i_ < 5; i_++) (h)->v[i_] = _mm256_permute4x64_epi64((f)->v[i_], (imm));             \
    } while (0)
/* as FEL_PERM, with the lanes outside k zeroed */
#define FEL_PERMZ(h, k, f, imm)                                                                                \
    do {                                                                                                       \
        for (int i_ = 0; i_ < 5; i_++) (h)->v[i_] = _mm256_maskz_permutex_epi64((__mmask8)(k), (f)->v[i_], (imm)); \
    } while (0)

static const uint64_t two_p[5] = { 0xfffffffffffdaULL, 0xffffffffffffeULL, 0xffffffffffffeULL,
                                   0xffffffffffffeULL, 0xffffffffffffeULL };

/* h = a + b in the lanes outside neg, a - b (as a + 2p - b) in the lanes of neg; b limbs < 2^52 - 38 */
static inline void fel_addsub(fel *h, const fel *a, const fel *b, unsigned neg)
{
    #pragma GCC unroll 5
    for (int i = 0; i < 5; i++) {
        const vec s = _mm256_mask_sub_epi64(b->v[i], (__mmask8)neg, V_SET1(two_p[i]), b->v[i]);
        h->v[i] = V_ADD(a->v[i], s);
    }
    fel_pcarry(h);
}

/* the lanes of neg replaced by 2p - f (no carry needed: f limbs < 2^52 - 38 keep the result < 2^52) */
static inline void fel_neg_lanes(fel *h, const fel *f, unsigned neg)
{
    #pragma GCC unroll 5
    for (int i = 0; i < 5; i++) h->v[i] = _mm256_mask_sub_epi64(f->v[i], (__mmask8)neg, V_SET1(two_p[i]), f->v[i]);
}

/* r = [2]p: XX, YY, ZZ, (X + Y)^2 in one square, then (E, G, F, H) with E = (X+Y)^2 - XX - YY, G = YY - XX,
 * F = 2ZZ - G, H = XX + YY and (X, Y, Z, T) = (EF, GH, FG, EH) in one multiply (ge25519_p2_dbl's values). */
static void pt_dbl(fel *r, const fel *p)
{
    fel a, b, t, s, l, m;
    FEL_PERM(&a, p, SEL(0, 1, 2, 0));
    FEL_PERMZ(&b, LT, p, SEL(0, 0, 0, 1));
    fel_add(&t, &a, &b);                        /* X, Y, Z, X + Y */
    fel_sq(&s, &t);                             /* XX, YY, ZZ, SS */
    FEL_PERM(&a, &s, SEL(1, 1, 2, 3));
    FEL_PERMZ(&b, LX | LY | LZ, &s, SEL(0, 0, 2, 0));
    fel_addsub(&t, &a, &b, LY);                 /* H, G, 2ZZ, SS */
    FEL_PERM(&a, &t, SEL(3, 1, 2, 0));
    FEL_PERMZ(&b, LX | LZ, &t, SEL(0, 0, 1, 0));
    fel_addsub(&s, &a, &b, LX | LZ);            /* E, G, F, H */
    FEL_PERM(&l, &s, SEL(0, 1, 2, 0));
    FEL_PERM(&m, &s, SEL(2, 3, 1, 3));
    fel_mul(r, &l, &m);
}

/* (Y - X, Y + X, T, Z) of an extended point */
static inline void pt_diff_sum(fel *t, const fel *p)
{
    fel a, b;
    FEL_PERM(&a, p, SEL(1, 1, 3, 2));
    FEL_PERMZ(&b, LX | LY, p, SEL(0, 0, 0, 0));
    fel_addsub(t, &a, &b, LX);
}

/* r = p + q, q cached: (Y1 - X1, Y1 + X1, T1, Z1) * q = (B, A, C, 2D), then (X', Y', Z', T') =
 * (A - B, A + B, 2D + C, 2D - C) and (X, Y, Z, T) = (X'T', Y'Z', Z'T', X'Y') (ge25519_add_cached's values). */
static void pt_add(fel *r, const fel *p, const fel *q)
{
    fel a, b, t, s, l, m;
    pt_diff_sum(&t, p);
    fel_mul(&s, &t, q);
    FEL_PERM(&a, &s, SEL(1, 1, 3, 3));
    FEL_PERM(&b, &s, SEL(0, 0, 2, 2));
    fel_addsub(&t, &a, &b, LX | LT);
    FEL_PERM(&l, &t, SEL(0, 1, 2, 0));
    FEL_PERM(&m, &t, SEL(3, 2, 3, 1));
    fel_mul(r, &l, &m);
}

/* cached form of p: (Y - X, Y + X, T, Z) * (1, 1, 2d, 2) */
static void pt_to_cached(fel *c, const fel *p, const fel *k)
{
    fel t;
    pt_diff_sum(&t, p);
    fel_mul(c, &t, k);
}

/* -q for a cached q: Y - X and Y + X swap, 2dT changes sign */
static void cached_neg(fel *r, const fel *q)
{
    fel a;
    FEL_PERM(&a, q, SEL(1, 0, 2, 3));
    fel_neg_lanes(r, &a, LZ);
}

/* the cached form of an affine base-table entry (Z = 1), negated when neg */
static void base_cached(fel *c, const ge25519_precomp *e, int neg)
{
    const fe25519 *d = neg ? &e->yplusx : &e->yminusx, *s = neg ? &e->yminusx : &e->yplusx;
    #pragma GCC unroll 5
    for (int i = 0; i < 5; i++) {
        c->v[i] = _mm256_set_epi64x(i == 0 ? 2 : 0, (long long)e->xy2d.v[i], (long long)s->v[i], (long long)d->v[i]);
    }
    if (neg) fel_neg_lanes(c, c, LZ);
}

static void pt_load(fel *P, const ge25519_p3 *A)
{
    #pragma GCC unroll 5
    for (int j = 0; j < 5; j++) {
        P->v[j] = _mm256_set_epi64x((long long)A->T.v[j], (long long)A->Z.v[j], (long long)A->Y.v[j],
                                    (long long)A->X.v[j]);
    }
}

static void pt_store(ge25519_p3 *r, const fel *acc)
{
    _Alignas(32) uint64_t buf[5][4];
    for (int j = 0; j < 5; j++) V_STORE(buf[j], acc->v[j]);
    for (int j = 0; j < 5; j++) {
        r->X.v[j] = buf[j][0];
        r->Y.v[j] = buf[j][1];
        r->Z.v[j] = buf[j][2];
        r->T.v[j] = buf[j][3];
    }
}

/* (1, 1, 2d, 2): the factors that turn (Y - X, Y + X, T, Z) into a cached point */
static void cached_factors(fel *k)
{
    #pragma GCC unroll 5
    for (int j = 0; j < 5; j++) k->v[j] = _mm256_set_epi64x(j == 0 ? 2 : 0, (long long)fe25519_d2.v[j], j == 0, j == 0);
}

static void pt_identity(fel *acc)
{
    for (int j = 0; j < 5; j++) acc->v[j] = _mm256_set_epi64x(0, j == 0, j == 0, 0);
}

void ge25519_ifma_combine_windows_vartime(ge25519_p3 *r, const ge25519_p3 *wsum, unsigned nw, unsigned c,
                                          const sc25519 *b)
{
    int8_t bnaf[256];
    const int top = msm_combine_start(bnaf, b, nw, c);
    const ge25519_precomp *btab = ge25519_base_odd_multiples_table();
    fel k, acc, P, C;
    cached_factors(&k);
    pt_identity(&acc);
    int started = 0;
    for (int pos = top; pos >= 0; pos--) {
        if (started) pt_dbl(&acc, &acc);
        if (pos % (int)c == 0 && pos / (int)c < (int)nw) {
            const ge25519_p3 *w = &wsum[pos / (int)c];
            if (!ge25519_is_identity(w)) {
                pt_load(&P, w);
                pt_to_cached(&C, &P, &k);
                pt_add(&acc, &acc, &C);
                started = 1;
            }
        }
        const int db = bnaf[pos];
        if (db) {
            base_cached(&C, &btab[(db > 0 ? db : -db) / 2], db < 0);
            pt_add(&acc, &acc, &C);
            started = 1;
        }
    }
    pt_store(r, &acc);
}

void ge25519_ifma_double_scalarmult_base_vartime(ge25519_p3 *r, const sc25519 *a, const ge25519_p3 *A,
                                                 const sc25519 *b)
{
    int8_t anaf[256], bnaf[256];
    ge25519_wnaf_vartime(anaf, a, 5);
    ge25519_wnaf_vartime(bnaf, b, 8);
    int i = 255;
    while (i >= 0 && anaf[i] == 0 && bnaf[i] == 0) i--;
    if (i < 0) {
        ge25519_identity(r);
        return;
    }
    const ge25519_precomp *btab = ge25519_base_odd_multiples_table();

    fel k, P, P2, C2, tab[8], ntab[8];
    cached_factors(&k);
    pt_load(&P, A);
    /* A, 3A, ..., 15A */
    pt_to_cached(&tab[0], &P, &k);
    pt_dbl(&P2, &P);
    pt_to_cached(&C2, &P2, &k);
    for (int j = 1; j < 8; j++) {
        pt_add(&P, &P, &C2);
        pt_to_cached(&tab[j], &P, &k);
    }
    for (int j = 0; j < 8; j++) cached_neg(&ntab[j], &tab[j]);

    /* doublings start at the first nonzero digit (none of the identity) */
    fel acc, c;
    pt_identity(&acc);
    int started = 0;
    for (; i >= 0; i--) {
        if (started) pt_dbl(&acc, &acc);
        const int da = anaf[i], db = bnaf[i];
        if (da) {
            pt_add(&acc, &acc, da > 0 ? &tab[da / 2] : &ntab[-da / 2]);
            started = 1;
        }
        if (db) {
            base_cached(&c, &btab[(db > 0 ? db : -db) / 2], db < 0);
            pt_add(&acc, &acc, &c);
            started = 1;
        }
    }
    pt_store(r, &acc);
}
