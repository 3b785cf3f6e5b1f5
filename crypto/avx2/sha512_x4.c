/* Multi-buffer SHA-512 on 4 lanes of ymm with AVX2 only: rotations by two shifts and an or, lane masks as
 * all-ones vectors for a blend. */
#include <immintrin.h>

typedef __m256i sl_vec;
typedef __m256i sl_mask;

/* all-ones in lane l iff bit l of bits is set */
static inline __m256i sl_avx2_mask(unsigned bits)
{
    const __m256i lane_bit = _mm256_setr_epi64x(1, 2, 4, 8);
    return _mm256_cmpeq_epi64(_mm256_and_si256(_mm256_set1_epi64x((long long)bits), lane_bit), lane_bit);
}

#define SL_LANES 4
#define SL_SUFFIX avx2
#define SL_ADD(a, b) _mm256_add_epi64(a, b)
#define SL_XOR3(a, b, c) _mm256_xor_si256(_mm256_xor_si256(a, b), c)
#define SL_CH(e, f, g) _mm256_xor_si256(_mm256_and_si256(e, _mm256_xor_si256(f, g)), g)
#define SL_MAJ(a, b, c) _mm256_or_si256(_mm256_and_si256(a, b), _mm256_and_si256(c, _mm256_or_si256(a, b)))
#define SL_ROR(x, n) _mm256_or_si256(_mm256_srli_epi64(x, n), _mm256_slli_epi64(x, 64 - (n)))
#define SL_SHR(x, n) _mm256_srli_epi64(x, n)
#define SL_SET1(x) _mm256_set1_epi64x((long long)(x))
#define SL_LOAD(p) _mm256_load_si256((const void *)(p))
#define SL_STORE(p, v) _mm256_store_si256((void *)(p), v)
#define SL_MASK(bits) sl_avx2_mask(bits)
#define SL_ADD_MASKED(h, m, x) _mm256_blendv_epi8(h, _mm256_add_epi64(h, x), m)
#include "crypto/simd/sha512_lanes_impl.h"
