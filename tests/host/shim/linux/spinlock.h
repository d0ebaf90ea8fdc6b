/*
 * Host shim: spinlock_t is a pthread mutex (so that ThreadSanitizer and
 * valgrind understand it), plus a little checking of our own:
 *  - taking a lock this thread already holds is a self-deadlock: BUG;
 *  - every lock has a rank, and a thread may only take a lock of a
 *    higher rank than any it holds (rank 0: unchecked).  The tests give
 *    mm->page_table_lock, the page_change bucket locks and their own
 *    "user" lock increasing ranks, which is the documented lock order.
 * A violation prints "FAIL [lock]: ..." and exits with status 3.
 * Per thread, the locks taken are counted by rank (shim_lock_calls[],
 * ranks above 7 in [7]), for the cost checks of stress.c.
 * SPIN_LOCK_UNLOCKED has rank SPIN_LOCK_DEFAULT_RANK (0 unless the test
 * defines it): the only locks initialised with it are the bucket locks.
 */
#ifndef SHIM_LINUX_SPINLOCK_H
#define SHIM_LINUX_SPINLOCK_H

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#ifndef SPIN_LOCK_DEFAULT_RANK
#define SPIN_LOCK_DEFAULT_RANK 0
#endif

typedef struct {
	pthread_mutex_t mutex;
	int rank;
} spinlock_t;

#define SPIN_LOCK_RANKED(r)	((spinlock_t){ PTHREAD_MUTEX_INITIALIZER, (r) })
#define SPIN_LOCK_UNLOCKED	SPIN_LOCK_RANKED(SPIN_LOCK_DEFAULT_RANK)

/* The locks this thread holds: no shared state, nothing for the race
 * detectors to look at. */
#define SHIM_MAX_HELD 8
static __thread spinlock_t *shim_held[SHIM_MAX_HELD];
static __thread int shim_nheld;
static __thread unsigned long shim_lock_calls[8];

/* A violation is an invariant violation like the others: exit status 3. */
static inline void shim_lock_bug(const char *what, const spinlock_t *l)
{
	fprintf(stderr, "FAIL [lock]: %s (lock %p rank %d, %d held)\n",
		what, (const void *)l, l->rank, shim_nheld);
	fflush(stderr);
	_exit(3);
}

static inline int spin_held_by_me(const spinlock_t *l)
{
	int i;

	for (i = 0; i < shim_nheld; i++)
		if (shim_held[i] == l)
			return 1;
	return 0;
}

/* Does this thread hold a lock of rank @rank? */
static inline int shim_holds_rank(int rank)
{
	int i;

	for (i = 0; i < shim_nheld; i++)
		if (shim_held[i]->rank == rank)
			return 1;
	return 0;
}

static inline void spin_lock(spinlock_t *l)
{
	int i;

	if (spin_held_by_me(l))
		shim_lock_bug("self-deadlock: lock already held by this thread", l);
	for (i = 0; i < shim_nheld; i++)
		if (l->rank && shim_held[i]->rank && shim_held[i]->rank >= l->rank)
			shim_lock_bug("lock order: taken while holding a lock of the same or a later rank", l);
	if (shim_nheld == SHIM_MAX_HELD)
		shim_lock_bug("too many locks held", l);
	pthread_mutex_lock(&l->mutex);
	shim_held[shim_nheld++] = l;
	shim_lock_calls[l->rank < 0 ? 0 : l->rank > 7 ? 7 : l->rank]++;
}

static inline void spin_unlock(spinlock_t *l)
{
	int i;

	if (!spin_held_by_me(l))
		shim_lock_bug("unlock of a lock this thread does not hold", l);
	for (i = 0; shim_held[i] != l; i++)
		;
	shim_held[i] = shim_held[--shim_nheld];
	pthread_mutex_unlock(&l->mutex);
}

#endif
