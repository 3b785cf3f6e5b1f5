/* The durable store: round trips, encryption at rest, binding of ciphertexts to their key, master key
 * sources, take_once, and durability of committed records across SIGKILL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "src/keyfile.h"
#include "src/store.h"
#include "test_support.h"
#include "tss/common.h"

static const uint8_t MASTER_A[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                                     17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
static const uint8_t MASTER_B[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                                     17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 33};

#define ID(s) (const uint8_t *)(s), strlen(s)

typedef tv_tmpdir fixture;

static int setup(void **state)
{
    if (tv_tmpdir_setup(state, "tss-store") != 0)
        return -1;
    return tss_init() == TSS_OK ? 0 : -1;
}

static int teardown(void **state)
{
    return tv_tmpdir_teardown(state);
}

static void sub(char *out, size_t len, const fixture *f, const char *name)
{
    snprintf(out, len, "%s/%s", f->dir, name);
}

static uint8_t *read_all(const char *path, size_t *len)
{
    *len = 0;
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    uint8_t *buf = malloc((size_t)n + 1);
    if (buf != NULL && fread(buf, 1, (size_t)n, fp) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(fp);
    *len = (size_t)n;
    return buf;
}

static void test_round_trip(void **state)
{
    fixture *f = *state;
    char dir[512];
    sub(dir, sizeof dir, f, "db");
    tss_store s;
    assert_int_equal(tss_store_open(&s, dir, MASTER_A), TSS_OK);

    uint8_t secret[100], pub[300], out[400];
    size_t out_len;
    for (size_t i = 0; i < sizeof secret; i++)
        secret[i] = (uint8_t)(i * 7 + 1);
    for (size_t i = 0; i < sizeof pub; i++)
        pub[i] = (uint8_t)(i * 3);

    assert_int_equal(tss_store_put_secret(&s, TSS_STORE_KEY_PACKAGE, ID("key-1"), secret, sizeof secret, 0), TSS_OK);
    assert_int_equal(tss_store_put_public(&s, TSS_STORE_PUBLIC_KEY_PACKAGE, ID("key-1"), pub, sizeof pub, 0), TSS_OK);
    assert_int_equal(tss_store_put_public(&s, TSS_STORE_SESSION, ID("s1"), pub, 5, 0), TSS_OK);
    assert_int_equal(tss_store_put_secret(&s, TSS_STORE_KEY_PACKAGE, ID("empty"), NULL, 0, 0), TSS_OK);

    assert_int_equal(tss_store_get_secret(&s, TSS_STORE_KEY_PACKAGE, ID("key-1"), out, sizeof out, &out_len), TSS_OK);
    assert_int_equal(out_len, sizeof secret);
    assert_memory_equal(out, secret, sizeof secret);
    assert_int_equal(tss_store_get_public(&s, TSS_STORE_PUBLIC_KEY_PACKAGE, ID("key-1"), out, sizeof out, &out_len),
                     TSS_OK);
    assert_int_equal(out_len, sizeof pub);
    assert_memory_equal(out, pub, sizeof pub);
    assert_int_equal(tss_store_get_secret(&s, TSS_STORE_KEY_PACKAGE, ID("empty"), out, sizeof out, &out_len), TSS_OK);
    assert_int_equal(out_len, 0);

    /* Too small a buffer says how much is needed; absent records are NOT_FOUND. */
    assert_int_equal(tss_store_get_secret(&s, TSS_STORE_KEY_PACKAGE, ID("key-1"), out, 99, &out_len),
                     TSS_ERR_CAPACITY);
    assert_int_equal(out_len, 100);
    assert_int_equal(tss_store_get_secret(&s, TSS_STORE_KEY_PACKAGE, ID("key-2"), out, sizeof out, &out_len),
                     TSS_ERR_NOT_FOUND);
    /* Same id, other kind: a different record. */
    assert_int_equal(tss_store_get_public(&s, TSS_STORE_SESSION, ID("key-1"), out, sizeof out, &out_len),
                     TSS_ERR_NOT_FOUND);

    /* A kind's secrecy is enforced: key packages cannot be written in the clear, nor read as public. */
    assert_int_equal(tss_store_put_public(&s, TSS_STORE_KEY_PACKAGE, ID("x"), pub, 4, 0), TSS_ERR_INVALID_ARG);
    assert_int_equal(tss_store_get_public(&s, TSS_STORE_KEY_PACKAGE, ID("key-1"), out, sizeof out, &out_len),
                     TSS_ERR_INVALID_ARG);
    assert_int_equal(tss_store_put_secret(&s, TSS_STORE_SESSION, ID("x"), pub, 4, 0), TSS_ERR_INVALID_ARG);
    assert_int_equal(tss_store_put_secret(&s, 99, ID("x"), pub, 4, 0), TSS_ERR_INVALID_ARG);
    uint8_t long_id[TSS_STORE_ID_MAX + 1] = {0};
    assert_int_equal(tss_store_put_secret(&s, TSS_STORE_KEY_PACKAGE, long_id, sizeof long_id, secret, 4, 0),
                     TSS_ERR_INVALID_ARG);
    assert_int_equal(tss_store_put_secret(&s, TSS_STORE_KEY_PACKAGE, long_id, TSS_STORE_ID_MAX, secret, 4, 0),
                     TSS_OK);

    /* No silent overwrite of a key package unless asked. */
    assert_int_equal(tss_store_put_secret(&s, TSS_STORE_KEY_PACKAGE, ID("key-1"), pub, 10, 0), TSS_ERR_DUPLICATE);
    assert_int_equal(tss_store_get_secret(&s, TSS_STORE_KEY_PACKAGE, ID("key-1"), out, sizeof out, &out_len), TSS_OK);
    assert_memory_equal(out, secret, sizeof secret);
    assert_int_equal(tss_store_put_public(&s, TSS_STORE_SESSION, ID("s1"), pub + 5, 7, TSS_STORE_REPLACE), TSS_OK);
    assert_int_equal(tss_store_get_public(&s, TSS_STORE_SESSION, ID("s1"), out, sizeof out, &out_len), TSS_OK);
    assert_int_equal(out_len, 7);
    assert_memory_equal(out, pub + 5, 7);

    assert_int_equal(tss_store_delete(&s, TSS_STORE_SESSION, ID("s1")), TSS_OK);
    assert_int_equal(tss_store_delete(&s, TSS_STORE_SESSION, ID("s1")), TSS_ERR_NOT_FOUND);
    tss_store_close(&s);

    /* Everything survives a reopen. */
    assert_int_equal(tss_store_open(&s, dir, MASTER_A), TSS_OK);
    assert_int_equal(tss_store_get_secret(&s, TSS_STORE_KEY_PACKAGE, ID("key-1"), out, sizeof out, &out_len), TSS_OK);
    assert_memory_equal(out, secret, sizeof secret);
    assert_int_equal(tss_store_get_public(&s, TSS_STORE_PUBLIC_KEY_PACKAGE, ID("key-1"), out, sizeof out, &out_len),
                     TSS_OK);
    assert_memory_equal(out, pub, sizeof pub);
    tss_store_close(&s);
    tss_store_close(&s); /* idempotent */
}

