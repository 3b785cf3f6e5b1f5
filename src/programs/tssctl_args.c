/* tssctl's command line: one table of options, each tied to the commands it applies to; every bad argument gets
 * one line naming it (the usage text is printed on --help only). */
#include "src/programs/tssctl.h"

#include "src/config.h"
#include "tss/common.h"

#include <errno.h>
#include <getopt.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#ifndef TSS_VERSION
#define TSS_VERSION "unknown"
#endif

#define MIN_THRESHOLD 2 /* RFC 9591: MIN_PARTICIPANTS >= 2 */

enum cmd_bit { C_STATUS = 1, C_KEYS = 2, C_DKG = 4, C_SIGN = 8, C_VERIFY = 16, C_CLUSTER = 32 };
enum sub_bit { S_INIT = 1, S_UP = 2, S_START = 4, S_KILL = 8, S_DOWN = 16, S_STATUS = 32, S_ALL = 63 };
#define C_NODES (C_STATUS | C_KEYS | C_DKG | C_SIGN | C_VERIFY)

enum opt_id {
    O_CLUSTER, O_DIR, O_CONFIG, O_NODE, O_TOKEN, O_TIMEOUT, O_JSON, O_QUIET, O_SESSION, O_KEY, O_THRESHOLD,
    O_PARTS, O_SIGNERS, O_SKIP, O_PREHASH, O_SEQUENTIAL, O_MESSAGE, O_TEXT, O_SIGNATURE, O_PUBLIC_KEY, O_RESULTS,
    O_NODES, O_BASE_PORT, O_ENGINES, O_HINT, O_ROUND_MS, O_SESSION_MS, O_TSSD, O_WAIT, O_STOP, O_HELP, O_VERSION,
    O_COUNT
};

static const struct opt_spec {
    const char *name;
    bool has_arg;
    bool repeatable;
    unsigned cmds; /* the commands it applies to */
    unsigned subs; /* with C_CLUSTER: the cluster commands it applies to */
} specs[O_COUNT] = {
    [O_CLUSTER] = {"cluster", true, false, C_NODES | C_CLUSTER, S_ALL},
    [O_DIR] = {"dir", true, false, C_CLUSTER, S_ALL}, /* the old spelling of --cluster, kept for scripts */
    [O_CONFIG] = {"config", true, true, C_NODES, 0},
    [O_NODE] = {"node", true, true, C_NODES, 0},
    [O_TOKEN] = {"token-file", true, false, C_NODES, 0},
    [O_TIMEOUT] = {"timeout", true, false, C_DKG | C_SIGN, 0},
    [O_JSON] = {"json", false, false, C_NODES, 0},
    [O_QUIET] = {"quiet", false, false, C_NODES | C_CLUSTER, S_ALL},
    [O_SESSION] = {"session", true, false, C_STATUS | C_DKG | C_SIGN, 0},
    [O_KEY] = {"key", true, false, C_KEYS | C_SIGN | C_VERIFY, 0},
    [O_THRESHOLD] = {"threshold", true, false, C_DKG, 0},
    [O_PARTS] = {"participants", true, false, C_DKG, 0},
    [O_SIGNERS] = {"signers", true, false, C_SIGN, 0},
    [O_SKIP] = {"skip", true, false, C_DKG | C_SIGN, 0},
    [O_PREHASH] = {"prehash", false, false, C_SIGN | C_VERIFY, 0},
    [O_SEQUENTIAL] = {"sequential", false, false, C_SIGN, 0},
    [O_MESSAGE] = {"message", true, true, C_SIGN | C_VERIFY, 0},
    [O_TEXT] = {"text", true, true, C_SIGN | C_VERIFY, 0},
    [O_SIGNATURE] = {"signature", true, false, C_VERIFY, 0},
    [O_PUBLIC_KEY] = {"public-key", true, false, C_VERIFY, 0},
    [O_RESULTS] = {"results", true, false, C_VERIFY, 0},
    [O_NODES] = {"nodes", true, false, C_CLUSTER, S_INIT | S_UP},
    [O_BASE_PORT] = {"base-port", true, false, C_CLUSTER, S_INIT | S_UP},
    [O_ENGINES] = {"engines", true, false, C_CLUSTER, S_INIT | S_UP},
    [O_HINT] = {"threshold-hint", true, false, C_CLUSTER, S_INIT | S_UP},
    [O_ROUND_MS] = {"round-ms", true, false, C_CLUSTER, S_INIT | S_UP},
    [O_SESSION_MS] = {"session-ms", true, false, C_CLUSTER, S_INIT | S_UP},
    [O_TSSD] = {"tssd", true, false, C_CLUSTER, S_UP | S_START},
    [O_WAIT] = {"wait", true, false, C_CLUSTER, S_UP | S_START},
    [O_STOP] = {"stop-timeout", true, false, C_CLUSTER, S_DOWN},
    [O_HELP] = {"help", false, false, 0, 0},
    [O_VERSION] = {"version", false, false, 0, 0},
};

