/* Key refresh and reshare. Refresh: same group key and threshold, new shares, new pairwise OT setups and zero seeds; the new
 * shares sign; old and new shares do not combine (neither by interpolation nor in a signing session, which
 * refuses the mixed epoch by name); a tampered refresh share is caught and named. Reshare: 2-of-3 to
 * 3-of-5 and back to 2-of-2 keeps the key and signs; bad dealt shares and constants name their dealer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "tss/ecdsa.h"
#include "crypto/ecdsa_point.h"
#include "crypto/secp256k1_scalar.h"
#include "ecdsa_fixture.h"
#include "test_support.h"

/* (Σ λ_i s_i)·G over the given shares (distinct indices). */
static void interpolate(uint8_t out[33], const tss_ecdsa_key_share *const *sh, uint32_t m)
{
    k1_ctx c;
    k1_scalar acc, s, num, den, xi, xj, d;
    assert_int_equal(k1_ctx_open(&c), 0);
    k1_scalar_zero(&acc);
    for (uint32_t i = 0; i < m; i++) {
        k1_scalar_from_u64(&num, 1);
        k1_scalar_from_u64(&den, 1);
        k1_scalar_from_u64(&xi, sh[i]->index);
        for (uint32_t j = 0; j < m; j++) {
            if (j == i) continue;
            k1_scalar_from_u64(&xj, sh[j]->index);
            k1_scalar_mul(&num, &num, &xj);
            k1_scalar_sub(&d, &xj, &xi);
            k1_scalar_mul(&den, &den, &d);
        }
        k1_scalar_inv(&den, &den);
        k1_scalar_mul(&num, &num, &den);
        assert_int_equal(k1_scalar_from_bytes_canonical(&s, sh[i]->secret_share), 0);
        k1_scalar_mul(&s, &s, &num);
        k1_scalar_add(&acc, &acc, &s);
    }
    assert_int_equal(k1_point_mul_base(&c, out, &acc), 0);
    k1_ctx_close(&c);
}

static void sign_ok(fx_key *k, const uint32_t *signers, uint32_t ns)
{
    tss_ecdsa_presignature pre[TSS_ECDSA_MAX_PARTIES];
    tss_ecdsa_signature sig;
    uint8_t sid[32], digest[32];
    randombytes_buf(sid, 32);
    randombytes_buf(digest, 32);
    assert_int_equal(fx_presign(k, signers, ns, sid, pre, NULL, NULL).status, TSS_OK);
    assert_int_equal(fx_sign(pre, ns, digest, &sig, NULL, NULL).status, TSS_OK);
    assert_int_equal(tss_ecdsa_verify(&sig, digest, k->shares[0].group_key), TSS_OK);
}

