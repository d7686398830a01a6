/* Advice and inspection of ranges: madvise (dropping pages, populating, hints), populating for
 * mlock and MAP_POPULATE, msync and mincore, with Linux's checks and errors. */
#include "mm/arch.h"
#include "mm/pt.h"
#include "mm/vm.h"
#include "mm/vm_priv.h"
#include "platform/errno.h"
#include "platform/riscv/memlayout.h"

/* ---- populating ------------------------------------------------------------------------ */

static bool pte_permits(pte_t pte, enum fault_access access)
{
	if (!pte_valid(pte))
		return false;
	if (access == FAULT_WRITE)
		return pte & PTE_W;
	return pte & (access == FAULT_EXEC ? PTE_X : PTE_R);
}

/*
 * Faults in every page of [start, end) (inside one region) that does not yet permit @access,
 * as the task's own accesses would. The lock is not held: vm_fault takes it; the kernel is
 * not preemptible and an address space belongs to one task, so nothing moves meanwhile.
 * 0, or -ENOMEM when a frame or a table could not be had.
 */
static int fault_in(struct vm *vm, vaddr_t start, vaddr_t end, enum fault_access access)
{
	for (vaddr_t va = start; va < end; va += PAGE_SIZE) {
		pte_t *p = pt_walk(vm->root, va, NULL);
		enum fault_reason why;

		if (p && pte_permits(*p, access))
			continue;
		if (vm_fault(vm, va, access, &why))
			return why == FAULT_OUT_OF_MEMORY ? -ENOMEM : -EFAULT;
	}
	return 0;
}

/* What populating a region means, as Linux's populate_vma_page_range: writable private memory
 * is written (which breaks copy-on-write), everything else read, or executed when that is all
 * the region allows. */
static enum fault_access populate_access(const struct vma *v)
{
	if ((v->prot & PROT_WRITE) && v->kind != VMA_SHARED)
		return FAULT_WRITE;
	if (!(v->prot & (PROT_READ | PROT_WRITE)))
		return FAULT_EXEC;
	return FAULT_READ;
}

int vm_populate(struct vm *vm, vaddr_t start, vaddr_t end, bool ignore_errors)
{
	vaddr_t cur = start;

	while (cur < end) {
		unsigned long irq = spin_lock_irqsave(&vm->lock);
		struct vma *v = vma_find_next(&vm->vmas, cur);
		enum fault_access access;
		unsigned int prot, flags;
		vaddr_t stop;
		int rc;

		if (!v || v->start >= end) {
			spin_unlock_irqrestore(&vm->lock, irq);
			break; /* holes are skipped: the callers have judged them */
		}
		if (cur < v->start)
			cur = v->start;
		stop = v->end < end ? v->end : end;
		prot = v->prot;
		flags = v->flags;
		access = populate_access(v);
		spin_unlock_irqrestore(&vm->lock, irq);

		if ((flags & VMA_LOCKONFAULT) && (flags & VMA_LOCKED)) {
			cur = stop; /* locked as they fault in: nothing to do now */
			continue;
		}
		rc = prot == PROT_NONE ? -EFAULT : fault_in(vm, cur, stop, access);
		if (rc && !ignore_errors)
			return rc;
		cur = stop;
	}
	return 0;
}

void vm_prefault(struct vm *vm, vaddr_t start, vaddr_t end)
{
	if (vm_populate(vm, start, end, true))
		return; /* errors were skipped: nothing is reported */
}

/* ---- madvise --------------------------------------------------------------------------- */

static bool advice_known(int advice)
{
	switch (advice) {
	case MADV_NORMAL:
	case MADV_RANDOM:
	case MADV_SEQUENTIAL:
	case MADV_WILLNEED:
	case MADV_DONTNEED:
	case MADV_FREE:
	case MADV_REMOVE:
	case MADV_DONTFORK:
	case MADV_DOFORK:
	case MADV_DONTDUMP:
	case MADV_DODUMP:
	case MADV_WIPEONFORK:
	case MADV_KEEPONFORK:
	case MADV_COLD:
	case MADV_PAGEOUT:
	case MADV_POPULATE_READ:
	case MADV_POPULATE_WRITE:
	case MADV_DONTNEED_LOCKED:
		return true;
	default:
		/* KSM, transparent huge pages and memory-failure injection: Linux built without
		 * them (as the reference kernel is) refuses their advice too */
		return false;
	}
}

