/* One negative test per check of the threshold ECDSA protocol: a tampered message (commitment, opening,
 * proof, share, base OT message, OT-extension correlation, RVOLE payload and outputs, R, X, ψ, signature
 * share), a wrong session id, a reused presignature, duplicate or zero indices and invalid points. Each
 * gives its specific status, names its culprit where the protocol can, and never yields a signature. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "tss/ecdsa.h"
#include "ecdsa_fixture.h"
#include "test_support.h"

/* What a hook tampers with: message kind, sender and recipient (0 = any), and an action. */
typedef struct {
    enum fx_kind kind;
    uint32_t from, to;
    void (*act)(void *msg);
    int hits;
} tamper;

static void hook(enum fx_kind kind, void *msg, uint32_t from, uint32_t to, void *arg)
{
    tamper *t = arg;
    if (kind != t->kind || (t->from && from != t->from) || (t->to && to != t->to)) return;
    t->act(msg);
    t->hits++;
}

/* A valid point other than the expected one: the generator. */
static const uint8_t G[33] = {0x02, 0x79, 0xbe, 0x66, 0x7e, 0xf9, 0xdc, 0xbb, 0xac, 0x55, 0xa0, 0x62, 0x95, 0xce, 0x87,
                              0x0b, 0x07, 0x02, 0x9b, 0xfc, 0xdb, 0x2d, 0xce, 0x28, 0xd9, 0x59, 0xf2, 0x81, 0x5b, 0x16,
                              0xf8, 0x17, 0x98};

static void flip_last(uint8_t *p) { p[31] ^= 1; }
static void bad_point(uint8_t p[33]) { memset(p + 1, 0xff, 32); }     /* x >= p: not on the curve */

static void run_dkg_expect(tamper *t, int status, uint32_t culprit, int round)
{
    fx_key *k = fx_key_new();
    uint8_t sid[32];
    randombytes_buf(sid, 32);
    fx_result r = fx_dkg(k, 3, 2, sid, hook, t);
    assert_true(t->hits > 0);
    assert_int_equal(r.status, status);
    assert_int_equal(r.culprit, culprit);
    if (round) assert_int_equal(r.round, round);
    fx_key_free(k);
}

static void a_b1_commit(void *m) { flip_last(((tss_ecdsa_dkg_bcast1 *)m)->commitment); }
static void a_b2_vss(void *m) { memcpy(((tss_ecdsa_dkg_bcast2 *)m)->vss[1], G, 33); }
static void a_b2_salt(void *m) { flip_last(((tss_ecdsa_dkg_bcast2 *)m)->salt); }
static void a_b2_proof(void *m) { flip_last(((tss_ecdsa_dkg_bcast2 *)m)->proof_z); }
static void a_b2_proof_R(void *m) { memcpy(((tss_ecdsa_dkg_bcast2 *)m)->proof_R, G, 33); }
static void a_b2_badpoint(void *m) { bad_point(((tss_ecdsa_dkg_bcast2 *)m)->vss[0]); }
static void a_b2_t(void *m) { ((tss_ecdsa_dkg_bcast2 *)m)->t = 3; }
static void a_p2_share(void *m) { flip_last(((tss_ecdsa_dkg_p2p2 *)m)->share); }
static void a_p2_share_big(void *m) { memset(((tss_ecdsa_dkg_p2p2 *)m)->share, 0xff, 32); }
static void a_p1_ot_proof(void *m) { flip_last(((tss_ecdsa_dkg_p2p1 *)m)->ot_proof_z); }
static void a_p1_ot_A(void *m) { bad_point(((tss_ecdsa_dkg_p2p1 *)m)->ot_A); }
static void a_p2_ot_B_badpoint(void *m) { bad_point(((tss_ecdsa_dkg_p2p2 *)m)->ot_B[9]); }
static tss_ecdsa_dkg_p2p1 g_last_p1;  /* the base-OT A sent to party 1 by party 2, captured below */
static void a_p1_capture(void *m) { g_last_p1 = *(tss_ecdsa_dkg_p2p1 *)m; }
static void a_b1_sid(void *m) { ((tss_ecdsa_dkg_bcast1 *)m)->session_id[0] ^= 1; }
static void a_p2_to(void *m) { ((tss_ecdsa_dkg_p2p2 *)m)->to = 3; }

