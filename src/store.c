#include "src/store.h"

#include "src/keyfile.h"
#include "tss/common.h"
#include "util/bytes.h"

#include <errno.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAP_SIZE ((size_t)1 << 30)
#define STORE_FORMAT 1u

/* First byte of every record value: says how the rest is encoded. */
#define VALUE_PUBLIC 0x50u    /* 'P': the bytes themselves */
#define VALUE_SECRET_V1 0x53u /* 'S': nonce(24) || XChaCha20-Poly1305 ciphertext || tag(16) */
#define NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_BYTES crypto_aead_xchacha20poly1305_ietf_ABYTES

enum key_source { SOURCE_KEY = 1, SOURCE_PASSPHRASE = 2 };

static const char CTX_RECORD_KEY[] = "tss-store-record-key-v1";
static const char CTX_KEY_CHECK[] = "tss-store-key-check-v1";
static const char CTX_RECORD_AD[] = "tss-store-record-v1";

int tss_store_kind_is_secret(int kind)
{
    switch (kind) {
    case TSS_STORE_KEY_PACKAGE:
    case TSS_STORE_ONE_TIME:
        return 1;
    case TSS_STORE_PUBLIC_KEY_PACKAGE:
    case TSS_STORE_SESSION:
        return 0;
    default:
        return -1;
    }
}

static void set_error(tss_store *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->error, sizeof s->error, fmt, ap);
    va_end(ap);
}

static int lmdb_status(int rc)
{
    switch (rc) {
    case 0: return TSS_OK;
    case MDB_NOTFOUND: return TSS_ERR_NOT_FOUND;
    case MDB_KEYEXIST: return TSS_ERR_DUPLICATE;
    case MDB_MAP_FULL:
    case MDB_TXN_FULL: return TSS_ERR_CAPACITY;
    default: return TSS_ERR_IO;
    }
}

/* out = BLAKE2b-256 keyed by the master key over context || store id: one independent key per purpose and store. */
static void derive(uint8_t out[32], const uint8_t master[32], const char *context, const uint8_t store_id[16])
{
    crypto_generichash_state st;
    crypto_generichash_init(&st, master, 32, 32);
    crypto_generichash_update(&st, (const unsigned char *)context, strlen(context));
    crypto_generichash_update(&st, store_id, TSS_STORE_UUID_BYTES);
    crypto_generichash_final(&st, out, 32);
    sodium_memzero(&st, sizeof st);
}

static int meta_put(MDB_txn *txn, MDB_dbi dbi, const char *name, const void *data, size_t len)
{
    MDB_val k = {strlen(name), (void *)name};
    MDB_val v = {len, (void *)data};
    return mdb_put(txn, dbi, &k, &v, 0);
}

/* Reads a fixed-length metadata value; MDB_NOTFOUND if absent, EINVAL if the length differs. */
static int meta_get(MDB_txn *txn, MDB_dbi dbi, const char *name, void *out, size_t len)
{
    MDB_val k = {strlen(name), (void *)name};
    MDB_val v;
    int rc = mdb_get(txn, dbi, &k, &v);
    if (rc != 0)
        return rc;
    if (v.mv_size != len)
        return EINVAL;
    memcpy(out, v.mv_data, len);
    return 0;
}