static bool anonymous(const struct vma *v)
{
	return v->kind == VMA_ANON || v->kind == VMA_STACK;
}

/* What a DONTNEED or FREE has done so far: flushes and tables to free after them all. */
struct dropped {
	struct vm_flush *f;
	struct pt_unlinked gone;
};

/*
 * DONTNEED and FREE on the part [start, end) of @v: the pages go now, frames and the tables
 * wholly inside the part with them (they map nothing any more; the next fault makes new
 * ones). Shared memory keeps its pages: Linux's shared object holds them and a later read
 * finds the same data, which is what keeping them shows. Lock held.
 */
static int drop_pages(struct vm *vm, struct vma *v, vaddr_t start, vaddr_t end, int advice,
		      struct dropped *d)
{
	if ((v->flags & VMA_LOCKED) && advice != MADV_DONTNEED_LOCKED)
		return -EINVAL;
	if (advice == MADV_FREE && !anonymous(v))
		return -EINVAL;
	if (v->kind == VMA_SHARED)
		return 0;
	vm_zap_range(vm, start, end, d->f);
	pt_unlink_unused(vm->root, start, end, start, end, &d->gone);
	return 0;
}

/* MADV_REMOVE: only writable shared memory, whose pages then read zero for every sharer. */
static int remove_pages(struct vm *vm, struct vma *v, vaddr_t start, vaddr_t end)
{
	struct pt_span s;

	if (v->flags & VMA_LOCKED)
		return -EINVAL;
	if (anonymous(v))
		return -EINVAL; /* no object behind it to punch a hole in */
	if (v->kind != VMA_SHARED || !(v->prot & PROT_WRITE))
		return -EACCES;
	while (pt_next_span(vm->root, &start, end, &s))
		for (unsigned int i = s.first; i < s.last; i++)
			if (s.table[i])
				pmm_zero(pte_paddr(s.table[i]));
	return 0;
}

/* One region's share [start, end) of a madvise other than populating. Lock held. */
static int advise_region(struct vm *vm, struct vma *v, vaddr_t start, vaddr_t end, int advice,
			 struct dropped *d)
{
	switch (advice) {
	case MADV_DONTNEED:
	case MADV_DONTNEED_LOCKED:
	case MADV_FREE:
		return drop_pages(vm, v, start, end, advice, d);
	case MADV_REMOVE:
		return remove_pages(vm, v, start, end);
	case MADV_COLD:
	case MADV_PAGEOUT:
		return (v->flags & VMA_LOCKED) ? -EINVAL : 0; /* no swap: nothing to page out */
	case MADV_DONTFORK:
		return vm_update_flags(vm, start, end, VMA_DONTCOPY, 0);
	case MADV_DOFORK:
		return vm_update_flags(vm, start, end, 0, VMA_DONTCOPY);
	case MADV_WIPEONFORK:
		if (!anonymous(v))
			return -EINVAL;
		return vm_update_flags(vm, start, end, VMA_WIPEONFORK, 0);
	case MADV_KEEPONFORK:
		return vm_update_flags(vm, start, end, 0, VMA_WIPEONFORK);
	default:
		/* NORMAL, RANDOM, SEQUENTIAL, WILLNEED: read-ahead hints with nothing to read
		 * ahead from; DONTDUMP, DODUMP: there are no core dumps */
		return 0;
	}
}

/* MADV_POPULATE_*: region by region, each checked first (Linux's EINVAL for a region the
 * access is not allowed in), then faulted in. Holes make -ENOMEM, at the end. */
static int populate_advice(struct vm *vm, vaddr_t start, vaddr_t end, int advice)
{
	const enum fault_access access = advice == MADV_POPULATE_WRITE ? FAULT_WRITE : FAULT_READ;
	const unsigned int need = access == FAULT_WRITE ? PROT_WRITE : PROT_READ;
	int unmapped = 0;
	vaddr_t cur = start;

	while (cur < end) {
		unsigned long irq = spin_lock_irqsave(&vm->lock);
		struct vma *v = vma_find_next(&vm->vmas, cur);
		unsigned int prot;
		vaddr_t stop;
		int rc;

		if (!v || v->start >= end) {
			spin_unlock_irqrestore(&vm->lock, irq);
			return -ENOMEM;
		}
		if (cur < v->start) {
			unmapped = -ENOMEM;
			cur = v->start;
		}
		stop = v->end < end ? v->end : end;
		prot = v->prot;
		spin_unlock_irqrestore(&vm->lock, irq);
		if (!(prot & need))
			return -EINVAL;
		rc = fault_in(vm, cur, stop, access);
		if (rc)
			return rc;
		cur = stop;
	}
	return unmapped;
}

