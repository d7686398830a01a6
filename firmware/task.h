/* Tasks: user programs in their own address spaces, their life cycle (start, fork, exec,
 * exit, kill, wait) and the round-robin scheduler that runs them. A task is one thread: the
 * threads of a process share its address space, descriptors and signal actions, and its
 * group leader (the first thread) holds what is the process's. One lock guards the task
 * table and every state change, so that more harts can join later. */
#ifndef FAULTLINE_FIRMWARE_TASK_H
#define FAULTLINE_FIRMWARE_TASK_H

#include "firmware/fpu.h"
#include "firmware/hart.h"
#include "firmware/limits.h"
#include "firmware/signal.h"
#include "firmware/syscall.h"
#include "mm/vm.h"

struct fdtable;

#define TASK_MAX      64
#define TASK_NAME_LEN 32

enum task_state {
	TASK_FREE = 0,
	TASK_NEW, /* its slot is taken while fork or spawn builds it; no hart runs it yet */
	TASK_RUNNABLE,
	TASK_RUNNING,
	TASK_SLEEPING, /* until wake_at (nanosleep) */
	TASK_WAITING,  /* for a child (wait4) */
	TASK_ZOMBIE,   /* ended; its parent has not collected the status yet */
	TASK_DEAD,     /* a group leader that ended while other threads of its process go on */
};

struct task {
	struct context ctx; /* where the kernel side of the task resumes */
	enum task_state state;
	int pid;	     /* the thread's id (gettid); a process's first thread's is its tgid */
	int tgid;	     /* the process's id (getpid): its group leader's pid */
	struct task *leader; /* the first thread of its process; itself for the first */
	struct task *parent; /* a leader's parent process (its leader), NULL for boot tasks */
	char name[TASK_NAME_LEN];
	struct vm *vm;
	struct fdtable *fds;   /* its descriptors (firmware/fdtable.h) */
	struct trap_frame *tf; /* user registers, at the top of the kernel stack */
	struct fp_state fp;    /* its FP registers while another task has the hart */
	uintptr_t kstack_top;
	unsigned int slot; /* index in the task table and kernel-stack slot */
	int wait_status;   /* Linux wait4 encoding, valid in TASK_ZOMBIE */
	uint64_t wake_at;  /* time CSR value, TASK_SLEEPING */
	uint64_t unknown_syscalls;
	/* numbers already reported (boot argument unknown-syscalls=report) */
	uint64_t unknown_seen[SYSCALL_NR_MAX / 64];
	vaddr_t robust_list; /* set_robust_list: the futex list glibc keeps, and its length */
	uint64_t robust_len;
	unsigned int umask;
	uint64_t affinity;    /* harts it may run on, by logical number (sched_setaffinity) */
	struct hart *on_hart; /* the hart it runs on while TASK_RUNNING, else NULL */
	struct sigstate *sig; /* its own page (signal_alloc): most of the table stays small */
	bool sig_ready;	      /* a signal to act on, or a call to restart: the hart's work flag */
	bool restart_pending; /* its last call returned -ERESTARTSYS: made again, or EINTR */
	unsigned long restart_a0;
	vaddr_t
	    clear_child_tid; /* 0 is stored here at exit (set_tid_address, CLONE_CHILD_CLEARTID) */
	uint64_t preempted;  /* timer ticks that took the hart from it (Linux's ru_nivcsw) */
	uint64_t minflt, maxrss_kib; /* kept at exit for the parent's getrusage */
	uint64_t child_minflt, child_maxrss_kib;
	/* CPU time: precise run time from the scheduler, split by where ticks found it */
	uint64_t run_time;  /* time CSR units on a hart, up to its last switch-out */
	uint64_t run_since; /* time CSR at its last switch-in */
	uint64_t user_ticks, sys_ticks;
	uint64_t child_utime_ns, child_stime_ns; /* reaped children's (and theirs), summed */
	struct task_limits limits; /* getrlimit/setrlimit: inherited at fork, kept by exec */
	/* the process's, kept in its leader (which stays, a zombie, until the last thread ends) */
	int nr_threads;		 /* threads not yet ended */
	bool group_exiting;	 /* exit_group or a fatal signal: every thread ends */
	int group_status;	 /* the wait status they end with */
	struct task *group_exec; /* the thread whose execve ends the others, which stays */
	uint64_t gone_utime_ns, gone_stime_ns; /* CPU time of its ended threads but the leader */
};

/* task_init - empty task table; ASIDs of @asid_bits width. */
void task_init(unsigned int asid_bits);

/*
 * task_spawn_image - start a boot task from embedded image @index with argv[0] = its name.
 * Returns the pid, or a negative errno after printing why the image was refused.
 */
int task_spawn_image(int index);

/* task_spawn_image_argv - task_spawn_image() with @argc strings @argv (copied to its stack). */
int task_spawn_image_argv(int index, const char *const *argv, int argc);

