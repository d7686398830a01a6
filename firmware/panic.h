/* The end of the line for broken invariants and unexpected kernel traps: a full report, then
 * power off with a failure status. */
#ifndef FAULTLINE_FIRMWARE_PANIC_H
#define FAULTLINE_FIRMWARE_PANIC_H

#include "firmware/trap_frame.h"

/* panic - report @fmt, this hart's registers as they are and a backtrace; never returns. */
__noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* panic_trap - report the trap in @tf (cause name, sepc, stval, registers, backtrace from the
 * trapped frame) with @why; never returns. */
__noreturn void panic_trap(const struct trap_frame *tf, const char *why);

/* panic_set_shutdown - how panic powers off (the SBI, once probed). */
void panic_set_shutdown(void (*fn)(bool failure));

#endif
