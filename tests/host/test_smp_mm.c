/* Address spaces on several harts (mm/vm_flush.c and the shootdowns of mm/): software harts
 * that each keep their own TLB and walk cache run one space (threads) or a parent and its
 * child, and each test shows that what one hart takes away no other hart can still use. */
#include "tests/host/vm_harness.h"

#define NHARTS 4

static struct hart_model H[NHARTS];

/* Four harts, hart 0 current; the one-hart harness's own hart is left unused. */
static int setup_smp(void **state)
{
	int rc = setup(state);

	hm_init_smp(H, NHARTS, svade);
	host_flushes_reset();
	return rc;
}

static int setup_smp_svade(void **state)
{
	svade = true;
	return setup_smp(state);
}

static int setup_smp_hw_ad(void **state)
{
	svade = false;
	return setup_smp(state);
}

/* The shootdown invariant on every hart, and no frame was freed before a hart that could
 * still reach it had flushed. */
static void check(struct vm *const *vms, int n)
{
	char why[200];

	if (hm_check_tlbs(vms, n, why, sizeof(why)))
		fail_msg("TLB invariant: %s", why);
	for (int h = 0; h < NHARTS; h++)
		if (H[h].freed_frame_before_flush)
			fail_msg("hart %d cached a frame freed before its shootdown", h);
}

static uint8_t rd_on(int h, struct vm *vm, vaddr_t va)
{
	enum fault_reason why;
	uint8_t v = 0xee;

	hm_enter(&H[h], vm);
	if (hm_user(&H[h], vm, va, FAULT_READ, &v, &why))
		fail_msg("hart %d: read of 0x%lx killed: %s", h, (unsigned long)va,
			 vm_fault_reason_text(why));
	return v;
}

static void wr_on(int h, struct vm *vm, vaddr_t va, uint8_t v)
{
	enum fault_reason why;

	hm_enter(&H[h], vm);
	if (hm_user(&H[h], vm, va, FAULT_WRITE, &v, &why))
		fail_msg("hart %d: write of 0x%lx killed: %s", h, (unsigned long)va,
			 vm_fault_reason_text(why));
}

/* The hart's very next access, before any fault handling, traps: nothing stale served it. */
static void traps_on(int h, struct vm *vm, vaddr_t va, enum fault_access acc)
{
	uint8_t v = 0x5a;

	hm_enter(&H[h], vm);
	assert_int_not_equal(hm_access(&H[h], va, acc, &v), 0);
}

/* The access kills the task for @expected. */
static void killed_on(int h, struct vm *vm, vaddr_t va, enum fault_access acc,
		      enum fault_reason expected)
{
	enum fault_reason why;
	uint8_t v = 1;

	hm_enter(&H[h], vm);
	assert_int_not_equal(hm_user(&H[h], vm, va, acc, &v, &why), 0);
	assert_string_equal(vm_fault_reason_text(why), vm_fault_reason_text(expected));
}

/* Everything back, and no hart's walk cache named a freed table: each hart flushes all it
 * holds at the end, which checks every walk cache entry still names a table page. */
static void finish_smp(struct vm **vms, int n)
{
	check(vms, n);
	audit(vms, n);
	hm_set_current(&H[0]);
	for (int i = 0; i < n; i++)
		vm_destroy(vms[i]);
	for (int h = 0; h < NHARTS; h++) {
		hm_set_current(&H[h]);
		hm_flush_all();
	}
	assert_int_equal(free_frames(), baseline_free);
	for (int h = 0; h < NHARTS; h++) {
		if (H[h].stale_walks)
			fail_msg("hart %d walked from a freed table %lu times", h,
				 H[h].stale_walks);
		assert_int_equal(H[h].freed_before_flush, 0);
		assert_int_equal(H[h].freed_frame_before_flush, 0);
	}
}

