// SPDX-License-Identifier: GPL-2.0
/*
 * adapter_check: the ABI adapter itself, in the guest (us_adapter_check,
 * group userspace: it must pass on every kernel).  Each bridge of
 * abi-2.5.38.h is used once through musl's entry (call *%gs:16) with
 * known values in every register, and the registers are checked after
 * (musl's inline asm relies on all but %eax being kept); then the tid,
 * a thread joined, and a condition variable broadcast to two waiters
 * (musl's FUTEX_REQUEUE).  Output: "adapter_check: ok ..." or
 * "adapter_check: FAIL ..." lines; exit 0 if all passed, 1 if not.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "abi-2.5.38.h"
#include "../proc_state.h"

static int failures;

static void report(int ok, const char *fmt, ...)
{
	char buf[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printf("adapter_check: %s %s\n", ok ? "ok  " : "FAIL", buf);
	fflush(stdout);
	failures += !ok;
}

/*
 * long regs_call(long r[7]): r = eax (number, then result), ebx, ecx,
 * edx, esi, edi, ebp: loaded, "call *%gs:16" (musl's entry, the
 * adapter's), and what the registers hold afterwards stored back.
 */
long regs_call(long *r);
__asm__(
	".text\n"
	".globl regs_call\n"
	".type regs_call, @function\n"
	"regs_call:\n"
	"	pushl %ebp\n"
	"	pushl %edi\n"
	"	pushl %esi\n"
	"	pushl %ebx\n"
	"	movl 20(%esp), %eax\n"
	"	pushl %eax\n"
	"	movl 4(%eax), %ebx\n"
	"	movl 8(%eax), %ecx\n"
	"	movl 12(%eax), %edx\n"
	"	movl 16(%eax), %esi\n"
	"	movl 20(%eax), %edi\n"
	"	movl 24(%eax), %ebp\n"
	"	movl (%eax), %eax\n"
	"	call *%gs:16\n"
	"	xchgl %eax, (%esp)\n"
	"	movl %ebx, 4(%eax)\n"
	"	movl %ecx, 8(%eax)\n"
	"	movl %edx, 12(%eax)\n"
	"	movl %esi, 16(%eax)\n"
	"	movl %edi, 20(%eax)\n"
	"	movl %ebp, 24(%eax)\n"
	"	popl %ecx\n"
	"	movl %ecx, (%eax)\n"
	"	movl %ecx, %eax\n"
	"	popl %ebx\n"
	"	popl %esi\n"
	"	popl %edi\n"
	"	popl %ebp\n"
	"	ret\n"
	".size regs_call, .-regs_call\n");

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

/* one call through the entry: its result, and every register kept */
static long via_entry(const char *what, long nr, long b, long c, long d,
		      long s, long want, long *ms)
{
	long r[7] = { nr, b, c, d, s, 0x5a5a0001, 0x5a5a0002 };
	long in[7], t0 = now_ms();
	int i, kept = 1;

	memcpy(in, r, sizeof(in));
	regs_call(r);
	if (ms)
		*ms = now_ms() - t0;
	for (i = 1; i < 7; i++)
		if (r[i] != in[i]) {
			report(0, "%s: register %d changed: %#lx -> %#lx", what,
			       i, in[i], r[i]);
			kept = 0;
		}
	report(r[0] == want && kept, "%s: %ld (want %ld)%s", what, r[0], want,
	       kept ? ", registers kept" : "");
	return r[0];
}

static volatile int tw;		/* a futex word */
static volatile int thread_tid_ok;

static void *thread_fn(void *arg)
{
	thread_tid_ok = gettid() == syscall(SYS_gettid) &&
			gettid() != getpid();
	return arg;
}

/* a thread in FUTEX_WAIT (nr: futex or futex_time64) with 60 s */
static volatile int sw, s_tid, s_done;
static volatile long s_ret;
static long s_nr;

static void *sleeper_fn(void *arg)
{
	struct { long sec_lo, sec_hi, nsec, pad; } t64 = { 60, 0, 0, 0 };
	struct { long sec, nsec; } t32 = { 60, 0 };

	(void)arg;
	s_tid = syscall(SYS_gettid);
	s_ret = syscall(s_nr, &sw, 0 | 128, 0,
			s_nr == NR_futex ? (void *)&t32 : (void *)&t64);
	if (s_ret)
		s_ret = -errno;
	s_done = 1;
	return NULL;
}

static void sleeper(long nr, const char *what)
{
	struct timespec nap = { 0, 1000000 }, dl;
	long t0 = now_ms(), woken;
	pthread_t t;
	char st = 0;

	s_nr = nr;
	s_tid = s_done = 0;
	if (pthread_create(&t, NULL, sleeper_fn, NULL)) {
		report(0, "%s: pthread_create", what);
		return;
	}
	while (!s_done && (!s_tid || (st = proc_state(s_tid)) != 'S') &&
	       now_ms() - t0 < 30000)
		nanosleep(&nap, NULL);
	if (s_done || st != 'S') {
		report(0, "%s: the waiter did not sleep: %s (state %c)", what,
		       s_done ? strerror(-s_ret) : "still running",
		       st ? st : '?');
		return;
	}
	woken = syscall(SYS_futex, &sw, 1, 1);	/* 3 arguments: item 2 */
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += 30;
	pthread_timedjoin_np(t, NULL, &dl);
	report(woken == 1 && s_done && s_ret == 0, "%s: asleep until woken "
	       "(FUTEX_WAKE woke %ld, the wait returned %ld)", what, woken,
	       s_ret);
}

