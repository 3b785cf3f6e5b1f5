/* tss-frost: JSON for the DKG packages (tss/frost_keygen.h has none), with the hex and identifier
 * conventions of tss/frost.h. Writers build the text by hand in one malloc'd buffer (secrets never pass
 * through jansson on the way out); readers parse with jansson and restore the library's structs. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "crypto/frost_dkg_internal.h" /* the secret-package state after part 2 */
#include "src/programs/tss_frost_cli.h"

/* ---- writer ---- */

typedef struct {
    char *buf;
    size_t cap, len;
} sb;

static int sb_init(sb *b, size_t cap)
{
    b->buf = malloc(cap);
    b->cap = cap;
    b->len = 0;
    if (b->buf != NULL)
        b->buf[0] = '\0';
    return b->buf != NULL;
}

static void sb_str(sb *b, const char *s)
{
    size_t n = strlen(s);
    if (b->buf == NULL || b->len + n + 1 > b->cap)
        return; /* capacity is computed up front; cannot happen */
    memcpy(b->buf + b->len, s, n + 1);
    b->len += n;
}

static void sb_hex(sb *b, const uint8_t *bytes, size_t n)
{
    char h[65];
    sb_str(b, "\"");
    for (size_t off = 0; off < n; off += 32) {
        sodium_bin2hex(h, sizeof h, bytes + off, n - off < 32 ? n - off : 32);
        sb_str(b, h);
    }
    sb_str(b, "\"");
    sodium_memzero(h, sizeof h);
}

static void sb_id(sb *b, const char *key, const tss_frost_identifier *id)
{
    char k[80];
    snprintf(k, sizeof k, "\"%s\":", key);
    sb_str(b, k);
    uint64_t v;
    if (tss_frost_identifier_to_u64(&v, id) == TSS_OK && v < (UINT64_C(1) << 53)) {
        snprintf(k, sizeof k, "%" PRIu64, v);
        sb_str(b, k);
    } else {
        sb_hex(b, id->bytes, 32);
    }
}

static void sb_u32(sb *b, const char *key, uint32_t v)
{
    char k[80];
    snprintf(k, sizeof k, "\"%s\":%" PRIu32, key, v);
    sb_str(b, k);
}

static void sb_list(sb *b, const char *key, const uint8_t (*items)[32], size_t n)
{
    sb_str(b, "\"");
    sb_str(b, key);
    sb_str(b, "\":[");
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            sb_str(b, ",");
        sb_hex(b, items[i], 32);
    }
    sb_str(b, "]");
}

static size_t cap_for(size_t n_items)
{
    return 512 + n_items * 72;
}

char *cli_round1_to_json(size_t *len, const tss_frost_dkg_round1_package *p)
{
    sb b;
    if (!sb_init(&b, cap_for(p->n_commitments)))
        return NULL;
    sb_str(&b, "{\"version\":1,");
    sb_id(&b, "identifier", &p->identifier);
    sb_str(&b, ",");
    sb_list(&b, "commitment", (const uint8_t(*)[32])p->commitment, p->n_commitments);
    sb_str(&b, ",\"proof_of_knowledge\":");
    sb_hex(&b, p->proof_of_knowledge, 64);
    sb_str(&b, "}");
    *len = b.len;
    return b.buf;
}

char *cli_round2_to_json(size_t *len, const tss_frost_dkg_round2_package *p)
{
    sb b;
    if (!sb_init(&b, cap_for(1)))
        return NULL;
    sb_str(&b, "{\"version\":1,");
    sb_id(&b, "sender", &p->sender);
    sb_str(&b, ",");
    sb_id(&b, "recipient", &p->recipient);
    sb_str(&b, ",\"signing_share\":");
    sb_hex(&b, p->signing_share.bytes, 32);
    sb_str(&b, "}");
    *len = b.len;
    return b.buf;
}

char *cli_secret1_to_json(size_t *len, const tss_frost_identifier *id, uint32_t t, uint32_t n,
                          const tss_frost_scalar *coefficients)
{
    sb b;
    if (!sb_init(&b, cap_for(t)))
        return NULL;
    sb_str(&b, "{\"version\":1,\"type\":\"dkg_round1_secret\",");
    sb_id(&b, "identifier", id);
    sb_str(&b, ",");
    sb_u32(&b, "min_signers", t);
    sb_str(&b, ",");
    sb_u32(&b, "max_signers", n);
    sb_str(&b, ",");
    sb_list(&b, "coefficients", (const uint8_t(*)[32])coefficients, t);
    sb_str(&b, "}");
    *len = b.len;
    return b.buf;
}

