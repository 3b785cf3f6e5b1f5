/* Ed25519 verification with AVX-512 IFMA on 256-bit vectors (4 lanes; two vpmadd52 per cycle on Zen 4). */
#define IFMA_LANES 4
#include "crypto/avx512/fe51_ifma.h"

#define LANES_OPS tss_ed25519_ops_ifma4
#define LANES_BACKEND TSS_BACKEND_AVX512Y
#define GL_PIPPENGER_THRESHOLD 48
#include "crypto/simd/ed25519_lanes_impl.h"
