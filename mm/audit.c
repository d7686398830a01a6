/* The invariant auditor: reference counts against PTEs and memory objects, the zero page, free
 * frames never mapped, page-table pages accounted for and none left over no region. Walks
 * everything: for tests and debug builds. */
#include "mm/memobj.h"
#include "mm/pt.h"
#include "mm/vm.h"
#include "mm/vm_priv.h"
#include "platform/errno.h"
#include "platform/riscv/memlayout.h"

struct audit {
	char *why;
	size_t whylen;
	int failed;
	int restore; /* second pass: give back the references the first pass took */
};

static void say(struct audit *a, const char *msg, uint64_t value)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;

	if (a->failed++ || !a->why || a->whylen == 0)
		return;
	while (*msg && n + 1 < a->whylen)
		a->why[n++] = *msg++;
	if (n + 19 < a->whylen) {
		a->why[n++] = ' ';
		a->why[n++] = '0';
		a->why[n++] = 'x';
		for (int s = 60; s >= 0; s -= 4)
			a->why[n++] = hex[(value >> s) & 0xf];
	}
	a->why[n] = '\0';
}

/*
 * First pass: every PTE naming a counted frame takes one reference away (pmm_refcount must
 * stay above zero while doing so); afterwards every anonymous frame must be at zero. The
 * second pass puts the references back.
 */
static void audit_leaf(struct vm *vm, vaddr_t va, pte_t *ptep, void *arg)
{
	struct audit *a = arg;
	paddr_t pa = pte_paddr(*ptep);

	(void)vm;
	if (pa == vm_zero_page()) {
		if (!a->restore && (*ptep & PTE_W))
			say(a, "zero page mapped writable at", va);
		return;
	}
	if (!pmm_managed(pa))
		return; /* the image's own frames */
	if (a->restore) {
		(void)pmm_audit_ref(pa, +1);
		return;
	}
	if (pmm_kind(pa) != FRAME_ANON) {
		say(a, "PTE maps a frame that is free or not user memory at", va);
		return;
	}
	if (!(*ptep & (PTE_V | PTE_SOFT_NONE)))
		say(a, "stray bits in an invalid PTE at", va);
	if (pmm_audit_ref(pa, -1) < 0)
		say(a, "more PTEs than references for the frame mapped at", va);
}

/* A frame a memory object holds carries one reference of the object's. */
static int object_hold(paddr_t pa, void *arg)
{
	struct audit *a = arg;

	if (a->restore) {
		(void)pmm_audit_ref(pa, +1);
		return 0;
	}
	if (pmm_kind(pa) != FRAME_ANON)
		say(a, "memory object holds a frame that is free or not user memory:", pa);
	else if (pmm_audit_ref(pa, -1) < 0)
		say(a, "memory object holds a frame without its reference:", pa);
	return 0;
}

static int leftover(paddr_t pa, enum frame_kind kind, uint32_t ref, void *arg)
{
	struct audit *a = arg;

	if (kind == FRAME_ANON && ref != 0)
		say(a, "frame with references no PTE accounts for:", pa);
	return 0;
}

static int count_tables(paddr_t pa, enum frame_kind kind, uint32_t ref, void *arg)
{
	(void)pa;
	(void)ref;
	if (kind == FRAME_PAGETABLE)
		(*(uint64_t *)arg)++;
	return 0;
}

static bool meets_region(struct vm *vm, vaddr_t start, vaddr_t end)
{
	const struct vma *v = vma_find_next(&vm->vmas, start);

	return v && v->start < end;
}

/* Every user table must meet a region: one over a gap serves nothing, and munmap frees it. */
static void audit_tables(struct vm *vm, struct audit *a)
{
	const pte_t *top = phys_to_virt(vm->root);

	for (vaddr_t giga = 0; giga < USER_TOP; giga += GIGAPAGE_SIZE) {
		pte_t e = top[pt_index(giga, 2)];
		const pte_t *mid;

		if (!pte_table(e))
			continue;
		if (!meets_region(vm, giga, giga + GIGAPAGE_SIZE))
			say(a, "level-1 table left over no region at", giga);
		mid = phys_to_virt(pte_paddr(e));
		for (unsigned int i = 0; i < PTES_PER_TABLE; i++) {
			vaddr_t va = giga + i * MEGAPAGE_SIZE;

			if (pte_table(mid[i]) && !meets_region(vm, va, va + MEGAPAGE_SIZE))
				say(a, "level-0 table left over no region at", va);
		}
	}
}

/* Every PTE and every memory object's hold on a frame. */
static void walk_all(struct vm *const *vms, int n, struct audit *a)
{
	for (int i = 0; i < n; i++)
		vm_walk_leaves(vms[i], 0, USER_TOP, audit_leaf, a);
	(void)memobj_for_each_frame(object_hold, a);
}

int vm_audit(struct vm *const *vms, int n, uint64_t kernel_table_pages, char *why, size_t whylen)
{
	struct audit a = { .why = why, .whylen = whylen };
	const uint64_t *z = phys_to_virt(vm_zero_page());
	uint64_t tables = 0, expected = kernel_table_pages;

	if (why && whylen)
		why[0] = '\0';
	for (unsigned int i = 0; i < PAGE_SIZE / sizeof(*z); i++)
		if (z[i]) {
			say(&a, "zero page is not all zeros at offset", i * sizeof(*z));
			break;
		}

	/* the zero-reference frames of pass one are on no free list: nothing can take them */
	walk_all(vms, n, &a);
	pmm_for_each_used(leftover, &a);
	a.restore = 1;
	walk_all(vms, n, &a);

	for (int i = 0; i < n; i++) {
		expected += pt_count_user_tables(vms[i]->root);
		audit_tables(vms[i], &a);
	}
	pmm_for_each_used(count_tables, &tables);
	if (tables != expected)
		say(&a,
		    "page-table pages in use differ from the tables reachable:", tables - expected);
	return a.failed ? -EINVAL : 0;
}
