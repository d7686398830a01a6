/* Host tests of the Sv39 page-table code (mm/pt.c) over host memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "mm/frame.h"
#include "mm/pt.h"
#include "platform/errno.h"
#include "platform/riscv/memlayout.h"
#include "tests/host/mm_host.h"

#define MiB (1ul << 20)
#define GiB (1ul << 30)
#define RW  (PTE_R | PTE_W)

static struct fdt_region ram;
static paddr_t root;
static uint64_t free_at_start;

static uint64_t free_frames(void)
{
	struct pmm_stats st;

	pmm_stats(&st);
	return st.free;
}

static int setup(void **state)
{
	(void)state;
	ram = host_ram(8 * MiB, PAGE_SIZE);
	assert_int_equal(pmm_init(&ram, 1, NULL, 0), 0);
	free_at_start = free_frames();
	assert_int_equal(pt_create(&root), 0);
	return 0;
}

static void map_then_walk_finds_a_4k_leaf_with_its_bits(void **state)
{
	int level = -1;
	pte_t *p;

	(void)state;
	assert_int_equal(pt_map(root, 0x400000, 0x80001000, PAGE_SIZE, RW | PTE_U, false), 0);
	p = pt_walk(root, 0x400123, &level);
	assert_non_null(p);
	assert_int_equal(level, 0);
	assert_int_equal(pte_paddr(*p), 0x80001000);
	assert_int_equal(pte_bits(*p), RW | PTE_U | PTE_V);
	assert_null(pt_walk(root, 0x401000, &level));
	assert_int_equal(level, 0);
	assert_null(pt_walk(root, 0x40000000, &level));
	assert_int_equal(level, 2);
}

static void table_entries_carry_no_a_d_or_u_bits(void **state)
{
	pte_t *t = phys_to_virt(root);
	pte_t top;

	(void)state;
	assert_int_equal(
	    pt_map(root, 0x400000, 0x80001000, PAGE_SIZE, RW | PTE_U | PTE_A | PTE_D, false), 0);
	top = t[pt_index(0x400000, 2)];
	assert_true(pte_table(top));
	assert_int_equal(pte_bits(top), PTE_V);
	top = ((pte_t *)phys_to_virt(pte_paddr(top)))[pt_index(0x400000, 1)];
	assert_int_equal(pte_bits(top), PTE_V);
}

static void large_map_uses_gigapages_and_megapages_where_aligned(void **state)
{
	/* 1 GiB + 2 MiB + 4 KiB from an aligned start: one of each leaf size */
	uint64_t size = GiB + 2 * MiB + PAGE_SIZE;
	int level;

	(void)state;
	assert_int_equal(pt_map(root, 0x40000000, 0x80000000, size, RW, true), 0);
	assert_non_null(pt_walk(root, 0x40000000, &level));
	assert_int_equal(level, 2);
	assert_non_null(pt_walk(root, 0x80000000, &level));
	assert_int_equal(level, 1);
	assert_non_null(pt_walk(root, 0x80200000, &level));
	assert_int_equal(level, 0);
	assert_null(pt_walk(root, 0x80201000, &level));
	assert_int_equal(pt_count_tables(root), 3); /* root, one level-1, one level-0 */
}

static void misaligned_large_map_falls_back_to_small_pages(void **state)
{
	int level;

	(void)state;
	assert_int_equal(pt_map(root, 0x40000000, 0x80001000, 2 * MiB, RW, true), 0);
	assert_non_null(pt_walk(root, 0x40000000, &level));
	assert_int_equal(level, 0);
}

static void bad_requests_are_refused(void **state)
{
	(void)state;
	assert_int_equal(pt_map(root, 0x400001, 0x80000000, PAGE_SIZE, RW, false), -EINVAL);
	assert_int_equal(pt_map(root, 0x400000, 0x80000000, 100, RW, false), -EINVAL);
	assert_int_equal(pt_map(root, 0x400000, 0x80000000, PAGE_SIZE, RW, false), 0);
	assert_int_equal(pt_map(root, 0x400000, 0x80005000, PAGE_SIZE, RW, false), -EEXIST);
	assert_int_equal(pt_map(root, 0x40000000, 0x80000000, GiB, RW, true), 0);
	assert_int_equal(pt_map(root, 0x40001000, 0x80000000, PAGE_SIZE, RW, false), -EEXIST);
}

static void protect_changes_only_the_range_and_splits_large_leaves(void **state)
{
	int level;
	pte_t *p;

	(void)state;
	assert_int_equal(pt_map(root, 0x200000, 0x80000000, 2 * MiB, RW | PTE_A, true), 0);
	assert_non_null(pt_walk(root, 0x200000, &level));
	assert_int_equal(level, 1);
	assert_int_equal(pt_protect(root, 0x201000, PAGE_SIZE, PTE_R), 0);
	p = pt_walk(root, 0x201000, &level);
	assert_int_equal(level, 0);
	assert_int_equal(pte_bits(*p), PTE_R | PTE_A | PTE_V);
	assert_int_equal(pte_paddr(*p), 0x80001000);
	p = pt_walk(root, 0x200000, &level);
	assert_int_equal(pte_bits(*p), RW | PTE_A | PTE_V);
	p = pt_walk(root, 0x202000, &level);
	assert_int_equal(pte_bits(*p), RW | PTE_A | PTE_V);
	assert_int_equal(pte_paddr(*p), 0x80002000);
}

