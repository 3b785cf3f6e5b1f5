/* JSON encodings of the key generation packages (formats in include/tss/frost_keygen.h). Decoded packages go
 * through the same checks as the binary decoders (crypto/frost_keygen_codec.h). */
#include <string.h>
#include <jansson.h>
#include <sodium.h>

#include "crypto/frost_dkg_internal.h"
#include "crypto/frost_internal.h"
#include "crypto/frost_json_internal.h"
#include "crypto/frost_keygen_codec.h"

static const char *const K_ID[] = {"identifier", NULL};
static const char *const K_COMMITMENT[] = {"commitment", "vss_commitments", NULL};
static const char *const K_POK[] = {"proof_of_knowledge", NULL};
static const char *const K_SENDER[] = {"sender", NULL};
static const char *const K_RECIPIENT[] = {"recipient", NULL};
static const char *const K_SHARE[] = {"signing_share", "secret_share", NULL};

static const char *const SECRET_TYPES[2][2] = {
    { "dkg_round1_secret", "dkg_round2_secret" },
    { "refresh_round1_secret", "refresh_round2_secret" },
};

/* "key":["hex",...] over n 32-byte entries spaced `stride` bytes apart. */
static void w_hex_list(frost_jw *w, const char *key, const uint8_t *first, size_t stride, size_t n)
{
    char buf[65];
    frost_jw_raw(w, "\"");
    frost_jw_raw(w, key);
    frost_jw_raw(w, "\":[");
    for (size_t k = 0; k < n && !w->overflow; k++) {
        sodium_bin2hex(buf, sizeof buf, first + k * stride, 32);
        frost_jw_raw(w, k == 0 ? "\"" : ",\"");
        frost_jw_raw(w, buf);
        frost_jw_raw(w, "\"");
    }
    sodium_memzero(buf, sizeof buf);
    frost_jw_raw(w, "]");
}

/* Reads a list of 32-byte hex strings into n entries spaced `stride` bytes apart (n = the list's size). */
static int read_hex_list(uint8_t *first, size_t stride, json_t *list, size_t n)
{
    if (!json_is_array(list) || json_array_size(list) != n)
        return TSS_ERR_ENCODING;
    for (size_t k = 0; k < n; k++)
        if (frost_json_hex_exact(first + k * stride, 32, json_array_get(list, k)) != TSS_OK)
            return TSS_ERR_ENCODING;
    return TSS_OK;
}

/* A frost-core "header" ({"version":0,"ciphersuite":"FROST-ED25519-SHA512-v1"}), if present, must name ours. */
static int header_ok(json_t *root)
{
    json_t *h = json_object_get(root, "header");
    if (h == NULL)
        return 1;
    json_t *cs = json_object_get(h, "ciphersuite");
    return json_is_object(h) && json_is_string(cs) && strcmp(json_string_value(cs), TSS_FROST_CONTEXT_STRING) == 0;
}

/* The parsed object if it is a package of ours (version, header), else NULL (released). */
static json_t *open_package(const char *json, size_t json_len)
{
    json_t *root = frost_json_parse(json, json_len);
    if (root != NULL && (!frost_json_version_ok(root) || !header_ok(root))) {
        json_decref(root);
        return NULL;
    }
    return root;
}

static int list_size(uint32_t *n, json_t *list)
{
    if (!json_is_array(list) || json_array_size(list) > TSS_FROST_MAX_SIGNERS)
        return TSS_ERR_ENCODING;
    *n = (uint32_t)json_array_size(list);
    return TSS_OK;
}

/* ---- round-1 package ---- */

int tss_frost_dkg_round1_package_peek_json(uint32_t *n_commitments, const char *json, size_t json_len)
{
    if (n_commitments == NULL || json == NULL)
        return TSS_ERR_INVALID_ARG;
    json_t *root = open_package(json, json_len);
    int rc = root != NULL ? list_size(n_commitments, frost_json_get_any(root, K_COMMITMENT)) : TSS_ERR_ENCODING;
    json_decref(root);
    return rc;
}

int tss_frost_dkg_round1_package_to_json(char *out, size_t out_cap, size_t *out_len,
                                         const tss_frost_dkg_round1_package *pkg)
{
    frost_jw w;
    if (pkg == NULL || pkg->n_commitments > pkg->capacity || (pkg->commitment == NULL && pkg->n_commitments != 0) ||
        frost_jw_begin(&w, out, out_cap) != TSS_OK)
        return TSS_ERR_INVALID_ARG;
    frost_jw_raw(&w, ",");
    frost_jw_id(&w, "identifier", &pkg->identifier);
    frost_jw_raw(&w, ",");
    w_hex_list(&w, "commitment", pkg->n_commitments ? pkg->commitment[0].bytes : NULL, sizeof(tss_frost_element),
               pkg->n_commitments);
    frost_jw_raw(&w, ",");
    frost_jw_hex(&w, "proof_of_knowledge", pkg->proof_of_knowledge, 64);
    return frost_jw_end(&w, out_len);
}

