/* tss wire format: the fixed little-endian header, signed envelopes and fragmentation.
 *
 * One UDP datagram carries exactly one envelope (see docs/wire.md for the byte layout):
 *
 *     header (40 bytes) || payload (payload_len bytes) || timestamp_ms (u64 LE) || signature (64 bytes)
 *
 * The Ed25519 signature is by the sender's node key over
 *
 *     WIRE_DOMAIN ("tss-envelope-v1", 15 bytes, no NUL) || header || payload || timestamp_ms
 *
 * i.e. over the domain tag followed by every datagram byte before the signature. So that this needs
 * no copy, encoding and decoding write the domain tag into the WIRE_DOMAIN_LEN bytes just *before*
 * the datagram: every datagram buffer handed to this module must have at least WIRE_HEADROOM writable
 * bytes in front of it (dp_pkt buffers have; see dataplane/pkt.h).
 *
 * The sender index in the header only *selects* which configured peer key is tried; the identity of
 * a message is the configured peer whose key verifies the signature. Nothing here trusts payload fields.
 *
 * A logical message longer than WIRE_MAX_PAYLOAD is split into fragments; each fragment is its own
 * signed envelope with the same (session, type, round, seq, sender, recipient, total_len) and
 * frag_index 0..frag_count-1. Every fragment except the last carries exactly WIRE_MAX_PAYLOAD bytes,
 * so a fragment's offset in the message is frag_index * WIRE_MAX_PAYLOAD (dataplane/reassembly.h).
 *
 * This module is pure: no allocation, no global state, no I/O. Decoding never trusts a length before
 * checking it against the datagram, and every rejection increments exactly one wire_counters field.
 */
#ifndef TSS_DATAPLANE_WIRE_H
#define TSS_DATAPLANE_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "tss/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define WIRE_MAGIC "TSSN"           /* 4 bytes at offset 0 */
#define WIRE_MAGIC_LEN 4
#define WIRE_VERSION 1              /* the only version this code accepts */
#define WIRE_HEADER_LEN 40
#define WIRE_TIMESTAMP_LEN 8
#define WIRE_SIG_LEN 64
#define WIRE_TRAILER_LEN (WIRE_TIMESTAMP_LEN + WIRE_SIG_LEN)
#define WIRE_OVERHEAD (WIRE_HEADER_LEN + WIRE_TRAILER_LEN) /* 112 bytes per datagram */

/* Payload bytes per datagram: 1200 + 112 = 1312 bytes of UDP payload, below the 1452 bytes an
 * IPv6 packet can carry over a 1500-byte MTU without IP fragmentation. */
#define WIRE_MAX_PAYLOAD 1200
#define WIRE_MAX_DATAGRAM (WIRE_MAX_PAYLOAD + WIRE_OVERHEAD)
#define WIRE_MAX_FRAGMENTS 64       /* a fragment bitmap fits a uint64_t */
#define WIRE_MAX_MESSAGE (WIRE_MAX_PAYLOAD * WIRE_MAX_FRAGMENTS) /* 76800 bytes */

#define WIRE_DOMAIN "tss-envelope-v1"
#define WIRE_DOMAIN_LEN 15
/* Writable bytes required in front of every datagram buffer (the domain tag goes there). */
#define WIRE_HEADROOM 16

#define WIRE_BROADCAST 0xFFFFu      /* recipient of a message addressed to every participant */
#define WIRE_MAX_PEERS 0xFFFFu      /* sender/recipient indices are < this */

/* Message types. Values are part of the protocol: never renumber. 48..63 are reserved for the
 * ECDSA protocol messages; until defined they are rejected as unknown like any other value. */
typedef enum wire_type {
    WIRE_HELLO = 1,              /* node key and address binding */
    WIRE_PING = 2,               /* liveness */
    WIRE_RETRY_REQUEST = 3,      /* "resend your message for (session, type, round)" */
    WIRE_RETRY_RESPONSE = 4,     /* resent cached message */
    WIRE_DKG_ROUND1 = 16,        /* broadcast: commitments and proof of knowledge */
    WIRE_DKG_ROUND1_CONFIRM = 17,/* broadcast: hash of the round-1 set this node saw (consistent broadcast) */
    WIRE_DKG_ROUND2 = 18,        /* point-to-point, encrypted (src/p2p_seal.h): secret share */
    WIRE_SIGN_COMMITMENTS = 32,  /* signer -> coordinator: nonce commitments */
    WIRE_SIGN_PACKAGE = 33,      /* coordinator -> signers: message and chosen commitments */
    WIRE_SIGN_SHARE = 34,        /* signer -> coordinator: signature share */
    WIRE_SIGN_RESULT = 35,       /* coordinator -> candidates: final signature and signer list */
} wire_type;

#define WIRE_TYPE_LIMIT 64          /* every type value is < this (size of per-type tables) */

/* 1 if `type` is a defined message type, else 0. */
int wire_type_known(unsigned type);
/* 1 if messages of this type must name one recipient (never WIRE_BROADCAST): WIRE_DKG_ROUND2. */
int wire_type_point_to_point(unsigned type);
/* Static name such as "dkg_round2", or "unknown". */
const char *wire_type_name(unsigned type);

