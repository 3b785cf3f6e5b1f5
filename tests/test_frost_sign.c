/* FROST(Ed25519, SHA-512) signing: RFC 9591 / frost-core vectors (every intermediate value), random
 * dealer keys with libsodium verification, misbehaviour detection (encodings: test_frost_serialize.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "crypto/frost_internal.h"
#include "frost_sign_fixture.h"
#include "test_support.h"
#include "tss/common.h"
#include "tss/frost.h"

/* ------------------------------------------------------------------------------------------------
 * helpers
 * ---------------------------------------------------------------------------------------------- */

static void hex32(uint8_t out[32], json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    assert_non_null(v);
    assert_int_equal(tv_hex_exact(out, 32, json_string_value(v)), 0);
}

static void id_from_json(tss_frost_identifier *id, json_t *v)
{
    assert_true(json_is_integer(v));
    assert_int_equal(tss_frost_identifier_from_u64(id, (uint64_t)json_integer_value(v)), TSS_OK);
}

static int sodium_verifies(const tss_frost_signature *sig, const uint8_t *msg, size_t len,
                           const tss_frost_verifying_key *vk)
{
    static const uint8_t empty[1] = {0};
    return crypto_sign_verify_detached(sig->bytes, msg != NULL ? msg : empty, len, vk->bytes) == 0;
}

/* A whole signing run over the key packages kps[idx[0..m)]: round 1, package, round 2, aggregate. */
static int sign_with(tss_frost_signature *sig, const tss_frost_key_package *kps, const size_t *idx, size_t m,
                     const tss_frost_public_key_package *pkp, const uint8_t *msg, size_t msg_len)
{
    tss_frost_signing_nonces *nonces = calloc(m, sizeof *nonces);
    tss_frost_signing_commitments *coms = calloc(m, sizeof *coms);
    tss_frost_signature_share *shares = calloc(m, sizeof *shares);
    tss_frost_signing_package pkg;
    int rc = TSS_OK;
    assert_non_null(nonces);
    assert_non_null(coms);
    assert_non_null(shares);
    for (size_t k = 0; k < m; k++)
        assert_int_equal(tss_frost_round1_commit(&nonces[k], &coms[k], &kps[idx[k]]), TSS_OK);
    rc = tss_frost_signing_package_init(&pkg, coms, (uint32_t)m, msg, msg_len);
    if (rc == TSS_OK) {
        for (size_t k = 0; k < m && rc == TSS_OK; k++)
            rc = tss_frost_round2_sign(&shares[k], &pkg, &nonces[k], &kps[idx[k]]);
    }
    if (rc == TSS_OK)
        rc = tss_frost_aggregate(sig, &pkg, shares, m, pkp, NULL, 0, NULL);
    free(nonces);
    free(coms);
    free(shares);
    return rc;
}

/* ------------------------------------------------------------------------------------------------
 * vectors
 * ---------------------------------------------------------------------------------------------- */

