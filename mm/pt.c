/* Sv39 page-table walker and editor. Works on table pages through the direct map, so the same
 * code edits the kernel's tables on the board and host memory in the host tests. */
#include "mm/pt.h"

#include "mm/frame.h"
#include "platform/errno.h"
#include "platform/riscv/memlayout.h"

static pte_t *table_at(paddr_t pa)
{
	return phys_to_virt(pa);
}

static int new_table(paddr_t *pa)
{
	int rc = pmm_alloc(FRAME_PAGETABLE, pa);

	if (rc)
		return rc;
	pmm_zero(*pa);
	return 0;
}

int pt_create(paddr_t *root)
{
	return new_table(root);
}

static void free_tree(paddr_t table, int level)
{
	pte_t *t = table_at(table);

	if (level > 0)
		for (int i = 0; i < PTES_PER_TABLE; i++)
			if (pte_table(t[i]))
				free_tree(pte_paddr(t[i]), level - 1);
	pmm_put(table);
}

void pt_destroy(paddr_t root)
{
	free_tree(root, SV39_LEVELS - 1);
}

pte_t *pt_walk(paddr_t root, vaddr_t va, int *level)
{
	pte_t *t = table_at(root);

	for (int l = SV39_LEVELS - 1; l >= 0; l--) {
		pte_t *p = &t[pt_index(va, l)];

		if (level)
			*level = l;
		if (!pte_valid(*p))
			return NULL;
		if (pte_leaf(*p))
			return p;
		if (l == 0)
			return NULL; /* a table pointer at level 0 is malformed */
		t = table_at(pte_paddr(*p));
	}
	return NULL;
}

bool pt_next_span(paddr_t root, vaddr_t *va, vaddr_t end, struct pt_span *s)
{
	while (*va < end) {
		vaddr_t at = *va, next;
		pte_t e = table_at(root)[pt_index(at, 2)];

		if (!pte_table(e)) {
			*va = align_down(at, GIGAPAGE_SIZE) + GIGAPAGE_SIZE;
			continue;
		}
		next = align_down(at, MEGAPAGE_SIZE) + MEGAPAGE_SIZE;
		*va = next;
		e = table_at(pte_paddr(e))[pt_index(at, 1)];
		if (!pte_table(e))
			continue;
		s->table = table_at(pte_paddr(e));
		s->base = align_down(at, MEGAPAGE_SIZE);
		s->first = pt_index(at, 0);
		s->last = next <= end ? PTES_PER_TABLE : pt_index(end, 0);
		return true;
	}
	return false;
}

/* The slot for @va at @target level, creating tables above it. */
static int slot_at(paddr_t root, vaddr_t va, int target, pte_t **ptep)
{
	pte_t *t = table_at(root);

	for (int l = SV39_LEVELS - 1; l > target; l--) {
		pte_t *p = &t[pt_index(va, l)];

		if (pte_leaf(*p))
			return -EEXIST;
		if (!pte_valid(*p)) {
			paddr_t next;
			int rc = new_table(&next);

			if (rc)
				return rc;
			*p = pte_make_table(next);
		}
		t = table_at(pte_paddr(*p));
	}
	*ptep = &t[pt_index(va, target)];
	return 0;
}

int pt_walk_alloc_slow(paddr_t root, vaddr_t va, pte_t **ptep)
{
	return slot_at(root, va, 0, ptep);
}

int pt_prebuild(paddr_t root, vaddr_t start, vaddr_t end, unsigned int max)
{
	unsigned int made = 0;

	for (vaddr_t va = align_down(start, MEGAPAGE_SIZE); va < end && made < max;
	     va += MEGAPAGE_SIZE) {
		pte_t *p;
		int rc;

		if (pt_slot0(root, va))
			continue;
		/* a missing level-1 table is made too */
		made += pte_valid(table_at(root)[pt_index(va, 2)]) ? 1 : 2;
		rc = slot_at(root, va, 0, &p);
		if (rc)
			return rc;
	}
	return (int)made;
}

static inline vaddr_t va_max(vaddr_t a, vaddr_t b)
{
	return a > b ? a : b;
}

static inline vaddr_t va_min(vaddr_t a, vaddr_t b)
{
	return a < b ? a : b;
}

/*
 * Puts the table at @pa, already cut from its parent, on @gone. The link goes in its first
 * entry: a hart whose walk cache still holds the old parent entry reads it as an invalid PTE
 * until the flush, as a link is page-aligned and so has V clear.
 */
static void chain(struct pt_unlinked *gone, paddr_t pa)
{
	table_at(pa)[0] = gone->head;
	gone->head = pa;
	gone->count++;
}

void pt_unlink_unused(paddr_t root, vaddr_t start, vaddr_t end, vaddr_t floor, vaddr_t ceiling,
		      struct pt_unlinked *gone)
{
	pte_t *top = table_at(root);
	vaddr_t va, hi;

