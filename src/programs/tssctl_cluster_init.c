/* `tssctl cluster init`: generates a loopback cluster (identity keys, master keys, API tokens, node configs, data
 * dirs) in a directory (tssctl_cluster.h). */
#include "src/programs/tssctl_cluster.h"

#include "src/config.h"
#include "src/identity.h"
#include "src/keyfile.h"
#include "tss/common.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define CLUSTER_MAX_NODES TSS_CONFIG_MAX_PEERS
/* Random ports come from below Linux's default ephemeral range (32768-60999), so that outgoing connections
 * do not take them between the check and the daemon's bind. */
#define RANDOM_PORT_LO 20000
#define RANDOM_PORT_SPAN 12000
#define PORT_TRIES 500

void tssctl_pathf(char *out, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if ((size_t)vsnprintf(out, cap, fmt, ap) >= cap)
        out[0] = '\0';
    va_end(ap);
}

void tssctl_node_path(char *out, size_t cap, const char *dir, int k, const char *suffix)
{
    tssctl_pathf(out, cap, "%s/node%d%s", dir, k, suffix);
}

/* True if port is free for both TCP and UDP on 127.0.0.1 (checked by binding, then released). */
static bool port_free(uint16_t port)
{
    static const int types[2] = {SOCK_STREAM, SOCK_DGRAM};
    for (int i = 0; i < 2; i++) {
        int fd = socket(AF_INET, types[i] | SOCK_CLOEXEC, 0);
        if (fd < 0)
            return false;
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        int rc = bind(fd, (struct sockaddr *)&a, sizeof a);
        close(fd);
        if (rc != 0)
            return false;
    }
    return true;
}

static bool port_taken(const uint16_t *ports, size_t n, uint16_t p)
{
    for (size_t i = 0; i < n; i++)
        if (ports[i] == p)
            return true;
    return false;
}

/* 2N ports: ports[2(K-1)] is node K's UDP port, ports[2(K-1)+1] its API port. */
static int choose_ports(const cluster_opts *o, uint16_t *ports)
{
    size_t n = (size_t)o->nodes * 2;
    for (size_t i = 0; i < n; i++) {
        if (o->base_port != 0) {
            long p = (long)o->base_port + (long)i;
            if (p > 65535 || !port_free((uint16_t)p)) {
                fprintf(stderr, "tssctl: cluster: port %ld (node %zu %s) is %s\n", p, i / 2 + 1,
                        i % 2 == 0 ? "UDP" : "API", p > 65535 ? "out of range" : "already in use");
                return EXIT_OPERATION;
            }
            ports[i] = (uint16_t)p;
            continue;
        }
        int tries = 0;
        uint16_t p;
        do {
            p = (uint16_t)(RANDOM_PORT_LO + randombytes_uniform(RANDOM_PORT_SPAN));
        } while ((port_taken(ports, i, p) || !port_free(p)) && ++tries < PORT_TRIES);
        if (tries == PORT_TRIES) {
            fprintf(stderr, "tssctl: cluster: found no free port in %d tries\n", PORT_TRIES);
            return EXIT_OPERATION;
        }
        ports[i] = p;
    }
    return 0;
}

static int make_dir(const char *path)
{
    if (mkdir(path, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "tssctl: cluster: %s: %s\n", path, strerror(errno));
        return EXIT_OPERATION;
    }
    return 0;
}

static int write_node_config(const cluster_opts *o, int k, const uint16_t *ports,
                             char pk_hex[][2 * TSS_IDENTITY_PK_BYTES + 1])
{
    char path[CLUSTER_PATH_CAP], tmp[CLUSTER_PATH_CAP + 8];
    tssctl_node_path(path, sizeof path, o->dir_abs, k, ".ini");
    tssctl_pathf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (f == NULL) {
        fprintf(stderr, "tssctl: cluster: %s: %s\n", tmp, strerror(errno));
        return EXIT_OPERATION;
    }
    fprintf(f,
            "; tss node configuration: node %d of a %d-node local cluster on loopback, written by\n"
            "; `tssctl cluster init`. Every field is documented in configs/README.md; relative paths are\n"
            "; resolved against the directory of this file.\n\n"
            "[node]\n"
            "index = %d\n"
            "; Ed25519 identity secret key (32-byte seed, mode 0600).\n"
            "identity_key_file = node%d.key\n"
            "; UDP address of the node-to-node protocol.\n"
            "listen = 127.0.0.1:%u\n"
            "; The node's store (LMDB), encrypted under the master key below.\n"
            "data_dir = data/node%d\n"
            "master_key_file = node%d.master.key\n\n"
            "; The peer table: every node of the cluster, this one included.\n",
            k, o->nodes, k, k, ports[2 * (k - 1)], k, k);
    for (int p = 1; p <= o->nodes; p++)
        fprintf(f, "[peer.%d]\npublic_key = %s\naddress = 127.0.0.1:%u\n\n", p, pk_hex[p - 1], ports[2 * (p - 1)]);
    fprintf(f, "[cores]\npoller = 0\nverify = 0\nengines =");
    for (int e = 0; e < o->engines; e++)
        fprintf(f, "%s%d", e == 0 ? " " : ", ", e);
    fprintf(f, "\n\n");
    if (o->round_ms != 0 || o->session_ms != 0) {
        fprintf(f, "[timeouts]\n");
        if (o->round_ms != 0)
            fprintf(f, "round_ms = %u\n", o->round_ms);
        if (o->session_ms != 0)
            fprintf(f, "session_ms = %u\n", o->session_ms);
        fprintf(f, "\n");
    }
    fprintf(f,
            "[api]\n"
            "; HTTP/JSON control API and its bearer token file (0600).\n"
            "listen = 127.0.0.1:%u\n"
            "token_file = node%d.token\n",
            ports[2 * (k - 1) + 1], k);
    bool ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        fprintf(stderr, "tssctl: cluster: %s: %s\n", path, strerror(errno));
        unlink(tmp);
        return EXIT_OPERATION;
    }
    return 0;
}

