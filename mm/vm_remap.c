/* mremap: shrink, grow in place, or move a region by carrying its page-table entries to the new
 * place. Frames are never copied and reference counts never change on a move: a frame shared
 * copy-on-write with another space stays shared, read-only, at its new address. */
#include "mm/arch.h"
#include "mm/memobj.h"
#include "mm/pt.h"
#include "mm/vm.h"
#include "mm/vm_priv.h"
#include "platform/errno.h"
#include "platform/riscv/memlayout.h"

/* What a region made by a move inherits from the part [addr, ...) of @v. */
struct origin {
	unsigned int prot, flags;
	enum vma_kind kind;
	paddr_t image_pa;
	uint64_t image_bytes;
	struct memobj *obj; /* a descriptor's memory, from page obj_pgoff on */
	uint64_t obj_pgoff;
};

static struct origin origin_of(const struct vma *v, vaddr_t addr)
{
	uint64_t off = addr - v->start;
	struct origin o = {
		.prot = v->prot,
		.flags = v->flags,
		/* a moved stack is ordinary memory: only the stack region grows down */
		.kind = v->kind == VMA_STACK ? VMA_ANON : v->kind,
	};

	if (v->kind == VMA_IMAGE_RO || v->kind == VMA_IMAGE_PRIVATE) {
		o.image_pa = v->image_pa + off;
		o.image_bytes = v->image_bytes > off ? v->image_bytes - off : 0;
	}
	if (v->obj) {
		o.obj = v->obj;
		o.obj_pgoff = v->obj_pgoff + off / PAGE_SIZE;
	}
	return o;
}

/* Every level-0 slot a PTE of [from, from + len) moves to exists under [to, ...): made first,
 * so that the move itself cannot fail half done. 0 or -ENOMEM. */
static int make_slots(struct vm *vm, vaddr_t from, vaddr_t to, uint64_t len)
{
	vaddr_t va = from;
	struct pt_span s;

	while (pt_next_span(vm->root, &va, from + len, &s))
		for (unsigned int i = s.first; i < s.last; i++) {
			vaddr_t src = s.base + ((vaddr_t)i << PAGE_SHIFT);
			pte_t *slot;
			int rc;

			if (!s.table[i])
				continue;
			rc = pt_walk_alloc(vm->root, to + (src - from), &slot);
			if (rc)
				return rc;
		}
	return 0;
}

/*
 * Carries the PTEs of [from, from + len) to [to, ...), whose slots exist and are empty. With
 * @share (MREMAP_DONTUNMAP of shared memory, whose old mapping keeps seeing the same object)
 * both places map the frames, one more reference each; otherwise the old entries go, flushed.
 */
static void carry_ptes(struct vm *vm, vaddr_t from, vaddr_t to, uint64_t len, bool share)
{
	vaddr_t va = from;
	struct vm_flush f;
	struct pt_span s;

	vm_flush_begin(vm, &f);
	while (pt_next_span(vm->root, &va, from + len, &s))
		for (unsigned int i = s.first; i < s.last; i++) {
			vaddr_t src = s.base + ((vaddr_t)i << PAGE_SHIFT);
			pte_t pte = s.table[i];

			if (!pte)
				continue;
			*pt_slot0(vm->root, to + (src - from)) = pte;
			if (share) {
				if (pte_paddr(pte) != vm_zero_pa && pmm_try_get(pte_paddr(pte)))
					vm->rss++;
				continue;
			}
			s.table[i] = 0;
			if (pte_valid(pte))
				vm_flush_page(vm, &f, src);
		}
	/* the frames moved, none is freed: flushing the old addresses everywhere is all */
	vm_flush_finish(vm, &f);
	if (vm->rss > vm->max_rss)
		vm->max_rss = vm->rss;
}

/*
 * Linux's move_vma: a region of @new_len at @to takes over the pages of [from, from +
 * old_len) (part of @v), and the old range goes, unless @dontunmap, which leaves it mapped,
 * empty and unlocked. Lock held. 0 or -ENOMEM (nothing changed).
 */
