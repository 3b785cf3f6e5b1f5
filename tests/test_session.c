/* Sessions (src/session.h) over an in-memory network: N session instances, a virtual clock, and
 * deterministic seeded loss, duplication, reordering and delay. No envelopes: the router calls
 * session_on_message directly with the true sender index. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <sodium.h>

#include "dataplane/wire.h"
#include "src/p2p_seal.h"
#include "src/session.h"
#include "src/session_codec.h"
#include "test_support.h"
#include "tss/frost.h"

#include "session_router.h"

static void dkg_and_sign(uint16_t n, uint16_t t, int signatures, unsigned drop, unsigned dup, uint64_t seed)
{
    net *nt = net_new(n, seed);
    nt->drop_pct = drop;
    nt->dup_pct = dup;
    run_dkg(nt, n, t, 1000 + seed);
    expect_dkg_ok(nt, n, t);
    uint16_t cands[MAXN];
    for (uint16_t i = 0; i < n; i++) cands[i] = (uint16_t)(i + 1);
    unsigned coord_seen[MAXN + 1] = {0};
    struct timespec t0, t1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
    for (int k = 0; k < signatures; k++) {
        uint8_t message[40];
        tv_rng_bytes(&nt->rng, message, sizeof message);
        uint16_t mlen = (uint16_t)(1 + k % 40);
        start_sign(nt, cands, n, message, mlen, 5000 + (uint64_t)k);
        net_run(nt, 120000);
        coord_seen[expect_sign_ok(nt, cands, n, message, mlen, t)]++;
    }
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("    %u-of-%u, %u%% loss: %d signatures, %.0f signatures/s of CPU for all nodes, %llu delivered, %llu dropped\n",
           t, n, drop, signatures, signatures / secs, (unsigned long long)nt->delivered,
           (unsigned long long)nt->dropped);
    /* the coordinator moves with the session id */
    unsigned distinct = 0;
    for (uint16_t i = 1; i <= n; i++) distinct += coord_seen[i] != 0;
    if (signatures >= 10) assert_true(distinct >= 2);
    net_free(nt);
}

static void test_2of3(void **st) { (void)st; dkg_and_sign(3, 2, 300, 0, 5, 11); }
static void test_3of5(void **st) { (void)st; dkg_and_sign(5, 3, 150, 0, 5, 12); }
static void test_7of10(void **st) { (void)st; dkg_and_sign(10, 7, 60, 0, 5, 13); }
static void test_loss_20pct(void **st) { (void)st; dkg_and_sign(5, 3, 30, 20, 10, 14); }
static void test_loss_20pct_7of10(void **st) { (void)st; dkg_and_sign(10, 7, 5, 20, 10, 15); }

/* A DKG'd 3-of-5 network, ready to sign. */
static net *ready_net(uint64_t seed)
{
    net *nt = net_new(5, seed);
    run_dkg(nt, 5, 3, seed);
    expect_dkg_ok(nt, 5, 3);
    return nt;
}

static void test_offline_candidate(void **st)
{
    (void)st;
    net *nt = ready_net(21);
    uint16_t cands[5] = {1, 2, 3, 4, 5};
    const uint8_t message[] = "offline candidate";
    for (uint64_t sid = 100; sid < 110; sid++) {
        start_sign(nt, cands, 5, message, sizeof message, sid);
        uint16_t coord = session_coordinator(nt->nodes[1].s);
        uint16_t off = coord == 5 ? 4 : 5;
        nt->offline[off] = 1;
        net_run(nt, 120000);
        expect_sign_ok(nt, cands, 5, message, sizeof message, 3);
        assert_false(contains(nt->nodes[coord].res.signers, 3, off));
        nt->offline[off] = 0;
    }
    net_free(nt);
}

