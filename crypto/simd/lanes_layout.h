/* Scratch layout of the vector backends' MSMs (crypto/simd/ed25519_lanes_impl.h), in portable code.
 *
 * Sizes are metadata: portable code asks for them before it knows whether the CPU runs the backend (the batch
 * verifier sizes one scratch for every backend), so they must never be computed by code compiled with ISA
 * flags (see the rule in crypto/ed25519_backend.h). The ISA code calls these same functions to carve its
 * scratch, so the size and the carving cannot drift apart. */
#ifndef TSS_LANES_LAYOUT_H
#define TSS_LANES_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#define TSS_LANES_STRAUS_W 5
#define TSS_LANES_STRAUS_TABLE 8 /* 2^(w - 2) odd multiples */
#define TSS_LANES_EVENTS_MAX (256 / TSS_LANES_STRAUS_W + 2)
#define TSS_LANES_C_MIN 4
#define TSS_LANES_C_MAX 16
#define TSS_LANES_SCALAR_BITS 253
#define TSS_LANES_HALF_BITS 128

/* Term counts at and above which each backend's msm_split takes Pippenger (bench_msm, measured per backend). */
#define TSS_AVX2_PIPPENGER_THRESHOLD 64
#define TSS_IFMA_PIPPENGER_THRESHOLD 48

/* One Straus event: an entry of the cached tables (terms' then the base's) and (position << 1 | negate). */
typedef struct {
    uint32_t entry;
    uint32_t neg;
} tss_lanes_event;

/* x rounded up to a multiple of 64 (every region of the scratch starts on a cache line). */
size_t tss_lanes_round_up(size_t x);
size_t tss_lanes_straus_scratch_size(size_t n);
/* Pippenger's window width for n_full full and n_half half terms (the cheapest by operation count). */
unsigned tss_lanes_pipp_width(size_t n_full, size_t n_half);
/* Scratch for Pippenger over n terms at width c, and the most over every width the n terms may take. */
size_t tss_lanes_pipp_scratch_for(size_t n, unsigned c);
size_t tss_lanes_pipp_scratch_size(size_t n);
/* Scratch for the backend's msm_split with n terms, given its Straus/Pippenger switch point. */
size_t tss_lanes_msm_scratch_size(size_t n, size_t pippenger_threshold);

#endif
