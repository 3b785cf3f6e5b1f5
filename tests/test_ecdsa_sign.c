/* Threshold ECDSA end to end: real DKG, presign and online signing for 2-of-3, 3-of-5, 5-of-9 and random
 * t-of-n, over many signer subsets; every signature is low-S, verifies with libsecp256k1 (verify and
 * recovery to the group key), and its Ethereum address matches the key's. Wycheproof secp256k1 vectors for
 * the verify path; digest helpers; single use of presignatures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>
#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include "tss/ecdsa.h"
#include "ecdsa_fixture.h"
#include "test_support.h"

static const uint8_t N_HALF[32] = {
    0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0x5D, 0x57, 0x6E, 0x73, 0x57, 0xA4, 0x50, 0x1D, 0xDF, 0xE9, 0x2F, 0x46, 0x68, 0x1B, 0x20, 0xA0,
};

/* Independent check with libsecp256k1 only. */
static void check_signature(const tss_ecdsa_signature *sig, const uint8_t digest[32], const uint8_t pk33[33])
{
    const secp256k1_context *ctx = secp256k1_context_static;
    uint8_t rs[64];
    secp256k1_ecdsa_signature s;
    secp256k1_ecdsa_recoverable_signature rsig;
    secp256k1_pubkey pk, rec;
    memcpy(rs, sig->r, 32);
    memcpy(rs + 32, sig->s, 32);
    assert_true(memcmp(sig->s, N_HALF, 32) <= 0);  /* low-S */
    assert_true(secp256k1_ecdsa_signature_parse_compact(ctx, &s, rs));
    assert_true(secp256k1_ec_pubkey_parse(ctx, &pk, pk33, 33));
    assert_true(secp256k1_ecdsa_verify(ctx, &s, digest, &pk));
    assert_true(sig->v <= 3);
    assert_true(secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &rsig, rs, sig->v));
    assert_true(secp256k1_ecdsa_recover(ctx, &rec, &rsig, digest));
    uint8_t out[33];
    size_t len = 33;
    secp256k1_ec_pubkey_serialize(ctx, out, &len, &rec, SECP256K1_EC_COMPRESSED);
    assert_memory_equal(out, pk33, 33);
    assert_int_equal(tss_ecdsa_verify(sig, digest, pk33), TSS_OK);
}

static void sign_with(fx_key *k, const uint32_t *signers, uint32_t ns, int n_sigs)
{
    tss_ecdsa_presignature pre[TSS_ECDSA_MAX_PARTIES];
    for (int i = 0; i < n_sigs; i++) {
        uint8_t sid[32], digest[32], msg[40];
        randombytes_buf(sid, 32);
        randombytes_buf(msg, sizeof msg);
        tss_ecdsa_keccak256(digest, msg, sizeof msg);
        fx_result r = fx_presign(k, signers, ns, sid, pre, NULL, NULL);
        assert_int_equal(r.status, TSS_OK);
        tss_ecdsa_signature sig;
        r = fx_sign(pre, ns, digest, &sig, NULL, NULL);
        assert_int_equal(r.status, TSS_OK);
        check_signature(&sig, digest, k->shares[0].group_key);
        for (uint32_t a = 0; a < ns; a++) assert_int_equal(pre[a].state, 0);  /* all consumed */
    }
}

/* Every subset of size t (and a few larger ones) signs. */
static void all_subsets(fx_key *k, uint32_t n, uint32_t t, uint32_t max_subsets)
{
    uint32_t count = 0;
    for (uint32_t mask = 0; mask < (1u << n) && count < max_subsets; mask++) {
        uint32_t ns = (uint32_t)__builtin_popcount(mask);
        if (ns < t || (ns > t && mask % 7 != 0)) continue;
        uint32_t signers[TSS_ECDSA_MAX_PARTIES], m = 0;
        for (uint32_t i = 0; i < n; i++)
            if (mask & (1u << i)) signers[m++] = i + 1;
        sign_with(k, signers, ns, 1);
        count++;
    }
    assert_true(count > 0);
}

static void run_tn(uint32_t n, uint32_t t, uint32_t max_subsets)
{
    fx_key *k = fx_key_new();
    uint8_t sid[32];
    randombytes_buf(sid, 32);
    fx_result r = fx_dkg(k, n, t, sid, NULL, NULL);
    assert_int_equal(r.status, TSS_OK);
    for (uint32_t i = 1; i <= n; i++) {
        assert_memory_equal(k->shares[i - 1].group_key, k->shares[0].group_key, 33);
        assert_memory_equal(k->shares[i - 1].key_id, k->shares[0].key_id, 32);
        assert_int_equal(k->shares[i - 1].t, t);
    }
    all_subsets(k, n, t, max_subsets);
    fx_key_free(k);
}

static void test_2of3(void **s) { (void)s; run_tn(3, 2, 100); }
static void test_3of5(void **s) { (void)s; run_tn(5, 3, 100); }
static void test_5of9(void **s) { (void)s; run_tn(9, 5, 12); }

static void test_random_tn(void **state)
{
    (void)state;
    for (int i = 0; i < 4; i++) {
        uint32_t n = 2 + randombytes_uniform(7);   /* 2..8 */
        uint32_t t = 2 + randombytes_uniform(n - 1);
        run_tn(n, t, 4);
    }
}

