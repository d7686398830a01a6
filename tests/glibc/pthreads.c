/* What ordinary pthread programs do beyond creating and joining: cancellation (deferred at a
 * sleep or a condition wait, asynchronous in a loop), signals taken by sigwait in a thread
 * (sent to the thread, to the process, or pending at another thread), sigqueue's values,
 * tgkill's errors, the exit status of a process whose last thread ends after main, thread
 * stacks and their guard pages, semaphores, mutexes and condition variables shared between
 * processes through MAP_SHARED memory, rwlocks, spinlocks, pthread_once, thread-specific data
 * destructors, condition waits on CLOCK_MONOTONIC, scheduling parameters and thread names,
 * many threads, and fork from a threaded process. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}
static long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* ---- cancel ---- */
static volatile int cleanup_ran;
static void cleanup(void *a)
{
	(void)a;
	cleanup_ran = 1;
}
static void *sleeper(void *a)
{
	(void)a;
	pthread_cleanup_push(cleanup, NULL);
	for (;;)
		sleep_ms(1000);
	pthread_cleanup_pop(0);
	return NULL;
}
static void t_cancel_deferred(void)
{
	pthread_t t;
	void *r;
	CHECK_EQ(pthread_create(&t, NULL, sleeper, NULL), 0);
	sleep_ms(20);
	CHECK_EQ(pthread_cancel(t), 0);
	CHECK_EQ(pthread_join(t, &r), 0);
	CHECK(r == PTHREAD_CANCELED);
	CHECK_EQ(cleanup_ran, 1);
}
static volatile int spinning;
static void *spinner(void *a)
{
	(void)a;
	pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, NULL);
	for (;;)
		spinning++;
	return NULL;
}
static void t_cancel_async(void)
{
	pthread_t t;
	void *r;
	CHECK_EQ(pthread_create(&t, NULL, spinner, NULL), 0);
	while (spinning < 1000)
		sched_yield();
	CHECK_EQ(pthread_cancel(t), 0);
	CHECK_EQ(pthread_join(t, &r), 0);
	CHECK(r == PTHREAD_CANCELED);
}
static void unlock_mutex(void *m)
{
	pthread_mutex_unlock(m);
}
static void *cond_waiter_cancel(void *a)
{
	static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
	(void)a;
	pthread_mutex_lock(&m);
	pthread_cleanup_push(unlock_mutex, &m);
	for (;;)
		pthread_cond_wait(&c, &m);
	pthread_cleanup_pop(1);
	return NULL;
}
static void t_cancel_condwait(void)
{
	pthread_t t;
	void *r;
	CHECK_EQ(pthread_create(&t, NULL, cond_waiter_cancel, NULL), 0);
	sleep_ms(20);
	CHECK_EQ(pthread_cancel(t), 0);
	CHECK_EQ(pthread_join(t, &r), 0);
	CHECK(r == PTHREAD_CANCELED);
}

/* ---- tgkill ---- */
static void *nothing(void *a)
{
	return a;
}
static void *gettid_thread(void *a)
{
	*(pid_t *)a = gettid();
	return NULL;
}
static void t_tgkill_errors(void)
{
	pthread_t t;
	pid_t tid = 0;
	pthread_create(&t, NULL, gettid_thread, &tid);
	pthread_join(t, NULL);
	sleep_ms(10);
	errno = 0;
	CHECK_EQ(syscall(SYS_tgkill, getpid(), tid, 0), -1);
	CHECK_EQ(errno, ESRCH);
	errno = 0;
	CHECK_EQ(syscall(SYS_tkill, tid, SIGUSR1), -1);
	CHECK_EQ(errno, ESRCH);
	errno = 0;
	CHECK_EQ(syscall(SYS_tgkill, getpid(), gettid(), 65), -1);
	CHECK_EQ(errno, EINVAL);
	errno = 0;
	CHECK_EQ(syscall(SYS_tgkill, getpid(), -1, 0), -1);
	CHECK_EQ(errno, EINVAL);
	errno = 0;
	CHECK_EQ(syscall(SYS_tgkill, 0, gettid(), 0), -1);
	CHECK_EQ(errno, EINVAL);
	errno = 0;
	CHECK_EQ(syscall(SYS_tkill, 0, 0), -1);
	CHECK_EQ(errno, EINVAL);
	errno = 0;
	CHECK_EQ(syscall(SYS_tgkill, getpid() + 1000, gettid(), 0), -1);
	CHECK_EQ(errno, ESRCH);
	CHECK_EQ(syscall(SYS_tgkill, getpid(), gettid(), 0), 0);
	CHECK_EQ(pthread_kill(pthread_self(), 0), 0);
	CHECK_EQ(pthread_kill(pthread_self(), 99), EINVAL);
	CHECK_EQ(kill(getpid(), 0), 0);
	errno = 0;
	CHECK_EQ(kill(getpid(), 65), -1);
	CHECK_EQ(errno, EINVAL);
}

