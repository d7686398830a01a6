/* A software model of an Sv39 hart for host tests: walks the real page tables as the
 * privileged spec says, keeps translations in a TLB and non-leaf entries in a walk cache until
 * mm/ asks for a flush (so a missing sfence.vma shows up as a wrong value), and either updates
 * A/D itself (as QEMU 7.2) or raises page faults on clear A/D (Svade, as many real cores). */
#ifndef FAULTLINE_TESTS_HOST_SV39_H
#define FAULTLINE_TESTS_HOST_SV39_H

#include "mm/vm.h"

#define HM_TLB_SIZE 64

struct hm_tlb {
	bool valid;
	vaddr_t vpn;
	unsigned int asid;
	pte_t pte;
};

#define HM_PWC_SIZE 16

/* A cached non-leaf entry: the table that translates the span @tag (va >> span shift). */
struct hm_pwc {
	bool valid;
	vaddr_t tag;
	unsigned int asid;
	paddr_t table;
};

/* Which of the high PTE bits (54-63) the hart takes as memory types; any other set bit makes
 * a page fault, as the privileged spec has it for reserved bits. */
enum hm_memtype {
	HM_MEMTYPE_NONE,   /* bits 54-63 reserved */
	HM_MEMTYPE_SVPBMT, /* bits 61-62 are PBMT (3 is reserved), the rest reserved */
	HM_MEMTYPE_THEAD,  /* bits 59-63 are T-Head's MAEE attributes */
};

struct hart_model {
	bool svade;
	enum hm_memtype memtype; /* HM_MEMTYPE_NONE after hm_init() */
	pte_t last_pte;		 /* the leaf behind the last successful access */
	unsigned int id;	 /* logical number: its bit in vm->harts is 1 << id */
	paddr_t root;
	unsigned int asid;
	struct vm *vm; /* the space it runs (hm_enter to hm_leave), or NULL */
	struct hm_tlb tlb[HM_TLB_SIZE];
	/* the walk cache, as real cores have: [0] level-0 tables by 2 MiB, [1] level-1 tables
	 * by 1 GiB. A fence for one page keeps it (the spec lets it); one for the ASID drops it */
	struct hm_pwc pwc[2][HM_PWC_SIZE];
	unsigned long walks, hits, faults;
	/* misuse of freed tables: walks that started from a cached table no longer a table
	 * page, and cached entries found naming a freed table when the flush came (the table was
	 * freed before the flush, when another hart could still walk through it) */
	unsigned long stale_walks, freed_before_flush;
	/* shootdowns this hart received from another, and cached entries such a shootdown found
	 * naming a frame already given back (freed before the flush, while this hart could still
	 * read or write it) */
	unsigned long shootdowns, freed_frame_before_flush;
};

#define HM_HARTS_MAX 8

/* hm_init - a hart with an empty TLB; the flush hooks of mm/ now act on it, and it is the
 * only hart: no other one caches anything. */
void hm_init(struct hart_model *hm, bool svade);

/* hm_init_smp - @n harts (ids 0..n-1) with empty TLBs; harts[0] is the current one. */
void hm_init_smp(struct hart_model *harts, unsigned int n, bool svade);

/* hm_current - the hart whose code calls into mm/ now: the local flushes act on it, and
 * shootdowns on the others. hm_set_current makes @hm the one. */
struct hart_model *hm_current(void);
void hm_set_current(struct hart_model *hm);

/* hm_enter - @hm becomes current and starts running on @vm: it joins vm->harts and
 * vm->running (as the firmware's task_enter_vm does, before its first access), switches satp
 * to it, and flushes the ASID when a shootdown marked it stale while it was away. It leaves
 * the space it ran before, if another. */
void hm_enter(struct hart_model *hm, struct vm *vm);

/* hm_leave - @hm switches its satp away from @vm, as the firmware's task_leave_vm does: no
 * access of it until the next hm_enter; what its TLB holds stays there. */
void hm_leave(struct hart_model *hm, struct vm *vm);

/* hm_shootdown - the model of arch_shootdown: every registered hart other than the current
 * one whose bit is in @mask drops @vm's ASID's entries of [start, end), or all of them and its
 * walk cache entries when @end is 0. Returns how many harts it flushed. */
unsigned int hm_shootdown(struct vm *vm, unsigned long mask, vaddr_t start, vaddr_t end);

/* hm_check_tlbs - the invariant of shootdowns, for the live spaces @vms: on every hart, each
 * cached entry of one of their ASIDs maps the frame the space's PTE maps now, with no right
 * the PTE lacks, and no cached entry of any ASID names a free frame. Returns 0, or -1 with
 * the first breach described in @why. */
int hm_check_tlbs(struct vm *const *vms, int n, char *why, unsigned long len);

/* hm_switch - satp := (root, asid), without a flush (ASIDs keep spaces apart); @hm becomes
 * the current hart. */
void hm_switch(struct hart_model *hm, paddr_t root, unsigned int asid);

/*
 * hm_access - one U-mode access of a byte at @va: a load (*val receives it), a store (of
 * *val) or a fetch. Returns 0, or the scause of the page fault it raised.
 */
int hm_access(struct hart_model *hm, vaddr_t va, enum fault_access access, uint8_t *val);

/*
 * hm_user - as a task would see it: the access, then on each page fault vm_fault() and a
 * retry. Returns 0, or a negative errno with *reason from the fault handler. A fault the
 * handler "resolves" three times over is reported as -ELOOP (an A/D or flush bug).
 */
int hm_user(struct hart_model *hm, struct vm *vm, vaddr_t va, enum fault_access access,
	    uint8_t *val, enum fault_reason *reason);

/* Called by the host arch hooks. */
void hm_flush_page(vaddr_t va, unsigned int asid);
void hm_flush_asid(unsigned int asid);
void hm_flush_all(void);

#endif
