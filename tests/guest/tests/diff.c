// SPDX-License-Identifier: GPL-2.0
/*
 * Group "diff": the differential table.  Every futex op against every bad
 * (and a few good) arguments, and a set of deterministic semantic cases
 * (FUTEX_FD waiters, no threads, no timing), each printed as one line
 *
 *	# DIFF <case> <result>
 *
 * where result is an errno name (EFAULT), "0" (FUTEX_WAIT woken or
 * FUTEX_WAIT's zero), "n=<k>" (what FUTEX_WAKE returned), "fd" (FUTEX_FD
 * made an fd, which is closed at once), or a short case-specific
 * summary.  No timings, fd numbers or addresses: the same kernel gives
 * the same lines.  tests/differential.t boots vanilla-up and patched-up
 * with tests=diff and compares the two tables against
 * tests/differential.expected (Documentation/futex-differences.txt
 * explains every expected difference).
 *
 * Case names: <op>.<address> for the op x address matrix (ops: wait =
 * FUTEX_WAIT with a value that does not match, wait0 = matching value
 * and a zero timeout, wake = FUTEX_WAKE(1), fd = FUTEX_FD(0), fdsig =
 * FUTEX_FD(SIGUSR2), op3, op-1, op1000 = invalid ops); ts.* timeouts;
 * tsp.* bad timeout pointers; sig.* FUTEX_FD signal numbers; val.*
 * FUTEX_WAKE counts; fdop.* system calls on a futex fd; sem.* semantics.
 *
 * Anything that could sleep runs under a 300 ms interval timer: it ends
 * in EINTR, deterministically.  The test has no expectations of its own
 * (it passes if it completes); it is skipped on the host, whose kernel
 * is not the point.
 */
#include "tests.h"

#define RLIMIT_MEMLOCK	8
#define MADV_DONTNEED	4
#define SHM_RDONLY	010000
#define FIONREAD	0x541B
#define GUARD_MS	300
#define BAD_VAL		0x5a5a5a5a

/*
 * The rows of a complete table.  A case that cannot be set up gives a
 * "setup-failed" (or "mremap-did-not-move") row, or one ".all" row for
 * a whole block: the table is then incomplete and diff_table fails.
 * Differences between kernels are not its business (differential.t).
 * Adding a case: raise DIFF_CASES.
 */
#define DIFF_CASES	497

static int ncases, nmissing;

__printf(2, 3) static void report(const char *name, const char *fmt, ...)
{
	char res[96];
	va_list ap;

	va_start(ap, fmt);
	rt_vsnprintf(res, sizeof(res), fmt, ap);
	va_end(ap);
	tap_diag("DIFF %s %s", name, res);
	ncases++;
	if (!strncmp(res, "setup-failed", 12) ||
	    !strcmp(res, "mremap-did-not-move")) {
		tap_diag("diff_table: case %s could not be run: %s", name, res);
		nmissing++;
	}
}

static volatile int alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

static void guard(long ms)
{
	struct itimerval it;

	memset(&it, 0, sizeof(it));
	it.it_value.tv_sec = ms / 1000;
	it.it_value.tv_usec = (ms % 1000) * 1000;
	sys_setitimer(ITIMER_REAL, &it, NULL);
}

/* a futex call that cannot hang, and leaves no fd behind */
static long call(volatile int *a, int op, int val, const void *ts)
{
	long r;

	guard(GUARD_MS);
	r = sys_futex(a, op, val, ts);
	guard(0);
	if (op == FUTEX_FD && r >= 0)
		sys_close(r);
	return r;
}

static const char *res(int op, long r)
{
	static char buf[4][24];
	static int slot;
	char *b;

	if (r < 0)
		return rt_errname(r);
	b = buf[slot++ % 4];
	if (op == FUTEX_WAKE)
		rt_snprintf(b, 24, "n=%ld", r);
	else if (op == FUTEX_FD)
		rt_snprintf(b, 24, "fd");
	else if (op == FUTEX_WAIT && r == 0)
		rt_snprintf(b, 24, "0");
	else
		rt_snprintf(b, 24, "ret=%ld", r);
	return b;
}

/* ---- the address matrix ---- */

struct addr {
	const char *name;
	volatile int *p;
	int val;		/* what is there (for wait0), if readable */
};

static struct addr addrs[48];
static int naddrs;

