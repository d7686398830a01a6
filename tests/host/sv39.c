/* The software Sv39 hart of the host tests. */
#include "tests/host/sv39.h"

#include <stdio.h>
#include <string.h>

#include "mm/frame.h"
#include "mm/pt.h"
#include "platform/errno.h"
#include "platform/riscv/csr.h"
#include "platform/riscv/memlayout.h"

#define ELOOP 40

/* The harts there are, and the one whose code runs now (the "local" hart of every hook). */
static struct hart_model *harts[HM_HARTS_MAX];
static unsigned int nharts;
static struct hart_model *active;

void hm_init_smp(struct hart_model *hms, unsigned int n, bool svade)
{
	nharts = n;
	for (unsigned int i = 0; i < n; i++) {
		memset(&hms[i], 0, sizeof(hms[i]));
		hms[i].svade = svade;
		hms[i].id = i;
		harts[i] = &hms[i];
	}
	active = &hms[0];
}

void hm_init(struct hart_model *hm, bool svade)
{
	hm_init_smp(hm, 1, svade);
}

struct hart_model *hm_current(void)
{
	return active;
}

void hm_set_current(struct hart_model *hm)
{
	active = hm;
}

void hm_switch(struct hart_model *hm, paddr_t root, unsigned int asid)
{
	active = hm;
	hm->root = root;
	hm->asid = asid;
}

/* Drops @hm's entries of @asid (any when 0) for the pages [lo, hi), counting those that name
 * a frame already free when @check (a remote hart could have used it until now). */
static void drop_tlb(struct hart_model *hm, unsigned int asid, vaddr_t lo, vaddr_t hi, bool check)
{
	for (int i = 0; i < HM_TLB_SIZE; i++) {
		struct hm_tlb *e = &hm->tlb[i];
		paddr_t pa = pte_paddr(e->pte);

		if (!e->valid || !(asid == 0 || e->asid == asid))
			continue;
		if (e->vpn < lo >> PAGE_SHIFT || e->vpn > (hi - 1) >> PAGE_SHIFT)
			continue;
		if (check && pmm_managed(pa) && pmm_kind(pa) == FRAME_FREE)
			hm->freed_frame_before_flush++;
		e->valid = false;
	}
}

void hm_flush_page(vaddr_t va, unsigned int asid)
{
	if (!active)
		return;
	drop_tlb(active, asid, va, va + PAGE_SIZE, false);
}

/* Whether @hm is away from @vm with a stale mark: it may cache anything of it, as it will not
 * use it before the flush its next hm_enter does. */
static bool away_and_stale(const struct hart_model *hm, const struct vm *vm)
{
	unsigned long bit = 1ul << hm->id;

	return (__atomic_load_n(&vm->stale, __ATOMIC_SEQ_CST) & bit) &&
	       !(__atomic_load_n(&vm->running, __ATOMIC_SEQ_CST) & bit);
}

/* Drops @hm's walk cache entries of @asid (every one when @all), checking each still names a
 * table page when @check: one freed before this flush could have been walked through
 * meanwhile. */
static void drop_walk_cache(struct hart_model *hm, unsigned int asid, bool all, bool check)
{
	for (int l = 0; l < 2; l++)
		for (int i = 0; i < HM_PWC_SIZE; i++) {
			struct hm_pwc *c = &hm->pwc[l][i];

			if (!c->valid || !(all || asid == 0 || c->asid == asid))
				continue;
			if (check && pmm_kind(c->table) != FRAME_PAGETABLE)
				hm->freed_before_flush++;
			c->valid = false;
		}
}

void hm_flush_asid(unsigned int asid)
{
	if (!active)
		return;
	drop_tlb(active, asid, 0, USER_TOP, false);
	drop_walk_cache(active, asid, false, true);
}

void hm_flush_all(void)
{
	if (!active)
		return;
	drop_tlb(active, 0, 0, USER_TOP, false);
	drop_walk_cache(active, 0, true, true);
}

