/* The first C code: runs with the MMU off at the load address, reads the devicetree and builds
 * the boot page tables that let the firmware continue in the upper half. Everything here must
 * be position-independent: statics and string literals only, no pointers stored in data. */
#include "firmware/early.h"

#include "platform/board.h"
#include "platform/errno.h"
#include "platform/riscv/memlayout.h"
#include "platform/riscv/sbi.h"

#define BOOT_L0_TABLES (KERNEL_IMAGE_MAX / MEGAPAGE_SIZE)

static pte_t boot_root[PTES_PER_TABLE] __aligned(PAGE_SIZE);
static pte_t boot_l1[PTES_PER_TABLE] __aligned(PAGE_SIZE);
static pte_t boot_l0[BOOT_L0_TABLES][PTES_PER_TABLE] __aligned(PAGE_SIZE);

static struct boot_facts facts;
/* RAM's memory-type bits: on T-Head's MAEE cores RAM without them is uncached and strongly
 * ordered, where atomics misbehave, even for the few steps until the kernel map */
static uint64_t ram_attrs;

extern char _start_image[], _end[];

static void early_puts(const char *s)
{
	while (*s)
		sbi_console_putchar(*s++);
}

static void early_put_hex(uint64_t v)
{
	early_puts("0x");
	for (int shift = 60; shift >= 0; shift -= 4)
		sbi_console_putchar("0123456789abcdef"[(v >> shift) & 0xf]);
}

/* No console yet but the SBI's: say what is wrong and stop this hart for good. */
static __noreturn void early_halt(const char *what, const char *why, uint64_t addr)
{
	early_puts("faultline: cannot boot: ");
	early_puts(what);
	if (why) {
		early_puts(": ");
		early_puts(why);
	}
	early_puts(" (");
	early_put_hex(addr);
	early_puts(")\n");
	for (;;)
		__asm__ volatile("wfi");
}

/* Maps the gigabyte holding @pa at root slot of @va with @bits (a 1 GiB leaf). */
static void map_gigapage(vaddr_t va, paddr_t pa, uint64_t bits)
{
	boot_root[pt_index(va, 2)] =
	    pte_make(align_down(pa, GIGAPAGE_SIZE), bits | PTE_V | PTE_A | PTE_D | ram_attrs);
}

struct early_result early_boot(unsigned long hartid, paddr_t dtb_pa, paddr_t load_pa,
			       uint64_t entry_instret, uint64_t entry_time)
{
	const uint64_t rw = PTE_R | PTE_W | PTE_G;
	uint64_t image_size = (uint64_t)(_end - _start_image);
	struct fdt_info *info = &facts.fdt;
	int rc;

	facts.hartid = hartid;
	facts.dtb_pa = dtb_pa;
	facts.load_pa = load_pa;
	facts.image_size = image_size;
	facts.entry_instret = entry_instret;
	facts.entry_time = entry_time;

	if (!dtb_pa)
		early_halt("devicetree", "no devicetree address from the boot loader", dtb_pa);
	/* U-Boot's bootm of a FIT image hands over the devicetree in place, inside the FIT:
	 * 4-byte aligned only. The parser reads bytes, so that is enough; the spec's tokens
	 * are 4-byte aligned within the blob. */
	if (!is_aligned(dtb_pa, 4))
		early_halt("devicetree", "not 4-byte aligned", dtb_pa);
	rc = fdt_parse((const void *)(uintptr_t)dtb_pa, FDT_MAX_SIZE, info);
	if (rc)
		early_halt("devicetree", info->why, dtb_pa);
	if (info->nmem == 0)
		early_halt("devicetree", "no memory node (the boot loader should add one)", dtb_pa);
	if (load_pa + image_size > SV39_USER_TOP)
		early_halt("image", "loaded above what Sv39 can identity-map", load_pa);
	for (int i = 0; i < info->nharts; i++)
		if (info->harts[i].hartid == hartid)
			ram_attrs = board_memtype_attrs(board_memtype_for(info->harts[i].flags,
									  sbi_get_mvendorid()))
					.ram;

	/* The identity gigabyte keeps the instructions after the satp write valid. */
	map_gigapage(load_pa, load_pa, PTE_R | PTE_W | PTE_X);

	/* The direct map of every bank, and of the devicetree wherever it is: 1 GiB leaves. */
	for (int i = 0; i < info->nmem; i++) {
		paddr_t pa = align_down(info->mem[i].base, GIGAPAGE_SIZE);
		paddr_t end = info->mem[i].base + info->mem[i].size;

		if (end > DIRECT_MAP_SIZE)
			early_halt("memory", "bank beyond the direct map", info->mem[i].base);
		for (; pa < end; pa += GIGAPAGE_SIZE)
			map_gigapage(DIRECT_MAP_BASE + pa, pa, rw);
	}
	map_gigapage(DIRECT_MAP_BASE + dtb_pa, dtb_pa, rw);

	/* The image at its link address, page by page: RWX until the kernel map replaces it. */
	boot_root[pt_index(KERNEL_VBASE, 2)] = pte_make_table((paddr_t)(uintptr_t)boot_l1);
	for (unsigned int t = 0; t < BOOT_L0_TABLES; t++)
		boot_l1[pt_index(KERNEL_VBASE + t * MEGAPAGE_SIZE, 1)] =
		    pte_make_table((paddr_t)(uintptr_t)boot_l0[t]);
	for (uint64_t off = 0; off < image_size; off += PAGE_SIZE) {
		vaddr_t va = KERNEL_VBASE + off;

		boot_l0[off / MEGAPAGE_SIZE][pt_index(va, 0)] =
		    pte_make(load_pa + off,
			     PTE_R | PTE_W | PTE_X | PTE_G | PTE_V | PTE_A | PTE_D | ram_attrs);
	}

	return (struct early_result){
		.satp = (SATP_MODE_SV39 << SATP_MODE_SHIFT) |
			((paddr_t)(uintptr_t)boot_root >> PAGE_SHIFT),
		.offset = KERNEL_VBASE - load_pa,
	};
}

const struct boot_facts *boot_facts(void)
{
	return &facts;
}
