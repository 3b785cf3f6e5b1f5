/* FROST DKG (tss/frost_keygen.h): frost-core's vectors_dkg.json, random DKGs with consistent results and
 * signing, and culprit naming for bad proofs, shares, commitment lengths and small-order components. */
#include "frost_keygen_fixture.h"
#include "test_support.h"

#include "crypto/ge25519.h"
#include "crypto/sc25519.h"

static void hex_field(uint8_t *out, size_t len, json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    assert_non_null(v);
    assert_int_equal(tv_hex_exact(out, len, json_string_value(v)), 0);
}

/* vectors_dkg.json: every participant's coefficients reproduce its commitment; the published proofs verify;
 * part 2 reproduces the published round-2 shares; part 3 (fed the published packages) reproduces the
 * signing share, verifying shares and group key. The `secret` fields are ignored (see SOURCES.md). */
static void test_vectors_dkg(void **state)
{
    (void)state;
    json_t *root = tv_load_json("frost/vectors_dkg.json");
    assert_non_null(root);
    json_t *in = json_object_get(root, "inputs");
    const char *names[3] = { "1", "2", "3" };
    uint8_t vk[32];
    hex_field(vk, 32, in, "verifying_key");

    /* The published round-1 packages. */
    tss_frost_element pub_comm[3][2];
    tss_frost_dkg_round1_package pub[3];
    for (int p = 0; p < 3; p++) {
        json_t *pj = json_object_get(in, names[p]);
        json_t *vc = json_object_get(pj, "vss_commitments");
        assert_int_equal(json_array_size(vc), 2);
        assert_int_equal(tss_frost_dkg_round1_package_init(&pub[p], pub_comm[p], 2), TSS_OK);
        for (int k = 0; k < 2; k++)
            assert_int_equal(tv_hex_exact(pub_comm[p][k].bytes, 32, json_string_value(json_array_get(vc, k))), 0);
        pub[p].n_commitments = 2;
        assert_int_equal(tss_frost_identifier_from_u64(&pub[p].identifier, (uint64_t)p + 1), TSS_OK);
        hex_field(pub[p].proof_of_knowledge, 64, pj, "proof_of_knowledge");
        assert_int_equal(tss_frost_dkg_verify_proof_of_knowledge(&pub[p]), TSS_OK);
        /* A proof checked under another identifier fails. */
        tss_frost_dkg_round1_package wrong = pub[p];
        assert_int_equal(tss_frost_identifier_from_u64(&wrong.identifier, (uint64_t)((p + 1) % 3) + 1), TSS_OK);
        assert_int_equal(tss_frost_dkg_verify_proof_of_knowledge(&wrong), TSS_ERR_VERIFY);
    }

    size_t scratch_len = tss_frost_keygen_scratch_size(3, 2);
    uint8_t *scratch = aligned_alloc(64, (scratch_len + 63) & ~(size_t)63);
    for (int p = 0; p < 3; p++) {
        json_t *pj = json_object_get(in, names[p]);
        tss_frost_scalar coeffs[2], nonce;
        tss_frost_scalar sp_coeff[2];
        tss_frost_element sp_comm[2], my_comm[2];
        tss_frost_dkg_secret_package sp;
        tss_frost_dkg_round1_package mine;
        hex_field(coeffs[0].bytes, 32, pj, "signing_key");
        hex_field(coeffs[1].bytes, 32, pj, "coefficient");
        randombytes_buf(nonce.bytes, 32);
        nonce.bytes[31] &= 0x0f;
        assert_int_equal(tss_frost_dkg_secret_package_init(&sp, sp_coeff, sp_comm, 2), TSS_OK);
        assert_int_equal(tss_frost_dkg_round1_package_init(&mine, my_comm, 2), TSS_OK);
        assert_int_equal(tss_frost_dkg_part1_with_coefficients(&sp, &mine, &pub[p].identifier, 3, 2, coeffs, &nonce),
                         TSS_OK);
        assert_int_equal(mine.n_commitments, 2);
        assert_memory_equal(my_comm, pub_comm[p], sizeof my_comm);
        assert_int_equal(tss_frost_dkg_verify_proof_of_knowledge(&mine), TSS_OK);

        tss_frost_dkg_round1_package others[2];
        tss_frost_dkg_round2_package out[2], recv[2];
        int k = 0;
        for (int q = 0; q < 3; q++)
            if (q != p)
                others[k++] = pub[q];
        size_t nc = 9;
        assert_int_equal(tss_frost_dkg_part2(&sp, out, others, 2, scratch, scratch_len, NULL, 0, &nc), TSS_OK);
        assert_int_equal(nc, 0);
        /* inputs[q].signing_shares[p] is the share q received from p. */
        k = 0;
        for (int q = 0; q < 3; q++) {
            if (q == p)
                continue;
            uint8_t expect[32];
            hex_field(expect, 32, json_object_get(json_object_get(in, names[q]), "signing_shares"), names[p]);
            assert_memory_equal(out[k].signing_share.bytes, expect, 32);
            assert_memory_equal(out[k].recipient.bytes, pub[q].identifier.bytes, 32);
            /* What p received from q, as published. */
            recv[k].version = TSS_FROST_VERSION;
            recv[k].sender = pub[q].identifier;
            recv[k].recipient = pub[p].identifier;
            hex_field(recv[k].signing_share.bytes, 32, json_object_get(pj, "signing_shares"), names[q]);
            k++;
        }

        tss_frost_key_package kp;
        tss_frost_public_share shares[3];
        tss_frost_public_key_package pkp;
        assert_int_equal(tss_frost_public_key_package_init(&pkp, shares, 3), TSS_OK);
        assert_int_equal(tss_frost_dkg_part3(&kp, &pkp, &sp, others, 2, recv, 2, scratch, scratch_len, NULL, 0, &nc),
                         TSS_OK);
        uint8_t expect[32];
        hex_field(expect, 32, pj, "signing_share");
        assert_memory_equal(kp.signing_share.bytes, expect, 32);
        hex_field(expect, 32, pj, "verifying_share");
        assert_memory_equal(kp.verifying_share.bytes, expect, 32);
        assert_memory_equal(kp.verifying_key.bytes, vk, 32);
        assert_memory_equal(pkp.verifying_key.bytes, vk, 32);
        assert_int_equal(kp.min_signers, 2);
        assert_int_equal(pkp.max_signers, 3);
        for (int q = 0; q < 3; q++) {
            hex_field(expect, 32, json_object_get(in, names[q]), "verifying_share");
            assert_memory_equal(pkp.shares[q].identifier.bytes, pub[q].identifier.bytes, 32);
            assert_memory_equal(pkp.shares[q].verifying_share.bytes, expect, 32);
        }
        tss_frost_dkg_secret_package_clear(&sp);
        sodium_memzero(&kp, sizeof kp);
    }
    free(scratch);
    json_decref(root);
}

