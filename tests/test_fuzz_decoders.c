/* Robustness of every decoder that reads untrusted bytes: seeded random and mutated inputs (a small
 * libFuzzer-style loop, deterministic so failures reproduce) must never crash (the ASan build checks
 * memory safety) and must always end in TSS_OK or a defined tss_status error code.
 *
 * Decoders: wire_decode (+ its counters), tss_config_parse, the FROST binary deserializers and JSON
 * readers (tss/frost.h, tss/frost_keygen.h), and the small text parsers (addresses, ports, URLs, API ids).
 * The API server's JSON request decoders are static behind libmicrohttpd and are covered by test_api. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>

#include "dataplane/wire.h"
#include "src/addr.h"
#include "src/api.h"
#include "src/config.h"
#include "src/http_client.h"
#include "test_support.h"
#include "tss/common.h"
#include "tss/frost.h"
#include "tss/frost_keygen.h"

#define SEED 0x7e57f0220ull
#define FUZZ_MAX_INPUT 4096

/* A status is "clean" if it is TSS_OK or one of the defined error codes. */
static void assert_status(int rc)
{
    assert_true(rc <= TSS_OK && rc >= TSS_ERR_TIMEOUT);
}

/* ---- mutation engine ---- */

static const uint8_t INTERESTING[] = {0x00, 0x01, 0x7f, 0x80, 0xff, '"', '{', '}', '[', ']', ',', ':', '\n',
                                      '=', '0', '9', 'f', '\\', '-'};

/* Mutates buf[0..*len) in place (capacity cap) with 1..8 random edits. */
static void mutate(tv_rng *r, uint8_t *buf, size_t *len, size_t cap)
{
    unsigned edits = 1 + (unsigned)(tv_rng_next(r) % 8);
    for (unsigned e = 0; e < edits; e++) {
        size_t n = *len;
        size_t pos = n ? (size_t)(tv_rng_next(r) % n) : 0;
        switch (tv_rng_next(r) % 8) {
        case 0: /* flip a bit */
            if (n) buf[pos] ^= (uint8_t)(1u << (tv_rng_next(r) % 8));
            break;
        case 1: /* random byte */
            if (n) buf[pos] = (uint8_t)tv_rng_next(r);
            break;
        case 2: /* interesting byte */
            if (n) buf[pos] = INTERESTING[tv_rng_next(r) % sizeof INTERESTING];
            break;
        case 3: /* insert a byte */
            if (n < cap) {
                memmove(buf + pos + 1, buf + pos, n - pos);
                buf[pos] = (uint8_t)tv_rng_next(r);
                *len = n + 1;
            }
            break;
        case 4: /* delete a run */
            if (n) {
                size_t k = 1 + (size_t)(tv_rng_next(r) % 16);
                if (k > n - pos) k = n - pos;
                memmove(buf + pos, buf + pos + k, n - pos - k);
                *len = n - k;
            }
            break;
        case 5: /* truncate */
            *len = pos;
            break;
        case 6: /* duplicate a run */
            if (n) {
                size_t k = 1 + (size_t)(tv_rng_next(r) % 32);
                if (k > n - pos) k = n - pos;
                if (n + k <= cap) {
                    memmove(buf + pos + k, buf + pos, n - pos);
                    *len = n + k;
                }
            }
            break;
        default: /* overwrite 2 or 4 bytes with an extreme little-endian value */
            if (n >= 4 && pos + 4 <= n) {
                uint32_t v = (tv_rng_next(r) & 1) ? UINT32_MAX : (uint32_t)(tv_rng_next(r) % 0x10001);
                memcpy(buf + pos, &v, 4);
            }
            break;
        }
    }
}

/* Next input: a mutated seed (7 in 8) or pure random bytes. */
static size_t next_input(tv_rng *r, uint8_t *buf, size_t cap, const uint8_t *const *seeds, const size_t *seed_lens,
                         size_t n_seeds)
{
    if (n_seeds == 0 || tv_rng_next(r) % 8 == 0) {
        size_t len = (size_t)(tv_rng_next(r) % (cap < 300 ? cap : 300));
        tv_rng_bytes(r, buf, len);
        return len;
    }
    size_t s = (size_t)(tv_rng_next(r) % n_seeds);
    size_t len = seed_lens[s] < cap ? seed_lens[s] : cap;
    memcpy(buf, seeds[s], len);
    mutate(r, buf, &len, cap);
    return len;
}

