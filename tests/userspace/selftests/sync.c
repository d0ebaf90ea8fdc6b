// SPDX-License-Identifier: GPL-2.0
/*
 * sync.c: linked into Linux's futex selftests (-Wl,--wrap=usleep
 * -Wl,--wrap=pthread_create -Wl,--wrap=syscall), to make their timing
 * a state check.
 *
 * The selftests let the other thread block by sleeping "a while"
 * (usleep(10000) in futex_wait, 3 s in futex_wait_private_mapped_file,
 * 5 s in futex_wait_uninitialized_heap) and then look: on a loaded
 * emulator the other thread may not have got there yet.  Here every
 * usleep() sleeps as asked and then also waits until each thread made
 * by pthread_create is gone, or is inside a futex system call (the
 * syscall() wrapper marks it) and asleep (/proc/<tid>/stat says S):
 * the way tests/guest's waiters are known to sleep.  Not just "not
 * running": a thread may sleep in a write to the output pipe first.
 * That is what the upstream sleep stands for; nothing is shortened, no
 * futex call is made, repeated or changed.  A thread still not there
 * after 60 s: a line on stderr, and usleep returns (the test then
 * judges what it sees).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "../proc_state.h"

#define MAXT		64
#define RUNNING_MS	60000

int __real_usleep(useconds_t us);
long __real_syscall(long n, ...);
int __real_pthread_create(pthread_t *t, const pthread_attr_t *attr,
			  void *(*fn)(void *), void *arg);

static volatile int tids[MAXT];	/* 0: not started yet; -1: none */
static volatile int in_futex[MAXT];	/* inside a futex system call */
static volatile int nthreads;
static __thread volatile int *my_in_futex;	/* the thread's in_futex */

struct start {
	void *(*fn)(void *);
	void *arg;
	int i;
};

static void *start(void *p)
{
	struct start s = *(struct start *)p;

	free(p);
	my_in_futex = &in_futex[s.i];
	tids[s.i] = syscall(SYS_gettid);
	return s.fn(s.arg);
}

/* the selftests' futex calls (futextest.h: syscall(SYS_futex, ...)) */
long __wrap_syscall(long n, ...)
{
	volatile int *mark = n == SYS_futex || n == SYS_futex_time64 ?
			     my_in_futex : NULL;
	long a[6], r;
	va_list ap;
	int i;

	va_start(ap, n);
	for (i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (mark)
		*mark = 1;
	r = __real_syscall(n, a[0], a[1], a[2], a[3], a[4], a[5]);
	if (mark)
		*mark = 0;
	return r;
}

int __wrap_pthread_create(pthread_t *t, const pthread_attr_t *attr,
			  void *(*fn)(void *), void *arg)
{
	struct start *s = malloc(sizeof(*s));
	int i = __sync_fetch_and_add(&nthreads, 1), r;

	if (!s || i >= MAXT) {
		fprintf(stderr, "selftest-sync: too many threads\n");
		abort();
	}
	s->fn = fn;
	s->arg = arg;
	s->i = i;
	r = __real_pthread_create(t, attr, start, s);
	if (r) {
		tids[i] = -1;
		free(s);
	}
	return r;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

int __wrap_usleep(useconds_t us)
{
	struct timespec nap = { 0, 1000000 };
	int r = __real_usleep(us), i, tid;
	long t0 = now_ms();
	char st;

	for (i = 0; i < nthreads && i < MAXT; i++) {
		for (;;) {
			tid = tids[i];
			if (tid < 0)
				break;
			if (tid > 0) {
				st = proc_state(tid);
				if (!st || st == 'Z' || st == 'X' ||
				    (in_futex[i] && st == 'S'))
					break;
			}
			if (now_ms() - t0 > RUNNING_MS) {
				fprintf(stderr, "selftest-sync: thread %d not "
					"asleep in a futex %d ms after "
					"usleep(%u)\n", tid, RUNNING_MS,
					(unsigned int)us);
				break;
			}
			nanosleep(&nap, NULL);
		}
	}
	return r;
}