static void protect_skips_holes_in_the_range(void **state)
{
	pte_t *p;

	(void)state;
	assert_int_equal(pt_map(root, 0x10000, 0x80000000, PAGE_SIZE, RW, false), 0);
	assert_int_equal(pt_map(root, 0x7f000000, 0x80001000, PAGE_SIZE, RW, false), 0);
	assert_int_equal(pt_protect(root, 0, 0x80000000, PTE_R | PTE_X), 0);
	p = pt_walk(root, 0x10000, NULL);
	assert_int_equal(pte_bits(*p) & PTE_RWX, PTE_R | PTE_X);
	p = pt_walk(root, 0x7f000000, NULL);
	assert_int_equal(pte_bits(*p) & PTE_RWX, PTE_R | PTE_X);
}

static void prebuild_makes_the_tables_a_range_needs_up_to_a_limit(void **state)
{
	uint64_t before = free_frames();
	pte_t *p;

	(void)state;
	/* nothing under the root: one level-1 table and a level-0 table per 2 MiB met */
	assert_int_equal(pt_prebuild(root, 0x1ff000, 0x201000, 16), 3);
	assert_int_equal(free_frames(), before - 3);
	assert_int_equal(pt_prebuild(root, 0x1ff000, 0x201000, 16), 0); /* all there now */
	assert_int_equal(pt_prebuild(root, 0, 8 * MiB, 16), 2);
	assert_int_equal(pt_prebuild(root, GiB - 2 * MiB, GiB + 2 * MiB, 16), 3);
	assert_int_equal(pt_prebuild(root, 2 * GiB, 3 * GiB, 5), 5); /* stops at the limit */
	assert_non_null(pt_slot0(root, 2 * GiB + 6 * MiB));
	assert_null(pt_slot0(root, 2 * GiB + 8 * MiB));
	/* what it made is what a walk would have made: empty tables, found by the fast walk */
	p = pt_slot0(root, 0x400000);
	assert_non_null(p);
	assert_int_equal(*p, 0);
	assert_null(pt_walk(root, 0x400000, NULL));
}

static void next_span_visits_only_existing_level0_tables_within_the_range(void **state)
{
	vaddr_t va = 0x3ff000;
	struct pt_span sp;

	(void)state;
	assert_int_equal(pt_map(root, 0x400000, 0x80001000, PAGE_SIZE, RW, false), 0);
	assert_int_equal(pt_map(root, GiB + 0x1000, 0x80002000, PAGE_SIZE, RW, false), 0);
	assert_true(pt_next_span(root, &va, GiB + 0x2000, &sp));
	assert_int_equal(sp.base, 0x400000);
	assert_int_equal(sp.first, 0);
	assert_int_equal(sp.last, 512);
	assert_int_equal(pte_paddr(sp.table[0]), 0x80001000);
	assert_true(pt_next_span(root, &va, GiB + 0x2000, &sp));
	assert_int_equal(sp.base, GiB);
	assert_int_equal(sp.first, 0);
	assert_int_equal(sp.last, 2); /* the range ends two pages in */
	assert_int_equal(pte_paddr(sp.table[1]), 0x80002000);
	assert_false(pt_next_span(root, &va, GiB + 0x2000, &sp));
	/* a range starting and ending inside one table */
	va = 0x401000;
	assert_true(pt_next_span(root, &va, 0x405000, &sp));
	assert_int_equal(sp.first, 1);
	assert_int_equal(sp.last, 5);
	assert_false(pt_next_span(root, &va, 0x405000, &sp));
}

static void unlink_unused_takes_the_tables_between_floor_and_ceiling_and_no_other(void **state)
{
	const uint64_t before = free_frames();
	struct pt_unlinked gone = { 0 };
	paddr_t pa;

	(void)state;
	assert_int_equal(pt_prebuild(root, GiB, GiB + 8 * MiB, 16), 5); /* 4 level-0, 1 level-1 */
	/* [GiB + 3 MiB, GiB + 5 MiB) unmapped; regions end at GiB + 1 MiB and start at
	 * GiB + 7 MiB: the spans at 2 and 4 MiB are theirs no more, 0 and 6 MiB still are */
	pt_unlink_unused(root, GiB + 3 * MiB, GiB + 5 * MiB, GiB + MiB, GiB + 7 * MiB, &gone);
	assert_int_equal(gone.count, 2);
	assert_non_null(pt_slot0(root, GiB));
	assert_null(pt_slot0(root, GiB + 2 * MiB));
	assert_null(pt_slot0(root, GiB + 4 * MiB));
	assert_non_null(pt_slot0(root, GiB + 6 * MiB));
	/* unlinked, not yet freed: still table pages, and each reads as invalid entries */
	pa = gone.head;
	for (unsigned int i = 0; i < gone.count; i++) {
		const pte_t *t = phys_to_virt(pa);

		assert_int_equal(pmm_kind(pa), FRAME_PAGETABLE);
		for (int j = 0; j < PTES_PER_TABLE; j++)
			assert_false(pte_valid(t[j]));
		pa = t[0];
	}
	assert_int_equal(free_frames(), before - 5);
	pt_free_unlinked(&gone);
	assert_int_equal(gone.count, 0);
	assert_int_equal(free_frames(), before - 3);
	/* nothing left either side in its 1 GiB: the level-1 table goes with the last two */
	pt_unlink_unused(root, GiB, GiB + 8 * MiB, 0, 4 * GiB, &gone);
	assert_int_equal(gone.count, 3);
	assert_false(pte_valid(((pte_t *)phys_to_virt(root))[pt_index(GiB, 2)]));
	pt_free_unlinked(&gone);
	assert_int_equal(free_frames(), before);
}

