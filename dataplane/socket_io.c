/* UDP socket dataplane backend (recvmmsg/sendmmsg, non-blocking). */
#include "dataplane/socket_io.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>

#include "dataplane/counter.h"
#include "util/clock.h"
#include <unistd.h>

static dp_socket *as_socket(dp_port *port)
{
    return (dp_socket *)((uint8_t *)port - offsetof(dp_socket, port));
}

static int socket_rx_burst(dp_port *port, dp_pkt **pkts, unsigned max)
{
    dp_socket *s = as_socket(port);
    if (max > DP_BURST_MAX) max = DP_BURST_MAX;
    if (max == 0) return 0;
    unsigned got = dp_pool_get_bulk(port->pool, pkts, max);
    if (got < max) ctr_inc(&port->ctr.rx_nobuf);
    if (got == 0) return 0;

    for (unsigned i = 0; i < got; i++) {
        s->iov[i].iov_base = dp_pkt_data(pkts[i]);
        s->iov[i].iov_len = DP_PKT_DATA_ROOM;
        struct msghdr *h = &s->msgs[i].msg_hdr;
        memset(h, 0, sizeof *h);
        h->msg_name = &pkts[i]->addr.u;
        h->msg_namelen = sizeof pkts[i]->addr.u;
        h->msg_iov = &s->iov[i];
        h->msg_iovlen = 1;
        s->msgs[i].msg_len = 0;
    }
    int n;
    do {
        n = recvmmsg(s->fd, s->msgs, got, MSG_DONTWAIT, NULL);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK) ctr_inc(&port->ctr.rx_errors);
        dp_pool_put_bulk(port->pool, pkts, got);
        return 0;
    }

    uint64_t t = tss_clock_mono_ns();
    unsigned kept = 0;
    for (unsigned i = 0; i < (unsigned)n; i++) {
        dp_pkt *p = pkts[i];
        if (s->msgs[i].msg_hdr.msg_flags & MSG_TRUNC) {
            ctr_inc(&port->ctr.rx_truncated);
            dp_pool_put(port->pool, p);
            continue;
        }
        p->len = s->msgs[i].msg_len;
        p->addr.len = s->msgs[i].msg_hdr.msg_namelen;
        p->rx_ns = t;
        ctr_inc(&port->ctr.rx_pkts);
        ctr_add(&port->ctr.rx_bytes, p->len);
        pkts[kept++] = p;
    }
    dp_pool_put_bulk(port->pool, pkts + n, got - (unsigned)n);
    return (int)kept;
}

/* Sends pkts[0..n); returns how many were consumed (sent, or dropped on a per-packet error). */
static int socket_tx_burst(dp_port *port, dp_pkt **pkts, unsigned n)
{
    dp_socket *s = as_socket(port);
    if (n > DP_BURST_MAX) n = DP_BURST_MAX;
    unsigned done = 0;
    while (done < n) {
        unsigned remaining = n - done;
        for (unsigned i = 0; i < remaining; i++) {
            dp_pkt *p = pkts[done + i];
            s->iov[i].iov_base = dp_pkt_data(p);
            s->iov[i].iov_len = p->len;
            struct msghdr *h = &s->msgs[i].msg_hdr;
            memset(h, 0, sizeof *h);
            h->msg_name = &p->addr.u;
            h->msg_namelen = p->addr.len;
            h->msg_iov = &s->iov[i];
            h->msg_iovlen = 1;
        }
        int sent = sendmmsg(s->fd, s->msgs, remaining, MSG_DONTWAIT);
        if (sent < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) {
                ctr_inc(&port->ctr.tx_would_block);
                break;
            }
            /* The first packet of the burst is at fault (bad address, too large, ...): drop it
             * so one bad packet cannot wedge the queue behind it. */
            ctr_inc(&port->ctr.tx_errors);
            dp_pool_put(port->pool, pkts[done]);
            done++;
            continue;
        }
        for (int i = 0; i < sent; i++) {
            ctr_inc(&port->ctr.tx_pkts);
            ctr_add(&port->ctr.tx_bytes, pkts[done + (unsigned)i]->len);
            dp_pool_put(port->pool, pkts[done + (unsigned)i]);
        }
        done += (unsigned)sent;
        if (sent == 0) break;
    }
    return (int)done;
}

static void socket_close(dp_port *port)
{
    dp_socket *s = as_socket(port);
    if (s->fd >= 0) close(s->fd);
    s->fd = -1;
}

static const dp_ops socket_ops = {
    .name = "socket",
    .rx_burst = socket_rx_burst,
    .tx_burst = socket_tx_burst,
    .close = socket_close,
};

int dp_socket_open(dp_socket *s, dp_pool *pool, const char *host, uint16_t port)
{
    if (s == NULL || pool == NULL) return TSS_ERR_INVALID_ARG;
    dp_addr a;
    if (dp_addr_from_string(&a, host, port) != TSS_OK) return TSS_ERR_INVALID_ARG;
    memset(s, 0, sizeof *s);
    s->fd = -1;
    s->port.ops = &socket_ops;
    s->port.pool = pool;

    int fd = socket(a.u.sa.sa_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return TSS_ERR_IO;
    /* Bursty peers: a larger receive buffer absorbs a burst while the core is verifying. */
    int rcvbuf = 4 << 20;
    (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    if (bind(fd, &a.u.sa, a.len) != 0) {
        close(fd);
        return TSS_ERR_IO;
    }
    s->fd = fd;
    return TSS_OK;
}

int dp_socket_local_addr(const dp_socket *s, dp_addr *out)
{
    if (s == NULL || out == NULL || s->fd < 0) return TSS_ERR_INVALID_ARG;
    memset(out, 0, sizeof *out);
    socklen_t len = sizeof out->u;
    if (getsockname(s->fd, &out->u.sa, &len) != 0) return TSS_ERR_IO;
    out->len = len;
    return TSS_OK;
}

int dp_socket_fd(const dp_socket *s)
{
    return s == NULL ? -1 : s->fd;
}
