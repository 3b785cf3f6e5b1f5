/* Poller: rx burst -> rx pipeline -> dispatch by session id to the owning engine. */
#include "src/poller.h"

#include <stdlib.h>
#include <string.h>

#include "dataplane/counter.h"
#include "util/align.h"

static void on_message(void *ctx, const reasm_msg *msg, const dp_addr *from)
{
    (void)from;
    poller *p = ctx;
    ctr_inc(&p->ctr.by_type[msg->hdr.type % WIRE_TYPE_LIMIT]);
    if (msg->hdr.session_id == 0) {
        ctr_inc(&p->ctr.session_less);
        return;
    }
    if (msg->len > ENGINE_MSG_MAX) {
        ctr_inc(&p->ctr.drop_too_large);
        return;
    }
    dp_link *link = p->cfg.links[engine_for_session(msg->hdr.session_id, p->cfg.n_links)];
    engine_msg *m = dp_link_acquire(link);
    if (m == NULL) {
        ctr_inc(&p->ctr.drop_no_buffer);
        return;
    }
    m->session_id = msg->hdr.session_id;
    m->arrival_ms = 0;
    m->sender = msg->hdr.sender;
    m->type = msg->hdr.type;
    m->round = msg->hdr.round;
    m->len = (uint32_t)msg->len;
    if (msg->len > 0) memcpy(m->data, msg->data, msg->len);
    if (!dp_link_send(link, m)) {
        ctr_inc(&p->ctr.drop_ring_full);
        return;
    }
    ctr_inc(&p->ctr.dispatched);
}

static unsigned take_returns(poller *p)
{
    unsigned work = 0;
    for (uint32_t k = 0; k < p->cfg.n_links; k++) work += dp_link_reclaim(p->cfg.links[k]);
    return work;
}

unsigned poller_poll(poller *p)
{
    unsigned work = take_returns(p);
    dp_pool *pool = p->cfg.port->pool;
    unsigned max = pool->free_count < DP_BURST_MAX ? pool->free_count : DP_BURST_MAX;
    dp_pkt *pkts[DP_BURST_MAX];
    int n = max > 0 ? dp_rx_burst(p->cfg.port, pkts, max) : 0;
    uint64_t now_ms = p->cfg.wall_ms(p->cfg.clock_ctx);
    uint64_t now_us = p->cfg.mono_us(p->cfg.clock_ctx);
    if (n < 0) {
        ctr_inc(&p->ctr.port_errors);
        n = 0;
    }
    if (n > 0) {
        ctr_inc(&p->ctr.bursts);
        rx_pipeline_input(&p->rx, pkts, (unsigned)n, now_us, now_ms);
        work += (unsigned)n;
    }
    rx_pipeline_poll(&p->rx, now_us, now_ms);
    /* An idle port means no more envelopes are coming to fill the batch: verify what is pending now
     * rather than wait (batches still fill under load, when bursts keep arriving). */
    if (n == 0 && vs_pending(&p->rx.vs) > 0) {
        rx_pipeline_flush(&p->rx, now_ms);
        work++;
    }
    return work;
}

int poller_init(poller *p, const poller_config *cfg)
{
    if (p == NULL || cfg == NULL) return TSS_ERR_INVALID_ARG;
    memset(p, 0, sizeof *p);
    if (cfg->port == NULL || cfg->port->pool == NULL || cfg->links == NULL || cfg->n_links == 0 ||
        cfg->wall_ms == NULL || cfg->mono_us == NULL)
        return TSS_ERR_INVALID_ARG;
    for (uint32_t k = 0; k < cfg->n_links; k++)
        if (cfg->links[k] == NULL || cfg->links[k]->buf_size < sizeof(engine_msg)) return TSS_ERR_INVALID_ARG;
    p->cfg = *cfg;
    p->cfg.rx.pool = cfg->port->pool;
    p->cfg.rx.on_message = on_message;
    p->cfg.rx.cb_ctx = p;
    size_t need = rx_pipeline_mem_size(&p->cfg.rx);
    if (need == 0) return TSS_ERR_INVALID_ARG;
    p->rx_mem = tss_aligned_alloc(64, need);
    if (p->rx_mem == NULL) return TSS_ERR_CAPACITY;
    if (rx_pipeline_init(&p->rx, &p->cfg.rx, p->rx_mem, need) != TSS_OK) {
        poller_destroy(p);
        return TSS_ERR_INVALID_ARG;
    }
    return TSS_OK;
}

void poller_destroy(poller *p)
{
    if (p == NULL) return;
    free(p->rx_mem);
    memset(p, 0, sizeof *p);
}
