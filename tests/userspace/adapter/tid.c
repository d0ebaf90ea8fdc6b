// SPDX-License-Identifier: GPL-2.0
/*
 * tid.c: the main thread's tid (abi-2.5.38.h, item 4).
 *
 * musl's __init_tp sets the main thread's tid from set_tid_address
 * before any constructor runs, on a raw "int $0x80" (the thread pointer
 * is not set up yet, so not through __sysinfo): on 2.5.38 that stores
 * -ENOSYS.  This constructor, the first to run, puts the tid there,
 * after checking that it looks at musl 1.2.3's struct pthread (self
 * pointer first, __sysinfo where the thread's copy of it lives) and
 * finds exactly -ENOSYS or the right tid.  Anything else: a message
 * and exit status 127, rather than a program that runs on a wrong tid.
 */
#include <stddef.h>
#include "abi-2.5.38.h"

extern unsigned long __sysinfo __attribute__((visibility("hidden")));

static long raw3(long nr, long a, long b, long c)
{
	long r;

	__asm__ __volatile__("int $0x80" : "=a"(r)
			     : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
	return r;
}

static void die(const char *msg)
{
	size_t n = 0;

	while (msg[n])
		n++;
	raw3(4, 2, (long)msg, (long)n);		/* write(2, ...) */
	raw3(252, 127, 0, 0);			/* exit_group(127) */
	raw3(NR_exit, 127, 0, 0);
}

__attribute__((constructor(101))) static void adapter_main_tid(void)
{
	char *self;
	int *tidp;
	long tid = raw3(NR_gettid, 0, 0, 0);

	__asm__("movl %%gs:0, %0" : "=r"(self));
	if (*(char **)self != self ||
	    *(unsigned long *)(self + MUSL_PTHREAD_SYSINFO) != __sysinfo)
		die("adapter: musl's struct pthread is not laid out as "
		    "abi-2.5.38.h expects (musl 1.2.3): not fixing the tid\n");
	tidp = (int *)(self + MUSL_PTHREAD_TID);
	if (*tidp == -ENOSYS_)
		*tidp = (int)tid;
	else if (*tidp != tid)
		die("adapter: the main thread's tid is neither -ENOSYS nor "
		    "gettid(): not musl 1.2.3's struct pthread?\n");
}
