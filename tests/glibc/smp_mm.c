/* Memory shared by threads on several harts: what one hart unmaps, protects or write-protects
 * for fork, no other hart goes on using through what its TLB remembered; threads faulting the
 * same fresh page meet in one frame. Each case runs a thread per CPU where there are several
 * (and still passes, interleaved by preemption, on one). */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#define PAGE	       4096ul
#define THREADS	       4
#define SYS_FL_COUNTER 0x1000 /* faultline's counters; ENOSYS on Linux */

static int ncpu;

static void pin_to(int k)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(k % ncpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* faultline's counters (struct fl_counters): fault counts 2 x 12, frames 5, shared,
 * unknown, rss, shootdowns, contended locks, lock spins; false elsewhere */
#define FL_RSS		  31
#define FL_SHOOTDOWNS	  32
#define FL_LOCK_CONTENDED 33
static bool fl_counters(uint64_t c[35])
{
	return syscall(SYS_FL_COUNTER, c, 35 * sizeof(uint64_t)) == 0;
}

/* faultline's count of private frames this address space maps, or -1 elsewhere */
static long private_frames(void)
{
	uint64_t c[35];

	return fl_counters(c) ? (long)c[FL_RSS] : -1;
}

/* ---- one fresh page, many writers ---------------------------------------------------- */

#define SAME_PAGES 64
static atomic_int *same;
static atomic_int same_done;
static pthread_barrier_t go;

static void *same_writer(void *arg)
{
	pin_to((int)(long)arg);
	pthread_barrier_wait(&go);
	for (unsigned long p = 0; p < SAME_PAGES; p++)
		atomic_fetch_add(&same[p * (PAGE / sizeof(*same))], 1);
	atomic_fetch_add(&same_done, 1);
	return NULL;
}

/* ---- a reader that survives faults ---------------------------------------------------- */

static __thread sigjmp_buf fault_jmp;
static __thread volatile int fault_armed;

static void on_segv(int sig)
{
	(void)sig;
	if (fault_armed)
		siglongjmp(fault_jmp, 1);
	abort();
}

/* Reads the int at @p; false when the read faulted. */
static bool try_read(volatile int *p, int *out)
{
	if (sigsetjmp(fault_jmp, 1)) {
		fault_armed = 0;
		return false;
	}
	fault_armed = 1;
	*out = *p;
	fault_armed = 0;
	return true;
}

/* Writes @v at @p; false when the write faulted. */
static bool try_write(volatile int *p, int v)
{
	if (sigsetjmp(fault_jmp, 1)) {
		fault_armed = 0;
		return false;
	}
	fault_armed = 1;
	*p = v;
	fault_armed = 0;
	return true;
}

static volatile int *spot;
static atomic_int announced, stop, stale_reads, reads_after_unmap, writes_after_protect;
static atomic_long writes;

static void *remap_reader(void *arg)
{
	pin_to((int)(long)arg);
	while (!atomic_load(&stop)) {
		int a = atomic_load_explicit(&announced, memory_order_acquire), v;

		/* the page announced holds a; the next round's is 0 until written, then a + 1 */
		if (try_read(spot, &v) && v != 0 && v < a)
			atomic_fetch_add(&stale_reads, 1);
	}
	return NULL;
}

static atomic_int unmapped;

static void *unmap_reader(void *arg)
{
	int v;

	pin_to((int)(long)arg);
	while (!atomic_load(&stop)) {
		int gone = atomic_load_explicit(&unmapped, memory_order_acquire);

		if (try_read(spot, &v) && gone)
			atomic_fetch_add(&reads_after_unmap, 1);
		if (gone)
			break;
	}
	return NULL;
}

static void *counter_writer(void *arg)
{
	volatile long *p = (volatile long *)spot;

	pin_to((int)(long)arg);
	while (!atomic_load(&stop)) {
		(*p)++;
		atomic_fetch_add_explicit(&writes, 1, memory_order_relaxed);
	}
	return NULL;
}

static atomic_int protected_now;

static void *protect_writer(void *arg)
{
	int i = 1;

	pin_to((int)(long)arg);
	while (!atomic_load(&stop)) {
		int after = atomic_load_explicit(&protected_now, memory_order_acquire);

		if (!try_write(spot, i++))
			break; /* the page is read-only now: expected */
		atomic_fetch_add(&writes, 1);
		if (after)
			atomic_fetch_add(&writes_after_protect, 1);
	}
	return NULL;
}

/* ---- a shootdown to a hart that waits for the initiator's lock ------------------------ */

#define FAULT_PAGES 16
static char *fault_area;
static atomic_long fault_rounds;

/* Faults pages in and drops them, over and over: each fault and each MADV_DONTNEED takes the
 * address space's lock, which the other thread's mprotect holds while it shoots down. */
static void *lock_faulter(void *arg)
{
	pin_to((int)(long)arg);
	while (!atomic_load(&stop)) {
		for (unsigned long p = 0; p < FAULT_PAGES; p++)
			fault_area[p * PAGE] = 1;
		madvise(fault_area, FAULT_PAGES * PAGE, MADV_DONTNEED);
		atomic_fetch_add(&fault_rounds, 1);
	}
	return NULL;
}

static void wait_for_writes(long n)
{
	long start = atomic_load(&writes);

	while (atomic_load(&writes) - start < n)
		sched_yield();
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_segv, .sa_flags = SA_NODEFER };
	cpu_set_t set;
	pthread_t th[THREADS];

	sched_getaffinity(0, sizeof(set), &set);
	ncpu = CPU_COUNT(&set);
	sigaction(SIGSEGV, &sa, NULL);
	pin_to(0);

	CASE(threads_faulting_the_same_fresh_pages_meet_in_one_frame_each)
	{
		long before, after;

		same = mmap(NULL, SAME_PAGES * PAGE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		pthread_barrier_init(&go, NULL, THREADS + 1);
		for (long k = 0; k < THREADS; k++)
			pthread_create(&th[k], NULL, same_writer, (void *)k);
		/* every thread has its stack by now: from here only the region takes frames */
		before = private_frames();
		pthread_barrier_wait(&go);
		while (atomic_load(&same_done) < THREADS)
			sched_yield();
		after = private_frames();
		for (int k = 0; k < THREADS; k++)
			pthread_join(th[k], NULL);
		for (unsigned long p = 0; p < SAME_PAGES; p++)
			CHECK_EQ(atomic_load(&same[p * (PAGE / sizeof(*same))]), THREADS);
		if (before >= 0)
			CHECK_EQ(after - before, SAME_PAGES);
		munmap(same, SAME_PAGES * PAGE);
		pthread_barrier_destroy(&go);
	}

	CASE(no_read_returns_the_old_page_once_its_replacement_is_announced)
	{
		void *at =
		    mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		spot = at;
		*spot = 1;
		atomic_store(&announced, 1);
		atomic_store(&stop, 0);
		atomic_store(&stale_reads, 0);
		pthread_create(&th[0], NULL, remap_reader, (void *)1L);
		for (int r = 2; r < 2000; r++) {
			CHECK_EQ(munmap(at, PAGE), 0);
			CHECK(mmap(at, PAGE, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == at);
			*spot = r;
			atomic_store_explicit(&announced, r, memory_order_release);
			if (r % 64 == 0)
				sched_yield();
		}
		atomic_store(&stop, 1);
		pthread_join(th[0], NULL);
		CHECK_EQ(atomic_load(&stale_reads), 0);
		munmap(at, PAGE);
	}

	CASE(a_read_after_munmap_has_returned_faults_on_every_hart)
	{
		for (int round = 0; round < 200; round++) {
			spot = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				    -1, 0);
			*spot = 7;
			atomic_store(&unmapped, 0);
			atomic_store(&stop, 0);
			pthread_create(&th[0], NULL, unmap_reader, (void *)(long)(1 + round % 3));
			for (int i = 0; i < round % 16; i++)
				sched_yield();
			munmap((void *)spot, PAGE);
			atomic_store_explicit(&unmapped, 1, memory_order_release);
			pthread_join(th[0], NULL);
		}
		CHECK_EQ(atomic_load(&reads_after_unmap), 0);
	}

	CASE(after_fork_the_childs_copy_never_changes_while_a_thread_keeps_writing)
	{
		for (int round = 0; round < 20; round++) {
			int status = -1;
			pid_t pid;

			spot = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				    -1, 0);
			atomic_store(&stop, 0);
			pthread_create(&th[0], NULL, counter_writer, (void *)1L);
			wait_for_writes(1000);
			pid = fork();
			if (pid == 0) {
				long first = *(volatile long *)spot, later;
				long until = now_ms() + 20;

				while (now_ms() < until)
					;
				later = *(volatile long *)spot;
				_exit(later == first ? 0 : 1);
			}
			wait_for_writes(1000); /* the writer goes on, in the parent's copy */
			CHECK_EQ(waitpid(pid, &status, 0), pid);
			CHECK_EQ(status, 0);
			atomic_store(&stop, 1);
			pthread_join(th[0], NULL);
			munmap((void *)spot, PAGE);
		}
	}

	CASE(no_write_lands_after_mprotect_read_only_returns)
	{
		for (int round = 0; round < 50; round++) {
			int first, later;

			spot = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				    -1, 0);
			atomic_store(&stop, 0);
			atomic_store(&protected_now, 0);
			atomic_store(&writes_after_protect, 0);
			pthread_create(&th[0], NULL, protect_writer, (void *)(long)(1 + round % 3));
			wait_for_writes(100);
			CHECK_EQ(mprotect((void *)spot, PAGE, PROT_READ), 0);
			first = *spot;
			atomic_store_explicit(&protected_now, 1, memory_order_release);
			for (int i = 0; i < 50; i++)
				sched_yield();
			later = *spot;
			atomic_store(&stop, 1);
			pthread_join(th[0], NULL);
			CHECK_EQ(later, first);
			CHECK_EQ(atomic_load(&writes_after_protect), 0);
			munmap((void *)spot, PAGE);
		}
	}
	CASE(a_shootdown_completes_while_its_target_waits_for_the_initiators_lock)
	{
		uint64_t c0[35], c1[35];
		bool fl = fl_counters(c0) && ncpu > 1, met = false;
		long start = now_ms(), rounds = 0;

		spot = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		fault_area = mmap(NULL, FAULT_PAGES * PAGE, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		*spot = 1;
		atomic_store(&stop, 0);
		atomic_store(&fault_rounds, 0);
		pthread_create(&th[0], NULL, lock_faulter, (void *)1L);
		while (atomic_load(&fault_rounds) == 0)
			sched_yield();
		/* each mprotect to read-only shoots down on the faulter's hart, which is in the
		 * middle of faults that want the lock this call holds meanwhile; on faultline, on
		 * until a hart has waited for a lock at least once (a busy host may take longer) */
		for (;;) {
			long t = now_ms() - start;

			CHECK_EQ(mprotect((void *)spot, PAGE, PROT_READ), 0);
			CHECK_EQ(mprotect((void *)spot, PAGE, PROT_READ | PROT_WRITE), 0);
			*spot = (int)++rounds;
			if (fl && !met && t >= 1000)
				met = fl_counters(c1) &&
				      c1[FL_LOCK_CONTENDED] > c0[FL_LOCK_CONTENDED];
			if (t >= (ncpu > 1 ? 2000 : 300) && (!fl || met || t >= 20000))
				break;
		}
		atomic_store(&stop, 1);
		pthread_join(th[0], NULL);
		CHECK(atomic_load(&fault_rounds) > 0);
		if (fl) {
			CHECK(met);
			CHECK(fl_counters(c1));
			CHECK(c1[FL_SHOOTDOWNS] - c0[FL_SHOOTDOWNS] >= (uint64_t)rounds);
		}
		munmap(fault_area, FAULT_PAGES * PAGE);
		munmap((void *)spot, PAGE);
	}
	return check_finish();
}
