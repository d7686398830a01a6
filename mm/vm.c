/* Address spaces and their regions: create, destroy, map, unmap, protect, brk and fork.
 * Nothing here allocates user memory ahead of need: frames come from faults (fault.c), except
 * for MAP_SHARED regions, whose frames must exist before a child can share them. */
#include "mm/vm.h"

#include "mm/memobj.h"
#include "mm/pt.h"
#include "mm/slab.h"
#include "mm/vm_priv.h"
#include "platform/errno.h"
#include "platform/riscv/memlayout.h"

#include "mm/arch.h"

paddr_t vm_zero_pa;

#define PTE_PRIVATE  (PTE_V | PTE_U | PTE_A)
#define PTE_RW_DIRTY (PTE_R | PTE_W | PTE_D)

/* Write implies read: RISC-V reserves W without R. */
static const uint64_t prot_plain[VM_PROT_COMBOS] = {
	[0] = PTE_PRIVATE,
	[PROT_READ] = PTE_PRIVATE | PTE_R,
	[PROT_WRITE] = PTE_PRIVATE | PTE_RW_DIRTY,
	[PROT_READ | PROT_WRITE] = PTE_PRIVATE | PTE_RW_DIRTY,
	[PROT_EXEC] = PTE_PRIVATE | PTE_X,
	[PROT_READ | PROT_EXEC] = PTE_PRIVATE | PTE_R | PTE_X,
	[PROT_WRITE | PROT_EXEC] = PTE_PRIVATE | PTE_RW_DIRTY | PTE_X,
	[PROT_READ | PROT_WRITE | PROT_EXEC] = PTE_PRIVATE | PTE_RW_DIRTY | PTE_X,
};
/* prot_plain with the memory type of RAM (PROT_NONE's entry is never a leaf): one table,
 * so that the fault path pays nothing for the memory type. */
uint64_t vm_prot_pte[VM_PROT_COMBOS];
static struct pte_attrs pte_attrs;
static paddr_t kernel_root;
static struct slab_cache vm_cache;
static struct slab_cache vma_cache;
/* Every live address space, for the global counters; and what destroyed ones counted. */
static struct vm *live_vms;
static struct vm_counters retired;
static spinlock_t live_lock = SPINLOCK_INIT;

void vm_set_pte_attrs(const struct pte_attrs *attrs)
{
	pte_attrs = *attrs;
}

int vm_init(paddr_t kroot)
{
	uint64_t *z;
	int rc = pmm_alloc(FRAME_KERNEL, &vm_zero_pa);

	if (rc)
		return rc;
	for (unsigned int i = 0; i < VM_PROT_COMBOS; i++)
		vm_prot_pte[i] = prot_plain[i] | (i ? pte_attrs.ram : 0);
	z = phys_to_virt(vm_zero_pa);
	for (unsigned int i = 0; i < PAGE_SIZE / sizeof(*z); i++)
		z[i] = 0;
	kernel_root = kroot;
	slab_cache_init(&vm_cache, "vm", sizeof(struct vm));
	slab_cache_init(&vma_cache, "vma", sizeof(struct vma));
	memobj_init();
	live_vms = NULL;
	retired = (struct vm_counters){ 0 };
	return 0;
}

paddr_t vm_zero_page(void)
{
	return vm_zero_pa;
}

_Static_assert(sizeof(struct vm_counters) % sizeof(uint64_t) == 0, "counters are all uint64_t");
#define NCOUNTERS (sizeof(struct vm_counters) / sizeof(uint64_t))

static void add_counters(struct vm_counters *to, const struct vm_counters *from)
{
	uint64_t *t = (uint64_t *)to;
	const uint64_t *f = (const uint64_t *)from;

	for (size_t i = 0; i < NCOUNTERS; i++)
		t[i] += f[i];
}

void vm_global_counters(struct vm_counters *out)
{
	unsigned long irq = spin_lock_irqsave(&live_lock);

	*out = retired;
	for (struct vm *vm = live_vms; vm; vm = vm->next_live)
		add_counters(out, &vm->counters);
	spin_unlock_irqrestore(&live_lock, irq);
}

