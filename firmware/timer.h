/* The periodic tick: SBI TIME (or Sstc later) programmed from the devicetree's timebase. */
#ifndef FAULTLINE_FIRMWARE_TIMER_H
#define FAULTLINE_FIRMWARE_TIMER_H

#include "platform/riscv/sbi.h"

#define TIMER_HZ 100

/* timer_init - start ticking at TIMER_HZ on this (the boot) hart. Returns 0, or -EINVAL
 * without a timebase. */
int timer_init(const struct sbi_info *sbi, uint64_t timebase_hz) __must_check;

/* timer_start_hart - start this hart ticking too, once timer_init() has run. */
void timer_start_hart(void);

/* timer_ticks - ticks taken since timer_init(). */
uint64_t timer_ticks(void);

/* timer_now - the time CSR, in timebase units. */
uint64_t timer_now(void);

/* timer_now_ns - the time CSR in nanoseconds since it started (at reset). */
uint64_t timer_now_ns(void);

/* timer_timebase - timebase frequency in Hz. */
uint64_t timer_timebase(void);

/* timer_to_ns - @t timebase units in nanoseconds (0 without a timebase). */
uint64_t timer_to_ns(uint64_t t);

/*
 * timer_wake_at - have an interrupt come at time CSR value @when too, if that is before the
 * next tick: the idle loop asks for it so that sleeps end on time, not at the next tick.
 * Called with interrupts off; good until the next tick re-arms the timer.
 */
void timer_wake_at(uint64_t when);

/*
 * timer_deadline - the time CSR value @sec seconds and @nsec nanoseconds (below 10^9) after
 * @from, saturated at UINT64_MAX (never reached) instead of wrapping for huge durations.
 */
uint64_t timer_deadline(uint64_t from, uint64_t sec, uint64_t nsec);

#endif
