/* The page of clock facts the kernel keeps for the vDSO, and the clock arithmetic both sides
 * share: the vDSO reads the page through its own mapping, the kernel's system calls through
 * the kernel's, and both convert the time CSR with the same inline code, so that a clock read
 * either way gives the same answer. Included by the vDSO (freestanding, position-independent)
 * and by firmware/clock.c; nothing else. */
#ifndef FAULTLINE_FIRMWARE_VDSO_DATA_H
#define FAULTLINE_FIRMWARE_VDSO_DATA_H

#include <stdint.h>

/* Linux clock ids (include/uapi/linux/time.h) */
#define CLOCK_REALTIME		 0
#define CLOCK_MONOTONIC		 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID	 3
#define CLOCK_MONOTONIC_RAW	 4
#define CLOCK_REALTIME_COARSE	 5
#define CLOCK_MONOTONIC_COARSE	 6
#define CLOCK_BOOTTIME		 7
#define CLOCK_REALTIME_ALARM	 8
#define CLOCK_BOOTTIME_ALARM	 9
#define CLOCK_TAI		 11

#define NSEC_PER_SEC 1000000000ull

/*
 * Resolution of every clock but the CPU-time ones, as Linux 6.1 reports it on this QEMU: a
 * kernel at HZ=250 without high-resolution timers answers one tick, 4 ms, for all of them.
 * The COARSE clocks step by exactly this much.
 */
#define VDSO_CLOCK_RES_NS 4000000ull

/* Linux's struct timespec on 64-bit */
struct vdso_timespec {
	int64_t tv_sec;
	int64_t tv_nsec;
};

/* Written once at boot, before the first task: readers need no sequence count. Whoever adds
 * clock_settime must add one. */
struct vdso_data {
	uint64_t timebase_hz;	/* time CSR ticks per second, never 0 once tasks run */
	uint64_t ns_mult;	/* ceil(10^9 * 2^32 / timebase_hz): ns = ticks * ns_mult >> 32 */
	uint64_t realtime_sec;	/* CLOCK_REALTIME when the time CSR read 0 */
	uint64_t realtime_nsec; /* below NSEC_PER_SEC */
};

/* vdso_ns_mult - the ns_mult for @hz: rounded up, so that a clock never reads less than the
 * exact time (a sleep that wakes at a time CSR value reads at least its target); still below
 * 10^9 ns for any remainder below @hz when @hz < 2 GHz. */
static inline uint64_t vdso_ns_mult(uint64_t hz)
{
	return ((NSEC_PER_SEC << 32) + hz - 1) / hz;
}

/*
 * vdso_monotonic - CLOCK_MONOTONIC at time CSR value @t: whole seconds by one division, the
 * nanoseconds of the remainder by a multiply and a shift. The remainder is below hz and
 * ns_mult below 2^32 * 10^9 / hz + 1, so the product fits 64 bits.
 */
static inline void vdso_monotonic(const struct vdso_data *d, uint64_t t, struct vdso_timespec *ts)
{
	uint64_t hz = d->timebase_hz;

	ts->tv_sec = (int64_t)(t / hz);
	ts->tv_nsec = (int64_t)((t % hz) * d->ns_mult >> 32);
}

/* Clocks the shared arithmetic serves: the time CSR plus an offset. */
static inline int vdso_clock_is_time_csr(long clk)
{
	return clk == CLOCK_REALTIME || clk == CLOCK_MONOTONIC || clk == CLOCK_MONOTONIC_RAW ||
	       clk == CLOCK_REALTIME_COARSE || clk == CLOCK_MONOTONIC_COARSE ||
	       clk == CLOCK_BOOTTIME || clk == CLOCK_TAI;
}

/*
 * vdso_clock_from - clock @clk (one vdso_clock_is_time_csr() accepts) at time CSR value @t.
 * MONOTONIC, MONOTONIC_RAW and BOOTTIME count from reset (nothing here suspends or slews);
 * REALTIME and TAI add the boot-time date (TAI's offset is 0, as on Linux until set); the
 * COARSE clocks are their precise clock cut down to a multiple of their resolution.
 */
static inline void vdso_clock_from(const struct vdso_data *d, long clk, uint64_t t,
				   struct vdso_timespec *ts)
{
	uint64_t sec, nsec;

	vdso_monotonic(d, t, ts);
	sec = (uint64_t)ts->tv_sec;
	nsec = (uint64_t)ts->tv_nsec;

	if (clk == CLOCK_REALTIME_COARSE || clk == CLOCK_MONOTONIC_COARSE)
		nsec -= nsec % VDSO_CLOCK_RES_NS;
	if (clk == CLOCK_REALTIME || clk == CLOCK_REALTIME_COARSE || clk == CLOCK_TAI) {
		sec += d->realtime_sec;
		nsec += d->realtime_nsec;
		if (nsec >= NSEC_PER_SEC) {
			nsec -= NSEC_PER_SEC;
			sec++;
		}
	}
	ts->tv_sec = (int64_t)sec;
	ts->tv_nsec = (int64_t)nsec;
}

#endif
