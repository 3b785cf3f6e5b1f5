/* Node config parsing: the example configs load, and every bad input stops with a message naming the file,
 * the line and the problem. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <ftw.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/addr.h"
#include "src/config.h"
#include "src/identity.h"
#include "tss/common.h"

typedef struct fixture {
    char dir[256];
    char keys[3][65]; /* hex public keys of three fixed identities */
    tss_config cfg;
} fixture;

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (f == NULL || tss_init() != TSS_OK)
        return -1;
    const char *tmp = getenv("TMPDIR");
    snprintf(f->dir, sizeof f->dir, "%s/tss-config-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(f->dir) == NULL)
        return -1;
    for (int i = 0; i < 3; i++) {
        uint8_t seed[32] = {0}, pk[32], sk[64];
        seed[0] = (uint8_t)(i + 1);
        crypto_sign_seed_keypair(pk, sk, seed);
        sodium_bin2hex(f->keys[i], sizeof f->keys[i], pk, 32);
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

/* Replaces {K1} {K2} {K3} by the fixture's keys and writes the file; returns its path in path. */
static void write_config(const fixture *f, const char *name, const char *tmpl, char *path, size_t path_len)
{
    char text[8192];
    size_t n = 0;
    for (const char *p = tmpl; *p;) {
        if (p[0] == '{' && p[1] == 'K' && p[2] >= '1' && p[2] <= '3' && p[3] == '}') {
            memcpy(text + n, f->keys[p[2] - '1'], 64);
            n += 64;
            p += 4;
        } else {
            text[n++] = *p++;
        }
        assert_true(n < sizeof text - 70);
    }
    snprintf(path, path_len, "%s/%s", f->dir, name);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, n, fp), n);
    fclose(fp);
}

/* Lines 1-6, 7-12 and 13-15 of a minimal valid config. */
#define NODE                                                                                                   \
    "[node]\nindex = 1\nidentity_key_file = node1.key\nlisten = 127.0.0.1:7001\ndata_dir = data\n"            \
    "master_key_file = master.key\n"
#define PEERS                                                                                                  \
    "[peer.1]\npublic_key = {K1}\naddress = 127.0.0.1:7001\n[peer.2]\npublic_key = {K2}\n"                     \
    "address = 127.0.0.1:7002\n"
#define API "[api]\nlisten = 127.0.0.1:8001\ntoken_file = api.token\n"

static void test_minimal_valid(void **state)
{
    fixture *f = *state;
    char path[512], err[TSS_CONFIG_ERROR_MAX], want[600];
    write_config(f, "ok.ini", NODE PEERS API, path, sizeof path);
    tss_config *cfg = &f->cfg;
    assert_int_equal(tss_config_load(cfg, path, err, sizeof err), TSS_OK);
    assert_string_equal(err, "");
    assert_int_equal(cfg->node.index, 1);
    snprintf(want, sizeof want, "%s/node1.key", f->dir);
    assert_string_equal(cfg->node.identity_key_file, want); /* relative to the config's directory */
    snprintf(want, sizeof want, "%s/data", f->dir);
    assert_string_equal(cfg->node.data_dir, want);
    assert_string_equal(cfg->node.master_passphrase_env, "");
    char addr[TSS_ADDR_TEXT_MAX];
    assert_string_equal(tss_addr_format(addr, &cfg->node.listen), "127.0.0.1:7001");
    assert_int_equal(cfg->node.listen_line, 4);
    assert_int_equal(cfg->n_peers, 2);
    assert_int_equal(cfg->peers[0].index, 1);
    assert_int_equal(cfg->peers[1].index, 2);
    char hex[65];
    sodium_bin2hex(hex, sizeof hex, cfg->peers[1].public_key, 32);
    assert_string_equal(hex, f->keys[1]);
    assert_string_equal(tss_addr_format(addr, &cfg->peers[1].address), "127.0.0.1:7002");
    assert_non_null(tss_config_peer_by_index(cfg, 2));
    assert_null(tss_config_peer_by_index(cfg, 3));
    assert_string_equal(tss_addr_format(addr, &cfg->api.listen), "127.0.0.1:8001");
    /* Defaults for the optional sections. */
    assert_int_equal(cfg->cores.n_engines, 1);
    assert_int_equal(cfg->engine.arena_sessions, 1024);
    assert_int_equal(cfg->timeouts.round_ms, 2000);
    assert_int_equal(cfg->limits.max_payload, 65536);
    assert_int_equal(cfg->engine.backend, TSS_BACKEND_AUTO);
}

