/* Refresh and reshare through the node backend (what POST /v1/refresh and /v1/reshare call) on an
 * in-process cluster (tests/cluster_harness.h): the key keeps its id and group key, its generation moves,
 * the new share is stored (and survives a restart), dealers leaving a key forget it, and every signature
 * made with the new shares verifies with libsodium. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "tests/cluster_harness.h"


static int start_refresh(cluster *c, uint32_t i, uint64_t sid, uint64_t key_id, const uint16_t *parts, uint16_t n)
{
    tss_api_refresh_request *r = calloc(1, sizeof *r);
    assert_non_null(r);
    r->session_id = sid;
    r->key_id = key_id;
    r->scheme = TSS_API_SCHEME_FROST_ED25519;
    r->n_participants = n;
    if (n) memcpy(r->participants, parts, n * sizeof *parts);
    char msg[TSS_API_ERRMSG_MAX] = "";
    const tss_api_backend *b = node_backend(cluster_node(c, i));
    int rc = b->start_refresh(b->ctx, r, msg);
    free(r);
    return rc;
}

static int start_reshare(cluster *c, uint32_t i, uint64_t sid, uint64_t key_id, const uint16_t *parts, uint16_t n,
                         uint16_t t, const uint16_t *dealers, uint16_t n_dealers)
{
    tss_api_reshare_request *r = calloc(1, sizeof *r);
    assert_non_null(r);
    r->session_id = sid;
    r->key_id = key_id;
    r->scheme = TSS_API_SCHEME_FROST_ED25519;
    r->threshold = t;
    r->n_participants = n;
    memcpy(r->participants, parts, n * sizeof *parts);
    r->n_dealers = n_dealers;
    if (n_dealers) memcpy(r->dealers, dealers, n_dealers * sizeof *dealers);
    char msg[TSS_API_ERRMSG_MAX] = "";
    const tss_api_backend *b = node_backend(cluster_node(c, i));
    int rc = b->start_reshare(b->ctx, r, msg);
    free(r);
    return rc;
}

/* Node i's view of the key: generation, t, holders. */
static void expect_key(cluster *c, uint32_t i, uint64_t key_id, const uint8_t gpk[32], uint32_t generation,
                       uint16_t t, const uint16_t *holders, uint16_t n)
{
    tss_api_key_info *k = calloc(1, sizeof *k);
    assert_non_null(k);
    const tss_api_backend *b = node_backend(cluster_node(c, i));
    assert_int_equal(b->get_key(b->ctx, key_id, k), TSS_OK);
    assert_memory_equal(k->summary.group_public_key, gpk, 32);
    assert_int_equal(k->summary.generation, generation);
    assert_int_equal(k->summary.threshold, t);
    assert_int_equal(k->summary.n_participants, n);
    assert_memory_equal(k->participants, holders, n * sizeof holders[0]);
    assert_int_equal(k->own_index, i);
    free(k);
}

static void expect_no_key(cluster *c, uint32_t i, uint64_t key_id)
{
    tss_api_key_info *k = calloc(1, sizeof *k);
    assert_non_null(k);
    const tss_api_backend *b = node_backend(cluster_node(c, i));
    assert_int_equal(b->get_key(b->ctx, key_id, k), TSS_ERR_NOT_FOUND);
    free(k);
}

static void sign_and_verify(cluster *c, uint64_t sid, uint64_t key_id, const uint16_t *signers, uint16_t n,
                            const uint8_t gpk[32])
{
    uint8_t m[48];
    randombytes_buf(m, sizeof m);
    for (uint16_t k = 0; k < n; k++)
        assert_int_equal(cluster_start_sign(c, signers[k], sid, key_id, m, sizeof m, signers, n), TSS_OK);
    assert_int_equal(cluster_wait(c, sid, signers, n, 60000), n);
    tss_api_session_info *info = cluster_info(c);
    for (uint16_t k = 0; k < n; k++) {
        assert_int_equal(cluster_session(c, signers[k], sid, info), TSS_OK);
        assert_memory_equal(info->group_public_key, gpk, 32);
        assert_int_equal(crypto_sign_verify_detached(info->signature, m, sizeof m, gpk), 0);
    }
}

static void wait_done(cluster *c, uint64_t sid, const uint16_t *nodes, uint16_t n)
{
    uint32_t done = cluster_wait(c, sid, nodes, n, 60000);
    if (done != n) {
        tss_api_session_info *info = cluster_info(c);
        for (uint16_t k = 0; k < n; k++)
            if (cluster_session(c, nodes[k], sid, info) == TSS_OK && info->state != TSS_API_STATE_DONE)
                fail_msg("node %u: state %d: %s", nodes[k], info->state, info->failure_message);
        fail_msg("%u of %u done", done, n);
    }
}

