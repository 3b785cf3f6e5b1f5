/* tss: FROST(Ed25519, SHA-512) distributed key generation and share maintenance (refresh, repair, reshare),
 * byte-compatible with the Zcash Foundation's frost-core / frost-ed25519 (keys::dkg, keys::refresh,
 * keys::repairable). Types shared with signing (identifiers, key packages, public key packages) are in
 * tss/frost.h; the conventions there apply (caller-allocated structs, caller storage for variable-length
 * parts, tss_status results, t = "t signers suffice", 1 <= t <= n <= TSS_FROST_MAX_SIGNERS).
 *
 * Scratch: the protocol steps that handle n packages take caller scratch (16-byte aligned is enough) of at
 * least tss_frost_keygen_scratch_size(n, t) bytes (TSS_ERR_CAPACITY if smaller); they never allocate.
 * The parts of the scratch that hold secrets during a call are wiped before it returns.
 *
 * Culprits: a step that finds misbehaving senders returns TSS_ERR_CULPRIT, sets *n_culprits to their number
 * and writes the first min(that, culprits_cap) identifiers (ascending) to culprits (which may be NULL when
 * culprits_cap is 0; n_culprits may be NULL). A sender is a culprit for: a commitment of the wrong length,
 * a point or scalar that does not decode (non-canonical, or the identity), a proof of knowledge that does
 * not verify, a share that does not match its commitment, or a commitment coefficient with a small-order
 * component that survives summation (see below). Every culprit is named, never "all senders".
 *
 * Points received in packages must be canonical and not the identity (as frost-ed25519 decodes them). The
 * prime-order check frost-ed25519 applies to every element is done on the sums instead (the t summed
 * coefficients, hence the group key and every verifying share, are checked to have prime order; only if a
 * sum fails is each sender's coefficient checked, to name the culprits), and proofs of knowledge are
 * verified cofactored, in one batch with random weights (then individually only if the batch fails). Honest
 * transcripts give exactly frost-core's results.
 *
 * ---- DKG (frost-core keys::dkg, the FROST paper's KeyGen) ----
 *   part 1 (each i):  random a_i0..a_i(t-1); commitment φ_ik = [a_ik]B; proof of knowledge of a_i0:
 *                     k random, R = [k]B, c = SHA-512("FROST-ED25519-SHA512-v1" ‖ "dkg" ‖ id ‖ φ_i0 ‖ R) mod L,
 *                     μ = k + a_i0·c. Broadcast the round-1 package (commitment, (R, μ)); keep the secret package.
 *   part 2 (each i):  given the n-1 others' round-1 packages: check lengths and proofs, then send each peer ℓ
 *                     the round-2 package f_i(ℓ) over a confidential authenticated channel.
 *   part 3 (each i):  given the n-1 round-1 packages again and the n-1 round-2 packages addressed to i:
 *                     s_i = Σ_j f_j(i); checked in one aggregate equation [s_i]B == Σ_k [i^k](Σ_j φ_jk),
 *                     which is exactly the correctness of the final share; only on failure is each sender's
 *                     share checked to name culprits. Outputs the key package and the public key package
 *                     (group key Σ_j φ_j0, verifying shares Y_x = Σ_k [x^k](Σ_j φ_jk) for every participant).
 *
 * ---- Refresh (frost-core keys::refresh, refresh_dkg_*): same group key, same t, same participants ----
 *   As the DKG with a_i0 = 0: the round-1 commitment carries only φ_i1..φ_i(t-1) (t-1 points; frost-core
 *   drops the identity), shares are checked against the commitment with the identity put back, and the
 *   new share is old share + Σ_j f_j(i); verifying shares move by the same sums. Old shares no longer combine
 *   with new ones. The proof-of-knowledge field is filled as frost-core fills it (a proof for the zero
 *   constant term, R = [k]B, μ = k) and, as in frost-core, not verified: the constant term is fixed to zero
 *   by construction, so there is no rogue key to prevent. All n participants must take part.
 *
 * ---- Repair (frost-core keys::repairable, the RTS of eprint 2017/1155) ----
 *   A participant r who lost its share asks >= t helpers. Helper i splits ζ_i·s_i (ζ_i the Lagrange
 *   coefficient of i over the helper set, evaluated at r) into one random δ per helper (step 1); each helper
 *   sums the δ it received into σ (step 2) and sends σ to r, who sums the σ into s_r (step 3) and checks
 *   [s_r]B against its verifying share in the public key package.
 *
 * ---- Reshare: new participant set, new threshold t', same group key ----
 *   Old holders S (|S| >= t, identifiers of the old key) each deal (tss_frost_reshare_deal): w_i = λ_i·s_i
 *   with λ_i the Lagrange coefficient at 0 over S, a random polynomial h_i of degree t'-1 with h_i(0) = w_i,
 *   commitment H_ik = [h_ik]B (a round-1 package with t' points and no proof), and h_i(x) for every new
 *   participant x (round-2 packages). Each new participant x (tss_frost_reshare_finish) checks
 *   [Σ_i h_i(x)]B == Σ_k [x^k](Σ_i H_ik) in aggregate (per sender only on failure), and Σ_i H_i0 == the old
 *   group key (if not, the senders whose H_i0 != [λ_i]Y_i are named from the old public key package), then
 *   s'_x = Σ_i h_i(x); Y'_y = Σ_k [y^k](Σ_i H_ik) for every new participant y. Old shares and new shares are
 *   unrelated polynomials; old holders should delete their shares afterwards.
 */
