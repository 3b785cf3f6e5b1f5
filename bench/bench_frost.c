/* FROST key generation: DKG part 1 / 2 / 3 per participant at 2-of-3, 67-of-100 and 667-of-1000, each printed
 * as a multiple of libsodium's single Ed25519 verification measured in the same run; and the two ways of
 * evaluating a commitment polynomial in the exponent (Horner with small multiples vs one MSM). */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch/msm.h"
#include "bench.h"
#include "crypto/frost_internal.h"
#include "crypto/frost_poly.h"
#include "crypto/ge25519.h"
#include "crypto/sc25519.h"
#include "tss/frost.h"
#include "tss/frost_keygen.h"

typedef struct dkg_case {
    uint32_t n, t;
    char name[32];
    tss_frost_identifier *ids;
    tss_frost_element *r1_comm, *sp_comm;
    tss_frost_scalar *sp_coeff;
    tss_frost_dkg_secret_package *sp;
    tss_frost_dkg_round1_package *r1;   /* all n */
    tss_frost_dkg_round1_package *others; /* n-1: everyone but participant 0 */
    tss_frost_dkg_round2_package *out;  /* n-1: part 2 output of participant 0 */
    tss_frost_dkg_round2_package *recv; /* n-1: addressed to participant 0 */
    tss_frost_scalar *coeff0;           /* participant 0's coefficients, restored before each part 2 */
    tss_frost_dkg_secret_package sp0;   /* participant 0 after part 1 */
    tss_frost_dkg_secret_package sp0_part2;
    tss_frost_key_package kp;
    tss_frost_public_share *shares;
    tss_frost_public_key_package pkp;
    uint8_t *scratch;
    size_t scratch_len;
} dkg_case;

static dkg_case g_cases[3];

static void *xcalloc(size_t n, size_t s)
{
    void *p = calloc(n, s);
    if (p == NULL) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    return p;
}

/* All participants run part 1; participant 0 runs part 2; its incoming shares f_j(1) = sum_k a_jk are summed
 * directly from the others' coefficients (identifier 1), which avoids n-1 full part 2 runs in the set-up. */
static void case_setup(dkg_case *c, uint32_t n, uint32_t t)
{
    c->n = n;
    c->t = t;
    snprintf(c->name, sizeof c->name, "%u-of-%u", t, n);
    c->ids = xcalloc(n, sizeof *c->ids);
    c->r1_comm = xcalloc((size_t)n * t, sizeof *c->r1_comm);
    c->sp_comm = xcalloc((size_t)n * t, sizeof *c->sp_comm);
    c->sp_coeff = xcalloc((size_t)n * t, sizeof *c->sp_coeff);
    c->sp = xcalloc(n, sizeof *c->sp);
    c->r1 = xcalloc(n, sizeof *c->r1);
    c->others = xcalloc(n, sizeof *c->others);
    c->out = xcalloc(n, sizeof *c->out);
    c->recv = xcalloc(n, sizeof *c->recv);
    c->coeff0 = xcalloc(t, sizeof *c->coeff0);
    c->shares = xcalloc(n, sizeof *c->shares);
    c->scratch_len = tss_frost_keygen_scratch_size(n, t);
    c->scratch = aligned_alloc(64, (c->scratch_len + 63) & ~(size_t)63);
    tss_frost_public_key_package_init(&c->pkp, c->shares, n);
    for (uint32_t i = 0; i < n; i++) {
        tss_frost_identifier_from_u64(&c->ids[i], i + 1);
        tss_frost_dkg_secret_package_init(&c->sp[i], &c->sp_coeff[(size_t)i * t], &c->sp_comm[(size_t)i * t], t);
        tss_frost_dkg_round1_package_init(&c->r1[i], &c->r1_comm[(size_t)i * t], t);
        if (tss_frost_dkg_part1(&c->sp[i], &c->r1[i], &c->ids[i], n, t) != TSS_OK) {
            fprintf(stderr, "part 1 failed\n");
            exit(1);
        }
    }
    for (uint32_t i = 1; i < n; i++) {
        sc25519 acc, a;
        sc25519_zero(&acc);
        for (uint32_t k = 0; k < t; k++) {
            sc25519_from_bytes_canonical(&a, c->sp[i].coefficients[k].bytes);
            sc25519_add(&acc, &acc, &a);
        }
        c->others[i - 1] = c->r1[i];
        c->recv[i - 1].version = TSS_FROST_VERSION;
        c->recv[i - 1].sender = c->ids[i];
        c->recv[i - 1].recipient = c->ids[0];
        sc25519_to_bytes(c->recv[i - 1].signing_share.bytes, &acc);
    }
    memcpy(c->coeff0, c->sp[0].coefficients, (size_t)t * sizeof *c->coeff0);
    c->sp0 = c->sp[0];
    size_t nc = 0;
    if (tss_frost_dkg_part2(&c->sp[0], c->out, c->others, n - 1, c->scratch, c->scratch_len, NULL, 0, &nc) != TSS_OK) {
        fprintf(stderr, "part 2 failed\n");
        exit(1);
    }
    c->sp0_part2 = c->sp[0];
    if (tss_frost_dkg_part3(&c->kp, &c->pkp, &c->sp0_part2, c->others, n - 1, c->recv, n - 1, c->scratch,
                            c->scratch_len, NULL, 0, &nc) != TSS_OK) {
        fprintf(stderr, "part 3 failed (%s)\n", c->name);
        exit(1);
    }
}

