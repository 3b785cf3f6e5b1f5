/* Helpers shared by the threshold ECDSA files (not part of the public API). */
#ifndef TSS_ECDSA_INTERNAL_H
#define TSS_ECDSA_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "tss/ecdsa.h"
#include "crypto/ecdsa_point.h"
#include "crypto/ot_ext.h"
#include "crypto/secp256k1_scalar.h"

#define ECDSA_STATE_DKG_R1 0x444b4731u   /* "DKG1": round 1 done */
#define ECDSA_STATE_DKG_R2 0x444b4732u
#define ECDSA_STATE_PRE_R1 0x50524531u
#define ECDSA_STATE_PRE_R2 0x50524532u

/* Strictly ascending, each in 1..TSS_ECDSA_MAX_PARTIES: TSS_OK, TSS_ERR_ZERO_ID, TSS_ERR_DUPLICATE or
 * TSS_ERR_INVALID_ARG (descending, or out of range). */
int ecdsa_check_party_list(const uint32_t *parties, uint32_t n);
/* λ_self over the set: Π_{j != self} j / (j - self). */
void ecdsa_lagrange(k1_scalar *out, uint32_t self, const uint32_t *set, uint32_t n);
/* key_id = H(group key, t, n, epoch, public shares, session id of the DKG/refresh). */
void ecdsa_key_id(uint8_t out[32], const tss_ecdsa_key_share *k, const uint8_t sid[32]);
/* The setup with `peer` for this key, or NULL. */
const tss_ecdsa_pair *ecdsa_pair_find(const tss_ecdsa_pair *pairs, size_t n_pairs, uint32_t self, uint32_t peer,
                                      const uint8_t key_id[32]);
/* The OT-extension views of a pair setup. */
void ecdsa_pair_sender(ote_sender_setup *s, const tss_ecdsa_pair *p);
void ecdsa_pair_receiver(ote_receiver_setup *r, const tss_ecdsa_pair *p);
/* sizeof the struct of an encodable type (0 if unknown). */
size_t ecdsa_codec_struct_size(tss_ecdsa_type type);
/* Position of x in the ascending list, or -1. */
int ecdsa_index_of(const uint32_t *set, uint32_t n, uint32_t x);

#endif
