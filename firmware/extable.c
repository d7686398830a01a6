/* Exception-table lookup. The table is small and only read on faults: a linear scan. */
#include "firmware/extable.h"

struct extable_entry {
	int32_t insn;  /* relative to &insn */
	int32_t fixup; /* relative to &fixup */
};

extern const struct extable_entry __ex_table_start[], __ex_table_end[];

uintptr_t extable_fixup(uintptr_t pc)
{
	for (const struct extable_entry *e = __ex_table_start; e < __ex_table_end; e++)
		if ((uintptr_t)&e->insn + (intptr_t)e->insn == pc)
			return (uintptr_t)&e->fixup + (intptr_t)e->fixup;
	return 0;
}
