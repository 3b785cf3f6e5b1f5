/* Threshold ECDSA (DKLs23) per party, 2-of-3 and 3-of-5: DKG per pair, presign per counterparty, online
 * (round 3 + combine with its verification), bytes sent per pair per signature and signatures/s per core
 * with presignatures ready — each also as a multiple of libsecp256k1's single secp256k1_ecdsa_sign measured
 * in the same run. All parties run in this process on one core, so per-party figures are the totals divided
 * by the number of parties (and per-pair figures by the counterparties too).
 * The last lines ("FIG name value") are machine-readable for scripts/bench_ecdsa.sh, which runs the WASM
 * peer (Silence Labs' DKLs23) in the same script and prints the ratios. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <secp256k1.h>

#include "bench.h"
#include "tss/ecdsa.h"
#include "../tests/ecdsa_fixture.h"

typedef struct {
    uint32_t n, t;
    char tag[16];
    fx_key *key;
} tn_case;

static tn_case g_cases[2] = {{3, 2, "2of3", NULL}, {5, 3, "3of5", NULL}};

static void die(const char *what, int rc)
{
    fprintf(stderr, "bench_ecdsa: %s failed: %s\n", what, tss_status_str(rc));
    exit(1);
}

static void bm_secp_sign(bench_state *st, void *arg)
{
    (void)arg;
    secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    uint8_t sk[32], msg[32];
    secp256k1_ecdsa_signature sig;
    randombytes_buf(sk, 32);
    randombytes_buf(msg, 32);
    while (bench_keep_running(st)) {
        msg[0]++;
        if (!secp256k1_ecdsa_sign(ctx, &sig, msg, sk, NULL, NULL)) die("secp256k1_ecdsa_sign", -1);
        bench_do_not_optimize(&sig);
    }
    secp256k1_context_destroy(ctx);
}

static void bm_secp_verify(bench_state *st, void *arg)
{
    (void)arg;
    secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    uint8_t sk[32], msg[32];
    secp256k1_ecdsa_signature sig;
    secp256k1_pubkey pk;
    randombytes_buf(sk, 32);
    randombytes_buf(msg, 32);
    if (!secp256k1_ec_pubkey_create(ctx, &pk, sk) || !secp256k1_ecdsa_sign(ctx, &sig, msg, sk, NULL, NULL))
        die("secp256k1 setup", -1);
    while (bench_keep_running(st)) {
        int ok = secp256k1_ecdsa_verify(ctx, &sig, msg, &pk);
        bench_do_not_optimize(&ok);
    }
    secp256k1_context_destroy(ctx);
}

/* A full DKG of all n parties; items = n*(n-1) (party, counterparty) pairs. */
static void bm_dkg(bench_state *st, void *arg)
{
    tn_case *c = arg;
    fx_key *k = fx_key_new();
    uint8_t sid[32];
    while (bench_keep_running(st)) {
        randombytes_buf(sid, 32);
        fx_result r = fx_dkg(k, c->n, c->t, sid, NULL, NULL);
        if (r.status != TSS_OK) die("dkg", r.status);
    }
    bench_set_items(st, bench_iterations(st) * (int64_t)c->n * (c->n - 1));
    fx_key_free(k);
}

/* Presign among the first t parties; items = t*(t-1) (signer, counterparty) pairs. */
static void bm_presign(bench_state *st, void *arg)
{
    tn_case *c = arg;
    uint32_t signers[TSS_ECDSA_MAX_PARTIES];
    tss_ecdsa_presignature pre[TSS_ECDSA_MAX_PARTIES];
    uint8_t sid[32];
    for (uint32_t i = 0; i < c->t; i++) signers[i] = i + 1;
    while (bench_keep_running(st)) {
        randombytes_buf(sid, 32);
        fx_result r = fx_presign(c->key, signers, c->t, sid, pre, NULL, NULL);
        if (r.status != TSS_OK) die("presign", r.status);
    }
    bench_set_items(st, bench_iterations(st) * (int64_t)c->t * (c->t - 1));
    tss_ecdsa_wipe(pre, sizeof pre);
}

/* Copies of one real presignature set, made before the measured loops (a presignature is single use; the
 * copies only feed the benchmark: each one is consumed once, with a different digest). */
#define COPIES 2048
static tss_ecdsa_presignature (*g_copies[2])[TSS_ECDSA_MAX_PARTIES];
static tss_ecdsa_presignature g_template[2][TSS_ECDSA_MAX_PARTIES];

