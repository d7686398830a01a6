/* Trap tests of time and randomness: every clock Linux has, with its resolution and errors;
 * sleeps that sleep, relative and absolute; CPU time that follows running, not sleeping;
 * getrandom; and the vDSO, whose clocks must answer without entering the kernel. */
#include "fl_vdso.h"
#include "t.h"

#define EOPNOTSUPP 95
#define NSEC	   1000000000l
#define MSEC	   1000000l
#define RES_NS	   4000000l    /* Linux 6.1's answer here: one tick at HZ=250 */
#define Y2024	   1704067200l /* 2024-01-01 00:00:00 UTC */

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
#define TIMER_ABSTIME		 1
/* CPU-time clocks of a pid, as glibc's clock_getcpuclockid() makes them */
#define PROCESS_CLOCK(pid, which) ((int)((~(unsigned)(pid)) << 3) | (which))
#define THREAD_CLOCK(pid, which)  (PROCESS_CLOCK(pid, which) | 4)
#define CPUCLOCK_PROF		  0
#define CPUCLOCK_VIRT		  1
#define CPUCLOCK_SCHED		  2

#define GRND_NONBLOCK 1
#define GRND_RANDOM   2
#define GRND_INSECURE 4

struct ts {
	long sec, nsec;
};

struct tv {
	long sec, usec;
};

struct k_rusage {
	long utime[2], stime[2];
	long maxrss, ixrss, idrss, isrss, minflt, majflt, nswap, inblock, oublock, msgsnd, msgrcv,
	    nsignals, nvcsw, nivcsw;
};

typedef int (*vdso_clock_fn)(int clk, struct ts *ts);
typedef int (*vdso_tod_fn)(struct tv *tv, void *tz);

static long sc(long nr, long a0, long a1, long a2, long a3)
{
	return fl_syscall(nr, a0, a1, a2, a3, 0, 0);
}

static long ns_of(struct ts t)
{
	return t.sec * NSEC + t.nsec;
}

static long clock_ns(int clk)
{
	struct ts t = { -1, -1 };

	if (sc(SYS_clock_gettime, clk, (long)&t, 0, 0))
		return -1;
	return ns_of(t);
}

static long sleep_rel(int clk, long ns)
{
	struct ts t = { ns / NSEC, ns % NSEC };

	return sc(SYS_clock_nanosleep, clk, 0, (long)&t, 0);
}

/* Runs on the CPU (no system call) until the monotonic clock has moved @ns. */
static void spin_for(long ns)
{
	long end = clock_ns(CLOCK_MONOTONIC) + ns;

	while (clock_ns(CLOCK_MONOTONIC) < end)
		for (volatile int i = 0; i < 1000; i++)
			;
}

static long usage_ns(int who)
{
	struct k_rusage ru;

	if (sc(SYS_getrusage, who, (long)&ru, 0, 0))
		return -1;
	return (ru.utime[0] + ru.stime[0]) * NSEC + (ru.utime[1] + ru.stime[1]) * 1000;
}

static void store_through_vdso_clock(void)
{
	vdso_clock_fn f = (vdso_clock_fn)fl_vdso_sym("__vdso_clock_gettime");

	f(CLOCK_MONOTONIC, (struct ts *)8); /* a store to 0x8, from the vDSO's code */
}

static void write_the_clock_page(void)
{
	*(volatile long *)(fl_getauxval(33) - PAGE) = 1;
}

/* Spins until its own CPU time has grown 20 ms: with other tasks sharing the hart, a wall
 * clock stretch of 20 ms can hold less of it. */
static void spin_20ms(void)
{
	long start = usage_ns(0);

	while (usage_ns(0) - start < 20 * MSEC)
		spin_for(MSEC);
}

