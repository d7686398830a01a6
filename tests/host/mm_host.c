/* TLB-hook stubs for the host tests of mm/: they count flushes and pass them on to the
 * software hart. */
#include "tests/host/mm_host.h"

#include <string.h>

#include "mm/arch.h"
#include "platform/riscv/spinlock.h"
#include "tests/host/sv39.h"

static struct host_flushes flushes;

const struct host_flushes *host_flushes(void)
{
	return &flushes;
}

void host_flushes_reset(void)
{
	memset(&flushes, 0, sizeof(flushes));
}

void arch_flush_page(vaddr_t va, unsigned int asid)
{
	flushes.page++;
	flushes.last_va = va;
	flushes.last_asid = asid;
	hm_flush_page(va, asid);
}

void arch_flush_asid(unsigned int asid)
{
	flushes.asid++;
	flushes.last_asid = asid;
	hm_flush_asid(asid);
}

void arch_flush_all(void)
{
	flushes.all++;
	hm_flush_all();
}

/* The software harts that do not run this code: hm_shootdown flushes theirs. */
unsigned int arch_shootdown(struct vm *vm, unsigned long targets, vaddr_t start, vaddr_t end)
{
	unsigned int n = hm_shootdown(vm, targets, start, end);

	flushes.shootdowns += n;
	return n;
}

unsigned long arch_hart_bit(void)
{
	const struct hart_model *hm = hm_current();

	return hm ? 1ul << hm->id : 1;
}

/* One thread drives every software hart here: a lock found taken is only waited for. */
void spin_lock_contended(spinlock_t *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			;
}
