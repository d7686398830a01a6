/* Task life cycle: start, fork, exec, exit, kill, wait; signals sent and tasks woken; CPU
 * time. The scheduler is sched.c's; the two share the task table (task_priv.h). */
#include "firmware/task.h"

#include "firmware/task_priv.h"

#include "firmware/bootargs.h"
#include "firmware/exec.h"
#include "firmware/fdtable.h"
#include "firmware/fpu.h"
#include "firmware/futex.h"
#include "firmware/kmem.h"
#include "firmware/kstack.h"
#include "firmware/printf.h"
#include "firmware/timer.h"
#include "firmware/trace.h"
#include "firmware/trap.h"
#include "firmware/uaccess.h"
#include "mm/arch.h"
#include "mm/asid.h"
#include "platform/errno.h"
#include "platform/riscv/csr.h"
#include "platform/riscv/irq.h"
#include "platform/riscv/memlayout.h"
#include "platform/riscv/spinlock.h"

#define WNOHANG 1

struct task task_table[TASK_MAX];
spinlock_t task_lock = SPINLOCK_INIT;
static int next_pid = 1;
static struct asid_space asids;	    /* every space's ASID, by generation */
static uint64_t first_task_instret; /* instret when the first task was entered */
static uint64_t first_task_time;
static struct task_stats stats;
#define ORPHANS_KEPT 8
static struct {
	int pid, status;
} orphans[ORPHANS_KEPT]; /* how the last tasks nobody waits for ended */
static unsigned int orphan_next;
bool task_poweroff;

bool task_first_entry(uint64_t *instret, uint64_t *time)
{
	*instret = first_task_instret;
	*time = first_task_time;
	return first_task_instret != 0;
}

bool task_orphan_status(int pid, int *status)
{
	bool found = false;

	spin_lock(&task_lock);
	for (int i = 0; i < ORPHANS_KEPT && !found; i++)
		if (orphans[i].pid == pid) {
			*status = orphans[i].status;
			found = true;
		}
	spin_unlock(&task_lock);
	return found;
}

void task_stats(struct task_stats *out)
{
	spin_lock(&task_lock);
	*out = stats;
	spin_unlock(&task_lock);
}

void task_init(unsigned int asid_bits)
{
	char text[8];
	const char *cap = text;

	if (bootargs_value("asid-bits", text, sizeof(text)) > 0 && *cap >= '0' && *cap <= '9') {
		unsigned int n = 0;

		while (*cap >= '0' && *cap <= '9')
			n = n * 10 + (unsigned int)(*cap++ - '0');
		if (n < asid_bits) {
			kprintf("faultline: ASIDs capped at %u bits (asid-bits=)\n", n);
			asid_bits = n;
		}
	}
	asid_init(&asids, asid_bits, HART_MAX);
}

/* Not yet ended: running, runnable or asleep. */
static bool live(const struct task *t)
{
	return t->state != TASK_FREE && t->state != TASK_ZOMBIE && t->state != TASK_DEAD;
}

bool task_pid_exists(int pid)
{
	bool found = false;

	spin_lock(&task_lock);
	for (int i = 0; i < TASK_MAX && !found; i++)
		found = live(&task_table[i]) && task_table[i].pid == pid;
	spin_unlock(&task_lock);
	return found;
}

int task_count(void)
{
	int n = 0;

	for (int i = 0; i < TASK_MAX; i++)
		n += task_table[i].state != TASK_FREE;
	return n;
}

int task_all_vms(struct vm **out, int max)
{
	int n = 0;

	for (int i = 0; i < TASK_MAX && n < max; i++) {
		struct vm *vm = task_table[i].vm;
		bool seen = false;

		if (task_table[i].state == TASK_FREE || !vm)
			continue;
		for (int j = 0; j < n && !seen; j++) /* threads share one */
			seen = out[j] == vm;
		if (!seen)
			out[n++] = vm;
	}
	return n;
}

static void copy_name(char *dst, const char *src)
{
	int i = 0;

	for (; src[i] && i < TASK_NAME_LEN - 1; i++)
		dst[i] = src[i];
	dst[i] = '\0';
}

