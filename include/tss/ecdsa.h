/* tss: threshold ECDSA on secp256k1 — DKLs23 (Doerner, Kondi, Lee, shelat, "Threshold ECDSA in Three Rounds",
 * IEEE S&P 2024, eprint 2023/765): any t-of-n, dishonest majority, no Paillier.
 *
 * Conventions (as tss/frost.h):
 *  - Every object is a fixed-size struct the caller allocates; nothing here calls malloc. Functions return a
 *    tss_status (0 = TSS_OK). t always means "t signers suffice": 2 <= t <= n <= TSS_ECDSA_MAX_PARTIES.
 *  - Parties are numbered 1..n (the share of party i is f(i)); every party list is strictly ascending, with
 *    no duplicates (TSS_ERR_DUPLICATE) and no zero (TSS_ERR_ZERO_ID).
 *  - Scalars are 32-byte big-endian canonical (< n); points are 33-byte compressed SEC1 encodings, which
 *    excludes the identity; anything else is TSS_ERR_ENCODING.
 *  - Sans-I/O: each round function takes the messages of the previous round and writes this round's
 *    messages, one per recipient (or one broadcast), into caller memory. The caller carries them (for the
 *    node: signed envelopes; messages marked SECRET must also be encrypted to their recipient) and must
 *    deliver the same broadcast to everyone (consistent broadcast). Each message names its session, sender
 *    and recipient; a message for another session or party is TSS_ERR_SESSION.
 *  - A failed check names the party responsible in *culprit (0 if none can be named) with a specific code:
 *    TSS_ERR_COMMITMENT, TSS_ERR_PROOF, TSS_ERR_SHARE, TSS_ERR_BASE_OT, TSS_ERR_ENCODING (a point or scalar
 *    that does not decode), TSS_ERR_OT_CONSISTENCY and TSS_ERR_RVOLE. The last two mean the culprit tried
 *    a selective-failure attack on the pairwise OT correlation: the caller must BAN it for this key
 *    (tss_ecdsa_status_bans) and never run another session with it on this key.
 *  - Secret structs (SECRET below) are wiped by the functions that consume them or with tss_ecdsa_wipe.
 *
 * Flow:
 *   DKG (all n):      tss_ecdsa_dkg_round1 -> bcast1 + p2p1[n-1]; _round2(bcast1s, p2p1s) -> bcast2 + p2p2[n-1]
 *                     (SECRET); _finish(bcast2s, p2p2s) -> key share + one pair setup per counterparty.
 *   Presign (t signers, no message):
 *                     tss_ecdsa_presign_round1 -> msg1[t-1]; _round2(msg1s) -> msg2[t-1];
 *                     _finish(msg2s) -> presignature (SECRET, single use).
 *   Online:           tss_ecdsa_sign_online(presignature, 32-byte digest) -> signature share (64 bytes of
 *                     payload, broadcast to the combiner); the presignature is wiped, a wiped one is refused
 *                     with TSS_ERR_PRESIG_USED. tss_ecdsa_combine(shares) -> (r, s, v), low-S, verified by
 *                     recovering the group key with libsecp256k1 before it is returned.
 */
#ifndef TSS_ECDSA_H
#define TSS_ECDSA_H

#include <stddef.h>
#include <stdint.h>
#include "tss/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TSS_ECDSA_VERSION 1
#define TSS_ECDSA_MAX_PARTIES 16
#define TSS_ECDSA_SID_BYTES 32

/* Sizes fixed by the protocol (KOS with κ = 128, 416 = 256 + 2·80 OTs of 4 scalars per multiplication). */
#define TSS_ECDSA_OT_KAPPA 128
#define TSS_ECDSA_OT_COUNT 416
#define TSS_ECDSA_OTE_ROW_BYTES 76

/* ---------------------------------------------------------------------------------------------
 * Keys
 * ------------------------------------------------------------------------------------------- */

