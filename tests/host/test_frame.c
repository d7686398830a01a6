/* Host tests of the frame allocator (mm/frame.c), run on host memory standing in for RAM. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mm/frame.h"
#include "platform/errno.h"
#include "platform/riscv/memlayout.h"
#include "platform/riscv/pte.h"
#include "tests/host/mm_host.h"

#define MiB (1ul << 20)

static struct fdt_region ram;

static int setup_8m(void **state)
{
	(void)state;
	ram = host_ram(8 * MiB, 2 * MiB);
	assert_int_equal(pmm_init(&ram, 1, NULL, 0), 0);
	return 0;
}

static void first_frames_come_in_address_order_inside_ram(void **state)
{
	paddr_t a, b;

	(void)state;
	assert_int_equal(pmm_alloc(FRAME_ANON, &a), 0);
	assert_int_equal(pmm_alloc(FRAME_ANON, &b), 0);
	assert_true(a >= ram.base && a + PAGE_SIZE <= ram.base + ram.size);
	assert_int_equal(b, a + PAGE_SIZE);
	assert_true(is_aligned(a, PAGE_SIZE));
}

static void descriptors_cost_8_bytes_per_frame(void **state)
{
	struct pmm_stats st;

	(void)state;
	pmm_stats(&st);
	assert_int_equal(st.meta_bytes, align_up(ram.size / PAGE_SIZE * 8, PAGE_SIZE));
	assert_int_equal(st.total + st.reserved, ram.size / PAGE_SIZE);
	assert_int_equal(st.reserved, st.meta_bytes / PAGE_SIZE);
	assert_int_equal(st.free, st.total);
}

static void every_frame_can_be_filled_without_hurting_the_allocator(void **state)
{
	struct pmm_stats st;
	paddr_t *got;
	uint64_t n = 0;
	paddr_t pa;

	(void)state;
	pmm_stats(&st);
	got = calloc(st.total, sizeof(*got));
	while (pmm_alloc(FRAME_ANON, &pa) == 0) {
		memset(phys_to_virt(pa), 0xff, PAGE_SIZE); /* would wreck overlapping descriptors */
		got[n++] = pa;
	}
	assert_int_equal(n, st.total);
	assert_int_equal(pmm_alloc(FRAME_ANON, &pa), -ENOMEM);
	for (uint64_t i = 0; i < n; i++)
		assert_true(pmm_put(got[i]));
	n = 0;
	while (pmm_alloc(FRAME_ANON, &pa) == 0)
		n++;
	assert_int_equal(n, st.total);
	free(got);
}

static void freed_frame_is_handed_out_next(void **state)
{
	paddr_t a, b, c;

	(void)state;
	assert_int_equal(pmm_alloc(FRAME_ANON, &a), 0);
	assert_int_equal(pmm_alloc(FRAME_ANON, &b), 0);
	assert_true(pmm_put(a));
	assert_int_equal(pmm_alloc(FRAME_PAGETABLE, &c), 0);
	assert_int_equal(c, a);
	assert_int_equal(pmm_kind(c), FRAME_PAGETABLE);
}

static void shared_frame_lives_until_its_last_reference(void **state)
{
	struct pmm_stats before, after;
	paddr_t pa;

	(void)state;
	pmm_stats(&before);
	assert_int_equal(pmm_alloc(FRAME_ANON, &pa), 0);
	pmm_get(pa);
	pmm_get(pa);
	assert_int_equal(pmm_refcount(pa), 3);
	assert_false(pmm_put(pa));
	assert_false(pmm_put(pa));
	assert_int_equal(pmm_kind(pa), FRAME_ANON);
	assert_true(pmm_put(pa));
	assert_int_equal(pmm_refcount(pa), 0);
	assert_int_equal(pmm_kind(pa), FRAME_FREE);
	assert_false(pmm_put(pa)); /* a stray put on a free frame changes nothing */
	pmm_stats(&after);
	assert_int_equal(after.free, before.free);
}

static void holes_are_never_handed_out(void **state)
{
	/* an unaligned hole must take whole pages with it */
	struct fdt_region holes[2] = {
		{ ram.base + 100, 10 },
		{ ram.base + 3 * MiB + 1, PAGE_SIZE },
	};
	paddr_t pa;

	(void)state;
	assert_int_equal(pmm_init(&ram, 1, holes, 2), 0);
	assert_false(pmm_managed(ram.base));
	assert_false(pmm_managed(ram.base + 3 * MiB));
	assert_false(pmm_managed(ram.base + 3 * MiB + PAGE_SIZE));
	assert_true(pmm_managed(ram.base + 3 * MiB + 2 * PAGE_SIZE));
	while (pmm_alloc(FRAME_ANON, &pa) == 0) {
		assert_true(pa >= ram.base + PAGE_SIZE);
		assert_false(pa >= ram.base + 3 * MiB && pa < ram.base + 3 * MiB + 2 * PAGE_SIZE);
	}
}

