/* Control-plane API requests (src/api_request.c): every field of the start requests checked, through a real
 * server over the mock backend; the id and name forms (src/api_names.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "api_fixture.h"

static void test_dkg_bad_requests(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *body;
        int status;
        const char *code;
    } cases[] = {
        {"", 400, "bad_json"},
        {"{", 400, "bad_json"},
        {"[1,2]", 400, "bad_json"},
        {"{\"session_id\":\"0000000000000001\",\"session_id\":\"0000000000000002\",\"participants\":[1],\"threshold\":1}",
         400, "bad_json"}, /* duplicate key */
        {"{\"participants\":[1,2],\"threshold\":2}", 400, "missing_field"},
        {"{\"session_id\":null,\"participants\":[1,2],\"threshold\":2}", 400, "missing_field"},
        {"{\"session_id\":\"0000000000000001\",\"threshold\":2}", 400, "missing_field"},
        {"{\"session_id\":\"0000000000000001\",\"participants\":[1,2]}", 400, "missing_field"},
        {"{\"session_id\":1,\"participants\":[1,2],\"threshold\":2}", 400, "invalid_field"},
        {"{\"session_id\":\"01\",\"participants\":[1,2],\"threshold\":2}", 400, "invalid_field"},
        {"{\"session_id\":\"000000000000000g\",\"participants\":[1,2],\"threshold\":2}", 400, "invalid_field"},
        {"{\"session_id\":\"00000000000000010\",\"participants\":[1,2],\"threshold\":2}", 400, "invalid_field"},
        {"{\"session_id\":\"0000000000000001\",\"participants\":\"1,2\",\"threshold\":2}", 400, "invalid_field"},
        {"{\"session_id\":\"0000000000000001\",\"participants\":[],\"threshold\":1}", 400, "invalid_field"},
        {"{\"session_id\":\"0000000000000001\",\"participants\":[0,1],\"threshold\":2}", 400, "invalid_field"},
        {"{\"session_id\":\"0000000000000001\",\"participants\":[1,65536],\"threshold\":2}", 400, "invalid_field"},
        {"{\"session_id\":\"0000000000000001\",\"participants\":[1,\"2\"],\"threshold\":2}", 400, "invalid_field"},
        {"{\"session_id\":\"0000000000000001\",\"participants\":[1,2.5],\"threshold\":2}", 400, "invalid_field"},
        {"{\"session_id\":\"0000000000000001\",\"participants\":[1,2,1],\"threshold\":2}", 400, "invalid_field"},
        {"{\"session_id\":\"0000000000000001\",\"participants\":[1,2],\"threshold\":\"2\"}", 400, "invalid_field"},
        {"{\"session_id\":\"0000000000000001\",\"participants\":[1,2],\"threshold\":0}", 400, "threshold_out_of_range"},
        {"{\"session_id\":\"0000000000000001\",\"participants\":[1,2],\"threshold\":3}", 400, "threshold_out_of_range"},
        {"{\"session_id\":\"0000000000000001\",\"participants\":[1,2],\"threshold\":-1}", 400, "threshold_out_of_range"},
        {"{\"session_id\":\"0000000000000001\",\"participants\":[1,2],\"threshold\":2,\"scheme\":\"ecdsa-secp256k1\"}",
         400, "unsupported_scheme"},
        {"{\"session_id\":\"0000000000000001\",\"participants\":[1,2],\"threshold\":2,\"scheme\":7}", 400, "invalid_field"},
        {"{\"session_id\":\"0000000000000001\",\"participants\":[1,2],\"threshold\":2,\"thresold\":2}", 400,
         "unknown_field"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        reply r;
        post(f, "/v1/dkg", cases[i].body, &r);
        if (r.status != cases[i].status)
            fprintf(stderr, "case %zu: %s\n", i, cases[i].body);
        expect_error(&r, cases[i].status, cases[i].code);
        reply_free(&r);
    }
    /* None of them reached the backend. */
    assert_int_equal(f->m->n_sessions, 0);
    /* A participant list longer than the maximum. */
    size_t cap = 16 * (TSS_API_MAX_PARTICIPANTS + 2) + 128;
    char *big = malloc(cap);
    assert_non_null(big);
    size_t o = (size_t)snprintf(big, cap, "{\"session_id\":\"0000000000000001\",\"threshold\":2,\"participants\":[");
    for (int i = 1; i <= TSS_API_MAX_PARTICIPANTS + 1; i++)
        o += (size_t)snprintf(big + o, cap - o, "%s%d", i > 1 ? "," : "", i);
    snprintf(big + o, cap - o, "]}");
    post_expect(f, "/v1/dkg", big, 400, "invalid_field");
    free(big);
}