static void add(const char *name, volatile int *p, int val)
{
	addrs[naddrs].name = name;
	addrs[naddrs].p = p;
	addrs[naddrs].val = val;
	naddrs++;
}

static volatile int *map(int prot, int flags)
{
	void *p = sys_mmap(NULL, PAGE_SIZE, prot, flags, -1, 0);

	return IS_ERR_VALUE(p) ? NULL : p;
}

static volatile int *map_fd(size_t len, int prot, int flags, int fd)
{
	void *p = sys_mmap(NULL, len, prot, flags, fd, 0);

	return IS_ERR_VALUE(p) ? NULL : p;
}

/*
 * Holes: npages mapped, then the last one unmapped again.  Below
 * TASK_UNMAPPED_BASE (0x40000000; x86_64: TASK_SIZE / 3, ~170 GB), where
 * 2.5's first-fit mmap never looks, so that nothing refills them.
 */
#define HOLE_BASE	0x38000000UL

static volatile int *hole_after(int npages)
{
	static unsigned long next = HOLE_BASE;
	unsigned long len = (unsigned long)npages * PAGE_SIZE;
	void *p = sys_mmap((void *)next, len, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);

	if (IS_ERR_VALUE(p))
		return NULL;
	next += len + 16 * PAGE_SIZE;
	sys_munmap((char *)p + len - PAGE_SIZE, PAGE_SIZE);
	return p;
}

/* a page that was mapped and is not any more */
static volatile int *hole(void)
{
	return hole_after(1);
}

static char file_path[48];
static long file_ro = -1, file_rw = -1;

