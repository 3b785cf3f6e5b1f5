/* Simulated network backend: seeded loss, duplication, delay and reordering between in-process ports. */
#include "dataplane/simnet.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "dataplane/addr.h"
#include "dataplane/counter.h"

struct simnet_flight {
    uint64_t due_us;
    uint64_t seq;
    dp_addr src;
    uint32_t len;
    uint32_t truncated;
    uint8_t data[DP_PKT_DATA_ROOM];
};

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(simnet *n)
{
    uint64_t *s = n->rng;
    uint64_t r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return r;
}

static int chance(simnet *n, uint32_t ppm)
{
    return ppm > 0 && rng_next(n) % 1000000u < ppm;
}

static simnet_port *route(simnet *n, const dp_addr *to)
{
    for (uint32_t i = 0; i < n->n_ports; i++)
        if (n->ports[i]->open && dp_addr_equal(&n->ports[i]->addr, to)) return n->ports[i];
    return NULL;
}

static int before(const simnet *n, uint32_t a, uint32_t b)
{
    const simnet_flight *fa = &n->flights[a], *fb = &n->flights[b];
    return fa->due_us < fb->due_us || (fa->due_us == fb->due_us && fa->seq < fb->seq);
}

static void heap_push(simnet_port *p, uint32_t f)
{
    uint32_t i = p->heap_len++;
    p->heap[i] = f;
    while (i > 0) {
        uint32_t up = (i - 1) / 2;
        if (!before(p->net, p->heap[i], p->heap[up])) break;
        uint32_t t = p->heap[i];
        p->heap[i] = p->heap[up];
        p->heap[up] = t;
        i = up;
    }
}

static uint32_t heap_pop(simnet_port *p)
{
    uint32_t top = p->heap[0];
    p->heap[0] = p->heap[--p->heap_len];
    uint32_t i = 0;
    for (;;) {
        uint32_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < p->heap_len && before(p->net, p->heap[l], p->heap[m])) m = l;
        if (r < p->heap_len && before(p->net, p->heap[r], p->heap[m])) m = r;
        if (m == i) break;
        uint32_t t = p->heap[i];
        p->heap[i] = p->heap[m];
        p->heap[m] = t;
        i = m;
    }
    return top;
}

static int enqueue(simnet *n, simnet_port *dst, const dp_addr *src, const uint8_t *data, size_t len,
                   uint64_t due)
{
    if (n->n_free == 0) {
        ctr_inc(&n->ctr.overflow);
        return TSS_ERR_CAPACITY;
    }
    uint32_t f = n->free_list[--n->n_free];
    simnet_flight *fl = &n->flights[f];
    fl->due_us = due;
    fl->seq = n->next_seq++;
    fl->src = *src;
    fl->truncated = len > DP_PKT_DATA_ROOM;
    fl->len = (uint32_t)(fl->truncated ? DP_PKT_DATA_ROOM : len);
    memcpy(fl->data, data, fl->len);
    heap_push(dst, f);
    return TSS_OK;
}

static uint64_t base_delay(simnet *n)
{
    uint64_t span = n->cfg.delay_max_us > n->cfg.delay_min_us ? n->cfg.delay_max_us - n->cfg.delay_min_us : 0;
    return n->cfg.delay_min_us + (span ? rng_next(n) % (span + 1) : 0);
}

static int sim_tx(dp_port *port, dp_pkt **pkts, unsigned cnt)
{
    simnet_port *p = (simnet_port *)(void *)((uint8_t *)port - offsetof(simnet_port, port));
    simnet *n = p->net;
    uint64_t now = n->cfg.now_us(n->cfg.clock_ctx);
    for (unsigned i = 0; i < cnt; i++) {
        dp_pkt *pkt = pkts[i];
        ctr_inc(&port->ctr.tx_pkts);
        ctr_add(&port->ctr.tx_bytes, pkt->len);
        ctr_inc(&n->ctr.sent);
        if (n->tx_hook != NULL) {
            size_t len = pkt->len;
            simnet_tx_verdict v =
                n->tx_hook(n->tx_hook_ctx, p, &pkt->addr, dp_pkt_data(pkt), &len, DP_PKT_DATA_ROOM);
            if (v != SIMNET_TX_SEND || len > DP_PKT_DATA_ROOM) {
                ctr_inc(&n->ctr.filtered);
                dp_pool_put(port->pool, pkt);
                continue;
            }
            pkt->len = (uint32_t)len;
        }
        simnet_port *dst = route(n, &pkt->addr);
        if (dst == NULL) {
            ctr_inc(&n->ctr.no_route);
        } else if (chance(n, n->cfg.drop_ppm)) {
            ctr_inc(&n->ctr.dropped);
        } else {
            unsigned copies = chance(n, n->cfg.duplicate_ppm) ? 2 : 1;
            if (copies == 2) ctr_inc(&n->ctr.duplicated);
            for (unsigned c = 0; c < copies; c++) {
                uint64_t d = base_delay(n);
                if (n->cfg.reorder_us > 0 && chance(n, n->cfg.reorder_ppm)) {
                    d += rng_next(n) % (n->cfg.reorder_us + 1);
                    ctr_inc(&n->ctr.reordered);
                }
                enqueue(n, dst, &p->addr, dp_pkt_data(pkt), pkt->len, now + d);
            }
        }
        dp_pool_put(port->pool, pkt);
    }
    return (int)cnt;
}

