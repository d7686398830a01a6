/* Host tests of madvise, mremap, mlock, populating and the address-space limits (mm/vm_advise.c,
 * mm/vm_remap.c, mm/vm_lock.c, mm/vm_limits.c): values read, frames and tables spent and
 * given back, reference counts of shared frames, and the auditor after each. Every case runs
 * with hardware A/D updates and with Svade. */
#include "tests/host/vm_harness.h"

static uint64_t table_frames(void)
{
	struct pmm_stats st;

	pmm_stats(&st);
	return st.by_kind[FRAME_PAGETABLE];
}

static paddr_t frame_at(struct vm *vm, vaddr_t va)
{
	pte_t *p = pt_walk(vm->root, va, NULL);

	assert_non_null(p);
	return pte_paddr(*p);
}

static void fill(struct vm *vm, vaddr_t a, unsigned int pages, uint8_t base)
{
	for (unsigned int i = 0; i < pages; i++)
		wr(vm, a + i * PAGE_SIZE + 5, (uint8_t)(base + i));
}

static void dontneed_frees_the_frames_and_the_range_reads_zero_afterwards(void **s)
{
	struct vm *vm = new_vm(1);
	vaddr_t a = map(vm, 64 * PAGE_SIZE, RW, ANON);
	uint64_t before = anon_frames();

	(void)s;
	fill(vm, a, 64, 1);
	assert_int_equal(anon_frames(), before + 64);
	assert_int_equal(vm_madvise(vm, a + 16 * PAGE_SIZE, 32 * PAGE_SIZE, MADV_DONTNEED), 0);
	assert_int_equal(anon_frames(), before + 32);
	assert_int_equal(vm->rss, 32);
	audit(&vm, 1);
	for (unsigned int i = 0; i < 64; i++)
		assert_int_equal(rd(vm, a + i * PAGE_SIZE + 5),
				 i >= 16 && i < 48 ? 0 : (uint8_t)(1 + i));
	/* MADV_FREE may free lazily; here it frees at once, with the same result */
	assert_int_equal(vm_madvise(vm, a, 64 * PAGE_SIZE, MADV_FREE), 0);
	assert_int_equal(anon_frames(), before);
	assert_int_equal(rd(vm, a + 5), 0);
	finish(&vm, 1);
}

static void dontneed_of_whole_2mib_spans_frees_their_tables_and_faults_make_new_ones(void **s)
{
	struct vm *vm = new_vm(1);
	vaddr_t a = map(vm, 8 * MiB, RW, ANON);
	uint64_t tables;

	(void)s;
	for (vaddr_t off = 0; off < 8 * MiB; off += PAGE_SIZE)
		if (off != 4 * MiB)
			wr(vm, a + off, 7);
	wr(vm, a + 4 * MiB, 7); /* the last fault: its table, remembered, is one that goes */
	tables = table_frames();
	assert_int_equal(vm_madvise(vm, a, 8 * MiB, MADV_DONTNEED), 0);
	/* every level-0 table wholly inside went (4 at least, 5 if the region is unaligned) */
	assert_true(tables - table_frames() >= 3);
	assert_int_equal(vm->rss, 0);
	audit(&vm, 1);
	/* the fault path's remembered table was among them: new faults must make new ones */
	assert_int_equal(rd(vm, a + 4 * MiB + PAGE_SIZE), 0);
	for (vaddr_t off = 0; off < 8 * MiB; off += 64 * PAGE_SIZE) {
		assert_int_equal(rd(vm, a + off), 0);
		wr(vm, a + off, 9);
		assert_int_equal(rd(vm, a + off), 9);
	}
	finish(&vm, 1);
}

