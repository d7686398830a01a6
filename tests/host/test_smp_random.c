/* Randomized test of address spaces on several harts: random mmap, munmap, mprotect,
 * MADV_DONTNEED, fork, exit and byte accesses, each on a random hart of four, checked against
 * a reference of what each space holds, with the shootdown invariant (hm_check_tlbs) after
 * every step. A missing shootdown shows as a stale value, a wrong fault or a breach. */
#include <stdlib.h>

#include "tests/host/vm_harness.h"

#define NHARTS	  4
#define NSPACES	  4
#define WIN_PAGES 40
/* straddles a 2 MiB boundary, so that ranges span two level-0 tables */
#define WIN_BASE (0x10000000ul - 8 * PAGE_SIZE)
#define STEPS	 40000
#define SEED	 0x5eed5a11u

static struct hart_model H[NHARTS];

struct rpage {
	bool mapped;
	unsigned int prot;
	uint8_t val;
};

struct rspace {
	struct vm *vm;
	struct rpage page[WIN_PAGES];
};

static struct rspace sp[NSPACES];
static unsigned int nspaces, next_asid;
static uint64_t rng;

static unsigned int draw(unsigned int n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned int)(rng % n);
}

static const unsigned int prots[] = { PROT_NONE, PROT_READ, RW, RW };

static void invariant(unsigned long step, const char *op)
{
	struct vm *vms[NSPACES];
	char why[200];

	for (unsigned int i = 0; i < nspaces; i++)
		vms[i] = sp[i].vm;
	if (hm_check_tlbs(vms, (int)nspaces, why, sizeof(why)))
		fail_msg("step %lu (%s): %s", step, op, why);
	for (int h = 0; h < NHARTS; h++)
		if (H[h].freed_frame_before_flush || H[h].stale_walks)
			fail_msg("step %lu (%s): hart %d used a freed frame or table", step, op, h);
}

static void touch(unsigned long step, struct rspace *s, unsigned int pg, bool write)
{
	struct hart_model *h = &H[draw(NHARTS)];
	vaddr_t va = WIN_BASE + ((vaddr_t)pg << PAGE_SHIFT);
	struct rpage *p = &s->page[pg];
	bool ok = p->mapped && (write ? (p->prot & PROT_WRITE) : (p->prot & PROT_READ));
	uint8_t v = write ? (uint8_t)(1 + draw(255)) : 0xee;
	enum fault_reason why;
	int rc;

	hm_enter(h, s->vm);
	rc = hm_user(h, s->vm, va, write ? FAULT_WRITE : FAULT_READ, &v, &why);
	if (ok && rc)
		fail_msg("step %lu: hart %u %s of page %u killed: %s", step, h->id,
			 write ? "write" : "read", pg, vm_fault_reason_text(why));
	if (!ok && !rc)
		fail_msg("step %lu: hart %u %s of page %u went through", step, h->id,
			 write ? "write" : "read", pg);
	if (!ok)
		return;
	if (write)
		p->val = v;
	else if (v != p->val)
		fail_msg("step %lu: hart %u read %#x at page %u, expected %#x", step, h->id, v, pg,
			 p->val);
}

static bool all_mapped(const struct rspace *s, unsigned int first, unsigned int n)
{
	for (unsigned int i = first; i < first + n; i++)
		if (!s->page[i].mapped)
			return false;
	return true;
}

