/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The test table.  One line per test, in running order:
 *
 *	T(name, "group[,group...]", timeout in seconds, flags)
 *
 * name is both the TAP name and the C function, int name(void), which
 * returns TEST_PASS / TEST_FAIL / TEST_SKIP (rt/tap.h).  The timeout is
 * the runner's hard limit: past it the test's process group gets
 * SIGKILL and the test is "not ok".  Groups select tests on the kernel
 * command line (tests=cow,basic_timeout).  Keep names stable: logs and
 * scripts refer to them.
 *
 * Flags, for known bugs of vanilla 2.5.38: such a test is reported with
 * "# TODO <reason>" (an expected failure) while the flag is defined as
 * TF_TODO_*.  The series fixes both, so they are 0: the tests count for
 * real on patched kernels, and on vanilla kernels the suite is run with
 * boot-test --expect-fail, which wants every one of them to fail.
 *   TODO_COW   the lost wakeup after a copy-on-write fault
 *   TODO_PRIV  a private futex reachable from another process
 * and one the series leaves alone:
 *   TODO_WIDTH on x86_64, sys_futex() and sys_pause() return int, which
 *              reaches user space zero-extended (rt_syscall_width)
 */
#ifndef TODO_COW
#define TODO_COW	0
#endif
#ifndef TODO_PRIV
#define TODO_PRIV	0
#endif
#ifndef TODO_WIDTH
#ifdef __x86_64__
#define TODO_WIDTH	TF_TODO_WIDTH
#else
#define TODO_WIDTH	0
#endif
#endif

/* group "rt": the runtime's own system calls, formatting, signals */
T(rt_runtime,		"rt,smoke",	15, 0)
T(rt_syscall_width,	"rt",		15, TODO_WIDTH)

/* group "basic": futex semantics that 2.5.38 gets right */
T(basic_wrong_value,	"basic,smoke",	10, 0)
T(basic_wake_none,	"basic,smoke",	10, 0)
T(basic_timeout,	"basic,smoke",	10, 0)
T(basic_efault,		"basic",	10, 0)
T(basic_einval,		"basic",	10, 0)
T(basic_bad_op,		"basic",	10, 0)
T(basic_eintr,		"basic",	15, 0)
T(basic_wake_threads,	"basic,smoke",	20, 0)
T(basic_wake_addr,	"basic",	20, 0)
T(basic_shared_anon,	"basic",	15, 0)
T(basic_shared_shm,	"basic",	15, 0)
T(basic_readonly,	"basic",	15, 0)
T(basic_cleartid,	"basic",	15, 0)
T(basic_fd_poll,	"basic",	10, 0)
T(basic_fd_signal,	"basic",	15, 0)
T(basic_fd_badsig,	"basic",	10, 0)
T(basic_fd_close,	"basic",	10, 0)
/* fork with a waiter asleep, but no copy-on-write in the waker's mm:
 * the controls for the cow group, they pass on vanilla 2.5.38 */
T(basic_fork_nowrite,	"basic",	20, 0)
T(basic_fork_child_writes, "basic",	20, 0)

/* group "cow": the lost wakeup after fork + copy-on-write */
T(cow_parent_writes,	"cow",		20, TODO_COW)
T(cow_child_exited,	"cow",		20, TODO_COW)
T(cow_child_first,	"cow",		20, TODO_COW)
T(cow_other_word,	"cow",		20, TODO_COW)
T(cow_bss,		"cow",		20, TODO_COW)
T(cow_data,		"cow",		20, TODO_COW)
T(cow_fd,		"cow",		20, TODO_COW)
T(cow_cleartid,		"cow",		20, TODO_COW)
T(cow_multi,		"cow",		30, TODO_COW)
T(cow_rounds,		"cow",		120, TODO_COW)
T(cow_mremap,		"cow",		20, TODO_COW)
/* the same lost wakeup without a fork: the waiter's page is replaced by
 * the first write (ZERO_PAGE, page cache page of a private file map) */
T(cow_nofork_zero,	"cow,nofork",	20, TODO_COW)
T(cow_nofork_file,	"cow,nofork",	20, TODO_COW)

/* group "priv": private futexes are per process (spurious wakeups) */
T(priv_fork_child_wakes, "priv",	20, TODO_PRIV)
T(priv_zero_page,	"priv",		20, TODO_PRIV)
T(priv_zero_page_same_mm, "priv",	30, TODO_PRIV)

/* group "lifetime": waiters, fds and registrations go with their owner;
 * MemFree and /proc/page_change back to the baseline afterwards.  Those
 * in lifetime_vanilla involve no COW under a waiter: they pass on
 * vanilla 2.5.38 too.  lifetime_fork_cow needs the fix (group cow). */
