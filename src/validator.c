/* Post-verification policy checks: window, replay cache, membership, recipient, size, rate limit. */
#include "src/validator.h"

#include <sodium.h>
#include <string.h>

#include "dataplane/counter.h"
#include "util/align.h"

#define EMPTY UINT32_MAX
#define MILLI 1000u /* token bucket in thousandths of a token: refill = rate_per_sec per ms */

/* One accepted envelope's fingerprint. */
typedef struct fingerprint {
    uint64_t session_id;
    uint64_t seq;
    uint64_t timestamp_ms;
    uint32_t hash;
    uint16_t frag_index;
    uint8_t type;
    uint8_t round;
} fingerprint;

struct validator_peer {
    fingerprint *ring;      /* replay_per_peer entries, FIFO by insertion */
    uint32_t *index;        /* 2 * replay_per_peer slots: ring positions, open addressing */
    uint64_t inserted;      /* fingerprints ever inserted */
    uint64_t horizon_ms;    /* newest timestamp evicted so far (valid when inserted > ring size) */
    uint64_t tokens;        /* milli-tokens */
    uint64_t refill_ms;     /* time of the last refill */
    uint64_t hash_key[2];   /* per-peer key: a peer cannot aim collisions at its own table blindly */
};

static int valid_config(const validator_config *cfg)
{
    if (cfg == NULL || cfg->n_peers == 0 || cfg->self_index >= cfg->n_peers) return 0;
    uint32_t n = cfg->replay_per_peer;
    if (n < 8 || n > (1u << 24) || (n & (n - 1)) != 0) return 0;
    if (cfg->max_message_len > WIRE_MAX_MESSAGE) return 0;
    /* A rate limit with an empty bucket would silently reject every envelope. */
    if (cfg->rate_per_sec != 0 && cfg->rate_burst == 0) return 0;
    return 1;
}

static size_t per_peer_size(uint32_t n)
{
    return tss_align_up((size_t)n * sizeof(fingerprint), 16) + tss_align_up((size_t)2 * n * sizeof(uint32_t), 16);
}

size_t validator_mem_size(const validator_config *cfg)
{
    if (!valid_config(cfg)) return 0;
    return tss_align_up((size_t)cfg->n_peers * sizeof(validator_peer), 16) +
           (size_t)cfg->n_peers * per_peer_size(cfg->replay_per_peer);
}

int validator_init(validator *v, const validator_config *cfg, void *mem, size_t mem_len)
{
    size_t need = validator_mem_size(cfg);
    if (v == NULL || mem == NULL || need == 0 || mem_len < need || ((uintptr_t)mem & 15u) != 0)
        return TSS_ERR_INVALID_ARG;
    memset(v, 0, sizeof *v);
    v->cfg = *cfg;
    uint32_t n = cfg->replay_per_peer;
    v->peers = mem;
    uint8_t *p = (uint8_t *)mem + tss_align_up((size_t)cfg->n_peers * sizeof(validator_peer), 16);
    for (uint32_t i = 0; i < cfg->n_peers; i++) {
        validator_peer *peer = &v->peers[i];
        memset(peer, 0, sizeof *peer);
        peer->ring = (fingerprint *)(void *)p;
        peer->index = (uint32_t *)(void *)(p + tss_align_up((size_t)n * sizeof(fingerprint), 16));
        memset(peer->index, 0xff, (size_t)2 * n * sizeof(uint32_t));
        peer->tokens = (uint64_t)cfg->rate_burst * MILLI;
        peer->refill_ms = UINT64_MAX; /* set on the first envelope */
        randombytes_buf(peer->hash_key, sizeof peer->hash_key);
        p += per_peer_size(n);
    }
    return TSS_OK;
}

static uint64_t mix(uint64_t x)
{
    x ^= x >> 30;
    x *= UINT64_C(0xbf58476d1ce4e5b9);
    x ^= x >> 27;
    x *= UINT64_C(0x94d049bb133111eb);
    x ^= x >> 31;
    return x;
}

