/* KOS OT extension (see ot_ext.h). */
#include "crypto/ot_ext.h"

#include <string.h>
#include <sodium.h>
#include <openssl/evp.h>

#include "tss/common.h"
#include "crypto/ctime_declassify.h"
#include "crypto/ecdsa_transcript.h"

static uint64_t ld64(const uint8_t *p)
{
    uint64_t x;
    memcpy(&x, p, 8);
    return x; /* little-endian hosts only (x86-64, aarch64): bit j of a row is bit j%8 of byte j/8 */
}

static void st64(uint8_t *p, uint64_t x) { memcpy(p, &x, 8); }

/* The PRG expanding the 128 base-OT seeds into the columns of this session: for seed k_l and block b,
 * π(x) ⊕ x with x = k_l ⊕ T(nonce, l, b) and π fixed-key AES-128 — the same fixed-key construction as the
 * pads (a correlation-robust function of a uniformly random 128-bit seed is pseudorandom; the per-session
 * nonce in T makes every session's columns independent). All 128 × 5 blocks go through one AES call. */
static const uint8_t PRG_KEY[16] = {'t', 's', 's', '-', 'k', 'o', 's', '-', 'p', 'r', 'g', '-', 'v', '1', 0, 0};
#define COL_BLOCKS ((OTE_ROW_BYTES + 15) / 16)   /* 5 */

static int prg_columns(uint8_t cols[OTE_KAPPA][OTE_ROW_BYTES], const uint8_t (*seeds)[OT_KEY_BYTES], size_t stride,
                       const uint8_t nonce20[20], int xor_into)
{
    static const size_t N = (size_t)OTE_KAPPA * COL_BLOCKS;
    uint8_t x[OTE_KAPPA * COL_BLOCKS][16], y[OTE_KAPPA * COL_BLOCKS][16];
    int len, rc = 0;
    for (uint32_t l = 0; l < OTE_KAPPA; l++)
        for (uint32_t b = 0; b < COL_BLOCKS; b++) {
            uint8_t *blk = x[l * COL_BLOCKS + b];
            memcpy(blk, seeds[(size_t)l * stride], 16);
            for (int i = 0; i < 12; i++) blk[i] ^= nonce20[i];
            blk[12] ^= (uint8_t)l;
            blk[13] ^= (uint8_t)b;
            blk[14] ^= 0x5c;
        }
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (!ctx || EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), NULL, PRG_KEY, NULL) != 1 ||
        EVP_CIPHER_CTX_set_padding(ctx, 0) != 1 || EVP_EncryptUpdate(ctx, y[0], &len, x[0], (int)(16 * N)) != 1)
        rc = -1;
    EVP_CIPHER_CTX_free(ctx);
    for (uint32_t l = 0; l < OTE_KAPPA && rc == 0; l++)
        for (size_t i = 0; i < OTE_ROW_BYTES; i++) {
            uint8_t v = y[l * COL_BLOCKS + i / 16][i % 16] ^ x[l * COL_BLOCKS + i / 16][i % 16];
            cols[l][i] = xor_into ? (uint8_t)(cols[l][i] ^ v) : v;
        }
    sodium_memzero(x, sizeof x);
    sodium_memzero(y, sizeof y);
    return rc;
}

static void session_nonce(uint8_t nonce20[20], const uint8_t sid[32])
{
    ecdsa_transcript t;
    ecdsa_transcript_init(&t, "kos-prg");
    ecdsa_transcript_append(&t, ECDSA_T_SID, "sid", sid, 32);
    ecdsa_transcript_bytes_out(&t, nonce20, 20);
}

static inline uint64_t transpose8(uint64_t x)
{
    uint64_t t;
    t = (x ^ (x >> 7)) & 0x00AA00AA00AA00AAULL;  x ^= t ^ (t << 7);
    t = (x ^ (x >> 14)) & 0x0000CCCC0000CCCCULL; x ^= t ^ (t << 14);
    t = (x ^ (x >> 28)) & 0x00000000F0F0F0F0ULL; x ^= t ^ (t << 28);
    return x;
}