/* Commitments of everyone but the coordinator and `bad` are slow in attempt 0, so `bad` is picked. */
static int slow_others(net *nt, msg *m, uint64_t *delay)
{
    uint16_t coord = session_coordinator(nt->nodes[m->to].s);
    if (m->type == WIRE_SIGN_COMMITMENTS && m->round == 0 && m->from != nt->bad && m->from != coord) *delay += 100;
    return 1;
}

static int silent_after_commit(net *nt, msg *m, uint64_t *delay)
{
    slow_others(nt, m, delay);
    return !(m->from == nt->bad && m->type == WIRE_SIGN_SHARE);
}

static void test_picked_then_silent(void **st)
{
    (void)st;
    net *nt = ready_net(22);
    uint16_t cands[5] = {1, 2, 3, 4, 5};
    const uint8_t message[] = "silent signer";
    start_sign(nt, cands, 5, message, sizeof message, 77);
    uint16_t coord = session_coordinator(nt->nodes[1].s);
    nt->bad = coord == 2 ? 3 : 2;
    nt->tamper = silent_after_commit;
    net_run(nt, 120000);
    nt->tamper = NULL;
    expect_sign_ok(nt, cands, 5, message, sizeof message, 3);
    for (uint16_t i = 1; i <= 5; i++) {
        const session_result *r = &nt->nodes[i].res;
        assert_true(contains(r->missing, r->n_missing, nt->bad));
        assert_false(contains(r->signers, r->n_signers, nt->bad));
        assert_int_equal(r->n_culprits, 0);
    }
    net_free(nt);
}

static int corrupt_share(net *nt, msg *m, uint64_t *delay)
{
    slow_others(nt, m, delay);
    if (m->from == nt->bad && m->type == WIRE_SIGN_SHARE && m->len == SESSION_SIGN_SHARE_BYTES)
        m->data[m->len - 32] ^= 0x01; /* z_i changes, stays canonical */
    return 1;
}

static void test_corrupt_share_culprit(void **st)
{
    (void)st;
    net *nt = ready_net(23);
    uint16_t cands[5] = {1, 2, 3, 4, 5};
    const uint8_t message[] = "corrupt share";
    start_sign(nt, cands, 5, message, sizeof message, 78);
    uint16_t coord = session_coordinator(nt->nodes[1].s);
    nt->bad = coord == 4 ? 5 : 4;
    nt->tamper = corrupt_share;
    net_run(nt, 120000);
    nt->tamper = NULL;
    expect_sign_ok(nt, cands, 5, message, sizeof message, 3);
    for (uint16_t i = 1; i <= 5; i++) {
        const session_result *r = &nt->nodes[i].res;
        assert_int_equal(r->n_culprits, 1);
        assert_int_equal(r->culprits[0], nt->bad);
        assert_false(contains(r->signers, r->n_signers, nt->bad));
    }
    net_free(nt);
}

/* The session's first coordinator is offline from the start: the others hand over to the next
 * coordinator in the order and sign without it, and every one of them names it missing. */
static void coordinator_offline(uint16_t n, uint16_t t, unsigned drop, int sessions, uint64_t seed)
{
    net *nt = net_new(n, seed);
    nt->drop_pct = drop;
    run_dkg(nt, n, t, seed);
    expect_dkg_ok(nt, n, t);
    uint16_t cands[MAXN];
    for (uint16_t i = 0; i < n; i++) cands[i] = (uint16_t)(i + 1);
    for (int k = 0; k < sessions; k++) {
        const uint8_t message[] = "no coordinator";
        start_sign(nt, cands, n, message, sizeof message, 79 + (uint64_t)k);
        uint16_t coord = session_coordinator(nt->nodes[1].s);
        nt->offline[coord] = 1;
        net_run(nt, 120000);
        expect_sign_ok(nt, cands, n, message, sizeof message, t);
        for (uint16_t i = 1; i <= n; i++) {
            if (i == coord) continue;
            const session_result *r = &nt->nodes[i].res;
            assert_true(contains(r->missing, r->n_missing, coord));
            assert_false(contains(r->signers, r->n_signers, coord));
            if (drop == 0) assert_int_equal(r->n_missing, 1);
            assert_int_not_equal(session_coordinator(nt->nodes[i].s), coord);
        }
        nt->offline[coord] = 0;
    }
    net_free(nt);
}

