/* Threads as glibc's pthreads use them: create and join, exit values, thread ids, thread-locals,
 * mutexes under contention, condition variables with timeouts, barriers, detached threads,
 * exit_group and faults ending every thread, signals sent to the process, robust mutexes whose
 * owner died, and clone's flag rules. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#define NTHREADS 4

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

static void *return_arg_plus_one(void *arg)
{
	return (void *)((intptr_t)arg + 1);
}

static __attribute__((noinline)) void exit_with_77(void)
{
	pthread_exit((void *)77);
}

static void *exit_from_deep(void *arg)
{
	(void)arg;
	exit_with_77();
	return NULL;
}

struct ids {
	pid_t tid, pid, ppid;
};

static void *record_ids(void *arg)
{
	struct ids *ids = arg;

	ids->tid = gettid();
	ids->pid = getpid();
	ids->ppid = getppid();
	return NULL;
}

static __thread int tl_value = 5;
static __thread char tl_buf[64];

struct tl_result {
	int index;
	int *addr;
	int seen_initial, seen_after;
};

static pthread_barrier_t tl_barrier;

static void *use_thread_locals(void *arg)
{
	struct tl_result *r = arg;

	r->seen_initial = tl_value;
	r->addr = &tl_value;
	tl_value = 100 + r->index;
	tl_buf[0] = (char)r->index;
	/* everyone has written their own before anyone reads again */
	pthread_barrier_wait(&tl_barrier);
	r->seen_after = tl_value + (tl_buf[0] == (char)r->index ? 0 : 1000);
	return NULL;
}

static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
#define INCREMENTS 3000

static void *add_under_lock(void *arg)
{
	(void)arg;
	for (int i = 0; i < INCREMENTS; i++) {
		pthread_mutex_lock(&counter_lock);
		long v = counter;
		/* give the hart away while holding the lock: the others must wait on it */
		if (i % 64 == 0)
			sched_yield();
		counter = v + 1;
		pthread_mutex_unlock(&counter_lock);
	}
	return NULL;
}

static pthread_mutex_t cv_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int cv_flag;

static void *set_flag_and_signal(void *arg)
{
	(void)arg;
	sleep_ms(30);
	pthread_mutex_lock(&cv_lock);
	cv_flag = 1;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&cv_lock);
	return NULL;
}

static pthread_barrier_t barrier;
static int serial_count, phase_errors;
static volatile int arrived[3];

static void *barrier_phases(void *arg)
{
	(void)arg;
	for (int phase = 0; phase < 3; phase++) {
		__atomic_fetch_add(&arrived[phase], 1, __ATOMIC_SEQ_CST);
		int rc = pthread_barrier_wait(&barrier);

		if (rc == PTHREAD_BARRIER_SERIAL_THREAD)
			__atomic_fetch_add(&serial_count, 1, __ATOMIC_SEQ_CST);
		else if (rc != 0)
			__atomic_fetch_add(&phase_errors, 1, __ATOMIC_SEQ_CST);
		/* nobody passes before all have arrived */
		if (__atomic_load_n(&arrived[phase], __ATOMIC_SEQ_CST) != NTHREADS)
			__atomic_fetch_add(&phase_errors, 1, __ATOMIC_SEQ_CST);
	}
	return NULL;
}

static sem_t detached_done;
static volatile int detached_ran;

static void *detached_body(void *arg)
{
	(void)arg;
	__atomic_fetch_add(&detached_ran, 1, __ATOMIC_SEQ_CST);
	sem_post(&detached_done);
	return NULL;
}

static uint32_t never_woken;

