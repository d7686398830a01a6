/* The board table and the quirks it selects. */
#include "platform/board.h"

#include "platform/riscv/pte.h"

/* T-Head MAEE attribute bits (C906, C910): strongly ordered, cacheable, bufferable, shareable. */
#define PTE_THEAD_SO (1ul << 63)
#define PTE_THEAD_C  (1ul << 62)
#define PTE_THEAD_B  (1ul << 61)
#define PTE_THEAD_SH (1ul << 60)

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
};

static const struct board *board;
static uint64_t ram_bits, io_bits;

static bool streq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

void board_init(const struct fdt_info *info, unsigned long hartid)
{
	uint32_t flags = 0;

	board = NULL;
	for (unsigned int i = 0; i < ARRAY_SIZE(boards); i++)
		if (streq(info->compatible, boards[i].compatible))
			board = &boards[i];
	for (int i = 0; i < info->nharts; i++)
		if (info->harts[i].hartid == hartid)
			flags = info->harts[i].flags;

	ram_bits = 0;
	io_bits = 0;
	if (flags & FDT_HART_THEAD_C906) {
		ram_bits = PTE_THEAD_C | PTE_THEAD_B | PTE_THEAD_SH;
		io_bits = PTE_THEAD_SO | PTE_THEAD_SH;
	} else if (flags & FDT_HART_SVPBMT) {
		io_bits = PTE_PBMT_IO;
	}
}

const char *board_name(void)
{
	return board ? board->name : "generic";
}

uint64_t board_pte_ram_bits(void)
{
	return ram_bits;
}

uint64_t board_pte_io_bits(void)
{
	return io_bits;
}

bool board_sbi_poweroff_works(void)
{
	return !(board && board->sbi_poweroff_hangs);
}

bool board_hart_may_run(const struct fdt_hart *hart)
{
	return fdt_hart_usable(hart);
}
