/* Trap entry and exit: save registers to a frame on the kernel stack, call C and restore.
 * Only saving and restoring here; every decision is in trap.c.
 * In the kernel tp points to this hart's struct hart and sscratch is 0; while a task runs in
 * U-mode, sscratch holds that pointer instead (the Linux convention).
 *
 * A trap from U-mode saves only the registers C code may clobber, and gp, which the kernel
 * never uses but another task switched to would: the callee-saved ones (s0-s11) keep the
 * task's values through the C calls and across switch_context. That is half the stores and
 * loads of every fault and system call. clone is the exception: its
 * child starts from a copy of the frame, so for it every register is saved, and a frame
 * marked full (a child's, a fresh program's) is restored in full. A trap from S-mode is rare
 * and saves everything, for the exception table and panic reports. */
#include "firmware/trap_frame.h"
#include "firmware/uapi/syscalls.h"
#include "platform/riscv/csr.h"

/* The registers C code may clobber, and gp (x3), which the kernel never uses but another
 * task switched to would: a trap from U-mode saves these. tp (x4) and sp (x2) are saved
 * apart, as they arrive elsewhere. */
#define CLOBBERED 1, 3, 5, 6, 7, 10, 11, 12, 13, 14, 15, 16, 17, 28, 29, 30, 31
/* s0-s11: C keeps them, so only full frames hold them */
#define CALLEE_SAVED 8, 9, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27

.macro save_regs regs:vararg
	.irp n, \regs
	sd	x\n, TF_REG(\n)(sp)
	.endr
.endm

.macro load_regs regs:vararg
	.irp n, \regs
	ld	x\n, TF_REG(\n)(sp)
	.endr
.endm

	.section .text
	.globl trap_entry
	.balign 4
trap_entry:
	csrrw	tp, CSR_SSCRATCH, tp	/* U-mode: tp = hart, sscratch = user tp */
	beqz	tp, from_kernel
	sd	sp, HART_SCRATCH(tp)
	ld	sp, HART_KSTACK(tp)
	addi	sp, sp, -TF_SIZE
	save_regs CLOBBERED
	ld	t0, HART_SCRATCH(tp)
	sd	t0, TF_REG(2)(sp)
	csrrw	t0, CSR_SSCRATCH, zero	/* the user's tp; sscratch = 0 while in the kernel */
	sd	t0, TF_REG(4)(sp)
	csrr	t0, CSR_SEPC
	sd	t0, TF_SEPC(sp)
	/* trap_user(frame, scause, stval): it writes them and sstatus into the frame only
	 * where anything reads them */
	csrr	a1, CSR_SCAUSE
	csrr	a2, CSR_STVAL
	li	t0, SYS_clone
	beq	a7, t0, 1f		/* any trap with a7 = clone is saved in full: harmless */
	sd	zero, TF_FULL(sp)
	mv	a0, sp
	call	trap_user
	j	ret_to_user
1:	csrr	t0, CSR_SSTATUS		/* the child's frame is resumed in full */
	sd	t0, TF_SSTATUS(sp)
	save_regs CALLEE_SAVED
	li	t0, 1
	sd	t0, TF_FULL(sp)
	mv	a0, sp
	call	trap_user
	j	ret_to_user

from_kernel:
	csrrw	tp, CSR_SSCRATCH, zero	/* tp = hart again, sscratch = 0 */
	sd	sp, HART_SCRATCH(tp)
	addi	sp, sp, -TF_SIZE
	save_regs CLOBBERED
	save_regs CALLEE_SAVED
	sd	tp, TF_REG(4)(sp)
	ld	t0, HART_SCRATCH(tp)
	sd	t0, TF_REG(2)(sp)
	csrr	t0, CSR_SEPC
	sd	t0, TF_SEPC(sp)
	csrr	t0, CSR_SSTATUS
	sd	t0, TF_SSTATUS(sp)
	csrr	t0, CSR_SCAUSE
	sd	t0, TF_SCAUSE(sp)
	csrr	t0, CSR_STVAL
	sd	t0, TF_STVAL(sp)
	li	t0, 1
	sd	t0, TF_FULL(sp)
	mv	a0, sp
	call	trap_kernel
	j	trap_return

	/* Back to U-mode from trap_user(): sp is the frame. sstatus needs no restoring: the trap
	 * from U-mode left SPP = U and SPIE = 1, and every trap taken since (by this task, on
	 * the way, or by others it switched to) has returned, which leaves them so again. */
ret_to_user:
	ld	t0, HART_WORK(tp)
	bnez	t0, user_work		/* signals to act on first */
	ld	t0, TF_FULL(sp)
	bnez	t0, full_to_user	/* exec reset it: every register comes from the frame */
user_tail:
	ld	t0, TF_SEPC(sp)
	csrw	CSR_SEPC, t0
	csrw	CSR_SSCRATCH, tp	/* the next trap finds this hart in sscratch */
	load_regs CLOBBERED, 4
	ld	x2, TF_REG(2)(sp)
	sret

	/* trap_user_work(frame) may save every register in a signal frame and set all of them
	 * for a handler: the frame must be full first. C kept s0-s11, so here they are still the
	 * task's; a frame already full (exec, rt_sigreturn) holds newer values. */
user_work:
	ld	t0, TF_FULL(sp)
	bnez	t0, 1f
	save_regs CALLEE_SAVED
	csrr	t0, CSR_SSTATUS
	sd	t0, TF_SSTATUS(sp)
	li	t0, 1
	sd	t0, TF_FULL(sp)
1:	mv	a0, sp
	call	trap_user_work
	j	full_to_user

	.globl trap_return
trap_return:
	/* a0 = a full frame to resume: a kernel trap's, or a new task's first one */
	mv	sp, a0
	ld	t0, TF_SSTATUS(sp)
	andi	t0, t0, SSTATUS_SPP
	bnez	t0, to_kernel
full_to_user:
	ld	t0, TF_SSTATUS(sp)
	csrw	CSR_SSTATUS, t0
	load_regs CALLEE_SAVED
	j	user_tail

to_kernel:
	ld	t0, TF_SSTATUS(sp)
	csrw	CSR_SSTATUS, t0
	ld	t0, TF_SEPC(sp)
	csrw	CSR_SEPC, t0
	load_regs CALLEE_SAVED
	load_regs CLOBBERED, 4
	ld	x2, TF_REG(2)(sp)
	sret

	/* switch_context(from, to): callee-saved registers out to *from, in from *to */
	.globl switch_context
switch_context:
	sd	ra, 0(a0)
	sd	sp, 8(a0)
	sd	s0, 16(a0)
	sd	s1, 24(a0)
	sd	s2, 32(a0)
	sd	s3, 40(a0)
	sd	s4, 48(a0)
	sd	s5, 56(a0)
	sd	s6, 64(a0)
	sd	s7, 72(a0)
	sd	s8, 80(a0)
	sd	s9, 88(a0)
	sd	s10, 96(a0)
	sd	s11, 104(a0)
	ld	ra, 0(a1)
	ld	sp, 8(a1)
	ld	s0, 16(a1)
	ld	s1, 24(a1)
	ld	s2, 32(a1)
	ld	s3, 40(a1)
	ld	s4, 48(a1)
	ld	s5, 56(a1)
	ld	s6, 64(a1)
	ld	s7, 72(a1)
	ld	s8, 80(a1)
	ld	s9, 88(a1)
	ld	s10, 96(a1)
	ld	s11, 104(a1)
	ret
