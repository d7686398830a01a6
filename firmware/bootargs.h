/* Boot arguments: the words of /chosen/bootargs (QEMU -append, U-Boot's extlinux append
 * line) that switch firmware behaviour or choose the boot tasks. */
#ifndef FAULTLINE_FIRMWARE_BOOTARGS_H
#define FAULTLINE_FIRMWARE_BOOTARGS_H

#include "platform/types.h"

/* bootargs_has - whether @word is one of the boot arguments (whole words only). */
bool bootargs_has(const char *word);

/*
 * bootargs_value - the value of the first "@key=VALUE" word, copied to @out (@cap bytes).
 * Returns its length, -ENOENT when no word sets @key, -E2BIG when it does not fit.
 */
int bootargs_value(const char *key, char *out, size_t cap) __must_check;

/*
 * bootargs_task_argv - the value of the first "argv.NAME=VALUE" word whose NAME finds task
 * image @index (as image_find() does: "hello" finds hello.elf), copied to @out (@cap bytes).
 * Returns its length, -ENOENT when there is none, -E2BIG when it does not fit.
 */
int bootargs_task_argv(int index, char *out, size_t cap) __must_check;

/*
 * bootargs_split - cut @list at its commas, in place, into at most @max @items. Returns the
 * count (0 for an empty list), or -E2BIG with more than @max.
 */
int bootargs_split(char *list, const char **items, int max) __must_check;

/* bootargs_log - print the boot arguments, naming those faultline does not know. */
void bootargs_log(void);

#endif
