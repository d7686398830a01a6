/* Probe accesses with exception-table fixups. An instruction fetch fault has no faulting
 * instruction of ours, so probe_exec's entry names the call: the trap code looks up ra - 4. */
#include "firmware/probe.h"

#include "firmware/extable.h"
#include "platform/errno.h"

int probe_read_u8(const volatile void *addr, uint8_t *val)
{
	register long rc __asm__("a0") = 0;
	unsigned long v = 0;

	__asm__ volatile("1: lbu %1, 0(%2)\n"
			 "2:\n" EXTABLE_ENTRY(1b, 2b)
			 : "+r"(rc), "+&r"(v)
			 : "r"(addr)
			 : "memory");
	if (rc)
		return -EFAULT;
	*val = (uint8_t)v;
	return 0;
}

int probe_write_u8(volatile void *addr, uint8_t val)
{
	register long rc __asm__("a0") = 0;

	__asm__ volatile("1: sb %1, 0(%2)\n"
			 "2:\n" EXTABLE_ENTRY(1b, 2b)
			 : "+r"(rc)
			 : "r"(val), "r"(addr)
			 : "memory");
	return rc ? -EFAULT : 0;
}

int probe_exec(const void *addr)
{
	register long rc __asm__("a0") = 0;

	/* A plain 4-byte jalr, so that ra - 4 is the call the table names. */
	__asm__ volatile(".option push\n.option norvc\n"
			 "1: jalr ra, 0(%1)\n"
			 ".option pop\n"
			 "li a0, 0\n"
			 "2:\n" EXTABLE_ENTRY(1b, 2b)
			 : "+r"(rc)
			 : "r"(addr)
			 : "ra", "t0", "t1", "t2", "t3", "t4", "t5", "t6", "a1", "a2", "a3", "a4",
			   "a5", "a6", "a7", "memory");
	return rc ? -EFAULT : 0;
}