/* One party's share of a key. SECRET (secret_share, zero_seeds). */
typedef struct tss_ecdsa_key_share {
    uint32_t version;                            /* TSS_ECDSA_VERSION */
    uint32_t index;                              /* this party, 1..n */
    uint32_t t, n;
    uint32_t epoch;                              /* 0 after DKG, +1 per refresh */
    uint8_t key_id[32];                          /* binds pair setups and sessions to this key and epoch */
    uint8_t group_key[33];                       /* Q = x·G */
    uint8_t public_shares[TSS_ECDSA_MAX_PARTIES][33]; /* X_j = f(j)·G for party j at [j-1] */
    uint8_t secret_share[32];                    /* f(index) */
    uint8_t zero_seeds[TSS_ECDSA_MAX_PARTIES][32];    /* seed shared with party j at [j-1] (zero for self) */
} tss_ecdsa_key_share;

/* The pairwise OT setup of a party with one counterparty (both directions). SECRET. */
typedef struct tss_ecdsa_pair {
    uint32_t version;
    uint32_t self, peer;
    uint8_t key_id[32];
    uint8_t delta[TSS_ECDSA_OT_KAPPA / 8];                     /* as OT-extension sender: Δ */
    uint8_t sender_seeds[TSS_ECDSA_OT_KAPPA][16];              /* the base-OT keys Δ chose */
    uint8_t receiver_seeds[TSS_ECDSA_OT_KAPPA][2][16];         /* as OT-extension receiver: both keys */
} tss_ecdsa_pair;

/* ---------------------------------------------------------------------------------------------
 * DKG: Feldman VSS with commitments opened after all are in, Schnorr proofs of knowledge, zero-share
 * seeds and the pairwise base OTs (one batch of 128 in each direction).
 * ------------------------------------------------------------------------------------------- */

/* Round 1 broadcast: a commitment to the sender's VSS commitment and proof. */
typedef struct tss_ecdsa_dkg_bcast1 {
    uint32_t from;
    uint8_t session_id[32];
    uint8_t commitment[32];
} tss_ecdsa_dkg_bcast1;

/* Round 1 to one recipient: the base-OT sender message (A and a proof of knowledge of its discrete log). */
typedef struct tss_ecdsa_dkg_p2p1 {
    uint32_t from, to;
    uint8_t session_id[32];
    uint8_t ot_A[33];
    uint8_t ot_proof_R[33];
    uint8_t ot_proof_z[32];
} tss_ecdsa_dkg_p2p1;

/* Round 2 broadcast: the opening (VSS commitment of t points, proof of knowledge of the constant term). */
typedef struct tss_ecdsa_dkg_bcast2 {
    uint32_t from;
    uint8_t session_id[32];
    uint32_t t;
    uint8_t vss[TSS_ECDSA_MAX_PARTIES][33];
    uint8_t proof_R[33];
    uint8_t proof_z[32];
    uint8_t salt[32];
} tss_ecdsa_dkg_bcast2;

/* Round 2 to one recipient. SECRET (share, zero-seed part): encrypt to the recipient. */
typedef struct tss_ecdsa_dkg_p2p2 {
    uint32_t from, to;
    uint8_t session_id[32];
    uint8_t share[32];                           /* f_from(to) */
    uint8_t zero_seed_part[32];
    uint8_t ot_B[TSS_ECDSA_OT_KAPPA][33];        /* base-OT receiver message */
} tss_ecdsa_dkg_p2p2;

