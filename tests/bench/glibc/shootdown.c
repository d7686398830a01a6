/* What a shootdown costs: mprotect, munmap and copy-on-write in a process whose other threads
 * have run on the other harts (and now wait in futexes), against the same loop before they
 * existed (no other hart to flush). Prints per operation the time CSR delta times 100, which
 * under QEMU -icount shift=0 is every hart's instructions together, and nanoseconds of
 * CLOCK_MONOTONIC (the figure to read without -icount). Built by hand with Debian's
 * riscv64-linux-gnu-gcc -static; boot it with -smp 4. */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE	4096ul
#define HELPERS 3
#define COW_MAX 4096

static atomic_int parked, done;

static uint64_t rdtime(void)
{
	uint64_t t;

	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static char *buf;

static void *helper(void *arg)
{
	pin((int)(long)arg);
	buf[(long)arg * PAGE] = 1; /* this hart now caches the space's translations */
	atomic_fetch_add(&parked, 1);
	while (!atomic_load(&done))
		syscall(SYS_futex, &done, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
	return NULL;
}

struct cost {
	double insns, ns;
};

static struct cost op_mprotect(int n)
{
	char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t t0, n0;

	*p = 1;
	t0 = rdtime();
	n0 = now_ns();
	for (int i = 0; i < n; i++) {
		mprotect(p, PAGE, PROT_READ); /* takes a right away: a shootdown */
		mprotect(p, PAGE, PROT_READ | PROT_WRITE);
	}
	struct cost c = { (double)(rdtime() - t0) * 100 / n, (double)(now_ns() - n0) / n };
	munmap(p, PAGE);
	return c;
}

static struct cost op_munmap(int n)
{
	uint64_t t0 = rdtime(), n0 = now_ns();

	for (int i = 0; i < n; i++) {
		char *p =
		    mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		*p = 1;
		munmap(p, PAGE); /* a shootdown */
	}
	return (struct cost){ (double)(rdtime() - t0) * 100 / n, (double)(now_ns() - n0) / n };
}

/* Writes to pages a child shares: each is a COW copy, which replaces a mapping */
static struct cost op_cow(int n)
{
	char *p = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t t0, n0;
	struct cost c;
	pid_t pid;

	for (int i = 0; i < n; i++)
		p[i * PAGE] = 1;
	pid = fork();
	if (pid == 0) {
		for (;;)
			pause(); /* keeps sharing the pages until it is killed */
	}
	usleep(20000); /* the child runs, on this hart, and reaches its pause */
	t0 = rdtime();
	n0 = now_ns();
	for (int i = 0; i < n; i++)
		p[i * PAGE] = 2;
	c = (struct cost){ (double)(rdtime() - t0) * 100 / n, (double)(now_ns() - n0) / n };
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	munmap(p, n * PAGE);
	return c;
}

static void run_all(const char *what, int n)
{
	struct cost m = op_mprotect(n), u = op_munmap(n), w = op_cow(n < COW_MAX ? n : COW_MAX);

	printf("shootdown-bench %-12s mprotect %9.0f insns %8.0f ns | munmap %9.0f insns %8.0f "
	       "ns | cow %9.0f insns %8.0f ns\n",
	       what, m.insns, m.ns, u.insns, u.ns, w.insns, w.ns);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1000;
	pthread_t th[HELPERS];

	pin(0);
	buf = mmap(NULL, (HELPERS + 1) * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		   -1, 0);
	run_all("this-hart", n);
	for (long k = 0; k < HELPERS; k++)
		pthread_create(&th[k], NULL, helper, (void *)(k + 1));
	while (atomic_load(&parked) < HELPERS)
		sched_yield();
	usleep(10000); /* let them reach their futex waits */
	run_all("3-others", n);
	atomic_store(&done, 1);
	syscall(SYS_futex, &done, FUTEX_WAKE_PRIVATE, HELPERS, NULL, NULL, 0);
	for (int k = 0; k < HELPERS; k++)
		pthread_join(th[k], NULL);
	return 0;
}
