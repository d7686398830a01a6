/* Time and randomness as static glibc uses them: time(), clock(), the sleeps, clock_getres,
 * gettimeofday, getrusage's CPU times, getrandom and getentropy, and glibc's use of the vDSO
 * it finds at AT_SYSINFO_EHDR. Passes on Linux 6.1 under the same QEMU as on faultline. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#define NSEC  1000000000ll
#define MSEC  1000000ll
#define Y2024 1704067200ll /* 2024-01-01 00:00:00 UTC */

static long long ns(clockid_t clk)
{
	struct timespec ts;

	if (clock_gettime(clk, &ts))
		return -1;
	return ts.tv_sec * NSEC + ts.tv_nsec;
}

static void spin(long long how_long)
{
	long long end = ns(CLOCK_MONOTONIC) + how_long;

	while (ns(CLOCK_MONOTONIC) < end)
		for (volatile int i = 0; i < 1000; i++)
			;
}

/* The child's fate when it calls clock_gettime(@clk) with a pointer to nothing. */
static int bad_pointer_status(clockid_t clk)
{
	int status = -1;
	pid_t pid = fork();

	if (pid == 0) {
		int rc = clock_gettime(clk, (struct timespec *)8);

		_exit(rc == -1 && errno == EFAULT ? 3 : 4);
	}
	waitpid(pid, &status, 0);
	return status;
}

int main(void)
{
	CASE(time_is_a_date_with_an_rtc_and_counts_from_boot_without)
	{
		time_t t = time(NULL);
		long long mono = ns(CLOCK_MONOTONIC) / NSEC;

		CHECK(t > Y2024 || (t >= mono - 1 && t <= mono + 1));
		CHECK(ns(CLOCK_REALTIME) / NSEC >= t);
	}

	CASE(clock_counts_cpu_time_that_grows_while_spinning_not_sleeping)
	{
		clock_t c0 = clock(), c1, c2;

		CHECK(c0 != (clock_t)-1);
		spin(30 * MSEC);
		c1 = clock();
		CHECK(c1 - c0 >= 25000); /* CLOCKS_PER_SEC is 10^6 */
		/* QEMU's clock is the host's: a loaded host may stall the task a few ms even in a
		 * short stretch of running, so the bound is a quarter of the sleep */
		usleep(100000);
		c2 = clock();
		CHECK(c2 - c1 < 25000);
	}

	CASE(sleep_usleep_nanosleep_and_clock_nanosleep_sleep)
	{
		long long a = ns(CLOCK_MONOTONIC);
		struct timespec req = { 0, 15 * MSEC }, at;

		CHECK_EQ(usleep(20000), 0);
		CHECK(ns(CLOCK_MONOTONIC) - a >= 20 * MSEC);
		a = ns(CLOCK_MONOTONIC);
		CHECK_EQ(nanosleep(&req, NULL), 0);
		CHECK(ns(CLOCK_MONOTONIC) - a >= 15 * MSEC);
		a = ns(CLOCK_MONOTONIC);
		CHECK_EQ(sleep(1), 0);
		CHECK(ns(CLOCK_MONOTONIC) - a >= NSEC);
		a = ns(CLOCK_REALTIME) + 10 * MSEC;
		at.tv_sec = a / NSEC;
		at.tv_nsec = a % NSEC;
		CHECK_EQ(clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &at, NULL), 0);
		CHECK(ns(CLOCK_REALTIME) >= a);
		/* glibc returns the error number itself */
		req.tv_nsec = NSEC;
		CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL), EINVAL);
		CHECK_EQ(clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &req, NULL), EINVAL);
		CHECK_EQ(nanosleep(&req, NULL), -1);
		CHECK_EQ(errno, EINVAL);
	}

	CASE(clock_getres_is_a_tick_for_wall_clocks_and_a_nanosecond_for_cpu_time)
	{
		struct timespec r;

		CHECK_EQ(clock_getres(CLOCK_MONOTONIC, &r), 0);
		CHECK(r.tv_sec == 0 && r.tv_nsec == 4 * MSEC);
		CHECK_EQ(clock_getres(CLOCK_REALTIME_COARSE, &r), 0);
		CHECK(r.tv_sec == 0 && r.tv_nsec == 4 * MSEC);
		CHECK_EQ(clock_getres(CLOCK_PROCESS_CPUTIME_ID, &r), 0);
		CHECK(r.tv_sec == 0 && r.tv_nsec == 1);
		CHECK_EQ(clock_getres(CLOCK_REALTIME_ALARM, &r), -1);
		CHECK_EQ(errno, EINVAL);
	}

	CASE(gettimeofday_agrees_with_clock_gettime)
	{
		struct timeval tv;
		long long before = ns(CLOCK_REALTIME) / 1000, at;

		CHECK_EQ(gettimeofday(&tv, NULL), 0);
		at = tv.tv_sec * 1000000ll + tv.tv_usec;
		CHECK(at >= before && at <= ns(CLOCK_REALTIME) / 1000);
	}

	CASE(getrusage_splits_the_cpu_time_of_self_and_children)
	{
		struct rusage self, kids;
		int status;
		pid_t pid = fork();

		if (pid == 0) {
			/* 20 ms of its own CPU time (within 2 s): with more tasks than harts, wall
			 * time says nothing of the child's share */
			long long end = ns(CLOCK_MONOTONIC) + 2000 * MSEC;

			while (ns(CLOCK_PROCESS_CPUTIME_ID) < 20 * MSEC &&
			       ns(CLOCK_MONOTONIC) < end)
				spin(MSEC);
			_exit(0);
		}
		waitpid(pid, &status, 0);
		CHECK_EQ(getrusage(RUSAGE_SELF, &self), 0);
		CHECK_EQ(getrusage(RUSAGE_CHILDREN, &kids), 0);
		CHECK(self.ru_utime.tv_sec + self.ru_stime.tv_sec + self.ru_utime.tv_usec +
			  self.ru_stime.tv_usec >
		      0);
		CHECK((kids.ru_utime.tv_sec + kids.ru_stime.tv_sec) * 1000000ll +
			  kids.ru_utime.tv_usec + kids.ru_stime.tv_usec >=
		      15000);
	}

	CASE(getrandom_and_getentropy_give_fresh_bytes)
	{
		unsigned char a[32], b[32];
		void *volatile nowhere = (void *)8; /* hidden from the compiler's bounds checks */

		CHECK_EQ(getrandom(a, sizeof(a), 0), sizeof(a));
		CHECK_EQ(getrandom(b, sizeof(b), GRND_NONBLOCK), sizeof(b));
		CHECK(memcmp(a, b, sizeof(a)) != 0);
		CHECK_EQ(getentropy(a, sizeof(a)), 0);
		CHECK(memcmp(a, b, sizeof(a)) != 0);
		CHECK_EQ(getrandom(a, sizeof(a), 0x40), -1);
		CHECK_EQ(errno, EINVAL);
		CHECK_EQ(getrandom(nowhere, 16, 0), -1);
		CHECK_EQ(errno, EFAULT);
	}

	/* glibc calls the vDSO for MONOTONIC: a bad pointer is a store fault in user mode, as on
	 * Linux; CPU-time clocks go to the kernel, which answers EFAULT */
	CASE(glibc_reads_monotonic_through_the_vdso_at_at_sysinfo_ehdr)
	{
		int status = bad_pointer_status(CLOCK_MONOTONIC);

		CHECK(getauxval(AT_SYSINFO_EHDR) != 0);
		CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
		status = bad_pointer_status(CLOCK_PROCESS_CPUTIME_ID);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 3);
	}

	return check_finish();
}
