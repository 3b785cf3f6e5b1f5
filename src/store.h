/* The node's durable store: an embedded transactional key-value store over LMDB.
 *
 * Records are opaque byte blobs under a typed key (kind, id). Each kind is either secret or public:
 *  - secret records (key packages, one-time material) are encrypted at rest with XChaCha20-Poly1305
 *    under a key derived from the master key, a fresh random nonce per write, and associated data
 *    binding the store id, the kind and the id, so a blob copied under another key, kind or store
 *    fails to open;
 *  - public records (public key packages, session records) are stored as they are.
 * The master key comes from a 0600 key file (src/keyfile.h) or from a passphrase through Argon2id with a
 * salt kept in the store's metadata. A wrong master key is detected at open.
 *
 * Durability: every write is one LMDB transaction committed with LMDB's default synchronous flush, so
 * once a call returns TSS_OK the change survives a crash or SIGKILL of the process.
 * Thread safety: one tss_store may be shared by threads (writes are serialized by LMDB); LMDB forbids
 * opening the same directory twice in one process, so share the handle instead.
 * Plaintext secrets never enter LMDB pages; the caller owns (and should zeroize) its buffers. */
#ifndef TSS_SRC_STORE_H
#define TSS_SRC_STORE_H

#include <lmdb.h>
#include <stddef.h>
#include <stdint.h>

#define TSS_STORE_MASTER_KEY_BYTES 32
#define TSS_STORE_ID_MAX 64                 /* longest record id, bytes */
#define TSS_STORE_RECORD_MAX (1u << 20)     /* longest record value (plaintext), bytes */
#define TSS_STORE_UUID_BYTES 16
#define TSS_STORE_SECRET_OVERHEAD (1 + 24 + 16) /* format byte, nonce, tag */

typedef enum tss_store_kind {
    TSS_STORE_KEY_PACKAGE = 1,        /* secret: this node's FROST key package for one key id */
    TSS_STORE_PUBLIC_KEY_PACKAGE = 2, /* public: group key and verifying shares for one key id */
    TSS_STORE_SESSION = 3,            /* public: a session's state or result, by session id */
    TSS_STORE_ONE_TIME = 4,           /* secret: material to be used at most once (see take_once) */
} tss_store_kind;

/* 1 if records of this kind are encrypted, 0 if public, -1 if the kind is unknown. */
int tss_store_kind_is_secret(int kind);

/* Argon2id cost for a passphrase store; used when the store is created, then read from its metadata. */
typedef struct tss_store_pwhash_params {
    unsigned long long opslimit;
    size_t memlimit;
} tss_store_pwhash_params;

typedef struct tss_store {
    MDB_env *env;
    MDB_dbi meta;
    MDB_dbi records;
    int is_open;
    uint8_t store_id[TSS_STORE_UUID_BYTES];
    uint8_t record_key[32]; /* derived from the master key; wiped by close */
    char error[512];        /* why open failed (written only by the open functions) */
} tss_store;

/* Opens (creating if absent: the directory and its missing parents with mode 0700, the files 0600) the store in dir with a
 * 32-byte master key. Map size: 1 GiB (sparse). Errors: TSS_ERR_VERIFY (the store was created with
 * another master key), TSS_ERR_STATE (the store uses a passphrase), TSS_ERR_IO, TSS_ERR_ENCODING
 * (metadata damaged). On failure s->error says why and nothing stays open. */
int tss_store_open(tss_store *s, const char *dir, const uint8_t master_key[TSS_STORE_MASTER_KEY_BYTES]);

/* As tss_store_open with the master key read from a key file (tss_master_key_load); the key file's
 * errors (permissions, size) are reported in s->error. */
int tss_store_open_key_file(tss_store *s, const char *dir, const char *key_file);

/* As tss_store_open with master key = Argon2id(passphrase, salt from the metadata). params (NULL: libsodium's
 * MODERATE limits) only matter when the store is created. TSS_ERR_STATE if the store uses a key file. */
