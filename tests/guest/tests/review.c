// SPDX-License-Identifier: GPL-2.0
/*
 * Group "review": findings of a code review of the series, each a test
 * that fails on the kernels that have the problem.
 *
 *   review_zap_*        1. a futex page zapped without a copy-on-write
 *                       (MADV_DONTNEED, or a read() of >= 4 pages from
 *                       /dev/zero over it: zap + zeromap) under a
 *                       sleeping FUTEX_WAIT waiter or a FUTEX_FD; then
 *                       the word is written (a new page) and woken: the
 *                       wake must find the waiter (1), the waiter must
 *                       be woken (FUTEX_WAIT 0, or POLLIN on the fd).
 *                       Touched pages, and *_zero: the zero page
 *                       (untouched before the zap).  Vanilla 2.5.38 and
 *                       the first series wake nobody (0).
 *   review_remap_*      2. munmap() and a new mapping at the same
 *                       address: the new page is another futex; a wake
 *                       there must not find the old waiter or fd (0).
 *                       *_zero: both mappings untouched, i.e. both the
 *                       zero page (vanilla and the first series wake 1).
 *   review_cost_*       3. mremap (a 64 MB PROT_NONE move), munmap of
 *                       1000 single-page vmas and the exit of a child
 *                       with 1000 vmas must not get slower with 1000 or
 *                       10000 page_change registrations (FUTEX_FDs) of
 *                       the same mm elsewhere.  rdtsc, median and
 *                       minimum of several runs; the figures go out as
 *                       "# cost:" diagnostics.  The first series walks
 *                       every registration of the mm for every page
 *                       moved and every vma unmapped.
 *   review_hugetlb_leak 4. FUTEX_WAIT in a huge page (alloc_hugepages)
 *                       must not keep the huge page out of the pool
 *                       after free_hugepages().  Needs
 *                       CONFIG_HUGETLB_PAGE=y (configs/up.config,
 *                       configs/smp.config); i386 only (x86_64: SKIP).
 *
 * Waiters here sleep without a timeout: a wake that finds nobody is
 * detected by FUTEX_WAKE's return value, and the waiter is then killed,
 * so the result does not depend on how fast the guest runs.
 */
#include "tests.h"

#define MADV_DONTNEED		4
#define RLIMIT_NOFILE		7

struct rlimit { unsigned long cur, max; };

static long sys_madvise(void *addr, size_t len, int advice)
{
	return SC3(__NR_madvise, addr, len, advice);
}

static long futex_fd(volatile int *f, int sig)
{
	return sys_futex(f, FUTEX_FD, sig, NULL);
}

/* poll one fd for POLLIN: revents, or a negative errno */
static long poll_in(int fd, int ms)
{
	struct pollfd p = { fd, POLLIN, 0 };
	long r;

	do
		r = sys_poll(&p, 1, ms);
	while (r == -EINTR);
	return r < 0 ? r : p.revents;
}

/* end a waiter that was not woken (it sleeps without a timeout) */
static void waiter_kill(struct waiter *w)
{
	if (!READ_ONCE(w->done))
		sys_kill(w->thr.tid, SIGKILL);
	thread_join(&w->thr);
}

/* ---- 1. a futex page zapped without a copy-on-write ---- */

enum zap_how { ZAP_DONTNEED, ZAP_DEVZERO };
#define ZAP_PAGES	4	/* read_zero() zaps from 4 pages up */

static const char *const zap_name[] = {
	[ZAP_DONTNEED]	= "MADV_DONTNEED",
	[ZAP_DEVZERO]	= "read() of 4 pages from /dev/zero",
};

/* zap the page at p (ZAP_PAGES private pages are mapped there) */
static long zap(volatile int *p, enum zap_how how)
{
	long fd, r;

	if (how == ZAP_DONTNEED)
		return sys_madvise((void *)p, PAGE_SIZE, MADV_DONTNEED);
	fd = sys_open("/dev/zero", O_RDONLY, 0);
	if (fd < 0)
		return fd;
	r = sys_read(fd, (void *)p, ZAP_PAGES * PAGE_SIZE);
	sys_close(fd);
	if (r == ZAP_PAGES * PAGE_SIZE)
		return 0;
	return r < 0 ? r : -EIO;
}

