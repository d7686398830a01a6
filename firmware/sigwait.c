/* Signals taken synchronously and sent with a payload: rt_sigtimedwait (sigwait, sigwaitinfo,
 * sigtimedwait), rt_sigqueueinfo (sigqueue) and rt_tgsigqueueinfo (pthread_sigqueue). */
#include "firmware/clock.h"
#include "firmware/signal.h"
#include "firmware/syscall_impl.h"
#include "firmware/task.h"
#include "firmware/timer.h"
#include "firmware/uaccess.h"
#include "platform/errno.h"

#define SIGSET_SIZE 8
#define UNBLOCKABLE (sig_bit(SIGKILL) | sig_bit(SIGSTOP))
#define NSEC_PER_S  1000000000ll

/* The caller's own pending signal of @set, else one sent to its process and pending at
 * another of its threads (Linux keeps those in one shared queue any thread may take from). */
static int take(struct task *t, uint64_t set, struct sig_info *si)
{
	int sig = signal_take(t->sig, set, si);

	return sig ? sig : task_take_process_signal(set, si);
}

/* rt_sigtimedwait(set, info, timeout, sigsetsize): the lowest signal of set that is pending,
 * or the first to come within timeout (NULL: no limit; zero: only a look). While it waits the
 * signals of set count as unblocked, so that one sent to the process is given to this thread
 * and wakes it; they are never handled here. EAGAIN at the timeout, EINTR when a signal
 * outside the set is to be handled. */
static long sys_rt_sigtimedwait(struct trap_frame *tf)
{
	struct task *t = task_current();
	struct sigstate *s = t->sig;
	uint64_t set, deadline = UINT64_MAX, saved;
	struct k_timespec ts;
	struct sig_info si;
	int sig;

	if (tf->a3 != SIGSET_SIZE)
		return -EINVAL;
	if (copy_from_user(&set, tf->a0, sizeof(set)))
		return -EFAULT;
	set &= ~UNBLOCKABLE;
	if (tf->a2) {
		if (copy_from_user(&ts, tf->a2, sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NSEC_PER_S)
			return -EINVAL;
		deadline = clock_deadline(CLOCK_MONOTONIC, false,
					  &(struct vdso_timespec){ ts.tv_sec, ts.tv_nsec });
	}
	sig = take(t, set, &si);
	if (!sig && !(tf->a2 && ts.tv_sec == 0 && ts.tv_nsec == 0)) {
		int rc;

		saved = s->blocked;
		s->blocked &= ~set;
		task_signal_recalc(t);
		rc = task_sleep_until(deadline); /* -EINTR: for a signal, of the set or not */
		s->blocked = saved;
		task_signal_recalc(t);
		sig = take(t, set, &si);
		if (!sig && rc == -EINTR && task_signal_pending())
			return -EINTR;
	}
	if (!sig)
		return -EAGAIN;
	if (tf->a1 && signal_info_to_user(tf->a1, sig, &si))
		return -EFAULT;
	return sig;
}

/* The details a sigqueue caller gives: Linux's siginfo_t, of which the code, the sender's
 * pid and the value (sival, where SIGCHLD's status would be) are kept. A caller may not
 * pretend to be the kernel or kill/tgkill (a code >= 0, or SI_TKILL) towards another
 * process: EPERM, root or not. */
static int queued_info(uint64_t uinfo, int tgid, struct sig_info *si)
{
	struct {
		int32_t signo, errnum, code, pad;
		int32_t pid, uid;
		uint64_t value;
	} info;

	if (copy_from_user(&info, uinfo, sizeof(info)))
		return -EFAULT;
	if ((info.code >= 0 || info.code == SI_TKILL) && tgid != task_current()->tgid)
		return -EPERM;
	*si = (struct sig_info){ .code = info.code, .pid = info.pid, .value = info.value };
	return 0;
}

/* rt_sigqueueinfo(tgid, sig, info) */
static long sys_rt_sigqueueinfo(struct trap_frame *tf)
{
	long tgid = (long)tf->a0;
	struct sig_info si;
	int rc;

	if (tf->a1 > SIG_COUNT)
		return -EINVAL;
	rc = queued_info(tf->a2, (int)tgid, &si);
	if (rc)
		return rc;
	if (tgid <= 0)
		return -ESRCH;
	return task_signal((int)tgid, (int)tf->a1, &si);
}

/* rt_tgsigqueueinfo(tgid, tid, sig, info) */
static long sys_rt_tgsigqueueinfo(struct trap_frame *tf)
{
	long tgid = (long)tf->a0, tid = (long)tf->a1;
	struct sig_info si;
	int rc;

	if (tgid <= 0 || tid <= 0 || tf->a2 > SIG_COUNT)
		return -EINVAL;
	rc = queued_info(tf->a3, (int)tgid, &si);
	if (rc)
		return rc;
	return task_signal_thread((int)tgid, (int)tid, (int)tf->a2, &si);
}

SYSCALL(rt_sigtimedwait, sys_rt_sigtimedwait);
SYSCALL(rt_sigqueueinfo, sys_rt_sigqueueinfo);
SYSCALL(rt_tgsigqueueinfo, sys_rt_tgsigqueueinfo);
