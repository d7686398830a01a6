/* smpbench: multi-hart costs of the fault path, one static glibc program for faultline and for
 * Linux 6.1 alike. Each measured loop sits between marker instructions (the HINT
 * `slti zero, zero, K`) that the insncount QEMU plugin logs with every hart's instruction
 * counts, so the bench reads per-hart figures from the plugin; the program prints its own
 * rdtime * 100 deltas (the global virtual clock under -icount) and, on faultline, the
 * shootdowns the firmware counted.
 *
 * Rows (N pages, R repetitions; markers K = 10 * row + 1..4):
 *   x (1x): a COW write fault in a 4-thread process (main on CPU 0) whose other threads, on
 *           CPUs 1-3, have just read every page (so the space and its translations are on
 *           their harts) and spin in user mode meanwhile; a forked child holds the pages.
 *           Minus the same loop over written pages.
 *   y (2x): in that process, mprotect of one page RW->R (a permission removed: shot down),
 *           and back R->RW, the threads having read the page first.
 *   x-idle (6x), y-idle (7x): the same with the other threads parked in a futex wait, their
 *           harts idle (run first).
 *   z (3x): 4 processes, one pinned per CPU, write-faulting N untouched pages each at once.
 *   z1 (4x): the same with one process (on CPU 1 when there are several).
 *   t (5x): 4 threads of one process, one per CPU, each write-faulting its own N pages of one
 *           mapping at once (the address-space lock's contention).
 * With one CPU only z1 runs. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* x takes the best of more repetitions than the other rows: on a host with fewer cores than
 * harts, a repetition's share of the host's scheduling noise varies widely */
#define PAGE		4096ul
#define N		256
#define REPS		3
#define X_REPS		8
#define Y_REPS		16
#define WORKERS		4
#define SYS_FL_COUNTERS 0x1000 /* faultline's counters; -ENOSYS on Linux */
#define FL_SHOOTDOWNS	32     /* index of shootdowns in struct fl_counters, as u64s */

#define MARK(k) __asm__ volatile("slti zero, zero, %0" ::"i"(k) : "memory")

static int ncpu;

static inline uint64_t clock100(void)
{
	uint64_t t;

	__asm__ volatile("rdtime %0" : "=r"(t));
	return t * 100; /* 10 MHz timebase: one instruction a nanosecond under -icount shift=0 */
}

/* faultline's shootdown count since boot, or -1 on a kernel without the call */
static long shootdowns(void)
{
	uint64_t c[35]; /* struct fl_counters: fault counts 2 x 12, frames 5, 6 more */

	if (syscall(SYS_FL_COUNTERS, c, sizeof(c)) != 0)
		return -1;
	return (long)c[FL_SHOOTDOWNS];
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		perror("sched_setaffinity");
		exit(1);
	}
	/* a kernel may move the caller only at its next switch: no marker before it has */
	while (sched_getcpu() != cpu)
		sched_yield();
}

