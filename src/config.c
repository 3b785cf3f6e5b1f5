#include "src/config.h"

#include "src/addr.h"
#include "tss/common.h"

#include <errno.h>
#include <ini.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum section { SEC_NONE, SEC_NODE, SEC_PEER, SEC_CORES, SEC_ENGINE, SEC_TIMEOUTS, SEC_LIMITS, SEC_API, SEC_COUNT };

enum field {
    F_NODE_INDEX, F_NODE_IDENTITY, F_NODE_LISTEN, F_NODE_DATA_DIR, F_NODE_MASTER_FILE, F_NODE_MASTER_ENV,
    F_PEER_PUBLIC_KEY, F_PEER_ADDRESS,
    F_CORES_POLLER, F_CORES_VERIFY, F_CORES_ENGINES,
    F_ENGINE_ARENA, F_ENGINE_RING, F_ENGINE_BATCH, F_ENGINE_WAIT, F_ENGINE_EARLY, F_ENGINE_BACKEND,
    F_TO_ROUND, F_TO_SESSION, F_TO_RETRY_INITIAL, F_TO_RETRY_MAX, F_TO_SKEW,
    F_LIMITS_RATE, F_LIMITS_PAYLOAD,
    F_API_LISTEN, F_API_TOKEN,
    F_COUNT
};

typedef struct field_spec {
    enum section section;
    const char *name;
} field_spec;

static const field_spec FIELDS[F_COUNT] = {
    [F_NODE_INDEX] = {SEC_NODE, "index"},
    [F_NODE_IDENTITY] = {SEC_NODE, "identity_key_file"},
    [F_NODE_LISTEN] = {SEC_NODE, "listen"},
    [F_NODE_DATA_DIR] = {SEC_NODE, "data_dir"},
    [F_NODE_MASTER_FILE] = {SEC_NODE, "master_key_file"},
    [F_NODE_MASTER_ENV] = {SEC_NODE, "master_passphrase_env"},
    [F_PEER_PUBLIC_KEY] = {SEC_PEER, "public_key"},
    [F_PEER_ADDRESS] = {SEC_PEER, "address"},
    [F_CORES_POLLER] = {SEC_CORES, "poller"},
    [F_CORES_VERIFY] = {SEC_CORES, "verify"},
    [F_CORES_ENGINES] = {SEC_CORES, "engines"},
    [F_ENGINE_ARENA] = {SEC_ENGINE, "arena_sessions"},
    [F_ENGINE_RING] = {SEC_ENGINE, "ring_capacity"},
    [F_ENGINE_BATCH] = {SEC_ENGINE, "verify_batch"},
    [F_ENGINE_WAIT] = {SEC_ENGINE, "verify_wait_us"},
    [F_ENGINE_EARLY] = {SEC_ENGINE, "early_messages"},
    [F_ENGINE_BACKEND] = {SEC_ENGINE, "backend"},
    [F_TO_ROUND] = {SEC_TIMEOUTS, "round_ms"},
    [F_TO_SESSION] = {SEC_TIMEOUTS, "session_ms"},
    [F_TO_RETRY_INITIAL] = {SEC_TIMEOUTS, "retry_initial_ms"},
    [F_TO_RETRY_MAX] = {SEC_TIMEOUTS, "retry_max"},
    [F_TO_SKEW] = {SEC_TIMEOUTS, "clock_skew_ms"},
    [F_LIMITS_RATE] = {SEC_LIMITS, "rate_per_peer"},
    [F_LIMITS_PAYLOAD] = {SEC_LIMITS, "max_payload"},
    [F_API_LISTEN] = {SEC_API, "listen"},
    [F_API_TOKEN] = {SEC_API, "token_file"},
};

static const char *const SECTION_NAMES[SEC_COUNT] = {
    [SEC_NONE] = "", [SEC_NODE] = "node", [SEC_PEER] = "peer.N", [SEC_CORES] = "cores",
    [SEC_ENGINE] = "engine", [SEC_TIMEOUTS] = "timeouts", [SEC_LIMITS] = "limits", [SEC_API] = "api",
};

