/* Task entry: the kernel starts us with sp at argc (Linux RISC-V layout). Hand it to C. */
	.section .text.start, "ax"
	.globl _start
_start:
	.option push
	.option norelax
	lla	gp, __global_pointer$
	.option pop
	lla	tp, __tls_base
	mv	a0, sp
	andi	sp, sp, -16
	call	__fl_start
1:	j	1b