/* ---- sigwait ---- */
static void *sigwaiter(void *a)
{
	sigset_t s;
	int sig = 0;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigaddset(&s, SIGUSR2);
	sigwait(&s, &sig);
	*(int *)a = sig;
	return NULL;
}
static void t_sigwait_thread(void)
{
	sigset_t s, old;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigaddset(&s, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &s, &old);
	pthread_t t;
	int got = 0;
	pthread_create(&t, NULL, sigwaiter, &got);
	sleep_ms(20);
	CHECK_EQ(pthread_kill(t, SIGUSR2), 0);
	pthread_join(t, NULL);
	CHECK_EQ(got, SIGUSR2);
	/* process-directed */
	got = 0;
	pthread_create(&t, NULL, sigwaiter, &got);
	sleep_ms(20);
	kill(getpid(), SIGUSR1);
	pthread_join(t, NULL);
	CHECK_EQ(got, SIGUSR1);
	/* sent to the process before anyone waits: pending at a thread that blocks it, taken
	 * by the sigwait of another */
	got = 0;
	kill(getpid(), SIGUSR2);
	pthread_create(&t, NULL, sigwaiter, &got);
	pthread_join(t, NULL);
	CHECK_EQ(got, SIGUSR2);
	sigset_t pend;
	sigpending(&pend);
	CHECK(!sigismember(&pend, SIGUSR2));
	/* sigtimedwait timeout */
	struct timespec ts = { 0, 30000000 };
	long t0 = now_ms();
	errno = 0;
	CHECK_EQ(sigtimedwait(&s, NULL, &ts), -1);
	CHECK_EQ(errno, EAGAIN);
	CHECK(now_ms() - t0 >= 29);
	/* pending already */
	raise(SIGUSR1);
	siginfo_t si;
	CHECK_EQ(sigwaitinfo(&s, &si), SIGUSR1);
	CHECK_EQ(si.si_signo, SIGUSR1);
	kill(getpid(), SIGUSR2);
	ts.tv_nsec = 0;
	CHECK_EQ(sigtimedwait(&s, &si, &ts), SIGUSR2);
	CHECK_EQ(si.si_code, SI_USER);
	union sigval v = { .sival_int = 42 };
	CHECK_EQ(sigqueue(getpid(), SIGUSR1, v), 0);
	CHECK_EQ(sigwaitinfo(&s, &si), SIGUSR1);
	CHECK_EQ(si.si_code, SI_QUEUE);
	CHECK_EQ(si.si_value.sival_int, 42);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}
static volatile int qval;
static void qhandler(int sig, siginfo_t *si, void *u)
{
	(void)sig;
	(void)u;
	qval = si->si_value.sival_int;
}
static void t_pthread_sigqueue(void)
{
	struct sigaction sa = { 0 };
	sa.sa_sigaction = qhandler;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR1, &sa, NULL);
	union sigval v = { .sival_int = 7 };
	CHECK_EQ(pthread_sigqueue(pthread_self(), SIGUSR1, v), 0);
	CHECK_EQ(qval, 7);
	signal(SIGUSR1, SIG_DFL);
}

/* ---- exits ---- */
static void *exit9(void *a)
{
	(void)a;
	sleep_ms(10);
	exit(9);
}
static void *late_return(void *a)
{
	(void)a;
	sleep_ms(30);
	return NULL;
}
static void t_exits(void)
{
	int st;
	pid_t p = fork();
	if (!p) {
		pthread_t t;
		pthread_create(&t, NULL, exit9, NULL);
		for (;;)
			pause();
	}
	CHECK_EQ(waitpid(p, &st, 0), p);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 9);
	p = fork();
	if (!p) {
		pthread_t t;
		pthread_create(&t, NULL, late_return, NULL);
		pthread_exit(NULL);
	}
	CHECK_EQ(waitpid(p, &st, 0), p);
	CHECK_EQ(st, 0);
	p = fork();
	if (!p) {
		pthread_t t;
		pthread_create(&t, NULL, exit9, NULL);
		pthread_exit(NULL);
	}
	CHECK_EQ(waitpid(p, &st, 0), p);
	CHECK_EQ(st, 9 << 8);
	/* raw exit of main with status, last thread exits raw with other status */
	p = fork();
	if (!p) {
		pthread_t t;
		pthread_create(&t, NULL, late_return, NULL);
		syscall(SYS_exit, 5);
	}
	CHECK_EQ(waitpid(p, &st, 0), p);
	CHECK_EQ(st, 0); /* the last thread's own exit, as Linux's synchronize_group_exit */
}

