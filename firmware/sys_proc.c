/* Processes and threads: exit, clone, exec, wait, yield, identity, usage, and powering off. */
#include "firmware/exec.h"
#include "firmware/images.h"
#include "firmware/smp.h"
#include "firmware/syscall_impl.h"
#include "firmware/task.h"
#include "firmware/uaccess.h"
#include "platform/errno.h"

#define RUSAGE_SELF		   0
#define RUSAGE_CHILDREN		   (-1)
#define RUSAGE_THREAD		   1
#define LINUX_REBOOT_MAGIC1	   0xfee1deadu
#define LINUX_REBOOT_MAGIC2	   672274793u
#define LINUX_REBOOT_CMD_POWER_OFF 0x4321fedcu
#define WNOHANG			   1

/* exit(2) ends the calling thread; exit_group(2) the whole process */
static long sys_exit(struct trap_frame *tf)
{
	task_exit_thread((int)tf->a0);
}

static long sys_exit_group(struct trap_frame *tf)
{
	task_exit((int)tf->a0);
}

static long sys_sched_yield(struct trap_frame *tf)
{
	(void)tf;
	task_yield();
	return 0;
}

/* The process's id: its first thread's */
static long sys_getpid(struct trap_frame *tf)
{
	(void)tf;
	return task_current()->tgid;
}

/* The parent process's id, whichever thread asks */
static long sys_getppid(struct trap_frame *tf)
{
	struct task *g = task_current()->leader;

	(void)tf;
	return g->parent ? g->parent->pid : 0;
}

/* The flags clone takes: the exit signal, the tid stores, a thread pointer, and what a thread
 * shares. CLONE_FS and CLONE_SYSVSEM share what does not exist here (no file system, no
 * System V semaphores); CLONE_DETACHED is ignored, as Linux ignores it. */
#define CLONE_SIGNAL_MASK 0xfful
#define CLONE_FLAGS                                                                                \
	(CLONE_SIGNAL_MASK | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID |           \
	 CLONE_CHILD_SETTID | CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |   \
	 CLONE_SYSVSEM | CLONE_DETACHED | CLONE_VFORK | CLONE_PARENT | CLONE_PTRACE |              \
	 CLONE_UNTRACED | CLONE_IO | CLONE_PIDFD)

/*
 * clone(flags, newsp, parent_tid, tls, child_tid): riscv64's argument order. A new process,
 * or a thread of the caller's (CLONE_VM | CLONE_SIGHAND | CLONE_THREAD, CLONE_FILES as
 * glibc's pthread_create asks). The combinations are checked as Linux's copy_process does;
 * what is left out here is refused with -EINVAL: an address space shared outside a thread
 * group (vfork, CLONE_VM alone), CLONE_PARENT, tracing and pidfds, and exit signals other
 * than SIGCHLD.
 */
static long sys_clone(struct trap_frame *tf)
{
	struct task_clone c = {
		.flags = tf->a0,
		.newsp = tf->a1,
		.ptid = tf->a2,
		.tls = tf->a3,
		.ctid = tf->a4,
	};
	unsigned long f = c.flags;

	if (f & ~CLONE_FLAGS)
		return -EINVAL;
	/* Linux's own rules: a thread shares the signal actions, which need the space */
	if ((f & CLONE_THREAD) && !(f & CLONE_SIGHAND))
		return -EINVAL;
	if ((f & CLONE_SIGHAND) && !(f & CLONE_VM))
		return -EINVAL;
	if ((f & CLONE_PIDFD) && (f & (CLONE_DETACHED | CLONE_THREAD)))
		return -EINVAL;
	/* and what is not here */
	if ((f & CLONE_VM) && !(f & CLONE_THREAD))
		return -EINVAL;
	if (f & (CLONE_VFORK | CLONE_PARENT | CLONE_PTRACE | CLONE_PIDFD))
		return -EINVAL;
	/* a thread has no exit signal (Linux ignores the field); a process's is SIGCHLD */
	if (!(f & CLONE_THREAD) && (f & CLONE_SIGNAL_MASK) != SIGCHLD)
		return -EINVAL;
	return task_fork(&c);
}

static long sys_set_tid_address(struct trap_frame *tf)
{
	return task_set_clear_tid(tf->a0);
}

/* The thread's own id: the process's for its first thread */
static long sys_gettid(struct trap_frame *tf)
{
	(void)tf;
	return task_current()->pid;
}

/* struct robust_list_head of Linux on 64-bit: list, futex_offset, list_op_pending */
#define ROBUST_LIST_HEAD_SIZE 24

/* The list glibc keeps of the robust mutexes a thread holds: walked when the thread ends
 * (futex.c), so that a waiter learns the owner died. */
static long sys_set_robust_list(struct trap_frame *tf)
{
	struct task *t = task_current();

	if (tf->a1 != ROBUST_LIST_HEAD_SIZE)
		return -EINVAL;
	t->robust_list = tf->a0;
	t->robust_len = tf->a1;
	return 0;
}

