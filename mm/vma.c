/* The VMA tree: an intrusive AVL tree with parent pointers, keyed by region start. Owns the
 * tree's shape (links, heights, rotations) and nothing else: vmas belong to the caller. */
#include "mm/vma.h"

#include "platform/errno.h"
#include "platform/types.h"

/*
 * An AVL tree of n nodes is at most 1.44 * log2(n + 2) high, so 64-bit addresses of
 * page-sized regions can never need more than this; vma_check stops a corrupted chain here
 * rather than running off the stack.
 */
#define MAX_DEPTH 96

/* The node is the first member of struct vma, so the two addresses are the same. */
static struct vma *to_vma(const struct vma_node *n)
{
	return (struct vma *)n;
}

static int height(const struct vma_node *n)
{
	return n ? n->height : 0;
}

static int balance(const struct vma_node *n)
{
	return height(n->left) - height(n->right);
}

static void update_height(struct vma_node *n)
{
	int l = height(n->left), r = height(n->right);

	n->height = 1 + (l > r ? l : r);
}

/* Make @parent (or the root, when @parent is NULL) point at @new where it pointed at @old. */
static void replace_child(struct vma_tree *t, struct vma_node *parent, struct vma_node *old,
			  struct vma_node *new)
{
	if (!parent)
		t->root = new;
	else if (parent->left == old)
		parent->left = new;
	else
		parent->right = new;
}

static struct vma_node *rotate_left(struct vma_tree *t, struct vma_node *x)
{
	struct vma_node *y = x->right;

	x->right = y->left;
	if (y->left)
		y->left->parent = x;
	y->parent = x->parent;
	replace_child(t, x->parent, x, y);
	y->left = x;
	x->parent = y;
	update_height(x);
	update_height(y);
	return y;
}

static struct vma_node *rotate_right(struct vma_tree *t, struct vma_node *x)
{
	struct vma_node *y = x->left;

	x->left = y->right;
	if (y->right)
		y->right->parent = x;
	y->parent = x->parent;
	replace_child(t, x->parent, x, y);
	y->right = x;
	x->parent = y;
	update_height(x);
	update_height(y);
	return y;
}

/*
 * Restore heights and balance from @n up to the root. Walking all the way up (rather than
 * stopping once a height stays put) costs O(log n) either way and serves insert and remove
 * alike.
 */
static void rebalance(struct vma_tree *t, struct vma_node *n)
{
	while (n) {
		int bf;

		update_height(n);
		bf = balance(n);
		if (bf > 1) {
			if (balance(n->left) < 0)
				rotate_left(t, n->left);
			n = rotate_right(t, n);
		} else if (bf < -1) {
			if (balance(n->right) > 0)
				rotate_right(t, n->right);
			n = rotate_left(t, n);
		}
		n = n->parent;
	}
}

static struct vma_node *leftmost(struct vma_node *n)
{
	while (n && n->left)
		n = n->left;
	return n;
}

/* Regions do not overlap, so ends rise with starts: the answer is the lowest end above @addr. */
struct vma *vma_find_next(const struct vma_tree *t, vaddr_t addr)
{
	struct vma_node *n = t->root;
	struct vma *best = NULL;

	while (n) {
		struct vma *v = to_vma(n);

		if (v->end > addr) {
			best = v;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	return best;
}

struct vma *vma_prev(const struct vma *v)
{
	const struct vma_node *n = &v->node;

	if (n->left) {
		n = n->left;
		while (n->right)
			n = n->right;
		return to_vma(n);
	}
	while (n->parent && n == n->parent->left)
		n = n->parent;
	return n->parent ? to_vma(n->parent) : NULL;
}

struct vma *vma_next(const struct vma *v)
{
	const struct vma_node *n = &v->node;

	if (n->right)
		return to_vma(leftmost(n->right));
	while (n->parent && n == n->parent->right)
		n = n->parent;
	return n->parent ? to_vma(n->parent) : NULL;
}

struct vma *vma_first(const struct vma_tree *t)
{
	struct vma_node *n = leftmost(t->root);

	return n ? to_vma(n) : NULL;
}

int vma_insert(struct vma_tree *t, struct vma *v)
{
	struct vma_node **link = &t->root, *parent = NULL;

	if (v->start >= v->end)
		return -EINVAL;
	/*
	 * A region entirely left of a node cannot meet anything in that node's right subtree
	 * (those start at or above the node's end), and vice versa, so any region overlapping
	 * @v lies on this path: checking each node as we pass finds it before we link anything.
	 */
	while (*link) {
		struct vma *cur = to_vma(*link);

		parent = *link;
		if (v->end <= cur->start)
			link = &parent->left;
		else if (v->start >= cur->end)
			link = &parent->right;
		else
			return -EEXIST;
	}
	v->node.left = v->node.right = NULL;
	v->node.parent = parent;
	v->node.height = 1;
	*link = &v->node;
	t->count++;
	t->last = v; /* a region just made is the one about to be touched */
	rebalance(t, parent);
	return 0;
}

void vma_remove(struct vma_tree *t, struct vma *v)
{
	struct vma_node *n = &v->node, *from;

	if (!n->left || !n->right) {
		struct vma_node *child = n->left ? n->left : n->right;

		if (child)
			child->parent = n->parent;
		replace_child(t, n->parent, n, child);
		from = n->parent;
	} else {
		/*
		 * Two children: the in-order successor's node takes @n's place. Nodes move, never
		 * payloads, because callers hold pointers to their vmas.
		 */
		struct vma_node *s = leftmost(n->right);

		if (s->parent == n) {
			from = s; /* s keeps its right subtree and inherits n's left */
		} else {
			from = s->parent;
			from->left = s->right;
			if (s->right)
				s->right->parent = from;
			s->right = n->right;
			s->right->parent = s;
		}
		s->left = n->left;
		s->left->parent = s;
		s->parent = n->parent;
		replace_child(t, n->parent, n, s);
	}
	n->left = n->right = n->parent = NULL;
	n->height = 0;
	t->count--;
	if (t->last == v)
		t->last = NULL;
	rebalance(t, from);
}

/*
 * Check the subtree at @n, whose regions must all lie within [lo, hi): that bound is what
 * proves both the BST order and that no two regions overlap. Reports its height and size.
 */
static int check_subtree(const struct vma_node *n, const struct vma_node *parent, vaddr_t lo,
			 vaddr_t hi, int depth, int *h, unsigned long *count)
{
	const struct vma *v;
	int lh = 0, rh = 0;

	*h = 0;
	if (!n)
		return 0;
	v = to_vma(n);
	if (depth > MAX_DEPTH || n->parent != parent)
		return -EINVAL;
	if (v->start >= v->end || v->start < lo || v->end > hi)
		return -EINVAL;
	if (check_subtree(n->left, n, lo, v->start, depth + 1, &lh, count) ||
	    check_subtree(n->right, n, v->end, hi, depth + 1, &rh, count))
		return -EINVAL;
	*h = 1 + (lh > rh ? lh : rh);
	if (n->height != *h || lh - rh > 1 || rh - lh > 1)
		return -EINVAL;
	(*count)++;
	return 0;
}

int vma_check(const struct vma_tree *t)
{
	unsigned long count = 0;
	int h;

	if (check_subtree(t->root, NULL, 0, UINT64_MAX, 0, &h, &count))
		return -EINVAL;
	return count == t->count ? 0 : -EINVAL;
}
