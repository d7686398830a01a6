/* The ELF note Linux's vDSO carries: owner "Linux", type 0, the kernel version whose ABI the
 * tasks see (6.1.0), for C libraries that ask the vDSO rather than uname. */
#define LINUX_VERSION_6_1_0 ((6 << 16) | (1 << 8) | 0)

	.section .note.Linux, "a", @note
	.balign	4
	.long	2f - 1f		/* name size */
	.long	4f - 3f		/* descriptor size */
	.long	0		/* type */
1:	.asciz	"Linux"
2:	.balign	4
3:	.long	LINUX_VERSION_6_1_0
4:	.balign	4
