/* The hand-over from the pre-MMU boot code: what the boot loader gave us and the parsed
 * devicetree, read once. */
#ifndef FAULTLINE_FIRMWARE_EARLY_H
#define FAULTLINE_FIRMWARE_EARLY_H

#include "platform/fdt.h"
#include "platform/riscv/csr.h"
#include "platform/riscv/pte.h"

struct boot_facts {
	unsigned long hartid; /* the boot hart */
	paddr_t dtb_pa;
	paddr_t load_pa;	/* where the image runs (after any realignment) */
	uint64_t image_size;	/* bytes from the image start to the end of bss */
	uint64_t entry_instret; /* instret at the image's first instruction */
	uint64_t entry_time;	/* and the time CSR there */
	struct fdt_info fdt;
};

struct early_result {
	unsigned long satp;   /* boot tables: identity, direct map, image */
	unsigned long offset; /* link address minus load address */
};

/*
 * early_boot - called by the entry code with the MMU off. Parses the devicetree and builds
 * the boot tables. Never returns on a bad devicetree: it says why on the SBI console and halts.
 */
struct early_result early_boot(unsigned long hartid, paddr_t dtb_pa, paddr_t load_pa,
			       uint64_t entry_instret, uint64_t entry_time);

/* boot_facts - what early_boot() found; valid for the firmware's whole life. */
const struct boot_facts *boot_facts(void);

#endif
