/* Refresh and reshare sessions (src/session.h) over the in-memory network of tests/session_router.h:
 * DKG, then refresh or reshare, then signing with the new shares (signatures checked with libsodium);
 * loss; a corrupted refresh share and a dealer lying about the old key named; argument checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "dataplane/wire.h"
#include "session_router.h"
#include "src/p2p_seal.h"
#include "src/session.h"
#include "src/session_codec.h"
#include "test_support.h"
#include "tss/frost.h"

static void key_public(const net *nt, uint16_t t, uint32_t generation, session_key_public *k)
{
    memset(k, 0, sizeof *k);
    k->generation = generation;
    k->t = t;
    k->group_key = nt->group;
    k->n_holders = nt->n_holders;
    memcpy(k->holders, nt->holders, nt->n_holders * sizeof nt->holders[0]);
    memcpy(k->verifying_shares, nt->vshares, nt->n_holders * sizeof nt->vshares[0]);
}

static void run_refresh(net *nt, uint16_t t, uint32_t generation, uint64_t sid)
{
    static session_refresh_params p;
    memset(&p, 0, sizeof p);
    p.session_id = sid;
    key_public(nt, t, generation, &p.key);
    net_reset_round(nt, nt->holders, nt->n_holders);
    for (uint16_t k = 0; k < nt->n_holders; k++) {
        node *d = &nt->nodes[nt->holders[k]];
        p.key_package = d->kp;
        assert_int_equal(session_refresh_start(d->s, &p, &d->keys, &nt->timing, &d->io, nt->now), TSS_OK);
        d->active = 1;
    }
    sodium_memzero(&p.key_package, sizeof p.key_package);
    refresh_ticks(nt);
    net_run(nt, 120000);
}

/* Every receiver agrees on the new public key package (same group key as before); records it. */
static void expect_keygen_ok(net *nt, const uint16_t *holders, uint16_t n, uint16_t t, uint32_t generation,
                             session_kind kind)
{
    const session_result *r0 = &nt->nodes[holders[0]].res;
    for (uint16_t k = 0; k < n; k++) {
        node *d = &nt->nodes[holders[k]];
        const session_result *r = &d->res;
        assert_true(d->done);
        if (r->status != TSS_OK) fail_msg("node %u: %s (%s)", d->idx, tss_status_str(r->status), r->reason);
        assert_int_equal(r->kind, kind);
        assert_int_equal(r->has_key_package, 1);
        assert_int_equal(r->generation, generation);
        assert_int_equal(r->threshold, t);
        assert_int_equal(r->n_participants, n);
        assert_memory_equal(r->group_key.bytes, nt->group.bytes, 32);
        assert_memory_equal(r->participants, r0->participants, n * sizeof r->participants[0]);
        assert_memory_equal(r->verifying_shares, r0->verifying_shares, n * sizeof r->verifying_shares[0]);
        assert_int_equal(r->participants[k], holders[k]); /* holders are given ascending */
        assert_memory_equal(d->kp.verifying_share.bytes, r0->verifying_shares[k].bytes, 32);
        assert_memory_equal(d->kp.verifying_key.bytes, nt->group.bytes, 32);
        assert_int_equal(d->kp.min_signers, t);
    }
    nt->n_holders = n;
    memcpy(nt->holders, holders, n * sizeof holders[0]);
    memcpy(nt->vshares, r0->verifying_shares, n * sizeof nt->vshares[0]);
}

static void sign_some(net *nt, const uint16_t *cands, uint16_t nc, uint16_t t, int count, uint64_t sid)
{
    for (int k = 0; k < count; k++) {
        uint8_t message[32];
        tv_rng_bytes(&nt->rng, message, sizeof message);
        start_sign(nt, cands, nc, message, sizeof message, sid + (uint64_t)k);
        net_run(nt, 120000);
        (void)expect_sign_ok(nt, cands, nc, message, sizeof message, t);
    }
}

