/* tss-frost commit|package|sign|aggregate|verify: the signing ceremony (RFC 9591 rounds 1 and 2). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>

#include "src/programs/tss_frost_cli.h"

#define SMALL_JSON_CAP 1024
/* What a used nonce file is replaced with. */
static const char NONCE_TOMBSTONE[] = "{\"version\":1,\"nonces_used\":true}";

static int write_small(const char *path, int (*enc)(char *, size_t, size_t *, const void *), const void *obj,
                       int secret, int force)
{
    char json[SMALL_JSON_CAP];
    size_t len;
    int rc = enc(json, sizeof json, &len, obj) == TSS_OK ? cli_write_text(path, json, len, secret, force)
                                                         : cli_error(CLI_FAIL, "cannot encode the output");
    sodium_memzero(json, sizeof json);
    return rc;
}

/* Adapters from the typed encoders to write_small's signature. */
static int enc_nonces(char *o, size_t c, size_t *l, const void *x)
{
    return tss_frost_signing_nonces_to_json(o, c, l, x);
}
static int enc_commitments(char *o, size_t c, size_t *l, const void *x)
{
    return tss_frost_signing_commitments_to_json(o, c, l, x);
}
static int enc_share(char *o, size_t c, size_t *l, const void *x)
{
    return tss_frost_signature_share_to_json(o, c, l, x);
}
static int enc_signature(char *o, size_t c, size_t *l, const void *x)
{
    return tss_frost_signature_to_json(o, c, l, x);
}

static const char *out_path(const cli_opts *o)
{
    return o->value[OPT_OUT] != NULL ? o->value[OPT_OUT] : "-";
}

/* ---- commit ---- */

int cli_cmd_commit(int argc, char **argv)
{
    cli_opts o;
    int rc = cli_parse(&o, argc, argv, 1u << OPT_KEY | 1u << OPT_NONCES_OUT | 1u << OPT_OUT | 1u << OPT_FORCE,
                       "commit");
    if (rc == CLI_OK)
        rc = cli_require(&o, OPT_KEY, "commit");
    if (rc == CLI_OK)
        rc = cli_require(&o, OPT_NONCES_OUT, "commit");
    if (rc != CLI_OK)
        return rc;
    tss_frost_key_package kp;
    tss_frost_signing_nonces nonces;
    tss_frost_signing_commitments com;
    if ((rc = cli_load_key_package(&kp, o.value[OPT_KEY])) != CLI_OK)
        return rc;
    if (tss_frost_round1_commit(&nonces, &com, &kp) != TSS_OK)
        rc = cli_error(CLI_FAIL, "round 1 commit failed");
    sodium_memzero(&kp, sizeof kp);
    const int force = o.value[OPT_FORCE] != NULL;
    if (rc == CLI_OK)
        rc = write_small(o.value[OPT_NONCES_OUT], enc_nonces, &nonces, 1, force);
    tss_frost_signing_nonces_wipe(&nonces);
    if (rc == CLI_OK)
        rc = write_small(out_path(&o), enc_commitments, &com, 0, force);
    return rc;
}

/* ---- package ---- */

