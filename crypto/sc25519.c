/* Scalars modulo L: 4x64-bit limbs, always canonical; 512-bit values reduced by folding 2^252 == -c. */
#include "crypto/sc25519.h"

#include <string.h>
#include <sodium.h>

#include "util/bytes.h"

/* GCC's vectorizer packs the limb selects into SSE registers through the stack; the resulting
 * store-forwarding stalls made every operation 2-3x slower (mul 120 ns -> 50 ns without it). */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-tree-vectorize")
#endif

__extension__ typedef unsigned __int128 u128;

/* Carry chains: the x86-64 intrinsics compile to adc/sbb chains; the portable form to more code. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <x86intrin.h>

static inline uint64_t addc(uint64_t a, uint64_t b, unsigned char *c)
{
    unsigned long long o;
    *c = _addcarry_u64(*c, a, b, &o);
    return o;
}
static inline uint64_t subb(uint64_t a, uint64_t b, unsigned char *br)
{
    unsigned long long o;
    *br = _subborrow_u64(*br, a, b, &o);
    return o;
}
#else
static inline uint64_t addc(uint64_t a, uint64_t b, unsigned char *c)
{
    u128 t = (u128)a + b + *c;
    *c = (unsigned char)(t >> 64);
    return (uint64_t)t;
}
static inline uint64_t subb(uint64_t a, uint64_t b, unsigned char *br)
{
    u128 d = (u128)a - b - *br;
    *br = (unsigned char)((d >> 64) & 1);
    return (uint64_t)d;
}
#endif

/* L = 2^252 + 27742317777372353535851937790883648493 */
static const uint64_t L[4] = {
    0x5812631a5cf5d3edULL, 0x14def9dea2f79cd6ULL, 0x0000000000000000ULL, 0x1000000000000000ULL,
};
/* L - 2 in little-endian bytes: the inversion exponent (public). */
static const uint8_t L_MINUS_2[32] = {
    0xeb, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
};

/* r = a - L if a >= L, else a (a < 2^256), without branching on a. */
static inline void cond_sub_L(uint64_t r[4], const uint64_t a[4])
{
    unsigned char br = 0;
    uint64_t t0 = subb(a[0], L[0], &br);
    uint64_t t1 = subb(a[1], L[1], &br);
    uint64_t t2 = subb(a[2], L[2], &br);
    uint64_t t3 = subb(a[3], L[3], &br);
    /* borrow means a < L: keep a */
    uint64_t keep = 0 - (uint64_t)br;
    r[0] = (a[0] & keep) | (t0 & ~keep);
    r[1] = (a[1] & keep) | (t1 & ~keep);
    r[2] = (a[2] & keep) | (t2 & ~keep);
    r[3] = (a[3] & keep) | (t3 & ~keep);
}

/* c = L - 2^252 (125 bits): 2^252 == -c (mod L), so h*2^252 + l == l - h*c. */
static const uint64_t C0 = 0x5812631a5cf5d3edULL, C1 = 0x14def9dea2f79cd6ULL;
/* 2^133 L and 2^8 L: multiples of L added before each fold so that l - h*c stays nonnegative. */
static const uint64_t K1[7] = {0, 0, 0x024c634b9eba7da0ULL, 0x9bdf3bd45ef39acbULL, 2, 0, 2};
static const uint64_t K2[5] = {0x12631a5cf5d3ed00ULL, 0xdef9dea2f79cd658ULL, 0x14, 0, 0x10};

/* p[0..n] = h[0..n-1] * c */
static inline void mul_c(uint64_t *p, const uint64_t *h, int n)
{
    u128 t;
    uint64_t carry = 0;
    for (int i = 0; i < n; i++) {
        t = (u128)h[i] * C0 + carry;
        p[i] = (uint64_t)t;
        carry = (uint64_t)(t >> 64);
    }
    p[n] = carry;
    carry = 0;
    for (int i = 0; i < n; i++) {
        t = (u128)h[i] * C1 + p[i + 1] + carry;
        p[i + 1] = (uint64_t)t;
        carry = (uint64_t)(t >> 64);
    }
    p[n + 1] = carry;
}

