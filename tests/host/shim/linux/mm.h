/*
 * Host shim: struct page with an atomic reference count, and the page
 * functions page_change.c calls.  The test program defines them:
 * follow_page() reads the fake page table of the mm (and insists on
 * page_table_lock being held), put_page() frees at zero.  Also the page
 * allocator calls of page_change_init(): get_order() as on i386, and
 * __get_free_pages() from malloc(), failing above shim_max_order.
 */
#ifndef SHIM_LINUX_MM_H
#define SHIM_LINUX_MM_H

#include <stdatomic.h>
#include <string.h>
#include <linux/sched.h>

struct page {
	atomic_int count;
	unsigned long serial;		/* allocation number, for messages */
	struct page *next_free;		/* on the free queue */
};

extern void get_page(struct page *page);
extern void put_page(struct page *page);
extern struct page *follow_page(struct mm_struct *mm, unsigned long address, int write);

/* For page_change_init(). */
#define GFP_KERNEL	0
#define KERN_INFO	""
#define printk(...)	((void)0)
#define panic(...)	do { fprintf(stderr, __VA_ARGS__); abort(); } while (0)

static inline int get_order(unsigned long size)
{
	int order = 0;

	while ((PAGE_SIZE << order) < size)
		order++;
	return order;
}

/*
 * The test may make allocations above an order fail (shim_max_order),
 * and counts them; an allocation is not zeroed, as in the kernel.
 */
extern int shim_max_order;
extern int shim_gfp_calls;

static inline unsigned long __get_free_pages(int gfp, int order)
{
	void *p;

	(void)gfp;
	shim_gfp_calls++;
	if (order > shim_max_order)
		return 0;
	p = malloc(PAGE_SIZE << order);
	if (p)
		memset(p, 0xa5, PAGE_SIZE << order);
	return (unsigned long)p;
}

#endif
