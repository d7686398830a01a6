/* Starting harts 1-N. The boot hart numbers every usable hart in devicetree order, gives each
 * a scheduler stack in the kernel's stack window, and asks the SBI (HSM hart_start) to start
 * it at secondary_entry with the MMU off; that code turns the kernel map on and comes to
 * smp_secondary(), which sets up the hart's CSRs and joins the scheduler. */
#include "firmware/smp.h"

#include "firmware/fpu.h"
#include "firmware/kmem.h"
#include "firmware/kstack.h"
#include "firmware/printf.h"
#include "firmware/task.h"
#include "firmware/timer.h"
#include "firmware/tlb.h"
#include "firmware/trap.h"
#include "platform/board.h"
#include "platform/riscv/csr.h"
#include "platform/riscv/irq.h"
#include "platform/riscv/memlayout.h"
#include "platform/riscv/spinlock.h"

struct hart harts[HART_MAX];
unsigned int hart_count = 1;

static unsigned long online = 1; /* the boot hart */
static const struct sbi_info *sbi_info;

/* Per hart, read with the MMU off: where to go once it is on. */
static struct smp_boot {
	unsigned long satp, stack, hart, entry;
} boot_info[HART_MAX];

/* how each hart of the devicetree fared, for the boot log */
static struct hart_fate {
	unsigned long hartid;
	const char *state;
} fate[FDT_MAX_HARTS];
static unsigned int nfate;

/* How long a started hart may take to reach the scheduler: 100 ms of time CSR ticks. */
#define START_WAIT_DIVISOR 10

extern char secondary_entry[], secondary_virt[]; /* entry.S */

static void note(unsigned long hartid, const char *state)
{
	if (nfate < FDT_MAX_HARTS)
		fate[nfate++] = (struct hart_fate){ hartid, state };
}

void smp_init(const struct fdt_info *fi, unsigned long boot_hartid)
{
	harts[0].hartid = boot_hartid;
	harts[0].cpu = 0;
	harts[0].bit = 1;
	trap_init(&harts[0]);
	note(boot_hartid, "boot");
	for (int i = 0; i < fi->nharts; i++) {
		const struct fdt_hart *fh = &fi->harts[i];
		struct hart *h;

		if (fh->hartid == boot_hartid)
			continue;
		if (!board_hart_may_run(fh)) {
			note(fh->hartid, "not used (no Sv39 MMU or disabled)");
			continue;
		}
		/* SBI hart masks are one long from base 0 here */
		if (hart_count == HART_MAX || fh->hartid >= 8 * sizeof(unsigned long)) {
			note(fh->hartid, "not used (past the harts the firmware keeps)");
			continue;
		}
		h = &harts[hart_count];
		h->hartid = fh->hartid;
		h->cpu = hart_count;
		h->bit = 1ul << hart_count;
		hart_count++;
	}
}

static bool start_one(struct hart *h)
{
	struct smp_boot *b = &boot_info[h->cpu];
	uint64_t give_up;
	uintptr_t top;
	long rc;

	if (!sbi_info->has_hsm) {
		note(h->hartid, "not started (the SBI has no HSM extension)");
		return false;
	}
	if (kstack_alloc(TASK_MAX + h->cpu, &top)) {
		note(h->hartid, "not started (no memory for its stack)");
		return false;
	}
	h->sched_stack_top = top;
	b->satp = (SATP_MODE_SV39 << SATP_MODE_SHIFT) | (kmem_root() >> PAGE_SHIFT);
	b->stack = top;
	b->hart = (unsigned long)h;
	b->entry = (unsigned long)secondary_virt;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	rc = sbi_hart_start(h->hartid, kmem_image_pa(secondary_entry),
			    (unsigned long)kmem_image_pa(b));
	if (rc) {
		note(h->hartid, "not started (HSM refused it)");
		return false;
	}
	give_up = timer_now() + timer_timebase() / START_WAIT_DIVISOR;
	while (!(__atomic_load_n(&online, __ATOMIC_ACQUIRE) & h->bit))
		if (timer_now() > give_up) {
			note(h->hartid, "started, but did not come up");
			return false;
		}
	note(h->hartid, "started");
	return true;
}

