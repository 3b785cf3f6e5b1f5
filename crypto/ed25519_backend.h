/* Ed25519 verification backends: one const table of operations per instruction set, chosen by a
 * tss_backend value (crypto/cpu.h). Every backend computes the same group elements as the portable code
 * (crypto/ge25519.c, batch/msm.c), so verdicts are identical. Public data only: these paths are variable
 * time and must never see secrets (signing and ge25519_scalarmult_base do not use them).
 *
 * THE RULE (why a CPU without AVX-512 once died of SIGILL in node start-up, issue 10): code compiled with
 * ISA flags (crypto/avx2/, crypto/avx512/, and crypto/simd/ *_impl.h as included there) runs only after
 * CPUID and XGETBV said the CPU and the OS run it. Concretely:
 *  - the only way into an ISA library from portable code is the ops table that tss_ed25519_ops_get returns,
 *    and it returns a table only for a backend tss_backend_supported says runs here;
 *  - a table holds code only (function pointers). Everything asked of a backend before or without that
 *    check (names, scratch sizes, thresholds, lane counts) is portable code: cpu.c, this file's
 *    tss_ed25519_msm_scratch_size, crypto/simd/lanes_layout.c. A compiler vectorizes even a size function
 *    with the flags its file was built with (the bug: vpmaxuq in a scratch-size loop);
 *  - ISA files define no non-static inline functions and share no extern inline definitions with portable
 *    files (the linker could keep the ISA copy of a COMDAT for portable callers);
 *  - tests and benches that call an ISA entry point directly check tss_backend_supported first.
 * tests/test_isa_symbols.sh checks the first two on the built library (no portable object of libtss refers
 * to an ISA library's symbol other than its table); scripts/test-emulated.sh runs the verification and node
 * tests under qemu-user CPU models without AVX-512 and without AVX2. */
#ifndef TSS_ED25519_BACKEND_H
#define TSS_ED25519_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/cpu.h"
#include "crypto/ge25519.h"
#include "crypto/sc25519.h"

typedef struct {
    /* out[i] <- enc[i] decoded as ge25519_frombytes_zip215; ok[i] = 1 if it decoded, else 0 (out[i] is
     * then unspecified). */
    void (*decode_zip215)(ge25519_p3 *const out[], const uint8_t *const enc[], size_t n, uint8_t ok[]);
    /* As decode_zip215, then out[i] <- -out[i] (equal mod p to ge25519_neg of the decoded point): the batch
     * equation takes -R and -A, so the negation is folded into the decode's sign choice. */
    void (*decode_zip215_neg)(ge25519_p3 *const out[], const uint8_t *const enc[], size_t n, uint8_t ok[]);
    /* As msm_vartime_split (batch/msm.h), with scratch of tss_ed25519_msm_scratch_size(this backend,
     * n_full + n_half) bytes. */
    int (*msm_split)(ge25519_p3 *r, const sc25519 *b, const sc25519 *scalars, const ge25519_p3 *points,
                     const uint32_t *idx, size_t n_full, size_t n_half, void *scratch, size_t scratch_len);
    /* r = [a]A + [b]B, as ge25519_double_scalarmult_base_vartime. */
    void (*double_scalarmult_base)(ge25519_p3 *r, const sc25519 *a, const ge25519_p3 *A, const sc25519 *b);
    /* Element-wise over n entries, for the differential tests: field ops (inputs reduced, i.e. limbs below
     * 2^51 + 2^19) and r[i] = p[i] + q[i], r[i] = [2]p[i] with the formulas of ge25519_add and ge25519_dbl. */
    void (*fe_mul_n)(fe25519 *h, const fe25519 *f, const fe25519 *g, size_t n);
    void (*fe_sq_n)(fe25519 *h, const fe25519 *f, size_t n);
    void (*fe_add_n)(fe25519 *h, const fe25519 *f, const fe25519 *g, size_t n);
    void (*fe_sub_n)(fe25519 *h, const fe25519 *f, const fe25519 *g, size_t n);
    void (*ge_add_n)(ge25519_p3 *r, const ge25519_p3 *p, const ge25519_p3 *q, size_t n);
    void (*ge_dbl_n)(ge25519_p3 *r, const ge25519_p3 *p, size_t n);
    /* *k[i] <- SHA-512(R[i] || A[i] || msg[i]) mod L for i < n (tss_ed25519_challenge on each), hashing
     * several messages at once where the backend can. */
    void (*challenge_n)(sc25519 *const k[], const uint8_t *const R[], const uint8_t *const A[],
                        const uint8_t *const msg[], const size_t msg_len[], size_t n);
} tss_ed25519_ops;

/* The table of tss_backend_resolve(b): always one this CPU runs. */
const tss_ed25519_ops *tss_ed25519_ops_get(tss_backend b);
/* Scratch bytes for the msm_split of backend tss_backend_resolve(b) with n terms (portable code). */
size_t tss_ed25519_msm_scratch_size(tss_backend b, size_t n_terms);
/* Scratch bytes that suffice for the msm_split of every backend with n terms, supported here or not (a
 * verifier sized once serves any later choice; portable code). */
size_t tss_ed25519_msm_scratch_size_any(size_t n_terms);

/* The per-ISA tables (defined only when the build includes that ISA; never name them outside
 * tss_ed25519_ops_get: see the rule above). */
extern const tss_ed25519_ops tss_ed25519_ops_ref;
extern const tss_ed25519_ops tss_ed25519_ops_avx2;
extern const tss_ed25519_ops tss_ed25519_ops_ifma4;
extern const tss_ed25519_ops tss_ed25519_ops_ifma8;

/* challenge_n of the portable backend: tss_ed25519_challenge (libsodium's SHA-512) one message at a time. */
void tss_ed25519_challenge_n_ref(sc25519 *const k[], const uint8_t *const R[], const uint8_t *const A[],
                                 const uint8_t *const msg[], const size_t msg_len[], size_t n);

/* The cofactored equation on decoded values through ops (as tss_ed25519_check_decoded). */
int tss_ed25519_check_decoded_ops(const tss_ed25519_ops *ops, const sc25519 *S, const sc25519 *k,
                                  const ge25519_p3 *negA, const ge25519_p3 *negR);

/* Single and batch verification with an explicit backend (TSS_BACKEND_AUTO: resolved per call);
 * same contracts as tss_ed25519_verify and tss_ed25519_verify_batch_scratch (include/tss/ed25519.h). */
int tss_ed25519_verify_backend(tss_backend b, const uint8_t sig[64], const uint8_t *msg, size_t msg_len,
                               const uint8_t pk[32]);
int tss_ed25519_verify_batch_scratch_backend(tss_backend b, const uint8_t *const sigs[],
                                             const uint8_t *const msgs[], const size_t msg_lens[],
                                             const uint8_t *const pks[], size_t n, int ok[], void *scratch,
                                             size_t scratch_len);

#endif
