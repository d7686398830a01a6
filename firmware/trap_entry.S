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

	.section .text
	.globl trap_entry
	.balign 4
trap_entry:
	csrrw	tp, CSR_SSCRATCH, tp	/* U-mode: tp = hart, sscratch = user tp */
	beqz	tp, from_kernel
	sd	sp, HART_SCRATCH(tp)
	ld	sp, HART_KSTACK(tp)
	addi	sp, sp, -TF_SIZE
	sd	x1, TF_REG(1)(sp)
	sd	x3, TF_REG(3)(sp)
	sd	x5, TF_REG(5)(sp)
	sd	x6, TF_REG(6)(sp)
	sd	x7, TF_REG(7)(sp)
	sd	x10, TF_REG(10)(sp)
	sd	x11, TF_REG(11)(sp)
	sd	x12, TF_REG(12)(sp)
	sd	x13, TF_REG(13)(sp)
	sd	x14, TF_REG(14)(sp)
	sd	x15, TF_REG(15)(sp)
	sd	x16, TF_REG(16)(sp)
	sd	x17, TF_REG(17)(sp)
	sd	x28, TF_REG(28)(sp)
	sd	x29, TF_REG(29)(sp)
	sd	x30, TF_REG(30)(sp)
	sd	x31, TF_REG(31)(sp)
	ld	t0, HART_SCRATCH(tp)
	sd	t0, TF_REG(2)(sp)
	csrrw	t0, CSR_SSCRATCH, zero	/* the user's tp; sscratch = 0 while in the kernel */
	sd	t0, TF_REG(4)(sp)
	csrr	t0, CSR_SEPC
	sd	t0, TF_SEPC(sp)
	/* trap_user(frame, scause, stval): it writes them and sstatus into the frame only on
	 * its slow path, where anything reads them */
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
	sd	x8, TF_REG(8)(sp)
	sd	x9, TF_REG(9)(sp)
	sd	x18, TF_REG(18)(sp)
	sd	x19, TF_REG(19)(sp)
	sd	x20, TF_REG(20)(sp)
	sd	x21, TF_REG(21)(sp)
	sd	x22, TF_REG(22)(sp)
	sd	x23, TF_REG(23)(sp)
	sd	x24, TF_REG(24)(sp)
	sd	x25, TF_REG(25)(sp)
	sd	x26, TF_REG(26)(sp)
	sd	x27, TF_REG(27)(sp)
	li	t0, 1
	sd	t0, TF_FULL(sp)
	mv	a0, sp
	call	trap_user
	j	ret_to_user

from_kernel:
	csrrw	tp, CSR_SSCRATCH, zero	/* tp = hart again, sscratch = 0 */
	sd	sp, HART_SCRATCH(tp)
	addi	sp, sp, -TF_SIZE
	sd	x1, TF_REG(1)(sp)
	sd	x3, TF_REG(3)(sp)
	sd	x4, TF_REG(4)(sp)
	sd	x5, TF_REG(5)(sp)
	sd	x6, TF_REG(6)(sp)
	sd	x7, TF_REG(7)(sp)
	sd	x8, TF_REG(8)(sp)
	sd	x9, TF_REG(9)(sp)
	sd	x10, TF_REG(10)(sp)
	sd	x11, TF_REG(11)(sp)
	sd	x12, TF_REG(12)(sp)
	sd	x13, TF_REG(13)(sp)
	sd	x14, TF_REG(14)(sp)
	sd	x15, TF_REG(15)(sp)
	sd	x16, TF_REG(16)(sp)
	sd	x17, TF_REG(17)(sp)
	sd	x18, TF_REG(18)(sp)
	sd	x19, TF_REG(19)(sp)
	sd	x20, TF_REG(20)(sp)
	sd	x21, TF_REG(21)(sp)
	sd	x22, TF_REG(22)(sp)
	sd	x23, TF_REG(23)(sp)
	sd	x24, TF_REG(24)(sp)
	sd	x25, TF_REG(25)(sp)
	sd	x26, TF_REG(26)(sp)
	sd	x27, TF_REG(27)(sp)
	sd	x28, TF_REG(28)(sp)
	sd	x29, TF_REG(29)(sp)
	sd	x30, TF_REG(30)(sp)
	sd	x31, TF_REG(31)(sp)
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
	ld	t0, TF_FULL(sp)
	bnez	t0, full_to_user	/* exec reset it: every register comes from the frame */