/* The secrets of node k: identity key, master key, API token (all 0600, never overwritten). */
static int write_node_secrets(const cluster_opts *o, int k, char pk_hex[2 * TSS_IDENTITY_PK_BYTES + 1])
{
    char path[CLUSTER_PATH_CAP], err[1024];
    tss_identity id;
    tssctl_node_path(path, sizeof path, o->dir_abs, k, ".key");
    int rc = tss_identity_generate(&id);
    if (rc == TSS_OK)
        rc = tss_identity_write(&id, path, err, sizeof err);
    else
        snprintf(err, sizeof err, "identity key generation failed: %s", tss_status_str(rc));
    tss_identity_public_hex(&id, pk_hex);
    tss_identity_wipe(&id);
    if (rc == TSS_OK) {
        tssctl_node_path(path, sizeof path, o->dir_abs, k, ".master.key");
        rc = tss_master_key_generate_file(path, err, sizeof err);
    }
    if (rc == TSS_OK) {
        uint8_t raw[32];
        char token[2 * sizeof raw + 1];
        randombytes_buf(raw, sizeof raw);
        sodium_bin2hex(token, sizeof token, raw, sizeof raw);
        tssctl_node_path(path, sizeof path, o->dir_abs, k, ".token");
        rc = tss_keyfile_write(path, (const uint8_t *)token, 2 * sizeof raw, err, sizeof err);
        sodium_memzero(raw, sizeof raw);
        sodium_memzero(token, sizeof token);
    }
    if (rc != TSS_OK) {
        fprintf(stderr, "tssctl: cluster: %s\n", err);
        return EXIT_OPERATION;
    }
    return 0;
}

int tssctl_cluster_init(const cluster_opts *o)
{
    char path[CLUSTER_PATH_CAP];
    if (o->nodes < 1 || o->nodes > CLUSTER_MAX_NODES) {
        fprintf(stderr, "tssctl: cluster init needs --nodes N with 1 <= N <= %d\n", CLUSTER_MAX_NODES);
        return EXIT_USAGE;
    }
    tssctl_node_path(path, sizeof path, o->dir_abs, 1, ".ini");
    if (access(path, F_OK) == 0) {
        fprintf(stderr, "tssctl: cluster: %s already holds a cluster (%s); not overwriting it\n", o->dir_abs, path);
        return EXIT_USAGE;
    }
    uint16_t *ports = calloc((size_t)o->nodes * 2, sizeof *ports);
    char(*pk_hex)[2 * TSS_IDENTITY_PK_BYTES + 1] = calloc((size_t)o->nodes, sizeof *pk_hex);
    int rc = ports != NULL && pk_hex != NULL ? choose_ports(o, ports) : EXIT_OPERATION;
    tssctl_pathf(path, sizeof path, "%s/data", o->dir_abs);
    if (rc == 0)
        rc = make_dir(path);
    for (int k = 1; rc == 0 && k <= o->nodes; k++) {
        tssctl_pathf(path, sizeof path, "%s/data/node%d", o->dir_abs, k);
        rc = make_dir(path);
        if (rc == 0)
            rc = write_node_secrets(o, k, pk_hex[k - 1]);
    }
    /* node1.ini last: its presence marks a complete cluster. */
    for (int k = o->nodes; rc == 0 && k >= 1; k--)
        rc = write_node_config(o, k, ports, pk_hex);
    /* What we wrote must be what the daemon accepts. */
    for (int k = 1; rc == 0 && k <= o->nodes; k++) {
        tss_config *cfg = malloc(sizeof *cfg);
        char err[TSS_CONFIG_ERROR_MAX];
        tssctl_node_path(path, sizeof path, o->dir_abs, k, ".ini");
        if (cfg == NULL || tss_config_load(cfg, path, err, sizeof err) != TSS_OK) {
            fprintf(stderr, "tssctl: cluster: the generated config does not load: %s\n",
                    cfg == NULL ? "out of memory" : err);
            rc = EXIT_OPERATION;
        }
        free(cfg);
    }
    free(ports);
    free(pk_hex);
    if (rc == 0)
        printf("cluster: %d node%s in %s (configs, identity keys, master keys, API tokens)\n", o->nodes,
               o->nodes == 1 ? "" : "s", o->dir_abs);
    return rc;
}
