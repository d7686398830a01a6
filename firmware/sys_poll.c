/* ppoll and pselect6 (what glibc's poll, pause and select call): every descriptor here is
 * always ready (memory objects and a console whose input is at its end never block), so a
 * wait is only for time or a signal. */
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

/* The deadline of a relative @utime (0: none), or -EFAULT / -EINVAL. */
static int read_timeout(uint64_t utime, uint64_t *deadline)
{
	*deadline = UINT64_MAX;
	if (!utime)
		return 0;
	return clock_deadline_from_user(CLOCK_MONOTONIC, false, utime, deadline);
}

/* Sleeps until @deadline or a signal, with @umask (when not 0) as the mask meanwhile: after
 * a handler it comes back as rt_sigsuspend's does. 0 at the deadline, or -EINTR. */
static long wait_with_mask(uint64_t deadline, uint64_t umask, uint64_t mask)
{
	struct task *t = task_current();
	struct sigstate *s = t->sig;
	long rc;

	if (umask) {
		s->saved_blocked = s->blocked;
		s->restore_blocked = true;
		s->blocked = mask & ~UNBLOCKABLE;
		task_signal_recalc(t);
	}
	rc = task_sleep_until(deadline) == -EINTR ? -EINTR : 0;
	if (umask && rc == 0) { /* no handler to run: the mask comes back now */
		s->blocked = s->saved_blocked;
		s->restore_blocked = false;
		task_signal_recalc(t);
	}
	return rc;
}

/* ppoll(fds, nfds, timeout, sigmask, sigsetsize) */
static long sys_ppoll(struct trap_frame *tf)
{
	struct task *t = task_current();
	uint64_t deadline, mask = 0;
	long rc;

	if (tf->a1 > t->limits.r[RLIMIT_NOFILE].cur)
		return -EINVAL;
	rc = read_timeout(tf->a2, &deadline);
	if (rc)
		return rc;
	if (tf->a3) {
		if (tf->a4 != SIGSET_SIZE)
			return -EINVAL;
		if (copy_from_user(&mask, tf->a3, sizeof(mask)))
			return -EFAULT;
	}
	rc = poll_once(tf->a0, tf->a1);
	if (rc)
		return rc;
	return wait_with_mask(deadline, tf->a3, mask);
}

#define FD_SET_WORDS 16 /* 1024 descriptors, the most RLIMIT_NOFILE's default allows */

/* pselect6(nfds, readfds, writefds, exceptfds, timeout, {sigmask, sigsetsize}): a descriptor
 * asked for reading or writing is ready at once, an exceptional condition never is; a closed
 * one is EBADF. */
static long sys_pselect6(struct trap_frame *tf)
{
	struct task *t = task_current();
	uint64_t sets[3][FD_SET_WORDS] = { { 0 } }, deadline, mask = 0, words;
	const uint64_t uset[3] = { tf->a1, tf->a2, tf->a3 };
	struct {
		uint64_t mask, size;
	} sm;
	long nfds = (long)(int)tf->a0, ready = 0, rc;

	if (nfds < 0)
		return -EINVAL;
	if (nfds > FD_SET_WORDS * 64) /* Linux looks no further than its table either */
		nfds = FD_SET_WORDS * 64;
	words = ((uint64_t)nfds + 63) / 64;
	rc = read_timeout(tf->a4, &deadline);
	if (rc)
		return rc;
	if (tf->a5) {
		if (copy_from_user(&sm, tf->a5, sizeof(sm)))
			return -EFAULT;
		if (sm.mask && sm.size != SIGSET_SIZE)
			return -EINVAL;
		if (sm.mask && copy_from_user(&mask, sm.mask, sizeof(mask)))
			return -EFAULT;
	}
	for (int k = 0; k < 3; k++)
		if (uset[k] && copy_from_user(sets[k], uset[k], words * 8))
			return -EFAULT;
	for (long fd = 0; fd < nfds; fd++) {
		uint64_t bit = 1ull << (fd % 64);
		uint64_t any = (sets[0][fd / 64] | sets[1][fd / 64] | sets[2][fd / 64]) & bit;
		struct file *f;

		if (!any)
			continue;
		f = fd_get(t->fds, fd);
		if (!f)
			return -EBADF;
		file_put(f);
		ready += !!(sets[0][fd / 64] & bit) + !!(sets[1][fd / 64] & bit);
	}
	for (uint64_t w = 0; w < words; w++)
		sets[2][w] = 0;
	for (int k = 0; k < 3; k++)
		if (uset[k] && copy_to_user(uset[k], sets[k], words * 8))
			return -EFAULT;
	if (ready)
		return ready;
	return wait_with_mask(deadline, tf->a5 ? sm.mask : 0, mask);
}

SYSCALL(ppoll, sys_ppoll);
SYSCALL(pselect6, sys_pselect6);
