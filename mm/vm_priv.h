/* Shared by the files of the address-space code (vm.c, fault.c, audit.c); not a door for
 * anything outside mm/. */
#ifndef FAULTLINE_MM_VM_PRIV_H
#define FAULTLINE_MM_VM_PRIV_H

#include "mm/frame.h"
#include "mm/vm.h"
#include "mm/vm_trace.h"

/* A PTE whose region is PROT_NONE keeps its frame here: V clear, this software bit set. */
#define PTE_SOFT_NONE PTE_RSW0

/* More flushes than this in one operation become one flush of the whole ASID. */
#define FLUSH_PAGES_MAX 32

/*
 * What an operation that takes mappings or rights away still owes (vm_flush.c): the pages it
 * flushed on this hart (each with its own fence while within FLUSH_PAGES_MAX), their span for
 * the other harts, table pages unlinked, and the frames whose references may drop only once
 * no hart can reach them through a cached translation. Start with VM_FLUSH_INIT; end with
 * vm_flush_finish(), under the address space's lock, before the call returns.
 */
/* vm_other_harts - whether a hart besides the caller's may cache @vm's translations. The
 * caller runs on @vm, so its bit is in vm->harts (or no hart has run it yet and none is):
 * more than one bit means another hart. vm_destroy() does not rely on this. */
static inline bool vm_other_harts(const struct vm *vm)
{
	unsigned long m = __atomic_load_n(&vm->harts, __ATOMIC_RELAXED);

	return (m & (m - 1)) != 0;
}

#define VM_FLUSH_PUTS 64
struct vm_flush {
	unsigned long pages;
	vaddr_t lo, hi;
	bool tables;
	bool defer; /* other harts may cache the space: frames wait for their flush */
	unsigned int nput;
	paddr_t put[VM_FLUSH_PUTS];
};

/* vm_flush_begin - an empty account for an operation on @vm. Lock held. */
void vm_flush_begin(struct vm *vm, struct vm_flush *f);

/* vm_flush_span - [lo, hi) changed; the other harts flush it at the end. */
static inline void vm_flush_span(struct vm_flush *f, vaddr_t lo, vaddr_t hi)
{
	if (lo < f->lo)
		f->lo = lo;
	if (hi > f->hi)
		f->hi = hi;
}

/* vm_flush_page - @va's translation changed or went: flush it here, owe it elsewhere. */
void vm_flush_page(struct vm *vm, struct vm_flush *f, vaddr_t va);

/* vm_flush_put - drop a PTE's reference to @pa: at once while no other hart can reach it,
 * else after the flush (finishing one early when the list is full). */
void vm_flush_put(struct vm *vm, struct vm_flush *f, paddr_t pa);

/* vm_flush_finish - settle what @f owes: flush the other harts, then give the frames back.
 * @f may be used again after. */
void vm_flush_finish(struct vm *vm, struct vm_flush *f);

/* vm_shootdown - the other harts that may cache @vm forget [start, end) (everything when
 * @end is 0): those running on it now at once, the rest before they next do. Returns how
 * many were interrupted. Called after the PTEs changed. */
unsigned int vm_shootdown(struct vm *vm, vaddr_t start, vaddr_t end);

/* The PTE bits a region's protection gives a private page it owns outright, by PROT_* bits.
 * A and D are preset: cores without hardware A/D updates (Svade) would otherwise fault again.
 * A table, as every fault needs one; it includes the memory type of RAM (vm_set_pte_attrs). */
#define VM_PROT_COMBOS ((PROT_READ | PROT_WRITE | PROT_EXEC) + 1)
extern uint64_t vm_prot_pte[VM_PROT_COMBOS]; /* set by vm_init() */

static inline uint64_t vm_prot_bits(unsigned int prot)
{
	return vm_prot_pte[prot & (PROT_READ | PROT_WRITE | PROT_EXEC)];
}

/* The shared zero page (vm_zero_page() outside mm/): read on every first-touch fault. */
extern paddr_t vm_zero_pa;

/* The tracer vm_trace_set() installed, or NULL: each report point tests it first. */
extern vm_trace_fn vm_tracer;

/* vm_fault_traced - vm_fault() with a tracer set: resolves the fault as vm_fault() does, then
 * tells the tracer what it did (vm_trace.c). */
