/* Byzantine nodes in the in-process cluster: nodes that hold valid keys and sign their lies correctly
 * (tests/cluster_harness.h tamper hook), through the full pipeline (envelopes, batch verify, validator,
 * engines, sessions, node API). Each test checks that the honest nodes name the liar. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "dataplane/wire.h"
#include "src/p2p_seal.h"
#include "src/session_codec.h"
#include "tests/cluster_harness.h"

static const uint16_t ALL[] = {1, 2, 3, 4, 5};
static const uint8_t SCALAR_ONE[32] = {1};

static void start_dkg_all(cluster *c, uint64_t sid, uint16_t n, uint16_t t)
{
    for (uint16_t i = 1; i <= n; i++) assert_int_equal(cluster_start_dkg(c, i, sid, ALL, n, t), TSS_OK);
}

/* 1 if info names exactly the one culprit `node`. */
static int names_only(const tss_api_session_info *info, uint16_t node)
{
    return info->n_culprits == 1 && info->culprits[0].node == node;
}

/* Byzantine node `from` sends node `to` a wrong DKG share: the real one plus one, sealed again with
 * `from`'s box key to `to` and signed with `from`'s node key. Everything else passes untouched. */
typedef struct bad_share {
    uint32_t from, to;
    int garbage;                   /* 1: random bytes instead of a sealed share (a box that does not open) */
    p2p_key key;
    unsigned rewritten, errors;
} bad_share;

static cluster_tamper_verdict corrupt_dkg_share(void *ctx, cluster *c, cluster_envelope *e)
{
    (void)c;
    bad_share *b = ctx;
    if (e->hdr.type != WIRE_DKG_ROUND2 || e->from != b->from || e->to != b->to) return CLUSTER_TAMPER_PASS;
    if (b->garbage) {
        randombytes_buf(e->payload, e->payload_len);
        b->rewritten++;
        return CLUSTER_TAMPER_REWRITE;
    }
    p2p_context pc = {.session_id = e->hdr.session_id, .sender = (uint16_t)b->from, .recipient = (uint16_t)b->to,
                      .type = WIRE_DKG_ROUND2, .round = e->hdr.round};
    uint8_t plain[SESSION_DKG_SHARE_BYTES + P2P_BINDING_BYTES];
    size_t plen = 0;
    tss_frost_signing_share share;
    int rc = p2p_open(plain, sizeof plain, &plen, e->payload, e->payload_len, &pc, &b->key);
    if (rc == TSS_OK) rc = session_codec_dkg_share_decode(&share, plain, plen);
    if (rc == TSS_OK) {
        crypto_core_ed25519_scalar_add(share.bytes, share.bytes, SCALAR_ONE);
        rc = session_codec_dkg_share_encode(plain, &share);
    }
    if (rc == TSS_OK)
        rc = p2p_seal(e->payload, sizeof e->payload, &e->payload_len, plain, SESSION_DKG_SHARE_BYTES, &pc, &b->key);
    sodium_memzero(plain, sizeof plain);
    sodium_memzero(&share, sizeof share);
    if (rc != TSS_OK) {
        b->errors++;
        return CLUSTER_TAMPER_PASS;
    }
    b->rewritten++;
    return CLUSTER_TAMPER_REWRITE;
}