/* A party's DKG state between rounds. SECRET. */
typedef struct tss_ecdsa_dkg_state {
    uint32_t state;
    uint32_t index, t, n;
    uint32_t refresh;                            /* 1: refresh of an existing key (f(0) = 0) */
    uint8_t session_id[32];
    uint8_t coeffs[TSS_ECDSA_MAX_PARTIES][32];
    uint8_t salt[32];
    uint8_t commitments[TSS_ECDSA_MAX_PARTIES][32];  /* round-1 commitments received, by sender */
    uint8_t ot_a[TSS_ECDSA_MAX_PARTIES][32];         /* base-OT sender secret per peer */
    uint8_t ot_A[TSS_ECDSA_MAX_PARTIES][33];
    uint8_t zero_part[TSS_ECDSA_MAX_PARTIES][32];    /* our zero-seed contribution per peer */
    uint8_t delta[TSS_ECDSA_MAX_PARTIES][TSS_ECDSA_OT_KAPPA / 8];
    uint8_t recv_keys[TSS_ECDSA_MAX_PARTIES][TSS_ECDSA_OT_KAPPA][16];
    tss_ecdsa_key_share old;                     /* refresh: the share being refreshed */
} tss_ecdsa_dkg_state;

/* Round 1 for party `index` of n with threshold t and a session id unique to this DKG (all parties use
 * the same). Writes bcast and p2p[k] for the k-th other party in ascending order (n-1 entries). */
TSS_API int tss_ecdsa_dkg_round1(tss_ecdsa_dkg_state *st, tss_ecdsa_dkg_bcast1 *bcast, tss_ecdsa_dkg_p2p1 *p2p,
                         const uint8_t session_id[32], uint32_t index, uint32_t n, uint32_t t) TSS_WARN_UNUSED_RESULT;
/* Round 2: the n-1 other parties' round-1 messages (any order; p2p1 addressed to us). */
TSS_API int tss_ecdsa_dkg_round2(tss_ecdsa_dkg_state *st, tss_ecdsa_dkg_bcast2 *bcast, tss_ecdsa_dkg_p2p2 *p2p,
                         const tss_ecdsa_dkg_bcast1 *in_bcast, const tss_ecdsa_dkg_p2p1 *in_p2p, size_t n_in,
                         uint32_t *culprit) TSS_WARN_UNUSED_RESULT;
/* Finish: the n-1 round-2 messages. Writes the key share and pairs[k] for the k-th other party (n-1). The
 * state is wiped whatever the result. */
TSS_API int tss_ecdsa_dkg_finish(tss_ecdsa_dkg_state *st, tss_ecdsa_key_share *share, tss_ecdsa_pair *pairs,
                         const tss_ecdsa_dkg_bcast2 *in_bcast, const tss_ecdsa_dkg_p2p2 *in_p2p, size_t n_in,
                         uint32_t *culprit) TSS_WARN_UNUSED_RESULT;

/* Refresh (same key, same parties, all n take part): the DKG with f_i(0) = 0, fresh zero seeds and fresh
 * base OTs; the new key share has the same group key, a new epoch and key_id, and shares and pairs of the
 * old epoch no longer combine with the new ones. Rounds as the DKG; round 1 takes the old share. */
TSS_API int tss_ecdsa_refresh_round1(tss_ecdsa_dkg_state *st, tss_ecdsa_dkg_bcast1 *bcast, tss_ecdsa_dkg_p2p1 *p2p,
                             const uint8_t session_id[32], const tss_ecdsa_key_share *old) TSS_WARN_UNUSED_RESULT;

/* Reshare (same key, new parties 1..n' and/or new threshold t'): deal + receive + refresh.
 *   1. Each old holder i in a set D of >= t old parties deals w_i = λ_i·s_i (λ_i over D): a random polynomial
 *      h_i of degree t'-1 with h_i(0) = w_i; broadcast H_ik = h_ik·G; h_i(j) to each new party j (SECRET).
 *   2. Each new party j (tss_ecdsa_reshare_receive) checks every share against its commitment, every
 *      H_i0 against λ_i·X_i of the old key (naming the dealer), Σ H_i0 == the group key, and obtains a
 *      provisional share s'_j = Σ_i h_i(j) with public shares Σ_k j^k Σ_i H_ik (no pair setups yet).
 *   3. The new parties run a refresh (tss_ecdsa_refresh_round1 with the provisional share, then
 *      tss_ecdsa_dkg_round2 and _finish): fresh base OTs, zero seeds and re-randomized shares.
 * A party that is both an old holder and a new party plays both roles with its two indices. Old shares and
 * new shares lie on unrelated polynomials; old holders should delete their shares afterwards. */