static void refresh_flow(uint16_t n, uint16_t t, unsigned drop, uint64_t seed)
{
    net *nt = net_new(n, seed);
    nt->drop_pct = drop;
    nt->dup_pct = 5;
    run_dkg(nt, n, t, 100 + seed);
    expect_dkg_ok(nt, n, t);
    tss_frost_verifying_share before[MAXN];
    memcpy(before, nt->vshares, n * sizeof before[0]);
    tss_frost_key_package old1 = nt->nodes[1].kp;

    uint16_t all[MAXN];
    for (uint16_t i = 0; i < n; i++) all[i] = (uint16_t)(i + 1);
    for (uint32_t gen = 1; gen <= 2; gen++) {
        run_refresh(nt, t, gen - 1, 200 + seed + gen);
        expect_keygen_ok(nt, all, n, t, gen, SESSION_KIND_REFRESH);
        sign_some(nt, all, n, t, 3, 1000 * gen);
    }
    /* new shares: every verifying share moved, the old share is not the new one */
    for (uint16_t i = 0; i < n; i++) assert_memory_not_equal(before[i].bytes, nt->vshares[i].bytes, 32);
    assert_memory_not_equal(old1.signing_share.bytes, nt->nodes[1].kp.signing_share.bytes, 32);
    sodium_memzero(&old1, sizeof old1);
    net_free(nt);
}

static void test_refresh_2of3(void **st) { (void)st; refresh_flow(3, 2, 0, 41); }
static void test_refresh_loss_20pct(void **st) { (void)st; refresh_flow(5, 3, 20, 42); }

/* DKG 3-of-5 among 1..5; dealers {1,2,3}; new holders {3,...,9} with threshold 4 (3 deals and receives,
 * 4 and 5 hold the old key but do not deal, 6..9 are new and learn the old key from the dealers;
 * 1 and 2 leave the key). */
static void reshare_flow(unsigned drop, uint64_t seed)
{
    net *nt = net_new(9, seed);
    nt->drop_pct = drop;
    nt->dup_pct = 5;
    run_dkg(nt, 5, 3, 100 + seed);
    expect_dkg_ok(nt, 5, 3);

    static session_reshare_params p;
    memset(&p, 0, sizeof p);
    p.session_id = 300 + seed;
    const uint16_t dealers[] = {1, 2, 3}, fresh[] = {3, 4, 5, 6, 7, 8, 9};
    memcpy(p.dealers, dealers, sizeof dealers);
    p.n_dealers = 3;
    memcpy(p.new_participants, fresh, sizeof fresh);
    p.n_new = 7;
    p.new_t = 4;
    session_key_public old;
    key_public(nt, 3, 0, &old);
    const uint16_t members[] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    net_reset_round(nt, members, 9);
    for (uint16_t i = 1; i <= 9; i++) {
        node *d = &nt->nodes[i];
        p.has_key = i <= 5;
        if (p.has_key) p.key = old;
        else memset(&p.key, 0, sizeof p.key);
        if (i <= 3) p.key_package = d->kp;
        else memset(&p.key_package, 0, sizeof p.key_package);
        assert_int_equal(session_reshare_start(d->s, &p, &d->keys, &nt->timing, &d->io, nt->now), TSS_OK);
        assert_int_equal(session_kind_of(d->s), SESSION_KIND_RESHARE);
        d->active = 1;
    }
    sodium_memzero(&p.key_package, sizeof p.key_package);
    refresh_ticks(nt);
    net_run(nt, 120000);

    /* the dealers that leave report the new set but hold nothing */
    for (uint16_t i = 1; i <= 2; i++) {
        const session_result *r = &nt->nodes[i].res;
        assert_true(nt->nodes[i].done);
        if (r->status != TSS_OK) fail_msg("dealer %u: %s (%s)", i, tss_status_str(r->status), r->reason);
        assert_int_equal(r->has_key_package, 0);
        assert_int_equal(r->threshold, 4);
        assert_int_equal(r->n_participants, 7);
        assert_memory_equal(r->participants, fresh, sizeof fresh);
        assert_memory_equal(r->group_key.bytes, nt->group.bytes, 32);
    }
    expect_keygen_ok(nt, fresh, 7, 4, 1, SESSION_KIND_RESHARE);

    /* sign with the new holders: all of them, then just 4 new ones (the old holders are gone) */
    sign_some(nt, fresh, 7, 4, 3, 2000);
    const uint16_t four[] = {6, 7, 8, 9};
    sign_some(nt, four, 4, 4, 2, 3000);
    /* 3 of the new holders are not enough any more */
    static session_sign_params sp;
    memset(&sp, 0, sizeof sp);
    sp.session_id = 4000;
    sp.candidates[0] = 7, sp.candidates[1] = 8, sp.candidates[2] = 9;
    sp.n_candidates = 3;
    memcpy(sp.holders, fresh, sizeof fresh);
    memcpy(sp.verifying_shares, nt->vshares, 7 * sizeof nt->vshares[0]);
    sp.n_holders = 7;
    sp.key_package = nt->nodes[7].kp;
    net_reset_round(nt, sp.candidates, 3);
    node *d7 = &nt->nodes[7];
    assert_int_equal(session_sign_start(d7->s, &sp, &d7->keys, &nt->timing, &d7->io, nt->now), TSS_ERR_INVALID_ARG);
    sodium_memzero(&sp.key_package, sizeof sp.key_package);
    net_free(nt);
}

