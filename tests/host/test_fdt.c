/* Host tests for platform/fdt.c: every fixture blob against the facts in its README, hand-built
 * blobs for each parsing rule, and truncation/corruption sweeps that ASan watches for over-reads.
 * Run from the repo root: test_fdt tests/fixtures/dtb */
#define _POSIX_C_SOURCE 200809L
/* cmocka.h needs these first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/errno.h"
#include "platform/fdt.h"

/* Header field offsets, as in the devicetree specification. */
#define H_MAGIC	       0
#define H_TOTALSIZE    4
#define H_OFF_STRUCT   8
#define H_OFF_STRINGS  12
#define H_OFF_RSVMAP   16
#define H_VERSION      20
#define H_LAST_COMP    24
#define H_SIZE_STRINGS 32
#define H_SIZE_STRUCT  36
#define H_SIZE	       40

static const char *dtb_dir = "tests/fixtures/dtb";

struct blob {
	uint8_t *data;
	size_t len;
};

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static struct blob load_path(const char *path)
{
	struct blob b = { NULL, 0 };
	FILE *fp = fopen(path, "rb");
	long n;

	if (!fp)
		fail_msg("cannot open %s", path);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	assert_true(n > 0);
	b.len = (size_t)n;
	b.data = malloc(b.len); /* exact size: ASan flags any read past the end */
	assert_non_null(b.data);
	assert_int_equal(fread(b.data, 1, b.len, fp), b.len);
	fclose(fp);
	return b;
}

static struct blob load(const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dtb_dir, name);
	return load_path(path);
}

/* An exact-size heap copy of the first @len bytes of @b (len may exceed b's length: zeros). */
static uint8_t *copy_of(const struct blob *b, size_t len)
{
	uint8_t *p = malloc(len ? len : 1);

	assert_non_null(p);
	memset(p, 0, len);
	memcpy(p, b->data, len < b->len ? len : b->len);
	return p;
}

static void parse_file(const char *name, struct fdt_info *info)
{
	struct blob b = load(name);
	int rc = fdt_parse(b.data, b.len, info);

	if (rc)
		fail_msg("%s: rc %d (%s)", name, rc, info->why ? info->why : "no reason");
	assert_int_equal(info->totalsize, b.len);
	free(b.data);
}

/* A failed parse says why and leaves no facts behind. */
static void assert_rejected(int rc, const struct fdt_info *info, int want)
{
	assert_int_equal(rc, want);
	assert_non_null(info->why);
	assert_true(strlen(info->why) > 0);
	assert_int_equal(info->nmem, 0);
	assert_int_equal(info->nharts, 0);
	assert_int_equal(info->uart.kind, FDT_UART_NONE);
}

static void assert_why_mentions(const struct fdt_info *info, const char *word)
{
	assert_non_null(info->why);
	if (!strstr(info->why, word))
		fail_msg("why \"%s\" does not mention \"%s\"", info->why, word);
}

/*
 * Fixture facts, from tests/fixtures/dtb/README.md and re-derived with fdtget. Every fixture's
 * cpu@N has reg N, so hart i must have hartid i; @unusable is a mask of hart indexes.
 */
/* Fields left out of a table are 0, NULL (no string expected: "") or absent. */
struct board {
	const char *file, *model, *compatible, *stdout_path, *uart_path;
	enum fdt_uart_kind kind;
	const char *uart_compat;
	uint64_t base, size;
	uint32_t shift, width, clock, baud;
	int nmem;
	struct fdt_region mem[2];
	int nresv;
	struct fdt_region resv;
	uint64_t timebase;
	int ncpus;
	uint64_t unusable;
};

static void check_board(const struct board *b, struct fdt_info *info)
{
	int i;

	parse_file(b->file, info);
	assert_string_equal(info->model, b->model);
	assert_string_equal(info->compatible, b->compatible);
	assert_string_equal(info->stdout_path, b->stdout_path);
	assert_string_equal(info->uart.path, b->uart_path);
	assert_int_equal(info->uart.kind, b->kind);
	assert_string_equal(info->uart.compatible, b->uart_compat ? b->uart_compat : "");
	assert_int_equal(info->uart.base, b->base);
	assert_int_equal(info->uart.size, b->size);
	assert_int_equal(info->uart.reg_shift, b->shift);
	assert_int_equal(info->uart.reg_io_width, b->width);
	assert_int_equal(info->uart.clock_hz, b->clock);
	assert_int_equal(info->uart.baud, b->baud);
	assert_int_equal(info->nmem, b->nmem);
	for (i = 0; i < b->nmem; i++) {
		assert_int_equal(info->mem[i].base, b->mem[i].base);
		assert_int_equal(info->mem[i].size, b->mem[i].size);
	}
	assert_int_equal(info->nresv, b->nresv);
	if (b->nresv) {
		assert_int_equal(info->resv[0].base, b->resv.base);
		assert_int_equal(info->resv[0].size, b->resv.size);
	}
	assert_int_equal(info->timebase_hz, b->timebase);
	assert_int_equal(info->nharts, b->ncpus);
	for (i = 0; i < b->ncpus; i++) {
		assert_int_equal(info->harts[i].hartid, i);
		assert_int_equal(fdt_hart_usable(&info->harts[i]), !(b->unusable >> i & 1));
	}
	assert_null(info->why);
}

static uint32_t all_flags_of(const struct fdt_info *info, uint32_t mask)
{
	uint32_t acc = mask;
	int i;

	for (i = 0; i < info->nharts; i++)
		acc &= info->harts[i].flags;
	return acc;
}

static void virt_128m_has_one_bank_at_2g_and_ns16550_console(void **state)
{
	const struct board b = {
		.file = "qemu-7.2-virt_m_128M.dtb",
		.model = "riscv-virtio,qemu",
		.compatible = "riscv-virtio",
		.stdout_path = "/soc/serial@10000000",
		.uart_path = "/soc/serial@10000000",
		.kind = FDT_UART_NS16550,
		.uart_compat = "ns16550a",
		.base = 0x10000000,
		.size = 0x100,
		.width = 1,
		.clock = 3686400,
		.nmem = 1,
		.mem = { { 0x80000000, 0x8000000 } },
		.timebase = 10000000,
		.ncpus = 1,
	};
	struct fdt_info info;

	(void)state;
	check_board(&b, &info);
	/* QEMU's riscv,isa ends in "_sstc"; its "riscv,sv48" includes Sv39. */
	assert_int_equal(info.harts[0].flags, FDT_HART_MMU_SV39 | FDT_HART_ENABLED | FDT_HART_SSTC);
}

static void virt_2g_smp4_has_four_usable_sv48_harts_and_a_2g_bank(void **state)
{
	const struct board b = {
		.file = "qemu-7.2-virt_m_2G_smp_4.dtb",
		.model = "riscv-virtio,qemu",
		.compatible = "riscv-virtio",
		.stdout_path = "/soc/serial@10000000",
		.uart_path = "/soc/serial@10000000",
		.kind = FDT_UART_NS16550,
		.uart_compat = "ns16550a",
		.base = 0x10000000,
		.size = 0x100,
		.width = 1,
		.clock = 3686400,
		.nmem = 1,
		.mem = { { 0x80000000, 0x80000000 } },
		.timebase = 10000000,
		.ncpus = 4,
	};
	struct fdt_info info;

	(void)state;
	check_board(&b, &info);
	assert_int_equal(all_flags_of(&info, FDT_HART_SSTC), FDT_HART_SSTC);
}

static void qemu_sifive_u_console_is_sifive_uart0_and_mmuless_hart0_unusable(void **state)
{
	const struct board b = {
		.file = "qemu-7.2-sifive_u.dtb",
		.model = "SiFive HiFive Unleashed A00",
		.compatible = "sifive,hifive-unleashed-a00",
		.stdout_path = "/soc/serial@10010000",
		.uart_path = "/soc/serial@10010000",
		.kind = FDT_UART_SIFIVE,
		.uart_compat = "sifive,uart0",
		.base = 0x10010000,
		.size = 0x1000,
		.width = 1,
		.nmem = 1,
		.mem = { { 0x80000000, 0x8000000 } },
		.timebase = 1000000,
		.ncpus = 2,
		.unusable = 1u << 0,
	};
	struct fdt_info info;

	(void)state;
	check_board(&b, &info);
	/* hart 0 is "okay" but has no mmu-type: enabled, yet not usable. */
	assert_int_equal(info.harts[0].flags, FDT_HART_ENABLED);
}

static void spike_console_is_htif_so_no_uart_but_path_is_kept(void **state)
{
	const struct board b = {
		.file = "qemu-7.2-spike_m_256M.dtb",
		.model = "ucbbar,spike-bare,qemu",
		.compatible = "ucbbar,spike-bare-dev",
		.stdout_path = "/htif",
		.uart_path = "/htif",
		.kind = FDT_UART_NONE,
		.width = 0, /* nothing about the UART is filled in */
		.nmem = 1,
		.mem = { { 0x80000000, 0x10000000 } },
		.timebase = 10000000,
		.ncpus = 1,
	};
	struct fdt_info info;

	(void)state;
	check_board(&b, &info);
}

static void milkv_duo_alias_console_is_dw_apb_with_baud_and_c906_hart(void **state)
{
	const struct board b = {
		.file = "cv1800b-milkv-duo.dtb",
		.model = "Milk-V Duo",
		.compatible = "milkv,duo",
		.stdout_path = "serial0:115200n8",
		.uart_path = "/soc/serial@4140000",
		.kind = FDT_UART_DW_APB,
		.uart_compat = "snps,dw-apb-uart",
		.base = 0x4140000,
		.size = 0x100,
		.shift = 2,
		.width = 4,
		.baud = 115200,
		.nmem = 1,
		.mem = { { 0x80000000, 0x4000000 } },
		.nresv = 1,
		.resv = { 0x83f40000, 0xc0000 },
		.timebase = 25000000,
		.ncpus = 1,
	};
	struct fdt_info info;

	(void)state;
	check_board(&b, &info);
	assert_int_equal(info.harts[0].flags,
			 FDT_HART_MMU_SV39 | FDT_HART_ENABLED | FDT_HART_THEAD_MAEE);
}