typedef struct parse_state {
    tss_config *cfg;
    const char *name;
    char dir[TSS_CONFIG_PATH_MAX];
    const char *text;
    size_t len;
    size_t pos;
    int lineno;
    int line_indented;
    int failed;
    char *err;
    size_t err_len;

    enum section sec;          /* section of the current line */
    uint32_t sec_peer;         /* its peer index, for [peer.N] */
    int section_line[SEC_COUNT];
    int field_line[F_COUNT];   /* for non-peer sections: 0 = not given */
    int peer_line[TSS_CONFIG_MAX_PEERS + 1];
    int peer_field_line[TSS_CONFIG_MAX_PEERS + 1][2];
    int peer_slot[TSS_CONFIG_MAX_PEERS + 1];
} parse_state;

static void fail(parse_state *st, int line, const char *fmt, ...)
{
    if (st->failed)
        return;
    st->failed = 1;
    if (st->err == NULL || st->err_len == 0)
        return;
    int n = line > 0 ? snprintf(st->err, st->err_len, "%s:%d: ", st->name, line)
                     : snprintf(st->err, st->err_len, "%s: ", st->name);
    if (n < 0 || (size_t)n >= st->err_len)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->err + n, st->err_len - (size_t)n, fmt, ap);
    va_end(ap);
}

/* Strict decimal: digits only, value in [min, max]. */
static int parse_u32(const char *v, uint32_t min, uint32_t max, uint32_t *out)
{
    uint64_t x = 0;
    if (*v == '\0' || strlen(v) > 10)
        return -1;
    for (const char *p = v; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        x = x * 10 + (uint64_t)(*p - '0');
    }
    if (x < min || x > max)
        return -1;
    *out = (uint32_t)x;
    return 0;
}

/* Identifies a section header's name; -1 if unknown, -2 for a peer section with a bad index. */
static int section_of(const char *name, uint32_t *peer)
{
    for (int s = SEC_NODE; s < SEC_COUNT; s++)
        if (s != SEC_PEER && strcmp(name, SECTION_NAMES[s]) == 0)
            return s;
    if (strncmp(name, "peer.", 5) == 0) {
        if (parse_u32(name + 5, 1, TSS_CONFIG_MAX_PEERS, peer) != 0 || name[5] == '0')
            return -2;
        return SEC_PEER;
    }
    return -1;
}

/* Section headers are tracked here, line by line, so that empty, repeated and unknown sections are seen
 * (inih reports only name = value pairs). */
static void scan_line(parse_state *st, const char *line)
{
    const char *p = line;
    if (st->lineno == 1 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
        (unsigned char)p[2] == 0xBF)
        p += 3;
    st->line_indented = (*p == ' ' || *p == '\t');
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p != '[')
        return;
    const char *end = strchr(p, ']');
    if (end == NULL) {
        fail(st, st->lineno, "malformed section header (no closing ']')");
        return;
    }
    char name[64];
    size_t n = (size_t)(end - p - 1);
    if (n >= sizeof name) {
        fail(st, st->lineno, "unknown section (name too long)");
        return;
    }
    memcpy(name, p + 1, n);
    name[n] = '\0';
    uint32_t peer = 0;
    int s = section_of(name, &peer);
    if (s == -1) {
        fail(st, st->lineno,
             "unknown section [%s] (expected node, peer.N, cores, engine, timeouts, limits or api)", name);
        return;
    }
    if (s == -2) {
        fail(st, st->lineno, "bad peer section [%s]: N must be a peer index from 1 to %d", name,
             TSS_CONFIG_MAX_PEERS);
        return;
    }
    st->sec = (enum section)s;
    if (s == SEC_PEER) {
        if (st->peer_line[peer] != 0) {
            fail(st, st->lineno, "duplicate peer index %u ([peer.%u] first given at line %d)", peer, peer,
                 st->peer_line[peer]);
            return;
        }
        st->peer_line[peer] = st->lineno;
        st->sec_peer = peer;
        tss_config_peer *cp = &st->cfg->peers[st->cfg->n_peers];
        st->peer_slot[peer] = (int)st->cfg->n_peers++;
        cp->index = peer;
        cp->line = st->lineno;
        return;
    }
    if (st->section_line[s] != 0) {
        fail(st, st->lineno, "section [%s] given twice (first at line %d)", name, st->section_line[s]);
        return;
    }
    st->section_line[s] = st->lineno;
}

