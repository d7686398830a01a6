/* Demo: lazy anonymous memory. Reading 64 MiB of fresh memory costs no frame (every page is
 * the shared zero page); writing 16 pages costs exactly 16. */
#include <stdio.h>

#include "fl.h"

#define MiB  (1ul << 20)
#define PAGE 4096

int main(void)
{
	struct fl_counters before, after;
	volatile unsigned char *p =
	    fl_mmap(0, 64 * MiB, FL_PROT_READ | FL_PROT_WRITE, FL_MAP_PRIVATE | FL_MAP_ANONYMOUS);
	unsigned long sum = 0;

	if ((long)p < 0) {
		printf("lazy: mmap failed: %ld\n", (long)p);
		return 1;
	}
	fl_counters(&before);
	for (unsigned long off = 0; off < 64 * MiB; off += PAGE)
		sum += p[off];
	fl_counters(&after);
	printf("lazy: read 64 MiB (%lu pages): sum %lu, %lu zero-page maps, %ld frames spent\n",
	       64 * MiB / PAGE, sum, after.task.zero_map - before.task.zero_map,
	       (long)(after.rss_pages - before.rss_pages));
	fl_counters(&before);
	for (int i = 0; i < 16; i++)
		p[i * PAGE] = (unsigned char)i;
	fl_counters(&after);
	printf("lazy: wrote 16 pages: %lu zero-to-private faults, %ld frames spent\n",
	       after.task.zero_to_private - before.task.zero_to_private,
	       (long)(after.rss_pages - before.rss_pages));
	return 0;
}
