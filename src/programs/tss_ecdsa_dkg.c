/* tss-ecdsa dkg round1|round2|finish and refresh round1 (the refresh continues with dkg round2/finish). */
#include "src/programs/tss_ecdsa_cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#define MAXP TSS_ECDSA_MAX_PARTIES

static int write_round1(const tss_ecdsa_dkg_state *st, const tss_ecdsa_dkg_bcast1 *b, const tss_ecdsa_dkg_p2p1 *p,
                        const char *dir, int force)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/dkg1-from-%u.json", dir, st->index);
    int ex = ecli_save(TSS_ECDSA_DKG_BCAST1, b, path, 0, force);
    for (uint32_t k = 0; ex == EX_OK && k + 1 < st->n; k++) {
        snprintf(path, sizeof path, "%s/dkg1-from-%u-to-%u.json", dir, p[k].from, p[k].to);
        ex = ecli_save(TSS_ECDSA_DKG_P2P1, &p[k], path, 0, force);
    }
    return ex;
}

static int dkg_round1(int argc, char **argv, int refresh)
{
    static const char *const allowed[] = {"index", "signers", "threshold", "session", "state-out", "out-dir", "force",
                                          "key", "provisional", NULL};
    const char *cmd = refresh ? "refresh round1" : "dkg round1";
    ecli_opts o;
    int ex = ecli_parse(&o, argc, argv, allowed, cmd);
    if (ex) return ex;
    uint8_t sid[32];
    const char *state_out = ecli_get(&o, "state-out"), *dir = ecli_get(&o, "out-dir");
    if (!state_out || !dir || ecli_hex_exact(sid, 32, ecli_get(&o, "session")) != 0)
        return ecli_error(EX_USAGE, "%s: needs --session HEX64 --state-out FILE --out-dir DIR", cmd);
    int force = ecli_get(&o, "force") != NULL;
    tss_ecdsa_dkg_state *st = sodium_malloc(sizeof *st);
    tss_ecdsa_dkg_p2p1 *p = calloc(MAXP, sizeof *p);
    tss_ecdsa_dkg_bcast1 b;
    int rc;
    if (refresh) {
        ecli_key *k = sodium_malloc(sizeof *k);
        const char *kf = ecli_get(&o, "key"), *pf = ecli_get(&o, "provisional");
        if ((kf != NULL) == (pf != NULL)) {
            ex = ecli_error(EX_USAGE, "%s: needs --key FILE (or --provisional FILE after a reshare)", cmd);
            goto out_k;
        }
        if ((ex = kf ? ecli_key_load(k, kf) : ecli_load(TSS_ECDSA_KEY_SHARE, &k->share, pf)) != EX_OK) goto out_k;
        rc = tss_ecdsa_refresh_round1(st, &b, p, sid, &k->share);
        if (rc != TSS_OK) ex = ecli_fail(cmd, rc, 0);
    out_k:
        sodium_free(k);
        if (ex) goto out;
    } else {
        uint32_t i, n, t;
        if (ecli_parse_u32(ecli_get(&o, "index"), &i) || ecli_parse_u32(ecli_get(&o, "signers"), &n) ||
            ecli_parse_u32(ecli_get(&o, "threshold"), &t)) {
            ex = ecli_error(EX_USAGE, "%s: needs --index I --signers N --threshold T", cmd);
            goto out;
        }
        rc = tss_ecdsa_dkg_round1(st, &b, p, sid, i, n, t);
        if (rc != TSS_OK) { ex = rc == TSS_ERR_CRYPTO ? ecli_fail(cmd, rc, 0) : ecli_error(EX_USAGE, "%s: %s", cmd, tss_status_str(rc)); goto out; }
    }
    ex = ecli_save(TSS_ECDSA_DKG_STATE, st, state_out, 1, force);
    if (!ex) ex = write_round1(st, &b, p, dir, force);
out:
    sodium_free(st);
    free(p);
    return ex;
}

