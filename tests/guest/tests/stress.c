// SPDX-License-Identifier: GPL-2.0
/*
 * Group "stress": every futex wakeup accounted for, while the process
 * forks continuously and its pages are copied on write under sleeping
 * waiters.
 *
 * Lanes: a lane is one futex word and two threads ("parties") passing a
 * token through it.  Party 0 holds the token while the word is even,
 * party 1 while it is odd.  The holder increments the word (the only
 * writer: nobody else may change it while it holds the token), calls
 * FUTEX_WAKE, records that this wake has returned (done_seq, done_t),
 * and becomes the waiter.  The waiter waits while the word equals the
 * value it saw; a return for any other reason (EINTR, timeout, a wakeup
 * that was not for it) re-checks the word.  Words live in private
 * anonymous pages, a .bss page, a .data page (a private file mapping),
 * and a MAP_SHARED page; on FUTEX_FD lanes party 0 waits by FUTEX_FD +
 * poll() instead (half of them with a signal, SIGUSR2, on the wake).
 *
 * Around them: two forker threads fork continuously; right after each
 * fork the forker writes every private lane page (a copy-on-write in
 * the parent, under whatever waiter sleeps there); the children write
 * the private pages too (their own copies), call FUTEX_WAKE and
 * FUTEX_WAIT on their copies of the lane words (they have no waiters:
 * anything they wake or are woken by is spurious), make a FUTEX_FD and
 * exit with it open, at random moments, or are killed with SIGKILL.  A
 * signaller thread interrupts random parties with SIGUSR1, one signal in
 * flight per party, noting when it sent it.
 *
 * What is checked, exactly:
 *
 *  LOST: a waiter that was queued when its peer's FUTEX_WAKE walked the
 *    hash, and was not found.  FUTEX_FD: the fd was queued before we
 *    read the old value (we read the word after FUTEX_FD returned), so
 *    the peer's write, and its wake, came after: once the peer's wake
 *    has returned, the fd must be readable - no timing involved.
 *    FUTEX_WAIT: the kernel queues the waiter and then reads the word;
 *    if it saw the old value, the peer's write and wake came after the
 *    queueing.  The waiter leaves the queue when its call returns.  If
 *    it returned -EINTR: not before the signaller's kill(); the
 *    signaller notes the lane's done_seq just before it, so if the wake
 *    for the new value had returned by then, it walked the hash while
 *    the waiter was queued: lost.  No clocks involved.  If it returned
 *    -ETIMEDOUT: not before t0 + SLICE_MS (t0 taken before the call); a
 *    wake that returned (done_t) more than TMO_MARGIN_MS before that
 *    was lost.  Anything else is counted as "late" (a benign race
 *    between the timeout or signal and the wake).  The stamps are the
 *    TSC in the guest rather than gettimeofday(): 2.5.38 does not make
 *    up for lost timer ticks, and under a loaded TCG host its
 *    gettimeofday() steps back at the next tick; the margin is wide
 *    enough for what the boot-time TSC synchronisation leaves.
 *  SPURIOUS: a FUTEX_WAKE that reports more waiters than can be queued
 *    on the lane (a lane has one waiter at a time, so at most 1, and
 *    INT_MAX is used half of the time); any wakeup reported by a fork
 *    child's FUTEX_WAKE or FUTEX_WAIT (the child has no waiters, and is
 *    woken by nobody); a FUTEX_FD that is readable while the word did
 *    not change.
 *  ACCOUNTING: per lane, the sum of what the FUTEX_WAKEs returned equals
 *    the number of FUTEX_WAIT calls that returned 0 (2.5.38 returns 0
 *    exactly when a waker took the waiter off the hash) plus the
 *    FUTEX_FDs found readable before they were closed.
 *  STALL: no progress on a lane for STALL_MS (a hang nothing else
 *    explains).
 *
 * On vanilla 2.5.38 this fails: the parent's copy-on-write moves the
 * page under a sleeping waiter and its wakeup is lost, and a child's
 * wake through a page it still shares with the parent wakes the parent's
 * waiter.  Default run: 10 s (3 s on the host); testargs=duration=N for
 * more (the runner adds N to the timeout).
 */
