/* Board descriptions: what differs between QEMU machines and real boards, matched from the
 * devicetree's root compatible and the boot hart's features. Shared code asks these wrappers,
 * never "which board is this". */
#ifndef FAULTLINE_PLATFORM_BOARD_H
#define FAULTLINE_PLATFORM_BOARD_H

#include "platform/fdt.h"
#include "platform/riscv/pte.h"

/* mvendorid of T-Head (JEDEC bank 12, code 0x37) */
#define MVENDORID_THEAD 0x5b7

/* How PTEs say what memory is: the decision for the boot hart. */
enum board_memtype {
	BOARD_MEMTYPE_NONE,	  /* no type bits: the physical memory attributes rule */
	BOARD_MEMTYPE_SVPBMT,	  /* Svpbmt: PMA for RAM, IO for devices */
	BOARD_MEMTYPE_THEAD_MAEE, /* T-Head C906/C910/C920 with MAEE: bits 59-63 */
};

/*
 * board_memtype_for - the memory-type scheme for a hart with devicetree flags @hart_flags
 * on an SBI that reports @mvendorid. T-Head's cores are told by their compatible and the
 * vendor id together (as Linux's errata code does by vendor id): their MAEE bits overlap
 * Svpbmt's, so they win over an "svpbmt" in the ISA string. Pure and position-independent:
 * callable with the MMU off.
 */
enum board_memtype board_memtype_for(uint32_t hart_flags, unsigned long mvendorid);

/* board_memtype_attrs - the bits @type gives RAM, non-cacheable memory and devices. Pure. */
struct pte_attrs board_memtype_attrs(enum board_memtype type);

/* board_memtype_name - "none", "svpbmt" or "thead-maee". */
const char *board_memtype_name(enum board_memtype type);

/* board_init - pick the board for @info, running on @hartid, whose SBI reports
 * @mvendorid. Called once, before any mapping that uses board_pte_attrs(). */
void board_init(const struct fdt_info *info, unsigned long hartid, unsigned long mvendorid);

/* board_name - the matched board's name, or "generic" when no entry matched. */
const char *board_name(void);

/* The memory-type decision board_init() made, and the PTE bits it gives each kind of
 * memory: Svpbmt's types when the hart has it, T-Head's own bits on its MAEE cores, nothing
 * otherwise. */
enum board_memtype board_memtype(void);
const struct pte_attrs *board_pte_attrs(void);

/* board_sbi_poweroff_works - false where the SBI's power-off is known to hang without
 * stopping the machine: the firmware then halts by itself and says so. */
bool board_sbi_poweroff_works(void);

/* board_hart_may_run - false for harts the firmware must never start (no MMU, or a monitor
 * core such as hart 0 of the JH7110 and FU540/FU740). */
bool board_hart_may_run(const struct fdt_hart *hart);

#endif
