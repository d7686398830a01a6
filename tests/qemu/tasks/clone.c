/* Raw clone(2) threads, without a C library's help: the tid stores and the futex wake of
 * CLONE_CHILD_CLEARTID, thread and process ids, and the wait status of a process whose threads
 * end one by one or all at once. The auditor runs after each case with threads sharing one
 * address space. */
#include <stdint.h>

#include "t.h"

#define CLONE_VM	     0x00000100ul
#define CLONE_FS	     0x00000200ul
#define CLONE_FILES	     0x00000400ul
#define CLONE_SIGHAND	     0x00000800ul
#define CLONE_THREAD	     0x00010000ul
#define CLONE_SYSVSEM	     0x00040000ul
#define CLONE_PARENT_SETTID  0x00100000ul
#define CLONE_CHILD_CLEARTID 0x00200000ul
#define CLONE_CHILD_SETTID   0x01000000ul
#define THREAD_FLAGS                                                                               \
	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM)
#define FUTEX_WAIT  0
#define FUTEX_WAKE  1
#define EAGAIN	    11
#define STACK_BYTES (16 * 1024)

static uint8_t stacks[4][STACK_BYTES] __attribute__((aligned(16)));

/*
 * clone with a new stack: the child calls @fn(@arg) there and ends with exit(2) (the thread
 * only). In assembly from the ecall on, as the child has no frame of the parent's to return
 * to. Returns the child's tid in the parent, or a negative errno.
 */
static long spawn(unsigned long flags, void *stack_top, uint32_t *ptid, uint32_t *ctid,
		  void (*fn)(long), long arg)
{
	register long a0 __asm__("a0") = (long)flags;
	register long a1 __asm__("a1") = (long)stack_top;
	register long a2 __asm__("a2") = (long)ptid;
	register long a3 __asm__("a3") = 0;
	register long a4 __asm__("a4") = (long)ctid;
	register long a5 __asm__("a5") = (long)fn;
	register long a6 __asm__("a6") = arg;
	register long a7 __asm__("a7") = SYS_clone;

	__asm__ volatile("ecall\n"
			 "bnez	a0, 1f\n"
			 "mv	a0, a6\n"
			 "jalr	a5\n"
			 "li	a0, 0\n"
			 "li	a7, %[exit]\n"
			 "ecall\n"
			 "1:\n"
			 : "+r"(a0)
			 : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a6),
			   "r"(a7), [exit] "i"(SYS_exit)
			 : "memory", "ra");
	return a0;
}

static long futex(volatile uint32_t *word, int op, uint32_t val)
{
	return fl_syscall(SYS_futex, (long)word, op, val, 0, 0, 0);
}

static void nap_ms(long ms)
{
	long ts[2] = { 0, ms * 1000000 };

	fl_syscall(SYS_nanosleep, (long)ts, 0, 0, 0, 0, 0);
}

static long now_ms(void)
{
	long ts[2];

	fl_syscall(SYS_clock_gettime, 1 /* CLOCK_MONOTONIC */, (long)ts, 0, 0, 0, 0);
	return ts[0] * 1000 + ts[1] / 1000000;
}

static volatile long seen_tid, seen_pid, work_done;

static void record_and_nap(long ms)
{
	seen_tid = fl_syscall(SYS_gettid, 0, 0, 0, 0, 0, 0);
	seen_pid = fl_syscall(SYS_getpid, 0, 0, 0, 0, 0, 0);
	nap_ms(ms);
	work_done = 1;
}

static void nap_then_exit_thread(long code)
{
	nap_ms(60);
	fl_syscall(SYS_exit, code, 0, 0, 0, 0, 0);
}

static void nap_then_exit_group(long code)
{
	nap_ms(30);
	fl_syscall(SYS_exit_group, code, 0, 0, 0, 0, 0);
}

static void sleep_long(long unused)
{
	(void)unused;
	for (;;)
		nap_ms(1000);
}

/* The leader leaves first with exit(5); a thread lives on and ends with exit(7) later. */
static void leader_first(void)
{
	spawn(THREAD_FLAGS, stacks[1] + STACK_BYTES, NULL, NULL, nap_then_exit_thread, 7);
	fl_syscall(SYS_exit, 5, 0, 0, 0, 0, 0);
}

/* A thread ends the process with exit_group(9) while another sleeps and the leader waits. */
static void group_ends_from_a_thread(void)
{
	static volatile uint32_t never;

	spawn(THREAD_FLAGS, stacks[1] + STACK_BYTES, NULL, NULL, sleep_long, 0);
	spawn(THREAD_FLAGS, stacks[2] + STACK_BYTES, NULL, NULL, nap_then_exit_group, 9);
	for (;;)
		futex(&never, FUTEX_WAIT, 0);
}

