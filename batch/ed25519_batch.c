/* Batch Ed25519 verification (ZIP-215 rules, see include/tss/ed25519.h).
 *
 * For the signatures that decode, with random nonzero 128-bit z_i:
 *   [8]( [sum z_i S_i]B + sum_i [z_i](-R_i) + sum_A [sum_{i: A_i = A} z_i k_i](-A) ) = 0
 * is one multi-scalar multiplication: the R terms have 128-bit scalars (half-length windows) and
 * signatures under the same public-key bytes share one A term (and one decompression).
 * Since [8]e_i lies in the prime-order subgroup and z_i is invertible mod L, a batch of valid signatures
 * always passes, and a batch with an invalid one fails except with probability about 2^-128.
 * When a batch fails it is bisected, re-using the decoded points, down to groups of at most
 * SINGLE_CHECK_MAX signatures, which are checked one by one with the single-signature equation. */
#include "tss/ed25519.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "batch/msm.h"
#include "crypto/ed25519_backend.h"
#include "crypto/ed25519_internal.h"
#include "crypto/ge25519.h"
#include "crypto/sc25519.h"
#include "util/bytes.h"

#define SCRATCH_ALIGN 16
#define SINGLE_CHECK_MAX 2
#define DECODE_GROUP 16 /* decodings handed to the backend at once (a multiple of its lanes) */
#define HASH_GROUP 16   /* challenge hashes handed to the backend at once */
/* Below this many signatures one verification each is faster than the batch equation (IFMA: 26-52 us per
 * signature in batches of 1-3, 17 us alone; equal at 4), with the same verdicts. */
#define SMALL_BATCH 4

typedef struct {
    const uint8_t *pk;
    uint32_t sig; /* chunk-local signature index */
} pk_ref;

/* The scratch, carved for a chunk capacity m. */
typedef struct {
    size_t m;
    ge25519_p3 *pts;    /* [0, m): -A per distinct key; [m, 2m): -R_i */
    sc25519 *S, *k, *z, *zk, *zs;
    sc25519 *tscal;     /* MSM term scalars, up to 2m */
    uint32_t *tidx;     /* MSM term point indices, up to 2m */
    uint32_t *akey;     /* signature -> distinct key index */
    uint32_t *stamp;    /* distinct key -> last check that used it */
    uint32_t *slot;     /* distinct key -> its term in the current check */
    uint32_t *live;     /* signatures that decoded, in order */
    pk_ref *sorted;
    uint8_t *rnd;       /* 16 bytes per signature */
    uint8_t *status;    /* per signature: 1 valid */
    void *msm;
    size_t msm_len;
    uint32_t check_id;
    const tss_ed25519_ops *ops; /* the verification backend (crypto/ed25519_backend.h) */
} batch_ws;

static size_t region(size_t bytes)
{
    return (bytes + (SCRATCH_ALIGN - 1)) & ~(size_t)(SCRATCH_ALIGN - 1);
}

/* Carves base (already aligned) into ws when ws is non-NULL; returns the bytes used. */
static size_t layout(batch_ws *ws, uint8_t *base, size_t m)
{
    size_t off = 0;
#define CARVE(field, type, count)                                              \
    do {                                                                       \
        if (ws) ws->field = (type *)(void *)(base + off);                      \
        off += region((count) * sizeof(type));                                 \
    } while (0)
    CARVE(pts, ge25519_p3, 2 * m);
    CARVE(S, sc25519, m);
    CARVE(k, sc25519, m);
    CARVE(z, sc25519, m);
    CARVE(zk, sc25519, m);
    CARVE(zs, sc25519, m);
    CARVE(tscal, sc25519, 2 * m);
    CARVE(tidx, uint32_t, 2 * m);
    CARVE(akey, uint32_t, m);
    CARVE(stamp, uint32_t, m);
    CARVE(slot, uint32_t, m);
    CARVE(live, uint32_t, m);
    CARVE(sorted, pk_ref, m);
    CARVE(rnd, uint8_t, 16 * m);
    CARVE(status, uint8_t, m);
#undef CARVE
    const size_t msm_len = tss_ed25519_msm_scratch_size_any(2 * m);
    if (ws) {
        ws->m = m;
        ws->msm = base + off;
        ws->msm_len = msm_len;
    }
    return off + region(msm_len);
}

