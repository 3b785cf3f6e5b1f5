/* Control plane: the HTTP/JSON API of a tssd node (reference: docs/api.md).
 *
 * The server parses, authenticates and validates every request, decodes it into the plain C structs below
 * (hex → bytes, ids → integers) and calls the node through a tss_api_backend. The backend never sees JSON;
 * the server never sees engines or sessions.
 *
 * Identifiers: session ids and key ids are 64-bit integers written on the wire as exactly 16 hexadecimal
 * digits (lowercase in responses, either case accepted), e.g. "00000000000004d2". Node indices (participants,
 * signers, culprits) are JSON integers 1..65535.
 *
 * Threading: the server runs one internal polling thread (libmicrohttpd); backend callbacks are called from
 * it, one at a time, concurrently with the node's own threads.
 */
#ifndef TSS_API_H
#define TSS_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/metrics.h"
#include "tss/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TSS_API_MAX_PARTICIPANTS 1024
#define TSS_API_MAX_MESSAGE 4096       /* bytes of a message to sign (8192 hex digits) */
#define TSS_API_MAX_BODY 65536         /* request bodies above this get 413 */
#define TSS_API_MAX_CULPRITS 64
#define TSS_API_ERRMSG_MAX 160
#define TSS_API_TOKEN_MAX 256
#define TSS_API_KEY_PAGE 64            /* keys fetched per list_keys call */

typedef enum tss_api_scheme {
    TSS_API_SCHEME_FROST_ED25519 = 1, /* "frost-ed25519": FROST(Ed25519, SHA-512), RFC 9591 */
} tss_api_scheme;

typedef enum tss_api_session_kind {
    TSS_API_SESSION_DKG = 1,
    TSS_API_SESSION_SIGN = 2,
    TSS_API_SESSION_RESHARE = 3,
    TSS_API_SESSION_REFRESH = 4,
} tss_api_session_kind;

typedef enum tss_api_session_state {
    TSS_API_STATE_PENDING = 1, /* accepted, waiting for peers or for an engine */
    TSS_API_STATE_RUNNING = 2,
    TSS_API_STATE_DONE = 3,
    TSS_API_STATE_FAILED = 4,
} tss_api_session_state;

/* Why a culprit is named in a failure. */
typedef enum tss_api_culprit_reason {
    TSS_API_CULPRIT_MISSING = 1,     /* did not answer before the timeout */
    TSS_API_CULPRIT_INVALID = 2,     /* sent a share/proof/commitment that failed verification */
    TSS_API_CULPRIT_EQUIVOCATED = 3, /* sent different round-1 messages to different peers */
} tss_api_culprit_reason;

/* ---- requests (decoded and validated by the server) ---- */

/* Common to every request: indices in participants/signers are distinct, non-zero, in request order. */
typedef struct tss_api_dkg_request {
    uint64_t session_id;
    tss_api_scheme scheme;
    uint16_t threshold;            /* 1 <= threshold <= n_participants (checked by the server) */
    uint16_t n_participants;       /* >= 1 */
    uint16_t participants[TSS_API_MAX_PARTICIPANTS];
} tss_api_dkg_request;

typedef struct tss_api_sign_request {
    uint64_t session_id;
    uint64_t key_id;
    tss_api_scheme scheme;
    bool prehash;                  /* sign SHA-512(message) instead of message */
    uint16_t n_signers;            /* 0: every holder of the key is a candidate */
    uint16_t signers[TSS_API_MAX_PARTICIPANTS];
    size_t message_len;            /* 0..TSS_API_MAX_MESSAGE */
    uint8_t message[TSS_API_MAX_MESSAGE];
} tss_api_sign_request;

/* Reshare: the key's current holders deal it to a new set with a new threshold (same group key). */
typedef struct tss_api_reshare_request {
    uint64_t session_id;
    uint64_t key_id;
    tss_api_scheme scheme;
    uint16_t threshold;            /* new threshold, 1 <= threshold <= n_participants */
    uint16_t n_participants;       /* new holders */
    uint16_t participants[TSS_API_MAX_PARTICIPANTS];
    /* Optional "dealers": the current holders that deal (at least the key's threshold of them). 0: every
     * current holder, as the receiving node knows them; a new node that does not hold the key needs it. */
    uint16_t n_dealers;
    uint16_t dealers[TSS_API_MAX_PARTICIPANTS];
} tss_api_reshare_request;

