/* tss-frost dealer: trusted-dealer key generation (identifiers 1..n). */
#include <stdio.h>
#include <stdlib.h>
#include <sodium.h>

#include "src/programs/tss_frost_cli.h"

/* Generous for the largest JSON of a key package (integer or 64-hex identifier). */
#define KEY_PACKAGE_JSON_CAP 1024

static int write_public(const tss_frost_public_key_package *pkp, const char *path, int force)
{
    size_t cap = 256 + (size_t)pkp->max_signers * 160, len;
    char *json = malloc(cap);
    if (json == NULL)
        return cli_error(CLI_FAIL, "out of memory");
    int rc = tss_frost_public_key_package_to_json(json, cap, &len, pkp) == TSS_OK
                 ? cli_write_text(path, json, len, 0, force)
                 : cli_error(CLI_FAIL, "cannot encode the public key package");
    free(json);
    return rc;
}

int cli_cmd_dealer(int argc, char **argv)
{
    cli_opts o;
    uint32_t t, n;
    int rc = cli_parse(&o, argc, argv,
                       1u << OPT_THRESHOLD | 1u << OPT_SIGNERS | 1u << OPT_OUT_DIR | 1u << OPT_FORCE, "dealer");
    if (rc == CLI_OK)
        rc = cli_require(&o, OPT_THRESHOLD, "dealer");
    if (rc == CLI_OK)
        rc = cli_require(&o, OPT_SIGNERS, "dealer");
    if (rc == CLI_OK)
        rc = cli_parse_u32(&n, o.value[OPT_SIGNERS], 2, TSS_FROST_MAX_SIGNERS, "--signers");
    if (rc == CLI_OK)
        rc = cli_parse_threshold(&t, o.value[OPT_THRESHOLD], n);
    const char *dir = o.value[OPT_OUT_DIR] != NULL ? o.value[OPT_OUT_DIR] : ".";
    if (rc == CLI_OK)
        rc = cli_make_out_dir(dir);
    if (rc != CLI_OK)
        return rc;
    const int force = o.value[OPT_FORCE] != NULL;

    tss_frost_key_package *kps = sodium_allocarray(n, sizeof *kps); /* guarded pages, wiped on free */
    tss_frost_public_share *shares = calloc(n, sizeof *shares);
    tss_frost_public_key_package pkp;
    if (kps == NULL || shares == NULL) {
        sodium_free(kps);
        free(shares);
        return cli_error(CLI_FAIL, "out of memory");
    }
    if (tss_frost_public_key_package_init(&pkp, shares, n) != TSS_OK ||
        tss_frost_dealer_keygen(kps, &pkp, NULL, NULL, NULL, n, t) != TSS_OK)
        rc = cli_error(CLI_FAIL, "dealer key generation failed");

    char path[4096], name[128], idbuf[65], json[KEY_PACKAGE_JSON_CAP];
    size_t len;
    for (uint32_t i = 0; rc == CLI_OK && i < n; i++) {
        snprintf(name, sizeof name, "key-package-%s.json", cli_identifier_str(idbuf, &kps[i].identifier));
        rc = cli_path_join(path, sizeof path, dir, name);
        if (rc == CLI_OK && tss_frost_key_package_to_json(json, sizeof json, &len, &kps[i]) != TSS_OK)
            rc = cli_error(CLI_FAIL, "cannot encode key package %s", idbuf);
        if (rc == CLI_OK)
            rc = cli_write_text(path, json, len, 1, force);
    }
    sodium_memzero(json, sizeof json);
    sodium_free(kps);
    if (rc == CLI_OK)
        rc = cli_path_join(path, sizeof path, dir, "public-key-package.json");
    if (rc == CLI_OK)
        rc = write_public(&pkp, path, force);
    if (rc == CLI_OK) {
        char hex[65];
        sodium_bin2hex(hex, sizeof hex, pkp.verifying_key.bytes, 32);
        fprintf(stderr, "wrote %u key packages (SECRET, 0600) and public-key-package.json to %s; %u-of-%u\n", n,
                dir, t, n);
        printf("%s\n", hex);
    }
    free(shares);
    return rc;
}
