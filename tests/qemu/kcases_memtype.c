/* In-QEMU cases for memory types: the kernel map's RAM and device entries carry the bits the
 * board decided (Svpbmt under -cpu rv64,svpbmt=true, none on plain QEMU harts). */
#include "firmware/early.h"
#include "firmware/kmem.h"
#include "mm/frame.h"
#include "mm/pt.h"
#include "platform/board.h"
#include "platform/riscv/memlayout.h"
#include "tests/qemu/ktest.h"

/* Every bit a memory type may use: Svpbmt's two and T-Head's five overlap. */
#define MEMTYPE_BITS (PTE_PBMT_MASK | PTE_THEAD_MASK)

static char ram_byte;

KTEST(memtype_follows_the_boot_harts_isa_string)
{
	const struct fdt_info *fi = &boot_facts()->fdt;
	uint32_t flags = 0;

	for (int i = 0; i < fi->nharts; i++)
		if (fi->harts[i].hartid == boot_facts()->hartid)
			flags = fi->harts[i].flags;
	/* QEMU's harts have mvendorid 0: never T-Head's bits */
	KT_EXPECT_EQ(board_memtype(),
		     flags & FDT_HART_SVPBMT ? BOARD_MEMTYPE_SVPBMT : BOARD_MEMTYPE_NONE);
}

KTEST(ram_and_device_mappings_carry_the_boards_memory_types)
{
	const struct pte_attrs *a = board_pte_attrs();
	const struct fdt_info *fi = &boot_facts()->fdt;
	paddr_t frame;
	pte_t *p;
	void *regs;

	p = pt_walk(kmem_root(), (vaddr_t)&ram_byte, NULL);
	KT_EXPECT(p != NULL);
	if (p)
		KT_EXPECT_EQ(*p & MEMTYPE_BITS, a->ram);
	KT_EXPECT_EQ(pmm_alloc(FRAME_KERNEL, &frame), 0);
	p = pt_walk(kmem_root(), (vaddr_t)phys_to_virt(frame), NULL);
	KT_EXPECT(p != NULL);
	if (p)
		KT_EXPECT_EQ(*p & MEMTYPE_BITS, a->ram);
	(void)pmm_put(frame);

	if (fi->uart.kind == FDT_UART_NONE)
		return;
	regs = kmem_ioremap(fi->uart.base, PAGE_SIZE);
	KT_EXPECT(regs != NULL);
	p = pt_walk(kmem_root(), (vaddr_t)regs, NULL);
	KT_EXPECT(p != NULL);
	if (p)
		KT_EXPECT_EQ(*p & MEMTYPE_BITS, a->io);
	if (board_memtype() == BOARD_MEMTYPE_SVPBMT)
		KT_EXPECT_EQ(a->io, PTE_PBMT_IO);
}
