/* tss: FROST(Ed25519, SHA-512), RFC 9591, byte-compatible with the Zcash Foundation's frost-ed25519 crate.
 *
 * Conventions (libsecp256k1 style):
 *  - Every object is a fixed-size struct the caller allocates; nothing here calls malloc.
 *    Variable-length collections (the public key package, the commitment list of a signing package)
 *    point at caller-provided arrays.
 *  - Every function that can fail returns a tss_status (TSS_OK = 0, see tss/common.h).
 *  - t always means "t signers suffice" (min_signers); 1 <= t <= n <= TSS_FROST_MAX_SIGNERS.
 *  - Scalars are 32-byte little-endian canonical encodings (< L); points are 32-byte RFC 8032 encodings.
 *    A point read from an encoding must be canonical, not the identity and in the prime-order subgroup
 *    (frost-core's rules); otherwise TSS_ERR_ENCODING.
 *  - Identifiers are compared by numeric value (tss_frost_identifier_cmp), as frost-core orders them.
 *    Lists that must be sorted (public key package shares, signing package commitments) are sorted
 *    strictly ascending by identifier; the *_sort helpers sort them, and the functions that use them
 *    return TSS_ERR_INVALID_ARG for an unsorted list and TSS_ERR_DUPLICATE for a repeated identifier.
 *  - Secrets (signing shares, nonces, key packages) must be wiped by the caller with sodium_memzero
 *    when no longer needed, except nonces, which tss_frost_round2_sign wipes itself.
 *
 * Signing flow:
 *   dealer (or DKG, tss/frost_keygen.h): key packages + public key package
 *   round 1 (each signer):   tss_frost_round1_commit -> nonces (secret, kept) + commitments (sent)
 *   coordinator:             tss_frost_signing_package_init(commitments of >= t signers, message)
 *   round 2 (each signer):   tss_frost_round2_sign -> signature share (nonces are wiped)
 *   coordinator:             tss_frost_aggregate -> 64-byte Ed25519 signature (or the culprits)
 */
#ifndef TSS_FROST_H
#define TSS_FROST_H

#include <stddef.h>
#include <stdint.h>
#include "tss/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Version stored in every package struct and written as the first byte of every binary encoding. */
#define TSS_FROST_VERSION 1
/* Largest n (and t) supported: identifiers of dealer keys and counts fit frost-core's u16. */
#define TSS_FROST_MAX_SIGNERS 65535
/* frost-core's ciphersuite ID, also the context string of the hashes H1..H5. */
#define TSS_FROST_CONTEXT_STRING "FROST-ED25519-SHA512-v1"

#define TSS_FROST_SCALAR_BYTES 32
#define TSS_FROST_ELEMENT_BYTES 32
#define TSS_FROST_SIGNATURE_BYTES 64

/* ---------------------------------------------------------------------------------------------
 * Types
 * ------------------------------------------------------------------------------------------- */

/* A participant identifier: the canonical (< L), nonzero little-endian scalar, as frost-core serializes
 * Identifier. Integer identifiers i map to the scalar i; derived ones to H("id" ‖ s) (see below). */
typedef struct tss_frost_identifier {
    uint8_t bytes[32];
} tss_frost_identifier;

/* A group element (compressed Edwards point), e.g. one entry of a VSS commitment. */
typedef struct tss_frost_element {
    uint8_t bytes[32];
} tss_frost_element;

/* A participant's secret share s_i = f(x_i) (canonical scalar). SECRET. */
typedef struct tss_frost_signing_share {
    uint8_t bytes[32];
} tss_frost_signing_share;

/* A participant's public share Y_i = [s_i]B. */
typedef struct tss_frost_verifying_share {
    uint8_t bytes[32];
} tss_frost_verifying_share;

/* The group public key Y = [s]B: an ordinary Ed25519 public key. */
typedef struct tss_frost_verifying_key {
    uint8_t bytes[32];
} tss_frost_verifying_key;