static void descriptors_sit_at_the_top_and_unwritten_ones_are_never_read(void **state)
{
	/* holes at the start of RAM and between frames the allocator hands out */
	struct fdt_region holes[2] = { { ram.base, 2 * PAGE_SIZE },
				       { ram.base + MiB, 2 * PAGE_SIZE } };
	const struct fdt_region hole = holes[1];
	paddr_t pa = 0, far = ram.base + 4 * MiB;
	struct pmm_stats st;

	(void)state;
	memset(phys_to_virt(ram.base), 0x5a, ram.size); /* descriptors not yet written: garbage */
	assert_int_equal(pmm_init(&ram, 1, holes, 2), 0);
	pmm_stats(&st);
	assert_false(pmm_managed(ram.base));
	assert_true(pmm_managed(ram.base + 2 * PAGE_SIZE));
	assert_false(pmm_managed(ram.base + ram.size - PAGE_SIZE));
	assert_false(pmm_managed(ram.base + ram.size - st.meta_bytes));
	assert_true(pmm_managed(ram.base + ram.size - st.meta_bytes - PAGE_SIZE));
	while (pa < hole.base + hole.size)
		assert_int_equal(pmm_alloc(FRAME_ANON, &pa), 0);
	/* the holes below the frames handed out, and a frame never reached */
	for (paddr_t p = ram.base; p < hole.base + hole.size + PAGE_SIZE; p += PAGE_SIZE) {
		paddr_t q = p < hole.base + hole.size ? p : far;

		if (p >= ram.base + 2 * PAGE_SIZE && p < hole.base)
			continue; /* handed out */

		assert_int_equal(pmm_refcount(q), 0);
		assert_int_equal(pmm_kind(q), FRAME_FREE);
		assert_false(pmm_try_get(q));
		assert_false(pmm_put(q));
		assert_int_equal(pmm_refcount(q), 0);
	}
	assert_int_equal(pmm_refcount(pa), 1);
	assert_true(pmm_try_get(pa));
	assert_int_equal(pmm_refcount(pa), 2);
}

static void hole_covering_a_whole_bank_leaves_the_other_bank(void **state)
{
	struct fdt_region banks[2] = { ram, host_ram(2 * MiB, PAGE_SIZE) };
	struct pmm_stats st;
	paddr_t pa;

	(void)state;
	assert_int_equal(pmm_init(banks, 2, &ram, 1), 0);
	pmm_stats(&st);
	/* descriptors for both banks live in bank 2 */
	assert_int_equal(st.total + st.reserved, (8 * MiB + 2 * MiB) / PAGE_SIZE);
	assert_int_equal(pmm_alloc(FRAME_ANON, &pa), 0);
	assert_true(pa >= banks[1].base && pa < banks[1].base + banks[1].size);
}

static void bad_layouts_are_refused(void **state)
{
	struct fdt_region tiny = { ram.base, 100 };
	struct fdt_region all = ram;

	(void)state;
	assert_int_equal(pmm_init(&ram, 0, NULL, 0), -EINVAL);
	assert_int_equal(pmm_init(&tiny, 1, NULL, 0), -EINVAL);
	assert_int_equal(pmm_init(&ram, 1, &all, 1), -ENOMEM); /* no room for descriptors */
	assert_int_equal(pmm_init(&ram, PMM_MAX_BANKS + 1, NULL, 0), -EINVAL);
}

static void injected_failure_hits_exactly_the_nth_allocation(void **state)
{
	paddr_t pa;

	(void)state;
	pmm_fail_after(2);
	assert_int_equal(pmm_alloc(FRAME_ANON, &pa), 0);
	assert_int_equal(pmm_alloc(FRAME_ANON, &pa), 0);
	assert_int_equal(pmm_alloc(FRAME_ANON, &pa), -ENOMEM);
	assert_int_equal(pmm_alloc(FRAME_ANON, &pa), -ENOMEM);
	pmm_fail_after(-1);
	assert_int_equal(pmm_alloc(FRAME_ANON, &pa), 0);
}

static int count_used(paddr_t pa, enum frame_kind kind, uint32_t ref, void *arg)
{
	(void)pa;
	(void)kind;
	*(uint64_t *)arg += ref;
	return 0;
}

static void walk_of_used_frames_sees_each_reference(void **state)
{
	paddr_t a, b, c;
	uint64_t refs = 0;

	(void)state;
	assert_int_equal(pmm_alloc(FRAME_ANON, &a), 0);
	assert_int_equal(pmm_alloc(FRAME_ANON, &b), 0);
	assert_int_equal(pmm_alloc(FRAME_ANON, &c), 0);
	pmm_get(b);
	assert_true(pmm_put(c));
	assert_int_equal(pmm_for_each_used(count_used, &refs), 0);
	assert_int_equal(refs, 3); /* a once, b twice, c freed */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(first_frames_come_in_address_order_inside_ram, setup_8m),
		cmocka_unit_test_setup(descriptors_cost_8_bytes_per_frame, setup_8m),
		cmocka_unit_test_setup(every_frame_can_be_filled_without_hurting_the_allocator,
				       setup_8m),
		cmocka_unit_test_setup(freed_frame_is_handed_out_next, setup_8m),
		cmocka_unit_test_setup(shared_frame_lives_until_its_last_reference, setup_8m),
		cmocka_unit_test_setup(holes_are_never_handed_out, setup_8m),
		cmocka_unit_test_setup(descriptors_sit_at_the_top_and_unwritten_ones_are_never_read,
				       setup_8m),
		cmocka_unit_test_setup(hole_covering_a_whole_bank_leaves_the_other_bank, setup_8m),
		cmocka_unit_test_setup(bad_layouts_are_refused, setup_8m),
		cmocka_unit_test_setup(injected_failure_hits_exactly_the_nth_allocation, setup_8m),
		cmocka_unit_test_setup(walk_of_used_frames_sees_each_reference, setup_8m),
	};

	return cmocka_run_group_tests_name("frame", tests, NULL, NULL);
}
