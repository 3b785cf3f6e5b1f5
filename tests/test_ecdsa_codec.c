/* Binary and JSON encodings of every threshold ECDSA object: round trips of real protocol objects (a
 * decoded presignature still signs; decoded states finish their protocol), and rejection of wrong version,
 * type, length, points off the curve, non-canonical scalars, zero, out-of-range and unsorted indices, and
 * JSON whose readable fields disagree with its data. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "tss/ecdsa.h"
#include "ecdsa_fixture.h"
#include "test_support.h"

static fx_key *g_key;

/* encode -> decode -> encode gives the same bytes, and JSON -> object -> binary too */
static void roundtrip(tss_ecdsa_type type, const void *obj, size_t struct_size)
{
    size_t n = tss_ecdsa_encoded_size(type), len = 0;
    assert_true(n > 2);
    uint8_t *a = malloc(n), *b = malloc(n);
    void *back = calloc(1, struct_size);
    assert_int_equal(tss_ecdsa_encode(type, obj, a, n, &len), TSS_OK);
    assert_int_equal(len, n);
    assert_int_equal(tss_ecdsa_encode(type, obj, a, n - 1, &len), TSS_ERR_CAPACITY);
    assert_int_equal(tss_ecdsa_decode(type, back, a, n), TSS_OK);
    assert_int_equal(tss_ecdsa_encode(type, back, b, n, NULL), TSS_OK);
    assert_memory_equal(a, b, n);
    /* framing */
    assert_int_equal(tss_ecdsa_decode(type, back, a, n - 1), TSS_ERR_ENCODING);
    a[0] ^= 1;
    assert_int_equal(tss_ecdsa_decode(type, back, a, n), TSS_ERR_ENCODING);
    a[0] ^= 1;
    a[1] ^= 0x40;
    assert_int_equal(tss_ecdsa_decode(type, back, a, n), TSS_ERR_ENCODING);
    a[1] ^= 0x40;
    /* JSON */
    size_t jcap = tss_ecdsa_json_size(type), jlen = 0;
    char *j = malloc(jcap);
    assert_int_equal(tss_ecdsa_to_json(type, obj, j, jcap, &jlen), TSS_OK);
    assert_int_equal(strlen(j), jlen);
    memset(back, 0, struct_size);
    assert_int_equal(tss_ecdsa_from_json(type, back, j, jlen), TSS_OK);
    assert_int_equal(tss_ecdsa_encode(type, back, b, n, NULL), TSS_OK);
    assert_memory_equal(a, b, n);
    /* another type's name */
    tss_ecdsa_type other = type == TSS_ECDSA_SIGNATURE ? TSS_ECDSA_SIG_SHARE : TSS_ECDSA_SIGNATURE;
    void *o2 = calloc(1, 1 << 20);
    assert_int_equal(tss_ecdsa_from_json(other, o2, j, jlen), TSS_ERR_ENCODING);
    free(o2);
    free(j);
    free(a);
    free(b);
    free(back);
}

