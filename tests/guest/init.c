// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the test guest, and the host-mode test runner.
 *
 * As PID 1 of the guest it sets up the console and /proc, runs the
 * selected tests (each in its own process group, with a hard timeout),
 * prints TAP on the console, drains the serial port and reboots (QEMU
 * runs with -no-reboot, so that ends the run).  It reaps every zombie
 * that is reparented to it while it waits.
 *
 * Selection and options come from the environment, which 2.5.38
 * init/main.c builds from the unknown "name=value" kernel parameters:
 *
 *   tests=NAME[,NAME...]   test names or groups (list.h); default all
 *   testargs=OPT[,OPT...]  verbose      more diagnostics
 *                          notodo       ignore TODO flags
 *                          repeat=N     run each selected test N times
 *                          tmoscale=N   multiply the timeouts by N
 *                          duration=N   seconds for time-bound tests
 *                                       (stress); their timeouts grow
 *                                       by N (tests/testargs.h)
 *                          seed=N       seed for randomised tests
 *                          highmem      first a test point "highmem":
 *                                       user, COW and futex pages come
 *                                       from highmem (HighFree moves)
 *                          highpte      and page tables too (HIGHPTE)
 *
 * Not PID 1 (e.g. on the host): no console or /proc setup, never
 * reboot; the exit status is the number of failed tests; test names may
 * also be given as arguments, and --list prints the table.
 * FUTEXTEST_HOST=1 (host mode) also makes the tests tolerate what later
 * kernels do differently (FUTEX_FD gone, ...), and forbids the reboot
 * even to a PID 1 (say, of a PID namespace).
 */
#include "rt/rt.h"
#include "rt/tap.h"
#include "tests/tests.h"
#include "tests/testargs.h"

struct test {
	const char *name;
	const char *groups;	/* comma-separated */
	int (*fn)(void);
	int timeout;		/* seconds */
	unsigned int flags;
};

static const struct test tests[] = {
#define T(name, groups, timeout, flags) { #name, groups, name, timeout, flags },
#include "tests/list.h"
#undef T
};
#define NTESTS ARRAY_SIZE(tests)

static struct {
	int pid1;		/* we are the guest's init */
	int notodo;
	int repeat;
	int tmoscale;
	int highmem, highpte;	/* check where pages come from */
} opt = { 0, 0, 1, 1, 0, 0 };

static struct {
	int run, pass, fail, todo, skip, todo_passed;
} count;

/* tests/testargs.h */
int testarg_duration;
unsigned long testarg_seed;

/* mark the tests a token names (a test, a group or "all"); 0 if none */
static int select_token(const char *tok, size_t n, unsigned char *sel)
{
	unsigned int i;
	int hits = 0;

	for (i = 0; i < NTESTS; i++) {
		if ((n == 3 && !strncmp(tok, "all", 3)) ||
		    (strlen(tests[i].name) == n &&
		     !strncmp(tests[i].name, tok, n)) ||
		    rt_list_has(tests[i].groups, tok, n)) {
			sel[i] = 1;
			hits++;
		}
	}
	return hits;
}

/*
 * Select from a comma-separated list; unknown tokens are collected in
 * bad (as a comma-separated list) and reported as failing tests.
 */
static void select_list(const char *list, unsigned char *sel, char *bad,
			size_t badsize)
{
	const char *p = list;

	while (*p) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (len && !select_token(p, len, sel)) {
			size_t bl = strlen(bad);

			if (bl + len + 2 < badsize) {
				if (bl)
					bad[bl++] = ',';
				memcpy(bad + bl, p, len);
				bad[bl + len] = 0;
			}
		}
		if (!e)
			break;
		p = e + 1;
	}
}

