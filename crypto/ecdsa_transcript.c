/* Typed, length-prefixed BLAKE2b transcripts (see ecdsa_transcript.h). */
#include "crypto/ecdsa_transcript.h"

#include <string.h>
#include <openssl/evp.h>

static void put_u32(uint8_t b[4], uint32_t x)
{
    b[0] = (uint8_t)(x >> 24); b[1] = (uint8_t)(x >> 16); b[2] = (uint8_t)(x >> 8); b[3] = (uint8_t)x;
}

void ecdsa_transcript_init(ecdsa_transcript *t, const char *purpose)
{
    crypto_generichash_blake2b_init(&t->h, NULL, 0, 64);
    ecdsa_transcript_append(t, ECDSA_T_BYTES, "domain", ECDSA_DOMAIN, sizeof ECDSA_DOMAIN - 1);
    ecdsa_transcript_append(t, ECDSA_T_BYTES, "purpose", purpose, strlen(purpose));
}

void ecdsa_transcript_append(ecdsa_transcript *t, uint8_t type, const char *label, const void *data, size_t len)
{
    uint8_t hdr[1 + 4];
    size_t ll = strlen(label);
    hdr[0] = type;
    put_u32(hdr + 1, (uint32_t)ll);
    crypto_generichash_blake2b_update(&t->h, hdr, sizeof hdr);
    crypto_generichash_blake2b_update(&t->h, (const uint8_t *)label, ll);
    uint8_t lb[8];
    uint64_t l64 = (uint64_t)len;
    for (int i = 0; i < 8; i++) lb[i] = (uint8_t)(l64 >> (56 - 8 * i));
    crypto_generichash_blake2b_update(&t->h, lb, sizeof lb);
    if (len) crypto_generichash_blake2b_update(&t->h, (const uint8_t *)data, len);
}

void ecdsa_transcript_u32(ecdsa_transcript *t, const char *label, uint32_t x)
{
    uint8_t b[4];
    put_u32(b, x);
    ecdsa_transcript_append(t, ECDSA_T_U32, label, b, 4);
}

void ecdsa_transcript_point(ecdsa_transcript *t, const char *label, const uint8_t p[33])
{
    ecdsa_transcript_append(t, ECDSA_T_POINT, label, p, 33);
}

void ecdsa_transcript_scalar(ecdsa_transcript *t, const char *label, const k1_scalar *s)
{
    uint8_t b[32];
    k1_scalar_to_bytes(b, s);
    ecdsa_transcript_append(t, ECDSA_T_SCALAR, label, b, 32);
    sodium_memzero(b, sizeof b);
}

void ecdsa_transcript_bind(ecdsa_transcript *t, const uint8_t sid[32], const uint32_t *parties, uint32_t n_parties,
                           uint32_t round, uint32_t sender)
{
    uint8_t buf[4 * 64];
    ecdsa_transcript_append(t, ECDSA_T_SID, "sid", sid, 32);
    uint32_t n = n_parties > 64 ? 64 : n_parties;
    for (uint32_t i = 0; i < n; i++) put_u32(buf + 4 * i, parties[i]);
    ecdsa_transcript_append(t, ECDSA_T_PARTIES, "parties", buf, 4 * (size_t)n);
    ecdsa_transcript_u32(t, "round", round);
    ecdsa_transcript_u32(t, "sender", sender);
}

void ecdsa_transcript_bytes_out(ecdsa_transcript *t, uint8_t *out, size_t len)
{
    uint8_t h[64];
    crypto_generichash_blake2b_final(&t->h, h, sizeof h);
    memcpy(out, h, len > 64 ? 64 : len);
    sodium_memzero(h, sizeof h);
    sodium_memzero(t, sizeof *t);
}

void ecdsa_transcript_scalar_out(ecdsa_transcript *t, k1_scalar *out)
{
    uint8_t h[64];
    crypto_generichash_blake2b_final(&t->h, h, sizeof h);
    k1_scalar_from_bytes_reduce64(out, h);
    sodium_memzero(h, sizeof h);
    sodium_memzero(t, sizeof *t);
}

int ecdsa_bulk_init(ecdsa_bulk *b, const char *label, const uint8_t sid[32])
{
    uint8_t hdr[4];
    size_t ll = strlen(label);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    b->md = md;
    b->len = 0;
    if (!md || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(md);
        b->md = NULL;
        return -1;
    }
    put_u32(hdr, (uint32_t)ll);
    EVP_DigestUpdate(md, hdr, 4);
    EVP_DigestUpdate(md, label, ll);
    EVP_DigestUpdate(md, sid, 32);
    return 0;
}

void ecdsa_bulk_update(ecdsa_bulk *b, const void *data, size_t len)
{
    if (b->md && EVP_DigestUpdate((EVP_MD_CTX *)b->md, data, len) != 1) {
        EVP_MD_CTX_free((EVP_MD_CTX *)b->md);
        b->md = NULL;
    }
    b->len += len;
}

int ecdsa_bulk_final(ecdsa_bulk *b, uint8_t out[32])
{
    uint8_t lb[8];
    unsigned int ol = 0;
    int rc = -1;
    for (int i = 0; i < 8; i++) lb[i] = (uint8_t)(b->len >> (56 - 8 * i));
    if (b->md && EVP_DigestUpdate((EVP_MD_CTX *)b->md, lb, 8) == 1 &&
        EVP_DigestFinal_ex((EVP_MD_CTX *)b->md, out, &ol) == 1 && ol == 32)
        rc = 0;
    if (rc != 0) memset(out, 0, 32);
    EVP_MD_CTX_free((EVP_MD_CTX *)b->md);
    b->md = NULL;
    return rc;
}
