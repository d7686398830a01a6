/* The page-fault handler: one decision per fault, from the region and the PTE found, as the
 * design notes' table says. Called from U-mode faults and from kernel user-copy faults. */
#include "mm/arch.h"
#include "mm/memobj.h"
#include "mm/pt.h"
#include "mm/vm.h"
#include "mm/vm_priv.h"
#include "platform/errno.h"
#include "platform/riscv/memlayout.h"

const char *vm_fault_reason_text(enum fault_reason reason)
{
	switch (reason) {
	case FAULT_OK:
		return "resolved";
	case FAULT_NO_MAPPING:
		return "no mapping";
	case FAULT_PERMISSION:
		return "permission denied";
	case FAULT_OUT_OF_MEMORY:
		return "out of memory";
	case FAULT_STACK_OVERFLOW:
		return "stack overflow";
	case FAULT_BEYOND_OBJECT:
		return "beyond the end of the object";
	}
	return "unknown";
}

static bool access_allowed(unsigned int prot, enum fault_access access)
{
	switch (access) {
	case FAULT_READ:
		return prot & (PROT_READ | PROT_WRITE);
	case FAULT_WRITE:
		return prot & PROT_WRITE;
	case FAULT_EXEC:
		return prot & PROT_EXEC;
	}
	return false;
}

static bool pte_allows(pte_t pte, enum fault_access access)
{
	switch (access) {
	case FAULT_READ:
		return pte & PTE_R;
	case FAULT_WRITE:
		return pte & PTE_W;
	case FAULT_EXEC:
		return pte & PTE_X;
	}
	return false;
}

/* Copying is most of a COW fault's cost, so it is one straight run of 512 loads and 512
 * stores, eight in flight at a time: no loop overhead (a loop of eight spent 192 more). */
#define COPY8(d, s, i)                                                                             \
	do {                                                                                       \
		uint64_t a_ = (s)[(i) + 0], b_ = (s)[(i) + 1], c_ = (s)[(i) + 2];                  \
		uint64_t e_ = (s)[(i) + 3], f_ = (s)[(i) + 4], g_ = (s)[(i) + 5];                  \
		uint64_t h_ = (s)[(i) + 6], k_ = (s)[(i) + 7];                                     \
		(d)[(i) + 0] = a_;                                                                 \
		(d)[(i) + 1] = b_;                                                                 \
		(d)[(i) + 2] = c_;                                                                 \
		(d)[(i) + 3] = e_;                                                                 \
		(d)[(i) + 4] = f_;                                                                 \
		(d)[(i) + 5] = g_;                                                                 \
		(d)[(i) + 6] = h_;                                                                 \
		(d)[(i) + 7] = k_;                                                                 \
	} while (0)
#define COPY64(d, s, i)                                                                            \
	do {                                                                                       \
		COPY8(d, s, (i) + 0);                                                              \
		COPY8(d, s, (i) + 8);                                                              \
		COPY8(d, s, (i) + 16);                                                             \
		COPY8(d, s, (i) + 24);                                                             \
		COPY8(d, s, (i) + 32);                                                             \
		COPY8(d, s, (i) + 40);                                                             \
		COPY8(d, s, (i) + 48);                                                             \
		COPY8(d, s, (i) + 56);                                                             \
	} while (0)

_Static_assert(PAGE_SIZE == 512 * sizeof(uint64_t), "copy_frame moves 512 doublewords");

/* Not inlined: its eight temporaries are all caller-saved registers here, and the faults
 * that do not copy pay nothing for them. */
static __attribute__((noinline)) __leaf_no_frame void copy_frame(paddr_t dst, paddr_t src)
{
	/* volatile: loads and stores as written, never a call to memcpy */
	volatile uint64_t *d = phys_to_virt(dst);
	const volatile uint64_t *s = phys_to_virt(src);

	COPY64(d, s, 0);
	COPY64(d, s, 64);
	COPY64(d, s, 128);
	COPY64(d, s, 192);
	COPY64(d, s, 256);
	COPY64(d, s, 320);
	COPY64(d, s, 384);
	COPY64(d, s, 448);
}

/* Copies @bytes (< a page) from @src into the frame at @dst and zeroes the rest of it. */
static __attribute__((noinline)) void fill_frame(paddr_t dst, paddr_t src, uint64_t bytes)
{
	uint8_t *d = phys_to_virt(dst);
	const uint8_t *s = phys_to_virt(src);
	uint64_t i;

	pmm_zero(dst);
	for (i = 0; i < bytes; i++)
		d[i] = s[i];
}