/* A free slot with a kernel stack, in TASK_NEW: no other hart's fork takes it while this
 * one fills it in without the lock. Called with the lock held. */
static struct task *alloc_task(void)
{
	for (unsigned int i = 0; i < TASK_MAX; i++) {
		struct task *t = &task_table[i];
		uintptr_t top;

		if (t->state != TASK_FREE)
			continue;
		if (kstack_alloc(i, &top))
			return NULL;
		*t = (struct task){ 0 };
		t->sig = signal_alloc();
		if (!t->sig) {
			kstack_free(i);
			return NULL;
		}
		t->slot = i;
		t->state = TASK_NEW;
		t->kstack_top = top;
		t->tf = (struct trap_frame *)(top - sizeof(struct trap_frame));
		*t->tf = (struct trap_frame){ 0 };
		limits_init(&t->limits);
		return t;
	}
	return NULL;
}

/* Gives back the slot of a task that no hart runs any more. Lock held. */
void task_release(struct task *t)
{
	signal_free(t->sig);
	t->sig = NULL;
	kstack_free(t->slot);
	t->state = TASK_FREE;
}

void task_enter_vm(struct vm *vm)
{
	struct hart *h = this_hart();
	bool flush_all, stale;

	/* the space's ASID on this hart; a new one restarts vm->harts, so this comes first */
	(void)asid_switch(&asids, vm, h->cpu, &flush_all);
	/* from now on this hart may cache the space's translations: shootdowns must include it
	 * (it stays in vm->harts while the space keeps its ASID); one while it was away asks
	 * for a flush now */
	stale = vm_enter_hart(vm, h->bit);
	h->vm = vm;
	csr_write(CSR_SATP, (SATP_MODE_SV39 << SATP_MODE_SHIFT) |
				((unsigned long)vm->asid << SATP_ASID_SHIFT) |
				(vm->root >> PAGE_SHIFT));
	/* a new ASID generation began since this hart last switched (its ASIDs may name other
	 * spaces now), or there are no ASIDs to tell spaces apart */
	if (flush_all)
		arch_flush_all();
	else if (stale)
		arch_flush_asid(vm->asid);
}

void task_leave_vm(void)
{
	struct hart *h = this_hart();
	struct vm *vm = h->vm;

	h->vm = NULL;
	asid_leave(&asids, h->cpu);
	csr_write(CSR_SATP, (SATP_MODE_SV39 << SATP_MODE_SHIFT) | (kmem_root() >> PAGE_SHIFT));
	/* satp no longer holds the space: shootdowns may leave this hart a mark instead */
	if (vm)
		vm_leave_hart(vm, h->bit);
}

/* First run of a task: the scheduler switched here holding the lock. */
static void first_run(void)
{
	struct trap_frame *tf = task_current()->tf;
	bool dying = task_current()->leader->group_exiting;

	if (!first_task_instret) {
		first_task_instret = csr_read(CSR_INSTRET);
		first_task_time = csr_read(CSR_TIME);
	}
	spin_unlock(&task_lock);
	if (dying) /* a thread made as its process was being ended */
		task_exit_thread(0);
	/* the frame was made before the switch-in loaded this task's FP state */
	tf->sstatus = fpu_user_sstatus(tf->sstatus);
	trap_return(tf);
}

/* User-mode registers for a fresh program at @entry with stack @sp. */
static void reset_frame(struct trap_frame *tf, vaddr_t entry, vaddr_t sp)
{
	unsigned long sstatus = csr_read(CSR_SSTATUS);

	*tf = (struct trap_frame){ 0 };
	tf->sepc = entry;
	tf->sp = sp;
	tf->full = 1; /* every register comes from the frame: zero but sp */
	/* sret to U-mode with interrupts on there; no SUM: the task's pages stay its own */
	tf->sstatus =
	    fpu_user_sstatus((sstatus & ~(SSTATUS_SPP | SSTATUS_SIE | SSTATUS_SUM)) | SSTATUS_SPIE);
}

/* A process that will run gets its pid only now, so refused images use up none: its first
 * thread, the leader of its group. Lock held. */
static void give_pid(struct task *t)
{
	t->pid = next_pid++;
	t->tgid = t->pid;
	t->leader = t;
	t->nr_threads = 1;
	stats.started++;
}

