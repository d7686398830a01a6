/* Signals as static glibc uses them: abort and assert, kill and default actions, handlers
 * with siginfo, faults handled by the task (the mprotect-and-retry pattern of GC write
 * barriers), masks, pending sets, the alternate stack, sigsuspend and interrupted waits. */
#define _GNU_SOURCE
#include <assert.h>
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

/*
 * With @on, this process and the children it forks from now on run on one CPU only, the one
 * it is on: the cases where a child's sched_yield() loop must let the parent block first
 * need that on several harts, as they would on Linux. Off: every CPU again.
 */
static void one_cpu(bool on)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	if (on) {
		CPU_SET(sched_getcpu(), &set);
	} else {
		for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
			CPU_SET(cpu, &set);
	}
	sched_setaffinity(0, sizeof(set), &set);
}

static int status_of(pid_t pid)
{
	int status = -1;

	return waitpid(pid, &status, 0) == pid ? status : -1;
}

/* Runs @fn in a child; returns its wait status. */
static int in_child(void (*fn)(void))
{
	pid_t pid = fork();

	if (pid == 0) {
		fn();
		_exit(0);
	}
	return status_of(pid);
}

static void do_abort(void)
{
	abort();
}

static void do_assert(void)
{
	volatile int zero = 0;

	assert(zero == 1);
}

static void spin_forever(void)
{
	for (;;)
		sched_yield();
}

static volatile sig_atomic_t hits;
static volatile int seen_signo, seen_code, seen_pid;
static void *volatile seen_addr;
static volatile uintptr_t seen_stack;

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	int local;

	(void)uc;
	hits++;
	seen_signo = sig;
	seen_code = si->si_code;
	seen_pid = si->si_pid;
	seen_stack = (uintptr_t)&local;
}

