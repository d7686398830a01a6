/* The board table and the quirks it selects. */
#include "platform/board.h"

struct board {
	const char *compatible; /* root compatible to match, or NULL for the fallback */
	const char *name;
	/* its SBI's power-off never returns yet does not stop the machine (QEMU 7.2 spike:
	 * OpenSBI 1.1's HTIF power-off spins) */
	bool sbi_poweroff_hangs;
};

static const struct board boards[] = {
	{ .compatible = "riscv-virtio", .name = "qemu-virt" },
	{ .compatible = "sifive,hifive-unleashed-a00", .name = "sifive-unleashed" },
	{ .compatible = "sifive,hifive-unmatched-a00", .name = "sifive-unmatched" },
	{ .compatible = "ucbbar,spike-bare-dev", .name = "spike", .sbi_poweroff_hangs = true },
	{ .compatible = "starfive,visionfive-2-v1.3b", .name = "visionfive-2" },
	{ .compatible = "starfive,visionfive-2-v1.2a", .name = "visionfive-2" },
	{ .compatible = "milkv,duo", .name = "milkv-duo" },
	{ .compatible = "milkv,pioneer", .name = "milkv-pioneer" },
	{ .compatible = "sipeed,lichee-rv-dock", .name = "lichee-rv-dock" },
	{ .compatible = "allwinner,d1-nezha", .name = "d1-nezha" },
	{ .compatible = "sipeed,lichee-pi-4a", .name = "lichee-pi-4a" },
	{ .compatible = "microchip,mpfs-icicle-kit", .name = "mpfs-icicle" },
	/* the kit's devicetrees name the FPGA design's revision first */
	{ .compatible = "microchip,mpfs-icicle-reference-rtlv2210", .name = "mpfs-icicle" },
	{ .compatible = "microchip,mpfs-icicle-reference-rtlv2203", .name = "mpfs-icicle" },
};

static const struct board *board;
static enum board_memtype memtype;
static struct pte_attrs attrs;

static bool streq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

enum board_memtype board_memtype_for(uint32_t hart_flags, unsigned long mvendorid)
{
	if ((hart_flags & FDT_HART_THEAD_MAEE) && mvendorid == MVENDORID_THEAD)
		return BOARD_MEMTYPE_THEAD_MAEE;
	if (hart_flags & FDT_HART_SVPBMT)
		return BOARD_MEMTYPE_SVPBMT;
	return BOARD_MEMTYPE_NONE;
}

struct pte_attrs board_memtype_attrs(enum board_memtype type)
{
	/* if, not switch: no jump table may reach this code before the MMU is on */
	if (type == BOARD_MEMTYPE_SVPBMT)
		return (
		    struct pte_attrs){ .ram = PTE_PBMT_PMA, .nc = PTE_PBMT_NC, .io = PTE_PBMT_IO };
	/* the values Linux gives these cores: RAM cacheable, bufferable and shareable;
	 * non-cacheable memory bufferable; devices strongly ordered */
	if (type == BOARD_MEMTYPE_THEAD_MAEE)
		return (struct pte_attrs){ .ram = PTE_THEAD_C | PTE_THEAD_B | PTE_THEAD_SH,
					   .nc = PTE_THEAD_B | PTE_THEAD_SH,
					   .io = PTE_THEAD_SO | PTE_THEAD_SH };
	return (struct pte_attrs){ 0 };
}

const char *board_memtype_name(enum board_memtype type)
{
	return type == BOARD_MEMTYPE_SVPBMT	  ? "svpbmt"
	       : type == BOARD_MEMTYPE_THEAD_MAEE ? "thead-maee"
						  : "none";
}

void board_init(const struct fdt_info *info, unsigned long hartid, unsigned long mvendorid)
{
	uint32_t flags = 0;

	board = NULL;
	for (unsigned int i = 0; i < ARRAY_SIZE(boards); i++)
		if (streq(info->compatible, boards[i].compatible))
			board = &boards[i];
	for (int i = 0; i < info->nharts; i++)
		if (info->harts[i].hartid == hartid)
			flags = info->harts[i].flags;

	memtype = board_memtype_for(flags, mvendorid);
	attrs = board_memtype_attrs(memtype);
}

const char *board_name(void)
{
	return board ? board->name : "generic";
}

enum board_memtype board_memtype(void)
{
	return memtype;
}

const struct pte_attrs *board_pte_attrs(void)
{
	return &attrs;
}

bool board_sbi_poweroff_works(void)
{
	return !(board && board->sbi_poweroff_hangs);
}

bool board_hart_may_run(const struct fdt_hart *hart)
{
	return fdt_hart_usable(hart);
}
