/* The software Sv39 hart of the host tests. */
#include "tests/host/sv39.h"

#include <string.h>

#include "mm/frame.h"
#include "platform/errno.h"
#include "platform/riscv/csr.h"
#include "platform/riscv/memlayout.h"

#define ELOOP 40

static struct hart_model *active;

void hm_init(struct hart_model *hm, bool svade)
{
	memset(hm, 0, sizeof(*hm));
	hm->svade = svade;
	active = hm;
}

void hm_switch(struct hart_model *hm, paddr_t root, unsigned int asid)
{
	hm->root = root;
	hm->asid = asid;
}

void hm_flush_page(vaddr_t va, unsigned int asid)
{
	if (!active)
		return;
	for (int i = 0; i < HM_TLB_SIZE; i++)
		if (active->tlb[i].vpn == va >> PAGE_SHIFT &&
		    (asid == 0 || active->tlb[i].asid == asid))
			active->tlb[i].valid = false;
}

/* Drops the walk cache entries of @asid (every one when @all), checking each still names a
 * table page: one freed before this flush could have been walked through meanwhile. */
static void drop_walk_cache(unsigned int asid, bool all)
{
	for (int l = 0; l < 2; l++)
		for (int i = 0; i < HM_PWC_SIZE; i++) {
			struct hm_pwc *c = &active->pwc[l][i];

			if (!c->valid || !(all || asid == 0 || c->asid == asid))
				continue;
			if (pmm_kind(c->table) != FRAME_PAGETABLE)
				active->freed_before_flush++;
			c->valid = false;
		}
}

void hm_flush_asid(unsigned int asid)
{
	if (!active)
		return;
	for (int i = 0; i < HM_TLB_SIZE; i++)
		if (asid == 0 || active->tlb[i].asid == asid)
			active->tlb[i].valid = false;
	drop_walk_cache(asid, false);
}

void hm_flush_all(void)
{
	if (!active)
		return;
	for (int i = 0; i < HM_TLB_SIZE; i++)
		active->tlb[i].valid = false;
	drop_walk_cache(0, true);
}

/* The walk cache slot for the table below a level-@level entry (2: root, 1: level 1). */
static struct hm_pwc *pwc_slot(struct hart_model *hm, vaddr_t va, int level)
{
	vaddr_t tag = va >> (PAGE_SHIFT + PT_INDEX_BITS * level);

	return &hm->pwc[level - 1][tag % HM_PWC_SIZE];
}

static bool pwc_hit(struct hart_model *hm, vaddr_t va, int level, paddr_t *table)
{
	const struct hm_pwc *c = pwc_slot(hm, va, level);

	if (!c->valid || c->asid != hm->asid ||
	    c->tag != va >> (PAGE_SHIFT + PT_INDEX_BITS * level))
		return false;
	*table = c->table;
	return true;
}

/* Whether the hart refuses the high bits of leaf @pte as reserved. */
static bool reserved_high_bits(const struct hart_model *hm, pte_t pte)
{
	if (hm->memtype == HM_MEMTYPE_THEAD)
		return pte & PTE_HIGH_MASK & ~PTE_THEAD_MASK;
	if (hm->memtype == HM_MEMTYPE_SVPBMT)
		return (pte & PTE_HIGH_MASK & ~PTE_PBMT_MASK) ||
		       (pte & PTE_PBMT_MASK) == PTE_PBMT_MASK;
	return pte & PTE_HIGH_MASK;
}

static int cause_of(enum fault_access access)
{
	return access == FAULT_WRITE  ? CAUSE_STORE_PAGE_FAULT
	       : access == FAULT_EXEC ? CAUSE_FETCH_PAGE_FAULT
				      : CAUSE_LOAD_PAGE_FAULT;
}

/* The spec's walk (privileged spec 4.3.2) for a U-mode access, starting below the deepest
 * non-leaf entry the walk cache holds for @va, as a real core may. */