static void hifive_unleashed_console_via_alias_and_disabled_monitor_hart(void **state)
{
	const struct board b = {
		.file = "hifive-unleashed-a00.dtb",
		.model = "SiFive HiFive Unleashed A00",
		.compatible = "sifive,hifive-unleashed-a00",
		.stdout_path = "serial0",
		.uart_path = "/soc/serial@10010000",
		.kind = FDT_UART_SIFIVE,
		.uart_compat = "sifive,uart0",
		.base = 0x10010000,
		.size = 0x1000,
		.width = 1,
		.nmem = 1,
		.mem = { { 0x80000000, 0x200000000 } },
		.timebase = 1000000,
		.ncpus = 5,
		.unusable = 1u << 0,
	};
	struct fdt_info info;

	(void)state;
	check_board(&b, &info);
	assert_int_equal(info.harts[0].flags, 0); /* no mmu-type, status "disabled" */
}

static void hifive_unmatched_has_16g_bank_and_four_usable_harts(void **state)
{
	const struct board b = {
		.file = "hifive-unmatched-a00.dtb",
		.model = "SiFive HiFive Unmatched A00",
		.compatible = "sifive,hifive-unmatched-a00",
		.stdout_path = "serial0",
		.uart_path = "/soc/serial@10010000",
		.kind = FDT_UART_SIFIVE,
		.uart_compat = "sifive,uart0",
		.base = 0x10010000,
		.size = 0x1000,
		.width = 1,
		.nmem = 1,
		.mem = { { 0x80000000, 0x400000000 } },
		.timebase = 1000000,
		.ncpus = 5,
		.unusable = 1u << 0,
	};
	struct fdt_info info;

	(void)state;
	check_board(&b, &info);
}

static void jh7110_matches_dw_apb_after_vendor_string_and_reads_byte_timebase(void **state)
{
	const struct board b = {
		.file = "jh7110-starfive-visionfive-2-v1.3b.dtb",
		.model = "StarFive VisionFive 2 v1.3B",
		.compatible = "starfive,visionfive-2-v1.3b",
		.stdout_path = "serial0:115200n8",
		.uart_path = "/soc/serial@10000000",
		.kind = FDT_UART_DW_APB,
		.uart_compat = "snps,dw-apb-uart",
		.base = 0x10000000,
		.size = 0x10000,
		.shift = 2,
		.width = 4,
		.baud = 115200,
		.nmem = 1,
		.mem = { { 0x40000000, 0x100000000 } },
		.timebase = 4000000,
		.ncpus = 5,
		.unusable = 1u << 0,
	};
	struct fdt_info info;

	(void)state;
	check_board(&b, &info);
}

static void mpfs_icicle_has_two_banks_reserved_region_and_serial1_console(void **state)
{
	const struct board b = {
		.file = "mpfs-icicle-kit.dtb",
		.model = "Microchip PolarFire-SoC Icicle Kit",
		.compatible = "microchip,mpfs-icicle-reference-rtlv2210",
		.stdout_path = "serial1:115200n8",
		.uart_path = "/soc/serial@20100000",
		.kind = FDT_UART_NS16550,
		.uart_compat = "ns16550a",
		.base = 0x20100000,
		.size = 0x400,
		.shift = 2,
		.width = 4,
		.baud = 115200,
		.nmem = 2,
		.mem = { { 0x80000000, 0x40000000 }, { 0x1040000000, 0x40000000 } },
		.nresv = 1,
		.resv = { 0xbfc00000, 0x400000 },
		.timebase = 1000000,
		.ncpus = 5,
		.unusable = 1u << 0,
	};
	struct fdt_info info;

	(void)state;
	check_board(&b, &info);
}

static void sg2042_has_no_memory_64_usable_harts_and_console_above_4g(void **state)
{
	const struct board b = {
		.file = "sg2042-milkv-pioneer.dtb",
		.model = "Milk-V Pioneer",
		.compatible = "milkv,pioneer",
		.stdout_path = "serial0",
		.uart_path = "/soc/serial@7040000000",
		.kind = FDT_UART_DW_APB,
		.uart_compat = "snps,dw-apb-uart",
		.base = 0x7040000000,
		.size = 0x1000,
		.shift = 2,
		.width = 4,
		.clock = 500000000,
		.timebase = 50000000,
		.ncpus = 64,
	};
	struct fdt_info info;

	(void)state;
	check_board(&b, &info);
	assert_int_equal(all_flags_of(&info, FDT_HART_THEAD_MAEE), FDT_HART_THEAD_MAEE); /* C920 */
}

static void lichee_rv_dock_has_no_memory_and_one_c906_hart(void **state)
{
	const struct board b = {
		.file = "sun20i-d1-lichee-rv-dock.dtb",
		.model = "Sipeed Lichee RV Dock",
		.compatible = "sipeed,lichee-rv-dock",
		.stdout_path = "serial0:115200n8",
		.uart_path = "/soc/serial@2500000",
		.kind = FDT_UART_DW_APB,
		.uart_compat = "snps,dw-apb-uart",
		.base = 0x2500000,
		.size = 0x400,
		.shift = 2,
		.width = 4,
		.baud = 115200,
		.timebase = 24000000,
		.ncpus = 1,
	};
	struct fdt_info info;

	(void)state;
	check_board(&b, &info);
	assert_true(info.harts[0].flags & FDT_HART_THEAD_MAEE);
}

static void d1_nezha_has_no_memory_and_one_c906_hart(void **state)
{
	const struct board b = {
		.file = "sun20i-d1-nezha.dtb",
		.model = "Allwinner D1 Nezha",
		.compatible = "allwinner,d1-nezha",
		.stdout_path = "serial0:115200n8",
		.uart_path = "/soc/serial@2500000",
		.kind = FDT_UART_DW_APB,
		.uart_compat = "snps,dw-apb-uart",
		.base = 0x2500000,
		.size = 0x400,
		.shift = 2,
		.width = 4,
		.baud = 115200,
		.timebase = 24000000,
		.ncpus = 1,
	};
	struct fdt_info info;

	(void)state;
	check_board(&b, &info);
	assert_true(info.harts[0].flags & FDT_HART_THEAD_MAEE);
}

static void th1520_has_memory_at_zero_and_console_above_4g(void **state)
{
	const struct board b = {
		.file = "th1520-lichee-pi-4a.dtb",
		.model = "Sipeed Lichee Pi 4A",
		.compatible = "sipeed,lichee-pi-4a",
		.stdout_path = "serial0:115200n8",
		.uart_path = "/soc/serial@ffe7014000",
		.kind = FDT_UART_DW_APB,
		.uart_compat = "snps,dw-apb-uart",
		.base = 0xffe7014000,
		.size = 0x100,
		.shift = 2,
		.width = 4,
		.baud = 115200,
		.nmem = 1,
		.mem = { { 0, 0x200000000 } },
		.timebase = 3000000,
		.ncpus = 4,
	};
	struct fdt_info info;

	(void)state;
	check_board(&b, &info);
	assert_int_equal(all_flags_of(&info, FDT_HART_THEAD_MAEE), FDT_HART_THEAD_MAEE); /* C910 */
}

/*
 * A tiny blob writer for hand-built trees: header, reservation block, structure, strings, in
 * that order, into an exact-size heap buffer.
 */
struct dtb {
	uint8_t st[65536];
	size_t nst;
	char strs[8192];
	size_t nstrs;
	uint64_t rsv[64];
	int nrsv;
	bool no_end; /* leave out FDT_END */
};

static void put_tok(struct dtb *d, uint32_t v)
{
	assert_true(d->nst + 4 <= sizeof(d->st));
	put_be32(d->st + d->nst, v);
	d->nst += 4;
}

static void put_bytes(struct dtb *d, const void *p, size_t n)
{
	assert_true(d->nst + n + 3 <= sizeof(d->st));
	if (n) /* memcpy from NULL is undefined even for 0 bytes */
		memcpy(d->st + d->nst, p, n);
	d->nst += n;
	while (d->nst % 4)
		d->st[d->nst++] = 0;
}

static void begin(struct dtb *d, const char *name)
{
	put_tok(d, 1);
	put_bytes(d, name, strlen(name) + 1);
}

static void end(struct dtb *d)
{
	put_tok(d, 2);
}

static void prop(struct dtb *d, const char *name, const void *val, size_t len)
{
	size_t n = strlen(name) + 1;

	assert_true(d->nstrs + n <= sizeof(d->strs));
	put_tok(d, 3);
	put_tok(d, (uint32_t)len);
	put_tok(d, (uint32_t)d->nstrs);
	memcpy(d->strs + d->nstrs, name, n);
	d->nstrs += n;
	put_bytes(d, val, len);
}

/* A string or string list given as a literal, NULs inside included. */
#define PROP_STR(d, name, lit) prop(d, name, lit, sizeof(lit))

static void prop_cells(struct dtb *d, const char *name, int n, ...)
{
	uint8_t buf[64];
	va_list ap;
	int i;

	assert_true(n * 4 <= (int)sizeof(buf));
	va_start(ap, n);
	for (i = 0; i < n; i++)
		put_be32(buf + 4 * i, va_arg(ap, uint32_t));
	va_end(ap);
	prop(d, name, buf, 4 * (size_t)n);
}

