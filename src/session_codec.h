/* Payload encodings of the session messages (src/session.h). Every payload starts with
 * SESSION_CODEC_VERSION; integers are little endian; every decoder checks the exact length, the version
 * and the ranges before reading, and never trusts a count before checking it against the length.
 * Decoders check structure only: whether points, proofs and shares are valid is the protocol's job (so
 * that it can name the sender), except where noted (FROST's own binary decoders check points).
 *
 *   RETRY_REQUEST      ver ‖ type u8 ‖ round u8                                              (3 bytes)
 *   DKG_ROUND1         ver ‖ sender u16 ‖ k u16 ‖ k × commitment point (32) ‖ proof R ‖ μ (64)
 *   DKG_ROUND1_CONFIRM ver ‖ n u16 ‖ n × (node u16 ‖ digest (32))   nodes strictly ascending
 *   DKG_ROUND2         p2p_seal(ver ‖ signing share (32))            (the seal binds sender and recipient)
 *   DKG_ROUND1 (reshare) the DKG_ROUND1 layout (k = t' points, zero proof) ‖ old key:
 *                      generation u32 ‖ t u16 ‖ group key (32) ‖ n u16 ‖ n × (node u16 ‖ verifying share (32))
 *                      (nodes strictly ascending)
 *   SIGN_COMMITMENTS   ver ‖ tss_frost_signing_commitments_serialize  (99 bytes)
 *   SIGN_PACKAGE       ver ‖ tss_frost_signing_package_serialize
 *   SIGN_SHARE         ver ‖ tss_frost_signature_share_serialize      (67 bytes)
 *   SIGN_RESULT        ver ‖ signature (64) ‖ n_signers u16 ‖ signers u16… ‖ n_culprits u16 ‖ culprits u16…
 *                      ‖ n_missing u16 ‖ missing u16…   (each list at most SESSION_MAX_PARTICIPANTS)
 */
#ifndef TSS_SRC_SESSION_CODEC_H
#define TSS_SRC_SESSION_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "tss/common.h"
#include "tss/frost.h"
#include "tss/frost_keygen.h"
#include "src/session.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SESSION_CODEC_VERSION 1
#define SESSION_DIGEST_BYTES 32
#define SESSION_RETRY_BYTES 3
#define SESSION_DKG_ROUND1_BYTES(k) (1 + 2 + 2 + (size_t)(k) * 32 + 64)
#define SESSION_DKG_CONFIRM_BYTES(n) (1 + 2 + (size_t)(n) * (2 + SESSION_DIGEST_BYTES))
#define SESSION_DKG_SHARE_BYTES (1 + 32)
#define SESSION_SIGN_COMMITMENTS_BYTES (1 + TSS_FROST_SIGNING_COMMITMENTS_BYTES)
#define SESSION_SIGN_PACKAGE_MAX (1 + TSS_FROST_SIGNING_PACKAGE_BYTES(SESSION_MAX_PARTICIPANTS, SESSION_MAX_MESSAGE))
#define SESSION_SIGN_SHARE_BYTES (1 + TSS_FROST_SIGNATURE_SHARE_BYTES)
#define SESSION_SIGN_RESULT_MAX (1 + 64 + 3 * (2 + 2 * (size_t)SESSION_MAX_PARTICIPANTS))

int session_codec_retry_encode(uint8_t *out, size_t cap, size_t *len, uint8_t type, uint8_t round);
int session_codec_retry_decode(uint8_t *type, uint8_t *round, const uint8_t *in, size_t len);

/* pkg->identifier must be the integer identifier `sender`. */
int session_codec_dkg_round1_encode(uint8_t *out, size_t cap, size_t *len, uint16_t sender,
                                    const tss_frost_dkg_round1_package *pkg);
/* pkg must be bound to commitment storage (tss_frost_dkg_round1_package_init); k must be 1..capacity.
 * Sets the identifier from the encoded sender (nonzero). */