static void link_live(struct vm *vm)
{
	unsigned long irq = spin_lock_irqsave(&live_lock);

	vm->prev_live = NULL;
	vm->next_live = live_vms;
	if (live_vms)
		live_vms->prev_live = vm;
	live_vms = vm;
	spin_unlock_irqrestore(&live_lock, irq);
}

/* Its counts stay in the global figures after it is gone. */
static void unlink_live(struct vm *vm)
{
	unsigned long irq = spin_lock_irqsave(&live_lock);

	if (vm->prev_live)
		vm->prev_live->next_live = vm->next_live;
	else
		live_vms = vm->next_live;
	if (vm->next_live)
		vm->next_live->prev_live = vm->prev_live;
	add_counters(&retired, &vm->counters);
	spin_unlock_irqrestore(&live_lock, irq);
}

void vm_walk_leaves(struct vm *vm, vaddr_t start, vaddr_t end, leaf_fn fn, void *arg)
{
	struct pt_span s;

	while (pt_next_span(vm->root, &start, end, &s))
		for (unsigned int i = s.first; i < s.last; i++)
			if (s.table[i])
				fn(vm, s.base + ((vaddr_t)i << PAGE_SHIFT), &s.table[i], arg);
}

int vm_create(struct vm **out)
{
	struct vm *vm = slab_alloc(&vm_cache);
	pte_t *mine, *kern;
	int rc;

	if (!vm)
		return -ENOMEM;
	rc = pt_create(&vm->root);
	if (rc) {
		slab_free(&vm_cache, vm);
		return rc;
	}
	/* the kernel half: the same level-1 tables as the kernel map, so kernel mappings made
	 * later under them are seen by every address space */
	mine = phys_to_virt(vm->root);
	kern = phys_to_virt(kernel_root);
	for (int i = PTES_PER_TABLE / 2; i < PTES_PER_TABLE; i++)
		mine[i] = kern[i];
	vma_tree_init(&vm->vmas);
	vm->lock = (spinlock_t)SPINLOCK_INIT;
	vm->pt_span = VM_NO_SPAN;
	vm->limit_as = VM_NO_LIMIT;
	vm->limit_data = VM_NO_LIMIT;
	vm->limit_memlock = VM_NO_LIMIT;
	vm->users = 1;
	link_live(vm);
	*out = vm;
	return 0;
}

/* Gives back a region that left its tree, and its reference to the object behind it. */
static void free_vma(struct vma *v)
{
	if (v->obj)
		memobj_put(v->obj);
	slab_free(&vma_cache, v);
}

/* ---- zapping --------------------------------------------------------------------------- */

/*
 * Empties every leaf of [start, end) and drops the references they held. With @f, each page
 * that was valid is flushed through it, and while other harts may cache the space the frames
 * wait for their flush in @f. Without, nothing is flushed and references drop at once (a space
 * no hart runs any more). One pass over each level-0 table: munmap's cost is this loop.
 */
void vm_zap_range(struct vm *vm, vaddr_t start, vaddr_t end, struct vm_flush *f)
{
	const paddr_t zero = vm_zero_pa;
	const bool defer = f && f->defer;
	const vaddr_t first = start;
	unsigned long flushes = f ? f->pages : 0;
	uint64_t deferred = 0;
	uint64_t dropped = 0;
	struct pt_span s;

	while (pt_next_span(vm->root, &start, end, &s)) {
		/* locals: the calls below could change anything whose address was passed on */
		pte_t *t = s.table;
		const vaddr_t base = s.base;
		const unsigned int last = s.last;

		for (unsigned int i = s.first; i < last; i++) {
			pte_t pte = t[i];

			if (!pte)
				continue;
			t[i] = 0;
			/* the zero page and the image's frames hold no reference of ours */
			if (pte_paddr(pte) != zero) {
				if (__builtin_expect(defer, 0)) {
					/* a full list is settled inside: what it owes first */
					f->pages = flushes;
					vm_flush_span(f, first, end);
					vm_flush_put(vm, f, pte_paddr(pte));
					flushes = f->pages;
					deferred++;
				} else if (pmm_put_ref(pte_paddr(pte))) {
					dropped++;
				}
			}
			if (f && pte_valid(pte) && ++flushes <= FLUSH_PAGES_MAX)
				arch_flush_page(base + ((vaddr_t)i << PAGE_SHIFT), vm->asid);
		}
	}
	vm->rss -= dropped;
	if (f && flushes != f->pages) {
		f->pages = flushes;
		vm_flush_span(f, first, end);
	}
	if (__builtin_expect(vm_tracer != NULL, 0) && dropped + deferred)
		vm_tracer(vm, VM_EV_FREE, first, dropped + deferred);
}

