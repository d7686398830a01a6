/* Masking supervisor interrupts on this hart. Host tests have no interrupts: no-ops there. */
#ifndef FAULTLINE_PLATFORM_RISCV_IRQ_H
#define FAULTLINE_PLATFORM_RISCV_IRQ_H

#include "platform/riscv/csr.h"

#ifdef HOST_TEST
static inline unsigned long irq_save(void)
{
	return 0;
}

static inline void irq_restore(unsigned long flags)
{
	(void)flags;
}
#else
/* Returns the previous sstatus.SIE so that nested sections restore correctly. */
static inline unsigned long irq_save(void)
{
	unsigned long old;

	__asm__ volatile("csrrc %0, sstatus, %1" : "=r"(old) : "i"(SSTATUS_SIE) : "memory");
	return old & SSTATUS_SIE;
}

static inline void irq_restore(unsigned long flags)
{
	if (flags)
		csr_set(CSR_SSTATUS, SSTATUS_SIE);
}

static inline void irq_enable(void)
{
	csr_set(CSR_SSTATUS, SSTATUS_SIE);
}

static inline void irq_disable(void)
{
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
}
#endif

#endif