static void reserve(struct dtb *d, uint64_t base, uint64_t size)
{
	d->rsv[2 * d->nrsv] = base;
	d->rsv[2 * d->nrsv + 1] = size;
	d->nrsv++;
}

static struct blob finish(struct dtb *d)
{
	size_t rsv = 16 * ((size_t)d->nrsv + 1), off_st = H_SIZE + rsv;
	struct blob b;
	int i;

	if (!d->no_end)
		put_tok(d, 9);
	b.len = off_st + d->nst + d->nstrs;
	b.data = calloc(1, b.len);
	assert_non_null(b.data);
	put_be32(b.data + H_MAGIC, FDT_MAGIC);
	put_be32(b.data + H_TOTALSIZE, (uint32_t)b.len);
	put_be32(b.data + H_OFF_STRUCT, (uint32_t)off_st);
	put_be32(b.data + H_OFF_STRINGS, (uint32_t)(off_st + d->nst));
	put_be32(b.data + H_OFF_RSVMAP, H_SIZE);
	put_be32(b.data + H_VERSION, 17);
	put_be32(b.data + H_LAST_COMP, 16);
	put_be32(b.data + H_SIZE_STRINGS, (uint32_t)d->nstrs);
	put_be32(b.data + H_SIZE_STRUCT, (uint32_t)d->nst);
	for (i = 0; i < 2 * d->nrsv; i++) {
		put_be32(b.data + H_SIZE + 8 * i, (uint32_t)(d->rsv[i] >> 32));
		put_be32(b.data + H_SIZE + 8 * i + 4, (uint32_t)d->rsv[i]);
	}
	memcpy(b.data + off_st, d->st, d->nst);
	memcpy(b.data + off_st + d->nst, d->strs, d->nstrs);
	return b;
}

static struct dtb *new_dtb(void)
{
	struct dtb *d = calloc(1, sizeof(*d));

	assert_non_null(d);
	return d;
}

/* Root with 2/2 cells, one usable cpu, and a /soc bus: callers add nodes, then close root. */
static struct dtb *skeleton(void)
{
	struct dtb *d = new_dtb();

	begin(d, "");
	prop_cells(d, "#address-cells", 1, 2);
	prop_cells(d, "#size-cells", 1, 2);
	PROP_STR(d, "model", "test,board");
	PROP_STR(d, "compatible", "test,board\0test,soc");
	begin(d, "cpus");
	prop_cells(d, "#address-cells", 1, 1);
	prop_cells(d, "#size-cells", 1, 0);
	prop_cells(d, "timebase-frequency", 1, 1000000);
	begin(d, "cpu@0");
	PROP_STR(d, "device_type", "cpu");
	prop_cells(d, "reg", 1, 0);
	PROP_STR(d, "mmu-type", "riscv,sv39");
	end(d);
	end(d);
	return d;
}

/* Closes the root of @d, writes it, frees the writer and parses the result. */
static int build_and_parse(struct dtb *d, struct fdt_info *info)
{
	struct blob b;
	int rc;

	end(d);
	b = finish(d);
	free(d);
	rc = fdt_parse(b.data, b.len, info);
	free(b.data);
	return rc;
}

static int parse_blob(struct blob *b, struct fdt_info *info)
{
	int rc = fdt_parse(b->data, b->len, info);

	free(b->data);
	return rc;
}

static void blob_without_memory_node_parses_with_no_banks(void **state)
{
	struct fdt_info info;

	(void)state;
	assert_int_equal(build_and_parse(skeleton(), &info), 0);
	assert_int_equal(info.nmem, 0);
	assert_int_equal(info.nresv, 0);
	assert_int_equal(info.nharts, 1);
	assert_true(fdt_hart_usable(&info.harts[0]));
	assert_string_equal(info.model, "test,board");
	assert_string_equal(info.compatible, "test,board");
	assert_string_equal(info.stdout_path, "");
	assert_int_equal(info.uart.kind, FDT_UART_NONE);
	assert_null(info.why);
}

static void memory_keeps_every_reg_entry_but_skips_disabled_and_empty_ones(void **state)
{
	struct dtb *d = skeleton();
	struct fdt_info info;

	(void)state;
	begin(d, "memory@80000000");
	PROP_STR(d, "device_type", "memory");
	prop_cells(d, "reg", 16, 0, 0x80000000, 0, 0x1000, 0, 0x90000000, 0, 0, 0x1, 0, 0x2, 0, 0,
		   0, 0, 0);
	end(d);
	begin(d, "memory@a0000000");
	PROP_STR(d, "device_type", "memory");
	PROP_STR(d, "status", "disabled");
	prop_cells(d, "reg", 4, 0, 0xa0000000, 0, 0x1000);
	end(d);
	begin(d, "sram@0"); /* no device_type: not memory */
	prop_cells(d, "reg", 4, 0, 0, 0, 0x1000);
	end(d);
	assert_int_equal(build_and_parse(d, &info), 0);
	assert_int_equal(info.nmem, 2);
	assert_int_equal(info.mem[0].base, 0x80000000);
	assert_int_equal(info.mem[0].size, 0x1000);
	assert_int_equal(info.mem[1].base, 0x100000000);
	assert_int_equal(info.mem[1].size, 0x200000000);
}

static void memory_banks_beyond_the_maximum_are_dropped_without_error(void **state)
{
	struct dtb *d = skeleton();
	struct fdt_info info;
	uint32_t i;

	(void)state;
	for (i = 0; i < FDT_MAX_MEM + 3; i++) {
		char name[32];

		snprintf(name, sizeof(name), "memory@%x", i + 1);
		begin(d, name);
		PROP_STR(d, "device_type", "memory");
		prop_cells(d, "reg", 4, i + 1, 0, 0, 0x1000);
		end(d);
	}
	assert_int_equal(build_and_parse(d, &info), 0);
	assert_int_equal(info.nmem, FDT_MAX_MEM);
	assert_int_equal(info.mem[FDT_MAX_MEM - 1].base, (uint64_t)FDT_MAX_MEM << 32);
}

static void root_without_cell_counts_uses_two_address_and_one_size_cell(void **state)
{
	struct dtb *d = new_dtb();
	struct fdt_info info;

	(void)state;
	begin(d, "");
	begin(d, "memory@80000000");
	PROP_STR(d, "device_type", "memory");
	prop_cells(d, "reg", 6, 0, 0x80000000, 0x4000000, 0x1, 0, 0x1000);
	end(d);
	assert_int_equal(build_and_parse(d, &info), 0);
	assert_int_equal(info.nmem, 2);
	assert_int_equal(info.mem[0].base, 0x80000000);
	assert_int_equal(info.mem[0].size, 0x4000000);
	assert_int_equal(info.mem[1].base, 0x100000000);
	assert_int_equal(info.mem[1].size, 0x1000);
	assert_int_equal(info.nharts, 0);
	assert_int_equal(info.timebase_hz, 0);
}

static void reserved_memory_children_come_before_header_reservations(void **state)
{
	struct dtb *d = skeleton();
	struct fdt_info info;

	(void)state;
	reserve(d, 0x80000000, 0x200000);
	reserve(d, 0x90000000, 0); /* empty: skipped, but not the terminator */
	reserve(d, 0xa0000000, 0x1000);
	begin(d, "reserved-memory");
	prop_cells(d, "#address-cells", 1, 1);
	prop_cells(d, "#size-cells", 1, 1);
	prop(d, "ranges", NULL, 0);
	begin(d, "opensbi@80000000");
	prop_cells(d, "reg", 2, 0x80000000, 0x40000);
	end(d);
	begin(d, "off@0");
	PROP_STR(d, "status", "disabled");
	prop_cells(d, "reg", 2, 0, 0x1000);
	end(d);
	begin(d, "pool"); /* no reg: nothing to reserve */
	end(d);
	end(d);
	assert_int_equal(build_and_parse(d, &info), 0);
	assert_int_equal(info.nresv, 3);
	assert_int_equal(info.resv[0].base, 0x80000000);
	assert_int_equal(info.resv[0].size, 0x40000);
	assert_int_equal(info.resv[1].base, 0x80000000);
	assert_int_equal(info.resv[1].size, 0x200000);
	assert_int_equal(info.resv[2].base, 0xa0000000);
	assert_int_equal(info.resv[2].size, 0x1000);
}

static void reservations_beyond_the_maximum_are_dropped_without_error(void **state)
{
	struct dtb *d = skeleton();
	struct fdt_info info;
	int i;

	(void)state;
	for (i = 0; i < FDT_MAX_RESV + 4; i++)
		reserve(d, 0x80000000 + 0x1000 * (uint64_t)i, 0x1000);
	assert_int_equal(build_and_parse(d, &info), 0);
	assert_int_equal(info.nresv, FDT_MAX_RESV);
	assert_int_equal(info.resv[FDT_MAX_RESV - 1].base,
			 0x80000000 + 0x1000 * (FDT_MAX_RESV - 1));
}

/* Adds /aliases, /chosen with @prop_name = @stdout and a 16550 at /soc/serial@10000000. */
static struct dtb *console_tree(const char *prop_name, const char *stdout)
{
	struct dtb *d = skeleton();

	begin(d, "aliases");
	PROP_STR(d, "serial0", "/soc/serial@10000000");
	PROP_STR(d, "serial1", "/soc/missing@0");
	end(d);
	begin(d, "chosen");
	prop(d, prop_name, stdout, strlen(stdout) + 1);
	end(d);
	begin(d, "soc");
	prop_cells(d, "#address-cells", 1, 2);
	prop_cells(d, "#size-cells", 1, 2);
	prop(d, "ranges", NULL, 0);
	begin(d, "serial@10000000");
	PROP_STR(d, "compatible", "ns16550a");
	prop_cells(d, "reg", 4, 0, 0x10000000, 0, 0x100);
	prop_cells(d, "clock-frequency", 2, 0, 3686400); /* two cells are accepted too */
	end(d);
	end(d);
	return d;
}