void vm_destroy(struct vm *vm)
{
	struct vma *v;

	unlink_live(vm);
	/* the ASID may be handed out again: nothing of this space may stay cached on any hart,
	 * and no TLB or walk cache may name a frame or table page once it is free, so the
	 * flushes come first (no hart runs the space: none can cache it again). Every hart that
	 * may cache it is interrupted, running or not: stale marks would die with the space */
	arch_flush_asid(vm->asid);
	(void)arch_shootdown(vm, __atomic_load_n(&vm->harts, __ATOMIC_SEQ_CST) & ~arch_hart_bit(),
			     0, 0);
	while ((v = vma_first(&vm->vmas)) != NULL) {
		vm_zap_range(vm, v->start, v->end, NULL);
		vma_remove(&vm->vmas, v);
		free_vma(v);
	}
	pt_destroy_user(vm->root);
	slab_free(&vm_cache, vm);
}

void vm_get(struct vm *vm)
{
	__atomic_fetch_add(&vm->users, 1, __ATOMIC_RELAXED);
}

bool vm_put(struct vm *vm)
{
	/* acquire-release: whatever the other users wrote is seen by the one that destroys */
	if (__atomic_sub_fetch(&vm->users, 1, __ATOMIC_ACQ_REL) != 0)
		return false;
	vm_destroy(vm);
	return true;
}

/* ---- regions --------------------------------------------------------------------------- */

/* Tables made with a region by mmap and brk: at most this many table pages a call (32 MiB). */
#define PREBUILD_TABLES_MAX 16

/*
 * Make, now, the tables the first touches of a new region will need, up to a bound: the
 * zeroing of a table moves from one fault in 512 to the call that made the region, so every
 * fault of a run costs the same. Short of memory, the faults make their own. Lock held.
 */
static void prebuild_tables(struct vm *vm, vaddr_t start, vaddr_t end)
{
	(void)pt_prebuild(vm->root, start, end, PREBUILD_TABLES_MAX);
}

static bool range_ok(vaddr_t start, uint64_t len)
{
	return len && is_aligned(start | len, PAGE_SIZE) && start >= USER_BASE &&
	       start < USER_TOP && len <= USER_TOP - start;
}

static bool mergeable(const struct vma *a, const struct vma *b)
{
	return a->end == b->start && a->kind == VMA_ANON && b->kind == VMA_ANON &&
	       a->prot == b->prot && a->flags == b->flags;
}

/* Joins @v with anonymous neighbours of the same protection; returns the surviving region. */
struct vma *vm_merge(struct vm *vm, struct vma *v)
{
	struct vma *prev = vma_prev(v), *next = vma_next(v);

	if (next && mergeable(v, next)) {
		v->end = next->end;
		vma_remove(&vm->vmas, next);
		slab_free(&vma_cache, next);
	}
	if (prev && mergeable(prev, v)) {
		prev->end = v->end;
		vma_remove(&vm->vmas, v);
		slab_free(&vma_cache, v);
		v = prev;
	}
	return v;
}

int vm_insert_region(struct vm *vm, vaddr_t start, uint64_t len, unsigned int prot,
		     enum vma_kind kind, unsigned int flags, paddr_t image_pa, uint64_t image_bytes,
		     struct vma **out)
{
	struct vma *v = slab_alloc(&vma_cache);
	int rc;

	if (!v)
		return -ENOMEM;
	v->start = start;
	v->end = start + len;
	v->prot = prot;
	v->kind = kind;
	v->flags = vm->def_flags | flags;
	v->image_pa = image_pa;
	v->image_bytes = image_bytes;
	rc = vma_insert(&vm->vmas, v);
	if (rc) {
		slab_free(&vma_cache, v);
		return rc;
	}
	*out = vm_merge(vm, v);
	return 0;
}