/* task_current - the task running on this hart, or NULL in the scheduler. */
static inline struct task *task_current(void)
{
	return this_hart()->current;
}

/*
 * task_run_all - the boot hart's scheduler loop: run tasks until none is left on any hart (or
 * poweroff was asked), idling with wfi when none is runnable. Returns when the last task has
 * ended.
 */
void task_run_all(void);

/* task_run_secondary - the scheduler loop of harts 1-N: runs tasks, idles, never returns. */
__noreturn void task_run_secondary(void);

/* task_boot_hart_only - while on, only the boot hart picks tasks (the in-kernel test cases
 * reason about what the tasks they start have done at each step). */
void task_boot_hart_only(bool on);

/* task_kick - @t changed state for the scheduler (runnable, or signals to act on): nudge the
 * hart it runs on, or an idle hart that may take it. Lock held. */
void task_kick(struct task *t);

/* task_yield - give the hart to the next runnable task. */
void task_yield(void);

/* task_preempt - task_yield() for a timer tick that interrupted the task, counted. */
void task_preempt(void);

/* task_sleep_until - sleep until the time CSR reaches @when. Returns 0, or -EINTR when a
 * signal woke the task first. */
int task_sleep_until(uint64_t when) __must_check;

/* Kernel-internal: a call cut short by a signal, made again under SA_RESTART (Linux's value;
 * never seen by a task) */
#define ERESTARTSYS 512

/*
 * task_signal - send @sig to the process with @pid (pid > 0), or to every process for 0 and
 * -1 (-1 leaves out the caller's and pid 1), as kill(2) does: a thread of it that does not
 * block @sig takes it. @sig 0 only checks. Wakes a sleeper it is for. Returns 0, -ESRCH or
 * -EINVAL.
 */
int task_signal(int pid, int sig, const struct sig_info *si) __must_check;

/* task_take_process_signal - sigwait's look at the caller's other threads: the lowest signal
 * of @set sent to the process and pending at one of them, taken, its details in @si; 0 when
 * there is none. */
int task_take_process_signal(uint64_t set, struct sig_info *si);

/* task_signal_thread - tgkill(2) (@tgid > 0) or tkill(2) (@tgid 0): @sig to thread @tid
 * alone. Returns 0, -ESRCH or -EINVAL. */
int task_signal_thread(int tgid, int tid, int sig, const struct sig_info *si) __must_check;

/* task_signal_recalc - after a change to @t's pending or blocked signals: whether it has
 * work on its way back to U-mode (this hart's flag, when @t is running). */
void task_signal_recalc(struct task *t);

/* task_signal_pending - a signal the current task must act on has arrived. */
bool task_signal_pending(void);

/* task_end_by_signal - the default action of a fatal signal: the report line names it, the
 * parent's wait status carries it. Never returns. */
__noreturn void task_end_by_signal(int sig, uint64_t addr, uint64_t pc);

/* task_kill_undeliverable - a signal frame that cannot be written (or read back by
 * rt_sigreturn) at @sp: SIGSEGV, with a report that says so. Never returns. */
__noreturn void task_kill_undeliverable(int sig, uint64_t sp, uint64_t pc);

/* task_wait_for_signal - rt_sigsuspend's sleep: until a signal must be acted on. */
void task_wait_for_signal(void);

/* task_exit - exit_group(2): end the current process, every thread of it, with exit code
 * @code (low 8 bits). Never returns. */
__noreturn void task_exit(int code);

/* task_exit_thread - exit(2): end the current thread only; the process ends with its last
 * thread, with its leader's exit code (or the group's, after exit_group). Never returns. */
__noreturn void task_exit_thread(int code);

/* task_group_dying - whether @t's process is being ended (exit_group, a fatal signal) and
 * @t must end at its next return to U-mode. */
bool task_group_dying(const struct task *t);

/* task_wake - make @t runnable if it sleeps (task_block, nanosleep): the one way a waker on
 * any hart ends a sleep. Takes the task lock. */
void task_wake(struct task *t);

/* task_block - sleep until *@woken is set by a waker (which then calls task_wake), a signal is
 * to be acted on, or the time CSR reaches @deadline (UINT64_MAX: never). Returns 0 when
 * woken, -EINTR for a signal, -ETIMEDOUT. The waker sets *@woken before task_wake(), so no
 * wake-up is lost between the caller's check of its condition and the sleep. */
int task_block(const bool *woken, uint64_t deadline) __must_check;

/*
 * task_kill - end the current task after a fatal trap: prints the report line
 * "faultline: task NAME pid N killed: CAUSE at 0xADDR (pc 0xPC): REASON" and gives its
 * parent the wait status of signal @sig. Never returns.
 */