int cli_cmd_package(int argc, char **argv)
{
    cli_opts o;
    int rc = cli_parse(&o, argc, argv,
                       1u << OPT_MESSAGE | 1u << OPT_MESSAGE_FILE | 1u << OPT_COMMITMENTS | 1u << OPT_OUT |
                           1u << OPT_FORCE,
                       "package");
    if (rc == CLI_OK)
        rc = cli_require(&o, OPT_COMMITMENTS, "package");
    if (rc != CLI_OK)
        return rc;
    uint8_t *msg = NULL;
    size_t msg_len = 0, n = (size_t)o.n_list[OPT_COMMITMENTS];
    if ((rc = cli_load_message(&msg, &msg_len, &o)) != CLI_OK)
        return rc;
    if (n > TSS_FROST_MAX_SIGNERS) {
        free(msg);
        return cli_error(CLI_FAIL, "too many commitments (%zu)", n);
    }
    tss_frost_signing_commitments *com = calloc(n, sizeof *com);
    rc = com != NULL ? CLI_OK : cli_error(CLI_FAIL, "out of memory");
    char idbuf[65];
    for (size_t i = 0; rc == CLI_OK && i < n; i++) {
        rc = cli_load_commitments(&com[i], o.list[OPT_COMMITMENTS][i]);
        for (size_t k = 0; rc == CLI_OK && k < i; k++)
            if (tss_frost_identifier_cmp(&com[k].identifier, &com[i].identifier) == 0)
                rc = cli_error(CLI_FAIL, "%s and %s: both are commitments of participant %s",
                               o.list[OPT_COMMITMENTS][k], o.list[OPT_COMMITMENTS][i],
                               cli_identifier_str(idbuf, &com[i].identifier));
    }
    tss_frost_signing_package pkg;
    if (rc == CLI_OK && tss_frost_signing_package_init(&pkg, com, (uint32_t)n, msg, msg_len) != TSS_OK)
        rc = cli_error(CLI_FAIL, "cannot build the signing package");
    if (rc == CLI_OK) {
        size_t cap = 256 + n * 240 + 2 * msg_len, len;
        char *json = malloc(cap);
        rc = json != NULL && tss_frost_signing_package_to_json(json, cap, &len, &pkg) == TSS_OK
                 ? cli_write_text(out_path(&o), json, len, 0, o.value[OPT_FORCE] != NULL)
                 : cli_error(CLI_FAIL, "cannot encode the signing package");
        free(json);
    }
    free(com);
    free(msg);
    return rc;
}

/* ---- sign ---- */

/* Loads a nonce file, telling a used (tombstoned) one apart from a malformed one. */
static int load_nonces(tss_frost_signing_nonces *nonces, const char *path)
{
    char *text;
    size_t len;
    json_t *root;
    int rc = cli_read_text(path, &text, &len);
    if (rc != CLI_OK)
        return rc;
    if ((rc = cli_parse_json(&root, path, text, len)) == CLI_OK) {
        int used = json_is_true(json_object_get(root, "nonces_used"));
        json_decref(root);
        if (used)
            rc = cli_error(CLI_FAIL, "%s: these nonces were already used to sign; a nonce is single use (run "
                           "'tss-frost commit' again)", path);
        else if (tss_frost_signing_nonces_from_json(nonces, text, len) != TSS_OK)
            rc = cli_explain(path, "signing nonces file", text, len);
    }
    cli_free_text(text, len);
    return rc;
}

/* Overwrites the nonce file with zeros, then with the tombstone, before the nonces are used: a crash after
 * this point loses the nonces instead of allowing a second signature with them. */
static int burn_nonce_file(const char *path)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        if (fd >= 0)
            close(fd);
        return cli_error(CLI_FAIL, "%s: cannot mark the nonces used (%s); refusing to sign", path,
                         strerror(errno));
    }
    static const char zeros[512];
    int ok = 1;
    for (off_t off = 0; ok && off < st.st_size; off += (off_t)sizeof zeros) {
        size_t m = (size_t)(st.st_size - off) < sizeof zeros ? (size_t)(st.st_size - off) : sizeof zeros;
        ok = pwrite(fd, zeros, m, off) == (ssize_t)m;
    }
    ok = ok && fsync(fd) == 0 && ftruncate(fd, 0) == 0 &&
         pwrite(fd, NONCE_TOMBSTONE, sizeof NONCE_TOMBSTONE - 1, 0) == (ssize_t)(sizeof NONCE_TOMBSTONE - 1) &&
         fsync(fd) == 0;
    int e = errno;
    close(fd);
    if (!ok)
        return cli_error(CLI_FAIL, "%s: cannot mark the nonces used (%s); refusing to sign", path, strerror(e));
    return CLI_OK;
}

