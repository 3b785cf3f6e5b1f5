/* Multi-scalar multiplication over edwards25519, variable time: public points and scalars only.
 * r = sum_i [s_i] P_i. Straus (interleaved wNAF windows) for small n, Pippenger (buckets) for large n;
 * the switch point is measured (see bench/bench_msm.c). */
#ifndef TSS_MSM_H
#define TSS_MSM_H

#include <stddef.h>
#include <stdint.h>
#include "crypto/ge25519.h"

/* The entry points msm_scratch_size, msm_vartime, msm_vartime_with_base and msm_vartime_alloc choose the
 * verification backend (batch/msm_dispatch.c, above crypto/ed25519_backend.c); everything else here is the
 * portable code (batch/msm.c), which the backend tables call and which calls no backend.
 *
 * Bytes of scratch needed for msm_vartime with n terms (any alignment: 16 bytes of slack are included): the
 * most of the portable algorithms and the selected vector backend (tss_ed25519_ops_get(TSS_BACKEND_AUTO)),
 * so that msm_vartime takes the vector path. A smaller scratch that fits the portable code still works. */
size_t msm_scratch_size(size_t n);
/* 0 on success, -1 if scratch is too small. n = 0 gives the identity. Never allocates.
 * A scratch of msm_scratch_size(N) bytes serves every call with n <= N (when the preferred algorithm's
 * scratch does not fit, the other one is used), here and in msm_vartime_with_base / msm_vartime_split. */
int msm_vartime(ge25519_p3 *r, const sc25519 *scalars, const ge25519_p3 *points, size_t n,
                void *scratch, size_t scratch_len);
/* Same, but adds [b]B with the precomputed base table (b may be NULL). */
int msm_vartime_with_base(ge25519_p3 *r, const sc25519 *b, const sc25519 *scalars, const ge25519_p3 *points,
                          size_t n, void *scratch, size_t scratch_len);
/* Convenience: allocates the scratch itself (not for hot paths). Returns -1 on allocation failure. */
int msm_vartime_alloc(ge25519_p3 *r, const sc25519 *scalars, const ge25519_p3 *points, size_t n);

/* The base point's width-8 wNAF digits of b into naf_b (all zero when b is NULL), and the bit position where the
 * Horner pass over nw_full windows of c bits starts: the top window's, or b's highest digit if higher. */
int msm_combine_start(int8_t naf_b[256], const sc25519 *b, unsigned nw_full, unsigned c);
/* The last step of Pippenger (portable and SIMD backends): r = sum_j 2^(c*j) wsum[j] for j < nw_full, plus [b]B
 * (b may be NULL) with the base table's width-8 wNAF digits, by one Horner pass over bit positions. */
void msm_combine_windows_vartime(ge25519_p3 *r, const ge25519_p3 *wsum, unsigned nw_full, unsigned c,
                                 const sc25519 *b);

/* The portable code alone: msm_vartime_with_base without a vector backend, and its scratch size. */
int msm_portable_vartime(ge25519_p3 *r, const sc25519 *b, const sc25519 *scalars, const ge25519_p3 *points,
                         size_t n, void *scratch, size_t scratch_len);
size_t msm_portable_scratch_size(size_t n);

/* The individual algorithms, exposed for tests and benchmarks. */
int msm_straus_vartime(ge25519_p3 *r, const sc25519 *scalars, const ge25519_p3 *points, size_t n,
                       void *scratch, size_t scratch_len);
int msm_pippenger_vartime(ge25519_p3 *r, const sc25519 *scalars, const ge25519_p3 *points, size_t n,
                          void *scratch, size_t scratch_len);
size_t msm_straus_scratch_size(size_t n);
size_t msm_pippenger_scratch_size(size_t n);

/* The general form used by batch verification: terms [0, n_full) take any scalar, terms
 * [n_full, n_full + n_half) must have scalars < 2^128 (their upper windows are skipped; -1 if one is not).
 * Term i uses points[idx[i]] (points[i] when idx is NULL); b (may be NULL) multiplies the base point.
 * The scratch must hold msm_split_scratch_size(m) bytes for some m >= n_full + n_half. Never allocates. */
int msm_vartime_split(ge25519_p3 *r, const sc25519 *b, const sc25519 *scalars, const ge25519_p3 *points,
                      const uint32_t *idx, size_t n_full, size_t n_half, void *scratch, size_t scratch_len);
size_t msm_split_scratch_size(size_t n);
/* n at and above which msm_vartime uses Pippenger: the measured crossover (bench_msm, 2-core x86-64 VM:
 * Straus faster at 160 terms, Pippenger at 192). msm_vartime_split compares n_full + n_half / 2 with it. */
#define MSM_PIPPENGER_THRESHOLD 176

#endif
