/* The node: wiring of identity, peers, store, poller, engines, threads and the control plane. */
#include "src/node.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dataplane/socket_io.h"
#include "src/peers.h"
#include "src/store.h"
#include "tss/frost.h"
#include "util/align.h"
#include "util/bytes.h"
#include "util/clock.h"

#define MAX_ENGINES TSS_CONFIG_MAX_ENGINES
#define MAX_P SESSION_MAX_PARTICIPANTS
#define NO_ENTRY UINT32_MAX
#define METRIC_ENTRIES 1024
#define SESSION_RECORD_VERSION 1
#define KEY_RECORD_VERSION 1
#define RECORD_BATCH 64               /* session records per group commit */
#define RECORD_MAX 1024               /* bytes of one encoded session record */

/* Session status kept for the API (public data only). */
typedef struct node_status {
    uint64_t session_id;
    uint64_t key_id;
    uint64_t start_us;
    uint64_t end_us;
    int32_t status;
    uint8_t used;
    uint8_t kind;                     /* tss_api_session_kind */
    uint8_t state;                    /* tss_api_session_state */
    uint8_t engine;
    char message[TSS_API_ERRMSG_MAX];
    uint8_t group_pk[32];
    uint8_t signature[64];
    uint16_t n_signers;
    uint16_t signers[MAX_P];
    uint16_t n_culprits;
    uint16_t culprit_node[2 * MAX_P];
    uint8_t culprit_reason[2 * MAX_P];
} node_status;

/* A key this node holds a share of (public parts). */
typedef struct node_key {
    uint64_t key_id;
    uint32_t generation;
    uint16_t threshold;
    uint16_t n;
    uint8_t group_pk[32];
    uint16_t participants[MAX_P];
    uint8_t vshares[MAX_P][32];
} node_key;

typedef struct node_thread {
    node *n;
    pthread_t tid;
    int core;          /* -1: not pinned */
    int role;          /* 0 all, 1 poller, 2 engine, 3 control */
    uint32_t engine;
    int started;
} node_thread;

typedef struct node_counters {
    uint64_t events;
    uint64_t keys_stored;
    uint64_t store_errors;
    uint64_t refused_capacity;
    uint64_t refused_duplicate;
    uint64_t refused_invalid;
    uint64_t requests_dkg;
    uint64_t requests_sign;
} node_counters;

struct node {
    tss_config cfg;
    node_options opt;
    tss_identity id;
    tss_peer_table peers;
    tss_store store;
    uint16_t n_idx;                   /* peer index space: max index + 1 */
    uint8_t (*peer_pk)[32];
    uint8_t *peer_present;
    dp_addr *peer_addr;

    /* dataplane */
    void *rx_pool_mem;
    dp_pool rx_pool;
    dp_port *rx_port;
    dp_socket rx_sock;
    void *tx_pool_mem[MAX_ENGINES];
    dp_pool tx_pool[MAX_ENGINES];
    dp_port *tx_port[MAX_ENGINES];
    dp_socket *tx_sock;               /* n_engines entries */

    uint32_t n_engines;
    engine *engines;                  /* n_engines */
    engine *engine_ptrs[MAX_ENGINES];
    poller poller;

    /* control plane (guarded by lock) */
    pthread_mutex_t lock;
    engine_request *requests;         /* pool: arena * n_engines */
    engine_request **free_requests;
    uint32_t n_free_requests;
    _Atomic uint32_t admitted[MAX_ENGINES];
    node_status *status;              /* status_cap entries */
    uint32_t status_cap;
    uint32_t *status_index;           /* open addressing, 2 * cap (power of two) */
    uint32_t status_mask;
    uint32_t status_clock;            /* eviction hand */
    node_key *keys;                   /* NODE_MAX_KEYS */
    size_t n_keys;
    node_counters ctr;
    /* Session records waiting for the control loop's next group commit (one transaction, one fsync). */
    uint8_t record_buf[RECORD_BATCH][RECORD_MAX];
    uint8_t record_id[RECORD_BATCH][8];
    tss_store_write record_writes[RECORD_BATCH];
    uint32_t n_records;
    tss_histogram latency_sign;
    tss_histogram latency_dkg;

    tss_api_backend backend;
    tss_metric_entry metric_entries[METRIC_ENTRIES];
    tss_metrics metrics;

    node_thread threads[MAX_ENGINES + 2];
    uint32_t n_threads;
    atomic_int running;
    int store_open;
};

/* ---- clocks and logging ---- */

static uint64_t real_wall_ms(void *ctx) { (void)ctx; return tss_clock_wall_ms(); }
static uint64_t real_mono_ms(void *ctx) { (void)ctx; return tss_clock_mono_ms(); }
static uint64_t real_mono_us(void *ctx) { (void)ctx; return tss_clock_mono_us(); }

static uint64_t now_us(node *n)
{
    return n->opt.mono_us(n->opt.clock_ctx);
}

__attribute__((format(printf, 2, 3))) static void node_log(node *n, const char *fmt, ...)
{
    if (n->opt.log == NULL) return;
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    n->opt.log(n->opt.log_ctx, line);
}

/* ---- little-endian record helpers ---- */

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
static void put_u(wbuf *b, uint64_t v, size_t width)
{
    uint8_t t[8];
    for (size_t i = 0; i < width; i++) t[i] = (uint8_t)(v >> (8 * i));
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
    uint8_t t[8];
    get_bytes(b, t, width);
    uint64_t v = 0;
    for (size_t i = 0; i < width; i++) v |= (uint64_t)t[i] << (8 * i);
    return v;
}

static void sid_bytes(uint8_t out[8], uint64_t sid)
{
    tss_store_be64(out, sid);
}

/* Public key record: ver | key_id u64 | generation u32 | t u16 | n u16 | group key | n x (index u16, share). */
static size_t key_encode(uint8_t *out, size_t cap, const node_key *k)
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

static int key_decode(node_key *k, const uint8_t *in, size_t len)
{
    rbuf b = {in, len, 0, 0};
    memset(k, 0, sizeof *k);
    if (get_u(&b, 1) != KEY_RECORD_VERSION) return TSS_ERR_ENCODING;
    k->key_id = get_u(&b, 8);
    k->generation = (uint32_t)get_u(&b, 4);
    k->threshold = (uint16_t)get_u(&b, 2);
    k->n = (uint16_t)get_u(&b, 2);
    get_bytes(&b, k->group_pk, 32);
    if (b.bad || k->n == 0 || k->n > MAX_P || k->threshold == 0 || k->threshold > k->n) return TSS_ERR_ENCODING;
    for (uint16_t i = 0; i < k->n; i++) {
        k->participants[i] = (uint16_t)get_u(&b, 2);
        get_bytes(&b, k->vshares[i], 32);
    }
    return b.bad || b.off != len ? TSS_ERR_ENCODING : TSS_OK;
}

/* Session record: the public fields of node_status, little-endian. */
static size_t status_encode(uint8_t *out, size_t cap, const node_status *s)
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

static int status_decode(node_status *s, const uint8_t *in, size_t len)
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
    if (s->n_signers > MAX_P) return TSS_ERR_ENCODING;
    for (uint16_t i = 0; i < s->n_signers; i++) s->signers[i] = (uint16_t)get_u(&b, 2);
    s->n_culprits = (uint16_t)get_u(&b, 2);
    if (s->n_culprits > 2 * MAX_P) return TSS_ERR_ENCODING;
    for (uint16_t i = 0; i < s->n_culprits; i++) {
        s->culprit_node[i] = (uint16_t)get_u(&b, 2);
        s->culprit_reason[i] = (uint8_t)get_u(&b, 1);
    }
    s->used = 1;
    return b.bad || b.off != len ? TSS_ERR_ENCODING : TSS_OK;
}

/* ---- session status table (lock held) ---- */

static uint32_t sid_hash(uint64_t sid)
{
    sid ^= sid >> 33;
    sid *= 0xff51afd7ed558ccdull;
    sid ^= sid >> 33;
    return (uint32_t)sid;
}

static uint32_t status_find(const node *n, uint64_t sid)
{
    for (uint32_t h = sid_hash(sid) & n->status_mask;; h = (h + 1) & n->status_mask) {
        uint32_t e = n->status_index[h];
        if (e == NO_ENTRY) return NO_ENTRY;
        if (n->status[e].session_id == sid) return e;
    }
}

static void status_index_remove(node *n, uint64_t sid)
{
    uint32_t h = sid_hash(sid) & n->status_mask;
    while (n->status_index[h] != NO_ENTRY && n->status[n->status_index[h]].session_id != sid)
        h = (h + 1) & n->status_mask;
    if (n->status_index[h] == NO_ENTRY) return;
    uint32_t hole = h;
    n->status_index[hole] = NO_ENTRY;
    for (uint32_t j = (hole + 1) & n->status_mask; n->status_index[j] != NO_ENTRY; j = (j + 1) & n->status_mask) {
        uint32_t home = sid_hash(n->status[n->status_index[j]].session_id) & n->status_mask;
        int stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
        if (!stays) {
            n->status_index[hole] = n->status_index[j];
            n->status_index[j] = NO_ENTRY;
            hole = j;
        }
    }
}

