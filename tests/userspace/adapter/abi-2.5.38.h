/* SPDX-License-Identifier: GPL-2.0 */
/*
 * abi-2.5.38.h: the link-time ABI adapter between musl 1.2.3 (Debian's
 * static i386 musl, musl:i386 + musl-dev:i386) and the system call ABI
 * of Linux 2.5.38.  Included by entry.S and tid.c.
 *
 * musl is written for the ABI that Linux settled on later.  Linked as it
 * is, a static musl program runs on 2.5.38 while it has one thread; its
 * POSIX threads do not, for the ABI reasons listed here, none of which is
 * the bug this project fixes.  The adapter replaces, at link time (the
 * objects come before libc.a, so libc.a's members that define the same
 * symbols are never pulled in):
 *
 *   __sysinfo           the pointer through which musl makes every system
 *                       call ("call *%gs:16", the thread's copy of it):
 *                       it points at adapter_syscall (entry.S) instead of
 *                       musl's "int $0x80; ret"
 *   __clone             pthread_create's, posix_spawn's and clone()'s
 *                       clone, with 2.5.38's one tid pointer (entry.S)
 *   __syscall_cp_asm,   the cancellable system calls: through
 *   __cp_begin/end/cancel  adapter_syscall too (entry.S)
 *
 * plus one constructor (tid.c) for the main thread's tid, which musl
 * takes from set_tid_address before any constructor runs, on a raw
 * "int $0x80" that no symbol replacement can reach.
 *
 * The adapter adapts the ABI and nothing else.  It never retries a
 * system call, never polls, never turns a FUTEX_WAIT into anything but
 * a FUTEX_WAIT, and never wakes more than the caller asked for (a
 * requeue that 2.5.38 does not have becomes the wake it stands for,
 * below): a wakeup that 2.5.38 loses stays lost.
 *
 * Every difference bridged, with the kernel that changed it (items 1
 * to 4 in ADAPT, entry.S; 5 in __clone; 6 in adapter_syscall):
 *
 * 1. FUTEX_PRIVATE_FLAG (128) in the futex op.  Linux 2.6.22 added it;
 *    2.5.38 answers any op it does not know with EINVAL, and musl falls
 *    back to the plain op only on ENOSYS, so its private locks spin in
 *    user space and never sleep in the kernel (hiding the bug).  The
 *    adapter clears the flag: every 2.5.38 futex is keyed by the page,
 *    there is no private kind to ask for.
 *
 * 2. The 4th argument of sys_futex.  2.5.38 copies a struct timespec
 *    from it for EVERY op, before it looks at the op; Linux 2.5.49
 *    (futex_wait_utime) reads it for FUTEX_WAIT only.  musl's FUTEX_WAKE
 *    is a 3-argument call that leaves whatever %esi holds there, so the
 *    wake fails with EFAULT unless %esi happens to point at readable
 *    memory.  The adapter passes NULL as the 4th argument of FUTEX_WAKE
 *    and FUTEX_FD, the ops that have none.  (The alternative, a kernel
 *    patch that reads the timeout for FUTEX_WAIT only, is not taken: the
 *    series stays what 2.5.38 users would apply.)
 *
 * 3. FUTEX_REQUEUE (3, Linux 2.5.70) and FUTEX_CMP_REQUEUE (4, Linux
 *    2.6.7) do not exist: EINVAL.  musl's private condition variable
 *    hands a signalled waiter over to the mutex with FUTEX_REQUEUE
 *    (wake 0, requeue 1) and ignores the result: on EINVAL that waiter
 *    would sleep on its barrier forever.  The adapter makes it the
 *    FUTEX_WAKE of the same waiters (nr_wake + nr_requeue) on the first
 *    futex, which is what a requeue saves: the woken waiter finds the
 *    barrier unlocked and takes the mutex itself (it waits on the mutex
 *    if it must).  Return value: the number woken.
 *
 * 4. set_tid_address (258, Linux 2.5.48) does not exist: ENOSYS, which
 *    musl stores as the thread's tid (the owner field of its mutexes,
 *    the target of pthread_kill/raise).  The adapter answers it with
 *    gettid (224, since 2.4.11) and ignores the address; musl registers
 *    &__thread_list_lock there only for the main thread (fork child),
 *    whose clear-on-exit matters only when it leaves by pthread_exit
 *    with other threads running.  The main thread's first call is made
 *    by musl's __init_tp on a raw int $0x80: tid.c repairs that tid in
 *    a constructor (checking that it holds exactly -ENOSYS and that
 *    musl's struct pthread is laid out as expected, else it aborts).
 *
 * 5. clone's tid pointers.  2.5.38 has one, in %edx, for both
 *    CLONE_SETTID (0x100000: store the child's tid) and CLONE_CLEARTID
 *    (0x200000: clear it and FUTEX_WAKE it at exit).  Linux 2.5.49 split
 *    them into CLONE_PARENT_SETTID (%edx) and CLONE_CHILD_CLEARTID
 *    (%edi), and added CLONE_CHILD_SETTID (0x1000000, unknown to 2.5.38
 *    and ignored).  musl's pthread_create asks for the tid in the new
 *    thread's descriptor and the clear of __thread_list_lock, its
 *    thread list lock: with %edx = &tid only, the lock is never cleared
 *    and the first pthread_join hangs.  The adapter's __clone gives %edx
 *    the clear-tid address and stores the tid itself, in the parent
 *    (clone's return value) and in the child (gettid, before the
 *    child's function runs: the same value, whichever is first), and
 *    for CLONE_CHILD_SETTID in the child.
 *
 * 6. futex_time64 (422, Linux 5.1) does not exist.  musl 1.2's struct
 *    timespec has a 64-bit tv_sec on i386 (time64); musl itself calls
 *    futex_time64 only for a deadline past 2038 and falls back to futex
 *    on ENOSYS, but a program that hands its struct timespec to the raw
 *    system call needs futex_time64 (Linux's futex selftests, built with
 *    SYS_futex = SYS_futex_time64, as upstream's futextest.h does where
 *    the libc has only 64-bit time: selftests/time64.h).  The adapter
 *    makes it a futex call, FUTEX_WAIT's timeout copied into a 32-bit
 *    struct timespec on its stack (tv_sec clamped to 32 bits, as musl
 *    does); the other ops as item 1 to 3.  Only through __sysinfo: the
 *    cancellable path is musl's own, which falls back by itself.  A
 *    bad timeout pointer faults in the adapter rather than EFAULT.
 *
 * Not bridged (musl copes by itself, or the program is skipped):
 *
 *  - AT_SYSINFO, the vsyscall page (Linux 2.5.53): absent, musl uses
 *    its default entry, which the adapter replaces anyway.
 *  - clock_gettime (Linux 2.5.63) and so CLOCK_MONOTONIC: musl falls back
 *    to gettimeofday for CLOCK_REALTIME (what pthread_cond_timedwait,
 *    sem_timedwait and pthread_mutex_timedlock use by default); any
 *    other clock is EINVAL.  The selftests that need CLOCK_MONOTONIC
 *    are skipped, loudly.
 *  - the other *_time64 system calls (Linux 5.1), statx (4.11): ENOSYS,
 *    and musl falls back to the 32-bit calls by itself.
 *  - futex ops 5 and up (WAKE_OP 2.6.14, the PI ops 2.6.18, WAIT_BITSET
 *    2.6.25, ...) and futex_waitv (5.16): passed through, EINVAL/ENOSYS;
 *    the selftests of those are skipped.
 *  - set_robust_list (2.6.17): robust mutexes only, not used here.
 *
 * What stays as 2.5.38 has it, on purpose: the lost wakeup after a
 * copy-on-write (the bug), the futex keyed by page, CLONE_DETACHED
 * (musl passes it; 2.5.38 needs it for its threads to be reaped).
 */
