// SPDX-License-Identifier: GPL-2.0
/*
 * Group "basic": the futex semantics of 2.5.38 kernel/futex.c that do
 * not involve copy-on-write.  Expected results are derived from the
 * 2.5.38 source:
 *
 *  - sys_futex() checks alignment first (-EINVAL: uaddr not 4-aligned,
 *    or the int crosses a page), then pins the page with
 *    get_user_pages() (-EFAULT: no vma, or no VM_READ), and only then
 *    looks at op (-EINVAL for an unknown op).
 *  - FUTEX_WAIT queues itself, then re-reads *uaddr: -EWOULDBLOCK if it
 *    is not val; else sleeps (TASK_INTERRUPTIBLE) up to
 *    timespec_to_jiffies(utime) + 1 jiffies: -ETIMEDOUT, -EINTR on a
 *    signal (not restarted), 0 when woken.
 *  - FUTEX_WAKE wakes up to val waiters, oldest first, and returns how
 *    many.
 *  - FUTEX_FD queues a one-shot waiter owned by a new fd: no value
 *    check; poll() says POLLIN once it has been woken; a nonzero val is
 *    a signal (1.._NSIG) sent F_SETOWN/F_SETSIG style to the creating
 *    process (current->tgid) on wakeup; close() unqueues it.
 *
 * On a modern host kernel (FUTEXTEST_HOST=1) FUTEX_FD no longer exists
 * (-ENOSYS since 2.6.26) and unknown ops give -ENOSYS; only those
 * differences are tolerated, and only in host mode.
 */
#include "tests.h"

static int *page_or_die(void)
{
	int *p = rt_private_page();

	if (!p)
		tap_diag("mmap of a private page failed");
	return p;
}

int basic_wrong_value(void)
{
	volatile int *f = page_or_die();

	REQUIRE(f, "no page");
	f[0] = 1;
	EXPECT_ERR(futex_wait_ms(f, 0, 1000), EWOULDBLOCK,
		   "FUTEX_WAIT(val 0) on a word holding 1");
	f[0] = 0x10000;
	EXPECT_ERR(futex_wait_ms(f, 0, 1000), EWOULDBLOCK,
		   "FUTEX_WAIT(val 0) on a word holding 0x10000");
	f[0] = -1;
	EXPECT_ERR(futex_wait_ms(f, INT_MAX, 1000), EWOULDBLOCK,
		   "FUTEX_WAIT(val INT_MAX) on a word holding -1");
	return tap_result();
}

int basic_wake_none(void)
{
	static int bss_word;
	volatile int stack_word = 0;
	volatile int *f = page_or_die();

	REQUIRE(f, "no page");
	EXPECT_ERR(sys_futex(f, FUTEX_WAKE, 1, NULL), 0,
		   "FUTEX_WAKE(1) without waiters");
	EXPECT_ERR(sys_futex(f, FUTEX_WAKE, INT_MAX, NULL), 0,
		   "FUTEX_WAKE(INT_MAX) without waiters");
	bss_word = 0;
	EXPECT_ERR(sys_futex(&bss_word, FUTEX_WAKE, 1, NULL), 0,
		   "FUTEX_WAKE(1) on a .bss word");
	EXPECT_ERR(sys_futex(&stack_word, FUTEX_WAKE, 1, NULL), 0,
		   "FUTEX_WAKE(1) on a stack word");
	return tap_result();
}

int basic_timeout(void)
{
	struct timespec zero = { 0, 0 };
	volatile int *f = page_or_die();
	long t0, dt, r;

	REQUIRE(f, "no page");
	f[0] = 0;
	t0 = rt_now_ms();
	r = futex_wait_ms(f, 0, 200);
	dt = rt_now_ms() - t0;
	EXPECT_ERR(r, ETIMEDOUT, "FUTEX_WAIT, 200 ms timeout");
	/*
	 * It really waited: 2.5.38 sleeps timespec_to_jiffies() + 1
	 * jiffies; be lenient about the clock of an emulated machine.  No
	 * upper bound: a loaded host may run us late, and a wait that never
	 * ends is the runner's timeout.
	 */
	EXPECT(dt >= 150,
	       "FUTEX_WAIT with a 200 ms timeout returned after %ld ms", dt);
	tap_info("200 ms timeout: slept %ld ms", dt);

	t0 = rt_now_ms();
	r = sys_futex(f, FUTEX_WAIT, 0, &zero);
	dt = rt_now_ms() - t0;
	EXPECT_ERR(r, ETIMEDOUT, "FUTEX_WAIT, zero timeout");
	tap_info("zero timeout: returned after %ld ms", dt);
	return tap_result();
}

