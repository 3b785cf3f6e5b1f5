/* Constant-time check of the threshold ECDSA secret paths under valgrind (tests/ctime.h): scalar arithmetic
 * mod n, Keccak and transcripts over secrets, the OT extension and RVOLE of both parties with secret seeds,
 * Δ, choice bits and inputs, and the online signing of a presignature. Secrets are marked undefined;
 * messages that go on the wire are marked public where they are sent. Run as `valgrind --error-exitcode=42
 * ctime_ecdsa`; `ctime_ecdsa control` runs a deliberately leaky function that valgrind must flag. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sodium.h>

#include "tss/ecdsa.h"
#include "crypto/ecdsa_rvole.h"
#include "crypto/ecdsa_transcript.h"
#include "crypto/keccak.h"
#include "crypto/ot_ext.h"
#include "crypto/secp256k1_scalar.h"
#include "ctime.h"

/* The positive control: what the checked code must never do. */
static volatile unsigned g_sink;
__attribute__((noinline)) static void touch(unsigned v) { g_sink += v; }

static unsigned leaky(const uint8_t *secret)
{
    static const uint8_t table[256] = {1, 2, 3};
    unsigned acc = table[secret[0]];          /* a memory index from a secret */
    for (int i = 1; i < 8; i++)
        if (secret[i] & 1) touch((unsigned)i); /* a branch on a secret bit (a call: not if-converted) */
    return acc;
}

static void scalars(void)
{
    uint8_t a[32], b[32], w[64], out[32];
    k1_scalar x, y, r, s;
    k1_scalar_acc acc;
    unsigned flag;
    randombytes_buf(a, 32);
    randombytes_buf(b, 32);
    randombytes_buf(w, 64);
    randombytes_buf(&flag, sizeof flag);
    a[0] &= 0x7f;
    b[0] &= 0x7f;
    CTIME_SECRET(a, 32);
    CTIME_SECRET(b, 32);
    CTIME_SECRET(w, 64);
    CTIME_SECRET(&flag, sizeof flag);
    k1_scalar_from_bytes_canonical(&x, a);  /* validity is declassified inside; the value stays secret */
    k1_scalar_from_bytes_reduce(&y, b);
    k1_scalar_add(&r, &x, &y);
    k1_scalar_sub(&r, &r, &y);
    k1_scalar_neg(&s, &r);
    k1_scalar_mul(&r, &s, &x);
    k1_scalar_sqr(&r, &r);
    k1_scalar_inv(&s, &r);
    k1_scalar_cmov(&s, &x, flag);
    k1_scalar_cond_neg(&s, &s, flag);
    k1_scalar_from_bytes_reduce64(&r, w);
    k1_scalar_acc_init(&acc);
    k1_scalar_acc_muladd(&acc, &r, &s);
    k1_scalar_acc_add(&acc, &x);
    k1_scalar_acc_reduce(&r, &acc);
    int z = k1_scalar_is_zero(&r) + k1_scalar_eq(&r, &s) + k1_scalar_is_high(&r);
    k1_scalar_random(&y);
    k1_scalar_to_bytes(out, &r);
    CTIME_PUBLIC(out, 32);
    CTIME_PUBLIC(&z, sizeof z);
    printf("scalars: %02x %d\n", out[0], z);
}

static void hashes(void)
{
    uint8_t msg[300], d[32];
    k1_scalar s, c;
    randombytes_buf(msg, sizeof msg);
    CTIME_SECRET(msg, sizeof msg);
    keccak256(d, msg, sizeof msg);
    k1_scalar_from_bytes_reduce(&s, msg);
    ecdsa_transcript t;
    ecdsa_transcript_init(&t, "ctime");
    ecdsa_transcript_scalar(&t, "s", &s);
    ecdsa_transcript_scalar_out(&t, &c);
    uint8_t out[32];
    k1_scalar_to_bytes(out, &c);
    CTIME_PUBLIC(d, 32);
    CTIME_PUBLIC(out, 32);
    printf("hashes: %02x %02x\n", d[0], out[0]);
}

