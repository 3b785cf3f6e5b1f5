/* ed25519_check PUBLIC_KEY_HEX MESSAGE_HEX SIGNATURE_HEX: exit 0 iff libsodium's RFC 8032 verification
 * (crypto_sign_verify_detached) accepts; 1 if it rejects; 2 on bad arguments. Used by the CLI tests as an
 * independent verifier. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

static int unhex(unsigned char *out, size_t cap, size_t *len, const char *hex)
{
    return sodium_hex2bin(out, cap, hex, strlen(hex), NULL, len, NULL) == 0 && *len * 2 == strlen(hex) ? 0 : -1;
}

int main(int argc, char **argv)
{
    unsigned char pk[32], sig[64];
    size_t pk_len = 0, sig_len = 0, msg_len = 0;
    if (argc != 4 || sodium_init() < 0) {
        fprintf(stderr, "usage: ed25519_check PK_HEX MSG_HEX SIG_HEX\n");
        return 2;
    }
    size_t msg_cap = strlen(argv[2]) / 2 + 1;
    unsigned char *msg = malloc(msg_cap);
    if (msg == NULL || unhex(pk, sizeof pk, &pk_len, argv[1]) != 0 || pk_len != 32 ||
        unhex(msg, msg_cap, &msg_len, argv[2]) != 0 || unhex(sig, sizeof sig, &sig_len, argv[3]) != 0 ||
        sig_len != 64) {
        fprintf(stderr, "ed25519_check: bad hex argument\n");
        free(msg);
        return 2;
    }
    int ok = crypto_sign_verify_detached(sig, msg, msg_len, pk) == 0;
    free(msg);
    puts(ok ? "libsodium: valid" : "libsodium: INVALID");
    return ok ? 0 : 1;
}