T(lifetime_kill9,	"lifetime,lifetime_vanilla",	60, 0)
T(lifetime_exit_fds,	"lifetime,lifetime_vanilla",	60, 0)
T(lifetime_fd_inherit,	"lifetime,lifetime_vanilla",	60, 0)
T(lifetime_fork_reuse,	"lifetime,lifetime_vanilla",	120, 0)
T(lifetime_unmap,	"lifetime,lifetime_vanilla",	60, 0)
T(lifetime_fork_cow,	"lifetime,cow",	120, TODO_COW)

/* group "limit": the FUTEX_FD pin limit (futex-fd-pin-limit.patch);
 * FAILS on vanilla 2.5.38, which has no limit */
T(limit_fd_pins,	"limit",	60, 0)

/* group "diff": the bad-input table for tests/differential.t (prints
 * "# DIFF case result" lines; fails if a case could not be run or a
 * row is missing, not on differences: those are differential.t's) */
T(diff_table,		"diff",		120, 0)

/* group "review": findings of a code review of the series (review.c).
 * Zap without COW and munmap + new mapping under waiters and fds; the
 * cost of mremap/munmap/exit with many registrations; a huge page
 * FUTEX_WAIT must not leak (needs CONFIG_HUGETLB_PAGE).  review_bug: lost
 * or false wakeups of vanilla 2.5.38 too, which must fail there;
 * review_vanilla: what vanilla gets right, the series must too. */
T(review_zap_wait_dontneed,	"review,review_bug",	20, 0)
T(review_zap_wait_devzero,	"review,review_bug",	20, 0)
T(review_zap_fd_dontneed,	"review,review_bug",	20, 0)
T(review_zap_fd_devzero,	"review,review_bug",	20, 0)
T(review_zap_wait_dontneed_zero, "review,review_bug",	20, 0)
T(review_zap_wait_devzero_zero,	"review,review_bug",	20, 0)
T(review_zap_fd_dontneed_zero,	"review,review_bug",	20, 0)
T(review_zap_fd_devzero_zero,	"review,review_bug",	20, 0)
T(review_remap_wait,		"review,review_vanilla",	20, 0)
T(review_remap_fd,		"review,review_vanilla",	20, 0)
T(review_remap_wait_zero,	"review,review_bug",	20, 0)
T(review_remap_fd_zero,		"review,review_bug",	20, 0)
T(review_cost_mremap,		"review,review_vanilla",	150, 0)
T(review_cost_munmap,		"review,review_vanilla",	150, 0)
T(review_cost_exit,		"review,review_vanilla",	150, 0)
T(review_hugetlb_leak,		"review,review_vanilla",	30, 0)

/* groups "userspace" and "userspace_bug": real user space from the
 * initrd's /us (tests/userspace: static musl with the 2.5.38 ABI
 * adapter; Linux's futex selftests; POSIX reproducers).  userspace_bug
 * must fail on vanilla 2.5.38 (tests/expected-failures).  The table:
 * userspace.h; a program missing from the initrd is a SKIP. */
#define U(name, groups, timeout, prog, arg, skip) T(name, groups, timeout, 0)
#include "userspace.h"
#undef U

/* group "paths": kernel paths the other groups never reach (paths.c):
 * exec, CLONE_FILES and a unix socket with a FUTEX_FD, a read-only
 * MAP_SHARED file, truncate and swap under waiters, the pin limit's
 * default bound, the hash size, allocation failures.  paths_bug fails on vanilla 2.5.38 (lost or
 * false wakeups, no bound); paths_vanilla passes there.  paths_swap
 * runs on small guests only (configs/up-swap.config), paths_unix_fd
 * with CONFIG_UNIX only: they SKIP elsewhere, saying why. */
T(paths_exec_fd,		"paths,paths_bug",	30, 0)
T(paths_clone_files,		"paths,paths_bug",	30, 0)
T(paths_unix_fd,		"paths,paths_vanilla",	30, 0)
T(paths_shared_ro,		"paths,paths_vanilla",	30, 0)
T(paths_truncate,		"paths,paths_bug",	60, 0)
T(paths_swap,			"paths,paths_bug",	500, 0)
T(paths_pin_default,		"paths,paths_bug",	120, 0)
T(paths_hash_size,		"paths",	10, 0)
T(paths_alloc_fail,		"paths",	30, 0)

/* group "stress": token passing on many futexes while the process forks,
 * copies on write and is signalled; every wakeup accounted for.
 * testargs=duration=N (default 10 s; 3 s on the host) */
T(stress,		"stress",	60, TF_DURATION)