/* ---- wire_decode ---- */

static uint64_t counter_sum(const wire_counters *c)
{
    return c->decoded + c->truncated + c->oversize + c->trailing + c->bad_magic + c->unknown_version +
           c->unknown_type + c->bad_reserved + c->bad_fragment + c->bad_recipient;
}

static void test_fuzz_wire_decode(void **state)
{
    (void)state;
    tv_rng r;
    tv_rng_seed(&r, SEED ^ 1);
    uint8_t sk[64], pk[32];
    crypto_sign_keypair(pk, sk);

    /* Seeds: valid envelopes of several types, a fragmented message and an empty payload. */
    enum { N_SEEDS = 4 };
    static uint8_t seed_store[N_SEEDS][WIRE_HEADROOM + WIRE_MAX_DATAGRAM];
    const uint8_t *seeds[N_SEEDS];
    size_t seed_lens[N_SEEDS];
    uint8_t msg[3000];
    tv_rng_bytes(&r, msg, sizeof msg);
    const struct { uint8_t type; uint16_t recipient; size_t len; unsigned frag; } specs[N_SEEDS] = {
        {WIRE_PING, WIRE_BROADCAST, 0, 0},
        {WIRE_DKG_ROUND2, 2, 500, 0},
        {WIRE_SIGN_PACKAGE, WIRE_BROADCAST, 3000, 1},
        {WIRE_SIGN_PACKAGE, WIRE_BROADCAST, 3000, 2},
    };
    for (int i = 0; i < N_SEEDS; i++) {
        wire_header h = {.type = specs[i].type, .round = 1, .session_id = 42, .seq = (uint64_t)i, .sender = 1,
                         .recipient = specs[i].recipient};
        uint8_t *d = seed_store[i] + WIRE_HEADROOM;
        assert_int_equal(wire_encode_fragment(d, WIRE_MAX_DATAGRAM, &seed_lens[i], &h, msg, specs[i].len,
                                              specs[i].frag, 1700000000000ull, sk),
                         TSS_OK);
        seeds[i] = d;
    }

    /* The decoder writes the domain tag in front of the datagram: keep headroom in the fuzz buffer. */
    static uint8_t buf[WIRE_HEADROOM + FUZZ_MAX_INPUT];
    uint8_t *dgram = buf + WIRE_HEADROOM;
    wire_counters ctr;
    memset(&ctr, 0, sizeof ctr);
    unsigned accepted = 0;
    for (int it = 0; it < 30000; it++) {
        size_t len = next_input(&r, dgram, FUZZ_MAX_INPUT, seeds, seed_lens, N_SEEDS);
        uint64_t before = counter_sum(&ctr);
        wire_envelope env;
        int rc = wire_decode(dgram, len, &env, &ctr);
        assert_true(rc == TSS_OK || rc == TSS_ERR_ENCODING);
        assert_true(counter_sum(&ctr) == before + 1); /* exactly one counter per datagram */
        if (rc == TSS_OK) {
            accepted++;
            /* Every view stays inside the datagram (and its headroom for the signed bytes). */
            assert_true(env.payload >= dgram && env.payload + env.hdr.payload_len <= dgram + len);
            assert_true(env.sig + WIRE_SIG_LEN == dgram + len);
            assert_true(env.signed_msg == dgram - WIRE_DOMAIN_LEN);
            assert_true(env.signed_len + WIRE_SIG_LEN == len + WIRE_DOMAIN_LEN);
            assert_true(env.hdr.payload_len <= WIRE_MAX_PAYLOAD && env.hdr.total_len <= WIRE_MAX_MESSAGE);
            assert_true(env.hdr.frag_index < env.hdr.frag_count && env.hdr.frag_count <= WIRE_MAX_FRAGMENTS);
            assert_status(wire_verify(&env, pk));
        }
    }
    /* Mutations that leave a datagram intact (e.g. in the signature) must still decode. */
    assert_true(accepted > 0);
    assert_true(ctr.decoded == accepted);
    sodium_memzero(sk, sizeof sk);
}

/* ---- tss_config_parse ---- */