#ifndef ABI_2_5_38_H
#define ABI_2_5_38_H

/* i386 system call numbers */
#define NR_exit			1
#define NR_clone		120
#define NR_gettid		224
#define NR_futex		240
#define NR_set_tid_address	258
#define NR_futex_time64		422

/* futex ops */
#define FUTEX_WAIT_OP		0
#define FUTEX_WAKE_OP_		1
#define FUTEX_FD_OP		2
#define FUTEX_REQUEUE_OP	3
#define FUTEX_CMP_REQUEUE_OP	4
#define FUTEX_PRIVATE_FLAG_	128

/* clone flags, with their 2.5.38 meaning */
#define CLONE_SETTLS_		0x00080000
#define CLONE_PARENT_SETTID_	0x00100000	/* 2.5.38: CLONE_SETTID */
#define CLONE_CHILD_CLEARTID_	0x00200000	/* 2.5.38: CLONE_CLEARTID */
#define CLONE_CHILD_SETTID_	0x01000000	/* 2.5.49; 2.5.38 ignores it */

#define ENOSYS_			38

/*
 * musl 1.2.3's struct pthread on i386 (src/internal/pthread_impl.h):
 * self, dtv, prev, next, sysinfo, canary, then tid.  tid.c checks the
 * layout before it writes.
 */
#define MUSL_PTHREAD_SYSINFO	16
#define MUSL_PTHREAD_TID	24

#endif /* ABI_2_5_38_H */