/* A fresh entry for sid; evicts the next finished entry (it is in the store) when the table is full. */
static node_status *status_insert(node *n, uint64_t sid)
{
    for (uint32_t tries = 0; tries < n->status_cap; tries++) {
        uint32_t e = n->status_clock;
        n->status_clock = (n->status_clock + 1) % n->status_cap;
        node_status *s = &n->status[e];
        if (s->used && s->state != TSS_API_STATE_DONE && s->state != TSS_API_STATE_FAILED) continue;
        if (s->used) status_index_remove(n, s->session_id);
        memset(s, 0, sizeof *s);
        s->used = 1;
        s->session_id = sid;
        uint32_t h = sid_hash(sid) & n->status_mask;
        while (n->status_index[h] != NO_ENTRY) h = (h + 1) & n->status_mask;
        n->status_index[h] = e;
        return s;
    }
    return NULL;
}

static node_key *key_by_id(node *n, uint64_t key_id)
{
    for (size_t i = 0; i < n->n_keys; i++)
        if (n->keys[i].key_id == key_id) return &n->keys[i];
    return NULL;
}

static int session_known(node *n, uint64_t sid)
{
    if (status_find(n, sid) != NO_ENTRY) return 1;
    uint8_t id[8], buf[1024];
    size_t len;
    sid_bytes(id, sid);
    int rc = tss_store_get_public(&n->store, TSS_STORE_SESSION, id, 8, buf, sizeof buf, &len);
    return rc == TSS_OK || rc == TSS_ERR_CAPACITY;
}

/* ---- control plane: engine events ---- */

/* Writes the queued session records in one durable transaction. */
static void flush_records(node *n)
{
    if (n->n_records == 0) return;
    if (tss_store_put_many(&n->store, n->record_writes, n->n_records) != TSS_OK)
        tss_metric_add(&n->ctr.store_errors, n->n_records);
    n->n_records = 0;
}

/* Queues a session record for the group commit at the end of this control-loop pass: a node finishing
 * thousands of sessions a second would otherwise be bound by one fsync per session. Keys are never
 * queued: they are written durably before their session is reported done. */
static void persist_status(node *n, const node_status *s)
{
    if (n->n_records == RECORD_BATCH) flush_records(n);
    uint32_t i = n->n_records;
    size_t len = status_encode(n->record_buf[i], RECORD_MAX, s);
    if (len == 0) {
        tss_metric_inc(&n->ctr.store_errors);
        return;
    }
    sid_bytes(n->record_id[i], s->session_id);
    n->record_writes[i] = (tss_store_write){TSS_STORE_SESSION, n->record_id[i], 8, n->record_buf[i], len,
                                            TSS_STORE_REPLACE};
    n->n_records++;
}

/* The key package's record id: the group key for generation 0 (a DKG's key), the group key and the
 * generation (big-endian) after a refresh or reshare, so a new share never overwrites the one the public
 * record still names. */
static size_t secret_id(uint8_t id[36], const uint8_t group_pk[32], uint32_t generation)
{
    memcpy(id, group_pk, 32);
    if (generation == 0) return 32;
    tss_store_be32(id + 32, generation);
    return 36;
}

/* Stores a finished session's key (DKG, refresh, reshare) as key_id at the result's generation: the new
 * key package first (under its own record id), then the public record that lists the key (replacing the
 * previous generation's: that write is the switch-over, so a crash at any point leaves either the old or
 * the new key usable), then the previous generation's key package is deleted. */
static int persist_key(node *n, const session_result *r, uint64_t key_id, const node_key *prev, node_key *k)
{
    memset(k, 0, sizeof *k);
    k->key_id = key_id;
    k->generation = r->generation;
    k->threshold = (uint16_t)r->threshold;
    k->n = r->n_participants;
    memcpy(k->group_pk, r->group_key.bytes, 32);
    if (k->n == 0 || k->n > MAX_P) return TSS_ERR_INVALID_ARG;
    if (prev != NULL && (memcmp(prev->group_pk, k->group_pk, 32) != 0 || prev->generation >= k->generation))
        return TSS_ERR_STATE;
    for (uint16_t i = 0; i < k->n; i++) {
        k->participants[i] = r->participants[i];
        memcpy(k->vshares[i], r->verifying_shares[i].bytes, 32);
    }
    uint8_t secret[TSS_FROST_KEY_PACKAGE_BYTES], sid[36];
    size_t slen = 0, sid_len = secret_id(sid, k->group_pk, k->generation);
    /* A later generation may overwrite a leftover of an interrupted earlier attempt (never the live one,
     * which the public record names with a smaller generation). */
    unsigned flags = k->generation > 0 ? TSS_STORE_REPLACE : 0;
    int rc = tss_frost_key_package_serialize(secret, sizeof secret, &slen, &r->key_package);
    if (rc == TSS_OK) rc = tss_store_put_secret(&n->store, TSS_STORE_KEY_PACKAGE, sid, sid_len, secret, slen, flags);
    sodium_memzero(secret, sizeof secret);
    if (rc != TSS_OK) return rc;
    uint8_t pub[16 + 32 + MAX_P * 34 + 16];
    size_t plen = key_encode(pub, sizeof pub, k);
    if (plen == 0) return TSS_ERR_CAPACITY;
    rc = tss_store_put_public(&n->store, TSS_STORE_PUBLIC_KEY_PACKAGE, k->group_pk, 32, pub, plen, flags);
    if (rc == TSS_OK && prev != NULL) {
        uint8_t old_id[36];
        size_t old_len = secret_id(old_id, prev->group_pk, prev->generation);
        if (tss_store_delete(&n->store, TSS_STORE_KEY_PACKAGE, old_id, old_len) != TSS_OK)
            tss_metric_inc(&n->ctr.store_errors);
    }
    return rc;
}

/* A reshare dealer that is not among the new holders: its old share must not outlive the reshare. The
 * public record goes first (the key is no longer listed), then the key package. */
static int forget_key(node *n, const node_key *k)
{
    uint8_t id[36];
    size_t len = secret_id(id, k->group_pk, k->generation);
    int rc = tss_store_delete(&n->store, TSS_STORE_PUBLIC_KEY_PACKAGE, k->group_pk, 32);
    if (rc == TSS_OK || rc == TSS_ERR_NOT_FOUND) rc = tss_store_delete(&n->store, TSS_STORE_KEY_PACKAGE, id, len);
    return rc == TSS_ERR_NOT_FOUND ? TSS_OK : rc;
}

static tss_api_session_kind api_kind(session_kind k)
{
    switch (k) {
    case SESSION_KIND_DKG: return TSS_API_SESSION_DKG;
    case SESSION_KIND_REFRESH: return TSS_API_SESSION_REFRESH;
    case SESSION_KIND_RESHARE: return TSS_API_SESSION_RESHARE;
    default: return TSS_API_SESSION_SIGN;
    }
}

static void add_culprits(node_status *s, const uint16_t *nodes, uint16_t cnt, uint8_t reason)
{
    for (uint16_t i = 0; i < cnt && s->n_culprits < 2 * MAX_P; i++) {
        s->culprit_node[s->n_culprits] = nodes[i];
        s->culprit_reason[s->n_culprits++] = reason;
    }
}

static void handle_event(node *n, session_result *r)
{
    tss_metric_inc(&n->ctr.events);
    node_key key;
    int key_rc = TSS_OK;
    int is_keygen = r->kind == SESSION_KIND_DKG || r->kind == SESSION_KIND_REFRESH || r->kind == SESSION_KIND_RESHARE;
    int key_made = is_keygen && r->status == TSS_OK && r->has_key_package;
    int key_left = r->kind == SESSION_KIND_RESHARE && r->status == TSS_OK && !r->has_key_package;
    uint64_t key_id = r->session_id;
    node_key prev;
    int have_prev = 0;
    if (r->kind == SESSION_KIND_REFRESH || r->kind == SESSION_KIND_RESHARE) {
        pthread_mutex_lock(&n->lock);
        uint32_t e = status_find(n, r->session_id);
        if (e != NO_ENTRY) key_id = n->status[e].key_id;
        node_key *pk = key_by_id(n, key_id);
        if (pk != NULL) {
            prev = *pk;
            have_prev = 1;
        }
        pthread_mutex_unlock(&n->lock);
    }
    if (key_made) {
        key_rc = persist_key(n, r, key_id, have_prev ? &prev : NULL, &key);
        if (key_rc != TSS_OK) tss_metric_inc(&n->ctr.store_errors);
    } else if (key_left && have_prev) {
        key_rc = forget_key(n, &prev);
        if (key_rc != TSS_OK) tss_metric_inc(&n->ctr.store_errors);
    }
    sodium_memzero(&r->key_package, sizeof r->key_package);
    int is_dkg_ok = key_made;

    node_status copy;
    pthread_mutex_lock(&n->lock);
    uint32_t e = status_find(n, r->session_id);
    node_status *s = e != NO_ENTRY ? &n->status[e] : status_insert(n, r->session_id);
    if (s != NULL) {
        if (s->kind == 0) s->kind = (uint8_t)api_kind(r->kind);
        s->end_us = now_us(n);
        if (s->start_us == 0) s->start_us = s->end_us;
        s->status = r->status;
        if (r->status == TSS_OK && key_rc == TSS_OK) {
            s->state = TSS_API_STATE_DONE;
            if (is_dkg_ok) {
                s->key_id = key_id;
                memcpy(s->group_pk, r->group_key.bytes, 32);
                node_key *cur = key_by_id(n, key.key_id);
                if (cur != NULL)
                    *cur = key; /* refresh / reshare: same key id, next generation */
                else if (n->n_keys < NODE_MAX_KEYS)
                    n->keys[n->n_keys++] = key;
                tss_metric_inc(&n->ctr.keys_stored);
            } else if (key_left) {
                memcpy(s->group_pk, r->group_key.bytes, 32);
                node_key *cur = key_by_id(n, key_id);
                if (cur != NULL) {
                    size_t at = (size_t)(cur - n->keys);
                    memmove(cur, cur + 1, (n->n_keys - at - 1) * sizeof *cur);
                    n->n_keys--;
                }
            } else if (is_keygen) {
                memcpy(s->group_pk, r->group_key.bytes, 32);
            } else {
                memcpy(s->signature, r->signature.bytes, 64);
                s->n_signers = r->n_signers > MAX_P ? MAX_P : r->n_signers;
                memcpy(s->signers, r->signers, s->n_signers * sizeof s->signers[0]);
                /* ROAST-style attempts may have excluded cheaters or silent signers on the way: report them. */
                add_culprits(s, r->culprits, r->n_culprits, TSS_API_CULPRIT_INVALID);
                add_culprits(s, r->missing, r->n_missing, TSS_API_CULPRIT_MISSING);
            }
        } else {
            s->state = TSS_API_STATE_FAILED;
            if (r->status == TSS_OK) {
                s->status = key_rc;
                snprintf(s->message, sizeof s->message, "key could not be stored: %s", tss_status_str(key_rc));
            } else {
                snprintf(s->message, sizeof s->message, "%.*s", (int)sizeof r->reason, r->reason);
            }
            for (uint16_t i = 0; i < r->n_culprits; i++)
                add_culprits(s, &r->culprits[i], 1,
                             r->culprit_equivocated[i] ? TSS_API_CULPRIT_EQUIVOCATED : TSS_API_CULPRIT_INVALID);
            add_culprits(s, r->missing, r->n_missing, TSS_API_CULPRIT_MISSING);
        }
        copy = *s;
    }
    pthread_mutex_unlock(&n->lock);
    if (s == NULL) return;
    uint64_t dur_ns = (copy.end_us - copy.start_us) * 1000u;
    tss_histogram_observe(copy.kind == TSS_API_SESSION_SIGN ? &n->latency_sign : &n->latency_dkg, 0, dur_ns);
    persist_status(n, &copy);
    char idhex[17];
    tss_api_format_id(idhex, copy.session_id);
    if (copy.state == TSS_API_STATE_DONE)
        node_log(n, "session %s (%s) done in %.1f ms", idhex, tss_api_kind_name(copy.kind),
                 (double)(copy.end_us - copy.start_us) / 1000.0);
    else
        node_log(n, "session %s (%s) failed: %s (%s)", idhex, tss_api_kind_name(copy.kind), copy.message,
                 tss_status_str(copy.status));
}

