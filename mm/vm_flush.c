/* Flushing what an operation took away, on this hart and on every other hart that may cache
 * it, before the frames it unmapped go back to the allocator. While only this hart may cache
 * the space (the one-hart case, and every process that has not run elsewhere) frames go back
 * at once, as before there were harts to wait for: a hart joins a space only under its lock
 * (vm_join_hart), so none can join while an operation holds it. The vm_other_harts() test
 * this rests on holds for a caller running on the space, which every operation here is. */
#include "mm/arch.h"
#include "mm/vm_priv.h"

void vm_flush_begin(struct vm *vm, struct vm_flush *f)
{
	f->pages = 0;
	f->lo = VM_NO_SPAN;
	f->hi = 0;
	f->tables = false;
	f->nput = 0;
	f->defer = vm_other_harts(vm);
}

void vm_flush_page(struct vm *vm, struct vm_flush *f, vaddr_t va)
{
	if (++f->pages <= FLUSH_PAGES_MAX)
		arch_flush_page(va, vm->asid);
	vm_flush_span(f, va, va + PAGE_SIZE);
}

void vm_flush_put(struct vm *vm, struct vm_flush *f, paddr_t pa)
{
	if (!f->defer) {
		if (pmm_put_ref(pa))
			vm->rss--;
		return;
	}
	if (f->nput == VM_FLUSH_PUTS) {
		/* the caller may not have counted its pages into @f yet (vm_zap_range does at
		 * the end): settle with a flush of everything, here and on every other hart */
		f->pages = FLUSH_PAGES_MAX + 1;
		vm_flush_finish(vm, f);
	}
	f->put[f->nput++] = pa;
}

void vm_flush_finish(struct vm *vm, struct vm_flush *f)
{
	bool all = f->pages > FLUSH_PAGES_MAX || f->tables;

	/* only sfence.vma x0, asid is sure to drop cached non-leaf entries too */
	if (all)
		arch_flush_asid(vm->asid);
	if (f->defer && (all || f->hi > f->lo))
		(void)(all ? arch_shootdown(vm, 0, 0) : arch_shootdown(vm, f->lo, f->hi));
	/* no hart can reach these frames through a cached translation any more */
	for (unsigned int i = 0; i < f->nput; i++)
		if (pmm_put_ref(f->put[i]))
			vm->rss--;
	f->nput = 0;
	f->pages = 0;
	f->tables = false;
	f->lo = VM_NO_SPAN;
	f->hi = 0;
}

void vm_join_hart(struct vm *vm, unsigned long bit)
{
	unsigned long irq = spin_lock_irqsave(&vm->lock);

	__atomic_fetch_or(&vm->harts, bit, __ATOMIC_SEQ_CST);
	spin_unlock_irqrestore(&vm->lock, irq);
}
