/* The DKG session: FROST DKG (tss/frost_keygen.h) between the nodes of a session, every member both a
 * dealer and a receiver, over the key generation protocol of src/session_keygen.c (round 1 with a
 * consistent broadcast, sealed round-2 shares). Part 1 runs at the start, part 2 once every confirm
 * matches (bad proofs / commitment lengths name their senders), part 3 once every share is in (bad shares
 * name their senders). */
#include "src/session_internal.h"

#include <sodium.h>
#include <string.h>

int session_dkg_start(session *s, const session_dkg_params *p, const session_keys *keys,
                      const session_timing *timing, const session_io *io, uint64_t now_ms)
{
    if (s == NULL || p == NULL || keys == NULL || timing == NULL || io == NULL) return TSS_ERR_INVALID_ARG;
    if (p->n < 2 || p->n > SESSION_MAXP || p->t < 1 || p->t > p->n) return TSS_ERR_INVALID_ARG;
    int rc = session_keygen_setup(s, SESSION_KIND_DKG, p->session_id, p->participants, p->n, keys, timing, now_ms);
    if (rc != TSS_OK) return rc;
    dkg_state *d = &s->u.dkg;
    s->result.threshold = p->t;
    d->t = p->t;
    memset(d->dealer, 1, s->n);
    memset(d->receiver, 1, s->n);
    tss_frost_identifier me;
    rc = tss_frost_identifier_from_u64(&me, s->self);
    if (rc == TSS_OK) rc = tss_frost_dkg_part1(&d->sp, &d->r1[s->self_pos], &me, p->n, p->t);
    if (rc == TSS_OK) rc = session_keygen_begin(s, io, now_ms);
    if (rc != TSS_OK) session_release(s);
    return rc;
}

static int dkg_deal(session *s, tss_frost_identifier *culprits, size_t cap, size_t *n_culprits)
{
    dkg_state *d = &s->u.dkg;
    size_t m = session_keygen_gather_r1(s);
    tss_frost_dkg_round2_package out[SESSION_MAXP];
    int rc = tss_frost_dkg_part2(&d->sp, out, d->others_r1, m, s->scratch, s->scratch_len, culprits, cap, n_culprits);
    if (rc == TSS_OK) session_keygen_scatter_r2(s, out);
    sodium_memzero(out, sizeof out);
    return rc;
}

static int dkg_combine(session *s, tss_frost_identifier *culprits, size_t cap, size_t *n_culprits)
{
    dkg_state *d = &s->u.dkg;
    size_t m = session_keygen_gather_r1(s);
    session_keygen_gather_r2(s);
    tss_frost_public_key_package pkp;
    int rc = tss_frost_public_key_package_init(&pkp, d->pkp_shares, SESSION_MAXP);
    if (rc == TSS_OK)
        rc = tss_frost_dkg_part3(&s->result.key_package, &pkp, &d->sp, d->others_r1, m, d->others_r2, m, s->scratch,
                                 s->scratch_len, culprits, cap, n_culprits);
    if (rc == TSS_OK) rc = session_keygen_result_shares(s, &pkp);
    return rc;
}

const keygen_ops session_dkg_ops = {
    .round1_encode = session_keygen_dkg_round1_encode,
    .round1_accept = session_keygen_dkg_round1_accept,
    .deal = dkg_deal,
    .combine = dkg_combine,
};

