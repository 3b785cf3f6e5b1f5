/* Keccak-256 (Ethereum: original Keccak padding 0x01) and SHA3-256 (FIPS 202 padding 0x06), rate 136 bytes.
 * Incremental: init, update any number of times, final (which wipes the state). */
#ifndef TSS_KECCAK_H
#define TSS_KECCAK_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t a[25];
    size_t pos;       /* bytes absorbed into the current block */
    uint8_t pad;      /* 0x01 Keccak, 0x06 SHA3 */
} keccak256_state;

void keccak256_init(keccak256_state *st);
void sha3_256_init(keccak256_state *st);
void keccak256_update(keccak256_state *st, const uint8_t *in, size_t len);
void keccak256_final(keccak256_state *st, uint8_t out[32]);
void keccak256(uint8_t out[32], const uint8_t *in, size_t len);
void sha3_256(uint8_t out[32], const uint8_t *in, size_t len);

#endif