static const struct {
    const char *name;
    unsigned bit;
} commands[] = {{"status", C_STATUS}, {"keys", C_KEYS}, {"dkg", C_DKG},
                {"sign", C_SIGN},     {"verify", C_VERIFY}, {"cluster", C_CLUSTER}};
static const struct {
    const char *name;
    unsigned bit;
} cluster_commands[] = {{"init", S_INIT}, {"up", S_UP},         {"start", S_START},
                        {"kill", S_KILL}, {"down", S_DOWN}, {"status", S_STATUS}};

static void usage(FILE *out)
{
    fputs("usage: tssctl COMMAND [options]          (tssctl --version; docs/api.md, docs/operations.md)\n"
          "\n"
          "Talking to the nodes (FROST(Ed25519) keys and signatures):\n"
          "  status [--session ID]                  health, verification backend and keys of every node\n"
          "  keys [--key ID]                        keys on every node, checked for agreement\n"
          "  dkg --threshold T [--participants L]   a key generation; T signers suffice (T >= 2); default\n"
          "                                         participants: every node\n"
          "  sign --key ID (--message HEX | --text S)...   sign (repeat for a batch); every signature is\n"
          "       [--signers L] [--prehash] [--sequential]  checked with libsodium before it is printed\n"
          "  verify (--public-key HEX | --key ID) (--message HEX | --text S) --signature HEX [--prehash]\n"
          "  verify --results FILE [--public-key HEX | --key ID]\n"
          "                                         checks signatures without the nodes' help (libsodium);\n"
          "                                         FILE is the output of `tssctl sign --json` (\"-\": stdin)\n"
          "Which nodes (one of):\n"
          "  --cluster DIR        every node*.ini in DIR (default: $TSS_CLUSTER, else\n"
          "                       $XDG_STATE_HOME/tss/cluster, else ~/.local/state/tss/cluster)\n"
          "  --config FILE        one node config, e.g. /etc/tss/NAME.ini (repeatable)\n"
          "  --node URL           a node's API, e.g. http://127.0.0.1:8101 (repeatable; index = position),\n"
          "                       with --token-file FILE\n"
          "  --token-file FILE    bearer token (default: each config's token_file)\n"
          "Options:\n"
          "  --session ID         session id (16 hex digits; default random)\n"
          "  --timeout SEC        give up waiting after SEC seconds (default 60)\n"
          "  --json               machine-readable output on stdout\n"
          "  --quiet              no progress line\n"
          "  --skip L             drill: do not send the dkg/sign request to these participants (they stay\n"
          "                       named in it), to see the session fail by timeout naming them\n"
          "\n"
          "A local cluster of tssd processes on loopback (its directory: --cluster DIR, default as above):\n"
          "  cluster up [--nodes N]   make the cluster (unless DIR holds one) and start every node\n"
          "  cluster init --nodes N   write N node configs, identity/master keys and API tokens only\n"
          "  cluster start [K]        (re)start node K (default every node) with its config, keys and store\n"
          "  cluster kill K           SIGKILL node K and wait until its process is gone\n"
          "  cluster down             SIGTERM every node, SIGKILL after --stop-timeout\n"
          "  cluster status           pid, process and /healthz of every node\n"
          "  --base-port P            node K: UDP P+2(K-1), API P+2(K-1)+1 (default: random free ports)\n"
          "  --engines E              engine cores per node (default 1)\n"
          "  --round-ms MS, --session-ms MS   protocol timeouts written into the configs\n"
          "  --threshold-hint T       threshold suggested in the printed next step (default: majority)\n"
          "  --tssd PATH              the daemon (default: tssd next to this tssctl)\n"
          "  --wait SEC               how long to wait for every /healthz (default 30)\n"
          "  --stop-timeout SEC       SIGTERM grace period before SIGKILL (default 10)\n"
          "\n"
          "Exit status: 0 ok, 1 the operation failed (or a signature did not verify), 2 bad usage.\n",
          out);
}

