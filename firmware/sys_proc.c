/* Processes: exit, fork, exec, wait, yield, identity, usage, and powering off. */
#include "firmware/exec.h"
#include "firmware/images.h"
#include "firmware/syscall_impl.h"
#include "firmware/task.h"
#include "firmware/uaccess.h"
#include "platform/errno.h"

#define RUSAGE_SELF		   0
#define RUSAGE_CHILDREN		   (-1)
#define LINUX_REBOOT_MAGIC1	   0xfee1deadu
#define LINUX_REBOOT_MAGIC2	   672274793u
#define LINUX_REBOOT_CMD_POWER_OFF 0x4321fedcu
#define WNOHANG			   1

static long sys_exit(struct trap_frame *tf)
{
	task_exit((int)tf->a0);
}

static long sys_sched_yield(struct trap_frame *tf)
{
	(void)tf;
	task_yield();
	return 0;
}

static long sys_getpid(struct trap_frame *tf)
{
	(void)tf;
	return task_current()->pid;
}

static long sys_getppid(struct trap_frame *tf)
{
	struct task *t = task_current();

	(void)tf;
	return t->parent ? t->parent->pid : 0;
}

static long sys_clone(struct trap_frame *tf)
{
	/* fork semantics only: SIGCHLD as the exit signal, no new stack, nothing shared */
	if (tf->a0 != SIGCHLD || tf->a1 != 0)
		return -EINVAL;
	return task_fork();
}

static long sys_execve(struct trap_frame *tf)
{
	static char args[EXEC_ARGS_MAX]
			[EXEC_ARG_LEN]; /* one exec at a time: kernel not preemptible */
	const char *argv[EXEC_ARGS_MAX];
	char path[EXEC_ARG_LEN];
	int argc = 0, index;
	long rc = strncpy_from_user(path, tf->a0, sizeof(path));

	if (rc < 0)
		return rc;
	index = image_find(path);
	if (index < 0)
		return index;
	for (uintptr_t p = tf->a1; p; argc++) {
		uint64_t uptr;

		if (copy_from_user(&uptr, p + (uintptr_t)argc * sizeof(uptr), sizeof(uptr)))
			return -EFAULT;
		if (!uptr)
			break;
		if (argc == EXEC_ARGS_MAX)
			return -E2BIG;
		rc = strncpy_from_user(args[argc], uptr, EXEC_ARG_LEN);
		if (rc < 0)
			return rc == -EFAULT ? -EFAULT : -E2BIG;
		argv[argc] = args[argc];
	}
	return task_exec(index, argv, argc);
}

/* Linux's timeval from nanoseconds, as rusage carries them */
static void to_timeval(uint64_t ns, int64_t tv[2])
{
	tv[0] = (int64_t)(ns / 1000000000ull);
	tv[1] = (int64_t)(ns % 1000000000ull / 1000);
}

static long sys_wait4(struct trap_frame *tf)
{
	uint64_t minflt = 0, maxrss = 0;
	struct task_times before, after;
	int status = 0;
	long pid;

	if (tf->a2 & ~(unsigned long)WNOHANG)
		return -EINVAL;
	if ((long)tf->a0 < -1 || (long)tf->a0 == 0)
		return -EINVAL; /* process groups do not exist here */
	/* the child's times (its own children's included) are what reaping it added to ours */
	if (task_times(0, true, &before))
		return -ESRCH;
	pid = task_wait((int)tf->a0, (int)tf->a2, &status, &minflt, &maxrss);
	if (pid <= 0)
		return pid;
	if (task_times(0, true, &after))
		return -ESRCH;
	if (tf->a1 && copy_to_user(tf->a1, &status, sizeof(status)))
		return -EFAULT;
	if (tf->a3) {
		struct k_rusage ru = { 0 };

		ru.minflt = (int64_t)minflt;
		ru.maxrss = (int64_t)maxrss;
		to_timeval(after.utime_ns - before.utime_ns, ru.utime);
		to_timeval(after.stime_ns - before.stime_ns, ru.stime);
		if (copy_to_user(tf->a3, &ru, sizeof(ru)))
			return -EFAULT;
	}
	return pid;
}

static long sys_reboot(struct trap_frame *tf)
{
	if ((uint32_t)tf->a0 != LINUX_REBOOT_MAGIC1 || (uint32_t)tf->a1 != LINUX_REBOOT_MAGIC2)
		return -EINVAL;
	if ((uint32_t)tf->a2 != LINUX_REBOOT_CMD_POWER_OFF)
		return -EINVAL;
	task_request_poweroff();
}

static long sys_getrusage(struct trap_frame *tf)
{
	struct task *t = task_current();
	struct k_rusage ru = { 0 };
	struct task_times times;

	if ((long)tf->a0 != RUSAGE_SELF && (long)tf->a0 != RUSAGE_CHILDREN)
		return -EINVAL;
	if (task_times(0, (long)tf->a0 == RUSAGE_CHILDREN, &times))
		return -ESRCH;
	to_timeval(times.utime_ns, ru.utime);
	to_timeval(times.stime_ns, ru.stime);
	if ((long)tf->a0 == RUSAGE_SELF) {
		ru.minflt = (int64_t)vm_faults_resolved(&t->vm->counters);
		ru.nivcsw = (int64_t)t->preempted;
		ru.maxrss = (int64_t)(t->vm->max_rss * (PAGE_SIZE / 1024));
	} else if ((long)tf->a0 == RUSAGE_CHILDREN) {
		ru.minflt = (int64_t)t->child_minflt;
		ru.maxrss = (int64_t)t->child_maxrss_kib;
	} else {
		return -EINVAL;
	}
	return copy_to_user(tf->a1, &ru, sizeof(ru));
}

SYSCALL(exit, sys_exit);
SYSCALL(exit_group, sys_exit);
SYSCALL(sched_yield, sys_sched_yield);
SYSCALL(getpid, sys_getpid);
SYSCALL(getppid, sys_getppid);
SYSCALL(clone, sys_clone);
SYSCALL(execve, sys_execve);
SYSCALL(wait4, sys_wait4);
SYSCALL(reboot, sys_reboot);
SYSCALL(getrusage, sys_getrusage);
