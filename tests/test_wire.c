/* Wire format: encode/decode round trips, signatures over the domain-separated encoding, and every
 * structural rejection with its own counter; random and mutated bytes never crash the decoder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sodium.h>

#include "dataplane/wire.h"
#include "test_support.h"
#include "tss/common.h"

#define BUF_LEN (WIRE_HEADROOM + 2048)

typedef struct keys {
    uint8_t pk[32];
    uint8_t sk[64];
} keys;

static void make_keys(keys *k, uint8_t seed_byte)
{
    uint8_t seed[32];
    memset(seed, seed_byte, sizeof seed);
    assert_int_equal(crypto_sign_seed_keypair(k->pk, k->sk, seed), 0);
}

static wire_header base_header(uint8_t type)
{
    wire_header h;
    memset(&h, 0, sizeof h);
    h.type = type;
    h.round = 2;
    h.session_id = UINT64_C(0x0123456789abcdef);
    h.seq = UINT64_C(0xfedcba9876543210);
    h.sender = 3;
    h.recipient = type == WIRE_DKG_ROUND2 ? 5 : WIRE_BROADCAST;
    return h;
}

/* Encodes fragment 0 of a msg_len-byte message into buf + WIRE_HEADROOM; returns the datagram length. */
static size_t encode_one(uint8_t *buf, const keys *k, uint8_t type, const uint8_t *msg, size_t msg_len)
{
    wire_header h = base_header(type);
    size_t len = 0;
    assert_int_equal(wire_encode_fragment(buf + WIRE_HEADROOM, BUF_LEN - WIRE_HEADROOM, &len, &h, msg, msg_len, 0,
                                          1700000000123u, k->sk),
                     TSS_OK);
    return len;
}

static uint64_t counter_sum(const wire_counters *c)
{
    return c->decoded + c->truncated + c->oversize + c->trailing + c->bad_magic + c->unknown_version +
           c->unknown_type + c->bad_reserved + c->bad_fragment + c->bad_recipient;
}

static void test_header_layout(void **state)
{
    (void)state;
    keys k;
    make_keys(&k, 1);
    uint8_t buf[BUF_LEN];
    uint8_t msg[3] = {0xaa, 0xbb, 0xcc};
    size_t len = encode_one(buf, &k, WIRE_SIGN_SHARE, msg, sizeof msg);
    const uint8_t *d = buf + WIRE_HEADROOM;
    assert_int_equal(len, WIRE_OVERHEAD + 3);
    /* Fixed little-endian layout as documented in docs/wire.md. */
    assert_memory_equal(d, "TSSN", 4);
    assert_int_equal(d[4], WIRE_VERSION);
    assert_int_equal(d[5], WIRE_SIGN_SHARE);
    assert_int_equal(d[6], 2);
    assert_int_equal(d[7], 0);
    assert_int_equal(d[8], 0xef);
    assert_int_equal(d[15], 0x01);
    assert_int_equal(d[16], 0x10);
    assert_int_equal(d[23], 0xfe);
    assert_int_equal(d[24], 3);
    assert_int_equal(d[25], 0);
    assert_int_equal(d[26], 0xff);
    assert_int_equal(d[27], 0xff);
    assert_int_equal(d[28] | d[29] << 8, 0); /* frag index */
    assert_int_equal(d[30] | d[31] << 8, 1); /* frag count */
    assert_int_equal(d[32] | d[33] << 8, 3); /* payload len */
    assert_int_equal(d[34] | d[35] << 8, 0); /* reserved */
    assert_int_equal(d[36] | d[37] << 8 | d[38] << 16 | d[39] << 24, 3);
    assert_memory_equal(d + 40, msg, 3);
    uint64_t ts = 0;
    for (int i = 7; i >= 0; i--) ts = ts << 8 | d[43 + i];
    assert_true(ts == 1700000000123u);

    /* The signature is plain Ed25519 over "tss-envelope-v1" || datagram-before-signature. */
    uint8_t signed_bytes[WIRE_DOMAIN_LEN + WIRE_MAX_DATAGRAM];
    memcpy(signed_bytes, "tss-envelope-v1", 15);
    memcpy(signed_bytes + 15, d, len - 64);
    assert_int_equal(crypto_sign_verify_detached(d + len - 64, signed_bytes, 15 + len - 64, k.pk), 0);
}