void ote_transpose(uint8_t (*rows)[16], const uint8_t cols[OTE_KAPPA][OTE_ROW_BYTES], size_t n_rows)
{
    for (size_t jb = 0; jb < (n_rows + 7) / 8; jb++) {
        for (size_t lb = 0; lb < OTE_KAPPA / 8; lb++) {
            uint64_t x = 0;
            for (int i = 0; i < 8; i++) x |= (uint64_t)cols[8 * lb + (size_t)i][jb] << (8 * i);
            x = transpose8(x);
            for (int k = 0; k < 8; k++) {
                size_t j = 8 * jb + (size_t)k;
                if (j < n_rows) rows[j][lb] = (uint8_t)(x >> (8 * k));
            }
        }
    }
}

/* Low 64 bits of the carry-less product, with integer multiplications on bits spaced 4 apart (no
 * data-dependent branches or table lookups). */
static uint64_t bmul64(uint64_t x, uint64_t y)
{
    const uint64_t m0 = 0x1111111111111111ULL, m1 = m0 << 1, m2 = m0 << 2, m3 = m0 << 3;
    uint64_t x0 = x & m0, x1 = x & m1, x2 = x & m2, x3 = x & m3;
    uint64_t y0 = y & m0, y1 = y & m1, y2 = y & m2, y3 = y & m3;
    uint64_t z0 = (x0 * y0) ^ (x1 * y3) ^ (x2 * y2) ^ (x3 * y1);
    uint64_t z1 = (x0 * y1) ^ (x1 * y0) ^ (x2 * y3) ^ (x3 * y2);
    uint64_t z2 = (x0 * y2) ^ (x1 * y1) ^ (x2 * y0) ^ (x3 * y3);
    uint64_t z3 = (x0 * y3) ^ (x1 * y2) ^ (x2 * y1) ^ (x3 * y0);
    return (z0 & m0) | (z1 & m1) | (z2 & m2) | (z3 & m3);
}

