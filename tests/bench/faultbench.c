/* The fault-path benchmark task. Under QEMU -icount shift=0, rdinstret counts every guest
 * instruction (user, kernel and firmware) exactly: each figure is the instructions of a loop
 * touching one byte per page, minus the same loop over pages already mapped, per page.
 * Prints "bench: ID N min MIN max MAX" lines for tools/bench.py. */
#include <stdio.h>
#include <stdlib.h>

#include "fl.h"
#include "fl_vdso.h"

#define PAGE 4096ul
#define RW   (FL_PROT_READ | FL_PROT_WRITE)
#define ANON (FL_MAP_PRIVATE | FL_MAP_ANONYMOUS)
#define REPS 5

static inline uint64_t now(void)
{
	return fl_rdinstret();
}

static volatile unsigned char *fresh(unsigned long n)
{
	volatile unsigned char *p = fl_mmap(0, n * PAGE, RW, ANON);

	if ((long)p < 0) {
		printf("bench: mmap of %lu pages failed: %ld\n", n, (long)p);
		fl_exit(1);
	}
	return p;
}

static uint64_t read_loop(volatile unsigned char *p, unsigned long n)
{
	uint64_t t = now();

	for (unsigned long i = 0; i < n; i++)
		(void)p[i * PAGE];
	return now() - t;
}

static uint64_t write_loop(volatile unsigned char *p, unsigned long n)
{
	uint64_t t = now();

	for (unsigned long i = 0; i < n; i++)
		p[i * PAGE] = 1;
	return now() - t;
}

struct result {
	uint64_t min, max;
};

static void add(struct result *r, uint64_t v)
{
	if (!r->min || v < r->min)
		r->min = v;
	if (v > r->max)
		r->max = v;
}

static void report(const char *id, unsigned long n, struct result r)
{
	printf("bench: %s %lu min %lu max %lu\n", id, n, (unsigned long)r.min,
	       (unsigned long)r.max);
}

/* (a) read fault on untouched memory, (b) write fault on untouched memory,
 * (c) write fault on a zero-page mapping */
static void first_touch(unsigned long n)
{
	struct result a = { 0 }, b = { 0 }, c = { 0 };

	for (int r = 0; r < REPS; r++) {
		volatile unsigned char *p = fresh(n), *q = fresh(n);
		uint64_t t;

		t = read_loop(p, n);
		add(&a, (t - read_loop(p, n)) / n);
		t = write_loop(p, n);
		add(&c, (t - write_loop(p, n)) / n);
		t = write_loop(q, n);
		add(&b, (t - write_loop(q, n)) / n);
		fl_munmap((void *)p, n * PAGE);
		fl_munmap((void *)q, n * PAGE);
	}
	report("a", n, a);
	report("b", n, b);
	report("c", n, c);
}

/* (d) copy-on-write fault that copies: the child writes while the parent lives. */
static void cow_copy(unsigned long n)
{
	struct result d = { 0 };
	volatile uint64_t *out = fl_mmap(0, PAGE, RW, FL_MAP_SHARED | FL_MAP_ANONYMOUS);

	for (int r = 0; r < REPS; r++) {
		volatile unsigned char *p = fresh(n);
		long pid;
		int status;

		write_loop(p, n);
		pid = fl_fork();
		if (pid == 0) {
			uint64_t t = write_loop(p, n);

			*out = (t - write_loop(p, n)) / n; /* shared: the parent reads it */
			fl_exit(0);
		}
		fl_wait(pid, &status);
		add(&d, *out);
		fl_munmap((void *)p, n * PAGE);
	}
	fl_munmap((void *)out, PAGE);
	report("d", n, d);
}

/* (e) copy-on-write fault that reuses: the sharer has exited. */
static void cow_reuse(unsigned long n)
{
	struct result e = { 0 };

	for (int r = 0; r < REPS; r++) {
		volatile unsigned char *p = fresh(n);
		long pid;
		int status;
		uint64_t t;

		write_loop(p, n);
		pid = fl_fork();
		if (pid == 0)
			fl_exit(0);
		fl_wait(pid, &status);
		t = write_loop(p, n);
		add(&e, (t - write_loop(p, n)) / n);
		fl_munmap((void *)p, n * PAGE);
	}
	report("e", n, e);
}

static uint64_t timed_fork(void)
{
	uint64_t t = now();
	long pid = fl_fork();
	int status;

	if (pid == 0)
		fl_exit(0);
	t = now() - t;
	fl_wait(pid, &status);
	return t;
}