static void bm_part1(bench_state *st, void *arg)
{
    dkg_case *c = arg;
    tss_frost_dkg_secret_package sp;
    tss_frost_dkg_round1_package pkg;
    tss_frost_scalar *coeff = xcalloc(c->t, sizeof *coeff);
    tss_frost_element *comm = xcalloc(c->t, sizeof *comm), *comm2 = xcalloc(c->t, sizeof *comm2);
    tss_frost_dkg_secret_package_init(&sp, coeff, comm, c->t);
    tss_frost_dkg_round1_package_init(&pkg, comm2, c->t);
    while (bench_keep_running(st)) {
        if (tss_frost_dkg_part1(&sp, &pkg, &c->ids[0], c->n, c->t) != TSS_OK)
            bench_skip(st, "part 1 failed");
        bench_do_not_optimize(&pkg);
    }
    tss_frost_dkg_secret_package_clear(&sp);
    free(coeff);
    free(comm);
    free(comm2);
}

static void bm_part2(bench_state *st, void *arg)
{
    dkg_case *c = arg;
    size_t nc = 0;
    while (bench_keep_running(st)) {
        bench_pause(st);
        tss_frost_dkg_secret_package sp = c->sp0;
        memcpy(sp.coefficients, c->coeff0, (size_t)c->t * sizeof *c->coeff0);
        bench_resume(st);
        if (tss_frost_dkg_part2(&sp, c->out, c->others, c->n - 1, c->scratch, c->scratch_len, NULL, 0, &nc) != TSS_OK)
            bench_skip(st, "part 2 failed");
        bench_do_not_optimize(c->out);
    }
}

static void bm_part3(bench_state *st, void *arg)
{
    dkg_case *c = arg;
    size_t nc = 0;
    while (bench_keep_running(st)) {
        if (tss_frost_dkg_part3(&c->kp, &c->pkp, &c->sp0_part2, c->others, c->n - 1, c->recv, c->n - 1, c->scratch,
                                c->scratch_len, NULL, 0, &nc) != TSS_OK)
            bench_skip(st, "part 3 failed");
        bench_do_not_optimize(&c->kp);
    }
}

/* ---- evaluating sum_k [x^k] C_k for every participant x = 1..n ---- */

typedef struct exp_case {
    uint32_t n, t;
    ge25519_p3 *C;
    sc25519 *powers;
    void *scratch;
    size_t scratch_len;
} exp_case;

static exp_case g_exp[2];

static void exp_setup(exp_case *e, uint32_t n, uint32_t t)
{
    e->n = n;
    e->t = t;
    e->C = xcalloc(t, sizeof *e->C);
    e->powers = xcalloc(t, sizeof *e->powers);
    for (uint32_t k = 0; k < t; k++) {
        sc25519 a;
        sc25519_random(&a);
        ge25519_scalarmult_base(&e->C[k], &a);
    }
    e->scratch_len = msm_scratch_size(t) + frost_kg_exp_eval_scratch_size(t);
    e->scratch = aligned_alloc(64, (e->scratch_len + 63) & ~(size_t)63);
}

static void bm_exp_horner(bench_state *st, void *arg)
{
    exp_case *e = arg;
    while (bench_keep_running(st)) {
        for (uint32_t x = 1; x <= e->n; x++) {
            sc25519 xs;
            ge25519_p3 r;
            sc25519_from_u64(&xs, x);
            frost_kg_exp_eval_vartime(&r, e->C, e->t, &xs, e->scratch, e->scratch_len);
            bench_do_not_optimize(&r);
        }
    }
    bench_set_items(st, bench_iterations(st) * e->n);
}

