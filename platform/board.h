/* Board descriptions: what differs between QEMU machines and real boards, matched from the
 * devicetree's root compatible and the boot hart's features. Shared code asks these wrappers,
 * never "which board is this". */
#ifndef FAULTLINE_PLATFORM_BOARD_H
#define FAULTLINE_PLATFORM_BOARD_H

#include "platform/fdt.h"

/* board_init - pick the board for @info, running on @hartid. Called once, before any
 * mapping that uses the PTE attribute wrappers below. */
void board_init(const struct fdt_info *info, unsigned long hartid);

/* board_name - the matched board's name, or "generic" when no entry matched. */
const char *board_name(void);

/* Extra PTE bits for normal memory and for device registers: Svpbmt's IO type when the hart
 * has it, T-Head's own attribute bits on C906/C910 cores, nothing otherwise. */
uint64_t board_pte_ram_bits(void);
uint64_t board_pte_io_bits(void);

/* board_sbi_poweroff_works - false where the SBI's power-off is known to hang without
 * stopping the machine: the firmware then halts by itself and says so. */
bool board_sbi_poweroff_works(void);

/* board_hart_may_run - false for harts the firmware must never start (no MMU, or a monitor
 * core such as hart 0 of the JH7110 and FU540/FU740). */
bool board_hart_may_run(const struct fdt_hart *hart);

#endif
