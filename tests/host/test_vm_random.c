/* Randomized differential test of address spaces (mm/vm.c, mm/fault.c): long random runs of
 * mmap, munmap, mprotect, fork, exit and byte accesses through the software Sv39 hart, each
 * checked against a reference model of what Linux would do, with the auditor along the way. */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "mm/frame.h"
#include "mm/pt.h"
#include "mm/vm.h"
#include "mm/vma.h"
#include "platform/errno.h"
#include "platform/riscv/memlayout.h"
#include "tests/host/mm_host.h"
#include "tests/host/sv39.h"

#define MiB (1ul << 20)

/*
 * Everything happens in one small window, so that ranges collide all the time. It straddles a
 * 2 MiB boundary: ranges then span two level-0 tables, which the leaf walkers must get right.
 */
#define WIN_PAGES 64
#define WIN_BASE  (0x10000000ul - 16 * PAGE_SIZE)
#define WIN_END	  (WIN_BASE + WIN_PAGES * PAGE_SIZE)

#define MAX_SPACES 6
/* ASIDs come from a pool barely larger than the spaces: a freed ASID is soon reused, so a
 * missing flush at exit shows up as a stale translation in the next owner. */
#define ASID_POOL	8
#define NPROBE		3
#define MAX_CELLS	(MAX_SPACES * WIN_PAGES)
#define AUDIT_EVERY	500
#define SWEEP_EVERY	5000
#define DEFAULT_SEED	0x5eed0fa17ull
#define DEFAULT_OPS	200000
#define DEFAULT_OPS_OOM 100000

#define RW (PROT_READ | PROT_WRITE)

/* The bytes of each page the model follows: first, middle, last. */
static const unsigned int probe_off[NPROBE] = { 0, 0x7ff, PAGE_SIZE - 1 };

/* RW three times: most memory is read-write, and data written is what forks must keep. */
static const unsigned int prots[] = {
	PROT_NONE, PROT_READ, PROT_WRITE, RW, RW, RW, PROT_READ | PROT_EXEC, RW | PROT_EXEC
};

enum op {
	OP_READ,
	OP_WRITE,
	OP_EXEC,
	OP_MMAP,
	OP_MUNMAP,
	OP_MPROTECT,
	OP_FORK,
	OP_EXIT,
	OP_CREATE,
	OP_SWEEP, /* not drawn: the periodic read of every probe byte */
	OP_KINDS,
};

static const char *const op_name[OP_KINDS] = {
	"read", "write", "exec", "mmap", "munmap", "mprotect", "fork", "exit", "create", "sweep",
};

/* Draw weights, in percent, of the operations above (OP_SWEEP excluded). */
static const unsigned int op_weight[OP_SWEEP] = { 24, 28, 4, 15, 5, 12, 7, 4, 1 };

/* One page of one space as Linux would have it. Shared pages keep their bytes in a cell. */
struct mpage {
	bool mapped;
	uint8_t prot;
	int16_t cell; /* MAP_SHARED: index into run.cell; -1 for private memory */
	uint8_t byte[NPROBE];
};

struct space {
	struct vm *vm; /* NULL: the slot is free */
	struct mpage pg[WIN_PAGES];
};

/* A MAP_SHARED page: one copy of the bytes for every space that maps it. */
struct cell {
	int refs;
	uint8_t byte[NPROBE];
};

struct run {
	const char *test;
	uint64_t seed; /* as FAULTLINE_SEED gives it: the whole run follows from it */
	uint64_t rng;
	bool oom; /* arm allocation failures before some operations */
	bool trace;
	bool armed; /* an allocation failure is armed for the current operation */
	unsigned long op;
	enum op kind;
	int sp;
	vaddr_t addr;
	int last_pg; /* the page the last operation was about: the next one often is too */
	struct space s[MAX_SPACES];
	struct cell cell[MAX_CELLS];
	unsigned long ok[OP_KINDS], refused[OP_KINDS], nomem[OP_KINDS];
};

