/* tss wire format: header codec, envelope signing and structural decoding (docs/wire.md). */
#include "dataplane/wire.h"

#include <string.h>

#include "dataplane/counter.h"

#include <sodium.h>

#include "tss/ed25519.h"
#include "util/bytes.h"

/* Header byte offsets (docs/wire.md). */
enum {
    OFF_MAGIC = 0,
    OFF_VERSION = 4,
    OFF_TYPE = 5,
    OFF_ROUND = 6,
    OFF_FLAGS = 7,
    OFF_SESSION = 8,
    OFF_SEQ = 16,
    OFF_SENDER = 24,
    OFF_RECIPIENT = 26,
    OFF_FRAG_INDEX = 28,
    OFF_FRAG_COUNT = 30,
    OFF_PAYLOAD_LEN = 32,
    OFF_RESERVED = 34,
    OFF_TOTAL_LEN = 36,
};

_Static_assert(OFF_TOTAL_LEN + 4 == WIRE_HEADER_LEN, "header layout");
_Static_assert(sizeof(WIRE_DOMAIN) - 1 == WIRE_DOMAIN_LEN, "domain length");
_Static_assert(WIRE_HEADROOM >= WIRE_DOMAIN_LEN, "headroom holds the domain tag");

int wire_type_known(unsigned type)
{
    switch (type) {
    case WIRE_HELLO:
    case WIRE_PING:
    case WIRE_RETRY_REQUEST:
    case WIRE_RETRY_RESPONSE:
    case WIRE_DKG_ROUND1:
    case WIRE_DKG_ROUND1_CONFIRM:
    case WIRE_DKG_ROUND2:
    case WIRE_SIGN_COMMITMENTS:
    case WIRE_SIGN_PACKAGE:
    case WIRE_SIGN_SHARE:
    case WIRE_SIGN_RESULT:
        return 1;
    default:
        return 0;
    }
}

int wire_type_point_to_point(unsigned type)
{
    return type == WIRE_DKG_ROUND2;
}

const char *wire_type_name(unsigned type)
{
    switch (type) {
    case WIRE_HELLO: return "hello";
    case WIRE_PING: return "ping";
    case WIRE_RETRY_REQUEST: return "retry_request";
    case WIRE_RETRY_RESPONSE: return "retry_response";
    case WIRE_DKG_ROUND1: return "dkg_round1";
    case WIRE_DKG_ROUND1_CONFIRM: return "dkg_round1_confirm";
    case WIRE_DKG_ROUND2: return "dkg_round2";
    case WIRE_SIGN_COMMITMENTS: return "sign_commitments";
    case WIRE_SIGN_PACKAGE: return "sign_package";
    case WIRE_SIGN_SHARE: return "sign_share";
    case WIRE_SIGN_RESULT: return "sign_result";
    default: return "unknown";
    }
}

unsigned wire_fragment_count(size_t msg_len)
{
    if (msg_len > WIRE_MAX_MESSAGE) return 0;
    if (msg_len == 0) return 1;
    return (unsigned)((msg_len + WIRE_MAX_PAYLOAD - 1) / WIRE_MAX_PAYLOAD);
}

void wire_header_write(uint8_t out[WIRE_HEADER_LEN], const wire_header *h)
{
    memcpy(out + OFF_MAGIC, WIRE_MAGIC, WIRE_MAGIC_LEN);
    out[OFF_VERSION] = h->version;
    out[OFF_TYPE] = h->type;
    out[OFF_ROUND] = h->round;
    out[OFF_FLAGS] = h->flags;
    tss_store_le64(out + OFF_SESSION, h->session_id);
    tss_store_le64(out + OFF_SEQ, h->seq);
    tss_store_le16(out + OFF_SENDER, h->sender);
    tss_store_le16(out + OFF_RECIPIENT, h->recipient);
    tss_store_le16(out + OFF_FRAG_INDEX, h->frag_index);
    tss_store_le16(out + OFF_FRAG_COUNT, h->frag_count);
    tss_store_le16(out + OFF_PAYLOAD_LEN, h->payload_len);
    tss_store_le16(out + OFF_RESERVED, 0);
    tss_store_le32(out + OFF_TOTAL_LEN, h->total_len);
}

void wire_header_parse(wire_header *h, const uint8_t in[WIRE_HEADER_LEN])
{
    h->version = in[OFF_VERSION];
    h->type = in[OFF_TYPE];
    h->round = in[OFF_ROUND];
    h->flags = in[OFF_FLAGS];
    h->session_id = tss_load_le64(in + OFF_SESSION);
    h->seq = tss_load_le64(in + OFF_SEQ);
    h->sender = tss_load_le16(in + OFF_SENDER);
    h->recipient = tss_load_le16(in + OFF_RECIPIENT);
    h->frag_index = tss_load_le16(in + OFF_FRAG_INDEX);
    h->frag_count = tss_load_le16(in + OFF_FRAG_COUNT);
    h->payload_len = tss_load_le16(in + OFF_PAYLOAD_LEN);
    h->total_len = tss_load_le32(in + OFF_TOTAL_LEN);
}