static void run_and_sign(uint32_t n, uint32_t t, const tss_frost_identifier *ids)
{
    dkg_run r;
    dkg_alloc(&r, n, t, ids);
    dkg_run_all(&r);
    /* t signers spread over the set, then t-1 must fail (the signing API refuses). */
    const tss_frost_key_package **signers = calloc(t, sizeof *signers);
    for (uint32_t k = 0; k < t; k++)
        signers[k] = &r.kp[(size_t)k * n / t];
    const uint8_t msg[] = "distributed key generation";
    assert_int_equal(sign_with(signers, t, &r.pkp[0], msg, sizeof msg - 1), TSS_OK);
    if (t > 1)
        assert_int_not_equal(sign_with(signers, t - 1, &r.pkp[0], msg, sizeof msg - 1), TSS_OK);
    /* The group secret, interpolated from t shares, is the discrete log of the group key. */
    tss_frost_key_package *sub = calloc(t, sizeof *sub);
    for (uint32_t k = 0; k < t; k++)
        sub[k] = *signers[k];
    uint8_t secret[32], pk[32];
    assert_int_equal(tss_frost_reconstruct(secret, sub, t), TSS_OK);
    sc25519 s;
    ge25519_p3 P;
    assert_int_equal(sc25519_from_bytes_canonical(&s, secret), 0);
    ge25519_scalarmult_base(&P, &s);
    ge25519_tobytes(pk, &P);
    assert_memory_equal(pk, r.pkp[0].verifying_key.bytes, 32);
    sodium_memzero(sub, (size_t)t * sizeof *sub);
    free(sub);
    free(signers);
    dkg_free(&r);
}

static void test_random_small(void **state)
{
    (void)state;
    run_and_sign(1, 1, NULL);
    run_and_sign(2, 1, NULL);
    run_and_sign(2, 2, NULL);
    run_and_sign(3, 2, NULL);
    run_and_sign(5, 3, NULL);
    run_and_sign(10, 7, NULL);
    run_and_sign(10, 10, NULL);
}

