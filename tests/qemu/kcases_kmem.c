/* In-QEMU cases for the kernel map: section protections proven by real faults, the guard
 * page, the direct map, and the page-table entries behind them. */
#include "firmware/early.h"
#include "firmware/kmem.h"
#include "firmware/probe.h"
#include "mm/frame.h"
#include "mm/pt.h"
#include "platform/riscv/csr.h"
#include "platform/riscv/memlayout.h"
#include "tests/qemu/ktest.h"

extern char _stext[], _etext[], _srodata[], _erodata[], _sdata[], _sbss[];
extern char _boot_stack_guard[], _boot_stack_bottom[], _end[];

static const uint8_t rodata_byte = 0x5a;
static uint8_t data_byte = 0x33;
static uint8_t bss_byte;

/* A function the exec probe may call: returns at once. */
static void nothing(void)
{
	__asm__ volatile("");
}

static uint64_t leaf_bits(vaddr_t va, int *level)
{
	pte_t *p = pt_walk(kmem_root(), va, level);

	return p ? pte_bits(*p) : 0;
}

KTEST(kernel_text_is_readable_and_executable_but_not_writable)
{
	uint8_t v = 0;
	uint8_t *addr = (uint8_t *)nothing;

	KT_EXPECT_EQ(probe_read_u8(addr, &v), 0);
	KT_EXPECT_EQ(v, *addr);
	KT_EXPECT_EQ(probe_exec((const void *)nothing), 0);
	KT_EXPECT_FAULT(probe_write_u8(addr, (uint8_t)~v), CAUSE_STORE_PAGE_FAULT, addr);
	KT_EXPECT_EQ(*addr, v);
}

KTEST(kernel_rodata_is_read_only_and_not_executable)
{
	uint8_t v = 0;

	KT_EXPECT_EQ(probe_read_u8(&rodata_byte, &v), 0);
	KT_EXPECT_EQ(v, 0x5a);
	KT_EXPECT_FAULT(probe_write_u8((void *)&rodata_byte, 1), CAUSE_STORE_PAGE_FAULT,
			&rodata_byte);
	KT_EXPECT_FAULT(probe_exec(_srodata), CAUSE_FETCH_PAGE_FAULT, _srodata);
	KT_EXPECT_EQ(rodata_byte, 0x5a);
}

KTEST(kernel_data_and_bss_are_writable_but_not_executable)
{
	KT_EXPECT_EQ(probe_write_u8(&data_byte, 0x44), 0);
	KT_EXPECT_EQ(data_byte, 0x44);
	KT_EXPECT_EQ(probe_write_u8(&bss_byte, 0x55), 0);
	KT_EXPECT_EQ(bss_byte, 0x55);
	KT_EXPECT_FAULT(probe_exec(&data_byte), CAUSE_FETCH_PAGE_FAULT, &data_byte);
	KT_EXPECT_FAULT(probe_exec(&bss_byte), CAUSE_FETCH_PAGE_FAULT, &bss_byte);
}

KTEST(boot_stack_guard_page_faults_on_read_and_write)
{
	uint8_t v;
	char *top_of_guard = (char *)((uintptr_t)_boot_stack_bottom - 1);

	KT_EXPECT_FAULT(probe_read_u8(_boot_stack_guard, &v), CAUSE_LOAD_PAGE_FAULT,
			_boot_stack_guard);
	KT_EXPECT_FAULT(probe_write_u8(top_of_guard, 0), CAUSE_STORE_PAGE_FAULT, top_of_guard);
	KT_EXPECT_EQ(probe_read_u8(_boot_stack_bottom, &v), 0);
}

KTEST(section_leaves_carry_w_xor_x_global_and_preset_a_d)
{
	const uint64_t perm = PTE_R | PTE_W | PTE_X | PTE_U;
	int level = -1;

	KT_EXPECT_EQ(leaf_bits((vaddr_t)_stext, &level) & perm, PTE_R | PTE_X);
	KT_EXPECT_EQ(level, 0);
	KT_EXPECT_EQ(leaf_bits((vaddr_t)_srodata, &level) & perm, PTE_R);
	KT_EXPECT_EQ(leaf_bits((vaddr_t)_sdata, &level) & perm, PTE_R | PTE_W);
	KT_EXPECT_EQ(leaf_bits((vaddr_t)_sbss, &level) & perm, PTE_R | PTE_W);
	KT_EXPECT_EQ(leaf_bits((vaddr_t)_stext, &level) & (PTE_G | PTE_A | PTE_D),
		     PTE_G | PTE_A | PTE_D);
	KT_EXPECT_EQ(leaf_bits((vaddr_t)_boot_stack_guard, &level), 0);
}