#include "tests.h"
#include "testargs.h"

long rt_clone(unsigned long flags, void *stack_top, volatile int *tidp,
	      int (*fn)(void *), void *arg);

#define SLICE_MS	1000	/* one FUTEX_WAIT or poll() */
#define TMO_MARGIN_MS	500	/* jiffies vs time stamps */
#define STALL_MS	20000	/* no progress on a lane at all */
#define DONE_WAIT_MS	15000	/* for a peer to finish its wake */
#define MIN_PASSES	10	/* per lane, or the lane did not run */
#define EARLY_STOP	10	/* failures seen: stop early, it failed */
#define NFORKERS	2
#define SCRATCH		1000	/* word of a lane page nobody waits on */

enum kind { K_PRIV, K_BSS, K_DATA, K_SHARED, K_FD_PRIV, K_FD_SHARED };
static const char *const kind_name[] = {
	[K_PRIV] = "private", [K_BSS] = "bss", [K_DATA] = "data",
	[K_SHARED] = "shared", [K_FD_PRIV] = "fd-private",
	[K_FD_SHARED] = "fd-shared",
};
#define IS_FD(k)	((k) == K_FD_PRIV || (k) == K_FD_SHARED)
#define IS_PRIVATE(k)	((k) != K_SHARED && (k) != K_FD_SHARED)

struct party_stats {
	long passes;		/* token passes: the operations */
	long wake_calls, woken;	/* FUTEX_WAKE calls, sum of their returns */
	long waits;		/* FUTEX_WAIT calls */
	long ret0, ewouldblock, eintr, etimedout, other;
	long spurious_ret;	/* returned 0, word unchanged */
	long fds, fd_woken, fd_eintr, fd_timeouts;
	long lost, late, spurious, stalls;
};

struct lane;
struct party_arg {
	struct lane *l;
	int side;
};

struct lane {
	volatile int *word;
	int kind;
	int fdsig;
	volatile int done_seq;		/* last value whose wake returned */
	volatile u64 done_t;		/* ... at this time stamp */
	volatile long progress_ms;
	struct party_stats st[2];
	struct party_arg arg[2];
	struct rt_thread thr[2];
	int slot[2];
};

/* signal bookkeeping per party: one SIGUSR1 in flight */
struct slot {
	volatile int tid;
	volatile int pending;
	volatile int sent_seq;		/* its lane's done_seq before kill() */
	volatile int intr_seq;		/* sent_seq of the last one handled */
	volatile long handled;
};

/* what the fork children report, in a MAP_SHARED page */
struct child_stats {
	volatile long children, wakes, wake_hits, waits, wait_hits, fds;
	volatile long errors, cows;
};

#define MAX_LANES	16
#define MAX_PARTIES	(2 * MAX_LANES)

static struct lane lanes[MAX_LANES];
static int nlanes;
static struct slot slots[MAX_PARTIES];
static int nslots;
static volatile int stop;
static unsigned long seed;
static struct child_stats *cst;
static volatile long fd_signals, forks, kills, fork_errors, sig_sent;
static volatile long diag_budget = 40;
static int use_tsc;		/* time stamps: TSC, or microseconds */
static u64 tpm;			/* time stamp ticks per millisecond */

/* pages that the forkers write after each fork */
static volatile int *cow_pages[8];
static int ncow;

static int bss_page[PAGE_SIZE / sizeof(int)]
	__attribute__((aligned(PAGE_SIZE)));
static int data_page[PAGE_SIZE / sizeof(int)]
	__attribute__((aligned(PAGE_SIZE))) = { [PAGE_SIZE / sizeof(int) - 1] = 1 };

#define atomic_inc(p)	__sync_fetch_and_add((p), 1)

/*
 * Time stamps.  In the guest the TSC, which TCG derives from the host's
 * and which the kernel synchronised across CPUs at boot, counted at the
 * kernel's calibration ("cpu MHz"); on the host, gettimeofday().
 */
static u64 stamp(void)
{
	return use_tsc ? rt_rdtsc() : (u64)rt_now_us();
}

