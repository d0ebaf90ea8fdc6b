/*
 * stress.c: a multi-threaded host test of mm/page_change.c, the file
 * that patches/page-change-facility.patch adds, compiled from the patch
 * itself (see ./extract) against the shims in shim/linux/.
 *
 * It plays the kernel protocol with several fake mms, each a page table
 * of nr_ptes slots (address -> struct page) under its page_table_lock,
 * and an mmap_sem (a writer-preferring rwlock):
 *
 *  waiter threads   (mmap_sem read) look a page up, take a reference
 *                   and register to follow it with insert_pin_page(),
 *                   all under one hold of page_table_lock, as
 *                   kernel/futex.c does; hold it a while, checking it;
 *                   then remove_pin_page() (which drops no reference)
 *                   and drop their page.  Their callback moves their page
 *                   reference, under a "user" lock nested inside, like
 *                   futex_cow_callback().  Quiet registrations (see
 *                   waiter()) are checked by the callbacks only;
 *  fault threads    (mmap_sem read) replace the page at an address by a
 *                   fresh one (COW), or map a fresh page at an empty
 *                   pte (a fault, also after a zap), and call
 *                   page_change_map() (or __page_change_map());
 *  unmap threads    munmap() a range, or the whole mm like exit_mmap()
 *                   (mmap_sem write, page_change_unmap() before the
 *                   ptes go); zap a range like MADV_DONTNEED (read; no
 *                   hook: the registrations stay); or zeromap a range
 *                   like read() from /dev/zero (read; ptes set to the
 *                   zero page and page_change_remap() under the same
 *                   lock hold); later fault new pages in;
 *  mremap threads   (mmap_sem write) move the ptes of 1-3 pages to a
 *                   free range, then page_change_move() (which takes
 *                   page_table_lock) or __page_change_remap() under the
 *                   lock, then unmap the old range, as mremap() does.
 *
 * A zapped pte keeps what the registrations there follow: the test
 * records the page in a shadow slot (holding a reference), and "what
 * the page table maps at an address" below means the pte, or the
 * shadow of a zapped one.
 *
 * --collide puts the registrations of every mm into two hash buckets.
 *
 * Before the threads start, deterministic self-checks (--no-self-check
 * skips them): page_change_init()'s sizing of the hash for several
 * amounts of low memory and allocation failures (FAIL [init]); and the
 * range events on one mm with registrations inside, at the edges of and
 * outside a range: exactly the registrations in [start, end) are told,
 * moved or dropped, once each (FAIL [range]), and the walk visits
 * (rb_next() calls, counted by the shim) exactly those, however many
 * registrations lie outside the range (FAIL [cost]).
 *
 * Invariants (any violation: "FAIL [kind]: ..." and exit status 3):
 *  lost-update  whenever a registration is attached (not told of an
 *               unmap), its owner's current page is what the page table
 *               maps at data->address: checked under mmap_sem (read)
 *               and page_table_lock by the owner while it holds the
 *               registration, by every thread right after it changed an
 *               address (COW, fault, zap, zeromap, move, unmap), and in
 *               each callback, which must find the owner up to date
 *               with every earlier change;
 *  protocol     callbacks come under data->vm->page_table_lock (and a
 *               bucket lock for a fault or COW; mmap_sem held for
 *               writing for a move), for an address in the range
 *               changed, with the page installed, registration already
 *               moved (mremap) or still registered (zeromap) or already
 *               dropped from hash and tree (unmap), never after an unmap
 *               told them, never outside a hook;
 *  after-remove no callback after remove_pin_page() returned: the
 *               struct is poisoned (callback pointer and magic) and
 *               freed only much later;
 *  lock         the lock order page_table_lock -> bucket -> user lock,
 *               no self-deadlock (shim/linux/spinlock.h);
 *  refcount     no get/put on a free page; at the end every page has
 *               exactly the references of the ptes and shadows holding
 *               it, and freeing all of them frees every page;
 *  tree         after every range event, each mm's page_change_root is
 *               a well-formed search tree by address (parent links,
 *               order, no removed node), each node also hashed;
 *  leftover     at the end (and after unmapping a whole mm) every
 *               mm->page_change_root and every hash bucket is empty.
 *
 * Deliberately broken variants, which must FAIL (negative controls):
 *  -DBROKEN_REGISTER  the waiter looks the page up, drops
 *                     page_table_lock, and registers with
 *                     insert_pin_page() under a new hold, with no
 *                     check: a COW in between is lost;
 *  -DBROKEN_REMOVE    the owner reads its current page, then calls
 *                     remove_pin_page() and drops the page it read: a
 *                     COW between the two moves the reference, and the
 *                     stale page is dropped;
 *  -DBROKEN_LOCK_ORDER the owner calls remove_pin_page() (which takes
 *                     page_table_lock) while holding its user lock,
 *                     the inverse of the callbacks' order: FAIL [lock];
 *  stress-broken-range (Makefile) page_change.c with the range walks'
 *                     first-registration test made strict (> start):
 *                     registrations at the start of a range are missed.
 */
#define _GNU_SOURCE

#define RANK_PTL	1
#define RANK_BUCKET	2
#define RANK_USER	3
#define SPIN_LOCK_DEFAULT_RANK RANK_BUCKET	/* page_change.c's locks */

extern int collide;
#define SHIM_HASH_COLLIDE collide

#include <linux/mm.h>
#include "page_change.c"	/* the code under test, from the patch */

#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#ifdef __SANITIZE_THREAD__
#define TOOL "tsan"
void AnnotateBenignRaceSized(const char *file, int line,
			     const volatile void *mem, unsigned long size,
			     const char *desc);
#define BENIGN_RACE(addr, size, desc) \
	AnnotateBenignRaceSized(__FILE__, __LINE__, (addr), (size), (desc))
#elif defined(__has_include)
#if __has_include(<valgrind/helgrind.h>)
#define TOOL "plain"
#include <valgrind/helgrind.h>
#define BENIGN_RACE(addr, size, desc) VALGRIND_HG_DISABLE_CHECKING((addr), (size))
#endif
#endif
#ifndef TOOL
#define TOOL "plain"
#define BENIGN_RACE(addr, size, desc) ((void)(addr))
#endif

int collide;		/* --collide */

/* page_change_init()'s environment: the shims read these. */
static unsigned long lowmem = 1UL << 14;	/* 4096 buckets */
int shim_max_order = 1000;
int shim_gfp_calls;

unsigned int nr_free_buffer_pages(void)
{
	return (unsigned int)lowmem;
}

static struct {
	double seconds;
	int mms, slots, waiters, cows, unmappers, movers;
	unsigned long seed;
	int watchdog, annotate, coverage, insert_check, self_check;
	int max_order;
} opt = {
	.seconds = 2.0, .mms = 4, .slots = 8,
	.waiters = 4, .cows = 2, .unmappers = 1, .movers = 1,
	.annotate = 1, .coverage = 1, .insert_check = 1, .self_check = 1,
	.max_order = 1000,
};

static atomic_int stop;
/* A registration, and which kinds of callback happened (COV_*): on a
 * slow or loaded host the run goes on (up to 8 x --duration) until all
 * did. */
static atomic_int seen;
enum { COV_REG = 1, COV_COW = 2, COV_FAULT = 4, COV_MOVE = 8,
       COV_UNMAP = 16, COV_ZEROMAP = 32, COV_ALL = 63 };
#define COVERED(bit) \
	atomic_fetch_or_explicit(&seen, (bit), memory_order_relaxed)
static spinlock_t user_lock;	/* plays futex_lock */

