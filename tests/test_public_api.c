/* The crypto library as an outside program sees it: built with include/ alone (no internal header can be
 * reached), without TSS_BUILD (so the nonnull attributes are on), linked against libtss.so and nothing else
 * of this tree. A 2-of-3 FROST signing from a trusted dealer, verified as plain Ed25519, and a key package
 * through its binary encoding: what tss.pc promises a FROST program. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tss/common.h"
#include "tss/ed25519.h"
#include "tss/frost.h"

#ifdef TSS_BUILD
#error "this test must see the headers as a program outside the library does"
#endif

static void test_frost_2_of_3(void **state)
{
    (void)state;
    assert_int_equal(tss_init(), TSS_OK);
    tss_frost_key_package kps[3];
    tss_frost_public_share shares[3];
    tss_frost_public_key_package pkp;
    assert_int_equal(tss_frost_public_key_package_init(&pkp, shares, 3), TSS_OK);
    assert_int_equal(tss_frost_dealer_keygen(kps, &pkp, NULL, NULL, NULL, 3, 2), TSS_OK);

    static const uint8_t msg[] = "layers the build enforces";
    tss_frost_signing_nonces nonces[2];
    tss_frost_signing_commitments coms[2];
    for (int i = 0; i < 2; i++) assert_int_equal(tss_frost_round1_commit(&nonces[i], &coms[i], &kps[i]), TSS_OK);
    tss_frost_signing_package pkg;
    assert_int_equal(tss_frost_signing_package_init(&pkg, coms, 2, msg, sizeof msg), TSS_OK);
    /* Each signer finds its own commitment in the package by identifier. */
    tss_frost_signature_share sig_shares[2];
    for (int i = 0; i < 2; i++) assert_int_equal(tss_frost_round2_sign(&sig_shares[i], &pkg, &nonces[i], &kps[i]), TSS_OK);
    tss_frost_signature sig;
    size_t n_culprits = 0;
    assert_int_equal(tss_frost_aggregate(&sig, &pkg, sig_shares, 2, &pkp, NULL, 0, &n_culprits), TSS_OK);
    assert_int_equal(tss_frost_verify(&sig, msg, sizeof msg, &pkp.verifying_key), TSS_OK);
    assert_int_equal(tss_ed25519_verify(sig.bytes, msg, sizeof msg, pkp.verifying_key.bytes), 0);
    /* A different message does not verify. */
    assert_int_not_equal(tss_ed25519_verify(sig.bytes, msg, sizeof msg - 1, pkp.verifying_key.bytes), 0);

    uint8_t buf[TSS_FROST_KEY_PACKAGE_BYTES];
    size_t len = 0;
    tss_frost_key_package back;
    assert_int_equal(tss_frost_key_package_serialize(buf, sizeof buf, &len, &kps[1]), TSS_OK);
    assert_int_equal(tss_frost_key_package_deserialize(&back, buf, len), TSS_OK);
    assert_memory_equal(back.signing_share.bytes, kps[1].signing_share.bytes, 32);
    buf[len - 1] ^= 1; /* min_signers changed: still decodes; a cut encoding does not */
    assert_int_equal(tss_frost_key_package_deserialize(&back, buf, len - 1), TSS_ERR_ENCODING);
    assert_string_equal(tss_status_str(TSS_ERR_ENCODING), "invalid encoding");
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_frost_2_of_3)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