static void stamp_init(void)
{
	char buf[4096], *p;
	long khz = 0;
	int frac = 0;

	tpm = 1000;
	use_tsc = 0;
	if (tap_host || rt_read_file("/proc/cpuinfo", buf, sizeof(buf)) <= 0)
		return;
	p = buf;
	while (p && strncmp(p, "cpu MHz", 7))
		if ((p = strchr(p, '\n')))
			p++;
	if (!p || !(p = strchr(p, ':')))
		return;
	for (p++; *p == ' '; p++)
		;
	for (; *p >= '0' && *p <= '9'; p++)
		khz = khz * 10 + (*p - '0');
	if (*p == '.')
		for (p++; frac < 3; frac++)
			khz = khz * 10 + (*p >= '0' && *p <= '9' ? *p++ - '0' : 0);
	else
		khz *= 1000;
	if (khz < 10000)	/* below 10 MHz: not believable */
		return;
	tpm = (u64)khz;
	use_tsc = 1;
}

/* a difference of two stamps (maybe taken on two CPUs), in ms */
static long ticks_ms(u64 t)
{
	return (long)((s64)t / (s64)tpm);
}

static u32 rnd_next(u32 *s)
{
	u32 x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x ? x : 0x9e3779b9;
}

static u32 rnd_init(int salt)
{
	u32 s = (u32)seed ^ ((u32)salt * 2654435761u);

	return s ? s : 1;
}

/* a limited number of detailed failure lines, whoever prints them */
__printf(1, 2) static void fdiag(const char *fmt, ...)
{
	char buf[300];
	va_list ap;

	if (__sync_fetch_and_sub(&diag_budget, 1) <= 0)
		return;
	va_start(ap, fmt);
	rt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	tap_diag("stress: %s", buf);
}

/* runs on the party itself; a later signal may interrupt a waiter
 * reading its slot, never this handler (no SA_NODEFER) */
static void on_usr1(int sig)
{
	int tid = sys_gettid(), i;

	(void)sig;
	for (i = 0; i < nslots; i++)
		if (slots[i].tid == tid) {
			slots[i].intr_seq = slots[i].sent_seq;
			barrier();
			slots[i].handled++;
			barrier();
			WRITE_ONCE(slots[i].pending, 0);
			break;
		}
}

static void on_usr2(int sig)
{
	(void)sig;
	atomic_inc(&fd_signals);
}

/* wait until the peer's FUTEX_WAKE for value seq has returned */
static int wait_done(struct lane *l, int seq)
{
	long t0 = rt_now_ms();

	while ((int)(READ_ONCE(l->done_seq) - seq) < 0) {
		if (rt_now_ms() - t0 > DONE_WAIT_MS)
			return -1;
		sys_sched_yield();
	}
	barrier();
	return 0;
}

static void stall_check(struct lane *l, struct party_stats *st, int side)
{
	long idle = rt_now_ms() - READ_ONCE(l->progress_ms);

	if (idle > STALL_MS && !READ_ONCE(stop)) {
		st->stalls++;
		fdiag("STALL lane %d (%s) party %d: no progress for %ld ms, "
		      "word %d", (int)(l - lanes), kind_name[l->kind], side,
		      idle, READ_ONCE(*l->word));
		WRITE_ONCE(l->progress_ms, rt_now_ms());
	}
}

static void hold(struct lane *l, struct party_stats *st, int w, u32 *rnd)
{
	u32 r = rnd_next(rnd);
	int val = (r & 1) ? 1 : INT_MAX;
	long n, now;

	/*
	 * The peer's wake for w must have returned before we wait again:
	 * a FUTEX_WAKE that is still on its way would otherwise land on
	 * our next wait, legitimately, and look like a spurious wakeup.
	 */
	if (wait_done(l, w) < 0) {
		st->stalls++;
		fdiag("STALL lane %d: the peer's FUTEX_WAKE for %d never "
		      "returned", (int)(l - lanes), w);
	}
	if ((r & 0x70) == 0)
		sys_sched_yield();
	WRITE_ONCE(*l->word, w + 1);
	n = sys_futex(l->word, FUTEX_WAKE, val, NULL);
	l->done_t = stamp();
	barrier();
	WRITE_ONCE(l->done_seq, w + 1);
	now = rt_now_ms();
	WRITE_ONCE(l->progress_ms, now);
	st->passes++;
	st->wake_calls++;
	if (n < 0) {
		st->other++;
		fdiag("lane %d: FUTEX_WAKE: %s", (int)(l - lanes),
		      rt_errname(n));
		return;
	}
	st->woken += n;
	if (n > 1) {
		st->spurious++;
		fdiag("SPURIOUS lane %d (%s): FUTEX_WAKE(%d) woke %ld, but "
		      "at most 1 waiter can be queued", (int)(l - lanes),
		      kind_name[l->kind], val, n);
	}
}

