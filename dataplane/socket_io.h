/* The default dataplane backend: one non-blocking UDP socket, recvmmsg/sendmmsg bursts.
 *
 *   dp_socket s;
 *   dp_socket_open(&s, &pool, "127.0.0.1", 7000);      // port 0 picks an ephemeral port
 *   int n = dp_rx_burst(&s.port, pkts, DP_BURST_MAX);  // never blocks; 0 when nothing is queued
 *   ...
 *   dp_close(&s.port);
 *
 * Poll dp_socket_fd() for readability (epoll/poll) to sleep between bursts.
 */
#ifndef TSS_DATAPLANE_SOCKET_IO_H
#define TSS_DATAPLANE_SOCKET_IO_H

#include <sys/socket.h>
#include <sys/uio.h>

#include "dataplane/addr.h"
#include "dataplane/pkt.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dp_socket {
    dp_port port;        /* first: &s->port is what dp_rx_burst/dp_tx_burst take */
    int fd;
    struct mmsghdr msgs[DP_BURST_MAX];
    struct iovec iov[DP_BURST_MAX];
} dp_socket;

/* Opens a UDP socket bound to host:port (numeric IPv4 or IPv6 address; port 0 = ephemeral) whose
 * received packets come from pool. TSS_OK, TSS_ERR_INVALID_ARG (bad address) or TSS_ERR_IO. */
int dp_socket_open(dp_socket *s, dp_pool *pool, const char *host, uint16_t port);
/* The bound address (after an ephemeral bind, the port chosen). */
int dp_socket_local_addr(const dp_socket *s, dp_addr *out);
int dp_socket_fd(const dp_socket *s);

#ifdef __cplusplus
}
#endif
#endif
