/* Socket dataplane: two sockets on 127.0.0.1 exchange bursts; pool accounting; oversize datagrams. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dataplane/pkt.h"
#include "dataplane/socket_io.h"
#include "tss/common.h"

typedef struct side {
    dp_pool pool;
    void *mem;
    dp_socket sock;
    dp_addr addr;
} side;

static void side_open(side *s, uint32_t count)
{
    size_t need = dp_pool_mem_size(count);
    assert_true(need > 0);
    s->mem = aligned_alloc(64, (need + 63) & ~(size_t)63);
    assert_non_null(s->mem);
    assert_int_equal(dp_pool_init(&s->pool, count, s->mem, need), TSS_OK);
    assert_int_equal(dp_socket_open(&s->sock, &s->pool, "127.0.0.1", 0), TSS_OK);
    assert_int_equal(dp_socket_local_addr(&s->sock, &s->addr), TSS_OK);
    assert_int_equal(s->addr.u.sa.sa_family, AF_INET);
    assert_true(ntohs(s->addr.u.in4.sin_port) != 0);
}

static void side_close(side *s)
{
    dp_close(&s->sock.port);
    free(s->mem);
}

/* Receives until `want` packets arrived or 2 s passed. */
static unsigned rx_until(side *s, dp_pkt **pkts, unsigned want)
{
    unsigned got = 0;
    for (int spins = 0; got < want && spins < 200; spins++) {
        int n = dp_rx_burst(&s->sock.port, pkts + got, want - got);
        assert_true(n >= 0);
        got += (unsigned)n;
        if (got < want) {
            struct pollfd pfd = {.fd = dp_socket_fd(&s->sock), .events = POLLIN};
            (void)poll(&pfd, 1, 10);
        }
    }
    return got;
}

static void test_pool(void **state)
{
    (void)state;
    side s;
    size_t need = dp_pool_mem_size(4);
    s.mem = aligned_alloc(64, (need + 63) & ~(size_t)63);
    assert_int_equal(dp_pool_init(&s.pool, 4, s.mem, need), TSS_OK);
    dp_pkt *p[6];
    assert_int_equal(dp_pool_get_bulk(&s.pool, p, 6), 4);
    assert_int_equal(s.pool.alloc_fail, 1);
    assert_null(dp_pool_get(&s.pool));
    for (int i = 0; i < 4; i++) assert_int_equal((uintptr_t)p[i]->buf % 64, 0);
    dp_pool_put(&s.pool, p[0]);
    dp_pool_put(&s.pool, p[0]); /* double free is ignored */
    assert_int_equal(s.pool.free_count, 1);
    dp_pkt stranger;
    memset(&stranger, 0, sizeof stranger);
    dp_pool_put(&s.pool, &stranger); /* not from this pool: ignored */
    assert_int_equal(s.pool.free_count, 1);
    dp_pool_put_bulk(&s.pool, p + 1, 3);
    assert_int_equal(s.pool.free_count, 4);
    assert_int_equal(dp_pool_init(&s.pool, 4, s.mem, need - 1), TSS_ERR_INVALID_ARG);
    free(s.mem);
}

static void test_burst_exchange(void **state)
{
    (void)state;
    side a, b;
    side_open(&a, 256);
    side_open(&b, 256);
    const unsigned bursts = 8, per = 32;
    dp_pkt *tx[DP_BURST_MAX], *rx[DP_BURST_MAX * 2];
    for (unsigned k = 0; k < bursts; k++) {
        assert_int_equal(dp_pool_get_bulk(&a.pool, tx, per), per);
        for (unsigned i = 0; i < per; i++) {
            uint32_t id = k * per + i;
            tx[i]->len = 100 + id % 1000;
            memset(dp_pkt_data(tx[i]), (int)(id & 0xff), tx[i]->len);
            memcpy(dp_pkt_data(tx[i]), &id, sizeof id);
            tx[i]->addr = b.addr;
        }
        int sent = dp_tx_burst(&a.sock.port, tx, per);
        assert_int_equal(sent, per);
        assert_int_equal(a.pool.free_count, 256); /* sent packets went back to the pool */

        unsigned got = rx_until(&b, rx, per);
        assert_int_equal(got, per);
        for (unsigned i = 0; i < got; i++) {
            uint32_t id;
            memcpy(&id, dp_pkt_data(rx[i]), sizeof id);
            assert_true(id / per == k);
            assert_int_equal(rx[i]->len, 100 + id % 1000);
            assert_int_equal(dp_pkt_data(rx[i])[rx[i]->len - 1], id & 0xff);
            /* The source address is recorded: replying to it reaches a. */
            assert_int_equal(rx[i]->addr.u.in4.sin_port, a.addr.u.in4.sin_port);
            assert_true(rx[i]->rx_ns > 0);
        }
        assert_int_equal(b.pool.free_count, 256 - per);
        /* Echo the whole burst back from b's received buffers. */
        assert_int_equal(dp_tx_burst(&b.sock.port, rx, got), got);
        assert_int_equal(b.pool.free_count, 256);
        unsigned back = rx_until(&a, rx, per);
        assert_int_equal(back, per);
        dp_pool_put_bulk(&a.pool, rx, back);
    }
    assert_int_equal(a.sock.port.ctr.tx_pkts, bursts * per);
    assert_int_equal(b.sock.port.ctr.rx_pkts, bursts * per);
    assert_int_equal(a.sock.port.ctr.rx_pkts, bursts * per);
    assert_int_equal(b.sock.port.ctr.rx_truncated, 0);

    /* Nothing queued: rx returns 0 immediately and gives every buffer back. */
    assert_int_equal(dp_rx_burst(&b.sock.port, rx, DP_BURST_MAX), 0);
    assert_int_equal(b.pool.free_count, 256);
    side_close(&a);
    side_close(&b);
}