static void munmap_on_a_makes_b_fault_and_keeps_the_frame_until_b_flushed(void **state)
{
	struct vm *vm = new_vm(1);
	vaddr_t at = map(vm, 4 * PAGE_SIZE, RW, ANON);

	(void)state;
	wr_on(0, vm, at + PAGE_SIZE, 0x11);
	assert_int_equal(rd_on(1, vm, at + PAGE_SIZE), 0x11); /* B caches it */
	hm_set_current(&H[0]);
	assert_int_equal(vm_munmap(vm, at + PAGE_SIZE, PAGE_SIZE), 0);
	check(&vm, 1);
	assert_int_equal(H[1].shootdowns, 1);
	traps_on(1, vm, at + PAGE_SIZE, FAULT_READ);
	killed_on(1, vm, at + PAGE_SIZE, FAULT_READ, FAULT_NO_MAPPING);
	finish_smp(&vm, 1);
}

static void munmap_of_many_pages_and_their_tables_reaches_every_hart(void **state)
{
	struct vm *vm = new_vm(1);
	/* more pages than one operation flushes one by one, over two level-0 tables */
	const uint64_t len = 2 * MiB + 64 * PAGE_SIZE;
	vaddr_t at = 0;

	(void)state;
	assert_int_equal(vm_mmap(vm, 0x40000000ul - 32 * PAGE_SIZE, len, RW, ANON | MAP_FIXED, &at),
			 0);
	for (vaddr_t va = at; va < at + len; va += 8 * PAGE_SIZE)
		wr_on(0, vm, va, (uint8_t)(va >> PAGE_SHIFT));
	/* the other harts cache the first pages too, whose frames fill the first batch of
	 * deferred puts (that batch settles before the rest: its shootdown must come first) */
	for (int h = 1; h < NHARTS; h++) {
		for (vaddr_t va = at; va < at + len; va += 8 * PAGE_SIZE)
			assert_int_equal(rd_on(h, vm, va), (uint8_t)(va >> PAGE_SHIFT));
		for (vaddr_t va = at; va < at + 64 * PAGE_SIZE; va += 8 * PAGE_SIZE)
			assert_int_equal(rd_on(h, vm, va), (uint8_t)(va >> PAGE_SHIFT));
	}
	hm_set_current(&H[2]);
	host_flushes_reset();
	assert_int_equal(vm_munmap(vm, at, len), 0);
	/* once per other hart for each batch of frames */
	assert_true(host_flushes()->shootdowns >= NHARTS - 1);
	check(&vm, 1);
	for (int h = 0; h < NHARTS; h++)
		traps_on(h, vm, at + 8 * PAGE_SIZE, FAULT_READ);
	finish_smp(&vm, 1);
}

static void mprotect_read_on_a_makes_b_write_fault_when_it_returns(void **state)
{
	struct vm *vm = new_vm(1);
	vaddr_t at = map(vm, 2 * PAGE_SIZE, RW, ANON);

	(void)state;
	wr_on(0, vm, at, 1);
	wr_on(1, vm, at, 2); /* B caches a writable, dirty translation */
	hm_set_current(&H[0]);
	assert_int_equal(vm_mprotect(vm, at, 2 * PAGE_SIZE, PROT_READ), 0);
	check(&vm, 1);
	traps_on(1, vm, at, FAULT_WRITE);
	killed_on(1, vm, at, FAULT_WRITE, FAULT_PERMISSION);
	assert_int_equal(rd_on(1, vm, at), 2);
	finish_smp(&vm, 1);
}

static void fork_on_a_keeps_b_from_writing_the_frame_the_child_shares(void **state)
{
	struct vm *vms[2] = { new_vm(1), NULL };
	vaddr_t at = map(vms[0], PAGE_SIZE, RW, ANON);

	(void)state;
	wr_on(0, vms[0], at, 'p');
	wr_on(1, vms[0], at, 'q'); /* B holds a writable translation to the frame */
	hm_set_current(&H[0]);
	assert_int_equal(vm_fork(vms[0], &vms[1]), 0);
	vms[1]->asid = 2;
	check(vms, 2);
	wr_on(1, vms[0], at, 'r'); /* must copy, not write the shared frame */
	assert_int_equal(rd_on(2, vms[1], at), 'q');
	assert_int_equal(rd_on(0, vms[0], at), 'r');
	check(vms, 2);
	finish_smp(vms, 2);
}

