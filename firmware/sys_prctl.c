/* prctl: the options threaded programs use, a thread's name (pthread_setname_np and
 * pthread_getname_np on the caller); other options are EINVAL, as Linux answers options it
 * does not know. */
#include "firmware/syscall_impl.h"
#include "firmware/task.h"
#include "firmware/uaccess.h"
#include "platform/errno.h"

#define PR_SET_NAME   15
#define PR_GET_NAME   16
#define TASK_COMM_LEN 16 /* Linux's: 15 characters and the terminator */

_Static_assert(TASK_COMM_LEN <= TASK_NAME_LEN, "a task's name holds Linux's comm");

/* prctl(option, arg2, ...) */
static long sys_prctl(struct trap_frame *tf)
{
	struct task *t = task_current();
	char comm[TASK_COMM_LEN] = { 0 };
	long rc;

	switch (tf->a0) {
	case PR_SET_NAME:
		/* longer names are cut at 15 characters, as Linux's */
		rc = strncpy_from_user(comm, tf->a1, sizeof(comm) - 1);
		if (rc == -EFAULT)
			return rc;
		if (rc < 0) { /* no terminator in 15 bytes, which were read: no fault now */
			if (copy_from_user(comm, tf->a1, sizeof(comm) - 1))
				return -EFAULT;
			comm[sizeof(comm) - 1] = '\0';
		}
		for (int i = 0; i < TASK_COMM_LEN; i++)
			t->name[i] = comm[i];
		return 0;
	case PR_GET_NAME:
		for (int i = 0; i < TASK_COMM_LEN - 1 && t->name[i]; i++)
			comm[i] = t->name[i];
		return copy_to_user(tf->a1, comm, sizeof(comm)) ? -EFAULT : 0;
	default:
		return -EINVAL;
	}
}

SYSCALL(prctl, sys_prctl);