/* fgets over the in-memory text, counting lines so that every message can name its line. */
static char *read_line(char *str, int num, void *stream)
{
    parse_state *st = stream;
    if (st->failed || st->pos >= st->len)
        return NULL;
    const char *start = st->text + st->pos;
    const char *nl = memchr(start, '\n', st->len - st->pos);
    size_t n = nl ? (size_t)(nl - start) + 1 : st->len - st->pos;
    st->lineno++;
    if (num < 4 || n + 1 > (size_t)num) {
        fail(st, st->lineno, "line too long (at most %d characters)", num - 3);
        return NULL;
    }
    if (memchr(start, '\0', n) != NULL) {
        fail(st, st->lineno, "NUL byte in line");
        return NULL;
    }
    memcpy(str, start, n);
    str[n] = '\0';
    st->pos += n;
    scan_line(st, str);
    return st->failed ? NULL : str;
}

static int set_path(parse_state *st, char out[TSS_CONFIG_PATH_MAX], const char *field, const char *v)
{
    if (*v == '\0') {
        fail(st, st->lineno, "%s must not be empty", field);
        return 0;
    }
    int n = v[0] == '/' ? snprintf(out, TSS_CONFIG_PATH_MAX, "%s", v)
                        : snprintf(out, TSS_CONFIG_PATH_MAX, "%s/%s", st->dir, v);
    if (n < 0 || n >= TSS_CONFIG_PATH_MAX) {
        fail(st, st->lineno, "%s: path too long (at most %d bytes once resolved)", field, TSS_CONFIG_PATH_MAX - 1);
        return 0;
    }
    return 1;
}

static int set_u32(parse_state *st, uint32_t *out, const char *field, const char *v, uint32_t min, uint32_t max)
{
    if (parse_u32(v, min, max, out) != 0) {
        fail(st, st->lineno, "%s = '%s': expected a whole number from %u to %u", field, v, min, max);
        return 0;
    }
    return 1;
}

static int set_addr(parse_state *st, struct sockaddr_in *out, const char *field, const char *v)
{
    if (tss_addr_parse(out, v) != TSS_OK) {
        fail(st, st->lineno, "%s = '%s': bad address (expected IPv4 a.b.c.d:port, port 1-65535)", field, v);
        return 0;
    }
    return 1;
}

static int set_key(parse_state *st, uint8_t out[32], const char *v)
{
    size_t n = strlen(v);
    size_t bin_len = 0;
    const char *end = NULL;
    if (n != 64) {
        fail(st, st->lineno, "public_key: expected 64 hex characters (32 bytes), got %zu characters", n);
        return 0;
    }
    if (sodium_hex2bin(out, 32, v, n, NULL, &bin_len, &end) != 0 || bin_len != 32 || end != v + n) {
        fail(st, st->lineno, "public_key: not hexadecimal");
        return 0;
    }
    if (!crypto_core_ed25519_is_valid_point(out)) {
        fail(st, st->lineno,
             "public_key: not a valid Ed25519 public key (not a canonical curve point of prime order)");
        return 0;
    }
    return 1;
}

static int set_core(parse_state *st, int *out, const char *field, const char *v)
{
    uint32_t c;
    if (!set_u32(st, &c, field, v, 0, TSS_CONFIG_MAX_CORE))
        return 0;
    *out = (int)c;
    return 1;
}

static int set_engines(parse_state *st, const char *v)
{
    tss_config *cfg = st->cfg;
    cfg->cores.n_engines = 0;
    const char *p = v;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (*p == '\0')
            break;
        char item[16];
        size_t n = strcspn(p, " \t,");
        uint32_t c;
        if (n >= sizeof item) {
            fail(st, st->lineno, "engines: '%.*s' is not a core number", (int)n, p);
            return 0;
        }
        memcpy(item, p, n);
        item[n] = '\0';
        p += n;
        if (parse_u32(item, 0, TSS_CONFIG_MAX_CORE, &c) != 0) {
            fail(st, st->lineno, "engines: '%s' is not a core number from 0 to %d", item, TSS_CONFIG_MAX_CORE);
            return 0;
        }
        for (size_t i = 0; i < cfg->cores.n_engines; i++) {
            if (cfg->cores.engines[i] == (int)c) {
                fail(st, st->lineno, "engines: core %u listed twice (one engine per core)", c);
                return 0;
            }
        }
        if (cfg->cores.n_engines == TSS_CONFIG_MAX_ENGINES) {
            fail(st, st->lineno, "engines: more than %d engines", TSS_CONFIG_MAX_ENGINES);
            return 0;
        }
        cfg->cores.engines[cfg->cores.n_engines++] = (int)c;
    }
    if (cfg->cores.n_engines == 0) {
        fail(st, st->lineno, "engines: expected a list of core numbers, e.g. 2, 3");
        return 0;
    }
    return 1;
}

