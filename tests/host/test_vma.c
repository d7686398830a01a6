/* Host tests of the VMA tree (mm/vma.c): lookups, overlap refusal, removal in every shape, a
 * randomized run against a page-array model, and the height bound that makes it O(log n). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mm/vma.h"
#include "platform/errno.h"

#define PG   0x1000ul
#define BASE 0x10000ul /* leave room below the lowest region so misses below it can be asked */

static void set(struct vma *v, vaddr_t start, vaddr_t end)
{
	memset(v, 0, sizeof(*v));
	v->start = start;
	v->end = end;
	v->prot = VMA_READ;
	v->kind = VMA_ANON;
}

/* Slot i is the page at BASE + i * PG; region i covers slots [i, i + len). */
static void set_slots(struct vma *v, unsigned long i, unsigned long len)
{
	set(v, BASE + i * PG, BASE + (i + len) * PG);
}

static void insert_ok(struct vma_tree *t, struct vma *v)
{
	assert_int_equal(vma_insert(t, v), 0);
	assert_int_equal(vma_check(t), 0);
}

/* Fills @out with the in-order walk (up to @max) and returns how many regions it saw. */
static unsigned long walk(const struct vma_tree *t, struct vma **out, unsigned long max)
{
	unsigned long n = 0;

	for (struct vma *v = vma_first(t); v; v = vma_next(v)) {
		if (n < max)
			out[n] = v;
		n++;
	}
	return n;
}

static void empty_tree_finds_nothing_and_checks_clean(void **state)
{
	struct vma_tree t;

	(void)state;
	vma_tree_init(&t);
	assert_null(t.root);
	assert_int_equal(t.count, 0);
	assert_null(vma_find(&t, BASE));
	assert_null(vma_find_next(&t, 0));
	assert_null(vma_first(&t));
	assert_int_equal(vma_check(&t), 0);
}

static void find_returns_the_region_containing_an_address(void **state)
{
	struct vma_tree t;
	struct vma v;

	(void)state;
	vma_tree_init(&t);
	set(&v, BASE, BASE + 4 * PG);
	insert_ok(&t, &v);
	assert_int_equal(t.count, 1);
	assert_ptr_equal(vma_find(&t, BASE + 2 * PG + 123), &v);
	assert_ptr_equal(vma_first(&t), &v);
	assert_null(vma_prev(&v));
	assert_null(vma_next(&v));
}

static void find_hits_start_and_last_byte_but_not_end(void **state)
{
	struct vma_tree t;
	struct vma v[3];

	(void)state;
	vma_tree_init(&t);
	/* gaps between the regions, so a miss cannot be rescued by a neighbour */
	for (int i = 0; i < 3; i++) {
		set(&v[i], BASE + i * 4 * PG, BASE + i * 4 * PG + 2 * PG);
		insert_ok(&t, &v[i]);
	}
	for (int i = 0; i < 3; i++) {
		assert_ptr_equal(vma_find(&t, v[i].start), &v[i]);
		assert_ptr_equal(vma_find(&t, v[i].end - 1), &v[i]);
		assert_null(vma_find(&t, v[i].end));
		assert_null(vma_find(&t, v[i].start - 1));
	}
	assert_null(vma_find(&t, 0));
	assert_null(vma_find(&t, UINT64_MAX));
}

static void the_last_region_found_is_remembered_until_removed_or_moved(void **state)
{
	struct vma_tree t;
	struct vma v[2];

	(void)state;
	vma_tree_init(&t);
	set(&v[0], BASE, BASE + 2 * PG);
	set(&v[1], BASE + 4 * PG, BASE + 6 * PG);
	insert_ok(&t, &v[1]);
	insert_ok(&t, &v[0]);
	assert_ptr_equal(t.last, &v[0]); /* the region just inserted */
	assert_ptr_equal(vma_find(&t, BASE + 4 * PG), &v[1]);
	assert_ptr_equal(t.last, &v[1]);
	assert_ptr_equal(vma_find(&t, BASE + PG), &v[0]); /* not the remembered one: a walk */
	assert_ptr_equal(t.last, &v[0]);
	v[0].end = BASE + PG; /* a region shrunk in place answers by its new bounds */
	assert_null(vma_find(&t, BASE + PG));
	vma_remove(&t, &v[0]);
	assert_null(t.last);
	assert_null(vma_find(&t, BASE));
	assert_ptr_equal(vma_find(&t, BASE + 5 * PG), &v[1]);
}

