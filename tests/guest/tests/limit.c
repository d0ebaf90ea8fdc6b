// SPDX-License-Identifier: GPL-2.0
/*
 * Group "limit": futex-fd-pin-limit.patch charges every FUTEX_FD to the
 * user who made it, and refuses FUTEX_FD with ENOMEM once the user holds
 * RLIMIT_MEMLOCK worth of them (in pages; one page per fd, also for
 * several fds on one page and for an fd on the zero page, which pins
 * nothing), when the limit is finite.  CAP_IPC_LOCK (root) is exempt.
 * The charge goes when the fd is closed, whoever holds it then.
 *
 * As uid 1000 with RLIMIT_MEMLOCK = 16 pages: exactly 16 fds, the 17th
 * gets ENOMEM; closing one lets one more through; FUTEX_WAIT and
 * FUTEX_WAKE still work, and so do the fds already made (a woken fd is
 * still charged until it is closed); fds on the zero page and on shared
 * pages count the same.  The fds inherited by a child stay charged after
 * their maker exited, until that child closes them; then another process
 * of the same uid gets its 16 again.  A keeper process of uid 1000 lives
 * through it all, so that the user_struct (and its count) is the same
 * one throughout, not a fresh one.  Root, with the same 16-page limit,
 * makes 64.
 *
 * Vanilla 2.5.38 has no such limit: this test FAILS there (boot-test
 * --tests limit --expect-fail); it is not run on vanilla otherwise.
 * Not on the host (FUTEX_FD is gone, and it wants root).
 */
#include "tests.h"

#define RLIMIT_MEMLOCK	8
#define LIMIT_UID	1000
#define LIMIT_PAGES	16
#define MAX_FDS		64	/* give up counting here: no limit */

struct rlimit {
	unsigned long rlim_cur, rlim_max;
};

static long set_memlock(unsigned long pages)
{
	struct rlimit r = { pages * PAGE_SIZE, pages * PAGE_SIZE };

	return SC2(__NR_setrlimit, RLIMIT_MEMLOCK, &r);
}

static long become(int uid)
{
	return sys_setuid(uid);
}

static long futex_fd(volatile int *f)
{
	return sys_futex(f, FUTEX_FD, 0, NULL);
}

static int readable(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };

	return sys_poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

/* FUTEX_FDs on p[0], p[8], ... until one fails or max: how many */
static int fill(volatile int *p, long *fds, int max, long *err)
{
	int n;

	*err = 0;
	for (n = 0; n < max; n++) {
		fds[n] = futex_fd(&p[n * 8]);
		if (fds[n] < 0) {
			*err = fds[n];
			break;
		}
	}
	return n;
}

/* report "n fds, then <err>" against "exactly LIMIT_PAGES, then ENOMEM" */
static void expect_limit(const char *who, int n, long err)
{
	EXPECT(n == LIMIT_PAGES && err == -ENOMEM, "%s (uid %d, "
	       "RLIMIT_MEMLOCK %d pages): %d FUTEX_FDs, then %s; want %d, "
	       "then ENOMEM%s", who, LIMIT_UID, LIMIT_PAGES, n,
	       err ? rt_errname(err) : "no failure", LIMIT_PAGES,
	       n == MAX_FDS ? " (no limit: vanilla 2.5.38?)" : "");
}

/* limited from here on: uid 1000, RLIMIT_MEMLOCK 16 pages */
static int limit_me(void)
{
	long r = set_memlock(LIMIT_PAGES);

	if (r == 0)
		r = become(LIMIT_UID);
	if (r != 0)
		tap_diag("setrlimit/setuid: %s", rt_errname(r));
	return r == 0;
}

static void wait_byte(int fd)
{
	char c;

	while (sys_read(fd, &c, 1) == -EINTR)
		;
}

static void send_byte(int fd)
{
	while (sys_write(fd, "x", 1) == -EINTR)
		;
}

struct lim {
	int keep[2];		/* keeper: exit when this is written */
	int close[2];		/* heir: close the fds and exit */
	volatile int *sh;	/* [0] heir pid (set by the maker once
				 * the heir exists), [1] heir done */
};

