/* futex(2) called raw, as the pthread primitives use it: the word check (EAGAIN), relative and
 * absolute timeouts on both clocks, how many a wake wakes, requeue and its compare, bitsets,
 * signals that cut a wait short, and the errors of bad operations and addresses; and
 * futex_waitv(2), one sleep on several words. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static long futex(void *uaddr, int op, uint32_t val, const void *timeout_or_val2, void *uaddr2,
		  uint32_t val3)
{
	return syscall(SYS_futex, uaddr, op, val, timeout_or_val2, uaddr2, val3);
}

static long elapsed_ms(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1000 + (b->tv_nsec - a->tv_nsec) / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static struct timespec in_ms(clockid_t clk, long ms)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	ts.tv_nsec += ms * 1000000;
	ts.tv_sec += ts.tv_nsec / 1000000000;
	ts.tv_nsec %= 1000000000;
	return ts;
}

/* A waiter thread: says it is about to wait, waits on its word with its bitset, and keeps
 * what the wait returned. */
struct waiter {
	uint32_t *word;
	uint32_t bitset;
	int private_op;
	volatile int started, done;
	long rc;
	int err;
	pthread_t th;
};

static void *wait_on_word(void *arg)
{
	struct waiter *w = arg;

	__atomic_store_n(&w->started, 1, __ATOMIC_SEQ_CST);
	w->rc = futex(w->word, (w->private_op ? FUTEX_PRIVATE_FLAG : 0) | FUTEX_WAIT_BITSET, 0,
		      NULL, NULL, w->bitset);
	w->err = errno;
	__atomic_store_n(&w->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/* Starts @n waiters on @word and gives them time to be asleep in the kernel. */
static void start_waiters(struct waiter *w, int n, uint32_t *word, uint32_t bitset)
{
	for (int i = 0; i < n; i++) {
		w[i] = (struct waiter){ .word = word, .bitset = bitset, .private_op = 1 };
		pthread_create(&w[i].th, NULL, wait_on_word, &w[i]);
	}
	for (int i = 0; i < n; i++)
		while (!__atomic_load_n(&w[i].started, __ATOMIC_SEQ_CST))
			sleep_ms(1);
	sleep_ms(50);
}

static int count_done(struct waiter *w, int n)
{
	int done = 0;

	for (int i = 0; i < n; i++)
		done += __atomic_load_n(&w[i].done, __ATOMIC_SEQ_CST);
	return done;
}

static void join_waiters(struct waiter *w, int n)
{
	for (int i = 0; i < n; i++)
		pthread_join(w[i].th, NULL);
}

static volatile int handled;

static void on_signal(int sig)
{
	(void)sig;
	handled++;
}

struct kick {
	pid_t tid;
	int sig;
	long after_ms;
};

static void *send_later(void *arg)
{
	struct kick *k = arg;

	sleep_ms(k->after_ms);
	syscall(SYS_tgkill, getpid(), k->tid, k->sig);
	return NULL;
}

static void *change_and_wake_later(void *arg)
{
	uint32_t *w = arg;

	sleep_ms(100);
	__atomic_store_n(w, 1, __ATOMIC_SEQ_CST);
	futex(w, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	return NULL;
}

/* futex_waitv(2): glibc 2.36 has no wrapper; the struct is linux/futex.h's */
static long waitv(struct futex_waitv *w, unsigned int n, unsigned int flags,
		  const struct timespec *abs, clockid_t clk)
{
	return syscall(SYS_futex_waitv, w, n, flags, abs, clk);
}

struct waitv_waiter {
	struct futex_waitv w[3];
	volatile int started;
	long rc;
};

static void *waitv_on_three(void *arg)
{
	struct waitv_waiter *v = arg;

	__atomic_store_n(&v->started, 1, __ATOMIC_SEQ_CST);
	v->rc = waitv(v->w, 3, 0, NULL, 0);
	return NULL;
}

int main(void)
{
	static uint32_t word, word2;

	CASE(wait_returns_eagain_at_once_when_the_word_differs)
	{
		word = 1;
		CHECK_EQ(futex(&word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0), -1);
		CHECK_EQ(errno, EAGAIN);
		CHECK_EQ(futex(&word, FUTEX_WAIT, 2, NULL, NULL, 0), -1);
		CHECK_EQ(errno, EAGAIN);
		word = 0;
	}

	CASE(wait_with_a_relative_timeout_sleeps_that_long_then_etimedout)
	{
		struct timespec t0, t1, rel = { 0, 80 * 1000000 };

		clock_gettime(CLOCK_MONOTONIC, &t0);
		CHECK_EQ(futex(&word, FUTEX_WAIT_PRIVATE, 0, &rel, NULL, 0), -1);
		CHECK_EQ(errno, ETIMEDOUT);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		CHECK(elapsed_ms(&t0, &t1) >= 80);
		CHECK(elapsed_ms(&t0, &t1) < 5000);
	}

	CASE(wait_bitset_with_an_absolute_monotonic_timeout_ends_at_that_time)
	{
		struct timespec t0, t1, until = in_ms(CLOCK_MONOTONIC, 70);

		clock_gettime(CLOCK_MONOTONIC, &t0);
		CHECK_EQ(futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 0, &until, NULL,
			       FUTEX_BITSET_MATCH_ANY),
			 -1);
		CHECK_EQ(errno, ETIMEDOUT);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		CHECK(t1.tv_sec > until.tv_sec ||
		      (t1.tv_sec == until.tv_sec && t1.tv_nsec >= until.tv_nsec));
		CHECK(elapsed_ms(&t0, &t1) < 5000);
	}

	CASE(wait_bitset_with_clock_realtime_takes_a_realtime_deadline)
	{
		struct timespec t0, t1, until = in_ms(CLOCK_REALTIME, 70);

		clock_gettime(CLOCK_REALTIME, &t0);
		CHECK_EQ(futex(&word, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 0, &until,
			       NULL, FUTEX_BITSET_MATCH_ANY),
			 -1);
		CHECK_EQ(errno, ETIMEDOUT);
		clock_gettime(CLOCK_REALTIME, &t1);
		CHECK(elapsed_ms(&t0, &t1) >= 69);
		CHECK(elapsed_ms(&t0, &t1) < 5000);
	}

	CASE(a_deadline_already_past_times_out_at_once_but_the_word_is_checked_first)
	{
		struct timespec past = { 0, 1 }, t0, t1;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		CHECK_EQ(
		    futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 0, &past, NULL, FUTEX_BITSET_MATCH_ANY),
		    -1);
		CHECK_EQ(errno, ETIMEDOUT);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		CHECK(elapsed_ms(&t0, &t1) < 1000);
		CHECK_EQ(
		    futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 5, &past, NULL, FUTEX_BITSET_MATCH_ANY),
		    -1);
		CHECK_EQ(errno, EAGAIN);
	}

	CASE(wake_wakes_as_many_as_asked_and_says_how_many)
	{
		struct waiter w[3];

		CHECK_EQ(futex(&word, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0), 0);
		start_waiters(w, 3, &word, FUTEX_BITSET_MATCH_ANY);
		CHECK_EQ(count_done(w, 3), 0);
		CHECK_EQ(futex(&word, FUTEX_WAKE_PRIVATE, 2, NULL, NULL, 0), 2);
		/* the woken two may take a while to run where harts outnumber the host's cores */
		for (int i = 0; i < 200 && count_done(w, 3) < 2; i++)
			sleep_ms(10);
		sleep_ms(30);
		CHECK_EQ(count_done(w, 3), 2);
		/* a shared futex on the same word is another futex, as Linux keys them */
		CHECK_EQ(futex(&word, FUTEX_WAKE, 10, NULL, NULL, 0), 0);
		CHECK_EQ(futex(&word, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0), 1);
		CHECK_EQ(futex(&word, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0), 0);
		join_waiters(w, 3);
		for (int i = 0; i < 3; i++)
			CHECK_EQ(w[i].rc, 0);
	}

	CASE(wake_of_zero_still_wakes_one_as_linux_counts)
	{
		struct waiter w[2];

		start_waiters(w, 2, &word, FUTEX_BITSET_MATCH_ANY);
		CHECK_EQ(futex(&word, FUTEX_WAKE_PRIVATE, 0, NULL, NULL, 0), 1);
		CHECK_EQ(futex(&word, FUTEX_WAKE_PRIVATE, 5, NULL, NULL, 0), 1);
		join_waiters(w, 2);
	}

	CASE(requeue_wakes_some_and_moves_others_to_the_second_word)
	{
		struct waiter w[4];

		start_waiters(w, 4, &word, FUTEX_BITSET_MATCH_ANY);
		/* 1 woken, 2 moved: the count is both */
		CHECK_EQ(futex(&word, FUTEX_REQUEUE_PRIVATE, 1, (void *)2, &word2, 0), 3);
		sleep_ms(30);
		CHECK_EQ(count_done(w, 4), 1);
		CHECK_EQ(futex(&word2, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0), 2);
		CHECK_EQ(futex(&word, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0), 1);
		join_waiters(w, 4);
	}

	CASE(cmp_requeue_checks_the_word_first_then_moves)
	{
		struct waiter w[3];

		start_waiters(w, 3, &word, FUTEX_BITSET_MATCH_ANY);
		CHECK_EQ(futex(&word, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)1, &word2, 7), -1);
		CHECK_EQ(errno, EAGAIN);
		CHECK_EQ(count_done(w, 3), 0);
		/* nobody woken, all moved */
		CHECK_EQ(futex(&word, FUTEX_CMP_REQUEUE_PRIVATE, 0, (void *)10, &word2, 0), 3);
		CHECK_EQ(futex(&word, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0), 0);
		CHECK_EQ(futex(&word2, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0), 3);
		join_waiters(w, 3);
	}

	CASE(wake_bitset_wakes_only_waiters_whose_bitset_it_meets)
	{
		struct waiter w[2];

		start_waiters(w, 1, &word, 0x1);
		start_waiters(w + 1, 1, &word, 0x6);
		CHECK_EQ(futex(&word, FUTEX_WAKE_BITSET_PRIVATE, 10, NULL, NULL, 0x8), 0);
		CHECK_EQ(futex(&word, FUTEX_WAKE_BITSET_PRIVATE, 10, NULL, NULL, 0x4), 1);
		sleep_ms(30);
		CHECK_EQ(w[1].done, 1);
		CHECK_EQ(w[0].done, 0);
		/* a plain wake matches every bitset */
		CHECK_EQ(futex(&word, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0), 1);
		sleep_ms(30);
		CHECK_EQ(w[0].done, 1);
		join_waiters(w, 2);
	}

	CASE(a_handled_signal_cuts_a_timed_wait_short_with_eintr)
	{
		struct sigaction sa = { 0 };
		struct kick k = { gettid(), SIGUSR1, 40 };
		struct timespec rel = { 5, 0 }, t0, t1;
		pthread_t th;

		sa.sa_handler = on_signal;
		sigaction(SIGUSR1, &sa, NULL);
		handled = 0;
		pthread_create(&th, NULL, send_later, &k);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		CHECK_EQ(futex(&word, FUTEX_WAIT_PRIVATE, 0, &rel, NULL, 0), -1);
		CHECK_EQ(errno, EINTR);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		CHECK_EQ(handled, 1);
		CHECK(elapsed_ms(&t0, &t1) < 4000);
		pthread_join(th, NULL);
	}

	CASE(a_wait_without_timeout_is_restarted_after_an_sa_restart_handler_not_cut_short)
	{
		struct sigaction sa = { 0 };
		struct kick k = { gettid(), SIGUSR1, 30 };
		struct timespec t0, t1;
		pthread_t th, waker;
		long rc;

		sa.sa_handler = on_signal;
		sa.sa_flags = SA_RESTART;
		sigaction(SIGUSR1, &sa, NULL);
		handled = 0;
		word = 0;
		pthread_create(&th, NULL, send_later, &k);
		pthread_create(&waker, NULL, change_and_wake_later, &word);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		rc = futex(&word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		/* woken by the wake after the handler ran, or the word had changed by then */
		CHECK(rc == 0 || errno == EAGAIN);
		CHECK_EQ(handled, 1);
		CHECK(elapsed_ms(&t0, &t1) >= 100);
		pthread_join(th, NULL);
		pthread_join(waker, NULL);
		word = 0;
	}

	CASE(a_wait_without_timeout_ends_with_eintr_after_a_handler_without_sa_restart)
	{
		struct sigaction sa = { 0 };
		struct kick k = { gettid(), SIGUSR1, 30 };
		pthread_t th;

		sa.sa_handler = on_signal;
		sigaction(SIGUSR1, &sa, NULL);
		handled = 0;
		word = 0;
		pthread_create(&th, NULL, send_later, &k);
		CHECK_EQ(futex(&word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0), -1);
		CHECK_EQ(errno, EINTR);
		CHECK_EQ(handled, 1);
		pthread_join(th, NULL);
		sa.sa_handler = SIG_DFL;
		sigaction(SIGUSR1, &sa, NULL);
	}

	CASE(bad_operations_and_arguments_are_einval_or_enosys)
	{
		struct timespec bad = { 0, 1000000000 }, neg = { -1, 0 };
		char *p = (char *)&word;

		CHECK_EQ(futex(p + 1, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0), -1);
		CHECK_EQ(errno, EINVAL);
		CHECK_EQ(futex(p + 2, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0), -1);
		CHECK_EQ(errno, EINVAL);
		CHECK_EQ(futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 0, NULL, NULL, 0), -1);
		CHECK_EQ(errno, EINVAL);
		CHECK_EQ(futex(&word, FUTEX_WAKE_BITSET_PRIVATE, 1, NULL, NULL, 0), -1);
		CHECK_EQ(errno, EINVAL);
		CHECK_EQ(futex(&word, FUTEX_WAIT_PRIVATE, 0, &bad, NULL, 0), -1);
		CHECK_EQ(errno, EINVAL);
		CHECK_EQ(futex(&word, FUTEX_WAIT_PRIVATE, 0, &neg, NULL, 0), -1);
		CHECK_EQ(errno, EINVAL);
		CHECK_EQ(futex(&word, FUTEX_REQUEUE_PRIVATE, -1, (void *)1, &word2, 0), -1);
		CHECK_EQ(errno, EINVAL);
		CHECK_EQ(futex(&word, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)-1, &word2, 0), -1);
		CHECK_EQ(errno, EINVAL);
		CHECK_EQ(futex(&word, FUTEX_REQUEUE_PRIVATE, 1, (void *)1, p + 1, 0), -1);
		CHECK_EQ(errno, EINVAL);
		/* FUTEX_CLOCK_REALTIME goes only with the absolute waits */
		CHECK_EQ(futex(&word, FUTEX_WAIT_PRIVATE | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0),
			 -1);
		CHECK_EQ(errno, ENOSYS);
		CHECK_EQ(futex(&word, FUTEX_WAKE_PRIVATE | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0),
			 -1);
		CHECK_EQ(errno, ENOSYS);
		CHECK_EQ(futex(&word, 99, 0, NULL, NULL, 0), -1);
		CHECK_EQ(errno, ENOSYS);
	}

	CASE(bad_addresses_are_efault_where_linux_looks_at_memory)
	{
		struct timespec rel = { 0, 1000000 };
		void *gone =
		    mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		munmap(gone, 4096);
		CHECK_EQ(futex(gone, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0), -1);
		CHECK_EQ(errno, EFAULT);
		CHECK_EQ(futex((void *)-4096l, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0), -1);
		CHECK_EQ(errno, EFAULT);
		CHECK_EQ(futex(&word, FUTEX_WAIT_PRIVATE, 0, (void *)8, NULL, 0), -1);
		CHECK_EQ(errno, EFAULT);
		/* a private wake needs no memory; a shared one finds its key through the page */
		CHECK_EQ(futex(gone, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0), 0);
		CHECK_EQ(futex(gone, FUTEX_WAKE, 1, NULL, NULL, 0), -1);
		CHECK_EQ(errno, EFAULT);
		CHECK_EQ(futex(&word, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)1, gone, 0), 0);
		(void)rel;
	}
	CASE(waitv_sleeps_on_several_words_and_returns_the_index_of_the_one_woken)
	{
		static uint32_t words[3];
		struct waitv_waiter v = { 0 };
		pthread_t th;

		for (int i = 0; i < 3; i++)
			v.w[i] = (struct futex_waitv){ .val = 0,
						       .uaddr = (uintptr_t)&words[i],
						       .flags = FUTEX_32 | FUTEX_PRIVATE_FLAG };
		pthread_create(&th, NULL, waitv_on_three, &v);
		while (!__atomic_load_n(&v.started, __ATOMIC_SEQ_CST))
			sleep_ms(1);
		sleep_ms(50);
		CHECK_EQ(futex(&words[0], FUTEX_WAKE, 1, NULL, NULL, 0),
			 0); /* shared: another key */
		CHECK_EQ(futex(&words[2], FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0), 1);
		pthread_join(th, NULL);
		CHECK_EQ(v.rc, 2);
		/* all three left their queues: nobody is left to wake */
		CHECK_EQ(futex(&words[1], FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0), 0);
	}

	CASE(waitv_is_eagain_when_any_word_differs_and_etimedout_at_its_absolute_deadline)
	{
		static uint32_t a, b = 7;
		struct futex_waitv w[2] = {
			{ .val = 0,
			  .uaddr = (uintptr_t)&a,
			  .flags = FUTEX_32 | FUTEX_PRIVATE_FLAG },
			{ .val = 0, .uaddr = (uintptr_t)&b, .flags = FUTEX_32 },
		};
		struct timespec t0, t1, dl;

		CHECK_EQ(waitv(w, 2, 0, NULL, 0), -1);
		CHECK_EQ(errno, EAGAIN);
		w[1].val = 7;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		dl = in_ms(CLOCK_MONOTONIC, 50);
		CHECK_EQ(waitv(w, 2, 0, &dl, CLOCK_MONOTONIC), -1);
		CHECK_EQ(errno, ETIMEDOUT);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		CHECK(elapsed_ms(&t0, &t1) >= 49);
		dl = in_ms(CLOCK_REALTIME, 30);
		CHECK_EQ(waitv(w, 2, 0, &dl, CLOCK_REALTIME), -1);
		CHECK_EQ(errno, ETIMEDOUT);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		CHECK(elapsed_ms(&t1, &t0) >= 29);
	}

	CASE(waitv_refuses_bad_arguments_with_linux_s_errors)
	{
		static uint32_t a[2];
		struct futex_waitv w[129];
		struct timespec dl = in_ms(CLOCK_MONOTONIC, 10), bad = { 0, 1000000000 };
		void *gone =
		    mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		munmap(gone, 4096);
		for (int i = 0; i < 129; i++)
			w[i] = (struct futex_waitv){ .val = 1,
						     .uaddr = (uintptr_t)&a[0],
						     .flags = FUTEX_32 | FUTEX_PRIVATE_FLAG };
		CHECK_EQ(waitv(w, 1, 1, NULL, 0), -1); /* no call flags yet */
		CHECK_EQ(errno, EINVAL);
		CHECK_EQ(waitv(w, 0, 0, NULL, 0), -1);
		CHECK_EQ(errno, EINVAL);
		CHECK_EQ(waitv(w, 129, 0, NULL, 0), -1);
		CHECK_EQ(errno, EINVAL);
		CHECK_EQ(waitv(NULL, 1, 0, NULL, 0), -1);
		CHECK_EQ(errno, EINVAL);
		CHECK_EQ(waitv(w, 1, 0, &dl, CLOCK_BOOTTIME), -1);
		CHECK_EQ(errno, EINVAL);
		CHECK_EQ(waitv(w, 1, 0, NULL, CLOCK_BOOTTIME),
			 -1); /* the clock matters with a time */
		CHECK_EQ(errno, EAGAIN);
		CHECK_EQ(waitv(w, 1, 0, &bad, CLOCK_MONOTONIC), -1);
		CHECK_EQ(errno, EINVAL);
		CHECK_EQ(waitv(w, 1, 0, gone, CLOCK_MONOTONIC), -1);
		CHECK_EQ(errno, EFAULT);
		CHECK_EQ(waitv(w, 128, 0, NULL, 0),
			 -1); /* 128 is the most: all checked, one differs */
		CHECK_EQ(errno, EAGAIN);
		CHECK_EQ(waitv(gone, 1, 0, NULL, 0), -1);
		CHECK_EQ(errno, EFAULT);
		w[1].flags = FUTEX_PRIVATE_FLAG; /* no size */
		CHECK_EQ(waitv(w, 2, 0, NULL, 0), -1);
		CHECK_EQ(errno, EINVAL);
		w[1].flags = FUTEX_32 | 4;
		CHECK_EQ(waitv(w, 2, 0, NULL, 0), -1);
		CHECK_EQ(errno, EINVAL);
		w[1].flags = FUTEX_32;
		w[1].__reserved = 1;
		CHECK_EQ(waitv(w, 2, 0, NULL, 0), -1);
		CHECK_EQ(errno, EINVAL);
		w[1].__reserved = 0;
		w[0].uaddr = (uintptr_t)&a[0] + 2; /* misaligned */
		CHECK_EQ(waitv(w, 2, 0, NULL, 0), -1);
		CHECK_EQ(errno, EINVAL);
		w[0].uaddr = (uintptr_t)gone;
		CHECK_EQ(waitv(w, 2, 0, NULL, 0), -1);
		CHECK_EQ(errno, EFAULT);
	}
	return check_finish();
}
