/* Multi-buffer SHA-512 (FIPS 180-4), written once over a small vector layer: lane l of every vector holds
 * message l's 64-bit word. Messages of different lengths share the rounds; a lane whose message has no block
 * left keeps its state (only the final addition of each block is masked). Include once, after defining:
 *   SL_LANES, sl_vec, sl_mask, SL_SUFFIX (appended to the public names of crypto/simd/sha512_lanes.h),
 *   SL_ADD(a, b), SL_XOR3(a, b, c), SL_CH(e, f, g) (e ? f : g bitwise), SL_MAJ(a, b, c) (bitwise majority),
 *   SL_ROR(x, n), SL_SHR(x, n), SL_SET1(u64), SL_LOAD(p), SL_STORE(p, v) (aligned to SL_LANES * 8),
 *   SL_MASK(bits) (lane l active iff bit l is set), SL_ADD_MASKED(h, m, x) (h + x in lanes of m, else h).
 * Public data only: nothing here is meant to be constant time. */
#ifndef TSS_SHA512_LANES_IMPL_H
#define TSS_SHA512_LANES_IMPL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "crypto/sc25519.h"
#include "crypto/simd/sha512_lanes.h"
#include "util/bytes.h"

#define SL_GLUE2(a, b) a##b
#define SL_GLUE(a, b) SL_GLUE2(a, b)
#define SL_FN(name) SL_GLUE(name, SL_SUFFIX)

/* FIPS 180-4 section 5.3.5 and 4.2.3 (derived here from the square and cube roots of the first primes). */
static const uint64_t sl_iv[8] = {
    0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL, 0xa54ff53a5f1d36f1ULL,
    0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL, 0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL,
};
static const uint64_t sl_k[80] = {
    0x428a2f98d728ae22ULL, 0x7137449123ef65cdULL, 0xb5c0fbcfec4d3b2fULL, 0xe9b5dba58189dbbcULL,
    0x3956c25bf348b538ULL, 0x59f111f1b605d019ULL, 0x923f82a4af194f9bULL, 0xab1c5ed5da6d8118ULL,
    0xd807aa98a3030242ULL, 0x12835b0145706fbeULL, 0x243185be4ee4b28cULL, 0x550c7dc3d5ffb4e2ULL,
    0x72be5d74f27b896fULL, 0x80deb1fe3b1696b1ULL, 0x9bdc06a725c71235ULL, 0xc19bf174cf692694ULL,
    0xe49b69c19ef14ad2ULL, 0xefbe4786384f25e3ULL, 0x0fc19dc68b8cd5b5ULL, 0x240ca1cc77ac9c65ULL,
    0x2de92c6f592b0275ULL, 0x4a7484aa6ea6e483ULL, 0x5cb0a9dcbd41fbd4ULL, 0x76f988da831153b5ULL,
    0x983e5152ee66dfabULL, 0xa831c66d2db43210ULL, 0xb00327c898fb213fULL, 0xbf597fc7beef0ee4ULL,
    0xc6e00bf33da88fc2ULL, 0xd5a79147930aa725ULL, 0x06ca6351e003826fULL, 0x142929670a0e6e70ULL,
    0x27b70a8546d22ffcULL, 0x2e1b21385c26c926ULL, 0x4d2c6dfc5ac42aedULL, 0x53380d139d95b3dfULL,
    0x650a73548baf63deULL, 0x766a0abb3c77b2a8ULL, 0x81c2c92e47edaee6ULL, 0x92722c851482353bULL,
    0xa2bfe8a14cf10364ULL, 0xa81a664bbc423001ULL, 0xc24b8b70d0f89791ULL, 0xc76c51a30654be30ULL,
    0xd192e819d6ef5218ULL, 0xd69906245565a910ULL, 0xf40e35855771202aULL, 0x106aa07032bbd1b8ULL,
    0x19a4c116b8d2d0c8ULL, 0x1e376c085141ab53ULL, 0x2748774cdf8eeb99ULL, 0x34b0bcb5e19b48a8ULL,
    0x391c0cb3c5c95a63ULL, 0x4ed8aa4ae3418acbULL, 0x5b9cca4f7763e373ULL, 0x682e6ff3d6b2b8a3ULL,
    0x748f82ee5defb2fcULL, 0x78a5636f43172f60ULL, 0x84c87814a1f0ab72ULL, 0x8cc702081a6439ecULL,
    0x90befffa23631e28ULL, 0xa4506cebde82bde9ULL, 0xbef9a3f7b2c67915ULL, 0xc67178f2e372532bULL,
    0xca273eceea26619cULL, 0xd186b8c721c0c207ULL, 0xeada7dd6cde0eb1eULL, 0xf57d4f7fee6ed178ULL,
    0x06f067aa72176fbaULL, 0x0a637dc5a2c898a6ULL, 0x113f9804bef90daeULL, 0x1b710b35131c471bULL,
    0x28db77f523047d84ULL, 0x32caab7b40c72493ULL, 0x3c9ebe0a15c9bebcULL, 0x431d67c49c100d4cULL,
    0x4cc5d4becb3e42b6ULL, 0x597f299cfc657e2aULL, 0x5fcb6fab3ad6faecULL, 0x6c44198c4a475817ULL,
};