static void handle(int sig, int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO | flags;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static char *volatile barrier_page;

/* A write barrier: the page was read-only; the handler opens it and returns to retry. */
static void on_write_fault(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	hits++;
	seen_signo = sig;
	seen_code = si->si_code;
	seen_addr = si->si_addr;
	mprotect(barrier_page, 4096, PROT_READ | PROT_WRITE);
}

static sigjmp_buf escape;

static void on_fault_escape(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	seen_signo = sig;
	seen_code = si->si_code;
	seen_addr = si->si_addr;
	siglongjmp(escape, 1);
}

/* A handler whose frame has nowhere to go: the alternate stack was unmapped. */
static void deliver_onto_unmapped_stack(void)
{
	char *alt = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	stack_t ss = { .ss_sp = alt, .ss_size = 65536, .ss_flags = 0 };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigaction(SIGUSR1, &sa, NULL);
	sigaltstack(&ss, NULL);
	munmap(alt, 65536);
	raise(SIGUSR1);
}

int main(void)
{
	CASE(abort_and_a_failed_assert_end_the_task_with_sigabrt)
	{
		int st = in_child(do_abort);

		CHECK(WIFSIGNALED(st));
		CHECK_EQ(WTERMSIG(st), SIGABRT);
		CHECK_EQ(st, SIGABRT); /* no core flag: Linux dumps none with RLIMIT_CORE 0 */
		st = in_child(do_assert);
		CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
	}

	CASE(kill_runs_default_actions_terminate_and_ignore)
	{
		pid_t pid = fork();

		if (pid == 0)
			spin_forever();
		CHECK_EQ(kill(pid, SIGTERM), 0);
		CHECK_EQ(status_of(pid), SIGTERM);
		pid = fork();
		if (pid == 0)
			spin_forever();
		CHECK_EQ(kill(pid, SIGKILL), 0);
		CHECK_EQ(status_of(pid), SIGKILL);
		CHECK_EQ(kill(getpid(), SIGCHLD), 0); /* ignored by default: we go on */
		CHECK_EQ(kill(getpid(), SIGURG), 0);
		CHECK_EQ(kill(999999, SIGTERM), -1);
		CHECK_EQ(errno, ESRCH);
		CHECK_EQ(kill(getpid(), 65), -1);
		CHECK_EQ(errno, EINVAL);
		CHECK_EQ(kill(getpid(), 0), 0);
	}

	CASE(a_handler_gets_siginfo_and_returns_through_the_vdso)
	{
		hits = 0;
		handle(SIGUSR1, 0);
		CHECK_EQ(raise(SIGUSR1), 0);
		CHECK_EQ(hits, 1);
		CHECK_EQ(seen_signo, SIGUSR1);
		CHECK_EQ(seen_code, SI_TKILL); /* raise is tgkill */
		CHECK_EQ(seen_pid, getpid());
		CHECK_EQ(kill(getpid(), SIGUSR1), 0);
		CHECK_EQ(hits, 2);
		CHECK_EQ(seen_code, SI_USER);
		signal(SIGUSR1, SIG_DFL);
	}

	CASE(a_segv_handler_that_mprotects_and_returns_makes_the_store_succeed)
	{
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = on_write_fault;
		sa.sa_flags = SA_SIGINFO;
		sigaction(SIGSEGV, &sa, NULL);
		barrier_page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		hits = 0;
		barrier_page[100] = 42; /* faults once, then succeeds */
		CHECK_EQ(barrier_page[100], 42);
		CHECK_EQ(hits, 1);
		CHECK_EQ(seen_signo, SIGSEGV);
		CHECK_EQ(seen_code, SEGV_ACCERR);
		CHECK(seen_addr == barrier_page + 100);
		munmap(barrier_page, 4096);
		signal(SIGSEGV, SIG_DFL);
	}

	CASE(an_unmapped_access_gives_segv_maperr_with_the_address)
	{
		struct sigaction sa;
		volatile char *bad = (volatile char *)0x12345678;

		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = on_fault_escape;
		sa.sa_flags = SA_SIGINFO;
		sigaction(SIGSEGV, &sa, NULL);
		if (sigsetjmp(escape, 1) == 0)
			(void)*bad;
		CHECK_EQ(seen_signo, SIGSEGV);
		CHECK_EQ(seen_code, SEGV_MAPERR);
		CHECK(seen_addr == (void *)bad);
		signal(SIGSEGV, SIG_DFL);
	}

	CASE(a_blocked_signal_waits_in_sigpending_until_unblocked)
	{
		sigset_t block, pending;

		hits = 0;
		handle(SIGUSR2, 0);
		sigemptyset(&block);
		sigaddset(&block, SIGUSR2);
		CHECK_EQ(sigprocmask(SIG_BLOCK, &block, NULL), 0);
		CHECK_EQ(raise(SIGUSR2), 0);
		CHECK_EQ(hits, 0);
		CHECK_EQ(sigpending(&pending), 0);
		CHECK(sigismember(&pending, SIGUSR2));
		CHECK_EQ(sigprocmask(SIG_UNBLOCK, &block, NULL), 0);
		CHECK_EQ(hits, 1);
		CHECK_EQ(sigpending(&pending), 0);
		CHECK(!sigismember(&pending, SIGUSR2));
		signal(SIGUSR2, SIG_DFL);
	}

	CASE(a_handler_with_sa_onstack_runs_on_the_alternate_stack)
	{
		static char alt[16384];
		stack_t ss = { .ss_sp = alt, .ss_size = sizeof(alt), .ss_flags = 0 }, old;

		CHECK_EQ(sigaltstack(&ss, NULL), 0);
		handle(SIGUSR1, SA_ONSTACK);
		CHECK_EQ(raise(SIGUSR1), 0);
		CHECK(seen_stack >= (uintptr_t)alt && seen_stack < (uintptr_t)alt + sizeof(alt));
		CHECK_EQ(sigaltstack(NULL, &old), 0);
		CHECK(old.ss_sp == alt && old.ss_size == sizeof(alt) && old.ss_flags == 0);
		ss.ss_size = 100;
		CHECK_EQ(sigaltstack(&ss, NULL), -1);
		CHECK_EQ(errno, ENOMEM);
		ss.ss_flags = SS_DISABLE;
		CHECK_EQ(sigaltstack(&ss, NULL), 0);
		signal(SIGUSR1, SIG_DFL);
	}

	CASE(sigsuspend_returns_eintr_after_the_handler_and_restores_the_mask)
	{
		sigset_t block, none, now;
		pid_t parent = getpid(), pid;

		hits = 0;
		handle(SIGUSR1, 0);
		sigemptyset(&block);
		sigaddset(&block, SIGUSR1);
		sigprocmask(SIG_BLOCK, &block, NULL);
		pid = fork();
		if (pid == 0) {
			kill(parent, SIGUSR1);
			_exit(0);
		}
		sigemptyset(&none);
		CHECK_EQ(sigsuspend(&none), -1);
		CHECK_EQ(errno, EINTR);
		CHECK_EQ(hits, 1);
		sigprocmask(SIG_SETMASK, NULL, &now);
		CHECK(sigismember(&now, SIGUSR1));
		CHECK_EQ(status_of(pid), 0);
		sigprocmask(SIG_UNBLOCK, &block, NULL);
		signal(SIGUSR1, SIG_DFL);
	}

	CASE(waitpid_is_restarted_under_sa_restart_and_fails_with_eintr_without)
	{
		pid_t parent = getpid(), pid;
		int status = -1;

		one_cpu(true);
		for (int restart = 1; restart >= 0; restart--) {
			handle(SIGUSR1, restart ? SA_RESTART : 0);
			pid = fork();
			if (pid == 0) {
				for (int i = 0; i < 50; i++)
					sched_yield();
				kill(parent, SIGUSR1);
				for (int i = 0; i < 50; i++)
					sched_yield();
				_exit(7);
			}
			if (restart) {
				CHECK_EQ(waitpid(pid, &status, 0), pid);
				CHECK_EQ(status, 7 << 8);
			} else {
				CHECK_EQ(waitpid(pid, &status, 0), -1);
				CHECK_EQ(errno, EINTR);
				CHECK_EQ(status_of(pid), 7 << 8);
			}
		}
		signal(SIGUSR1, SIG_DFL);
		one_cpu(false);
	}

	CASE(a_handled_signal_cuts_nanosleep_short_with_eintr_and_the_time_left)
	{
		struct timespec req = { .tv_sec = 5 }, rem = { 0 };
		pid_t parent = getpid(), pid;

		hits = 0;
		handle(SIGUSR1, SA_RESTART); /* no restart for sleeps, as on Linux */
		one_cpu(true);
		pid = fork();
		if (pid == 0) {
			for (int i = 0; i < 50; i++)
				sched_yield();
			kill(parent, SIGUSR1);
			_exit(0);
		}
		CHECK_EQ(nanosleep(&req, &rem), -1);
		CHECK_EQ(errno, EINTR);
		CHECK_EQ(hits, 1);
		CHECK(rem.tv_sec > 0 && rem.tv_sec <= 5);
		CHECK_EQ(status_of(pid), 0);
		signal(SIGUSR1, SIG_DFL);
		one_cpu(false);
	}

	CASE(a_signal_whose_frame_cannot_be_written_kills_with_sigsegv)
	{
		CHECK_EQ(in_child(deliver_onto_unmapped_stack), SIGSEGV);
	}

	CASE(a_parent_with_a_sigchld_handler_hears_of_its_childs_exit)
	{
		pid_t pid;

		hits = 0;
		handle(SIGCHLD, 0);
		pid = fork();
		if (pid == 0)
			_exit(3);
		CHECK_EQ(status_of(pid), 3 << 8);
		CHECK_EQ(hits, 1);
		CHECK_EQ(seen_signo, SIGCHLD);
		CHECK_EQ(seen_code, CLD_EXITED);
		CHECK_EQ(seen_pid, pid);
		signal(SIGCHLD, SIG_DFL);
	}
	return check_finish();
}