int vm_map_region(struct vm *vm, vaddr_t start, uint64_t len, unsigned int prot, enum vma_kind kind,
		  paddr_t image_pa, uint64_t image_bytes)
{
	unsigned long flags;
	struct vma *v;
	int rc;

	if (!range_ok(start, len) || (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)) ||
	    !is_aligned(image_pa, PAGE_SIZE))
		return -EINVAL;
	flags = spin_lock_irqsave(&vm->lock);
	rc = vm_insert_region(vm, start, len, prot, kind, 0, image_pa, image_bytes, &v);
	if (rc == 0 && kind == VMA_STACK) {
		vm->stack_top = start + len;
		vm->stack_low = start + len - USER_STACK_LIMIT;
	}
	spin_unlock_irqrestore(&vm->lock, flags);
	return rc;
}

/* Cuts @v in two at @at (strictly inside it); the upper part becomes a region of its own. */
static int split(struct vm *vm, struct vma *v, vaddr_t at)
{
	struct vma *w = slab_alloc(&vma_cache);
	uint64_t delta = at - v->start;
	int rc;

	if (!w)
		return -ENOMEM;
	*w = *v;
	w->node = (struct vma_node){ 0 };
	w->start = at;
	if (v->kind == VMA_IMAGE_RO || v->kind == VMA_IMAGE_PRIVATE) {
		w->image_pa = v->image_pa + delta;
		w->image_bytes = v->image_bytes > delta ? v->image_bytes - delta : 0;
	}
	v->end = at;
	rc = vma_insert(&vm->vmas, w);
	if (rc) { /* cannot happen: the range was v's */
		v->end = w->end;
		slab_free(&vma_cache, w);
	} else if (w->obj) {
		memobj_get(w->obj);
		w->obj_pgoff += delta / PAGE_SIZE;
	}
	return rc;
}

/* Makes region boundaries fall on @start and @end wherever a region straddles them. */
int vm_split_at_edges(struct vm *vm, vaddr_t start, vaddr_t end)
{
	struct vma *v = vma_find(&vm->vmas, start);
	int rc = 0;

	if (v && v->start < start)
		rc = split(vm, v, start);
	v = vma_find(&vm->vmas, end - 1);
	if (!rc && v && v->end > end)
		rc = split(vm, v, end);
	return rc;
}

/*
 * Removes the regions in [start, end) (cutting those that straddle its edges), drops their
 * mappings and frees the page tables left with nothing to serve: those whose span lies
 * between the regions either side of the range, where no region, hence no PTE, is left. So
 * every table meets a region (the auditor checks it), and no table is scanned to prove it
 * empty. For a hardware walker: entries cleared, the ASID flushed, then the tables freed.
 * Returns 0, or -ENOMEM when a region to cut needs memory there is not (nothing changed).
 */
int vm_unmap_range(struct vm *vm, vaddr_t start, vaddr_t end)
{
	struct pt_unlinked gone = { 0 };
	struct vm_flush f;
	struct vma *v, *prev;
	int rc = vm_split_at_edges(vm, start, end);

	if (rc)
		return rc;
	v = vma_find_next(&vm->vmas, start);
	if (!v || v->start >= end)
		return 0; /* no region: no PTE, and no table that only the range needed */
	prev = vma_prev(v);
	vm_flush_begin(vm, &f);
	do {
		vm_zap_range(vm, v->start, v->end, &f);
		vma_remove(&vm->vmas, v);
		free_vma(v);
		v = vma_find_next(&vm->vmas, start);
	} while (v && v->start < end);
	pt_unlink_unused(vm->root, start, end, prev ? prev->end : 0, v ? v->start : USER_TOP,
			 &gone);
	if (gone.count) {
		vm->pt_span = VM_NO_SPAN; /* the fault path's remembered table may be among them */
		f.tables = true;
	}
	vm_flush_finish(vm, &f); /* tables and frames go only once no hart can walk to them */
	pt_free_unlinked(&gone);
	return 0;
}

