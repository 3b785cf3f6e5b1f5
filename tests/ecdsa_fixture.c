/* In-process threshold ECDSA ceremonies (see ecdsa_fixture.h). */
#include "ecdsa_fixture.h"

#include <stdlib.h>
#include <string.h>
#include <sodium.h>

size_t fx_bytes_pair_presign, fx_bytes_pair_online;

fx_key *fx_key_new(void) { return calloc(1, sizeof(fx_key)); }

void fx_key_free(fx_key *k)
{
    if (!k) return;
    sodium_memzero(k, sizeof *k);
    free(k);
}

static fx_result ok_result(void)
{
    fx_result r = {0, 0, 0, 0};
    return r;
}

static int fail(fx_result *r, int status, uint32_t at, uint32_t culprit, int round)
{
    if (status == TSS_OK) return 0;
    r->status = status;
    r->at = at;
    r->culprit = culprit;
    r->round = round;
    return 1;
}

/* index of `to` among the peers of `from` (ascending, skipping from) */
static uint32_t peer_slot(uint32_t from, uint32_t to) { return to < from ? to - 1 : to - 2; }

static fx_result run_dkg(fx_key *k, uint32_t n, uint32_t t, const uint8_t sid[32], int refresh, fx_hook hook,
                         void *arg)
{
    fx_result res = ok_result();
    tss_ecdsa_dkg_state *st = calloc(n, sizeof *st);
    tss_ecdsa_dkg_bcast1 *b1 = calloc(n, sizeof *b1);
    tss_ecdsa_dkg_p2p1 *p1 = calloc((size_t)n * n, sizeof *p1);    /* [from-1][slot] */
    tss_ecdsa_dkg_bcast2 *b2 = calloc(n, sizeof *b2);
    tss_ecdsa_dkg_p2p2 *p2 = calloc((size_t)n * n, sizeof *p2);
    tss_ecdsa_dkg_bcast1 *ib1 = calloc(n, sizeof *ib1);
    tss_ecdsa_dkg_p2p1 *ip1 = calloc(n, sizeof *ip1);
    tss_ecdsa_dkg_bcast2 *ib2 = calloc(n, sizeof *ib2);
    tss_ecdsa_dkg_p2p2 *ip2 = calloc(n, sizeof *ip2);
    if (!st || !b1 || !p1 || !b2 || !p2 || !ib1 || !ip1 || !ib2 || !ip2) { res.status = TSS_ERR_CAPACITY; goto out; }
    for (uint32_t i = 1; i <= n; i++) {
        int rc = refresh ? tss_ecdsa_refresh_round1(&st[i - 1], &b1[i - 1], &p1[(size_t)(i - 1) * n], sid, &k->shares[i - 1])
                         : tss_ecdsa_dkg_round1(&st[i - 1], &b1[i - 1], &p1[(size_t)(i - 1) * n], sid, i, n, t);
        if (fail(&res, rc, i, 0, 1)) goto out;
    }
    for (uint32_t i = 1; i <= n; i++) {
        size_t m = 0;
        for (uint32_t j = 1; j <= n; j++) {
            if (j == i) continue;
            ib1[m] = b1[j - 1];
            ip1[m] = p1[(size_t)(j - 1) * n + peer_slot(j, i)];
            if (hook) hook(FX_DKG_B1, &ib1[m], j, i, arg);
            if (hook) hook(FX_DKG_P1, &ip1[m], j, i, arg);
            m++;
        }
        uint32_t culprit = 0;
        int rc = tss_ecdsa_dkg_round2(&st[i - 1], &b2[i - 1], &p2[(size_t)(i - 1) * n], ib1, ip1, m, &culprit);
        if (fail(&res, rc, i, culprit, 2)) goto out;
    }
    for (uint32_t i = 1; i <= n; i++) {
        size_t m = 0;
        for (uint32_t j = 1; j <= n; j++) {
            if (j == i) continue;
            ib2[m] = b2[j - 1];
            ip2[m] = p2[(size_t)(j - 1) * n + peer_slot(j, i)];
            if (hook) hook(FX_DKG_B2, &ib2[m], j, i, arg);
            if (hook) hook(FX_DKG_P2, &ip2[m], j, i, arg);
            m++;
        }
        uint32_t culprit = 0;
        tss_ecdsa_key_share share;
        int rc = tss_ecdsa_dkg_finish(&st[i - 1], &share, k->pairs[i - 1], ib2, ip2, m, &culprit);
        if (fail(&res, rc, i, culprit, 3)) goto out;
        k->shares[i - 1] = share;
        sodium_memzero(&share, sizeof share);
    }
    k->n = n;
    k->t = t;
out:
    if (st) sodium_memzero(st, n * sizeof *st);
    if (p2) sodium_memzero(p2, (size_t)n * n * sizeof *p2);
    if (ip2) sodium_memzero(ip2, n * sizeof *ip2);
    free(st); free(b1); free(p1); free(b2); free(p2); free(ib1); free(ip1); free(ib2); free(ip2);
    return res;
}

fx_result fx_dkg(fx_key *k, uint32_t n, uint32_t t, const uint8_t sid[32], fx_hook hook, void *arg)
{
    return run_dkg(k, n, t, sid, 0, hook, arg);
}