/* Creates the metadata of a new store inside txn. */
static int meta_create(tss_store *s, MDB_txn *txn, enum key_source source, uint8_t salt[crypto_pwhash_SALTBYTES],
                       const tss_store_pwhash_params *params, uint64_t *ops, uint64_t *mem)
{
    uint8_t buf[8];
    uint8_t src = (uint8_t)source;
    randombytes_buf(s->store_id, sizeof s->store_id);
    tss_store_be64(buf, STORE_FORMAT);
    int rc = meta_put(txn, s->meta, "format", buf, 8);
    if (rc == 0)
        rc = meta_put(txn, s->meta, "store_id", s->store_id, sizeof s->store_id);
    if (rc == 0)
        rc = meta_put(txn, s->meta, "key_source", &src, 1);
    if (rc == 0 && source == SOURCE_PASSPHRASE) {
        randombytes_buf(salt, crypto_pwhash_SALTBYTES);
        *ops = params ? params->opslimit : crypto_pwhash_OPSLIMIT_MODERATE;
        *mem = params ? params->memlimit : crypto_pwhash_MEMLIMIT_MODERATE;
        rc = meta_put(txn, s->meta, "pwhash_salt", salt, crypto_pwhash_SALTBYTES);
        tss_store_be64(buf, *ops);
        if (rc == 0)
            rc = meta_put(txn, s->meta, "pwhash_ops", buf, 8);
        tss_store_be64(buf, *mem);
        if (rc == 0)
            rc = meta_put(txn, s->meta, "pwhash_mem", buf, 8);
    }
    return rc;
}

static int pwhash_params_ok(uint64_t ops, uint64_t mem)
{
    return ops >= crypto_pwhash_OPSLIMIT_MIN && ops <= crypto_pwhash_OPSLIMIT_MAX &&
           mem >= crypto_pwhash_MEMLIMIT_MIN && mem <= crypto_pwhash_MEMLIMIT_MAX;
}