static int set_env_name(parse_state *st, char out[TSS_CONFIG_ENV_MAX], const char *v)
{
    size_t n = strlen(v);
    int ok = n > 0 && n < TSS_CONFIG_ENV_MAX && !(v[0] >= '0' && v[0] <= '9');
    for (size_t i = 0; ok && i < n; i++) {
        char c = v[i];
        ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    }
    if (!ok) {
        fail(st, st->lineno, "master_passphrase_env = '%s': expected an environment variable name", v);
        return 0;
    }
    memcpy(out, v, n + 1);
    return 1;
}

/* A named backend this CPU cannot run is accepted and falls back to the fastest one (tss_backend_select):
 * one config file serves a mixed fleet. */
static int set_backend(parse_state *st, tss_backend *out, const char *v)
{
    tss_backend b = tss_backend_select(v);
    if (b == TSS_BACKEND_COUNT) {
        fail(st, st->lineno, "backend = '%s': unknown backend (expected auto, ref, avx2, avx512, avx512y or avx512z)",
             v);
        return 0;
    }
    *out = b;
    return 1;
}

static int set_field(parse_state *st, enum field f, const char *v)
{
    tss_config *cfg = st->cfg;
    tss_config_peer *peer = st->sec == SEC_PEER ? &cfg->peers[st->peer_slot[st->sec_peer]] : NULL;
    switch (f) {
    case F_NODE_INDEX: return set_u32(st, &cfg->node.index, "index", v, 1, TSS_CONFIG_MAX_PEERS);
    case F_NODE_IDENTITY: return set_path(st, cfg->node.identity_key_file, "identity_key_file", v);
    case F_NODE_LISTEN:
        cfg->node.listen_line = st->lineno;
        return set_addr(st, &cfg->node.listen, "listen", v);
    case F_NODE_DATA_DIR: return set_path(st, cfg->node.data_dir, "data_dir", v);
    case F_NODE_MASTER_FILE: return set_path(st, cfg->node.master_key_file, "master_key_file", v);
    case F_NODE_MASTER_ENV: return set_env_name(st, cfg->node.master_passphrase_env, v);
    case F_PEER_PUBLIC_KEY: return set_key(st, peer->public_key, v);
    case F_PEER_ADDRESS: return set_addr(st, &peer->address, "address", v);
    case F_CORES_POLLER: return set_core(st, &cfg->cores.poller, "poller", v);
    case F_CORES_VERIFY: return set_core(st, &cfg->cores.verify, "verify", v);
    case F_CORES_ENGINES: return set_engines(st, v);
    case F_ENGINE_ARENA: return set_u32(st, &cfg->engine.arena_sessions, "arena_sessions", v, 1, 1u << 20);
    case F_ENGINE_RING:
        if (!set_u32(st, &cfg->engine.ring_capacity, "ring_capacity", v, 2, 1u << 24))
            return 0;
        if ((cfg->engine.ring_capacity & (cfg->engine.ring_capacity - 1)) != 0) {
            fail(st, st->lineno, "ring_capacity = %s: must be a power of two", v);
            return 0;
        }
        return 1;
    case F_ENGINE_BATCH: return set_u32(st, &cfg->engine.verify_batch, "verify_batch", v, 1, 4096);
    case F_ENGINE_WAIT: return set_u32(st, &cfg->engine.verify_wait_us, "verify_wait_us", v, 0, 1000000);
    case F_ENGINE_EARLY: return set_u32(st, &cfg->engine.early_messages, "early_messages", v, 0, 1024);
    case F_ENGINE_BACKEND: return set_backend(st, &cfg->engine.backend, v);
    case F_TO_ROUND: return set_u32(st, &cfg->timeouts.round_ms, "round_ms", v, 1, 3600000);
    case F_TO_SESSION: return set_u32(st, &cfg->timeouts.session_ms, "session_ms", v, 1, 86400000);
    case F_TO_RETRY_INITIAL:
        return set_u32(st, &cfg->timeouts.retry_initial_ms, "retry_initial_ms", v, 1, 3600000);
    case F_TO_RETRY_MAX: return set_u32(st, &cfg->timeouts.retry_max, "retry_max", v, 0, 100);
    case F_TO_SKEW: return set_u32(st, &cfg->timeouts.clock_skew_ms, "clock_skew_ms", v, 0, 3600000);
    case F_LIMITS_RATE: return set_u32(st, &cfg->limits.rate_per_peer, "rate_per_peer", v, 1, 10000000);
    case F_LIMITS_PAYLOAD: return set_u32(st, &cfg->limits.max_payload, "max_payload", v, 64, 1u << 24);
    case F_API_LISTEN:
        cfg->api.listen_line = st->lineno;
        return set_addr(st, &cfg->api.listen, "listen", v);
    case F_API_TOKEN: return set_path(st, cfg->api.token_file, "token_file", v);
    case F_COUNT: break;
    }
    return 0;
}

