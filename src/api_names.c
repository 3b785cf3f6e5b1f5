/* Names of the API's enums and the text form of session and key ids (src/api.h). */
#include <stdio.h>
#include <string.h>

#include "src/api_internal.h"

const char *tss_api_scheme_name(tss_api_scheme s)
{
    return s == TSS_API_SCHEME_FROST_ED25519 ? "frost-ed25519" : "unknown";
}

int tss_api_scheme_parse(const char *name, tss_api_scheme *out)
{
    if (name == NULL || out == NULL)
        return TSS_ERR_INVALID_ARG;
    if (strcmp(name, "frost-ed25519") == 0) {
        *out = TSS_API_SCHEME_FROST_ED25519;
        return TSS_OK;
    }
    return TSS_ERR_NOT_FOUND;
}

const char *tss_api_kind_name(tss_api_session_kind k)
{
    switch (k) {
    case TSS_API_SESSION_DKG: return "dkg";
    case TSS_API_SESSION_SIGN: return "sign";
    case TSS_API_SESSION_RESHARE: return "reshare";
    case TSS_API_SESSION_REFRESH: return "refresh";
    }
    return "unknown";
}

const char *tss_api_state_name(tss_api_session_state s)
{
    switch (s) {
    case TSS_API_STATE_PENDING: return "pending";
    case TSS_API_STATE_RUNNING: return "running";
    case TSS_API_STATE_DONE: return "done";
    case TSS_API_STATE_FAILED: return "failed";
    }
    return "unknown";
}

const char *tss_api_culprit_reason_name(tss_api_culprit_reason r)
{
    switch (r) {
    case TSS_API_CULPRIT_MISSING: return "missing";
    case TSS_API_CULPRIT_INVALID: return "invalid";
    case TSS_API_CULPRIT_EQUIVOCATED: return "equivocated";
    }
    return "unknown";
}

void tss_api_format_id(char out[17], uint64_t id)
{
    snprintf(out, 17, "%016llx", (unsigned long long)id);
}

int api_hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int tss_api_parse_id(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    if (s == NULL || out == NULL)
        return TSS_ERR_INVALID_ARG;
    for (int i = 0; i < 16; i++) {
        int d = api_hex_digit(s[i]);
        if (d < 0)
            return TSS_ERR_ENCODING;
        v = (v << 4) | (uint64_t)d;
    }
    if (s[16] != '\0')
        return TSS_ERR_ENCODING;
    *out = v;
    return TSS_OK;
}
