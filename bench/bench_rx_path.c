/* Envelopes per second through the receive path on one core:
 *   decode (wire_decode) -> signature check -> validate (validator_check)
 * with the signature check done by the verify stage (batch verification) or one envelope at a time
 * (wire_verify), side by side, for 100-byte and 1 KB payloads. Envelopes come from 8 senders and
 * sit in dp_pkt buffers as the socket backend delivers them; every one is valid and fresh (the
 * validator is reset, untimed, between passes over the corpus).
 * The batch-64 and single paths also run once per verification backend this CPU supports (named
 * .../<backend>; each run sets TSS_BACKEND, which the verifiers read per call), and the envelope rates per
 * backend are printed at the end. TSS_RX_BACKENDS=ref,avx512y (a comma list) limits that set. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "bench.h"
#include "crypto/cpu.h"
#include "dataplane/pkt.h"
#include "dataplane/wire.h"
#include "src/validator.h"
#include "src/verify_stage.h"
#include "tss/common.h"

#define N_SENDERS 8
#define CORPUS 2048
#define BURST 64
#define NOW_MS 1700000000000u

typedef struct corpus {
    dp_pool pool;
    void *pool_mem;
    dp_pkt *pkts[CORPUS];
    uint8_t pk[N_SENDERS + 1][32];
} corpus;

static corpus g_small, g_large;

static void corpus_build(corpus *c, size_t payload)
{
    size_t need = dp_pool_mem_size(CORPUS);
    c->pool_mem = aligned_alloc(64, (need + 63) & ~(size_t)63);
    if (c->pool_mem == NULL || dp_pool_init(&c->pool, CORPUS, c->pool_mem, need) != TSS_OK) abort();
    uint8_t sk[N_SENDERS + 1][64];
    for (int i = 1; i <= N_SENDERS; i++) crypto_sign_keypair(c->pk[i], sk[i]);
    uint8_t msg[WIRE_MAX_PAYLOAD];
    randombytes_buf(msg, sizeof msg);
    for (int i = 0; i < CORPUS; i++) {
        dp_pkt *p = dp_pool_get(&c->pool);
        wire_header h = {0};
        h.type = WIRE_SIGN_SHARE;
        h.session_id = 1 + (uint64_t)(i % 16);
        h.seq = (uint64_t)i;
        h.sender = (uint16_t)(1 + i % N_SENDERS);
        h.recipient = WIRE_BROADCAST;
        size_t len;
        if (wire_encode_fragment(dp_pkt_data(p), DP_PKT_DATA_ROOM, &len, &h, msg, payload, 0, NOW_MS, sk[h.sender]) !=
            TSS_OK)
            abort();
        p->len = (uint32_t)len;
        c->pkts[i] = p;
    }
    sodium_memzero(sk, sizeof sk);
}

/* The per-run pipeline state. */
typedef struct path {
    corpus *c;
    validator v;
    void *v_mem;
    size_t v_mem_len;
    validator_config vcfg;
    verify_stage vs;
    void *vs_mem;
    wire_envelope env[CORPUS];  /* one per packet: pending batch items point at theirs */
    wire_counters wc;
    uint64_t accepted;
    uint64_t rejected;
} path;

static void deliver(void *ctx, void *user, int valid)
{
    path *p = ctx;
    const wire_envelope *e = user;
    if (valid && validator_check(&p->v, e, NOW_MS) == VALIDATOR_OK)
        p->accepted++;
    else
        p->rejected++;
}

static void path_init(path *p, corpus *c, uint32_t max_batch)
{
    memset(p, 0, sizeof *p);
    p->c = c;
    p->vcfg.self_index = 0;
    p->vcfg.n_peers = N_SENDERS + 1;
    p->vcfg.max_skew_ms = 30000;
    p->vcfg.replay_per_peer = 1024;
    p->vcfg.rate_per_sec = 0;
    p->v_mem_len = validator_mem_size(&p->vcfg);
    p->v_mem = aligned_alloc(64, (p->v_mem_len + 63) & ~(size_t)63);
    if (p->v_mem == NULL || validator_init(&p->v, &p->vcfg, p->v_mem, p->v_mem_len) != TSS_OK) abort();
    if (max_batch > 0) {
        vs_config cfg = {.max_batch = max_batch, .max_wait_us = 200, .deliver = deliver, .cb_ctx = p};
        size_t need = vs_mem_size(&cfg);
        p->vs_mem = aligned_alloc(64, (need + 63) & ~(size_t)63);
        if (p->vs_mem == NULL || vs_init(&p->vs, &cfg, p->vs_mem, need) != TSS_OK) abort();
    }
}

