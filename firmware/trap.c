/* Trap dispatch in C: interrupts to their handlers, kernel faults to the exception table or
 * to panic. One function per kind of trap. */
#include "firmware/trap.h"

#include <stddef.h>

#include "firmware/extable.h"
#include "firmware/hart.h"
#include "firmware/kmem.h"
#include "firmware/panic.h"
#include "firmware/signal.h"
#include "firmware/smp.h"
#include "firmware/syscall.h"
#include "firmware/task.h"
#include "firmware/uaccess.h"
#include "mm/vm.h"
#include "platform/errno.h"
#include "platform/riscv/csr.h"

_Static_assert(offsetof(struct trap_frame, sepc) == TF_SEPC, "trap frame: sepc");
_Static_assert(offsetof(struct trap_frame, ra) == TF_REG(1), "trap frame: ra");
_Static_assert(offsetof(struct trap_frame, sp) == TF_REG(2), "trap frame: sp");
_Static_assert(offsetof(struct trap_frame, s0) == TF_REG(8), "trap frame: s0");
_Static_assert(offsetof(struct trap_frame, a0) == TF_REG(10), "trap frame: a0");
_Static_assert(offsetof(struct trap_frame, s2) == TF_REG(18), "trap frame: s2");
_Static_assert(offsetof(struct trap_frame, t6) == TF_REG(31), "trap frame: t6");
_Static_assert(offsetof(struct trap_frame, sstatus) == TF_SSTATUS, "trap frame: sstatus");
_Static_assert(offsetof(struct trap_frame, scause) == TF_SCAUSE, "trap frame: scause");
_Static_assert(offsetof(struct trap_frame, stval) == TF_STVAL, "trap frame: stval");
_Static_assert(offsetof(struct trap_frame, full) == TF_FULL, "trap frame: full");
_Static_assert(sizeof(struct trap_frame) == TF_SIZE, "trap frame: size");
_Static_assert(TF_SIZE % 16 == 0, "trap frame keeps sp 16-byte aligned");

extern char trap_entry[];

/* make AUDIT=1: check every invariant after every resolved user fault (slow; for hunting) */
#ifndef FAULTLINE_AUDIT_EACH_FAULT
#define FAULTLINE_AUDIT_EACH_FAULT 0
#endif

static struct trap_fault last_fault;
static void (*tick_handler)(void);

void trap_init(struct hart *h)
{
	__asm__ volatile("mv tp, %0" ::"r"(h));
	csr_write(CSR_SSCRATCH, 0);
	csr_write(CSR_STVEC, (unsigned long)trap_entry); /* direct mode: bits 1:0 = 0 */
}

void trap_set_tick_handler(void (*fn)(void))
{
	tick_handler = fn;
}

void trap_last_fault(struct trap_fault *out)
{
	*out = last_fault;
}

const char *trap_cause_name(unsigned long scause)
{
	if (scause & CAUSE_INTERRUPT) {
		switch (scause & ~CAUSE_INTERRUPT) {
		case IRQ_S_SOFT:
			return "supervisor software interrupt";
		case IRQ_S_TIMER:
			return "supervisor timer interrupt";
		case IRQ_S_EXT:
			return "supervisor external interrupt";
		case IRQ_COUNTER_OVF:
			return "counter-overflow interrupt";
		default:
			return "unknown interrupt";
		}
	}
	switch (scause) {
	case CAUSE_MISALIGNED_FETCH:
		return "instruction address misaligned";
	case CAUSE_FETCH_ACCESS:
		return "instruction access fault";
	case CAUSE_ILLEGAL_INSTRUCTION:
		return "illegal instruction";
	case CAUSE_BREAKPOINT:
		return "breakpoint";
	case CAUSE_MISALIGNED_LOAD:
		return "load address misaligned";
	case CAUSE_LOAD_ACCESS:
		return "load access fault";
	case CAUSE_MISALIGNED_STORE:
		return "store/amo address misaligned";
	case CAUSE_STORE_ACCESS:
		return "store/amo access fault";
	case CAUSE_USER_ECALL:
		return "environment call from u-mode";
	case CAUSE_SUPERVISOR_ECALL:
		return "environment call from s-mode";
	case CAUSE_MACHINE_ECALL:
		return "environment call from m-mode";
	case CAUSE_FETCH_PAGE_FAULT:
		return "instruction page fault";
	case CAUSE_LOAD_PAGE_FAULT:
		return "load page fault";
	case CAUSE_STORE_PAGE_FAULT:
		return "store page fault";
	case CAUSE_SOFTWARE_CHECK:
		return "software check";
	case CAUSE_HARDWARE_ERROR:
		return "hardware error";
	default:
		return "unknown exception";
	}
}

