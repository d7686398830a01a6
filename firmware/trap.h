/* Trap dispatch: every cause of the privileged spec by name; kernel faults on addresses a
 * probe or user-copy routine declared are recovered through the exception table. */
#ifndef FAULTLINE_FIRMWARE_TRAP_H
#define FAULTLINE_FIRMWARE_TRAP_H

#include "firmware/hart.h"
#include "firmware/trap_frame.h"

/* trap_init - tp := @h, this hart's state; sscratch := 0 (we are in the kernel); stvec := the
 * trap entry. Each hart calls it first. */
void trap_init(struct hart *h);

/* trap_user - called by the entry code with interrupts off for a trap from U-mode, with the
 * frame and the trap's scause and stval (also in the frame). Returns to resume that frame. */
void trap_user(struct trap_frame *tf, unsigned long scause, unsigned long stval);

/* trap_kernel - the same for a trap from S-mode. Returns the frame to resume. */
struct trap_frame *trap_kernel(struct trap_frame *tf);

/* trap_cause_name - the spec's name of @scause in lower case ("load page fault"). */
const char *trap_cause_name(unsigned long scause);

/* What the last recovered kernel fault was: for probes and tests. */
struct trap_fault {
	unsigned long scause;
	unsigned long stval;
	unsigned long sepc;
	unsigned long count; /* recovered faults since boot */
};

/* trap_last_fault - a copy of the record of the last fault recovered by a fixup. */
void trap_last_fault(struct trap_fault *out);

/* trap_set_tick_handler - the function the timer interrupt calls. */
void trap_set_tick_handler(void (*fn)(void));

/* trap_user_work - signal work on the way back to U-mode (trap_entry.S), with a full frame. */
void trap_user_work(struct trap_frame *tf);

#endif