static uint32_t fp_hash(const validator_peer *peer, const fingerprint *f)
{
    uint64_t h = mix(f->session_id ^ peer->hash_key[0]);
    h = mix(h ^ f->seq ^ peer->hash_key[1]);
    h = mix(h ^ ((uint64_t)f->type << 24 | (uint64_t)f->round << 16 | f->frag_index));
    return (uint32_t)h;
}

static int fp_equal(const fingerprint *a, const fingerprint *b)
{
    return a->session_id == b->session_id && a->seq == b->seq && a->type == b->type && a->round == b->round &&
           a->frag_index == b->frag_index;
}

static int replay_contains(const validator *v, const validator_peer *peer, const fingerprint *f)
{
    uint32_t mask = 2 * v->cfg.replay_per_peer - 1;
    for (uint32_t i = f->hash & mask;; i = (i + 1) & mask) {
        uint32_t pos = peer->index[i];
        if (pos == EMPTY) return 0;
        if (peer->ring[pos].hash == f->hash && fp_equal(&peer->ring[pos], f)) return 1;
    }
}

/* Removes ring position `pos` from the index (linear probing with backward-shift deletion, so no
 * tombstones accumulate). The index is at most half full, so probes terminate. */
static void index_remove(const validator *v, validator_peer *peer, uint32_t pos)
{
    uint32_t mask = 2 * v->cfg.replay_per_peer - 1;
    uint32_t i = peer->ring[pos].hash & mask;
    while (peer->index[i] != pos) i = (i + 1) & mask;
    uint32_t j = i;
    for (;;) {
        j = (j + 1) & mask;
        uint32_t moved = peer->index[j];
        if (moved == EMPTY) break;
        uint32_t home = peer->ring[moved].hash & mask;
        /* The entry at j may fill the hole at i unless its home lies cyclically in (i, j]. */
        int stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (!stays) {
            peer->index[i] = moved;
            i = j;
        }
    }
    peer->index[i] = EMPTY;
}

static void replay_insert(const validator *v, validator_peer *peer, const fingerprint *f)
{
    uint32_t n = v->cfg.replay_per_peer;
    uint32_t pos = (uint32_t)(peer->inserted & (n - 1));
    if (peer->inserted >= n) {
        const fingerprint *old = &peer->ring[pos];
        if (peer->inserted == n || old->timestamp_ms > peer->horizon_ms) peer->horizon_ms = old->timestamp_ms;
        index_remove(v, peer, pos);
    }
    peer->ring[pos] = *f;
    uint32_t mask = 2 * n - 1;
    uint32_t i = f->hash & mask;
    while (peer->index[i] != EMPTY) i = (i + 1) & mask;
    peer->index[i] = pos;
    peer->inserted++;
}

/* Refills the bucket to now and takes one token if there is one. */
static int take_token(const validator *v, validator_peer *peer, uint64_t now_ms)
{
    uint64_t cap = (uint64_t)v->cfg.rate_burst * MILLI;
    uint64_t rate = v->cfg.rate_per_sec; /* milli-tokens per ms */
    if (peer->refill_ms == UINT64_MAX) peer->refill_ms = now_ms;
    if (now_ms > peer->refill_ms) {
        uint64_t elapsed = now_ms - peer->refill_ms;
        uint64_t room = cap - peer->tokens;
        peer->tokens = (elapsed >= room / rate + 1) ? cap : peer->tokens + elapsed * rate;
        if (peer->tokens > cap) peer->tokens = cap;
        peer->refill_ms = now_ms;
    }
    if (peer->tokens < MILLI) return 0;
    peer->tokens -= MILLI;
    return 1;
}