static const char CONFIG_SEED[] =
    "[node]\nindex = 1\nidentity_key_file = node1.key\nlisten = 127.0.0.1:7101\ndata_dir = data/node1\n"
    "master_key_file = node1.master.key\n"
    "[peer.1]\npublic_key = cee9a1940b24259f3ebbe9c533ed4e18cd95c80da2f24eb7d910bbacffe26f67\n"
    "address = 127.0.0.1:7101\n"
    "[peer.2]\npublic_key = d9dd84e8b8720361b395d8fa4be93fb9feb8f90e90a5cb7e40be07c2eaaceb1f\n"
    "address = 127.0.0.1:7102\n"
    "[peer.3]\npublic_key = 3edb0fe2dec50320ce52af348b70a626cac8c672ae7d756e874e6c404d22167b\n"
    "address = 127.0.0.1:7103\n"
    "[cores]\npoller = 0\nverify = 0\nengines = 0, 1\n"
    "[engine]\narena_sessions = 1024\nring_capacity = 4096\nverify_batch = 64\nverify_wait_us = 200\n"
    "early_messages = 32\n"
    "[timeouts]\nround_ms = 2000\nsession_ms = 30000\nretry_initial_ms = 250\nretry_max = 5\n"
    "clock_skew_ms = 5000\n"
    "[limits]\nrate_per_peer = 10000\nmax_payload = 65536\n"
    "[api]\nlisten = 127.0.0.1:8101\ntoken_file = node1.token\n";

static void test_fuzz_config_parse(void **state)
{
    (void)state;
    tv_rng r;
    tv_rng_seed(&r, SEED ^ 2);
    tss_config *cfg = malloc(sizeof *cfg);
    assert_non_null(cfg);
    char err[TSS_CONFIG_ERROR_MAX];
    const uint8_t *seeds[1] = {(const uint8_t *)CONFIG_SEED};
    size_t seed_lens[1] = {sizeof CONFIG_SEED - 1};

    /* The seed itself is valid. */
    assert_int_equal(tss_config_parse(cfg, "/etc/tss/node1.ini", CONFIG_SEED, sizeof CONFIG_SEED - 1, err, sizeof err),
                     TSS_OK);

    static uint8_t buf[FUZZ_MAX_INPUT];
    unsigned ok = 0;
    for (int it = 0; it < 20000; it++) {
        size_t len = next_input(&r, buf, sizeof buf, seeds, seed_lens, 1);
        /* Small error buffers too: messages must truncate, not overflow. */
        size_t err_len = (it % 7 == 0) ? 1 + (size_t)(tv_rng_next(&r) % 16) : sizeof err;
        int rc = tss_config_parse(cfg, "/etc/tss/node1.ini", (const char *)buf, len, err, err_len);
        assert_true(rc == TSS_OK || rc == TSS_ERR_ENCODING);
        if (rc == TSS_OK) {
            ok++;
            assert_true(cfg->n_peers >= 1 && cfg->n_peers <= TSS_CONFIG_MAX_PEERS);
            assert_non_null(tss_config_peer_by_index(cfg, cfg->node.index));
        } else {
            assert_true(memchr(err, '\0', err_len) != NULL);
            if (err_len == sizeof err) assert_true(err[0] != '\0'); /* a failure always says why */
        }
    }
    assert_true(ok > 0);
    free(cfg);
}

/* ---- FROST binary and JSON decoders ---- */

enum { FROST_N = 3, FROST_T = 2, CAP = 16 };

typedef struct frost_seeds {
    uint8_t bin[8][2048];
    size_t bin_len[8];
    size_t n_bin;
    char json[8][4096];
    size_t json_len[8];
    size_t n_json;
} frost_seeds;

static void add_bin(frost_seeds *s, int rc)
{
    assert_int_equal(rc, TSS_OK);
    s->n_bin++;
}

static void add_json(frost_seeds *s, int rc)
{
    assert_int_equal(rc, TSS_OK);
    s->json_len[s->n_json] = strlen(s->json[s->n_json]);
    s->n_json++;
}