#ifndef TSS_FROST_KEYGEN_H
#define TSS_FROST_KEYGEN_H

#include <stddef.h>
#include <stdint.h>
#include "tss/common.h"
#include "tss/frost.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A scalar (32-byte canonical little endian): polynomial coefficients (SECRET), repair deltas and sigmas
 * (SECRET). */
typedef struct tss_frost_scalar {
    uint8_t bytes[32];
} tss_frost_scalar;

/* Round-1 package (frost-core dkg::round1::Package), broadcast: the sender's VSS commitment and proof of
 * knowledge. `commitment` is caller storage for `capacity` points; `n_commitments` are in use
 * (t for DKG and reshare, t-1 for refresh). */
typedef struct tss_frost_dkg_round1_package {
    uint8_t version;                      /* TSS_FROST_VERSION */
    tss_frost_identifier identifier;      /* sender */
    uint32_t n_commitments;
    uint32_t capacity;
    tss_frost_element *commitment;
    uint8_t proof_of_knowledge[64];       /* R ‖ μ (zero in reshare packages) */
} tss_frost_dkg_round1_package;

/* Round-2 package (frost-core dkg::round2::Package), sent to one recipient over a confidential,
 * authenticated channel. SECRET. */
typedef struct tss_frost_dkg_round2_package {
    uint8_t version;                      /* TSS_FROST_VERSION */
    tss_frost_identifier sender;
    tss_frost_identifier recipient;
    tss_frost_signing_share signing_share;  /* f_sender(recipient) */
} tss_frost_dkg_round2_package;

/* The state a participant keeps between the DKG (or refresh) parts (frost-core round1/round2
 * SecretPackage). SECRET: wipe with tss_frost_dkg_secret_package_clear. Coefficient and commitment storage
 * (`capacity` entries each) is the caller's. */
typedef struct tss_frost_dkg_secret_package {
    uint8_t version;                      /* TSS_FROST_VERSION */
    uint8_t state;                        /* internal: which part comes next */
    uint8_t refresh;                      /* 1 for a refresh (a_0 = 0, commitment without φ_0) */
    tss_frost_identifier identifier;
    uint32_t min_signers;                 /* t */
    uint32_t max_signers;                 /* n */
    uint32_t capacity;
    uint32_t n_commitments;
    tss_frost_scalar *coefficients;       /* a_0..a_(t-1); wiped by part 2 */
    tss_frost_element *commitment;        /* own commitment, as broadcast */
    tss_frost_signing_share own_share;    /* f_i(i), set by part 2 */
} tss_frost_dkg_secret_package;

/* Binds caller storage (capacity >= t entries each). */
TSS_API int tss_frost_dkg_round1_package_init(tss_frost_dkg_round1_package *pkg, tss_frost_element *commitment,
                                              uint32_t capacity);
TSS_API int tss_frost_dkg_secret_package_init(tss_frost_dkg_secret_package *sp, tss_frost_scalar *coefficients,
                                              tss_frost_element *commitment, uint32_t capacity);