/* Everything one signer needs (frost-core KeyPackage). SECRET (contains the signing share). */
typedef struct tss_frost_key_package {
    uint8_t version;                            /* TSS_FROST_VERSION */
    tss_frost_identifier identifier;
    tss_frost_signing_share signing_share;
    tss_frost_verifying_share verifying_share;  /* [signing_share]B */
    tss_frost_verifying_key verifying_key;      /* group public key */
    uint32_t min_signers;                       /* t */
} tss_frost_key_package;

/* One entry of a public key package. */
typedef struct tss_frost_public_share {
    tss_frost_identifier identifier;
    tss_frost_verifying_share verifying_share;
} tss_frost_public_share;

/* The public data of a key (frost-core PublicKeyPackage): group key, t, n and every participant's
 * verifying share. `shares` is a caller-provided array of `capacity` entries (set both with
 * tss_frost_public_key_package_init); the first `max_signers` are used, sorted ascending by identifier. */
typedef struct tss_frost_public_key_package {
    uint8_t version;                        /* TSS_FROST_VERSION */
    uint32_t min_signers;                   /* t */
    uint32_t max_signers;                   /* n: entries in use */
    uint32_t capacity;                      /* entries available at `shares` */
    tss_frost_verifying_key verifying_key;
    tss_frost_public_share *shares;
} tss_frost_public_key_package;

/* A signer's round-1 commitments (frost-core SigningCommitments, plus the signer's identifier). */
typedef struct tss_frost_signing_commitments {
    uint8_t version;                        /* TSS_FROST_VERSION */
    tss_frost_identifier identifier;
    uint8_t hiding[32];                     /* D = [d]B */
    uint8_t binding[32];                    /* E = [e]B */
} tss_frost_signing_commitments;

/* A signer's round-1 secret nonces (frost-core SigningNonces). SECRET, single use:
 * tss_frost_round2_sign wipes the whole struct (state becomes 0), and a wiped nonce is refused
 * with TSS_ERR_NONCE_USED. Never copy a nonce struct (a copy could be used twice). */
#define TSS_FROST_NONCE_LIVE 0x4e4f4e43u  /* "NONC" */
typedef struct tss_frost_signing_nonces {
    uint32_t state;                         /* TSS_FROST_NONCE_LIVE, or 0 once used/wiped */
    uint8_t hiding[32];                     /* d */
    uint8_t binding[32];                    /* e */
    tss_frost_signing_commitments commitments;  /* the matching public commitments */
} tss_frost_signing_nonces;

/* What the coordinator sends in round 2 (frost-core SigningPackage): the commitments of the chosen
 * signers (>= t of them; sorted ascending by identifier, no duplicates) and the message.
 * Both arrays are caller-owned and must outlive the package. */
typedef struct tss_frost_signing_package {
    uint8_t version;                        /* TSS_FROST_VERSION */
    uint32_t n_commitments;
    const tss_frost_signing_commitments *commitments;
    const uint8_t *message;
    size_t message_len;
} tss_frost_signing_package;

/* A signer's round-2 output z_i (frost-core SignatureShare, plus the signer's identifier). */
typedef struct tss_frost_signature_share {
    uint8_t version;                        /* TSS_FROST_VERSION */
    tss_frost_identifier identifier;
    uint8_t share[32];                      /* z_i, canonical scalar */
} tss_frost_signature_share;

/* The final signature: R ‖ z, a standard RFC 8032 Ed25519 signature under the verifying key. */
typedef struct tss_frost_signature {
    uint8_t bytes[64];
} tss_frost_signature;

/* ---------------------------------------------------------------------------------------------
 * Identifiers
 * ------------------------------------------------------------------------------------------- */

/* id = the scalar x (x >= 1; x = 0 gives TSS_ERR_ZERO_ID). frost-core's Identifier::try_from(u16) for
 * x <= 65535; larger x map to the scalar x the same way. */
TSS_API int tss_frost_identifier_from_u64(tss_frost_identifier *id, uint64_t x)
    TSS_ARG_NONNULL(1);
