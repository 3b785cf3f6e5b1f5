/* Point-to-point sealing: round trip, tampering, wrong recipient/sender/session/round, bad keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sodium.h>

#include "src/p2p_seal.h"
#include "tss/common.h"

typedef struct node {
    uint8_t pk[32];
    uint8_t sk[64];
} node;

static node g_nodes[3]; /* 0 = alice, 1 = bob, 2 = carol */

static void make_nodes(void)
{
    for (int i = 0; i < 3; i++) {
        uint8_t seed[32];
        memset(seed, 0x40 + i, sizeof seed);
        assert_int_equal(crypto_sign_seed_keypair(g_nodes[i].pk, g_nodes[i].sk, seed), 0);
    }
}

static p2p_context ctx_of(uint16_t sender, uint16_t recipient)
{
    p2p_context c = {.session_id = 0x1122334455667788u, .sender = sender, .recipient = recipient, .type = 18, .round = 2};
    return c;
}

static void key(p2p_key *k, int me, int peer)
{
    assert_int_equal(p2p_key_init(k, g_nodes[me].sk, g_nodes[peer].pk), TSS_OK);
}

static void test_round_trip(void **state)
{
    (void)state;
    p2p_key a_to_b, b_from_a;
    key(&a_to_b, 0, 1);
    key(&b_from_a, 1, 0);
    /* Both directions derive the same box key. */
    assert_memory_equal(a_to_b.shared, b_from_a.shared, 32);
    static const size_t sizes[] = {0, 1, 32, 1000};
    uint8_t msg[1000], sealed[1000 + P2P_SEAL_OVERHEAD], opened[1000 + P2P_BINDING_BYTES];
    for (size_t i = 0; i < sizeof msg; i++) msg[i] = (uint8_t)(i * 13);
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        p2p_context c = ctx_of(1, 2);
        size_t sealed_len = 0, opened_len = 0;
        assert_int_equal(p2p_seal(sealed, sizeof sealed, &sealed_len, msg, sizes[s], &c, &a_to_b), TSS_OK);
        assert_int_equal(sealed_len, sizes[s] + P2P_SEAL_OVERHEAD);
        if (sizes[s] >= 32) assert_true(memmem(sealed, sealed_len, msg, 32) == NULL); /* encrypted */
        assert_int_equal(p2p_open(opened, sizeof opened, &opened_len, sealed, sealed_len, &c, &b_from_a), TSS_OK);
        assert_int_equal(opened_len, sizes[s]);
        if (sizes[s] > 0) assert_memory_equal(opened, msg, sizes[s]);
    }
    /* Random nonces: sealing the same message twice gives different boxes. */
    p2p_context c = ctx_of(1, 2);
    uint8_t s1[100], s2[100];
    size_t l1, l2;
    assert_int_equal(p2p_seal(s1, sizeof s1, &l1, msg, 20, &c, &a_to_b), TSS_OK);
    assert_int_equal(p2p_seal(s2, sizeof s2, &l2, msg, 20, &c, &a_to_b), TSS_OK);
    assert_true(memcmp(s1, s2, l1) != 0);
    p2p_key_wipe(&a_to_b);
    uint8_t zero[32] = {0};
    assert_memory_equal(a_to_b.shared, zero, 32);
}

static void test_tamper(void **state)
{
    (void)state;
    p2p_key ka, kb;
    key(&ka, 0, 1);
    key(&kb, 1, 0);
    p2p_context c = ctx_of(1, 2);
    uint8_t msg[48], sealed[48 + P2P_SEAL_OVERHEAD], out[48 + P2P_BINDING_BYTES];
    memset(msg, 0x77, sizeof msg);
    size_t len, out_len;
    assert_int_equal(p2p_seal(sealed, sizeof sealed, &len, msg, sizeof msg, &c, &ka), TSS_OK);
    for (size_t i = 0; i < len; i++) {
        sealed[i] ^= 0x01;
        memset(out, 0xcc, sizeof out);
        assert_int_equal(p2p_open(out, sizeof out, &out_len, sealed, len, &c, &kb), TSS_ERR_VERIFY);
        for (size_t j = 0; j < len - P2P_NONCE_BYTES - P2P_MAC_BYTES; j++) assert_int_equal(out[j], 0);
        sealed[i] ^= 0x01;
    }
    assert_int_equal(p2p_open(out, sizeof out, &out_len, sealed, len - 1, &c, &kb), TSS_ERR_VERIFY);
    assert_int_equal(p2p_open(out, sizeof out, &out_len, sealed, P2P_SEAL_OVERHEAD - 1, &c, &kb), TSS_ERR_ENCODING);
    assert_int_equal(p2p_open(out, 10, &out_len, sealed, len, &c, &kb), TSS_ERR_CAPACITY);
    assert_int_equal(p2p_open(out, sizeof out, &out_len, sealed, len, &c, &kb), TSS_OK);
    assert_memory_equal(out, msg, sizeof msg);
}

