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

/* semihost_open_write - create or truncate the host file @path for writing. Returns a host
 * descriptor, -ENOSYS when nothing is attached, or -EIO when the host refused. */
int semihost_open_write(const char *path) __must_check;

/* semihost_write - write @n bytes of @buf to host descriptor @fd. 0 or -EIO. */
int semihost_write(int fd, const void *buf, size_t n) __must_check;

/* semihost_close - close host descriptor @fd. */
void semihost_close(int fd);

#endif
