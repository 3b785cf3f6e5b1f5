/* Verify stage: bounded batches over tss_ed25519_verify_batch_scratch (see verify_stage.h). */
#include "src/verify_stage.h"

#include <string.h>

#include "dataplane/counter.h"
#include "crypto/ed25519_backend.h"
#include "tss/ed25519.h"
#include "util/align.h"

_Static_assert(VS_MAX_BATCH <= TSS_ED25519_BATCH_CHUNK, "one verifier chunk per batch");

/* Layout of the caller's memory: scratch first (16-byte aligned), then the per-item arrays. */
static size_t arrays_size(uint32_t m)
{
    return tss_align_up(m * sizeof(const uint8_t *), 16) * 3 + tss_align_up(m * sizeof(size_t), 16) + tss_align_up(m * sizeof(void *), 16) +
           tss_align_up(m * sizeof(int), 16);
}

size_t vs_mem_size(const vs_config *cfg)
{
    if (cfg == NULL || cfg->max_batch == 0 || cfg->max_batch > VS_MAX_BATCH || cfg->deliver == NULL ||
        (unsigned)cfg->backend >= TSS_BACKEND_COUNT)
        return 0;
    size_t scratch = cfg->max_batch > 1 ? tss_ed25519_verify_batch_scratch_size(cfg->max_batch) : 0;
    return tss_align_up(scratch, 16) + arrays_size(cfg->max_batch);
}

int vs_init(verify_stage *vs, const vs_config *cfg, void *mem, size_t mem_len)
{
    size_t need = vs_mem_size(cfg);
    if (vs == NULL || mem == NULL || need == 0 || mem_len < need || ((uintptr_t)mem & 15u) != 0)
        return TSS_ERR_INVALID_ARG;
    memset(vs, 0, sizeof *vs);
    vs->cfg = *cfg;
    uint32_t m = cfg->max_batch;
    uint8_t *p = mem;
    vs->scratch_len = m > 1 ? tss_ed25519_verify_batch_scratch_size(m) : 0;
    vs->scratch = vs->scratch_len > 0 ? p : NULL;
    p += tss_align_up(vs->scratch_len, 16);
    vs->sigs = (const uint8_t **)(void *)p;
    p += tss_align_up(m * sizeof(const uint8_t *), 16);
    vs->msgs = (const uint8_t **)(void *)p;
    p += tss_align_up(m * sizeof(const uint8_t *), 16);
    vs->pks = (const uint8_t **)(void *)p;
    p += tss_align_up(m * sizeof(const uint8_t *), 16);
    vs->lens = (size_t *)(void *)p;
    p += tss_align_up(m * sizeof(size_t), 16);
    vs->users = (void **)(void *)p;
    p += tss_align_up(m * sizeof(void *), 16);
    vs->ok = (int *)(void *)p;
    return TSS_OK;
}

static unsigned run_batch(verify_stage *vs, uint64_t *reason)
{
    uint32_t n = vs->n;
    if (n == 0) return 0;
    ctr_inc(reason);
    ctr_inc(&vs->ctr.batches);
    int rc;
    if (n == 1) {
        /* Same ZIP-215 rules as the batch equation; cheaper for a lone item. */
        vs->ok[0] =
            tss_ed25519_verify_backend(vs->cfg.backend, vs->sigs[0], vs->msgs[0], vs->lens[0], vs->pks[0]) == 0;
        rc = vs->ok[0] ? 0 : -1;
    } else {
        rc = tss_ed25519_verify_batch_scratch_backend(vs->cfg.backend, vs->sigs, vs->msgs, vs->lens, vs->pks, n,
                                                      vs->ok, vs->scratch, vs->scratch_len);
    }
    if (rc != 0) ctr_inc(&vs->ctr.batches_failed);
    /* The arrays are read while delivering, so the callback may not push (vs_push refuses). */
    vs->delivering = 1;
    uint64_t good = 0;
    for (uint32_t i = 0; i < n; i++) {
        int valid = rc == 0 || vs->ok[i] == 1;
        good += (uint64_t)valid;
        vs->cfg.deliver(vs->cfg.cb_ctx, vs->users[i], valid);
    }
    vs->n = 0;
    vs->delivering = 0;
    ctr_add(&vs->ctr.valid, good);
    ctr_add(&vs->ctr.invalid, n - good);
    return n;
}

int vs_push(verify_stage *vs, const vs_item *item, uint64_t now_us)
{
    if (vs == NULL || item == NULL || item->sig == NULL || item->pk == NULL || (item->msg == NULL && item->msg_len))
        return TSS_ERR_INVALID_ARG;
    if (vs->delivering) return TSS_ERR_STATE;
    uint32_t i = vs->n;
    if (i == 0) vs->first_us = now_us;
    vs->sigs[i] = item->sig;
    vs->msgs[i] = item->msg;
    vs->lens[i] = item->msg_len;
    vs->pks[i] = item->pk;
    vs->users[i] = item->user;
    vs->n = i + 1;
    ctr_inc(&vs->ctr.pushed);
    if (vs->n >= vs->cfg.max_batch) run_batch(vs, &vs->ctr.flush_full);
    return TSS_OK;
}

unsigned vs_poll(verify_stage *vs, uint64_t now_us)
{
    if (vs == NULL || vs->n == 0 || vs->delivering) return 0;
    if (now_us >= vs->first_us && now_us - vs->first_us < vs->cfg.max_wait_us) return 0;
    return run_batch(vs, &vs->ctr.flush_timeout);
}

unsigned vs_flush(verify_stage *vs)
{
    if (vs == NULL || vs->delivering) return 0;
    return run_batch(vs, &vs->ctr.flush_explicit);
}

uint64_t vs_deadline_us(const verify_stage *vs)
{
    if (vs == NULL || vs->n == 0) return UINT64_MAX;
    if (vs->first_us > UINT64_MAX - vs->cfg.max_wait_us) return UINT64_MAX;
    return vs->first_us + vs->cfg.max_wait_us;
}