static void alias_stdout_path_with_options_gives_node_and_baud_115200(void **state)
{
	struct dtb *d = console_tree("stdout-path", "serial0:115200n8");
	struct fdt_info info;

	(void)state;
	assert_int_equal(build_and_parse(d, &info), 0);
	assert_string_equal(info.stdout_path, "serial0:115200n8");
	assert_string_equal(info.uart.path, "/soc/serial@10000000");
	assert_int_equal(info.uart.kind, FDT_UART_NS16550);
	assert_int_equal(info.uart.base, 0x10000000);
	assert_int_equal(info.uart.baud, 115200);
	assert_int_equal(info.uart.clock_hz, 3686400);
	assert_int_equal(info.uart.reg_shift, 0);
	assert_int_equal(info.uart.reg_io_width, 1);
}

static void absolute_stdout_path_with_options_and_unit_less_name_resolves(void **state)
{
	struct dtb *d = console_tree("stdout-path", "/soc/serial:9600");
	struct fdt_info info;

	(void)state;
	assert_int_equal(build_and_parse(d, &info), 0);
	assert_string_equal(info.uart.path, "/soc/serial@10000000");
	assert_int_equal(info.uart.kind, FDT_UART_NS16550);
	assert_int_equal(info.uart.baud, 9600);
}

static void linux_stdout_path_is_accepted_and_no_options_means_baud_0(void **state)
{
	struct fdt_info info;

	(void)state;
	assert_int_equal(build_and_parse(console_tree("linux,stdout-path", "serial0"), &info), 0);
	assert_string_equal(info.stdout_path, "serial0");
	assert_int_equal(info.uart.kind, FDT_UART_NS16550);
	assert_int_equal(info.uart.baud, 0);
}

static void unresolvable_stdout_leaves_no_uart_but_keeps_the_raw_string(void **state)
{
	static const char *const paths[] = { "serial7:115200", "serial1", "/soc/nothing", ":9600" };
	struct fdt_info info;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		assert_int_equal(build_and_parse(console_tree("stdout-path", paths[i]), &info), 0);
		assert_string_equal(info.stdout_path, paths[i]);
		assert_int_equal(info.uart.kind, FDT_UART_NONE);
		assert_string_equal(info.uart.path, "");
		assert_int_equal(info.uart.base, 0);
	}
}

/* /bus@f0000000 (1 cell) -> /bus/sub (1 cell) -> uart, with @sub_ranges on the inner bus. */
static struct dtb *bus_tree(const uint32_t *sub_ranges, int n, const char *compat, size_t clen)
{
	struct dtb *d = skeleton();
	uint8_t buf[64];
	int i;

	begin(d, "chosen");
	PROP_STR(d, "stdout-path", "/bus@f0000000/sub@100000/uart@2000");
	end(d);
	begin(d, "bus@f0000000");
	prop_cells(d, "#address-cells", 1, 1);
	prop_cells(d, "#size-cells", 1, 1);
	/* child 0x0..0x1000000 -> parent 0x1_f0000000 (root has two address cells) */
	prop_cells(d, "ranges", 4, 0, 0x1, 0xf0000000, 0x1000000);
	begin(d, "sub@100000");
	prop_cells(d, "#address-cells", 1, 1);
	prop_cells(d, "#size-cells", 1, 1);
	for (i = 0; i < n; i++)
		put_be32(buf + 4 * i, sub_ranges[i]);
	if (n >= 0)
		prop(d, "ranges", buf, 4 * (size_t)n);
	begin(d, "uart@2000");
	prop(d, "compatible", compat, clen);
	prop_cells(d, "reg", 2, 0x2000, 0x100);
	prop_cells(d, "reg-shift", 1, 2);
	prop_cells(d, "reg-io-width", 1, 4);
	end(d);
	end(d);
	end(d);
	return d;
}

static void uart_reg_is_translated_through_every_ancestor_ranges(void **state)
{
	static const uint32_t ranges[] = { 0x0, 0x300000, 0x1000, 0x1000, 0x100000, 0x10000 };
	static const char compat[] = "vendor,uart\0snps,dw-apb-uart\0ns16550a";
	struct fdt_info info;

	(void)state;
	/* 0x2000 -> second entry: 0x100000 + 0x1000 = 0x101000 -> 0x1_f0101000 */
	assert_int_equal(build_and_parse(bus_tree(ranges, 6, compat, sizeof(compat)), &info), 0);
	assert_string_equal(info.uart.path, "/bus@f0000000/sub@100000/uart@2000");
	assert_int_equal(info.uart.kind, FDT_UART_DW_APB);
	assert_string_equal(info.uart.compatible, "snps,dw-apb-uart");
	assert_int_equal(info.uart.base, 0x1f0101000);
	assert_int_equal(info.uart.size, 0x100);
	assert_int_equal(info.uart.reg_shift, 2);
	assert_int_equal(info.uart.reg_io_width, 4);
}

static void bus_without_or_with_empty_ranges_maps_addresses_unchanged(void **state)
{
	static const char compat[] = "sifive,uart0";
	struct fdt_info info;

	(void)state;
	assert_int_equal(build_and_parse(bus_tree(NULL, -1, compat, sizeof(compat)), &info), 0);
	assert_int_equal(info.uart.kind, FDT_UART_SIFIVE);
	assert_int_equal(info.uart.base, 0x1f0002000);
	assert_int_equal(build_and_parse(bus_tree(NULL, 0, compat, sizeof(compat)), &info), 0);
	assert_int_equal(info.uart.base, 0x1f0002000);
}

static void uart_outside_every_range_is_not_offered(void **state)
{
	static const uint32_t ranges[] = { 0x10000, 0x0, 0x1000 };
	static const char compat[] = "ns16550";
	struct fdt_info info;

	(void)state;
	assert_int_equal(build_and_parse(bus_tree(ranges, 3, compat, sizeof(compat)), &info), 0);
	assert_int_equal(info.uart.kind, FDT_UART_NONE);
	assert_string_equal(info.uart.path, "/bus@f0000000/sub@100000/uart@2000");
}

static void unknown_uart_compatible_keeps_the_path_only(void **state)
{
	static const char compat[] = "ucb,htif0\0vendor,uart";
	struct fdt_info info;

	(void)state;
	assert_int_equal(build_and_parse(bus_tree(NULL, 0, compat, sizeof(compat)), &info), 0);
	assert_int_equal(info.uart.kind, FDT_UART_NONE);
	assert_string_equal(info.uart.compatible, "");
	assert_string_equal(info.uart.path, "/bus@f0000000/sub@100000/uart@2000");
}

static void add_cpu(struct dtb *d, const char *name, uint32_t reg, const char *type,
		    const char *mmu, const char *status)
{
	begin(d, name);
	if (type)
		prop(d, "device_type", type, strlen(type) + 1);
	prop_cells(d, "reg", 1, reg);
	if (mmu)
		prop(d, "mmu-type", mmu, strlen(mmu) + 1);
	if (status)
		prop(d, "status", status, strlen(status) + 1);
}

static struct dtb *cpus_open(void)
{
	struct dtb *d = new_dtb();

	begin(d, "");
	begin(d, "cpus");
	prop_cells(d, "#address-cells", 1, 1);
	prop_cells(d, "#size-cells", 1, 0);
	return d;
}

static void hart_flags_follow_mmu_type_and_status(void **state)
{
	struct dtb *d = cpus_open();
	struct fdt_info info;

	(void)state;
	add_cpu(d, "cpu@0", 0, "cpu", "riscv,sv39", "okay");
	end(d);
	add_cpu(d, "cpu@1", 1, "cpu", "riscv,sv48", "ok");
	end(d);
	add_cpu(d, "cpu@2", 2, "cpu", "riscv,sv57", NULL);
	end(d);
	add_cpu(d, "cpu@3", 3, "cpu", "riscv,sv32", NULL);
	end(d);
	add_cpu(d, "cpu@4", 4, "cpu", "riscv,none", NULL);
	end(d);
	add_cpu(d, "cpu@5", 5, "cpu", "riscv,sv39", "disabled");
	end(d);
	add_cpu(d, "cpu@6", 6, "cpu", "riscv,sv39", "fail");
	end(d);
	end(d);
	assert_int_equal(build_and_parse(d, &info), 0);
	assert_int_equal(info.nharts, 7);
	assert_int_equal(info.harts[0].flags, FDT_HART_MMU_SV39 | FDT_HART_ENABLED);
	assert_int_equal(info.harts[1].flags, FDT_HART_MMU_SV39 | FDT_HART_ENABLED);
	assert_int_equal(info.harts[2].flags, FDT_HART_MMU_SV39 | FDT_HART_ENABLED);
	assert_int_equal(info.harts[3].flags, FDT_HART_ENABLED);
	assert_int_equal(info.harts[4].flags, FDT_HART_ENABLED);
	assert_int_equal(info.harts[5].flags, FDT_HART_MMU_SV39);
	assert_int_equal(info.harts[6].flags, FDT_HART_MMU_SV39);
	assert_true(fdt_hart_usable(&info.harts[2]));
	assert_false(fdt_hart_usable(&info.harts[3]));
	assert_false(fdt_hart_usable(&info.harts[5]));
}

