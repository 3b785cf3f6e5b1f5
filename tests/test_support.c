#include "test_support.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

const char *tv_path(char *out, size_t out_len, const char *relative)
{
    const char *dir = getenv("TSS_VECTORS");
    if (dir == NULL || dir[0] == '\0') dir = "../shared/vectors";
    snprintf(out, out_len, "%s/%s", dir, relative);
    return out;
}

char *tv_read_file(const char *relative, size_t *len)
{
    char path[4096];
    tv_path(path, sizeof path, relative);
    FILE *f = fopen(path, "rb");
    if (f == NULL) { fprintf(stderr, "cannot open vector file %s\n", path); return NULL; }
    if (fseek(f, 0, SEEK_END) != 0) { fclose(f); return NULL; }
    long sz = ftell(f);
    if (sz < 0 || fseek(f, 0, SEEK_SET) != 0) { fclose(f); return NULL; }
    char *buf = malloc((size_t)sz + 1);
    if (buf == NULL) { fclose(f); return NULL; }
    size_t got = fread(buf, 1, (size_t)sz, f);
    fclose(f);
    if (got != (size_t)sz) { free(buf); return NULL; }
    buf[sz] = '\0';
    if (len != NULL) *len = (size_t)sz;
    return buf;
}

json_t *tv_load_json(const char *relative)
{
    char path[4096];
    json_error_t err;
    json_t *j = json_load_file(tv_path(path, sizeof path, relative), 0, &err);
    if (j == NULL) fprintf(stderr, "%s:%d: %s\n", path, err.line, err.text);
    return j;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

long tv_hex_decode(uint8_t *out, size_t out_cap, const char *hex)
{
    size_t n = strlen(hex);
    if (n % 2 != 0 || n / 2 > out_cap) return -1;
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return -1;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return (long)(n / 2);
}

int tv_hex_exact(uint8_t *out, size_t len, const char *hex)
{
    if (hex == NULL || strlen(hex) != 2 * len) return -1;
    return tv_hex_decode(out, len, hex) == (long)len ? 0 : -1;
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void tv_rng_seed(tv_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++) { /* splitmix64 */
        seed += 0x9e3779b97f4a7c15ULL;
        uint64_t z = seed;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        r->s[i] = z ^ (z >> 31);
    }
}

uint64_t tv_rng_next(tv_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t; s[3] = rotl(s[3], 45);
    return result;
}

void tv_rng_bytes(tv_rng *r, uint8_t *out, size_t len)
{
    while (len > 0) {
        uint64_t x = tv_rng_next(r);
        size_t k = len < 8 ? len : 8;
        memcpy(out, &x, k);
        out += k; len -= k;
    }
}

static int tmpdir_remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

int tv_tmpdir_setup(void **state, const char *prefix)
{
    tv_tmpdir *t = calloc(1, sizeof *t);
    if (t == NULL) return -1;
    const char *tmp = getenv("TMPDIR");
    snprintf(t->dir, sizeof t->dir, "%s/%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", prefix);
    if (mkdtemp(t->dir) == NULL) { free(t); return -1; }
    *state = t;
    return 0;
}

int tv_tmpdir_teardown(void **state)
{
    tv_tmpdir *t = *state;
    nftw(t->dir, tmpdir_remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(t);
    return 0;
}

/* Reads fd from its start to the end and closes it; NULL when out of memory. */
static char *slurp_fd(int fd)
{
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    if (buf == NULL) { close(fd); return NULL; }
    lseek(fd, 0, SEEK_SET);
    ssize_t n;
    while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
        len += (size_t)n;
        if (len + 1 == cap) {
            char *grown = realloc(buf, cap * 2);
            if (grown == NULL) { free(buf); close(fd); return NULL; }
            buf = grown;
            cap *= 2;
        }
    }
    buf[len] = '\0';
    close(fd);
    return buf;
}

int tv_run_capture(const char *dir, const char *const *argv, char **out, char **err)
{
    char out_path[4096], err_path[4096];
    snprintf(out_path, sizeof out_path, "%s/out-XXXXXX", dir);
    snprintf(err_path, sizeof err_path, "%s/err-XXXXXX", dir);
    int ofd = mkstemp(out_path), efd = mkstemp(err_path);
    if (ofd >= 0) unlink(out_path);
    if (efd >= 0) unlink(err_path);
    fflush(NULL);
    pid_t pid = ofd >= 0 && efd >= 0 ? fork() : -1;
    if (pid == 0) {
        dup2(ofd, STDOUT_FILENO);
        dup2(efd, STDERR_FILENO);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    int status = 0;
    int waited = pid > 0 && waitpid(pid, &status, 0) == pid;
    char *o = ofd >= 0 ? slurp_fd(ofd) : NULL;
    char *e = efd >= 0 ? slurp_fd(efd) : NULL;
    if (!waited || o == NULL || e == NULL || !WIFEXITED(status)) {
        free(o);
        free(e);
        return -1;
    }
    *out = o;
    *err = e;
    return WEXITSTATUS(status);
}
