/* Formatted output for the firmware: %c %s %d %i %u %x %X %p %%, flags '-' and '0', a width,
 * a precision for %s, and the length modifiers l, ll, z. */
#ifndef FAULTLINE_FIRMWARE_PRINTF_H
#define FAULTLINE_FIRMWARE_PRINTF_H

#include <stdarg.h>

#include "platform/types.h"

/* kprintf - format to the console. Returns the characters written. */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list ap);

/* ksnprintf - format into @buf (always NUL-terminated when @size > 0). Returns the length the
 * whole output would have had. */
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

#endif