static void test_dkg_commitment(void **s)
{
    (void)s;
    tamper t = {FX_DKG_B1, 2, 1, a_b1_commit, 0};
    run_dkg_expect(&t, TSS_ERR_COMMITMENT, 2, 3);
    tamper t2 = {FX_DKG_B2, 3, 1, a_b2_vss, 0};
    run_dkg_expect(&t2, TSS_ERR_COMMITMENT, 3, 3);
    tamper t3 = {FX_DKG_B2, 2, 1, a_b2_salt, 0};
    run_dkg_expect(&t3, TSS_ERR_COMMITMENT, 2, 3);
}

static void test_dkg_proof(void **s)
{
    (void)s;
    tamper t = {FX_DKG_B2, 2, 1, a_b2_proof, 0};
    run_dkg_expect(&t, TSS_ERR_PROOF, 2, 3);
    tamper t2 = {FX_DKG_B2, 3, 1, a_b2_proof_R, 0};
    run_dkg_expect(&t2, TSS_ERR_PROOF, 3, 3);
}

static void test_dkg_share(void **s)
{
    (void)s;
    tamper t = {FX_DKG_P2, 3, 1, a_p2_share, 0};
    run_dkg_expect(&t, TSS_ERR_SHARE, 3, 3);
    tamper t2 = {FX_DKG_P2, 2, 1, a_p2_share_big, 0};  /* >= n */
    run_dkg_expect(&t2, TSS_ERR_ENCODING, 2, 3);
}

static void test_dkg_invalid_point_and_length(void **s)
{
    (void)s;
    tamper t = {FX_DKG_B2, 2, 1, a_b2_badpoint, 0};
    run_dkg_expect(&t, TSS_ERR_ENCODING, 2, 3);
    tamper t2 = {FX_DKG_B2, 3, 1, a_b2_t, 0};  /* a commitment of the wrong length */
    run_dkg_expect(&t2, TSS_ERR_ENCODING, 3, 3);
}

static void test_dkg_base_ot(void **s)
{
    (void)s;
    tamper t = {FX_DKG_P1, 2, 1, a_p1_ot_proof, 0};
    run_dkg_expect(&t, TSS_ERR_BASE_OT, 2, 2);
    tamper t2 = {FX_DKG_P1, 3, 1, a_p1_ot_A, 0};
    run_dkg_expect(&t2, TSS_ERR_ENCODING, 3, 2);
    tamper t3 = {FX_DKG_P2, 2, 1, a_p2_ot_B_badpoint, 0};
    run_dkg_expect(&t3, TSS_ERR_ENCODING, 2, 3);
}

/* B_i == A: party 2 answers party 1's base-OT sender message with party 1's own A. */
static tss_ecdsa_dkg_p2p1 g_A_of_1_to_2;
static void cap_1_to_2(enum fx_kind kind, void *msg, uint32_t from, uint32_t to, void *arg)
{
    tamper *t = arg;
    if (kind == FX_DKG_P1 && from == 1 && to == 2) g_A_of_1_to_2 = *(tss_ecdsa_dkg_p2p1 *)msg;
    if (kind == FX_DKG_P2 && from == 2 && to == 1) {
        memcpy(((tss_ecdsa_dkg_p2p2 *)msg)->ot_B[5], g_A_of_1_to_2.ot_A, 33);
        t->hits++;
    }
}

static void test_dkg_base_ot_degenerate(void **s)
{
    (void)s;
    fx_key *k = fx_key_new();
    uint8_t sid[32];
    tamper t = {FX_DKG_P2, 2, 1, NULL, 0};
    randombytes_buf(sid, 32);
    fx_result r = fx_dkg(k, 3, 2, sid, cap_1_to_2, &t);
    assert_int_equal(t.hits, 1);
    assert_int_equal(r.status, TSS_ERR_BASE_OT);
    assert_int_equal(r.culprit, 2);
    fx_key_free(k);
    (void)a_p1_capture;
    (void)g_last_p1;
}