static void cow_copy_on_a_is_what_b_reads_next(void **state)
{
	struct vm *vms[2] = { new_vm(1), NULL };
	vaddr_t at = map(vms[0], PAGE_SIZE, RW, ANON);

	(void)state;
	wr_on(0, vms[0], at, 'x');
	hm_set_current(&H[0]);
	assert_int_equal(vm_fork(vms[0], &vms[1]), 0);
	vms[1]->asid = 2;
	assert_int_equal(rd_on(1, vms[0], at), 'x'); /* B caches the shared frame */
	wr_on(0, vms[0], at, 'y');		     /* A's write copies it */
	check(vms, 2);
	assert_int_equal(rd_on(1, vms[0], at), 'y');
	assert_int_equal(rd_on(2, vms[1], at), 'x');
	finish_smp(vms, 2);
}

static void zero_page_replaced_on_a_is_what_b_reads_next(void **state)
{
	struct vm *vm = new_vm(1);
	vaddr_t at = map(vm, PAGE_SIZE, RW, ANON);

	(void)state;
	assert_int_equal(rd_on(1, vm, at), 0); /* B caches the zero page */
	wr_on(0, vm, at, 0x77);
	check(&vm, 1);
	assert_int_equal(rd_on(1, vm, at), 0x77);
	finish_smp(&vm, 1);
}

static void dontneed_on_a_makes_b_read_zeros(void **state)
{
	struct vm *vm = new_vm(1);
	vaddr_t at = map(vm, 2 * PAGE_SIZE, RW, ANON);

	(void)state;
	wr_on(0, vm, at, 0x42);
	assert_int_equal(rd_on(1, vm, at), 0x42);
	hm_set_current(&H[0]);
	assert_int_equal(vm_madvise(vm, at, 2 * PAGE_SIZE, MADV_DONTNEED), 0);
	check(&vm, 1);
	assert_int_equal(rd_on(1, vm, at), 0);
	finish_smp(&vm, 1);
}

static void mremap_move_on_a_makes_b_fault_at_the_old_address(void **state)
{
	struct vm *vm = new_vm(1);
	vaddr_t at = map(vm, 2 * PAGE_SIZE, RW, ANON), to = 0;

	(void)state;
	wr_on(0, vm, at, 0x31);
	assert_int_equal(rd_on(1, vm, at), 0x31);
	hm_set_current(&H[0]);
	assert_int_equal(vm_mremap(vm, at, 2 * PAGE_SIZE, 2 * PAGE_SIZE,
				   MREMAP_MAYMOVE | MREMAP_FIXED, at + 64 * PAGE_SIZE, &to),
			 0);
	check(&vm, 1);
	traps_on(1, vm, at, FAULT_READ);
	killed_on(1, vm, at, FAULT_READ, FAULT_NO_MAPPING);
	assert_int_equal(rd_on(1, vm, to), 0x31);
	finish_smp(&vm, 1);
}

static void a_space_destroyed_leaves_nothing_for_the_next_owner_of_its_asid(void **state)
{
	struct vm *x = new_vm(5), *y;
	vaddr_t at = 0x20000000ul, got = 0;

	(void)state;
	assert_int_equal(vm_mmap(x, at, PAGE_SIZE, RW, ANON | MAP_FIXED, &got), 0);
	wr_on(0, x, at, 0xaa);
	assert_int_equal(rd_on(1, x, at), 0xaa); /* B caches X's page */
	hm_set_current(&H[0]);
	vm_destroy(x);
	y = new_vm(5); /* the ASID goes to a new space */
	assert_int_equal(vm_mmap(y, at, PAGE_SIZE, RW, ANON | MAP_FIXED, &got), 0);
	check(&y, 1);
	assert_int_equal(rd_on(1, y, at), 0);
	finish_smp(&y, 1);
}

