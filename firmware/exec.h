/* Loading an embedded image into a fresh address space: segments as regions (read-only parts
 * straight from the image's frames), a stack with argc, argv, envp and the aux vector laid out
 * as Linux does on RISC-V. */
#ifndef FAULTLINE_FIRMWARE_EXEC_H
#define FAULTLINE_FIRMWARE_EXEC_H

#include "firmware/images.h"
#include "mm/vm.h"

#define EXEC_ARGS_MAX 32
#define EXEC_ARG_LEN  256

/*
 * exec_load - a new address space running @img with @argc strings @argv. Returns 0 with the
 * space, entry point and initial sp, or a negative errno (-ENOEXEC with *why for a bad image,
 * -ENOMEM, -E2BIG for too many or too long arguments).
 */
int exec_load(const struct task_image *img, const char *const *argv, int argc, struct vm **vm_out,
	      vaddr_t *entry, vaddr_t *sp, const char **why) __must_check;

#endif