/* Wipes every secret of the package (coefficients, own share) and its state. */
TSS_API void tss_frost_dkg_secret_package_clear(tss_frost_dkg_secret_package *sp);

/* Bytes of scratch any step below needs for n participants and threshold t (use the larger of the old and
 * new n and t for reshare). */
TSS_API size_t tss_frost_keygen_scratch_size(uint32_t n, uint32_t t);

/* ---- DKG ---- */

/* Part 1 for participant `id` of n with threshold t. TSS_ERR_INVALID_ARG (t, n out of range or storage
 * smaller than t), TSS_ERR_ZERO_ID / TSS_ERR_ENCODING (bad identifier). */
TSS_API int tss_frost_dkg_part1(tss_frost_dkg_secret_package *sp, tss_frost_dkg_round1_package *pkg,
                                const tss_frost_identifier *id, uint32_t n, uint32_t t) TSS_WARN_UNUSED_RESULT;

/* TEST ONLY (vectors): part 1 with given coefficients a_0..a_(t-1) and proof nonce k (canonical scalars,
 * which must be uniformly random and never reused in real use). */
TSS_API int tss_frost_dkg_part1_with_coefficients(tss_frost_dkg_secret_package *sp, tss_frost_dkg_round1_package *pkg,
                                                  const tss_frost_identifier *id, uint32_t n, uint32_t t,
                                                  const tss_frost_scalar *coefficients, const tss_frost_scalar *nonce)
    TSS_WARN_UNUSED_RESULT;

/* Checks the proof of knowledge of one round-1 package (cofactored): TSS_OK, TSS_ERR_VERIFY, TSS_ERR_ENCODING. */
TSS_API int tss_frost_dkg_verify_proof_of_knowledge(const tss_frost_dkg_round1_package *pkg)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1);

/* Part 2: round1_packages are the n-1 other participants' packages (any order). Writes n-1 round-2 packages
 * to round2_out, round2_out[k] for the sender of round1_packages[k]. TSS_ERR_NOT_ENOUGH if the count is not
 * n-1, TSS_ERR_DUPLICATE (repeated sender, or the own identifier), TSS_ERR_ZERO_ID / TSS_ERR_ENCODING (bad
 * sender identifier), TSS_ERR_CULPRIT (wrong commitment length, undecodable proof or φ_0, invalid proof),
 * TSS_ERR_STATE (part 1 not done). On success the coefficients are wiped. */
TSS_API int tss_frost_dkg_part2(tss_frost_dkg_secret_package *sp, tss_frost_dkg_round2_package *round2_out,
                                const tss_frost_dkg_round1_package *round1_packages, size_t n_round1,
                                void *scratch, size_t scratch_len,
                                tss_frost_identifier *culprits, size_t culprits_cap, size_t *n_culprits)
    TSS_WARN_UNUSED_RESULT;

/* Part 3: the same n-1 round-1 packages and the n-1 round-2 packages addressed to this participant (any
 * order; one per round-1 sender, else TSS_ERR_NOT_FOUND / TSS_ERR_NOT_ENOUGH / TSS_ERR_DUPLICATE).
 * pkp must be initialised with capacity >= n (TSS_ERR_CAPACITY). TSS_ERR_CULPRIT names senders of bad
 * shares, wrong-length or undecodable commitments. */
TSS_API int tss_frost_dkg_part3(tss_frost_key_package *kp, tss_frost_public_key_package *pkp,
                                const tss_frost_dkg_secret_package *sp,
                                const tss_frost_dkg_round1_package *round1_packages, size_t n_round1,
                                const tss_frost_dkg_round2_package *round2_packages, size_t n_round2,
                                void *scratch, size_t scratch_len,
                                tss_frost_identifier *culprits, size_t culprits_cap, size_t *n_culprits)
    TSS_WARN_UNUSED_RESULT;

/* ---- Refresh (all n participants of the key take part; same t) ---- */

/* Part 1: kp is this participant's current key package; n the number of participants. */
TSS_API int tss_frost_refresh_part1(tss_frost_dkg_secret_package *sp, tss_frost_dkg_round1_package *pkg,
                                    const tss_frost_key_package *kp, uint32_t n) TSS_WARN_UNUSED_RESULT;
