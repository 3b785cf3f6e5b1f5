#include "api_mock.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static tss_api_session_info *find_session(mock *m, uint64_t id)
{
    for (size_t i = 0; i < m->n_sessions; i++)
        if (m->sessions[i].session_id == id)
            return &m->sessions[i];
    return NULL;
}

static mock_key *find_key(mock *m, uint64_t id)
{
    for (size_t i = 0; i < m->n_keys; i++)
        if (m->keys[i].summary.key_id == id)
            return &m->keys[i];
    return NULL;
}

/* Common admission: forced error, duplicate id, arena full. Called with the lock held. */
static int admit(mock *m, uint64_t sid, tss_api_session_kind kind, tss_api_session_info **out, char *msg)
{
    if (m->force_rc != 0) {
        int rc = m->force_rc;
        m->force_rc = 0;
        snprintf(msg, TSS_API_ERRMSG_MAX, "forced %s", tss_status_str(rc));
        return rc;
    }
    if (find_session(m, sid) != NULL)
        return TSS_ERR_DUPLICATE;
    size_t cap = m->session_cap != 0 && m->session_cap <= MOCK_SESSIONS_MAX ? m->session_cap : MOCK_SESSIONS;
    if (m->n_sessions == cap) {
        snprintf(msg, TSS_API_ERRMSG_MAX, "all %zu session slots are in use", cap);
        return TSS_ERR_CAPACITY;
    }
    tss_api_session_info *s = &m->sessions[m->n_sessions++];
    memset(s, 0, sizeof *s);
    s->session_id = sid;
    s->kind = kind;
    s->state = TSS_API_STATE_DONE;
    s->scheme = TSS_API_SCHEME_FROST_ED25519;
    s->round = 2;
    s->attempt = 1;
    s->elapsed_us = 1500;
    *out = s;
    return TSS_OK;
}

static int mock_start_dkg(void *ctx, const tss_api_dkg_request *req, char *msg)
{
    mock *m = ctx;
    tss_api_session_info *s;
    pthread_mutex_lock(&m->lock);
    m->last_dkg = *req;
    int rc = admit(m, req->session_id, TSS_API_SESSION_DKG, &s, msg);
    if (rc == TSS_OK && (m->n_keys == MOCK_KEYS || req->n_participants > 8)) {
        m->n_sessions--;
        rc = TSS_ERR_CAPACITY;
    }
    if (rc == TSS_OK) {
        mock_key *k = &m->keys[m->n_keys++];
        uint8_t seed[32] = {0};
        memcpy(seed, &req->session_id, sizeof req->session_id);
        crypto_sign_seed_keypair(k->summary.group_public_key, k->sk, seed);
        k->summary.key_id = req->session_id;
        k->summary.scheme = req->scheme;
        k->summary.threshold = req->threshold;
        k->summary.n_participants = req->n_participants;
        memcpy(k->participants, req->participants, req->n_participants * sizeof req->participants[0]);
        s->key_id = req->session_id;
        memcpy(s->group_public_key, k->summary.group_public_key, 32);
        s->threshold = req->threshold;
        s->n_participants = req->n_participants;
        for (uint16_t i = 0; i < req->n_participants; i++) {
            s->participants[i] = req->participants[i];
            memset(s->verifying_shares[i], 0xA0 + req->participants[i], 32);
        }
    }
    pthread_mutex_unlock(&m->lock);
    return rc;
}

static int mock_start_sign(void *ctx, const tss_api_sign_request *req, char *msg)
{
    mock *m = ctx;
    tss_api_session_info *s;
    pthread_mutex_lock(&m->lock);
    m->last_sign = *req;
    mock_key *k = find_key(m, req->key_id);
    int rc = TSS_OK;
    if (k == NULL) {
        snprintf(msg, TSS_API_ERRMSG_MAX, "no key %016llx", (unsigned long long)req->key_id);
        rc = TSS_ERR_NOT_FOUND;
    } else if (req->n_signers > 0 && req->n_signers < k->summary.threshold) {
        rc = TSS_ERR_NOT_ENOUGH;
    }
    if (rc == TSS_OK)
        rc = admit(m, req->session_id, TSS_API_SESSION_SIGN, &s, msg);
    if (rc == TSS_OK) {
        uint8_t digest[64];
        const uint8_t *msg_bytes = req->message;
        size_t len = req->message_len;
        if (req->prehash) {
            crypto_hash_sha512(digest, req->message, req->message_len);
            msg_bytes = digest;
            len = sizeof digest;
        }
        crypto_sign_detached(s->signature, NULL, msg_bytes, len, k->sk);
        s->key_id = req->key_id;
        memcpy(s->group_public_key, k->summary.group_public_key, 32);
        s->n_signers = k->summary.threshold;
        memcpy(s->signers, k->participants, k->summary.threshold * sizeof k->participants[0]);
        if (m->fail_sign) {
            s->state = TSS_API_STATE_FAILED;
            s->failure_status = TSS_ERR_TIMEOUT;
            snprintf(s->failure_message, sizeof s->failure_message, "mock: this node's session failed");
        }
    }
    pthread_mutex_unlock(&m->lock);
    return rc;
}

