// SPDX-License-Identifier: GPL-2.0
/*
 * Threads (CLONE_VM children) and "is that task asleep yet?".
 */
#include "thread.h"

long rt_clone(unsigned long flags, void *stack_top, volatile int *tidp,
	      int (*fn)(void *), void *arg);

int thread_start(struct rt_thread *t, int (*fn)(void *), void *arg,
		 unsigned long extra_flags)
{
	return thread_start_flags(t, fn, arg, THREAD_FLAGS | extra_flags);
}

int thread_start_flags(struct rt_thread *t, int (*fn)(void *), void *arg,
		       unsigned long flags)
{
	long r;

	t->tid = 0;
	t->ctid = 0;
	t->stack = rt_map(THREAD_STACK_SIZE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS);
	if (!t->stack)
		return -ENOMEM;
	r = rt_clone(flags, (char *)t->stack + THREAD_STACK_SIZE, &t->ctid,
		     fn, arg);
	if (r < 0) {
		sys_munmap(t->stack, THREAD_STACK_SIZE);
		t->stack = NULL;
		return r;
	}
	t->tid = r;
	return r;
}

int thread_join(struct rt_thread *t)
{
	int status = 0;
	long r;

	if (t->tid <= 0)
		return -ESRCH;
	do
		r = sys_wait4(t->tid, &status, __WALL, NULL);
	while (r == -EINTR);
	if (r < 0)
		return r;
	t->tid = 0;
	/* the thread is gone, nothing runs on its stack any more */
	sys_munmap(t->stack, THREAD_STACK_SIZE);
	t->stack = NULL;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

char proc_state(int pid)
{
	char path[32], buf[512], *p;

	rt_snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (rt_read_file(path, buf, sizeof(buf)) <= 0)
		return 0;
	/* "pid (comm) S ...": comm may contain anything, take the last ')' */
	p = NULL;
	for (char *q = buf; *q; q++)
		if (*q == ')')
			p = q;
	if (!p || p[1] != ' ')
		return 0;
	return p[2];
}

/*
 * A task that announced "about to FUTEX_WAIT" and is then seen sleeping
 * is inside futex_wait(): there is nothing else it could sleep in.  The
 * state is sampled twice, 20 ms apart, because on SMP 2.5.38 sets
 * TASK_INTERRUPTIBLE (visible as 'S') a few instructions before it has
 * queued itself on the futex hash.  Without /proc (or without the task)
 * nothing can be known: that is a failure, never a guess.
 */
int wait_sleeping(int pid, long timeout_ms)
{
	long start = rt_now_ms();
	int seen = 0;
	char st;

	for (;;) {
		st = proc_state(pid);
		if (!st)
			return -ENOENT;	/* no /proc/<pid>/stat to read */
		if (st == 'S') {
			if (seen)
				return 0;
			seen = 1;
			rt_sleep_ms(20);
			continue;
		}
		seen = 0;
		if (rt_now_ms() - start >= timeout_ms)
			return -ETIMEDOUT;
		rt_sleep_ms(1);
	}
}