static void check_vector_file(const char *file)
{
    json_t *root = tv_load_json(file);
    assert_non_null(root);
    json_t *inputs = json_object_get(root, "inputs");
    uint32_t t = (uint32_t)strtoul(json_string_value(json_object_get(json_object_get(root, "config"),
                                                                     "MIN_PARTICIPANTS")), NULL, 10);
    uint8_t secret[32], vk_expect[32], msg[256];
    hex32(secret, inputs, "group_secret_key");
    if (json_object_get(inputs, "group_public_key") != NULL)
        hex32(vk_expect, inputs, "group_public_key");
    else
        hex32(vk_expect, inputs, "verifying_key_key");
    long msg_len = tv_hex_decode(msg, sizeof msg, json_string_value(json_object_get(inputs, "message")));
    assert_true(msg_len >= 0);

    json_t *coeffs = json_object_get(inputs, "share_polynomial_coefficients");
    assert_int_equal(json_array_size(coeffs), t - 1);
    uint8_t (*coefficients)[32] = calloc(t, 32);
    for (size_t k = 0; k + 1 < t; k++)
        assert_int_equal(tv_hex_exact(coefficients[k], 32, json_string_value(json_array_get(coeffs, k))), 0);

    /* The dealer, run on the vector's polynomial, reproduces every participant share. */
    json_t *shares_in = json_object_get(inputs, "participant_shares");
    uint32_t n = (uint32_t)json_array_size(shares_in);
    tss_frost_identifier *ids = calloc(n, sizeof *ids);
    tss_frost_key_package *kps = calloc(n, sizeof *kps);
    tss_frost_public_share *entries = calloc(n, sizeof *entries);
    tss_frost_element *vss = calloc(t, sizeof *vss);
    tss_frost_public_key_package pkp;
    for (uint32_t i = 0; i < n; i++)
        id_from_json(&ids[i], json_object_get(json_array_get(shares_in, i), "identifier"));
    assert_int_equal(tss_frost_public_key_package_init(&pkp, entries, n), TSS_OK);
    assert_int_equal(tss_frost_dealer_keygen_with_coefficients(kps, &pkp, vss, secret,
                                                               (const uint8_t(*)[32])coefficients, ids, n, t),
                     TSS_OK);
    assert_memory_equal(pkp.verifying_key.bytes, vk_expect, 32);
    assert_memory_equal(vss[0].bytes, vk_expect, 32);
    for (uint32_t i = 0; i < n; i++) {
        uint8_t s[32];
        hex32(s, json_array_get(shares_in, i), "participant_share");
        assert_memory_equal(kps[i].signing_share.bytes, s, 32);
        assert_int_equal(tss_frost_key_package_validate(&kps[i]), TSS_OK);
    }
    assert_int_equal(tss_frost_public_key_package_validate(&pkp), TSS_OK);

    /* Round 1 from the given randomness: nonces and commitments. */
    json_t *r1 = json_object_get(json_object_get(root, "round_one_outputs"), "outputs");
    size_t m = json_array_size(r1);
    tss_frost_signing_nonces *nonces = calloc(m, sizeof *nonces);
    tss_frost_signing_commitments *coms = calloc(m, sizeof *coms);
    tss_frost_signature_share *sshares = calloc(m, sizeof *sshares);
    const tss_frost_key_package **signer = calloc(m, sizeof *signer);
    for (size_t k = 0; k < m; k++) {
        json_t *o = json_array_get(r1, k);
        tss_frost_identifier id;
        id_from_json(&id, json_object_get(o, "identifier"));
        signer[k] = NULL;
        for (uint32_t i = 0; i < n; i++)
            if (tss_frost_identifier_cmp(&kps[i].identifier, &id) == 0)
                signer[k] = &kps[i];
        assert_non_null(signer[k]);
        uint8_t hr[32], br[32], v[32];
        hex32(hr, o, "hiding_nonce_randomness");
        hex32(br, o, "binding_nonce_randomness");
        assert_int_equal(tss_frost_round1_commit_with_randomness(&nonces[k], &coms[k], signer[k], hr, br), TSS_OK);
        hex32(v, o, "hiding_nonce");
        assert_memory_equal(nonces[k].hiding, v, 32);
        hex32(v, o, "binding_nonce");
        assert_memory_equal(nonces[k].binding, v, 32);
        hex32(v, o, "hiding_nonce_commitment");
        assert_memory_equal(coms[k].hiding, v, 32);
        hex32(v, o, "binding_nonce_commitment");
        assert_memory_equal(coms[k].binding, v, 32);
    }

    /* Binding factor inputs and binding factors. */
    tss_frost_signing_package pkg;
    assert_int_equal(tss_frost_signing_package_init(&pkg, coms, (uint32_t)m, msg, (size_t)msg_len), TSS_OK);
    uint8_t prefix[FROST_BINDING_PREFIX_BYTES];
    frost_binding_prefix(prefix, &pkg, pkp.verifying_key.bytes);
    for (size_t k = 0; k < m; k++) {
        json_t *o = json_array_get(r1, k);
        uint8_t input[FROST_BINDING_PREFIX_BYTES + 32], rho_expect[32], rho_bytes[32];
        tss_frost_identifier id;
        sc25519 rho;
        id_from_json(&id, json_object_get(o, "identifier"));
        assert_int_equal(tv_hex_exact(input, sizeof input, json_string_value(json_object_get(o,
                                                                                 "binding_factor_input"))), 0);
        assert_memory_equal(input, prefix, FROST_BINDING_PREFIX_BYTES);
        assert_memory_equal(input + FROST_BINDING_PREFIX_BYTES, id.bytes, 32);
        frost_binding_factor(&rho, prefix, &id);
        sc25519_to_bytes(rho_bytes, &rho);
        hex32(rho_expect, o, "binding_factor");
        assert_memory_equal(rho_bytes, rho_expect, 32);
    }

    /* Round 2: signature shares (nonces are matched to the sorted package by identifier). */
    json_t *r2 = json_object_get(json_object_get(root, "round_two_outputs"), "outputs");
    assert_int_equal(json_array_size(r2), m);
    for (size_t k = 0; k < m; k++) {
        json_t *o = json_array_get(r2, k);
        tss_frost_identifier id;
        uint8_t z[32];
        id_from_json(&id, json_object_get(o, "identifier"));
        size_t which = m;
        for (size_t j = 0; j < m; j++)
            if (tss_frost_identifier_cmp(&nonces[j].commitments.identifier, &id) == 0)
                which = j;
        assert_true(which < m);
        assert_int_equal(tss_frost_round2_sign(&sshares[k], &pkg, &nonces[which], signer[which]), TSS_OK);
        hex32(z, o, "sig_share");
        assert_memory_equal(sshares[k].share, z, 32);
        tss_frost_verifying_share vs;
        assert_int_equal(tss_frost_public_key_package_find(&vs, &pkp, &id), TSS_OK);
        assert_int_equal(tss_frost_verify_signature_share(&sshares[k], &vs, &pkg, &pkp.verifying_key), TSS_OK);
        /* Each nonce is single use. */
        assert_int_equal(tss_frost_round2_sign(&sshares[k], &pkg, &nonces[which], signer[which]),
                         TSS_ERR_NONCE_USED);
    }

    /* Aggregation: the exact final signature, accepted by libsodium. */
    tss_frost_signature sig;
    uint8_t sig_expect[64];
    assert_int_equal(tv_hex_exact(sig_expect, 64,
                                  json_string_value(json_object_get(json_object_get(root, "final_output"), "sig"))),
                     0);
    assert_int_equal(tss_frost_aggregate(&sig, &pkg, sshares, m, &pkp, NULL, 0, NULL), TSS_OK);
    assert_memory_equal(sig.bytes, sig_expect, 64);
    assert_true(sodium_verifies(&sig, msg, (size_t)msg_len, &pkp.verifying_key));
    assert_int_equal(tss_frost_verify(&sig, msg, (size_t)msg_len, &pkp.verifying_key), TSS_OK);

    /* Reconstruction from the signers recovers the group secret. */
    tss_frost_key_package *sub = calloc(m, sizeof *sub);
    uint8_t rec[32];
    for (size_t k = 0; k < m; k++)
        sub[k] = *signer[k];
    assert_int_equal(tss_frost_reconstruct(rec, sub, m), TSS_OK);
    assert_memory_equal(rec, secret, 32);

    free(sub);
    free(signer);
    free(sshares);
    free(coms);
    free(nonces);
    free(vss);
    free(entries);
    free(kps);
    free(ids);
    free(coefficients);
    json_decref(root);
}

