/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Threads for the guest tests: clone(CLONE_VM|CLONE_FS|CLONE_FILES|SIGCHLD)
 * on a private mmap'd stack.
 *
 * No CLONE_THREAD and no CLONE_SIGHAND, on purpose: in 2.5.38 a
 * CLONE_THREAD task is not reported by wait4() and its exit semantics
 * were still changing (exit_group, detached threads), whereas a plain
 * CLONE_VM child is an ordinary child process that happens to share the
 * address space: it has its own pid (== tid), its own /proc/<pid>, its
 * own signal handlers (copied at clone time), receives kill(pid, sig)
 * alone, and is reaped with waitpid(pid, ..., __WALL).  That is all the
 * futex tests need, and it behaves the same on 2.5.38 and on later
 * kernels.
 */
#ifndef RT_THREAD_H
#define RT_THREAD_H

#include "rt.h"

#define THREAD_STACK_SIZE (64 * 1024)
#define THREAD_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | SIGCHLD)

struct rt_thread {
	int tid;
	void *stack;
	/*
	 * With extra CLONE_SETTID|CLONE_CLEARTID, the tid word: the kernel
	 * stores the tid here at clone time and 0 + FUTEX_WAKE when the
	 * thread exits (2.5.38 mm_release()).
	 */
	volatile int ctid;
};

/* start fn(arg) in a new thread; returns the tid or a negative errno */
int thread_start(struct rt_thread *t, int (*fn)(void *), void *arg,
		 unsigned long extra_flags);
/* the same with exactly these clone flags (not THREAD_FLAGS) */
int thread_start_flags(struct rt_thread *t, int (*fn)(void *), void *arg,
		       unsigned long flags);
/* wait for it to exit; returns its exit code (fn's return value) or
 * a negative errno, or 128 + signal if it was killed */
int thread_join(struct rt_thread *t);

/* the scheduler state letter of a task, from /proc/<pid>/stat; 0 if it
 * cannot be read */
char proc_state(int pid);
/* wait until task pid sleeps ('S', seen twice 20 ms apart): returns 0,
 * -ENOENT when /proc/<pid>/stat cannot be read (no /proc, or no such
 * task), or -ETIMEDOUT */
int wait_sleeping(int pid, long timeout_ms);

#endif /* RT_THREAD_H */
