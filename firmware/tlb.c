/* The TLB hooks mm/ calls, as sfence.vma on this hart. Remote harts will get an SBI RFENCE
 * here once they run. */
#include "mm/arch.h"

__leaf_no_frame void arch_flush_page(vaddr_t va, unsigned int asid)
{
	/* ASID 0 is the kernel's: its entries are global, which only an all-ASID fence drops. */
	if (asid)
		__asm__ volatile("sfence.vma %0, %1" ::"r"(va), "r"((unsigned long)asid)
				 : "memory");
	else
		__asm__ volatile("sfence.vma %0, zero" ::"r"(va) : "memory");
}

void arch_flush_asid(unsigned int asid)
{
	__asm__ volatile("sfence.vma zero, %0" ::"r"((unsigned long)asid) : "memory");
}

void arch_flush_all(void)
{
	__asm__ volatile("sfence.vma zero, zero" ::: "memory");
}