static void dontneed_in_a_child_drops_only_its_reference_to_shared_frames(void **s)
{
	struct vm *vms[2];
	vaddr_t a;
	paddr_t f;

	(void)s;
	vms[0] = new_vm(1);
	a = map(vms[0], 4 * PAGE_SIZE, RW, ANON);
	fill(vms[0], a, 4, 40);
	f = frame_at(vms[0], a);
	assert_int_equal(vm_fork(vms[0], &vms[1]), 0);
	vms[1]->asid = 2;
	assert_int_equal(pmm_refcount(f), 2);
	assert_int_equal(vm_madvise(vms[1], a, 4 * PAGE_SIZE, MADV_DONTNEED), 0);
	assert_int_equal(pmm_refcount(f), 1);
	assert_int_equal(rd(vms[1], a + 5), 0);
	assert_int_equal(rd(vms[0], a + 5), 40);
	audit(vms, 2);
	wr(vms[0], a + 5, 41); /* the parent's frame is its own again: reused, not copied */
	assert_int_equal(vms[0]->counters.cow_reuse, 1);
	finish(vms, 2);
}

static void dontneed_keeps_shared_memory_and_refuses_locked_memory(void **s)
{
	struct vm *vm = new_vm(1);
	vaddr_t sh = map(vm, 2 * PAGE_SIZE, RW, MAP_SHARED | MAP_ANONYMOUS);
	vaddr_t a = map(vm, 2 * PAGE_SIZE, RW, ANON);

	(void)s;
	wr(vm, sh, 3);
	assert_int_equal(vm_madvise(vm, sh, 2 * PAGE_SIZE, MADV_DONTNEED), 0);
	assert_int_equal(rd(vm, sh), 3); /* as Linux: the shared object still holds the page */
	assert_int_equal(vm_madvise(vm, sh, PAGE_SIZE, MADV_FREE), -EINVAL);
	assert_int_equal(vm_mlock(vm, a, PAGE_SIZE, true, 0), 0);
	assert_int_equal(vm_madvise(vm, a, PAGE_SIZE, MADV_DONTNEED), -EINVAL);
	assert_int_equal(vm_madvise(vm, a, PAGE_SIZE, MADV_DONTNEED_LOCKED), 0);
	finish(&vm, 1);
}

static void madvise_errors_are_those_of_linux(void **s)
{
	struct vm *vm = new_vm(1);
	vaddr_t a = map(vm, 4 * PAGE_SIZE, RW, ANON);
	vaddr_t none = map(vm, PAGE_SIZE, PROT_NONE, ANON);

	(void)s;
	assert_int_equal(vm_madvise(vm, a + 1, PAGE_SIZE, MADV_DONTNEED), -EINVAL);
	assert_int_equal(vm_madvise(vm, a, PAGE_SIZE, 99), -EINVAL);
	assert_int_equal(vm_madvise(vm, a, PAGE_SIZE, 14 /* MADV_HUGEPAGE */), -EINVAL);
	assert_int_equal(vm_madvise(vm, a, (uint64_t)-1, MADV_DONTNEED), -EINVAL);
	assert_int_equal(vm_madvise(vm, a, 0, MADV_DONTNEED), 0);
	/* a hole: the mapped part is done, the call says -ENOMEM */
	wr(vm, a, 1);
	assert_int_equal(vm_munmap(vm, a + PAGE_SIZE, PAGE_SIZE), 0);
	assert_int_equal(vm_madvise(vm, a, 4 * PAGE_SIZE, MADV_DONTNEED), -ENOMEM);
	assert_int_equal(rd(vm, a), 0);
	assert_int_equal(vm_madvise(vm, none, PAGE_SIZE, MADV_POPULATE_READ), -EINVAL);
	assert_int_equal(vm_madvise(vm, a, PAGE_SIZE, MADV_REMOVE), -EINVAL);
	assert_int_equal(vm_madvise(vm, a, PAGE_SIZE, MADV_WILLNEED), 0);
	assert_int_equal(vm_madvise(vm, a, PAGE_SIZE, MADV_SEQUENTIAL), 0);
	finish(&vm, 1);
}

static void populate_write_faults_the_range_in_now(void **s)
{
	struct vm *vm = new_vm(1);
	vaddr_t a = map(vm, 32 * PAGE_SIZE, RW, ANON);
	uint64_t before = anon_frames();

	(void)s;
	assert_int_equal(vm_madvise(vm, a, 32 * PAGE_SIZE, MADV_POPULATE_READ), 0);
	assert_int_equal(anon_frames(), before);
	assert_int_equal(vm->counters.zero_map, 32);
	assert_int_equal(vm_madvise(vm, a, 32 * PAGE_SIZE, MADV_POPULATE_WRITE), 0);
	assert_int_equal(anon_frames(), before + 32);
	assert_int_equal(vm->rss, 32);
	finish(&vm, 1);
}