/* The first error, printed once parsing is over (unless --help or --version came too). */
typedef struct parse_state {
    char err[512];
    unsigned given[O_COUNT];
} parse_state;

__attribute__((format(printf, 2, 3))) static void fail(parse_state *ps, const char *fmt, ...)
{
    if (ps->err[0] != '\0')
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ps->err, sizeof ps->err, fmt, ap);
    va_end(ap);
}

static bool parse_long(const char *s, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || errno != 0)
        return false;
    *out = v;
    return true;
}

static void parse_range(parse_state *ps, const char *name, const char *s, long lo, long hi, long *out)
{
    long v;
    if (!parse_long(s, &v) || v < lo || v > hi)
        fail(ps, "--%s takes a whole number from %ld to %ld, not '%s'", name, lo, hi, s);
    else
        *out = v;
}

static void parse_seconds(parse_state *ps, const char *name, const char *s, double *out)
{
    char *end;
    double d = strtod(s, &end);
    if (end == s || *end != '\0' || !(d > 0) || d > 86400)
        fail(ps, "--%s takes a number of seconds above 0 (at most 86400), not '%s'", name, s);
    else
        *out = d;
}

static void parse_threshold(parse_state *ps, const char *s, int *out)
{
    long v;
    if (!parse_long(s, &v))
        fail(ps, "--threshold takes the number of signers that suffice (a whole number, at least %d), not '%s'",
             MIN_THRESHOLD, s);
    else if (v < 0)
        fail(ps, "--threshold %s is not a number of signers (it takes a whole number, at least %d)", s,
             MIN_THRESHOLD);
    else if (v < MIN_THRESHOLD)
        fail(ps, "--threshold %s: at least %d signers (RFC 9591); a 1-of-n key would let any one holder sign "
                 "alone", s, MIN_THRESHOLD);
    else if (v > TSS_API_MAX_PARTICIPANTS)
        fail(ps, "--threshold %s: at most %d", s, TSS_API_MAX_PARTICIPANTS);
    else
        *out = (int)v;
}

/* "1,2,3": node indices, each once. */
static void parse_index_list(parse_state *ps, const char *name, const char *s, uint16_t *out, size_t *n)
{
    const char *p = s;
    *n = 0;
    while (*p != '\0') {
        long v;
        char *end;
        errno = 0;
        v = strtol(p, &end, 10);
        if (end == p || errno != 0 || v < 1 || v > 65535 || (*end != ',' && *end != '\0') ||
            (*end == ',' && end[1] == '\0')) {
            fail(ps, "--%s takes node indices like 1,2,3 (each 1..65535), not '%s'", name, s);
            return;
        }
        for (size_t i = 0; i < *n; i++) {
            if (out[i] == v) {
                fail(ps, "--%s: node %ld is listed twice in '%s'", name, v, s);
                return;
            }
        }
        if (*n == TSS_API_MAX_PARTICIPANTS) {
            fail(ps, "--%s: more than %d nodes", name, TSS_API_MAX_PARTICIPANTS);
            return;
        }
        out[(*n)++] = (uint16_t)v;
        p = *end == ',' ? end + 1 : end;
    }
    if (*n == 0)
        fail(ps, "--%s takes node indices like 1,2,3, not an empty list", name);
}

static void parse_id(parse_state *ps, const char *name, const char *what, const char *s, uint64_t *out)
{
    if (tss_api_parse_id(s, out) != TSS_OK)
        fail(ps, "--%s takes a %s id of 16 hex digits%s, not '%s'", name, name, what, s);
}

static bool is_hex(const char *s, size_t len)
{
    return strspn(s, "0123456789abcdefABCDEF") == len;
}

static void parse_fixed_hex(parse_state *ps, const char *name, const char *s, size_t digits, const char **out)
{
    if (strlen(s) != digits || !is_hex(s, digits))
        fail(ps, "--%s takes %zu hex digits, not '%.40s%s' (%zu characters)", name, digits, s,
             strlen(s) > 40 ? "..." : "", strlen(s));
    else
        *out = s;
}