int vm_munmap(struct vm *vm, vaddr_t addr, uint64_t len)
{
	unsigned long flags;
	vaddr_t end;
	int rc;

	if (!len || !is_aligned(addr, PAGE_SIZE) || addr >= USER_TOP || len > USER_TOP ||
	    align_up(len, PAGE_SIZE) > USER_TOP - addr)
		return -EINVAL;
	end = addr + align_up(len, PAGE_SIZE);
	flags = spin_lock_irqsave(&vm->lock);
	rc = vm_unmap_range(vm, addr, end);
	spin_unlock_irqrestore(&vm->lock, flags);
	return rc;
}

/* The highest free gap of @len bytes below USER_MMAP_TOP, or 0. */
vaddr_t vm_find_gap(struct vm *vm, uint64_t len)
{
	vaddr_t end = USER_MMAP_TOP;

	while (end - USER_BASE >= len) {
		vaddr_t start = end - len;
		struct vma *v = vma_find_next(&vm->vmas, start);

		if (!v || v->start >= end)
			return start;
		end = v->start;
	}
	return 0;
}

bool vm_range_free(struct vm *vm, vaddr_t start, vaddr_t end)
{
	struct vma *v = vma_find_next(&vm->vmas, start);

	return !v || v->start >= end;
}

int vm_populate_shared(struct vm *vm, vaddr_t start, vaddr_t end, unsigned int prot)
{
	for (vaddr_t va = start; va < end; va += PAGE_SIZE) {
		paddr_t pa;
		pte_t *p;
		int rc = pmm_alloc(FRAME_ANON, &pa);

		if (rc)
			return rc;
		rc = pt_walk_alloc(vm->root, va, &p);
		if (rc) {
			pmm_put(pa);
			return rc;
		}
		for (uint64_t *w = phys_to_virt(pa), i = 0; i < PAGE_SIZE / 8; i++)
			w[i] = 0;
		/* PROT_NONE: the frame kept in a non-valid PTE, as mprotect(PROT_NONE) does */
		*p = prot == PROT_NONE ? pte_make(pa, PTE_SOFT_NONE)
				       : pte_make(pa, vm_prot_bits(prot));
		vm->rss++;
	}
	if (vm->rss > vm->max_rss)
		vm->max_rss = vm->rss;
	return 0;
}

/* mmap of anonymous memory (@obj NULL) or of @obj from its page @pgoff. */
static int do_mmap(struct vm *vm, vaddr_t addr, uint64_t len, unsigned int prot, unsigned int flags,
		   struct memobj *obj, uint64_t pgoff, vaddr_t *out)
{
	unsigned int type = flags & MAP_TYPE;
	bool fixed = flags & (MAP_FIXED | MAP_FIXED_NOREPLACE);
	enum vma_kind kind = VMA_ANON;
	bool populate = false;
	unsigned long irq;
	struct vma *v = NULL;
	vaddr_t start;
	int rc;

