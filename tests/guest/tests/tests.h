/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarations shared by the tests and the runner.
 */
#ifndef TESTS_TESTS_H
#define TESTS_TESTS_H

#include "../rt/rt.h"
#include "../rt/tap.h"
#include "../rt/thread.h"

/* test flags (list.h) */
#define TF_TODO_COW	0x1
#define TF_TODO_PRIV	0x2
#define TF_TODO_WIDTH	0x4

#define TODO_COW_REASON	"lost wakeup after COW (fixed by the series)"
#define TODO_PRIV_REASON "private futex woken from another process " \
			 "(fixed by the series)"
#define TODO_WIDTH_REASON "int sys_futex() and sys_pause() of 2.5.38, " \
			  "zero-extended on x86_64 (not the series')"

/* every test function, from the table */
#define T(name, groups, timeout, flags) int name(void);
#include "list.h"
#undef T

/*
 * How long a waiter sleeps in FUTEX_WAIT before it gives up: a lost
 * wakeup shows as -ETIMEDOUT after this, well before the runner's
 * per-test kill.
 */
#define WAITER_TIMEOUT_MS	2000

/*
 * A thread sleeping in FUTEX_WAIT(uaddr, val, timeout).  The structure
 * must not be in the futex's page: the point of several tests is which
 * page that is.
 */
struct waiter {
	volatile int *uaddr;
	int val;
	long timeout_ms;		/* 0: wait without a timeout */
	volatile int started;		/* about to call FUTEX_WAIT */
	volatile int done;		/* FUTEX_WAIT returned */
	volatile long ret;		/* ... with this */
	volatile long elapsed_ms;
	struct rt_thread thr;
};

/*
 * Start a waiter and return once it sleeps in the kernel (0), or a
 * negative errno: -ETIMEDOUT if it never went to sleep, -EAGAIN if its
 * FUTEX_WAIT returned at once (its ret says why).  Failures are already
 * reported with tap_diag().
 */
int waiter_start(struct waiter *w, volatile int *uaddr, int val,
		 long timeout_ms);
/* reap it; returns its FUTEX_WAIT result (or the join error) */
long waiter_join(struct waiter *w);
/* wait up to ms for at least n of the waiters to be done; return the
 * number done */
int waiters_done(struct waiter *w, int count, int n, long ms);

/* FUTEX_WAIT with a timeout in milliseconds */
long futex_wait_ms(volatile int *uaddr, int val, long ms);

/* fork(), with the child running fn(arg) and exiting with its result */
int fork_run(int (*fn)(void *), void *arg);
/* waitpid(); the exit code, 128 + signal, or a negative errno */
int wait_exit(int pid);

/* in a test: SKIP when FUTEX_FD's result r is ENOSYS on a host kernel
 * (FUTEX_FD is gone from modern kernels), never on 2.5.38 */
#define SKIP_NO_FUTEX_FD(r) do {					\
	if ((r) == -ENOSYS && tap_host)					\
		SKIP("FUTEX_FD: ENOSYS on this host kernel");		\
} while (0)

/* 1 if fd polls readable now (a woken FUTEX_FD), else 0 */
int fd_readable(long fd);

#endif /* TESTS_TESTS_H */
