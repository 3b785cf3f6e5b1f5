/* GF(2^255 - 19) on 4 independent elements at once (vertical layout), ten limbs of 26 and 25 bits
 * (radix 2^25.5) in 64-bit lanes, multiplied with vpmuludq (32 x 32 -> 64 bits).
 * Limb k sits at bit ceil(25.5 k); even limbs hold 26 bits, odd limbs 25. Multiplication inputs must have
 * limbs < 2^27 (so that 19 g_j fits in 32 bits and ten products stay below 2^63): add and sub carry once
 * (in parallel) to keep every limb < 2^26 + 2^17. Compile with -mavx2. Public data only. */
#ifndef TSS_FE26_AVX2_H
#define TSS_FE26_AVX2_H

#include <immintrin.h>
#include <stdint.h>

#include "crypto/fe25519.h"

#define LANES 4

typedef __m256i vec;
typedef struct { vec v[10]; } fel;

#define M26 0x3ffffffULL
#define M25 0x1ffffffULL

/* acc += a * b, kept in this order: without the empty asm, GCC's reassociation hoists all the products of an
 * output limb ahead of the sums and spills them (two moves per product, measured) */
static inline vec v_madd(vec acc, vec a, vec b)
{
    acc = _mm256_add_epi64(acc, _mm256_mul_epu32(a, b));
    __asm__("" : "+x"(acc));
    return acc;
}

static inline vec v_mul19(vec x)
{
    return _mm256_add_epi64(_mm256_add_epi64(_mm256_slli_epi64(x, 4), _mm256_slli_epi64(x, 1)), x);
}

/* one parallel carry step: limbs < 2^63 in, limbs < 2^26 + 19 * 2^38 out (far smaller for small inputs) */
static inline void fel_pcarry(fel *h)
{
    vec c[10];
    #pragma GCC unroll 10
    for (int k = 0; k < 10; k++) {
        const int w = (k & 1) ? 25 : 26;
        c[k] = _mm256_srli_epi64(h->v[k], w);
        h->v[k] = _mm256_and_si256(h->v[k], _mm256_set1_epi64x((long long)((k & 1) ? M25 : M26)));
    }
    h->v[0] = _mm256_add_epi64(h->v[0], v_mul19(c[9]));
    #pragma GCC unroll 10
    for (int k = 1; k < 10; k++) h->v[k] = _mm256_add_epi64(h->v[k], c[k - 1]);
}

static inline void fel_add(fel *h, const fel *f, const fel *g)
{
    #pragma GCC unroll 10
    for (int k = 0; k < 10; k++) h->v[k] = _mm256_add_epi64(f->v[k], g->v[k]);
    fel_pcarry(h);
}

/* f + 2p - g */
static inline void fel_sub(fel *h, const fel *f, const fel *g)
{
    #pragma GCC unroll 10
    for (int k = 0; k < 10; k++) {
        const uint64_t twop = k == 0 ? 0x7ffffdaULL : (k & 1) ? 0x3fffffeULL : 0x7fffffeULL;
        h->v[k] = _mm256_sub_epi64(_mm256_add_epi64(f->v[k], _mm256_set1_epi64x((long long)twop)), g->v[k]);
    }
    fel_pcarry(h);
}

/* serial carry after a multiplication: every limb back under its width (limb 1 under 2^25 + 2^17) */
static inline void fel_carry_full(fel *h, vec t[10])
{
    #pragma GCC unroll 10
    for (int k = 0; k < 10; k++) {
        const int w = (k & 1) ? 25 : 26;
        const vec c = _mm256_srli_epi64(t[k], w);
        t[k] = _mm256_and_si256(t[k], _mm256_set1_epi64x((long long)((k & 1) ? M25 : M26)));
        if (k < 9) {
            t[k + 1] = _mm256_add_epi64(t[k + 1], c);
        } else {
            t[0] = _mm256_add_epi64(t[0], v_mul19(c));
        }
    }
    const vec c0 = _mm256_srli_epi64(t[0], 26);
    t[0] = _mm256_and_si256(t[0], _mm256_set1_epi64x((long long)M26));
    t[1] = _mm256_add_epi64(t[1], c0);
    #pragma GCC unroll 10
    for (int k = 0; k < 10; k++) h->v[k] = t[k];
}

/* h_k = sum_{i+j=k} f_i g_j (times 2 when i and j are odd: 2^25.5 * 2^25.5 = 2 * 2^51), with the terms
 * at k >= 10 folded back times 19. Product scanning (one output limb at a time, operands read from memory):
 * AVX2 has 16 ymm registers, and holding ten accumulators spilled two moves per product (measured). */