static void test_roundtrip_all(void **state)
{
    (void)state;
    roundtrip(TSS_ECDSA_KEY_SHARE, &g_key->shares[1], sizeof(tss_ecdsa_key_share));
    roundtrip(TSS_ECDSA_PAIR, &g_key->pairs[2][0], sizeof(tss_ecdsa_pair));
    /* DKG messages and states from a real run of round 1 and 2 of party 1 of 3 */
    tss_ecdsa_dkg_state *st = calloc(3, sizeof *st);
    tss_ecdsa_dkg_bcast1 b1[3];
    tss_ecdsa_dkg_p2p1 p1[3][2];
    tss_ecdsa_dkg_bcast2 b2;
    tss_ecdsa_dkg_p2p2 *p2 = calloc(2, sizeof *p2);
    uint8_t sid[32];
    randombytes_buf(sid, 32);
    for (uint32_t i = 1; i <= 3; i++) assert_int_equal(tss_ecdsa_dkg_round1(&st[i - 1], &b1[i - 1], p1[i - 1], sid, i, 3, 2), TSS_OK);
    roundtrip(TSS_ECDSA_DKG_STATE, &st[0], sizeof *st);
    roundtrip(TSS_ECDSA_DKG_BCAST1, &b1[0], sizeof b1[0]);
    roundtrip(TSS_ECDSA_DKG_P2P1, &p1[0][0], sizeof p1[0][0]);
    tss_ecdsa_dkg_bcast1 in_b[2] = {b1[1], b1[2]};
    tss_ecdsa_dkg_p2p1 in_p[2] = {p1[1][0], p1[2][0]};
    /* party 1 continues from a decoded copy of its state */
    size_t n = tss_ecdsa_encoded_size(TSS_ECDSA_DKG_STATE);
    uint8_t *enc = malloc(n);
    assert_int_equal(tss_ecdsa_encode(TSS_ECDSA_DKG_STATE, &st[0], enc, n, NULL), TSS_OK);
    memset(&st[0], 0, sizeof st[0]);
    assert_int_equal(tss_ecdsa_decode(TSS_ECDSA_DKG_STATE, &st[0], enc, n), TSS_OK);
    free(enc);
    assert_int_equal(tss_ecdsa_dkg_round2(&st[0], &b2, p2, in_b, in_p, 2, NULL), TSS_OK);
    roundtrip(TSS_ECDSA_DKG_STATE, &st[0], sizeof *st);
    roundtrip(TSS_ECDSA_DKG_BCAST2, &b2, sizeof b2);
    roundtrip(TSS_ECDSA_DKG_P2P2, &p2[0], sizeof p2[0]);
    free(p2);
    tss_ecdsa_wipe(st, 3 * sizeof *st);
    free(st);
    /* presign */
    uint32_t signers[2] = {1, 3};
    tss_ecdsa_presign_state *ps = calloc(2, sizeof *ps);
    tss_ecdsa_presign_msg1 *m1 = calloc(2, sizeof *m1);
    tss_ecdsa_presign_msg2 *m2 = calloc(2, sizeof *m2);
    assert_int_equal(tss_ecdsa_presign_round1(&ps[0], &m1[0], &g_key->shares[0], g_key->pairs[0], 2, signers, 2, sid), TSS_OK);
    assert_int_equal(tss_ecdsa_presign_round1(&ps[1], &m1[1], &g_key->shares[2], g_key->pairs[2], 2, signers, 2, sid), TSS_OK);
    roundtrip(TSS_ECDSA_PRESIGN_STATE, &ps[0], sizeof *ps);
    roundtrip(TSS_ECDSA_PRESIGN_MSG1, &m1[0], sizeof *m1);
    assert_int_equal(tss_ecdsa_presign_round2(&ps[0], &m2[0], &g_key->shares[0], g_key->pairs[0], 2, &m1[1], 1, NULL), TSS_OK);
    assert_int_equal(tss_ecdsa_presign_round2(&ps[1], &m2[1], &g_key->shares[2], g_key->pairs[2], 2, &m1[0], 1, NULL), TSS_OK);
    roundtrip(TSS_ECDSA_PRESIGN_STATE, &ps[1], sizeof *ps);
    roundtrip(TSS_ECDSA_PRESIGN_MSG2, &m2[0], sizeof *m2);
    tss_ecdsa_presignature pre[2];
    assert_int_equal(tss_ecdsa_presign_finish(&ps[0], &pre[0], &g_key->shares[0], g_key->pairs[0], 2, &m2[1], 1, NULL), TSS_OK);
    assert_int_equal(tss_ecdsa_presign_finish(&ps[1], &pre[1], &g_key->shares[2], g_key->pairs[2], 2, &m2[0], 1, NULL), TSS_OK);
    roundtrip(TSS_ECDSA_PRESIGNATURE, &pre[0], sizeof pre[0]);
    roundtrip(TSS_ECDSA_PRESIG_PUBLIC, &pre[0].pub, sizeof pre[0].pub);
    /* a presignature that went through its encoding still signs */
    n = tss_ecdsa_encoded_size(TSS_ECDSA_PRESIGNATURE);
    enc = malloc(n);
    assert_int_equal(tss_ecdsa_encode(TSS_ECDSA_PRESIGNATURE, &pre[1], enc, n, NULL), TSS_OK);
    tss_ecdsa_wipe(&pre[1], sizeof pre[1]);
    assert_int_equal(tss_ecdsa_decode(TSS_ECDSA_PRESIGNATURE, &pre[1], enc, n), TSS_OK);
    free(enc);
    tss_ecdsa_signature sig;
    uint8_t digest[32];
    randombytes_buf(digest, 32);
    tss_ecdsa_sig_share sh[2];
    tss_ecdsa_presig_public pub;
    assert_int_equal(tss_ecdsa_sign_online(&pre[0], digest, &sh[0], &pub), TSS_OK);
    assert_int_equal(tss_ecdsa_sign_online(&pre[1], digest, &sh[1], NULL), TSS_OK);
    roundtrip(TSS_ECDSA_SIG_SHARE, &sh[0], sizeof sh[0]);
    assert_int_equal(tss_ecdsa_combine(&sig, &pub, digest, sh, 2, NULL), TSS_OK);
    roundtrip(TSS_ECDSA_SIGNATURE, &sig, sizeof sig);
    /* a used (wiped) presignature cannot be brought back through its encoding */
    enc = malloc(n);
    assert_int_equal(pre[0].state, 0);
    assert_int_equal(tss_ecdsa_encode(TSS_ECDSA_PRESIGNATURE, &pre[0], enc, n, NULL), TSS_OK);
    assert_int_equal(tss_ecdsa_decode(TSS_ECDSA_PRESIGNATURE, &pre[1], enc, n), TSS_ERR_ENCODING);
    free(enc);
    free(ps);
    free(m1);
    free(m2);
}

