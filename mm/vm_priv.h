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

/* The PTE bits a region's protection gives a private page it owns outright, by PROT_* bits.
 * A and D are preset: cores without hardware A/D updates (Svade) would otherwise fault again.
 * A table, as every fault needs one. */
#define VM_PROT_COMBOS ((PROT_READ | PROT_WRITE | PROT_EXEC) + 1)
extern const uint64_t vm_prot_pte[VM_PROT_COMBOS];

static inline uint64_t vm_prot_bits(unsigned int prot)
{
	return vm_prot_pte[prot & (PROT_READ | PROT_WRITE | PROT_EXEC)];
}

/* The shared zero page (vm_zero_page() outside mm/): read on every first-touch fault. */
extern paddr_t vm_zero_pa;

/* Counts one event in @vm's counters, under its lock. The global figures are summed from
 * the live address spaces and those destroyed, so no fault touches a shared cache line. */
#define VM_COUNT(vm, field) ((vm)->counters.field++)

/* Called for every non-empty level-0 entry in a range; may change it. */
typedef void (*leaf_fn)(struct vm *vm, vaddr_t va, pte_t *ptep, void *arg);

/* vm_walk_leaves - visit the non-empty leaves of [start, end) without allocating tables. */
void vm_walk_leaves(struct vm *vm, vaddr_t start, vaddr_t end, leaf_fn fn, void *arg);

#endif
