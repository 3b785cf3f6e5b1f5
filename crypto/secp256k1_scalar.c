/* Scalars mod n (secp256k1 group order): 4x64-bit limbs; wide values reduced by folding 2^256 == c. */
#include "crypto/secp256k1_scalar.h"

#include <string.h>
#include <sodium.h>

__extension__ typedef unsigned __int128 u128;

/* n, little-endian limbs */
static const uint64_t N[4] = {
    0xBFD25E8CD0364141ULL, 0xBAAEDCE6AF48A03BULL, 0xFFFFFFFFFFFFFFFEULL, 0xFFFFFFFFFFFFFFFFULL,
};
/* c = 2^256 - n = C0 + C1*2^64 + 2^128 */
#define C0 0x402DA1732FC9BEBFULL
#define C1 0x4551231950B75FC4ULL
/* n/2 rounded down: the low-S bound */
static const uint64_t N_HALF[4] = {
    0xDFE92F46681B20A0ULL, 0x5D576E7357A4501DULL, 0xFFFFFFFFFFFFFFFFULL, 0x7FFFFFFFFFFFFFFFULL,
};

static uint64_t load64_be(const uint8_t *p)
{
    uint64_t x = 0;
    for (int i = 0; i < 8; i++) x = (x << 8) | p[i];
    return x;
}

static void store64_be(uint8_t *p, uint64_t x)
{
    for (int i = 7; i >= 0; i--) { p[i] = (uint8_t)x; x >>= 8; }
}

/* r = v mod n for v = k*2^256 + r4 with k in {0,1} and v < 2n. v >= n iff k or r4 + c carries. */
static void final_reduce(k1_scalar *r, const uint64_t r4[4], uint64_t k)
{
    u128 t;
    uint64_t s[4];
    t = (u128)r4[0] + C0;           s[0] = (uint64_t)t;
    t = (u128)r4[1] + C1 + (t >> 64); s[1] = (uint64_t)t;
    t = (u128)r4[2] + 1 + (t >> 64);  s[2] = (uint64_t)t;
    t = (u128)r4[3] + (t >> 64);      s[3] = (uint64_t)t;
    uint64_t ge = (uint64_t)(t >> 64) | k;          /* 1 if v >= n */
    uint64_t mask = 0 - ge;
    for (int i = 0; i < 4; i++) r->v[i] = (s[i] & mask) | (r4[i] & ~mask);
}

/* Folds a value of `len` limbs (len <= 9): returns the low 4 limbs plus hi*c in out (len_out limbs). */
static size_t fold(uint64_t *out, const uint64_t *in, size_t len)
{
    /* out = in[0..3] + in[4..len-1] * c; hi has len-4 limbs, c has 3 limbs (C0, C1, 1). */
    size_t hl = len - 4, ol = hl + 3 + 1;
    if (ol < 4) ol = 4;
    uint64_t acc[10] = {0};
    for (size_t i = 0; i < 4; i++) acc[i] = in[i];
    for (size_t i = 0; i < hl; i++) {
        uint64_t h = in[4 + i];
        u128 t = (u128)h * C0 + acc[i];
        acc[i] = (uint64_t)t;
        t = (u128)h * C1 + acc[i + 1] + (t >> 64);
        acc[i + 1] = (uint64_t)t;
        t = (u128)h + acc[i + 2] + (t >> 64);
        acc[i + 2] = (uint64_t)t;
        uint64_t carry = (uint64_t)(t >> 64);
        for (size_t j = i + 3; j < ol && j < 10; j++) {
            t = (u128)acc[j] + carry;
            acc[j] = (uint64_t)t;
            carry = (uint64_t)(t >> 64);
        }
    }
    for (size_t i = 0; i < ol; i++) out[i] = acc[i];
    return ol;
}

