/* Kernel stacks for tasks: KSTACK_PAGES frames mapped in the kernel's stack window with an
 * unmapped guard page below each, so an overflow faults instead of corrupting a neighbour. */
#ifndef FAULTLINE_FIRMWARE_KSTACK_H
#define FAULTLINE_FIRMWARE_KSTACK_H

#include "platform/types.h"

#define KSTACK_PAGES 4
#define KSTACK_SLOTS 256

/* kstack_alloc - map stack @slot (< KSTACK_SLOTS). Returns 0 and its top in @top, -ENOMEM. */
int kstack_alloc(unsigned int slot, uintptr_t *top) __must_check;

/* kstack_free - unmap stack @slot and free its frames (no hart uses the slot until it is
 * mapped again; each flushes it before it does, see kstack_enter). */
void kstack_free(unsigned int slot);

/* kstack_enter - this hart is about to run the task of stack @slot: it drops what it may
 * still cache of the slot's earlier mappings. */
void kstack_enter(unsigned int slot);

/* kstack_guard - the guard page's address of stack @slot (for tests). */
uintptr_t kstack_guard(unsigned int slot);

#endif
