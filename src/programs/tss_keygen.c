/* tss-keygen: makes a node identity key (Ed25519) or a store master key, as 0600 files.
 *
 *   tss-keygen NAME              writes NAME.key (the Ed25519 seed) and prints the public key in hex
 *   tss-keygen --public FILE     prints the public key of an existing identity key file
 *   tss-keygen --master FILE     writes a random 32-byte master key to FILE
 * Existing files are never overwritten. */
#include "src/identity.h"
#include "src/keyfile.h"
#include "tss/common.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#ifndef TSS_VERSION
#define TSS_VERSION "unknown"
#endif

static void usage(FILE *out)
{
    fprintf(out,
            "usage: tss-keygen NAME             write NAME.key (node identity, 0600) and print its public key\n"
            "       tss-keygen --public FILE    print the public key of an identity key file\n"
            "       tss-keygen --master FILE    write a 32-byte store master key file (0600)\n");
}

int main(int argc, char **argv)
{
    char err[1024];
    char hex[2 * TSS_IDENTITY_PK_BYTES + 1];
    tss_identity id;

    if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        usage(stdout);
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], "--version") == 0) {
        printf("tss-keygen %s\n", TSS_VERSION);
        return 0;
    }
    if (tss_init() != TSS_OK) {
        fprintf(stderr, "tss-keygen: cannot initialise libsodium\n");
        return 1;
    }
    if (argc == 3 && strcmp(argv[1], "--master") == 0) {
        if (tss_master_key_generate_file(argv[2], err, sizeof err) != TSS_OK) {
            fprintf(stderr, "tss-keygen: %s\n", err);
            return 1;
        }
        fprintf(stderr, "wrote master key %s (mode 0600)\n", argv[2]);
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "--public") == 0) {
        if (tss_identity_load(&id, argv[2], err, sizeof err) != TSS_OK) {
            fprintf(stderr, "tss-keygen: %s\n", err);
            return 1;
        }
        tss_identity_public_hex(&id, hex);
        tss_identity_wipe(&id);
        printf("%s\n", hex);
        return 0;
    }
    if (argc != 2 || argv[1][0] == '-' || argv[1][0] == '\0') {
        bool option = argc >= 2 && argv[1][0] == '-';
        bool takes_file = option && (strcmp(argv[1], "--master") == 0 || strcmp(argv[1], "--public") == 0);
        if (argc < 2)
            fprintf(stderr, "tss-keygen: no arguments (tss-keygen --help)\n");
        else if (argc == 2 && argv[1][0] == '\0')
            fprintf(stderr, "tss-keygen: empty NAME\n");
        else if (option && !takes_file)
            fprintf(stderr, "tss-keygen: unknown option '%s' (tss-keygen --help)\n", argv[1]);
        else if (takes_file && argc == 2)
            fprintf(stderr, "tss-keygen: %s needs a FILE\n", argv[1]);
        else
            fprintf(stderr, "tss-keygen: unexpected argument '%s' (tss-keygen --help)\n", argv[option ? 3 : 2]);
        return 2;
    }
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s.key", argv[1]) >= sizeof path) {
        fprintf(stderr, "tss-keygen: name too long\n");
        return 2;
    }
    int rc = tss_identity_generate(&id);
    if (rc == TSS_OK)
        rc = tss_identity_write(&id, path, err, sizeof err);
    else
        snprintf(err, sizeof err, "key generation failed: %s", tss_status_str(rc));
    tss_identity_public_hex(&id, hex);
    tss_identity_wipe(&id);
    if (rc != TSS_OK) {
        fprintf(stderr, "tss-keygen: %s\n", err);
        return 1;
    }
    fprintf(stderr, "wrote %s (mode 0600); public key:\n", path);
    printf("%s\n", hex);
    return 0;
}
