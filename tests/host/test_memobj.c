/* Host tests of memory objects (mm/memobj.c) and the regions that map them (mm/vm.c,
 * mm/fault.c): holes, sizes, shared and copy-on-write mappings through a software Sv39 hart,
 * fork, and the auditor's count of each object's hold on its frames. */
#include "mm/memobj.h"
#include "tests/host/vm_harness.h"

static vaddr_t map_obj(struct vm *vm, uint64_t len, unsigned int flags, struct memobj *o,
		       uint64_t pgoff)
{
	vaddr_t at = 0;

	assert_int_equal(vm_mmap_object(vm, 0, len, RW, flags, o, pgoff, &at), 0);
	return at;
}

/* The byte at @off of the object, as a descriptor's read would see it (0 in a hole). */
static uint8_t obj_byte(struct memobj *o, uint64_t off)
{
	paddr_t pa;
	uint8_t v;

	assert_int_equal(memobj_page(o, off / PAGE_SIZE, false, &pa), 0);
	if (!pa)
		return 0;
	v = ((uint8_t *)phys_to_virt(pa))[off % PAGE_SIZE];
	pmm_put(pa);
	return v;
}

static void obj_write(struct memobj *o, uint64_t off, uint8_t v)
{
	paddr_t pa;

	assert_int_equal(memobj_page(o, off / PAGE_SIZE, true, &pa), 0);
	((uint8_t *)phys_to_virt(pa))[off % PAGE_SIZE] = v;
	pmm_put(pa);
}

/* The harness's end of a case, and no memory object left alive. */
static void finish_all(struct vm **vms, int n)
{
	finish(vms, n);
	assert_int_equal(memobj_live(), 0);
}

static void holes_read_as_zero_without_a_frame_and_first_use_allocates_one(void **s)
{
	struct memobj *o;
	paddr_t pa, again;

	(void)s;
	assert_int_equal(memobj_create(&o), 0);
	assert_int_equal(memobj_page(o, 0, true, &pa), -ENXIO); /* size 0: no page at all */
	assert_int_equal(memobj_resize(o, 3 * PAGE_SIZE), 0);
	assert_int_equal(memobj_page(o, 1, false, &pa), 0);
	assert_int_equal(pa, 0);
	assert_int_equal(memobj_frames(o), 0);
	assert_int_equal(memobj_page(o, 1, true, &pa), 0);
	assert_int_not_equal(pa, 0);
	assert_int_equal(pmm_refcount(pa), 2); /* the object's and ours */
	for (unsigned int i = 0; i < PAGE_SIZE; i++)
		assert_int_equal(((uint8_t *)phys_to_virt(pa))[i], 0);
	assert_int_equal(memobj_page(o, 1, true, &again), 0);
	assert_int_equal(again, pa);
	pmm_put(pa);
	pmm_put(again);
	assert_int_equal(memobj_frames(o), 1);
	assert_int_equal(memobj_page(o, 3, true, &pa), -ENXIO);
	memobj_put(o);
	finish_all(NULL, 0);
}

static void shrinking_drops_pages_past_the_end_and_zeroes_the_last_tail(void **s)
{
	struct memobj *o;
	uint64_t before;

	(void)s;
	assert_int_equal(memobj_create(&o), 0);
	assert_int_equal(memobj_resize(o, 4 * PAGE_SIZE), 0);
	for (int i = 0; i < 4; i++)
		obj_write(o, i * PAGE_SIZE + 100, (uint8_t)(i + 1));
	before = free_frames();
	assert_int_equal(memobj_resize(o, PAGE_SIZE + 50), 0);
	assert_int_equal(memobj_frames(o), 2);
	assert_int_equal(free_frames(), before + 2);
	assert_int_equal(memobj_resize(o, 4 * PAGE_SIZE), 0);
	assert_int_equal(obj_byte(o, 100), 1);
	assert_int_equal(obj_byte(o, PAGE_SIZE + 100), 0); /* past 50: zeroed by the shrink */
	assert_int_equal(obj_byte(o, 3 * PAGE_SIZE + 100), 0);
	assert_int_equal(memobj_resize(o, MEMOBJ_MAX_BYTES + 1), -EFBIG);
	memobj_put(o);
	finish_all(NULL, 0);
}