static void test_random_derived_ids(void **state)
{
    (void)state;
    /* Identifiers derived from strings (full-size scalars: the MSM path) and big integers. */
    tss_frost_identifier ids[6];
    const char *names[4] = { "alice", "bob", "carol", "dave" };
    for (int i = 0; i < 4; i++)
        assert_int_equal(tss_frost_identifier_derive(&ids[i], (const uint8_t *)names[i], strlen(names[i])), TSS_OK);
    assert_int_equal(tss_frost_identifier_from_u64(&ids[4], 65536), TSS_OK);
    assert_int_equal(tss_frost_identifier_from_u64(&ids[5], UINT64_C(1) << 40), TSS_OK);
    run_and_sign(6, 4, ids);
}

static void test_random_67_of_100(void **state)
{
    (void)state;
    run_and_sign(100, 67, NULL);
}

/* Part 2 names the sender of a bad proof, of a wrong-length commitment, of an undecodable point. */
static void test_part2_culprits(void **state)
{
    (void)state;
    dkg_run r;
    dkg_alloc(&r, 7, 4, NULL);
    dkg_part1_all(&r);
    r.r1[2].proof_of_knowledge[40] ^= 1;                 /* participant 3: μ changed */
    r.r1[4].n_commitments = 3;                           /* participant 5: short commitment */
    memset(r.r1[5].proof_of_knowledge, 0xff, 32);        /* participant 6: R not a point */
    tss_frost_identifier culprits[8];
    size_t nc = 0;
    dkg_others_r1(&r, 0);
    assert_int_equal(tss_frost_dkg_part2(&r.sp[0], r.r2, r.tmp1, 6, r.scratch, r.scratch_len, culprits, 8, &nc),
                     TSS_ERR_CULPRIT);
    assert_int_equal(nc, 3);
    uint64_t x;
    assert_int_equal(tss_frost_identifier_to_u64(&x, &culprits[0]), TSS_OK);
    assert_int_equal(x, 3);
    assert_int_equal(tss_frost_identifier_to_u64(&x, &culprits[1]), TSS_OK);
    assert_int_equal(x, 5);
    assert_int_equal(tss_frost_identifier_to_u64(&x, &culprits[2]), TSS_OK);
    assert_int_equal(x, 6);
    /* A capped list still counts every culprit. */
    assert_int_equal(tss_frost_dkg_part2(&r.sp[0], r.r2, r.tmp1, 6, r.scratch, r.scratch_len, culprits, 1, &nc),
                     TSS_ERR_CULPRIT);
    assert_int_equal(nc, 3);
    assert_int_equal(tss_frost_identifier_to_u64(&x, &culprits[0]), TSS_OK);
    assert_int_equal(x, 3);

    /* A single bad proof among many valid ones (the batch fails, the per-proof pass names it). */
    dkg_free(&r);
    dkg_alloc(&r, 70, 3, NULL);
    dkg_part1_all(&r);
    r.r1[41].proof_of_knowledge[33] ^= 4;
    dkg_others_r1(&r, 0);
    assert_int_equal(tss_frost_dkg_part2(&r.sp[0], r.r2, r.tmp1, 69, r.scratch, r.scratch_len, culprits, 8, &nc),
                     TSS_ERR_CULPRIT);
    assert_int_equal(nc, 1);
    assert_int_equal(tss_frost_identifier_to_u64(&x, &culprits[0]), TSS_OK);
    assert_int_equal(x, 42);
    /* Fixing it lets part 2 through. */
    r.r1[41].proof_of_knowledge[33] ^= 4;
    dkg_others_r1(&r, 0);
    assert_int_equal(tss_frost_dkg_part2(&r.sp[0], r.r2, r.tmp1, 69, r.scratch, r.scratch_len, culprits, 8, &nc),
                     TSS_OK);
    dkg_free(&r);
}

static void assert_culprits(const tss_frost_identifier *c, size_t nc, const uint64_t *expect, size_t n_expect)
{
    assert_int_equal(nc, n_expect);
    for (size_t i = 0; i < n_expect; i++) {
        uint64_t x;
        assert_int_equal(tss_frost_identifier_to_u64(&x, &c[i]), TSS_OK);
        assert_int_equal(x, expect[i]);
    }
}

