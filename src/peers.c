#include "src/peers.h"

#include "tss/common.h"

#include <arpa/inet.h>
#include <sodium.h>
#include <string.h>

static int cmp_addr(const struct sockaddr_in *a, const struct sockaddr_in *b)
{
    uint32_t x = ntohl(a->sin_addr.s_addr), y = ntohl(b->sin_addr.s_addr);
    if (x != y)
        return x < y ? -1 : 1;
    uint16_t p = ntohs(a->sin_port), q = ntohs(b->sin_port);
    return p < q ? -1 : p > q;
}

int tss_peer_table_init(tss_peer_table *t, uint32_t self_index)
{
    if (t == NULL)
        return TSS_ERR_INVALID_ARG;
    memset(t, 0, sizeof *t);
    if (self_index == 0 || self_index > TSS_PEERS_MAX)
        return TSS_ERR_INVALID_ARG;
    t->self_index = self_index;
    return TSS_OK;
}

/* Position where key would go in by_key; *found set if present. */
static size_t key_slot(const tss_peer_table *t, const uint8_t key[32], int *found)
{
    size_t lo = 0, hi = t->n;
    *found = 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = memcmp(t->peers[t->by_key[mid]].public_key, key, 32);
        if (c == 0) {
            *found = 1;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static size_t addr_slot(const tss_peer_table *t, const struct sockaddr_in *addr, int *found)
{
    size_t lo = 0, hi = t->n;
    *found = 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cmp_addr(&t->peers[t->by_addr[mid]].address, addr);
        if (c == 0) {
            *found = 1;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static size_t index_slot(const tss_peer_table *t, uint32_t index, int *found)
{
    size_t lo = 0, hi = t->n;
    *found = 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->peers[mid].index == index) {
            *found = 1;
            return mid;
        }
        if (t->peers[mid].index < index)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Inserting at position pos shifts every stored position >= pos by one. */
static void shift_positions(uint16_t *view, size_t n, size_t pos)
{
    for (size_t i = 0; i < n; i++)
        if (view[i] >= pos)
            view[i]++;
}

static void insert_at(uint16_t *view, size_t n, size_t at, uint16_t value)
{
    memmove(view + at + 1, view + at, (n - at) * sizeof view[0]);
    view[at] = value;
}

int tss_peer_table_add(tss_peer_table *t, uint32_t index, const uint8_t public_key[32],
                       const struct sockaddr_in *address)
{
    if (t == NULL || public_key == NULL || address == NULL || index == 0 || index > TSS_PEERS_MAX ||
        address->sin_family != AF_INET)
        return TSS_ERR_INVALID_ARG;
    if (!crypto_core_ed25519_is_valid_point(public_key))
        return TSS_ERR_ENCODING;
    if (t->n == TSS_PEERS_MAX)
        return TSS_ERR_CAPACITY;
    int fi, fk, fa;
    size_t pos = index_slot(t, index, &fi);
    size_t kpos = key_slot(t, public_key, &fk);
    size_t apos = addr_slot(t, address, &fa);
    if (fi || fk || fa)
        return TSS_ERR_DUPLICATE;
    memmove(&t->peers[pos + 1], &t->peers[pos], (t->n - pos) * sizeof t->peers[0]);
    tss_peer *p = &t->peers[pos];
    memset(p, 0, sizeof *p);
    p->index = index;
    memcpy(p->public_key, public_key, 32);
    p->address.sin_family = AF_INET;
    p->address.sin_addr = address->sin_addr;
    p->address.sin_port = address->sin_port;
    shift_positions(t->by_key, t->n, pos);
    shift_positions(t->by_addr, t->n, pos);
    insert_at(t->by_key, t->n, kpos, (uint16_t)pos);
    insert_at(t->by_addr, t->n, apos, (uint16_t)pos);
    t->n++;
    return TSS_OK;
}

int tss_peer_table_from_config(tss_peer_table *t, const tss_config *cfg)
{
    if (t == NULL || cfg == NULL)
        return TSS_ERR_INVALID_ARG;
    int rc = tss_peer_table_init(t, cfg->node.index);
    for (size_t i = 0; rc == TSS_OK && i < cfg->n_peers; i++)
        rc = tss_peer_table_add(t, cfg->peers[i].index, cfg->peers[i].public_key, &cfg->peers[i].address);
    if (rc == TSS_OK && tss_peer_self(t) == NULL)
        rc = TSS_ERR_NOT_FOUND;
    if (rc != TSS_OK)
        memset(t, 0, sizeof *t);
    return rc;
}

int tss_peer_table_check_self(const tss_peer_table *t, const uint8_t public_key[32])
{
    if (t == NULL || public_key == NULL)
        return TSS_ERR_INVALID_ARG;
    const tss_peer *self = tss_peer_self(t);
    if (self == NULL)
        return TSS_ERR_NOT_FOUND;
    return memcmp(self->public_key, public_key, 32) == 0 ? TSS_OK : TSS_ERR_VERIFY;
}

const tss_peer *tss_peer_by_index(const tss_peer_table *t, uint32_t index)
{
    if (t == NULL)
        return NULL;
    int found;
    size_t pos = index_slot(t, index, &found);
    return found ? &t->peers[pos] : NULL;
}

const tss_peer *tss_peer_by_key(const tss_peer_table *t, const uint8_t public_key[32])
{
    if (t == NULL || public_key == NULL)
        return NULL;
    int found;
    size_t pos = key_slot(t, public_key, &found);
    return found ? &t->peers[t->by_key[pos]] : NULL;
}

const tss_peer *tss_peer_by_address(const tss_peer_table *t, const struct sockaddr_in *address)
{
    if (t == NULL || address == NULL || address->sin_family != AF_INET)
        return NULL;
    int found;
    size_t pos = addr_slot(t, address, &found);
    return found ? &t->peers[t->by_addr[pos]] : NULL;
}

const tss_peer *tss_peer_self(const tss_peer_table *t)
{
    return t == NULL ? NULL : tss_peer_by_index(t, t->self_index);
}