static void wait_futex(struct lane *l, struct party_stats *st,
		       struct slot *sl, int side, int seen)
{
	struct timespec ts = rt_ms_ts(SLICE_MS);
	long r, handled = sl->handled;
	u64 t0;
	int lost;

	t0 = stamp();
	r = sys_futex(l->word, FUTEX_WAIT, seen, &ts);
	st->waits++;
	if (r == 0) {
		st->ret0++;
		/* the peer only wakes after a change, and its wake has
		 * returned before we wait: nobody else may wake us */
		if (READ_ONCE(*l->word) == seen && !READ_ONCE(stop)) {
			st->spurious_ret++;
			fdiag("SPURIOUS lane %d (%s) party %d: FUTEX_WAIT "
			      "returned 0, the word is still %d",
			      (int)(l - lanes), kind_name[l->kind], side,
			      seen);
		}
		return;
	}
	if (r == -EWOULDBLOCK) {
		st->ewouldblock++;
		return;
	}
	if (r == -EINTR) {
		st->eintr++;
	} else if (r == -ETIMEDOUT) {
		st->etimedout++;
	} else {
		st->other++;
		fdiag("lane %d: FUTEX_WAIT: %s", (int)(l - lanes),
		      rt_errname(r));
		rt_sleep_ms(1);
		return;
	}
	if (READ_ONCE(*l->word) == seen) {
		stall_check(l, st, side);
		return;
	}
	/* the word changed while we were queued: when did the wake run? */
	if (wait_done(l, seen + 1) < 0) {
		st->stalls++;
		fdiag("STALL lane %d: the peer's FUTEX_WAKE for %d never "
		      "returned", (int)(l - lanes), seen + 1);
		return;
	}
	if (r == -EINTR) {
		/*
		 * We left the queue after the kill() of the signal whose
		 * handler ran as the call returned: had the wake for
		 * seen + 1 returned before that kill()?  Only if exactly
		 * one handler ran since we read "handled" is intr_seq that
		 * signal's (another may be sent, and handled, as soon as
		 * the handler clears pending); otherwise no verdict.
		 */
		long h = READ_ONCE(sl->handled);
		int seq;

		barrier();
		seq = READ_ONCE(sl->intr_seq);
		barrier();
		lost = h == handled + 1 && READ_ONCE(sl->handled) == h &&
		       (int)(seq - (seen + 1)) >= 0;
	} else {
		/* we left the queue SLICE_MS after t0, or later */
		lost = l->done_t + TMO_MARGIN_MS * tpm < t0 + SLICE_MS * tpm;
	}
	if (lost) {
		st->lost++;
		if (r == -EINTR)
			fdiag("LOST lane %d (%s) party %d: the wake for %d had "
			      "returned before the signal that ended this "
			      "wait was sent (EINTR)", (int)(l - lanes),
			      kind_name[l->kind], side, seen + 1);
		else
			fdiag("LOST lane %d (%s) party %d: the wake for %d "
			      "returned %ld ms after this wait began, which "
			      "timed out after %d ms (ETIMEDOUT)",
			      (int)(l - lanes), kind_name[l->kind], side,
			      seen + 1, ticks_ms(l->done_t - t0), SLICE_MS);
	} else {
		st->late++;
	}
}

