/* The harness shared by the host tests of address spaces (test_vm.c, test_vm_advise.c): an
 * arena of frames, the kernel map, one software Sv39 hart, and helpers that read and write
 * through it as a task would, checking the fault handler's answer. Each test file includes
 * it once. */
#ifndef FAULTLINE_TESTS_HOST_VM_HARNESS_H
#define FAULTLINE_TESTS_HOST_VM_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "mm/frame.h"
#include "mm/pt.h"
#include "mm/vm.h"
#include "platform/errno.h"
#include "platform/riscv/memlayout.h"
#include "tests/host/mm_host.h"
#include "tests/host/sv39.h"

#define MiB  (1ul << 20)
#define GiB  (1ul << 30)
#define RW   (PROT_READ | PROT_WRITE)
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)

static struct fdt_region ram;
static paddr_t kroot;
static struct hart_model hart;
static uint64_t baseline_free;
static bool svade;
static bool initialised;

static inline uint64_t free_frames(void)
{
	struct pmm_stats st;

	pmm_stats(&st);
	return st.free;
}

static inline uint64_t anon_frames(void)
{
	struct pmm_stats st;

	pmm_stats(&st);
	return st.by_kind[FRAME_ANON];
}

static inline int setup(void **state)
{
	(void)state;
	if (!initialised) {
		ram = host_ram(64 * MiB, PAGE_SIZE);
		initialised = true;
	}
	assert_int_equal(pmm_init(&ram, 1, NULL, 0), 0);
	assert_int_equal(pt_create(&kroot), 0);
	assert_int_equal(vm_init(kroot), 0);
	hm_init(&hart, svade);
	baseline_free = free_frames();
	return 0;
}

static inline int setup_svade(void **state)
{
	svade = true;
	return setup(state);
}

static inline int setup_hw_ad(void **state)
{
	svade = false;
	return setup(state);
}

static inline struct vm *new_vm(unsigned int asid)
{
	struct vm *vm;

	assert_int_equal(vm_create(&vm), 0);
	vm->asid = asid;
	return vm;
}

static inline void audit(struct vm *const *vms, int n)
{
	char why[160];
	int rc = vm_audit(vms, n, pt_count_tables(kroot), why, sizeof(why));

	if (rc)
		fail_msg("auditor: %s", why);
}

static inline uint8_t rd(struct vm *vm, vaddr_t va)
{
	enum fault_reason why;
	uint8_t v = 0xee;

	hm_switch(&hart, vm->root, vm->asid);
	if (hm_user(&hart, vm, va, FAULT_READ, &v, &why))
		fail_msg("read of 0x%lx killed: %s", (unsigned long)va, vm_fault_reason_text(why));
	return v;
}

static inline void wr(struct vm *vm, vaddr_t va, uint8_t v)
{
	enum fault_reason why;

	hm_switch(&hart, vm->root, vm->asid);
	if (hm_user(&hart, vm, va, FAULT_WRITE, &v, &why))
		fail_msg("write of 0x%lx killed: %s", (unsigned long)va, vm_fault_reason_text(why));
}

/* The access must kill the task with @expected as the reason. */
static inline void killed(struct vm *vm, vaddr_t va, enum fault_access acc,
			  enum fault_reason expected)
{
	enum fault_reason why;
	uint8_t v = 1;

	hm_switch(&hart, vm->root, vm->asid);
	assert_int_not_equal(hm_user(&hart, vm, va, acc, &v, &why), 0);
	assert_string_equal(vm_fault_reason_text(why), vm_fault_reason_text(expected));
}

static inline vaddr_t map(struct vm *vm, uint64_t len, unsigned int prot, unsigned int flags)
{
	vaddr_t at = 0;

	assert_int_equal(vm_mmap(vm, 0, len, prot, flags, &at), 0);
	return at;
}

/* The invariants, then every frame back, and no walk through (or cached entry naming) a
 * table page after it was freed. */
static inline void finish(struct vm **vms, int n)
{
	audit(vms, n);
	for (int i = 0; i < n; i++)
		vm_destroy(vms[i]);
	assert_int_equal(free_frames(), baseline_free);
	assert_int_equal(hart.stale_walks, 0);
	assert_int_equal(hart.freed_before_flush, 0);
}

#endif
