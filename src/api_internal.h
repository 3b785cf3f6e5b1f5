/* The HTTP API's parts (not a public interface: callers see src/api.h):
 *   api.c          the server: connections, authentication, routing, handlers, responses, lifecycle
 *   api_request.c  request bodies decoded into the backend's request structs, every field checked
 *   api_json.c     the JSON views of sessions and keys in responses
 *   api_names.c    names of the enums, session and key ids in their 16-hex-digit form */
#ifndef TSS_SRC_API_INTERNAL_H
#define TSS_SRC_API_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>

#include "src/api.h"

typedef struct conn_ctx {
    char *body;
    size_t len;
    size_t cap;
    bool too_large;
} conn_ctx;

/* An error found while decoding a request. */
typedef struct api_error {
    unsigned status;
    const char *code;
    char message[TSS_API_ERRMSG_MAX];
} api_error;

__attribute__((format(printf, 4, 5))) void api_set_err(api_error *e, unsigned status, const char *code,
                                                   const char *fmt, ...);

/* The body as a JSON object, or NULL with e set (400 bad_json). */
json_t *api_parse_body(const conn_ctx *c, api_error *e);
/* Decode a request object (unknown fields refused); false with e set. */
bool api_decode_dkg(const json_t *o, tss_api_dkg_request *r, api_error *e);
bool api_decode_sign(const json_t *o, tss_api_sign_request *r, api_error *e);
bool api_decode_reshare(const json_t *o, tss_api_reshare_request *r, api_error *e);
bool api_decode_refresh(const json_t *o, tss_api_refresh_request *r, api_error *e);

/* 0..15 for a hex digit (either case), -1 otherwise. */
int api_hex_digit(char c);

/* Response views (NULL when out of memory; json_pack's "o" takes NULL as a failure). */
json_t *api_json_hex(const uint8_t *b, size_t n);
json_t *api_json_id(uint64_t id);
json_t *api_indices_json(const uint16_t *idx, uint16_t n);
json_t *api_shares_json(const uint16_t *idx, const uint8_t (*shares)[32], uint16_t n);
json_t *api_session_json(const tss_api_session_info *s);
json_t *api_key_summary_json(const tss_api_key_summary *k);

#endif