static int move_region(struct vm *vm, struct vma *v, vaddr_t from, uint64_t old_len, vaddr_t to,
		       uint64_t new_len, bool dontunmap)
{
	const struct origin o = origin_of(v, from);
	const bool shared = o.kind == VMA_SHARED || o.kind == VMA_OBJ_SHARED;
	struct vma *n;
	int rc;

	rc = vm_insert_region(vm, to, new_len, o.prot, o.kind, o.flags, o.image_pa, o.image_bytes,
			      &n);
	if (rc)
		return rc;
	if (o.obj) { /* object regions never merge: n is the new one */
		memobj_get(o.obj);
		n->obj = o.obj;
		n->obj_pgoff = o.obj_pgoff;
	}
	rc = make_slots(vm, from, to, old_len);
	/* anonymous shared memory has every frame; an object's come on first touch */
	if (rc == 0 && o.kind == VMA_SHARED && new_len > old_len)
		rc = vm_populate_shared(vm, to + old_len, to + new_len, o.prot);
	if (rc) {
		vm_unmap_range(vm, to, to + new_len);
		return rc;
	}
	carry_ptes(vm, from, to, old_len, shared && dontunmap);
	if (!dontunmap)
		return vm_unmap_range(vm, from, from + old_len); /* PTEs gone: regions, tables */
	/* Linux clears the lock of the old range, whose pages have gone */
	return vm_update_flags(vm, from, from + old_len, 0, VMA_LOCK_FLAGS);
}

/* Linux's vma_to_resize: may [addr, addr + old_len) of @v become @new_len long? */
static int resize_check(struct vm *vm, struct vma *v, vaddr_t addr, uint64_t old_len,
			uint64_t new_len)
{
	if (!old_len && v->kind != VMA_SHARED)
		return -EINVAL; /* "duplicating" private memory makes no sense */
	if (!old_len)
		return -EINVAL; /* duplicating shared memory: not supported here */
	if (old_len > v->end - addr)
		return -EFAULT; /* across the region's end */
	if (new_len > old_len &&
	    !vm_may_expand(vm, v->kind, v->prot, (new_len - old_len) >> PAGE_SHIFT, 0, 0))
		return -ENOMEM;
	return 0;
}

/* A free place for @len bytes: @hint if it is one, else the highest gap. 0 if none. */
static vaddr_t place_for(struct vm *vm, vaddr_t hint, uint64_t len)
{
	if (hint >= USER_BASE && hint < USER_MMAP_TOP && len <= USER_MMAP_TOP - hint &&
	    vm_range_free(vm, hint, hint + len))
		return hint;
	return vm_find_gap(vm, len);
}

/* MREMAP_FIXED and MREMAP_DONTUNMAP: Linux's mremap_to. Lock held. */
static int remap_to(struct vm *vm, vaddr_t addr, uint64_t old_len, vaddr_t to, uint64_t new_len,
		    unsigned int flags, vaddr_t *out)
{
	struct vma *v;
	int rc;

	if (!is_aligned(to, PAGE_SIZE) || new_len > USER_TOP || to > USER_TOP - new_len)
		return -EINVAL;
	if (addr + old_len > to && to + new_len > addr)
		return -EINVAL; /* the two ranges overlap */
	if (flags & MREMAP_FIXED) {
		if (to < USER_BASE)
			return -EPERM; /* as mmap: nothing below the lowest user address */
		rc = vm_unmap_range(vm, to, to + new_len);
		if (rc)
			return rc;
	}
	if (old_len > new_len) {
		rc = vm_unmap_range(vm, addr + new_len, addr + old_len);
		if (rc)
			return rc;
		old_len = new_len;
	}
	v = vma_find(&vm->vmas, addr);
	if (!v)
		return -EFAULT;
	rc = resize_check(vm, v, addr, old_len, new_len);
	if (rc)
		return rc;
	if ((flags & MREMAP_DONTUNMAP) &&
	    !vm_may_expand(vm, v->kind, v->prot, old_len >> PAGE_SHIFT, 0, 0))
		return -ENOMEM;
	if (!(flags & MREMAP_FIXED)) {
		to = place_for(vm, to, new_len);
		if (!to)
			return -ENOMEM;
	}
	rc = move_region(vm, v, addr, old_len, to, new_len, flags & MREMAP_DONTUNMAP);
	if (rc == 0)
		*out = to;
	return rc;
}