static long sys_get_robust_list(struct trap_frame *tf)
{
	struct task *t = task_current();

	if ((long)tf->a0 != 0 && (long)tf->a0 != t->pid)
		return -ESRCH;
	if (copy_to_user(tf->a1, &t->robust_list, sizeof(t->robust_list)) ||
	    copy_to_user(tf->a2, &t->robust_len, sizeof(t->robust_len)))
		return -EFAULT;
	return 0;
}

#define S_IRWXUGO 0777

static long sys_umask(struct trap_frame *tf)
{
	struct task *t = task_current();
	unsigned int old = t->umask;

	t->umask = (unsigned int)tf->a0 & S_IRWXUGO;
	return old;
}

/* getcpu(cpu, node, cache): the logical number of the hart the task runs on, node 0. */
static long sys_getcpu(struct trap_frame *tf)
{
	uint32_t cpu = this_hart()->cpu, node = 0;

	if (tf->a0 && copy_to_user(tf->a0, &cpu, sizeof(cpu)))
		return -EFAULT;
	if (tf->a1 && copy_to_user(tf->a1, &node, sizeof(node)))
		return -EFAULT;
	return 0;
}

/* Affinity masks are one long: up to 64 harts, as Linux's riscv builds (NR_CPUS 64). */
#define AFFINITY_BYTES 8

/* Harts tasks may run on, by logical number: those running the scheduler. */
static uint64_t usable_harts(void)
{
	return smp_online();
}

static long affinity_target(long pid)
{
	if (pid < 0)
		return -ESRCH;
	if (pid == 0 || pid == task_current()->pid)
		return 0;
	return task_pid_exists((int)pid) ? 1 : -ESRCH;
}

/* sched_getaffinity(pid, len, mask): Linux's checks, then the bytes it wrote. */
static long sys_sched_getaffinity(struct trap_frame *tf)
{
	uint64_t mask;
	long who = affinity_target((long)tf->a0);

	if (tf->a1 * 8 < 64 || (tf->a1 & (sizeof(long) - 1)))
		return -EINVAL;
	if (who < 0)
		return who;
	mask = (who == 0 ? task_current()->affinity : ~0ull) & usable_harts();
	if (copy_to_user(tf->a2, &mask, AFFINITY_BYTES))
		return -EFAULT;
	return AFFINITY_BYTES;
}

/* sched_setaffinity(pid, len, mask): kept; a task that may no longer run where it is moves
 * before the call returns, as on Linux. */
static long sys_sched_setaffinity(struct trap_frame *tf)
{
	uint64_t mask = 0;
	size_t len = tf->a1 < AFFINITY_BYTES ? tf->a1 : AFFINITY_BYTES;
	long who = affinity_target((long)tf->a0);

	if (copy_from_user(&mask, tf->a2, len))
		return -EFAULT;
	if (who < 0)
		return who;
	if (!(mask & usable_harts()))
		return -EINVAL;
	if (who == 0) {
		task_current()->affinity = mask;
		if (!(mask & this_hart()->bit))
			task_yield();
	}
	return 0;
}

/* Tasks run as root: every id is 0. */
static long sys_getuid(struct trap_frame *tf)
{
	(void)tf;
	return 0;
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
	if (pid == -ERESTARTSYS) { /* a signal came: made again, or EINTR (signal.c decides) */
		task_current()->restart_pending = true;
		task_current()->restart_a0 = tf->a0;
		task_signal_recalc(task_current());
		return pid;
	}
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

	if ((long)tf->a0 == RUSAGE_THREAD) {
		if (task_thread_times(0, &times))
			return -ESRCH;
	} else if ((long)tf->a0 != RUSAGE_SELF && (long)tf->a0 != RUSAGE_CHILDREN) {
		return -EINVAL;
	} else if (task_times(0, (long)tf->a0 == RUSAGE_CHILDREN, &times)) {
		return -ESRCH;
	}
	to_timeval(times.utime_ns, ru.utime);
	to_timeval(times.stime_ns, ru.stime);
	if ((long)tf->a0 == RUSAGE_SELF || (long)tf->a0 == RUSAGE_THREAD) {
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
SYSCALL(exit_group, sys_exit_group);
SYSCALL(sched_yield, sys_sched_yield);
SYSCALL(getpid, sys_getpid);
SYSCALL(getppid, sys_getppid);
SYSCALL(clone, sys_clone);
SYSCALL(set_tid_address, sys_set_tid_address);
SYSCALL(gettid, sys_gettid);
SYSCALL(getuid, sys_getuid);
SYSCALL(geteuid, sys_getuid);
SYSCALL(getgid, sys_getuid);
SYSCALL(getegid, sys_getuid);
SYSCALL(set_robust_list, sys_set_robust_list);
SYSCALL(get_robust_list, sys_get_robust_list);
SYSCALL(umask, sys_umask);
SYSCALL(getcpu, sys_getcpu);
SYSCALL(sched_getaffinity, sys_sched_getaffinity);
SYSCALL(sched_setaffinity, sys_sched_setaffinity);
SYSCALL(execve, sys_execve);
SYSCALL(wait4, sys_wait4);
SYSCALL(reboot, sys_reboot);
SYSCALL(getrusage, sys_getrusage);
