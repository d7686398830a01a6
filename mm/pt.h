/* Sv39 page tables: walk, map, protect and unmap, with the largest leaves alignment allows.
 * A table is named by the physical address of its root page; tables are reached through the
 * direct map and their pages come from the frame allocator (FRAME_PAGETABLE). */
#ifndef FAULTLINE_MM_PT_H
#define FAULTLINE_MM_PT_H

#include "platform/riscv/memlayout.h"
#include "platform/riscv/pte.h"
#include "platform/types.h"

/* pt_create - allocate a zeroed root table. Returns 0 and its address in @root, or -ENOMEM. */
int pt_create(paddr_t *root) __must_check;

/*
 * pt_destroy - free every table page of the tree rooted at @root, the root included. Leaves
 * are not touched: the frames they map belong to whoever mapped them.
 */
void pt_destroy(paddr_t root);

/*
 * pt_walk - find the leaf that maps @va. Returns a pointer to it and its level (0 = 4 KiB,
 * 1 = 2 MiB, 2 = 1 GiB) in @level, or NULL when no valid leaf maps @va (then *@level is the
 * level where the walk stopped). @level may be NULL.
 */
pte_t *pt_walk(paddr_t root, vaddr_t va, int *level);

/* One level-0 table's share of a range: its entries [first, last) map the pages from
 * base + first pages on. */
struct pt_span {
	pte_t *table;
	vaddr_t base; /* the 2 MiB the table maps */
	unsigned int first, last;
};

/*
 * pt_next_span - the next level-0 table that maps part of [*va, end), in @s, with *va moved
 * past it; false when no table is left in the range. Spans with no table (never mapped)
 * are skipped a table's or a level-1 table's reach at a time. For loops over ranges.
 */
bool pt_next_span(paddr_t root, vaddr_t *va, vaddr_t end, struct pt_span *s);

/*
 * pt_prebuild - make the missing tables a walk to every page of [start, end) would make, in
 * address order, until @max table pages have been made. Returns how many were made, or
 * -ENOMEM (what was made stays). Tables made early turn the one fault in 512 that would
 * have made one into an ordinary fault (see vm_mmap).
 */
int pt_prebuild(paddr_t root, vaddr_t start, vaddr_t end, unsigned int max);

/* Table pages taken out of a tree and not yet freed, chained through their first entry. */
struct pt_unlinked {
	paddr_t head;
	unsigned int count;
};

/*
 * pt_unlink_unused - take out of the user half of @root the tables nothing can use any more:
 * each level-0 table whose 2 MiB, and each level-1 table whose 1 GiB, meets [start, end) and
 * lies inside [floor, ceiling). The caller has just unmapped [start, end) and knows that
 * nothing may be mapped in [floor, ceiling) (floor <= start, end <= ceiling): those tables
 * are empty without a scan. Clears their parent entries and puts them on @gone; the root
 * stays. Neither flushes nor frees: a hart may still hold a cleared entry in its walk cache,
 * so the caller flushes the whole address space (sfence.vma x0, asid: a fence for one page
 * need not drop non-leaf entries), then calls pt_free_unlinked().
 */
void pt_unlink_unused(paddr_t root, vaddr_t start, vaddr_t end, vaddr_t floor, vaddr_t ceiling,
		      struct pt_unlinked *gone);

/* pt_free_unlinked - give every table page on @gone back to the frame allocator. */
void pt_free_unlinked(struct pt_unlinked *gone);

/* pt_walk_alloc_slow - pt_walk_alloc() when a table on the way is missing (or a leaf). */
int pt_walk_alloc_slow(paddr_t root, vaddr_t va, pte_t **ptep) __must_check;

/* The level-0 slot of @va when both tables above it exist: the walk every fault makes. */
static inline pte_t *pt_slot0(paddr_t root, vaddr_t va)
{
	pte_t e = ((const pte_t *)phys_to_virt(root))[pt_index(va, 2)];

	if (!pte_table(e))
		return NULL;
	e = ((const pte_t *)phys_to_virt(pte_paddr(e)))[pt_index(va, 1)];
	if (!pte_table(e))
		return NULL;
	return (pte_t *)phys_to_virt(pte_paddr(e)) + pt_index(va, 0);
}

/*
 * pt_walk_alloc - the level-0 entry slot for @va, allocating missing tables on the way.
 * Returns 0 and the slot in @ptep (which may be valid or not), -ENOMEM, or -EEXIST when a
 * larger leaf already maps @va.
 */
static inline __must_check int pt_walk_alloc(paddr_t root, vaddr_t va, pte_t **ptep)
{
	pte_t *p = pt_slot0(root, va);

	if (!p)
		return pt_walk_alloc_slow(root, va, ptep);
	*ptep = p;
	return 0;
}

/*
 * pt_map - map [va, va + size) to [pa, pa + size) with PTE bits @bits (V is added). With
 * @large, uses 2 MiB and 1 GiB leaves wherever va, pa and the remaining size line up. Every
 * target slot must be empty (-EEXIST otherwise); on -ENOMEM or -EEXIST what was mapped before
 * the failure stays mapped. Sizes and addresses must be page-aligned (-EINVAL).
 * Does not flush: the caller maps into tables no hart has cached, or flushes.
 */
int pt_map(paddr_t root, vaddr_t va, paddr_t pa, uint64_t size, uint64_t bits,
	   bool large) __must_check;

/*
 * pt_protect - replace the R/W/X/U bits of every valid leaf in [va, va + size) by @bits'.
 * Leaves larger than the range are split first (-ENOMEM if that fails). Returns 0.
 * Does not flush.
 */
int pt_protect(paddr_t root, vaddr_t va, uint64_t size, uint64_t bits) __must_check;

/* pt_count_tables - table pages in the tree, the root included. */
uint64_t pt_count_tables(paddr_t root);

/* pt_count_user_tables - table pages under the user half of @root, plus the root itself. */
uint64_t pt_count_user_tables(paddr_t root);

/*
 * pt_destroy_user - free the tables under the user half of @root, then the root. The kernel
 * half's tables are shared with the kernel map and stay. Leaves are not touched.
 */
void pt_destroy_user(paddr_t root);

#endif
