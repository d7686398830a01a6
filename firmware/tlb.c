/* The TLB hooks mm/ calls: sfence.vma on this hart, and shootdowns on the others through the
 * SBI's RFENCE extension. RFENCE rather than an IPI with a local fence in its handler: the
 * SBI runs the fence in M-mode whatever the target hart is doing, and returns once all have
 * done it. An IPI would wait for a hart that may sit in the kernel with interrupts masked,
 * spinning on the very lock the initiator holds (the address space's): a deadlock, or a lock
 * that every fault would have to drop with interrupts enabled. */
#include "firmware/tlb.h"

#include "firmware/hart.h"
#include "firmware/smp.h"
#include "mm/arch.h"
#include "mm/vm.h"
#include "platform/riscv/memlayout.h"
#include "platform/riscv/sbi.h"

/* Harts in a mask (no libgcc in the kernel: it is built for another float ABI). */
static unsigned int count_harts(unsigned long mask)
{
	unsigned int n = 0;

	for (; mask; mask &= mask - 1)
		n++;
	return n;
}

/* Ranges up to this many pages are fenced page by page remotely too; past it, the ASID. */
#define SHOOTDOWN_PAGES_MAX 32

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

unsigned int arch_shootdown(struct vm *vm, vaddr_t start, vaddr_t end)
{
	struct hart *h = this_hart();
	unsigned long targets;
	unsigned long size;
	unsigned int n;

	/* the PTE stores are ordered before the mask is read: a hart that joins after this
	 * read walks the new tables */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	targets = __atomic_load_n(&vm->harts, __ATOMIC_RELAXED) & ~h->bit & smp_online();
	if (!targets)
		return 0;
	size = end && end - start <= SHOOTDOWN_PAGES_MAX * PAGE_SIZE ? end - start : ~0ul;
	if (!end)
		start = 0;
	if (vm->asid)
		(void)sbi_remote_sfence_vma_asid(smp_hartid_mask(targets), 0, start, size,
						 vm->asid);
	else /* no ASIDs: the space's entries are not told apart from any other's */
		(void)sbi_remote_sfence_vma(smp_hartid_mask(targets), 0, start, size);
	n = count_harts(targets);
	h->shootdowns += n;
	return n;
}

void tlb_flush_kernel_range(vaddr_t start, vaddr_t end)
{
	unsigned long others = smp_online() & ~this_hart()->bit;

	for (vaddr_t va = start; va < end; va += PAGE_SIZE)
		arch_flush_page(va, 0);
	if (others)
		(void)sbi_remote_sfence_vma(smp_hartid_mask(others), 0, start, end - start);
}
