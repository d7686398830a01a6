/* Host tests of the board profiles (tools/boards.py, `make BOARD=...`): each board's devicetree
 * (tests/fixtures/dtb, facts in its README) through the firmware's early boot decisions, as
 * platform/fdt.c and platform/board.c make them on the board: the board matched, the memory
 * the frame allocator gets and what it must leave alone, the console and its register layout,
 * the harts that may run, the timebase, and the memory type of PTEs.
 * Run from the repo root: test_board tests/fixtures/dtb */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/board.h"
#include "platform/fdt.h"

#define MVENDORID_SIFIVE 0x489 /* SiFive's cores, the JH7110's and PolarFire SoC's too */
#define MVENDORID_QEMU	 0     /* QEMU 7.2's harts report none */

static const char *dtb_dir = "tests/fixtures/dtb";

struct profile {
	const char *file;
	unsigned long boot_hart; /* a hart the boot loader may enter on */
	unsigned long mvendorid;
	const char *board;
	int nmem; /* 0: U-Boot must add /memory, or the firmware stops at boot */
	struct fdt_region mem[2];
	int nresv;
	struct fdt_region resv;
	enum fdt_uart_kind console;
	paddr_t console_base;
	uint32_t reg_shift, reg_io_width, baud;
	uint64_t timebase;
	uint64_t usable; /* mask of hart ids the firmware may start */
	enum board_memtype memtype;
	uint32_t isa; /* FDT_HART_* extension flags every usable hart has */
};

static struct fdt_info *parse(const char *name)
{
	static struct fdt_info info;
	char path[512];
	uint8_t *blob;
	FILE *fp;
	long n;