typedef struct list_seen {
    int count;
    int with_data;
    char ids[8][TSS_STORE_ID_MAX + 1];
} list_seen;

static int collect(void *ctx, int kind, const uint8_t *id, size_t id_len, const uint8_t *data, size_t len)
{
    list_seen *seen = ctx;
    (void)kind;
    (void)len;
    if (seen->count < 8) {
        memcpy(seen->ids[seen->count], id, id_len);
        seen->ids[seen->count][id_len] = '\0';
    }
    seen->count++;
    seen->with_data += data != NULL;
    return 0;
}

static int stop_after_one(void *ctx, int kind, const uint8_t *id, size_t id_len, const uint8_t *data, size_t len)
{
    (void)kind, (void)id, (void)id_len, (void)data, (void)len;
    (*(int *)ctx)++;
    return 1;
}

/* put_many: one transaction for many records (group commit), all or nothing. */
static void test_put_many(void **state)
{
    fixture *f = *state;
    char dir[512];
    sub(dir, sizeof dir, f, "db");
    tss_store s;
    assert_int_equal(tss_store_open(&s, dir, MASTER_A), TSS_OK);

    enum { N = 64 };
    uint8_t ids[N][8], data[N][40], out[64];
    size_t out_len;
    tss_store_write w[N];
    for (size_t i = 0; i < N; i++) {
        memset(ids[i], 0, 8);
        ids[i][7] = (uint8_t)i;
        for (size_t j = 0; j < sizeof data[i]; j++)
            data[i][j] = (uint8_t)(i * 31 + j);
        /* Every fourth record is a secret kind, to check they are encrypted in the batch too. */
        w[i] = (tss_store_write){(i % 4 == 0) ? TSS_STORE_KEY_PACKAGE : TSS_STORE_SESSION, ids[i], 8, data[i],
                                 sizeof data[i], 0};
    }
    assert_int_equal(tss_store_put_many(&s, w, N), TSS_OK);
    assert_int_equal(tss_store_put_many(&s, w, 0), TSS_OK);

    /* A batch with one bad entry (duplicate without REPLACE) writes nothing at all. */
    uint8_t fresh_id[8] = {9, 9, 9, 9, 9, 9, 9, 9};
    tss_store_write bad[2] = {{TSS_STORE_SESSION, fresh_id, 8, data[0], 10, 0}, w[1]};
    assert_int_equal(tss_store_put_many(&s, bad, 2), TSS_ERR_DUPLICATE);
    assert_int_equal(tss_store_get_public(&s, TSS_STORE_SESSION, fresh_id, 8, out, sizeof out, &out_len),
                     TSS_ERR_NOT_FOUND);
    /* An invalid kind is refused the same way. */
    tss_store_write bad_kind = {999, fresh_id, 8, data[0], 10, 0};
    assert_int_equal(tss_store_put_many(&s, &bad_kind, 1), TSS_ERR_INVALID_ARG);
    tss_store_close(&s);

    /* Durable: everything is there after reopening, secret records decrypt. */
    assert_int_equal(tss_store_open(&s, dir, MASTER_A), TSS_OK);
    for (size_t i = 0; i < N; i++) {
        if (i % 4 == 0)
            assert_int_equal(tss_store_get_secret(&s, TSS_STORE_KEY_PACKAGE, ids[i], 8, out, sizeof out, &out_len),
                             TSS_OK);
        else
            assert_int_equal(tss_store_get_public(&s, TSS_STORE_SESSION, ids[i], 8, out, sizeof out, &out_len),
                             TSS_OK);
        assert_int_equal(out_len, sizeof data[i]);
        assert_memory_equal(out, data[i], sizeof data[i]);
    }
    tss_store_close(&s);
}