static void bad_share_case(int garbage, uint64_t seed, uint64_t sid, const char *reason)
{
    cluster_options o = {.n = 5, .seed = seed};
    cluster *c = cluster_create(&o);
    assert_non_null(c);
    bad_share b = {.from = 3, .to = 1, .garbage = garbage};
    assert_int_equal(p2p_key_init(&b.key, cluster_identity(c, 3)->secret_key, cluster_identity(c, 1)->public_key),
                     TSS_OK);
    cluster_set_tamper(c, corrupt_dkg_share, &b);
    start_dkg_all(c, sid, 5, 3);
    /* Node 1 only: see the garbage case below for what the others do. */
    const uint16_t victim[] = {1};
    assert_int_equal(cluster_wait(c, sid, victim, 1, 60000), 0);
    assert_int_equal(b.errors, 0);
    assert_true(b.rewritten >= 1);
    assert_int_equal(cluster_tamper_stats(c)->rewritten, b.rewritten);

    /* The lie was a correctly signed envelope: node 1's verify stage and validator let it through. */
    poller *p1 = node_poller(cluster_node(c, 1));
    assert_int_equal(p1->rx.vs.ctr.invalid, 0);

    tss_api_session_info *info = cluster_info(c);
    assert_int_equal(cluster_session(c, 1, sid, info), TSS_OK);
    assert_int_equal(info->state, TSS_API_STATE_FAILED);
    assert_int_equal(info->failure_status, TSS_ERR_CULPRIT);
    if (!names_only(info, 3)) fail_msg("node 1 names %u culprits (first %u), expected node 3", info->n_culprits,
                                       info->n_culprits ? info->culprits[0].node : 0);
    assert_int_equal(info->culprits[0].reason, TSS_API_CULPRIT_INVALID);
    if (strstr(info->failure_message, reason) == NULL)
        fail_msg("node 1: \"%s\", expected \"%s\"", info->failure_message, reason);
    assert_int_equal(node_key_count(cluster_node(c, 1)), 0);
    /* Node 1 fails only after dealing its own shares (a bad share is checked when combining; a box that
     * does not open is recorded and reported once node 1's shares are out), so the others all get node 1's
     * shares and finish: nobody honest is named missing. */
    assert_int_equal(cluster_wait(c, sid, ALL, 5, 60000), 4);
    for (uint32_t i = 2; i <= 5; i++) {
        assert_int_equal(cluster_session(c, i, sid, info), TSS_OK);
        assert_int_equal(info->state, TSS_API_STATE_DONE);
        assert_int_equal(node_key_count(cluster_node(c, i)), 1);
    }
    p2p_key_wipe(&b.key);
    cluster_destroy(c);
}

/* A share that opens but does not match the sender's commitment. */
static void test_dkg_bad_share_names_sender(void **state)
{
    (void)state;
    bad_share_case(0, 21, 0x7100, "invalid round-2 share");
}

/* A box that does not open (only the authenticated sender could have sent it). */
static void test_dkg_unopenable_share_names_sender(void **state)
{
    (void)state;
    bad_share_case(1, 25, 0x7110, "round-2 share does not open");
}

/* Node 2 equivocates in round 1: nodes 4 and 5 get a second, equally valid round-1 package (fresh
 * polynomial and proof of knowledge) while nodes 1 and 3 get the real one. */
typedef struct equivocation {
    uint8_t alt[SESSION_DKG_ROUND1_BYTES(3)];
    size_t alt_len;
    unsigned rewritten;
} equivocation;

static cluster_tamper_verdict equivocate_round1(void *ctx, cluster *c, cluster_envelope *e)
{
    (void)c;
    equivocation *q = ctx;
    if (e->hdr.type != WIRE_DKG_ROUND1 || e->from != 2 || (e->to != 4 && e->to != 5)) return CLUSTER_TAMPER_PASS;
    memcpy(e->payload, q->alt, q->alt_len);
    e->payload_len = q->alt_len;
    q->rewritten++;
    return CLUSTER_TAMPER_REWRITE;
}

static void make_round1(equivocation *q, uint16_t sender, uint32_t n, uint32_t t)
{
    tss_frost_scalar coefficients[3];
    tss_frost_element own[3], pub[3];
    tss_frost_dkg_secret_package sp;
    tss_frost_dkg_round1_package pkg;
    tss_frost_identifier id;
    assert_true(t <= 3);
    assert_int_equal(tss_frost_dkg_secret_package_init(&sp, coefficients, own, 3), TSS_OK);
    assert_int_equal(tss_frost_dkg_round1_package_init(&pkg, pub, 3), TSS_OK);
    assert_int_equal(tss_frost_identifier_from_u64(&id, sender), TSS_OK);
    assert_int_equal(tss_frost_dkg_part1(&sp, &pkg, &id, n, t), TSS_OK);
    assert_int_equal(tss_frost_dkg_verify_proof_of_knowledge(&pkg), TSS_OK);
    assert_int_equal(session_codec_dkg_round1_encode(q->alt, sizeof q->alt, &q->alt_len, sender, &pkg), TSS_OK);
    tss_frost_dkg_secret_package_clear(&sp);
}