int cli_cmd_sign(int argc, char **argv)
{
    cli_opts o;
    int rc = cli_parse(&o, argc, argv,
                       1u << OPT_KEY | 1u << OPT_NONCES | 1u << OPT_PACKAGE | 1u << OPT_OUT | 1u << OPT_FORCE,
                       "sign");
    for (int k = 0; rc == CLI_OK && k < 3; k++)
        rc = cli_require(&o, (enum cli_opt[]){OPT_KEY, OPT_NONCES, OPT_PACKAGE}[k], "sign");
    if (rc != CLI_OK)
        return rc;
    tss_frost_key_package kp;
    tss_frost_signing_nonces nonces;
    tss_frost_signing_package pkg;
    tss_frost_signature_share share;
    char a[65], b[65];
    if (strcmp(o.value[OPT_NONCES], "-") == 0)
        return cli_error(CLI_USAGE, "sign: --nonces must be a file (it is marked used after signing)");
    if ((rc = cli_load_key_package(&kp, o.value[OPT_KEY])) != CLI_OK)
        return rc;
    if ((rc = load_nonces(&nonces, o.value[OPT_NONCES])) != CLI_OK) {
        sodium_memzero(&kp, sizeof kp);
        return rc;
    }
    rc = cli_load_signing_package(&pkg, o.value[OPT_PACKAGE]);
    if (rc == CLI_OK && tss_frost_identifier_cmp(&kp.identifier, &nonces.commitments.identifier) != 0)
        rc = cli_error(CLI_FAIL, "%s: nonces of participant %s, but %s is the key of participant %s",
                       o.value[OPT_NONCES], cli_identifier_str(a, &nonces.commitments.identifier),
                       o.value[OPT_KEY], cli_identifier_str(b, &kp.identifier));
    if (rc == CLI_OK && pkg.n_commitments < kp.min_signers)
        rc = cli_error(CLI_FAIL, "%s: %u signers' commitments, the key needs at least %u", o.value[OPT_PACKAGE],
                       pkg.n_commitments, kp.min_signers);
    if (rc == CLI_OK) {
        const tss_frost_signing_commitments *mine = NULL;
        for (uint32_t i = 0; i < pkg.n_commitments; i++)
            if (tss_frost_identifier_cmp(&pkg.commitments[i].identifier, &kp.identifier) == 0)
                mine = &pkg.commitments[i];
        if (mine == NULL)
            rc = cli_error(CLI_FAIL, "%s: participant %s is not among the signers", o.value[OPT_PACKAGE],
                           cli_identifier_str(a, &kp.identifier));
        else if (memcmp(mine->hiding, nonces.commitments.hiding, 32) != 0 ||
                 memcmp(mine->binding, nonces.commitments.binding, 32) != 0)
            rc = cli_error(CLI_FAIL, "%s: participant %s's commitments differ from those of %s (a different "
                           "round?)", o.value[OPT_PACKAGE], cli_identifier_str(a, &kp.identifier),
                           o.value[OPT_NONCES]);
    }
    if (rc == CLI_OK)
        rc = burn_nonce_file(o.value[OPT_NONCES]);
    if (rc == CLI_OK) {
        int st = tss_frost_round2_sign(&share, &pkg, &nonces, &kp);
        if (st != TSS_OK)
            rc = cli_error(CLI_FAIL, "signing failed: %s", tss_status_str(st));
    }
    tss_frost_signing_nonces_wipe(&nonces);
    sodium_memzero(&kp, sizeof kp);
    cli_free_signing_package(&pkg);
    if (rc == CLI_OK)
        rc = write_small(out_path(&o), enc_share, &share, 0, o.value[OPT_FORCE] != NULL);
    return rc;
}

/* ---- aggregate ---- */

static int index_of(const tss_frost_signature_share *shares, size_t n, const tss_frost_identifier *id)
{
    for (size_t i = 0; i < n; i++)
        if (tss_frost_identifier_cmp(&shares[i].identifier, id) == 0)
            return (int)i;
    return -1;
}