static void test_all_fields(void **state)
{
    fixture *f = *state;
    char path[512], err[TSS_CONFIG_ERROR_MAX];
    write_config(f, "full.ini",
                 "; comment\n# other comment\n"
                 "[node]\nindex = 2 ; inline comment\nidentity_key_file = /abs/id.key\nlisten = 0.0.0.0:7002\n"
                 "data_dir = d\nmaster_passphrase_env = TSS_PASS\n"
                 "[peer.2]\npublic_key = {K2}\naddress = 10.0.0.2:7002\n"
                 "[peer.1]\npublic_key = {K1}\naddress = 10.0.0.1:7001\n"
                 "[peer.200]\npublic_key = {K3}\naddress = 10.0.0.200:7001\n"
                 "[cores]\npoller = 1\nverify = 2\nengines = 3, 4 5,6\n"
                 "[engine]\narena_sessions = 77\nring_capacity = 1024\nverify_batch = 128\nverify_wait_us = 0\n"
                 "early_messages = 8\n"
                 "[timeouts]\nround_ms = 100\nsession_ms = 1000\nretry_initial_ms = 10\nretry_max = 0\n"
                 "clock_skew_ms = 7\n"
                 "[limits]\nrate_per_peer = 55\nmax_payload = 4096\n"
                 "[api]\nlisten = 127.0.0.1:9000\ntoken_file = t\n",
                 path, sizeof path);
    tss_config *cfg = &f->cfg;
    assert_int_equal(tss_config_load(cfg, path, err, sizeof err), TSS_OK);
    assert_int_equal(cfg->node.index, 2);
    assert_string_equal(cfg->node.identity_key_file, "/abs/id.key");
    assert_string_equal(cfg->node.master_key_file, "");
    assert_string_equal(cfg->node.master_passphrase_env, "TSS_PASS");
    assert_int_equal(cfg->n_peers, 3);
    assert_int_equal(cfg->peers[0].index, 1); /* sorted by index */
    assert_int_equal(cfg->peers[1].index, 2);
    assert_int_equal(cfg->peers[2].index, 200);
    assert_int_equal(cfg->peers[2].line, 15);
    assert_int_equal(cfg->cores.poller, 1);
    assert_int_equal(cfg->cores.verify, 2);
    assert_int_equal(cfg->cores.n_engines, 4);
    assert_int_equal(cfg->cores.engines[0], 3);
    assert_int_equal(cfg->cores.engines[3], 6);
    assert_int_equal(cfg->engine.arena_sessions, 77);
    assert_int_equal(cfg->engine.ring_capacity, 1024);
    assert_int_equal(cfg->engine.verify_batch, 128);
    assert_int_equal(cfg->engine.verify_wait_us, 0);
    assert_int_equal(cfg->engine.early_messages, 8);
    assert_int_equal(cfg->timeouts.round_ms, 100);
    assert_int_equal(cfg->timeouts.session_ms, 1000);
    assert_int_equal(cfg->timeouts.retry_initial_ms, 10);
    assert_int_equal(cfg->timeouts.retry_max, 0);
    assert_int_equal(cfg->timeouts.clock_skew_ms, 7);
    assert_int_equal(cfg->limits.rate_per_peer, 55);
    assert_int_equal(cfg->limits.max_payload, 4096);
    assert_int_equal(cfg->api.listen_line, 38);
}

typedef struct bad_case {
    const char *text;
    int line; /* 0: the message names the file only */
    const char *problem;
} bad_case;

