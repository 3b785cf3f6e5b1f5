/* Node identity keys and secret key files: 0600 on creation, refused when group/other may access them,
 * never overwritten; and the tss-keygen program built on them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "src/identity.h"
#include "src/keyfile.h"
#include "test_support.h"
#include "tss/common.h"

typedef tv_tmpdir fixture;

static int setup(void **state)
{
    if (tv_tmpdir_setup(state, "tss-identity") != 0)
        return -1;
    return tss_init() == TSS_OK ? 0 : -1;
}

static int teardown(void **state)
{
    return tv_tmpdir_teardown(state);
}

static void test_write_load_round_trip(void **state)
{
    fixture *f = *state;
    char path[512], err[512];
    snprintf(path, sizeof path, "%s/node.key", f->dir);
    tss_identity id, loaded;
    assert_int_equal(tss_identity_generate(&id), TSS_OK);
    assert_int_equal(tss_identity_write(&id, path, err, sizeof err), TSS_OK);

    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(st.st_mode & 07777, 0600);
    assert_int_equal(st.st_size, TSS_IDENTITY_SEED_BYTES);

    assert_int_equal(tss_identity_load(&loaded, path, err, sizeof err), TSS_OK);
    assert_memory_equal(loaded.public_key, id.public_key, 32);
    assert_memory_equal(loaded.secret_key, id.secret_key, 64);
    /* The loaded key signs and the public key verifies it. */
    uint8_t sig[64];
    const uint8_t msg[3] = {'a', 'b', 'c'};
    assert_int_equal(crypto_sign_detached(sig, NULL, msg, 3, loaded.secret_key), 0);
    assert_int_equal(crypto_sign_verify_detached(sig, msg, 3, id.public_key), 0);

    char hex[65];
    tss_identity_public_hex(&id, hex);
    assert_int_equal(strlen(hex), 64);
    tss_identity_wipe(&loaded);
    const uint8_t zero[sizeof loaded] = {0};
    assert_memory_equal(&loaded, zero, sizeof loaded);
}

static void test_umask_does_not_widen(void **state)
{
    fixture *f = *state;
    char path[512];
    snprintf(path, sizeof path, "%s/open-umask.key", f->dir);
    mode_t old = umask(0);
    tss_identity id;
    assert_int_equal(tss_identity_generate(&id), TSS_OK);
    int rc = tss_identity_write(&id, path, NULL, 0);
    umask(old);
    assert_int_equal(rc, TSS_OK);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
}

static void test_refuse_group_or_other_access(void **state)
{
    fixture *f = *state;
    char path[512], err[512];
    snprintf(path, sizeof path, "%s/node.key", f->dir);
    tss_identity id, loaded;
    assert_int_equal(tss_identity_generate(&id), TSS_OK);
    assert_int_equal(tss_identity_write(&id, path, err, sizeof err), TSS_OK);

    static const mode_t bad_modes[] = {0640, 0620, 0610, 0604, 0602, 0601, 0644, 0660};
    for (size_t i = 0; i < sizeof bad_modes / sizeof bad_modes[0]; i++) {
        assert_int_equal(chmod(path, bad_modes[i]), 0);
        memset(&loaded, 0x55, sizeof loaded);
        err[0] = '\0';
        assert_int_equal(tss_identity_load(&loaded, path, err, sizeof err), TSS_ERR_STATE);
        assert_non_null(strstr(err, "group or others"));
        assert_non_null(strstr(err, path));
        const uint8_t zero[sizeof loaded] = {0};
        assert_memory_equal(&loaded, zero, sizeof loaded); /* nothing loaded */
    }
    /* Owner-only modes are fine, read-only included. */
    assert_int_equal(chmod(path, 0400), 0);
    assert_int_equal(tss_identity_load(&loaded, path, err, sizeof err), TSS_OK);
    assert_memory_equal(loaded.public_key, id.public_key, 32);
}