typedef struct tss_ecdsa_reshare_bcast {
    uint32_t from;                               /* old index of the dealer */
    uint8_t session_id[32];
    uint32_t new_t, new_n;
    uint8_t vss[TSS_ECDSA_MAX_PARTIES][33];      /* H_i0 .. H_i(t'-1) */
} tss_ecdsa_reshare_bcast;

typedef struct tss_ecdsa_reshare_p2p {
    uint32_t from, to;                           /* old index of the dealer, new index of the recipient */
    uint8_t session_id[32];
    uint8_t share[32];                           /* h_from(to). SECRET */
} tss_ecdsa_reshare_p2p;

/* Old holder: dealers is the ascending set D (including old->index); writes bcast and p2p[j-1] for new
 * parties j = 1..new_n. */
TSS_API int tss_ecdsa_reshare_deal(tss_ecdsa_reshare_bcast *bcast, tss_ecdsa_reshare_p2p *p2p, const tss_ecdsa_key_share *old,
                           const uint32_t *dealers, uint32_t n_dealers, uint32_t new_n, uint32_t new_t,
                           const uint8_t session_id[32]) TSS_WARN_UNUSED_RESULT;
/* New party `index`: old_public is any key share of the old key (only its public fields are read: a new
 * member may pass one with the secrets zeroed); the n_dealers broadcasts and the shares addressed to it.
 * Writes the provisional share (SECRET, epoch = old epoch + 1) to be refreshed. */
TSS_API int tss_ecdsa_reshare_receive(tss_ecdsa_key_share *provisional, const tss_ecdsa_key_share *old_public,
                              const uint32_t *dealers, uint32_t n_dealers, const tss_ecdsa_reshare_bcast *bcasts,
                              const tss_ecdsa_reshare_p2p *shares, size_t n_in, uint32_t index, uint32_t new_n,
                              uint32_t new_t, const uint8_t session_id[32], uint32_t *culprit) TSS_WARN_UNUSED_RESULT;

/* ---------------------------------------------------------------------------------------------
 * Presign (DKLs23 rounds 1-2; message independent)
 * ------------------------------------------------------------------------------------------- */

/* Round 1 to one counterparty: commitment to R_i, and the OT-extension message of the multiplication in
 * which we are the receiver. */
typedef struct tss_ecdsa_presign_msg1 {
    uint32_t from, to;
    uint8_t session_id[32];
    uint8_t key_id[32];                          /* the key and epoch the sender signs with */
    uint8_t commitment[32];
    uint8_t ote_u[TSS_ECDSA_OT_KAPPA][TSS_ECDSA_OTE_ROW_BYTES];
    uint8_t ote_check_x[16];
    uint8_t ote_check_t[16];
} tss_ecdsa_presign_msg1;

/* Round 2 to one counterparty: the opening of R_i, our re-randomized public key share, the checks of the
 * multiplication outputs, ψ, and our multiplication-sender message. */
typedef struct tss_ecdsa_presign_msg2 {
    uint32_t from, to;
    uint8_t session_id[32];
    uint8_t R[33];
    uint8_t salt[32];
    uint8_t X[33];                               /* sk_i·G (Lagrange-weighted, zero-share re-randomized) */
    uint8_t gamma_u[33], gamma_v[33];            /* c_u·G, c_v·G */
    uint8_t psi[32];                             /* φ_i - χ_{i,to} */
    uint8_t tau[TSS_ECDSA_OT_COUNT][4][32];
    uint8_t check_u[2][32];
    uint8_t check_r[32];
    uint8_t gamma_a[2][32];
} tss_ecdsa_presign_msg2;