static void wait_fd(struct lane *l, struct party_stats *st, int side,
		    int seen)
{
	long fd, r;
	int first, readable;

	fd = sys_futex(l->word, FUTEX_FD, l->fdsig, NULL);
	if (fd < 0) {
		st->other++;
		fdiag("lane %d: FUTEX_FD: %s", (int)(l - lanes),
		      rt_errname(fd));
		rt_sleep_ms(1);
		return;
	}
	st->fds++;
	/* queued before this read: the peer's write and wake come after */
	first = READ_ONCE(*l->word) == seen;
	while (first && !READ_ONCE(stop) && READ_ONCE(*l->word) == seen) {
		struct pollfd p = { fd, POLLIN, 0 };

		r = sys_poll(&p, 1, SLICE_MS);
		if (r == -EINTR) {
			st->fd_eintr++;
			continue;
		}
		if (r == 1)
			break;
		if (r < 0) {
			st->other++;
			fdiag("lane %d: poll: %s", (int)(l - lanes),
			      rt_errname(r));
			break;
		}
		st->fd_timeouts++;
		stall_check(l, st, side);
	}
	if (READ_ONCE(*l->word) != seen && wait_done(l, seen + 1) < 0) {
		st->stalls++;
		fdiag("STALL lane %d: the peer's FUTEX_WAKE for %d never "
		      "returned", (int)(l - lanes), seen + 1);
	}
	readable = fd_readable(fd);
	if (readable) {
		st->fd_woken++;
		if (READ_ONCE(*l->word) == seen && !READ_ONCE(stop)) {
			st->spurious++;
			fdiag("SPURIOUS lane %d (%s): FUTEX_FD woken, but the "
			      "word is still %d", (int)(l - lanes),
			      kind_name[l->kind], seen);
		}
	} else if (first && READ_ONCE(*l->word) != seen) {
		st->lost++;
		fdiag("LOST lane %d (%s): FUTEX_FD queued before the word "
		      "changed to %d, not readable after the wake returned",
		      (int)(l - lanes), kind_name[l->kind], seen + 1);
	}
	sys_close(fd);
}

static int party(void *arg)
{
	struct party_arg *a = arg;
	struct lane *l = a->l;
	int side = a->side;
	struct party_stats *st = &l->st[side];
	struct slot *sl = &slots[l->slot[side]];
	u32 rnd = rnd_init(100 + 2 * (int)(l - lanes) + side);

	WRITE_ONCE(sl->tid, sys_gettid());
	while (!READ_ONCE(stop)) {
		int w = READ_ONCE(*l->word);

		if ((w & 1) == side)
			hold(l, st, w, &rnd);
		else if (IS_FD(l->kind) && side == 0)
			wait_fd(l, st, side, w);
		else
			wait_futex(l, st, sl, side, w);
	}
	return 0;
}

/* a fork child: copies, wakes, waits and fds of its own, then exit */
static void child_main(u32 rnd)
{
	int i, n;
	struct lane *l;

	atomic_inc(&cst->children);
	n = rnd_next(&rnd) % 4;
	for (i = 0; i < n && ncow; i++) {
		volatile int *p = cow_pages[rnd_next(&rnd) % ncow];

		p[rnd_next(&rnd) % (PAGE_SIZE / sizeof(int))] ^= 1;
		atomic_inc(&cst->cows);
	}
	l = &lanes[rnd_next(&rnd) % nlanes];
	if (IS_PRIVATE(l->kind) && (rnd_next(&rnd) & 1)) {
		long r = sys_futex(l->word, FUTEX_WAKE, INT_MAX, NULL);

		atomic_inc(&cst->wakes);
		if (r > 0) {
			atomic_inc(&cst->wake_hits);
			fdiag("SPURIOUS fork child %ld: FUTEX_WAKE on its copy "
			      "of lane %d (%s) woke %ld", sys_getpid(),
			      (int)(l - lanes), kind_name[l->kind], r);
		} else if (r < 0) {
			atomic_inc(&cst->errors);
		}
	}
	l = &lanes[rnd_next(&rnd) % nlanes];
	if (IS_PRIVATE(l->kind) && (rnd_next(&rnd) & 1)) {
		long r = futex_wait_ms(l->word, READ_ONCE(*l->word),
				       1 + rnd_next(&rnd) % 3);

		atomic_inc(&cst->waits);
		if (r == 0) {
			atomic_inc(&cst->wait_hits);
			fdiag("SPURIOUS fork child %ld: woken in FUTEX_WAIT on "
			      "its copy of lane %d (%s)", sys_getpid(),
			      (int)(l - lanes), kind_name[l->kind]);
		} else if (r != -ETIMEDOUT && r != -EWOULDBLOCK &&
			   r != -EINTR) {
			atomic_inc(&cst->errors);
		}
	}
	l = &lanes[rnd_next(&rnd) % nlanes];
	if (IS_PRIVATE(l->kind) && (rnd_next(&rnd) % 4) == 0) {
		/* exit with it open: the exit must clean it up */
		if (sys_futex(l->word, FUTEX_FD, 0, NULL) >= 0)
			atomic_inc(&cst->fds);
	}
	n = rnd_next(&rnd) % 8;
	if (n)
		rt_sleep_ms(n - 1);
	sys_exit(0);
}