static void map_populate_and_mlock_fault_in_before_any_access(void **s)
{
	struct vm *vm = new_vm(1);
	uint64_t before = anon_frames();
	vaddr_t a = 0, r;

	(void)s;
	assert_int_equal(vm_mmap(vm, 0, 16 * PAGE_SIZE, RW, ANON | MAP_POPULATE, &a), 0);
	assert_int_equal(anon_frames(), before + 16);
	r = map(vm, 8 * PAGE_SIZE, PROT_READ, ANON);
	assert_int_equal(vm_mlock(vm, r, 8 * PAGE_SIZE, true, 0), 0);
	assert_int_equal(vm->counters.zero_map, 8); /* read-only memory: the zero page */
	a = map(vm, 8 * PAGE_SIZE, RW, ANON);
	assert_int_equal(vm_mlock(vm, a, 8 * PAGE_SIZE, true, MLOCK_ONFAULT), 0);
	assert_int_equal(anon_frames(), before + 16); /* on fault: nothing yet */
	assert_int_equal(vm_mlock(vm, a + 1, 8 * PAGE_SIZE - 1, true, 0), 0);
	assert_int_equal(anon_frames(), before + 24);
	assert_int_equal(vm_mlock(vm, a, 8 * PAGE_SIZE, false, 0), 0);
	assert_int_equal(vm_mlock(vm, 0x7000000000ul, PAGE_SIZE, true, 0), -ENOMEM);
	assert_int_equal(vm_mlock(vm, a, PAGE_SIZE, true, 2), -EINVAL);
	finish(&vm, 1);
}

static void mlockall_future_populates_new_mappings_and_the_heap(void **s)
{
	struct vm *vm = new_vm(1);
	uint64_t before;
	vaddr_t a;

	(void)s;
	vm_set_brk_base(vm, 0x100000);
	before = anon_frames();
	assert_int_equal(vm_mlockall(vm, MCL_FUTURE), 0);
	a = map(vm, 4 * PAGE_SIZE, RW, ANON);
	assert_int_equal(anon_frames(), before + 4);
	assert_int_equal(vm_brk(vm, 0x100000 + 2 * PAGE_SIZE), 0x100000 + 2 * PAGE_SIZE);
	assert_int_equal(anon_frames(), before + 6);
	vm_munlockall(vm);
	a = map(vm, 4 * PAGE_SIZE, RW, ANON);
	assert_int_equal(anon_frames(), before + 6);
	assert_int_equal(vm_madvise(vm, a, PAGE_SIZE, MADV_DONTNEED), 0);
	assert_int_equal(vm_mlockall(vm, MCL_ONFAULT), -EINVAL);
	assert_int_equal(vm_mlockall(vm, 0), -EINVAL);
	finish(&vm, 1);
}

static void mremap_move_carries_the_ptes_and_copies_no_page(void **s)
{
	struct vm *vm = new_vm(1);
	vaddr_t a = map(vm, 16 * PAGE_SIZE, RW, ANON), b, to = 0;
	uint64_t frames, allocs;
	paddr_t f;

	(void)s;
	b = map(vm, PAGE_SIZE, RW, ANON); /* right below a (gaps are taken from the top) */
	assert_int_equal(vm_munmap(vm, b, PAGE_SIZE), 0);
	assert_int_equal(
	    vm_mmap(vm, a + 16 * PAGE_SIZE, PAGE_SIZE, PROT_READ, ANON | MAP_FIXED, &b),
	    0); /* a neighbour above: no growing in place */
	fill(vm, a, 16, 10);
	f = frame_at(vm, a + 3 * PAGE_SIZE);
	frames = anon_frames();
	allocs = vm->counters.anon_alloc;
	assert_int_equal(vm_mremap(vm, a, 16 * PAGE_SIZE, 32 * PAGE_SIZE, 0, 0, &to), -ENOMEM);
	assert_int_equal(vm_mremap(vm, a, 16 * PAGE_SIZE, 32 * PAGE_SIZE, MREMAP_MAYMOVE, 0, &to),
			 0);
	assert_int_not_equal(to, a);
	assert_int_equal(anon_frames(), frames);
	assert_int_equal(frame_at(vm, to + 3 * PAGE_SIZE), f);
	audit(&vm, 1);
	for (unsigned int i = 0; i < 16; i++)
		assert_int_equal(rd(vm, to + i * PAGE_SIZE + 5), (uint8_t)(10 + i));
	assert_int_equal(rd(vm, to + 20 * PAGE_SIZE), 0);
	assert_int_equal(vm->counters.anon_alloc, allocs);
	assert_int_equal(vm->rss, 16);
	killed(vm, a, FAULT_READ, FAULT_NO_MAPPING);
	finish(&vm, 1);
}