static void handle_interrupt(struct trap_frame *tf, bool from_user)
{
	switch (tf->scause & ~CAUSE_INTERRUPT) {
	case IRQ_S_TIMER:
		if (tick_handler)
			tick_handler();
		else
			csr_clear(CSR_SIE, SIE_STIE); /* nobody wants ticks: stop them */
		task_tick(tf, from_user);
		/* the kernel is not preemptible: tasks are switched on their way back to U-mode */
		if (from_user)
			task_preempt();
		return;
	case IRQ_S_SOFT:
		/* another hart's nudge: a task became runnable for an idle hart, signals for the
		 * task here (the way back to U-mode looks at them), or a stop */
		smp_ipi();
		return;
	default:
		panic_trap(tf, "unexpected interrupt");
	}
}

static bool is_memory_fault(unsigned long cause)
{
	switch (cause) {
	case CAUSE_FETCH_ACCESS:
	case CAUSE_LOAD_ACCESS:
	case CAUSE_STORE_ACCESS:
	case CAUSE_MISALIGNED_LOAD:
	case CAUSE_MISALIGNED_STORE:
	case CAUSE_FETCH_PAGE_FAULT:
	case CAUSE_LOAD_PAGE_FAULT:
	case CAUSE_STORE_PAGE_FAULT:
		return true;
	default:
		return false;
	}
}

static enum fault_access access_of(unsigned long cause)
{
	return cause == CAUSE_STORE_PAGE_FAULT	 ? FAULT_WRITE
	       : cause == CAUSE_FETCH_PAGE_FAULT ? FAULT_EXEC
						 : FAULT_READ;
}

static bool is_page_fault(unsigned long cause)
{
	return cause == CAUSE_FETCH_PAGE_FAULT || cause == CAUSE_LOAD_PAGE_FAULT ||
	       cause == CAUSE_STORE_PAGE_FAULT;
}

/* A fault in the kernel: recoverable only where the exception table says so. */
static void handle_kernel_exception(struct trap_frame *tf)
{
	uintptr_t fixup = 0;

	if (is_memory_fault(tf->scause)) {
		fixup = extable_fixup(tf->sepc);
		/* a user copy: the task's own fault handling first, as if it had made the access */
		if (fixup && is_page_fault(tf->scause) && tf->stval < USER_TOP && task_current()) {
			enum fault_reason reason;

			if (vm_fault(task_current()->vm, tf->stval, access_of(tf->scause),
				     &reason) == 0)
				return; /* retry the access */
		}
		/* a failed fetch has no instruction of ours: the call that jumped there has */
		if (!fixup &&
		    (tf->scause == CAUSE_FETCH_PAGE_FAULT || tf->scause == CAUSE_FETCH_ACCESS))
			fixup = extable_fixup(tf->ra - 4);
	}
	/* a semihosting request with no host listening (semihost.c), or a CSR the hart lacks or
	 * does not let S-mode read (the Zkr seed probe in random.c) */
	if (tf->scause == CAUSE_BREAKPOINT || tf->scause == CAUSE_ILLEGAL_INSTRUCTION)
		fixup = extable_fixup(tf->sepc);
	if (!fixup)
		panic_trap(tf, "unexpected kernel trap");
	last_fault.scause = tf->scause;
	last_fault.stval = tf->stval;
	last_fault.sepc = tf->sepc;
	last_fault.count++;
	tf->sepc = fixup;
	tf->a0 = (unsigned long)-EFAULT;
}

static void audit_or_panic(struct trap_frame *tf)
{
	struct vm *vms[TASK_MAX];
	char why[160];
	int n, rc;

	smp_stop_others(); /* memory must stand still while it is counted */
	n = task_all_vms(vms, TASK_MAX);
	rc = vm_audit(vms, n, kmem_table_pages(), why, sizeof(why));
	smp_resume_others();
	if (rc)
		panic_trap(tf, why);
}

/* Major opcodes (the low 7 bits) and the width field of the FP loads and stores, which
 * tell the vector ones (widths 0, 5, 6, 7) from the scalar (RISC-V unprivileged spec). */
#define OPCODE_MASK	 0x7f
#define OPCODE_LOAD_FP	 0x07
#define OPCODE_STORE_FP	 0x27
#define OPCODE_OP_V	 0x57
#define INSN_WIDTH(insn) (((insn) >> 12) & 0x7)

static bool is_vector_insn(uint32_t insn)
{
	unsigned int op = insn & OPCODE_MASK, w = INSN_WIDTH(insn);

	if (op == OPCODE_OP_V)
		return true;
	return (op == OPCODE_LOAD_FP || op == OPCODE_STORE_FP) && (w == 0 || w >= 5);
}

