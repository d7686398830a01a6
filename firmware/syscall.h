/* System calls from U-mode: Linux riscv64 numbers and conventions (a7 = number, a0-a5 =
 * arguments, a0 = result or negative errno), plus a few of faultline's own above Linux's range
 * for tests and tools. */
#ifndef FAULTLINE_FIRMWARE_SYSCALL_H
#define FAULTLINE_FIRMWARE_SYSCALL_H

#include "firmware/trap_frame.h"

#include "firmware/uapi/faultline.h"

/* Linux's generic call numbers stay below this; faultline's own are above */
#define SYSCALL_NR_MAX 512

/* syscall_init - build the dispatch table from the calls each area file registered. Once,
 * before the first task. */
void syscall_init(void);

/* syscall_dispatch - run the call in @tf (sepc already past the ecall); returns a0. */
long syscall_dispatch(struct trap_frame *tf);

/* syscall_unknown_total - calls with numbers we do not have, since boot. */
uint64_t syscall_unknown_total(void);

/*
 * syscall_enable_test_calls - let tasks reach the test-only calls (SYS_FL_FAIL_ALLOC) through
 * @fn. Only test images call this; in any other image those numbers are unknown (-ENOSYS),
 * so no task can make the allocator fail for everyone.
 */
void syscall_enable_test_calls(long (*fn)(struct trap_frame *tf));

#endif
