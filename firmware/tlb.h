/* Kernel-map flushes for every hart (the TLB hooks of mm/ are declared in mm/arch.h). */
#ifndef FAULTLINE_FIRMWARE_TLB_H
#define FAULTLINE_FIRMWARE_TLB_H

#include "platform/types.h"

/* tlb_flush_kernel_range - every running hart forgets the kernel map's [start, end): after
 * a kernel mapping went or changed, before its frames are reused. */
void tlb_flush_kernel_range(vaddr_t start, vaddr_t end);

#endif