/* Lock held; the task has its pid. */
static void make_runnable(struct task *t)
{
	t->ctx = (struct context){ 0 };
	t->ctx.ra = (unsigned long)first_run;
	t->ctx.sp = (unsigned long)t->tf;
	t->state = TASK_RUNNABLE;
	task_kick(t);
}

int task_spawn_image(int index)
{
	const char *argv[1] = { image_get(index)->name };

	return task_spawn_image_argv(index, argv, 1);
}

int task_spawn_image_argv(int index, const char *const *argv, int argc)
{
	const struct task_image *img = image_get(index);
	const char *why = "";
	vaddr_t entry, sp;
	struct task *t;
	struct vm *vm;
	int rc, pid;

	spin_lock(&task_lock);
	t = alloc_task();
	spin_unlock(&task_lock);
	if (!t) {
		kprintf("faultline: task %s not started: no free task slot or memory\n", img->name);
		return -ENOMEM;
	}
	rc = exec_load(img, argv, argc, &vm, &entry, &sp, &why);
	if (rc == 0 && fdtable_console(&t->fds)) {
		vm_destroy(vm);
		rc = -ENOMEM;
	}
	if (rc) {
		kprintf("faultline: task image %s refused: %s (error %d)\n", img->name,
			rc == -ENOEXEC ? why : "could not be loaded", rc);
		spin_lock(&task_lock);
		task_release(t);
		spin_unlock(&task_lock);
		return rc;
	}
	t->vm = vm;
	limits_apply(t);
	t->umask = TASK_UMASK_DEFAULT;
	t->affinity = ~0ull;
	copy_name(t->name, img->name);
	reset_frame(t->tf, entry, sp);
	spin_lock(&task_lock);
	give_pid(t);
	make_runnable(t);
	pid = t->pid;
	spin_unlock(&task_lock);
	return pid;
}

bool task_signal_pending(void)
{
	return task_current()->sig_ready;
}

/* Lock held: a sender on another hart must not see its signal's flag cleared by a recalc
 * that read the pending set before the signal was in it. */
static void recalc(struct task *t)
{
	t->sig_ready = (__atomic_load_n(&t->sig->pending, __ATOMIC_ACQUIRE) & ~t->sig->blocked) ||
		       t->restart_pending;
	if (t == task_current())
		this_hart()->work = t->sig_ready;
	else if (t->on_hart) /* running elsewhere: that hart looks on its way back to U-mode */
		t->on_hart->work = t->sig_ready;
}

void task_signal_recalc(struct task *t)
{
	spin_lock(&task_lock);
	recalc(t);
	spin_unlock(&task_lock);
}

/* Makes @sig pending for @t and wakes it if it sleeps or waits. Lock held. */
static void post_signal(struct task *t, int sig, const struct sig_info *si)
{
	if (signal_ignored(t->sig, sig) && sig != SIGKILL)
		return;				 /* thrown away at once, as Linux does */
	if (!(t->sig->pending & sig_bit(sig))) { /* standard signals do not queue */
		t->sig->info[sig - 1] = *si;
		/* the receiver may be taking others off the set on its own hart */
		__atomic_fetch_or(&t->sig->pending, sig_bit(sig), __ATOMIC_RELEASE);
	}
	recalc(t);
	if (t->sig_ready && (t->state == TASK_SLEEPING || t->state == TASK_WAITING))
		t->state = TASK_RUNNABLE;
	if (t->sig_ready)
		task_kick(t); /* the hart it runs on, or an idle one that may take it */
}

/* post_signal for a signal sent to the whole process: marked so that any of its threads'
 * sigwait may take it. Lock held. */
static void post_process_signal(struct task *t, int sig, const struct sig_info *si)
{
	post_signal(t, sig, si);
	if (t->sig->pending & sig_bit(sig))
		__atomic_fetch_or(&t->sig->shared, sig_bit(sig), __ATOMIC_RELAXED);
}