/* Collects from `files` the messages of the two types for party `me` (broadcasts from others, p2p to me). */
static int collect(const char *const *files, int nf, uint32_t me, tss_ecdsa_type tb, void *bufb, size_t sb,
                   tss_ecdsa_type tp, void *bufp, size_t sp, size_t *nb, size_t *np)
{
    *nb = *np = 0;
    for (int i = 0; i < nf; i++) {
        char type[64];
        uint32_t from, to;
        int ex = ecli_peek(files[i], type, sizeof type, &from, &to);
        if (ex) return ex;
        if (from == me) continue;  /* our own messages may be passed along */
        if (strcmp(type, tss_ecdsa_type_name(tb)) == 0) {
            if (*nb == MAXP) return ecli_error(EX_INPUT, "too many messages");
            if ((ex = ecli_load(tb, (uint8_t *)bufb + *nb * sb, files[i]))) return ex;
            (*nb)++;
        } else if (strcmp(type, tss_ecdsa_type_name(tp)) == 0) {
            if (to != me) continue;  /* addressed to someone else */
            if (*np == MAXP) return ecli_error(EX_INPUT, "too many messages");
            if ((ex = ecli_load(tp, (uint8_t *)bufp + *np * sp, files[i]))) return ex;
            (*np)++;
        } else {
            return ecli_error(EX_INPUT, "%s: unexpected message type '%s'", files[i], type);
        }
    }
    return EX_OK;
}

static int dkg_round2(int argc, char **argv)
{
    static const char *const allowed[] = {"state", "in", "state-out", "out-dir", "force", NULL};
    ecli_opts o;
    int ex = ecli_parse(&o, argc, argv, allowed, "dkg round2"), nf;
    if (ex) return ex;
    const char **files = ecli_list(&o, "in", &nf);
    const char *state = ecli_get(&o, "state"), *state_out = ecli_get(&o, "state-out"), *dir = ecli_get(&o, "out-dir");
    if (!files || !state || !state_out || !dir)
        return ecli_error(EX_USAGE, "dkg round2: needs --state F --in FILES... --state-out F --out-dir DIR");
    int force = ecli_get(&o, "force") != NULL;
    tss_ecdsa_dkg_state *st = sodium_malloc(sizeof *st);
    tss_ecdsa_dkg_bcast1 *ib = calloc(MAXP, sizeof *ib);
    tss_ecdsa_dkg_p2p1 *ip = calloc(MAXP, sizeof *ip);
    tss_ecdsa_dkg_bcast2 *b2 = calloc(1, sizeof *b2);
    tss_ecdsa_dkg_p2p2 *p2 = sodium_allocarray(MAXP, sizeof *p2);
    size_t nb, np;
    uint32_t culprit = 0;
    if ((ex = ecli_load(TSS_ECDSA_DKG_STATE, st, state))) goto out;
    if ((ex = collect(files, nf, st->index, TSS_ECDSA_DKG_BCAST1, ib, sizeof *ib, TSS_ECDSA_DKG_P2P1, ip, sizeof *ip,
                      &nb, &np)))
        goto out;
    if (nb != np) { ex = ecli_error(EX_INPUT, "dkg round2: %zu broadcasts but %zu messages to party %u", nb, np, st->index); goto out; }
    int rc = tss_ecdsa_dkg_round2(st, b2, p2, ib, ip, nb, &culprit);
    if (rc != TSS_OK) { ex = ecli_fail("dkg round2", rc, culprit); goto out; }
    if ((ex = ecli_save(TSS_ECDSA_DKG_STATE, st, state_out, 1, force))) goto out;
    char path[4096];
    snprintf(path, sizeof path, "%s/dkg2-from-%u.json", dir, st->index);
    if ((ex = ecli_save(TSS_ECDSA_DKG_BCAST2, b2, path, 0, force))) goto out;
    for (uint32_t k = 0; k + 1 < st->n && !ex; k++) {
        snprintf(path, sizeof path, "%s/dkg2-from-%u-to-%u.json", dir, p2[k].from, p2[k].to);
        ex = ecli_save(TSS_ECDSA_DKG_P2P2, &p2[k], path, 1, force);
    }
out:
    sodium_free(st);
    sodium_free(p2);
    free(ib);
    free(ip);
    free(b2);
    return ex;
}

