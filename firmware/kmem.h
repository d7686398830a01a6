/* The kernel's own address space: the image with W^X sections, a direct map of all RAM in
 * large pages, device windows. Replaces the boot tables once the frame allocator is up. */
#ifndef FAULTLINE_FIRMWARE_KMEM_H
#define FAULTLINE_FIRMWARE_KMEM_H

#include "firmware/early.h"

/*
 * kmem_init - build the kernel map from the devicetree's banks and switch to it (full TLB
 * flush). Text R-X, rodata R--, data and bss RW-, the boot stack's guard page unmapped, and
 * the direct map RW- except over the image's text and rodata, which it maps read-only, and
 * over reserved regions, which it leaves out.
 * Returns 0 or -ENOMEM.
 */
int kmem_init(const struct boot_facts *bf) __must_check;

/* kmem_root - physical address of the kernel's root table (for user tables to copy from). */
paddr_t kmem_root(void);

/* kmem_ioremap - map @size bytes of device registers at @pa uncached; NULL when the window is
 * full or tables cannot be allocated. */
void *kmem_ioremap(paddr_t pa, uint64_t size);

/* kmem_image_pa - physical address of a pointer into the firmware image. */
paddr_t kmem_image_pa(const void *p);

/* kmem_table_pages - page-table pages the kernel map uses. */
uint64_t kmem_table_pages(void);

#endif