static const bad_case BAD[] = {
    /* unknown section / field */
    {NODE PEERS API "[nodes]\nx = 1\n", 16, "unknown section [nodes]"},
    {NODE PEERS API "[ api]\n", 16, "unknown section [ api]"},
    {NODE "colour = blue\n" PEERS API, 7, "unknown field 'colour' in section [node]"},
    {NODE PEERS "weight = 3\n" API, 13, "unknown field 'weight' in section [peer.2]"},
    {NODE PEERS API "[engine]\narena = 3\n", 17, "unknown field 'arena' in section [engine]"},
    {"index = 1\n" NODE PEERS API, 1, "outside any section"},
    /* repeated things */
    {NODE PEERS "[peer.2]\npublic_key = {K3}\naddress = 127.0.0.1:7003\n" API, 13, "duplicate peer index 2"},
    {NODE PEERS "[peer.1]\n" API, 13, "duplicate peer index 1 ([peer.1] first given at line 7)"},
    {NODE "index = 2\n" PEERS API, 7, "field 'index' given twice (first at line 2)"},
    {NODE PEERS API "[node]\n", 16, "section [node] given twice (first at line 1)"},
    {NODE "  index = 2\n" PEERS API, 7, "indented line read as a continuation of 'master_key_file' (line 6)"},
    /* malformed keys */
    {NODE "[peer.1]\npublic_key = abcd\naddress = 127.0.0.1:7001\n" API, 8,
     "expected 64 hex characters (32 bytes), got 4"},
    {NODE "[peer.1]\npublic_key = zz{K2}\naddress = 127.0.0.1:7001\n" API, 8, "expected 64 hex characters"},
    {NODE "[peer.1]\npublic_key = zz00000000000000000000000000000000000000000000000000000000000000\n"
          "address = 127.0.0.1:7001\n" API,
     8, "public_key: not hexadecimal"},
    {NODE "[peer.1]\npublic_key = 0x00000000000000000000000000000000000000000000000000000000000000\n"
          "address = 127.0.0.1:7001\n" API,
     8, "public_key: not hexadecimal"},
    {NODE "[peer.1]\npublic_key = 0100000000000000000000000000000000000000000000000000000000000000\n"
          "address = 127.0.0.1:7001\n" API,
     8, "not a valid Ed25519 public key"},
    {NODE "[peer.1]\npublic_key = ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f\n"
          "address = 127.0.0.1:7001\n" API,
     8, "not a valid Ed25519 public key"},
    {NODE "[peer.1]\npublic_key = 0200000000000000000000000000000000000000000000000000000000000000\n"
          "address = 127.0.0.1:7001\n" API,
     8, "not a valid Ed25519 public key"},
    {NODE "[peer.1]\npublic_key = {K1}\naddress = 127.0.0.1:7001\n[peer.2]\npublic_key = {K1}\n"
          "address = 127.0.0.1:7002\n" API,
     11, "[peer.2] has the same public_key as [peer.1]"},
    /* bad addresses */
    {"[node]\nindex = 1\nidentity_key_file = node1.key\nlisten = 127.0.0.1\n", 4, "bad address"},
    {"[node]\nindex = 1\nidentity_key_file = node1.key\nlisten = localhost:7001\n", 4, "bad address"},
    {NODE "[peer.1]\npublic_key = {K1}\naddress = 127.0.0.1:0\n" API, 9, "address = '127.0.0.1:0': bad address"},
    {NODE "[peer.1]\npublic_key = {K1}\naddress = 127.0.0.1:65536\n" API, 9, "bad address"},
    {NODE "[peer.1]\npublic_key = {K1}\naddress = 300.0.0.1:7001\n" API, 9, "bad address"},
    {NODE "[peer.1]\npublic_key = {K1}\naddress = 127.0.0.1:70a1\n" API, 9, "bad address"},
    {NODE "[peer.1]\npublic_key = {K1}\naddress = 127.0.0.1:7001\n[peer.2]\npublic_key = {K2}\n"
          "address = 127.0.0.1:7001\n" API,
     12, "[peer.2] has the same address as [peer.1]"},
    {NODE PEERS "[api]\nlisten = 127.0.0.1:-1\ntoken_file = t\n", 14, "bad address"},
    /* missing required fields */
    {"[node]\nindex = 1\nidentity_key_file = node1.key\nlisten = 127.0.0.1:7001\nmaster_key_file = m\n" PEERS API,
     1, "[node] is missing required field 'data_dir'"},
    {"[node]\nidentity_key_file = node1.key\nlisten = 127.0.0.1:7001\ndata_dir = d\nmaster_key_file = m\n" PEERS API,
     1, "[node] is missing required field 'index'"},
    {"[node]\nindex = 1\nidentity_key_file = node1.key\nlisten = 127.0.0.1:7001\ndata_dir = d\n" PEERS API, 1,
     "missing the master key source"},
    {NODE "master_passphrase_env = PASS\n" PEERS API, 7, "both master_key_file and master_passphrase_env"},
    {NODE PEERS, 0, "missing section [api]"},
    {PEERS API, 0, "missing section [node]"},
    {NODE API, 0, "no [peer.N] section"},
    {NODE PEERS "[api]\nlisten = 127.0.0.1:8001\n", 13, "[api] is missing required field 'token_file'"},
    {NODE "[peer.1]\npublic_key = {K1}\naddress = 127.0.0.1:7001\n[peer.2]\npublic_key = {K2}\n" API, 10,
     "[peer.2] is missing required field 'address'"},
    {NODE "[peer.1]\naddress = 127.0.0.1:7001\n" API, 7, "[peer.1] is missing required field 'public_key'"},
    {"[node]\nindex = 3\nidentity_key_file = node1.key\nlisten = 127.0.0.1:7001\ndata_dir = d\n"
     "master_key_file = m\n" PEERS API,
     2, "no [peer.3] section for this node"},
    /* values out of range / malformed */
    {"[node]\nindex = 0\n", 2, "index = '0': expected a whole number from 1 to 256"},
    {"[node]\nindex = 257\n", 2, "from 1 to 256"},
    {"[node]\nindex = -1\n", 2, "from 1 to 256"},
    {"[node]\nindex = 1x\n", 2, "from 1 to 256"},
    {"[node]\nindex =\n", 2, "from 1 to 256"},
    {"[node]\nidentity_key_file =\n", 2, "identity_key_file must not be empty"},
    {"[node]\nmaster_passphrase_env = 1BAD-NAME\n", 2, "expected an environment variable name"},
    {NODE PEERS API "[peer.0]\n", 16, "bad peer section [peer.0]"},
    {NODE PEERS API "[peer.257]\n", 16, "bad peer section [peer.257]"},
    {NODE PEERS API "[peer.01]\n", 16, "bad peer section [peer.01]"},
    {NODE PEERS API "[peer.x]\n", 16, "bad peer section [peer.x]"},
    {NODE PEERS API "[engine]\nring_capacity = 1000\n", 17, "ring_capacity = 1000: must be a power of two"},
    {NODE PEERS API "[engine]\narena_sessions = 0\n", 17, "arena_sessions = '0'"},
    {NODE PEERS API "[engine]\nverify_batch = 8\nbackend = fast\n", 18, "backend = 'fast': unknown backend"},
    {NODE PEERS API "[engine]\nbackend = AVX2\n", 17, "backend = 'AVX2': unknown backend"},
    {NODE PEERS API "[engine]\nbackend = ref\nbackend = ref\n", 18, "field 'backend' given twice"},
    {NODE PEERS API "[cores]\nengines = 1, 2, 1\n", 17, "core 1 listed twice"},
    {NODE PEERS API "[cores]\nengines = 1, two\n", 17, "'two' is not a core number"},
    {NODE PEERS API "[cores]\nengines = ,\n", 17, "expected a list of core numbers"},
    {NODE PEERS API "[cores]\npoller = 5000\n", 17, "from 0 to 1023"},
    {NODE PEERS API "[timeouts]\nround_ms = 5000\nsession_ms = 4000\n", 18, "session_ms (4000) must be at least"},
    {NODE PEERS API "[limits]\nmax_payload = 10\n", 17, "max_payload = '10'"},
    /* syntax */
    {NODE "garbage line\n" PEERS API, 7, "syntax error"},
    {NODE PEERS API "[cores\n", 16, "malformed section header"},
};

