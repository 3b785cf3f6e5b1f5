/* tss-frost: shared pieces of the FROST ceremony CLI (option parsing, file I/O, loaders, DKG JSON).
 * Exit codes: 0 success, 1 bad input or failed operation, 2 usage error, 3 misbehaving participants named. */
#ifndef TSS_PROGRAMS_TSS_FROST_CLI_H
#define TSS_PROGRAMS_TSS_FROST_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "tss/frost.h"
#include "tss/frost_keygen.h"

enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2, CLI_CULPRIT = 3 };

/* ---- options ---- */

enum cli_opt {
    OPT_THRESHOLD, OPT_SIGNERS, OPT_OUT_DIR, OPT_FORCE, OPT_ID, OPT_SECRET_OUT, OPT_OUT, OPT_SECRET,
    OPT_ROUND1, OPT_ROUND2, OPT_KEY_OUT, OPT_PUBLIC_OUT, OPT_KEY, OPT_NONCES_OUT, OPT_NONCES, OPT_PACKAGE,
    OPT_MESSAGE, OPT_MESSAGE_FILE, OPT_COMMITMENTS, OPT_SHARES, OPT_PUBLIC, OPT_PUBLIC_KEY, OPT_SIGNATURE,
    OPT_COUNT
};

typedef struct cli_opts {
    const char *value[OPT_COUNT];   /* single-valued options and flags ("1" when set) */
    char **list[OPT_COUNT];         /* multi-valued options: points into argv */
    int n_list[OPT_COUNT];
} cli_opts;

/* Parses argv[0..argc) against the options allowed by the bit mask (1u << OPT_x). Prints the problem and
 * returns CLI_USAGE on unknown, repeated or value-less options. */
int cli_parse(cli_opts *o, int argc, char **argv, uint32_t allowed, const char *cmd);
/* Prints "tss-frost CMD: missing --NAME" and returns CLI_USAGE when the option is absent. */
int cli_require(const cli_opts *o, enum cli_opt opt, const char *cmd);
const char *cli_opt_name(enum cli_opt opt);

/* ---- messages ---- */

/* "tss-frost: <message>" on stderr; returns code. Never pass secret material. */
int cli_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- files ("-" is stdin / stdout) ---- */

/* Reads a whole file (at most 256 MiB) into a NUL-terminated malloc'd buffer; free with cli_free_text. */
int cli_read_text(const char *path, char **text, size_t *len);
/* Wipes and frees a buffer from cli_read_text (or any malloc'd buffer of len bytes). */
void cli_free_text(char *text, size_t len);
/* Writes data plus a newline. Secret files: mode 0600, never "-", created with O_EXCL. Existing files are
 * refused unless force. fsync'd. */
int cli_write_text(const char *path, const char *data, size_t len, int secret, int force);
/* Joins dir and name into out (cap bytes). */
int cli_path_join(char *out, size_t cap, const char *dir, const char *name);
/* Creates the output directory dir (and missing parents) with mode 0700 unless it exists. */
int cli_make_out_dir(const char *dir);
/* --threshold T of --signers N: 2 <= T <= N (RFC 9591: MIN_PARTICIPANTS >= 2). */
int cli_parse_threshold(uint32_t *t, const char *s, uint32_t n);

/* ---- values ---- */

int cli_parse_u32(uint32_t *out, const char *s, uint32_t min, uint32_t max, const char *what);
/* An identifier: decimal integer >= 1 or the 64-hex-digit scalar. */
int cli_parse_identifier(tss_frost_identifier *id, const char *s);
/* Hex text to bytes (malloc'd, *len bytes; an empty string gives len 0). */
int cli_parse_hex_alloc(uint8_t **out, size_t *len, const char *s, const char *what);
/* "5" for integer identifiers, else the 64-digit hex; buf of 65 bytes. */
const char *cli_identifier_str(char buf[65], const tss_frost_identifier *id);
/* A message from --message HEX or --message-file F (exactly one). */
int cli_load_message(uint8_t **msg, size_t *msg_len, const cli_opts *o);

/* ---- loaders: read, parse and validate a file, naming it and the problem on failure ---- */

/* Parses JSON text (an object) or prints "PATH: malformed JSON ...". */
int cli_parse_json(json_t **root, const char *path, const char *text, size_t len);
/* After a decoder rejected a file: prints "PATH: not a valid WHAT: <first problem found>". */
int cli_explain(const char *path, const char *what, const char *text, size_t len);
/* Decodes JSON text into obj: TSS_OK or an error. */
typedef int (*cli_json_decoder)(void *obj, const char *text, size_t len);
/* Reads path and decodes it; on failure wipes the obj_size bytes of obj and explains it as cli_explain does,
 * first naming any of the NULL-terminated required fields (NULL: none) that is missing. */
int cli_load_decoded(void *obj, size_t obj_size, cli_json_decoder decode, const char *path, const char *what,
                     const char *const *required);

int cli_load_key_package(tss_frost_key_package *kp, const char *path);
/* pkp->shares is malloc'd: release with cli_free_public_key_package. */
int cli_load_public_key_package(tss_frost_public_key_package *pkp, const char *path);
void cli_free_public_key_package(tss_frost_public_key_package *pkp);
int cli_load_commitments(tss_frost_signing_commitments *c, const char *path);
int cli_load_signature_share(tss_frost_signature_share *s, const char *path);
/* pkg views malloc'd arrays: release with cli_free_signing_package. */
int cli_load_signing_package(tss_frost_signing_package *pkg, const char *path);
void cli_free_signing_package(tss_frost_signing_package *pkg);

/* ---- DKG packages as JSON (tss/frost_keygen.h's codec; files named on failure) ----
 * The writers return a malloc'd string (free with cli_free_text), NULL on failure. */

char *cli_round1_to_json(size_t *len, const tss_frost_dkg_round1_package *p);
char *cli_round2_to_json(size_t *len, const tss_frost_dkg_round2_package *p);   /* SECRET */
char *cli_secret_to_json(size_t *len, const tss_frost_dkg_secret_package *sp);  /* SECRET */

/* Round-1 package: p's storage (commitment) is malloc'd; release with cli_free_round1. */
int cli_load_round1(tss_frost_dkg_round1_package *p, const char *path);
void cli_free_round1(tss_frost_dkg_round1_package *p);
int cli_load_round2(tss_frost_dkg_round2_package *p, const char *path);
/* A secret package whose "type" must be `type` ("dkg_round1_secret" / "dkg_round2_secret"); storage
 * malloc'd: release with cli_free_secret (which wipes it). */
int cli_load_secret(tss_frost_dkg_secret_package *sp, const char *path, const char *type);
void cli_free_secret(tss_frost_dkg_secret_package *sp);

/* ---- subcommands ---- */

int cli_cmd_dealer(int argc, char **argv);
int cli_cmd_dkg(int argc, char **argv);
int cli_cmd_commit(int argc, char **argv);
int cli_cmd_sign(int argc, char **argv);
int cli_cmd_package(int argc, char **argv);
int cli_cmd_aggregate(int argc, char **argv);
int cli_cmd_verify(int argc, char **argv);

#endif
