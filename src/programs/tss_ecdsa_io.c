/* tss-ecdsa: options, files, JSON objects, key files and error reporting. */
#include "src/programs/tss_ecdsa_cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <jansson.h>
#include <sodium.h>

int ecli_error(int code, const char *fmt, ...)
{
    va_list ap;
    fputs("tss-ecdsa: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return code;
}

int ecli_parse(ecli_opts *o, int argc, char **argv, const char *const *allowed, const char *cmd)
{
    memset(o, 0, sizeof *o);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        int ok = 0;
        if (strncmp(a, "--", 2) == 0)
            for (int k = 0; allowed[k]; k++)
                if (strcmp(a + 2, allowed[k]) == 0) ok = 1;
        if (!ok) return ecli_error(EX_USAGE, "%s: unexpected argument '%s' (see tss-ecdsa --help)", cmd, a);
        for (int k = 0; k < o->n; k++)
            if (strcmp(o->name[k], a + 2) == 0) return ecli_error(EX_USAGE, "%s: %s given twice", cmd, a);
        if (o->n == 24) return ecli_error(EX_USAGE, "%s: too many options", cmd);
        int k = o->n++;
        o->name[k] = a + 2;
        if (strcmp(a + 2, "force") == 0) { o->value[k] = "1"; continue; }
        if (strcmp(a + 2, "in") == 0 || strcmp(a + 2, "shares") == 0) {
            int start = i + 1;
            while (i + 1 < argc && strncmp(argv[i + 1], "--", 2) != 0) i++;
            o->list[k] = (const char **)&argv[start];
            o->list_len[k] = i + 1 - start;
            if (o->list_len[k] == 0) return ecli_error(EX_USAGE, "%s: %s needs at least one file", cmd, a);
            continue;
        }
        if (i + 1 >= argc) return ecli_error(EX_USAGE, "%s: %s needs a value", cmd, a);
        o->value[k] = argv[++i];
    }
    return EX_OK;
}

const char *ecli_get(const ecli_opts *o, const char *name)
{
    for (int k = 0; k < o->n; k++)
        if (strcmp(o->name[k], name) == 0) return o->value[k];
    return NULL;
}

const char **ecli_list(const ecli_opts *o, const char *name, int *n)
{
    for (int k = 0; k < o->n; k++)
        if (strcmp(o->name[k], name) == 0) { *n = o->list_len[k]; return o->list[k]; }
    *n = 0;
    return NULL;
}

char *ecli_read(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) { ecli_error(EX_INPUT, "%s: %s", path, strerror(errno)); return NULL; }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t r = fread(buf + n, 1, cap - n - 1, f);
        n += r;
        if (n < cap - 1) break;
        if (cap > (64u << 20)) { free(buf); buf = NULL; ecli_error(EX_INPUT, "%s: file too large", path); break; }
        char *nb = realloc(buf, cap * 2);
        if (!nb) { sodium_memzero(buf, cap); free(buf); buf = NULL; break; }
        buf = nb;
        cap *= 2;
    }
    if (f != stdin) fclose(f);
    if (!buf) return NULL;
    buf[n] = '\0';
    *len = n;
    return buf;
}

void ecli_free_text(char *text, size_t len)
{
    if (text) { sodium_memzero(text, len); free(text); }
}

int ecli_write(const char *path, const char *text, size_t len, int secret, int force)
{
    if (strcmp(path, "-") == 0) {
        if (secret) return ecli_error(EX_USAGE, "refusing to write a secret to stdout");
        fwrite(text, 1, len, stdout);
        fputc('\n', stdout);
        return EX_OK;
    }
    if (force) unlink(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, secret ? 0600 : 0644);
    if (fd < 0) {
        if (errno == EEXIST) return ecli_error(EX_INPUT, "%s: exists (use --force to replace it)", path);
        return ecli_error(EX_INPUT, "%s: %s", path, strerror(errno));
    }
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, text + off, len - off);
        if (w <= 0) { close(fd); return ecli_error(EX_INPUT, "%s: write failed", path); }
        off += (size_t)w;
    }
    if (write(fd, "\n", 1) != 1 || fsync(fd) != 0) { close(fd); return ecli_error(EX_INPUT, "%s: write failed", path); }
    close(fd);
    return EX_OK;
}

