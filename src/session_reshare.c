/* The reshare session: old holders (the dealers, >= the old t of them) deal an existing key to a new set
 * of holders with a new threshold; the group key stays. Over the key generation protocol of
 * src/session_keygen.c: each dealer's round 1 is its commitment to h_i (h_i(0) = λ_i·s_i, t' points, no
 * proof) followed by the old key's public part; the confirm makes every member agree on all of them;
 * dealers seal h_i(x) to every new holder x, who combines them with tss_frost_reshare_finish (which
 * checks Σ_i H_i0 against the old group key and names dealers whose H_i0 != [λ_i]Y_i).
 *
 * The old key: a member that holds it checks every dealer's copy against its own (a different one names
 * the dealer). A new member without it adopts the first dealer's copy (after checking it fits the
 * session: every dealer a holder, at least t dealers) and requires every other dealer's to be identical;
 * if they differ the session fails (TSS_ERR_VERIFY) since it cannot tell who lies, and the holders among
 * the members, which can, name the liar. Dealers that are not new holders are DONE once their shares are
 * out (result.has_key_package = 0): they should delete their old share once the new holders report
 * success. */
#include "src/session_internal.h"

#include <sodium.h>
#include <string.h>

static int key_digest(uint8_t out[SESSION_DIGEST_BYTES], const session_key_public *k)
{
    uint8_t buf[SESSION_KEY_PUBLIC_BYTES(SESSION_MAXP)];
    size_t len = 0;
    int rc = session_codec_key_public_encode(buf, sizeof buf, &len, k);
    if (rc == TSS_OK) session_digest(out, buf, len);
    return rc;
}

/* Every dealer holds the old key, and there are enough of them. */
static int key_fits(const session *s, const session_key_public *k)
{
    const dkg_state *d = &s->u.dkg;
    if (d->n_dealers < k->t) return 0;
    for (uint16_t x = 0; x < d->n_dealers; x++) {
        uint16_t node = s->members[d->dealer_pos[x]];
        int found = 0;
        for (uint16_t i = 0; i < k->n_holders; i++) found |= k->holders[i] == node;
        if (!found) return 0;
    }
    return 1;
}

static int take_key(session *s, const session_key_public *k)
{
    dkg_state *d = &s->u.dkg;
    d->old = *k;
    int rc = session_keygen_sort_key(&d->old);
    if (rc == TSS_OK && !key_fits(s, &d->old)) rc = TSS_ERR_INVALID_ARG;
    if (rc == TSS_OK) rc = key_digest(d->old_digest, &d->old);
    if (rc == TSS_OK) rc = session_keygen_old_pkp(s);
    if (rc != TSS_OK) return rc;
    d->has_old = 1;
    s->result.generation = d->old.generation + 1;
    return TSS_OK;
}

static int ids_of(const session *s, const uint8_t *flags, tss_frost_identifier *ids, uint16_t *nodes)
{
    uint16_t m = 0;
    for (uint16_t i = 0; i < s->n; i++) {
        if (!flags[i]) continue;
        if (nodes != NULL) nodes[m] = s->members[i];
        if (tss_frost_identifier_from_u64(&ids[m], s->members[i]) != TSS_OK) return -1;
        m++;
    }
    return m;
}

static int deal_now(session *s)
{
    dkg_state *d = &s->u.dkg;
    tss_frost_identifier dealer_ids[SESSION_MAXP], new_ids[SESSION_MAXP];
    uint16_t new_nodes[SESSION_MAXP];
    int nd = ids_of(s, d->dealer, dealer_ids, NULL), nn = ids_of(s, d->receiver, new_ids, new_nodes);
    if (nd < 0 || nn < 0) return TSS_ERR_INVALID_ARG;
    tss_frost_dkg_round2_package out[SESSION_MAXP];
    int rc = tss_frost_reshare_deal(&d->r1[s->self_pos], out, &d->old_kp, dealer_ids, (size_t)nd, new_ids,
                                    (uint32_t)nn, d->t, s->scratch, s->scratch_len);
    for (int k = 0; k < nn && rc == TSS_OK; k++) {
        int pos = session_pos(s, new_nodes[k]);
        if (pos == s->self_pos) {
            d->r2_in[pos] = out[k].signing_share;
            d->have_r2[pos] = 1;
        } else {
            d->r2_out[pos] = out[k];
        }
    }
    sodium_memzero(out, sizeof out);
    return rc;
}

