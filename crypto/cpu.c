/* CPU feature detection and backend resolution (see cpu.h for why nothing here is cached by us). */
#include "crypto/cpu.h"
#include "crypto/isa_config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#if defined(__x86_64__) || defined(__i386__)
/* XCR0 through XGETBV, only when the OS enabled XSAVE (else the instruction faults). libgcc reports AVX
 * only after it saw OSXSAVE, so its cached answer stands in for CPUID leaf 1: CPUID itself is a VM exit
 * (measured: about a quarter of a single verification when it ran on every call). */
static uint64_t xcr0(void)
{
    if (!__builtin_cpu_supports("avx")) return 0;
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}
#endif

unsigned tss_cpu_features(void)
{
    unsigned f = 0;
#if defined(__x86_64__) || defined(__i386__)
    const uint64_t x = xcr0();
    const int ymm_os = (x & 0x6) == 0x6;           /* SSE + AVX state */
    const int zmm_os = ymm_os && (x & 0xe0) == 0xe0; /* opmask, ZMM_Hi256, Hi16_ZMM */
    if (ymm_os && __builtin_cpu_supports("avx2")) f |= TSS_CPU_AVX2;
    if (zmm_os && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx512ifma")) {
        f |= TSS_CPU_AVX512IFMA;
    }
#endif
    return f;
}

const char *tss_cpu_feature_name(unsigned bit)
{
    switch (bit) {
    case TSS_CPU_AVX2: return "avx2";
    case TSS_CPU_AVX512IFMA: return "avx512ifma";
    default: return NULL;
    }
}

const char *tss_cpu_features_str(unsigned f, char *buf, unsigned long cap)
{
    if (cap == 0) return buf;
    buf[0] = '\0';
    size_t used = 0;
    for (unsigned bit = 1; bit != 0 && bit <= f; bit <<= 1) {
        const char *nm = (f & bit) ? tss_cpu_feature_name(bit) : NULL;
        if (nm == NULL) continue;
        const int w = snprintf(buf + used, cap - used, "%s%s", used ? " " : "", nm);
        if (w < 0 || (size_t)w >= cap - used) break;
        used += (size_t)w;
    }
    if (used == 0) snprintf(buf, cap, "none");
    return buf;
}

const char *tss_cpu_brand(char *buf, unsigned long cap)
{
    if (cap == 0) return buf;
    char brand[49] = { 0 };
#if defined(__x86_64__) || defined(__i386__)
    unsigned a, b, c, d;
    if (__get_cpuid(0x80000000u, &a, &b, &c, &d) && a >= 0x80000004u) {
        for (unsigned i = 0; i < 3; i++) {
            unsigned r[4];
            __cpuid(0x80000002u + i, r[0], r[1], r[2], r[3]);
            memcpy(brand + 16 * i, r, 16);
        }
    }
#endif
    const char *s = brand;
    while (*s == ' ') s++;
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == ' ') n--;
    if (n == 0) {
        s = "unknown";
        n = strlen(s);
    }
    snprintf(buf, cap, "%.*s", (int)n, s);
    return buf;
}

int tss_backend_supported(tss_backend b)
{
    switch (b) {
    case TSS_BACKEND_AUTO:
    case TSS_BACKEND_REF: return 1;
#ifdef TSS_HAVE_AVX2
    case TSS_BACKEND_AVX2: return (tss_cpu_features() & TSS_CPU_AVX2) != 0;
#endif
#ifdef TSS_HAVE_AVX512IFMA
    case TSS_BACKEND_AVX512Y:
    case TSS_BACKEND_AVX512Z: return (tss_cpu_features() & TSS_CPU_AVX512IFMA) != 0;
#endif
    default: return 0;
    }
}

/* The IFMA width that measured faster on Zen 4 (bench/bench_simd.c): 256-bit vpmadd52 issues twice per
 * cycle there, so 4-lane ymm code keeps pace with 8-lane zmm code and wastes fewer lanes. */
#define TSS_BACKEND_AVX512_PREFERRED TSS_BACKEND_AVX512Y

tss_backend tss_backend_best(void)
{
    const unsigned f = tss_cpu_features();
    if (tss_backend_supported(TSS_BACKEND_AVX512_PREFERRED)) return TSS_BACKEND_AVX512_PREFERRED;
    /* AVX2 without IFMA: the 4-lane radix-2^25.5 backend, since its multiplications stopped spilling
     * (product scanning), beats the portable mulx code in batches and ties it on single verifications
     * (bench_simd, AVX2 code run natively on Zen 4; README "CPU support"). No CPU family measured so far
     * prefers ref; one that does gets an entry here, by measurement. */
    if ((f & TSS_CPU_AVX2) && tss_backend_supported(TSS_BACKEND_AVX2)) return TSS_BACKEND_AVX2;
    return TSS_BACKEND_REF;
}

int tss_backend_parse(const char *name, tss_backend *out)
{
    static const struct { const char *name; tss_backend b; } names[] = {
        { "auto", TSS_BACKEND_AUTO },       { "ref", TSS_BACKEND_REF },
        { "avx2", TSS_BACKEND_AVX2 },       { "avx512", TSS_BACKEND_AVX512_PREFERRED },
        { "avx512y", TSS_BACKEND_AVX512Y }, { "avx512z", TSS_BACKEND_AVX512Z },
    };
    if (!name || !out) return -1;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(name, names[i].name) == 0) {
            *out = names[i].b;
            return 0;
        }
    }
    return -1;
}

tss_backend tss_backend_resolve(tss_backend requested)
{
    if (requested == TSS_BACKEND_AUTO) {
        const char *env = getenv("TSS_BACKEND");
        tss_backend b;
        if (env && tss_backend_parse(env, &b) == 0) requested = b;
    }
    if (requested == TSS_BACKEND_AUTO || !tss_backend_supported(requested)) return tss_backend_best();
    return requested;
}

const char *tss_backend_name(tss_backend b)
{
    switch (b) {
    case TSS_BACKEND_AUTO: return "auto";
    case TSS_BACKEND_REF: return "ref";
    case TSS_BACKEND_AVX2: return "avx2";
    case TSS_BACKEND_AVX512Y: return "avx512y";
    case TSS_BACKEND_AVX512Z: return "avx512z";
    default: return "unknown";
    }
}

tss_backend tss_backend_select(const char *name)
{
    tss_backend b;
    if (!name || !*name) return TSS_BACKEND_AUTO;
    if (tss_backend_parse(name, &b) != 0) return TSS_BACKEND_COUNT;
    if (b == TSS_BACKEND_AUTO) return b;
    return tss_backend_resolve(b);
}