/* ---- stacks ---- */
static void *stack_user(void *a)
{
	volatile char buf[32 * 1024];
	buf[0] = 1;
	buf[sizeof buf - 1] = 2;
	pthread_attr_t at;
	size_t sz = 0;
	void *addr;
	pthread_getattr_np(pthread_self(), &at);
	pthread_attr_getstack(&at, &addr, &sz);
	*(size_t *)a = sz;
	return NULL;
}
static volatile int recurse_forever = 1;
/* deeper and deeper until the guard page below the thread's stack */
static int recurse(int n)
{
	volatile char b[512];
	b[0] = n;
	return (recurse_forever ? recurse(n + 1) : 0) + b[0];
}
static void *overflow(void *a)
{
	(void)a;
	return (void *)(long)recurse(0);
}
static void t_stacks(void)
{
	pthread_attr_t at;
	pthread_t t;
	size_t sz = 0;
	pthread_attr_init(&at);
	CHECK_EQ(pthread_attr_setstacksize(&at, 65536), 0);
	CHECK_EQ(pthread_attr_setguardsize(&at, 8192), 0);
	CHECK_EQ(pthread_create(&t, &at, stack_user, &sz), 0);
	pthread_join(t, NULL);
	CHECK(sz >= 65536);
	pid_t p = fork();
	if (!p) {
		pthread_create(&t, &at, overflow, NULL);
		pthread_join(t, NULL);
		_exit(0);
	}
	int st;
	waitpid(p, &st, 0);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
	/* own stack */
	void *stk = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	pthread_attr_setstack(&at, stk, 1 << 20);
	CHECK_EQ(pthread_create(&t, &at, stack_user, &sz), 0);
	pthread_join(t, NULL);
	CHECK_EQ(sz, 1 << 20);
}
/* ---- semaphores ---- */
static void t_sem(void)
{
	sem_t s;
	CHECK_EQ(sem_init(&s, 0, 0), 0);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 30000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	errno = 0;
	CHECK_EQ(sem_timedwait(&s, &ts), -1);
	CHECK_EQ(errno, ETIMEDOUT);
	CHECK_EQ(sem_trywait(&s), -1);
	CHECK_EQ(errno, EAGAIN);
	sem_t *ps = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK_EQ(sem_init(&ps[0], 1, 0), 0);
	CHECK_EQ(sem_init(&ps[1], 1, 0), 0);
	pid_t p = fork();
	if (!p) {
		for (int i = 0; i < 20; i++) {
			sem_wait(&ps[0]);
			sem_post(&ps[1]);
		}
		_exit(0);
	}
	int ok = 0;
	for (int i = 0; i < 20; i++) {
		sleep_ms(i % 5 == 0 ? 2 : 0);
		sem_post(&ps[0]);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 2;
		ok += sem_timedwait(&ps[1], &ts) == 0;
	}
	CHECK_EQ(ok, 20);
	int st;
	kill(p, SIGKILL);
	waitpid(p, &st, 0);
}
struct shared {
	pthread_mutex_t m;
	pthread_cond_t c;
	int flag;
	long counter;
};
static void t_pshared_mutex(void)
{
	struct shared *sh =
	    mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pthread_mutexattr_t ma;
	pthread_condattr_t ca;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	pthread_condattr_init(&ca);
	pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED);
	pthread_mutex_init(&sh->m, &ma);
	pthread_cond_init(&sh->c, &ca);
	pid_t p = fork();
	if (!p) {
		pthread_mutex_lock(&sh->m);
		while (!sh->flag)
			pthread_cond_wait(&sh->c, &sh->m);
		pthread_mutex_unlock(&sh->m);
		for (int i = 0; i < 500; i++) {
			pthread_mutex_lock(&sh->m);
			long v = sh->counter;
			if (i % 50 == 0)
				sched_yield();
			sh->counter = v + 1;
			pthread_mutex_unlock(&sh->m);
		}
		_exit(0);
	}
	sleep_ms(20);
	pthread_mutex_lock(&sh->m);
	sh->flag = 1;
	pthread_cond_signal(&sh->c);
	pthread_mutex_unlock(&sh->m);
	for (int i = 0; i < 500; i++) {
		pthread_mutex_lock(&sh->m);
		long v = sh->counter;
		if (i % 50 == 0)
			sched_yield();
		sh->counter = v + 1;
		pthread_mutex_unlock(&sh->m);
	}
	int st;
	waitpid(p, &st, 0);
	CHECK_EQ(st, 0);
	CHECK_EQ(sh->counter, 1000);
}

