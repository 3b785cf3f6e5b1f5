/* Reassembly of fragmented messages into a bounded, preallocated table.
 *
 * Feed it envelopes that have already passed signature verification and the validator (each
 * fragment is its own signed envelope). A slot is keyed by (sender, session_id, type, seq); the
 * other header fields (round, recipient, frag_count, total_len) must agree between fragments or the
 * fragment is dropped as inconsistent. Slots are preallocated (count and maximum message length fixed
 * at init); a slot is freed when its message is released by the caller or when it expires
 * (`expiry_ms` after its first fragment). When every slot is busy, new messages are refused (counter
 * `table_full`) rather than evicting live ones; expired slots are reclaimed first.
 *
 * Single-threaded: one table per engine/core. No allocation after init.
 */
#ifndef TSS_DATAPLANE_REASSEMBLY_H
#define TSS_DATAPLANE_REASSEMBLY_H

#include <stddef.h>
#include <stdint.h>

#include "dataplane/wire.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct reasm_config {
    uint32_t slots;        /* concurrent partial messages, >= 1 */
    uint32_t max_msg_len;  /* largest reassembled message accepted, <= WIRE_MAX_MESSAGE */
    uint64_t expiry_ms;    /* a partial message older than this is dropped */
} reasm_config;

typedef struct reasm_counters {
    uint64_t single;        /* unfragmented messages passed straight through */
    uint64_t fragments;     /* fragments stored */
    uint64_t completed;     /* messages reassembled */
    uint64_t duplicates;    /* fragment already held (ignored) */
    uint64_t inconsistent;  /* fragment disagrees with its slot's round/recipient/count/total_len */
    uint64_t too_large;     /* total_len > max_msg_len */
    uint64_t table_full;    /* no free slot for a new message (overflow) */
    uint64_t expired;       /* partial messages dropped by expiry */
} reasm_counters;

/* A complete message. data points either into the envelope (unfragmented) or into a table slot;
 * it stays valid until reasm_release(), or for unfragmented messages as long as the datagram. */
typedef struct reasm_msg {
    wire_header hdr;         /* header of the first fragment seen; frag_index/payload_len meaningless */
    const uint8_t *data;
    size_t len;              /* == hdr.total_len */
    int32_t slot;            /* slot to release, or -1 for unfragmented messages */
} reasm_msg;

typedef struct reasm_slot reasm_slot;

typedef struct reasm {
    reasm_config cfg;
    reasm_slot *slots;       /* cfg.slots entries, inside the caller's memory */
    uint8_t *bufs;           /* cfg.slots * cfg.max_msg_len bytes, inside the caller's memory */
    uint32_t used;           /* slots not free */
    reasm_counters ctr;
} reasm;

/* Bytes of memory reasm_init needs for cfg (0 if cfg is invalid). */
size_t reasm_mem_size(const reasm_config *cfg);
/* Initialises r over mem (mem_len >= reasm_mem_size(cfg), 16-byte aligned). The caller keeps mem
 * alive as long as r. TSS_OK or TSS_ERR_INVALID_ARG. */
int reasm_init(reasm *r, const reasm_config *cfg, void *mem, size_t mem_len);

/* Adds one verified fragment at time now_ms.
 *   1  -> *out holds a complete message (release it with reasm_release when done),
 *   0  -> stored (or a duplicate, ignored); more fragments needed,
 *   <0 -> dropped: TSS_ERR_CAPACITY (table full or too large), TSS_ERR_ENCODING (inconsistent),
 *         TSS_ERR_INVALID_ARG.  Each outcome bumps its counter. */
int reasm_add(reasm *r, const wire_envelope *env, uint64_t now_ms, reasm_msg *out);

/* Frees the slot of a completed message (no-op for unfragmented messages). */
void reasm_release(reasm *r, const reasm_msg *msg);

/* Drops partial messages whose first fragment is older than expiry_ms; returns how many. Call it
 * from the engine's timer tick; reasm_add also reclaims expired slots when the table is full. */
unsigned reasm_expire(reasm *r, uint64_t now_ms);

#ifdef __cplusplus
}
#endif
#endif