static void test_list(void **state)
{
    fixture *f = *state;
    char dir[512];
    sub(dir, sizeof dir, f, "db");
    tss_store s;
    assert_int_equal(tss_store_open(&s, dir, MASTER_A), TSS_OK);
    const uint8_t v[3] = {1, 2, 3};
    assert_int_equal(tss_store_put_secret(&s, TSS_STORE_KEY_PACKAGE, ID("b"), v, 3, 0), TSS_OK);
    assert_int_equal(tss_store_put_secret(&s, TSS_STORE_KEY_PACKAGE, ID("a"), v, 3, 0), TSS_OK);
    assert_int_equal(tss_store_put_secret(&s, TSS_STORE_ONE_TIME, ID("o"), v, 3, 0), TSS_OK);
    assert_int_equal(tss_store_put_public(&s, TSS_STORE_PUBLIC_KEY_PACKAGE, ID("a"), v, 3, 0), TSS_OK);
    assert_int_equal(tss_store_put_public(&s, TSS_STORE_SESSION, ID("z"), v, 3, 0), TSS_OK);

    list_seen seen = {0};
    assert_int_equal(tss_store_list(&s, TSS_STORE_KEY_PACKAGE, collect, &seen), TSS_OK);
    assert_int_equal(seen.count, 2);
    assert_int_equal(seen.with_data, 0); /* secrets are never handed out by list */
    assert_string_equal(seen.ids[0], "a");
    assert_string_equal(seen.ids[1], "b");
    memset(&seen, 0, sizeof seen);
    assert_int_equal(tss_store_list(&s, TSS_STORE_PUBLIC_KEY_PACKAGE, collect, &seen), TSS_OK);
    assert_int_equal(seen.count, 1);
    assert_int_equal(seen.with_data, 1);
    memset(&seen, 0, sizeof seen);
    assert_int_equal(tss_store_list(&s, TSS_STORE_SESSION, collect, &seen), TSS_OK);
    assert_int_equal(seen.count, 1);
    assert_string_equal(seen.ids[0], "z");
    int calls = 0;
    assert_int_equal(tss_store_list(&s, TSS_STORE_KEY_PACKAGE, stop_after_one, &calls), TSS_OK);
    assert_int_equal(calls, 1);
    tss_store_close(&s);
}

static void test_secret_not_in_clear(void **state)
{
    fixture *f = *state;
    char dir[512], data_file[600];
    sub(dir, sizeof dir, f, "db");
    snprintf(data_file, sizeof data_file, "%s/data.mdb", dir);
    tss_store s;
    assert_int_equal(tss_store_open(&s, dir, MASTER_A), TSS_OK);
    uint8_t secret[256], marker[64];
    tv_rng rng;
    tv_rng_seed(&rng, 42);
    tv_rng_bytes(&rng, secret, sizeof secret);
    tv_rng_bytes(&rng, marker, sizeof marker);
    assert_int_equal(tss_store_put_secret(&s, TSS_STORE_KEY_PACKAGE, ID("k"), secret, sizeof secret, 0), TSS_OK);
    /* Rewrites leave older page versions behind: none may hold plaintext either. */
    assert_int_equal(tss_store_put_secret(&s, TSS_STORE_KEY_PACKAGE, ID("k"), secret, sizeof secret,
                                          TSS_STORE_REPLACE), TSS_OK);
    assert_int_equal(tss_store_put_public(&s, TSS_STORE_SESSION, ID("m"), marker, sizeof marker, 0), TSS_OK);
    tss_store_close(&s);

    size_t len = 0;
    uint8_t *file = read_all(data_file, &len);
    assert_non_null(file);
    /* The scan works: the public record is there in the clear. */
    assert_non_null(memmem(file, len, marker, sizeof marker));
    for (size_t off = 0; off + 8 <= sizeof secret; off++)
        assert_null(memmem(file, len, secret + off, 8));
    free(file);
}