static validator_result classify(validator *v, const wire_envelope *env, uint64_t now_ms)
{
    const wire_header *h = &env->hdr;
    const validator_config *cfg = &v->cfg;
    if (h->sender >= cfg->n_peers) return VALIDATOR_UNKNOWN_SENDER;
    if (h->sender == cfg->self_index) return VALIDATOR_FROM_SELF;
    if (h->recipient != WIRE_BROADCAST && h->recipient != cfg->self_index) return VALIDATOR_WRONG_RECIPIENT;
    uint32_t limit = h->type < WIRE_TYPE_LIMIT && cfg->max_len_by_type[h->type] != 0 ? cfg->max_len_by_type[h->type]
                                                                                    : cfg->max_message_len;
    if (limit == 0) limit = WIRE_MAX_MESSAGE;
    if (h->total_len > limit) return VALIDATOR_TOO_LARGE;
    uint64_t ts = env->timestamp_ms;
    if (now_ms > ts && now_ms - ts > cfg->max_skew_ms) return VALIDATOR_TOO_OLD;
    if (ts > now_ms && ts - now_ms > cfg->max_skew_ms) return VALIDATOR_TOO_NEW;
    if (cfg->is_member != NULL && !cfg->is_member(cfg->member_ctx, h->session_id, h->sender, h->type))
        return VALIDATOR_NOT_MEMBER;

    validator_peer *peer = &v->peers[h->sender];
    fingerprint f = {
        .session_id = h->session_id,
        .seq = h->seq,
        .timestamp_ms = ts,
        .frag_index = h->frag_index,
        .type = h->type,
        .round = h->round,
    };
    f.hash = fp_hash(peer, &f);
    if (replay_contains(v, peer, &f)) return VALIDATOR_REPLAY;
    if (peer->inserted > cfg->replay_per_peer && ts <= peer->horizon_ms) return VALIDATOR_STALE;
    if (cfg->rate_per_sec != 0 && !take_token(v, peer, now_ms)) return VALIDATOR_RATE_LIMITED;
    replay_insert(v, peer, &f);
    return VALIDATOR_OK;
}

validator_result validator_check(validator *v, const wire_envelope *env, uint64_t now_ms)
{
    if (v == NULL || env == NULL) return VALIDATOR_UNKNOWN_SENDER;
    validator_result r = classify(v, env, now_ms);
    uint64_t *c;
    switch (r) {
    case VALIDATOR_OK: c = &v->ctr.accepted; break;
    case VALIDATOR_UNKNOWN_SENDER: c = &v->ctr.unknown_sender; break;
    case VALIDATOR_FROM_SELF: c = &v->ctr.from_self; break;
    case VALIDATOR_WRONG_RECIPIENT: c = &v->ctr.wrong_recipient; break;
    case VALIDATOR_TOO_LARGE: c = &v->ctr.too_large; break;
    case VALIDATOR_TOO_OLD: c = &v->ctr.too_old; break;
    case VALIDATOR_TOO_NEW: c = &v->ctr.too_new; break;
    case VALIDATOR_NOT_MEMBER: c = &v->ctr.not_member; break;
    case VALIDATOR_REPLAY: c = &v->ctr.replay; break;
    case VALIDATOR_STALE: c = &v->ctr.stale; break;
    default: c = &v->ctr.rate_limited; break;
    }
    ctr_inc(c);
    return r;
}

const char *validator_result_name(validator_result r)
{
    switch (r) {
    case VALIDATOR_OK: return "accepted";
    case VALIDATOR_UNKNOWN_SENDER: return "unknown_sender";
    case VALIDATOR_FROM_SELF: return "from_self";
    case VALIDATOR_WRONG_RECIPIENT: return "wrong_recipient";
    case VALIDATOR_TOO_LARGE: return "too_large";
    case VALIDATOR_TOO_OLD: return "too_old";
    case VALIDATOR_TOO_NEW: return "too_new";
    case VALIDATOR_NOT_MEMBER: return "not_member";
    case VALIDATOR_REPLAY: return "replay";
    case VALIDATOR_STALE: return "stale";
    case VALIDATOR_RATE_LIMITED: return "rate_limited";
    }
    return "unknown";
}
