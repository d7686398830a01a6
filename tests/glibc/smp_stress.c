/* A stress run: threads and forked processes on every CPU doing random mmap, munmap,
 * mprotect, fork and faults at once, each checking its own data, with faultline's invariant
 * auditor (its call 0x1001: memory stands still while it counts) between batches. It runs for
 * argv[1] seconds (the runner gives one 4-hart boot a minute), 10 by default; ENOSYS from
 * the auditor (Linux) is no failure. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#define PAGE	     4096ul
#define SLOTS	     16
#define SLOT_PAGES   8
#define SYS_FL_AUDIT 0x1001
#define WORKERS	     4
#define MIN_BATCHES  3

static atomic_int bad_data, audit_failures, audits, ops, forks;

static uint64_t rng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A worker's own regions: each page holds its slot's tag while the slot is mapped. */
struct slot {
	unsigned char *at;
	int writable;
	uint64_t tag;
};

static int check_slot(const struct slot *s)
{
	for (unsigned long p = 0; p < SLOT_PAGES; p++)
		if (*(volatile uint64_t *)(s->at + p * PAGE) != s->tag)
			return 1;
	return 0;
}

static void fill_slot(struct slot *s, uint64_t tag)
{
	s->tag = tag;
	for (unsigned long p = 0; p < SLOT_PAGES; p++)
		*(volatile uint64_t *)(s->at + p * PAGE) = tag;
}

static void release(struct slot *slots)
{
	for (int i = 0; i < SLOTS; i++)
		if (slots[i].at)
			munmap(slots[i].at, SLOT_PAGES * PAGE);
}

/* One batch of random operations on @slots; returns the count of data mismatches seen. */
static int batch(struct slot *slots, uint64_t *seed, int allow_fork)
{
	int wrong = 0;

	for (int n = 0; n < 64; n++) {
		struct slot *s = &slots[rng(seed) % SLOTS];

		switch (rng(seed) % 6) {
		case 0: /* map (or remap) and fill */
			if (s->at)
				munmap(s->at, SLOT_PAGES * PAGE);
			s->at = mmap(NULL, SLOT_PAGES * PAGE, PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (s->at == MAP_FAILED) {
				s->at = NULL;
				break;
			}
			s->writable = 1;
			fill_slot(s, rng(seed) | 1);
			break;
		case 1:
			if (s->at) {
				munmap(s->at, SLOT_PAGES * PAGE);
				s->at = NULL;
			}
			break;
		case 2:
			if (s->at) {
				s->writable = !s->writable;
				mprotect(s->at, SLOT_PAGES * PAGE,
					 s->writable ? PROT_READ | PROT_WRITE : PROT_READ);
			}
			break;
		case 3:
			if (s->at)
				wrong += check_slot(s);
			break;
		case 4:
			if (s->at && s->writable)
				fill_slot(s, rng(seed) | 1);
			break;
		default:
			if (allow_fork && rng(seed) % 4 == 0) {
				pid_t pid = fork();

				if (pid == 0) { /* the child sees the parent's data, then changes
						   its own */
					int w = 0;

					for (int i = 0; i < SLOTS; i++)
						if (slots[i].at) {
							w += check_slot(&slots[i]);
							if (slots[i].writable)
								fill_slot(&slots[i], 2);
						}
					_exit(w ? 1 : 0);
				}
				if (pid > 0) {
					int status = -1;

					waitpid(pid, &status, 0);
					wrong += status != 0;
					atomic_fetch_add(&forks, 1);
				}
			}
			break;
		}
		atomic_fetch_add(&ops, 1);
	}
	for (int i = 0; i < SLOTS; i++) /* the child's writes stayed its own */
		if (slots[i].at)
			wrong += check_slot(&slots[i]);
	return wrong;
}

static long deadline;

static void *worker(void *arg)
{
	struct slot slots[SLOTS];
	uint64_t seed = 0x9e3779b97f4a7c15ull * ((uint64_t)(long)arg + 1);

	memset(slots, 0, sizeof(slots));
	/* the time asked for, and a few batches however slow the machine (8 harts on a host of
	 * fewer cores run at a crawl) */
	for (int done = 0; done < MIN_BATCHES || now_ms() < deadline; done++)
		atomic_fetch_add(&bad_data, batch(slots, &seed, (long)arg % 2 == 0));
	release(slots);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t th[WORKERS];
	long seconds = argc > 1 ? atol(argv[1]) : 10;

	CASE(threads_and_processes_doing_random_mm_calls_keep_their_data_and_the_invariants)
	{
		pid_t other;

		deadline = now_ms() + seconds * 1000;
		other = fork(); /* a second process doing the same, beside this one's threads */
		for (long k = 0; k < WORKERS; k++)
			pthread_create(&th[k], NULL, worker, (void *)(k + (other == 0 ? 10 : 0)));
		while (now_ms() < deadline || atomic_load(&ops) < MIN_BATCHES * 64 * WORKERS) {
			struct timespec pause = { 0, 200 * 1000 * 1000 };
			long rc;

			nanosleep(&pause, NULL);
			rc = syscall(SYS_FL_AUDIT);
			if (rc == 0)
				atomic_fetch_add(&audits, 1);
			else if (errno != ENOSYS)
				atomic_fetch_add(&audit_failures, 1);
		}
		for (int k = 0; k < WORKERS; k++)
			pthread_join(th[k], NULL);
		if (other == 0)
			_exit(atomic_load(&bad_data) || atomic_load(&audit_failures) ? 1 : 0);
		if (other > 0) {
			int status = -1;

			CHECK_EQ(waitpid(other, &status, 0), other);
			CHECK_EQ(status, 0);
		}
		CHECK_EQ(atomic_load(&bad_data), 0);
		CHECK_EQ(atomic_load(&audit_failures), 0);
		printf("    %lds: %d operations, %d forks, %d audits in this process\n", seconds,
		       atomic_load(&ops), atomic_load(&forks), atomic_load(&audits));
	}
	return check_finish();
}
