/* Batch verification against single verification on random batches that mix valid libsodium signatures
 * with every kind of corruption and edge encoding ZIP-215 has an opinion on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include <stdio.h>
#include "crypto/cpu.h"
#include "crypto/ge25519.h"
#include "crypto/sc25519.h"
#include "test_support.h"
#include "tss/common.h"
#include "tss/ed25519.h"

#define MSG_MAX 48

typedef struct {
    uint8_t pk[32], sk[64];
    sc25519 a; /* the secret scalar libsodium signs with */
} key;

typedef struct {
    uint8_t sig[64], pk[32], msg[MSG_MAX];
    size_t len;
    int kind;
    int expect; /* 1 valid, 0 invalid, -1 not known in advance */
} item;

enum {
    K_VALID,          /* libsodium signature */
    K_FLIP_R,         /* one bit of R flipped */
    K_FLIP_S,         /* one bit of S flipped */
    K_FLIP_A,         /* one bit of A flipped */
    K_FLIP_M,         /* one bit of the message flipped */
    K_S_PLUS_L,       /* S + L: same point equation, non-canonical S */
    K_R_TORSION,      /* R = [r]B + T, signed over that R: ZIP-215 valid */
    K_A_TORSION,      /* A = [a]B + T, signed over that A: ZIP-215 valid */
    K_R_TORSION_BAD,  /* R + T added after signing: k changes, invalid */
    K_R_NONCANON,     /* non-canonical small-order R with S = k a: valid */
    K_A_SMALL,        /* small-order A (any encoding), R = [r]B, S = r: valid */
    K_AR_SMALL_S0,    /* small-order A and R, S = 0: valid */
    K_AR_SMALL_S,     /* small-order A and R, S != 0: invalid */
    K_R_NONCANON_BIG, /* R a non-canonical encoding (y + p) of a large-order point: invalid */
    K_COUNT
};

static uint8_t small_enc[32][32]; /* encodings of small-order points, canonical and not */
static size_t n_small;
static uint8_t small_noncanon[8][32];
static size_t n_small_noncanon;
static uint8_t big_noncanon[19][32];
static size_t n_big_noncanon;
static ge25519_p3 torsion[8]; /* [j]T8 */

static void rand_scalar(tv_rng *rng, sc25519 *s)
{
    uint8_t b[64];
    tv_rng_bytes(rng, b, sizeof b);
    sc25519_from_bytes_reduce64(s, b);
}

static void challenge(sc25519 *k, const uint8_t R[32], const uint8_t A[32], const uint8_t *m, size_t len)
{
    crypto_hash_sha512_state st;
    uint8_t h[64];
    crypto_hash_sha512_init(&st);
    crypto_hash_sha512_update(&st, R, 32);
    crypto_hash_sha512_update(&st, A, 32);
    crypto_hash_sha512_update(&st, m, len);
    crypto_hash_sha512_final(&st, h);
    sc25519_from_bytes_reduce64(k, h);
}

/* y + p for y < 19 (the only values with a second 255-bit encoding), sign bit s */
static void enc_y_plus_p(uint8_t out[32], unsigned y, unsigned s)
{
    memset(out, 0xff, 32);
    out[0] = (uint8_t)(0xed + y);
    out[31] = (uint8_t)(0x7f | (s << 7));
}