/* id = SHA-512(TSS_FROST_CONTEXT_STRING ‖ "id" ‖ s) mod L, as frost-core's Identifier::derive.
 * TSS_ERR_ZERO_ID if the hash reduces to 0. */
TSS_API int tss_frost_identifier_derive(tss_frost_identifier *id, const uint8_t *s, size_t s_len)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1);
/* Reads 32 bytes: TSS_ERR_ENCODING if not canonical (>= L), TSS_ERR_ZERO_ID if zero. */
TSS_API int tss_frost_identifier_from_bytes(tss_frost_identifier *id, const uint8_t bytes[32])
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 2);
/* The integer value, if it fits: TSS_ERR_INVALID_ARG otherwise (e.g. derived identifiers). */
TSS_API int tss_frost_identifier_to_u64(uint64_t *x, const tss_frost_identifier *id)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 2);
/* Numeric comparison (-1, 0, 1); the order of every sorted list here. Not constant time (ids are public). */
TSS_API int tss_frost_identifier_cmp(const tss_frost_identifier *a, const tss_frost_identifier *b)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 2);
/* TSS_OK if canonical and nonzero, else TSS_ERR_ENCODING / TSS_ERR_ZERO_ID. */
TSS_API int tss_frost_identifier_validate(const tss_frost_identifier *id) TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1);

/* ---------------------------------------------------------------------------------------------
 * Trusted dealer (frost-core keys::generate_with_dealer / split / reconstruct)
 * ------------------------------------------------------------------------------------------- */

/* Prepares an empty public key package over caller storage for `capacity` entries. */
TSS_API int tss_frost_public_key_package_init(tss_frost_public_key_package *pkp, tss_frost_public_share *shares,
                                              uint32_t capacity) TSS_ARG_NONNULL(1, 2);

/* Splits a secret into n shares with threshold t (1 <= t <= n <= TSS_FROST_MAX_SIGNERS).
 *   key_packages:  n entries written, in the order of `identifiers` (SECRET).
 *   pkp:           initialised with capacity >= n (else TSS_ERR_CAPACITY); filled, sorted by identifier.
 *   secret:        32-byte canonical nonzero scalar, or NULL for a random one (TSS_ERR_ENCODING if not
 *                  canonical, TSS_ERR_INVALID_ARG if zero).
 *   identifiers:   n distinct nonzero identifiers (TSS_ERR_DUPLICATE / TSS_ERR_ZERO_ID), or NULL for 1..n.
 *   vss_commitment: optional (NULL): t entries [a_0]B .. [a_{t-1}]B of the dealer polynomial.
 * The polynomial's other t-1 coefficients come from libsodium's CSPRNG and are wiped. */
TSS_API int tss_frost_dealer_keygen(tss_frost_key_package *key_packages, tss_frost_public_key_package *pkp,
                                    tss_frost_element *vss_commitment, const uint8_t secret[32],
                                    const tss_frost_identifier *identifiers, uint32_t n, uint32_t t)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 2);

/* Same with given coefficients a_1..a_{t-1} (t-1 canonical scalars; the RFC 9591 vectors' "share
 * polynomial coefficients"). For test vectors and recovery drills; never reuse coefficients. */
TSS_API int tss_frost_dealer_keygen_with_coefficients(tss_frost_key_package *key_packages,
                                                      tss_frost_public_key_package *pkp, tss_frost_element *vss_commitment,
                                                      const uint8_t secret[32], const uint8_t (*coefficients)[32],
                                                      const tss_frost_identifier *identifiers, uint32_t n, uint32_t t)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 2);

/* Recovers the group secret from >= t key packages of one key (distinct identifiers, same group key and t):
 * TSS_ERR_NOT_ENOUGH if fewer than min_signers, TSS_ERR_INVALID_ARG if they disagree on the key or t,
 * TSS_ERR_VERIFY if the interpolated secret does not match the group key. secret is SECRET. */