	if (!len || (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)))
		return -EINVAL;
	if (type != MAP_PRIVATE && type != MAP_SHARED && type != MAP_SHARED_VALIDATE)
		return -EINVAL;
	/* Linux: anonymous memory knows only the two legacy types; shared cannot grow down */
	if (!obj &&
	    (type == MAP_SHARED_VALIDATE || (type == MAP_SHARED && (flags & MAP_GROWSDOWN))))
		return -EINVAL;
	if (flags & MAP_HUGETLB)
		return -ENOMEM; /* as Linux with no huge pages set aside */
	if (len > USER_TOP)
		return -ENOMEM;
	len = align_up(len, PAGE_SIZE);
	if (obj)
		kind = type == MAP_PRIVATE ? VMA_OBJ_PRIVATE : VMA_OBJ_SHARED;
	else if (type != MAP_PRIVATE)
		kind = VMA_SHARED;
	if (fixed && !is_aligned(addr, PAGE_SIZE))
		return -EINVAL;
	if (fixed && addr < USER_BASE)
		return -EPERM;
	if (fixed && (addr >= USER_TOP || len > USER_TOP - addr))
		return -ENOMEM; /* never into the kernel half, whose tables every space shares */

	irq = spin_lock_irqsave(&vm->lock);
	if (fixed) {
		start = addr;
		rc = 0;
		if (!vm_range_free(vm, start, start + len)) {
			if (flags & MAP_FIXED_NOREPLACE)
				rc = -EEXIST;
			else if (!vm_may_expand(vm, kind, prot, len >> PAGE_SHIFT, start,
						start + len))
				rc = -ENOMEM; /* before anything is unmapped */
			else
				rc = vm_unmap_range(vm, start, start + len);
		} else if (!vm_may_expand(vm, kind, prot, len >> PAGE_SHIFT, 0, 0)) {
			rc = -ENOMEM;
		}
	} else {
		/* a hint is only a hint: not into the kernel half, nor the stack's reach */
		start = align_up(addr, PAGE_SIZE);
		if (!addr || start < USER_BASE || start >= USER_MMAP_TOP ||
		    len > USER_MMAP_TOP - start || !vm_range_free(vm, start, start + len))
			start = vm_find_gap(vm, len);
		rc = start ? 0 : -ENOMEM;
		if (rc == 0 && !vm_may_expand(vm, kind, prot, len >> PAGE_SHIFT, 0, 0))
			rc = -ENOMEM;
	}
	/* Linux's mlock_future_check: a region born locked must fit RLIMIT_MEMLOCK */
	if (rc == 0 && ((flags & MAP_LOCKED) || (vm->def_flags & VMA_LOCKED)) &&
	    !vm_may_lock(vm, len >> PAGE_SHIFT, 0, 0))
		rc = -EAGAIN;
	if (rc == 0)
		rc = vm_insert_region(vm, start, len, prot, kind,
				      (flags & MAP_LOCKED) ? VMA_LOCKED : 0, 0, 0, &v);
	if (rc == 0 && obj) { /* object regions never merge: v is the new one */
		memobj_get(obj);
		v->obj = obj;
		v->obj_pgoff = pgoff;
	}
	/* MAP_POPULATE (without MAP_NONBLOCK) and locked regions are faulted in below */
	populate = rc == 0 && (((flags & (MAP_POPULATE | MAP_NONBLOCK)) == MAP_POPULATE) ||
			       (v->flags & VMA_LOCKED));
	if (rc == 0)
		prebuild_tables(vm, start, start + len);
	if (rc == 0 && kind == VMA_SHARED) {
		rc = vm_populate_shared(vm, start, start + len, prot);
		if (rc)
			vm_unmap_range(vm, start, start + len);
	}
	spin_unlock_irqrestore(&vm->lock, irq);
	if (rc)
		return rc;
	/* as Linux's mm_populate after mmap: the mapping stands whatever this achieves */
	if (populate)
		vm_prefault(vm, start, start + len);
	*out = start;
	return 0;
}

int vm_mmap(struct vm *vm, vaddr_t addr, uint64_t len, unsigned int prot, unsigned int flags,
	    vaddr_t *out)
{
	if (!(flags & MAP_ANONYMOUS))
		return -EBADF; /* a descriptor's memory comes through vm_mmap_object() */
	return do_mmap(vm, addr, len, prot, flags, NULL, 0, out);
}

int vm_mmap_object(struct vm *vm, vaddr_t addr, uint64_t len, unsigned int prot, unsigned int flags,
		   struct memobj *obj, uint64_t pgoff, vaddr_t *out)
{
	if (len && pgoff + align_up(len, PAGE_SIZE) / PAGE_SIZE < pgoff)
		return -EOVERFLOW;
	return do_mmap(vm, addr, len, prot, flags & ~(unsigned int)MAP_ANONYMOUS, obj, pgoff, out);
}

/* ---- mprotect -------------------------------------------------------------------------- */

struct reprotect {
	unsigned int prot;
	struct vm_flush *f;
};

/*
 * A leaf loses rights at once. It gains W here only where no copy can be owed: a frame of
 * the allocator's, not the zero page, that this PTE alone maps (as Linux's
 * can_change_pte_writable), so the write that follows, a GC write barrier's retry say, takes
 * no fault. Elsewhere W comes back through a write fault, which decides between reuse and
 * copy. PROT_NONE keeps the frame in a PTE with V clear, so mprotect back finds its data.
 */
