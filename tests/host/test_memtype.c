/* Host tests of memory types in PTEs: the board's decision (Svpbmt, T-Head MAEE, none) and the
 * bits the real fault path puts in task PTEs, read back through a software hart that refuses
 * high bits it does not implement, as the privileged spec says. */
#include "tests/host/vm_harness.h"

#include "platform/board.h"

#define THEAD_RAM    (PTE_THEAD_C | PTE_THEAD_B | PTE_THEAD_SH)
#define MEMTYPE_BITS (PTE_PBMT_MASK | PTE_THEAD_MASK)

/* A fresh arena whose task PTEs carry @type's RAM bits, read by a hart of @hart_type. */
static void start(enum board_memtype type, enum hm_memtype hart_type)
{
	struct pte_attrs a = board_memtype_attrs(type);

	vm_set_pte_attrs(&a);
	setup(NULL);
	hart.memtype = hart_type;
}

static void stop(struct vm **vms, int n)
{
	const struct pte_attrs none = { 0 };

	finish(vms, n);
	vm_set_pte_attrs(&none);
}

/* The memory-type bits of the leaf behind the last access of the hart. */
static uint64_t last_type(void)
{
	return hart.last_pte & MEMTYPE_BITS;
}

/* Every non-leaf entry of @vm's user half: none may carry a memory type. */
static void assert_tables_plain(const struct vm *vm)
{
	const pte_t *l2 = phys_to_virt(vm->root);

	for (unsigned int i = 0; i < PTES_PER_TABLE / 2; i++) {
		const pte_t *l1;

		if (!pte_table(l2[i]))
			continue;
		assert_int_equal(l2[i] & PTE_HIGH_MASK, 0);
		l1 = phys_to_virt(pte_paddr(l2[i]));
		for (unsigned int j = 0; j < PTES_PER_TABLE; j++)
			if (pte_table(l1[j]))
				assert_int_equal(l1[j] & PTE_HIGH_MASK, 0);
	}
}

/*
 * The pages a task meets, each checked after the access that made it: the shared zero page
 * (read), a fresh anonymous frame (write), a copy-on-write copy and a reused sole frame after
 * fork, and a page made writable again by mprotect. Each leaf must carry @want.
 */
static void every_kind_of_page_carries(uint64_t want)
{
	struct vm *vm = new_vm(1), *child;
	vaddr_t a = map(vm, 4 * PAGE_SIZE, RW, ANON);

	assert_int_equal(rd(vm, a), 0);
	assert_int_equal(last_type(), want);
	wr(vm, a + PAGE_SIZE, 7);
	assert_int_equal(last_type(), want);
	assert_int_equal(vm_fork(vm, &child), 0);
	child->asid = 2;
	wr(child, a + PAGE_SIZE, 8); /* shared with the parent: a copy */
	assert_int_equal(last_type(), want);
	wr(vm, a + PAGE_SIZE, 9); /* the parent's is its own again: reused in place */
	assert_int_equal(last_type(), want);
	assert_int_equal(rd(child, a + PAGE_SIZE), 8);
	assert_int_equal(vm_mprotect(vm, a, 4 * PAGE_SIZE, PROT_READ), 0);
	assert_int_equal(vm_mprotect(vm, a, 4 * PAGE_SIZE, RW), 0);
	wr(vm, a + PAGE_SIZE, 10);
	assert_int_equal(last_type(), want);
	assert_int_equal(rd(vm, a + PAGE_SIZE), 10);
	assert_tables_plain(vm);
	assert_tables_plain(child);
	{
		struct vm *vms[] = { vm, child };

		stop(vms, 2);
	}
}

static void without_memtypes_task_ptes_have_no_high_bits(void **state)
{
	(void)state;
	start(BOARD_MEMTYPE_NONE, HM_MEMTYPE_NONE);
	every_kind_of_page_carries(0);
}

