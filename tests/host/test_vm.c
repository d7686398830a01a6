/* Host tests of address spaces and the fault handler (mm/vm.c, mm/fault.c, mm/audit.c): each
 * case drives a software Sv39 hart over the real page tables and checks values read, frames
 * spent, counters, the fault reasons, and the auditor. Most cases run twice: with hardware
 * A/D updates and with Svade (faults on clear A/D). */
#include "tests/host/vm_harness.h"

static void reading_1g_of_untouched_memory_maps_the_zero_page_and_spends_no_frame(void **s)
{
	struct vm *vm = new_vm(1);
	vaddr_t a = map(vm, GiB, RW, ANON);
	uint64_t before = anon_frames();
	const uint64_t step = 64 * PAGE_SIZE;

	(void)s;
	for (vaddr_t off = 0; off < GiB; off += step)
		assert_int_equal(rd(vm, a + off + 123), 0);
	assert_int_equal(anon_frames(), before);
	assert_int_equal(vm->counters.zero_map, GiB / step);
	assert_int_equal(vm->rss, 0);
	finish(&vm, 1);
}

static void write_to_untouched_memory_spends_exactly_one_zeroed_frame_per_page(void **s)
{
	struct vm *vm = new_vm(1);
	vaddr_t a = map(vm, 64 * PAGE_SIZE, RW, ANON);
	uint64_t before = anon_frames();

	(void)s;
	for (int i = 0; i < 64; i++)
		wr(vm, a + i * PAGE_SIZE + 7, (uint8_t)i);
	assert_int_equal(vm->counters.anon_alloc, 64);
	for (int i = 0; i < 64; i++) {
		assert_int_equal(rd(vm, a + i * PAGE_SIZE + 7), (uint8_t)i);
		assert_int_equal(rd(vm, a + i * PAGE_SIZE + 8), 0);
	}
	assert_int_equal(anon_frames(), before + 64);
	assert_int_equal(vm->rss, 64);
	finish(&vm, 1);
}

static uint64_t table_frames(void)
{
	struct pmm_stats st;

	pmm_stats(&st);
	return st.by_kind[FRAME_PAGETABLE];
}

static void mmap_makes_the_tables_first_touches_need_so_no_fault_makes_one(void **s)
{
	struct vm *vm = new_vm(1);
	uint64_t tables = table_frames();
	vaddr_t a = map(vm, 8 * MiB, RW, ANON);

	(void)s;
	/* a level-0 table for each 2 MiB span the region meets (4 or 5), and a level-1 one */
	assert_in_range(table_frames() - tables, 5, 6);
	tables = table_frames();
	for (vaddr_t off = 0; off < 8 * MiB; off += PAGE_SIZE)
		wr(vm, a + off, 1);
	assert_int_equal(table_frames(), tables);
	/* beyond what one call makes ahead, faults make their own */
	a = map(vm, 64 * MiB, RW, ANON);
	tables = table_frames();
	for (vaddr_t off = 0; off < 64 * MiB; off += 2 * MiB)
		wr(vm, a + off, 1);
	assert_in_range(table_frames() - tables, 14, 17);
	finish(&vm, 1);
}

static void fork_makes_no_child_table_for_a_parent_table_still_empty(void **s)
{
	struct vm *vms[2];
	uint64_t tables;
	vaddr_t a;

	(void)s;
	vms[0] = new_vm(1);
	a = map(vms[0], 16 * MiB, RW, ANON);
	wr(vms[0], a, 1);
	tables = table_frames();
	assert_int_equal(vm_fork(vms[0], &vms[1]), 0);
	vms[1]->asid = 2;
	/* the child: a root, a level-1 table and one level-0 table for the page written */
	assert_in_range(table_frames() - tables, 3, 4);
	assert_int_equal(rd(vms[1], a), 1);
	finish(vms, 2);
}

static void write_after_read_replaces_the_zero_page_and_leaves_it_zero(void **s)
{
	struct vm *vm = new_vm(1);
	vaddr_t a = map(vm, PAGE_SIZE, RW, ANON);
	const uint8_t *zero = phys_to_virt(vm_zero_page());

	(void)s;
	assert_int_equal(rd(vm, a), 0);
	wr(vm, a, 0x5a);
	assert_int_equal(rd(vm, a), 0x5a);
	assert_int_equal(vm->counters.zero_map, 1);
	assert_int_equal(vm->counters.zero_to_private, 1);
	for (unsigned int i = 0; i < PAGE_SIZE; i++)
		assert_int_equal(zero[i], 0);
	finish(&vm, 1);
}

static void fork_child_write_copies_and_parent_keeps_its_data(void **s)
{
	struct vm *vms[2];
	vaddr_t a;

	(void)s;
	vms[0] = new_vm(1);
	a = map(vms[0], 4 * PAGE_SIZE, RW, ANON);
	wr(vms[0], a, 11);
	assert_int_equal(vm_fork(vms[0], &vms[1]), 0);
	vms[1]->asid = 2;
	assert_int_equal(rd(vms[1], a), 11);
	wr(vms[1], a, 22);
	assert_int_equal(rd(vms[0], a), 11);
	assert_int_equal(rd(vms[1], a), 22);
	assert_int_equal(vms[1]->counters.cow_copy, 1);
	wr(vms[0], a, 33); /* the parent is now the only user: reuse, no copy */
	assert_int_equal(vms[0]->counters.cow_reuse, 1);
	assert_int_equal(rd(vms[1], a), 22);
	finish(vms, 2);
}