/* What an idle lane reads: any readable block would do, its result is masked off. */
static const uint8_t sl_idle_block[128];

/* One lane's stream R || A || msg || 0x80 || zeros || 128-bit bit length, in blocks: block 0 and the blocks
 * from `tail` on (the last message bytes and the padding, at most two) are staged here; the blocks between
 * are read in place from msg. */
typedef struct {
    const uint8_t *msg;
    size_t nblocks, tail;
    uint8_t first[128];
    uint8_t last[256];
} sl_lane;

static void sl_lane_init(sl_lane *ln, const uint8_t R[32], const uint8_t A[32], const uint8_t *msg, size_t len)
{
    const size_t total = 64 + len;
    ln->msg = msg;
    ln->nblocks = (total + 16 + 1 + 127) / 128; /* 0x80 and the 16-byte length must fit */
    ln->tail = total / 128;                     /* the block holding the 0x80 */
    const size_t staged = (ln->nblocks - ln->tail) * 128;
    size_t used;
    if (ln->tail == 0) {
        memcpy(ln->last, R, 32);
        memcpy(ln->last + 32, A, 32);
        if (len) memcpy(ln->last + 64, msg, len);
        used = total;
    } else {
        memcpy(ln->first, R, 32);
        memcpy(ln->first + 32, A, 32);
        memcpy(ln->first + 64, msg, 64);
        const size_t from = ln->tail * 128 - 64; /* offset in msg of the tail's first byte */
        used = len - from;
        if (used) memcpy(ln->last, msg + from, used);
    }
    ln->last[used] = 0x80;
    memset(ln->last + used + 1, 0, staged - used - 1);
    tss_store_be64(ln->last + staged - 16, (uint64_t)(total >> 61));
    tss_store_be64(ln->last + staged - 8, (uint64_t)total << 3);
}

static inline const uint8_t *sl_lane_block(const sl_lane *ln, size_t b)
{
    if (b >= ln->nblocks) return sl_idle_block;
    if (b >= ln->tail) return ln->last + 128 * (b - ln->tail);
    if (b == 0) return ln->first;
    return ln->msg + 128 * b - 64;
}

#define SL_BSIG0(x) SL_XOR3(SL_ROR(x, 28), SL_ROR(x, 34), SL_ROR(x, 39))
#define SL_BSIG1(x) SL_XOR3(SL_ROR(x, 14), SL_ROR(x, 18), SL_ROR(x, 41))
#define SL_SSIG0(x) SL_XOR3(SL_ROR(x, 1), SL_ROR(x, 8), SL_SHR(x, 7))
#define SL_SSIG1(x) SL_XOR3(SL_ROR(x, 19), SL_ROR(x, 61), SL_SHR(x, 6))

/* Round t with schedule word W[j]; the renaming of a..h costs nothing once unrolled. */
#define SL_ROUND(t, j)                                                                                          \
    do {                                                                                                        \
        const sl_vec t1_ = SL_ADD(SL_ADD(h, SL_BSIG1(e)), SL_ADD(SL_CH(e, f, g), SL_ADD(SL_SET1(sl_k[t]), W[j]))); \
        const sl_vec t2_ = SL_ADD(SL_BSIG0(a), SL_MAJ(a, b, c));                                                 \
        h = g;                                                                                                  \
        g = f;                                                                                                  \
        f = e;                                                                                                  \
        e = SL_ADD(d, t1_);                                                                                     \
        d = c;                                                                                                  \
        c = b;                                                                                                  \
        b = a;                                                                                                  \
        a = SL_ADD(t1_, t2_);                                                                                   \
    } while (0)

