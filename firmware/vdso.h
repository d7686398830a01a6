/* The vDSO every task gets: the shared object built from firmware/vdso/ (clock reads without
 * a trap, the signal trampoline) and the read-only clock page below it that the kernel keeps. */
#ifndef FAULTLINE_FIRMWARE_VDSO_H
#define FAULTLINE_FIRMWARE_VDSO_H

#include "firmware/vdso/vdso_data.h"
#include "mm/vm.h"

/*
 * Where the two sit in every task: just above the mmap window, at the bottom of the gap kept
 * below the stack's limit, where neither mmap (which never reaches above USER_MMAP_TOP) nor
 * the stack (which stops a gap above) can run into them. The ELF header is what
 * AT_SYSINFO_EHDR names; the clock page is the page below it, as the vDSO was linked.
 */
#define VDSO_DATA_VA USER_MMAP_TOP
#define VDSO_TEXT_VA (VDSO_DATA_VA + PAGE_SIZE)

/* vdso_map - map the clock page (read-only) and the vDSO (read+exec) into @vm, a new address
 * space. Returns 0, or the error of vm_map_region(). */
int vdso_map(struct vm *vm) __must_check;

/* vdso_sigreturn_address - the user address of __vdso_rt_sigreturn, for a signal handler's
 * return address. */
vaddr_t vdso_sigreturn_address(void);

/* vdso_data - the kernel's view of the clock page; written only before the first task. */
struct vdso_data *vdso_data(void);

/* vdso_size - bytes of the vDSO's ELF image as mapped (a whole number of pages). */
uint64_t vdso_size(void);

#endif