static int on_field(void *user, const char *section, const char *name, const char *value)
{
    parse_state *st = user;
    (void)section; /* the section is tracked by scan_line, which also sees empty sections */
    if (st->failed)
        return 0;
    if (st->sec == SEC_NONE) {
        fail(st, st->lineno, "field '%s' outside any section", name);
        return 0;
    }
    enum field f = F_COUNT;
    for (int i = 0; i < F_COUNT; i++) {
        if (FIELDS[i].section == st->sec && strcmp(FIELDS[i].name, name) == 0) {
            f = (enum field)i;
            break;
        }
    }
    if (f == F_COUNT) {
        if (st->sec == SEC_PEER)
            fail(st, st->lineno, "unknown field '%s' in section [peer.%u]", name, st->sec_peer);
        else
            fail(st, st->lineno, "unknown field '%s' in section [%s]", name, SECTION_NAMES[st->sec]);
        return 0;
    }
    int *line = st->sec == SEC_PEER ? &st->peer_field_line[st->sec_peer][f - F_PEER_PUBLIC_KEY] : &st->field_line[f];
    if (*line != 0) {
        if (st->line_indented)
            fail(st, st->lineno,
                 "indented line read as a continuation of '%s' (line %d); continuation lines are not supported, "
                 "remove the indentation",
                 name, *line);
        else
            fail(st, st->lineno, "field '%s' given twice (first at line %d)", name, *line);
        return 0;
    }
    *line = st->lineno;
    return set_field(st, f, value);
}

static void set_defaults(tss_config *cfg)
{
    cfg->cores.poller = 0;
    cfg->cores.verify = 0;
    cfg->cores.n_engines = 1;
    cfg->cores.engines[0] = 0;
    cfg->engine.arena_sessions = 1024;
    cfg->engine.ring_capacity = 4096;
    cfg->engine.verify_batch = 64;
    cfg->engine.verify_wait_us = 200;
    cfg->engine.early_messages = 32;
    cfg->engine.backend = TSS_BACKEND_AUTO;
    cfg->timeouts.round_ms = 2000;
    cfg->timeouts.session_ms = 30000;
    cfg->timeouts.retry_initial_ms = 250;
    cfg->timeouts.retry_max = 5;
    cfg->timeouts.clock_skew_ms = 5000;
    cfg->limits.rate_per_peer = 10000;
    cfg->limits.max_payload = 65536;
}

