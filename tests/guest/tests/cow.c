// SPDX-License-Identifier: GPL-2.0
/*
 * Group "cow": lost futex wakeups after copy-on-write.
 *
 * 2.5.38 sys_futex() pins the page with get_user_pages() and hashes a
 * waiter by (struct page *, offset).  A thread waits on a word in a
 * private page, so the page is pinned (page_count >= 2) and mapped in
 * one mm.  Then:
 *
 *   1. the process forks: copy_page_range() write-protects the pte in
 *      both parent and child (the page is now shared copy-on-write);
 *   2. some thread of the parent writes to the page: do_wp_page() sees
 *      page_count > 1 (the child's mapping, and in any case the
 *      sleeping waiter's own pin) and gives the parent a fresh copy;
 *   3. the parent calls FUTEX_WAKE: get_user_pages() now returns the
 *      new page, the key differs from the waiter's, nobody is woken.
 *      The waiter sleeps on, on a page no longer mapped anywhere.
 *
 * Because the waiter's pin alone keeps page_count > 1, the copy happens
 * even when the child has already exited, or after the child wrote
 * first (and so took a copy itself).  No fork is needed at all when the
 * waiter's page is the ZERO_PAGE or a page-cache page of a private file
 * mapping: the first write is then a copy-on-write too.
 *
 * Every test asserts what a correct kernel does: the wake finds the
 * waiter (FUTEX_WAKE returns 1) and the waiter's FUTEX_WAIT returns 0.
 * On vanilla 2.5.38 they fail deterministically (the waiter gives up
 * with -ETIMEDOUT after WAITER_TIMEOUT_MS); they are TODO_COW in
 * list.h.  basic_fork_nowrite and basic_fork_child_writes are the
 * controls: the same fork, but no copy in the waker's mm.
 */
#include "tests.h"

enum cow_mode {
	NO_WRITE,	/* nobody writes: no COW in the parent */
	CHILD_ONLY,	/* only the child writes: the parent keeps the page */
	PARENT,		/* the parent writes while the child lives */
	CHILD_EXITED,	/* the child exits (and is reaped), then the parent writes */
	CHILD_FIRST,	/* the child writes, then the parent */
	OTHER_WORD,	/* the parent writes another word of the page */
};

static const char *const mode_name[] = {
	[NO_WRITE]	= "no write",
	[CHILD_ONLY]	= "only the child writes",
	[PARENT]	= "parent writes, child alive",
	[CHILD_EXITED]	= "parent writes after the child exited",
	[CHILD_FIRST]	= "child writes, then the parent",
	[OTHER_WORD]	= "parent writes another word of the page",
};

/*
 * Pages of their own in .bss and .data (nothing else lives in them, so
 * nothing but the test writes there).
 */
static int bss_page[PAGE_SIZE / sizeof(int)]
	__attribute__((aligned(PAGE_SIZE)));
static int data_page[PAGE_SIZE / sizeof(int)]
	__attribute__((aligned(PAGE_SIZE))) = { 1 };
static int data_page2[PAGE_SIZE / sizeof(int)]
	__attribute__((aligned(PAGE_SIZE))) = { 1 };

static int report(const char *what, long woken, struct waiter *w, long ret)
{
	EXPECT(woken == 1, "%s: FUTEX_WAKE woke %ld waiter(s), want 1",
	       what, woken);
	EXPECT(ret == 0, "%s: waiter's FUTEX_WAIT returned %s after %ld ms,"
	       " want 0 (woken)", what, rt_errname(ret), (long)w->elapsed_ms);
	return tap_result();
}

static void write_byte(int fd)
{
	char c = 'x';

	while (sys_write(fd, &c, 1) == -EINTR)
		;
}

static void read_byte(int fd)
{
	char c;

	while (sys_read(fd, &c, 1) == -EINTR)
		;
}

/*
 * A fork child that keeps the parent's private pages COW-shared: it runs
 * prep(arg) first, if given (a write of its own: the child's COW), says
 * it is ready, and lives until holder_release().
 */
struct holder {
	long pid;
	int c2p[2];		/* child -> parent: "ready" */
	int p2c[2];		/* parent -> child: "done" */
};

static void holder_close(struct holder *h)
{
	sys_close(h->c2p[0]);
	sys_close(h->c2p[1]);
	sys_close(h->p2c[0]);
	sys_close(h->p2c[1]);
}