static void bm_exp_msm(bench_state *st, void *arg)
{
    exp_case *e = arg;
    while (bench_keep_running(st)) {
        for (uint32_t x = 1; x <= e->n; x++) {
            sc25519 xs;
            ge25519_p3 r;
            sc25519_from_u64(&xs, x);
            sc25519_one(&e->powers[0]);
            for (uint32_t k = 1; k < e->t; k++)
                sc25519_mul(&e->powers[k], &e->powers[k - 1], &xs);
            msm_vartime(&r, e->powers, e->C, e->t, e->scratch, e->scratch_len);
            bench_do_not_optimize(&r);
        }
    }
    bench_set_items(st, bench_iterations(st) * e->n);
}

/* ---- signing (dealer keygen, round 1, round 2, aggregate), when no other benchmark covers it ---- */

typedef struct sign_case {
    uint32_t n, t;
    char name[32];
    tss_frost_key_package *kps;
    tss_frost_public_share *shares;
    tss_frost_public_key_package pkp;
    tss_frost_signing_nonces *nonces;
    tss_frost_signing_commitments *comms;
    tss_frost_signature_share *sig_shares;
    tss_frost_signing_package pkg;
} sign_case;

static sign_case g_sign[3];
static const uint8_t SIGN_MSG[32] = "benchmark message for FROST....";

static void sign_setup(sign_case *c, uint32_t n, uint32_t t)
{
    c->n = n;
    c->t = t;
    snprintf(c->name, sizeof c->name, "%u-of-%u", t, n);
    c->kps = xcalloc(n, sizeof *c->kps);
    c->shares = xcalloc(n, sizeof *c->shares);
    c->nonces = xcalloc(t, sizeof *c->nonces);
    c->comms = xcalloc(t, sizeof *c->comms);
    c->sig_shares = xcalloc(t, sizeof *c->sig_shares);
    tss_frost_public_key_package_init(&c->pkp, c->shares, n);
    if (tss_frost_dealer_keygen(c->kps, &c->pkp, NULL, NULL, NULL, n, t) != TSS_OK) {
        fprintf(stderr, "dealer keygen failed\n");
        exit(1);
    }
    int rc = TSS_OK;
    for (uint32_t i = 0; i < t && rc == TSS_OK; i++) rc = tss_frost_round1_commit(&c->nonces[i], &c->comms[i], &c->kps[i]);
    if (rc == TSS_OK) rc = tss_frost_signing_package_init(&c->pkg, c->comms, t, SIGN_MSG, sizeof SIGN_MSG);
    if (rc != TSS_OK) {
        fprintf(stderr, "round 1 failed\n");
        exit(1);
    }
    /* commitments are sorted in place: sign each with its own key package */
    for (uint32_t i = 0; i < t; i++) {
        if (tss_frost_round2_sign(&c->sig_shares[i], &c->pkg, &c->nonces[i], &c->kps[i]) != TSS_OK) {
            fprintf(stderr, "round 2 failed\n");
            exit(1);
        }
    }
}

static void bm_dealer(bench_state *st, void *arg)
{
    sign_case *c = arg;
    tss_frost_key_package *kps = xcalloc(c->n, sizeof *kps);
    tss_frost_public_share *shares = xcalloc(c->n, sizeof *shares);
    tss_frost_public_key_package pkp;
    tss_frost_public_key_package_init(&pkp, shares, c->n);
    while (bench_keep_running(st)) {
        if (tss_frost_dealer_keygen(kps, &pkp, NULL, NULL, NULL, c->n, c->t) != TSS_OK)
            bench_skip(st, "dealer failed");
        bench_do_not_optimize(kps);
    }
    sodium_memzero(kps, (size_t)c->n * sizeof *kps);
    free(kps);
    free(shares);
}

static void bm_round1(bench_state *st, void *arg)
{
    sign_case *c = arg;
    tss_frost_signing_nonces nonces;
    tss_frost_signing_commitments comm;
    while (bench_keep_running(st)) {
        if (tss_frost_round1_commit(&nonces, &comm, &c->kps[0]) != TSS_OK)
            bench_skip(st, "commit failed");
        bench_do_not_optimize(&comm);
    }
    tss_frost_signing_nonces_wipe(&nonces);
}

/* Signer 0 signs a package of its own: a copy of the shared commitments with signer 0's fresh commitment
 * swapped in, so the shared package and the stored shares (bm_aggregate's input) are never touched. */