/* Part 2: as tss_frost_dkg_part2 (commitments must have t-1 points; proofs are not checked). */
TSS_API int tss_frost_refresh_part2(tss_frost_dkg_secret_package *sp, tss_frost_dkg_round2_package *round2_out,
                                    const tss_frost_dkg_round1_package *round1_packages, size_t n_round1,
                                    void *scratch, size_t scratch_len,
                                    tss_frost_identifier *culprits, size_t culprits_cap, size_t *n_culprits)
    TSS_WARN_UNUSED_RESULT;
/* Part 3: new_kp / new_pkp from old_kp / old_pkp (the old public key package must list exactly the n
 * participants: TSS_ERR_NOT_FOUND otherwise). new_pkp needs capacity >= n and must not alias old_pkp's
 * storage. */
TSS_API int tss_frost_refresh_part3(tss_frost_key_package *new_kp, tss_frost_public_key_package *new_pkp,
                                    const tss_frost_dkg_secret_package *sp,
                                    const tss_frost_dkg_round1_package *round1_packages, size_t n_round1,
                                    const tss_frost_dkg_round2_package *round2_packages, size_t n_round2,
                                    const tss_frost_key_package *old_kp, const tss_frost_public_key_package *old_pkp,
                                    void *scratch, size_t scratch_len,
                                    tss_frost_identifier *culprits, size_t culprits_cap, size_t *n_culprits)
    TSS_WARN_UNUSED_RESULT;

/* ---- Repair (frost-core repair_share_part1/2/3) ---- */

/* Step 1 (helper kp): deltas[k] goes to helpers[k] (n_helpers >= max(t, 1) distinct identifiers including
 * kp's, not including `participant`). The numerically largest helper's delta is the remainder, as in
 * frost-core. TSS_ERR_NOT_ENOUGH, TSS_ERR_DUPLICATE, TSS_ERR_NOT_FOUND (kp not among helpers),
 * TSS_ERR_INVALID_ARG (participant among helpers). deltas are SECRET. */
TSS_API int tss_frost_repair_step1(tss_frost_scalar *deltas, const tss_frost_identifier *helpers, size_t n_helpers,
                                   const tss_frost_key_package *kp, const tss_frost_identifier *participant)
    TSS_WARN_UNUSED_RESULT;
/* Step 2: sigma = Σ deltas (one from each helper). TSS_ERR_ENCODING for a non-canonical delta. */
TSS_API int tss_frost_repair_step2(tss_frost_scalar *sigma, const tss_frost_scalar *deltas, size_t n_deltas)
    TSS_WARN_UNUSED_RESULT;
/* Step 3: the share is Σ sigmas; kp gets the verifying key and t of pkp. TSS_ERR_VERIFY if pkp lists the
 * participant and its verifying share differs from [share]B (wrong or missing sigmas). */
TSS_API int tss_frost_repair_step3(tss_frost_key_package *kp, const tss_frost_scalar *sigmas, size_t n_sigmas,
                                   const tss_frost_identifier *participant, const tss_frost_public_key_package *pkp)
    TSS_WARN_UNUSED_RESULT;

/* ---- Reshare (protocol above) ---- */

/* Old holder kp (one of old_signers, |old_signers| >= kp's t, distinct) deals to n_new new participants with
 * threshold t_new: pkg (capacity >= t_new) gets the commitment, round2_out[k] the share for new_ids[k]. */
TSS_API int tss_frost_reshare_deal(tss_frost_dkg_round1_package *pkg, tss_frost_dkg_round2_package *round2_out,
                                   const tss_frost_key_package *kp, const tss_frost_identifier *old_signers,
                                   size_t n_old_signers, const tss_frost_identifier *new_ids, uint32_t n_new,
                                   uint32_t t_new, void *scratch, size_t scratch_len) TSS_WARN_UNUSED_RESULT;

/* New participant `id` (one of new_ids) combines one round-1 package and one round-2 package from each old
 * signer (any order) into its key package and the new public key package (capacity >= n_new). old_pkp is the
 * old key's public key package (for the group key and, on failure, to name culprits). */
