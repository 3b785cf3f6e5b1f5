/* tss-frost dkg part1|part2|part3: frost-core's distributed key generation, one participant per call. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "src/programs/tss_frost_cli.h"

/* Prints the culprits a DKG step named and returns CLI_CULPRIT. */
static int report_culprits(const char *step, const tss_frost_identifier *culprits, size_t n_culprits,
                           char **files, const tss_frost_identifier *file_ids, size_t n_files)
{
    char idbuf[65];
    fprintf(stderr, "tss-frost: %s: %zu participant(s) misbehaved:\n", step, n_culprits);
    for (size_t i = 0; i < n_culprits; i++) {
        const char *file = "?";
        for (size_t k = 0; k < n_files; k++)
            if (tss_frost_identifier_cmp(&file_ids[k], &culprits[i]) == 0)
                file = files[k];
        fprintf(stderr, "culprit: identifier %s (%s)\n", cli_identifier_str(idbuf, &culprits[i]), file);
    }
    return CLI_CULPRIT;
}

static const char *status_hint(int st)
{
    switch (st) {
    case TSS_ERR_NOT_ENOUGH: return "wrong number of packages: need one from each of the other n-1 participants";
    case TSS_ERR_DUPLICATE: return "two packages from the same sender (or your own package given twice)";
    case TSS_ERR_NOT_FOUND: return "a round-2 package whose sender sent no round-1 package";
    case TSS_ERR_STATE: return "the secret package is not at this step";
    default: return tss_status_str(st);
    }
}

static int part1(int argc, char **argv)
{
    cli_opts o;
    uint32_t t, n;
    tss_frost_identifier id;
    int rc = cli_parse(&o, argc, argv,
                       1u << OPT_ID | 1u << OPT_THRESHOLD | 1u << OPT_SIGNERS | 1u << OPT_SECRET_OUT |
                           1u << OPT_OUT | 1u << OPT_FORCE,
                       "dkg part1");
    for (int k = 0; rc == CLI_OK && k < 4; k++)
        rc = cli_require(&o, (enum cli_opt[]){OPT_ID, OPT_THRESHOLD, OPT_SIGNERS, OPT_SECRET_OUT}[k], "dkg part1");
    if (rc == CLI_OK)
        rc = cli_parse_u32(&n, o.value[OPT_SIGNERS], 2, TSS_FROST_MAX_SIGNERS, "--signers");
    if (rc == CLI_OK)
        rc = cli_parse_threshold(&t, o.value[OPT_THRESHOLD], n);
    if (rc == CLI_OK)
        rc = cli_parse_identifier(&id, o.value[OPT_ID]);
    if (rc != CLI_OK)
        return rc;
    const int force = o.value[OPT_FORCE] != NULL;

    tss_frost_scalar *coef = sodium_allocarray(t, sizeof *coef);
    tss_frost_element *commitment = calloc(t, sizeof *commitment);
    tss_frost_element *pub = calloc(t, sizeof *pub);
    tss_frost_dkg_secret_package sp;
    tss_frost_dkg_round1_package pkg;
    char *secret_json = NULL, *public_json = NULL;
    size_t secret_len = 0, public_len = 0;
    if (coef == NULL || commitment == NULL || pub == NULL)
        rc = cli_error(CLI_FAIL, "out of memory");
    else if (tss_frost_dkg_secret_package_init(&sp, coef, commitment, t) != TSS_OK ||
             tss_frost_dkg_round1_package_init(&pkg, pub, t) != TSS_OK ||
             tss_frost_dkg_part1(&sp, &pkg, &id, n, t) != TSS_OK)
        rc = cli_error(CLI_FAIL, "dkg part1 failed");
    if (rc == CLI_OK) {
        secret_json = cli_secret_to_json(&secret_len, &sp);
        public_json = cli_round1_to_json(&public_len, &pkg);
        tss_frost_dkg_secret_package_clear(&sp);
        if (secret_json == NULL || public_json == NULL)
            rc = cli_error(CLI_FAIL, "out of memory");
    }
    /* the secret first: a broadcast package without its secret would be useless */
    if (rc == CLI_OK)
        rc = cli_write_text(o.value[OPT_SECRET_OUT], secret_json, secret_len, 1, force);
    if (rc == CLI_OK)
        rc = cli_write_text(o.value[OPT_OUT] != NULL ? o.value[OPT_OUT] : "-", public_json, public_len, 0, force);
    cli_free_text(secret_json, secret_len);
    cli_free_text(public_json, public_len);
    sodium_free(coef);
    free(commitment);
    free(pub);
    return rc;
}