static void test_coordinator_offline_3of5(void **st) { (void)st; coordinator_offline(5, 3, 0, 6, 24); }
static void test_coordinator_offline_2of3(void **st) { (void)st; coordinator_offline(3, 2, 0, 6, 26); }
static void test_coordinator_offline_loss(void **st) { (void)st; coordinator_offline(5, 3, 20, 10, 27); }

/* Every package is held back; the first coordinator's first one is kept, and nothing else it sends
 * arrives (it hears everything but results). */
static msg late_pkg;
static int late_found;

static int hold_packages(net *nt, msg *m, uint64_t *delay)
{
    (void)delay;
    if (m->from == nt->bad && m->type == WIRE_SIGN_PACKAGE && !late_found) {
        late_pkg = *m;
        late_found = 1;
    }
    if (m->to == nt->bad && m->type == WIRE_SIGN_RESULT) return 0;
    return m->from != nt->bad && m->type != WIRE_SIGN_PACKAGE;
}

/* The first coordinator is cut off from sending until the others have handed over; its package,
 * arriving late, is refused (the nonce it names was wiped by the hand-over: no nonce signs twice);
 * once it can speak again it learns the successor's signature, and everyone ends with it. */
static void test_late_coordinator_superseded(void **st)
{
    (void)st;
    net *nt = ready_net(28);
    uint16_t cands[5] = {1, 2, 3, 4, 5};
    const uint8_t message[] = "late coordinator";
    start_sign(nt, cands, 5, message, sizeof message, 81);
    nt->bad = session_coordinator(nt->nodes[1].s);
    late_found = 0;
    nt->tamper = hold_packages;
    net_run(nt, 700); /* past the hand-over (attempt_timeout_ms = 500) */
    nt->tamper = NULL;
    assert_true(late_found);
    node *y = &nt->nodes[late_pkg.to];
    assert_int_equal(session_state_of(y->s), SESSION_STATE_RUNNING);
    assert_int_not_equal(session_coordinator(y->s), nt->bad);
    int before = y->sends;
    assert_int_equal(session_on_message(y->s, &y->io, nt->bad, WIRE_SIGN_PACKAGE, late_pkg.round, late_pkg.data,
                                        late_pkg.len, nt->now),
                     TSS_ERR_INVALID_ARG);
    assert_int_equal(y->sends, before); /* no share */
    net_run(nt, 120000);
    uint16_t last = expect_sign_ok(nt, cands, 5, message, sizeof message, 3);
    assert_int_not_equal(last, nt->bad);
    for (uint16_t i = 1; i <= 5; i++) assert_int_equal(nt->nodes[i].res.status, TSS_OK);
    net_free(nt);
}

static void test_too_few_candidates_fail(void **st)
{
    (void)st;
    net *nt = ready_net(25);
    uint16_t cands[5] = {1, 2, 3, 4, 5};
    const uint8_t message[] = "two offline";
    start_sign(nt, cands, 5, message, sizeof message, 80);
    uint16_t coord = session_coordinator(nt->nodes[1].s);
    uint16_t off[2], k = 0;
    for (uint16_t i = 1; i <= 5 && k < 3; i++)
        if (i != coord && k < 3) {
            if (k < 2) off[k] = i;
            k++;
        }
    /* three of five offline: only two remain for t = 3 */
    uint16_t third = 0;
    for (uint16_t i = 1; i <= 5; i++)
        if (i != coord && i != off[0] && i != off[1]) {
            third = i;
            break;
        }
    nt->offline[off[0]] = nt->offline[off[1]] = nt->offline[third] = 1;
    net_run(nt, 120000);
    const session_result *r = &nt->nodes[coord].res;
    assert_true(nt->nodes[coord].done);
    assert_int_equal(r->status, TSS_ERR_TIMEOUT);
    assert_true(contains(r->missing, r->n_missing, off[0]));
    assert_true(contains(r->missing, r->n_missing, off[1]));
    net_free(nt);
}