static void test_bad_inputs(void **state)
{
    fixture *f = *state;
    char path[512], err[TSS_CONFIG_ERROR_MAX], prefix[600];
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        const bad_case *c = &BAD[i];
        char name[32];
        snprintf(name, sizeof name, "bad%zu.ini", i);
        write_config(f, name, c->text, path, sizeof path);
        memset(err, 0, sizeof err);
        int rc = tss_config_load(&f->cfg, path, err, sizeof err);
        if (rc != TSS_ERR_ENCODING || strstr(err, c->problem) == NULL)
            fail_msg("case %zu: rc %d, message '%s', expected '%s'", i, rc, err, c->problem);
        if (c->line > 0)
            snprintf(prefix, sizeof prefix, "%s:%d: ", path, c->line);
        else
            snprintf(prefix, sizeof prefix, "%s: ", path);
        if (getenv("TSS_TEST_VERBOSE") != NULL)
            print_message("%s\n", err);
        if (strncmp(err, prefix, strlen(prefix)) != 0)
            fail_msg("case %zu: message '%s' does not start with '%s'", i, err, prefix);
        assert_int_equal(f->cfg.n_peers, 0); /* nothing half-loaded */
    }
}

/* [engine] backend: every documented name loads, as tss_backend_select maps it (a backend this CPU cannot
 * run becomes the fastest one it can). */
