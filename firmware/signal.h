/* Signals as Linux has them: per-task actions, blocked and pending sets, the alternate
 * stack; delivery to handlers through a Linux-layout frame on the user or alternate stack,
 * back through the vDSO's rt_sigreturn; Linux's default actions. Faults become signals
 * when the task handles them. */
#ifndef FAULTLINE_FIRMWARE_SIGNAL_H
#define FAULTLINE_FIRMWARE_SIGNAL_H

#include "firmware/trap_frame.h"
#include "platform/riscv/spinlock.h"
#include "platform/types.h"

/* Linux's signal numbers */
#define SIGHUP	  1
#define SIGINT	  2
#define SIGQUIT	  3
#define SIGILL	  4
#define SIGTRAP	  5
#define SIGABRT	  6
#define SIGBUS	  7
#define SIGFPE	  8
#define SIGKILL	  9
#define SIGUSR1	  10
#define SIGSEGV	  11
#define SIGUSR2	  12
#define SIGPIPE	  13
#define SIGALRM	  14
#define SIGTERM	  15
#define SIGCHLD	  17
#define SIGCONT	  18
#define SIGSTOP	  19
#define SIGTSTP	  20
#define SIGTTIN	  21
#define SIGTTOU	  22
#define SIGURG	  23
#define SIGXCPU	  24
#define SIGXFSZ	  25
#define SIGWINCH  28
#define SIGSYS	  31
#define SIG_COUNT 64 /* signals 1..64; bit sig - 1 of a mask */

/* si_code values */
#define SI_USER	    0
#define SI_KERNEL   0x80
#define SI_QUEUE    (-1)
#define SI_TKILL    (-6)
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define BUS_ADRALN  1
#define BUS_ADRERR  2
#define ILL_ILLOPC  1
#define TRAP_BRKPT  1
#define CLD_EXITED  1
#define CLD_KILLED  2

/* Linux's struct sigaction on riscv64 (no sa_restorer: the vDSO has the trampoline) */
struct k_sigaction {
	uint64_t handler; /* SIG_DFL, SIG_IGN or an address */
	uint64_t flags;
	uint64_t mask;
};

#define SIG_DFL 0
#define SIG_IGN 1

#define SA_NOCLDSTOP 0x00000001ul
#define SA_NOCLDWAIT 0x00000002ul
#define SA_SIGINFO   0x00000004ul
#define SA_ONSTACK   0x08000000ul
#define SA_RESTART   0x10000000ul
#define SA_NODEFER   0x40000000ul
#define SA_RESETHAND 0x80000000ul

/* What a pending signal carries into its siginfo_t. */
struct sig_info {
	int32_t code;
	int32_t pid;	/* the sender (kill, tkill), or the child (SIGCHLD) */
	int32_t status; /* SIGCHLD: the child's exit code or signal */
	uint64_t addr;	/* faults: si_addr */
	uint64_t value; /* sigqueue and other negative codes but SI_TKILL: si_value */
};

/* What each signal does, shared by the threads of a process (CLONE_SIGHAND). */
struct sighand {
	struct k_sigaction action[SIG_COUNT]; /* by sig - 1 */
	spinlock_t lock;		      /* rt_sigaction's changes against readers */
	uint32_t users;
};

/* A task's signal state: the actions (maybe shared), then its own mask, pending set and
 * alternate stack. fork copies it but for what is pending, execve resets handlers. */
struct sigstate {
	struct sighand *hand;
	uint64_t blocked, pending;	 /* pending: senders on any hart add bits atomically */
	uint64_t shared;		 /* of pending, those sent to the process, not the thread */
	struct sig_info info[SIG_COUNT]; /* of each pending signal: standard ones do not queue */
	uint64_t saved_blocked;		 /* rt_sigsuspend's mask, restored after the handler */
	bool restore_blocked;
	uint64_t ss_sp, ss_size; /* sigaltstack */
	uint32_t ss_flags;
};

static inline uint64_t sig_bit(int sig)
{
	return 1ull << (sig - 1);
}

/* signal_name - "SIGSEGV" for 11; "signal N" style names are not needed: every number from
 * 1 to 64 has one ("SIGRT" for the real-time ones). */
const char *signal_name(int sig);

/* signal_alloc - a new task's signal state, every action the default, nothing blocked or
 * pending, or NULL when memory is short; signal_free gives it back. Kept apart from struct
 * task so that the task table, zeroed at boot, stays small. */
struct sigstate *signal_alloc(void);
void signal_free(struct sigstate *s);

/* signal_fork - @child's state from @parent's: actions, mask and alternate stack. With
 * @share_actions (CLONE_SIGHAND) the child uses the parent's actions themselves, not a copy. */
void signal_fork(struct sigstate *child, const struct sigstate *parent, bool share_actions);

/* signal_action - a copy of what @sig does now (the actions may change on another hart). */
struct k_sigaction signal_action(const struct sigstate *s, int sig);

/* signal_set_action - rt_sigaction's change of @sig's action to @act; the old one in @old. */
void signal_set_action(struct sigstate *s, int sig, const struct k_sigaction *act,
		       struct k_sigaction *old);

/* signal_exec - execve: handled signals go back to their default; ignored stay ignored; the
 * mask and pending signals stay; no alternate stack. Actions shared with another process
 * become the caller's own copy first, as Linux unshares them. */
void signal_exec(struct sigstate *s);

/* signal_ignored - whether @sig would be thrown away now by @s (ignored, not blocked). */
bool signal_ignored(const struct sigstate *s, int sig);

/*
 * signal_work - called on the way back to U-mode when this hart's work flag is set, with
 * @tf a full frame: restarts or fails an interrupted call, runs default actions (which may
 * end the task), and sets @tf up to enter a handler with its frame on the user stack.
 */
void signal_work(struct trap_frame *tf);

/*
 * signal_fault - a fault the task may handle: when it has a handler for @sig that is not
 * blocked, the signal is made pending with @code and @addr and true is returned (the handler
 * runs on the way back); false means the task is to be killed as before.
 */
bool signal_fault(int sig, int code, uint64_t addr);

/* signal_take - the lowest signal of @set pending in @s, taken off its pending set, its
 * details in @si; 0 when none. @s may be another thread's: the taker that clears the bit owns
 * the signal, whichever hart the owner of @s runs on. */
int signal_take(struct sigstate *s, uint64_t set, struct sig_info *si);

/* signal_info_to_user - writes Linux's siginfo_t for @sig with @si at @uaddr; -EFAULT. */
int signal_info_to_user(uint64_t uaddr, int sig, const struct sig_info *si) __must_check;

/* signal_sigreturn - rt_sigreturn: the registers, FP state and mask saved in the frame at
 * the user's sp. Returns the restored a0, or kills the task on a bad frame. */
long signal_sigreturn(struct trap_frame *tf);

#endif
