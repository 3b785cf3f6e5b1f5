/* FROST at scale (slow test): a 667-of-1000 dealer key, signing with exactly t and with all n signers,
 * libsodium verification, and cheaters among 667 signers all named. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "test_support.h"
#include "tss/common.h"
#include "tss/frost.h"

#define N 1000
#define T 667

typedef struct {
    tss_frost_key_package kps[N];
    tss_frost_public_share entries[N];
    tss_frost_public_key_package pkp;
    tss_frost_signing_nonces nonces[N];
    tss_frost_signing_commitments coms[N];
    tss_frost_signature_share shares[N];
    tss_frost_identifier culprits[N];
} big_state;

static int setup(void **state)
{
    big_state *b = calloc(1, sizeof *b);
    if (b == NULL)
        return -1;
    if (tss_frost_public_key_package_init(&b->pkp, b->entries, N) != TSS_OK ||
        tss_frost_dealer_keygen(b->kps, &b->pkp, NULL, NULL, NULL, N, T) != TSS_OK)
        return -1;
    *state = b;
    return 0;
}

static int teardown(void **state)
{
    big_state *b = *state;
    sodium_memzero(b, sizeof *b);
    free(b);
    return 0;
}

/* Signers idx[0..m): round 1, package, round 2. */
static void run_rounds(big_state *b, tss_frost_signing_package *pkg, const uint32_t *idx, uint32_t m,
                       const uint8_t *msg, size_t msg_len)
{
    for (uint32_t k = 0; k < m; k++)
        assert_int_equal(tss_frost_round1_commit(&b->nonces[k], &b->coms[k], &b->kps[idx[k]]), TSS_OK);
    assert_int_equal(tss_frost_signing_package_init(pkg, b->coms, m, msg, msg_len), TSS_OK);
    for (uint32_t k = 0; k < m; k++)
        assert_int_equal(tss_frost_round2_sign(&b->shares[k], pkg, &b->nonces[k], &b->kps[idx[k]]), TSS_OK);
}

static void test_t_of_n_signers(void **state)
{
    big_state *b = *state;
    static uint32_t idx[N];
    tv_rng rng;
    tv_rng_seed(&rng, 667);
    for (uint32_t i = 0; i < N; i++)
        idx[i] = i;
    for (uint32_t i = 0; i < T; i++) { /* a random t-subset */
        uint32_t j = i + (uint32_t)(tv_rng_next(&rng) % (N - i));
        uint32_t x = idx[i];
        idx[i] = idx[j];
        idx[j] = x;
    }
    const uint8_t msg[] = "667-of-1000";
    tss_frost_signing_package pkg;
    tss_frost_signature sig;
    run_rounds(b, &pkg, idx, T, msg, sizeof msg);
    assert_int_equal(tss_frost_aggregate(&sig, &pkg, b->shares, T, &b->pkp, NULL, 0, NULL), TSS_OK);
    assert_int_equal(crypto_sign_verify_detached(sig.bytes, msg, sizeof msg, b->pkp.verifying_key.bytes), 0);

    /* Five cheaters among them: all five named. */
    const uint32_t cheat[] = {3, 100, 250, 500, 666};
    for (size_t k = 0; k < sizeof cheat / sizeof cheat[0]; k++)
        b->shares[cheat[k]].share[0] ^= 0x01;
    size_t nc = 0;
    assert_int_equal(tss_frost_aggregate(&sig, &pkg, b->shares, T, &b->pkp, b->culprits, N, &nc), TSS_ERR_CULPRIT);
    assert_int_equal(nc, 5);
    for (size_t k = 0; k < 5; k++) {
        int found = 0;
        for (size_t j = 0; j < 5; j++)
            found |= tss_frost_identifier_cmp(&b->culprits[k], &b->shares[cheat[j]].identifier) == 0;
        assert_true(found);
        if (k > 0)
            assert_int_equal(tss_frost_identifier_cmp(&b->culprits[k - 1], &b->culprits[k]), -1);
    }
    /* t - 1 signers are refused by aggregation. */
    tss_frost_signing_package short_pkg = pkg;
    short_pkg.n_commitments = T - 1;
    assert_int_equal(tss_frost_aggregate(&sig, &short_pkg, b->shares, T - 1, &b->pkp, NULL, 0, NULL),
                     TSS_ERR_NOT_ENOUGH);
}

static void test_all_n_signers(void **state)
{
    big_state *b = *state;
    static uint32_t idx[N];
    for (uint32_t i = 0; i < N; i++)
        idx[i] = N - 1 - i;
    const uint8_t msg[] = "all 1000";
    tss_frost_signing_package pkg;
    tss_frost_signature sig;
    run_rounds(b, &pkg, idx, N, msg, sizeof msg);
    assert_int_equal(tss_frost_aggregate(&sig, &pkg, b->shares, N, &b->pkp, NULL, 0, NULL), TSS_OK);
    assert_int_equal(crypto_sign_verify_detached(sig.bytes, msg, sizeof msg, b->pkp.verifying_key.bytes), 0);
    /* The public key package survives a binary round trip at this size. */
    size_t cap = TSS_FROST_PUBLIC_KEY_PACKAGE_BYTES(N), len = 0;
    uint8_t *enc = malloc(cap);
    tss_frost_public_share *entries = calloc(N, sizeof *entries);
    tss_frost_public_key_package back;
    assert_non_null(enc);
    assert_non_null(entries);
    assert_int_equal(tss_frost_public_key_package_serialize(enc, cap, &len, &b->pkp), TSS_OK);
    assert_int_equal(tss_frost_public_key_package_init(&back, entries, N), TSS_OK);
    assert_int_equal(tss_frost_public_key_package_deserialize(&back, enc, len), TSS_OK);
    assert_memory_equal(back.shares, b->pkp.shares, N * sizeof *entries);
    free(entries);
    free(enc);
}

int main(void)
{
    if (tss_init() != TSS_OK)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_t_of_n_signers),
        cmocka_unit_test(test_all_n_signers),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