static void isa_extensions_come_from_isa_string_and_extension_list(void **state)
{
	struct dtb *d = cpus_open();
	struct fdt_info info;
	const uint32_t base = FDT_HART_MMU_SV39 | FDT_HART_ENABLED;

	(void)state;
	add_cpu(d, "cpu@0", 0, "cpu", "riscv,sv39", NULL);
	PROP_STR(d, "riscv,isa", "rv64imafdc_zicsr_sstc_svpbmt");
	end(d);
	add_cpu(d, "cpu@1", 1, "cpu", "riscv,sv39", NULL);
	PROP_STR(d, "riscv,isa", "RV64IMAFDC_Zicsr_SVNAPOT_Svadu1p0");
	end(d);
	add_cpu(d, "cpu@2", 2, "cpu", "riscv,sv39", NULL);
	/* single letters 's' and 'u' are not extension names; "sstcx" is not sstc */
	PROP_STR(d, "riscv,isa", "rv64imafdcsu_sstcx_svpbm");
	end(d);
	add_cpu(d, "cpu@3", 3, "cpu", "riscv,sv39", NULL);
	PROP_STR(d, "riscv,isa", "rv64imac");
	PROP_STR(d, "riscv,isa-extensions", "i\0m\0a\0c\0sstc\0svadu\0svnapot\0svpbmt");
	PROP_STR(d, "compatible", "allwinner,sun20i-d1-c906\0thead,c906\0riscv");
	end(d);
	end(d);
	assert_int_equal(build_and_parse(d, &info), 0);
	assert_int_equal(info.nharts, 4);
	assert_int_equal(info.harts[0].flags, base | FDT_HART_SSTC | FDT_HART_SVPBMT);
	assert_int_equal(info.harts[1].flags, base | FDT_HART_SVNAPOT | FDT_HART_SVADU);
	assert_int_equal(info.harts[2].flags, base);
	assert_int_equal(info.harts[3].flags, base | FDT_HART_SSTC | FDT_HART_SVADU |
						  FDT_HART_SVNAPOT | FDT_HART_SVPBMT |
						  FDT_HART_THEAD_MAEE);
}

/* QEMU virt's goldfish RTC sits in /soc (identity ranges); /chosen carries 32 seed bytes. */
static void virt_fixtures_have_goldfish_rtc_and_a_32_byte_rng_seed(void **state)
{
	static const char *const files[] = { "qemu-7.2-virt_m_128M.dtb",
					     "qemu-7.2-virt_m_2G_smp_4.dtb" };
	/* the first cell of each blob's rng-seed, as fdtget prints it */
	static const uint8_t first[2][4] = { { 0xd1, 0x12, 0x24, 0x51 },
					     { 0x01, 0x9b, 0xe8, 0xa9 } };
	struct fdt_info info;
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		parse_file(files[i], &info);
		assert_int_equal(info.rtc.kind, FDT_RTC_GOLDFISH);
		assert_int_equal(info.rtc.base, 0x101000);
		assert_int_equal(info.rtc.size, 0x1000);
		assert_string_equal(info.rtc.path, "/soc/rtc@101000");
		assert_int_equal(info.rng_seed_len, 32);
		assert_memory_equal(info.rng_seed, first[i], 4);
		assert_false(info.has_kaslr_seed);
	}
}

/* Other RTCs (Allwinner, Microchip, the Dialog PMIC's) have no driver: no clock, no seed. */
static void boards_without_a_goldfish_rtc_report_none(void **state)
{
	static const char *const files[] = { "qemu-7.2-sifive_u.dtb", "qemu-7.2-spike_m_256M.dtb",
					     "sun20i-d1-nezha.dtb", "mpfs-icicle-kit.dtb",
					     "hifive-unmatched-a00.dtb" };
	struct fdt_info info;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		parse_file(files[i], &info);
		assert_int_equal(info.rtc.kind, FDT_RTC_NONE);
		assert_string_equal(info.rtc.path, "");
		assert_int_equal(info.rng_seed_len, 0);
	}
}

/* A goldfish RTC two buses down: reg goes through both ranges; a disabled one is skipped. */
static void rtc_reg_is_translated_and_disabled_rtcs_are_skipped(void **state)
{
	struct dtb *d = skeleton();
	struct fdt_info info;

	(void)state;
	begin(d, "rtc@0");
	PROP_STR(d, "compatible", "google,goldfish-rtc");
	prop_cells(d, "reg", 4, 0, 0x5000, 0, 0x1000);
	PROP_STR(d, "status", "disabled");
	end(d);
	begin(d, "bus@f0000000");
	prop_cells(d, "#address-cells", 1, 1);
	prop_cells(d, "#size-cells", 1, 1);
	prop_cells(d, "ranges", 4, 0, 0x1, 0xf0000000, 0x1000000);
	begin(d, "sub@100000");
	prop_cells(d, "#address-cells", 1, 1);
	prop_cells(d, "#size-cells", 1, 1);
	prop_cells(d, "ranges", 3, 0x0, 0x100000, 0x10000);
	begin(d, "rtc@3000");
	PROP_STR(d, "compatible", "vendor,rtc\0google,goldfish-rtc");
	prop_cells(d, "reg", 2, 0x3000, 0x1000);
	end(d);
	end(d);
	end(d);
	assert_int_equal(build_and_parse(d, &info), 0);
	assert_int_equal(info.rtc.kind, FDT_RTC_GOLDFISH);
	assert_int_equal(info.rtc.base, 0x1f0103000);
	assert_int_equal(info.rtc.size, 0x1000);
	assert_string_equal(info.rtc.path, "/bus@f0000000/sub@100000/rtc@3000");
}

static void rtc_outside_its_bus_ranges_is_not_offered(void **state)
{
	struct dtb *d = skeleton();
	struct fdt_info info;

	(void)state;
	begin(d, "bus@0");
	prop_cells(d, "#address-cells", 1, 1);
	prop_cells(d, "#size-cells", 1, 1);
	prop_cells(d, "ranges", 4, 0x10000, 0, 0x10000, 0x1000);
	begin(d, "rtc@3000");
	PROP_STR(d, "compatible", "google,goldfish-rtc");
	prop_cells(d, "reg", 2, 0x3000, 0x1000);
	end(d);
	end(d);
	assert_int_equal(build_and_parse(d, &info), 0);
	assert_int_equal(info.rtc.kind, FDT_RTC_NONE);
}

/* U-Boot's /chosen: kaslr-seed (two cells) beside rng-seed; a long rng-seed is cut to the
 * maximum kept. */
static void chosen_seeds_are_read_and_long_rng_seed_is_truncated(void **state)
{
	struct dtb *d = skeleton();
	struct fdt_info info;
	uint8_t seed[FDT_RNG_SEED_MAX + 16];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(seed); i++)
		seed[i] = (uint8_t)(i + 1);
	begin(d, "chosen");
	prop(d, "rng-seed", seed, sizeof(seed));
	prop_cells(d, "kaslr-seed", 2, 0x01234567, 0x89abcdef);
	end(d);
	assert_int_equal(build_and_parse(d, &info), 0);
	assert_int_equal(info.rng_seed_len, FDT_RNG_SEED_MAX);
	assert_memory_equal(info.rng_seed, seed, FDT_RNG_SEED_MAX);
	assert_true(info.has_kaslr_seed);
	assert_int_equal(info.kaslr_seed, 0x0123456789abcdefull);
}

static void zkr_comes_from_isa_string_or_extension_list(void **state)
{
	struct dtb *d = cpus_open();
	struct fdt_info info;
	const uint32_t base = FDT_HART_MMU_SV39 | FDT_HART_ENABLED;

	(void)state;
	add_cpu(d, "cpu@0", 0, "cpu", "riscv,sv39", NULL);
	PROP_STR(d, "riscv,isa", "rv64imac_zicsr_zkr");
	end(d);
	add_cpu(d, "cpu@1", 1, "cpu", "riscv,sv39", NULL);
	PROP_STR(d, "riscv,isa", "rv64imac");
	PROP_STR(d, "riscv,isa-extensions", "i\0m\0a\0c\0zkr");
	end(d);
	add_cpu(d, "cpu@2", 2, "cpu", "riscv,sv39", NULL);
	PROP_STR(d, "riscv,isa", "rv64imac_zkt_zkn");
	end(d);
	end(d);
	assert_int_equal(build_and_parse(d, &info), 0);
	assert_int_equal(info.harts[0].flags, base | FDT_HART_ZKR);
	assert_int_equal(info.harts[1].flags, base | FDT_HART_ZKR);
	assert_int_equal(info.harts[2].flags, base);
}

static void cpu_nodes_are_found_by_device_type_or_by_name(void **state)
{
	struct dtb *d = cpus_open();
	struct fdt_info info;

	(void)state;
	begin(d, "cpu-map"); /* not a cpu */
	begin(d, "cluster0");
	end(d);
	end(d);
	add_cpu(d, "cpu@7", 7, NULL, "riscv,sv39", NULL); /* old blob: no device_type */
	end(d);
	add_cpu(d, "cpu@8", 8, "memory", "riscv,sv39", NULL); /* named cpu@ but typed otherwise */
	end(d);
	add_cpu(d, "core@9", 9, "cpu", "riscv,sv39", NULL);
	prop_cells(d, "timebase-frequency", 2, 0x1, 0x0); /* first cpu with it, two cells */
	end(d);
	begin(d, "cpu@a"); /* no reg: no hart id to start it with */
	PROP_STR(d, "device_type", "cpu");
	end(d);
	end(d);
	assert_int_equal(build_and_parse(d, &info), 0);
	assert_int_equal(info.nharts, 2);
	assert_int_equal(info.harts[0].hartid, 7);
	assert_int_equal(info.harts[1].hartid, 9);
	assert_int_equal(info.timebase_hz, 0x100000000);
}