static void *map_pages(size_t n, int shared)
{
	void *p = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE,
		       (shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	return p;
}

static void futex_wait(atomic_uint *w, unsigned v)
{
	syscall(SYS_futex, w, FUTEX_WAIT_PRIVATE, v, NULL, NULL, 0);
}

static void futex_wake(atomic_uint *w)
{
	syscall(SYS_futex, w, FUTEX_WAKE_PRIVATE, INT32_MAX, NULL, NULL, 0);
}

static void report(const char *row, int who, uint64_t fault, uint64_t base, long sd)
{
	printf("smpbench: %s %d clock %lu base %lu shootdowns %ld\n", row, who,
	       (unsigned long)fault, (unsigned long)base, sd);
}

/* The fault loop and its baseline: one byte written per page, between the row's markers.
 * The markers need constants, so each row has its own copy (a macro). */
#define TOUCH_ROW(K, p, n, clk, baseclk)                                                           \
	do {                                                                                       \
		volatile char *q_ = (volatile char *)(p);                                          \
		uint64_t t0_ = clock100();                                                         \
		MARK(K + 1);                                                                       \
		for (size_t i_ = 0; i_ < (n); i_++)                                                \
			q_[i_ * PAGE] = 1;                                                         \
		MARK(K + 2);                                                                       \
		uint64_t t1_ = clock100();                                                         \
		MARK(K + 3);                                                                       \
		for (size_t i_ = 0; i_ < (n); i_++)                                                \
			q_[i_ * PAGE] = 2;                                                         \
		MARK(K + 4);                                                                       \
		(clk) = t1_ - t0_;                                                                 \
		(baseclk) = clock100() - t1_;                                                      \
	} while (0)

/* ---- x and y: one process, main on CPU 0, three readers parked on CPUs 1-3 ---- */

static atomic_uint job_gen, job_done;
static atomic_int spin_readers; /* readers spin between jobs rather than park */
static volatile char *job_buf;
static size_t job_pages;

/* A reader: for each new job, read its pages so this hart caches their translations, then
 * park in a futex wait, adding nothing to the measured windows; or spin, keeping its hart in
 * the space. */
static void *reader(void *arg)
{
	unsigned seen = 0;

	pin((int)(long)arg);
	for (;;) {
		unsigned g;

		while ((g = atomic_load(&job_gen)) == seen)
			if (!atomic_load(&spin_readers))
				futex_wait(&job_gen, seen);
		seen = g;
		for (size_t i = 0; i < job_pages; i++)
			(void)job_buf[i * PAGE];
		atomic_fetch_add(&job_done, 1);
	}
	return NULL;
}

/* Has the readers read @n pages at @p, and waits until they are parked again. */
static void readers_read(volatile char *p, size_t n, unsigned readers)
{
	struct timespec settle = { 0, 2000000 };

	job_buf = p;
	job_pages = n;
	atomic_store(&job_done, 0);
	atomic_fetch_add(&job_gen, 1);
	futex_wake(&job_gen);
	while (atomic_load(&job_done) != readers)
		;
	nanosleep(&settle, NULL); /* they are back in their futex waits, or spinning */
}

/* The x loop: COW faults on @buf, which a forked child shares; @spin picks the row. */
static void x_loop(char *buf, unsigned readers, int spin)
{
	for (int r = 0; r < X_REPS; r++) {
		uint64_t clk, base;
		long s0, s1;
		pid_t child;

		child = fork();
		if (child == 0) {
			/* holds the pages COW-shared until killed; a futex wait rather than
			 * pause(), which glibc makes a ppoll that faultline does not have */
			atomic_uint never = 0;

			for (;;)
				futex_wait(&never, 0);
		}
		readers_read(buf, N, readers);
		s0 = shootdowns();
		if (spin)
			TOUCH_ROW(10, buf, N, clk, base);
		else
			TOUCH_ROW(60, buf, N, clk, base);
		s1 = shootdowns();
		report(spin ? "x" : "x-idle", r, clk, base, s0 < 0 ? -1 : s1 - s0);
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
}

#define MPROTECT_PAIR(K, buf, t0, t1, t2)                                                          \
	do {                                                                                       \
		t0 = clock100();                                                                   \
		MARK(K + 1);                                                                       \
		if (mprotect(buf, PAGE, PROT_READ))                                                \
			perror("mprotect");                                                        \
		MARK(K + 2);                                                                       \
		t1 = clock100();                                                                   \
		s1 = shootdowns();                                                                 \
		MARK(K + 3);                                                                       \
		if (mprotect(buf, PAGE, PROT_READ | PROT_WRITE))                                   \
			perror("mprotect");                                                        \
		MARK(K + 4);                                                                       \
		t2 = clock100();                                                                   \
	} while (0)

/* The y loop: mprotect of one page away and back; @spin picks the row. */
static void y_loop(char *buf, unsigned readers, int spin)
{
	for (int r = 0; r < Y_REPS; r++) {
		uint64_t t0, t1, t2;
		long s0, s1, s2;

		readers_read(buf, 1, readers);
		s0 = shootdowns();
		if (spin)
			MPROTECT_PAIR(20, buf, t0, t1, t2);
		else
			MPROTECT_PAIR(70, buf, t0, t1, t2);
		s2 = shootdowns();
		printf("smpbench: %s %d clock %lu back %lu shootdowns %ld back %ld\n",
		       spin ? "y" : "y-idle", r, (unsigned long)(t1 - t0), (unsigned long)(t2 - t1),
		       s0 < 0 ? -1 : s1 - s0, s0 < 0 ? -1 : s2 - s1);
	}
}

static void rows_xy(void)
{
	unsigned readers = WORKERS - 1;
	pthread_t th;
	char *buf = map_pages(N, 0);

	pin(0);
	for (long c = 1; c <= (long)readers; c++)
		if (pthread_create(&th, NULL, reader, (void *)c)) {
			perror("pthread_create");
			exit(1);
		}
	memset(buf, 3, N * PAGE);
	x_loop(buf, readers, 0);
	y_loop(buf, readers, 0);
	/* from here on the readers keep their harts in the space until the program ends */
	atomic_store(&spin_readers, 1);
	futex_wake(&job_gen);
	x_loop(buf, readers, 1);
	y_loop(buf, readers, 1);
}

/* ---- z and z1: processes faulting at once ---- */

struct shared {
	atomic_int ready;
	atomic_int go;
};

static void faulter(struct shared *sh, int nproc, int cpu, int single)
{
	char *p;
	uint64_t clk, base;
	long s0;

	pin(cpu);
	p = map_pages(N, 0);
	atomic_fetch_add(&sh->ready, 1);
	while (atomic_load(&sh->ready) < nproc)
		;
	s0 = shootdowns();
	if (single)
		TOUCH_ROW(40, p, N, clk, base);
	else
		TOUCH_ROW(30, p, N, clk, base);
	report(single ? "z1" : "z", cpu, clk, base, s0 < 0 ? -1 : shootdowns() - s0);
	fflush(stdout);
	_exit(0);
}

static void row_z(int nproc)
{
	for (int r = 0; r < REPS; r++) {
		struct shared *sh = map_pages(1, 1);
		/* CPU 0 last: the parent is on it until it waits */
		for (int k = nproc - 1; k >= 0; k--) {
			int cpu = nproc == 1 ? (ncpu > 1) : k;

			if (fork() == 0)
				faulter(sh, nproc, cpu, nproc == 1);
		}
		for (int k = 0; k < nproc; k++)
			wait(NULL);
		munmap(sh, PAGE);
	}
}

/* ---- t: threads of one process faulting at once ---- */

static char *t_buf;
static atomic_int t_ready;

static void *t_faulter(void *arg)
{
	int k = (int)(long)arg;
	uint64_t clk, base;

	pin(k);
	atomic_fetch_add(&t_ready, 1);
	while (atomic_load(&t_ready) < WORKERS)
		;
	TOUCH_ROW(50, t_buf + (size_t)k * N * PAGE, N, clk, base);
	report("t", k, clk, base, -1);
	return NULL;
}

static void row_t(void)
{
	for (int r = 0; r < REPS; r++) {
		pthread_t th[WORKERS];
		long s0 = shootdowns();

		t_buf = map_pages((size_t)WORKERS * N, 0);
		atomic_store(&t_ready, 0);
		for (long k = 0; k < WORKERS; k++)
			pthread_create(&th[k], NULL, t_faulter, (void *)k);
		for (int k = 0; k < WORKERS; k++)
			pthread_join(th[k], NULL);
		printf("smpbench: t-shootdowns %d %ld\n", r, s0 < 0 ? -1 : shootdowns() - s0);
		munmap(t_buf, (size_t)WORKERS * N * PAGE);
	}
}

int main(void)
{
	cpu_set_t set;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (sched_getaffinity(0, sizeof(set), &set)) {
		perror("sched_getaffinity");
		return 1;
	}
	ncpu = CPU_COUNT(&set);
	printf("smpbench: cpus %d pages %d reps %d\n", ncpu, N, REPS);
	row_z(1);
	if (ncpu >= WORKERS) {
		row_z(WORKERS);
		row_t();
		rows_xy(); /* last: its readers spin until exit */
	}
	printf("smpbench: done\n");
	return 0;
}
