// SPDX-License-Identifier: GPL-2.0
/*
 * Group "priv": a futex in a private mapping belongs to its process.
 *
 * Vanilla 2.5.38 keys every futex by (struct page *, offset) only, so
 * other processes can reach a private futex whenever they map the same
 * physical page:
 *
 *  - after fork(), parent and child share their private pages until one
 *    of them writes: the child's FUTEX_WAKE wakes the parent's waiter;
 *  - every untouched anonymous page of every process is the ZERO_PAGE:
 *    a FUTEX_WAKE on any such page wakes waiters on all of them (at the
 *    same offset).
 *
 * Both are spurious wakeups of the same root cause as the cow group;
 * the tests carry TODO_PRIV (list.h).  Later kernels key private
 * futexes by (mm, address), which is what the tests expect.
 */
#include "tests.h"

static int child_wakes(void *arg)
{
	return sys_futex(arg, FUTEX_WAKE, 1, NULL);	/* exit code: woken */
}

/* the fork child, through the page it still shares, must not wake us */
int priv_fork_child_wakes(void)
{
	volatile int *f = rt_private_page();
	struct waiter w;
	int pid, woken, done;
	char st;

	REQUIRE(f, "mmap");
	f[0] = 0;
	REQUIRE(waiter_start(&w, f, 0, WAITER_TIMEOUT_MS) == 0,
		"waiter did not sleep");
	pid = fork_run(child_wakes, (void *)f);
	REQUIRE(pid > 0, "fork: %s", rt_errname(pid));
	woken = wait_exit(pid);
	/*
	 * The child's wake is over.  A waiter it woke is running or done
	 * now (let it finish); one it did not wake still sleeps.  Each
	 * value is read once, in this order, before our own wake below:
	 * after that wake the waiter sets done at its own pace.
	 */
	if (woken != 0)
		waiters_done(&w, 1, 1, WAITER_TIMEOUT_MS);
	done = READ_ONCE(w.done);
	st = done ? 0 : proc_state(w.thr.tid);
	EXPECT(woken == 0 && !done && st == 'S', "the fork child's FUTEX_WAKE "
	       "on its copy woke %d of the parent's waiters (waiter done: %d, "
	       "state %c), want 0", woken, done, st ? st : '-');
	woken = sys_futex(f, FUTEX_WAKE, 1, NULL);
	EXPECT_EQ(woken, done ? 0 : 1, "the parent's own FUTEX_WAKE");
	EXPECT_ERR(waiter_join(&w), 0, "the parent's waiter");
	return tap_result();
}

static int child_waits_on_zero_page(void *arg)
{
	volatile int *s = arg;	/* shared: [0] ready, [1] result */
	/* a fresh anonymous page, never written: the ZERO_PAGE in 2.5.38 */
	volatile int *q = rt_map(PAGE_SIZE, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS);

	if (!q)
		return 1;
	WRITE_ONCE(s[0], 1);
	s[1] = futex_wait_ms(q, 0, WAITER_TIMEOUT_MS);
	return 0;
}

/*
 * A wake on our untouched page must not reach another process's.  The
 * child is seen asleep before the wake and is still asleep after it (so
 * the wake ran while it slept, and did not wake it): then it is killed,
 * it has nothing more to tell.
 */
int priv_zero_page(void)
{
	volatile int *s = rt_map(PAGE_SIZE, PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS);
	volatile int *p = rt_map(PAGE_SIZE, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS);
	long t0, woken;
	int pid, r;
	char st;

	REQUIRE(s && p, "mmap");
	s[1] = 1;
	pid = fork_run(child_waits_on_zero_page, (void *)s);
	REQUIRE(pid > 0, "fork: %s", rt_errname(pid));
	t0 = rt_now_ms();
	while (!READ_ONCE(s[0]) && rt_now_ms() - t0 < 5000)
		rt_sleep_ms(1);
	REQUIRE(READ_ONCE(s[0]), "the child did not start");
	r = wait_sleeping(pid, 5000);
	REQUIRE(r == 0, "the child never slept in FUTEX_WAIT: %s (state %c)",
		rt_errname(r), proc_state(pid) ? proc_state(pid) : '-');
	woken = sys_futex(p, FUTEX_WAKE, 1, NULL);	/* p never written */
	st = proc_state(pid);
	EXPECT(woken == 0, "FUTEX_WAKE on our untouched page woke %ld "
	       "waiter(s) of another process, want 0", woken);
	if (st == 'S') {
		/* asleep before and after our wake: it was not woken */
		EXPECT_ERR(sys_kill(pid, SIGKILL), 0, "kill the child");
		EXPECT_EQ(wait_exit(pid), 128 + SIGKILL, "child exit");
		return tap_result();
	}
	/* awake: our wake woke it, or its wait ended before our wake ran */
	EXPECT_EQ(wait_exit(pid), 0, "child exit");
	r = s[1];
	if (r == 0)
		EXPECT(0, "the other process's FUTEX_WAIT was woken (0), "
		       "want it left asleep");
	else
		EXPECT(0, "the other process's FUTEX_WAIT returned %s before "
		       "our FUTEX_WAKE was done: nothing was tested",
		       rt_errname(r));
	return tap_result();
}

/*
 * Untouched pages of one process are all the zero page too: a wake on one
 * must not reach a waiter on another (same offset).
 */
int priv_zero_page_same_mm(void)
{
	static struct waiter w;
	volatile int *p = rt_map(PAGE_SIZE, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS);
	volatile int *q = rt_map(PAGE_SIZE, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS);
	long woken;

	REQUIRE(p && q, "mmap");
	REQUIRE(waiter_start(&w, q, 0, 15000) == 0,
		"the waiter on the untouched page did not sleep");
	woken = sys_futex(p, FUTEX_WAKE, INT_MAX, NULL);  /* p never written */
	EXPECT(woken == 0, "FUTEX_WAKE on one untouched page woke %ld "
	       "waiter(s) on another, want 0", woken);
	if (woken == 0)
		EXPECT_EQ(sys_futex(q, FUTEX_WAKE, 1, NULL), 1,
			  "FUTEX_WAKE on the waiter's own untouched page");
	EXPECT_ERR(waiter_join(&w), 0, "the waiter's FUTEX_WAIT");
	return tap_result();
}
