/* Every stage's counters as Prometheus metrics: one table per counter struct, registered against the
 * struct's instance (the receive pipeline, the poller, each port, each engine, the control plane). A new
 * counter is one line in its table. */
#include "src/node_internal.h"

#include <stddef.h>
#include <stdio.h>

typedef enum metric_kind { METRIC_COUNTER, METRIC_GAUGE } metric_kind;

/* One metric read from base + offset: a uint64_t counter or an int64_t gauge. labels: the metric's own
 * label pairs (NULL: none), appended to the instance's (port="rx", engine="0", ...). */
typedef struct metric_def {
    metric_kind kind;
    const char *name;
    const char *help;
    const char *labels;
    size_t offset;
} metric_def;

#define COUNTER(type, field, name, help, labels) {METRIC_COUNTER, name, help, labels, offsetof(type, field)}
#define GAUGE(type, field, name, help, labels) {METRIC_GAUGE, name, help, labels, offsetof(type, field)}
#define N_DEFS(t) (sizeof(t) / sizeof((t)[0]))

#define WIRE_REJECT(field) COUNTER(rx_pipeline, wire.field, "tss_wire_rejected_total", \
    "Datagrams the wire decoder rejected, by reason.", "reason=\"" #field "\"")
#define REASM(field, event) COUNTER(rx_pipeline, reasm.ctr.field, "tss_reassembly_total", \
    "Fragment reassembly events.", "event=\"" event "\"")
#define VERIFY_FLUSH(field, cause) COUNTER(rx_pipeline, vs.ctr.field, "tss_verify_flush_total", \
    "Batches verified, by cause.", "cause=\"" cause "\"")

static const metric_def pipeline_defs[] = {
    COUNTER(rx_pipeline, wire.decoded, "tss_wire_decoded_total", "Datagrams decoded into envelopes.", NULL),
    WIRE_REJECT(truncated), WIRE_REJECT(oversize), WIRE_REJECT(trailing), WIRE_REJECT(bad_magic),
    WIRE_REJECT(unknown_version), WIRE_REJECT(unknown_type), WIRE_REJECT(bad_reserved), WIRE_REJECT(bad_fragment),
    WIRE_REJECT(bad_recipient),
    COUNTER(rx_pipeline, ctr.no_key, "tss_rx_no_key_total", "Envelopes from a sender index with no configured key.",
            NULL),
    COUNTER(rx_pipeline, ctr.delivered, "tss_rx_delivered_total",
            "Complete messages delivered by the receive pipeline.", NULL),
    COUNTER(rx_pipeline, vs.ctr.pushed, "tss_verify_pushed_total", "Envelopes queued for signature verification.",
            NULL),
    COUNTER(rx_pipeline, vs.ctr.valid, "tss_verify_valid_total", "Envelope signatures that verified.", NULL),
    COUNTER(rx_pipeline, vs.ctr.invalid, "tss_verify_invalid_total",
            "Envelope signatures that did not verify (dropped).", NULL),
    COUNTER(rx_pipeline, vs.ctr.batches, "tss_verify_batches_total", "Batch verifier calls.", NULL),
    COUNTER(rx_pipeline, vs.ctr.batches_failed, "tss_verify_batches_failed_total",
            "Batches holding at least one invalid signature.", NULL),
    VERIFY_FLUSH(flush_full, "full"), VERIFY_FLUSH(flush_timeout, "timeout"), VERIFY_FLUSH(flush_explicit, "explicit"),
};

static const metric_def reasm_defs[] = {
    REASM(single, "single"), REASM(fragments, "fragment"), REASM(completed, "completed"),
    REASM(duplicates, "duplicate"), REASM(inconsistent, "inconsistent"), REASM(too_large, "too_large"),
    REASM(table_full, "table_full"), REASM(expired, "expired"),
};

/* Validator outcomes, in validator_result order (their labels come from validator_result_name). */
static const size_t validator_fields[] = {
    offsetof(validator_counters, accepted),     offsetof(validator_counters, unknown_sender),
    offsetof(validator_counters, from_self),    offsetof(validator_counters, wrong_recipient),
    offsetof(validator_counters, too_large),    offsetof(validator_counters, too_old),
    offsetof(validator_counters, too_new),      offsetof(validator_counters, not_member),
    offsetof(validator_counters, replay),       offsetof(validator_counters, stale),
    offsetof(validator_counters, rate_limited),
};
_Static_assert(N_DEFS(validator_fields) == VALIDATOR_RATE_LIMITED + 1, "one counter per validator result");

#define POLLER_DROP(field, reason) COUNTER(poller_counters, field, "tss_poller_dropped_total", \
    "Messages dropped at dispatch, by reason.", "reason=\"" reason "\"")