static int setup_points(void **state)
{
    (void)state;
    if (tss_init() != 0) return -1;
    /* an order-8 point (from the speccheck cases) and its multiples */
    static const char *t8hex = "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a";
    uint8_t b[32];
    if (tv_hex_exact(b, 32, t8hex) != 0) return -1;
    ge25519_identity(&torsion[0]);
    if (ge25519_frombytes_canonical(&torsion[1], b) != 0) return -1;
    for (int j = 2; j < 8; j++) ge25519_add(&torsion[j], &torsion[j - 1], &torsion[1]);
    ge25519_p3 t;
    ge25519_add(&t, &torsion[7], &torsion[1]);
    if (!ge25519_is_identity(&t)) return -1;
    for (int j = 0; j < 8; j++) ge25519_tobytes(small_enc[n_small++], &torsion[j]);
    /* non-canonical encodings: y + p and the sign bit on x = 0 */
    for (unsigned y = 0; y < 19; y++) {
        for (unsigned s = 0; s < 2; s++) {
            enc_y_plus_p(b, y, s);
            ge25519_p3 p;
            if (ge25519_frombytes_zip215(&p, b) != 0) continue;
            if (ge25519_frombytes_canonical(&p, b) == 0) return -1; /* must be refused by strict decoding */
            if (ge25519_is_small_order(&p)) {
                memcpy(small_noncanon[n_small_noncanon++], b, 32);
                memcpy(small_enc[n_small++], b, 32);
            } else if (s == 0) {
                memcpy(big_noncanon[n_big_noncanon++], b, 32);
            }
        }
    }
    /* "negative zero": y = 1 and y = -1 with the sign bit set */
    memset(b, 0, 32);
    b[0] = 1;
    b[31] = 0x80;
    memcpy(small_noncanon[n_small_noncanon++], b, 32);
    memcpy(small_enc[n_small++], b, 32);
    enc_y_plus_p(b, 0, 0);
    b[0] = 0xec;
    b[31] = 0xff;
    memcpy(small_noncanon[n_small_noncanon++], b, 32);
    memcpy(small_enc[n_small++], b, 32);
    if (n_small_noncanon < 4 || n_big_noncanon == 0) return -1;
    return 0;
}

static void make_key(tv_rng *rng, key *k)
{
    uint8_t seed[32], h[64];
    tv_rng_bytes(rng, seed, 32);
    assert_int_equal(tss_ed25519_keypair_from_seed(k->pk, k->sk, seed), 0);
    crypto_hash_sha512(h, seed, 32);
    h[0] &= 248;
    h[31] &= 127;
    h[31] |= 64;
    sc25519_from_bytes_reduce32(&k->a, h);
}

/* S = r + k a over the given R and A encodings */
static void sign_raw(item *it, const sc25519 *r, const uint8_t R[32], const sc25519 *a)
{
    sc25519 k, S;
    challenge(&k, R, it->pk, it->msg, it->len);
    sc25519_muladd(&S, &k, a, r);
    memcpy(it->sig, R, 32);
    sc25519_to_bytes(it->sig + 32, &S);
}