int session_codec_dkg_round1_decode(tss_frost_dkg_round1_package *pkg, uint16_t *sender, const uint8_t *in,
                                    size_t len);

int session_codec_dkg_confirm_encode(uint8_t *out, size_t cap, size_t *len, const uint16_t *nodes,
                                     const uint8_t (*digests)[SESSION_DIGEST_BYTES], uint16_t n);
/* Writes up to cap entries; TSS_ERR_ENCODING if n > cap or the nodes are not strictly ascending. */
int session_codec_dkg_confirm_decode(uint16_t *nodes, uint8_t (*digests)[SESSION_DIGEST_BYTES], uint16_t *n,
                                     uint16_t cap, const uint8_t *in, size_t len);

/* The plaintext inside the sealed round-2 message (SECRET). */
int session_codec_dkg_share_encode(uint8_t out[SESSION_DKG_SHARE_BYTES], const tss_frost_signing_share *share);
int session_codec_dkg_share_decode(tss_frost_signing_share *share, const uint8_t *in, size_t len);

#define SESSION_KEY_PUBLIC_BYTES(n) (4 + 2 + 32 + 2 + (size_t)(n) * 34)
#define SESSION_RESHARE_ROUND1_MAX (SESSION_DKG_ROUND1_BYTES(SESSION_MAX_PARTICIPANTS) + \
                                    SESSION_KEY_PUBLIC_BYTES(SESSION_MAX_PARTICIPANTS))

/* k->holders must be strictly ascending (the encoding is canonical: its digest identifies the key). */
int session_codec_key_public_encode(uint8_t *out, size_t cap, size_t *len, const session_key_public *k);
int session_codec_key_public_decode(session_key_public *k, const uint8_t *in, size_t len);
/* A reshare round 1: the DKG round-1 part and the old key. */
int session_codec_reshare_round1_encode(uint8_t *out, size_t cap, size_t *len, uint16_t sender,
                                        const tss_frost_dkg_round1_package *pkg, const session_key_public *k);
int session_codec_reshare_round1_decode(tss_frost_dkg_round1_package *pkg, uint16_t *sender, session_key_public *k,
                                        const uint8_t *in, size_t len);

int session_codec_sign_commitments_encode(uint8_t *out, size_t cap, size_t *len,
                                          const tss_frost_signing_commitments *c);
int session_codec_sign_commitments_decode(tss_frost_signing_commitments *c, const uint8_t *in, size_t len);

int session_codec_sign_package_encode(uint8_t *out, size_t cap, size_t *len, const tss_frost_signing_package *pkg);
int session_codec_sign_package_decode(tss_frost_signing_package *pkg, tss_frost_signing_commitments *commitments_buf,
                                      uint32_t commitments_cap, uint8_t *message_buf, size_t message_cap,
                                      const uint8_t *in, size_t len);

int session_codec_sign_share_encode(uint8_t *out, size_t cap, size_t *len, const tss_frost_signature_share *share);
int session_codec_sign_share_decode(tss_frost_signature_share *share, const uint8_t *in, size_t len);

/* Lists of node indices, at most SESSION_MAX_PARTICIPANTS each. */
typedef struct session_sign_result_msg {
    tss_frost_signature signature;
    uint16_t signers[SESSION_MAX_PARTICIPANTS];
    uint16_t n_signers;
    uint16_t culprits[SESSION_MAX_PARTICIPANTS];
    uint16_t n_culprits;
    uint16_t missing[SESSION_MAX_PARTICIPANTS];
    uint16_t n_missing;
} session_sign_result_msg;

int session_codec_sign_result_encode(uint8_t *out, size_t cap, size_t *len, const session_sign_result_msg *m);
int session_codec_sign_result_decode(session_sign_result_msg *m, const uint8_t *in, size_t len);

#ifdef __cplusplus
}
#endif
#endif
