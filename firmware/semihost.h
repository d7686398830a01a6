/* Semihosting: requests to a debugger or emulator attached to the hart (QEMU with
 * -semihosting-config enable=on, OpenOCD), made by the magic ebreak sequence of the RISC-V
 * semihosting spec. Without one the ebreak is an ordinary breakpoint trap, which the
 * exception table turns into an error return: safe to try on any board. */
#ifndef FAULTLINE_FIRMWARE_SEMIHOST_H
#define FAULTLINE_FIRMWARE_SEMIHOST_H

#include "platform/types.h"

/* semihost_exit - ask the host to end the session with exit status @code. Returns only when
 * nothing is attached (-ENOSYS). */
int semihost_exit(int code);

#endif
