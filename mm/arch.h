/* The few hardware operations mm/ needs, implemented by the firmware (firmware/tlb.c) and by
 * the host tests' software MMU. mm/ never touches a CSR itself. */
#ifndef FAULTLINE_MM_ARCH_H
#define FAULTLINE_MM_ARCH_H

#include "platform/types.h"

/*
 * arch_flush_page - make every hart forget what it cached for @va in address space @asid
 * (sfence.vma va, asid). Also an ordering point: after it, the walker sees the new PTE.
 */
void arch_flush_page(vaddr_t va, unsigned int asid);

/* arch_flush_asid - forget every non-global translation of @asid. */
void arch_flush_asid(unsigned int asid);

/* arch_flush_all - forget every translation, global ones included. */
void arch_flush_all(void);

#endif