static void test_round_trip_sizes(void **state)
{
    (void)state;
    keys k, other;
    make_keys(&k, 1);
    make_keys(&other, 2);
    static const size_t sizes[] = {0, 1, 100, 1024, WIRE_MAX_PAYLOAD};
    uint8_t msg[WIRE_MAX_PAYLOAD];
    for (size_t i = 0; i < sizeof msg; i++) msg[i] = (uint8_t)(i * 7 + 1);
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        uint8_t buf[BUF_LEN];
        size_t len = encode_one(buf, &k, WIRE_DKG_ROUND2, msg, sizes[s]);
        wire_counters c = {0};
        wire_envelope env;
        assert_int_equal(wire_decode(buf + WIRE_HEADROOM, len, &env, &c), TSS_OK);
        assert_int_equal(c.decoded, 1);
        assert_int_equal(counter_sum(&c), 1);
        wire_header h = base_header(WIRE_DKG_ROUND2);
        assert_int_equal(env.hdr.version, WIRE_VERSION);
        assert_int_equal(env.hdr.type, h.type);
        assert_int_equal(env.hdr.round, h.round);
        assert_true(env.hdr.session_id == h.session_id);
        assert_true(env.hdr.seq == h.seq);
        assert_int_equal(env.hdr.sender, h.sender);
        assert_int_equal(env.hdr.recipient, h.recipient);
        assert_int_equal(env.hdr.frag_index, 0);
        assert_int_equal(env.hdr.frag_count, 1);
        assert_int_equal(env.hdr.payload_len, sizes[s]);
        assert_int_equal(env.hdr.total_len, sizes[s]);
        assert_true(env.timestamp_ms == 1700000000123u);
        if (sizes[s] > 0) assert_memory_equal(env.payload, msg, sizes[s]);
        assert_int_equal(wire_verify(&env, k.pk), TSS_OK);
        assert_int_equal(wire_verify(&env, other.pk), TSS_ERR_VERIFY);
    }
}

static void test_fragments(void **state)
{
    (void)state;
    keys k;
    make_keys(&k, 1);
    size_t msg_len = 2 * WIRE_MAX_PAYLOAD + 17;
    uint8_t *msg = malloc(msg_len);
    assert_non_null(msg);
    for (size_t i = 0; i < msg_len; i++) msg[i] = (uint8_t)(i ^ (i >> 8));
    assert_int_equal(wire_fragment_count(msg_len), 3);
    assert_int_equal(wire_fragment_count(0), 1);
    assert_int_equal(wire_fragment_count(WIRE_MAX_PAYLOAD), 1);
    assert_int_equal(wire_fragment_count(WIRE_MAX_PAYLOAD + 1), 2);
    assert_int_equal(wire_fragment_count(WIRE_MAX_MESSAGE), WIRE_MAX_FRAGMENTS);
    assert_int_equal(wire_fragment_count(WIRE_MAX_MESSAGE + 1), 0);

    wire_header h = base_header(WIRE_SIGN_PACKAGE);
    for (unsigned f = 0; f < 3; f++) {
        uint8_t buf[BUF_LEN];
        size_t len;
        assert_int_equal(wire_encode_fragment(buf + WIRE_HEADROOM, BUF_LEN - WIRE_HEADROOM, &len, &h, msg, msg_len,
                                              f, 5, k.sk),
                         TSS_OK);
        wire_envelope env;
        wire_counters c = {0};
        assert_int_equal(wire_decode(buf + WIRE_HEADROOM, len, &env, &c), TSS_OK);
        assert_int_equal(env.hdr.frag_index, f);
        assert_int_equal(env.hdr.frag_count, 3);
        assert_int_equal(env.hdr.total_len, msg_len);
        size_t expect = f < 2 ? WIRE_MAX_PAYLOAD : 17;
        assert_int_equal(env.hdr.payload_len, expect);
        assert_memory_equal(env.payload, msg + f * WIRE_MAX_PAYLOAD, expect);
        assert_int_equal(wire_verify(&env, k.pk), TSS_OK);
    }
    uint8_t buf[BUF_LEN];
    size_t len;
    assert_int_equal(wire_encode_fragment(buf + WIRE_HEADROOM, BUF_LEN - WIRE_HEADROOM, &len, &h, msg, msg_len, 3, 5,
                                          k.sk),
                     TSS_ERR_INVALID_ARG);
    free(msg);
}

