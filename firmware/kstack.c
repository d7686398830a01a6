/* Task kernel stacks in the stack window of the kernel map. */
#include "firmware/kstack.h"

#include "firmware/kmem.h"
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

void kstack_free(unsigned int slot)
{
	uintptr_t base = kstack_guard(slot) + PAGE_SIZE;

	for (unsigned int i = 0; i < KSTACK_PAGES; i++) {
		pte_t *p = pt_walk(kmem_root(), base + i * PAGE_SIZE, NULL);

		if (!p)
			continue;
		pmm_put(pte_paddr(*p));
		*p = 0;
		arch_flush_page(base + i * PAGE_SIZE, 0);
	}
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
		arch_flush_page(base + i * PAGE_SIZE, 0);
	}
	*top = base + KSTACK_PAGES * PAGE_SIZE;
	return 0;
}
