/* A task's floating-point registers (f0-f31 and fcsr): kept per task and moved in and out of
 * the hart when tasks switch. The kernel itself never uses the FPU (it is built without F and
 * D), so the registers always hold the running task's values. */
#ifndef FAULTLINE_FIRMWARE_FPU_H
#define FAULTLINE_FIRMWARE_FPU_H

#define FP_REG(n) ((n)*8) /* f0..f31 */
#define FP_FCSR	  (32 * 8)
#define FP_SIZE	  (33 * 8)

#ifndef __ASSEMBLER__
#include "platform/types.h"

struct fp_state {
	uint64_t f[32];
	uint64_t fcsr; /* frm and fflags, as fcsr reads them */
};

/* fpu_init - find out whether this hart has an FPU (sstatus.FS can leave Off) and start
 * with zeroed registers; the vector unit stays Off. Returns whether there is one. Without
 * one, every function here does nothing and FP instructions trap as illegal. RV64 harts with
 * F also have D (RV64GC), whose 64-bit loads and stores this uses. */
bool fpu_init(void);

/*
 * fpu_switch_out - keep the hart's FP registers in @fp when the task that owns them changed
 * them since they were last loaded (sstatus.FS Dirty), and mark them Clean. Called before
 * the hart leaves the task, and before its state is copied (fork).
 */
void fpu_switch_out(struct fp_state *fp);

/* fpu_switch_in - load @fp into the hart's FP registers for the task about to run; they are
 * Clean afterwards, so a task that does not touch them costs no save at the next switch. */
void fpu_switch_in(const struct fp_state *fp);

/* fpu_reset - the state a new program starts with (execve): all registers and fcsr zero, and
 * loaded into the hart, which runs that program now. */
void fpu_reset(struct fp_state *fp);

/* fpu_user_sstatus - @sstatus with its FS and VS fields as a task must see them now: FS as
 * the hart's (set by the last switch-in), VS Off (tasks get no vector unit). For frames
 * restored in full, which write the whole of sstatus. */
unsigned long fpu_user_sstatus(unsigned long sstatus);
#endif

#endif
