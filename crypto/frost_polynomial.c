/* Polynomial evaluation, VSS commitment evaluation and Lagrange interpolation at 0. */
#include <sodium.h>

#include "crypto/frost_internal.h"

void frost_poly_eval(sc25519 *out, const sc25519 *coeffs, size_t t, const sc25519 *x)
{
    sc25519 acc;
    sc25519_zero(&acc);
    for (size_t k = t; k-- > 0;)
        sc25519_muladd(&acc, &acc, x, &coeffs[k]);
    *out = acc;
    sodium_memzero(&acc, sizeof acc);
}

void frost_vss_eval_vartime(ge25519_p3 *out, const ge25519_p3 *commitment, size_t t, const sc25519 *x)
{
    ge25519_p3 acc;
    ge25519_identity(&acc);
    for (size_t k = t; k-- > 0;) {
        ge25519_scalarmult_vartime(&acc, x, &acc);
        ge25519_add(&acc, &acc, &commitment[k]);
    }
    *out = acc;
}

/* num = Π_{j≠i} x_j (num may be NULL), den = Π_{j≠i} (x_j - x_i); x_i is recognised by value
 * (the set is distinct). */
static int lagrange_parts(sc25519 *num, sc25519 *den, const sc25519 *x_i, const sc25519 *xs, size_t n)
{
    int seen = 0;
    if (num != NULL)
        sc25519_one(num);
    sc25519_one(den);
    for (size_t j = 0; j < n; j++) {
        if (sc25519_is_zero(&xs[j]))
            return TSS_ERR_ZERO_ID;
        if (sc25519_eq(&xs[j], x_i)) {
            if (seen)
                return TSS_ERR_DUPLICATE;
            seen = 1;
            continue;
        }
        sc25519 d;
        sc25519_sub(&d, &xs[j], x_i);
        if (num != NULL)
            sc25519_mul(num, num, &xs[j]);
        sc25519_mul(den, den, &d);
    }
    return seen ? TSS_OK : TSS_ERR_NOT_FOUND;
}

int frost_lagrange_at_zero(sc25519 *lambda, const sc25519 *x_i, const sc25519 *xs, size_t n)
{
    sc25519 num, den, inv;
    int rc = lagrange_parts(&num, &den, x_i, xs, n);
    if (rc != TSS_OK)
        return rc;
    sc25519_invert(&inv, &den);
    sc25519_mul(lambda, &num, &inv);
    return TSS_OK;
}

int frost_lagrange_all_at_zero(sc25519 *lambdas, const sc25519 *xs, size_t n, sc25519 *tmp)
{
    /* num_i = P / x_i with P = Π x_j, so λ_i = P / (x_i · den_i): one batch inversion of the x_i · den_i. */
    sc25519 total;
    sc25519_one(&total);
    for (size_t i = 0; i < n; i++) {
        int rc = lagrange_parts(NULL, &lambdas[i], &xs[i], xs, n);
        if (rc != TSS_OK)
            return rc;
        sc25519_mul(&lambdas[i], &lambdas[i], &xs[i]);
        sc25519_mul(&total, &total, &xs[i]);
    }
    if (sc25519_batch_invert_vartime(lambdas, lambdas, tmp, n) != 0)
        return TSS_ERR_DUPLICATE;
    for (size_t i = 0; i < n; i++)
        sc25519_mul(&lambdas[i], &lambdas[i], &total);
    return TSS_OK;
}
