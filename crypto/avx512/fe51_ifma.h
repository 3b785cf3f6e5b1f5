/* GF(2^255 - 19) on IFMA_LANES independent elements at once (vertical layout: lane l of limb vector i is
 * limb i of element l), radix 2^51 as in crypto/fe25519.h so that loads and stores need no conversion.
 * vpmadd52{lo,hi}uq multiply the low 52 bits of each operand, so every multiplication input must have
 * limbs < 2^52: add and sub carry (in parallel, one step) to keep limbs < 2^51 + 2^17.
 * Include with IFMA_LANES 4 (ymm) or 8 (zmm), in a file compiled with -mavx512f -mavx512vl -mavx512ifma.
 * Public data only: nothing here is meant to be constant time. */
#ifndef TSS_FE51_IFMA_H
#define TSS_FE51_IFMA_H

#include <immintrin.h>
#include <stdint.h>

#include "crypto/fe25519.h"

#if IFMA_LANES == 8
typedef __m512i vec;
#define V_ADD(a, b) _mm512_add_epi64(a, b)
#define V_SUB(a, b) _mm512_sub_epi64(a, b)
#define V_AND(a, b) _mm512_and_si512(a, b)
#define V_SRL(a, n) _mm512_srli_epi64(a, n)
#define V_SLL(a, n) _mm512_slli_epi64(a, n)
#define V_SET1(x) _mm512_set1_epi64((long long)(x))
#define V_ZERO() _mm512_setzero_si512()
#define V_MLO(acc, a, b) _mm512_madd52lo_epu64(acc, a, b)
#define V_MHI(acc, a, b) _mm512_madd52hi_epu64(acc, a, b)
#define V_LOAD(p) _mm512_load_si512((const void *)(p))
#define V_STORE(p, v) _mm512_store_si512((void *)(p), v)
#define V_BLEND(m, a, b) _mm512_mask_blend_epi64((__mmask8)(m), a, b)
#define V_MASK_SET1(v, m, x) _mm512_mask_set1_epi64(v, (__mmask8)(m), (long long)(x))
#elif IFMA_LANES == 4
typedef __m256i vec;
#define V_ADD(a, b) _mm256_add_epi64(a, b)
#define V_SUB(a, b) _mm256_sub_epi64(a, b)
#define V_AND(a, b) _mm256_and_si256(a, b)
#define V_SRL(a, n) _mm256_srli_epi64(a, n)
#define V_SLL(a, n) _mm256_slli_epi64(a, n)
#define V_SET1(x) _mm256_set1_epi64x((long long)(x))
#define V_ZERO() _mm256_setzero_si256()
#define V_MLO(acc, a, b) _mm256_madd52lo_epu64(acc, a, b)
#define V_MHI(acc, a, b) _mm256_madd52hi_epu64(acc, a, b)
#define V_LOAD(p) _mm256_load_si256((const void *)(p))
#define V_STORE(p, v) _mm256_store_si256((void *)(p), v)
#define V_BLEND(m, a, b) _mm256_mask_blend_epi64((__mmask8)(m), a, b)
#define V_MASK_SET1(v, m, x) _mm256_mask_set1_epi64(v, (__mmask8)(m), (long long)(x))
#else
#error "IFMA_LANES must be 4 or 8"
#endif

#define LANES IFMA_LANES

typedef struct { vec v[5]; } fel;

static inline vec v_mul19(vec x)
{
    return V_ADD(V_ADD(V_SLL(x, 4), V_SLL(x, 1)), x);
}

/* One parallel carry step: limbs < 2^63 in, limbs < 2^51 + 19 * 2^12 out. */
static inline void fel_pcarry(fel *h)
{
    const vec m = V_SET1(FE25519_MASK51);
    vec c[5];
    #pragma GCC unroll 10
    for (int i = 0; i < 5; i++) c[i] = V_SRL(h->v[i], 51);
    #pragma GCC unroll 10
    for (int i = 0; i < 5; i++) h->v[i] = V_AND(h->v[i], m);
    h->v[0] = V_MLO(h->v[0], c[4], V_SET1(19)); /* c[4] < 2^12: one multiply-add, exact */
    #pragma GCC unroll 10
    for (int i = 1; i < 5; i++) h->v[i] = V_ADD(h->v[i], c[i - 1]);
}

static inline void fel_add(fel *h, const fel *f, const fel *g)
{
    #pragma GCC unroll 10
    for (int i = 0; i < 5; i++) h->v[i] = V_ADD(f->v[i], g->v[i]);
    fel_pcarry(h);
}

/* f + 2p - g: g limbs < 2^52 - 38 */
static inline void fel_sub(fel *h, const fel *f, const fel *g)
{
    h->v[0] = V_SUB(V_ADD(f->v[0], V_SET1(0xfffffffffffdaULL)), g->v[0]);
    #pragma GCC unroll 10
    for (int i = 1; i < 5; i++) h->v[i] = V_SUB(V_ADD(f->v[i], V_SET1(0xffffffffffffeULL)), g->v[i]);
    fel_pcarry(h);
}

/* Products f_i g_j = lo + 2^52 hi have weight 2^(51(i+j)), so hi counts twice at position i+j+1;
 * positions 5..9 fold back with 2^255 = 19. Limbs < 2^52 in; sums stay < 2^61 before the carry. */
