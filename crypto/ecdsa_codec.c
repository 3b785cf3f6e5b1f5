/* Binary encodings of the threshold ECDSA objects (see tss/ecdsa.h): one table of fields per type drives
 * both directions, so the encoder and the validating decoder cannot disagree on the layout. */
#include "crypto/ecdsa_internal.h"

#include <stddef.h>
#include <string.h>
#include <sodium.h>

enum fkind {
    F_U32,        /* any u32 */
    F_VERSION,    /* u32 == TSS_ECDSA_VERSION */
    F_INDEX,      /* u32 in 1..MAX */
    F_INDEX0,     /* u32 in 0..MAX (0: unset) */
    F_BYTES,      /* n bytes */
    F_SCALAR,     /* n canonical scalars */
    F_POINT,      /* n valid points */
    F_POINT0,     /* n entries, each a valid point or all zero */
    F_LIST,       /* u32[n]: strictly ascending indices then zeros (at least one) */
};

typedef struct {
    enum fkind kind;
    size_t off;
    size_t n;     /* elements (bytes for F_BYTES) */
} field;

typedef struct {
    tss_ecdsa_type type;
    const char *name;
    size_t struct_size;
    const field *fields;
    size_t n_fields;
    int (*check)(const void *obj);   /* cross-field checks after decoding, or NULL */
} layout;

#define MAXP TSS_ECDSA_MAX_PARTIES
#define FLD(k, type, member, n) {k, offsetof(type, member), n}

static int check_tn(uint32_t t, uint32_t n, uint32_t index)
{
    return (t >= 2 && t <= n && n <= MAXP && index >= 1 && index <= n) ? 0 : -1;
}

static int points_used(const uint8_t (*p)[33], uint32_t used, uint32_t cap)
{
    static const uint8_t z[33];
    for (uint32_t i = 0; i < cap; i++)
        if ((i < used) == (memcmp(p[i], z, 33) == 0)) return -1;
    return 0;
}

static int check_key_share(const void *o)
{
    const tss_ecdsa_key_share *k = o;
    if (check_tn(k->t, k->n, k->index) != 0) return -1;
    return points_used((const uint8_t (*)[33])k->public_shares, k->n, MAXP);
}

static int check_pair(const void *o)
{
    const tss_ecdsa_pair *p = o;
    return p->self != p->peer ? 0 : -1;
}

static int check_bcast2(const void *o)
{
    const tss_ecdsa_dkg_bcast2 *b = o;
    static const uint8_t z[33];
    if (b->t < 2 || b->t > MAXP) return -1;
    for (uint32_t k = 1; k < MAXP; k++)
        if ((k < b->t) == (memcmp(b->vss[k], z, 33) == 0)) return -1;
    return 0;
}

static int check_p2p(uint32_t from, uint32_t to) { return from != to ? 0 : -1; }
static int check_dkg_p1(const void *o) { return check_p2p(((const tss_ecdsa_dkg_p2p1 *)o)->from, ((const tss_ecdsa_dkg_p2p1 *)o)->to); }
static int check_dkg_p2(const void *o) { return check_p2p(((const tss_ecdsa_dkg_p2p2 *)o)->from, ((const tss_ecdsa_dkg_p2p2 *)o)->to); }
static int check_m1(const void *o) { return check_p2p(((const tss_ecdsa_presign_msg1 *)o)->from, ((const tss_ecdsa_presign_msg1 *)o)->to); }
static int check_m2(const void *o) { return check_p2p(((const tss_ecdsa_presign_msg2 *)o)->from, ((const tss_ecdsa_presign_msg2 *)o)->to); }

static int count_list(const uint32_t *l)
{
    uint32_t n = 0;
    while (n < MAXP && l[n] != 0) n++;
    return (int)n;
}

static int check_pub(const tss_ecdsa_presig_public *p)
{
    return (p->t >= 2 && p->t <= p->n_signers && (int)p->n_signers == count_list(p->signers)) ? 0 : -1;
}

static int check_presig_public(const void *o) { return check_pub(o); }