static void test_vector_rfc9591(void **state)
{
    (void)state;
    check_vector_file("frost/frost-ed25519-sha512.json");
}

static void test_vector_frost_core(void **state)
{
    (void)state;
    check_vector_file("frost/vectors.json");
}

static void test_vector_big_identifier(void **state)
{
    (void)state;
    check_vector_file("frost/vectors-big-identifier.json");
}

static void test_invalid_element(void **state)
{
    (void)state;
    json_t *root = tv_load_json("frost/elements.json");
    assert_non_null(root);
    uint8_t bad[32];
    hex32(bad, json_object_get(root, "elements"), "invalid_element");
    json_decref(root);

    ge25519_p3 P;
    assert_int_equal(frost_point_decode(&P, bad), TSS_ERR_ENCODING);

    /* Every decoder that reads a point refuses it. */
    uint8_t enc[TSS_FROST_SIGNING_COMMITMENTS_BYTES];
    tss_frost_signing_commitments c;
    memset(enc, 0, sizeof enc);
    enc[0] = TSS_FROST_VERSION;
    enc[1] = TSS_FROST_TAG_SIGNING_COMMITMENTS;
    enc[2] = 1;
    memcpy(enc + 34, bad, 32);
    ge25519_p3 B;
    ge25519_base(&B);
    ge25519_tobytes(enc + 66, &B);
    assert_int_equal(tss_frost_signing_commitments_deserialize(&c, enc, sizeof enc), TSS_ERR_ENCODING);
    ge25519_tobytes(enc + 34, &B);
    assert_int_equal(tss_frost_signing_commitments_deserialize(&c, enc, sizeof enc), TSS_OK);

    uint8_t sig[64];
    memcpy(sig, bad, 32);
    memset(sig + 32, 0, 32);
    tss_frost_signature s;
    assert_int_equal(tss_frost_signature_deserialize(&s, sig), TSS_ERR_ENCODING);

    /* The identity and a small-order point are refused too; the base point is accepted. */
    uint8_t identity[32] = {1};
    assert_int_equal(frost_point_decode(&P, identity), TSS_ERR_ENCODING);
    uint8_t order2[32] = {0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                          0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                          0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}; /* y = -1 */
    assert_int_equal(frost_point_decode(&P, order2), TSS_ERR_ENCODING);
    uint8_t base[32];
    ge25519_tobytes(base, &B);
    assert_int_equal(frost_point_decode(&P, base), TSS_OK);
    /* B + (a point of order 2): decodes as a curve point but is not in the prime-order subgroup. */
    ge25519_p3 T, M;
    assert_int_equal(ge25519_frombytes_canonical(&T, order2), 0);
    ge25519_add(&M, &B, &T);
    uint8_t mixed[32];
    ge25519_tobytes(mixed, &M);
    assert_int_equal(frost_point_decode(&P, mixed), TSS_ERR_ENCODING);
    assert_int_equal(frost_point_decode_fast(&P, mixed), TSS_OK);
}

/* ------------------------------------------------------------------------------------------------
 * identifiers
 * ---------------------------------------------------------------------------------------------- */

static void test_identifiers(void **state)
{
    (void)state;
    tss_frost_identifier a, b;
    uint64_t x;
    assert_int_equal(tss_frost_identifier_from_u64(&a, 0), TSS_ERR_ZERO_ID);
    assert_int_equal(tss_frost_identifier_from_u64(&a, 1), TSS_OK);
    assert_int_equal(a.bytes[0], 1);
    assert_int_equal(tss_frost_identifier_from_u64(&b, 65536), TSS_OK);
    assert_int_equal(b.bytes[2], 1);
    assert_int_equal(tss_frost_identifier_cmp(&a, &b), -1);
    assert_int_equal(tss_frost_identifier_cmp(&b, &a), 1);
    assert_int_equal(tss_frost_identifier_cmp(&a, &a), 0);
    assert_int_equal(tss_frost_identifier_to_u64(&x, &b), TSS_OK);
    assert_true(x == 65536);
    assert_int_equal(tss_frost_identifier_from_u64(&b, UINT64_MAX), TSS_OK);
    assert_int_equal(tss_frost_identifier_to_u64(&x, &b), TSS_OK);
    assert_true(x == UINT64_MAX);
    /* 256 > 255 numerically although its first byte is smaller. */
    tss_frost_identifier i255, i256;
    tss_frost_identifier_from_u64(&i255, 255);
    tss_frost_identifier_from_u64(&i256, 256);
    assert_int_equal(tss_frost_identifier_cmp(&i255, &i256), -1);

    /* derive = SHA-512(context ‖ "id" ‖ s) mod L, checked against libsodium's reduction. */
    const char *name = "alice@example.org";
    uint8_t buf[128], digest[64], expect[32];
    size_t len = 0;
    memcpy(buf, TSS_FROST_CONTEXT_STRING, strlen(TSS_FROST_CONTEXT_STRING));
    len += strlen(TSS_FROST_CONTEXT_STRING);
    memcpy(buf + len, "id", 2);
    len += 2;
    memcpy(buf + len, name, strlen(name));
    len += strlen(name);
    crypto_hash_sha512(digest, buf, len);
    crypto_core_ed25519_scalar_reduce(expect, digest);
    assert_int_equal(tss_frost_identifier_derive(&a, (const uint8_t *)name, strlen(name)), TSS_OK);
    assert_memory_equal(a.bytes, expect, 32);
    assert_int_equal(tss_frost_identifier_to_u64(&x, &a), TSS_ERR_INVALID_ARG);
    assert_int_equal(tss_frost_identifier_derive(&b, (const uint8_t *)"bob", 3), TSS_OK);
    assert_memory_not_equal(a.bytes, b.bytes, 32);
    assert_int_equal(tss_frost_identifier_derive(&b, NULL, 0), TSS_OK);

    /* from_bytes: canonical and nonzero only. */
    uint8_t zero[32] = {0}, big[32];
    memset(big, 0xff, sizeof big);
    assert_int_equal(tss_frost_identifier_from_bytes(&a, zero), TSS_ERR_ZERO_ID);
    assert_int_equal(tss_frost_identifier_from_bytes(&a, big), TSS_ERR_ENCODING);
    assert_int_equal(tss_frost_identifier_from_bytes(&a, expect), TSS_OK);
}

