/* The edwards25519 group: extended twisted Edwards coordinates (X:Y:Z:T), x = X/Z, y = Y/Z, xy = T/Z.
 * Functions on secret data are constant time; those ending in _vartime are for public data only.
 * Outputs may alias inputs. Scalars must be canonical (sc25519 guarantees < L); the multiplications
 * rely on a < 2^253. Addition and doubling are complete: any curve point is a valid input, including
 * the identity and points of small or mixed order. */
#ifndef TSS_GE25519_H
#define TSS_GE25519_H

#include <stddef.h>
#include <stdint.h>
#include "crypto/fe25519.h"
#include "crypto/sc25519.h"

typedef struct { fe25519 X, Y, Z, T; } ge25519_p3;       /* extended */
typedef struct { fe25519 X, Y, Z; } ge25519_p2;          /* projective */
typedef struct { fe25519 X, Y, Z, T; } ge25519_p1p1;     /* completed ((X:Z),(Y:T)) */
typedef struct { fe25519 YplusX, YminusX, Z, T2d; } ge25519_cached;
typedef struct { fe25519 yplusx, yminusx, xy2d; } ge25519_precomp;   /* affine, Z = 1 */

/* Decoding. Both return 0 on success and -1 if the bytes are not a curve point.
 * zip215: y >= p is accepted (reduced), x = 0 with the sign bit set is accepted.
 * canonical: RFC 8032 strict decoding, rejects y >= p and "negative zero". */
int ge25519_frombytes_zip215(ge25519_p3 *h, const uint8_t s[32]);
int ge25519_frombytes_canonical(ge25519_p3 *h, const uint8_t s[32]);
void ge25519_tobytes(uint8_t s[32], const ge25519_p3 *h);

void ge25519_identity(ge25519_p3 *h);
void ge25519_add(ge25519_p3 *r, const ge25519_p3 *p, const ge25519_p3 *q);
void ge25519_sub(ge25519_p3 *r, const ge25519_p3 *p, const ge25519_p3 *q);
void ge25519_dbl(ge25519_p3 *r, const ge25519_p3 *p);
void ge25519_neg(ge25519_p3 *r, const ge25519_p3 *p);
void ge25519_mul_by_cofactor(ge25519_p3 *r, const ge25519_p3 *p);   /* [8]p */

/* Lower-level steps for hand-written chains (MSM, Straus). */
void ge25519_p3_to_cached(ge25519_cached *r, const ge25519_p3 *p);
void ge25519_p3_to_p2(ge25519_p2 *r, const ge25519_p3 *p);
void ge25519_p1p1_to_p2(ge25519_p2 *r, const ge25519_p1p1 *p);
void ge25519_p1p1_to_p3(ge25519_p3 *r, const ge25519_p1p1 *p);
void ge25519_p2_dbl(ge25519_p1p1 *r, const ge25519_p2 *p);
void ge25519_add_cached(ge25519_p1p1 *r, const ge25519_p3 *p, const ge25519_cached *q);
void ge25519_sub_cached(ge25519_p1p1 *r, const ge25519_p3 *p, const ge25519_cached *q);
void ge25519_add_precomp(ge25519_p1p1 *r, const ge25519_p3 *p, const ge25519_precomp *q);
void ge25519_sub_precomp(ge25519_p1p1 *r, const ge25519_p3 *p, const ge25519_precomp *q);

int ge25519_is_identity(const ge25519_p3 *p);        /* 1 if p is the neutral element */
int ge25519_is_small_order(const ge25519_p3 *p);     /* 1 if [8]p is the neutral element */
int ge25519_eq(const ge25519_p3 *p, const ge25519_p3 *q);   /* 1 if same point */

/* The base point B. */
void ge25519_base(ge25519_p3 *h);

/* r = [a]B, constant time (fixed-window over a table generated at build time). */
void ge25519_scalarmult_base(ge25519_p3 *r, const sc25519 *a);
/* r = [a]P, constant time. */
void ge25519_scalarmult(ge25519_p3 *r, const sc25519 *a, const ge25519_p3 *p);
/* r = [a]A + [b]B, variable time (public data). */
void ge25519_double_scalarmult_base_vartime(ge25519_p3 *r, const sc25519 *a, const ge25519_p3 *A,
                                            const sc25519 *b);
/* r = [a]P, variable time (public data). */
void ge25519_scalarmult_vartime(ge25519_p3 *r, const sc25519 *a, const ge25519_p3 *p);

/* The base-table entries used by ge25519_double_scalarmult_base_vartime. */
const ge25519_precomp *ge25519_base_odd_multiples_table(void); /* [1,3,...,127]B, 64 entries */

/* Building blocks for other multiplication algorithms (MSM, batch verification, table generation). */
void ge25519_p3_to_precomp(ge25519_precomp *r, const ge25519_p3 *p);   /* affine; costs an inversion */
void ge25519_cached_identity(ge25519_cached *r);
void ge25519_cached_cmov(ge25519_cached *r, const ge25519_cached *a, unsigned int b);
void ge25519_precomp_cmov(ge25519_precomp *r, const ge25519_precomp *a, unsigned int b);
/* r = [digit]table[0] for digit in [-8, 8], table[j] = [j + 1]P; constant time in digit; r not in table. */
void ge25519_cached_select(ge25519_cached *r, const ge25519_cached table[8], int8_t digit);
/* r = [digit]row[0] for digit in [-8, 8], row[j] = [j + 1]P (affine); constant time in digit. */
void ge25519_precomp_select(ge25519_precomp *r, const ge25519_precomp row[8], int8_t digit);
/* 64 signed radix-16 digits in [-8, 8) (top digit <= 8) with a = sum e[i] 16^i; constant time. */
void ge25519_scalar_to_radix16(int8_t e[64], const sc25519 *a);
/* Width-w NAF (2 <= w <= 8) of a public scalar: odd digits in (-2^(w-1), 2^(w-1)), a = sum naf[i] 2^i. */
void ge25519_wnaf_vartime(int8_t naf[256], const sc25519 *a, unsigned int w);
/* table[i] = [2i + 1]p for i < n (n >= 1). */
void ge25519_odd_multiples_cached(ge25519_cached *table, size_t n, const ge25519_p3 *p);

#endif
