/* Flattened devicetree reader: turns the blob OpenSBI hands over into the few machine facts
 * the firmware needs. Pure, bounds-checked logic with no allocation and no absolute-address
 * data, so it runs before the MMU is on and in host tests unchanged. */
#ifndef FAULTLINE_PLATFORM_FDT_H
#define FAULTLINE_PLATFORM_FDT_H

#include "platform/types.h"

#define FDT_MAGIC     0xd00dfeedu
#define FDT_MAX_SIZE  (2u << 20) /* larger blobs are refused as implausible */
#define FDT_MAX_MEM   8		 /* memory banks kept */
#define FDT_MAX_RESV  16	 /* reserved regions kept */
#define FDT_MAX_HARTS 64	 /* cpu nodes kept */
#define FDT_NAME_LEN  64

/* /chosen/bootargs kept: an extlinux append line, a fault trace's options */
#define FDT_BOOTARGS_LEN 256

struct fdt_region {
	paddr_t base;
	uint64_t size;
};

enum fdt_uart_kind {
	FDT_UART_NONE = 0, /* no usable UART: console through the SBI */
	FDT_UART_NS16550,  /* "ns16550a", "ns16550" */
	FDT_UART_DW_APB,   /* "snps,dw-apb-uart": 16550 registers, reg-shift/io-width */
	FDT_UART_SIFIVE,   /* "sifive,uart0" */
};

struct fdt_uart {
	enum fdt_uart_kind kind;
	paddr_t base; /* CPU physical address, after bus `ranges` translation */
	uint64_t size;
	uint32_t reg_shift;	 /* 0 when absent */
	uint32_t reg_io_width;	 /* 1 when absent */
	uint32_t clock_hz;	 /* clock-frequency, 0 when absent */
	uint32_t baud;		 /* from stdout-path options ("serial0:115200n8"), 0 when none */
	char path[FDT_NAME_LEN]; /* full node path, e.g. "/soc/serial@10000000" */
	char compatible[FDT_NAME_LEN]; /* the compatible string that was matched */
};

/* Hart flags, from mmu-type, status and riscv,isa / riscv,isa-extensions. */
#define FDT_HART_MMU_SV39   (1u << 0) /* mmu-type is sv39, sv48 or sv57 (all include Sv39) */
#define FDT_HART_ENABLED    (1u << 1) /* status absent, "okay" or "ok" */
#define FDT_HART_SSTC	    (1u << 2)
#define FDT_HART_SVPBMT	    (1u << 3)
#define FDT_HART_SVNAPOT    (1u << 4)
#define FDT_HART_SVADU	    (1u << 5)
#define FDT_HART_THEAD_C906 (1u << 6) /* compatible "thead,c906": non-standard PTE bits */
#define FDT_HART_ZKR	    (1u << 7) /* Zkr: the seed CSR (entropy source) */

enum fdt_rtc_kind {
	FDT_RTC_NONE = 0, /* no clock that knows the date: realtime starts at 0 */
	FDT_RTC_GOLDFISH, /* "google,goldfish-rtc" (QEMU virt) */
};

/* The first enabled real-time clock with a driver, found anywhere in the tree. */
struct fdt_rtc {
	enum fdt_rtc_kind kind;
	paddr_t base; /* CPU physical address, after bus `ranges` translation */
	uint64_t size;
	char path[FDT_NAME_LEN]; /* full node path, e.g. "/soc/rtc@101000" */
};

#define FDT_RNG_SEED_MAX 64 /* bytes of /chosen/rng-seed kept (QEMU gives 32) */

struct fdt_hart {
	uint32_t hartid; /* the cpu node's reg */
	uint32_t flags;	 /* FDT_HART_* */
};

struct fdt_info {
	uint32_t totalsize; /* bytes of the blob, from its header */
	char model[FDT_NAME_LEN];
	char compatible[FDT_NAME_LEN]; /* first string of the root compatible */

	struct fdt_region mem[FDT_MAX_MEM]; /* device_type = "memory" nodes, in blob order */
	int nmem;
	/* /reserved-memory children with reg, then the header's memory reservation block */
	struct fdt_region resv[FDT_MAX_RESV];
	int nresv;

	struct fdt_uart uart;		/* the console named by /chosen/stdout-path, if supported */
	char stdout_path[FDT_NAME_LEN]; /* as written in /chosen, options included; "" if none */
	/* /chosen/bootargs (QEMU -append), truncated; "" if none */
	char bootargs[FDT_BOOTARGS_LEN];

	uint64_t timebase_hz; /* /cpus/timebase-frequency (or the first cpu's), 0 if absent */
	struct fdt_rtc rtc;

	/* boot-loader entropy: /chosen/rng-seed (QEMU, U-Boot) and /chosen/kaslr-seed (U-Boot) */
	uint8_t rng_seed[FDT_RNG_SEED_MAX];
	uint32_t rng_seed_len;
	uint64_t kaslr_seed;
	bool has_kaslr_seed;

	struct fdt_hart harts[FDT_MAX_HARTS]; /* every cpu node, in blob order */
	int nharts;

	const char *why; /* on failure: a short reason, e.g. "bad magic"; a string literal */
};

/*
 * fdt_parse - validate the blob at @blob and fill @info.
 * @maxlen: bytes known to be readable at @blob; nothing past min(maxlen, totalsize) is read.
 * Returns 0, or -EINVAL for a malformed or truncated blob (info->why says why), -E2BIG
 * when the header claims more than FDT_MAX_SIZE. A blob without memory nodes parses (nmem
 * is 0): deciding that this is fatal is the caller's business.
 * Safe before the MMU is on: uses only its arguments and the stack.
 */
int fdt_parse(const void *blob, size_t maxlen, struct fdt_info *info) __must_check;

/* fdt_hart_usable - true when the firmware may run on this hart: enabled and offers Sv39. */
static inline bool fdt_hart_usable(const struct fdt_hart *h)
{
	return (h->flags & (FDT_HART_MMU_SV39 | FDT_HART_ENABLED)) ==
	       (FDT_HART_MMU_SV39 | FDT_HART_ENABLED);
}

#endif