char *cli_secret2_to_json(size_t *len, const tss_frost_dkg_secret_package *sp)
{
    sb b;
    if (!sb_init(&b, cap_for(sp->n_commitments)))
        return NULL;
    sb_str(&b, "{\"version\":1,\"type\":\"dkg_round2_secret\",");
    sb_id(&b, "identifier", &sp->identifier);
    sb_str(&b, ",");
    sb_u32(&b, "min_signers", sp->min_signers);
    sb_str(&b, ",");
    sb_u32(&b, "max_signers", sp->max_signers);
    sb_str(&b, ",");
    sb_list(&b, "commitment", (const uint8_t(*)[32])sp->commitment, sp->n_commitments);
    sb_str(&b, ",\"signing_share\":");
    sb_hex(&b, sp->own_share.bytes, 32);
    sb_str(&b, "}");
    *len = b.len;
    return b.buf;
}

/* ---- reader ---- */

static int read_id(tss_frost_identifier *id, json_t *v)
{
    if (json_is_integer(v))
        return json_integer_value(v) > 0 && tss_frost_identifier_from_u64(id, (uint64_t)json_integer_value(v)) ==
                                                 TSS_OK;
    const char *s = json_string_value(v);
    uint8_t b[32];
    size_t bin_len = 0;
    return s != NULL && strlen(s) == 64 && sodium_hex2bin(b, 32, s, 64, NULL, &bin_len, NULL) == 0 &&
           bin_len == 32 && tss_frost_identifier_from_bytes(id, b) == TSS_OK;
}

static int read_hex(uint8_t *out, size_t n, json_t *v)
{
    const char *s = json_string_value(v);
    size_t bin_len = 0;
    return s != NULL && strlen(s) == 2 * n && sodium_hex2bin(out, n, s, 2 * n, NULL, &bin_len, NULL) == 0 &&
           bin_len == n;
}

static int read_points(uint8_t (*out)[32], json_t *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!read_hex(out[i], 32, json_array_get(list, i)) || !crypto_core_ed25519_is_valid_point(out[i]))
            return 0;
    return 1;
}

static int read_u32(uint32_t *out, json_t *v)
{
    if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > TSS_FROST_MAX_SIGNERS)
        return 0;
    *out = (uint32_t)json_integer_value(v);
    return 1;
}

/* Version present and ours; "type" as expected when given. */
static int header_ok(json_t *root, const char *type)
{
    json_t *v = json_object_get(root, "version");
    json_t *ty = json_object_get(root, "type");
    if (!json_is_integer(v) || json_integer_value(v) != TSS_FROST_VERSION)
        return 0;
    if (type == NULL)
        return ty == NULL;
    return json_is_string(ty) && strcmp(json_string_value(ty), type) == 0;
}

static int load_root(json_t **root, char **text, size_t *len, const char *path)
{
    int rc = cli_read_text(path, text, len);
    if (rc != CLI_OK)
        return rc;
    rc = cli_parse_json(root, path, *text, *len);
    if (rc != CLI_OK)
        cli_free_text(*text, *len);
    return rc;
}

int cli_load_round1(tss_frost_dkg_round1_package *p, const char *path)
{
    json_t *root;
    char *text;
    size_t len;
    memset(p, 0, sizeof *p);
    int rc = load_root(&root, &text, &len, path);
    if (rc != CLI_OK)
        return rc;
    json_t *list = json_object_get(root, "commitment");
    size_t n = json_array_size(list);
    tss_frost_element *storage = calloc(n > 0 ? n : 1, sizeof *storage);
    int ok = storage != NULL && header_ok(root, NULL) && n >= 1 && n <= TSS_FROST_MAX_SIGNERS &&
             tss_frost_dkg_round1_package_init(p, storage, (uint32_t)n) == TSS_OK &&
             read_id(&p->identifier, json_object_get(root, "identifier")) &&
             read_points((uint8_t(*)[32])storage, list, n) &&
             read_hex(p->proof_of_knowledge, 64, json_object_get(root, "proof_of_knowledge"));
    json_decref(root);
    if (ok) {
        p->version = TSS_FROST_VERSION;
        p->n_commitments = (uint32_t)n;
    } else {
        free(storage);
        memset(p, 0, sizeof *p);
        rc = cli_explain(path, "DKG round-1 package", text, len);
    }
    cli_free_text(text, len);
    return rc;
}

void cli_free_round1(tss_frost_dkg_round1_package *p)
{
    free(p->commitment);
    memset(p, 0, sizeof *p);
}

