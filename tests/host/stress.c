/*
 * stress.c: a multi-threaded host test of mm/page_change.c, the file
 * that patches/page-change-facility.patch adds, compiled from the patch
 * itself (see ./extract) against the shims in shim/linux/.
 *
 * It plays the kernel protocol with several fake mms, each a page table
 * of nr_ptes slots (address -> struct page) under its page_table_lock:
 *
 *  waiter threads   look a page up and register to follow it, the way
 *                   kernel/futex.c does (__insert_pin_page() under the
 *                   lock hold of the lookup) or the documented way for
 *                   a lookup done without the lock (insert_pin_page(),
 *                   retried on -EAGAIN); hold it a while, checking it;
 *                   then remove_pin_page() and drop their page.  Their
 *                   callback moves their page reference, under a "user"
 *                   lock nested inside, like futex_cow_callback().
 *                   Quiet registrations (see waiter()) are checked by
 *                   the callbacks only;
 *  COW threads      replace the page at an address by a fresh one and
 *                   call page_change_cow() (or __page_change_cow());
 *  unmap threads    __page_change_unmap() a range (sometimes the whole
 *                   mm, like exit_mmap()), clear it, and later map new
 *                   pages elsewhere (page faults);
 *  mremap threads   move a page to a free address, __page_change_move(),
 *                   then unmap the old address as mremap() does.
 *
 * --collide puts the registrations of every mm into two hash buckets.
 *
 * Invariants (any violation: "FAIL [kind]: ..." and exit status 3):
 *  lost-update  whenever a registration is attached (not told of an
 *               unmap), its owner's current page is what the page table
 *               maps at data->address: checked under page_table_lock by
 *               the owner while it holds the registration, by every
 *               thread right after it changed an address (COW, fault,
 *               move, unmap), and in each callback, which must find the
 *               owner up to date with every earlier change;
 *  protocol     callbacks come under data->vm->page_table_lock (and a
 *               bucket lock for a COW), for the (mm, address) changed,
 *               with the page installed, address already moved (mremap),
 *               registration already unhashed (unmap), never after an
 *               unmap told them, never outside a hook;
 *  after-remove no callback after remove_pin_page() returned: the
 *               struct is poisoned (callback pointer and magic) and
 *               freed only much later;
 *  lock         the lock order page_table_lock -> bucket -> user lock,
 *               no self-deadlock (shim/linux/spinlock.h);
 *  refcount     no get/put on a free page; at the end every page has
 *               exactly the references of the page table slots mapping
 *               it, and freeing all of them frees every page;
 *  leftover     at the end (and after unmapping a whole mm) every
 *               mm->page_change_list and every hash bucket is empty.
 *
 * Deliberately broken variants, which must FAIL (negative controls):
 *  -DBROKEN_REGISTER  the locked path looks the page up, drops
 *                     page_table_lock, and registers with
 *                     __insert_pin_page() under a new hold, with no
 *                     check: a COW in between is lost;
 *  -DBROKEN_REMOVE    the owner reads its current page and then calls
 *                     remove_pin_page(page, data), the "typical use" of
 *                     the documentation: a COW between the two moves
 *                     the reference, and the stale page is dropped.
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
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
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
unsigned long num_physpages = 1UL << 14;	/* page_change_init(): 4096 buckets */

static struct {
	double seconds;
	int mms, slots, waiters, cows, unmappers, movers;
	unsigned long seed;
	int watchdog, annotate, coverage, insert_check;
} opt = {
	.seconds = 2.0, .mms = 4, .slots = 8,
	.waiters = 4, .cows = 2, .unmappers = 1, .movers = 1,
	.annotate = 1, .coverage = 1, .insert_check = 1,
};

static atomic_int stop;
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
	struct list_head regs;	/* registrations of the test, under page_table_lock */
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

/* ------------------------------------------------------------------ */
/* Threads */