	ceiling = va_min(ceiling, SV39_USER_TOP); /* the kernel half's tables are shared */
	/* the 2 MiB spans that meet [start, end) and lie inside [floor, ceiling) */
	va = va_max(align_up(floor, MEGAPAGE_SIZE), align_down(start, MEGAPAGE_SIZE));
	hi = va_min(align_down(ceiling, MEGAPAGE_SIZE), align_up(end, MEGAPAGE_SIZE));
	while (va < hi) {
		const vaddr_t giga = align_down(va, GIGAPAGE_SIZE);
		const vaddr_t stop = va_min(giga + GIGAPAGE_SIZE, hi);
		pte_t *p2 = &top[pt_index(va, 2)];
		pte_t *mid;

		if (!pte_table(*p2)) {
			va = giga + GIGAPAGE_SIZE;
			continue;
		}
		mid = table_at(pte_paddr(*p2));
		for (; va < stop; va += MEGAPAGE_SIZE) {
			pte_t *p1 = &mid[pt_index(va, 1)];
			paddr_t pa = pte_paddr(*p1);

			if (!pte_table(*p1))
				continue;
			*p1 = 0;
			chain(gone, pa);
		}
		/* nothing may be mapped anywhere in its 1 GiB: it held no other table */
		if (giga >= floor && giga + GIGAPAGE_SIZE <= ceiling) {
			paddr_t pa = pte_paddr(*p2);

			*p2 = 0;
			chain(gone, pa);
		}
	}
}

void pt_free_unlinked(struct pt_unlinked *gone)
{
	for (; gone->count; gone->count--) {
		paddr_t pa = gone->head;

		gone->head = table_at(pa)[0];
		pmm_put(pa);
	}
}

/* The largest leaf level that va, pa and the remaining size allow. */
static int leaf_level(vaddr_t va, paddr_t pa, uint64_t size, bool large)
{
	if (large)
		for (int l = SV39_LEVELS - 1; l > 0; l--)
			if (is_aligned(va | pa, LEVEL_SIZE(l)) && size >= LEVEL_SIZE(l))
				return l;
	return 0;
}

int pt_map(paddr_t root, vaddr_t va, paddr_t pa, uint64_t size, uint64_t bits, bool large)
{
	if (!is_aligned(va | pa | size, PAGE_SIZE))
		return -EINVAL;
	while (size) {
		int level = leaf_level(va, pa, size, large);
		pte_t *p;
		int rc = slot_at(root, va, level, &p);

		if (rc)
			return rc;
		/* fill the rest of this table without walking again: boot maps all RAM this way */
		do {
			if (pte_valid(*p))
				return -EEXIST;
			*p++ = pte_make(pa, bits | PTE_V);
			va += LEVEL_SIZE(level);
			pa += LEVEL_SIZE(level);
			size -= LEVEL_SIZE(level);
		} while (size && pt_index(va, level) != 0 &&
			 leaf_level(va, pa, size, large) == level);
	}
	return 0;
}

/* Turns the leaf at @p (level @level > 0) into a table of smaller leaves mapping the same. */
static int split_leaf(pte_t *p, int level)
{
	paddr_t tpa;
	pte_t *t;
	int rc = new_table(&tpa);

	if (rc)
		return rc;
	t = table_at(tpa);
	for (int i = 0; i < PTES_PER_TABLE; i++)
		t[i] = pte_make(pte_paddr(*p) + (uint64_t)i * LEVEL_SIZE(level - 1), pte_bits(*p));
	*p = pte_make_table(tpa);
	return 0;
}

int pt_protect(paddr_t root, vaddr_t va, uint64_t size, uint64_t bits)
{
	const uint64_t perm = PTE_RWX | PTE_U;
	vaddr_t end = va + size;

	while (va < end) {
		int level;
		pte_t *p = pt_walk(root, va, &level);
		uint64_t span = LEVEL_SIZE(level);

		if (!p) {
			va = align_down(va, span) + span;
			continue;
		}
		if (level > 0 && (!is_aligned(va, span) || end - va < span)) {
			int rc = split_leaf(p, level);

			if (rc)
				return rc;
			continue;
		}
		*p = (*p & ~perm) | (bits & perm);
		va += span;
	}
	return 0;
}

static uint64_t count_tree(paddr_t table, int level)
{
	pte_t *t = table_at(table);
	uint64_t n = 1;

	if (level > 0)
		for (int i = 0; i < PTES_PER_TABLE; i++)
			if (pte_table(t[i]))
				n += count_tree(pte_paddr(t[i]), level - 1);
	return n;
}

uint64_t pt_count_tables(paddr_t root)
{
	return count_tree(root, SV39_LEVELS - 1);
}

#define USER_ROOT_SLOTS (PTES_PER_TABLE / 2) /* root entries below SV39_USER_TOP */

uint64_t pt_count_user_tables(paddr_t root)
{
	pte_t *t = table_at(root);
	uint64_t n = 1;

	for (int i = 0; i < USER_ROOT_SLOTS; i++)
		if (pte_table(t[i]))
			n += count_tree(pte_paddr(t[i]), SV39_LEVELS - 2);
	return n;
}

void pt_destroy_user(paddr_t root)
{
	pte_t *t = table_at(root);

	for (int i = 0; i < USER_ROOT_SLOTS; i++)
		if (pte_table(t[i]))
			free_tree(pte_paddr(t[i]), SV39_LEVELS - 2);
	pmm_put(root);
}
