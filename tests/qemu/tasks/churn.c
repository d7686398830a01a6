/* Trap tests of page-table reclaim, from U-mode: munmap gives back the page tables it leaves
 * serving no region, so mapping and unmapping without end spends nothing that stays. */
#include "t.h"

#define GiB	 (1024 * MiB)
#define ROUNDS	 10000
#define CHURN_AT 0x2000000000ul /* 128 GiB: far from the image, the heap and mmap's own picks */

/* Frames in use now beyond the snapshot @a (negative when fewer are). */
static long spent_since(const struct fl_counters *a)
{
	struct fl_counters c;

	fl_counters(&c);
	return (long)(a->frames_free - c.frames_free);
}

int main(void)
{
	struct fl_counters a, b;

	CASE(ten_thousand_rounds_of_map_touch_unmap_at_new_addresses_stay_within_64_pages)
	{
		long worst = 0;
		int i;

		snap(&a);
		for (i = 0; i < ROUNDS; i++) {
			/* a new address each time, across a 2 MiB boundary but the first time */
			unsigned long at = CHURN_AT + i * (2 * MiB + PAGE);
			volatile unsigned char *p =
			    fl_mmap((void *)at, 2 * MiB, RW, ANON | FL_MAP_FIXED_NOREPLACE);
			long spent;

			if ((unsigned long)p != at) {
				CHECK_EQ((long)p, (long)at);
				break;
			}
			p[0] = 1;
			p[2 * MiB - PAGE] = 2;
			if (fl_munmap((void *)p, 2 * MiB) != 0) {
				CHECK(0);
				break;
			}
			spent = spent_since(&a);
			if (spent > worst)
				worst = spent;
			if (spent > 64) {
				printf("    round %d: %ld frames not given back\n", i, spent);
				break;
			}
		}
		CHECK_EQ(i, ROUNDS);
		CHECK(worst <= 64);
	}

	CASE(one_gib_read_written_sparsely_and_unmapped_gives_back_all_but_16_pages)
	{
		volatile unsigned char *p;
		unsigned long sum = 0;

		snap(&a);
		p = fl_mmap(0, GiB, RW, ANON);
		CHECK((long)p > 0);
		for (unsigned long off = 0; off < GiB; off += PAGE)
			sum += p[off];
		for (unsigned long off = 0; off < GiB; off += 1024 * PAGE)
			p[off + 3] = 1;
		snap(&b);
		CHECK_EQ(sum, 0);
		/* a table for each of its 512 spans at least, and 256 frames written */
		CHECK(b.frames_pagetable - a.frames_pagetable >= 512);
		CHECK_EQ(b.rss_pages - a.rss_pages, GiB / (1024 * PAGE));
		CHECK_EQ(fl_munmap((void *)p, GiB), 0);
		CHECK(spent_since(&a) <= 16);
		snap(&b);
		CHECK(b.frames_pagetable - a.frames_pagetable <= 16);
		CHECK_EQ(b.rss_pages, a.rss_pages);
	}

	return t_finish();
}