typedef struct tss_ecdsa_presign_peer {
    uint32_t index;
    uint8_t chi[32];                             /* our random multiplication input as receiver */
    uint8_t choice[TSS_ECDSA_OTE_ROW_BYTES];
    uint8_t commitment[32];                      /* the peer's round-1 commitment */
    uint8_t c_u[32], c_v[32];                    /* our sender outputs */
} tss_ecdsa_presign_peer;

/* A signer's presign state between rounds. SECRET. */
typedef struct tss_ecdsa_presign_state {
    uint32_t state;
    uint32_t self, t, n_signers;
    uint32_t signers[TSS_ECDSA_MAX_PARTIES];
    uint8_t session_id[32];
    uint8_t key_id[32];
    uint8_t group_key[33];
    uint8_t r[32], phi[32], sk[32];
    uint8_t R[33], X[33], salt[32];
    tss_ecdsa_presign_peer peers[TSS_ECDSA_MAX_PARTIES - 1];
} tss_ecdsa_presign_state;

/* The public part of a presignature: what the combiner needs. */
typedef struct tss_ecdsa_presig_public {
    uint32_t t, n_signers;
    uint32_t signers[TSS_ECDSA_MAX_PARTIES];
    uint8_t session_id[32];
    uint8_t key_id[32];
    uint8_t group_key[33];
    uint8_t R[33];
} tss_ecdsa_presig_public;

/* A presignature. SECRET, single use: tss_ecdsa_sign_online wipes it (state 0) and refuses a wiped one.
 * May be serialized (tss_ecdsa_presig_serialize) and stored encrypted; never restore a copy twice. */
#define TSS_ECDSA_PRESIG_LIVE 0x50524553u   /* "PRES" */
typedef struct tss_ecdsa_presignature {
    uint32_t state;                              /* TSS_ECDSA_PRESIG_LIVE, or 0 once used */
    uint32_t self;
    tss_ecdsa_presig_public pub;
    uint8_t u[32], v[32], phi[32];
} tss_ecdsa_presignature;

/* Round 1. signers: t ascending indices including key->index; pairs: the pair setups with (at least) every
 * other signer, any order (matched by peer and key_id). Writes msg1[k] for the k-th other signer. */
TSS_API int tss_ecdsa_presign_round1(tss_ecdsa_presign_state *st, tss_ecdsa_presign_msg1 *out,
                             const tss_ecdsa_key_share *key, const tss_ecdsa_pair *pairs, size_t n_pairs,
                             const uint32_t *signers, uint32_t n_signers, const uint8_t session_id[32]) TSS_WARN_UNUSED_RESULT;
/* Round 2: the t-1 round-1 messages addressed to us (any order). A failed OT-extension check is
 * TSS_ERR_OT_CONSISTENCY naming the sender (ban it). Writes msg2[k] for the k-th other signer. */
TSS_API int tss_ecdsa_presign_round2(tss_ecdsa_presign_state *st, tss_ecdsa_presign_msg2 *out,
                             const tss_ecdsa_key_share *key, const tss_ecdsa_pair *pairs, size_t n_pairs,
                             const tss_ecdsa_presign_msg1 *in, size_t n_in, uint32_t *culprit) TSS_WARN_UNUSED_RESULT;
/* Finish: the t-1 round-2 messages. TSS_ERR_COMMITMENT, TSS_ERR_ENCODING, TSS_ERR_RVOLE (multiplication
 * check or its output inconsistent with the sender's R or X: ban it), TSS_ERR_VERIFY (the X do not sum to
 * the group key: some signer is inconsistent, culprit 0). The state is wiped whatever the result. */
TSS_API int tss_ecdsa_presign_finish(tss_ecdsa_presign_state *st, tss_ecdsa_presignature *presig,
                             const tss_ecdsa_key_share *key, const tss_ecdsa_pair *pairs, size_t n_pairs,
                             const tss_ecdsa_presign_msg2 *in, size_t n_in, uint32_t *culprit) TSS_WARN_UNUSED_RESULT;

/* ---------------------------------------------------------------------------------------------
 * Online signing (DKLs23 round 3 + combine)
 * ------------------------------------------------------------------------------------------- */