static void test_dkg_session_and_routing(void **s)
{
    (void)s;
    tamper t = {FX_DKG_B1, 3, 2, a_b1_sid, 0};
    run_dkg_expect(&t, TSS_ERR_SESSION, 3, 2);
    tamper t2 = {FX_DKG_P2, 2, 1, a_p2_to, 0};
    run_dkg_expect(&t2, TSS_ERR_SESSION, 2, 3);
}

static void test_indices(void **s)
{
    (void)s;
    tss_ecdsa_dkg_state *st = calloc(1, sizeof *st);
    tss_ecdsa_dkg_bcast1 b1;
    tss_ecdsa_dkg_p2p1 p1[TSS_ECDSA_MAX_PARTIES];
    uint8_t sid[32] = {1};
    assert_int_equal(tss_ecdsa_dkg_round1(st, &b1, p1, sid, 0, 3, 2), TSS_ERR_ZERO_ID);
    assert_int_equal(tss_ecdsa_dkg_round1(st, &b1, p1, sid, 4, 3, 2), TSS_ERR_INVALID_ARG);
    assert_int_equal(tss_ecdsa_dkg_round1(st, &b1, p1, sid, 1, 3, 1), TSS_ERR_INVALID_ARG);  /* t >= 2 */
    assert_int_equal(tss_ecdsa_dkg_round1(st, &b1, p1, sid, 1, 3, 4), TSS_ERR_INVALID_ARG);
    assert_int_equal(tss_ecdsa_dkg_round1(st, &b1, p1, sid, 1, TSS_ECDSA_MAX_PARTIES + 1, 2), TSS_ERR_INVALID_ARG);
    free(st);
    fx_key *k = fx_key_new();
    assert_int_equal(fx_dkg(k, 3, 2, sid, NULL, NULL).status, TSS_OK);
    tss_ecdsa_presign_state *ps = calloc(1, sizeof *ps);
    tss_ecdsa_presign_msg1 *m1 = calloc(TSS_ECDSA_MAX_PARTIES, sizeof *m1);
    uint32_t dup[2] = {1, 1}, zero[2] = {0, 1}, desc[2] = {2, 1}, few[1] = {1}, out_of_key[2] = {1, 4};
    assert_int_equal(tss_ecdsa_presign_round1(ps, m1, &k->shares[0], k->pairs[0], 2, dup, 2, sid), TSS_ERR_DUPLICATE);
    assert_int_equal(tss_ecdsa_presign_round1(ps, m1, &k->shares[0], k->pairs[0], 2, zero, 2, sid), TSS_ERR_ZERO_ID);
    assert_int_equal(tss_ecdsa_presign_round1(ps, m1, &k->shares[0], k->pairs[0], 2, desc, 2, sid), TSS_ERR_INVALID_ARG);
    assert_int_equal(tss_ecdsa_presign_round1(ps, m1, &k->shares[0], k->pairs[0], 2, few, 1, sid), TSS_ERR_NOT_ENOUGH);
    assert_int_equal(tss_ecdsa_presign_round1(ps, m1, &k->shares[0], k->pairs[0], 2, out_of_key, 2, sid),
                     TSS_ERR_INVALID_ARG);
    /* a pair setup of another key is not used */
    tss_ecdsa_pair *other = calloc(2, sizeof *other);
    memcpy(other, k->pairs[0], 2 * sizeof *other);
    other[0].key_id[0] ^= 1;
    uint32_t ok[2] = {1, 2};
    assert_int_equal(tss_ecdsa_presign_round1(ps, m1, &k->shares[0], other, 1, ok, 2, sid), TSS_ERR_NOT_FOUND);
    free(other);
    free(ps);
    free(m1);
    fx_key_free(k);
}

/* ---- presign ---- */