static inline void fel_mul(fel *h, const fel *f, const fel *g)
{
    vec lo[10], hi[10];
    #pragma GCC unroll 10
    for (int k = 0; k < 10; k++) lo[k] = hi[k] = V_ZERO();
    #pragma GCC unroll 10
    for (int i = 0; i < 5; i++) {
        #pragma GCC unroll 10
        for (int j = 0; j < 5; j++) {
            lo[i + j] = V_MLO(lo[i + j], f->v[i], g->v[j]);
            hi[i + j + 1] = V_MHI(hi[i + j + 1], f->v[i], g->v[j]);
        }
    }
    vec t[10];
    #pragma GCC unroll 10
    for (int k = 0; k < 10; k++) t[k] = V_ADD(lo[k], V_ADD(hi[k], hi[k]));
    #pragma GCC unroll 10
    for (int k = 0; k < 5; k++) h->v[k] = V_ADD(t[k], v_mul19(t[k + 5]));
    fel_pcarry(h);
}

/* f^2 = sum_k t_k 2^(51k) with t = d + 2(u + 2w): w holds the cross products' high halves, u the cross
 * products' low halves (each cross product counts twice) and the squares' high halves (which weigh 2^52, twice
 * their position), d the squares' low halves. Each sum is accumulated onto the doubled previous one, which
 * saves the additions of separate accumulators (measured faster, in throughput and latency). Doubling an
 * operand instead could push it past 52 bits. */
static inline void fel_sq(fel *h, const fel *f)
{
    vec w[10], u[10], t[10];
    #pragma GCC unroll 10
    for (int k = 0; k < 10; k++) w[k] = V_ZERO();
    #pragma GCC unroll 10
    for (int i = 0; i < 5; i++) {
        #pragma GCC unroll 10
        for (int j = i + 1; j < 5; j++) w[i + j + 1] = V_MHI(w[i + j + 1], f->v[i], f->v[j]);
    }
    #pragma GCC unroll 10
    for (int k = 0; k < 10; k++) u[k] = V_ADD(w[k], w[k]);
    #pragma GCC unroll 10
    for (int i = 0; i < 5; i++) {
        u[2 * i + 1] = V_MHI(u[2 * i + 1], f->v[i], f->v[i]);
        #pragma GCC unroll 10
        for (int j = i + 1; j < 5; j++) u[i + j] = V_MLO(u[i + j], f->v[i], f->v[j]);
    }
    #pragma GCC unroll 10
    for (int k = 0; k < 10; k++) t[k] = V_ADD(u[k], u[k]);
    #pragma GCC unroll 10
    for (int i = 0; i < 5; i++) t[2 * i] = V_MLO(t[2 * i], f->v[i], f->v[i]);
    #pragma GCC unroll 10
    for (int k = 0; k < 5; k++) h->v[k] = V_ADD(t[k], v_mul19(t[k + 5]));
    fel_pcarry(h);
}

static inline void fel_blend(fel *h, const fel *a, const fel *b, unsigned mask)
{
    #pragma GCC unroll 10
    for (int i = 0; i < 5; i++) h->v[i] = V_BLEND(mask, a->v[i], b->v[i]);
}

static inline void fel_bcast(fel *h, const fe25519 *f)
{
    #pragma GCC unroll 10
    for (int i = 0; i < 5; i++) h->v[i] = V_SET1(f->v[i]);
}

/* lane l <- *src[l] (limbs < 2^52) */
static inline void fel_load(fel *h, const fe25519 *const src[LANES])
{
    _Alignas(64) uint64_t buf[5][LANES];
    #pragma GCC unroll 10
    for (int l = 0; l < LANES; l++) {
        #pragma GCC unroll 10
        for (int i = 0; i < 5; i++) buf[i][l] = src[l]->v[i];
    }
    #pragma GCC unroll 10
    for (int i = 0; i < 5; i++) h->v[i] = V_LOAD(buf[i]);
}

/* lane l <- *src[l] for the lanes in mask, the others unchanged: a masked broadcast per limb straight from
 * memory, so a value written just before is forwarded (fel_load's scalar stores then vector load are not) */
#define FEL_HAS_INSERT_LANES 1
static inline void fel_insert_lanes(fel *h, const fe25519 *const src[LANES], unsigned mask)
{
    #pragma GCC unroll 8
    for (int l = 0; l < LANES; l++) {
        if (!(mask >> l & 1)) continue;
        #pragma GCC unroll 10
        for (int i = 0; i < 5; i++) h->v[i] = V_MASK_SET1(h->v[i], 1u << l, src[l]->v[i]);
    }
}

/* *dst[l] <- lane l, for the lanes in mask; limbs stay < 2^51 + 2^17 (a "reduced" fe25519) */
static inline void fel_store(fe25519 *const dst[LANES], const fel *h, unsigned mask)
{
    _Alignas(64) uint64_t buf[5][LANES];
    #pragma GCC unroll 10
    for (int i = 0; i < 5; i++) V_STORE(buf[i], h->v[i]);
    #pragma GCC unroll 10
    for (int l = 0; l < LANES; l++) {
        if (!(mask >> l & 1)) continue;
        #pragma GCC unroll 10
        for (int i = 0; i < 5; i++) dst[l]->v[i] = buf[i][l];
    }
}

#endif