/* The same key signs many times, with the t-signer set rotating; presignatures made ahead are used later. */
static void test_pool_and_reuse(void **state)
{
    (void)state;
    fx_key *k = fx_key_new();
    uint8_t sid[32];
    randombytes_buf(sid, 32);
    assert_int_equal(fx_dkg(k, 3, 2, sid, NULL, NULL).status, TSS_OK);
    uint32_t signers[2] = {1, 3};
    tss_ecdsa_presignature pool[4][TSS_ECDSA_MAX_PARTIES];
    for (int i = 0; i < 4; i++) {
        randombytes_buf(sid, 32);
        assert_int_equal(fx_presign(k, signers, 2, sid, pool[i], NULL, NULL).status, TSS_OK);
    }
    for (int i = 3; i >= 0; i--) {
        uint8_t digest[32];
        tss_ecdsa_signature sig;
        randombytes_buf(digest, 32);
        assert_int_equal(fx_sign(pool[i], 2, digest, &sig, NULL, NULL).status, TSS_OK);
        check_signature(&sig, digest, k->shares[0].group_key);
        /* reuse is refused, and produces nothing */
        tss_ecdsa_sig_share sh;
        memset(&sh, 0x5a, sizeof sh);
        assert_int_equal(tss_ecdsa_sign_online(&pool[i][0], digest, &sh, NULL), TSS_ERR_PRESIG_USED);
        assert_int_equal(sh.from, 0x5a5a5a5a);
        fx_result r = fx_sign(pool[i], 2, digest, &sig, NULL, NULL);
        assert_int_equal(r.status, TSS_ERR_PRESIG_USED);
    }
    fx_key_free(k);
}

/* The dealer helper (tests/benchmarks) produces keys that sign like DKG keys. */
static void test_dealer(void **state)
{
    (void)state;
    fx_key *k = fx_key_new();
    assert_int_equal(tss_ecdsa_dealer_keygen(k->shares, &k->pairs[0][0], 4, 3), TSS_OK);
    /* dealer layout is n*(n-1) consecutive entries; the fixture's rows are MAX-1 wide: re-lay them */
    static tss_ecdsa_pair flat[4 * 3];
    memcpy(flat, &k->pairs[0][0], sizeof flat);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 3; j++) k->pairs[i][j] = flat[i * 3 + j];
    k->n = 4;
    k->t = 3;
    uint32_t s1[3] = {1, 2, 4}, s2[4] = {1, 2, 3, 4};
    sign_with(k, s1, 3, 2);
    sign_with(k, s2, 4, 1);
    fx_key_free(k);
}

static void test_digests_and_address(void **state)
{
    (void)state;
    uint8_t d[32], want[32];
    tss_ecdsa_sha256(d, (const uint8_t *)"abc", 3);
    assert_int_equal(tv_hex_exact(want, 32, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"), 0);
    assert_memory_equal(d, want, 32);
    /* private key 1: G; address 0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf */
    uint8_t g[33], addr[20];
    assert_int_equal(tv_hex_exact(g, 33, "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"), 0);
    assert_int_equal(tss_ecdsa_eth_address(addr, g), TSS_OK);
    char hex[43];
    tss_ecdsa_eth_address_hex(hex, addr);
    assert_string_equal(hex, "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf");
    g[0] = 0x05;
    assert_int_equal(tss_ecdsa_eth_address(addr, g), TSS_ERR_ENCODING);
}

static void wycheproof(const char *file, int allow_high_s)
{
    json_t *root = tv_load_json(file);
    assert_non_null(root);
    size_t gi, ti, total = 0, valid = 0;
    json_t *grp, *tc;
    json_array_foreach(json_object_get(root, "testGroups"), gi, grp) {
        uint8_t pk[65];
        assert_int_equal(tv_hex_exact(pk, 65, json_string_value(json_object_get(json_object_get(grp, "publicKey"),
                                                                                "uncompressed"))), 0);
        json_array_foreach(json_object_get(grp, "tests"), ti, tc) {
            const char *msg_hex = json_string_value(json_object_get(tc, "msg"));
            const char *sig_hex = json_string_value(json_object_get(tc, "sig"));
            const char *result = json_string_value(json_object_get(tc, "result"));
            size_t ml = strlen(msg_hex) / 2, sl = strlen(sig_hex) / 2;
            uint8_t *msg = malloc(ml + 1), *sig = malloc(sl + 1), digest[32];
            assert_int_equal(tv_hex_decode(msg, ml + 1, msg_hex), (long)ml);
            assert_int_equal(tv_hex_decode(sig, sl + 1, sig_hex), (long)sl);
            tss_ecdsa_sha256(digest, msg, ml);
            int rc = tss_ecdsa_verify_der(sig, sl, digest, pk, 65, allow_high_s);
            if (strcmp(result, "valid") == 0) {
                if (rc != TSS_OK) fail_msg("%s tcId %lld: valid signature rejected (%d)", file,
                                           (long long)json_integer_value(json_object_get(tc, "tcId")), rc);
                valid++;
            } else if (strcmp(result, "invalid") == 0) {
                if (rc == TSS_OK) fail_msg("%s tcId %lld: invalid signature accepted", file,
                                           (long long)json_integer_value(json_object_get(tc, "tcId")));
            }
            free(msg);
            free(sig);
            total++;
        }
    }
    assert_true(total > 400 && valid > 100);
    json_decref(root);
}

static void test_wycheproof(void **state)
{
    (void)state;
    wycheproof("ecdsa/ecdsa_secp256k1_sha256_test.json", 1);
    wycheproof("ecdsa/ecdsa_secp256k1_sha256_bitcoin_test.json", 0);
}

int main(void)
{
    if (tss_init() != TSS_OK) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_digests_and_address),
        cmocka_unit_test(test_wycheproof),
        cmocka_unit_test(test_2of3),
        cmocka_unit_test(test_3of5),
        cmocka_unit_test(test_5of9),
        cmocka_unit_test(test_random_tn),
        cmocka_unit_test(test_pool_and_reuse),
        cmocka_unit_test(test_dealer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