static void make_copies(int i)
{
    tn_case *c = &g_cases[i];
    uint32_t signers[TSS_ECDSA_MAX_PARTIES];
    tss_ecdsa_presignature pre[TSS_ECDSA_MAX_PARTIES];
    uint8_t sid[32];
    for (uint32_t k = 0; k < c->t; k++) signers[k] = k + 1;
    randombytes_buf(sid, 32);
    fx_result r = fx_presign(c->key, signers, c->t, sid, pre, NULL, NULL);
    if (r.status != TSS_OK) die("presign (setup)", r.status);
    g_copies[i] = calloc(COPIES, sizeof *g_copies[i]);
    for (size_t j = 0; j < COPIES; j++) memcpy(g_copies[i][j], pre, sizeof pre);
    memcpy(g_template[i], pre, sizeof pre);
    tss_ecdsa_wipe(pre, sizeof pre);
}

/* One party's online share (round 3). */
static void bm_share(bench_state *st, void *arg)
{
    tn_case *c = arg;
    int ci = c == &g_cases[0] ? 0 : 1;
    uint8_t digest[32];
    tss_ecdsa_sig_share sh;
    size_t next = 0;
    randombytes_buf(digest, 32);
    while (bench_keep_running(st)) {
        int rc = tss_ecdsa_sign_online(&g_copies[ci][next++ % COPIES][0], digest, &sh, NULL);
        if (rc != TSS_OK) die("sign_online", rc);
        bench_do_not_optimize(&sh);
    }
}

/* The combine (sum, inverse, low-S, recovery id, recovery to the group key). */
static void bm_combine(bench_state *st, void *arg)
{
    tn_case *c = arg;
    int ci = c == &g_cases[0] ? 0 : 1;
    uint8_t digest[32];
    tss_ecdsa_sig_share sh[TSS_ECDSA_MAX_PARTIES];
    tss_ecdsa_presig_public pub;
    tss_ecdsa_signature sig;
    tss_ecdsa_presignature pre[TSS_ECDSA_MAX_PARTIES];
    randombytes_buf(digest, 32);
    memcpy(pre, g_template[ci], sizeof pre);
    for (uint32_t i = 0; i < c->t; i++)
        if (tss_ecdsa_sign_online(&pre[i], digest, &sh[i], &pub) != TSS_OK) die("sign_online", -1);
    while (bench_keep_running(st)) {
        int rc = tss_ecdsa_combine(&sig, &pub, digest, sh, c->t, NULL);
        if (rc != TSS_OK) die("combine", rc);
        bench_do_not_optimize(&sig);
    }
}

/* Every signer's share and the combine, all on this core: signatures per second with presignatures ready. */
static void bm_signature(bench_state *st, void *arg)
{
    tn_case *c = arg;
    int ci = c == &g_cases[0] ? 0 : 1;
    uint8_t digest[32];
    tss_ecdsa_sig_share sh[TSS_ECDSA_MAX_PARTIES];
    tss_ecdsa_presig_public pub;
    tss_ecdsa_signature sig;
    randombytes_buf(digest, 32);
    while (bench_keep_running(st)) {
        tss_ecdsa_presignature pre[TSS_ECDSA_MAX_PARTIES];
        memcpy(pre, g_template[ci], c->t * sizeof pre[0]);
        digest[0]++;
        for (uint32_t i = 0; i < c->t; i++)
            if (tss_ecdsa_sign_online(&pre[i], digest, &sh[i], &pub) != TSS_OK) die("sign_online", -1);
        int rc = tss_ecdsa_combine(&sig, &pub, digest, sh, c->t, NULL);
        if (rc != TSS_OK) die("combine", rc);
    }
}

/* Bytes on the wire per ordered pair per signature: the payload fields of round 1, round 2 and the share
 * (the structs carry routing fields the node's envelope replaces: from/to/session id). */
static size_t payload_bytes(void)
{
    size_t m1 = 32 + TSS_ECDSA_OT_KAPPA * TSS_ECDSA_OTE_ROW_BYTES + 16 + 16;
    size_t m2 = 33 + 32 + 33 + 33 + 33 + 32 + (size_t)TSS_ECDSA_OT_COUNT * 4 * 32 + 2 * 32 + 32 + 2 * 32;
    size_t sh = 64;
    return m1 + m2 + sh;
}

