/* Multi-buffer SHA-512 on 8 lanes of zmm: vprorq rotations, vpternlogq for the three-input functions and
 * masked adds for lanes whose message has ended. */
#include <immintrin.h>

typedef __m512i sl_vec;
typedef __mmask8 sl_mask;
#define SL_LANES 8
#define SL_SUFFIX avx512
#define SL_ADD(a, b) _mm512_add_epi64(a, b)
#define SL_XOR3(a, b, c) _mm512_ternarylogic_epi64(a, b, c, 0x96)
#define SL_CH(e, f, g) _mm512_ternarylogic_epi64(e, f, g, 0xca)
#define SL_MAJ(a, b, c) _mm512_ternarylogic_epi64(a, b, c, 0xe8)
#define SL_ROR(x, n) _mm512_ror_epi64(x, n)
#define SL_SHR(x, n) _mm512_srli_epi64(x, n)
#define SL_SET1(x) _mm512_set1_epi64((long long)(x))
#define SL_LOAD(p) _mm512_load_si512((const void *)(p))
#define SL_STORE(p, v) _mm512_store_si512((void *)(p), v)
#define SL_MASK(bits) ((__mmask8)(bits))
#define SL_ADD_MASKED(h, m, x) _mm512_mask_add_epi64(h, m, h, x)
#include "crypto/simd/sha512_lanes_impl.h"