int task_take_process_signal(uint64_t set, struct sig_info *si)
{
	struct task *me = task_current();
	int sig = 0;

	spin_lock(&task_lock);
	for (int i = 0; i < TASK_MAX && !sig; i++) {
		struct task *t = &task_table[i];

		if (t != me && live(t) && t->leader == me->leader)
			sig = signal_take(
			    t->sig, set & __atomic_load_n(&t->sig->shared, __ATOMIC_RELAXED), si);
	}
	spin_unlock(&task_lock);
	return sig;
}

/* The thread of process @g that takes a signal sent to the process: the first that does not
 * block it, the leader first (as Linux's complete_signal looks); when all block it, the
 * leader if it is still there, else any. NULL when no thread is left. Lock held. */
static struct task *pick_thread(struct task *g, int sig)
{
	struct task *any = NULL;

	for (int i = -1; i < TASK_MAX; i++) {
		struct task *t = i < 0 ? g : &task_table[i];

		if (!live(t) || t->leader != g || (i >= 0 && t == g))
			continue;
		if (!sig || !(t->sig->blocked & sig_bit(sig)))
			return t;
		if (!any)
			any = t;
	}
	return any;
}

int task_signal(int pid, int sig, const struct sig_info *si)
{
	struct task *me = task_current();
	int found = 0;

	if (sig < 0 || sig > SIG_COUNT)
		return -EINVAL;
	spin_lock(&task_lock);
	for (int i = 0; i < TASK_MAX; i++) {
		struct task *g = &task_table[i], *t;

		if (g->state == TASK_FREE || g->state == TASK_NEW || g->leader != g ||
		    g->nr_threads == 0)
			continue;
		if (pid > 0 ? g->pid != pid : (pid == -1 && (g == me->leader || g->pid == 1)))
			continue;
		t = pick_thread(g, sig);
		if (!t)
			continue;
		found++;
		if (sig)
			post_process_signal(t, sig, si);
	}
	spin_unlock(&task_lock);
	return found ? 0 : -ESRCH;
}

int task_signal_thread(int tgid, int tid, int sig, const struct sig_info *si)
{
	int found = 0;

	if (sig < 0 || sig > SIG_COUNT)
		return -EINVAL;
	spin_lock(&task_lock);
	for (int i = 0; i < TASK_MAX && !found; i++) {
		struct task *t = &task_table[i];

		if (!live(t) || t->pid != tid || (tgid > 0 && t->tgid != tgid))
			continue;
		found++;
		if (sig)
			post_signal(t, sig, si);
	}
	spin_unlock(&task_lock);
	return found ? 0 : -ESRCH;
}

bool task_group_dying(const struct task *t)
{
	const struct task *g = t->leader;

	return g->group_exiting && g->group_exec != t;
}

/* Ends every other thread of @t's process: each has SIGKILL pending, is woken, and ends at
 * its next return to U-mode (task_group_dying). The first to ask sets the status (@status);
 * @exec is the thread that stays for an execve, or NULL. Lock held. */
static void zap_others(struct task *t, int status, struct task *exec)
{
	struct task *g = t->leader;

	if (g->group_exiting)
		return;
	g->group_exiting = true;
	g->group_status = status;
	g->group_exec = exec;
	for (int i = 0; i < TASK_MAX; i++) {
		struct task *u = &task_table[i];

		if (u == t || !live(u) || u->leader != g)
			continue;
		post_signal(u, SIGKILL, &(struct sig_info){ .code = SI_KERNEL });
	}
}

/* How a report names a task: "pid N", and the thread when it is not the first one. */
static const char *who(const struct task *t, char *buf, size_t size)
{
	if (t->pid == t->tgid)
		ksnprintf(buf, size, "pid %d", t->pid);
	else
		ksnprintf(buf, size, "pid %d tid %d", t->tgid, t->pid);
	return buf;
}

/* @t's run time split as its ticks were (all user time before the first tick). Lock held, or
 * @t is the current task. */
static void split_times(const struct task *t, struct task_times *out)
{
	uint64_t run = t->run_time, ticks = t->user_ticks + t->sys_ticks, ns;

	if (t->state == TASK_RUNNING)
		run += timer_now() - t->run_since;
	ns = timer_to_ns(run);
	/* as Linux's cputime_adjust(): stime = rtime * stime / (stime + utime) */
	out->stime_ns = ticks ? ns / ticks * t->sys_ticks + ns % ticks * t->sys_ticks / ticks : 0;
	out->utime_ns = ns - out->stime_ns;
}

