/* Threshold ECDSA: verification, recovery, digests, Ethereum addresses and shared helpers. */
#include "crypto/ecdsa_internal.h"

#include <string.h>
#include <sodium.h>
#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include "crypto/ecdsa_transcript.h"
#include "crypto/keccak.h"

int ecdsa_check_party_list(const uint32_t *parties, uint32_t n)
{
    if (!parties || n == 0 || n > TSS_ECDSA_MAX_PARTIES) return TSS_ERR_INVALID_ARG;
    for (uint32_t i = 0; i < n; i++) {
        if (parties[i] == 0) return TSS_ERR_ZERO_ID;
        if (parties[i] > TSS_ECDSA_MAX_PARTIES) return TSS_ERR_INVALID_ARG;
        for (uint32_t j = 0; j < i; j++)
            if (parties[j] == parties[i]) return TSS_ERR_DUPLICATE;
        if (i > 0 && parties[i] < parties[i - 1]) return TSS_ERR_INVALID_ARG;
    }
    return TSS_OK;
}

void ecdsa_lagrange(k1_scalar *out, uint32_t self, const uint32_t *set, uint32_t n)
{
    k1_scalar num, den, xj, xi, d;
    k1_scalar_from_u64(&num, 1);
    k1_scalar_from_u64(&den, 1);
    k1_scalar_from_u64(&xi, self);
    for (uint32_t k = 0; k < n; k++) {
        if (set[k] == self) continue;
        k1_scalar_from_u64(&xj, set[k]);
        k1_scalar_mul(&num, &num, &xj);
        k1_scalar_sub(&d, &xj, &xi);
        k1_scalar_mul(&den, &den, &d);
    }
    k1_scalar_inv(&den, &den);
    k1_scalar_mul(out, &num, &den);
}

void ecdsa_key_id(uint8_t out[32], const tss_ecdsa_key_share *k, const uint8_t sid[32])
{
    ecdsa_transcript t;
    ecdsa_transcript_init(&t, "key-id");
    ecdsa_transcript_point(&t, "group-key", k->group_key);
    ecdsa_transcript_u32(&t, "t", k->t);
    ecdsa_transcript_u32(&t, "n", k->n);
    ecdsa_transcript_u32(&t, "epoch", k->epoch);
    for (uint32_t j = 0; j < k->n; j++) ecdsa_transcript_point(&t, "public-share", k->public_shares[j]);
    ecdsa_transcript_append(&t, ECDSA_T_SID, "sid", sid, 32);
    ecdsa_transcript_bytes_out(&t, out, 32);
}

const tss_ecdsa_pair *ecdsa_pair_find(const tss_ecdsa_pair *pairs, size_t n_pairs, uint32_t self, uint32_t peer,
                                      const uint8_t key_id[32])
{
    for (size_t i = 0; pairs && i < n_pairs; i++)
        if (pairs[i].version == TSS_ECDSA_VERSION && pairs[i].self == self && pairs[i].peer == peer &&
            memcmp(pairs[i].key_id, key_id, 32) == 0)
            return &pairs[i];
    return NULL;
}

void ecdsa_pair_sender(ote_sender_setup *s, const tss_ecdsa_pair *p)
{
    memcpy(s->delta, p->delta, sizeof s->delta);
    memcpy(s->seeds, p->sender_seeds, sizeof s->seeds);
}

void ecdsa_pair_receiver(ote_receiver_setup *r, const tss_ecdsa_pair *p)
{
    memcpy(r->seeds, p->receiver_seeds, sizeof r->seeds);
}

int ecdsa_index_of(const uint32_t *set, uint32_t n, uint32_t x)
{
    for (uint32_t i = 0; i < n; i++)
        if (set[i] == x) return (int)i;
    return -1;
}

/* ---- public helpers ---- */

int tss_ecdsa_recover(uint8_t pubkey[33], const tss_ecdsa_signature *sig, const uint8_t digest[32])
{
    uint8_t rs[64];
    secp256k1_ecdsa_recoverable_signature rsig;
    secp256k1_pubkey pk;
    size_t len = 33;
    if (!sig || !digest || !pubkey || sig->v > 3) return TSS_ERR_INVALID_ARG;
    memcpy(rs, sig->r, 32);
    memcpy(rs + 32, sig->s, 32);
    if (!secp256k1_ecdsa_recoverable_signature_parse_compact(secp256k1_context_static, &rsig, rs, sig->v))
        return TSS_ERR_ENCODING;
    if (!secp256k1_ecdsa_recover(secp256k1_context_static, &pk, &rsig, digest)) return TSS_ERR_VERIFY;
    secp256k1_ec_pubkey_serialize(secp256k1_context_static, pubkey, &len, &pk, SECP256K1_EC_COMPRESSED);
    return TSS_OK;
}

