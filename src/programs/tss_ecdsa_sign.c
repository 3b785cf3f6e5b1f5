/* tss-ecdsa presign round1|round2|finish, sign, combine, verify, address, digest. */
#include "src/programs/tss_ecdsa_cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#define MAXP TSS_ECDSA_MAX_PARTIES

static void print_hex(const char *label, const uint8_t *p, size_t n)
{
    char hex[2 * 65 + 1];
    sodium_bin2hex(hex, sizeof hex, p, n);
    printf("%s: %s\n", label, hex);
}

static int load_msgs(const char *const *files, int nf, uint32_t me, tss_ecdsa_type type, void *buf, size_t size,
                     size_t *n)
{
    *n = 0;
    for (int i = 0; i < nf; i++) {
        char t[64];
        uint32_t from, to;
        int ex = ecli_peek(files[i], t, sizeof t, &from, &to);
        if (ex) return ex;
        if (strcmp(t, tss_ecdsa_type_name(type)) != 0)
            return ecli_error(EX_INPUT, "%s: expected a %s, not '%s'", files[i], tss_ecdsa_type_name(type), t);
        if (to != me) continue;
        if (*n == MAXP) return ecli_error(EX_INPUT, "too many messages");
        if ((ex = ecli_load(type, (uint8_t *)buf + *n * size, files[i]))) return ex;
        (*n)++;
    }
    return EX_OK;
}

static int presign_round1(int argc, char **argv)
{
    static const char *const allowed[] = {"key", "signers", "session", "state-out", "out-dir", "force", NULL};
    ecli_opts o;
    int ex = ecli_parse(&o, argc, argv, allowed, "presign round1");
    if (ex) return ex;
    uint8_t sid[32];
    uint32_t signers[MAXP], ns;
    const char *key = ecli_get(&o, "key"), *state_out = ecli_get(&o, "state-out"), *dir = ecli_get(&o, "out-dir");
    if (!key || !state_out || !dir || ecli_hex_exact(sid, 32, ecli_get(&o, "session")) != 0 ||
        ecli_parse_list(ecli_get(&o, "signers"), signers, MAXP, &ns) != 0)
        return ecli_error(EX_USAGE, "presign round1: needs --key F --signers I,J,... --session HEX64 --state-out F --out-dir D");
    int force = ecli_get(&o, "force") != NULL;
    ecli_key *k = sodium_malloc(sizeof *k);
    tss_ecdsa_presign_state *st = sodium_malloc(sizeof *st);
    tss_ecdsa_presign_msg1 *m = calloc(MAXP, sizeof *m);
    if ((ex = ecli_key_load(k, key))) goto out;
    int rc = tss_ecdsa_presign_round1(st, m, &k->share, k->pairs, k->n_pairs, signers, ns, sid);
    if (rc != TSS_OK) { ex = ecli_error(rc == TSS_ERR_CRYPTO ? EX_INPUT : EX_USAGE, "presign round1: %s", tss_status_str(rc)); goto out; }
    if ((ex = ecli_save(TSS_ECDSA_PRESIGN_STATE, st, state_out, 1, force))) goto out;
    for (uint32_t i = 0; i + 1 < ns && !ex; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/pre1-from-%u-to-%u.json", dir, m[i].from, m[i].to);
        ex = ecli_save(TSS_ECDSA_PRESIGN_MSG1, &m[i], path, 0, force);
    }
out:
    sodium_free(k);
    sodium_free(st);
    free(m);
    return ex;
}