static void global_counters_sum_live_spaces_and_keep_destroyed_ones(void **s)
{
	struct vm_counters before, during, after;
	struct vm *vms[2];
	vaddr_t a;

	(void)s;
	vm_global_counters(&before);
	vms[0] = new_vm(1);
	a = map(vms[0], 4 * PAGE_SIZE, RW, ANON);
	wr(vms[0], a, 1);
	assert_int_equal(vm_fork(vms[0], &vms[1]), 0);
	vms[1]->asid = 2;
	assert_int_equal(rd(vms[1], a + PAGE_SIZE), 0);
	wr(vms[1], a, 2);
	vm_global_counters(&during);
	assert_int_equal(during.anon_alloc - before.anon_alloc, 1);
	assert_int_equal(during.zero_map - before.zero_map, 1);
	assert_int_equal(during.cow_copy - before.cow_copy, 1);
	assert_int_equal(vm_faults_resolved(&vms[0]->counters), 1); /* the first write */
	assert_int_equal(vm_faults_resolved(&vms[1]->counters), 2); /* a read, a copy */
	assert_int_equal(vm_faults_resolved(&during) - vm_faults_resolved(&before),
			 vm_faults_resolved(&vms[0]->counters) +
			     vm_faults_resolved(&vms[1]->counters));
	finish(vms, 2);
	vm_global_counters(&after);
	assert_memory_equal(&after, &during, sizeof(after));
}

static void parent_write_after_fork_copies_and_child_keeps_its_data(void **s)
{
	struct vm *vms[2];
	vaddr_t a;

	(void)s;
	vms[0] = new_vm(1);
	a = map(vms[0], PAGE_SIZE, RW, ANON);
	wr(vms[0], a + 5, 1);
	assert_int_equal(vm_fork(vms[0], &vms[1]), 0);
	vms[1]->asid = 2;
	wr(vms[0], a + 5, 2);
	assert_int_equal(rd(vms[1], a + 5), 1);
	assert_int_equal(rd(vms[0], a + 5), 2);
	assert_int_equal(vms[0]->counters.cow_copy, 1);
	finish(vms, 2);
}

static void cow_write_after_the_sharer_exits_reuses_the_frame(void **s)
{
	struct vm *parent = new_vm(1), *child;
	vaddr_t a = map(parent, 8 * PAGE_SIZE, RW, ANON);
	uint64_t anon;

	(void)s;
	for (int i = 0; i < 8; i++)
		wr(parent, a + i * PAGE_SIZE, (uint8_t)i);
	assert_int_equal(vm_fork(parent, &child), 0);
	child->asid = 2;
	vm_destroy(child);
	anon = anon_frames();
	for (int i = 0; i < 8; i++)
		wr(parent, a + i * PAGE_SIZE, (uint8_t)(i + 100));
	assert_int_equal(parent->counters.cow_reuse, 8);
	assert_int_equal(parent->counters.cow_copy, 0);
	assert_int_equal(anon_frames(), anon);
	finish(&parent, 1);
}

static void fork_chain_three_deep_shares_frames_with_refcounts_above_two(void **s)
{
	struct vm *vms[4];
	vaddr_t a;
	pte_t *p;

	(void)s;
	vms[0] = new_vm(1);
	a = map(vms[0], PAGE_SIZE, RW, ANON);
	wr(vms[0], a, 7);
	for (int i = 1; i < 4; i++) {
		assert_int_equal(vm_fork(vms[i - 1], &vms[i]), 0);
		vms[i]->asid = (unsigned int)i + 1;
	}
	p = pt_walk(vms[3]->root, a, NULL);
	assert_int_equal(pmm_refcount(pte_paddr(*p)), 4);
	audit(vms, 4);
	wr(vms[2], a, 9);
	for (int i = 0; i < 4; i++)
		assert_int_equal(rd(vms[i], a), i == 2 ? 9 : 7);
	assert_int_equal(pmm_refcount(pte_paddr(*pt_walk(vms[0]->root, a, NULL))), 3);
	finish(vms, 4);
}

static void cow_of_a_zero_page_mapping_stays_zero_for_the_other_side(void **s)
{
	struct vm *vms[2];
	vaddr_t a;

	(void)s;
	vms[0] = new_vm(1);
	a = map(vms[0], PAGE_SIZE, RW, ANON);
	assert_int_equal(rd(vms[0], a), 0);
	assert_int_equal(vm_fork(vms[0], &vms[1]), 0);
	vms[1]->asid = 2;
	wr(vms[1], a, 3);
	assert_int_equal(rd(vms[0], a), 0);
	assert_int_equal(vms[1]->counters.zero_to_private, 1);
	finish(vms, 2);
}

static void write_to_read_only_mapping_is_killed_with_permission_denied(void **s)
{
	struct vm *vm = new_vm(1);
	vaddr_t a = map(vm, PAGE_SIZE, PROT_READ, ANON);

	(void)s;
	assert_int_equal(rd(vm, a), 0);
	killed(vm, a, FAULT_WRITE, FAULT_PERMISSION);
	killed(vm, a, FAULT_EXEC, FAULT_PERMISSION);
	finish(&vm, 1);
}

static void null_gap_and_kernel_addresses_are_killed_with_no_mapping(void **s)
{
	struct vm *vm = new_vm(1);
	vaddr_t a = map(vm, PAGE_SIZE, RW, ANON);

	(void)s;
	killed(vm, 0, FAULT_READ, FAULT_NO_MAPPING);
	killed(vm, a + PAGE_SIZE, FAULT_WRITE, FAULT_NO_MAPPING);
	killed(vm, 0xffffffc000000000ul, FAULT_READ, FAULT_NO_MAPPING);
	assert_int_equal(vm->counters.killed, 3);
	finish(&vm, 1);
}

