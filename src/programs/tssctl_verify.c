/* tssctl verify: checks Ed25519 signatures with libsodium, independently of the nodes that made them: from the
 * group public key alone (--public-key), or with the key the nodes report (--key), for one signature or for
 * every result of `tssctl sign --json` (--results). */
#include "src/programs/tssctl.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

bool tssctl_signature_valid(const uint8_t pk[32], const char *message_hex, const char *signature_hex, bool prehash)
{
    size_t ml = strlen(message_hex) / 2;
    uint8_t *msg = malloc(ml + 1), sig[64], digest[64];
    bool ok = msg != NULL && strlen(message_hex) % 2 == 0 &&
              sodium_hex2bin(msg, ml + 1, message_hex, 2 * ml, NULL, NULL, NULL) == 0 &&
              strlen(signature_hex) == 128 &&
              sodium_hex2bin(sig, sizeof sig, signature_hex, 128, NULL, NULL, NULL) == 0;
    if (ok && prehash) {
        crypto_hash_sha512(digest, msg, ml);
        ok = crypto_sign_verify_detached(sig, digest, sizeof digest, pk) == 0;
    } else if (ok) {
        ok = crypto_sign_verify_detached(sig, msg, ml, pk) == 0;
    }
    free(msg);
    return ok;
}

void tssctl_message_label(const char *hex, char out[24])
{
    size_t n = strlen(hex) / 2;
    bool text = n > 0;
    char buf[19];
    size_t shown = n < 16 ? n : 16;
    for (size_t i = 0; i < n && text; i++) {
        unsigned v = 0;
        text = sscanf(hex + 2 * i, "%2x", &v) == 1 && v >= 0x20 && v < 0x7f && v != '"';
        if (i < shown)
            buf[i] = (char)v;
    }
    if (text) {
        buf[shown] = '\0';
        snprintf(out, 24, "\"%s%s\"", buf, n > shown ? ".." : "");
    } else {
        snprintf(out, 24, "%.16s%s", hex, strlen(hex) > 16 ? ".." : "");
    }
}

/* The group key of --key as the nodes report it (every holder must report the same). */
static int key_from_nodes(const options *o, char pk_hex[65])
{
    char path[64], key_hex[17];
    tss_api_format_id(key_hex, o->key_id);
    snprintf(path, sizeof path, "/v1/keys/%s", key_hex);
    pk_hex[0] = '\0';
    for (size_t i = 0; i < o->n_nodes; i++) {
        json_t *j;
        int st = tssctl_call(&o->nodes[i], "GET", path, NULL, &j);
        const char *g = st == 200 ? tssctl_jstr(j, "group_public_key") : "";
        if (g[0] != '\0' && pk_hex[0] != '\0' && strcmp(g, pk_hex) != 0) {
            fprintf(stderr, "tssctl: node %u reports another group key for %s\n", o->nodes[i].index, key_hex);
            json_decref(j);
            return EXIT_OPERATION;
        }
        if (g[0] != '\0')
            snprintf(pk_hex, 65, "%s", g);
        json_decref(j);
    }
    if (pk_hex[0] == '\0') {
        fprintf(stderr, "tssctl: no reachable node holds key %s\n", key_hex);
        return EXIT_OPERATION;
    }
    return 0;
}

/* The signatures to check: the one of the command line, or every record of --results. */
static json_t *load_records(const options *o)
{
    if (o->results_file == NULL)
        return json_pack("[{s:s,s:s,s:b}]", "message", o->messages[0], "signature", o->signature_hex, "prehash",
                         o->prehash);
    json_error_t e;
    json_t *j = strcmp(o->results_file, "-") == 0 ? json_loadf(stdin, 0, &e) : json_load_file(o->results_file, 0, &e);
    if (j == NULL) {
        fprintf(stderr, "tssctl: --results %s: %s (line %d)\n", o->results_file, e.text, e.line);
        return NULL;
    }
    if (json_is_object(j)) {
        json_t *a = json_pack("[o]", j);
        j = a;
    }
    if (!json_is_array(j) || json_array_size(j) == 0) {
        fprintf(stderr, "tssctl: --results %s: expected the output of `tssctl sign --json` (signature records)\n",
                o->results_file);
        json_decref(j);
        return NULL;
    }
    return j;
}

/* Checks record r (its message, signature, prehash flag; its group key unless pk_hex is given). */
static bool check_record(const options *o, const json_t *r, size_t i, const char *pk_hex, json_t *report)
{
    const char *key = pk_hex != NULL ? pk_hex : tssctl_jstr(r, "group_public_key");
    const char *msg = tssctl_jstr(r, "message"), *sig = tssctl_jstr(r, "signature");
    bool prehash = json_is_true(json_object_get(r, "prehash")) || o->prehash;
    uint8_t pk[32];
    const char *why = NULL;
    if (strlen(key) != 64 || sodium_hex2bin(pk, 32, key, 64, NULL, NULL, NULL) != 0)
        why = "no group public key (64 hex digits)";
    else if (json_string_value(json_object_get(r, "message")) == NULL || strlen(msg) % 2 != 0)
        why = "no message (hex)";
    else if (strlen(sig) != 128)
        why = "no signature (128 hex digits)";
    bool valid = why == NULL && tssctl_signature_valid(pk, msg, sig, prehash);
    char label[24];
    tssctl_message_label(msg, label);
    json_array_append_new(report, json_pack("{s:s,s:s,s:s,s:b,s:b}", "group_public_key", key, "message", msg,
                                            "signature", sig, "prehash", prehash, "valid", valid));
    if (!o->json && why != NULL)
        printf("INVALID  #%zu: %s\n", i + 1, why);
    else if (!o->json)
        printf("%s  %-20s  %.16s..%s\n", valid ? "valid  " : "INVALID", label, sig, prehash ? "  (prehash)" : "");
    return valid;
}

int tssctl_cmd_verify(const options *o)
{
    char pk_hex[65];
    const char *key = o->public_key_hex;
    if (o->have_key) {
        int rc = key_from_nodes(o, pk_hex);
        if (rc != 0)
            return rc;
        key = pk_hex;
    }
    json_t *records = load_records(o);
    if (records == NULL)
        return EXIT_USAGE;
    json_t *report = json_array();
    size_t n = json_array_size(records), valid = 0;
    for (size_t i = 0; i < n; i++)
        valid += check_record(o, json_array_get(records, i), i, key, report);
    if (o->json) {
        json_dumpf(report, stdout, JSON_INDENT(2));
        putchar('\n');
    } else {
        printf("%zu/%zu %s valid (Ed25519, RFC 8032, checked with libsodium%s)\n", valid, n,
               tssctl_plural(n, "signature", "signatures"),
               key != NULL ? "" : " against each record's group_public_key");
    }
    json_decref(report);
    json_decref(records);
    return valid == n ? 0 : EXIT_OPERATION;
}