static void test_backend_field(void **state)
{
    fixture *f = *state;
    static const char *const names[] = {"auto", "ref", "avx2", "avx512", "avx512y", "avx512z"};
    char path[512], err[TSS_CONFIG_ERROR_MAX], text[1024];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(text, sizeof text, NODE PEERS API "[engine]\nbackend = %s\n", names[i]);
        write_config(f, "backend.ini", text, path, sizeof path);
        assert_int_equal(tss_config_load(&f->cfg, path, err, sizeof err), TSS_OK);
        tss_backend want = tss_backend_select(names[i]);
        assert_int_not_equal(want, TSS_BACKEND_COUNT);
        assert_int_equal(f->cfg.engine.backend, want);
        if (strcmp(names[i], "auto") == 0)
            assert_int_equal(f->cfg.engine.backend, TSS_BACKEND_AUTO);
        else
            assert_true(tss_backend_supported(f->cfg.engine.backend) && f->cfg.engine.backend != TSS_BACKEND_AUTO);
        if (strcmp(names[i], "ref") == 0) assert_int_equal(f->cfg.engine.backend, TSS_BACKEND_REF);
    }
}

static void test_long_line(void **state)
{
    fixture *f = *state;
    char path[512], err[TSS_CONFIG_ERROR_MAX], text[1024];
    char longpath[400];
    memset(longpath, 'a', sizeof longpath - 1);
    longpath[sizeof longpath - 1] = '\0';
    snprintf(text, sizeof text, "[node]\nindex = 1\nidentity_key_file = %s\n", longpath);
    write_config(f, "long.ini", text, path, sizeof path);
    assert_int_equal(tss_config_load(&f->cfg, path, err, sizeof err), TSS_ERR_ENCODING);
    char prefix[600];
    snprintf(prefix, sizeof prefix, "%s:3: line too long", path);
    assert_non_null(strstr(err, prefix));
}

static void test_missing_file(void **state)
{
    fixture *f = *state;
    char path[512], err[TSS_CONFIG_ERROR_MAX];
    snprintf(path, sizeof path, "%s/none.ini", f->dir);
    assert_int_equal(tss_config_load(&f->cfg, path, err, sizeof err), TSS_ERR_NOT_FOUND);
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, "No such file"));
}