int tss_frost_dkg_round1_package_from_json(tss_frost_dkg_round1_package *pkg, const char *json, size_t json_len)
{
    if (pkg == NULL || json == NULL || (pkg->commitment == NULL && pkg->capacity != 0))
        return TSS_ERR_INVALID_ARG;
    json_t *root = open_package(json, json_len);
    json_t *list = root != NULL ? frost_json_get_any(root, K_COMMITMENT) : NULL;
    uint32_t n = 0;
    int rc = TSS_ERR_ENCODING;
    if (root == NULL || list_size(&n, list) != TSS_OK)
        goto done;
    if (n > pkg->capacity) {
        rc = TSS_ERR_CAPACITY;
        goto done;
    }
    pkg->version = TSS_FROST_VERSION;
    pkg->n_commitments = 0;
    if (frost_json_id(&pkg->identifier, frost_json_get_any(root, K_ID), NULL) != TSS_OK ||
        (n > 0 && read_hex_list(pkg->commitment[0].bytes, sizeof(tss_frost_element), list, n) != TSS_OK) ||
        frost_json_get_hex(pkg->proof_of_knowledge, 64, root, K_POK) != TSS_OK)
        goto done;
    pkg->n_commitments = n;
    rc = frost_kg_round1_check(pkg);
    if (rc != TSS_OK)
        pkg->n_commitments = 0;
done:
    json_decref(root);
    return rc;
}

/* ---- round-2 package ---- */

int tss_frost_dkg_round2_package_to_json(char *out, size_t out_cap, size_t *out_len,
                                         const tss_frost_dkg_round2_package *pkg)
{
    frost_jw w;
    if (pkg == NULL || frost_jw_begin(&w, out, out_cap) != TSS_OK)
        return TSS_ERR_INVALID_ARG;
    frost_jw_raw(&w, ",");
    frost_jw_id(&w, "sender", &pkg->sender);
    frost_jw_raw(&w, ",");
    frost_jw_id(&w, "recipient", &pkg->recipient);
    frost_jw_raw(&w, ",");
    frost_jw_hex(&w, "signing_share", pkg->signing_share.bytes, 32);
    return frost_jw_end(&w, out_len);
}

int tss_frost_dkg_round2_package_from_json(tss_frost_dkg_round2_package *pkg, const char *json, size_t json_len)
{
    if (pkg == NULL || json == NULL)
        return TSS_ERR_INVALID_ARG;
    json_t *root = open_package(json, json_len);
    tss_frost_dkg_round2_package tmp;
    int rc = TSS_ERR_ENCODING;
    tmp.version = TSS_FROST_VERSION;
    if (root != NULL && frost_json_id(&tmp.sender, frost_json_get_any(root, K_SENDER), NULL) == TSS_OK &&
        frost_json_id(&tmp.recipient, frost_json_get_any(root, K_RECIPIENT), NULL) == TSS_OK &&
        frost_json_get_hex(tmp.signing_share.bytes, 32, root, K_SHARE) == TSS_OK)
        rc = frost_kg_round2_check(&tmp);
    if (rc == TSS_OK)
        *pkg = tmp;
    sodium_memzero(&tmp, sizeof tmp);
    json_decref(root);
    return rc;
}

/* ---- secret package ---- */

/* state (1 or 2) and refresh flag from "type"; 0 if unknown. */
static int secret_type(uint8_t *state, uint8_t *refresh, json_t *root)
{
    const char *s = json_string_value(json_object_get(root, "type"));
    if (s == NULL)
        return 0;
    for (int r = 0; r < 2; r++)
        for (int p = 0; p < 2; p++)
            if (strcmp(s, SECRET_TYPES[r][p]) == 0) {
                *refresh = (uint8_t)r;
                *state = (uint8_t)(p + 1);
                return 1;
            }
    return 0;
}

int tss_frost_dkg_secret_package_peek_json(uint32_t *min_signers, const char *json, size_t json_len)
{
    if (min_signers == NULL || json == NULL)
        return TSS_ERR_INVALID_ARG;
    json_t *root = open_package(json, json_len);
    uint32_t t = 0;
    int rc = TSS_ERR_ENCODING;
    if (root != NULL && frost_json_get_u32(&t, root, "min_signers") == TSS_OK && t <= TSS_FROST_MAX_SIGNERS) {
        *min_signers = t;
        rc = TSS_OK;
    }
    json_decref(root);
    return rc;
}