typedef struct tss_ecdsa_sig_share {
    uint32_t from;
    uint8_t session_id[32];
    uint8_t u[32], w[32];
} tss_ecdsa_sig_share;

typedef struct tss_ecdsa_signature {
    uint8_t r[32], s[32];                        /* big-endian; s <= n/2 */
    uint8_t v;                                   /* recovery id 0..3 (EVM: 27 + v, or per EIP-155) */
} tss_ecdsa_signature;

/* Uses and wipes the presignature (TSS_ERR_PRESIG_USED if already used); writes the share and, if pub is not
 * NULL, the presignature's public part for the combiner. */
TSS_API int tss_ecdsa_sign_online(tss_ecdsa_presignature *presig, const uint8_t digest[32], tss_ecdsa_sig_share *share,
                          tss_ecdsa_presig_public *pub) TSS_WARN_UNUSED_RESULT;
/* Combines the t shares (any order) into a low-S signature with its recovery id, and verifies it by
 * recovering the group key (which implies ECDSA verification). TSS_ERR_VERIFY if it does not verify
 * (the online round has no identifiable abort: culprit 0). */
TSS_API int tss_ecdsa_combine(tss_ecdsa_signature *sig, const tss_ecdsa_presig_public *pub, const uint8_t digest[32],
                      const tss_ecdsa_sig_share *shares, size_t n_shares, uint32_t *culprit) TSS_WARN_UNUSED_RESULT;

/* ---------------------------------------------------------------------------------------------
 * Verification and helpers
 * ------------------------------------------------------------------------------------------- */

/* libsecp256k1 verification (low-S required) and recovery with v back to the key: TSS_OK or TSS_ERR_VERIFY. */
TSS_API int tss_ecdsa_verify(const tss_ecdsa_signature *sig, const uint8_t digest[32], const uint8_t pubkey[33]) TSS_WARN_UNUSED_RESULT;
/* The verify path for signatures from elsewhere: a DER signature (strict DER; r, s in [1, n)) over a
 * 32-byte digest under a 33- or 65-byte SEC1 public key. allow_high_s = 0 applies the low-S rule
 * (Bitcoin/Ethereum), 1 accepts either s (plain ECDSA). TSS_OK, TSS_ERR_ENCODING or TSS_ERR_VERIFY. */
TSS_API int tss_ecdsa_verify_der(const uint8_t *der, size_t der_len, const uint8_t digest[32], const uint8_t *pubkey,
                         size_t pubkey_len, int allow_high_s) TSS_WARN_UNUSED_RESULT;
/* Recovers the compressed public key from (r, s, v) and the digest. */
TSS_API int tss_ecdsa_recover(uint8_t pubkey[33], const tss_ecdsa_signature *sig, const uint8_t digest[32]) TSS_WARN_UNUSED_RESULT;
/* Digests: Keccak-256 (Ethereum), SHA-256. */
TSS_API void tss_ecdsa_keccak256(uint8_t digest[32], const uint8_t *msg, size_t len);
TSS_API void tss_ecdsa_sha256(uint8_t digest[32], const uint8_t *msg, size_t len);
/* Ethereum address: the last 20 bytes of keccak256(uncompressed X ‖ Y) of the key. */
TSS_API int tss_ecdsa_eth_address(uint8_t address[20], const uint8_t pubkey[33]) TSS_WARN_UNUSED_RESULT;
/* EIP-55 checksummed "0x..." text (43 bytes with NUL). */
TSS_API void tss_ecdsa_eth_address_hex(char out[43], const uint8_t address[20]);
/* 1 if the status means the culprit must be banned for this key (OT consistency, RVOLE). */
TSS_API int tss_ecdsa_status_bans(int status) TSS_WARN_UNUSED_RESULT;
/* Wipes any SECRET struct. */
TSS_API void tss_ecdsa_wipe(void *p, size_t len);