int cli_load_round2(tss_frost_dkg_round2_package *p, const char *path)
{
    json_t *root;
    char *text;
    size_t len;
    memset(p, 0, sizeof *p);
    int rc = load_root(&root, &text, &len, path);
    if (rc != CLI_OK)
        return rc;
    int ok = header_ok(root, NULL) && read_id(&p->sender, json_object_get(root, "sender")) &&
             read_id(&p->recipient, json_object_get(root, "recipient")) &&
             read_hex(p->signing_share.bytes, 32, json_object_get(root, "signing_share"));
    json_decref(root);
    if (ok) {
        p->version = TSS_FROST_VERSION;
    } else {
        sodium_memzero(p, sizeof *p);
        rc = cli_explain(path, "DKG round-2 package", text, len);
    }
    cli_free_text(text, len);
    return rc;
}

static int secret_storage(tss_frost_dkg_secret_package *sp, uint32_t t)
{
    tss_frost_scalar *coefficients = calloc(t, sizeof *coefficients);
    tss_frost_element *commitment = calloc(t, sizeof *commitment);
    if (coefficients == NULL || commitment == NULL ||
        tss_frost_dkg_secret_package_init(sp, coefficients, commitment, t) != TSS_OK) {
        free(coefficients);
        free(commitment);
        return 0;
    }
    return 1;
}

void cli_free_secret(tss_frost_dkg_secret_package *sp)
{
    tss_frost_dkg_secret_package_clear(sp);
    free(sp->coefficients);
    free(sp->commitment);
    sodium_memzero(sp, sizeof *sp);
}

int cli_load_secret1(tss_frost_dkg_secret_package *sp, const char *path)
{
    json_t *root;
    char *text;
    size_t len;
    memset(sp, 0, sizeof *sp);
    int rc = load_root(&root, &text, &len, path);
    if (rc != CLI_OK)
        return rc;
    tss_frost_identifier id;
    uint32_t t = 0, n = 0;
    json_t *list = json_object_get(root, "coefficients");
    tss_frost_scalar *coef = NULL;
    int ok = header_ok(root, "dkg_round1_secret") && read_id(&id, json_object_get(root, "identifier")) &&
             read_u32(&t, json_object_get(root, "min_signers")) && read_u32(&n, json_object_get(root, "max_signers")) &&
             t <= n && json_array_size(list) == t && (coef = calloc(t, sizeof *coef)) != NULL;
    for (uint32_t i = 0; ok && i < t; i++)
        ok = read_hex(coef[i].bytes, 32, json_array_get(list, i));
    json_decref(root);
    /* Part 1 again with the stored coefficients restores exactly the secret package part 1 left (the fresh
     * proof nonce only affects the discarded proof). */
    tss_frost_dkg_round1_package scratch_pkg;
    tss_frost_element *scratch_commitment = ok ? calloc(t, sizeof *scratch_commitment) : NULL;
    tss_frost_scalar nonce;
    crypto_core_ed25519_scalar_random(nonce.bytes);
    ok = ok && scratch_commitment != NULL && secret_storage(sp, t) &&
         tss_frost_dkg_round1_package_init(&scratch_pkg, scratch_commitment, t) == TSS_OK &&
         tss_frost_dkg_part1_with_coefficients(sp, &scratch_pkg, &id, n, t, coef, &nonce) == TSS_OK;
    sodium_memzero(&nonce, sizeof nonce);
    if (coef != NULL) {
        sodium_memzero(coef, (size_t)t * sizeof *coef);
        free(coef);
    }
    free(scratch_commitment);
    if (!ok) {
        cli_free_secret(sp);
        rc = cli_explain(path, "DKG part-1 secret package", text, len);
    }
    cli_free_text(text, len);
    return rc;
}

int cli_load_secret2(tss_frost_dkg_secret_package *sp, const char *path)
{
    json_t *root;
    char *text;
    size_t len;
    memset(sp, 0, sizeof *sp);
    int rc = load_root(&root, &text, &len, path);
    if (rc != CLI_OK)
        return rc;
    tss_frost_identifier id;
    uint32_t t = 0, n = 0;
    json_t *list = json_object_get(root, "commitment");
    int ok = header_ok(root, "dkg_round2_secret") && read_id(&id, json_object_get(root, "identifier")) &&
             read_u32(&t, json_object_get(root, "min_signers")) && read_u32(&n, json_object_get(root, "max_signers")) &&
             t <= n && json_array_size(list) == t && secret_storage(sp, t) &&
             read_points((uint8_t(*)[32])sp->commitment, list, t) &&
             read_hex(sp->own_share.bytes, 32, json_object_get(root, "signing_share"));
    json_decref(root);
    if (ok) {
        sp->identifier = id;
        sp->min_signers = t;
        sp->max_signers = n;
        sp->n_commitments = t;
        sp->refresh = 0;
        sp->state = FROST_KG_STATE_PART2;
    } else {
        cli_free_secret(sp);
        rc = cli_explain(path, "DKG part-2 secret package", text, len);
    }
    cli_free_text(text, len);
    return rc;
}