user_tail:
	ld	t0, TF_SEPC(sp)
	csrw	CSR_SEPC, t0
	csrw	CSR_SSCRATCH, tp	/* the next trap finds this hart in sscratch */
	ld	x1, TF_REG(1)(sp)
	ld	x3, TF_REG(3)(sp)
	ld	x4, TF_REG(4)(sp)
	ld	x5, TF_REG(5)(sp)
	ld	x6, TF_REG(6)(sp)
	ld	x7, TF_REG(7)(sp)
	ld	x10, TF_REG(10)(sp)
	ld	x11, TF_REG(11)(sp)
	ld	x12, TF_REG(12)(sp)
	ld	x13, TF_REG(13)(sp)
	ld	x14, TF_REG(14)(sp)
	ld	x15, TF_REG(15)(sp)
	ld	x16, TF_REG(16)(sp)
	ld	x17, TF_REG(17)(sp)
	ld	x28, TF_REG(28)(sp)
	ld	x29, TF_REG(29)(sp)
	ld	x30, TF_REG(30)(sp)
	ld	x31, TF_REG(31)(sp)
	ld	x2, TF_REG(2)(sp)
	sret

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
	ld	x8, TF_REG(8)(sp)
	ld	x9, TF_REG(9)(sp)
	ld	x18, TF_REG(18)(sp)
	ld	x19, TF_REG(19)(sp)
	ld	x20, TF_REG(20)(sp)
	ld	x21, TF_REG(21)(sp)
	ld	x22, TF_REG(22)(sp)
	ld	x23, TF_REG(23)(sp)
	ld	x24, TF_REG(24)(sp)
	ld	x25, TF_REG(25)(sp)
	ld	x26, TF_REG(26)(sp)
	ld	x27, TF_REG(27)(sp)
	j	user_tail

to_kernel:
	ld	t0, TF_SSTATUS(sp)
	csrw	CSR_SSTATUS, t0
	ld	t0, TF_SEPC(sp)
	csrw	CSR_SEPC, t0
	ld	x1, TF_REG(1)(sp)
	ld	x3, TF_REG(3)(sp)
	ld	x4, TF_REG(4)(sp)
	ld	x5, TF_REG(5)(sp)
	ld	x6, TF_REG(6)(sp)
	ld	x7, TF_REG(7)(sp)
	ld	x8, TF_REG(8)(sp)
	ld	x9, TF_REG(9)(sp)
	ld	x10, TF_REG(10)(sp)
	ld	x11, TF_REG(11)(sp)
	ld	x12, TF_REG(12)(sp)
	ld	x13, TF_REG(13)(sp)
	ld	x14, TF_REG(14)(sp)
	ld	x15, TF_REG(15)(sp)
	ld	x16, TF_REG(16)(sp)
	ld	x17, TF_REG(17)(sp)
	ld	x18, TF_REG(18)(sp)
	ld	x19, TF_REG(19)(sp)
	ld	x20, TF_REG(20)(sp)
	ld	x21, TF_REG(21)(sp)
	ld	x22, TF_REG(22)(sp)
	ld	x23, TF_REG(23)(sp)
	ld	x24, TF_REG(24)(sp)
	ld	x25, TF_REG(25)(sp)
	ld	x26, TF_REG(26)(sp)
	ld	x27, TF_REG(27)(sp)
	ld	x28, TF_REG(28)(sp)
	ld	x29, TF_REG(29)(sp)
	ld	x30, TF_REG(30)(sp)
	ld	x31, TF_REG(31)(sp)
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