int basic_efault(void)
{
	volatile int *f = page_or_die();
	volatile int *hole, *none;
	volatile int *kernel = (volatile int *)KERNEL_ADDR;

	REQUIRE(f, "no page");
	hole = rt_map(PAGE_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS);
	REQUIRE(hole, "mmap");
	sys_munmap((void *)hole, PAGE_SIZE);
	none = rt_map(PAGE_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS);
	REQUIRE(none, "mmap PROT_NONE");

	EXPECT_ERR(futex_wait_ms(NULL, 0, 100), EFAULT, "FUTEX_WAIT(NULL)");
	EXPECT_ERR(sys_futex(NULL, FUTEX_WAKE, 1, NULL), EFAULT,
		   "FUTEX_WAKE(NULL)");
	EXPECT_ERR(futex_wait_ms(hole, 0, 100), EFAULT,
		   "FUTEX_WAIT on an unmapped page");
	EXPECT_ERR(sys_futex(hole, FUTEX_WAKE, 1, NULL), EFAULT,
		   "FUTEX_WAKE on an unmapped page");
	/* 2.5.38: no vma above TASK_SIZE, get_user_pages() fails */
	EXPECT_ERR(futex_wait_ms(kernel, 0, 100), EFAULT,
		   "FUTEX_WAIT at " KERNEL_ADDR_STR);
	EXPECT_ERR(sys_futex(kernel, FUTEX_WAKE, 1, NULL), EFAULT,
		   "FUTEX_WAKE at " KERNEL_ADDR_STR);
	/* get_user_pages() wants VM_READ */
	EXPECT_ERR(futex_wait_ms(none, 0, 100), EFAULT,
		   "FUTEX_WAIT on a PROT_NONE page");
	/* the timeout is copied in first */
	f[0] = 0;
	EXPECT_ERR(sys_futex(f, FUTEX_WAIT, 0, (struct timespec *)hole),
		   EFAULT, "FUTEX_WAIT with an unmapped timespec");
	sys_munmap((void *)none, PAGE_SIZE);
	return tap_result();
}

int basic_einval(void)
{
	char *p = (char *)page_or_die();
	unsigned int off;
	char what[64];

	REQUIRE(p, "no page");
	for (off = 1; off < 4; off++) {
		rt_snprintf(what, sizeof(what), "FUTEX_WAIT at page+%u", off);
		EXPECT_ERR(futex_wait_ms((int *)(p + off), 0, 100), EINVAL,
			   what);
		rt_snprintf(what, sizeof(what), "FUTEX_WAKE at page+%u", off);
		EXPECT_ERR(sys_futex((int *)(p + off), FUTEX_WAKE, 1, NULL),
			   EINVAL, what);
	}
	/* an int crossing into the next page (which is not ours) */
	EXPECT_ERR(futex_wait_ms((int *)(p + PAGE_SIZE - 2), 0, 100), EINVAL,
		   "FUTEX_WAIT at page+4094");
	/* alignment is checked before the address is looked at */
	EXPECT_ERR(futex_wait_ms((int *)1, 0, 100), EINVAL,
		   "FUTEX_WAIT at address 1");
	if (!tap_host)
		EXPECT_ERR(sys_futex((int *)(p + 2), FUTEX_FD, 0, NULL),
			   EINVAL, "FUTEX_FD at page+2");
	return tap_result();
}

int basic_bad_op(void)
{
	static const int ops[] = { 64, 127, 0x7fffffff, -1 };
	volatile int *f = page_or_die();
	unsigned int i;
	long r;

	REQUIRE(f, "no page");
	f[0] = 0;
	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		r = sys_futex(f, ops[i], 0, NULL);
		/* later kernels say ENOSYS for an unknown op */
		if (tap_host && r == -ENOSYS)
			continue;
		EXPECT(r == -EINVAL, "op %d: got %s (%ld), want EINVAL",
		       ops[i], rt_errname(r), r);
	}
	return tap_result();
}