/* uid 1000 for the whole test: the user_struct stays the same */
static int keeper(void *arg)
{
	struct lim *l = arg;

	if (become(LIMIT_UID) != 0)
		return 1;
	wait_byte(l->keep[0]);
	return 0;
}

/* the heir: the maker's 16 fds, inherited, closed when told */
static int heir(struct lim *l, long *fds, int n)
{
	int i, bad = 0;

	wait_byte(l->close[0]);
	for (i = 0; i < n; i++)
		bad += sys_close(fds[i]) != 0;
	WRITE_ONCE(l->sh[1], 1);
	return bad;
}

static int maker(void *arg)
{
	struct lim *l = arg;
	static long fds[MAX_FDS + 2];
	volatile int *p = rt_private_page();
	volatile int *z = rt_map(PAGE_SIZE, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS);
	volatile int *w = rt_private_page();
	long err, r, pid;
	int n;
	tap_failures = 0;	/* ours, not the parent's */

	if (!p || !z || !w || !limit_me())
		return 100;
	n = fill(p, fds, MAX_FDS, &err);
	expect_limit("maker", n, err);
	if (n != LIMIT_PAGES)
		return tap_failures;

	/* closing one makes room for exactly one */
	EXPECT_ERR(sys_close(fds[5]), 0, "close");
	fds[5] = futex_fd(&p[1000]);
	EXPECT(fds[5] >= 0, "FUTEX_FD after a close: %s",
	       rt_errname(fds[5]));
	EXPECT_ERR(futex_fd(&p[1001]), ENOMEM, "FUTEX_FD at the limit again");

	/* the rest of the futex calls are not limited */
	w[0] = 3;
	EXPECT_ERR(futex_wait_ms(w, 4, 1000), EWOULDBLOCK,
		   "FUTEX_WAIT(wrong value) at the limit");
	EXPECT_ERR(futex_wait_ms(w, 3, 10), ETIMEDOUT,
		   "FUTEX_WAIT(value, 10 ms) at the limit");
	EXPECT_EQ(sys_futex(w, FUTEX_WAKE, 1, NULL), 0,
		  "FUTEX_WAKE without waiters at the limit");

	/* the fds made are woken as before, and stay charged */
	EXPECT_EQ(sys_futex(&p[0], FUTEX_WAKE, INT_MAX, NULL), 1,
		  "FUTEX_WAKE of the first fd's word at the limit");
	EXPECT(readable(fds[0]), "the first fd is not readable after the "
	       "wake");
	EXPECT_EQ(sys_futex(&p[15 * 8], FUTEX_WAKE, 1, NULL), 1,
		  "FUTEX_WAKE of the last fd's word at the limit");
	EXPECT_ERR(futex_fd(&p[1002]), ENOMEM,
		   "FUTEX_FD with woken (still open) fds at the limit");

	/* zero page and shared page fds are charged the same */
	EXPECT_ERR(sys_close(fds[1]), 0, "close");
	EXPECT_ERR(sys_close(fds[2]), 0, "close");
	fds[1] = futex_fd(&z[0]);
	EXPECT(fds[1] >= 0, "FUTEX_FD on the zero page: %s",
	       rt_errname(fds[1]));
	fds[2] = futex_fd(&l->sh[100]);
	EXPECT(fds[2] >= 0, "FUTEX_FD on a shared page: %s",
	       rt_errname(fds[2]));
	EXPECT_ERR(futex_fd(&z[1]), ENOMEM, "FUTEX_FD on the zero page, at "
		   "the limit");
	EXPECT_ERR(futex_fd(&l->sh[101]), ENOMEM, "FUTEX_FD on a shared "
		   "page, at the limit");

	/* an heir keeps them (and the charge) after we exit */
	pid = sys_fork();
	if (pid == 0)
		sys_exit(heir(l, fds, LIMIT_PAGES));
	r = pid > 0 ? 0 : pid;
	EXPECT_ERR(r, 0, "fork");
	/* the heir holds the fds from the fork on: say so before we exit */
	if (pid > 0)
		WRITE_ONCE(l->sh[0], pid);
	return tap_failures;
}

