/* The node's tiles: which loops run, on which cores, as a table built from the config. With one distinct
 * core in [cores] one tile runs everything round-robin, pinned to it; otherwise the poller (rx, batch
 * verify, validate, dispatch) is pinned to cores.poller, each engine to its core, and the control loop
 * runs unpinned. (The verify stage runs inside the poller's tile, so cores.verify only decides whether the
 * node is single-core.) A thread runs its tile's poll function; it knows nothing of what that does. */
#include "src/node_internal.h"

#include <sched.h>
#include <string.h>
#include <time.h>

unsigned node_step(node *n)
{
    unsigned work = poller_poll(&n->poller);
    for (uint32_t k = 0; k < n->n_engines; k++) work += engine_poll(&n->engines[k]);
    work += node_control_poll(n);
    return work;
}

static unsigned poll_all(void *ctx) { return node_step(ctx); }
static unsigned poll_poller(void *ctx) { return poller_poll(ctx); }
static unsigned poll_engine(void *ctx) { return engine_poll(ctx); }
static unsigned poll_control(void *ctx) { return node_control_poll(ctx); }

/* Fills tiles (room for NODE_MAX_ENGINES + 2) from the config; returns how many. */
static uint32_t node_tiles(node *n, node_tile *tiles)
{
    const tss_config *c = &n->cfg;
    int single = c->cores.poller == c->cores.verify;
    for (uint32_t k = 0; k < n->n_engines; k++) single &= c->cores.engines[k] == c->cores.poller;
    if (single) {
        tiles[0] = (node_tile){"all", c->cores.poller, poll_all, n};
        return 1;
    }
    uint32_t t = 0;
    tiles[t++] = (node_tile){"poller", c->cores.poller, poll_poller, &n->poller};
    for (uint32_t k = 0; k < n->n_engines; k++)
        tiles[t++] = (node_tile){"engine", c->cores.engines[k], poll_engine, &n->engines[k]};
    tiles[t++] = (node_tile){"control", -1, poll_control, n};
    return t;
}

static void idle_wait(unsigned *idle)
{
    /* Spin briefly after work (a reply usually follows soon), then sleep: the machine is shared. */
    if (++*idle < 64) {
        sched_yield();
        return;
    }
    struct timespec ts = {0, 100000};
    nanosleep(&ts, NULL);
}

static void *thread_main(void *arg)
{
    node_thread *t = arg;
    node *n = t->n;
    if (t->tile.core >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(t->tile.core, &set);
        int prc = pthread_setaffinity_np(pthread_self(), sizeof set, &set);
        if (prc != 0)
            node_log(n, "cannot pin the %s thread to core %d: %s (running unpinned)", t->tile.name, t->tile.core,
                     strerror(prc));
    }
    unsigned idle = 0;
    while (atomic_load_explicit(&n->running, memory_order_relaxed)) {
        if (t->tile.poll(t->tile.ctx) > 0)
            idle = 0;
        else
            idle_wait(&idle);
    }
    return NULL;
}

int node_start(node *n)
{
    if (n == NULL || atomic_load(&n->running)) return TSS_ERR_STATE;
    node_tile tiles[NODE_MAX_ENGINES + 2];
    uint32_t count = node_tiles(n, tiles);
    atomic_store(&n->running, 1);
    for (uint32_t i = 0; i < count; i++) {
        node_thread *t = &n->threads[n->n_threads];
        t->n = n;
        t->tile = tiles[i];
        if (pthread_create(&t->tid, NULL, thread_main, t) != 0) {
            node_stop(n);
            return TSS_ERR_IO;
        }
        t->started = 1;
        n->n_threads++;
    }
    return TSS_OK;
}

void node_stop(node *n)
{
    if (n == NULL) return;
    atomic_store(&n->running, 0);
    for (uint32_t i = 0; i < n->n_threads; i++)
        if (n->threads[i].started) pthread_join(n->threads[i].tid, NULL);
    memset(n->threads, 0, sizeof n->threads);
    n->n_threads = 0;
}