static volatile int eintr_hits;

static void eintr_handler(int sig)
{
	(void)sig;
	eintr_hits++;
}

int basic_eintr(void)
{
	volatile int *f = page_or_die();
	struct waiter w;
	long r;

	REQUIRE(f, "no page");
	f[0] = 0;
	/* installed before the clone, so the waiter has it too */
	REQUIRE(rt_signal(SIGUSR1, eintr_handler) == 0, "sigaction");
	REQUIRE(waiter_start(&w, f, 0, 5000) == 0, "waiter did not sleep");
	EXPECT_ERR(sys_kill(w.thr.tid, SIGUSR1), 0, "kill(waiter, SIGUSR1)");
	r = waiter_join(&w);
	EXPECT_ERR(r, EINTR, "FUTEX_WAIT interrupted by a signal");
	EXPECT_EQ(eintr_hits, 1, "handler calls");
	/* EINTR, not ETIMEDOUT, already says the signal ended the wait */
	tap_info("the signal ended the wait after %ld ms", (long)w.elapsed_ms);
	return tap_result();
}

#define NWAITERS 4

int basic_wake_threads(void)
{
	static struct waiter w[NWAITERS];
	volatile int *f = page_or_die();
	int i, done;
	long r;

	REQUIRE(f, "no page");
	f[0] = 0;
	for (i = 0; i < NWAITERS; i++)
		REQUIRE(waiter_start(&w[i], f, 0, 5000) == 0,
			"waiter %d did not sleep", i);

	r = sys_futex(f, FUTEX_WAKE, 2, NULL);
	EXPECT_EQ(r, 2, "FUTEX_WAKE(2) with 4 waiters");
	/*
	 * The two it woke finish; the others must still be asleep: a
	 * waiter that was woken is running or done by the time FUTEX_WAKE
	 * has returned, so its state says so, no grace period needed.
	 */
	waiters_done(w, NWAITERS, 2, WAITER_TIMEOUT_MS);
	done = 0;
	for (i = 0; i < NWAITERS; i++) {
		char st;

		if (READ_ONCE(w[i].done)) {
			done++;
			continue;
		}
		st = proc_state(w[i].thr.tid);
		EXPECT(st == 'S', "waiter %d is not asleep after FUTEX_WAKE(2) "
		       "(state %c)", i, st ? st : '-');
	}
	EXPECT_EQ(done, 2, "waiters returned after FUTEX_WAKE(2)");

	r = sys_futex(f, FUTEX_WAKE, INT_MAX, NULL);
	EXPECT_EQ(r, NWAITERS - 2, "FUTEX_WAKE(INT_MAX) with the rest");
	for (i = 0; i < NWAITERS; i++) {
		char what[48];

		rt_snprintf(what, sizeof(what), "waiter %d FUTEX_WAIT", i);
		EXPECT_ERR(waiter_join(&w[i]), 0, what);
	}
	EXPECT_ERR(sys_futex(f, FUTEX_WAKE, INT_MAX, NULL), 0,
		   "FUTEX_WAKE(INT_MAX) with nobody left");
	return tap_result();
}