/* r = x mod n for x of len limbs (5 <= len <= 9). The sequence of operations depends only on len. */
static void reduce_limbs(k1_scalar *r, const uint64_t *x, size_t len)
{
    uint64_t cur[10], t[10];
    size_t lc = len;
    memcpy(cur, x, len * sizeof(uint64_t));
    while (lc > 5) {
        /* after a fold the value is < 2^256 + 2^(64*(lc-4) + 129): keep only the limbs that bound allows */
        size_t nl = (64 * (lc - 4) + 130 + 63) / 64;
        if (nl < 5) nl = 5;
        fold(t, cur, lc);
        memcpy(cur, t, nl * sizeof(uint64_t));
        lc = nl;
    }
    /* cur[4] < 4: one more fold gives v = k*2^256 + r4 < 2^256 + 2^131 < 2n */
    uint64_t h = cur[4];
    u128 a = (u128)h * C0 + cur[0];
    uint64_t r4[4];
    r4[0] = (uint64_t)a;
    a = (u128)h * C1 + cur[1] + (a >> 64);
    r4[1] = (uint64_t)a;
    a = (u128)h + cur[2] + (a >> 64);
    r4[2] = (uint64_t)a;
    a = (u128)cur[3] + (a >> 64);
    r4[3] = (uint64_t)a;
    final_reduce(r, r4, (uint64_t)(a >> 64));
    sodium_memzero(cur, sizeof cur);
    sodium_memzero(t, sizeof t);
}

void k1_scalar_zero(k1_scalar *r) { memset(r, 0, sizeof *r); }

void k1_scalar_from_u64(k1_scalar *r, uint64_t x)
{
    r->v[0] = x; r->v[1] = r->v[2] = r->v[3] = 0;
}

int k1_scalar_from_bytes_canonical(k1_scalar *r, const uint8_t b[32])
{
    uint64_t x[4];
    for (int i = 0; i < 4; i++) x[i] = load64_be(b + 8 * (3 - i));
    /* x < n iff x - n borrows */
    u128 t = 0;
    uint64_t borrow = 0;
    for (int i = 0; i < 4; i++) {
        t = (u128)x[i] - N[i] - borrow;
        borrow = (uint64_t)(t >> 64) & 1;
    }
    if (!borrow) return -1;
    memcpy(r->v, x, sizeof x);
    return 0;
}

void k1_scalar_from_bytes_reduce(k1_scalar *r, const uint8_t b[32])
{
    uint64_t x[4];
    for (int i = 0; i < 4; i++) x[i] = load64_be(b + 8 * (3 - i));
    final_reduce(r, x, 0);
}

void k1_scalar_from_bytes_reduce64(k1_scalar *r, const uint8_t b[64])
{
    uint64_t x[8];
    for (int i = 0; i < 8; i++) x[i] = load64_be(b + 8 * (7 - i));
    reduce_limbs(r, x, 8);
    sodium_memzero(x, sizeof x);
}

void k1_scalar_to_bytes(uint8_t b[32], const k1_scalar *a)
{
    for (int i = 0; i < 4; i++) store64_be(b + 8 * (3 - i), a->v[i]);
}

void k1_scalar_add(k1_scalar *r, const k1_scalar *a, const k1_scalar *b)
{
    uint64_t s[4];
    u128 t = 0;
    for (int i = 0; i < 4; i++) {
        t = (u128)a->v[i] + b->v[i] + (t >> 64);
        s[i] = (uint64_t)t;
    }
    final_reduce(r, s, (uint64_t)(t >> 64));
}

void k1_scalar_sub(k1_scalar *r, const k1_scalar *a, const k1_scalar *b)
{
    uint64_t d[4];
    uint64_t borrow = 0;
    for (int i = 0; i < 4; i++) {
        u128 t = (u128)a->v[i] - b->v[i] - borrow;
        d[i] = (uint64_t)t;
        borrow = (uint64_t)(t >> 64) & 1;
    }
    /* if negative, add n */
    uint64_t mask = 0 - borrow;
    u128 t = 0;
    for (int i = 0; i < 4; i++) {
        t = (u128)d[i] + (N[i] & mask) + (t >> 64);
        r->v[i] = (uint64_t)t;
    }
}

void k1_scalar_neg(k1_scalar *r, const k1_scalar *a)
{
    k1_scalar z;
    k1_scalar_zero(&z);
    k1_scalar_sub(r, &z, a);
}

static void mul_wide(uint64_t p[8], const k1_scalar *a, const k1_scalar *b)
{
    memset(p, 0, 8 * sizeof(uint64_t));
    for (int i = 0; i < 4; i++) {
        u128 carry = 0;
        for (int j = 0; j < 4; j++) {
            u128 t = (u128)a->v[i] * b->v[j] + p[i + j] + carry;
            p[i + j] = (uint64_t)t;
            carry = t >> 64;
        }
        p[i + 4] = (uint64_t)carry;
    }
}

void k1_scalar_mul(k1_scalar *r, const k1_scalar *a, const k1_scalar *b)
{
    uint64_t p[8];
    mul_wide(p, a, b);
    reduce_limbs(r, p, 8);
}

