/* Rounding sizes up to an alignment (memory laid out once at init: pools, rings, stage scratch). */
#ifndef TSS_UTIL_ALIGN_H
#define TSS_UTIL_ALIGN_H

#include <stddef.h>
#include <stdlib.h>

/* n rounded up to a multiple of a (a power of two). */
static inline size_t tss_align_up(size_t n, size_t a)
{
    return (n + a - 1) & ~(a - 1);
}

/* aligned_alloc with n rounded up to a (C11 asks for a size that is a multiple of the alignment). */
static inline void *tss_aligned_alloc(size_t a, size_t n)
{
    return aligned_alloc(a, tss_align_up(n, a));
}

#endif
