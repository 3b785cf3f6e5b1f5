/* tss_init (include/tss/common.h): the crypto layer's one dependency to initialise. */
#include "tss/common.h"

#include <sodium.h>

int tss_init(void)
{
    /* sodium_init is idempotent and thread-safe; 1 means already initialised. */
    return sodium_init() < 0 ? TSS_ERR_CRYPTO : TSS_OK;
}
