/* A set of Ed25519 signatures to verify in benchmarks (bench_sigs.h). */
#include "bench_sigs.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "tss/ed25519.h"

int bench_sigs_init(bench_sigs *s, size_t n, size_t msg_len)
{
    memset(s, 0, sizeof *s);
    s->n = n;
    s->msg_len = msg_len;
    s->pk = malloc(n * sizeof *s->pk);
    s->sig = malloc(n * sizeof *s->sig);
    s->msg = malloc(n * msg_len + 1);
    s->sigs = malloc(n * sizeof *s->sigs);
    s->pks = malloc(n * sizeof *s->pks);
    s->msgs = malloc(n * sizeof *s->msgs);
    s->lens = malloc(n * sizeof *s->lens);
    s->ok = malloc(n * sizeof *s->ok);
    s->scratch_len = tss_ed25519_verify_batch_scratch_size(n);
    s->scratch = malloc(s->scratch_len);
    if (s->pk == NULL || s->sig == NULL || s->msg == NULL || s->sigs == NULL || s->pks == NULL || s->msgs == NULL ||
        s->lens == NULL || s->ok == NULL || s->scratch == NULL) {
        bench_sigs_free(s);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        uint8_t sk[64];
        uint8_t *m = s->msg + i * msg_len;
        randombytes_buf(m, msg_len);
        int rc = tss_ed25519_keypair(s->pk[i], sk);
        if (rc == TSS_OK) rc = tss_ed25519_sign(s->sig[i], m, msg_len, sk);
        sodium_memzero(sk, sizeof sk);
        if (rc != TSS_OK) {
            bench_sigs_free(s);
            return -1;
        }
        s->sigs[i] = s->sig[i];
        s->pks[i] = s->pk[i];
        s->msgs[i] = m;
        s->lens[i] = msg_len;
    }
    return 0;
}

void bench_sigs_free(bench_sigs *s)
{
    free(s->pk);
    free(s->sig);
    free(s->msg);
    free(s->sigs);
    free(s->pks);
    free(s->msgs);
    free(s->lens);
    free(s->ok);
    free(s->scratch);
    memset(s, 0, sizeof *s);
}