static int cmp_peer(const void *a, const void *b)
{
    const tss_config_peer *x = a, *y = b;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Whole-file checks, after every line parsed. */
static void validate(parse_state *st)
{
    tss_config *cfg = st->cfg;
    static const enum field node_required[] = {F_NODE_INDEX, F_NODE_IDENTITY, F_NODE_LISTEN, F_NODE_DATA_DIR};
    if (st->section_line[SEC_NODE] == 0) {
        fail(st, 0, "missing section [node]");
        return;
    }
    for (size_t i = 0; i < sizeof node_required / sizeof node_required[0]; i++) {
        if (st->field_line[node_required[i]] == 0) {
            fail(st, st->section_line[SEC_NODE], "[node] is missing required field '%s'",
                 FIELDS[node_required[i]].name);
            return;
        }
    }
    int has_file = st->field_line[F_NODE_MASTER_FILE] != 0, has_env = st->field_line[F_NODE_MASTER_ENV] != 0;
    if (has_file == has_env) {
        fail(st, has_file ? st->field_line[F_NODE_MASTER_ENV] : st->section_line[SEC_NODE],
             has_file ? "[node] gives both master_key_file and master_passphrase_env; choose one"
                      : "[node] is missing the master key source: master_key_file or master_passphrase_env");
        return;
    }
    if (cfg->n_peers == 0) {
        fail(st, 0, "no [peer.N] section: the peer table must list every node, this one included");
        return;
    }
    for (size_t i = 0; i < cfg->n_peers; i++) {
        const tss_config_peer *p = &cfg->peers[i];
        for (int k = 0; k < 2; k++) {
            if (st->peer_field_line[p->index][k] == 0) {
                fail(st, p->line, "[peer.%u] is missing required field '%s'", p->index,
                     FIELDS[F_PEER_PUBLIC_KEY + k].name);
                return;
            }
        }
    }
    for (size_t i = 0; i < cfg->n_peers; i++) {
        const tss_config_peer *p = &cfg->peers[i];
        for (size_t j = 0; j < i; j++) {
            const tss_config_peer *q = &cfg->peers[j];
            if (memcmp(p->public_key, q->public_key, 32) == 0) {
                fail(st, st->peer_field_line[p->index][0], "[peer.%u] has the same public_key as [peer.%u]",
                     p->index, q->index);
                return;
            }
            if (tss_addr_equal(&p->address, &q->address)) {
                fail(st, st->peer_field_line[p->index][1], "[peer.%u] has the same address as [peer.%u]",
                     p->index, q->index);
                return;
            }
        }
    }
    if (st->peer_line[cfg->node.index] == 0) {
        fail(st, st->field_line[F_NODE_INDEX], "[node] index = %u but there is no [peer.%u] section for this node",
             cfg->node.index, cfg->node.index);
        return;
    }
    if (cfg->timeouts.session_ms < cfg->timeouts.round_ms) {
        fail(st, st->field_line[F_TO_SESSION] ? st->field_line[F_TO_SESSION] : st->field_line[F_TO_ROUND],
             "session_ms (%u) must be at least round_ms (%u)", cfg->timeouts.session_ms, cfg->timeouts.round_ms);
        return;
    }
    if (st->section_line[SEC_API] == 0) {
        fail(st, 0, "missing section [api] (listen and token_file)");
        return;
    }
    if (st->field_line[F_API_LISTEN] == 0 || st->field_line[F_API_TOKEN] == 0) {
        fail(st, st->section_line[SEC_API], "[api] is missing required field '%s'",
             st->field_line[F_API_LISTEN] == 0 ? "listen" : "token_file");
        return;
    }
    qsort(cfg->peers, cfg->n_peers, sizeof cfg->peers[0], cmp_peer);
}

int tss_config_parse(tss_config *cfg, const char *name, const char *text, size_t text_len, char *err,
                     size_t err_len)
{
    if (err != NULL && err_len > 0)
        err[0] = '\0';
    if (cfg == NULL || name == NULL || (text == NULL && text_len != 0))
        return TSS_ERR_INVALID_ARG;
    memset(cfg, 0, sizeof *cfg);
    set_defaults(cfg);

    parse_state *st = calloc(1, sizeof *st);
    if (st == NULL)
        return TSS_ERR_CAPACITY;
    st->cfg = cfg;
    st->name = name;
    st->text = text;
    st->len = text_len;
    st->err = err;
    st->err_len = err_len;
    snprintf(cfg->path, sizeof cfg->path, "%s", name);
    const char *slash = strrchr(name, '/');
    if (slash == NULL)
        snprintf(st->dir, sizeof st->dir, ".");
    else if (slash == name)
        snprintf(st->dir, sizeof st->dir, "/");
    else
        snprintf(st->dir, sizeof st->dir, "%.*s", (int)(slash - name), name);

    int rc = ini_parse_stream(read_line, st, on_field, st);
    if (!st->failed && rc > 0)
        fail(st, rc, "syntax error: expected '[section]', 'name = value' or a comment");
    else if (!st->failed && rc < 0)
        fail(st, 0, "cannot parse (out of memory)");
    if (!st->failed)
        validate(st);
    int status = st->failed ? TSS_ERR_ENCODING : TSS_OK;
    free(st);
    if (status != TSS_OK)
        memset(cfg, 0, sizeof *cfg);
    return status;
}

int tss_config_load(tss_config *cfg, const char *path, char *err, size_t err_len)
{
    if (err != NULL && err_len > 0)
        err[0] = '\0';
    if (cfg == NULL || path == NULL)
        return TSS_ERR_INVALID_ARG;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        int e = errno;
        if (err != NULL)
            snprintf(err, err_len, "%s: cannot open config file: %s", path, strerror(e));
        return e == ENOENT ? TSS_ERR_NOT_FOUND : TSS_ERR_IO;
    }
    char *text = malloc(TSS_CONFIG_FILE_MAX + 1);
    if (text == NULL) {
        fclose(f);
        return TSS_ERR_CAPACITY;
    }
    size_t n = fread(text, 1, TSS_CONFIG_FILE_MAX + 1, f);
    int read_error = ferror(f);
    fclose(f);
    int rc;
    if (read_error) {
        if (err != NULL)
            snprintf(err, err_len, "%s: cannot read config file", path);
        rc = TSS_ERR_IO;
    } else if (n > TSS_CONFIG_FILE_MAX) {
        if (err != NULL)
            snprintf(err, err_len, "%s: config file larger than %u bytes", path, TSS_CONFIG_FILE_MAX);
        rc = TSS_ERR_ENCODING;
    } else {
        rc = tss_config_parse(cfg, path, text, n, err, err_len);
    }
    free(text);
    return rc;
}

