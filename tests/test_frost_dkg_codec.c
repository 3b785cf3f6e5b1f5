/* Binary and JSON encodings of the key generation packages (tss/frost_keygen.h, "Serialization"): the
 * vectors_dkg.json packages parsed from the vector file's own fields and run through part 3; round trips
 * of every package in a DKG and a refresh, with the protocol continued from the decoded packages; every
 * truncation; targeted corruptions; random mutations. */
#include <stdio.h>

#include "frost_keygen_fixture.h"
#include "test_support.h"

#include "crypto/frost_internal.h"
#include "crypto/frost_poly.h"
#include "crypto/sc25519.h"

/* L, little endian: the smallest non-canonical scalar. */
static const uint8_t L_BYTES[32] = {
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
};
/* p = 2^255 - 19 as a y coordinate: a non-canonical point encoding. */
static const uint8_t P_BYTES[32] = {
    0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f,
};
static const uint8_t IDENTITY_BYTES[32] = { 1 };
/* y = 2 is not on the curve ((y^2 - 1) / (d y^2 + 1) is not a square). */
static const uint8_t OFF_CURVE_BYTES[32] = { 2 };

#define BUF_CAP 4096

/* ---- helpers ---- */

static const char *jstr(json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    assert_non_null(s);
    return s;
}

static void assert_r1_equal(const tss_frost_dkg_round1_package *a, const tss_frost_dkg_round1_package *b)
{
    assert_int_equal(a->version, b->version);
    assert_memory_equal(a->identifier.bytes, b->identifier.bytes, 32);
    assert_int_equal(a->n_commitments, b->n_commitments);
    if (a->n_commitments > 0)
        assert_memory_equal(a->commitment, b->commitment, (size_t)a->n_commitments * 32);
    assert_memory_equal(a->proof_of_knowledge, b->proof_of_knowledge, 64);
}

static void assert_sp_equal(const tss_frost_dkg_secret_package *a, const tss_frost_dkg_secret_package *b)
{
    assert_int_equal(a->version, b->version);
    assert_int_equal(a->state, b->state);
    assert_int_equal(a->refresh, b->refresh);
    assert_memory_equal(a->identifier.bytes, b->identifier.bytes, 32);
    assert_int_equal(a->min_signers, b->min_signers);
    assert_int_equal(a->max_signers, b->max_signers);
    assert_int_equal(a->n_commitments, b->n_commitments);
    assert_memory_equal(a->coefficients, b->coefficients, (size_t)a->min_signers * 32);
    if (a->n_commitments > 0)
        assert_memory_equal(a->commitment, b->commitment, (size_t)a->n_commitments * 32);
    assert_memory_equal(a->own_share.bytes, b->own_share.bytes, 32);
}

/* Round trip of a round-1 package through both encodings, in place (decoded into its own storage). */
static void roundtrip_r1(tss_frost_dkg_round1_package *pkg)
{
    uint8_t bin[BUF_CAP];
    char js[BUF_CAP];
    size_t len = 0;
    uint32_t n = 99;
    tss_frost_element *saved_comm = calloc(pkg->capacity + 1, sizeof *saved_comm);
    tss_frost_dkg_round1_package saved = *pkg;
    memcpy(saved_comm, pkg->commitment, (size_t)pkg->capacity * sizeof *saved_comm);
    saved.commitment = saved_comm;

    assert_int_equal(tss_frost_dkg_round1_package_serialize(bin, sizeof bin, &len, pkg), TSS_OK);
    assert_int_equal(len, TSS_FROST_DKG_ROUND1_PACKAGE_BYTES(pkg->n_commitments));
    assert_int_equal(tss_frost_dkg_round1_package_serialize(bin, len - 1, &len, pkg), TSS_ERR_CAPACITY);
    assert_int_equal(tss_frost_dkg_round1_package_serialize(bin, sizeof bin, &len, pkg), TSS_OK);
    assert_int_equal(tss_frost_dkg_round1_package_peek(&n, bin, len), TSS_OK);
    assert_int_equal(n, pkg->n_commitments);
    memset(pkg->commitment, 0xaa, (size_t)pkg->capacity * sizeof *pkg->commitment);
    memset(pkg->proof_of_knowledge, 0, 64);
    assert_int_equal(tss_frost_dkg_round1_package_deserialize(pkg, bin, len), TSS_OK);
    assert_r1_equal(pkg, &saved);

    assert_int_equal(tss_frost_dkg_round1_package_to_json(js, TSS_FROST_DKG_ROUND1_PACKAGE_JSON_MAX(pkg->n_commitments),
                                                          &len, pkg), TSS_OK);
    assert_int_equal(strlen(js), len);
    assert_int_equal(tss_frost_dkg_round1_package_to_json(js, len, &len, pkg), TSS_ERR_CAPACITY);
    assert_int_equal(tss_frost_dkg_round1_package_to_json(js, sizeof js, &len, pkg), TSS_OK);
    n = 99;
    assert_int_equal(tss_frost_dkg_round1_package_peek_json(&n, js, len), TSS_OK);
    assert_int_equal(n, pkg->n_commitments);
    memset(pkg->commitment, 0xaa, (size_t)pkg->capacity * sizeof *pkg->commitment);
    assert_int_equal(tss_frost_dkg_round1_package_from_json(pkg, js, len), TSS_OK);
    assert_r1_equal(pkg, &saved);
    free(saved_comm);
}

static void roundtrip_r2(tss_frost_dkg_round2_package *pkg)
{
    uint8_t bin[BUF_CAP];
    char js[BUF_CAP];
    size_t len = 0;
    tss_frost_dkg_round2_package saved = *pkg, back;
    assert_int_equal(tss_frost_dkg_round2_package_serialize(bin, sizeof bin, &len, pkg), TSS_OK);
    assert_int_equal(len, TSS_FROST_DKG_ROUND2_PACKAGE_BYTES);
    memset(&back, 0, sizeof back);
    assert_int_equal(tss_frost_dkg_round2_package_deserialize(&back, bin, len), TSS_OK);
    assert_memory_equal(&back, &saved, sizeof back);
    assert_int_equal(tss_frost_dkg_round2_package_to_json(js, TSS_FROST_DKG_ROUND2_PACKAGE_JSON_MAX, &len, pkg),
                     TSS_OK);
    memset(&back, 0, sizeof back);
    assert_int_equal(tss_frost_dkg_round2_package_from_json(&back, js, len), TSS_OK);
    assert_memory_equal(&back, &saved, sizeof back);
    sodium_memzero(bin, sizeof bin);
    sodium_memzero(js, sizeof js);
}