static void reprotect_leaf(struct vm *vm, vaddr_t va, pte_t *ptep, void *arg)
{
	struct reprotect *r = arg;
	pte_t old = *ptep;
	pte_t now;

	if (r->prot == PROT_NONE) {
		now = (old & PTE_PPN_MASK) | PTE_SOFT_NONE;
	} else {
		uint64_t keep = pte_valid(old) ? (old & (PTE_W | PTE_D)) : 0;

		paddr_t pa = pte_paddr(old);

		if ((r->prot & PROT_WRITE) && old && pa != vm_zero_pa && pmm_managed(pa) &&
		    pmm_refcount(pa) == 1)
			keep = PTE_W | PTE_D;
		now = (old & PTE_PPN_MASK) | (vm_prot_bits(r->prot) & ~(PTE_W | PTE_D)) |
		      (keep & vm_prot_bits(r->prot));
	}
	if (now == old)
		return;
	*ptep = now;
	if (pte_valid(old))
		vm_flush_page(vm, r->f, va);
}

int vm_mprotect(struct vm *vm, vaddr_t addr, uint64_t len, unsigned int prot)
{
	struct vm_flush f; /* vm_flush_begin() fills in what is read; the list stays unread */
	struct reprotect r = { .prot = prot, .f = &f };
	unsigned long irq;
	vaddr_t end, cur;
	struct vma *v;
	int rc = 0;

	if (!is_aligned(addr, PAGE_SIZE) || (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)))
		return -EINVAL;
	if (!len)
		return 0;
	if (addr >= USER_TOP || len > USER_TOP || align_up(len, PAGE_SIZE) > USER_TOP - addr)
		return -ENOMEM;
	end = addr + align_up(len, PAGE_SIZE);

	irq = spin_lock_irqsave(&vm->lock);
	for (cur = addr; cur < end; cur = v->end) {
		v = vma_find(&vm->vmas, cur);
		if (!v) {
			rc = -ENOMEM; /* Linux: part of the range is not mapped */
			goto out;
		}
	}
	rc = vm_split_at_edges(vm, addr, end);
	if (rc)
		goto out;
	vm_flush_begin(vm, &f);
	for (v = vma_find(&vm->vmas, addr); v && v->start < end; v = vma_next(v)) {
		v->prot = prot;
		/* writing to the image's read-only part now needs private copies */
		if (v->kind == VMA_IMAGE_RO && (prot & PROT_WRITE))
			v->kind = VMA_IMAGE_PRIVATE;
		vm_walk_leaves(vm, v->start, v->end, reprotect_leaf, &r);
	}
	vm_flush_finish(vm, &f); /* no write lands once mprotect has returned */
out:
	spin_unlock_irqrestore(&vm->lock, irq);
	return rc;
}

/* ---- brk ------------------------------------------------------------------------------- */

void vm_set_brk_base(struct vm *vm, vaddr_t base)
{
	vm->brk_start = base;
	vm->brk = base;
}

vaddr_t vm_brk(struct vm *vm, vaddr_t want)
{
	unsigned long irq = spin_lock_irqsave(&vm->lock);
	vaddr_t old_end = align_up(vm->brk, PAGE_SIZE);
	vaddr_t new_end = align_up(want, PAGE_SIZE);
	bool populate = false;
	struct vma *v;
	int rc = 0;

	if (want < vm->brk_start || want > USER_MMAP_TOP)
		goto out;
	if (new_end > old_end) {
		if (!vm_range_free(vm, old_end, new_end))
			goto out;
		if (!vm_may_expand(vm, VMA_ANON, PROT_READ | PROT_WRITE,
				   (new_end - old_end) >> PAGE_SHIFT, 0, 0))
			goto out; /* RLIMIT_AS or RLIMIT_DATA */
		rc = vm_insert_region(vm, old_end, new_end - old_end, PROT_READ | PROT_WRITE,
				      VMA_ANON, 0, 0, 0, &v);
		if (rc == 0)
			prebuild_tables(vm, old_end, new_end);
		/* mlockall(MCL_FUTURE) covers the heap too */
		populate = rc == 0 && (v->flags & VMA_LOCKED);
	} else if (new_end < old_end) {
		rc = vm_unmap_range(vm, new_end, old_end);
	}
	if (rc == 0)
		vm->brk = want;
out:
	want = vm->brk;
	spin_unlock_irqrestore(&vm->lock, irq);
	if (populate)
		vm_prefault(vm, old_end, new_end);
	return want;
}