KTEST(direct_map_alias_of_text_is_read_only_and_not_executable)
{
	uint8_t *alias = phys_to_virt(kmem_image_pa(_stext));
	uint8_t v = 0;

	KT_EXPECT_EQ(probe_read_u8(alias, &v), 0);
	KT_EXPECT_EQ(v, *(uint8_t *)_stext);
	KT_EXPECT_FAULT(probe_write_u8(alias, (uint8_t)~v), CAUSE_STORE_PAGE_FAULT, alias);
	KT_EXPECT_FAULT(probe_exec(alias), CAUSE_FETCH_PAGE_FAULT, alias);
}

static bool reserved(const struct fdt_info *fi, paddr_t pa)
{
	for (int i = 0; i < fi->nresv; i++)
		if (pa >= fi->resv[i].base && pa - fi->resv[i].base < fi->resv[i].size)
			return true;
	return false;
}

KTEST(direct_map_reaches_all_ram_but_not_reserved_regions_or_past_the_end)
{
	const struct fdt_info *fi = &boot_facts()->fdt;

	for (int i = 0; i < fi->nmem; i++) {
		paddr_t pa = fi->mem[i].base;
		uint8_t *last = phys_to_virt(fi->mem[i].base + fi->mem[i].size - 1);
		uint8_t v;

		while (reserved(fi, pa))
			pa += PAGE_SIZE;
		KT_EXPECT_EQ(probe_read_u8(phys_to_virt(pa), &v), 0);
		KT_EXPECT_EQ(probe_read_u8(last, &v), 0);
		KT_EXPECT_FAULT(probe_read_u8(last + 1, &v), CAUSE_LOAD_PAGE_FAULT, last + 1);
	}
	for (int i = 0; i < fi->nresv; i++) {
		uint8_t *r = phys_to_virt(fi->resv[i].base);
		uint8_t v;

		KT_EXPECT_FAULT(probe_read_u8(r, &v), CAUSE_LOAD_PAGE_FAULT, r);
	}
}

KTEST(direct_map_uses_large_pages_where_aligned)
{
	const struct fdt_info *fi = &boot_facts()->fdt;
	paddr_t probe_pa = fi->mem[0].base + fi->mem[0].size - MEGAPAGE_SIZE;
	int level = -1;

	/* the last 2 MiB of the first bank is far from the image: a large leaf maps it */
	KT_EXPECT(leaf_bits(DIRECT_MAP_BASE + probe_pa, &level) & PTE_W);
	KT_EXPECT(level >= 1);
	KT_EXPECT(kmem_table_pages() < 16);
}

KTEST(user_half_and_non_canonical_addresses_fault_in_the_kernel)
{
	uint8_t v;
	const uint8_t *user = (const uint8_t *)0x10000;
	const uint8_t *noncanon = (const uint8_t *)0x0000800000000000ul;

	KT_EXPECT_FAULT(probe_read_u8(user, &v), CAUSE_LOAD_PAGE_FAULT, user);
	KT_EXPECT_FAULT(probe_read_u8(noncanon, &v), CAUSE_LOAD_PAGE_FAULT, noncanon);
}

KTEST(ioremap_maps_device_registers_non_executable)
{
	const struct fdt_info *fi = &boot_facts()->fdt;
	int level = -1;
	uint8_t *regs;

	if (fi->uart.kind == FDT_UART_NONE)
		return; /* spike: no UART to map; nothing to prove here */
	regs = kmem_ioremap(fi->uart.base, PAGE_SIZE);
	KT_EXPECT(regs != NULL);
	KT_EXPECT_EQ(leaf_bits((vaddr_t)regs, &level) & (PTE_R | PTE_W | PTE_X), PTE_R | PTE_W);
	KT_EXPECT_FAULT(probe_exec(regs), CAUSE_FETCH_PAGE_FAULT, regs);
}