static int try_bind(const tss_config *cfg, const struct sockaddr_in *addr, int line, int type, const char *what,
                    char *err, size_t err_len)
{
    char text[TSS_ADDR_TEXT_MAX];
    int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        if (err != NULL)
            snprintf(err, err_len, "%s: cannot create a socket: %s", cfg->path, strerror(errno));
        return TSS_ERR_IO;
    }
    if (type == SOCK_STREAM) {
        /* As the API server will: a port left in TIME_WAIT is not "in use". */
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    }
    int rc = bind(fd, (const struct sockaddr *)addr, sizeof *addr);
    int e = errno;
    close(fd);
    if (rc == 0)
        return TSS_OK;
    if (err != NULL) {
        if (e == EADDRINUSE)
            snprintf(err, err_len, "%s:%d: %s %s is already in use", cfg->path, line, what,
                     tss_addr_format(text, addr));
        else
            snprintf(err, err_len, "%s:%d: cannot bind %s %s: %s", cfg->path, line, what,
                     tss_addr_format(text, addr), strerror(e));
    }
    return TSS_ERR_IO;
}

int tss_config_check_ports(const tss_config *cfg, char *err, size_t err_len)
{
    if (cfg == NULL)
        return TSS_ERR_INVALID_ARG;
    int rc = try_bind(cfg, &cfg->node.listen, cfg->node.listen_line, SOCK_DGRAM, "[node] listen (UDP)", err,
                      err_len);
    if (rc == TSS_OK)
        rc = try_bind(cfg, &cfg->api.listen, cfg->api.listen_line, SOCK_STREAM, "[api] listen (TCP)", err,
                      err_len);
    return rc;
}

const tss_config_peer *tss_config_peer_by_index(const tss_config *cfg, uint32_t index)
{
    if (cfg == NULL)
        return NULL;
    size_t lo = 0, hi = cfg->n_peers;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cfg->peers[mid].index == index)
            return &cfg->peers[mid];
        if (cfg->peers[mid].index < index)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}
