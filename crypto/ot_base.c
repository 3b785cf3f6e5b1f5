/* Batch random base OT (see ot_base.h). */
#include "crypto/ot_base.h"

#include <string.h>
#include <sodium.h>

#include "tss/common.h"
#include "crypto/ecdsa_transcript.h"

static void pok_challenge(k1_scalar *e, const uint8_t tag[32], const uint8_t A[33], const uint8_t R[33])
{
    ecdsa_transcript t;
    ecdsa_transcript_init(&t, "base-ot-pok");
    ecdsa_transcript_append(&t, ECDSA_T_BYTES, "tag", tag, 32);
    ecdsa_transcript_point(&t, "A", A);
    ecdsa_transcript_point(&t, "R", R);
    ecdsa_transcript_scalar_out(&t, e);
}

static void ot_key(uint8_t out[OT_KEY_BYTES], const uint8_t tag[32], uint32_t i, const uint8_t A[33],
                   const uint8_t B[33], const uint8_t P[33])
{
    ecdsa_transcript t;
    ecdsa_transcript_init(&t, "base-ot-key");
    ecdsa_transcript_append(&t, ECDSA_T_BYTES, "tag", tag, 32);
    ecdsa_transcript_u32(&t, "index", i);
    ecdsa_transcript_point(&t, "A", A);
    ecdsa_transcript_point(&t, "B", B);
    ecdsa_transcript_point(&t, "P", P);
    ecdsa_transcript_bytes_out(&t, out, OT_KEY_BYTES);
}

int ot_base_sender_start(const k1_ctx *c, k1_scalar *a, ot_base_msg1 *msg1, const uint8_t tag[32])
{
    k1_scalar k, e, z;
    k1_scalar_random(a);
    k1_scalar_random(&k);
    if (k1_point_mul_base(c, msg1->A, a) != 0 || k1_point_mul_base(c, msg1->proof_R, &k) != 0) {
        k1_scalar_clear(&k);
        return TSS_ERR_CRYPTO;
    }
    pok_challenge(&e, tag, msg1->A, msg1->proof_R);
    k1_scalar_mul(&z, &e, a);
    k1_scalar_add(&z, &z, &k);
    k1_scalar_to_bytes(msg1->proof_z, &z);
    k1_scalar_clear(&k);
    k1_scalar_clear(&z);
    return TSS_OK;
}

static int pok_verify(const k1_ctx *c, const ot_base_msg1 *m, const uint8_t tag[32])
{
    k1_scalar z, e;
    uint8_t zG[33], eA[33], rhs[33];
    if (k1_scalar_from_bytes_canonical(&z, m->proof_z) != 0 || k1_scalar_is_zero(&z)) return -1;
    if (k1_point_check(c, m->proof_R) != 0) return -1;
    pok_challenge(&e, tag, m->A, m->proof_R);
    if (k1_point_mul_base(c, zG, &z) != 0) return -1;
    if (k1_point_mul(c, eA, m->A, &e) != 0) return -1;
    if (k1_point_add(c, rhs, m->proof_R, eA) != 0) return -1;
    return k1_point_eq(zG, rhs) ? 0 : -1;
}

int ot_base_receiver(const k1_ctx *c, ot_base_msg2 *msg2, uint8_t keys[OT_BASE_COUNT][OT_KEY_BYTES],
                     const ot_base_msg1 *msg1, const uint8_t choice[OT_BASE_COUNT / 8], const uint8_t tag[32])
{
    if (k1_point_check(c, msg1->A) != 0) return TSS_ERR_ENCODING;
    if (pok_verify(c, msg1, tag) != 0) return TSS_ERR_BASE_OT;
    int rc = TSS_OK;
    k1_scalar b;
    uint8_t P0[33], P1[33], bA[33];
    for (uint32_t i = 0; i < OT_BASE_COUNT; i++) {
        unsigned ci = (choice[i / 8] >> (i % 8)) & 1u;
        k1_scalar_random(&b);
        /* P0 = b·G, P1 = b·G + A; B - c·A = b·G is public once B is sent, so the addition of public A may
         * be variable time; only the choice is secret, and the selection below does not branch on it. */
        if (k1_point_mul_base(c, P0, &b) != 0 || k1_point_add(c, P1, P0, msg1->A) != 0 ||
            k1_point_mul(c, bA, msg1->A, &b) != 0) {
            rc = TSS_ERR_CRYPTO;  /* b·G + A = identity: probability 1/n */
            break;
        }
        uint8_t mask = (uint8_t)(0 - ci);
        for (int k = 0; k < 33; k++) msg2->B[i][k] = (uint8_t)((P0[k] & ~mask) | (P1[k] & mask));
        ot_key(keys[i], tag, i, msg1->A, msg2->B[i], bA);
    }
    k1_scalar_clear(&b);
    sodium_memzero(bA, sizeof bA);
    sodium_memzero(P0, sizeof P0);
    sodium_memzero(P1, sizeof P1);
    return rc;
}

int ot_base_sender_finish(const k1_ctx *c, uint8_t keys[OT_BASE_COUNT][2][OT_KEY_BYTES], const k1_scalar *a,
                          const ot_base_msg1 *msg1, const ot_base_msg2 *msg2, const uint8_t tag[32])
{
    uint8_t D[33], P[33];
    for (uint32_t i = 0; i < OT_BASE_COUNT; i++) {
        if (k1_point_check(c, msg2->B[i]) != 0) return TSS_ERR_ENCODING;
        if (k1_point_eq(msg2->B[i], msg1->A)) return TSS_ERR_BASE_OT;
    }
    for (uint32_t i = 0; i < OT_BASE_COUNT; i++) {
        /* B - A is public: its computation may be variable time; both products by a are constant time. */
        if (k1_point_sub(c, D, msg2->B[i], msg1->A) != 0) return TSS_ERR_BASE_OT;
        if (k1_point_mul(c, P, msg2->B[i], a) != 0) return TSS_ERR_CRYPTO;
        ot_key(keys[i][0], tag, i, msg1->A, msg2->B[i], P);
        if (k1_point_mul(c, P, D, a) != 0) return TSS_ERR_CRYPTO;
        ot_key(keys[i][1], tag, i, msg1->A, msg2->B[i], P);
    }
    sodium_memzero(P, sizeof P);
    return TSS_OK;
}