static fx_key *g_key;
static const uint32_t S3[3] = {1, 3, 4};

static void run_presign_expect(tamper *t, int status, uint32_t culprit, int round)
{
    tss_ecdsa_presignature pre[3];
    uint8_t sid[32];
    randombytes_buf(sid, 32);
    fx_result r = fx_presign(g_key, S3, 3, sid, pre, hook, t);
    assert_true(t->hits > 0);
    assert_int_equal(r.status, status);
    assert_int_equal(r.culprit, culprit);
    if (round) assert_int_equal(r.round, round);
    assert_int_equal(tss_ecdsa_status_bans(status), status == TSS_ERR_OT_CONSISTENCY || status == TSS_ERR_RVOLE);
}

static void a_m1_u(void *m) { ((tss_ecdsa_presign_msg1 *)m)->ote_u[17][3] ^= 0x40; }
static void a_m1_check(void *m) { ((tss_ecdsa_presign_msg1 *)m)->ote_check_t[0] ^= 1; }
static void a_m1_sid(void *m) { ((tss_ecdsa_presign_msg1 *)m)->session_id[5] ^= 1; }
static void a_m1_commit(void *m) { flip_last(((tss_ecdsa_presign_msg1 *)m)->commitment); }
static void a_m2_tau(void *m) { flip_last(((tss_ecdsa_presign_msg2 *)m)->tau[200][1]); }
static void a_m2_tau_big(void *m) { memset(((tss_ecdsa_presign_msg2 *)m)->tau[3][0], 0xff, 32); }
static void a_m2_check_r(void *m) { ((tss_ecdsa_presign_msg2 *)m)->check_r[0] ^= 1; }
static void a_m2_gamma_a(void *m) { flip_last(((tss_ecdsa_presign_msg2 *)m)->gamma_a[0]); }
static void a_m2_gamma_u(void *m) { memcpy(((tss_ecdsa_presign_msg2 *)m)->gamma_u, G, 33); }
static void a_m2_gamma_v(void *m) { memcpy(((tss_ecdsa_presign_msg2 *)m)->gamma_v, G, 33); }
static void a_m2_X(void *m) { memcpy(((tss_ecdsa_presign_msg2 *)m)->X, G, 33); }
static void a_m2_R(void *m) { memcpy(((tss_ecdsa_presign_msg2 *)m)->R, G, 33); }
static void a_m2_salt(void *m) { flip_last(((tss_ecdsa_presign_msg2 *)m)->salt); }
static void a_m2_R_bad(void *m) { ((tss_ecdsa_presign_msg2 *)m)->R[0] = 0x05; }
static void a_m2_from(void *m) { ((tss_ecdsa_presign_msg2 *)m)->from = 2; }  /* 2 is not a signer */

static void test_presign_ot_extension(void **s)
{
    (void)s;
    /* the OT-extension message of 3 (as receiver) to 4 (as sender): 4's consistency check names 3 */
    tamper t = {FX_PRE_M1, 3, 4, a_m1_u, 0};
    run_presign_expect(&t, TSS_ERR_OT_CONSISTENCY, 3, 2);
    tamper t2 = {FX_PRE_M1, 4, 1, a_m1_check, 0};
    run_presign_expect(&t2, TSS_ERR_OT_CONSISTENCY, 4, 2);
}