static void test_sign(void **state)
{
    fixture *f = *state;
    reply r;
    post(f, "/v1/dkg", "{\"session_id\":\"000000000000000a\",\"participants\":[1,2,3],\"threshold\":2}", &r);
    assert_int_equal(r.status, 202);
    reply_free(&r);

    post(f, "/v1/sign",
         "{\"session_id\":\"000000000000000b\",\"key_id\":\"000000000000000a\",\"message\":\"DEADbeef00\","
         "\"signers\":[2,3],\"scheme\":\"frost-ed25519\",\"prehash\":false}",
         &r);
    assert_int_equal(r.status, 202);
    assert_string_equal(jstr(r.json, "session_id"), "000000000000000b");
    reply_free(&r);
    const uint8_t msg[] = {0xde, 0xad, 0xbe, 0xef, 0x00};
    assert_int_equal(f->m->last_sign.session_id, 11);
    assert_int_equal(f->m->last_sign.key_id, 10);
    assert_int_equal(f->m->last_sign.message_len, sizeof msg);
    assert_memory_equal(f->m->last_sign.message, msg, sizeof msg);
    assert_int_equal(f->m->last_sign.n_signers, 2);
    assert_int_equal(f->m->last_sign.signers[0], 2);
    assert_int_equal(f->m->last_sign.signers[1], 3);
    assert_false(f->m->last_sign.prehash);

    get(f, "/v1/sessions/000000000000000b", &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(jstr(r.json, "kind"), "sign");
    assert_string_equal(jstr(r.json, "state"), "done");
    json_t *res = json_object_get(r.json, "result");
    uint8_t sig[64], pk[32];
    assert_int_equal(sodium_hex2bin(sig, 64, jstr(res, "signature"), 128, NULL, NULL, NULL), 0);
    assert_int_equal(sodium_hex2bin(pk, 32, jstr(res, "group_public_key"), 64, NULL, NULL, NULL), 0);
    assert_int_equal(crypto_sign_verify_detached(sig, msg, sizeof msg, pk), 0);
    assert_int_equal(json_array_size(json_object_get(res, "signers")), 2);
    assert_null(json_object_get(res, "verifying_shares"));
    reply_free(&r);

    /* prehash and defaults: no signers (every holder), no scheme, empty message. */
    post(f, "/v1/sign", "{\"session_id\":\"000000000000000c\",\"key_id\":\"000000000000000a\",\"message\":\"\",\"prehash\":true}",
         &r);
    assert_int_equal(r.status, 202);
    reply_free(&r);
    assert_true(f->m->last_sign.prehash);
    assert_int_equal(f->m->last_sign.n_signers, 0);
    assert_int_equal(f->m->last_sign.message_len, 0);

    static const struct {
        const char *body;
        int status;
        const char *code;
    } cases[] = {
        {"{\"session_id\":\"00000000000000d1\",\"key_id\":\"000000000000000a\",\"message\":\"abc\"}", 400, "bad_hex"},
        {"{\"session_id\":\"00000000000000d1\",\"key_id\":\"000000000000000a\",\"message\":\"zz\"}", 400, "bad_hex"},
        {"{\"session_id\":\"00000000000000d1\",\"key_id\":\"000000000000000a\",\"message\":\"0x00\"}", 400, "bad_hex"},
        {"{\"session_id\":\"00000000000000d1\",\"key_id\":\"000000000000000a\",\"message\":42}", 400, "invalid_field"},
        {"{\"session_id\":\"00000000000000d1\",\"key_id\":\"000000000000000a\"}", 400, "missing_field"},
        {"{\"session_id\":\"00000000000000d1\",\"message\":\"00\"}", 400, "missing_field"},
        {"{\"session_id\":\"00000000000000d1\",\"key_id\":\"a\",\"message\":\"00\"}", 400, "invalid_field"},
        {"{\"session_id\":\"00000000000000d1\",\"key_id\":\"000000000000000a\",\"message\":\"00\",\"prehash\":1}",
         400, "invalid_field"},
        {"{\"session_id\":\"00000000000000d1\",\"key_id\":\"000000000000000a\",\"message\":\"00\",\"signers\":[2,2]}",
         400, "invalid_field"},
        {"{\"session_id\":\"00000000000000d1\",\"key_id\":\"000000000000000a\",\"message\":\"00\",\"signers\":[2]}",
         400, "not_enough_signers"},
        {"{\"session_id\":\"00000000000000d1\",\"key_id\":\"000000000000000a\",\"message\":\"00\",\"scheme\":\"bls\"}",
         400, "unsupported_scheme"},
        {"{\"session_id\":\"00000000000000d1\",\"key_id\":\"00000000000000ee\",\"message\":\"00\"}", 404, "unknown_key"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        post_expect(f, "/v1/sign", cases[i].body, cases[i].status, cases[i].code);

    /* Exactly the maximum message is accepted; one byte more is refused. */
    size_t hex_len = 2 * TSS_API_MAX_MESSAGE + 2;
    char *body = malloc(hex_len + 128);
    assert_non_null(body);
    int n = snprintf(body, 128, "{\"session_id\":\"00000000000000d2\",\"key_id\":\"000000000000000a\",\"message\":\"");
    memset(body + n, '7', hex_len);
    strcpy(body + n + hex_len, "\"}");
    post_expect(f, "/v1/sign", body, 400, "message_too_long");
    strcpy(body + n + hex_len - 2, "\"}");
    post(f, "/v1/sign", body, &r);
    assert_int_equal(r.status, 202);
    reply_free(&r);
    assert_int_equal(f->m->last_sign.message_len, TSS_API_MAX_MESSAGE);
    assert_int_equal(f->m->last_sign.message[TSS_API_MAX_MESSAGE - 1], 0x77);
    free(body);
}

static void test_reshare_and_refresh(void **state)
{
    fixture *f = *state;
    reply r;
    post(f, "/v1/dkg", "{\"session_id\":\"0000000000000020\",\"participants\":[1,2,3],\"threshold\":2}", &r);
    assert_int_equal(r.status, 202);
    reply_free(&r);

    post(f, "/v1/reshare",
         "{\"session_id\":\"0000000000000021\",\"key_id\":\"0000000000000020\",\"participants\":[2,3,4,5],\"threshold\":3}",
         &r);
    assert_int_equal(r.status, 202);
    reply_free(&r);
    assert_int_equal(f->m->last_reshare.key_id, 0x20);
    assert_int_equal(f->m->last_reshare.threshold, 3);
    assert_int_equal(f->m->last_reshare.n_participants, 4);
    assert_int_equal(f->m->last_reshare.participants[3], 5);
    get(f, "/v1/sessions/0000000000000021", &r);
    assert_string_equal(jstr(r.json, "kind"), "reshare");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(r.json, "result"), "threshold")), 3);
    reply_free(&r);

    post(f, "/v1/refresh", "{\"session_id\":\"0000000000000022\",\"key_id\":\"0000000000000020\"}", &r);
    assert_int_equal(r.status, 202);
    reply_free(&r);
    assert_int_equal(f->m->last_refresh.n_participants, 0);
    get(f, "/v1/keys/0000000000000020", &r);
    assert_int_equal(json_integer_value(json_object_get(r.json, "generation")), 2);
    reply_free(&r);

    post_expect(f, "/v1/reshare",
                "{\"session_id\":\"0000000000000023\",\"key_id\":\"0000000000000020\",\"participants\":[1,2],\"threshold\":3}",
                400, "threshold_out_of_range");
    post_expect(f, "/v1/reshare", "{\"session_id\":\"0000000000000023\",\"key_id\":\"0000000000000020\",\"threshold\":1}",
                400, "missing_field");
    post_expect(f, "/v1/reshare",
                "{\"session_id\":\"0000000000000023\",\"key_id\":\"0000000000000099\",\"participants\":[1,2],\"threshold\":2}",
                404, "unknown_key");
    post_expect(f, "/v1/refresh", "{\"session_id\":\"0000000000000023\",\"key_id\":\"0000000000000099\"}", 404,
                "unknown_key");
    post_expect(f, "/v1/refresh",
                "{\"session_id\":\"0000000000000023\",\"key_id\":\"0000000000000020\",\"participants\":[1,1]}", 400,
                "invalid_field");
    post_expect(f, "/v1/refresh", "{\"session_id\":\"0000000000000022\",\"key_id\":\"0000000000000020\"}", 409,
                "duplicate_session");
    post_expect(f, "/v1/refresh", "{\"session_id\":\"0000000000000024\",\"key_id\":\"0000000000000020\",\"threshold\":2}",
                400, "unknown_field");
}

