/* tss-frost: FROST(Ed25519, SHA-512) ceremony CLI for offline ceremonies and debugging (docs/frost-cli.md).
 * Every subcommand reads and writes the JSON of tss/frost.h; this file holds the entry point, the help
 * text and option parsing. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <sodium.h>

#include "src/programs/tss_frost_cli.h"
#include "tss/common.h"

#ifndef TSS_VERSION
#define TSS_VERSION "unknown"
#endif

static const char *const opt_names[OPT_COUNT] = {
    [OPT_THRESHOLD] = "threshold", [OPT_SIGNERS] = "signers",       [OPT_OUT_DIR] = "out-dir",
    [OPT_FORCE] = "force",         [OPT_ID] = "id",                 [OPT_SECRET_OUT] = "secret-out",
    [OPT_OUT] = "out",             [OPT_SECRET] = "secret",         [OPT_ROUND1] = "round1",
    [OPT_ROUND2] = "round2",       [OPT_KEY_OUT] = "key-out",       [OPT_PUBLIC_OUT] = "public-out",
    [OPT_KEY] = "key",             [OPT_NONCES_OUT] = "nonces-out", [OPT_NONCES] = "nonces",
    [OPT_PACKAGE] = "package",     [OPT_MESSAGE] = "message",       [OPT_MESSAGE_FILE] = "message-file",
    [OPT_COMMITMENTS] = "commitments", [OPT_SHARES] = "shares",     [OPT_PUBLIC] = "public",
    [OPT_PUBLIC_KEY] = "public-key",   [OPT_SIGNATURE] = "signature",
};

static int opt_is_flag(enum cli_opt o)
{
    return o == OPT_FORCE;
}

static int opt_is_list(enum cli_opt o)
{
    return o == OPT_ROUND1 || o == OPT_ROUND2 || o == OPT_COMMITMENTS || o == OPT_SHARES;
}

const char *cli_opt_name(enum cli_opt opt)
{
    return opt_names[opt];
}

int cli_parse(cli_opts *o, int argc, char **argv, uint32_t allowed, const char *cmd)
{
    memset(o, 0, sizeof *o);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        int found = -1;
        if (strncmp(a, "--", 2) == 0)
            for (int k = 0; k < OPT_COUNT; k++)
                if ((allowed & (1u << k)) && strcmp(a + 2, opt_names[k]) == 0)
                    found = k;
        if (found < 0)
            return cli_error(CLI_USAGE, "%s: unexpected argument '%s' (see tss-frost --help)", cmd, a);
        enum cli_opt k = (enum cli_opt)found;
        if (o->value[k] != NULL || o->list[k] != NULL)
            return cli_error(CLI_USAGE, "%s: --%s given twice", cmd, opt_names[k]);
        if (opt_is_flag(k)) {
            o->value[k] = "1";
        } else if (opt_is_list(k)) {
            int start = i + 1;
            while (i + 1 < argc && strncmp(argv[i + 1], "--", 2) != 0)
                i++;
            if (i + 1 == start)
                return cli_error(CLI_USAGE, "%s: --%s needs at least one file", cmd, opt_names[k]);
            o->list[k] = argv + start;
            o->n_list[k] = i + 1 - start;
        } else {
            if (i + 1 >= argc)
                return cli_error(CLI_USAGE, "%s: --%s needs a value", cmd, opt_names[k]);
            o->value[k] = argv[++i];
        }
    }
    return CLI_OK;
}

int cli_require(const cli_opts *o, enum cli_opt opt, const char *cmd)
{
    if (o->value[opt] == NULL && o->list[opt] == NULL)
        return cli_error(CLI_USAGE, "%s: missing --%s (see tss-frost --help)", cmd, opt_names[opt]);
    return CLI_OK;
}

/* jansson holds parsed secrets (key packages, nonces, DKG shares) in its own heap strings: wipe them on free. */
static void wiping_free(void *p)
{
    if (p != NULL) {
        sodium_memzero(p, malloc_usable_size(p));
        free(p);
    }
}

static void usage(FILE *out)
{
    fputs("usage: tss-frost COMMAND [OPTIONS]      FROST(Ed25519, SHA-512) ceremonies (RFC 9591)\n"
          "\n"
          "Trusted dealer:\n"
          "  dealer --threshold T --signers N [--out-dir DIR]     (2 <= T <= N: RFC 9591's min_signers)\n"
          "        writes DIR/key-package-<id>.json (SECRET, 0600) for ids 1..N and DIR/public-key-package.json;\n"
          "        prints the group verifying key (hex)\n"
          "Distributed key generation (each participant runs each part):\n"
          "  dkg part1 --id I --threshold T --signers N --secret-out F [--out F]\n"
          "        round-1 package (public, broadcast) to --out or stdout; part-1 secret to F (0600)\n"
          "  dkg part2 --secret F --round1 FILES... --secret-out F2 [--out-dir DIR]\n"
          "        checks every proof of knowledge; writes DIR/round2-from-<I>-to-<J>.json for each peer J\n"
          "        (SECRET: deliver over a confidential channel) and the part-2 secret to F2 (0600).\n"
          "        Your own round-1 package may be among FILES; it is skipped.\n"
          "  dkg part3 --secret F2 --round1 FILES... --round2 FILES... --key-out F --public-out F\n"
          "        the round-2 FILES are the packages addressed to you; writes your key package (0600) and the\n"
          "        public key package; prints the group verifying key\n"
          "Signing:\n"
          "  commit --key F --nonces-out F [--out F]\n"
          "        round 1: nonces (SECRET, single use) to F (0600); commitments to --out or stdout\n"
          "  package (--message HEX | --message-file F) --commitments FILES... [--out F]\n"
          "        the coordinator's signing package (>= T signers' commitments)\n"
          "  sign --key F --nonces F --package F [--out F]\n"
          "        round 2: signature share to --out or stdout; the nonce file is wiped and marked used\n"
          "        before signing, and a used nonce file is refused\n"
          "  aggregate --package F --shares FILES... --public F [--out F]\n"
          "        signature JSON {\"sig\":HEX} to --out or stdout; invalid shares are named (exit 3)\n"
          "  verify (--public-key HEX | --public F) (--message HEX | --message-file F) --signature HEX|F\n"
          "        checks an Ed25519 signature (RFC 8032 as libsodium, and ZIP-215); F is signature JSON\n"
          "\n"
          "FILE \"-\" is stdin/stdout (never for secret outputs). Existing output files are refused unless\n"
          "--force; a missing --out-dir DIR is created (0700). Exit status: 0 ok, 1 bad input or failed check,\n"
          "2 usage, 3 misbehaving participants named. tss-frost --version prints the version.\n",
          out);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return CLI_OK;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        printf("tss-frost %s\n", TSS_VERSION);
        return CLI_OK;
    }
    if (tss_init() != TSS_OK)
        return cli_error(CLI_FAIL, "cannot initialise libsodium");
    json_set_alloc_funcs(malloc, wiping_free);
    static const struct {
        const char *name;
        int (*run)(int, char **);
    } cmds[] = {
        {"dealer", cli_cmd_dealer},   {"dkg", cli_cmd_dkg},           {"commit", cli_cmd_commit},
        {"sign", cli_cmd_sign},       {"package", cli_cmd_package},   {"aggregate", cli_cmd_aggregate},
        {"verify", cli_cmd_verify},
    };
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (strcmp(cmd, cmds[i].name) == 0)
            return cmds[i].run(argc - 2, argv + 2);
    cli_error(CLI_USAGE, "unknown command '%s'", cmd);
    usage(stderr);
    return CLI_USAGE;
}