static void test_refresh(void **state)
{
    (void)state;
    fx_key *k = fx_key_new(), *old = fx_key_new();
    uint8_t sid[32];
    randombytes_buf(sid, 32);
    assert_int_equal(fx_dkg(k, 5, 3, sid, NULL, NULL).status, TSS_OK);
    *old = *k;
    randombytes_buf(sid, 32);
    fx_result r = fx_refresh(k, sid, NULL, NULL);
    assert_int_equal(r.status, TSS_OK);
    for (uint32_t i = 0; i < 5; i++) {
        assert_memory_equal(k->shares[i].group_key, old->shares[0].group_key, 33);
        assert_int_equal(k->shares[i].t, 3);
        assert_int_equal(k->shares[i].epoch, 1);
        assert_memory_not_equal(k->shares[i].secret_share, old->shares[i].secret_share, 32);
        assert_memory_not_equal(k->shares[i].key_id, old->shares[i].key_id, 32);
        assert_memory_not_equal(k->shares[i].public_shares[i], old->shares[i].public_shares[i], 33);
        assert_memory_not_equal(k->pairs[i][0].delta, old->pairs[i][0].delta, 16);
    }
    uint32_t s1[3] = {1, 2, 3}, s2[3] = {2, 4, 5}, s3[4] = {1, 3, 4, 5};
    sign_ok(k, s1, 3);
    sign_ok(k, s2, 3);
    sign_ok(k, s3, 4);
    /* interpolation: all new or all old give the key; mixed does not */
    uint8_t P[33];
    const tss_ecdsa_key_share *n3[3] = {&k->shares[0], &k->shares[1], &k->shares[2]};
    const tss_ecdsa_key_share *o3[3] = {&old->shares[0], &old->shares[1], &old->shares[2]};
    const tss_ecdsa_key_share *m3[3] = {&old->shares[0], &k->shares[1], &k->shares[2]};
    interpolate(P, n3, 3);
    assert_memory_equal(P, k->shares[0].group_key, 33);
    interpolate(P, o3, 3);
    assert_memory_equal(P, k->shares[0].group_key, 33);
    interpolate(P, m3, 3);
    assert_memory_not_equal(P, k->shares[0].group_key, 33);
    /* a signing session with party 3 still on the old epoch: refused by party 1, naming 3, no signature */
    fx_key *mixed = fx_key_new();
    *mixed = *k;
    mixed->shares[2] = old->shares[2];
    memcpy(mixed->pairs[2], old->pairs[2], sizeof mixed->pairs[2]);
    tss_ecdsa_presignature pre[3];
    r = fx_presign(mixed, s1, 3, sid, pre, NULL, NULL);
    assert_int_equal(r.status, TSS_ERR_SESSION);
    assert_int_equal(r.at, 1);
    assert_int_equal(r.culprit, 3);
    /* and a second refresh still keeps the key */
    randombytes_buf(sid, 32);
    assert_int_equal(fx_refresh(k, sid, NULL, NULL).status, TSS_OK);
    assert_int_equal(k->shares[2].epoch, 2);
    sign_ok(k, s2, 3);
    fx_key_free(mixed);
    fx_key_free(old);
    fx_key_free(k);
}

static void a_share(enum fx_kind kind, void *msg, uint32_t from, uint32_t to, void *arg)
{
    int *hits = arg;
    if (kind == FX_DKG_P2 && from == 2 && to == 3) {
        ((tss_ecdsa_dkg_p2p2 *)msg)->share[31] ^= 1;
        (*hits)++;
    }
}

static void test_refresh_tampered(void **state)
{
    (void)state;
    fx_key *k = fx_key_new();
    uint8_t sid[32];
    int hits = 0;
    randombytes_buf(sid, 32);
    assert_int_equal(fx_dkg(k, 3, 2, sid, NULL, NULL).status, TSS_OK);
    randombytes_buf(sid, 32);
    fx_result r = fx_refresh(k, sid, a_share, &hits);
    assert_int_equal(hits, 1);
    assert_int_equal(r.status, TSS_ERR_SHARE);
    assert_int_equal(r.culprit, 2);
    assert_int_equal(r.at, 3);
    fx_key_free(k);
}

/* Reshare 2-of-3 (dealers 1, 3) -> 3-of-5; tamper: 0 none, 1 a dealt share, 2 a dealt constant. */
static fx_result reshare(fx_key *old, const uint32_t *dealers, uint32_t nd, fx_key *out, uint32_t n, uint32_t t, int tamper)
{
    tss_ecdsa_reshare_bcast b[TSS_ECDSA_MAX_PARTIES];
    tss_ecdsa_reshare_p2p p[TSS_ECDSA_MAX_PARTIES][TSS_ECDSA_MAX_PARTIES];
    uint8_t sid[32];
    fx_result r = {0, 0, 0, 0};
    randombytes_buf(sid, 32);
    for (uint32_t d = 0; d < nd; d++)
        assert_int_equal(tss_ecdsa_reshare_deal(&b[d], p[d], &old->shares[dealers[d] - 1], dealers, nd, n, t, sid), TSS_OK);
    if (tamper == 1) p[1][3].share[31] ^= 1;               /* dealer 2 -> new party 4 */
    if (tamper == 2) memcpy(b[0].vss[0], b[0].vss[1], 33); /* dealer 1's constant */
    tss_ecdsa_key_share pub = old->shares[0];
    sodium_memzero(pub.secret_share, 32);                  /* a new member knows only the public part */
    sodium_memzero(pub.zero_seeds, sizeof pub.zero_seeds);
    for (uint32_t j = 1; j <= n; j++) {
        tss_ecdsa_reshare_p2p in[TSS_ECDSA_MAX_PARTIES];
        for (uint32_t d = 0; d < nd; d++) in[d] = p[d][j - 1];
        uint32_t culprit = 0;
        int rc = tss_ecdsa_reshare_receive(&out->shares[j - 1], &pub, dealers, nd, b, in, nd, j, n, t, sid, &culprit);
        if (rc != TSS_OK) {
            r.status = rc; r.culprit = culprit; r.at = j;
            return r;
        }
    }
    out->n = n;
    out->t = t;
    randombytes_buf(sid, 32);
    return fx_refresh(out, sid, NULL, NULL);
}

