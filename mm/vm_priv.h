/* Shared by the files of the address-space code (vm.c, fault.c, audit.c); not a door for
 * anything outside mm/. */
#ifndef FAULTLINE_MM_VM_PRIV_H
#define FAULTLINE_MM_VM_PRIV_H

#include "mm/frame.h"
#include "mm/vm.h"

/* A PTE whose region is PROT_NONE keeps its frame here: V clear, this software bit set. */
#define PTE_SOFT_NONE PTE_RSW0

/* More flushes than this in one operation become one flush of the whole ASID. */
#define FLUSH_PAGES_MAX 32

/* The PTE bits a region's protection gives a private page it owns outright. A and D are
 * preset: cores without hardware A/D updates (Svade) would otherwise fault again. */
static inline uint64_t vm_prot_bits(unsigned int prot)
{
	uint64_t b = PTE_V | PTE_U | PTE_A;

	if (prot & PROT_READ)
		b |= PTE_R;
	if (prot & PROT_WRITE)
		b |= PTE_R | PTE_W | PTE_D;
	if (prot & PROT_EXEC)
		b |= PTE_X;
	return b;
}

/* The shared zero page (vm_zero_page() outside mm/): read on every first-touch fault. */
extern paddr_t vm_zero_pa;

/* True for frames the address space holds a reference on (not the zero page or the image). */
bool vm_counted_frame(paddr_t pa);

/* Counts one event in @vm's counters, under its lock. The global figures are summed from
 * the live address spaces and those destroyed, so no fault touches a shared cache line. */
#define VM_COUNT(vm, field) ((vm)->counters.field++)

/* Called for every non-empty level-0 entry in a range; may change it. */
typedef void (*leaf_fn)(struct vm *vm, vaddr_t va, pte_t *ptep, void *arg);

/* vm_walk_leaves - visit the non-empty leaves of [start, end) without allocating tables. */
void vm_walk_leaves(struct vm *vm, vaddr_t start, vaddr_t end, leaf_fn fn, void *arg);

#endif
