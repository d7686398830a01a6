/* The few hardware operations mm/ needs, implemented by the firmware (firmware/tlb.c) and by
 * the host tests' software MMU. mm/ never touches a CSR itself. */
#ifndef FAULTLINE_MM_ARCH_H
#define FAULTLINE_MM_ARCH_H

#include "platform/types.h"

struct vm;

/*
 * arch_flush_page - make this hart forget what it cached for @va in address space @asid
 * (sfence.vma va, asid). Also an ordering point: after it, the walker sees the new PTE.
 */
void arch_flush_page(vaddr_t va, unsigned int asid);

/* arch_flush_asid - this hart forgets every non-global translation of @asid. */
void arch_flush_asid(unsigned int asid);

/* arch_flush_all - this hart forgets every translation, global ones included. */
void arch_flush_all(void);

/*
 * arch_shootdown - the harts of logical mask @targets (never the caller's) forget @vm's
 * translations of [start, end), or all of them and the cached tables when @end is 0, and
 * only then does the call return. Called after the PTEs changed; mm/ chooses the targets
 * (vm_flush.c). Returns how many harts were asked.
 */
unsigned int arch_shootdown(struct vm *vm, unsigned long targets, vaddr_t start, vaddr_t end);

/* arch_hart_bit - the calling hart's bit in the masks of harts (1 << its logical number). */
unsigned long arch_hart_bit(void);

#endif
