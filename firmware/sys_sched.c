/* Scheduling policies as an unprivileged Linux process sees them: every task is SCHED_OTHER
 * at priority 0 (the scheduler is one round robin); the real-time policies need a capability
 * tasks do not hold (EPERM). What pthread attributes and pthread_getschedparam ask of the
 * kernel. */
#include "firmware/syscall_impl.h"
#include "firmware/task.h"
#include "firmware/uaccess.h"
#include "platform/errno.h"

#define SCHED_OTHER	    0
#define SCHED_FIFO	    1
#define SCHED_RR	    2
#define SCHED_BATCH	    3
#define SCHED_IDLE	    5
#define SCHED_RESET_ON_FORK 0x40000000
#define RT_PRIO_MIN	    1
#define RT_PRIO_MAX	    99

/* 0 for the caller or a thread that exists, else Linux's error for @pid. */
static long target(long pid)
{
	if (pid < 0)
		return -EINVAL;
	if (pid == 0 || pid == task_current()->pid || task_pid_exists((int)pid))
		return 0;
	return -ESRCH;
}

/* sched_getscheduler(pid) */
static long sys_sched_getscheduler(struct trap_frame *tf)
{
	long rc = target((long)tf->a0);

	return rc ? rc : SCHED_OTHER;
}

/* sched_getparam(pid, param): the priority, 0 */
static long sys_sched_getparam(struct trap_frame *tf)
{
	int32_t prio = 0;
	long rc;

	if (!tf->a1)
		return -EINVAL;
	rc = target((long)tf->a0);
	if (rc)
		return rc;
	return copy_to_user(tf->a1, &prio, sizeof(prio)) ? -EFAULT : 0;
}

/* Linux's checks of a policy and its priority, then whether it may be had: SCHED_OTHER at 0
 * is what every task has; the real-time policies need CAP_SYS_NICE (EPERM); SCHED_BATCH and
 * SCHED_IDLE, which Linux grants, are not kept here: EINVAL. */
static long set_policy(long pid, long policy, uint64_t uparam)
{
	int32_t prio;
	long rc;

	if (!uparam || pid < 0)
		return -EINVAL;
	if (copy_from_user(&prio, uparam, sizeof(prio)))
		return -EFAULT;
	rc = target(pid);
	if (rc)
		return rc;
	if (policy < 0) /* sched_setparam: the current policy */
		policy = SCHED_OTHER;
	policy &= ~SCHED_RESET_ON_FORK;
	switch (policy) {
	case SCHED_FIFO:
	case SCHED_RR:
		if (prio < RT_PRIO_MIN || prio > RT_PRIO_MAX)
			return -EINVAL;
		return -EPERM;
	case SCHED_OTHER:
		return prio == 0 ? 0 : -EINVAL;
	default:
		return -EINVAL;
	}
}

/* sched_setscheduler(pid, policy, param) */
static long sys_sched_setscheduler(struct trap_frame *tf)
{
	if ((long)tf->a1 < 0)
		return -EINVAL;
	return set_policy((long)tf->a0, (long)tf->a1, tf->a2);
}

/* sched_setparam(pid, param) */
static long sys_sched_setparam(struct trap_frame *tf)
{
	return set_policy((long)tf->a0, -1, tf->a1);
}

/* sched_get_priority_max(policy), sched_get_priority_min(policy) */
static long priority_bound(long policy, bool max)
{
	switch (policy) {
	case SCHED_FIFO:
	case SCHED_RR:
		return max ? RT_PRIO_MAX : RT_PRIO_MIN;
	case SCHED_OTHER:
	case SCHED_BATCH:
	case SCHED_IDLE:
		return 0;
	default:
		return -EINVAL;
	}
}

static long sys_sched_get_priority_max(struct trap_frame *tf)
{
	return priority_bound((long)tf->a0, true);
}

static long sys_sched_get_priority_min(struct trap_frame *tf)
{
	return priority_bound((long)tf->a0, false);
}

SYSCALL(sched_getscheduler, sys_sched_getscheduler);
SYSCALL(sched_getparam, sys_sched_getparam);
SYSCALL(sched_setscheduler, sys_sched_setscheduler);
SYSCALL(sched_setparam, sys_sched_setparam);
SYSCALL(sched_get_priority_max, sys_sched_get_priority_max);
SYSCALL(sched_get_priority_min, sys_sched_get_priority_min);