static int check_presig(const void *o)
{
    const tss_ecdsa_presignature *p = o;
    if (p->state != TSS_ECDSA_PRESIG_LIVE) return -1;  /* a used one has nothing left to decode */
    if (check_pub(&p->pub) != 0 || ecdsa_index_of(p->pub.signers, p->pub.n_signers, p->self) < 0) return -1;
    return 0;
}

static int check_signature(const void *o)
{
    const tss_ecdsa_signature *s = o;
    k1_scalar x;
    if (s->v > 3 || k1_scalar_from_bytes_canonical(&x, s->r) != 0 || k1_scalar_is_zero(&x)) return -1;
    if (k1_scalar_from_bytes_canonical(&x, s->s) != 0 || k1_scalar_is_zero(&x) || k1_scalar_is_high(&x)) return -1;
    return 0;
}

static int check_dkg_state(const void *o)
{
    const tss_ecdsa_dkg_state *s = o;
    if (s->state != 0 && s->state != ECDSA_STATE_DKG_R1 && s->state != ECDSA_STATE_DKG_R2) return -1;
    if (s->refresh > 1) return -1;
    return s->state == 0 ? 0 : check_tn(s->t, s->n, s->index);
}

static int check_presign_state(const void *o)
{
    const tss_ecdsa_presign_state *s = o;
    if (s->state != 0 && s->state != ECDSA_STATE_PRE_R1 && s->state != ECDSA_STATE_PRE_R2) return -1;
    if (s->state == 0) return 0;
    if ((int)s->n_signers != count_list(s->signers) || s->n_signers < 2 || s->t < 2 || s->t > s->n_signers) return -1;
    for (uint32_t k = 0; k + 1 < s->n_signers; k++)
        if (ecdsa_index_of(s->signers, s->n_signers, s->peers[k].index) < 0 || s->peers[k].index == s->self) return -1;
    return ecdsa_index_of(s->signers, s->n_signers, s->self) < 0 ? -1 : 0;
}