static int presign_round2(int argc, char **argv)
{
    static const char *const allowed[] = {"key", "state", "in", "state-out", "out-dir", "force", NULL};
    ecli_opts o;
    int ex = ecli_parse(&o, argc, argv, allowed, "presign round2"), nf;
    if (ex) return ex;
    const char **files = ecli_list(&o, "in", &nf);
    const char *key = ecli_get(&o, "key"), *state = ecli_get(&o, "state"), *state_out = ecli_get(&o, "state-out"),
               *dir = ecli_get(&o, "out-dir");
    if (!files || !key || !state || !state_out || !dir)
        return ecli_error(EX_USAGE, "presign round2: needs --key F --state F --in FILES... --state-out F --out-dir D");
    int force = ecli_get(&o, "force") != NULL;
    ecli_key *k = sodium_malloc(sizeof *k);
    tss_ecdsa_presign_state *st = sodium_malloc(sizeof *st);
    tss_ecdsa_presign_msg1 *in = calloc(MAXP, sizeof *in);
    tss_ecdsa_presign_msg2 *out = calloc(MAXP, sizeof *out);
    size_t n;
    uint32_t culprit = 0;
    if ((ex = ecli_key_load(k, key)) || (ex = ecli_load(TSS_ECDSA_PRESIGN_STATE, st, state))) goto done;
    if ((ex = load_msgs(files, nf, st->self, TSS_ECDSA_PRESIGN_MSG1, in, sizeof *in, &n))) goto done;
    uint32_t np = st->n_signers - 1;
    int rc = tss_ecdsa_presign_round2(st, out, &k->share, k->pairs, k->n_pairs, in, n, &culprit);
    if (rc != TSS_OK) { ex = ecli_fail("presign round2", rc, culprit); goto done; }
    if ((ex = ecli_save(TSS_ECDSA_PRESIGN_STATE, st, state_out, 1, force))) goto done;
    for (uint32_t i = 0; i < np && !ex; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/pre2-from-%u-to-%u.json", dir, out[i].from, out[i].to);
        ex = ecli_save(TSS_ECDSA_PRESIGN_MSG2, &out[i], path, 0, force);
    }
done:
    sodium_free(k);
    sodium_free(st);
    free(in);
    free(out);
    return ex;
}

static int presign_finish(int argc, char **argv)
{
    static const char *const allowed[] = {"key", "state", "in", "presig-out", "force", NULL};
    ecli_opts o;
    int ex = ecli_parse(&o, argc, argv, allowed, "presign finish"), nf;
    if (ex) return ex;
    const char **files = ecli_list(&o, "in", &nf);
    const char *key = ecli_get(&o, "key"), *state = ecli_get(&o, "state"), *pout = ecli_get(&o, "presig-out");
    if (!files || !key || !state || !pout)
        return ecli_error(EX_USAGE, "presign finish: needs --key F --state F --in FILES... --presig-out F");
    ecli_key *k = sodium_malloc(sizeof *k);
    tss_ecdsa_presign_state *st = sodium_malloc(sizeof *st);
    tss_ecdsa_presignature *pre = sodium_malloc(sizeof *pre);
    tss_ecdsa_presign_msg2 *in = calloc(MAXP, sizeof *in);
    size_t n;
    uint32_t culprit = 0;
    if ((ex = ecli_key_load(k, key)) || (ex = ecli_load(TSS_ECDSA_PRESIGN_STATE, st, state))) goto done;
    if ((ex = load_msgs(files, nf, st->self, TSS_ECDSA_PRESIGN_MSG2, in, sizeof *in, &n))) goto done;
    int rc = tss_ecdsa_presign_finish(st, pre, &k->share, k->pairs, k->n_pairs, in, n, &culprit);
    if (rc != TSS_OK) { ex = ecli_fail("presign finish", rc, culprit); goto done; }
    if ((ex = ecli_save(TSS_ECDSA_PRESIGNATURE, pre, pout, 1, ecli_get(&o, "force") != NULL))) goto done;
    print_hex("R", pre->pub.R, 33);
done:
    sodium_free(k);
    sodium_free(st);
    sodium_free(pre);
    free(in);
    return ex;
}

int ecli_cmd_presign(int argc, char **argv)
{
    if (argc < 1) return ecli_error(EX_USAGE, "presign: round1 | round2 | finish");
    if (strcmp(argv[0], "round1") == 0) return presign_round1(argc - 1, argv + 1);
    if (strcmp(argv[0], "round2") == 0) return presign_round2(argc - 1, argv + 1);
    if (strcmp(argv[0], "finish") == 0) return presign_finish(argc - 1, argv + 1);
    return ecli_error(EX_USAGE, "presign: unknown step '%s'", argv[0]);
}

