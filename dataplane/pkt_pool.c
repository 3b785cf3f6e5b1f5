/* Fixed pool of packet buffers: a LIFO free stack (recently used buffers are cache-warm). */
#include "dataplane/pkt.h"

#include <string.h>

#include "dataplane/counter.h"

#define DP_POOL_COUNT_MAX (1u << 24)

size_t dp_pool_mem_size(uint32_t count)
{
    if (count == 0 || count > DP_POOL_COUNT_MAX) return 0;
    return (size_t)count * sizeof(dp_pkt) + (size_t)count * sizeof(uint32_t);
}

int dp_pool_init(dp_pool *pool, uint32_t count, void *mem, size_t mem_len)
{
    size_t need = dp_pool_mem_size(count);
    if (pool == NULL || mem == NULL || need == 0 || mem_len < need || ((uintptr_t)mem & 63u) != 0)
        return TSS_ERR_INVALID_ARG;
    pool->pkts = mem;
    pool->free_stack = (uint32_t *)((uint8_t *)mem + (size_t)count * sizeof(dp_pkt));
    pool->count = count;
    pool->free_count = count;
    pool->alloc_fail = 0;
    for (uint32_t i = 0; i < count; i++) {
        dp_pkt *p = &pool->pkts[i];
        memset(p, 0, offsetof(dp_pkt, buf));
        p->index = i;
        p->in_pool = 1;
        pool->free_stack[i] = count - 1 - i;
    }
    return TSS_OK;
}

static void reset(dp_pkt *p)
{
    p->len = 0;
    p->addr.len = 0;
    p->rx_ns = 0;
    p->user = NULL;
}

dp_pkt *dp_pool_get(dp_pool *pool)
{
    if (pool->free_count == 0) {
        ctr_inc(&pool->alloc_fail);
        return NULL;
    }
    dp_pkt *p = &pool->pkts[pool->free_stack[--pool->free_count]];
    p->in_pool = 0;
    reset(p);
    return p;
}

unsigned dp_pool_get_bulk(dp_pool *pool, dp_pkt **pkts, unsigned n)
{
    unsigned got = n < pool->free_count ? n : pool->free_count;
    if (got < n) ctr_inc(&pool->alloc_fail);
    for (unsigned i = 0; i < got; i++) {
        pkts[i] = &pool->pkts[pool->free_stack[--pool->free_count]];
        pkts[i]->in_pool = 0;
        reset(pkts[i]);
    }
    return got;
}

void dp_pool_put(dp_pool *pool, dp_pkt *pkt)
{
    /* A packet that is not ours, or a double free, would corrupt the stack: refuse it. */
    if (pkt == NULL || pkt->index >= pool->count || &pool->pkts[pkt->index] != pkt ||
        pkt->in_pool || pool->free_count >= pool->count)
        return;
    pkt->in_pool = 1;
    pool->free_stack[pool->free_count++] = pkt->index;
}

void dp_pool_put_bulk(dp_pool *pool, dp_pkt *const *pkts, unsigned n)
{
    for (unsigned i = 0; i < n; i++) dp_pool_put(pool, pkts[i]);
}
