/* Boot arguments: the words of /chosen/bootargs (QEMU -append, U-Boot's extlinux append
 * line) that switch firmware behaviour. */
#ifndef FAULTLINE_FIRMWARE_BOOTARGS_H
#define FAULTLINE_FIRMWARE_BOOTARGS_H

#include "platform/types.h"

/* bootargs_has - whether @word is one of the boot arguments (whole words only). */
bool bootargs_has(const char *word);

/* bootargs_value - the text after @key (e.g. "asid-bits=") of the first word that starts with
 * it, up to the next space; NULL when no word does. */
const char *bootargs_value(const char *key);

/* bootargs_log - print the boot arguments, naming those faultline does not know. */
void bootargs_log(void);

#endif