static void test_dkg_equivocation_named(void **state)
{
    (void)state;
    cluster_options o = {.n = 5, .seed = 22};
    cluster *c = cluster_create(&o);
    assert_non_null(c);
    equivocation q;
    memset(&q, 0, sizeof q);
    make_round1(&q, 2, 5, 3);
    cluster_set_tamper(c, equivocate_round1, &q);
    const uint64_t sid = 0x7200;
    start_dkg_all(c, sid, 5, 3);
    assert_int_equal(cluster_wait(c, sid, ALL, 5, 60000), 0);
    assert_true(q.rewritten >= 2); /* at least once to each of nodes 4 and 5 */
    for (uint32_t i = 1; i <= 5; i++) assert_int_equal(node_poller(cluster_node(c, i))->rx.vs.ctr.invalid, 0);

    tss_api_session_info *info = cluster_info(c);
    const uint16_t honest[] = {1, 3, 4, 5};
    for (int k = 0; k < 4; k++) {
        assert_int_equal(cluster_session(c, honest[k], sid, info), TSS_OK);
        assert_int_equal(info->state, TSS_API_STATE_FAILED);
        assert_int_equal(info->failure_status, TSS_ERR_CULPRIT);
        if (!names_only(info, 2)) fail_msg("node %u names %u culprits (first %u), expected node 2", honest[k],
                                           info->n_culprits, info->n_culprits ? info->culprits[0].node : 0);
        /* Named through the confirm round ("...broadcast"), not first hand ("...sender"): no honest node saw
         * both payloads. The API gives equivocation as the culprit's reason. */
        if (strstr(info->failure_message, "equivocating round-1 broadcast") == NULL)
            fail_msg("node %u: \"%s\" does not say equivocation", honest[k], info->failure_message);
        assert_int_equal(info->culprits[0].reason, TSS_API_CULPRIT_EQUIVOCATED);
    }
    /* The equivocator sees nodes 4 and 5 "misreport" its own payload; no node made a key. */
    assert_int_equal(cluster_session(c, 2, sid, info), TSS_OK);
    assert_int_equal(info->state, TSS_API_STATE_FAILED);
    for (uint32_t i = 1; i <= 5; i++) assert_int_equal(node_key_count(cluster_node(c, i)), 0);
    cluster_destroy(c);
}

/* The first signer whose share goes out in a session becomes the cheater: every share it sends in that
 * session has z_i + 1. The coordinator's SIGN_RESULT broadcast is decoded to see whom it names. */
typedef struct bad_sig_share {
    uint64_t sid;
    uint32_t cheater;
    unsigned rewritten, errors, results;
    session_sign_result_msg result;
} bad_sig_share;

static cluster_tamper_verdict corrupt_sig_share(void *ctx, cluster *c, cluster_envelope *e)
{
    (void)c;
    bad_sig_share *b = ctx;
    if (e->hdr.session_id != b->sid) return CLUSTER_TAMPER_PASS;
    if (e->hdr.type == WIRE_SIGN_RESULT) {
        if (b->results++ == 0 &&
            session_codec_sign_result_decode(&b->result, e->payload, e->payload_len) != TSS_OK)
            b->errors++;
        return CLUSTER_TAMPER_PASS;
    }
    if (e->hdr.type != WIRE_SIGN_SHARE) return CLUSTER_TAMPER_PASS;
    if (b->cheater == 0) b->cheater = e->from;
    if (e->from != b->cheater) return CLUSTER_TAMPER_PASS;
    tss_frost_signature_share share;
    size_t len = 0;
    int rc = session_codec_sign_share_decode(&share, e->payload, e->payload_len);
    if (rc == TSS_OK) {
        crypto_core_ed25519_scalar_add(share.share, share.share, SCALAR_ONE);
        rc = session_codec_sign_share_encode(e->payload, sizeof e->payload, &len, &share);
    }
    if (rc != TSS_OK) {
        b->errors++;
        return CLUSTER_TAMPER_PASS;
    }
    e->payload_len = len;
    b->rewritten++;
    return CLUSTER_TAMPER_REWRITE;
}

