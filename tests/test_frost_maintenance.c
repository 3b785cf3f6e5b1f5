/* FROST share maintenance (tss/frost_keygen.h): refresh, repair (with frost-core's repair-share.json) and
 * reshare, each followed by signing that libsodium verifies; culprits and misuse refused. */
#include "frost_keygen_fixture.h"
#include "test_support.h"

static const uint8_t MSG[] = "share maintenance";

static int sign_first(const tss_frost_key_package *kps, const uint32_t *which, size_t m,
                      const tss_frost_public_key_package *pkp)
{
    const tss_frost_key_package *ptrs[64];
    assert_true(m <= 64);
    for (size_t i = 0; i < m; i++)
        ptrs[i] = &kps[which[i]];
    return sign_with(ptrs, m, pkp, MSG, sizeof MSG - 1);
}

static void scalar_hex(tss_frost_scalar *s, json_t *obj, const char *key)
{
    assert_int_equal(tv_hex_exact(s->bytes, 32, json_string_value(json_object_get(obj, key))), 0);
}

/* repair-share.json: step 2 and step 3 are sums of the published scalars. */
static void test_repair_vectors(void **state)
{
    (void)state;
    json_t *root = tv_load_json("frost/repair-share.json");
    assert_non_null(root);
    json_t *gen = json_object_get(root, "scalar_generation");
    tss_frost_scalar v[3], sum, expect;
    scalar_hex(&v[0], gen, "random_scalar_1");
    scalar_hex(&v[1], gen, "random_scalar_2");
    scalar_hex(&v[2], gen, "random_scalar_3");
    scalar_hex(&expect, gen, "random_scalar_sum");
    assert_int_equal(tss_frost_repair_step2(&sum, v, 3), TSS_OK);
    assert_memory_equal(sum.bytes, expect.bytes, 32);

    json_t *sg = json_object_get(root, "sigma_generation");
    tss_frost_scalar sig[4];
    scalar_hex(&sig[0], sg, "sigma_1");
    scalar_hex(&sig[1], sg, "sigma_2");
    scalar_hex(&sig[2], sg, "sigma_3");
    scalar_hex(&sig[3], sg, "sigma_4");
    scalar_hex(&expect, sg, "sigma_sum");
    /* Step 3 with a public key package that does not list participant 2 (no share to compare against). */
    tss_frost_public_share shares[1];
    tss_frost_public_key_package pkp;
    assert_int_equal(tss_frost_public_key_package_init(&pkp, shares, 1), TSS_OK);
    pkp.min_signers = 3;
    pkp.max_signers = 0;
    memset(pkp.verifying_key.bytes, 0x11, 32);
    tss_frost_identifier id2;
    tss_frost_key_package kp;
    assert_int_equal(tss_frost_identifier_from_u64(&id2, 2), TSS_OK);
    assert_int_equal(tss_frost_repair_step3(&kp, sig, 4, &id2, &pkp), TSS_OK);
    assert_memory_equal(kp.signing_share.bytes, expect.bytes, 32);
    assert_int_equal(kp.min_signers, 3);
    /* A non-canonical delta is refused. */
    memset(v[1].bytes, 0xff, 32);
    assert_int_equal(tss_frost_repair_step2(&sum, v, 3), TSS_ERR_ENCODING);
    json_decref(root);
}