	snprintf(path, sizeof(path), "%s/%s", dtb_dir, name);
	fp = fopen(path, "rb");
	if (!fp)
		fail_msg("cannot open %s", path);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	blob = malloc((size_t)n);
	assert_non_null(blob);
	assert_int_equal(fread(blob, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	if (fdt_parse(blob, (size_t)n, &info))
		fail_msg("%s: %s", name, info.why);
	free(blob);
	return &info;
}

static void check(const struct profile *p)
{
	const struct fdt_info *fi = parse(p->file);
	uint64_t usable = 0;
	uint32_t isa = ~0u;

	board_init(fi, p->boot_hart, p->mvendorid);
	assert_string_equal(board_name(), p->board);

	/* memory and what the frame allocator must leave alone */
	assert_int_equal(fi->nmem, p->nmem);
	for (int i = 0; i < p->nmem; i++) {
		assert_int_equal(fi->mem[i].base, p->mem[i].base);
		assert_int_equal(fi->mem[i].size, p->mem[i].size);
	}
	assert_int_equal(fi->nresv, p->nresv);
	if (p->nresv) {
		assert_int_equal(fi->resv[0].base, p->resv.base);
		assert_int_equal(fi->resv[0].size, p->resv.size);
	}

	/* the console: its driver, where, and how its registers are spaced and sized */
	assert_int_equal(fi->uart.kind, p->console);
	assert_int_equal(fi->uart.base, p->console_base);
	assert_int_equal(fi->uart.reg_shift, p->reg_shift);
	assert_int_equal(fi->uart.reg_io_width, p->reg_io_width);
	assert_int_equal(fi->uart.baud, p->baud);

	assert_int_equal(fi->timebase_hz, p->timebase);

	/* harts: only those with an MMU that are enabled; the boot hart among them */
	for (int i = 0; i < fi->nharts; i++)
		if (board_hart_may_run(&fi->harts[i])) {
			usable |= 1ull << fi->harts[i].hartid;
			isa &= fi->harts[i].flags;
		}
	assert_int_equal(usable, p->usable);
	assert_true(usable >> p->boot_hart & 1);
	assert_int_equal(isa & (FDT_HART_SSTC | FDT_HART_SVPBMT | FDT_HART_SVNAPOT |
				FDT_HART_THEAD_MAEE | FDT_HART_ZKR),
			 p->isa);

	/* the memory type of every PTE, and its bits */
	assert_int_equal(board_memtype(), p->memtype);
	assert_int_equal(board_pte_attrs()->ram, board_memtype_attrs(p->memtype).ram);
	assert_int_equal(board_pte_attrs()->io, board_memtype_attrs(p->memtype).io);
	assert_true(board_sbi_poweroff_works());
}

static void virt_boots_on_qemu_with_ns16550_and_no_memory_types(void **state)
{
	const struct profile p = {
		.file = "qemu-7.2-virt_m_128M.dtb",
		.boot_hart = 0,
		.mvendorid = MVENDORID_QEMU,
		.board = "qemu-virt",
		.nmem = 1,
		.mem = { { 0x80000000, 128ul << 20 } },
		.console = FDT_UART_NS16550,
		.console_base = 0x10000000,
		.reg_io_width = 1,
		.timebase = 10000000,
		.usable = 0x1,
		.memtype = BOARD_MEMTYPE_NONE,
		.isa = FDT_HART_SSTC,
	};

	(void)state;
	check(&p);
}

static void visionfive2_runs_on_the_four_u74s_with_a_dw_uart_at_reg_shift_2(void **state)
{
	const struct profile p = {
		.file = "jh7110-starfive-visionfive-2-v1.3b.dtb",
		.boot_hart = 3,
		.mvendorid = MVENDORID_SIFIVE,
		.board = "visionfive-2",
		.nmem = 1,
		.mem = { { 0x40000000, 4ul << 30 } },
		.console = FDT_UART_DW_APB,
		.console_base = 0x10000000,
		.reg_shift = 2,
		.reg_io_width = 4,
		.baud = 115200,
		.timebase = 4000000,
		.usable = 0x1e, /* hart 0 is the S7, without an MMU */
		.memtype = BOARD_MEMTYPE_NONE,
	};

	(void)state;
	check(&p);
}

static void unmatched_runs_on_the_four_u74s_with_sifive_uart_and_16g(void **state)
{
	const struct profile p = {
		.file = "hifive-unmatched-a00.dtb",
		.boot_hart = 1,
		.mvendorid = MVENDORID_SIFIVE,
		.board = "sifive-unmatched",
		.nmem = 1,
		.mem = { { 0x80000000, 16ul << 30 } },
		.console = FDT_UART_SIFIVE,
		.console_base = 0x10010000,
		.reg_io_width = 1,
		.timebase = 1000000,
		.usable = 0x1e,
		.memtype = BOARD_MEMTYPE_NONE,
	};

	(void)state;
	check(&p);
}

static void licheerv_c906_gets_thead_memory_types_and_needs_memory_from_u_boot(void **state)
{
	const struct profile p = {
		.file = "sun20i-d1-lichee-rv-dock.dtb",
		.boot_hart = 0,
		.mvendorid = MVENDORID_THEAD,
		.board = "lichee-rv-dock",
		.nmem =
		    0, /* the D1's devicetree has none: early boot stops unless U-Boot adds it */
		.console = FDT_UART_DW_APB,
		.console_base = 0x2500000,
		.reg_shift = 2,
		.reg_io_width = 4,
		.baud = 115200,
		.timebase = 24000000,
		.usable = 0x1,
		.memtype = BOARD_MEMTYPE_THEAD_MAEE,
		.isa = FDT_HART_THEAD_MAEE,
	};

	(void)state;
	check(&p);
}

static void milkv_duo_c906_gets_thead_memory_types_and_keeps_off_its_reserved_tail(void **state)
{
	const struct profile p = {
		.file = "cv1800b-milkv-duo.dtb",
		.boot_hart = 0,
		.mvendorid = MVENDORID_THEAD,
		.board = "milkv-duo",
		.nmem = 1,
		.mem = { { 0x80000000, 64ul << 20 } },
		.nresv = 1,
		.resv = { 0x83f40000, 0xc0000 },
		.console = FDT_UART_DW_APB,
		.console_base = 0x4140000,
		.reg_shift = 2,
		.reg_io_width = 4,
		.baud = 115200,
		.timebase = 25000000,
		.usable = 0x1,
		.memtype = BOARD_MEMTYPE_THEAD_MAEE,
		.isa = FDT_HART_THEAD_MAEE,
	};

	(void)state;
	check(&p);
}

static void icicle_has_two_banks_a_reserved_region_and_mmuart1_at_reg_shift_2(void **state)
{
	const struct profile p = {
		.file = "mpfs-icicle-kit.dtb",
		.boot_hart = 2,
		.mvendorid = MVENDORID_SIFIVE,
		.board = "mpfs-icicle",
		.nmem = 2,
		.mem = { { 0x80000000, 1ul << 30 }, { 0x1040000000, 1ul << 30 } },
		.nresv = 1,
		.resv = { 0xbfc00000, 0x400000 },
		.console = FDT_UART_NS16550,
		.console_base = 0x20100000,
		.reg_shift = 2,
		.reg_io_width = 4,
		.baud = 115200,
		.timebase = 1000000,
		.usable = 0x1e, /* hart 0 is the E51 monitor core */
		.memtype = BOARD_MEMTYPE_NONE,
	};

	(void)state;
	check(&p);
}

/* The C906's devicetree alone does not make T-Head's bits: on a core that is not T-Head's
 * (a devicetree copied to the wrong board, an emulator), they would be reserved bits. */
static void thead_devicetree_without_thead_vendor_id_gets_no_memory_types(void **state)
{
	(void)state;
	board_init(parse("cv1800b-milkv-duo.dtb"), 0, MVENDORID_QEMU);
	assert_int_equal(board_memtype(), BOARD_MEMTYPE_NONE);
	assert_int_equal(board_pte_attrs()->ram, 0);
	assert_int_equal(board_pte_attrs()->io, 0);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(virt_boots_on_qemu_with_ns16550_and_no_memory_types),
		cmocka_unit_test(visionfive2_runs_on_the_four_u74s_with_a_dw_uart_at_reg_shift_2),
		cmocka_unit_test(unmatched_runs_on_the_four_u74s_with_sifive_uart_and_16g),
		cmocka_unit_test(
		    licheerv_c906_gets_thead_memory_types_and_needs_memory_from_u_boot),
		cmocka_unit_test(
		    milkv_duo_c906_gets_thead_memory_types_and_keeps_off_its_reserved_tail),
		cmocka_unit_test(icicle_has_two_banks_a_reserved_region_and_mmuart1_at_reg_shift_2),
		cmocka_unit_test(thead_devicetree_without_thead_vendor_id_gets_no_memory_types),
	};

	if (argc > 1)
		dtb_dir = argv[1];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