static void test_presign_rvole(void **s)
{
    (void)s;
    tamper t = {FX_PRE_M2, 4, 1, a_m2_tau, 0};
    run_presign_expect(&t, TSS_ERR_RVOLE, 4, 3);
    tamper t2 = {FX_PRE_M2, 1, 3, a_m2_check_r, 0};
    run_presign_expect(&t2, TSS_ERR_RVOLE, 1, 3);
    /* outputs inconsistent with the sender's R or X (γ shifts the sender's effective input) */
    tamper t3 = {FX_PRE_M2, 3, 4, a_m2_gamma_a, 0};
    run_presign_expect(&t3, TSS_ERR_RVOLE, 3, 3);
    tamper t4 = {FX_PRE_M2, 3, 1, a_m2_gamma_u, 0};
    run_presign_expect(&t4, TSS_ERR_RVOLE, 3, 3);
    tamper t5 = {FX_PRE_M2, 4, 3, a_m2_gamma_v, 0};
    run_presign_expect(&t5, TSS_ERR_RVOLE, 4, 3);
    tamper t6 = {FX_PRE_M2, 1, 4, a_m2_X, 0};
    run_presign_expect(&t6, TSS_ERR_RVOLE, 1, 3);
    tamper t7 = {FX_PRE_M2, 4, 1, a_m2_tau_big, 0};
    run_presign_expect(&t7, TSS_ERR_ENCODING, 4, 3);
}

static void test_presign_commitment(void **s)
{
    (void)s;
    tamper t = {FX_PRE_M2, 3, 1, a_m2_R, 0};
    run_presign_expect(&t, TSS_ERR_COMMITMENT, 3, 3);
    tamper t2 = {FX_PRE_M2, 1, 4, a_m2_salt, 0};
    run_presign_expect(&t2, TSS_ERR_COMMITMENT, 1, 3);
    tamper t3 = {FX_PRE_M1, 4, 3, a_m1_commit, 0};
    run_presign_expect(&t3, TSS_ERR_COMMITMENT, 4, 3);
    tamper t4 = {FX_PRE_M2, 4, 3, a_m2_R_bad, 0};
    run_presign_expect(&t4, TSS_ERR_ENCODING, 4, 3);
}

static void test_presign_session(void **s)
{
    (void)s;
    tamper t = {FX_PRE_M1, 1, 3, a_m1_sid, 0};
    run_presign_expect(&t, TSS_ERR_SESSION, 1, 2);
    tamper t2 = {FX_PRE_M2, 4, 1, a_m2_from, 0};
    run_presign_expect(&t2, TSS_ERR_SESSION, 0, 3);
}

/* ψ is only checked by the final signature: a tampered ψ gives TSS_ERR_VERIFY, never a signature. */
static void a_m2_psi(void *m) { flip_last(((tss_ecdsa_presign_msg2 *)m)->psi); }
static void a_share_w(void *m) { flip_last(((tss_ecdsa_sig_share *)m)->w); }
static void a_share_u(void *m) { flip_last(((tss_ecdsa_sig_share *)m)->u); }

static void sign_expect(tamper *pre_t, tamper *sign_t, int status)
{
    tss_ecdsa_presignature pre[3];
    tss_ecdsa_signature sig;
    uint8_t sid[32], digest[32];
    randombytes_buf(sid, 32);
    randombytes_buf(digest, 32);
    fx_result r = fx_presign(g_key, S3, 3, sid, pre, pre_t ? hook : NULL, pre_t);
    assert_int_equal(r.status, TSS_OK);
    memset(&sig, 0x77, sizeof sig);
    r = fx_sign(pre, 3, digest, &sig, sign_t ? hook : NULL, sign_t);
    assert_int_equal(r.status, status);
    if (status != TSS_OK) {
        tss_ecdsa_signature zero;
        memset(&zero, 0, sizeof zero);
        assert_memory_equal(&sig, &zero, sizeof sig);  /* no signature comes out */
    }
}

static void test_online_tampering(void **s)
{
    (void)s;
    tamper t = {FX_PRE_M2, 3, 1, a_m2_psi, 0};
    sign_expect(&t, NULL, TSS_ERR_VERIFY);
    tamper t2 = {FX_SHARE, 4, 0, a_share_w, 0};
    sign_expect(NULL, &t2, TSS_ERR_VERIFY);
    tamper t3 = {FX_SHARE, 1, 0, a_share_u, 0};
    sign_expect(NULL, &t3, TSS_ERR_VERIFY);
    sign_expect(NULL, NULL, TSS_OK);
}

