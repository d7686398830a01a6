/* Boot arguments: the words of /chosen/bootargs (QEMU -append, U-Boot's extlinux append
 * line) that switch firmware behaviour. */
#ifndef FAULTLINE_FIRMWARE_BOOTARGS_H
#define FAULTLINE_FIRMWARE_BOOTARGS_H

#include "platform/types.h"

/* bootargs_has - whether @word is one of the boot arguments (whole words only). */
bool bootargs_has(const char *word);

/* bootargs_value - the value of the first argument that starts with @prefix (for example
 * "trace-file="), copied with its NUL into @out. Returns its length, -ENOENT when there is no
 * such argument, or -ERANGE when it does not fit @size bytes. */
int bootargs_value(const char *prefix, char *out, size_t size) __must_check;

/* bootargs_log - print the boot arguments, naming those faultline does not know. */
void bootargs_log(void);

#endif