/* Process @g's CPU time: its threads', the ended ones' included. Lock held. */
static void process_times(const struct task *g, struct task_times *out)
{
	out->utime_ns = g->gone_utime_ns;
	out->stime_ns = g->gone_stime_ns;
	for (int i = 0; i < TASK_MAX; i++) {
		const struct task *t = &task_table[i];
		struct task_times tt;

		if (t->state == TASK_FREE || t->leader != g || (t != g && !live(t)))
			continue;
		split_times(t, &tt);
		out->utime_ns += tt.utime_ns;
		out->stime_ns += tt.stime_ns;
	}
}

/* The end of process @g, whose last thread has just ended: its status for the parent, its
 * children orphaned, the parent told. Lock held. */
static void end_process(struct task *g)
{
	int status = g->group_exiting ? g->group_status : g->wait_status;

	if (!(status & 0x7f) && !task_poweroff)
		kprintf("faultline: task %s pid %d exited with status %d\n", g->name, g->pid,
			(status >> 8) & 0xff);
	for (int i = 0; i < TASK_MAX; i++) {
		struct task *c = &task_table[i];

		if (c->state == TASK_FREE || c->parent != g)
			continue;
		c->parent = NULL;
		if (c->state == TASK_ZOMBIE)
			task_release(c);
	}
	g->wait_status = status;
	if (status & 0x7f)
		stats.killed_by[(status & 0x7f) <= SIG_COUNT ? (status & 0x7f) : 0]++;
	else
		stats.exited++;
	if (!g->parent) {
		orphans[orphan_next].pid = g->pid;
		orphans[orphan_next].status = status;
		orphan_next = (orphan_next + 1) % ORPHANS_KEPT;
	}
	if (g->parent) {
		struct task *p = g->parent, *to = pick_thread(p, SIGCHLD);
		const struct k_sigaction a = signal_action(p->sig, SIGCHLD);
		struct sig_info si = {
			.code = (status & 0x7f) ? CLD_KILLED : CLD_EXITED,
			.pid = g->pid,
			.status = (status & 0x7f) ? (status & 0x7f) : (status >> 8) & 0xff,
		};

		/* a parent that ignores SIGCHLD (or asked SA_NOCLDWAIT) leaves no zombies */
		if (a.handler == SIG_IGN || (a.flags & SA_NOCLDWAIT))
			g->parent = NULL;
		if (to)
			post_process_signal(to, SIGCHLD, &si);
		for (int i = 0; i < TASK_MAX; i++) /* any of its threads may be in wait4 */
			if (task_table[i].state == TASK_WAITING && task_table[i].leader == p) {
				task_table[i].state = TASK_RUNNABLE;
				task_kick(&task_table[i]);
			}
	}
	if (g->state == TASK_DEAD) { /* it ended before the last thread: nothing runs it */
		g->state = TASK_ZOMBIE;
		if (!g->parent)
			task_release(g);
	}
}

/* The common end of a thread: its robust futexes and tid word seen to, address space,
 * descriptors and signal actions dropped, and the process ended with its last thread.
 * @status is the thread's own wait status (the leader's is the process's, unless the group
 * was ended as a whole). Never returns. */
static __noreturn void finish(struct task *t, int status)
{
	struct task *g = t->leader;
	uint64_t minflt, maxrss;

	/* robust futexes and set_tid_address / CLONE_CHILD_CLEARTID: tell whoever waits */
	futex_exit(t);
	trace_task_exit(t);
	task_leave_vm();
	minflt = vm_faults_resolved(&t->vm->counters);
	maxrss = t->vm->max_rss * (PAGE_SIZE / 1024);
	if (vm_put(t->vm)) { /* the last user: the figures are the process's final ones */
		g->minflt = minflt;
		g->maxrss_kib = maxrss;
	}
	t->vm = NULL;
	fdtable_put(t->fds);
	t->fds = NULL;

	spin_lock(&task_lock);
	/* its run time up to now: the parent's figures are made below, before the switch that
	 * would otherwise add the last stretch */
	t->run_time += timer_now() - t->run_since;
	t->run_since = timer_now();
	/* the process's status is the leader's, or the last thread's when it ends after the
	 * leader (Linux's synchronize_group_exit) */
	if (t == g || g->nr_threads == 1)
		g->wait_status = status;
	if (t != g) {
		struct task_times tt;

		/* its CPU time stays the process's; nobody waits for a thread */
		split_times(t, &tt);
		g->gone_utime_ns += tt.utime_ns;
		g->gone_stime_ns += tt.stime_ns;
		t->parent = NULL;
	}
	/* a leader whose threads go on waits for them, unreportable, as Linux's */
	t->state = --g->nr_threads && t == g ? TASK_DEAD : TASK_ZOMBIE;
	if (g->nr_threads == 0)
		end_process(g);
	task_sched();
	for (;;) /* a zombie is never scheduled again */
		;
}

