/* In-process cluster over simnet: see cluster_harness.h. */
#include "tests/cluster_harness.h"

#include <arpa/inet.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "src/keyfile.h"

#define PORTS_PER_NODE 9 /* rx + up to 8 engines */

typedef struct node_ctx {
    cluster *c;
    uint32_t i;
} node_ctx;

struct cluster {
    cluster_options o;
    char dir[64];
    uint64_t now_us;
    uint64_t wall_base_ms;
    simnet net;
    simnet_port ports[CLUSTER_MAX_NODES + 1][PORTS_PER_NODE];
    dp_addr addr[CLUSTER_MAX_NODES + 1];
    node_ctx ctx[CLUSTER_MAX_NODES + 1];
    tss_identity id[CLUSTER_MAX_NODES + 1];
    tss_config *cfg[CLUSTER_MAX_NODES + 1];
    node *nodes[CLUSTER_MAX_NODES + 1];
    int online[CLUSTER_MAX_NODES + 1];
    tss_api_session_info *info;
    cluster_tamper_fn tamper;
    void *tamper_ctx;
    cluster_tamper_counters tamper_ctr;
    cluster_envelope tamper_env;
};

static uint64_t real_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t c_now_us(void *ctx)
{
    cluster *c = ctx;
    return c->o.real_clock ? real_ns(CLOCK_MONOTONIC) / 1000u : c->now_us;
}
static uint64_t c_mono_ms(void *ctx)
{
    return c_now_us(ctx) / 1000u;
}
static uint64_t c_wall_ms(void *ctx)
{
    cluster *c = ctx;
    return c->o.real_clock ? real_ns(CLOCK_REALTIME) / 1000000u : c->wall_base_ms + c->now_us / 1000u;
}

static int open_port(void *ctx, uint32_t role, dp_pool *pool, const struct sockaddr_in *bind, dp_port **out)
{
    node_ctx *nc = ctx;
    cluster *c = nc->c;
    if (role >= PORTS_PER_NODE) return TSS_ERR_CAPACITY;
    dp_addr a;
    memset(&a, 0, sizeof a);
    memcpy(&a.u.in4, bind, sizeof *bind);
    a.len = sizeof a.u.in4;
    if (role > 0) a.u.in4.sin_port = htons((uint16_t)(30000 + nc->i * 16 + role));
    simnet_port *p = &c->ports[nc->i][role];
    int rc = simnet_port_open(p, &c->net, pool, &a);
    if (rc == TSS_OK) *out = &p->port;
    return rc;
}

static int build_node(cluster *c, uint32_t i)
{
    char err[1024];
    node_options opt = {.identity = &c->id[i],
                        .open_port = open_port,
                        .port_ctx = &c->ctx[i],
                        .wall_ms = c_wall_ms,
                        .mono_ms = c_mono_ms,
                        .mono_us = c_now_us,
                        .clock_ctx = c};
    int rc = node_create(&c->nodes[i], c->cfg[i], &opt, err, sizeof err);
    if (rc != TSS_OK) fprintf(stderr, "cluster: node %u: %s\n", i, err);
    return rc;
}

