/* The console: the devicetree's stdout UART once it is mapped, the SBI legacy console before
 * that or when there is no UART we drive (QEMU -M spike). */
#ifndef FAULTLINE_FIRMWARE_CONSOLE_H
#define FAULTLINE_FIRMWARE_CONSOLE_H

#include "platform/fdt.h"

/* console_init - switch output to the UART @desc names, mapped at @base. Returns 0, or a
 * negative errno (the SBI console stays in use). */
int console_init(const struct fdt_uart *desc, uintptr_t base) __must_check;

/* console_name - what the console is, for the boot log. */
const char *console_name(void);

/* console_putc - one character, no locking: callers hold console_lock(). */
void console_putc(char c);

/* console_getc - a waiting input byte, or -EAGAIN. */
int console_getc(void);

/* console_lock - serialise whole lines between harts; interrupts masked while held.
 * After console_panic() the lock is never waited for. */
unsigned long console_lock(void);
void console_unlock(unsigned long flags);

/* console_panic - from now on print without taking the lock (the holder may be dead). */
void console_panic(void);

#endif