static int zap_case(int use_fd, enum zap_how how, int touch)
{
	volatile int *p = rt_map(ZAP_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS);
	struct waiter w;
	char what[128];
	long fd = -1, r, woken, ret;
	int i;

	rt_snprintf(what, sizeof(what), "%s on a %s page, %s, write, "
		    "FUTEX_WAKE", use_fd ? "FUTEX_FD" : "sleeping FUTEX_WAIT",
		    touch ? "written" : "zero (untouched)", zap_name[how]);
	REQUIRE(p, "mmap");
	if (touch)
		for (i = 0; i < ZAP_PAGES; i++)
			p[i * (PAGE_SIZE / sizeof(int))] = 0;
	if (use_fd) {
		fd = futex_fd(p, 0);
		if (fd == -ENOSYS && tap_host)
			SKIP("no FUTEX_FD on this kernel");
		REQUIRE(fd >= 0, "FUTEX_FD: %s", rt_errname(fd));
	} else {
		REQUIRE(waiter_start(&w, p, 0, 0) == 0,
			"the waiter did not go to sleep");
	}
	r = zap(p, how);
	EXPECT(r == 0, "%s: %s", zap_name[how], rt_errname(r));
	EXPECT(p[0] == 0, "the word reads %d after %s, want 0", p[0],
	       zap_name[how]);
	p[0] = 1;			/* a new page */
	woken = sys_futex(p, FUTEX_WAKE, 1, NULL);
	EXPECT(woken == 1, "%s: woke %ld, want 1 (the wakeup is lost: the "
	       "%s is still keyed on the zapped page)", what, woken,
	       use_fd ? "fd" : "waiter");
	if (use_fd) {
		r = poll_in(fd, 1000);
		EXPECT(r >= 0 && (r & POLLIN), "%s: the fd is not readable "
		       "after the wake (poll: %s, revents 0x%lx)", what,
		       r < 0 ? rt_errname(r) : "ok", r < 0 ? 0 : r);
		EXPECT_ERR(sys_close(fd), 0, "close of the FUTEX_FD");
	} else if (woken >= 1) {
		ret = waiter_join(&w);
		EXPECT(ret == 0, "%s: the waiter's FUTEX_WAIT returned %s, "
		       "want 0 (woken)", what, rt_errname(ret));
	} else {
		EXPECT(!READ_ONCE(w.done), "%s: the waiter returned %s "
		       "without being found by the wake", what,
		       rt_errname(w.ret));
		waiter_kill(&w);
	}
	sys_munmap((void *)p, ZAP_PAGES * PAGE_SIZE);
	return tap_result();
}

int review_zap_wait_dontneed(void)
{
	return zap_case(0, ZAP_DONTNEED, 1);
}

int review_zap_wait_devzero(void)
{
	return zap_case(0, ZAP_DEVZERO, 1);
}

int review_zap_fd_dontneed(void)
{
	return zap_case(1, ZAP_DONTNEED, 1);
}

int review_zap_fd_devzero(void)
{
	return zap_case(1, ZAP_DEVZERO, 1);
}

int review_zap_wait_dontneed_zero(void)
{
	return zap_case(0, ZAP_DONTNEED, 0);
}

int review_zap_wait_devzero_zero(void)
{
	return zap_case(0, ZAP_DEVZERO, 0);
}

int review_zap_fd_dontneed_zero(void)
{
	return zap_case(1, ZAP_DONTNEED, 0);
}

int review_zap_fd_devzero_zero(void)
{
	return zap_case(1, ZAP_DEVZERO, 0);
}

/* ---- 2. munmap and a new mapping at the same address ---- */

