/* tss: common definitions shared by every public header. */
#ifndef TSS_COMMON_H
#define TSS_COMMON_H

#include <stddef.h>
#include <stdint.h>

/* Symbol visibility: the library is built with -fvisibility=hidden, so only what these headers declare
 * with TSS_API is exported (tests/check_exports.sh holds the shared libraries to that). */
#if defined(__GNUC__) && __GNUC__ >= 4
#define TSS_API __attribute__((visibility("default")))
#else
#define TSS_API
#endif

/* A status that must be looked at (every function that can fail returns one). */
#if defined(__GNUC__)
#define TSS_WARN_UNUSED_RESULT __attribute__((warn_unused_result))
#else
#define TSS_WARN_UNUSED_RESULT
#endif

/* Pointer arguments that may not be NULL, for callers outside the library. The library's own build
 * (TSS_BUILD) leaves it out, as libsecp256k1 does: the compiler would otherwise drop the functions' own NULL
 * checks, which turn a NULL from a careless caller into TSS_ERR_INVALID_ARG rather than a crash. */
#if defined(__GNUC__) && !defined(TSS_BUILD)
#define TSS_ARG_NONNULL(...) __attribute__((nonnull(__VA_ARGS__)))
#else
#define TSS_ARG_NONNULL(...)
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Every function that can fail returns one of these (0 on success). */
typedef enum tss_status {
    TSS_OK = 0,
    TSS_ERR_INVALID_ARG = -1,      /* NULL pointer, length or range out of bounds */
    TSS_ERR_VERIFY = -2,           /* a signature, proof or share did not verify */
    TSS_ERR_ENCODING = -3,         /* bytes that do not decode (point, scalar, package) */
    TSS_ERR_NOT_ENOUGH = -4,       /* fewer than t participants/shares */
    TSS_ERR_DUPLICATE = -5,        /* duplicate identifier */
    TSS_ERR_ZERO_ID = -6,          /* identifier zero */
    TSS_ERR_NONCE_USED = -7,       /* a signing nonce that was already used (wiped) */
    TSS_ERR_CULPRIT = -8,          /* a participant misbehaved; see the culprit output */
    TSS_ERR_CAPACITY = -9,         /* a fixed capacity (arena, buffer, n) is exceeded */
    TSS_ERR_STATE = -10,           /* call not valid in the current state */
    TSS_ERR_IO = -11,              /* file, socket or store error */
    TSS_ERR_CRYPTO = -12,          /* internal crypto failure (RNG, AEAD open) */
    TSS_ERR_NOT_FOUND = -13,       /* unknown key, session or identifier */
    TSS_ERR_TIMEOUT = -14,
    TSS_ERR_PRESIG_USED = -15,     /* an ECDSA presignature that was already used (wiped) */
    TSS_ERR_OT_CONSISTENCY = -16,  /* OT-extension consistency check failed: ban the culprit for this key */
    TSS_ERR_RVOLE = -17,           /* multiplication (RVOLE) check failed: ban the culprit for this key */
    TSS_ERR_COMMITMENT = -18,      /* a commitment does not open to the revealed value */
    TSS_ERR_PROOF = -19,           /* a proof of knowledge does not verify */
    TSS_ERR_SHARE = -20,           /* a secret share does not match its VSS commitment */
    TSS_ERR_SESSION = -21,         /* message for another session, round, sender or recipient */
    TSS_ERR_BASE_OT = -22,         /* a base OT message fails its checks (proof, degenerate point) */
} tss_status;

/* Human-readable name of a status code (static string, never NULL). */
TSS_API const char *tss_status_str(int status);

/* Initialise the library's dependencies (libsodium). Idempotent, thread-safe;
 * returns TSS_OK or TSS_ERR_CRYPTO. Call once before any other tss function. */
TSS_API int tss_init(void) TSS_WARN_UNUSED_RESULT;

#ifdef __cplusplus
}
#endif
#endif
