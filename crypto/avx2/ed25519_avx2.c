/* Ed25519 verification with AVX2: 4 lanes of radix 2^25.5 limbs. */
#include "crypto/avx2/fe26_avx2.h"

#define LANES_OPS tss_ed25519_ops_avx2
#define GL_PIPPENGER_THRESHOLD TSS_AVX2_PIPPENGER_THRESHOLD
#include "crypto/simd/lanes_layout.h"
#include "crypto/simd/sha512_lanes.h"
#define LANES_CHALLENGE_N tss_ed25519_challenge_n_avx2
#include "crypto/simd/ed25519_lanes_impl.h"