static pthread_mutex_t cm = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cc = PTHREAD_COND_INITIALIZER;
static volatile int cready, ctids[2], cdone[2], crc[2];

static void *cond_waiter(void *arg)
{
	int i = (int)(long)arg, rc = 0;
	struct timespec dl;

	ctids[i] = syscall(SYS_gettid);
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += 10;
	pthread_mutex_lock(&cm);
	while (!cready && !rc)
		rc = pthread_cond_timedwait(&cc, &cm, &dl);
	pthread_mutex_unlock(&cm);
	crc[i] = rc;
	cdone[i] = 1;
	return NULL;
}

int main(void)
{
	struct { long sec_lo, sec_hi, nsec, pad; } ts64 = { 0, 0, 50000000, 0 };
	struct { long sec, nsec; } ts32 = { 0, 50000000 };
	struct timespec dl, nap = { 0, 1000000 };
	long tid = syscall(SYS_gettid), t0;
	pthread_t t, w[2];
	void *res;
	int i, r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tw = sw = 0;		/* their own page now, not the ZERO_PAGE */
	via_entry("getpid, passed through", SYS_getpid, 1, 2, 3, 4, getpid(),
		  NULL);
	/* 1, 2: a 3-argument private FUTEX_WAKE, junk in the 4th */
	via_entry("FUTEX_WAKE|FUTEX_PRIVATE_FLAG, junk 4th argument",
		  NR_futex, (long)&tw, 1 | 128, 1, (long)0xc0001000, 0, NULL);
	via_entry("FUTEX_WAIT|FUTEX_PRIVATE_FLAG, other value", NR_futex,
		  (long)&tw, 0 | 128, 1, 0, -EAGAIN, NULL);
	via_entry("FUTEX_WAIT, 50 ms", NR_futex, (long)&tw, 0, 0,
		  (long)&ts32, -ETIMEDOUT, NULL);
	/* 6: futex_time64 */
	via_entry("futex_time64 FUTEX_WAIT|FUTEX_PRIVATE_FLAG, 50 ms",
		  NR_futex_time64, (long)&tw, 0 | 128, 0, (long)&ts64,
		  -ETIMEDOUT, NULL);
	/* the timeout reaches the kernel as given, not as 0 s: a waiter
	 * with 60 s sleeps until it is woken (a state, not a clock: the
	 * clocks of an emulated SMP guest disagree) */
	sleeper(NR_futex_time64, "futex_time64 FUTEX_WAIT, 60 s");
	sleeper(NR_futex, "FUTEX_WAIT|FUTEX_PRIVATE_FLAG, 60 s");
	via_entry("futex_time64 FUTEX_WAIT, other value", NR_futex_time64,
		  (long)&tw, 0, 1, (long)&ts64, -EAGAIN, NULL);
	via_entry("futex_time64 FUTEX_WAKE", NR_futex_time64, (long)&tw, 1,
		  1, (long)0xc0001000, 0, NULL);
	/* 3: requeue -> wake (nobody waits: 0, not EINVAL) */
	via_entry("FUTEX_REQUEUE|FUTEX_PRIVATE_FLAG", NR_futex, (long)&tw,
		  3 | 128, 0, 1, 0, NULL);
	via_entry("FUTEX_CMP_REQUEUE", NR_futex, (long)&tw, 4, 0, 1, 0, NULL);
	/* 4: set_tid_address, the main thread's tid */
	via_entry("set_tid_address", NR_set_tid_address, (long)&tw, 0, 0, 0,
		  tid, NULL);
	report(gettid() == tid, "musl's tid of the main thread %d, gettid "
	       "%ld", (int)gettid(), tid);

	/* 5: a thread, its tid, its join (CLONE_CLEARTID) */
	r = pthread_create(&t, NULL, thread_fn, (void *)0x1234);
	report(!r, "pthread_create: %s", strerror(r));
	if (!r) {
		clock_gettime(CLOCK_REALTIME, &dl);
		dl.tv_sec += 10;
		r = pthread_timedjoin_np(t, &res, &dl);
		report(!r && res == (void *)0x1234, "pthread_timedjoin_np: %s "
		       "(the thread's exit clears and wakes its tid)",
		       strerror(r));
		report(thread_tid_ok, "the thread's tid is its own");
	}

	/* 3 again: two waiters of a private condvar, a broadcast (musl
	 * wakes one and requeues the other to the mutex) */
	for (i = 0; i < 2; i++)
		pthread_create(&w[i], NULL, cond_waiter, (void *)(long)i);
	t0 = now_ms();
	for (i = 0; i < 2; i++)
		while (!cdone[i] && (!ctids[i] || proc_state(ctids[i]) != 'S') &&
		       now_ms() - t0 < 30000)
			nanosleep(&nap, NULL);
	pthread_mutex_lock(&cm);
	cready = 1;
	pthread_cond_broadcast(&cc);
	pthread_mutex_unlock(&cm);
	t0 = now_ms();
	while ((!cdone[0] || !cdone[1]) && now_ms() - t0 < 30000)
		nanosleep(&nap, NULL);
	report(cdone[0] && cdone[1] && !crc[0] && !crc[1],
	       "pthread_cond_broadcast woke both waiters (%s, %s)",
	       cdone[0] ? strerror(crc[0]) : "not done",
	       cdone[1] ? strerror(crc[1]) : "not done");

	printf("adapter_check: %s, %d failure(s)\n",
	       failures ? "FAIL" : "ok", failures);
	return failures ? 1 : 0;
}