static void mprotect_rw_r_rw_never_writes_through_the_zero_page(void **s)
{
	struct vm *vms[2];
	vaddr_t a;
	const uint8_t *zero = phys_to_virt(vm_zero_page());

	(void)s;
	vms[0] = new_vm(1);
	a = map(vms[0], 2 * PAGE_SIZE, RW, ANON);
	assert_int_equal(rd(vms[0], a), 0); /* zero page */
	wr(vms[0], a + PAGE_SIZE, 4);	    /* private */
	assert_int_equal(vm_mprotect(vms[0], a, 2 * PAGE_SIZE, PROT_READ), 0);
	killed(vms[0], a + PAGE_SIZE, FAULT_WRITE, FAULT_PERMISSION);
	assert_int_equal(vm_fork(vms[0], &vms[1]), 0);
	vms[1]->asid = 2;
	assert_int_equal(vm_mprotect(vms[0], a, 2 * PAGE_SIZE, RW), 0);
	wr(vms[0], a, 1);
	wr(vms[0], a + PAGE_SIZE, 5);
	assert_int_equal(zero[0], 0);
	assert_int_equal(rd(vms[1], a), 0);
	assert_int_equal(rd(vms[1], a + PAGE_SIZE), 4);
	finish(vms, 2);
}

static bool pte_writable(struct vm *vm, vaddr_t va)
{
	pte_t *p = pt_walk(vm->root, va, NULL);

	return p && (*p & PTE_W);
}

static void mprotect_back_to_rw_makes_a_sole_frame_writable_without_a_fault(void **s)
{
	struct vm *vms[2];
	vaddr_t a;
	uint64_t faults;

	(void)s;
	vms[0] = new_vm(1);
	a = map(vms[0], 2 * PAGE_SIZE, RW, ANON);
	wr(vms[0], a, 1);				/* a frame this space alone maps */
	assert_int_equal(rd(vms[0], a + PAGE_SIZE), 0); /* the zero page */
	assert_int_equal(vm_mprotect(vms[0], a, 2 * PAGE_SIZE, PROT_READ), 0);
	assert_false(pte_writable(vms[0], a));
	assert_int_equal(vm_mprotect(vms[0], a, 2 * PAGE_SIZE, RW), 0);
	assert_true(pte_writable(vms[0], a));
	assert_false(pte_writable(vms[0], a + PAGE_SIZE)); /* never the zero page */
	faults = vm_faults_resolved(&vms[0]->counters);
	wr(vms[0], a, 2);
	assert_int_equal(vm_faults_resolved(&vms[0]->counters), faults);
	/* shared with a child, the frame owes a copy: W comes back only through the fault */
	assert_int_equal(vm_fork(vms[0], &vms[1]), 0);
	vms[1]->asid = 2;
	assert_int_equal(vm_mprotect(vms[0], a, PAGE_SIZE, PROT_READ), 0);
	assert_int_equal(vm_mprotect(vms[0], a, PAGE_SIZE, RW), 0);
	assert_false(pte_writable(vms[0], a));
	wr(vms[0], a, 3);
	assert_int_equal(rd(vms[1], a), 2);
	assert_int_equal(rd(vms[0], a), 3);
	finish(vms, 2);
}

static void prot_none_hides_data_and_mprotect_back_finds_it(void **s)
{
	struct vm *vm = new_vm(1);
	vaddr_t a = map(vm, PAGE_SIZE, RW, ANON);

	(void)s;
	wr(vm, a, 42);
	assert_int_equal(vm_mprotect(vm, a, PAGE_SIZE, PROT_NONE), 0);
	killed(vm, a, FAULT_READ, FAULT_PERMISSION);
	audit(&vm, 1);
	assert_int_equal(vm_mprotect(vm, a, PAGE_SIZE, PROT_READ), 0);
	assert_int_equal(rd(vm, a), 42);
	finish(&vm, 1);
}

static void munmap_of_a_middle_slice_keeps_both_sides_and_opens_a_hole(void **s)
{
	struct vm *vm = new_vm(1);
	vaddr_t a = map(vm, 8 * PAGE_SIZE, RW, ANON);

	(void)s;
	for (int i = 0; i < 8; i++)
		wr(vm, a + i * PAGE_SIZE, (uint8_t)(i + 1));
	assert_int_equal(vm_munmap(vm, a + 3 * PAGE_SIZE, 2 * PAGE_SIZE), 0);
	assert_int_equal(rd(vm, a + 2 * PAGE_SIZE), 3);
	assert_int_equal(rd(vm, a + 5 * PAGE_SIZE), 6);
	killed(vm, a + 3 * PAGE_SIZE, FAULT_READ, FAULT_NO_MAPPING);
	killed(vm, a + 4 * PAGE_SIZE + 100, FAULT_WRITE, FAULT_NO_MAPPING);
	assert_int_equal(vm->rss, 6);
	assert_int_equal(vm_munmap(vm, a + 1, PAGE_SIZE), -EINVAL);
	assert_int_equal(vm_munmap(vm, a, 0), -EINVAL);
	finish(&vm, 1);
}

