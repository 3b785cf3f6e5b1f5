/* A 4-of-7 dealer key with a signing session through round 1, shared by test_frost_sign.c and
 * test_frost_serialize.c. Header-only (static). */
#ifndef TSS_FROST_SIGN_FIXTURE_H
#define TSS_FROST_SIGN_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "tss/frost.h"

typedef struct {
    tss_frost_key_package kps[7];
    tss_frost_public_share entries[7];
    tss_frost_public_key_package pkp;
    tss_frost_signing_nonces nonces[7];
    tss_frost_signing_commitments coms[7];
    tss_frost_signature_share shares[7];
    tss_frost_signing_package pkg;
} session;

static const uint8_t MSG[] = "negative paths";

/* A 4-of-7 key with signers 0..m-1 through round 1 and the signing package. */
static inline void session_start(session *s, uint32_t m)
{
    memset(s, 0, sizeof *s);
    assert_int_equal(tss_frost_public_key_package_init(&s->pkp, s->entries, 7), TSS_OK);
    assert_int_equal(tss_frost_dealer_keygen(s->kps, &s->pkp, NULL, NULL, NULL, 7, 4), TSS_OK);
    for (uint32_t i = 0; i < m; i++)
        assert_int_equal(tss_frost_round1_commit(&s->nonces[i], &s->coms[i], &s->kps[i]), TSS_OK);
    assert_int_equal(tss_frost_signing_package_init(&s->pkg, s->coms, m, MSG, sizeof MSG), TSS_OK);
}

#endif
