/* In-process threshold ECDSA ceremonies for the tests and benchmarks: every party's state in one process,
 * messages routed by hand, with a hook that may tamper with any message before delivery. */
#ifndef TSS_TESTS_ECDSA_FIXTURE_H
#define TSS_TESTS_ECDSA_FIXTURE_H

#include <stdint.h>
#include "tss/ecdsa.h"

typedef struct {
    uint32_t n, t;
    tss_ecdsa_key_share shares[TSS_ECDSA_MAX_PARTIES];
    tss_ecdsa_pair pairs[TSS_ECDSA_MAX_PARTIES][TSS_ECDSA_MAX_PARTIES - 1];  /* [party-1][k-th peer] */
} fx_key;

/* Message kinds passed to the hook. */
enum fx_kind { FX_DKG_B1, FX_DKG_P1, FX_DKG_B2, FX_DKG_P2, FX_PRE_M1, FX_PRE_M2, FX_SHARE };
typedef void (*fx_hook)(enum fx_kind kind, void *msg, uint32_t from, uint32_t to, void *arg);

/* Outcome of a ceremony: the first failing party's status and culprit (status 0 if all succeeded). */
typedef struct {
    int status;
    uint32_t at;       /* party that reported it */
    uint32_t culprit;
    int round;         /* 1, 2, 3 = finish */
} fx_result;

fx_key *fx_key_new(void);                 /* calloc'd; free with fx_key_free (wipes) */
void fx_key_free(fx_key *k);
/* Full DKG (refresh if `refresh`: k must hold the old shares; the new ones replace them). */
fx_result fx_dkg(fx_key *k, uint32_t n, uint32_t t, const uint8_t sid[32], fx_hook hook, void *arg);
fx_result fx_refresh(fx_key *k, const uint8_t sid[32], fx_hook hook, void *arg);
/* Presign among `signers` (ascending): presigs[k] for signers[k]. */
fx_result fx_presign(const fx_key *k, const uint32_t *signers, uint32_t ns, const uint8_t sid[32],
                     tss_ecdsa_presignature *presigs, fx_hook hook, void *arg);
/* Online round and combine (at the first signer): uses the presignatures. */
fx_result fx_sign(tss_ecdsa_presignature *presigs, uint32_t ns, const uint8_t digest[32], tss_ecdsa_signature *sig,
                  fx_hook hook, void *arg);
/* Counts bytes (struct payload sizes) per ordered pair from the last fx_presign + fx_sign. */
extern size_t fx_bytes_pair_presign, fx_bytes_pair_online;

#endif
