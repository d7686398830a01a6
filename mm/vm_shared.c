/* Where a word of shared memory lives, whichever space maps it: what keys a futex shared
 * between processes (Linux keys those by the backing page, not by the address space). */
#include "mm/pt.h"
#include "mm/vm.h"
#include "mm/vm_priv.h"

paddr_t vm_shared_paddr(struct vm *vm, vaddr_t addr)
{
	unsigned long irq = spin_lock_irqsave(&vm->lock);
	struct vma *v = vma_find(&vm->vmas, addr);
	paddr_t pa = 0;

	if (v && (v->kind == VMA_SHARED || v->kind == VMA_OBJ_SHARED)) {
		pte_t *p = pt_walk(vm->root, addr, NULL);

		if (p && (*p & PTE_V))
			pa = pte_paddr(*p) + (addr & (PAGE_SIZE - 1));
	}
	spin_unlock_irqrestore(&vm->lock, irq);
	return pa;
}