TSS_API int tss_frost_reconstruct(uint8_t secret[32], const tss_frost_key_package *key_packages, size_t n)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 2);

/* Checks a key package: identifier valid, share canonical, verifying_share == [share]B, group key a valid
 * point, min_signers >= 1. TSS_ERR_ENCODING / TSS_ERR_VERIFY / TSS_ERR_INVALID_ARG. */
TSS_API int tss_frost_key_package_validate(const tss_frost_key_package *kp) TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1);

/* Checks a public key package: 1 <= t <= n <= capacity, sorted distinct valid identifiers, valid points. */
TSS_API int tss_frost_public_key_package_validate(const tss_frost_public_key_package *pkp)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1);

/* Sorts shares[0..max_signers) ascending by identifier (in place). */
TSS_API int tss_frost_public_key_package_sort(tss_frost_public_key_package *pkp)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1);

/* Finds an identifier's verifying share (binary search): TSS_ERR_NOT_FOUND if absent. */
TSS_API int tss_frost_public_key_package_find(tss_frost_verifying_share *out, const tss_frost_public_key_package *pkp,
                                              const tss_frost_identifier *id)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 2, 3);

/* ---------------------------------------------------------------------------------------------
 * Round 1: commit
 * ------------------------------------------------------------------------------------------- */

/* Hedged nonces (RFC 9591 nonce_generate): d = H3(rand32 ‖ s_i), e = H3(rand32' ‖ s_i) with fresh
 * CSPRNG bytes; D = [d]B, E = [e]B (constant time). nonces is SECRET; commitments are public. */
TSS_API int tss_frost_round1_commit(tss_frost_signing_nonces *nonces, tss_frost_signing_commitments *commitments,
                                    const tss_frost_key_package *kp) TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 2, 3);

/* TEST ONLY (deterministic, for vectors): the same with the given 32-byte hiding/binding randomness. */
TSS_API int tss_frost_round1_commit_with_randomness(tss_frost_signing_nonces *nonces,
                                                    tss_frost_signing_commitments *commitments,
                                                    const tss_frost_key_package *kp, const uint8_t hiding_randomness[32],
                                                    const uint8_t binding_randomness[32])
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 2, 3, 4, 5);

/* Wipes nonces (state 0). */
TSS_API void tss_frost_signing_nonces_wipe(tss_frost_signing_nonces *nonces);

/* ---------------------------------------------------------------------------------------------
 * Signing package (coordinator)
 * ------------------------------------------------------------------------------------------- */

/* Sorts `commitments` (n entries, caller-owned, reordered in place) ascending by identifier and makes pkg
 * view them and the message. TSS_ERR_DUPLICATE / TSS_ERR_ZERO_ID / TSS_ERR_ENCODING (bad identifier),
 * TSS_ERR_INVALID_ARG for n = 0 or n > TSS_FROST_MAX_SIGNERS. The point encodings are checked by the
 * functions that use them (and by the decoders). */
TSS_API int tss_frost_signing_package_init(tss_frost_signing_package *pkg, tss_frost_signing_commitments *commitments,
                                           uint32_t n, const uint8_t *message, size_t message_len)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 2);

/* Sorts n commitments ascending by identifier, in place. */
TSS_API void tss_frost_commitments_sort(tss_frost_signing_commitments *commitments, size_t n);

/* ---------------------------------------------------------------------------------------------
 * Round 2: sign
 * ------------------------------------------------------------------------------------------- */

/* z_i = d + e·ρ_i + λ_i·c·s_i. Checks:
 *   nonces live (else TSS_ERR_NONCE_USED); pkg sorted/distinct (TSS_ERR_INVALID_ARG / TSS_ERR_DUPLICATE);
 *   n_commitments >= min_signers (TSS_ERR_NOT_ENOUGH); kp's identifier is in pkg (TSS_ERR_NOT_FOUND) with
 *   exactly the commitments of `nonces` (TSS_ERR_VERIFY); commitment points canonical and not the identity
 *   (TSS_ERR_ENCODING; the subgroup check is the decoders' job, and a signer who sends a mixed-order
 *   commitment is named by aggregation).
 * Every call that gets past the NULL checks with a live nonce wipes it, whether it succeeds or fails:
 * a nonce is never offered to a second signing package. */
