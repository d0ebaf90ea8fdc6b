/*
 * Host shim: struct page with an atomic reference count, and the page
 * functions page_change.c calls.  The test program defines them:
 * follow_page() reads the fake page table of the mm (and insists on
 * page_table_lock being held), put_page() frees at zero.
 */
#ifndef SHIM_LINUX_MM_H
#define SHIM_LINUX_MM_H

#include <stdatomic.h>
#include <linux/sched.h>

struct page {
	atomic_int count;
	unsigned long serial;		/* allocation number, for messages */
	struct page *next_free;		/* on the free queue */
};

extern void get_page(struct page *page);
extern void put_page(struct page *page);
extern struct page *follow_page(struct mm_struct *mm, unsigned long address, int write);

#endif