/* Refresh: new shares of the same key for the same holders (or the listed subset of them). */
typedef struct tss_api_refresh_request {
    uint64_t session_id;
    uint64_t key_id;
    tss_api_scheme scheme;
    uint16_t n_participants;       /* 0: every current holder */
    uint16_t participants[TSS_API_MAX_PARTICIPANTS];
} tss_api_refresh_request;

/* ---- responses (filled by the backend) ---- */

typedef struct tss_api_culprit {
    uint16_t node;
    tss_api_culprit_reason reason;
} tss_api_culprit;

typedef struct tss_api_session_info {
    uint64_t session_id;
    tss_api_session_kind kind;
    tss_api_session_state state;
    tss_api_scheme scheme;
    uint64_t key_id;               /* the key made (dkg), used (sign) or maintained (reshare, refresh) */
    uint32_t round;                /* protocol round reached (progress display) */
    uint32_t attempt;              /* signing attempt (1 + coordinator restarts) */
    uint64_t elapsed_us;           /* since the session was accepted */
    /* state == DONE, kind != SIGN: the key's public parts. */
    uint8_t group_public_key[32];
    uint16_t threshold;
    uint16_t n_participants;
    uint16_t participants[TSS_API_MAX_PARTICIPANTS];
    uint8_t verifying_shares[TSS_API_MAX_PARTICIPANTS][32];
    /* state == DONE, kind == SIGN (group_public_key above is also set). */
    uint8_t signature[64];
    uint16_t n_signers;            /* the signers whose shares made the signature */
    uint16_t signers[TSS_API_MAX_PARTICIPANTS];
    /* state == FAILED. */
    int failure_status;            /* a tss_status, e.g. TSS_ERR_TIMEOUT, TSS_ERR_CULPRIT */
    char failure_message[TSS_API_ERRMSG_MAX];
    uint16_t n_culprits;
    tss_api_culprit culprits[TSS_API_MAX_CULPRITS];
} tss_api_session_info;

typedef struct tss_api_key_summary {
    uint64_t key_id;
    tss_api_scheme scheme;
    uint8_t group_public_key[32];
    uint16_t threshold;
    uint16_t n_participants;
    uint32_t generation;           /* 0 after DKG, +1 per refresh/reshare */
} tss_api_key_summary;

typedef struct tss_api_key_info {
    tss_api_key_summary summary;
    uint16_t participants[TSS_API_MAX_PARTICIPANTS];
    uint8_t verifying_shares[TSS_API_MAX_PARTICIPANTS][32];
    uint16_t own_index;            /* this node's index among the holders, 0 if it holds no share */
} tss_api_key_info;

/* What GET /v1/status reports about the node (filled by get_status). */
typedef struct tss_api_node_status {
    int backend;                   /* tss_backend in use for Ed25519 verification (crypto/cpu.h), resolved */
    int backend_auto;              /* 1 if the configuration left the choice to the node ([engine] backend = auto) */
    unsigned cpu_features;         /* TSS_CPU_* bits found by CPUID + XGETBV */
} tss_api_node_status;

/* The node as the server sees it. Every callback returns a tss_status:
 *   TSS_OK; TSS_ERR_NOT_FOUND (unknown key/session: 404; from start_dkg: a participant outside the
 *   peer table, 400 unknown_participant); TSS_ERR_DUPLICATE (session id in use: 409);
 *   TSS_ERR_CAPACITY (session arena full: 503); TSS_ERR_INVALID_ARG, TSS_ERR_NOT_ENOUGH (400);
 *   TSS_ERR_STATE (409); anything else → 500.
 * `msg` (capacity TSS_API_ERRMSG_MAX, starts empty) may receive a human-readable detail for an error;
 * it is returned to the client, so it must never contain secrets.
 * start_* must not block on the protocol: they hand the request to an engine and return. */