/* Batch Lagrange coefficients agree with the one-at-a-time ones, interpolate f(0), and refuse repeats. */
static void test_lagrange(void **state)
{
    (void)state;
    sc25519 xs[9], lambdas[9], tmp[9], coeffs[4], acc, y, l;
    for (int i = 0; i < 9; i++)
        sc25519_from_u64(&xs[i], (uint64_t)(3 * i + 1) * 1000003u);
    for (int k = 0; k < 4; k++)
        sc25519_random(&coeffs[k]);
    assert_int_equal(frost_lagrange_all_at_zero(lambdas, xs, 9, tmp), TSS_OK);
    sc25519_zero(&acc);
    for (int i = 0; i < 9; i++) {
        assert_int_equal(frost_lagrange_at_zero(&l, &xs[i], xs, 9), TSS_OK);
        assert_true(sc25519_eq(&l, &lambdas[i]));
        frost_poly_eval(&y, coeffs, 4, &xs[i]);
        sc25519_muladd(&acc, &lambdas[i], &y, &acc);
    }
    assert_true(sc25519_eq(&acc, &coeffs[0]));
    xs[4] = xs[2];
    assert_int_equal(frost_lagrange_all_at_zero(lambdas, xs, 9, tmp), TSS_ERR_DUPLICATE);
    sc25519_zero(&xs[4]);
    assert_int_equal(frost_lagrange_all_at_zero(lambdas, xs, 9, tmp), TSS_ERR_ZERO_ID);
}

/* ------------------------------------------------------------------------------------------------
 * random dealer keys: every subset (small n), sampled subsets (large n), derived identifiers
 * ---------------------------------------------------------------------------------------------- */

typedef struct {
    tss_frost_key_package *kps;
    tss_frost_public_share *entries;
    tss_frost_public_key_package pkp;
} dealt_key;

static void deal(dealt_key *k, uint32_t n, uint32_t t, const tss_frost_identifier *ids)
{
    k->kps = calloc(n, sizeof *k->kps);
    k->entries = calloc(n, sizeof *k->entries);
    assert_non_null(k->kps);
    assert_non_null(k->entries);
    assert_int_equal(tss_frost_public_key_package_init(&k->pkp, k->entries, n), TSS_OK);
    assert_int_equal(tss_frost_dealer_keygen(k->kps, &k->pkp, NULL, NULL, ids, n, t), TSS_OK);
}

static void undeal(dealt_key *k)
{
    free(k->kps);
    free(k->entries);
}

static void test_every_subset_small_n(void **state)
{
    (void)state;
    const uint8_t msg[] = "every subset of at least t signers";
    for (uint32_t n = 1; n <= 6; n++) {
        for (uint32_t t = 1; t <= n; t++) {
            dealt_key k;
            deal(&k, n, t, NULL);
            for (uint32_t mask = 1; mask < (1u << n); mask++) {
                size_t idx[8], m = 0;
                for (uint32_t i = 0; i < n; i++)
                    if (mask & (1u << i))
                        idx[m++] = i;
                tss_frost_signature sig;
                int rc = sign_with(&sig, k.kps, idx, m, &k.pkp, msg, sizeof msg);
                if (m >= t) {
                    assert_int_equal(rc, TSS_OK);
                    assert_true(sodium_verifies(&sig, msg, sizeof msg, &k.pkp.verifying_key));
                } else {
                    assert_int_equal(rc, TSS_ERR_NOT_ENOUGH);
                }
            }
            undeal(&k);
        }
    }
}

static void shuffle_prefix(tv_rng *rng, size_t *idx, size_t n, size_t m)
{
    for (size_t i = 0; i < m; i++) {
        size_t j = i + (size_t)(tv_rng_next(rng) % (n - i));
        size_t tmp = idx[i];
        idx[i] = idx[j];
        idx[j] = tmp;
    }
}