static void test_sign_bad_share_cheater_excluded(void **state)
{
    (void)state;
    cluster_options o = {.n = 5, .seed = 23, .round_ms = 1000, .session_ms = 20000};
    cluster *c = cluster_create(&o);
    assert_non_null(c);
    const uint64_t key = 0x7300;
    start_dkg_all(c, key, 5, 3);
    assert_int_equal(cluster_wait(c, key, ALL, 5, 60000), 5);
    tss_api_session_info *info = cluster_info(c);
    assert_int_equal(cluster_session(c, 1, key, info), TSS_OK);
    uint8_t gpk[32];
    memcpy(gpk, info->group_public_key, 32);

    bad_sig_share b;
    cluster_set_tamper(c, corrupt_sig_share, &b);
    for (uint64_t s = 0; s < 4; s++) {
        memset(&b, 0, sizeof b);
        b.sid = 0x73000 + s;
        char m[32];
        int mlen = snprintf(m, sizeof m, "cheated %llu", (unsigned long long)b.sid);
        for (uint16_t i = 1; i <= 5; i++)
            assert_int_equal(cluster_start_sign(c, i, b.sid, key, (const uint8_t *)m, (size_t)mlen, NULL, 0), TSS_OK);
        assert_int_equal(cluster_wait(c, b.sid, ALL, 5, 60000), 5);
        assert_int_equal(b.errors, 0);
        assert_true(b.cheater >= 1 && b.cheater <= 5);
        assert_true(b.rewritten >= 1);
        for (uint16_t i = 1; i <= 5; i++) {
            assert_int_equal(cluster_session(c, i, b.sid, info), TSS_OK);
            assert_int_equal(info->state, TSS_API_STATE_DONE);
            assert_memory_equal(info->group_public_key, gpk, 32);
            assert_int_equal(crypto_sign_verify_detached(info->signature, (const uint8_t *)m, (size_t)mlen, gpk), 0);
            assert_int_equal(info->n_signers, 3);
            for (uint16_t j = 0; j < info->n_signers; j++)
                if (info->signers[j] == b.cheater)
                    fail_msg("session %llx: cheater %u is among the signers", (unsigned long long)b.sid, b.cheater);
            /* The control plane shows whom the signing excluded, and why, on every node. */
            if (!names_only(info, b.cheater))
                fail_msg("node %u: session %llx names %u culprits (first %u), expected node %u", i,
                         (unsigned long long)b.sid, info->n_culprits, info->n_culprits ? info->culprits[0].node : 0,
                         b.cheater);
            assert_int_equal(info->culprits[0].reason, TSS_API_CULPRIT_INVALID);
        }
        /* The result the coordinator broadcast names the cheater as a culprit (and nobody else). */
        assert_true(b.results >= 1);
        assert_int_equal(b.result.n_culprits, 1);
        assert_int_equal(b.result.culprits[0], b.cheater);
        assert_int_equal(crypto_sign_verify_detached(b.result.signature.bytes, (const uint8_t *)m, (size_t)mlen, gpk),
                         0);
    }
    cluster_set_tamper(c, NULL, NULL);
    cluster_destroy(c);
}

/* Captures node 2's first round-1 broadcast as node 3 received it. */
typedef struct capture {
    uint8_t buf[WIRE_HEADROOM + WIRE_MAX_DATAGRAM];
    size_t len;
    uint64_t seq;
} capture;

static cluster_tamper_verdict capture_round1(void *ctx, cluster *c, cluster_envelope *e)
{
    (void)c;
    capture *k = ctx;
    if (k->len == 0 && e->hdr.type == WIRE_DKG_ROUND1 && e->from == 2 && e->to == 3 &&
        e->datagram_len <= WIRE_MAX_DATAGRAM) {
        memcpy(k->buf + WIRE_HEADROOM, e->datagram, e->datagram_len);
        k->len = e->datagram_len;
        k->seq = e->hdr.seq;
    }
    return CLUSTER_TAMPER_PASS;
}