/* Dealer 3-of-5; participant 2 loses its share; helpers 1, 4, 5 rebuild it (frost-core's check_rts). */
static void test_repair_roundtrip(void **state)
{
    (void)state;
    tss_frost_key_package kps[5];
    tss_frost_public_share shares[5];
    tss_frost_public_key_package pkp;
    assert_int_equal(tss_frost_public_key_package_init(&pkp, shares, 5), TSS_OK);
    assert_int_equal(tss_frost_dealer_keygen(kps, &pkp, NULL, NULL, NULL, 5, 3), TSS_OK);
    const uint32_t helper_idx[3] = { 0, 3, 4 };
    tss_frost_identifier helpers[3];
    for (int i = 0; i < 3; i++)
        helpers[i] = kps[helper_idx[i]].identifier;
    const tss_frost_identifier lost = kps[1].identifier;

    tss_frost_scalar deltas[3][3], received[3], sigmas[3];
    for (int i = 0; i < 3; i++)
        assert_int_equal(tss_frost_repair_step1(deltas[i], helpers, 3, &kps[helper_idx[i]], &lost), TSS_OK);
    for (int j = 0; j < 3; j++) {
        for (int i = 0; i < 3; i++)
            received[i] = deltas[i][j];
        assert_int_equal(tss_frost_repair_step2(&sigmas[j], received, 3), TSS_OK);
    }
    tss_frost_key_package repaired;
    assert_int_equal(tss_frost_repair_step3(&repaired, sigmas, 3, &lost, &pkp), TSS_OK);
    assert_memory_equal(repaired.signing_share.bytes, kps[1].signing_share.bytes, 32);
    assert_memory_equal(repaired.verifying_share.bytes, kps[1].verifying_share.bytes, 32);
    assert_memory_equal(repaired.verifying_key.bytes, pkp.verifying_key.bytes, 32);
    assert_int_equal(repaired.min_signers, 3);

    /* The repaired participant signs with two others. */
    tss_frost_key_package set[3] = { repaired, kps[2], kps[4] };
    const uint32_t all3[3] = { 0, 1, 2 };
    assert_int_equal(sign_first(set, all3, 3, &pkp), TSS_OK);

    /* A missing sigma gives a share that does not match the public key package. */
    assert_int_equal(tss_frost_repair_step3(&repaired, sigmas, 2, &lost, &pkp), TSS_ERR_VERIFY);
    /* Misuse: too few helpers, the participant among the helpers, a helper not in the list, duplicates. */
    assert_int_equal(tss_frost_repair_step1(deltas[0], helpers, 2, &kps[0], &lost), TSS_ERR_NOT_ENOUGH);
    tss_frost_identifier bad[3] = { helpers[0], lost, helpers[2] };
    assert_int_equal(tss_frost_repair_step1(deltas[0], bad, 3, &kps[0], &lost), TSS_ERR_INVALID_ARG);
    assert_int_equal(tss_frost_repair_step1(deltas[0], helpers, 3, &kps[2], &lost), TSS_ERR_NOT_FOUND);
    tss_frost_identifier dup[3] = { helpers[0], helpers[1], helpers[0] };
    assert_int_equal(tss_frost_repair_step1(deltas[0], dup, 3, &kps[0], &lost), TSS_ERR_DUPLICATE);
    /* Each helper's deltas add up to ζ_i·s_i, so they are not all equal to the share (they are masked). */
    assert_memory_not_equal(deltas[0][0].bytes, kps[0].signing_share.bytes, 32);
}

/* DKG 3-of-5, refresh with all five: same group key, new shares, signing works; old shares do not combine
 * with new ones. */
