/* Single Ed25519 verification under the ZIP-215 rules (see include/tss/ed25519.h). */
#include "tss/ed25519.h"

#include <sodium.h>

#include "crypto/ed25519_backend.h"
#include "crypto/ed25519_internal.h"
#include "crypto/ge25519.h"
#include "crypto/sc25519.h"

void tss_ed25519_challenge(sc25519 *k, const uint8_t R[32], const uint8_t A[32], const uint8_t *msg,
                           size_t msg_len)
{
    crypto_hash_sha512_state hs;
    uint8_t h[64];
    crypto_hash_sha512_init(&hs);
    crypto_hash_sha512_update(&hs, R, 32);
    crypto_hash_sha512_update(&hs, A, 32);
    if (msg_len) crypto_hash_sha512_update(&hs, msg, msg_len);
    crypto_hash_sha512_final(&hs, h);
    sc25519_from_bytes_reduce64(k, h);
}

int tss_ed25519_check_decoded(const sc25519 *S, const sc25519 *k, const ge25519_p3 *negA, const ge25519_p3 *negR)
{
    ge25519_p3 P;
    /* P = [k](-A) + [S]B - R; valid iff [8]P = 0 */
    ge25519_double_scalarmult_base_vartime(&P, k, negA, S);
    ge25519_add(&P, &P, negR);
    ge25519_mul_by_cofactor(&P, &P);
    return ge25519_is_identity(&P) ? 0 : -1;
}

/* Through the backend chosen for this call (TSS_BACKEND, else the fastest this CPU runs): see
 * crypto/ed25519_backend.c, which holds the decode-and-check sequence for every backend. */
int tss_ed25519_verify(const uint8_t sig[64], const uint8_t *msg, size_t msg_len, const uint8_t pk[32])
{
    return tss_ed25519_verify_backend(TSS_BACKEND_AUTO, sig, msg, msg_len, pk);
}