/* (f) fork per written page, and (f0) fork of the task as it is. */
static void fork_cost(unsigned long n)
{
	struct result f = { 0 }, f0 = { 0 };

	for (int r = 0; r < REPS; r++) {
		volatile unsigned char *p = fresh(n);
		uint64_t base = timed_fork(), with;

		write_loop(p, n);
		with = timed_fork();
		add(&f, (with - base) / n);
		add(&f0, base);
		fl_munmap((void *)p, n * PAGE);
	}
	report("f", n, f);
	if (n == 4096)
		report("f0", 1, f0);
}

/* (g) munmap per written page, minus munmap of as many untouched pages. */
static void unmap_cost(unsigned long n)
{
	struct result g = { 0 };

	for (int r = 0; r < REPS; r++) {
		volatile unsigned char *p = fresh(n), *q = fresh(n);
		uint64_t t, u;

		write_loop(p, n);
		t = now();
		fl_munmap((void *)p, n * PAGE);
		t = now() - t;
		u = now();
		fl_munmap((void *)q, n * PAGE);
		u = now() - u;
		add(&g, (t - u) / n);
	}
	report("g", n, g);
}

/* (h) the null system call: getppid, minus the empty loop. */
static void null_syscall(void)
{
	struct result h = { 0 };
	const unsigned long n = 1000;

	for (int r = 0; r < REPS; r++) {
		uint64_t t = now(), e;

		for (unsigned long i = 0; i < n; i++)
			fl_syscall(SYS_getppid, 0, 0, 0, 0, 0, 0);
		t = now() - t;
		e = now();
		for (unsigned long i = 0; i < n; i++)
			__asm__ volatile("" ::: "memory");
		e = now() - e;
		add(&h, (t - e) / n);
	}
	report("h", 1, h);
}

/* (v) clock_gettime(CLOCK_MONOTONIC) through the vDSO, called as a C library calls it (by
 * the address found at AT_SYSINFO_EHDR), minus the empty loop. */
static void vdso_clock(void)
{
	int (*gettime)(int, struct fl_timespec *) = fl_vdso_sym("__vdso_clock_gettime");
	struct result v = { 0 };
	struct fl_timespec ts;
	const unsigned long n = 10000;

	if (!gettime) {
		printf("bench: no __vdso_clock_gettime in the vDSO\n");
		return;
	}
	for (int r = 0; r < REPS; r++) {
		uint64_t t = now(), e;

		for (unsigned long i = 0; i < n; i++)
			gettime(1, &ts); /* CLOCK_MONOTONIC */
		t = now() - t;
		e = now();
		for (unsigned long i = 0; i < n; i++)
			__asm__ volatile("" ::: "memory");
		e = now() - e;
		add(&v, (t - e) / n);
	}
	report("v", 1, v);
}

/* (s) a SIGSEGV handled by the task: a write to a read-only page, the handler mprotects it
 * writable and returns, the write is made again; per round trip, with the mprotect that
 * makes the page read-only again (the pattern of a GC write barrier). */
static volatile unsigned char *barrier;

static void on_segv(int sig, void *info, void *uc)
{
	(void)sig;
	(void)info;
	(void)uc;
	fl_mprotect((void *)barrier, PAGE, FL_PROT_READ | FL_PROT_WRITE);
}

static void segv_round_trip(void)
{
	/* Linux's struct sigaction on riscv64: handler, flags (SA_SIGINFO), mask */
	const unsigned long act[3] = { (unsigned long)on_segv, 4, 0 };
	struct result s = { 0 };
	const unsigned long n = 1000;

	barrier = fresh(1);
	barrier[0] = 0;
	if (fl_syscall(SYS_rt_sigaction, 11, (long)act, 0, 8, 0, 0)) {
		printf("bench: rt_sigaction refused\n");
		return;
	}
	for (int r = 0; r < REPS; r++) {
		uint64_t t = now();

		for (unsigned long i = 0; i < n; i++) {
			fl_mprotect((void *)barrier, PAGE, FL_PROT_READ);
			barrier[0] = (unsigned char)i; /* faults, the handler opens it, retried */
		}
		add(&s, (now() - t) / n);
	}
	report("s", 1, s);
}

