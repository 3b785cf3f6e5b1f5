/* The node's API backend (tss_api_backend, called from the HTTP server's thread): checks each request
 * against the peer table and the key registry, admits it (each engine takes at most arena_sessions
 * sessions that have not yet reported an outcome; one more is refused with TSS_ERR_CAPACITY before
 * anything is queued), fills an engine request from the control plane's pool and queues it on the owning
 * engine's request ring; and answers session and key queries from the status table, the store and the
 * registry. */
#include "src/node_internal.h"
#include "crypto/cpu.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "tss/frost.h"

static int admit(node *n, uint64_t sid, uint32_t *k_out, char *msg)
{
    uint32_t k = engine_for_session(sid, n->n_engines);
    if (node_session_known(n, sid)) {
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

/* Admits sid and takes a zeroed request of `kind` from the pool (lock held); NULL, with *rc set, if refused. */
static engine_request *admit_request(node *n, uint64_t sid, engine_request_kind kind, uint32_t *k, char *msg, int *rc)
{
    *rc = admit(n, sid, k, msg);
    if (*rc != TSS_OK) return NULL;
    engine_request *r = n->free_requests[--n->n_free_requests];
    memset(r, 0, sizeof *r);
    r->kind = kind;
    return r;
}

/* Queues a filled request (lock held): status entry, ring push, admission count. */
static int submit(node *n, uint32_t k, engine_request *r, uint64_t sid, uint8_t kind, uint64_t key_id, char *msg)
{
    node_status *s = node_status_insert(&n->status, sid);
    if (s == NULL) {
        snprintf(msg, TSS_API_ERRMSG_MAX, "session status table full");
        return TSS_ERR_CAPACITY;
    }
    s->kind = kind;
    s->state = TSS_API_STATE_RUNNING;
    s->key_id = key_id;
    s->engine = (uint8_t)k;
    s->start_us = node_now_us(n);
    if (!ring_spsc_push(n->engines[k].req_in, r)) { /* sized for the pool: cannot happen */
        node_status_remove(&n->status, sid);
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
    if (req->n_participants == 0 || req->n_participants > NODE_MAX_P)
        return invalid(n, msg, "a DKG takes 1..%u participants", NODE_MAX_P);
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
    if (rc == TSS_OK && node_key_find(n, req->session_id) != NULL) {
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

static int be_start_sign(void *ctx, const tss_api_sign_request *req, char *msg)
{
    node *n = ctx;
    tss_metric_inc(&n->ctr.requests_sign);
    if (!req->prehash && req->message_len > SESSION_MAX_MESSAGE)
        return invalid(n, msg, "messages longer than %u bytes must be signed with prehash", SESSION_MAX_MESSAGE);
    pthread_mutex_lock(&n->lock);
    int rc = TSS_OK;
    uint32_t k = 0;
    node_key *key = node_key_find(n, req->key_id);
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
    r = admit_request(n, req->session_id, ENGINE_REQ_SIGN, &k, msg, &rc);
    if (r == NULL) goto out;
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
    rc = node_key_load_package(n, key, &p->key_package);
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
    for (uint32_t i = 0; i < n->status.cap; i++) {
        const node_status *s = &n->status.entries[i];
        if (s->used && s->state == TSS_API_STATE_RUNNING && s->key_id == key_id &&
            (s->kind == TSS_API_SESSION_REFRESH || s->kind == TSS_API_SESSION_RESHARE))
            return 1;
    }
    return 0;
}

/* Takes a request from the pool, fills it with fill(), loads this node's key package if `with_kp`, and
 * submits it. Lock held. */
static int submit_maintenance(node *n, engine_request *r, uint32_t k, const node_key *key,
                              tss_frost_key_package *kp, uint64_t sid, uint8_t api_kind_v, uint64_t key_id, char *msg)
{
    int rc = TSS_OK;
    if (kp != NULL) {
        rc = node_key_load_package(n, key, kp);
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
    if (req->n_participants == 0 || req->n_participants > NODE_MAX_P)
        return invalid(n, msg, "a reshare takes 1..%u new participants", NODE_MAX_P);
    if (req->threshold == 0 || req->threshold > req->n_participants)
        return invalid(n, msg, "threshold %u out of range", req->threshold);
    if (req->n_dealers > NODE_MAX_P) return invalid(n, msg, "at most %u dealers", NODE_MAX_P);
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
    node_key *key = node_key_find(n, req->key_id);
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
            if (!node_key_has_holder(key, dealers[i])) {
                rc = invalid(n, msg, "dealer %u does not hold a share of this key", dealers[i]);
                goto out;
            }
        if (n_dealers < key->threshold) {
            snprintf(msg, TSS_API_ERRMSG_MAX, "%u dealers for a threshold of %u", n_dealers, key->threshold);
            rc = TSS_ERR_NOT_ENOUGH;
            goto out;
        }
        if (self_dealer && !node_key_has_holder(key, self)) {
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
    r = admit_request(n, req->session_id, ENGINE_REQ_RESHARE, &k, msg, &rc);
    if (r == NULL) goto out;
    session_reshare_params *p = &r->u.reshare;
    p->session_id = req->session_id;
    p->n_dealers = n_dealers;
    memcpy(p->dealers, dealers, n_dealers * sizeof(uint16_t));
    p->n_new = req->n_participants;
    memcpy(p->new_participants, req->participants, req->n_participants * sizeof(uint16_t));
    p->new_t = req->threshold;
    p->has_key = key != NULL;
    if (key != NULL) node_key_public(key, &p->key);
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
    node_key *key = node_key_find(n, req->key_id);
    if (key == NULL) {
        snprintf(msg, TSS_API_ERRMSG_MAX, "no key with this id on this node");
        rc = TSS_ERR_NOT_FOUND;
        goto out;
    }
    /* A listed subset of the holders (the others are dropped) is a reshare among them with the same t. */
    int subset = 0;
    if (req->n_participants > 0) {
        for (uint16_t i = 0; i < req->n_participants; i++)
            if (!node_key_has_holder(key, req->participants[i])) {
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
        r = admit_request(n, req->session_id, ENGINE_REQ_RESHARE, &k, msg, &rc);
        if (r == NULL) goto out;
        session_reshare_params *p = &r->u.reshare;
        p->session_id = req->session_id;
        p->n_dealers = p->n_new = n_members;
        memcpy(p->dealers, members, n_members * sizeof(uint16_t));
        memcpy(p->new_participants, members, n_members * sizeof(uint16_t));
        p->new_t = key->threshold;
        p->has_key = 1;
        node_key_public(key, &p->key);
        tss_metric_inc(&n->ctr.requests_dkg);
        rc = submit_maintenance(n, r, k, key, &p->key_package, req->session_id, TSS_API_SESSION_REFRESH,
                                req->key_id, msg);
        goto out;
    }
    r = admit_request(n, req->session_id, ENGINE_REQ_REFRESH, &k, msg, &rc);
    if (r == NULL) goto out;
    r->u.refresh.session_id = req->session_id;
    node_key_public(key, &r->u.refresh.key);
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
    uint64_t now = node_now_us(n);
    pthread_mutex_lock(&n->lock);
    const node_status *cur = node_status_find(&n->status, sid);
    if (cur != NULL) {
        s = *cur;
        found = 1;
        out->elapsed_us = (s.state == TSS_API_STATE_RUNNING ? now : s.end_us) - s.start_us;
    }
    pthread_mutex_unlock(&n->lock);
    if (!found) {
        uint8_t id[8], buf[1024];
        size_t len = 0;
        node_session_record_id(id, sid);
        if (tss_store_get_public(&n->store, TSS_STORE_SESSION, id, 8, buf, sizeof buf, &len) != TSS_OK ||
            node_status_decode(&s, buf, len) != TSS_OK || s.session_id != sid)
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
        node_key *key = node_key_find(n, s.key_id);
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
    node_key *k = node_key_find(n, key_id);
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

static int be_get_status(void *ctx, tss_api_node_status *out)
{
    node *n = ctx;
    out->backend = (int)tss_backend_resolve(n->cfg.engine.backend);
    out->backend_auto = n->cfg.engine.backend == TSS_BACKEND_AUTO;
    out->cpu_features = tss_cpu_features();
    return TSS_OK;
}

void node_api_backend_init(node *n)
{
    n->backend = (tss_api_backend){.ctx = n,
                                   .start_dkg = be_start_dkg,
                                   .start_sign = be_start_sign,
                                   .start_reshare = be_start_reshare,
                                   .start_refresh = be_start_refresh,
                                   .get_session = be_get_session,
                                   .list_keys = be_list_keys,
                                   .get_key = be_get_key,
                                   .render_metrics = be_render_metrics,
                                   .get_status = be_get_status};
}