#define T tss_ecdsa_key_share
static const field F_KEY[] = {
    FLD(F_VERSION, T, version, 1), FLD(F_INDEX, T, index, 1), FLD(F_U32, T, t, 1), FLD(F_U32, T, n, 1),
    FLD(F_U32, T, epoch, 1), FLD(F_BYTES, T, key_id, 32), FLD(F_POINT, T, group_key, 1),
    FLD(F_POINT0, T, public_shares, MAXP), FLD(F_SCALAR, T, secret_share, 1),
    FLD(F_BYTES, T, zero_seeds, MAXP * 32),
};
#undef T
#define T tss_ecdsa_pair
static const field F_PAIR[] = {
    FLD(F_VERSION, T, version, 1), FLD(F_INDEX, T, self, 1), FLD(F_INDEX, T, peer, 1), FLD(F_BYTES, T, key_id, 32),
    FLD(F_BYTES, T, delta, TSS_ECDSA_OT_KAPPA / 8), FLD(F_BYTES, T, sender_seeds, TSS_ECDSA_OT_KAPPA * 16),
    FLD(F_BYTES, T, receiver_seeds, TSS_ECDSA_OT_KAPPA * 32),
};
#undef T
#define T tss_ecdsa_dkg_bcast1
static const field F_B1[] = {FLD(F_INDEX, T, from, 1), FLD(F_BYTES, T, session_id, 32), FLD(F_BYTES, T, commitment, 32)};
#undef T
#define T tss_ecdsa_dkg_p2p1
static const field F_P1[] = {
    FLD(F_INDEX, T, from, 1), FLD(F_INDEX, T, to, 1), FLD(F_BYTES, T, session_id, 32), FLD(F_POINT, T, ot_A, 1),
    FLD(F_POINT, T, ot_proof_R, 1), FLD(F_SCALAR, T, ot_proof_z, 1),
};
#undef T
#define T tss_ecdsa_dkg_bcast2
static const field F_B2[] = {
    FLD(F_INDEX, T, from, 1), FLD(F_BYTES, T, session_id, 32), FLD(F_U32, T, t, 1), FLD(F_POINT0, T, vss, MAXP),
    FLD(F_POINT0, T, proof_R, 1), FLD(F_SCALAR, T, proof_z, 1), FLD(F_BYTES, T, salt, 32),
};
#undef T
#define T tss_ecdsa_dkg_p2p2
static const field F_P2[] = {
    FLD(F_INDEX, T, from, 1), FLD(F_INDEX, T, to, 1), FLD(F_BYTES, T, session_id, 32), FLD(F_SCALAR, T, share, 1),
    FLD(F_BYTES, T, zero_seed_part, 32), FLD(F_POINT, T, ot_B, TSS_ECDSA_OT_KAPPA),
};
#undef T
#define T tss_ecdsa_presign_msg1
static const field F_M1[] = {
    FLD(F_INDEX, T, from, 1), FLD(F_INDEX, T, to, 1), FLD(F_BYTES, T, session_id, 32), FLD(F_BYTES, T, key_id, 32),
    FLD(F_BYTES, T, commitment, 32), FLD(F_BYTES, T, ote_u, TSS_ECDSA_OT_KAPPA * TSS_ECDSA_OTE_ROW_BYTES),
    FLD(F_BYTES, T, ote_check_x, 16), FLD(F_BYTES, T, ote_check_t, 16),
};
#undef T
#define T tss_ecdsa_presign_msg2
static const field F_M2[] = {
    FLD(F_INDEX, T, from, 1), FLD(F_INDEX, T, to, 1), FLD(F_BYTES, T, session_id, 32), FLD(F_POINT, T, R, 1),
    FLD(F_BYTES, T, salt, 32), FLD(F_POINT, T, X, 1), FLD(F_POINT, T, gamma_u, 1), FLD(F_POINT, T, gamma_v, 1),
    FLD(F_SCALAR, T, psi, 1), FLD(F_SCALAR, T, tau, TSS_ECDSA_OT_COUNT * 4), FLD(F_SCALAR, T, check_u, 2),
    FLD(F_BYTES, T, check_r, 32), FLD(F_SCALAR, T, gamma_a, 2),
};
#undef T
#define T tss_ecdsa_sig_share
static const field F_SH[] = {FLD(F_INDEX, T, from, 1), FLD(F_BYTES, T, session_id, 32), FLD(F_SCALAR, T, u, 1),
                             FLD(F_SCALAR, T, w, 1)};
