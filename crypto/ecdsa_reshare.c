/* Threshold ECDSA reshare: the dealing by old holders and the reception by new parties (see tss/ecdsa.h);
 * the new parties then refresh the provisional shares (ecdsa_dkg.c) to get pair setups and zero seeds. */
#include "crypto/ecdsa_internal.h"

#include <string.h>
#include <sodium.h>

static int old_ok(const tss_ecdsa_key_share *k)
{
    return k && k->version == TSS_ECDSA_VERSION && k->t >= 2 && k->t <= k->n && k->n <= TSS_ECDSA_MAX_PARTIES;
}

int tss_ecdsa_reshare_deal(tss_ecdsa_reshare_bcast *bcast, tss_ecdsa_reshare_p2p *p2p, const tss_ecdsa_key_share *old,
                           const uint32_t *dealers, uint32_t n_dealers, uint32_t new_n, uint32_t new_t,
                           const uint8_t session_id[32])
{
    if (!bcast || !p2p || !old_ok(old) || !session_id) return TSS_ERR_INVALID_ARG;
    if (new_t < 2 || new_t > new_n || new_n > TSS_ECDSA_MAX_PARTIES) return TSS_ERR_INVALID_ARG;
    int rc = ecdsa_check_party_list(dealers, n_dealers);
    if (rc != TSS_OK) return rc;
    if (n_dealers < old->t) return TSS_ERR_NOT_ENOUGH;
    if (dealers[n_dealers - 1] > old->n || ecdsa_index_of(dealers, n_dealers, old->index) < 0) return TSS_ERR_INVALID_ARG;
    k1_ctx c;
    if (k1_ctx_open(&c) != 0) return TSS_ERR_CRYPTO;
    k1_scalar coef[TSS_ECDSA_MAX_PARTIES], s, lambda, x, acc;
    if (k1_scalar_from_bytes_canonical(&s, old->secret_share) != 0) { k1_ctx_close(&c); return TSS_ERR_ENCODING; }
    ecdsa_lagrange(&lambda, old->index, dealers, n_dealers);
    k1_scalar_mul(&coef[0], &lambda, &s);
    for (uint32_t k = 1; k < new_t; k++) k1_scalar_random(&coef[k]);
    memset(bcast, 0, sizeof *bcast);
    bcast->from = old->index;
    memcpy(bcast->session_id, session_id, 32);
    bcast->new_t = new_t;
    bcast->new_n = new_n;
    for (uint32_t k = 0; k < new_t && rc == TSS_OK; k++)
        if (k1_point_mul_base(&c, bcast->vss[k], &coef[k]) != 0) rc = TSS_ERR_CRYPTO;  /* w_i = 0: prob. 1/n */
    for (uint32_t j = 1; j <= new_n && rc == TSS_OK; j++) {
        k1_scalar_from_u64(&x, j);
        acc = coef[new_t - 1];
        for (uint32_t k = new_t - 1; k-- > 0;) {
            k1_scalar_mul(&acc, &acc, &x);
            k1_scalar_add(&acc, &acc, &coef[k]);
        }
        tss_ecdsa_reshare_p2p *m = &p2p[j - 1];
        m->from = old->index;
        m->to = j;
        memcpy(m->session_id, session_id, 32);
        k1_scalar_to_bytes(m->share, &acc);
    }
    sodium_memzero(coef, sizeof coef);
    k1_scalar_clear(&s);
    k1_scalar_clear(&acc);
    k1_ctx_close(&c);
    return rc;
}

