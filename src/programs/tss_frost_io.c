/* tss-frost: messages, files and command-line values. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>

#include "src/programs/tss_frost_cli.h"

#define CLI_MAX_FILE (256u << 20)

int cli_error(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("tss-frost: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return code;
}

void cli_free_text(char *text, size_t len)
{
    if (text == NULL)
        return;
    sodium_memzero(text, len);
    free(text);
}

int cli_read_text(const char *path, char **text, size_t *len)
{
    *text = NULL;
    *len = 0;
    int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return cli_error(CLI_FAIL, "%s: cannot open: %s", path, strerror(errno));
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    int rc = CLI_OK;
    for (;;) {
        if (buf == NULL) {
            rc = cli_error(CLI_FAIL, "%s: out of memory", path);
            break;
        }
        if (n + 1 >= cap) {
            if (cap >= CLI_MAX_FILE) {
                rc = cli_error(CLI_FAIL, "%s: larger than %u bytes", path, CLI_MAX_FILE);
                break;
            }
            /* grow by copy so no secret bytes are left behind in a freed block */
            char *bigger = malloc(cap * 2);
            if (bigger != NULL)
                memcpy(bigger, buf, n);
            cli_free_text(buf, cap);
            buf = bigger;
            cap *= 2;
            continue;
        }
        ssize_t r = read(fd, buf + n, cap - 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            rc = cli_error(CLI_FAIL, "%s: read error: %s", path, strerror(errno));
            break;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    if (fd != STDIN_FILENO)
        close(fd);
    if (rc != CLI_OK) {
        cli_free_text(buf, buf != NULL ? cap : 0);
        return rc;
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return CLI_OK;
}

static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, data, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        data += w;
        len -= (size_t)w;
    }
    return 0;
}

int cli_write_text(const char *path, const char *data, size_t len, int secret, int force)
{
    if (strcmp(path, "-") == 0) {
        if (secret)
            return cli_error(CLI_USAGE, "refusing to write secret material to stdout: give a file name");
        if (write_all(STDOUT_FILENO, data, len) != 0 || write_all(STDOUT_FILENO, "\n", 1) != 0)
            return cli_error(CLI_FAIL, "cannot write to stdout: %s", strerror(errno));
        return CLI_OK;
    }
    struct stat st;
    if (lstat(path, &st) == 0) {
        if (!force)
            return cli_error(CLI_FAIL, "%s: exists; refusing to overwrite (use --force)", path);
        /* recreate rather than truncate, so the new file gets our mode and owner */
        if (unlink(path) != 0)
            return cli_error(CLI_FAIL, "%s: cannot replace: %s", path, strerror(errno));
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, secret ? 0600 : 0644);
    if (fd < 0)
        return cli_error(CLI_FAIL, "%s: cannot create: %s", path, strerror(errno));
    if (secret && fchmod(fd, 0600) != 0) { /* independent of the umask */
        close(fd);
        unlink(path);
        return cli_error(CLI_FAIL, "%s: cannot set mode 0600: %s", path, strerror(errno));
    }
    if (write_all(fd, data, len) != 0 || write_all(fd, "\n", 1) != 0 || fsync(fd) != 0) {
        int e = errno;
        close(fd);
        unlink(path);
        return cli_error(CLI_FAIL, "%s: write error: %s", path, strerror(e));
    }
    if (close(fd) != 0)
        return cli_error(CLI_FAIL, "%s: write error: %s", path, strerror(errno));
    return CLI_OK;
}

int cli_path_join(char *out, size_t cap, const char *dir, const char *name)
{
    int n = snprintf(out, cap, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= cap)
        return cli_error(CLI_FAIL, "%s/%s: path too long", dir, name);
    return CLI_OK;
}