static void insert_refuses_empty_and_inverted_ranges(void **state)
{
	struct vma_tree t;
	struct vma v;

	(void)state;
	vma_tree_init(&t);
	set(&v, BASE, BASE);
	assert_int_equal(vma_insert(&t, &v), -EINVAL);
	set(&v, BASE + PG, BASE);
	assert_int_equal(vma_insert(&t, &v), -EINVAL);
	assert_null(t.root);
	assert_int_equal(t.count, 0);
}

static void overlapping_insert_is_refused_and_leaves_the_tree_unchanged(void **state)
{
	/* existing regions: slots [0,4) [8,12) [16,20) [24,28) [32,36) [40,44) [48,52) */
	static const struct {
		unsigned long first, len;
	} bad[] = {
		{ 16, 4 }, /* identical */
		{ 17, 2 }, /* contained */
		{ 15, 6 }, /* containing */
		{ 14, 3 }, /* overlaps the left end */
		{ 19, 3 }, /* overlaps the right end */
		{ 10, 8 }, /* straddles a gap, touching two regions */
		{ 0, 1 },  /* first page of the lowest */
		{ 51, 9 }, /* last page of the highest */
		{ 0, 60 }, /* covers everything */
	};
	struct vma_tree t;
	struct vma v[7], x, *before[7], *after[8];

	(void)state;
	vma_tree_init(&t);
	for (int i = 0; i < 7; i++) {
		set_slots(&v[i], i * 8, 4);
		insert_ok(&t, &v[i]);
	}
	assert_int_equal(walk(&t, before, 7), 7);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct vma_node *root = t.root;

		set_slots(&x, bad[i].first, bad[i].len);
		assert_int_equal(vma_insert(&t, &x), -EEXIST);
		assert_int_equal(t.count, 7);
		assert_ptr_equal(t.root, root);
		assert_int_equal(vma_check(&t), 0);
		assert_int_equal(walk(&t, after, 8), 7);
		assert_memory_equal(before, after, sizeof(before));
		for (int j = 0; j < 7; j++)
			assert_ptr_equal(vma_find(&t, v[j].start), &v[j]);
	}
}

static void adjacent_regions_are_both_accepted(void **state)
{
	struct vma_tree t;
	struct vma a, b, c;

	(void)state;
	vma_tree_init(&t);
	set_slots(&b, 4, 4);
	set_slots(&a, 0, 4); /* ends where b starts */
	set_slots(&c, 8, 4); /* starts where b ends */
	insert_ok(&t, &b);
	insert_ok(&t, &a);
	insert_ok(&t, &c);
	assert_int_equal(t.count, 3);
	assert_ptr_equal(vma_find(&t, b.start - 1), &a);
	assert_ptr_equal(vma_find(&t, b.start), &b);
	assert_ptr_equal(vma_find(&t, b.end - 1), &b);
	assert_ptr_equal(vma_find(&t, b.end), &c);
}