/* z[0..n-1] = k + (l mod 2^252) - p, where l is 4 limbs; the caller guarantees k > p. */
static inline void fold_sub(uint64_t *z, const uint64_t *k, const uint64_t l[4], const uint64_t *p, int n)
{
    unsigned char c = 0, br = 0;
    for (int i = 0; i < n; i++) {
        uint64_t li = i < 3 ? l[i] : i == 3 ? (l[3] & ((1ULL << 60) - 1)) : 0;
        z[i] = subb(addc(k[i], li, &c), p[i], &br);
    }
}

/* r = x mod L for x < 2^512 (8 limbs), by three folds of 2^252 == -c:
 *   x   < 2^512: h < 2^260, z1 = 2^133 L + l - h c in (0, 2^386)
 *   z1:          h < 2^134, z2 = 2^8 L + l - h c   in (0, 2^261)
 *   z2:          h < 2^9,   z3 = L + l - h c       in (0, 2L)
 * then one conditional subtraction. 18 multiplications, no data-dependent branches. */
static void reduce512(uint64_t r[4], const uint64_t x[8])
{
    uint64_t h[5], p[7], z1[7], z2[5], z3[4];
    for (int i = 0; i < 4; i++) h[i] = (x[i + 3] >> 60) | (x[i + 4] << 4);
    h[4] = x[7] >> 60;
    mul_c(p, h, 5);
    fold_sub(z1, K1, x, p, 7);

    for (int i = 0; i < 3; i++) h[i] = (z1[i + 3] >> 60) | (z1[i + 4] << 4);
    mul_c(p, h, 3);
    fold_sub(z2, K2, z1, p, 5);

    h[0] = (z2[3] >> 60) | (z2[4] << 4);
    mul_c(p, h, 1);
    p[3] = 0;
    fold_sub(z3, L, z2, p, 4);
    cond_sub_L(r, z3);
}

static void mul256(uint64_t p[8], const uint64_t a[4], const uint64_t b[4])
{
    for (int i = 0; i < 8; i++) p[i] = 0;
    for (int i = 0; i < 4; i++) {
        uint64_t carry = 0;
        for (int j = 0; j < 4; j++) {
            u128 t = (u128)a[i] * b[j] + p[i + j] + carry;
            p[i + j] = (uint64_t)t;
            carry = (uint64_t)(t >> 64);
        }
        p[i + 4] = carry;
    }
}

static void sq256(uint64_t p[8], const uint64_t a[4])
{
    /* cross products once, doubled, then the diagonal */
    uint64_t c[8] = {0};
    for (int i = 0; i < 3; i++) {
        uint64_t carry = 0;
        for (int j = i + 1; j < 4; j++) {
            u128 t = (u128)a[i] * a[j] + c[i + j] + carry;
            c[i + j] = (uint64_t)t;
            carry = (uint64_t)(t >> 64);
        }
        c[i + 4] = carry;
    }
    c[7] = c[6] >> 63;
    for (int i = 6; i > 0; i--) c[i] = (c[i] << 1) | (c[i - 1] >> 63);
    c[0] <<= 1;
    uint64_t carry = 0;
    for (int i = 0; i < 4; i++) {
        u128 sq = (u128)a[i] * a[i];
        u128 t = (u128)c[2 * i] + (uint64_t)sq + carry;
        p[2 * i] = (uint64_t)t;
        t = (u128)c[2 * i + 1] + (uint64_t)(sq >> 64) + (uint64_t)(t >> 64);
        p[2 * i + 1] = (uint64_t)t;
        carry = (uint64_t)(t >> 64);
    }
}

void sc25519_zero(sc25519 *r)
{
    memset(r->v, 0, sizeof r->v);
}

void sc25519_one(sc25519 *r)
{
    sc25519_from_u64(r, 1);
}

void sc25519_from_u64(sc25519 *r, uint64_t x)
{
    r->v[0] = x;
    r->v[1] = r->v[2] = r->v[3] = 0;
}

