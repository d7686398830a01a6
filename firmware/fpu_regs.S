/* Moving the 32 FP registers and fcsr to and from a struct fp_state (firmware/fpu.h). Only
 * saving and restoring here: fpu.c decides when, and makes sstatus.FS allow it. The kernel is
 * built without F and D, so the instructions are enabled for this file alone. */
#include "firmware/fpu.h"

	.option push
	.option arch, +d

	.section .text
	/* fpu_save_regs(struct fp_state *to) */
	.globl fpu_save_regs
	.balign 4
fpu_save_regs:
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	fsd	f\n, FP_REG(\n)(a0)
	.endr
	frcsr	t0
	sd	t0, FP_FCSR(a0)
	ret

	/* fpu_load_regs(const struct fp_state *from) */
	.globl fpu_load_regs
	.balign 4
fpu_load_regs:
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	fld	f\n, FP_REG(\n)(a0)
	.endr
	ld	t0, FP_FCSR(a0)
	fscsr	t0
	ret

	.option pop
