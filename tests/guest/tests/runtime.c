// SPDX-License-Identifier: GPL-2.0
/*
 * Group "rt": the runtime itself (formatting, memory and signal system
 * calls), so that a failure of a futex test is not a runtime bug.
 */
#include "tests.h"

static int fmt_is(const char *want, const char *fmt, ...) __printf(2, 3);

static int fmt_is(const char *want, const char *fmt, ...)
{
	char buf[64];
	va_list ap;

	va_start(ap, fmt);
	rt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return EXPECT(!strcmp(buf, want), "format \"%s\": got \"%s\", want "
		      "\"%s\"", fmt, buf, want);
}

static volatile int sig_seen[_NSIG + 1];

static void count_signal(int sig)
{
	sig_seen[sig]++;
}

int rt_runtime(void)
{
	struct mmap_arg_struct ma = {
		0, PAGE_SIZE, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS, (unsigned long)-1, 0
	};
	struct timespec ts = { 0, 1000000 };
	char small[4];
	u64 t0, t1;
	long brk0, r;
	int *p;

	fmt_is("-42 42 ff FF 0x10", "%d %u %x %X %p", -42, 42u, 255, 255,
	       (void *)16);
	fmt_is("[  7][7  ][007][-07]", "[%3d][%-3d][%03d][%03d]", 7, 7, 7, -7);
	fmt_is("-2147483648 4294967295", "%ld %lu", (long)0x80000000,
	       0xffffffffUL);
	fmt_is("s=abc c=z %", "s=%s c=%c %%", "abc", 'z');
	EXPECT_EQ(rt_snprintf(small, sizeof(small), "%s", "truncated"), 9,
		  "snprintf return value");
	EXPECT(!strcmp(small, "tru"), "snprintf truncation: \"%s\"", small);
	EXPECT(!strcmp(rt_errname(-EWOULDBLOCK), "EWOULDBLOCK") &&
	       !strcmp(rt_errname(ETIMEDOUT), "ETIMEDOUT"), "rt_errname");

	/* old_mmap (one pointer to all arguments), mremap, munmap */
	p = sys_old_mmap(&ma);
	REQUIRE(!IS_ERR_VALUE(p), "old_mmap: %s", rt_errname((long)p));
	p[0] = 0x1234;
	p = sys_mremap(p, PAGE_SIZE, 4 * PAGE_SIZE, MREMAP_MAYMOVE);
	REQUIRE(!IS_ERR_VALUE(p), "mremap: %s", rt_errname((long)p));
	EXPECT_EQ(p[0], 0x1234, "word moved by mremap");
	p[3 * PAGE_SIZE / sizeof(int)] = 1;
	EXPECT_ERR(sys_munmap(p, 4 * PAGE_SIZE), 0, "munmap");

	brk0 = sys_brk(NULL);
	EXPECT(brk0 > 0, "brk(0) = %lx", brk0);
	EXPECT_EQ(sys_brk((void *)(brk0 + PAGE_SIZE)), brk0 + PAGE_SIZE,
		  "brk up a page");
	((volatile char *)brk0)[0] = 1;

	/* signals: to ourselves, from a timer */
	REQUIRE(rt_signal(SIGUSR2, count_signal) == 0, "sigaction");
	REQUIRE(rt_signal(SIGALRM, count_signal) == 0, "sigaction");
	EXPECT_ERR(sys_tkill(sys_gettid(), SIGUSR2), 0, "tkill(self)");
	EXPECT_EQ(sig_seen[SIGUSR2], 1, "SIGUSR2 handler calls");
	EXPECT_ERR(rt_sigmask(SIG_BLOCK, SIGUSR2), 0, "block SIGUSR2");
	sys_kill(sys_getpid(), SIGUSR2);
	EXPECT_EQ(sig_seen[SIGUSR2], 1, "blocked SIGUSR2 delivered");
	EXPECT_ERR(rt_sigmask(SIG_UNBLOCK, SIGUSR2), 0, "unblock SIGUSR2");
	EXPECT_EQ(sig_seen[SIGUSR2], 2, "SIGUSR2 after unblocking");
	sys_alarm(1);
	r = sys_pause();
	EXPECT_ERR(r, EINTR, "pause() until SIGALRM");
	EXPECT_EQ(sig_seen[SIGALRM], 1, "SIGALRM handler calls");

	EXPECT(sys_getpid() == sys_gettid(), "getpid %ld != gettid %ld",
	       sys_getpid(), sys_gettid());
	EXPECT_ERR(sys_sched_yield(), 0, "sched_yield");
	t0 = rt_rdtsc();
	sys_nanosleep(&ts, NULL);
	t1 = rt_rdtsc();
	EXPECT(t1 > t0, "rdtsc did not advance");
	return tap_result();
}