static void parse_testargs(const char *args)
{
	const char *p = args;

	while (p && *p) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (len == 7 && !strncmp(p, "verbose", 7))
			tap_verbose = 1;
		else if (len == 6 && !strncmp(p, "notodo", 6))
			opt.notodo = 1;
		else if (!strncmp(p, "repeat=", 7) && len > 7)
			opt.repeat = rt_atol(p + 7);
		else if (!strncmp(p, "tmoscale=", 9) && len > 9)
			opt.tmoscale = rt_atol(p + 9);
		else if (!strncmp(p, "duration=", 9) && len > 9)
			testarg_duration = rt_atol(p + 9);
		else if (len == 7 && !strncmp(p, "highmem", 7))
			opt.highmem = 1;
		else if (len == 7 && !strncmp(p, "highpte", 7))
			opt.highmem = opt.highpte = 1;
		else if (!strncmp(p, "seed=", 5) && len > 5)
			testarg_seed = (unsigned long)rt_atol(p + 5);
		else if (len) {
			char tok[32];

			rt_snprintf(tok, len < sizeof(tok) ? len + 1 : sizeof(tok),
				    "%s", p);
			tap_diag("testargs: ignoring '%s'", tok);
		}
		if (!e)
			break;
		p = e + 1;
	}
	if (opt.repeat < 1)
		opt.repeat = 1;
	if (opt.tmoscale < 1)
		opt.tmoscale = 1;
	if (testarg_duration < 0)
		testarg_duration = 0;
}

/* the hard limit of a test, in seconds */
static int test_timeout(const struct test *t)
{
	int s = t->timeout;

	if (t->flags & TF_DURATION)
		s += testarg_duration;
	return s * opt.tmoscale;
}

/* PID 1: make sure fds 0, 1 and 2 are the console */
static void setup_console(void)
{
	static const char *const ttys[] = { "/dev/console", "/dev/ttyS0" };
	unsigned int i;
	long fd = -1;

	if (sys_fcntl(1, F_GETFD, 0) >= 0)
		return;		/* the kernel opened /dev/console for us */
	for (i = 0; i < ARRAY_SIZE(ttys) && fd < 0; i++)
		fd = sys_open(ttys[i], O_RDWR | O_NOCTTY, 0);
	if (fd < 0)
		return;		/* nowhere to report anything */
	for (i = 0; i < 3; i++)
		if (fd != (long)i)
			sys_dup2(fd, i);
	if (fd > 2)
		sys_close(fd);
}

static void setup_proc(void)
{
	long r;

	sys_mkdir("/proc", 0555);
	r = sys_mount("proc", "/proc", "proc", 0, NULL);
	if (r < 0 && r != -EBUSY)
		tap_diag("mount /proc: %s (the tests that need to see a "
			 "waiter asleep will fail)", rt_errname(r));
}

static void print_header(void)
{
	struct utsname u;
	char buf[256];
	long n;

	if (sys_uname(&u) == 0)
		tap_diag("kernel %s %s %s (%s)", u.sysname, u.release,
			 u.version, u.machine);
	n = rt_read_file("/proc/cmdline", buf, sizeof(buf));
	if (n > 0) {
		if (buf[n - 1] == '\n')
			buf[n - 1] = 0;
		tap_diag("cmdline: %s", buf);
	}
	tap_diag("mode: %s%s%s", tap_host ? "host" : "guest",
		 opt.pid1 ? ", pid 1" : "", opt.notodo ? ", notodo" : "");
}

/* reap whatever zombie is there, without blocking */
static void reap_zombies(void)
{
	int status;

	while (sys_wait4(-1, &status, WNOHANG | __WALL, NULL) > 0)
		;
}

/*
 * Wait for the test process, reaping anything else meanwhile (orphaned
 * threads of earlier tests are reparented to us).  Returns the wait
 * status, or -ETIMEDOUT after killing its process group.
 */