int session_reshare_start(session *s, const session_reshare_params *p, const session_keys *keys,
                          const session_timing *timing, const session_io *io, uint64_t now_ms)
{
    if (s == NULL || p == NULL || keys == NULL || timing == NULL || io == NULL) return TSS_ERR_INVALID_ARG;
    if (p->n_dealers < 1 || p->n_dealers > SESSION_MAXP || p->n_new < 1 || p->n_new > SESSION_MAXP ||
        p->new_t < 1 || p->new_t > p->n_new)
        return TSS_ERR_INVALID_ARG;
    /* Members: dealers ∪ new participants. */
    uint16_t nodes[SESSION_MAXP];
    uint16_t n = 0;
    for (uint16_t i = 0; i < p->n_dealers + p->n_new; i++) {
        uint16_t v = i < p->n_dealers ? p->dealers[i] : p->new_participants[i - p->n_dealers];
        int dup = 0;
        for (uint16_t k = 0; k < n; k++) dup |= nodes[k] == v;
        if (i < p->n_dealers && dup) return TSS_ERR_INVALID_ARG; /* repeated dealer */
        if (dup) {
            /* a new participant may be a dealer, but not listed twice among the new ones */
            for (uint16_t k = p->n_dealers; k < i; k++)
                if (p->new_participants[k - p->n_dealers] == v) return TSS_ERR_INVALID_ARG;
            continue;
        }
        if (n == SESSION_MAXP) return TSS_ERR_INVALID_ARG;
        nodes[n++] = v;
    }
    int rc = session_keygen_setup(s, SESSION_KIND_RESHARE, p->session_id, nodes, n, keys, timing, now_ms);
    if (rc != TSS_OK) return rc;
    dkg_state *d = &s->u.dkg;
    d->t = p->new_t;
    s->result.threshold = p->new_t;
    for (uint16_t i = 0; i < p->n_dealers; i++) d->dealer[session_pos(s, p->dealers[i])] = 1;
    for (uint16_t i = 0; i < p->n_new; i++) d->receiver[session_pos(s, p->new_participants[i])] = 1;
    d->n_dealers = 0;
    for (uint16_t i = 0; i < s->n; i++)
        if (d->dealer[i]) d->dealer_pos[d->n_dealers++] = (uint8_t)i;
    if (p->has_key) rc = take_key(s, &p->key);
    if (rc == TSS_OK && d->dealer[s->self_pos]) {
        uint64_t own = 0;
        d->old_kp = p->key_package;
        d->has_old_kp = 1;
        if (!p->has_key || tss_frost_identifier_to_u64(&own, &d->old_kp.identifier) != TSS_OK || own != s->self ||
            d->old_kp.min_signers != d->old.t ||
            sodium_memcmp(d->old_kp.verifying_key.bytes, d->old.group_key.bytes, 32) != 0)
            rc = TSS_ERR_INVALID_ARG;
        if (rc == TSS_OK) rc = deal_now(s);
    }
    if (rc == TSS_OK) rc = session_keygen_begin(s, io, now_ms);
    if (rc != TSS_OK) session_release(s);
    return rc;
}

static int reshare_round1_encode(session *s, uint8_t *out, size_t cap, size_t *len)
{
    return session_codec_reshare_round1_encode(out, cap, len, s->self, &s->u.dkg.r1[s->self_pos], &s->u.dkg.old);
}

static int reshare_round1_accept(session *s, int pos, const uint8_t *in, size_t len)
{
    dkg_state *d = &s->u.dkg;
    session_key_public k;
    uint16_t who = 0;
    int rc = session_codec_reshare_round1_decode(&d->r1[pos], &who, &k, in, len);
    if (rc != TSS_OK || who != s->members[pos]) return TSS_ERR_ENCODING;
    if (!d->has_old) {
        if (take_key(s, &k) == TSS_OK) {
            d->old_adopted = 1;
            return TSS_OK;
        }
        s->culprit[pos] = 1; /* a key that does not fit the session's dealers */
        return TSS_ERR_CULPRIT;
    }
    uint8_t digest[SESSION_DIGEST_BYTES];
    if (session_keygen_sort_key(&k) != TSS_OK || key_digest(digest, &k) != TSS_OK ||
        sodium_memcmp(digest, d->old_digest, sizeof digest) != 0) {
        if (d->old_adopted) return TSS_ERR_VERIFY;
        s->culprit[pos] = 1;
        return TSS_ERR_CULPRIT;
    }
    return TSS_OK;
}

static int reshare_deal(session *s, tss_frost_identifier *culprits, size_t cap, size_t *n_culprits)
{
    /* The shares were made at the start (tss_frost_reshare_deal makes commitment and shares at once). */
    (void)s;
    (void)culprits;
    (void)cap;
    *n_culprits = 0;
    return TSS_OK;
}

static int reshare_combine(session *s, tss_frost_identifier *culprits, size_t cap, size_t *n_culprits)
{
    dkg_state *d = &s->u.dkg;
    tss_frost_identifier dealer_ids[SESSION_MAXP], new_ids[SESSION_MAXP], me;
    int nd = ids_of(s, d->dealer, dealer_ids, NULL), nn = ids_of(s, d->receiver, new_ids, NULL);
    if (nd < 0 || nn < 0 || !d->has_old || tss_frost_identifier_from_u64(&me, s->self) != TSS_OK)
        return TSS_ERR_STATE;
    for (uint16_t x = 0; x < d->n_dealers; x++) {
        uint8_t j = d->dealer_pos[x];
        d->others_r1[x] = d->r1[j];
        tss_frost_dkg_round2_package *r2 = &d->others_r2[x];
        r2->version = TSS_FROST_VERSION;
        r2->sender = dealer_ids[x];
        r2->recipient = me;
        r2->signing_share = d->r2_in[j];
    }
    tss_frost_public_key_package pkp;
    int rc = tss_frost_public_key_package_init(&pkp, d->pkp_shares, SESSION_MAXP);
    if (rc == TSS_OK)
        rc = tss_frost_reshare_finish(&s->result.key_package, &pkp, &me, new_ids, (uint32_t)nn, d->t, &d->old_pkp,
                                      dealer_ids, (size_t)nd, d->others_r1, d->others_r2, d->n_dealers, s->scratch,
                                      s->scratch_len, culprits, cap, n_culprits);
    if (rc == TSS_OK) rc = session_keygen_result_shares(s, &pkp);
    return rc;
}

const keygen_ops session_reshare_ops = {
    .round1_encode = reshare_round1_encode,
    .round1_accept = reshare_round1_accept,
    .deal = reshare_deal,
    .combine = reshare_combine,
};
