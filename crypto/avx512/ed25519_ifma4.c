/* Ed25519 verification with AVX-512 IFMA on 256-bit vectors (4 lanes; two vpmadd52 per cycle on Zen 4). */
#define IFMA_LANES 4
#include "crypto/avx512/fe51_ifma.h"
#include "crypto/avx512/ge25519_ifma_single.h"

#define LANES_OPS tss_ed25519_ops_ifma4
#define GL_PIPPENGER_THRESHOLD TSS_IFMA_PIPPENGER_THRESHOLD
#define LANES_DOUBLE_BASE ge25519_ifma_double_scalarmult_base_vartime
#define LANES_COMBINE_WINDOWS ge25519_ifma_combine_windows_vartime
#include "crypto/simd/lanes_layout.h"
#include "crypto/simd/sha512_lanes.h"
#define LANES_CHALLENGE_N tss_ed25519_challenge_n_avx512
#include "crypto/simd/ed25519_lanes_impl.h"