static void test_ids_and_names(void **state)
{
    (void)state;
    uint64_t v;
    char s[17];
    assert_int_equal(tss_api_parse_id("00000000000004d2", &v), TSS_OK);
    assert_int_equal(v, 1234);
    assert_int_equal(tss_api_parse_id("FFFFFFFFFFFFFFFF", &v), TSS_OK);
    assert_true(v == UINT64_MAX);
    assert_int_equal(tss_api_parse_id("4d2", &v), TSS_ERR_ENCODING);
    assert_int_equal(tss_api_parse_id("00000000000004d2 ", &v), TSS_ERR_ENCODING);
    assert_int_equal(tss_api_parse_id("+0000000000004d2", &v), TSS_ERR_ENCODING);
    tss_api_format_id(s, 0xabcdef0123456789ULL);
    assert_string_equal(s, "abcdef0123456789");
    tss_api_scheme sc;
    assert_int_equal(tss_api_scheme_parse("frost-ed25519", &sc), TSS_OK);
    assert_string_equal(tss_api_scheme_name(sc), "frost-ed25519");
    assert_int_equal(tss_api_scheme_parse("FROST-ED25519", &sc), TSS_ERR_NOT_FOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_dkg_bad_requests, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sign, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reshare_and_refresh, setup, teardown),
        cmocka_unit_test(test_ids_and_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