static void step_once(unsigned long step)
{
	struct rspace *s = &sp[draw(nspaces)];
	unsigned int first = draw(WIN_PAGES),
		     n = 1 + draw(WIN_PAGES - first < 12 ? WIN_PAGES - first : 12);
	vaddr_t at = WIN_BASE + ((vaddr_t)first << PAGE_SHIFT), got;
	unsigned int r = draw(100), prot = prots[draw(4)];
	const char *op = "access";

	/* now and then a hart goes idle, its satp away from any space */
	if (draw(8) == 0) {
		struct hart_model *idle = &H[draw(NHARTS)];

		if (idle->vm)
			hm_leave(idle, idle->vm);
	}
	/* the operation runs on a random hart that has run the space (or joins it now) */
	hm_enter(&H[draw(NHARTS)], s->vm);
	if (r < 30) {
		touch(step, s, first, false);
	} else if (r < 60) {
		touch(step, s, first, true);
	} else if (r < 70) {
		op = "mmap";
		assert_int_equal(
		    vm_mmap(s->vm, at, (uint64_t)n << PAGE_SHIFT, prot, ANON | MAP_FIXED, &got), 0);
		for (unsigned int i = first; i < first + n; i++)
			s->page[i] = (struct rpage){ true, prot, 0 };
	} else if (r < 78) {
		op = "munmap";
		assert_int_equal(vm_munmap(s->vm, at, (uint64_t)n << PAGE_SHIFT), 0);
		for (unsigned int i = first; i < first + n; i++)
			s->page[i].mapped = false;
	} else if (r < 88) {
		op = "mprotect";
		if (!all_mapped(s, first, n))
			return;
		assert_int_equal(vm_mprotect(s->vm, at, (uint64_t)n << PAGE_SHIFT, prot), 0);
		for (unsigned int i = first; i < first + n; i++)
			s->page[i].prot = prot;
	} else if (r < 93) {
		op = "dontneed";
		if (!all_mapped(s, first, n))
			return;
		assert_int_equal(vm_madvise(s->vm, at, (uint64_t)n << PAGE_SHIFT, MADV_DONTNEED),
				 0);
		for (unsigned int i = first; i < first + n; i++)
			s->page[i].val = 0;
	} else if (r < 97) {
		op = "fork";
		if (nspaces == NSPACES)
			return;
		sp[nspaces] = *s;
		assert_int_equal(vm_fork(s->vm, &sp[nspaces].vm), 0);
		sp[nspaces].vm->asid = next_asid++;
		nspaces++;
	} else {
		op = "exit";
		if (nspaces == 1)
			return;
		/* no hart may run it: each that did switches to another space first */
		for (int h = 0; h < NHARTS; h++)
			if (H[h].root == s->vm->root)
				hm_enter(&H[h], sp[s == &sp[0] ? 1 : 0].vm);
		vm_destroy(s->vm);
		*s = sp[--nspaces];
	}
	invariant(step, op);
}

static void run(bool with_svade)
{
	svade = with_svade;
	assert_int_equal(setup(NULL), 0);
	hm_init_smp(H, NHARTS, svade);
	rng = SEED ^ (with_svade ? 0x9e3779b9u : 0);
	next_asid = 1;
	nspaces = 1;
	memset(sp, 0, sizeof(sp));
	sp[0].vm = new_vm(next_asid++);
	for (unsigned long i = 0; i < STEPS; i++) {
		step_once(i);
		if (i % 1000 == 0) {
			struct vm *vms[NSPACES];

			for (unsigned int k = 0; k < nspaces; k++)
				vms[k] = sp[k].vm;
			audit(vms, (int)nspaces);
		}
	}
	for (unsigned int k = 0; k < nspaces; k++)
		vm_destroy(sp[k].vm);
	for (int h = 0; h < NHARTS; h++) {
		hm_set_current(&H[h]);
		hm_flush_all();
		assert_int_equal(H[h].freed_before_flush, 0);
		assert_int_equal(H[h].freed_frame_before_flush, 0);
	}
	assert_int_equal(free_frames(), baseline_free);
}

static void random_ops_on_four_harts_never_use_what_another_hart_took_away_hw_ad(void **state)
{
	(void)state;
	run(false);
}

static void random_ops_on_four_harts_never_use_what_another_hart_took_away_svade(void **state)
{
	(void)state;
	run(true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    random_ops_on_four_harts_never_use_what_another_hart_took_away_hw_ad),
		cmocka_unit_test(
		    random_ops_on_four_harts_never_use_what_another_hart_took_away_svade),
	};

	return cmocka_run_group_tests_name("smp_random", tests, NULL, NULL);
}