/* another process of uid 1000, after the maker exited */
static int other(void *arg)
{
	long *want_n = arg;
	static long fds[MAX_FDS];
	volatile int *p = rt_private_page();
	long err;
	int n;
	tap_failures = 0;	/* ours, not the parent's */

	if (!p || !limit_me())
		return 100;
	n = fill(p, fds, MAX_FDS, &err);
	if (*want_n == 0)
		EXPECT(n == 0 && err == -ENOMEM, "uid %d while the heir holds "
		       "the maker's %d fds: %d FUTEX_FDs, then %s; want 0, "
		       "then ENOMEM", LIMIT_UID, LIMIT_PAGES, n,
		       err ? rt_errname(err) : "no failure");
	else
		expect_limit("a new process of the same uid", n, err);
	return tap_failures;
}

static int root_child(void *arg)
{
	static long fds[MAX_FDS];
	volatile int *p = rt_private_page();
	long err;
	int n;
	tap_failures = 0;	/* ours, not the parent's */

	(void)arg;
	if (!p || set_memlock(LIMIT_PAGES) != 0)
		return 100;
	n = fill(p, fds, MAX_FDS, &err);
	EXPECT(n == MAX_FDS, "root (CAP_IPC_LOCK) with RLIMIT_MEMLOCK %d "
	       "pages: %d FUTEX_FDs, then %s; want %d", LIMIT_PAGES, n,
	       rt_errname(err), MAX_FDS);
	return tap_failures;
}

int limit_fd_pins(void)
{
	struct lim l;
	long zero = 0, sixteen = LIMIT_PAGES, r;
	volatile int *p = rt_private_page();
	int kpid, pid;

	REQUIRE(p, "mmap");
	r = futex_fd(p);
	SKIP_NO_FUTEX_FD(r);
	REQUIRE(r >= 0, "FUTEX_FD: %s", rt_errname(r));
	sys_close(r);
	if (sys_getuid() != 0)
		SKIP("not root: cannot set up another uid");
	l.sh = rt_map(PAGE_SIZE, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS);
	REQUIRE(l.sh, "mmap");
	REQUIRE(sys_pipe(l.keep) == 0 && sys_pipe(l.close) == 0, "pipe");

	kpid = fork_run(keeper, &l);
	REQUIRE(kpid > 0, "fork");

	/* the maker: 16, ENOMEM, ... then exits, leaving an heir */
	pid = fork_run(maker, &l);
	REQUIRE(pid > 0, "fork");
	r = wait_exit(pid);
	EXPECT_EQ(r, 0, "the maker's failures");
	/* a maker that failed may have stopped before the fork */
	EXPECT(r != 0 || READ_ONCE(l.sh[0]), "the maker left no heir");
	if (READ_ONCE(l.sh[0])) {
		/* the heir holds 16 charged fds: none for uid 1000 */
		pid = fork_run(other, &zero);
		REQUIRE(pid > 0, "fork");
		EXPECT_EQ(wait_exit(pid), 0, "failures with the heir alive");
		send_byte(l.close[1]);
		{
			long t0 = rt_now_ms();

			while (!READ_ONCE(l.sh[1]) && rt_now_ms() - t0 < 5000)
				rt_sleep_ms(1);
		}
		EXPECT(READ_ONCE(l.sh[1]), "the heir did not close its fds");
		/* its fds closed: uid 1000 gets its 16 again */
		pid = fork_run(other, &sixteen);
		REQUIRE(pid > 0, "fork");
		EXPECT_EQ(wait_exit(pid), 0, "failures after the heir closed "
			  "the fds");
	}
	send_byte(l.keep[1]);
	EXPECT_EQ(wait_exit(kpid), 0, "keeper");

	pid = fork_run(root_child, NULL);
	REQUIRE(pid > 0, "fork");
	EXPECT_EQ(wait_exit(pid), 0, "root's failures");
	return tap_result();
}