/* Field-level validation on decode. */
static void test_rejects(void **state)
{
    (void)state;
    size_t n = tss_ecdsa_encoded_size(TSS_ECDSA_KEY_SHARE);
    uint8_t *a = malloc(n), *b = malloc(n);
    tss_ecdsa_key_share k;
    assert_int_equal(tss_ecdsa_encode(TSS_ECDSA_KEY_SHARE, &g_key->shares[0], a, n, NULL), TSS_OK);
    /* layout: ver, type, version u32, index u32, t, n, epoch, key_id 32, group_key 33, public_shares 16*33,
     * secret_share 32, zero_seeds */
    const size_t o_index = 2 + 4, o_t = o_index + 4, o_gk = 2 + 5 * 4 + 32, o_ps = o_gk + 33, o_sec = o_ps + 16 * 33;
    memcpy(b, a, n); b[o_index + 3] = 0;                 /* index 0 */
    assert_int_equal(tss_ecdsa_decode(TSS_ECDSA_KEY_SHARE, &k, b, n), TSS_ERR_ENCODING);
    memcpy(b, a, n); b[o_index + 3] = 17;                /* index > MAX */
    assert_int_equal(tss_ecdsa_decode(TSS_ECDSA_KEY_SHARE, &k, b, n), TSS_ERR_ENCODING);
    memcpy(b, a, n); b[o_t + 3] = 1;                     /* t = 1 */
    assert_int_equal(tss_ecdsa_decode(TSS_ECDSA_KEY_SHARE, &k, b, n), TSS_ERR_ENCODING);
    memcpy(b, a, n); memset(b + o_gk + 1, 0xff, 32);     /* group key off the curve */
    assert_int_equal(tss_ecdsa_decode(TSS_ECDSA_KEY_SHARE, &k, b, n), TSS_ERR_ENCODING);
    memcpy(b, a, n); b[o_gk] = 0x04;                     /* not compressed */
    assert_int_equal(tss_ecdsa_decode(TSS_ECDSA_KEY_SHARE, &k, b, n), TSS_ERR_ENCODING);
    memcpy(b, a, n); memset(b + o_ps + 33, 0, 33);       /* a used public share missing */
    assert_int_equal(tss_ecdsa_decode(TSS_ECDSA_KEY_SHARE, &k, b, n), TSS_ERR_ENCODING);
    memcpy(b, a, n); memcpy(b + o_ps + 10 * 33, b + o_ps, 33);  /* an unused one set */
    assert_int_equal(tss_ecdsa_decode(TSS_ECDSA_KEY_SHARE, &k, b, n), TSS_ERR_ENCODING);
    memcpy(b, a, n); memset(b + o_sec, 0xff, 32);        /* secret share >= n */
    assert_int_equal(tss_ecdsa_decode(TSS_ECDSA_KEY_SHARE, &k, b, n), TSS_ERR_ENCODING);
    assert_int_equal(tss_ecdsa_decode(TSS_ECDSA_KEY_SHARE, &k, a, n), TSS_OK);
    free(a);
    free(b);
    /* signer lists: unsorted, duplicate, zero-first */
    tss_ecdsa_presig_public pub;
    memset(&pub, 0, sizeof pub);
    pub.t = 2; pub.n_signers = 2; pub.signers[0] = 1; pub.signers[1] = 3;
    memcpy(pub.group_key, g_key->shares[0].group_key, 33);
    memcpy(pub.R, g_key->shares[0].public_shares[0], 33);
    n = tss_ecdsa_encoded_size(TSS_ECDSA_PRESIG_PUBLIC);
    a = malloc(n);
    assert_int_equal(tss_ecdsa_encode(TSS_ECDSA_PRESIG_PUBLIC, &pub, a, n, NULL), TSS_OK);
    assert_int_equal(tss_ecdsa_decode(TSS_ECDSA_PRESIG_PUBLIC, &pub, a, n), TSS_OK);
    a[2 + 8 + 3] = 3; a[2 + 12 + 3] = 1;                 /* 3, 1 */
    assert_int_equal(tss_ecdsa_decode(TSS_ECDSA_PRESIG_PUBLIC, &pub, a, n), TSS_ERR_ENCODING);
    a[2 + 8 + 3] = 3; a[2 + 12 + 3] = 3;                 /* 3, 3 */
    assert_int_equal(tss_ecdsa_decode(TSS_ECDSA_PRESIG_PUBLIC, &pub, a, n), TSS_ERR_ENCODING);
    a[2 + 8 + 3] = 0; a[2 + 12 + 3] = 3;                 /* 0, 3 */
    assert_int_equal(tss_ecdsa_decode(TSS_ECDSA_PRESIG_PUBLIC, &pub, a, n), TSS_ERR_ENCODING);
    free(a);
    /* a signature with high S or v > 3 */
    tss_ecdsa_signature sig;
    memset(&sig, 0, sizeof sig);
    sig.r[31] = 1;
    memset(sig.s, 0xee, 32);
    sig.s[0] = 0x80;
    n = tss_ecdsa_encoded_size(TSS_ECDSA_SIGNATURE);
    a = malloc(n);
    assert_int_equal(tss_ecdsa_encode(TSS_ECDSA_SIGNATURE, &sig, a, n, NULL), TSS_OK);
    assert_int_equal(tss_ecdsa_decode(TSS_ECDSA_SIGNATURE, &sig, a, n), TSS_ERR_ENCODING);  /* 0x80ee.. > n/2 */
    a[2 + 32] = 0x10;
    assert_int_equal(tss_ecdsa_decode(TSS_ECDSA_SIGNATURE, &sig, a, n), TSS_OK);
    a[n - 1] = 4;
    assert_int_equal(tss_ecdsa_decode(TSS_ECDSA_SIGNATURE, &sig, a, n), TSS_ERR_ENCODING);
    free(a);
    /* JSON: readable fields must agree; bad hex, missing data, wrong version */
    size_t jcap = tss_ecdsa_json_size(TSS_ECDSA_PAIR), jlen;
    char *j = malloc(jcap);
    tss_ecdsa_pair p;
    assert_int_equal(tss_ecdsa_to_json(TSS_ECDSA_PAIR, &g_key->pairs[0][0], j, jcap, &jlen), TSS_OK);
    char *peer = strstr(j, "\"peer\":2");
    assert_non_null(peer);
    peer[7] = '3';
    assert_int_equal(tss_ecdsa_from_json(TSS_ECDSA_PAIR, &p, j, jlen), TSS_ERR_ENCODING);
    peer[7] = '2';
    assert_int_equal(tss_ecdsa_from_json(TSS_ECDSA_PAIR, &p, j, jlen), TSS_OK);
    char *data = strstr(j, "\"data\":\"");
    data[9] = 'z';
    assert_int_equal(tss_ecdsa_from_json(TSS_ECDSA_PAIR, &p, j, jlen), TSS_ERR_ENCODING);
    assert_int_equal(tss_ecdsa_from_json(TSS_ECDSA_PAIR, &p, "{\"type\":\"pair\",\"version\":1}", 27), TSS_ERR_ENCODING);
    assert_int_equal(tss_ecdsa_from_json(TSS_ECDSA_PAIR, &p, "not json", 8), TSS_ERR_ENCODING);
    free(j);
}

static int setup(void **s)
{
    (void)s;
    uint8_t sid[32];
    randombytes_buf(sid, 32);
    g_key = fx_key_new();
    return fx_dkg(g_key, 3, 2, sid, NULL, NULL).status == TSS_OK ? 0 : -1;
}

static int teardown(void **s)
{
    (void)s;
    fx_key_free(g_key);
    return 0;
}

int main(void)
{
    if (tss_init() != TSS_OK) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip_all),
        cmocka_unit_test(test_rejects),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
