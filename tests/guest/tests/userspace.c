// SPDX-License-Identifier: GPL-2.0
/*
 * Groups userspace and userspace_bug: run a program of the initrd's /us
 * (tests/userspace, built with musl) as one test point.  The table is
 * userspace.h.
 *
 * The program runs in /tmp as a child of the test process (so in its
 * process group: the runner's timeout kills it too), with its stdout
 * and stderr on a pipe that is read here line by line and printed as
 * "# | " diagnostics: the program's own TAP ("ok 1 ...", "1..N") never
 * reaches the console as TAP.  Exit 0: ok; exit 4 (KSFT_SKIP): SKIP;
 * any other exit or a signal: not ok.  The programs are i386 ones: the
 * x86_64 build SKIPs them all.
 */
#include "tests.h"

#define US_EXIT_SKIP	4		/* kselftest's KSFT_SKIP */

static long sys_chdir(const char *path)
{
	return SC1(__NR_chdir, path);
}

/* print what the program wrote, one "# |" line per line */
static void relay(int fd, const char *name)
{
	char buf[1024], line[256];
	size_t len = 0;
	long n, i;

	while ((n = sys_read(fd, buf, sizeof(buf))) != 0) {
		if (n == -EINTR)
			continue;
		if (n < 0) {
			tap_diag("%s: reading its output: %s", name,
				 rt_errname(n));
			return;
		}
		for (i = 0; i < n; i++) {
			char c = buf[i];

			if (c == '\n' || len == sizeof(line) - 1) {
				line[len] = 0;
				tap_diag("| %s", line);
				len = 0;
				if (c == '\n')
					continue;
			}
			if (c != '\r')
				line[len++] = c;
		}
	}
	if (len) {
		line[len] = 0;
		tap_diag("| %s", line);
	}
}

static int us_run(const char *name, const char *prog, const char *arg,
		  const char *skip)
{
	char *argv[3], *envp[] = { "PATH=/us", "HOME=/tmp", NULL };
	int fds[2], status = 0;
	long pid, r, fd;

#ifdef __x86_64__
	SKIP("%s: %s is an i386 program (tests/userspace: static musl for "
	     "the 2.5.38 i386 ABI): not run on x86_64", name, prog);
#endif
	if (skip)
		SKIP("%s: not on 2.5.38: %s", name, skip);
	fd = sys_open(prog, O_RDONLY, 0);
	if (fd == -ENOENT)
		SKIP("%s: %s is not in the initrd: tests/userspace was not "
		     "built (i386-linux-musl-gcc: Debian musl:i386 and "
		     "musl-dev:i386; the futex selftests also need "
		     "linux-source-6.1)", name, prog);
	REQUIRE(fd >= 0, "open %s: %s", prog, rt_errname(fd));
	sys_close(fd);

	argv[0] = (char *)prog;
	argv[1] = (char *)arg;
	argv[2] = NULL;
	REQUIRE(sys_pipe(fds) == 0, "pipe");
	pid = sys_fork();
	REQUIRE(pid >= 0, "fork: %s", rt_errname(pid));
	if (pid == 0) {
		sys_close(fds[0]);
		sys_dup2(fds[1], 1);
		sys_dup2(fds[1], 2);
		if (fds[1] > 2)
			sys_close(fds[1]);
		sys_chdir("/tmp");
		r = sys_execve(prog, argv, envp);
		rt_dprintf(2, "execve %s: %s\n", prog, rt_errname(r));
		sys_exit(127);
	}
	sys_close(fds[1]);
	tap_diag("%s: %s%s%s", name, prog, arg ? " " : "", arg ? arg : "");
	relay(fds[0], name);
	sys_close(fds[0]);
	do
		r = sys_waitpid(pid, &status, 0);
	while (r == -EINTR);
	REQUIRE(r == pid, "waitpid: %s", rt_errname(r));
	if (WIFSIGNALED(status)) {
		tap_diag("%s: killed by signal %d", name, WTERMSIG(status));
		return TEST_FAIL;
	}
	if (WEXITSTATUS(status) == US_EXIT_SKIP)
		SKIP("%s: the program skipped itself (exit 4)", name);
	if (WEXITSTATUS(status)) {
		tap_diag("%s: exit status %d", name, WEXITSTATUS(status));
		return TEST_FAIL;
	}
	return TEST_PASS;
}

#define U(name, groups, timeout, prog, arg, skip) \
	int name(void) { return us_run(#name, prog, arg, skip); }
#include "userspace.h"
#undef U
