/* ASID allocation by generation (asid.h). The rules that keep it safe: within one generation
 * an ASID names one space; a hart flushes everything before it first switches in a new
 * generation; an ASID a hart runs across a rollover stays its space's in the new one. */
#include "mm/asid.h"

#include "mm/vm.h"

static bool taken(const struct asid_space *a, unsigned int asid)
{
	return (a->used[asid / 64] >> (asid % 64)) & 1;
}

static void take(struct asid_space *a, unsigned int asid)
{
	a->used[asid / 64] |= 1ull << (asid % 64);
}

void asid_init(struct asid_space *a, unsigned int bits, unsigned int ncpu)
{
	*a = (struct asid_space){ .lock = SPINLOCK_INIT };
	a->bits = bits > ASID_BITS_MAX ? ASID_BITS_MAX : bits;
	a->ncpu = ncpu > ASID_CPUS_MAX ? ASID_CPUS_MAX : ncpu;
	a->limit = 1u << a->bits;
	a->gen = 1;
	a->next = 1;
	take(a, 0);
}

/* A free ASID of this generation, or 0. */
static unsigned int find_free(struct asid_space *a)
{
	for (unsigned int n = 1; n < a->limit; n++) {
		unsigned int asid = a->next;

		a->next = a->next + 1 < a->limit ? a->next + 1 : 1;
		if (!taken(a, asid)) {
			take(a, asid);
			return asid;
		}
	}
	return 0;
}

/* A new generation: nothing is taken but what other harts run now, which they keep; every
 * hart (this one too) flushes its whole TLB at its next switch. @cpu is leaving what it ran.
 * A hart that has not switched since the last rollover still runs what it kept then. */
static void rollover(struct asid_space *a, unsigned int cpu)
{
	for (unsigned int i = 0; i < sizeof(a->used) / sizeof(a->used[0]); i++)
		a->used[i] = 0;
	take(a, 0);
	for (unsigned int c = 0; c < a->ncpu; c++) {
		struct asid_cpu *p = &a->cpu[c];

		if (c == cpu || !p->active || !p->asid) {
			p->reserved_asid = 0;
		} else if (p->gen == a->gen) {
			p->reserved_asid = p->asid;
			p->reserved_gen = p->gen;
		}
		if (p->reserved_asid)
			take(a, p->reserved_asid);
		p->flush = true;
	}
	a->gen++;
	a->next = 1;
	a->rollovers++;
}

/* Whether @vm's ASID was kept for it at a rollover (a hart ran it then and runs it still);
 * if so, the reservations follow it into this generation. */
static bool kept(struct asid_space *a, const struct vm *vm)
{
	bool found = false;

	if (!vm->asid_gen)
		return false;
	if (!vm->asid) {
		/* a space on the shared ASID 0 that a hart still runs stays on it: that hart's
		 * entries are tagged 0, and shootdowns must keep reaching them */
		for (unsigned int c = 0; c < a->ncpu; c++)
			if (a->cpu[c].active && a->cpu[c].vm == vm)
				return true;
		return false;
	}
	for (unsigned int c = 0; c < a->ncpu; c++) {
		struct asid_cpu *p = &a->cpu[c];

		if (p->reserved_asid == vm->asid && p->reserved_gen == vm->asid_gen) {
			p->reserved_gen = a->gen;
			found = true;
		}
	}
	return found;
}

unsigned int asid_switch(struct asid_space *a, struct vm *vm, unsigned int cpu, bool *flush_all)
{
	struct asid_cpu *p = &a->cpu[cpu];
	unsigned long irq;

	if (a->bits == 0) {
		/* nothing tells one space's entries from another's */
		vm->asid = 0;
		*flush_all = true;
		return 0;
	}
	irq = spin_lock_irqsave(&a->lock);
	if (vm->asid_gen != a->gen && !kept(a, vm)) {
		unsigned int asid = find_free(a);
		bool keep = false;

		if (!asid) {
			rollover(a, cpu);
			keep = kept(a, vm);
			asid = keep ? vm->asid : find_free(a);
		}
		if (!keep) {
			/* a new ASID: the harts that ran the space under its old one flush
			 * everything before they next switch, so none needs its shootdowns now */
			__atomic_store_n(&vm->harts, 0, __ATOMIC_SEQ_CST);
			vm->asid = asid;
		}
	}
	vm->asid_gen = a->gen;
	*flush_all = p->flush || vm->asid == 0;
	p->flush = false;
	p->active = true;
	p->asid = vm->asid;
	p->gen = a->gen;
	p->vm = vm;
	spin_unlock_irqrestore(&a->lock, irq);
	return vm->asid;
}

void asid_leave(struct asid_space *a, unsigned int cpu)
{
	unsigned long irq = spin_lock_irqsave(&a->lock);

	a->cpu[cpu].active = false;
	spin_unlock_irqrestore(&a->lock, irq);
}
