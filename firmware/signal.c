/* Signal delivery: default actions, handler frames in Linux's riscv64 layout, rt_sigreturn,
 * and faults turned into signals. Sending, waking and the per-hart work flag are task.c's. */
#include "firmware/signal.h"

#include <stddef.h>

#include "firmware/fpu.h"
#include "firmware/task.h"
#include "firmware/uaccess.h"
#include "firmware/vdso.h"
#include "mm/slab.h"
#include "platform/errno.h"

#define SS_ONSTACK    1
#define SS_DISABLE    2
#define SS_AUTODISARM (1u << 31)

/* Linux's siginfo_t on 64-bit: three ints, padding, then a 112-byte union */
struct k_siginfo {
	int32_t signo, errnum, code, pad;
	union {
		struct {
			int32_t pid, uid;
			int32_t status, pad;
			int64_t utime, stime;
		} proc;	       /* kill, tkill, SIGCHLD */
		uint64_t addr; /* faults */
		uint8_t size[112];
	} u;
};
_Static_assert(sizeof(struct k_siginfo) == 128, "siginfo_t");

/* riscv64's ucontext: flags, link, stack, a 1024-bit signal mask field, then the machine
 * context 16-byte aligned: 32 registers (pc first, then x1..x31) and the FP union, whose
 * largest member (Q) sets its size */
struct k_ucontext {
	uint64_t flags, link;
	uint64_t ss_sp;
	int32_t ss_flags, pad;
	uint64_t ss_size;
	uint64_t sigmask;
	uint8_t mask_room[128 - 8];
	uint8_t align[8];
	uint64_t regs[32]; /* pc, ra, sp, gp, tp, t0-t2, s0-s1, a0-a7, s2-s11, t3-t6 */
	uint64_t fregs[32];
	uint32_t fcsr;
	uint8_t q_room[528 - 32 * 8 - 4];
};
_Static_assert(offsetof(struct k_ucontext, regs) == 176, "ucontext: mcontext at 176");
_Static_assert(sizeof(struct k_ucontext) == 960, "ucontext size");

struct rt_sigframe {
	struct k_siginfo info;
	struct k_ucontext uc;
};
_Static_assert(offsetof(struct rt_sigframe, uc) == 128, "frame: ucontext after siginfo");

/* The parts of the frame that are written and read, as Linux does: the room kept for a
 * larger mask and for the Q extension stays untouched, but for the Q state's reserved words,
 * which are zeroed. */
#define UC_HEAD	    offsetof(struct k_ucontext, mask_room) /* flags .. sigmask */
#define UC_MCONTEXT offsetof(struct k_ucontext, regs)
#define MC_SIZE	    (offsetof(struct k_ucontext, fcsr) + 8 - UC_MCONTEXT) /* fcsr, padded */
#define Q_FCSR	    (UC_MCONTEXT + 32 * 8 + 64 * 8) /* Q's fcsr, then its reserved words */
_Static_assert(Q_FCSR + 16 == sizeof(struct k_ucontext), "Q's fcsr and reserved words end it");

/* The trap frame holds the same registers in the same order, pc in x0's slot. */
_Static_assert(offsetof(struct trap_frame, t6) == 31 * 8, "trap frame: x31");

/* What each signal does by default: end the task, or nothing (Linux's SIGCHLD, SIGURG,
 * SIGWINCH, SIGCONT; job-control stops are not here, and are ignored). */
static bool default_ignores(int sig)
{
	switch (sig) {
	case SIGCHLD:
	case SIGURG:
	case SIGWINCH:
	case SIGCONT:
	case SIGSTOP:
	case SIGTSTP:
	case SIGTTIN:
	case SIGTTOU:
		return true;
	default:
		return false;
	}
}