static int bound_socket(int type, uint16_t *port)
{
    int fd = socket(AF_INET, type, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    if (type == SOCK_STREAM)
        assert_int_equal(listen(fd, 1), 0);
    socklen_t len = sizeof a;
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    *port = ntohs(a.sin_port);
    return fd;
}

static void test_ports_in_use(void **state)
{
    fixture *f = *state;
    char path[512], err[TSS_CONFIG_ERROR_MAX], text[2048], want[700];
    uint16_t udp_port, tcp_port;
    int udp = bound_socket(SOCK_DGRAM, &udp_port);
    int tcp = bound_socket(SOCK_STREAM, &tcp_port);
    snprintf(text, sizeof text,
             "[node]\nindex = 1\nidentity_key_file = k\nlisten = 127.0.0.1:%u\ndata_dir = d\nmaster_key_file = m\n"
             "[peer.1]\npublic_key = {K1}\naddress = 127.0.0.1:%u\n"
             "[api]\nlisten = 127.0.0.1:%u\ntoken_file = t\n",
             udp_port, udp_port, tcp_port);
    write_config(f, "ports.ini", text, path, sizeof path);
    assert_int_equal(tss_config_load(&f->cfg, path, err, sizeof err), TSS_OK);

    assert_int_equal(tss_config_check_ports(&f->cfg, err, sizeof err), TSS_ERR_IO);
    snprintf(want, sizeof want, "%s:4: [node] listen (UDP) 127.0.0.1:%u is already in use", path, udp_port);
    assert_string_equal(err, want);
    close(udp);
    assert_int_equal(tss_config_check_ports(&f->cfg, err, sizeof err), TSS_ERR_IO);
    snprintf(want, sizeof want, "%s:11: [api] listen (TCP) 127.0.0.1:%u is already in use", path, tcp_port);
    assert_string_equal(err, want);
    close(tcp);
    /* Both free now (nothing else on this machine should grab them within microseconds). */
    assert_int_equal(tss_config_check_ports(&f->cfg, err, sizeof err), TSS_OK);
}

static void check_cluster(fixture *f, const char *cluster, size_t n, unsigned udp_base, unsigned api_base)
{
    const char *src = getenv("TSS_SOURCE_DIR");
    char path[1024], err[TSS_CONFIG_ERROR_MAX], addr[TSS_ADDR_TEXT_MAX], want[TSS_ADDR_TEXT_MAX];
    static tss_config first;
    for (size_t i = 1; i <= n; i++) {
        snprintf(path, sizeof path, "%s/configs/%s/node%zu.ini", src ? src : "..", cluster, i);
        tss_config *cfg = &f->cfg;
        if (tss_config_load(cfg, path, err, sizeof err) != TSS_OK)
            fail_msg("%s", err);
        assert_int_equal(cfg->node.index, i);
        assert_int_equal(cfg->n_peers, n);
        snprintf(want, sizeof want, "127.0.0.1:%u", udp_base + (unsigned)i);
        assert_string_equal(tss_addr_format(addr, &cfg->node.listen), want);
        assert_string_equal(tss_addr_format(addr, &tss_config_peer_by_index(cfg, (uint32_t)i)->address), want);
        snprintf(want, sizeof want, "127.0.0.1:%u", api_base + (unsigned)i);
        assert_string_equal(tss_addr_format(addr, &cfg->api.listen), want);
        assert_string_not_equal(cfg->node.master_key_file, "");
        /* Every node has the same peer table. */
        if (i == 1) {
            first = *cfg;
        } else {
            for (size_t p = 0; p < n; p++) {
                assert_int_equal(cfg->peers[p].index, first.peers[p].index);
                assert_memory_equal(cfg->peers[p].public_key, first.peers[p].public_key, 32);
                assert_true(tss_addr_equal(&cfg->peers[p].address, &first.peers[p].address));
            }
        }
        /* When make-keys.sh has made the local secrets, they match the committed public keys. */
        tss_identity id;
        if (access(cfg->node.identity_key_file, F_OK) == 0) {
            assert_int_equal(tss_identity_load(&id, cfg->node.identity_key_file, err, sizeof err), TSS_OK);
            assert_memory_equal(id.public_key, tss_config_peer_by_index(cfg, (uint32_t)i)->public_key, 32);
            tss_identity_wipe(&id);
        }
    }
}

static void test_example_configs(void **state)
{
    fixture *f = *state;
    check_cluster(f, "cluster-3", 3, 7100, 8100);
    check_cluster(f, "cluster-5", 5, 7200, 8200);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_minimal_valid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_all_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_inputs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backend_field, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ports_in_use, setup, teardown),
        cmocka_unit_test_setup_teardown(test_example_configs, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