static int wait_test(int pid, long timeout_ms)
{
	long t0 = rt_now_ms(), r;
	int status = 0, killed = 0;

	for (;;) {
		r = sys_wait4(-1, &status, WNOHANG | __WALL, NULL);
		if (r == pid)
			return killed ? -ETIMEDOUT : status;
		if (r > 0)
			continue;
		if (r < 0 && r != -EINTR)	/* ECHILD: cannot happen */
			return r;
		if (!killed && rt_now_ms() - t0 > timeout_ms) {
			sys_kill(-pid, SIGKILL);	/* pid > 1: a group */
			sys_kill(pid, SIGKILL);
			killed = 1;
			t0 = rt_now_ms();
		} else if (killed && rt_now_ms() - t0 > 10000) {
			/* unkillable (stuck in D state?): leave it */
			return -ETIMEDOUT;
		}
		rt_sleep_ms(5);
	}
}

static long highfree_min = -1;	/* kB, after each test (testargs=highmem) */

static void run_test(const struct test *t, int num)
{
	const char *todo = NULL, *result, *dir = "";
	long timeout_ms = (long)test_timeout(t) * 1000;
	long pid, t0;
	int status, ok;

	if (!opt.notodo && (t->flags & TF_TODO_COW))
		todo = TODO_COW_REASON;
	else if (!opt.notodo && (t->flags & TF_TODO_PRIV))
		todo = TODO_PRIV_REASON;
	else if (!opt.notodo && (t->flags & TF_TODO_WIDTH))
		todo = TODO_WIDTH_REASON;
	if (tap_verbose)
		tap_diag("%d %s: start", num, t->name);

	t0 = rt_now_ms();
	pid = sys_fork();
	if (pid == 0) {
		sys_setpgid(0, 0);
		tap_failures = 0;
		sys_exit(t->fn());
	}
	if (pid < 0) {
		tap_diag("fork: %s", rt_errname(pid));
		status = -1;
	} else {
		sys_setpgid(pid, pid);	/* whoever is first */
		status = wait_test(pid, timeout_ms);
		sys_kill(-pid, SIGKILL);	/* leftover threads, children */
		reap_zombies();
	}

	ok = 0;
	if (status == -ETIMEDOUT) {
		tap_diag("%s: timeout, killed after %d s", t->name,
			 test_timeout(t));
	} else if (status < 0) {
		tap_diag("%s: lost the test process: %s", t->name,
			 rt_errname(status));
	} else if (WIFSIGNALED(status)) {
		tap_diag("%s: killed by signal %d", t->name, WTERMSIG(status));
	} else if (WEXITSTATUS(status) == TEST_SKIP) {
		ok = 2;
	} else {
		ok = WEXITSTATUS(status) == TEST_PASS;
	}
	if (tap_verbose)
		tap_diag("%d %s: %ld ms", num, t->name, rt_now_ms() - t0);

	count.run++;
	result = ok ? "ok" : "not ok";
	if (ok == 2) {
		dir = " # SKIP";
		count.pass++;
		count.skip++;
	} else if (todo) {
		dir = " # TODO ";
		if (ok) {
			count.pass++;
			count.todo_passed++;
		} else {
			count.todo++;
		}
	} else if (ok) {
		count.pass++;
	} else {
		count.fail++;
		if (status == -ETIMEDOUT)
			dir = " # timeout";
	}
	rt_printf("%s %d %s%s%s\n", result, num, t->name, dir,
		  todo && ok != 2 ? todo : "");
	if (opt.highmem) {	/* did highmem last? */
		long h = rt_meminfo("HighFree");

		if (h >= 0 && (highfree_min < 0 || h < highfree_min))
			highfree_min = h;
	}
}

/*
 * EXPECT that HighFree went down by want pages (give or take: +slack
 * pages, for page tables that are not counted in want); return the drop.
 */
static long highfree_drop(long before, long want, long slack,
			  const char *what)
{
	long drop = (before - rt_meminfo("HighFree")) / 4;

	tap_diag("highmem: %s: HighFree -%ld pages (want %ld..%ld)", what,
		 drop, want, want + slack);
	EXPECT(drop >= want && drop <= want + slack,
	       "%s: HighFree went down by %ld pages, not %ld..%ld: the "
	       "pages do not come from highmem", what, drop, want,
	       want + slack);
	return drop;
}