static int forker(void *arg)
{
	u32 rnd = rnd_init(7 + (int)(long)arg);
	long pid, n = 0;
	int i;

	while (!READ_ONCE(stop)) {
		pid = sys_fork();
		if (pid == 0)
			child_main(rnd_next(&rnd));
		if (pid < 0) {
			atomic_inc(&fork_errors);
			rt_sleep_ms(10);
			continue;
		}
		atomic_inc(&forks);
		n++;
		/* parent-side copy-on-write, under the sleeping waiters */
		for (i = 0; i < ncow; i++)
			cow_pages[i][SCRATCH] = (int)n;
		if ((rnd_next(&rnd) % 3) == 0)
			rt_sleep_ms(rnd_next(&rnd) % 4);
		if ((rnd_next(&rnd) % 4) == 0 && sys_kill(pid, SIGKILL) == 0)
			atomic_inc(&kills);
		wait_exit(pid);
	}
	return 0;
}

static int signaller(void *arg)
{
	u32 rnd = rnd_init(3);
	int i;

	(void)arg;
	while (!READ_ONCE(stop)) {
		struct slot *s;

		rt_sleep_ms(2 + rnd_next(&rnd) % 6);
		i = rnd_next(&rnd) % nslots;
		s = &slots[i];
		if (!READ_ONCE(s->tid) || READ_ONCE(s->pending))
			continue;
		/* slot i is party i % 2 of lane i / 2 (add_lane()) */
		s->sent_seq = READ_ONCE(lanes[i / 2].done_seq);
		barrier();
		WRITE_ONCE(s->pending, 1);
		if (sys_kill(s->tid, SIGUSR1) == 0)
			sig_sent++;
		else
			WRITE_ONCE(s->pending, 0);
	}
	return 0;
}

/* a thread without CLONE_FILES: its fork children must not inherit the
 * FUTEX_FDs of the lanes (an inherited fd stays queued after the lane
 * closes its copy) */
static int start_unshared(struct rt_thread *t, int (*fn)(void *), void *arg)
{
	return thread_start_flags(t, fn, arg, CLONE_VM | CLONE_FS | SIGCHLD);
}

static void add_lane(volatile int *word, int kind)
{
	struct lane *l = &lanes[nlanes];

	l->word = word;
	l->kind = kind;
	/* every other FUTEX_FD lane also asks for a signal on the wake */
	l->fdsig = IS_FD(kind) && (nlanes & 1) ? SIGUSR2 : 0;
	*word = 0;
	l->done_seq = 0;
	l->slot[0] = nslots++;
	l->slot[1] = nslots++;
	nlanes++;
}

static int add_cow_page(volatile int *p)
{
	if (!p)
		return -1;
	cow_pages[ncow++] = p;
	return 0;
}

