/* The waiting half of spin_lock (platform/riscv/spinlock.h): what a hart owes the others
 * while it spins, and how much spinning there is. */
#include "platform/riscv/spinlock.h"
#include "firmware/hart.h"
#include "firmware/tlb.h"

void spin_lock_contended(spinlock_t *l)
{
	struct hart *h = this_hart();
	uint64_t spins = 0;

	do {
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED)) {
			/* the holder may be waiting for this hart's TLB flush (a shootdown under
			 * the address space's lock) while this hart waits, interrupts masked,
			 * for the lock: the flush is done here, or neither goes on */
			tlb_serve_requests();
			spins++;
		}
	} while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE));
	/* only this hart writes its counts; the counters call reads them as they are */
	__atomic_store_n(&h->lock_contended, h->lock_contended + 1, __ATOMIC_RELAXED);
	__atomic_store_n(&h->lock_spins, h->lock_spins + spins, __ATOMIC_RELAXED);
}
