/* Memory locks: mlock, mlock2, munlock, mlockall and munlockall mark regions, and locking
 * faults their pages in now. Tasks are root but hold no capabilities (no CAP_IPC_LOCK, in
 * Linux's terms), so RLIMIT_MEMLOCK applies to them as to an unprivileged Linux process. */
#include "mm/vm.h"
#include "mm/vm_priv.h"
#include "platform/errno.h"

/*
 * Sets @set and clears @clear in the flags of the regions in [start, end), cutting regions at
 * the edges and joining them again with neighbours that now match. Stops at the first hole
 * (-ENOMEM, what came before it changed) or when a cut finds no memory (-ENOMEM). Lock held.
 */
int vm_update_flags(struct vm *vm, vaddr_t start, vaddr_t end, unsigned int set, unsigned int clear)
{
	vaddr_t cur = start;

	while (cur < end) {
		struct vma *v = vma_find(&vm->vmas, cur);
		vaddr_t stop;
		int rc;

		if (!v)
			return -ENOMEM;
		stop = v->end < end ? v->end : end;
		if (((v->flags & ~clear) | set) != v->flags) {
			rc = vm_split_at_edges(vm, cur, stop);
			if (rc)
				return rc;
			v = vma_find(&vm->vmas, cur);
			v->flags = (v->flags & ~clear) | set;
			vm_merge(vm, v);
		}
		cur = stop;
	}
	return 0;
}

/* Linux's __mlock_posix_error_return: what populate's errors mean to mlock's caller. */
static int posix_error(int rc)
{
	if (rc == -EFAULT)
		return -ENOMEM;
	if (rc == -ENOMEM)
		return -EAGAIN;
	return rc;
}

int vm_mlock(struct vm *vm, vaddr_t addr, uint64_t len, bool lock, unsigned int flags)
{
	unsigned int set = 0;
	unsigned long irq;
	vaddr_t start = align_down(addr, PAGE_SIZE);
	uint64_t size;
	int rc;

	if (lock && (flags & ~(unsigned int)MLOCK_ONFAULT))
		return -EINVAL;
	/* Linux: the length counts from the page holding addr, rounded up to whole pages */
	size = align_up(len + (addr - start), PAGE_SIZE);
	if (start + size < start)
		return -EINVAL;
	if (!size)
		return 0;
	if (lock)
		set = VMA_LOCKED | ((flags & MLOCK_ONFAULT) ? VMA_LOCKONFAULT : 0);
	irq = spin_lock_irqsave(&vm->lock);
	if (lock && vm->limit_memlock == 0)
		rc = -EPERM; /* Linux's can_do_mlock() without the capability */
	else if (lock && !vm_may_lock(vm, size >> PAGE_SHIFT, start, start + size))
		rc = -ENOMEM;
	else
		rc = vm_update_flags(vm, start, start + size, set, VMA_LOCK_FLAGS & ~set);
	spin_unlock_irqrestore(&vm->lock, irq);
	if (rc || !lock)
		return rc;
	return posix_error(vm_populate(vm, start, start + size, false));
}

int vm_mlockall(struct vm *vm, unsigned int flags)
{
	unsigned int to_add = 0;
	unsigned long irq;

	if (!flags || (flags & ~(unsigned int)(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) ||
	    flags == MCL_ONFAULT)
		return -EINVAL;
	irq = spin_lock_irqsave(&vm->lock);
	if (vm->limit_memlock == 0) {
		spin_unlock_irqrestore(&vm->lock, irq);
		return -EPERM;
	}
	if ((flags & MCL_CURRENT) && vm->limit_memlock != VM_NO_LIMIT) {
		uint64_t total = 0;

		for (struct vma *v = vma_first(&vm->vmas); v; v = vma_next(v))
			total += v->end - v->start;
		if (total > vm->limit_memlock) {
			spin_unlock_irqrestore(&vm->lock, irq);
			return -ENOMEM;
		}
	}
	vm->def_flags &= ~VMA_LOCK_FLAGS;
	if (flags & MCL_FUTURE)
		vm->def_flags |= VMA_LOCKED | ((flags & MCL_ONFAULT) ? VMA_LOCKONFAULT : 0);
	if (flags & MCL_CURRENT) {
		to_add = VMA_LOCKED | ((flags & MCL_ONFAULT) ? VMA_LOCKONFAULT : 0);
		/* one region at a time: merging may free the one just changed */
		for (struct vma *v = vma_first(&vm->vmas); v; v = vma_next(v)) {
			v->flags = (v->flags & ~VMA_LOCK_FLAGS) | to_add;
			v = vm_merge(vm, v);
		}
	}
	spin_unlock_irqrestore(&vm->lock, irq);
	/* as Linux: every region is faulted in as far as memory goes, and the call succeeds */
	if ((flags & MCL_CURRENT))
		vm_prefault(vm, 0, USER_TOP);
	return 0;
}

void vm_munlockall(struct vm *vm)
{
	unsigned long irq = spin_lock_irqsave(&vm->lock);

	vm->def_flags &= ~VMA_LOCK_FLAGS;
	for (struct vma *v = vma_first(&vm->vmas); v; v = vma_next(v)) {
		v->flags &= ~VMA_LOCK_FLAGS;
		v = vm_merge(vm, v);
	}
	spin_unlock_irqrestore(&vm->lock, irq);
}