static unsigned control_poll(node *n)
{
    unsigned work = 0;
    void *items[16];
    for (uint32_t k = 0; k < n->n_engines; k++) {
        engine *e = &n->engines[k];
        size_t cnt = ring_spsc_pop_burst(e->ev_out, items, 16);
        for (size_t j = 0; j < cnt; j++) {
            session_result *r = items[j];
            handle_event(n, r);
            sodium_memzero(r, sizeof *r);
            ring_spsc_push(e->ev_ret, r); /* sized for the pool: never full */
            /* Only now may another session take the slot: its event slot is back in the engine's pool. */
            atomic_fetch_sub(&n->admitted[k], 1);
        }
        work += (unsigned)cnt;
        cnt = ring_spsc_pop_burst(e->req_ret, items, 16);
        if (cnt > 0) {
            pthread_mutex_lock(&n->lock);
            for (size_t j = 0; j < cnt; j++) n->free_requests[n->n_free_requests++] = items[j];
            pthread_mutex_unlock(&n->lock);
        }
        work += (unsigned)cnt;
    }
    flush_records(n);
    return work;
}

/* ---- API backend ---- */

static int admit(node *n, uint64_t sid, uint32_t *k_out, char *msg)
{
    uint32_t k = engine_for_session(sid, n->n_engines);
    if (session_known(n, sid)) {
        tss_metric_inc(&n->ctr.refused_duplicate);
        snprintf(msg, TSS_API_ERRMSG_MAX, "session id already used on this node");
        return TSS_ERR_DUPLICATE;
    }
    if (atomic_load(&n->admitted[k]) >= n->cfg.engine.arena_sessions || n->n_free_requests == 0) {
        tss_metric_inc(&n->ctr.refused_capacity);
        snprintf(msg, TSS_API_ERRMSG_MAX, "every session slot of engine %u is taken", k);
        return TSS_ERR_CAPACITY;
    }
    *k_out = k;
    return TSS_OK;
}

/* Queues a filled request (lock held): status entry, ring push, admission count. */
static int submit(node *n, uint32_t k, engine_request *r, uint64_t sid, uint8_t kind, uint64_t key_id, char *msg)
{
    node_status *s = status_insert(n, sid);
    if (s == NULL) {
        snprintf(msg, TSS_API_ERRMSG_MAX, "session status table full");
        return TSS_ERR_CAPACITY;
    }
    s->kind = kind;
    s->state = TSS_API_STATE_RUNNING;
    s->key_id = key_id;
    s->engine = (uint8_t)k;
    s->start_us = now_us(n);
    if (!ring_spsc_push(n->engines[k].req_in, r)) { /* sized for the pool: cannot happen */
        status_index_remove(n, sid);
        memset(s, 0, sizeof *s);
        return TSS_ERR_CAPACITY;
    }
    atomic_fetch_add(&n->admitted[k], 1);
    return TSS_OK;
}

static int invalid(node *n, char *msg, const char *fmt, unsigned v)
{
    tss_metric_inc(&n->ctr.refused_invalid);
    snprintf(msg, TSS_API_ERRMSG_MAX, fmt, v);
    return TSS_ERR_INVALID_ARG;
}

static int be_start_dkg(void *ctx, const tss_api_dkg_request *req, char *msg)
{
    node *n = ctx;
    tss_metric_inc(&n->ctr.requests_dkg);
    if (req->n_participants == 0 || req->n_participants > MAX_P)
        return invalid(n, msg, "a DKG takes 1..%u participants", MAX_P);
    if (req->threshold == 0 || req->threshold > req->n_participants)
        return invalid(n, msg, "threshold %u out of range", req->threshold);
    int self_in = 0;
    for (uint16_t i = 0; i < req->n_participants; i++) {
        if (tss_peer_by_index(&n->peers, req->participants[i]) == NULL) {
            snprintf(msg, TSS_API_ERRMSG_MAX, "participant %u is not in the peer table", req->participants[i]);
            return TSS_ERR_NOT_FOUND;
        }
        if (req->participants[i] == n->cfg.node.index) self_in = 1;
    }
    if (!self_in) return invalid(n, msg, "this node (%u) is not a participant", n->cfg.node.index);
    pthread_mutex_lock(&n->lock);
    uint32_t k = 0;
    int rc = admit(n, req->session_id, &k, msg);
    if (rc == TSS_OK && key_by_id(n, req->session_id) != NULL) {
        snprintf(msg, TSS_API_ERRMSG_MAX, "a key with this id exists");
        rc = TSS_ERR_DUPLICATE;
    }
    if (rc == TSS_OK && n->n_keys >= NODE_MAX_KEYS) {
        snprintf(msg, TSS_API_ERRMSG_MAX, "this node holds the most keys it can");
        rc = TSS_ERR_CAPACITY;
    }
    if (rc == TSS_OK) {
        engine_request *r = n->free_requests[--n->n_free_requests];
        memset(r, 0, sizeof *r);
        r->kind = ENGINE_REQ_DKG;
        r->u.dkg.session_id = req->session_id;
        r->u.dkg.n = req->n_participants;
        r->u.dkg.t = req->threshold;
        memcpy(r->u.dkg.participants, req->participants, req->n_participants * sizeof(uint16_t));
        rc = submit(n, k, r, req->session_id, TSS_API_SESSION_DKG, req->session_id, msg);
        if (rc != TSS_OK) n->free_requests[n->n_free_requests++] = r;
    }
    pthread_mutex_unlock(&n->lock);
    return rc;
}

static int load_key_package(node *n, const node_key *key, tss_frost_key_package *kp)
{
    uint8_t buf[TSS_FROST_KEY_PACKAGE_BYTES + 16];
    size_t len = 0;
    uint8_t id[36];
    size_t id_len = secret_id(id, key->group_pk, key->generation);
    int rc = tss_store_get_secret(&n->store, TSS_STORE_KEY_PACKAGE, id, id_len, buf, sizeof buf, &len);
    if (rc == TSS_OK) rc = tss_frost_key_package_deserialize(kp, buf, len);
    sodium_memzero(buf, sizeof buf);
    return rc;
}

