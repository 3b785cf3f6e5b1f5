/* The key registry: the keys this node holds a share of (public parts in memory, NODE_MAX_KEYS at most),
 * their public records and encrypted key packages in the store (layouts in src/node_record.h).
 * Refresh and reshare keep the key id and group key and bump the generation: the new key package is
 * stored under its own record id, then the public record is replaced (the switch-over), then the previous
 * generation's key package is deleted, so a crash at any point leaves one complete generation. */
#include "src/node_internal.h"

#include <sodium.h>
#include <string.h>

#include "tss/frost.h"

node_key *node_key_find(node *n, uint64_t key_id)
{
    for (size_t i = 0; i < n->n_keys; i++)
        if (n->keys[i].key_id == key_id) return &n->keys[i];
    return NULL;
}

/* Stores a finished session's key (DKG, refresh, reshare) as key_id at the result's generation: the new
 * key package first (under its own record id), then the public record that lists the key (replacing the
 * previous generation's: that write is the switch-over, so a crash at any point leaves either the old or
 * the new key usable), then the previous generation's key package is deleted. */
int node_key_persist(node *n, const session_result *r, uint64_t key_id, const node_key *prev, node_key *k)
{
    memset(k, 0, sizeof *k);
    k->key_id = key_id;
    k->generation = r->generation;
    k->threshold = (uint16_t)r->threshold;
    k->n = r->n_participants;
    memcpy(k->group_pk, r->group_key.bytes, 32);
    if (k->n == 0 || k->n > NODE_MAX_P) return TSS_ERR_INVALID_ARG;
    if (prev != NULL && (memcmp(prev->group_pk, k->group_pk, 32) != 0 || prev->generation >= k->generation))
        return TSS_ERR_STATE;
    for (uint16_t i = 0; i < k->n; i++) {
        k->participants[i] = r->participants[i];
        memcpy(k->vshares[i], r->verifying_shares[i].bytes, 32);
    }
    uint8_t secret[TSS_FROST_KEY_PACKAGE_BYTES], sid[NODE_SECRET_ID_MAX];
    size_t slen = 0, sid_len = node_key_secret_id(sid, k->group_pk, k->generation);
    /* A later generation may overwrite a leftover of an interrupted earlier attempt (never the live one,
     * which the public record names with a smaller generation). */
    unsigned flags = k->generation > 0 ? TSS_STORE_REPLACE : 0;
    int rc = tss_frost_key_package_serialize(secret, sizeof secret, &slen, &r->key_package);
    if (rc == TSS_OK) rc = tss_store_put_secret(&n->store, TSS_STORE_KEY_PACKAGE, sid, sid_len, secret, slen, flags);
    sodium_memzero(secret, sizeof secret);
    if (rc != TSS_OK) return rc;
    uint8_t pub[NODE_KEY_RECORD_MAX];
    size_t plen = node_key_encode(pub, sizeof pub, k);
    if (plen == 0) return TSS_ERR_CAPACITY;
    rc = tss_store_put_public(&n->store, TSS_STORE_PUBLIC_KEY_PACKAGE, k->group_pk, 32, pub, plen, flags);
    if (rc == TSS_OK && prev != NULL) {
        uint8_t old_id[NODE_SECRET_ID_MAX];
        size_t old_len = node_key_secret_id(old_id, prev->group_pk, prev->generation);
        if (tss_store_delete(&n->store, TSS_STORE_KEY_PACKAGE, old_id, old_len) != TSS_OK)
            tss_metric_inc(&n->ctr.store_errors);
    }
    return rc;
}

/* A reshare dealer that is not among the new holders: its old share must not outlive the reshare. The
 * public record goes first (the key is no longer listed), then the key package. */
int node_key_forget(node *n, const node_key *k)
{
    uint8_t id[NODE_SECRET_ID_MAX];
    size_t len = node_key_secret_id(id, k->group_pk, k->generation);
    int rc = tss_store_delete(&n->store, TSS_STORE_PUBLIC_KEY_PACKAGE, k->group_pk, 32);
    if (rc == TSS_OK || rc == TSS_ERR_NOT_FOUND) rc = tss_store_delete(&n->store, TSS_STORE_KEY_PACKAGE, id, len);
    return rc == TSS_ERR_NOT_FOUND ? TSS_OK : rc;
}

int node_key_load_package(node *n, const node_key *key, tss_frost_key_package *kp)
{
    uint8_t buf[TSS_FROST_KEY_PACKAGE_BYTES + 16];
    size_t len = 0;
    uint8_t id[NODE_SECRET_ID_MAX];
    size_t id_len = node_key_secret_id(id, key->group_pk, key->generation);
    int rc = tss_store_get_secret(&n->store, TSS_STORE_KEY_PACKAGE, id, id_len, buf, sizeof buf, &len);
    if (rc == TSS_OK) rc = tss_frost_key_package_deserialize(kp, buf, len);
    sodium_memzero(buf, sizeof buf);
    return rc;
}

void node_key_public(const node_key *key, session_key_public *out)
{
    out->generation = key->generation;
    out->t = key->threshold;
    memcpy(out->group_key.bytes, key->group_pk, 32);
    out->n_holders = key->n;
    for (uint16_t j = 0; j < key->n; j++) {
        out->holders[j] = key->participants[j];
        memcpy(out->verifying_shares[j].bytes, key->vshares[j], 32);
    }
}

int node_key_has_holder(const node_key *key, uint16_t idx)
{
    for (uint16_t j = 0; j < key->n; j++)
        if (key->participants[j] == idx) return 1;
    return 0;
}

static int load_key_cb(void *ctx, int kind, const uint8_t *id, size_t id_len, const uint8_t *data, size_t len)
{
    (void)kind;
    node *n = ctx;
    node_key k;
    if (n->n_keys >= NODE_MAX_KEYS) return 1;
    if (data == NULL || id_len != 32 || node_key_decode(&k, data, len) != TSS_OK || memcmp(k.group_pk, id, 32) != 0) {
        tss_metric_inc(&n->ctr.store_errors);
        return 0;
    }
    n->keys[n->n_keys++] = k;
    return 0;
}


int node_keys_load(node *n)
{
    return tss_store_list(&n->store, TSS_STORE_PUBLIC_KEY_PACKAGE, load_key_cb, n);
}
