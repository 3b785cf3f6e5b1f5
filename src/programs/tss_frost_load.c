/* tss-frost: loading the packages of tss/frost.h from JSON files, and explaining why a file was rejected
 * (which field is missing, not hex, the wrong length, not a valid point, not a canonical scalar, ...).
 * Explanations name fields, never their values. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "src/programs/tss_frost_cli.h"

int cli_parse_json(json_t **root, const char *path, const char *text, size_t len)
{
    json_error_t err;
    *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
    if (*root == NULL)
        return cli_error(CLI_FAIL, "%s: malformed JSON (line %d, column %d): %s", path, err.line, err.column,
                         err.text);
    if (!json_is_object(*root)) {
        json_decref(*root);
        *root = NULL;
        return cli_error(CLI_FAIL, "%s: malformed package: expected a JSON object", path);
    }
    return CLI_OK;
}

/* ---- field checks ---- */

enum field_kind { F_NONE, F_POINT, F_SCALAR, F_SIG, F_ID, F_HEX, F_VERSION };

static enum field_kind field_kind(const char *key)
{
    static const struct {
        const char *key;
        enum field_kind kind;
    } table[] = {
        {"verifying_share", F_POINT},  {"verifying_key", F_POINT},         {"group_public_key", F_POINT},
        {"hiding_nonce_commitment", F_POINT}, {"binding_nonce_commitment", F_POINT}, {"commitment", F_POINT},
        {"signing_share", F_SCALAR},   {"hiding_nonce", F_SCALAR},         {"binding_nonce", F_SCALAR},
        {"sig_share", F_SCALAR},       {"coefficients", F_SCALAR},         {"sig", F_SIG},
        {"signature", F_SIG},          {"proof_of_knowledge", F_SIG},      {"identifier", F_ID},
        {"sender", F_ID},              {"recipient", F_ID},                {"message", F_HEX},
        {"version", F_VERSION},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].key, key) == 0)
            return table[i].kind;
    return F_NONE;
}

static int scalar_is_canonical(const uint8_t s[32])
{
    static const uint8_t L[32] = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
                                  0xa2, 0xde, 0xf9, 0xde, 0x14, 0,    0,    0,    0,    0,    0,
                                  0,    0,    0,    0,    0,    0,    0,    0,    0,    0x10};
    for (int i = 31; i >= 0; i--) {
        if (s[i] < L[i])
            return 1;
        if (s[i] > L[i])
            return 0;
    }
    return 0;
}

/* Checks one hex string of the given kind; writes the problem to msg. 0 if fine. */
static int check_hex_field(char *msg, size_t cap, const char *name, const char *s, enum field_kind kind)
{
    size_t n = strlen(s), want = kind == F_SIG ? 64 : 32;
    uint8_t b[64];
    size_t bin_len = 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') || (s[i] >= 'A' && s[i] <= 'F'))) {
            snprintf(msg, cap, "field '%s' is not hex", name);
            return 1;
        }
    if (kind == F_HEX) {
        if (n % 2 != 0) {
            snprintf(msg, cap, "field '%s' has an odd number of hex digits", name);
            return 1;
        }
        return 0;
    }
    if (n != 2 * want) {
        snprintf(msg, cap, "field '%s' has the wrong length: %zu hex digits, expected %zu (%zu bytes)", name, n,
                 2 * want, want);
        return 1;
    }
    if (sodium_hex2bin(b, want, s, n, NULL, &bin_len, NULL) != 0 || bin_len != want) {
        snprintf(msg, cap, "field '%s' is not hex", name);
        return 1;
    }
    int bad = 0;
    if (kind == F_POINT && !crypto_core_ed25519_is_valid_point(b)) {
        snprintf(msg, cap, "field '%s' is not a valid Ed25519 point (non-canonical, off the curve, small order "
                 "or the identity)", name);
        bad = 1;
    } else if (kind == F_SCALAR && !scalar_is_canonical(b)) {
        snprintf(msg, cap, "field '%s' is not a canonical scalar (>= the group order)", name);
        bad = 1;
    } else if (kind == F_SIG && !crypto_core_ed25519_is_valid_point(b)) {
        snprintf(msg, cap, "field '%s': its R half is not a valid Ed25519 point", name);
        bad = 1;
    } else if (kind == F_SIG && !scalar_is_canonical(b + 32)) {
        snprintf(msg, cap, "field '%s': its s half is not a canonical scalar", name);
        bad = 1;
    } else if (kind == F_ID) {
        static const uint8_t zero[32];
        if (sodium_memcmp(b, zero, 32) == 0) {
            snprintf(msg, cap, "field '%s' is zero (identifiers are nonzero)", name);
            bad = 1;
        } else if (!scalar_is_canonical(b)) {
            snprintf(msg, cap, "field '%s' is not a canonical scalar", name);
            bad = 1;
        }
    }
    sodium_memzero(b, sizeof b);
    return bad;
}