TSS_API int tss_frost_reshare_finish(tss_frost_key_package *kp, tss_frost_public_key_package *pkp,
                                     const tss_frost_identifier *id, const tss_frost_identifier *new_ids, uint32_t n_new,
                                     uint32_t t_new, const tss_frost_public_key_package *old_pkp,
                                     const tss_frost_identifier *old_signers, size_t n_old_signers,
                                     const tss_frost_dkg_round1_package *round1_packages,
                                     const tss_frost_dkg_round2_package *round2_packages, size_t n_packages,
                                     void *scratch, size_t scratch_len,
                                     tss_frost_identifier *culprits, size_t culprits_cap, size_t *n_culprits)
    TSS_WARN_UNUSED_RESULT;

/* ---------------------------------------------------------------------------------------------
 * Serialization of the key generation packages (the conventions of tss/frost.h's serialization
 * section: byte 0 = TSS_FROST_VERSION, byte 1 = the kind tag, fixed-size fields, counts u32 little
 * endian; exact lengths, canonical scalars and identifiers, else TSS_ERR_ENCODING).
 * Commitment points are checked canonical and not the identity, as the protocol steps check them; the
 * prime-order check is part 3's (done on the sums, naming the culprit), so a decoded package is exactly
 * what part 2 / part 3 accept or blame on its sender. Commitments hold at most TSS_FROST_MAX_SIGNERS
 * points. Reshare packages carry an all-zero proof, which decodes.
 * Variable-length parts go to the caller storage bound by *_init; TSS_ERR_CAPACITY if it is too small
 * (the *_peek functions read the sizes first, without validating anything else).
 * The round-2 package and the secret package are SECRET: store or send them only encrypted, wipe the
 * encodings after use.
 * ------------------------------------------------------------------------------------------- */

#define TSS_FROST_TAG_DKG_ROUND1_PACKAGE 0x10
#define TSS_FROST_TAG_DKG_ROUND2_PACKAGE 0x11
#define TSS_FROST_TAG_DKG_SECRET_PACKAGE 0x12

/* ver, tag, sender id, n_commitments u32, n_commitments points, proof of knowledge (R ‖ μ) */
#define TSS_FROST_DKG_ROUND1_PACKAGE_BYTES(n_commitments) (2 + 32 + 4 + (size_t)(n_commitments) * 32 + 64)
/* ver, tag, sender id, recipient id, signing share */
#define TSS_FROST_DKG_ROUND2_PACKAGE_BYTES (2 + 3 * 32)
/* ver, tag, state u8 (1: after part 1, 2: after part 2), refresh u8, id, min_signers u32, max_signers u32,
 * n_commitments u32 (t, or t-1 for refresh), t coefficients (zero after part 2), n_commitments points,
 * own share (zero after part 1) */
#define TSS_FROST_DKG_SECRET_PACKAGE_BYTES(t, n_commitments) \
    (2 + 2 + 32 + 3 * 4 + (size_t)(t) * 32 + (size_t)(n_commitments) * 32 + 32)

/* n_commitments of an encoded round-1 package (header and length checked), to size its storage. */
TSS_API int tss_frost_dkg_round1_package_peek(uint32_t *n_commitments, const uint8_t *in, size_t in_len)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 2);
TSS_API int tss_frost_dkg_round1_package_serialize(uint8_t *out, size_t out_cap, size_t *out_len,
                                                   const tss_frost_dkg_round1_package *pkg)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 3, 4);
/* pkg initialised (tss_frost_dkg_round1_package_init); TSS_ERR_CAPACITY if n_commitments > capacity. */
TSS_API int tss_frost_dkg_round1_package_deserialize(tss_frost_dkg_round1_package *pkg, const uint8_t *in, size_t in_len)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 2);

TSS_API int tss_frost_dkg_round2_package_serialize(uint8_t *out, size_t out_cap, size_t *out_len,
                                                   const tss_frost_dkg_round2_package *pkg)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 3, 4);
/* Sender and recipient must differ. */
TSS_API int tss_frost_dkg_round2_package_deserialize(tss_frost_dkg_round2_package *pkg, const uint8_t *in, size_t in_len)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 2);