fx_result fx_refresh(fx_key *k, const uint8_t sid[32], fx_hook hook, void *arg)
{
    return run_dkg(k, k->n, k->t, sid, 1, hook, arg);
}

/* Message buffers kept between calls (the benchmarks call this in a loop: no allocation churn measured). */
static struct {
    uint32_t ns;
    tss_ecdsa_presign_state *st;
    tss_ecdsa_presign_msg1 *m1, *i1;
    tss_ecdsa_presign_msg2 *m2, *i2;
} g_buf;

static int presign_buffers(uint32_t ns)
{
    if (g_buf.ns >= ns) return 0;
    free(g_buf.st); free(g_buf.m1); free(g_buf.m2); free(g_buf.i1); free(g_buf.i2);
    g_buf.st = calloc(ns, sizeof *g_buf.st);
    g_buf.m1 = calloc((size_t)ns * ns, sizeof *g_buf.m1);   /* [sender pos][k] */
    g_buf.m2 = calloc((size_t)ns * ns, sizeof *g_buf.m2);
    g_buf.i1 = calloc(ns, sizeof *g_buf.i1);
    g_buf.i2 = calloc(ns, sizeof *g_buf.i2);
    g_buf.ns = ns;
    if (!g_buf.st || !g_buf.m1 || !g_buf.m2 || !g_buf.i1 || !g_buf.i2) { g_buf.ns = 0; return -1; }
    return 0;
}

fx_result fx_presign(const fx_key *k, const uint32_t *signers, uint32_t ns, const uint8_t sid[32],
                     tss_ecdsa_presignature *presigs, fx_hook hook, void *arg)
{
    fx_result res = ok_result();
    if (presign_buffers(ns) != 0) { res.status = TSS_ERR_CAPACITY; return res; }
    tss_ecdsa_presign_state *st = g_buf.st;
    tss_ecdsa_presign_msg1 *m1 = g_buf.m1, *i1 = g_buf.i1;
    tss_ecdsa_presign_msg2 *m2 = g_buf.m2, *i2 = g_buf.i2;
    fx_bytes_pair_presign = sizeof(tss_ecdsa_presign_msg1) + sizeof(tss_ecdsa_presign_msg2);
    for (uint32_t a = 0; a < ns; a++) {
        uint32_t me = signers[a];
        int rc = tss_ecdsa_presign_round1(&st[a], &m1[(size_t)a * ns], &k->shares[me - 1], k->pairs[me - 1],
                                          k->n - 1, signers, ns, sid);
        if (fail(&res, rc, me, 0, 1)) goto out;
    }
    for (uint32_t a = 0; a < ns; a++) {
        uint32_t me = signers[a];
        size_t m = 0;
        for (uint32_t b = 0; b < ns; b++) {
            if (b == a) continue;
            i1[m] = m1[(size_t)b * ns + (a < b ? a : a - 1)];
            if (hook) hook(FX_PRE_M1, &i1[m], signers[b], me, arg);
            m++;
        }
        uint32_t culprit = 0;
        int rc = tss_ecdsa_presign_round2(&st[a], &m2[(size_t)a * ns], &k->shares[me - 1], k->pairs[me - 1],
                                          k->n - 1, i1, m, &culprit);
        if (fail(&res, rc, me, culprit, 2)) goto out;
    }
    for (uint32_t a = 0; a < ns; a++) {
        uint32_t me = signers[a];
        size_t m = 0;
        for (uint32_t b = 0; b < ns; b++) {
            if (b == a) continue;
            i2[m] = m2[(size_t)b * ns + (a < b ? a : a - 1)];
            if (hook) hook(FX_PRE_M2, &i2[m], signers[b], me, arg);
            m++;
        }
        uint32_t culprit = 0;
        int rc = tss_ecdsa_presign_finish(&st[a], &presigs[a], &k->shares[me - 1], k->pairs[me - 1], k->n - 1, i2,
                                          m, &culprit);
        if (fail(&res, rc, me, culprit, 3)) goto out;
    }
out:
    sodium_memzero(st, ns * sizeof *st);
    return res;
}

fx_result fx_sign(tss_ecdsa_presignature *presigs, uint32_t ns, const uint8_t digest[32], tss_ecdsa_signature *sig,
                  fx_hook hook, void *arg)
{
    fx_result res = ok_result();
    tss_ecdsa_sig_share shares[TSS_ECDSA_MAX_PARTIES];
    tss_ecdsa_presig_public pub;
    fx_bytes_pair_online = sizeof(tss_ecdsa_sig_share);
    for (uint32_t a = 0; a < ns; a++) {
        uint32_t me = presigs[a].self;
        int rc = tss_ecdsa_sign_online(&presigs[a], digest, &shares[a], a == 0 ? &pub : NULL);
        if (fail(&res, rc, me, 0, 1)) return res;
        if (hook) hook(FX_SHARE, &shares[a], me, 0, arg);
    }
    uint32_t culprit = 0;
    int rc = tss_ecdsa_combine(sig, &pub, digest, shares, ns, &culprit);
    fail(&res, rc, pub.signers[0], culprit, 2);
    return res;
}
