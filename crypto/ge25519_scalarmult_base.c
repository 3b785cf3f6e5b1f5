/* Fixed-base multiplications over the tables generated at build time (ge25519_base_tables.h). */
#include "crypto/ge25519.h"

#include <sodium.h>

#include "ge25519_base_tables.h"

const ge25519_precomp *ge25519_base_odd_multiples_table(void)
{
    return ge25519_base_odd_multiples;
}

/* a = sum e[i] 16^i: add the odd digits' rows, multiply by 16, add the even digits' rows. */
void ge25519_scalarmult_base(ge25519_p3 *r, const sc25519 *a)
{
    int8_t e[64];
    ge25519_precomp t;
    ge25519_p1p1 s;
    ge25519_p2 q;
    ge25519_p3 h;

    ge25519_scalar_to_radix16(e, a);
    ge25519_identity(&h);
    for (int i = 1; i < 64; i += 2) {
        ge25519_precomp_select(&t, ge25519_base_comb[i / 2], e[i]);
        ge25519_add_precomp(&s, &h, &t);
        ge25519_p1p1_to_p3(&h, &s);
    }
    ge25519_p3_to_p2(&q, &h);
    ge25519_p2_dbl(&s, &q);
    ge25519_p1p1_to_p2(&q, &s);
    ge25519_p2_dbl(&s, &q);
    ge25519_p1p1_to_p2(&q, &s);
    ge25519_p2_dbl(&s, &q);
    ge25519_p1p1_to_p2(&q, &s);
    ge25519_p2_dbl(&s, &q);
    ge25519_p1p1_to_p3(&h, &s);
    for (int i = 0; i < 64; i += 2) {
        ge25519_precomp_select(&t, ge25519_base_comb[i / 2], e[i]);
        ge25519_add_precomp(&s, &h, &t);
        ge25519_p1p1_to_p3(&h, &s);
    }
    *r = h;

    sodium_memzero(e, sizeof e);
    sodium_memzero(&t, sizeof t);
    sodium_memzero(&s, sizeof s);
    sodium_memzero(&q, sizeof q);
    sodium_memzero(&h, sizeof h);
}

/* Straus: interleaved width-5 NAF of a over [1,3,...,15]A and width-8 NAF of b over the base table. */
void ge25519_double_scalarmult_base_vartime(ge25519_p3 *r, const sc25519 *a, const ge25519_p3 *A,
                                            const sc25519 *b)
{
    int8_t anaf[256], bnaf[256];
    ge25519_cached atable[8];
    ge25519_p1p1 t;
    ge25519_p2 q;
    ge25519_p3 u;

    ge25519_wnaf_vartime(anaf, a, 5);
    ge25519_wnaf_vartime(bnaf, b, 8);
    int i = 255;
    while (i >= 0 && anaf[i] == 0 && bnaf[i] == 0) {
        i--;
    }
    if (i < 0) {
        ge25519_identity(r);
        return;
    }
    ge25519_odd_multiples_cached(atable, 8, A);
    ge25519_identity(&u);
    ge25519_p3_to_p2(&q, &u);
    for (; i >= 0; i--) {
        ge25519_p2_dbl(&t, &q);
        if (anaf[i] > 0) {
            ge25519_p1p1_to_p3(&u, &t);
            ge25519_add_cached(&t, &u, &atable[anaf[i] / 2]);
        } else if (anaf[i] < 0) {
            ge25519_p1p1_to_p3(&u, &t);
            ge25519_sub_cached(&t, &u, &atable[(-anaf[i]) / 2]);
        }
        if (bnaf[i] > 0) {
            ge25519_p1p1_to_p3(&u, &t);
            ge25519_add_precomp(&t, &u, &ge25519_base_odd_multiples[bnaf[i] / 2]);
        } else if (bnaf[i] < 0) {
            ge25519_p1p1_to_p3(&u, &t);
            ge25519_sub_precomp(&t, &u, &ge25519_base_odd_multiples[(-bnaf[i]) / 2]);
        }
        if (i > 0) {
            ge25519_p1p1_to_p2(&q, &t);
        }
    }
    ge25519_p1p1_to_p3(r, &t);
}

/* [a]P + [0]B: the Straus loop in ge25519_double_scalarmult_base_vartime with an all-zero base NAF. */
void ge25519_scalarmult_vartime(ge25519_p3 *r, const sc25519 *a, const ge25519_p3 *p)
{
    sc25519 zero;
    sc25519_zero(&zero);
    ge25519_double_scalarmult_base_vartime(r, a, p, &zero);
}
