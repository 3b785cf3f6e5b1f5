/* The durable store: a committed (fsync'd) secret write, a secret read (decrypt), a public write, a durable
 * take_once, and opening a passphrase store (Argon2id at the default MODERATE limits). Records of 256 bytes,
 * about a FROST key package. */
#include "bench.h"

#include "src/store.h"
#include "tss/common.h"

#include <ftw.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RECORD 256

static const uint8_t MASTER[32] = {7};

typedef struct ctx {
    char dir[256];
} ctx;

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

/* A new empty directory $TMPDIR/tss-bench-<name>-XXXXXX: 0 or -1. */
static int fresh_dir(ctx *c, const char *name)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(c->dir, sizeof c->dir, "%s/tss-bench-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", name);
    return mkdtemp(c->dir) != NULL ? 0 : -1;
}

static int fresh_store(ctx *c, tss_store *s, const char *name)
{
    if (fresh_dir(c, name) != 0)
        return -1;
    return tss_store_open(s, c->dir, MASTER) == TSS_OK ? 0 : -1;
}

static void done(ctx *c, tss_store *s)
{
    tss_store_close(s);
    nftw(c->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void id_of(char id[24], uint64_t i)
{
    snprintf(id, 24, "k%016llu", (unsigned long long)i);
}

/* One durable write: a secret record (encrypted) or a public one, measured by the same loop. */
typedef struct put_case {
    const char *dir_name;
    int secret;
    int kind;
} put_case;

static const put_case PUT_SECRET = {"put", 1, TSS_STORE_KEY_PACKAGE};
static const put_case PUT_PUBLIC = {"pub", 0, TSS_STORE_SESSION};

static void bm_put(bench_state *st, void *arg)
{
    const put_case *pc = arg;
    ctx c;
    tss_store s;
    uint8_t v[RECORD];
    char id[24];
    randombytes_buf(v, sizeof v);
    if (fresh_store(&c, &s, pc->dir_name) != 0) {
        bench_skip(st, "cannot open store");
        return;
    }
    uint64_t i = 0;
    while (bench_keep_running(st)) {
        id_of(id, i++);
        int rc = pc->secret ? tss_store_put_secret(&s, pc->kind, (const uint8_t *)id, strlen(id), v, sizeof v, 0)
                            : tss_store_put_public(&s, pc->kind, (const uint8_t *)id, strlen(id), v, sizeof v, 0);
        if (rc != 0)
            bench_skip(st, "put failed");
    }
    bench_set_items(st, bench_iterations(st));
    done(&c, &s);
}

static void bm_get_secret(bench_state *st, void *arg)
{
    (void)arg;
    ctx c;
    tss_store s;
    uint8_t v[RECORD], out[RECORD];
    size_t out_len;
    char id[24];
    randombytes_buf(v, sizeof v);
    if (fresh_store(&c, &s, "get") != 0) {
        bench_skip(st, "cannot open store");
        return;
    }
    for (uint64_t i = 0; i < 64; i++) {
        id_of(id, i);
        tss_store_put_secret(&s, TSS_STORE_KEY_PACKAGE, (const uint8_t *)id, strlen(id), v, sizeof v, 0);
    }
    uint64_t i = 0;
    while (bench_keep_running(st)) {
        id_of(id, i++ & 63);
        if (tss_store_get_secret(&s, TSS_STORE_KEY_PACKAGE, (const uint8_t *)id, strlen(id), out, sizeof out,
                                 &out_len) != 0)
            bench_skip(st, "get failed");
        bench_do_not_optimize(out);
    }
    sodium_memzero(out, sizeof out);
    bench_set_items(st, bench_iterations(st));
    done(&c, &s);
}

static void bm_take_once(bench_state *st, void *arg)
{
    (void)arg;
    ctx c;
    tss_store s;
    uint8_t v[RECORD], out[RECORD];
    size_t out_len;
    char id[24];
    randombytes_buf(v, sizeof v);
    if (fresh_store(&c, &s, "take") != 0) {
        bench_skip(st, "cannot open store");
        return;
    }
    uint64_t i = 0;
    while (bench_keep_running(st)) {
        bench_pause(st);
        id_of(id, i);
        tss_store_put_secret(&s, TSS_STORE_ONE_TIME, (const uint8_t *)id, strlen(id), v, sizeof v, 0);
        bench_resume(st);
        if (tss_store_take_once(&s, TSS_STORE_ONE_TIME, (const uint8_t *)id, strlen(id), out, sizeof out,
                                &out_len) != 0)
            bench_skip(st, "take failed");
        i++;
    }
    sodium_memzero(out, sizeof out);
    bench_set_items(st, bench_iterations(st));
    done(&c, &s);
}

static void bm_open_passphrase(bench_state *st, void *arg)
{
    (void)arg;
    ctx c;
    tss_store s;
    if (fresh_dir(&c, "pw") != 0) {
        bench_skip(st, "mkdtemp");
        return;
    }
    const char pw[] = "a passphrase for the benchmark";
    if (tss_store_open_passphrase(&s, c.dir, pw, sizeof pw - 1, NULL) != TSS_OK) {
        bench_skip(st, "cannot create passphrase store");
        return;
    }
    tss_store_close(&s);
    while (bench_keep_running(st)) {
        if (tss_store_open_passphrase(&s, c.dir, pw, sizeof pw - 1, NULL) != TSS_OK)
            bench_skip(st, "open failed");
        tss_store_close(&s);
    }
    nftw(c.dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int main(int argc, char **argv)
{
    if (tss_init() != TSS_OK)
        return 1;
    bench_register("store/put_secret_durable", bm_put, (void *)&PUT_SECRET, 0);
    bench_register("store/put_public_durable", bm_put, (void *)&PUT_PUBLIC, 0);
    bench_register("store/get_secret", bm_get_secret, NULL, 0);
    bench_register("store/take_once_durable", bm_take_once, NULL, 0);
    bench_register_iters("store/open_passphrase_argon2id_moderate", bm_open_passphrase, NULL, 0, 3);
    int rc = bench_run(&argc, argv);
    bench_print_ratio("store/put_secret_durable", "store/put_public_durable");
    return rc;
}