static void add_message(parse_state *ps, options *o, const char *hex, const char *given_as)
{
    size_t n = strlen(hex);
    if (o->n_messages == TSSCTL_MAX_MESSAGES) {
        fail(ps, "at most %d messages (--message/--text) in one command", TSSCTL_MAX_MESSAGES);
        return;
    }
    if (n / 2 > TSS_API_MAX_MESSAGE) {
        fail(ps, "--%s: a message of %zu bytes; at most %d", given_as, n / 2, TSS_API_MAX_MESSAGE);
        return;
    }
    if (n % 2 != 0 || !is_hex(hex, n)) {
        fail(ps, "--message takes the message in hex (an even number of hex digits), not '%.40s%s'; "
                 "--text takes it as text", hex, n > 40 ? "..." : "");
        return;
    }
    o->messages[o->n_messages] = strdup(hex);
    if (o->messages[o->n_messages] == NULL)
        fail(ps, "out of memory");
    else
        o->n_messages++;
}

static void add_text(parse_state *ps, options *o, const char *text)
{
    size_t n = strlen(text);
    if (n > TSS_API_MAX_MESSAGE) {
        fail(ps, "--text: a message of %zu bytes; at most %d", n, TSS_API_MAX_MESSAGE);
        return;
    }
    char *hex = malloc(2 * n + 1);
    if (hex == NULL) {
        fail(ps, "out of memory");
        return;
    }
    sodium_bin2hex(hex, 2 * n + 1, (const uint8_t *)text, n);
    add_message(ps, o, hex, "text");
    free(hex);
}

/* One option's value, checked and stored. */
static void take(parse_state *ps, tssctl_args *a, enum opt_id id, const char *v)
{
    options *o = &a->o;
    cluster_opts *cl = &a->cl;
    long l = 0;
    switch (id) {
    case O_CLUSTER:
    case O_DIR: a->cluster_dir = v; break;
    case O_CONFIG:
        if (a->n_configs == TSSCTL_MAX_NODES)
            fail(ps, "--config: at most %d nodes", TSSCTL_MAX_NODES);
        else
            a->configs[a->n_configs++] = v;
        break;
    case O_NODE: {
        tss_http_endpoint ep;
        if (tss_http_parse_url(v, &ep) != TSS_OK)
            fail(ps, "--node takes a node's API address http://IP:PORT, not '%s'", v);
        else if (a->n_urls == TSSCTL_MAX_NODES)
            fail(ps, "--node: at most %d nodes", TSSCTL_MAX_NODES);
        else
            a->node_urls[a->n_urls++] = v;
        break;
    }
    case O_TOKEN: o->token_file = v; break;
    case O_TIMEOUT: parse_seconds(ps, "timeout", v, &o->timeout_s); break;
    case O_JSON: o->json = true; break;
    case O_QUIET: o->quiet = true; break;
    case O_SESSION:
        parse_id(ps, "session", "", v, &o->session_id);
        o->have_session = true;
        break;
    case O_KEY:
        parse_id(ps, "key", " (as `tssctl keys` lists them)", v, &o->key_id);
        o->have_key = true;
        break;
    case O_THRESHOLD: parse_threshold(ps, v, &o->threshold); break;
    case O_PARTS: parse_index_list(ps, "participants", v, o->participants, &o->n_participants); break;
    case O_SIGNERS: parse_index_list(ps, "signers", v, o->signers, &o->n_signers); break;
    case O_SKIP: parse_index_list(ps, "skip", v, o->skip, &o->n_skip); break;
    case O_PREHASH: o->prehash = true; break;
    case O_SEQUENTIAL: o->sequential = true; break;
    case O_MESSAGE: add_message(ps, o, v, "message"); break;
    case O_TEXT: add_text(ps, o, v); break;
    case O_SIGNATURE: parse_fixed_hex(ps, "signature", v, 128, &o->signature_hex); break;
    case O_PUBLIC_KEY: parse_fixed_hex(ps, "public-key", v, 64, &o->public_key_hex); break;
    case O_RESULTS: o->results_file = v; break;
    case O_NODES: parse_range(ps, "nodes", v, 1, TSS_CONFIG_MAX_PEERS, &l); cl->nodes = (int)l; break;
    case O_BASE_PORT: parse_range(ps, "base-port", v, 1, 65535, &l); cl->base_port = (int)l; break;
    case O_ENGINES: parse_range(ps, "engines", v, 1, TSS_CONFIG_MAX_ENGINES, &l); cl->engines = (int)l; break;
    case O_HINT: parse_range(ps, "threshold-hint", v, 2, TSS_CONFIG_MAX_PEERS, &l); cl->threshold_hint = (int)l; break;
    case O_ROUND_MS: parse_range(ps, "round-ms", v, 1, 3600000, &l); cl->round_ms = (uint32_t)l; break;
    case O_SESSION_MS: parse_range(ps, "session-ms", v, 1, 86400000, &l); cl->session_ms = (uint32_t)l; break;
    case O_TSSD: cl->tssd = v; break;
    case O_WAIT: parse_seconds(ps, "wait", v, &cl->wait_s); break;
    case O_STOP: parse_seconds(ps, "stop-timeout", v, &cl->stop_s); break;
    case O_HELP:
    case O_VERSION:
    case O_COUNT: break;
    }
}