/* a wake hits only the waiters of that very word */
int basic_wake_addr(void)
{
	static struct waiter w[3];
	volatile int *p = page_or_die(), *q = page_or_die();
	volatile int *addr[3];
	int i, done[3];
	char st[3];

	REQUIRE(p && q, "no page");
	addr[0] = &p[0];	/* the target */
	addr[1] = &p[1];	/* same page, next word */
	addr[2] = &q[0];	/* another page, same offset */
	for (i = 0; i < 3; i++) {
		*addr[i] = 0;
		REQUIRE(waiter_start(&w[i], addr[i], 0, 5000) == 0,
			"waiter %d did not sleep", i);
	}
	EXPECT_EQ(sys_futex(addr[0], FUTEX_WAKE, INT_MAX, NULL), 1,
		  "FUTEX_WAKE(INT_MAX) of one of three words");
	/* the target finishes; the others are still asleep (see above) */
	waiters_done(w, 1, 1, WAITER_TIMEOUT_MS);
	for (i = 0; i < 3; i++) {
		st[i] = proc_state(w[i].thr.tid);
		done[i] = READ_ONCE(w[i].done);
	}
	EXPECT(done[0] && !done[1] && st[1] == 'S' && !done[2] && st[2] == 'S',
	       "woken: target %d, same page %d (state %c), other page %d "
	       "(state %c); want 1 0 (S) 0 (S)", done[0], done[1],
	       st[1] ? st[1] : '-', done[2], st[2] ? st[2] : '-');
	EXPECT_EQ(sys_futex(addr[2], FUTEX_WAKE, 1, NULL), 1,
		  "FUTEX_WAKE(1) of the other page's word");
	EXPECT_EQ(sys_futex(addr[1], FUTEX_WAKE, 1, NULL), 1,
		  "FUTEX_WAKE(1) of the neighbouring word");
	for (i = 0; i < 3; i++) {
		char what[48];

		rt_snprintf(what, sizeof(what), "waiter %d FUTEX_WAIT", i);
		EXPECT_ERR(waiter_join(&w[i]), 0, what);
	}
	return tap_result();
}

/*
 * Cross-process wakeups through a shared page: a MAP_SHARED mapping is
 * the same page in both processes, before and after any write.
 * Layout: [0] the futex, [16] child ready, [32] child's result.
 */
static int shared_child_waits(void *arg)
{
	volatile int *s = arg;

	WRITE_ONCE(s[16], 1);
	s[32] = futex_wait_ms(s, 0, WAITER_TIMEOUT_MS);
	return 0;
}

static int shared_child_wakes(void *arg)
{
	volatile int *s = arg;

	s[0] = 2;
	return sys_futex(s, FUTEX_WAKE, 1, NULL);
}

static int shared_wakeups(volatile int *s, const char *what)
{
	struct waiter w;
	long t0;
	int pid, r;

	/* 1. the child waits, the parent wakes */
	s[0] = 0;
	s[16] = 0;
	s[32] = 1;
	pid = fork_run(shared_child_waits, (void *)s);
	REQUIRE(pid > 0, "fork: %s", rt_errname(pid));
	t0 = rt_now_ms();
	while (!READ_ONCE(s[16]) && rt_now_ms() - t0 < 5000)
		rt_sleep_ms(1);
	REQUIRE(READ_ONCE(s[16]), "%s: the child did not start", what);
	r = wait_sleeping(pid, 5000);
	REQUIRE(r == 0, "%s: the child never slept: %s", what, rt_errname(r));
	s[0] = 1;
	r = sys_futex(s, FUTEX_WAKE, 1, NULL);
	EXPECT_EQ(wait_exit(pid), 0, "child exit");
	EXPECT_EQ(r, 1, "FUTEX_WAKE of the child's waiter");
	EXPECT(s[32] == 0, "%s: the child's FUTEX_WAIT returned %s, want 0",
	       what, rt_errname(s[32]));

	/* 2. a parent thread waits, the child wakes */
	s[0] = 0;
	REQUIRE(waiter_start(&w, s, 0, WAITER_TIMEOUT_MS) == 0,
		"waiter did not sleep");
	pid = fork_run(shared_child_wakes, (void *)s);
	REQUIRE(pid > 0, "fork: %s", rt_errname(pid));
	EXPECT_EQ(wait_exit(pid), 1, "FUTEX_WAKE by the child (its exit code)");
	EXPECT_ERR(waiter_join(&w), 0, "parent waiter woken by the child");
	return tap_result();
}

int basic_shared_anon(void)
{
	volatile int *s = rt_map(PAGE_SIZE, PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS);

	REQUIRE(s, "mmap MAP_SHARED|MAP_ANONYMOUS");
	return shared_wakeups(s, "MAP_SHARED|MAP_ANONYMOUS");
}

int basic_shared_shm(void)
{
	unsigned long addr = 0;
	long id, r;

	id = sys_shmget(IPC_PRIVATE, PAGE_SIZE, IPC_CREAT | 0600);
	if (id == -ENOSYS)
		SKIP("SysV IPC not in this kernel (CONFIG_SYSVIPC)");
	REQUIRE(id >= 0, "shmget: %s", rt_errname(id));
	r = sys_shmat(id, NULL, 0, &addr);
	/* mark it for removal now: it goes away with the last detach */
	sys_shmctl(id, IPC_RMID, NULL);
	REQUIRE(r == 0 && addr, "shmat: %s", rt_errname(r));
	r = shared_wakeups((volatile int *)addr, "SysV shm");
	sys_shmdt((void *)addr);
	return r;
}