/* The worst single fault of kinds (a) and (b), each timed alone, and the median. */
static int cmp(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

static void keep_min(uint64_t *slot, uint64_t v, int rep)
{
	if (rep == 0 || v < *slot)
		*slot = v;
}

/*
 * A timer tick that lands inside one timed fault adds the tick's own cost to it, which is
 * not the fault's: the whole sequence runs WORST_REPS times on fresh memory and each fault
 * keeps its least cost over the runs (a tick cannot land in the same fault every time).
 */
#define WORST_REPS 3

static void worst_single(unsigned long n)
{
	static uint64_t ta[4096], tb[4096];
	uint64_t empty = now();

	empty = now() - empty;
	for (int rep = 0; rep < WORST_REPS; rep++) {
		volatile unsigned char *p = fresh(n);

		for (unsigned long i = 0; i < n; i++) {
			uint64_t t = now();

			(void)p[i * PAGE];
			keep_min(&ta[i], now() - t - empty, rep);
		}
		for (unsigned long i = 0; i < n; i++) {
			volatile unsigned char *q = p + i * PAGE;
			uint64_t t;

			fl_munmap((void *)q, PAGE); /* untouched again, without the zero page */
			fl_mmap((void *)q, PAGE, RW, ANON | FL_MAP_FIXED);
			t = now();
			*q = 1;
			keep_min(&tb[i], now() - t - empty, rep);
		}
		fl_munmap((void *)p, n * PAGE);
	}
	qsort(ta, n, sizeof(ta[0]), cmp);
	qsort(tb, n, sizeof(tb[0]), cmp);
	printf("bench: worst-a %lu median %lu max %lu\n", n, (unsigned long)ta[n / 2],
	       (unsigned long)ta[n - 1]);
	printf("bench: worst-b %lu median %lu max %lu\n", n, (unsigned long)tb[n / 2],
	       (unsigned long)tb[n - 1]);
}

/* (a) and (b) again with many regions in the address space. */
static void many_regions(unsigned long count)
{
	static void *extra[10000];
	struct result a = { 0 }, b = { 0 };
	const unsigned long n = 256;

	/* one page each with a gap between, so nothing merges */
	for (unsigned long i = 0; i < count; i++)
		extra[i] = fl_mmap((void *)(0x1000000000ul + i * 2 * PAGE), PAGE, FL_PROT_READ,
				   ANON | FL_MAP_FIXED);
	for (int r = 0; r < REPS; r++) {
		volatile unsigned char *p = fresh(n), *q = fresh(n);
		uint64_t t;

		t = read_loop(p, n);
		add(&a, (t - read_loop(p, n)) / n);
		t = write_loop(q, n);
		add(&b, (t - write_loop(q, n)) / n);
		fl_munmap((void *)p, n * PAGE);
		fl_munmap((void *)q, n * PAGE);
	}
	printf("bench: regions-a %lu min %lu max %lu\n", count, (unsigned long)a.min,
	       (unsigned long)a.max);
	printf("bench: regions-b %lu min %lu max %lu\n", count, (unsigned long)b.min,
	       (unsigned long)b.max);
	for (unsigned long i = 0; i < count; i++)
		fl_munmap(extra[i], PAGE);
}

/* Page-table pages per MiB of touched memory. */
static void overhead(void)
{
	const unsigned long n = 4096;
	struct fl_counters c0, c1;
	volatile unsigned char *p;

	/* in a gigabyte of its own, so every table it needs is new; counted from before the
	 * mmap, which makes tables ahead of the faults */
	fl_counters(&c0);
	p = fl_mmap((void *)0x2000000000ul, n * PAGE, RW, ANON | FL_MAP_FIXED);
	write_loop(p, n);
	fl_counters(&c1);
	printf("bench: pt-pages-per-16MiB %lu\n",
	       (unsigned long)(c1.frames_pagetable - c0.frames_pagetable));
	fl_munmap((void *)p, n * PAGE);
}

int main(void)
{
	static const unsigned long sizes[] = { 256, 4096 };

	for (int i = 0; i < 2; i++) {
		first_touch(sizes[i]);
		cow_copy(sizes[i]);
		cow_reuse(sizes[i]);
		fork_cost(sizes[i]);
		unmap_cost(sizes[i]);
	}
	null_syscall();
	segv_round_trip();
	vdso_clock();
	worst_single(4096);
	many_regions(1);
	many_regions(100);
	many_regions(10000);
	overhead();
	printf("bench: done\n");
	return 0;
}