static const metric_def poller_defs[] = {
    COUNTER(poller_counters, dispatched, "tss_poller_dispatched_total", "Messages dispatched to an engine.", NULL),
    COUNTER(poller_counters, session_less, "tss_poller_session_less_total", "Hello/ping messages (not dispatched).",
            NULL),
    POLLER_DROP(drop_no_buffer, "no_buffer"), POLLER_DROP(drop_ring_full, "ring_full"),
    POLLER_DROP(drop_too_large, "too_large"),
};

static const metric_def port_defs[] = {
    COUNTER(dp_counters, rx_pkts, "tss_dp_rx_packets_total", "Datagrams received by a dataplane port.", NULL),
    COUNTER(dp_counters, rx_bytes, "tss_dp_rx_bytes_total", "Bytes received by a dataplane port.", NULL),
    COUNTER(dp_counters, rx_nobuf, "tss_dp_rx_nobuf_total", "Receive bursts cut short by an empty packet pool.", NULL),
    COUNTER(dp_counters, rx_truncated, "tss_dp_rx_truncated_total", "Datagrams too large for a packet buffer, dropped.",
            NULL),
    COUNTER(dp_counters, rx_errors, "tss_dp_rx_errors_total", "Receive errors.", NULL),
    COUNTER(dp_counters, tx_pkts, "tss_dp_tx_packets_total", "Datagrams sent by a dataplane port.", NULL),
    COUNTER(dp_counters, tx_bytes, "tss_dp_tx_bytes_total", "Bytes sent by a dataplane port.", NULL),
    COUNTER(dp_counters, tx_would_block, "tss_dp_tx_would_block_total", "Transmit bursts cut short by a full socket.",
            NULL),
    COUNTER(dp_counters, tx_errors, "tss_dp_tx_errors_total", "Datagrams dropped on a send error.", NULL),
};

#define ENGINE(field, name, help) COUNTER(engine_counters, field, name, help, NULL)

static const metric_def engine_defs[] = {
    ENGINE(msgs, "tss_engine_messages_total", "Messages taken by the engine."),
    ENGINE(msgs_to_session, "tss_engine_messages_to_session_total", "Messages fed to a session."),
    ENGINE(msg_rejected, "tss_engine_messages_rejected_total", "Messages a session refused."),
    ENGINE(not_member, "tss_engine_not_member_total", "Messages from a sender outside the session."),
    ENGINE(pending_buffered, "tss_engine_pending_buffered_total", "Messages buffered for a session not started here."),
    ENGINE(pending_replayed, "tss_engine_pending_replayed_total", "Buffered messages replayed at session start."),
    ENGINE(pending_dropped, "tss_engine_pending_dropped_total", "Messages dropped: pending buffer full."),
    ENGINE(pending_expired, "tss_engine_pending_expired_total", "Buffered messages dropped by age."),
    ENGINE(requests, "tss_engine_requests_total", "Requests taken by the engine."),
    ENGINE(started, "tss_engine_sessions_started_total", "Sessions started."),
    ENGINE(start_failed, "tss_engine_start_failed_total", "Session starts refused."),
    ENGINE(capacity_refused, "tss_engine_capacity_refused_total", "Requests refused: arena full."),
    ENGINE(duplicate_refused, "tss_engine_duplicate_refused_total", "Requests refused: id in use."),
    ENGINE(evicted_lingering, "tss_engine_evicted_lingering_total", "Finished sessions evicted early."),
    ENGINE(events_dropped, "tss_engine_events_dropped_total", "Outcomes lost for want of an event slot."),
    ENGINE(ticks, "tss_engine_ticks_total", "Session timer ticks."),
    ENGINE(tx_msgs, "tss_engine_tx_messages_total", "Logical messages sent."),
    ENGINE(tx_pkts, "tss_engine_tx_packets_total", "Datagrams handed to the tx port."),
    ENGINE(tx_dropped, "tss_engine_tx_dropped_total", "Datagrams dropped at transmit."),
    ENGINE(tx_errors, "tss_engine_tx_errors_total", "Messages that could not be encoded or addressed."),
    COUNTER(engine_counters, done, "tss_sessions_finished_total", "Sessions finished, by outcome.", "state=\"done\""),
    COUNTER(engine_counters, failed, "tss_sessions_finished_total", "Sessions finished, by outcome.",
            "state=\"failed\""),
    GAUGE(engine_counters, running, "tss_sessions", "Sessions in the arena, by state.", "state=\"running\""),
    GAUGE(engine_counters, lingering, "tss_sessions", "Sessions in the arena, by state.", "state=\"lingering\""),
};

#define REFUSED(field, reason) COUNTER(node_counters, field, "tss_control_refused_total", \
    "API requests refused, by reason.", "reason=\"" reason "\"")