static int maintain(mock *m, uint64_t sid, uint64_t key_id, tss_api_session_kind kind, uint16_t threshold,
                    const uint16_t *participants, uint16_t n, char *msg)
{
    tss_api_session_info *s;
    mock_key *k = find_key(m, key_id);
    if (k == NULL)
        return TSS_ERR_NOT_FOUND;
    int rc = admit(m, sid, kind, &s, msg);
    if (rc != TSS_OK)
        return rc;
    if (n == 0) {
        participants = k->participants;
        n = k->summary.n_participants;
    }
    k->summary.generation++;
    k->summary.threshold = threshold ? threshold : k->summary.threshold;
    s->key_id = key_id;
    memcpy(s->group_public_key, k->summary.group_public_key, 32);
    s->threshold = k->summary.threshold;
    s->n_participants = n;
    memcpy(s->participants, participants, n * sizeof participants[0]);
    return TSS_OK;
}

static int mock_start_reshare(void *ctx, const tss_api_reshare_request *req, char *msg)
{
    mock *m = ctx;
    pthread_mutex_lock(&m->lock);
    m->last_reshare = *req;
    int rc = maintain(m, req->session_id, req->key_id, TSS_API_SESSION_RESHARE, req->threshold,
                      req->participants, req->n_participants, msg);
    pthread_mutex_unlock(&m->lock);
    return rc;
}

static int mock_start_refresh(void *ctx, const tss_api_refresh_request *req, char *msg)
{
    mock *m = ctx;
    pthread_mutex_lock(&m->lock);
    m->last_refresh = *req;
    int rc = maintain(m, req->session_id, req->key_id, TSS_API_SESSION_REFRESH, 0, req->participants,
                      req->n_participants, msg);
    pthread_mutex_unlock(&m->lock);
    return rc;
}

static int mock_get_session(void *ctx, uint64_t id, tss_api_session_info *out)
{
    mock *m = ctx;
    pthread_mutex_lock(&m->lock);
    tss_api_session_info *s = find_session(m, id);
    if (s != NULL)
        *out = *s;
    pthread_mutex_unlock(&m->lock);
    return s != NULL ? TSS_OK : TSS_ERR_NOT_FOUND;
}

static void synthetic_key(size_t i, tss_api_key_summary *out)
{
    memset(out, 0, sizeof *out);
    out->key_id = 0x5000 + i;
    out->scheme = TSS_API_SCHEME_FROST_ED25519;
    out->threshold = 2;
    out->n_participants = 3;
    memset(out->group_public_key, (int)(i & 0xff), 32);
}

static int mock_list_keys(void *ctx, size_t offset, tss_api_key_summary *out, size_t cap, size_t *count)
{
    mock *m = ctx;
    pthread_mutex_lock(&m->lock);
    size_t total = m->n_keys + m->synthetic_keys, n = 0;
    for (size_t i = offset; i < total && n < cap; i++, n++) {
        if (i < m->n_keys)
            out[n] = m->keys[i].summary;
        else
            synthetic_key(i - m->n_keys, &out[n]);
    }
    *count = n;
    pthread_mutex_unlock(&m->lock);
    return TSS_OK;
}

static int mock_get_key(void *ctx, uint64_t id, tss_api_key_info *out)
{
    mock *m = ctx;
    pthread_mutex_lock(&m->lock);
    mock_key *k = find_key(m, id);
    if (k != NULL) {
        out->summary = k->summary;
        out->own_index = m->own_index != 0 ? m->own_index : k->participants[0];
        for (uint16_t i = 0; i < k->summary.n_participants; i++) {
            out->participants[i] = k->participants[i];
            memset(out->verifying_shares[i], 0xA0 + k->participants[i], 32);
        }
    }
    pthread_mutex_unlock(&m->lock);
    return k != NULL ? TSS_OK : TSS_ERR_NOT_FOUND;
}

static int mock_render_metrics(void *ctx, char *buf, size_t cap, size_t *len)
{
    mock *m = ctx;
    return tss_metrics_render(&m->metrics, buf, cap, len);
}

void mock_init(mock *m)
{
    memset(m, 0, sizeof *m);
    pthread_mutex_init(&m->lock, NULL);
    tss_metrics_init(&m->metrics, m->metric_entries, 4);
    tss_metrics_add_counter(&m->metrics, "tss_rejected_packets_total", "Packets rejected.", "reason=\"replay\"",
                            &m->rejected_packets);
}

void mock_destroy(mock *m)
{
    pthread_mutex_destroy(&m->lock);
}

tss_api_backend mock_backend(mock *m)
{
    tss_api_backend be = {
        .ctx = m,
        .start_dkg = mock_start_dkg,
        .start_sign = mock_start_sign,
        .start_reshare = mock_start_reshare,
        .start_refresh = mock_start_refresh,
        .get_session = mock_get_session,
        .list_keys = mock_list_keys,
        .get_key = mock_get_key,
        .render_metrics = mock_render_metrics,
    };
    return be;
}