size_t tss_ed25519_verify_batch_scratch_size(size_t n)
{
    const size_t m = n < TSS_ED25519_BATCH_CHUNK ? n : TSS_ED25519_BATCH_CHUNK;
    return SCRATCH_ALIGN + layout(NULL, NULL, m);
}

static int cmp_pk(const void *a, const void *b)
{
    const pk_ref *x = a, *y = b;
    const int c = memcmp(x->pk, y->pk, 32);
    if (c) return c;
    return (x->sig > y->sig) - (x->sig < y->sig);
}

/* 0 if sum over live[lo, hi) of the batch equation holds, -1 otherwise. */
static int check_range(batch_ws *ws, size_t lo, size_t hi)
{
    const uint32_t id = ++ws->check_id;
    const size_t m = ws->m;
    size_t n_keys = 0;
    sc25519 b;
    sc25519_zero(&b);
    for (size_t j = lo; j < hi; j++) {
        const uint32_t i = ws->live[j];
        const uint32_t a = ws->akey[i];
        if (ws->stamp[a] != id) {
            ws->stamp[a] = id;
            ws->slot[a] = (uint32_t)n_keys;
            ws->tidx[n_keys] = a;
            ws->tscal[n_keys] = ws->zk[i];
            n_keys++;
        } else {
            sc25519_add(&ws->tscal[ws->slot[a]], &ws->tscal[ws->slot[a]], &ws->zk[i]);
        }
        sc25519_add(&b, &b, &ws->zs[i]);
    }
    const size_t n_sigs = hi - lo;
    for (size_t j = 0; j < n_sigs; j++) {
        const uint32_t i = ws->live[lo + j];
        ws->tidx[n_keys + j] = (uint32_t)(m + i);
        ws->tscal[n_keys + j] = ws->z[i];
    }
    ge25519_p3 P;
    if (ws->ops->msm_split(&P, &b, ws->tscal, ws->pts, ws->tidx, n_keys, n_sigs, ws->msm, ws->msm_len) != 0) {
        return -1; /* cannot happen: the scratch was sized for 2m terms and z_i < 2^128 */
    }
    ge25519_mul_by_cofactor(&P, &P);
    return ge25519_is_identity(&P) ? 0 : -1;
}

static void mark_range(batch_ws *ws, size_t lo, size_t hi, uint8_t v)
{
    for (size_t j = lo; j < hi; j++) ws->status[ws->live[j]] = v;
}

/* live[lo, hi) is known to fail as a whole: find exactly which signatures are invalid. */
static void bisect(batch_ws *ws, size_t lo, size_t hi)
{
    if (hi - lo <= SINGLE_CHECK_MAX) {
        for (size_t j = lo; j < hi; j++) {
            const uint32_t i = ws->live[j];
            ws->status[i] = tss_ed25519_check_decoded_ops(ws->ops, &ws->S[i], &ws->k[i], &ws->pts[ws->akey[i]],
                                                      &ws->pts[ws->m + i]) == 0;
        }
        return;
    }
    const size_t mid = lo + (hi - lo) / 2;
    if (check_range(ws, lo, mid) == 0) {
        mark_range(ws, lo, mid, 1);
        bisect(ws, mid, hi); /* the left half holds, so the failure is on the right */
        return;
    }
    bisect(ws, lo, mid);
    if (check_range(ws, mid, hi) == 0) {
        mark_range(ws, mid, hi, 1);
    } else {
        bisect(ws, mid, hi);
    }
}

