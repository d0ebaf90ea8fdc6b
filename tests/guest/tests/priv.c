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
	int pid, woken;

	REQUIRE(f, "mmap");
	f[0] = 0;
	REQUIRE(waiter_start(&w, f, 0, WAITER_TIMEOUT_MS) == 0,
		"waiter did not sleep");
	pid = fork_run(child_wakes, (void *)f);
	REQUIRE(pid > 0, "fork: %s", rt_errname(pid));
	woken = wait_exit(pid);
	rt_sleep_ms(50);
	EXPECT(woken == 0 && !w.done, "the fork child's FUTEX_WAKE on its "
	       "copy woke %d of the parent's waiters (waiter done: %d), "
	       "want 0", woken, w.done);
	EXPECT_EQ(sys_futex(f, FUTEX_WAKE, 1, NULL), w.done ? 0 : 1,
		  "the parent's own FUTEX_WAKE");
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
	s[1] = futex_wait_ms(q, 0, 1000);
	return 0;
}

/* a wake on our untouched page must not reach another process's */
int priv_zero_page(void)
{
	volatile int *s = rt_map(PAGE_SIZE, PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS);
	volatile int *p = rt_map(PAGE_SIZE, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS);
	long t0, woken;
	int pid;

	REQUIRE(s && p, "mmap");
	s[1] = 1;
	pid = fork_run(child_waits_on_zero_page, (void *)s);
	REQUIRE(pid > 0, "fork: %s", rt_errname(pid));
	t0 = rt_now_ms();
	while (!READ_ONCE(s[0]) && rt_now_ms() - t0 < 5000)
		rt_sleep_ms(1);
	if (wait_sleeping(pid, 5000) < 0)
		tap_diag("the child never slept");
	woken = sys_futex(p, FUTEX_WAKE, 1, NULL);	/* p never written */
	EXPECT_EQ(wait_exit(pid), 0, "child exit");
	EXPECT(woken == 0, "FUTEX_WAKE on our untouched page woke %ld "
	       "waiter(s) of another process, want 0", woken);
	EXPECT_ERR(s[1], ETIMEDOUT, "the other process's FUTEX_WAIT");
	return tap_result();
}