static void bm_round2(bench_state *st, void *arg)
{
    sign_case *c = arg;
    tss_frost_signature_share share;
    tss_frost_signing_commitments *comms = xcalloc(c->t, sizeof *comms);
    tss_frost_signing_package pkg;
    uint32_t at = c->t;
    for (uint32_t i = 0; i < c->t; i++)
        if (tss_frost_identifier_cmp(&c->comms[i].identifier, &c->kps[0].identifier) == 0)
            at = i;
    if (at == c->t) {
        bench_skip(st, "signer 0 not in the package");
        free(comms);
        return;
    }
    memcpy(comms, c->comms, (size_t)c->t * sizeof *comms);
    pkg = c->pkg;
    pkg.commitments = comms;
    while (bench_keep_running(st)) {
        bench_pause(st);
        tss_frost_signing_nonces nonces;
        if (tss_frost_round1_commit(&nonces, &comms[at], &c->kps[0]) != TSS_OK)
            bench_skip(st, "commit failed");
        bench_resume(st);
        if (tss_frost_round2_sign(&share, &pkg, &nonces, &c->kps[0]) != TSS_OK)
            bench_skip(st, "sign failed");
        bench_do_not_optimize(&share);
    }
    free(comms);
}

static void bm_aggregate(bench_state *st, void *arg)
{
    sign_case *c = arg;
    tss_frost_signature sig;
    size_t nc = 0;
    while (bench_keep_running(st)) {
        if (tss_frost_aggregate(&sig, &c->pkg, c->sig_shares, c->t, &c->pkp, NULL, 0, &nc) != TSS_OK)
            bench_skip(st, "aggregate failed");
        bench_do_not_optimize(&sig);
    }
}

/* ---- decoding commitment points (canonical, not the identity): one at a time vs two interleaved ---- */

#define DECODE_POINTS 256
static uint8_t g_points[DECODE_POINTS][32];

static void decode_setup(void)
{
    for (int i = 0; i < DECODE_POINTS; i++) {
        sc25519 a;
        ge25519_p3 P;
        sc25519_random(&a);
        ge25519_scalarmult_base(&P, &a);
        ge25519_tobytes(g_points[i], &P);
    }
}

static void bm_decode_single(bench_state *st, void *arg)
{
    (void)arg;
    ge25519_p3 P;
    while (bench_keep_running(st))
        for (int i = 0; i < DECODE_POINTS; i++) {
            if (frost_point_decode_fast(&P, g_points[i]) != TSS_OK)
                bench_skip(st, "decode failed");
            bench_do_not_optimize(&P);
        }
    bench_set_items(st, bench_iterations(st) * DECODE_POINTS);
}

static void bm_decode_x2(bench_state *st, void *arg)
{
    (void)arg;
    ge25519_p3 P, Q;
    while (bench_keep_running(st))
        for (int i = 0; i < DECODE_POINTS; i += 2) {
            if (frost_kg_point_decode_fast_x2(&P, g_points[i], &Q, g_points[i + 1]) != 3u)
                bench_skip(st, "decode failed");
            bench_do_not_optimize(&P);
            bench_do_not_optimize(&Q);
        }
    bench_set_items(st, bench_iterations(st) * DECODE_POINTS);
}

/* ---- baseline ---- */

static uint8_t g_pk[32], g_sig[64], g_msg[64];

static void bm_sodium_verify(bench_state *st, void *arg)
{
    (void)arg;
    while (bench_keep_running(st))
        if (crypto_sign_verify_detached(g_sig, g_msg, sizeof g_msg, g_pk) != 0)
            bench_skip(st, "rejected");
}

/* "name  x ms = r x libsodium verify [crate y ms]" (nothing if either did not run). */
static void print_vs_sodium(const char *name, double base_ns, double ns, double crate_ms)
{
    if (ns <= 0 || base_ns <= 0)
        return;
    printf("  %-32s %10.4f ms = %8.2f x libsodium verify", name, ns / 1e6, ns / base_ns);
    if (crate_ms > 0)
        printf("  [crate %.2f ms]", crate_ms);
    printf("\n");
}