/* Puts a new private frame holding @bytes of @src (zeros after) at @ptep. A zero fill takes
 * *@spare when there is one, a frame already zeroed before the lock was taken. */
static inline __attribute__((always_inline)) int install_private(struct vm *vm, struct vma *v,
								 pte_t *ptep, paddr_t src,
								 uint64_t bytes, paddr_t *spare)
{
	paddr_t pa;

	if (!bytes && __builtin_expect(*spare != 0, 0)) {
		pa = *spare; /* zeroed already */
		*spare = 0;
	} else {
		if (pmm_alloc(FRAME_ANON, &pa))
			return -ENOMEM;
		if (bytes == PAGE_SIZE)
			copy_frame(pa, src);
		else if (bytes)
			fill_frame(pa, src, bytes);
		else
			pmm_zero(pa);
	}
	*ptep = pte_make(pa, vm_prot_bits(v->prot));
	if (++vm->rss > vm->max_rss)
		vm->max_rss = vm->rss;
	return 0;
}

/* What backs page @va of an image region: bytes available from its image frame. */
static uint64_t image_bytes_at(const struct vma *v, vaddr_t va)
{
	uint64_t off = va - v->start;

	if (v->kind != VMA_IMAGE_RO && v->kind != VMA_IMAGE_PRIVATE)
		return 0;
	if (off >= v->image_bytes)
		return 0;
	return v->image_bytes - off < PAGE_SIZE ? v->image_bytes - off : PAGE_SIZE;
}

/* First touch of a page: decide what it maps, by region kind and access. */
static int fault_missing(struct vm *vm, struct vma *v, vaddr_t va, pte_t *ptep,
			 enum fault_access access, paddr_t *spare)
{
	uint64_t bytes = image_bytes_at(v, va);
	uint64_t ro = vm_prot_bits(v->prot) & ~(PTE_W | PTE_D);
	int rc;

	if (bytes == PAGE_SIZE && (access != FAULT_WRITE || v->kind == VMA_IMAGE_RO)) {
		/* a whole image page read or executed: the image's own frame, no copy */
		*ptep = pte_make(v->image_pa + (va - v->start), ro);
		VM_COUNT(vm, image_map);
		return 0;
	}
	if (bytes) {
		/* written, or a partial last page whose tail must read as zeros: a copy */
		rc = install_private(vm, v, ptep, v->image_pa + (va - v->start), bytes, spare);
		if (rc == 0)
			VM_COUNT(vm, image_copy);
		return rc;
	}
	if (access != FAULT_WRITE) {
		*ptep = pte_make(vm_zero_pa, ro);
		VM_COUNT(vm, zero_map);
		return 0;
	}
	rc = install_private(vm, v, ptep, 0, 0, spare);
	if (rc == 0)
		VM_COUNT(vm, anon_alloc);
	return rc;
}

/*
 * First touch of a page of an object's region. A shared region maps the object's own frame,
 * made on first touch whatever the access, so that every mapper and the descriptor meet the
 * same one; a private region maps it read-only, and a write copies it (a hole gives a zeroed
 * frame of its own, leaving the object as it was). Past the object's end: no page (SIGBUS).
 */
static __attribute__((noinline)) int fault_object(struct vm *vm, struct vma *v, vaddr_t va,
						  pte_t *ptep, enum fault_access access,
						  enum fault_reason *reason, paddr_t *spare)
{
	uint64_t index = v->obj_pgoff + (va - v->start) / PAGE_SIZE;
	bool copy = v->kind == VMA_OBJ_PRIVATE && access == FAULT_WRITE;
	uint64_t bits = vm_prot_bits(v->prot);
	paddr_t pa;
	int rc = memobj_page(v->obj, index, !copy, &pa);

	if (rc == -ENXIO)
		*reason = FAULT_BEYOND_OBJECT;
	if (rc)
		return rc;
	if (copy) {
		rc = install_private(vm, v, ptep, pa, pa ? PAGE_SIZE : 0, spare);
		if (pa)
			pmm_put(pa);
		if (rc == 0)
			VM_COUNT(vm, image_copy);
		return rc;
	}
	if (v->kind == VMA_OBJ_PRIVATE)
		bits &= ~(PTE_W | PTE_D);
	*ptep = pte_make(pa, bits); /* the reference memobj_page() took is the PTE's */
	if (++vm->rss > vm->max_rss)
		vm->max_rss = vm->rss;
	VM_COUNT(vm, image_map);
	return 0;
}