static void find_next_returns_the_containing_region_or_the_next_one_above(void **state)
{
	struct vma_tree t;
	struct vma v[3];

	(void)state;
	vma_tree_init(&t);
	set_slots(&v[0], 2, 2);	 /* [2,4) */
	set_slots(&v[1], 8, 4);	 /* [8,12) */
	set_slots(&v[2], 12, 1); /* [12,13): adjacent to v[1] */
	for (int i = 0; i < 3; i++)
		insert_ok(&t, &v[i]);
	assert_ptr_equal(vma_find_next(&t, 0), &v[0]);		       /* below all */
	assert_ptr_equal(vma_find_next(&t, BASE + 2 * PG), &v[0]);     /* at a start */
	assert_ptr_equal(vma_find_next(&t, BASE + 3 * PG + 5), &v[0]); /* inside */
	assert_ptr_equal(vma_find_next(&t, BASE + 4 * PG), &v[1]);     /* at an end: in a gap */
	assert_ptr_equal(vma_find_next(&t, BASE + 6 * PG), &v[1]);     /* in a gap */
	assert_ptr_equal(vma_find_next(&t, BASE + 12 * PG - 1), &v[1]);
	assert_ptr_equal(vma_find_next(&t, BASE + 12 * PG), &v[2]); /* adjacent successor */
	assert_null(vma_find_next(&t, BASE + 13 * PG));		    /* above all */
	assert_null(vma_find_next(&t, UINT64_MAX));
}

static void prev_and_next_walk_regions_in_address_order_both_ways(void **state)
{
	enum { N = 64 };
	struct vma_tree t;
	struct vma v[N], *p;
	int i;

	(void)state;
	vma_tree_init(&t);
	/* scattered insertion order (37 is coprime to 64), so the shape is not a simple spine */
	for (i = 0; i < N; i++) {
		int slot = (i * 37) % N;

		set_slots(&v[slot], slot * 2, 1);
		insert_ok(&t, &v[slot]);
	}
	for (i = 0, p = vma_first(&t); p; p = vma_next(p), i++)
		assert_ptr_equal(p, &v[i]);
	assert_int_equal(i, N);
	for (i = N - 1, p = &v[N - 1]; p; p = vma_prev(p), i--)
		assert_ptr_equal(p, &v[i]);
	assert_int_equal(i, -1);
}

/* Slots 1..7 inserted 4,2,6,1,3,5,7: a perfect tree, root 4, children 2 and 6. */
static void build_perfect7(struct vma_tree *t, struct vma v[8])
{
	static const int order[] = { 4, 2, 6, 1, 3, 5, 7 };

	vma_tree_init(t);
	for (int i = 0; i < 7; i++) {
		set_slots(&v[order[i]], order[i] * 2, 1);
		insert_ok(t, &v[order[i]]);
	}
	assert_ptr_equal(t->root, &v[4].node);
	assert_ptr_equal(v[4].node.left, &v[2].node);
	assert_ptr_equal(v[4].node.right, &v[6].node);
	assert_int_equal(v[4].node.height, 3);
}

/* After removing @gone, every other region of 1..7 is still found, as itself, unchanged. */
static void assert_rest_intact(struct vma_tree *t, struct vma v[8], int gone)
{
	struct vma *p;
	int i;

	assert_int_equal(vma_check(t), 0);
	assert_int_equal(t->count, 6);
	assert_null(vma_find(t, v[gone].start));
	for (i = 1, p = vma_first(t); i <= 7; i++) {
		if (i == gone)
			continue;
		assert_ptr_equal(vma_find(t, BASE + i * 2 * PG), &v[i]);
		assert_int_equal(v[i].start, BASE + i * 2 * PG);
		assert_int_equal(v[i].end, BASE + (i * 2 + 1) * PG);
		assert_ptr_equal(p, &v[i]);
		p = vma_next(p);
	}
	assert_null(p);
}

static void removing_a_leaf_keeps_the_rest(void **state)
{
	struct vma_tree t;
	struct vma v[8];

	(void)state;
	build_perfect7(&t, v);
	vma_remove(&t, &v[1]);
	assert_null(v[2].node.left);
	assert_rest_intact(&t, v, 1);
}

