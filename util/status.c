/* Status codes (include/tss/common.h): their names. The ground layer: no dependency but libc. */
#include "tss/common.h"

const char *tss_status_str(int status)
{
    switch (status) {
    case TSS_OK: return "ok";
    case TSS_ERR_INVALID_ARG: return "invalid argument";
    case TSS_ERR_VERIFY: return "verification failed";
    case TSS_ERR_ENCODING: return "invalid encoding";
    case TSS_ERR_NOT_ENOUGH: return "not enough participants";
    case TSS_ERR_DUPLICATE: return "duplicate identifier";
    case TSS_ERR_ZERO_ID: return "zero identifier";
    case TSS_ERR_NONCE_USED: return "signing nonce already used";
    case TSS_ERR_CULPRIT: return "misbehaving participant";
    case TSS_ERR_CAPACITY: return "capacity exceeded";
    case TSS_ERR_STATE: return "invalid state";
    case TSS_ERR_IO: return "I/O error";
    case TSS_ERR_CRYPTO: return "cryptographic failure";
    case TSS_ERR_NOT_FOUND: return "not found";
    case TSS_ERR_TIMEOUT: return "timeout";
    case TSS_ERR_PRESIG_USED: return "presignature already used";
    case TSS_ERR_OT_CONSISTENCY: return "OT extension consistency check failed (ban the counterparty)";
    case TSS_ERR_RVOLE: return "multiplication check failed (ban the counterparty)";
    case TSS_ERR_COMMITMENT: return "commitment does not open";
    case TSS_ERR_PROOF: return "proof of knowledge invalid";
    case TSS_ERR_SHARE: return "share does not match its commitment";
    case TSS_ERR_SESSION: return "message for another session, round or party";
    case TSS_ERR_BASE_OT: return "invalid base OT message";
    default: return "unknown error";
    }
}
