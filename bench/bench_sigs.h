/* A set of Ed25519 signatures to verify in benchmarks: n distinct keys, each signing its own random message,
 * laid out both as rows and as the pointer arrays the batch API takes, with scratch for a batch of all n. */
#ifndef TSS_BENCH_SIGS_H
#define TSS_BENCH_SIGS_H

#include <stddef.h>
#include <stdint.h>

typedef struct bench_sigs {
    size_t n, msg_len;
    uint8_t (*pk)[32];
    uint8_t (*sig)[64];
    uint8_t *msg; /* n messages of msg_len bytes */
    const uint8_t **sigs, **pks, **msgs;
    size_t *lens;
    int *ok; /* per-signature results of a batch */
    void *scratch;
    size_t scratch_len;
} bench_sigs;

/* Generates the set (tss_init first): 0, or -1 when out of memory (nothing to free). */
int bench_sigs_init(bench_sigs *s, size_t n, size_t msg_len);
void bench_sigs_free(bench_sigs *s);

#endif
