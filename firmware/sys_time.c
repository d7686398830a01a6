/* Time for tasks: reading the clocks and sleeping on them (firmware/clock.c does the work;
 * these check arguments in Linux's order and copy). The vDSO answers most reads without a
 * trap; these are what it falls back to, and what tasks without it call. */
#include "firmware/clock.h"
#include "firmware/syscall_impl.h"
#include "firmware/uaccess.h"
#include "platform/errno.h"

#define TIMER_ABSTIME 1

_Static_assert(sizeof(struct k_timespec) == sizeof(struct vdso_timespec), "timespec layouts");

/* Linux's struct timeval and struct timezone on 64-bit */
struct k_timeval {
	int64_t tv_sec;
	int64_t tv_usec;
};

struct k_timezone {
	int32_t tz_minuteswest;
	int32_t tz_dsttime;
};

static bool timespec_valid(const struct vdso_timespec *ts)
{
	return ts->tv_sec >= 0 && ts->tv_nsec >= 0 && (uint64_t)ts->tv_nsec < NSEC_PER_SEC;
}

/* Both sleeps: the request is read and checked, then slept; rem is written only when a signal
 * cuts a sleep short, and nothing does yet. */
static long sleep_on(int clk, bool abstime, uintptr_t req, uintptr_t rem)
{
	struct vdso_timespec ts, left = { 0 };
	long rc;

	if (copy_from_user(&ts, req, sizeof(ts)))
		return -EFAULT;
	if (!timespec_valid(&ts))
		return -EINVAL;
	rc = clock_nanosleep(clk, abstime, &ts, &left);
	/* cut short by a signal: the time left goes to rem, when asked and relative */
	if (rc == -EINTR && rem && !abstime && copy_to_user(rem, &left, sizeof(left)))
		return -EFAULT;
	return rc;
}

static long sys_nanosleep(struct trap_frame *tf)
{
	return sleep_on(CLOCK_MONOTONIC, false, tf->a0, tf->a1);
}

/* clock_nanosleep(clock, flags, req, rem): flags other than TIMER_ABSTIME are ignored, as
 * Linux ignores them */
static long sys_clock_nanosleep(struct trap_frame *tf)
{
	int rc = clock_nanosleep_checks((int)tf->a0);

	if (rc)
		return rc;
	return sleep_on((int)tf->a0, tf->a1 & TIMER_ABSTIME, tf->a2, tf->a3);
}

static long sys_clock_gettime(struct trap_frame *tf)
{
	struct vdso_timespec ts;
	int rc = clock_get((int)tf->a0, &ts);

	if (rc)
		return rc;
	return copy_to_user(tf->a1, &ts, sizeof(ts));
}

/* A NULL result pointer is allowed: the call then only says whether the clock exists. */
static long sys_clock_getres(struct trap_frame *tf)
{
	struct vdso_timespec ts;
	int rc = clock_getres((int)tf->a0, &ts);

	if (rc || !tf->a1)
		return rc;
	return copy_to_user(tf->a1, &ts, sizeof(ts));
}

/* Either pointer may be NULL; the time zone is always zero, as nothing here sets one. */
static long sys_gettimeofday(struct trap_frame *tf)
{
	const struct k_timezone tz = { 0, 0 };
	struct vdso_timespec ts;
	struct k_timeval tv;

	if (tf->a0) {
		if (clock_get(CLOCK_REALTIME, &ts))
			return -EINVAL;
		tv.tv_sec = ts.tv_sec;
		tv.tv_usec = ts.tv_nsec / 1000;
		if (copy_to_user(tf->a0, &tv, sizeof(tv)))
			return -EFAULT;
	}
	if (tf->a1 && copy_to_user(tf->a1, &tz, sizeof(tz)))
		return -EFAULT;
	return 0;
}

SYSCALL(nanosleep, sys_nanosleep);
SYSCALL(clock_nanosleep, sys_clock_nanosleep);
SYSCALL(clock_gettime, sys_clock_gettime);
SYSCALL(clock_getres, sys_clock_getres);
SYSCALL(gettimeofday, sys_gettimeofday);