#undef T
#define T tss_ecdsa_presig_public
static const field F_PUB[] = {
    FLD(F_U32, T, t, 1), FLD(F_U32, T, n_signers, 1), FLD(F_LIST, T, signers, MAXP), FLD(F_BYTES, T, session_id, 32),
    FLD(F_BYTES, T, key_id, 32), FLD(F_POINT, T, group_key, 1), FLD(F_POINT, T, R, 1),
};
#undef T
#define T tss_ecdsa_presignature
static const field F_PRE[] = {
    FLD(F_U32, T, state, 1), FLD(F_INDEX, T, self, 1), FLD(F_U32, T, pub.t, 1), FLD(F_U32, T, pub.n_signers, 1),
    FLD(F_LIST, T, pub.signers, MAXP), FLD(F_BYTES, T, pub.session_id, 32), FLD(F_BYTES, T, pub.key_id, 32),
    FLD(F_POINT, T, pub.group_key, 1), FLD(F_POINT, T, pub.R, 1), FLD(F_SCALAR, T, u, 1), FLD(F_SCALAR, T, v, 1),
    FLD(F_SCALAR, T, phi, 1),
};
#undef T
#define T tss_ecdsa_signature
static const field F_SIG[] = {FLD(F_BYTES, T, r, 32), FLD(F_BYTES, T, s, 32), FLD(F_BYTES, T, v, 1)};
#undef T
#define T tss_ecdsa_dkg_state
static const field F_DKGST[] = {
    FLD(F_U32, T, state, 1), FLD(F_INDEX0, T, index, 1), FLD(F_U32, T, t, 1), FLD(F_U32, T, n, 1),
    FLD(F_U32, T, refresh, 1), FLD(F_BYTES, T, session_id, 32), FLD(F_SCALAR, T, coeffs, MAXP),
    FLD(F_BYTES, T, salt, 32), FLD(F_BYTES, T, commitments, MAXP * 32), FLD(F_SCALAR, T, ot_a, MAXP),
    FLD(F_POINT0, T, ot_A, MAXP), FLD(F_BYTES, T, zero_part, MAXP * 32),
    FLD(F_BYTES, T, delta, MAXP * TSS_ECDSA_OT_KAPPA / 8), FLD(F_BYTES, T, recv_keys, MAXP * TSS_ECDSA_OT_KAPPA * 16),
    /* the old share of a refresh (all zero otherwise: checked by the key-share rules only when refresh) */
    FLD(F_U32, T, old.version, 1), FLD(F_INDEX0, T, old.index, 1), FLD(F_U32, T, old.t, 1), FLD(F_U32, T, old.n, 1),
    FLD(F_U32, T, old.epoch, 1), FLD(F_BYTES, T, old.key_id, 32), FLD(F_POINT0, T, old.group_key, 1),
    FLD(F_POINT0, T, old.public_shares, MAXP), FLD(F_SCALAR, T, old.secret_share, 1),
    FLD(F_BYTES, T, old.zero_seeds, MAXP * 32),
};
#undef T
#define T tss_ecdsa_presign_state
#define PEER(k) FLD(F_INDEX0, T, peers[k].index, 1), FLD(F_SCALAR, T, peers[k].chi, 1), \
    FLD(F_BYTES, T, peers[k].choice, TSS_ECDSA_OTE_ROW_BYTES), FLD(F_BYTES, T, peers[k].commitment, 32), \
    FLD(F_SCALAR, T, peers[k].c_u, 1), FLD(F_SCALAR, T, peers[k].c_v, 1)
static const field F_PREST[] = {
    FLD(F_U32, T, state, 1), FLD(F_INDEX0, T, self, 1), FLD(F_U32, T, t, 1), FLD(F_U32, T, n_signers, 1),
    FLD(F_U32, T, signers, MAXP), FLD(F_BYTES, T, session_id, 32), FLD(F_BYTES, T, key_id, 32),
    FLD(F_POINT0, T, group_key, 1), FLD(F_SCALAR, T, r, 1), FLD(F_SCALAR, T, phi, 1), FLD(F_SCALAR, T, sk, 1),
    FLD(F_POINT0, T, R, 1), FLD(F_POINT0, T, X, 1), FLD(F_BYTES, T, salt, 32),
    PEER(0), PEER(1), PEER(2), PEER(3), PEER(4), PEER(5), PEER(6), PEER(7), PEER(8), PEER(9), PEER(10), PEER(11),
    PEER(12), PEER(13), PEER(14),
};
#undef PEER
#undef T
_Static_assert(TSS_ECDSA_MAX_PARTIES == 16, "F_PREST lists MAX_PARTIES - 1 peers");

#define T tss_ecdsa_reshare_bcast
static const field F_RB[] = {FLD(F_INDEX, T, from, 1), FLD(F_BYTES, T, session_id, 32), FLD(F_U32, T, new_t, 1),
                             FLD(F_U32, T, new_n, 1), FLD(F_POINT0, T, vss, MAXP)};
#undef T
#define T tss_ecdsa_reshare_p2p
static const field F_RP[] = {FLD(F_INDEX, T, from, 1), FLD(F_INDEX, T, to, 1), FLD(F_BYTES, T, session_id, 32),
                             FLD(F_SCALAR, T, share, 1)};
#undef T

static int check_reshare_bcast(const void *o)
{
    const tss_ecdsa_reshare_bcast *b = o;
    if (b->new_t < 2 || b->new_t > b->new_n || b->new_n > MAXP) return -1;
    return points_used((const uint8_t (*)[33])b->vss, b->new_t, MAXP);
}

