/* Resource limits an address space obeys: RLIMIT_AS and RLIMIT_DATA when regions are made or
 * grow, RLIMIT_STACK for stack growth. Counted only when a limit is set, so the usual case of
 * no limit costs nothing. */
#include "mm/vm.h"
#include "mm/vm_priv.h"

void vm_set_limits(struct vm *vm, uint64_t as, uint64_t data, uint64_t stack, uint64_t memlock)
{
	unsigned long irq = spin_lock_irqsave(&vm->lock);

	vm->limit_as = as;
	vm->limit_data = data;
	vm->limit_memlock = memlock;
	/* the layout keeps USER_STACK_LIMIT free below the stack: it can reach no further */
	if (vm->stack_top)
		vm->stack_low =
		    vm->stack_top - (stack < USER_STACK_LIMIT ? stack : USER_STACK_LIMIT);
	spin_unlock_irqrestore(&vm->lock, irq);
}

/* Linux's is_data_mapping(): private, writable and not the stack. */
static bool is_data(enum vma_kind kind, unsigned int prot)
{
	return (prot & PROT_WRITE) && kind != VMA_SHARED && kind != VMA_STACK;
}

static uint64_t overlap_pages(const struct vma *v, vaddr_t start, vaddr_t end)
{
	vaddr_t lo = v->start > start ? v->start : start;
	vaddr_t hi = v->end < end ? v->end : end;

	return hi > lo ? (hi - lo) >> PAGE_SHIFT : 0;
}

bool vm_may_lock(struct vm *vm, uint64_t pages, vaddr_t skip_start, vaddr_t skip_end)
{
	uint64_t locked = 0;

	if (vm->limit_memlock == VM_NO_LIMIT)
		return true;
	for (struct vma *v = vma_first(&vm->vmas); v; v = vma_next(v))
		if (v->flags & VMA_LOCKED)
			locked += ((v->end - v->start) >> PAGE_SHIFT) -
				  overlap_pages(v, skip_start, skip_end);
	return locked + pages <= vm->limit_memlock >> PAGE_SHIFT;
}

bool vm_may_expand(struct vm *vm, enum vma_kind kind, unsigned int prot, uint64_t pages,
		   vaddr_t skip_start, vaddr_t skip_end)
{
	const bool data = is_data(kind, prot);
	uint64_t total = 0, data_pages = 0;

	if (vm->limit_as == VM_NO_LIMIT && (!data || vm->limit_data == VM_NO_LIMIT))
		return true;
	for (struct vma *v = vma_first(&vm->vmas); v; v = vma_next(v)) {
		uint64_t n =
		    ((v->end - v->start) >> PAGE_SHIFT) - overlap_pages(v, skip_start, skip_end);

		total += n;
		if (is_data(v->kind, v->prot))
			data_pages += n;
	}
	if (total + pages > vm->limit_as >> PAGE_SHIFT)
		return false;
	return !data || data_pages + pages <= vm->limit_data >> PAGE_SHIFT;
}