static void harts_beyond_the_maximum_are_dropped_without_error(void **state)
{
	struct dtb *d = cpus_open();
	struct fdt_info info;
	uint32_t i;

	(void)state;
	for (i = 0; i < FDT_MAX_HARTS + 6; i++) {
		char name[16];

		snprintf(name, sizeof(name), "cpu@%u", i);
		add_cpu(d, name, i, "cpu", "riscv,sv39", NULL);
		end(d);
	}
	end(d);
	assert_int_equal(build_and_parse(d, &info), 0);
	assert_int_equal(info.nharts, FDT_MAX_HARTS);
	assert_int_equal(info.harts[FDT_MAX_HARTS - 1].hartid, FDT_MAX_HARTS - 1);
}

static void long_model_and_compatible_are_truncated_with_a_nul(void **state)
{
	struct dtb *d = new_dtb();
	struct fdt_info info;
	char lng[200];

	(void)state;
	memset(lng, 'x', sizeof(lng) - 1);
	lng[sizeof(lng) - 1] = '\0';
	begin(d, "");
	prop(d, "model", lng, sizeof(lng));
	prop(d, "compatible", lng, sizeof(lng));
	assert_int_equal(build_and_parse(d, &info), 0);
	assert_int_equal(strlen(info.model), FDT_NAME_LEN - 1);
	assert_int_equal(strlen(info.compatible), FDT_NAME_LEN - 1);
	assert_int_equal(info.model[0], 'x');
}

static void bad_magic_is_rejected(void **state)
{
	struct blob b = load("qemu-7.2-spike_m_256M.dtb");
	struct fdt_info info;

	(void)state;
	b.data[0] ^= 0x01;
	assert_rejected(parse_blob(&b, &info), &info, -EINVAL);
	assert_why_mentions(&info, "magic");
}

static void unsupported_versions_are_rejected_and_version_16_parses(void **state)
{
	struct fdt_info info;
	struct blob b;

	(void)state;
	b = load("qemu-7.2-spike_m_256M.dtb");
	put_be32(b.data + H_VERSION, 15);
	assert_rejected(parse_blob(&b, &info), &info, -EINVAL);
	assert_why_mentions(&info, "version");

	b = load("qemu-7.2-spike_m_256M.dtb");
	put_be32(b.data + H_LAST_COMP, 18);
	assert_rejected(parse_blob(&b, &info), &info, -EINVAL);

	/* Version 16 has no size_dt_struct: whatever sits in that word is not used. */
	b = load("qemu-7.2-spike_m_256M.dtb");
	put_be32(b.data + H_VERSION, 16);
	put_be32(b.data + H_SIZE_STRUCT, 0xffffffff);
	assert_int_equal(parse_blob(&b, &info), 0);
	assert_int_equal(info.nmem, 1);
	assert_int_equal(info.nharts, 1);
}

static void totalsize_above_the_maximum_is_e2big(void **state)
{
	struct blob b = load("qemu-7.2-spike_m_256M.dtb");
	struct fdt_info info;

	(void)state;
	put_be32(b.data + H_TOTALSIZE, FDT_MAX_SIZE + 1);
	assert_rejected(parse_blob(&b, &info), &info, -E2BIG);
}

static void totalsize_smaller_than_the_header_is_rejected(void **state)
{
	struct blob b = load("qemu-7.2-spike_m_256M.dtb");
	struct fdt_info info;

	(void)state;
	put_be32(b.data + H_TOTALSIZE, H_SIZE - 1);
	assert_rejected(parse_blob(&b, &info), &info, -EINVAL);
}

static void null_or_empty_blob_is_rejected(void **state)
{
	uint8_t *empty = malloc(1);
	struct fdt_info info;

	(void)state;
	assert_rejected(fdt_parse(NULL, 4096, &info), &info, -EINVAL);
	assert_rejected(fdt_parse(empty, 0, &info), &info, -EINVAL);
	free(empty);
}

/* Sets the header word at @field of a fresh copy of the spike blob and expects -EINVAL. */
static void expect_rejected_with(uint32_t field, uint32_t value, const char *word)
{
	struct blob b = load("qemu-7.2-spike_m_256M.dtb");
	struct fdt_info info;

	put_be32(b.data + field, value);
	assert_rejected(parse_blob(&b, &info), &info, -EINVAL);
	if (word)
		assert_why_mentions(&info, word);
}

static void blocks_reaching_outside_the_blob_are_rejected(void **state)
{
	struct blob b = load("qemu-7.2-spike_m_256M.dtb");
	uint32_t total = get_be32(b.data + H_TOTALSIZE);
	uint32_t off_st = get_be32(b.data + H_OFF_STRUCT);
	uint32_t off_strs = get_be32(b.data + H_OFF_STRINGS);

	(void)state;
	free(b.data);
	expect_rejected_with(H_OFF_STRUCT, total + 4, "structure");
	expect_rejected_with(H_OFF_STRUCT, 0, "structure"); /* overlaps the header */
	expect_rejected_with(H_OFF_STRUCT, off_st + 2, NULL);
	expect_rejected_with(H_SIZE_STRUCT, total - off_st + 4, "structure");
	expect_rejected_with(H_SIZE_STRUCT, 0xfffffffc, "structure");
	expect_rejected_with(H_OFF_STRINGS, 0xffffff00, "strings");
	expect_rejected_with(H_SIZE_STRINGS, total - off_strs + 1, "strings");
	expect_rejected_with(H_OFF_RSVMAP, total + 1, "reservation");
	expect_rejected_with(H_OFF_RSVMAP, total - 8, "reservation"); /* no room for a terminator */
}

/* The first property's name offset points at or past the end of the strings block. */
static void property_name_offset_outside_strings_is_rejected(void **state)
{
	static const uint32_t past[] = { 0, 1, 0x1000, 0x7fffffff };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(past) / sizeof(past[0]) + 1; i++) {
		struct dtb *d = new_dtb();
		struct fdt_info info;
		struct blob b;
		uint32_t off_st, nameoff;

		begin(d, "");
		prop_cells(d, "#address-cells", 1, 2);
		end(d);
		b = finish(d);
		free(d);
		off_st = get_be32(b.data + H_OFF_STRUCT);
		/* root token (4) + name "\0" padded (4) + FDT_PROP (4) + len (4) -> nameoff */
		nameoff = 0xffffffff;
		if (i < sizeof(past) / sizeof(past[0]))
			nameoff = get_be32(b.data + H_SIZE_STRINGS) + past[i];
		put_be32(b.data + off_st + 16, nameoff);
		assert_rejected(parse_blob(&b, &info), &info, -EINVAL);
		assert_why_mentions(&info, "name");
	}
}

static void property_name_without_nul_in_strings_is_rejected(void **state)
{
	struct dtb *d = new_dtb();
	struct fdt_info info;
	struct blob b;

	(void)state;
	begin(d, "");
	prop_cells(d, "reg", 1, 0);
	end(d);
	b = finish(d);
	free(d);
	b.data[b.len - 1] = 'x'; /* the NUL of "reg", last byte of the strings block */
	assert_rejected(parse_blob(&b, &info), &info, -EINVAL);
	assert_why_mentions(&info, "name");
}

static void node_name_running_off_the_structure_block_is_rejected(void **state)
{
	struct dtb *d = new_dtb();
	struct fdt_info info;
	struct blob b;

	(void)state;
	d->no_end = true;
	put_tok(d, 1);
	memcpy(d->st + d->nst, "abcdefgh", 8); /* no NUL anywhere up to the block's end */
	d->nst += 8;
	b = finish(d);
	free(d);
	assert_rejected(parse_blob(&b, &info), &info, -EINVAL);
	assert_why_mentions(&info, "name");
}

static struct dtb *nested(int levels)
{
	struct dtb *d = new_dtb();
	int i;

	begin(d, "");
	for (i = 1; i < levels; i++)
		begin(d, "n");
	for (i = 1; i < levels; i++)
		end(d);
	return d;
}

static void nesting_16_deep_parses_but_100_deep_is_rejected(void **state)
{
	struct fdt_info info;

	(void)state;
	assert_int_equal(build_and_parse(nested(16), &info), 0);
	assert_rejected(build_and_parse(nested(100), &info), &info, -EINVAL);
	assert_why_mentions(&info, "deep");
}

static void missing_fdt_end_is_rejected(void **state)
{
	struct dtb *d = skeleton();
	struct fdt_info info;

	(void)state;
	d->no_end = true;
	assert_rejected(build_and_parse(d, &info), &info, -EINVAL);
	assert_why_mentions(&info, "FDT_END");
}

/* A blob whose structure block is exactly @toks (FDT_END included when wanted). */
static int parse_tokens(const uint32_t *toks, int n, struct fdt_info *info)
{
	struct dtb *d = new_dtb();
	struct blob b;
	int i;

	d->no_end = true;
	for (i = 0; i < n; i++)
		put_tok(d, toks[i]);
	b = finish(d);
	free(d);
	return parse_blob(&b, info);
}

static void misplaced_or_unknown_tokens_are_rejected(void **state)
{
	/* BEGIN_NODE tokens here carry an empty name: the zero word that follows them. */
	static const uint32_t extra_end_node[] = { 1, 0, 2, 2, 9 };
	static const uint32_t end_inside_node[] = { 1, 0, 9 };
	static const uint32_t second_root[] = { 1, 0, 2, 1, 0, 2, 9 };
	static const uint32_t unknown[] = { 1, 0, 7, 2, 9 };
	static const uint32_t no_root[] = { 4, 9 };
	static const uint32_t nops_ok[] = { 4, 1, 0, 4, 2, 4, 9 };
	struct fdt_info info;

	(void)state;
	assert_rejected(parse_tokens(extra_end_node, 5, &info), &info, -EINVAL);
	assert_rejected(parse_tokens(end_inside_node, 3, &info), &info, -EINVAL);
	assert_rejected(parse_tokens(second_root, 7, &info), &info, -EINVAL);
	assert_rejected(parse_tokens(unknown, 5, &info), &info, -EINVAL);
	assert_why_mentions(&info, "token");
	assert_rejected(parse_tokens(no_root, 2, &info), &info, -EINVAL);
	assert_int_equal(parse_tokens(nops_ok, 7, &info), 0);
}

