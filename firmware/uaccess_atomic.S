/* The two single-word user accesses that futexes need (uaccess.c): a 32-bit load that no
 * concurrent store can tear, and a compare-and-swap; each access is named in the exception
 * table like the copies', so a fault goes through the task's fault handling first and the
 * call returns -EFAULT (a0, set by the trap code) when it cannot be resolved. */

	.section .text
	/* uaccess_load_u32(const uint32_t *uaddr, uint32_t *out): 0 or -EFAULT */
	.globl uaccess_load_u32
	.balign 4
uaccess_load_u32:
1:	lw	t0, 0(a0)
	sw	t0, 0(a1)
	li	a0, 0
2:	ret

	/* uaccess_cmpxchg_u32(uint32_t *uaddr, uint32_t old, uint32_t new, uint32_t *found):
	 * 0 or -EFAULT; *found is the word seen (old when the swap was made). A fault on the
	 * store conditional (a read-only zero or shared page made private) loses the
	 * reservation, so the loop reloads after it. */
	.globl uaccess_cmpxchg_u32
	.balign 4
uaccess_cmpxchg_u32:
3:	lr.w.aqrl t0, (a0)
	bne	t0, a1, 5f
4:	sc.w.aqrl t1, a2, (a0)
	bnez	t1, 3b
5:	sw	t0, 0(a3)
	li	a0, 0
6:	ret

	.pushsection __ex_table, "a"
	.balign 4
	.long 1b - .
	.long 2b - .
	.long 3b - .
	.long 6b - .
	.long 4b - .
	.long 6b - .
	.popsection