static void make_item(tv_rng *rng, item *it, const key *k, int kind)
{
    it->kind = kind;
    it->len = (size_t)(tv_rng_next(rng) % (MSG_MAX + 1));
    tv_rng_bytes(rng, it->msg, it->len);
    memcpy(it->pk, k->pk, 32);
    assert_int_equal(tss_ed25519_sign(it->sig, it->msg, it->len, k->sk), 0);
    it->expect = 1;
    sc25519 r, S;
    ge25519_p3 P;
    uint8_t R[32];
    const size_t tj = 1 + (size_t)(tv_rng_next(rng) % 7);
    switch (kind) {
    case K_VALID: break;
    case K_FLIP_R: it->sig[tv_rng_next(rng) % 32] ^= (uint8_t)(1u << (tv_rng_next(rng) % 8)); it->expect = -1; break;
    case K_FLIP_S: it->sig[32 + tv_rng_next(rng) % 32] ^= (uint8_t)(1u << (tv_rng_next(rng) % 8)); it->expect = 0; break;
    case K_FLIP_A: it->pk[tv_rng_next(rng) % 32] ^= (uint8_t)(1u << (tv_rng_next(rng) % 8)); it->expect = -1; break;
    case K_FLIP_M:
        if (it->len == 0) it->len = 1, it->msg[0] = 0;
        else it->msg[tv_rng_next(rng) % it->len] ^= (uint8_t)(1u << (tv_rng_next(rng) % 8));
        it->expect = 0;
        break;
    case K_S_PLUS_L: {
        /* little-endian S + L (fits: S < L < 2^253) */
        static const uint8_t Lb[32] = { 0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
                                        0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10 };
        unsigned c = 0;
        for (int i = 0; i < 32; i++) {
            c += (unsigned)it->sig[32 + i] + Lb[i];
            it->sig[32 + i] = (uint8_t)c;
            c >>= 8;
        }
        it->expect = 0;
        break;
    }
    case K_R_TORSION:
        rand_scalar(rng, &r);
        ge25519_scalarmult_base(&P, &r);
        ge25519_add(&P, &P, &torsion[tj]);
        ge25519_tobytes(R, &P);
        sign_raw(it, &r, R, &k->a);
        break;
    case K_A_TORSION:
        ge25519_scalarmult_base(&P, &k->a);
        ge25519_add(&P, &P, &torsion[tj]);
        ge25519_tobytes(it->pk, &P);
        rand_scalar(rng, &r);
        ge25519_scalarmult_base(&P, &r);
        ge25519_tobytes(R, &P);
        sign_raw(it, &r, R, &k->a);
        break;
    case K_R_TORSION_BAD:
        assert_int_equal(ge25519_frombytes_zip215(&P, it->sig), 0);
        ge25519_add(&P, &P, &torsion[tj]);
        ge25519_tobytes(it->sig, &P);
        it->expect = 0;
        break;
    case K_R_NONCANON:
        sc25519_zero(&r);
        sign_raw(it, &r, small_noncanon[tv_rng_next(rng) % n_small_noncanon], &k->a);
        break;
    case K_A_SMALL:
        memcpy(it->pk, small_enc[tv_rng_next(rng) % n_small], 32);
        rand_scalar(rng, &r);
        ge25519_scalarmult_base(&P, &r);
        ge25519_tobytes(it->sig, &P);
        sc25519_to_bytes(it->sig + 32, &r);
        break;
    case K_AR_SMALL_S0:
    case K_AR_SMALL_S:
        memcpy(it->pk, small_enc[tv_rng_next(rng) % n_small], 32);
        memcpy(it->sig, small_enc[tv_rng_next(rng) % n_small], 32);
        if (kind == K_AR_SMALL_S) {
            rand_scalar(rng, &S);
            if (sc25519_is_zero(&S)) sc25519_one(&S);
            it->expect = 0;
        } else {
            sc25519_zero(&S);
        }
        sc25519_to_bytes(it->sig + 32, &S);
        break;
    case K_R_NONCANON_BIG:
        memcpy(it->sig, big_noncanon[tv_rng_next(rng) % n_big_noncanon], 32);
        it->expect = 0;
        break;
    default: fail();
    }
}

/* Runs the batch (both entry points) and checks ok[] against the single verifier on every item. */
static void check_batch(const item *items, size_t n, int check_all_singles)
{
    const uint8_t **sigs = calloc(n + 1, sizeof *sigs), **msgs = calloc(n + 1, sizeof *msgs);
    const uint8_t **pks = calloc(n + 1, sizeof *pks);
    size_t *lens = calloc(n + 1, sizeof *lens);
    int *ok = calloc(n + 1, sizeof *ok), *ok2 = calloc(n + 1, sizeof *ok2);
    assert_true(sigs && msgs && pks && lens && ok && ok2);
    int all = 1;
    for (size_t i = 0; i < n; i++) {
        sigs[i] = items[i].sig;
        msgs[i] = items[i].msg;
        pks[i] = items[i].pk;
        lens[i] = items[i].len;
    }
    const int rc = tss_ed25519_verify_batch(sigs, msgs, lens, pks, n, ok);
    for (size_t i = 0; i < n; i++) {
        int single;
        if (check_all_singles || items[i].kind != K_VALID) {
            single = tss_ed25519_verify(items[i].sig, items[i].msg, items[i].len, items[i].pk) == 0;
        } else {
            single = 1;
        }
        if (items[i].expect >= 0 && single != items[i].expect)
            fail_msg("kind %d at %zu: single %d, expected %d", items[i].kind, i, single, items[i].expect);
        if (ok[i] != single) fail_msg("kind %d at %zu (n %zu): batch %d, single %d", items[i].kind, i, n, ok[i], single);
        all &= single;
    }
    assert_int_equal(rc, all ? 0 : -1);

    /* the scratch entry point, on a deliberately misaligned buffer of exactly the stated size + 1 */
    const size_t m = n < TSS_ED25519_BATCH_CHUNK ? n : TSS_ED25519_BATCH_CHUNK;
    const size_t len = tss_ed25519_verify_batch_scratch_size(m);
    uint8_t *buf = malloc(len + 1);
    assert_non_null(buf);
    assert_int_equal(tss_ed25519_verify_batch_scratch(sigs, msgs, lens, pks, n, ok2, buf + 1, len), rc);
    assert_memory_equal(ok, ok2, n * sizeof(int));
    /* too small: -1 and nothing marked valid */
    for (size_t i = 0; i < n; i++) ok2[i] = 7;
    assert_int_equal(tss_ed25519_verify_batch_scratch(sigs, msgs, lens, pks, n, ok2, buf, len - 1), -1);
    for (size_t i = 0; i < n; i++) assert_int_equal(ok2[i], 0);
    free(buf);
    free(sigs);
    free(msgs);
    free(pks);
    free(lens);
    free(ok);
    free(ok2);
}