/* Round trip of a secret package through both encodings, in place. */
static void roundtrip_sp(tss_frost_dkg_secret_package *sp)
{
    uint8_t bin[BUF_CAP];
    char js[BUF_CAP];
    size_t len = 0;
    uint32_t t = 0;
    const uint32_t cap = sp->capacity;
    tss_frost_scalar *c = calloc(cap, sizeof *c);
    tss_frost_element *e = calloc(cap, sizeof *e);
    tss_frost_dkg_secret_package saved = *sp;
    memcpy(c, sp->coefficients, cap * sizeof *c);
    memcpy(e, sp->commitment, cap * sizeof *e);
    saved.coefficients = c;
    saved.commitment = e;

    assert_int_equal(tss_frost_dkg_secret_package_serialize(bin, sizeof bin, &len, sp), TSS_OK);
    assert_int_equal(len, TSS_FROST_DKG_SECRET_PACKAGE_BYTES(sp->min_signers, sp->n_commitments));
    assert_int_equal(tss_frost_dkg_secret_package_peek(&t, bin, len), TSS_OK);
    assert_int_equal(t, sp->min_signers);
    tss_frost_dkg_secret_package_clear(sp);
    memset(sp->commitment, 0x55, cap * sizeof *e);
    assert_int_equal(tss_frost_dkg_secret_package_deserialize(sp, bin, len), TSS_OK);
    assert_sp_equal(sp, &saved);

    assert_int_equal(tss_frost_dkg_secret_package_to_json(js, TSS_FROST_DKG_SECRET_PACKAGE_JSON_MAX(sp->min_signers),
                                                          &len, sp), TSS_OK);
    t = 0;
    assert_int_equal(tss_frost_dkg_secret_package_peek_json(&t, js, len), TSS_OK);
    assert_int_equal(t, sp->min_signers);
    tss_frost_dkg_secret_package_clear(sp);
    memset(sp->commitment, 0x55, cap * sizeof *e);
    assert_int_equal(tss_frost_dkg_secret_package_from_json(sp, js, len), TSS_OK);
    assert_sp_equal(sp, &saved);
    sodium_memzero(bin, sizeof bin);
    sodium_memzero(js, sizeof js);
    sodium_memzero(c, cap * sizeof *c);
    free(c);
    free(e);
}

/* ---- vectors_dkg.json ---- */

/* The vector file's participant objects are round-1 packages as they stand ("identifier", "vss_commitments",
 * "proof_of_knowledge"; the other fields ignored). They parse, their proofs verify, they print in our format,
 * and with round-2 and secret packages built from the vector's fields as JSON text, part 3 reproduces the
 * published shares and group key. */
