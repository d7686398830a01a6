/* The signal trampoline: a handler returns here (ra), and this asks the kernel to restore the
 * interrupted context. Unwinders (libgcc, gdb) recognise the two instructions themselves. */
#include "firmware/uapi/syscalls.h"

	.text
	.globl	__vdso_rt_sigreturn
	.type	__vdso_rt_sigreturn, @function
	.balign	4
__vdso_rt_sigreturn:
	li	a7, SYS_rt_sigreturn
	ecall
	.size	__vdso_rt_sigreturn, . - __vdso_rt_sigreturn