/* FUTEX_WAIT(4) and (5), then a waiter woken, on a word holding 5 */
static void readonly_wakeup(volatile int *f, const char *what)
{
	struct waiter w;
	char msg[96];
	int v = f[0];

	rt_snprintf(msg, sizeof(msg), "%s: FUTEX_WAIT(wrong value)", what);
	EXPECT_ERR(futex_wait_ms(f, v - 1, 1000), EWOULDBLOCK, msg);
	rt_snprintf(msg, sizeof(msg), "%s: FUTEX_WAIT(value), 50 ms", what);
	EXPECT_ERR(futex_wait_ms(f, v, 50), ETIMEDOUT, msg);
	if (waiter_start(&w, f, v, WAITER_TIMEOUT_MS) < 0) {
		EXPECT(0, "%s: waiter did not sleep", what);
		return;
	}
	rt_snprintf(msg, sizeof(msg), "%s: FUTEX_WAKE", what);
	EXPECT_EQ(sys_futex(f, FUTEX_WAKE, 1, NULL), 1, msg);
	rt_snprintf(msg, sizeof(msg), "%s: the waiter's FUTEX_WAIT", what);
	EXPECT_ERR(waiter_join(&w), 0, msg);
}

/*
 * A read-only private mapping of a file of our own holding 5: a page
 * cache page is keyed by the file (inode, offset) in later kernels and
 * by the page in 2.5.38, so it must not be a file that a concurrent
 * run of the tests might use as well (such as this program).
 */
static volatile int *map_file_ro(void)
{
	char path[48], page[PAGE_SIZE];
	volatile int *p;
	long fd, r;

	memset(page, 0, sizeof(page));
	((int *)page)[0] = 5;
	rt_snprintf(path, sizeof(path), "/tmp/futextest.%ld", sys_getpid());
	fd = sys_open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) {
		tap_diag("open %s: %s", path, rt_errname(fd));
		return NULL;
	}
	sys_unlink(path);
	r = rt_write_all(fd, page, sizeof(page));
	p = sys_mmap(NULL, PAGE_SIZE, PROT_READ, MAP_PRIVATE, fd, 0);
	sys_close(fd);
	if (r != sizeof(page) || IS_ERR_VALUE(p)) {
		tap_diag("write/mmap %s: %s", path,
			 rt_errname(r < 0 ? r : (long)p));
		return NULL;
	}
	return p;
}

/*
 * get_user_pages(write=0): waiting and waking need only VM_READ, on an
 * anonymous page made read-only and on a read-only private mapping of
 * a file.
 */
int basic_readonly(void)
{
	volatile int *f = page_or_die(), *file;

	REQUIRE(f, "no page");
	f[0] = 5;
	REQUIRE(sys_mprotect((void *)f, PAGE_SIZE, PROT_READ) == 0,
		"mprotect");
	/* since 2.6.3x, a futex in read-only anonymous memory is EFAULT */
	if (tap_host && futex_wait_ms(f, 4, 1000) == -EFAULT)
		tap_diag("host kernel: read-only anonymous futex is EFAULT");
	else
		readonly_wakeup(f, "anonymous page");

	file = map_file_ro();
	REQUIRE(file, "no file mapping");
	readonly_wakeup(file, "file page");
	sys_munmap((void *)file, PAGE_SIZE);
	return tap_result();
}

/* the joiner: "about to FUTEX_WAIT on the tid word", and its pid */
static struct {
	volatile int waiting;
	int pid;
} joiner;

/* exit only once the joiner sleeps on the tid word */
static int exit_under_joiner(void *arg)
{
	long t0 = rt_now_ms();
	int r;

	(void)arg;
	while (!READ_ONCE(joiner.waiting)) {
		if (rt_now_ms() - t0 > 5000) {
			tap_diag("the joiner did not get to its FUTEX_WAIT");
			return 1;
		}
		rt_sleep_ms(1);
	}
	r = wait_sleeping(joiner.pid, 5000);
	if (r < 0) {
		tap_diag("the joiner never slept on the tid word: %s (state %c)",
			 rt_errname(r), proc_state(joiner.pid) ?
			 proc_state(joiner.pid) : '-');
		return 2;
	}
	return 7;
}

