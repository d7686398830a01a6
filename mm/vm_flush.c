/* Flushing what an operation took away, on this hart and on every other hart that may cache
 * it, before the frames it unmapped go back to the allocator. While only this hart may cache
 * the space (the one-hart case, and every process that has not run elsewhere) frames go back
 * at once, as before there were harts to wait for: a hart joins a space only under its lock
 * (vm_enter_hart), so none can join while an operation holds it. The vm_other_harts() test
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
		(void)(all ? vm_shootdown(vm, 0, 0) : vm_shootdown(vm, f->lo, f->hi));
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

/*
 * A hart away from the space (its satp holds another, or the kernel's) can neither use nor
 * refill what it cached of it, so it need not be interrupted: marking it stale is enough,
 * and it flushes as it comes back (vm_enter_hart). The two sides pair up as in Dekker's
 * algorithm: the initiator marks, then reads @running; the hart sets its bit in @running,
 * then takes its mark. In the single order of these sequentially consistent operations,
 * either the initiator sees the hart running (and interrupts it) or the hart sees its mark.
 */
unsigned int vm_shootdown(struct vm *vm, vaddr_t start, vaddr_t end)
{
	unsigned long others = __atomic_load_n(&vm->harts, __ATOMIC_SEQ_CST) & ~arch_hart_bit();
	unsigned long live;

	if (!others)
		return 0;
	__atomic_fetch_or(&vm->stale, others, __ATOMIC_SEQ_CST);
	live = __atomic_load_n(&vm->running, __ATOMIC_SEQ_CST) & others;
	return live ? arch_shootdown(vm, live, start, end) : 0;
}

bool vm_enter_hart(struct vm *vm, unsigned long bit)
{
	if (!(__atomic_load_n(&vm->harts, __ATOMIC_RELAXED) & bit)) {
		unsigned long irq = spin_lock_irqsave(&vm->lock);

		__atomic_fetch_or(&vm->harts, bit, __ATOMIC_SEQ_CST);
		spin_unlock_irqrestore(&vm->lock, irq);
	}
	__atomic_fetch_or(&vm->running, bit, __ATOMIC_SEQ_CST);
	return __atomic_fetch_and(&vm->stale, ~bit, __ATOMIC_SEQ_CST) & bit;
}

void vm_leave_hart(struct vm *vm, unsigned long bit)
{
	__atomic_fetch_and(&vm->running, ~bit, __ATOMIC_SEQ_CST);
}