/* A write to a present page the region allows writing: zero page, image page or COW. A
 * shared frame replaced by a copy is left in *@release: its reference drops only once no
 * other hart can still read it through an old translation. */
static int fault_write_protected(struct vm *vm, struct vma *v, pte_t *ptep, paddr_t *release,
				 paddr_t *spare)
{
	paddr_t old = pte_paddr(*ptep);
	uint32_t ref;
	int rc;

	if (old == vm_zero_pa) {
		rc = install_private(vm, v, ptep, 0, 0, spare);
		if (rc == 0)
			VM_COUNT(vm, zero_to_private);
		return rc;
	}
	/* one lookup answers both: 0 references means a frame the allocator never handed out */
	ref = pmm_refcount(old);
	if (ref == 0) { /* the image's frame: never ours to write */
		rc = install_private(vm, v, ptep, old, PAGE_SIZE, spare);
		if (rc == 0)
			VM_COUNT(vm, image_copy);
		return rc;
	}
	if (ref == 1) {
		/* nobody else maps it any more: take it over, no copy */
		*ptep = pte_make(old, vm_prot_bits(v->prot));
		VM_COUNT(vm, cow_reuse);
		return 0;
	}
	rc = install_private(vm, v, ptep, old, PAGE_SIZE, spare);
	if (rc)
		return rc;
	vm->rss--; /* install_private counted the copy; the shared frame is no longer ours */
	*release = old;
	VM_COUNT(vm, cow_copy);
	return 0;
}

/* The level-0 slot of @va: straight from the table the last fault used when @va lies in the
 * same 2 MiB, else by a walk that makes missing tables. */
static int fault_slot(struct vm *vm, vaddr_t va, pte_t **ptep)
{
	vaddr_t span = va / MEGAPAGE_SIZE;
	int rc;

	if (span == vm->pt_span) {
		*ptep = vm->pt_level0 + pt_index(va, 0);
		return 0;
	}
	rc = pt_walk_alloc(vm->root, va, ptep);
	if (rc)
		return rc;
	vm->pt_span = span;
	vm->pt_level0 = *ptep - pt_index(va, 0);
	return 0;
}

/* The region holding @addr, growing the stack down to it when it lies just below. */
static struct vma *find_or_grow(struct vm *vm, vaddr_t addr, enum fault_reason *reason)
{
	struct vma *v = vma_find(&vm->vmas, addr);
	struct vma *prev;
	vaddr_t page = align_down(addr, PAGE_SIZE);

	if (v)
		return v;
	*reason = FAULT_NO_MAPPING;
	v = vma_find_next(&vm->vmas, addr);
	if (!v || v->kind != VMA_STACK)
		return NULL;
	if (addr < vm->stack_low) {
		if (addr >= vm->stack_low - USER_STACK_GAP)
			*reason = FAULT_STACK_OVERFLOW;
		return NULL;
	}
	prev = vma_prev(v);
	if (prev && prev->end > page)
		return NULL;
	v->start = page; /* the key only moves down into free space: tree order holds */
	VM_COUNT(vm, stack_grow);
	return v;
}

/* The handler proper: vm_fault() without the tracer's branch. Inlined into vm_fault(), so an
 * untraced fault pays one load and one branch for tracing, nothing else. */