static void mremap_keeps_cow_sharing_and_reference_counts(void **s)
{
	struct vm *vms[2];
	vaddr_t a, to = 0;
	paddr_t f;

	(void)s;
	vms[0] = new_vm(1);
	a = map(vms[0], 8 * PAGE_SIZE, RW, ANON);
	fill(vms[0], a, 8, 60);
	assert_int_equal(vm_fork(vms[0], &vms[1]), 0);
	vms[1]->asid = 2;
	f = frame_at(vms[0], a);
	assert_int_equal(vm_mremap(vms[0], a, 8 * PAGE_SIZE, 8 * PAGE_SIZE,
				   MREMAP_MAYMOVE | MREMAP_FIXED, 0x20000000, &to),
			 0);
	assert_int_equal(to, 0x20000000);
	assert_int_equal(frame_at(vms[0], to), f);
	assert_int_equal(pmm_refcount(f), 2);
	audit(vms, 2);
	wr(vms[0], to + 5, 99); /* still copy-on-write at the new place */
	assert_int_equal(vms[0]->counters.cow_copy, 1);
	assert_int_equal(rd(vms[1], a + 5), 60);
	assert_int_equal(pmm_refcount(f), 1);
	finish(vms, 2);
}

static void mremap_grows_and_shrinks_in_place(void **s)
{
	struct vm *vm = new_vm(1);
	vaddr_t a = 0x30000000, to = 0;
	uint64_t before = anon_frames();

	(void)s;
	assert_int_equal(vm_mmap(vm, a, 4 * PAGE_SIZE, RW, ANON | MAP_FIXED, &to), 0);
	fill(vm, a, 4, 1);
	assert_int_equal(vm_mremap(vm, a, 4 * PAGE_SIZE, 12 * PAGE_SIZE, 0, 0, &to), 0);
	assert_int_equal(to, a);
	wr(vm, a + 11 * PAGE_SIZE, 5);
	assert_int_equal(rd(vm, a + 3 * PAGE_SIZE + 5), 4);
	assert_int_equal(vm_mremap(vm, a, 12 * PAGE_SIZE, 2 * PAGE_SIZE, 0, 0, &to), 0);
	assert_int_equal(to, a);
	assert_int_equal(anon_frames(), before + 2);
	killed(vm, a + 2 * PAGE_SIZE, FAULT_READ, FAULT_NO_MAPPING);
	assert_int_equal(rd(vm, a + PAGE_SIZE + 5), 2);
	finish(&vm, 1);
}

static void mremap_fixed_replaces_and_dontunmap_leaves_the_old_range_empty(void **s)
{
	struct vm *vm = new_vm(1);
	vaddr_t src = map(vm, 4 * PAGE_SIZE, RW, ANON);
	vaddr_t dst = map(vm, 8 * PAGE_SIZE, RW, ANON), to = 0;
	uint64_t frames;

	(void)s;
	fill(vm, src, 4, 'a');
	fill(vm, dst, 8, 'X');
	frames = anon_frames();
	assert_int_equal(vm_mremap(vm, src, 4 * PAGE_SIZE, 4 * PAGE_SIZE,
				   MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP, dst, &to),
			 0);
	assert_int_equal(to, dst);
	assert_int_equal(anon_frames(), frames - 4); /* dst's first 4 pages were replaced */
	for (unsigned int i = 0; i < 4; i++) {
		assert_int_equal(rd(vm, src + i * PAGE_SIZE + 5), 0);
		assert_int_equal(rd(vm, dst + i * PAGE_SIZE + 5), (uint8_t)('a' + i));
	}
	assert_int_equal(rd(vm, dst + 5 * PAGE_SIZE + 5), (uint8_t)('X' + 5));
	audit(&vm, 1);
	finish(&vm, 1);
}