static void removing_a_node_with_one_child_lifts_the_child(void **state)
{
	struct vma_tree t;
	struct vma v[8];

	(void)state;
	build_perfect7(&t, v);
	vma_remove(&t, &v[3]); /* now 2 has only its left child, 1 */
	assert_rest_intact(&t, v, 3);
	vma_remove(&t, &v[2]);
	assert_ptr_equal(v[4].node.left, &v[1].node);
	assert_ptr_equal(v[1].node.parent, &v[4].node);
	assert_int_equal(vma_check(&t), 0);
	assert_int_equal(t.count, 5);
	assert_null(vma_find(&t, v[2].start));
}

static void removing_a_node_with_two_children_splices_its_successor_node(void **state)
{
	struct vma_tree t;
	struct vma v[8];

	(void)state;
	/* the successor (3) is the removed node's own right child */
	build_perfect7(&t, v);
	vma_remove(&t, &v[2]);
	assert_ptr_equal(v[4].node.left, &v[3].node);
	assert_ptr_equal(v[3].node.left, &v[1].node);
	assert_rest_intact(&t, v, 2);
}

static void removing_the_root_moves_nodes_not_payloads(void **state)
{
	struct vma_tree t;
	struct vma v[8];

	(void)state;
	/* the successor (5) sits deeper, as the left child of the root's right child */
	build_perfect7(&t, v);
	v[5].prot = VMA_READ | VMA_EXEC;
	vma_remove(&t, &v[4]);
	assert_ptr_equal(t.root, &v[5].node);
	assert_null(v[5].node.parent);
	assert_null(v[6].node.left);
	assert_int_equal(v[5].prot, VMA_READ | VMA_EXEC);
	assert_rest_intact(&t, v, 4);

	/* a lone root, then nothing */
	vma_tree_init(&t);
	insert_ok(&t, &v[4]);
	vma_remove(&t, &v[4]);
	assert_null(t.root);
	assert_int_equal(t.count, 0);
	assert_int_equal(vma_check(&t), 0);
}

static void removed_region_can_be_inserted_again(void **state)
{
	struct vma_tree t;
	struct vma v[8];

	(void)state;
	build_perfect7(&t, v);
	vma_remove(&t, &v[4]);
	insert_ok(&t, &v[4]);
	assert_int_equal(t.count, 7);
	assert_ptr_equal(vma_find(&t, v[4].start), &v[4]);
}

static void check_detects_broken_invariants(void **state)
{
	struct vma_tree t;
	struct vma v[8];

	(void)state;
	build_perfect7(&t, v);
	v[6].node.height++;
	assert_int_equal(vma_check(&t), -EINVAL);
	v[6].node.height--;
	v[3].node.parent = &v[4].node;
	assert_int_equal(vma_check(&t), -EINVAL);
	v[3].node.parent = &v[2].node;
	v[3].end = v[4].start + PG; /* overlaps its successor */
	assert_int_equal(vma_check(&t), -EINVAL);
	v[3].end = v[3].start;
	assert_int_equal(vma_check(&t), -EINVAL);
	v[3].end = v[3].start + PG;
	v[7].start = v[5].start - PG; /* out of order, right of 6 yet below it */
	v[7].end = v[5].start;
	assert_int_equal(vma_check(&t), -EINVAL);
	v[7].start = BASE + 14 * PG;
	v[7].end = BASE + 15 * PG;
	assert_int_equal(vma_check(&t), 0);
	t.count++;
	assert_int_equal(vma_check(&t), -EINVAL);
	t.count--;
	assert_int_equal(vma_check(&t), 0);

	/* a correctly linked spine of three: heights right, balance wrong */
	vma_tree_init(&t);
	set_slots(&v[1], 1, 1);
	set_slots(&v[2], 2, 1);
	set_slots(&v[3], 3, 1);
	t.root = &v[1].node;
	t.count = 3;
	v[1].node = (struct vma_node){ NULL, &v[2].node, NULL, 3 };
	v[2].node = (struct vma_node){ NULL, &v[3].node, &v[1].node, 2 };
	v[3].node = (struct vma_node){ NULL, NULL, &v[2].node, 1 };
	assert_int_equal(vma_check(&t), -EINVAL);
}