static const metric_def control_defs[] = {
    COUNTER(node_counters, events, "tss_control_events_total", "Session outcomes handled by the control plane.", NULL),
    COUNTER(node_counters, keys_stored, "tss_control_keys_stored_total", "Keys stored after a DKG.", NULL),
    COUNTER(node_counters, store_errors, "tss_control_store_errors_total", "Store reads or writes that failed.", NULL),
    REFUSED(refused_capacity, "capacity"), REFUSED(refused_duplicate, "duplicate"), REFUSED(refused_invalid, "invalid"),
    COUNTER(node_counters, requests_dkg, "tss_control_requests_total", "Session requests, by kind.", "kind=\"dkg\""),
    COUNTER(node_counters, requests_sign, "tss_control_requests_total", "Session requests, by kind.", "kind=\"sign\""),
};

/* Registers defs over base; instance: the label pairs of this instance (NULL: none). The first error is
 * kept in *rc (the others are still tried, so one bad entry does not hide the rest). */
static void register_table(tss_metrics *m, int *rc, const metric_def *defs, size_t n, const void *base,
                           const char *instance)
{
    char labels[128];
    for (size_t i = 0; i < n; i++) {
        const metric_def *d = &defs[i];
        const char *l = d->labels;
        if (instance != NULL) {
            snprintf(labels, sizeof labels, "%s%s%s", instance, d->labels != NULL ? "," : "",
                     d->labels != NULL ? d->labels : "");
            l = labels;
        }
        const void *v = (const char *)base + d->offset;
        int r = d->kind == METRIC_COUNTER ? tss_metrics_add_counter(m, d->name, d->help, l, v)
                                          : tss_metrics_add_gauge(m, d->name, d->help, l, v);
        if (r != TSS_OK && *rc == TSS_OK) *rc = r;
    }
}

static int64_t link_backlog(void *ctx)
{
    return (int64_t)dp_link_backlog((const dp_link *)ctx);
}

int node_register_metrics(node *n)
{
    tss_metrics *m = &n->metrics;
    int rc = TSS_OK;
    char l[96];
    const rx_pipeline *rx = &n->poller.rx;
    register_table(m, &rc, pipeline_defs, N_DEFS(pipeline_defs), rx, NULL);
    for (int i = 0; i <= VALIDATOR_RATE_LIMITED; i++) {
        snprintf(l, sizeof l, "result=\"%s\"", validator_result_name((validator_result)i));
        const metric_def d = {METRIC_COUNTER, "tss_validator_total", "Validator outcomes for verified envelopes.", l,
                              validator_fields[i]};
        register_table(m, &rc, &d, 1, &rx->val.ctr, NULL);
    }
    register_table(m, &rc, reasm_defs, N_DEFS(reasm_defs), rx, NULL);
    register_table(m, &rc, poller_defs, N_DEFS(poller_defs), &n->poller.ctr, NULL);
    for (unsigned t = 0; t < WIRE_TYPE_LIMIT; t++) {
        if (!wire_type_known(t)) continue;
        snprintf(l, sizeof l, "type=\"%s\"", wire_type_name(t));
        const metric_def d = {METRIC_COUNTER, "tss_messages_received_total", "Complete messages received, by type.", l,
                              offsetof(poller_counters, by_type) + t * sizeof(uint64_t)};
        register_table(m, &rc, &d, 1, &n->poller.ctr, NULL);
    }
    register_table(m, &rc, port_defs, N_DEFS(port_defs), &n->rx_port->ctr, "port=\"rx\"");
    for (uint32_t k = 0; k < n->n_engines; k++) {
        snprintf(l, sizeof l, "port=\"tx%u\"", k);
        register_table(m, &rc, port_defs, N_DEFS(port_defs), &n->tx_port[k]->ctr, l);
        snprintf(l, sizeof l, "engine=\"%u\"", k);
        register_table(m, &rc, engine_defs, N_DEFS(engine_defs), &n->engines[k].ctr, l);
        snprintf(l, sizeof l, "engine=\"%u\",ring=\"msg_in\"", k);
        int r = tss_metrics_add_gauge_fn(m, "tss_ring_occupancy", "Entries waiting in a ring.", l, link_backlog,
                                         &n->links[k]);
        if (r != TSS_OK && rc == TSS_OK) rc = r;
    }
    register_table(m, &rc, control_defs, N_DEFS(control_defs), &n->ctr, NULL);
    int r = tss_metrics_add_histogram(m, "tss_session_duration_seconds", "Time from request to outcome, by kind.",
                                      "kind=\"sign\"", &n->latency_sign);
    if (r == TSS_OK)
        r = tss_metrics_add_histogram(m, "tss_session_duration_seconds", "Time from request to outcome, by kind.",
                                      "kind=\"dkg\"", &n->latency_dkg);
    if (r != TSS_OK && rc == TSS_OK) rc = r;
    return rc;
}