static void test_sampled_subsets_large_n(void **state)
{
    (void)state;
    tv_rng rng;
    tv_rng_seed(&rng, 0xf0057);
    const uint32_t ns[] = {7, 10, 25, 50, 100};
    uint8_t msg[40];
    for (size_t a = 0; a < sizeof ns / sizeof ns[0]; a++) {
        uint32_t n = ns[a];
        const uint32_t ts[] = {1, 2, n / 2 + 1, (2 * n + 2) / 3, n};
        size_t *idx = calloc(n, sizeof *idx);
        for (size_t b = 0; b < sizeof ts / sizeof ts[0]; b++) {
            uint32_t t = ts[b];
            dealt_key k;
            deal(&k, n, t, NULL);
            for (int trial = 0; trial < 3; trial++) {
                for (size_t i = 0; i < n; i++)
                    idx[i] = i;
                size_t m = t + (size_t)(tv_rng_next(&rng) % (n - t + 1));
                shuffle_prefix(&rng, idx, n, m);
                tv_rng_bytes(&rng, msg, sizeof msg);
                tss_frost_signature sig;
                assert_int_equal(sign_with(&sig, k.kps, idx, m, &k.pkp, msg, sizeof msg), TSS_OK);
                assert_true(sodium_verifies(&sig, msg, sizeof msg, &k.pkp.verifying_key));
            }
            /* t - 1 signers are refused (when t > 1). */
            if (t > 1) {
                tss_frost_signature sig;
                assert_int_equal(sign_with(&sig, k.kps, idx, t - 1, &k.pkp, msg, sizeof msg), TSS_ERR_NOT_ENOUGH);
            }
            undeal(&k);
        }
        free(idx);
    }
}

static void test_derived_identifiers_and_given_secret(void **state)
{
    (void)state;
    const char *names[] = {"alice", "bob", "carol", "dave", "erin"};
    tss_frost_identifier ids[5];
    for (int i = 0; i < 5; i++)
        assert_int_equal(tss_frost_identifier_derive(&ids[i], (const uint8_t *)names[i], strlen(names[i])), TSS_OK);
    uint8_t seed[32], pk[32], sk[64], secret[32];
    randombytes_buf(seed, sizeof seed);
    /* Split a secret scalar whose public key we know independently. */
    crypto_core_ed25519_scalar_random(secret);
    crypto_scalarmult_ed25519_base_noclamp(pk, secret);
    (void)sk;
    tss_frost_key_package kps[5];
    tss_frost_public_share entries[5];
    tss_frost_public_key_package pkp;
    tss_frost_element vss[3];
    assert_int_equal(tss_frost_public_key_package_init(&pkp, entries, 5), TSS_OK);
    assert_int_equal(tss_frost_dealer_keygen(kps, &pkp, vss, secret, ids, 5, 3), TSS_OK);
    assert_memory_equal(pkp.verifying_key.bytes, pk, 32);
    assert_memory_equal(vss[0].bytes, pk, 32);
    /* Shares are consistent with the VSS commitment. */
    ge25519_p3 C[3], expect, got;
    for (int k = 0; k < 3; k++)
        assert_int_equal(frost_point_decode(&C[k], vss[k].bytes), TSS_OK);
    for (int i = 0; i < 5; i++) {
        sc25519 x;
        assert_int_equal(frost_identifier_scalar(&x, &kps[i].identifier), TSS_OK);
        frost_vss_eval_vartime(&expect, C, 3, &x);
        assert_int_equal(ge25519_frombytes_canonical(&got, kps[i].verifying_share.bytes), 0);
        assert_true(ge25519_eq(&expect, &got));
        assert_memory_equal(kps[i].identifier.bytes, ids[i].bytes, 32);
    }
    size_t idx[] = {4, 0, 2};
    tss_frost_signature sig;
    const uint8_t msg[] = "derived";
    assert_int_equal(sign_with(&sig, kps, idx, 3, &pkp, msg, sizeof msg), TSS_OK);
    assert_true(sodium_verifies(&sig, msg, sizeof msg, &pkp.verifying_key));
    /* Empty message. */
    assert_int_equal(sign_with(&sig, kps, idx, 3, &pkp, NULL, 0), TSS_OK);
    assert_true(sodium_verifies(&sig, NULL, 0, &pkp.verifying_key));

    /* Reconstruction: any 3 work, 2 are not enough, a tampered share is caught. */
    tss_frost_key_package sub[3] = {kps[1], kps[3], kps[4]};
    uint8_t rec[32];
    assert_int_equal(tss_frost_reconstruct(rec, sub, 3), TSS_OK);
    assert_memory_equal(rec, secret, 32);
    assert_int_equal(tss_frost_reconstruct(rec, sub, 2), TSS_ERR_NOT_ENOUGH);
    sub[1].signing_share.bytes[0] ^= 1;
    assert_int_equal(tss_frost_reconstruct(rec, sub, 3), TSS_ERR_VERIFY);
    sub[1] = sub[0];
    assert_int_equal(tss_frost_reconstruct(rec, sub, 3), TSS_ERR_DUPLICATE);
    sodium_memzero(kps, sizeof kps);
}

/* ------------------------------------------------------------------------------------------------
 * negatives
 * ---------------------------------------------------------------------------------------------- */