int wire_encode_fragment(uint8_t *dgram, size_t dgram_cap, size_t *dgram_len, const wire_header *hdr,
                         const uint8_t *msg, size_t msg_len, unsigned frag_index, uint64_t timestamp_ms,
                         const uint8_t sk[64])
{
    if (dgram == NULL || dgram_len == NULL || hdr == NULL || sk == NULL || (msg == NULL && msg_len > 0))
        return TSS_ERR_INVALID_ARG;
    unsigned count = wire_fragment_count(msg_len);
    if (count == 0 || frag_index >= count || !wire_type_known(hdr->type) || hdr->sender == WIRE_BROADCAST)
        return TSS_ERR_INVALID_ARG;
    if (wire_type_point_to_point(hdr->type) && hdr->recipient == WIRE_BROADCAST) return TSS_ERR_INVALID_ARG;

    size_t off = (size_t)frag_index * WIRE_MAX_PAYLOAD;
    size_t plen = msg_len - off < WIRE_MAX_PAYLOAD ? msg_len - off : WIRE_MAX_PAYLOAD;
    size_t total = WIRE_OVERHEAD + plen;
    if (dgram_cap < total) return TSS_ERR_CAPACITY;

    wire_header h = *hdr;
    h.version = WIRE_VERSION;
    h.flags = 0;
    h.frag_index = (uint16_t)frag_index;
    h.frag_count = (uint16_t)count;
    h.payload_len = (uint16_t)plen;
    h.total_len = (uint32_t)msg_len;
    wire_header_write(dgram, &h);
    if (plen > 0) memcpy(dgram + WIRE_HEADER_LEN, msg + off, plen);
    tss_store_le64(dgram + WIRE_HEADER_LEN + plen, timestamp_ms);

    uint8_t *signed_msg = dgram - WIRE_DOMAIN_LEN;
    memcpy(signed_msg, WIRE_DOMAIN, WIRE_DOMAIN_LEN);
    size_t signed_len = WIRE_DOMAIN_LEN + WIRE_HEADER_LEN + plen + WIRE_TIMESTAMP_LEN;
    /* RFC 8032 signing through libsodium (deterministic; same as tss_ed25519_sign). */
    if (crypto_sign_detached(dgram + WIRE_HEADER_LEN + plen + WIRE_TIMESTAMP_LEN, NULL, signed_msg, signed_len, sk) != 0)
        return TSS_ERR_CRYPTO;
    *dgram_len = total;
    return TSS_OK;
}

/* Structural checks in the order the counters are documented; returns the counter to bump. */
static uint64_t *decode_check(uint8_t *dgram, size_t len, wire_header *h, wire_counters *c)
{
    if (len > WIRE_MAX_DATAGRAM) return &c->oversize;
    if (len < WIRE_OVERHEAD) return &c->truncated;
    if (memcmp(dgram + OFF_MAGIC, WIRE_MAGIC, WIRE_MAGIC_LEN) != 0) return &c->bad_magic;
    wire_header_parse(h, dgram);
    if (h->version != WIRE_VERSION) return &c->unknown_version;
    if (!wire_type_known(h->type)) return &c->unknown_type;
    if (h->flags != 0 || tss_load_le16(dgram + OFF_RESERVED) != 0) return &c->bad_reserved;
    if (h->payload_len > WIRE_MAX_PAYLOAD) return &c->oversize;
    if (len < WIRE_OVERHEAD + (size_t)h->payload_len) return &c->truncated;
    if (len > WIRE_OVERHEAD + (size_t)h->payload_len) return &c->trailing;
    if (h->frag_count == 0 || h->frag_count > WIRE_MAX_FRAGMENTS || h->frag_index >= h->frag_count)
        return &c->bad_fragment;
    if (wire_fragment_count(h->total_len) != h->frag_count) return &c->bad_fragment;
    size_t expect = h->frag_index + 1u < h->frag_count
                        ? WIRE_MAX_PAYLOAD
                        : h->total_len - (size_t)(h->frag_count - 1u) * WIRE_MAX_PAYLOAD;
    if (h->payload_len != expect) return &c->bad_fragment;
    if (h->sender == WIRE_BROADCAST) return &c->bad_recipient;
    if (wire_type_point_to_point(h->type) && h->recipient == WIRE_BROADCAST) return &c->bad_recipient;
    return NULL;
}

int wire_decode(uint8_t *dgram, size_t dgram_len, wire_envelope *env, wire_counters *ctr)
{
    if (dgram == NULL || env == NULL) return TSS_ERR_INVALID_ARG;
    wire_counters scratch = {0};
    wire_counters *c = ctr != NULL ? ctr : &scratch;
    wire_header h;
    uint64_t *reject = decode_check(dgram, dgram_len, &h, c);
    if (reject != NULL) {
        ctr_inc(reject);
        return TSS_ERR_ENCODING;
    }
    env->hdr = h;
    env->payload = dgram + WIRE_HEADER_LEN;
    env->timestamp_ms = tss_load_le64(dgram + WIRE_HEADER_LEN + h.payload_len);
    env->sig = dgram + WIRE_HEADER_LEN + h.payload_len + WIRE_TIMESTAMP_LEN;
    memcpy(dgram - WIRE_DOMAIN_LEN, WIRE_DOMAIN, WIRE_DOMAIN_LEN);
    env->signed_msg = dgram - WIRE_DOMAIN_LEN;
    env->signed_len = WIRE_DOMAIN_LEN + WIRE_HEADER_LEN + h.payload_len + WIRE_TIMESTAMP_LEN;
    ctr_inc(&c->decoded);
    return TSS_OK;
}

int wire_verify(const wire_envelope *env, const uint8_t pk[32])
{
    if (env == NULL || pk == NULL) return TSS_ERR_INVALID_ARG;
    return tss_ed25519_verify(env->sig, env->signed_msg, env->signed_len, pk) == 0 ? TSS_OK : TSS_ERR_VERIFY;
}