static void test_refresh(void **state)
{
    (void)state;
    const uint32_t n = 5, t = 3;
    dkg_run r;
    dkg_alloc(&r, n, t, NULL);
    dkg_run_all(&r);

    dkg_run f;   /* the refresh protocol's storage */
    dkg_alloc(&f, n, t, NULL);
    for (uint32_t i = 0; i < n; i++)
        assert_int_equal(tss_frost_refresh_part1(&f.sp[i], &f.r1[i], &r.kp[i], n), TSS_OK);
    assert_int_equal(f.r1[0].n_commitments, t - 1);
    for (uint32_t i = 0; i < n; i++) {
        size_t nc = 9;
        dkg_others_r1(&f, i);
        assert_int_equal(tss_frost_refresh_part2(&f.sp[i], &f.r2[(size_t)i * (n - 1)], f.tmp1, n - 1, f.scratch,
                                                 f.scratch_len, NULL, 0, &nc), TSS_OK);
    }
    for (uint32_t i = 0; i < n; i++) {
        size_t nc = 9;
        dkg_others_r1(&f, i);
        dkg_r2_for(&f, i);
        assert_int_equal(tss_frost_refresh_part3(&f.kp[i], &f.pkp[i], &f.sp[i], f.tmp1, n - 1, f.tmp2, n - 1,
                                                 &r.kp[i], &r.pkp[i], f.scratch, f.scratch_len, NULL, 0, &nc),
                         TSS_OK);
    }
    for (uint32_t i = 0; i < n; i++) {
        assert_pkp_equal(&f.pkp[i], &f.pkp[0]);
        assert_kp_matches(&f.kp[i], &f.pkp[0]);
        assert_memory_equal(f.kp[i].verifying_key.bytes, r.kp[i].verifying_key.bytes, 32);
        assert_memory_not_equal(f.kp[i].signing_share.bytes, r.kp[i].signing_share.bytes, 32);
    }
    const uint32_t s1[3] = { 0, 2, 4 }, s2[3] = { 1, 2, 3 };
    assert_int_equal(sign_first(f.kp, s1, 3, &f.pkp[0]), TSS_OK);
    assert_int_equal(sign_first(f.kp, s2, 3, &f.pkp[0]), TSS_OK);
    /* Two new shares and one old one do not interpolate the secret. */
    tss_frost_key_package mixed[3] = { f.kp[0], f.kp[1], r.kp[2] };
    uint8_t secret[32];
    assert_int_equal(tss_frost_reconstruct(secret, mixed, 3), TSS_ERR_VERIFY);
    /* And the old signing still works with old packages only (nothing was mutated). */
    assert_int_equal(sign_first(r.kp, s1, 3, &r.pkp[0]), TSS_OK);
    dkg_free(&f);

    /* A corrupted refresh share is named. */
    dkg_alloc(&f, n, t, NULL);
    for (uint32_t i = 0; i < n; i++)
        assert_int_equal(tss_frost_refresh_part1(&f.sp[i], &f.r1[i], &r.kp[i], n), TSS_OK);
    for (uint32_t i = 0; i < n; i++) {
        size_t nc = 9;
        dkg_others_r1(&f, i);
        assert_int_equal(tss_frost_refresh_part2(&f.sp[i], &f.r2[(size_t)i * (n - 1)], f.tmp1, n - 1, f.scratch,
                                                 f.scratch_len, NULL, 0, &nc), TSS_OK);
    }
    f.r2[3 * (n - 1) + 0].signing_share.bytes[3] ^= 2;   /* participant 4 -> participant 1 */
    tss_frost_identifier culprits[4];
    size_t nc = 0;
    dkg_others_r1(&f, 0);
    dkg_r2_for(&f, 0);
    assert_int_equal(tss_frost_refresh_part3(&f.kp[0], &f.pkp[0], &f.sp[0], f.tmp1, n - 1, f.tmp2, n - 1, &r.kp[0],
                                             &r.pkp[0], f.scratch, f.scratch_len, culprits, 4, &nc),
                     TSS_ERR_CULPRIT);
    assert_int_equal(nc, 1);
    uint64_t x;
    assert_int_equal(tss_frost_identifier_to_u64(&x, &culprits[0]), TSS_OK);
    assert_int_equal(x, 4);
    /* A refresh commitment with a constant term (t points instead of t-1) has the wrong length. */
    f.r2[3 * (n - 1) + 0].signing_share.bytes[3] ^= 2;
    f.r1[2].n_commitments = t;
    dkg_others_r1(&f, 0);
    dkg_r2_for(&f, 0);
    assert_int_equal(tss_frost_refresh_part3(&f.kp[0], &f.pkp[0], &f.sp[0], f.tmp1, n - 1, f.tmp2, n - 1, &r.kp[0],
                                             &r.pkp[0], f.scratch, f.scratch_len, culprits, 4, &nc),
                     TSS_ERR_CULPRIT);
    assert_int_equal(nc, 1);
    assert_int_equal(tss_frost_identifier_to_u64(&x, &culprits[0]), TSS_OK);
    assert_int_equal(x, 3);
    dkg_free(&r);
    dkg_free(&f);
}