static void test_dealer_rejects(void **state)
{
    (void)state;
    tss_frost_key_package kps[4];
    tss_frost_public_share entries[4];
    tss_frost_public_key_package pkp;
    tss_frost_identifier ids[4];
    for (int i = 0; i < 4; i++)
        tss_frost_identifier_from_u64(&ids[i], (uint64_t)i + 10);
    assert_int_equal(tss_frost_public_key_package_init(&pkp, entries, 4), TSS_OK);
    assert_int_equal(tss_frost_dealer_keygen(kps, &pkp, NULL, NULL, ids, 4, 0), TSS_ERR_INVALID_ARG);
    assert_int_equal(tss_frost_dealer_keygen(kps, &pkp, NULL, NULL, ids, 4, 5), TSS_ERR_INVALID_ARG);
    assert_int_equal(tss_frost_dealer_keygen(kps, &pkp, NULL, NULL, ids, 0, 0), TSS_ERR_INVALID_ARG);
    ids[2] = ids[0];
    assert_int_equal(tss_frost_dealer_keygen(kps, &pkp, NULL, NULL, ids, 4, 2), TSS_ERR_DUPLICATE);
    memset(ids[2].bytes, 0, 32);
    assert_int_equal(tss_frost_dealer_keygen(kps, &pkp, NULL, NULL, ids, 4, 2), TSS_ERR_ZERO_ID);
    memset(ids[2].bytes, 0xff, 32);
    assert_int_equal(tss_frost_dealer_keygen(kps, &pkp, NULL, NULL, ids, 4, 2), TSS_ERR_ENCODING);
    tss_frost_identifier_from_u64(&ids[2], 99);
    uint8_t zero[32] = {0}, big[32];
    memset(big, 0xff, sizeof big);
    assert_int_equal(tss_frost_dealer_keygen(kps, &pkp, NULL, zero, ids, 4, 2), TSS_ERR_INVALID_ARG);
    assert_int_equal(tss_frost_dealer_keygen(kps, &pkp, NULL, big, ids, 4, 2), TSS_ERR_ENCODING);
    tss_frost_public_key_package small;
    assert_int_equal(tss_frost_public_key_package_init(&small, entries, 3), TSS_OK);
    assert_int_equal(tss_frost_dealer_keygen(kps, &small, NULL, NULL, ids, 4, 2), TSS_ERR_CAPACITY);
    assert_int_equal(tss_frost_dealer_keygen(kps, &pkp, NULL, NULL, ids, 4, 2), TSS_OK);
    /* The public package is sorted although ids were given out of order (99 before 11). */
    assert_int_equal(tss_frost_public_key_package_validate(&pkp), TSS_OK);
    assert_int_equal(pkp.shares[3].identifier.bytes[0], 99);
    sodium_memzero(kps, sizeof kps);
}

/* 70-of-80, shares shuffled, cheaters on both sides of the 64-share chunk of the culprit search: aggregation
 * names exactly the shares that fail tss_frost_verify_signature_share one by one. */
static void test_culprits_match_single_checks(void **state)
{
    (void)state;
    enum { N = 80, T = 70 };
    tss_frost_key_package *kps = calloc(N, sizeof *kps);
    tss_frost_public_share *entries = calloc(N, sizeof *entries);
    tss_frost_signing_nonces *nonces = calloc(T, sizeof *nonces);
    tss_frost_signing_commitments *coms = calloc(T, sizeof *coms);
    tss_frost_signature_share *shares = calloc(T, sizeof *shares), *bad = calloc(T, sizeof *bad);
    tss_frost_identifier culprits[T];
    tss_frost_public_key_package pkp;
    tss_frost_signing_package pkg;
    assert_non_null(kps);
    assert_non_null(entries);
    assert_non_null(nonces);
    assert_non_null(coms);
    assert_non_null(shares);
    assert_non_null(bad);
    assert_int_equal(tss_frost_public_key_package_init(&pkp, entries, N), TSS_OK);
    assert_int_equal(tss_frost_dealer_keygen(kps, &pkp, NULL, NULL, NULL, N, T), TSS_OK);
    for (uint32_t i = 0; i < T; i++)
        assert_int_equal(tss_frost_round1_commit(&nonces[i], &coms[i], &kps[i]), TSS_OK);
    assert_int_equal(tss_frost_signing_package_init(&pkg, coms, T, MSG, sizeof MSG), TSS_OK);
    for (uint32_t i = 0; i < T; i++)
        assert_int_equal(tss_frost_round2_sign(&shares[i], &pkg, &nonces[i], &kps[i]), TSS_OK);
    for (uint32_t k = 0; k < T; k++)
        bad[k] = shares[(k * 37u + 11u) % T];   /* 37 is prime to 70: a permutation */
    const uint32_t cheat[5] = { 0, 17, 63, 64, 69 };
    for (int j = 0; j < 5; j++)
        bad[cheat[j]].share[3] ^= (uint8_t)(1u << j);
    memset(bad[40].share, 0xff, 32);         /* non-canonical z */
    tss_frost_signature sig;
    size_t nc = 0;
    assert_int_equal(tss_frost_aggregate(&sig, &pkg, bad, T, &pkp, culprits, T, &nc), TSS_ERR_CULPRIT);
    assert_int_equal(nc, 6);
    size_t found = 0;
    for (uint32_t k = 0; k < T; k++) {
        tss_frost_verifying_share vs;
        assert_int_equal(tss_frost_public_key_package_find(&vs, &pkp, &bad[k].identifier), TSS_OK);
        int rc = tss_frost_verify_signature_share(&bad[k], &vs, &pkg, &pkp.verifying_key);
        int named = 0;
        for (size_t j = 0; j < nc; j++)
            named |= tss_frost_identifier_cmp(&culprits[j], &bad[k].identifier) == 0;
        assert_int_equal(named, rc == TSS_ERR_VERIFY);
        assert_true(rc == TSS_OK || rc == TSS_ERR_VERIFY);
        found += (size_t)named;
    }
    assert_int_equal(found, 6);
    for (size_t j = 1; j < nc; j++)
        assert_true(tss_frost_identifier_cmp(&culprits[j - 1], &culprits[j]) < 0);
    sodium_memzero(kps, N * sizeof *kps);
    free(kps);
    free(entries);
    free(nonces);
    free(coms);
    free(shares);
    free(bad);
}

