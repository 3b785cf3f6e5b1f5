/* DKLs23 round 3 (online, with the digest) and the combination into a standard ECDSA signature.
 *   share (at i):  w_i = e·φ_i + r_x·v_i, with e the digest mod n and r_x = R.x mod n; sends (u_i, w_i).
 *   combine:       s = Σ w_i / Σ u_i = φ(e + r_x·x) / (r·φ) = (e + r_x·x) / r: ECDSA with nonce r, R = r·G.
 *                  low-S normalization (s -> n - s flips R to -R, so the parity bit of v flips), recovery id
 *                  v = parity(R.y) | 2·(R.x >= n), and a libsecp256k1 recovery that must give the group key:
 *                  Q = r_x⁻¹(s·R - e·G) = group key is exactly the ECDSA verification equation, and also
 *                  proves v. */
#include "crypto/ecdsa_internal.h"

#include <string.h>
#include <sodium.h>

static const uint8_t N_BYTES[32] = {
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE,
    0xBA, 0xAE, 0xDC, 0xE6, 0xAF, 0x48, 0xA0, 0x3B, 0xBF, 0xD2, 0x5E, 0x8C, 0xD0, 0x36, 0x41, 0x41,
};

int tss_ecdsa_sign_online(tss_ecdsa_presignature *presig, const uint8_t digest[32], tss_ecdsa_sig_share *share,
                          tss_ecdsa_presig_public *pub)
{
    if (!presig || !digest || !share) return TSS_ERR_INVALID_ARG;
    if (presig->state != TSS_ECDSA_PRESIG_LIVE) return TSS_ERR_PRESIG_USED;
    /* consumed before anything derived from it leaves: a failure below still wipes it */
    presig->state = 0;
    k1_scalar e, rx, phi, v, w, t;
    int rc = TSS_OK;
    k1_scalar_from_bytes_reduce(&e, digest);
    k1_scalar_from_bytes_reduce(&rx, presig->pub.R + 1);
    if (k1_scalar_from_bytes_canonical(&phi, presig->phi) != 0 || k1_scalar_from_bytes_canonical(&v, presig->v) != 0 ||
        k1_scalar_is_zero(&rx)) {
        rc = TSS_ERR_ENCODING;
    } else {
        k1_scalar_mul(&w, &e, &phi);
        k1_scalar_mul(&t, &rx, &v);
        k1_scalar_add(&w, &w, &t);
        share->from = presig->self;
        memcpy(share->session_id, presig->pub.session_id, 32);
        memcpy(share->u, presig->u, 32);
        k1_scalar_to_bytes(share->w, &w);
        if (pub) *pub = presig->pub;
    }
    k1_scalar_clear(&phi);
    k1_scalar_clear(&v);
    k1_scalar_clear(&w);
    k1_scalar_clear(&t);
    sodium_memzero(presig, sizeof *presig);
    return rc;
}

int tss_ecdsa_combine(tss_ecdsa_signature *sig, const tss_ecdsa_presig_public *pub, const uint8_t digest[32],
                      const tss_ecdsa_sig_share *shares, size_t n_shares, uint32_t *culprit)
{
    uint32_t dummy;
    if (!culprit) culprit = &dummy;
    *culprit = 0;
    if (!sig || !pub || !digest || !shares) return TSS_ERR_INVALID_ARG;
    int rc = ecdsa_check_party_list(pub->signers, pub->n_signers);
    if (rc != TSS_OK) return rc;
    if (n_shares != pub->n_signers) return TSS_ERR_NOT_ENOUGH;
    uint32_t seen = 0;
    k1_scalar U, W, x;
    k1_scalar_zero(&U);
    k1_scalar_zero(&W);
    for (size_t i = 0; i < n_shares; i++) {
        int pos = ecdsa_index_of(pub->signers, pub->n_signers, shares[i].from);
        if (pos < 0 || memcmp(shares[i].session_id, pub->session_id, 32) != 0) {
            *culprit = shares[i].from;
            return TSS_ERR_SESSION;
        }
        if (seen & (1u << pos)) { *culprit = shares[i].from; return TSS_ERR_DUPLICATE; }
        seen |= 1u << pos;
        if (k1_scalar_from_bytes_canonical(&x, shares[i].u) != 0) { *culprit = shares[i].from; return TSS_ERR_ENCODING; }
        k1_scalar_add(&U, &U, &x);
        if (k1_scalar_from_bytes_canonical(&x, shares[i].w) != 0) { *culprit = shares[i].from; return TSS_ERR_ENCODING; }
        k1_scalar_add(&W, &W, &x);
    }
    if (k1_scalar_is_zero(&U) || (pub->R[0] != 2 && pub->R[0] != 3)) return TSS_ERR_VERIFY;
    k1_scalar s, rx;
    k1_scalar_inv(&U, &U);
    k1_scalar_mul(&s, &W, &U);
    k1_scalar_from_bytes_reduce(&rx, pub->R + 1);
    if (k1_scalar_is_zero(&s) || k1_scalar_is_zero(&rx)) return TSS_ERR_VERIFY;
    uint8_t v = (uint8_t)(pub->R[0] & 1);
    if (memcmp(pub->R + 1, N_BYTES, 32) >= 0) v |= 2;
    if (k1_scalar_is_high(&s)) {
        k1_scalar_neg(&s, &s);
        v ^= 1;
    }
    k1_scalar_to_bytes(sig->r, &rx);
    k1_scalar_to_bytes(sig->s, &s);
    sig->v = v;
    uint8_t rec[33];
    if (tss_ecdsa_recover(rec, sig, digest) != TSS_OK || memcmp(rec, pub->group_key, 33) != 0) {
        memset(sig, 0, sizeof *sig);
        return TSS_ERR_VERIFY;
    }
    return TSS_OK;
}