__noreturn void task_kill(unsigned long scause, unsigned long addr, unsigned long pc,
			  const char *reason, int sig);

/* clone(2)'s flags (Linux's values) */
#define CLONE_VM	     0x00000100ul
#define CLONE_FS	     0x00000200ul
#define CLONE_FILES	     0x00000400ul
#define CLONE_SIGHAND	     0x00000800ul
#define CLONE_PIDFD	     0x00001000ul
#define CLONE_PTRACE	     0x00002000ul
#define CLONE_VFORK	     0x00004000ul
#define CLONE_PARENT	     0x00008000ul
#define CLONE_THREAD	     0x00010000ul
#define CLONE_SYSVSEM	     0x00040000ul
#define CLONE_DETACHED	     0x00400000ul
#define CLONE_UNTRACED	     0x00800000ul
#define CLONE_IO	     0x80000000ul
#define CLONE_SETTLS	     0x00080000ul
#define CLONE_PARENT_SETTID  0x00100000ul
#define CLONE_CHILD_CLEARTID 0x00200000ul
#define CLONE_CHILD_SETTID   0x01000000ul

/* What clone(2) asks of a fork, from its arguments. */
struct task_clone {
	unsigned long flags;
	vaddr_t newsp;	   /* the child's stack pointer, or 0 for the parent's */
	vaddr_t ptid;	   /* CLONE_PARENT_SETTID: the child's tid goes here, in the parent */
	unsigned long tls; /* CLONE_SETTLS: the child's tp */
	vaddr_t ctid;	   /* CLONE_CHILD_SETTID / CLEARTID: in the child */
};

/* task_fork - a child with a copy-on-write copy of the address space, set up as @c asks; with
 * CLONE_VM, CLONE_FILES, CLONE_SIGHAND it shares those instead, and with CLONE_THREAD it is a
 * thread of the caller's process (flags checked by the caller, as Linux's copy_process).
 * Returns the child's pid (tid) in the parent, or a negative errno. */
long task_fork(const struct task_clone *c);

/* task_set_clear_tid - set_tid_address(2): at exit, 0 is written to @addr. Returns the tid. */
long task_set_clear_tid(vaddr_t addr);

/* task_wait - wait4(pid, ...): collects a zombie child. Returns its pid, 0 (WNOHANG and
 * none ended), or -ECHILD. @status gets the wait status, @ru_* the child's usage. */
long task_wait(int pid, int options, int *status, uint64_t *ru_minflt, uint64_t *ru_maxrss);

/* task_exec - replace the current task's program by embedded image @index with @argv. */
long task_exec(int index, const char *const *argv, int argc);

/* task_first_entry - instret and time CSR values when the first task was first entered;
 * false if none was. */
bool task_first_entry(uint64_t *instret, uint64_t *time);

/* How tasks have ended since boot: exits, and kills by signal (Linux numbers). */
#define TASK_SIGNALS (SIG_COUNT + 1) /* by signal number */
struct task_stats {
	uint64_t started; /* tasks that ran: boot tasks and forks, not refused images */
	uint64_t exited;
	uint64_t killed_by[TASK_SIGNALS];
};

/* task_orphan_status - the wait status of @pid if it ended with nobody to wait for it (a
 * boot task) among the last few such; false if it is not known. For test payloads. */
bool task_orphan_status(int pid, int *status);

/* task_stats - the figures above. */
void task_stats(struct task_stats *out);

#define TASK_UMASK_DEFAULT 022 /* as Linux's first process has it */

/* task_pid_exists - whether a live (not ended) thread has @pid. */
bool task_pid_exists(int pid);
/* CPU time in nanoseconds: utime + stime is the precise run time; the split between them
 * follows the timer ticks that found the task in U-mode or in the kernel, as Linux's. */
struct task_times {
	uint64_t utime_ns, stime_ns;
};

/*
 * task_times - the CPU time of process @pid (0: the current one), all its threads', in @out,
 * or with @children the times of its reaped children. Returns 0, or -ESRCH when no process
 * has that pid.
 */
int task_times(int pid, bool children, struct task_times *out) __must_check;

/* task_thread_times - the CPU time of thread @tid alone (0: the current one). 0 or -ESRCH. */
int task_thread_times(int tid, struct task_times *out) __must_check;

/*
 * task_tick - account a timer tick to the current task, if any: user time when it came from
 * U-mode, system time otherwise. @tf is the interrupted frame. Interrupts off.
 */
void task_tick(const struct trap_frame *tf, bool from_user);

/* task_count - tasks that exist (not free), for sysinfo. */
int task_count(void);

/* task_request_poweroff - reboot(POWER_OFF): end every task and stop the scheduler. */
__noreturn void task_request_poweroff(void);

/* task_all_vms - the address spaces of every live task (for the auditor); returns how many. */
int task_all_vms(struct vm **out, int max);

#endif
