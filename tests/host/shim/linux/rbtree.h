/*
 * Host shim: the rbtree API of 2.5.38's include/linux/rbtree.h and
 * lib/rbtree.c (struct rb_node, struct rb_root, RB_ROOT, rb_entry,
 * rb_link_node, rb_insert_color, rb_erase, rb_next, rb_prev,
 * rb_replace_node; 2.5.38 has no rb_first/rb_last, so neither has this),
 * written for the host tests.  It is a plain, unbalanced binary search
 * tree: rb_insert_color() only colours the node, rb_erase() unlinks it
 * the textbook way.  Same semantics for the caller: the in-order
 * sequence of the nodes is what rb_link_node() at the place found by a
 * descent made it, and rb_erase() keeps the order of the others.
 *
 * For the tests, on top of that:
 *  - rb_erase() poisons the node it removes (a later rb_next() or
 *    rb_erase() of it crashes instead of walking a stale tree);
 *  - per thread counters of the calls (shim_rb_next_calls, ...), for
 *    the cost checks of stress.c.
 * -DSHIM_KERNEL_RBTREE instead wraps a kernel's own lib/rbtree.c,
 * compiled from a kernel tree at test time (Makefile: KERNEL_TREE).
 */
#ifndef SHIM_LINUX_RBTREE_H
#define SHIM_LINUX_RBTREE_H

#include <stddef.h>

struct rb_node {
	struct rb_node *rb_parent;
	int rb_color;
#define RB_RED		0
#define RB_BLACK	1
	struct rb_node *rb_right;
	struct rb_node *rb_left;
};

struct rb_root {
	struct rb_node *rb_node;
};

#define RB_ROOT	(struct rb_root) { NULL, }
#define rb_entry(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#define SHIM_RB_POISON	((struct rb_node *)0x5a5a5a5a)

static inline void rb_link_node(struct rb_node *node, struct rb_node *parent,
				struct rb_node **rb_link)
{
	node->rb_parent = parent;
	node->rb_color = RB_RED;
	node->rb_left = node->rb_right = NULL;
	*rb_link = node;
}

#ifdef SHIM_KERNEL_RBTREE_SRC
/*
 * Compiling a kernel's lib/rbtree.c (Makefile: kernel-rbtree.o, with
 * its functions renamed kernel_rb_*): the declarations only.
 */
extern void rb_insert_color(struct rb_node *, struct rb_root *);
extern void rb_erase(struct rb_node *, struct rb_root *);
extern struct rb_node *rb_next(struct rb_node *);
extern struct rb_node *rb_prev(struct rb_node *);
extern void rb_replace_node(struct rb_node *victim, struct rb_node *new,
			    struct rb_root *root);
#else

static __thread unsigned long shim_rb_next_calls, shim_rb_erase_calls,
	shim_rb_insert_calls;

#ifdef SHIM_KERNEL_RBTREE
/*
 * -DSHIM_KERNEL_RBTREE: the real, balancing lib/rbtree.c of a kernel
 * tree, compiled at test time (never copied here), behind the same
 * counters and poisoning.
 */
extern void kernel_rb_insert_color(struct rb_node *, struct rb_root *);
extern void kernel_rb_erase(struct rb_node *, struct rb_root *);
extern struct rb_node *kernel_rb_next(struct rb_node *);
extern struct rb_node *kernel_rb_prev(struct rb_node *);

static inline void rb_insert_color(struct rb_node *node, struct rb_root *root)
{
	shim_rb_insert_calls++;
	kernel_rb_insert_color(node, root);
}

static inline void rb_erase(struct rb_node *node, struct rb_root *root)
{
	shim_rb_erase_calls++;
	kernel_rb_erase(node, root);
	node->rb_parent = node->rb_left = node->rb_right = SHIM_RB_POISON;
}

static inline struct rb_node *rb_next(struct rb_node *node)
{
	shim_rb_next_calls++;
	return kernel_rb_next(node);
}

static inline struct rb_node *rb_prev(struct rb_node *node)
{
	return kernel_rb_prev(node);
}
#else

/* No rebalancing in the shim. */
static inline void rb_insert_color(struct rb_node *node, struct rb_root *root)
{
	(void)root;
	node->rb_color = RB_BLACK;
	shim_rb_insert_calls++;
}

/* Put @new where @old is below @parent (or at the root). */
static inline void shim_rb_set_child(struct rb_node *parent,
				     struct rb_node *old, struct rb_node *new,
				     struct rb_root *root)
{
	if (!parent)
		root->rb_node = new;
	else if (parent->rb_left == old)
		parent->rb_left = new;
	else
		parent->rb_right = new;
	if (new)
		new->rb_parent = parent;
}

static inline void rb_erase(struct rb_node *node, struct rb_root *root)
{
	struct rb_node *succ;

	shim_rb_erase_calls++;
	if (!node->rb_left)
		shim_rb_set_child(node->rb_parent, node, node->rb_right, root);
	else if (!node->rb_right)
		shim_rb_set_child(node->rb_parent, node, node->rb_left, root);
	else {
		/* Two children: the in-order successor takes its place. */
		for (succ = node->rb_right; succ->rb_left; succ = succ->rb_left)
			;
		if (succ->rb_parent != node) {
			shim_rb_set_child(succ->rb_parent, succ, succ->rb_right,
					  root);
			succ->rb_right = node->rb_right;
			succ->rb_right->rb_parent = succ;
		}
		shim_rb_set_child(node->rb_parent, node, succ, root);
		succ->rb_left = node->rb_left;
		succ->rb_left->rb_parent = succ;
	}
	node->rb_parent = node->rb_left = node->rb_right = SHIM_RB_POISON;
}

static inline struct rb_node *rb_next(struct rb_node *node)
{
	shim_rb_next_calls++;
	if (node->rb_right) {
		node = node->rb_right;
		while (node->rb_left)
			node = node->rb_left;
		return node;
	}
	while (node->rb_parent && node == node->rb_parent->rb_right)
		node = node->rb_parent;
	return node->rb_parent;
}

static inline struct rb_node *rb_prev(struct rb_node *node)
{
	if (node->rb_left) {
		node = node->rb_left;
		while (node->rb_right)
			node = node->rb_right;
		return node;
	}
	while (node->rb_parent && node == node->rb_parent->rb_left)
		node = node->rb_parent;
	return node->rb_parent;
}

static inline void rb_replace_node(struct rb_node *victim, struct rb_node *new,
				   struct rb_root *root)
{
	shim_rb_set_child(victim->rb_parent, victim, new, root);
	if (victim->rb_left)
		victim->rb_left->rb_parent = new;
	if (victim->rb_right)
		victim->rb_right->rb_parent = new;
	*new = *victim;
}

#endif /* !SHIM_KERNEL_RBTREE */
#endif /* !SHIM_KERNEL_RBTREE_SRC */
#endif