static int secret_type(tss_ecdsa_type t)
{
    return t == TSS_ECDSA_KEY_SHARE || t == TSS_ECDSA_PAIR || t == TSS_ECDSA_DKG_P2P2 || t == TSS_ECDSA_PRESIGNATURE ||
           t == TSS_ECDSA_DKG_STATE || t == TSS_ECDSA_PRESIGN_STATE || t == TSS_ECDSA_RESHARE_P2P;
}

int ecli_load(tss_ecdsa_type type, void *obj, const char *path)
{
    size_t len = 0;
    char *text = ecli_read(path, &len);
    if (!text) return EX_INPUT;
    int rc = tss_ecdsa_from_json(type, obj, text, len);
    ecli_free_text(text, len);
    if (rc != TSS_OK)
        return ecli_error(EX_INPUT, "%s: not a valid %s (%s)", path, tss_ecdsa_type_name(type), tss_status_str(rc));
    return EX_OK;
}

int ecli_save(tss_ecdsa_type type, const void *obj, const char *path, int secret, int force)
{
    size_t cap = tss_ecdsa_json_size(type), len = 0;
    char *buf = sodium_malloc(cap);
    if (!buf) return ecli_error(EX_INPUT, "out of memory");
    int rc = tss_ecdsa_to_json(type, obj, buf, cap, &len);
    int ex = rc == TSS_OK ? ecli_write(path, buf, len, secret || secret_type(type), force)
                          : ecli_error(EX_INPUT, "%s: cannot encode (%s)", path, tss_status_str(rc));
    sodium_free(buf);
    return ex;
}

int ecli_peek(const char *path, char *type, size_t type_cap, uint32_t *from, uint32_t *to)
{
    size_t len = 0;
    char *text = ecli_read(path, &len);
    if (!text) return EX_INPUT;
    json_error_t err;
    json_t *root = json_loadb(text, len, 0, &err);
    ecli_free_text(text, len);
    if (!root || !json_is_object(root)) { json_decref(root); return ecli_error(EX_INPUT, "%s: not JSON", path); }
    const char *t = json_string_value(json_object_get(root, "type"));
    snprintf(type, type_cap, "%s", t ? t : "");
    json_t *f = json_object_get(root, "from"), *o = json_object_get(root, "to");
    *from = json_is_integer(f) ? (uint32_t)json_integer_value(f) : 0;
    *to = json_is_integer(o) ? (uint32_t)json_integer_value(o) : 0;
    json_decref(root);
    return EX_OK;
}

int ecli_hex_exact(uint8_t *out, size_t len, const char *hex)
{
    size_t got = 0;
    if (!hex || strlen(hex) != 2 * len || sodium_hex2bin(out, len, hex, 2 * len, NULL, &got, NULL) != 0 || got != len)
        return -1;
    return 0;
}

int ecli_parse_u32(const char *s, uint32_t *out)
{
    char *end;
    if (!s || !*s) return -1;
    unsigned long v = strtoul(s, &end, 10);
    if (*end || v > 0xffffffffUL) return -1;
    *out = (uint32_t)v;
    return 0;
}

int ecli_parse_list(const char *s, uint32_t *out, uint32_t cap, uint32_t *n)
{
    char buf[256];
    *n = 0;
    if (!s || strlen(s) >= sizeof buf) return -1;
    strcpy(buf, s);
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        if (*n == cap || ecli_parse_u32(tok, &out[*n]) != 0) return -1;
        (*n)++;
    }
    return *n ? 0 : -1;
}

int ecli_digest(const ecli_opts *o, uint8_t digest[32])
{
    const char *d = ecli_get(o, "digest"), *mf = ecli_get(o, "message-file"), *h = ecli_get(o, "hash");
    if ((d != NULL) == (mf != NULL)) return ecli_error(EX_USAGE, "give one of --digest HEX or --message-file F");
    if (d) {
        if (h) return ecli_error(EX_USAGE, "--hash goes with --message-file");
        if (ecli_hex_exact(digest, 32, d) != 0) return ecli_error(EX_INPUT, "--digest: expected 64 hex digits");
        return EX_OK;
    }
    if (!h || (strcmp(h, "keccak256") != 0 && strcmp(h, "sha256") != 0))
        return ecli_error(EX_USAGE, "--message-file needs --hash keccak256|sha256");
    size_t len = 0;
    char *m = ecli_read(mf, &len);
    if (!m) return EX_INPUT;
    if (strcmp(h, "keccak256") == 0) tss_ecdsa_keccak256(digest, (const uint8_t *)m, len);
    else tss_ecdsa_sha256(digest, (const uint8_t *)m, len);
    free(m);
    return EX_OK;
}

