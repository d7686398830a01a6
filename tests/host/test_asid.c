/* ASIDs recycled by generation (mm/asid.c), with more spaces than ASIDs on one to four
 * software harts: no hart ever meets two spaces under one ASID without a whole flush between,
 * and no space reads another's data through a translation cached under a recycled ASID. */
#include "mm/asid.h"
#include "tests/host/vm_harness.h"

#define NHARTS	4
#define NSPACES 9
#define PAGE_AT 0x30000000ul
#define STEPS	20000

static struct hart_model H[NHARTS];
static struct asid_space A;

struct space {
	struct vm *vm;
	unsigned int serial; /* which space this is, over the whole run */
	uint8_t val;	     /* what its page holds */
};

static struct space sp[NSPACES];
static int running[NHARTS];			     /* index into sp, -1: idle */
static int owner[NHARTS][1u << ASID_BITS_MAX >> 10]; /* serial cached under an ASID, 0 none */
static unsigned int serials, flushes;
static uint64_t rng;

static unsigned int draw(unsigned int n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned int)(rng % n);
}

static void new_space(int s)
{
	vaddr_t got;

	assert_int_equal(vm_create(&sp[s].vm), 0);
	assert_int_equal(vm_mmap(sp[s].vm, PAGE_AT, PAGE_SIZE, RW, ANON | MAP_FIXED, &got), 0);
	sp[s].serial = ++serials;
	sp[s].val = 0;
}

/* Hart @h switches to space @s as the firmware does: ASID, join, satp, and the whole flush
 * the allocator asks for; then the safety rules are checked. */
static void enter(int h, int s)
{
	bool flush = false;
	unsigned int asid = asid_switch(&A, sp[s].vm, (unsigned int)h, &flush);

	assert_int_equal(asid, sp[s].vm->asid);
	assert_true(asid < A.limit);
	hm_enter(&H[h], sp[s].vm);
	if (flush) {
		hm_flush_all();
		flushes++;
		memset(owner[h], 0, sizeof(owner[h]));
	}
	if (owner[h][asid] && owner[h][asid] != (int)sp[s].serial)
		fail_msg("hart %d meets space %u under ASID %u that space %d left, unflushed", h,
			 sp[s].serial, asid, owner[h][asid]);
	owner[h][asid] = (int)sp[s].serial;
	running[h] = s;
	for (int o = 0; o < NHARTS; o++)
		if (o != h && running[o] >= 0 && running[o] != s && asid &&
		    sp[running[o]].vm->asid == asid)
			fail_msg(
			    "harts %d and %d run two spaces under ASID %u at once (gens %lu %lu, "
			    "now %lu; cpu %d: gen %lu res %u/%lu; cpu %d: gen %lu act %d res "
			    "%u/%lu)",
			    h, o, asid, (unsigned long)sp[s].vm->asid_gen,
			    (unsigned long)sp[running[o]].vm->asid_gen, (unsigned long)A.gen, h,
			    (unsigned long)A.cpu[h].gen, A.cpu[h].reserved_asid,
			    (unsigned long)A.cpu[h].reserved_gen, o, (unsigned long)A.cpu[o].gen,
			    A.cpu[o].active, A.cpu[o].reserved_asid,
			    (unsigned long)A.cpu[o].reserved_gen);
}

static void leave(int h)
{
	asid_leave(&A, (unsigned int)h);
	running[h] = -1;
}

static void step(int nharts)
{
	int h = (int)draw((unsigned int)nharts), s = (int)draw(NSPACES);
	unsigned int r = draw(100);
	enum fault_reason why;
	uint8_t v;

	if (r < 45) {
		enter(h, s);
		v = 0xee;
		assert_int_equal(hm_user(&H[h], sp[s].vm, PAGE_AT, FAULT_READ, &v, &why), 0);
		if (v != sp[s].val)
			fail_msg("space %u read %#x, its page holds %#x", sp[s].serial, v,
				 sp[s].val);
	} else if (r < 75) {
		enter(h, s);
		v = (uint8_t)(1 + draw(255));
		assert_int_equal(hm_user(&H[h], sp[s].vm, PAGE_AT, FAULT_WRITE, &v, &why), 0);
		sp[s].val = v;
	} else if (r < 85) {
		/* a new frame behind the page: other harts that ran the space must not keep the
		 * old one */
		vaddr_t got;

		enter(h, s);
		assert_int_equal(vm_munmap(sp[s].vm, PAGE_AT, PAGE_SIZE), 0);
		assert_int_equal(vm_mmap(sp[s].vm, PAGE_AT, PAGE_SIZE, RW, ANON | MAP_FIXED, &got),
				 0);
		sp[s].val = 0;
	} else if (r < 93) {
		leave(h);
	} else {
		/* the space ends: no hart runs it any more, and a new one takes its place */
		for (int o = 0; o < NHARTS; o++)
			if (running[o] == s)
				leave(o);
		hm_set_current(&H[h]);
		vm_destroy(sp[s].vm);
		new_space(s);
	}
}