/* n items over n_keys keys; each item is corrupted with probability bad_percent. */
static void run_batch(tv_rng *rng, size_t n, size_t n_keys, unsigned bad_percent)
{
    key *keys = calloc(n_keys, sizeof *keys);
    item *items = calloc(n, sizeof *items);
    assert_non_null(keys);
    assert_non_null(items);
    for (size_t i = 0; i < n_keys; i++) make_key(rng, &keys[i]);
    for (size_t i = 0; i < n; i++) {
        int kind = K_VALID;
        if (tv_rng_next(rng) % 100 < bad_percent) kind = 1 + (int)(tv_rng_next(rng) % (K_COUNT - 1));
        make_item(rng, &items[i], &keys[tv_rng_next(rng) % n_keys], kind);
    }
    check_batch(items, n, 1);
    free(keys);
    free(items);
}

static void test_batch_sizes(void **state)
{
    (void)state;
    tv_rng rng;
    tv_rng_seed(&rng, 11);
    static const size_t sizes[] = { 1, 2, 3, 7, 64, 65, 500, 4096 };
    /* under an emulated CPU (scripts/test-emulated.sh, 20-50x slower) 500 terms already take every path,
     * Pippenger included; 4096 is left to the native run */
    const size_t most = getenv("TSS_EMULATED") != NULL ? 500 : 4096;
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0] && sizes[s] <= most; s++) {
        const size_t n = sizes[s];
        run_batch(&rng, n, n, 0);                  /* all valid, distinct keys */
        run_batch(&rng, n, n, 10);                 /* some corrupted */
        run_batch(&rng, n, 1 + n / 8, 30);         /* repeated keys */
        if (n <= 500) run_batch(&rng, n, n, 100);  /* nothing but edge cases */
    }
}

/* Every kind alone and at every position of a small batch. */
static void test_batch_each_kind(void **state)
{
    (void)state;
    tv_rng rng;
    tv_rng_seed(&rng, 12);
    key k;
    make_key(&rng, &k);
    item items[9];
    for (int kind = 0; kind < K_COUNT; kind++) {
        for (int rep = 0; rep < 8; rep++) {
            make_item(&rng, &items[0], &k, kind);
            check_batch(items, 1, 1);
            for (size_t i = 0; i < 9; i++) make_item(&rng, &items[i], &k, K_VALID);
            make_item(&rng, &items[rep], &k, kind);
            check_batch(items, 9, 1);
        }
    }
}

static void test_batch_one_key(void **state)
{
    (void)state;
    tv_rng rng;
    tv_rng_seed(&rng, 13);
    run_batch(&rng, 1000, 1, 0);
    run_batch(&rng, 1000, 1, 5);
    run_batch(&rng, 300, 2, 50);
}