static void path_free(path *p)
{
    free(p->v_mem);
    free(p->vs_mem);
}

/* One pass over the corpus in rx bursts of BURST packets, as a poller would see them. */
static void pass_batch(path *p)
{
    for (int base = 0; base < CORPUS; base += BURST) {
        for (int i = 0; i < BURST; i++) {
            dp_pkt *pkt = p->c->pkts[base + i];
            wire_envelope *e = &p->env[base + i];
            if (wire_decode(dp_pkt_data(pkt), pkt->len, e, &p->wc) != TSS_OK || e->hdr.sender > N_SENDERS) {
                p->rejected++;
                continue;
            }
            vs_item it = {.sig = e->sig, .msg = e->signed_msg, .msg_len = e->signed_len,
                          .pk = p->c->pk[e->hdr.sender], .user = e};
            vs_push(&p->vs, &it, 0);
        }
    }
    /* Under load batches fill up (flush_full); the bounded wait only matters when traffic is thin. */
    vs_flush(&p->vs);
}

static void pass_single(path *p)
{
    for (int i = 0; i < CORPUS; i++) {
        dp_pkt *pkt = p->c->pkts[i];
        wire_envelope *e = &p->env[0];
        if (wire_decode(dp_pkt_data(pkt), pkt->len, e, &p->wc) != TSS_OK || e->hdr.sender > N_SENDERS) {
            p->rejected++;
            continue;
        }
        deliver(p, e, wire_verify(e, p->c->pk[e->hdr.sender]) == TSS_OK);
    }
}

/* Decode and validate only: the cost of everything but the signature check. */
static void pass_no_verify(path *p)
{
    for (int i = 0; i < CORPUS; i++) {
        dp_pkt *pkt = p->c->pkts[i];
        wire_envelope *e = &p->env[0];
        if (wire_decode(dp_pkt_data(pkt), pkt->len, e, &p->wc) != TSS_OK) {
            p->rejected++;
            continue;
        }
        deliver(p, e, 1);
    }
}

typedef struct mode {
    corpus *c;
    uint32_t max_batch;          /* 0 = single verification */
    void (*pass)(path *p);
    const char *backend;         /* TSS_BACKEND for this run; NULL = as the environment says */
} mode;

static void bm_rx(bench_state *st, void *arg)
{
    const mode *m = arg;
    const char *env = getenv("TSS_BACKEND");
    char saved[32] = "";
    const int had = env != NULL && strlen(env) < sizeof saved;
    if (had) strcpy(saved, env);
    if (m->backend && setenv("TSS_BACKEND", m->backend, 1) != 0) bench_skip(st, "setenv failed");
    path p;
    path_init(&p, m->c, m->max_batch);
    while (bench_keep_running(st)) {
        m->pass(&p);
        bench_pause(st);
        if (p.rejected != 0) {
            bench_skip(st, "an envelope was rejected");
            break;
        }
        /* Fresh replay cache so the next pass is accepted again. */
        validator_init(&p.v, &p.vcfg, p.v_mem, p.v_mem_len);
        bench_resume(st);
    }
    bench_set_items(st, bench_iterations(st) * CORPUS);
    path_free(&p);
    if (m->backend) {
        if (had) {
            setenv("TSS_BACKEND", saved, 1);
        } else {
            unsetenv("TSS_BACKEND");
        }
    }
}

/* 1 if backend b is in the TSS_RX_BACKENDS comma list (every backend when the variable is unset) */
static int backend_wanted(tss_backend b)
{
    const char *list = getenv("TSS_RX_BACKENDS"), *name = tss_backend_name(b);
    if (!list) return 1;
    const size_t len = strlen(name);
    for (const char *q = list; *q;) {
        const char *e = strchr(q, ',');
        const size_t n = e ? (size_t)(e - q) : strlen(q);
        if (n == len && strncmp(q, name, len) == 0) return 1;
        if (!e) break;
        q = e + 1;
    }
    return 0;
}