/* Why an instruction is illegal, in words. Tasks run with sstatus.VS Off: a vector
 * instruction must end the task rather than see another task's vector registers. */
static const char *illegal_reason(const struct trap_frame *tf)
{
	uint32_t insn = (uint32_t)tf->stval; /* the instruction bits, where the hart reports them */

	if (!insn && copy_from_user(&insn, tf->sepc, sizeof(insn)))
		return "not a valid instruction";
	if ((insn & 3) == 3 && is_vector_insn(insn))
		return "vector instruction (tasks get no vector unit)";
	return "not a valid instruction";
}

/* A fault the task may handle itself: a handler for the signal, not blocked, runs on the way
 * back (and may fix the mapping and return to retry the access); else the task is killed. */
static void fault_signal(struct trap_frame *tf, int sig, int code, uint64_t addr,
			 const char *reason)
{
	if (signal_fault(sig, code, addr))
		return;
	task_kill(tf->scause, addr, tf->sepc, reason, sig);
}

void trap_user_work(struct trap_frame *tf)
{
	signal_work(tf);
}

/* Everything from U-mode but the two fast cases: interrupts and the end of the task. */
static __attribute__((noinline)) void user_slow_path(struct trap_frame *tf,
						     enum fault_reason reason)
{
	switch (tf->scause) {
	case CAUSE_FETCH_PAGE_FAULT:
	case CAUSE_LOAD_PAGE_FAULT:
	case CAUSE_STORE_PAGE_FAULT:
		/* Linux's OOM killer ends a task with SIGKILL; a page past the end of what a
		 * region maps is SIGBUS (BUS_ADRERR); other faults are SIGSEGV */
		if (reason == FAULT_OUT_OF_MEMORY)
			task_kill(tf->scause, tf->stval, tf->sepc, vm_fault_reason_text(reason),
				  SIGKILL);
		if (reason == FAULT_BEYOND_OBJECT)
			fault_signal(tf, SIGBUS, BUS_ADRERR, tf->stval,
				     vm_fault_reason_text(reason));
		else
			fault_signal(tf, SIGSEGV,
				     reason == FAULT_PERMISSION ? SEGV_ACCERR : SEGV_MAPERR,
				     tf->stval, vm_fault_reason_text(reason));
		return;
	case CAUSE_FETCH_ACCESS:
	case CAUSE_LOAD_ACCESS:
	case CAUSE_STORE_ACCESS:
		fault_signal(tf, SIGSEGV, SEGV_ACCERR, tf->stval, "no memory there");
		return;
	case CAUSE_ILLEGAL_INSTRUCTION:
		fault_signal(tf, SIGILL, ILL_ILLOPC, tf->sepc, illegal_reason(tf));
		return;
	case CAUSE_MISALIGNED_FETCH:
	case CAUSE_MISALIGNED_LOAD:
	case CAUSE_MISALIGNED_STORE:
		fault_signal(tf, SIGBUS, BUS_ADRALN, tf->stval, "misaligned address");
		return;
	case CAUSE_BREAKPOINT:
		fault_signal(tf, SIGTRAP, TRAP_BRKPT, tf->sepc, "breakpoint");
		return;
	default:
		if (tf->scause & CAUSE_INTERRUPT) {
			handle_interrupt(tf, true);
			return;
		}
		task_kill(tf->scause, tf->stval, tf->sepc, "unexpected trap", SIGKILL);
	}
}

/*
 * A trap from the task running on this hart: a system call, a fault to resolve, an interrupt,
 * or the end of the task. The first two are the hot paths and are tested first. A task is in
 * U-mode only while it is this hart's current task.
 */
void trap_user(struct trap_frame *tf, unsigned long cause, unsigned long stval)
{
	enum fault_reason reason = FAULT_OK;
	bool resolved = false;

	if (cause == CAUSE_USER_ECALL) {
		tf->sepc += 4; /* past the ecall */
		tf->a0 = (unsigned long)syscall_dispatch(tf);
		return;
	}
	/* the entry code left these to us: reports and the panic dump read them */
	tf->scause = cause;
	tf->stval = stval;
	if (is_page_fault(cause)) {
		resolved = vm_fault(task_current()->vm, stval, access_of(cause), &reason) == 0;
		if (resolved && !FAULTLINE_AUDIT_EACH_FAULT)
			return;
	}
	tf->sstatus = csr_read(CSR_SSTATUS); /* SPP and SPIE still as the trap set them */
	if (resolved)
		audit_or_panic(tf);
	else
		user_slow_path(tf, reason);
}

struct trap_frame *trap_kernel(struct trap_frame *tf)
{
	if (tf->scause & CAUSE_INTERRUPT)
		handle_interrupt(tf, false);
	else
		handle_kernel_exception(tf);
	return tf;
}