static void ot_and_rvole(void)
{
    static ote_sender_setup ss;
    static ote_receiver_setup rs;
    static ote_msg m1;
    static rvole_msg2 m2;
    uint8_t choice[OTE_ROW_BYTES], sid[32];
    k1_scalar a[2], b, c[2], d[2];
    randombytes_buf(&ss.delta, sizeof ss.delta);
    randombytes_buf(&rs, sizeof rs);
    for (int l = 0; l < OTE_KAPPA; l++) memcpy(ss.seeds[l], rs.seeds[l][(ss.delta[l / 8] >> (l % 8)) & 1], 16);
    randombytes_buf(sid, 32);
    k1_scalar_random(&a[0]);
    k1_scalar_random(&a[1]);
    CTIME_SECRET(&ss, sizeof ss);
    CTIME_SECRET(&rs, sizeof rs);
    CTIME_SECRET(a, sizeof a);
    /* receiver (its choice bits come from the CSPRNG inside; its seeds are secret) */
    rvole_receiver_start(&m1, &b, choice, &rs, sid);
    CTIME_SECRET(choice, sizeof choice);
    CTIME_SECRET(&b, sizeof b);
    CTIME_PUBLIC(&m1, sizeof m1);  /* sent */
    int rc1 = rvole_sender(&m2, c, a, &m1, &ss, sid);
    CTIME_PUBLIC(&m2, sizeof m2);  /* sent */
    int rc2 = rvole_receiver_finish(d, &m2, &b, choice, &rs, sid);
    /* the relation c + d = a·b is checked outside the secret region */
    k1_scalar ab, sum;
    k1_scalar_mul(&ab, &a[0], &b);
    k1_scalar_add(&sum, &c[0], &d[0]);
    int ok = k1_scalar_eq(&ab, &sum);
    CTIME_PUBLIC(&ok, sizeof ok);
    printf("rvole: %d %d %d\n", rc1, rc2, ok);
}

static void online(void)
{
    tss_ecdsa_presignature pre;
    tss_ecdsa_sig_share share;
    uint8_t digest[32];
    k1_scalar x;
    memset(&pre, 0, sizeof pre);
    pre.state = TSS_ECDSA_PRESIG_LIVE;
    pre.self = 1;
    pre.pub.R[0] = 2;
    randombytes_buf(pre.pub.R + 1, 32);
    k1_scalar_random(&x); k1_scalar_to_bytes(pre.u, &x);
    k1_scalar_random(&x); k1_scalar_to_bytes(pre.v, &x);
    k1_scalar_random(&x); k1_scalar_to_bytes(pre.phi, &x);
    randombytes_buf(digest, 32);
    CTIME_SECRET(pre.u, 32);
    CTIME_SECRET(pre.v, 32);
    CTIME_SECRET(pre.phi, 32);
    int rc = tss_ecdsa_sign_online(&pre, digest, &share, NULL);
    CTIME_PUBLIC(&share, sizeof share);  /* broadcast */
    printf("online: %d %02x\n", rc, share.w[0]);
}

int main(int argc, char **argv)
{
    CTIME_REQUIRE_VALGRIND();
    if (sodium_init() < 0) return 1;
    if (argc > 1 && strcmp(argv[1], "control") == 0) {
        uint8_t s[8];
        randombytes_buf(s, sizeof s);
        CTIME_SECRET(s, sizeof s);
        unsigned v = leaky(s);
        CTIME_PUBLIC(&v, sizeof v);
        printf("control: %u (valgrind must have reported the branch above)\n", v);
        return 0;
    }
    unsigned before = CTIME_ERRORS();
    scalars();
    hashes();
    ot_and_rvole();
    online();
    unsigned errors = CTIME_ERRORS() - before;
    printf("%u constant-time violations\n", errors);
    return errors == 0 ? 0 : 1;
}
