/* Clocks: the time CSR with an offset for the wall-clock ones (the arithmetic is the vDSO's,
 * in firmware/vdso/vdso_data.h), the scheduler's CPU time for the rest, and sleeping on them. */
#include "firmware/clock.h"

#include "drivers/rtc.h"
#include "firmware/kmem.h"
#include "firmware/printf.h"
#include "firmware/task.h"
#include "firmware/timer.h"
#include "firmware/uaccess.h"
#include "firmware/vdso.h"
#include "platform/errno.h"

/* CPU-time clock ids (Linux's include/linux/posix-timers.h): negative, ~pid << 3, a per-thread
 * bit, and which of three clocks; CLOCK_PROCESS_CPUTIME_ID and CLOCK_THREAD_CPUTIME_ID are
 * pid 0's SCHED clocks. */
#define CPUCLOCK_PROF	   0 /* user + system time */
#define CPUCLOCK_VIRT	   1 /* user time */
#define CPUCLOCK_SCHED	   2 /* run time, precise */
#define CPUCLOCK_MAX	   3
#define CPUCLOCK_WHICH(c)  ((c)&3)
#define CPUCLOCK_PERTHREAD 4
#define CPUCLOCK_PID(c)	   ((int)~((c) >> 3))

static const char *source = "no RTC in the devicetree";
static const char *rtc_path;

void clock_init(const struct fdt_info *fi)
{
	struct vdso_data *d = vdso_data();
	uint64_t now_ns = 0, boot_ns, since_reset = timer_now_ns();
	void *regs = NULL;

	d->timebase_hz = fi->timebase_hz ? fi->timebase_hz : 1;
	d->ns_mult = vdso_ns_mult(d->timebase_hz);
	if (fi->rtc.kind != FDT_RTC_NONE)
		regs = kmem_ioremap(fi->rtc.base, fi->rtc.size ? fi->rtc.size : PAGE_SIZE);
	if (regs && rtc_read_ns(fi->rtc.kind, (uintptr_t)regs, &now_ns) == 0) {
		source = rtc_name(fi->rtc.kind);
		rtc_path = fi->rtc.path;
	} else if (fi->rtc.kind != FDT_RTC_NONE) {
		source = "RTC not usable";
		now_ns = 0;
	}
	/* realtime is kept as the date when the time CSR read 0 */
	boot_ns = now_ns > since_reset ? now_ns - since_reset : 0;
	d->realtime_sec = boot_ns / NSEC_PER_SEC;
	d->realtime_nsec = boot_ns % NSEC_PER_SEC;
}

/* Howard Hinnant's days-to-civil algorithm: the proleptic Gregorian date of day @z since
 * 1970-01-01 (public-domain arithmetic, written out here from its description). */
