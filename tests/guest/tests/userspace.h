/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The us_* tests: real user space, run from the initrd's /us
 * (tests/userspace: static musl programs with the 2.5.38 ABI adapter;
 * scripts/mkinitrd puts them there when i386-linux-musl-gcc is
 * installed).  Included by list.h (as T lines) and userspace.c (as the
 * functions).  One line per test:
 *
 *	U(name, "groups", timeout, program, argument, skip)
 *
 * program runs as "program argument" (no argument: NULL) in /tmp, its
 * stdout and stderr become "# " diagnostics; exit 0 is ok, 4 (kselftest
 * KSFT_SKIP) a SKIP, anything else not ok.  skip: NULL, or why 2.5.38
 * cannot run it at all, a loud SKIP (the program is not even started).
 *
 * Groups: userspace      must pass on every kernel
 *         userspace_bug  must fail on vanilla 2.5.38, the way
 *                        tests/expected-failures says (the lost wakeup
 *                        after COW), and pass with the series
 */

/* the 2.5.38 ABI adapter itself (tests/userspace/adapter/check.c) */
U(us_adapter_check,			"userspace",	 60,
  "/us/adapter_check", NULL, NULL)

/* Linux 6.1's futex selftests (tools/testing/selftests/futex/functional,
 * from Debian's linux-source-6.1 at build time), with "-v 2" (info) */
U(us_futex_wait,			"userspace",	 60,
  "/us/futex_wait", "-v2", NULL)
U(us_futex_wait_uninitialized_heap,	"userspace",	 60,
  "/us/futex_wait_uninitialized_heap", "-v2", NULL)
U(us_futex_wait_private_mapped_file,	"userspace_bug", 60,
  "/us/futex_wait_private_mapped_file", "-v2", NULL)
U(us_futex_wait_timeout,		"userspace",	 10,
  "/us/futex_wait_timeout", NULL,
  "needs clock_gettime(CLOCK_MONOTONIC) (Linux 2.5.63), FUTEX_WAIT_BITSET "
  "(2.6.25), FUTEX_LOCK_PI (2.6.18), FUTEX_WAIT_REQUEUE_PI (2.6.31), "
  "futex_waitv (5.16)")
U(us_futex_wait_wouldblock,		"userspace",	 10,
  "/us/futex_wait_wouldblock", NULL,
  "needs clock_gettime(CLOCK_MONOTONIC) (Linux 2.5.63) and futex_waitv "
  "(5.16)")
U(us_futex_requeue,			"userspace",	 10,
  "/us/futex_requeue", NULL,
  "needs FUTEX_CMP_REQUEUE (Linux 2.6.7): 2.5.38 has FUTEX_WAIT, "
  "FUTEX_WAKE and FUTEX_FD only")
U(us_futex_requeue_pi,			"userspace",	 10,
  "/us/futex_requeue_pi", NULL,
  "needs the PI futexes, FUTEX_CMP_REQUEUE_PI (Linux 2.6.31)")
U(us_futex_requeue_pi_signal_restart,	"userspace",	 10,
  "/us/futex_requeue_pi_signal_restart", NULL,
  "needs the PI futexes, FUTEX_CMP_REQUEUE_PI (Linux 2.6.31)")
U(us_futex_requeue_pi_mismatched_ops,	"userspace",	 10,
  "/us/futex_requeue_pi_mismatched_ops", NULL,
  "needs the PI futexes, FUTEX_CMP_REQUEUE_PI (Linux 2.6.31)")
U(us_futex_waitv,			"userspace",	 10,
  "/us/futex_waitv", NULL,
  "needs futex_waitv (Linux 5.16)")

/* POSIX reproducers written here (tests/userspace/posix/repro.c):
 * lost wakeups after fork + COW through musl's mutexes, condition
 * variables and semaphores, private and process-shared */
U(us_posix_mutex_private_fork,		"userspace_bug", 60,
  "/us/posix_repro", "mutex_private_fork", NULL)
U(us_posix_mutex_shared_fork,		"userspace_bug", 60,
  "/us/posix_repro", "mutex_shared_fork", NULL)
U(us_posix_cond_private_fork,		"userspace_bug", 60,
  "/us/posix_repro", "cond_private_fork", NULL)
U(us_posix_cond_shared_fork,		"userspace_bug", 60,
  "/us/posix_repro", "cond_shared_fork", NULL)
U(us_posix_sem_private_fork,		"userspace_bug", 60,
  "/us/posix_repro", "sem_private_fork", NULL)
U(us_posix_sem_shared_fork,		"userspace_bug", 60,
  "/us/posix_repro", "sem_shared_fork", NULL)
U(us_posix_mutex_private_neighbour,	"userspace_bug", 60,
  "/us/posix_repro", "mutex_private_neighbour", NULL)
U(us_posix_mutex_shared_neighbour,	"userspace_bug", 60,
  "/us/posix_repro", "mutex_shared_neighbour", NULL)
U(us_posix_cond_private_neighbour,	"userspace_bug", 60,
  "/us/posix_repro", "cond_private_neighbour", NULL)
U(us_posix_cond_shared_neighbour,	"userspace_bug", 60,
  "/us/posix_repro", "cond_shared_neighbour", NULL)
U(us_posix_sem_private_neighbour,	"userspace_bug", 60,
  "/us/posix_repro", "sem_private_neighbour", NULL)
U(us_posix_sem_shared_neighbour,	"userspace_bug", 60,
  "/us/posix_repro", "sem_shared_neighbour", NULL)
/* controls: no fork (a private file page: the waiter's own write copies
 * it before it sleeps), or MAP_SHARED memory (never copied) */
U(us_posix_mutex_private_file,		"userspace",	 60,
  "/us/posix_repro", "mutex_private_file", NULL)
U(us_posix_mutex_shared_file,		"userspace",	 60,
  "/us/posix_repro", "mutex_shared_file", NULL)
U(us_posix_cond_private_file,		"userspace",	 60,
  "/us/posix_repro", "cond_private_file", NULL)
U(us_posix_cond_shared_file,		"userspace",	 60,
  "/us/posix_repro", "cond_shared_file", NULL)
U(us_posix_sem_private_file,		"userspace",	 60,
  "/us/posix_repro", "sem_private_file", NULL)
U(us_posix_sem_shared_file,		"userspace",	 60,
  "/us/posix_repro", "sem_shared_file", NULL)
U(us_posix_mutex_shared_shm_fork,	"userspace",	 60,
  "/us/posix_repro", "mutex_shared_shm_fork", NULL)
U(us_posix_cond_shared_shm_fork,	"userspace",	 60,
  "/us/posix_repro", "cond_shared_shm_fork", NULL)
U(us_posix_sem_shared_shm_fork,		"userspace",	 60,
  "/us/posix_repro", "sem_shared_shm_fork", NULL)