/* Grows [addr, addr + old_len) to @new_len: in place when it ends its region and the space
 * after is free, else moved if allowed. Lock held. */
static int grow(struct vm *vm, vaddr_t addr, uint64_t old_len, uint64_t new_len, unsigned int flags,
		vaddr_t *out)
{
	struct vma *v = vma_find(&vm->vmas, addr);
	vaddr_t to;
	int rc = resize_check(vm, v, addr, old_len, new_len);

	if (rc)
		return rc;
	if (old_len == v->end - addr && new_len - old_len <= USER_TOP - v->end &&
	    vm_range_free(vm, v->end, addr + new_len)) {
		vaddr_t old_end = v->end;

		if (v->kind == VMA_SHARED) {
			rc = vm_populate_shared(vm, old_end, addr + new_len, v->prot);
			if (rc) {
				vm_zap_range(vm, old_end, addr + new_len, NULL); /* never mapped */
				return rc;
			}
		}
		v->end = addr + new_len; /* the space was free: the tree's order holds */
		vm_merge(vm, v);
		*out = addr;
		return 0;
	}
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	to = vm_find_gap(vm, new_len);
	if (!to)
		return -ENOMEM;
	rc = move_region(vm, v, addr, old_len, to, new_len, false);
	if (rc == 0)
		*out = to;
	return rc;
}

int vm_mremap(struct vm *vm, vaddr_t addr, uint64_t old_len, uint64_t new_len, unsigned int flags,
	      vaddr_t new_addr, vaddr_t *out)
{
	unsigned long irq;
	struct vma *v;
	bool locked;
	int rc;

	if (flags & ~(unsigned int)(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP))
		return -EINVAL;
	if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE))
		return -EINVAL;
	/* DONTUNMAP is always a move, and never a resize */
	if ((flags & MREMAP_DONTUNMAP) && (!(flags & MREMAP_MAYMOVE) || old_len != new_len))
		return -EINVAL;
	if (!is_aligned(addr, PAGE_SIZE))
		return -EINVAL;
	old_len = align_up(old_len, PAGE_SIZE);
	new_len = align_up(new_len, PAGE_SIZE);
	if (!new_len)
		return -EINVAL;

	irq = spin_lock_irqsave(&vm->lock);
	v = vma_find(&vm->vmas, addr);
	if (!v) {
		rc = -EFAULT;
	} else if (flags & (MREMAP_FIXED | MREMAP_DONTUNMAP)) {
		rc = remap_to(vm, addr, old_len, new_addr, new_len, flags, out);
	} else if (old_len >= new_len) {
		/* shrinking only unmaps the tail; munmap's checks apply to it */
		rc = 0;
		if (old_len != new_len)
			rc = addr + old_len > USER_TOP
				 ? -EINVAL
				 : vm_unmap_range(vm, addr + new_len, addr + old_len);
		if (rc == 0)
			*out = addr;
	} else {
		rc = grow(vm, addr, old_len, new_len, flags, out);
	}
	v = rc == 0 ? vma_find(&vm->vmas, *out) : NULL;
	locked = v && (v->flags & VMA_LOCK_FLAGS) == VMA_LOCKED;
	spin_unlock_irqrestore(&vm->lock, irq);
	/* a locked region's new pages are faulted in, as mlock would have */
	if (locked && new_len > old_len)
		vm_prefault(vm, *out + old_len, *out + new_len);
	return rc;
}