static const char *const names[] = {
	[SIGHUP] = "SIGHUP",	 [SIGINT] = "SIGINT",	[SIGQUIT] = "SIGQUIT",
	[SIGILL] = "SIGILL",	 [SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT",
	[SIGBUS] = "SIGBUS",	 [SIGFPE] = "SIGFPE",	[SIGKILL] = "SIGKILL",
	[SIGUSR1] = "SIGUSR1",	 [SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
	[SIGPIPE] = "SIGPIPE",	 [SIGALRM] = "SIGALRM", [SIGTERM] = "SIGTERM",
	[16] = "SIGSTKFLT",	 [SIGCHLD] = "SIGCHLD", [SIGCONT] = "SIGCONT",
	[SIGSTOP] = "SIGSTOP",	 [SIGTSTP] = "SIGTSTP", [SIGTTIN] = "SIGTTIN",
	[SIGTTOU] = "SIGTTOU",	 [SIGURG] = "SIGURG",	[SIGXCPU] = "SIGXCPU",
	[SIGXFSZ] = "SIGXFSZ",	 [26] = "SIGVTALRM",	[27] = "SIGPROF",
	[SIGWINCH] = "SIGWINCH", [29] = "SIGIO",	[30] = "SIGPWR",
	[SIGSYS] = "SIGSYS",
};

const char *signal_name(int sig)
{
	if (sig > 0 && sig < (int)ARRAY_SIZE(names) && names[sig])
		return names[sig];
	return sig > 0 && sig <= SIG_COUNT ? "SIGRT" : "no signal";
}

static struct slab_cache cache, hand_cache;
static bool cache_ready;

static struct sighand *hand_alloc(void)
{
	struct sighand *h = slab_alloc(&hand_cache); /* zeroed: every action SIG_DFL */

	if (h)
		h->users = 1;
	return h;
}

static void hand_put(struct sighand *h)
{
	if (__atomic_sub_fetch(&h->users, 1, __ATOMIC_ACQ_REL) == 0)
		slab_free(&hand_cache, h);
}

struct sigstate *signal_alloc(void)
{
	struct sigstate *s;

	/* made on first use: the first task starts after the frame allocator */
	if (!cache_ready) {
		slab_cache_init(&cache, "sigstate", sizeof(struct sigstate));
		slab_cache_init(&hand_cache, "sighand", sizeof(struct sighand));
		cache_ready = true;
	}
	s = slab_alloc(&cache); /* zeroed: nothing blocked or pending */
	if (!s)
		return NULL;
	s->hand = hand_alloc();
	if (!s->hand) {
		slab_free(&cache, s);
		return NULL;
	}
	s->ss_flags = SS_DISABLE;
	return s;
}

void signal_free(struct sigstate *s)
{
	if (!s)
		return;
	hand_put(s->hand);
	slab_free(&cache, s);
}

struct k_sigaction signal_action(const struct sigstate *s, int sig)
{
	struct sighand *h = s->hand;
	struct k_sigaction a;

	spin_lock(&h->lock);
	a = h->action[sig - 1];
	spin_unlock(&h->lock);
	return a;
}

void signal_set_action(struct sigstate *s, int sig, const struct k_sigaction *act,
		       struct k_sigaction *old)
{
	struct sighand *h = s->hand;

	spin_lock(&h->lock);
	*old = h->action[sig - 1];
	if (act)
		h->action[sig - 1] = *act;
	spin_unlock(&h->lock);
}

void signal_fork(struct sigstate *child, const struct sigstate *parent, bool share_actions)
{
	if (share_actions) {
		hand_put(child->hand);
		__atomic_fetch_add(&parent->hand->users, 1, __ATOMIC_RELAXED);
		child->hand = parent->hand;
	} else {
		spin_lock(&parent->hand->lock);
		for (int i = 0; i < SIG_COUNT; i++)
			child->hand->action[i] = parent->hand->action[i];
		spin_unlock(&parent->hand->lock);
	}
	child->blocked = parent->blocked;
	child->pending = 0;
	child->restore_blocked = false;
	child->ss_sp = parent->ss_sp;
	child->ss_size = parent->ss_size;
	child->ss_flags = parent->ss_flags;
	/* a thread (sharing actions means sharing the space here) must not land its handlers on
	 * the stack another thread uses: it starts without one, as Linux's copy_process */
	if (share_actions) {
		child->ss_sp = 0;
		child->ss_size = 0;
		child->ss_flags = SS_DISABLE;
	}
}

void signal_exec(struct sigstate *s)
{
	struct sighand *h = s->hand, *own;

	if (__atomic_load_n(&h->users, __ATOMIC_ACQUIRE) > 1 && (own = hand_alloc()) != NULL) {
		spin_lock(&h->lock);
		for (int i = 0; i < SIG_COUNT; i++)
			own->action[i] = h->action[i];
		spin_unlock(&h->lock);
		hand_put(h);
		s->hand = h = own;
	}
	spin_lock(&h->lock);
	for (int i = 0; i < SIG_COUNT; i++)
		if (h->action[i].handler != SIG_IGN)
			h->action[i] = (struct k_sigaction){ 0 };
	spin_unlock(&h->lock);
	s->ss_sp = 0;
	s->ss_size = 0;
	s->ss_flags = SS_DISABLE;
}

bool signal_ignored(const struct sigstate *s, int sig)
{
	uint64_t handler = __atomic_load_n(&s->hand->action[sig - 1].handler, __ATOMIC_RELAXED);

	if (s->blocked & sig_bit(sig))
		return false;
	return handler == SIG_IGN || (handler == SIG_DFL && default_ignores(sig));
}

/* Linux's siginfo_t for @sig as @si describes it. */
static void fill_info(struct k_siginfo *info, int sig, const struct sig_info *si)
{
	*info = (struct k_siginfo){ 0 };
	info->signo = sig;
	info->code = si->code;
	if (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGTRAP || sig == SIGFPE) {
		info->u.addr = si->addr;
		return;
	}
	info->u.proc.pid = si->pid;
	/* sigqueue's and the other user codes' si_value lies where SIGCHLD's si_status does */
	if (si->code < 0 && si->code != SI_TKILL)
		__builtin_memcpy(&info->u.proc.status, &si->value, sizeof(si->value));
	else
		info->u.proc.status = si->status;
}

int signal_info_to_user(uint64_t uaddr, int sig, const struct sig_info *si)
{
	struct k_siginfo info;

	fill_info(&info, sig, si);
	return copy_to_user(uaddr, &info, sizeof(info)) ? -EFAULT : 0;
}

static bool on_altstack(const struct sigstate *s, uint64_t sp)
{
	return !(s->ss_flags & SS_DISABLE) && sp > s->ss_sp && sp - s->ss_sp <= s->ss_size;
}

/* Saves the task's registers, FP state and mask in a frame below its stack (or on the
 * alternate stack) and points @tf at the handler. False when the frame cannot be written. */
static bool enter_handler(struct task *t, struct trap_frame *tf, int sig, const struct sig_info *si,
			  const struct k_sigaction *a)
{
	struct sigstate *s = t->sig;
	const unsigned long *regs = (const unsigned long *)tf;
	struct rt_sigframe f;		 /* only what is copied out is filled */
	static const uint64_t q_tail[2]; /* Q's fcsr (unused with D) and reserved words: zero */
	uint64_t sp = tf->sp;

	if ((a->flags & SA_ONSTACK) && !(s->ss_flags & SS_DISABLE) && !on_altstack(s, sp))
		sp = s->ss_sp + s->ss_size;
	sp = (sp - sizeof(f)) & ~15ull;

	fill_info(&f.info, sig, si);
	f.uc.flags = 0;
	f.uc.link = 0;
	f.uc.pad = 0;
	f.uc.ss_sp = s->ss_sp;
	f.uc.ss_flags = (int32_t)(s->ss_flags & SS_DISABLE ? SS_DISABLE
				  : on_altstack(s, tf->sp) ? SS_ONSTACK
							   : 0);
	f.uc.ss_size = s->ss_size;
	f.uc.sigmask = s->restore_blocked ? s->saved_blocked : s->blocked;
	for (int i = 0; i < 32; i++)
		f.uc.regs[i] = regs[i]; /* slot 0 is the pc */
	fpu_switch_out(&t->fp);
	for (int i = 0; i < 32; i++)
		f.uc.fregs[i] = t->fp.f[i];
	f.uc.fcsr = (uint32_t)t->fp.fcsr;
	f.uc.q_room[0] = f.uc.q_room[1] = f.uc.q_room[2] = f.uc.q_room[3] = 0; /* fcsr's pad */
	if (copy_to_user(sp, &f.info, sizeof(f.info)) ||
	    copy_to_user(sp + offsetof(struct rt_sigframe, uc), &f.uc, UC_HEAD) ||
	    copy_to_user(sp + offsetof(struct rt_sigframe, uc) + UC_MCONTEXT, f.uc.regs, MC_SIZE) ||
	    copy_to_user(sp + offsetof(struct rt_sigframe, uc) + Q_FCSR, q_tail, sizeof(q_tail)))
		return false;

	if (s->ss_flags & SS_AUTODISARM) {
		s->ss_sp = 0;
		s->ss_size = 0;
		s->ss_flags = SS_DISABLE;
	}
	s->restore_blocked = false;
	s->blocked |= a->mask | ((a->flags & SA_NODEFER) ? 0 : sig_bit(sig));
	s->blocked &= ~(sig_bit(SIGKILL) | sig_bit(SIGSTOP));
	tf->sepc = a->handler;
	tf->ra = vdso_sigreturn_address();
	tf->sp = sp;
	tf->a0 = (unsigned long)sig;
	tf->a1 = sp + offsetof(struct rt_sigframe, info);
	tf->a2 = sp + offsetof(struct rt_sigframe, uc);
	if (a->flags & SA_RESETHAND) {
		static const struct k_sigaction dfl;
		struct k_sigaction old;

		signal_set_action(s, sig, &dfl, &old);
	}
	return true;
}

/* The number of the lowest bit set in @set, counted from 1: a halving search, as the kernel
 * has no count-trailing-zeros instruction to rely on (nor libgcc's). */
static int lowest_signal(uint64_t set)
{
	int sig = 1;

	for (int width = 32; width; width /= 2)
		if (!(set & ((1ull << width) - 1))) {
			sig += width;
			set >>= width;
		}
	return sig;
}

int signal_take(struct sigstate *s, uint64_t set, struct sig_info *si)
{
	uint64_t ready;

	while ((ready = __atomic_load_n(&s->pending, __ATOMIC_ACQUIRE) & set) != 0) {
		int sig = ready & sig_bit(SIGKILL) ? SIGKILL : lowest_signal(ready);

		*si = s->info[sig - 1];
		/* senders add bits; another thread's sigwait may take this one first */
		if (__atomic_fetch_and(&s->pending, ~sig_bit(sig), __ATOMIC_ACQ_REL) &
		    sig_bit(sig)) {
			__atomic_fetch_and(&s->shared, ~sig_bit(sig), __ATOMIC_RELAXED);
			return sig;
		}
	}
	return 0;
}

/* The lowest pending signal not blocked (SIGKILL first), taken off the pending set. */
static int next_signal(struct sigstate *s, struct sig_info *si)
{
	return signal_take(s, ~s->blocked, si);
}

void signal_work(struct trap_frame *tf)
{
	struct task *t = task_current();
	struct sigstate *s = t->sig;
	bool restart = t->restart_pending;
	struct sig_info si;
	int sig;

	/* another thread ended the process (exit_group, a fatal signal): this one ends too */
	if (task_group_dying(t))
		task_exit_thread(0);
	t->restart_pending = false;
	while ((sig = next_signal(s, &si)) != 0) {
		const struct k_sigaction act = signal_action(s, sig), *a = &act;

		if (sig != SIGKILL && a->handler == SIG_IGN)
			continue;
		if (sig == SIGKILL || a->handler == SIG_DFL) {
			if (sig != SIGKILL && default_ignores(sig))
				continue;
			task_end_by_signal(sig, si.addr, tf->sepc);
		}
		/* a handler runs: an interrupted call fails with EINTR, unless SA_RESTART asks
		 * for it to be made again (Linux's -ERESTARTSYS) */
		if (restart) {
			if (a->flags & SA_RESTART) {
				tf->sepc -= 4;
				tf->a0 = t->restart_a0;
			} else {
				tf->a0 = (unsigned long)-EINTR;
			}
			restart = false;
		}
		if (!enter_handler(t, tf, sig, &si, a))
			task_kill_undeliverable(sig, tf->sp, tf->sepc);
		break;
	}
	/* woken for a signal that nobody ended up handling: the call is made again */
	if (restart) {
		tf->sepc -= 4;
		tf->a0 = t->restart_a0;
	}
	if (s->restore_blocked && !(s->pending & ~s->blocked)) {
		s->blocked = s->saved_blocked;
		s->restore_blocked = false;
	}
	task_signal_recalc(t);
}

bool signal_fault(int sig, int code, uint64_t addr)
{
	struct task *t = task_current();
	struct sigstate *s = t->sig;
	const struct k_sigaction act = signal_action(s, sig), *a = &act;

	/* a blocked or ignored fault signal cannot be held back: Linux kills */
	if (a->handler == SIG_DFL || a->handler == SIG_IGN || (s->blocked & sig_bit(sig)))
		return false;
	s->info[sig - 1] = (struct sig_info){ .code = code, .addr = addr };
	__atomic_fetch_or(&s->pending, sig_bit(sig), __ATOMIC_RELEASE);
	task_signal_recalc(t);
	return true;
}

long signal_sigreturn(struct trap_frame *tf)
{
	struct task *t = task_current();
	struct sigstate *s = t->sig;
	unsigned long *regs = (unsigned long *)tf;
	struct k_ucontext uc;
	uint64_t at = tf->sp + offsetof(struct rt_sigframe, uc);

	if (copy_from_user(&uc, at, UC_HEAD) || copy_from_user(uc.regs, at + UC_MCONTEXT, MC_SIZE))
		task_kill_undeliverable(0, tf->sp, tf->sepc);
	for (int i = 0; i < 32; i++)
		regs[i] = uc.regs[i];
	tf->full = 1; /* every register comes from the frame */
	for (int i = 0; i < 32; i++)
		t->fp.f[i] = uc.fregs[i];
	t->fp.fcsr = uc.fcsr;
	fpu_switch_in(&t->fp);
	tf->sstatus = fpu_user_sstatus(tf->sstatus);
	s->blocked = uc.sigmask & ~(sig_bit(SIGKILL) | sig_bit(SIGSTOP));
	/* the alternate stack as it was when the handler was entered */
	if (!on_altstack(s, tf->sp)) {
		s->ss_sp = uc.ss_sp;
		s->ss_size = uc.ss_size;
		s->ss_flags = (uint32_t)uc.ss_flags & (SS_DISABLE | SS_AUTODISARM);
	}
	task_signal_recalc(t);
	return (long)tf->a0;
}