void hm_enter(struct hart_model *hm, struct vm *vm)
{
	bool stale;

	active = hm;
	if (hm->vm && hm->vm != vm)
		hm_leave(hm, hm->vm); /* as the firmware's scheduler does between two spaces */
	hm->vm = vm;
	stale = vm_enter_hart(vm, 1ul << hm->id);
	hm_switch(hm, vm->root, vm->asid);
	if (stale) { /* what it cached while away may name freed frames and tables */
		drop_tlb(hm, vm->asid, 0, USER_TOP, false);
		drop_walk_cache(hm, vm->asid, false, false);
	}
}

void hm_leave(struct hart_model *hm, struct vm *vm)
{
	hm->vm = NULL;
	vm_leave_hart(vm, 1ul << hm->id);
}

unsigned int hm_shootdown(struct vm *vm, unsigned long mask, vaddr_t start, vaddr_t end)
{
	unsigned int asked = 0;

	for (unsigned int i = 0; i < nharts; i++) {
		struct hart_model *hm = harts[i];

		bool check;

		if (hm == active || !(mask & (1ul << hm->id)))
			continue;
		hm->shootdowns++;
		asked++;
		/* a hart marked stale while away could cache freed frames and tables meanwhile */
		check = !away_and_stale(hm, vm);
		/* ASID 0 is every space's when there are no ASIDs: then the fence covers all */
		if (end == 0) {
			drop_tlb(hm, vm->asid, 0, USER_TOP, check);
			drop_walk_cache(hm, vm->asid, false, check);
		} else {
			drop_tlb(hm, vm->asid, start, end, check);
		}
	}
	return asked;
}

/* The rights of a PTE a TLB entry may carry no more of than the PTE. */
#define RIGHTS (PTE_R | PTE_W | PTE_X | PTE_U)

int hm_check_tlbs(struct vm *const *vms, int n, char *why, unsigned long len)
{
	for (unsigned int h = 0; h < nharts; h++)
		for (int i = 0; i < HM_TLB_SIZE; i++) {
			const struct hm_tlb *e = &harts[h]->tlb[i];
			paddr_t pa = pte_paddr(e->pte);
			vaddr_t va = e->vpn << PAGE_SHIFT;

			bool away = false;

			if (!e->valid)
				continue;
			for (int k = 0; k < n; k++)
				if (vms[k]->asid == e->asid && away_and_stale(harts[h], vms[k]))
					away = true;
			if (away)
				continue; /* it flushes before it uses the space again */
			if (pmm_managed(pa) && pmm_kind(pa) == FRAME_FREE) {
				snprintf(why, len,
					 "hart %u caches 0x%lx (asid %u) to free frame 0x%lx", h,
					 (unsigned long)va, e->asid, (unsigned long)pa);
				return -1;
			}
			for (int k = 0; k < n; k++) {
				int level;
				const pte_t *p;
				paddr_t now;

				if (vms[k]->asid != e->asid)
					continue;
				p = pt_walk(vms[k]->root, va, &level);
				if (!p) {
					snprintf(why, len,
						 "hart %u caches 0x%lx of space %d, unmapped now",
						 h, (unsigned long)va, k);
					return -1;
				}
				now = pte_paddr(*p) + (va & (LEVEL_SIZE(level) - 1));
				if (now != pa) {
					snprintf(why, len,
						 "hart %u caches 0x%lx of space %d to frame 0x%lx, "
						 "the PTE maps 0x%lx",
						 h, (unsigned long)va, k, (unsigned long)pa,
						 (unsigned long)now);
					return -1;
				}
				if ((e->pte & RIGHTS) & ~(*p & RIGHTS)) {
					snprintf(
					    why, len,
					    "hart %u caches 0x%lx of space %d with rights 0x%lx, "
					    "the PTE has 0x%lx",
					    h, (unsigned long)va, k,
					    (unsigned long)(e->pte & RIGHTS),
					    (unsigned long)(*p & RIGHTS));
					return -1;
				}
			}
		}
	return 0;
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
	active = hm; /* the fault handler runs on the hart that faulted */
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
