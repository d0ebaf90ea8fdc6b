/* SPDX-License-Identifier: GPL-2.0 */
/*
 * time64.h: included first (-include) by Linux's futex selftests here.
 *
 * musl 1.2's struct timespec has a 64-bit tv_sec on i386 (time64), and
 * the selftests hand theirs to the raw futex system call (futextest.h:
 * syscall(SYS_futex, ..., timeout, ...)), which on i386 takes the old
 * 32-bit one: a 30 ms timeout reads as 0 s, 0 ns.  Upstream's
 * futextest.h maps SYS_futex to SYS_futex_time64 where the libc has
 * only 64-bit time (RV32); the same here, and the adapter turns
 * futex_time64 into 2.5.38's futex (adapter/abi-2.5.38.h, item 6).
 */
#include <sys/syscall.h>
#undef SYS_futex
#define SYS_futex SYS_futex_time64
