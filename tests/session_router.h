/* The in-memory network the session tests run on (tests/test_session.c, tests/test_session_maintenance.c):
 * N session instances, a virtual clock, and deterministic seeded loss, duplication, reordering and delay.
 * No envelopes: the router calls session_on_message directly with the true sender index. */
#ifndef TSS_TESTS_SESSION_ROUTER_H
#define TSS_TESTS_SESSION_ROUTER_H

#include <stddef.h>
#include <stdint.h>

#include "src/session.h"
#include "test_support.h"
#include "tss/frost.h"

#define MAXN 10
#define QCAP 16384
#define MAXPAY 5200

typedef struct msg {
    uint64_t at, order;
    uint16_t from, to;
    uint8_t type, round;
    uint16_t len;
    uint8_t data[MAXPAY];
} msg;

struct net;
typedef struct node {
    struct net *net;
    uint16_t idx;
    session *s;
    session_io io;
    session_keys keys;
    int active, done;
    uint64_t next_tick;
    session_result res;
    /* this node's key from the last DKG */
    tss_frost_key_package kp;
    int sends;
} node;

/* A hook may change or drop a message (return 0 to drop) or add delay. */
typedef int (*tamper_fn)(struct net *n, msg *m, uint64_t *delay);

typedef struct net {
    uint64_t now, order;
    tv_rng rng;
    unsigned drop_pct, dup_pct, max_delay;
    msg *q;
    size_t nq;
    uint16_t n;
    node nodes[MAXN + 1];
    uint8_t sk[MAXN + 1][64];
    uint8_t pk[MAXN + 1][32];
    int offline[MAXN + 1];
    uint16_t members[MAXN];
    uint16_t n_members;
    tamper_fn tamper;
    uint16_t bad;       /* node the tamper hook targets */
    uint64_t delivered, dropped;
    session_timing timing;
    /* public key material from the last DKG */
    tss_frost_verifying_key group;
    uint16_t holders[MAXN];
    tss_frost_verifying_share vshares[MAXN];
    uint16_t n_holders;
    void *scratch;
    size_t scratch_len;
} net;

/* A network of n nodes (indices 1..n) with node keys from the seed. */
net *net_new(uint16_t n, uint64_t seed);
void net_free(net *nt);
/* Empties the queue, releases every node's session and sets the members broadcasts go to. */
void net_reset_round(net *nt, const uint16_t *members, uint16_t n_members);
/* Runs until every active node is done and nothing is in flight, or until `limit_ms` of virtual time. */
void net_run(net *nt, uint64_t limit_ms);
/* Asks every active node's session for its next tick (after starting sessions). */
void refresh_ticks(net *nt);
/* DKG with participants 1..n (session id sid); expect_dkg_ok checks every node agrees and records the
 * key (nt->group, holders, vshares; each node's kp). */
void run_dkg(net *nt, uint16_t n, uint16_t t, uint64_t sid);
void expect_dkg_ok(net *nt, uint16_t n, uint16_t t);
/* Starts signing with the recorded key; expect_sign_ok checks every responsive candidate has the same
 * signature, valid under nt->group (libsodium), by t signers, and returns the coordinator. */
void start_sign(net *nt, const uint16_t *cands, uint16_t nc, const uint8_t *message, uint16_t mlen, uint64_t sid);
uint16_t expect_sign_ok(net *nt, const uint16_t *cands, uint16_t nc, const uint8_t *message, uint16_t mlen,
                        uint16_t t);
int contains(const uint16_t *v, uint16_t n, uint16_t x);

#endif
