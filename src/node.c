/* The node: builds the topology from the config (identity, peers, store, ports, the links and the tiles
 * they join, the control plane) and tears it down. What runs where is src/node_tiles.c; the control loop
 * src/node_events.c; the API backend src/node_api.c; the key registry src/node_keys.c; the metrics
 * src/node_metrics.c (src/node_internal.h lists them). */
#include "src/node_internal.h"

#include <arpa/inet.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/align.h"
#include "util/clock.h"

/* ---- clocks and logging ---- */

static uint64_t real_wall_ms(void *ctx) { (void)ctx; return tss_clock_wall_ms(); }
static uint64_t real_mono_ms(void *ctx) { (void)ctx; return tss_clock_mono_ms(); }
static uint64_t real_mono_us(void *ctx) { (void)ctx; return tss_clock_mono_us(); }

uint64_t node_now_us(node *n)
{
    return n->opt.mono_us(n->opt.clock_ctx);
}

void node_log(node *n, const char *fmt, ...)
{
    if (n->opt.log == NULL) return;
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    n->opt.log(n->opt.log_ctx, line);
}

/* ---- construction, one part at a time (each: TSS_OK, or an error with err = "what failed: why") ---- */

#define FAIL(code, ...)                                                                                          \
    do {                                                                                                         \
        snprintf(err, err_len, __VA_ARGS__);                                                                     \
        return (code);                                                                                           \
    } while (0)

static int open_socket_port(void *ctx, uint32_t role, dp_pool *pool, const struct sockaddr_in *bind, dp_port **out)
{
    node *n = ctx;
    dp_socket *s = role == 0 ? &n->rx_sock : &n->tx_sock[role - 1];
    char host[INET_ADDRSTRLEN];
    if (inet_ntop(AF_INET, &bind->sin_addr, host, sizeof host) == NULL) return TSS_ERR_INVALID_ARG;
    /* Engines transmit from their own socket on an ephemeral port: peers identify senders by key. */
    int rc = dp_socket_open(s, pool, host, role == 0 ? ntohs(bind->sin_port) : 0);
    if (rc == TSS_OK) *out = &s->port;
    return rc;
}

static void set_defaults(node *n, const node_options *opt)
{
    if (opt != NULL) n->opt = *opt;
    if (n->opt.wall_ms == NULL) n->opt.wall_ms = real_wall_ms;
    if (n->opt.mono_ms == NULL || n->opt.mono_us == NULL) {
        n->opt.mono_ms = real_mono_ms;
        n->opt.mono_us = real_mono_us;
    }
    if (n->opt.open_port == NULL) {
        n->opt.open_port = open_socket_port;
        n->opt.port_ctx = n;
    }
    if (n->opt.replay_per_peer == 0) n->opt.replay_per_peer = 2048;
}

/* Identity, the peer table, and the tables by peer index the engines and the poller read. */
static int build_peers(node *n, char *err, size_t err_len)
{
    const tss_config *cfg = &n->cfg;
    char e2[1024];
    int rc;
    if (n->opt.identity != NULL) {
        n->id = *n->opt.identity;
    } else if ((rc = tss_identity_load(&n->id, cfg->node.identity_key_file, e2, sizeof e2)) != TSS_OK) {
        FAIL(rc, "identity: %s", e2);
    }
    if ((rc = tss_peer_table_from_config(&n->peers, cfg)) != TSS_OK)
        FAIL(rc, "%s: peer table: %s", cfg->path, tss_status_str(rc));
    if ((rc = tss_peer_table_check_self(&n->peers, n->id.public_key)) != TSS_OK)
        FAIL(rc, "%s: the identity key does not match [peer.%u] public_key", cfg->path, cfg->node.index);
    uint32_t max_idx = 0;
    for (size_t i = 0; i < n->peers.n; i++)
        if (n->peers.peers[i].index > max_idx) max_idx = n->peers.peers[i].index;
    n->n_idx = (uint16_t)(max_idx + 1);
    n->peer_pk = calloc(n->n_idx, 32);
    n->peer_present = calloc(n->n_idx, 1);
    n->peer_addr = calloc(n->n_idx, sizeof *n->peer_addr);
    if (!n->peer_pk || !n->peer_present || !n->peer_addr) FAIL(TSS_ERR_CAPACITY, "out of memory");
    for (size_t i = 0; i < n->peers.n; i++) {
        const tss_peer *p = &n->peers.peers[i];
        memcpy(n->peer_pk[p->index], p->public_key, 32);
        n->peer_present[p->index] = 1;
        memcpy(&n->peer_addr[p->index].u.in4, &p->address, sizeof p->address);
        n->peer_addr[p->index].len = sizeof p->address;
    }
    return TSS_OK;
}