int main(int argc, char **argv)
{
    if (tss_init() != TSS_OK) return 1;
    char name[64];
    for (int i = 0; i < 2; i++) {
        tn_case *c = &g_cases[i];
        uint8_t sid[32];
        c->key = fx_key_new();
        randombytes_buf(sid, 32);
        fx_result r = fx_dkg(c->key, c->n, c->t, sid, NULL, NULL);
        if (r.status != TSS_OK) die("dkg (setup)", r.status);
        make_copies(i);
    }
    bench_register("secp256k1_ecdsa_sign", bm_secp_sign, NULL, 0);
    bench_register("secp256k1_ecdsa_verify", bm_secp_verify, NULL, 0);
    for (int i = 0; i < 2; i++) {
        tn_case *c = &g_cases[i];
        snprintf(name, sizeof name, "dkg/%s/per_pair", c->tag);
        bench_register_iters(name, bm_dkg, c, 0, 3);
        snprintf(name, sizeof name, "presign/%s/per_pair", c->tag);
        bench_register(name, bm_presign, c, 0);
        snprintf(name, sizeof name, "online_share/%s", c->tag);
        bench_register_iters(name, bm_share, c, 0, COPIES);
        snprintf(name, sizeof name, "combine/%s", c->tag);
        bench_register(name, bm_combine, c, 0);
        snprintf(name, sizeof name, "signature_all_parties/%s", c->tag);
        bench_register_iters(name, bm_signature, c, 0, COPIES);
    }
    int rc = bench_run(&argc, argv);
    if (rc != 0) return rc;
    /* CPU time (this process, all parties): on a shared 2-core machine wall time measures the neighbours */
    double sign = bench_result_cpu_ns("secp256k1_ecdsa_sign");
    printf("\nThreshold ECDSA per party, CPU time (all parties on one core; x = multiple of secp256k1_ecdsa_sign "
           "%.1f us CPU in this run):\n", sign / 1e3);
    for (int i = 0; i < 2; i++) {
        tn_case *c = &g_cases[i];
        char a[64];
        double pairs_dkg = (double)c->n * (c->n - 1), pairs_pre = (double)c->t * (c->t - 1);
        snprintf(a, sizeof a, "dkg/%s/per_pair", c->tag);
        double dkg = bench_result_cpu_ns(a) / pairs_dkg;
        snprintf(a, sizeof a, "presign/%s/per_pair", c->tag);
        double pre = bench_result_cpu_ns(a) / pairs_pre;
        snprintf(a, sizeof a, "online_share/%s", c->tag);
        double share = bench_result_cpu_ns(a);
        snprintf(a, sizeof a, "combine/%s", c->tag);
        double comb = bench_result_cpu_ns(a);
        snprintf(a, sizeof a, "signature_all_parties/%s", c->tag);
        double all = bench_result_cpu_ns(a);
        double online = share + comb;
        printf("  %s: DKG %.2f ms per pair (%.0fx)  presign %.3f ms per counterparty (%.1fx)  online %.1f us "
               "(share %.2f + combine %.1f; %.2fx)\n",
               c->tag, dkg / 1e6, dkg / sign, pre / 1e6, pre / sign, online / 1e3, share / 1e3, comb / 1e3,
               online / sign);
        printf("  %s: %.0f signatures/s per core with presignatures ready (all %u shares + combine on one core; "
               "%.0f/s per party as combiner)  bytes per pair per signature %zu\n",
               c->tag, 1e9 / all, c->t, 1e9 / online, payload_bytes());
        printf("FIG %s dkg_pair_ms %.3f\nFIG %s presign_pair_ms %.4f\nFIG %s online_us %.2f\nFIG %s sig_per_s %.0f\n"
               "FIG %s bytes_pair %zu\nFIG %s presign_party_ms %.4f\nFIG %s dkg_party_ms %.3f\n",
               c->tag, dkg / 1e6, c->tag, pre / 1e6, c->tag, online / 1e3, c->tag, 1e9 / all, c->tag,
               payload_bytes(), c->tag, pre * (c->t - 1) / 1e6, c->tag, dkg * (c->n - 1) / 1e6);
    }
    printf("FIG secp256k1_sign_us %.2f\n", sign / 1e3);
    for (int i = 0; i < 2; i++) {
        tss_ecdsa_wipe(g_copies[i], COPIES * sizeof *g_copies[i]);
        free(g_copies[i]);
        fx_key_free(g_cases[i].key);
    }
    return 0;
}
