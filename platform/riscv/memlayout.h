/* Where things sit in the kernel's half of Sv39. One place, used by mm/, firmware/ and the
 * linker script (through the preprocessor). */
#ifndef FAULTLINE_PLATFORM_RISCV_MEMLAYOUT_H
#define FAULTLINE_PLATFORM_RISCV_MEMLAYOUT_H

/*
 * 0xffffffc000000000  direct map of all RAM: virtual = physical + DIRECT_MAP_BASE (254 GiB)
 * 0xffffffff80000000  the firmware image, linked here whatever its load address (2 GiB)
 * 0xffffffffc0000000  device windows (MMIO), mapped on demand (512 MiB)
 * 0xffffffffe0000000  task kernel stacks, each under an unmapped guard page
 */
#define KERNEL_VBASE	 0xffffffff80000000
#define KERNEL_IMAGE_MAX 0x800000 /* bytes the boot tables can map for the image (8 MiB) */
#define MMIO_VBASE	 0xffffffffc0000000
#define MMIO_VSIZE	 0x20000000
#define KSTACK_VBASE	 0xffffffffe0000000

#ifdef HOST_TEST
/* Host tests hand mm/ real host memory as "physical" memory: the direct map is the identity. */
#define DIRECT_MAP_BASE 0x0
#define DIRECT_MAP_SIZE 0x800000000000
#else
#define DIRECT_MAP_BASE 0xffffffc000000000
#define DIRECT_MAP_SIZE (KERNEL_VBASE - DIRECT_MAP_BASE)
#endif

#ifndef __ASSEMBLER__
#include "platform/types.h"

/* The kernel pointer through which the direct map reaches physical address @pa. */
static inline void *phys_to_virt(paddr_t pa)
{
	return (void *)(uintptr_t)(pa + DIRECT_MAP_BASE);
}

/* The physical address behind a direct-map pointer (not an image or MMIO pointer). */
static inline paddr_t virt_to_phys(const void *p)
{
	return (paddr_t)(uintptr_t)p - DIRECT_MAP_BASE;
}
#endif

#endif