static int build_store(node *n, char *err, size_t err_len)
{
    const tss_config *cfg = &n->cfg;
    int rc = tss_store_open_configured(&n->store, cfg->node.data_dir, cfg->node.master_key_file,
                                       cfg->node.master_passphrase_env);
    if (rc != TSS_OK) FAIL(rc, "store %s: %s", cfg->node.data_dir, n->store.error);
    n->store_open = 1;
    n->keys = calloc(NODE_MAX_KEYS, sizeof *n->keys);
    if (n->keys == NULL) FAIL(TSS_ERR_CAPACITY, "out of memory");
    if ((rc = node_keys_load(n)) != TSS_OK) FAIL(rc, "store %s: cannot list keys", cfg->node.data_dir);
    return TSS_OK;
}

static int alloc_pool(dp_pool *pool, void **mem, uint32_t count)
{
    size_t sz = dp_pool_mem_size(count);
    if (sz == 0) return TSS_ERR_INVALID_ARG;
    *mem = tss_aligned_alloc(64, sz);
    if (*mem == NULL) return TSS_ERR_CAPACITY;
    return dp_pool_init(pool, count, *mem, sz);
}

/* The rx port (the listen address) and one tx port per engine, each with its own packet pool. */
static int build_ports(node *n, char *err, size_t err_len)
{
    const tss_config *cfg = &n->cfg;
    int rc;
    n->tx_sock = calloc(n->n_engines, sizeof *n->tx_sock);
    if (n->tx_sock == NULL) FAIL(TSS_ERR_CAPACITY, "out of memory");
    uint32_t rx_count = cfg->engine.verify_batch * 2 + 4 * DP_BURST_MAX;
    if ((rc = alloc_pool(&n->rx_pool, &n->rx_pool_mem, rx_count)) != TSS_OK) FAIL(rc, "rx packet pool");
    if ((rc = n->opt.open_port(n->opt.port_ctx, 0, &n->rx_pool, &cfg->node.listen, &n->rx_port)) != TSS_OK)
        FAIL(rc, "%s:%d: cannot open the node's UDP port (%s)", cfg->path, cfg->node.listen_line,
             tss_status_str(rc));
    for (uint32_t k = 0; k < n->n_engines; k++) {
        struct sockaddr_in b = cfg->node.listen;
        if ((rc = alloc_pool(&n->tx_pool[k], &n->tx_pool_mem[k], 1024)) != TSS_OK) FAIL(rc, "tx packet pool");
        if ((rc = n->opt.open_port(n->opt.port_ctx, 1 + k, &n->tx_pool[k], &b, &n->tx_port[k])) != TSS_OK)
            FAIL(rc, "engine %u: cannot open its tx port (%s)", k, tss_status_str(rc));
    }
    return TSS_OK;
}

/* Each engine and the link that feeds it from the poller: the link's ring holds ring_capacity messages
 * and its pool as many again as the engine may keep for sessions it has not started yet. */
