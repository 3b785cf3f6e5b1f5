/* FROST encodings (crypto/frost_serialize.c, crypto/frost_json.c): binary and JSON round trips, every
 * truncation refused, the vector files' field names read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "frost_sign_fixture.h"
#include "test_support.h"
#include "tss/common.h"
#include "tss/frost.h"

/* ------------------------------------------------------------------------------------------------
 * serialization
 * ---------------------------------------------------------------------------------------------- */

/* Every strict prefix and every single-bit flip of the version/tag bytes is refused. */
static void check_truncations(int (*decode)(void *, const uint8_t *, size_t), void *obj, const uint8_t *enc,
                              size_t len)
{
    uint8_t buf[2048];
    assert_true(len + 1 <= sizeof buf);
    for (size_t k = 0; k < len; k++)
        assert_int_not_equal(decode(obj, enc, k), TSS_OK);
    memcpy(buf, enc, len);
    buf[len] = 0;
    assert_int_not_equal(decode(obj, buf, len + 1), TSS_OK);
    for (int b = 0; b < 8; b++) {
        memcpy(buf, enc, len);
        buf[0] ^= (uint8_t)(1u << b);
        assert_int_equal(decode(obj, buf, len), TSS_ERR_ENCODING);
        memcpy(buf, enc, len);
        buf[1] ^= (uint8_t)(1u << b);
        assert_int_equal(decode(obj, buf, len), TSS_ERR_ENCODING);
    }
}

static int dec_kp(void *o, const uint8_t *in, size_t len) { return tss_frost_key_package_deserialize(o, in, len); }
static int dec_nonces(void *o, const uint8_t *in, size_t len)
{
    return tss_frost_signing_nonces_deserialize(o, in, len);
}
static int dec_com(void *o, const uint8_t *in, size_t len)
{
    return tss_frost_signing_commitments_deserialize(o, in, len);
}
static int dec_share(void *o, const uint8_t *in, size_t len)
{
    return tss_frost_signature_share_deserialize(o, in, len);
}
static int dec_pkp(void *o, const uint8_t *in, size_t len)
{
    return tss_frost_public_key_package_deserialize(o, in, len);
}
static tss_frost_signing_commitments g_pkg_coms[8];
static uint8_t g_pkg_msg[64];
static int dec_pkg(void *o, const uint8_t *in, size_t len)
{
    return tss_frost_signing_package_deserialize(o, g_pkg_coms, 8, g_pkg_msg, sizeof g_pkg_msg, in, len);
}