static void munmap_across_several_regions_removes_all_of_them(void **s)
{
	struct vm *vm = new_vm(1);
	vaddr_t a = 0x100000, got;

	(void)s;
	assert_int_equal(vm_mmap(vm, a, PAGE_SIZE, RW, ANON | MAP_FIXED, &got), 0);
	assert_int_equal(
	    vm_mmap(vm, a + 2 * PAGE_SIZE, PAGE_SIZE, PROT_READ, ANON | MAP_FIXED, &got), 0);
	assert_int_equal(vm_mmap(vm, a + 4 * PAGE_SIZE, PAGE_SIZE, RW, ANON | MAP_FIXED, &got), 0);
	wr(vm, a, 1);
	wr(vm, a + 4 * PAGE_SIZE, 1);
	assert_int_equal(vm_munmap(vm, a, 5 * PAGE_SIZE), 0);
	for (int i = 0; i < 5; i += 2)
		killed(vm, a + i * PAGE_SIZE, FAULT_READ, FAULT_NO_MAPPING);
	assert_null(vma_first(&vm->vmas));
	finish(&vm, 1);
}

static void map_fixed_over_an_existing_mapping_replaces_its_contents(void **s)
{
	struct vm *vm = new_vm(1);
	vaddr_t a = map(vm, 4 * PAGE_SIZE, RW, ANON), got;

	(void)s;
	wr(vm, a + PAGE_SIZE, 9);
	assert_int_equal(vm_mmap(vm, a + PAGE_SIZE, PAGE_SIZE, PROT_READ, ANON | MAP_FIXED, &got),
			 0);
	assert_int_equal(got, a + PAGE_SIZE);
	assert_int_equal(rd(vm, a + PAGE_SIZE), 0);
	killed(vm, a + PAGE_SIZE, FAULT_WRITE, FAULT_PERMISSION);
	assert_int_equal(vm_mmap(vm, a, PAGE_SIZE, RW, ANON | MAP_FIXED_NOREPLACE, &got), -EEXIST);
	finish(&vm, 1);
}

static void map_shared_memory_is_seen_by_parent_and_child(void **s)
{
	struct vm *vms[2];
	vaddr_t a;

	(void)s;
	vms[0] = new_vm(1);
	a = map(vms[0], 2 * PAGE_SIZE, RW, MAP_SHARED | MAP_ANONYMOUS);
	assert_int_equal(vm_fork(vms[0], &vms[1]), 0);
	vms[1]->asid = 2;
	wr(vms[1], a + PAGE_SIZE, 77);
	assert_int_equal(rd(vms[0], a + PAGE_SIZE), 77);
	wr(vms[0], a, 66);
	assert_int_equal(rd(vms[1], a), 66);
	assert_int_equal(vms[0]->counters.cow_copy + vms[1]->counters.cow_copy, 0);
	/* read-only and back must not turn shared memory into private copies */
	assert_int_equal(vm_mprotect(vms[1], a, 2 * PAGE_SIZE, PROT_READ), 0);
	assert_int_equal(vm_mprotect(vms[1], a, 2 * PAGE_SIZE, RW), 0);
	wr(vms[1], a, 55);
	assert_int_equal(rd(vms[0], a), 55);
	assert_int_equal(vms[0]->counters.cow_copy + vms[1]->counters.cow_copy, 0);
	finish(vms, 2);
}

static void shared_memory_mapped_prot_none_becomes_usable_and_stays_shared(void **s)
{
	struct vm *vms[2];
	vaddr_t a;

	(void)s;
	vms[0] = new_vm(1);
	a = map(vms[0], PAGE_SIZE, PROT_NONE, MAP_SHARED | MAP_ANONYMOUS);
	killed(vms[0], a, FAULT_READ, FAULT_PERMISSION);
	audit(vms, 1);
	assert_int_equal(vm_mprotect(vms[0], a, PAGE_SIZE, RW), 0);
	assert_int_equal(vm_fork(vms[0], &vms[1]), 0);
	vms[1]->asid = 2;
	wr(vms[1], a, 8);
	assert_int_equal(rd(vms[0], a), 8);
	finish(vms, 2);
}

static void brk_grows_lazily_and_shrinking_unmaps(void **s)
{
	struct vm *vm = new_vm(1);
	vaddr_t base = 0x200000;
	uint64_t anon = anon_frames();

	(void)s;
	vm_set_brk_base(vm, base);
	assert_int_equal(vm_brk(vm, 0), base);
	assert_int_equal(vm_brk(vm, base + 3 * PAGE_SIZE + 10), base + 3 * PAGE_SIZE + 10);
	assert_int_equal(anon_frames(), anon);
	wr(vm, base + 3 * PAGE_SIZE + 5, 1);
	assert_int_equal(vm_brk(vm, base + PAGE_SIZE), base + PAGE_SIZE);
	killed(vm, base + 2 * PAGE_SIZE, FAULT_READ, FAULT_NO_MAPPING);
	assert_int_equal(anon_frames(), anon);
	assert_int_equal(vm_brk(vm, base - PAGE_SIZE), base + PAGE_SIZE);
	finish(&vm, 1);
}

static void stack_grows_down_to_its_limit_and_then_overflows(void **s)
{
	struct vm *vm = new_vm(1);
	vaddr_t top = USER_STACK_TOP, low = USER_STACK_TOP - USER_STACK_LIMIT;

	(void)s;
	assert_int_equal(
	    vm_map_region(vm, top - USER_STACK_INIT, USER_STACK_INIT, RW, VMA_STACK, 0, 0), 0);
	wr(vm, top - 8, 1);
	wr(vm, top - USER_STACK_INIT - 100, 2);
	wr(vm, low + 8, 3);
	assert_int_equal(vm->counters.stack_grow, 2);
	killed(vm, low - 8, FAULT_WRITE, FAULT_STACK_OVERFLOW);
	assert_int_equal(rd(vm, top - USER_STACK_INIT - 100), 2);
	finish(&vm, 1);
}