static int check_value(char *msg, size_t cap, const char *name, json_t *v, enum field_kind kind)
{
    if (kind == F_VERSION) {
        if (!json_is_integer(v) || json_integer_value(v) != TSS_FROST_VERSION) {
            snprintf(msg, cap, "field 'version' must be %d", TSS_FROST_VERSION);
            return 1;
        }
        return 0;
    }
    if (kind == F_ID && json_is_integer(v)) {
        if (json_integer_value(v) <= 0) {
            snprintf(msg, cap, "field '%s' must be an identifier >= 1", name);
            return 1;
        }
        return 0;
    }
    if (json_is_array(v)) {
        char sub[128];
        for (size_t i = 0; i < json_array_size(v); i++) {
            snprintf(sub, sizeof sub, "%s[%zu]", name, i);
            if (check_value(msg, cap, sub, json_array_get(v, i), kind))
                return 1;
        }
        if (json_array_size(v) == 0) {
            snprintf(msg, cap, "field '%s' is an empty list", name);
            return 1;
        }
        return 0;
    }
    if (!json_is_string(v)) {
        snprintf(msg, cap, "field '%s' must be a %s", name, kind == F_ID ? "number or hex string" : "hex string");
        return 1;
    }
    const char *s = json_string_value(v);
    if (kind == F_ID) {
        size_t n = strlen(s), digits = strspn(s, "0123456789");
        if (n != 64 && (n == 0 || digits != n)) {
            snprintf(msg, cap, "field '%s' is not an identifier (integer or 64 hex digits)", name);
            return 1;
        }
        if (n != 64)
            return 0;
    }
    return check_hex_field(msg, cap, name, s, kind);
}

/* Walks every field (and nested objects/lists); the first problem goes to msg. */
static int check_object(char *msg, size_t cap, json_t *obj, const char *prefix)
{
    const char *key;
    json_t *v;
    char name[160];
    json_object_foreach(obj, key, v) {
        snprintf(name, sizeof name, "%s%s", prefix, key);
        enum field_kind kind = field_kind(key);
        if (kind != F_NONE) {
            if (check_value(msg, cap, name, v, kind))
                return 1;
        } else if (json_is_object(v)) {
            char sub[168];
            snprintf(sub, sizeof sub, "%s.", name);
            if (check_object(msg, cap, v, sub))
                return 1;
        } else if (json_is_array(v)) {
            for (size_t i = 0; i < json_array_size(v); i++) {
                json_t *e = json_array_get(v, i);
                char sub[192];
                snprintf(sub, sizeof sub, "%s[%zu].", name, i);
                if (json_is_object(e) && check_object(msg, cap, e, sub))
                    return 1;
            }
        }
    }
    return 0;
}

static int explain(const char *path, const char *what, const char *const *required, const char *text, size_t len)
{
    json_t *root;
    if (cli_parse_json(&root, path, text, len) != CLI_OK)
        return CLI_FAIL;
    char msg[512] = "";
    for (size_t i = 0; required != NULL && required[i] != NULL; i++)
        if (json_object_get(root, required[i]) == NULL) {
            snprintf(msg, sizeof msg, "missing field '%s'", required[i]);
            break;
        }
    if (msg[0] == '\0' && !check_object(msg, sizeof msg, root, ""))
        snprintf(msg, sizeof msg, "inconsistent contents (duplicate identifiers, counts that do not match the "
                 "lists, a public value that does not match its secret, or t out of range)");
    json_decref(root);
    return cli_error(CLI_FAIL, "%s: not a valid %s: %s", path, what, msg);
}

int cli_explain(const char *path, const char *what, const char *text, size_t len)
{
    return explain(path, what, NULL, text, len);
}

/* ---- loaders ---- */

static const char *const REQ_KEY_PACKAGE[] = {"identifier", "signing_share", "verifying_share", "verifying_key",
                                              "min_signers", NULL};
static const char *const REQ_PUBLIC[] = {"min_signers", "verifying_key", "verifying_shares", NULL};
static const char *const REQ_COMMITMENTS[] = {"identifier", "hiding_nonce_commitment", "binding_nonce_commitment",
                                              NULL};
static const char *const REQ_SHARE[] = {"identifier", "sig_share", NULL};
static const char *const REQ_PACKAGE[] = {"message", "signing_commitments", NULL};