/* ---- PI ---- */
struct wop {
	int *word;
	volatile int done;
};
static void *wop_waiter(void *a)
{
	struct wop *w = a;
	while (__atomic_load_n(w->word, __ATOMIC_SEQ_CST) == 0)
		syscall(SYS_futex, w->word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
	w->done = 1;
	return NULL;
}
static pthread_mutex_t pim;
static long picount;
static void *pi_worker(void *a)
{
	(void)a;
	for (int i = 0; i < 500; i++) {
		pthread_mutex_lock(&pim);
		long v = picount;
		if (i % 50 == 0)
			sched_yield();
		picount = v + 1;
		pthread_mutex_unlock(&pim);
	}
	return NULL;
}
static volatile pid_t pi_other_tid;
static int pi_try_rc, pi_timed_rc;
static void *pi_try_and_time_out(void *a)
{
	struct timespec ts;

	(void)a;
	pi_other_tid = gettid();
	pi_try_rc = pthread_mutex_trylock(&pim);
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 20000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pi_timed_rc = pthread_mutex_timedlock(&pim, &ts);
	return NULL;
}
static void t_pi(void)
{
	pthread_mutexattr_t ma;
	pthread_mutexattr_init(&ma);
	CHECK_EQ(pthread_mutexattr_setprotocol(&ma, PTHREAD_PRIO_INHERIT), 0);
	int r = pthread_mutex_init(&pim, &ma);
	CHECK_EQ(r, 0);
	if (r)
		return;
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, pi_worker, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	CHECK_EQ(picount, 2000);
	CHECK_EQ(pthread_mutex_trylock(&pim), 0);
	CHECK_EQ(pthread_mutex_unlock(&pim), 0);
	int w = 0;
	errno = 0;
	CHECK_EQ(syscall(SYS_futex, &w, FUTEX_UNLOCK_PI, 0, 0, 0, 0), -1);
	CHECK_EQ(errno, EPERM);
	w = 0;
	CHECK_EQ(syscall(SYS_futex, &w, FUTEX_LOCK_PI, 0, 0, 0, 0), 0);
	CHECK_EQ(w, gettid());
	errno = 0;
	CHECK_EQ(syscall(SYS_futex, &w, FUTEX_LOCK_PI, 0, 0, 0, 0), -1);
	CHECK_EQ(errno, EDEADLK);
	CHECK_EQ(syscall(SYS_futex, &w, FUTEX_UNLOCK_PI, 0, 0, 0, 0), 0);
	CHECK_EQ(w, 0);
	CHECK_EQ(syscall(SYS_futex, &w, FUTEX_TRYLOCK_PI, 0, 0, 0, 0), 0);
	CHECK_EQ(w, gettid());
	/* held by another thread: trylock fails, a timed lock times out */
	pthread_t t2;
	struct timespec ts;
	pthread_mutex_lock(&pim);
	CHECK_EQ(pthread_create(&t2, NULL, pi_try_and_time_out, NULL), 0);
	pthread_join(t2, NULL);
	pthread_mutex_unlock(&pim);
	CHECK_EQ(pi_try_rc, EBUSY);
	CHECK_EQ(pi_timed_rc, ETIMEDOUT);
	/* the kernel's answers for a word naming a thread that has ended */
	w = (unsigned)pi_other_tid;
	errno = 0;
	long r1 = syscall(SYS_futex, &w, FUTEX_TRYLOCK_PI, 0, 0, 0, 0);
	int e1 = errno;
	errno = 0;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 1;
	long r2 = syscall(SYS_futex, &w, FUTEX_LOCK_PI, 0, &ts, 0, 0);
	int e2 = errno;
	w = (unsigned)pi_other_tid | FUTEX_OWNER_DIED;
	errno = 0;
	long r3 = syscall(SYS_futex, &w, FUTEX_LOCK_PI, 0, &ts, 0, 0);
	int e3 = errno;
	/* Linux sets FUTEX_WAITERS, then finds no owner */
	CHECK_EQ(r1, -1);
	CHECK_EQ(e1, ESRCH);
	CHECK_EQ(r2, -1);
	CHECK_EQ(e2, ESRCH);
	CHECK_EQ(r3, -1);
	CHECK_EQ(e3, ESRCH);
	CHECK_EQ((unsigned)w, (unsigned)pi_other_tid | FUTEX_OWNER_DIED | FUTEX_WAITERS);
}

static void t_wake_op(void)
{
	int w1 = 0, w2 = 0;
	errno = 0;
	long r = syscall(SYS_futex, &w1, FUTEX_WAKE_OP_PRIVATE, 1, 1, &w2,
			 FUTEX_OP(FUTEX_OP_SET, 5, FUTEX_OP_CMP_EQ, 0));
	CHECK_EQ(r, 0);
	CHECK_EQ(w2, 5);
	r = syscall(SYS_futex, &w1, FUTEX_WAKE_OP_PRIVATE, 1, 1, &w2,
		    FUTEX_OP(FUTEX_OP_ADD, 3, FUTEX_OP_CMP_GT, 4));
	CHECK_EQ(r, 0);
	CHECK_EQ(w2, 8);
	r = syscall(SYS_futex, &w1, FUTEX_WAKE_OP_PRIVATE, 1, 1, &w2,
		    FUTEX_OP((FUTEX_OP_OR | FUTEX_OP_OPARG_SHIFT), 4, FUTEX_OP_CMP_EQ, 8));
	CHECK_EQ(w2, 24);
	r = syscall(SYS_futex, &w1, FUTEX_WAKE_OP_PRIVATE, 1, 1, &w2,
		    FUTEX_OP(FUTEX_OP_ANDN, 8, FUTEX_OP_CMP_NE, 0));
	CHECK_EQ(w2, 16);
	r = syscall(SYS_futex, &w1, FUTEX_WAKE_OP_PRIVATE, 1, 1, &w2,
		    FUTEX_OP(FUTEX_OP_XOR, 0xfff, FUTEX_OP_CMP_LT, 0));
	CHECK_EQ(r, 0);
	CHECK_EQ(w2, ~16);
	errno = 0;
	CHECK_EQ(syscall(SYS_futex, &w1, FUTEX_WAKE_OP_PRIVATE, 1, 1, &w2, 7u << 28), -1);
	CHECK_EQ(errno, ENOSYS);
	CHECK_EQ(w2, ~16);
	errno = 0;
	CHECK_EQ(syscall(SYS_futex, &w1, FUTEX_WAKE_OP_PRIVATE, 1, 1, &w2, 9u << 24), -1);
	CHECK_EQ(errno, ENOSYS); /* the operation (set 0) is done before the comparison fails */
	CHECK_EQ(w2, 0);
	errno = 0;
	CHECK_EQ(syscall(SYS_futex, &w1, FUTEX_WAKE_OP_PRIVATE, 1, 1, (void *)16, 0), -1);
	CHECK_EQ(errno, EFAULT);
	/* waiters on both words: the second is woken only when the comparison holds */
	w1 = w2 = 0;
	pthread_t a, b;
	struct wop wa = { &w1, 0 }, wb = { &w2, 0 };
	pthread_create(&a, NULL, wop_waiter, &wa);
	pthread_create(&b, NULL, wop_waiter, &wb);
	sleep_ms(30);
	w1 = 1;
	r = syscall(SYS_futex, &w1, FUTEX_WAKE_OP_PRIVATE, 1, 1, &w2,
		    FUTEX_OP(FUTEX_OP_SET, 1, FUTEX_OP_CMP_EQ, 1));
	CHECK_EQ(r, 1);
	sleep_ms(30);
	CHECK_EQ(wa.done, 1);
	CHECK_EQ(wb.done, 0);
	r = syscall(SYS_futex, &w1, FUTEX_WAKE_OP_PRIVATE, 1, 1, &w2,
		    FUTEX_OP(FUTEX_OP_SET, 2, FUTEX_OP_CMP_EQ, 1));
	CHECK_EQ(r, 1);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	CHECK_EQ(wb.done, 1);
}

/* ---- pause and poll ---- */
static volatile int poked;
static void poke_handler(int sig)
{
	(void)sig;
	poked = 1;
}
static void *poke_main_later(void *a)
{
	sleep_ms(20);
	pthread_kill(*(pthread_t *)a, SIGUSR1);
	return NULL;
}
static void t_pause_poll(void)
{
	struct pollfd fds[3] = { { 1, POLLOUT, 0 }, { 99, POLLIN, 0 }, { -1, POLLIN, 7 } };
	long t0 = now_ms();

	CHECK_EQ(poll(NULL, 0, 30), 0);
	CHECK(now_ms() - t0 >= 29);
	CHECK_EQ(poll(fds, 3, 1000), 2);
	CHECK_EQ(fds[0].revents, POLLOUT);
	CHECK_EQ(fds[1].revents, POLLNVAL);
	CHECK_EQ(fds[2].revents, 0);
	/* select: as a sleep, and with descriptors ready for writing */
	struct timeval tv = { 0, 30000 };
	fd_set wr, rd;
	t0 = now_ms();
	CHECK_EQ(select(0, NULL, NULL, NULL, &tv), 0);
	CHECK(now_ms() - t0 >= 29);
	FD_ZERO(&wr);
	FD_SET(1, &wr);
	FD_SET(2, &wr);
	tv.tv_usec = 0;
	CHECK_EQ(select(3, NULL, &wr, NULL, &tv), 2);
	CHECK(FD_ISSET(1, &wr) && FD_ISSET(2, &wr));
	FD_ZERO(&rd);
	FD_SET(50, &rd);
	errno = 0;
	CHECK_EQ(select(51, &rd, NULL, NULL, &tv), -1);
	CHECK_EQ(errno, EBADF);
	/* pause sleeps until a handled signal, then fails with EINTR */
	pthread_t self = pthread_self(), t;
	signal(SIGUSR1, poke_handler);
	t0 = now_ms();
	pthread_create(&t, NULL, poke_main_later, &self);
	errno = 0;
	CHECK_EQ(pause(), -1);
	CHECK_EQ(errno, EINTR);
	CHECK_EQ(poked, 1);
	CHECK(now_ms() - t0 >= 15);
	pthread_join(t, NULL);
	signal(SIGUSR1, SIG_DFL);
}

/* ---- misc sync ---- */
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static volatile int readers_in, max_readers;
static long rwcount;
static void *rw_worker(void *a)
{
	long id = (long)a;
	for (int i = 0; i < 200; i++) {
		if ((i + id) % 4 == 0) {
			pthread_rwlock_wrlock(&rw);
			long v = rwcount;
			sched_yield();
			rwcount = v + 1;
			pthread_rwlock_unlock(&rw);
		} else {
			pthread_rwlock_rdlock(&rw);
			int n = __atomic_add_fetch(&readers_in, 1, __ATOMIC_SEQ_CST);
			if (n > max_readers)
				max_readers = n;
			__atomic_sub_fetch(&readers_in, 1, __ATOMIC_SEQ_CST);
			pthread_rwlock_unlock(&rw);
		}
	}
	return NULL;
}
static pthread_spinlock_t spin;
static long spincount;
static void *spin_worker(void *a)
{
	(void)a;
	for (int i = 0; i < 5000; i++) {
		pthread_spin_lock(&spin);
		spincount++;
		pthread_spin_unlock(&spin);
	}
	return NULL;
}
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_count;
static void once_fn(void)
{
	sleep_ms(10);
	once_count++;
}
static void *once_worker(void *a)
{
	(void)a;
	pthread_once(&once, once_fn);
	return (void *)(long)once_count;
}
static pthread_key_t key;
static int dtor_count;
static void dtor(void *v)
{
	__atomic_add_fetch(&dtor_count, (int)(long)v, __ATOMIC_SEQ_CST);
}
static void *tsd_worker(void *a)
{
	pthread_setspecific(key, a);
	return NULL;
}
static void t_sync(void)
{
	pthread_t t[8];
	for (long i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, rw_worker, (void *)i);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	CHECK_EQ(rwcount, 200);
	pthread_spin_init(&spin, 0);
	for (long i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, spin_worker, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	CHECK_EQ(spincount, 20000);
	for (long i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, once_worker, NULL);
	for (int i = 0; i < 4; i++) {
		void *r;
		pthread_join(t[i], &r);
		CHECK_EQ((long)r, 1);
	}
	pthread_key_create(&key, dtor);
	for (long i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, tsd_worker, (void *)(i + 1));
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	CHECK_EQ(dtor_count, 10);
}
static void t_condclock(void)
{
	pthread_condattr_t ca;
	pthread_cond_t c;
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	pthread_condattr_init(&ca);
	CHECK_EQ(pthread_condattr_setclock(&ca, CLOCK_MONOTONIC), 0);
	pthread_cond_init(&c, &ca);
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_nsec += 40000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	long t0 = now_ms();
	pthread_mutex_lock(&m);
	CHECK_EQ(pthread_cond_timedwait(&c, &m, &ts), ETIMEDOUT);
	pthread_mutex_unlock(&m);
	long d = now_ms() - t0;
	CHECK(d >= 39 && d < 1000);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_nsec += 20000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	CHECK_EQ(pthread_mutex_clocklock(&m, CLOCK_MONOTONIC, &ts), 0);
	CHECK_EQ(pthread_mutex_clocklock(&m, CLOCK_MONOTONIC, &ts), EDEADLK == 0 ? 0 : ETIMEDOUT);
	pthread_mutex_unlock(&m);
	pthread_mutexattr_t ma;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutex_t em;
	pthread_mutex_init(&em, &ma);
	pthread_mutex_lock(&em);
	CHECK_EQ(pthread_mutex_lock(&em), EDEADLK);
	pthread_mutex_unlock(&em);
	CHECK_EQ(pthread_mutex_unlock(&em), EPERM);
}
static pthread_barrier_t bar;
static void *bar_worker(void *a)
{
	(void)a;
	for (int i = 0; i < 5; i++)
		pthread_barrier_wait(&bar);
	return NULL;
}
#define MANY 8

static void t_many(void)
{
	pthread_t t[MANY];
	for (int round = 0; round < 1; round++) {
		for (long i = 0; i < MANY; i++)
			CHECK_EQ(pthread_create(&t[i], NULL, nothing, (void *)i), 0);
		for (long i = 0; i < MANY; i++) {
			void *r;
			pthread_join(t[i], &r);
			CHECK_EQ((long)r, i);
		}
	}
	pthread_barrier_init(&bar, NULL, MANY / 2);
	for (int i = 0; i < MANY / 2; i++)
		pthread_create(&t[i], NULL, bar_worker, NULL);
	for (int i = 0; i < MANY / 2; i++)
		pthread_join(t[i], NULL);
	/* timedjoin */
	pthread_create(&t[0], NULL, late_return, NULL);
	CHECK_EQ(pthread_tryjoin_np(t[0], NULL), EBUSY);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 5000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	CHECK_EQ(pthread_timedjoin_np(t[0], NULL, &ts), ETIMEDOUT);
	CHECK_EQ(pthread_join(t[0], NULL), 0);
	/* detach */
	pthread_create(&t[0], NULL, late_return, NULL);
	CHECK_EQ(pthread_detach(t[0]), 0);
	sleep_ms(60);
}

/* ---- fork with threads ---- */
static volatile long ticks;
static volatile int stop_ticker;
static void *ticker(void *a)
{
	(void)a;
	while (!stop_ticker) {
		ticks++;
		sched_yield();
	}
	return NULL;
}
static void t_fork_threads(void)
{
	pthread_t t;
	pthread_create(&t, NULL, ticker, NULL);
	while (ticks < 100)
		sched_yield();
	pid_t p = fork();
	if (!p) {
		long a = ticks;
		sleep_ms(20);
		int bad = ticks != a;
		void *m = malloc(100000);
		char *s = strdup("x");
		bad |= !m || !s;
		pthread_t t2;
		bad |= pthread_create(&t2, NULL, nothing, NULL) != 0;
		bad |= pthread_join(t2, NULL) != 0;
		_exit(bad);
	}
	int st;
	waitpid(p, &st, 0);
	CHECK_EQ(st, 0);
	stop_ticker = 1;
	pthread_join(t, NULL);
}

/* ---- info ---- */
static void t_info(void)
{
	cpu_set_t set;
	CHECK_EQ(sched_getaffinity(0, sizeof set, &set), 0);
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	long c = sysconf(_SC_NPROCESSORS_CONF);
	CHECK_EQ(CPU_COUNT(&set), n);
	CHECK_EQ(get_nprocs(), n);
	CHECK_EQ(c, n);
	struct rusage ru;
	CHECK_EQ(getrusage(RUSAGE_THREAD, &ru), 0);
	CHECK_EQ(prctl(PR_SET_NAME, "worker1"), 0);
	char name[32] = { 0 };
	CHECK_EQ(prctl(PR_GET_NAME, name), 0);
	CHECK(strcmp(name, "worker1") == 0);
	CHECK_EQ(pthread_setname_np(pthread_self(), "selfname"), 0);
	CHECK_EQ(pthread_getname_np(pthread_self(), name, sizeof name), 0);
	CHECK(strcmp(name, "selfname") == 0);
	CHECK_EQ(pthread_setname_np(pthread_self(), "a-name-that-is-too-long"), ERANGE);
	CHECK_EQ(sched_getscheduler(0), SCHED_OTHER);
	CHECK_EQ(sched_get_priority_max(SCHED_FIFO), 99);
	CHECK_EQ(sched_get_priority_min(SCHED_FIFO), 1);
	CHECK_EQ(sched_get_priority_max(SCHED_OTHER), 0);
	struct sched_param sp;
	CHECK_EQ(sched_getparam(0, &sp), 0);
	CHECK_EQ(sp.sched_priority, 0);
	int pol;
	CHECK_EQ(pthread_getschedparam(pthread_self(), &pol, &sp), 0);
	CHECK_EQ(pol, SCHED_OTHER);
	pthread_attr_t at;
	pthread_attr_init(&at);
	pthread_attr_setinheritsched(&at, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_setschedpolicy(&at, SCHED_OTHER);
	sp.sched_priority = 0;
	pthread_attr_setschedparam(&at, &sp);
	pthread_t t;
	CHECK_EQ(pthread_create(&t, &at, nothing, NULL), 0);
	pthread_join(t, NULL);
}
/* ---- signals per thread ---- */
static volatile pid_t handler_tid;
static void h(int s)
{
	(void)s;
	handler_tid = gettid();
}
static void *unblocked(void *a)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	pthread_sigmask(SIG_UNBLOCK, &s, NULL);
	*(pid_t *)a = gettid();
	while (!handler_tid)
		sleep_ms(1);
	return NULL;
}
static void t_sigmask_thread(void)
{
	signal(SIGUSR1, h);
	sigset_t s, old;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &s, &old);
	pthread_t t;
	pid_t tid = 0;
	pthread_create(&t, NULL, unblocked, &tid);
	while (!tid)
		sleep_ms(1);
	kill(getpid(), SIGUSR1);
	pthread_join(t, NULL);
	CHECK_EQ(handler_tid, tid);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	signal(SIGUSR1, SIG_DFL);
	/* kill by SIGTERM default with threads */
	pid_t p = fork();
	if (!p) {
		pthread_create(&t, NULL, sleeper, NULL);
		for (;;)
			pause();
	}
	sleep_ms(20);
	kill(p, SIGTERM);
	int st;
	waitpid(p, &st, 0);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
}

static __thread int tlsv[100];
static void *tls_worker(void *a)
{
	for (int i = 0; i < 100; i++)
		tlsv[i] = (int)(long)a + i;
	sched_yield();
	long bad = 0;
	for (int i = 0; i < 100; i++)
		bad += tlsv[i] != (int)(long)a + i;
	return (void *)bad;
}
static void t_tls(void)
{
	pthread_t t[4];
	for (long i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, tls_worker, (void *)(i * 1000));
	for (int i = 0; i < 4; i++) {
		void *r;
		pthread_join(t[i], &r);
		CHECK_EQ((long)r, 0);
	}
}
static void *sleepy(void *a)
{
	(void)a;
	struct timespec ts = { 0, 20000000 };
	long t0 = now_ms();
	clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL);
	return (void *)(now_ms() - t0);
}
static void t_sleep_threads(void)
{
	pthread_t t[4];
	long t0 = now_ms();
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, sleepy, NULL);
	for (int i = 0; i < 4; i++) {
		void *r;
		pthread_join(t[i], &r);
		CHECK((long)r >= 19);
	}
	(void)t0;
}
static void *execer(void *a)
{
	char *argv[] = { (char *)a, "execed", NULL };
	execv("/proc/self/exe", argv);
	execv((char *)a, argv);
	return (void *)(long)errno;
}
static void t_exec_thread(char *self)
{
	pid_t p = fork();
	if (!p) {
		pthread_t t;
		pthread_create(&t, NULL, sleeper, NULL);
		pthread_create(&t, NULL, execer, self);
		for (;;)
			pause();
	}
	int st;
	waitpid(p, &st, 0);
	CHECK_EQ(st, 42 << 8);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "execed") == 0)
		return 42;
	CASE(deferred_cancel_ends_a_thread_asleep_in_nanosleep_and_runs_its_cleanup)
	t_cancel_deferred();
	CASE(asynchronous_cancel_ends_a_thread_spinning_in_user_code)
	t_cancel_async();
	CASE(cancel_ends_a_thread_waiting_on_a_condition_variable_with_its_mutex_released)
	t_cancel_condwait();
	CASE(tgkill_and_tkill_give_esrch_for_an_ended_thread_and_einval_for_bad_arguments)
	t_tgkill_errors();
	CASE(sigwait_in_a_thread_takes_signals_sent_to_it_to_the_process_or_pending_elsewhere)
	t_sigwait_thread();
	CASE(pthread_sigqueue_hands_its_value_to_the_handler)
	t_pthread_sigqueue();
	CASE(the_process_status_is_the_last_threads_exit_after_main_ends_first)
	t_exits();
	CASE(thread_stacks_have_their_size_and_a_guard_page_that_ends_an_overflow_with_sigsegv)
	t_stacks();
	CASE(semaphores_time_out_and_work_between_processes_in_shared_memory)
	t_sem();
	CASE(process_shared_mutexes_and_condvars_work_across_fork)
	t_pshared_mutex();
	CASE(
	    priority_inheritance_mutexes_lock_under_contention_and_the_pi_futex_calls_answer_as_linux)
	t_pi();
	CASE(futex_wake_op_changes_the_second_word_and_wakes_its_waiters_when_the_comparison_holds)
	t_wake_op();
	CASE(
	    pause_sleeps_until_a_handled_signal_and_poll_and_select_sleep_their_timeout_and_flag_descriptors)
	t_pause_poll();
	CASE(rwlocks_spinlocks_once_and_thread_specific_destructors)
	t_sync();
	CASE(cond_timedwait_on_clock_monotonic_and_mutex_clocklock_and_errorcheck)
	t_condclock();
	CASE(many_threads_created_and_joined_timedjoin_and_detach)
	t_many();
	CASE(fork_from_a_threaded_process_keeps_only_the_caller_and_malloc_works)
	t_fork_threads();
	CASE(processor_count_thread_names_and_scheduling_policy_as_an_unprivileged_linux_process)
	t_info();
	CASE(a_process_signal_goes_to_the_thread_that_unblocks_it_and_sigterm_ends_all)
	t_sigmask_thread();
	CASE(thread_local_arrays_are_per_thread)
	t_tls();
	CASE(clock_nanosleep_in_several_threads_sleeps_at_least_its_time)
	t_sleep_threads();
	CASE(execve_from_a_thread_replaces_the_whole_process)
	t_exec_thread(argv[0]);
	return check_finish();
}
