/* The TLB hooks mm/ calls: sfence.vma on this hart, and shootdowns on the others, either by
 * IPI with a local fence in each target (firmware/tlb_ipi.c) or through the SBI's RFENCE
 * extension, chosen at boot (shootdown=ipi|rfence).
 *
 * An IPI must not wait for a hart that sits in the kernel with interrupts masked, spinning on
 * the very lock the initiator holds (the address space's): every such wait serves flush
 * requests itself (spin_lock_contended, a stop's waits), so the target does the flush
 * without taking the interrupt. RFENCE needs none of that (the SBI fences in M-mode whatever
 * the target does) but its initiator spins in M-mode until every target has answered; under
 * QEMU's round-robin of harts (-icount) that spin lasts the rest of its time slice. IPI is the
 * default: its initiator waits in wfi, which hands the host to the targets at once (the
 * figures are in the README's "Several harts"). */
#include "firmware/tlb.h"

#include "firmware/bootargs.h"
#include "firmware/hart.h"
#include "firmware/printf.h"
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

static bool by_ipi = true; /* false: SBI RFENCE */

void tlb_init(const struct sbi_info *sbi)
{
	char mode[8];
	int n = bootargs_value("shootdown", mode, sizeof(mode));

	if (n == 6 && !__builtin_memcmp(mode, "rfence", 6))
		by_ipi = false;
	else if (n == 3 && !__builtin_memcmp(mode, "ipi", 3))
		by_ipi = true; /* any other value is named by the boot log's unknown words */
	if (by_ipi && !sbi->has_ipi)
		by_ipi = false;
	if (!by_ipi && !sbi->has_rfence)
		by_ipi = true;
	kprintf("  shootdown  %s\n", by_ipi ? "ipi (an IPI, and sfence.vma in each target)"
					    : "rfence (SBI remote_sfence_vma_asid)");
}

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

unsigned long arch_hart_bit(void)
{
	return this_hart()->bit;
}

unsigned int arch_shootdown(struct vm *vm, unsigned long targets, vaddr_t start, vaddr_t end)
{
	struct hart *h = this_hart();
	unsigned long size;
	unsigned int n;

	targets &= ~h->bit & smp_online();
	if (!targets)
		return 0;
	size =
	    end && end - start <= SHOOTDOWN_PAGES_MAX * PAGE_SIZE ? end - start : FLUSH_REQUEST_ALL;
	if (!end)
		start = 0;
	/* no ASIDs (0): the space's entries are not told apart from any other's */
	if (by_ipi)
		tlb_ipi_shootdown(targets, vm->asid, start, size);
	else if (vm->asid)
		(void)sbi_remote_sfence_vma_asid(smp_hartid_mask(targets), 0, start, size,
						 vm->asid);
	else
		(void)sbi_remote_sfence_vma(smp_hartid_mask(targets), 0, start, size);
	n = count_harts(targets);
	h->shootdowns += n;
	return n;
}