/* Reshare 3-of-5 (identifiers 1..5) to 4-of-7 (identifiers 10..16) through old signers 1, 3, 5. */
static void test_reshare(void **state)
{
    (void)state;
    const uint32_t n = 5, t = 3, n2 = 7, t2 = 4;
    tss_frost_key_package kps[5];
    tss_frost_public_share shares[5];
    tss_frost_public_key_package pkp;
    assert_int_equal(tss_frost_public_key_package_init(&pkp, shares, n), TSS_OK);
    assert_int_equal(tss_frost_dealer_keygen(kps, &pkp, NULL, NULL, NULL, n, t), TSS_OK);

    const uint32_t old_idx[3] = { 0, 2, 4 };
    tss_frost_identifier old_ids[3], new_ids[7];
    for (int i = 0; i < 3; i++)
        old_ids[i] = kps[old_idx[i]].identifier;
    for (uint32_t k = 0; k < n2; k++)
        assert_int_equal(tss_frost_identifier_from_u64(&new_ids[k], 10 + k), TSS_OK);

    size_t scratch_len = tss_frost_keygen_scratch_size(n2, t2);
    uint8_t *scratch = aligned_alloc(64, (scratch_len + 63) & ~(size_t)63);
    tss_frost_element comm[3][4];
    tss_frost_dkg_round1_package r1[3];
    tss_frost_dkg_round2_package r2[3][7], mine[3];
    for (int i = 0; i < 3; i++) {
        assert_int_equal(tss_frost_dkg_round1_package_init(&r1[i], comm[i], t2), TSS_OK);
        assert_int_equal(tss_frost_reshare_deal(&r1[i], r2[i], &kps[old_idx[i]], old_ids, 3, new_ids, n2, t2,
                                                scratch, scratch_len), TSS_OK);
    }
    tss_frost_key_package nk[7];
    tss_frost_public_share nshares[7][7];
    tss_frost_public_key_package npkp[7];
    for (uint32_t k = 0; k < n2; k++) {
        size_t nc = 9;
        for (int i = 0; i < 3; i++)
            mine[i] = r2[i][k];
        assert_int_equal(tss_frost_public_key_package_init(&npkp[k], nshares[k], n2), TSS_OK);
        assert_int_equal(tss_frost_reshare_finish(&nk[k], &npkp[k], &new_ids[k], new_ids, n2, t2, &pkp, old_ids, 3,
                                                  r1, mine, 3, scratch, scratch_len, NULL, 0, &nc), TSS_OK);
    }
    for (uint32_t k = 0; k < n2; k++) {
        assert_pkp_equal(&npkp[k], &npkp[0]);
        assert_kp_matches(&nk[k], &npkp[0]);
        assert_int_equal(nk[k].min_signers, t2);
    }
    assert_memory_equal(npkp[0].verifying_key.bytes, pkp.verifying_key.bytes, 32);
    const uint32_t s4[4] = { 0, 2, 5, 6 }, s4b[4] = { 1, 3, 4, 6 };
    assert_int_equal(sign_first(nk, s4, 4, &npkp[0]), TSS_OK);
    assert_int_equal(sign_first(nk, s4b, 4, &npkp[0]), TSS_OK);
    /* Three new shares are not enough. */
    assert_int_not_equal(sign_first(nk, s4, 3, &npkp[0]), TSS_OK);
    /* The secret interpolated from 4 new shares equals the one from 3 old shares. */
    uint8_t s_old[32], s_new[32];
    assert_int_equal(tss_frost_reconstruct(s_old, kps, 3), TSS_OK);
    tss_frost_key_package four[4] = { nk[0], nk[2], nk[5], nk[6] };
    assert_int_equal(tss_frost_reconstruct(s_new, four, 4), TSS_OK);
    assert_memory_equal(s_old, s_new, 32);

    /* A bad share from old signer 3 is named by its recipient. */
    tss_frost_identifier culprits[3];
    size_t nc = 0;
    for (int i = 0; i < 3; i++)
        mine[i] = r2[i][1];
    mine[1].signing_share.bytes[0] ^= 1;
    assert_int_equal(tss_frost_reshare_finish(&nk[1], &npkp[1], &new_ids[1], new_ids, n2, t2, &pkp, old_ids, 3, r1,
                                              mine, 3, scratch, scratch_len, culprits, 3, &nc), TSS_ERR_CULPRIT);
    assert_int_equal(nc, 1);
    assert_memory_equal(culprits[0].bytes, old_ids[1].bytes, 32);

    /* An old signer dealing a different constant term (consistent shares and commitment) is named: the
     * constants no longer add up to the group key. */
    tss_frost_key_package cheat = kps[4];
    cheat.signing_share.bytes[0] ^= 1;   /* still canonical: the top byte is untouched */
    assert_int_equal(tss_frost_reshare_deal(&r1[2], r2[2], &cheat, old_ids, 3, new_ids, n2, t2, scratch,
                                            scratch_len), TSS_OK);
    for (int i = 0; i < 3; i++)
        mine[i] = r2[i][0];
    assert_int_equal(tss_frost_reshare_finish(&nk[0], &npkp[0], &new_ids[0], new_ids, n2, t2, &pkp, old_ids, 3, r1,
                                              mine, 3, scratch, scratch_len, culprits, 3, &nc), TSS_ERR_CULPRIT);
    assert_int_equal(nc, 1);
    assert_memory_equal(culprits[0].bytes, old_ids[2].bytes, 32);

    /* Misuse: fewer old signers than t, a dealer outside the old-signer list, a package set that does not
     * match the signer list. */
    assert_int_equal(tss_frost_reshare_deal(&r1[0], r2[0], &kps[0], old_ids, 2, new_ids, n2, t2, scratch,
                                            scratch_len), TSS_ERR_NOT_ENOUGH);
    assert_int_equal(tss_frost_reshare_deal(&r1[0], r2[0], &kps[1], old_ids, 3, new_ids, n2, t2, scratch,
                                            scratch_len), TSS_ERR_NOT_FOUND);
    tss_frost_identifier other_old[3] = { old_ids[0], old_ids[1], kps[3].identifier };
    assert_int_equal(tss_frost_reshare_finish(&nk[0], &npkp[0], &new_ids[0], new_ids, n2, t2, &pkp, other_old, 3, r1,
                                              mine, 3, scratch, scratch_len, culprits, 3, &nc), TSS_ERR_NOT_FOUND);
    free(scratch);
}

int main(void)
{
    if (tss_init() != TSS_OK)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_repair_vectors),
        cmocka_unit_test(test_repair_roundtrip),
        cmocka_unit_test(test_refresh),
        cmocka_unit_test(test_reshare),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
