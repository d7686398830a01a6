/* Per-hart state, reached through tp while in the kernel (sscratch while a task runs). Every
 * usable hart has one, numbered as Linux numbers CPUs: the boot hart is 0, the others follow
 * in devicetree order (firmware/smp.c starts them). */
#ifndef FAULTLINE_FIRMWARE_HART_H
#define FAULTLINE_FIRMWARE_HART_H

#include "firmware/trap_frame.h"
#include "platform/types.h"

struct task;
struct vm;

/* Harts the firmware runs on at most: masks of them fit an unsigned long. */
#define HART_MAX 32

/* Callee-saved registers, as switch_context() saves them. */
struct context {
	unsigned long ra, sp;
	unsigned long s[12];
};

/* A TLB flush a hart asks of others by IPI (firmware/tlb_ipi.c): each target does it, then
 * clears its bit in @waiting; the initiator reuses it only once @waiting is empty. */
struct flush_request {
	unsigned long asid;    /* 0: every address space's entries, global ones too */
	vaddr_t start;	       /* page-aligned */
	unsigned long size;    /* bytes, or FLUSH_REQUEST_ALL: every entry of the ASID */
	unsigned long waiting; /* harts that have not done it yet, by logical number */
};

#define FLUSH_REQUEST_ALL (~0ul)

struct hart {
	unsigned long scratch;	  /* HART_SCRATCH: used by the trap entry only */
	unsigned long kstack_top; /* HART_KSTACK: the running task's kernel stack top */
	unsigned long work;	  /* HART_WORK: the running task has signals to act on */
	struct task *current;	  /* the task running on this hart, or NULL */
	struct context sched_ctx; /* the scheduler loop, switched to when a task gives up */
	unsigned long hartid;
	unsigned int cpu;	   /* logical number, as Linux numbers CPUs: the boot hart is 0 */
	unsigned long bit;	   /* 1ul << cpu, for masks of harts */
	struct vm *vm;		   /* the address space its satp holds, or NULL for the kernel's */
	uint64_t timer_deadline;   /* the next tick, in time CSR units */
	uint64_t shootdowns;	   /* other harts asked to flush by this one */
	uintptr_t sched_stack_top; /* the scheduler loop's stack (the boot stack on hart 0) */

	struct flush_request flush; /* this hart's shootdown, while it waits for it */
	unsigned long flush_from;   /* harts whose flush request waits for this hart */
	uint64_t lock_contended;    /* locks this hart found taken, and its turns waiting */
	uint64_t lock_spins;
};

/* harts - every usable hart's state, by logical number; hart_count of them exist. */
extern struct hart harts[HART_MAX];
extern unsigned int hart_count;

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