static void exec_probe(long unused)
{
	char *args[] = { "clone.elf", "probe", NULL };

	(void)unused;
	nap_ms(20);
	fl_syscall(SYS_execve, (long)"clone.elf", (long)args, 0, 0, 0, 0);
	fl_syscall(SYS_exit_group, 99, 0, 0, 0, 0, 0); /* only if execve failed */
}

/* execve from a thread that is not the first: the others (the leader asleep in a futex wait,
 * a thread in nanosleep) end, and the program runs as the process, with its pid. */
static void exec_from_a_thread(void)
{
	static volatile uint32_t never;

	spawn(THREAD_FLAGS, stacks[1] + STACK_BYTES, NULL, NULL, sleep_long, 0);
	spawn(THREAD_FLAGS, stacks[2] + STACK_BYTES, NULL, NULL, exec_probe, 0);
	for (;;)
		futex(&never, FUTEX_WAIT, 0);
}

int main(int argc, char **argv)
{
	(void)argv;
	if (argc > 1) /* started by exec_from_a_thread: alone, with the process's id */
		return fl_syscall(SYS_getpid, 0, 0, 0, 0, 0, 0) ==
			       fl_syscall(SYS_gettid, 0, 0, 0, 0, 0, 0)
			   ? 42
			   : 1;
	CASE(clone_thread_stores_tids_and_cleartid_wakes_the_joiner)
	{
		static volatile uint32_t ptid, ctid;
		long me = fl_syscall(SYS_getpid, 0, 0, 0, 0, 0, 0), tid, waits = 0;

		work_done = 0;
		tid = spawn(THREAD_FLAGS | CLONE_PARENT_SETTID | CLONE_CHILD_SETTID |
				CLONE_CHILD_CLEARTID,
			    stacks[0] + STACK_BYTES, (uint32_t *)&ptid, (uint32_t *)&ctid,
			    record_and_nap, 40);
		CHECK(tid > 0);
		CHECK_EQ(ptid, tid);
		/* as pthread_join: sleep while the word holds the tid; the end clears and wakes */
		for (uint32_t v; (v = ctid) != 0; waits++) {
			long rc = futex(&ctid, FUTEX_WAIT, v);

			CHECK(rc == 0 || rc == -EAGAIN);
		}
		CHECK_EQ(ctid, 0);
		CHECK_EQ(work_done, 1);
		CHECK(waits >= 1);
		CHECK_EQ(seen_tid, tid);
		CHECK_EQ(seen_pid, me);
		CHECK(seen_tid != me);
	}

	CASE(process_status_is_the_last_threads_exit_and_comes_after_it)
	{
		long t0 = now_ms(), status = in_child(leader_first, NULL, NULL);

		/* the leader's exit(5) is not what the parent sees: the last thread's exit(7)
		 * is (Linux 6.1's synchronize_group_exit makes it the group's code) */
		CHECK(FL_WIFEXITED(status));
		CHECK_EQ(FL_WEXITSTATUS(status), 7);
		/* not before the thread's nap: the leader stayed a zombie until then */
		CHECK(now_ms() - t0 >= 55);
	}

	CASE(exit_group_from_a_thread_ends_every_thread_with_its_status)
	{
		int status = in_child(group_ends_from_a_thread, NULL, NULL);

		CHECK(FL_WIFEXITED(status));
		CHECK_EQ(FL_WEXITSTATUS(status), 9);
	}

	CASE(execve_from_a_thread_ends_the_others_and_keeps_the_process_id)
	{
		int status = in_child(exec_from_a_thread, NULL, NULL);

		CHECK(FL_WIFEXITED(status));
		CHECK_EQ(FL_WEXITSTATUS(status), 42);
	}

	CASE(clone_refuses_a_thread_without_shared_actions_and_actions_without_the_space)
	{
		CHECK_EQ(fl_syscall(SYS_clone, CLONE_VM | CLONE_THREAD, 0, 0, 0, 0, 0), -EINVAL);
		CHECK_EQ(fl_syscall(SYS_clone, CLONE_SIGHAND | FL_SIGCHLD, 0, 0, 0, 0, 0), -EINVAL);
		CHECK_EQ(fl_syscall(SYS_clone, CLONE_VM | FL_SIGCHLD, 0, 0, 0, 0, 0), -EINVAL);
	}
	return t_finish();
}
