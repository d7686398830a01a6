/* Signal calls: actions, masks, the alternate stack, sending, waiting, and the return from a
 * handler. Delivery itself is signal.c's, sending and waking task.c's. */
#include "firmware/signal.h"
#include "firmware/syscall_impl.h"
#include "firmware/task.h"
#include "firmware/uaccess.h"
#include "platform/errno.h"

#define SIG_BLOCK   0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2
#define SIGSET_SIZE 8 /* the kernel's sigset_t: 64 signals */

#define SS_ONSTACK    1
#define SS_DISABLE    2
#define SS_AUTODISARM (1u << 31)
#define MINSIGSTKSZ   2048

/* neither can be caught, ignored or blocked */
#define UNBLOCKABLE (sig_bit(SIGKILL) | sig_bit(SIGSTOP))

static bool valid(long sig)
{
	return sig >= 1 && sig <= SIG_COUNT;
}

/* rt_sigaction(sig, act, oact, sigsetsize) */
static long sys_rt_sigaction(struct trap_frame *tf)
{
	struct task *t = task_current();
	long sig = (long)tf->a0;
	struct k_sigaction act, old;

	if (tf->a3 != SIGSET_SIZE || !valid(sig))
		return -EINVAL;
	if (tf->a1) {
		if (copy_from_user(&act, tf->a1, sizeof(act)))
			return -EFAULT;
		if (sig == SIGKILL || sig == SIGSTOP)
			return -EINVAL;
		act.mask &= ~UNBLOCKABLE;
		signal_set_action(t->sig, (int)sig, &act, &old);
		/* a signal now ignored is thrown away, pending or not (Linux) */
		if (signal_ignored(t->sig, (int)sig))
			__atomic_fetch_and(&t->sig->pending, ~sig_bit((int)sig), __ATOMIC_ACQ_REL);
		task_signal_recalc(t);
	} else {
		signal_set_action(t->sig, (int)sig, NULL, &old);
	}
	if (tf->a2 && copy_to_user(tf->a2, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

/* rt_sigprocmask(how, set, oset, sigsetsize) */
static long sys_rt_sigprocmask(struct trap_frame *tf)
{
	struct task *t = task_current();
	uint64_t set, old = t->sig->blocked;

	if (tf->a3 != SIGSET_SIZE)
		return -EINVAL;
	if (tf->a1) {
		if (copy_from_user(&set, tf->a1, sizeof(set)))
			return -EFAULT;
		switch (tf->a0) {
		case SIG_BLOCK:
			t->sig->blocked |= set;
			break;
		case SIG_UNBLOCK:
			t->sig->blocked &= ~set;
			break;
		case SIG_SETMASK:
			t->sig->blocked = set;
			break;
		default:
			return -EINVAL;
		}
		t->sig->blocked &= ~UNBLOCKABLE;
		task_signal_recalc(t);
	}
	if (tf->a2 && copy_to_user(tf->a2, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

/* rt_sigpending(set, sigsetsize): what is pending because it is blocked */
static long sys_rt_sigpending(struct trap_frame *tf)
{
	struct task *t = task_current();
	uint64_t set = t->sig->pending & t->sig->blocked;

	if (tf->a1 > SIGSET_SIZE)
		return -EINVAL;
	return copy_to_user(tf->a0, &set, tf->a1) ? -EFAULT : 0;
}

/* rt_sigsuspend(mask, sigsetsize): wait with @mask until a handler has run; the old mask comes
 * back when it returns */
static long sys_rt_sigsuspend(struct trap_frame *tf)
{
	struct task *t = task_current();
	uint64_t mask;

	if (tf->a1 != SIGSET_SIZE)
		return -EINVAL;
	if (copy_from_user(&mask, tf->a0, sizeof(mask)))
		return -EFAULT;
	t->sig->saved_blocked = t->sig->blocked;
	t->sig->restore_blocked = true;
	t->sig->blocked = mask & ~UNBLOCKABLE;
	task_signal_recalc(t);
	task_wait_for_signal();
	return -EINTR;
}

/* Linux's stack_t on 64-bit */
struct k_stack {
	uint64_t sp;
	int32_t flags, pad;
	uint64_t size;
};

static long sys_sigaltstack(struct trap_frame *tf)
{
	struct task *t = task_current();
	struct sigstate *s = t->sig;
	bool on =
	    !(s->ss_flags & SS_DISABLE) && tf->sp > s->ss_sp && tf->sp - s->ss_sp <= s->ss_size;
	struct k_stack old = {
		.sp = s->ss_sp,
		.flags = (int32_t)(on ? SS_ONSTACK : s->ss_flags),
		.size = s->ss_size,
	};

	if (tf->a0) {
		struct k_stack ss;
		uint32_t mode;

		if (copy_from_user(&ss, tf->a0, sizeof(ss)))
			return -EFAULT;
		if (on)
			return -EPERM;
		mode = (uint32_t)ss.flags & ~SS_AUTODISARM;
		if (mode != 0 && mode != SS_DISABLE && mode != SS_ONSTACK)
			return -EINVAL;
		if (mode == SS_DISABLE) {
			s->ss_sp = 0;
			s->ss_size = 0;
			s->ss_flags = SS_DISABLE;
		} else {
			if (ss.size < MINSIGSTKSZ)
				return -ENOMEM;
			s->ss_sp = ss.sp;
			s->ss_size = ss.size;
			s->ss_flags = (uint32_t)ss.flags & SS_AUTODISARM;
		}
	}
	if (tf->a1 && copy_to_user(tf->a1, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

static long sys_kill(struct trap_frame *tf)
{
	struct sig_info si = { .code = SI_USER, .pid = task_current()->tgid };
	long pid = (long)tf->a0;

	if (pid < -1)
		return -ESRCH; /* process groups other than the caller's do not exist */
	return task_signal((int)pid, (int)tf->a1, &si);
}

/* tgkill(tgid, tid, sig): thread @tid of process @tgid alone */
static long sys_tgkill(struct trap_frame *tf)
{
	struct sig_info si = { .code = SI_TKILL, .pid = task_current()->tgid };
	long tgid = (long)tf->a0, tid = (long)tf->a1;

	if (tgid <= 0 || tid <= 0 || !(tf->a2 <= SIG_COUNT))
		return -EINVAL;
	return task_signal_thread((int)tgid, (int)tid, (int)tf->a2, &si);
}

/* tkill(tid, sig): thread @tid, whichever its process */
static long sys_tkill(struct trap_frame *tf)
{
	struct sig_info si = { .code = SI_TKILL, .pid = task_current()->tgid };

	if ((long)tf->a0 <= 0 || !(tf->a1 <= SIG_COUNT))
		return -EINVAL;
	return task_signal_thread(0, (int)tf->a0, (int)tf->a1, &si);
}

static long sys_rt_sigreturn(struct trap_frame *tf)
{
	return signal_sigreturn(tf);
}

SYSCALL(rt_sigaction, sys_rt_sigaction);
SYSCALL(rt_sigprocmask, sys_rt_sigprocmask);
SYSCALL(rt_sigpending, sys_rt_sigpending);
SYSCALL(rt_sigsuspend, sys_rt_sigsuspend);
SYSCALL(sigaltstack, sys_sigaltstack);
SYSCALL(kill, sys_kill);
SYSCALL(tgkill, sys_tgkill);
SYSCALL(tkill, sys_tkill);
SYSCALL(rt_sigreturn, sys_rt_sigreturn);