/*
 * Write the next 16 kB of stack: after a fork its pages are shared
 * copy-on-write, and a deeper call while HighFree is measured must not
 * copy one.
 */
static void __attribute__((noinline)) stack_touch(void)
{
	volatile char buf[16384];
	unsigned int i;

	for (i = 0; i < sizeof(buf); i += 512)
		buf[i] = 0;
}

#define HM_PAGES	64	/* anonymous pages touched */
#define HM_PTES		16	/* page tables (4 MB blocks) touched */
#define PT_SPAN		(4UL << 20)

/*
 * testargs=highmem: the test point "highmem", run before the tests on
 * highmem kernels.  A quiet guest allocates nothing from highmem but
 * user pages (and, with CONFIG_HIGHPTE, page tables), and 2.5.38 has no
 * per-CPU page lists: HighFree in /proc/meminfo moves by exactly what
 * this process faults in.  Checks that anonymous pages, a COW copy
 * that then carries a futex (FUTEX_WAIT/FUTEX_WAKE on it), and with
 * testargs=highpte page tables, come from highmem.
 */
static int highmem_probe(void)
{
	static const struct timespec ms10 = { 0, 10 * 1000 * 1000 };
	long total = rt_meminfo("HighTotal");
	long before, child;
	char *p, *q;
	volatile int *f;
	int i;

#ifdef __x86_64__
	SKIP("highmem: x86_64 has no highmem (the kernel maps all memory; "
	     "HM_PTES counts i386 4 MB page-table spans)");
#endif
	tap_diag("highmem: HighTotal %ld kB, HighFree %ld kB, LowFree %ld kB",
		 total, rt_meminfo("HighFree"), rt_meminfo("LowFree"));
	REQUIRE(total > 0, "no highmem (HighTotal %ld kB): boot with more "
		"memory than the kernel maps (896 MB)", total);
	stack_touch();		/* we are a fork of init */

	/* anonymous pages: one fault, one highmem page each */
	p = rt_map(HM_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS);
	REQUIRE(p, "mmap");
	before = rt_meminfo("HighFree");
	for (i = 0; i < HM_PAGES; i++)
		p[i * PAGE_SIZE] = 1;
	highfree_drop(before, HM_PAGES, opt.highpte ? 2 : 0,
		      "anonymous pages");

	/* page tables: one page in each of HM_PTES fresh 4 MB blocks */
	q = rt_map((HM_PTES + 1) * PT_SPAN, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS);
	REQUIRE(q, "mmap");
	q = (char *)(((unsigned long)q + PT_SPAN - 1) & ~(PT_SPAN - 1));
	before = rt_meminfo("HighFree");
	for (i = 0; i < HM_PTES; i++)
		q[i * PT_SPAN] = 1;
	if (opt.highpte)
		highfree_drop(before, 2 * HM_PTES, 0,
			      "a page and its page table, in fresh 4 MB blocks");
	else
		highfree_drop(before, HM_PTES, 0,
			      "a page in fresh 4 MB blocks (page tables in lowmem)");

	/* a futex page made by copy-on-write: the copy is a highmem page */
	f = (volatile int *)p;
	child = sys_fork();
	if (child == 0) {
		for (;;)
			sys_pause();
	}
	REQUIRE(child > 0, "fork: %s", rt_errname(child));
	stack_touch();
	rt_sleep_ms(50);	/* let the child settle */
	before = rt_meminfo("HighFree");
	*f = 0;			/* the COW copy */
	highfree_drop(before, 1, 0, "the COW copy of the futex page");
	EXPECT_ERR(sys_futex(f, FUTEX_WAIT, 0, &ms10), ETIMEDOUT,
		   "FUTEX_WAIT on the highmem page");
	EXPECT_ERR(sys_futex(f, FUTEX_WAKE, 1, NULL), 0,
		   "FUTEX_WAKE on the highmem page");
	sys_kill(child, SIGKILL);
	sys_waitpid(child, NULL, 0);
	return tap_result();
}

