/* Trap tests of the system calls: each call's success and error paths, with Linux's results. */
#include <stdlib.h>

#include "t.h"

struct k_timespec {
	long sec, nsec;
};

struct k_sysinfo {
	long uptime;
	unsigned long loads[3];
	unsigned long totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	unsigned short procs, pad;
	unsigned int pad2;
	unsigned long totalhigh, freehigh;
	unsigned int mem_unit, pad3;
};

struct k_rusage {
	long utime[2], stime[2];
	long maxrss, ixrss, idrss, isrss, minflt, majflt, nswap, inblock, oublock, msgsnd, msgrcv,
	    nsignals, nvcsw, nivcsw;
};

static long sc(long nr, long a0, long a1, long a2, long a3)
{
	return fl_syscall(nr, a0, a1, a2, a3, 0, 0);
}

static long now_ns(void)
{
	struct k_timespec ts;

	sc(SYS_clock_gettime, 1, (long)&ts, 0, 0);
	return ts.sec * 1000000000l + ts.nsec;
}

int main(int argc, char **argv)
{
	int status;

	CASE(argv_holds_the_image_name_and_nothing_else)
	{
		CHECK_EQ(argc, 1);
		CHECK(strcmp(argv[0], "syscalls.elf") == 0);
		CHECK(argv[1] == NULL);
		CHECK(argv[2] == NULL); /* envp is empty */
	}

	CASE(write_returns_the_length_and_refuses_other_descriptors)
	{
		CHECK_EQ(fl_write(1, "write ok\n", 9), 9);
		CHECK_EQ(fl_write(2, "", 0), 0);
		CHECK_EQ(fl_write(3, "x", 1), -EBADF);
		CHECK_EQ(fl_write(-1, "x", 1), -EBADF);
	}

	CASE(write_of_a_length_past_the_user_half_fails_with_efault_before_any_byte)
	{
		char buf[8] = "garbage\n";
		struct fl_counters before, after;

		snap(&before);
		CHECK_EQ(fl_write(1, buf, (size_t)-1), -EFAULT);
		CHECK_EQ(fl_write(1, buf, 1ul << 40), -EFAULT);
		CHECK_EQ(fl_write(2, (void *)(0x4000000000ul - 4), 8), -EFAULT);
		snap(&after);
		/* refused by the range check: not a single user access was tried */
		CHECK_EQ(after.task.killed, before.task.killed);
	}

	CASE(read_of_stdin_is_at_its_end_and_other_descriptors_are_bad)
	{
		char c;

		CHECK_EQ(sc(SYS_read, 0, (long)&c, 1, 0), 0);
		CHECK_EQ(sc(SYS_read, 5, (long)&c, 1, 0), -EBADF);
	}

	CASE(getpid_and_getppid_name_the_task_and_its_parent)
	{
		long me = sc(SYS_getpid, 0, 0, 0, 0);
		long pid = fl_fork();

		if (pid == 0)
			fl_exit(sc(SYS_getppid, 0, 0, 0, 0) == me ? 0 : 1);
		CHECK(me > 0);
		CHECK_EQ(sc(SYS_getppid, 0, 0, 0, 0), 0); /* a boot task has no parent */
		CHECK_EQ(fl_wait(pid, &status), pid);
		CHECK_EQ(FL_WEXITSTATUS(status), 0);
	}

	CASE(uname_describes_faultline_on_riscv64)
	{
		char u[6][65];

		CHECK_EQ(sc(SYS_uname, (long)u, 0, 0, 0), 0);
		CHECK(strcmp(u[0], "faultline") == 0);
		CHECK(strcmp(u[4], "riscv64") == 0);
		CHECK_EQ(sc(SYS_uname, 16, 0, 0, 0), -EFAULT);
	}

	CASE(clock_gettime_is_monotonic_and_checks_its_arguments)
	{
		long t0 = now_ns(), t1 = now_ns();
		struct k_timespec ts;

		CHECK(t0 > 0 && t1 >= t0);
		CHECK_EQ(sc(SYS_clock_gettime, 0, (long)&ts, 0, 0), 0);
		CHECK_EQ(sc(SYS_clock_gettime, 42, (long)&ts, 0, 0), -EINVAL);
		CHECK_EQ(sc(SYS_clock_gettime, 1, 0x10, 0, 0), -EFAULT);
	}

	CASE(nanosleep_sleeps_at_least_the_time_asked)
	{
		struct k_timespec req = { 0, 20000000 }, bad = { 0, 1000000000 };
		long t0 = now_ns();

		CHECK_EQ(sc(SYS_nanosleep, (long)&req, 0, 0, 0), 0);
		CHECK(now_ns() - t0 >= 20000000);
		CHECK_EQ(sc(SYS_nanosleep, (long)&bad, 0, 0, 0), -EINVAL);
		CHECK_EQ(sc(SYS_nanosleep, 0, 0, 0, 0), -EFAULT);
	}

	CASE(sched_yield_returns_zero)
	{
		CHECK_EQ(sc(SYS_sched_yield, 0, 0, 0, 0), 0);
	}

	CASE(getrusage_counts_resolved_faults_and_peak_resident_memory)
	{
		struct k_rusage r0, r1;
		volatile char *p = fl_mmap(0, 8 * PAGE, RW, ANON);

		CHECK_EQ(sc(SYS_getrusage, 0, (long)&r0, 0, 0), 0);
		for (int i = 0; i < 8; i++)
			p[i * PAGE] = 1;
		CHECK_EQ(sc(SYS_getrusage, 0, (long)&r1, 0, 0), 0);
		CHECK_EQ(r1.minflt - r0.minflt, 8);
		CHECK(r1.maxrss >= r0.maxrss + 8 * 4);
		CHECK_EQ(sc(SYS_getrusage, 7, (long)&r1, 0, 0), -EINVAL);
		CHECK_EQ(sc(SYS_getrusage, 0, 1, 0, 0), -EFAULT);
		fl_munmap((void *)p, 8 * PAGE);
	}

	CASE(sysinfo_reports_memory_in_pages_that_writes_consume)
	{
		struct k_sysinfo s0, s1;
		volatile char *p = fl_mmap(0, 16 * PAGE, RW, ANON);

		CHECK_EQ(sc(SYS_sysinfo, (long)&s0, 0, 0, 0), 0);
		for (int i = 0; i < 16; i++)
			p[i * PAGE] = 1;
		CHECK_EQ(sc(SYS_sysinfo, (long)&s1, 0, 0, 0), 0);
		CHECK_EQ(s0.mem_unit, PAGE);
		CHECK(s0.totalram > s0.freeram && s0.procs >= 1);
		CHECK_EQ(s0.freeram - s1.freeram, 16);
		fl_munmap((void *)p, 16 * PAGE);
	}

	CASE(brk_zero_reports_the_break_and_bad_requests_leave_it)
	{
		long base = sc(SYS_brk, 0, 0, 0, 0);

		CHECK(base > 0x10000);
		CHECK_EQ(sc(SYS_brk, base - 3 * (long)PAGE, 0, 0, 0), base);
		/* a break that would run into another mapping is refused */
		CHECK_EQ((long)fl_mmap((void *)(base + 2 * PAGE), PAGE, RW, ANON | FL_MAP_FIXED),
			 base + 2 * (long)PAGE);
		CHECK_EQ(sc(SYS_brk, base + 4 * (long)PAGE, 0, 0, 0), base);
		fl_munmap((void *)(base + 2 * PAGE), PAGE);
		CHECK_EQ(sc(SYS_brk, base + 100, 0, 0, 0), base + 100);
		CHECK_EQ(sc(SYS_brk, base, 0, 0, 0), base);
	}

	CASE(malloc_grows_the_heap_through_brk)
	{
		long before = sc(SYS_brk, 0, 0, 0, 0);
		char *m = malloc(1 << 20);

		CHECK(m != NULL);
		CHECK(sc(SYS_brk, 0, 0, 0, 0) >= before + (1 << 20));
		m[100 * PAGE] = 1;
		m[200 * PAGE] = 2;
		CHECK_EQ(m[100 * PAGE] + m[200 * PAGE], 3);
		free(m);
	}

	CASE(mmap_munmap_mprotect_errors_match_linux)
	{
		CHECK_EQ((long)fl_mmap(0, 0, RW, ANON), -EINVAL);
		CHECK_EQ((long)fl_mmap(0, PAGE, RW, FL_MAP_ANONYMOUS), -EINVAL);
		/* a descriptor's memory: none behind fd -1, and the console (fd 0) has none */
		CHECK_EQ(fl_syscall(SYS_mmap, 0, (long)PAGE, RW, FL_MAP_PRIVATE, -1, 0), -EBADF);
		CHECK_EQ(fl_syscall(SYS_mmap, 0, (long)PAGE, RW, FL_MAP_PRIVATE, 0, 0), -ENODEV);
		CHECK_EQ((long)fl_mmap((void *)0x10001, PAGE, RW, ANON | FL_MAP_FIXED), -EINVAL);
		CHECK_EQ(fl_munmap((void *)0x10001, PAGE), -EINVAL);
		CHECK_EQ(fl_munmap((void *)0x100000, 0), -EINVAL);
		CHECK_EQ(fl_mprotect((void *)0x3000000000l, PAGE, FL_PROT_READ), -ENOMEM);
		CHECK_EQ(fl_mprotect((void *)0x1001, PAGE, FL_PROT_READ), -EINVAL);
	}

	CASE(clone_makes_processes_only_and_refuses_sharing_flags_and_other_exit_signals)
	{
		CHECK_EQ(sc(SYS_clone, 0x100 | FL_SIGCHLD, 0, 0, 0), -EINVAL);	 /* CLONE_VM */
		CHECK_EQ(sc(SYS_clone, 0x10000 | FL_SIGCHLD, 0, 0, 0), -EINVAL); /* CLONE_THREAD */
		CHECK_EQ(sc(SYS_clone, 10, 0, 0, 0), -EINVAL); /* SIGUSR1 as the exit signal */
	}

	CASE(wait4_reports_exit_codes_and_signals_as_linux_encodes_them)
	{
		long pid = fl_fork();

		if (pid == 0)
			fl_exit(3);
		CHECK_EQ(fl_wait(pid, &status), pid);
		CHECK_EQ(status, 3 << 8);
		pid = fl_fork();
		if (pid == 0)
			fl_exit(0x1ff); /* only the low 8 bits survive */
		CHECK_EQ(fl_wait(-1, &status), pid);
		CHECK_EQ(status, 0xff << 8);
		CHECK_EQ(fl_wait(-1, &status), -ECHILD);
		CHECK_EQ(sc(SYS_wait4, -1, 0, 0x80, 0), -EINVAL);
	}

	CASE(wait4_with_wnohang_returns_zero_while_the_child_runs)
	{
		long pid = fl_fork();

		if (pid == 0) {
			struct k_timespec req = { 0, 30000000 };

			sc(SYS_nanosleep, (long)&req, 0, 0, 0);
			fl_exit(5);
		}
		CHECK_EQ(sc(SYS_wait4, pid, (long)&status, 1, 0), 0);
		CHECK_EQ(fl_wait(pid, &status), pid);
		CHECK_EQ(FL_WEXITSTATUS(status), 5);
	}

	CASE(execve_runs_an_embedded_image_with_the_arguments_given)
	{
		long pid = fl_fork();

		if (pid == 0) {
			char *args[] = { "hello.elf", "one", "two", NULL };

			sc(SYS_execve, (long)"hello.elf", (long)args, 0, 0);
			fl_exit(99); /* only if execve failed */
		}
		CHECK_EQ(fl_wait(pid, &status), pid);
		CHECK(FL_WIFEXITED(status) && FL_WEXITSTATUS(status) == 0);
	}

	CASE(execve_errors_leave_the_caller_running)
	{
		char *args[] = { "x", NULL };

		CHECK_EQ(sc(SYS_execve, (long)"no-such-image", (long)args, 0, 0), -ENOENT);
		CHECK_EQ(sc(SYS_execve, 0x20, (long)args, 0, 0), -EFAULT);
		CHECK_EQ(sc(SYS_execve, (long)"hello", 0x20, 0, 0), -EFAULT);
	}

	CASE(unknown_system_calls_return_enosys_and_are_counted)
	{
		struct fl_counters a, b;

		snap(&a);

		CHECK_EQ(sc(9999, 0, 0, 0, 0), -ENOSYS);
		CHECK_EQ(sc(-5, 0, 0, 0, 0), -ENOSYS);
		snap(&b);
		CHECK_EQ(b.unknown_syscalls - a.unknown_syscalls, 2);
	}

	CASE(reboot_refuses_wrong_magic)
	{
		CHECK_EQ(sc(SYS_reboot, 1, 2, 0x4321fedc, 0), -EINVAL);
		CHECK_EQ(sc(SYS_reboot, 0xfee1dead, 672274793, 0x1234, 0), -EINVAL);
	}

	CASE(a_fork_child_sees_the_parent_data_and_its_own_pid)
	{
		static int value = 5;
		long me = sc(SYS_getpid, 0, 0, 0, 0);
		long pid = fl_fork();

		if (pid == 0)
			fl_exit(value == 5 && sc(SYS_getpid, 0, 0, 0, 0) != me ? 0 : 1);
		CHECK(pid > me);
		CHECK_EQ(fl_wait(pid, &status), pid);
		CHECK_EQ(FL_WEXITSTATUS(status), 0);
	}

	return t_finish();
}