/* Part 3 names the senders of bad shares (and only them), of wrong-length or undecodable commitments. */
static void test_part3_culprits(void **state)
{
    (void)state;
    dkg_run r;
    dkg_alloc(&r, 8, 5, NULL);
    dkg_part1_all(&r);
    dkg_part2_all(&r);
    tss_frost_identifier culprits[8];
    size_t nc = 0;

    /* Participant 6's share for participant 1 is off by one. */
    tss_frost_dkg_round2_package saved = r.r2[5 * 7 + 0];
    r.r2[5 * 7 + 0].signing_share.bytes[0] ^= 1;
    assert_int_equal(dkg_part3_one(&r, 0, culprits, 8, &nc), TSS_ERR_CULPRIT);
    assert_culprits(culprits, nc, (const uint64_t[]){ 6 }, 1);
    /* Two bad shares: both named, ascending. */
    tss_frost_dkg_round2_package saved2 = r.r2[2 * 7 + 0];
    r.r2[2 * 7 + 0].signing_share.bytes[5] ^= 0x10;
    assert_int_equal(dkg_part3_one(&r, 0, culprits, 8, &nc), TSS_ERR_CULPRIT);
    assert_culprits(culprits, nc, (const uint64_t[]){ 3, 6 }, 2);
    r.r2[5 * 7 + 0] = saved;
    r.r2[2 * 7 + 0] = saved2;
    /* A non-canonical share (>= L). */
    memset(r.r2[7 * 7 + 0].signing_share.bytes, 0xff, 32);
    assert_int_equal(dkg_part3_one(&r, 0, culprits, 8, &nc), TSS_ERR_CULPRIT);
    assert_culprits(culprits, nc, (const uint64_t[]){ 8 }, 1);
    dkg_free(&r);

    dkg_alloc(&r, 8, 5, NULL);
    dkg_part1_all(&r);
    dkg_part2_all(&r);
    /* Commitment of the wrong length, and an undecodable commitment point, named in part 3 too. */
    r.r1[1].n_commitments = 4;
    memset(r.r1[3].commitment[2].bytes, 0xff, 32);
    assert_int_equal(dkg_part3_one(&r, 0, culprits, 8, &nc), TSS_ERR_CULPRIT);
    assert_culprits(culprits, nc, (const uint64_t[]){ 2, 4 }, 2);
    r.r1[1].n_commitments = 5;
    dkg_free(&r);
}

/* A commitment coefficient with a small-order component is named even when it does not disturb this
 * recipient's share check (even identifier: [x]T = 0 for the order-2 point T). */
static void test_part3_small_order_component(void **state)
{
    (void)state;
    dkg_run r;
    dkg_alloc(&r, 4, 3, NULL);
    dkg_part1_all(&r);
    dkg_part2_all(&r);
    /* Add the order-2 point (0, -1) to participant 3's linear coefficient commitment. */
    ge25519_p3 P, T;
    uint8_t t_bytes[32] = { 0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                            0xff, 0x7f };
    assert_int_equal(ge25519_frombytes_canonical(&T, t_bytes), 0);
    assert_int_equal(ge25519_frombytes_canonical(&P, r.r1[2].commitment[1].bytes), 0);
    ge25519_add(&P, &P, &T);
    ge25519_tobytes(r.r1[2].commitment[1].bytes, &P);
    tss_frost_identifier culprits[4];
    size_t nc = 0;
    /* Recipient 2 (even): its share check passes, the summed coefficient has a small-order part. */
    assert_int_equal(dkg_part3_one(&r, 1, culprits, 4, &nc), TSS_ERR_CULPRIT);
    assert_culprits(culprits, nc, (const uint64_t[]){ 3 }, 1);
    /* Recipient 1 (odd): the share check itself fails. */
    assert_int_equal(dkg_part3_one(&r, 0, culprits, 4, &nc), TSS_ERR_CULPRIT);
    assert_culprits(culprits, nc, (const uint64_t[]){ 3 }, 1);
    dkg_free(&r);
}