/* Real objects from a 2-of-3 dealer key, so that mutations start from inputs that pass every check. */
static void make_frost_seeds(frost_seeds *s)
{
    memset(s, 0, sizeof *s);
    tss_frost_key_package kps[FROST_N];
    tss_frost_public_share shares[FROST_N];
    tss_frost_public_key_package pkp;
    assert_int_equal(tss_frost_public_key_package_init(&pkp, shares, FROST_N), TSS_OK);
    assert_int_equal(tss_frost_dealer_keygen(kps, &pkp, NULL, NULL, NULL, FROST_N, FROST_T), TSS_OK);
    tss_frost_signing_nonces nonces[FROST_T];
    tss_frost_signing_commitments comms[FROST_T];
    for (int i = 0; i < FROST_T; i++)
        assert_int_equal(tss_frost_round1_commit(&nonces[i], &comms[i], &kps[i]), TSS_OK);
    static const uint8_t message[] = "fuzz seed message";
    tss_frost_signing_package pkg;
    assert_int_equal(tss_frost_signing_package_init(&pkg, comms, FROST_T, message, sizeof message - 1), TSS_OK);

    add_bin(s, tss_frost_key_package_serialize(s->bin[s->n_bin], sizeof s->bin[0], &s->bin_len[s->n_bin], &kps[0]));
    add_bin(s, tss_frost_public_key_package_serialize(s->bin[s->n_bin], sizeof s->bin[0], &s->bin_len[s->n_bin],
                                                      &pkp));
    add_bin(s, tss_frost_signing_nonces_serialize(s->bin[s->n_bin], sizeof s->bin[0], &s->bin_len[s->n_bin],
                                                  &nonces[0]));
    add_bin(s, tss_frost_signing_commitments_serialize(s->bin[s->n_bin], sizeof s->bin[0], &s->bin_len[s->n_bin],
                                                       &comms[0]));
    add_bin(s, tss_frost_signing_package_serialize(s->bin[s->n_bin], sizeof s->bin[0], &s->bin_len[s->n_bin], &pkg));

    add_json(s, tss_frost_key_package_to_json(s->json[s->n_json], sizeof s->json[0], NULL, &kps[0]));
    add_json(s, tss_frost_public_key_package_to_json(s->json[s->n_json], sizeof s->json[0], NULL, &pkp));
    add_json(s, tss_frost_signing_nonces_to_json(s->json[s->n_json], sizeof s->json[0], NULL, &nonces[0]));
    add_json(s, tss_frost_signing_commitments_to_json(s->json[s->n_json], sizeof s->json[0], NULL, &comms[0]));
    add_json(s, tss_frost_signing_package_to_json(s->json[s->n_json], sizeof s->json[0], NULL, &pkg));
    /* Hand-written shapes for the DKG packages and signatures (their values need not verify). */
    static const char *const extra[] = {
        "{\"version\":1,\"identifier\":1,\"commitment\":[\"5866666666666666666666666666666666666666666666666666"
        "666666666666\",\"5866666666666666666666666666666666666666666666666666666666666666\"],"
        "\"proof_of_knowledge\":\"00\"}",
        "{\"version\":1,\"sender\":1,\"recipient\":2,\"signing_share\":\"0100000000000000000000000000000000000000"
        "000000000000000000000000\"}",
        "{\"version\":1,\"type\":\"dkg_round2_secret\",\"identifier\":1,\"min_signers\":2,\"max_signers\":3,"
        "\"commitment\":[],\"signing_share\":\"01\"}",
    };
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++) {
        snprintf(s->json[s->n_json], sizeof s->json[0], "%s", extra[i]);
        s->json_len[s->n_json] = strlen(s->json[s->n_json]);
        s->n_json++;
    }
    for (int i = 0; i < FROST_T; i++) tss_frost_signing_nonces_wipe(&nonces[i]);
    sodium_memzero(kps, sizeof kps);
}