static void test_refuse_overwrite(void **state)
{
    fixture *f = *state;
    char path[512], err[512];
    snprintf(path, sizeof path, "%s/node.key", f->dir);
    tss_identity a, b, loaded;
    assert_int_equal(tss_identity_generate(&a), TSS_OK);
    assert_int_equal(tss_identity_generate(&b), TSS_OK);
    assert_int_equal(tss_identity_write(&a, path, err, sizeof err), TSS_OK);
    assert_int_equal(tss_identity_write(&b, path, err, sizeof err), TSS_ERR_DUPLICATE);
    assert_non_null(strstr(err, "refusing to overwrite"));
    assert_int_equal(tss_identity_load(&loaded, path, err, sizeof err), TSS_OK);
    assert_memory_equal(loaded.public_key, a.public_key, 32);

    /* Nor through a symlink planted where the key should go. */
    char link_path[512];
    snprintf(link_path, sizeof link_path, "%s/link.key", f->dir);
    assert_int_equal(symlink(path, link_path), 0);
    assert_int_not_equal(tss_identity_write(&b, link_path, err, sizeof err), TSS_OK);
    assert_int_equal(tss_identity_load(&loaded, path, err, sizeof err), TSS_OK);
    assert_memory_equal(loaded.public_key, a.public_key, 32);
    assert_int_not_equal(tss_identity_load(&loaded, link_path, err, sizeof err), TSS_OK);
}

static void test_bad_files(void **state)
{
    fixture *f = *state;
    char path[512], err[512];
    tss_identity id;
    snprintf(path, sizeof path, "%s/missing.key", f->dir);
    assert_int_equal(tss_identity_load(&id, path, err, sizeof err), TSS_ERR_NOT_FOUND);
    assert_non_null(strstr(err, path));

    uint8_t bytes[33] = {0};
    snprintf(path, sizeof path, "%s/long.key", f->dir);
    assert_int_equal(tss_keyfile_write(path, bytes, sizeof bytes, err, sizeof err), TSS_OK);
    assert_int_equal(tss_identity_load(&id, path, err, sizeof err), TSS_ERR_ENCODING);
    assert_non_null(strstr(err, "expected 32"));
    snprintf(path, sizeof path, "%s/short.key", f->dir);
    assert_int_equal(tss_keyfile_write(path, bytes, 31, err, sizeof err), TSS_OK);
    assert_int_equal(tss_identity_load(&id, path, err, sizeof err), TSS_ERR_ENCODING);
    /* A directory is not a key file. */
    assert_int_equal(tss_identity_load(&id, f->dir, err, sizeof err), TSS_ERR_STATE);
}

/* Runs a command, captures its first stdout line; returns its exit status. */
static int run(const char *cmd, char *line, size_t line_len)
{
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    line[0] = '\0';
    if (fgets(line, (int)line_len, p) != NULL)
        line[strcspn(line, "\n")] = '\0';
    int status = pclose(p);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_keygen_program(void **state)
{
    fixture *f = *state;
    const char *build = getenv("TSS_BUILD_DIR");
    if (build == NULL)
        skip();
    char prog[512], cmd[2048], out1[256], out2[256], path[512];
    snprintf(prog, sizeof prog, "%s/src/programs/tss-keygen", build);
    assert_int_equal(access(prog, X_OK), 0);

    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' node7 2>/dev/null", f->dir, prog);
    assert_int_equal(run(cmd, out1, sizeof out1), 0);
    assert_int_equal(strlen(out1), 64);
    snprintf(path, sizeof path, "%s/node7.key", f->dir);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);

    /* The printed key is the file's public key. */
    tss_identity id;
    char hex[65], err[512];
    assert_int_equal(tss_identity_load(&id, path, err, sizeof err), TSS_OK);
    tss_identity_public_hex(&id, hex);
    assert_string_equal(hex, out1);
    snprintf(cmd, sizeof cmd, "'%s' --public '%s' 2>/dev/null", prog, path);
    assert_int_equal(run(cmd, out2, sizeof out2), 0);
    assert_string_equal(out2, out1);

    /* A second run refuses to overwrite. */
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' node7 2>/dev/null", f->dir, prog);
    assert_int_equal(run(cmd, out2, sizeof out2), 1);
    assert_int_equal(tss_identity_load(&id, path, err, sizeof err), TSS_OK);
    tss_identity_public_hex(&id, hex);
    assert_string_equal(hex, out1);

    /* Master key files. */
    snprintf(path, sizeof path, "%s/master.key", f->dir);
    snprintf(cmd, sizeof cmd, "'%s' --master '%s' 2>/dev/null", prog, path);
    assert_int_equal(run(cmd, out2, sizeof out2), 0);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    assert_int_equal(st.st_size, 32);
    assert_int_equal(run(cmd, out2, sizeof out2), 1);
    /* Bad usage. */
    snprintf(cmd, sizeof cmd, "'%s' 2>/dev/null", prog);
    assert_int_equal(run(cmd, out2, sizeof out2), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_write_load_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_umask_does_not_widen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refuse_group_or_other_access, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refuse_overwrite, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keygen_program, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