/* Ends the current thread's whole process with wait status @status. Never returns. */
static __noreturn void end_group(struct task *t, int status)
{
	spin_lock(&task_lock);
	zap_others(t, status, NULL);
	spin_unlock(&task_lock);
	finish(t, status);
}

void task_exit(int code)
{
	end_group(task_current(), (code & 0xff) << 8);
}

void task_exit_thread(int code)
{
	finish(task_current(), (code & 0xff) << 8);
}

void task_kill(unsigned long scause, unsigned long addr, unsigned long pc, const char *reason,
	       int sig)
{
	struct task *t = task_current();
	char id[32];

	kprintf("faultline: task %s %s killed: %s at 0x%lx (pc 0x%lx): %s\n", t->name,
		who(t, id, sizeof(id)), trap_cause_name(scause), addr, pc, reason);
	end_group(t, sig & 0x7f);
}

void task_end_by_signal(int sig, uint64_t addr, uint64_t pc)
{
	struct task *t = task_current();
	char id[32];

	(void)addr;
	kprintf("faultline: task %s %s killed by %s (pc 0x%lx)\n", t->name, who(t, id, sizeof(id)),
		signal_name(sig), pc);
	end_group(t, sig & 0x7f);
}

void task_kill_undeliverable(int sig, uint64_t sp, uint64_t pc)
{
	struct task *t = task_current();
	char id[32];

	if (sig)
		kprintf("faultline: task %s %s killed: cannot deliver %s: no room for its "
			"frame below sp 0x%lx (pc 0x%lx)\n",
			t->name, who(t, id, sizeof(id)), signal_name(sig), sp, pc);
	else
		kprintf("faultline: task %s %s killed: rt_sigreturn finds no signal frame at sp "
			"0x%lx (pc 0x%lx)\n",
			t->name, who(t, id, sizeof(id)), sp, pc);
	end_group(t, SIGSEGV);
}

void task_request_poweroff(void)
{
	struct task *t = task_current();

	kprintf("faultline: task %s pid %d powers the machine off\n", t->name, t->tgid);
	spin_lock(&task_lock);
	task_poweroff = true;
	spin_unlock(&task_lock);
	end_group(t, 0);
}

long task_set_clear_tid(vaddr_t addr)
{
	struct task *t = task_current();

	t->clear_child_tid = addr;
	return t->pid;
}