static int build_engines(node *n, char *err, size_t err_len)
{
    const tss_config *cfg = &n->cfg;
    int rc;
    n->engines = calloc(n->n_engines, sizeof *n->engines);
    if (n->engines == NULL) FAIL(TSS_ERR_CAPACITY, "out of memory");
    uint64_t tick_cap = cfg->timeouts.retry_initial_ms < 250 ? cfg->timeouts.retry_initial_ms : 250;
    for (uint32_t k = 0; k < n->n_engines; k++) {
        dp_link_config lc = {.depth = cfg->engine.ring_capacity,
                             .held = NODE_PENDING_SESSIONS * cfg->engine.early_messages,
                             .buf_size = sizeof(engine_msg)};
        if ((rc = dp_link_init(&n->links[k], &lc)) != TSS_OK) FAIL(rc, "engine %u: link: %s", k, tss_status_str(rc));
        n->link_ptrs[k] = &n->links[k];
        engine_config ec = {
            .index = k,
            .arena_sessions = cfg->engine.arena_sessions,
            .early_messages = cfg->engine.early_messages,
            .pending_sessions = NODE_PENDING_SESSIONS,
            .pending_expiry_ms = cfg->timeouts.session_ms,
            .linger_ms = cfg->timeouts.session_ms,
            .tick_cap_ms = tick_cap ? tick_cap : 1,
            .timing = {.retry_initial_ms = cfg->timeouts.retry_initial_ms,
                       .retry_max = cfg->timeouts.retry_max,
                       .attempt_timeout_ms = cfg->timeouts.round_ms,
                       .session_timeout_ms = cfg->timeouts.session_ms},
            .keys = {.self = (uint16_t)cfg->node.index,
                     .node_sk = n->id.secret_key,
                     .peer_pk = (const uint8_t(*)[32])n->peer_pk,
                     .n_peers = n->n_idx},
            .peer_addr = n->peer_addr,
            .msg_in = &n->links[k],
            .tx_port = n->tx_port[k],
            .mono_ms = n->opt.mono_ms,
            .wall_ms = n->opt.wall_ms,
            .clock_ctx = n->opt.clock_ctx,
        };
        if ((rc = engine_init(&n->engines[k], &ec)) != TSS_OK) FAIL(rc, "engine %u: %s", k, tss_status_str(rc));
    }
    return TSS_OK;
}

/* The poller: the rx port, the receive pipeline's limits, and the producer ends of the engines' links. */
static int build_poller(node *n, char *err, size_t err_len)
{
    const tss_config *cfg = &n->cfg;
    uint32_t max_msg = cfg->limits.max_payload < ENGINE_MSG_MAX ? cfg->limits.max_payload : ENGINE_MSG_MAX;
    poller_config pc = {
        .port = n->rx_port,
        .rx = {.peer_keys = &n->peer_pk[0][0],
               .peer_present = n->peer_present,
               .n_peers = n->n_idx,
               .max_batch = cfg->engine.verify_batch < VS_MAX_BATCH ? cfg->engine.verify_batch : VS_MAX_BATCH,
               .max_wait_us = cfg->engine.verify_wait_us,
               .backend = cfg->engine.backend,
               .validator = {.self_index = (uint16_t)cfg->node.index,
                             .n_peers = n->n_idx,
                             .max_skew_ms = cfg->timeouts.clock_skew_ms,
                             .replay_per_peer = n->opt.replay_per_peer,
                             .rate_per_sec = cfg->limits.rate_per_peer,
                             .rate_burst = cfg->limits.rate_per_peer,
                             .max_message_len = max_msg,
                             .is_member = NULL},
               .reasm = {.slots = 256, .max_msg_len = max_msg, .expiry_ms = cfg->timeouts.round_ms}},
        .links = n->link_ptrs,
        .n_links = n->n_engines,
        .wall_ms = n->opt.wall_ms,
        .mono_us = n->opt.mono_us,
        .clock_ctx = n->opt.clock_ctx,
    };
    int rc = poller_init(&n->poller, &pc);
    if (rc != TSS_OK) FAIL(rc, "poller: %s", tss_status_str(rc));
    return TSS_OK;
}

/* The control plane: the request pool, the status table, the latency histograms, metrics, the API backend. */
static int build_control(node *n, char *err, size_t err_len)
{
    uint32_t pool = n->cfg.engine.arena_sessions * n->n_engines;
    n->requests = calloc(pool, sizeof *n->requests);
    n->free_requests = calloc(pool, sizeof *n->free_requests);
    if (!n->requests || !n->free_requests) FAIL(TSS_ERR_CAPACITY, "out of memory");
    for (uint32_t i = 0; i < pool; i++) n->free_requests[i] = &n->requests[i];
    n->n_free_requests = pool;
    int rc = node_status_table_init(&n->status, pool * 2 + 1024);
    if (rc != TSS_OK) FAIL(rc, "session status table: %s", tss_status_str(rc));

    static const uint64_t bounds_ns[] = {1000000,   2500000,   5000000,    10000000,   25000000,  50000000,
                                         100000000, 250000000, 500000000, 1000000000, 2500000000, 5000000000,
                                         10000000000, 30000000000};
    tss_histogram_init(&n->latency_sign, bounds_ns, sizeof bounds_ns / sizeof bounds_ns[0], 1, 1000000000u);
    tss_histogram_init(&n->latency_dkg, bounds_ns, sizeof bounds_ns / sizeof bounds_ns[0], 1, 1000000000u);
    tss_metrics_init(&n->metrics, n->metric_entries, NODE_METRIC_ENTRIES);
    if ((rc = node_register_metrics(n)) != TSS_OK) FAIL(rc, "metrics registration: %s", tss_status_str(rc));
    node_api_backend_init(n);
    return TSS_OK;
}