static int be_start_sign(void *ctx, const tss_api_sign_request *req, char *msg)
{
    node *n = ctx;
    tss_metric_inc(&n->ctr.requests_sign);
    if (!req->prehash && req->message_len > SESSION_MAX_MESSAGE)
        return invalid(n, msg, "messages longer than %u bytes must be signed with prehash", SESSION_MAX_MESSAGE);
    pthread_mutex_lock(&n->lock);
    int rc = TSS_OK;
    uint32_t k = 0;
    node_key *key = key_by_id(n, req->key_id);
    engine_request *r = NULL;
    if (key == NULL) {
        snprintf(msg, TSS_API_ERRMSG_MAX, "no key with this id on this node");
        rc = TSS_ERR_NOT_FOUND;
        goto out;
    }
    const uint16_t *cand = req->n_signers > 0 ? req->signers : key->participants;
    uint16_t n_cand = req->n_signers > 0 ? req->n_signers : key->n;
    int self_in = 0;
    for (uint16_t i = 0; i < n_cand; i++) {
        int holder = 0;
        for (uint16_t j = 0; j < key->n; j++) holder |= key->participants[j] == cand[i];
        if (!holder) {
            rc = invalid(n, msg, "signer %u does not hold a share of this key", cand[i]);
            goto out;
        }
        self_in |= cand[i] == n->cfg.node.index;
    }
    if (n_cand < key->threshold) {
        snprintf(msg, TSS_API_ERRMSG_MAX, "%u signers for a threshold of %u", n_cand, key->threshold);
        rc = TSS_ERR_NOT_ENOUGH;
        goto out;
    }
    if (!self_in) {
        rc = invalid(n, msg, "this node (%u) is not among the signers", n->cfg.node.index);
        goto out;
    }
    rc = admit(n, req->session_id, &k, msg);
    if (rc != TSS_OK) goto out;
    r = n->free_requests[--n->n_free_requests];
    memset(r, 0, sizeof *r);
    r->kind = ENGINE_REQ_SIGN;
    session_sign_params *p = &r->u.sign;
    p->session_id = req->session_id;
    p->n_candidates = n_cand;
    memcpy(p->candidates, cand, n_cand * sizeof(uint16_t));
    if (req->prehash) {
        crypto_hash_sha512(p->message, req->message, req->message_len);
        p->message_len = crypto_hash_sha512_BYTES;
    } else {
        memcpy(p->message, req->message, req->message_len);
        p->message_len = (uint16_t)req->message_len;
    }
    p->n_holders = key->n;
    for (uint16_t j = 0; j < key->n; j++) {
        p->holders[j] = key->participants[j];
        memcpy(p->verifying_shares[j].bytes, key->vshares[j], 32);
    }
    rc = load_key_package(n, key, &p->key_package);
    if (rc != TSS_OK) {
        tss_metric_inc(&n->ctr.store_errors);
        snprintf(msg, TSS_API_ERRMSG_MAX, "the key package could not be loaded: %s", tss_status_str(rc));
    } else {
        rc = submit(n, k, r, req->session_id, TSS_API_SESSION_SIGN, req->key_id, msg);
    }
    if (rc != TSS_OK) {
        sodium_memzero(r, sizeof *r);
        n->free_requests[n->n_free_requests++] = r;
    }
out:
    pthread_mutex_unlock(&n->lock);
    return rc;
}

/* A refresh or reshare may not overlap another one of the same key (the second would start from a
 * generation that is about to be replaced). Lock held. */
static int key_busy(node *n, uint64_t key_id)
{
    for (uint32_t i = 0; i < n->status_cap; i++) {
        const node_status *s = &n->status[i];
        if (s->used && s->state == TSS_API_STATE_RUNNING && s->key_id == key_id &&
            (s->kind == TSS_API_SESSION_REFRESH || s->kind == TSS_API_SESSION_RESHARE))
            return 1;
    }
    return 0;
}

static void key_public_of(const node_key *key, session_key_public *out)
{
    out->generation = key->generation;
    out->t = key->threshold;
    memcpy(out->group_key.bytes, key->group_pk, 32);
    out->n_holders = key->n;
    for (uint16_t j = 0; j < key->n; j++) {
        out->holders[j] = key->participants[j];
        memcpy(out->verifying_shares[j].bytes, key->vshares[j], 32);
    }
}

static int is_holder(const node_key *key, uint16_t idx)
{
    for (uint16_t j = 0; j < key->n; j++)
        if (key->participants[j] == idx) return 1;
    return 0;
}

/* Takes a request from the pool, fills it with fill(), loads this node's key package if `with_kp`, and
 * submits it. Lock held. */
static int submit_maintenance(node *n, engine_request *r, uint32_t k, const node_key *key,
                              tss_frost_key_package *kp, uint64_t sid, uint8_t api_kind_v, uint64_t key_id, char *msg)
{
    int rc = TSS_OK;
    if (kp != NULL) {
        rc = load_key_package(n, key, kp);
        if (rc != TSS_OK) {
            tss_metric_inc(&n->ctr.store_errors);
            snprintf(msg, TSS_API_ERRMSG_MAX, "the key package could not be loaded: %s", tss_status_str(rc));
        }
    }
    if (rc == TSS_OK) rc = submit(n, k, r, sid, api_kind_v, key_id, msg);
    if (rc != TSS_OK) {
        sodium_memzero(r, sizeof *r);
        n->free_requests[n->n_free_requests++] = r;
    }
    return rc;
}

static int be_start_reshare(void *ctx, const tss_api_reshare_request *req, char *msg)
{
    node *n = ctx;
    uint16_t self = n->cfg.node.index;
    if (req->n_participants == 0 || req->n_participants > MAX_P)
        return invalid(n, msg, "a reshare takes 1..%u new participants", MAX_P);
    if (req->threshold == 0 || req->threshold > req->n_participants)
        return invalid(n, msg, "threshold %u out of range", req->threshold);
    if (req->n_dealers > MAX_P) return invalid(n, msg, "at most %u dealers", MAX_P);
    for (uint16_t i = 0; i < req->n_participants + req->n_dealers; i++) {
        uint16_t v = i < req->n_participants ? req->participants[i] : req->dealers[i - req->n_participants];
        if (tss_peer_by_index(&n->peers, v) == NULL) {
            snprintf(msg, TSS_API_ERRMSG_MAX, "node %u is not in the peer table", v);
            return TSS_ERR_NOT_FOUND;
        }
    }
    pthread_mutex_lock(&n->lock);
    int rc = TSS_OK;
    uint32_t k = 0;
    engine_request *r = NULL;
    node_key *key = key_by_id(n, req->key_id);
    const uint16_t *dealers = req->n_dealers > 0 ? req->dealers : (key != NULL ? key->participants : NULL);
    uint16_t n_dealers = req->n_dealers > 0 ? req->n_dealers : (key != NULL ? key->n : 0);
    int self_dealer = 0, self_new = 0;
    for (uint16_t i = 0; i < n_dealers; i++) self_dealer |= dealers[i] == self;
    for (uint16_t i = 0; i < req->n_participants; i++) self_new |= req->participants[i] == self;
    if (dealers == NULL) {
        snprintf(msg, TSS_API_ERRMSG_MAX, "no key with this id on this node: name the \"dealers\"");
        rc = TSS_ERR_NOT_FOUND;
        goto out;
    }
    if (!self_dealer && !self_new) {
        rc = invalid(n, msg, "this node (%u) is neither a dealer nor a new participant", self);
        goto out;
    }
    if (key != NULL) {
        for (uint16_t i = 0; i < n_dealers; i++)
            if (!is_holder(key, dealers[i])) {
                rc = invalid(n, msg, "dealer %u does not hold a share of this key", dealers[i]);
                goto out;
            }
        if (n_dealers < key->threshold) {
            snprintf(msg, TSS_API_ERRMSG_MAX, "%u dealers for a threshold of %u", n_dealers, key->threshold);
            rc = TSS_ERR_NOT_ENOUGH;
            goto out;
        }
        if (self_dealer && !is_holder(key, self)) {
            rc = invalid(n, msg, "this node (%u) holds no share of this key", self);
            goto out;
        }
    } else if (self_dealer) {
        snprintf(msg, TSS_API_ERRMSG_MAX, "no key with this id on this node");
        rc = TSS_ERR_NOT_FOUND;
        goto out;
    } else if (n->n_keys >= NODE_MAX_KEYS) {
        snprintf(msg, TSS_API_ERRMSG_MAX, "this node holds the most keys it can");
        rc = TSS_ERR_CAPACITY;
        goto out;
    }
    if (key_busy(n, req->key_id)) {
        snprintf(msg, TSS_API_ERRMSG_MAX, "the key is being refreshed or reshared");
        rc = TSS_ERR_STATE;
        goto out;
    }
    rc = admit(n, req->session_id, &k, msg);
    if (rc != TSS_OK) goto out;
    r = n->free_requests[--n->n_free_requests];
    memset(r, 0, sizeof *r);
    r->kind = ENGINE_REQ_RESHARE;
    session_reshare_params *p = &r->u.reshare;
    p->session_id = req->session_id;
    p->n_dealers = n_dealers;
    memcpy(p->dealers, dealers, n_dealers * sizeof(uint16_t));
    p->n_new = req->n_participants;
    memcpy(p->new_participants, req->participants, req->n_participants * sizeof(uint16_t));
    p->new_t = req->threshold;
    p->has_key = key != NULL;
    if (key != NULL) key_public_of(key, &p->key);
    tss_metric_inc(&n->ctr.requests_dkg);
    rc = submit_maintenance(n, r, k, key, self_dealer ? &p->key_package : NULL, req->session_id,
                            TSS_API_SESSION_RESHARE, req->key_id, msg);
out:
    pthread_mutex_unlock(&n->lock);
    return rc;
}