/* ---- DKG misbehaviour ---- */

static int equivocate(net *nt, msg *m, uint64_t *delay)
{
    (void)delay;
    if (m->from == nt->bad && m->type == WIRE_DKG_ROUND1 && (m->to % 2) == 0) m->data[m->len - 1] ^= 0x40;
    return 1;
}

static void test_dkg_equivocation(void **st)
{
    (void)st;
    net *nt = net_new(5, 31);
    nt->bad = 3;
    nt->tamper = equivocate;
    run_dkg(nt, 5, 3, 31);
    for (uint16_t i = 1; i <= 5; i++) {
        if (i == nt->bad) continue;
        const session_result *r = &nt->nodes[i].res;
        assert_true(nt->nodes[i].done);
        assert_int_equal(r->status, TSS_ERR_CULPRIT);
        assert_int_equal(r->n_culprits, 1);
        assert_int_equal(r->culprits[0], nt->bad);
    }
    net_free(nt);
}

/* Re-seals node bad's share to node 1 with a different (valid, wrong) value. */
static int corrupt_dkg_share(net *nt, msg *m, uint64_t *delay)
{
    (void)delay;
    if (m->from != nt->bad || m->to != 1 || m->type != WIRE_DKG_ROUND2) return 1;
    p2p_key key;
    assert_int_equal(p2p_key_init(&key, nt->sk[m->from], nt->pk[m->to]), TSS_OK);
    p2p_context ctx = {.session_id = 32, .sender = m->from, .recipient = m->to, .type = WIRE_DKG_ROUND2,
                       .round = m->round};
    uint8_t plain[128];
    size_t plen = 0;
    assert_int_equal(p2p_open(plain, sizeof plain, &plen, m->data, m->len, &ctx, &key), TSS_OK);
    assert_int_equal(plen, SESSION_DKG_SHARE_BYTES);
    plain[1] ^= 0x01;
    size_t slen = 0;
    assert_int_equal(p2p_seal(m->data, MAXPAY, &slen, plain, plen, &ctx, &key), TSS_OK);
    m->len = (uint16_t)slen;
    p2p_key_wipe(&key);
    return 1;
}

static void test_dkg_corrupt_share(void **st)
{
    (void)st;
    net *nt = net_new(4, 32);
    nt->bad = 4;
    nt->tamper = corrupt_dkg_share;
    run_dkg(nt, 4, 2, 32);
    const session_result *r = &nt->nodes[1].res;
    assert_true(nt->nodes[1].done);
    assert_int_equal(r->status, TSS_ERR_CULPRIT);
    assert_int_equal(r->n_culprits, 1);
    assert_int_equal(r->culprits[0], 4);
    net_free(nt);
}

static int garble_dkg_box(net *nt, msg *m, uint64_t *delay)
{
    (void)delay;
    if (m->from == nt->bad && m->to == 2 && m->type == WIRE_DKG_ROUND2) m->data[m->len - 1] ^= 1;
    return 1;
}

static void test_dkg_garbled_box(void **st)
{
    (void)st;
    net *nt = net_new(3, 33);
    nt->bad = 3;
    nt->tamper = garble_dkg_box;
    run_dkg(nt, 3, 2, 33);
    const session_result *r = &nt->nodes[2].res;
    assert_int_equal(r->status, TSS_ERR_CULPRIT);
    assert_int_equal(r->n_culprits, 1);
    assert_int_equal(r->culprits[0], 3);
    net_free(nt);
}