long task_fork(const struct task_clone *c)
{
	struct task *parent = task_current(), *child, *g = parent->leader;
	bool thread = c->flags & CLONE_THREAD;
	int rc = 0, pid;
	uint32_t tid;

	spin_lock(&task_lock);
	child = alloc_task();
	spin_unlock(&task_lock);
	if (!child)
		return -EAGAIN;
	if (c->flags & CLONE_VM) {
		vm_get(parent->vm);
		child->vm = parent->vm;
	} else {
		rc = vm_fork(parent->vm, &child->vm);
	}
	if (rc == 0 && (c->flags & CLONE_FILES))
		child->fds = fdtable_share(parent->fds);
	else if (rc == 0 && fdtable_fork(parent->fds, &child->fds)) {
		vm_put(child->vm);
		rc = -ENOMEM;
	}
	if (rc) {
		spin_lock(&task_lock);
		task_release(child);
		spin_unlock(&task_lock);
		return rc;
	}
	copy_name(child->name, parent->name);
	child->umask = parent->umask;
	signal_fork(child->sig, parent->sig, c->flags & CLONE_SIGHAND);
	child->affinity = parent->affinity;
	*child->tf = *parent->tf;
	fpu_switch_out(&parent->fp); /* the child starts from the parent's FP registers too */
	child->fp = parent->fp;
	child->tf->a0 = 0;	   /* fork returns 0 in the child */
	child->limits = g->limits; /* the process's: vm_fork gave the child's space the same */
	if (c->newsp)
		child->tf->sp = c->newsp;
	if (c->flags & CLONE_SETTLS)
		child->tf->tp = c->tls;
	child->clear_child_tid = (c->flags & CLONE_CHILD_CLEARTID) ? c->ctid : 0;
	spin_lock(&task_lock);
	if (thread && g->group_exiting) {
		/* the process is being ended: no thread joins it (Linux's copy_process too) */
		spin_unlock(&task_lock);
		vm_put(child->vm);
		fdtable_put(child->fds);
		spin_lock(&task_lock);
		task_release(child);
		spin_unlock(&task_lock);
		return -EINTR;
	}
	if (thread) {
		child->pid = next_pid++;
		child->tgid = g->tgid;
		child->leader = g;
		g->nr_threads++;
	} else {
		give_pid(child);
		child->parent = g; /* the process is the parent, whichever thread forked */
	}
	spin_unlock(&task_lock);
	tid = (uint32_t)child->pid;
	/* the tids go where the caller asked before anyone runs: the child's in its own memory
	 * (as if it wrote it first thing), the parent's in the parent's. Like Linux, a bad
	 * address is ignored. */
	if ((c->flags & CLONE_CHILD_SETTID) && vm_copy_out(child->vm, c->ctid, &tid, sizeof(tid))) {
		/* ignored */
	}
	if ((c->flags & CLONE_PARENT_SETTID) && copy_to_user(c->ptid, &tid, sizeof(tid))) {
		/* ignored */
	}
	spin_lock(&task_lock);
	make_runnable(child);
	pid = child->pid;
	spin_unlock(&task_lock);
	return pid;
}

long task_wait(int pid, int options, int *status, uint64_t *ru_minflt, uint64_t *ru_maxrss)
{
	struct task *self = task_current(), *me = self->leader; /* any thread reaps the process's */

	spin_lock(&task_lock);
	for (;;) {
		bool have = false;

		for (int i = 0; i < TASK_MAX; i++) {
			struct task *c = &task_table[i];
			struct task_times ct;
			long got;

			if (c->state == TASK_FREE || c->leader != c || c->parent != me ||
			    (pid > 0 && c->pid != pid))
				continue;
			have = true;
			if (c->state != TASK_ZOMBIE)
				continue;
			*status = c->wait_status;
			process_times(c, &ct);
			me->child_utime_ns += ct.utime_ns + c->child_utime_ns;
			me->child_stime_ns += ct.stime_ns + c->child_stime_ns;
			*ru_minflt = c->minflt;
			*ru_maxrss = c->maxrss_kib;
			me->child_minflt += c->minflt;
			if (c->maxrss_kib > me->child_maxrss_kib)
				me->child_maxrss_kib = c->maxrss_kib;
			got = c->pid;
			task_release(c);
			spin_unlock(&task_lock);
			return got;
		}
		if (!have) {
			spin_unlock(&task_lock);
			return -ECHILD;
		}
		if (options & WNOHANG) {
			spin_unlock(&task_lock);
			return 0;
		}
		if (self->sig_ready) {
			spin_unlock(&task_lock);
			return -ERESTARTSYS;
		}
		self->state = TASK_WAITING;
		task_sched();
	}
}

int task_times(int pid, bool children, struct task_times *out)
{
	struct task *me = task_current()->leader, *t = NULL;

	spin_lock(&task_lock);
	if (pid == 0 || pid == me->pid) {
		t = me;
	} else {
		for (int i = 0; i < TASK_MAX && !t; i++)
			if (task_table[i].state != TASK_FREE &&
			    task_table[i].leader == &task_table[i] && task_table[i].pid == pid)
				t = &task_table[i];
	}
	if (t && children) {
		out->utime_ns = t->child_utime_ns;
		out->stime_ns = t->child_stime_ns;
	} else if (t) {
		process_times(t, out);
	}
	spin_unlock(&task_lock);
	return t ? 0 : -ESRCH;
}

