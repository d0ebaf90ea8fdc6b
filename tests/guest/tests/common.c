// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the tests: futex waiter threads, fork and wait.
 */
#include "tests.h"

long futex_wait_ms(volatile int *uaddr, int val, long ms)
{
	struct timespec ts = rt_ms_ts(ms);

	return sys_futex(uaddr, FUTEX_WAIT, val, &ts);
}

static int waiter_fn(void *arg)
{
	struct waiter *w = arg;
	struct timespec ts = rt_ms_ts(w->timeout_ms);
	long t0, r;

	t0 = rt_now_ms();
	WRITE_ONCE(w->started, 1);
	r = sys_futex(w->uaddr, FUTEX_WAIT, w->val,
		      w->timeout_ms ? &ts : NULL);
	w->elapsed_ms = rt_now_ms() - t0;
	w->ret = r;
	barrier();
	WRITE_ONCE(w->done, 1);
	return 0;
}

int waiter_start(struct waiter *w, volatile int *uaddr, int val,
		 long timeout_ms)
{
	long t0;
	int r;

	w->uaddr = uaddr;
	w->val = val;
	w->timeout_ms = timeout_ms;
	w->started = w->done = 0;
	w->ret = 1;
	w->elapsed_ms = 0;
	r = thread_start(&w->thr, waiter_fn, w, 0);
	if (r < 0) {
		tap_diag("clone: %s", rt_errname(r));
		return r;
	}
	t0 = rt_now_ms();
	while (!READ_ONCE(w->started)) {
		if (rt_now_ms() - t0 > 5000) {
			tap_diag("waiter %d did not start", w->thr.tid);
			return -ETIMEDOUT;
		}
		rt_sleep_ms(1);
	}
	r = wait_sleeping(w->thr.tid, 5000);
	if (READ_ONCE(w->done)) {
		tap_diag("waiter %d: FUTEX_WAIT returned %s at once",
			 w->thr.tid, rt_errname(w->ret));
		return -EAGAIN;
	}
	if (r < 0) {
		tap_diag("waiter %d never went to sleep (state %c)",
			 w->thr.tid, proc_state(w->thr.tid));
		return r;
	}
	return 0;
}

long waiter_join(struct waiter *w)
{
	int r = thread_join(&w->thr);

	if (r != 0) {
		tap_diag("waiter thread exit: %d", r);
		return r < 0 ? r : -EIO;
	}
	return w->ret;
}

int waiters_done(struct waiter *w, int count, int n, long ms)
{
	long t0 = rt_now_ms();
	int i, done;

	for (;;) {
		done = 0;
		for (i = 0; i < count; i++)
			done += READ_ONCE(w[i].done);
		if (done >= n || rt_now_ms() - t0 >= ms)
			return done;
		rt_sleep_ms(1);
	}
}

int fork_run(int (*fn)(void *), void *arg)
{
	long pid = sys_fork();

	if (pid == 0)
		sys_exit(fn(arg));
	return pid;
}

int wait_exit(int pid)
{
	int status = 0;
	long r;

	do
		r = sys_wait4(pid, &status, __WALL, NULL);
	while (r == -EINTR);
	if (r < 0)
		return r;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

int fd_readable(long fd)
{
	struct pollfd p = { fd, POLLIN, 0 };
	long r;

	do
		r = sys_poll(&p, 1, 0);
	while (r == -EINTR);
	return r == 1 && (p.revents & POLLIN);
}