/* Every round-1 package from `bad` carries one commitment too few (consistently): part 2 names it. */
static int short_commitment(net *nt, msg *m, uint64_t *delay)
{
    (void)delay;
    if (m->from != nt->bad || m->type != WIRE_DKG_ROUND1) return 1;
    uint16_t k = (uint16_t)(m->data[3] | m->data[4] << 8);
    memmove(m->data + 5 + (size_t)(k - 1) * 32, m->data + 5 + (size_t)k * 32, 64);
    k--;
    m->data[3] = (uint8_t)k;
    m->data[4] = (uint8_t)(k >> 8);
    m->len -= 32;
    return 1;
}

static void test_dkg_wrong_commitment_length(void **st)
{
    (void)st;
    net *nt = net_new(4, 34);
    nt->bad = 2;
    nt->tamper = short_commitment;
    run_dkg(nt, 4, 3, 34);
    for (uint16_t i = 1; i <= 4; i++) {
        if (i == nt->bad) continue;
        const session_result *r = &nt->nodes[i].res;
        assert_int_equal(r->status, TSS_ERR_CULPRIT);
        assert_int_equal(r->n_culprits, 1);
        assert_int_equal(r->culprits[0], 2);
    }
    net_free(nt);
}

/* ---- nonce reuse, membership, malformed input ---- */

static int capture_pkg(net *nt, msg *m, uint64_t *delay)
{
    (void)delay;
    (void)nt;
    /* keep every package and result away from their recipients: the test delivers by hand */
    return !(m->type == WIRE_SIGN_PACKAGE || m->type == WIRE_SIGN_RESULT);
}

static void test_nonce_reuse_refused(void **st)
{
    (void)st;
    net *nt = ready_net(41);
    uint16_t cands[5] = {1, 2, 3, 4, 5};
    const uint8_t message[] = "nonce";
    nt->timing.attempt_timeout_ms = 1000000; /* no new attempt while the test holds the packages */
    start_sign(nt, cands, 5, message, sizeof message, 90);
    nt->tamper = capture_pkg;
    net_run(nt, 100); /* commitments arrive; packages are held back */
    nt->tamper = NULL;
    uint16_t coord = session_coordinator(nt->nodes[1].s);
    session *cs = nt->nodes[coord].s;
    assert_int_equal(session_state_of(cs), SESSION_STATE_RUNNING);
    /* The coordinator's retry re-sends the package to the chosen signers: take one addressed to a signer. */
    static msg pk;
    int found = 0;
    for (int rounds = 0; rounds < 50 && !found; rounds++) {
        nt->nq = 0;
        nt->now += 200;
        (void)session_on_tick(cs, &nt->nodes[coord].io, nt->now);
        for (size_t k = 0; k < nt->nq; k++)
            if (nt->q[k].type == WIRE_SIGN_PACKAGE && nt->q[k].from == coord) {
                pk = nt->q[k];
                found = 1;
                break;
            }
    }
    assert_true(found);
    nt->nq = 0;
    node *y = &nt->nodes[pk.to];
    int before = y->sends;
    assert_int_equal(session_on_message(y->s, &y->io, coord, WIRE_SIGN_PACKAGE, pk.round, pk.data, pk.len, nt->now),
                     TSS_OK);
    assert_int_equal(y->sends, before + 1); /* one share */
    static msg share1;
    share1 = nt->q[nt->nq - 1];
    assert_int_equal(share1.type, WIRE_SIGN_SHARE);
    /* The same package again: the same share again, no new signing. */
    assert_int_equal(session_on_message(y->s, &y->io, coord, WIRE_SIGN_PACKAGE, pk.round, pk.data, pk.len, nt->now),
                     TSS_OK);
    assert_int_equal(y->sends, before + 2);
    assert_memory_equal(nt->q[nt->nq - 1].data, share1.data, share1.len);
    /* A different package for the same attempt (another signer's commitment swapped for a fresh one). */
    tss_frost_signing_package pkg;
    tss_frost_signing_commitments comm[SESSION_MAX_PARTICIPANTS];
    uint8_t mbuf[SESSION_MAX_MESSAGE];
    assert_int_equal(session_codec_sign_package_decode(&pkg, comm, SESSION_MAX_PARTICIPANTS, mbuf, sizeof mbuf, pk.data,
                                                       pk.len),
                     TSS_OK);
    uint32_t other = 0;
    uint64_t idv = 0;
    for (uint32_t k = 0; k < pkg.n_commitments; k++) {
        assert_int_equal(tss_frost_identifier_to_u64(&idv, &comm[k].identifier), TSS_OK);
        if (idv != pk.to) other = k;
    }
    assert_int_equal(tss_frost_identifier_to_u64(&idv, &comm[other].identifier), TSS_OK);
    tss_frost_signing_nonces nn;
    assert_int_equal(tss_frost_round1_commit(&nn, &comm[other], &nt->nodes[idv].kp), TSS_OK);
    tss_frost_signing_nonces_wipe(&nn);
    static uint8_t buf2[SESSION_SIGN_PACKAGE_MAX];
    size_t len2 = 0;
    assert_int_equal(session_codec_sign_package_encode(buf2, sizeof buf2, &len2, &pkg), TSS_OK);
    assert_int_equal(session_on_message(y->s, &y->io, coord, WIRE_SIGN_PACKAGE, pk.round, buf2, len2, nt->now),
                     TSS_ERR_NONCE_USED);
    assert_int_equal(y->sends, before + 2);
    /* A package may only come from the coordinator. */
    uint16_t notc = coord == 1 ? 2 : 1;
    if (notc == pk.to) notc = (uint16_t)(notc == 1 ? 3 : notc + 1);
    if (notc == coord) notc++;
    assert_int_equal(session_on_message(y->s, &y->io, notc, WIRE_SIGN_PACKAGE, pk.round, pk.data, pk.len, nt->now),
                     TSS_ERR_INVALID_ARG);
    net_free(nt);
}