static void test_binary_round_trips(void **state)
{
    (void)state;
    session *s = calloc(1, sizeof *s);
    session_start(s, 5);
    uint8_t enc[2048];
    size_t len;

    /* key package */
    tss_frost_key_package kp;
    assert_int_equal(tss_frost_key_package_serialize(enc, sizeof enc, &len, &s->kps[2]), TSS_OK);
    assert_int_equal(len, TSS_FROST_KEY_PACKAGE_BYTES);
    assert_int_equal(tss_frost_key_package_serialize(enc, len - 1, &len, &s->kps[2]), TSS_ERR_CAPACITY);
    assert_int_equal(tss_frost_key_package_serialize(enc, sizeof enc, &len, &s->kps[2]), TSS_OK);
    assert_int_equal(tss_frost_key_package_deserialize(&kp, enc, len), TSS_OK);
    assert_memory_equal(&kp.identifier, &s->kps[2].identifier, 32);
    assert_memory_equal(&kp.signing_share, &s->kps[2].signing_share, 32);
    assert_memory_equal(&kp.verifying_share, &s->kps[2].verifying_share, 32);
    assert_memory_equal(&kp.verifying_key, &s->kps[2].verifying_key, 32);
    assert_int_equal(kp.min_signers, 4);
    check_truncations(dec_kp, &kp, enc, len);
    enc[34] ^= 1; /* share no longer matches the verifying share */
    assert_int_not_equal(tss_frost_key_package_deserialize(&kp, enc, len), TSS_OK);
    enc[34] ^= 1;
    memset(enc + 34, 0xff, 32); /* non-canonical share */
    assert_int_equal(tss_frost_key_package_deserialize(&kp, enc, len), TSS_ERR_ENCODING);

    /* public key package */
    tss_frost_public_share entries[7];
    tss_frost_public_key_package pkp;
    assert_int_equal(tss_frost_public_key_package_serialize(enc, sizeof enc, &len, &s->pkp), TSS_OK);
    assert_int_equal(len, TSS_FROST_PUBLIC_KEY_PACKAGE_BYTES(7));
    assert_int_equal(tss_frost_public_key_package_init(&pkp, entries, 7), TSS_OK);
    assert_int_equal(tss_frost_public_key_package_deserialize(&pkp, enc, len), TSS_OK);
    assert_int_equal(pkp.min_signers, 4);
    assert_int_equal(pkp.max_signers, 7);
    assert_memory_equal(pkp.shares, s->pkp.shares, 7 * sizeof entries[0]);
    assert_memory_equal(&pkp.verifying_key, &s->pkp.verifying_key, 32);
    check_truncations(dec_pkp, &pkp, enc, len);
    tss_frost_public_key_package tiny;
    assert_int_equal(tss_frost_public_key_package_init(&tiny, entries, 6), TSS_OK);
    assert_int_equal(tss_frost_public_key_package_deserialize(&tiny, enc, len), TSS_ERR_CAPACITY);
    uint8_t swapped[2048];
    memcpy(swapped, enc, len);
    memcpy(swapped + 42, enc + 42 + 64, 64); /* entries 0 and 1 swapped: unsorted */
    memcpy(swapped + 42 + 64, enc + 42, 64);
    assert_int_equal(tss_frost_public_key_package_deserialize(&pkp, swapped, len), TSS_ERR_ENCODING);
    memcpy(swapped, enc, len);
    swapped[2] = 8; /* t > n */
    assert_int_equal(tss_frost_public_key_package_deserialize(&pkp, swapped, len), TSS_ERR_ENCODING);

    /* nonces (live only) */
    tss_frost_signing_nonces nn;
    assert_int_equal(tss_frost_signing_nonces_serialize(enc, sizeof enc, &len, &s->nonces[1]), TSS_OK);
    assert_int_equal(tss_frost_signing_nonces_deserialize(&nn, enc, len), TSS_OK);
    assert_memory_equal(&nn, &s->nonces[1], sizeof nn);
    check_truncations(dec_nonces, &nn, enc, len);
    enc[2] ^= 1; /* nonce no longer matches its commitment */
    assert_int_equal(tss_frost_signing_nonces_deserialize(&nn, enc, len), TSS_ERR_ENCODING);
    tss_frost_signing_nonces_wipe(&nn);
    assert_int_equal(tss_frost_signing_nonces_serialize(enc, sizeof enc, &len, &nn), TSS_ERR_NONCE_USED);

    /* commitments */
    tss_frost_signing_commitments c;
    assert_int_equal(tss_frost_signing_commitments_serialize(enc, sizeof enc, &len, &s->coms[3]), TSS_OK);
    assert_int_equal(tss_frost_signing_commitments_deserialize(&c, enc, len), TSS_OK);
    assert_memory_equal(&c, &s->coms[3], sizeof c);
    check_truncations(dec_com, &c, enc, len);
    memset(enc + 2, 0, 32); /* zero identifier */
    assert_int_equal(tss_frost_signing_commitments_deserialize(&c, enc, len), TSS_ERR_ENCODING);

    /* signing package */
    tss_frost_signing_package pkg;
    assert_int_equal(tss_frost_signing_package_serialize(enc, sizeof enc, &len, &s->pkg), TSS_OK);
    assert_int_equal(len, TSS_FROST_SIGNING_PACKAGE_BYTES(5, sizeof MSG));
    assert_int_equal(dec_pkg(&pkg, enc, len), TSS_OK);
    assert_int_equal(pkg.n_commitments, 5);
    assert_int_equal(pkg.message_len, sizeof MSG);
    assert_memory_equal(pkg.message, MSG, sizeof MSG);
    assert_memory_equal(pkg.commitments, s->pkg.commitments, 5 * sizeof c);
    check_truncations(dec_pkg, &pkg, enc, len);
    tss_frost_signing_commitments few[4];
    assert_int_equal(tss_frost_signing_package_deserialize(&pkg, few, 4, g_pkg_msg, 64, enc, len), TSS_ERR_CAPACITY);
    assert_int_equal(tss_frost_signing_package_deserialize(&pkg, g_pkg_coms, 8, g_pkg_msg, 3, enc, len),
                     TSS_ERR_CAPACITY);
    /* Signing through the decoded package gives shares that aggregate. */
    assert_int_equal(dec_pkg(&pkg, enc, len), TSS_OK);
    for (int i = 0; i < 5; i++)
        assert_int_equal(tss_frost_round2_sign(&s->shares[i], &pkg, &s->nonces[i], &s->kps[i]), TSS_OK);

    /* signature share */
    tss_frost_signature_share sh;
    assert_int_equal(tss_frost_signature_share_serialize(enc, sizeof enc, &len, &s->shares[4]), TSS_OK);
    assert_int_equal(tss_frost_signature_share_deserialize(&sh, enc, len), TSS_OK);
    assert_memory_equal(&sh, &s->shares[4], sizeof sh);
    check_truncations(dec_share, &sh, enc, len);
    memset(enc + 34, 0xff, 32);
    assert_int_equal(tss_frost_signature_share_deserialize(&sh, enc, len), TSS_ERR_ENCODING);

    tss_frost_signature sig, sig2;
    assert_int_equal(tss_frost_aggregate(&sig, &pkg, s->shares, 5, &s->pkp, NULL, 0, NULL), TSS_OK);
    assert_int_equal(tss_frost_signature_deserialize(&sig2, sig.bytes), TSS_OK);
    assert_memory_equal(&sig, &sig2, 64);
    memset(sig.bytes + 32, 0xff, 32);
    assert_int_equal(tss_frost_signature_deserialize(&sig2, sig.bytes), TSS_ERR_ENCODING);
    sodium_memzero(s, sizeof *s);
    free(s);
}