int vm_madvise(struct vm *vm, vaddr_t addr, uint64_t len, int advice)
{
	struct vm_flush f;
	struct dropped d = { .f = &f };
	uint64_t size = align_up(len, PAGE_SIZE);
	int rc = 0, unmapped = 0;
	unsigned long irq;
	vaddr_t cur, end;

	if (!advice_known(advice) || !is_aligned(addr, PAGE_SIZE))
		return -EINVAL;
	if (len && !size)
		return -EINVAL; /* rounded up past the top */
	end = addr + size;
	if (end < addr)
		return -EINVAL;
	if (end == addr)
		return 0;
	if (advice == MADV_POPULATE_READ || advice == MADV_POPULATE_WRITE)
		return populate_advice(vm, addr, end, advice);

	irq = spin_lock_irqsave(&vm->lock);
	vm_flush_begin(vm, &f);
	for (cur = addr; cur < end && rc == 0;) {
		struct vma *v = vma_find_next(&vm->vmas, cur);
		vaddr_t stop;

		if (!v || v->start >= end) {
			unmapped = -ENOMEM;
			break;
		}
		if (cur < v->start) {
			unmapped = -ENOMEM;
			cur = v->start;
		}
		stop = v->end < end ? v->end : end;
		rc = advise_region(vm, v, cur, stop, advice, &d);
		cur = stop;
	}
	/* frames were given back as their PTEs went; a freed table may be the fault path's
	 * remembered one, and only a whole-ASID fence drops cached non-leaf entries */
	if (d.gone.count) {
		vm->pt_span = VM_NO_SPAN;
		f.tables = true;
	}
	vm_flush_finish(vm, &f);
	pt_free_unlinked(&d.gone);
	spin_unlock_irqrestore(&vm->lock, irq);
	return rc ? rc : unmapped;
}

/* ---- msync, mincore -------------------------------------------------------------------- */

int vm_msync(struct vm *vm, vaddr_t addr, uint64_t len, int flags)
{
	uint64_t size = align_up(len, PAGE_SIZE);
	int rc = 0, unmapped = 0;
	unsigned long irq;
	vaddr_t cur, end;

	if ((flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) || !is_aligned(addr, PAGE_SIZE) ||
	    ((flags & MS_ASYNC) && (flags & MS_SYNC)))
		return -EINVAL;
	end = addr + size;
	if (end < addr)
		return -ENOMEM;
	if (end == addr)
		return 0;
	irq = spin_lock_irqsave(&vm->lock);
	for (cur = addr; cur < end;) {
		struct vma *v = vma_find_next(&vm->vmas, cur);

		if (!v || v->start >= end) {
			rc = -ENOMEM;
			break;
		}
		if (cur < v->start) {
			if (flags ==
			    MS_ASYNC) { /* as Linux: an asynchronous sync stops at a hole */
				rc = -ENOMEM;
				break;
			}
			unmapped = -ENOMEM;
			cur = v->start;
		}
		if ((flags & MS_INVALIDATE) && (v->flags & VMA_LOCKED)) {
			rc = -EBUSY;
			break;
		}
		/* anonymous and image memory have no file to write back to */
		cur = v->end;
	}
	spin_unlock_irqrestore(&vm->lock, irq);
	return rc ? rc : unmapped;
}

long vm_mincore(struct vm *vm, vaddr_t addr, uint64_t npages, uint8_t *vec)
{
	unsigned long irq = spin_lock_irqsave(&vm->lock);
	struct vma *v = vma_find(&vm->vmas, addr);
	uint64_t n;

	if (!v) {
		spin_unlock_irqrestore(&vm->lock, irq);
		return -ENOMEM;
	}
	n = (v->end - addr) >> PAGE_SHIFT;
	if (n > npages)
		n = npages;
	for (uint64_t i = 0; i < n; i++) {
		pte_t *p = pt_slot0(vm->root, addr + (i << PAGE_SHIFT));

		/* a page with a frame (PROT_NONE ones too), or an image page, which is always in
		 * memory as a file's page in the page cache would be */
		vec[i] = (p && *p) || v->kind == VMA_IMAGE_RO || v->kind == VMA_IMAGE_PRIVATE;
	}
	spin_unlock_irqrestore(&vm->lock, irq);
	return (long)n;
}