static void test_encode_rejects(void **state)
{
    (void)state;
    keys k;
    make_keys(&k, 1);
    uint8_t buf[BUF_LEN];
    uint8_t msg[10] = {0};
    size_t len;
    wire_header h = base_header(WIRE_PING);
    h.type = 48; /* reserved for ECDSA, not defined yet */
    assert_int_equal(wire_encode_fragment(buf + WIRE_HEADROOM, 2000, &len, &h, msg, 10, 0, 1, k.sk),
                     TSS_ERR_INVALID_ARG);
    h = base_header(WIRE_DKG_ROUND2);
    h.recipient = WIRE_BROADCAST;
    assert_int_equal(wire_encode_fragment(buf + WIRE_HEADROOM, 2000, &len, &h, msg, 10, 0, 1, k.sk),
                     TSS_ERR_INVALID_ARG);
    h = base_header(WIRE_PING);
    assert_int_equal(wire_encode_fragment(buf + WIRE_HEADROOM, WIRE_OVERHEAD + 9, &len, &h, msg, 10, 0, 1, k.sk),
                     TSS_ERR_CAPACITY);
    assert_int_equal(wire_encode_fragment(buf + WIRE_HEADROOM, 2000, &len, &h, msg, WIRE_MAX_MESSAGE + 1, 0, 1, k.sk),
                     TSS_ERR_INVALID_ARG);
    h.sender = WIRE_BROADCAST;
    assert_int_equal(wire_encode_fragment(buf + WIRE_HEADROOM, 2000, &len, &h, msg, 10, 0, 1, k.sk),
                     TSS_ERR_INVALID_ARG);
    assert_int_equal(wire_encode_fragment(NULL, 2000, &len, &h, msg, 10, 0, 1, k.sk), TSS_ERR_INVALID_ARG);
}

static void st16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

/* Applies a mutation to a fresh valid datagram and checks that decoding fails with exactly the
 * counter at `field` (byte offset into wire_counters). */
typedef void (*mutate_fn)(uint8_t *d, size_t *len);

static void expect_reject(mutate_fn mutate, uint8_t type, size_t msg_len, size_t counter_offset, const char *what)
{
    keys k;
    make_keys(&k, 1);
    uint8_t buf[BUF_LEN];
    uint8_t msg[WIRE_MAX_PAYLOAD] = {0};
    size_t len = encode_one(buf, &k, type, msg, msg_len);
    mutate(buf + WIRE_HEADROOM, &len);
    wire_counters c = {0};
    wire_envelope env;
    int rc = wire_decode(buf + WIRE_HEADROOM, len, &env, &c);
    if (rc != TSS_ERR_ENCODING) fail_msg("%s: decode returned %d", what, rc);
    assert_int_equal(counter_sum(&c), 1);
    assert_int_equal(*(uint64_t *)(void *)((uint8_t *)&c + counter_offset), 1);
}

static void m_truncate_short(uint8_t *d, size_t *len) { (void)d; *len = WIRE_OVERHEAD - 1; }
static void m_truncate_payload(uint8_t *d, size_t *len) { (void)d; *len -= 1; }
static void m_trailing(uint8_t *d, size_t *len) { d[*len] = 0; *len += 1; }
static void m_oversize_dgram(uint8_t *d, size_t *len) { (void)d; *len = WIRE_MAX_DATAGRAM + 1; }
static void m_oversize_payload(uint8_t *d, size_t *len) { st16(d + 32, WIRE_MAX_PAYLOAD + 1); (void)len; }
static void m_magic(uint8_t *d, size_t *len) { d[0] = 'X'; (void)len; }
static void m_version0(uint8_t *d, size_t *len) { d[4] = 0; (void)len; }
static void m_version2(uint8_t *d, size_t *len) { d[4] = 2; (void)len; }
static void m_type0(uint8_t *d, size_t *len) { d[5] = 0; (void)len; }
static void m_type_ecdsa(uint8_t *d, size_t *len) { d[5] = 48; (void)len; }
static void m_type255(uint8_t *d, size_t *len) { d[5] = 255; (void)len; }
static void m_flags(uint8_t *d, size_t *len) { d[7] = 1; (void)len; }
static void m_reserved(uint8_t *d, size_t *len) { d[35] = 0x80; (void)len; }
static void m_frag_count0(uint8_t *d, size_t *len) { st16(d + 30, 0); (void)len; }
static void m_frag_index(uint8_t *d, size_t *len) { st16(d + 28, 1); (void)len; }
static void m_frag_count_big(uint8_t *d, size_t *len) { st16(d + 30, WIRE_MAX_FRAGMENTS + 1); st16(d + 28, 0); (void)len; }
static void m_total_len(uint8_t *d, size_t *len) { d[36] += 1; (void)len; }
static void m_sender_bcast(uint8_t *d, size_t *len) { st16(d + 24, WIRE_BROADCAST); (void)len; }
static void m_recipient_bcast(uint8_t *d, size_t *len) { st16(d + 26, WIRE_BROADCAST); (void)len; }
/* A non-final fragment must be full: claim 2 fragments for a 10-byte payload. */
static void m_short_middle(uint8_t *d, size_t *len)
{
    st16(d + 30, 2);
    d[36] = 0;
    d[37] = 0x10; /* total 4096 -> 4 fragments: inconsistent with count 2 */
    (void)len;
}

