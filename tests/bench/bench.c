// SPDX-License-Identifier: GPL-2.0
/*
 * /bench: microbenchmarks of the futex-cow series, run as init of a
 * Linux 2.5.38 guest (scripts/bench boots it with init=/bench).
 *
 * Every figure is a cost per operation in guest rdtsc units.  Under
 * QEMU -icount shift=0 the TSC advances by one per guest instruction, so
 * the figures count instructions and repeat exactly from boot to boot.
 * An operation is timed in batches (rdtsc around a few operations), many
 * batches, and the reported value is
 *
 *	(median batch - median overhead batch) / operations per batch
 *
 * where the overhead batch is the same code doing everything but the
 * operation (the same write loop on pages already copied, the same loop
 * without the system call).  Batches are short (tens of thousands of
 * instructions) so that the 1000 Hz timer interrupt lands in a few of
 * them only, and the median ignores those.
 *
 * Selection and options come from the kernel command line (2.5.38 hands
 * unknown name=value parameters to init as environment variables):
 *
 *   bench=GROUP[,GROUP...]   cow, other, same, futex, fds, worst, smp
 *                            (default: all but smp; smp is the futex
 *                            group without the 10,000 fds, for the
 *                            plain-TCG SMP runs)
 *   benchargs=quick          fewer batches (a smoke test of the program)
 *
 * Output: TAP ("1..N", "ok N group") so that scripts/boot-test accepts
 * the run, and for each benchmark
 *
 *   # BENCH <name> <value>                       value per op, 1 decimal
 *   # BENCHSTAT <name> batches=N per=B min=.. max=.. ovh=..
 *   # INFO ...                                   context (page_change
 *                                                hash occupancy, ...)
 *
 * See tests/bench/README and Documentation/benchmarks.txt.
 */
#include "../guest/rt/rt.h"
#include "../guest/rt/thread.h"

#define __NR_setrlimit	75
#define RLIMIT_NOFILE	7
struct rlimit { unsigned long cur, max; };

static inline long sys_setrlimit(int res, const struct rlimit *r)
{ return SC2(__NR_setrlimit, res, r); }

#define __NR_sched_setscheduler	156
#define SCHED_OTHER	0
#define SCHED_FIFO	1
struct sched_param { int sched_priority; };

static inline long sys_sched_setscheduler(int pid, int policy,
					  const struct sched_param *p)
{ return SC3(__NR_sched_setscheduler, pid, policy, p); }

#define noinline __attribute__((noinline))

static int quick;
static int pid1;

/*
 * Profiling hooks: with benchprof=NAME, the measured operations of the
 * benchmark NAME run between prof_on() and prof_off(), two functions
 * that do nothing but that an instruction-counting QEMU plugin can
 * watch for (see tests/bench/README).  Outside the timed windows, and
 * only called for that one benchmark.
 */
static const char *prof_name;
static volatile int prof_state;

__attribute__((__noinline__, __noclone__, __used__)) void prof_on(void)
{
	prof_state = 1;
}

__attribute__((__noinline__, __noclone__, __used__)) void prof_off(void)
{
	prof_state = 2;
}

static int prof_match(const char *name)
{
	return prof_name && !strcmp(prof_name, name);
}

/* ---------------------------------------------------------------- */
/* output and statistics                                            */

static void out(const char *fmt, ...) __printf(1, 2);
static void out(const char *fmt, ...)
{
	char buf[400];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = rt_vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	rt_write_all(1, buf, n);
}

static inline u32 tsc(void)
{
	return (u32)rt_rdtsc();
}

static void sort_u32(u32 *v, int n)
{
	int gap, i, j;

	for (gap = n / 2; gap > 0; gap /= 2)
		for (i = gap; i < n; i++) {
			u32 t = v[i];

			for (j = i; j >= gap && v[j - gap] > t; j -= gap)
				v[j] = v[j - gap];
			v[j] = t;
		}
}

/* median of n values (sorts them in place); the lower one for even n */
static u32 median_u32(u32 *v, int n)
{
	sort_u32(v, n);
	return v[(n - 1) / 2];
}