static void test_vectors_dkg_json(void **state)
{
    (void)state;
    json_t *root = tv_load_json("frost/vectors_dkg.json");
    assert_non_null(root);
    json_t *in = json_object_get(root, "inputs");
    const char *names[3] = { "1", "2", "3" };
    tss_frost_element comm[3][2];
    tss_frost_dkg_round1_package r1[3];
    char js[BUF_CAP], expect[BUF_CAP];
    size_t len = 0;

    for (int p = 0; p < 3; p++) {
        json_t *pj = json_object_get(in, names[p]);
        char *text = json_dumps(pj, JSON_COMPACT);
        assert_non_null(text);
        uint32_t n = 0;
        assert_int_equal(tss_frost_dkg_round1_package_peek_json(&n, text, strlen(text)), TSS_OK);
        assert_int_equal(n, 2);
        assert_int_equal(tss_frost_dkg_round1_package_init(&r1[p], comm[p], 2), TSS_OK);
        assert_int_equal(tss_frost_dkg_round1_package_from_json(&r1[p], text, strlen(text)), TSS_OK);
        free(text);
        uint64_t id = 0;
        assert_int_equal(tss_frost_identifier_to_u64(&id, &r1[p].identifier), TSS_OK);
        assert_int_equal(id, (uint64_t)p + 1);
        assert_int_equal(r1[p].n_commitments, 2);
        assert_int_equal(tss_frost_dkg_verify_proof_of_knowledge(&r1[p]), TSS_OK);
        json_t *vc = json_object_get(pj, "vss_commitments");
        snprintf(expect, sizeof expect,
                 "{\"version\":1,\"identifier\":%d,\"commitment\":[\"%s\",\"%s\"],\"proof_of_knowledge\":\"%s\"}", p + 1,
                 json_string_value(json_array_get(vc, 0)), json_string_value(json_array_get(vc, 1)),
                 jstr(pj, "proof_of_knowledge"));
        assert_int_equal(tss_frost_dkg_round1_package_to_json(js, sizeof js, &len, &r1[p]), TSS_OK);
        assert_string_equal(js, expect);
        /* frost-core's header object is accepted when it names this ciphersuite. */
        snprintf(expect, sizeof expect,
                 "{\"header\":{\"version\":0,\"ciphersuite\":\"FROST-ED25519-SHA512-v1\"},\"identifier\":%d,"
                 "\"commitment\":[\"%s\",\"%s\"],\"proof_of_knowledge\":\"%s\"}", p + 1,
                 json_string_value(json_array_get(vc, 0)), json_string_value(json_array_get(vc, 1)),
                 jstr(pj, "proof_of_knowledge"));
        tss_frost_element c2[2];
        tss_frost_dkg_round1_package again;
        assert_int_equal(tss_frost_dkg_round1_package_init(&again, c2, 2), TSS_OK);
        assert_int_equal(tss_frost_dkg_round1_package_from_json(&again, expect, strlen(expect)), TSS_OK);
        assert_r1_equal(&again, &r1[p]);
        char *hdr = strstr(expect, "SHA512-v1");
        assert_non_null(hdr);
        hdr[8] = '2';   /* "-v2": another ciphersuite */
        assert_int_equal(tss_frost_dkg_round1_package_from_json(&again, expect, strlen(expect)), TSS_ERR_ENCODING);
    }

    size_t scratch_len = tss_frost_keygen_scratch_size(3, 2);
    uint8_t *scratch = aligned_alloc(64, (scratch_len + 63) & ~(size_t)63);
    for (int p = 0; p < 3; p++) {
        json_t *pj = json_object_get(in, names[p]);
        /* Own share f_p(p) = a_0 + a_1 (p+1). */
        uint8_t a0b[32], a1b[32], own[32];
        sc25519 a0, a1, x, f;
        assert_int_equal(tv_hex_exact(a0b, 32, jstr(pj, "signing_key")), 0);
        assert_int_equal(tv_hex_exact(a1b, 32, jstr(pj, "coefficient")), 0);
        assert_int_equal(sc25519_from_bytes_canonical(&a0, a0b), 0);
        assert_int_equal(sc25519_from_bytes_canonical(&a1, a1b), 0);
        sc25519_from_u64(&x, (uint64_t)p + 1);
        sc25519_muladd(&f, &a1, &x, &a0);
        sc25519_to_bytes(own, &f);
        char own_hex[65];
        sodium_bin2hex(own_hex, sizeof own_hex, own, 32);
        json_t *vc = json_object_get(pj, "vss_commitments");
        snprintf(js, sizeof js,
                 "{\"version\":1,\"type\":\"dkg_round2_secret\",\"identifier\":%d,\"min_signers\":2,\"max_signers\":3,"
                 "\"commitment\":[\"%s\",\"%s\"],\"signing_share\":\"%s\"}", p + 1,
                 json_string_value(json_array_get(vc, 0)), json_string_value(json_array_get(vc, 1)), own_hex);
        tss_frost_scalar sc_store[2];
        tss_frost_element sp_comm[2];
        tss_frost_dkg_secret_package sp;
        assert_int_equal(tss_frost_dkg_secret_package_init(&sp, sc_store, sp_comm, 2), TSS_OK);
        assert_int_equal(tss_frost_dkg_secret_package_from_json(&sp, js, strlen(js)), TSS_OK);

        tss_frost_dkg_round1_package others[2];
        tss_frost_dkg_round2_package recv[2];
        int k = 0;
        for (int q = 0; q < 3; q++) {
            if (q == p)
                continue;
            others[k] = r1[q];
            snprintf(js, sizeof js, "{\"version\":1,\"sender\":%d,\"recipient\":%d,\"signing_share\":\"%s\"}", q + 1,
                     p + 1, jstr(json_object_get(pj, "signing_shares"), names[q]));
            assert_int_equal(tss_frost_dkg_round2_package_from_json(&recv[k], js, strlen(js)), TSS_OK);
            k++;
        }
        tss_frost_key_package kp;
        tss_frost_public_share shares[3];
        tss_frost_public_key_package pkp;
        size_t nc = 9;
        assert_int_equal(tss_frost_public_key_package_init(&pkp, shares, 3), TSS_OK);
        assert_int_equal(tss_frost_dkg_part3(&kp, &pkp, &sp, others, 2, recv, 2, scratch, scratch_len, NULL, 0, &nc),
                         TSS_OK);
        uint8_t want[32];
        assert_int_equal(tv_hex_exact(want, 32, jstr(pj, "signing_share")), 0);
        assert_memory_equal(kp.signing_share.bytes, want, 32);
        assert_int_equal(tv_hex_exact(want, 32, jstr(in, "verifying_key")), 0);
        assert_memory_equal(kp.verifying_key.bytes, want, 32);
        tss_frost_dkg_secret_package_clear(&sp);
        sodium_memzero(&kp, sizeof kp);
        sodium_memzero(&f, sizeof f);
    }
    free(scratch);
    json_decref(root);
}

/* ---- round trips through a whole DKG and a whole refresh ---- */

/* Every package of a 3-of-5 DKG goes through both encodings between the parts; the run completes and signs. */
static void test_dkg_roundtrip(void **state)
{
    (void)state;
    dkg_run r;
    dkg_alloc(&r, 5, 3, NULL);
    dkg_part1_all(&r);
    for (uint32_t i = 0; i < r.n; i++) {
        roundtrip_r1(&r.r1[i]);
        roundtrip_sp(&r.sp[i]);
    }
    dkg_part2_all(&r);
    for (uint32_t i = 0; i < r.n; i++) {
        roundtrip_sp(&r.sp[i]);
        for (uint32_t k = 0; k < r.n - 1; k++)
            roundtrip_r2(&r.r2[(size_t)i * (r.n - 1) + k]);
    }
    for (uint32_t i = 0; i < r.n; i++) {
        size_t nc = 9;
        assert_int_equal(dkg_part3_one(&r, i, NULL, 0, &nc), TSS_OK);
    }
    for (uint32_t i = 0; i < r.n; i++) {
        assert_pkp_equal(&r.pkp[i], &r.pkp[0]);
        assert_kp_matches(&r.kp[i], &r.pkp[0]);
    }
    const tss_frost_key_package *signers[3] = { &r.kp[4], &r.kp[1], &r.kp[2] };
    assert_int_equal(sign_with(signers, 3, &r.pkp[0], (const uint8_t *)"codec", 5), TSS_OK);
    /* A secret package that is not after part 1 or 2 does not serialize. */
    uint8_t bin[BUF_CAP];
    char js[BUF_CAP];
    size_t len;
    tss_frost_dkg_secret_package_clear(&r.sp[0]);
    assert_int_equal(tss_frost_dkg_secret_package_serialize(bin, sizeof bin, &len, &r.sp[0]), TSS_ERR_STATE);
    assert_int_equal(tss_frost_dkg_secret_package_to_json(js, sizeof js, &len, &r.sp[0]), TSS_ERR_STATE);
    dkg_free(&r);
}

