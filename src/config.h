/* The node configuration: one INI file per node (format documented field by field in configs/README.md).
 *
 * Loading is strict: a missing file, an unknown section or field, a field given twice, a duplicate peer index,
 * a malformed key (hex, length, not a valid Ed25519 point), a bad address, a value out of range or a missing
 * required field makes tss_config_load fail with a message "FILE:LINE: problem" (or "FILE: problem" when
 * something is missing altogether). Relative paths in the file are resolved against the file's directory. */
#ifndef TSS_SRC_CONFIG_H
#define TSS_SRC_CONFIG_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/cpu.h"

#define TSS_CONFIG_MAX_PEERS 256   /* peer indices are 1..256 */
#define TSS_CONFIG_MAX_ENGINES 64
#define TSS_CONFIG_MAX_CORE 1023
#define TSS_CONFIG_PATH_MAX 512
#define TSS_CONFIG_ENV_MAX 128
#define TSS_CONFIG_FILE_MAX (1u << 20) /* larger config files are refused */
#define TSS_CONFIG_ERROR_MAX 1024      /* enough for any message tss_config_* writes */

typedef struct tss_config_peer {
    uint32_t index;                 /* 1..TSS_CONFIG_MAX_PEERS, also the node's FROST identifier base */
    uint8_t public_key[32];         /* Ed25519 node key (a valid point, not of small order) */
    struct sockaddr_in address;
    int line;                       /* line of the [peer.N] header */
} tss_config_peer;

typedef struct tss_config {
    char path[TSS_CONFIG_PATH_MAX]; /* the file it was loaded from */

    struct {
        uint32_t index;             /* this node's peer index */
        char identity_key_file[TSS_CONFIG_PATH_MAX];
        struct sockaddr_in listen;  /* UDP address of the node protocol */
        int listen_line;
        char data_dir[TSS_CONFIG_PATH_MAX];
        char master_key_file[TSS_CONFIG_PATH_MAX];         /* "" when the passphrase is used */
        char master_passphrase_env[TSS_CONFIG_ENV_MAX];    /* "" when the key file is used */
    } node;

    size_t n_peers;                 /* sorted by index; includes this node */
    tss_config_peer peers[TSS_CONFIG_MAX_PEERS];

    struct {
        int poller;
        int verify;
        size_t n_engines;
        int engines[TSS_CONFIG_MAX_ENGINES]; /* distinct core ids, one engine each */
    } cores;

    struct {
        uint32_t arena_sessions;    /* session slots per engine */
        uint32_t ring_capacity;     /* entries per dispatch ring, a power of two */
        uint32_t verify_batch;      /* most envelopes per verification batch */
        uint32_t verify_wait_us;    /* longest wait to fill a batch */
        uint32_t early_messages;    /* buffered early messages per session */
        tss_backend backend;        /* Ed25519 verification backend (tss_backend_select of `backend`):
                                     * TSS_BACKEND_AUTO, or a backend this CPU runs; copy to vs_config */
    } engine;

    struct {
        uint32_t round_ms;
        uint32_t session_ms;
        uint32_t retry_initial_ms;
        uint32_t retry_max;         /* retry requests per round before giving up on a sender */
        uint32_t clock_skew_ms;     /* accepted envelope timestamp distance from local time */
    } timeouts;

    struct {
        uint32_t rate_per_peer;     /* messages per second accepted from one peer */
        uint32_t max_payload;       /* bytes, after reassembly */
    } limits;

    struct {
        struct sockaddr_in listen;  /* TCP address of the HTTP API */
        int listen_line;
        char token_file[TSS_CONFIG_PATH_MAX];
    } api;
} tss_config;

/* Loads and validates a config file. TSS_OK; TSS_ERR_NOT_FOUND / TSS_ERR_IO (file); TSS_ERR_ENCODING (any
 * content error). err (>= TSS_CONFIG_ERROR_MAX bytes advised) receives the message. */
int tss_config_load(tss_config *cfg, const char *path, char *err, size_t err_len);

/* As tss_config_load over text in memory; name stands for the file in messages and for resolving relative
 * paths (its directory). */
int tss_config_parse(tss_config *cfg, const char *name, const char *text, size_t text_len, char *err,
                     size_t err_len);

/* Tries to bind the node's UDP listen address and the API's TCP address (and releases them). TSS_OK, or
 * TSS_ERR_IO with "FILE:LINE: ... is already in use" (or the bind error). */
int tss_config_check_ports(const tss_config *cfg, char *err, size_t err_len);

/* The peer with this index, or NULL. */
const tss_config_peer *tss_config_peer_by_index(const tss_config *cfg, uint32_t index);

#endif
