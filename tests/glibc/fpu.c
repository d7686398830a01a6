/* Floating-point registers belong to each process: values kept in registers across
 * sched_yield, timer preemption and fork stay the process's own. */
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

/* Keeps @seed-derived values in fs0-fs3 (callee-saved: the compiler keeps them in
 * registers across calls) through yields and a busy loop; returns the rounds that went wrong. */
static int keep_values(double seed, int rounds)
{
	register double a __asm__("fs0") = seed * 3.0;
	register double b __asm__("fs1") = seed + 0.25;
	register double c __asm__("fs2") = seed / 7.0;
	register double d __asm__("fs3") = -seed;
	int bad = 0;

	for (int i = 0; i < rounds; i++) {
		sched_yield();
		for (volatile int j = 0; j < 200000; j++)
			;
		__asm__ volatile("" : "+f"(a), "+f"(b), "+f"(c), "+f"(d));
		bad += a != seed * 3.0 || b != seed + 0.25 || c != seed / 7.0 || d != -seed;
	}
	return bad;
}

int main(void)
{
	CASE(fp_registers_stay_each_processs_own_across_yield_preemption_and_fork)
	{
		pid_t pid = fork();
		int status = -1;

		if (pid == 0)
			_exit(keep_values(2.5 + getpid(), 20) ? 1 : 0);
		CHECK(pid > 0);
		CHECK_EQ(keep_values(1000.125, 20), 0);
		CHECK_EQ(waitpid(pid, &status, 0), pid);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	return check_finish();
}