/* a value in tenths as "123.4" */
static const char *tenths(long t)
{
	static char buf[8][24];
	static int slot;
	char *b = buf[slot++ % 8];

	if (t < 0)
		rt_snprintf(b, 24, "-%ld.%ld", -t / 10, -t % 10);
	else
		rt_snprintf(b, 24, "%ld.%ld", t / 10, t % 10);
	return b;
}

/*
 * Report a benchmark: batch times v[0..n) (each of per operations) and
 * overhead batch times o[0..no).
 */
static long report(const char *name, u32 *v, int n, u32 *o, int no, int per)
{
	u32 med, ovh, lo, hi;
	long val;

	ovh = no ? median_u32(o, no) : 0;
	med = median_u32(v, n);
	lo = v[0];
	hi = v[n - 1];
	val = ((long)med - (long)ovh) * 10 / per;
	out("# BENCH %s %s", name, tenths(val));
	out("# BENCHSTAT %s batches=%d per=%d min=%s max=%s ovh=%s", name, n,
	    per, tenths(((long)lo - (long)ovh) * 10 / per),
	    tenths(((long)hi - (long)ovh) * 10 / per),
	    tenths((long)ovh * 10 / per));
	return val;
}

/* ---------------------------------------------------------------- */
/* helpers                                                          */

static void *map_anon(size_t len, int shared)
{
	return rt_map(len, PROT_READ | PROT_WRITE,
		      (shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS);
}

/* write every page of [p, p + len): no zero page, no later fault */
static void touch(void *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i += PAGE_SIZE)
		((volatile char *)p)[i] = 0;
}

/* after fork(): take the copy-on-write faults of our stack now */
static noinline void warm_stack(void)
{
	volatile char buf[16384];
	size_t i;

	for (i = 0; i < sizeof(buf); i += 512)
		buf[i] = 0;
}

static void kill_wait(int pid)
{
	int status;

	if (pid <= 0)
		return;
	sys_kill(pid, SIGKILL);
	while (sys_wait4(pid, &status, __WALL, NULL) == -EINTR)
		;
}

