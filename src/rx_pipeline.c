/* Receive pipeline: decode -> key lookup -> batch verify -> validate -> reassemble -> deliver. */
#include "src/rx_pipeline.h"

#include <string.h>

#include "dataplane/counter.h"
#include "util/align.h"

struct rx_slot {
    wire_envelope env;
    dp_pkt *pkt;
};

static void on_verified(void *ctx, void *user, int valid);

static vs_config vs_cfg(const rx_pipeline_config *cfg, rx_pipeline *rx)
{
    vs_config v = {.max_batch = cfg->max_batch, .max_wait_us = cfg->max_wait_us, .deliver = on_verified,
                   .cb_ctx = rx, .backend = cfg->backend};
    return v;
}

static int layout(const rx_pipeline_config *cfg, size_t sizes[4])
{
    if (cfg == NULL || cfg->pool == NULL || cfg->peer_keys == NULL || cfg->on_message == NULL ||
        cfg->n_peers == 0 || cfg->n_peers != cfg->validator.n_peers)
        return 0;
    vs_config v = vs_cfg(cfg, NULL);
    sizes[0] = tss_align_up(vs_mem_size(&v), 64);
    sizes[1] = tss_align_up(validator_mem_size(&cfg->validator), 64);
    sizes[2] = tss_align_up(reasm_mem_size(&cfg->reasm), 64);
    sizes[3] = tss_align_up((size_t)cfg->max_batch * sizeof(rx_slot), 64);
    return sizes[0] != 0 && sizes[1] != 0 && sizes[2] != 0;
}

size_t rx_pipeline_mem_size(const rx_pipeline_config *cfg)
{
    size_t s[4];
    if (!layout(cfg, s)) return 0;
    return s[0] + s[1] + s[2] + s[3];
}

int rx_pipeline_init(rx_pipeline *rx, const rx_pipeline_config *cfg, void *mem, size_t mem_len)
{
    size_t s[4];
    if (rx == NULL || mem == NULL || !layout(cfg, s) || mem_len < s[0] + s[1] + s[2] + s[3] ||
        ((uintptr_t)mem & 63u) != 0)
        return TSS_ERR_INVALID_ARG;
    memset(rx, 0, sizeof *rx);
    rx->cfg = *cfg;
    uint8_t *p = mem;
    vs_config v = vs_cfg(cfg, rx);
    if (vs_init(&rx->vs, &v, p, s[0]) != TSS_OK) return TSS_ERR_INVALID_ARG;
    p += s[0];
    if (validator_init(&rx->val, &cfg->validator, p, s[1]) != TSS_OK) return TSS_ERR_INVALID_ARG;
    p += s[1];
    if (reasm_init(&rx->reasm, &cfg->reasm, p, s[2]) != TSS_OK) return TSS_ERR_INVALID_ARG;
    p += s[2];
    rx->slots = (rx_slot *)(void *)p;
    return TSS_OK;
}

static void on_verified(void *ctx, void *user, int valid)
{
    rx_pipeline *rx = ctx;
    rx_slot *slot = user;
    dp_pkt *pkt = slot->pkt;
    if (valid && validator_check(&rx->val, &slot->env, rx->now_ms) == VALIDATOR_OK) {
        reasm_msg msg;
        if (reasm_add(&rx->reasm, &slot->env, rx->now_ms, &msg) == 1) {
            ctr_inc(&rx->ctr.delivered);
            rx->cfg.on_message(rx->cfg.cb_ctx, &msg, &pkt->addr);
            reasm_release(&rx->reasm, &msg);
        }
    }
    dp_pool_put(rx->cfg.pool, pkt);
}

void rx_pipeline_input(rx_pipeline *rx, dp_pkt *const *pkts, unsigned n, uint64_t now_us, uint64_t now_ms)
{
    rx->now_ms = now_ms;
    for (unsigned i = 0; i < n; i++) {
        dp_pkt *pkt = pkts[i];
        /* The slot index is the item's position in the pending batch: the stage delivers and
         * empties the whole batch before that position is reused. */
        rx_slot *slot = &rx->slots[vs_pending(&rx->vs)];
        if (wire_decode(dp_pkt_data(pkt), pkt->len, &slot->env, &rx->wire) != TSS_OK) {
            dp_pool_put(rx->cfg.pool, pkt);
            continue;
        }
        uint16_t sender = slot->env.hdr.sender;
        if (sender >= rx->cfg.n_peers || (rx->cfg.peer_present != NULL && !rx->cfg.peer_present[sender])) {
            ctr_inc(&rx->ctr.no_key);
            dp_pool_put(rx->cfg.pool, pkt);
            continue;
        }
        slot->pkt = pkt;
        vs_item it = {.sig = slot->env.sig,
                      .msg = slot->env.signed_msg,
                      .msg_len = slot->env.signed_len,
                      .pk = rx->cfg.peer_keys + (size_t)32 * sender,
                      .user = slot};
        if (vs_push(&rx->vs, &it, now_us) != TSS_OK) dp_pool_put(rx->cfg.pool, pkt);
    }
}

void rx_pipeline_poll(rx_pipeline *rx, uint64_t now_us, uint64_t now_ms)
{
    rx->now_ms = now_ms;
    vs_poll(&rx->vs, now_us);
    reasm_expire(&rx->reasm, now_ms);
}

void rx_pipeline_flush(rx_pipeline *rx, uint64_t now_ms)
{
    rx->now_ms = now_ms;
    vs_flush(&rx->vs);
}