int sc25519_from_bytes_canonical(sc25519 *r, const uint8_t s[32])
{
    uint64_t a[4];
    for (int i = 0; i < 4; i++) a[i] = tss_load_le64(s + 8 * i);
    uint64_t borrow = 0;
    for (int i = 0; i < 4; i++) {
        u128 d = (u128)a[i] - L[i] - borrow;
        borrow = (uint64_t)(d >> 64) & 1;
    }
    /* Secret shares are decoded here: the stack copy is wiped either way. */
    if (borrow) memcpy(r->v, a, sizeof a);
    sodium_memzero(a, sizeof a);
    return borrow ? 0 : -1;
}

void sc25519_from_bytes_reduce32(sc25519 *r, const uint8_t s[32])
{
    uint64_t x[8] = {0};
    for (int i = 0; i < 4; i++) x[i] = tss_load_le64(s + 8 * i);
    reduce512(r->v, x);
    sodium_memzero(x, sizeof x);
}

void sc25519_from_bytes_reduce64(sc25519 *r, const uint8_t s[64])
{
    uint64_t x[8];
    for (int i = 0; i < 8; i++) x[i] = tss_load_le64(s + 8 * i);
    reduce512(r->v, x);
    sodium_memzero(x, sizeof x);
}

void sc25519_to_bytes(uint8_t s[32], const sc25519 *a)
{
    for (int i = 0; i < 4; i++) tss_store_le64(s + 8 * i, a->v[i]);
}

void sc25519_add(sc25519 *r, const sc25519 *a, const sc25519 *b)
{
    /* a + b < 2L < 2^254: no carry out */
    unsigned char c = 0;
    uint64_t s[4];
    for (int i = 0; i < 4; i++) s[i] = addc(a->v[i], b->v[i], &c);
    cond_sub_L(r->v, s);
}

void sc25519_sub(sc25519 *r, const sc25519 *a, const sc25519 *b)
{
    unsigned char br = 0, c = 0;
    uint64_t s[4];
    for (int i = 0; i < 4; i++) s[i] = subb(a->v[i], b->v[i], &br);
    uint64_t mask = 0 - (uint64_t)br; /* add L back on underflow */
    for (int i = 0; i < 4; i++) r->v[i] = addc(s[i], L[i] & mask, &c);
}

void sc25519_neg(sc25519 *r, const sc25519 *a)
{
    sc25519 z;
    sc25519_zero(&z);
    sc25519_sub(r, &z, a);
}

void sc25519_mul(sc25519 *r, const sc25519 *a, const sc25519 *b)
{
    uint64_t p[8];
    mul256(p, a->v, b->v);
    reduce512(r->v, p);
}

void sc25519_sq(sc25519 *r, const sc25519 *a)
{
    uint64_t p[8];
    sq256(p, a->v);
    reduce512(r->v, p);
}

void sc25519_muladd(sc25519 *r, const sc25519 *a, const sc25519 *b, const sc25519 *c)
{
    uint64_t p[8];
    mul256(p, a->v, b->v);
    unsigned char cy = 0;
    for (int i = 0; i < 8; i++) p[i] = addc(p[i], i < 4 ? c->v[i] : 0, &cy);
    reduce512(r->v, p);
}

/* a^(L-2) by a fixed 4-bit window over the public exponent: the sequence of squarings and
 * multiplications and the table indices depend only on L, never on a. */
void sc25519_invert(sc25519 *r, const sc25519 *a)
{
    sc25519 tab[16];
    sc25519_one(&tab[0]);
    tab[1] = *a;
    for (int i = 2; i < 16; i++) sc25519_mul(&tab[i], &tab[i - 1], a);

    sc25519 acc;
    sc25519_one(&acc);
    for (int i = 63; i >= 0; i--) {
        unsigned nib = (L_MINUS_2[i / 2] >> (4 * (i & 1))) & 15;
        if (i != 63) {
            sc25519_sq(&acc, &acc);
            sc25519_sq(&acc, &acc);
            sc25519_sq(&acc, &acc);
            sc25519_sq(&acc, &acc);
        }
        if (nib) sc25519_mul(&acc, &acc, &tab[nib]);
    }
    *r = acc;
    sodium_memzero(tab, sizeof tab);
    sodium_memzero(&acc, sizeof acc);
}