static void mremap_errors_are_those_of_linux(void **s)
{
	struct vm *vm = new_vm(1);
	vaddr_t a = map(vm, 4 * PAGE_SIZE, RW, ANON), to = 0;

	(void)s;
	assert_int_equal(vm_mremap(vm, a, PAGE_SIZE, PAGE_SIZE, 8, 0, &to), -EINVAL);
	assert_int_equal(vm_mremap(vm, a, PAGE_SIZE, PAGE_SIZE, MREMAP_FIXED, 0, &to), -EINVAL);
	assert_int_equal(
	    vm_mremap(vm, a, PAGE_SIZE, 2 * PAGE_SIZE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0, &to),
	    -EINVAL);
	assert_int_equal(vm_mremap(vm, a + 1, PAGE_SIZE, PAGE_SIZE, 0, 0, &to), -EINVAL);
	assert_int_equal(vm_mremap(vm, a, PAGE_SIZE, 0, 0, 0, &to), -EINVAL);
	assert_int_equal(vm_mremap(vm, 0x7000000, PAGE_SIZE, 2 * PAGE_SIZE, MREMAP_MAYMOVE, 0, &to),
			 -EFAULT);
	assert_int_equal(vm_mremap(vm, a, 8 * PAGE_SIZE, 9 * PAGE_SIZE, MREMAP_MAYMOVE, 0, &to),
			 -EFAULT);
	assert_int_equal(vm_mremap(vm, a, 0, PAGE_SIZE, MREMAP_MAYMOVE, 0, &to), -EINVAL);
	assert_int_equal(vm_mremap(vm, a, 2 * PAGE_SIZE, 2 * PAGE_SIZE,
				   MREMAP_MAYMOVE | MREMAP_FIXED, a + PAGE_SIZE, &to),
			 -EINVAL); /* overlapping */
	finish(&vm, 1);
}

static void address_space_and_data_limits_refuse_mmap_brk_and_mremap(void **s)
{
	struct vm *vm = new_vm(1);
	vaddr_t a, to = 0;

	(void)s;
	vm_set_brk_base(vm, 0x100000);
	a = map(vm, 16 * PAGE_SIZE, RW, ANON);
	vm_set_limits(vm, 32 * PAGE_SIZE, VM_NO_LIMIT, USER_STACK_LIMIT, VM_NO_LIMIT);
	assert_int_equal(vm_mmap(vm, 0, 17 * PAGE_SIZE, PROT_READ, ANON, &to), -ENOMEM);
	assert_int_equal(vm_mmap(vm, 0, 16 * PAGE_SIZE, PROT_READ, ANON, &to), 0);
	assert_int_equal(vm_brk(vm, 0x100000 + PAGE_SIZE), 0x100000);
	assert_int_equal(vm_mremap(vm, a, 16 * PAGE_SIZE, 17 * PAGE_SIZE, MREMAP_MAYMOVE, 0, &to),
			 -ENOMEM);
	/* MAP_FIXED over what is there counts what it replaces */
	assert_int_equal(vm_mmap(vm, a, 16 * PAGE_SIZE, RW, ANON | MAP_FIXED, &to), 0);
	vm_set_limits(vm, VM_NO_LIMIT, 20 * PAGE_SIZE, USER_STACK_LIMIT, VM_NO_LIMIT);
	assert_int_equal(vm_mmap(vm, 0, 8 * PAGE_SIZE, RW, ANON, &to), -ENOMEM);
	assert_int_equal(vm_mmap(vm, 0, 8 * PAGE_SIZE, PROT_READ, ANON, &to), 0);
	assert_int_equal(vm_brk(vm, 0x100000 + 4 * PAGE_SIZE), 0x100000 + 4 * PAGE_SIZE);
	assert_int_equal(vm_brk(vm, 0x100000 + 5 * PAGE_SIZE), 0x100000 + 4 * PAGE_SIZE);
	finish(&vm, 1);
}