/* "dkg, sign" for a command mask ("cluster up" when only some cluster commands). */
static void command_list(unsigned cmds, unsigned subs, char *out, size_t cap)
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < sizeof commands / sizeof commands[0] && len < cap; i++) {
        if (!(cmds & commands[i].bit))
            continue;
        if (commands[i].bit != C_CLUSTER || subs == S_ALL) {
            len += (size_t)snprintf(out + len, cap - len, "%s%s", len ? ", " : "", commands[i].name);
            continue;
        }
        for (size_t k = 0; k < sizeof cluster_commands / sizeof cluster_commands[0] && len < cap; k++)
            if (subs & cluster_commands[k].bit)
                len += (size_t)snprintf(out + len, cap - len, "%scluster %s", len ? ", " : "",
                                        cluster_commands[k].name);
    }
}

/* The positional arguments: COMMAND, and for cluster SUBCOMMAND [K]. */
static void take_positionals(parse_state *ps, tssctl_args *a, int n, char **pos, unsigned *cmd, unsigned *sub)
{
    if (n == 0) {
        fail(ps, "no command given; commands: status, keys, dkg, sign, verify, cluster (tssctl --help)");
        return;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(pos[0], commands[i].name) == 0)
            *cmd = commands[i].bit, a->command = commands[i].name;
    if (*cmd == 0) {
        fail(ps, "unknown command '%s'; commands: status, keys, dkg, sign, verify, cluster (tssctl --help)", pos[0]);
        return;
    }
    int used = 1;
    if (*cmd == C_CLUSTER) {
        if (n < 2) {
            fail(ps, "cluster: no command given; cluster commands: up, init, start, kill, down, status");
            return;
        }
        for (size_t i = 0; i < sizeof cluster_commands / sizeof cluster_commands[0]; i++)
            if (strcmp(pos[1], cluster_commands[i].name) == 0)
                *sub = cluster_commands[i].bit, a->cluster_cmd = cluster_commands[i].name;
        if (*sub == 0) {
            fail(ps, "cluster: unknown command '%s'; cluster commands: up, init, start, kill, down, status", pos[1]);
            return;
        }
        used = 2;
        if ((*sub == S_START || *sub == S_KILL) && n > 2) {
            long k;
            if (!parse_long(pos[2], &k) || k < 1 || k > TSS_CONFIG_MAX_PEERS) {
                fail(ps, "cluster %s: '%s' is not a node number (1..%d)", a->cluster_cmd, pos[2],
                     TSS_CONFIG_MAX_PEERS);
                return;
            }
            a->cl.node_k = (int)k;
            used = 3;
        }
    }
    if (n > used)
        fail(ps, "unexpected argument '%s'%s", pos[used],
             *cmd == C_SIGN || *cmd == C_VERIFY ? " (messages are given with --message HEX or --text STRING)" : "");
}

/* Every option given applies to the command. */
static void check_applicable(parse_state *ps, const tssctl_args *a, unsigned cmd, unsigned sub)
{
    for (int id = 0; id < O_COUNT && cmd != 0; id++) {
        const struct opt_spec *s = &specs[id];
        if (ps->given[id] == 0 || id == O_HELP || id == O_VERSION)
            continue;
        bool ok = (s->cmds & cmd) != 0 && (cmd != C_CLUSTER || (s->subs & sub) != 0);
        if (!ok) {
            char list[256];
            command_list(s->cmds, s->subs, list, sizeof list);
            fail(ps, "--%s does not apply to `%s%s%s` (it is for: %s)", s->name, a->command,
                 cmd == C_CLUSTER ? " " : "", cmd == C_CLUSTER ? a->cluster_cmd : "", list);
        }
        if (ps->given[id] > 1 && !s->repeatable)
            fail(ps, "--%s given %u times; once is enough", s->name, ps->given[id]);
    }
}

