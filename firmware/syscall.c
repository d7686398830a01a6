/* System-call dispatch: Linux's numbers through a table that the area files (sys_*.c) fill
 * by registering their calls, faultline's own numbers, and the count of unknown ones. Each
 * call checks its arguments and copies through uaccess; a bad pointer is -EFAULT, a bad flag
 * -EINVAL, never a panic. */
#include "firmware/syscall.h"
#include "firmware/smp.h"

#include "firmware/bootargs.h"
#include "firmware/kmem.h"
#include "firmware/panic.h"
#include "firmware/printf.h"
#include "firmware/syscall_impl.h"
#include "firmware/task.h"
#include "firmware/trace.h"
#include "firmware/uaccess.h"
#include "mm/frame.h"
#include "platform/errno.h"

#define SYS_MAX SYSCALL_NR_MAX

extern const struct syscall_entry __syscalls_start[], __syscalls_end[];

static syscall_fn table[SYS_MAX];
static bool report_unknown; /* boot argument unknown-syscalls=report */

static uint64_t unknown_total;
static syscall_fn test_calls; /* set by test images only */

void syscall_enable_test_calls(long (*fn)(struct trap_frame *tf))
{
	test_calls = fn;
}

void syscall_init(void)
{
	report_unknown = bootargs_has("unknown-syscalls=report");
	for (const struct syscall_entry *e = __syscalls_start; e < __syscalls_end; e++) {
		if (e->nr >= SYS_MAX || table[e->nr])
			panic("system call %lu registered twice or out of range", e->nr);
		table[e->nr] = e->fn;
	}
}

uint64_t syscall_unknown_total(void)
{
	return unknown_total;
}

static long fl_counters(struct trap_frame *tf)
{
	struct fl_counters c = { 0 };
	struct vm_counters g;
	struct pmm_stats st;
	struct task *t = task_current();

	/* the user's copy is the kernel's kinds, in the same order, then their sum */
	_Static_assert(__builtin_offsetof(struct fl_fault_counts, resolved) == sizeof(g),
		       "counters layout");
	_Static_assert(__builtin_offsetof(struct vm_counters, killed) ==
			   __builtin_offsetof(struct fl_fault_counts, killed),
		       "counters layout");
	if (tf->a1 != sizeof(c))
		return -EINVAL;
	vm_global_counters(&g);
	__builtin_memcpy(&c.global, &g, sizeof(g));
	c.global.resolved = vm_faults_resolved(&g);
	__builtin_memcpy(&c.task, &t->vm->counters, sizeof(g));
	c.task.resolved = vm_faults_resolved(&t->vm->counters);
	pmm_stats(&st);
	c.frames_total = st.total;
	c.frames_free = st.free;
	c.frames_anon = st.by_kind[FRAME_ANON];
	c.frames_pagetable = st.by_kind[FRAME_PAGETABLE];
	c.frames_kernel = st.by_kind[FRAME_KERNEL];
	c.frames_shared = pmm_shared_frames();
	c.unknown_syscalls = t->unknown_syscalls;
	c.rss_pages = t->vm->rss;
	for (unsigned int i = 0; i < hart_count; i++) {
		c.shootdowns += __atomic_load_n(&harts[i].shootdowns, __ATOMIC_RELAXED);
		c.lock_contended += __atomic_load_n(&harts[i].lock_contended, __ATOMIC_RELAXED);
		c.lock_spins += __atomic_load_n(&harts[i].lock_spins, __ATOMIC_RELAXED);
	}
	return copy_to_user(tf->a0, &c, sizeof(c));
}

static long fl_audit(struct trap_frame *tf)
{
	struct vm *vms[TASK_MAX];
	char why[160];
	int n, rc;

	(void)tf;
	smp_stop_others(); /* memory must stand still while it is counted */
	n = task_all_vms(vms, TASK_MAX);
	rc = vm_audit(vms, n, kmem_table_pages(), why, sizeof(why));
	smp_resume_others();
	if (rc)
		kprintf("faultline: auditor: %s\n", why);
	return rc;
}

static const char *syscall_name(unsigned long nr)
{
#define NAME_CASE(number, name)                                                                    \
	case number:                                                                               \
		return #name;
	switch (nr) {
		SYSCALL_NAMES(NAME_CASE)
	}
#undef NAME_CASE
	return "not a Linux call";
}

/* Counts a call nobody here implements; with unknown-syscalls=report, names it once per
 * task, so users see what their program lacks. */
static void unknown(unsigned long nr)
{
	struct task *t = task_current();

	t->unknown_syscalls++;
	unknown_total++;
	if (!report_unknown)
		return;
	if (nr < SYS_MAX) {
		uint64_t bit = 1ull << (nr % 64);

		if (t->unknown_seen[nr / 64] & bit)
			return;
		t->unknown_seen[nr / 64] |= bit;
	}
	kprintf("faultline: task %s pid %d: unknown system call %lu (%s)\n", t->name, t->pid, nr,
		syscall_name(nr));
}

/* Numbers outside Linux's table: faultline's own calls, and the unknown. Out of line, so
 * that the dispatch of Linux calls needs no stack frame of its own. */
static __attribute__((noinline)) long other_call(struct trap_frame *tf)
{
	switch (tf->a7) {
	case SYS_FL_COUNTERS:
		return fl_counters(tf);
	case SYS_FL_AUDIT:
		return fl_audit(tf);
	case SYS_FL_TRACE_MAP:
		return trace_map_now();
	case SYS_FL_FAIL_ALLOC:
		if (test_calls)
			return test_calls(tf);
		break; /* not in this image: unknown, like any other number */
	}
	unknown(tf->a7);
	return -ENOSYS;
}

/* Only tail calls from here: no frame record, so the hot dispatch costs no stores. */
__leaf_no_frame long syscall_dispatch(struct trap_frame *tf)
{
	unsigned long nr = tf->a7;

	if (nr < SYS_MAX && table[nr])
		return table[nr](tf);
	return other_call(tf);
}
