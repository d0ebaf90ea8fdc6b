// SPDX-License-Identifier: GPL-2.0
/*
 * posix_repro: the lost wakeup after copy-on-write, through a real
 * libc's POSIX threads (musl, linked with the 2.5.38 ABI adapter).
 *
 *   posix_repro CASE      run one case; exit 0 if the waiter was woken,
 *                         1 if its wakeup was lost, 3 if the case could
 *                         not be set up
 *   posix_repro --list    the cases, one per line: NAME KIND
 *
 * Every case: a thread T waits, with a deadline WAIT_MS ahead, in
 * pthread_mutex_timedlock, pthread_cond_timedwait or sem_timedwait on an
 * object that is private or process-shared (the pshared attribute);
 * main waits until T sleeps (/proc/<tid>/stat says S: a state, never a
 * guess by time), does the case's trigger, then releases T
 * (pthread_mutex_unlock, pthread_cond_signal, sem_post).  T woken:
 * the case passes.  T's deadline passed although it was released while
 * it slept: "LOST WAKEUP", exit 1.  The deadline only bounds a wakeup
 * that is already lost (WAIT_MS is far above any wake latency); main
 * waits for T's verdict by polling a flag, never through a futex, since
 * after a fork any futex wait may lose its wakeup on vanilla 2.5.38.
 *
 * The objects and the triggers:
 *
 *   *_fork        the object in a page of its own in .bss; main forks
 *                 (the child lives, blocked on a pipe, until T's
 *                 verdict) and releases T: the release is the first
 *                 write to the page, a copy-on-write in main's mm.
 *   *_neighbour   the same, but main first writes another variable of
 *                 the object's page, then releases T.
 *   *_file        no fork: the object in a MAP_PRIVATE mapping of a
 *                 file (a page-cache page until the first write).
 *   *_shm_fork    pshared objects in MAP_SHARED|MAP_ANONYMOUS memory,
 *                 the fork and the release as in *_fork: no copy.
 *
 * On vanilla 2.5.38 the *_fork and *_neighbour cases lose the wakeup:
 * the waiter is keyed on the page the fork left, the waker on its copy.
 * (For a private condition variable musl keeps the futex word in the
 * waiter's stack and the signaller writes it there: the page copied is
 * then T's stack page, in all three fork cases.)  The *_file and
 * *_shm_fork cases are controls that must pass on every kernel: the
 * waiter itself writes the object (its lock word, its waiter count)
 * before it sleeps, which already gives it the private copy of a file
 * page, so a POSIX object cannot reproduce the no-fork bug (the futex
 * selftest futex_wait_private_mapped_file does, with a bare FUTEX_WAIT);
 * and MAP_SHARED memory is never copied.
 *
 * Output: lines "CASE: ...", the last one "CASE: ok ..." or
 * "CASE: LOST WAKEUP: ..." or "CASE: error: ...".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "../proc_state.h"

#define PAGE		4096
#define WAIT_MS		3000	/* T's deadline: a lost wakeup shows then */
#define ASLEEP_MS	60000	/* main waits this long for T to sleep */
#define VERDICT_MS	60000	/* ... and for T's verdict after the release */

enum prim { MUTEX, COND, SEM };
enum where { BSS, FILEMAP, SHM };
enum trigger { NONE, FORK, NEIGHBOUR };

struct kase {
	const char *name;
	enum prim prim;
	int pshared;
	enum where where;
	enum trigger trigger;
	const char *kind;	/* "bug": loses the wakeup on vanilla 2.5.38 */
};

static const struct kase cases[] = {
	{ "mutex_private_fork",		MUTEX, 0, BSS, FORK,	  "bug" },
	{ "mutex_shared_fork",		MUTEX, 1, BSS, FORK,	  "bug" },
	{ "cond_private_fork",		COND,  0, BSS, FORK,	  "bug" },
	{ "cond_shared_fork",		COND,  1, BSS, FORK,	  "bug" },
	{ "sem_private_fork",		SEM,   0, BSS, FORK,	  "bug" },
	{ "sem_shared_fork",		SEM,   1, BSS, FORK,	  "bug" },
	{ "mutex_private_neighbour",	MUTEX, 0, BSS, NEIGHBOUR, "bug" },
	{ "mutex_shared_neighbour",	MUTEX, 1, BSS, NEIGHBOUR, "bug" },
	{ "cond_private_neighbour",	COND,  0, BSS, NEIGHBOUR, "bug" },
	{ "cond_shared_neighbour",	COND,  1, BSS, NEIGHBOUR, "bug" },
	{ "sem_private_neighbour",	SEM,   0, BSS, NEIGHBOUR, "bug" },
	{ "sem_shared_neighbour",	SEM,   1, BSS, NEIGHBOUR, "bug" },
	{ "mutex_private_file",		MUTEX, 0, FILEMAP, NONE,  "control" },
	{ "mutex_shared_file",		MUTEX, 1, FILEMAP, NONE,  "control" },
	{ "cond_private_file",		COND,  0, FILEMAP, NONE,  "control" },
	{ "cond_shared_file",		COND,  1, FILEMAP, NONE,  "control" },
	{ "sem_private_file",		SEM,   0, FILEMAP, NONE,  "control" },
	{ "sem_shared_file",		SEM,   1, FILEMAP, NONE,  "control" },
	{ "mutex_shared_shm_fork",	MUTEX, 1, SHM, FORK,	  "control" },
	{ "cond_shared_shm_fork",	COND,  1, SHM, FORK,	  "control" },
	{ "sem_shared_shm_fork",	SEM,   1, SHM, FORK,	  "control" },
};