/*
 * Thread join the NPTL way: CLONE_SETTID stores the tid in the word,
 * and on exit CLONE_CLEARTID has the kernel store 0 there and
 * FUTEX_WAKE it (2.5.38 mm_release()).  The thread exits only once the
 * joiner is seen asleep in its FUTEX_WAIT on the word, so it is that
 * wake, and nothing else, that must end the wait.
 */
int basic_cleartid(void)
{
	static struct rt_thread t;
	long tid, r;
	int v;

	joiner.waiting = 0;
	joiner.pid = sys_getpid();
	tid = thread_start(&t, exit_under_joiner, NULL,
			   CLONE_SETTID | CLONE_CLEARTID);
	REQUIRE(tid > 0, "clone: %s", rt_errname(tid));
	v = READ_ONCE(t.ctid);
	EXPECT(v == tid || v == 0, "CLONE_SETTID: tid word %d, want %ld",
	       v, tid);
	WRITE_ONCE(joiner.waiting, 1);
	r = futex_wait_ms(&t.ctid, v, WAITER_TIMEOUT_MS);
	EXPECT_ERR(r, 0, "FUTEX_WAIT on the tid word, to be woken by the "
		   "thread's exit (CLONE_CLEARTID)");
	EXPECT_EQ(READ_ONCE(t.ctid), 0, "tid word after the thread exited");
	EXPECT_EQ(thread_join(&t), 7, "thread exit code");
	return tap_result();
}

/* FUTEX_FD (removed in 2.6.26) */
static long futex_fd(volatile int *f, int sig)
{
	return sys_futex(f, FUTEX_FD, sig, NULL);
}

int basic_fd_poll(void)
{
	volatile int *f = page_or_die();
	struct pollfd p;
	long fd, r;

	REQUIRE(f, "no page");
	f[0] = 0;
	fd = futex_fd(f, 0);
	SKIP_NO_FUTEX_FD(fd);
	REQUIRE(fd >= 0, "FUTEX_FD: %s", rt_errname(fd));

	p.fd = fd;
	p.events = POLLIN;
	p.revents = 0;
	EXPECT_EQ(sys_poll(&p, 1, 0), 0, "poll() before the wake");
	EXPECT_EQ(sys_futex(f, FUTEX_WAKE, INT_MAX, NULL), 1,
		  "FUTEX_WAKE with one FUTEX_FD waiter");
	p.revents = 0;
	r = sys_poll(&p, 1, 1000);
	EXPECT(r == 1 && (p.revents & POLLIN),
	       "poll() after the wake: %ld, revents %x", r, p.revents);
	/* one-shot: the fd is no longer queued, but stays readable */
	EXPECT_EQ(sys_futex(f, FUTEX_WAKE, INT_MAX, NULL), 0,
		  "second FUTEX_WAKE");
	EXPECT(fd_readable(fd), "fd no longer readable after a second wake");
	EXPECT_ERR(sys_close(fd), 0, "close");
	return tap_result();
}

static volatile int sig_hits, sig_signo, sig_code, sig_fd, sig_pid;
static volatile long sig_band;

static void fd_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	sig_signo = sig;
	sig_code = si->si_code;
	sig_fd = si->u.poll.fd;
	sig_band = si->u.poll.band;
	sig_pid = sys_getpid();
	sig_hits++;
}

static int wake_one(void *arg)
{
	return sys_futex(arg, FUTEX_WAKE, 1, NULL);
}

/*
 * FUTEX_FD with a signal: futex_fd() does f_setown(filp, current->tgid)
 * and f_owner.signum = sig, so the wake (here from another thread, i.e.
 * another pid) sends sig with POLL_IN / si_fd to the fd's creator.
 */
