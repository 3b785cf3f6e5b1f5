/* Helpers shared by the unit tests: vector files, hex, JSON. */
#ifndef TSS_TEST_SUPPORT_H
#define TSS_TEST_SUPPORT_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

/* Full path of a file under $TSS_VECTORS (default ../shared/vectors); static buffer per call site is not
 * used: writes into out (out_len bytes). Returns out. */
const char *tv_path(char *out, size_t out_len, const char *relative);
/* Reads a whole file under $TSS_VECTORS; caller frees. NULL (and a message on stderr) on failure. */
char *tv_read_file(const char *relative, size_t *len);
/* Parses a JSON file under $TSS_VECTORS; caller json_decref()s. */
json_t *tv_load_json(const char *relative);
/* Decodes hex (no 0x prefix) into out; returns decoded length or -1 (odd length, bad digit, too long). */
long tv_hex_decode(uint8_t *out, size_t out_cap, const char *hex);
/* Decodes exactly `len` bytes; returns 0 or -1. */
int tv_hex_exact(uint8_t *out, size_t len, const char *hex);
/* Deterministic test randomness (xoshiro256**), seeded explicitly so failures reproduce. */
typedef struct { uint64_t s[4]; } tv_rng;
void tv_rng_seed(tv_rng *r, uint64_t seed);
uint64_t tv_rng_next(tv_rng *r);
void tv_rng_bytes(tv_rng *r, uint8_t *out, size_t len);
/* A fresh directory per test, for cmocka setup/teardown: tv_tmpdir_setup callocs one, makes
 * $TMPDIR/<prefix>-XXXXXX (TMPDIR default /tmp) and stores it in *state (0, or -1 with nothing kept);
 * tv_tmpdir_teardown removes the tree below it (not following links) and frees it. */
typedef struct tv_tmpdir { char dir[256]; } tv_tmpdir;
int tv_tmpdir_setup(void **state, const char *prefix);
int tv_tmpdir_teardown(void **state);
/* Runs the program argv[0] (NULL-terminated argv) with its stdout and stderr captured through unlinked
 * temporary files in dir; *out and *err receive them NUL-terminated (caller frees). Returns the exit status,
 * or -1 (could not run it, or it died by a signal) with nothing to free. */
int tv_run_capture(const char *dir, const char *const *argv, char **out, char **err);

#endif
