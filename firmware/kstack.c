/* Task kernel stacks in the stack window of the kernel map.
 *
 * No other hart is interrupted when a stack comes or goes: a slot's addresses are used only
 * by the task in it, and only on the hart that runs it (or the one that makes it). What a
 * hart cached of a slot's old mapping is harmless until it runs a task in the slot again,
 * so the hart that maps a slot marks it stale for every other hart, and each flushes the
 * slot's pages as it switches to a task there (kstack_enter). Freeing needs no flush: the
 * addresses stay unused until the slot is mapped again, which marks it. */
#include "firmware/kstack.h"

#include "firmware/hart.h"
#include "firmware/kmem.h"
#include "mm/arch.h"
#include "mm/frame.h"
#include "mm/pt.h"
#include "platform/errno.h"
#include "platform/riscv/memlayout.h"

#define SLOT_SIZE ((KSTACK_PAGES + 1) * PAGE_SIZE)
#define LONG_BITS (8 * sizeof(unsigned long))

/* per hart, by logical number: the slots it must flush before it next runs a task there */
static unsigned long stale[HART_MAX][KSTACK_SLOTS / LONG_BITS];

static void flush_slot_here(unsigned int slot)
{
	uintptr_t base = kstack_guard(slot) + PAGE_SIZE;

	for (unsigned int i = 0; i < KSTACK_PAGES; i++)
		arch_flush_page(base + i * PAGE_SIZE, 0);
}

void kstack_enter(unsigned int slot)
{
	unsigned long *w = &stale[this_hart()->cpu][slot / LONG_BITS];
	unsigned long bit = 1ul << (slot % LONG_BITS);

	/* acquire: the new PTEs were written before the mark */
	if (__atomic_load_n(w, __ATOMIC_ACQUIRE) & bit) {
		__atomic_fetch_and(w, ~bit, __ATOMIC_ACQUIRE);
		flush_slot_here(slot);
	}
}

uintptr_t kstack_guard(unsigned int slot)
{
	return KSTACK_VBASE + (uintptr_t)slot * SLOT_SIZE;
}

/* The hart that ran the task last may still hold the global translations: it drops them
 * before it next uses the slot's addresses (kstack_enter), which is before any new frames
 * are reached through them. */
void kstack_free(unsigned int slot)
{
	uintptr_t base = kstack_guard(slot) + PAGE_SIZE;
	paddr_t frames[KSTACK_PAGES];
	unsigned int n = 0;

	for (unsigned int i = 0; i < KSTACK_PAGES; i++) {
		pte_t *p = pt_walk(kmem_root(), base + i * PAGE_SIZE, NULL);

		if (!p || !*p)
			continue;
		frames[n++] = pte_paddr(*p);
		*p = 0;
	}
	for (unsigned int i = 0; i < n; i++)
		pmm_put(frames[i]);
}

int kstack_alloc(unsigned int slot, uintptr_t *top)
{
	uintptr_t base = kstack_guard(slot) + PAGE_SIZE;

	if (slot >= KSTACK_SLOTS)
		return -EINVAL;
	for (unsigned int i = 0; i < KSTACK_PAGES; i++) {
		paddr_t pa;
		int rc = pmm_alloc(FRAME_KERNEL, &pa);

		if (rc == 0) {
			rc = pt_map(kmem_root(), base + i * PAGE_SIZE, pa, PAGE_SIZE,
				    PTE_R | PTE_W | PTE_G | PTE_A | PTE_D, false);
			if (rc)
				pmm_put(pa);
		}
		if (rc) {
			kstack_free(slot);
			return rc;
		}
	}
	/* here at once (this hart fills in the task's first frame); every other hart, old
	 * translations and cached invalid entries (JH7110) alike, before it runs the task */
	flush_slot_here(slot);
	for (unsigned int cpu = 0; cpu < hart_count; cpu++)
		if (cpu != this_hart()->cpu)
			__atomic_fetch_or(&stale[cpu][slot / LONG_BITS], 1ul << (slot % LONG_BITS),
					  __ATOMIC_RELEASE);
	__atomic_fetch_and(&stale[this_hart()->cpu][slot / LONG_BITS], ~(1ul << (slot % LONG_BITS)),
			   __ATOMIC_RELAXED);
	*top = base + KSTACK_PAGES * PAGE_SIZE;
	return 0;
}