int cli_make_out_dir(const char *dir)
{
    char buf[4096];
    if (dir[0] == '\0')
        return cli_error(CLI_USAGE, "--out-dir: empty directory name");
    if (strlen(dir) >= sizeof buf)
        return cli_error(CLI_FAIL, "%s: path too long", dir);
    strcpy(buf, dir);
    /* mkdir -p; the directories made here hold secret packages, so they are 0700 */
    for (char *p = buf + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char c = *p;
        *p = '\0';
        if (mkdir(buf, 0700) != 0 && errno != EEXIST)
            return cli_error(CLI_FAIL, "--out-dir %s: cannot create %s: %s", dir, buf, strerror(errno));
        *p = c;
        if (c == '\0')
            break;
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return cli_error(CLI_FAIL, "--out-dir %s: not a directory", dir);
    return CLI_OK;
}

int cli_parse_u32(uint32_t *out, const char *s, uint32_t min, uint32_t max, const char *what)
{
    uint64_t v = 0;
    if (s == NULL || *s == '\0')
        return cli_error(CLI_USAGE, "%s: empty value", what);
    for (const char *p = s; *p != '\0'; p++) {
        if (*p < '0' || *p > '9' || v > UINT32_MAX)
            return cli_error(CLI_USAGE, "%s: '%s' is not a whole number", what, s);
        v = v * 10 + (uint64_t)(*p - '0');
    }
    if (v < min || v > max)
        return cli_error(CLI_USAGE, "%s: %s is out of range (%" PRIu32 " .. %" PRIu32 ")", what, s, min, max);
    *out = (uint32_t)v;
    return CLI_OK;
}

int cli_parse_threshold(uint32_t *t, const char *s, uint32_t n)
{
    int rc = cli_parse_u32(t, s, 0, UINT32_MAX, "--threshold (signers that suffice)");
    if (rc == CLI_OK && *t < 2)
        rc = cli_error(CLI_USAGE, "--threshold %s: at least 2 signers (RFC 9591 min_signers); a 1-of-n key would "
                                  "let any one holder sign alone", s);
    else if (rc == CLI_OK && *t > n)
        rc = cli_error(CLI_USAGE, "--threshold %s: out of range, more than the %u signers (--signers)", s, n);
    return rc;
}

int cli_parse_identifier(tss_frost_identifier *id, const char *s)
{
    size_t n = strlen(s);
    if (n == 64) {
        uint8_t b[32];
        size_t bin_len = 0;
        if (sodium_hex2bin(b, 32, s, 64, NULL, &bin_len, NULL) != 0 || bin_len != 32)
            return cli_error(CLI_USAGE, "--id: '%s' is neither an integer nor 64 hex digits", s);
        if (tss_frost_identifier_from_bytes(id, b) != TSS_OK)
            return cli_error(CLI_USAGE, "--id: zero or not a canonical scalar");
        return CLI_OK;
    }
    uint64_t v = 0;
    if (n == 0 || n > 19)
        return cli_error(CLI_USAGE, "--id: '%s' is not an identifier (integer >= 1 or 64 hex digits)", s);
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return cli_error(CLI_USAGE, "--id: '%s' is not an identifier (integer >= 1 or 64 hex digits)", s);
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (tss_frost_identifier_from_u64(id, v) != TSS_OK)
        return cli_error(CLI_USAGE, "--id: identifiers start at 1");
    return CLI_OK;
}

int cli_parse_hex_alloc(uint8_t **out, size_t *len, const char *s, const char *what)
{
    size_t n = strlen(s);
    *out = NULL;
    *len = 0;
    if (n % 2 != 0)
        return cli_error(CLI_FAIL, "%s: odd number of hex digits (%zu)", what, n);
    uint8_t *b = malloc(n / 2 + 1);
    if (b == NULL)
        return cli_error(CLI_FAIL, "%s: out of memory", what);
    size_t bin_len = 0;
    if (n > 0 && (sodium_hex2bin(b, n / 2, s, n, NULL, &bin_len, NULL) != 0 || bin_len != n / 2)) {
        free(b);
        return cli_error(CLI_FAIL, "%s: not hex", what);
    }
    *out = b;
    *len = n / 2;
    return CLI_OK;
}

const char *cli_identifier_str(char buf[65], const tss_frost_identifier *id)
{
    uint64_t v;
    if (tss_frost_identifier_to_u64(&v, id) == TSS_OK)
        snprintf(buf, 65, "%" PRIu64, v);
    else
        sodium_bin2hex(buf, 65, id->bytes, 32);
    return buf;
}

int cli_load_message(uint8_t **msg, size_t *msg_len, const cli_opts *o)
{
    const char *hex = o->value[OPT_MESSAGE], *file = o->value[OPT_MESSAGE_FILE];
    if ((hex == NULL) == (file == NULL))
        return cli_error(CLI_USAGE, "give exactly one of --message HEX and --message-file F");
    if (hex != NULL)
        return cli_parse_hex_alloc(msg, msg_len, hex, "--message");
    char *text;
    size_t len;
    int rc = cli_read_text(file, &text, &len);
    if (rc != CLI_OK)
        return rc;
    *msg = (uint8_t *)text; /* raw bytes; the extra NUL is harmless */
    *msg_len = len;
    return CLI_OK;
}
