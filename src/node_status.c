/* The session status table (src/node_status.h). */
#include "src/node_status.h"

#include <stdlib.h>
#include <string.h>

#include "tss/common.h"

#define NO_ENTRY UINT32_MAX

static uint32_t sid_hash(uint64_t sid)
{
    sid ^= sid >> 33;
    sid *= 0xff51afd7ed558ccdull;
    sid ^= sid >> 33;
    return (uint32_t)sid;
}

int node_status_table_init(node_status_table *t, uint32_t cap)
{
    memset(t, 0, sizeof *t);
    if (cap == 0 || cap > (1u << 30)) return TSS_ERR_INVALID_ARG;
    size_t idx_len = 2;
    while (idx_len < (size_t)cap * 2) idx_len <<= 1;
    t->entries = calloc(cap, sizeof *t->entries);
    t->index = malloc(idx_len * sizeof *t->index);
    if (t->entries == NULL || t->index == NULL) {
        node_status_table_destroy(t);
        return TSS_ERR_CAPACITY;
    }
    for (size_t i = 0; i < idx_len; i++) t->index[i] = NO_ENTRY;
    t->cap = cap;
    t->mask = (uint32_t)(idx_len - 1);
    return TSS_OK;
}

void node_status_table_destroy(node_status_table *t)
{
    free(t->entries);
    free(t->index);
    memset(t, 0, sizeof *t);
}

node_status *node_status_find(const node_status_table *t, uint64_t sid)
{
    for (uint32_t h = sid_hash(sid) & t->mask;; h = (h + 1) & t->mask) {
        uint32_t e = t->index[h];
        if (e == NO_ENTRY) return NULL;
        if (t->entries[e].session_id == sid) return &t->entries[e];
    }
}

static void index_remove(node_status_table *t, uint64_t sid)
{
    uint32_t h = sid_hash(sid) & t->mask;
    while (t->index[h] != NO_ENTRY && t->entries[t->index[h]].session_id != sid) h = (h + 1) & t->mask;
    if (t->index[h] == NO_ENTRY) return;
    uint32_t hole = h;
    t->index[hole] = NO_ENTRY;
    for (uint32_t j = (hole + 1) & t->mask; t->index[j] != NO_ENTRY; j = (j + 1) & t->mask) {
        uint32_t home = sid_hash(t->entries[t->index[j]].session_id) & t->mask;
        /* Move j into the hole unless its home lies cyclically in (hole, j]. */
        int stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
        if (!stays) {
            t->index[hole] = t->index[j];
            t->index[j] = NO_ENTRY;
            hole = j;
        }
    }
}

node_status *node_status_insert(node_status_table *t, uint64_t sid)
{
    for (uint32_t tries = 0; tries < t->cap; tries++) {
        uint32_t e = t->hand;
        t->hand = (t->hand + 1) % t->cap;
        node_status *s = &t->entries[e];
        if (s->used && s->state != TSS_API_STATE_DONE && s->state != TSS_API_STATE_FAILED) continue;
        if (s->used) index_remove(t, s->session_id);
        memset(s, 0, sizeof *s);
        s->used = 1;
        s->session_id = sid;
        uint32_t h = sid_hash(sid) & t->mask;
        while (t->index[h] != NO_ENTRY) h = (h + 1) & t->mask;
        t->index[h] = e;
        return s;
    }
    return NULL;
}

void node_status_remove(node_status_table *t, uint64_t sid)
{
    node_status *s = node_status_find(t, sid);
    if (s == NULL) return;
    index_remove(t, sid);
    memset(s, 0, sizeof *s);
}