#undef FAIL

int node_create(node **out, const tss_config *cfg, const node_options *opt, char *err, size_t err_len)
{
    if (out == NULL || cfg == NULL || err == NULL || err_len == 0) return TSS_ERR_INVALID_ARG;
    *out = NULL;
    err[0] = '\0';
    if (tss_init() != TSS_OK) {
        snprintf(err, err_len, "libsodium: initialisation failed");
        return TSS_ERR_CRYPTO;
    }
    node *n = calloc(1, sizeof *n);
    if (n == NULL) {
        snprintf(err, err_len, "out of memory");
        return TSS_ERR_CAPACITY;
    }
    pthread_mutex_init(&n->lock, NULL);
    n->cfg = *cfg;
    set_defaults(n, opt);
    n->n_engines = (uint32_t)cfg->cores.n_engines;
    int rc = TSS_ERR_INVALID_ARG;
    if (n->n_engines == 0 || n->n_engines > NODE_MAX_ENGINES)
        snprintf(err, err_len, "%s: no engine cores", cfg->path);
    else if ((rc = build_peers(n, err, err_len)) == TSS_OK && (rc = build_store(n, err, err_len)) == TSS_OK &&
             (rc = build_ports(n, err, err_len)) == TSS_OK && (rc = build_engines(n, err, err_len)) == TSS_OK &&
             (rc = build_poller(n, err, err_len)) == TSS_OK)
        rc = build_control(n, err, err_len);
    if (rc != TSS_OK) {
        node_destroy(n);
        return rc;
    }
    node_log(n, "node %u: %zu peers, %u engine(s), %u session slots each, %zu key(s) loaded", cfg->node.index,
             n->peers.n, n->n_engines, cfg->engine.arena_sessions, n->n_keys);
    *out = n;
    return TSS_OK;
}

void node_destroy(node *n)
{
    if (n == NULL) return;
    node_stop(n);
    poller_destroy(&n->poller);
    if (n->engines != NULL)
        for (uint32_t k = 0; k < n->n_engines; k++) engine_destroy(&n->engines[k]);
    for (uint32_t k = 0; k < NODE_MAX_ENGINES; k++) {
        dp_link_destroy(&n->links[k]);
        if (n->tx_port[k] != NULL) dp_close(n->tx_port[k]);
        free(n->tx_pool_mem[k]);
    }
    if (n->rx_port != NULL) dp_close(n->rx_port);
    free(n->rx_pool_mem);
    if (n->store_open) tss_store_close(&n->store);
    if (n->requests != NULL) sodium_memzero(n->requests, sizeof *n->requests * n->cfg.engine.arena_sessions *
                                                             n->n_engines);
    free(n->requests);
    free(n->free_requests);
    node_status_table_destroy(&n->status);
    free(n->keys);
    free(n->peer_pk);
    free(n->peer_present);
    free(n->peer_addr);
    free(n->tx_sock);
    free(n->engines);
    tss_identity_wipe(&n->id);
    pthread_mutex_destroy(&n->lock);
    sodium_memzero(n, sizeof *n);
    free(n);
}

/* ---- accessors ---- */

const tss_api_backend *node_backend(node *n)
{
    return &n->backend;
}

const tss_metrics *node_metrics(const node *n)
{
    return &n->metrics;
}

poller *node_poller(node *n)
{
    return &n->poller;
}

engine *node_engine(node *n, uint32_t k)
{
    return k < n->n_engines ? &n->engines[k] : NULL;
}

uint32_t node_engine_count(const node *n)
{
    return n->n_engines;
}

const tss_identity *node_identity(const node *n)
{
    return &n->id;
}

size_t node_key_count(node *n)
{
    pthread_mutex_lock(&n->lock);
    size_t c = n->n_keys;
    pthread_mutex_unlock(&n->lock);
    return c;
}