/* Refresh packages (t-1 commitment points, zero constant term; none at all for t = 1) through both encodings. */
static void refresh_roundtrip(uint32_t n, uint32_t t)
{
    tss_frost_key_package *kps = calloc(n, sizeof *kps), *new_kps = calloc(n, sizeof *new_kps);
    tss_frost_public_share *old_sh = calloc(n, sizeof *old_sh), *new_sh = calloc((size_t)n * n, sizeof *new_sh);
    tss_frost_public_key_package old_pkp, *new_pkp = calloc(n, sizeof *new_pkp);
    assert_int_equal(tss_frost_public_key_package_init(&old_pkp, old_sh, n), TSS_OK);
    assert_int_equal(tss_frost_dealer_keygen(kps, &old_pkp, NULL, NULL, NULL, n, t), TSS_OK);
    dkg_run r;
    dkg_alloc(&r, n, t, NULL);
    for (uint32_t i = 0; i < n; i++) {
        assert_int_equal(tss_frost_refresh_part1(&r.sp[i], &r.r1[i], &kps[i], n), TSS_OK);
        assert_int_equal(r.r1[i].n_commitments, t - 1);
        roundtrip_r1(&r.r1[i]);
        roundtrip_sp(&r.sp[i]);
        assert_int_equal(r.sp[i].refresh, 1);
    }
    for (uint32_t i = 0; i < n; i++) {
        size_t nc = 9;
        dkg_others_r1(&r, i);
        assert_int_equal(tss_frost_refresh_part2(&r.sp[i], &r.r2[(size_t)i * (n - 1)], r.tmp1, n - 1, r.scratch,
                                                 r.scratch_len, NULL, 0, &nc), TSS_OK);
        roundtrip_sp(&r.sp[i]);
        for (uint32_t k = 0; k < n - 1; k++)
            roundtrip_r2(&r.r2[(size_t)i * (n - 1) + k]);
    }
    for (uint32_t i = 0; i < n; i++) {
        size_t nc = 9;
        dkg_others_r1(&r, i);
        dkg_r2_for(&r, i);
        assert_int_equal(tss_frost_public_key_package_init(&new_pkp[i], &new_sh[(size_t)i * n], n), TSS_OK);
        assert_int_equal(tss_frost_refresh_part3(&new_kps[i], &new_pkp[i], &r.sp[i], r.tmp1, n - 1, r.tmp2, n - 1,
                                                 &kps[i], &old_pkp, r.scratch, r.scratch_len, NULL, 0, &nc),
                         TSS_OK);
        assert_kp_matches(&new_kps[i], &new_pkp[0]);
    }
    assert_memory_equal(new_pkp[0].verifying_key.bytes, old_pkp.verifying_key.bytes, 32);
    const tss_frost_key_package **signers = calloc(t, sizeof *signers);
    for (uint32_t k = 0; k < t; k++)
        signers[k] = &new_kps[n - 1 - k];
    assert_int_equal(sign_with(signers, t, &new_pkp[0], (const uint8_t *)"refreshed", 9), TSS_OK);
    free(signers);
    dkg_free(&r);
    sodium_memzero(kps, n * sizeof *kps);
    sodium_memzero(new_kps, n * sizeof *new_kps);
    free(kps);
    free(new_kps);
    free(old_sh);
    free(new_sh);
    free(new_pkp);
}

static void test_refresh_roundtrip(void **state)
{
    (void)state;
    refresh_roundtrip(4, 3);
    refresh_roundtrip(3, 1);
}

/* ---- rejections ---- */

typedef struct encodings {
    dkg_run r;
    uint8_t r1[BUF_CAP], r2[BUF_CAP], sp1[BUF_CAP], sp2[BUF_CAP];
    size_t r1_len, r2_len, sp1_len, sp2_len;
    char r1j[BUF_CAP], r2j[BUF_CAP], sp1j[BUF_CAP], sp2j[BUF_CAP];
    size_t r1j_len, r2j_len, sp1j_len, sp2j_len;
    /* decoding targets with capacity t */
    tss_frost_element comm[8];
    tss_frost_scalar coeff[8];
    tss_frost_dkg_round1_package p1;
    tss_frost_dkg_round2_package p2;
    tss_frost_dkg_secret_package sp;
} encodings;

/* A 3-of-4 DKG's packages of participant 0 in both encodings (secret package after part 1 and after part 2). */
static encodings *encodings_make(void)
{
    encodings *e = calloc(1, sizeof *e);
    dkg_alloc(&e->r, 4, 3, NULL);
    dkg_part1_all(&e->r);
    assert_int_equal(tss_frost_dkg_round1_package_serialize(e->r1, BUF_CAP, &e->r1_len, &e->r.r1[0]), TSS_OK);
    assert_int_equal(tss_frost_dkg_round1_package_to_json(e->r1j, BUF_CAP, &e->r1j_len, &e->r.r1[0]), TSS_OK);
    assert_int_equal(tss_frost_dkg_secret_package_serialize(e->sp1, BUF_CAP, &e->sp1_len, &e->r.sp[0]), TSS_OK);
    assert_int_equal(tss_frost_dkg_secret_package_to_json(e->sp1j, BUF_CAP, &e->sp1j_len, &e->r.sp[0]), TSS_OK);
    dkg_part2_all(&e->r);
    assert_int_equal(tss_frost_dkg_round2_package_serialize(e->r2, BUF_CAP, &e->r2_len, &e->r.r2[0]), TSS_OK);
    assert_int_equal(tss_frost_dkg_round2_package_to_json(e->r2j, BUF_CAP, &e->r2j_len, &e->r.r2[0]), TSS_OK);
    assert_int_equal(tss_frost_dkg_secret_package_serialize(e->sp2, BUF_CAP, &e->sp2_len, &e->r.sp[0]), TSS_OK);
    assert_int_equal(tss_frost_dkg_secret_package_to_json(e->sp2j, BUF_CAP, &e->sp2j_len, &e->r.sp[0]), TSS_OK);
    assert_int_equal(tss_frost_dkg_round1_package_init(&e->p1, e->comm, 3), TSS_OK);
    assert_int_equal(tss_frost_dkg_secret_package_init(&e->sp, e->coeff, e->comm, 3), TSS_OK);
    return e;
}