TSS_API int tss_frost_round2_sign(tss_frost_signature_share *share, const tss_frost_signing_package *pkg,
                                  tss_frost_signing_nonces *nonces, const tss_frost_key_package *kp)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 2, 3, 4);

/* ---------------------------------------------------------------------------------------------
 * Share verification and aggregation (coordinator)
 * ------------------------------------------------------------------------------------------- */

/* Checks one share: [z_i]B == D_i + [ρ_i]E_i + [c·λ_i]Y_i (variable time; public data).
 * TSS_OK, TSS_ERR_VERIFY, TSS_ERR_NOT_FOUND (identifier not in pkg), TSS_ERR_ENCODING, ... */
TSS_API int tss_frost_verify_signature_share(const tss_frost_signature_share *share,
                                             const tss_frost_verifying_share *verifying_share,
                                             const tss_frost_signing_package *pkg, const tss_frost_verifying_key *vk)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 2, 3, 4);

/* sig = (R, Σ z_i). shares: exactly one per commitment in pkg, any order (TSS_ERR_NOT_FOUND for an
 * identifier not in pkg or not in pkp, TSS_ERR_DUPLICATE for a repeated one, TSS_ERR_NOT_ENOUGH for a
 * missing share or fewer than t commitments). A non-canonical z_i counts as an invalid share. The signature is verified first (libsodium and tss_ed25519_verify); only if it fails is
 * every share verified, and the result is TSS_ERR_CULPRIT with *n_culprits set to the number of invalid
 * shares and min(that, culprits_cap) of their identifiers written to culprits, sorted ascending (all of them
 * when culprits_cap >= the number of signers).
 * culprits may be NULL if culprits_cap is 0; n_culprits may be NULL. TSS_ERR_VERIFY if the signature fails
 * yet no share is invalid (e.g. a bad public key package). */
TSS_API int tss_frost_aggregate(tss_frost_signature *sig, const tss_frost_signing_package *pkg,
                                const tss_frost_signature_share *shares, size_t n_shares,
                                const tss_frost_public_key_package *pkp, tss_frost_identifier *culprits,
                                size_t culprits_cap, size_t *n_culprits)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 2, 3, 5);

/* Ed25519 verification of a FROST signature (ZIP-215 rules, tss_ed25519_verify). TSS_OK / TSS_ERR_VERIFY. */
TSS_API int tss_frost_verify(const tss_frost_signature *sig, const uint8_t *message, size_t message_len,
                             const tss_frost_verifying_key *vk) TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 4);

/* ---------------------------------------------------------------------------------------------
 * Binary serialization: byte 0 = TSS_FROST_VERSION, byte 1 = the kind tag, then fixed-size fields
 * (scalars and points 32 bytes, counts u32 little-endian). Decoders check the exact length, version and
 * tag, canonical nonzero identifiers, canonical scalars and valid points (TSS_ERR_ENCODING), and that
 * lists are sorted without duplicates. *_serialize writes to out (out_cap bytes; TSS_ERR_CAPACITY if too
 * small) and sets *out_len.
 * ------------------------------------------------------------------------------------------- */

#define TSS_FROST_TAG_KEY_PACKAGE 0x01
#define TSS_FROST_TAG_PUBLIC_KEY_PACKAGE 0x02
#define TSS_FROST_TAG_SIGNING_NONCES 0x03
#define TSS_FROST_TAG_SIGNING_COMMITMENTS 0x04
#define TSS_FROST_TAG_SIGNING_PACKAGE 0x05
#define TSS_FROST_TAG_SIGNATURE_SHARE 0x06

