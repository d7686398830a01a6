/* The word loop of user copies (uaccess.c): one load and one store a word, each named in the
 * exception table, so that a fault on the user side goes through the task's fault handling
 * and the copy either goes on or returns -EFAULT (a0, set by the trap code). Only copying
 * here: uaccess.c checks the range, aligns and opens SUM. */
/* entries as firmware/extable.h describes them: self-relative (instruction, fixup) */

	.section .text
	/* uaccess_copy_words(void *dst, const void *src, size_t words): 0 or -EFAULT */
	.globl uaccess_copy_words
	.balign 4
uaccess_copy_words:
	beqz	a2, 3f
1:	ld	t0, 0(a1)
2:	sd	t0, 0(a0)
	addi	a1, a1, 8
	addi	a0, a0, 8
	addi	a2, a2, -1
	bnez	a2, 1b
3:	li	a0, 0
4:	ret

	.pushsection __ex_table, "a"
	.balign 4
	.long 1b - .
	.long 4b - .
	.long 2b - .
	.long 4b - .
	.popsection