static void encodings_free(encodings *e)
{
    tss_frost_dkg_secret_package_clear(&e->sp);
    dkg_free(&e->r);
    sodium_memzero(e, sizeof *e);
    free(e);
}

static int dec_r1(encodings *e, const uint8_t *b, size_t n) { return tss_frost_dkg_round1_package_deserialize(&e->p1, b, n); }
static int dec_r2(encodings *e, const uint8_t *b, size_t n) { return tss_frost_dkg_round2_package_deserialize(&e->p2, b, n); }
static int dec_sp(encodings *e, const uint8_t *b, size_t n) { return tss_frost_dkg_secret_package_deserialize(&e->sp, b, n); }
static int json_r1(encodings *e, const char *s, size_t n) { return tss_frost_dkg_round1_package_from_json(&e->p1, s, n); }
static int json_r2(encodings *e, const char *s, size_t n) { return tss_frost_dkg_round2_package_from_json(&e->p2, s, n); }
static int json_sp(encodings *e, const char *s, size_t n) { return tss_frost_dkg_secret_package_from_json(&e->sp, s, n); }

/* Every proper prefix and the one-byte extension of every encoding fails with TSS_ERR_ENCODING. */
static void test_truncations(void **state)
{
    (void)state;
    encodings *e = encodings_make();
    struct { const uint8_t *b; size_t len; int (*dec)(encodings *, const uint8_t *, size_t); } bins[4] = {
        { e->r1, e->r1_len, dec_r1 }, { e->r2, e->r2_len, dec_r2 }, { e->sp1, e->sp1_len, dec_sp },
        { e->sp2, e->sp2_len, dec_sp } };
    for (int k = 0; k < 4; k++) {
        uint8_t buf[BUF_CAP];
        memcpy(buf, bins[k].b, bins[k].len);
        assert_int_equal(bins[k].dec(e, buf, bins[k].len), TSS_OK);
        for (size_t len = 0; len < bins[k].len; len++)
            assert_int_equal(bins[k].dec(e, buf, len), TSS_ERR_ENCODING);
        buf[bins[k].len] = 0;
        assert_int_equal(bins[k].dec(e, buf, bins[k].len + 1), TSS_ERR_ENCODING);
    }
    uint32_t n;
    for (size_t len = 0; len < e->r1_len; len++)
        assert_int_equal(tss_frost_dkg_round1_package_peek(&n, e->r1, len), TSS_ERR_ENCODING);
    for (size_t len = 0; len < e->sp1_len; len++)
        assert_int_equal(tss_frost_dkg_secret_package_peek(&n, e->sp1, len), TSS_ERR_ENCODING);

    struct { const char *s; size_t len; int (*dec)(encodings *, const char *, size_t); } jsons[4] = {
        { e->r1j, e->r1j_len, json_r1 }, { e->r2j, e->r2j_len, json_r2 }, { e->sp1j, e->sp1j_len, json_sp },
        { e->sp2j, e->sp2j_len, json_sp } };
    for (int k = 0; k < 4; k++) {
        assert_int_equal(jsons[k].dec(e, jsons[k].s, jsons[k].len), TSS_OK);
        for (size_t len = 0; len < jsons[k].len; len++)
            assert_int_equal(jsons[k].dec(e, jsons[k].s, len), TSS_ERR_ENCODING);
    }
    encodings_free(e);
}

/* Replaces 32 bytes at off, decodes, restores. */
static int patched(encodings *e, uint8_t *b, size_t len, size_t off, const uint8_t v[32],
                   int (*dec)(encodings *, const uint8_t *, size_t))
{
    uint8_t keep[32];
    memcpy(keep, b + off, 32);
    memcpy(b + off, v, 32);
    int rc = dec(e, b, len);
    memcpy(b + off, keep, 32);
    return rc;
}