/* ver, tag, id, signing share, verifying share, verifying key, min_signers u32 */
#define TSS_FROST_KEY_PACKAGE_BYTES (2 + 4 * 32 + 4)
/* ver, tag, min_signers u32, max_signers u32, verifying key, then max_signers × (id ‖ verifying share) */
#define TSS_FROST_PUBLIC_KEY_PACKAGE_BYTES(n) (2 + 4 + 4 + 32 + (size_t)(n) * 64)
/* ver, tag, hiding nonce, binding nonce, id, hiding commitment, binding commitment */
#define TSS_FROST_SIGNING_NONCES_BYTES (2 + 5 * 32)
/* ver, tag, id, hiding commitment, binding commitment */
#define TSS_FROST_SIGNING_COMMITMENTS_BYTES (2 + 3 * 32)
/* ver, tag, n u32, n × (id ‖ hiding ‖ binding), message_len u32, message */
#define TSS_FROST_SIGNING_PACKAGE_BYTES(n, msg_len) (2 + 4 + (size_t)(n) * 96 + 4 + (size_t)(msg_len))
/* ver, tag, id, z_i */
#define TSS_FROST_SIGNATURE_SHARE_BYTES (2 + 2 * 32)

TSS_API int tss_frost_key_package_serialize(uint8_t *out, size_t out_cap, size_t *out_len, const tss_frost_key_package *kp)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 3, 4);
/* Also checks verifying_share == [signing_share]B. */
TSS_API int tss_frost_key_package_deserialize(tss_frost_key_package *kp, const uint8_t *in, size_t in_len)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 2);

TSS_API int tss_frost_public_key_package_serialize(uint8_t *out, size_t out_cap, size_t *out_len,
                                                   const tss_frost_public_key_package *pkp)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 3, 4);
/* pkp must be initialised (tss_frost_public_key_package_init); TSS_ERR_CAPACITY if n > capacity. */
TSS_API int tss_frost_public_key_package_deserialize(tss_frost_public_key_package *pkp, const uint8_t *in, size_t in_len)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 2);

/* Nonces are secret: store them only encrypted. A used (wiped) nonce does not serialize
 * (TSS_ERR_NONCE_USED). Deserialize checks the commitments match the nonces. */
TSS_API int tss_frost_signing_nonces_serialize(uint8_t *out, size_t out_cap, size_t *out_len,
                                               const tss_frost_signing_nonces *nonces)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 3, 4);
TSS_API int tss_frost_signing_nonces_deserialize(tss_frost_signing_nonces *nonces, const uint8_t *in, size_t in_len)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 2);

TSS_API int tss_frost_signing_commitments_serialize(uint8_t *out, size_t out_cap, size_t *out_len,
                                                    const tss_frost_signing_commitments *c)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 3, 4);
TSS_API int tss_frost_signing_commitments_deserialize(tss_frost_signing_commitments *c, const uint8_t *in, size_t in_len)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 2);

TSS_API int tss_frost_signing_package_serialize(uint8_t *out, size_t out_cap, size_t *out_len,
                                                const tss_frost_signing_package *pkg)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 3, 4);
/* Commitments go to commitments_buf (commitments_cap entries), the message is copied to message_buf
 * (message_cap bytes); pkg then points at both. TSS_ERR_CAPACITY if either is too small. */
TSS_API int tss_frost_signing_package_deserialize(tss_frost_signing_package *pkg,
                                                  tss_frost_signing_commitments *commitments_buf, uint32_t commitments_cap,
                                                  uint8_t *message_buf, size_t message_cap, const uint8_t *in,
                                                  size_t in_len) TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 6);

TSS_API int tss_frost_signature_share_serialize(uint8_t *out, size_t out_cap, size_t *out_len,
                                                const tss_frost_signature_share *share)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 3, 4);
TSS_API int tss_frost_signature_share_deserialize(tss_frost_signature_share *share, const uint8_t *in, size_t in_len)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 2);