static int remap_case(int use_fd, int touch)
{
	volatile int *p = rt_map(PAGE_SIZE, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS), *q;
	struct waiter w;
	char what[128];
	long fd = -1, before = 0, after, woken;

	rt_snprintf(what, sizeof(what), "%s on a %s page, munmap, a new "
		    "%s mapping at the same address, FUTEX_WAKE there",
		    use_fd ? "FUTEX_FD" : "sleeping FUTEX_WAIT",
		    touch ? "written" : "zero (untouched)",
		    touch ? "written" : "untouched");
	REQUIRE(p, "mmap");
	if (touch)
		p[0] = 0;
	if (use_fd) {
		fd = futex_fd(p, 0);
		if (fd == -ENOSYS && tap_host)
			SKIP("no FUTEX_FD on this kernel");
		REQUIRE(fd >= 0, "FUTEX_FD: %s", rt_errname(fd));
	} else {
		/* there, the new mapping is the old waiter's futex */
		if (tap_host)
			SKIP("a modern kernel keys private futexes by address");
		REQUIRE(waiter_start(&w, p, 0, 0) == 0,
			"the waiter did not go to sleep");
	}
	EXPECT_ERR(sys_munmap((void *)p, PAGE_SIZE), 0, "munmap");
	q = sys_mmap((void *)p, PAGE_SIZE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (!EXPECT(q == p, "mmap MAP_FIXED at %p: %p", p, q)) {
		if (use_fd)
			sys_close(fd);
		else
			waiter_kill(&w);
		return TEST_FAIL;
	}
	if (use_fd)
		before = poll_in(fd, 0);
	if (touch)
		q[0] = 0;		/* a new page, same address */
	woken = sys_futex(q, FUTEX_WAKE, 1, NULL);
	EXPECT(woken == 0, "%s: woke %ld, want 0 (the new mapping is "
	       "another futex; the %s of the old one was woken)", what,
	       woken, use_fd ? "fd" : "waiter");
	if (use_fd) {
		after = poll_in(fd, 0);
		EXPECT(after >= 0 && before >= 0 &&
		       !((after & ~before) & POLLIN),
		       "%s: the old fd became readable (revents 0x%lx before "
		       "the wake, 0x%lx after)", what, before, after);
		EXPECT_ERR(sys_close(fd), 0, "close of the FUTEX_FD");
	} else {
		if (READ_ONCE(w.done))
			tap_diag("%s: the old waiter returned %s", what,
				 rt_errname(w.ret));
		EXPECT(woken != 0 || !READ_ONCE(w.done) || w.ret != 0,
		       "%s: the old waiter's FUTEX_WAIT returned 0 (woken)",
		       what);
		waiter_kill(&w);
	}
	sys_munmap((void *)q, PAGE_SIZE);
	return tap_result();
}

int review_remap_wait(void)
{
	return remap_case(0, 1);
}

int review_remap_fd(void)
{
	return remap_case(1, 1);
}

int review_remap_wait_zero(void)
{
	return remap_case(0, 0);
}

int review_remap_fd_zero(void)
{
	return remap_case(1, 0);
}

/* ---- 3. the cost of mremap, munmap and exit with registrations ---- */

#define COST_RUNS	5
#define COST_BUDGET_MS	8000	/* per (operation, N): fewer runs past it */
#define FD_PAGES	100	/* the FUTEX_FDs' words are on these pages */
#define FDS_MAX		10000
#define MOVE_BYTES	(64 << 20)
#define NVMAS		1000
#define COST_FACTOR	3
#define COST_SLACK_US	2000	/* absolute slack on top of the factor */

static const int cost_n[] = { 0, 1000, FDS_MAX };
#define NCOST	((int)ARRAY_SIZE(cost_n))

static u64 tsc_per_ms;

static void tsc_calibrate(void)
{
	s64 us0, us1;
	u64 t0, t1;

	us0 = rt_now_us();
	t0 = rt_rdtsc();
	rt_sleep_ms(100);
	us1 = rt_now_us();
	t1 = rt_rdtsc();
	if (us1 <= us0)
		us1 = us0 + 1;
	tsc_per_ms = (t1 - t0) * 1000 / (u64)(us1 - us0);
	if (!tsc_per_ms)
		tsc_per_ms = 1;
}

static long tsc_us(u64 c)
{
	return (long)(c * 1000 / tsc_per_ms);
}

struct cost {
	int runs;
	u64 t[COST_RUNS];
	u64 median, min;
};

static void cost_sort(struct cost *c)
{
	int i, j;

	for (i = 1; i < c->runs; i++)
		for (j = i; j > 0 && c->t[j] < c->t[j - 1]; j--) {
			u64 x = c->t[j];

			c->t[j] = c->t[j - 1];
			c->t[j - 1] = x;
		}
	c->min = c->t[0];
	c->median = c->t[c->runs / 2];
}

/* fds on the words of FD_PAGES touched pages, FDS_MAX / FD_PAGES each */
static volatile int *fd_pages(void)
{
	volatile int *p = rt_map(FD_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS);
	int i;

	if (p)
		for (i = 0; i < FD_PAGES; i++)
			p[i * (PAGE_SIZE / sizeof(int))] = 0;
	return p;
}

static volatile int *fd_word(volatile int *pages, int i)
{
	return &pages[(i % FD_PAGES) * (PAGE_SIZE / sizeof(int)) +
		      i / FD_PAGES];
}

/* FUTEX_FDs i = from .. to-1; the first fd number in *first */
static long make_fds(volatile int *pages, int from, int to, long *first)
{
	long fd;
	int i;

	for (i = from; i < to; i++) {
		fd = futex_fd(fd_word(pages, i), 0);
		if (fd < 0)
			return fd;
		if (i == from && first)
			*first = fd;
	}
	return 0;
}

/* room for FDS_MAX + a few fds: RLIMIT_NOFILE and fs.file-max */
static int raise_fd_limits(void)
{
	struct rlimit rl = { FDS_MAX + 256, FDS_MAX + 256 };
	long r, fd;

	r = SC2(__NR_setrlimit, RLIMIT_NOFILE, &rl);
	if (r < 0) {
		tap_diag("setrlimit(RLIMIT_NOFILE, %lu): %s", rl.cur,
			 rt_errname(r));
		return -1;
	}
	fd = sys_open("/proc/sys/fs/file-max", O_WRONLY, 0);
	if (fd >= 0) {
		sys_write(fd, "100000\n", 7);
		sys_close(fd);
	} else {
		tap_diag("/proc/sys/fs/file-max: %s", rt_errname(fd));
	}
	return 0;
}

/*
 * Run on CPU 0 only (the children inherit it): a task woken from
 * another CPU may wait for that CPU's next timer tick under TCG, which
 * showed as 10+ ms outliers in the exit times of SMP guests.
 */
static void pin_cpu0(void)
{
	unsigned long mask = 1;
	long r = SC3(__NR_sched_setaffinity, 0, sizeof(mask), &mask);

	if (r < 0)
		tap_diag("sched_setaffinity(CPU 0): %s", rt_errname(r));
}

static int have_futex_fd(void)
{
	volatile int *p = rt_private_page();
	long fd;

	if (!p)
		return 0;
	fd = futex_fd(p, 0);
	if (fd >= 0)
		sys_close(fd);
	sys_munmap((void *)p, PAGE_SIZE);
	return fd >= 0;
}

/*
 * n single-page vmas (alternating protections), at hint if it is not
 * NULL (and then exactly there); NULL on failure
 */
static void *many_vmas(int n, void *hint)
{
	char *a = sys_mmap(hint, (size_t)n * PAGE_SIZE, PROT_READ,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int i;

	if (IS_ERR_VALUE(a))
		return NULL;
	if (hint && a != hint) {
		tap_diag("mmap at %p: got %p", hint, a);
		sys_munmap(a, (size_t)n * PAGE_SIZE);
		return NULL;
	}
	for (i = 1; i < n; i += 2)
		if (sys_mprotect(a + (size_t)i * PAGE_SIZE, PAGE_SIZE,
				 PROT_NONE) < 0) {
			sys_munmap(a, (size_t)n * PAGE_SIZE);
			return NULL;
		}
	return a;
}

/* one timed run of the operation; 0, or a negative errno */
typedef long (*cost_fn)(u64 *cycles, void *arg);

/* mremap of a MOVE_BYTES PROT_NONE mapping that cannot grow in place */
static long run_mremap(u64 *cycles, void *arg)
{
	char *a, *b, *g;
	u64 t0, t1;

	(void)arg;
	a = rt_map(MOVE_BYTES, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS);
	if (!a)
		return -ENOMEM;
	g = sys_mmap(a + MOVE_BYTES, PAGE_SIZE, PROT_READ,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (g != a + MOVE_BYTES) {
		sys_munmap(a, MOVE_BYTES);
		return -ENOMEM;
	}
	t0 = rt_rdtsc();
	b = sys_mremap(a, MOVE_BYTES, MOVE_BYTES + PAGE_SIZE, MREMAP_MAYMOVE);
	t1 = rt_rdtsc();
	*cycles = t1 - t0;
	sys_munmap(g, PAGE_SIZE);
	if (IS_ERR_VALUE(b)) {
		sys_munmap(a, MOVE_BYTES);
		return (long)b;
	}
	sys_munmap(b, MOVE_BYTES + PAGE_SIZE);
	if (b == a) {
		tap_diag("mremap did not move the mapping");
		return -EINVAL;
	}
	return 0;
}

/* munmap of NVMAS single-page vmas */
static long run_munmap(u64 *cycles, void *arg)
{
	char *a = many_vmas(NVMAS, NULL);
	u64 t0, t1;
	long r;

	(void)arg;
	if (!a)
		return -ENOMEM;
	t0 = rt_rdtsc();
	r = sys_munmap(a, (size_t)NVMAS * PAGE_SIZE);
	t1 = rt_rdtsc();
	*cycles = t1 - t0;
	return r;
}

/*
 * The exit of a child with nvmas extra single-page vmas and n FUTEX_FDs
 * of its own (registrations of its mm).  The child shares our file
 * table (CLONE_FILES, not CLONE_VM): its exit does not close the fds,
 * so what is timed is the exit of the mm; we close them afterwards.
 */
/*
 * The exiting child's vmas go below everything mmap() hands out (2.5.38
 * allocates upwards from TASK_UNMAPPED_BASE, 1 GB; the program and its
 * brk are at 128 MB; x86_64, 2.5.42: from TASK_SIZE / 3, ~170 GB, the
 * program at 4 MB): exit unmaps in address order, and the vmas must be
 * unmapped while the registrations (on the FD_PAGES, mapped higher) are
 * still there.
 */
#define EXIT_VMAS_ADDR	((void *)0x20000000)

struct exit_arg {
	volatile int *pages;	/* FD_PAGES pages, copied into the child */
	int n, nvmas;
	volatile struct exit_sh {
		u64 t0;
		long first, err;
		int ready;
	} *sh;
};

static int exit_child(void *arg)
{
	struct exit_arg *a = arg;
	long r;

	if (a->nvmas && !many_vmas(a->nvmas, EXIT_VMAS_ADDR)) {
		a->sh->err = -ENOMEM;
		return 1;
	}
	r = make_fds(a->pages, 0, a->n, (long *)&a->sh->first);
	if (r < 0) {
		a->sh->err = r;
		return 2;
	}
	a->sh->t0 = rt_rdtsc();
	sys_exit(0);
}

static long run_exit(u64 *cycles, void *arg)
{
	struct exit_arg *a = arg;
	struct rt_thread t;
	int status = 0, i;
	long r;
	u64 t1;

	a->sh->err = 0;
	a->sh->first = -1;
	a->sh->t0 = 0;
	r = thread_start_flags(&t, exit_child, a, CLONE_FILES | SIGCHLD);
	if (r < 0)
		return r;
	do
		r = sys_wait4(t.tid, &status, __WALL, NULL);
	while (r == -EINTR);
	t1 = rt_rdtsc();
	sys_munmap(t.stack, THREAD_STACK_SIZE);
	if (a->n && a->sh->first >= 0)
		for (i = 0; i < a->n; i++)
			sys_close(a->sh->first + i);
	if (r < 0)
		return r;
	if (a->sh->err)
		return a->sh->err;
	if (!WIFEXITED(status) || WEXITSTATUS(status) || !a->sh->t0)
		return -EIO;
	*cycles = t1 - a->sh->t0;
	return 0;
}

/* COST_RUNS runs (fewer past COST_BUDGET_MS, at least one) */
static int measure(const char *what, int n, cost_fn fn, void *arg,
		   struct cost *c)
{
	long t0 = rt_now_ms(), r;

	c->runs = 0;
	while (c->runs < COST_RUNS) {
		r = fn(&c->t[c->runs], arg);
		if (r < 0) {
			EXPECT(0, "%s with %d FUTEX_FDs: run %d failed: %s",
			       what, n, c->runs, rt_errname(r));
			return -1;
		}
		c->runs++;
		if (rt_now_ms() - t0 > COST_BUDGET_MS)
			break;
	}
	cost_sort(c);
	tap_diag("cost: %s with %5d FUTEX_FDs: median %7ld us, min %7ld us "
		 "(%d runs)", what, n, tsc_us(c->median), tsc_us(c->min),
		 c->runs);
	return 0;
}

/*
 * Is base -> with an increase within COST_FACTOR (plus COST_SLACK_US)?
 * Both the medians and the minimums must be over the limit to fail:
 * load on the host only ever adds time, so a real dependence on N shows
 * in both, a noisy run in at most one.
 */
static int cost_ok(const struct cost *base, const struct cost *with,
		   u64 extra)
{
	u64 slack = COST_SLACK_US * tsc_per_ms / 1000;

	return with->median <= COST_FACTOR * (base->median + extra) + slack ||
	       with->min <= COST_FACTOR * (base->min + extra) + slack;
}

static void cost_report(const char *what, const struct cost *c)
{
	int i;

	for (i = 1; i < NCOST; i++)
		tap_diag("cost: %s: %d FUTEX_FDs / none = %ld.%02ld (median)",
			 what, cost_n[i],
			 (long)(c[i].median / (c[0].median ? c[0].median : 1)),
			 (long)(c[i].median * 100 /
				(c[0].median ? c[0].median : 1) % 100));
}

/* mremap and munmap: the test's own mm gets the FUTEX_FDs */
static int cost_own(const char *what, cost_fn fn)
{
	struct cost c[NCOST];
	volatile int *pages;
	long r;
	int i, have = 0;

	if (tap_host || !have_futex_fd())
		SKIP("no FUTEX_FD on this kernel");
	REQUIRE(raise_fd_limits() == 0, "cannot raise RLIMIT_NOFILE");
	pin_cpu0();
	pages = fd_pages();
	REQUIRE(pages, "mmap of the FUTEX_FD pages");
	tsc_calibrate();
	tap_diag("cost: TSC %lu kHz", (unsigned long)tsc_per_ms);
	for (i = 0; i < NCOST; i++) {
		r = make_fds(pages, have, cost_n[i], NULL);
		REQUIRE(r == 0, "FUTEX_FD number %d: %s", have, rt_errname(r));
		have = cost_n[i];
		if (measure(what, have, fn, NULL, &c[i]) < 0)
			return TEST_FAIL;
	}
	cost_report(what, c);
	EXPECT(cost_ok(&c[0], &c[NCOST - 1], 0),
	       "%s: %ld us (median; min %ld us) with %d FUTEX_FDs elsewhere "
	       "in the mm, %ld us (min %ld us) with none: more than %dx; the "
	       "cost grows with the number of page_change registrations",
	       what, tsc_us(c[NCOST - 1].median), tsc_us(c[NCOST - 1].min),
	       FDS_MAX, tsc_us(c[0].median), tsc_us(c[0].min), COST_FACTOR);
	return tap_result();
}

int review_cost_mremap(void)
{
	return cost_own("mremap move of 64 MB PROT_NONE", run_mremap);
}

int review_cost_munmap(void)
{
	return cost_own("munmap of 1000 single-page vmas", run_munmap);
}

/*
 * The exit: an exit unmaps everything, so it has to drop every
 * registration of the mm, which may cost something per registration in
 * any design.  So the comparison: the exit with 1000 vmas and 10000
 * registrations must cost at most COST_FACTOR x (the exit with 1000
 * vmas and none + what the registrations add to an exit with only the
 * few vmas a process has anyway).  Walking all registrations for each
 * vma makes the first cost grow with vmas x registrations.
 */
int review_cost_exit(void)
{
	struct cost many[NCOST], few[NCOST];
	struct exit_arg a;
	u64 extra;
	int i;

	if (tap_host || !have_futex_fd())
		SKIP("no FUTEX_FD on this kernel");
	REQUIRE(raise_fd_limits() == 0, "cannot raise RLIMIT_NOFILE");
	pin_cpu0();
	a.pages = fd_pages();
	a.sh = rt_map(PAGE_SIZE, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS);
	REQUIRE(a.pages && a.sh, "mmap");
	tsc_calibrate();
	tap_diag("cost: TSC %lu kHz", (unsigned long)tsc_per_ms);
	for (i = 0; i < NCOST; i++) {
		a.n = cost_n[i];
		a.nvmas = 0;
		if (measure("exit, a few vmas", a.n, run_exit, &a, &few[i]) < 0)
			return TEST_FAIL;
		a.nvmas = NVMAS;
		if (measure("exit with 1000 more vmas", a.n, run_exit, &a,
			    &many[i]) < 0)
			return TEST_FAIL;
	}
	cost_report("exit with 1000 more vmas", many);
	cost_report("exit, a few vmas", few);
	i = NCOST - 1;
	extra = few[i].min > few[0].min ? few[i].min - few[0].min : 0;
	EXPECT(cost_ok(&many[0], &many[i], extra),
	       "exit with 1000 vmas: %ld us (median; min %ld us) with %d "
	       "FUTEX_FDs, %ld us (min %ld us) with none; the same "
	       "registrations add only %ld us to an exit with a few vmas: "
	       "more than %dx; the exit's cost per vma grows with the "
	       "number of page_change registrations", tsc_us(many[i].median),
	       tsc_us(many[i].min), FDS_MAX, tsc_us(many[0].median),
	       tsc_us(many[0].min), tsc_us(extra), COST_FACTOR);
	return tap_result();
}

/* ---- 4. a futex in a huge page must not leak it ---- */

#define HUGE_ROUNDS	3

#ifdef __x86_64__
/* alloc_hugepages (i386 250) was never an x86_64 system call */
int review_hugetlb_leak(void)
{
	SKIP("x86_64: the guest's arch code (2.5.42) has no huge pages: no "
	     "CONFIG_HUGETLB_PAGE, no alloc_hugepages system call");
}
#else
int review_hugetlb_leak(void)
{
	long avail0, avail, size_kb, addr, r;
	volatile int *p;
	int i;

	if (tap_host)
		SKIP("host kernel: alloc_hugepages is a 2.5 system call");
	avail0 = rt_meminfo("Available");
	size_kb = rt_meminfo("Size");
	REQUIRE(avail0 >= 0 && size_kb > 0, "no huge page pool in "
		"/proc/meminfo (Available:, Size:): kernel built without "
		"CONFIG_HUGETLB_PAGE? configs/*.config must set it");
	tap_diag("hugetlb: %ld huge pages of %ld kB free, of %ld",
		 avail0, size_kb, rt_meminfo("HugePages"));
	REQUIRE(avail0 >= 1, "the huge page pool is empty (guest memory?)");
	for (i = 0; i < HUGE_ROUNDS; i++) {
		addr = SC5(__NR_alloc_hugepages, 0, 0, size_kb * 1024,
			   PROT_READ | PROT_WRITE, MAP_PRIVATE);
		REQUIRE(addr != -ENOSYS, "alloc_hugepages: ENOSYS: the kernel "
			"has no CONFIG_HUGETLB_PAGE (configs/*.config must "
			"set it)");
		REQUIRE(!IS_ERR_VALUE(addr), "round %d: alloc_hugepages: %s",
			i, rt_errname(addr));
		p = (volatile int *)addr;
		p[0] = 0;
		p[1000] = 0;
		r = futex_wait_ms(&p[1000], 0, 1);
		EXPECT(r == -ETIMEDOUT, "round %d: FUTEX_WAIT (1 ms) in the "
		       "huge page: %s, want ETIMEDOUT", i, rt_errname(r));
		r = SC1(__NR_free_hugepages, addr);
		REQUIRE(r >= 0, "round %d: free_hugepages: %s", i,
			rt_errname(r));
		avail = rt_meminfo("Available");
		tap_diag("hugetlb: round %d: %ld huge pages free", i, avail);
	}
	avail = rt_meminfo("Available");
	EXPECT(avail == avail0, "huge page pool: %ld free before, %ld after "
	       "%d rounds of alloc_hugepages, FUTEX_WAIT, free_hugepages: "
	       "%ld huge pages leaked by FUTEX_WAIT", avail0, avail,
	       HUGE_ROUNDS, avail0 - avail);
	return tap_result();
}
#endif