static void image_pages_map_the_image_frames_and_writes_copy_them(void **s)
{
	struct vm *vm = new_vm(1);
	struct fdt_region img = host_ram(3 * PAGE_SIZE, PAGE_SIZE); /* stands for the image */
	uint8_t *bytes = phys_to_virt(img.base);
	uint64_t anon = anon_frames();

	(void)s;
	for (int i = 0; i < 3 * (int)PAGE_SIZE; i++)
		bytes[i] = (uint8_t)(i * 7 + 1);
	/* text: two whole pages, executable; data: 100 bytes of a page, then .bss */
	assert_int_equal(vm_map_region(vm, 0x10000, 2 * PAGE_SIZE, PROT_READ | PROT_EXEC,
				       VMA_IMAGE_RO, img.base, 2 * PAGE_SIZE),
			 0);
	assert_int_equal(vm_map_region(vm, 0x12000, 2 * PAGE_SIZE, RW, VMA_IMAGE_PRIVATE,
				       img.base + 2 * PAGE_SIZE, 100),
			 0);
	assert_int_equal(rd(vm, 0x10005), bytes[5]);
	assert_int_equal(anon_frames(), anon);
	assert_int_equal(vm->counters.image_map, 1);
	assert_int_equal(rd(vm, 0x12000 + 99), bytes[2 * PAGE_SIZE + 99]);
	assert_int_equal(rd(vm, 0x12000 + 100), 0); /* past the segment's bytes: zeros */
	assert_int_equal(rd(vm, 0x13000), 0);	    /* .bss */
	killed(vm, 0x10000, FAULT_WRITE, FAULT_PERMISSION);
	wr(vm, 0x12000, 0xab);
	assert_int_equal(bytes[2 * PAGE_SIZE], (uint8_t)(2 * PAGE_SIZE * 7 + 1));
	assert_int_equal(vm_mprotect(vm, 0x10000, PAGE_SIZE, RW | PROT_EXEC), 0);
	wr(vm, 0x10001, 0xcd); /* text made writable: a private copy, image untouched */
	assert_int_equal(bytes[1], 8);
	assert_int_equal(rd(vm, 0x10001), 0xcd);
	finish(&vm, 1);
}

static void out_of_memory_kills_with_a_reason_and_leaks_nothing(void **s)
{
	struct vm *vm = new_vm(1);
	vaddr_t a = map(vm, 4 * PAGE_SIZE, RW, ANON);

	(void)s;
	wr(vm, a, 1);
	pmm_fail_after(0);
	killed(vm, a + PAGE_SIZE, FAULT_WRITE, FAULT_OUT_OF_MEMORY);
	pmm_fail_after(-1);
	assert_int_equal(rd(vm, a), 1);
	finish(&vm, 1);
}

static void fork_and_cow_under_every_allocation_failure_leak_nothing(void **s)
{
	(void)s;
	for (long n = 0; n < 40; n++) {
		struct vm *vms[2] = { new_vm(1), NULL };
		vaddr_t a = map(vms[0], 16 * PAGE_SIZE, RW, ANON);
		int rc;

		for (int i = 0; i < 16; i++)
			wr(vms[0], a + i * PAGE_SIZE * 3 % (16 * PAGE_SIZE), 1);
		pmm_fail_after(n);
		rc = vm_fork(vms[0], &vms[1]);
		if (rc == 0) {
			enum fault_reason why;
			uint8_t v = 2;

			vms[1]->asid = 2;
			hm_switch(&hart, vms[1]->root, 2);
			for (int i = 0; i < 16; i++)
				(void)hm_user(&hart, vms[1], a + i * PAGE_SIZE, FAULT_WRITE, &v,
					      &why);
		} else {
			assert_int_equal(rc, -ENOMEM);
		}
		pmm_fail_after(-1);
		audit(vms, rc == 0 ? 2 : 1);
		for (int i = 0; i < 16; i++)
			if (rd(vms[0], a + i * PAGE_SIZE) != 1)
				fail_msg("n=%ld rc=%d page %d lost its data", n, rc, i);
		finish(vms, rc == 0 ? 2 : 1);
	}
}

static void mmap_errors_are_those_of_linux(void **s)
{
	struct vm *vm = new_vm(1);
	vaddr_t got;

	(void)s;
	assert_int_equal(vm_mmap(vm, 0, 0, RW, ANON, &got), -EINVAL);
	assert_int_equal(vm_mmap(vm, 0, PAGE_SIZE, RW, MAP_ANONYMOUS, &got), -EINVAL);
	assert_int_equal(vm_mmap(vm, 0, PAGE_SIZE, RW, MAP_PRIVATE, &got), -EBADF);
	assert_int_equal(vm_mmap(vm, 0, PAGE_SIZE, 0x10, ANON, &got), -EINVAL);
	assert_int_equal(vm_mmap(vm, 0x10001, PAGE_SIZE, RW, ANON | MAP_FIXED, &got), -EINVAL);
	assert_int_equal(vm_mmap(vm, 0, USER_TOP, RW, ANON, &got), -ENOMEM);
	assert_int_equal(vm_mprotect(vm, 0x100000, PAGE_SIZE, PROT_READ), -ENOMEM);
	assert_int_equal(vm_mprotect(vm, 0x100001, PAGE_SIZE, PROT_READ), -EINVAL);
	/* the kernel half is never mapped: fixed is refused, a hint is ignored */
	assert_int_equal(vm_mmap(vm, 0xffffffff80000000ul, PAGE_SIZE, RW, ANON | MAP_FIXED, &got),
			 -ENOMEM);
	assert_int_equal(vm_mmap(vm, 0xffffffff80000000ul, 8 << 20, RW, ANON, &got), 0);
	assert_true(got < USER_MMAP_TOP);
	/* nor the stack's reach */
	assert_int_equal(vm_mmap(vm, USER_STACK_TOP - (256 << 10), PAGE_SIZE, RW, ANON, &got), 0);
	assert_true(got + PAGE_SIZE <= USER_MMAP_TOP);
	/* lengths that wrap when rounded up */
	assert_int_equal(vm_munmap(vm, 0x100000, (uint64_t)-1), -EINVAL);
	assert_int_equal(vm_mprotect(vm, 0x100000, (uint64_t)-1, PROT_READ), -ENOMEM);
	finish(&vm, 1);
}