int tss_frost_dkg_secret_package_to_json(char *out, size_t out_cap, size_t *out_len,
                                         const tss_frost_dkg_secret_package *sp)
{
    frost_jw w;
    if (sp == NULL)
        return TSS_ERR_INVALID_ARG;
    if ((sp->state != FROST_KG_STATE_PART1 && sp->state != FROST_KG_STATE_PART2) || sp->refresh > 1)
        return TSS_ERR_STATE;
    if (sp->min_signers > sp->capacity || sp->n_commitments > sp->min_signers || sp->coefficients == NULL ||
        sp->commitment == NULL || sp->min_signers == 0 || frost_jw_begin(&w, out, out_cap) != TSS_OK)
        return TSS_ERR_INVALID_ARG;
    const int part1 = sp->state == FROST_KG_STATE_PART1;
    frost_jw_raw(&w, ",\"type\":\"");
    frost_jw_raw(&w, SECRET_TYPES[sp->refresh][part1 ? 0 : 1]);
    frost_jw_raw(&w, "\",");
    frost_jw_id(&w, "identifier", &sp->identifier);
    frost_jw_raw(&w, ",");
    frost_jw_uint(&w, "min_signers", sp->min_signers);
    frost_jw_raw(&w, ",");
    frost_jw_uint(&w, "max_signers", sp->max_signers);
    frost_jw_raw(&w, ",");
    if (part1) {
        w_hex_list(&w, "coefficients", sp->coefficients[0].bytes, sizeof(tss_frost_scalar), sp->min_signers);
        frost_jw_raw(&w, ",");
    }
    w_hex_list(&w, "commitment", sp->n_commitments ? sp->commitment[0].bytes : NULL, sizeof(tss_frost_element),
               sp->n_commitments);
    if (!part1) {
        frost_jw_raw(&w, ",");
        frost_jw_hex(&w, "signing_share", sp->own_share.bytes, 32);
    }
    return frost_jw_end(&w, out_len);
}

int tss_frost_dkg_secret_package_from_json(tss_frost_dkg_secret_package *sp, const char *json, size_t json_len)
{
    if (sp == NULL || json == NULL || ((sp->coefficients == NULL || sp->commitment == NULL) && sp->capacity != 0))
        return TSS_ERR_INVALID_ARG;
    json_t *root = open_package(json, json_len);
    uint8_t state = 0, refresh = 0;
    uint32_t t = 0, n = 0;
    int rc = TSS_ERR_ENCODING;
    tss_frost_dkg_secret_package_clear(sp);
    if (root == NULL || !secret_type(&state, &refresh, root) ||
        frost_json_get_u32(&t, root, "min_signers") != TSS_OK || frost_json_get_u32(&n, root, "max_signers") != TSS_OK ||
        t < 1 || t > n || n > TSS_FROST_MAX_SIGNERS)
        goto done;
    if (t > sp->capacity) {
        rc = TSS_ERR_CAPACITY;
        goto done;
    }
    sp->version = TSS_FROST_VERSION;
    sp->state = state;
    sp->refresh = refresh;
    sp->min_signers = t;
    sp->max_signers = n;
    sp->n_commitments = t - refresh;
    json_t *coeffs = json_object_get(root, "coefficients");
    json_t *comm = frost_json_get_any(root, K_COMMITMENT);
    json_t *share = frost_json_get_any(root, K_SHARE);
    if (frost_json_id(&sp->identifier, frost_json_get_any(root, K_ID), NULL) != TSS_OK)
        goto done;
    int recompute = 0;
    if (state == FROST_KG_STATE_PART1) {
        recompute = comm == NULL;
        if (share != NULL || read_hex_list(sp->coefficients[0].bytes, sizeof(tss_frost_scalar), coeffs, t) != TSS_OK)
            goto done;
    } else if (coeffs != NULL || share == NULL ||
               frost_json_hex_exact(sp->own_share.bytes, 32, share) != TSS_OK) {
        goto done;
    }
    if (!recompute && sp->n_commitments > 0 &&
        read_hex_list(sp->commitment[0].bytes, sizeof(tss_frost_element), comm, sp->n_commitments) != TSS_OK)
        goto done;
    if (!recompute && sp->n_commitments == 0 && (!json_is_array(comm) || json_array_size(comm) != 0))
        goto done;
    rc = frost_kg_secret_check(sp, recompute);
done:
    if (rc != TSS_OK)
        tss_frost_dkg_secret_package_clear(sp);
    json_decref(root);
    return rc;
}
