/* Verify stage: batches received envelopes and checks their signatures with the batch verifier.
 *
 * The poller pushes each decoded envelope (signature, signed bytes, the configured key its sender
 * index selects, and an opaque `user` pointer, typically the dp_pkt) with vs_push(). A batch is
 * verified when it reaches max_batch items, or by vs_poll() once its oldest item has waited
 * max_wait_us, or by vs_flush(). After verification every item is handed to the `deliver` callback
 * in push order with valid = 1 or 0; invalid items are counted (and should be dropped/freed by the
 * callback), valid ones go on to the validator. A failed batch is not retried one by one: the batch
 * verifier itself reports which signatures are invalid (tss_ed25519_verify_batch_scratch `ok[]`).
 *
 * The signed bytes, signature and key pointed to by an item must stay valid until it is delivered.
 * All arrays and the verifier scratch are preallocated at init: no allocation on the path.
 * Single-threaded (one stage per verify core).
 */
#ifndef TSS_SRC_VERIFY_STAGE_H
#define TSS_SRC_VERIFY_STAGE_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/cpu.h"
#include "tss/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VS_MAX_BATCH 4096  /* == TSS_ED25519_BATCH_CHUNK: one verifier call per batch */

typedef struct vs_item {
    const uint8_t *sig;     /* 64 bytes */
    const uint8_t *msg;     /* signed bytes (wire_envelope.signed_msg) */
    size_t msg_len;
    const uint8_t *pk;      /* the sender's configured Ed25519 node key, 32 bytes */
    void *user;             /* passed back to deliver */
} vs_item;

/* Called once per item after its batch is verified, in push order. It must not call vs_push, vs_poll
 * or vs_flush on the same stage (they refuse while delivering): hand valid items onward instead. */
typedef void (*vs_deliver_fn)(void *cb_ctx, void *user, int valid);

typedef struct vs_config {
    uint32_t max_batch;     /* 1 .. VS_MAX_BATCH; 1 means single verification */
    uint64_t max_wait_us;   /* longest an item waits before vs_poll verifies a partial batch */
    vs_deliver_fn deliver;
    void *cb_ctx;
    tss_backend backend;    /* verification backend; TSS_BACKEND_AUTO (0, the zero-initialised default)
                             * resolves per call (TSS_BACKEND env, else the fastest); from [engine] backend */
} vs_config;

typedef struct vs_counters {
    uint64_t pushed;        /* items received */
    uint64_t valid;         /* signatures that verified */
    uint64_t invalid;       /* signatures that did not (dropped) */
    uint64_t batches;       /* verifier calls */
    uint64_t batches_failed;/* batches containing at least one invalid signature */
    uint64_t flush_full;    /* batches verified because max_batch was reached */
    uint64_t flush_timeout; /* batches verified by vs_poll because max_wait_us elapsed */
    uint64_t flush_explicit;/* batches verified by vs_flush */
} vs_counters;

typedef struct verify_stage {
    vs_config cfg;
    const uint8_t **sigs;   /* arrays of max_batch entries in the caller's memory */
    const uint8_t **msgs;
    size_t *lens;
    const uint8_t **pks;
    void **users;
    int *ok;
    void *scratch;          /* verifier scratch */
    size_t scratch_len;
    uint32_t n;             /* items pending */
    uint64_t first_us;      /* push time of the oldest pending item */
    int delivering;         /* inside the deliver callback */
    vs_counters ctr;
} verify_stage;

/* Bytes of memory vs_init needs for cfg (0 if cfg is invalid). */
size_t vs_mem_size(const vs_config *cfg);
/* Initialises vs over mem (mem_len >= vs_mem_size(cfg), 16-byte aligned; kept alive by the caller).
 * TSS_OK or TSS_ERR_INVALID_ARG. */
int vs_init(verify_stage *vs, const vs_config *cfg, void *mem, size_t mem_len);

/* Queues one item at time now_us (any monotonic microsecond clock, the same for vs_poll). If this
 * fills the batch, the batch is verified and delivered before returning. TSS_OK,
 * TSS_ERR_INVALID_ARG (NULL fields) or TSS_ERR_STATE (called from deliver); on error the item is
 * neither queued nor delivered. */
int vs_push(verify_stage *vs, const vs_item *item, uint64_t now_us);

/* Verifies the pending batch if its oldest item has waited >= max_wait_us; returns the number of
 * items delivered (0 if none were due). */
unsigned vs_poll(verify_stage *vs, uint64_t now_us);

/* Verifies and delivers whatever is pending now; returns the number delivered. */
unsigned vs_flush(verify_stage *vs);

/* Items waiting. */
static inline uint32_t vs_pending(const verify_stage *vs)
{
    return vs->n;
}

/* Time by which vs_poll must run for the pending batch (UINT64_MAX if nothing is pending): a
 * poller that sleeps (epoll) uses it as its timeout. */
uint64_t vs_deadline_us(const verify_stage *vs);

#ifdef __cplusplus
}
#endif
#endif