int tss_ecdsa_reshare_receive(tss_ecdsa_key_share *provisional, const tss_ecdsa_key_share *old_public,
                              const uint32_t *dealers, uint32_t n_dealers, const tss_ecdsa_reshare_bcast *bcasts,
                              const tss_ecdsa_reshare_p2p *shares, size_t n_in, uint32_t index, uint32_t new_n,
                              uint32_t new_t, const uint8_t session_id[32], uint32_t *culprit)
{
    uint32_t dummy;
    if (!culprit) culprit = &dummy;
    *culprit = 0;
    if (!provisional || !old_ok(old_public) || !bcasts || !shares || !session_id) return TSS_ERR_INVALID_ARG;
    if (index == 0) return TSS_ERR_ZERO_ID;
    if (new_t < 2 || new_t > new_n || new_n > TSS_ECDSA_MAX_PARTIES || index > new_n) return TSS_ERR_INVALID_ARG;
    int rc = ecdsa_check_party_list(dealers, n_dealers);
    if (rc != TSS_OK) return rc;
    if (n_dealers < old_public->t || dealers[n_dealers - 1] > old_public->n) return TSS_ERR_NOT_ENOUGH;
    if (n_in != n_dealers) return TSS_ERR_NOT_ENOUGH;
    int sb[TSS_ECDSA_MAX_PARTIES], sp[TSS_ECDSA_MAX_PARTIES];
    for (uint32_t k = 0; k < n_dealers; k++) sb[k] = sp[k] = -1;
    for (size_t i = 0; i < n_in; i++) {
        int pb = ecdsa_index_of(dealers, n_dealers, bcasts[i].from), pp = ecdsa_index_of(dealers, n_dealers, shares[i].from);
        if (pb < 0 || memcmp(bcasts[i].session_id, session_id, 32) != 0 || bcasts[i].new_t != new_t ||
            bcasts[i].new_n != new_n) {
            *culprit = pb < 0 ? 0 : bcasts[i].from;
            return TSS_ERR_SESSION;
        }
        if (pp < 0 || shares[i].to != index || memcmp(shares[i].session_id, session_id, 32) != 0) {
            *culprit = pp < 0 ? 0 : shares[i].from;
            return TSS_ERR_SESSION;
        }
        if (sb[pb] >= 0) { *culprit = bcasts[i].from; return TSS_ERR_DUPLICATE; }
        if (sp[pp] >= 0) { *culprit = shares[i].from; return TSS_ERR_DUPLICATE; }
        sb[pb] = (int)i;
        sp[pp] = (int)i;
    }
    k1_ctx c;
    if (k1_ctx_open(&c) != 0) return TSS_ERR_CRYPTO;
    static const uint8_t z[33];
    k1_scalar s, f, lambda;
    uint8_t sums[TSS_ECDSA_MAX_PARTIES][33], col[TSS_ECDSA_MAX_PARTIES][33], H0[TSS_ECDSA_MAX_PARTIES][33];
    k1_scalar_zero(&s);
    for (uint32_t d = 0; d < n_dealers && rc == TSS_OK; d++) {
        const tss_ecdsa_reshare_bcast *b = &bcasts[sb[d]];
        const tss_ecdsa_reshare_p2p *p = &shares[sp[d]];
        uint8_t lhs[33], rhs[33], want[33];
        *culprit = dealers[d];
        for (uint32_t k = 0; k < TSS_ECDSA_MAX_PARTIES && rc == TSS_OK; k++)
            if (k < new_t ? k1_point_check(&c, b->vss[k]) != 0 : memcmp(b->vss[k], z, 33) != 0) rc = TSS_ERR_ENCODING;
        if (rc != TSS_OK) break;
        if (k1_scalar_from_bytes_canonical(&f, p->share) != 0) { rc = TSS_ERR_ENCODING; break; }
        /* the dealt constant is λ_i·X_i of the old key */
        ecdsa_lagrange(&lambda, dealers[d], dealers, n_dealers);
        if (k1_point_mul(&c, want, old_public->public_shares[dealers[d] - 1], &lambda) != 0 ||
            !k1_point_eq(want, b->vss[0])) {
            rc = TSS_ERR_COMMITMENT;
            break;
        }
        if (k1_scalar_is_zero(&f) || k1_point_mul_base(&c, lhs, &f) != 0 ||
            k1_point_poly_eval(&c, rhs, (const uint8_t (*)[33])b->vss, new_t, index) != 0 || !k1_point_eq(lhs, rhs)) {
            rc = TSS_ERR_SHARE;
            break;
        }
        k1_scalar_add(&s, &s, &f);
        memcpy(H0[d], b->vss[0], 33);
    }
    if (rc == TSS_OK) {
        *culprit = 0;
        uint8_t gk[33];
        if (k1_point_sum(&c, gk, (const uint8_t (*)[33])H0, n_dealers) != 0 || !k1_point_eq(gk, old_public->group_key))
            rc = TSS_ERR_VERIFY;
    }
    tss_ecdsa_key_share ks;
    memset(&ks, 0, sizeof ks);
    for (uint32_t k = 0; k < new_t && rc == TSS_OK; k++) {
        for (uint32_t d = 0; d < n_dealers; d++) memcpy(col[d], bcasts[sb[d]].vss[k], 33);
        if (k1_point_sum(&c, sums[k], (const uint8_t (*)[33])col, n_dealers) != 0) rc = TSS_ERR_VERIFY;
    }
    for (uint32_t m = 1; m <= new_n && rc == TSS_OK; m++)
        if (k1_point_poly_eval(&c, ks.public_shares[m - 1], (const uint8_t (*)[33])sums, new_t, m) != 0) rc = TSS_ERR_VERIFY;
    if (rc == TSS_OK) {
        uint8_t mine[33];
        if (k1_scalar_is_zero(&s) || k1_point_mul_base(&c, mine, &s) != 0 || !k1_point_eq(mine, ks.public_shares[index - 1]))
            rc = TSS_ERR_VERIFY;
    }
    if (rc == TSS_OK) {
        ks.version = TSS_ECDSA_VERSION;
        ks.index = index;
        ks.t = new_t;
        ks.n = new_n;
        ks.epoch = old_public->epoch + 1;
        memcpy(ks.group_key, old_public->group_key, 33);
        k1_scalar_to_bytes(ks.secret_share, &s);
        ecdsa_key_id(ks.key_id, &ks, session_id);
        *provisional = ks;
    }
    sodium_memzero(&ks, sizeof ks);
    k1_scalar_clear(&s);
    k1_scalar_clear(&f);
    k1_ctx_close(&c);
    return rc;
}