static void civil(int64_t z, int64_t *y, unsigned int *m, unsigned int *d)
{
	int64_t era, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	yoe = z - era * 146097;
	yoe = (yoe - yoe / 1460 + yoe / 36524 - yoe / 146096) / 365;
	doy = (z - era * 146097) - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

void clock_log(void)
{
	struct vdso_timespec now;
	int64_t y;
	unsigned int mo, d;
	uint64_t s;

	vdso_clock_from(vdso_data(), CLOCK_REALTIME, timer_now(), &now);
	s = (uint64_t)now.tv_sec;
	civil((int64_t)(s / 86400), &y, &mo, &d);
	s %= 86400;
	if (rtc_path)
		kprintf("  realtime   from the %s RTC at %s: ", source, rtc_path);
	else
		kprintf("  realtime   starts at 0 (%s): ", source);
	kprintf("%04ld-%02u-%02u %02lu:%02lu:%02lu UTC\n", (long)y, mo, d,
		(unsigned long)(s / 3600), (unsigned long)(s / 60 % 60), (unsigned long)(s % 60));
}

static void from_ns(uint64_t ns, struct vdso_timespec *ts)
{
	ts->tv_sec = (int64_t)(ns / NSEC_PER_SEC);
	ts->tv_nsec = (int64_t)(ns % NSEC_PER_SEC);
}

/* The task a CPU-time clock id names, as Linux's pid_for_clock(): pid 0 is the caller; a
 * thread clock must be the caller's own thread. Returns the pid (or tid) to ask
 * task_times() (or task_thread_times()) for, or -EINVAL. */
static int cpu_clock_pid(int clk)
{
	int pid = CPUCLOCK_PID(clk);

	if (CPUCLOCK_WHICH(clk) >= CPUCLOCK_MAX)
		return -EINVAL;
	if ((clk & CPUCLOCK_PERTHREAD) && pid && pid != task_current()->pid)
		return -EINVAL;
	return pid;
}

/* CPU time of a CPU-time clock in nanoseconds: 0, or -EINVAL. */
static int cpu_clock_ns(int clk, uint64_t *ns)
{
	struct task_times t;
	int pid = cpu_clock_pid(clk);

	if (pid < 0 ||
	    ((clk & CPUCLOCK_PERTHREAD) ? task_thread_times(pid, &t) : task_times(pid, false, &t)))
		return -EINVAL;
	*ns = CPUCLOCK_WHICH(clk) == CPUCLOCK_VIRT ? t.utime_ns : t.utime_ns + t.stime_ns;
	return 0;
}

/* Linux's own ids for the two CPU-time clocks of the caller */
static int cpu_clock_id(int clk)
{
	if (clk == CLOCK_PROCESS_CPUTIME_ID)
		return (int)(~0u << 3) | CPUCLOCK_SCHED;
	if (clk == CLOCK_THREAD_CPUTIME_ID)
		return (int)(~0u << 3) | CPUCLOCK_PERTHREAD | CPUCLOCK_SCHED;
	return clk;
}

int clock_get(int clk, struct vdso_timespec *ts)
{
	uint64_t ns;

	if (vdso_clock_is_time_csr(clk)) {
		vdso_clock_from(vdso_data(), clk, timer_now(), ts);
		return 0;
	}
	clk = cpu_clock_id(clk);
	if (clk >= 0 || cpu_clock_ns(clk, &ns))
		return -EINVAL; /* the alarm clocks too: Linux offers them only with an RTC driver
				 */
	from_ns(ns, ts);
	return 0;
}

int clock_getres(int clk, struct vdso_timespec *ts)
{
	struct task_times t;
	int pid;

	if (vdso_clock_is_time_csr(clk)) {
		from_ns(VDSO_CLOCK_RES_NS, ts);
		return 0;
	}
	clk = cpu_clock_id(clk);
	pid = clk < 0 ? cpu_clock_pid(clk) : -EINVAL;
	if (pid < 0 ||
	    ((clk & CPUCLOCK_PERTHREAD) ? task_thread_times(pid, &t) : task_times(pid, false, &t)))
		return -EINVAL;
	/* as Linux's posix_cpu_clock_getres(): the precise clock to the nanosecond, the sampled
	 * ones to a tick */
	from_ns(CPUCLOCK_WHICH(clk) == CPUCLOCK_SCHED ? 1 : VDSO_CLOCK_RES_NS, ts);
	return 0;
}

int clock_nanosleep_checks(int clk)
{
	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_MONOTONIC:
	case CLOCK_BOOTTIME:
	case CLOCK_TAI:
	case CLOCK_PROCESS_CPUTIME_ID:
		return 0;
	case CLOCK_THREAD_CPUTIME_ID:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_REALTIME_ALARM: /* these sleep only with an RTC driver Linux has here */
	case CLOCK_BOOTTIME_ALARM:
		return -EOPNOTSUPP;
	default:
		return clk < 0 ? 0 : -EINVAL;
	}
}

/* @sec s and @nsec ns (below 10^9) in time CSR units, rounded up so that a sleep lasts at
 * least that long, saturated at UINT64_MAX (never) past the CSR's range. */
