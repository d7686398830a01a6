/* Copies between the kernel and the running task's memory. They set SSTATUS.SUM only for
 * their duration; a fault on the user address goes through the task's fault handler like a
 * task's own access would (zero page, copy-on-write, stack growth), and one it cannot resolve
 * makes the copy return -EFAULT instead of killing anything. */
#ifndef FAULTLINE_FIRMWARE_UACCESS_H
#define FAULTLINE_FIRMWARE_UACCESS_H

#include "platform/types.h"

/* user_range_ok - whether [@addr, @addr + @n) lies wholly in the user half, without
 * overflow (Linux's access_ok()). Every pointer and length from a task is checked so before
 * anything is copied. */
bool user_range_ok(uintptr_t addr, size_t n);

/* copy_from_user - @n bytes from user @src. Returns 0 or -EFAULT. */
int copy_from_user(void *dst, uintptr_t src, size_t n) __must_check;

/* copy_to_user - @n bytes to user @dst. Returns 0 or -EFAULT. */
int copy_to_user(uintptr_t dst, const void *src, size_t n) __must_check;

/* strncpy_from_user - a NUL-terminated string of at most @max - 1 bytes. Returns its length,
 * -EFAULT, or -ENAMETOOLONG when no NUL came within @max bytes. */
long strncpy_from_user(char *dst, uintptr_t src, size_t max) __must_check;

/* get_user_u32 - the aligned 32-bit word at @addr, read in one access (no store on another
 * hart can tear it). Returns 0 or -EFAULT (also for an unaligned @addr). */
int get_user_u32(uintptr_t addr, uint32_t *out) __must_check;

/* user_cmpxchg_u32 - atomically: if the aligned word at @addr is @old, make it @new. *@found
 * gets the word seen. Returns 0 (compare *@found with @old for the outcome) or -EFAULT. */
int user_cmpxchg_u32(uintptr_t addr, uint32_t old, uint32_t new, uint32_t *found) __must_check;

#endif