/* the child's pid once it is ready, or a negative errno */
static long holder_fork(struct holder *h, void (*prep)(void *), void *arg)
{
	long r = sys_pipe(h->c2p);

	if (r < 0)
		return r;
	r = sys_pipe(h->p2c);
	if (r < 0) {
		sys_close(h->c2p[0]);
		sys_close(h->c2p[1]);
		return r;
	}
	h->pid = sys_fork();
	if (h->pid == 0) {
		if (prep)
			prep(arg);
		write_byte(h->c2p[1]);
		read_byte(h->p2c[0]);
		sys_exit(0);
	}
	if (h->pid > 0)
		read_byte(h->c2p[0]);
	else
		holder_close(h);
	return h->pid;
}

/* let the child exit: its exit code (wait_exit()) */
static int holder_release(struct holder *h)
{
	int r;

	write_byte(h->p2c[1]);
	r = wait_exit(h->pid);
	holder_close(h);
	return r;
}

static void child_cow(void *f)
{
	((volatile int *)f)[0] = 2;	/* the child's copy-on-write */
}

/*
 * A waiter thread sleeps on *f (a word of a private page, value 0); the
 * process forks, the page is written as mode says, the parent wakes.
 */
static int cow_run(volatile int *f, enum cow_mode mode)
{
	struct holder h;
	struct waiter w;
	long woken, ret, pid;

	f[0] = 0;		/* a private page of our own, holding 0 */
	REQUIRE(waiter_start(&w, f, 0, WAITER_TIMEOUT_MS) == 0,
		"waiter did not sleep");

	if (mode == CHILD_EXITED) {
		pid = sys_fork();
		REQUIRE(pid >= 0, "fork: %s", rt_errname(pid));
		if (pid == 0)
			sys_exit(0);
		EXPECT_EQ(wait_exit(pid), 0, "child exit");
	} else {
		pid = holder_fork(&h, mode == CHILD_FIRST ||
				  mode == CHILD_ONLY ? child_cow : NULL,
				  (void *)f);
		REQUIRE(pid > 0, "fork: %s", rt_errname(pid));
	}

	if (mode == OTHER_WORD)
		f[PAGE_SIZE / sizeof(int) / 2] = 1;
	else if (mode != NO_WRITE && mode != CHILD_ONLY)
		f[0] = 1;	/* e.g. a mutex unlock: the parent's COW */
	woken = sys_futex(f, FUTEX_WAKE, 1, NULL);
	ret = waiter_join(&w);

	if (mode != CHILD_EXITED)
		EXPECT_EQ(holder_release(&h), 0, "child exit");
	return report(mode_name[mode], woken, &w, ret);
}

static volatile int *anon_page(void)
{
	volatile int *p = rt_private_page();

	if (!p)
		tap_diag("mmap of a private page failed");
	return p;
}

/* the controls (group basic) */
int basic_fork_nowrite(void)
{
	volatile int *f = anon_page();

	REQUIRE(f, "no page");
	return cow_run(f, NO_WRITE);
}

int basic_fork_child_writes(void)
{
	volatile int *f = anon_page();

	REQUIRE(f, "no page");
	return cow_run(f, CHILD_ONLY);
}

int cow_parent_writes(void)
{
	volatile int *f = anon_page();

	REQUIRE(f, "no page");
	return cow_run(f, PARENT);
}

int cow_child_exited(void)
{
	volatile int *f = anon_page();

	REQUIRE(f, "no page");
	return cow_run(f, CHILD_EXITED);
}

int cow_child_first(void)
{
	volatile int *f = anon_page();

	REQUIRE(f, "no page");
	return cow_run(f, CHILD_FIRST);
}

int cow_other_word(void)
{
	volatile int *f = anon_page();

	REQUIRE(f, "no page");
	return cow_run(f, OTHER_WORD);
}

int cow_bss(void)
{
	return cow_run(bss_page, PARENT);
}

int cow_data(void)
{
	return cow_run(data_page, PARENT);
}

/*
 * FUTEX_FD pins the page too (for as long as the fd is queued): the
 * fd's wakeup is lost the same way, and poll() never says POLLIN.
 */