/* xorshift64*: fixed seed, so a failure replays exactly. */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

enum { SLOTS = 3000, OPS = 20000, MAXLEN = 4 };

/* The model: owner[p] is the slot of the region holding page p, or -1. */
static void model_fill(int *owner, unsigned long first, unsigned long len, int who)
{
	for (unsigned long p = first; p < first + len; p++)
		owner[p] = who;
}

static void assert_walk_matches_model(const struct vma_tree *t, const int *owner,
				      const struct vma *pool)
{
	const struct vma *v = vma_first(t);
	unsigned long n = 0;

	for (int p = 0; p < SLOTS; p++) {
		if (owner[p] != p)
			continue; /* not the first page of a region */
		assert_ptr_equal(v, &pool[p]);
		v = vma_next(v);
		n++;
	}
	assert_null(v);
	assert_int_equal(t->count, n);
}

static void random_operations_agree_with_a_page_model(void **state)
{
	struct vma *pool = calloc(SLOTS + 1, sizeof(*pool)); /* pool[SLOTS]: a scratch region */
	int *owner = malloc(SLOTS * sizeof(*owner));
	struct vma_tree t;
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	unsigned long inserted = 0, refused = 0, removed = 0;

	(void)state;
	assert_non_null(pool);
	assert_non_null(owner);
	for (int p = 0; p < SLOTS; p++)
		owner[p] = -1;
	vma_tree_init(&t);
	for (int op = 0; op < OPS; op++) {
		unsigned long slot = rnd(&seed) % SLOTS, r = rnd(&seed) % 100;

		if (r < 45) {
			unsigned long len = 1 + rnd(&seed) % MAXLEN;
			bool clash = false;
			struct vma *v;

			if (slot + len > SLOTS)
				len = SLOTS - slot;
			for (unsigned long p = slot; p < slot + len; p++)
				clash |= owner[p] != -1;
			/* a clashing try never uses pool[slot], which may be in the tree */
			v = clash ? &pool[SLOTS] : &pool[slot];
			set_slots(v, slot, len);
			if (clash) {
				assert_int_equal(vma_insert(&t, v), -EEXIST);
				refused++;
			} else {
				assert_int_equal(vma_insert(&t, v), 0);
				model_fill(owner, slot, len, (int)slot);
				inserted++;
			}
		} else if (r < 75) {
			struct vma *v = vma_find(&t, BASE + slot * PG + rnd(&seed) % PG);

			if (owner[slot] < 0) {
				assert_null(v);
			} else {
				assert_ptr_equal(v, &pool[owner[slot]]);
				model_fill(owner, owner[slot], (v->end - v->start) / PG, -1);
				vma_remove(&t, v);
				removed++;
			}
		} else {
			/* also probe below and above every slot */
			vaddr_t addr = BASE - PG + rnd(&seed) % ((SLOTS + 2) * PG);
			long page = ((long)addr - (long)BASE) / (long)PG;
			struct vma *want = NULL;

			if (addr >= BASE && page < SLOTS && owner[page] >= 0)
				want = &pool[owner[page]];
			assert_ptr_equal(vma_find(&t, addr), want);
			if (addr < BASE)
				page = 0;
			while (!want && page < SLOTS) {
				if (owner[page] >= 0)
					want = &pool[owner[page]];
				page++;
			}
			assert_ptr_equal(vma_find_next(&t, addr), want);
		}
		assert_int_equal(vma_check(&t), 0);
		if (op % 100 == 0)
			assert_walk_matches_model(&t, owner, pool);
	}
	assert_walk_matches_model(&t, owner, pool);
	/* the run must have exercised every path, or it proves little */
	assert_true(inserted > 1000 && refused > 1000 && removed > 1000);
	assert_true(t.count > 100);
	free(owner);
	free(pool);
}