/* The checks whose failure the library reports only as a status, here with the file and participant. */
static int check_share_set(const tss_frost_signing_package *pkg, const tss_frost_public_key_package *pkp,
                           const tss_frost_signature_share *shares, char **files, size_t n)
{
    char a[65];
    tss_frost_verifying_share vs;
    if (n < pkp->min_signers)
        return cli_error(CLI_FAIL, "only %zu signature share(s); this key needs at least %u", n, pkp->min_signers);
    for (size_t i = 0; i < n; i++) {
        int first = index_of(shares, i, &shares[i].identifier);
        if (first >= 0)
            return cli_error(CLI_FAIL, "%s and %s: two shares from participant %s", files[first], files[i],
                             cli_identifier_str(a, &shares[i].identifier));
        if (tss_frost_public_key_package_find(&vs, pkp, &shares[i].identifier) != TSS_OK)
            return cli_error(CLI_FAIL, "%s: unknown identifier %s (not in the public key package)", files[i],
                             cli_identifier_str(a, &shares[i].identifier));
        int in_pkg = 0;
        for (uint32_t k = 0; k < pkg->n_commitments; k++)
            in_pkg |= tss_frost_identifier_cmp(&pkg->commitments[k].identifier, &shares[i].identifier) == 0;
        if (!in_pkg)
            return cli_error(CLI_FAIL, "%s: participant %s is not among the signers of the signing package",
                             files[i], cli_identifier_str(a, &shares[i].identifier));
    }
    for (uint32_t k = 0; k < pkg->n_commitments; k++)
        if (index_of(shares, n, &pkg->commitments[k].identifier) < 0)
            return cli_error(CLI_FAIL, "missing the signature share of participant %s (a signer in the package)",
                             cli_identifier_str(a, &pkg->commitments[k].identifier));
    return CLI_OK;
}

int cli_cmd_aggregate(int argc, char **argv)
{
    cli_opts o;
    int rc = cli_parse(&o, argc, argv,
                       1u << OPT_PACKAGE | 1u << OPT_SHARES | 1u << OPT_PUBLIC | 1u << OPT_OUT | 1u << OPT_FORCE,
                       "aggregate");
    for (int k = 0; rc == CLI_OK && k < 3; k++)
        rc = cli_require(&o, (enum cli_opt[]){OPT_PACKAGE, OPT_SHARES, OPT_PUBLIC}[k], "aggregate");
    if (rc != CLI_OK)
        return rc;
    tss_frost_signing_package pkg;
    tss_frost_public_key_package pkp;
    const size_t n = (size_t)o.n_list[OPT_SHARES];
    char **files = o.list[OPT_SHARES];
    if ((rc = cli_load_signing_package(&pkg, o.value[OPT_PACKAGE])) != CLI_OK)
        return rc;
    if ((rc = cli_load_public_key_package(&pkp, o.value[OPT_PUBLIC])) != CLI_OK) {
        cli_free_signing_package(&pkg);
        return rc;
    }
    tss_frost_signature_share *shares = calloc(n, sizeof *shares);
    tss_frost_identifier *culprits = calloc(n, sizeof *culprits);
    rc = shares != NULL && culprits != NULL ? CLI_OK : cli_error(CLI_FAIL, "out of memory");
    for (size_t i = 0; rc == CLI_OK && i < n; i++)
        rc = cli_load_signature_share(&shares[i], files[i]);
    if (rc == CLI_OK)
        rc = check_share_set(&pkg, &pkp, shares, files, n);
    tss_frost_signature sig;
    size_t n_culprits = 0;
    if (rc == CLI_OK) {
        int st = tss_frost_aggregate(&sig, &pkg, shares, n, &pkp, culprits, n, &n_culprits);
        if (st == TSS_ERR_CULPRIT) {
            char a[65];
            fprintf(stderr, "tss-frost: aggregate: the signature is invalid; %zu invalid signature share(s):\n",
                    n_culprits);
            for (size_t i = 0; i < n_culprits && i < n; i++) {
                int at = index_of(shares, n, &culprits[i]);
                fprintf(stderr, "culprit: identifier %s (%s)\n", cli_identifier_str(a, &culprits[i]),
                        at >= 0 ? files[at] : "?");
            }
            rc = CLI_CULPRIT;
        } else if (st == TSS_ERR_VERIFY) {
            rc = cli_error(CLI_FAIL, "aggregate: the signature is invalid although every share verifies: "
                           "%s does not belong to these key packages?", o.value[OPT_PUBLIC]);
        } else if (st != TSS_OK) {
            rc = cli_error(CLI_FAIL, "aggregate failed: %s", tss_status_str(st));
        }
    }
    if (rc == CLI_OK)
        rc = write_small(out_path(&o), enc_signature, &sig, 0, o.value[OPT_FORCE] != NULL);
    free(shares);
    free(culprits);
    cli_free_public_key_package(&pkp);
    cli_free_signing_package(&pkg);
    return rc;
}

