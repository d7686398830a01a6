/* Spinlocks that stay correct with several harts: an atomic swap with acquire ordering to
 * take, a release store to give back. The _irqsave forms also mask interrupts on this hart,
 * for state that trap handlers touch too. */
#ifndef FAULTLINE_PLATFORM_RISCV_SPINLOCK_H
#define FAULTLINE_PLATFORM_RISCV_SPINLOCK_H

#include "platform/riscv/irq.h"
#include "platform/types.h"

typedef struct {
	uint32_t locked;
} spinlock_t;

#define SPINLOCK_INIT                                                                              \
	{                                                                                          \
		0                                                                                  \
	}

/*
 * spin_lock_contended - wait for @l, which the caller found taken, and take it. The firmware's
 * (firmware/spinlock.c) also serves the other harts' TLB flush requests while it waits: one
 * of them may hold @l and be waiting for this hart's flush, interrupts masked on both. The
 * host tests' only spins.
 */
void spin_lock_contended(spinlock_t *l);

#ifdef HOST_TEST
static inline void spin_lock(spinlock_t *l)
{
	if (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		spin_lock_contended(l);
}
#else
/* A free lock costs a swap and a branch. A taken one goes out of line through
 * spin_lock_slow_entry (firmware/spinlock_entry.S), linked through t0 with every register
 * saved there: the caller need not become a non-leaf function, with a frame, for it. */
static inline void spin_lock(spinlock_t *l)
{
	if (__builtin_expect(__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE), 0)) {
		register spinlock_t *a0 __asm__("a0") = l;

		__asm__ volatile("1: auipc t0, %%pcrel_hi(spin_lock_slow_entry)\n\t"
				 "jalr t0, %%pcrel_lo(1b)(t0)"
				 :
				 : "r"(a0)
				 : "t0", "memory");
	}
}
#endif

/* spin_trylock - take @l if it is free; false (and nothing done) if it is held. */
static inline bool spin_trylock(spinlock_t *l)
{
	return !__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE);
}

static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

static inline bool spin_is_locked(spinlock_t *l)
{
	return __atomic_load_n(&l->locked, __ATOMIC_RELAXED) != 0;
}

static inline unsigned long spin_lock_irqsave(spinlock_t *l)
{
	unsigned long flags = irq_save();

	spin_lock(l);
	return flags;
}

static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
	spin_unlock(l);
	irq_restore(flags);
}

#endif
