/* The portable backend's table, the choice of a table for a tss_backend, and single verification through
 * a chosen backend. */
#include "crypto/ed25519_backend.h"

#include "crypto/isa_config.h"
#include "crypto/simd/lanes_layout.h"
#include "batch/ge25519_decode_x2.h"
#include "batch/msm.h"
#include "crypto/ed25519_internal.h"

/* two at a time, so the portable path keeps its interleaved square roots */
static void ref_decode_zip215(ge25519_p3 *const out[], const uint8_t *const enc[], size_t n, uint8_t ok[])
{
    size_t i = 0;
    for (; i + 1 < n; i += 2) {
        const unsigned m = ge25519_frombytes_zip215_x2(out[i], enc[i], out[i + 1], enc[i + 1]);
        ok[i] = (uint8_t)(m & 1);
        ok[i + 1] = (uint8_t)(m >> 1 & 1);
    }
    if (i < n) ok[i] = ge25519_frombytes_zip215(out[i], enc[i]) == 0;
}

static void ref_decode_zip215_neg(ge25519_p3 *const out[], const uint8_t *const enc[], size_t n, uint8_t ok[])
{
    ref_decode_zip215(out, enc, n, ok);
    for (size_t i = 0; i < n; i++) {
        if (ok[i]) ge25519_neg(out[i], out[i]);
    }
}

static void ref_fe_mul_n(fe25519 *h, const fe25519 *f, const fe25519 *g, size_t n)
{
    for (size_t i = 0; i < n; i++) fe25519_mul(&h[i], &f[i], &g[i]);
}

static void ref_fe_sq_n(fe25519 *h, const fe25519 *f, size_t n)
{
    for (size_t i = 0; i < n; i++) fe25519_sq(&h[i], &f[i]);
}

static void ref_fe_add_n(fe25519 *h, const fe25519 *f, const fe25519 *g, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        fe25519_add(&h[i], &f[i], &g[i]);
        fe25519_carry(&h[i]);
    }
}

static void ref_fe_sub_n(fe25519 *h, const fe25519 *f, const fe25519 *g, size_t n)
{
    for (size_t i = 0; i < n; i++) fe25519_sub(&h[i], &f[i], &g[i]);
}

static void ref_ge_add_n(ge25519_p3 *r, const ge25519_p3 *p, const ge25519_p3 *q, size_t n)
{
    for (size_t i = 0; i < n; i++) ge25519_add(&r[i], &p[i], &q[i]);
}

static void ref_ge_dbl_n(ge25519_p3 *r, const ge25519_p3 *p, size_t n)
{
    for (size_t i = 0; i < n; i++) ge25519_dbl(&r[i], &p[i]);
}

void tss_ed25519_challenge_n_ref(sc25519 *const k[], const uint8_t *const R[], const uint8_t *const A[],
                                 const uint8_t *const msg[], const size_t msg_len[], size_t n)
{
    for (size_t i = 0; i < n; i++) tss_ed25519_challenge(k[i], R[i], A[i], msg[i], msg_len[i]);
}

const tss_ed25519_ops tss_ed25519_ops_ref = {
    ref_decode_zip215, ref_decode_zip215_neg, msm_vartime_split, ge25519_double_scalarmult_base_vartime, ref_fe_mul_n, ref_fe_sq_n, ref_fe_add_n, ref_fe_sub_n,
    ref_ge_add_n, ref_ge_dbl_n, tss_ed25519_challenge_n_ref,
};

const tss_ed25519_ops *tss_ed25519_ops_get(tss_backend b)
{
    switch (tss_backend_resolve(b)) {
#ifdef TSS_HAVE_AVX2
    case TSS_BACKEND_AVX2: return &tss_ed25519_ops_avx2;
#endif
#ifdef TSS_HAVE_AVX512IFMA
    case TSS_BACKEND_AVX512Y: return &tss_ed25519_ops_ifma4;
    case TSS_BACKEND_AVX512Z: return &tss_ed25519_ops_ifma8;
#endif
    default: return &tss_ed25519_ops_ref;
    }
}

/* Portable, as every fact about a backend asked before dispatch (the rule in ed25519_backend.h). */
size_t tss_ed25519_msm_scratch_size(tss_backend b, size_t n)
{
    switch (tss_backend_resolve(b)) {
    case TSS_BACKEND_AVX2: return tss_lanes_msm_scratch_size(n, TSS_AVX2_PIPPENGER_THRESHOLD);
    case TSS_BACKEND_AVX512Y:
    case TSS_BACKEND_AVX512Z: return tss_lanes_msm_scratch_size(n, TSS_IFMA_PIPPENGER_THRESHOLD);
    default: return msm_split_scratch_size(n);
    }
}

size_t tss_ed25519_msm_scratch_size_any(size_t n)
{
    const size_t sizes[] = {
        msm_split_scratch_size(n),
        tss_lanes_msm_scratch_size(n, TSS_AVX2_PIPPENGER_THRESHOLD),
        tss_lanes_msm_scratch_size(n, TSS_IFMA_PIPPENGER_THRESHOLD),
    };
    size_t most = 0;
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        if (sizes[i] > most) most = sizes[i];
    }
    return most;
}

int tss_ed25519_check_decoded_ops(const tss_ed25519_ops *ops, const sc25519 *S, const sc25519 *k,
                                  const ge25519_p3 *negA, const ge25519_p3 *negR)
{
    ge25519_p3 P;
    /* P = [k](-A) + [S]B - R; valid iff [8]P = 0 */
    ops->double_scalarmult_base(&P, k, negA, S);
    ge25519_add(&P, &P, negR);
    ge25519_mul_by_cofactor(&P, &P);
    return ge25519_is_identity(&P) ? 0 : -1;
}

int tss_ed25519_verify_backend(tss_backend b, const uint8_t sig[64], const uint8_t *msg, size_t msg_len,
                               const uint8_t pk[32])
{
    const tss_ed25519_ops *ops = tss_ed25519_ops_get(b);
    sc25519 S, k;
    ge25519_p3 A, R; /* negated */
    if (!sig || !pk || (!msg && msg_len)) return -1;
    if (sc25519_from_bytes_canonical(&S, sig + 32) != 0) return -1;
    ge25519_p3 *const out[2] = { &A, &R };
    const uint8_t *const enc[2] = { pk, sig };
    uint8_t ok[2];
    ops->decode_zip215_neg(out, enc, 2, ok); /* the equation takes -A and -R */
    if (!ok[0] || !ok[1]) return -1;
    tss_ed25519_challenge(&k, sig, pk, msg, msg_len);
    return tss_ed25519_check_decoded_ops(ops, &S, &k, &A, &R);
}