/* ---------------------------------------------------------------------------------------------
 * Encodings (binary and JSON) of every object above, with full validation on input
 * ------------------------------------------------------------------------------------------- */

/* Binary: version byte (TSS_ECDSA_VERSION), type byte, then the fields in declaration order (u32 big-endian,
 * byte strings as is; arrays at their full capacity, unused entries zero). Decoding checks the version, type
 * and exact length, every index (1..TSS_ECDSA_MAX_PARTIES, lists strictly ascending), t and n, every point
 * (on the curve, compressed; unused entries zero) and every scalar (canonical): TSS_ERR_ENCODING otherwise.
 * The state types hold secrets (as the key share, pairs and presignatures): encrypt them at rest. A decoded
 * presignature is as live as the one encoded: never decode one copy twice (the caller's store makes it
 * single use across restarts). */
typedef enum tss_ecdsa_type {
    TSS_ECDSA_KEY_SHARE = 1, TSS_ECDSA_PAIR = 2,
    TSS_ECDSA_DKG_BCAST1 = 3, TSS_ECDSA_DKG_P2P1 = 4, TSS_ECDSA_DKG_BCAST2 = 5, TSS_ECDSA_DKG_P2P2 = 6,
    TSS_ECDSA_PRESIGN_MSG1 = 7, TSS_ECDSA_PRESIGN_MSG2 = 8, TSS_ECDSA_SIG_SHARE = 9,
    TSS_ECDSA_PRESIGNATURE = 10, TSS_ECDSA_PRESIG_PUBLIC = 11, TSS_ECDSA_SIGNATURE = 12,
    TSS_ECDSA_DKG_STATE = 13, TSS_ECDSA_PRESIGN_STATE = 14, TSS_ECDSA_RESHARE_BCAST = 15, TSS_ECDSA_RESHARE_P2P = 16,
} tss_ecdsa_type;

/* Size of the binary encoding of a type (0 for an unknown type); the name used in JSON ("key-share", ...). */
TSS_API size_t tss_ecdsa_encoded_size(tss_ecdsa_type type);
TSS_API const char *tss_ecdsa_type_name(tss_ecdsa_type type);
/* obj points at the struct of that type. encode: out_cap >= tss_ecdsa_encoded_size (TSS_ERR_CAPACITY). */
TSS_API int tss_ecdsa_encode(tss_ecdsa_type type, const void *obj, uint8_t *out, size_t out_cap, size_t *out_len) TSS_WARN_UNUSED_RESULT;
TSS_API int tss_ecdsa_decode(tss_ecdsa_type type, void *obj, const uint8_t *in, size_t in_len) TSS_WARN_UNUSED_RESULT;
/* JSON: {"type": name, "version": 1, readable public fields (indices, keys, address, r/s/v), "data": hex of
 * the binary encoding}. Input: the type must match and "data" goes through tss_ecdsa_decode; the readable
 * fields, when present, must agree with it. to_json writes a NUL-terminated string (out_cap with the NUL). */
TSS_API size_t tss_ecdsa_json_size(tss_ecdsa_type type);
TSS_API int tss_ecdsa_to_json(tss_ecdsa_type type, const void *obj, char *out, size_t out_cap, size_t *out_len) TSS_WARN_UNUSED_RESULT;
TSS_API int tss_ecdsa_from_json(tss_ecdsa_type type, void *obj, const char *json, size_t json_len) TSS_WARN_UNUSED_RESULT;

/* Test helper: a centralized key split (Shamir, t of n) with all pair setups made locally. For tests and
 * benchmarks only; never use in production (one process sees the whole key). shares: n entries;
 * pairs: n*(n-1) entries, party i's setups at [(i-1)*(n-1) ...]. */
TSS_API int tss_ecdsa_dealer_keygen(tss_ecdsa_key_share *shares, tss_ecdsa_pair *pairs, uint32_t n, uint32_t t) TSS_WARN_UNUSED_RESULT;

#ifdef __cplusplus
}
#endif
#endif
