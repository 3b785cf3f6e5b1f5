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
    default: return "unknown error";
    }
}