static void test_bad_identifiers_and_args(void **state)
{
    (void)state;
    dkg_run r;
    dkg_alloc(&r, 4, 2, NULL);
    tss_frost_identifier zero;
    memset(&zero, 0, sizeof zero);
    assert_int_equal(tss_frost_dkg_part1(&r.sp[0], &r.r1[0], &zero, 4, 2), TSS_ERR_ZERO_ID);
    assert_int_equal(tss_frost_dkg_part1(&r.sp[0], &r.r1[0], &r.ids[0], 4, 0), TSS_ERR_INVALID_ARG);
    assert_int_equal(tss_frost_dkg_part1(&r.sp[0], &r.r1[0], &r.ids[0], 4, 5), TSS_ERR_INVALID_ARG);
    assert_int_equal(tss_frost_dkg_part1(&r.sp[0], &r.r1[0], &r.ids[0], 4, 3), TSS_ERR_INVALID_ARG); /* capacity 2 */
    dkg_part1_all(&r);
    size_t nc = 0;
    /* Duplicate sender. */
    dkg_others_r1(&r, 0);
    r.tmp1[1].identifier = r.tmp1[0].identifier;
    assert_int_equal(tss_frost_dkg_part2(&r.sp[0], r.r2, r.tmp1, 3, r.scratch, r.scratch_len, NULL, 0, &nc),
                     TSS_ERR_DUPLICATE);
    /* Own identifier among the senders. */
    dkg_others_r1(&r, 0);
    r.tmp1[2].identifier = r.ids[0];
    assert_int_equal(tss_frost_dkg_part2(&r.sp[0], r.r2, r.tmp1, 3, r.scratch, r.scratch_len, NULL, 0, &nc),
                     TSS_ERR_DUPLICATE);
    /* Zero sender identifier. */
    dkg_others_r1(&r, 0);
    r.tmp1[1].identifier = zero;
    assert_int_equal(tss_frost_dkg_part2(&r.sp[0], r.r2, r.tmp1, 3, r.scratch, r.scratch_len, NULL, 0, &nc),
                     TSS_ERR_ZERO_ID);
    /* Wrong count; too little scratch; part 3 before part 2. */
    dkg_others_r1(&r, 0);
    assert_int_equal(tss_frost_dkg_part2(&r.sp[0], r.r2, r.tmp1, 2, r.scratch, r.scratch_len, NULL, 0, &nc),
                     TSS_ERR_NOT_ENOUGH);
    assert_int_equal(tss_frost_dkg_part2(&r.sp[0], r.r2, r.tmp1, 3, r.scratch, 100, NULL, 0, &nc), TSS_ERR_CAPACITY);
    assert_int_equal(dkg_part3_one(&r, 0, NULL, 0, &nc), TSS_ERR_STATE);
    dkg_part2_all(&r);
    /* Part 2 twice is refused; the coefficients are gone. */
    dkg_others_r1(&r, 0);
    assert_int_equal(tss_frost_dkg_part2(&r.sp[0], r.r2, r.tmp1, 3, r.scratch, r.scratch_len, NULL, 0, &nc),
                     TSS_ERR_STATE);
    /* Part 3 with a round-2 package from a stranger. */
    dkg_others_r1(&r, 0);
    dkg_r2_for(&r, 0);
    assert_int_equal(tss_frost_identifier_from_u64(&r.tmp2[1].sender, 77), TSS_OK);
    assert_int_equal(tss_frost_dkg_part3(&r.kp[0], &r.pkp[0], &r.sp[0], r.tmp1, 3, r.tmp2, 3, r.scratch,
                                         r.scratch_len, NULL, 0, &nc), TSS_ERR_NOT_FOUND);
    /* A public key package too small. */
    tss_frost_public_share small[2];
    tss_frost_public_key_package pk_small;
    assert_int_equal(tss_frost_public_key_package_init(&pk_small, small, 2), TSS_OK);
    dkg_r2_for(&r, 0);
    assert_int_equal(tss_frost_dkg_part3(&r.kp[0], &pk_small, &r.sp[0], r.tmp1, 3, r.tmp2, 3, r.scratch,
                                         r.scratch_len, NULL, 0, &nc), TSS_ERR_CAPACITY);
    /* The clear function wipes the secrets. */
    tss_frost_dkg_secret_package_clear(&r.sp[1]);
    uint8_t zeros[32] = { 0 };
    assert_memory_equal(r.sp[1].own_share.bytes, zeros, 32);
    assert_int_equal(dkg_part3_one(&r, 1, NULL, 0, &nc), TSS_ERR_STATE);
    dkg_free(&r);
}

int main(void)
{
    if (tss_init() != TSS_OK)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors_dkg),
        cmocka_unit_test(test_random_small),
        cmocka_unit_test(test_random_derived_ids),
        cmocka_unit_test(test_random_67_of_100),
        cmocka_unit_test(test_part2_culprits),
        cmocka_unit_test(test_part3_culprits),
        cmocka_unit_test(test_part3_small_order_component),
        cmocka_unit_test(test_bad_identifiers_and_args),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