static uint64_t rev64(uint64_t x)
{
    x = ((x >> 1) & 0x5555555555555555ULL) | ((x & 0x5555555555555555ULL) << 1);
    x = ((x >> 2) & 0x3333333333333333ULL) | ((x & 0x3333333333333333ULL) << 2);
    x = ((x >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((x & 0x0F0F0F0F0F0F0F0FULL) << 4);
    return __builtin_bswap64(x);
}

static void clmul64(uint64_t x, uint64_t y, uint64_t *lo, uint64_t *hi)
{
    *lo = bmul64(x, y);
    *hi = rev64(bmul64(rev64(x), rev64(y))) >> 1;
}

/* Unreduced product a·b (256 bits) xored into acc[4]: portable. */
static void clmul128_acc_portable(uint64_t acc[4], const uint64_t a[2], const uint64_t b[2])
{
    uint64_t l0, h0, l1, h1, lm, hm, lm2, hm2;
    clmul64(a[0], b[0], &l0, &h0);
    clmul64(a[1], b[1], &l1, &h1);
    clmul64(a[0], b[1], &lm, &hm);
    clmul64(a[1], b[0], &lm2, &hm2);
    lm ^= lm2; hm ^= hm2;
    acc[0] ^= l0;
    acc[1] ^= h0 ^ lm;
    acc[2] ^= l1 ^ hm;
    acc[3] ^= h1;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
/* The same with PCLMULQDQ: compiled for that instruction only here, called only when the CPU has it
 * (checked at run time; the xmm state needs no OS support check). */
__attribute__((target("pclmul,sse2"))) static void clmul128_acc_pclmul(uint64_t acc[4], const uint64_t a[2],
                                                                      const uint64_t b[2])
{
    __m128i x = _mm_loadu_si128((const __m128i *)a), y = _mm_loadu_si128((const __m128i *)b);
    __m128i lo = _mm_clmulepi64_si128(x, y, 0x00), hi = _mm_clmulepi64_si128(x, y, 0x11);
    __m128i mid = _mm_xor_si128(_mm_clmulepi64_si128(x, y, 0x01), _mm_clmulepi64_si128(x, y, 0x10));
    uint64_t l[2], h[2], m[2];
    _mm_storeu_si128((__m128i *)l, lo);
    _mm_storeu_si128((__m128i *)h, hi);
    _mm_storeu_si128((__m128i *)m, mid);
    acc[0] ^= l[0];
    acc[1] ^= l[1] ^ m[0];
    acc[2] ^= h[0] ^ m[1];
    acc[3] ^= h[1];
}

typedef void (*clmul_fn)(uint64_t acc[4], const uint64_t a[2], const uint64_t b[2]);
static clmul_fn clmul_impl(void)
{
    return __builtin_cpu_supports("pclmul") ? clmul128_acc_pclmul : clmul128_acc_portable;
}
int ote_gf128_has_pclmul(void) { return __builtin_cpu_supports("pclmul"); }
#else
typedef void (*clmul_fn)(uint64_t acc[4], const uint64_t a[2], const uint64_t b[2]);
static clmul_fn clmul_impl(void) { return clmul128_acc_portable; }
int ote_gf128_has_pclmul(void) { return 0; }
#endif

/* Reduction modulo x^128 + x^7 + x^2 + x + 1. */
static void gf_reduce(uint64_t r[2], const uint64_t v[4])
{
    uint64_t h0 = v[2], h1 = v[3];
    /* H·(x^7 + x^2 + x + 1): up to 135 bits; the overflow above 128 bits is folded once more. */
    uint64_t lo = h0 ^ (h0 << 1) ^ (h0 << 2) ^ (h0 << 7);
    uint64_t hi = h1 ^ (h1 << 1) ^ (h1 << 2) ^ (h1 << 7) ^ (h0 >> 63) ^ (h0 >> 62) ^ (h0 >> 57);
    uint64_t ov = (h1 >> 63) ^ (h1 >> 62) ^ (h1 >> 57);
    lo ^= ov ^ (ov << 1) ^ (ov << 2) ^ (ov << 7);
    r[0] = v[0] ^ lo;
    r[1] = v[1] ^ hi;
}

void ote_gf128_mul(uint8_t out[16], const uint8_t a[16], const uint8_t b[16], int portable)
{
    uint64_t x[2] = {ld64(a), ld64(a + 8)}, y[2] = {ld64(b), ld64(b + 8)}, acc[4] = {0}, r[2];
    (portable ? clmul128_acc_portable : clmul_impl())(acc, x, y);
    gf_reduce(r, acc);
    st64(out, r[0]);
    st64(out + 8, r[1]);
}

/* The challenges χ_j, j < OTE_M, from H(sid, u). -1 if OpenSSL failed. */
static int challenges(uint8_t chi[OTE_M][16], const uint8_t sid[32], const ote_msg *msg)
{
    ecdsa_bulk b;
    uint8_t key[32], nonce[24] = {0};
    if (ecdsa_bulk_init(&b, ECDSA_DOMAIN "/kos-check", sid) != 0) return -1;
    ecdsa_bulk_update(&b, msg->u, sizeof msg->u);
    if (ecdsa_bulk_final(&b, key) != 0) return -1;
    crypto_stream_xchacha20((uint8_t *)chi, (size_t)OTE_M * 16, nonce, key);
    return 0;
}

int ote_receiver_start(ote_msg *msg, uint8_t choice[OTE_ROW_BYTES], const ote_receiver_setup *setup,
                       const uint8_t sid[32])
{
    static const size_t FIRST = OTE_COUNT / 8;
    uint8_t nonce[20];
    uint8_t (*cols)[OTE_ROW_BYTES] = msg->u; /* T0 columns are built in place of u, then u = T0 ⊕ T1 ⊕ x */
    uint8_t rows[OTE_M][16];
    uint8_t chi[OTE_M][16];
    randombytes_buf(choice + FIRST, OTE_ROW_BYTES - FIRST);
    session_nonce(nonce, sid);
    int prg_rc = prg_columns(cols, &setup->seeds[0][0], 2, nonce, 0);
    ote_transpose(rows, (const uint8_t (*)[OTE_ROW_BYTES])cols, OTE_M);
    prg_rc |= prg_columns(cols, &setup->seeds[0][1], 2, nonce, 1);
    for (uint32_t l = 0; l < OTE_KAPPA; l++)
        for (size_t b = 0; b < OTE_ROW_BYTES; b++) cols[l][b] ^= choice[b];
    prg_rc |= challenges(chi, sid, msg);
    uint64_t accx[2] = {0}, acct[4] = {0};
    clmul_fn clmul128_acc = clmul_impl();
    for (size_t j = 0; j < OTE_M; j++) {
        uint64_t xm = 0 - (uint64_t)((choice[j / 8] >> (j % 8)) & 1u);
        uint64_t cj[2] = {ld64(chi[j]), ld64(chi[j] + 8)}, tj[2] = {ld64(rows[j]), ld64(rows[j] + 8)};
        accx[0] ^= cj[0] & xm;
        accx[1] ^= cj[1] & xm;
        clmul128_acc(acct, tj, cj);
    }
    uint64_t t2[2];
    gf_reduce(t2, acct);
    st64(msg->check_x, accx[0]); st64(msg->check_x + 8, accx[1]);
    st64(msg->check_t, t2[0]); st64(msg->check_t + 8, t2[1]);
    sodium_memzero(rows, sizeof rows);
    return prg_rc == 0 ? TSS_OK : TSS_ERR_CRYPTO;
}

int ote_receiver_rows(uint8_t rows[OTE_COUNT][16], const ote_receiver_setup *setup, const uint8_t sid[32])
{
    uint8_t nonce[20];
    uint8_t cols[OTE_KAPPA][OTE_ROW_BYTES];
    session_nonce(nonce, sid);
    int rc = prg_columns(cols, &setup->seeds[0][0], 2, nonce, 0);
    ote_transpose(rows, (const uint8_t (*)[OTE_ROW_BYTES])cols, OTE_COUNT);
    sodium_memzero(cols, sizeof cols);
    return rc == 0 ? TSS_OK : TSS_ERR_CRYPTO;
}

int ote_sender_receive(uint8_t rows_out[OTE_COUNT][16], const ote_msg *msg, const ote_sender_setup *setup,
                       const uint8_t sid[32])
{
    uint8_t nonce[20];
    uint8_t cols[OTE_KAPPA][OTE_ROW_BYTES];
    uint8_t rows[OTE_M][16];
    uint8_t chi[OTE_M][16];
    session_nonce(nonce, sid);
    if (prg_columns(cols, setup->seeds, 1, nonce, 0) != 0) return TSS_ERR_CRYPTO;
    for (uint32_t l = 0; l < OTE_KAPPA; l++) {
        uint8_t m = (uint8_t)(0 - ((setup->delta[l / 8] >> (l % 8)) & 1u));
        for (size_t b = 0; b < OTE_ROW_BYTES; b++) cols[l][b] ^= msg->u[l][b] & m;
    }
    ote_transpose(rows, (const uint8_t (*)[OTE_ROW_BYTES])cols, OTE_M);
    if (challenges(chi, sid, msg) != 0) {
        sodium_memzero(cols, sizeof cols);
        sodium_memzero(rows, sizeof rows);
        return TSS_ERR_CRYPTO;
    }
    uint64_t accq[4] = {0};
    clmul_fn clmul128_acc = clmul_impl();
    for (size_t j = 0; j < OTE_M; j++) {
        uint64_t cj[2] = {ld64(chi[j]), ld64(chi[j] + 8)}, qj[2] = {ld64(rows[j]), ld64(rows[j] + 8)};
        clmul128_acc(accq, qj, cj);
    }
    uint64_t q[2], xd[4] = {0}, xdr[2];
    (void)clmul128_acc;
    gf_reduce(q, accq);
    uint64_t X[2] = {ld64(msg->check_x), ld64(msg->check_x + 8)};
    uint64_t D[2] = {ld64(setup->delta), ld64(setup->delta + 8)};
    clmul128_acc(xd, X, D);
    gf_reduce(xdr, xd);
    uint64_t diff = (q[0] ^ ld64(msg->check_t) ^ xdr[0]) | (q[1] ^ ld64(msg->check_t + 8) ^ xdr[1]);
    int rc = TSS_OK;
    TSS_DECLASSIFY(&diff, sizeof diff);  /* the check's outcome is public */
    if (diff != 0) rc = TSS_ERR_OT_CONSISTENCY;
    else memcpy(rows_out, rows, (size_t)OTE_COUNT * 16);
    sodium_memzero(cols, sizeof cols);
    sodium_memzero(rows, sizeof rows);
    return rc;
}

int ote_pads(uint8_t (*out)[OTE_PAD_BYTES], const uint8_t (*rows)[16], size_t n, uint32_t j0, const uint8_t sid[32],
             const uint8_t xor_mask[16])
{
    /* π: AES-128 under a fixed public key (any fixed key will do: π is modelled as a random permutation) */
    static const uint8_t KEY[16] = {'t', 's', 's', '-', 'k', 'o', 's', '-', 't', 'c', 'c', 'r', '-', 'v', '1', 0};
    enum { CHUNK = 32 };
    uint8_t y[CHUNK][16], in[CHUNK * 8][16];
    uint8_t tweak[8];
    int len, rc = 0;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (!ctx || EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), NULL, KEY, NULL) != 1) { rc = -1; goto done; }
    EVP_CIPHER_CTX_set_padding(ctx, 0);
    {
        ecdsa_transcript t;
        ecdsa_transcript_init(&t, "kos-tccr-tweak");
        ecdsa_transcript_append(&t, ECDSA_T_SID, "sid", sid, 32);
        ecdsa_transcript_bytes_out(&t, tweak, sizeof tweak);
    }
    for (size_t base = 0; base < n; base += CHUNK) {
        size_t m = n - base < CHUNK ? n - base : CHUNK;
        for (size_t i = 0; i < m; i++)
            for (int b = 0; b < 16; b++) y[i][b] = rows[base + i][b] ^ (xor_mask ? xor_mask[b] : 0);
        if (EVP_EncryptUpdate(ctx, y[0], &len, y[0], (int)(16 * m)) != 1) { rc = -1; goto done; }
        for (size_t i = 0; i < m; i++) {
            uint32_t j = j0 + (uint32_t)(base + i);
            for (uint32_t k = 0; k < 8; k++) {
                uint8_t *blk = in[8 * i + k];
                memcpy(blk, y[i], 16);
                for (int b = 0; b < 8; b++) blk[b] ^= tweak[b];
                blk[8] ^= (uint8_t)(j >> 24); blk[9] ^= (uint8_t)(j >> 16); blk[10] ^= (uint8_t)(j >> 8); blk[11] ^= (uint8_t)j;
                blk[15] ^= (uint8_t)k;
            }
        }
        if (EVP_EncryptUpdate(ctx, in[0], &len, in[0], (int)(16 * 8 * m)) != 1) { rc = -1; goto done; }
        for (size_t i = 0; i < m; i++)
            for (uint32_t k = 0; k < 8; k++)
                for (int b = 0; b < 16; b++) out[base + i][16 * k + b] = in[8 * i + k][b] ^ y[i][b];
    }
done:
    EVP_CIPHER_CTX_free(ctx);
    sodium_memzero(y, sizeof y);
    sodium_memzero(in, sizeof in);
    return rc;
}
