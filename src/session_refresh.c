/* The refresh session: new shares of an existing key for the same holders (frost-core refresh_dkg_*):
 * the DKG's three steps (src/session_keygen.c) with a zero constant term, so the group key and t stay
 * and every holder's share moves by Σ_j f_j(i). Every holder must take part; old shares no longer
 * combine with new ones, so the caller replaces the stored key package only after success. */
#include "src/session_internal.h"

#include <sodium.h>
#include <string.h>

int session_refresh_start(session *s, const session_refresh_params *p, const session_keys *keys,
                          const session_timing *timing, const session_io *io, uint64_t now_ms)
{
    if (s == NULL || p == NULL || keys == NULL || timing == NULL || io == NULL) return TSS_ERR_INVALID_ARG;
    if (p->key.t < 2 || p->key.n_holders < 2 || p->key.n_holders > SESSION_MAXP) return TSS_ERR_INVALID_ARG;
    int rc = session_keygen_setup(s, SESSION_KIND_REFRESH, p->session_id, p->key.holders, p->key.n_holders, keys,
                                  timing, now_ms);
    if (rc != TSS_OK) return rc;
    dkg_state *d = &s->u.dkg;
    d->old = p->key;
    d->has_old = 1;
    d->old_kp = p->key_package;
    d->has_old_kp = 1;
    d->t = p->key.t;
    memset(d->dealer, 1, s->n);
    memset(d->receiver, 1, s->n);
    s->result.generation = p->key.generation + 1;
    uint64_t own = 0;
    rc = session_keygen_sort_key(&d->old);
    if (rc == TSS_OK && (tss_frost_identifier_to_u64(&own, &d->old_kp.identifier) != TSS_OK || own != s->self ||
                         d->old_kp.min_signers != d->t ||
                         sodium_memcmp(d->old_kp.verifying_key.bytes, d->old.group_key.bytes, 32) != 0))
        rc = TSS_ERR_INVALID_ARG;
    if (rc == TSS_OK) rc = session_keygen_old_pkp(s);
    if (rc == TSS_OK) rc = tss_frost_refresh_part1(&d->sp, &d->r1[s->self_pos], &d->old_kp, s->n);
    if (rc == TSS_OK) rc = session_keygen_begin(s, io, now_ms);
    if (rc != TSS_OK) session_release(s);
    return rc;
}

static int refresh_deal(session *s, tss_frost_identifier *culprits, size_t cap, size_t *n_culprits)
{
    dkg_state *d = &s->u.dkg;
    size_t m = session_keygen_gather_r1(s);
    tss_frost_dkg_round2_package out[SESSION_MAXP];
    int rc = tss_frost_refresh_part2(&d->sp, out, d->others_r1, m, s->scratch, s->scratch_len, culprits, cap,
                                     n_culprits);
    if (rc == TSS_OK) session_keygen_scatter_r2(s, out);
    sodium_memzero(out, sizeof out);
    return rc;
}

static int refresh_combine(session *s, tss_frost_identifier *culprits, size_t cap, size_t *n_culprits)
{
    dkg_state *d = &s->u.dkg;
    size_t m = session_keygen_gather_r1(s);
    session_keygen_gather_r2(s);
    tss_frost_public_key_package pkp;
    int rc = tss_frost_public_key_package_init(&pkp, d->pkp_shares, SESSION_MAXP);
    if (rc == TSS_OK)
        rc = tss_frost_refresh_part3(&s->result.key_package, &pkp, &d->sp, d->others_r1, m, d->others_r2, m,
                                     &d->old_kp, &d->old_pkp, s->scratch, s->scratch_len, culprits, cap, n_culprits);
    if (rc == TSS_OK && sodium_memcmp(pkp.verifying_key.bytes, d->old.group_key.bytes, 32) != 0) rc = TSS_ERR_VERIFY;
    if (rc == TSS_OK) rc = session_keygen_result_shares(s, &pkp);
    return rc;
}

const keygen_ops session_refresh_ops = {
    .round1_encode = session_keygen_dkg_round1_encode,
    .round1_accept = session_keygen_dkg_round1_accept,
    .deal = refresh_deal,
    .combine = refresh_combine,
};