int ecli_cmd_sign(int argc, char **argv)
{
    static const char *const allowed[] = {"presig", "digest", "message-file", "hash", "out", "public-out", "force", NULL};
    ecli_opts o;
    int ex = ecli_parse(&o, argc, argv, allowed, "sign");
    if (ex) return ex;
    const char *pf = ecli_get(&o, "presig"), *out = ecli_get(&o, "out"), *pub_out = ecli_get(&o, "public-out");
    if (!pf || !out) return ecli_error(EX_USAGE, "sign: needs --presig F (--digest HEX | --message-file F --hash H) --out F");
    uint8_t digest[32];
    if ((ex = ecli_digest(&o, digest))) return ex;
    int force = ecli_get(&o, "force") != NULL;
    tss_ecdsa_presignature *pre = sodium_malloc(sizeof *pre);
    tss_ecdsa_sig_share share;
    tss_ecdsa_presig_public pub;
    size_t len = 0;
    char *text = ecli_read(pf, &len);
    if (!text) { sodium_free(pre); return EX_INPUT; }
    int used = strstr(text, "\"presignature_used\":true") != NULL;
    int rc = used ? TSS_ERR_PRESIG_USED : tss_ecdsa_from_json(TSS_ECDSA_PRESIGNATURE, pre, text, len);
    ecli_free_text(text, len);
    if (rc != TSS_OK) {
        sodium_free(pre);
        return ecli_error(EX_INPUT, "%s: %s", pf, rc == TSS_ERR_PRESIG_USED ? "presignature already used" : "not a valid presignature");
    }
    /* consumed durably before the share exists: the file is replaced (fsync'd) first */
    static const char USED[] = "{\"type\":\"presignature\",\"presignature_used\":true}";
    if ((ex = ecli_write(pf, USED, sizeof USED - 1, 0, 1))) { sodium_free(pre); return ex; }
    rc = tss_ecdsa_sign_online(pre, digest, &share, &pub);
    sodium_free(pre);
    if (rc != TSS_OK) return ecli_fail("sign", rc, 0);
    if ((ex = ecli_save(TSS_ECDSA_SIG_SHARE, &share, out, 0, force))) return ex;
    if (pub_out) ex = ecli_save(TSS_ECDSA_PRESIG_PUBLIC, &pub, pub_out, 0, force);
    return ex;
}

static void print_signature(const tss_ecdsa_signature *sig, const uint8_t *group_key)
{
    print_hex("r", sig->r, 32);
    print_hex("s", sig->s, 32);
    printf("v: %u (EVM: %u)\n", sig->v, 27u + sig->v);
    if (group_key) {
        uint8_t addr[20];
        char ah[43];
        if (tss_ecdsa_eth_address(addr, group_key) == TSS_OK) {
            tss_ecdsa_eth_address_hex(ah, addr);
            printf("address: %s\n", ah);
        }
    }
}

int ecli_cmd_combine(int argc, char **argv)
{
    static const char *const allowed[] = {"public", "shares", "digest", "message-file", "hash", "out", "force", NULL};
    ecli_opts o;
    int ex = ecli_parse(&o, argc, argv, allowed, "combine"), nf;
    if (ex) return ex;
    const char **files = ecli_list(&o, "shares", &nf);
    const char *pf = ecli_get(&o, "public"), *out = ecli_get(&o, "out");
    if (!files || !pf || !out) return ecli_error(EX_USAGE, "combine: needs --public F --shares FILES... --digest|--message-file --out F");
    uint8_t digest[32];
    if ((ex = ecli_digest(&o, digest))) return ex;
    tss_ecdsa_presig_public pub;
    tss_ecdsa_sig_share sh[MAXP];
    tss_ecdsa_signature sig;
    if ((ex = ecli_load(TSS_ECDSA_PRESIG_PUBLIC, &pub, pf))) return ex;
    if (nf > MAXP) return ecli_error(EX_INPUT, "combine: too many shares");
    for (int i = 0; i < nf; i++)
        if ((ex = ecli_load(TSS_ECDSA_SIG_SHARE, &sh[i], files[i]))) return ex;
    uint32_t culprit = 0;
    int rc = tss_ecdsa_combine(&sig, &pub, digest, sh, (size_t)nf, &culprit);
    if (rc != TSS_OK) return ecli_fail("combine", rc, culprit);
    if ((ex = ecli_save(TSS_ECDSA_SIGNATURE, &sig, out, 0, ecli_get(&o, "force") != NULL))) return ex;
    print_signature(&sig, pub.group_key);
    return EX_OK;
}

