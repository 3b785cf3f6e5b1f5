/* FROST participant identifiers: nonzero scalars, ordered numerically (as frost-core orders them). */
#include <string.h>
#include <sodium.h>

#include "crypto/frost_internal.h"

int tss_frost_identifier_from_u64(tss_frost_identifier *id, uint64_t x)
{
    if (id == NULL)
        return TSS_ERR_INVALID_ARG;
    if (x == 0)
        return TSS_ERR_ZERO_ID;
    memset(id->bytes, 0, sizeof id->bytes);
    for (int i = 0; i < 8; i++)
        id->bytes[i] = (uint8_t)(x >> (8 * i));
    return TSS_OK;
}

int tss_frost_identifier_derive(tss_frost_identifier *id, const uint8_t *s, size_t s_len)
{
    if (id == NULL || (s == NULL && s_len != 0))
        return TSS_ERR_INVALID_ARG;
    sc25519 x;
    frost_hid(&x, s, s_len);
    if (sc25519_is_zero(&x))
        return TSS_ERR_ZERO_ID;
    sc25519_to_bytes(id->bytes, &x);
    return TSS_OK;
}

int frost_identifier_scalar(sc25519 *x, const tss_frost_identifier *id)
{
    if (sc25519_from_bytes_canonical(x, id->bytes) != 0)
        return TSS_ERR_ENCODING;
    if (sc25519_is_zero(x))
        return TSS_ERR_ZERO_ID;
    return TSS_OK;
}

int tss_frost_identifier_validate(const tss_frost_identifier *id)
{
    if (id == NULL)
        return TSS_ERR_INVALID_ARG;
    sc25519 x;
    return frost_identifier_scalar(&x, id);
}

int tss_frost_identifier_from_bytes(tss_frost_identifier *id, const uint8_t bytes[32])
{
    if (id == NULL || bytes == NULL)
        return TSS_ERR_INVALID_ARG;
    tss_frost_identifier tmp;
    memcpy(tmp.bytes, bytes, 32);
    int rc = tss_frost_identifier_validate(&tmp);
    if (rc != TSS_OK)
        return rc;
    *id = tmp;
    return TSS_OK;
}

int tss_frost_identifier_to_u64(uint64_t *x, const tss_frost_identifier *id)
{
    if (x == NULL || id == NULL)
        return TSS_ERR_INVALID_ARG;
    for (int i = 8; i < 32; i++)
        if (id->bytes[i] != 0)
            return TSS_ERR_INVALID_ARG;
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | id->bytes[i];
    *x = v;
    return TSS_OK;
}

static int id_cmp_bytes(const uint8_t *a, const uint8_t *b)
{
    /* Little-endian scalars: the most significant byte is last. */
    for (int i = 31; i >= 0; i--) {
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    }
    return 0;
}

int tss_frost_identifier_cmp(const tss_frost_identifier *a, const tss_frost_identifier *b)
{
    return id_cmp_bytes(a->bytes, b->bytes);
}

int frost_check_sorted_ids(const void *first, size_t stride, size_t n)
{
    const uint8_t *p = first;
    for (size_t k = 0; k < n; k++) {
        const tss_frost_identifier *id = (const tss_frost_identifier *)(const void *)(p + k * stride);
        int rc = tss_frost_identifier_validate(id);
        if (rc != TSS_OK)
            return rc;
        if (k > 0) {
            int c = id_cmp_bytes(p + (k - 1) * stride, p + k * stride);
            if (c == 0)
                return TSS_ERR_DUPLICATE;
            if (c > 0)
                return TSS_ERR_INVALID_ARG;
        }
    }
    return TSS_OK;
}

static void swap_records(uint8_t *a, uint8_t *b, size_t size)
{
    while (size--) {
        uint8_t t = *a;
        *a++ = *b;
        *b++ = t;
    }
}

static void sift_down(uint8_t *base, size_t root, size_t n, size_t size, size_t off)
{
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= n)
            return;
        if (child + 1 < n && id_cmp_bytes(base + child * size + off, base + (child + 1) * size + off) < 0)
            child++;
        if (id_cmp_bytes(base + root * size + off, base + child * size + off) >= 0)
            return;
        swap_records(base + root * size, base + child * size, size);
        root = child;
    }
}

void frost_sort_by_id(void *base, size_t n, size_t size, size_t id_offset)
{
    uint8_t *b = base;
    if (n < 2)
        return;
    for (size_t i = n / 2; i-- > 0;)
        sift_down(b, i, n, size, id_offset);
    for (size_t end = n - 1; end > 0; end--) {
        swap_records(b, b + end * size, size);
        sift_down(b, 0, end, size, id_offset);
    }
}