#define N_RX_BACKENDS 4
#define N_RX_KINDS 4

int main(int argc, char **argv)
{
    if (tss_init() != TSS_OK) return 1;
    corpus_build(&g_small, 100);
    corpus_build(&g_large, 1024);
    static mode modes[] = {
        {&g_small, 64, pass_batch, NULL},     {&g_small, 0, pass_single, NULL},
        {&g_large, 64, pass_batch, NULL},     {&g_large, 0, pass_single, NULL},
        {&g_small, 16, pass_batch, NULL},     {&g_small, 256, pass_batch, NULL},
        {&g_small, 0, pass_no_verify, NULL},  {&g_large, 0, pass_no_verify, NULL},
    };
    bench_register("rx_path/100B/batch64", bm_rx, &modes[0], 0);
    bench_register("rx_path/100B/single", bm_rx, &modes[1], 0);
    bench_register("rx_path/1KB/batch64", bm_rx, &modes[2], 0);
    bench_register("rx_path/1KB/single", bm_rx, &modes[3], 0);
    bench_register("rx_path/100B/batch16", bm_rx, &modes[4], 0);
    bench_register("rx_path/100B/batch256", bm_rx, &modes[5], 0);
    bench_register("rx_path/100B/decode+validate_only", bm_rx, &modes[6], 0);
    bench_register("rx_path/1KB/decode+validate_only", bm_rx, &modes[7], 0);
    static const tss_backend backends[N_RX_BACKENDS] = { TSS_BACKEND_REF, TSS_BACKEND_AVX2, TSS_BACKEND_AVX512Y,
                                                         TSS_BACKEND_AVX512Z };
    static const char *kinds[N_RX_KINDS] = { "100B/batch64", "100B/single", "1KB/batch64", "1KB/single" };
    static mode per_backend[N_RX_BACKENDS][N_RX_KINDS];
    static char bnames[N_RX_BACKENDS][N_RX_KINDS][64];
    int brun[N_RX_BACKENDS];
    for (int b = 0; b < N_RX_BACKENDS; b++) {
        brun[b] = tss_backend_supported(backends[b]) && backend_wanted(backends[b]);
        if (!brun[b]) continue;
        for (int k = 0; k < N_RX_KINDS; k++) {
            per_backend[b][k] = modes[k];
            per_backend[b][k].backend = tss_backend_name(backends[b]);
            snprintf(bnames[b][k], sizeof bnames[b][k], "rx_path/%s/%s", kinds[k], tss_backend_name(backends[b]));
            bench_register(bnames[b][k], bm_rx, &per_backend[b][k], 0);
        }
    }
    int rc = bench_run(&argc, argv);
    bench_print_ratio("rx_path/100B/batch64", "rx_path/100B/single");
    bench_print_ratio("rx_path/1KB/batch64", "rx_path/1KB/single");
    bench_print_ratio("rx_path/100B/batch16", "rx_path/100B/single");
    bench_print_ratio("rx_path/100B/batch256", "rx_path/100B/single");
    const char *names[] = {"rx_path/100B/batch64", "rx_path/100B/single", "rx_path/1KB/batch64", "rx_path/1KB/single"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        double ns = bench_result_ns_per_item(names[i]);
        if (ns > 0) printf("%s: %.0f envelopes/s on one core\n", names[i], 1e9 / ns);
    }
    printf("verify stage per backend (envelopes/s on one core, decode + verify + validate):\n");
    for (int b = 0; b < N_RX_BACKENDS; b++) {
        if (!brun[b]) continue;
        for (int k = 0; k < N_RX_KINDS; k++) {
            const double ns = bench_result_ns_per_item(bnames[b][k]);
            if (ns > 0) printf("  %-8s %-14s %9.0f envelopes/s\n", tss_backend_name(backends[b]), kinds[k], 1e9 / ns);
        }
    }
    free(g_small.pool_mem);
    free(g_large.pool_mem);
    return rc;
}