/* Loads round-1 files, dropping the participant's own package (same identifier and commitment). */
static int load_round1_set(tss_frost_dkg_round1_package **out, char ***files_out, size_t *n_out, char **files,
                           int n_files, const tss_frost_dkg_secret_package *sp)
{
    tss_frost_dkg_round1_package *pk = calloc((size_t)n_files, sizeof *pk);
    char **names = calloc((size_t)n_files, sizeof *names);
    size_t m = 0;
    int rc = pk != NULL && names != NULL ? CLI_OK : cli_error(CLI_FAIL, "out of memory");
    for (int i = 0; rc == CLI_OK && i < n_files; i++) {
        rc = cli_load_round1(&pk[m], files[i]);
        if (rc != CLI_OK)
            break;
        if (tss_frost_identifier_cmp(&pk[m].identifier, &sp->identifier) == 0) {
            int same = pk[m].n_commitments == sp->n_commitments &&
                       memcmp(pk[m].commitment, sp->commitment, (size_t)sp->n_commitments * 32) == 0;
            cli_free_round1(&pk[m]);
            if (!same)
                rc = cli_error(CLI_FAIL, "%s: claims to come from this participant but is not its package",
                               files[i]);
            continue;
        }
        names[m++] = files[i];
    }
    if (rc != CLI_OK) {
        for (size_t k = 0; k < m; k++)
            cli_free_round1(&pk[k]);
        free(pk);
        free(names);
        return rc;
    }
    *out = pk;
    *files_out = names;
    *n_out = m;
    return CLI_OK;
}

static void free_round1_set(tss_frost_dkg_round1_package *pk, char **names, size_t n)
{
    for (size_t k = 0; pk != NULL && k < n; k++)
        cli_free_round1(&pk[k]);
    free(pk);
    free(names);
}

static int check_count(size_t have, const tss_frost_dkg_secret_package *sp, const char *what)
{
    if (have != (size_t)sp->max_signers - 1)
        return cli_error(CLI_FAIL, "%s: %zu packages from other participants, expected n-1 = %u", what, have,
                         sp->max_signers - 1);
    return CLI_OK;
}