int stress(void)
{
	struct rt_thread sig_thr, fork_thr[NFORKERS];
	volatile int *priv[3], *fdpriv, *shared;
	struct party_stats tot;
	long t0, now, elapsed, r, spurious;
	int duration, i, j, s, fd_ok, mismatches = 0;
	int slow_lanes = 0;

	duration = testarg_duration ? testarg_duration : tap_host ? 3 : 10;
	seed = testarg_seed ? testarg_seed : (unsigned long)rt_rdtsc();
	stamp_init();
	tap_diag("stress: %d s, seed %lu (testargs=duration=N,seed=N), time "
		 "stamps: %s", duration, seed,
		 use_tsc ? "TSC" : "gettimeofday");

	cst = rt_map(PAGE_SIZE, PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS);
	shared = rt_map(PAGE_SIZE, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS);
	REQUIRE(cst && shared, "mmap MAP_SHARED");
	for (i = 0; i < 3; i++) {
		priv[i] = rt_private_page();
		REQUIRE(add_cow_page(priv[i]) == 0, "mmap");
	}
	fdpriv = rt_private_page();
	REQUIRE(add_cow_page(fdpriv) == 0, "mmap");
	add_cow_page(bss_page);
	add_cow_page(data_page);

	/* FUTEX_FD is gone from modern kernels */
	r = sys_futex(&shared[1000], FUTEX_FD, 0, NULL);
	fd_ok = r >= 0;
	if (fd_ok)
		sys_close(r);
	else if (!(tap_host && r == -ENOSYS))
		REQUIRE(0, "FUTEX_FD: %s", rt_errname(r));

	for (i = 0; i < 3; i++) {
		add_lane(&priv[i][0], K_PRIV);
		add_lane(&priv[i][512], K_PRIV);
	}
	add_lane(&bss_page[0], K_BSS);
	add_lane(&data_page[0], K_DATA);
	add_lane(&shared[0], K_SHARED);
	add_lane(&shared[256], K_SHARED);
	if (fd_ok) {
		add_lane(&fdpriv[0], K_FD_PRIV);
		add_lane(&fdpriv[512], K_FD_PRIV);
		add_lane(&shared[512], K_FD_SHARED);
		add_lane(&shared[768], K_FD_SHARED);
	} else {
		tap_diag("stress: no FUTEX_FD on this kernel: no fd lanes");
	}

	/* handlers first: clone() copies them */
	REQUIRE(rt_signal(SIGUSR1, on_usr1) == 0 &&
		rt_signal(SIGUSR2, on_usr2) == 0, "sigaction");

	/* the forkers first, so that their fd tables hold no lane fds */
	for (i = 0; i < NFORKERS; i++)
		REQUIRE(start_unshared(&fork_thr[i], forker,
				       (void *)(long)i) > 0, "clone forker");
	t0 = rt_now_ms();
	for (i = 0; i < nlanes; i++) {
		lanes[i].progress_ms = t0;
		for (s = 0; s < 2; s++) {
			lanes[i].arg[s].l = &lanes[i];
			lanes[i].arg[s].side = s;
			r = thread_start(&lanes[i].thr[s], party,
					 &lanes[i].arg[s], 0);
			REQUIRE(r > 0, "clone party: %s", rt_errname(r));
		}
	}
	REQUIRE(thread_start(&sig_thr, signaller, NULL, 0) > 0,
		"clone signaller");

	/* run; stop early once it has clearly failed */
	for (;;) {
		long bad = cst->wake_hits + cst->wait_hits;

		rt_sleep_ms(100);
		now = rt_now_ms();
		for (i = 0; i < nlanes; i++)
			for (s = 0; s < 2; s++)
				bad += lanes[i].st[s].lost +
				       lanes[i].st[s].spurious +
				       lanes[i].st[s].spurious_ret +
				       lanes[i].st[s].stalls;
		if (now - t0 >= duration * 1000L)
			break;
		if (bad >= EARLY_STOP) {
			tap_diag("stress: %ld failures after %ld ms: stopping "
				 "early", bad, now - t0);
			break;
		}
	}
	WRITE_ONCE(stop, 1);
	elapsed = rt_now_ms() - t0;
	thread_join(&sig_thr);
	for (i = 0; i < NFORKERS; i++)
		thread_join(&fork_thr[i]);
	for (i = 0; i < nlanes; i++)
		for (s = 0; s < 2; s++)
			thread_join(&lanes[i].thr[s]);

	memset(&tot, 0, sizeof(tot));
	for (i = 0; i < nlanes; i++) {
		struct lane *l = &lanes[i];
		long woken = 0, got = 0, passes = 0;

		for (s = 0; s < 2; s++) {
			long *a = (long *)&tot, *b = (long *)&l->st[s];

			for (j = 0; j < (int)(sizeof(tot) / sizeof(long)); j++)
				a[j] += b[j];
			woken += l->st[s].woken;
			got += l->st[s].ret0 + l->st[s].fd_woken;
			passes += l->st[s].passes;
		}
		tap_info("stress: lane %2d %-10s passes %ld woken %ld "
			 "received %ld lost %ld late %ld", i,
			 kind_name[l->kind], passes, woken, got,
			 l->st[0].lost + l->st[1].lost,
			 l->st[0].late + l->st[1].late);
		if (woken != got) {
			mismatches++;
			fdiag("ACCOUNTING lane %d (%s): FUTEX_WAKE reported "
			      "%ld woken, the waiters saw %ld wakeups", i,
			      kind_name[l->kind], woken, got);
		}
		if (passes < MIN_PASSES)
			slow_lanes++;

	}

	tap_diag("stress: ran %ld ms: %d lanes, %d parties, %d forkers, 1 "
		 "signaller", elapsed, nlanes, 2 * nlanes, NFORKERS);
	tap_diag("stress: operations (token passes) %ld, FUTEX_WAKE calls "
		 "%ld, wakeups %ld", tot.passes, tot.wake_calls, tot.woken);
	tap_diag("stress: FUTEX_WAIT calls %ld: woken %ld, EWOULDBLOCK %ld, "
		 "EINTR %ld, ETIMEDOUT %ld", tot.waits, tot.ret0,
		 tot.ewouldblock, tot.eintr, tot.etimedout);
	tap_diag("stress: FUTEX_FDs %ld: woken %ld, poll EINTR %ld, poll "
		 "timeouts %ld, fd signals %ld", tot.fds, tot.fd_woken,
		 tot.fd_eintr, tot.fd_timeouts, (long)fd_signals);
	tap_diag("stress: forks %ld (killed %ld, fork errors %ld), children "
		 "%ld: COW writes %ld, wakes %ld, waits %ld, fds left open %ld",
		 (long)forks, (long)kills, (long)fork_errors,
		 (long)cst->children, (long)cst->cows, (long)cst->wakes,
		 (long)cst->waits, (long)cst->fds);
	tap_diag("stress: signals sent %ld, EINTRs %ld", (long)sig_sent,
		 tot.eintr + tot.fd_eintr);
	spurious = tot.spurious + tot.spurious_ret + cst->wake_hits +
		   cst->wait_hits;
	tap_diag("stress: lost %ld, spurious %ld (FUTEX_WAKE over the count "
		 "or fd woken with no change %ld, FUTEX_WAIT woken with no "
		 "change %ld, fork child's wake woke %ld, fork child woken "
		 "%ld), accounting mismatches %d, stalls %ld, late (benign "
		 "races) %ld, errors %ld", tot.lost, spurious, tot.spurious,
		 tot.spurious_ret, (long)cst->wake_hits, (long)cst->wait_hits,
		 mismatches, tot.stalls, tot.late,
		 tot.other + (long)cst->errors);

	EXPECT(tot.lost == 0, "%ld lost wakeups", tot.lost);
	EXPECT(spurious == 0, "%ld spurious wakeups", spurious);
	EXPECT(mismatches == 0, "%d lanes where FUTEX_WAKE's count and the "
	       "waiters' disagree", mismatches);
	EXPECT(tot.stalls == 0, "%ld stalls", tot.stalls);
	EXPECT(tot.other + cst->errors == 0, "%ld unexpected errors",
	       tot.other + (long)cst->errors);
	if (!tap_failures) {
		/* it ran long enough to mean something */
		EXPECT(slow_lanes == 0, "%d lanes made fewer than %d passes",
		       slow_lanes, MIN_PASSES);
		EXPECT(forks >= 10, "only %ld forks", (long)forks);
		EXPECT(sig_sent >= 10, "only %ld signals", (long)sig_sent);
	}
	return tap_result();
}