int cli_load_decoded(void *obj, size_t obj_size, cli_json_decoder decode, const char *path, const char *what,
                     const char *const *required)
{
    char *text;
    size_t len;
    int rc = cli_read_text(path, &text, &len);
    if (rc != CLI_OK)
        return rc;
    if (decode(obj, text, len) != TSS_OK) {
        sodium_memzero(obj, obj_size);
        rc = explain(path, what, required, text, len);
    }
    cli_free_text(text, len);
    return rc;
}

static int decode_key_package(void *obj, const char *text, size_t len)
{
    int rc = tss_frost_key_package_from_json(obj, text, len);
    return rc == TSS_OK ? tss_frost_key_package_validate(obj) : rc;
}

int cli_load_key_package(tss_frost_key_package *kp, const char *path)
{
    return cli_load_decoded(kp, sizeof *kp, decode_key_package, path, "key package", REQ_KEY_PACKAGE);
}

/* Reads path and parses it: CLI_OK with *text (free with cli_free_text) and *root (json_decref), or an error
 * (reported) with nothing to free. */
static int read_json(const char *path, char **text, size_t *len, json_t **root)
{
    int rc = cli_read_text(path, text, len);
    if (rc != CLI_OK)
        return rc;
    if ((rc = cli_parse_json(root, path, *text, *len)) != CLI_OK)
        cli_free_text(*text, *len);
    return rc;
}

/* The number of entries of a list-or-map field, 0 if absent. */
static size_t list_size(json_t *root, const char *key)
{
    json_t *v = json_object_get(root, key);
    return json_is_array(v) ? json_array_size(v) : json_is_object(v) ? json_object_size(v) : 0;
}

int cli_load_public_key_package(tss_frost_public_key_package *pkp, const char *path)
{
    char *text;
    size_t len;
    json_t *root;
    memset(pkp, 0, sizeof *pkp);
    int rc = read_json(path, &text, &len, &root);
    if (rc != CLI_OK)
        return rc;
    size_t n = list_size(root, "verifying_shares");
    json_decref(root);
    tss_frost_public_share *shares = calloc(n > 0 ? n : 1, sizeof *shares);
    if (shares == NULL || n > TSS_FROST_MAX_SIGNERS ||
        tss_frost_public_key_package_init(pkp, shares, (uint32_t)n) != TSS_OK ||
        tss_frost_public_key_package_from_json(pkp, text, len) != TSS_OK ||
        tss_frost_public_key_package_validate(pkp) != TSS_OK) {
        free(shares);
        memset(pkp, 0, sizeof *pkp);
        rc = explain(path, "public key package", REQ_PUBLIC, text, len);
    }
    cli_free_text(text, len);
    return rc;
}

void cli_free_public_key_package(tss_frost_public_key_package *pkp)
{
    free(pkp->shares);
    memset(pkp, 0, sizeof *pkp);
}

static int decode_commitments(void *obj, const char *text, size_t len)
{
    return tss_frost_signing_commitments_from_json(obj, text, len);
}

int cli_load_commitments(tss_frost_signing_commitments *c, const char *path)
{
    return cli_load_decoded(c, sizeof *c, decode_commitments, path, "signing commitments package", REQ_COMMITMENTS);
}

static int decode_signature_share(void *obj, const char *text, size_t len)
{
    return tss_frost_signature_share_from_json(obj, text, len);
}

int cli_load_signature_share(tss_frost_signature_share *s, const char *path)
{
    return cli_load_decoded(s, sizeof *s, decode_signature_share, path, "signature share", REQ_SHARE);
}

int cli_load_signing_package(tss_frost_signing_package *pkg, const char *path)
{
    char *text;
    size_t len;
    json_t *root;
    memset(pkg, 0, sizeof *pkg);
    int rc = read_json(path, &text, &len, &root);
    if (rc != CLI_OK)
        return rc;
    size_t n = list_size(root, "signing_commitments");
    const char *msg_hex = json_string_value(json_object_get(root, "message"));
    size_t msg_cap = msg_hex != NULL ? strlen(msg_hex) / 2 + 1 : 1;
    json_decref(root);
    tss_frost_signing_commitments *buf = calloc(n > 0 ? n : 1, sizeof *buf);
    uint8_t *msg = malloc(msg_cap);
    if (buf == NULL || msg == NULL || n > TSS_FROST_MAX_SIGNERS ||
        tss_frost_signing_package_from_json(pkg, buf, (uint32_t)n, msg, msg_cap, text, len) != TSS_OK) {
        free(buf);
        free(msg);
        memset(pkg, 0, sizeof *pkg);
        rc = explain(path, "signing package", REQ_PACKAGE, text, len);
    }
    cli_free_text(text, len);
    return rc;
}

void cli_free_signing_package(tss_frost_signing_package *pkg)
{
    free((void *)pkg->commitments);
    free((void *)pkg->message);
    memset(pkg, 0, sizeof *pkg);
}