static void property_outside_a_node_or_too_long_is_rejected(void **state)
{
	struct fdt_info info;
	struct dtb *d;
	struct blob b;
	uint32_t off_st;

	(void)state;
	d = new_dtb();
	d->no_end = true;
	prop_cells(d, "reg", 1, 0);
	begin(d, "");
	end(d);
	put_tok(d, 9);
	b = finish(d);
	free(d);
	assert_rejected(parse_blob(&b, &info), &info, -EINVAL);

	d = new_dtb();
	begin(d, "");
	prop_cells(d, "reg", 1, 0);
	end(d);
	b = finish(d);
	free(d);
	off_st = get_be32(b.data + H_OFF_STRUCT);
	put_be32(b.data + off_st + 12, 13); /* value length: one word past FDT_END */
	assert_rejected(parse_blob(&b, &info), &info, -EINVAL);
	assert_why_mentions(&info, "property");
}

static void unterminated_reservation_block_is_rejected(void **state)
{
	struct dtb *d = new_dtb();
	struct fdt_info info;
	struct blob b;
	uint32_t total;

	(void)state;
	begin(d, "");
	end(d);
	b = finish(d);
	free(d);
	/* Point the reservation block at the last 16 bytes, which are not all zero. */
	total = get_be32(b.data + H_TOTALSIZE);
	put_be32(b.data + H_OFF_RSVMAP, total - 16);
	assert_rejected(parse_blob(&b, &info), &info, -EINVAL);
	assert_why_mentions(&info, "reservation");
}

static const char *const fixtures[] = {
	"cv1800b-milkv-duo.dtb",	"hifive-unleashed-a00.dtb",
	"hifive-unmatched-a00.dtb",	"jh7110-starfive-visionfive-2-v1.3b.dtb",
	"mpfs-icicle-kit.dtb",		"qemu-7.2-sifive_u.dtb",
	"qemu-7.2-spike_m_256M.dtb",	"qemu-7.2-virt_m_128M.dtb",
	"qemu-7.2-virt_m_2G_smp_4.dtb", "sg2042-milkv-pioneer.dtb",
	"sun20i-d1-lichee-rv-dock.dtb", "sun20i-d1-nezha.dtb",
	"th1520-lichee-pi-4a.dtb",
};

#define NFIXTURES (sizeof(fixtures) / sizeof(fixtures[0]))

static void every_fixture_in_the_directory_is_covered(void **state)
{
	DIR *dir = opendir(dtb_dir);
	struct dirent *e;
	size_t i, seen = 0, len;

	(void)state;
	assert_non_null(dir);
	while ((e = readdir(dir))) {
		len = strlen(e->d_name);
		if (len < 4 || strcmp(e->d_name + len - 4, ".dtb"))
			continue;
		for (i = 0; i < NFIXTURES && strcmp(fixtures[i], e->d_name); i++)
			;
		if (i == NFIXTURES)
			fail_msg("fixture %s has no test", e->d_name);
		seen++;
	}
	closedir(dir);
	assert_int_equal(seen, NFIXTURES);
}

/*
 * Cuts every fixture at every length. The prefix sits at the tail of an allocation of the whole
 * blob, so the first byte past it is ASan's redzone (byte reads make its alignment irrelevant).
 * With @own_size the prefix's header also claims to be whole (totalsize = its length).
 */
static void cut_every_fixture_everywhere(bool own_size)
{
	struct fdt_info info;
	size_t i, len;

	for (i = 0; i < NFIXTURES; i++) {
		struct blob b = load(fixtures[i]);
		uint8_t *buf = copy_of(&b, b.len), *p;
		int rc;

		for (len = 0; len < b.len; len++) {
			p = buf + b.len - len;
			memcpy(p, b.data, len);
			if (own_size && len >= 8)
				put_be32(p + H_TOTALSIZE, (uint32_t)len);
			rc = fdt_parse(p, len, &info);
			if (rc != -EINVAL || !info.why)
				fail_msg("%s cut to %zu: rc %d", fixtures[i], len, rc);
		}
		free(buf);
		free(b.data);
	}
}

static void every_prefix_of_every_fixture_is_rejected(void **state)
{
	(void)state;
	cut_every_fixture_everywhere(false);
}

static void prefixes_claiming_their_own_length_are_rejected(void **state)
{
	(void)state;
	cut_every_fixture_everywhere(true);
}

static void totalsize_claiming_more_than_the_buffer_is_rejected(void **state)
{
	struct fdt_info info;
	uint32_t extra;

	(void)state;
	for (extra = 1; extra <= 64; extra++) {
		struct blob b = load("qemu-7.2-virt_m_128M.dtb");

		put_be32(b.data + H_TOTALSIZE, (uint32_t)b.len + extra);
		assert_rejected(parse_blob(&b, &info), &info, -EINVAL);
		assert_why_mentions(&info, "truncated");
	}
}

/* Offset of the byte after a blob's reservation block terminator (the fixtures have one). */
static uint32_t rsvmap_end(const struct blob *b)
{
	uint32_t off = get_be32(b->data + H_OFF_RSVMAP);

	while (get_be32(b->data + off) | get_be32(b->data + off + 4) | get_be32(b->data + off + 8) |
	       get_be32(b->data + off + 12))
		off += 16;
	return off + 16;
}

/* @b rebuilt as header, reservations, strings, then the structure block cut to @cut bytes. */
static uint8_t *struct_last(const struct blob *b, uint32_t cut, uint32_t misalign, uint32_t *len)
{
	uint32_t head = rsvmap_end(b), n_strs = get_be32(b->data + H_SIZE_STRINGS);
	uint32_t at = ((head + n_strs + 3) & ~3u) + misalign; /* the block must be 4-byte aligned */
	uint8_t *p;

	*len = at + cut;
	p = calloc(1, *len);
	assert_non_null(p);
	memcpy(p, b->data, head);
	memcpy(p + head, b->data + get_be32(b->data + H_OFF_STRINGS), n_strs);
	memcpy(p + at, b->data + get_be32(b->data + H_OFF_STRUCT), cut);
	put_be32(p + H_TOTALSIZE, *len);
	put_be32(p + H_OFF_STRINGS, head);
	put_be32(p + H_OFF_STRUCT, at);
	put_be32(p + H_SIZE_STRUCT, cut);
	return p;
}

/*
 * Moves the structure block to the end and cuts it at every length: the cut blob is exactly
 * its allocation, so reading past the shortened block is an ASan error, not a silent read.
 */
static void struct_block_cut_at_every_length_is_rejected(void **state)
{
	static const char *const names[] = { "qemu-7.2-virt_m_128M.dtb", "cv1800b-milkv-duo.dtb" };
	struct fdt_info info;
	uint32_t cut, len;
	uint8_t *p;
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		struct blob b = load(names[i]);
		uint32_t n_st = get_be32(b.data + H_SIZE_STRUCT);

		/* Uncut, the moved layout parses: the sweep tests the cuts, not the move. */
		p = struct_last(&b, n_st, 0, &len);
		if (fdt_parse(p, len, &info))
			fail_msg("%s moved: %s", names[i], info.why);
		assert_int_equal(info.nmem, 1);
		free(p);
		for (cut = 0; cut < n_st; cut++) {
			p = struct_last(&b, cut, 0, &len);
			if (fdt_parse(p, len, &info) != -EINVAL)
				fail_msg("%s structure cut to %u parsed", names[i], cut);
			free(p);
		}
		free(b.data);
	}
}

static void misaligned_structure_block_is_rejected(void **state)
{
	struct blob b = load("qemu-7.2-virt_m_128M.dtb");
	struct fdt_info info;
	uint32_t len, misalign;
	uint8_t *p;

	(void)state;
	for (misalign = 1; misalign < 4; misalign++) {
		p = struct_last(&b, get_be32(b.data + H_SIZE_STRUCT), misalign, &len);
		assert_rejected(fdt_parse(p, len, &info), &info, -EINVAL);
		assert_why_mentions(&info, "misaligned");
		free(p);
	}
	free(b.data);
}

/* dtc puts the strings block last and stores only used names, so any cut breaks a name. */
static void strings_block_cut_at_every_length_is_rejected(void **state)
{
	struct blob b = load("cv1800b-milkv-duo.dtb");
	uint32_t off_strs = get_be32(b.data + H_OFF_STRINGS);
	uint32_t n_strs = get_be32(b.data + H_SIZE_STRINGS), cut;
	struct fdt_info info;

	(void)state;
	assert_int_equal(off_strs + n_strs, b.len);
	for (cut = 0; cut < n_strs; cut++) {
		uint8_t *p = copy_of(&b, off_strs + cut);

		put_be32(p + H_TOTALSIZE, off_strs + cut);
		put_be32(p + H_SIZE_STRINGS, cut);
		if (fdt_parse(p, off_strs + cut, &info) != -EINVAL)
			fail_msg("strings cut to %u parsed", cut);
		free(p);
	}
	free(b.data);
}