/* mkdir -p with mode 0700 for every directory it creates. */
static int make_dirs(const char *dir)
{
    char path[4096];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(path, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (path[i] != '/' && path[i] != '\0')
            continue;
        char saved = path[i];
        path[i] = '\0';
        if (mkdir(path, 0700) != 0 && errno != EEXIST)
            return -1;
        path[i] = saved;
    }
    struct stat st;
    if (stat(dir, &st) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

static int open_store(tss_store *s, const char *dir, enum key_source source, const uint8_t *master_key,
                      const char *passphrase, size_t passphrase_len, const tss_store_pwhash_params *params)
{
    uint8_t master[32];
    uint8_t check[32];
    uint8_t stored_check[32];
    uint8_t salt[crypto_pwhash_SALTBYTES];
    uint64_t ops = 0, mem = 0;
    MDB_txn *txn = NULL;
    int status = TSS_OK;
    int rc;
    int created = 0;

    if (make_dirs(dir) != 0) {
        set_error(s, "store %s: cannot create directory: %s", dir, strerror(errno));
        return TSS_ERR_IO;
    }
    if ((rc = mdb_env_create(&s->env)) != 0) {
        set_error(s, "store %s: %s", dir, mdb_strerror(rc));
        return TSS_ERR_IO;
    }
    /* NOTLS: read transactions are not tied to a thread, so a handle can be shared by worker threads. */
    if ((rc = mdb_env_set_maxdbs(s->env, 2)) != 0 || (rc = mdb_env_set_mapsize(s->env, MAP_SIZE)) != 0 ||
        (rc = mdb_env_open(s->env, dir, MDB_NOTLS, 0600)) != 0) {
        set_error(s, "store %s: cannot open LMDB environment: %s", dir, mdb_strerror(rc));
        status = TSS_ERR_IO;
        goto fail;
    }
    int dead_readers = 0;
    mdb_reader_check(s->env, &dead_readers); /* clear reader slots of killed processes */

    if ((rc = mdb_txn_begin(s->env, NULL, 0, &txn)) != 0 ||
        (rc = mdb_dbi_open(txn, "meta", MDB_CREATE, &s->meta)) != 0 ||
        (rc = mdb_dbi_open(txn, "records", MDB_CREATE, &s->records)) != 0) {
        set_error(s, "store %s: %s", dir, mdb_strerror(rc));
        status = lmdb_status(rc);
        goto fail;
    }

    rc = meta_get(txn, s->meta, "store_id", s->store_id, sizeof s->store_id);
    if (rc == MDB_NOTFOUND) {
        created = 1;
        rc = meta_create(s, txn, source, salt, params, &ops, &mem);
        if (rc != 0) {
            set_error(s, "store %s: cannot write metadata: %s", dir, mdb_strerror(rc));
            status = lmdb_status(rc);
            goto fail;
        }
    } else {
        uint8_t fmt[8], src = 0, ops_b[8], mem_b[8];
        if (rc != 0 || meta_get(txn, s->meta, "format", fmt, 8) != 0 ||
            meta_get(txn, s->meta, "key_source", &src, 1) != 0) {
            set_error(s, "store %s: metadata is damaged", dir);
            status = TSS_ERR_ENCODING;
            goto fail;
        }
        if (tss_load_be64(fmt) != STORE_FORMAT) {
            set_error(s, "store %s: unsupported store format %llu", dir, (unsigned long long)tss_load_be64(fmt));
            status = TSS_ERR_ENCODING;
            goto fail;
        }
        if (src != source) {
            set_error(s, "store %s: the store was created with a %s, not a %s", dir,
                      src == SOURCE_PASSPHRASE ? "passphrase" : "master key file",
                      source == SOURCE_PASSPHRASE ? "passphrase" : "master key file");
            status = TSS_ERR_STATE;
            goto fail;
        }
        if (source == SOURCE_PASSPHRASE) {
            if (meta_get(txn, s->meta, "pwhash_salt", salt, sizeof salt) != 0 ||
                meta_get(txn, s->meta, "pwhash_ops", ops_b, 8) != 0 ||
                meta_get(txn, s->meta, "pwhash_mem", mem_b, 8) != 0 ||
                !pwhash_params_ok(ops = tss_load_be64(ops_b), mem = tss_load_be64(mem_b))) {
                set_error(s, "store %s: passphrase metadata is damaged", dir);
                status = TSS_ERR_ENCODING;
                goto fail;
            }
        }
    }

    if (source == SOURCE_PASSPHRASE) {
        if (!pwhash_params_ok(ops, mem)) {
            set_error(s, "store %s: Argon2id limits out of range", dir);
            status = TSS_ERR_INVALID_ARG;
            goto fail;
        }
        if (crypto_pwhash(master, sizeof master, passphrase, passphrase_len, salt, ops, (size_t)mem,
                          crypto_pwhash_ALG_ARGON2ID13) != 0) {
            set_error(s, "store %s: Argon2id failed (out of memory?)", dir);
            status = TSS_ERR_CRYPTO;
            goto fail;
        }
    } else {
        memcpy(master, master_key, sizeof master);
    }
    derive(check, master, CTX_KEY_CHECK, s->store_id);
    derive(s->record_key, master, CTX_RECORD_KEY, s->store_id);

    if (created) {
        if ((rc = meta_put(txn, s->meta, "key_check", check, sizeof check)) != 0) {
            set_error(s, "store %s: cannot write metadata: %s", dir, mdb_strerror(rc));
            status = lmdb_status(rc);
            goto fail;
        }
    } else {
        if (meta_get(txn, s->meta, "key_check", stored_check, sizeof stored_check) != 0) {
            set_error(s, "store %s: metadata is damaged (no key check)", dir);
            status = TSS_ERR_ENCODING;
            goto fail;
        }
        if (sodium_memcmp(check, stored_check, sizeof check) != 0) {
            set_error(s, "store %s: wrong master %s for this store", dir,
                      source == SOURCE_PASSPHRASE ? "passphrase" : "key");
            status = TSS_ERR_VERIFY;
            goto fail;
        }
    }
    rc = mdb_txn_commit(txn);
    txn = NULL;
    if (rc != 0) {
        set_error(s, "store %s: cannot commit metadata: %s", dir, mdb_strerror(rc));
        status = lmdb_status(rc);
        goto fail;
    }
    s->is_open = 1;
    sodium_memzero(master, sizeof master);
    sodium_memzero(check, sizeof check);
    return TSS_OK;

fail:
    if (txn != NULL)
        mdb_txn_abort(txn);
    if (s->env != NULL)
        mdb_env_close(s->env);
    s->env = NULL;
    sodium_memzero(master, sizeof master);
    sodium_memzero(check, sizeof check);
    sodium_memzero(s->record_key, sizeof s->record_key);
    return status;
}

static int begin_open(tss_store *s, const char *dir)
{
    if (s == NULL)
        return TSS_ERR_INVALID_ARG;
    memset(s, 0, sizeof *s);
    if (dir == NULL || dir[0] == '\0') {
        set_error(s, "store: no directory given");
        return TSS_ERR_INVALID_ARG;
    }
    return TSS_OK;
}

int tss_store_open(tss_store *s, const char *dir, const uint8_t master_key[TSS_STORE_MASTER_KEY_BYTES])
{
    int rc = begin_open(s, dir);
    if (rc != TSS_OK)
        return rc;
    if (master_key == NULL) {
        set_error(s, "store %s: no master key given", dir);
        return TSS_ERR_INVALID_ARG;
    }
    return open_store(s, dir, SOURCE_KEY, master_key, NULL, 0, NULL);
}

int tss_store_open_key_file(tss_store *s, const char *dir, const char *key_file)
{
    int rc = begin_open(s, dir);
    if (rc != TSS_OK)
        return rc;
    if (key_file == NULL) {
        set_error(s, "store %s: no master key file given", dir);
        return TSS_ERR_INVALID_ARG;
    }
    uint8_t key[TSS_STORE_MASTER_KEY_BYTES];
    rc = tss_master_key_load(key_file, key, s->error, sizeof s->error);
    if (rc == TSS_OK)
        rc = open_store(s, dir, SOURCE_KEY, key, NULL, 0, NULL);
    sodium_memzero(key, sizeof key);
    return rc;
}

int tss_store_open_passphrase(tss_store *s, const char *dir, const char *passphrase, size_t passphrase_len,
                              const tss_store_pwhash_params *params)
{
    int rc = begin_open(s, dir);
    if (rc != TSS_OK)
        return rc;
    if (passphrase == NULL || passphrase_len == 0 || passphrase_len > crypto_pwhash_PASSWD_MAX) {
        set_error(s, "store %s: empty or oversized passphrase", dir);
        return TSS_ERR_INVALID_ARG;
    }
    if (params != NULL && !pwhash_params_ok(params->opslimit, params->memlimit)) {
        set_error(s, "store %s: Argon2id limits out of range", dir);
        return TSS_ERR_INVALID_ARG;
    }
    return open_store(s, dir, SOURCE_PASSPHRASE, NULL, passphrase, passphrase_len, params);
}

int tss_store_open_configured(tss_store *s, const char *dir, const char *master_key_file, const char *passphrase_env)
{
    int has_file = master_key_file != NULL && master_key_file[0] != '\0';
    int has_env = passphrase_env != NULL && passphrase_env[0] != '\0';
    if (has_file == has_env) {
        int rc = begin_open(s, dir);
        if (rc == TSS_OK)
            set_error(s, "store %s: give exactly one master key source (key file or passphrase variable)", dir);
        return TSS_ERR_INVALID_ARG;
    }
    if (has_file)
        return tss_store_open_key_file(s, dir, master_key_file);
    const char *pass = getenv(passphrase_env);
    if (pass == NULL || pass[0] == '\0') {
        int rc = begin_open(s, dir);
        if (rc == TSS_OK)
            set_error(s, "store %s: environment variable %s (the master passphrase) is not set or empty", dir,
                      passphrase_env);
        return TSS_ERR_NOT_FOUND;
    }
    return tss_store_open_passphrase(s, dir, pass, strlen(pass), NULL);
}

void tss_store_close(tss_store *s)
{
    if (s == NULL)
        return;
    if (s->is_open && s->env != NULL)
        mdb_env_close(s->env);
    s->env = NULL;
    s->is_open = 0;
    sodium_memzero(s->record_key, sizeof s->record_key);
}

/* ---- records ---- */

#define AD_MAX (sizeof CTX_RECORD_AD - 1 + TSS_STORE_UUID_BYTES + 3 + TSS_STORE_ID_MAX)

/* Binds a ciphertext to this store, its kind and its id. */
static size_t record_ad(const tss_store *s, uint8_t ad[AD_MAX], int kind, const uint8_t *id, size_t id_len)
{
    size_t n = sizeof CTX_RECORD_AD - 1;
    memcpy(ad, CTX_RECORD_AD, n);
    memcpy(ad + n, s->store_id, TSS_STORE_UUID_BYTES);
    n += TSS_STORE_UUID_BYTES;
    ad[n++] = VALUE_SECRET_V1;
    ad[n++] = (uint8_t)kind;
    ad[n++] = (uint8_t)id_len;
    memcpy(ad + n, id, id_len);
    return n + id_len;
}

static int check_args(const tss_store *s, int kind, const uint8_t *id, size_t id_len, int secret)
{
    if (s == NULL || !s->is_open || id == NULL || id_len == 0 || id_len > TSS_STORE_ID_MAX)
        return TSS_ERR_INVALID_ARG;
    if (tss_store_kind_is_secret(kind) != secret)
        return TSS_ERR_INVALID_ARG;
    return TSS_OK;
}

static size_t record_key(uint8_t key[1 + TSS_STORE_ID_MAX], int kind, const uint8_t *id, size_t id_len)
{
    key[0] = (uint8_t)kind;
    memcpy(key + 1, id, id_len);
    return 1 + id_len;
}

/* Writes one record inside txn (the caller commits or aborts). */
static int put_in_txn(tss_store *s, MDB_txn *txn, int kind, const uint8_t *id, size_t id_len, const uint8_t *data,
                      size_t len, unsigned flags, int secret)
{
    int status = check_args(s, kind, id, id_len, secret);
    if (status != TSS_OK)
        return status;
    if ((data == NULL && len != 0) || len > TSS_STORE_RECORD_MAX || (flags & ~TSS_STORE_REPLACE) != 0)
        return TSS_ERR_INVALID_ARG;

    uint8_t kbuf[1 + TSS_STORE_ID_MAX];
    MDB_val k = {record_key(kbuf, kind, id, id_len), kbuf};
    MDB_val v = {secret ? TSS_STORE_SECRET_OVERHEAD + len : 1 + len, NULL};
    /* RESERVE: the ciphertext is written straight into the page, so no plaintext copy is ever made. */
    unsigned put_flags = MDB_RESERVE | ((flags & TSS_STORE_REPLACE) ? 0u : MDB_NOOVERWRITE);
    int rc = mdb_put(txn, s->records, &k, &v, put_flags);
    if (rc != 0)
        return lmdb_status(rc);
    uint8_t *out = v.mv_data;
    if (secret) {
        uint8_t ad[AD_MAX];
        size_t ad_len = record_ad(s, ad, kind, id, id_len);
        unsigned long long clen;
        static const uint8_t empty[1] = {0};
        out[0] = VALUE_SECRET_V1;
        randombytes_buf(out + 1, NONCE_BYTES);
        if (crypto_aead_xchacha20poly1305_ietf_encrypt(out + 1 + NONCE_BYTES, &clen, len ? data : empty, len, ad,
                                                       ad_len, NULL, out + 1, s->record_key) != 0)
            return TSS_ERR_CRYPTO;
    } else {
        out[0] = VALUE_PUBLIC;
        if (len)
            memcpy(out + 1, data, len);
    }
    return TSS_OK;
}

static int put_record(tss_store *s, int kind, const uint8_t *id, size_t id_len, const uint8_t *data, size_t len,
                      unsigned flags, int secret)
{
    tss_store_write w = {kind, id, id_len, data, len, flags};
    int status = check_args(s, kind, id, id_len, secret);
    if (status != TSS_OK)
        return status;
    return tss_store_put_many(s, &w, 1);
}

int tss_store_put_many(tss_store *s, const tss_store_write *writes, size_t n)
{
    if (s == NULL || (writes == NULL && n != 0))
        return TSS_ERR_INVALID_ARG;
    if (n == 0)
        return TSS_OK;
    MDB_txn *txn;
    int rc = mdb_txn_begin(s->env, NULL, 0, &txn);
    if (rc != 0)
        return lmdb_status(rc);
    for (size_t i = 0; i < n; i++) {
        int secret = tss_store_kind_is_secret(writes[i].kind);
        int status = secret < 0 ? TSS_ERR_INVALID_ARG
                                : put_in_txn(s, txn, writes[i].kind, writes[i].id, writes[i].id_len, writes[i].data,
                                             writes[i].len, writes[i].flags, secret);
        if (status != TSS_OK) {
            mdb_txn_abort(txn);
            return status;
        }
    }
    return lmdb_status(mdb_txn_commit(txn));
}

/* Reads (and for take, deletes) one record; decrypts secret kinds into out. */
static int get_record(tss_store *s, int kind, const uint8_t *id, size_t id_len, uint8_t *out, size_t out_cap,
                      size_t *out_len, int secret, int take)
{
    int status = check_args(s, kind, id, id_len, secret);
    if (status != TSS_OK)
        return status;
    if (out_len == NULL || (out == NULL && out_cap != 0))
        return TSS_ERR_INVALID_ARG;
    *out_len = 0;

    uint8_t kbuf[1 + TSS_STORE_ID_MAX];
    MDB_val k = {record_key(kbuf, kind, id, id_len), kbuf};
    MDB_val v;
    MDB_txn *txn;
    int rc = mdb_txn_begin(s->env, NULL, take ? 0 : MDB_RDONLY, &txn);
    if (rc != 0)
        return lmdb_status(rc);
    rc = mdb_get(txn, s->records, &k, &v);
    if (rc != 0) {
        mdb_txn_abort(txn);
        return lmdb_status(rc);
    }
    const uint8_t *val = v.mv_data;
    size_t vlen = v.mv_size;
    if (secret) {
        if (vlen < TSS_STORE_SECRET_OVERHEAD || val[0] != VALUE_SECRET_V1) {
            mdb_txn_abort(txn);
            return TSS_ERR_CRYPTO;
        }
        size_t plen = vlen - TSS_STORE_SECRET_OVERHEAD;
        *out_len = plen;
        if (plen > out_cap) {
            mdb_txn_abort(txn);
            return TSS_ERR_CAPACITY;
        }
        uint8_t ad[AD_MAX];
        size_t ad_len = record_ad(s, ad, kind, id, id_len);
        uint8_t scratch[1];
        unsigned long long mlen;
        if (crypto_aead_xchacha20poly1305_ietf_decrypt(plen ? out : scratch, &mlen, NULL, val + 1 + NONCE_BYTES,
                                                       vlen - 1 - NONCE_BYTES, ad, ad_len, val + 1,
                                                       s->record_key) != 0) {
            mdb_txn_abort(txn);
            if (out_cap)
                sodium_memzero(out, out_cap);
            *out_len = 0;
            return TSS_ERR_CRYPTO;
        }
    } else {
        if (vlen < 1 || val[0] != VALUE_PUBLIC) {
            mdb_txn_abort(txn);
            return TSS_ERR_ENCODING;
        }
        *out_len = vlen - 1;
        if (vlen - 1 > out_cap) {
            mdb_txn_abort(txn);
            return TSS_ERR_CAPACITY;
        }
        if (vlen > 1)
            memcpy(out, val + 1, vlen - 1);
    }
    if (!take) {
        mdb_txn_abort(txn);
        return TSS_OK;
    }
    rc = mdb_del(txn, s->records, &k, NULL);
    if (rc == 0)
        rc = mdb_txn_commit(txn);
    else
        mdb_txn_abort(txn);
    if (rc != 0) {
        /* Not durably consumed: the caller must not use it. */
        if (out_cap)
            sodium_memzero(out, out_cap);
        *out_len = 0;
        return lmdb_status(rc) == TSS_ERR_NOT_FOUND ? TSS_ERR_IO : lmdb_status(rc);
    }
    return TSS_OK;
}

int tss_store_put_secret(tss_store *s, int kind, const uint8_t *id, size_t id_len, const uint8_t *data, size_t len,
                         unsigned flags)
{
    return put_record(s, kind, id, id_len, data, len, flags, 1);
}

int tss_store_get_secret(tss_store *s, int kind, const uint8_t *id, size_t id_len, uint8_t *out, size_t out_cap,
                         size_t *out_len)
{
    return get_record(s, kind, id, id_len, out, out_cap, out_len, 1, 0);
}

int tss_store_put_public(tss_store *s, int kind, const uint8_t *id, size_t id_len, const uint8_t *data, size_t len,
                         unsigned flags)
{
    return put_record(s, kind, id, id_len, data, len, flags, 0);
}

int tss_store_get_public(tss_store *s, int kind, const uint8_t *id, size_t id_len, uint8_t *out, size_t out_cap,
                         size_t *out_len)
{
    return get_record(s, kind, id, id_len, out, out_cap, out_len, 0, 0);
}

int tss_store_take_once(tss_store *s, int kind, const uint8_t *id, size_t id_len, uint8_t *out, size_t out_cap,
                        size_t *out_len)
{
    int secret = tss_store_kind_is_secret(kind);
    if (secret < 0)
        return TSS_ERR_INVALID_ARG;
    return get_record(s, kind, id, id_len, out, out_cap, out_len, secret, 1);
}

int tss_store_delete(tss_store *s, int kind, const uint8_t *id, size_t id_len)
{
    int secret = tss_store_kind_is_secret(kind);
    if (secret < 0)
        return TSS_ERR_INVALID_ARG;
    int status = check_args(s, kind, id, id_len, secret);
    if (status != TSS_OK)
        return status;
    uint8_t kbuf[1 + TSS_STORE_ID_MAX];
    MDB_val k = {record_key(kbuf, kind, id, id_len), kbuf};
    MDB_txn *txn;
    int rc = mdb_txn_begin(s->env, NULL, 0, &txn);
    if (rc != 0)
        return lmdb_status(rc);
    rc = mdb_del(txn, s->records, &k, NULL);
    if (rc != 0) {
        mdb_txn_abort(txn);
        return lmdb_status(rc);
    }
    return lmdb_status(mdb_txn_commit(txn));
}

int tss_store_list(tss_store *s, int kind, tss_store_list_fn fn, void *ctx)
{
    int secret = tss_store_kind_is_secret(kind);
    if (s == NULL || !s->is_open || fn == NULL || secret < 0)
        return TSS_ERR_INVALID_ARG;
    MDB_txn *txn;
    MDB_cursor *cur;
    int rc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, &txn);
    if (rc != 0)
        return lmdb_status(rc);
    if ((rc = mdb_cursor_open(txn, s->records, &cur)) != 0) {
        mdb_txn_abort(txn);
        return lmdb_status(rc);
    }
    uint8_t prefix = (uint8_t)kind;
    MDB_val k = {1, &prefix};
    MDB_val v;
    int status = TSS_OK;
    for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0; rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        const uint8_t *kb = k.mv_data;
        if (k.mv_size < 2 || kb[0] != prefix)
            break;
        const uint8_t *val = v.mv_data;
        if (!secret && (v.mv_size < 1 || val[0] != VALUE_PUBLIC)) {
            status = TSS_ERR_ENCODING;
            break;
        }
        if (fn(ctx, kind, kb + 1, k.mv_size - 1, secret ? NULL : val + 1, secret ? 0 : v.mv_size - 1) != 0)
            break;
    }
    if (rc != 0 && rc != MDB_NOTFOUND)
        status = lmdb_status(rc);
    mdb_cursor_close(cur);
    mdb_txn_abort(txn);
    return status;
}