/* Opens the store's LMDB environment directly, as an attacker with write access to the files would. */
static void raw_copy_or_flip(const char *dir, const uint8_t *from_key, size_t from_len, const uint8_t *to_key,
                             size_t to_len, size_t flip_at)
{
    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi dbi;
    assert_int_equal(mdb_env_create(&env), 0);
    assert_int_equal(mdb_env_set_maxdbs(env, 2), 0);
    assert_int_equal(mdb_env_open(env, dir, 0, 0600), 0);
    assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
    assert_int_equal(mdb_dbi_open(txn, "records", 0, &dbi), 0);
    MDB_val k = {from_len, (void *)from_key}, v;
    assert_int_equal(mdb_get(txn, dbi, &k, &v), 0);
    uint8_t buf[1024];
    assert_true(v.mv_size <= sizeof buf);
    memcpy(buf, v.mv_data, v.mv_size);
    if (flip_at != (size_t)-1) {
        assert_true(flip_at < v.mv_size);
        buf[flip_at] ^= 0x01;
    }
    MDB_val k2 = {to_len, (void *)to_key}, v2 = {v.mv_size, buf};
    assert_int_equal(mdb_put(txn, dbi, &k2, &v2, 0), 0);
    assert_int_equal(mdb_txn_commit(txn), 0);
    mdb_env_close(env);
}

static void test_tamper_and_move(void **state)
{
    fixture *f = *state;
    char dir[512], dir2[512];
    sub(dir, sizeof dir, f, "db");
    sub(dir2, sizeof dir2, f, "db2");
    tss_store s;
    uint8_t secret[48], out[64];
    size_t out_len;
    memset(secret, 0xA5, sizeof secret);
    assert_int_equal(tss_store_open(&s, dir, MASTER_A), TSS_OK);
    assert_int_equal(tss_store_put_secret(&s, TSS_STORE_KEY_PACKAGE, ID("k1"), secret, sizeof secret, 0), TSS_OK);
    tss_store_close(&s);

    const uint8_t k1[] = {TSS_STORE_KEY_PACKAGE, 'k', '1'};
    const uint8_t k2[] = {TSS_STORE_KEY_PACKAGE, 'k', '2'};
    const uint8_t t1[] = {TSS_STORE_ONE_TIME, 'k', '1'};
    const uint8_t bad[] = {TSS_STORE_KEY_PACKAGE, 'b', 'a', 'd'};
    raw_copy_or_flip(dir, k1, sizeof k1, k2, sizeof k2, (size_t)-1);     /* moved to another id */
    raw_copy_or_flip(dir, k1, sizeof k1, t1, sizeof t1, (size_t)-1);     /* moved to another kind */
    raw_copy_or_flip(dir, k1, sizeof k1, bad, sizeof bad, 1 + 24 + 5);   /* ciphertext byte flipped */

    assert_int_equal(tss_store_open(&s, dir, MASTER_A), TSS_OK);
    assert_int_equal(tss_store_get_secret(&s, TSS_STORE_KEY_PACKAGE, ID("k1"), out, sizeof out, &out_len), TSS_OK);
    assert_memory_equal(out, secret, sizeof secret);
    memset(out, 0x77, sizeof out);
    assert_int_equal(tss_store_get_secret(&s, TSS_STORE_KEY_PACKAGE, ID("k2"), out, sizeof out, &out_len),
                     TSS_ERR_CRYPTO);
    assert_int_equal(out_len, 0);
    for (size_t i = 0; i < sizeof out; i++)
        assert_int_equal(out[i], 0); /* nothing of a failed decryption is left in the buffer */
    assert_int_equal(tss_store_get_secret(&s, TSS_STORE_KEY_PACKAGE, ID("bad"), out, sizeof out, &out_len),
                     TSS_ERR_CRYPTO);
    assert_int_equal(tss_store_take_once(&s, TSS_STORE_ONE_TIME, ID("k1"), out, sizeof out, &out_len),
                     TSS_ERR_CRYPTO);
    tss_store_close(&s);

    /* Another store under the same master key: the blob is bound to the store id too. */
    assert_int_equal(tss_store_open(&s, dir2, MASTER_A), TSS_OK);
    assert_int_equal(tss_store_put_secret(&s, TSS_STORE_KEY_PACKAGE, ID("other"), secret, 4, 0), TSS_OK);
    tss_store_close(&s);
    {
        MDB_env *e1, *e2;
        MDB_txn *t1x, *t2x;
        MDB_dbi d1, d2;
        assert_int_equal(mdb_env_create(&e1), 0);
        assert_int_equal(mdb_env_set_maxdbs(e1, 2), 0);
        assert_int_equal(mdb_env_open(e1, dir, MDB_RDONLY, 0600), 0);
        assert_int_equal(mdb_env_create(&e2), 0);
        assert_int_equal(mdb_env_set_maxdbs(e2, 2), 0);
        assert_int_equal(mdb_env_open(e2, dir2, 0, 0600), 0);
        assert_int_equal(mdb_txn_begin(e1, NULL, MDB_RDONLY, &t1x), 0);
        assert_int_equal(mdb_dbi_open(t1x, "records", 0, &d1), 0);
        assert_int_equal(mdb_txn_begin(e2, NULL, 0, &t2x), 0);
        assert_int_equal(mdb_dbi_open(t2x, "records", 0, &d2), 0);
        MDB_val k = {sizeof k1, (void *)k1}, v;
        assert_int_equal(mdb_get(t1x, d1, &k, &v), 0);
        assert_int_equal(mdb_put(t2x, d2, &k, &v, 0), 0);
        assert_int_equal(mdb_txn_commit(t2x), 0);
        mdb_txn_abort(t1x);
        mdb_env_close(e1);
        mdb_env_close(e2);
    }
    assert_int_equal(tss_store_open(&s, dir2, MASTER_A), TSS_OK);
    assert_int_equal(tss_store_get_secret(&s, TSS_STORE_KEY_PACKAGE, ID("k1"), out, sizeof out, &out_len),
                     TSS_ERR_CRYPTO);
    tss_store_close(&s);
}