/* ---- page tables given back by munmap ---------------------------------------------------- */

static vaddr_t map_at(struct vm *vm, vaddr_t at, uint64_t len)
{
	vaddr_t got = 0;

	assert_int_equal(vm_mmap(vm, at, len, RW, ANON | MAP_FIXED_NOREPLACE, &got), 0);
	assert_int_equal(got, at);
	return at;
}

/* The page of the level-0 table that maps @va, and of the level-1 table above it. */
static paddr_t level0_table(struct vm *vm, vaddr_t va)
{
	pte_t *slot = pt_slot0(vm->root, va);

	assert_non_null(slot);
	return align_down(virt_to_phys(slot), PAGE_SIZE);
}

static paddr_t level1_table(struct vm *vm, vaddr_t va)
{
	pte_t e = ((pte_t *)phys_to_virt(vm->root))[pt_index(va, 2)];

	assert_true(pte_table(e));
	return pte_paddr(e);
}

/* Allocates until the free frame @pa comes back (as another user of memory would), keeping
 * the frames taken before it for the caller to put back: at most @n. */
static int take_frame(paddr_t pa, paddr_t *taken, int n)
{
	for (int i = 0; i < n; i++) {
		assert_int_equal(pmm_alloc(FRAME_ANON, &taken[i]), 0);
		if (taken[i] == pa)
			return i + 1;
	}
	fail_msg("frame 0x%lx did not come back", (unsigned long)pa);
	return n;
}

static void munmap_of_a_touched_range_returns_every_table_page(void **s)
{
	struct vm *vm = new_vm(1);
	uint64_t tables = table_frames();
	/* 8 MiB across a 1 GiB boundary: five level-0 tables under two level-1 tables */
	vaddr_t a = map_at(vm, 8 * GiB - 3 * MiB, 8 * MiB);

	(void)s;
	for (vaddr_t off = 0; off < 8 * MiB; off += MiB)
		wr(vm, a + off, 1);
	wr(vm, a + 8 * MiB - PAGE_SIZE, 2);
	assert_int_equal(table_frames() - tables, 7);
	assert_int_equal(vm_munmap(vm, a, 8 * MiB), 0);
	assert_int_equal(table_frames(), tables);
	killed(vm, a, FAULT_READ, FAULT_NO_MAPPING);
	finish(&vm, 1);
}

static void ten_thousand_rounds_of_map_touch_unmap_stay_within_64_pages(void **s)
{
	struct vm *vm = new_vm(1);
	const uint64_t start = free_frames();

	(void)s;
	for (unsigned long i = 0; i < 10000; i++) {
		/* a new address each round, across a 2 MiB boundary but the first time */
		vaddr_t a = map_at(vm, 4 * GiB + i * (2 * MiB + PAGE_SIZE), 2 * MiB);
		int64_t spent;

		wr(vm, a, 1);
		wr(vm, a + 2 * MiB - PAGE_SIZE, 2);
		assert_int_equal(vm_munmap(vm, a, 2 * MiB), 0);
		spent = (int64_t)(start - free_frames());
		if (spent > 64)
			fail_msg("round %lu: %ld frames not given back", i, (long)spent);
	}
	assert_int_equal(free_frames(), start);
	finish(&vm, 1);
}

static void one_gib_read_written_sparsely_and_unmapped_gives_back_all_but_16_pages(void **s)
{
	struct vm *vm = new_vm(1);
	const uint64_t start = free_frames(), tables = table_frames();
	vaddr_t a = map(vm, GiB, RW, ANON);

	(void)s;
	for (vaddr_t off = 0; off < GiB; off += 16 * PAGE_SIZE)
		assert_int_equal(rd(vm, a + off), 0);
	for (vaddr_t off = 0; off < GiB; off += 1024 * PAGE_SIZE)
		wr(vm, a + off + 5, 7);
	assert_true(table_frames() - tables >= 513);
	assert_int_equal(rd(vm, a + 5), 7);
	assert_int_equal(vm_munmap(vm, a, GiB), 0);
	assert_true(start - free_frames() <= 16);
	assert_int_equal(free_frames(), start); /* nothing else lives here: all of it */
	finish(&vm, 1);
}

