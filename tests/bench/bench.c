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
 *   bench=GROUP[,GROUP...]   cow, other, same, futex, fds, worst,
 *                            mremap, munmap, exit, fault, smp
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

#define RLIMIT_NOFILE	7
struct rlimit { unsigned long cur, max; };

static inline long sys_setrlimit(int res, const struct rlimit *r)
{ return SC2(__NR_setrlimit, res, r); }

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
 * raised for more than ~1000.  The pages are mapped at @at (MAP_FIXED)
 * unless it is NULL.
 */
static int make_pins_at(int n, char *at)
{
	struct rlimit rl = { n + 64, n + 64 };
	char *pages;
	long fd;
	int i;

	if (n + 16 > 1024 && sys_setrlimit(RLIMIT_NOFILE, &rl) < 0) {
		out("# setrlimit(RLIMIT_NOFILE, %d) failed", n + 64);
		return -1;
	}
	if (at) {
		pages = sys_mmap(at, (size_t)n * PAGE_SIZE,
				 PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		if (IS_ERR_VALUE(pages))
			pages = NULL;
	} else {
		pages = map_anon((size_t)n * PAGE_SIZE, 0);
	}
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

static int make_pins(int n)
{
	return make_pins_at(n, NULL);
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
/* free pages for faults and unmaps that must cost the same everywhere */

#define MADV_DONTNEED	4

/*
 * What a fault costs in the page allocator depends on its free lists:
 * an order-0 page is cheap to take, one split off a bigger block is not,
 * and which it is depends on what the boot left where (25 instructions
 * per anonymous fault between two kernels that differ in nothing the
 * fault does); freeing a page likewise costs more when it merges with
 * a free buddy (munmap of 1000 pages: +-4% from one N to another).  So
 * the faults and the unmapped vmas take their pages from a reserve of
 * free order-0 pages that cannot merge: n pages freed (MADV_DONTNEED)
 * out of 2n touched ones, every other one, whose buddies stay
 * allocated.  The free lists are LIFO, and the pages go back to them,
 * still unmergeable, when they are unmapped: every round gets the same
 * kind of page.
 */
static int reserve_free_pages(int n)
{
	char *h = map_anon((size_t)2 * n * PAGE_SIZE, 0);
	int i;

	if (!h)
		return -1;
	touch(h, (size_t)2 * n * PAGE_SIZE);
	for (i = 0; i < n; i++)
		if (SC3(__NR_madvise, h + (size_t)(2 * i + 1) * PAGE_SIZE,
			PAGE_SIZE, MADV_DONTNEED) < 0) {
			out("# madvise(MADV_DONTNEED) failed");
			return -1;
		}
	return 0;
}

/* ---------------------------------------------------------------- */
/* mremap, munmap and exit with page_change registrations in the mm */

/*
 * The mm side of the series: mremap() moves the registrations of the
 * moved range, munmap() and exit drop those of the unmapped range.
 * Each is measured in an mm holding N = 0, 1000 and 10,000
 * registrations OUTSIDE the range (FUTEX_FDs on written pages of a
 * private mapping of its own at PINS_ADDR, above everything else, so
 * that exit unmaps them last): what the operation pays for
 * registrations it has nothing to do with.
 *
 * These operations are long (up to ~10^6 instructions in vanilla), so
 * they are timed one per batch, with the full 64-bit TSC, and the timer
 * interrupt lands in some of them: the median of several is taken, and
 * the figure moves by a few thousand instructions at most.  A kernel
 * that walks all registrations per page or per vma takes 10^8-10^9
 * instructions per operation; then fewer repetitions are made (HEAVY).
 */

#define MREMAP_FIXED	2
/*
 * Above every other mapping, below the stack: 2.5 hands out mmap()s
 * upwards from TASK_UNMAPPED_BASE, 1 GB on i386 (the stack below 3 GB),
 * TASK_SIZE / 3 (~170 GB) on x86_64 (2.5.42; the stack below 511 GB).
 */
#ifdef __x86_64__
#define PINS_ADDR	((char *)0x6000000000)
#else
#define PINS_ADDR	((char *)0x90000000)
#endif
#define MM_REPS		7	/* timed operations (odd: a median) */
#define MM_REPS_HEAVY	3	/* when one takes more than HEAVY */
#define HEAVY		50000000ULL
#define MREMAP_BATCH	16	/* 1-page moves per batch (even) */
#define MREMAP_BATCHES	64
#define UNMAP_BATCH	16	/* 1-vma munmaps per batch */
#define UNMAP_BATCHES	64
#define NVMAS		1000
#define EXIT_TRIALS	5

static const int mm_ns[] = { 0, 1000, 10000 };

/* move [old, old + len) to new, same length: always a move */
static inline void *sys_mremap_to(void *old, size_t len, void *new)
{
	return (void *)SC5(__NR_mremap, old, len, len,
			   MREMAP_MAYMOVE | MREMAP_FIXED, new);
}

static void sort_u64(u64 *v, int n)
{
	int gap, i, j;

	for (gap = n / 2; gap > 0; gap /= 2)
		for (i = gap; i < n; i++) {
			u64 t = v[i];

			for (j = i; j >= gap && v[j - gap] > t; j -= gap)
				v[j] = v[j - gap];
			v[j] = t;
		}
}

/* tenths (s64) as "123.4", also beyond 2^31 */
static const char *tenths64(s64 t)
{
	static char buf[8][32];
	static int slot;
	char *b = buf[slot++ % 8];
	const char *sign = "";
	u64 w;

	if (t > -2000000000LL && t < 2000000000LL)
		return tenths((long)t);
	if (t < 0) {
		sign = "-";
		t = -t;
	}
	w = (u64)t / 10;
	if (w >= 1000000000ULL)
		rt_snprintf(b, 32, "%s%lu%09lu.%lu", sign,
			    (unsigned long)(w / 1000000000ULL),
			    (unsigned long)(w % 1000000000ULL),
			    (unsigned long)((u64)t % 10));
	else
		rt_snprintf(b, 32, "%s%lu.%lu", sign, (unsigned long)w,
			    (unsigned long)((u64)t % 10));
	return b;
}

/* report(), for 64-bit batch times and one overhead figure */
static s64 report64(const char *name, u64 *v, int n, u64 ovh, int per)
{
	s64 val;

	sort_u64(v, n);
	val = ((s64)v[(n - 1) / 2] - (s64)ovh) * 10 / per;
	out("# BENCH %s %s", name, tenths64(val));
	out("# BENCHSTAT %s batches=%d per=%d min=%s max=%s ovh=%s", name, n,
	    per, tenths64(((s64)v[0] - (s64)ovh) * 10 / per),
	    tenths64(((s64)v[n - 1] - (s64)ovh) * 10 / per),
	    tenths64((s64)ovh * 10 / per));
	return val;
}

/* the overhead of a single timed operation: two rdtscs */
static noinline u64 time_nothing(void)
{
	u64 t0, t1;

	t0 = rt_rdtsc();
	barrier();
	t1 = rt_rdtsc();
	return t1 - t0;
}

static u64 ovh64(void)
{
	u64 o[15];
	int i;

	for (i = 0; i < 15; i++)
		o[i] = time_nothing();
	sort_u64(o, 15);
	return o[7];
}

/* the same loop as the batched ones below, without the system call */
static noinline u32 loop_nop(char *p, int n)
{
	u32 t0, t1;
	int i;

	t0 = tsc();
	for (i = 0; i < n; i++)
		__asm__ __volatile__("" : : "r"(p + (size_t)i * PAGE_SIZE)
				     : "memory");
	t1 = tsc();
	return t1 - t0;
}

static noinline u64 time_mremap(char *from, size_t len, char *to, int *bad)
{
	u64 t0, t1;
	void *r;

	t0 = rt_rdtsc();
	r = sys_mremap_to(from, len, to);
	t1 = rt_rdtsc();
	if (r != to)
		*bad = 1;
	return t1 - t0;
}

/* n/2 round trips of one page a -> b -> a */
static noinline u32 loop_mremap(char *a, char *b, int n, int *bad)
{
	u32 t0, t1;
	int i;

	t0 = tsc();
	for (i = 0; i < n; i += 2) {
		if (sys_mremap_to(a, PAGE_SIZE, b) != b)
			*bad = 1;
		if (sys_mremap_to(b, PAGE_SIZE, a) != a)
			*bad = 1;
	}
	t1 = tsc();
	return t1 - t0;
}

/*
 * [gap A gap B gap]: A (len bytes) mapped, the rest not, so that the
 * moved vma never merges with a neighbour and the same two moves
 * repeat.  A marker in the first word of each page of a touched A
 * checks that the pages moved with it.
 */
static char *mremap_setup(size_t len, int touched, char **b)
{
	char *base = map_anon(3 * PAGE_SIZE + 2 * len, 0), *a;
	size_t i;

	if (!base)
		return NULL;
	a = base + PAGE_SIZE;
	*b = a + len + PAGE_SIZE;
	sys_munmap(base, PAGE_SIZE);
	sys_munmap(a + len, 2 * PAGE_SIZE + len);
	if (touched)
		for (i = 0; i < len; i += PAGE_SIZE)
			*(volatile u32 *)(a + i) = (u32)i;
	return a;
}

static int mremap_check(const char *name, char *a, size_t len, int touched,
			int bad)
{
	size_t i;

	if (bad) {
		out("# %s: mremap failed", name);
		return -1;
	}
	if (touched)
		for (i = 0; i < len; i += PAGE_SIZE)
			if (*(volatile u32 *)(a + i) != (u32)i) {
				out("# %s: page %lu lost its data", name,
				    (unsigned long)(i / PAGE_SIZE));
				return -1;
			}
	sys_munmap(a, len);
	return 0;
}

/* mremap_1p_N: one touched page, moved back and forth, batched */
static int bench_mremap_1p(const char *name, u32 *v, u32 *o)
{
	int b, nb = quick ? 8 : MREMAP_BATCHES, bad = 0;
	char *pb, *a = mremap_setup(PAGE_SIZE, 1, &pb);

	if (!a)
		return -1;
	loop_mremap(a, pb, 2, &bad);		/* page tables at b */
	if (prof_match(name))
		prof_on();
	for (b = 0; b < nb; b++) {
		v[b] = loop_mremap(a, pb, MREMAP_BATCH, &bad);
		o[b] = loop_nop(a, MREMAP_BATCH / 2);
	}
	if (prof_match(name)) {
		prof_off();
		out("# PROF %s ops=%d", name, nb * MREMAP_BATCH);
	}
	if (mremap_check(name, a, PAGE_SIZE, 1, bad))
		return -1;
	report(name, v, nb, o, nb, MREMAP_BATCH);
	return 0;
}

/*
 * A big range, moved there and back per timed operation (the two
 * directions differ: which page tables the ends of A and B share with
 * other mappings), reported per move.
 */
static int bench_mremap_big(const char *name, size_t len, int touched,
			    u64 *v)
{
	int r, reps = quick ? 1 : MM_REPS, bad = 0, prof = prof_match(name);
	char *pb, *a = mremap_setup(len, touched, &pb);
	u64 ovh = 2 * ovh64(), w;

	if (!a)
		return -1;
	/* warm up: page tables at b, and see how long a move takes */
	w = time_mremap(a, len, pb, &bad);
	w += time_mremap(pb, len, a, &bad);
	if (w / 2 > HEAVY)
		reps = 1;	/* 10^8-10^9 a move: two more will do */
	if (prof)
		prof_on();
	for (r = 0; r < reps; r++) {
		v[r] = time_mremap(a, len, pb, &bad);
		v[r] += time_mremap(pb, len, a, &bad);
	}
	if (prof) {
		prof_off();
		out("# PROF %s ops=%d", name, 2 * reps);
	}
	if (mremap_check(name, a, len, touched, bad))
		return -1;
	report64(name, v, reps, ovh, 2);
	return 0;
}

/*
 * 2n one-page vmas that do not merge: 2n pages, written, every odd page
 * made read-only, between two PROT_NONE guard pages (so that no vma
 * outside, merged with the mapping when it was made, reaches into the
 * range).  Returns the first of the 2n pages: the even pages (at p + 2 i
 * pages) and the odd ones are separate vmas; unmap_vmas() removes all.
 */
static char *map_vmas(int n)
{
	char *r = map_anon((size_t)(2 * n + 2) * PAGE_SIZE, 0), *p;
	int i;

	if (!r)
		return NULL;
	p = r + PAGE_SIZE;
	touch(p, (size_t)2 * n * PAGE_SIZE);
	if (sys_mprotect(r, PAGE_SIZE, PROT_NONE) < 0 ||
	    sys_mprotect(p + (size_t)2 * n * PAGE_SIZE, PAGE_SIZE,
			 PROT_NONE) < 0) {
		out("# map_vmas: mprotect failed");
		return NULL;
	}
	for (i = 0; i < n; i++)
		if (sys_mprotect(p + (size_t)(2 * i + 1) * PAGE_SIZE,
				 PAGE_SIZE, PROT_READ) < 0) {
			out("# map_vmas: mprotect failed");
			return NULL;
		}
	return p;
}

static void unmap_vmas(char *p, int n)
{
	sys_munmap(p - PAGE_SIZE, (size_t)(2 * n + 2) * PAGE_SIZE);
}

/* unmap the n even pages of map_vmas(n), one munmap each */
static noinline u32 loop_munmap(char *p, int n, int *bad)
{
	u32 t0, t1;
	int i;

	t0 = tsc();
	for (i = 0; i < n; i++)
		if (sys_munmap(p + (size_t)2 * i * PAGE_SIZE, PAGE_SIZE) < 0)
			*bad = 1;
	t1 = tsc();
	return t1 - t0;
}

static noinline u64 time_munmap(char *p, size_t len, int *bad)
{
	u64 t0, t1;
	long r;

	t0 = rt_rdtsc();
	r = sys_munmap(p, len);
	t1 = rt_rdtsc();
	if (r < 0)
		*bad = 1;
	return t1 - t0;
}

/* the vmas that start in [p, p + len), from /proc/self/maps */
static int count_vmas(char *p, size_t len)
{
	size_t sz = 256 * 1024;
	char *buf = map_anon(sz, 0), *q;
	int n = 0, line = 1;

	if (!buf || rt_read_file("/proc/self/maps", buf, sz) <= 0)
		return -1;
	for (q = buf; *q; q++) {
		if (line) {
			unsigned long a = 0;
			char *h;

			for (h = q; (*h >= '0' && *h <= '9') ||
				    (*h >= 'a' && *h <= 'f'); h++)
				a = a * 16 + (*h <= '9' ? *h - '0' :
						*h - 'a' + 10);
			n += a >= (unsigned long)p &&
			     a < (unsigned long)p + len;
		}
		line = *q == '\n';
	}
	sys_munmap(buf, sz);
	return n;
}

/* munmap_1vma_N: a one-page vma (written) between two others */
static int bench_munmap_1vma(const char *name, u32 *v, u32 *o)
{
	int b, nb = quick ? 8 : UNMAP_BATCHES, bad = 0;
	int prof = prof_match(name);
	char *p;

	for (b = 0; b < nb; b++) {
		p = map_vmas(UNMAP_BATCH);
		if (!p)
			return -1;
		if (prof)
			prof_on();
		v[b] = loop_munmap(p, UNMAP_BATCH, &bad);
		if (prof)
			prof_off();
		o[b] = loop_nop(p, UNMAP_BATCH);
		unmap_vmas(p, UNMAP_BATCH);
	}
	if (bad) {
		out("# %s: munmap failed", name);
		return -1;
	}
	if (prof)
		out("# PROF %s ops=%d", name, nb * UNMAP_BATCH);
	report(name, v, nb, o, nb, UNMAP_BATCH);
	return 0;
}

/* munmap_1000vma_N: one munmap over 1000 one-page vmas (written) */
static int bench_munmap_vmas(const char *name, u64 *v, int first)
{
	int r, reps = quick ? 3 : MM_REPS, bad = 0, prof = prof_match(name);
	u64 ovh = ovh64();
	char *p;

	for (r = 0; r < reps; r++) {
		/* NVMAS vmas in NVMAS pages: the even ones and the odd ones */
		p = map_vmas(NVMAS / 2);
		if (!p)
			return -1;
		if (first && r == 0)
			out("# INFO %s: %d vmas in the range", name,
			    count_vmas(p, (size_t)NVMAS * PAGE_SIZE));
		if (prof)
			prof_on();
		v[r] = time_munmap(p, (size_t)NVMAS * PAGE_SIZE, &bad);
		if (prof)
			prof_off();
		unmap_vmas(p, NVMAS / 2);	/* the guard pages */
		if (r == 0 && v[0] > HEAVY && reps > MM_REPS_HEAVY)
			reps = MM_REPS_HEAVY;
	}
	if (bad) {
		out("# %s: munmap failed", name);
		return -1;
	}
	if (prof)
		out("# PROF %s ops=%d", name, reps);
	report64(name, v, reps, ovh, 1);
	return 0;
}

/* a process of its own, with n registrations: the mremap or munmap set */
static int mm_benches(int n, int munmaps)
{
	u32 *v = map_anon(4 * MREMAP_BATCHES * sizeof(u32), 0), *o;
	u64 *v64 = map_anon(MM_REPS * sizeof(u64), 0);
	char name[64], when[32];
	int bad = 0;

	if (!v || !v64)
		return -1;
	o = v + 2 * MREMAP_BATCHES;
	touch(v, 4 * MREMAP_BATCHES * sizeof(u32));
	touch(v64, MM_REPS * sizeof(u64));
	if (n && make_pins_at(n, PINS_ADDR) < 0)
		return -1;
	/* the pages of the unmapped vmas: allocated and freed the same */
	if (munmaps && reserve_free_pages(NVMAS + 64) < 0)
		return -1;
	rt_snprintf(when, sizeof(when), "%s_%d", munmaps ? "munmap" :
		    "mremap", n);
	print_page_change(when);
	if (!munmaps) {
		rt_snprintf(name, sizeof(name), "mremap_1p_%d", n);
		bad |= bench_mremap_1p(name, v, o);
		rt_snprintf(name, sizeof(name), "mremap_64m_untouched_%d", n);
		bad |= bench_mremap_big(name, 64 << 20, 0, v64);
		rt_snprintf(name, sizeof(name), "mremap_16m_touched_%d", n);
		bad |= bench_mremap_big(name, 16 << 20, 1, v64);
	} else {
		rt_snprintf(name, sizeof(name), "munmap_1vma_%d", n);
		bad |= bench_munmap_1vma(name, v, o);
		rt_snprintf(name, sizeof(name), "munmap_%dvma_%d", NVMAS, n);
		bad |= bench_munmap_vmas(name, v64, n == 0);
	}
	return bad ? -1 : 0;
}

static int run_mm(int n, int munmaps)
{
	long pid = sys_fork();

	if (pid == 0)
		sys_exit(mm_benches(n, munmaps) ? 1 : 0);
	return pid < 0 ? -1 : wait_ok(pid);
}

static int group_mremap(void)
{
	unsigned int i;
	int bad = 0;

	for (i = 0; i < ARRAY_SIZE(mm_ns); i++)
		bad |= run_mm(mm_ns[i], 0);
	return bad;
}

static int group_munmap(void)
{
	unsigned int i;
	int bad = 0;

	for (i = 0; i < ARRAY_SIZE(mm_ns); i++)
		bad |= run_mm(mm_ns[i], 1);
	return bad;
}

/*
 * exit: a child maps NVMAS one-page vmas (or not: the control) and
 * makes n registrations at PINS_ADDR, above the vmas, so that exit
 * unmaps the vmas while the registrations are still there; it waits
 * until the parent sleeps in wait4(), reads the TSC and exits; the
 * parent reads the TSC when wait4() returns.  The child shares the
 * parent's file table (clone(CLONE_FILES), no CLONE_VM): its futex fds
 * are not closed by its exit, which is then the exit of the mm, plus
 * the rest of do_exit, the switch and the reaping.  The same minus the
 * control (same registrations, no vmas) is what the vmas cost:
 * exit_1000vma_N; the control itself is exit_novma_N.
 */
struct exit_shared {
	u64 t0;
	int fd_lo, fd_hi;
	int ok;
};

static noinline u64 exit_trial(int n, int vmas, struct exit_shared *xs,
			       int prof, int *bad)
{
	int parent = sys_getpid(), status, fd;
	long pid;
	u64 t1;

	xs->ok = 0;
	xs->fd_lo = xs->fd_hi = -1;
	pid = SC2(__NR_clone, CLONE_FILES | SIGCHLD, 0);
	if (pid == 0) {
		if (vmas && !map_vmas(NVMAS / 2))
			sys_exit(1);
		fd = sys_open("/dev/null", O_RDONLY, 0);	/* the next fd */
		sys_close(fd);
		if (n && make_pins_at(n, PINS_ADDR) < 0)
			sys_exit(1);
		xs->fd_lo = fd;
		xs->fd_hi = fd + n - 1;
		for (;;) {
			char st = proc_state(parent);

			if (st == 'S')
				break;
			if (!st) {		/* no /proc: best effort */
				rt_sleep_ms(100);
				break;
			}
			sys_sched_yield();
		}
		xs->ok = 1;
		if (prof)
			prof_on();	/* prof_off() in the parent */
		xs->t0 = rt_rdtsc();
		sys_exit(0);
	}
	if (pid < 0) {
		*bad = 1;
		return 0;
	}
	while (sys_wait4(pid, &status, __WALL, NULL) == -EINTR)
		;
	t1 = rt_rdtsc();
	if (prof)
		prof_off();
	if (!xs->ok || !WIFEXITED(status) || WEXITSTATUS(status))
		*bad = 1;
	if (xs->fd_lo >= 0)
		for (fd = xs->fd_lo; fd <= xs->fd_hi; fd++)
			sys_close(fd);
	return xs->ok ? t1 - xs->t0 : 0;
}

static int exit_benches(int n)
{
	struct exit_shared *xs = map_anon(PAGE_SIZE, 1);
	int t, nt = quick ? 1 : EXIT_TRIALS, bad = 0, prof;
	u64 c[EXIT_TRIALS], w[EXIT_TRIALS];
	char name[64];
	s64 d;

	if (!xs || reserve_free_pages(NVMAS + 64) < 0)
		return -1;
	/* profiled (benchprof=exit_1000vma_N): the whole exits with vmas */
	rt_snprintf(name, sizeof(name), "exit_%dvma_%d", NVMAS, n);
	prof = prof_match(name);
	for (t = 0; t < nt; t++) {
		c[t] = exit_trial(n, 0, xs, 0, &bad);
		w[t] = exit_trial(n, 1, xs, prof, &bad);
	}
	if (prof)
		out("# PROF %s ops=%d", name, nt);
	if (bad) {
		out("# exit_%d: a child failed", n);
		return -1;
	}
	rt_snprintf(name, sizeof(name), "exit_novma_%d", n);
	report64(name, c, nt, 0, 1);
	sort_u64(w, nt);
	d = (s64)w[(nt - 1) / 2] - (s64)c[(nt - 1) / 2];
	rt_snprintf(name, sizeof(name), "exit_%dvma_%d", NVMAS, n);
	out("# BENCH %s %s", name, tenths64(d * 10));
	out("# BENCHSTAT %s batches=%d per=1 min=%s max=%s ovh=%s", name, nt,
	    tenths64(((s64)w[0] - (s64)c[(nt - 1) / 2]) * 10),
	    tenths64(((s64)w[nt - 1] - (s64)c[(nt - 1) / 2]) * 10),
	    tenths64((s64)c[(nt - 1) / 2] * 10));
	return 0;
}

static int group_exit(void)
{
	unsigned int i;
	int bad = 0;

	for (i = 0; i < ARRAY_SIZE(mm_ns); i++) {
		long pid = sys_fork();

		if (pid == 0)
			sys_exit(exit_benches(mm_ns[i]) ? 1 : 0);
		bad |= pid < 0 ? -1 : wait_ok(pid);
	}
	return bad;
}

/* ---------------------------------------------------------------- */
/* page faults, no registrations                                    */

#define FAULT_PAGES	1024	/* anonymous, per round */
#define FILE_PAGES	128	/* the file: 512 KB on the root ramdisk */
#define FAULT_FILE	"/tmp/bench-fault"

/* read one byte in each of n pages: the timed unit */
static noinline u32 read_pages(volatile char *p, int n)
{
	u32 t0, t1;
	int i;

	t0 = tsc();
	for (i = 0; i < n; i++)
		(void)p[(size_t)i * PAGE_SIZE];
	t1 = tsc();
	return t1 - t0;
}

/*
 * One round: fault every page of [p, p + npages) in batches (read or
 * write, one byte per page), then the same loop again as overhead.
 */
static void fault_measure(const char *name, char *p, int npages, int wr,
			  u32 *f, u32 *o)
{
	int b, nb = npages / COW_BATCH, prof = prof_match(name);

	if (prof)
		prof_on();
	for (b = 0; b < nb; b++) {
		char *q = p + (size_t)b * COW_BATCH * PAGE_SIZE;

		f[b] = wr ? write_pages(q, COW_BATCH, 1) :
			    read_pages(q, COW_BATCH);
	}
	if (prof)
		prof_off();
	for (b = 0; b < nb; b++) {
		char *q = p + (size_t)b * COW_BATCH * PAGE_SIZE;

		o[b] = wr ? write_pages(q, COW_BATCH, 2) :
			    read_pages(q, COW_BATCH);
	}
}

static int fault_benches(void)
{
	int rounds = quick ? 1 : 4, frounds = quick ? 1 : 8, r, i, fd;
	int nb = FAULT_PAGES / COW_BATCH, fnb = FILE_PAGES / COW_BATCH;
	int total = nb * rounds, ftotal = fnb * frounds, wr;
	u32 *f = map_anon(2 * total * sizeof(u32), 0), *o;
	char *buf = map_anon(PAGE_SIZE, 0), *p;

	if (!f || !buf)
		return -1;
	o = f + total;
	touch(f, 2 * total * sizeof(u32));
	warm_stack();
	if (reserve_free_pages(FAULT_PAGES + 64) < 0)
		return -1;

	/* fault_anon: first write to a private anonymous page */
	for (r = 0; r < rounds; r++) {
		p = map_anon((size_t)FAULT_PAGES * PAGE_SIZE, 0);
		if (!p)
			return -1;
		fault_measure("fault_anon", p, FAULT_PAGES, 1, f + r * nb,
			      o + r * nb);
		sys_munmap(p, (size_t)FAULT_PAGES * PAGE_SIZE);
	}
	if (prof_match("fault_anon"))
		out("# PROF fault_anon ops=%d", total * COW_BATCH);
	report("fault_anon", f, total, o, total, COW_BATCH);

	/*
	 * A file in the page cache (written, then synced so that writeback
	 * does not run during the measurement), mapped private: a read
	 * fault maps the page cache page, a write fault copies it at once.
	 */
	fd = sys_open(FAULT_FILE, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) {
		out("# open %s: %s", FAULT_FILE, rt_errname(fd));
		return -1;
	}
	memset(buf, 'x', PAGE_SIZE);
	for (i = 0; i < FILE_PAGES; i++)
		if (rt_write_all(fd, buf, PAGE_SIZE) != PAGE_SIZE) {
			out("# write %s failed", FAULT_FILE);
			return -1;
		}
	sys_sync();
	for (wr = 0; wr <= 1; wr++) {
		const char *name = wr ? "fault_file_write" : "fault_file_read";

		for (r = 0; r < frounds; r++) {
			p = sys_mmap(NULL, (size_t)FILE_PAGES * PAGE_SIZE,
				     PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
			if (IS_ERR_VALUE(p)) {
				out("# mmap %s: %s", FAULT_FILE,
				    rt_errname((long)p));
				return -1;
			}
			fault_measure(name, p, FILE_PAGES, wr, f + r * fnb,
				      o + r * fnb);
			if (p[0] != (wr ? 2 : 'x')) {
				out("# %s: wrong data", name);
				return -1;
			}
			sys_munmap(p, (size_t)FILE_PAGES * PAGE_SIZE);
		}
		if (prof_match(name))
			out("# PROF %s ops=%d", name, ftotal * COW_BATCH);
		report(name, f, ftotal, o, ftotal, COW_BATCH);
	}
	sys_close(fd);
	sys_unlink(FAULT_FILE);
	return 0;
}

static int group_fault(void)
{
	long pid = sys_fork();

	if (pid == 0)
		sys_exit(fault_benches() ? 1 : 0);
	return pid < 0 ? -1 : wait_ok(pid);
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
	{ "mremap", group_mremap, 1 },
	{ "munmap", group_munmap, 1 },
	{ "exit", group_exit, 1 },
	{ "fault", group_fault, 1 },
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
