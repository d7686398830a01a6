/* Task kernel stacks in the stack window of the kernel map. */
#include "firmware/kstack.h"

#include "firmware/kmem.h"
#include "firmware/tlb.h"
#include "mm/arch.h"
#include "mm/frame.h"
#include "mm/pt.h"
#include "platform/errno.h"
#include "platform/riscv/memlayout.h"

#define SLOT_SIZE ((KSTACK_PAGES + 1) * PAGE_SIZE)

uintptr_t kstack_guard(unsigned int slot)
{
	return KSTACK_VBASE + (uintptr_t)slot * SLOT_SIZE;
}

/* A stack's frames go back only once no hart can reach them through its TLB: the hart that
 * ran the task last may still hold the global translations. */
void kstack_free(unsigned int slot)
{
	uintptr_t base = kstack_guard(slot) + PAGE_SIZE;
	paddr_t frames[KSTACK_PAGES];
	unsigned int n = 0;

	for (unsigned int i = 0; i < KSTACK_PAGES; i++) {
		pte_t *p = pt_walk(kmem_root(), base + i * PAGE_SIZE, NULL);

		if (!p || !*p)
			continue;
		frames[n++] = pte_paddr(*p);
		*p = 0;
	}
	tlb_flush_kernel_range(base, base + KSTACK_PAGES * PAGE_SIZE);
	for (unsigned int i = 0; i < n; i++)
		pmm_put(frames[i]);
}

int kstack_alloc(unsigned int slot, uintptr_t *top)
{
	uintptr_t base = kstack_guard(slot) + PAGE_SIZE;

	if (slot >= KSTACK_SLOTS)
		return -EINVAL;
	for (unsigned int i = 0; i < KSTACK_PAGES; i++) {
		paddr_t pa;
		int rc = pmm_alloc(FRAME_KERNEL, &pa);

		if (rc == 0) {
			rc = pt_map(kmem_root(), base + i * PAGE_SIZE, pa, PAGE_SIZE,
				    PTE_R | PTE_W | PTE_G | PTE_A | PTE_D, false);
			if (rc)
				pmm_put(pa);
		}
		if (rc) {
			kstack_free(slot);
			return rc;
		}
	}
	/* cores that cache invalid entries (JH7110) must not keep the hole on any hart */
	tlb_flush_kernel_range(base, base + KSTACK_PAGES * PAGE_SIZE);
	*top = base + KSTACK_PAGES * PAGE_SIZE;
	return 0;
}