/* Verifies n <= ws->m signatures, writing ws->status. */
static void verify_chunk(batch_ws *ws, const uint8_t *const sigs[], const uint8_t *const msgs[],
                         const size_t msg_lens[], const uint8_t *const pks[], size_t n)
{
    const size_t m = ws->m;
    memset(ws->status, 0, n);
    /* canonical S, then R (DECODE_GROUP at a time, through the backend); live[] temporarily lists the candidates */
    size_t n_cand = 0;
    for (size_t i = 0; i < n; i++) {
        const uint8_t *sig = sigs[i];
        if (!sig || !pks[i] || (!msgs[i] && msg_lens[i])) continue;
        if (sc25519_from_bytes_canonical(&ws->S[i], sig + 32) != 0) continue;
        ws->live[n_cand++] = (uint32_t)i;
    }
    size_t n_sorted = 0;
    for (size_t j = 0; j < n_cand; j += DECODE_GROUP) {
        const size_t g = n_cand - j < DECODE_GROUP ? n_cand - j : DECODE_GROUP;
        ge25519_p3 *out[DECODE_GROUP];
        const uint8_t *enc[DECODE_GROUP];
        uint8_t oks[DECODE_GROUP];
        for (size_t t = 0; t < g; t++) {
            out[t] = &ws->pts[m + ws->live[j + t]];
            enc[t] = sigs[ws->live[j + t]];
        }
        ws->ops->decode_zip215_neg(out, enc, g, oks); /* the equation takes -R */
        for (size_t t = 0; t < g; t++) {
            if (!oks[t]) continue;
            const uint32_t i = ws->live[j + t];
            ws->sorted[n_sorted].pk = pks[i];
            ws->sorted[n_sorted].sig = i;
            n_sorted++;
        }
    }
    /* one decompression and one MSM term per distinct public-key encoding: group by bytes, then decode
     * the group leaders DECODE_GROUP at a time (live[] holds the group starts meanwhile) */
    qsort(ws->sorted, n_sorted, sizeof(pk_ref), cmp_pk);
    size_t n_keys = 0;
    for (size_t j = 0; j < n_sorted;) {
        size_t e = j + 1;
        while (e < n_sorted && memcmp(ws->sorted[e].pk, ws->sorted[j].pk, 32) == 0) e++;
        ws->live[n_keys++] = (uint32_t)j;
        j = e;
    }
    size_t n_good = 0;
    for (size_t g = 0; g < n_keys; g += DECODE_GROUP) {
        const size_t cnt = n_keys - g < DECODE_GROUP ? n_keys - g : DECODE_GROUP;
        ge25519_p3 *out[DECODE_GROUP];
        const uint8_t *enc[DECODE_GROUP];
        uint8_t oks[DECODE_GROUP];
        for (size_t t = 0; t < cnt; t++) {
            out[t] = &ws->pts[g + t];
            enc[t] = ws->sorted[ws->live[g + t]].pk;
        }
        ws->ops->decode_zip215_neg(out, enc, cnt, oks); /* and -A */
        for (size_t t = 0; t < cnt; t++) {
            if (!oks[t]) continue;
            /* compact: key g + t becomes key n_good (n_good <= g + t, so nothing unread is overwritten) */
            ws->pts[n_good] = ws->pts[g + t];
            const size_t lo = ws->live[g + t], hi = g + t + 1 < n_keys ? ws->live[g + t + 1] : n_sorted;
            for (size_t k = lo; k < hi; k++) {
                ws->akey[ws->sorted[k].sig] = (uint32_t)n_good;
                ws->status[ws->sorted[k].sig] = 1;
            }
            n_good++;
        }
    }
    n_keys = n_good;
    size_t n_live = 0;
    for (size_t i = 0; i < n; i++) {
        if (ws->status[i]) ws->live[n_live++] = (uint32_t)i;
    }
    if (n_live == 0) return;

    /* the challenges, HASH_GROUP at a time through the backend (several SHA-512s in vector lanes) */
    for (size_t j = 0; j < n_live; j += HASH_GROUP) {
        const size_t g = n_live - j < HASH_GROUP ? n_live - j : HASH_GROUP;
        sc25519 *kp[HASH_GROUP];
        const uint8_t *R[HASH_GROUP], *A[HASH_GROUP], *M[HASH_GROUP];
        size_t L[HASH_GROUP];
        for (size_t t = 0; t < g; t++) {
            const uint32_t i = ws->live[j + t];
            kp[t] = &ws->k[i];
            R[t] = sigs[i];
            A[t] = pks[i];
            M[t] = msgs[i];
            L[t] = msg_lens[i];
        }
        ws->ops->challenge_n(kp, R, A, M, L, g);
    }
    randombytes_buf(ws->rnd, 16 * n_live);
    for (size_t j = 0; j < n_live; j++) {
        const uint32_t i = ws->live[j];
        sc25519 *z = &ws->z[i];
        z->v[0] = tss_load_le64(ws->rnd + 16 * j);
        z->v[1] = tss_load_le64(ws->rnd + 16 * j + 8);
        z->v[2] = z->v[3] = 0;
        if ((z->v[0] | z->v[1]) == 0) z->v[0] = 1; /* z_i must be invertible mod L */
        sc25519_mul(&ws->zk[i], z, &ws->k[i]);
        sc25519_mul(&ws->zs[i], z, &ws->S[i]);
    }
    memset(ws->stamp, 0, n_keys * sizeof(uint32_t));
    ws->check_id = 0;
    if (check_range(ws, 0, n_live) != 0) bisect(ws, 0, n_live);
}

