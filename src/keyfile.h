/* Secret key files: fixed-length binary files that only their owner may read.
 *
 * Written with O_CREAT|O_EXCL and mode 0600 (an existing file is never overwritten) and fsync'd with
 * their directory; read only when they are regular files without any group or other permission bit.
 * Errors fill err (when not NULL) with a message naming the file and the problem. */
#ifndef TSS_SRC_KEYFILE_H
#define TSS_SRC_KEYFILE_H

#include <stddef.h>
#include <stdint.h>

#define TSS_MASTER_KEY_BYTES 32

/* TSS_OK; TSS_ERR_DUPLICATE if path exists; TSS_ERR_IO otherwise. */
int tss_keyfile_write(const char *path, const uint8_t *bytes, size_t len, char *err, size_t err_len);

/* Reads exactly len bytes into out. TSS_OK; TSS_ERR_NOT_FOUND (missing); TSS_ERR_STATE (group/other may
 * access it, or not a regular file); TSS_ERR_ENCODING (size is not len); TSS_ERR_IO otherwise.
 * out is zeroed on every failure. */
int tss_keyfile_read(const char *path, uint8_t *out, size_t len, char *err, size_t err_len);

/* A fresh random 32-byte master key written as a key file (see tss_keyfile_write). */
int tss_master_key_generate_file(const char *path, char *err, size_t err_len);

/* Loads a master key file (see tss_keyfile_read). */
int tss_master_key_load(const char *path, uint8_t key[TSS_MASTER_KEY_BYTES], char *err, size_t err_len);

#endif