static inline __attribute__((always_inline)) int
fault(struct vm *vm, vaddr_t addr, enum fault_access access, enum fault_reason *reason)
{
	vaddr_t va = align_down(addr, PAGE_SIZE);
	paddr_t release = 0, spare = 0;
	unsigned long irq;
	struct vma *v;
	pte_t *ptep;
	pte_t pte;
	int rc = 0;

	*reason = FAULT_OK;
	if (addr >= USER_TOP) {
		*reason = FAULT_NO_MAPPING;
		goto fail;
	}
	irq = irq_save();
	if (__builtin_expect(!spin_trylock(&vm->lock), 0)) {
		/* another hart is in the space: a write that may need a zeroed frame zeroes one
		 * while it waits, rather than under the lock (one not used goes back at the end) */
		if (access == FAULT_WRITE && pmm_alloc(FRAME_ANON, &spare) == 0)
			pmm_zero(spare);
		spin_lock(&vm->lock);
	}
	v = find_or_grow(vm, addr, reason);
	if (!v)
		goto unlock_fail;
	if (!access_allowed(v->prot, access)) {
		*reason = FAULT_PERMISSION;
		goto unlock_fail;
	}
	rc = fault_slot(vm, va, &ptep);
	if (rc) {
		*reason = FAULT_OUT_OF_MEMORY;
		goto unlock_fail;
	}
	pte = *ptep;
	if (pte & PTE_SOFT_NONE) {
		/* back from PROT_NONE: the frame is still there; rights come from the region */
		pte = (pte & PTE_PPN_MASK) | (vm_prot_bits(v->prot) & ~(PTE_W | PTE_D));
		*ptep = pte;
	}
	if (!pte_valid(pte)) {
		if (!v->obj)
			rc = fault_missing(vm, v, va, ptep, access, &spare);
		else
			rc = fault_object(vm, v, va, ptep, access, reason, &spare);
	} else if (pte_allows(pte, access)) {
		/* the PTE already allows it: a core that traps on clear A/D, or a stale TLB */
		uint64_t need = PTE_A | (access == FAULT_WRITE ? PTE_D : 0);

		if ((pte & need) != need) {
			*ptep = pte | need;
			VM_COUNT(vm, ad_fixup);
		} else {
			VM_COUNT(vm, spurious);
		}
	} else if (access == FAULT_WRITE && (v->kind == VMA_SHARED || v->kind == VMA_OBJ_SHARED)) {
		/* shared memory is never copied: write rights come back from the region */
		*ptep = pte | vm_prot_bits(v->prot);
		VM_COUNT(vm, ad_fixup);
	} else if (access == FAULT_WRITE) {
		rc = fault_write_protected(vm, v, ptep, &release, &spare);
	} else {
		/* region allows it, PTE does not (exec after mprotect): widen from the region */
		*ptep = pte | (vm_prot_bits(v->prot) & (PTE_R | PTE_X));
		VM_COUNT(vm, ad_fixup);
	}
	if (rc) {
		if (*reason == FAULT_OK)
			*reason = FAULT_OUT_OF_MEMORY;
		goto unlock_fail;
	}
	/* invalid-to-valid too: some cores (JH7110) cache invalid entries */
	arch_flush_page(va, vm->asid);
	/* a frame replaced (zero page, image page or shared frame, by a copy): no other hart may
	 * go on reading the old one once this write is visible */
	if (__builtin_expect(vm_other_harts(vm), 0) && pte_valid(pte) &&
	    pte_paddr(*ptep) != pte_paddr(pte))
		(void)vm_shootdown(vm, va, va + PAGE_SIZE);
	if (release)
		pmm_put(release);
	spin_unlock_irqrestore(&vm->lock, irq);
	if (__builtin_expect(spare != 0, 0))
		pmm_put(spare);
	return 0;

unlock_fail:
	spin_unlock_irqrestore(&vm->lock, irq);
	if (spare)
		pmm_put(spare);
fail:
	VM_COUNT(vm, killed);
	return *reason == FAULT_OUT_OF_MEMORY ? -ENOMEM : -EFAULT;
}

/* One copy of the handler: a second would keep GCC from inlining its helpers, which costs
 * every fault more than the tracer's branch. The tracer calls back in with FAULT_NOTRACE. */
int vm_fault(struct vm *vm, vaddr_t addr, enum fault_access access, enum fault_reason *reason)
{
	if (__builtin_expect(vm_tracer != NULL, 0)) {
		if (!(access & FAULT_NOTRACE))
			return vm_fault_traced(vm, addr, access, reason);
		access &= ~FAULT_NOTRACE;
	}
	return fault(vm, addr, access, reason);
}

int vm_translate(struct vm *vm, vaddr_t addr, enum fault_access access, paddr_t *pa)
{
	pte_t *p;

	if (addr >= USER_TOP)
		return -EFAULT;
	p = pt_walk(vm->root, addr, NULL);
	if (!p || !(*p & PTE_U) || !pte_allows(*p, access))
		return -EFAULT;
	*pa = pte_paddr(*p) + (addr & (PAGE_SIZE - 1));
	return 0;
}

int vm_copy_out(struct vm *vm, vaddr_t dst, const void *src, uint64_t n)
{
	const uint8_t *s = src;

	while (n) {
		uint64_t chunk = PAGE_SIZE - (dst & (PAGE_SIZE - 1));
		enum fault_reason reason;
		paddr_t pa;
		uint8_t *d;
		int rc;

		if (vm_translate(vm, dst, FAULT_WRITE, &pa)) {
			rc = vm_fault(vm, dst, FAULT_WRITE, &reason);
			if (rc)
				return rc;
			continue;
		}
		if (chunk > n)
			chunk = n;
		d = phys_to_virt(pa);
		for (uint64_t i = 0; i < chunk; i++)
			d[i] = s[i];
		s += chunk;
		dst += chunk;
		n -= chunk;
	}
	return 0;
}
