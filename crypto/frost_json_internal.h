/* JSON helpers shared by the FROST encodings (frost_json.c, frost_keygen_json.c); internal.
 * Output is written by hand into caller buffers (no secret passes through a jansson heap string on the
 * way out); input is parsed with jansson. */
#ifndef TSS_FROST_JSON_INTERNAL_H
#define TSS_FROST_JSON_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "tss/frost.h"

/* ---- writer: a bounded buffer; overflow is sticky and reported by frost_jw_end ---- */
typedef struct {
    char *out;
    size_t cap, len;
    int overflow;
} frost_jw;

void frost_jw_raw(frost_jw *w, const char *s);
/* "key":"hex" */
void frost_jw_hex(frost_jw *w, const char *key, const uint8_t *b, size_t n);
/* "key":v */
void frost_jw_uint(frost_jw *w, const char *key, uint64_t v);
/* "key":ID (an integer below 2^53, else the 64-digit scalar) */
void frost_jw_id(frost_jw *w, const char *key, const tss_frost_identifier *id);
/* Opens the object with "version":1. TSS_ERR_INVALID_ARG for a NULL/empty buffer. */
int frost_jw_begin(frost_jw *w, char *out, size_t out_cap);
/* Closes the object: TSS_OK, or TSS_ERR_CAPACITY (the buffer is wiped). */
int frost_jw_end(frost_jw *w, size_t *out_len);

/* ---- reader ---- */
/* An object parsed from json_len bytes (duplicate keys rejected), or NULL. */
json_t *frost_json_parse(const char *json, size_t json_len);
/* 1 if "version" is absent or ours. */
int frost_json_version_ok(json_t *obj);
/* The first present key among the NULL-terminated names, or NULL. */
json_t *frost_json_get_any(json_t *obj, const char *const *names);
/* Exactly n bytes of hex from a string value: TSS_OK or TSS_ERR_ENCODING. */
int frost_json_hex_exact(uint8_t *out, size_t n, json_t *v);
int frost_json_get_hex(uint8_t *out, size_t n, json_t *obj, const char *const *names);
/* An identifier from a JSON integer, a decimal string (map keys: key_string) or the 64-hex-digit scalar. */
int frost_json_id(tss_frost_identifier *id, json_t *v, const char *key_string);
/* A u32 field: TSS_OK or TSS_ERR_ENCODING. */
int frost_json_get_u32(uint32_t *out, json_t *obj, const char *key);

#endif