int tss_ed25519_verify_batch_scratch(const uint8_t *const sigs[], const uint8_t *const msgs[],
                                     const size_t msg_lens[], const uint8_t *const pks[], size_t n, int ok[],
                                     void *scratch, size_t scratch_len)
{
    return tss_ed25519_verify_batch_scratch_backend(TSS_BACKEND_AUTO, sigs, msgs, msg_lens, pks, n, ok, scratch,
                                                    scratch_len);
}

int tss_ed25519_verify_batch_scratch_backend(tss_backend backend, const uint8_t *const sigs[],
                                             const uint8_t *const msgs[], const size_t msg_lens[],
                                             const uint8_t *const pks[], size_t n, int ok[], void *scratch,
                                             size_t scratch_len)
{
    if (n == 0) return 0;
    if (ok) memset(ok, 0, n * sizeof(int));
    if (!sigs || !msgs || !msg_lens || !pks || !scratch) return -1;
    const size_t m = n < TSS_ED25519_BATCH_CHUNK ? n : TSS_ED25519_BATCH_CHUNK;
    if (scratch_len < tss_ed25519_verify_batch_scratch_size(m)) return -1;

    if (n < SMALL_BATCH) {
        int all = 1;
        for (size_t i = 0; i < n; i++) {
            const int v = tss_ed25519_verify_backend(backend, sigs[i], msgs[i], msg_lens[i], pks[i]) == 0;
            if (ok) ok[i] = v;
            all &= v;
        }
        return all ? 0 : -1;
    }
    batch_ws ws;
    ws.ops = tss_ed25519_ops_get(backend);
    const uintptr_t u = (uintptr_t)scratch;
    layout(&ws, (uint8_t *)((u + (SCRATCH_ALIGN - 1)) & ~(uintptr_t)(SCRATCH_ALIGN - 1)), m);

    int all = 1;
    for (size_t off = 0; off < n; off += m) {
        const size_t c = n - off < m ? n - off : m;
        verify_chunk(&ws, sigs + off, msgs + off, msg_lens + off, pks + off, c);
        for (size_t i = 0; i < c; i++) {
            if (!ws.status[i]) all = 0;
            if (ok) ok[off + i] = ws.status[i];
        }
    }
    return all ? 0 : -1;
}

int tss_ed25519_verify_batch(const uint8_t *const sigs[], const uint8_t *const msgs[], const size_t msg_lens[],
                             const uint8_t *const pks[], size_t n, int ok[])
{
    if (n == 0) return 0;
    const size_t len = tss_ed25519_verify_batch_scratch_size(n);
    void *scratch = malloc(len);
    if (scratch) {
        const int rc = tss_ed25519_verify_batch_scratch(sigs, msgs, msg_lens, pks, n, ok, scratch, len);
        free(scratch);
        return rc;
    }
    /* no memory for the batch: the single verifier gives the same verdicts */
    if (ok) memset(ok, 0, n * sizeof(int));
    if (!sigs || !msgs || !msg_lens || !pks) return -1;
    int all = 1;
    for (size_t i = 0; i < n; i++) {
        const int v = tss_ed25519_verify(sigs[i], msgs[i], msg_lens[i], pks[i]) == 0;
        if (ok) ok[i] = v;
        if (!v) all = 0;
    }
    return all ? 0 : -1;
}