static void partial_munmap_keeps_the_tables_the_rest_of_the_region_uses(void **s)
{
	struct vm *vm = new_vm(1);
	vaddr_t a = map_at(vm, 6 * GiB, 6 * MiB); /* three 2 MiB spans, one table each */
	uint64_t tables;

	(void)s;
	for (int k = 0; k < 3; k++) {
		wr(vm, a + k * 2 * MiB + 2 * PAGE_SIZE, (uint8_t)(k + 1));
		wr(vm, a + k * 2 * MiB + 2 * MiB - PAGE_SIZE, (uint8_t)(k + 10));
	}
	tables = table_frames();
	/* the middle span, whole: its table serves nothing any more */
	assert_int_equal(vm_munmap(vm, a + 2 * MiB, 2 * MiB), 0);
	assert_int_equal(table_frames(), tables - 1);
	/* half of the first span: the region's other half still needs the table */
	assert_int_equal(vm_munmap(vm, a, MiB), 0);
	assert_int_equal(table_frames(), tables - 1);
	/* and a page out of the middle of the last span: the region is in two, both there */
	assert_int_equal(vm_munmap(vm, a + 5 * MiB, PAGE_SIZE), 0);
	assert_int_equal(table_frames(), tables - 1);
	assert_int_equal(rd(vm, a + 2 * MiB - PAGE_SIZE), 10);
	assert_int_equal(rd(vm, a + 4 * MiB + 2 * PAGE_SIZE), 3);
	assert_int_equal(rd(vm, a + 6 * MiB - PAGE_SIZE), 12);
	killed(vm, a + 2 * PAGE_SIZE, FAULT_READ, FAULT_NO_MAPPING);
	killed(vm, a + 2 * MiB + 2 * PAGE_SIZE, FAULT_READ, FAULT_NO_MAPPING);
	audit(&vm, 1);
	/* what is left goes, its two tables and the level-1 one with it */
	assert_int_equal(vm_munmap(vm, a, 6 * MiB), 0);
	assert_int_equal(table_frames(), tables - 4);
	finish(&vm, 1);
}

static void brk_shrink_frees_the_tables_of_the_heap_it_gives_back(void **s)
{
	struct vm *vm = new_vm(1);
	const vaddr_t base = 3 * GiB + 4 * MiB;
	uint64_t tables = table_frames();

	(void)s;
	vm_set_brk_base(vm, base);
	assert_int_equal(vm_brk(vm, base + 10 * MiB), base + 10 * MiB);
	for (vaddr_t off = 0; off < 10 * MiB; off += MiB)
		wr(vm, base + off, (uint8_t)(off / MiB + 1));
	assert_int_equal(table_frames() - tables, 6); /* five level-0 tables and a level-1 */
	assert_int_equal(vm_brk(vm, base + MiB), base + MiB);
	assert_int_equal(table_frames() - tables, 2); /* the first span's table stays in use */
	assert_int_equal(rd(vm, base), 1);
	assert_int_equal(vm_brk(vm, base), base);
	assert_int_equal(table_frames(), tables);
	finish(&vm, 1);
}

static void munmap_frees_the_tables_mmap_made_ahead_for_spans_never_touched(void **s)
{
	struct vm *vm = new_vm(1);
	uint64_t tables = table_frames();
	vaddr_t a = map_at(vm, 5 * GiB, 16 * MiB);

	(void)s;
	assert_int_equal(table_frames() - tables, 9); /* made ahead: 8 level-0, 1 level-1 */
	assert_int_equal(vm_munmap(vm, a, 16 * MiB), 0);
	assert_int_equal(table_frames(), tables);
	/* longer than mmap makes ahead, one page touched past what it made */
	a = map_at(vm, 5 * GiB + MiB, 40 * MiB);
	wr(vm, a + 40 * MiB - PAGE_SIZE, 1);
	assert_int_equal(vm_munmap(vm, a, 40 * MiB), 0);
	assert_int_equal(table_frames(), tables);
	finish(&vm, 1);
}

static void a_fault_after_munmap_freed_its_table_uses_the_new_table(void **s)
{
	struct vm *vm = new_vm(1);
	vaddr_t a = map_at(vm, 7 * GiB, 2 * MiB);
	paddr_t old, taken[4];
	uint8_t *junk;
	int n;

	(void)s;
	map_at(vm, 7 * GiB + 64 * MiB, PAGE_SIZE); /* keeps the level-1 table */
	wr(vm, a, 1); /* the fault path now remembers this span's table */
	old = level0_table(vm, a);
	assert_int_equal(vm_munmap(vm, a, 2 * MiB), 0);
	assert_int_equal(pmm_kind(old), FRAME_FREE);
	/* the freed page goes to other use (zeroed: it looks like an empty table), so that a
	 * new table for the span is another page */
	n = take_frame(old, taken, 4);
	junk = phys_to_virt(old);
	memset(junk, 0, PAGE_SIZE);
	map_at(vm, a, 2 * MiB);
	assert_int_not_equal(level0_table(vm, a), old);
	wr(vm, a + PAGE_SIZE, 2);
	assert_int_equal(rd(vm, a + PAGE_SIZE), 2);
	for (unsigned int i = 0; i < PAGE_SIZE; i++)
		if (junk[i] != 0)
			fail_msg("the fault wrote into the freed table at offset %u", i);
	for (int i = 0; i < n; i++)
		pmm_put(taken[i]);
	finish(&vm, 1);
}

