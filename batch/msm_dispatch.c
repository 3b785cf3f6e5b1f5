/* The MSM entry points that take the selected vector backend (FROST's MSMs). They sit above both the
 * backend tables (crypto/ed25519_backend.c) and the portable MSM (batch/msm.c), which the tables call:
 * keeping them out of msm.c is what keeps msm.c from calling back into the tables. */
#include "batch/msm.h"
#include "crypto/ed25519_backend.h"

#include <stdint.h>
#include <stdlib.h>

/* Enough for the portable algorithms and for the selected vector backend, which msm_vartime_with_base
 * uses whenever its scratch fits: sizing with this is what lets FROST's MSMs take the vector path. */
size_t msm_scratch_size(size_t n)
{
    const size_t ref = msm_portable_scratch_size(n);
    const tss_backend b = tss_backend_resolve(TSS_BACKEND_AUTO);
    if (b == TSS_BACKEND_REF || n == 0 || ref == SIZE_MAX) return ref;
    const size_t vec = tss_ed25519_msm_scratch_size(b, n);
    return vec > ref ? vec : ref;
}

int msm_vartime_with_base(ge25519_p3 *r, const sc25519 *b, const sc25519 *scalars, const ge25519_p3 *points,
                          size_t n, void *scratch, size_t scratch_len)
{
    /* the selected vector backend (TSS_BACKEND, else the fastest here) when its scratch fits; public data
     * only, as everywhere in the MSM */
    const tss_backend be = tss_backend_resolve(TSS_BACKEND_AUTO);
    if (be != TSS_BACKEND_REF && n > 0 && msm_portable_scratch_size(n) != SIZE_MAX &&
        scratch_len >= tss_ed25519_msm_scratch_size(be, n)) {
        return tss_ed25519_ops_get(be)->msm_split(r, b, scalars, points, NULL, n, 0, scratch, scratch_len);
    }
    return msm_portable_vartime(r, b, scalars, points, n, scratch, scratch_len);
}

int msm_vartime(ge25519_p3 *r, const sc25519 *scalars, const ge25519_p3 *points, size_t n, void *scratch,
                size_t scratch_len)
{
    return msm_vartime_with_base(r, NULL, scalars, points, n, scratch, scratch_len);
}

int msm_vartime_alloc(ge25519_p3 *r, const sc25519 *scalars, const ge25519_p3 *points, size_t n)
{
    const size_t len = msm_scratch_size(n);
    if (len == SIZE_MAX) return -1;
    void *scratch = malloc(len);
    if (!scratch) return -1;
    const int rc = msm_vartime(r, scalars, points, n, scratch, len);
    free(scratch);
    return rc;
}