static int be_start_refresh(void *ctx, const tss_api_refresh_request *req, char *msg)
{
    node *n = ctx;
    pthread_mutex_lock(&n->lock);
    int rc = TSS_OK;
    uint32_t k = 0;
    engine_request *r = NULL;
    node_key *key = key_by_id(n, req->key_id);
    if (key == NULL) {
        snprintf(msg, TSS_API_ERRMSG_MAX, "no key with this id on this node");
        rc = TSS_ERR_NOT_FOUND;
        goto out;
    }
    /* A listed subset of the holders (the others are dropped) is a reshare among them with the same t. */
    int subset = 0;
    if (req->n_participants > 0) {
        for (uint16_t i = 0; i < req->n_participants; i++)
            if (!is_holder(key, req->participants[i])) {
                rc = invalid(n, msg, "participant %u does not hold a share of this key", req->participants[i]);
                goto out;
            }
        subset = req->n_participants != key->n;
        if (req->n_participants < key->threshold) {
            snprintf(msg, TSS_API_ERRMSG_MAX, "%u participants for a threshold of %u", req->n_participants,
                     key->threshold);
            rc = TSS_ERR_NOT_ENOUGH;
            goto out;
        }
    }
    /* A 1-of-n key has no polynomial to re-randomise; re-dealing it among its holders is the refresh. */
    if (key->threshold < 2) subset = 1;
    const uint16_t *members = subset && req->n_participants > 0 ? req->participants : key->participants;
    uint16_t n_members = subset && req->n_participants > 0 ? req->n_participants : key->n;
    int self_in = 0;
    for (uint16_t i = 0; i < n_members; i++) self_in |= members[i] == n->cfg.node.index;
    if (!self_in) {
        rc = invalid(n, msg, "this node (%u) is not among the participants", n->cfg.node.index);
        goto out;
    }
    if (key_busy(n, req->key_id)) {
        snprintf(msg, TSS_API_ERRMSG_MAX, "the key is being refreshed or reshared");
        rc = TSS_ERR_STATE;
        goto out;
    }
    if (subset) {
        rc = admit(n, req->session_id, &k, msg);
        if (rc != TSS_OK) goto out;
        r = n->free_requests[--n->n_free_requests];
        memset(r, 0, sizeof *r);
        r->kind = ENGINE_REQ_RESHARE;
        session_reshare_params *p = &r->u.reshare;
        p->session_id = req->session_id;
        p->n_dealers = p->n_new = n_members;
        memcpy(p->dealers, members, n_members * sizeof(uint16_t));
        memcpy(p->new_participants, members, n_members * sizeof(uint16_t));
        p->new_t = key->threshold;
        p->has_key = 1;
        key_public_of(key, &p->key);
        tss_metric_inc(&n->ctr.requests_dkg);
        rc = submit_maintenance(n, r, k, key, &p->key_package, req->session_id, TSS_API_SESSION_REFRESH,
                                req->key_id, msg);
        goto out;
    }
    rc = admit(n, req->session_id, &k, msg);
    if (rc != TSS_OK) goto out;
    r = n->free_requests[--n->n_free_requests];
    memset(r, 0, sizeof *r);
    r->kind = ENGINE_REQ_REFRESH;
    r->u.refresh.session_id = req->session_id;
    key_public_of(key, &r->u.refresh.key);
    tss_metric_inc(&n->ctr.requests_dkg);
    rc = submit_maintenance(n, r, k, key, &r->u.refresh.key_package, req->session_id, TSS_API_SESSION_REFRESH,
                            req->key_id, msg);
out:
    pthread_mutex_unlock(&n->lock);
    return rc;
}

static void fill_key_parts(const node_key *key, uint8_t group_pk[32], uint16_t *t, uint16_t *n_p,
                           uint16_t *participants, uint8_t (*vshares)[32])
{
    memcpy(group_pk, key->group_pk, 32);
    *t = key->threshold;
    *n_p = key->n;
    for (uint16_t i = 0; i < key->n; i++) {
        participants[i] = key->participants[i];
        memcpy(vshares[i], key->vshares[i], 32);
    }
}

static int be_get_session(void *ctx, uint64_t sid, tss_api_session_info *out)
{
    node *n = ctx;
    node_status s;
    int found = 0;
    uint64_t now = now_us(n);
    pthread_mutex_lock(&n->lock);
    uint32_t e = status_find(n, sid);
    if (e != NO_ENTRY) {
        s = n->status[e];
        found = 1;
        out->elapsed_us = (s.state == TSS_API_STATE_RUNNING ? now : s.end_us) - s.start_us;
    }
    pthread_mutex_unlock(&n->lock);
    if (!found) {
        uint8_t id[8], buf[1024];
        size_t len = 0;
        sid_bytes(id, sid);
        if (tss_store_get_public(&n->store, TSS_STORE_SESSION, id, 8, buf, sizeof buf, &len) != TSS_OK ||
            status_decode(&s, buf, len) != TSS_OK || s.session_id != sid)
            return TSS_ERR_NOT_FOUND;
        out->elapsed_us = s.end_us;
    }
    out->session_id = sid;
    out->kind = (tss_api_session_kind)s.kind;
    out->state = (tss_api_session_state)s.state;
    out->scheme = TSS_API_SCHEME_FROST_ED25519;
    out->key_id = s.key_id;
    out->attempt = 1;
    if (s.state == TSS_API_STATE_DONE) {
        pthread_mutex_lock(&n->lock);
        node_key *key = key_by_id(n, s.key_id);
        if (key != NULL)
            fill_key_parts(key, out->group_public_key, &out->threshold, &out->n_participants, out->participants,
                           out->verifying_shares);
        pthread_mutex_unlock(&n->lock);
        if (s.kind == TSS_API_SESSION_SIGN) {
            memcpy(out->signature, s.signature, 64);
            out->n_signers = s.n_signers;
            memcpy(out->signers, s.signers, s.n_signers * sizeof s.signers[0]);
            /* Sign results show only the group key, not the key's share list. */
            out->n_participants = 0;
            out->threshold = 0;
        }
        out->round = s.kind == TSS_API_SESSION_SIGN ? 2 : 3;
    } else if (s.state == TSS_API_STATE_FAILED) {
        out->failure_status = s.status;
        snprintf(out->failure_message, sizeof out->failure_message, "%s", s.message);
    }
    /* Culprits: why a session failed, or whom a successful signing excluded on the way. */
    out->n_culprits = s.n_culprits > TSS_API_MAX_CULPRITS ? TSS_API_MAX_CULPRITS : s.n_culprits;
    for (uint16_t i = 0; i < out->n_culprits; i++) {
        out->culprits[i].node = s.culprit_node[i];
        out->culprits[i].reason = (tss_api_culprit_reason)s.culprit_reason[i];
    }
    return TSS_OK;
}

static void key_summary(const node_key *k, tss_api_key_summary *out)
{
    out->key_id = k->key_id;
    out->scheme = TSS_API_SCHEME_FROST_ED25519;
    memcpy(out->group_public_key, k->group_pk, 32);
    out->threshold = k->threshold;
    out->n_participants = k->n;
    out->generation = k->generation;
}

static int be_list_keys(void *ctx, size_t offset, tss_api_key_summary *out, size_t cap, size_t *count)
{
    node *n = ctx;
    pthread_mutex_lock(&n->lock);
    size_t c = 0;
    for (size_t i = offset; i < n->n_keys && c < cap; i++) key_summary(&n->keys[i], &out[c++]);
    pthread_mutex_unlock(&n->lock);
    *count = c;
    return TSS_OK;
}

static int be_get_key(void *ctx, uint64_t key_id, tss_api_key_info *out)
{
    node *n = ctx;
    int rc = TSS_ERR_NOT_FOUND;
    pthread_mutex_lock(&n->lock);
    node_key *k = key_by_id(n, key_id);
    if (k != NULL) {
        key_summary(k, &out->summary);
        uint8_t gpk[32];
        uint16_t t, np;
        fill_key_parts(k, gpk, &t, &np, out->participants, out->verifying_shares);
        out->own_index = 0;
        for (uint16_t i = 0; i < k->n; i++)
            if (k->participants[i] == n->cfg.node.index) out->own_index = k->participants[i];
        rc = TSS_OK;
    }
    pthread_mutex_unlock(&n->lock);
    return rc;
}

static int be_render_metrics(void *ctx, char *buf, size_t cap, size_t *len)
{
    node *n = ctx;
    return tss_metrics_render(&n->metrics, buf, cap, len);
}

/* ---- metrics ---- */

typedef struct reg_ctx {
    tss_metrics *m;
    int rc;
} reg_ctx;

static void reg_counter(reg_ctx *r, const char *name, const char *help, const char *labels, const uint64_t *v)
{
    int rc = tss_metrics_add_counter(r->m, name, help, labels, v);
    if (rc != TSS_OK && r->rc == TSS_OK) r->rc = rc;
}

static void reg_gauge(reg_ctx *r, const char *name, const char *help, const char *labels, const int64_t *v)
{
    int rc = tss_metrics_add_gauge(r->m, name, help, labels, v);
    if (rc != TSS_OK && r->rc == TSS_OK) r->rc = rc;
}

static int64_t ring_occupancy(void *ctx)
{
    return (int64_t)ring_spsc_count((const ring_spsc *)ctx);
}

static void reg_port(reg_ctx *r, const char *port, const dp_counters *c)
{
    char l[64];
    snprintf(l, sizeof l, "port=\"%s\"", port);
    reg_counter(r, "tss_dp_rx_packets_total", "Datagrams received by a dataplane port.", l, &c->rx_pkts);
    reg_counter(r, "tss_dp_rx_bytes_total", "Bytes received by a dataplane port.", l, &c->rx_bytes);
    reg_counter(r, "tss_dp_rx_nobuf_total", "Receive bursts cut short by an empty packet pool.", l, &c->rx_nobuf);
    reg_counter(r, "tss_dp_rx_truncated_total", "Datagrams too large for a packet buffer, dropped.", l,
                &c->rx_truncated);
    reg_counter(r, "tss_dp_rx_errors_total", "Receive errors.", l, &c->rx_errors);
    reg_counter(r, "tss_dp_tx_packets_total", "Datagrams sent by a dataplane port.", l, &c->tx_pkts);
    reg_counter(r, "tss_dp_tx_bytes_total", "Bytes sent by a dataplane port.", l, &c->tx_bytes);
    reg_counter(r, "tss_dp_tx_would_block_total", "Transmit bursts cut short by a full socket.", l,
                &c->tx_would_block);
    reg_counter(r, "tss_dp_tx_errors_total", "Datagrams dropped on a send error.", l, &c->tx_errors);
}

