/* CPU feature detection and the choice of an Ed25519 verification backend.
 *
 * A backend is a plain value (tss_backend) that callers may pass explicitly; TSS_BACKEND_AUTO resolves,
 * per call, to the environment override TSS_BACKEND=ref|avx2|avx512|avx512y|avx512z when set and
 * supported, else to the fastest backend this CPU and OS support. Resolution keeps no state of its own:
 * the CPU features come from libgcc's __builtin_cpu_supports, whose cpuid results are filled once by
 * libgcc's constructor before main (so the read is a load, not a cpuid trap in a VM), plus one XGETBV
 * (a few cycles) to check that the OS saves the vector registers. */
#ifndef TSS_CPU_H
#define TSS_CPU_H

typedef enum {
    TSS_BACKEND_AUTO = 0,
    TSS_BACKEND_REF,        /* portable C, radix 2^51: the reference */
    TSS_BACKEND_AVX2,       /* 4 lanes, radix 2^25.5 limbs, vpmuludq */
    TSS_BACKEND_AVX512Y,    /* AVX-512 IFMA on 256-bit vectors: 4 lanes of radix 2^51 limbs */
    TSS_BACKEND_AVX512Z,    /* AVX-512 IFMA on 512-bit vectors: 8 lanes */
    TSS_BACKEND_COUNT
} tss_backend;

#define TSS_CPU_AVX2 1u
#define TSS_CPU_AVX512IFMA 2u   /* AVX-512F + VL + IFMA, with OS support for the zmm state */

/* Bit set of TSS_CPU_* available on this CPU and OS. */
unsigned tss_cpu_features(void);
/* The names of the bits of f, space-separated ("avx2 avx512ifma"), or "none" (for logs and the status API);
 * truncated to cap - 1 bytes. Returns buf. */
const char *tss_cpu_features_str(unsigned f, char *buf, unsigned long cap);
/* The name of one TSS_CPU_* bit, NULL for any other value. */
const char *tss_cpu_feature_name(unsigned bit);
/* The processor's brand string (CPUID 0x80000002..4), e.g. "AMD EPYC 7B12 64-Core Processor", trimmed;
 * "unknown" where there is none. Returns buf. */
const char *tss_cpu_brand(char *buf, unsigned long cap);
/* 1 if b can run here (REF always; AUTO always). */
int tss_backend_supported(tss_backend b);
/* The best supported backend, ignoring the environment. */
tss_backend tss_backend_best(void);
/* AUTO -> the environment's TSS_BACKEND when it names a supported backend, else the best; an explicit
 * unsupported backend also falls back to the best. Never returns AUTO. */
tss_backend tss_backend_resolve(tss_backend requested);
/* "ref", "avx2", "avx512" (the preferred IFMA width), "avx512y", "avx512z"; 0 on success, -1 unknown. */
int tss_backend_parse(const char *name, tss_backend *out);
const char *tss_backend_name(tss_backend b);
/* For a configuration value (e.g. an [engine] backend = auto|ref|avx2|avx512|avx512y|avx512z field): the
 * backend to pass to tss_ed25519_verify_backend / tss_ed25519_verify_batch_scratch_backend. NULL, "" and
 * "auto" give TSS_BACKEND_AUTO (the TSS_BACKEND environment variable, else the fastest here, per call); a
 * named backend this CPU cannot run gives the fastest supported one; an unknown name gives
 * TSS_BACKEND_COUNT, which the caller must reject as a configuration error. */
tss_backend tss_backend_select(const char *name);

#endif