static struct fdt_region ram;
static paddr_t kroot;
static struct hart_model hart;
static uint64_t baseline_free;
static bool ram_ready;
static struct run the_run;

static uint64_t free_frames(void)
{
	struct pmm_stats st;

	pmm_stats(&st);
	return st.free;
}

static void setup_mm(bool svade)
{
	if (!ram_ready) {
		ram = host_ram(64 * MiB, PAGE_SIZE);
		ram_ready = true;
	}
	assert_int_equal(pmm_init(&ram, 1, NULL, 0), 0);
	assert_int_equal(pt_create(&kroot), 0);
	assert_int_equal(vm_init(kroot), 0);
	hm_init(&hart, svade);
	baseline_free = free_frames();
}

/* xorshift64*: small, fast, and the same sequence on every host. */
static uint64_t rnd(struct run *r)
{
	r->rng ^= r->rng >> 12;
	r->rng ^= r->rng << 25;
	r->rng ^= r->rng >> 27;
	return r->rng * 0x2545f4914f6cdd1dull;
}

static unsigned int below(struct run *r, unsigned int n)
{
	return (unsigned int)(rnd(r) % n);
}

static const char *prot_text(unsigned int prot)
{
	static const char *const t[8] = { "---", "r--", "-w-", "rw-", "--x", "r-x", "-wx", "rwx" };

	return t[prot & 7];
}

static unsigned int asid_of(struct run *r, int sp)
{
	return sp >= 0 && sp < MAX_SPACES && r->s[sp].vm ? r->s[sp].vm->asid : 0;
}

/* Fails the test with everything needed to replay it: seed, operation, space and address. */
static void __attribute__((format(printf, 2, 3))) bad(struct run *r, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fail_msg("%s: FAULTLINE_SEED=%" PRIu64 " op #%lu %s, space %d (asid %u), addr 0x%lx%s: %s",
		 r->test, r->seed, r->op, op_name[r->kind], r->sp, asid_of(r, r->sp),
		 (unsigned long)r->addr, r->armed ? " (allocation failure armed)" : "", msg);
}