/* What each command cannot do without. */
static void check_required(parse_state *ps, const tssctl_args *a, unsigned cmd)
{
    const options *o = &a->o;
    if (a->n_urls > 0 && (a->n_configs > 0 || a->cluster_dir != NULL))
        fail(ps, "--node cannot be combined with --cluster or --config (each names the nodes)");
    if (a->n_urls > 0 && o->token_file == NULL)
        fail(ps, "--node needs --token-file FILE (the nodes' API bearer token)");
    if (a->n_configs > 0 && a->cluster_dir != NULL && cmd != C_CLUSTER)
        fail(ps, "--config cannot be combined with --cluster (each names the nodes)");
    if (cmd == C_DKG && o->threshold == 0)
        fail(ps, "dkg needs --threshold T: the number of signers that suffice (at least %d)", MIN_THRESHOLD);
    if (cmd == C_SIGN && !o->have_key)
        fail(ps, "sign needs --key ID (the key ids are listed by `tssctl keys`)");
    if (cmd == C_SIGN && o->n_messages == 0)
        fail(ps, "sign needs a message: --message HEX or --text STRING (repeatable)");
    if (cmd == C_VERIFY) {
        if (o->results_file != NULL && (o->n_messages > 0 || o->signature_hex != NULL))
            fail(ps, "verify: --results checks a file of results; --message/--text/--signature check one "
                     "signature");
        else if (o->results_file == NULL && o->signature_hex == NULL)
            fail(ps, "verify needs --signature HEX (with --message or --text), or --results FILE");
        else if (o->results_file == NULL && o->n_messages != 1)
            fail(ps, "verify needs exactly one message (--message HEX or --text STRING), not %zu", o->n_messages);
        if (o->results_file == NULL && o->public_key_hex == NULL && !o->have_key)
            fail(ps, "verify needs the key: --public-key HEX (its group public key) or --key ID (asks the nodes)");
        if (o->public_key_hex != NULL && o->have_key)
            fail(ps, "verify: give --public-key or --key, not both");
    }
}

int tssctl_parse_args(tssctl_args *a, int argc, char **argv)
{
    static parse_state ps;
    struct option longopts[O_COUNT + 1];
    memset(&ps, 0, sizeof ps);
    for (int i = 0; i < O_COUNT; i++)
        longopts[i] = (struct option){specs[i].name, specs[i].has_arg ? required_argument : no_argument, NULL,
                                      256 + i};
    longopts[O_COUNT] = (struct option){NULL, 0, NULL, 0};
    a->o.timeout_s = 60;
    tssctl_cluster_defaults(&a->cl);
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":hV", longopts, NULL)) != -1) {
        if (c == 'h' || c == 'V') {
            ps.given[c == 'h' ? O_HELP : O_VERSION]++;
        } else if (c == ':') {
            fail(&ps, "%s needs a value", argv[optind - 1]);
        } else if (c == '?') {
            const char *arg = argv[optind - 1];
            if (optopt != 0 && strncmp(arg, "--", 2) != 0)
                fail(&ps, "unknown option '-%c' (tssctl --help lists the options)", optopt);
            else
                fail(&ps, "unknown option '%s' (tssctl --help lists the options)", arg);
        } else {
            enum opt_id id = (enum opt_id)(c - 256);
            ps.given[id]++;
            take(&ps, a, id, optarg);
        }
    }
    if (ps.given[O_HELP]) {
        usage(stdout);
        return -1;
    }
    if (ps.given[O_VERSION]) {
        printf("tssctl %s\n", TSS_VERSION);
        return -1;
    }
    unsigned cmd = 0, sub = 0;
    if (ps.err[0] == '\0')
        take_positionals(&ps, a, argc - optind, argv + optind, &cmd, &sub);
    if (ps.err[0] == '\0')
        check_applicable(&ps, a, cmd, sub);
    if (ps.err[0] == '\0')
        check_required(&ps, a, cmd);
    if (ps.err[0] != '\0') {
        fprintf(stderr, "tssctl: %s\n", ps.err);
        return EXIT_USAGE;
    }
    if (ps.given[O_DIR])
        fprintf(stderr, "tssctl: note: --dir is the old spelling of --cluster DIR\n");
    return 0;
}