#define L(ty, nm, st, f, ck) {ty, nm, sizeof(st), f, sizeof f / sizeof f[0], ck}
static const layout LAYOUTS[] = {
    L(TSS_ECDSA_KEY_SHARE, "key-share", tss_ecdsa_key_share, F_KEY, check_key_share),
    L(TSS_ECDSA_PAIR, "pair", tss_ecdsa_pair, F_PAIR, check_pair),
    L(TSS_ECDSA_DKG_BCAST1, "dkg-bcast1", tss_ecdsa_dkg_bcast1, F_B1, NULL),
    L(TSS_ECDSA_DKG_P2P1, "dkg-p2p1", tss_ecdsa_dkg_p2p1, F_P1, check_dkg_p1),
    L(TSS_ECDSA_DKG_BCAST2, "dkg-bcast2", tss_ecdsa_dkg_bcast2, F_B2, check_bcast2),
    L(TSS_ECDSA_DKG_P2P2, "dkg-p2p2", tss_ecdsa_dkg_p2p2, F_P2, check_dkg_p2),
    L(TSS_ECDSA_PRESIGN_MSG1, "presign-msg1", tss_ecdsa_presign_msg1, F_M1, check_m1),
    L(TSS_ECDSA_PRESIGN_MSG2, "presign-msg2", tss_ecdsa_presign_msg2, F_M2, check_m2),
    L(TSS_ECDSA_SIG_SHARE, "sig-share", tss_ecdsa_sig_share, F_SH, NULL),
    L(TSS_ECDSA_PRESIGNATURE, "presignature", tss_ecdsa_presignature, F_PRE, check_presig),
    L(TSS_ECDSA_PRESIG_PUBLIC, "presig-public", tss_ecdsa_presig_public, F_PUB, check_presig_public),
    L(TSS_ECDSA_SIGNATURE, "signature", tss_ecdsa_signature, F_SIG, check_signature),
    L(TSS_ECDSA_DKG_STATE, "dkg-state", tss_ecdsa_dkg_state, F_DKGST, check_dkg_state),
    L(TSS_ECDSA_PRESIGN_STATE, "presign-state", tss_ecdsa_presign_state, F_PREST, check_presign_state),
    L(TSS_ECDSA_RESHARE_BCAST, "reshare-bcast", tss_ecdsa_reshare_bcast, F_RB, check_reshare_bcast),
    L(TSS_ECDSA_RESHARE_P2P, "reshare-p2p", tss_ecdsa_reshare_p2p, F_RP, NULL),
};
#undef L

static const layout *find(tss_ecdsa_type type)
{
    for (size_t i = 0; i < sizeof LAYOUTS / sizeof LAYOUTS[0]; i++)
        if (LAYOUTS[i].type == type) return &LAYOUTS[i];
    return NULL;
}

static size_t field_bytes(const field *f)
{
    switch (f->kind) {
    case F_U32: case F_VERSION: case F_INDEX: case F_INDEX0: case F_LIST: return 4 * f->n;
    case F_BYTES: return f->n;
    case F_SCALAR: return 32 * f->n;
    case F_POINT: case F_POINT0: return 33 * f->n;
    }
    return 0;
}

size_t tss_ecdsa_encoded_size(tss_ecdsa_type type)
{
    const layout *l = find(type);
    if (!l) return 0;
    size_t n = 2;
    for (size_t i = 0; i < l->n_fields; i++) n += field_bytes(&l->fields[i]);
    return n;
}

size_t ecdsa_codec_struct_size(tss_ecdsa_type type)
{
    const layout *l = find(type);
    return l ? l->struct_size : 0;
}

const char *tss_ecdsa_type_name(tss_ecdsa_type type)
{
    const layout *l = find(type);
    return l ? l->name : NULL;
}

static void put32(uint8_t *p, uint32_t x)
{
    p[0] = (uint8_t)(x >> 24); p[1] = (uint8_t)(x >> 16); p[2] = (uint8_t)(x >> 8); p[3] = (uint8_t)x;
}

static uint32_t get32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