static void a_freed_table_leaves_nothing_in_the_harts_walk_cache(void **s)
{
	struct vm *vm = new_vm(1);
	vaddr_t a = map_at(vm, 9 * GiB, 2 * MiB); /* alone in its 1 GiB */
	paddr_t l0, l1, marker, taken[8];
	pte_t *t0, *t1;
	int n;

	(void)s;
	wr(vm, a, 1); /* the hart's walk cache holds both tables of the walk */
	l0 = level0_table(vm, a);
	l1 = level1_table(vm, a);
	assert_int_equal(vm_munmap(vm, a, 2 * MiB), 0);
	assert_int_equal(pmm_kind(l0), FRAME_FREE);
	assert_int_equal(pmm_kind(l1), FRAME_FREE);
	/* both pages reused and filled: through them, every address would read the marker */
	n = take_frame(l0, taken, 8);
	if (pmm_kind(l1) == FRAME_FREE)
		n += take_frame(l1, taken + n, 8 - n);
	assert_int_equal(pmm_alloc(FRAME_ANON, &marker), 0);
	memset(phys_to_virt(marker), 0x5a, PAGE_SIZE);
	t0 = phys_to_virt(l0);
	t1 = phys_to_virt(l1);
	for (int i = 0; i < PTES_PER_TABLE; i++) {
		t0[i] = pte_make(marker, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D);
		t1[i] = pte_make_table(l0);
	}
	/* nothing is mapped there: a hart that walked from a stale entry would read 0x5a */
	killed(vm, a + PAGE_SIZE, FAULT_READ, FAULT_NO_MAPPING);
	killed(vm, a + 4 * MiB, FAULT_READ, FAULT_NO_MAPPING);
	assert_int_equal(hart.stale_walks, 0);
	for (int i = 0; i < n; i++)
		pmm_put(taken[i]);
	pmm_put(marker);
	finish(&vm, 1);
}

static void auditor_reports_a_table_left_over_no_region(void **s)
{
	struct vm *vm = new_vm(1);
	char why[160];

	(void)s;
	map_at(vm, 10 * GiB + 4 * MiB, PAGE_SIZE);
	audit(&vm, 1);
	/* a level-0 table beside the region's, in its level-1 table: over nothing */
	assert_int_equal(pt_prebuild(vm->root, 10 * GiB + 8 * MiB, 10 * GiB + 9 * MiB, 16), 1);
	assert_int_equal(vm_audit(&vm, 1, pt_count_tables(kroot), why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "level-0 table left over no region at 0x0000000280800000"));
	map_at(vm, 10 * GiB + 9 * MiB, PAGE_SIZE); /* now it serves a region */
	audit(&vm, 1);
	/* a level-1 table (and its level-0 one) in a 1 GiB holding no region */
	assert_int_equal(pt_prebuild(vm->root, 11 * GiB, 11 * GiB + PAGE_SIZE, 16), 2);
	assert_int_equal(vm_audit(&vm, 1, pt_count_tables(kroot), why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "level-1 table left over no region at 0x00000002c0000000"));
	map_at(vm, 11 * GiB, PAGE_SIZE);
	finish(&vm, 1);
}

#define BOTH(fn) cmocka_unit_test_setup(fn, setup_hw_ad), cmocka_unit_test_setup(fn, setup_svade)

int main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH(reading_1g_of_untouched_memory_maps_the_zero_page_and_spends_no_frame),
		BOTH(write_to_untouched_memory_spends_exactly_one_zeroed_frame_per_page),
		BOTH(mmap_makes_the_tables_first_touches_need_so_no_fault_makes_one),
		BOTH(fork_makes_no_child_table_for_a_parent_table_still_empty),
		BOTH(write_after_read_replaces_the_zero_page_and_leaves_it_zero),
		BOTH(fork_child_write_copies_and_parent_keeps_its_data),
		BOTH(global_counters_sum_live_spaces_and_keep_destroyed_ones),
		BOTH(parent_write_after_fork_copies_and_child_keeps_its_data),
		BOTH(cow_write_after_the_sharer_exits_reuses_the_frame),
		BOTH(fork_chain_three_deep_shares_frames_with_refcounts_above_two),
		BOTH(cow_of_a_zero_page_mapping_stays_zero_for_the_other_side),
		BOTH(write_to_read_only_mapping_is_killed_with_permission_denied),
		BOTH(null_gap_and_kernel_addresses_are_killed_with_no_mapping),
		BOTH(mprotect_rw_r_rw_never_writes_through_the_zero_page),
		BOTH(mprotect_back_to_rw_makes_a_sole_frame_writable_without_a_fault),
		BOTH(prot_none_hides_data_and_mprotect_back_finds_it),
		BOTH(munmap_of_a_middle_slice_keeps_both_sides_and_opens_a_hole),
		BOTH(munmap_across_several_regions_removes_all_of_them),
		BOTH(map_fixed_over_an_existing_mapping_replaces_its_contents),
		BOTH(map_shared_memory_is_seen_by_parent_and_child),
		BOTH(shared_memory_mapped_prot_none_becomes_usable_and_stays_shared),
		BOTH(brk_grows_lazily_and_shrinking_unmaps),
		BOTH(stack_grows_down_to_its_limit_and_then_overflows),
		BOTH(image_pages_map_the_image_frames_and_writes_copy_them),
		BOTH(out_of_memory_kills_with_a_reason_and_leaks_nothing),
		BOTH(fork_and_cow_under_every_allocation_failure_leak_nothing),
		BOTH(mmap_errors_are_those_of_linux),
		BOTH(munmap_of_a_touched_range_returns_every_table_page),
		BOTH(ten_thousand_rounds_of_map_touch_unmap_stay_within_64_pages),
		BOTH(one_gib_read_written_sparsely_and_unmapped_gives_back_all_but_16_pages),
		BOTH(partial_munmap_keeps_the_tables_the_rest_of_the_region_uses),
		BOTH(brk_shrink_frees_the_tables_of_the_heap_it_gives_back),
		BOTH(munmap_frees_the_tables_mmap_made_ahead_for_spans_never_touched),
		BOTH(a_fault_after_munmap_freed_its_table_uses_the_new_table),
		BOTH(a_freed_table_leaves_nothing_in_the_harts_walk_cache),
		BOTH(auditor_reports_a_table_left_over_no_region),
	};

	return cmocka_run_group_tests_name("vm", tests, NULL, NULL);
}