static void test_binary_rejections(void **state)
{
    (void)state;
    encodings *e = encodings_make();
    const uint8_t zero[32] = { 0 };
    /* round 1: version, tag, count, identifier, points, μ */
    uint8_t *b = e->r1;
    const size_t pok = 38 + 3 * 32;
    b[0] = 2;
    assert_int_equal(dec_r1(e, b, e->r1_len), TSS_ERR_ENCODING);
    b[0] = TSS_FROST_VERSION;
    b[1] = TSS_FROST_TAG_DKG_ROUND2_PACKAGE;
    assert_int_equal(dec_r1(e, b, e->r1_len), TSS_ERR_ENCODING);
    b[1] = TSS_FROST_TAG_DKG_ROUND1_PACKAGE;
    b[34] = 2;   /* two commitments declared, three present */
    assert_int_equal(dec_r1(e, b, e->r1_len), TSS_ERR_ENCODING);
    memset(b + 34, 0xff, 4);
    assert_int_equal(dec_r1(e, b, e->r1_len), TSS_ERR_ENCODING);
    b[34] = 3;
    memset(b + 35, 0, 3);
    assert_int_equal(dec_r1(e, b, e->r1_len), TSS_OK);
    assert_int_equal(patched(e, b, e->r1_len, 2, zero, dec_r1), TSS_ERR_ENCODING);
    assert_int_equal(patched(e, b, e->r1_len, 2, L_BYTES, dec_r1), TSS_ERR_ENCODING);
    for (size_t k = 0; k < 3; k++) {
        assert_int_equal(patched(e, b, e->r1_len, 38 + 32 * k, IDENTITY_BYTES, dec_r1), TSS_ERR_ENCODING);
        assert_int_equal(patched(e, b, e->r1_len, 38 + 32 * k, P_BYTES, dec_r1), TSS_ERR_ENCODING);
        assert_int_equal(patched(e, b, e->r1_len, 38 + 32 * k, OFF_CURVE_BYTES, dec_r1), TSS_ERR_ENCODING);
    }
    assert_int_equal(patched(e, b, e->r1_len, pok, IDENTITY_BYTES, dec_r1), TSS_ERR_ENCODING);
    assert_int_equal(patched(e, b, e->r1_len, pok, OFF_CURVE_BYTES, dec_r1), TSS_ERR_ENCODING);
    assert_int_equal(patched(e, b, e->r1_len, pok + 32, L_BYTES, dec_r1), TSS_ERR_ENCODING);
    /* Storage too small for the commitment. */
    tss_frost_element small[2];
    tss_frost_dkg_round1_package p;
    assert_int_equal(tss_frost_dkg_round1_package_init(&p, small, 2), TSS_OK);
    assert_int_equal(tss_frost_dkg_round1_package_deserialize(&p, b, e->r1_len), TSS_ERR_CAPACITY);
    assert_int_equal(tss_frost_dkg_round1_package_from_json(&p, e->r1j, e->r1j_len), TSS_ERR_CAPACITY);

    /* round 2: identifiers, sender == recipient, share */
    b = e->r2;
    assert_int_equal(dec_r2(e, b, e->r2_len), TSS_OK);
    assert_int_equal(patched(e, b, e->r2_len, 2, zero, dec_r2), TSS_ERR_ENCODING);
    assert_int_equal(patched(e, b, e->r2_len, 34, L_BYTES, dec_r2), TSS_ERR_ENCODING);
    assert_int_equal(patched(e, b, e->r2_len, 34, b + 2, dec_r2), TSS_ERR_ENCODING);
    assert_int_equal(patched(e, b, e->r2_len, 66, L_BYTES, dec_r2), TSS_ERR_ENCODING);

    /* secret after part 1: state, refresh flag, t > n, nonzero own share, commitment not [a_k]B */
    b = e->sp1;
    const size_t t = 3, coeff_off = 48, comm_off = 48 + t * 32, share_off = comm_off + t * 32;
    assert_int_equal(dec_sp(e, b, e->sp1_len), TSS_OK);
    for (uint8_t st = 0; st < 5; st++) {
        if (st == 1)
            continue;
        b[2] = st;
        assert_int_equal(dec_sp(e, b, e->sp1_len), TSS_ERR_ENCODING);
    }
    b[2] = 1;
    b[3] = 2;
    assert_int_equal(dec_sp(e, b, e->sp1_len), TSS_ERR_ENCODING);
    b[3] = 1;   /* a refresh package would carry t-1 points and a_0 = 0 */
    assert_int_equal(dec_sp(e, b, e->sp1_len), TSS_ERR_ENCODING);
    b[3] = 0;
    b[40] = 2;  /* max_signers 2 < t */
    assert_int_equal(dec_sp(e, b, e->sp1_len), TSS_ERR_ENCODING);
    b[40] = 4;
    uint8_t one[32] = { 1 };
    assert_int_equal(patched(e, b, e->sp1_len, share_off, one, dec_sp), TSS_ERR_ENCODING);
    assert_int_equal(patched(e, b, e->sp1_len, comm_off + 32, b + comm_off, dec_sp), TSS_ERR_ENCODING);
    assert_int_equal(patched(e, b, e->sp1_len, coeff_off + 32, one, dec_sp), TSS_ERR_ENCODING);
    assert_int_equal(patched(e, b, e->sp1_len, coeff_off, L_BYTES, dec_sp), TSS_ERR_ENCODING);
    assert_int_equal(patched(e, b, e->sp1_len, 4, zero, dec_sp), TSS_ERR_ENCODING);
    assert_int_equal(e->sp.state, 0);   /* a failed decode leaves a cleared package */
    assert_true(sodium_is_zero(e->coeff[0].bytes, sizeof e->coeff));
    /* secret after part 2: the share must match the commitment, the coefficients must be gone */
    b = e->sp2;
    assert_int_equal(dec_sp(e, b, e->sp2_len), TSS_OK);
    uint8_t other_share[32];
    memcpy(other_share, e->r.r2[0].signing_share.bytes, 32);
    assert_int_equal(patched(e, b, e->sp2_len, share_off, other_share, dec_sp), TSS_ERR_ENCODING);
    assert_int_equal(patched(e, b, e->sp2_len, share_off, L_BYTES, dec_sp), TSS_ERR_ENCODING);
    assert_int_equal(patched(e, b, e->sp2_len, coeff_off, one, dec_sp), TSS_ERR_ENCODING);
    assert_int_equal(patched(e, b, e->sp2_len, comm_off, IDENTITY_BYTES, dec_sp), TSS_ERR_ENCODING);
    /* Storage too small. */
    tss_frost_scalar c2[2];
    tss_frost_element e2[2];
    tss_frost_dkg_secret_package sp;
    assert_int_equal(tss_frost_dkg_secret_package_init(&sp, c2, e2, 2), TSS_OK);
    assert_int_equal(tss_frost_dkg_secret_package_deserialize(&sp, e->sp2, e->sp2_len), TSS_ERR_CAPACITY);
    assert_int_equal(tss_frost_dkg_secret_package_from_json(&sp, e->sp2j, e->sp2j_len), TSS_ERR_CAPACITY);
    encodings_free(e);
}

/* Replaces the first occurrence of `from` in src by `to`, decodes with dec. */
static int json_edit(encodings *e, const char *src, const char *from, const char *to,
                     int (*dec)(encodings *, const char *, size_t))
{
    char buf[2 * BUF_CAP];
    const char *at = strstr(src, from);
    assert_non_null(at);
    size_t pre = (size_t)(at - src);
    snprintf(buf, sizeof buf, "%.*s%s%s", (int)pre, src, to, at + strlen(from));
    return dec(e, buf, strlen(buf));
}