int tss_ecdsa_verify(const tss_ecdsa_signature *sig, const uint8_t digest[32], const uint8_t pubkey[33])
{
    uint8_t rs[64], rec[33];
    secp256k1_ecdsa_signature s;
    secp256k1_pubkey pk;
    if (!sig || !digest || !pubkey) return TSS_ERR_INVALID_ARG;
    memcpy(rs, sig->r, 32);
    memcpy(rs + 32, sig->s, 32);
    if (!secp256k1_ecdsa_signature_parse_compact(secp256k1_context_static, &s, rs)) return TSS_ERR_ENCODING;
    if (!secp256k1_ec_pubkey_parse(secp256k1_context_static, &pk, pubkey, 33)) return TSS_ERR_ENCODING;
    if (!secp256k1_ecdsa_verify(secp256k1_context_static, &s, digest, &pk)) return TSS_ERR_VERIFY;
    if (tss_ecdsa_recover(rec, sig, digest) != TSS_OK || memcmp(rec, pubkey, 33) != 0) return TSS_ERR_VERIFY;
    return TSS_OK;
}

int tss_ecdsa_verify_der(const uint8_t *der, size_t der_len, const uint8_t digest[32], const uint8_t *pubkey,
                         size_t pubkey_len, int allow_high_s)
{
    secp256k1_ecdsa_signature s;
    secp256k1_pubkey pk;
    if (!der || !digest || !pubkey || (pubkey_len != 33 && pubkey_len != 65)) return TSS_ERR_INVALID_ARG;
    if (!secp256k1_ecdsa_signature_parse_der(secp256k1_context_static, &s, der, der_len)) return TSS_ERR_ENCODING;
    if (!secp256k1_ec_pubkey_parse(secp256k1_context_static, &pk, pubkey, pubkey_len)) return TSS_ERR_ENCODING;
    if (allow_high_s) secp256k1_ecdsa_signature_normalize(secp256k1_context_static, &s, &s);
    return secp256k1_ecdsa_verify(secp256k1_context_static, &s, digest, &pk) ? TSS_OK : TSS_ERR_VERIFY;
}

void tss_ecdsa_keccak256(uint8_t digest[32], const uint8_t *msg, size_t len) { keccak256(digest, msg, len); }

void tss_ecdsa_sha256(uint8_t digest[32], const uint8_t *msg, size_t len) { crypto_hash_sha256(digest, msg, len); }

int tss_ecdsa_eth_address(uint8_t address[20], const uint8_t pubkey[33])
{
    secp256k1_pubkey pk;
    uint8_t un[65], h[32];
    size_t len = 65;
    if (!address || !pubkey) return TSS_ERR_INVALID_ARG;
    if ((pubkey[0] != 2 && pubkey[0] != 3) ||
        !secp256k1_ec_pubkey_parse(secp256k1_context_static, &pk, pubkey, 33))
        return TSS_ERR_ENCODING;
    secp256k1_ec_pubkey_serialize(secp256k1_context_static, un, &len, &pk, SECP256K1_EC_UNCOMPRESSED);
    keccak256(h, un + 1, 64);
    memcpy(address, h + 12, 20);
    return TSS_OK;
}

void tss_ecdsa_eth_address_hex(char out[43], const uint8_t address[20])
{
    static const char hex[] = "0123456789abcdef";
    char lower[40];
    uint8_t h[32];
    for (int i = 0; i < 20; i++) {
        lower[2 * i] = hex[address[i] >> 4];
        lower[2 * i + 1] = hex[address[i] & 15];
    }
    keccak256(h, (const uint8_t *)lower, 40);
    out[0] = '0';
    out[1] = 'x';
    for (int i = 0; i < 40; i++) {
        unsigned nib = (i % 2 == 0) ? (h[i / 2] >> 4) : (h[i / 2] & 15);
        char ch = lower[i];
        out[2 + i] = (ch >= 'a' && nib >= 8) ? (char)(ch - 'a' + 'A') : ch;
    }
    out[42] = '\0';
}

int tss_ecdsa_status_bans(int status)
{
    return status == TSS_ERR_OT_CONSISTENCY || status == TSS_ERR_RVOLE;
}