int tss_store_open_passphrase(tss_store *s, const char *dir, const char *passphrase, size_t passphrase_len,
                              const tss_store_pwhash_params *params);

/* Opens with the master key source a node config names: exactly one of master_key_file (a key file) and
 * passphrase_env (the name of an environment variable holding the passphrase; default Argon2id limits) is
 * non-empty. TSS_ERR_NOT_FOUND if the variable is unset or empty; otherwise as the functions above. */
int tss_store_open_configured(tss_store *s, const char *dir, const char *master_key_file, const char *passphrase_env);

/* Closes the environment and wipes the derived key. Safe on a store that is not open. */
void tss_store_close(tss_store *s);

/* Flags for the put functions. */
#define TSS_STORE_REPLACE 1u /* without it, an existing record makes put fail with TSS_ERR_DUPLICATE */

/* Stores data (len <= TSS_STORE_RECORD_MAX, may be 0) under (kind, id); kind must be secret.
 * TSS_ERR_INVALID_ARG (public kind, id length 0 or > TSS_STORE_ID_MAX), TSS_ERR_DUPLICATE,
 * TSS_ERR_CAPACITY (store full), TSS_ERR_IO. */
int tss_store_put_secret(tss_store *s, int kind, const uint8_t *id, size_t id_len, const uint8_t *data, size_t len,
                         unsigned flags);

/* One record of a batch write (tss_store_put_many). */
typedef struct tss_store_write {
    int kind;                 /* secret kinds are encrypted, public ones stored as is */
    const uint8_t *id;
    size_t id_len;
    const uint8_t *data;
    size_t len;
    unsigned flags;           /* TSS_STORE_REPLACE or 0 */
} tss_store_write;

/* Writes n records in one durable transaction: all of them or none (group commit: one fsync for many
 * records, so a control plane finishing thousands of sessions per second is not bound by the disk's
 * fsync rate). Errors as the single puts; on any error nothing is written. */
int tss_store_put_many(tss_store *s, const tss_store_write *writes, size_t n);

/* Decrypts the record into out. *out_len = its length. TSS_ERR_NOT_FOUND; TSS_ERR_CAPACITY if out_cap is
 * too small (*out_len then says how much is needed); TSS_ERR_CRYPTO if it does not authenticate (tampered,
 * moved, or damaged), with out zeroed. */
int tss_store_get_secret(tss_store *s, int kind, const uint8_t *id, size_t id_len, uint8_t *out, size_t out_cap,
                         size_t *out_len);

/* As the secret pair, for public kinds (stored as is). */
int tss_store_put_public(tss_store *s, int kind, const uint8_t *id, size_t id_len, const uint8_t *data, size_t len,
                         unsigned flags);
int tss_store_get_public(tss_store *s, int kind, const uint8_t *id, size_t id_len, uint8_t *out, size_t out_cap,
                         size_t *out_len);

/* Deletes a record. TSS_ERR_NOT_FOUND if absent. */
int tss_store_delete(tss_store *s, int kind, const uint8_t *id, size_t id_len);

/* Atomically reads (decrypting a secret kind) and deletes the record, in one durable transaction: a record
 * is returned by at most one call ever, even across crashes. TSS_ERR_NOT_FOUND once taken.
 * On TSS_ERR_CAPACITY (*out_len = needed) or TSS_ERR_CRYPTO the record stays. */
int tss_store_take_once(tss_store *s, int kind, const uint8_t *id, size_t id_len, uint8_t *out, size_t out_cap,
                        size_t *out_len);

/* Called for each record of a kind in id order. data is the value for a public kind and NULL (len 0) for a
 * secret kind (list never decrypts). Return nonzero to stop. The callback runs inside a read transaction:
 * it may read from the store but must not write to it. */
typedef int (*tss_store_list_fn)(void *ctx, int kind, const uint8_t *id, size_t id_len, const uint8_t *data,
                                 size_t len);

/* Lists every record of a kind. TSS_OK (also when stopped early), TSS_ERR_IO. */
int tss_store_list(tss_store *s, int kind, tss_store_list_fn fn, void *ctx);

#endif