static int public_key_of(const ecli_opts *o, uint8_t pk[33])
{
    const char *hex = ecli_get(o, "public-key"), *key = ecli_get(o, "key");
    if ((hex != NULL) == (key != NULL)) return ecli_error(EX_USAGE, "give one of --public-key HEX66 or --key F");
    if (hex) return ecli_hex_exact(pk, 33, hex) == 0 ? EX_OK : ecli_error(EX_INPUT, "--public-key: expected 66 hex digits");
    ecli_key *k = sodium_malloc(sizeof *k);
    int ex = ecli_key_load(k, key);
    if (!ex) memcpy(pk, k->share.group_key, 33);
    sodium_free(k);
    return ex;
}

int ecli_cmd_verify(int argc, char **argv)
{
    static const char *const allowed[] = {"signature", "public-key", "key", "digest", "message-file", "hash", NULL};
    ecli_opts o;
    int ex = ecli_parse(&o, argc, argv, allowed, "verify");
    if (ex) return ex;
    uint8_t pk[33], digest[32];
    tss_ecdsa_signature sig;
    if (!ecli_get(&o, "signature")) return ecli_error(EX_USAGE, "verify: needs --signature F");
    if ((ex = public_key_of(&o, pk)) || (ex = ecli_digest(&o, digest))) return ex;
    if ((ex = ecli_load(TSS_ECDSA_SIGNATURE, &sig, ecli_get(&o, "signature")))) return ex;
    int rc = tss_ecdsa_verify(&sig, digest, pk);
    if (rc != TSS_OK) return ecli_error(EX_INPUT, "verify: %s", tss_status_str(rc));
    printf("signature valid (libsecp256k1 verify and recovery to the key)\n");
    return EX_OK;
}

int ecli_cmd_address(int argc, char **argv)
{
    static const char *const allowed[] = {"public-key", "key", NULL};
    ecli_opts o;
    int ex = ecli_parse(&o, argc, argv, allowed, "address");
    if (ex) return ex;
    uint8_t pk[33], addr[20];
    char ah[43];
    if ((ex = public_key_of(&o, pk))) return ex;
    if (tss_ecdsa_eth_address(addr, pk) != TSS_OK) return ecli_error(EX_INPUT, "not a valid secp256k1 public key");
    tss_ecdsa_eth_address_hex(ah, addr);
    printf("%s\n", ah);
    return EX_OK;
}

int ecli_cmd_public(int argc, char **argv)
{
    static const char *const allowed[] = {"key", "out", "force", NULL};
    ecli_opts o;
    int ex = ecli_parse(&o, argc, argv, allowed, "public");
    if (ex) return ex;
    if (!ecli_get(&o, "key") || !ecli_get(&o, "out")) return ecli_error(EX_USAGE, "public: needs --key F --out F");
    ecli_key *k = sodium_malloc(sizeof *k);
    if (!(ex = ecli_key_load(k, ecli_get(&o, "key")))) {
        sodium_memzero(k->share.secret_share, sizeof k->share.secret_share);
        sodium_memzero(k->share.zero_seeds, sizeof k->share.zero_seeds);
        ex = ecli_save(TSS_ECDSA_KEY_SHARE, &k->share, ecli_get(&o, "out"), 0, ecli_get(&o, "force") != NULL);
    }
    sodium_free(k);
    return ex;
}

int ecli_cmd_digest(int argc, char **argv)
{
    static const char *const allowed[] = {"message-file", "hash", NULL};
    ecli_opts o;
    int ex = ecli_parse(&o, argc, argv, allowed, "digest");
    if (ex) return ex;
    uint8_t d[32];
    if ((ex = ecli_digest(&o, d))) return ex;
    char hex[65];
    sodium_bin2hex(hex, sizeof hex, d, 32);
    printf("%s\n", hex);
    return EX_OK;
}