/* Whatever a damaged blob yields, the result is bounded and its strings are terminated. */
static void assert_sane(int rc, const struct fdt_info *info)
{
	if (rc) {
		assert_true(rc == -EINVAL || rc == -E2BIG);
		assert_non_null(info->why);
		return;
	}
	assert_null(info->why);
	assert_true(info->nmem >= 0 && info->nmem <= FDT_MAX_MEM);
	assert_true(info->nresv >= 0 && info->nresv <= FDT_MAX_RESV);
	assert_true(info->nharts >= 0 && info->nharts <= FDT_MAX_HARTS);
	assert_true(info->uart.kind <= FDT_UART_SIFIVE);
	assert_true(memchr(info->model, 0, FDT_NAME_LEN) != NULL);
	assert_true(memchr(info->compatible, 0, FDT_NAME_LEN) != NULL);
	assert_true(memchr(info->stdout_path, 0, FDT_NAME_LEN) != NULL);
	assert_true(memchr(info->uart.path, 0, FDT_NAME_LEN) != NULL);
	assert_true(memchr(info->uart.compatible, 0, FDT_NAME_LEN) != NULL);
	if (info->uart.kind != FDT_UART_NONE)
		assert_int_equal(info->uart.path[0], '/');
}

/* xorshift32: a fixed sequence on every host, no libc rand(). */
static uint32_t next_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void random_single_byte_corruptions_never_crash(void **state)
{
	static const char *const names[] = { "qemu-7.2-virt_m_128M.dtb", "mpfs-icicle-kit.dtb",
					     "jh7110-starfive-visionfive-2-v1.3b.dtb" };
	uint32_t seed = 0x5eed1234;
	struct fdt_info info;
	int i, n, parsed = 0, rejected = 0;

	(void)state;
	for (i = 0; i < 3; i++) {
		struct blob b = load(names[i]);

		for (n = 0; n < 1500; n++) {
			uint8_t *p = copy_of(&b, b.len);
			/* Half the hits land in the first 512 bytes, where parsing forks. */
			size_t at = next_rand(&seed) % (n % 2 ? b.len : 512);
			int rc;

			p[at] = (uint8_t)next_rand(&seed);
			rc = fdt_parse(p, b.len, &info);
			assert_sane(rc, &info);
			if (rc)
				rejected++;
			else
				parsed++;
			free(p);
		}
		free(b.data);
	}
	/* Both outcomes must occur, or the corruption is not reaching the parser. */
	assert_true(parsed > 0);
	assert_true(rejected > 0);
}

static void every_byte_of_a_small_blob_flipped_never_crashes(void **state)
{
	static const uint8_t masks[] = { 0x01, 0x80, 0xff };
	struct blob b = load("qemu-7.2-spike_m_256M.dtb");
	struct fdt_info info;
	size_t at, m;

	(void)state;
	for (at = 0; at < b.len; at++) {
		for (m = 0; m < sizeof(masks); m++) {
			uint8_t *p = copy_of(&b, b.len);

			p[at] ^= masks[m];
			assert_sane(fdt_parse(p, b.len, &info), &info);
			free(p);
		}
	}
	free(b.data);
}

/* Blobs QEMU dumps at test time (the Makefile sets FAULTLINE_QEMU_DTB_DIR); skipped without. */
static void qemu_dumped_blobs_parse_with_memory_a_usable_hart_and_a_uart(void **state)
{
	const char *dir_name = getenv("FAULTLINE_QEMU_DTB_DIR");
	struct dirent *e;
	DIR *dir;
	int count = 0;

	(void)state;
	if (!dir_name || !*dir_name)
		skip();
	dir = opendir(dir_name);
	if (!dir)
		fail_msg("cannot open %s", dir_name);
	while ((e = readdir(dir))) {
		size_t len = strlen(e->d_name);
		char path[1024];
		struct fdt_info info;
		struct blob b;
		int i, usable = 0, rc;

		if (len < 4 || strcmp(e->d_name + len - 4, ".dtb"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir_name, e->d_name);
		b = load_path(path);
		rc = fdt_parse(b.data, b.len, &info);
		free(b.data);
		if (rc)
			fail_msg("%s: rc %d (%s)", path, rc, info.why);
		if (info.nmem < 1)
			fail_msg("%s: no memory", path);
		for (i = 0; i < info.nharts; i++)
			usable += fdt_hart_usable(&info.harts[i]);
		if (!usable)
			fail_msg("%s: no usable hart", path);
		if (!strstr(e->d_name, "spike") && info.uart.kind == FDT_UART_NONE)
			fail_msg("%s: no UART (stdout-path \"%s\")", path, info.stdout_path);
		count++;
	}
	closedir(dir);
	if (!count)
		fail_msg("no .dtb in %s", dir_name);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(virt_128m_has_one_bank_at_2g_and_ns16550_console),
		cmocka_unit_test(virt_2g_smp4_has_four_usable_sv48_harts_and_a_2g_bank),
		cmocka_unit_test(qemu_sifive_u_console_is_sifive_uart0_and_mmuless_hart0_unusable),
		cmocka_unit_test(spike_console_is_htif_so_no_uart_but_path_is_kept),
		cmocka_unit_test(milkv_duo_alias_console_is_dw_apb_with_baud_and_c906_hart),
		cmocka_unit_test(hifive_unleashed_console_via_alias_and_disabled_monitor_hart),
		cmocka_unit_test(hifive_unmatched_has_16g_bank_and_four_usable_harts),
		cmocka_unit_test(jh7110_matches_dw_apb_after_vendor_string_and_reads_byte_timebase),
		cmocka_unit_test(mpfs_icicle_has_two_banks_reserved_region_and_serial1_console),
		cmocka_unit_test(sg2042_has_no_memory_64_usable_harts_and_console_above_4g),
		cmocka_unit_test(lichee_rv_dock_has_no_memory_and_one_c906_hart),
		cmocka_unit_test(d1_nezha_has_no_memory_and_one_c906_hart),
		cmocka_unit_test(th1520_has_memory_at_zero_and_console_above_4g),
		cmocka_unit_test(every_fixture_in_the_directory_is_covered),
		cmocka_unit_test(blob_without_memory_node_parses_with_no_banks),
		cmocka_unit_test(memory_keeps_every_reg_entry_but_skips_disabled_and_empty_ones),
		cmocka_unit_test(memory_banks_beyond_the_maximum_are_dropped_without_error),
		cmocka_unit_test(root_without_cell_counts_uses_two_address_and_one_size_cell),
		cmocka_unit_test(reserved_memory_children_come_before_header_reservations),
		cmocka_unit_test(reservations_beyond_the_maximum_are_dropped_without_error),
		cmocka_unit_test(alias_stdout_path_with_options_gives_node_and_baud_115200),
		cmocka_unit_test(absolute_stdout_path_with_options_and_unit_less_name_resolves),
		cmocka_unit_test(linux_stdout_path_is_accepted_and_no_options_means_baud_0),
		cmocka_unit_test(unresolvable_stdout_leaves_no_uart_but_keeps_the_raw_string),
		cmocka_unit_test(uart_reg_is_translated_through_every_ancestor_ranges),
		cmocka_unit_test(bus_without_or_with_empty_ranges_maps_addresses_unchanged),
		cmocka_unit_test(uart_outside_every_range_is_not_offered),
		cmocka_unit_test(unknown_uart_compatible_keeps_the_path_only),
		cmocka_unit_test(hart_flags_follow_mmu_type_and_status),
		cmocka_unit_test(isa_extensions_come_from_isa_string_and_extension_list),
		cmocka_unit_test(virt_fixtures_have_goldfish_rtc_and_a_32_byte_rng_seed),
		cmocka_unit_test(boards_without_a_goldfish_rtc_report_none),
		cmocka_unit_test(rtc_reg_is_translated_and_disabled_rtcs_are_skipped),
		cmocka_unit_test(rtc_outside_its_bus_ranges_is_not_offered),
		cmocka_unit_test(chosen_seeds_are_read_and_long_rng_seed_is_truncated),
		cmocka_unit_test(zkr_comes_from_isa_string_or_extension_list),
		cmocka_unit_test(cpu_nodes_are_found_by_device_type_or_by_name),
		cmocka_unit_test(harts_beyond_the_maximum_are_dropped_without_error),
		cmocka_unit_test(long_model_and_compatible_are_truncated_with_a_nul),
		cmocka_unit_test(bad_magic_is_rejected),
		cmocka_unit_test(unsupported_versions_are_rejected_and_version_16_parses),
		cmocka_unit_test(totalsize_above_the_maximum_is_e2big),
		cmocka_unit_test(totalsize_smaller_than_the_header_is_rejected),
		cmocka_unit_test(null_or_empty_blob_is_rejected),
		cmocka_unit_test(blocks_reaching_outside_the_blob_are_rejected),
		cmocka_unit_test(property_name_offset_outside_strings_is_rejected),
		cmocka_unit_test(property_name_without_nul_in_strings_is_rejected),
		cmocka_unit_test(node_name_running_off_the_structure_block_is_rejected),
		cmocka_unit_test(nesting_16_deep_parses_but_100_deep_is_rejected),
		cmocka_unit_test(missing_fdt_end_is_rejected),
		cmocka_unit_test(misplaced_or_unknown_tokens_are_rejected),
		cmocka_unit_test(property_outside_a_node_or_too_long_is_rejected),
		cmocka_unit_test(unterminated_reservation_block_is_rejected),
		cmocka_unit_test(every_prefix_of_every_fixture_is_rejected),
		cmocka_unit_test(prefixes_claiming_their_own_length_are_rejected),
		cmocka_unit_test(totalsize_claiming_more_than_the_buffer_is_rejected),
		cmocka_unit_test(struct_block_cut_at_every_length_is_rejected),
		cmocka_unit_test(misaligned_structure_block_is_rejected),
		cmocka_unit_test(strings_block_cut_at_every_length_is_rejected),
		cmocka_unit_test(random_single_byte_corruptions_never_crash),
		cmocka_unit_test(every_byte_of_a_small_blob_flipped_never_crashes),
		cmocka_unit_test(qemu_dumped_blobs_parse_with_memory_a_usable_hart_and_a_uart),
	};

	if (argc > 1)
		dtb_dir = argv[1];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