int sc25519_batch_invert_vartime(sc25519 *r, const sc25519 *a, sc25519 *tmp, size_t n)
{
    if (n == 0) return 0;
    for (size_t i = 0; i < n; i++)
        if (sc25519_is_zero(&a[i])) return -1;
    tmp[0] = a[0];
    for (size_t i = 1; i < n; i++) sc25519_mul(&tmp[i], &tmp[i - 1], &a[i]);
    sc25519 inv;
    sc25519_invert(&inv, &tmp[n - 1]);
    for (size_t i = n - 1; i > 0; i--) {
        sc25519 next;
        sc25519_mul(&next, &inv, &a[i]); /* read a[i] before r[i] (which may alias it) is written */
        sc25519_mul(&r[i], &inv, &tmp[i - 1]);
        inv = next;
    }
    r[0] = inv;
    return 0;
}

int sc25519_is_zero(const sc25519 *a)
{
    uint64_t x = a->v[0] | a->v[1] | a->v[2] | a->v[3];
    return (int)(1 & ((x - 1) & ~x) >> 63);
}

int sc25519_eq(const sc25519 *a, const sc25519 *b)
{
    uint64_t x = (a->v[0] ^ b->v[0]) | (a->v[1] ^ b->v[1]) | (a->v[2] ^ b->v[2]) | (a->v[3] ^ b->v[3]);
    return (int)(1 & ((x - 1) & ~x) >> 63);
}

void sc25519_cmov(sc25519 *r, const sc25519 *a, unsigned int b)
{
    uint64_t mask = 0 - (uint64_t)((b | (0u - b)) >> (sizeof(unsigned int) * 8 - 1));
    for (int i = 0; i < 4; i++) r->v[i] ^= (r->v[i] ^ a->v[i]) & mask;
}

void sc25519_random(sc25519 *r)
{
    uint8_t buf[64];
    randombytes_buf(buf, sizeof buf);
    sc25519_from_bytes_reduce64(r, buf);
    sodium_memzero(buf, sizeof buf);
}

/* w bits of a starting at bit pos (pos public; bits beyond 255 read as 0). */
static uint64_t get_bits(const uint64_t a[4], unsigned pos, unsigned w)
{
    unsigned limb = pos / 64, off = pos % 64;
    if (limb >= 4) return 0;
    uint64_t v = a[limb] >> off;
    if (off + w > 64 && limb + 1 < 4) v |= a[limb + 1] << (64 - off);
    return v & ((1ULL << w) - 1);
}

size_t sc25519_signed_digits(int8_t *digits, const sc25519 *a, unsigned w)
{
    if (w < 1) w = 1;
    if (w > 8) w = 8;
    size_t n = 256 / w + 1;
    int64_t carry = 0;
    const int64_t half = (int64_t)1 << (w - 1);
    for (size_t i = 0; i + 1 < n; i++) {
        int64_t d = (int64_t)get_bits(a->v, (unsigned)(i * w), w) + carry;
        /* carry = 1 iff d >= 2^(w-1); computed arithmetically (d is secret) */
        carry = (d + half) >> w;
        d -= carry << w;
        digits[i] = (int8_t)d;
    }
    /* top digit, not recentred: (n-1)*w > 256 - w, so it holds < 2^(w-4) of a < 2^253, plus the carry,
     * which stays within 2^(w-1) */
    digits[n - 1] = (int8_t)((int64_t)get_bits(a->v, (unsigned)((n - 1) * w), w) + carry);
    return n;
}

void sc25519_wnaf_vartime(int8_t naf[256], const sc25519 *a, unsigned w)
{
    if (w < 2) w = 2;
    if (w > 8) w = 8;
    memset(naf, 0, 256);
    const uint64_t width = 1ULL << w;
    unsigned carry = 0;
    unsigned pos = 0;
    while (pos < 256) {
        uint64_t window = carry + get_bits(a->v, pos, w);
        if ((window & 1) == 0) {
            pos++;
            continue;
        }
        if (window < width / 2) {
            carry = 0;
            naf[pos] = (int8_t)window;
        } else {
            carry = 1;
            naf[pos] = (int8_t)((int64_t)window - (int64_t)width);
        }
        pos += w;
    }
}
