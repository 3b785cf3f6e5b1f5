/* Ed25519 verification with AVX-512 IFMA on 512-bit vectors (8 lanes). */
#define IFMA_LANES 8
#include "crypto/avx512/fe51_ifma.h"

#define LANES_OPS tss_ed25519_ops_ifma8
#define LANES_BACKEND TSS_BACKEND_AVX512Z
#define GL_PIPPENGER_THRESHOLD 48
#include "crypto/simd/ed25519_lanes_impl.h"
