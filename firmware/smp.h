/* Harts 1-N: numbering the usable harts, starting them through the SBI's HSM extension, and
 * what harts ask of each other (a nudge by IPI, a remote fence). */
#ifndef FAULTLINE_FIRMWARE_SMP_H
#define FAULTLINE_FIRMWARE_SMP_H

/* What a starting hart reads, by physical address, before its MMU is on (entry.S). */
#define SMP_BOOT_SATP  0
#define SMP_BOOT_STACK 8
#define SMP_BOOT_HART  16
#define SMP_BOOT_ENTRY 24

#ifndef __ASSEMBLER__
#include "firmware/hart.h"
#include "platform/fdt.h"
#include "platform/riscv/sbi.h"

/* smp_init - number the harts of @fi that may run (the boot hart, @boot_hartid, is 0) and
 * make this hart's state current. Before anything traps. */
void smp_init(const struct fdt_info *fi, unsigned long boot_hartid);

/* smp_start - start every other numbered hart through HSM and wait for each to come up
 * (or give up on it after a while); the boot log then lists them. Timer running. */
void smp_start(const struct sbi_info *sbi);

/* smp_online - the logical-number mask of harts that run the scheduler. */
unsigned long smp_online(void);

/* smp_hart_state - for the boot log: "boot", "started", or why a hart is not running. */
const char *smp_hart_state(unsigned long hartid);

/* smp_send_ipi - a software interrupt to the harts of logical mask @mask. */
void smp_send_ipi(unsigned long mask);

/* smp_hartid_mask - the SBI hart-id mask (base 0) of the harts of logical mask @mask. */
unsigned long smp_hartid_mask(unsigned long mask);

/*
 * smp_stop_others, smp_resume_others - hold every other hart at a point where it holds no
 * lock and is in the middle of nothing (U-mode or idle, where it takes the IPI), for a check
 * that needs memory to stand still (the invariant auditor); then let them go. The caller
 * holds no lock.
 */
void smp_stop_others(void);
void smp_resume_others(void);

/* smp_stop_requested - whether a stop is on, which only this hart's IPI handler obeys. */
bool smp_stop_requested(void);

/* smp_ipi - this hart's software interrupt: a nudge, TLB flushes to do, or a request to stand
 * still. */
void smp_ipi(void);

/* smp_secondary - C entry of a started hart, on its own stack with the kernel map on. */
__noreturn void smp_secondary(struct hart *h);
#endif

#endif
