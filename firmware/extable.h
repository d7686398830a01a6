/* The exception table: pairs (instruction, fixup) whose faults resume at the fixup with
 * a0 = -EFAULT. Entries are self-relative so the table needs no relocation. */
#ifndef FAULTLINE_FIRMWARE_EXTABLE_H
#define FAULTLINE_FIRMWARE_EXTABLE_H

#include "platform/types.h"

/* For inline assembly: declare that a fault at @insn resumes at @fixup. */
#define EXTABLE_ENTRY(insn, fixup)                                                                 \
	".pushsection __ex_table, \"a\"\n"                                                         \
	".balign 4\n"                                                                              \
	".long (" #insn ") - .\n"                                                                  \
	".long (" #fixup ") - .\n"                                                                 \
	".popsection\n"

/* extable_fixup - the fixup address for a fault at @pc, or 0 if @pc has no entry. */
uintptr_t extable_fixup(uintptr_t pc);

#endif