static void four_harts_each_flush_once_and_a_lone_hart_asks_none(void **state)
{
	struct vm *vm = new_vm(1), *lone = new_vm(2);
	vaddr_t at = map(vm, PAGE_SIZE, RW, ANON), at2 = map(lone, PAGE_SIZE, RW, ANON);
	struct vm *both[2] = { vm, lone };
	uint64_t before;

	(void)state;
	for (int h = 0; h < NHARTS; h++)
		wr_on(h, vm, at, (uint8_t)h);
	wr_on(3, lone, at2, 9);
	host_flushes_reset();
	before = free_frames();
	assert_int_equal(vm_munmap(lone, at2, PAGE_SIZE), 0); /* only hart 3 ran it */
	assert_int_equal(host_flushes()->shootdowns, 0);
	assert_true(free_frames() > before);   /* its frame went back at once */
	assert_int_equal(rd_on(3, vm, at), 3); /* hart 3 is back in the shared space */
	hm_set_current(&H[1]);
	assert_int_equal(vm_munmap(vm, at, PAGE_SIZE), 0);
	assert_int_equal(host_flushes()->shootdowns, NHARTS - 1);
	for (int h = 0; h < NHARTS; h++)
		traps_on(h, vm, at, FAULT_READ);
	finish_smp(both, 2);
}

/* A hart that switched away from the space is not interrupted: it is marked, and flushes
 * as it comes back, so neither a right taken away nor an unmapped page serves it then. */
static void a_hart_away_is_marked_not_interrupted_and_cannot_use_what_went_when_back(void **state)
{
	struct vm *vm = new_vm(1);
	vaddr_t at = map(vm, 2 * PAGE_SIZE, RW, ANON);
	uint64_t before;

	(void)state;
	wr_on(0, vm, at, 0x11);
	wr_on(0, vm, at + PAGE_SIZE, 0x22);
	for (int h = 1; h <= 2; h++) {
		assert_int_equal(rd_on(h, vm, at), 0x11); /* each caches both pages */
		assert_int_equal(rd_on(h, vm, at + PAGE_SIZE), 0x22);
	}
	hm_leave(&H[1], vm); /* hart 1 goes idle; hart 2 stays in the space */
	hm_set_current(&H[0]);
	host_flushes_reset();
	assert_int_equal(vm_mprotect(vm, at, PAGE_SIZE, PROT_READ), 0);
	assert_int_equal(host_flushes()->shootdowns, 1); /* hart 2 only */
	check(&vm, 1);
	before = free_frames();
	hm_set_current(&H[0]);
	assert_int_equal(vm_munmap(vm, at + PAGE_SIZE, PAGE_SIZE), 0);
	assert_int_equal(host_flushes()->shootdowns, 2);
	assert_true(free_frames() > before); /* hart 1 is not waited for */
	check(&vm, 1);
	for (int h = 1; h <= 2; h++) {
		traps_on(h, vm, at, FAULT_WRITE);
		traps_on(h, vm, at + PAGE_SIZE, FAULT_READ);
	}
	finish_smp(&vm, 1);
}

#define SMP(fn)                                                                                    \
	cmocka_unit_test_setup(fn, setup_smp_hw_ad), cmocka_unit_test_setup(fn, setup_smp_svade)

int main(void)
{
	const struct CMUnitTest tests[] = {
		SMP(munmap_on_a_makes_b_fault_and_keeps_the_frame_until_b_flushed),
		SMP(munmap_of_many_pages_and_their_tables_reaches_every_hart),
		SMP(mprotect_read_on_a_makes_b_write_fault_when_it_returns),
		SMP(fork_on_a_keeps_b_from_writing_the_frame_the_child_shares),
		SMP(cow_copy_on_a_is_what_b_reads_next),
		SMP(zero_page_replaced_on_a_is_what_b_reads_next),
		SMP(dontneed_on_a_makes_b_read_zeros),
		SMP(mremap_move_on_a_makes_b_fault_at_the_old_address),
		SMP(a_space_destroyed_leaves_nothing_for_the_next_owner_of_its_asid),
		SMP(four_harts_each_flush_once_and_a_lone_hart_asks_none),
		SMP(a_hart_away_is_marked_not_interrupted_and_cannot_use_what_went_when_back),
	};

	return cmocka_run_group_tests_name("smp_mm", tests, NULL, NULL);
}