struct stats {
	unsigned long reg_locked, reg_unlocked, eagain, gave_up, unmapped;
	unsigned long removed, removed_detached, quiet;
	unsigned long cow, cow_cb, move, move_cb, unmap, unmap_cb, faults;
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

enum ev_kind { EV_NONE, EV_COW, EV_MOVE, EV_UNMAP };

static __thread struct event {
	enum ev_kind kind;
	struct mm_struct *mm;
	unsigned long addr, end;	/* COW and MOVE: addr; UNMAP: [addr, end) */
	unsigned long new_addr;		/* MOVE */
	struct page *old, *new;		/* COW: the page replaced, the new one;
					 * MOVE: the page passed to the hook */
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
	now = follow_page(r->pin.vm, r->pin.address, 0);
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

static void callback(struct page_change_struct *pin, struct page *new)
{
	struct reg *r = list_entry(pin, struct reg, pin);
	struct page *old, *was;

	if (r->magic != REG_LIVE)
		fail("after-remove", "callback on a removed registration %p", (void *)r);
	if (!spin_held_by_me(&pin->vm->page_table_lock))
		fail("protocol", "callback without data->vm->page_table_lock");
	if (ev.kind == EV_NONE || ev.mm != pin->vm)
		fail("protocol", "callback for mm%d outside of a hook on it",
		     fake(pin->vm)->id);
	if (r->detached)
		fail("protocol", "callback after the unmap callback");

	switch (ev.kind) {
	case EV_COW:
		if (!shim_holds_rank(RANK_BUCKET))
			fail("protocol", "COW callback without the bucket lock");
		if (pin->address != ev.addr || new != ev.new)
			fail("protocol", "COW at %#lx: callback for %#lx with page #%lu, "
			     "not #%lu", ev.addr, pin->address, serial(new),
			     serial(ev.new));
		/* The owner must have been told of every earlier change. */
		if (r->cur != ev.old)
			fail("lost-update", "COW at mm%d %#lx replaced page #%lu, "
			     "but the registration %p followed page #%lu",
			     fake(pin->vm)->id, ev.addr, serial(ev.old),
			     (void *)r, serial(r->cur));
		self->st.cow_cb++;
		break;
	case EV_MOVE:
		if (pin->address != ev.new_addr || !new || new != ev.new)
			fail("protocol", "move %#lx -> %#lx: callback at %#lx with "
			     "page #%lu, not #%lu", ev.addr, ev.new_addr,
			     pin->address, serial(new), serial(ev.new));
		if (r->cur != new)
			fail("lost-update", "mremap moved page #%lu from mm%d %#lx, "
			     "but the registration %p followed page #%lu",
			     serial(new), fake(pin->vm)->id, ev.addr, (void *)r,
			     serial(r->cur));
		self->st.move_cb++;
		break;
	case EV_UNMAP:
		if (new || pin->address < ev.addr || pin->address >= ev.end)
			fail("protocol", "unmap [%#lx, %#lx): callback at %#lx with "
			     "page #%lu", ev.addr, ev.end, pin->address, serial(new));
		if (!list_empty(&pin->list) || !list_empty(&pin->vm_list))
			fail("protocol", "unmap callback before the registration "
			     "was dropped");
		/* The hook comes before the ptes are cleared. */
		was = follow_page(pin->vm, pin->address, 0);
		if (r->cur != was)
			fail("lost-update", "unmap of mm%d %#lx took page #%lu, but "
			     "the registration %p followed page #%lu",
			     fake(pin->vm)->id, pin->address, serial(was),
			     (void *)r, serial(r->cur));
		self->st.unmap_cb++;
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
static int register_locked(struct thread *t, struct fake_mm *fm, struct reg *r)
{
	struct mm_struct *mm = &fm->mm;
	struct page *page;

	spin_lock(&mm->page_table_lock);
	page = follow_page(mm, r->pin.address, 0);
	if (!page) {
		spin_unlock(&mm->page_table_lock);
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
	__insert_pin_page(&r->pin);
	if (!r->quiet) {
		list_add_tail(&r->link, &fm->regs);
		if (opt.insert_check)
			check_reg(r, "after __insert_pin_page()");
	}
	spin_unlock(&mm->page_table_lock);
	t->st.reg_locked++;
	return 1;
}

static struct page *lookup_get(struct mm_struct *mm, unsigned long addr)
{
	struct page *page;

	spin_lock(&mm->page_table_lock);
	page = follow_page(mm, addr, 0);
	if (page)
		get_page(page);
	spin_unlock(&mm->page_table_lock);
	return page;
}

/* Look up without the lock held over the insert: insert_pin_page(). */
static int register_unlocked(struct thread *t, struct fake_mm *fm, struct reg *r)
{
	struct mm_struct *mm = &fm->mm;
	struct page *page;
	int tries = 0;

	page = lookup_get(mm, r->pin.address);
	for (;;) {
		if (!page) {
			t->st.unmapped++;
			return 0;
		}
		if (++tries > 100) {
			put_page(page);
			t->st.gave_up++;
			return 0;
		}
		if (rnd(t) & 1)
			sched_yield();	/* let a COW in: the insert must see it */
		r->cur = page;		/* before the insert: callbacks may come */
		if (insert_pin_page(page, &r->pin) == 0)
			break;
		t->st.eagain++;
		put_page(page);
		page = lookup_get(mm, r->pin.address);
	}
	if (!r->quiet) {
		spin_lock(&mm->page_table_lock);
		list_add_tail(&r->link, &fm->regs);
		if (opt.insert_check)
			check_reg(r, "after insert_pin_page()");
		spin_unlock(&mm->page_table_lock);
	}
	t->st.reg_unlocked++;
	return 1;
}

static void unregister(struct thread *t, struct reg *r)
{
	struct mm_struct *mm = r->pin.vm;
	struct page *cur = NULL;
	int detached = 0;

	if (!r->quiet) {
		spin_lock(&mm->page_table_lock);
		check_reg(r, "before remove_pin_page()");
		list_del_init(&r->link);
		detached = r->detached;
		cur = r->cur;
		spin_unlock(&mm->page_table_lock);
	}

#ifdef BROKEN_REMOVE
	if (!r->quiet && !detached) {
		/* The documented "remove_pin_page(my_current_page, data)". */
		window(t);
		remove_pin_page(cur, &r->pin);
	} else
#endif
	if (detached && (rnd(t) & 1)) {
		/* Told of the unmap: no callback can change cur any more. */
		remove_pin_page(cur, &r->pin);
	} else {
		remove_pin_page(NULL, &r->pin);
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
		int ok, holds, i;

		/*
		 * A quiet registration is not checked by anybody but the
		 * callbacks: its owner takes no page_table_lock between
		 * registering and remove_pin_page(), so that only the
		 * facility orders the callbacks before the owner's reads
		 * (a check under the lock would order them for the race
		 * detectors, and hide a remove_pin_page() that does not).
		 */
		r->quiet = rnd(t) % 4 == 0;
		if (rnd(t) % 3)
			ok = register_locked(t, fm, r);
		else
			ok = register_unlocked(t, fm, r);
		if (!ok) {
			free(r);
			continue;
		}
		holds = r->quiet ? 0 : rnd(t) % 8;
		for (i = 0; i < holds; i++) {
			pause_a_bit(t);
			spin_lock(&fm->mm.page_table_lock);
			check_reg(r, "while registered");
			spin_unlock(&fm->mm.page_table_lock);
			t->st.checks++;
		}
		pause_a_bit(t);
		unregister(t, r);
	}
	return NULL;
}

/* Map fresh pages at up to @n empty slots of @fm: page faults.  Called
 * with page_table_lock held. */
static void fault_in(struct thread *t, struct fake_mm *fm, int n)
{
	struct mm_struct *mm = &fm->mm;
	int tries, s;

	for (tries = 0; n > 0 && tries < 4 * opt.slots; tries++) {
		s = rnd(t) % opt.slots;
		if (mm->ptes[s])
			continue;
		mm->ptes[s] = alloc_page();
		/* Nobody follows an address that was not mapped. */
		check_range(fm, slot_addr(s), slot_addr(s + 1), "after a fault");
		t->st.faults++;
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

		spin_lock(&mm->page_table_lock);
		old = mm->ptes[s];
		if (!old) {
			spin_unlock(&mm->page_table_lock);
			continue;
		}
		new = alloc_page();
		mm->ptes[s] = new;	/* do_wp_page(): break_cow() */
		ev = (struct event){ .kind = EV_COW, .mm = mm, .addr = addr,
				    .old = old, .new = new };
		if (rnd(t) % 4 == 0) {
			/* the out-of-line walk, called on any bucket */
			__page_change_cow(hash_page_change(mm, addr), mm,
					  addr, new);
		} else {
			/* the inline hook of the patch, with a fault address */
			page_change_cow(mm, addr + (rnd(t) & ~PAGE_MASK), new);
		}
		ev.kind = EV_NONE;
		check_range(fm, addr, addr + PAGE_SIZE, "after a COW");
		spin_unlock(&mm->page_table_lock);
		put_page(old);
		t->st.cow++;
		pause_a_bit(t);
	}
	return NULL;
}

static void *unmap_thread(void *arg)
{
	struct thread *t = arg;
	struct page **gone = calloc(opt.slots, sizeof(*gone));

	self = t;
	if (!gone)
		abort();
	while (!stopping()) {
		struct fake_mm *fm = &mms[rnd(t) % opt.mms];
		struct mm_struct *mm = &fm->mm;
		int whole = rnd(t) % 16 == 0;
		int s = whole ? 0 : rnd(t) % opt.slots;
		int e = whole ? opt.slots : s + 1 + (int)(rnd(t) % 3);
		int i, n = 0;

		spin_lock(&mm->page_table_lock);
		ev = (struct event){ .kind = EV_UNMAP, .mm = mm,
				    .addr = slot_addr(s), .end = slot_addr(e) };
		if (rnd(t) & 1)
			page_change_unmap(mm, slot_addr(s), slot_addr(e));
		else
			__page_change_unmap(mm, slot_addr(s), slot_addr(e));
		ev.kind = EV_NONE;
		for (i = s; i < e && i < opt.slots; i++) {
			if (mm->ptes[i])
				gone[n++] = mm->ptes[i];
			mm->ptes[i] = NULL;
		}
		check_range(fm, slot_addr(s), slot_addr(e), "after an unmap");
		if (whole && !list_empty(&mm->page_change_list))
			fail("leftover", "mm%d: page_change_list not empty after "
			     "unmapping the whole mm", fm->id);
		spin_unlock(&mm->page_table_lock);
		for (i = 0; i < n; i++)
			put_page(gone[i]);
		t->st.unmap++;

		/* Some time later, as many new pages get mapped. */
		pause_a_bit(t);
		pause_a_bit(t);
		spin_lock(&mm->page_table_lock);
		fault_in(t, fm, n);
		spin_unlock(&mm->page_table_lock);
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
		int s = rnd(t) % opt.slots, d = rnd(t) % opt.slots;
		unsigned long from = slot_addr(s), to = slot_addr(d);
		struct page *page, *told;

		spin_lock(&mm->page_table_lock);
		page = mm->ptes[s];
		if (s == d || !page || mm->ptes[d]) {
			spin_unlock(&mm->page_table_lock);
			continue;
		}
		mm->ptes[d] = page;	/* move_one_page() */
		mm->ptes[s] = NULL;
		/* NULL: the pte was a swap entry, the page did not change */
		told = rnd(t) % 4 == 0 ? NULL : page;
		ev = (struct event){ .kind = EV_MOVE, .mm = mm, .addr = from,
				    .new_addr = to, .new = told };
		if (rnd(t) & 1)
			page_change_move(mm, from, to, told);
		else if (!list_empty(&mm->page_change_list))
			__page_change_move(mm, from, to, told);
		/* then mremap() unmaps the old range */
		ev = (struct event){ .kind = EV_UNMAP, .mm = mm,
				    .addr = from, .end = from + PAGE_SIZE };
		page_change_unmap(mm, from, from + PAGE_SIZE);
		ev.kind = EV_NONE;
		check_range(fm, from, from + PAGE_SIZE, "after mremap, old address");
		check_range(fm, to, to + PAGE_SIZE, "after mremap, new address");
		spin_unlock(&mm->page_table_lock);
		t->st.move++;
		pause_a_bit(t);
	}
	return NULL;
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
"  -s, --slots N        pages per mm (default %d)\n"
"  -w, --waiters N      waiter threads (default %d)\n"
"  -c, --cow N          COW threads (default %d)\n"
"  -u, --unmap N        unmap threads (default %d)\n"
"  -r, --mremap N       mremap threads (default %d)\n"
"  -S, --seed N         random seed (default: from the clock)\n"
"      --collide        all (mm, address) pairs hash to 2 buckets\n"
"      --watchdog SEC   give up after SEC (default 30 + 4 * duration)\n"
"      --no-insert-check  do not check a registration right after inserting\n"
"      --no-annotate    do not tell race detectors about the lockless\n"
"                       empty-bucket test of __page_change_cow()\n"
"      --no-coverage    do not fail when some event never happened\n"
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
		if (!list_empty(&mms[m].mm.page_change_list))
			fail("leftover", "mm%d: page_change_list not empty at the end", m);
		if (!list_empty(&mms[m].regs))
			fail("leftover", "mm%d: test registrations left", m);
	}
	for (i = 0; i < (1UL << page_change_bits); i++)
		if (!list_empty(&page_change_hash[i].chain))
			fail("leftover", "hash bucket %lu not empty at the end", i);

	/* Each page has exactly the references of the ptes mapping it. */
	for (m = 0; m < opt.mms; m++)
		for (s = 0; s < opt.slots; s++)
			if (mms[m].mm.ptes[s])
				mms[m].mm.ptes[s]->next_free = (struct page *)1;
	for (c = 0; c < nchunks; c++) {
		int n = c == nchunks - 1 ? chunk_used : CHUNK;

		for (s = 0; s < n; s++) {
			struct page *p = &chunks[c][s];
			int want = p->next_free == (struct page *)1;
			int have = atomic_load(&p->count);

			if (have != want)
				fail("refcount", "page #%lu has %d references at the "
				     "end, its ptes account for %d", p->serial,
				     have, want);
			if (want) {
				p->next_free = NULL;
				mapped++;
			}
		}
	}
	/* Tear everything down: every page must be freed. */
	for (m = 0; m < opt.mms; m++) {
		struct mm_struct *mm = &mms[m].mm;

		spin_lock(&mm->page_table_lock);
		page_change_unmap(mm, BASE, slot_addr(opt.slots)); /* no callbacks */
		for (s = 0; s < opt.slots; s++) {
			if (mm->ptes[s])
				put_page(mm->ptes[s]);
			mm->ptes[s] = NULL;
		}
		spin_unlock(&mm->page_table_lock);
	}
	if (nallocs != nfrees)
		fail("refcount", "%lu pages allocated, %lu freed", nallocs, nfrees);

	printf("stress: %lu registrations (%lu under the lookup's lock, %lu by "
	       "insert_pin_page() after %lu -EAGAIN, %lu given up; %lu quiet), "
	       "%lu told of an unmap; %lu lookups found nothing mapped\n",
	       st->removed, st->reg_locked, st->reg_unlocked, st->eagain,
	       st->gave_up, st->quiet, st->removed_detached, st->unmapped);
	printf("stress: %lu COWs (%lu callbacks), %lu mremaps (%lu callbacks), "
	       "%lu unmaps (%lu callbacks), %lu faults, %lu checks; %lu pages, "
	       "%lu mapped at the end\n",
	       st->cow, st->cow_cb, st->move, st->move_cb, st->unmap,
	       st->unmap_cb, st->faults, st->checks, nallocs, mapped);
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
		case 's': opt.slots = num(optarg, 2); break;
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
		opt.watchdog = 30 + (int)(4 * opt.seconds);
	signal(SIGALRM, watchdog);
	alarm(opt.watchdog);
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* The core_initcall, and then nothing but the API. */
	if (core_initcall_fn() != 0)
		fail("protocol", "page_change_init() failed");
	/*
	 * __page_change_cow() tests a bucket for empty without its lock,
	 * racing with inserts and removals of other mms in that bucket
	 * (by design: see page_change.txt); tell the race detectors about
	 * that one word per bucket, and nothing else.
	 */
	if (opt.annotate)
		for (i = 0; i < (1 << page_change_bits); i++)
			BENIGN_RACE(&page_change_hash[i].chain.next,
				    sizeof(page_change_hash[i].chain.next),
				    "lockless empty test in __page_change_cow()");

	user_lock = SPIN_LOCK_RANKED(RANK_USER);
	mms = calloc(opt.mms, sizeof(*mms));
	if (!mms)
		abort();
	for (i = 0; i < opt.mms; i++) {
		struct mm_struct *mm = &mms[i].mm;
		int s;

		mms[i].id = i;
		INIT_LIST_HEAD(&mms[i].regs);
		mm->page_table_lock = SPIN_LOCK_RANKED(RANK_PTL);
		INIT_LIST_HEAD(&mm->page_change_list);
		mm->start = BASE;
		mm->nr_ptes = opt.slots;
		mm->ptes = calloc(opt.slots, sizeof(*mm->ptes));
		if (!mm->ptes)
			abort();
		for (s = 0; s < opt.slots; s += 2)	/* half mapped */
			mm->ptes[s] = alloc_page();
	}

	printf("stress: %s build%s%s, seed %lu, %.1fs, %d mms x %d pages, "
	       "threads: %d waiters, %d COW, %d unmap, %d mremap%s\n", TOOL,
#if defined(BROKEN_REGISTER)
	       ", BROKEN_REGISTER", "",
#elif defined(BROKEN_REMOVE)
	       ", BROKEN_REMOVE", "",
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
	for (i = 0; i < opt.mms; i++)
		free(mms[i].mm.ptes);
	free(mms);
	for (i = 0; i < nchunks; i++)
		free(chunks[i]);
	free(chunks);
	if (opt.coverage) {
		const char *missing =
			opt.waiters && !st.reg_locked ? "__insert_pin_page()" :
			opt.waiters && !st.reg_unlocked ? "insert_pin_page()" :
			opt.waiters && opt.cows && !st.cow_cb ? "a COW callback" :
			opt.waiters && opt.movers && !st.move_cb ? "an mremap callback" :
			opt.waiters && opt.unmappers && !st.unmap_cb ? "an unmap callback" :
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