static void test_json_rejections(void **state)
{
    (void)state;
    encodings *e = encodings_make();
    char hex[65];
    /* round 1 */
    const char *s = e->r1j;
    assert_int_equal(json_edit(e, s, "\"version\":1", "\"version\":2", json_r1), TSS_ERR_ENCODING);
    assert_int_equal(json_edit(e, s, "\"identifier\":1", "\"identifier\":0", json_r1), TSS_ERR_ENCODING);
    assert_int_equal(json_edit(e, s, "\"identifier\":1", "\"identifier\":-1", json_r1), TSS_ERR_ENCODING);
    assert_int_equal(json_edit(e, s, "\"identifier\":1", "\"identifier\":\"x\"", json_r1), TSS_ERR_ENCODING);
    assert_int_equal(json_edit(e, s, "\"identifier\":1,", "", json_r1), TSS_ERR_ENCODING);
    assert_int_equal(json_edit(e, s, "\"commitment\":[\"", "\"commitment\":[\"00", json_r1), TSS_ERR_ENCODING);
    assert_int_equal(json_edit(e, s, "\"commitment\":[\"", "\"commitment\":[\"zz", json_r1), TSS_ERR_ENCODING);
    /* the size is checked against the storage first, then every entry */
    assert_int_equal(json_edit(e, s, "\"commitment\":[", "\"commitment\":[1,", json_r1), TSS_ERR_CAPACITY);
    e->p1.capacity = 4;
    assert_int_equal(json_edit(e, s, "\"commitment\":[", "\"commitment\":[1,", json_r1), TSS_ERR_ENCODING);
    e->p1.capacity = 3;
    assert_int_equal(json_edit(e, s, "\"commitment\":[", "\"commitment\":{\"a\":[", json_r1), TSS_ERR_ENCODING);
    sodium_bin2hex(hex, sizeof hex, IDENTITY_BYTES, 32);
    char rep[128];
    snprintf(rep, sizeof rep, "\"commitment\":[\"%s\",", hex);
    /* four points do not fit capacity 3 */
    assert_int_equal(json_edit(e, s, "\"commitment\":[", rep, json_r1), TSS_ERR_CAPACITY);
    e->p1.capacity = 4;   /* backing array has 8 */
    assert_int_equal(json_edit(e, s, "\"commitment\":[", rep, json_r1), TSS_ERR_ENCODING);
    e->p1.capacity = 3;
    assert_int_equal(json_edit(e, s, "\"proof_of_knowledge\":\"", "\"proof_of_knowledge\":\"00", json_r1),
                     TSS_ERR_ENCODING);
    assert_int_equal(json_edit(e, s, "\"proof_of_knowledge\"", "\"proof\"", json_r1), TSS_ERR_ENCODING);
    assert_int_equal(json_edit(e, s, "{", "{\"identifier\":2,", json_r1), TSS_ERR_ENCODING);   /* duplicate key */
    assert_int_equal(json_r1(e, "[]", 2), TSS_ERR_ENCODING);
    assert_int_equal(json_r1(e, "null", 4), TSS_ERR_ENCODING);
    /* round 2 */
    s = e->r2j;
    assert_int_equal(json_edit(e, s, "\"recipient\":2", "\"recipient\":1", json_r2), TSS_ERR_ENCODING);
    assert_int_equal(json_edit(e, s, "\"recipient\":2,", "", json_r2), TSS_ERR_ENCODING);
    assert_int_equal(json_edit(e, s, "\"signing_share\":\"", "\"signing_share\":\"0", json_r2), TSS_ERR_ENCODING);
    sodium_bin2hex(hex, sizeof hex, L_BYTES, 32);
    snprintf(rep, sizeof rep, "\"signing_share\":\"%s\"}", hex);
    char r2_bad[BUF_CAP];
    const char *at = strstr(s, "\"signing_share\"");
    assert_non_null(at);
    snprintf(r2_bad, sizeof r2_bad, "%.*s%s", (int)(at - s), s, rep);
    assert_int_equal(json_r2(e, r2_bad, strlen(r2_bad)), TSS_ERR_ENCODING);
    /* secret packages */
    s = e->sp1j;
    assert_int_equal(json_edit(e, s, "dkg_round1_secret", "dkg_round3_secret", json_sp), TSS_ERR_ENCODING);
    assert_int_equal(json_edit(e, s, "dkg_round1_secret", "dkg_round2_secret", json_sp), TSS_ERR_ENCODING);
    assert_int_equal(json_edit(e, s, "dkg_round1_secret", "refresh_round1_secret", json_sp), TSS_ERR_ENCODING);
    assert_int_equal(json_edit(e, s, "\"max_signers\":4", "\"max_signers\":2", json_sp), TSS_ERR_ENCODING);
    assert_int_equal(json_edit(e, s, "\"min_signers\":3", "\"min_signers\":0", json_sp), TSS_ERR_ENCODING);
    assert_int_equal(json_edit(e, s, "\"coefficients\":[\"", "\"coefficients\":[\"0", json_sp), TSS_ERR_ENCODING);
    assert_int_equal(json_edit(e, s, "\"commitment\":[\"", "\"commitment\":[\"0", json_sp), TSS_ERR_ENCODING);
    /* Without the commitment, part 1's is recomputed from the coefficients. */
    const char *cm = strstr(s, ",\"commitment\"");
    assert_non_null(cm);
    char no_comm[BUF_CAP];
    snprintf(no_comm, sizeof no_comm, "%.*s}", (int)(cm - s), s);
    assert_int_equal(json_sp(e, no_comm, strlen(no_comm)), TSS_OK);
    assert_memory_equal(e->comm, e->r.r1[0].commitment, 3 * 32);
    s = e->sp2j;
    assert_int_equal(json_edit(e, s, "\"signing_share\"", "\"share\"", json_sp), TSS_ERR_ENCODING);
    assert_int_equal(json_edit(e, s, "\"commitment\"", "\"coefficients\":[],\"commitment\"", json_sp),
                     TSS_ERR_ENCODING);
    assert_int_equal(json_edit(e, s, "\"commitment\"", "\"comm\"", json_sp), TSS_ERR_ENCODING);
    encodings_free(e);
}

/* Random byte changes to valid encodings: each decodes to TSS_ERR_ENCODING or, when it decodes, re-encodes
 * to exactly the changed bytes (the decoders accept only canonical encodings). Then random garbage. */