static void test_replayed_envelope_rejected(void **state)
{
    (void)state;
    cluster_options o = {.n = 3, .seed = 24};
    cluster *c = cluster_create(&o);
    assert_non_null(c);
    capture k;
    memset(&k, 0, sizeof k);
    cluster_set_tamper(c, capture_round1, &k);
    const uint64_t key = 0x7400;
    start_dkg_all(c, key, 3, 2);
    assert_int_equal(cluster_wait(c, key, ALL, 3, 60000), 3);
    cluster_set_tamper(c, NULL, NULL);
    assert_true(k.len > 0);

    /* Byzantine node 3 sends node 2's captured envelope to node 1 (which got its own copy during the DKG),
     * and node 1 sends it to node 3 (its original receiver). Both receivers already accepted it once. */
    poller *p1 = node_poller(cluster_node(c, 1)), *p3 = node_poller(cluster_node(c, 3));
    validator_counters v1 = p1->rx.val.ctr, v3 = p3->rx.val.ctr;
    uint64_t msgs1 = node_engine(cluster_node(c, 1), 0)->ctr.msgs;
    uint64_t msgs3 = node_engine(cluster_node(c, 3), 0)->ctr.msgs;
    uint8_t copy[WIRE_MAX_DATAGRAM];
    memcpy(copy, k.buf + WIRE_HEADROOM, k.len);
    simnet *net = cluster_net(c);
    assert_int_equal(simnet_inject(net, cluster_addr(c, 3), cluster_addr(c, 1), copy, k.len), TSS_OK);
    assert_int_equal(simnet_inject(net, cluster_addr(c, 1), cluster_addr(c, 3), copy, k.len), TSS_OK);
    for (int i = 0; i < 50; i++) cluster_step(c);
    assert_int_equal(p1->rx.val.ctr.replay, v1.replay + 1);
    assert_int_equal(p3->rx.val.ctr.replay, v3.replay + 1);
    assert_int_equal(p1->rx.val.ctr.accepted, v1.accepted);
    assert_int_equal(p3->rx.val.ctr.accepted, v3.accepted);
    assert_int_equal(p1->rx.vs.ctr.invalid, 0); /* a genuine signature: rejected for being a replay */
    assert_int_equal(node_engine(cluster_node(c, 1), 0)->ctr.msgs, msgs1);
    assert_int_equal(node_engine(cluster_node(c, 3), 0)->ctr.msgs, msgs3);

    /* Sessions unaffected: the DKG stays done and the key signs. */
    tss_api_session_info *info = cluster_info(c);
    uint8_t gpk[32];
    for (uint32_t i = 1; i <= 3; i++) {
        assert_int_equal(cluster_session(c, i, key, info), TSS_OK);
        assert_int_equal(info->state, TSS_API_STATE_DONE);
        if (i == 1) memcpy(gpk, info->group_public_key, 32);
        assert_memory_equal(info->group_public_key, gpk, 32);
    }
    const uint8_t m[] = "after a replay";
    for (uint16_t i = 1; i <= 3; i++)
        assert_int_equal(cluster_start_sign(c, i, 0x74001, key, m, sizeof m, NULL, 0), TSS_OK);
    assert_int_equal(cluster_wait(c, 0x74001, ALL, 3, 30000), 3);
    for (uint32_t i = 1; i <= 3; i++) {
        assert_int_equal(cluster_session(c, i, 0x74001, info), TSS_OK);
        assert_int_equal(crypto_sign_verify_detached(info->signature, m, sizeof m, gpk), 0);
    }
    /* The replay is still refused after the session traffic in between. */
    v1 = p1->rx.val.ctr;
    memcpy(copy, k.buf + WIRE_HEADROOM, k.len);
    assert_int_equal(simnet_inject(net, cluster_addr(c, 3), cluster_addr(c, 1), copy, k.len), TSS_OK);
    for (int i = 0; i < 50; i++) cluster_step(c);
    assert_int_equal(p1->rx.val.ctr.replay + p1->rx.val.ctr.stale, v1.replay + v1.stale + 1);
    assert_int_equal(p1->rx.val.ctr.accepted, v1.accepted);
    cluster_destroy(c);
}

int main(void)
{
    if (tss_init() != TSS_OK) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dkg_bad_share_names_sender),
        cmocka_unit_test(test_dkg_unopenable_share_names_sender),
        cmocka_unit_test(test_dkg_equivocation_named),
        cmocka_unit_test(test_sign_bad_share_cheater_excluded),
        cmocka_unit_test(test_replayed_envelope_rejected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
