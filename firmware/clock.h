/* The clocks tasks read: the time CSR for MONOTONIC and its kin, the RTC's date at boot for
 * REALTIME, the scheduler's run time for the CPU-time clocks. Linux's clock ids and errors. */
#ifndef FAULTLINE_FIRMWARE_CLOCK_H
#define FAULTLINE_FIRMWARE_CLOCK_H

#include "firmware/vdso/vdso_data.h"
#include "platform/fdt.h"
#include "platform/types.h"

/*
 * clock_init - read the date from the devicetree's RTC, if it has one that a driver knows
 * (realtime starts at 0 otherwise), and publish it with the timebase in the vDSO's clock
 * page. Maps the RTC's registers. Called once at boot, before the first task.
 */
void clock_init(const struct fdt_info *fi);

/* clock_log - the boot log's line: where realtime came from, and the date. */
void clock_log(void);

/* clock_get - clock @clk (a Linux clock id) now, in @ts: 0, or -EINVAL for a clock that does
 * not exist (or a CPU-time clock of a task that does not). */
int clock_get(int clk, struct vdso_timespec *ts) __must_check;

/* clock_getres - the resolution of @clk in @ts: 0 or -EINVAL, as clock_get(). */
int clock_getres(int clk, struct vdso_timespec *ts) __must_check;

/*
 * clock_nanosleep - sleep on clock @clk until @ts (with @abstime) or for @ts (already checked
 * to be a valid timespec). Returns 0, -EINVAL (no such clock; a thread's CPU-time clock),
 * -EOPNOTSUPP (a clock Linux cannot sleep on), or -EINTR when a signal cut it short (then a
 * relative sleep's time left is in @left, which may be NULL). Sleeping on one's own process
 * CPU-time clock never ends, as on Linux: a task's CPU time does not advance while it sleeps.
 */
int clock_nanosleep(int clk, bool abstime, const struct vdso_timespec *ts,
		    struct vdso_timespec *left) __must_check;

/* clock_deadline - the time CSR value at which time-CSR clock @clk (MONOTONIC, REALTIME)
 * reads @ts (@abstime) or @ts from now, rounded up and saturated at UINT64_MAX (never); for
 * waits with a timeout (futex). @ts is a valid timespec. */
uint64_t clock_deadline(int clk, bool abstime, const struct vdso_timespec *ts);

/* clock_deadline_from_user - the deadline of the timespec at user address @uts on @clk, as
 * clock_deadline(). Returns 0 and it in @deadline, -EFAULT, or -EINVAL (a negative time or
 * nanoseconds past a second), the checks every call with a timeout makes. */
int clock_deadline_from_user(int clk, bool abstime, uintptr_t uts, uint64_t *deadline) __must_check;

/* clock_nanosleep_checks - the errors clock_nanosleep() gives before it reads the request, in
 * Linux's order: -EINVAL (no such clock), -EOPNOTSUPP (cannot sleep on it), or 0. */
int clock_nanosleep_checks(int clk) __must_check;

#endif