static int register_metrics(node *n)
{
    reg_ctx r = {&n->metrics, TSS_OK};
    rx_pipeline *rx = &n->poller.rx;
    char l[96];
#define RX_REASON(field, reason)                                                                                 \
    reg_counter(&r, "tss_wire_rejected_total", "Datagrams the wire decoder rejected, by reason.",             \
                "reason=\"" reason "\"", &rx->wire.field)
    reg_counter(&r, "tss_wire_decoded_total", "Datagrams decoded into envelopes.", NULL, &rx->wire.decoded);
    RX_REASON(truncated, "truncated");
    RX_REASON(oversize, "oversize");
    RX_REASON(trailing, "trailing");
    RX_REASON(bad_magic, "bad_magic");
    RX_REASON(unknown_version, "unknown_version");
    RX_REASON(unknown_type, "unknown_type");
    RX_REASON(bad_reserved, "bad_reserved");
    RX_REASON(bad_fragment, "bad_fragment");
    RX_REASON(bad_recipient, "bad_recipient");
#undef RX_REASON
    reg_counter(&r, "tss_rx_no_key_total", "Envelopes from a sender index with no configured key.", NULL,
                &rx->ctr.no_key);
    reg_counter(&r, "tss_rx_delivered_total", "Complete messages delivered by the receive pipeline.", NULL,
                &rx->ctr.delivered);
    const vs_counters *vc = &rx->vs.ctr;
    reg_counter(&r, "tss_verify_pushed_total", "Envelopes queued for signature verification.", NULL, &vc->pushed);
    reg_counter(&r, "tss_verify_valid_total", "Envelope signatures that verified.", NULL, &vc->valid);
    reg_counter(&r, "tss_verify_invalid_total", "Envelope signatures that did not verify (dropped).", NULL,
                &vc->invalid);
    reg_counter(&r, "tss_verify_batches_total", "Batch verifier calls.", NULL, &vc->batches);
    reg_counter(&r, "tss_verify_batches_failed_total", "Batches holding at least one invalid signature.", NULL,
                &vc->batches_failed);
    reg_counter(&r, "tss_verify_flush_total", "Batches verified, by cause.", "cause=\"full\"", &vc->flush_full);
    reg_counter(&r, "tss_verify_flush_total", "Batches verified, by cause.", "cause=\"timeout\"",
                &vc->flush_timeout);
    reg_counter(&r, "tss_verify_flush_total", "Batches verified, by cause.", "cause=\"explicit\"",
                &vc->flush_explicit);
    const validator_counters *va = &rx->val.ctr;
    const uint64_t *vfields[] = {&va->accepted, &va->unknown_sender, &va->from_self, &va->wrong_recipient,
                                 &va->too_large, &va->too_old, &va->too_new, &va->not_member, &va->replay,
                                 &va->stale, &va->rate_limited};
    for (int i = 0; i <= VALIDATOR_RATE_LIMITED; i++) {
        snprintf(l, sizeof l, "result=\"%s\"", validator_result_name((validator_result)i));
        reg_counter(&r, "tss_validator_total", "Validator outcomes for verified envelopes.", l, vfields[i]);
    }
    const reasm_counters *rc = &rx->reasm.ctr;
    const uint64_t *rfields[] = {&rc->single, &rc->fragments, &rc->completed, &rc->duplicates, &rc->inconsistent,
                                 &rc->too_large, &rc->table_full, &rc->expired};
    const char *rnames[] = {"single", "fragment", "completed", "duplicate", "inconsistent", "too_large",
                            "table_full", "expired"};
    for (int i = 0; i < 8; i++) {
        snprintf(l, sizeof l, "event=\"%s\"", rnames[i]);
        reg_counter(&r, "tss_reassembly_total", "Fragment reassembly events.", l, rfields[i]);
    }
    const poller_counters *pc = &n->poller.ctr;
    reg_counter(&r, "tss_poller_dispatched_total", "Messages dispatched to an engine.", NULL, &pc->dispatched);
    reg_counter(&r, "tss_poller_session_less_total", "Hello/ping messages (not dispatched).", NULL,
                &pc->session_less);
    reg_counter(&r, "tss_poller_dropped_total", "Messages dropped at dispatch, by reason.", "reason=\"no_buffer\"",
                &pc->drop_no_buffer);
    reg_counter(&r, "tss_poller_dropped_total", "Messages dropped at dispatch, by reason.", "reason=\"ring_full\"",
                &pc->drop_ring_full);
    reg_counter(&r, "tss_poller_dropped_total", "Messages dropped at dispatch, by reason.", "reason=\"too_large\"",
                &pc->drop_too_large);
    for (unsigned t = 0; t < WIRE_TYPE_LIMIT; t++) {
        if (!wire_type_known(t)) continue;
        snprintf(l, sizeof l, "type=\"%s\"", wire_type_name(t));
        reg_counter(&r, "tss_messages_received_total", "Complete messages received, by type.", l, &pc->by_type[t]);
    }
    reg_port(&r, "rx", &n->rx_port->ctr);
    for (uint32_t k = 0; k < n->n_engines; k++) {
        engine *e = &n->engines[k];
        const engine_counters *c = &e->ctr;
        char port[16];
        snprintf(port, sizeof port, "tx%u", k);
        reg_port(&r, port, &n->tx_port[k]->ctr);
        struct {
            const char *name, *help;
            const uint64_t *v;
        } ec[] = {
            {"tss_engine_messages_total", "Messages taken by the engine.", &c->msgs},
            {"tss_engine_messages_to_session_total", "Messages fed to a session.", &c->msgs_to_session},
            {"tss_engine_messages_rejected_total", "Messages a session refused.", &c->msg_rejected},
            {"tss_engine_not_member_total", "Messages from a sender outside the session.", &c->not_member},
            {"tss_engine_pending_buffered_total", "Messages buffered for a session not started here.",
             &c->pending_buffered},
            {"tss_engine_pending_replayed_total", "Buffered messages replayed at session start.",
             &c->pending_replayed},
            {"tss_engine_pending_dropped_total", "Messages dropped: pending buffer full.", &c->pending_dropped},
            {"tss_engine_pending_expired_total", "Buffered messages dropped by age.", &c->pending_expired},
            {"tss_engine_requests_total", "Requests taken by the engine.", &c->requests},
            {"tss_engine_sessions_started_total", "Sessions started.", &c->started},
            {"tss_engine_start_failed_total", "Session starts refused.", &c->start_failed},
            {"tss_engine_capacity_refused_total", "Requests refused: arena full.", &c->capacity_refused},
            {"tss_engine_duplicate_refused_total", "Requests refused: id in use.", &c->duplicate_refused},
            {"tss_engine_evicted_lingering_total", "Finished sessions evicted early.", &c->evicted_lingering},
            {"tss_engine_events_dropped_total", "Outcomes lost for want of an event slot.", &c->events_dropped},
            {"tss_engine_ticks_total", "Session timer ticks.", &c->ticks},
            {"tss_engine_tx_messages_total", "Logical messages sent.", &c->tx_msgs},
            {"tss_engine_tx_packets_total", "Datagrams handed to the tx port.", &c->tx_pkts},
            {"tss_engine_tx_dropped_total", "Datagrams dropped at transmit.", &c->tx_dropped},
            {"tss_engine_tx_errors_total", "Messages that could not be encoded or addressed.", &c->tx_errors},
        };
        snprintf(l, sizeof l, "engine=\"%u\"", k);
        for (size_t i = 0; i < sizeof ec / sizeof ec[0]; i++) reg_counter(&r, ec[i].name, ec[i].help, l, ec[i].v);
        snprintf(l, sizeof l, "engine=\"%u\",state=\"done\"", k);
        reg_counter(&r, "tss_sessions_finished_total", "Sessions finished, by outcome.", l, &c->done);
        snprintf(l, sizeof l, "engine=\"%u\",state=\"failed\"", k);
        reg_counter(&r, "tss_sessions_finished_total", "Sessions finished, by outcome.", l, &c->failed);
        snprintf(l, sizeof l, "engine=\"%u\",state=\"running\"", k);
        reg_gauge(&r, "tss_sessions", "Sessions in the arena, by state.", l, &c->running);
        snprintf(l, sizeof l, "engine=\"%u\",state=\"lingering\"", k);
        reg_gauge(&r, "tss_sessions", "Sessions in the arena, by state.", l, &c->lingering);
        snprintf(l, sizeof l, "engine=\"%u\",ring=\"msg_in\"", k);
        int grc = tss_metrics_add_gauge_fn(&n->metrics, "tss_ring_occupancy", "Entries waiting in a ring.", l,
                                           ring_occupancy, e->msg_in);
        if (grc != TSS_OK && r.rc == TSS_OK) r.rc = grc;
    }
    const node_counters *nc = &n->ctr;
    reg_counter(&r, "tss_control_events_total", "Session outcomes handled by the control plane.", NULL, &nc->events);
    reg_counter(&r, "tss_control_keys_stored_total", "Keys stored after a DKG.", NULL, &nc->keys_stored);
    reg_counter(&r, "tss_control_store_errors_total", "Store reads or writes that failed.", NULL, &nc->store_errors);
    reg_counter(&r, "tss_control_refused_total", "API requests refused, by reason.", "reason=\"capacity\"",
                &nc->refused_capacity);
    reg_counter(&r, "tss_control_refused_total", "API requests refused, by reason.", "reason=\"duplicate\"",
                &nc->refused_duplicate);
    reg_counter(&r, "tss_control_refused_total", "API requests refused, by reason.", "reason=\"invalid\"",
                &nc->refused_invalid);
    reg_counter(&r, "tss_control_requests_total", "Session requests, by kind.", "kind=\"dkg\"", &nc->requests_dkg);
    reg_counter(&r, "tss_control_requests_total", "Session requests, by kind.", "kind=\"sign\"", &nc->requests_sign);
    int hrc = tss_metrics_add_histogram(&n->metrics, "tss_session_duration_seconds",
                                        "Time from request to outcome, by kind.", "kind=\"sign\"", &n->latency_sign);
    if (hrc == TSS_OK)
        hrc = tss_metrics_add_histogram(&n->metrics, "tss_session_duration_seconds",
                                        "Time from request to outcome, by kind.", "kind=\"dkg\"", &n->latency_dkg);
    if (hrc != TSS_OK && r.rc == TSS_OK) r.rc = hrc;
    return r.rc;
}