#define OFF(f) offsetof(wire_counters, f)

static void test_decode_rejects(void **state)
{
    (void)state;
    expect_reject(m_truncate_short, WIRE_PING, 10, OFF(truncated), "short");
    expect_reject(m_truncate_payload, WIRE_PING, 10, OFF(truncated), "cut payload");
    expect_reject(m_trailing, WIRE_PING, 10, OFF(trailing), "trailing");
    expect_reject(m_oversize_dgram, WIRE_PING, 10, OFF(oversize), "oversize datagram");
    expect_reject(m_oversize_payload, WIRE_PING, 10, OFF(oversize), "oversize payload_len");
    expect_reject(m_magic, WIRE_PING, 10, OFF(bad_magic), "magic");
    expect_reject(m_version0, WIRE_PING, 10, OFF(unknown_version), "version 0");
    expect_reject(m_version2, WIRE_PING, 10, OFF(unknown_version), "version 2");
    expect_reject(m_type0, WIRE_PING, 10, OFF(unknown_type), "type 0");
    expect_reject(m_type_ecdsa, WIRE_PING, 10, OFF(unknown_type), "type 48");
    expect_reject(m_type255, WIRE_PING, 10, OFF(unknown_type), "type 255");
    expect_reject(m_flags, WIRE_PING, 10, OFF(bad_reserved), "flags");
    expect_reject(m_reserved, WIRE_PING, 10, OFF(bad_reserved), "reserved");
    expect_reject(m_frag_count0, WIRE_PING, 10, OFF(bad_fragment), "count 0");
    expect_reject(m_frag_index, WIRE_PING, 10, OFF(bad_fragment), "index >= count");
    expect_reject(m_frag_count_big, WIRE_PING, 10, OFF(bad_fragment), "count > max");
    expect_reject(m_total_len, WIRE_PING, 10, OFF(bad_fragment), "total_len != payload_len");
    expect_reject(m_short_middle, WIRE_PING, 10, OFF(bad_fragment), "count vs total");
    expect_reject(m_sender_bcast, WIRE_PING, 10, OFF(bad_recipient), "sender broadcast");
    expect_reject(m_recipient_bcast, WIRE_DKG_ROUND2, 10, OFF(bad_recipient), "p2p to broadcast");

    /* Every truncation length of a valid datagram is rejected. */
    keys k;
    make_keys(&k, 1);
    uint8_t buf[BUF_LEN];
    uint8_t msg[100] = {1};
    size_t len = encode_one(buf, &k, WIRE_SIGN_COMMITMENTS, msg, sizeof msg);
    wire_counters c = {0};
    for (size_t cut = 0; cut < len; cut++) {
        wire_envelope env;
        assert_int_equal(wire_decode(buf + WIRE_HEADROOM, cut, &env, &c), TSS_ERR_ENCODING);
    }
    assert_int_equal(c.truncated, len);
    assert_int_equal(counter_sum(&c), len);
    wire_envelope env;
    assert_int_equal(wire_decode(NULL, len, &env, &c), TSS_ERR_INVALID_ARG);
}