/* min_signers (the coefficient storage needed) of an encoded secret package. */
TSS_API int tss_frost_dkg_secret_package_peek(uint32_t *min_signers, const uint8_t *in, size_t in_len)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 2);
/* A secret package after part 1 or part 2 (DKG or refresh); TSS_ERR_STATE for an empty/cleared one. */
TSS_API int tss_frost_dkg_secret_package_serialize(uint8_t *out, size_t out_cap, size_t *out_len,
                                                   const tss_frost_dkg_secret_package *sp)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 3, 4);
/* sp initialised (tss_frost_dkg_secret_package_init, capacity >= t: TSS_ERR_CAPACITY). Also checks the
 * package is internally consistent: after part 1 the commitment is [a_k]B (a_0 = 0 for refresh); after
 * part 2 the coefficients are gone and [own share]B = Σ_k [id^k]φ_k (TSS_ERR_ENCODING otherwise). The
 * restored package continues with part 2 / part 3 as if it had never left memory. */
TSS_API int tss_frost_dkg_secret_package_deserialize(tss_frost_dkg_secret_package *sp, const uint8_t *in, size_t in_len)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 2);

/* JSON (same conventions as tss/frost.h's JSON section; frost-core serde names; H = lowercase hex):
 *   round 1:   {"version":1,"identifier":ID,"commitment":[H,...],"proof_of_knowledge":H}
 *              (input also accepts "vss_commitments" for "commitment", as in vectors_dkg.json, and ignores
 *              unknown fields; a frost-core "header" object, if present, must name our ciphersuite)
 *   round 2:   {"version":1,"sender":ID,"recipient":ID,"signing_share":H}                          SECRET
 *   secret:    {"version":1,"type":T,"identifier":ID,"min_signers":t,"max_signers":n,
 *               "coefficients":[H,...],"commitment":[H,...]}          T = "dkg_round1_secret" or
 *                                                                      "refresh_round1_secret"     SECRET
 *              {"version":1,"type":T,"identifier":ID,"min_signers":t,"max_signers":n,
 *               "commitment":[H,...],"signing_share":H}               T = "dkg_round2_secret" or
 *                                                                      "refresh_round2_secret"     SECRET
 *              (after part 1 "commitment" may be omitted on input: it is recomputed from the coefficients;
 *              refresh coefficients list a_0 = 0 too, t entries; the commitment lists t-1 points) */
TSS_API int tss_frost_dkg_round1_package_peek_json(uint32_t *n_commitments, const char *json, size_t json_len)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 2);
TSS_API int tss_frost_dkg_round1_package_to_json(char *out, size_t out_cap, size_t *out_len,
                                                 const tss_frost_dkg_round1_package *pkg)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 4);
TSS_API int tss_frost_dkg_round1_package_from_json(tss_frost_dkg_round1_package *pkg, const char *json, size_t json_len)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 2);

TSS_API int tss_frost_dkg_round2_package_to_json(char *out, size_t out_cap, size_t *out_len,
                                                 const tss_frost_dkg_round2_package *pkg)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 4);
TSS_API int tss_frost_dkg_round2_package_from_json(tss_frost_dkg_round2_package *pkg, const char *json, size_t json_len)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 2);

TSS_API int tss_frost_dkg_secret_package_peek_json(uint32_t *min_signers, const char *json, size_t json_len)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 2);
TSS_API int tss_frost_dkg_secret_package_to_json(char *out, size_t out_cap, size_t *out_len,
                                                 const tss_frost_dkg_secret_package *sp)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 4);
TSS_API int tss_frost_dkg_secret_package_from_json(tss_frost_dkg_secret_package *sp, const char *json, size_t json_len)
    TSS_WARN_UNUSED_RESULT TSS_ARG_NONNULL(1, 2);

/* Output sizes (bytes, including the NUL) that always suffice for *_to_json. */
#define TSS_FROST_DKG_ROUND1_PACKAGE_JSON_MAX(n_commitments) (384 + (size_t)(n_commitments) * 67)
#define TSS_FROST_DKG_ROUND2_PACKAGE_JSON_MAX 320
#define TSS_FROST_DKG_SECRET_PACKAGE_JSON_MAX(t) (512 + (size_t)(t) * 2 * 67)

#ifdef __cplusplus
}
#endif
#endif