static int part2(int argc, char **argv)
{
    cli_opts o;
    int rc = cli_parse(&o, argc, argv,
                       1u << OPT_SECRET | 1u << OPT_ROUND1 | 1u << OPT_SECRET_OUT | 1u << OPT_OUT_DIR |
                           1u << OPT_FORCE,
                       "dkg part2");
    for (int k = 0; rc == CLI_OK && k < 3; k++)
        rc = cli_require(&o, (enum cli_opt[]){OPT_SECRET, OPT_ROUND1, OPT_SECRET_OUT}[k], "dkg part2");
    if (rc != CLI_OK)
        return rc;
    const char *dir = o.value[OPT_OUT_DIR] != NULL ? o.value[OPT_OUT_DIR] : ".";
    const int force = o.value[OPT_FORCE] != NULL;
    if ((rc = cli_make_out_dir(dir)) != CLI_OK)
        return rc;

    tss_frost_dkg_secret_package sp;
    tss_frost_dkg_round1_package *r1 = NULL;
    tss_frost_dkg_round2_package *r2 = NULL;
    tss_frost_identifier *culprits = NULL, *ids = NULL;
    char **names = NULL;
    size_t n1 = 0, n_culprits = 0, scratch_len = 0;
    void *scratch = NULL;
    if ((rc = cli_load_secret(&sp, o.value[OPT_SECRET], "dkg_round1_secret")) != CLI_OK)
        return rc;
    rc = load_round1_set(&r1, &names, &n1, o.list[OPT_ROUND1], o.n_list[OPT_ROUND1], &sp);
    if (rc == CLI_OK)
        rc = check_count(n1, &sp, "--round1");
    if (rc == CLI_OK) {
        scratch_len = tss_frost_keygen_scratch_size(sp.max_signers, sp.min_signers);
        scratch = sodium_malloc(scratch_len);
        r2 = sodium_allocarray(n1, sizeof *r2);
        culprits = calloc(n1, sizeof *culprits);
        ids = calloc(n1, sizeof *ids);
        if (scratch == NULL || r2 == NULL || culprits == NULL || ids == NULL)
            rc = cli_error(CLI_FAIL, "out of memory");
    }
    if (rc == CLI_OK) {
        for (size_t k = 0; k < n1; k++)
            ids[k] = r1[k].identifier;
        int st = tss_frost_dkg_part2(&sp, r2, r1, n1, scratch, scratch_len, culprits, n1, &n_culprits);
        if (st == TSS_ERR_CULPRIT)
            rc = report_culprits("dkg part2 (bad commitment or proof of knowledge)", culprits, n_culprits, names,
                                 ids, n1);
        else if (st != TSS_OK)
            rc = cli_error(CLI_FAIL, "dkg part2: %s", status_hint(st));
    }
    char path[4096], name[200], from[65], to[65];
    for (size_t k = 0; rc == CLI_OK && k < n1; k++) {
        size_t len;
        char *json = cli_round2_to_json(&len, &r2[k]);
        snprintf(name, sizeof name, "round2-from-%s-to-%s.json", cli_identifier_str(from, &r2[k].sender),
                 cli_identifier_str(to, &r2[k].recipient));
        rc = json == NULL ? cli_error(CLI_FAIL, "out of memory") : cli_path_join(path, sizeof path, dir, name);
        if (rc == CLI_OK)
            rc = cli_write_text(path, json, len, 1, force);
        cli_free_text(json, len);
    }
    if (rc == CLI_OK) {
        size_t len;
        char *json = cli_secret_to_json(&len, &sp);
        rc = json == NULL ? cli_error(CLI_FAIL, "out of memory")
                          : cli_write_text(o.value[OPT_SECRET_OUT], json, len, 1, force);
        cli_free_text(json, len);
    }
    if (rc == CLI_OK)
        fprintf(stderr, "verified %zu proofs of knowledge; wrote %zu round-2 packages (SECRET) to %s\n", n1, n1,
                dir);
    sodium_free(r2);
    sodium_free(scratch);
    free(culprits);
    free(ids);
    free_round1_set(r1, names, n1);
    cli_free_secret(&sp);
    return rc;
}