static void run(unsigned int bits, int nharts)
{
	assert_int_equal(setup(NULL), 0);
	hm_init_smp(H, NHARTS, false);
	asid_init(&A, bits, (unsigned int)nharts);
	rng = 0x5eedu + bits * 131 + (unsigned int)nharts;
	serials = flushes = 0;
	memset(owner, 0, sizeof(owner));
	for (int h = 0; h < NHARTS; h++)
		running[h] = -1;
	for (int s = 0; s < NSPACES; s++)
		new_space(s);
	for (int i = 0; i < STEPS; i++)
		step(nharts);
	if (bits)
		assert_true(A.rollovers > 10); /* the test did recycle ASIDs */
	for (int s = 0; s < NSPACES; s++) {
		for (int o = 0; o < NHARTS; o++)
			if (running[o] == s)
				leave(o);
		vm_destroy(sp[s].vm);
	}
	assert_int_equal(free_frames(), baseline_free);
}

static void two_asid_bits_on_one_hart_never_leak_across_spaces(void **state)
{
	(void)state;
	run(2, 1);
}

static void two_asid_bits_on_four_harts_never_leak_across_spaces(void **state)
{
	(void)state;
	run(2, 4);
}

static void three_asid_bits_on_two_harts_never_leak_across_spaces(void **state)
{
	(void)state;
	run(3, 2);
}

static void three_asid_bits_on_four_harts_never_leak_across_spaces(void **state)
{
	(void)state;
	run(3, 4);
}

static void no_asid_bits_share_asid_zero_and_flush_at_every_switch(void **state)
{
	(void)state;
	run(0, 4);
	assert_int_equal(A.rollovers, 0);
	assert_true(flushes > STEPS / 2);
}

/* Two spaces on one hart with one usable ASID (1 bit): the second takes a new generation,
 * and the hart flushes before it runs it. */
static void running_out_of_asids_starts_a_generation_and_flushes(void **state)
{
	struct vm *p, *q;
	bool flush;

	(void)state;
	asid_init(&A, 1, 1);
	assert_int_equal(vm_create(&p), 0);
	assert_int_equal(vm_create(&q), 0);
	assert_int_equal(asid_switch(&A, p, 0, &flush), 1);
	assert_false(flush);
	assert_int_equal(asid_switch(&A, p, 0, &flush), 1);
	assert_false(flush);
	assert_int_equal(asid_switch(&A, q, 0, &flush), 1);
	assert_true(flush);
	assert_int_equal(A.rollovers, 1);
	assert_int_equal(q->asid_gen, A.gen);
	vm_destroy(p);
	vm_destroy(q);
}

/* A space another hart runs across a rollover keeps its ASID and its harts. */
static void a_space_running_at_rollover_keeps_its_asid_and_harts(void **state)
{
	struct vm *p, *q, *r;
	unsigned int pa;
	bool flush;

	(void)state;
	asid_init(&A, 2, 2); /* ASIDs 1-3 */
	assert_int_equal(vm_create(&p), 0);
	assert_int_equal(vm_create(&q), 0);
	assert_int_equal(vm_create(&r), 0);
	pa = asid_switch(&A, p, 1, &flush); /* hart 1 runs p */
	p->harts = 2;
	(void)asid_switch(&A, q, 0, &flush);
	(void)asid_switch(&A, r, 0, &flush);
	vm_destroy(q);
	assert_int_equal(vm_create(&q), 0);
	(void)asid_switch(&A, q, 0, &flush); /* no ASID left: a new generation */
	assert_int_equal(A.rollovers, 1);
	assert_true(flush);
	assert_int_not_equal(q->asid, pa);
	assert_int_equal(asid_switch(&A, p, 0, &flush), pa); /* p kept its ASID */
	assert_int_equal(p->harts, 2);
	/* r ran nowhere at the rollover: it gets a new ASID, and its harts start afresh */
	r->harts = 1;
	(void)asid_switch(&A, r, 1, &flush);
	assert_true(flush);
	assert_int_equal(r->harts, 0);
	vm_destroy(p);
	vm_destroy(q);
	vm_destroy(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(running_out_of_asids_starts_a_generation_and_flushes,
				       setup_hw_ad),
		cmocka_unit_test_setup(a_space_running_at_rollover_keeps_its_asid_and_harts,
				       setup_hw_ad),
		cmocka_unit_test(two_asid_bits_on_one_hart_never_leak_across_spaces),
		cmocka_unit_test(two_asid_bits_on_four_harts_never_leak_across_spaces),
		cmocka_unit_test(three_asid_bits_on_two_harts_never_leak_across_spaces),
		cmocka_unit_test(three_asid_bits_on_four_harts_never_leak_across_spaces),
		cmocka_unit_test(no_asid_bits_share_asid_zero_and_flush_at_every_switch),
	};

	return cmocka_run_group_tests_name("asid", tests, NULL, NULL);
}
