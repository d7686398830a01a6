/* libFuzzer target for address spaces (mm/vm.c, mm/fault.c): each input is a program of mmap,
 * munmap, mprotect, fork, exit and byte accesses on the software Sv39 hart, checked against a
 * small reference model; every input ends with the auditor and with every frame given back. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mm/frame.h"
#include "mm/pt.h"
#include "mm/vm.h"
#include "mm/vma.h"
#include "platform/errno.h"
#include "tests/host/mm_host.h"
#include "tests/host/sv39.h"

/* A small window across a 2 MiB boundary: ranges collide and span two level-0 tables. Page
 * WIN_PAGES, just above it, is never mapped: accesses there must find nothing. */
#define WIN_PAGES 64
#define WIN_BASE  (0x10000000ul - 16 * PAGE_SIZE)
#define NSP	  6
#define NPROBE	  2 /* the first and the last byte of each page */
#define MAX_OPS	  4096

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c))                                                                          \
			__builtin_trap();                                                          \
	} while (0)

struct mpage {
	bool mapped;
	uint8_t prot;
	int16_t cell; /* MAP_SHARED: its bytes live in cell[]; -1 for private memory */
	uint8_t b[NPROBE];
};

struct space {
	struct vm *vm;
	struct mpage pg[WIN_PAGES + 1];
};

struct cell {
	int refs;
	uint8_t b[NPROBE];
};

struct input {
	const uint8_t *p;
	size_t n;
};

static const unsigned int prots[] = { PROT_NONE,
				      PROT_READ,
				      PROT_WRITE,
				      PROT_READ | PROT_WRITE,
				      PROT_READ | PROT_EXEC,
				      PROT_READ | PROT_WRITE | PROT_EXEC };

static const enum fault_access accesses[] = { FAULT_READ, FAULT_WRITE, FAULT_EXEC };