static int walk(struct hart_model *hm, vaddr_t va, enum fault_access access, pte_t *out)
{
	paddr_t table = hm->root;
	int level = SV39_LEVELS - 1;

	hm->walks++;
	if (!va_canonical(va))
		return cause_of(access);
	if (pwc_hit(hm, va, 1, &table))
		level = 0;
	else if (pwc_hit(hm, va, 2, &table))
		level = 1;
	if (level < SV39_LEVELS - 1 && pmm_kind(table) != FRAME_PAGETABLE)
		hm->stale_walks++; /* and it goes on through whatever the page holds now */
	for (; level >= 0; level--) {
		pte_t *p = (pte_t *)phys_to_virt(table) + pt_index(va, level);
		pte_t pte = __atomic_load_n(p, __ATOMIC_RELAXED);

		if (!(pte & PTE_V) || (!(pte & PTE_R) && (pte & PTE_W)))
			return cause_of(access);
		if (!pte_leaf(pte)) {
			struct hm_pwc *c;

			/* non-leaf A/D/U and memory types must be clear */
			if (level == 0 || (pte & (PTE_A | PTE_D | PTE_U | PTE_HIGH_MASK)))
				return cause_of(access);
			table = pte_paddr(pte);
			c = pwc_slot(hm, va, level);
			*c = (struct hm_pwc){ true, va >> (PAGE_SHIFT + PT_INDEX_BITS * level),
					      hm->asid, table };
			continue;
		}
		if (!(pte & PTE_U) || reserved_high_bits(hm, pte))
			return cause_of(access);
		if (level > 0 && (pte_paddr(pte) & (LEVEL_SIZE(level) - 1)))
			return cause_of(access); /* misaligned superpage */
		if ((access == FAULT_READ && !(pte & PTE_R)) ||
		    (access == FAULT_WRITE && !(pte & PTE_W)) ||
		    (access == FAULT_EXEC && !(pte & PTE_X)))
			return cause_of(access);
		if (!(pte & PTE_A) || (access == FAULT_WRITE && !(pte & PTE_D))) {
			if (hm->svade)
				return cause_of(access);
			pte |= PTE_A | (access == FAULT_WRITE ? PTE_D : 0);
			__atomic_store_n(p, pte, __ATOMIC_RELAXED);
		}
		if (level > 0) /* hand back a 4 KiB slice of the superpage */
			pte = pte_make(pte_paddr(pte) + (va & (LEVEL_SIZE(level) - 1) & PAGE_MASK),
				       pte_bits(pte));
		*out = pte;
		return 0;
	}
	return cause_of(access);
}

int hm_access(struct hart_model *hm, vaddr_t va, enum fault_access access, uint8_t *val)
{
	struct hm_tlb *e = &hm->tlb[(va >> PAGE_SHIFT) % HM_TLB_SIZE];
	pte_t pte;
	uint8_t *byte;

	if (e->valid && e->vpn == va >> PAGE_SHIFT && e->asid == hm->asid) {
		/* a TLB hit uses the cached entry, stale or not: that is what flushes are for */
		pte = e->pte;
		hm->hits++;
		if ((access == FAULT_READ && !(pte & PTE_R)) ||
		    (access == FAULT_WRITE && !(pte & PTE_W)) ||
		    (access == FAULT_EXEC && !(pte & PTE_X))) {
			hm->faults++;
			return cause_of(access);
		}
		if (access == FAULT_WRITE && !(pte & PTE_D))
			e->valid = false; /* the hart must walk again to set D */
	}
	if (!e->valid || e->vpn != va >> PAGE_SHIFT || e->asid != hm->asid) {
		int rc = walk(hm, va, access, &pte);

		if (rc) {
			hm->faults++;
			return rc;
		}
		e->valid = true;
		e->vpn = va >> PAGE_SHIFT;
		e->asid = hm->asid;
		e->pte = pte;
	}
	pte = e->pte;
	hm->last_pte = pte;
	byte = (uint8_t *)phys_to_virt(pte_paddr(pte)) + (va & (PAGE_SIZE - 1));
	if (access == FAULT_WRITE)
		*byte = *val;
	else
		*val = *byte;
	return 0;
}

int hm_user(struct hart_model *hm, struct vm *vm, vaddr_t va, enum fault_access access,
	    uint8_t *val, enum fault_reason *reason)
{
	*reason = FAULT_OK;
	for (int tries = 0; tries < 3; tries++) {
		int rc;

		if (hm_access(hm, va, access, val) == 0)
			return 0;
		rc = vm_fault(vm, va, access, reason);
		if (rc)
			return rc;
	}
	return -ELOOP;
}
