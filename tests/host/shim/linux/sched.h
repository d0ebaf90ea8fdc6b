/*
 * Host shim: the few basics page_change.h expects from linux/sched.h
 * and what it pulls in (page size, likely/unlikely, BUG_ON), and an
 * mm_struct with page_table_lock, the page_change fields of the patch's
 * include/linux/sched.h (initialised by shim_mm_init(), as kernel/fork.c's
 * mm_init() does) and a page table the test controls: @nr_ptes slots for
 * the pages at @start, @start + PAGE_SIZE, ..., NULL for "not mapped".
 */
#ifndef SHIM_LINUX_SCHED_H
#define SHIM_LINUX_SCHED_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/rbtree.h>

#define BITS_PER_LONG	(__SIZEOF_LONG__ * 8)

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

#define BUG_ON(cond) do {						\
	if (unlikely(cond)) {						\
		fprintf(stderr, "kernel BUG at %s:%d: %s\n",		\
			__FILE__, __LINE__, #cond);			\
		abort();						\
	}								\
} while (0)

struct page;

struct mm_struct {
	spinlock_t page_table_lock;
	int page_change_count;			/* these under page_table_lock */
	struct list_head page_change_new;
	struct rb_root page_change_root;
	unsigned long page_change_lo, page_change_hi;
	/* the fake page table, under page_table_lock */
	unsigned long start;
	unsigned long nr_ptes;
	struct page **ptes;
};

/* The page_change part of kernel/fork.c's mm_init() (lo/hi: left as
 * they are, meaningful only with a non-empty tree). */
static inline void shim_mm_init(struct mm_struct *mm)
{
	mm->page_change_count = 0;
	INIT_LIST_HEAD(&mm->page_change_new);
	mm->page_change_root = RB_ROOT;
}

#endif