static void far_pages_grow_the_tree_and_the_last_put_frees_every_page(void **s)
{
	const uint64_t far = (512ull * 512 * 512 + 7) * PAGE_SIZE; /* needs four levels */
	struct memobj *o;

	(void)s;
	assert_int_equal(memobj_create(&o), 0);
	assert_int_equal(memobj_resize(o, far + PAGE_SIZE), 0);
	obj_write(o, 5, 0x11);
	obj_write(o, far + 9, 0x22);
	obj_write(o, 600 * PAGE_SIZE, 0x33);
	assert_int_equal(obj_byte(o, 5), 0x11);
	assert_int_equal(obj_byte(o, far + 9), 0x22);
	assert_int_equal(obj_byte(o, 600 * PAGE_SIZE), 0x33);
	assert_int_equal(obj_byte(o, far - PAGE_SIZE), 0);
	assert_int_equal(memobj_frames(o), 3);
	memobj_get(o);
	memobj_put(o);
	assert_int_equal(memobj_live(), 1); /* one reference left */
	memobj_put(o);
	finish_all(NULL, 0);
}

static void shared_mappings_and_the_object_see_the_same_frames_across_fork(void **s)
{
	struct vm *vms[2];
	struct memobj *o;
	vaddr_t a;

	(void)s;
	assert_int_equal(memobj_create(&o), 0);
	assert_int_equal(memobj_resize(o, 4 * PAGE_SIZE), 0);
	obj_write(o, 2 * PAGE_SIZE + 1, 0x5a);
	vms[0] = new_vm(1);
	a = map_obj(vms[0], 4 * PAGE_SIZE, MAP_SHARED, o, 0);
	memobj_put(o); /* the region's reference keeps it: as a close after mmap */
	assert_int_equal(rd(vms[0], a + 2 * PAGE_SIZE + 1), 0x5a);
	assert_int_equal(rd(vms[0], a + 3 * PAGE_SIZE), 0); /* a read makes the object's page */
	assert_int_equal(memobj_frames(o), 2);
	assert_int_equal(vm_fork(vms[0], &vms[1]), 0);
	vms[1]->asid = 2;
	wr(vms[1], a, 0x77);			 /* untouched before the fork: still one page */
	wr(vms[1], a + 2 * PAGE_SIZE + 1, 0x66); /* touched before: no copy either */
	assert_int_equal(rd(vms[0], a), 0x77);
	assert_int_equal(rd(vms[0], a + 2 * PAGE_SIZE + 1), 0x66);
	assert_int_equal(obj_byte(o, 0), 0x77);
	assert_int_equal(vms[1]->counters.cow_copy + vms[1]->counters.image_copy, 0);
	audit(vms, 2);
	vm_destroy(vms[1]);
	finish_all(vms, 1);
}

static void private_mappings_read_the_object_and_copy_on_write(void **s)
{
	struct vm *vm = new_vm(1);
	struct memobj *o;
	vaddr_t a;

	(void)s;
	assert_int_equal(memobj_create(&o), 0);
	assert_int_equal(memobj_resize(o, 3 * PAGE_SIZE), 0);
	obj_write(o, 10, 1);
	a = map_obj(vm, 3 * PAGE_SIZE, MAP_PRIVATE, o, 0);
	assert_int_equal(rd(vm, a + 10), 1);
	wr(vm, a + 10, 2); /* a copy: the object keeps 1 */
	assert_int_equal(rd(vm, a + 10), 2);
	assert_int_equal(obj_byte(o, 10), 1);
	assert_int_equal(vm->counters.cow_copy, 1); /* the mapped frame is the object's: copied */
	/* a page read but not written follows the object, as on Linux */
	assert_int_equal(rd(vm, a + PAGE_SIZE), 0);
	obj_write(o, PAGE_SIZE, 9);
	assert_int_equal(rd(vm, a + PAGE_SIZE), 9);
	/* a hole written privately takes a zeroed frame and leaves the hole */
	wr(vm, a + 2 * PAGE_SIZE + 3, 4);
	assert_int_equal(rd(vm, a + 2 * PAGE_SIZE), 0);
	assert_int_equal(memobj_frames(o), 2);
	assert_int_equal(obj_byte(o, 2 * PAGE_SIZE + 3), 0);
	audit(&vm, 1);
	memobj_put(o);
	finish_all(&vm, 1);
}