static void test_json_round_trips(void **state)
{
    (void)state;
    session *s = calloc(1, sizeof *s);
    session_start(s, 4);
    char js[4096];
    size_t len;

    tss_frost_key_package kp;
    assert_int_equal(tss_frost_key_package_to_json(js, sizeof js, &len, &s->kps[0]), TSS_OK);
    assert_int_equal(strlen(js), len);
    assert_non_null(strstr(js, "\"signing_share\""));
    assert_non_null(strstr(js, "\"identifier\":1"));
    assert_int_equal(tss_frost_key_package_from_json(&kp, js, len), TSS_OK);
    assert_memory_equal(&kp, &s->kps[0], offsetof(tss_frost_key_package, verifying_key) + 32);
    assert_int_equal(kp.min_signers, 4);
    assert_int_equal(tss_frost_key_package_to_json(js, 10, &len, &s->kps[0]), TSS_ERR_CAPACITY);
    assert_int_equal(tss_frost_key_package_from_json(&kp, "{\"identifier\":1}", 16), TSS_ERR_ENCODING);
    assert_int_equal(tss_frost_key_package_from_json(&kp, "not json", 8), TSS_ERR_ENCODING);

    tss_frost_public_share entries[7];
    tss_frost_public_key_package pkp;
    assert_int_equal(tss_frost_public_key_package_to_json(js, sizeof js, &len, &s->pkp), TSS_OK);
    assert_int_equal(tss_frost_public_key_package_init(&pkp, entries, 7), TSS_OK);
    assert_int_equal(tss_frost_public_key_package_from_json(&pkp, js, len), TSS_OK);
    assert_memory_equal(pkp.shares, s->pkp.shares, 7 * sizeof entries[0]);
    assert_int_equal(pkp.min_signers, 4);

    tss_frost_signing_nonces nn;
    assert_int_equal(tss_frost_signing_nonces_to_json(js, sizeof js, &len, &s->nonces[1]), TSS_OK);
    assert_int_equal(tss_frost_signing_nonces_from_json(&nn, js, len), TSS_OK);
    assert_memory_equal(&nn, &s->nonces[1], sizeof nn);

    tss_frost_signing_commitments c;
    assert_int_equal(tss_frost_signing_commitments_to_json(js, sizeof js, &len, &s->coms[2]), TSS_OK);
    assert_int_equal(tss_frost_signing_commitments_from_json(&c, js, len), TSS_OK);
    assert_memory_equal(&c, &s->coms[2], sizeof c);

    tss_frost_signing_package pkg;
    tss_frost_signing_commitments coms[4];
    uint8_t msg[64];
    assert_int_equal(tss_frost_signing_package_to_json(js, sizeof js, &len, &s->pkg), TSS_OK);
    assert_int_equal(tss_frost_signing_package_from_json(&pkg, coms, 4, msg, sizeof msg, js, len), TSS_OK);
    assert_int_equal(pkg.n_commitments, 4);
    assert_memory_equal(pkg.commitments, s->coms, sizeof coms);
    assert_int_equal(pkg.message_len, sizeof MSG);
    assert_memory_equal(pkg.message, MSG, sizeof MSG);

    for (int i = 0; i < 4; i++)
        assert_int_equal(tss_frost_round2_sign(&s->shares[i], &pkg, &s->nonces[i], &s->kps[i]), TSS_OK);
    tss_frost_signature_share sh;
    assert_int_equal(tss_frost_signature_share_to_json(js, sizeof js, &len, &s->shares[3]), TSS_OK);
    assert_non_null(strstr(js, "\"sig_share\""));
    assert_int_equal(tss_frost_signature_share_from_json(&sh, js, len), TSS_OK);
    assert_memory_equal(&sh, &s->shares[3], sizeof sh);

    tss_frost_signature sig, sig2;
    assert_int_equal(tss_frost_aggregate(&sig, &pkg, s->shares, 4, &s->pkp, NULL, 0, NULL), TSS_OK);
    assert_int_equal(tss_frost_signature_to_json(js, sizeof js, &len, &sig), TSS_OK);
    assert_int_equal(tss_frost_signature_from_json(&sig2, js, len), TSS_OK);
    assert_memory_equal(&sig, &sig2, 64);

    /* Hex identifiers are accepted too, and a derived identifier is written as hex. */
    tss_frost_identifier did;
    assert_int_equal(tss_frost_identifier_derive(&did, (const uint8_t *)"x", 1), TSS_OK);
    sh.identifier = did;
    assert_int_equal(tss_frost_signature_share_to_json(js, sizeof js, &len, &sh), TSS_OK);
    assert_int_equal(tss_frost_signature_share_from_json(&sh, js, len), TSS_OK);
    assert_memory_equal(sh.identifier.bytes, did.bytes, 32);
    /* Garbled: bad hex, wrong lengths, non-canonical scalar. */
    const char *bad[] = {
        "{\"version\":1,\"identifier\":1,\"sig_share\":\"zz\"}",
        "{\"version\":1,\"identifier\":1,\"sig_share\":\"00\"}",
        "{\"version\":1,\"identifier\":0,\"sig_share\":"
        "\"0000000000000000000000000000000000000000000000000000000000000000\"}",
        "{\"version\":1,\"identifier\":1,\"sig_share\":"
        "\"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\"}",
        "{\"version\":2,\"identifier\":1,\"sig_share\":"
        "\"0000000000000000000000000000000000000000000000000000000000000000\"}",
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
        assert_int_not_equal(tss_frost_signature_share_from_json(&sh, bad[k], strlen(bad[k])), TSS_OK);
    sodium_memzero(s, sizeof *s);
    free(s);
}

/* The JSON decoders read the vector files' own field names (RFC vector, round-one output object). */
static void test_json_reads_vector_fields(void **state)
{
    (void)state;
    const char *com = "{\"identifier\":1,"
                      "\"hiding_nonce_commitment\":\"b5aa8ab305882a6fc69cbee9327e5a45e54c08af61ae77cb8207be3d2ce13de3\","
                      "\"binding_nonce_commitment\":\"67e98ab55aa310c3120418e5050c9cf76cf387cb20ac9e4b6fdb6f82a469f932\"}";
    tss_frost_signing_commitments c;
    assert_int_equal(tss_frost_signing_commitments_from_json(&c, com, strlen(com)), TSS_OK);
    assert_int_equal(c.identifier.bytes[0], 1);
    assert_int_equal(c.hiding[0], 0xb5);
    const char *share = "{\"identifier\":3,"
                        "\"sig_share\":\"bd86125de990acc5e1f13781d8e32c03a9bbd4c53539bbc106058bfd14326007\"}";
    tss_frost_signature_share sh;
    assert_int_equal(tss_frost_signature_share_from_json(&sh, share, strlen(share)), TSS_OK);
    assert_int_equal(sh.identifier.bytes[0], 3);

    /* Map forms keyed by identifier (as the DKG vectors and frost-core write maps), given unsorted. */
    const char *pkp_json =
        "{\"min_signers\":2,\"verifying_key\":"
        "\"3d9a67b93cec3acad2d32349cf7bdffaa23ae031a81174ddadae1c96bb455f4d\",\"verifying_shares\":{"
        "\"2\":\"f326b756ed38b43a94bdac698e044d9e3f3a08a40e7c9d2e5346dd5bfaadf2f5\","
        "\"1\":\"f6b5e87c902796d8dab6369cbd6d342a32e46c136e9f1f5af2fc385aed804de3\"}}";
    tss_frost_public_share entries[2];
    tss_frost_public_key_package pkp;
    assert_int_equal(tss_frost_public_key_package_init(&pkp, entries, 2), TSS_OK);
    assert_int_equal(tss_frost_public_key_package_from_json(&pkp, pkp_json, strlen(pkp_json)), TSS_OK);
    assert_int_equal(pkp.max_signers, 2);
    assert_int_equal(pkp.shares[0].identifier.bytes[0], 1);
    assert_int_equal(pkp.shares[0].verifying_share.bytes[0], 0xf6);
    assert_int_equal(tss_frost_public_key_package_init(&pkp, entries, 1), TSS_OK);
    assert_int_equal(tss_frost_public_key_package_from_json(&pkp, pkp_json, strlen(pkp_json)), TSS_ERR_CAPACITY);
}

int main(void)
{
    if (tss_init() != TSS_OK)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_binary_round_trips),
        cmocka_unit_test(test_json_round_trips),
        cmocka_unit_test(test_json_reads_vector_fields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