static int sim_rx(dp_port *port, dp_pkt **pkts, unsigned max)
{
    simnet_port *p = (simnet_port *)(void *)((uint8_t *)port - offsetof(simnet_port, port));
    simnet *n = p->net;
    uint64_t now = n->cfg.now_us(n->cfg.clock_ctx);
    unsigned got = 0;
    while (got < max && p->heap_len > 0 && n->flights[p->heap[0]].due_us <= now) {
        simnet_flight *fl = &n->flights[p->heap[0]];
        if (fl->truncated) {
            ctr_inc(&port->ctr.rx_truncated);
            n->free_list[n->n_free++] = heap_pop(p);
            continue;
        }
        dp_pkt *pkt = dp_pool_get(port->pool);
        if (pkt == NULL) {
            ctr_inc(&port->ctr.rx_nobuf);
            break;
        }
        uint32_t f = heap_pop(p);
        memcpy(dp_pkt_data(pkt), fl->data, fl->len);
        pkt->len = fl->len;
        pkt->addr = fl->src;
        pkt->rx_ns = now * 1000u;
        ctr_inc(&port->ctr.rx_pkts);
        ctr_add(&port->ctr.rx_bytes, fl->len);
        ctr_inc(&n->ctr.delivered);
        n->free_list[n->n_free++] = f;
        pkts[got++] = pkt;
    }
    return (int)got;
}

static void sim_close(dp_port *port)
{
    simnet_port *p = (simnet_port *)(void *)((uint8_t *)port - offsetof(simnet_port, port));
    simnet *n = p->net;
    while (p->heap_len > 0) n->free_list[n->n_free++] = heap_pop(p);
    p->open = 0;
    free(p->heap);
    p->heap = NULL;
}

static const dp_ops simnet_ops = {.name = "simnet", .rx_burst = sim_rx, .tx_burst = sim_tx, .close = sim_close};

int simnet_init(simnet *net, const simnet_config *cfg)
{
    if (net == NULL || cfg == NULL || cfg->capacity == 0 || cfg->now_us == NULL ||
        cfg->delay_max_us < cfg->delay_min_us || cfg->drop_ppm > 1000000 || cfg->duplicate_ppm > 1000000 ||
        cfg->reorder_ppm > 1000000)
        return TSS_ERR_INVALID_ARG;
    memset(net, 0, sizeof *net);
    net->cfg = *cfg;
    uint64_t x = cfg->seed;
    for (int i = 0; i < 4; i++) { /* splitmix64 expansion of the seed */
        x += 0x9e3779b97f4a7c15ull;
        uint64_t z = x;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        net->rng[i] = z ^ (z >> 31);
    }
    net->flights = calloc(cfg->capacity, sizeof *net->flights);
    net->free_list = calloc(cfg->capacity, sizeof *net->free_list);
    if (net->flights == NULL || net->free_list == NULL) {
        simnet_destroy(net);
        return TSS_ERR_CAPACITY;
    }
    for (uint32_t i = 0; i < cfg->capacity; i++) net->free_list[i] = cfg->capacity - 1 - i;
    net->n_free = cfg->capacity;
    return TSS_OK;
}

void simnet_destroy(simnet *net)
{
    if (net == NULL) return;
    for (uint32_t i = 0; i < net->n_ports; i++)
        if (net->ports[i]->open) sim_close(&net->ports[i]->port);
    free(net->flights);
    free(net->free_list);
    memset(net, 0, sizeof *net);
}

int simnet_port_open(simnet_port *p, simnet *net, dp_pool *pool, const dp_addr *addr)
{
    if (p == NULL || net == NULL || pool == NULL || addr == NULL || addr->len == 0) return TSS_ERR_INVALID_ARG;
    if (route(net, addr) != NULL) return TSS_ERR_DUPLICATE;
    if (net->n_ports == SIMNET_MAX_PORTS) return TSS_ERR_CAPACITY;
    memset(p, 0, sizeof *p);
    p->heap = calloc(net->cfg.capacity, sizeof *p->heap);
    if (p->heap == NULL) return TSS_ERR_CAPACITY;
    p->port.ops = &simnet_ops;
    p->port.pool = pool;
    p->net = net;
    p->addr = *addr;
    p->open = 1;
    net->ports[net->n_ports++] = p;
    return TSS_OK;
}

int simnet_inject(simnet *net, const dp_addr *from, const dp_addr *to, const uint8_t *data, size_t len)
{
    if (net == NULL || from == NULL || to == NULL || (data == NULL && len != 0)) return TSS_ERR_INVALID_ARG;
    simnet_port *dst = route(net, to);
    if (dst == NULL) return TSS_ERR_NOT_FOUND;
    int rc = enqueue(net, dst, from, data, len, net->cfg.now_us(net->cfg.clock_ctx));
    if (rc == TSS_OK) ctr_inc(&net->ctr.injected);
    return rc;
}

void simnet_set_tx_hook(simnet *net, simnet_tx_hook fn, void *ctx)
{
    net->tx_hook = fn;
    net->tx_hook_ctx = fn != NULL ? ctx : NULL;
}

uint64_t simnet_next_due_us(const simnet *net)
{
    uint64_t best = UINT64_MAX;
    for (uint32_t i = 0; i < net->n_ports; i++) {
        const simnet_port *p = net->ports[i];
        if (p->open && p->heap_len > 0 && net->flights[p->heap[0]].due_us < best)
            best = net->flights[p->heap[0]].due_us;
    }
    return best;
}

uint32_t simnet_in_flight(const simnet *net)
{
    return net->cfg.capacity - net->n_free;
}