static struct space sp[NSP];
static struct cell cell[NSP * WIN_PAGES];
static struct hart_model hart;
static paddr_t kroot;
static uint64_t baseline_free;
static bool armed;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The next input byte; an exhausted input reads as zeros. */
static unsigned int next(struct input *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static uint64_t free_frames(void)
{
	struct pmm_stats st;

	pmm_stats(&st);
	return st.free;
}

static vaddr_t page_va(unsigned int pg)
{
	return WIN_BASE + (vaddr_t)pg * PAGE_SIZE;
}

static uint8_t *model_byte(struct mpage *p, unsigned int probe)
{
	return p->cell >= 0 ? &cell[p->cell].b[probe] : &p->b[probe];
}

static void model_unmap(struct mpage *p)
{
	if (p->mapped && p->cell >= 0)
		cell[p->cell].refs--;
	memset(p, 0, sizeof(*p));
	p->cell = -1;
}

static void model_map(struct mpage *p, unsigned int prot, bool shared)
{
	model_unmap(p);
	p->mapped = true;
	p->prot = (uint8_t)prot;
	if (shared) {
		int c = 0;

		while (cell[c].refs)
			c++;
		memset(&cell[c], 0, sizeof(cell[c]));
		cell[c].refs = 1;
		p->cell = (int16_t)c;
	}
}

static unsigned int count_mapped(const struct space *s, unsigned int pg, unsigned int n)
{
	unsigned int m = 0;

	for (unsigned int i = pg; i < pg + n; i++)
		m += s->pg[i].mapped;
	return m;
}

/*
 * A page from one byte: mostly one of the 8 pages around the 2 MiB boundary, so that random
 * inputs touch the same pages again; with the top bit set, any page of the window.
 */
static unsigned int page_of(unsigned int b)
{
	return b & 0x80 ? b % WIN_PAGES : 12 + (b & 7);
}

/* A range of pages inside the window, from two input bytes: mostly 1 to 4 pages. */
static void range(struct input *in, unsigned int *pg, unsigned int *n)
{
	unsigned int b = next(in);

	*pg = page_of(next(in));
	*n = 1 + (b & 0x80 ? b % WIN_PAGES : b & 3);
	if (*pg + *n > WIN_PAGES)
		*n = WIN_PAGES - *pg;
}

/*
 * After a write, the same byte as every other space sees it: shared memory shows the write,
 * private memory (copy-on-write after a fork) must not. Read at once, through the hart with
 * the reader's rights, rather than hope a later input does; optional, as the reads evict the
 * writer's TLB entry that a stale-TLB bug needs.
 */
static void check_others(struct space *s, unsigned int pg, unsigned int probe)
{
	vaddr_t va = page_va(pg) + (probe ? PAGE_SIZE - 1 : 0);

	for (int i = 0; i < NSP; i++) {
		struct mpage *q = &sp[i].pg[pg];
		enum fault_reason why;
		uint8_t got = 0;

		if (&sp[i] == s || !sp[i].vm || !q->mapped || !(q->prot & (PROT_READ | PROT_WRITE)))
			continue;
		hm_switch(&hart, sp[i].vm->root, sp[i].vm->asid);
		if (hm_user(&hart, sp[i].vm, va, FAULT_READ, &got, &why) == 0)
			CHECK(got == *model_byte(q, probe));
		else
			CHECK(armed && why == FAULT_OUT_OF_MEMORY);
	}
}

static void do_access(struct space *s, struct input *in, enum fault_access acc)
{
	unsigned int b = next(in), how = next(in); /* how: bit 0 the byte, bit 1 check_others */
	unsigned int pg = b == 0xff ? WIN_PAGES : page_of(b), probe = how % NPROBE;
	struct mpage *p = &s->pg[pg];
	vaddr_t va = page_va(pg) + (probe ? PAGE_SIZE - 1 : 0);
	uint8_t v = (uint8_t)next(in);
	bool allowed = acc == FAULT_READ    ? p->prot & (PROT_READ | PROT_WRITE)
		       : acc == FAULT_WRITE ? p->prot & PROT_WRITE
					    : p->prot & PROT_EXEC;
	enum fault_reason why;
	int rc;

	hm_switch(&hart, s->vm->root, s->vm->asid);
	rc = hm_user(&hart, s->vm, va, acc, &v, &why);
	if (!p->mapped) {
		CHECK(rc == -EFAULT && why == FAULT_NO_MAPPING);
	} else if (!allowed) {
		CHECK(rc == -EFAULT && why == FAULT_PERMISSION);
	} else if (rc) { /* only an injected allocation failure may stop an allowed access */
		CHECK(armed && rc == -ENOMEM && why == FAULT_OUT_OF_MEMORY);
	} else if (acc == FAULT_WRITE) {
		*model_byte(p, probe) = v;
		if (how & 2)
			check_others(s, pg, probe);
	} else {
		CHECK(v == *model_byte(p, probe));
	}
}

static void do_mmap(struct space *s, struct input *in)
{
	unsigned int pg, n, f, had, prot;
	unsigned int flags;
	vaddr_t out = 0;
	int rc, mode;

	range(in, &pg, &n);
	prot = prots[next(in) % ARRAY_SIZE(prots)];
	f = next(in);
	mode = (int)(f >> 1) % 4; /* 0, 1 MAP_FIXED; 2 MAP_FIXED_NOREPLACE; 3 a hint */
	flags = (f & 1 ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS;
	flags |= mode < 2 ? MAP_FIXED : mode == 2 ? MAP_FIXED_NOREPLACE : 0;
	had = count_mapped(s, pg, n);
	rc = vm_mmap(s->vm, page_va(pg), n * PAGE_SIZE - (f >> 4), prot, flags, &out);
	if (mode == 2 && had) {
		CHECK(rc == -EEXIST);
		return;
	}
	if (rc) {
		bool same = true, empty = true;

		CHECK(armed && rc == -ENOMEM);
		/* a failed MAP_FIXED leaves the range as it was, or empty */
		for (unsigned int i = pg; i < pg + n; i++) {
			const struct vma *v = vma_find(&s->vm->vmas, page_va(i));

			empty &= v == NULL;
			same &= s->pg[i].mapped ? v && v->prot == s->pg[i].prot : v == NULL;
		}
		CHECK(same || empty);
		for (unsigned int i = pg; i < pg + n && !same; i++)
			model_unmap(&s->pg[i]);
		return;
	}
	if (mode == 3 && had) { /* the hint was taken elsewhere, outside the window */
		CHECK(out >= page_va(WIN_PAGES + 1) || out + n * PAGE_SIZE <= WIN_BASE);
		CHECK(vm_munmap(s->vm, out, n * PAGE_SIZE) == 0);
		return;
	}
	CHECK(out == page_va(pg));
	for (unsigned int i = pg; i < pg + n; i++)
		model_map(&s->pg[i], prot, f & 1);
}

static void do_munmap(struct space *s, struct input *in)
{
	unsigned int pg, n;
	int rc;

	range(in, &pg, &n);
	rc = vm_munmap(s->vm, page_va(pg), n * PAGE_SIZE);
	if (rc) {
		CHECK(armed && rc == -ENOMEM); /* a region could not be split: nothing changed */
		return;
	}
	for (unsigned int i = pg; i < pg + n; i++)
		model_unmap(&s->pg[i]);
}

static void do_mprotect(struct space *s, struct input *in)
{
	unsigned int pg, n, prot;
	bool full;
	int rc;

	range(in, &pg, &n);
	prot = prots[next(in) % ARRAY_SIZE(prots)];
	full = count_mapped(s, pg, n) == n; /* vm.h: else -ENOMEM, and nothing changes */
	rc = vm_mprotect(s->vm, page_va(pg), n * PAGE_SIZE, prot);
	CHECK(full ? rc == 0 || (armed && rc == -ENOMEM) : rc == -ENOMEM);
	for (unsigned int i = pg; i < pg + n && rc == 0; i++)
		s->pg[i].prot = (uint8_t)prot;
}

static int free_slot(void)
{
	for (int i = 0; i < NSP; i++)
		if (!sp[i].vm)
			return i;
	return -1;
}

static void do_fork(struct space *s)
{
	int c = free_slot();
	struct vm *child;
	int rc;

	if (c < 0)
		return;
	rc = vm_fork(s->vm, &child);
	if (rc) {
		CHECK(armed && rc == -ENOMEM); /* no child; the parent unchanged */
		return;
	}
	child->asid = (unsigned int)c + 1; /* a slot's ASID comes back with its next space */
	sp[c] = *s;
	sp[c].vm = child;
	for (int i = 0; i < WIN_PAGES; i++)
		if (sp[c].pg[i].mapped && sp[c].pg[i].cell >= 0)
			cell[sp[c].pg[i].cell].refs++;
}

static void do_create(void)
{
	int c = free_slot();
	int rc;

	if (c < 0)
		return;
	rc = vm_create(&sp[c].vm);
	if (rc) {
		CHECK(armed && rc == -ENOMEM);
		sp[c].vm = NULL;
		return;
	}
	sp[c].vm->asid = (unsigned int)c + 1;
}

static void do_exit(struct space *s)
{
	vm_destroy(s->vm);
	s->vm = NULL;
	for (int i = 0; i <= WIN_PAGES; i++)
		model_unmap(&s->pg[i]);
}

static void audit(void)
{
	struct vm *vms[NSP];
	char why[160];
	int n = 0;

	for (int i = 0; i < NSP; i++)
		if (sp[i].vm)
			vms[n++] = sp[i].vm;
	CHECK(vm_audit(vms, n, pt_count_tables(kroot), why, sizeof(why)) == 0);
	CHECK(hart.stale_walks == 0 && hart.freed_before_flush == 0);
}

static void init_once(void)
{
	static bool done;
	static struct fdt_region ram;

	if (done)
		return;
	/* little RAM: the auditor walks every frame, and an input may ask for it often */
	ram = host_ram(8ul << 20, PAGE_SIZE);
	CHECK(pmm_init(&ram, 1, NULL, 0) == 0);
	CHECK(pt_create(&kroot) == 0);
	CHECK(vm_init(kroot) == 0);
	baseline_free = free_frames();
	for (int i = 0; i < NSP; i++)
		for (int pg = 0; pg <= WIN_PAGES; pg++)
			sp[i].pg[pg].cell = -1;
	done = true;
}

/* The live space at or after slot @from (cyclically), or -1 when none is. */
static int live_slot(int from)
{
	for (int i = 0; i < NSP; i++)
		if (sp[(from + i) % NSP].vm)
			return (from + i) % NSP;
	return -1;
}

/* One input: a first byte for the hart (bit 0: Svade), then operations of 1 to 5 bytes. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	int audits = 0;

	init_once();
	hm_init(&hart, next(&in) & 1);
	for (int op = 0; in.n && op < MAX_OPS; op++) {
		unsigned int b = next(&in);
		int slot = live_slot((int)(b >> 4) % NSP);

		if (b % 11 == 10) { /* the next operation runs with the n-th allocation failing */
			pmm_fail_after(next(&in) % 6);
			armed = true;
			continue;
		}
		if (slot < 0)
			do_create(); /* no space left alive: start one */
		else if (b % 11 <= 2)
			do_access(&sp[slot], &in, accesses[b % 11]);
		else if (b % 11 == 3)
			do_mmap(&sp[slot], &in);
		else if (b % 11 == 4)
			do_munmap(&sp[slot], &in);
		else if (b % 11 == 5)
			do_mprotect(&sp[slot], &in);
		else if (b % 11 == 6)
			do_fork(&sp[slot]);
		else if (b % 11 == 7)
			do_exit(&sp[slot]);
		else if (b % 11 == 8)
			do_create();
		else if (audits++ < 16)
			audit();
		pmm_fail_after(-1);
		armed = false;
	}
	pmm_fail_after(-1);
	armed = false;
	audit();
	for (int i = 0; i < NSP; i++)
		if (sp[i].vm)
			do_exit(&sp[i]);
	for (size_t c = 0; c < sizeof(cell) / sizeof(cell[0]); c++)
		CHECK(cell[c].refs == 0);
	CHECK(free_frames() == baseline_free);
	return 0;
}