/* A signature's 64 bytes with R a valid point and z canonical (TSS_ERR_ENCODING otherwise). */
TSS_API int tss_frost_signature_deserialize(tss_frost_signature *sig, const uint8_t in[64])
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 2);

/* ---------------------------------------------------------------------------------------------
 * JSON (jansson inside; text in caller buffers). Field names follow the FROST test vectors and
 * frost-core's serde names; all byte fields are lowercase hex:
 *   key package:        {"version":1,"identifier":ID,"signing_share":H,"verifying_share":H,
 *                        "verifying_key":H,"min_signers":t}
 *   public key package: {"version":1,"min_signers":t,"max_signers":n,"verifying_key":H,
 *                        "verifying_shares":[{"identifier":ID,"verifying_share":H},...]}
 *   signing nonces:     {"version":1,"identifier":ID,"hiding_nonce":H,"binding_nonce":H,
 *                        "hiding_nonce_commitment":H,"binding_nonce_commitment":H}
 *   signing commitments:{"version":1,"identifier":ID,"hiding_nonce_commitment":H,"binding_nonce_commitment":H}
 *   signing package:    {"version":1,"message":H,"signing_commitments":[commitments objects...]}
 *   signature share:    {"version":1,"identifier":ID,"sig_share":H}
 *   signature:          {"sig":H}
 * ID is a JSON integer when the identifier is an integer below 2^53, else the 64-hex-digit scalar; both are
 * accepted on input. *_to_json writes a NUL-terminated compact string (out_cap bytes including the NUL;
 * TSS_ERR_CAPACITY if too small) and sets *out_len (without the NUL; out_len may be NULL).
 * *_from_json parses json_len bytes (NUL not required) with the same checks as the binary decoders.
 * ------------------------------------------------------------------------------------------- */

TSS_API int tss_frost_key_package_to_json(char *out, size_t out_cap, size_t *out_len, const tss_frost_key_package *kp)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 4);
TSS_API int tss_frost_key_package_from_json(tss_frost_key_package *kp, const char *json, size_t json_len)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 2);

TSS_API int tss_frost_public_key_package_to_json(char *out, size_t out_cap, size_t *out_len,
                                                 const tss_frost_public_key_package *pkp)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 4);
TSS_API int tss_frost_public_key_package_from_json(tss_frost_public_key_package *pkp, const char *json, size_t json_len)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 2);

TSS_API int tss_frost_signing_nonces_to_json(char *out, size_t out_cap, size_t *out_len,
                                             const tss_frost_signing_nonces *nonces)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 4);
TSS_API int tss_frost_signing_nonces_from_json(tss_frost_signing_nonces *nonces, const char *json, size_t json_len)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 2);

TSS_API int tss_frost_signing_commitments_to_json(char *out, size_t out_cap, size_t *out_len,
                                                  const tss_frost_signing_commitments *c)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 4);
TSS_API int tss_frost_signing_commitments_from_json(tss_frost_signing_commitments *c, const char *json, size_t json_len)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 2);

TSS_API int tss_frost_signing_package_to_json(char *out, size_t out_cap, size_t *out_len,
                                              const tss_frost_signing_package *pkg)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 4);
TSS_API int tss_frost_signing_package_from_json(tss_frost_signing_package *pkg,
                                                tss_frost_signing_commitments *commitments_buf, uint32_t commitments_cap,
                                                uint8_t *message_buf, size_t message_cap, const char *json,
                                                size_t json_len) TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 6);

TSS_API int tss_frost_signature_share_to_json(char *out, size_t out_cap, size_t *out_len,
                                              const tss_frost_signature_share *share)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 4);
TSS_API int tss_frost_signature_share_from_json(tss_frost_signature_share *share, const char *json, size_t json_len)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 2);

TSS_API int tss_frost_signature_to_json(char *out, size_t out_cap, size_t *out_len, const tss_frost_signature *sig)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 4);
TSS_API int tss_frost_signature_from_json(tss_frost_signature *sig, const char *json, size_t json_len)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 2);

#ifdef __cplusplus
}
#endif
#endif