int basic_fd_signal(void)
{
	static struct rt_thread t;
	volatile int *f = page_or_die();
	struct pollfd p;
	long fd, r, t0;

	REQUIRE(f, "no page");
	f[0] = 0;
	REQUIRE(rt_sigaction_info(SIGUSR1, fd_handler) == 0, "sigaction");
	fd = futex_fd(f, SIGUSR1);
	SKIP_NO_FUTEX_FD(fd);
	REQUIRE(fd >= 0, "FUTEX_FD(SIGUSR1): %s", rt_errname(fd));
	EXPECT(!fd_readable(fd), "readable before the wake");

	REQUIRE(thread_start(&t, wake_one, (void *)f, 0) > 0, "clone");
	t0 = rt_now_ms();
	do {
		p.fd = fd;
		p.events = POLLIN;
		p.revents = 0;
		r = sys_poll(&p, 1, 2000);	/* the signal may cut it short */
	} while (r == -EINTR && rt_now_ms() - t0 < 2000);
	EXPECT(r == 1 && (p.revents & POLLIN),
	       "poll() after the wake: %s, revents %x",
	       r < 0 ? rt_errname(r) : "ok", p.revents);
	EXPECT_EQ(thread_join(&t), 1, "FUTEX_WAKE in the other thread");

	t0 = rt_now_ms();
	while (!READ_ONCE(sig_hits) && rt_now_ms() - t0 < 1000)
		rt_sleep_ms(1);
	EXPECT_EQ(sig_hits, 1, "signals received");
	if (sig_hits) {
		EXPECT_EQ(sig_signo, SIGUSR1, "signal number");
		EXPECT_EQ(sig_code, POLL_IN, "si_code");
		EXPECT_EQ(sig_fd, fd, "si_fd");
		EXPECT(sig_band & POLLIN, "si_band %lx lacks POLLIN",
		       (long)sig_band);
		EXPECT_EQ(sig_pid, sys_getpid(),
			  "pid that got the signal (the fd's creator)");
	}
	sys_close(fd);
	return tap_result();
}

int basic_fd_badsig(void)
{
	static const int sigs[] = { -1, _NSIG + 1, 1000 };
	volatile int *f = page_or_die();
	unsigned int i;
	char what[48];
	long r;

	REQUIRE(f, "no page");
	for (i = 0; i < ARRAY_SIZE(sigs); i++) {
		r = futex_fd(f, sigs[i]);
		SKIP_NO_FUTEX_FD(r);
		rt_snprintf(what, sizeof(what), "FUTEX_FD(signal %d)", sigs[i]);
		EXPECT_ERR(r, EINVAL, what);
		if (r >= 0)
			sys_close(r);
	}
	/* nothing may have been left queued by the failed calls */
	EXPECT_ERR(sys_futex(f, FUTEX_WAKE, INT_MAX, NULL), 0,
		   "FUTEX_WAKE after the failed FUTEX_FDs");
	return tap_result();
}

int basic_fd_close(void)
{
	volatile int *f = page_or_die();
	long fd, a, b;

	REQUIRE(f, "no page");
	f[0] = 0;
	fd = futex_fd(f, 0);
	SKIP_NO_FUTEX_FD(fd);
	REQUIRE(fd >= 0, "FUTEX_FD: %s", rt_errname(fd));
	EXPECT_ERR(sys_close(fd), 0, "close");
	EXPECT_ERR(sys_futex(f, FUTEX_WAKE, INT_MAX, NULL), 0,
		   "FUTEX_WAKE after closing the only FUTEX_FD waiter");

	/* two fds: FUTEX_WAKE(1) wakes the older one first */
	a = futex_fd(f, 0);
	b = futex_fd(f, 0);
	REQUIRE(a >= 0 && b >= 0, "FUTEX_FD: %s", rt_errname(a < 0 ? a : b));
	EXPECT_EQ(sys_futex(f, FUTEX_WAKE, 1, NULL), 1, "first FUTEX_WAKE(1)");
	EXPECT(fd_readable(a) && !fd_readable(b), "after one wake: readable %d %d,"
	       " want 1 0", fd_readable(a), fd_readable(b));
	EXPECT_EQ(sys_futex(f, FUTEX_WAKE, 1, NULL), 1, "second FUTEX_WAKE(1)");
	EXPECT(fd_readable(b), "second fd not readable after the second wake");
	sys_close(a);
	sys_close(b);
	return tap_result();
}
