/* Fragment reassembly over fixed preallocated slots (see reassembly.h). */
#include "dataplane/reassembly.h"

#include <string.h>

#include "dataplane/counter.h"
#include "util/align.h"

enum { SLOT_FREE = 0, SLOT_PARTIAL = 1, SLOT_COMPLETE = 2 };

struct reasm_slot {
    uint8_t state;
    uint16_t received;       /* fragments held */
    uint64_t have;           /* bitmap of fragment indices held (WIRE_MAX_FRAGMENTS <= 64) */
    uint64_t first_ms;       /* arrival of the first fragment, for expiry */
    wire_header hdr;         /* header of the first fragment: the key and the fields that must agree */
};

_Static_assert(WIRE_MAX_FRAGMENTS <= 64, "fragment bitmap is a uint64_t");

size_t reasm_mem_size(const reasm_config *cfg)
{
    if (cfg == NULL || cfg->slots == 0 || cfg->max_msg_len > WIRE_MAX_MESSAGE) return 0;
    return tss_align_up((size_t)cfg->slots * sizeof(reasm_slot), 16) + (size_t)cfg->slots * cfg->max_msg_len;
}

int reasm_init(reasm *r, const reasm_config *cfg, void *mem, size_t mem_len)
{
    size_t need = reasm_mem_size(cfg);
    if (r == NULL || mem == NULL || need == 0 || mem_len < need || ((uintptr_t)mem & 15u) != 0)
        return TSS_ERR_INVALID_ARG;
    memset(r, 0, sizeof *r);
    r->cfg = *cfg;
    r->slots = mem;
    r->bufs = (uint8_t *)mem + tss_align_up((size_t)cfg->slots * sizeof(reasm_slot), 16);
    memset(r->slots, 0, (size_t)cfg->slots * sizeof(reasm_slot));
    return TSS_OK;
}

static int same_key(const wire_header *a, const wire_header *b)
{
    return a->sender == b->sender && a->session_id == b->session_id && a->type == b->type && a->seq == b->seq;
}

static int consistent(const wire_header *a, const wire_header *b)
{
    return a->round == b->round && a->recipient == b->recipient && a->frag_count == b->frag_count &&
           a->total_len == b->total_len;
}

static int expired(const reasm *r, const reasm_slot *s, uint64_t now_ms)
{
    return s->state == SLOT_PARTIAL && now_ms >= s->first_ms && now_ms - s->first_ms >= r->cfg.expiry_ms;
}

static void free_slot(reasm *r, reasm_slot *s)
{
    s->state = SLOT_FREE;
    r->used--;
}

unsigned reasm_expire(reasm *r, uint64_t now_ms)
{
    if (r == NULL) return 0;
    unsigned n = 0;
    for (uint32_t i = 0; i < r->cfg.slots && r->used > 0; i++) {
        if (expired(r, &r->slots[i], now_ms)) {
            free_slot(r, &r->slots[i]);
            n++;
        }
    }
    ctr_add(&r->ctr.expired, n);
    return n;
}

int reasm_add(reasm *r, const wire_envelope *env, uint64_t now_ms, reasm_msg *out)
{
    if (r == NULL || env == NULL || out == NULL) return TSS_ERR_INVALID_ARG;
    const wire_header *h = &env->hdr;
    if (h->total_len > r->cfg.max_msg_len) {
        ctr_inc(&r->ctr.too_large);
        return TSS_ERR_CAPACITY;
    }
    /* wire_decode guarantees this; re-checked because the copy below depends on it. */
    if (h->frag_count == 0 || h->frag_index >= h->frag_count || h->frag_count > WIRE_MAX_FRAGMENTS ||
        (size_t)h->frag_index * WIRE_MAX_PAYLOAD + h->payload_len > h->total_len) {
        ctr_inc(&r->ctr.inconsistent);
        return TSS_ERR_ENCODING;
    }
    if (h->frag_count == 1) {
        out->hdr = *h;
        out->data = env->payload;
        out->len = h->payload_len;
        out->slot = -1;
        ctr_inc(&r->ctr.single);
        return 1;
    }

    /* Linear scan: tables are small (tens to hundreds of slots) and this is dwarfed by the
     * signature verification every fragment has already paid for. */
    reasm_slot *slot = NULL, *free_one = NULL;
    uint32_t slot_index = 0, free_index = 0;
    for (uint32_t i = 0; i < r->cfg.slots; i++) {
        reasm_slot *s = &r->slots[i];
        if (s->state == SLOT_FREE) {
            if (free_one == NULL) {
                free_one = s;
                free_index = i;
            }
        } else if (same_key(&s->hdr, h)) {
            if (s->state == SLOT_COMPLETE) { /* completed, not yet released: a late duplicate */
                ctr_inc(&r->ctr.duplicates);
                return 0;
            }
            if (expired(r, s, now_ms)) {
                free_slot(r, s);
                ctr_inc(&r->ctr.expired);
                if (free_one == NULL) {
                    free_one = s;
                    free_index = i;
                }
            } else {
                slot = s;
                slot_index = i;
            }
            break;
        }
    }
    if (slot == NULL) {
        if (free_one == NULL && reasm_expire(r, now_ms) > 0) {
            for (uint32_t i = 0; i < r->cfg.slots; i++) {
                if (r->slots[i].state == SLOT_FREE) {
                    free_one = &r->slots[i];
                    free_index = i;
                    break;
                }
            }
        }
        if (free_one == NULL) {
            ctr_inc(&r->ctr.table_full);
            return TSS_ERR_CAPACITY;
        }
        slot = free_one;
        slot_index = free_index;
        slot->state = SLOT_PARTIAL;
        slot->received = 0;
        slot->have = 0;
        slot->first_ms = now_ms;
        slot->hdr = *h;
        r->used++;
    } else if (!consistent(&slot->hdr, h)) {
        ctr_inc(&r->ctr.inconsistent);
        return TSS_ERR_ENCODING;
    }

    uint64_t bit = UINT64_C(1) << h->frag_index;
    if (slot->have & bit) {
        ctr_inc(&r->ctr.duplicates);
        return 0;
    }
    uint8_t *buf = r->bufs + (size_t)slot_index * r->cfg.max_msg_len;
    memcpy(buf + (size_t)h->frag_index * WIRE_MAX_PAYLOAD, env->payload, h->payload_len);
    slot->have |= bit;
    slot->received++;
    ctr_inc(&r->ctr.fragments);
    if (slot->received < slot->hdr.frag_count) return 0;

    slot->state = SLOT_COMPLETE;
    out->hdr = slot->hdr;
    out->data = buf;
    out->len = slot->hdr.total_len;
    out->slot = (int32_t)slot_index;
    ctr_inc(&r->ctr.completed);
    return 1;
}

void reasm_release(reasm *r, const reasm_msg *msg)
{
    if (r == NULL || msg == NULL || msg->slot < 0 || (uint32_t)msg->slot >= r->cfg.slots) return;
    reasm_slot *s = &r->slots[msg->slot];
    if (s->state == SLOT_COMPLETE) free_slot(r, s);
}