static void test_culprits_named(void **state)
{
    (void)state;
    session *s = calloc(1, sizeof *s);
    session_start(s, 6);
    for (int i = 0; i < 6; i++)
        assert_int_equal(tss_frost_round2_sign(&s->shares[i], &s->pkg, &s->nonces[i], &s->kps[i]), TSS_OK);
    tss_frost_signature sig;
    tss_frost_identifier culprits[7];
    size_t nc = 99;
    assert_int_equal(tss_frost_aggregate(&sig, &s->pkg, s->shares, 6, &s->pkp, culprits, 7, &nc), TSS_OK);
    assert_int_equal(nc, 0);
    assert_true(sodium_verifies(&sig, MSG, sizeof MSG, &s->pkp.verifying_key));

    /* Three cheaters (signers 5, 2, 4 -> identifiers 6, 3, 5): all named, ascending. Shares given shuffled. */
    tss_frost_signature_share bad[6];
    const int order[6] = {5, 0, 3, 2, 1, 4};
    for (int k = 0; k < 6; k++)
        bad[k] = s->shares[order[k]];
    bad[0].share[0] ^= 1;                 /* id 6: corrupted z */
    bad[3].share[5] ^= 0x40;              /* id 3 */
    sc25519 one, z;
    sc25519_one(&one);
    sc25519_from_bytes_canonical(&z, bad[5].share);
    sc25519_add(&z, &z, &one);
    sc25519_to_bytes(bad[5].share, &z);  /* id 5: z + 1 */
    assert_int_equal(tss_frost_aggregate(&sig, &s->pkg, bad, 6, &s->pkp, culprits, 7, &nc), TSS_ERR_CULPRIT);
    assert_int_equal(nc, 3);
    uint64_t v;
    assert_int_equal(tss_frost_identifier_to_u64(&v, &culprits[0]), TSS_OK);
    assert_true(v == 3);
    assert_int_equal(tss_frost_identifier_to_u64(&v, &culprits[1]), TSS_OK);
    assert_true(v == 5);
    assert_int_equal(tss_frost_identifier_to_u64(&v, &culprits[2]), TSS_OK);
    assert_true(v == 6);
    /* Too small a culprit array still reports the count. */
    assert_int_equal(tss_frost_aggregate(&sig, &s->pkg, bad, 6, &s->pkp, culprits, 1, &nc), TSS_ERR_CULPRIT);
    assert_int_equal(nc, 3);
    /* Each share checks individually. */
    for (int k = 0; k < 6; k++) {
        tss_frost_verifying_share vs;
        assert_int_equal(tss_frost_public_key_package_find(&vs, &s->pkp, &bad[k].identifier), TSS_OK);
        int expect = (k == 0 || k == 3 || k == 5) ? TSS_ERR_VERIFY : TSS_OK;
        assert_int_equal(tss_frost_verify_signature_share(&bad[k], &vs, &s->pkg, &s->pkp.verifying_key), expect);
    }
    /* A non-canonical z is a culprit as well. */
    bad[3] = s->shares[2];
    bad[5] = s->shares[4];
    memset(bad[0].share, 0xff, 32);
    assert_int_equal(tss_frost_aggregate(&sig, &s->pkg, bad, 6, &s->pkp, culprits, 7, &nc), TSS_ERR_CULPRIT);
    assert_int_equal(nc, 1);
    assert_int_equal(culprits[0].bytes[0], 6);
    /* Every signer cheating: all six named. */
    for (int k = 0; k < 6; k++)
        bad[k].share[1] ^= 0x10;
    assert_int_equal(tss_frost_aggregate(&sig, &s->pkg, bad, 6, &s->pkp, culprits, 7, &nc), TSS_ERR_CULPRIT);
    assert_int_equal(nc, 6);
    sodium_memzero(s, sizeof *s);
    free(s);
}