int tss_ecdsa_encode(tss_ecdsa_type type, const void *obj, uint8_t *out, size_t out_cap, size_t *out_len)
{
    const layout *l = find(type);
    if (!l || !obj || !out) return TSS_ERR_INVALID_ARG;
    size_t need = tss_ecdsa_encoded_size(type);
    if (out_cap < need) return TSS_ERR_CAPACITY;
    const uint8_t *base = obj;
    uint8_t *p = out;
    *p++ = TSS_ECDSA_VERSION;
    *p++ = (uint8_t)type;
    for (size_t i = 0; i < l->n_fields; i++) {
        const field *f = &l->fields[i];
        size_t nb = field_bytes(f);
        if (f->kind == F_U32 || f->kind == F_VERSION || f->kind == F_INDEX || f->kind == F_INDEX0 || f->kind == F_LIST) {
            for (size_t k = 0; k < f->n; k++) {
                uint32_t x;
                memcpy(&x, base + f->off + 4 * k, 4);
                put32(p + 4 * k, x);
            }
        } else {
            memcpy(p, base + f->off, nb);
        }
        p += nb;
    }
    if (out_len) *out_len = need;
    return TSS_OK;
}

int tss_ecdsa_decode(tss_ecdsa_type type, void *obj, const uint8_t *in, size_t in_len)
{
    const layout *l = find(type);
    if (!l || !obj || !in) return TSS_ERR_INVALID_ARG;
    if (in_len != tss_ecdsa_encoded_size(type) || in[0] != TSS_ECDSA_VERSION || in[1] != (uint8_t)type)
        return TSS_ERR_ENCODING;
    k1_ctx c;
    if (k1_ctx_open(&c) != 0) return TSS_ERR_CRYPTO;
    uint8_t *base = obj;
    const uint8_t *p = in + 2;
    int rc = TSS_OK;
    memset(obj, 0, l->struct_size);
    for (size_t i = 0; i < l->n_fields && rc == TSS_OK; i++) {
        const field *f = &l->fields[i];
        size_t nb = field_bytes(f);
        static const uint8_t z[33];
        switch (f->kind) {
        case F_U32: case F_VERSION: case F_INDEX: case F_INDEX0: case F_LIST: {
            uint32_t prev = 0;
            int ended = 0;
            for (size_t k = 0; k < f->n; k++) {
                uint32_t x = get32(p + 4 * k);
                if (f->kind == F_VERSION && x != TSS_ECDSA_VERSION) rc = TSS_ERR_ENCODING;
                if (f->kind == F_INDEX && (x == 0 || x > MAXP)) rc = TSS_ERR_ENCODING;
                if (f->kind == F_INDEX0 && x > MAXP) rc = TSS_ERR_ENCODING;
                if (f->kind == F_LIST) {
                    if (x == 0) ended = 1;
                    else if (ended || x > MAXP || x <= prev) rc = TSS_ERR_ENCODING;
                    prev = x ? x : prev;
                }
                memcpy(base + f->off + 4 * k, &x, 4);
            }
            if (f->kind == F_LIST && get32(p) == 0) rc = TSS_ERR_ENCODING;
            break;
        }
        case F_BYTES:
            memcpy(base + f->off, p, nb);
            break;
        case F_SCALAR:
            for (size_t k = 0; k < f->n && rc == TSS_OK; k++) {
                k1_scalar x;
                if (k1_scalar_from_bytes_canonical(&x, p + 32 * k) != 0) rc = TSS_ERR_ENCODING;
            }
            memcpy(base + f->off, p, nb);
            break;
        case F_POINT: case F_POINT0:
            for (size_t k = 0; k < f->n && rc == TSS_OK; k++) {
                const uint8_t *q = p + 33 * k;
                if (f->kind == F_POINT0 && memcmp(q, z, 33) == 0) continue;
                if (k1_point_check(&c, q) != 0) rc = TSS_ERR_ENCODING;
            }
            memcpy(base + f->off, p, nb);
            break;
        }
        p += nb;
    }
    k1_ctx_close(&c);
    if (rc == TSS_OK && l->check && l->check(obj) != 0) rc = TSS_ERR_ENCODING;
    if (rc != TSS_OK) sodium_memzero(obj, l->struct_size);
    return rc;
}
