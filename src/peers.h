/* The peer table: node index <-> Ed25519 node public key <-> network address, for every configured node
 * (this one included). Built once (from the config or peer by peer), then read-only: lookups by index, by
 * key and by address are binary searches over sorted views (public data, variable time). */
#ifndef TSS_SRC_PEERS_H
#define TSS_SRC_PEERS_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "src/config.h"

#define TSS_PEERS_MAX TSS_CONFIG_MAX_PEERS

typedef struct tss_peer {
    uint32_t index;            /* 1..TSS_PEERS_MAX */
    uint8_t public_key[32];
    struct sockaddr_in address;
} tss_peer;

typedef struct tss_peer_table {
    uint32_t self_index;                   /* 0 until set */
    size_t n;
    tss_peer peers[TSS_PEERS_MAX];         /* sorted by index */
    uint16_t by_key[TSS_PEERS_MAX];        /* positions in peers, sorted by public key */
    uint16_t by_addr[TSS_PEERS_MAX];       /* positions in peers, sorted by (address, port) */
} tss_peer_table;

/* An empty table for the node with this index (checked when the table is complete: see has_self). */
int tss_peer_table_init(tss_peer_table *t, uint32_t self_index);

/* Adds a peer. TSS_ERR_INVALID_ARG (index 0 or > TSS_PEERS_MAX, not AF_INET), TSS_ERR_ENCODING (key is
 * not a valid Ed25519 point), TSS_ERR_DUPLICATE (index, key or address already present),
 * TSS_ERR_CAPACITY (full). */
int tss_peer_table_add(tss_peer_table *t, uint32_t index, const uint8_t public_key[32],
                       const struct sockaddr_in *address);

/* Builds the table from a loaded config (self = node.index). Errors as tss_peer_table_add; TSS_ERR_NOT_FOUND
 * if the config's own index has no peer entry. */
int tss_peer_table_from_config(tss_peer_table *t, const tss_config *cfg);

/* TSS_OK if this node's entry exists and carries public_key (e.g. the identity key loaded at start-up);
 * TSS_ERR_NOT_FOUND (no entry) or TSS_ERR_VERIFY (another key). */
int tss_peer_table_check_self(const tss_peer_table *t, const uint8_t public_key[32]);

/* Lookups: the peer, or NULL. */
const tss_peer *tss_peer_by_index(const tss_peer_table *t, uint32_t index);
const tss_peer *tss_peer_by_key(const tss_peer_table *t, const uint8_t public_key[32]);
const tss_peer *tss_peer_by_address(const tss_peer_table *t, const struct sockaddr_in *address);
const tss_peer *tss_peer_self(const tss_peer_table *t);

#endif
