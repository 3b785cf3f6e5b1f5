/* tss-frost: the DKG packages as JSON files, through tss/frost_keygen.h's JSON codec, with the file named and
 * the problem explained on failure. */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "src/programs/tss_frost_cli.h"

/* Encodes into a malloc'd buffer of cap bytes; NULL on failure. */
static char *encode(size_t *len, size_t cap, int (*enc)(char *, size_t, size_t *, const void *), const void *obj)
{
    char *out = malloc(cap);
    if (out != NULL && enc(out, cap, len, obj) != TSS_OK) {
        sodium_memzero(out, cap);
        free(out);
        return NULL;
    }
    return out;
}

static int enc_round1(char *o, size_t c, size_t *l, const void *x)
{
    return tss_frost_dkg_round1_package_to_json(o, c, l, x);
}
static int enc_round2(char *o, size_t c, size_t *l, const void *x)
{
    return tss_frost_dkg_round2_package_to_json(o, c, l, x);
}
static int enc_secret(char *o, size_t c, size_t *l, const void *x)
{
    return tss_frost_dkg_secret_package_to_json(o, c, l, x);
}

char *cli_round1_to_json(size_t *len, const tss_frost_dkg_round1_package *p)
{
    return encode(len, TSS_FROST_DKG_ROUND1_PACKAGE_JSON_MAX(p->n_commitments), enc_round1, p);
}

char *cli_round2_to_json(size_t *len, const tss_frost_dkg_round2_package *p)
{
    return encode(len, TSS_FROST_DKG_ROUND2_PACKAGE_JSON_MAX, enc_round2, p);
}

char *cli_secret_to_json(size_t *len, const tss_frost_dkg_secret_package *sp)
{
    return encode(len, TSS_FROST_DKG_SECRET_PACKAGE_JSON_MAX(sp->capacity), enc_secret, sp);
}

int cli_load_round1(tss_frost_dkg_round1_package *p, const char *path)
{
    char *text;
    size_t len;
    uint32_t n = 0;
    memset(p, 0, sizeof *p);
    int rc = cli_read_text(path, &text, &len);
    if (rc != CLI_OK)
        return rc;
    tss_frost_element *storage = NULL;
    int ok = tss_frost_dkg_round1_package_peek_json(&n, text, len) == TSS_OK && n >= 1 &&
             n <= TSS_FROST_MAX_SIGNERS && (storage = calloc(n, sizeof *storage)) != NULL &&
             tss_frost_dkg_round1_package_init(p, storage, n) == TSS_OK &&
             tss_frost_dkg_round1_package_from_json(p, text, len) == TSS_OK;
    if (!ok) {
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

static int decode_round2(void *obj, const char *text, size_t len)
{
    return tss_frost_dkg_round2_package_from_json(obj, text, len);
}

int cli_load_round2(tss_frost_dkg_round2_package *p, const char *path)
{
    return cli_load_decoded(p, sizeof *p, decode_round2, path, "DKG round-2 package", NULL);
}

void cli_free_secret(tss_frost_dkg_secret_package *sp)
{
    tss_frost_dkg_secret_package_clear(sp);
    if (sp->coefficients != NULL)
        sodium_memzero(sp->coefficients, (size_t)sp->capacity * sizeof *sp->coefficients);
    free(sp->coefficients);
    free(sp->commitment);
    sodium_memzero(sp, sizeof *sp);
}

int cli_load_secret(tss_frost_dkg_secret_package *sp, const char *path, const char *type)
{
    char *text;
    size_t len;
    json_t *root;
    uint32_t t = 0;
    memset(sp, 0, sizeof *sp);
    int rc = cli_read_text(path, &text, &len);
    if (rc != CLI_OK)
        return rc;
    if ((rc = cli_parse_json(&root, path, text, len)) == CLI_OK) {
        const char *got = json_string_value(json_object_get(root, "type"));
        if (got == NULL || strcmp(got, type) != 0)
            rc = cli_error(CLI_FAIL, "%s: not a %s file (type '%s')", path, type, got != NULL ? got : "missing");
        json_decref(root);
    }
    if (rc == CLI_OK) {
        tss_frost_scalar *coef = NULL;
        tss_frost_element *commitment = NULL;
        int ok = tss_frost_dkg_secret_package_peek_json(&t, text, len) == TSS_OK && t >= 1 &&
                 t <= TSS_FROST_MAX_SIGNERS && (coef = calloc(t, sizeof *coef)) != NULL &&
                 (commitment = calloc(t, sizeof *commitment)) != NULL &&
                 tss_frost_dkg_secret_package_init(sp, coef, commitment, t) == TSS_OK &&
                 tss_frost_dkg_secret_package_from_json(sp, text, len) == TSS_OK;
        if (!ok) {
            if (sp->coefficients == NULL) { /* init not reached: free directly */
                free(coef);
                free(commitment);
            }
            cli_free_secret(sp);
            rc = cli_explain(path, type, text, len);
        }
    }
    cli_free_text(text, len);
    return rc;
}
