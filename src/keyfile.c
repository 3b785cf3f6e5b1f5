#include "src/keyfile.h"

#include "tss/common.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void set_err(char *err, size_t err_len, const char *fmt, ...)
{
    if (err == NULL || err_len == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, err_len, fmt, ap);
    va_end(ap);
}

/* A new file's name is durable only once its directory is synced. */
static int sync_parent_dir(const char *path)
{
    char copy[PATH_MAX];
    if (strlen(path) >= sizeof copy)
        return -1;
    strcpy(copy, path);
    int dfd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return -1;
    int rc = fsync(dfd);
    close(dfd);
    return rc;
}

int tss_keyfile_write(const char *path, const uint8_t *bytes, size_t len, char *err, size_t err_len)
{
    if (path == NULL || bytes == NULL || len == 0) {
        set_err(err, err_len, "key file: invalid argument");
        return TSS_ERR_INVALID_ARG;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        int e = errno;
        set_err(err, err_len, "%s: cannot create key file: %s%s", path, strerror(e),
                e == EEXIST ? " (refusing to overwrite an existing key)" : "");
        return e == EEXIST ? TSS_ERR_DUPLICATE : TSS_ERR_IO;
    }
    /* The umask can only clear bits, but say exactly what we mean. */
    int rc = fchmod(fd, 0600);
    size_t done = 0;
    while (rc == 0 && done < len) {
        ssize_t w = write(fd, bytes + done, len - done);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            rc = -1;
        } else {
            done += (size_t)w;
        }
    }
    if (rc == 0)
        rc = fsync(fd);
    int e = errno;
    if (close(fd) != 0 && rc == 0) {
        rc = -1;
        e = errno;
    }
    if (rc == 0 && sync_parent_dir(path) != 0) {
        rc = -1;
        e = errno;
    }
    if (rc != 0) {
        unlink(path);
        set_err(err, err_len, "%s: cannot write key file: %s", path, strerror(e));
        return TSS_ERR_IO;
    }
    return TSS_OK;
}

int tss_keyfile_read(const char *path, uint8_t *out, size_t len, char *err, size_t err_len)
{
    if (path == NULL || out == NULL || len == 0) {
        set_err(err, err_len, "key file: invalid argument");
        return TSS_ERR_INVALID_ARG;
    }
    sodium_memzero(out, len);
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        set_err(err, err_len, "%s: cannot open key file: %s", path, strerror(e));
        return e == ENOENT ? TSS_ERR_NOT_FOUND : TSS_ERR_IO;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        set_err(err, err_len, "%s: cannot stat key file: %s", path, strerror(e));
        return TSS_ERR_IO;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        set_err(err, err_len, "%s: key file is not a regular file", path);
        return TSS_ERR_STATE;
    }
    if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
        close(fd);
        set_err(err, err_len,
                "%s: key file is accessible by group or others (mode %04o); refusing to use it: "
                "run chmod 600 on it (and consider the key compromised if others could read it)",
                path, (unsigned)(st.st_mode & 07777));
        return TSS_ERR_STATE;
    }
    if (st.st_size < 0 || (uint64_t)st.st_size != (uint64_t)len) {
        close(fd);
        set_err(err, err_len, "%s: key file has %lld bytes, expected %zu", path, (long long)st.st_size, len);
        return TSS_ERR_ENCODING;
    }
    size_t done = 0;
    int rc = TSS_OK;
    while (done < len) {
        ssize_t r = read(fd, out + done, len - done);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            set_err(err, err_len, "%s: cannot read key file: %s", path, r < 0 ? strerror(errno) : "short file");
            rc = TSS_ERR_IO;
            break;
        }
        done += (size_t)r;
    }
    close(fd);
    if (rc != TSS_OK)
        sodium_memzero(out, len);
    return rc;
}

int tss_master_key_generate_file(const char *path, char *err, size_t err_len)
{
    uint8_t key[TSS_MASTER_KEY_BYTES];
    randombytes_buf(key, sizeof key);
    int rc = tss_keyfile_write(path, key, sizeof key, err, err_len);
    sodium_memzero(key, sizeof key);
    return rc;
}

int tss_master_key_load(const char *path, uint8_t key[TSS_MASTER_KEY_BYTES], char *err, size_t err_len)
{
    return tss_keyfile_read(path, key, TSS_MASTER_KEY_BYTES, err, err_len);
}
