/* A 667-of-1000 DKG (slow_tests): every participant runs parts 1 and 2; three participants run part 3 and
 * agree; 667 participants' shares (summed from the round-2 packages) match the public key package and sign
 * a message that libsodium verifies. */
#include "frost_keygen_fixture.h"
#include "test_support.h"

#include "crypto/ge25519.h"
#include "crypto/sc25519.h"

#define N 1000
#define T 667

static void test_dkg_667_of_1000(void **state)
{
    (void)state;
    dkg_run r;
    dkg_alloc(&r, N, T, NULL);
    dkg_part1_all(&r);

    const uint32_t verifiers[3] = { 0, 499, 999 };
    tss_frost_dkg_round2_package *to_verifier = calloc((size_t)3 * N, sizeof *to_verifier);
    sc25519 *sums = calloc(T, sizeof *sums);   /* s_x for x = 1..T, accumulated as packages are produced */
    tss_frost_dkg_round2_package *row = calloc(N, sizeof *row);
    assert_non_null(to_verifier);
    assert_non_null(sums);
    for (uint32_t j = 0; j < N; j++) {
        size_t nc = 9;
        dkg_others_r1(&r, j);
        assert_int_equal(tss_frost_dkg_part2(&r.sp[j], row, r.tmp1, N - 1, r.scratch, r.scratch_len, NULL, 0, &nc),
                         TSS_OK);
        for (uint32_t k = 0; k < N - 1; k++) {
            const uint32_t x = k < j ? k : k + 1;   /* recipient index */
            for (int v = 0; v < 3; v++)
                if (x == verifiers[v])
                    to_verifier[(size_t)v * N + j] = row[k];
            if (x < T) {
                sc25519 s;
                assert_int_equal(sc25519_from_bytes_canonical(&s, row[k].signing_share.bytes), 0);
                sc25519_add(&sums[x], &sums[x], &s);
            }
        }
        if (j < T) {
            sc25519 s;
            assert_int_equal(sc25519_from_bytes_canonical(&s, r.sp[j].own_share.bytes), 0);
            sc25519_add(&sums[j], &sums[j], &s);
        }
    }

    for (int v = 0; v < 3; v++) {
        const uint32_t i = verifiers[v];
        uint32_t k = 0;
        for (uint32_t j = 0; j < N; j++)
            if (j != i)
                r.tmp2[k++] = to_verifier[(size_t)v * N + j];
        dkg_others_r1(&r, i);
        size_t nc = 9;
        assert_int_equal(tss_frost_dkg_part3(&r.kp[i], &r.pkp[i], &r.sp[i], r.tmp1, N - 1, r.tmp2, N - 1, r.scratch,
                                             r.scratch_len, NULL, 0, &nc), TSS_OK);
        assert_pkp_equal(&r.pkp[i], &r.pkp[verifiers[0]]);
        assert_kp_matches(&r.kp[i], &r.pkp[verifiers[0]]);
    }
    const tss_frost_public_key_package *pkp = &r.pkp[verifiers[0]];
    assert_int_equal(pkp->max_signers, N);

    /* Key packages of participants 1..T from the sums; each must match its published verifying share. */
    tss_frost_key_package *kps = calloc(T, sizeof *kps);
    const tss_frost_key_package **ptrs = calloc(T, sizeof *ptrs);
    for (uint32_t x = 0; x < T; x++) {
        ge25519_p3 Y;
        kps[x].version = TSS_FROST_VERSION;
        kps[x].identifier = r.ids[x];
        sc25519_to_bytes(kps[x].signing_share.bytes, &sums[x]);
        ge25519_scalarmult_base(&Y, &sums[x]);
        ge25519_tobytes(kps[x].verifying_share.bytes, &Y);
        kps[x].verifying_key = pkp->verifying_key;
        kps[x].min_signers = T;
        assert_memory_equal(kps[x].verifying_share.bytes, pkp->shares[x].verifying_share.bytes, 32);
        ptrs[x] = &kps[x];
    }
    assert_memory_equal(kps[verifiers[0]].signing_share.bytes, r.kp[verifiers[0]].signing_share.bytes, 32);
    assert_memory_equal(kps[verifiers[1]].signing_share.bytes, r.kp[verifiers[1]].signing_share.bytes, 32);
    const uint8_t msg[] = "667 of 1000";
    assert_int_equal(sign_with(ptrs, T, pkp, msg, sizeof msg - 1), TSS_OK);

    sodium_memzero(kps, (size_t)T * sizeof *kps);
    sodium_memzero(sums, (size_t)T * sizeof *sums);
    free(kps);
    free(ptrs);
    free(sums);
    free(row);
    free(to_verifier);
    dkg_free(&r);
}

int main(void)
{
    if (tss_init() != TSS_OK)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dkg_667_of_1000),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
