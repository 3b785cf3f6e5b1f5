/* Links between tiles: a buffer pool, a forward ring and a return ring (dataplane/link.h). */
#include "dataplane/link.h"

#include <stdlib.h>
#include <string.h>

#include "tss/common.h"
#include "util/align.h"

static ring_spsc *make_ring(dp_link *l, int i, size_t cap)
{
    size_t slots = 2;
    while (slots < cap) slots <<= 1;
    size_t fp = ring_spsc_footprint(slots);
    if (fp == 0) return NULL;
    l->ring_mem[i] = tss_aligned_alloc(RING_SPSC_ALIGN, fp);
    return l->ring_mem[i] == NULL ? NULL : ring_spsc_init(l->ring_mem[i], slots);
}

int dp_link_init(dp_link *l, const dp_link_config *cfg)
{
    if (l == NULL) return TSS_ERR_INVALID_ARG;
    memset(l, 0, sizeof *l);
    if (cfg == NULL || cfg->depth < 2 || (cfg->depth & (cfg->depth - 1)) != 0 || cfg->buf_size == 0 ||
        (uint64_t)cfg->depth + cfg->held > RING_SPSC_CAPACITY_MAX)
        return TSS_ERR_INVALID_ARG;
    l->n_bufs = cfg->depth + cfg->held;
    l->buf_size = tss_align_up(cfg->buf_size, 64);
    l->bufs = calloc(l->n_bufs, l->buf_size);
    l->free = calloc(l->n_bufs, sizeof *l->free);
    l->fwd = make_ring(l, 0, cfg->depth);
    l->ret = make_ring(l, 1, l->n_bufs);
    if (l->bufs == NULL || l->free == NULL || l->fwd == NULL || l->ret == NULL) {
        dp_link_destroy(l);
        return TSS_ERR_CAPACITY;
    }
    for (uint32_t i = 0; i < l->n_bufs; i++) l->free[i] = l->bufs + (size_t)(l->n_bufs - 1 - i) * l->buf_size;
    l->n_free = l->n_bufs;
    return TSS_OK;
}

void dp_link_destroy(dp_link *l)
{
    if (l == NULL) return;
    if (l->bufs != NULL) memset(l->bufs, 0, (size_t)l->n_bufs * l->buf_size);
    free(l->bufs);
    free(l->free);
    free(l->ring_mem[0]);
    free(l->ring_mem[1]);
    memset(l, 0, sizeof *l);
}

unsigned dp_link_reclaim(dp_link *l)
{
    unsigned got = 0;
    size_t n;
    /* The stack has room for every buffer, so popping into it cannot overflow. */
    while ((n = ring_spsc_pop_burst(l->ret, l->free + l->n_free, l->n_bufs - l->n_free)) > 0) {
        l->n_free += (uint32_t)n;
        got += (unsigned)n;
    }
    return got;
}

void *dp_link_acquire(dp_link *l)
{
    if (l->n_free == 0 && dp_link_reclaim(l) == 0) return NULL;
    return l->free[--l->n_free];
}

int dp_link_send(dp_link *l, void *buf)
{
    if (ring_spsc_push(l->fwd, buf)) return 1;
    l->free[l->n_free++] = buf;
    return 0;
}

size_t dp_link_recv_burst(dp_link *l, void **bufs, size_t n)
{
    return ring_spsc_pop_burst(l->fwd, bufs, n);
}

void dp_link_release(dp_link *l, void *buf)
{
    ring_spsc_push(l->ret, buf); /* as large as the pool: never full */
}

size_t dp_link_backlog(const dp_link *l)
{
    return ring_spsc_count(l->fwd);
}