static void test_batch_args(void **state)
{
    (void)state;
    int ok[2] = { 5, 5 };
    assert_int_equal(tss_ed25519_verify_batch(NULL, NULL, NULL, NULL, 0, ok), 0);
    assert_int_equal(tss_ed25519_verify_batch_scratch(NULL, NULL, NULL, NULL, 0, ok, NULL, 0), 0);
    assert_int_equal(ok[0], 5);
    assert_int_equal(tss_ed25519_verify_batch(NULL, NULL, NULL, NULL, 2, ok), -1);
    assert_int_equal(ok[0], 0);
    assert_int_equal(ok[1], 0);
    assert_true(tss_ed25519_verify_batch_scratch_size(1) > 0);
    assert_int_equal(tss_ed25519_verify_batch_scratch_size(TSS_ED25519_BATCH_CHUNK),
                     tss_ed25519_verify_batch_scratch_size(10 * TSS_ED25519_BATCH_CHUNK));

    /* NULL entries and a NULL message with a nonzero length are invalid signatures, not errors */
    tv_rng rng;
    tv_rng_seed(&rng, 14);
    key k;
    make_key(&rng, &k);
    item it;
    make_item(&rng, &it, &k, K_VALID);
    const uint8_t *sigs[3] = { it.sig, NULL, it.sig }, *pks[3] = { it.pk, it.pk, it.pk };
    const uint8_t *msgs[3] = { it.msg, it.msg, NULL };
    size_t lens[3] = { it.len, it.len, 1 };
    int ok3[3];
    assert_int_equal(tss_ed25519_verify_batch(sigs, msgs, lens, pks, 3, ok3), -1);
    assert_int_equal(ok3[0], 1);
    assert_int_equal(ok3[1], 0);
    assert_int_equal(ok3[2], 0);
    /* ok may be NULL */
    assert_int_equal(tss_ed25519_verify_batch(sigs, msgs, lens, pks, 1, NULL), 0);
    assert_int_equal(tss_ed25519_verify_batch(sigs, msgs, lens, pks, 2, NULL), -1);
}

/* More than one chunk: 65,536 signatures with a few corrupted ones spread over the chunks. */
static void test_batch_chunked(void **state)
{
    (void)state;
    tv_rng rng;
    tv_rng_seed(&rng, 15);
    const size_t n = 65536, n_keys = 256;
    key *keys = calloc(n_keys, sizeof *keys);
    item *items = calloc(n, sizeof *items);
    assert_non_null(keys);
    assert_non_null(items);
    for (size_t i = 0; i < n_keys; i++) make_key(&rng, &keys[i]);
    for (size_t i = 0; i < n; i++) {
        const int kind = (i % 9973 == 5) ? 1 + (int)(tv_rng_next(&rng) % (K_COUNT - 1)) : K_VALID;
        make_item(&rng, &items[i], &keys[i % n_keys], kind);
    }
    items[n - 1].kind = K_FLIP_M;
    items[n - 1].msg[0] ^= 1;
    if (items[n - 1].len == 0) items[n - 1].len = 1;
    items[n - 1].expect = -1;
    check_batch(items, n, 0);
    free(keys);
    free(items);
}

int main(void)
{
    /* test_ed25519_batch_<backend> (tests/meson.build) forces a backend: one this CPU cannot run is skipped
     * (exit 77), not silently replaced by another and reported as passed */
    const char *forced = getenv("TSS_BACKEND");
    tss_backend fb;
    if (forced && tss_backend_parse(forced, &fb) == 0 && !tss_backend_supported(fb)) {
        printf("backend %s: not supported by this CPU/OS: skipped\n", forced);
        return 77;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_batch_args),
        cmocka_unit_test(test_batch_each_kind),
        cmocka_unit_test(test_batch_sizes),
        cmocka_unit_test(test_batch_one_key),
        cmocka_unit_test(test_batch_chunked),
    };
    return cmocka_run_group_tests(tests, setup_points, NULL);
}
