/* The node's records: session outcomes and keys' public parts (layouts in src/node_record.h). */
#include "src/node_record.h"

#include <string.h>

#include "tss/common.h"
#include "util/bytes.h"

#define SESSION_RECORD_VERSION 1
#define KEY_RECORD_VERSION 1

/* Bounded writer and reader: a field that does not fit marks the buffer bad, and the caller checks once. */
typedef struct wbuf {
    uint8_t *p;
    size_t len, cap;
    int bad;
} wbuf;

static void put_bytes(wbuf *b, const void *src, size_t len)
{
    if (b->bad || b->cap - b->len < len) {
        b->bad = 1;
        return;
    }
    memcpy(b->p + b->len, src, len);
    b->len += len;
}
/* The low `width` bytes of v, little-endian. */
static void put_u(wbuf *b, uint64_t v, size_t width)
{
    uint8_t t[8];
    tss_store_le64(t, v);
    put_bytes(b, t, width);
}

typedef struct rbuf {
    const uint8_t *p;
    size_t len, off;
    int bad;
} rbuf;

static void get_bytes(rbuf *b, void *dst, size_t len)
{
    if (b->bad || b->len - b->off < len) {
        b->bad = 1;
        memset(dst, 0, len);
        return;
    }
    memcpy(dst, b->p + b->off, len);
    b->off += len;
}
static uint64_t get_u(rbuf *b, size_t width)
{
    uint8_t t[8] = {0};
    get_bytes(b, t, width);
    return tss_load_le64(t);
}

void node_session_record_id(uint8_t out[8], uint64_t session_id)
{
    tss_store_be64(out, session_id);
}

size_t node_key_encode(uint8_t *out, size_t cap, const node_key *k)
{
    wbuf b = {out, 0, cap, 0};
    put_u(&b, KEY_RECORD_VERSION, 1);
    put_u(&b, k->key_id, 8);
    put_u(&b, k->generation, 4);
    put_u(&b, k->threshold, 2);
    put_u(&b, k->n, 2);
    put_bytes(&b, k->group_pk, 32);
    for (uint16_t i = 0; i < k->n; i++) {
        put_u(&b, k->participants[i], 2);
        put_bytes(&b, k->vshares[i], 32);
    }
    return b.bad ? 0 : b.len;
}

int node_key_decode(node_key *k, const uint8_t *in, size_t len)
{
    rbuf b = {in, len, 0, 0};
    memset(k, 0, sizeof *k);
    if (get_u(&b, 1) != KEY_RECORD_VERSION) return TSS_ERR_ENCODING;
    k->key_id = get_u(&b, 8);
    k->generation = (uint32_t)get_u(&b, 4);
    k->threshold = (uint16_t)get_u(&b, 2);
    k->n = (uint16_t)get_u(&b, 2);
    get_bytes(&b, k->group_pk, 32);
    if (b.bad || k->n == 0 || k->n > NODE_MAX_P || k->threshold == 0 || k->threshold > k->n) return TSS_ERR_ENCODING;
    for (uint16_t i = 0; i < k->n; i++) {
        k->participants[i] = (uint16_t)get_u(&b, 2);
        get_bytes(&b, k->vshares[i], 32);
    }
    return b.bad || b.off != len ? TSS_ERR_ENCODING : TSS_OK;
}

size_t node_status_encode(uint8_t *out, size_t cap, const node_status *s)
{
    wbuf b = {out, 0, cap, 0};
    put_u(&b, SESSION_RECORD_VERSION, 1);
    put_u(&b, s->session_id, 8);
    put_u(&b, s->key_id, 8);
    put_u(&b, s->end_us - s->start_us, 8);
    put_u(&b, (uint32_t)s->status, 4);
    put_u(&b, s->kind, 1);
    put_u(&b, s->state, 1);
    size_t ml = strnlen(s->message, sizeof s->message - 1);
    put_u(&b, ml, 1);
    put_bytes(&b, s->message, ml);
    put_bytes(&b, s->group_pk, 32);
    put_bytes(&b, s->signature, 64);
    put_u(&b, s->n_signers, 2);
    for (uint16_t i = 0; i < s->n_signers; i++) put_u(&b, s->signers[i], 2);
    put_u(&b, s->n_culprits, 2);
    for (uint16_t i = 0; i < s->n_culprits; i++) {
        put_u(&b, s->culprit_node[i], 2);
        put_u(&b, s->culprit_reason[i], 1);
    }
    return b.bad ? 0 : b.len;
}

int node_status_decode(node_status *s, const uint8_t *in, size_t len)
{
    rbuf b = {in, len, 0, 0};
    memset(s, 0, sizeof *s);
    if (get_u(&b, 1) != SESSION_RECORD_VERSION) return TSS_ERR_ENCODING;
    s->session_id = get_u(&b, 8);
    s->key_id = get_u(&b, 8);
    s->end_us = get_u(&b, 8);
    s->status = (int32_t)(uint32_t)get_u(&b, 4);
    s->kind = (uint8_t)get_u(&b, 1);
    s->state = (uint8_t)get_u(&b, 1);
    size_t ml = (size_t)get_u(&b, 1);
    if (ml >= sizeof s->message) return TSS_ERR_ENCODING;
    get_bytes(&b, s->message, ml);
    get_bytes(&b, s->group_pk, 32);
    get_bytes(&b, s->signature, 64);
    s->n_signers = (uint16_t)get_u(&b, 2);
    if (s->n_signers > NODE_MAX_P) return TSS_ERR_ENCODING;
    for (uint16_t i = 0; i < s->n_signers; i++) s->signers[i] = (uint16_t)get_u(&b, 2);
    s->n_culprits = (uint16_t)get_u(&b, 2);
    if (s->n_culprits > 2 * NODE_MAX_P) return TSS_ERR_ENCODING;
    for (uint16_t i = 0; i < s->n_culprits; i++) {
        s->culprit_node[i] = (uint16_t)get_u(&b, 2);
        s->culprit_reason[i] = (uint8_t)get_u(&b, 1);
    }
    s->used = 1;
    return b.bad || b.off != len ? TSS_ERR_ENCODING : TSS_OK;
}

size_t node_key_secret_id(uint8_t id[NODE_SECRET_ID_MAX], const uint8_t group_pk[32], uint32_t generation)
{
    memcpy(id, group_pk, 32);
    if (generation == 0) return 32;
    tss_store_be32(id + 32, generation);
    return 36;
}