void k1_scalar_sqr(k1_scalar *r, const k1_scalar *a) { k1_scalar_mul(r, a, a); }

void k1_scalar_inv(k1_scalar *r, const k1_scalar *a)
{
    /* n - 2, big-endian nibbles processed with a 4-bit fixed window (public exponent). */
    static const uint64_t E[4] = {
        0xBFD25E8CD036413FULL, 0xBAAEDCE6AF48A03BULL, 0xFFFFFFFFFFFFFFFEULL, 0xFFFFFFFFFFFFFFFFULL,
    };
    k1_scalar tab[16], acc;
    k1_scalar_from_u64(&tab[0], 1);
    tab[1] = *a;
    for (int i = 2; i < 16; i++) k1_scalar_mul(&tab[i], &tab[i - 1], a);
    k1_scalar_from_u64(&acc, 1);
    for (int limb = 3; limb >= 0; limb--) {
        for (int nib = 15; nib >= 0; nib--) {
            unsigned d = (unsigned)(E[limb] >> (4 * nib)) & 15u;
            for (int s = 0; s < 4; s++) k1_scalar_sqr(&acc, &acc);
            k1_scalar_mul(&acc, &acc, &tab[d]);
        }
    }
    *r = acc;
    sodium_memzero(tab, sizeof tab);
    sodium_memzero(&acc, sizeof acc);
}

int k1_scalar_is_zero(const k1_scalar *a)
{
    uint64_t x = a->v[0] | a->v[1] | a->v[2] | a->v[3];
    return (int)(((x | (0 - x)) >> 63) ^ 1);
}

int k1_scalar_eq(const k1_scalar *a, const k1_scalar *b)
{
    uint64_t x = 0;
    for (int i = 0; i < 4; i++) x |= a->v[i] ^ b->v[i];
    return (int)(((x | (0 - x)) >> 63) ^ 1);
}

int k1_scalar_is_high(const k1_scalar *a)
{
    /* a > n/2 iff n/2 - a borrows */
    uint64_t borrow = 0;
    for (int i = 0; i < 4; i++) {
        u128 t = (u128)N_HALF[i] - a->v[i] - borrow;
        borrow = (uint64_t)(t >> 64) & 1;
    }
    return (int)borrow;
}

void k1_scalar_cmov(k1_scalar *r, const k1_scalar *a, unsigned flag)
{
    uint64_t mask = 0 - (uint64_t)(flag & 1);
    for (int i = 0; i < 4; i++) r->v[i] = (r->v[i] & ~mask) | (a->v[i] & mask);
}

void k1_scalar_cond_neg(k1_scalar *r, const k1_scalar *a, unsigned flag)
{
    k1_scalar n;
    k1_scalar_neg(&n, a);
    *r = *a;
    k1_scalar_cmov(r, &n, flag);
}

void k1_scalar_random(k1_scalar *r)
{
    uint8_t b[32];
    for (;;) {
        randombytes_buf(b, sizeof b);
        if (k1_scalar_from_bytes_canonical(r, b) == 0 && !k1_scalar_is_zero(r)) break;
    }
    sodium_memzero(b, sizeof b);
}

void k1_scalar_clear(k1_scalar *r) { sodium_memzero(r, sizeof *r); }

void k1_scalar_acc_init(k1_scalar_acc *acc) { memset(acc, 0, sizeof *acc); }

void k1_scalar_acc_muladd(k1_scalar_acc *acc, const k1_scalar *a, const k1_scalar *b)
{
    uint64_t p[8];
    mul_wide(p, a, b);
    u128 t = 0;
    for (int i = 0; i < 8; i++) {
        t = (u128)acc->v[i] + p[i] + (t >> 64);
        acc->v[i] = (uint64_t)t;
    }
    acc->v[8] += (uint64_t)(t >> 64);
}

void k1_scalar_acc_add(k1_scalar_acc *acc, const k1_scalar *a)
{
    u128 t = 0;
    for (int i = 0; i < 4; i++) {
        t = (u128)acc->v[i] + a->v[i] + (t >> 64);
        acc->v[i] = (uint64_t)t;
    }
    for (int i = 4; i < 9; i++) {
        t = (u128)acc->v[i] + (t >> 64);
        acc->v[i] = (uint64_t)t;
    }
}

void k1_scalar_acc_reduce(k1_scalar *r, const k1_scalar_acc *acc)
{
    reduce_limbs(r, acc->v, 9);
}
