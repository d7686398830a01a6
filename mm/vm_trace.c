/* The tracer's side of mm/: which kind of fault vm_fault() resolved, told from the counters it
 * moved, and an address space described page by page. Only runs when a tracer is set. */
#include "mm/vm_trace.h"
#include "mm/frame.h"
#include "mm/pt.h"
#include "mm/vm_priv.h"

vm_trace_fn vm_tracer;

void vm_trace_set(vm_trace_fn fn)
{
	vm_tracer = fn;
}

static uint64_t table_pages(void)
{
	struct pmm_stats st;

	pmm_stats(&st);
	return st.by_kind[FRAME_PAGETABLE];
}

/*
 * Every resolved fault counts exactly one kind (stack growth comes with one of them), so the
 * counters moved by the handler name what it did without a branch in its own path. Faults of
 * one address space are resolved under its lock one at a time; only the lookup of table pages
 * made is global, and with several harts faulting at once may count another's table.
 */
int vm_fault_traced(struct vm *vm, vaddr_t addr, enum fault_access access,
		    enum fault_reason *reason)
{
	const struct vm_counters before = vm->counters;
	uint64_t tables = table_pages();
	int rc = vm_fault(vm, addr, (enum fault_access)(access | FAULT_NOTRACE), reason);
	const struct vm_counters *c = &vm->counters;
	const vm_trace_fn fn = vm_tracer;
	uint64_t made;

	if (!fn)
		return rc;
	made = table_pages();
	if (made > tables)
		fn(vm, VM_EV_TABLE, addr, made - tables);
	if (c->stack_grow != before.stack_grow)
		fn(vm, VM_EV_STACK_GROW, addr, 1);
	if (rc) {
		fn(vm, VM_EV_KILL, addr, 0);
		return rc;
	}
	if (c->zero_map != before.zero_map)
		fn(vm, VM_EV_ZERO_MAP, addr, 1);
	else if (c->anon_alloc != before.anon_alloc)
		fn(vm, VM_EV_ANON_ALLOC, addr, 1);
	else if (c->zero_to_private != before.zero_to_private)
		fn(vm, VM_EV_ZERO_TO_PRIVATE, addr, 1);
	else if (c->cow_copy != before.cow_copy)
		fn(vm, VM_EV_COW_COPY, addr, 1);
	else if (c->cow_reuse != before.cow_reuse)
		fn(vm, VM_EV_COW_REUSE, addr, 1);
	else if (c->image_map != before.image_map)
		fn(vm, VM_EV_IMAGE_MAP, addr, 1);
	else if (c->image_copy != before.image_copy)
		fn(vm, VM_EV_IMAGE_COPY, addr, 1);
	else
		fn(vm, VM_EV_FIXUP, addr, 0);
	return rc;
}

/* A run of pages of one state, reported when the next page does not extend it. */
struct describe {
	const struct vm_describe_ops *ops;
	void *arg;
	const struct vma *v;
	vaddr_t start, next;
	uint64_t npages;
	enum vm_page_state state;
};

static void flush_run(struct describe *d)
{
	if (d->npages)
		d->ops->pages(d->arg, d->start, d->npages, d->state);
	d->npages = 0;
}

static enum vm_page_state state_of(const struct vma *v, pte_t pte)
{
	paddr_t pa = pte_paddr(pte);
	uint32_t ref;

	if (pa == vm_zero_pa)
		return VM_PAGE_ZERO;
	if (v->kind == VMA_SHARED || v->kind == VMA_OBJ_SHARED)
		return VM_PAGE_SHARED;
	ref = pmm_refcount(pa);
	if (ref == 0)
		return VM_PAGE_IMAGE;
	if (v->obj && !(pte & PTE_W) && v->kind == VMA_OBJ_PRIVATE && ref > 1)
		return VM_PAGE_SHARED; /* a private mapping still reading the object's frame */
	return ref > 1 ? VM_PAGE_COW : VM_PAGE_PRIVATE;
}

static void describe_leaf(struct vm *vm, vaddr_t va, pte_t *ptep, void *arg)
{
	struct describe *d = arg;
	enum vm_page_state st = state_of(d->v, *ptep);

	(void)vm;
	if (d->npages && (st != d->state || va != d->next))
		flush_run(d);
	if (!d->npages) {
		d->start = va;
		d->state = st;
	}
	d->npages++;
	d->next = va + PAGE_SIZE;
}

void vm_describe(struct vm *vm, const struct vm_describe_ops *ops, void *arg)
{
	struct describe d = { .ops = ops, .arg = arg };
	unsigned long irq = spin_lock_irqsave(&vm->lock);
	vaddr_t last_table = VM_NO_SPAN;

	for (const struct vma *v = vma_first(&vm->vmas); v; v = vma_next(v)) {
		vaddr_t va = v->start;
		struct pt_span s;

		ops->region(arg, v);
		d.v = v;
		vm_walk_leaves(vm, v->start, v->end, describe_leaf, &d);
		flush_run(&d);
		/* each level-0 table once, at the 2 MiB it maps */
		while (pt_next_span(vm->root, &va, v->end, &s)) {
			if (s.base == last_table)
				continue;
			last_table = s.base;
			ops->pages(arg, s.base, 1, VM_PAGE_TABLE);
		}
	}
	spin_unlock_irqrestore(&vm->lock, irq);
}