static void __attribute__((format(printf, 2, 3))) trace(struct run *r, const char *fmt, ...)
{
	va_list ap;

	if (!r->trace)
		return;
	printf("#%lu sp%d asid%u ", r->op, r->sp, asid_of(r, r->sp));
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* ---- the model ------------------------------------------------------------------------- */

static vaddr_t page_va(int pg)
{
	return WIN_BASE + (vaddr_t)pg * PAGE_SIZE;
}

static uint8_t *model_byte(struct run *r, struct mpage *p, int probe)
{
	return p->cell >= 0 ? &r->cell[p->cell].byte[probe] : &p->byte[probe];
}

static void model_unmap(struct run *r, struct mpage *p)
{
	if (p->mapped && p->cell >= 0)
		r->cell[p->cell].refs--;
	memset(p, 0, sizeof(*p));
	p->cell = -1;
}

static void model_map(struct run *r, struct mpage *p, unsigned int prot, bool shared)
{
	model_unmap(r, p);
	p->mapped = true;
	p->prot = (uint8_t)prot;
	if (shared) {
		int c = 0;

		while (r->cell[c].refs)
			c++; /* there are never more live cells than pages in all spaces */
		memset(&r->cell[c], 0, sizeof(r->cell[c]));
		r->cell[c].refs = 1;
		p->cell = (int16_t)c;
	}
}

static bool model_allows(const struct mpage *p, enum fault_access acc)
{
	switch (acc) {
	case FAULT_READ:
		return p->prot & (PROT_READ | PROT_WRITE); /* W implies R on RISC-V */
	case FAULT_WRITE:
		return p->prot & PROT_WRITE;
	case FAULT_EXEC:
		return p->prot & PROT_EXEC;
	}
	return false;
}

static int live_spaces(struct run *r)
{
	int n = 0;

	for (int i = 0; i < MAX_SPACES; i++)
		n += r->s[i].vm != NULL;
	return n;
}

static int pick_live(struct run *r)
{
	int start = (int)below(r, MAX_SPACES);

	for (int i = 0; i < MAX_SPACES; i++)
		if (r->s[(start + i) % MAX_SPACES].vm)
			return (start + i) % MAX_SPACES;
	return -1;
}

static int free_slot(struct run *r)
{
	for (int i = 0; i < MAX_SPACES; i++)
		if (!r->s[i].vm)
			return i;
	return -1;
}

/* A random ASID of the pool that no live space holds. */
static unsigned int free_asid(struct run *r)
{
	for (;;) {
		unsigned int asid = 1 + below(r, ASID_POOL);
		bool used = false;

		for (int i = 0; i < MAX_SPACES; i++)
			used |= r->s[i].vm && r->s[i].vm->asid == asid;
		if (!used)
			return asid;
	}
}

/* Mostly a few pages, sometimes up to the whole window. */
static void pick_range(struct run *r, int *pg, int *n)
{
	unsigned int size = below(r, 10);
	int max = size < 7 ? 4 : size < 9 ? 16 : WIN_PAGES;

	*n = 1 + (int)below(r, (unsigned int)max);
	*pg = (int)below(r, (unsigned int)(WIN_PAGES - *n + 1));
}

/* A page to access: often the last one again (so the TLB holds it: stale entries show), else
 * a random one, preferring mapped pages so that accesses mostly reach memory. */
static int pick_page(struct run *r, const struct space *s)
{
	int pg = r->last_pg;

	if (below(r, 2))
		return pg;
	for (int tries = 0; tries < 3; tries++) {
		pg = (int)below(r, WIN_PAGES);
		if (s->pg[pg].mapped)
			break;
	}
	return pg;
}

/* Mostly a range inside one stretch of mapped pages (what mprotect accepts), else any. */
static void pick_mapped_range(struct run *r, const struct space *s, int *pg, int *n)
{
	int start, run = 0;

	pick_range(r, pg, n);
	if (below(r, 4) == 0)
		return;
	start = pick_page(r, s);
	while (start + run < WIN_PAGES && s->pg[start + run].mapped)
		run++;
	if (run) {
		*pg = start;
		*n = 1 + (int)below(r, (unsigned int)run);
	}
}

/* A length of @n pages, sometimes short of the last page (the kernel rounds it up). */
static uint64_t range_len(struct run *r, int n)
{
	uint64_t len = (uint64_t)n * PAGE_SIZE;

	if (below(r, 4) == 0)
		len -= below(r, PAGE_SIZE);
	return len;
}

static int count_mapped(struct space *s, int pg, int n)
{
	int m = 0;

	for (int i = pg; i < pg + n; i++)
		m += s->pg[i].mapped;
	return m;
}

/* ---- operations ------------------------------------------------------------------------ */

static void expect_killed(struct run *r, int rc, enum fault_reason why, enum fault_reason want)
{
	if (rc != -EFAULT || why != want)
		bad(r, "expected the task killed with \"%s\", got rc %d reason \"%s\"",
		    vm_fault_reason_text(want), rc, vm_fault_reason_text(why));
	r->refused[r->kind]++;
}

/* A write to a MAP_SHARED page must show at once in every other space that maps it. */
static void check_shared(struct run *r, int writer, int pg, uint8_t v)
{
	int c = r->s[writer].pg[pg].cell;

	for (int i = 0; i < MAX_SPACES; i++) {
		struct space *o = &r->s[i];
		struct mpage *q = &o->pg[pg];
		enum fault_reason why;
		uint8_t got = 0xee;
		int rc;

		if (i == writer || !o->vm || !q->mapped || q->cell != c ||
		    !model_allows(q, FAULT_READ))
			continue;
		hm_switch(&hart, o->vm->root, o->vm->asid);
		rc = hm_user(&hart, o->vm, r->addr, FAULT_READ, &got, &why);
		if (rc || got != v)
			bad(r,
			    "wrote 0x%02x to shared memory; space %d (asid %u) reads 0x%02x, rc %d",
			    v, i, o->vm->asid, got, rc);
	}
}

/* One byte access by the space's task: a load, a store or a fetch, as the hart does it. */
static void do_access(struct run *r, int sp, vaddr_t va, enum fault_access acc)
{
	struct space *s = &r->s[sp];
	bool inside = va >= WIN_BASE && va < WIN_END;
	struct mpage *p = inside ? &s->pg[(va - WIN_BASE) >> PAGE_SHIFT] : NULL;
	int probe = 0;
	uint8_t v = acc == FAULT_WRITE ? (uint8_t)rnd(r) : 0xee;
	enum fault_reason why;
	int rc;

	while (inside && probe_off[probe] != (va & (PAGE_SIZE - 1)))
		probe++;
	r->addr = va;
	hm_switch(&hart, s->vm->root, s->vm->asid);
	rc = hm_user(&hart, s->vm, va, acc, &v, &why);
	trace(r, "%s 0x%lx: rc %d \"%s\" byte 0x%02x", op_name[r->kind], (unsigned long)va, rc,
	      vm_fault_reason_text(why), v);
	if (!p || !p->mapped) {
		expect_killed(r, rc, why, FAULT_NO_MAPPING);
	} else if (!model_allows(p, acc)) {
		expect_killed(r, rc, why, FAULT_PERMISSION);
	} else if (rc == 0) {
		uint8_t *m = model_byte(r, p, probe);

		if (acc == FAULT_WRITE) {
			*m = v;
			if (p->cell >= 0)
				check_shared(r, sp, (int)((va - WIN_BASE) >> PAGE_SHIFT), v);
		} else if (v != *m) {
			bad(r, "read 0x%02x, the model says 0x%02x (prot %s, %s)", v, *m,
			    prot_text(p->prot), p->cell >= 0 ? "shared" : "private");
		}
		r->ok[r->kind]++;
	} else if (r->armed && rc == -ENOMEM && why == FAULT_OUT_OF_MEMORY) {
		r->nomem[r->kind]++; /* the task is killed; nothing it could see changed */
	} else {
		bad(r, "killed with rc %d \"%s\", the model allows it (prot %s)", rc,
		    vm_fault_reason_text(why), prot_text(p->prot));
	}
}

static void op_access(struct run *r, int sp, enum fault_access acc)
{
	vaddr_t va;

	if (below(r, 32) == 0) /* just outside the window: never mapped */
		va = below(r, 2) ? WIN_END + below(r, 8) * PAGE_SIZE
				 : WIN_BASE - (1 + below(r, 8)) * PAGE_SIZE;
	else
		va = page_va(r->last_pg = pick_page(r, &r->s[sp])) + probe_off[below(r, NPROBE)];
	do_access(r, sp, va, acc);
}

/*
 * After a MAP_FIXED mmap that failed for want of memory, Linux may already have unmapped the
 * old range. Here it is all or nothing: the range is exactly as before, or empty.
 */
static void adopt_failed_mmap(struct run *r, struct space *s, int pg, int n)
{
	bool same = true, empty = true;

	for (int i = pg; i < pg + n; i++) {
		const struct vma *v = vma_find(&s->vm->vmas, page_va(i));

		empty &= v == NULL;
		same &= s->pg[i].mapped ? v && v->prot == s->pg[i].prot : v == NULL;
	}
	if (!same && !empty)
		bad(r, "failed mmap of %d pages left the range half replaced", n);
	if (!same)
		for (int i = pg; i < pg + n; i++)
			model_unmap(r, &s->pg[i]);
	r->nomem[r->kind]++;
}

/* Where op_mmap asks for its mapping: MAP_FIXED, MAP_FIXED_NOREPLACE or a mere hint. */
enum placement {
	PLACE_FIXED,
	PLACE_NOREPLACE,
	PLACE_HINT,
};

static const char *const placement_name[] = { "fixed", "noreplace", "hint" };

static void op_mmap(struct run *r, int sp)
{
	static const unsigned int place_flags[] = { MAP_FIXED, MAP_FIXED_NOREPLACE, 0 };
	struct space *s = &r->s[sp];
	unsigned int prot, flags, x;
	enum placement how;
	vaddr_t va, out = 0;
	int pg, n, rc, had;
	uint64_t len;
	bool shared;

	pick_range(r, &pg, &n);
	r->last_pg = pg;
	len = range_len(r, n);
	prot = prots[below(r, ARRAY_SIZE(prots))];
	shared = below(r, 6) == 0;
	x = below(r, 8);
	how = x < 6 ? PLACE_FIXED : x == 6 ? PLACE_NOREPLACE : PLACE_HINT;
	flags = (shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS | place_flags[how];
	va = page_va(pg);
	had = count_mapped(s, pg, n);
	r->addr = va;
	trace(r, "mmap 0x%lx len 0x%lx %s %s %s", (unsigned long)va, (unsigned long)len,
	      prot_text(prot), shared ? "shared" : "private", placement_name[how]);
	rc = vm_mmap(s->vm, va, len, prot, flags, &out);
	if (how == PLACE_NOREPLACE && had) {
		if (rc != -EEXIST)
			bad(r, "MAP_FIXED_NOREPLACE over %d mapped pages returned %d", had, rc);
		r->refused[r->kind]++;
		return;
	}
	if (rc == -ENOMEM && r->armed) {
		if (how == PLACE_HINT && had) /* placed elsewhere: nothing in the window changed */
			r->nomem[r->kind]++;
		else
			adopt_failed_mmap(r, s, pg, n);
		return;
	}
	if (rc)
		bad(r, "mmap of %d pages %s failed with %d", n, prot_text(prot), rc);
	if (how == PLACE_HINT && had) {
		/* the hint is taken only when the range is free; otherwise anywhere else */
		if (out < WIN_END && out + len > WIN_BASE)
			bad(r, "mmap hint over mapped pages was placed at 0x%lx, in the window",
			    (unsigned long)out);
		if (vm_munmap(s->vm, out, len))
			bad(r, "munmap of the mapping placed at 0x%lx failed", (unsigned long)out);
		r->ok[r->kind]++;
		return;
	}
	if (out != va)
		bad(r, "mmap returned 0x%lx, not the address asked for", (unsigned long)out);
	for (int i = pg; i < pg + n; i++)
		model_map(r, &s->pg[i], prot, shared);
	r->ok[r->kind]++;
}

static void op_munmap(struct run *r, int sp)
{
	struct space *s = &r->s[sp];
	int pg, n, rc;
	uint64_t len;

	pick_mapped_range(r, s, &pg, &n);
	len = range_len(r, n);
	r->addr = page_va(pg);
	if (below(r, 40) == 0) { /* arguments Linux refuses */
		bool unaligned = below(r, 2);

		rc = vm_munmap(s->vm, r->addr + unaligned, unaligned ? len : 0);
		if (rc != -EINVAL)
			bad(r, "munmap with %s returned %d, not -EINVAL",
			    unaligned ? "an unaligned address" : "length 0", rc);
		r->refused[r->kind]++;
		return;
	}
	trace(r, "munmap 0x%lx len 0x%lx", (unsigned long)r->addr, (unsigned long)len);
	rc = vm_munmap(s->vm, r->addr, len);
	if (rc == -ENOMEM && r->armed) {
		r->nomem[r->kind]++; /* a region could not be split: nothing was unmapped */
		return;
	}
	if (rc)
		bad(r, "munmap of %d pages failed with %d", n, rc);
	for (int i = pg; i < pg + n; i++)
		model_unmap(r, &s->pg[i]);
	r->ok[r->kind]++;
}

static void op_mprotect(struct run *r, int sp)
{
	struct space *s = &r->s[sp];
	unsigned int prot = prots[below(r, ARRAY_SIZE(prots))];
	int pg, n, rc, want;
	uint64_t len;

	pick_mapped_range(r, s, &pg, &n);
	r->last_pg = pg;
	len = range_len(r, n);
	r->addr = page_va(pg);
	if (below(r, 40) == 0) {
		bool unaligned = below(r, 2);

		/* an unaligned start is refused; a zero length does nothing, successfully */
		rc = vm_mprotect(s->vm, r->addr + unaligned, unaligned ? len : 0, prot);
		if (rc != (unaligned ? -EINVAL : 0))
			bad(r, "mprotect with %s returned %d",
			    unaligned ? "an unaligned address" : "length 0", rc);
		r->refused[r->kind]++;
		return;
	}
	trace(r, "mprotect 0x%lx len 0x%lx %s", (unsigned long)r->addr, (unsigned long)len,
	      prot_text(prot));
	/* vm.h: the whole range must be mapped, or -ENOMEM and nothing changes */
	want = count_mapped(s, pg, n) == n ? 0 : -ENOMEM;
	rc = vm_mprotect(s->vm, r->addr, len, prot);
	if (rc == -ENOMEM && want == 0 && r->armed) {
		r->nomem[r->kind]++; /* a region could not be split: no protection changed */
		return;
	}
	if (rc != want)
		bad(r, "mprotect of %d pages (%d mapped) to %s returned %d, expected %d", n,
		    count_mapped(s, pg, n), prot_text(prot), rc, want);
	if (rc) {
		r->refused[r->kind]++;
		return;
	}
	for (int i = pg; i < pg + n; i++)
		s->pg[i].prot = (uint8_t)prot;
	r->ok[r->kind]++;
}

static void op_fork(struct run *r, int sp)
{
	int c = free_slot(r);
	struct vm *child = NULL;
	int rc;

	trace(r, "fork into slot %d", c);
	rc = vm_fork(r->s[sp].vm, &child);
	if (rc == -ENOMEM && r->armed) {
		r->nomem[r->kind]++; /* no child; the parent's contents are unchanged */
		return;
	}
	if (rc)
		bad(r, "fork failed with %d", rc);
	child->asid = free_asid(r);
	r->s[c] = r->s[sp];
	r->s[c].vm = child;
	for (int i = 0; i < WIN_PAGES; i++)
		if (r->s[c].pg[i].mapped && r->s[c].pg[i].cell >= 0)
			r->cell[r->s[c].pg[i].cell].refs++;
	r->ok[r->kind]++;
}

static void destroy_space(struct run *r, int sp)
{
	vm_destroy(r->s[sp].vm);
	r->s[sp].vm = NULL;
	for (int i = 0; i < WIN_PAGES; i++)
		model_unmap(r, &r->s[sp].pg[i]);
}

static void op_exit(struct run *r, int sp)
{
	trace(r, "exit");
	destroy_space(r, sp);
	r->ok[r->kind]++;
}

static void op_create(struct run *r)
{
	int c = free_slot(r);
	struct vm *vm;
	int rc;

	r->sp = c;
	trace(r, "create in slot %d", c);
	rc = vm_create(&vm);
	if (rc == -ENOMEM && r->armed) {
		r->nomem[r->kind]++;
		return;
	}
	if (rc)
		bad(r, "vm_create failed with %d", rc);
	vm->asid = free_asid(r);
	r->s[c].vm = vm;
	for (int i = 0; i < WIN_PAGES; i++)
		model_unmap(r, &r->s[c].pg[i]);
	r->ok[r->kind]++;
}

/* ---- checks over everything ------------------------------------------------------------ */

static void audit_all(struct run *r)
{
	struct vm *vms[MAX_SPACES];
	char why[160];
	int n = 0;

	for (int i = 0; i < MAX_SPACES; i++) {
		struct vm *vm = r->s[i].vm;
		const struct vma *first;

		if (!vm)
			continue;
		vms[n++] = vm;
		r->sp = i;
		if (vma_check(&vm->vmas))
			bad(r, "the region tree fails its own check");
		first = vma_first(&vm->vmas);
		/* all regions lie in the window: those placed elsewhere are unmapped at once */
		if ((first && first->start < WIN_BASE) || vma_find_next(&vm->vmas, WIN_END))
			bad(r, "a region lies outside the window");
	}
	if (vm_audit(vms, n, pt_count_tables(kroot), why, sizeof(why)))
		bad(r, "auditor: %s", why);
	if (hart.stale_walks || hart.freed_before_flush)
		bad(r, "a table page was freed while the hart's walk cache still named it");
}

/* Reads every probe byte of every live space: the model checked in full. */
static void sweep(struct run *r)
{
	enum op kind = r->kind;

	r->kind = OP_SWEEP;
	for (int sp = 0; sp < MAX_SPACES; sp++) {
		if (!r->s[sp].vm)
			continue;
		r->sp = sp;
		for (int pg = 0; pg < WIN_PAGES; pg++)
			for (int i = 0; i < NPROBE; i++)
				do_access(r, sp, page_va(pg) + probe_off[i], FAULT_READ);
	}
	r->kind = kind;
}

static enum op draw(struct run *r)
{
	unsigned int x = below(r, 100);
	int live = live_spaces(r);
	enum op k = OP_READ;

	while (x >= op_weight[k])
		x -= op_weight[k++];
	if (live == 0)
		return OP_CREATE;
	if ((k == OP_FORK || k == OP_CREATE) && live == MAX_SPACES)
		return OP_WRITE; /* all slots taken: spaces go only by their own exits */
	if (k == OP_EXIT && live == 1)
		return OP_FORK;
	return k;
}

/* Before some operations, the n-th allocation from now fails (and every one after it). */
static void maybe_arm(struct run *r)
{
	unsigned int chance = r->kind == OP_FORK ? 2 : r->kind == OP_WRITE ? 4 : 10;

	r->armed = r->oom && below(r, chance) == 0;
	if (r->armed)
		pmm_fail_after(below(r, 6));
}

static void step(struct run *r)
{
	r->kind = draw(r);
	/* a task runs a while before another gets the hart: consecutive operations on one space */
	if (r->kind == OP_CREATE)
		r->sp = -1;
	else if (r->sp < 0 || !r->s[r->sp].vm || below(r, 4) == 0)
		r->sp = pick_live(r);
	r->addr = 0;
	maybe_arm(r);
	switch (r->kind) {
	case OP_READ:
		op_access(r, r->sp, FAULT_READ);
		break;
	case OP_WRITE:
		op_access(r, r->sp, FAULT_WRITE);
		break;
	case OP_EXEC:
		op_access(r, r->sp, FAULT_EXEC);
		break;
	case OP_MMAP:
		op_mmap(r, r->sp);
		break;
	case OP_MUNMAP:
		op_munmap(r, r->sp);
		break;
	case OP_MPROTECT:
		op_mprotect(r, r->sp);
		break;
	case OP_FORK:
		op_fork(r, r->sp);
		break;
	case OP_EXIT:
		op_exit(r, r->sp);
		break;
	case OP_CREATE:
		op_create(r);
		break;
	case OP_SWEEP:
	case OP_KINDS:
		break;
	}
	if (r->armed) {
		pmm_fail_after(-1);
		r->armed = false;
	}
}

static unsigned long env_ulong(const char *name, unsigned long dflt)
{
	const char *s = getenv(name);

	return s && *s ? strtoul(s, NULL, 0) : dflt;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void run_random(const char *test, bool svade, bool oom, unsigned long dflt_ops)
{
	struct run *r = &the_run;
	struct vm_counters vc;
	unsigned long nops = env_ulong("FAULTLINE_RANDOM_OPS", dflt_ops);
	double t0 = now();

	setup_mm(svade);
	memset(r, 0, sizeof(*r));
	r->test = test;
	r->seed = env_ulong("FAULTLINE_SEED", DEFAULT_SEED);
	/* each test draws its own stream from the one seed; xorshift needs a non-zero state */
	r->rng =
	    (r->seed ^ (svade ? 0x9e3779b97f4a7c15ull : 0) ^ (oom ? 0xbf58476d1ce4e5b9ull : 0)) | 1;
	r->oom = oom;
	r->trace = env_ulong("FAULTLINE_TRACE", 0) != 0;
	for (int i = 0; i < MAX_SPACES; i++)
		for (int pg = 0; pg < WIN_PAGES; pg++)
			r->s[i].pg[pg].cell = -1;

	for (r->op = 0; r->op < nops; r->op++) {
		step(r);
		if ((r->op + 1) % AUDIT_EVERY == 0)
			audit_all(r);
		if ((r->op + 1) % SWEEP_EVERY == 0)
			sweep(r);
	}
	sweep(r);
	audit_all(r);
	r->kind = OP_EXIT;
	for (int i = 0; i < MAX_SPACES; i++)
		if (r->s[i].vm)
			destroy_space(r, i);
	for (int c = 0; c < MAX_CELLS; c++)
		if (r->cell[c].refs)
			bad(r, "model: shared cell %d still has %d references", c, r->cell[c].refs);
	if (free_frames() != baseline_free)
		bad(r, "%" PRIu64 " frames free after destroying everything, %" PRIu64 " before",
		    free_frames(), baseline_free);

	print_message("%s: %lu ops, seed %" PRIu64
		      ", %.2f s; TLB hits %lu, walks %lu, faults %lu\n",
		      test, nops, r->seed, now() - t0, hart.hits, hart.walks, hart.faults);
	vm_global_counters(&vc);
	print_message("  faults: zero map %" PRIu64 ", anon alloc %" PRIu64
		      ", zero to private %" PRIu64 ", cow copy %" PRIu64 ", cow reuse %" PRIu64
		      ", a/d fixup %" PRIu64 ", spurious %" PRIu64 ", killed %" PRIu64 "\n",
		      vc.zero_map, vc.anon_alloc, vc.zero_to_private, vc.cow_copy, vc.cow_reuse,
		      vc.ad_fixup, vc.spurious, vc.killed);
	for (int k = 0; k < OP_KINDS; k++)
		print_message("  %-9s ok %7lu  refused %7lu  out of memory %5lu\n", op_name[k],
			      r->ok[k], r->refused[k], r->nomem[k]);
}

static void random_mm_ops_match_a_reference_model_with_hardware_ad(void **s)
{
	(void)s;
	run_random(__func__, false, false, DEFAULT_OPS);
}

static void random_mm_ops_match_a_reference_model_with_svade(void **s)
{
	(void)s;
	run_random(__func__, true, false, DEFAULT_OPS);
}

static void random_mm_ops_with_allocation_failures_keep_the_model_and_leak_nothing(void **s)
{
	(void)s;
	run_random(__func__, true, true, DEFAULT_OPS_OOM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(random_mm_ops_match_a_reference_model_with_hardware_ad),
		cmocka_unit_test(random_mm_ops_match_a_reference_model_with_svade),
		cmocka_unit_test(
		    random_mm_ops_with_allocation_failures_keep_the_model_and_leak_nothing),
	};

	return cmocka_run_group_tests_name("vm_random", tests, NULL, NULL);
}
