/* tss: common definitions shared by every public header. */
#ifndef TSS_COMMON_H
#define TSS_COMMON_H

#include <stddef.h>
#include <stdint.h>

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
const char *tss_status_str(int status);

/* Initialise the library's dependencies (libsodium). Idempotent, thread-safe;
 * returns TSS_OK or TSS_ERR_CRYPTO. Call once before any other tss function. */
int tss_init(void);

#ifdef __cplusplus
}
#endif
#endif
