/* The receive pipeline of one poller core, assembled from the dataplane stages:
 *
 *   dp_rx_burst -> wire_decode -> peer key lookup -> verify stage (batch) -> validator
 *               -> reassembly -> on_message(...)
 *
 * Feed it the packets of each rx burst (rx_pipeline_input) and call rx_pipeline_poll from the
 * poller loop (it verifies a partial batch once it has waited max_wait_us, and expires partial
 * messages). Every packet handed in is returned to `pool` by the pipeline, whether it is dropped or
 * delivered, so the caller never frees them.
 *
 * on_message receives one complete, verified, validated message. Its data is only valid during the
 * call (it lives in the packet or in a reassembly slot): an engine on another core copies it into
 * its ring entry. The sender named in msg->hdr.sender is authenticated: its configured key verified
 * every fragment.
 *
 * No allocation after init; single-threaded (one pipeline per poller core).
 */
#ifndef TSS_SRC_RX_PIPELINE_H
#define TSS_SRC_RX_PIPELINE_H

#include <stddef.h>
#include <stdint.h>

#include "dataplane/pkt.h"
#include "dataplane/reassembly.h"
#include "dataplane/wire.h"
#include "src/validator.h"
#include "src/verify_stage.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A complete message; `from` is the packet that completed it (its source address). */
typedef void (*rx_message_fn)(void *ctx, const reasm_msg *msg, const dp_addr *from);

typedef struct rx_pipeline_config {
    dp_pool *pool;                    /* where every input packet is returned */
    const uint8_t *peer_keys;         /* n_peers * 32 bytes: Ed25519 node key of peer index i at 32*i */
    const uint8_t *peer_present;      /* 1 if index i is configured (NULL = all n_peers are) */
    uint16_t n_peers;                 /* must equal validator.n_peers */
    uint32_t max_batch;               /* verify stage batch size (1 .. VS_MAX_BATCH) */
    uint64_t max_wait_us;             /* verify stage bounded wait */
    tss_backend backend;              /* verify stage backend (vs_config.backend; 0 = TSS_BACKEND_AUTO) */
    validator_config validator;
    reasm_config reasm;
    rx_message_fn on_message;
    void *cb_ctx;
} rx_pipeline_config;

/* Drops before the signature check (the stage counters hold the rest). */
typedef struct rx_pipeline_counters {
    uint64_t no_key;        /* sender index with no configured key: cannot be verified, dropped */
    uint64_t delivered;     /* messages handed to on_message */
} rx_pipeline_counters;

typedef struct rx_slot rx_slot;

typedef struct rx_pipeline {
    rx_pipeline_config cfg;
    wire_counters wire;     /* decoder rejections */
    verify_stage vs;        /* vs.ctr.invalid: bad signatures */
    validator val;          /* val.ctr: policy rejections */
    reasm reasm;            /* reasm.ctr: fragment handling */
    rx_pipeline_counters ctr;
    rx_slot *slots;         /* one per pending verify item */
    uint64_t now_ms;        /* wall clock of the current input/poll call */
} rx_pipeline;

/* Bytes of memory rx_pipeline_init needs (0 if cfg is invalid). */
size_t rx_pipeline_mem_size(const rx_pipeline_config *cfg);
/* mem: >= rx_pipeline_mem_size(cfg) bytes, 64-byte aligned, kept alive. TSS_OK or TSS_ERR_INVALID_ARG. */
int rx_pipeline_init(rx_pipeline *rx, const rx_pipeline_config *cfg, void *mem, size_t mem_len);

/* Processes one rx burst. now_us: monotonic clock (batch wait); now_ms: wall clock (timestamps,
 * rate limits, fragment expiry). Takes ownership of all n packets. */
void rx_pipeline_input(rx_pipeline *rx, dp_pkt *const *pkts, unsigned n, uint64_t now_us, uint64_t now_ms);

/* Verifies a partial batch that has waited long enough and expires stale fragments. */
void rx_pipeline_poll(rx_pipeline *rx, uint64_t now_us, uint64_t now_ms);

/* Verifies and delivers everything pending now (e.g. at the end of a burst when latency matters
 * more than batch size, or at shutdown). */
void rx_pipeline_flush(rx_pipeline *rx, uint64_t now_ms);

#ifdef __cplusplus
}
#endif
#endif