static inline void fel_mul(fel *h, const fel *f, const fel *g)
{
    vec g19[10], f2[10], t[10];
    #pragma GCC unroll 10
    for (int k = 0; k < 10; k++) {
        g19[k] = v_mul19(g->v[k]);
        f2[k] = (k & 1) ? _mm256_add_epi64(f->v[k], f->v[k]) : f->v[k];
    }
    #pragma GCC unroll 10
    for (int k = 0; k < 10; k++) {
        vec acc = _mm256_mul_epu32(f->v[0], g->v[k]);
        #pragma GCC unroll 10
        for (int i = 1; i < 10; i++) {
            const int j = i <= k ? k - i : k + 10 - i;
            const vec a = ((i & j) & 1) ? f2[i] : f->v[i];
            const vec b = i > k ? g19[j] : g->v[j];
            acc = v_madd(acc, a, b);
        }
        t[k] = acc;
    }
    fel_carry_full(h, t);
}

/* f^2: 55 products, the cross terms doubled through a doubled operand (limbs < 2^28, still fine); product
 * scanning as fel_mul */
static inline void fel_sq(fel *h, const fel *f)
{
    vec f19[10], f2[10], f4[10], t[10];
    #pragma GCC unroll 10
    for (int k = 0; k < 10; k++) {
        f19[k] = v_mul19(f->v[k]);
        f2[k] = _mm256_add_epi64(f->v[k], f->v[k]);
        f4[k] = _mm256_add_epi64(f2[k], f2[k]);
    }
    #pragma GCC unroll 10
    for (int k = 0; k < 10; k++) {
        vec acc = _mm256_setzero_si256();
        #pragma GCC unroll 10
        for (int i = 0; i < 10; i++) {
            const int j = i <= k ? k - i : k + 10 - i;
            if (j < i) continue; /* each pair once, from its smaller index */
            /* factor: 2 for i != j, times 2 more when both odd */
            const int fac = (i != j ? 2 : 1) * (((i & j) & 1) ? 2 : 1);
            const vec a = fac == 4 ? f4[i] : fac == 2 ? f2[i] : f->v[i];
            const vec b = i > k ? f19[j] : f->v[j];
            acc = v_madd(acc, a, b);
        }
        t[k] = acc;
    }
    fel_carry_full(h, t);
}

static inline void fel_blend(fel *h, const fel *a, const fel *b, unsigned mask)
{
    const vec m = _mm256_set_epi64x(-(long long)(mask >> 3 & 1), -(long long)(mask >> 2 & 1),
                                    -(long long)(mask >> 1 & 1), -(long long)(mask & 1));
    #pragma GCC unroll 10
    for (int k = 0; k < 10; k++) h->v[k] = _mm256_blendv_epi8(a->v[k], b->v[k], m);
}

static inline void fel_split51(uint64_t out[10], const fe25519 *f)
{
    #pragma GCC unroll 10
    for (int i = 0; i < 5; i++) {
        out[2 * i] = f->v[i] & M26;
        out[2 * i + 1] = f->v[i] >> 26;
    }
}

static inline void fel_bcast(fel *h, const fe25519 *f)
{
    uint64_t l[10];
    fel_split51(l, f);
    #pragma GCC unroll 10
    for (int k = 0; k < 10; k++) h->v[k] = _mm256_set1_epi64x((long long)l[k]);
}

/* lane l <- *src[l] (a reduced fe25519: limbs < 2^51 + 2^19) */
static inline void fel_load(fel *h, const fe25519 *const src[LANES])
{
    _Alignas(32) uint64_t buf[10][LANES];
    #pragma GCC unroll 10
    for (int l = 0; l < LANES; l++) {
        uint64_t t[10];
        fel_split51(t, src[l]);
        #pragma GCC unroll 10
        for (int k = 0; k < 10; k++) buf[k][l] = t[k];
    }
    #pragma GCC unroll 10
    for (int k = 0; k < 10; k++) h->v[k] = _mm256_load_si256((const void *)buf[k]);
}

static inline void fel_store(fe25519 *const dst[LANES], const fel *h, unsigned mask)
{
    _Alignas(32) uint64_t buf[10][LANES];
    #pragma GCC unroll 10
    for (int k = 0; k < 10; k++) _mm256_store_si256((void *)buf[k], h->v[k]);
    #pragma GCC unroll 10
    for (int l = 0; l < LANES; l++) {
        if (!(mask >> l & 1)) continue;
        #pragma GCC unroll 10
        for (int i = 0; i < 5; i++) dst[l]->v[i] = buf[2 * i][l] + (buf[2 * i + 1][l] << 26);
        fe25519_carry(dst[l]);
    }
}

#endif
