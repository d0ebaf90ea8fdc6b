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
} opt = { 0, 0, 1, 1 };

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
		tap_diag("mount /proc: %s (tests will sleep instead of "
			 "checking that waiters sleep)", rt_errname(r));
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
}

static void list_tests(void)
{
	unsigned int i;

	for (i = 0; i < NTESTS; i++)
		rt_printf("%-26s %-12s %3ds%s%s\n", tests[i].name,
			  tests[i].groups, tests[i].timeout,
			  tests[i].flags & TF_DURATION ? "+duration" : "",
			  tests[i].flags & TF_TODO_COW ? "  TODO_COW" :
			  tests[i].flags & TF_TODO_PRIV ? "  TODO_PRIV" : "");
}

static void finish(void)
{
	if (count.skip || count.todo_passed)
		tap_diag("skipped %d, TODO passed %d", count.skip,
			 count.todo_passed);
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
	if (opt.pid1 && !tap_host)
		setup_console();
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
	rt_printf("1..%d\n", plan);

	num = 1;
	if (bad[0]) {
		rt_printf("not ok %d unknown tests or groups: %s\n", num++,
			  bad);
		count.run++;
		count.fail++;
	}
	for (r = 0; r < opt.repeat; r++)
		for (i = 0; i < NTESTS; i++)
			if (sel[i])
				run_test(&tests[i], num++);

	finish();
	return count.fail > 125 ? 125 : count.fail;
}
