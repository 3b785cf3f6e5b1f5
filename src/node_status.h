/* The session status table: the outcome of every recent session, by session id, for the API (public data
 * only). Fixed capacity, allocated once: an open-addressing index (linear probing, backward-shift deletion)
 * over the entries; when the table is full a new entry takes the next finished one in clock order (a
 * finished session's record is in the store, so the API can still answer for it). Not thread safe: the
 * node calls it with its lock held. */
#ifndef TSS_SRC_NODE_STATUS_H
#define TSS_SRC_NODE_STATUS_H

#include <stddef.h>
#include <stdint.h>

#include "src/node_record.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct node_status_table {
    node_status *entries;             /* cap entries */
    uint32_t cap;
    uint32_t *index;                  /* entry number or UINT32_MAX; a power of two >= 2 * cap */
    uint32_t mask;
    uint32_t hand;                    /* eviction clock */
} node_status_table;

/* TSS_OK, TSS_ERR_INVALID_ARG (cap 0) or TSS_ERR_CAPACITY. */
int node_status_table_init(node_status_table *t, uint32_t cap);
void node_status_table_destroy(node_status_table *t);

/* The entry of sid, or NULL. */
node_status *node_status_find(const node_status_table *t, uint64_t sid);
/* A fresh zeroed entry for sid (used = 1), or NULL when every entry is a running session. */
node_status *node_status_insert(node_status_table *t, uint64_t sid);
/* Forgets sid's entry (if any). */
void node_status_remove(node_status_table *t, uint64_t sid);

#ifdef __cplusplus
}
#endif
#endif