int vm_fault_traced(struct vm *vm, vaddr_t addr, enum fault_access access,
		    enum fault_reason *reason) __must_check;

/* Or'ed into vm_fault()'s access by vm_fault_traced(): resolve without calling the tracer. */
#define FAULT_NOTRACE 0x100

/* Counts one event in @vm's counters, under its lock. The global figures are summed from
 * the live address spaces and those destroyed, so no fault touches a shared cache line. */
#define VM_COUNT(vm, field) ((vm)->counters.field++)

/* Called for every non-empty level-0 entry in a range; may change it. */
typedef void (*leaf_fn)(struct vm *vm, vaddr_t va, pte_t *ptep, void *arg);

/* vm_walk_leaves - visit the non-empty leaves of [start, end) without allocating tables. */
void vm_walk_leaves(struct vm *vm, vaddr_t start, vaddr_t end, leaf_fn fn, void *arg);

/* Shared with vm_advise.c, vm_remap.c and vm_lock.c: the region and zapping helpers of vm.c.
 * All are called with the address space's lock held. */

/* vm_zap_range - empty the PTEs of [start, end) and drop their references; with @f, each
 * valid page is flushed through it and its frame given back only at vm_flush_finish();
 * without, references drop at once and nothing is flushed (a space no hart runs). */
void vm_zap_range(struct vm *vm, vaddr_t start, vaddr_t end, struct vm_flush *f);

/* vm_unmap_range - munmap's work on a page-aligned range: regions, PTEs, emptied tables. */
int vm_unmap_range(struct vm *vm, vaddr_t start, vaddr_t end);

/* vm_split_at_edges - region boundaries at @start and @end. 0 or -ENOMEM. */
int vm_split_at_edges(struct vm *vm, vaddr_t start, vaddr_t end) __must_check;

/* vm_merge - join @v with compatible neighbours; returns the region that holds it now. */
struct vma *vm_merge(struct vm *vm, struct vma *v);

/* vm_insert_region - a new region with @flags and vm->def_flags, merged with its neighbours
 * (*@out: the region that holds it then). 0, -EEXIST (overlap) or -ENOMEM. */
int vm_insert_region(struct vm *vm, vaddr_t start, uint64_t len, unsigned int prot,
		     enum vma_kind kind, unsigned int flags, paddr_t image_pa, uint64_t image_bytes,
		     struct vma **out) __must_check;

/* vm_range_free - no region meets [start, end). */
bool vm_range_free(struct vm *vm, vaddr_t start, vaddr_t end);

/* vm_find_gap - the highest free gap of @len bytes below USER_MMAP_TOP, or 0. */
vaddr_t vm_find_gap(struct vm *vm, uint64_t len);

/* vm_may_lock - whether @pages more locked pages (besides those locked in [skip_start,
 * skip_end), which the caller is about to lock again) keep within RLIMIT_MEMLOCK. Lock held. */
bool vm_may_lock(struct vm *vm, uint64_t pages, vaddr_t skip_start, vaddr_t skip_end);

/* vm_may_expand - whether @pages more pages of a region like @kind/@prot fit RLIMIT_AS and
 * RLIMIT_DATA, not counting what the regions already hold in [skip_start, skip_end). */
bool vm_may_expand(struct vm *vm, enum vma_kind kind, unsigned int prot, uint64_t pages,
		   vaddr_t skip_start, vaddr_t skip_end);

/* vm_populate_shared - MAP_SHARED memory: a zeroed frame for every page of [start, end) now,
 * so that a fork shares all of them. 0 or -ENOMEM (what was made stays mapped). */
int vm_populate_shared(struct vm *vm, vaddr_t start, vaddr_t end, unsigned int prot) __must_check;

/* vm_prefault - vm_populate() as Linux's mm_populate after mmap, brk, mremap and mlockall:
 * as far as memory goes, failures skipped (the call that asked has succeeded). No lock held. */
void vm_prefault(struct vm *vm, vaddr_t start, vaddr_t end);

/* vm_update_flags - set @set and clear @clear in the region flags of [start, end), cutting
 * and joining regions; -ENOMEM at a hole (what came before changed) or short of memory. */
int vm_update_flags(struct vm *vm, vaddr_t start, vaddr_t end, unsigned int set,
		    unsigned int clear) __must_check;

#endif