/* wait for a child, 0 if it exited with 0 */
static int wait_ok(int pid)
{
	int status = 0;
	long r;

	do
		r = sys_wait4(pid, &status, __WALL, NULL);
	while (r == -EINTR);
	if (r < 0)
		return (int)r;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

static void print_page_change(const char *when)
{
	char buf[160], *p;
	long n = rt_read_file("/proc/page_change", buf, sizeof(buf));

	if (n <= 0)
		return;		/* vanilla: no instrumentation */
	for (p = buf; *p; p++)
		if (*p == '\n')
			*p = ' ';
	out("# INFO page_change %s: %s", when, buf);
}

/*
 * Register n page_change entries in this mm, on n fresh private pages:
 * one FUTEX_FD each (the fds stay open as long as this process lives).
 * Root is exempt from the series' FUTEX_FD pin limit; the fd limit is
 * raised for more than ~1000.
 */
static int make_pins(int n)
{
	struct rlimit rl = { n + 64, n + 64 };
	char *pages;
	long fd;
	int i;

	if (n + 16 > 1024 && sys_setrlimit(RLIMIT_NOFILE, &rl) < 0) {
		out("# setrlimit(RLIMIT_NOFILE, %d) failed", n + 64);
		return -1;
	}
	pages = map_anon((size_t)n * PAGE_SIZE, 0);
	if (!pages) {
		out("# make_pins: mmap of %d pages failed", n);
		return -1;
	}
	for (i = 0; i < n; i++) {
		volatile int *f = (volatile int *)(pages + (size_t)i * PAGE_SIZE);

		*f = 0;
		fd = sys_futex(f, FUTEX_FD, 0, NULL);
		if (fd < 0) {
			out("# make_pins: FUTEX_FD %d of %d: %s", i, n,
			    rt_errname(fd));
			return -1;
		}
	}
	return 0;
}

/* ---------------------------------------------------------------- */
/* holders: other processes with futex fds on their own pages        */

#define MAX_HOLDERS	16
#define PER_HOLDER	1000

static int holder_pid[MAX_HOLDERS];
static int nholders;
static volatile int *holder_ready;	/* in a shared page */

static void start_holders(int n)
{
	int k = (n + PER_HOLDER - 1) / PER_HOLDER, i, left = n;
	long t0;

	if (!holder_ready)
		holder_ready = map_anon(PAGE_SIZE, 1);
	*holder_ready = 0;
	for (i = 0; i < k && i < MAX_HOLDERS; i++) {
		int m = left < PER_HOLDER ? left : PER_HOLDER;
		long pid = sys_fork();

		if (pid == 0) {
			if (make_pins(m) < 0)
				sys_exit(1);
			__sync_fetch_and_add(holder_ready, 1);
			for (;;)
				sys_pause();
		}
		holder_pid[nholders++] = pid;
		left -= m;
		/* one at a time: the same pages, hence buckets, every run */
		t0 = rt_now_ms();
		while (*holder_ready <= i && rt_now_ms() - t0 < 60000)
			rt_sleep_ms(2);
		if (*holder_ready <= i) {
			out("# holders: holder %d not ready", i);
			return;
		}
	}
}

static void stop_holders(void)
{
	while (nholders > 0)
		kill_wait(holder_pid[--nholders]);
}

/* ---------------------------------------------------------------- */
/* COW faults                                                       */

#define COW_PAGES	1024
#define COW_BATCH	16	/* a multiple of the lru_cache_add pagevec (16) */

/* write one byte in each of n pages: the timed unit */
static noinline u32 write_pages(volatile char *p, int n, char v)
{
	u32 t0, t1;
	int i;

	t0 = tsc();
	for (i = 0; i < n; i++)
		p[(size_t)i * PAGE_SIZE] = v;
	t1 = tsc();
	return t1 - t0;
}

/* fault pass then overhead pass (same loop, pages now our own) */
static void cow_measure(const char *name, volatile char *pages, int npages,
			u32 *f, u32 *o)
{
	int b, nb = npages / COW_BATCH, prof = prof_match(name);

	if (prof)
		prof_on();
	for (b = 0; b < nb; b++)
		f[b] = write_pages(pages + (size_t)b * COW_BATCH * PAGE_SIZE,
				   COW_BATCH, 1);
	if (prof)
		prof_off();
	for (b = 0; b < nb; b++)
		o[b] = write_pages(pages + (size_t)b * COW_BATCH * PAGE_SIZE,
				   COW_BATCH, 2);
}

enum { ON_PAGE_NONE, ON_PAGE_FD, ON_PAGE_WAITER };

struct cow_opts {
	const char *name;
	int child_writes;	/* else the parent writes */
	int same;		/* entries on other pages of the writer's mm */
	int on_page;		/* entries on the written pages themselves */
	int npages;
	int rounds;		/* forks */
};

static volatile int *waiter_ready;

static int waiter_fn(void *arg)
{
	volatile int *f = arg;

	__sync_fetch_and_add(waiter_ready, 1);
	sys_futex(f, FUTEX_WAIT, 0, NULL);
	return 0;
}

/* start one sleeping FUTEX_WAIT thread per page; 0 when all sleep */
static int start_waiters(char *pages, int n, struct rt_thread *t)
{
	long t0;
	int i, asleep;

	if (!waiter_ready)
		waiter_ready = map_anon(PAGE_SIZE, 1);
	*waiter_ready = 0;
	for (i = 0; i < n; i++)
		if (thread_start(&t[i], waiter_fn, pages + (size_t)i * PAGE_SIZE,
				 0) < 0) {
			out("# could not start waiter %d", i);
			return -1;
		}
	t0 = rt_now_ms();
	do {
		rt_sleep_ms(20);
		asleep = 0;
		if (*waiter_ready == n)
			for (i = 0; i < n; i++)
				asleep += proc_state(t[i].tid) == 'S';
	} while (asleep < n && rt_now_ms() - t0 < 30000);
	if (asleep < n) {
		out("# only %d of %d waiters asleep", asleep, n);
		return -1;
	}
	return 0;
}

static int cow_bench(const struct cow_opts *c)
{
	int nb = c->npages / COW_BATCH, total = nb * c->rounds, r, i;
	u32 *f = map_anon(2 * total * sizeof(u32), 1), *o = f + total;
	struct rt_thread *thr = NULL;
	char *pages;
	long pid;

	if (!f)
		return -1;
	pages = map_anon((size_t)c->npages * PAGE_SIZE, 0);
	if (!pages)
		return -1;
	touch(pages, (size_t)c->npages * PAGE_SIZE);
	if (c->same && !c->child_writes && make_pins(c->same) < 0)
		return -1;
	if (c->on_page == ON_PAGE_FD)
		for (i = 0; i < c->npages; i++)
			if (sys_futex((volatile int *)(pages + (size_t)i * PAGE_SIZE),
				      FUTEX_FD, 0, NULL) < 0) {
				out("# FUTEX_FD on page %d failed", i);
				return -1;
			}
	if (c->on_page == ON_PAGE_WAITER) {
		thr = map_anon(c->npages * sizeof(*thr), 0);
		if (!thr || start_waiters(pages, c->npages, thr) < 0)
			return -1;
	}
	if (c->same && !c->child_writes)
		print_page_change(c->name);

	for (r = 0; r < c->rounds; r++) {
		u32 *fr = f + r * nb, *or = o + r * nb;

		pid = sys_fork();
		if (pid < 0) {
			out("# fork: %s", rt_errname(pid));
			return -1;
		}
		if (pid == 0) {
			if (!c->child_writes)
				for (;;)
					sys_pause();
			if (c->same && make_pins(c->same) < 0)
				sys_exit(1);
			if (c->same && r == 0)
				print_page_change(c->name);
			warm_stack();
			touch(fr, nb * sizeof(u32));
			touch(or, nb * sizeof(u32));
			cow_measure(c->name, pages, c->npages, fr, or);
			sys_exit(0);
		}
		if (c->child_writes) {
			if (wait_ok(pid) != 0) {
				out("# the writing child failed");
				return -1;
			}
		} else {
			warm_stack();
			cow_measure(c->name, pages, c->npages, fr, or);
			kill_wait(pid);
		}
		/* the pages are ours alone again: next round, fork again */
	}
	if (thr)
		for (i = 0; i < c->npages; i++)
			kill_wait(thr[i].tid);
	if (prof_match(c->name))
		out("# PROF %s ops=%d", c->name, total * COW_BATCH);
	/* the copies must have happened: a copy is >1000 instructions */
	if (report(c->name, f, total, o, total, COW_BATCH) < 5000) {
		out("# %s: too cheap for a copy-on-write fault", c->name);
		return -1;
	}
	return 0;
}

static int run_cow(const struct cow_opts *c)
{
	long pid = sys_fork();

	if (pid == 0)
		sys_exit(cow_bench(c) ? 1 : 0);
	return pid < 0 ? -1 : wait_ok(pid);
}

static int cow_plain(int n)
{
	char a[48], b[48];
	struct cow_opts p = { a, 0, 0, 0, COW_PAGES, quick ? 1 : 4 };
	struct cow_opts c = { b, 1, 0, 0, COW_PAGES, quick ? 1 : 4 };
	int bad = 0;

	if (n) {
		rt_snprintf(a, sizeof(a), "cow_parent_other_%d", n);
		rt_snprintf(b, sizeof(b), "cow_child_other_%d", n);
		start_holders(n);
		print_page_change(a);
	} else {
		rt_snprintf(a, sizeof(a), "cow_parent_0");
		rt_snprintf(b, sizeof(b), "cow_child_0");
		print_page_change(a);
	}
	bad |= run_cow(&p);
	bad |= run_cow(&c);
	if (n >= 10000) {
		/*
		 * The writer has one registration of its own, so it takes
		 * the hash path, and meets the other mms' entries in the
		 * buckets: a threaded process with one sleeping waiter, on
		 * a system with many.
		 */
		char m[48];
		struct cow_opts mx = { m, 0, 1, 0, COW_PAGES, quick ? 1 : 4 };

		rt_snprintf(m, sizeof(m), "cow_parent_same_1_other_%d", n);
		bad |= run_cow(&mx);
	}
	stop_holders();
	return bad;
}

static int group_cow(void)
{
	return cow_plain(0);
}

static int group_other(void)
{
	int bad = 0;

	bad |= cow_plain(1);
	bad |= cow_plain(100);
	bad |= cow_plain(10000);
	return bad;
}

static int group_same(void)
{
	static const int ns[] = { 1, 100, 10000 };
	unsigned int i;
	int bad = 0;

	for (i = 0; i < ARRAY_SIZE(ns); i++) {
		char a[48];
		struct cow_opts p = { a, 0, ns[i], 0, COW_PAGES,
				      quick ? 1 : 4 };

		rt_snprintf(a, sizeof(a), "cow_parent_same_%d", ns[i]);
		bad |= run_cow(&p);
	}
	{
		struct cow_opts c = { "cow_child_same_10000", 1, 10000, 0,
				      COW_PAGES, quick ? 1 : 2 };

		bad |= run_cow(&c);
	}
	return bad;
}

static int group_worst(void)
{
	struct cow_opts fd = { "cow_parent_fd_on_page", 0, 0, ON_PAGE_FD,
			       512, quick ? 1 : 4 };
	struct cow_opts w = { "cow_parent_waiter_on_page", 0, 0,
			      ON_PAGE_WAITER, 256, quick ? 1 : 4 };
	int bad = 0;

	bad |= run_cow(&fd);
	bad |= run_cow(&w);
	return bad;
}

/* ---------------------------------------------------------------- */
/* futex system calls                                               */

#define NFUTEX		64	/* futex words, one per page, cycled through */
#define SC_BATCH	64
#define SC_BATCHES	300

static volatile int *fw[NFUTEX];

static noinline u32 loop_wait(int n)
{
	u32 t0, t1;
	int i;

	t0 = tsc();
	for (i = 0; i < n; i++)
		sys_futex(fw[i & (NFUTEX - 1)], FUTEX_WAIT, 1, NULL);
	t1 = tsc();
	return t1 - t0;
}

static noinline u32 loop_wake(int n)
{
	u32 t0, t1;
	int i;

	t0 = tsc();
	for (i = 0; i < n; i++)
		sys_futex(fw[i & (NFUTEX - 1)], FUTEX_WAKE, 1, NULL);
	t1 = tsc();
	return t1 - t0;
}

static noinline u32 loop_getpid(int n)
{
	u32 t0, t1;
	int i;

	t0 = tsc();
	for (i = 0; i < n; i++)
		sys_getpid();
	t1 = tsc();
	return t1 - t0;
}

/* the same loop, without the system call */
static noinline u32 loop_empty(int n)
{
	u32 t0, t1;
	int i;

	t0 = tsc();
	for (i = 0; i < n; i++)
		__asm__ __volatile__("" : : "r"(fw[i & (NFUTEX - 1)]) : "memory");
	t1 = tsc();
	return t1 - t0;
}

static int syscall_bench(const char *name, u32 (*fn)(int), u32 *v, u32 *o)
{
	int b, nb = quick ? 30 : SC_BATCHES;

	int prof = prof_match(name);

	for (b = 0; b < nb; b++) {
		if (prof)
			prof_on();
		v[b] = fn(SC_BATCH);
		if (prof)
			prof_off();
		o[b] = loop_empty(SC_BATCH);
	}
	if (prof)
		out("# PROF %s ops=%d", name, nb * SC_BATCH);
	report(name, v, nb, o, nb, SC_BATCH);
	return 0;
}

/* round trip: main thread and a partner ping-pong through one word */
#define RT_BATCH	16
#define RT_BATCHES	200

static volatile int *rt_word;
static volatile int rt_stop;

/*
 * Both threads are SCHED_FIFO at the same priority: a wakeup never
 * preempts, so every round trip is the same path (WAKE, WAIT and
 * sleep on each side, two context switches).  Under the normal
 * scheduler it depends on the interactivity bonus whether the woken
 * thread preempts the waker (and then the waker need not sleep), and
 * runs settle in either regime, ~30% apart.
 */
static const struct sched_param rt_fifo = { 1 }, rt_other = { 0 };

static int partner_fn(void *arg)
{
	(void)arg;
	sys_sched_setscheduler(0, SCHED_FIFO, &rt_fifo);
	for (;;) {
		while (*rt_word == 0)
			sys_futex(rt_word, FUTEX_WAIT, 0, NULL);
		if (rt_stop)
			return 0;
		*rt_word = 0;
		sys_futex(rt_word, FUTEX_WAKE, 1, NULL);
	}
}

static noinline u32 loop_roundtrip(int n)
{
	u32 t0, t1;
	int i;

	t0 = tsc();
	for (i = 0; i < n; i++) {
		*rt_word = 1;
		sys_futex(rt_word, FUTEX_WAKE, 1, NULL);
		while (*rt_word == 1)
			sys_futex(rt_word, FUTEX_WAIT, 1, NULL);
	}
	t1 = tsc();
	return t1 - t0;
}

static int roundtrip_bench(const char *name, u32 *v)
{
	struct rt_thread t;
	int b, nb = quick ? 20 : RT_BATCHES;

	rt_word = rt_private_page();
	rt_stop = 0;
	if (sys_sched_setscheduler(0, SCHED_FIFO, &rt_fifo) < 0)
		out("# roundtrip: cannot be SCHED_FIFO: the figure may be "
		    "either of two regimes");
	if (!rt_word || thread_start(&t, partner_fn, NULL, 0) < 0) {
		out("# roundtrip: no partner thread");
		return -1;
	}
	loop_roundtrip(RT_BATCH);	/* warm up, both threads running */
	if (prof_match(name)) {
		out("# PROF %s ops=%d", name, nb * RT_BATCH);
		prof_on();
	}
	for (b = 0; b < nb; b++)
		v[b] = loop_roundtrip(RT_BATCH);
	if (prof_match(name))
		prof_off();
	rt_stop = 1;
	*rt_word = 1;
	sys_futex(rt_word, FUTEX_WAKE, 1, NULL);
	if (thread_join(&t) != 0) {
		out("# roundtrip: partner failed");
		return -1;
	}
	sys_sched_setscheduler(0, SCHED_OTHER, &rt_other);
	report(name, v, nb, NULL, 0, RT_BATCH);
	return 0;
}

static int futex_benches(const char *suffix, int roundtrip)
{
	u32 *v = map_anon(2 * SC_BATCHES * sizeof(u32), 0), *o;
	char *pages = map_anon(NFUTEX * PAGE_SIZE, 0);
	char name[64];
	long r;
	int i;

	if (!v || !pages)
		return -1;
	o = v + SC_BATCHES;
	touch(v, 2 * SC_BATCHES * sizeof(u32));
	touch(pages, NFUTEX * PAGE_SIZE);
	for (i = 0; i < NFUTEX; i++)
		fw[i] = (volatile int *)(pages + (size_t)i * PAGE_SIZE);
	r = sys_futex(fw[0], FUTEX_WAIT, 1, NULL);
	if (r != -EWOULDBLOCK) {
		out("# FUTEX_WAIT with a wrong value: %s", rt_errname(r));
		return -1;
	}
	r = sys_futex(fw[0], FUTEX_WAKE, 1, NULL);
	if (r != 0) {
		out("# FUTEX_WAKE, nobody waiting: %ld", r);
		return -1;
	}
	rt_snprintf(name, sizeof(name), "null_syscall%s", suffix);
	syscall_bench(name, loop_getpid, v, o);
	rt_snprintf(name, sizeof(name), "futex_wait_ewouldblock%s", suffix);
	syscall_bench(name, loop_wait, v, o);
	rt_snprintf(name, sizeof(name), "futex_wake_nowaiter%s", suffix);
	syscall_bench(name, loop_wake, v, o);
	if (roundtrip) {
		rt_snprintf(name, sizeof(name), "futex_roundtrip%s", suffix);
		if (roundtrip_bench(name, v) < 0)
			return -1;
	}
	return 0;
}

static int run_futex(const char *suffix, int roundtrip)
{
	long pid = sys_fork();

	if (pid == 0)
		sys_exit(futex_benches(suffix, roundtrip) ? 1 : 0);
	return pid < 0 ? -1 : wait_ok(pid);
}

static int group_futex(void)
{
	return run_futex("", 1);
}

/* the futex hash loaded with 10,000 fds of other processes */
static int group_fds(void)
{
	int bad;

	start_holders(10000);
	print_page_change("fds_10000");
	bad = run_futex("_fds_10000", 1);
	stop_holders();
	return bad;
}

/* ---------------------------------------------------------------- */
/* the runner                                                       */

struct group {
	const char *name;
	int (*fn)(void);
	int dflt;		/* in the default selection */
};

static const struct group groups[] = {
	{ "cow", group_cow, 1 },
	{ "other", group_other, 1 },
	{ "same", group_same, 1 },
	{ "futex", group_futex, 1 },
	{ "fds", group_fds, 1 },
	{ "worst", group_worst, 1 },
	{ "smp", group_futex, 0 },
};

static int in_list(const char *list, const char *word)
{
	return rt_list_has(list, word, strlen(word));
}

static void reap(void)
{
	int status;

	while (sys_wait4(-1, &status, WNOHANG | __WALL, NULL) > 0)
		;
}

/* run a group in its own process group; its exit status */
static int run_group(const struct group *g)
{
	long pid = sys_fork(), t0 = rt_now_ms(), r;
	int status = 0;

	if (pid == 0) {
		sys_setpgid(0, 0);
		sys_exit(g->fn() ? 1 : 0);
	}
	if (pid < 0)
		return -1;
	sys_setpgid(pid, pid);
	for (;;) {
		r = sys_wait4(pid, &status, WNOHANG | __WALL, NULL);
		if (r == pid)
			break;
		if (rt_now_ms() - t0 > 300000) {
			out("# %s: timeout", g->name);
			sys_kill(-pid, SIGKILL);
			sys_wait4(pid, &status, __WALL, NULL);
			status = 1 << 8;
			break;
		}
		reap();
		rt_sleep_ms(5);
	}
	sys_kill(-pid, SIGKILL);	/* leftovers */
	reap();
	if (WIFSIGNALED(status)) {
		out("# %s: killed by signal %d", g->name, WTERMSIG(status));
		return -1;
	}
	return WEXITSTATUS(status);
}

int main(int argc, char **argv, char **envp)
{
	const char *sel = rt_getenv("bench"), *args = rt_getenv("benchargs");
	struct utsname u;
	unsigned int i;
	int plan = 0, num = 0;
	long t0;

	(void)argc;
	(void)argv;
	(void)envp;
	pid1 = sys_getpid() == 1;
	quick = args && in_list(args, "quick");
	prof_name = rt_getenv("benchprof");
	if (pid1) {
		long r;

		sys_mkdir("/proc", 0555);
		r = sys_mount("proc", "/proc", "proc", 0, NULL);
		if (r < 0 && r != -EBUSY)
			out("# mount /proc: %s", rt_errname(r));
	}
	out("TAP version 13");
	if (sys_uname(&u) == 0)
		out("# kernel %s %s %s", u.sysname, u.release, u.version);
	out("# BENCHCONF cow_pages=%d cow_batch=%d sc_batch=%d rt_batch=%d%s",
	    COW_PAGES, COW_BATCH, SC_BATCH, RT_BATCH, quick ? " quick" : "");
	for (i = 0; i < ARRAY_SIZE(groups); i++)
		plan += sel && *sel ? in_list(sel, groups[i].name) :
				      groups[i].dflt;
	out("1..%d", plan);
	t0 = rt_now_ms();
	for (i = 0; i < ARRAY_SIZE(groups); i++) {
		const struct group *g = &groups[i];
		long g0 = rt_now_ms();
		int r;

		if (sel && *sel ? !in_list(sel, g->name) : !g->dflt)
			continue;
		r = run_group(g);
		out("# %s: %ld ms", g->name, rt_now_ms() - g0);
		out("%s %d %s", r ? "not ok" : "ok", ++num, g->name);
	}
	out("# bench done in %ld ms", rt_now_ms() - t0);
	if (!pid1)
		return 0;
	sys_ioctl(1, TCSBRK, 1);
	sys_sync();
	sys_reboot(LINUX_REBOOT_CMD_RESTART);
	for (;;) {
		reap();
		rt_sleep_ms(1000);
	}
}