void smp_start(const struct sbi_info *sbi)
{
	unsigned int up = 1;

	sbi_info = sbi;
	tlb_init(sbi);
	csr_set(CSR_SIE, SIE_SSIE); /* other harts' nudges */
	for (unsigned int cpu = 1; cpu < hart_count; cpu++)
		up += start_one(&harts[cpu]);
	kprintf("  harts      %u running tasks:", up);
	for (unsigned int cpu = 0; cpu < hart_count; cpu++)
		if (online & harts[cpu].bit)
			kprintf(" %lu", harts[cpu].hartid);
	kprintf("\n");
}

const char *smp_hart_state(unsigned long hartid)
{
	for (unsigned int i = 0; i < nfate; i++)
		if (fate[i].hartid == hartid)
			return fate[i].state;
	return "not started";
}

unsigned long smp_online(void)
{
	return __atomic_load_n(&online, __ATOMIC_ACQUIRE);
}

unsigned long smp_hartid_mask(unsigned long mask)
{
	unsigned long ids = 0;

	for (unsigned int cpu = 0; mask; cpu++, mask >>= 1)
		if (mask & 1)
			ids |= 1ul << harts[cpu].hartid;
	return ids;
}

void smp_send_ipi(unsigned long mask)
{
	mask &= smp_online();
	if (mask)
		(void)sbi_send_ipi(smp_hartid_mask(mask), 0);
}

static spinlock_t stop_lock = SPINLOCK_INIT;
static bool stopping;	     /* the holder of stop_lock wants the others parked */
static unsigned long parked; /* harts standing still in smp_ipi() */

/* Parks this hart while a stop is on. */
static void park_if_asked(void)
{
	struct hart *h = this_hart();
	unsigned long seen = 0;

	if (!__atomic_load_n(&stopping, __ATOMIC_ACQUIRE))
		return;
	__atomic_fetch_or(&parked, h->bit, __ATOMIC_SEQ_CST);
	/* wait in wfi, not spinning: on a host with fewer cores than harts, the hart doing the
	 * work needs the time; the resume's IPI (SSIP, which wfi sees even masked) ends it.
	 * Flush requests are served meanwhile (a hart that holds a lock may wait for them):
	 * SSIP is cleared before each look, so one that comes later ends the wfi */
	for (;;) {
		seen |= csr_read_clear(CSR_SIP, SIE_SSIE);
		tlb_serve_requests();
		if (!__atomic_load_n(&stopping, __ATOMIC_ACQUIRE))
			break;
		__asm__ volatile("wfi");
	}
	__atomic_fetch_and(&parked, ~h->bit, __ATOMIC_SEQ_CST);
	/* what was cleared may have been a nudge too: the IPI handler sees it again */
	if (seen & SIE_SSIE)
		csr_set(CSR_SIP, SIE_SSIE);
}

bool smp_stop_requested(void)
{
	return __atomic_load_n(&stopping, __ATOMIC_ACQUIRE);
}

void smp_ipi(void)
{
	csr_clear(CSR_SIP, SIE_SSIE);
	tlb_serve_requests();
	park_if_asked();
}

void smp_stop_others(void)
{
	unsigned long others = smp_online() & ~this_hart()->bit;

	/* two harts stopping at once: the one that waits parks for the other */
	while (!spin_trylock(&stop_lock)) {
		tlb_serve_requests();
		park_if_asked();
	}
	__atomic_store_n(&stopping, true, __ATOMIC_SEQ_CST);
	smp_send_ipi(others);
	/* a hart on its way to park may first finish a shootdown that needs this one */
	while ((__atomic_load_n(&parked, __ATOMIC_ACQUIRE) & others) != others)
		tlb_serve_requests();
}

void smp_resume_others(void)
{
	__atomic_store_n(&stopping, false, __ATOMIC_SEQ_CST);
	smp_send_ipi(__atomic_load_n(&parked, __ATOMIC_ACQUIRE));
	spin_unlock(&stop_lock);
}

void smp_secondary(struct hart *h)
{
	trap_init(h);
	(void)fpu_init();
	csr_write(CSR_SCOUNTEREN, SCOUNTEREN_CY | SCOUNTEREN_TM | SCOUNTEREN_IR);
	csr_set(CSR_SIE, SIE_SSIE);
	timer_start_hart();
	__atomic_fetch_or(&online, h->bit, __ATOMIC_RELEASE);
	irq_enable();
	task_run_secondary();
}