static void test_combine_routing_and_reuse(void **s)
{
    (void)s;
    tss_ecdsa_presignature pre[3];
    tss_ecdsa_sig_share sh[3];
    tss_ecdsa_presig_public pub;
    tss_ecdsa_signature sig;
    uint8_t sid[32], digest[32];
    uint32_t culprit;
    randombytes_buf(sid, 32);
    randombytes_buf(digest, 32);
    assert_int_equal(fx_presign(g_key, S3, 3, sid, pre, NULL, NULL).status, TSS_OK);
    for (int i = 0; i < 3; i++) assert_int_equal(tss_ecdsa_sign_online(&pre[i], digest, &sh[i], &pub), TSS_OK);
    /* reuse of a presignature */
    assert_int_equal(tss_ecdsa_sign_online(&pre[1], digest, &sh[1], &pub), TSS_ERR_PRESIG_USED);
    tss_ecdsa_sig_share bad[3];
    memcpy(bad, sh, sizeof bad);
    bad[2] = bad[1];
    assert_int_equal(tss_ecdsa_combine(&sig, &pub, digest, bad, 3, &culprit), TSS_ERR_DUPLICATE);
    assert_int_equal(culprit, 3);
    memcpy(bad, sh, sizeof bad);
    bad[0].from = 2;
    assert_int_equal(tss_ecdsa_combine(&sig, &pub, digest, bad, 3, &culprit), TSS_ERR_SESSION);
    assert_int_equal(culprit, 2);
    memcpy(bad, sh, sizeof bad);
    bad[2].session_id[0] ^= 1;
    assert_int_equal(tss_ecdsa_combine(&sig, &pub, digest, bad, 3, &culprit), TSS_ERR_SESSION);
    assert_int_equal(culprit, 4);
    memcpy(bad, sh, sizeof bad);
    memset(bad[1].w, 0xff, 32);
    assert_int_equal(tss_ecdsa_combine(&sig, &pub, digest, bad, 3, &culprit), TSS_ERR_ENCODING);
    assert_int_equal(culprit, 3);
    assert_int_equal(tss_ecdsa_combine(&sig, &pub, digest, sh, 2, &culprit), TSS_ERR_NOT_ENOUGH);
    /* another digest than the one signed */
    uint8_t other[32];
    memcpy(other, digest, 32);
    other[0] ^= 1;
    assert_int_equal(tss_ecdsa_combine(&sig, &pub, other, sh, 3, &culprit), TSS_ERR_VERIFY);
    assert_int_equal(tss_ecdsa_combine(&sig, &pub, digest, sh, 3, &culprit), TSS_OK);
    assert_int_equal(tss_ecdsa_verify(&sig, digest, g_key->shares[0].group_key), TSS_OK);
    /* a wrong recovery id does not verify */
    sig.v ^= 1;
    assert_int_equal(tss_ecdsa_verify(&sig, digest, g_key->shares[0].group_key), TSS_ERR_VERIFY);
}

static int setup(void **s)
{
    (void)s;
    uint8_t sid[32];
    randombytes_buf(sid, 32);
    g_key = fx_key_new();
    return fx_dkg(g_key, 4, 3, sid, NULL, NULL).status == TSS_OK ? 0 : -1;
}

static int teardown(void **s)
{
    (void)s;
    fx_key_free(g_key);
    return 0;
}

int main(void)
{
    if (tss_init() != TSS_OK) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dkg_commitment),
        cmocka_unit_test(test_dkg_proof),
        cmocka_unit_test(test_dkg_share),
        cmocka_unit_test(test_dkg_invalid_point_and_length),
        cmocka_unit_test(test_dkg_base_ot),
        cmocka_unit_test(test_dkg_base_ot_degenerate),
        cmocka_unit_test(test_dkg_session_and_routing),
        cmocka_unit_test(test_indices),
        cmocka_unit_test(test_presign_ot_extension),
        cmocka_unit_test(test_presign_rvole),
        cmocka_unit_test(test_presign_commitment),
        cmocka_unit_test(test_presign_session),
        cmocka_unit_test(test_online_tampering),
        cmocka_unit_test(test_combine_routing_and_reuse),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