static void test_round2_rejects(void **state)
{
    (void)state;
    session *s = calloc(1, sizeof *s);
    session_start(s, 4);

    /* Not my commitment list: nonce of signer 0 used with key package of signer 1. */
    tss_frost_signing_nonces copy = s->nonces[0];
    assert_int_equal(tss_frost_round2_sign(&s->shares[0], &s->pkg, &copy, &s->kps[1]), TSS_ERR_VERIFY);
    assert_int_equal(copy.state, 0); /* wiped anyway */
    assert_int_equal(tss_frost_round2_sign(&s->shares[0], &s->pkg, &copy, &s->kps[0]), TSS_ERR_NONCE_USED);
    /* A signer outside the package. */
    copy = s->nonces[0];
    assert_int_equal(tss_frost_round2_sign(&s->shares[0], &s->pkg, &copy, &s->kps[6]), TSS_ERR_NOT_FOUND);
    /* Fewer than t commitments. */
    tss_frost_signing_package three = s->pkg;
    three.n_commitments = 3;
    copy = s->nonces[0];
    assert_int_equal(tss_frost_round2_sign(&s->shares[0], &three, &copy, &s->kps[0]), TSS_ERR_NOT_ENOUGH);
    /* Unsorted and duplicate lists. */
    tss_frost_signing_commitments coms[4];
    memcpy(coms, s->coms, sizeof coms);
    tss_frost_signing_package p2 = s->pkg;
    p2.commitments = coms;
    tss_frost_signing_commitments tmp = coms[0];
    coms[0] = coms[1];
    coms[1] = tmp;
    copy = s->nonces[0];
    assert_int_equal(tss_frost_round2_sign(&s->shares[0], &p2, &copy, &s->kps[0]), TSS_ERR_INVALID_ARG);
    coms[0] = coms[1];
    copy = s->nonces[0];
    assert_int_equal(tss_frost_round2_sign(&s->shares[0], &p2, &copy, &s->kps[0]), TSS_ERR_DUPLICATE);
    /* signing_package_init refuses duplicate and zero identifiers. */
    tss_frost_signing_package p3;
    assert_int_equal(tss_frost_signing_package_init(&p3, coms, 4, MSG, sizeof MSG), TSS_ERR_DUPLICATE);
    memcpy(coms, s->coms, sizeof coms);
    memset(coms[2].identifier.bytes, 0, 32);
    assert_int_equal(tss_frost_signing_package_init(&p3, coms, 4, MSG, sizeof MSG), TSS_ERR_ZERO_ID);
    /* A bad point in another signer's commitment. */
    memcpy(coms, s->coms, sizeof coms);
    memset(coms[3].hiding, 0, 32);
    coms[3].hiding[0] = 1;                  /* identity */
    assert_int_equal(tss_frost_signing_package_init(&p3, coms, 4, MSG, sizeof MSG), TSS_OK);
    copy = s->nonces[0];
    assert_int_equal(tss_frost_round2_sign(&s->shares[0], &p3, &copy, &s->kps[0]), TSS_ERR_ENCODING);

    /* The real thing still works once, then the nonce is refused. */
    for (int i = 0; i < 4; i++)
        assert_int_equal(tss_frost_round2_sign(&s->shares[i], &s->pkg, &s->nonces[i], &s->kps[i]), TSS_OK);
    assert_int_equal(tss_frost_round2_sign(&s->shares[0], &s->pkg, &s->nonces[0], &s->kps[0]), TSS_ERR_NONCE_USED);
    tss_frost_signing_nonces wiped;
    tss_frost_signing_commitments c;
    assert_int_equal(tss_frost_round1_commit(&wiped, &c, &s->kps[0]), TSS_OK);
    tss_frost_signing_nonces_wipe(&wiped);
    assert_int_equal(tss_frost_round2_sign(&s->shares[0], &s->pkg, &wiped, &s->kps[0]), TSS_ERR_NONCE_USED);

    /* Aggregation argument checks. */
    tss_frost_signature sig;
    assert_int_equal(tss_frost_aggregate(&sig, &s->pkg, s->shares, 4, &s->pkp, NULL, 0, NULL), TSS_OK);
    assert_int_equal(tss_frost_aggregate(&sig, &s->pkg, s->shares, 3, &s->pkp, NULL, 0, NULL), TSS_ERR_NOT_ENOUGH);
    tss_frost_signature_share dup[4] = {s->shares[0], s->shares[1], s->shares[2], s->shares[0]};
    assert_int_equal(tss_frost_aggregate(&sig, &s->pkg, dup, 4, &s->pkp, NULL, 0, NULL), TSS_ERR_DUPLICATE);
    dup[3] = s->shares[3];
    tss_frost_identifier_from_u64(&dup[3].identifier, 7);
    assert_int_equal(tss_frost_aggregate(&sig, &s->pkg, dup, 4, &s->pkp, NULL, 0, NULL), TSS_ERR_NOT_FOUND);
    assert_int_equal(tss_frost_aggregate(&sig, &three, s->shares, 3, &s->pkp, NULL, 0, NULL), TSS_ERR_NOT_ENOUGH);
    /* A public key package that lacks a signer. */
    tss_frost_public_key_package partial = s->pkp;
    partial.shares = s->entries + 1;
    partial.max_signers = 6;
    assert_int_equal(tss_frost_aggregate(&sig, &s->pkg, s->shares, 4, &partial, NULL, 0, NULL), TSS_ERR_NOT_FOUND);
    sodium_memzero(s, sizeof *s);
    free(s);
}

int main(void)
{
    if (tss_init() != TSS_OK)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vector_rfc9591),
        cmocka_unit_test(test_vector_frost_core),
        cmocka_unit_test(test_vector_big_identifier),
        cmocka_unit_test(test_invalid_element),
        cmocka_unit_test(test_identifiers),
        cmocka_unit_test(test_lagrange),
        cmocka_unit_test(test_every_subset_small_n),
        cmocka_unit_test(test_sampled_subsets_large_n),
        cmocka_unit_test(test_derived_identifiers_and_given_secret),
        cmocka_unit_test(test_dealer_rejects),
        cmocka_unit_test(test_culprits_named),
        cmocka_unit_test(test_culprits_match_single_checks),
        cmocka_unit_test(test_round2_rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