static void list_tests(void)
{
	unsigned int i;

	for (i = 0; i < NTESTS; i++)
		rt_printf("%-26s %-12s %3ds%s%s\n", tests[i].name,
			  tests[i].groups, tests[i].timeout,
			  tests[i].flags & TF_DURATION ? "+duration" : "",
			  tests[i].flags & TF_TODO_COW ? "  TODO_COW" :
			  tests[i].flags & TF_TODO_PRIV ? "  TODO_PRIV" :
			  tests[i].flags & TF_TODO_WIDTH ? "  TODO_WIDTH" : "");
}

static void finish(void)
{
	if (count.skip || count.todo_passed)
		tap_diag("skipped %d, TODO passed %d", count.skip,
			 count.todo_passed);
	if (opt.highmem)
		tap_diag("highmem: HighFree %ld kB at the end, lowest after a "
			 "test %ld kB", rt_meminfo("HighFree"), highfree_min);
	tap_diag("tests %d pass %d fail %d todo %d", count.run, count.pass,
		 count.fail, count.todo);
	if (!opt.pid1 || tap_host)
		return;
	/*
	 * PID 1 must never exit (the kernel would panic).  Let the UART
	 * send everything (TCSBRK with a nonzero arg is tcdrain()), then
	 * restart, which QEMU -no-reboot turns into an exit.
	 */
	sys_ioctl(1, TCSBRK, 1);
	sys_sync();
	sys_reboot(LINUX_REBOOT_CMD_RESTART);
	tap_diag("reboot failed; idling");
	for (;;) {
		reap_zombies();
		rt_sleep_ms(1000);
	}
}

int main(int argc, char **argv, char **envp)
{
	unsigned char sel[NTESTS];
	char bad[128] = "";
	const char *e;
	unsigned int i;
	int n, num, r, plan;

	(void)envp;
	e = rt_getenv("FUTEXTEST_HOST");
	tap_host = e && *e && strcmp(e, "0");
	opt.pid1 = sys_getpid() == 1;

	if (!opt.pid1 && argc > 1 && !strcmp(argv[1], "--list")) {
		list_tests();
		return 0;
	}
	if (opt.pid1 && !tap_host) {
		setup_console();
		rt_console_drain = 1;
	}
	rt_printf("TAP version 13\n");
	if (opt.pid1 && !tap_host)
		setup_proc();
	else if (!opt.pid1)
		/* adopt orphaned test threads, to reap them (not in 2.5) */
		sys_prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	parse_testargs(rt_getenv("testargs"));

	memset(sel, 0, sizeof(sel));
	e = rt_getenv("tests");
	n = 0;
	if (e && *e) {
		select_list(e, sel, bad, sizeof(bad));
		n = 1;
	}
	/* in host mode, arguments select too (PID 1 gets kernel junk) */
	for (i = 1; !opt.pid1 && i < (unsigned int)argc; i++, n = 1)
		select_list(argv[i], sel, bad, sizeof(bad));
	if (!n)
		memset(sel, 1, sizeof(sel));

	print_header();
	plan = 0;
	for (i = 0; i < NTESTS; i++)
		plan += sel[i];
	plan *= opt.repeat;
	plan += !!bad[0];
	plan += opt.highmem;
	rt_printf("1..%d\n", plan);

	num = 1;
	if (bad[0]) {
		rt_printf("not ok %d unknown tests or groups: %s\n", num++,
			  bad);
		count.run++;
		count.fail++;
	}
	if (opt.highmem) {
		static const struct test probe = {
			"highmem", "", highmem_probe, 30, 0
		};

		run_test(&probe, num++);
	}
	for (r = 0; r < opt.repeat; r++)
		for (i = 0; i < NTESTS; i++)
			if (sel[i])
				run_test(&tests[i], num++);

	finish();
	return count.fail > 125 ? 125 : count.fail;
}
