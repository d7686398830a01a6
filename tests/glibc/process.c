/* Process calls as static glibc uses them: fork and wait statuses, ids, the tid stores of
 * clone, set_tid_address, umask, affinity and the processor count. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static volatile uint32_t child_tid_store, parent_tid_store;

int main(void)
{
	CASE(fork_and_waitpid_give_linuxs_exit_statuses)
	{
		int status = -1;
		pid_t pid = fork();

		if (pid == 0)
			_exit(42);
		CHECK(pid > 0);
		CHECK_EQ(waitpid(pid, &status, 0), pid);
		CHECK(WIFEXITED(status));
		CHECK_EQ(WEXITSTATUS(status), 42);
		CHECK_EQ(status, 42 << 8);
		CHECK_EQ(waitpid(-1, &status, WNOHANG), -1);
		CHECK_EQ(errno, ECHILD);
	}

	CASE(child_sees_its_own_pid_tid_and_parent)
	{
		pid_t me = getpid(), pid;
		int status = -1;

		CHECK_EQ(gettid(), me);
		CHECK_EQ(syscall(SYS_set_tid_address, &child_tid_store), me);
		pid = fork();
		if (pid == 0)
			_exit(getppid() == me && gettid() == getpid() && getpid() != me ? 0 : 1);
		CHECK_EQ(waitpid(pid, &status, 0), pid);
		CHECK_EQ(status, 0);
	}

	CASE(clone_stores_the_child_tid_in_the_child_and_the_parent_tid_in_the_parent)
	{
		int status = -1;
		long pid;

		child_tid_store = 0;
		parent_tid_store = 0;
		pid = syscall(SYS_clone, CLONE_CHILD_SETTID | CLONE_PARENT_SETTID | SIGCHLD, 0,
			      &parent_tid_store, 0, &child_tid_store);
		if (pid == 0) /* the raw child: only raw calls until it ends */
			syscall(SYS_exit, child_tid_store == (uint32_t)syscall(SYS_gettid) &&
						  parent_tid_store == 0
					      ? 0
					      : 1);
		CHECK(pid > 0);
		CHECK_EQ(parent_tid_store, pid);
		CHECK_EQ(child_tid_store, 0); /* the child's store went to the child's copy */
		CHECK_EQ(waitpid(pid, &status, 0), pid);
		CHECK_EQ(status, 0);
	}

	CASE(ids_are_root_and_umask_starts_at_022)
	{
		CHECK_EQ(getuid(), 0);
		CHECK_EQ(geteuid(), 0);
		CHECK_EQ(getgid(), 0);
		CHECK_EQ(getegid(), 0);
		CHECK_EQ(umask(077), 022);
		CHECK_EQ(umask(022), 077);
	}

	CASE(affinity_and_processor_count_name_the_usable_harts)
	{
		cpu_set_t set;
		unsigned int cpu = 99, node = 99;

		CHECK_EQ(sched_getaffinity(0, sizeof(set), &set), 0);
		CHECK(CPU_COUNT(&set) >= 1);
		CHECK_EQ(sysconf(_SC_NPROCESSORS_ONLN), CPU_COUNT(&set));
		CHECK_EQ(syscall(SYS_sched_getaffinity, 0, 4, &set), -1);
		CHECK_EQ(errno, EINVAL);
		CHECK_EQ(syscall(SYS_sched_getaffinity, 999999, sizeof(set), &set), -1);
		CHECK_EQ(errno, ESRCH);
		CHECK_EQ(getcpu(&cpu, &node), 0);
		CHECK(CPU_ISSET(cpu, &set));
		CHECK_EQ(node, 0);
		CHECK_EQ(sched_setaffinity(0, sizeof(set), &set), 0);
	}

	CASE(robust_list_is_accepted_with_linuxs_size_only)
	{
		CHECK_EQ(syscall(SYS_set_robust_list, 0, 24), 0);
		CHECK_EQ(syscall(SYS_set_robust_list, 0, 23), -1);
		CHECK_EQ(errno, EINVAL);
	}
	return check_finish();
}