/* One block per lane; H changes only in the lanes of `active`. */
static void sl_compress(sl_vec H[8], const uint8_t *const blk[SL_LANES], sl_mask active)
{
    _Alignas(64) uint64_t w[16][SL_LANES];
    for (int l = 0; l < SL_LANES; l++) {
        for (int j = 0; j < 16; j++) w[j][l] = tss_load_be64(blk[l] + 8 * j);
    }
    sl_vec W[16];
    for (int j = 0; j < 16; j++) W[j] = SL_LOAD(w[j]);
    sl_vec a = H[0], b = H[1], c = H[2], d = H[3], e = H[4], f = H[5], g = H[6], h = H[7];
    /* fully unrolled, so that W's indices are constants and the window stays in registers */
#pragma GCC unroll 16
    for (int j = 0; j < 16; j++) SL_ROUND(j, j);
    for (int t = 16; t < 80; t += 16) {
#pragma GCC unroll 16
        for (int j = 0; j < 16; j++) {
            W[j] = SL_ADD(SL_ADD(W[j], SL_SSIG1(W[(j + 14) & 15])), SL_ADD(W[(j + 9) & 15], SL_SSIG0(W[(j + 1) & 15])));
            SL_ROUND(t + j, j);
        }
    }
    H[0] = SL_ADD_MASKED(H[0], active, a);
    H[1] = SL_ADD_MASKED(H[1], active, b);
    H[2] = SL_ADD_MASKED(H[2], active, c);
    H[3] = SL_ADD_MASKED(H[3], active, d);
    H[4] = SL_ADD_MASKED(H[4], active, e);
    H[5] = SL_ADD_MASKED(H[5], active, f);
    H[6] = SL_ADD_MASKED(H[6], active, g);
    H[7] = SL_ADD_MASKED(H[7], active, h);
}

/* out[l] <- SHA-512(R[l] || A[l] || msg[l]) for l < cnt <= SL_LANES. */
static void sl_hash_group(uint8_t (*out)[64], const uint8_t *const R[], const uint8_t *const A[],
                          const uint8_t *const msg[], const size_t msg_len[], size_t cnt)
{
    sl_lane lanes[SL_LANES];
    size_t max_blocks = 0;
    for (size_t l = 0; l < SL_LANES; l++) {
        if (l < cnt) {
            sl_lane_init(&lanes[l], R[l], A[l], msg[l], msg_len[l]);
            if (lanes[l].nblocks > max_blocks) max_blocks = lanes[l].nblocks;
        } else {
            lanes[l].msg = NULL;
            lanes[l].nblocks = 0;
            lanes[l].tail = 0;
        }
    }
    sl_vec H[8];
    for (int i = 0; i < 8; i++) H[i] = SL_SET1(sl_iv[i]);
    for (size_t b = 0; b < max_blocks; b++) {
        const uint8_t *blk[SL_LANES];
        unsigned bits = 0;
        for (size_t l = 0; l < SL_LANES; l++) {
            blk[l] = sl_lane_block(&lanes[l], b);
            bits |= (unsigned)(b < lanes[l].nblocks) << l;
        }
        sl_compress(H, blk, SL_MASK(bits));
    }
    _Alignas(64) uint64_t h[8][SL_LANES];
    for (int i = 0; i < 8; i++) SL_STORE(h[i], H[i]);
    for (size_t l = 0; l < cnt; l++) {
        for (int i = 0; i < 8; i++) tss_store_be64(out[l] + 8 * i, h[i][l]);
    }
}

void SL_FN(tss_sha512_ram_n_)(uint8_t (*out)[64], const uint8_t *const R[], const uint8_t *const A[],
                              const uint8_t *const msg[], const size_t msg_len[], size_t n)
{
    for (size_t i = 0; i < n; i += SL_LANES) {
        const size_t cnt = n - i < SL_LANES ? n - i : SL_LANES;
        sl_hash_group(out + i, R + i, A + i, msg + i, msg_len + i, cnt);
    }
}

void SL_FN(tss_ed25519_challenge_n_)(sc25519 *const k[], const uint8_t *const R[], const uint8_t *const A[],
                                     const uint8_t *const msg[], const size_t msg_len[], size_t n)
{
    uint8_t h[SL_LANES][64];
    for (size_t i = 0; i < n; i += SL_LANES) {
        const size_t cnt = n - i < SL_LANES ? n - i : SL_LANES;
        sl_hash_group(h, R + i, A + i, msg + i, msg_len + i, cnt);
        for (size_t l = 0; l < cnt; l++) sc25519_from_bytes_reduce64(k[i + l], h[l]);
    }
}

#endif
