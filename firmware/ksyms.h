/* The firmware's own symbol table, generated from the linked image, for backtraces. */
#ifndef FAULTLINE_FIRMWARE_KSYMS_H
#define FAULTLINE_FIRMWARE_KSYMS_H

#include "platform/types.h"

/* ksyms_lookup - the function containing @addr and @addr's offset in it; NULL if unknown. */
const char *ksyms_lookup(uintptr_t addr, uintptr_t *offset);

#endif