int main(void)
{
	const unsigned char elf_magic[4] = { 0x7f, 'E', 'L', 'F' };
	vdso_clock_fn v_gettime = (vdso_clock_fn)fl_vdso_sym("__vdso_clock_gettime");
	vdso_clock_fn v_getres = (vdso_clock_fn)fl_vdso_sym("__vdso_clock_getres");
	vdso_tod_fn v_tod = (vdso_tod_fn)fl_vdso_sym("__vdso_gettimeofday");
	struct ts t, u;
	int status;

	CASE(every_linux_clock_reads_or_is_einval_as_on_linux)
	{
		static const int ok[] = { 0, 1, 2, 3, 4, 5, 6, 7, 11 };
		static const int bad[] = { 8, 9, 10, 12, 16, -1, PROCESS_CLOCK(0, 3) };

		for (unsigned i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
			t = (struct ts){ -1, -1 };
			CHECK_EQ(sc(SYS_clock_gettime, ok[i], (long)&t, 0, 0), 0);
			CHECK(t.sec >= 0 && t.nsec >= 0 && t.nsec < NSEC);
		}
		for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			CHECK_EQ(sc(SYS_clock_gettime, bad[i], (long)&t, 0, 0), -EINVAL);
		/* the clock is checked before the pointer; a bad pointer is EFAULT */
		CHECK_EQ(sc(SYS_clock_gettime, 8, 0, 0, 0), -EINVAL);
		CHECK_EQ(sc(SYS_clock_gettime, CLOCK_MONOTONIC, 0, 0, 0), -EFAULT);
		CHECK_EQ(sc(SYS_clock_gettime, CLOCK_PROCESS_CPUTIME_ID, 8, 0, 0), -EFAULT);
		/* the id is an int: the upper half of the register is not looked at */
		CHECK_EQ(sc(SYS_clock_gettime, (1l << 32) | CLOCK_MONOTONIC, (long)&t, 0, 0), 0);
	}

	CASE(clock_getres_answers_as_linux_6_1_here)
	{
		static const int tick[] = { 0, 1, 4, 5, 6, 7, 11 };

		for (unsigned i = 0; i < sizeof(tick) / sizeof(tick[0]); i++) {
			t = (struct ts){ -1, -1 };
			CHECK_EQ(sc(SYS_clock_getres, tick[i], (long)&t, 0, 0), 0);
			CHECK(t.sec == 0 && t.nsec == RES_NS);
		}
		CHECK_EQ(sc(SYS_clock_getres, CLOCK_PROCESS_CPUTIME_ID, (long)&t, 0, 0), 0);
		CHECK(t.sec == 0 && t.nsec == 1);
		CHECK_EQ(sc(SYS_clock_getres, CLOCK_THREAD_CPUTIME_ID, (long)&t, 0, 0), 0);
		CHECK(t.sec == 0 && t.nsec == 1);
		CHECK_EQ(sc(SYS_clock_getres, PROCESS_CLOCK(0, CPUCLOCK_PROF), (long)&t, 0, 0), 0);
		CHECK_EQ(t.nsec, RES_NS);
		CHECK_EQ(sc(SYS_clock_getres, CLOCK_MONOTONIC, 0, 0, 0), 0); /* NULL is allowed */
		CHECK_EQ(sc(SYS_clock_getres, CLOCK_MONOTONIC, 8, 0, 0), -EFAULT);
		CHECK_EQ(sc(SYS_clock_getres, CLOCK_REALTIME_ALARM, (long)&t, 0, 0), -EINVAL);
		CHECK_EQ(sc(SYS_clock_getres, 10, 0, 0, 0), -EINVAL);
		CHECK_EQ(sc(SYS_clock_getres, PROCESS_CLOCK(99999, CPUCLOCK_SCHED), 0, 0, 0),
			 -EINVAL);
	}

	CASE(monotonic_clocks_never_go_back_and_coarse_ones_step_by_their_resolution)
	{
		static const int clocks[] = { 1, 4, 6, 7, 0, 5, 11 };

		for (unsigned c = 0; c < sizeof(clocks) / sizeof(clocks[0]); c++) {
			long last = clock_ns(clocks[c]), bad = 0;

			for (int i = 0; i < 2000; i++) {
				long now = i & 1 ? clock_ns(clocks[c])
						 : (v_gettime(clocks[c], &t), ns_of(t));

				bad += now < last;
				last = now;
			}
			CHECK_EQ(bad, 0);
		}
		CHECK_EQ(clock_ns(CLOCK_MONOTONIC_COARSE) % RES_NS, 0);
		CHECK(clock_ns(CLOCK_MONOTONIC_COARSE) <= clock_ns(CLOCK_MONOTONIC));
		CHECK(clock_ns(CLOCK_REALTIME_COARSE) <= clock_ns(CLOCK_REALTIME));
		CHECK(clock_ns(CLOCK_MONOTONIC) - clock_ns(CLOCK_MONOTONIC_COARSE) < 2 * RES_NS);
	}

	CASE(realtime_is_a_date_after_2024_with_an_rtc_or_counts_from_boot_without)
	{
		long real = clock_ns(CLOCK_REALTIME) / NSEC,
		     mono = clock_ns(CLOCK_MONOTONIC) / NSEC;

		/* the machines without an RTC (sifive_u, spike) start realtime at 0 */
		CHECK(real > Y2024 || (real >= mono - 1 && real <= mono + 1));
		CHECK(clock_ns(CLOCK_TAI) >= clock_ns(CLOCK_REALTIME) - MSEC);
		printf("    realtime %ld s, monotonic %ld s\n", real, mono);
	}

	CASE(gettimeofday_gives_realtime_in_microseconds_and_a_zero_zone)
	{
		struct tv v = { -1, -1 };
		int tz[2] = { -1, -1 };
		long before = clock_ns(CLOCK_REALTIME) / 1000, at, after;

		CHECK_EQ(sc(SYS_gettimeofday, (long)&v, (long)tz, 0, 0), 0);
		after = clock_ns(CLOCK_REALTIME) / 1000;
		at = v.sec * 1000000 + v.usec;
		CHECK(v.usec >= 0 && v.usec < 1000000);
		CHECK(at >= before && at <= after);
		CHECK(tz[0] == 0 && tz[1] == 0);
		CHECK_EQ(sc(SYS_gettimeofday, 0, 0, 0, 0), 0);
		CHECK_EQ(sc(SYS_gettimeofday, 8, 0, 0, 0), -EFAULT);
		CHECK_EQ(sc(SYS_gettimeofday, (long)&v, 8, 0, 0), -EFAULT);
	}

	CASE(relative_sleeps_last_at_least_what_was_asked_and_not_a_tick_more)
	{
		static const int clocks[] = { CLOCK_MONOTONIC, CLOCK_REALTIME, CLOCK_BOOTTIME,
					      CLOCK_TAI };

		for (unsigned c = 0; c < sizeof(clocks) / sizeof(clocks[0]); c++) {
			long a = clock_ns(CLOCK_MONOTONIC), took;

			CHECK_EQ(sleep_rel(clocks[c], 3 * MSEC + 123457), 0);
			took = clock_ns(CLOCK_MONOTONIC) - a;
			CHECK(took >= 3 * MSEC + 123457);
			/* woken at its time, not at the next 10 ms tick (slack for a loaded host)
			 */
			CHECK(took < 3 * MSEC + 123457 + 50 * MSEC);
		}
		{
			struct ts req = { 0, 2 * MSEC };
			long a = clock_ns(CLOCK_MONOTONIC);

			CHECK_EQ(sc(SYS_nanosleep, (long)&req, 0, 0, 0), 0);
			CHECK(clock_ns(CLOCK_MONOTONIC) - a >= 2 * MSEC);
		}
	}

	/* woken at the 10 ms ticks instead, ten 1 ms sleeps would take about 100 ms */
	CASE(short_sleeps_end_on_time_not_at_the_next_tick)
	{
		long a = clock_ns(CLOCK_MONOTONIC), took;

		for (int i = 0; i < 10; i++)
			CHECK_EQ(sleep_rel(CLOCK_MONOTONIC, MSEC), 0);
		took = clock_ns(CLOCK_MONOTONIC) - a;
		CHECK(took >= 10 * MSEC);
		/* sleeps that each waited for a 10 ms tick would take 90 ms or more; a loaded host
		 * with more harts than cores may stall a wake-up by a few ms */
		CHECK(took < 80 * MSEC);
	}

	CASE(absolute_sleeps_wake_when_their_clock_reaches_the_time)
	{
		static const int clocks[] = { CLOCK_MONOTONIC, CLOCK_REALTIME, CLOCK_BOOTTIME };

		for (unsigned c = 0; c < sizeof(clocks) / sizeof(clocks[0]); c++) {
			long target = clock_ns(clocks[c]) + 5 * MSEC + 77;
			struct ts at = { target / NSEC, target % NSEC };

			CHECK_EQ(sc(SYS_clock_nanosleep, clocks[c], TIMER_ABSTIME, (long)&at, 0),
				 0);
			CHECK(clock_ns(clocks[c]) >= target);
		}
		/* a time already past returns at once */
		t = (struct ts){ 0, 1 };
		CHECK_EQ(sc(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, (long)&t, 0), 0);
		CHECK_EQ(sc(SYS_clock_nanosleep, CLOCK_REALTIME, TIMER_ABSTIME, (long)&t, 0), 0);
		/* flags other than TIMER_ABSTIME are ignored; rem is not written without a signal
		 */
		t = (struct ts){ 0, 1000 };
		CHECK_EQ(sc(SYS_clock_nanosleep, CLOCK_MONOTONIC, 2, (long)&t, 8), 0);
	}

	CASE(clock_nanosleep_refuses_as_linux_does)
	{
		static const int unsupported[] = { CLOCK_THREAD_CPUTIME_ID, CLOCK_MONOTONIC_RAW,
						   CLOCK_REALTIME_COARSE,   CLOCK_MONOTONIC_COARSE,
						   CLOCK_REALTIME_ALARM,    CLOCK_BOOTTIME_ALARM };
		struct ts ok = { 0, 1000 }, bad[] = { { 0, NSEC }, { 0, -1 }, { -1, 0 } };

		for (unsigned i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++)
			CHECK_EQ(sc(SYS_clock_nanosleep, unsupported[i], 0, 0, 0), -EOPNOTSUPP);
		CHECK_EQ(sc(SYS_clock_nanosleep, 10, 0, (long)&ok, 0), -EINVAL);
		CHECK_EQ(sc(SYS_clock_nanosleep, 100, 0, 0, 0), -EINVAL);
		for (unsigned i = 0; i < 3; i++) {
			CHECK_EQ(sc(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, (long)&bad[i], 0),
				 -EINVAL);
			CHECK_EQ(sc(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME,
				    (long)&bad[i], 0),
				 -EINVAL);
			CHECK_EQ(sc(SYS_nanosleep, (long)&bad[i], 0, 0, 0), -EINVAL);
		}
		CHECK_EQ(sc(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, 0, 0), -EFAULT);
		/* CPU-time clocks: a thread's is refused after the request is read; the process's
		 * own, already past, returns at once */
		CHECK_EQ(sc(SYS_clock_nanosleep, THREAD_CLOCK(0, CPUCLOCK_SCHED), 0, (long)&ok, 0),
			 -EINVAL);
		CHECK_EQ(sc(SYS_clock_nanosleep, THREAD_CLOCK(0, CPUCLOCK_SCHED), 0, 0, 0),
			 -EFAULT);
		CHECK_EQ(
		    sc(SYS_clock_nanosleep, CLOCK_PROCESS_CPUTIME_ID, TIMER_ABSTIME, (long)&ok, 0),
		    0);
		CHECK_EQ(sc(SYS_clock_nanosleep, PROCESS_CLOCK(0, CPUCLOCK_SCHED), TIMER_ABSTIME,
			    (long)&ok, 0),
			 0);
	}

	CASE(cpu_time_grows_while_spinning_and_not_while_sleeping)
	{
		long c0 = clock_ns(CLOCK_PROCESS_CPUTIME_ID), c1, c2, th;

		/* spin until 25 ms of CPU time or 2 s have passed: with more tasks than harts the
		 * spinner shares its hart, so wall time alone says nothing of its share */
		for (int i = 0; i < 200; i++) {
			spin_for(10 * MSEC);
			c1 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
			if (c1 - c0 >= 25 * MSEC)
				break;
		}
		CHECK(c1 - c0 >= 25 * MSEC);
		/* QEMU's clock is the host's: a loaded host may stall the task a few ms even in a
		 * short stretch of running, so the bound is a quarter of the sleep */
		CHECK_EQ(sleep_rel(CLOCK_MONOTONIC, 100 * MSEC), 0);
		c2 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
		CHECK(c2 - c1 < 25 * MSEC);
		/* the thread's clock and the pid-named clocks are the same task's */
		th = clock_ns(CLOCK_THREAD_CPUTIME_ID);
		CHECK(th >= c2 && th - c2 < 25 * MSEC);
		CHECK(clock_ns(PROCESS_CLOCK(0, CPUCLOCK_SCHED)) >= th);
		CHECK(clock_ns(PROCESS_CLOCK(sc(SYS_getpid, 0, 0, 0, 0), CPUCLOCK_SCHED)) >= th);
		CHECK(clock_ns(PROCESS_CLOCK(0, CPUCLOCK_VIRT)) <= clock_ns(PROCESS_CLOCK(0, 0)));
		CHECK_EQ(clock_ns(PROCESS_CLOCK(99999, CPUCLOCK_SCHED)), -1);
		CHECK_EQ(clock_ns(THREAD_CLOCK(sc(SYS_getppid, 0, 0, 0, 0) + 100, CPUCLOCK_SCHED)),
			 -1);
		/* getrusage splits the same run time into user and system time */
		CHECK(usage_ns(0) >= c2 && usage_ns(0) <= clock_ns(CLOCK_PROCESS_CPUTIME_ID));
	}

	/* The kernel runs with interrupts masked: a tick that falls in a system call is taken
	 * right after it and must count as system time, as Linux counts it */
	CASE(time_spent_in_system_calls_counts_as_system_time)
	{
		struct k_rusage ru;
		long end = clock_ns(CLOCK_MONOTONIC) + 100 * MSEC;

		while (clock_ns(CLOCK_MONOTONIC) < end)
			for (int i = 0; i < 100; i++)
				sc(SYS_getppid, 0, 0, 0, 0);
		CHECK_EQ(sc(SYS_getrusage, 0, (long)&ru, 0, 0), 0);
		CHECK(ru.stime[0] * NSEC + ru.stime[1] * 1000 > 0);
		printf("    user %ld.%06ld s, system %ld.%06ld s\n", ru.utime[0], ru.utime[1],
		       ru.stime[0], ru.stime[1]);
	}

	CASE(wait4_and_getrusage_report_a_childs_cpu_time)
	{
		struct k_rusage ru;
		long before = usage_ns(-1), pid;

		printf("    (child spins 20 ms)\n");
		pid = fl_fork();
		if (pid == 0) {
			spin_20ms();
			fl_exit(0);
		}
		CHECK(pid > 0);
		CHECK_EQ(sc(SYS_wait4, pid, (long)&status, 0, (long)&ru), pid);
		CHECK((ru.utime[0] + ru.stime[0]) * NSEC + (ru.utime[1] + ru.stime[1]) * 1000 >=
		      15 * MSEC);
		CHECK(usage_ns(-1) - before >= 15 * MSEC);
	}

	CASE(getrandom_gives_distinct_bytes_for_every_flag_linux_accepts)
	{
		unsigned char a[64], b[64];
		static const int flags[] = { 0, GRND_NONBLOCK, GRND_RANDOM,
					     GRND_RANDOM | GRND_NONBLOCK, GRND_INSECURE };
		int ones = 0;

		for (unsigned i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
			memset(a, 0, sizeof(a));
			memset(b, 0, sizeof(b));
			CHECK_EQ(sc(SYS_getrandom, (long)a, sizeof(a), flags[i], 0), sizeof(a));
			CHECK_EQ(sc(SYS_getrandom, (long)b, sizeof(b), flags[i], 0), sizeof(b));
			CHECK(memcmp(a, b, sizeof(a)) != 0);
		}
		for (unsigned i = 0; i < sizeof(a); i++)
			for (int bit = 0; bit < 8; bit++)
				ones += a[i] >> bit & 1;
		CHECK(ones > 160 && ones < 352); /* 512 bits: 256 expected, 8 sigma either way */
		CHECK_EQ(sc(SYS_getrandom, (long)a, 0, 0, 0), 0);
		CHECK_EQ(sc(SYS_getrandom, 0, 0, 0, 0), 0);
	}

	CASE(getrandom_refuses_bad_flags_and_buffers_and_counts_partial_copies)
	{
		unsigned char a[16];
		unsigned char *p = fl_mmap(0, 2 * PAGE, RW, ANON);

		CHECK_EQ(sc(SYS_getrandom, (long)a, sizeof(a), 8, 0), -EINVAL);
		CHECK_EQ(sc(SYS_getrandom, (long)a, sizeof(a), GRND_RANDOM | GRND_INSECURE, 0),
			 -EINVAL);
		CHECK_EQ(sc(SYS_getrandom, 8, 16, 0, 0), -EFAULT);
		CHECK_EQ(sc(SYS_getrandom, (long)a, -1, 0, 0), -EFAULT);
		CHECK_EQ(sc(SYS_getrandom, (long)0xffffffff80000000ul, 16, 0, 0), -EFAULT);
		CHECK_EQ(fl_munmap(p + PAGE, PAGE), 0);
		CHECK_EQ(sc(SYS_getrandom, (long)(p + PAGE - 10), 100, 0, 0), 10);
		CHECK_EQ(sc(SYS_getrandom, (long)(p + PAGE - 3), 100, 0, 0), 3);
		CHECK_EQ(sc(SYS_getrandom, (long)p, 8000, 0, 0), PAGE);
		CHECK_EQ(sc(SYS_getrandom, (long)(p + PAGE), 16, 0, 0), -EFAULT);
		fl_munmap(p, PAGE);
	}

	CASE(vdso_is_an_elf_at_at_sysinfo_ehdr_with_linux_s_functions)
	{
		unsigned long base = fl_getauxval(33);
		const uint32_t *sigret = fl_vdso_sym("__vdso_rt_sigreturn");

		CHECK(base != 0 && base % PAGE == 0);
		CHECK(base && memcmp((const void *)base, elf_magic, 4) == 0);
		CHECK(v_gettime && v_getres && v_tod && sigret);
		/* the trampoline is li a7, 139 (rt_sigreturn); ecall */
		CHECK(sigret && sigret[0] == 0x08b00893 && sigret[1] == 0x00000073);
		CHECK(fl_vdso_sym("__vdso_no_such_function") == NULL);
	}

	CASE(vdso_clocks_agree_with_the_system_calls)
	{
		if (!v_gettime || !v_getres || !v_tod)
			CHECK(0);
		else {
			static const int clocks[] = { 0, 1, 4, 7, 11 };
			struct tv v;

			for (unsigned c = 0; c < sizeof(clocks) / sizeof(clocks[0]); c++) {
				long a = clock_ns(clocks[c]), b;

				CHECK_EQ(v_gettime(clocks[c], &t), 0);
				b = clock_ns(clocks[c]);
				CHECK(ns_of(t) >= a && ns_of(t) <= b);
				CHECK_EQ(v_getres(clocks[c], &u), 0);
				CHECK(u.sec == 0 && u.nsec == RES_NS);
			}
			/* what the vDSO cannot serve goes to the kernel: CPU time, errors */
			CHECK_EQ(v_gettime(CLOCK_PROCESS_CPUTIME_ID, &t), 0);
			CHECK(ns_of(t) > 0 && ns_of(t) <= clock_ns(CLOCK_PROCESS_CPUTIME_ID));
			CHECK_EQ(v_gettime(CLOCK_PROCESS_CPUTIME_ID, (struct ts *)8), -EFAULT);
			CHECK_EQ(v_gettime(CLOCK_REALTIME_ALARM, &t), -EINVAL);
			CHECK_EQ(v_gettime(-1, &t), -EINVAL);
			CHECK_EQ(v_getres(CLOCK_THREAD_CPUTIME_ID, &u), 0);
			CHECK_EQ(u.nsec, 1);
			CHECK_EQ(v_getres(12, &u), -EINVAL);
			CHECK_EQ(v_getres(CLOCK_MONOTONIC, 0), 0);
			CHECK_EQ(v_tod(&v, 0), 0);
			CHECK(v.sec * 1000000 + v.usec <= clock_ns(CLOCK_REALTIME) / 1000);
		}
	}

	/* A trap would turn the bad pointer into -EFAULT; the vDSO stores in U-mode and faults */
	CASE(vdso_serves_monotonic_without_entering_the_kernel)
	{
		status = in_child(
		    store_through_vdso_clock, "vdso_serves_monotonic_without_entering_the_kernel",
		    "killed: store page fault at 0x8 \\(pc 0x3fff70[0-9a-f]+\\): no mapping");
		CHECK(FL_WIFSIGNALED(status) && FL_WTERMSIG(status) == SIGSEGV);
	}

	CASE(vdso_clock_page_is_read_only)
	{
		status = in_child(
		    write_the_clock_page, "vdso_clock_page_is_read_only",
		    "killed: store page fault at 0x3fff6ff[0-9a-f]+ .*: permission denied");
		CHECK(FL_WIFSIGNALED(status) && FL_WTERMSIG(status) == SIGSEGV);
	}

	CASE(vdso_survives_fork_in_the_child)
	{
		long pid = fl_fork();

		if (pid == 0)
			fl_exit(v_gettime && v_gettime(CLOCK_MONOTONIC, &t) == 0 && ns_of(t) > 0
				    ? 7
				    : 1);
		CHECK_EQ(fl_wait(pid, &status), pid);
		CHECK(FL_WIFEXITED(status) && FL_WEXITSTATUS(status) == 7);
	}

	printf("time: %d passed, %d failed\n", t_passed, t_failed);
	return t_finish();
}