static void a_page_past_the_objects_end_is_a_beyond_the_end_fault(void **s)
{
	struct vm *vm = new_vm(1);
	enum fault_reason why;
	struct memobj *o;
	uint8_t v = 0;
	vaddr_t a;

	(void)s;
	assert_int_equal(memobj_create(&o), 0);
	assert_int_equal(memobj_resize(o, PAGE_SIZE + 1), 0);
	a = map_obj(vm, 4 * PAGE_SIZE, MAP_SHARED, o, 0);
	assert_int_equal(rd(vm, a + PAGE_SIZE + 100), 0); /* the partial last page maps whole */
	hm_switch(&hart, vm->root, vm->asid);
	assert_int_not_equal(hm_user(&hart, vm, a + 2 * PAGE_SIZE, FAULT_READ, &v, &why), 0);
	assert_int_equal(why, FAULT_BEYOND_OBJECT);
	assert_string_equal(vm_fault_reason_text(why), "beyond the end of the object");
	memobj_put(o);
	finish_all(&vm, 1);
}

static void a_region_at_an_offset_split_by_munmap_keeps_its_pages(void **s)
{
	struct vm *vm = new_vm(1);
	struct memobj *o;
	vaddr_t a;

	(void)s;
	assert_int_equal(memobj_create(&o), 0);
	assert_int_equal(memobj_resize(o, 8 * PAGE_SIZE), 0);
	for (int i = 0; i < 8; i++)
		obj_write(o, i * PAGE_SIZE, (uint8_t)(0x40 + i));
	a = map_obj(vm, 6 * PAGE_SIZE, MAP_SHARED, o, 2); /* pages 2..7 */
	assert_int_equal(vm_munmap(vm, a + PAGE_SIZE, 2 * PAGE_SIZE), 0);
	assert_int_equal(rd(vm, a), 0x42);
	assert_int_equal(rd(vm, a + 3 * PAGE_SIZE), 0x45);
	assert_int_equal(rd(vm, a + 5 * PAGE_SIZE), 0x47);
	memobj_put(o);
	audit(&vm, 1);
	assert_int_equal(vm_munmap(vm, a, 6 * PAGE_SIZE), 0);
	assert_int_equal(memobj_live(), 0); /* the last region held the last reference */
	finish_all(&vm, 1);
}

static void the_auditor_counts_the_objects_hold_and_finds_a_missing_one(void **s)
{
	struct vm *vm = new_vm(1);
	char why[160];
	struct memobj *o;
	paddr_t pa;
	vaddr_t a;

	(void)s;
	assert_int_equal(memobj_create(&o), 0);
	assert_int_equal(memobj_resize(o, PAGE_SIZE), 0);
	a = map_obj(vm, PAGE_SIZE, MAP_SHARED, o, 0);
	wr(vm, a, 1);
	audit(&vm, 1);
	/* one reference too many, as a leak would leave: the auditor must say so */
	assert_int_equal(memobj_page(o, 0, false, &pa), 0);
	assert_int_not_equal(vm_audit(&vm, 1, pt_count_tables(kroot), why, sizeof(why)), 0);
	assert_non_null(strstr(why, "references no PTE accounts for"));
	pmm_put(pa);
	memobj_put(o);
	finish_all(&vm, 1);
}

static void mmap_object_errors_are_those_of_linux(void **s)
{
	struct vm *vm = new_vm(1);
	struct memobj *o;
	vaddr_t at;

	(void)s;
	assert_int_equal(memobj_create(&o), 0);
	assert_int_equal(vm_mmap_object(vm, 0, 0, RW, MAP_SHARED, o, 0, &at), -EINVAL);
	assert_int_equal(vm_mmap_object(vm, 0, PAGE_SIZE, RW, 0, o, 0, &at), -EINVAL);
	assert_int_equal(vm_mmap_object(vm, 0, 2 * PAGE_SIZE, RW, MAP_SHARED, o, ~0ull, &at),
			 -EOVERFLOW);
	memobj_put(o);
	finish_all(&vm, 1);
}

#define BOTH(fn) cmocka_unit_test_setup(fn, setup_hw_ad), cmocka_unit_test_setup(fn, setup_svade)

int main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH(holes_read_as_zero_without_a_frame_and_first_use_allocates_one),
		BOTH(shrinking_drops_pages_past_the_end_and_zeroes_the_last_tail),
		BOTH(far_pages_grow_the_tree_and_the_last_put_frees_every_page),
		BOTH(shared_mappings_and_the_object_see_the_same_frames_across_fork),
		BOTH(private_mappings_read_the_object_and_copy_on_write),
		BOTH(a_page_past_the_objects_end_is_a_beyond_the_end_fault),
		BOTH(a_region_at_an_offset_split_by_munmap_keeps_its_pages),
		BOTH(the_auditor_counts_the_objects_hold_and_finds_a_missing_one),
		BOTH(mmap_object_errors_are_those_of_linux),
	};

	return cmocka_run_group_tests_name("memobj", tests, NULL, NULL);
}