typedef struct tss_api_backend {
    void *ctx;
    int (*start_dkg)(void *ctx, const tss_api_dkg_request *req, char *msg);
    int (*start_sign)(void *ctx, const tss_api_sign_request *req, char *msg);
    int (*start_reshare)(void *ctx, const tss_api_reshare_request *req, char *msg);
    int (*start_refresh)(void *ctx, const tss_api_refresh_request *req, char *msg);
    /* `out` is zeroed by the server before the call. */
    int (*get_session)(void *ctx, uint64_t session_id, tss_api_session_info *out);
    /* Writes up to `cap` keys starting at position `offset` of the node's key list (any stable order);
     * *count receives how many were written (fewer than cap only at the end). */
    int (*list_keys)(void *ctx, size_t offset, tss_api_key_summary *out, size_t cap, size_t *count);
    int (*get_key)(void *ctx, uint64_t key_id, tss_api_key_info *out);
    /* Prometheus text into buf (NUL-terminated), length in *len; TSS_ERR_CAPACITY makes the server retry
     * with a larger buffer. Usually a call to tss_metrics_render on the node's registry. May be NULL. */
    int (*render_metrics)(void *ctx, char *buf, size_t cap, size_t *len);
    /* For GET /v1/status; `out` is zeroed by the server. May be NULL (the status then has no backend). */
    int (*get_status)(void *ctx, tss_api_node_status *out);
} tss_api_backend;

typedef struct tss_api_config {
    const char *bind_address;      /* numeric IPv4/IPv6 address; NULL → "127.0.0.1" */
    uint16_t port;                 /* 0 → ephemeral (see tss_api_port) */
    const char *token;             /* bearer token, 1..TSS_API_TOKEN_MAX bytes; required */
    unsigned connection_timeout_s; /* idle connections closed after this; 0 → 10 */
    unsigned connection_limit;     /* concurrent connections; 0 → 64 */
} tss_api_config;

/* The server's own counters (relaxed atomics); /metrics appends them (tss_api_*) after the backend's text. */
typedef struct tss_api_stats {
    uint64_t requests;             /* every request answered */
    uint64_t responses_2xx;
    uint64_t responses_4xx;
    uint64_t responses_5xx;
    uint64_t unauthorized;         /* 401s */
    uint64_t body_too_large;       /* 413s */
    uint64_t backend_busy;         /* 503s: arena full */
} tss_api_stats;

/* Caller-allocated server. Fields are private. */
typedef struct tss_api_server {
    struct MHD_Daemon *daemon;
    tss_api_backend backend;
    uint8_t token_hash[32];        /* BLAKE2b of the token: compared in constant time */
    uint16_t port;
    tss_api_stats stats;
    tss_metric_entry metric_entries[8];
    tss_metrics metrics;
} tss_api_server;

/* Starts listening. TSS_ERR_INVALID_ARG (bad config/backend with NULL callbacks except render_metrics),
 * TSS_ERR_IO (address in use, cannot bind). */
int tss_api_start(tss_api_server *srv, const tss_api_config *cfg, const tss_api_backend *backend);
/* Stops the server (waits for the polling thread; in-flight requests finish). Safe on a stopped server. */
void tss_api_stop(tss_api_server *srv);
/* The bound port (useful with port 0). */
uint16_t tss_api_port(const tss_api_server *srv);
/* The server's own counters (read them with relaxed loads while it runs). */
const tss_api_stats *tss_api_get_stats(const tss_api_server *srv);

/* Wire names (static strings) and hex ids, shared with tssctl. */
const char *tss_api_scheme_name(tss_api_scheme s);
int tss_api_scheme_parse(const char *name, tss_api_scheme *out);
const char *tss_api_kind_name(tss_api_session_kind k);
const char *tss_api_state_name(tss_api_session_state s);
const char *tss_api_culprit_reason_name(tss_api_culprit_reason r);
/* Writes 16 lowercase hex digits + NUL into out (17 bytes). */
void tss_api_format_id(char out[17], uint64_t id);
/* Parses exactly 16 hex digits. TSS_ERR_ENCODING otherwise. */
int tss_api_parse_id(const char *s, uint64_t *out);

#ifdef __cplusplus
}
#endif
#endif