int task_thread_times(int tid, struct task_times *out)
{
	struct task *t = NULL;

	spin_lock(&task_lock);
	if (tid == 0) {
		t = task_current();
	} else {
		for (int i = 0; i < TASK_MAX && !t; i++)
			if (live(&task_table[i]) && task_table[i].pid == tid)
				t = &task_table[i];
	}
	if (t)
		split_times(t, out);
	spin_unlock(&task_lock);
	return t ? 0 : -ESRCH;
}

/*
 * The kernel runs with interrupts masked, so a tick that falls inside a system call is taken
 * just after it, in U-mode, at the instruction after the ecall: such a tick is system time.
 * (Faults cannot be told apart so: a tick after one counts as user time.)
 */
static bool after_ecall(struct task *t, vaddr_t pc)
{
	const uint32_t ecall = 0x00000073;
	paddr_t pa;

	if (pc % PAGE_SIZE < sizeof(ecall) ||
	    vm_translate(t->vm, pc - sizeof(ecall), FAULT_EXEC, &pa))
		return false;
	return *(const uint32_t *)phys_to_virt(pa) == ecall;
}

void task_tick(const struct trap_frame *tf, bool from_user)
{
	struct task *t = task_current();

	if (!t)
		return;
	if (from_user && !after_ecall(t, tf->sepc))
		t->user_ticks++;
	else
		t->sys_ticks++;
}

/* The thread @t that execs takes over the identity of its process's leader @g, which has
 * ended: its pid, parent and children, as Linux's de_thread. Lock held. */
static void take_over(struct task *t, struct task *g)
{
	t->pid = g->pid;
	t->parent = g->parent;
	t->child_utime_ns = g->child_utime_ns;
	t->child_stime_ns = g->child_stime_ns;
	t->child_minflt = g->child_minflt;
	t->child_maxrss_kib = g->child_maxrss_kib;
	t->limits = g->limits;
	for (int i = 0; i < TASK_MAX; i++)
		if (task_table[i].state != TASK_FREE && task_table[i].parent == g)
			task_table[i].parent = t;
	g->parent = NULL;
	task_release(g);
	t->leader = t;
}

/* execve in a process with other threads: they end first (Linux's de_thread), and the
 * caller becomes the process's only thread. -EINTR if the process is being ended itself. */
static int end_other_threads(struct task *t)
{
	struct task *g = t->leader;

	spin_lock(&task_lock);
	if (g->nr_threads == 1) {
		spin_unlock(&task_lock);
		return 0;
	}
	if (g->group_exiting) {
		spin_unlock(&task_lock);
		return -EINTR;
	}
	zap_others(t, 0, t);
	while (g->nr_threads > 1) { /* they end at their next return to U-mode, soon */
		t->state = TASK_SLEEPING;
		t->wake_at = timer_now() + timer_timebase() / 1000;
		task_sched();
	}
	g->group_exiting = false;
	g->group_exec = NULL;
	if (t != g) {
		t->nr_threads = 1;
		take_over(t, g);
	}
	spin_unlock(&task_lock);
	return 0;
}

long task_exec(int index, const char *const *argv, int argc)
{
	const struct task_image *img = image_get(index);
	struct task *t = task_current();
	struct vm *vm, *old;
	const char *why = "";
	vaddr_t entry, sp;
	int rc = exec_load(img, argv, argc, &vm, &entry, &sp, &why);

	if (rc)
		return rc;
	rc = end_other_threads(t);
	if (rc) {
		vm_put(vm);
		return rc;
	}
	old = t->vm;
	task_leave_vm();
	t->vm = vm;
	limits_apply(t);
	vm_put(old); /* the new space gets its own ASID as it enters a hart */
	task_enter_vm(vm);
	fdtable_exec(t->fds);
	copy_name(t->name, img->name);
	fpu_reset(&t->fp); /* a new program starts with zeroed FP registers */
	signal_exec(t->sig);
	reset_frame(t->tf, entry, sp);
	return 0;
}