/* ---- fork ------------------------------------------------------------------------------ */

/*
 * Copies the leaves of [start, end) from @parent to @child. Private frames become read-only
 * in both (copy-on-write) with one more reference; shared regions keep their rights.
 */
static int copy_range(struct vm *parent, struct vm *child, vaddr_t start, vaddr_t end, bool shared)
{
	/* private pages lose W on both sides; shared pages keep it */
	const pte_t take_away = shared ? 0 : PTE_W;
	const paddr_t zero = vm_zero_pa; /* a local: the stores below cannot change it */
	uint64_t rss = 0;
	struct pt_span s;
	int rc = 0;

	while (rc == 0 && pt_next_span(parent->root, &start, end, &s)) {
		/* locals: the calls below could change anything whose address was passed on */
		pte_t *pt = s.table, *ct, *slot;
		unsigned int i = s.first, last = s.last;

		/* the child's level-0 table is made at the first entry: the parent's may have been
		 * made ahead of need and hold none */
		while (i < last && !pt[i])
			i++;
		if (i == last)
			continue;
		rc = pt_walk_alloc(child->root, s.base, &slot);
		if (rc)
			break;
		ct = slot; /* index 0 of the child's table: base is 2 MiB aligned */
		for (; i < last; i++) {
			pte_t pte = pt[i];

			if (!pte)
				continue;
			if (pte_paddr(pte) != zero && pmm_try_get(pte_paddr(pte))) {
				rss++;
				if (pte & take_away) {
					pte &= ~take_away;
					pt[i] = pte;
				}
			}
			ct[i] = pte;
		}
	}
	child->rss += rss; /* what was shared before a failure stays counted */
	return rc;
}

int vm_fork(struct vm *parent, struct vm **out)
{
	struct vm *child;
	unsigned long irq;
	int rc = vm_create(&child);

	if (rc)
		return rc;
	irq = spin_lock_irqsave(&parent->lock);
	child->brk_start = parent->brk_start;
	child->brk = parent->brk;
	child->stack_low = parent->stack_low;
	child->stack_top = parent->stack_top;
	child->limit_as = parent->limit_as;
	child->limit_data = parent->limit_data;
	child->limit_memlock = parent->limit_memlock;
	for (struct vma *v = vma_first(&parent->vmas); v && rc == 0; v = vma_next(v)) {
		struct vma *c;

		if (v->flags & VMA_DONTCOPY)
			continue;
		c = slab_alloc(&vma_cache);
		if (!c) {
			rc = -ENOMEM;
			break;
		}
		*c = *v;
		c->node = (struct vma_node){ 0 };
		c->flags &= ~VMA_LOCK_FLAGS; /* memory locks are not inherited (nor MCL_FUTURE) */
		if (c->obj)
			memobj_get(c->obj);
		rc = vma_insert(&child->vmas, c);
		if (rc) {
			free_vma(c);
			break;
		}
		if (v->flags & VMA_WIPEONFORK)
			continue; /* the child's reads zeros */
		rc = copy_range(parent, child, v->start, v->end,
				v->kind == VMA_SHARED || v->kind == VMA_OBJ_SHARED);
	}
	/* the parent's PTEs lost W: its cached translations must go, on every hart its threads
	 * ran on, before a write through an old one could reach a frame the child now shares */
	arch_flush_asid(parent->asid);
	if (vm_other_harts(parent))
		(void)vm_shootdown(parent, 0, 0);
	spin_unlock_irqrestore(&parent->lock, irq);
	if (rc) {
		vm_destroy(child);
		return rc;
	}
	child->max_rss = child->rss;
	*out = child;
	return 0;
}