/* asleep in the kernel, on a futex nobody wakes: ended from there */
static void *sleep_forever(void *arg)
{
	(void)arg;
	for (;;)
		syscall(SYS_futex, &never_woken, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
	return NULL;
}

static void *spin_forever(void *arg)
{
	(void)arg;
	for (;;)
		__asm__ volatile("" ::: "memory");
	return NULL;
}

static void *exit_process_3(void *arg)
{
	(void)arg;
	sleep_ms(20);
	exit(3);
}

static void *fault_on_null(void *arg)
{
	(void)arg;
	sleep_ms(20);
	*(volatile int *)0 = 1;
	return NULL;
}

static volatile pid_t handled_by;
static volatile int handled_count;

static void record_handler(int sig)
{
	(void)sig;
	handled_by = gettid();
	handled_count++;
}

static volatile pid_t receiver_tid;

static void *receive_sigusr1(void *arg)
{
	sigset_t none;

	(void)arg;
	sigemptyset(&none);
	pthread_sigmask(SIG_SETMASK, &none, NULL);
	receiver_tid = gettid();
	for (int i = 0; i < 400 && !handled_count; i++) /* 2 s at most: a test must not hang */
		sleep_ms(5);
	return NULL;
}

static pthread_mutex_t robust;
static sem_t robust_locked;

static void *lock_and_die(void *arg)
{
	long hold_ms = (long)(intptr_t)arg;

	pthread_mutex_lock(&robust);
	sem_post(&robust_locked);
	if (hold_ms)
		sleep_ms(hold_ms);
	/* ends holding the lock, by the raw call: glibc's own clean-up of its robust list at a
	 * thread's return is skipped, and the kernel's walk of the list is what is tested */
	syscall(SYS_exit, 0);
	return NULL;
}

static void *reap_child(void *arg)
{
	pid_t pid = (pid_t)(intptr_t)arg;
	int status = -1;

	if (waitpid(pid, &status, 0) != pid)
		return (void *)-1;
	return (void *)(intptr_t)status;
}

static void *stop_here(void *arg)
{
	(void)arg;
	return NULL;
}

int main(void)
{
	CASE(pthread_create_and_join_give_the_threads_return_value)
	{
		pthread_t th[NTHREADS];
		void *ret;

		for (intptr_t i = 0; i < NTHREADS; i++)
			CHECK_EQ(
			    pthread_create(&th[i], NULL, return_arg_plus_one, (void *)(i * 10)), 0);
		for (intptr_t i = 0; i < NTHREADS; i++) {
			ret = NULL;
			CHECK_EQ(pthread_join(th[i], &ret), 0);
			CHECK_EQ((intptr_t)ret, i * 10 + 1);
		}
	}

	CASE(pthread_exit_deep_in_a_thread_gives_join_its_value)
	{
		pthread_t th;
		void *ret = NULL;

		CHECK_EQ(pthread_create(&th, NULL, exit_from_deep, NULL), 0);
		CHECK_EQ(pthread_join(th, &ret), 0);
		CHECK_EQ((intptr_t)ret, 77);
	}

	CASE(a_thread_has_its_own_tid_and_the_process_pid_and_ppid)
	{
		struct ids ids[2] = { 0 };
		pthread_t th[2];

		CHECK_EQ(gettid(), getpid());
		for (int i = 0; i < 2; i++)
			CHECK_EQ(pthread_create(&th[i], NULL, record_ids, &ids[i]), 0);
		for (int i = 0; i < 2; i++)
			CHECK_EQ(pthread_join(th[i], NULL), 0);
		for (int i = 0; i < 2; i++) {
			CHECK(ids[i].tid > 0);
			CHECK(ids[i].tid != getpid());
			CHECK_EQ(ids[i].pid, getpid());
			CHECK_EQ(ids[i].ppid, getppid());
		}
		CHECK(ids[0].tid != ids[1].tid);
	}

	CASE(thread_locals_are_distinct_per_thread_and_start_from_their_initial_value)
	{
		struct tl_result r[NTHREADS] = { 0 };
		pthread_t th[NTHREADS];

		tl_value = 9;
		pthread_barrier_init(&tl_barrier, NULL, NTHREADS);
		for (int i = 0; i < NTHREADS; i++) {
			r[i].index = i;
			CHECK_EQ(pthread_create(&th[i], NULL, use_thread_locals, &r[i]), 0);
		}
		for (int i = 0; i < NTHREADS; i++)
			CHECK_EQ(pthread_join(th[i], NULL), 0);
		for (int i = 0; i < NTHREADS; i++) {
			CHECK_EQ(r[i].seen_initial, 5);
			CHECK_EQ(r[i].seen_after, 100 + i);
			CHECK(r[i].addr != &tl_value);
			for (int j = 0; j < i; j++)
				CHECK(r[i].addr != r[j].addr);
		}
		CHECK_EQ(tl_value, 9);
		pthread_barrier_destroy(&tl_barrier);
	}

	CASE(a_mutex_under_contention_loses_no_increment)
	{
		pthread_t th[NTHREADS];

		counter = 0;
		for (int i = 0; i < NTHREADS; i++)
			CHECK_EQ(pthread_create(&th[i], NULL, add_under_lock, NULL), 0);
		for (int i = 0; i < NTHREADS; i++)
			CHECK_EQ(pthread_join(th[i], NULL), 0);
		CHECK_EQ(counter, NTHREADS * INCREMENTS);
	}

	CASE(cond_timedwait_times_out_after_its_time_with_etimedout)
	{
		struct timespec t0, t1, until;

		clock_gettime(CLOCK_REALTIME, &t0);
		until = t0;
		until.tv_nsec += 60 * 1000000;
		if (until.tv_nsec >= 1000000000) {
			until.tv_nsec -= 1000000000;
			until.tv_sec++;
		}
		pthread_mutex_lock(&cv_lock);
		CHECK_EQ(pthread_cond_timedwait(&cv, &cv_lock, &until), ETIMEDOUT);
		pthread_mutex_unlock(&cv_lock);
		clock_gettime(CLOCK_REALTIME, &t1);
		CHECK(elapsed_ms(&t0, &t1) >= 60);
		CHECK(elapsed_ms(&t0, &t1) < 5000);
	}

	CASE(cond_timedwait_returns_when_signalled_before_its_time)
	{
		struct timespec t0, t1, until;
		pthread_t th;
		int rc = 0;

		cv_flag = 0;
		clock_gettime(CLOCK_REALTIME, &t0);
		until = t0;
		until.tv_sec += 10;
		CHECK_EQ(pthread_create(&th, NULL, set_flag_and_signal, NULL), 0);
		pthread_mutex_lock(&cv_lock);
		while (!cv_flag && rc == 0)
			rc = pthread_cond_timedwait(&cv, &cv_lock, &until);
		pthread_mutex_unlock(&cv_lock);
		clock_gettime(CLOCK_REALTIME, &t1);
		CHECK_EQ(rc, 0);
		CHECK_EQ(cv_flag, 1);
		CHECK(elapsed_ms(&t0, &t1) < 5000);
		CHECK_EQ(pthread_join(th, NULL), 0);
	}

	CASE(a_barrier_lets_nobody_through_early_and_names_one_serial_thread)
	{
		pthread_t th[NTHREADS];

		pthread_barrier_init(&barrier, NULL, NTHREADS);
		for (int i = 0; i < NTHREADS; i++)
			CHECK_EQ(pthread_create(&th[i], NULL, barrier_phases, NULL), 0);
		for (int i = 0; i < NTHREADS; i++)
			CHECK_EQ(pthread_join(th[i], NULL), 0);
		CHECK_EQ(serial_count, 3);
		CHECK_EQ(phase_errors, 0);
		pthread_barrier_destroy(&barrier);
	}

	CASE(detached_threads_run_and_end_on_their_own)
	{
		pthread_attr_t attr;
		pthread_t th;

		sem_init(&detached_done, 0, 0);
		pthread_attr_init(&attr);
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		for (int i = 0; i < NTHREADS; i++)
			CHECK_EQ(pthread_create(&th, &attr, detached_body, NULL), 0);
		for (int i = 0; i < NTHREADS; i++)
			CHECK_EQ(sem_wait(&detached_done), 0);
		CHECK_EQ(detached_ran, NTHREADS);
		/* their stacks are reused: many more come and go without running out */
		for (int i = 0; i < 40; i++) {
			CHECK_EQ(pthread_create(&th, &attr, detached_body, NULL), 0);
			CHECK_EQ(sem_wait(&detached_done), 0);
		}
		pthread_attr_destroy(&attr);
	}

	CASE(exit_in_one_thread_ends_every_thread_and_the_parent_sees_its_status)
	{
		int status = -1;
		pid_t pid = fork();

		if (pid == 0) {
			pthread_t a, b, c;

			pthread_create(&a, NULL, sleep_forever, NULL);
			pthread_create(&b, NULL, spin_forever, NULL);
			pthread_create(&c, NULL, exit_process_3, NULL);
			pthread_join(a, NULL); /* never returns: exit(3) ends this thread too */
			_exit(50);
		}
		CHECK(pid > 0);
		CHECK_EQ(waitpid(pid, &status, 0), pid);
		CHECK(WIFEXITED(status));
		CHECK_EQ(WEXITSTATUS(status), 3);
	}

	CASE(the_process_lives_until_its_last_thread_even_after_main_pthread_exits)
	{
		int status = -1;
		pid_t pid = fork();

		if (pid == 0) {
			pthread_t c;

			pthread_create(&c, NULL, exit_process_3, NULL);
			pthread_exit(NULL); /* main ends; the process goes on */
		}
		CHECK(pid > 0);
		CHECK_EQ(waitpid(pid, &status, 0), pid);
		CHECK(WIFEXITED(status));
		CHECK_EQ(WEXITSTATUS(status), 3);
	}

	CASE(a_fault_in_one_thread_ends_the_whole_process_with_sigsegv)
	{
		int status = -1;
		pid_t pid;

		printf("expect-report: a_fault_in_one_thread_ends_the_whole_process_with_sigsegv "
		       "threads pid [0-9]+ tid [0-9]+ killed: store page fault at 0x0\n");
		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			pthread_t a, b;

			pthread_create(&a, NULL, sleep_forever, NULL);
			pthread_create(&b, NULL, fault_on_null, NULL);
			pthread_join(a, NULL);
			_exit(50);
		}
		CHECK(pid > 0);
		CHECK_EQ(waitpid(pid, &status, 0), pid);
		CHECK(WIFSIGNALED(status));
		CHECK_EQ(WTERMSIG(status), SIGSEGV);
	}

	CASE(a_signal_to_the_process_goes_to_a_thread_that_does_not_block_it)
	{
		struct sigaction sa = { 0 };
		sigset_t block, old;
		pthread_t th;

		sa.sa_handler = record_handler;
		sigaction(SIGUSR1, &sa, NULL);
		sigemptyset(&block);
		sigaddset(&block, SIGUSR1);
		pthread_sigmask(SIG_BLOCK, &block, &old);
		handled_count = 0;
		handled_by = 0;
		receiver_tid = 0;
		CHECK_EQ(pthread_create(&th, NULL, receive_sigusr1, NULL), 0);
		while (!receiver_tid)
			sleep_ms(5);
		CHECK_EQ(kill(getpid(), SIGUSR1), 0);
		CHECK_EQ(pthread_join(th, NULL), 0);
		CHECK_EQ(handled_count, 1);
		CHECK_EQ(handled_by, receiver_tid);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		sa.sa_handler = SIG_DFL;
		sigaction(SIGUSR1, &sa, NULL);
	}

	CASE(tgkill_reaches_the_thread_it_names)
	{
		struct sigaction sa = { 0 };

		sa.sa_handler = record_handler;
		sigaction(SIGUSR2, &sa, NULL);
		handled_count = 0;
		handled_by = 0;
		CHECK_EQ(syscall(SYS_tgkill, getpid(), gettid(), SIGUSR2), 0);
		CHECK_EQ(handled_count, 1);
		CHECK_EQ(handled_by, gettid());
		CHECK_EQ(syscall(SYS_tgkill, getpid() + 1000, gettid(), SIGUSR2), -1);
		CHECK_EQ(errno, ESRCH);
		sa.sa_handler = SIG_DFL;
		sigaction(SIGUSR2, &sa, NULL);
	}

	CASE(a_robust_mutex_whose_owner_thread_ended_gives_eownerdead)
	{
		pthread_mutexattr_t ma;
		struct timespec t0, t1, until;
		pthread_t th;

		pthread_mutexattr_init(&ma);
		pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST);
		CHECK_EQ(pthread_mutex_init(&robust, &ma), 0);
		sem_init(&robust_locked, 0, 0);
		/* the owner ends first: the next lock finds OWNER_DIED */
		CHECK_EQ(pthread_create(&th, NULL, lock_and_die, (void *)0), 0);
		CHECK_EQ(pthread_join(th, NULL), 0);
		CHECK_EQ(sem_wait(&robust_locked), 0);
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += 2;
		CHECK_EQ(pthread_mutex_clocklock(&robust, CLOCK_MONOTONIC, &until), EOWNERDEAD);
		CHECK_EQ(pthread_mutex_consistent(&robust), 0);
		CHECK_EQ(pthread_mutex_unlock(&robust), 0);
		/* a waiter asleep on the lock is woken when its owner ends */
		CHECK_EQ(pthread_create(&th, NULL, lock_and_die, (void *)50), 0);
		CHECK_EQ(sem_wait(&robust_locked), 0);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		until = t0;
		until.tv_sec += 5; /* timedlock: a waiter nobody wakes fails instead of hanging */
		CHECK_EQ(pthread_mutex_clocklock(&robust, CLOCK_MONOTONIC, &until), EOWNERDEAD);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		CHECK(elapsed_ms(&t0, &t1) >= 20); /* it slept until the owner ended */
		CHECK_EQ(pthread_mutex_consistent(&robust), 0);
		CHECK_EQ(pthread_mutex_unlock(&robust), 0);
		CHECK_EQ(pthread_join(th, NULL), 0);
		pthread_mutexattr_destroy(&ma);
	}

	CASE(any_thread_reaps_a_child_of_the_process)
	{
		pthread_t th;
		void *ret = NULL;
		pid_t pid = fork();

		if (pid == 0)
			_exit(9);
		CHECK_EQ(pthread_create(&th, NULL, reap_child, (void *)(intptr_t)pid), 0);
		CHECK_EQ(pthread_join(th, &ret), 0);
		CHECK_EQ((intptr_t)ret, 9 << 8);
	}

	CASE(clone_refuses_the_flag_combinations_linux_refuses)
	{
		/* a thread without shared signal actions; shared actions without the space */
		CHECK_EQ(syscall(SYS_clone, CLONE_VM | CLONE_THREAD, 0, 0, 0, 0), -1);
		CHECK_EQ(errno, EINVAL);
		CHECK_EQ(syscall(SYS_clone, CLONE_SIGHAND | SIGCHLD, 0, 0, 0, 0), -1);
		CHECK_EQ(errno, EINVAL);
		CHECK_EQ(syscall(SYS_clone, CLONE_THREAD | CLONE_SIGHAND, 0, 0, 0, 0), -1);
		CHECK_EQ(errno, EINVAL);
	}

	CASE(fork_from_a_thread_makes_a_process_of_one_thread)
	{
		pthread_t th;

		CHECK_EQ(pthread_create(&th, NULL, stop_here, NULL), 0);
		CHECK_EQ(pthread_join(th, NULL), 0);
		int status = -1;
		pid_t pid = fork();

		if (pid == 0)
			_exit(gettid() == getpid() ? 0 : 1);
		CHECK_EQ(waitpid(pid, &status, 0), pid);
		CHECK_EQ(status, 0);
	}
	return check_finish();
}
