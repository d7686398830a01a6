/* Windows of known content between insncount markers, so a test can check the plugin: on
 * each CPU in turn, marker 1, then `li` and 1000 rounds of `addi; bnez` (2001 instructions),
 * then marker 2, so the log's delta on that hart is 2002 (marker 1 counts); then, between
 * markers 3 and 4, a short sleep, which takes the kernel into the SBI (set_timer). */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <time.h>

int main(void)
{
	struct timespec ms = { 0, 1000000 };
	cpu_set_t all, one;
	unsigned long n;

	if (sched_getaffinity(0, sizeof(all), &all))
		return 1;
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &all))
			continue;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		if (sched_setaffinity(0, sizeof(one), &one))
			return 1;
		__asm__ volatile("slti zero, zero, 1\n"
				 "li %0, 1000\n"
				 "1: addi %0, %0, -1\n"
				 "bnez %0, 1b\n"
				 "slti zero, zero, 2\n"
				 : "=r"(n));
	}
	__asm__ volatile("slti zero, zero, 3" ::: "memory");
	nanosleep(&ms, NULL);
	__asm__ volatile("slti zero, zero, 4" ::: "memory");
	printf("insnloop: done on %d cpus\n", CPU_COUNT(&all));
	return 0;
}