static void svpbmt_task_ram_is_pma_and_devices_are_io(void **state)
{
	struct pte_attrs a = board_memtype_attrs(BOARD_MEMTYPE_SVPBMT);

	(void)state;
	assert_int_equal(a.ram, PTE_PBMT_PMA);
	assert_int_equal(a.io, PTE_PBMT_IO);
	assert_int_equal(a.nc, PTE_PBMT_NC);
	start(BOARD_MEMTYPE_SVPBMT, HM_MEMTYPE_SVPBMT);
	every_kind_of_page_carries(PTE_PBMT_PMA);
}

static void thead_task_ram_is_cacheable_bufferable_shareable(void **state)
{
	struct pte_attrs a = board_memtype_attrs(BOARD_MEMTYPE_THEAD_MAEE);

	(void)state;
	assert_int_equal(a.ram, THEAD_RAM);
	assert_int_equal(a.io, PTE_THEAD_SO | PTE_THEAD_SH); /* strongly ordered, uncached */
	assert_int_equal(a.nc, PTE_THEAD_B | PTE_THEAD_SH);
	start(BOARD_MEMTYPE_THEAD_MAEE, HM_MEMTYPE_THEAD);
	every_kind_of_page_carries(THEAD_RAM);
}

/* The model must be able to tell: T-Head's bits on a standard hart are reserved bits, a page
 * fault the handler cannot resolve. */
static void a_standard_hart_refuses_thead_bits(void **state)
{
	struct vm *vm;
	enum fault_reason why;
	vaddr_t a;
	uint8_t v = 1;

	(void)state;
	start(BOARD_MEMTYPE_THEAD_MAEE, HM_MEMTYPE_NONE);
	vm = new_vm(1);
	a = map(vm, PAGE_SIZE, RW, ANON);
	hm_switch(&hart, vm->root, vm->asid);
	assert_int_not_equal(hm_user(&hart, vm, a, FAULT_WRITE, &v, &why), 0);
	stop(&vm, 1);
}

/* Which scheme a hart gets: T-Head's needs both its core's compatible and T-Head's vendor id
 * (a C906 devicetree on another vendor's core, or a T-Head core of a later design with
 * standard Svpbmt, gets the standard), and it wins over an "svpbmt" in the ISA string. */
static void memtype_needs_thead_compatible_and_vendor_id(void **state)
{
	(void)state;
	assert_int_equal(board_memtype_for(0, 0), BOARD_MEMTYPE_NONE);
	assert_int_equal(board_memtype_for(0, MVENDORID_THEAD), BOARD_MEMTYPE_NONE);
	assert_int_equal(board_memtype_for(FDT_HART_SVPBMT, 0), BOARD_MEMTYPE_SVPBMT);
	assert_int_equal(board_memtype_for(FDT_HART_THEAD_MAEE, 0), BOARD_MEMTYPE_NONE);
	assert_int_equal(board_memtype_for(FDT_HART_THEAD_MAEE, MVENDORID_THEAD),
			 BOARD_MEMTYPE_THEAD_MAEE);
	assert_int_equal(board_memtype_for(FDT_HART_SVPBMT, MVENDORID_THEAD), BOARD_MEMTYPE_SVPBMT);
	assert_int_equal(board_memtype_for(FDT_HART_THEAD_MAEE | FDT_HART_SVPBMT, MVENDORID_THEAD),
			 BOARD_MEMTYPE_THEAD_MAEE);
	assert_string_equal(board_memtype_name(BOARD_MEMTYPE_NONE), "none");
	assert_string_equal(board_memtype_name(BOARD_MEMTYPE_SVPBMT), "svpbmt");
	assert_string_equal(board_memtype_name(BOARD_MEMTYPE_THEAD_MAEE), "thead-maee");
	assert_int_equal(board_memtype_attrs(BOARD_MEMTYPE_NONE).ram, 0);
	assert_int_equal(board_memtype_attrs(BOARD_MEMTYPE_NONE).io, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(without_memtypes_task_ptes_have_no_high_bits),
		cmocka_unit_test(svpbmt_task_ram_is_pma_and_devices_are_io),
		cmocka_unit_test(thead_task_ram_is_cacheable_bufferable_shareable),
		cmocka_unit_test(a_standard_hart_refuses_thead_bits),
		cmocka_unit_test(memtype_needs_thead_compatible_and_vendor_id),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