static void test_reshare(void **state)
{
    (void)state;
    fx_key *k = fx_key_new(), *nk = fx_key_new();
    uint8_t sid[32];
    randombytes_buf(sid, 32);
    assert_int_equal(fx_dkg(k, 3, 2, sid, NULL, NULL).status, TSS_OK);
    uint32_t dealers[2] = {1, 3};
    fx_result r = reshare(k, dealers, 2, nk, 5, 3, 0);
    assert_int_equal(r.status, TSS_OK);
    for (uint32_t i = 0; i < 5; i++) {
        assert_memory_equal(nk->shares[i].group_key, k->shares[0].group_key, 33);
        assert_int_equal(nk->shares[i].t, 3);
        assert_int_equal(nk->shares[i].n, 5);
    }
    uint32_t s1[3] = {1, 4, 5}, s2[3] = {2, 3, 5}, s4[5] = {1, 2, 3, 4, 5};
    sign_ok(nk, s1, 3);
    sign_ok(nk, s2, 3);
    sign_ok(nk, s4, 5);
    /* the new 3-of-5 shares interpolate to the key; two old ones with a new one do not */
    uint8_t P[33];
    const tss_ecdsa_key_share *n3[3] = {&nk->shares[1], &nk->shares[2], &nk->shares[4]};
    const tss_ecdsa_key_share *m3[3] = {&k->shares[0], &k->shares[1], &nk->shares[2]};
    interpolate(P, n3, 3);
    assert_memory_equal(P, k->shares[0].group_key, 33);
    interpolate(P, m3, 3);
    assert_memory_not_equal(P, k->shares[0].group_key, 33);
    /* back down to 2-of-2 from three of the new holders */
    fx_key *k2 = fx_key_new();
    uint32_t d2[3] = {2, 4, 5};
    assert_int_equal(reshare(nk, d2, 3, k2, 2, 2, 0).status, TSS_OK);
    uint32_t s5[2] = {1, 2};
    sign_ok(k2, s5, 2);
    /* a bad dealt share names its dealer; a dealt constant that is not λ_i·X_i too */
    fx_key *bad = fx_key_new();
    r = reshare(k, dealers, 2, bad, 5, 3, 1);
    assert_int_equal(r.status, TSS_ERR_SHARE);
    assert_int_equal(r.culprit, 3);
    assert_int_equal(r.at, 4);
    r = reshare(k, dealers, 2, bad, 5, 3, 2);
    assert_int_equal(r.status, TSS_ERR_COMMITMENT);
    assert_int_equal(r.culprit, 1);
    /* fewer dealers than the old threshold */
    uint32_t one[1] = {1};
    tss_ecdsa_reshare_bcast b;
    tss_ecdsa_reshare_p2p p[5];
    assert_int_equal(tss_ecdsa_reshare_deal(&b, p, &k->shares[0], one, 1, 5, 3, sid), TSS_ERR_NOT_ENOUGH);
    fx_key_free(bad);
    fx_key_free(k2);
    fx_key_free(nk);
    fx_key_free(k);
}

int main(void)
{
    if (tss_init() != TSS_OK) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refresh),
        cmocka_unit_test(test_refresh_tampered),
        cmocka_unit_test(test_reshare),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