/* 1.45 * log2(10000) + 2 = 21.3: the AVL bound; an unbalanced tree would be 10000 high. */
enum { BIG = 10000, HEIGHT_BOUND = 21 };

static void ascending_inserts_stay_balanced_and_removing_all_empties_the_tree(void **state)
{
	struct vma *v = calloc(BIG, sizeof(*v));
	struct vma_tree t;

	(void)state;
	assert_non_null(v);
	vma_tree_init(&t);
	for (unsigned long i = 0; i < BIG; i++) {
		set_slots(&v[i], i, 1);
		assert_int_equal(vma_insert(&t, &v[i]), 0);
	}
	assert_int_equal(vma_check(&t), 0);
	assert_int_equal(t.count, BIG);
	assert_true(t.root->height <= HEIGHT_BOUND);
	assert_ptr_equal(vma_find(&t, BASE + 9999 * PG), &v[9999]);
	/* remove in a scattered order, so every removal shape comes up, checking as we go */
	for (unsigned long i = 0; i < BIG; i++) {
		unsigned long k = (i * 7919) % BIG; /* 7919 is prime: visits every index once */

		vma_remove(&t, &v[k]);
		if (i % 500 == 0) {
			assert_int_equal(vma_check(&t), 0);
			assert_true(t.root->height <= HEIGHT_BOUND);
		}
	}
	assert_null(t.root);
	assert_int_equal(t.count, 0);
	assert_null(vma_first(&t));
	assert_null(vma_find(&t, BASE));
	assert_int_equal(vma_check(&t), 0);
	free(v);
}

static void descending_inserts_stay_balanced(void **state)
{
	struct vma *v = calloc(BIG, sizeof(*v));
	struct vma_tree t;

	(void)state;
	assert_non_null(v);
	vma_tree_init(&t);
	for (unsigned long i = BIG; i-- > 0;) {
		set_slots(&v[i], i, 1);
		assert_int_equal(vma_insert(&t, &v[i]), 0);
	}
	assert_int_equal(vma_check(&t), 0);
	assert_true(t.root->height <= HEIGHT_BOUND);
	for (unsigned long i = 0; i < BIG; i++)
		vma_remove(&t, &v[i]);
	assert_null(t.root);
	assert_int_equal(vma_check(&t), 0);
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_tree_finds_nothing_and_checks_clean),
		cmocka_unit_test(find_returns_the_region_containing_an_address),
		cmocka_unit_test(find_hits_start_and_last_byte_but_not_end),
		cmocka_unit_test(the_last_region_found_is_remembered_until_removed_or_moved),
		cmocka_unit_test(insert_refuses_empty_and_inverted_ranges),
		cmocka_unit_test(overlapping_insert_is_refused_and_leaves_the_tree_unchanged),
		cmocka_unit_test(adjacent_regions_are_both_accepted),
		cmocka_unit_test(find_next_returns_the_containing_region_or_the_next_one_above),
		cmocka_unit_test(prev_and_next_walk_regions_in_address_order_both_ways),
		cmocka_unit_test(removing_a_leaf_keeps_the_rest),
		cmocka_unit_test(removing_a_node_with_one_child_lifts_the_child),
		cmocka_unit_test(removing_a_node_with_two_children_splices_its_successor_node),
		cmocka_unit_test(removing_the_root_moves_nodes_not_payloads),
		cmocka_unit_test(removed_region_can_be_inserted_again),
		cmocka_unit_test(check_detects_broken_invariants),
		cmocka_unit_test(random_operations_agree_with_a_page_model),
		cmocka_unit_test(ascending_inserts_stay_balanced_and_removing_all_empties_the_tree),
		cmocka_unit_test(descending_inserts_stay_balanced),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