/* a one-page file of our own holding 5 at [0], opened twice */
static int make_file(void)
{
	static char page[PAGE_SIZE];

	memset(page, 0, sizeof(page));
	((int *)page)[0] = 5;
	rt_snprintf(file_path, sizeof(file_path), "/tmp/futexdiff.%ld",
		    sys_getpid());
	file_rw = sys_open(file_path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (file_rw < 0)
		return -1;
	if (rt_write_all(file_rw, page, sizeof(page)) != sizeof(page))
		return -1;
	file_ro = sys_open(file_path, O_RDONLY, 0);
	sys_unlink(file_path);
	return file_ro < 0 ? -1 : 0;
}

static int text_word;	/* only its address is used */
static int data_page[PAGE_SIZE / sizeof(int)]
	__attribute__((aligned(PAGE_SIZE))) = { 7, [PAGE_SIZE / sizeof(int) - 1] = 1 };
static int data_page2[PAGE_SIZE / sizeof(int)]
	__attribute__((aligned(PAGE_SIZE))) = { 7, [PAGE_SIZE / sizeof(int) - 1] = 1 };
static int bss_page[PAGE_SIZE / sizeof(int)]
	__attribute__((aligned(PAGE_SIZE)));

static long shm_id = -1;

static volatile int *shm_attach(int flags)
{
	unsigned long a = 0;

	if (shm_id < 0 || sys_shmat(shm_id, NULL, flags, &a) != 0)
		return NULL;
	return (volatile int *)a;
}

static int setup_addrs(volatile int *stack_word)
{
	volatile int *p, *ro_fp, *ro_fs, *rw_fs, *rw_fp, *eof_s, *eof_p;
	char *c;

	(void)text_word;
	p = rt_private_page();
	if (!p || make_file() < 0)
		return -1;
	c = (char *)p;
	add("priv", p, 0);
	add("priv-last", (volatile int *)(c + PAGE_SIZE - 4), 0);
	add("priv-mis1", (volatile int *)(c + 1), 0);
	add("priv-mis2", (volatile int *)(c + 2), 0);
	add("priv-mis3", (volatile int *)(c + 3), 0);
	add("priv-cross", (volatile int *)(c + PAGE_SIZE - 2), 0);
	add("zero", map(PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS),
	    0);
	add("ro-zero", map(PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS), 0);
	p = rt_private_page();
	if (p && sys_mprotect((void *)p, PAGE_SIZE, PROT_READ) == 0)
		add("ro-priv", p, 0);
	p = map(PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
	if (p)
		p[0] = 0;
	add("wo", p, 0);
	add("wo-untouched", map(PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS), 0);
	add("exec-only", map(PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS), 0);
	add("none", map(PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS), 0);
	p = rt_private_page();
	if (p && sys_mprotect((void *)p, PAGE_SIZE, PROT_NONE) == 0)
		add("none-touched", p, 0);
	add("unmapped", hole(), 0);
	add("null", NULL, 0);
	add("page1", (volatile int *)0x1000, 0);
	add("low-gap", (volatile int *)0x20000000, 0);
	add("kernel", (volatile int *)KERNEL_ADDR, 0);
	/* the last 256 bytes, the last word of the address space */
	add("kernel-hi", (volatile int *)(0UL - 256), 0);
	add("top", (volatile int *)(0UL - 4), 0);
	p = map(PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS);
	if (p)
		p[0] = 0;
	add("shared-anon", p, 0);
	p = map(PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS);
	if (p) {
		p[0] = 0;
		sys_mprotect((void *)p, PAGE_SIZE, PROT_READ);
	}
	add("ro-shared-anon", p, 0);
	ro_fp = map_fd(PAGE_SIZE, PROT_READ, MAP_PRIVATE, file_ro);
	ro_fs = map_fd(PAGE_SIZE, PROT_READ, MAP_SHARED, file_ro);
	rw_fs = map_fd(PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, file_rw);
	rw_fp = map_fd(PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE,
		       file_rw);
	eof_s = map_fd(2 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		       file_rw);
	eof_p = map_fd(2 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE,
		       file_rw);
	add("file-priv-ro", ro_fp, 5);
	add("file-shared-ro", ro_fs, 5);
	add("file-shared-rw", rw_fs, 5);
	add("file-priv-rw", rw_fp, 5);
	add("file-shared-eof", eof_s ? eof_s + PAGE_SIZE / 4 : NULL, 0);
	add("file-priv-eof", eof_p ? eof_p + PAGE_SIZE / 4 : NULL, 0);
	shm_id = sys_shmget(IPC_PRIVATE, PAGE_SIZE, IPC_CREAT | 0600);
	add("shm", shm_attach(0), 0);
	add("shm-ro", shm_attach(SHM_RDONLY), 0);
	add("bss", bss_page, 0);
	add("data", data_page, 7);
	add("text", (volatile int *)((unsigned long)setup_addrs & ~3UL),
	    *(volatile int *)((unsigned long)setup_addrs & ~3UL));
	add("stack", stack_word, 0);
	add("below-stack", (volatile int *)(((unsigned long)stack_word &
					     ~(PAGE_SIZE - 1UL)) -
					    64 * PAGE_SIZE), 0);
	return 0;
}

static const struct {
	const char *name;
	int op, val, kind;	/* kind 1: val = the word (wait0) */
} ops[] = {
	{ "wait", FUTEX_WAIT, BAD_VAL, 0 },
	{ "wait0", FUTEX_WAIT, 0, 1 },
	{ "wake", FUTEX_WAKE, 1, 0 },
	{ "fd", FUTEX_FD, 0, 0 },
	{ "fdsig", FUTEX_FD, SIGUSR2, 0 },
	{ "op3", 3, 0, 0 },
	{ "op-1", -1, 0, 0 },
	{ "op1000", 1000, 0, 0 },
};

static void matrix(void)
{
	static const struct timespec zero = { 0, 0 };
	unsigned int o;
	int a;
	char name[64];

	for (a = 0; a < naddrs; a++) {
		if (!addrs[a].name)
			continue;
		for (o = 0; o < ARRAY_SIZE(ops); o++) {
			int val = ops[o].kind ? addrs[a].val : ops[o].val;
			long r;

			rt_snprintf(name, sizeof(name), "%s.%s", ops[o].name,
				    addrs[a].name);
			if (!addrs[a].p && strcmp(addrs[a].name, "null")) {
				report(name, "setup-failed");
				continue;
			}
			r = call(addrs[a].p, ops[o].op, val,
				 ops[o].kind ? &zero : NULL);
			report(name, "%s", res(ops[o].op, r));
		}
	}
}

/* ---- timeouts ---- */

static void timeouts(volatile int *f)
{
	static const struct {
		const char *name;
		long sec, nsec;
	} ts[] = {
		{ "zero", 0, 0 }, { "nsec1", 0, 1 }, { "nsec-1", 0, -1 },
		{ "nsec1ms", 0, 1000000 }, { "nsec-2ms", 0, -2000000 },
		{ "nsec-3ms", 0, -3000000 }, { "nsec1e9", 0, 1000000000 },
		{ "nsec999999999", 0, 999999999 },
		{ "nsec-max", 0, 0x7fffffff }, { "nsec-min", 0, (long)0x80000000 },
		{ "sec-1", -1, 0 }, { "sec-1nsec-1", -1, -1 },
		{ "sec-max", 0x7fffffff, 0 }, { "sec-min", (long)0x80000000, 0 },
		{ "sec1e6", 1000000, 0 },
	};
	unsigned int i;
	char name[64];

	f[0] = 0;
	for (i = 0; i < ARRAY_SIZE(ts); i++) {
		struct timespec t = { ts[i].sec, ts[i].nsec };

		rt_snprintf(name, sizeof(name), "ts.%s.mismatch", ts[i].name);
		report(name, "%s", res(FUTEX_WAIT, call(f, FUTEX_WAIT, 1, &t)));
		rt_snprintf(name, sizeof(name), "ts.%s.match", ts[i].name);
		report(name, "%s", res(FUTEX_WAIT, call(f, FUTEX_WAIT, 0, &t)));
		rt_snprintf(name, sizeof(name), "ts.%s.wake", ts[i].name);
		report(name, "%s", res(FUTEX_WAKE, call(f, FUTEX_WAKE, 1, &t)));
	}
	report("ts.null.match", "%s",
	       res(FUTEX_WAIT, call(f, FUTEX_WAIT, 0, NULL)));
}

/* bad timeout pointers, for every op */
static void timeout_pointers(volatile int *f)
{
	struct {
		const char *name;
		const void *p;
	} tp[10];
	int n = 0, i;
	unsigned int o;
	char name[64];
	volatile int *ro, *two, *none, *wo;
	struct timespec *t;

	f[0] = 0;
	tp[n].name = "unmapped";
	tp[n++].p = (const void *)hole();
	tp[n].name = "kernel";
	tp[n++].p = (const void *)KERNEL_ADDR;
	tp[n].name = "four";
	tp[n++].p = (const void *)4;
	/* the last 4 bytes of a page, followed by a hole */
	two = hole_after(2);
	if (two) {
		two[PAGE_SIZE / 4 - 1] = 0;
		tp[n].name = "cross";
		tp[n++].p = (const char *)two + PAGE_SIZE - 4;
	}
	none = map(PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS);
	tp[n].name = "none";
	tp[n++].p = (const void *)none;
	ro = rt_private_page();
	if (ro) {
		memset((void *)ro, 0, 64);
		sys_mprotect((void *)ro, PAGE_SIZE, PROT_READ);
		tp[n].name = "ro";
		tp[n++].p = (const void *)ro;
		tp[n].name = "misaligned";
		tp[n++].p = (const char *)ro + 1;
	}
	wo = map(PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
	if (wo) {
		t = (struct timespec *)wo;
		t->tv_sec = 0;
		t->tv_nsec = 0;
		tp[n].name = "wo";
		tp[n++].p = (const void *)wo;
	}
	for (i = 0; i < n; i++)
		for (o = 0; o < ARRAY_SIZE(ops); o++) {
			if (ops[o].kind)
				continue;	/* wait0 is wait here */
			rt_snprintf(name, sizeof(name), "tsp.%s.%s",
				    tp[i].name, ops[o].name);
			report(name, "%s", res(ops[o].op,
			       call(f, ops[o].op, ops[o].val, tp[i].p)));
		}
}

/* FUTEX_FD signal numbers, on a good and on bad addresses */
static void signals(volatile int *f)
{
	static const int sigs[] = { -1, 0, 1, 9, 31, 32, 33, 63, 64, 65, 1000,
				    0x7fffffff, (int)0x80000000 };
	unsigned int i;
	char name[64];

	for (i = 0; i < ARRAY_SIZE(sigs); i++) {
		rt_snprintf(name, sizeof(name), "sig.%d", sigs[i]);
		report(name, "%s", res(FUTEX_FD, call(f, FUTEX_FD, sigs[i],
							NULL)));
		rt_snprintf(name, sizeof(name), "sig.%d.null", sigs[i]);
		report(name, "%s", res(FUTEX_FD, call(NULL, FUTEX_FD, sigs[i],
							NULL)));
		rt_snprintf(name, sizeof(name), "sig.%d.mis2", sigs[i]);
		report(name, "%s", res(FUTEX_FD,
			call((volatile int *)((char *)f + 2), FUTEX_FD,
			     sigs[i], NULL)));
	}
}

/* FUTEX_WAKE counts, with 0 or 2 FUTEX_FD waiters */
static void wake_counts(volatile int *f)
{
	static const struct {
		const char *name;
		int val;
	} v[] = {
		{ "0", 0 }, { "1", 1 }, { "2", 2 }, { "3", 3 }, { "-1", -1 },
		{ "max", 0x7fffffff }, { "min", (int)0x80000000 },
	};
	unsigned int i;
	char name[64];

	for (i = 0; i < ARRAY_SIZE(v); i++) {
		long a, b, r;

		rt_snprintf(name, sizeof(name), "val.%s.none", v[i].name);
		report(name, "%s", res(FUTEX_WAKE, call(f, FUTEX_WAKE,
							  v[i].val, NULL)));
		a = sys_futex(f, FUTEX_FD, 0, NULL);
		b = sys_futex(f, FUTEX_FD, 0, NULL);
		r = sys_futex(f, FUTEX_WAKE, v[i].val, NULL);
		rt_snprintf(name, sizeof(name), "val.%s.two-fds", v[i].name);
		if (a < 0 || b < 0)
			report(name, "setup-failed");
		else
			report(name, "%s,readable=%d%d", res(FUTEX_WAKE, r),
			       fd_readable(a), fd_readable(b));
		if (a >= 0)
			sys_close(a);
		if (b >= 0)
			sys_close(b);
	}
}

/* other system calls on a futex fd */
static void fd_ops(volatile int *f)
{
	long fd = sys_futex(f, FUTEX_FD, 0, NULL);
	char buf[8];
	int n = 0;
	void *m;

	if (fd < 0) {
		report("fdop.all", "setup-failed");
		return;
	}
	report("fdop.read", "%s", res(0, sys_read(fd, buf, sizeof(buf))));
	report("fdop.write", "%s", res(0, sys_write(fd, "x", 1)));
	report("fdop.lseek", "%s", res(0, SC3(__NR_lseek, fd, 0, 0)));
	report("fdop.ioctl-fionread", "%s",
	       res(0, sys_ioctl(fd, FIONREAD, (long)&n)));
	m = sys_mmap(NULL, PAGE_SIZE, PROT_READ, MAP_SHARED, fd, 0);
	report("fdop.mmap", "%s", IS_ERR_VALUE(m) ? rt_errname((long)m) :
	       "mapped");
	if (!IS_ERR_VALUE(m))
		sys_munmap(m, PAGE_SIZE);
	report("fdop.poll", "%s", fd_readable(fd) ? "readable" : "not-readable");
	report("fdop.close", "%s", res(0, sys_close(fd)));
	report("fdop.close-again", "%s", res(0, sys_close(fd)));
}

/* ---- semantics, with FUTEX_FD waiters: who reaches whom ---- */

static volatile int *shared_page;	/* for the children */

/*
 * An fd on *w, then what(), then FUTEX_WAKE(INT_MAX) on *x: report
 * "n=<woken>,readable=<0|1>".
 */
static void fd_then_wake(const char *name, volatile int *w, volatile int *x,
			 void (*what)(volatile int *w))
{
	long fd, r;

	fd = sys_futex(w, FUTEX_FD, 0, NULL);
	if (fd < 0) {
		report(name, "FUTEX_FD:%s", rt_errname(fd));
		return;
	}
	if (what)
		what(w);
	r = x ? sys_futex(x, FUTEX_WAKE, INT_MAX, NULL) : 0;
	report(name, "%s,readable=%d", res(FUTEX_WAKE, r), fd_readable(fd));
	sys_close(fd);
}

static void write_word(volatile int *w)
{
	w[0] = w[0] + 1;
}

static void mprotect_write(volatile int *w)
{
	void *pg = (void *)((unsigned long)w & ~(PAGE_SIZE - 1UL));

	sys_mprotect(pg, PAGE_SIZE, PROT_READ);
	sys_mprotect(pg, PAGE_SIZE, PROT_READ | PROT_WRITE);
	w[0] = w[0] + 1;
}

/* fork; the child wakes *w (optionally after writing it), and reports
 * what its FUTEX_WAKE returned; the parent reports that and its fd */
static void child_wakes(const char *name, volatile int *w, int child_writes)
{
	long fd, pid;
	int st;

	fd = sys_futex(w, FUTEX_FD, 0, NULL);
	if (fd < 0) {
		report(name, "FUTEX_FD:%s", rt_errname(fd));
		return;
	}
	shared_page[0] = -1000;
	pid = sys_fork();
	if (pid == 0) {
		if (child_writes)
			w[0] = w[0] + 1;
		shared_page[0] = sys_futex(w, FUTEX_WAKE, INT_MAX, NULL);
		sys_exit(0);
	}
	st = wait_exit(pid);
	report(name, "child-%s,readable=%d%s",
	       res(FUTEX_WAKE, shared_page[0]), fd_readable(fd),
	       st ? ",child-failed" : "");
	sys_close(fd);
}

enum fork_mode { PARENT_WRITES, CHILD_EXITED, NOBODY_WRITES };

/* fork; the parent wakes *w after a write (or not) */
static void parent_wakes(const char *name, volatile int *w,
			 enum fork_mode mode)
{
	int p2c[2];
	long fd, pid, r;
	char c;

	fd = sys_futex(w, FUTEX_FD, 0, NULL);
	if (fd < 0 || sys_pipe(p2c) < 0) {
		report(name, "setup-failed");
		return;
	}
	pid = sys_fork();
	if (pid == 0) {
		if (mode != CHILD_EXITED)
			while (sys_read(p2c[0], &c, 1) == -EINTR)
				;
		sys_exit(0);
	}
	if (mode == CHILD_EXITED)
		wait_exit(pid);
	if (mode != NOBODY_WRITES)
		w[0] = w[0] + 1;
	r = sys_futex(w, FUTEX_WAKE, INT_MAX, NULL);
	report(name, "%s,readable=%d", res(FUTEX_WAKE, r), fd_readable(fd));
	if (mode != CHILD_EXITED) {
		sys_write(p2c[1], "x", 1);
		wait_exit(pid);
	}
	sys_close(p2c[0]);
	sys_close(p2c[1]);
	sys_close(fd);
}

static volatile int *two_pages(int touch)
{
	volatile int *p = map_fd(2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1);

	if (p && touch) {
		p[0] = 0;
		p[PAGE_SIZE / 4] = 0;
	}
	return p;
}

static volatile int *move_it(volatile int *p)
{
	volatile int *q = sys_mremap((void *)p, PAGE_SIZE, 4 * PAGE_SIZE,
				     MREMAP_MAYMOVE);

	return IS_ERR_VALUE(q) || q == p ? NULL : q;
}

/* an fd on page p[0]; mremap moves p; then wake at new / old / after a
 * fork and a COW at the new address */
static void mremap_case(const char *name, int touch, int how)
{
	volatile int *p = two_pages(touch), *q;
	long fd, r, pid;
	int p2c[2];
	char c;

	if (!p || (fd = sys_futex(p, FUTEX_FD, 0, NULL)) < 0) {
		report(name, "setup-failed");
		return;
	}
	q = move_it(p);
	if (!q) {
		report(name, "mremap-did-not-move");
		sys_close(fd);
		return;
	}
	if (how == 0) {
		r = sys_futex(q, FUTEX_WAKE, INT_MAX, NULL);
	} else if (how == 1) {
		r = sys_futex(p, FUTEX_WAKE, INT_MAX, NULL);
	} else {
		if (sys_pipe(p2c) < 0) {
			report(name, "setup-failed");
			return;
		}
		pid = sys_fork();
		if (pid == 0) {
			while (sys_read(p2c[0], &c, 1) == -EINTR)
				;
			sys_exit(0);
		}
		q[0] = 1;
		r = sys_futex(q, FUTEX_WAKE, INT_MAX, NULL);
		sys_write(p2c[1], "x", 1);
		wait_exit(pid);
		sys_close(p2c[0]);
		sys_close(p2c[1]);
	}
	report(name, "%s,readable=%d", res(FUTEX_WAKE, r), fd_readable(fd));
	sys_close(fd);
	sys_munmap((void *)q, 4 * PAGE_SIZE);
	sys_munmap((void *)(p + PAGE_SIZE / 4), PAGE_SIZE);
}

/* an fd on p[0]; the page is unmapped (munmap + a new mapping, or
 * MADV_DONTNEED); a write and a wake at the same address */
static void unmap_case(const char *name, int touch, int dontneed, int write)
{
	volatile int *p = two_pages(touch), *q;
	long fd, r;

	if (!p || (fd = sys_futex(p, FUTEX_FD, 0, NULL)) < 0) {
		report(name, "setup-failed");
		return;
	}
	if (dontneed) {
		SC3(__NR_madvise, p, PAGE_SIZE, MADV_DONTNEED);
	} else {
		sys_munmap((void *)p, PAGE_SIZE);
		q = sys_mmap((void *)p, PAGE_SIZE, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		if (q != p) {
			report(name, "setup-failed");
			sys_close(fd);
			return;
		}
	}
	if (write)
		p[0] = 1;
	r = sys_futex(p, FUTEX_WAKE, INT_MAX, NULL);
	report(name, "%s,readable=%d", res(FUTEX_WAKE, r), fd_readable(fd));
	sys_close(fd);
	sys_munmap((void *)p, 2 * PAGE_SIZE);
}

/* FUTEX_FD as uid 1000 with RLIMIT_MEMLOCK = pages: "<made>/<tries>"
 * and the first error */
struct lim_arg {
	int uid, tries;
	unsigned long pages;
};

static int lim_child(void *arg)
{
	struct lim_arg *a = arg;
	struct { unsigned long cur, max; } rl = {
		a->pages * PAGE_SIZE, a->pages * PAGE_SIZE };
	volatile int *p = rt_private_page();
	int i;
	long r = 0;

	shared_page[0] = 0;
	shared_page[1] = 0;
	if (!p || SC2(__NR_setrlimit, RLIMIT_MEMLOCK, &rl) != 0 ||
	    (a->uid && sys_setuid(a->uid) != 0))
		return 1;
	for (i = 0; i < a->tries; i++) {
		r = sys_futex(&p[i], FUTEX_FD, 0, NULL);
		if (r < 0)
			break;
	}
	shared_page[0] = i;
	shared_page[1] = r < 0 ? r : 0;
	return 0;
}

static void limit_case(const char *name, int uid, unsigned long pages,
		       int tries)
{
	struct lim_arg a = { uid, tries, pages };
	long pid = fork_run(lim_child, &a);
	int st = pid > 0 ? wait_exit(pid) : -1;

	if (st)
		report(name, "setup-failed");
	else
		report(name, "%d/%d%s%s", shared_page[0], tries,
		       shared_page[1] ? "," : "",
		       shared_page[1] ? rt_errname(shared_page[1]) : "");
}

static void semantics(void)
{
	volatile int *a, *b, *rs, *ws, *rp, *rp2, *s1, *s2, *sro;

	/* private anonymous pages */
	a = rt_private_page();
	fd_then_wake("sem.priv.same", a, a, NULL);
	fd_then_wake("sem.priv.other-word", a, a + 1, NULL);
	fd_then_wake("sem.priv.write-then-wake", a, a, write_word);
	a = rt_private_page();
	fd_then_wake("sem.priv.mprotect-cow", a, a, mprotect_write);
	child_wakes("sem.priv.fork-child-wakes", rt_private_page(), 0);
	child_wakes("sem.priv.fork-child-writes-wakes", rt_private_page(), 1);
	parent_wakes("sem.priv.fork-parent-writes", rt_private_page(),
		     PARENT_WRITES);
	parent_wakes("sem.priv.fork-child-exited-parent-writes",
		     rt_private_page(), CHILD_EXITED);
	parent_wakes("sem.priv.fork-nobody-writes", rt_private_page(),
		     NOBODY_WRITES);
	mremap_case("sem.priv.mremap-wake-new", 1, 0);
	mremap_case("sem.priv.mremap-wake-old", 1, 1);
	mremap_case("sem.priv.mremap-fork-cow", 1, 2);
	unmap_case("sem.priv.munmap-remap-write", 1, 0, 1);
	unmap_case("sem.priv.dontneed-write", 1, 1, 1);
	unmap_case("sem.priv.dontneed", 1, 1, 0);

	/* the zero page: untouched anonymous memory */
	a = map(PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
	b = map(PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
	fd_then_wake("sem.zero.same", a, a, NULL);
	fd_then_wake("sem.zero.other-page-same-offset", a, b, NULL);
	fd_then_wake("sem.zero.other-page-other-offset", a, b + 1, NULL);
	fd_then_wake("sem.zero.write-then-wake", a, a, write_word);
	child_wakes("sem.zero.fork-child-wakes",
		    map(PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS),
		    0);
	parent_wakes("sem.zero.fork-parent-writes",
		     map(PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS),
		     PARENT_WRITES);
	mremap_case("sem.zero.mremap-wake-new", 0, 0);
	mremap_case("sem.zero.mremap-fork-cow", 0, 2);
	unmap_case("sem.zero.munmap-remap", 0, 0, 0);
	unmap_case("sem.zero.munmap-remap-write", 0, 0, 1);

	/* private file pages (.data, untouched), and .bss */
	fd_then_wake("sem.data.same", data_page2, data_page2, NULL);
	fd_then_wake("sem.data.first-write", data_page2 + 8, data_page2 + 8,
		     write_word);
	child_wakes("sem.data.fork-child-wakes", data_page2 + 16, 0);
	child_wakes("sem.bss.fork-child-wakes", bss_page + 16, 0);

	/* shared mappings: anonymous, file (ro and rw opens), SysV shm */
	child_wakes("sem.shared-anon.fork-child-wakes",
		    map(PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS), 0);
	rs = map_fd(PAGE_SIZE, PROT_READ, MAP_SHARED, file_ro);
	ws = map_fd(PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, file_rw);
	rp = map_fd(PAGE_SIZE, PROT_READ, MAP_PRIVATE, file_ro);
	rp2 = map_fd(PAGE_SIZE, PROT_READ, MAP_PRIVATE, file_ro);
	if (rs && ws && rp && rp2) {
		fd_then_wake("sem.file-shared-ro.same", rs + 2, rs + 2, NULL);
		fd_then_wake("sem.file-shared-ro.wake-via-rw", rs + 3, ws + 3,
			     NULL);
		fd_then_wake("sem.file-shared-rw.wake-via-ro", ws + 4, rs + 4,
			     NULL);
		fd_then_wake("sem.file-shared-rw.same", ws + 5, ws + 5, NULL);
		child_wakes("sem.file-shared-ro.fork-child-wakes", rs + 6, 0);
		child_wakes("sem.file-shared-rw.fork-child-wakes", ws + 7, 0);
		fd_then_wake("sem.file-priv.wake-via-shared", rp + 8, ws + 8,
			     NULL);
		fd_then_wake("sem.file-shared.wake-via-priv", ws + 9, rp + 9,
			     NULL);
		fd_then_wake("sem.file-priv.wake-via-other-priv", rp + 10,
			     rp2 + 10, NULL);
	} else {
		report("sem.file.all", "setup-failed");
	}
	s1 = shm_attach(0);
	s2 = shm_attach(0);
	sro = shm_attach(SHM_RDONLY);
	if (s1 && s2 && sro) {
		fd_then_wake("sem.shm.other-attach", s1 + 1, s2 + 1, NULL);
		fd_then_wake("sem.shm-ro.wake-via-rw", sro + 2, s1 + 2, NULL);
		fd_then_wake("sem.shm.wake-via-ro", s1 + 3, sro + 3, NULL);
		child_wakes("sem.shm-ro.fork-child-wakes", sro + 4, 0);
	} else {
		report("sem.shm.all", "setup-failed");
	}

	/* the FUTEX_FD pin limit (root: CAP_IPC_LOCK) */
	limit_case("sem.limit.uid1000-memlock0", 1000, 0, 4);
	limit_case("sem.limit.uid1000-memlock2", 1000, 2, 4);
	limit_case("sem.limit.root-memlock0", 0, 0, 4);
}

int diff_table(void)
{
	volatile int stack_word = 0;
	volatile int *f;

	if (tap_host)
		SKIP("the differential table is for 2.5.38 kernels");
	REQUIRE(rt_signal(SIGALRM, on_alarm) == 0, "sigaction");
	/* FUTEX_FD with SIGUSR2 is never woken here; just in case */
	REQUIRE(rt_signal(SIGUSR2, on_alarm) == 0, "sigaction");
	shared_page = map(PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS);
	f = rt_private_page();
	REQUIRE(shared_page && f, "mmap");
	REQUIRE(setup_addrs(&stack_word) == 0, "setup");
	matrix();
	timeouts(f);
	timeout_pointers(f);
	signals(f);
	wake_counts(f);
	fd_ops(f);
	semantics();
	if (shm_id >= 0)
		sys_shmctl(shm_id, IPC_RMID, NULL);
	tap_diag("DIFF-END %d cases", ncases);
	EXPECT(nmissing == 0, "the table is incomplete: %d case(s) could not "
	       "be run", nmissing);
	EXPECT(ncases == DIFF_CASES, "the table has %d rows, want %d",
	       ncases, DIFF_CASES);
	return tap_result();
}