static void test_membership_and_args(void **st)
{
    (void)st;
    net *nt = ready_net(42);
    uint16_t cands[3] = {1, 2, 4};
    const uint8_t message[] = "members";
    start_sign(nt, cands, 3, message, sizeof message, 91);
    node *a = &nt->nodes[1];
    uint8_t junk[8] = {0};
    /* node 3 and 5 are not candidates; self is not a sender */
    assert_int_equal(session_on_message(a->s, &a->io, 3, WIRE_SIGN_SHARE, 0, junk, sizeof junk, nt->now),
                     TSS_ERR_NOT_FOUND);
    assert_int_equal(session_on_message(a->s, &a->io, 1, WIRE_SIGN_SHARE, 0, junk, sizeof junk, nt->now),
                     TSS_ERR_NOT_FOUND);
    assert_true(session_has_member(a->s, 2));
    assert_false(session_has_member(a->s, 5));
    assert_int_equal(session_kind_of(a->s), SESSION_KIND_SIGN);
    assert_int_equal(session_id(a->s), 91);
    net_run(nt, 120000);
    expect_sign_ok(nt, cands, 3, message, sizeof message, 3);
    /* bad parameters */
    session_dkg_params p = {.session_id = 1, .n = 3, .t = 4, .participants = {1, 2, 3}};
    node *b = &nt->nodes[2];
    session_release(b->s);
    assert_int_equal(session_dkg_start(b->s, &p, &b->keys, &nt->timing, &b->io, 0), TSS_ERR_INVALID_ARG);
    p.t = 2;
    p.participants[2] = 2;
    assert_int_equal(session_dkg_start(b->s, &p, &b->keys, &nt->timing, &b->io, 0), TSS_ERR_INVALID_ARG);
    p.participants[1] = 3;
    p.participants[2] = 4; /* self (2) missing */
    assert_int_equal(session_dkg_start(b->s, &p, &b->keys, &nt->timing, &b->io, 0), TSS_ERR_INVALID_ARG);
    session_keys nok = b->keys;
    nok.scratch = NULL;
    p.participants[2] = 2;
    assert_int_equal(session_dkg_start(b->s, &p, &nok, &nt->timing, &b->io, 0), TSS_ERR_CAPACITY);
    assert_int_equal(session_state_of(b->s), SESSION_STATE_FREE);
    net_free(nt);
}

