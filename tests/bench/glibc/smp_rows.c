/* Bench rows on several harts, as a static glibc program that runs unchanged on faultline and
 * on Linux (the anchor kit, -smp 4), so that both are measured the same way: rdtime * 100
 * under QEMU -icount shift=0 (10 MHz timebase: a tick is 100 instructions, summed over every
 * hart, the remote fences' work included). Threads that ran on the other harts are blocked
 * while it counts, so their harts idle in wfi and add nothing but the fences.
 *
 *   t: a COW write fault in a 4-thread process whose threads ran on 4 harts
 *   m: mprotect(PROT_READ) of one written page in that process
 *   p: 4 processes faulting fresh pages on 4 harts at once, instructions per fault on each
 *      hart (rdinstret: faultline only; Linux 6.1 keeps it from U-mode)
 *
 * Prints "bench: ID N min X max Y" lines as the bench image's other task does, plus
 * "bench: shootdowns ID PER-OP" where the firmware counts them (faultline's counter call). */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE	       4096ul
#define PAGES	       256
#define HELPERS	       3
#define TICK_INSNS     100 /* instructions per time tick under -icount shift=0, 10 MHz */
#define SYS_FL_COUNTER 0x1000

static inline uint64_t rdtime(void)
{
	uint64_t t;

	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
}

static inline uint64_t rdinstret(void)
{
	uint64_t t;

	__asm__ volatile("rdinstret %0" : "=r"(t));
	return t;
}

/* faultline's counters, only as far as the shootdown figure (last field) */
struct fl_counters {
	uint64_t fault_counts[2][12];
	uint64_t frames[6];
	uint64_t unknown, rss, shootdowns;
};

static long shootdowns(void)
{
	struct fl_counters c;

	if (syscall(SYS_FL_COUNTER, &c, sizeof(c)) != 0)
		return -1;
	return (long)c.shootdowns;
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		perror("sched_setaffinity");
}

static volatile unsigned char *mem;
static pthread_barrier_t cached, done;

/* A thread on hart @arg: reads every page (its hart now caches them), then blocks. */
static void *helper(void *arg)
{
	unsigned sum = 0;

	pin((int)(long)arg);
	for (unsigned long i = 0; i < PAGES; i++)
		sum += mem[i * PAGE];
	pthread_barrier_wait(&cached);
	pthread_barrier_wait(&done);
	return (void *)(unsigned long)sum;
}

static void report(const char *id, unsigned long n, uint64_t ticks, long sd_before)
{
	long sd = shootdowns();
	uint64_t per = ticks * TICK_INSNS / n;

	printf("bench: %s %lu min %lu max %lu\n", id, n, (unsigned long)per, (unsigned long)per);
	if (sd >= 0 && sd_before >= 0)
		printf("bench: shootdowns %s %.2f\n", id, (double)(sd - sd_before) / (double)n);
}

static void threaded_rows(void)
{
	pthread_t th[HELPERS];
	int pipefd[2];
	uint64_t total = 0;
	long sd;
	pid_t child;

	pin(0);
	mem = mmap(NULL, PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (unsigned long i = 0; i < PAGES; i++)
		mem[i * PAGE] = 1;
	pthread_barrier_init(&cached, NULL, HELPERS + 1);
	pthread_barrier_init(&done, NULL, HELPERS + 1);
	for (long k = 0; k < HELPERS; k++)
		pthread_create(&th[k], NULL, helper, (void *)(k + 1));
	pthread_barrier_wait(&cached);

	/* t: the child keeps every frame shared; each write copies one */
	if (pipe(pipefd))
		perror("pipe");
	child = fork();
	if (child == 0) {
		char c;

		(void)!read(pipefd[0], &c, 1);
		_exit(0);
	}
	sd = shootdowns();
	for (unsigned long i = 0; i < PAGES; i++) {
		uint64_t t0 = rdtime();

		mem[i * PAGE] = 2;
		total += rdtime() - t0;
	}
	report("t", PAGES, total, sd);
	(void)!write(pipefd[1], "x", 1);
	waitpid(child, NULL, 0);

	/* m: each page written (writable where it is cached), then made read-only */
	total = 0;
	sd = shootdowns();
	for (unsigned long i = 0; i < PAGES; i++) {
		void *p = (void *)(mem + i * PAGE);
		uint64_t t0 = rdtime();

		mprotect(p, PAGE, PROT_READ);
		total += rdtime() - t0;
	}
	report("m", PAGES, total, sd);

	pthread_barrier_wait(&done);
	for (int k = 0; k < HELPERS; k++)
		pthread_join(th[k], NULL);
	munmap((void *)mem, PAGES * PAGE);
}

/* p: @procs processes, one per hart, each writing @n fresh pages; instret per fault each. */
static void parallel_faults(int procs, unsigned long n)
{
	volatile uint64_t *shared =
	    mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	uint64_t lo = UINT64_MAX, hi = 0;

	for (int k = 0; k < procs; k++) {
		if (fork() == 0) {
			volatile unsigned char *p;
			uint64_t t0, t1;

			pin(k);
			p = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			__atomic_fetch_add(&shared[0], 1, __ATOMIC_SEQ_CST);
			while (__atomic_load_n(&shared[0], __ATOMIC_SEQ_CST) < (uint64_t)procs)
				;
			t0 = rdinstret();
			for (unsigned long i = 0; i < n; i++)
				p[i * PAGE] = 1;
			t1 = rdinstret();
			shared[1 + k] = (t1 - t0) / n;
			_exit(0);
		}
	}
	for (int k = 0; k < procs; k++)
		wait(NULL);
	for (int k = 0; k < procs; k++) {
		if (shared[1 + k] < lo)
			lo = shared[1 + k];
		if (shared[1 + k] > hi)
			hi = shared[1 + k];
	}
	printf("bench: p%d %lu min %lu max %lu\n", procs, n, (unsigned long)lo, (unsigned long)hi);
	munmap((void *)shared, PAGE);
}

int main(int argc, char **argv)
{
	cpu_set_t set;

	sched_getaffinity(0, sizeof(set), &set);
	if (CPU_COUNT(&set) < HELPERS + 1) {
		printf("bench: smp rows need %d harts, have %d\n", HELPERS + 1, CPU_COUNT(&set));
		return 0;
	}
	threaded_rows();
	if (argc < 2 || strcmp(argv[1], "no-instret") != 0) {
		parallel_faults(1, 1024);
		parallel_faults(4, 1024);
	}
	return 0;
}