static int dkg_finish(int argc, char **argv)
{
    static const char *const allowed[] = {"state", "in", "key-out", "force", NULL};
    ecli_opts o;
    int ex = ecli_parse(&o, argc, argv, allowed, "dkg finish"), nf;
    if (ex) return ex;
    const char **files = ecli_list(&o, "in", &nf);
    const char *state = ecli_get(&o, "state"), *key_out = ecli_get(&o, "key-out");
    if (!files || !state || !key_out) return ecli_error(EX_USAGE, "dkg finish: needs --state F --in FILES... --key-out F");
    tss_ecdsa_dkg_state *st = sodium_malloc(sizeof *st);
    tss_ecdsa_dkg_bcast2 *ib = calloc(MAXP, sizeof *ib);
    tss_ecdsa_dkg_p2p2 *ip = sodium_allocarray(MAXP, sizeof *ip);
    ecli_key *k = sodium_malloc(sizeof *k);
    size_t nb, np;
    uint32_t culprit = 0;
    if ((ex = ecli_load(TSS_ECDSA_DKG_STATE, st, state))) goto out;
    if ((ex = collect(files, nf, st->index, TSS_ECDSA_DKG_BCAST2, ib, sizeof *ib, TSS_ECDSA_DKG_P2P2, ip, sizeof *ip,
                      &nb, &np)))
        goto out;
    if (nb != np) { ex = ecli_error(EX_INPUT, "dkg finish: %zu broadcasts but %zu messages to party %u", nb, np, st->index); goto out; }
    uint32_t n = st->n;
    memset(k, 0, sizeof *k);
    int rc = tss_ecdsa_dkg_finish(st, &k->share, k->pairs, ib, ip, nb, &culprit);
    if (rc != TSS_OK) { ex = ecli_fail("dkg finish", rc, culprit); goto out; }
    k->n_pairs = n - 1;
    if ((ex = ecli_key_save(k, key_out, ecli_get(&o, "force") != NULL))) goto out;
    uint8_t addr[20];
    char hex[67], ah[43];
    sodium_bin2hex(hex, sizeof hex, k->share.group_key, 33);
    if (tss_ecdsa_eth_address(addr, k->share.group_key) == TSS_OK)
        tss_ecdsa_eth_address_hex(ah, addr);
    else
        snprintf(ah, sizeof ah, "(invalid group key)");
    printf("group key: %s\naddress: %s\nepoch: %u\n", hex, ah, k->share.epoch);
out:
    sodium_free(st);
    sodium_free(ip);
    sodium_free(k);
    free(ib);
    return ex;
}

int ecli_cmd_dkg(int argc, char **argv)
{
    if (argc < 1) return ecli_error(EX_USAGE, "dkg: round1 | round2 | finish");
    if (strcmp(argv[0], "round1") == 0) return dkg_round1(argc - 1, argv + 1, 0);
    if (strcmp(argv[0], "round2") == 0) return dkg_round2(argc - 1, argv + 1);
    if (strcmp(argv[0], "finish") == 0) return dkg_finish(argc - 1, argv + 1);
    return ecli_error(EX_USAGE, "dkg: unknown step '%s'", argv[0]);
}

int ecli_cmd_refresh(int argc, char **argv)
{
    if (argc < 1 || strcmp(argv[0], "round1") != 0)
        return ecli_error(EX_USAGE, "refresh: round1 (then dkg round2 and dkg finish)");
    return dkg_round1(argc - 1, argv + 1, 1);
}

/* reshare deal: an old holder deals to the new parties 1..N. */
static int reshare_deal(int argc, char **argv)
{
    static const char *const allowed[] = {"key", "dealers", "signers", "threshold", "session", "out-dir", "force", NULL};
    ecli_opts o;
    int ex = ecli_parse(&o, argc, argv, allowed, "reshare deal");
    if (ex) return ex;
    uint8_t sid[32];
    uint32_t dealers[MAXP], nd, n, t;
    const char *key = ecli_get(&o, "key"), *dir = ecli_get(&o, "out-dir");
    if (!key || !dir || ecli_hex_exact(sid, 32, ecli_get(&o, "session")) != 0 ||
        ecli_parse_list(ecli_get(&o, "dealers"), dealers, MAXP, &nd) != 0 || ecli_parse_u32(ecli_get(&o, "signers"), &n) ||
        ecli_parse_u32(ecli_get(&o, "threshold"), &t))
        return ecli_error(EX_USAGE, "reshare deal: needs --key F --dealers I,J,... --signers N --threshold T --session HEX64 --out-dir D");
    int force = ecli_get(&o, "force") != NULL;
    ecli_key *k = sodium_malloc(sizeof *k);
    tss_ecdsa_reshare_p2p *p = sodium_allocarray(MAXP, sizeof *p);
    tss_ecdsa_reshare_bcast b;
    if ((ex = ecli_key_load(k, key))) goto out;
    int rc = tss_ecdsa_reshare_deal(&b, p, &k->share, dealers, nd, n, t, sid);
    if (rc != TSS_OK) { ex = ecli_error(EX_USAGE, "reshare deal: %s", tss_status_str(rc)); goto out; }
    char path[4096];
    snprintf(path, sizeof path, "%s/reshare-from-%u.json", dir, b.from);
    ex = ecli_save(TSS_ECDSA_RESHARE_BCAST, &b, path, 0, force);
    for (uint32_t j = 0; j < n && !ex; j++) {
        snprintf(path, sizeof path, "%s/reshare-from-%u-to-%u.json", dir, p[j].from, p[j].to);
        ex = ecli_save(TSS_ECDSA_RESHARE_P2P, &p[j], path, 1, force);
    }
out:
    sodium_free(k);
    sodium_free(p);
    return ex;
}

