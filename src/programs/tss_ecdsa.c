/* tss-ecdsa: threshold ECDSA (DKLs23, secp256k1) ceremony CLI over JSON files, one party and one step at a
 * time (docs/ecdsa-cli.md). */
#include <stdio.h>
#include <string.h>
#include <sodium.h>

#include "src/programs/tss_ecdsa_cli.h"

static const char HELP[] =
    "tss-ecdsa: threshold ECDSA on secp256k1 (DKLs23), one party and one step at a time (docs/ecdsa-cli.md)\n"
    "\n"
    "  dkg round1 --index I --signers N --threshold T --session HEX64 --state-out F --out-dir D\n"
    "  dkg round2 --state F --in FILES... --state-out F --out-dir D\n"
    "  dkg finish --state F --in FILES... --key-out KEY\n"
    "  refresh round1 (--key KEY | --provisional F) --session HEX64 --state-out F --out-dir D\n"
    "                 (then dkg round2 and dkg finish, as for a DKG)\n"
    "  reshare deal --key KEY --dealers I,J,... --signers N' --threshold T' --session HEX64 --out-dir D\n"
    "  reshare receive --old-public PUB --dealers I,J,... --index J --signers N' --threshold T' --session HEX64\n"
    "                  --in FILES... --key-out PROVISIONAL    (then refresh round1 --provisional ...)\n"
    "  public --key KEY --out PUB    (the key's public part, for new members of a reshare)\n"
    "  presign round1 --key KEY --signers I,J,... --session HEX64 --state-out F --out-dir D\n"
    "  presign round2 --key KEY --state F --in FILES... --state-out F --out-dir D\n"
    "  presign finish --key KEY --state F --in FILES... --presig-out PRESIG\n"
    "  sign --presig PRESIG (--digest HEX64 | --message-file F --hash keccak256|sha256) --out SHARE [--public-out PUB]\n"
    "  combine --public PUB --shares FILES... (--digest HEX64 | --message-file F --hash H) --out SIG\n"
    "  verify --signature SIG (--public-key HEX66 | --key KEY) (--digest HEX64 | --message-file F --hash H)\n"
    "  address (--public-key HEX66 | --key KEY)\n"
    "  digest --message-file F --hash keccak256|sha256\n"
    "\n"
    "Files are JSON (tss/ecdsa.h encodings). Secret files (keys, states, presignatures, DKG round-2 messages)\n"
    "are created with mode 0600; nothing is overwritten without --force. A presignature file is replaced by a\n"
    "'used' marker (fsync'd) before the signature share is written; a used one is refused.\n"
    "Exit: 0 ok, 1 bad input or failed check, 2 usage, 3 misbehaving party (\"culprit: party J\" on stderr,\n"
    "and \"ban: party J\" for an OT/multiplication check failure: never sign with it again on this key).\n";

int main(int argc, char **argv)
{
    if (tss_init() != TSS_OK) return ecli_error(EX_INPUT, "libsodium initialisation failed");
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(HELP, argc < 2 ? stderr : stdout);
        return argc < 2 ? EX_USAGE : EX_OK;
    }
    const char *cmd = argv[1];
    int sub = argc - 2;
    char **sargv = argv + 2;
    if (strcmp(cmd, "dkg") == 0) return ecli_cmd_dkg(sub, sargv);
    if (strcmp(cmd, "refresh") == 0) return ecli_cmd_refresh(sub, sargv);
    if (strcmp(cmd, "presign") == 0) return ecli_cmd_presign(sub, sargv);
    if (strcmp(cmd, "sign") == 0) return ecli_cmd_sign(sub, sargv);
    if (strcmp(cmd, "combine") == 0) return ecli_cmd_combine(sub, sargv);
    if (strcmp(cmd, "verify") == 0) return ecli_cmd_verify(sub, sargv);
    if (strcmp(cmd, "address") == 0) return ecli_cmd_address(sub, sargv);
    if (strcmp(cmd, "digest") == 0) return ecli_cmd_digest(sub, sargv);
    if (strcmp(cmd, "reshare") == 0) return ecli_cmd_reshare(sub, sargv);
    if (strcmp(cmd, "public") == 0) return ecli_cmd_public(sub, sargv);
    return ecli_error(EX_USAGE, "unknown command '%s' (see tss-ecdsa --help)", cmd);
}
