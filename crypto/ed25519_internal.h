/* Pieces of Ed25519 verification shared by the single and the batch verifier. */
#ifndef TSS_ED25519_INTERNAL_H
#define TSS_ED25519_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/ge25519.h"
#include "crypto/sc25519.h"

/* k = SHA-512(R || A || M) mod L over the received bytes. */
void tss_ed25519_challenge(sc25519 *k, const uint8_t R[32], const uint8_t A[32], const uint8_t *msg,
                           size_t msg_len);
/* The cofactored equation on decoded values: 0 iff [8]([S]B + [k](-A) + (-R)) = 0, else -1. */
int tss_ed25519_check_decoded(const sc25519 *S, const sc25519 *k, const ge25519_p3 *negA,
                              const ge25519_p3 *negR);

#endif
