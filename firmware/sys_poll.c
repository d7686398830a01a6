/* ppoll (what glibc's poll and pause call): every descriptor here is always ready (memory
 * objects and a console whose input is at its end never block), so a wait is only for time
 * or a signal. */
#include <stddef.h>

#include "firmware/clock.h"
#include "firmware/fdtable.h"
#include "firmware/syscall_impl.h"
#include "firmware/task.h"
#include "firmware/uaccess.h"
#include "platform/errno.h"

#define POLLIN	   0x001
#define POLLOUT	   0x004
#define POLLNVAL   0x020
#define POLLRDNORM 0x040
#define POLLWRNORM 0x100
#define READY	   (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)

#define SIGSET_SIZE 8
#define UNBLOCKABLE (sig_bit(SIGKILL) | sig_bit(SIGSTOP))
#define NSEC_PER_S  1000000000ll

struct k_pollfd {
	int32_t fd;
	int16_t events, revents;
};

/* Fills in each entry's revents; the number of entries with any. */
static long poll_once(uint64_t ufds, uint64_t nfds)
{
	struct task *t = task_current();
	long ready = 0;

	for (uint64_t i = 0; i < nfds; i++) {
		uint64_t at = ufds + i * sizeof(struct k_pollfd);
		struct k_pollfd p;
		struct file *f;

		if (copy_from_user(&p, at, sizeof(p)))
			return -EFAULT;
		p.revents = 0;
		if (p.fd >= 0) {
			f = fd_get(t->fds, p.fd);
			if (f) {
				p.revents = (int16_t)(p.events & READY);
				file_put(f);
			} else {
				p.revents = POLLNVAL;
			}
		}
		ready += p.revents != 0;
		if (copy_to_user(at + offsetof(struct k_pollfd, revents), &p.revents,
				 sizeof(p.revents)))
			return -EFAULT;
	}
	return ready;
}

/* ppoll(fds, nfds, timeout, sigmask, sigsetsize): with @sigmask, the mask during the wait;
 * after a handler it comes back as rt_sigsuspend's does. */
static long sys_ppoll(struct trap_frame *tf)
{
	struct task *t = task_current();
	struct sigstate *s = t->sig;
	uint64_t deadline = UINT64_MAX, mask;
	struct k_timespec ts;
	long rc;

	if (tf->a1 > t->limits.r[RLIMIT_NOFILE].cur)
		return -EINVAL;
	if (tf->a2) {
		if (copy_from_user(&ts, tf->a2, sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NSEC_PER_S)
			return -EINVAL;
		deadline = clock_deadline(CLOCK_MONOTONIC, false,
					  &(struct vdso_timespec){ ts.tv_sec, ts.tv_nsec });
	}
	if (tf->a3) {
		if (tf->a4 != SIGSET_SIZE)
			return -EINVAL;
		if (copy_from_user(&mask, tf->a3, sizeof(mask)))
			return -EFAULT;
	}
	rc = poll_once(tf->a0, tf->a1);
	if (rc)
		return rc;
	if (tf->a3) {
		s->saved_blocked = s->blocked;
		s->restore_blocked = true;
		s->blocked = mask & ~UNBLOCKABLE;
		task_signal_recalc(t);
	}
	rc = task_sleep_until(deadline) == -EINTR ? -EINTR : 0;
	if (tf->a3 && rc == 0) { /* no handler to run: the mask comes back now */
		s->blocked = s->saved_blocked;
		s->restore_blocked = false;
		task_signal_recalc(t);
	}
	return rc;
}

SYSCALL(ppoll, sys_ppoll);