/* Runs every binary decoder on one input. */
static void frost_decode_bin(const uint8_t *in, size_t len)
{
    tss_frost_key_package kp;
    assert_status(tss_frost_key_package_deserialize(&kp, in, len));
    sodium_memzero(&kp, sizeof kp);

    tss_frost_public_share shares[CAP];
    tss_frost_public_key_package pkp;
    assert_int_equal(tss_frost_public_key_package_init(&pkp, shares, CAP), TSS_OK);
    assert_status(tss_frost_public_key_package_deserialize(&pkp, in, len));

    tss_frost_signing_nonces nonces;
    assert_status(tss_frost_signing_nonces_deserialize(&nonces, in, len));
    tss_frost_signing_nonces_wipe(&nonces);

    tss_frost_signing_commitments c;
    assert_status(tss_frost_signing_commitments_deserialize(&c, in, len));

    tss_frost_signing_commitments cbuf[CAP];
    uint8_t mbuf[256];
    tss_frost_signing_package pkg;
    assert_status(tss_frost_signing_package_deserialize(&pkg, cbuf, CAP, mbuf, sizeof mbuf, in, len));

    tss_frost_signature_share share;
    assert_status(tss_frost_signature_share_deserialize(&share, in, len));
    if (len >= 64) {
        tss_frost_signature sig;
        assert_status(tss_frost_signature_deserialize(&sig, in));
    }

    tss_frost_element comm[CAP];
    tss_frost_dkg_round1_package r1;
    assert_int_equal(tss_frost_dkg_round1_package_init(&r1, comm, CAP), TSS_OK);
    uint32_t n = 0;
    assert_status(tss_frost_dkg_round1_package_peek(&n, in, len));
    assert_status(tss_frost_dkg_round1_package_deserialize(&r1, in, len));

    tss_frost_dkg_round2_package r2;
    assert_status(tss_frost_dkg_round2_package_deserialize(&r2, in, len));
    sodium_memzero(&r2, sizeof r2);

    tss_frost_scalar coeffs[CAP];
    tss_frost_element scomm[CAP];
    tss_frost_dkg_secret_package sp;
    assert_int_equal(tss_frost_dkg_secret_package_init(&sp, coeffs, scomm, CAP), TSS_OK);
    assert_status(tss_frost_dkg_secret_package_peek(&n, in, len));
    assert_status(tss_frost_dkg_secret_package_deserialize(&sp, in, len));
    tss_frost_dkg_secret_package_clear(&sp);
}

/* Runs every JSON reader on one input. */
static void frost_decode_json(const char *in, size_t len)
{
    tss_frost_key_package kp;
    assert_status(tss_frost_key_package_from_json(&kp, in, len));
    sodium_memzero(&kp, sizeof kp);

    tss_frost_public_share shares[CAP];
    tss_frost_public_key_package pkp;
    assert_int_equal(tss_frost_public_key_package_init(&pkp, shares, CAP), TSS_OK);
    assert_status(tss_frost_public_key_package_from_json(&pkp, in, len));

    tss_frost_signing_nonces nonces;
    assert_status(tss_frost_signing_nonces_from_json(&nonces, in, len));
    tss_frost_signing_nonces_wipe(&nonces);

    tss_frost_signing_commitments c;
    assert_status(tss_frost_signing_commitments_from_json(&c, in, len));

    tss_frost_signing_commitments cbuf[CAP];
    uint8_t mbuf[256];
    tss_frost_signing_package pkg;
    assert_status(tss_frost_signing_package_from_json(&pkg, cbuf, CAP, mbuf, sizeof mbuf, in, len));

    tss_frost_signature_share share;
    assert_status(tss_frost_signature_share_from_json(&share, in, len));
    tss_frost_signature sig;
    assert_status(tss_frost_signature_from_json(&sig, in, len));

    tss_frost_element comm[CAP];
    tss_frost_dkg_round1_package r1;
    assert_int_equal(tss_frost_dkg_round1_package_init(&r1, comm, CAP), TSS_OK);
    uint32_t n = 0;
    assert_status(tss_frost_dkg_round1_package_peek_json(&n, in, len));
    assert_status(tss_frost_dkg_round1_package_from_json(&r1, in, len));

    tss_frost_dkg_round2_package r2;
    assert_status(tss_frost_dkg_round2_package_from_json(&r2, in, len));
    sodium_memzero(&r2, sizeof r2);

    tss_frost_scalar coeffs[CAP];
    tss_frost_element scomm[CAP];
    tss_frost_dkg_secret_package sp;
    assert_int_equal(tss_frost_dkg_secret_package_init(&sp, coeffs, scomm, CAP), TSS_OK);
    assert_status(tss_frost_dkg_secret_package_peek_json(&n, in, len));
    assert_status(tss_frost_dkg_secret_package_from_json(&sp, in, len));
    tss_frost_dkg_secret_package_clear(&sp);
}