/* ---- construction ---- */

static int open_socket_port(void *ctx, uint32_t role, dp_pool *pool, const struct sockaddr_in *bind, dp_port **out)
{
    node *n = ctx;
    dp_socket *s = role == 0 ? &n->rx_sock : &n->tx_sock[role - 1];
    char host[INET_ADDRSTRLEN];
    if (inet_ntop(AF_INET, &bind->sin_addr, host, sizeof host) == NULL) return TSS_ERR_INVALID_ARG;
    /* Engines transmit from their own socket on an ephemeral port: peers identify senders by key. */
    int rc = dp_socket_open(s, pool, host, role == 0 ? ntohs(bind->sin_port) : 0);
    if (rc == TSS_OK) *out = &s->port;
    return rc;
}

static int load_key_cb(void *ctx, int kind, const uint8_t *id, size_t id_len, const uint8_t *data, size_t len)
{
    (void)kind;
    node *n = ctx;
    node_key k;
    if (n->n_keys >= NODE_MAX_KEYS) return 1;
    if (data == NULL || id_len != 32 || key_decode(&k, data, len) != TSS_OK || memcmp(k.group_pk, id, 32) != 0) {
        tss_metric_inc(&n->ctr.store_errors);
        return 0;
    }
    n->keys[n->n_keys++] = k;
    return 0;
}

static int alloc_pool(dp_pool *pool, void **mem, uint32_t count)
{
    size_t sz = dp_pool_mem_size(count);
    if (sz == 0) return TSS_ERR_INVALID_ARG;
    *mem = tss_aligned_alloc(64, sz);
    if (*mem == NULL) return TSS_ERR_CAPACITY;
    return dp_pool_init(pool, count, *mem, sz);
}

#define FAIL(code, ...)                                                                                          \
    do {                                                                                                         \
        snprintf(err, err_len, __VA_ARGS__);                                                                     \
        rc = (code);                                                                                             \
        goto fail;                                                                                               \
    } while (0)

int node_create(node **out, const tss_config *cfg, const node_options *opt, char *err, size_t err_len)
{
    char e2[1024];
    int rc;
    if (out == NULL || cfg == NULL || err == NULL || err_len == 0) return TSS_ERR_INVALID_ARG;
    *out = NULL;
    err[0] = '\0';
    if (tss_init() != TSS_OK) {
        snprintf(err, err_len, "libsodium: initialisation failed");
        return TSS_ERR_CRYPTO;
    }
    node *n = calloc(1, sizeof *n);
    if (n == NULL) {
        snprintf(err, err_len, "out of memory");
        return TSS_ERR_CAPACITY;
    }
    pthread_mutex_init(&n->lock, NULL);
    n->cfg = *cfg;
    if (opt != NULL) n->opt = *opt;
    if (n->opt.wall_ms == NULL) n->opt.wall_ms = real_wall_ms;
    if (n->opt.mono_ms == NULL || n->opt.mono_us == NULL) {
        n->opt.mono_ms = real_mono_ms;
        n->opt.mono_us = real_mono_us;
    }
    if (n->opt.open_port == NULL) {
        n->opt.open_port = open_socket_port;
        n->opt.port_ctx = n;
    }
    if (n->opt.replay_per_peer == 0) n->opt.replay_per_peer = 2048;
    n->n_engines = (uint32_t)cfg->cores.n_engines;
    if (n->n_engines == 0 || n->n_engines > MAX_ENGINES) FAIL(TSS_ERR_INVALID_ARG, "%s: no engine cores", cfg->path);

    /* identity and peers */
    if (n->opt.identity != NULL) {
        n->id = *n->opt.identity;
    } else if ((rc = tss_identity_load(&n->id, cfg->node.identity_key_file, e2, sizeof e2)) != TSS_OK) {
        FAIL(rc, "identity: %s", e2);
    }
    if ((rc = tss_peer_table_from_config(&n->peers, cfg)) != TSS_OK)
        FAIL(rc, "%s: peer table: %s", cfg->path, tss_status_str(rc));
    if ((rc = tss_peer_table_check_self(&n->peers, n->id.public_key)) != TSS_OK)
        FAIL(rc, "%s: the identity key does not match [peer.%u] public_key", cfg->path, cfg->node.index);
    uint32_t max_idx = 0;
    for (size_t i = 0; i < n->peers.n; i++)
        if (n->peers.peers[i].index > max_idx) max_idx = n->peers.peers[i].index;
    n->n_idx = (uint16_t)(max_idx + 1);
    n->peer_pk = calloc(n->n_idx, 32);
    n->peer_present = calloc(n->n_idx, 1);
    n->peer_addr = calloc(n->n_idx, sizeof *n->peer_addr);
    n->tx_sock = calloc(n->n_engines, sizeof *n->tx_sock);
    n->engines = calloc(n->n_engines, sizeof *n->engines);
    n->keys = calloc(NODE_MAX_KEYS, sizeof *n->keys);
    if (!n->peer_pk || !n->peer_present || !n->peer_addr || !n->tx_sock || !n->engines || !n->keys)
        FAIL(TSS_ERR_CAPACITY, "out of memory");
    for (size_t i = 0; i < n->peers.n; i++) {
        const tss_peer *p = &n->peers.peers[i];
        memcpy(n->peer_pk[p->index], p->public_key, 32);
        n->peer_present[p->index] = 1;
        memcpy(&n->peer_addr[p->index].u.in4, &p->address, sizeof p->address);
        n->peer_addr[p->index].len = sizeof p->address;
    }

    /* store and the keys it holds */
    rc = tss_store_open_configured(&n->store, cfg->node.data_dir, cfg->node.master_key_file,
                                   cfg->node.master_passphrase_env);
    if (rc != TSS_OK) FAIL(rc, "store %s: %s", cfg->node.data_dir, n->store.error);
    n->store_open = 1;
    if ((rc = tss_store_list(&n->store, TSS_STORE_PUBLIC_KEY_PACKAGE, load_key_cb, n)) != TSS_OK)
        FAIL(rc, "store %s: cannot list keys", cfg->node.data_dir);

    /* dataplane ports */
    uint32_t rx_count = cfg->engine.verify_batch * 2 + 4 * DP_BURST_MAX;
    if ((rc = alloc_pool(&n->rx_pool, &n->rx_pool_mem, rx_count)) != TSS_OK) FAIL(rc, "rx packet pool");
    if ((rc = n->opt.open_port(n->opt.port_ctx, 0, &n->rx_pool, &cfg->node.listen, &n->rx_port)) != TSS_OK)
        FAIL(rc, "%s:%d: cannot open the node's UDP port (%s)", cfg->path, cfg->node.listen_line,
             tss_status_str(rc));
    for (uint32_t k = 0; k < n->n_engines; k++) {
        struct sockaddr_in b = cfg->node.listen;
        if ((rc = alloc_pool(&n->tx_pool[k], &n->tx_pool_mem[k], 1024)) != TSS_OK) FAIL(rc, "tx packet pool");
        if ((rc = n->opt.open_port(n->opt.port_ctx, 1 + k, &n->tx_pool[k], &b, &n->tx_port[k])) != TSS_OK)
            FAIL(rc, "engine %u: cannot open its tx port (%s)", k, tss_status_str(rc));
    }

    /* engines */
    uint64_t tick_cap = cfg->timeouts.retry_initial_ms < 250 ? cfg->timeouts.retry_initial_ms : 250;
    for (uint32_t k = 0; k < n->n_engines; k++) {
        engine_config ec = {
            .index = k,
            .arena_sessions = cfg->engine.arena_sessions,
            .ring_capacity = cfg->engine.ring_capacity,
            .early_messages = cfg->engine.early_messages,
            .pending_sessions = NODE_PENDING_SESSIONS,
            .pending_expiry_ms = cfg->timeouts.session_ms,
            .linger_ms = cfg->timeouts.session_ms,
            .tick_cap_ms = tick_cap ? tick_cap : 1,
            .timing = {.retry_initial_ms = cfg->timeouts.retry_initial_ms,
                       .retry_max = cfg->timeouts.retry_max,
                       .attempt_timeout_ms = cfg->timeouts.round_ms,
                       .session_timeout_ms = cfg->timeouts.session_ms},
            .keys = {.self = (uint16_t)cfg->node.index,
                     .node_sk = n->id.secret_key,
                     .peer_pk = (const uint8_t(*)[32])n->peer_pk,
                     .n_peers = n->n_idx},
            .peer_addr = n->peer_addr,
            .tx_port = n->tx_port[k],
            .mono_ms = n->opt.mono_ms,
            .wall_ms = n->opt.wall_ms,
            .clock_ctx = n->opt.clock_ctx,
        };
        if ((rc = engine_init(&n->engines[k], &ec)) != TSS_OK) FAIL(rc, "engine %u: %s", k, tss_status_str(rc));
        n->engine_ptrs[k] = &n->engines[k];
    }

    /* poller */
    uint32_t max_msg = cfg->limits.max_payload < ENGINE_MSG_MAX ? cfg->limits.max_payload : ENGINE_MSG_MAX;
    poller_config pc = {
        .port = n->rx_port,
        .rx = {.peer_keys = &n->peer_pk[0][0],
               .peer_present = n->peer_present,
               .n_peers = n->n_idx,
               .max_batch = cfg->engine.verify_batch < VS_MAX_BATCH ? cfg->engine.verify_batch : VS_MAX_BATCH,
               .max_wait_us = cfg->engine.verify_wait_us,
               .backend = cfg->engine.backend,
               .validator = {.self_index = (uint16_t)cfg->node.index,
                             .n_peers = n->n_idx,
                             .max_skew_ms = cfg->timeouts.clock_skew_ms,
                             .replay_per_peer = n->opt.replay_per_peer,
                             .rate_per_sec = cfg->limits.rate_per_peer,
                             .rate_burst = cfg->limits.rate_per_peer,
                             .max_message_len = max_msg,
                             .is_member = NULL},
               .reasm = {.slots = 256, .max_msg_len = max_msg, .expiry_ms = cfg->timeouts.round_ms}},
        .engines = n->engine_ptrs,
        .n_engines = n->n_engines,
        .wall_ms = n->opt.wall_ms,
        .mono_us = n->opt.mono_us,
        .clock_ctx = n->opt.clock_ctx,
    };
    if ((rc = poller_init(&n->poller, &pc)) != TSS_OK) FAIL(rc, "poller: %s", tss_status_str(rc));

    /* control plane */
    uint32_t pool = cfg->engine.arena_sessions * n->n_engines;
    n->requests = calloc(pool, sizeof *n->requests);
    n->free_requests = calloc(pool, sizeof *n->free_requests);
    n->status_cap = pool * 2 + 1024;
    size_t idx_len = 2;
    while (idx_len < (size_t)n->status_cap * 2) idx_len <<= 1;
    n->status = calloc(n->status_cap, sizeof *n->status);
    n->status_index = malloc(idx_len * sizeof *n->status_index);
    if (!n->requests || !n->free_requests || !n->status || !n->status_index) FAIL(TSS_ERR_CAPACITY, "out of memory");
    for (uint32_t i = 0; i < pool; i++) n->free_requests[i] = &n->requests[i];
    n->n_free_requests = pool;
    for (size_t i = 0; i < idx_len; i++) n->status_index[i] = NO_ENTRY;
    n->status_mask = (uint32_t)(idx_len - 1);

    static const uint64_t bounds_ns[] = {1000000,   2500000,   5000000,    10000000,   25000000,  50000000,
                                         100000000, 250000000, 500000000, 1000000000, 2500000000, 5000000000,
                                         10000000000, 30000000000};
    tss_histogram_init(&n->latency_sign, bounds_ns, sizeof bounds_ns / sizeof bounds_ns[0], 1, 1000000000u);
    tss_histogram_init(&n->latency_dkg, bounds_ns, sizeof bounds_ns / sizeof bounds_ns[0], 1, 1000000000u);
    tss_metrics_init(&n->metrics, n->metric_entries, METRIC_ENTRIES);
    if ((rc = register_metrics(n)) != TSS_OK) FAIL(rc, "metrics registration: %s", tss_status_str(rc));

    n->backend = (tss_api_backend){.ctx = n,
                                   .start_dkg = be_start_dkg,
                                   .start_sign = be_start_sign,
                                   .start_reshare = be_start_reshare,
                                   .start_refresh = be_start_refresh,
                                   .get_session = be_get_session,
                                   .list_keys = be_list_keys,
                                   .get_key = be_get_key,
                                   .render_metrics = be_render_metrics};
    node_log(n, "node %u: %zu peers, %u engine(s), %u session slots each, %zu key(s) loaded", cfg->node.index,
             n->peers.n, n->n_engines, cfg->engine.arena_sessions, n->n_keys);
    *out = n;
    return TSS_OK;
fail:
    node_destroy(n);
    return rc;
}