static void test_oversize_and_nobuf(void **state)
{
    (void)state;
    side a, b;
    side_open(&a, 8);
    side_open(&b, 2);
    /* A datagram larger than a buffer's data room is dropped and counted, not delivered cut. */
    int raw = socket(AF_INET, SOCK_DGRAM, 0);
    assert_true(raw >= 0);
    static uint8_t big[DP_PKT_DATA_ROOM + 100];
    memset(big, 1, sizeof big);
    assert_int_equal(sendto(raw, big, sizeof big, 0, &b.addr.u.sa, b.addr.len), (ssize_t)sizeof big);
    assert_int_equal(sendto(raw, big, 10, 0, &b.addr.u.sa, b.addr.len), 10);
    dp_pkt *rx[4];
    unsigned got = rx_until(&b, rx, 1);
    assert_int_equal(got, 1);
    assert_int_equal(rx[0]->len, 10);
    assert_int_equal(b.sock.port.ctr.rx_truncated, 1);
    dp_pool_put(&b.pool, rx[0]);

    /* Pool of 2: a burst of 4 arrives over two rx calls, counting the shortage. */
    dp_pkt *tx[4];
    assert_int_equal(dp_pool_get_bulk(&a.pool, tx, 4), 4);
    for (int i = 0; i < 4; i++) {
        tx[i]->len = 20;
        tx[i]->addr = b.addr;
    }
    assert_int_equal(dp_tx_burst(&a.sock.port, tx, 4), 4);
    got = rx_until(&b, rx, 2);
    assert_int_equal(got, 2);
    assert_int_equal(dp_rx_burst(&b.sock.port, rx + 2, 2), 0); /* pool empty */
    assert_true(b.sock.port.ctr.rx_nobuf >= 1);
    dp_pool_put_bulk(&b.pool, rx, 2);
    assert_int_equal(rx_until(&b, rx, 2), 2);
    dp_pool_put_bulk(&b.pool, rx, 2);

    /* A packet with no destination fails alone; the rest of the burst still goes out. */
    assert_int_equal(dp_pool_get_bulk(&a.pool, tx, 2), 2);
    tx[0]->len = 5;
    tx[0]->addr.len = 0;
    tx[1]->len = 6;
    tx[1]->addr = b.addr;
    assert_int_equal(dp_tx_burst(&a.sock.port, tx, 2), 2);
    assert_int_equal(a.sock.port.ctr.tx_errors, 1);
    assert_int_equal(a.pool.free_count, 8);
    assert_int_equal(rx_until(&b, rx, 1), 1);
    assert_int_equal(rx[0]->len, 6);
    dp_pool_put(&b.pool, rx[0]);

    close(raw);
    side_close(&a);
    side_close(&b);
}

static void test_bad_address(void **state)
{
    (void)state;
    dp_addr a;
    assert_int_equal(dp_addr_from_string(&a, "::1", 9), TSS_OK);
    assert_int_equal(a.u.sa.sa_family, AF_INET6);
    assert_int_equal(dp_addr_from_string(&a, "not-an-ip", 9), TSS_ERR_INVALID_ARG);
    side s;
    size_t need = dp_pool_mem_size(2);
    s.mem = aligned_alloc(64, (need + 63) & ~(size_t)63);
    assert_int_equal(dp_pool_init(&s.pool, 2, s.mem, need), TSS_OK);
    assert_int_equal(dp_socket_open(&s.sock, &s.pool, "300.1.1.1", 0), TSS_ERR_INVALID_ARG);
    free(s.mem);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pool),
        cmocka_unit_test(test_burst_exchange),
        cmocka_unit_test(test_oversize_and_nobuf),
        cmocka_unit_test(test_bad_address),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