static void test_fuzz_frost_decoders(void **state)
{
    (void)state;
    tv_rng r;
    tv_rng_seed(&r, SEED ^ 3);
    frost_seeds *s = malloc(sizeof *s);
    assert_non_null(s);
    make_frost_seeds(s);

    /* Unmutated seeds decode. */
    tss_frost_key_package kp;
    assert_int_equal(tss_frost_key_package_deserialize(&kp, s->bin[0], s->bin_len[0]), TSS_OK);
    assert_int_equal(tss_frost_key_package_from_json(&kp, s->json[0], s->json_len[0]), TSS_OK);
    sodium_memzero(&kp, sizeof kp);

    const uint8_t *bseeds[8], *jseeds[8];
    for (size_t i = 0; i < s->n_bin; i++) bseeds[i] = s->bin[i];
    for (size_t i = 0; i < s->n_json; i++) jseeds[i] = (const uint8_t *)s->json[i];
    static uint8_t buf[FUZZ_MAX_INPUT];
    for (int it = 0; it < 15000; it++) {
        size_t len = next_input(&r, buf, sizeof buf, bseeds, s->bin_len, s->n_bin);
        frost_decode_bin(buf, len);
    }
    for (int it = 0; it < 15000; it++) {
        size_t len = next_input(&r, buf, sizeof buf, jseeds, s->json_len, s->n_json);
        frost_decode_json((const char *)buf, len);
    }
    free(s);
}

/* ---- small text parsers ---- */

static void test_fuzz_text_parsers(void **state)
{
    (void)state;
    tv_rng r;
    tv_rng_seed(&r, SEED ^ 4);
    static const char *const text_seeds[] = {"127.0.0.1:7101", "http://127.0.0.1:8101/", "http://[::1]:8101",
                                             "http://localhost:80", "00000000000004d2", "65535"};
    const size_t n = sizeof text_seeds / sizeof text_seeds[0];
    const uint8_t *seeds[6];
    size_t seed_lens[6];
    for (size_t i = 0; i < n; i++) {
        seeds[i] = (const uint8_t *)text_seeds[i];
        seed_lens[i] = strlen(text_seeds[i]);
    }
    char buf[128];
    for (int it = 0; it < 20000; it++) {
        size_t len = next_input(&r, (uint8_t *)buf, sizeof buf - 1, seeds, seed_lens, n);
        buf[len] = '\0'; /* these take C strings: embedded NULs just end them early */
        struct sockaddr_in sin;
        assert_status(tss_addr_parse(&sin, buf));
        uint16_t port;
        int rc = dp_port_parse(buf, strlen(buf), &port);
        assert_status(rc);
        if (rc == TSS_OK) assert_true(port >= 1);
        tss_http_endpoint ep;
        rc = tss_http_parse_url(buf, &ep);
        assert_status(rc);
        if (rc == TSS_OK) assert_true(ep.addr_len > 0 && strlen(ep.host) < sizeof ep.host);
        uint64_t id;
        assert_status(tss_api_parse_id(buf, &id));
    }
    /* Ports: no sign, no space, no overflow past 65535. */
    uint16_t port;
    assert_int_equal(dp_port_parse("+80", 3, &port), TSS_ERR_ENCODING);
    assert_int_equal(dp_port_parse(" 80", 3, &port), TSS_ERR_ENCODING);
    assert_int_equal(dp_port_parse("65536", 5, &port), TSS_ERR_ENCODING);
    assert_int_equal(dp_port_parse("0", 1, &port), TSS_ERR_ENCODING);
    assert_int_equal(dp_port_parse("65535", 5, &port), TSS_OK);
    assert_int_equal(port, 65535);
    tss_http_endpoint ep;
    assert_int_equal(tss_http_parse_url("http://127.0.0.1: +80", &ep), TSS_ERR_INVALID_ARG);
    assert_int_equal(tss_http_parse_url("http://127.0.0.1:80//", &ep), TSS_ERR_INVALID_ARG);
    assert_int_equal(tss_http_parse_url("http://[::1]:8101/", &ep), TSS_OK);
    assert_string_equal(ep.host, "[::1]:8101");
}

int main(void)
{
    if (tss_init() != TSS_OK) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fuzz_wire_decode),
        cmocka_unit_test(test_fuzz_config_parse),
        cmocka_unit_test(test_fuzz_frost_decoders),
        cmocka_unit_test(test_fuzz_text_parsers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
