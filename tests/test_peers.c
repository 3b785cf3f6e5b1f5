/* The peer table: index <-> key <-> address lookups, duplicates and bad keys refused, built from a config. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "src/addr.h"
#include "src/config.h"
#include "src/peers.h"
#include "test_support.h"
#include "tss/common.h"

static void key_for(uint8_t pk[32], uint32_t i)
{
    uint8_t seed[32] = {0}, sk[64];
    seed[0] = (uint8_t)i;
    seed[1] = (uint8_t)(i >> 8);
    seed[2] = 0xA7;
    crypto_sign_seed_keypair(pk, sk, seed);
}

static struct sockaddr_in addr_for(uint32_t i)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(0x0A000000u | (i % 7)); /* few addresses, many ports: both fields matter */
    a.sin_port = htons((uint16_t)(9000 + i * 13 % 1000));
    return a;
}

static void test_lookups_full_table(void **state)
{
    (void)state;
    static tss_peer_table t;
    assert_int_equal(tss_peer_table_init(&t, 17), TSS_OK);
    /* Insert all 256 indices in a shuffled order. */
    uint32_t order[TSS_PEERS_MAX];
    for (uint32_t i = 0; i < TSS_PEERS_MAX; i++)
        order[i] = i + 1;
    tv_rng rng;
    tv_rng_seed(&rng, 7);
    for (uint32_t i = TSS_PEERS_MAX - 1; i > 0; i--) {
        uint32_t j = (uint32_t)(tv_rng_next(&rng) % (i + 1));
        uint32_t x = order[i];
        order[i] = order[j];
        order[j] = x;
    }
    for (uint32_t k = 0; k < TSS_PEERS_MAX; k++) {
        uint8_t pk[32];
        key_for(pk, order[k]);
        struct sockaddr_in a = addr_for(order[k]);
        assert_int_equal(tss_peer_table_add(&t, order[k], pk, &a), TSS_OK);
    }
    assert_int_equal(t.n, TSS_PEERS_MAX);
    for (uint32_t i = 1; i <= TSS_PEERS_MAX; i++) {
        uint8_t pk[32];
        key_for(pk, i);
        struct sockaddr_in a = addr_for(i);
        const tss_peer *p = tss_peer_by_index(&t, i);
        assert_non_null(p);
        assert_int_equal(p->index, i);
        assert_memory_equal(p->public_key, pk, 32);
        assert_true(tss_addr_equal(&p->address, &a));
        assert_ptr_equal(tss_peer_by_key(&t, pk), p);
        assert_ptr_equal(tss_peer_by_address(&t, &a), p);
    }
    assert_null(tss_peer_by_index(&t, 0));
    assert_null(tss_peer_by_index(&t, 257));
    uint8_t other[32];
    key_for(other, 1000);
    assert_null(tss_peer_by_key(&t, other));
    struct sockaddr_in a = addr_for(1);
    a.sin_port = htons(1);
    assert_null(tss_peer_by_address(&t, &a));
    assert_int_equal(tss_peer_self(&t)->index, 17);
    assert_int_equal(tss_peer_table_add(&t, 300, other, &a), TSS_ERR_INVALID_ARG);
}

static void test_refusals(void **state)
{
    (void)state;
    tss_peer_table t;
    uint8_t pk1[32], pk2[32], pk3[32];
    key_for(pk1, 1);
    key_for(pk2, 2);
    key_for(pk3, 3);
    struct sockaddr_in a1 = addr_for(1), a2 = addr_for(2), a3 = addr_for(3);
    assert_int_equal(tss_peer_table_init(&t, 0), TSS_ERR_INVALID_ARG);
    assert_int_equal(tss_peer_table_init(&t, 1), TSS_OK);
    assert_null(tss_peer_self(&t));
    assert_int_equal(tss_peer_table_check_self(&t, pk1), TSS_ERR_NOT_FOUND);
    assert_int_equal(tss_peer_table_add(&t, 1, pk1, &a1), TSS_OK);
    assert_int_equal(tss_peer_table_add(&t, 1, pk2, &a2), TSS_ERR_DUPLICATE); /* index */
    assert_int_equal(tss_peer_table_add(&t, 2, pk1, &a2), TSS_ERR_DUPLICATE); /* key */
    assert_int_equal(tss_peer_table_add(&t, 2, pk2, &a1), TSS_ERR_DUPLICATE); /* address */
    assert_int_equal(tss_peer_table_add(&t, 0, pk2, &a2), TSS_ERR_INVALID_ARG);
    uint8_t identity[32] = {1}; /* the neutral element: small order */
    assert_int_equal(tss_peer_table_add(&t, 2, identity, &a2), TSS_ERR_ENCODING);
    struct sockaddr_in a6 = a2;
    a6.sin_family = AF_INET6;
    assert_int_equal(tss_peer_table_add(&t, 2, pk2, &a6), TSS_ERR_INVALID_ARG);
    assert_int_equal(t.n, 1);
    assert_int_equal(tss_peer_table_add(&t, 3, pk3, &a3), TSS_OK);
    assert_int_equal(tss_peer_table_check_self(&t, pk1), TSS_OK);
    assert_int_equal(tss_peer_table_check_self(&t, pk3), TSS_ERR_VERIFY);
    assert_null(tss_peer_by_key(&t, pk2));
    assert_ptr_equal(tss_peer_by_key(&t, pk3), tss_peer_by_index(&t, 3));
}

static void test_from_example_config(void **state)
{
    (void)state;
    const char *src = getenv("TSS_SOURCE_DIR");
    char path[1024], err[TSS_CONFIG_ERROR_MAX], text[TSS_ADDR_TEXT_MAX];
    static tss_config cfg;
    static tss_peer_table t;
    snprintf(path, sizeof path, "%s/configs/cluster-5/node4.ini", src ? src : "..");
    if (tss_config_load(&cfg, path, err, sizeof err) != TSS_OK)
        fail_msg("%s", err);
    assert_int_equal(tss_peer_table_from_config(&t, &cfg), TSS_OK);
    assert_int_equal(t.n, 5);
    assert_int_equal(t.self_index, 4);
    assert_string_equal(tss_addr_format(text, &tss_peer_self(&t)->address), "127.0.0.1:7204");
    for (size_t i = 0; i < cfg.n_peers; i++) {
        const tss_peer *p = tss_peer_by_key(&t, cfg.peers[i].public_key);
        assert_non_null(p);
        assert_int_equal(p->index, cfg.peers[i].index);
        assert_ptr_equal(tss_peer_by_address(&t, &cfg.peers[i].address), p);
    }
    assert_int_equal(tss_peer_table_check_self(&t, cfg.peers[3].public_key), TSS_OK);
    /* A config whose own index has no entry cannot make a table (the loader refuses it too). */
    cfg.node.index = 9;
    assert_int_equal(tss_peer_table_from_config(&t, &cfg), TSS_ERR_NOT_FOUND);
}

int main(void)
{
    if (tss_init() != TSS_OK)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookups_full_table),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_from_example_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