static void test_codec_strict(void **st)
{
    (void)st;
    uint8_t buf[64];
    size_t len = 0;
    uint8_t type = 0, round = 0;
    assert_int_equal(session_codec_retry_encode(buf, sizeof buf, &len, WIRE_DKG_ROUND2, 3), TSS_OK);
    assert_int_equal(len, 3);
    assert_int_equal(session_codec_retry_decode(&type, &round, buf, len), TSS_OK);
    assert_int_equal(type, WIRE_DKG_ROUND2);
    assert_int_equal(round, 3);
    assert_int_equal(session_codec_retry_decode(&type, &round, buf, 2), TSS_ERR_ENCODING);
    assert_int_equal(session_codec_retry_decode(&type, &round, buf, 4), TSS_ERR_ENCODING);
    buf[0] = 2;
    assert_int_equal(session_codec_retry_decode(&type, &round, buf, 3), TSS_ERR_ENCODING);

    session_sign_result_msg m = {.n_signers = 2, .signers = {1, 2}, .n_culprits = 1, .culprits = {3}};
    uint8_t rb[SESSION_SIGN_RESULT_MAX];
    assert_int_equal(session_codec_sign_result_encode(rb, sizeof rb, &len, &m), TSS_OK);
    session_sign_result_msg back;
    assert_int_equal(session_codec_sign_result_decode(&back, rb, len), TSS_OK);
    assert_int_equal(back.n_signers, 2);
    assert_int_equal(back.culprits[0], 3);
    assert_int_equal(back.n_missing, 0);
    for (size_t l = 0; l < len; l++) assert_int_equal(session_codec_sign_result_decode(&back, rb, l), TSS_ERR_ENCODING);
    assert_int_equal(session_codec_sign_result_decode(&back, rb, len + 1), TSS_ERR_ENCODING);

    uint16_t nodes[4] = {1, 2, 3, 4}, got[4], cnt = 0;
    uint8_t dg[4][32], dg2[4][32];
    memset(dg, 7, sizeof dg);
    uint8_t cb[SESSION_DKG_CONFIRM_BYTES(4)];
    assert_int_equal(session_codec_dkg_confirm_encode(cb, sizeof cb, &len, nodes, (const uint8_t(*)[32])dg, 4), TSS_OK);
    assert_int_equal(session_codec_dkg_confirm_decode(got, dg2, &cnt, 4, cb, len), TSS_OK);
    assert_int_equal(cnt, 4);
    assert_int_equal(session_codec_dkg_confirm_decode(got, dg2, &cnt, 3, cb, len), TSS_ERR_ENCODING);
    assert_int_equal(session_codec_dkg_confirm_decode(got, dg2, &cnt, 4, cb, len - 1), TSS_ERR_ENCODING);
    cb[3] = 9; /* node order broken */
    assert_int_equal(session_codec_dkg_confirm_decode(got, dg2, &cnt, 4, cb, len), TSS_ERR_ENCODING);
}

/* Random and mutated payloads of every type from members, mid-protocol: errors, no crash, and the
 * sessions still complete afterwards. */
