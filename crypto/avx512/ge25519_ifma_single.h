/* [a]A + [b]B for one point with AVX-512 IFMA: the four coordinates of a point share one ymm vector (lane
 * layout X, Y, Z, T), so every field multiplication of the parallel Edwards formulas runs as one 4-lane
 * multiply. Defined only when the build includes AVX-512 IFMA (TSS_HAVE_AVX512IFMA in crypto/isa_config.h);
 * call only where tss_backend_supported(TSS_BACKEND_AVX512Y). Variable time: public data only. */
#ifndef TSS_GE25519_IFMA_SINGLE_H
#define TSS_GE25519_IFMA_SINGLE_H

#include "crypto/ge25519.h"
#include "crypto/sc25519.h"

/* Same result (as a group element) as ge25519_double_scalarmult_base_vartime. */
void ge25519_ifma_double_scalarmult_base_vartime(ge25519_p3 *r, const sc25519 *a, const ge25519_p3 *A,
                                                 const sc25519 *b);

/* r = sum_j [2^(c j)] wsum[j] (j < nw) + [b]B (b may be NULL), by Horner from the top window with the base
 * point's wNAF digits added on the way: the same group element as msm_combine_windows_vartime (batch/msm.h),
 * the last step of Pippenger, whose c * nw doublings form one chain that one-point-per-vector formulas
 * shorten. */
void ge25519_ifma_combine_windows_vartime(ge25519_p3 *r, const ge25519_p3 *wsum, unsigned nw, unsigned c,
                                          const sc25519 *b);

#endif