static void test_wrong_binding(void **state)
{
    (void)state;
    p2p_key ab, ba, cb, ca;
    key(&ab, 0, 1);
    key(&ba, 1, 0);
    key(&cb, 2, 1);
    key(&ca, 2, 0);
    p2p_context c = ctx_of(1, 2); /* alice (index 1) -> bob (index 2) */
    uint8_t msg[32], sealed[32 + P2P_SEAL_OVERHEAD], out[32 + P2P_BINDING_BYTES];
    memset(msg, 0x31, sizeof msg);
    size_t len, out_len;
    assert_int_equal(p2p_seal(sealed, sizeof sealed, &len, msg, sizeof msg, &c, &ab), TSS_OK);

    /* Carol is not the recipient: her keys cannot open it. */
    assert_int_equal(p2p_open(out, sizeof out, &out_len, sealed, len, &c, &ca), TSS_ERR_VERIFY);
    p2p_context as_carol = ctx_of(1, 3);
    assert_int_equal(p2p_open(out, sizeof out, &out_len, sealed, len, &as_carol, &ca), TSS_ERR_VERIFY);

    /* Bob with the right key but the wrong expectations: each binding field is checked. */
    p2p_context x = c;
    x.recipient = 3;
    assert_int_equal(p2p_open(out, sizeof out, &out_len, sealed, len, &x, &ba), TSS_ERR_VERIFY);
    x = c;
    x.sender = 3;
    assert_int_equal(p2p_open(out, sizeof out, &out_len, sealed, len, &x, &ba), TSS_ERR_VERIFY);
    x = c;
    x.session_id ^= 1;
    assert_int_equal(p2p_open(out, sizeof out, &out_len, sealed, len, &x, &ba), TSS_ERR_VERIFY);
    x = c;
    x.round = 1;
    assert_int_equal(p2p_open(out, sizeof out, &out_len, sealed, len, &x, &ba), TSS_ERR_VERIFY);
    x = c;
    x.type = 17;
    assert_int_equal(p2p_open(out, sizeof out, &out_len, sealed, len, &x, &ba), TSS_ERR_VERIFY);

    /* Reflection: the box key is symmetric, but alice opening her own box as if bob sent it fails. */
    p2p_context reflected = ctx_of(2, 1);
    assert_int_equal(p2p_open(out, sizeof out, &out_len, sealed, len, &reflected, &ab), TSS_ERR_VERIFY);
    assert_int_equal(p2p_open(out, sizeof out, &out_len, sealed, len, &c, &ba), TSS_OK);
    (void)cb;
}

static void test_bad_keys(void **state)
{
    (void)state;
    p2p_key k;
    /* Small canonical y values: those that are not valid points (off the curve, or outside the
     * prime-order subgroup) must be refused as peer keys. */
    int refused = 0;
    for (uint8_t y = 2; y < 60; y++) {
        uint8_t pk[32] = {y};
        if (crypto_core_ed25519_is_valid_point(pk)) continue;
        assert_true(p2p_key_init(&k, g_nodes[0].sk, pk) != TSS_OK);
        refused++;
    }
    assert_true(refused > 10);
    uint8_t small_order[32] = {1}; /* the identity point */
    memset(&k, 0xa5, sizeof k);
    assert_true(p2p_key_init(&k, g_nodes[0].sk, small_order) != TSS_OK);
    /* A failed init leaves no key material (old or partial) behind. */
    static const p2p_key zero_key;
    assert_memory_equal(&k, &zero_key, sizeof k);
    assert_int_equal(p2p_key_init(NULL, g_nodes[0].sk, g_nodes[1].pk), TSS_ERR_INVALID_ARG);
    key(&k, 0, 1);
    p2p_context c = ctx_of(1, 2);
    uint8_t out[10];
    size_t len;
    assert_int_equal(p2p_seal(out, sizeof out, &len, out, 0, &c, &k), TSS_ERR_CAPACITY);
}

int main(void)
{
    if (tss_init() != TSS_OK) return 1;
    make_nodes();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_tamper),
        cmocka_unit_test(test_wrong_binding),
        cmocka_unit_test(test_bad_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
