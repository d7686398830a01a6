/* Resource limits: getrlimit, setrlimit and prlimit64 on the calling task, with Linux's
 * defaults and checks. Tasks are privileged (Linux's root): they may raise hard limits. */
#include "firmware/limits.h"

#include "firmware/syscall_impl.h"
#include "firmware/task.h"
#include "firmware/uaccess.h"
#include "platform/errno.h"

/* Linux's fs.nr_open default: no descriptor limit above it, even for root */
#define NR_OPEN_MAX (1u << 20)
/* Linux's RLIMIT_NOFILE for init (INR_OPEN_CUR, INR_OPEN_MAX) and message queues */
#define NOFILE_CUR   1024
#define NOFILE_MAX   4096
#define MSGQUEUE_MAX 819200
#define MEMLOCK_MAX  (8ull << 20)

void limits_init(struct task_limits *l)
{
	for (int i = 0; i < RLIM_NLIMITS; i++)
		l->r[i] = (struct k_rlimit){ RLIM_INFINITY, RLIM_INFINITY };
	l->r[RLIMIT_STACK].cur = USER_STACK_LIMIT;
	l->r[RLIMIT_CORE].cur = 0;
	/* Linux derives these two from memory; here the task table is the bound */
	l->r[RLIMIT_NPROC] = (struct k_rlimit){ TASK_MAX, TASK_MAX };
	l->r[RLIMIT_SIGPENDING] = (struct k_rlimit){ TASK_MAX, TASK_MAX };
	l->r[RLIMIT_NOFILE] = (struct k_rlimit){ NOFILE_CUR, NOFILE_MAX };
	l->r[RLIMIT_MEMLOCK] = (struct k_rlimit){ MEMLOCK_MAX, MEMLOCK_MAX };
	l->r[RLIMIT_MSGQUEUE] = (struct k_rlimit){ MSGQUEUE_MAX, MSGQUEUE_MAX };
	l->r[RLIMIT_NICE] = (struct k_rlimit){ 0, 0 };
	l->r[RLIMIT_RTPRIO] = (struct k_rlimit){ 0, 0 };
}

void limits_apply(struct task *t)
{
	const struct k_rlimit *r = t->limits.r;

	vm_set_limits(t->vm, r[RLIMIT_AS].cur, r[RLIMIT_DATA].cur, r[RLIMIT_STACK].cur,
		      r[RLIMIT_MEMLOCK].cur);
}

/* Linux's do_prlimit on the current process: @want (may be NULL) replaces the limit, @old (may
 * be NULL) receives the one in force before. 0, -EINVAL or -EPERM. The limits are the
 * process's, kept in its leader; the caller's copy follows them for limits_apply(). */
static long prlimit(unsigned long resource, const struct k_rlimit *want, struct k_rlimit *old)
{
	struct task *t = task_current();
	struct k_rlimit *r;

	if (resource >= RLIM_NLIMITS)
		return -EINVAL;
	r = &t->leader->limits.r[resource];
	if (want) {
		if (want->cur > want->max)
			return -EINVAL;
		if (resource == RLIMIT_NOFILE && want->max > NR_OPEN_MAX)
			return -EPERM;
	}
	if (old)
		*old = *r;
	if (want) {
		*r = *want;
		t->limits = t->leader->limits;
		if (resource == RLIMIT_AS || resource == RLIMIT_DATA || resource == RLIMIT_STACK)
			limits_apply(t);
	}
	return 0;
}

static long sys_getrlimit(struct trap_frame *tf)
{
	struct k_rlimit old;
	long rc = prlimit(tf->a0, NULL, &old);

	return rc ? rc : copy_to_user(tf->a1, &old, sizeof(old));
}

static long sys_setrlimit(struct trap_frame *tf)
{
	struct k_rlimit want;

	if (copy_from_user(&want, tf->a1, sizeof(want)))
		return -EFAULT;
	return prlimit(tf->a0, &want, NULL);
}

static long sys_prlimit64(struct trap_frame *tf)
{
	struct k_rlimit want, old;
	long pid = (long)(int)tf->a0;
	long rc;

	if (tf->a2 && copy_from_user(&want, tf->a2, sizeof(want)))
		return -EFAULT;
	/* only the caller: other tasks' limits are not reachable here */
	if (pid != 0 && pid != task_current()->tgid && pid != task_current()->pid)
		return -ESRCH;
	rc = prlimit(tf->a1, tf->a2 ? &want : NULL, tf->a3 ? &old : NULL);
	if (rc == 0 && tf->a3 && copy_to_user(tf->a3, &old, sizeof(old)))
		return -EFAULT;
	return rc;
}

SYSCALL(getrlimit, sys_getrlimit);
SYSCALL(setrlimit, sys_setrlimit);
SYSCALL(prlimit64, sys_prlimit64);