int ecli_key_load(ecli_key *k, const char *path)
{
    size_t len = 0;
    char *text = ecli_read(path, &len);
    if (!text) return EX_INPUT;
    json_error_t err;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
    ecli_free_text(text, len);
    int ex = EX_INPUT;
    memset(k, 0, sizeof *k);
    json_t *share = json_object_get(root, "key_share"), *pairs = json_object_get(root, "pairs");
    const char *type = json_string_value(json_object_get(root, "type"));
    if (!root || !type || strcmp(type, "tss-ecdsa-key") != 0 || !json_is_object(share) || !json_is_array(pairs)) {
        ecli_error(EX_INPUT, "%s: not a tss-ecdsa key file", path);
        goto out;
    }
    char *s = json_dumps(share, JSON_COMPACT);
    int rc = s ? tss_ecdsa_from_json(TSS_ECDSA_KEY_SHARE, &k->share, s, strlen(s)) : TSS_ERR_ENCODING;
    if (s) { sodium_memzero(s, strlen(s)); free(s); }
    if (rc != TSS_OK) { ecli_error(EX_INPUT, "%s: invalid key share (%s)", path, tss_status_str(rc)); goto out; }
    if (json_array_size(pairs) != k->share.n - 1) { ecli_error(EX_INPUT, "%s: expected %u pair setups", path, k->share.n - 1); goto out; }
    size_t i;
    json_t *p;
    json_array_foreach(pairs, i, p) {
        char *ps = json_dumps(p, JSON_COMPACT);
        rc = ps ? tss_ecdsa_from_json(TSS_ECDSA_PAIR, &k->pairs[i], ps, strlen(ps)) : TSS_ERR_ENCODING;
        if (ps) { sodium_memzero(ps, strlen(ps)); free(ps); }
        if (rc != TSS_OK || k->pairs[i].self != k->share.index ||
            memcmp(k->pairs[i].key_id, k->share.key_id, 32) != 0) {
            ecli_error(EX_INPUT, "%s: invalid pair setup %zu", path, i);
            goto out;
        }
    }
    k->n_pairs = k->share.n - 1;
    ex = EX_OK;
out:
    json_decref(root);
    if (ex != EX_OK) sodium_memzero(k, sizeof *k);
    return ex;
}

int ecli_key_save(const ecli_key *k, const char *path, int force)
{
    size_t cs = tss_ecdsa_json_size(TSS_ECDSA_KEY_SHARE), cp = tss_ecdsa_json_size(TSS_ECDSA_PAIR);
    size_t cap = 64 + cs + (size_t)k->n_pairs * (cp + 2), len = 0, l = 0;
    char *buf = sodium_malloc(cap);
    if (!buf) return ecli_error(EX_INPUT, "out of memory");
    len += (size_t)snprintf(buf, cap, "{\"type\":\"tss-ecdsa-key\",\"key_share\":");
    int rc = tss_ecdsa_to_json(TSS_ECDSA_KEY_SHARE, &k->share, buf + len, cap - len, &l);
    len += l;
    len += (size_t)snprintf(buf + len, cap - len, ",\"pairs\":[");
    for (uint32_t i = 0; rc == TSS_OK && i < k->n_pairs; i++) {
        if (i) buf[len++] = ',';
        rc = tss_ecdsa_to_json(TSS_ECDSA_PAIR, &k->pairs[i], buf + len, cap - len, &l);
        len += l;
    }
    len += (size_t)snprintf(buf + len, cap - len, "]}");
    int ex = rc == TSS_OK ? ecli_write(path, buf, len, 1, force) : ecli_error(EX_INPUT, "cannot encode the key");
    sodium_free(buf);
    return ex;
}

int ecli_fail(const char *step, int status, uint32_t culprit)
{
    if (culprit) {
        fprintf(stderr, "tss-ecdsa: %s: %s\nculprit: party %u\n", step, tss_status_str(status), culprit);
        if (tss_ecdsa_status_bans(status))
            fprintf(stderr, "ban: party %u (never run another session with it on this key)\n", culprit);
        return EX_CULPRIT;
    }
    return ecli_error(EX_INPUT, "%s: %s", step, tss_status_str(status));
}