static int part3(int argc, char **argv)
{
    cli_opts o;
    int rc = cli_parse(&o, argc, argv,
                       1u << OPT_SECRET | 1u << OPT_ROUND1 | 1u << OPT_ROUND2 | 1u << OPT_KEY_OUT |
                           1u << OPT_PUBLIC_OUT | 1u << OPT_FORCE,
                       "dkg part3");
    for (int k = 0; rc == CLI_OK && k < 5; k++)
        rc = cli_require(&o, (enum cli_opt[]){OPT_SECRET, OPT_ROUND1, OPT_ROUND2, OPT_KEY_OUT, OPT_PUBLIC_OUT}[k],
                         "dkg part3");
    if (rc != CLI_OK)
        return rc;
    const int force = o.value[OPT_FORCE] != NULL;

    tss_frost_dkg_secret_package sp;
    tss_frost_dkg_round1_package *r1 = NULL;
    tss_frost_dkg_round2_package *r2 = NULL;
    tss_frost_identifier *culprits = NULL, *ids2 = NULL;
    tss_frost_public_share *shares = NULL;
    tss_frost_public_key_package pkp;
    tss_frost_key_package kp;
    char **names = NULL;
    size_t n1 = 0, n2 = (size_t)o.n_list[OPT_ROUND2], n_culprits = 0, scratch_len = 0;
    void *scratch = NULL;
    char idbuf[65], idbuf2[65];
    if ((rc = cli_load_secret(&sp, o.value[OPT_SECRET], "dkg_round2_secret")) != CLI_OK)
        return rc;
    rc = load_round1_set(&r1, &names, &n1, o.list[OPT_ROUND1], o.n_list[OPT_ROUND1], &sp);
    if (rc == CLI_OK)
        rc = check_count(n1, &sp, "--round1");
    if (rc == CLI_OK) {
        r2 = sodium_allocarray(n2, sizeof *r2);
        ids2 = calloc(n2, sizeof *ids2);
        culprits = calloc(n1 + n2, sizeof *culprits);
        shares = calloc(sp.max_signers, sizeof *shares);
        scratch_len = tss_frost_keygen_scratch_size(sp.max_signers, sp.min_signers);
        scratch = sodium_malloc(scratch_len);
        if (r2 == NULL || ids2 == NULL || culprits == NULL || shares == NULL || scratch == NULL)
            rc = cli_error(CLI_FAIL, "out of memory");
    }
    for (size_t k = 0; rc == CLI_OK && k < n2; k++) {
        const char *file = o.list[OPT_ROUND2][k];
        rc = cli_load_round2(&r2[k], file);
        if (rc == CLI_OK && tss_frost_identifier_cmp(&r2[k].recipient, &sp.identifier) != 0)
            rc = cli_error(CLI_FAIL, "%s: addressed to participant %s, not to %s", file,
                           cli_identifier_str(idbuf, &r2[k].recipient), cli_identifier_str(idbuf2, &sp.identifier));
        if (rc == CLI_OK)
            ids2[k] = r2[k].sender;
    }
    if (rc == CLI_OK)
        rc = check_count(n2, &sp, "--round2");
    if (rc == CLI_OK) {
        tss_frost_public_key_package_init(&pkp, shares, sp.max_signers);
        int st = tss_frost_dkg_part3(&kp, &pkp, &sp, r1, n1, r2, n2, scratch, scratch_len, culprits, n1 + n2,
                                     &n_culprits);
        if (st == TSS_ERR_CULPRIT)
            rc = report_culprits("dkg part3 (share does not match its sender's commitment)", culprits, n_culprits,
                                 o.list[OPT_ROUND2], ids2, n2);
        else if (st != TSS_OK)
            rc = cli_error(CLI_FAIL, "dkg part3: %s", status_hint(st));
    }
    if (rc == CLI_OK) {
        char json[1024];
        size_t len;
        rc = tss_frost_key_package_to_json(json, sizeof json, &len, &kp) == TSS_OK
                 ? cli_write_text(o.value[OPT_KEY_OUT], json, len, 1, force)
                 : cli_error(CLI_FAIL, "cannot encode the key package");
        sodium_memzero(json, sizeof json);
        sodium_memzero(&kp, sizeof kp);
    }
    if (rc == CLI_OK) {
        size_t cap = 256 + (size_t)pkp.max_signers * 160, len;
        char *json = malloc(cap);
        rc = json != NULL && tss_frost_public_key_package_to_json(json, cap, &len, &pkp) == TSS_OK
                 ? cli_write_text(o.value[OPT_PUBLIC_OUT], json, len, 0, force)
                 : cli_error(CLI_FAIL, "cannot encode the public key package");
        free(json);
    }
    if (rc == CLI_OK) {
        char hex[65];
        sodium_bin2hex(hex, sizeof hex, pkp.verifying_key.bytes, 32);
        fprintf(stderr, "verified %zu shares; wrote %s (SECRET, 0600) and %s\n", n2, o.value[OPT_KEY_OUT],
                o.value[OPT_PUBLIC_OUT]);
        printf("%s\n", hex);
    }
    sodium_free(r2);
    sodium_free(scratch);
    free(culprits);
    free(ids2);
    free(shares);
    free_round1_set(r1, names, n1);
    cli_free_secret(&sp);
    return rc;
}

int cli_cmd_dkg(int argc, char **argv)
{
    if (argc >= 1 && strcmp(argv[0], "part1") == 0)
        return part1(argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "part2") == 0)
        return part2(argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "part3") == 0)
        return part3(argc - 1, argv + 1);
    return cli_error(CLI_USAGE, "dkg: expected part1, part2 or part3 (see tss-frost --help)");
}