static void unlink_unused_keeps_a_level1_table_whose_gigabyte_holds_more(void **state)
{
	struct pt_unlinked gone = { 0 };

	(void)state;
	assert_int_equal(pt_prebuild(root, GiB - 2 * MiB, GiB + 2 * MiB, 16), 4);
	/* the whole range is free, but a region begins 4 MiB above it */
	pt_unlink_unused(root, GiB - 2 * MiB, GiB + 2 * MiB, 0, GiB + 6 * MiB, &gone);
	assert_int_equal(gone.count, 3); /* two level-0 tables and the lower level-1 one */
	assert_true(pte_table(((pte_t *)phys_to_virt(root))[pt_index(GiB, 2)]));
	pt_free_unlinked(&gone);
	/* a ceiling above the user half: the kernel half's tables stay */
	assert_int_equal(pt_map(root, SV39_KERNEL_BASE, 0x80000000, PAGE_SIZE, RW, false), 0);
	assert_int_equal(pt_prebuild(root, SV39_USER_TOP - 2 * MiB, SV39_USER_TOP, 16), 2);
	pt_unlink_unused(root, SV39_USER_TOP - 2 * MiB, SV39_USER_TOP, 0, ~0ul, &gone);
	assert_int_equal(gone.count, 2);
	pt_free_unlinked(&gone);
	assert_non_null(pt_walk(root, SV39_KERNEL_BASE, NULL));
}

static void destroy_returns_every_table_page(void **state)
{
	(void)state;
	for (vaddr_t va = 0; va < 64 * GiB; va += 3 * GiB + 5 * MiB)
		assert_int_equal(pt_map(root, va, 0x80000000, PAGE_SIZE, RW, false), 0);
	assert_true(free_frames() < free_at_start - 20);
	pt_destroy(root);
	assert_int_equal(free_frames(), free_at_start);
}

static void allocation_failure_at_any_depth_leaks_nothing(void **state)
{
	(void)state;
	pt_destroy(root);
	for (long n = 0; n < 4; n++) {
		paddr_t r;
		int rc;

		pmm_fail_after(n);
		rc = pt_create(&r);
		if (rc == 0)
			rc = pt_map(r, 0x12345000, 0x80000000, PAGE_SIZE, RW, false);
		pmm_fail_after(-1);
		if (n < 3)
			assert_int_equal(rc, -ENOMEM);
		else
			assert_int_equal(rc, 0);
		if (n > 0)
			pt_destroy(r);
		assert_int_equal(free_frames(), free_at_start);
	}
	assert_int_equal(pt_create(&root), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(map_then_walk_finds_a_4k_leaf_with_its_bits, setup),
		cmocka_unit_test_setup(table_entries_carry_no_a_d_or_u_bits, setup),
		cmocka_unit_test_setup(large_map_uses_gigapages_and_megapages_where_aligned, setup),
		cmocka_unit_test_setup(misaligned_large_map_falls_back_to_small_pages, setup),
		cmocka_unit_test_setup(bad_requests_are_refused, setup),
		cmocka_unit_test_setup(protect_changes_only_the_range_and_splits_large_leaves,
				       setup),
		cmocka_unit_test_setup(protect_skips_holes_in_the_range, setup),
		cmocka_unit_test_setup(prebuild_makes_the_tables_a_range_needs_up_to_a_limit,
				       setup),
		cmocka_unit_test_setup(
		    next_span_visits_only_existing_level0_tables_within_the_range, setup),
		cmocka_unit_test_setup(
		    unlink_unused_takes_the_tables_between_floor_and_ceiling_and_no_other, setup),
		cmocka_unit_test_setup(unlink_unused_keeps_a_level1_table_whose_gigabyte_holds_more,
				       setup),
		cmocka_unit_test_setup(destroy_returns_every_table_page, setup),
		cmocka_unit_test_setup(allocation_failure_at_any_depth_leaks_nothing, setup),
	};

	return cmocka_run_group_tests_name("pt", tests, NULL, NULL);
}
