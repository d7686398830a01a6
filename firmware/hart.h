/* Per-hart state, reached through tp while in the kernel. Only the boot hart runs for now;
 * everything per-hart lives here so that more harts need no redesign. */
#ifndef FAULTLINE_FIRMWARE_HART_H
#define FAULTLINE_FIRMWARE_HART_H

#include "firmware/trap_frame.h"
#include "platform/types.h"

struct task;

/* Callee-saved registers, as switch_context() saves them. */
struct context {
	unsigned long ra, sp;
	unsigned long s[12];
};

struct hart {
	unsigned long scratch;	  /* HART_SCRATCH: used by the trap entry only */
	unsigned long kstack_top; /* HART_KSTACK: the running task's kernel stack top */
	unsigned long work;	  /* HART_WORK: the running task has signals to act on */
	struct task *current;	  /* the task running on this hart, or NULL */
	struct context sched_ctx; /* the scheduler loop, switched to when a task gives up */
	unsigned long hartid;
	unsigned int cpu; /* logical number, as Linux numbers CPUs: the boot hart is 0 */
};

static inline struct hart *this_hart(void)
{
	struct hart *h;

	__asm__ volatile("mv %0, tp" : "=r"(h));
	return h;
}

/* switch_context - save callee-saved registers into @from, load them from @to (trap_entry.S). */
void switch_context(struct context *from, struct context *to);

/* trap_return - leave through the restore half of the trap code with frame @tf. */
__noreturn void trap_return(struct trap_frame *tf);

#endif