static void fail(const char *kind, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

static void fail(const char *kind, const char *fmt, ...)
{
	va_list ap;

	flockfile(stderr);
	fprintf(stderr, "FAIL [%s]: ", kind);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	funlockfile(stderr);
	_exit(3);
}

/* ------------------------------------------------------------------ */
/* Pages: allocated in chunks, returned to libc only at the end; a freed
 * page goes to the tail of a FIFO and is reused only when QUARANTINE
 * pages are queued after it, so that a stale get/put finds it free. */

#define CHUNK		4096
#define QUARANTINE	4096

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct page **chunks;
static int nchunks, chunk_cap, chunk_used = CHUNK;
static struct page *free_head, *free_tail;
static long nfree;
static unsigned long nallocs, nfrees;
static struct page *zero_page;	/* one reference of its own, never freed */

static struct page *alloc_page(void)
{
	struct page *p;

	pthread_mutex_lock(&pool_lock);
	if (nfree > QUARANTINE) {
		p = free_head;
		free_head = p->next_free;
		nfree--;
	} else {
		if (chunk_used == CHUNK) {
			if (nchunks == chunk_cap) {
				chunk_cap = chunk_cap ? 2 * chunk_cap : 64;
				chunks = realloc(chunks, chunk_cap * sizeof(*chunks));
				if (!chunks)
					abort();
			}
			chunks[nchunks] = calloc(CHUNK, sizeof(struct page));
			if (!chunks[nchunks])
				abort();
			nchunks++;
			chunk_used = 0;
		}
		p = &chunks[nchunks - 1][chunk_used++];
	}
	if (atomic_load(&p->count) != 0)
		fail("refcount", "page #%lu on the free list has %d references",
		     p->serial, atomic_load(&p->count));
	p->serial = ++nallocs;
	p->next_free = NULL;
	atomic_store(&p->count, 1);
	pthread_mutex_unlock(&pool_lock);
	return p;
}

static void free_page(struct page *p)
{
	pthread_mutex_lock(&pool_lock);
	p->next_free = NULL;
	if (free_head)
		free_tail->next_free = p;
	else
		free_head = p;
	free_tail = p;
	nfree++;
	nfrees++;
	pthread_mutex_unlock(&pool_lock);
}

void get_page(struct page *p)
{
	int old = atomic_fetch_add(&p->count, 1);

	if (old <= 0)
		fail("refcount", "get_page() on page #%lu, which is free (count %d)",
		     p->serial, old);
}

void put_page(struct page *p)
{
	int old = atomic_fetch_sub(&p->count, 1);

	if (old <= 0)
		fail("refcount", "put_page() on page #%lu, which is free (count %d): "
		     "a reference was dropped twice", p->serial, old);
	if (old == 1)
		free_page(p);
}

/* ------------------------------------------------------------------ */
/* Fake mms */

#define BASE	0x40000000UL	/* every mm maps the same addresses */

struct fake_mm {
	struct mm_struct mm;
	pthread_rwlock_t mmap_sem;
	struct list_head regs;	/* registrations of the test, under page_table_lock */
	struct page **shadow;	/* zapped ptes: the page followed there (a ref) */
	int id;
};

static struct fake_mm *mms;

static inline struct fake_mm *fake(struct mm_struct *mm)
{
	return list_entry(mm, struct fake_mm, mm);
}

struct page *follow_page(struct mm_struct *mm, unsigned long address, int write)
{
	unsigned long i;

	(void)write;
	if (!spin_held_by_me(&mm->page_table_lock))
		fail("lock", "follow_page() without page_table_lock");
	if (address < mm->start)
		return NULL;
	i = (address - mm->start) >> PAGE_SHIFT;
	return i < mm->nr_ptes ? mm->ptes[i] : NULL;
}

static inline unsigned long slot_addr(int slot)
{
	return BASE + (unsigned long)slot * PAGE_SIZE;
}

/* Under page_table_lock: what a registration at @addr must follow. */
static struct page *followed(struct fake_mm *fm, unsigned long addr)
{
	struct page *p = follow_page(&fm->mm, addr, 0);
	unsigned long i = (addr - BASE) >> PAGE_SHIFT;

	if (!p && addr >= BASE && i < fm->mm.nr_ptes)
		p = fm->shadow[i];
	return p;
}

/* mmap_sem, and what this thread holds of it (for the callbacks). */
static __thread int mmap_sem_held;	/* 0, 'r' or 'w' */

static void down_read(struct fake_mm *fm)
{
	pthread_rwlock_rdlock(&fm->mmap_sem);
	mmap_sem_held = 'r';
}

static void down_write(struct fake_mm *fm)
{
	pthread_rwlock_wrlock(&fm->mmap_sem);
	mmap_sem_held = 'w';
}

static void up(struct fake_mm *fm)
{
	mmap_sem_held = 0;
	pthread_rwlock_unlock(&fm->mmap_sem);
}

/* ------------------------------------------------------------------ */
/* Threads */

struct stats {
	unsigned long registered, unmapped;
	unsigned long removed, removed_detached, quiet;
	unsigned long cow, cow_cb, fault, fault_cb, move, move_cb;
	unsigned long unmap, unmap_cb, zap, zeromap, zeromap_cb, faults;
	unsigned long checks;
};

#define QREG 16		/* removed registrations kept poisoned */

struct thread {
	pthread_t tid;
	int idx;
	uint64_t rnd;
	struct stats st;
	struct reg *quarantine[QREG];
	int qpos;
};

static __thread struct thread *self;

static inline unsigned rnd(struct thread *t)
{
	/* xorshift64* */
	t->rnd ^= t->rnd >> 12;
	t->rnd ^= t->rnd << 25;
	t->rnd ^= t->rnd >> 27;
	return (unsigned)((t->rnd * 2685821657736338717ULL) >> 32);
}

static inline int stopping(void)
{
	return atomic_load_explicit(&stop, memory_order_relaxed);
}

/* Let the others run for a bit: what preemption or an interrupt does. */
static void pause_a_bit(struct thread *t)
{
	unsigned r = rnd(t) % 8, i;

	if (r < 3)
		return;
	if (r < 6) {
		sched_yield();
		return;
	}
	for (i = rnd(t) % 2000; i; i--)
		__asm__ __volatile__("" ::: "memory");
}

/* The window the broken variants open: long enough for a COW. */
static __attribute__((unused)) void window(struct thread *t)
{
	int i;

	sched_yield();
	for (i = rnd(t) % 4000; i; i--)
		__asm__ __volatile__("" ::: "memory");
}

/* ------------------------------------------------------------------ */
/* What the hooks are doing, so that callbacks can check it. */

enum ev_kind { EV_NONE, EV_MAP, EV_MOVE, EV_UNMAP, EV_ZEROMAP, EV_SELF };

#define MAXLEN	4	/* pages per move or zeromap */

static __thread struct event {
	enum ev_kind kind;
	struct mm_struct *mm;
	unsigned long addr, end;	/* MAP: addr; others: [addr, end) */
	unsigned long new_addr;		/* MOVE */
	struct page *old, *new;		/* MAP: the page followed before, the new one */
	struct page *olds[MAXLEN];	/* ZEROMAP: what [addr, end) followed */
	int cow;			/* MAP: a COW, not a fault */
} ev;

/* ------------------------------------------------------------------ */
/* Registrations */

#define REG_LIVE	0x4c495645u
#define REG_DEAD	0x6b6b6b6bu

struct reg {
	struct page_change_struct pin;
	unsigned magic;
	struct page *cur;	/* the owner's page, under page_table_lock + user_lock */
	int detached;		/* told of an unmap */
	int quiet;		/* see waiter() */
	struct list_head link;	/* on fake_mm.regs, under page_table_lock */
};

static unsigned long serial(struct page *p)
{
	return p ? p->serial : 0;
}

/* Under page_table_lock: an attached registration follows what is mapped. */
static void check_reg(struct reg *r, const char *when)
{
	struct page *now;

	if (r->detached)
		return;
	now = followed(fake(r->pin.vm), r->pin.address);
	if (now != r->cur)
		fail("lost-update", "%s: registration %p at mm%d %#lx follows "
		     "page #%lu but the page table maps %s%.0lu", when,
		     (void *)r, fake(r->pin.vm)->id, r->pin.address,
		     serial(r->cur), now ? "page #" : "nothing", serial(now));
}

/* Under page_table_lock: every attached registration in [lo, hi). */
static void check_range(struct fake_mm *fm, unsigned long lo,
			unsigned long hi, const char *when)
{
	struct list_head *pos;

	list_for_each(pos, &fm->regs) {
		struct reg *r = list_entry(pos, struct reg, link);

		if (r->pin.address >= lo && r->pin.address < hi)
			check_reg(r, when);
	}
}

/* ------------------------------------------------------------------ */
/* The tree, read without the shim's counted functions. */

static int in_tree(struct rb_root *root, struct rb_node *node)
{
	struct rb_node *n;

	for (n = node; n && n != SHIM_RB_POISON; n = n->rb_parent)
		if (n == root->rb_node)
			return 1;
	return 0;
}

/* Recursive check of a subtree; returns the number of nodes. */
static unsigned long tree_check_sub(struct rb_node *n, struct rb_node *parent,
				    unsigned long lo, unsigned long hi,
				    const char *when, int depth)
{
	struct page_change_struct *d;

	if (!n)
		return 0;
	if (depth > 100000 || n == SHIM_RB_POISON)
		fail("tree", "%s: a removed node or a cycle in the tree", when);
	d = rb_entry(n, struct page_change_struct, vm_rb);
	if (n->rb_parent != parent)
		fail("tree", "%s: bad parent link at %#lx", when, d->address);
	if (d->address < lo || d->address > hi)
		fail("tree", "%s: %#lx out of order (between %#lx and %#lx)",
		     when, d->address, lo, hi);
	/* data->state, not data->list: a hash chain link is rewritten by
	 * the other mms of the bucket under the bucket lock alone. */
	if (d->state != PC_INDEXED)
		fail("tree", "%s: %#lx is in the tree with state %d, not "
		     "indexed (hashed)", when, d->address, d->state);
	return 1 + tree_check_sub(n->rb_left, n, lo, d->address, when, depth + 1) +
		tree_check_sub(n->rb_right, n, d->address, hi, when, depth + 1);
}

/*
 * Under page_table_lock: with a non-empty tree, page_change_lo and
 * page_change_hi are its lowest address and its highest + PAGE_SIZE.
 * O(depth), by the child pointers (not the counted rb_* functions).
 */
static void bounds_check(struct mm_struct *mm, const char *when)
{
	struct rb_node *lo = mm->page_change_root.rb_node, *hi = lo;
	unsigned long a, b;

	if (!lo)
		return;
	while (lo->rb_left)
		lo = lo->rb_left;
	while (hi->rb_right)
		hi = hi->rb_right;
	a = rb_entry(lo, struct page_change_struct, vm_rb)->address;
	b = rb_entry(hi, struct page_change_struct, vm_rb)->address + PAGE_SIZE;
	if (mm->page_change_lo != a || mm->page_change_hi != b)
		fail("tree", "%s: bounds [%#lx, %#lx), but the tree spans "
		     "[%#lx, %#lx)", when, mm->page_change_lo,
		     mm->page_change_hi, a, b);
}

/* Under page_table_lock: the registrations not yet indexed. */
static unsigned long new_check(struct mm_struct *mm, const char *when)
{
	struct list_head *pos;
	unsigned long n = 0;

	list_for_each(pos, &mm->page_change_new) {
		struct page_change_struct *d =
			list_entry(pos, struct page_change_struct, list);

		if (d->state != PC_NEW || d->vm != mm)
			fail("tree", "%s: %#lx on page_change_new with state %d",
			     when, d->address, d->state);
		n++;
	}
	return n;
}

/*
 * Under page_table_lock: the tree is well formed, its nodes indexed, its
 * bounds right, and tree + page_change_new hold page_change_count
 * registrations.  Returns the number in the tree.
 */
static unsigned long tree_check(struct mm_struct *mm, const char *when)
{
	unsigned long t, n;

	t = tree_check_sub(mm->page_change_root.rb_node, NULL, 0, ~0UL,
			   when, 0);
	bounds_check(mm, when);
	n = new_check(mm, when);
	if (mm->page_change_count < 0 ||
	    (unsigned long)mm->page_change_count != t + n)
		fail("tree", "%s: page_change_count %d, but %lu in the tree "
		     "and %lu new", when, mm->page_change_count, t, n);
	return t;
}

static void callback(struct page_change_struct *pin, struct page *new)
{
	struct reg *r = list_entry(pin, struct reg, pin);
	struct fake_mm *fm = fake(pin->vm);
	struct page *old, *was;
	unsigned long i;

	if (r->magic != REG_LIVE)
		fail("after-remove", "callback on a removed registration %p", (void *)r);
	if (!spin_held_by_me(&pin->vm->page_table_lock))
		fail("protocol", "callback without data->vm->page_table_lock");
	if (ev.kind == EV_NONE || ev.mm != pin->vm)
		fail("protocol", "callback for mm%d outside of a hook on it",
		     fm->id);
	if (r->detached)
		fail("protocol", "callback after the unmap callback");

	switch (ev.kind) {
	case EV_MAP:
		if (!shim_holds_rank(RANK_BUCKET))
			fail("protocol", "fault/COW callback without the bucket lock");
		if (pin->state != PC_INDEXED)
			fail("protocol", "fault/COW callback on a registration "
			     "with state %d, not indexed", pin->state);
		if (pin->address != ev.addr || new != ev.new)
			fail("protocol", "%s at %#lx: callback for %#lx with page #%lu, "
			     "not #%lu", ev.cow ? "COW" : "fault", ev.addr,
			     pin->address, serial(new), serial(ev.new));
		/* The owner must have been told of every earlier change. */
		if (r->cur != ev.old)
			fail("lost-update", "%s at mm%d %#lx replaced page #%lu, "
			     "but the registration %p followed page #%lu",
			     ev.cow ? "COW" : "fault after a zap", fm->id,
			     ev.addr, serial(ev.old), (void *)r, serial(r->cur));
		if (ev.cow) {
			self->st.cow_cb++;
			COVERED(COV_COW);
		} else {
			self->st.fault_cb++;
			COVERED(COV_FAULT);
		}
		break;
	case EV_MOVE:
		if (mmap_sem_held != 'w')
			fail("protocol", "mremap callback without mmap_sem held for writing");
		if (pin->address < ev.new_addr ||
		    pin->address >= ev.new_addr + (ev.end - ev.addr) ||
		    !new || new != follow_page(pin->vm, pin->address, 0))
			fail("protocol", "move [%#lx, %#lx) -> %#lx: callback at %#lx "
			     "with page #%lu, which is not mapped there", ev.addr,
			     ev.end, ev.new_addr, pin->address, serial(new));
		if (pin->state != PC_INDEXED ||
		    !in_tree(&pin->vm->page_change_root, &pin->vm_rb))
			fail("protocol", "mremap callback on a registration that "
			     "is not registered (at its new address)");
		if (r->cur != new)
			fail("lost-update", "mremap moved page #%lu from mm%d %#lx, "
			     "but the registration %p followed page #%lu",
			     serial(new), fm->id,
			     pin->address - ev.new_addr + ev.addr, (void *)r,
			     serial(r->cur));
		self->st.move_cb++;
		COVERED(COV_MOVE);
		break;
	case EV_ZEROMAP:
		if (pin->address < ev.addr || pin->address >= ev.end ||
		    new != zero_page || follow_page(pin->vm, pin->address, 0) != new)
			fail("protocol", "zeromap [%#lx, %#lx): callback at %#lx with "
			     "page #%lu, not the zero page", ev.addr, ev.end,
			     pin->address, serial(new));
		if (pin->state != PC_INDEXED ||
		    !in_tree(&pin->vm->page_change_root, &pin->vm_rb))
			fail("protocol", "zeromap callback on a registration that "
			     "is not registered");
		i = (pin->address - ev.addr) >> PAGE_SHIFT;
		if (r->cur != ev.olds[i])
			fail("lost-update", "zeromap of mm%d %#lx replaced page #%lu, "
			     "but the registration %p followed page #%lu", fm->id,
			     pin->address, serial(ev.olds[i]), (void *)r,
			     serial(r->cur));
		self->st.zeromap_cb++;
		COVERED(COV_ZEROMAP);
		break;
	case EV_UNMAP:
		if (new || pin->address < ev.addr || pin->address >= ev.end)
			fail("protocol", "unmap [%#lx, %#lx): callback at %#lx with "
			     "page #%lu", ev.addr, ev.end, pin->address, serial(new));
		if (pin->state != PC_OFF || !list_empty(&pin->list) ||
		    in_tree(&pin->vm->page_change_root, &pin->vm_rb))
			fail("protocol", "unmap callback before the registration "
			     "was dropped");
		/* The hook comes before the ptes are cleared. */
		was = followed(fm, pin->address);
		if (r->cur != was)
			fail("lost-update", "unmap of mm%d %#lx took page #%lu, but "
			     "the registration %p followed page #%lu",
			     fm->id, pin->address, serial(was),
			     (void *)r, serial(r->cur));
		self->st.unmap_cb++;
		COVERED(COV_UNMAP);
		break;
	default:
		abort();
	}

	spin_lock(&user_lock);
	if (new) {
		/* Move the reference, like futex_cow_callback(). */
		get_page(new);
		old = r->cur;
		r->cur = new;
		put_page(old);
	} else {
		r->detached = 1;	/* keep the page until remove */
	}
	spin_unlock(&user_lock);
}

static void poisoned_callback(struct page_change_struct *pin, struct page *new)
{
	(void)new;
	fail("after-remove", "callback on registration %p after "
	     "remove_pin_page() returned", (void *)list_entry(pin, struct reg, pin));
}

static struct reg *reg_new(struct fake_mm *fm, unsigned long addr)
{
	struct reg *r = calloc(1, sizeof(*r));

	if (!r)
		abort();
	r->pin.address = addr;
	r->pin.vm = &fm->mm;
	r->pin.callback = callback;
	r->magic = REG_LIVE;
	INIT_LIST_HEAD(&r->link);
	return r;
}

/* Look up and register under one hold of page_table_lock, as futex does. */
static int register_pin(struct thread *t, struct fake_mm *fm, struct reg *r)
{
	struct mm_struct *mm = &fm->mm;
	struct page *page;

	down_read(fm);
	spin_lock(&mm->page_table_lock);
	page = follow_page(mm, r->pin.address, 0);
	if (!page) {
		spin_unlock(&mm->page_table_lock);
		up(fm);
		t->st.unmapped++;
		return 0;
	}
	get_page(page);
	r->cur = page;
#ifdef BROKEN_REGISTER
	/* The bug: register after the lookup, without checking. */
	spin_unlock(&mm->page_table_lock);
	window(t);
	spin_lock(&mm->page_table_lock);
#endif
	insert_pin_page(&r->pin);
	if (!r->quiet) {
		list_add_tail(&r->link, &fm->regs);
		if (opt.insert_check)
			check_reg(r, "after insert_pin_page()");
	}
	spin_unlock(&mm->page_table_lock);
	up(fm);
	t->st.registered++;
	COVERED(COV_REG);
	return 1;
}

static void unregister(struct thread *t, struct reg *r)
{
	struct mm_struct *mm = r->pin.vm;
	struct page *cur = NULL;
	int detached = 0;

	if (!r->quiet) {
		down_read(fake(mm));
		spin_lock(&mm->page_table_lock);
		check_reg(r, "before remove_pin_page()");
		list_del_init(&r->link);
		detached = r->detached;
		cur = r->cur;
		spin_unlock(&mm->page_table_lock);
		up(fake(mm));
	}

#ifdef BROKEN_REMOVE
	if (!r->quiet && !detached) {
		/* The bug: drop the page read before remove_pin_page(). */
		window(t);
		remove_pin_page(&r->pin);
		put_page(cur);
	} else
#endif
#ifdef BROKEN_LOCK_ORDER
	if (!r->quiet) {
		/* The bug: unregister under the user lock the callbacks take. */
		spin_lock(&user_lock);
		remove_pin_page(&r->pin);
		spin_unlock(&user_lock);
		if (r->cur)
			put_page(r->cur);
		detached = r->detached;
	} else
#endif
	if (detached && (rnd(t) & 1)) {
		/* Told of the unmap: no callback can change cur any more. */
		remove_pin_page(&r->pin);
		put_page(cur);
	} else {
		remove_pin_page(&r->pin);
		/* No callback now: r->cur is ours to read and drop. */
		cur = r->cur;
		if (cur)
			put_page(cur);
		detached = r->detached;
	}
	t->st.removed++;
	t->st.removed_detached += detached;
	t->st.quiet += r->quiet;
	/* Poison it, and free it only QREG registrations later. */
	r->magic = REG_DEAD;
	r->pin.callback = poisoned_callback;
	r->cur = NULL;
	free(t->quarantine[t->qpos]);
	t->quarantine[t->qpos] = r;
	t->qpos = (t->qpos + 1) % QREG;
}

static void *waiter(void *arg)
{
	struct thread *t = arg;

	self = t;
	while (!stopping()) {
		struct fake_mm *fm = &mms[rnd(t) % opt.mms];
		struct reg *r = reg_new(fm, slot_addr(rnd(t) % opt.slots));
		int holds, i;

		/*
		 * A quiet registration is not checked by anybody but the
		 * callbacks: its owner takes no page_table_lock between
		 * registering and remove_pin_page(), so that only the
		 * facility orders the callbacks before the owner's reads
		 * (a check under the lock would order them for the race
		 * detectors, and hide a remove_pin_page() that does not).
		 */
		r->quiet = rnd(t) % 4 == 0;
		if (!register_pin(t, fm, r)) {
			free(r);
			continue;
		}
		holds = r->quiet ? 0 : rnd(t) % 8;
		for (i = 0; i < holds; i++) {
			pause_a_bit(t);
			down_read(fm);
			spin_lock(&fm->mm.page_table_lock);
			check_reg(r, "while registered");
			spin_unlock(&fm->mm.page_table_lock);
			up(fm);
			t->st.checks++;
		}
		pause_a_bit(t);
		unregister(t, r);
	}
	return NULL;
}

/* Under page_table_lock: a fault maps @page at empty slot @s, and tells. */
static void fault(struct thread *t, struct fake_mm *fm, int s, struct page *page)
{
	struct mm_struct *mm = &fm->mm;
	unsigned long addr = slot_addr(s);
	struct page *zapped = fm->shadow[s];

	mm->ptes[s] = page;
	fm->shadow[s] = NULL;
	ev = (struct event){ .kind = EV_MAP, .mm = mm, .addr = addr,
			    .old = zapped, .new = page };
	/* the hook of do_anonymous_page()/do_no_page(), with a fault
	 * address; or its out-of-line part, or the COW hook */
	switch (rnd(t) % 4) {
	case 0:
		__page_change_fault(mm, addr + (rnd(t) & ~PAGE_MASK), page);
		break;
	case 1:
		page_change_map(mm, addr + (rnd(t) & ~PAGE_MASK), page);
		break;
	default:
		page_change_fault(mm, addr + (rnd(t) & ~PAGE_MASK), page);
	}
	ev.kind = EV_NONE;
	check_range(fm, addr, addr + PAGE_SIZE, "after a fault");
	bounds_check(mm, "after a fault");	/* it may have indexed */
	if (zapped)
		put_page(zapped);
	t->st.faults++;
}

/* Map fresh pages at up to @n empty slots of @fm: page faults.  Called
 * with mmap_sem (read) and page_table_lock held. */
static void fault_in(struct thread *t, struct fake_mm *fm, int n)
{
	int tries, s;

	for (tries = 0; n > 0 && tries < 4 * opt.slots; tries++) {
		s = rnd(t) % opt.slots;
		if (tries < opt.slots && !fm->shadow[s])
			continue;	/* zapped ones first */
		if (fm->mm.ptes[s])
			continue;
		fault(t, fm, s, alloc_page());
		n--;
	}
}

static void *cow_thread(void *arg)
{
	struct thread *t = arg;

	self = t;
	while (!stopping()) {
		struct fake_mm *fm = &mms[rnd(t) % opt.mms];
		struct mm_struct *mm = &fm->mm;
		int s = rnd(t) % opt.slots;
		unsigned long addr = slot_addr(s);
		struct page *old, *new;

		down_read(fm);
		spin_lock(&mm->page_table_lock);
		old = mm->ptes[s];
		if (!old) {
			/* A fault on an empty pte (zapped, or never mapped). */
			if (rnd(t) % 4 == 0) {
				fault(t, fm, s, alloc_page());
				t->st.fault++;
			}
			spin_unlock(&mm->page_table_lock);
			up(fm);
			continue;
		}
		new = alloc_page();
		mm->ptes[s] = new;	/* do_wp_page(): break_cow() */
		ev = (struct event){ .kind = EV_MAP, .mm = mm, .addr = addr,
				    .old = old, .new = new, .cow = 1 };
		if (rnd(t) % 4 == 0) {
			/*
			 * The out-of-line walk, called on any bucket, after
			 * indexing: __page_change_map() alone sees only the
			 * registrations already indexed (page_change_map()
			 * indexes first).
			 */
			if (!list_empty(&mm->page_change_new))
				__page_change_index(mm);
			__page_change_map(hash_page_change(mm, addr), mm,
					  addr, new);
		} else {
			/* the inline hook of the patch, with a fault address */
			page_change_map(mm, addr + (rnd(t) & ~PAGE_MASK), new);
		}
		ev.kind = EV_NONE;
		check_range(fm, addr, addr + PAGE_SIZE, "after a COW");
		bounds_check(mm, "after a COW");
		spin_unlock(&mm->page_table_lock);
		up(fm);
		put_page(old);
		t->st.cow++;
		pause_a_bit(t);
	}
	return NULL;
}

/* munmap() of slots [s, e) (mmap_sem held for writing). */
static void do_munmap(struct thread *t, struct fake_mm *fm, int s, int e,
		      int whole, struct page **gone, int *n)
{
	struct mm_struct *mm = &fm->mm;
	int i;

	spin_lock(&mm->page_table_lock);
	if (whole) {
		/* exit_mmap(): the whole address space */
		ev = (struct event){ .kind = EV_UNMAP, .mm = mm,
				    .addr = 0, .end = ~0UL };
		if (rnd(t) & 1)
			page_change_unmap(mm, 0, ~0UL);
		else
			__page_change_unmap(mm, 0, ~0UL);
	} else {
		ev = (struct event){ .kind = EV_UNMAP, .mm = mm,
				    .addr = slot_addr(s), .end = slot_addr(e) };
		if (rnd(t) & 1)
			page_change_unmap(mm, slot_addr(s), slot_addr(e));
		else
			__page_change_unmap(mm, slot_addr(s), slot_addr(e));
	}
	ev.kind = EV_NONE;
	for (i = s; i < e && i < opt.slots; i++) {
		if (mm->ptes[i])
			gone[(*n)++] = mm->ptes[i];
		if (fm->shadow[i])
			gone[(*n)++] = fm->shadow[i];
		mm->ptes[i] = NULL;
		fm->shadow[i] = NULL;
	}
	check_range(fm, slot_addr(s), slot_addr(e), "after an unmap");
	tree_check(mm, "after an unmap");
	if (whole && (mm->page_change_root.rb_node || mm->page_change_count ||
		      !list_empty(&mm->page_change_new)))
		fail("leftover", "mm%d: registrations left after unmapping "
		     "the whole mm (count %d)", fm->id, mm->page_change_count);
	spin_unlock(&mm->page_table_lock);
	t->st.unmap++;
}

/* MADV_DONTNEED of slots [s, e): no event, the registrations stay. */
static void do_zap(struct thread *t, struct fake_mm *fm, int s, int e)
{
	struct mm_struct *mm = &fm->mm;
	int i;

	spin_lock(&mm->page_table_lock);
	for (i = s; i < e && i < opt.slots; i++) {
		if (!mm->ptes[i])
			continue;
		fm->shadow[i] = mm->ptes[i];	/* the pte's reference */
		mm->ptes[i] = NULL;
	}
	check_range(fm, slot_addr(s), slot_addr(e), "after a zap");
	spin_unlock(&mm->page_table_lock);
	t->st.zap++;
}

/* read() from /dev/zero over slots [s, e): zeromap_page_range(). */
static void do_zeromap(struct thread *t, struct fake_mm *fm, int s, int e,
		       struct page **gone, int *n)
{
	struct mm_struct *mm = &fm->mm;
	int i;

	if (e > opt.slots)
		e = opt.slots;
	spin_lock(&mm->page_table_lock);
	ev = (struct event){ .kind = EV_ZEROMAP, .mm = mm,
			    .addr = slot_addr(s), .end = slot_addr(e) };
	for (i = s; i < e; i++) {
		ev.olds[i - s] = followed(fm, slot_addr(i));
		if (mm->ptes[i])
			gone[(*n)++] = mm->ptes[i];
		if (fm->shadow[i])
			gone[(*n)++] = fm->shadow[i];
		get_page(zero_page);
		mm->ptes[i] = zero_page;
		fm->shadow[i] = NULL;
	}
	if (rnd(t) & 1)
		page_change_remap(mm, slot_addr(s), slot_addr(e));
	else
		__page_change_remap(mm, slot_addr(s), slot_addr(e), slot_addr(s));
	ev.kind = EV_NONE;
	check_range(fm, slot_addr(s), slot_addr(e), "after a zeromap");
	tree_check(mm, "after a zeromap");
	spin_unlock(&mm->page_table_lock);
	t->st.zeromap++;
}

static void *unmap_thread(void *arg)
{
	struct thread *t = arg;
	struct page **gone = calloc(2 * opt.slots, sizeof(*gone));

	self = t;
	if (!gone)
		abort();
	while (!stopping()) {
		struct fake_mm *fm = &mms[rnd(t) % opt.mms];
		struct mm_struct *mm = &fm->mm;
		unsigned op = rnd(t) % 16;
		int whole = op == 0;
		int s = whole ? 0 : rnd(t) % opt.slots;
		int e, i, n = 0, nfault;

		if (op < 8)
			down_write(fm);
		else
			down_read(fm);
		if (!whole && rnd(t) % 2) {
			/* Half the time, start where somebody is registered
			 * (slow runs, under valgrind, need the help). */
			spin_lock(&mm->page_table_lock);
			if (mm->page_change_root.rb_node) {
				unsigned long a = rb_entry(mm->page_change_root.rb_node,
					struct page_change_struct, vm_rb)->address;

				s = (int)((a - BASE) >> PAGE_SHIFT);
				s -= s > 0 && rnd(t) % 2;
			}
			spin_unlock(&mm->page_table_lock);
		}
		e = whole ? opt.slots : s + 1 + (int)(rnd(t) % 3);
		if (e > opt.slots)
			e = opt.slots;
		if (op < 8) {
			do_munmap(t, fm, s, e, whole, gone, &n);
			nfault = n;
		} else if (op < 12) {
			do_zap(t, fm, s, e);
			nfault = e - s;
		} else {
			do_zeromap(t, fm, s, e, gone, &n);
			nfault = 0;
		}
		up(fm);
		for (i = 0; i < n; i++)
			put_page(gone[i]);

		/* Some time later, new pages get mapped. */
		pause_a_bit(t);
		pause_a_bit(t);
		down_read(fm);
		spin_lock(&mm->page_table_lock);
		fault_in(t, fm, nfault);
		spin_unlock(&mm->page_table_lock);
		up(fm);
	}
	free(gone);
	return NULL;
}

static void *mremap_thread(void *arg)
{
	struct thread *t = arg;

	self = t;
	while (!stopping()) {
		struct fake_mm *fm = &mms[rnd(t) % opt.mms];
		struct mm_struct *mm = &fm->mm;
		int len = 1 + (int)(rnd(t) % 3);
		int s, d, i, some = 0;
		unsigned long from, to, end;

		if (len > opt.slots / 2)
			len = opt.slots / 2;
		s = rnd(t) % (opt.slots - len + 1);
		d = rnd(t) % (opt.slots - len + 1);
		if (d < s + len && s < d + len)
			continue;	/* overlapping */
		from = slot_addr(s);
		to = slot_addr(d);
		end = slot_addr(s + len);

		down_write(fm);
		spin_lock(&mm->page_table_lock);
		for (i = 0; i < len; i++) {
			if (mm->ptes[d + i] || fm->shadow[d + i])
				break;	/* the target must be free */
			some |= mm->ptes[s + i] || fm->shadow[s + i];
		}
		if (i < len || !some) {
			spin_unlock(&mm->page_table_lock);
			up(fm);
			continue;
		}
		/* move_page_tables(): the ptes, and what zapped ones followed */
		for (i = 0; i < len; i++) {
			mm->ptes[d + i] = mm->ptes[s + i];
			fm->shadow[d + i] = fm->shadow[s + i];
			mm->ptes[s + i] = NULL;
			fm->shadow[s + i] = NULL;
		}
		spin_unlock(&mm->page_table_lock);

		ev = (struct event){ .kind = EV_MOVE, .mm = mm, .addr = from,
				    .end = end, .new_addr = to };
		if (rnd(t) & 1) {
			page_change_move(mm, from, end, to);
		} else {
			spin_lock(&mm->page_table_lock);
			__page_change_remap(mm, from, end, to);
			spin_unlock(&mm->page_table_lock);
		}

		/* then mremap() unmaps the old range: nothing is left there */
		spin_lock(&mm->page_table_lock);
		ev = (struct event){ .kind = EV_UNMAP, .mm = mm,
				    .addr = from, .end = end };
		page_change_unmap(mm, from, end);
		ev.kind = EV_NONE;
		check_range(fm, from, end, "after mremap, old range");
		check_range(fm, to, to + (end - from), "after mremap, new range");
		tree_check(mm, "after mremap");
		spin_unlock(&mm->page_table_lock);
		up(fm);
		t->st.move++;
		pause_a_bit(t);
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Self-checks: deterministic, single-threaded, before the stress. */

/* page_change_init() for @low pages of low memory, allocations above
 * @max_order failing: the size and state of the table. */
static void init_check(unsigned long low, int max_order)
{
	unsigned long want, fit, i;

	/* One bucket per 4 pages, a power of two, 256 to 16384. */
	for (want = 256; want < 16384 && 4 * want < low; want *= 2)
		;
	/* Fewer if that does not fit in the allocation allowed, down to
	 * 32; else the static table of 16. */
	fit = want;
	while (fit > 16 && (max_order < 0 || (max_order < 16 &&
	       sizeof(struct page_change_bucket) * fit > (PAGE_SIZE << max_order))))
		fit /= 2;

	lowmem = low;
	shim_max_order = max_order;
	page_change_hash = NULL;
	page_change_bits = 0;
	if (core_initcall_fn() != 0)
		fail("init", "page_change_init() failed (lowmem %lu, max order %d)",
		     low, max_order);
	if (!page_change_hash || (1UL << page_change_bits) != fit)
		fail("init", "lowmem %lu pages, allocations above order %d fail: "
		     "%lu buckets, want %lu", low, max_order,
		     page_change_hash ? 1UL << page_change_bits : 0, fit);
	if ((fit == 16) != (page_change_hash == page_change_small))
		fail("init", "lowmem %lu, max order %d: %lu buckets %s the static "
		     "table", low, max_order, fit,
		     fit == 16 ? "not in" : "in");
	for (i = 0; i < fit; i++) {
		struct page_change_bucket *b = &page_change_hash[i];

		if (b->chain.next != &b->chain || b->chain.prev != &b->chain)
			fail("init", "bucket %lu of %lu not initialised", i, fit);
		spin_lock(&b->lock);
		spin_unlock(&b->lock);
	}
	if (page_change_hash != page_change_small)
		free(page_change_hash);
	page_change_hash = NULL;
}

static void init_checks(void)
{
	static const unsigned long lows[] = {
		0, 1, 1024, 1025, 4096, 4097, 16384, 32768, 65535, 65536,
		1UL << 20, 1UL << 24,
	};
	static const int orders[] = { 1000, 4, 2, 1, 0, -1 };
	unsigned i, j;

	for (i = 0; i < sizeof(lows) / sizeof(lows[0]); i++)
		for (j = 0; j < sizeof(orders) / sizeof(orders[0]); j++)
			init_check(lows[i], orders[j]);
	shim_max_order = 1000;
}

struct sc_reg {
	struct page_change_struct pin;
	unsigned long orig;	/* where it was registered */
	int told;
	struct page *new;
};

static void sc_callback(struct page_change_struct *pin, struct page *new)
{
	struct sc_reg *r = list_entry(pin, struct sc_reg, pin);

	if (!spin_held_by_me(&pin->vm->page_table_lock))
		fail("range", "callback without page_table_lock");
	r->told++;
	r->new = new;
}

#define SC_SLOTS	64
#define SC_MAX		(16 + 400)

static struct page sc_pages[SC_SLOTS];

static void sc_mm_init(struct fake_mm *fm, struct page **ptes, int id)
{
	memset(fm, 0, sizeof(*fm));
	fm->id = id;
	fm->mm.page_table_lock = SPIN_LOCK_RANKED(RANK_PTL);
	shim_mm_init(&fm->mm);
	fm->mm.start = BASE;
	fm->mm.nr_ptes = SC_SLOTS;
	fm->mm.ptes = ptes;
}

static unsigned sc_rnd(unsigned *x)
{
	*x = *x * 1103515245u + 12345u;
	return *x >> 8;
}

/*
 * One range event on an mm that has @nout registrations outside
 * [10, 20) (slots), as well as 9 and 20, and 7 inside (three at 10, two
 * at 19): @op 'u' unmap, 'm' move to slot 40, 'z' zeromap.
 */
static unsigned long range_check(int op, int nout)
{
	static const int in[] = { 10, 10, 10, 11, 15, 19, 19 };
	static const int edge[] = { 9, 20, 20 };
	struct page *ptes[SC_SLOTS] = { 0 };
	struct sc_reg *regs = calloc(SC_MAX, sizeof(*regs));
	int order[SC_MAX];
	struct fake_mm sm;
	unsigned long A = slot_addr(10), B = slot_addr(20), N = slot_addr(40);
	unsigned long delta = op == 'm' ? N - A : 0, visits, erases, i;
	unsigned x = 12345 + nout;
	int nr = 0, k = 0, s;
	const char *what = op == 'u' ? "unmap" : op == 'm' ? "move" : "zeromap";

	if (!regs)
		abort();
	sc_mm_init(&sm, ptes, 100);
	for (s = 0; s < SC_SLOTS; s += 2)	/* every other page mapped */
		ptes[s] = &sc_pages[s];
	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++)
		regs[nr++].orig = slot_addr(in[i]);
	k = nr;
	for (i = 0; i < sizeof(edge) / sizeof(edge[0]); i++)
		regs[nr++].orig = slot_addr(edge[i]);
	for (i = 0; i < (unsigned long)nout; i++) {
		s = sc_rnd(&x) % (SC_SLOTS - 10);
		regs[nr++].orig = slot_addr(s < 10 ? s : s + 10);
	}
	/* Registered in a random order: some tree shape. */
	for (i = 0; i < (unsigned long)nr; i++)
		order[i] = (int)i;
	for (i = nr - 1; i > 0; i--) {
		unsigned long j = sc_rnd(&x) % (i + 1);
		int tmp = order[i];

		order[i] = order[j];
		order[j] = tmp;
	}
	spin_lock(&sm.mm.page_table_lock);
	for (i = 0; i < (unsigned long)nr; i++) {
		struct sc_reg *r = &regs[order[i]];

		r->pin.address = r->orig;
		r->pin.vm = &sm.mm;
		r->pin.callback = sc_callback;
		insert_pin_page(&r->pin);
	}
	/* Not indexed yet: the event indexes them first. */
	if (tree_check(&sm.mm, "range self-check, set up") != 0 ||
	    sm.mm.page_change_count != nr)
		fail("range", "%d registrations inserted: %d counted, the tree "
		     "not empty", nr, sm.mm.page_change_count);

	visits = shim_rb_next_calls;
	erases = shim_rb_erase_calls;
	if (op == 'u')
		__page_change_unmap(&sm.mm, A, B);
	else if (op == 'm')
		__page_change_remap(&sm.mm, A, B, N);
	else
		__page_change_remap(&sm.mm, A, B, A);
	visits = shim_rb_next_calls - visits;
	erases = shim_rb_erase_calls - erases;

	for (i = 0; i < (unsigned long)nr; i++) {
		struct sc_reg *r = &regs[i];
		int inside = i < (unsigned long)k;
		struct page *want = inside && op != 'u' ?
			ptes[(r->orig + delta - BASE) >> PAGE_SHIFT] : NULL;
		int hashed = r->pin.state == PC_INDEXED;

		if (!inside) {
			if (r->told || r->pin.address != r->orig || !hashed)
				fail("range", "%s of [%#lx, %#lx): the registration "
				     "at %#lx, outside, was %s", what, A, B,
				     r->orig, r->told ? "told" : !hashed ?
				     "dropped" : "moved");
			continue;
		}
		if (op == 'u' ? r->told != 1 || r->new || hashed :
		    r->told != (want != NULL) || r->new != want ||
		    r->pin.address != r->orig + delta || !hashed)
			fail("range", "%s of [%#lx, %#lx): the registration at "
			     "%#lx was told %d times (page %p), is at %#lx, %s",
			     what, A, B, r->orig, r->told, (void *)r->new,
			     r->pin.address, hashed ? "registered" : "dropped");
	}
	if (tree_check(&sm.mm, "range self-check") !=
	    (unsigned long)(op == 'u' ? nr - k : nr))
		fail("range", "%s: the tree has the wrong number of nodes", what);
	/*
	 * The walk: one rb_next() per registration in the range.  An
	 * unmap drops the new (not yet indexed) ones without the tree.
	 */
	if (visits != (unsigned long)(op == 'u' ? 0 : k) ||
	    erases != (unsigned long)(op == 'u' ? 0 : k))
		fail("cost", "%s of a range with %d registrations, %d outside: "
		     "%lu rb_next() and %lu rb_erase() calls, want %d of each",
		     what, k, nr - k, visits, erases, op == 'u' ? 0 : k);
	spin_unlock(&sm.mm.page_table_lock);

	/* Removed in registration order: the bounds follow (tree_check). */
	for (i = 0; i < (unsigned long)nr; i++) {
		remove_pin_page(&regs[order[i]].pin);
		spin_lock(&sm.mm.page_table_lock);
		tree_check(&sm.mm, "range self-check, removing");
		spin_unlock(&sm.mm.page_table_lock);
	}
	if (sm.mm.page_change_root.rb_node || sm.mm.page_change_count ||
	    !list_empty(&sm.mm.page_change_new))
		fail("range", "registrations left after removing everything");
	free(regs);
	return visits;
}

/* page_change_map(): exactly the registrations of (mm, address). */
static void map_check(void)
{
	struct page *ptes[SC_SLOTS] = { 0 }, *ptes2[SC_SLOTS] = { 0 };
	struct fake_mm a, b;
	struct sc_reg r[5];
	struct page *np = &sc_pages[1];
	int i;

	memset(r, 0, sizeof(r));
	sc_mm_init(&a, ptes, 101);
	sc_mm_init(&b, ptes2, 102);
	for (i = 0; i < 5; i++) {
		/* a: two at slot 3, one at 4; b: one at 3; a: one at 2 */
		static const int where[] = { 3, 3, 4, 3, 2 };
		struct fake_mm *fm = i == 3 ? &b : &a;

		r[i].pin.address = slot_addr(where[i]);
		r[i].pin.vm = &fm->mm;
		r[i].pin.callback = sc_callback;
		spin_lock(&fm->mm.page_table_lock);
		insert_pin_page(&r[i].pin);
		spin_unlock(&fm->mm.page_table_lock);
	}
	spin_lock(&a.mm.page_table_lock);
	ptes[3] = np;
	page_change_map(&a.mm, slot_addr(3) + 123, np);
	spin_unlock(&a.mm.page_table_lock);
	for (i = 0; i < 5; i++)
		if (r[i].told != (i < 2) || r[i].new != (i < 2 ? np : NULL))
			fail("range", "page_change_map(mm%d, %#lx): registration "
			     "%d (mm%d %#lx) told %d times", a.id, slot_addr(3),
			     i, fake(r[i].pin.vm)->id, r[i].pin.address,
			     r[i].told);
	for (i = 0; i < 5; i++)
		remove_pin_page(&r[i].pin);
}

/* Snapshots of this thread's counts of tree and bucket lock operations. */
struct sc_cost {
	unsigned long next, erase, insert, bucket;
};

static struct sc_cost sc_cost_now(void)
{
	return (struct sc_cost){ shim_rb_next_calls, shim_rb_erase_calls,
				 shim_rb_insert_calls,
				 shim_lock_calls[RANK_BUCKET] };
}

static struct sc_cost sc_cost_since(struct sc_cost a)
{
	struct sc_cost b = sc_cost_now();

	return (struct sc_cost){ b.next - a.next, b.erase - a.erase,
				 b.insert - a.insert, b.bucket - a.bucket };
}

static int sc_cost_zero(struct sc_cost c)
{
	return !c.next && !c.erase && !c.insert && !c.bucket;
}

#define SC_COST_FMT	"%lu rb_next(), %lu rb_erase(), %lu inserts, %lu bucket locks"
#define SC_COST_ARGS(c)	(c).next, (c).erase, (c).insert, (c).bucket

/*
 * (a) A registration inserted and removed with no event in between
 * (a futex wait woken before anything happened to its page) never
 * touches the hash or the tree, whether the mm has others indexed or
 * not; and remove_pin_page() drops no page reference.
 */
static void quiet_check(void)
{
	struct page *ptes[SC_SLOTS] = { 0 };
	struct fake_mm sm;
	struct sc_reg other[3], r;
	struct page pg;
	struct sc_cost c;
	int i, round;

	memset(other, 0, sizeof(other));
	memset(&pg, 0, sizeof(pg));
	atomic_store(&pg.count, 1);	/* never freed */
	pg.serial = ~0UL;
	sc_mm_init(&sm, ptes, 103);
	ptes[5] = &pg;
	for (round = 0; round < 2; round++) {
		if (round == 1) {
			/* now with others, indexed, at and around slot 5 */
			spin_lock(&sm.mm.page_table_lock);
			for (i = 0; i < 3; i++) {
				other[i].pin.address = slot_addr(4 + i);
				other[i].pin.vm = &sm.mm;
				other[i].pin.callback = sc_callback;
				insert_pin_page(&other[i].pin);
			}
			__page_change_index(&sm.mm);
			spin_unlock(&sm.mm.page_table_lock);
		}
		memset(&r, 0, sizeof(r));
		r.pin.address = slot_addr(5);
		r.pin.vm = &sm.mm;
		r.pin.callback = sc_callback;
		c = sc_cost_now();
		/* as futex does: look up, take a reference, register */
		spin_lock(&sm.mm.page_table_lock);
		if (follow_page(&sm.mm, r.pin.address, 0) != &pg)
			fail("range", "insert/remove self-check: page not mapped");
		get_page(&pg);
		insert_pin_page(&r.pin);
		spin_unlock(&sm.mm.page_table_lock);
		if (r.pin.state != PC_NEW)
			fail("range", "a registration just inserted has state %d",
			     r.pin.state);
		remove_pin_page(&r.pin);
		c = sc_cost_since(c);
		if (atomic_load(&pg.count) != 2)
			fail("refcount", "remove_pin_page() changed the page's "
			     "references from 2 to %d: it must drop none",
			     atomic_load(&pg.count));
		put_page(&pg);
		if (!sc_cost_zero(c) || r.told || r.pin.state != PC_OFF)
			fail("cost", "insert and remove with no event between "
			     "(round %d): " SC_COST_FMT ", told %d, state %d: "
			     "the hash or the tree was touched", round,
			     SC_COST_ARGS(c), r.told, r.pin.state);
		spin_lock(&sm.mm.page_table_lock);
		if (tree_check(&sm.mm, "insert/remove self-check") !=
		    (round ? 3u : 0u))
			fail("range", "insert/remove self-check: the tree changed");
		spin_unlock(&sm.mm.page_table_lock);
	}
	for (i = 0; i < 3; i++)
		remove_pin_page(&other[i].pin);
	if (sm.mm.page_change_count || sm.mm.page_change_root.rb_node)
		fail("range", "insert/remove self-check: registrations left");
}

/*
 * (b) The bounds: random inserts, removes, indexing and point events on
 * one mm; after each, lo/hi are the lowest and highest + PAGE_SIZE of
 * the tree, and tree + new list hold the count (tree_check()).
 */
static void bounds_selfcheck(void)
{
	struct page *ptes[SC_SLOTS] = { 0 };
	struct sc_reg *regs = calloc(SC_SLOTS, sizeof(*regs));
	struct fake_mm sm;
	unsigned x = 4242;
	int i, op;

	if (!regs)
		abort();
	sc_mm_init(&sm, ptes, 104);
	for (i = 0; i < SC_SLOTS; i++)
		ptes[i] = &sc_pages[i];
	for (op = 0; op < 4000; op++) {
		struct sc_reg *r = &regs[sc_rnd(&x) % SC_SLOTS];
		unsigned what = sc_rnd(&x) % 8;

		if (what < 4 && r->pin.state == PC_OFF) {
			memset(r, 0, sizeof(*r));
			/* clustered, with duplicates: the edges move often */
			r->pin.address = slot_addr(sc_rnd(&x) % 2 ?
						   20 + sc_rnd(&x) % 8 :
						   sc_rnd(&x) % SC_SLOTS);
			r->pin.vm = &sm.mm;
			r->pin.callback = sc_callback;
			spin_lock(&sm.mm.page_table_lock);
			insert_pin_page(&r->pin);
			spin_unlock(&sm.mm.page_table_lock);
		} else if (what < 7) {
			if (r->pin.state != PC_OFF)
				remove_pin_page(&r->pin);
		} else {
			spin_lock(&sm.mm.page_table_lock);
			if (sc_rnd(&x) % 2)
				__page_change_index(&sm.mm);
			else
				page_change_map(&sm.mm, r->pin.address ?
						r->pin.address : slot_addr(3),
						ptes[3]);
			spin_unlock(&sm.mm.page_table_lock);
		}
		spin_lock(&sm.mm.page_table_lock);
		tree_check(&sm.mm, "bounds self-check");
		spin_unlock(&sm.mm.page_table_lock);
	}
	for (i = 0; i < SC_SLOTS; i++)
		if (regs[i].pin.state != PC_OFF)
			remove_pin_page(&regs[i].pin);
	if (sm.mm.page_change_count || sm.mm.page_change_root.rb_node ||
	    !list_empty(&sm.mm.page_change_new))
		fail("range", "bounds self-check: registrations left");
	free(regs);
}

/*
 * (c) A range event outside [lowest, highest] of the registrations:
 * no rb_next(), rb_erase(), insert or bucket lock, and no descent of
 * the tree: the registrations are mprotect()ed PROT_NONE meanwhile, so
 * that the hook may read the mm and nothing else (a touch: SIGSEGV,
 * FAIL [cost]).  The tripwire is itself tested by a range inside.
 */
static char *sc_trap_lo, *sc_trap_hi;
static volatile sig_atomic_t sc_trap_expected, sc_trap_hit;
static sigjmp_buf sc_trap_jmp;

static void sc_trap(int sig, siginfo_t *si, void *uc)
{
	static const char msg[] = "FAIL [cost]: a range event outside every "
		"registration touched one (a tree descent)\n";
	char *a = si->si_addr;

	(void)sig;
	(void)uc;
	if (a < sc_trap_lo || a >= sc_trap_hi) {
		signal(SIGSEGV, SIG_DFL);	/* a real crash */
		return;
	}
	if (sc_trap_expected) {
		sc_trap_hit = 1;
		siglongjmp(sc_trap_jmp, 1);
	}
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(3);
	_exit(3);
}

static void outside_check(int nreg)
{
	struct page *ptes[SC_SLOTS] = { 0 };
	size_t size = (400 * sizeof(struct sc_reg) + 4095) & ~4095UL;
	struct sc_reg *regs;
	struct fake_mm sm;
	struct sigaction sa, old;
	struct sc_cost c;
	unsigned x = 777 + nreg;
	unsigned long lo = ~0UL, hi = 0, s0 = slot_addr(0);
	int i, spans[][3] = {	/* [s, e) -> new (s: zeromap), slots */
		{ 0, 10, 0 }, { 0, 10, 40 }, { 20, 64, 20 }, { 20, 23, 50 },
		{ 63, 64, 63 },
	};

	regs = mmap(NULL, size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (regs == MAP_FAILED)
		abort();
	sc_mm_init(&sm, ptes, 105);
	for (i = 0; i < SC_SLOTS; i++)
		ptes[i] = &sc_pages[i];
	/* In slots [10, 15) and [17, 20): the range is [10, 20). */
	spin_lock(&sm.mm.page_table_lock);
	for (i = 0; i < nreg; i++) {
		int s = 10 + (int)(sc_rnd(&x) % 8);

		regs[i].pin.address = slot_addr(s < 15 ? s : s + 2);
		if (i == 0 || i == 1)
			regs[i].pin.address = slot_addr(i ? 19 : 10);
		regs[i].pin.vm = &sm.mm;
		regs[i].pin.callback = sc_callback;
		insert_pin_page(&regs[i].pin);
		if (regs[i].pin.address < lo)
			lo = regs[i].pin.address;
		if (regs[i].pin.address + PAGE_SIZE > hi)
			hi = regs[i].pin.address + PAGE_SIZE;
	}
	__page_change_index(&sm.mm);
	tree_check(&sm.mm, "outside self-check, set up");
	if (nreg && (sm.mm.page_change_lo != lo || sm.mm.page_change_hi != hi))
		fail("tree", "outside self-check: bounds [%#lx, %#lx), want "
		     "[%#lx, %#lx)", sm.mm.page_change_lo, sm.mm.page_change_hi,
		     lo, hi);
	spin_unlock(&sm.mm.page_table_lock);

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = sc_trap;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, &old);
	sc_trap_lo = (char *)regs;
	sc_trap_hi = (char *)regs + size;
	if (mprotect(regs, size, PROT_NONE))
		abort();

	c = sc_cost_now();
	for (i = 0; i < (int)(sizeof(spans) / sizeof(spans[0])); i++) {
		unsigned long s = s0 + spans[i][0] * PAGE_SIZE,
			e = s0 + spans[i][1] * PAGE_SIZE,
			n = s0 + spans[i][2] * PAGE_SIZE;

		spin_lock(&sm.mm.page_table_lock);
		__page_change_unmap(&sm.mm, s, e);
		page_change_unmap(&sm.mm, s, e);
		__page_change_remap(&sm.mm, s, e, n);
		if (n == s)
			page_change_remap(&sm.mm, s, e);
		spin_unlock(&sm.mm.page_table_lock);
		if (n != s)
			page_change_move(&sm.mm, s, e, n);
	}
	c = sc_cost_since(c);
	if (!sc_cost_zero(c))
		fail("cost", "range events outside the %d registrations: "
		     SC_COST_FMT ", want none", nreg, SC_COST_ARGS(c));

	/* The control of the tripwire: a range inside must descend. */
	if (nreg) {
		sc_trap_expected = 1;
		sc_trap_hit = 0;
		spin_lock(&sm.mm.page_table_lock);
		if (!sigsetjmp(sc_trap_jmp, 1))
			__page_change_unmap(&sm.mm, slot_addr(12), slot_addr(13));
		sc_trap_expected = 0;
		if (mprotect(regs, size, PROT_READ | PROT_WRITE))
			abort();
		spin_unlock(&sm.mm.page_table_lock);
		if (!sc_trap_hit)
			fail("cost", "outside self-check: the tripwire did not "
			     "catch a descent of the tree");
	} else if (mprotect(regs, size, PROT_READ | PROT_WRITE)) {
		abort();
	}
	sigaction(SIGSEGV, &old, NULL);

	/* A range in a gap: a descent, but no walk. */
	spin_lock(&sm.mm.page_table_lock);
	tree_check(&sm.mm, "outside self-check");
	c = sc_cost_now();
	__page_change_unmap(&sm.mm, slot_addr(15), slot_addr(17));
	__page_change_remap(&sm.mm, slot_addr(15), slot_addr(17), slot_addr(15));
	c = sc_cost_since(c);
	if (!sc_cost_zero(c))
		fail("cost", "range events in a gap between the %d registrations: "
		     SC_COST_FMT ", want none", nreg, SC_COST_ARGS(c));
	if (tree_check(&sm.mm, "outside self-check") != (unsigned long)nreg)
		fail("range", "outside self-check: registrations lost");
	for (i = 0; i < nreg; i++)
		if (regs[i].told)
			fail("range", "outside self-check: the registration at "
			     "%#lx was told", regs[i].pin.address);
	spin_unlock(&sm.mm.page_table_lock);
	for (i = 0; i < nreg; i++)
		remove_pin_page(&regs[i].pin);
	if (sm.mm.page_change_count || sm.mm.page_change_root.rb_node)
		fail("range", "outside self-check: registrations left");
	munmap(regs, size);
}

static void self_checks(void)
{
	unsigned long v0, v1;
	const char *op;

	init_checks();
	/* the real thing, as configured */
	lowmem = 1UL << 14;
	shim_max_order = opt.max_order;
	if (core_initcall_fn() != 0)
		fail("init", "page_change_init() failed");
	map_check();
	quiet_check();
	bounds_selfcheck();
	outside_check(0);
	outside_check(400);
	for (op = "umz"; *op; op++) {
		v0 = range_check(*op, 0);
		v1 = range_check(*op, 400);
		if (v0 != v1)
			fail("cost", "%c: %lu visits with nothing outside the "
			     "range, %lu with 400 outside", *op, v0, v1);
	}
	printf("stress: self-checks passed: hash sizing (%d configurations), "
	       "page_change_map(), insert+remove without an event touches "
	       "neither hash nor tree, bounds, ranges outside the "
	       "registrations cost nothing, unmap/move/zeromap of a range "
	       "(visits independent of the registrations outside)\n", 12 * 6);
}

/* ------------------------------------------------------------------ */

static void watchdog(int sig)
{
	static const char msg[] = "FAIL [watchdog]: still running: deadlock?\n";

	(void)sig;
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(4);
	_exit(4);
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: stress [options]\n"
"  -d, --duration SEC   run time (default %.1f)\n"
"  -m, --mms N          fake mms (default %d)\n"
"  -s, --slots N        pages per mm (default %d, at least 4)\n"
"  -w, --waiters N      waiter threads (default %d)\n"
"  -c, --cow N          COW/fault threads (default %d)\n"
"  -u, --unmap N        unmap/zap/zeromap threads (default %d)\n"
"  -r, --mremap N       mremap threads (default %d)\n"
"  -S, --seed N         random seed (default: from the clock)\n"
"      --collide        all (mm, address) pairs hash to 2 buckets\n"
"      --max-order N    page_change_init()'s allocations above order N\n"
"                       fail (-1: all of them, the static table of 16)\n"
"      --watchdog SEC   give up after SEC (default 30 + 12 * duration)\n"
"      --no-insert-check  do not check a registration right after inserting\n"
"      --no-annotate    do not tell race detectors about the lockless\n"
"                       empty tests of page_change_map() and page_change_move()\n"
"      --no-coverage    do not fail when some event never happened\n"
"      --no-self-check  skip the deterministic checks before the stress\n"
"Exit status: 0 pass, 2 usage, 3 invariant violated, 4 watchdog,\n"
"5 not every path was exercised; abort() on a BUG_ON.\n",
		opt.seconds, opt.mms, opt.slots, opt.waiters, opt.cows,
		opt.unmappers, opt.movers);
}

static int num(const char *s, int min)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == 0 || *end || v < min || v > 1000) {
		fprintf(stderr, "stress: bad number '%s'\n", s);
		exit(2);
	}
	return (int)v;
}