/* the objects T and main share: one page, nothing else in it */
struct objs {
	pthread_mutex_t m;
	pthread_cond_t c;
	sem_t s;
	volatile int ready;	/* COND: the predicate */
	char pad[PAGE / 2];
	volatile int neighbour;	/* the other variable of the page */
};
_Static_assert(sizeof(struct objs) <= PAGE, "one page");

static union {
	struct objs o;
	char page[PAGE];
} bss_page __attribute__((aligned(PAGE)));

static const struct kase *kc;
static struct objs *obj;

/* T's side: written by T, read by main (never a futex) */
static volatile int t_tid;
static volatile int t_done;		/* T's verdict is in */
static volatile int t_rc;		/* its primitive's result */
static volatile long t_ms;		/* how long it waited */

static void say(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	n = snprintf(buf, sizeof(buf), "%s: ", kc ? kc->name : "posix_repro");
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	va_end(ap);
	/* one write per line: output stays whole next to other writers */
	n = strlen(buf);
	if (n < (int)sizeof(buf) - 1)
		buf[n++] = '\n';
	write(1, buf, n);
}

static void __attribute__((noreturn)) error(const char *fmt, ...)
{
	char buf[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	say("error: %s", buf);
	exit(3);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);	/* gettimeofday on 2.5.38 */
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

static void nap(void)
{
	struct timespec ts = { 0, 1000000 };

	nanosleep(&ts, NULL);
}

static const char *prim_wait(void)
{
	static const char *const n[] = {
		"pthread_mutex_timedlock", "pthread_cond_timedwait",
		"sem_timedwait"
	};
	return n[kc->prim];
}

static const char *prim_release(void)
{
	static const char *const n[] = {
		"pthread_mutex_unlock", "pthread_cond_signal", "sem_post"
	};
	return n[kc->prim];
}

static void *waiter(void *arg)
{
	struct timespec dl;
	long t0;
	int rc = 0;

	(void)arg;
	t_tid = syscall(SYS_gettid);
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += WAIT_MS / 1000;
	t0 = now_ms();
	switch (kc->prim) {
	case MUTEX:
		rc = pthread_mutex_timedlock(&obj->m, &dl);
		if (!rc)
			pthread_mutex_unlock(&obj->m);
		break;
	case COND:
		pthread_mutex_lock(&obj->m);
		while (!obj->ready && !rc)
			rc = pthread_cond_timedwait(&obj->c, &obj->m, &dl);
		pthread_mutex_unlock(&obj->m);
		break;
	case SEM:
		rc = sem_timedwait(&obj->s, &dl) ? errno : 0;
		break;
	}
	t_ms = now_ms() - t0;
	t_rc = rc;
	__sync_synchronize();
	t_done = 1;
	return NULL;
}

static void init_objs(struct objs *o)
{
	pthread_mutexattr_t ma;
	pthread_condattr_t ca;
	int ps = kc->pshared ? PTHREAD_PROCESS_SHARED : PTHREAD_PROCESS_PRIVATE;

	memset(o, 0, sizeof(*o));
	if (pthread_mutexattr_init(&ma) || pthread_mutexattr_setpshared(&ma, ps) ||
	    pthread_mutex_init(&o->m, &ma))
		error("pthread_mutex_init failed");
	if (pthread_condattr_init(&ca) || pthread_condattr_setpshared(&ca, ps) ||
	    pthread_cond_init(&o->c, &ca))
		error("pthread_cond_init failed");
	if (sem_init(&o->s, kc->pshared, 0))
		error("sem_init: %s", strerror(errno));
}

/* the objects, where the case wants them */
static struct objs *place_objs(void)
{
	struct objs tmp;
	char path[64];
	void *p;
	int fd;

	switch (kc->where) {
	case BSS:
		init_objs(&bss_page.o);
		return &bss_page.o;
	case SHM:
		p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			error("mmap MAP_SHARED: %s", strerror(errno));
		init_objs(p);
		return p;
	case FILEMAP:
		/* the initialised objects go to the file, not to the map */
		init_objs(&tmp);
		snprintf(path, sizeof(path), "/tmp/posix_repro.%d", getpid());
		fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
		if (fd < 0)
			error("open %s: %s", path, strerror(errno));
		unlink(path);
		if (ftruncate(fd, PAGE) || pwrite(fd, &tmp, sizeof(tmp), 0) !=
		    (ssize_t)sizeof(tmp))
			error("writing %s: %s", path, strerror(errno));
		p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED)
			error("mmap MAP_PRIVATE %s: %s", path, strerror(errno));
		close(fd);
		return p;
	}
	return NULL;
}