/* reshare receive: a new party checks the dealings and writes its provisional key (then refresh round1). */
static int reshare_receive(int argc, char **argv)
{
    static const char *const allowed[] = {"old-public", "dealers", "index", "signers", "threshold", "session", "in",
                                          "key-out", "force", NULL};
    ecli_opts o;
    int ex = ecli_parse(&o, argc, argv, allowed, "reshare receive"), nf;
    if (ex) return ex;
    uint8_t sid[32];
    uint32_t dealers[MAXP], nd, n, t, idx;
    const char **files = ecli_list(&o, "in", &nf);
    const char *oldp = ecli_get(&o, "old-public"), *key_out = ecli_get(&o, "key-out");
    if (!files || !oldp || !key_out || ecli_hex_exact(sid, 32, ecli_get(&o, "session")) != 0 ||
        ecli_parse_list(ecli_get(&o, "dealers"), dealers, MAXP, &nd) != 0 || ecli_parse_u32(ecli_get(&o, "index"), &idx) ||
        ecli_parse_u32(ecli_get(&o, "signers"), &n) || ecli_parse_u32(ecli_get(&o, "threshold"), &t))
        return ecli_error(EX_USAGE, "reshare receive: needs --old-public F --dealers I,J,.. --index J --signers N "
                                    "--threshold T --session HEX64 --in FILES... --key-out F");
    tss_ecdsa_key_share *old = sodium_malloc(sizeof *old);
    ecli_key *k = sodium_malloc(sizeof *k);
    tss_ecdsa_reshare_bcast *b = calloc(MAXP, sizeof *b);
    tss_ecdsa_reshare_p2p *p = sodium_allocarray(MAXP, sizeof *p);
    size_t nb = 0, np = 0;
    uint32_t culprit = 0;
    memset(k, 0, sizeof *k);
    if ((ex = ecli_load(TSS_ECDSA_KEY_SHARE, old, oldp))) goto out;
    for (int i = 0; i < nf && !ex; i++) {
        char type[64];
        uint32_t from, to;
        if ((ex = ecli_peek(files[i], type, sizeof type, &from, &to))) break;
        if (strcmp(type, "reshare-bcast") == 0 && nb < MAXP) ex = ecli_load(TSS_ECDSA_RESHARE_BCAST, &b[nb++], files[i]);
        else if (strcmp(type, "reshare-p2p") == 0 && to == idx && np < MAXP) ex = ecli_load(TSS_ECDSA_RESHARE_P2P, &p[np++], files[i]);
        else if (strcmp(type, "reshare-p2p") != 0) ex = ecli_error(EX_INPUT, "%s: unexpected message type '%s'", files[i], type);
    }
    if (ex) goto out;
    if (nb != np) { ex = ecli_error(EX_INPUT, "reshare receive: %zu dealings but %zu shares", nb, np); goto out; }
    int rc = tss_ecdsa_reshare_receive(&k->share, old, dealers, nd, b, p, nb, idx, n, t, sid, &culprit);
    if (rc != TSS_OK) { ex = ecli_fail("reshare receive", rc, culprit); goto out; }
    /* a provisional key: its pair setups come from the refresh that must follow */
    ex = ecli_save(TSS_ECDSA_KEY_SHARE, &k->share, key_out, 1, ecli_get(&o, "force") != NULL);
out:
    sodium_free(old);
    sodium_free(k);
    sodium_free(p);
    free(b);
    return ex;
}

int ecli_cmd_reshare(int argc, char **argv)
{
    if (argc < 1) return ecli_error(EX_USAGE, "reshare: deal | receive (then refresh round1 --provisional)");
    if (strcmp(argv[0], "deal") == 0) return reshare_deal(argc - 1, argv + 1);
    if (strcmp(argv[0], "receive") == 0) return reshare_receive(argc - 1, argv + 1);
    return ecli_error(EX_USAGE, "reshare: unknown step '%s'", argv[0]);
}
