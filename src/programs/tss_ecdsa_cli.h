/* tss-ecdsa: shared pieces of the threshold ECDSA ceremony CLI (docs/ecdsa-cli.md). */
#ifndef TSS_ECDSA_CLI_H
#define TSS_ECDSA_CLI_H

#include <stddef.h>
#include <stdint.h>
#include "tss/ecdsa.h"

enum { EX_OK = 0, EX_INPUT = 1, EX_USAGE = 2, EX_CULPRIT = 3 };

/* Options: --name value, --name v1 v2 ... (lists), --flag. */
typedef struct {
    const char *name[24];
    const char *value[24];
    const char **list[24];
    int list_len[24];
    int n;
} ecli_opts;

int ecli_parse(ecli_opts *o, int argc, char **argv, const char *const *allowed, const char *cmd);
const char *ecli_get(const ecli_opts *o, const char *name);
const char **ecli_list(const ecli_opts *o, const char *name, int *n);
int ecli_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Files. ecli_read: whole file ("-" = stdin), NUL-terminated; caller frees with ecli_free_text. */
char *ecli_read(const char *path, size_t *len);
void ecli_free_text(char *text, size_t len);
/* Writes text to path (mode 0600 when secret; "-" = stdout, refused for secrets); refuses to overwrite
 * unless force. fsyncs the file. Returns EX_OK or EX_INPUT. */
int ecli_write(const char *path, const char *text, size_t len, int secret, int force);
/* Object <-> JSON file. */
int ecli_load(tss_ecdsa_type type, void *obj, const char *path);
int ecli_save(tss_ecdsa_type type, const void *obj, const char *path, int secret, int force);
/* The "type" of a JSON file (static buffer copy, "" if none) and its "from"/"to" (0 if absent). */
int ecli_peek(const char *path, char *type, size_t type_cap, uint32_t *from, uint32_t *to);

/* Hex helpers. */
int ecli_hex_exact(uint8_t *out, size_t len, const char *hex);
/* Digest from --digest HEX, or --message-file F with --hash keccak256|sha256. */
int ecli_digest(const ecli_opts *o, uint8_t digest[32]);
int ecli_parse_u32(const char *s, uint32_t *out);
/* "1,3,4" -> ascending list. */
int ecli_parse_list(const char *s, uint32_t *out, uint32_t cap, uint32_t *n);

/* Key files: the key share and the pair setups of one party (SECRET). */
typedef struct {
    tss_ecdsa_key_share share;
    tss_ecdsa_pair pairs[TSS_ECDSA_MAX_PARTIES - 1];
    uint32_t n_pairs;
} ecli_key;
int ecli_key_load(ecli_key *k, const char *path);
int ecli_key_save(const ecli_key *k, const char *path, int force);

/* Reports a protocol failure: culprit line (and ban line) on stderr; returns the exit code. */
int ecli_fail(const char *step, int status, uint32_t culprit);

int ecli_cmd_dkg(int argc, char **argv);
int ecli_cmd_refresh(int argc, char **argv);
int ecli_cmd_presign(int argc, char **argv);
int ecli_cmd_sign(int argc, char **argv);
int ecli_cmd_combine(int argc, char **argv);
int ecli_cmd_verify(int argc, char **argv);
int ecli_cmd_address(int argc, char **argv);
int ecli_cmd_digest(int argc, char **argv);
int ecli_cmd_reshare(int argc, char **argv);
int ecli_cmd_public(int argc, char **argv);

#endif
