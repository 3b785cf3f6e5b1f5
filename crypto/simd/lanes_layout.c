/* Scratch layout of the vector backends' MSMs: portable code (see lanes_layout.h for why). */
#include "crypto/simd/lanes_layout.h"

#include "crypto/ge25519.h"

size_t tss_lanes_round_up(size_t x)
{
    return (x + 63) & ~(size_t)63;
}

size_t tss_lanes_straus_scratch_size(size_t n)
{
    return 64 + tss_lanes_round_up((n * TSS_LANES_STRAUS_TABLE + 64) * sizeof(ge25519_cached)) +
           tss_lanes_round_up((n + 1) * TSS_LANES_EVENTS_MAX * sizeof(tss_lanes_event)) * 2 +
           tss_lanes_round_up(n * 256);
}

static uint64_t pipp_cost(size_t n_full, size_t n_half, unsigned c)
{
    return (uint64_t)(TSS_LANES_SCALAR_BITS / c + 1) * ((uint64_t)n_full + ((uint64_t)1 << c)) +
           (uint64_t)(TSS_LANES_HALF_BITS / c + 1) * n_half;
}

unsigned tss_lanes_pipp_width(size_t n_full, size_t n_half)
{
    unsigned c = TSS_LANES_C_MIN;
    while (c < TSS_LANES_C_MAX && pipp_cost(n_full, n_half, c + 1) <= pipp_cost(n_full, n_half, c)) c++;
    return c;
}

size_t tss_lanes_pipp_scratch_for(size_t n, unsigned c)
{
    const size_t nw = TSS_LANES_SCALAR_BITS / c + 1, nb = (size_t)1 << (c - 1);
    return 64 + tss_lanes_round_up(n * sizeof(ge25519_cached)) + tss_lanes_round_up(nw * nb * sizeof(ge25519_p3)) +
           tss_lanes_round_up(nw * nb) + 2 * tss_lanes_round_up(n * nw * sizeof(uint64_t)) + tss_lanes_round_up(n) +
           tss_lanes_round_up((nw * nb + 1) * sizeof(uint32_t));
}

/* Any width up to the one chosen for n all-full terms may be used, so size for the largest of them. */
size_t tss_lanes_pipp_scratch_size(size_t n)
{
    const unsigned cap = tss_lanes_pipp_width(n, 0);
    size_t most = 0;
    for (unsigned c = TSS_LANES_C_MIN; c <= cap; c++) {
        const size_t s = tss_lanes_pipp_scratch_for(n, c);
        if (s > most) most = s;
    }
    return most;
}

/* Below the threshold msm_split always takes Straus, so Pippenger's buckets (80 KB at the narrowest window)
 * are not reserved: small MSMs (FROST) then fit a modest scratch. */
size_t tss_lanes_msm_scratch_size(size_t n, size_t pippenger_threshold)
{
    if (n < pippenger_threshold) return tss_lanes_straus_scratch_size(n);
    const size_t ns = n < 2 * pippenger_threshold ? n : 2 * pippenger_threshold;
    const size_t a = tss_lanes_straus_scratch_size(ns), q = tss_lanes_pipp_scratch_size(n);
    return a > q ? a : q;
}