int main(int argc, char **argv)
{
    if (tss_init() != TSS_OK)
        return 1;
    uint8_t sk[64];
    crypto_sign_keypair(g_pk, sk);
    randombytes_buf(g_msg, sizeof g_msg);
    crypto_sign_detached(g_sig, NULL, g_msg, sizeof g_msg, sk);

    int big = 1;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--no-1000") == 0)
            big = 0;
    case_setup(&g_cases[0], 3, 2);
    case_setup(&g_cases[1], 100, 67);
    if (big)
        case_setup(&g_cases[2], 1000, 667);
    exp_setup(&g_exp[0], 100, 67);
    exp_setup(&g_exp[1], 1000, 667);

    char names[3][3][64];
    bench_register("verify/libsodium", bm_sodium_verify, NULL, 0);
    decode_setup();
    bench_register("point_decode/single", bm_decode_single, NULL, 0);
    bench_register("point_decode/x2", bm_decode_x2, NULL, 0);
    for (int c = 0; c < (big ? 3 : 2); c++) {
        const char *what[3] = { "part1", "part2", "part3" };
        bench_fn fns[3] = { bm_part1, bm_part2, bm_part3 };
        for (int p = 0; p < 3; p++) {
            snprintf(names[c][p], sizeof names[c][p], "dkg_%s/%s", what[p], g_cases[c].name);
            if (c == 2)
                bench_register_iters(names[c][p], fns[p], &g_cases[c], 0, p == 2 ? 1 : 3);
            else
                bench_register(names[c][p], fns[p], &g_cases[c], 0);
        }
    }
    /* Signing, with the crate's published figures (Ryzen 9 5900X, ms) to compare. */
    static const double crate_ms[3][4] = { { 0.24, 0.08, 0.12, 0.22 }, { 7.70, 0.08, 3.64, 3.28 },
                                           { 181, 0.08, 36.9, 31.9 } };
    char snames[3][4][64];
    const char *swhat[4] = { "dealer_keygen", "round1", "round2", "aggregate" };
    bench_fn sfns[4] = { bm_dealer, bm_round1, bm_round2, bm_aggregate };
    const uint32_t sn[3] = { 3, 100, 1000 }, stt[3] = { 2, 67, 667 };
    for (int c = 0; c < 3; c++) {
        sign_setup(&g_sign[c], sn[c], stt[c]);
        for (int p = 0; p < 4; p++) {
            snprintf(snames[c][p], sizeof snames[c][p], "frost_%s/%s", swhat[p], g_sign[c].name);
            if (c == 2 && p != 1)
                bench_register_iters(snames[c][p], sfns[p], &g_sign[c], 0, 5);
            else
                bench_register(snames[c][p], sfns[p], &g_sign[c], 0);
        }
    }
    bench_register_iters("vss_eval_all/horner/67-of-100", bm_exp_horner, &g_exp[0], 0, 3);
    bench_register_iters("vss_eval_all/msm/67-of-100", bm_exp_msm, &g_exp[0], 0, 3);
    bench_register_iters("vss_eval_all/horner/667-of-1000", bm_exp_horner, &g_exp[1], 0, 1);
    bench_register_iters("vss_eval_all/msm/667-of-1000", bm_exp_msm, &g_exp[1], 0, 1);

    int rc = bench_run(&argc, argv);

    const double base = bench_result_ns("verify/libsodium");
    printf("\nEvery figure also as a multiple of one libsodium crypto_sign_verify_detached (%.1f us, same run).\n",
           base / 1e3);
    printf("\nFROST DKG, per participant:\n");
    for (int c = 0; c < (big ? 3 : 2); c++)
        for (int p = 0; p < 3; p++)
            print_vs_sodium(names[c][p], base, bench_result_ns(names[c][p]), -1);
    printf("\nFROST signing (crate's published figure, Ryzen 9 5900X, in brackets):\n");
    for (int c = 0; c < 3; c++)
        for (int p = 0; p < 4; p++)
            print_vs_sodium(snames[c][p], base, bench_result_ns(snames[c][p]), crate_ms[c][p]);
    printf("\nCommitment evaluation, per participant:\n");
    const char *evals[4] = { "vss_eval_all/horner/67-of-100", "vss_eval_all/msm/67-of-100",
                             "vss_eval_all/horner/667-of-1000", "vss_eval_all/msm/667-of-1000" };
    for (int k = 0; k < 4; k++)
        print_vs_sodium(evals[k], base, bench_result_ns_per_item(evals[k]), -1);
    printf("\nCommitment point decoding (DKG part 2 and 3), per point:\n");
    print_vs_sodium("point_decode/single", base, bench_result_ns_per_item("point_decode/single"), -1);
    print_vs_sodium("point_decode/x2", base, bench_result_ns_per_item("point_decode/x2"), -1);
    bench_print_ratio("point_decode/x2", "point_decode/single");
    bench_print_ratio(evals[0], evals[1]);
    bench_print_ratio(evals[2], evals[3]);
    return rc;
}