/* The decoded header. Field order here is not the wire order; see docs/wire.md. */
typedef struct wire_header {
    uint8_t version;       /* WIRE_VERSION */
    uint8_t type;          /* wire_type */
    uint8_t round;         /* protocol round or attempt number, engine-defined */
    uint8_t flags;         /* reserved, must be 0 */
    uint64_t session_id;   /* 0 for session-less messages (hello, ping) */
    uint64_t seq;          /* per-sender sequence number; with type/round/session it names a message */
    uint16_t sender;       /* index of the sending node in the peer table */
    uint16_t recipient;    /* index of the receiving node, or WIRE_BROADCAST */
    uint16_t frag_index;   /* 0 .. frag_count-1 */
    uint16_t frag_count;   /* 1 .. WIRE_MAX_FRAGMENTS */
    uint16_t payload_len;  /* bytes of payload in this datagram, <= WIRE_MAX_PAYLOAD */
    uint32_t total_len;    /* bytes of the whole (reassembled) message, <= WIRE_MAX_MESSAGE */
} wire_header;

/* A decoded envelope: a view into the datagram buffer (valid as long as the buffer is). */
typedef struct wire_envelope {
    wire_header hdr;
    const uint8_t *payload;      /* hdr.payload_len bytes */
    uint64_t timestamp_ms;       /* sender's wall clock, milliseconds since the Unix epoch */
    const uint8_t *sig;          /* 64 bytes */
    const uint8_t *signed_msg;   /* WIRE_DOMAIN || header || payload || timestamp (in the headroom + datagram) */
    size_t signed_len;
} wire_envelope;

/* Decoder rejections, one counter per reason (read by the metrics exporter). */
typedef struct wire_counters {
    uint64_t decoded;          /* accepted envelopes */
    uint64_t truncated;        /* shorter than header + trailer, or than header.payload_len says */
    uint64_t oversize;         /* datagram > WIRE_MAX_DATAGRAM, or payload_len > WIRE_MAX_PAYLOAD */
    uint64_t trailing;         /* longer than header.payload_len says */
    uint64_t bad_magic;        /* first 4 bytes are not WIRE_MAGIC */
    uint64_t unknown_version;  /* version != WIRE_VERSION */
    uint64_t unknown_type;     /* type not in wire_type */
    uint64_t bad_reserved;     /* flags or reserved field non-zero */
    uint64_t bad_fragment;     /* frag_count/frag_index/payload_len/total_len inconsistent */
    uint64_t bad_recipient;    /* point-to-point type sent to WIRE_BROADCAST, or sender == WIRE_BROADCAST */
} wire_counters;

/* Number of fragments for a message of msg_len bytes (1 for 0..WIRE_MAX_PAYLOAD), or 0 if
 * msg_len > WIRE_MAX_MESSAGE. */
unsigned wire_fragment_count(size_t msg_len);

/* Encodes and signs fragment `frag_index` of the message msg[0..msg_len) into dgram.
 * hdr supplies type, round, session_id, seq, sender, recipient (version, flags, frag_*, payload_len,
 * total_len are computed here and ignored in hdr). dgram needs WIRE_HEADROOM writable bytes in front
 * of it and dgram_cap >= payload + WIRE_OVERHEAD. sk is the sender's 64-byte libsodium secret key.
 * Returns TSS_OK and *dgram_len, TSS_ERR_INVALID_ARG (bad index, unknown type, point-to-point type
 * to WIRE_BROADCAST, message too long) or TSS_ERR_CAPACITY (dgram_cap too small). */
int wire_encode_fragment(uint8_t *dgram, size_t dgram_cap, size_t *dgram_len, const wire_header *hdr,
                         const uint8_t *msg, size_t msg_len, unsigned frag_index, uint64_t timestamp_ms,
                         const uint8_t sk[64]);

/* Parses a received datagram and checks every structural rule (no signature check). On success
 * fills *env (pointing into dgram) and writes the domain tag into the WIRE_DOMAIN_LEN bytes before
 * dgram, so env->signed_msg is ready for (batch) verification. dgram must have WIRE_HEADROOM
 * writable bytes in front of it. Exactly one counter of *ctr is incremented (ctr may be NULL).
 * Returns TSS_OK, TSS_ERR_ENCODING (malformed: see the counter) or TSS_ERR_INVALID_ARG (NULL). */
int wire_decode(uint8_t *dgram, size_t dgram_len, wire_envelope *env, wire_counters *ctr);

/* Verifies env's signature under pk (one Ed25519 verification; the verify stage batches instead).
 * TSS_OK or TSS_ERR_VERIFY. */
int wire_verify(const wire_envelope *env, const uint8_t pk[32]);

/* Byte-level header codec (used by the above; exposed for tests and tools). wire_header_parse does
 * not check semantics beyond reading the fields; wire_decode does. */
void wire_header_write(uint8_t out[WIRE_HEADER_LEN], const wire_header *hdr);
void wire_header_parse(wire_header *hdr, const uint8_t in[WIRE_HEADER_LEN]);

#ifdef __cplusplus
}
#endif
#endif