/* ---- verify ---- */

/* --signature: 128 hex digits, or a signature JSON file. */
static int load_signature(uint8_t sig[64], const char *arg)
{
    size_t bin_len = 0;
    if (strlen(arg) == 128 && strspn(arg, "0123456789abcdefABCDEF") == 128)
        return sodium_hex2bin(sig, 64, arg, 128, NULL, &bin_len, NULL) == 0 && bin_len == 64
                   ? CLI_OK
                   : cli_error(CLI_FAIL, "--signature: not hex");
    char *text;
    size_t len;
    int rc = cli_read_text(arg, &text, &len);
    if (rc != CLI_OK)
        return rc;
    tss_frost_signature s;
    if (tss_frost_signature_from_json(&s, text, len) != TSS_OK)
        rc = cli_explain(arg, "signature", text, len);
    else
        memcpy(sig, s.bytes, 64);
    cli_free_text(text, len);
    return rc;
}

int cli_cmd_verify(int argc, char **argv)
{
    cli_opts o;
    int rc = cli_parse(&o, argc, argv,
                       1u << OPT_PUBLIC_KEY | 1u << OPT_PUBLIC | 1u << OPT_MESSAGE | 1u << OPT_MESSAGE_FILE |
                           1u << OPT_SIGNATURE,
                       "verify");
    if (rc == CLI_OK)
        rc = cli_require(&o, OPT_SIGNATURE, "verify");
    if (rc == CLI_OK && (o.value[OPT_PUBLIC_KEY] == NULL) == (o.value[OPT_PUBLIC] == NULL))
        rc = cli_error(CLI_USAGE, "verify: give exactly one of --public-key HEX and --public F");
    if (rc != CLI_OK)
        return rc;
    tss_frost_verifying_key vk;
    if (o.value[OPT_PUBLIC_KEY] != NULL) {
        const char *h = o.value[OPT_PUBLIC_KEY];
        size_t bin_len = 0;
        if (strlen(h) != 64 || sodium_hex2bin(vk.bytes, 32, h, 64, NULL, &bin_len, NULL) != 0 || bin_len != 32)
            return cli_error(CLI_FAIL, "--public-key: expected 64 hex digits (32 bytes), got %zu characters",
                             strlen(h));
        if (!crypto_core_ed25519_is_valid_point(vk.bytes))
            return cli_error(CLI_FAIL, "--public-key: not a valid Ed25519 point");
    } else {
        tss_frost_public_key_package pkp;
        if ((rc = cli_load_public_key_package(&pkp, o.value[OPT_PUBLIC])) != CLI_OK)
            return rc;
        vk = pkp.verifying_key;
        cli_free_public_key_package(&pkp);
    }
    uint8_t sig[64];
    if ((rc = load_signature(sig, o.value[OPT_SIGNATURE])) != CLI_OK)
        return rc;
    uint8_t *msg = NULL;
    size_t msg_len = 0;
    if ((rc = cli_load_message(&msg, &msg_len, &o)) != CLI_OK)
        return rc;
    tss_frost_signature s;
    memcpy(s.bytes, sig, 64);
    const int rfc8032 = crypto_sign_verify_detached(sig, msg, msg_len, vk.bytes) == 0;
    const int zip215 = tss_frost_verify(&s, msg, msg_len, &vk) == TSS_OK;
    free(msg);
    if (rfc8032 && zip215) {
        printf("valid\n");
        return CLI_OK;
    }
    return cli_error(CLI_FAIL, "invalid signature (libsodium RFC 8032: %s, ZIP-215: %s)",
                     rfc8032 ? "accepts" : "rejects", zip215 ? "accepts" : "rejects");
}