static void test_wrong_master_key(void **state)
{
    fixture *f = *state;
    char dir[512];
    sub(dir, sizeof dir, f, "db");
    tss_store s;
    assert_int_equal(tss_store_open(&s, dir, MASTER_A), TSS_OK);
    const uint8_t v[4] = {9, 9, 9, 9};
    assert_int_equal(tss_store_put_secret(&s, TSS_STORE_KEY_PACKAGE, ID("k"), v, 4, 0), TSS_OK);
    tss_store_close(&s);

    assert_int_equal(tss_store_open(&s, dir, MASTER_B), TSS_ERR_VERIFY);
    assert_non_null(strstr(s.error, "wrong master key"));
    assert_int_equal(s.is_open, 0);
    assert_int_equal(tss_store_open_passphrase(&s, dir, "pw", 2, NULL), TSS_ERR_STATE);
    assert_non_null(strstr(s.error, "master key file"));
    /* Failed opens leave nothing behind that would stop the right key. */
    assert_int_equal(tss_store_open(&s, dir, MASTER_A), TSS_OK);
    tss_store_close(&s);
}

static void test_passphrase(void **state)
{
    fixture *f = *state;
    char dir[512];
    sub(dir, sizeof dir, f, "db");
    const tss_store_pwhash_params cheap = {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
    const tss_store_pwhash_params other = {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
    const char *pw = "correct horse battery staple";
    tss_store s;
    uint8_t out[16];
    size_t out_len;
    const uint8_t v[5] = {1, 2, 3, 4, 5};

    assert_int_equal(tss_store_open_passphrase(&s, dir, pw, strlen(pw), &cheap), TSS_OK);
    assert_int_equal(tss_store_put_secret(&s, TSS_STORE_KEY_PACKAGE, ID("k"), v, 5, 0), TSS_OK);
    tss_store_close(&s);

    /* The cost parameters and salt come from the metadata once the store exists. */
    assert_int_equal(tss_store_open_passphrase(&s, dir, pw, strlen(pw), &other), TSS_OK);
    assert_int_equal(tss_store_get_secret(&s, TSS_STORE_KEY_PACKAGE, ID("k"), out, sizeof out, &out_len), TSS_OK);
    assert_int_equal(out_len, 5);
    assert_memory_equal(out, v, 5);
    tss_store_close(&s);

    assert_int_equal(tss_store_open_passphrase(&s, dir, "correct horse battery stapler", 29, &cheap),
                     TSS_ERR_VERIFY);
    assert_non_null(strstr(s.error, "wrong master passphrase"));
    assert_int_equal(tss_store_open(&s, dir, MASTER_A), TSS_ERR_STATE);
    assert_int_equal(tss_store_open_passphrase(&s, dir, "", 0, &cheap), TSS_ERR_INVALID_ARG);
}

static void test_key_file(void **state)
{
    fixture *f = *state;
    char dir[512], key[512];
    sub(dir, sizeof dir, f, "db");
    sub(key, sizeof key, f, "master.key");
    char err[512];
    assert_int_equal(tss_master_key_generate_file(key, err, sizeof err), TSS_OK);
    struct stat st;
    assert_int_equal(stat(key, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(st.st_size, 32);
    assert_int_equal(tss_master_key_generate_file(key, err, sizeof err), TSS_ERR_DUPLICATE);

    tss_store s;
    const uint8_t v[2] = {7, 8};
    uint8_t out[4];
    size_t out_len;
    assert_int_equal(tss_store_open_key_file(&s, dir, key), TSS_OK);
    assert_int_equal(tss_store_put_secret(&s, TSS_STORE_KEY_PACKAGE, ID("k"), v, 2, 0), TSS_OK);
    tss_store_close(&s);
    assert_int_equal(tss_store_open_key_file(&s, dir, key), TSS_OK);
    assert_int_equal(tss_store_get_secret(&s, TSS_STORE_KEY_PACKAGE, ID("k"), out, sizeof out, &out_len), TSS_OK);
    assert_memory_equal(out, v, 2);
    tss_store_close(&s);

    assert_int_equal(chmod(key, 0640), 0);
    assert_int_equal(tss_store_open_key_file(&s, dir, key), TSS_ERR_STATE);
    assert_non_null(strstr(s.error, "group or others"));
    assert_non_null(strstr(s.error, key));
    assert_int_equal(chmod(key, 0604), 0);
    assert_int_equal(tss_store_open_key_file(&s, dir, key), TSS_ERR_STATE);
    char missing[600];
    snprintf(missing, sizeof missing, "%s/none.key", f->dir);
    assert_int_equal(tss_store_open_key_file(&s, dir, missing), TSS_ERR_NOT_FOUND);
}

static void test_take_once(void **state)
{
    fixture *f = *state;
    char dir[512];
    sub(dir, sizeof dir, f, "db");
    tss_store s;
    uint8_t out[32];
    size_t out_len;
    const uint8_t v[20] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
    assert_int_equal(tss_store_open(&s, dir, MASTER_A), TSS_OK);
    assert_int_equal(tss_store_put_secret(&s, TSS_STORE_ONE_TIME, ID("p1"), v, 20, 0), TSS_OK);
    assert_int_equal(tss_store_put_secret(&s, TSS_STORE_ONE_TIME, ID("p2"), v, 10, 0), TSS_OK);
    assert_int_equal(tss_store_put_public(&s, TSS_STORE_SESSION, ID("s"), v, 3, 0), TSS_OK);

    /* A buffer too small leaves the record in place. */
    assert_int_equal(tss_store_take_once(&s, TSS_STORE_ONE_TIME, ID("p1"), out, 19, &out_len), TSS_ERR_CAPACITY);
    assert_int_equal(out_len, 20);
    assert_int_equal(tss_store_take_once(&s, TSS_STORE_ONE_TIME, ID("p1"), out, sizeof out, &out_len), TSS_OK);
    assert_int_equal(out_len, 20);
    assert_memory_equal(out, v, 20);
    assert_int_equal(tss_store_take_once(&s, TSS_STORE_ONE_TIME, ID("p1"), out, sizeof out, &out_len),
                     TSS_ERR_NOT_FOUND);
    assert_int_equal(tss_store_get_secret(&s, TSS_STORE_ONE_TIME, ID("p1"), out, sizeof out, &out_len),
                     TSS_ERR_NOT_FOUND);
    /* Public kinds can be taken too. */
    assert_int_equal(tss_store_take_once(&s, TSS_STORE_SESSION, ID("s"), out, sizeof out, &out_len), TSS_OK);
    assert_int_equal(out_len, 3);
    assert_int_equal(tss_store_take_once(&s, TSS_STORE_SESSION, ID("s"), out, sizeof out, &out_len),
                     TSS_ERR_NOT_FOUND);
    tss_store_close(&s);

    assert_int_equal(tss_store_open(&s, dir, MASTER_A), TSS_OK);
    assert_int_equal(tss_store_take_once(&s, TSS_STORE_ONE_TIME, ID("p1"), out, sizeof out, &out_len),
                     TSS_ERR_NOT_FOUND);
    assert_int_equal(tss_store_take_once(&s, TSS_STORE_ONE_TIME, ID("p2"), out, sizeof out, &out_len), TSS_OK);
    assert_int_equal(out_len, 10);
    assert_memory_equal(out, v, 10);
    tss_store_close(&s);

    assert_int_equal(tss_store_open(&s, dir, MASTER_A), TSS_OK);
    assert_int_equal(tss_store_take_once(&s, TSS_STORE_ONE_TIME, ID("p2"), out, sizeof out, &out_len),
                     TSS_ERR_NOT_FOUND);
    tss_store_close(&s);
}

static void test_open_configured(void **state)
{
    fixture *f = *state;
    char dir[512], key[512];
    sub(dir, sizeof dir, f, "nested/data/node1"); /* missing parents are made */
    sub(key, sizeof key, f, "master.key");
    const tss_store_pwhash_params cheap = {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
    tss_store s;
    uint8_t out[8];
    size_t out_len;
    const uint8_t v[3] = {4, 5, 6};

    assert_int_equal(tss_store_open_configured(&s, dir, NULL, NULL), TSS_ERR_INVALID_ARG);
    assert_int_equal(tss_store_open_configured(&s, dir, key, "TSS_TEST_PASS"), TSS_ERR_INVALID_ARG);
    unsetenv("TSS_TEST_STORE_PASS");
    assert_int_equal(tss_store_open_configured(&s, dir, "", "TSS_TEST_STORE_PASS"), TSS_ERR_NOT_FOUND);
    assert_non_null(strstr(s.error, "TSS_TEST_STORE_PASS"));

    /* Created with cheap Argon2id limits; reopened through the environment variable, limits from metadata. */
    assert_int_equal(tss_store_open_passphrase(&s, dir, "hunter2", 7, &cheap), TSS_OK);
    assert_int_equal(tss_store_put_secret(&s, TSS_STORE_KEY_PACKAGE, ID("k"), v, 3, 0), TSS_OK);
    tss_store_close(&s);
    struct stat st;
    assert_int_equal(stat(dir, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    setenv("TSS_TEST_STORE_PASS", "hunter2", 1);
    assert_int_equal(tss_store_open_configured(&s, dir, "", "TSS_TEST_STORE_PASS"), TSS_OK);
    assert_int_equal(tss_store_get_secret(&s, TSS_STORE_KEY_PACKAGE, ID("k"), out, sizeof out, &out_len), TSS_OK);
    assert_memory_equal(out, v, 3);
    tss_store_close(&s);
    setenv("TSS_TEST_STORE_PASS", "hunter3", 1);
    assert_int_equal(tss_store_open_configured(&s, dir, NULL, "TSS_TEST_STORE_PASS"), TSS_ERR_VERIFY);
    unsetenv("TSS_TEST_STORE_PASS");

    char err[256];
    char dir2[512];
    sub(dir2, sizeof dir2, f, "db2");
    assert_int_equal(tss_master_key_generate_file(key, err, sizeof err), TSS_OK);
    assert_int_equal(tss_store_open_configured(&s, dir2, key, ""), TSS_OK);
    tss_store_close(&s);
}

/* ---- crash safety ---- */

#define POOL 400 /* one-time records prepared before the child starts taking them */

static void record_value(uint8_t out[96], uint32_t i)
{
    tv_rng r;
    tv_rng_seed(&r, 0x5EED0000u + i);
    tv_rng_bytes(&r, out, 96);
}

static void make_id(char id[32], char kind, uint32_t i)
{
    snprintf(id, 32, "%c%08u", kind, i);
}

typedef struct report {
    uint8_t type; /* 'P' put committed, 'T' taken, 'E' error */
    uint8_t pad[3];
    uint32_t value;
} report;

static void write_report(int fd, uint8_t type, uint32_t value)
{
    report r = {type, {0, 0, 0}, value};
    ssize_t w;
    do
        w = write(fd, &r, sizeof r);
    while (w < 0 && errno == EINTR);
}

static _Noreturn void child_writer(const char *dir, int fd, uint32_t base)
{
    tss_store s;
    if (tss_store_open(&s, dir, MASTER_A) != TSS_OK) {
        write_report(fd, 'E', 1);
        _exit(3);
    }
    uint32_t next_take = 0;
    for (uint32_t i = 0; i < 1000000; i++) {
        uint8_t v[96], out[96];
        size_t out_len;
        char id[32];
        record_value(v, base + i);
        make_id(id, 'k', base + i);
        int rc = tss_store_put_secret(&s, TSS_STORE_KEY_PACKAGE, (const uint8_t *)id, strlen(id), v, sizeof v, 0);
        if (rc != TSS_OK) {
            write_report(fd, 'E', (uint32_t)-rc);
            _exit(3);
        }
        write_report(fd, 'P', base + i);
        if ((i & 1) == 0)
            continue;
        /* Take the next one-time record that is still there. */
        for (; next_take < POOL; next_take++) {
            make_id(id, 't', next_take);
            rc = tss_store_take_once(&s, TSS_STORE_ONE_TIME, (const uint8_t *)id, strlen(id), out, sizeof out,
                                     &out_len);
            if (rc == TSS_OK) {
                write_report(fd, 'T', next_take++);
                break;
            }
            if (rc != TSS_ERR_NOT_FOUND) {
                write_report(fd, 'E', (uint32_t)-rc);
                _exit(3);
            }
        }
    }
    _exit(0);
}

static void test_crash_safety(void **state)
{
    fixture *f = *state;
    char dir[512];
    sub(dir, sizeof dir, f, "db");
    tss_store s;
    uint8_t v[96], out[96];
    size_t out_len;
    char id[32];

    assert_int_equal(tss_store_open(&s, dir, MASTER_A), TSS_OK);
    for (uint32_t j = 0; j < POOL; j++) {
        record_value(v, 1000000000u + j);
        make_id(id, 't', j);
        assert_int_equal(tss_store_put_secret(&s, TSS_STORE_ONE_TIME, (const uint8_t *)id, strlen(id), v, 96, 0),
                         TSS_OK);
    }
    tss_store_close(&s);

    static uint8_t taken[POOL];
    memset(taken, 0, sizeof taken);
    uint32_t total_puts = 0;
    for (int round = 0; round < 4; round++) {
        int fds[2];
        assert_int_equal(pipe(fds), 0);
        uint32_t base = (uint32_t)round * 10000000u;
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            close(fds[0]);
            child_writer(dir, fds[1], base);
        }
        close(fds[1]);
        /* Once the child has committed its first record (however slow the machine), kill it at a random
         * moment; a full pipe only blocks the child, it loses no report. */
        report r;
        int have_first = read(fds[0], &r, sizeof r) == (ssize_t)sizeof r;
        uint32_t delay_ms = 20 + randombytes_uniform(300);
        struct timespec ts = {0, (long)delay_ms * 1000000L};
        nanosleep(&ts, NULL);
        assert_int_equal(kill(pid, SIGKILL), 0);
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(have_first);
        assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

        uint32_t puts = 0, last_put = 0;
        for (int first = 1; first || read(fds[0], &r, sizeof r) == (ssize_t)sizeof r; first = 0) {
            assert_int_not_equal(r.type, 'E');
            if (r.type == 'P') {
                assert_int_equal(r.value, base + puts); /* committed in order */
                last_put = r.value;
                puts++;
            } else {
                assert_int_equal(r.type, 'T');
                assert_true(r.value < POOL);
                assert_int_equal(taken[r.value], 0); /* never handed out twice */
                taken[r.value] = 1;
            }
        }
        close(fds[0]);
        assert_true(puts > 0); /* the child got to commit something before the kill */
        total_puts += puts;

        assert_int_equal(tss_store_open(&s, dir, MASTER_A), TSS_OK);
        for (uint32_t i = 0; i < puts; i++) {
            record_value(v, base + i);
            make_id(id, 'k', base + i);
            assert_int_equal(
                tss_store_get_secret(&s, TSS_STORE_KEY_PACKAGE, (const uint8_t *)id, strlen(id), out, 96, &out_len),
                TSS_OK);
            assert_int_equal(out_len, 96);
            assert_memory_equal(out, v, 96);
        }
        /* A write in flight at the kill is either wholly there or absent. */
        record_value(v, last_put + 1);
        make_id(id, 'k', last_put + 1);
        int rc = tss_store_get_secret(&s, TSS_STORE_KEY_PACKAGE, (const uint8_t *)id, strlen(id), out, 96, &out_len);
        assert_true(rc == TSS_OK || rc == TSS_ERR_NOT_FOUND);
        if (rc == TSS_OK)
            assert_memory_equal(out, v, 96);
        /* Reported takes are gone; the others are intact, except at most one taken but not yet reported. */
        uint32_t unreported_missing = 0;
        for (uint32_t j = 0; j < POOL; j++) {
            make_id(id, 't', j);
            rc = tss_store_get_secret(&s, TSS_STORE_ONE_TIME, (const uint8_t *)id, strlen(id), out, 96, &out_len);
            if (taken[j]) {
                assert_int_equal(rc, TSS_ERR_NOT_FOUND);
            } else if (rc == TSS_ERR_NOT_FOUND) {
                unreported_missing++;
                taken[j] = 1; /* consumed by a take whose report was lost: still never returned again */
            } else {
                assert_int_equal(rc, TSS_OK);
                record_value(v, 1000000000u + j);
                assert_memory_equal(out, v, 96);
            }
        }
        assert_true(unreported_missing <= 1);
        tss_store_close(&s);
    }
    print_message("crash safety: %u committed records checked over 4 SIGKILLs\n", total_puts);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_put_many, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_secret_not_in_clear, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tamper_and_move, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_master_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_passphrase, setup, teardown),
        cmocka_unit_test_setup_teardown(test_key_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_take_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_configured, setup, teardown),
        cmocka_unit_test_setup_teardown(test_crash_safety, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
