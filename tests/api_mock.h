/* A mock node behind the API server, for the control-plane tests: sessions complete at once, keys are plain
 * Ed25519 keys derived from the DKG session id (so several mocks given the same requests agree), and every
 * decoded request is kept for inspection. */
#ifndef TSS_TEST_API_MOCK_H
#define TSS_TEST_API_MOCK_H

#include <pthread.h>
#include <stdbool.h>

#include "src/api.h"

#define MOCK_SESSIONS 6      /* the default "arena": one more session gets TSS_ERR_CAPACITY */
#define MOCK_SESSIONS_MAX 40 /* session_cap may raise it up to this */
#define MOCK_KEYS 4

typedef struct mock_key {
    tss_api_key_summary summary;
    uint16_t participants[8];
    uint8_t sk[64]; /* the mock signs with a plain Ed25519 key standing in for the group */
} mock_key;

typedef struct mock {
    pthread_mutex_t lock;
    tss_api_session_info sessions[MOCK_SESSIONS_MAX];
    size_t session_cap;    /* 0: MOCK_SESSIONS */
    uint16_t own_index;    /* this node's index, reported by get_key (0: the key's first holder) */
    size_t n_sessions;
    mock_key keys[MOCK_KEYS];
    size_t n_keys;
    size_t synthetic_keys; /* extra keys listed by list_keys (paging) */
    int force_rc;          /* returned by the next start_* when non-zero */
    bool fail_sign;        /* sign sessions end failed (after producing the signature the others agree on) */
    /* Last decoded requests, as the backend received them. */
    tss_api_dkg_request last_dkg;
    tss_api_sign_request last_sign;
    tss_api_reshare_request last_reshare;
    tss_api_refresh_request last_refresh;
    /* The node's metrics, rendered through render_metrics. */
    tss_metric_entry metric_entries[4];
    tss_metrics metrics;
    uint64_t rejected_packets;
} mock;

/* Initialises the mock (its metrics registry holds tss_rejected_packets_total{reason="replay"}). */
void mock_init(mock *m);
void mock_destroy(mock *m);
/* The backend calling into m. */
tss_api_backend mock_backend(mock *m);

#endif