static void sum(struct stats *a, const struct stats *b)
{
	unsigned long *x = (unsigned long *)a;
	const unsigned long *y = (const unsigned long *)b;
	size_t i;

	for (i = 0; i < sizeof(*a) / sizeof(*x); i++)
		x[i] += y[i];
}

static void final_checks(const struct stats *st)
{
	unsigned long i, mapped = 0;
	int m, c, s;

	/* Every registration was removed: nothing left anywhere. */
	for (m = 0; m < opt.mms; m++) {
		if (mms[m].mm.page_change_root.rb_node)
			fail("leftover", "mm%d: page_change_root not empty at the end", m);
		if (mms[m].mm.page_change_count)
			fail("leftover", "mm%d: page_change_count %d at the end",
			     m, mms[m].mm.page_change_count);
		if (!list_empty(&mms[m].mm.page_change_new))
			fail("leftover", "mm%d: page_change_new not empty at the end", m);
		if (!list_empty(&mms[m].regs))
			fail("leftover", "mm%d: test registrations left", m);
	}
	for (i = 0; i < (1UL << page_change_bits); i++)
		if (!list_empty(&page_change_hash[i].chain))
			fail("leftover", "hash bucket %lu not empty at the end", i);

	/* Each page has exactly the references of the ptes and shadows. */
	for (c = 0; c < nchunks; c++) {
		int n = c == nchunks - 1 ? chunk_used : CHUNK;

		for (s = 0; s < n; s++)
			chunks[c][s].next_free = NULL;
	}
	for (m = 0; m < opt.mms; m++)
		for (s = 0; s < opt.slots; s++) {
			struct page *p = mms[m].mm.ptes[s] ? mms[m].mm.ptes[s] :
				mms[m].shadow[s];

			if (p)	/* next_free counts, for now */
				p->next_free = (struct page *)((char *)p->next_free + 1);
		}
	for (c = 0; c < nchunks; c++) {
		int n = c == nchunks - 1 ? chunk_used : CHUNK;

		for (s = 0; s < n; s++) {
			struct page *p = &chunks[c][s];
			long want = (long)(uintptr_t)p->next_free + (p == zero_page);
			int have = atomic_load(&p->count);

			if (have != want)
				fail("refcount", "page #%lu has %d references at the "
				     "end, its ptes account for %ld", p->serial,
				     have, want);
			if (p->next_free)
				mapped++;
			p->next_free = NULL;
		}
	}
	/* Tear everything down: every page must be freed. */
	for (m = 0; m < opt.mms; m++) {
		struct mm_struct *mm = &mms[m].mm;

		spin_lock(&mm->page_table_lock);
		page_change_unmap(mm, 0, ~0UL);	/* no callbacks */
		for (s = 0; s < opt.slots; s++) {
			if (mm->ptes[s])
				put_page(mm->ptes[s]);
			if (mms[m].shadow[s])
				put_page(mms[m].shadow[s]);
			mm->ptes[s] = NULL;
			mms[m].shadow[s] = NULL;
		}
		spin_unlock(&mm->page_table_lock);
	}
	put_page(zero_page);
	if (nallocs != nfrees)
		fail("refcount", "%lu pages allocated, %lu freed", nallocs, nfrees);

	printf("stress: %lu registrations (%lu quiet), %lu told of an unmap; "
	       "%lu lookups found nothing mapped\n",
	       st->registered, st->quiet, st->removed_detached, st->unmapped);
	printf("stress: %lu COWs (%lu callbacks), %lu faults (%lu callbacks "
	       "after a zap), %lu mremaps (%lu callbacks), %lu unmaps (%lu "
	       "callbacks), %lu zaps, %lu zeromaps (%lu callbacks), %lu "
	       "checks; %lu pages, %lu mapped at the end; %lu hash buckets\n",
	       st->cow, st->cow_cb, st->faults, st->fault_cb, st->move,
	       st->move_cb, st->unmap, st->unmap_cb, st->zap, st->zeromap,
	       st->zeromap_cb, st->checks, nallocs, mapped,
	       1UL << page_change_bits);
}
int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "duration", 1, 0, 'd' }, { "mms", 1, 0, 'm' },
		{ "slots", 1, 0, 's' }, { "waiters", 1, 0, 'w' },
		{ "cow", 1, 0, 'c' }, { "unmap", 1, 0, 'u' },
		{ "mremap", 1, 0, 'r' }, { "seed", 1, 0, 'S' },
		{ "collide", 0, 0, 'C' }, { "watchdog", 1, 0, 'W' },
		{ "no-insert-check", 0, 0, 'I' }, { "no-annotate", 0, 0, 'A' },
		{ "no-coverage", 0, 0, 'V' }, { "help", 0, 0, 'h' },
		{ "no-self-check", 0, 0, 'X' }, { "max-order", 1, 0, 'O' },
		{ 0, 0, 0, 0 }
	};
	struct thread *th;
	struct stats st = { 0 };
	struct timespec ts;
	int i, c, nthreads;
	char *end;

	while ((c = getopt_long(argc, argv, "d:m:s:w:c:u:r:S:h", lopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			opt.seconds = strtod(optarg, &end);
			if (*end || opt.seconds <= 0) {
				fprintf(stderr, "stress: bad duration '%s'\n", optarg);
				return 2;
			}
			break;
		case 'm': opt.mms = num(optarg, 1); break;
		case 's': opt.slots = num(optarg, 4); break;
		case 'w': opt.waiters = num(optarg, 0); break;
		case 'c': opt.cows = num(optarg, 0); break;
		case 'u': opt.unmappers = num(optarg, 0); break;
		case 'r': opt.movers = num(optarg, 0); break;
		case 'S': opt.seed = strtoul(optarg, NULL, 0); break;
		case 'C': collide = 1; break;
		case 'W': opt.watchdog = num(optarg, 1); break;
		case 'I': opt.insert_check = 0; break;
		case 'A': opt.annotate = 0; break;
		case 'V': opt.coverage = 0; break;
		case 'X': opt.self_check = 0; break;
		case 'O':
			opt.max_order = strcmp(optarg, "-1") ? num(optarg, 0) : -1;
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (!opt.seed) {
		clock_gettime(CLOCK_REALTIME, &ts);
		opt.seed = (unsigned long)ts.tv_sec * 1000003UL ^ (unsigned long)ts.tv_nsec;
	}
	if (!opt.watchdog)
		opt.watchdog = 30 + (int)(12 * opt.seconds);
	signal(SIGALRM, watchdog);
	alarm(opt.watchdog);
	setvbuf(stdout, NULL, _IOLBF, 0);

	user_lock = SPIN_LOCK_RANKED(RANK_USER);
	/* The core_initcall (checked first), and then nothing but the API. */
	if (opt.self_check) {
		self_checks();
	} else {
		shim_max_order = opt.max_order;
		if (core_initcall_fn() != 0)
			fail("init", "page_change_init() failed");
	}
	/*
	 * page_change_map() tests a bucket for empty without its lock,
	 * racing with inserts and removals of other mms in that bucket
	 * (by design: see page_change.txt); tell the race detectors about
	 * that one word per bucket.  The other one is below.
	 */
	if (opt.annotate)
		for (i = 0; i < (1 << page_change_bits); i++)
			BENIGN_RACE(&page_change_hash[i].chain.next,
				    sizeof(page_change_hash[i].chain.next),
				    "lockless empty test in page_change_map()");

	zero_page = alloc_page();
	mms = calloc(opt.mms, sizeof(*mms));
	if (!mms)
		abort();
	for (i = 0; i < opt.mms; i++) {
		struct mm_struct *mm = &mms[i].mm;
		int s;
		pthread_rwlockattr_t attr;

		mms[i].id = i;
		INIT_LIST_HEAD(&mms[i].regs);
		mm->page_table_lock = SPIN_LOCK_RANKED(RANK_PTL);
		shim_mm_init(mm);
		/* a writer is not starved by readers, as with an rw_semaphore */
		pthread_rwlockattr_init(&attr);
		pthread_rwlockattr_setkind_np(&attr,
			PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
		pthread_rwlock_init(&mms[i].mmap_sem, &attr);
		pthread_rwlockattr_destroy(&attr);
		mm->start = BASE;
		mm->nr_ptes = opt.slots;
		mm->ptes = calloc(opt.slots, sizeof(*mm->ptes));
		mms[i].shadow = calloc(opt.slots, sizeof(*mms[i].shadow));
		if (!mm->ptes || !mms[i].shadow)
			abort();
		/*
		 * page_change_move() tests page_change_count without
		 * page_table_lock (under mmap_sem held for writing, which
		 * keeps out inserts, not removals): the other lockless word.
		 */
		if (opt.annotate)
			BENIGN_RACE(&mm->page_change_count,
				    sizeof(mm->page_change_count),
				    "lockless count test in page_change_move()");
		for (s = 0; s < opt.slots; s += 2)	/* half mapped */
			mm->ptes[s] = alloc_page();
	}

	printf("stress: %s build%s%s, seed %lu, %.1fs, %d mms x %d pages, "
	       "threads: %d waiters, %d COW, %d unmap, %d mremap%s\n", TOOL,
#if defined(BROKEN_REGISTER)
	       ", BROKEN_REGISTER", "",
#elif defined(BROKEN_REMOVE)
	       ", BROKEN_REMOVE", "",
#elif defined(BROKEN_LOCK_ORDER)
	       ", BROKEN_LOCK_ORDER", "",
#elif defined(BROKEN_RANGE)
	       ", BROKEN_RANGE (mutated page_change.c)", "",
#else
	       "", "",
#endif
	       opt.seed, opt.seconds, opt.mms, opt.slots, opt.waiters,
	       opt.cows, opt.unmappers, opt.movers,
	       collide ? ", colliding hash" : "");

	nthreads = opt.waiters + opt.cows + opt.unmappers + opt.movers;
	th = calloc(nthreads, sizeof(*th));
	if (!th)
		abort();
	for (i = 0; i < nthreads; i++) {
		void *(*fn)(void *) =
			i < opt.waiters ? waiter :
			i < opt.waiters + opt.cows ? cow_thread :
			i < opt.waiters + opt.cows + opt.unmappers ? unmap_thread :
			mremap_thread;

		th[i].idx = i;
		th[i].rnd = (opt.seed + 1) * 0x9e3779b97f4a7c15ULL + i * 0xbf58476d1ce4e5b9ULL;
		if (!th[i].rnd)
			th[i].rnd = 1;
		if (pthread_create(&th[i].tid, NULL, fn, &th[i])) {
			perror("pthread_create");
			return 1;
		}
	}
	ts.tv_sec = (time_t)opt.seconds;
	ts.tv_nsec = (long)((opt.seconds - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts))
		;
	/* Every thread kind present: wait (a little at a time) for the
	 * coverage, up to 8 x the duration in all. */
	if (opt.coverage && opt.waiters && opt.cows && opt.unmappers &&
	    opt.movers) {
		double waited = opt.seconds;

		while ((atomic_load(&seen) & COV_ALL) != COV_ALL &&
		       waited < 8 * opt.seconds) {
			ts.tv_sec = 0;
			ts.tv_nsec = 100000000;
			while (nanosleep(&ts, &ts))
				;
			waited += 0.1;
		}
	}
	atomic_store(&stop, 1);
	for (i = 0; i < nthreads; i++) {
		int q;

		pthread_join(th[i].tid, NULL);
		sum(&st, &th[i].st);
		for (q = 0; q < QREG; q++)
			free(th[i].quarantine[q]);
	}

	final_checks(&st);
	free(th);
	for (i = 0; i < opt.mms; i++) {
		free(mms[i].mm.ptes);
		free(mms[i].shadow);
		pthread_rwlock_destroy(&mms[i].mmap_sem);
	}
	free(mms);
	for (i = 0; i < nchunks; i++)
		free(chunks[i]);
	free(chunks);
	if (opt.coverage) {
		const char *missing =
			opt.waiters && !st.registered ? "a registration" :
			opt.waiters && opt.cows && !st.cow_cb ? "a COW callback" :
			opt.waiters && opt.movers && !st.move_cb ? "an mremap callback" :
			opt.waiters && opt.unmappers && !st.unmap_cb ? "an unmap callback" :
			opt.waiters && opt.unmappers && !st.zeromap_cb ? "a zeromap callback" :
			opt.waiters && opt.unmappers && !st.fault_cb ? "a callback of a fault after a zap" :
			NULL;

		if (missing) {
			fprintf(stderr, "FAIL [coverage]: never got %s: run longer\n",
				missing);
			return 5;
		}
	}
	printf("stress: PASS\n");
	return 0;
}