void node_destroy(node *n)
{
    if (n == NULL) return;
    node_stop(n);
    poller_destroy(&n->poller);
    if (n->engines != NULL)
        for (uint32_t k = 0; k < n->n_engines; k++) engine_destroy(&n->engines[k]);
    for (uint32_t k = 0; k < MAX_ENGINES; k++) {
        if (n->tx_port[k] != NULL) dp_close(n->tx_port[k]);
        free(n->tx_pool_mem[k]);
    }
    if (n->rx_port != NULL) dp_close(n->rx_port);
    free(n->rx_pool_mem);
    if (n->store_open) tss_store_close(&n->store);
    if (n->requests != NULL) sodium_memzero(n->requests, sizeof *n->requests * n->cfg.engine.arena_sessions *
                                                             n->n_engines);
    free(n->requests);
    free(n->free_requests);
    free(n->status);
    free(n->status_index);
    free(n->keys);
    free(n->peer_pk);
    free(n->peer_present);
    free(n->peer_addr);
    free(n->tx_sock);
    free(n->engines);
    tss_identity_wipe(&n->id);
    pthread_mutex_destroy(&n->lock);
    sodium_memzero(n, sizeof *n);
    free(n);
}

/* ---- running ---- */

unsigned node_step(node *n)
{
    unsigned work = poller_poll(&n->poller);
    for (uint32_t k = 0; k < n->n_engines; k++) work += engine_poll(&n->engines[k]);
    work += control_poll(n);
    return work;
}

static void idle_wait(unsigned *idle)
{
    /* Spin briefly after work (a reply usually follows soon), then sleep: the machine is shared. */
    if (++*idle < 64) {
        sched_yield();
        return;
    }
    struct timespec ts = {0, 100000};
    nanosleep(&ts, NULL);
}

static void *thread_main(void *arg)
{
    node_thread *t = arg;
    node *n = t->n;
    if (t->core >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(t->core, &set);
        int prc = pthread_setaffinity_np(pthread_self(), sizeof set, &set);
        if (prc != 0) node_log(n, "cannot pin a thread to core %d: %s (running unpinned)", t->core, strerror(prc));
    }
    unsigned idle = 0;
    while (atomic_load_explicit(&n->running, memory_order_relaxed)) {
        unsigned w = 0;
        switch (t->role) {
        case 0: w = node_step(n); break;
        case 1: w = poller_poll(&n->poller); break;
        case 2: w = engine_poll(&n->engines[t->engine]); break;
        default: w = control_poll(n); break;
        }
        if (w > 0)
            idle = 0;
        else
            idle_wait(&idle);
    }
    return NULL;
}

static int spawn(node *n, int role, int core, uint32_t eng)
{
    node_thread *t = &n->threads[n->n_threads];
    t->n = n;
    t->role = role;
    t->core = core;
    t->engine = eng;
    if (pthread_create(&t->tid, NULL, thread_main, t) != 0) return TSS_ERR_IO;
    t->started = 1;
    n->n_threads++;
    return TSS_OK;
}

int node_start(node *n)
{
    if (n == NULL || atomic_load(&n->running)) return TSS_ERR_STATE;
    int single = n->cfg.cores.poller == n->cfg.cores.verify;
    for (uint32_t k = 0; k < n->n_engines; k++) single &= n->cfg.cores.engines[k] == n->cfg.cores.poller;
    atomic_store(&n->running, 1);
    int rc = TSS_OK;
    if (single) {
        rc = spawn(n, 0, n->cfg.cores.poller, 0);
    } else {
        rc = spawn(n, 1, n->cfg.cores.poller, 0);
        for (uint32_t k = 0; rc == TSS_OK && k < n->n_engines; k++) rc = spawn(n, 2, n->cfg.cores.engines[k], k);
        if (rc == TSS_OK) rc = spawn(n, 3, -1, 0);
    }
    if (rc != TSS_OK) node_stop(n);
    return rc;
}

void node_stop(node *n)
{
    if (n == NULL) return;
    atomic_store(&n->running, 0);
    for (uint32_t i = 0; i < n->n_threads; i++)
        if (n->threads[i].started) pthread_join(n->threads[i].tid, NULL);
    memset(n->threads, 0, sizeof n->threads);
    n->n_threads = 0;
}

const tss_api_backend *node_backend(node *n)
{
    return &n->backend;
}

const tss_metrics *node_metrics(const node *n)
{
    return &n->metrics;
}

poller *node_poller(node *n)
{
    return &n->poller;
}

engine *node_engine(node *n, uint32_t k)
{
    return k < n->n_engines ? &n->engines[k] : NULL;
}

uint32_t node_engine_count(const node *n)
{
    return n->n_engines;
}

const tss_identity *node_identity(const node *n)
{
    return &n->id;
}

size_t node_key_count(node *n)
{
    pthread_mutex_lock(&n->lock);
    size_t c = n->n_keys;
    pthread_mutex_unlock(&n->lock);
    return c;
}