static void fuzz_node(net *nt, node *d, uint16_t from, unsigned count, int with_boxes)
{
    static const uint8_t types[] = {WIRE_RETRY_REQUEST, WIRE_DKG_ROUND1, WIRE_DKG_ROUND1_CONFIRM, WIRE_DKG_ROUND2,
                                    WIRE_SIGN_COMMITMENTS, WIRE_SIGN_PACKAGE, WIRE_SIGN_SHARE, WIRE_SIGN_RESULT,
                                    WIRE_PING, 200};
    static uint8_t buf[1500];
    for (unsigned k = 0; k < count; k++) {
        uint8_t type = types[tv_rng_next(&nt->rng) % sizeof types];
        size_t len = tv_rng_next(&nt->rng) % sizeof buf;
        if (k % 3 == 0) len %= 128;
        tv_rng_bytes(&nt->rng, buf, len);
        if (len > 0 && k % 2 == 0) buf[0] = SESSION_CODEC_VERSION;
        uint8_t round = (uint8_t)(tv_rng_next(&nt->rng) % 4);
        if (type == WIRE_RETRY_REQUEST) continue; /* valid requests just make it resend */
        /* A sealed share that does not open names its (authenticated) sender: tested on its own. */
        if (type == WIRE_DKG_ROUND2 && !with_boxes) continue;
        int rc = session_on_message(d->s, &d->io, from, type, round, buf, len, nt->now);
        assert_true(rc == TSS_OK || rc < 0);
    }
}

static void test_fuzz(void **st)
{
    (void)st;
    net *nt = net_new(4, 51);
    session_dkg_params p = {.session_id = 51, .n = 4, .t = 3, .participants = {1, 2, 3, 4}};
    net_reset_round(nt, p.participants, 4);
    for (uint16_t i = 1; i <= 4; i++) {
        node *d = &nt->nodes[i];
        assert_int_equal(session_dkg_start(d->s, &p, &d->keys, &nt->timing, &d->io, nt->now), TSS_OK);
        d->active = 1;
    }
    /* garbage from member 3 to node 1 before any real message: must not disturb node 1 */
    fuzz_node(nt, &nt->nodes[1], 3, 3000, 0);
    refresh_ticks(nt);
    net_run(nt, 120000);
    for (uint16_t i = 1; i <= 4; i++)
        if (nt->nodes[i].res.status != TSS_OK)
            fail_msg("node %u: %s (%s) culprits %u", i, tss_status_str(nt->nodes[i].res.status),
                     nt->nodes[i].res.reason, nt->nodes[i].res.n_culprits);
    expect_dkg_ok(nt, 4, 3);
    uint16_t cands[4] = {1, 2, 3, 4};
    const uint8_t message[] = "fuzz";
    start_sign(nt, cands, 4, message, sizeof message, 52);
    for (uint16_t i = 1; i <= 4; i++) fuzz_node(nt, &nt->nodes[i], (uint16_t)(i == 4 ? 1 : i + 1), 1000, 1);
    net_run(nt, 120000);
    expect_sign_ok(nt, cands, 4, message, sizeof message, 3);
    net_free(nt);
}

int main(void)
{
    if (tss_init() != TSS_OK) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_codec_strict),
        cmocka_unit_test(test_2of3),
        cmocka_unit_test(test_3of5),
        cmocka_unit_test(test_7of10),
        cmocka_unit_test(test_loss_20pct),
        cmocka_unit_test(test_loss_20pct_7of10),
        cmocka_unit_test(test_offline_candidate),
        cmocka_unit_test(test_picked_then_silent),
        cmocka_unit_test(test_corrupt_share_culprit),
        cmocka_unit_test(test_coordinator_offline_3of5),
        cmocka_unit_test(test_coordinator_offline_2of3),
        cmocka_unit_test(test_coordinator_offline_loss),
        cmocka_unit_test(test_late_coordinator_superseded),
        cmocka_unit_test(test_too_few_candidates_fail),
        cmocka_unit_test(test_dkg_equivocation),
        cmocka_unit_test(test_dkg_corrupt_share),
        cmocka_unit_test(test_dkg_garbled_box),
        cmocka_unit_test(test_dkg_wrong_commitment_length),
        cmocka_unit_test(test_nonce_reuse_refused),
        cmocka_unit_test(test_membership_and_args),
        cmocka_unit_test(test_fuzz),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