static void test_mutations_and_garbage(void **state)
{
    (void)state;
    encodings *e = encodings_make();
    tv_rng rng;
    tv_rng_seed(&rng, 0xc0dec);
    struct { uint8_t *b; size_t len; int kind; } bins[4] = {
        { e->r1, e->r1_len, 1 }, { e->r2, e->r2_len, 2 }, { e->sp1, e->sp1_len, 3 }, { e->sp2, e->sp2_len, 3 } };
    int decoded = 0;
    for (int iter = 0; iter < 1200; iter++) {
        int k = iter % 4;
        uint8_t buf[BUF_CAP], again[BUF_CAP];
        size_t len = bins[k].len, out_len = 0;
        memcpy(buf, bins[k].b, len);
        int flips = 1 + (int)(tv_rng_next(&rng) % 3);
        for (int f = 0; f < flips; f++)
            buf[tv_rng_next(&rng) % len] ^= (uint8_t)(1u << (tv_rng_next(&rng) % 8));
        int rc;
        if (bins[k].kind == 1) {
            rc = dec_r1(e, buf, len);
            if (rc == TSS_OK)
                assert_int_equal(tss_frost_dkg_round1_package_serialize(again, sizeof again, &out_len, &e->p1), TSS_OK);
        } else if (bins[k].kind == 2) {
            rc = dec_r2(e, buf, len);
            if (rc == TSS_OK)
                assert_int_equal(tss_frost_dkg_round2_package_serialize(again, sizeof again, &out_len, &e->p2), TSS_OK);
        } else {
            rc = dec_sp(e, buf, len);
            if (rc == TSS_OK)
                assert_int_equal(tss_frost_dkg_secret_package_serialize(again, sizeof again, &out_len, &e->sp), TSS_OK);
        }
        if (rc == TSS_OK) {
            decoded++;
            assert_int_equal(out_len, len);
            assert_memory_equal(again, buf, len);
        } else {
            assert_int_equal(rc, TSS_ERR_ENCODING);
        }
    }
    /* Some mutations (e.g. of the proof's R, or of an identifier) stay valid; most must not. */
    assert_true(decoded > 0 && decoded < 1200);
    for (int iter = 0; iter < 600; iter++) {
        uint8_t buf[512];
        size_t len = (size_t)(tv_rng_next(&rng) % sizeof buf);
        tv_rng_bytes(&rng, buf, len);
        if (len >= 2) {
            buf[0] = TSS_FROST_VERSION;
            buf[1] = (uint8_t)(TSS_FROST_TAG_DKG_ROUND1_PACKAGE + iter % 3);
        }
        int rc = iter % 3 == 0 ? dec_r1(e, buf, len) : iter % 3 == 1 ? dec_r2(e, buf, len) : dec_sp(e, buf, len);
        assert_int_equal(rc, TSS_ERR_ENCODING);
        char text[512];
        for (size_t i = 0; i < len; i++)
            text[i] = (char)(buf[i] % 95 + 32);
        assert_int_equal(json_r1(e, text, len), TSS_ERR_ENCODING);
        assert_int_equal(json_sp(e, text, len), TSS_ERR_ENCODING);
    }
    encodings_free(e);
}

/* The two-at-a-time decoder the protocol steps use agrees with frost_point_decode_fast on random bytes,
 * valid points and the special encodings (non-canonical y, negative zero, identity, off-curve). */
static void test_decode_x2_matches(void **state)
{
    (void)state;
    tv_rng rng;
    tv_rng_seed(&rng, 0x2d2d);
    uint8_t special[8][32];
    memcpy(special[0], P_BYTES, 32);
    memcpy(special[1], IDENTITY_BYTES, 32);
    memcpy(special[2], IDENTITY_BYTES, 32);
    special[2][31] |= 0x80;                     /* negative zero, y = 1 */
    memcpy(special[3], P_BYTES, 32);
    special[3][0] = 0xec;                       /* y = p - 1: x = 0 */
    memcpy(special[4], special[3], 32);
    special[4][31] |= 0x80;                     /* negative zero, y = -1 */
    memcpy(special[5], OFF_CURVE_BYTES, 32);
    memcpy(special[6], P_BYTES, 32);
    special[6][0] = 0xee;                       /* y = p + 1 (non-canonical 1) */
    memset(special[7], 0xff, 32);
    int valid = 0;
    for (int iter = 0; iter < 2000; iter++) {
        uint8_t a[32], b[32];
        if (iter < 64) {
            memcpy(a, special[iter % 8], 32);
            memcpy(b, special[(iter / 8) % 8], 32);
        } else if (iter % 3 == 0) {
            sc25519 k;
            ge25519_p3 P;
            sc25519_random(&k);
            ge25519_scalarmult_base(&P, &k);
            ge25519_tobytes(a, &P);
            tv_rng_bytes(&rng, b, 32);
        } else {
            tv_rng_bytes(&rng, a, 32);
            tv_rng_bytes(&rng, b, 32);
        }
        ge25519_p3 pa, pb, qa, qb;
        const unsigned want = (frost_point_decode_fast(&pa, a) == TSS_OK ? 1u : 0u) |
                              (frost_point_decode_fast(&pb, b) == TSS_OK ? 2u : 0u);
        const unsigned got = frost_kg_point_decode_fast_x2(&qa, a, &qb, b);
        assert_int_equal(got, want);
        if (want & 1u) {
            assert_true(ge25519_eq(&pa, &qa));
            valid++;
        }
        if (want & 2u)
            assert_true(ge25519_eq(&pb, &qb));
    }
    assert_true(valid > 500);
}

int main(void)
{
    if (tss_init() != TSS_OK)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors_dkg_json),
        cmocka_unit_test(test_dkg_roundtrip),
        cmocka_unit_test(test_refresh_roundtrip),
        cmocka_unit_test(test_truncations),
        cmocka_unit_test(test_binary_rejections),
        cmocka_unit_test(test_json_rejections),
        cmocka_unit_test(test_mutations_and_garbage),
        cmocka_unit_test(test_decode_x2_matches),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
