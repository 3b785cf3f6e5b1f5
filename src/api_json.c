/* The JSON views of sessions and keys in the API's responses (public data only). */
#include "src/api_internal.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* Public data only (keys, signatures): no need for sodium_bin2hex's constant time, but it is there. */
json_t *api_json_hex(const uint8_t *b, size_t n)
{
    char *tmp = malloc(2 * n + 1);
    if (tmp == NULL)
        return NULL;
    sodium_bin2hex(tmp, 2 * n + 1, b, n);
    json_t *j = json_string(tmp);
    free(tmp);
    return j;
}

json_t *api_json_id(uint64_t id)
{
    char s[17];
    tss_api_format_id(s, id);
    return json_string(s);
}

json_t *api_indices_json(const uint16_t *idx, uint16_t n)
{
    json_t *a = json_array();
    for (uint16_t i = 0; a != NULL && i < n; i++)
        json_array_append_new(a, json_integer(idx[i]));
    return a;
}

json_t *api_shares_json(const uint16_t *idx, const uint8_t (*shares)[32], uint16_t n)
{
    json_t *a = json_array();
    for (uint16_t i = 0; a != NULL && i < n; i++)
        json_array_append_new(a, json_pack("{s:i,s:o}", "node", (json_int_t)idx[i], "verifying_share",
                                           api_json_hex(shares[i], 32)));
    return a;
}


/* [{"node": i, "reason": "..."}...]: why a session failed, or whom a successful signing excluded. */
static json_t *culprits_json(const tss_api_session_info *s)
{
    uint16_t nc = s->n_culprits > TSS_API_MAX_CULPRITS ? TSS_API_MAX_CULPRITS : s->n_culprits;
    json_t *culprits = json_array();
    for (uint16_t i = 0; culprits != NULL && i < nc; i++)
        json_array_append_new(culprits, json_pack("{s:i,s:s}", "node", (json_int_t)s->culprits[i].node, "reason",
                                                  tss_api_culprit_reason_name(s->culprits[i].reason)));
    return culprits;
}

json_t *api_session_json(const tss_api_session_info *s)
{
    json_t *o = json_pack("{s:o,s:s,s:s,s:s,s:o,s:i,s:i,s:f}", "session_id", api_json_id(s->session_id), "kind",
                          tss_api_kind_name(s->kind), "state", tss_api_state_name(s->state), "scheme",
                          tss_api_scheme_name(s->scheme), "key_id", api_json_id(s->key_id), "round",
                          (json_int_t)s->round, "attempt", (json_int_t)s->attempt, "elapsed_ms",
                          (double)s->elapsed_us / 1000.0);
    if (o == NULL)
        return NULL;
    if (s->state == TSS_API_STATE_DONE) {
        uint16_t n = s->n_participants > TSS_API_MAX_PARTICIPANTS ? TSS_API_MAX_PARTICIPANTS
                                                                  : s->n_participants;
        uint16_t ns = s->n_signers > TSS_API_MAX_PARTICIPANTS ? TSS_API_MAX_PARTICIPANTS : s->n_signers;
        json_t *res;
        if (s->kind == TSS_API_SESSION_SIGN)
            res = json_pack("{s:o,s:o,s:o,s:o}", "group_public_key", api_json_hex(s->group_public_key, 32),
                            "signature", api_json_hex(s->signature, 64), "signers", api_indices_json(s->signers, ns),
                            "excluded", culprits_json(s));
        else
            res = json_pack("{s:o,s:i,s:o,s:o}", "group_public_key", api_json_hex(s->group_public_key, 32),
                            "threshold", (json_int_t)s->threshold, "participants",
                            api_indices_json(s->participants, n), "verifying_shares",
                            api_shares_json(s->participants, s->verifying_shares, n));
        json_object_set_new(o, "result", res);
    } else if (s->state == TSS_API_STATE_FAILED) {
        json_t *culprits = culprits_json(s);
        char message[TSS_API_ERRMSG_MAX];
        memcpy(message, s->failure_message, sizeof message);
        message[sizeof message - 1] = '\0';
        const char *code = s->failure_status == TSS_ERR_TIMEOUT   ? "timeout"
                           : s->failure_status == TSS_ERR_CULPRIT ? "culprit"
                                                                  : "error";
        json_object_set_new(o, "failure",
                            json_pack("{s:s,s:s,s:o}", "code", code, "message",
                                      message[0] != '\0' ? message : tss_status_str(s->failure_status),
                                      "culprits", culprits));
    }
    return o;
}

json_t *api_key_summary_json(const tss_api_key_summary *k)
{
    return json_pack("{s:o,s:s,s:o,s:i,s:i,s:i}", "key_id", api_json_id(k->key_id), "scheme",
                     tss_api_scheme_name(k->scheme), "group_public_key", api_json_hex(k->group_public_key, 32),
                     "threshold", (json_int_t)k->threshold, "n_participants", (json_int_t)k->n_participants,
                     "generation", (json_int_t)k->generation);
}