static void test_tamper_breaks_signature(void **state)
{
    (void)state;
    keys k;
    make_keys(&k, 1);
    uint8_t msg[64];
    memset(msg, 0x5a, sizeof msg);
    uint8_t buf[BUF_LEN];
    size_t len = encode_one(buf, &k, WIRE_SIGN_SHARE, msg, sizeof msg);
    /* Flip each bit of every signed byte that still decodes: the signature must then fail. */
    size_t signed_end = len - WIRE_SIG_LEN;
    int checked = 0;
    for (size_t i = 0; i < signed_end; i++) {
        for (int bit = 0; bit < 8; bit += 3) {
            uint8_t copy[BUF_LEN];
            memcpy(copy, buf, sizeof copy);
            copy[WIRE_HEADROOM + i] ^= (uint8_t)(1u << bit);
            wire_envelope env;
            if (wire_decode(copy + WIRE_HEADROOM, len, &env, NULL) != TSS_OK) continue;
            assert_int_equal(wire_verify(&env, k.pk), TSS_ERR_VERIFY);
            checked++;
        }
    }
    assert_true(checked > 100);
}

static void test_fuzz_random(void **state)
{
    (void)state;
    tv_rng r;
    tv_rng_seed(&r, 42);
    uint8_t buf[BUF_LEN];
    wire_counters c = {0};
    const int iters = 200000;
    for (int i = 0; i < iters; i++) {
        size_t len = (size_t)(tv_rng_next(&r) % (WIRE_MAX_DATAGRAM + 64));
        tv_rng_bytes(&r, buf + WIRE_HEADROOM, len);
        if (i & 1) memcpy(buf + WIRE_HEADROOM, "TSSN\x01", 5); /* get past magic/version more often */
        wire_envelope env;
        int rc = wire_decode(buf + WIRE_HEADROOM, len, &env, &c);
        assert_true(rc == TSS_OK || rc == TSS_ERR_ENCODING);
        if (rc == TSS_OK) {
            assert_true((size_t)env.hdr.payload_len + WIRE_OVERHEAD == len);
            assert_true(env.signed_len == WIRE_DOMAIN_LEN + len - WIRE_SIG_LEN);
        }
    }
    assert_int_equal(counter_sum(&c), iters);

    /* Mutations of a valid datagram: random byte overwrites and length changes. */
    keys k;
    make_keys(&k, 9);
    uint8_t msg[300];
    tv_rng_bytes(&r, msg, sizeof msg);
    uint8_t orig[BUF_LEN];
    size_t olen = encode_one(orig, &k, WIRE_DKG_ROUND1, msg, sizeof msg);
    memset(&c, 0, sizeof c);
    for (int i = 0; i < 50000; i++) {
        memcpy(buf, orig, sizeof buf);
        size_t len = olen;
        int n = 1 + (int)(tv_rng_next(&r) % 4);
        for (int j = 0; j < n; j++) buf[WIRE_HEADROOM + tv_rng_next(&r) % WIRE_HEADER_LEN] = (uint8_t)tv_rng_next(&r);
        if (tv_rng_next(&r) % 4 == 0) len = (size_t)(tv_rng_next(&r) % (olen + 10));
        wire_envelope env;
        int rc = wire_decode(buf + WIRE_HEADROOM, len, &env, &c);
        if (rc == TSS_OK) assert_true((size_t)env.hdr.payload_len + WIRE_OVERHEAD == len);
    }
    assert_int_equal(counter_sum(&c), 50000);
}

static void test_type_names(void **state)
{
    (void)state;
    assert_string_equal(wire_type_name(WIRE_DKG_ROUND1_CONFIRM), "dkg_round1_confirm");
    assert_string_equal(wire_type_name(WIRE_RETRY_RESPONSE), "retry_response");
    assert_string_equal(wire_type_name(200), "unknown");
    int known = 0;
    for (unsigned t = 0; t < 256; t++) known += wire_type_known(t);
    assert_int_equal(known, 11);
    assert_string_equal(wire_type_name(WIRE_SIGN_RESULT), "sign_result");
    assert_true(wire_type_point_to_point(WIRE_DKG_ROUND2));
    assert_false(wire_type_point_to_point(WIRE_DKG_ROUND1));
}

int main(void)
{
    if (tss_init() != TSS_OK) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_layout),
        cmocka_unit_test(test_round_trip_sizes),
        cmocka_unit_test(test_fragments),
        cmocka_unit_test(test_encode_rejects),
        cmocka_unit_test(test_decode_rejects),
        cmocka_unit_test(test_tamper_breaks_signature),
        cmocka_unit_test(test_fuzz_random),
        cmocka_unit_test(test_type_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