static uint64_t ticks_ceil(uint64_t sec, uint64_t nsec)
{
	uint64_t hz = vdso_data()->timebase_hz;

	if (sec > (UINT64_MAX - hz) / hz)
		return UINT64_MAX;
	/* nsec * hz fits: both are below 2^32 */
	return sec * hz + (nsec * hz + NSEC_PER_SEC - 1) / NSEC_PER_SEC;
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

/* The time CSR value at which the time-CSR clock @clk reads @ts; 0 for times before the CSR
 * started. */
static uint64_t time_csr_at(int clk, const struct vdso_timespec *ts)
{
	const struct vdso_data *d = vdso_data();
	uint64_t sec = (uint64_t)ts->tv_sec, nsec = (uint64_t)ts->tv_nsec;

	if (clk == CLOCK_REALTIME || clk == CLOCK_TAI) {
		if (sec < d->realtime_sec || (sec == d->realtime_sec && nsec < d->realtime_nsec))
			return 0;
		if (nsec < d->realtime_nsec) {
			nsec += NSEC_PER_SEC;
			sec--;
		}
		sec -= d->realtime_sec;
		nsec -= d->realtime_nsec;
	}
	return ticks_ceil(sec, nsec);
}

uint64_t clock_deadline(int clk, bool abstime, const struct vdso_timespec *ts)
{
	if (abstime)
		return time_csr_at(clk, ts);
	return add_sat(timer_now(), ticks_ceil((uint64_t)ts->tv_sec, (uint64_t)ts->tv_nsec));
}

int clock_deadline_from_user(int clk, bool abstime, uintptr_t uts, uint64_t *deadline)
{
	struct vdso_timespec ts;

	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || (uint64_t)ts.tv_nsec >= NSEC_PER_SEC)
		return -EINVAL;
	*deadline = clock_deadline(clk, abstime, &ts);
	return 0;
}

/*
 * Sleeps until CPU-time clock @clk reaches @ts (or @ts from now), looking once a tick; the end
 * of the task measured ends the sleep. Linux refuses thread clocks, which would measure the
 * sleeper itself; a process clock may be the sleeper's own, and then the sleep never ends.
 */
static int cpu_sleep(int clk, bool abstime, const struct vdso_timespec *ts)
{
	uint64_t want = (uint64_t)ts->tv_sec * NSEC_PER_SEC + (uint64_t)ts->tv_nsec, now;

	if (clk & CPUCLOCK_PERTHREAD)
		return -EINVAL;
	if (cpu_clock_ns(clk, &now))
		return -EINVAL;
	if (!abstime)
		want = add_sat(now, want);
	while (now < want) {
		if (task_sleep_until(timer_deadline(timer_now(), 0, NSEC_PER_SEC / TIMER_HZ)))
			return -EINTR; /* a signal came */
		if (cpu_clock_ns(clk, &now))
			return 0;
	}
	return 0;
}

int clock_nanosleep(int clk, bool abstime, const struct vdso_timespec *ts,
		    struct vdso_timespec *left)
{
	int rc = clock_nanosleep_checks(clk);
	uint64_t when;

	if (rc)
		return rc;
	if (clk < 0 || clk == CLOCK_PROCESS_CPUTIME_ID)
		return cpu_sleep(cpu_clock_id(clk), abstime, ts);
	if (abstime) {
		when = time_csr_at(clk, ts);
		if (when <= timer_now())
			return 0;
	} else {
		when =
		    add_sat(timer_now(), ticks_ceil((uint64_t)ts->tv_sec, (uint64_t)ts->tv_nsec));
	}
	if (task_sleep_until(when) == 0)
		return 0;
	/* a signal cut it short: what was left of a relative sleep, for rem */
	if (!abstime && left) {
		uint64_t rest = when - timer_now(), hz = vdso_data()->timebase_hz;

		left->tv_sec = (int64_t)(rest / hz);
		left->tv_nsec = (int64_t)((rest % hz) * NSEC_PER_SEC / hz);
	}
	return -EINTR;
}
