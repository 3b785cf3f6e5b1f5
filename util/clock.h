/* Clocks: CLOCK_MONOTONIC for durations, timers and expiry; CLOCK_REALTIME only where a time leaves the
 * host (envelope timestamps, logs). The node passes clocks around as engine_clock_fn so that tests can
 * run on a virtual clock; these are the real ones behind them. */
#ifndef TSS_UTIL_CLOCK_H
#define TSS_UTIL_CLOCK_H

#include <stdint.h>

uint64_t tss_clock_mono_ns(void);
uint64_t tss_clock_wall_ns(void);

static inline uint64_t tss_clock_mono_us(void) { return tss_clock_mono_ns() / 1000u; }
static inline uint64_t tss_clock_mono_ms(void) { return tss_clock_mono_ns() / 1000000u; }
static inline uint64_t tss_clock_wall_ms(void) { return tss_clock_wall_ns() / 1000000u; }

#endif
