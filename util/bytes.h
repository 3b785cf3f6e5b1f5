/* Fixed-width integers to and from bytes, little- and big-endian, at any alignment.
 *
 * The one copy of these helpers in the tree (wire formats, records, field and scalar encodings all use
 * them). memcpy of a fixed small size compiles to a single load or store; the byte swap is only emitted
 * when the host's order differs from the encoding's. Header-only: inlined at every use. */
#ifndef TSS_UTIL_BYTES_H
#define TSS_UTIL_BYTES_H

#include <stdint.h>
#include <string.h>

#if !defined(__BYTE_ORDER__) || (__BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__ && __BYTE_ORDER__ != __ORDER_BIG_ENDIAN__)
#error "util/bytes.h needs __BYTE_ORDER__ (GCC or Clang)"
#endif

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define TSS_LE16_(x) (x)
#define TSS_LE32_(x) (x)
#define TSS_LE64_(x) (x)
#define TSS_BE16_(x) __builtin_bswap16(x)
#define TSS_BE32_(x) __builtin_bswap32(x)
#define TSS_BE64_(x) __builtin_bswap64(x)
#else
#define TSS_LE16_(x) __builtin_bswap16(x)
#define TSS_LE32_(x) __builtin_bswap32(x)
#define TSS_LE64_(x) __builtin_bswap64(x)
#define TSS_BE16_(x) (x)
#define TSS_BE32_(x) (x)
#define TSS_BE64_(x) (x)
#endif

#define TSS_BYTES_DEFINE_(width, order, ORDER)                                                                   \
    static inline uint##width##_t tss_load_##order##width(const void *p)                                        \
    {                                                                                                            \
        uint##width##_t v;                                                                                       \
        memcpy(&v, p, sizeof v);                                                                                 \
        return TSS_##ORDER##width##_(v);                                                                         \
    }                                                                                                            \
    static inline void tss_store_##order##width(void *p, uint##width##_t v)                                     \
    {                                                                                                            \
        v = TSS_##ORDER##width##_(v);                                                                            \
        memcpy(p, &v, sizeof v);                                                                                 \
    }

/* tss_load_le16/32/64(p), tss_store_le16/32/64(p, v), and the same with _be. */
TSS_BYTES_DEFINE_(16, le, LE)
TSS_BYTES_DEFINE_(32, le, LE)
TSS_BYTES_DEFINE_(64, le, LE)
TSS_BYTES_DEFINE_(16, be, BE)
TSS_BYTES_DEFINE_(32, be, BE)
TSS_BYTES_DEFINE_(64, be, BE)

#undef TSS_BYTES_DEFINE_

#endif
