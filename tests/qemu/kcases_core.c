/* In-QEMU cases for the pieces around the kernel map: timer ticks, frames in real RAM, the
 * formatter, the symbol table, the exception table, the ASID probe. */
#include "firmware/early.h"
#include "firmware/extable.h"
#include "firmware/ksyms.h"
#include "firmware/main.h"
#include "firmware/printf.h"
#include "firmware/timer.h"
#include "mm/frame.h"
#include "platform/riscv/memlayout.h"
#include "tests/qemu/ktest.h"

static bool streq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

KTEST(timer_deadlines_saturate_instead_of_wrapping)
{
	uint64_t hz = timer_timebase(), now = timer_now();

	KT_EXPECT(hz != 0);
	/* 1,844,674,407,371 s at a 10 MHz timebase wrapped 64 bits into 45 ms: whatever the
	 * timebase, the deadline must lie at least that many ticks ahead */
	KT_EXPECT(timer_deadline(now, 1844674407371ull, 0) >= now + 1844674407371ull);
	if (hz >= 10000000)
		KT_EXPECT_EQ(timer_deadline(now, 1844674407371ull, 0), UINT64_MAX);
	KT_EXPECT_EQ(timer_deadline(now, UINT64_MAX / 2, 999999999), UINT64_MAX);
	KT_EXPECT_EQ(timer_deadline(UINT64_MAX - 1, 0, 999999999), UINT64_MAX);
	KT_EXPECT_EQ(timer_deadline(now, 2, 500000000), now + 2 * hz + hz / 2);
	KT_EXPECT_EQ(timer_deadline(now, 0, 0), now);
}

KTEST(timer_interrupts_tick_at_the_programmed_rate)
{
	uint64_t hz = timer_timebase();
	uint64_t start_ticks, start_time, elapsed;

	KT_EXPECT(hz != 0);
	if (!hz)
		return;
	/* line up with a tick, then time five of them */
	start_ticks = timer_ticks();
	while (timer_ticks() == start_ticks)
		__asm__ volatile("wfi");
	start_ticks = timer_ticks();
	start_time = timer_now();
	while (timer_ticks() - start_ticks < 5 && timer_now() - start_time < hz)
		__asm__ volatile("wfi");
	elapsed = timer_now() - start_time;
	KT_EXPECT_EQ(timer_ticks() - start_ticks, 5);
	/* five periods of 1/TIMER_HZ: never fewer than four (ticks do not come early); a busy
	 * host may delay QEMU's timer, so the bound above only rules out a rate off by 2x */
	KT_EXPECT(elapsed >= 4 * hz / TIMER_HZ && elapsed < 10 * hz / TIMER_HZ);
}

KTEST(frames_are_distinct_writable_and_all_come_back)
{
	enum { N = 64 };
	paddr_t pa[N];
	struct pmm_stats before, during, after;
	int got = 0;

	pmm_stats(&before);
	for (int i = 0; i < N; i++) {
		if (pmm_alloc(FRAME_KERNEL, &pa[i]))
			break;
		got++;
		for (unsigned int off = 0; off < PAGE_SIZE; off += 8)
			*(volatile uint64_t *)((char *)phys_to_virt(pa[i]) + off) = pa[i] + off;
	}
	KT_EXPECT_EQ(got, N);
	pmm_stats(&during);
	KT_EXPECT_EQ(during.free, before.free - N);
	KT_EXPECT_EQ(during.by_kind[FRAME_KERNEL], before.by_kind[FRAME_KERNEL] + N);
	for (int i = 0; i < got; i++) {
		bool intact = true;

		KT_EXPECT_EQ(pmm_refcount(pa[i]), 1);
		KT_EXPECT_EQ(pmm_kind(pa[i]), FRAME_KERNEL);
		for (unsigned int off = 0; off < PAGE_SIZE; off += 8)
			if (*(volatile uint64_t *)((char *)phys_to_virt(pa[i]) + off) !=
			    pa[i] + off)
				intact = false;
		KT_EXPECT(intact);
		KT_EXPECT(pmm_put(pa[i]));
	}
	pmm_stats(&after);
	KT_EXPECT_EQ(after.free, before.free);
	KT_EXPECT_EQ(after.by_kind[FRAME_KERNEL], before.by_kind[FRAME_KERNEL]);
}

KTEST(shared_frame_is_freed_by_its_last_reference_only)
{
	paddr_t pa;
	struct pmm_stats before, after;

	pmm_stats(&before);
	KT_EXPECT_EQ(pmm_alloc(FRAME_ANON, &pa), 0);
	pmm_get(pa);
	KT_EXPECT_EQ(pmm_refcount(pa), 2);
	KT_EXPECT(!pmm_put(pa));
	KT_EXPECT_EQ(pmm_refcount(pa), 1);
	KT_EXPECT(pmm_put(pa));
	KT_EXPECT_EQ(pmm_refcount(pa), 0);
	pmm_stats(&after);
	KT_EXPECT_EQ(after.free, before.free);
}

KTEST(image_devicetree_and_reserved_frames_are_never_handed_out)
{
	const struct boot_facts *bf = boot_facts();
	paddr_t pa;

	KT_EXPECT(!pmm_managed(bf->load_pa));
	KT_EXPECT(!pmm_managed(bf->load_pa + bf->image_size - 1));
	KT_EXPECT(!pmm_managed(bf->dtb_pa));
	for (int i = 0; i < bf->fdt.nresv; i++)
		KT_EXPECT(!pmm_managed(bf->fdt.resv[i].base));
	KT_EXPECT_EQ(pmm_alloc(FRAME_KERNEL, &pa), 0);
	KT_EXPECT(pmm_managed(pa));
	KT_EXPECT(pa >= bf->load_pa + bf->image_size || pa + PAGE_SIZE <= bf->load_pa);
	KT_EXPECT(pmm_put(pa));
}

KTEST(formatter_handles_widths_signs_and_hex)
{
	char buf[64];
	int n = ksnprintf(buf, sizeof(buf), "[%5d|%-4s|%08lx|%x|%u|%c|%%]", -42, "ab", 0xbeeful,
			  0xABCDu, 7u, 'z');

	KT_EXPECT(streq(buf, "[  -42|ab  |0000beef|abcd|7|z|%]"));
	KT_EXPECT_EQ(n, 32);
	n = ksnprintf(buf, 8, "%s", "truncated output");
	KT_EXPECT(streq(buf, "truncat"));
	KT_EXPECT_EQ(n, 16);
}

KTEST(symbol_table_names_functions_and_offsets)
{
	uintptr_t off = 99;
	const char *name = ksyms_lookup((uintptr_t)ksyms_lookup + 4, &off);

	KT_EXPECT(name != NULL && streq(name, "ksyms_lookup"));
	KT_EXPECT_EQ(off, 4);
	KT_EXPECT(ksyms_lookup(0x1000, &off) == NULL);
}

KTEST(exception_table_has_no_entry_for_ordinary_code)
{
	KT_EXPECT_EQ(extable_fixup((uintptr_t)streq), 0);
}

KTEST(asid_width_is_probed_from_satp)
{
	/* QEMU 7.2 implements 16 ASID bits for Sv39 */
	KT_EXPECT_EQ(firmware_asid_bits(), 16);
}