int cow_fd(void)
{
	volatile int *f = anon_page();
	struct holder h;
	long fd, pid, woken;
	int ok;

	REQUIRE(f, "no page");
	f[0] = 0;
	fd = sys_futex(f, FUTEX_FD, 0, NULL);
	SKIP_NO_FUTEX_FD(fd);
	REQUIRE(fd >= 0, "FUTEX_FD: %s", rt_errname(fd));

	pid = holder_fork(&h, NULL, NULL);
	REQUIRE(pid > 0, "fork: %s", rt_errname(pid));
	f[0] = 1;
	woken = sys_futex(f, FUTEX_WAKE, 1, NULL);
	{
		struct pollfd p = { fd, POLLIN, 0 };

		ok = sys_poll(&p, 1, 1000) == 1 && (p.revents & POLLIN);
	}
	EXPECT_EQ(holder_release(&h), 0, "child exit");
	EXPECT(woken == 1, "FUTEX_WAKE woke %ld waiter(s), want 1 (the fd)",
	       woken);
	EXPECT(ok, "the FUTEX_FD fd is not readable after the wake");
	sys_close(fd);
	return tap_result();
}

/*
 * No fork: the waiter pinned a page that the first write replaces.
 * The wait happens on the ZERO_PAGE (an anonymous page never written)
 * or on the page-cache page of .data (a private file mapping never
 * written), then the process writes the word and wakes.
 */
static int nofork_run(volatile int *f, int val, const char *what)
{
	struct waiter w;
	long woken, ret;

	REQUIRE(waiter_start(&w, f, val, WAITER_TIMEOUT_MS) == 0,
		"waiter did not sleep");
	f[0] = val + 1;		/* the first write: copy-on-write */
	woken = sys_futex(f, FUTEX_WAKE, 1, NULL);
	ret = waiter_join(&w);
	return report(what, woken, &w, ret);
}

int cow_nofork_zero(void)
{
	/* not rt_private_page(): that one touches the page */
	volatile int *f = rt_map(PAGE_SIZE, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS);

	REQUIRE(f, "mmap");
	return nofork_run(f, 0, "zero page, first write");
}

int cow_nofork_file(void)
{
	/* never written by this process or by the runner it forked from */
	return nofork_run(data_page2, 1, ".data page, first write");
}

/*
 * CLONE_CLEARTID: the kernel itself writes 0 to the tid word and wakes
 * it when the thread exits (mm_release()).  The tid word is in a private
 * page that is copied on write after the joiner went to sleep: the
 * kernel's wake must still reach the joiner.
 */
static int cleartid_thread(void *arg)
{
	read_byte(*(int *)arg);		/* until the parent says "exit" */
	return 7;
}

int cow_cleartid(void)
{
	int *page = rt_private_page();
	struct rt_thread *t = (struct rt_thread *)page;
	int go[2];
	struct holder h;
	struct waiter w;
	long tid, pid, ret;

	REQUIRE(page, "no page");
	REQUIRE(sys_pipe(go) == 0, "pipe");
	tid = thread_start(t, cleartid_thread, &go[0],
			   CLONE_SETTID | CLONE_CLEARTID);
	REQUIRE(tid > 0, "clone: %s", rt_errname(tid));
	REQUIRE(READ_ONCE(t->ctid) == tid, "CLONE_SETTID: tid word %d",
		READ_ONCE(t->ctid));
	/* the joiner: FUTEX_WAIT(&ctid, tid), as pthread_join() does */
	REQUIRE(waiter_start(&w, &t->ctid, tid, WAITER_TIMEOUT_MS) == 0,
		"joiner did not sleep");

	pid = holder_fork(&h, NULL, NULL);
	REQUIRE(pid > 0, "fork: %s", rt_errname(pid));
	page[PAGE_SIZE / sizeof(int) - 1] = 1;	/* the parent's COW */
	write_byte(go[1]);			/* the thread exits */
	ret = waiter_join(&w);
	EXPECT_EQ(thread_join(t), 7, "thread exit code");
	EXPECT_EQ(holder_release(&h), 0, "child exit");
	EXPECT_EQ(READ_ONCE(t->ctid), 0, "tid word after the thread exited");
	EXPECT(ret == 0, "joiner's FUTEX_WAIT returned %s after %ld ms, want "
	       "0 (woken by the thread's exit)", rt_errname(ret),
	       (long)w.elapsed_ms);
	sys_close(go[0]);
	sys_close(go[1]);
	return tap_result();
}

/*
 * Several waiters at different offsets of one page; one COW moves them
 * all, and each is still reached by a wake of its own word, in order.
 */
#define MULTI_WAITERS 6