cluster *cluster_create(const cluster_options *o)
{
    if (o == NULL || o->n == 0 || o->n > CLUSTER_MAX_NODES) return NULL;
    cluster *c = calloc(1, sizeof *c);
    if (c == NULL) return NULL;
    c->o = *o;
    if (c->o.engines == 0) c->o.engines = 1;
    if (c->o.arena == 0) c->o.arena = 256;
    c->wall_base_ms = real_ns(CLOCK_REALTIME) / 1000000u;
    c->now_us = 1000000;
    c->info = calloc(1, sizeof *c->info);
    /* tmpfs when there is one: every finished session is a synchronous store write. */
    snprintf(c->dir, sizeof c->dir, "%s/tss-cluster-XXXXXX", access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
    simnet_config nc = {.seed = o->seed,
                        .capacity = 1u << 16,
                        .drop_ppm = o->drop_ppm,
                        .duplicate_ppm = o->duplicate_ppm,
                        .reorder_ppm = o->reorder_ppm,
                        .delay_min_us = o->real_clock ? 0 : 50,
                        .delay_max_us = o->real_clock ? 0 : 300,
                        .reorder_us = 2000,
                        .now_us = c_now_us,
                        .clock_ctx = c};
    if (c->info == NULL || mkdtemp(c->dir) == NULL || simnet_init(&c->net, &nc) != TSS_OK) {
        free(c->info);
        free(c);
        return NULL;
    }
    for (uint32_t i = 1; i <= o->n; i++) {
        c->ctx[i] = (node_ctx){c, i};
        c->online[i] = 1;
        if (tss_identity_generate(&c->id[i]) != TSS_OK) goto fail;
        memset(&c->addr[i], 0, sizeof c->addr[i]);
        c->addr[i].u.in4.sin_family = AF_INET;
        c->addr[i].u.in4.sin_addr.s_addr = htonl(0x7f000001);
        c->addr[i].u.in4.sin_port = htons((uint16_t)(20000 + i));
        c->addr[i].len = sizeof c->addr[i].u.in4;
    }
    for (uint32_t i = 1; i <= o->n; i++) {
        tss_config *cfg = calloc(1, sizeof *cfg);
        if (cfg == NULL) goto fail;
        c->cfg[i] = cfg;
        snprintf(cfg->path, sizeof cfg->path, "cluster-node%u.ini", i);
        cfg->node.index = i;
        cfg->node.listen = c->addr[i].u.in4;
        snprintf(cfg->node.data_dir, sizeof cfg->node.data_dir, "%s/node%u", c->dir, i);
        snprintf(cfg->node.master_key_file, sizeof cfg->node.master_key_file, "%s/node%u.master", c->dir, i);
        char err[512];
        if (tss_master_key_generate_file(cfg->node.master_key_file, err, sizeof err) != TSS_OK) goto fail;
        cfg->n_peers = o->n;
        for (uint32_t j = 1; j <= o->n; j++) {
            cfg->peers[j - 1].index = j;
            memcpy(cfg->peers[j - 1].public_key, c->id[j].public_key, 32);
            cfg->peers[j - 1].address = c->addr[j].u.in4;
        }
        cfg->cores.n_engines = c->o.engines;
        cfg->engine.arena_sessions = c->o.arena;
        cfg->engine.ring_capacity = 1024;
        cfg->engine.verify_batch = 64;
        cfg->engine.verify_wait_us = 200;
        cfg->engine.early_messages = 32;
        cfg->timeouts.round_ms = o->round_ms ? o->round_ms : 2000;
        cfg->timeouts.session_ms = o->session_ms ? o->session_ms : 30000;
        cfg->timeouts.retry_initial_ms = o->retry_initial_ms ? o->retry_initial_ms : 250;
        cfg->timeouts.retry_max = o->retry_max ? o->retry_max : 5;
        cfg->timeouts.clock_skew_ms = 5000;
        cfg->limits.rate_per_peer = 10000000;
        cfg->limits.max_payload = 65536;
        if (build_node(c, i) != TSS_OK) goto fail;
    }
    return c;
fail:
    cluster_destroy(c);
    return NULL;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void cluster_destroy(cluster *c)
{
    if (c == NULL) return;
    for (uint32_t i = 1; i <= c->o.n; i++) {
        node_destroy(c->nodes[i]);
        free(c->cfg[i]);
        tss_identity_wipe(&c->id[i]);
    }
    simnet_destroy(&c->net);
    if (c->dir[0] != '\0' && strstr(c->dir, "XXXXXX") == NULL)
        nftw(c->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(c->info);
    free(c);
}

node *cluster_node(cluster *c, uint32_t i)
{
    return i >= 1 && i <= c->o.n ? c->nodes[i] : NULL;
}
const dp_addr *cluster_addr(cluster *c, uint32_t i)
{
    return &c->addr[i];
}
const tss_identity *cluster_identity(cluster *c, uint32_t i)
{
    return &c->id[i];
}
simnet *cluster_net(cluster *c)
{
    return &c->net;
}
uint64_t cluster_now_us(cluster *c)
{
    return c_now_us(c);
}
uint64_t cluster_wall_ms(cluster *c)
{
    return c_wall_ms(c);
}
void cluster_set_online(cluster *c, uint32_t i, int online)
{
    c->online[i] = online;
}
tss_api_session_info *cluster_info(cluster *c)
{
    return c->info;
}

int cluster_restart(cluster *c, uint32_t i)
{
    node_destroy(c->nodes[i]);
    c->nodes[i] = NULL;
    return build_node(c, i);
}

unsigned cluster_step(cluster *c)
{
    unsigned work = 0;
    for (uint32_t i = 1; i <= c->o.n; i++)
        if (c->online[i] && c->nodes[i] != NULL) work += node_step(c->nodes[i]);
    if (!c->o.real_clock) {
        if (work > 0) {
            c->now_us += 20;
        } else {
            /* Idle: jump to the next delivery, or by a millisecond for the timers. */
            uint64_t due = simnet_next_due_us(&c->net);
            uint64_t next = c->now_us + 1000;
            c->now_us = due > c->now_us && due < next ? due : next;
        }
    }
    return work;
}

/* ---- tamper hook ---- */

static uint32_t node_of_port(const cluster *c, const simnet_port *p)
{
    for (uint32_t i = 1; i <= c->o.n; i++)
        if (p >= &c->ports[i][0] && p < &c->ports[i][PORTS_PER_NODE]) return i;
    return 0;
}

static uint32_t node_of_addr(const cluster *c, const dp_addr *a)
{
    for (uint32_t i = 1; i <= c->o.n; i++)
        if (a->u.sa.sa_family == AF_INET && a->u.in4.sin_port == c->addr[i].u.in4.sin_port &&
            a->u.in4.sin_addr.s_addr == c->addr[i].u.in4.sin_addr.s_addr)
            return i;
    return 0;
}

static simnet_tx_verdict tamper_hook(void *ctx, const simnet_port *from, const dp_addr *to, uint8_t *data,
                                     size_t *len, size_t cap)
{
    cluster *c = ctx;
    cluster_envelope *e = &c->tamper_env;
    uint32_t sender = node_of_port(c, from);
    wire_envelope env;
    /* data is a dp_pkt buffer: wire_decode may write the domain tag into its headroom. */
    if (sender == 0 || wire_decode(data, *len, &env, NULL) != TSS_OK) {
        c->tamper_ctr.undecodable++;
        return SIMNET_TX_SEND;
    }
    e->from = sender;
    e->to = node_of_addr(c, to);
    e->hdr = env.hdr;
    e->timestamp_ms = env.timestamp_ms;
    memcpy(e->payload, env.payload, env.hdr.payload_len);
    e->payload_len = env.hdr.payload_len;
    e->datagram = data;
    e->datagram_len = *len;
    c->tamper_ctr.seen++;
    cluster_tamper_verdict v = c->tamper(c->tamper_ctx, c, e);
    if (v == CLUSTER_TAMPER_DROP) {
        c->tamper_ctr.dropped++;
        return SIMNET_TX_DROP;
    }
    if (v != CLUSTER_TAMPER_REWRITE) return SIMNET_TX_SEND;
    if (env.hdr.frag_count != 1 || e->payload_len > WIRE_MAX_PAYLOAD) {
        c->tamper_ctr.refused++;
        return SIMNET_TX_SEND;
    }
    /* Encode into scratch first: a refused rewrite leaves the original datagram intact. */
    uint8_t buf[WIRE_HEADROOM + WIRE_MAX_DATAGRAM];
    size_t out = 0;
    int rc = wire_encode_fragment(buf + WIRE_HEADROOM, WIRE_MAX_DATAGRAM, &out, &e->hdr, e->payload,
                                  e->payload_len, 0, e->timestamp_ms, c->id[sender].secret_key);
    if (rc != TSS_OK || out > cap) {
        c->tamper_ctr.refused++;
        return SIMNET_TX_SEND;
    }
    memcpy(data, buf + WIRE_HEADROOM, out);
    *len = out;
    c->tamper_ctr.rewritten++;
    return SIMNET_TX_SEND;
}

void cluster_set_tamper(cluster *c, cluster_tamper_fn fn, void *ctx)
{
    c->tamper = fn;
    c->tamper_ctx = ctx;
    memset(&c->tamper_ctr, 0, sizeof c->tamper_ctr);
    simnet_set_tx_hook(&c->net, fn != NULL ? tamper_hook : NULL, c);
}

const cluster_tamper_counters *cluster_tamper_stats(const cluster *c)
{
    return &c->tamper_ctr;
}

int cluster_start_dkg(cluster *c, uint32_t i, uint64_t sid, const uint16_t *parts, uint16_t n, uint16_t t)
{
    tss_api_dkg_request *r = calloc(1, sizeof *r);
    if (r == NULL) return TSS_ERR_CAPACITY;
    r->session_id = sid;
    r->scheme = TSS_API_SCHEME_FROST_ED25519;
    r->threshold = t;
    r->n_participants = n;
    memcpy(r->participants, parts, n * sizeof *parts);
    char msg[TSS_API_ERRMSG_MAX] = "";
    const tss_api_backend *b = node_backend(c->nodes[i]);
    int rc = b->start_dkg(b->ctx, r, msg);
    free(r);
    return rc;
}

int cluster_start_sign(cluster *c, uint32_t i, uint64_t sid, uint64_t key_id, const uint8_t *m, size_t len,
                       const uint16_t *signers, uint16_t n_signers)
{
    tss_api_sign_request *r = calloc(1, sizeof *r);
    if (r == NULL) return TSS_ERR_CAPACITY;
    r->session_id = sid;
    r->key_id = key_id;
    r->scheme = TSS_API_SCHEME_FROST_ED25519;
    r->n_signers = n_signers;
    if (n_signers > 0) memcpy(r->signers, signers, n_signers * sizeof *signers);
    r->message_len = len;
    memcpy(r->message, m, len);
    char msg[TSS_API_ERRMSG_MAX] = "";
    const tss_api_backend *b = node_backend(c->nodes[i]);
    int rc = b->start_sign(b->ctx, r, msg);
    free(r);
    return rc;
}

int cluster_session(cluster *c, uint32_t i, uint64_t sid, tss_api_session_info *out)
{
    memset(out, 0, sizeof *out);
    const tss_api_backend *b = node_backend(c->nodes[i]);
    return b->get_session(b->ctx, sid, out);
}

uint32_t cluster_wait(cluster *c, uint64_t sid, const uint16_t *nodes, uint32_t n_nodes, uint64_t max_ms)
{
    uint64_t deadline = cluster_now_us(c) + max_ms * 1000u;
    for (;;) {
        uint32_t finished = 0, done = 0;
        for (uint32_t k = 0; k < n_nodes; k++) {
            if (cluster_session(c, nodes[k], sid, c->info) != TSS_OK) continue;
            if (c->info->state == TSS_API_STATE_DONE) done++;
            if (c->info->state == TSS_API_STATE_DONE || c->info->state == TSS_API_STATE_FAILED) finished++;
        }
        if (finished == n_nodes || cluster_now_us(c) >= deadline) return done;
        for (int s = 0; s < 16; s++) cluster_step(c);
    }
}