static void test_refresh_reshare_through_backend(void **state)
{
    (void)state;
    cluster_options o = {.n = 7, .seed = 91};
    cluster *c = cluster_create(&o);
    assert_non_null(c);
    const uint64_t key_id = 0x100;
    const uint16_t first[] = {1, 2, 3};
    for (uint16_t i = 1; i <= 3; i++) assert_int_equal(cluster_start_dkg(c, i, key_id, first, 3, 2), TSS_OK);
    wait_done(c, key_id, first, 3);
    tss_api_session_info *info = cluster_info(c);
    assert_int_equal(cluster_session(c, 1, key_id, info), TSS_OK);
    uint8_t gpk[32];
    memcpy(gpk, info->group_public_key, 32);
    uint8_t vs_before[32];
    memcpy(vs_before, info->verifying_shares[0], 32);

    /* refresh: same holders, generation 1, new verifying shares */
    for (uint16_t i = 1; i <= 3; i++) assert_int_equal(start_refresh(c, i, 0x101, key_id, NULL, 0), TSS_OK);
    wait_done(c, 0x101, first, 3);
    assert_int_equal(cluster_session(c, 2, 0x101, info), TSS_OK);
    assert_int_equal(info->kind, TSS_API_SESSION_REFRESH);
    assert_int_equal(info->key_id, key_id);
    assert_memory_not_equal(info->verifying_shares[0], vs_before, 32);
    for (uint16_t i = 1; i <= 3; i++) expect_key(c, i, key_id, gpk, 1, 2, first, 3);
    const uint16_t s12[] = {1, 2}, s23[] = {2, 3};
    sign_and_verify(c, 0x201, key_id, s12, 2, gpk);

    /* the refreshed share is what a restarted node loads */
    assert_int_equal(cluster_restart(c, 2), TSS_OK);
    expect_key(c, 2, key_id, gpk, 1, 2, first, 3);
    sign_and_verify(c, 0x202, key_id, s23, 2, gpk);

    /* refused: unknown key; a new node without the key that names no dealers; a busy key */
    assert_int_equal(start_refresh(c, 1, 0x103, 0x999, NULL, 0), TSS_ERR_NOT_FOUND);
    const uint16_t next[] = {3, 4, 5, 6};
    assert_int_equal(start_reshare(c, 4, 0x104, key_id, next, 4, 3, NULL, 0), TSS_ERR_NOT_FOUND);
    const uint16_t bad_dealer[] = {1, 4};
    assert_int_equal(start_reshare(c, 1, 0x104, key_id, next, 4, 3, bad_dealer, 2), TSS_ERR_INVALID_ARG);

    /* reshare 2-of-3 {1,2,3} -> 3-of-4 {3,4,5,6}; 1 and 2 leave the key */
    const uint16_t reshare_nodes[] = {1, 2, 3, 4, 5, 6};
    for (uint16_t k = 0; k < 6; k++) {
        uint16_t i = reshare_nodes[k];
        assert_int_equal(start_reshare(c, i, 0x105, key_id, next, 4, 3, i >= 4 ? first : NULL, i >= 4 ? 3 : 0),
                         TSS_OK);
    }
    assert_int_equal(start_refresh(c, 3, 0x106, key_id, NULL, 0), TSS_ERR_STATE); /* busy */
    wait_done(c, 0x105, reshare_nodes, 6);
    for (uint16_t k = 0; k < 4; k++) expect_key(c, next[k], key_id, gpk, 2, 3, next, 4);
    expect_no_key(c, 1, key_id);
    expect_no_key(c, 2, key_id);
    assert_int_equal(node_key_count(cluster_node(c, 1)), 0);
    const uint16_t s456[] = {4, 5, 6};
    sign_and_verify(c, 0x203, key_id, s456, 3, gpk);

    /* refresh a subset (6 is dropped): generation 3 among {3,4,5} */
    const uint16_t keep[] = {3, 4, 5};
    for (uint16_t k = 0; k < 3; k++) assert_int_equal(start_refresh(c, keep[k], 0x107, key_id, keep, 3), TSS_OK);
    wait_done(c, 0x107, keep, 3);
    for (uint16_t k = 0; k < 3; k++) expect_key(c, keep[k], key_id, gpk, 3, 3, keep, 3);
    sign_and_verify(c, 0x204, key_id, keep, 3, gpk);
    assert_int_equal(cluster_restart(c, 4), TSS_OK);
    expect_key(c, 4, key_id, gpk, 3, 3, keep, 3);
    sign_and_verify(c, 0x205, key_id, keep, 3, gpk);
    cluster_destroy(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refresh_reshare_through_backend),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