void tss_ecdsa_wipe(void *p, size_t len)
{
    if (p) sodium_memzero(p, len);
}

int tss_ecdsa_dealer_keygen(tss_ecdsa_key_share *shares, tss_ecdsa_pair *pairs, uint32_t n, uint32_t t)
{
    k1_ctx c;
    k1_scalar coef[TSS_ECDSA_MAX_PARTIES], x, acc, s;
    uint8_t sid[32];
    if (!shares || !pairs || t < 2 || t > n || n > TSS_ECDSA_MAX_PARTIES) return TSS_ERR_INVALID_ARG;
    if (k1_ctx_open(&c) != 0) return TSS_ERR_CRYPTO;
    randombytes_buf(sid, sizeof sid);
    for (uint32_t k = 0; k < t; k++) k1_scalar_random(&coef[k]);
    memset(shares, 0, sizeof *shares * n);
    for (uint32_t i = 1; i <= n; i++) {
        tss_ecdsa_key_share *sh = &shares[i - 1];
        k1_scalar_from_u64(&x, i);
        acc = coef[t - 1];
        for (uint32_t k = t - 1; k-- > 0;) {
            k1_scalar_mul(&acc, &acc, &x);
            k1_scalar_add(&acc, &acc, &coef[k]);
        }
        sh->version = TSS_ECDSA_VERSION;
        sh->index = i;
        sh->t = t;
        sh->n = n;
        k1_scalar_to_bytes(sh->secret_share, &acc);
        if (k1_point_mul_base(&c, sh->public_shares[i - 1], &acc) != 0) goto fail;
        if (i == 1 && k1_point_mul_base(&c, sh->group_key, &coef[0]) != 0) goto fail;
    }
    for (uint32_t i = 1; i <= n; i++) {
        tss_ecdsa_key_share *sh = &shares[i - 1];
        memcpy(sh->group_key, shares[0].group_key, 33);
        for (uint32_t j = 1; j <= n; j++) memcpy(sh->public_shares[j - 1], shares[j - 1].public_shares[j - 1], 33);
    }
    uint8_t key_id[32];
    ecdsa_key_id(key_id, &shares[0], sid);
    for (uint32_t i = 1; i <= n; i++) memcpy(shares[i - 1].key_id, key_id, 32);
    for (uint32_t i = 1; i <= n; i++)
        for (uint32_t j = i + 1; j <= n; j++) {
            uint8_t seed[32];
            randombytes_buf(seed, 32);
            memcpy(shares[i - 1].zero_seeds[j - 1], seed, 32);
            memcpy(shares[j - 1].zero_seeds[i - 1], seed, 32);
        }
    /* pairs: party i's entries at (i-1)*(n-1) + k for its k-th peer in ascending order */
    for (uint32_t i = 1; i <= n; i++) {
        uint32_t k = 0;
        for (uint32_t j = 1; j <= n; j++) {
            if (j == i) continue;
            tss_ecdsa_pair *p = &pairs[(size_t)(i - 1) * (n - 1) + k++];
            memset(p, 0, sizeof *p);
            p->version = TSS_ECDSA_VERSION;
            p->self = i;
            p->peer = j;
            memcpy(p->key_id, key_id, 32);
        }
    }
    /* direction (sender i, receiver j): i holds Δ and the chosen seeds, j both seeds */
    for (uint32_t i = 1; i <= n; i++)
        for (uint32_t j = 1; j <= n; j++) {
            if (i == j) continue;
            tss_ecdsa_pair *pi = &pairs[(size_t)(i - 1) * (n - 1) + (j < i ? j - 1 : j - 2)];
            tss_ecdsa_pair *pj = &pairs[(size_t)(j - 1) * (n - 1) + (i < j ? i - 1 : i - 2)];
            randombytes_buf(pi->delta, sizeof pi->delta);
            randombytes_buf(pj->receiver_seeds, sizeof pj->receiver_seeds);
            for (uint32_t l = 0; l < TSS_ECDSA_OT_KAPPA; l++) {
                unsigned b = (pi->delta[l / 8] >> (l % 8)) & 1u;
                memcpy(pi->sender_seeds[l], pj->receiver_seeds[l][b], 16);
            }
        }
    k1_ctx_close(&c);
    sodium_memzero(coef, sizeof coef);
    sodium_memzero(&acc, sizeof acc);
    (void)s;
    return TSS_OK;
fail:
    k1_ctx_close(&c);
    sodium_memzero(coef, sizeof coef);
    return TSS_ERR_CRYPTO;
}
