/* In-QEMU cases for time and randomness inside the kernel: the RTC's date, early timer
 * wake-ups, the seed CSR probe on harts that refuse it, the generator and the vDSO's layout. */
#include "firmware/early.h"
#include "firmware/extable.h"
#include "firmware/hart.h"
#include "firmware/random.h"
#include "firmware/timer.h"
#include "firmware/trap.h"
#include "firmware/vdso.h"
#include "platform/errno.h"
#include "platform/riscv/csr.h"
#include "platform/riscv/irq.h"
#include "tests/qemu/ktest.h"

#define Y2024 1704067200ull /* 2024-01-01 00:00:00 UTC */

KTEST(realtime_comes_from_the_rtc_when_the_devicetree_has_one)
{
	const struct fdt_info *fi = &boot_facts()->fdt;
	const struct vdso_data *d = vdso_data();

	KT_EXPECT_EQ(d->timebase_hz, fi->timebase_hz);
	KT_EXPECT(d->realtime_nsec < NSEC_PER_SEC);
	if (fi->rtc.kind == FDT_RTC_GOLDFISH)
		KT_EXPECT(d->realtime_sec > Y2024);
	else
		KT_EXPECT(d->realtime_sec == 0 && d->realtime_nsec == 0);
}

/*
 * The QEMU clock follows the host's, so a loaded host may stretch any interval: the checks
 * allow for that where they can without losing what they prove. Without the early interrupt
 * wfi would sleep to the tick, three quarters of a period on; counted as a tick, the early
 * interrupt would raise the count half a period before any tick was due.
 */
/* One try: the tick count must not move early whatever happens; returns whether the wait
 * ended before the tick was due (false too when the host held QEMU back meanwhile). */
static bool early_wake_once(uint64_t period)
{
	uint64_t start, target, woke, after, ticks;

	/* a tick whose next one is a full period away: one that caught up after the host held
	 * QEMU back may have its successor sooner, which is not what this case is about */
	do {
		ticks = timer_ticks();
		while (timer_ticks() == ticks)
			__asm__ volatile("wfi");
		ticks = timer_ticks();
		start = timer_now();
	} while (this_hart()->timer_deadline - start < period * 3 / 4);
	target = start + period / 4;
	irq_disable();
	timer_wake_at(target);
	while (timer_now() < target)
		__asm__ volatile("wfi"); /* wakes on the pending interrupt even with SIE clear */
	woke = timer_now() - start;
	irq_enable(); /* the early interrupt is taken here */
	after = timer_now() - start;
	KT_EXPECT(timer_ticks() == ticks || after >= period / 2);
	return woke < period * 3 / 4;
}

KTEST(timer_wake_at_interrupts_before_the_next_tick)
{
	uint64_t hz = timer_timebase(), period;
	unsigned long irq;
	bool early = false;

	KT_EXPECT(hz != 0);
	if (!hz)
		return;
	period = hz / TIMER_HZ;
	irq = irq_save();
	/* just after a tick (the cases may run with interrupts masked: unmask them), ask for an
	 * interrupt a quarter period on; a few tries, as a loaded host can stretch one, but
	 * without the early interrupt none ends early */
	irq_enable();
	for (int i = 0; i < 5 && !early; i++)
		early = early_wake_once(period);
	if (!irq)
		irq_disable();
	KT_EXPECT(early);
}

/* The seed CSR read as random.c does; on a hart that lacks it, or whose SBI does not let
 * S-mode at it, the illegal-instruction trap resumes at the fixup with -EFAULT in a0. */
static long read_seed_csr(void)
{
	register long a0 __asm__("a0") = 0;

	__asm__ volatile("1: csrrw a0, 0x015, zero\n"
			 "2:\n" EXTABLE_ENTRY(1b, 2b)
			 : "+r"(a0)
			 :
			 : "memory");
	return a0;
}

KTEST(seed_csr_refused_by_the_hart_resumes_at_its_fixup_with_efault)
{
	const struct fdt_info *fi = &boot_facts()->fdt;
	struct trap_fault before, after;
	bool zkr = false;
	long v;

	for (int i = 0; i < fi->nharts; i++)
		zkr |= fi->harts[i].hartid == boot_facts()->hartid &&
		       (fi->harts[i].flags & FDT_HART_ZKR);
	trap_last_fault(&before);
	v = read_seed_csr();
	trap_last_fault(&after);
	if (zkr && v >= 0)
		return; /* a hart that offers its entropy source: nothing to recover from */
	KT_EXPECT_EQ(v, -EFAULT);
	KT_EXPECT_EQ(after.count, before.count + 1);
	KT_EXPECT_EQ(after.scause, CAUSE_ILLEGAL_INSTRUCTION);
}

KTEST(random_requests_differ_and_cover_every_byte_value)
{
	static uint8_t a[4096], b[4096];
	bool seen[256] = { false };
	int same = 0, values = 0;

	random_bytes(a, sizeof(a));
	random_bytes(b, sizeof(b));
	for (size_t i = 0; i < sizeof(a); i++) {
		same += a[i] == b[i];
		seen[a[i]] = true;
	}
	for (int i = 0; i < 256; i++)
		values += seen[i];
	KT_EXPECT(same < 64); /* 16 expected */
	KT_EXPECT_EQ(values, 256);
}

KTEST(vdso_sigreturn_trampoline_lies_in_the_mapped_vdso)
{
	vaddr_t at = vdso_sigreturn_address();

	KT_EXPECT(vdso_size() >= PAGE_SIZE && vdso_size() % PAGE_SIZE == 0);
	KT_EXPECT(at > VDSO_TEXT_VA && at < VDSO_TEXT_VA + vdso_size());
	KT_EXPECT(at % 4 == 0);
	KT_EXPECT(VDSO_TEXT_VA == VDSO_DATA_VA + PAGE_SIZE);
	KT_EXPECT(VDSO_DATA_VA >= USER_MMAP_TOP &&
		  VDSO_TEXT_VA + vdso_size() <=
		      USER_STACK_TOP - USER_STACK_LIMIT - USER_STACK_GAP / 2);
}
