/* Symbol lookup over the table tools/ksyms.sh generates: sorted link addresses (the firmware
 * runs at its link address) and offsets into one string block. */
#include "firmware/ksyms.h"

extern const uint64_t ksyms_count;
extern const uint64_t ksyms_addrs[];
extern const uint32_t ksyms_names[];
extern const char ksyms_strings[];
extern char _start_image[], _etext[];

const char *ksyms_lookup(uintptr_t addr, uintptr_t *offset)
{
	uint64_t lo = 0, hi = ksyms_count;

	if (addr < (uintptr_t)_start_image || addr >= (uintptr_t)_etext || hi == 0)
		return NULL;
	if (addr < ksyms_addrs[0])
		return NULL;
	while (hi - lo > 1) { /* the last symbol at or below addr */
		uint64_t mid = lo + (hi - lo) / 2;

		if (ksyms_addrs[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	*offset = addr - ksyms_addrs[lo];
	return &ksyms_strings[ksyms_names[lo]];
}