int cow_multi(void)
{
	volatile int *f = anon_page();
	static struct waiter w[MULTI_WAITERS];
	struct holder h;
	long pid, woken;
	int i;

	REQUIRE(f, "no page");
	for (i = 0; i < MULTI_WAITERS; i++) {
		f[i * 97] = 0;
		REQUIRE(waiter_start(&w[i], &f[i * 97], 0,
				     WAITER_TIMEOUT_MS) == 0,
			"waiter %d did not sleep", i);
	}
	pid = holder_fork(&h, NULL, NULL);
	REQUIRE(pid > 0, "fork: %s", rt_errname(pid));
	f[PAGE_SIZE / sizeof(int) - 1] = 1;	/* one COW for all of them */
	for (i = 0; i < MULTI_WAITERS; i++) {
		f[i * 97] = 1;
		woken = sys_futex(&f[i * 97], FUTEX_WAKE, 1, NULL);
		EXPECT(woken == 1, "waiter %d (offset %d): FUTEX_WAKE woke "
		       "%ld, want 1", i, i * 97 * 4, woken);
	}
	for (i = 0; i < MULTI_WAITERS; i++) {
		long ret = waiter_join(&w[i]);

		EXPECT(ret == 0, "waiter %d: FUTEX_WAIT returned %s, want 0",
		       i, rt_errname(ret));
	}
	EXPECT_EQ(holder_release(&h), 0, "child exit");
	return tap_result();
}

/*
 * Hundreds of fork / COW / wake rounds: none loses its wakeup, and no
 * page is left pinned (a leaked reference per round would show as
 * MemFree going down by a page a round).
 */
#define ROUNDS		300
#define ROUNDS_SLACK_KB	256	/* slab and page cache noise */

static int one_round(volatile int *f)
{
	struct waiter w;
	long pid, woken, ret;

	f[0] = 0;
	if (waiter_start(&w, f, 0, WAITER_TIMEOUT_MS) != 0)
		return -1;
	pid = sys_fork();
	if (pid == 0)
		sys_exit(0);
	if (pid < 0 || wait_exit(pid) != 0)
		return -1;
	f[0] = 1;
	woken = sys_futex(f, FUTEX_WAKE, 1, NULL);
	ret = waiter_join(&w);
	return woken == 1 && ret == 0 ? 0 : -1;
}

int cow_rounds(void)
{
	volatile int *f = anon_page();
	long before, after;
	int i, lost = 0;

	REQUIRE(f, "no page");
	REQUIRE(one_round(f) == 0, "first round lost its wakeup");
	before = rt_meminfo("MemFree");
	for (i = 0; i < ROUNDS; i++)
		lost += one_round(f) != 0;
	after = rt_meminfo("MemFree");
	EXPECT(lost == 0, "%d of %d rounds lost the wakeup", lost, ROUNDS);
	/* a host's MemFree moves with everything else it runs */
	if (before >= 0 && after >= 0 && !tap_host) {
		tap_diag("MemFree %ld kB before, %ld kB after %d rounds",
			 before, after, ROUNDS);
		EXPECT(after >= before - ROUNDS_SLACK_KB,
		       "%ld kB less free memory after %d rounds",
		       before - after, ROUNDS);
	}
	return tap_result();
}

/*
 * mremap() moves the waiter's page to another address, then the page is
 * copied on write there: the wake at the new address must reach the
 * waiter.  2.5 keys a futex by its page, so the move alone keeps it
 * reachable; a modern kernel keys a private futex by its address, where
 * the move makes it unreachable, so this is not run on the host.
 */
int cow_mremap(void)
{
	volatile int *p, *q;
	struct waiter w;
	struct holder h;
	long pid, woken, ret;

	if (tap_host)
		SKIP("a modern kernel keys private futexes by address");
	p = rt_map(2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS);
	REQUIRE(p, "mmap");
	p[0] = 0;
	p[PAGE_SIZE / sizeof(int)] = 0;
	REQUIRE(waiter_start(&w, p, 0, WAITER_TIMEOUT_MS) == 0,
		"waiter did not sleep");
	/* grow the first page: the second one is in the way, so it moves */
	q = sys_mremap((void *)p, PAGE_SIZE, 4 * PAGE_SIZE, MREMAP_MAYMOVE);
	REQUIRE(!IS_ERR_VALUE(q), "mremap: %s", rt_errname((long)q));
	REQUIRE(q != p, "mremap did not move the page");

	pid = holder_fork(&h, NULL, NULL);
	REQUIRE(pid > 0, "fork: %s", rt_errname(pid));
	q[0] = 1;		/* COW at the new address */
	woken = sys_futex(q, FUTEX_WAKE, 1, NULL);
	ret = waiter_join(&w);
	EXPECT_EQ(holder_release(&h), 0, "child exit");
	return report("mremap, then COW at the new address", woken, &w, ret);
}
