/* Shootdowns by IPI: a mailbox per hart. The initiator writes its request (ASID, range) in
 * its own struct hart, marks its bit in each target's flush_from, sends one SBI IPI (which
 * OpenSBI only passes on, not waiting for the targets) and waits in wfi. Each target does a
 * local sfence.vma in its IPI handler, or wherever it waits with interrupts masked, and
 * clears its bit in the request; the last one sends an IPI back. */
#include "firmware/hart.h"
#include "firmware/smp.h"
#include "firmware/tlb.h"
#include "mm/arch.h"
#include "platform/riscv/csr.h"
#include "platform/riscv/pte.h"

/* This hart forgets what @r asks for. */
static void flush_local(const struct flush_request *r)
{
	if (r->size == FLUSH_REQUEST_ALL) {
		/* ASID 0 stands for "no ASID": the kernel's entries are global, and without
		 * ASIDs every space shares 0, so only a fence of everything will do */
		if (r->asid)
			arch_flush_asid((unsigned int)r->asid);
		else
			arch_flush_all();
		return;
	}
	for (vaddr_t va = r->start; va - r->start < r->size; va += PAGE_SIZE)
		arch_flush_page(va, (unsigned int)r->asid);
}

void tlb_serve_requests(void)
{
	struct hart *h = this_hart();
	unsigned long from;

	if (!__atomic_load_n(&h->flush_from, __ATOMIC_RELAXED))
		return;
	/* acquire: each request's fields were written before its bit was set */
	from = __atomic_exchange_n(&h->flush_from, 0, __ATOMIC_ACQUIRE);
	for (unsigned int cpu = 0; from; cpu++, from >>= 1) {
		struct hart *init = &harts[cpu];

		if (!(from & 1))
			continue;
		flush_local(&init->flush);
		/* the request is not read again past this: its initiator may reuse it now */
		if (__atomic_fetch_and(&init->flush.waiting, ~h->bit, __ATOMIC_ACQ_REL) == h->bit)
			smp_send_ipi(init->bit);
	}
}

void tlb_ipi_shootdown(unsigned long targets, unsigned long asid, vaddr_t start, unsigned long size)
{
	struct hart *h = this_hart();
	struct flush_request *r = &h->flush;
	unsigned long seen = 0, others;

	r->asid = asid;
	r->start = start;
	r->size = size;
	__atomic_store_n(&r->waiting, targets, __ATOMIC_RELAXED);
	for (unsigned int cpu = 0; cpu < hart_count; cpu++)
		if (targets & harts[cpu].bit)
			__atomic_fetch_or(&harts[cpu].flush_from, h->bit, __ATOMIC_RELEASE);
	smp_send_ipi(targets);
	/*
	 * wfi wakes on a pending SSIP even with sstatus.SIE clear (sie.SSIE is set on every
	 * hart). SSIP is cleared before the check, so the last target's IPI, sent after its
	 * ack, either made the check see the ack or leaves SSIP pending and wfi falls through.
	 * The timer and external interrupts are left out of sie meanwhile: a tick that came
	 * due while the targets are slow would stay pending (it is taken only once interrupts
	 * are on again) and turn every wfi into a no-op, the wait into a spin.
	 * Not parking here for a stop: this hart may hold locks that the stopper needs.
	 */
	others = csr_read_clear(CSR_SIE, SIE_STIE | SIE_SEIE) & (SIE_STIE | SIE_SEIE);
	for (;;) {
		seen |= csr_read_clear(CSR_SIP, SIE_SSIE);
		tlb_serve_requests(); /* a target may be waiting for this hart's flush too */
		if (!__atomic_load_n(&r->waiting, __ATOMIC_ACQUIRE))
			break;
		__asm__ volatile("wfi");
	}
	csr_set(CSR_SIE, others);
	/* An SSIP cleared here was the acks' IPI, or another nudge. A nudge's news is kept where
	 * the way back to U-mode or the scheduler loop looks anyway (signals, runnable tasks);
	 * only a stop needs this hart's IPI handler, so only then is SSIP raised again: a trap
	 * for nothing after every shootdown costs the initiator more than its fence. */
	if ((seen & SIE_SSIE) && smp_stop_requested())
		csr_set(CSR_SIP, SIE_SSIE);
}