static void release(void)
{
	switch (kc->prim) {
	case MUTEX:
		pthread_mutex_unlock(&obj->m);
		break;
	case COND:
		pthread_mutex_lock(&obj->m);
		obj->ready = 1;
		pthread_cond_signal(&obj->c);
		pthread_mutex_unlock(&obj->m);
		break;
	case SEM:
		sem_post(&obj->s);
		break;
	}
}

static int run(void)
{
	pthread_attr_t attr;
	pthread_t t;
	int pipefd[2] = { -1, -1 }, child = 0, status, r;
	long t0;
	char st = 0;

	obj = place_objs();
	say("%s on a %s %s object in %s, %s", prim_wait(),
	    kc->pshared ? "process-shared" : "private",
	    kc->prim == MUTEX ? "mutex" : kc->prim == COND ? "cond" : "sem",
	    kc->where == BSS ? "a .bss page" : kc->where == SHM ?
	    "MAP_SHARED memory" : "a MAP_PRIVATE file page",
	    kc->trigger == NONE ? "no fork" : kc->trigger == FORK ?
	    "fork, then the release" :
	    "fork, a write to a neighbouring variable, then the release");

	if (kc->prim == MUTEX && pthread_mutex_lock(&obj->m))
		error("pthread_mutex_lock");
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	r = pthread_create(&t, &attr, waiter, NULL);
	if (r)
		error("pthread_create: %s", strerror(r));

	/* T asleep: state S (it sleeps nowhere else) */
	t0 = now_ms();
	while (!t_done && (!t_tid || (st = proc_state(t_tid)) != 'S')) {
		if (now_ms() - t0 > ASLEEP_MS)
			error("the waiter did not go to sleep in %d ms (state %c)",
			      ASLEEP_MS, st ? st : '?');
		nap();
	}
	if (t_done)
		error("%s returned %s before it slept", prim_wait(),
		      t_rc ? strerror(t_rc) : "0");
	say("waiter %d asleep in %s", t_tid, prim_wait());

	if (kc->trigger != NONE) {
		if (pipe(pipefd))
			error("pipe: %s", strerror(errno));
		child = fork();
		if (child < 0)
			error("fork: %s", strerror(errno));
		if (child == 0) {
			char c;

			close(pipefd[1]);
			read(pipefd[0], &c, 1);	/* until the verdict */
			_exit(0);
		}
		close(pipefd[0]);
		say("forked child %d (it lives until the verdict)", child);
		if (kc->trigger == NEIGHBOUR) {
			obj->neighbour = 1;
			say("wrote the neighbouring variable");
		}
	}
	release();
	say("%s done", prim_release());

	t0 = now_ms();
	while (!t_done) {
		if (now_ms() - t0 > VERDICT_MS)
			error("the waiter gave no verdict in %d ms", VERDICT_MS);
		nap();
	}
	__sync_synchronize();
	if (child > 0) {
		close(pipefd[1]);
		waitpid(child, &status, 0);
	}
	if (t_rc == ETIMEDOUT) {
		say("LOST WAKEUP: %s timed out after %ld ms although %s ran "
		    "while it slept", prim_wait(), t_ms, prim_release());
		return 1;
	}
	if (t_rc) {
		say("error: %s: %s after %ld ms", prim_wait(), strerror(t_rc),
		    t_ms);
		return 3;
	}
	say("ok: %s woken after %ld ms", prim_wait(), t_ms);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int i;

	if (argc == 2 && !strcmp(argv[1], "--list")) {
		for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
			printf("%s %s\n", cases[i].name, cases[i].kind);
		return 0;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: posix_repro CASE | --list\n");
		return 3;
	}
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (!strcmp(argv[1], cases[i].name))
			kc = &cases[i];
	if (!kc)
		error("unknown case '%s' (--list)", argv[1]);
	return run();
}
