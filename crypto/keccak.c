/* Keccak-f[1600] sponge with a 136-byte rate (Keccak-256 / SHA3-256). Data-independent control flow. */
#include "crypto/keccak.h"

#include <string.h>
#include <sodium.h>

#define RATE 136

static const uint64_t RC[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
    0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};
/* rotation offsets and lane permutation of the combined rho-pi step, in pi order starting at lane 1 */
static const unsigned RHO[24] = {1, 3, 6, 10, 15, 21, 28, 36, 45, 55, 2, 14,
                                 27, 41, 56, 8, 25, 43, 62, 18, 39, 61, 20, 44};
static const unsigned PI[24] = {10, 7, 11, 17, 18, 3, 5, 16, 8, 21, 24, 4,
                                15, 23, 19, 13, 12, 2, 20, 14, 22, 9, 6, 1};

static inline uint64_t rol(uint64_t x, unsigned s) { return (x << s) | (x >> (64 - s)); }

static void keccak_f1600(uint64_t a[25])
{
    for (int round = 0; round < 24; round++) {
        uint64_t c[5], d;
        for (int x = 0; x < 5; x++) c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
        for (int x = 0; x < 5; x++) {
            d = c[(x + 4) % 5] ^ rol(c[(x + 1) % 5], 1);
            for (int y = 0; y < 25; y += 5) a[y + x] ^= d;
        }
        uint64_t cur = a[1];
        for (int i = 0; i < 24; i++) {
            unsigned j = PI[i];
            uint64_t tmp = a[j];
            a[j] = rol(cur, RHO[i]);
            cur = tmp;
        }
        for (int y = 0; y < 25; y += 5) {
            uint64_t b0 = a[y], b1 = a[y + 1], b2 = a[y + 2], b3 = a[y + 3], b4 = a[y + 4];
            a[y] = b0 ^ (~b1 & b2);
            a[y + 1] = b1 ^ (~b2 & b3);
            a[y + 2] = b2 ^ (~b3 & b4);
            a[y + 3] = b3 ^ (~b4 & b0);
            a[y + 4] = b4 ^ (~b0 & b1);
        }
        a[0] ^= RC[round];
    }
}

static void absorb_byte(keccak256_state *st, size_t pos, uint8_t b)
{
    st->a[pos / 8] ^= (uint64_t)b << (8 * (pos % 8));
}

void keccak256_init(keccak256_state *st)
{
    memset(st, 0, sizeof *st);
    st->pad = 0x01;
}

void sha3_256_init(keccak256_state *st)
{
    memset(st, 0, sizeof *st);
    st->pad = 0x06;
}

void keccak256_update(keccak256_state *st, const uint8_t *in, size_t len)
{
    while (len > 0) {
        if (st->pos == 0 && len >= RATE) {
            for (size_t i = 0; i < RATE / 8; i++) {
                uint64_t w = 0;
                for (int k = 7; k >= 0; k--) w = (w << 8) | in[8 * i + (size_t)k];
                st->a[i] ^= w;
            }
            keccak_f1600(st->a);
            in += RATE;
            len -= RATE;
            continue;
        }
        absorb_byte(st, st->pos++, *in++);
        len--;
        if (st->pos == RATE) {
            keccak_f1600(st->a);
            st->pos = 0;
        }
    }
}

void keccak256_final(keccak256_state *st, uint8_t out[32])
{
    absorb_byte(st, st->pos, st->pad);
    absorb_byte(st, RATE - 1, 0x80);
    keccak_f1600(st->a);
    for (int i = 0; i < 32; i++) out[i] = (uint8_t)(st->a[i / 8] >> (8 * (i % 8)));
    sodium_memzero(st, sizeof *st);
}

void keccak256(uint8_t out[32], const uint8_t *in, size_t len)
{
    keccak256_state st;
    keccak256_init(&st);
    keccak256_update(&st, in, len);
    keccak256_final(&st, out);
}

void sha3_256(uint8_t out[32], const uint8_t *in, size_t len)
{
    keccak256_state st;
    sha3_256_init(&st);
    keccak256_update(&st, in, len);
    keccak256_final(&st, out);
}