static void test_reshare_3of5_to_4of7(void **st) { (void)st; reshare_flow(0, 51); }
static void test_reshare_loss_20pct(void **st) { (void)st; reshare_flow(20, 52); }

/* Re-seals node bad's refresh share to node 1 with a different (valid, wrong) value. */
static uint64_t tamper_sid;
static int corrupt_refresh_share(net *nt, msg *m, uint64_t *delay)
{
    (void)delay;
    if (m->from != nt->bad || m->to != 1 || m->type != WIRE_DKG_ROUND2) return 1;
    p2p_key key;
    assert_int_equal(p2p_key_init(&key, nt->sk[m->from], nt->pk[m->to]), TSS_OK);
    p2p_context ctx = {.session_id = tamper_sid, .sender = m->from, .recipient = m->to, .type = WIRE_DKG_ROUND2,
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
    sodium_memzero(plain, sizeof plain);
    return 1;
}

static void test_refresh_corrupt_share_named(void **st)
{
    (void)st;
    net *nt = net_new(4, 61);
    run_dkg(nt, 4, 3, 61);
    expect_dkg_ok(nt, 4, 3);
    nt->bad = 3;
    nt->tamper = corrupt_refresh_share;
    tamper_sid = 62;
    run_refresh(nt, 3, 0, 62);
    const session_result *r = &nt->nodes[1].res;
    assert_true(nt->nodes[1].done);
    assert_int_equal(r->status, TSS_ERR_CULPRIT);
    assert_int_equal(r->n_culprits, 1);
    assert_int_equal(r->culprits[0], 3);
    assert_int_equal(r->has_key_package, 0);
    net_free(nt);
}

/* Dealer 2 claims a different old key (a verifying share changed) in its round 1. */
static int lie_about_key(net *nt, msg *m, uint64_t *delay)
{
    (void)delay;
    if (m->from != nt->bad || m->type != WIRE_DKG_ROUND1) return 1;
    m->data[m->len - 1] ^= 0x01; /* last byte: the last holder's verifying share */
    return 1;
}

static void test_reshare_dealer_lying_about_key(void **st)
{
    (void)st;
    net *nt = net_new(6, 71);
    run_dkg(nt, 4, 2, 71);
    expect_dkg_ok(nt, 4, 2);
    nt->bad = 2;
    nt->tamper = lie_about_key;
    static session_reshare_params p;
    memset(&p, 0, sizeof p);
    p.session_id = 72;
    p.dealers[0] = 1;
    p.dealers[1] = 2;
    p.n_dealers = 2;
    const uint16_t fresh[] = {3, 4, 5, 6};
    memcpy(p.new_participants, fresh, sizeof fresh);
    p.n_new = 4;
    p.new_t = 3;
    session_key_public old;
    key_public(nt, 2, 0, &old);
    const uint16_t members[] = {1, 2, 3, 4, 5, 6};
    net_reset_round(nt, members, 6);
    for (uint16_t i = 1; i <= 6; i++) {
        node *d = &nt->nodes[i];
        p.has_key = i <= 4;
        p.key = old;
        if (i <= 2) p.key_package = d->kp;
        assert_int_equal(session_reshare_start(d->s, &p, &d->keys, &nt->timing, &d->io, nt->now), TSS_OK);
        d->active = 1;
    }
    sodium_memzero(&p.key_package, sizeof p.key_package);
    refresh_ticks(nt);
    net_run(nt, 120000);
    /* holders of the old key name the liar; nobody completes with a key */
    for (uint16_t i = 1; i <= 6; i++) {
        const session_result *r = &nt->nodes[i].res;
        if (i == 2) continue;
        assert_true(nt->nodes[i].done);
        assert_int_not_equal(r->status, TSS_OK);
        if (i <= 4) {
            assert_int_equal(r->n_culprits, 1);
            assert_int_equal(r->culprits[0], 2);
        }
    }
    net_free(nt);
}

static void test_args(void **st)
{
    (void)st;
    net *nt = net_new(5, 81);
    run_dkg(nt, 3, 2, 81);
    expect_dkg_ok(nt, 3, 2);
    node *d = &nt->nodes[1];
    session_release(d->s);
    static session_refresh_params rp;
    memset(&rp, 0, sizeof rp);
    rp.session_id = 82;
    key_public(nt, 2, 0, &rp.key);
    rp.key_package = nt->nodes[2].kp; /* someone else's key package */
    assert_int_equal(session_refresh_start(d->s, &rp, &d->keys, &nt->timing, &d->io, 0), TSS_ERR_INVALID_ARG);
    assert_int_equal(session_state_of(d->s), SESSION_STATE_FREE);
    rp.key_package = d->kp;
    rp.key.t = 1; /* nothing to refresh */
    assert_int_equal(session_refresh_start(d->s, &rp, &d->keys, &nt->timing, &d->io, 0), TSS_ERR_INVALID_ARG);
    rp.key.t = 2;
    rp.key.holders[1] = rp.key.holders[0]; /* duplicate holder */
    assert_int_equal(session_refresh_start(d->s, &rp, &d->keys, &nt->timing, &d->io, 0), TSS_ERR_INVALID_ARG);

    static session_reshare_params p;
    memset(&p, 0, sizeof p);
    p.session_id = 83;
    p.dealers[0] = 1;
    p.n_dealers = 1; /* fewer dealers than the old t */
    p.new_participants[0] = 4;
    p.new_participants[1] = 5;
    p.n_new = 2;
    p.new_t = 2;
    p.has_key = 1;
    key_public(nt, 2, 0, &p.key);
    p.key_package = d->kp;
    assert_int_equal(session_reshare_start(d->s, &p, &d->keys, &nt->timing, &d->io, 0), TSS_ERR_INVALID_ARG);
    p.dealers[1] = 2;
    p.n_dealers = 2;
    p.new_t = 3; /* above the new n */
    assert_int_equal(session_reshare_start(d->s, &p, &d->keys, &nt->timing, &d->io, 0), TSS_ERR_INVALID_ARG);
    p.new_t = 2;
    p.has_key = 0; /* a dealer must hold the key */
    assert_int_equal(session_reshare_start(d->s, &p, &d->keys, &nt->timing, &d->io, 0), TSS_ERR_INVALID_ARG);
    p.has_key = 1;
    p.dealers[1] = 4; /* 4 is no holder */
    assert_int_equal(session_reshare_start(d->s, &p, &d->keys, &nt->timing, &d->io, 0), TSS_ERR_INVALID_ARG);
    p.dealers[1] = 2;
    assert_int_equal(session_reshare_start(d->s, &p, &d->keys, &nt->timing, &d->io, 0), TSS_OK);
    assert_int_equal(session_reshare_start(d->s, &p, &d->keys, &nt->timing, &d->io, 0), TSS_ERR_STATE);
    assert_true(session_has_member(d->s, 5));
    assert_false(session_has_member(d->s, 3));
    session_release(d->s);
    sodium_memzero(&p.key_package, sizeof p.key_package);
    sodium_memzero(&rp.key_package, sizeof rp.key_package);
    net_free(nt);
}

/* Random and truncated payloads of every type from every member never crash a refresh or reshare session,
 * and a session that survives them still completes. */
static void test_fuzz(void **st)
{
    (void)st;
    net *nt = net_new(5, 91);
    run_dkg(nt, 4, 2, 91);
    expect_dkg_ok(nt, 4, 2);
    static session_reshare_params p;
    memset(&p, 0, sizeof p);
    p.session_id = 92;
    p.dealers[0] = 1, p.dealers[1] = 2;
    p.n_dealers = 2;
    p.new_participants[0] = 2, p.new_participants[1] = 5;
    p.n_new = 2;
    p.new_t = 2;
    session_key_public old;
    key_public(nt, 2, 0, &old);
    const uint16_t members[] = {1, 2, 5};
    net_reset_round(nt, members, 3);
    for (uint16_t k = 0; k < 3; k++) {
        node *d = &nt->nodes[members[k]];
        p.has_key = members[k] != 5;
        p.key = old;
        p.key_package = d->kp;
        assert_int_equal(session_reshare_start(d->s, &p, &d->keys, &nt->timing, &d->io, nt->now), TSS_OK);
        d->active = 1;
    }
    sodium_memzero(&p.key_package, sizeof p.key_package);
    static uint8_t buf[SESSION_RESHARE_ROUND1_MAX + 64];
    static const uint8_t types[] = {WIRE_RETRY_REQUEST, WIRE_DKG_ROUND1, WIRE_DKG_ROUND1_CONFIRM, WIRE_DKG_ROUND2,
                                    WIRE_SIGN_SHARE};
    node *target = &nt->nodes[5];
    for (unsigned it = 0; it < 3000; it++) {
        size_t len = tv_rng_next(&nt->rng) % sizeof buf;
        tv_rng_bytes(&nt->rng, buf, len);
        if (len > 0 && it % 2) buf[0] = SESSION_CODEC_VERSION;
        uint8_t type = types[tv_rng_next(&nt->rng) % sizeof types];
        uint8_t round = (uint8_t)(tv_rng_next(&nt->rng) % 4);
        uint16_t from = members[tv_rng_next(&nt->rng) % 2];
        (void)session_on_message(target->s, &target->io, from, type, round, buf, len, nt->now);
        if (target->done) break;
    }
    /* garbage may have been taken as a dealer's round 1 (then the session fails naming it) or ignored */
    refresh_ticks(nt);
    net_run(nt, 120000);
    /* random bytes never decode as a round-1 package or confirm of the right shape, and a sealed share
     * must open under the pair's box key: the session completes as if nothing had happened */
    for (uint16_t k = 0; k < 3; k++) {
        const session_result *r = &nt->nodes[members[k]].res;
        assert_true(nt->nodes[members[k]].done);
        if (r->status != TSS_OK) fail_msg("node %u: %s (%s)", members[k], tss_status_str(r->status), r->reason);
    }
    assert_int_equal(target->res.has_key_package, 1);
    net_free(nt);
}

static void test_key_public_codec(void **st)
{
    (void)st;
    session_key_public k, back;
    memset(&k, 0, sizeof k);
    k.generation = 7;
    k.t = 2;
    k.n_holders = 3;
    for (uint16_t i = 0; i < 3; i++) {
        k.holders[i] = (uint16_t)(2 * i + 1);
        memset(k.verifying_shares[i].bytes, 0x10 + i, 32);
    }
    uint8_t buf[SESSION_KEY_PUBLIC_BYTES(SESSION_MAX_PARTICIPANTS)];
    size_t len = 0;
    assert_int_equal(session_codec_key_public_encode(buf, sizeof buf, &len, &k), TSS_OK);
    assert_int_equal(len, SESSION_KEY_PUBLIC_BYTES(3));
    assert_int_equal(session_codec_key_public_decode(&back, buf, len), TSS_OK);
    assert_int_equal(back.generation, 7);
    assert_int_equal(back.n_holders, 3);
    assert_memory_equal(back.holders, k.holders, 3 * sizeof k.holders[0]);
    assert_memory_equal(back.verifying_shares, k.verifying_shares, 3 * 32);
    for (size_t l = 0; l < len; l++) assert_int_not_equal(session_codec_key_public_decode(&back, buf, l), TSS_OK);
    buf[40] = 9; /* first holder 9 > second 3: not ascending */
    assert_int_equal(session_codec_key_public_decode(&back, buf, len), TSS_ERR_ENCODING);
    k.holders[1] = 1; /* encoder refuses an unsorted list */
    assert_int_equal(session_codec_key_public_encode(buf, sizeof buf, &len, &k), TSS_ERR_INVALID_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refresh_2of3),
        cmocka_unit_test(test_refresh_loss_20pct),
        cmocka_unit_test(test_reshare_3of5_to_4of7),
        cmocka_unit_test(test_reshare_loss_20pct),
        cmocka_unit_test(test_refresh_corrupt_share_named),
        cmocka_unit_test(test_reshare_dealer_lying_about_key),
        cmocka_unit_test(test_args),
        cmocka_unit_test(test_fuzz),
        cmocka_unit_test(test_key_public_codec),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