static void mincore_reports_resident_pages_and_holes(void **s)
{
	struct vm *vm = new_vm(1);
	vaddr_t a = map(vm, 4 * PAGE_SIZE, RW, ANON);
	uint8_t vec[8] = { 9, 9, 9, 9, 9, 9, 9, 9 };

	(void)s;
	wr(vm, a, 1);
	assert_int_equal(rd(vm, a + 2 * PAGE_SIZE), 0);
	assert_int_equal(vm_mincore(vm, a, 8, vec), 4); /* stops at the region's end */
	assert_int_equal(vec[0], 1);
	assert_int_equal(vec[1], 0);
	assert_int_equal(vec[2], 1);
	assert_int_equal(vec[3], 0);
	assert_int_equal(vm_mincore(vm, a + 4 * PAGE_SIZE, 1, vec), -ENOMEM);
	assert_int_equal(vm_msync(vm, a, PAGE_SIZE, MS_SYNC), 0);
	assert_int_equal(vm_msync(vm, a, PAGE_SIZE, MS_SYNC | MS_ASYNC), -EINVAL);
	assert_int_equal(vm_msync(vm, a, 8 * PAGE_SIZE, MS_SYNC), -ENOMEM);
	finish(&vm, 1);
}

static void fork_leaves_out_dontfork_memory_and_wipes_wipeonfork_memory(void **s)
{
	struct vm *vms[2];
	vaddr_t a, b;

	(void)s;
	vms[0] = new_vm(1);
	a = map(vms[0], PAGE_SIZE, RW, ANON);
	b = map(vms[0], PAGE_SIZE, RW, ANON);
	wr(vms[0], a, 1);
	wr(vms[0], b, 2);
	assert_int_equal(vm_madvise(vms[0], a, PAGE_SIZE, MADV_DONTFORK), 0);
	assert_int_equal(vm_madvise(vms[0], b, PAGE_SIZE, MADV_WIPEONFORK), 0);
	assert_int_equal(vm_mlock(vms[0], b, PAGE_SIZE, true, 0), 0);
	assert_int_equal(vm_fork(vms[0], &vms[1]), 0);
	vms[1]->asid = 2;
	killed(vms[1], a, FAULT_READ, FAULT_NO_MAPPING);
	assert_int_equal(rd(vms[1], b), 0);
	assert_int_equal(rd(vms[0], b), 2);
	/* locks are not inherited: the child may drop its pages */
	assert_int_equal(vm_madvise(vms[1], b, PAGE_SIZE, MADV_DONTNEED), 0);
	finish(vms, 2);
}

#define BOTH(fn) cmocka_unit_test_setup(fn, setup_hw_ad), cmocka_unit_test_setup(fn, setup_svade)

int main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH(dontneed_frees_the_frames_and_the_range_reads_zero_afterwards),
		BOTH(dontneed_of_whole_2mib_spans_frees_their_tables_and_faults_make_new_ones),
		BOTH(dontneed_in_a_child_drops_only_its_reference_to_shared_frames),
		BOTH(dontneed_keeps_shared_memory_and_refuses_locked_memory),
		BOTH(madvise_errors_are_those_of_linux),
		BOTH(populate_write_faults_the_range_in_now),
		BOTH(map_populate_and_mlock_fault_in_before_any_access),
		BOTH(mlockall_future_populates_new_mappings_and_the_heap),
		BOTH(mremap_move_carries_the_ptes_and_copies_no_page),
		BOTH(mremap_keeps_cow_sharing_and_reference_counts),
		BOTH(mremap_grows_and_shrinks_in_place),
		BOTH(mremap_fixed_replaces_and_dontunmap_leaves_the_old_range_empty),
		BOTH(mremap_errors_are_those_of_linux),
		BOTH(address_space_and_data_limits_refuse_mmap_brk_and_mremap),
		BOTH(mincore_reports_resident_pages_and_holes),
		BOTH(fork_leaves_out_dontfork_memory_and_wipes_wipeonfork_memory),
	};

	return cmocka_run_group_tests_name("vm_advise", tests, NULL, NULL);
}
