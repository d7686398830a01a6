/* How shootdowns reach other harts, and how harts ask each other for flushes (the TLB hooks
 * of mm/ are declared in mm/arch.h). */
#ifndef FAULTLINE_FIRMWARE_TLB_H
#define FAULTLINE_FIRMWARE_TLB_H

#include "platform/riscv/sbi.h"
#include "platform/types.h"

/* tlb_init - choose how shootdowns reach other harts: the boot argument shootdown=ipi or
 * shootdown=rfence, else the default, as far as the SBI @sbi offers each; says which in the
 * boot log. Before the other harts start. */
void tlb_init(const struct sbi_info *sbi);

/*
 * tlb_ipi_shootdown - the harts of logical mask @targets (not this one) flush @asid's
 * entries for [start, start + size) (size FLUSH_REQUEST_ALL: all of them; asid 0: every
 * address space's, global entries too), each in its IPI handler or wherever it waits;
 * returns once all have. Waits in wfi, serving the flush requests of others meanwhile.
 * Interrupts masked (firmware/tlb_ipi.c).
 */
void tlb_ipi_shootdown(unsigned long targets, unsigned long asid, vaddr_t start,
		       unsigned long size);

/*
 * tlb_serve_requests - do the flushes other harts wait for from this one; the last hart to
 * do a request wakes its initiator. Cheap when there are none. Every place a hart waits with
 * interrupts masked calls it (a lock's wait, a stop), as does the IPI handler.
 */
void tlb_serve_requests(void);

#endif
