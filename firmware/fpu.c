/* Floating-point state per task. Eager and cheap: at every switch into a task its registers
 * are loaded and marked Clean; at a switch out they are saved only when the task changed them
 * (the hart set sstatus.FS to Dirty). A task that never touches the FPU costs 33 loads a
 * switch and no stores; nothing at all on the fault and system-call paths. */
#include "firmware/fpu.h"

#include <stddef.h>

#include "platform/riscv/csr.h"

_Static_assert(offsetof(struct fp_state, f[31]) == FP_REG(31), "fp state: f31");
_Static_assert(offsetof(struct fp_state, fcsr) == FP_FCSR, "fp state: fcsr");
_Static_assert(sizeof(struct fp_state) == FP_SIZE, "fp state: size");

/* fpu_regs.S */
void fpu_save_regs(struct fp_state *to);
void fpu_load_regs(const struct fp_state *from);

static bool present;

bool fpu_init(void)
{
	/* FS is WARL: on a hart without F it stays Off whatever is written */
	csr_set(CSR_SSTATUS, SSTATUS_FS_INITIAL);
	present = (csr_read(CSR_SSTATUS) & SSTATUS_FS) != SSTATUS_FS_OFF;
	/* no vector state for tasks: their vector instructions trap as illegal */
	csr_clear(CSR_SSTATUS, SSTATUS_VS);
	if (present)
		fpu_reset(&(struct fp_state){ 0 });
	return present;
}

static void set_fs(unsigned long fs)
{
	csr_clear(CSR_SSTATUS, SSTATUS_FS);
	csr_set(CSR_SSTATUS, fs);
}

void fpu_switch_out(struct fp_state *fp)
{
	if (!present || (csr_read(CSR_SSTATUS) & SSTATUS_FS) != SSTATUS_FS_DIRTY)
		return;
	fpu_save_regs(fp);
	set_fs(SSTATUS_FS_CLEAN);
}

void fpu_switch_in(const struct fp_state *fp)
{
	if (!present)
		return;
	set_fs(SSTATUS_FS_INITIAL); /* any state but Off lets the loads run */
	fpu_load_regs(fp);
	set_fs(SSTATUS_FS_CLEAN);
}

void fpu_reset(struct fp_state *fp)
{
	*fp = (struct fp_state){ 0 };
	fpu_switch_in(fp);
}

unsigned long fpu_user_sstatus(unsigned long sstatus)
{
	unsigned long fs = csr_read(CSR_SSTATUS) & SSTATUS_FS;

	return (sstatus & ~(SSTATUS_FS | SSTATUS_VS)) | fs | SSTATUS_VS_OFF;
}
