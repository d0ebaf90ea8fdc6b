// SPDX-License-Identifier: GPL-2.0
/*
 * insnprof: a QEMU TCG plugin (plugin API version 1, QEMU 7.x) that
 * counts the guest instructions executed per translation block, but
 * only while profiling is on: it goes on when a block starting at the
 * address on= executes and off at off= (the bench's prof_on() and
 * prof_off()).  At exit it writes "vaddr insns-per-exec execs locked"
 * lines to out= (locked: see lock mode below; 0 without it).  Counting
 * is per block, at its start: a block cut short by a fault is counted
 * whole (rare, and the same on every kernel).
 *
 * Self-contained on purpose (the API declarations it uses are
 * repeated here), so that it builds without QEMU's headers or glib:
 *
 *	gcc -shared -fPIC -O2 -o insnprof.so insnprof.c
 *	qemu-system-i386 ... -plugin ./insnprof.so,arg=on=0x...,arg=off=0x...,arg=out=FILE
 *
 * tests/bench/prof/profile does all of it.
 *
 * Lock mode (profile --ptl): with arg=acq=ADDR:ADDR... and
 * arg=rel=ADDR:ADDR... (the kernel addresses of the instructions that
 * take a lock -- "lock; decb" -- and that release it -- "movb $1,"), it
 * also counts, while profiling is on, the instructions executed from an
 * acquire instruction through the next release instruction, both
 * included (a depth count, so that two such locks nested count once),
 * and the acquisitions and releases.  The acquire and release
 * instructions get per-instruction callbacks that correct the per-block
 * count for the part of their block before (acquire) or after (release)
 * them.  The counts under the lock are a fourth column of out=, per
 * block; "# lock acq N rel N insns N" is a header line.  The lock is
 * taken, not tried: "lock; decb" followed by a spin on contention is
 * counted as taken at its first execution (one CPU: never contended).
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>

/* from QEMU's include/qemu/qemu-plugin.h, QEMU_PLUGIN_VERSION 1 */
typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
typedef struct qemu_info_t {
	const char *target_name;
	struct { int min, cur; } version;
	bool system_emulation;
	union { struct { int smp_vcpus; int max_vcpus; } system; };
} qemu_info_t;
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index,
					    void *userdata);
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id,
					       struct qemu_plugin_tb *tb);
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS };
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
					   qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb,
					  qemu_plugin_vcpu_udata_cb_t cb,
					  enum qemu_plugin_cb_flags flags,
					  void *userdata);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id,
				    qemu_plugin_udata_cb_t cb, void *userdata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn;
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb,
						 size_t idx);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn,
					    qemu_plugin_vcpu_udata_cb_t cb,
					    enum qemu_plugin_cb_flags flags,
					    void *userdata);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

/* one record per (block start, length): open addressing, grown x2 */
struct rec {
	uint64_t vaddr, n, execs;
	uint64_t locked;	/* instructions of it run under the lock */
};
static struct rec **tab;
static size_t tsize, tused;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t on_addr, off_addr, toggles;
static volatile int enabled;
static const char *outpath = "insnprof.out";

/* lock mode: sorted site addresses, the depth, the counts */
static uint64_t *acq, *rel;
static size_t nacq, nrel;
static int depth;
static uint64_t n_acq, n_rel, n_locked, n_unbalanced;

/* a site in one translated block: its block, and the instructions of
 * the block from it to the end (itself included) */
struct site {
	struct rec *r;
	uint64_t rest;
};

static size_t slot(uint64_t va, uint64_t n, size_t size)
{
	uint64_t h = (va ^ (n << 48)) * 0x9e3779b97f4a7c15ull;

	return (size_t)(h >> 20) & (size - 1);
}

static struct rec *lookup(uint64_t va, uint64_t n)
{
	size_t i;

	if (2 * (tused + 1) > tsize) {
		size_t nsize = tsize ? 2 * tsize : 4096, j;
		struct rec **nt = calloc(nsize, sizeof(*nt));

		if (!nt)
			abort();
		for (j = 0; j < tsize; j++)
			if (tab[j]) {
				i = slot(tab[j]->vaddr, tab[j]->n, nsize);
				while (nt[i])
					i = (i + 1) & (nsize - 1);
				nt[i] = tab[j];
			}
		free(tab);
		tab = nt;
		tsize = nsize;
	}
	for (i = slot(va, n, tsize); tab[i]; i = (i + 1) & (tsize - 1))
		if (tab[i]->vaddr == va && tab[i]->n == n)
			return tab[i];
	tab[i] = calloc(1, sizeof(struct rec));
	if (!tab[i])
		abort();
	tab[i]->vaddr = va;
	tab[i]->n = n;
	tused++;
	return tab[i];
}

static void exec_cb(unsigned int vcpu, void *ud)
{
	struct rec *r = ud;

	(void)vcpu;
	if (r->vaddr == on_addr) {
		enabled = 1;
		toggles++;
	} else if (r->vaddr == off_addr) {
		enabled = 0;
	}
	if (enabled) {
		r->execs++;
		if (depth > 0) {
			r->locked += r->n;
			n_locked += r->n;
		}
	}
}

/* before the acquire instruction: from it to the end of its block */
static void acq_cb(unsigned int vcpu, void *ud)
{
	struct site *s = ud;

	(void)vcpu;
	if (!enabled)
		return;
	n_acq++;
	if (depth++ == 0) {
		s->r->locked += s->rest;
		n_locked += s->rest;
	}
}

/* before the release instruction: not what follows it in its block */
static void rel_cb(unsigned int vcpu, void *ud)
{
	struct site *s = ud;

	(void)vcpu;
	if (!enabled)
		return;
	n_rel++;
	if (depth <= 0) {
		n_unbalanced++;	/* taken before profiling went on, or a miss */
		return;
	}
	if (--depth == 0) {
		s->r->locked -= s->rest - 1;
		n_locked -= s->rest - 1;
	}
}

static int cmp64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int in(const uint64_t *v, size_t n, uint64_t x)
{
	return n && bsearch(&x, v, n, sizeof(*v), cmp64);
}

/* "ADDR:ADDR:..." to a sorted array */
static uint64_t *parse_list(const char *p, size_t *n)
{
	uint64_t *v = NULL;
	char *e;

	*n = 0;
	while (*p) {
		v = realloc(v, (*n + 1) * sizeof(*v));
		if (!v)
			abort();
		v[(*n)++] = strtoull(p, &e, 0);
		if (e == p)
			break;
		p = *e == ':' ? e + 1 : e;
	}
	qsort(v, *n, sizeof(*v), cmp64);
	return v;
}

static void sites(struct qemu_plugin_tb *tb, struct rec *r)
{
	size_t i, n = qemu_plugin_tb_n_insns(tb);

	for (i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		uint64_t va = qemu_plugin_insn_vaddr(insn);
		int a = in(acq, nacq, va), l = in(rel, nrel, va);
		struct site *s;

		if (!a && !l)
			continue;
		s = malloc(sizeof(*s));	/* per translation; few, kept */
		if (!s)
			abort();
		s->r = r;
		s->rest = n - i;
		qemu_plugin_register_vcpu_insn_exec_cb(insn, a ? acq_cb : rel_cb,
						       QEMU_PLUGIN_CB_NO_REGS,
						       s);
	}
}

static void trans_cb(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	struct rec *r;

	(void)id;
	pthread_mutex_lock(&lock);
	r = lookup(qemu_plugin_tb_vaddr(tb), qemu_plugin_tb_n_insns(tb));
	pthread_mutex_unlock(&lock);
	qemu_plugin_register_vcpu_tb_exec_cb(tb, exec_cb,
					     QEMU_PLUGIN_CB_NO_REGS, r);
	if (nacq || nrel)
		sites(tb, r);
}

static void at_exit(qemu_plugin_id_t id, void *p)
{
	FILE *f = fopen(outpath, "w");
	size_t i;

	(void)id;
	(void)p;
	if (!f)
		return;
	fprintf(f, "# on %" PRIu64 " times\n", toggles);
	if (nacq || nrel)
		fprintf(f, "# lock acq %" PRIu64 " rel %" PRIu64 " insns %"
			PRIu64 " unbalanced %" PRIu64 " depth %d\n",
			n_acq, n_rel, n_locked, n_unbalanced, depth);
	for (i = 0; i < tsize; i++)
		if (tab[i] && tab[i]->execs)
			fprintf(f, "%" PRIx64 " %" PRIu64 " %" PRIu64 " %"
				PRIu64 "\n", tab[i]->vaddr, tab[i]->n,
				tab[i]->execs, tab[i]->locked);
	fclose(f);
}

__attribute__((visibility("default")))
int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
			int argc, char **argv)
{
	int i;

	(void)info;
	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "on=", 3))
			on_addr = strtoull(argv[i] + 3, NULL, 0);
		else if (!strncmp(argv[i], "off=", 4))
			off_addr = strtoull(argv[i] + 4, NULL, 0);
		else if (!strncmp(argv[i], "out=", 4))
			outpath = argv[i] + 4;
		else if (!strncmp(argv[i], "acq=", 4))
			acq = parse_list(argv[i] + 4, &nacq);
		else if (!strncmp(argv[i], "rel=", 4))
			rel = parse_list(argv[i] + 4, &nrel);
	}
	if (!on_addr || !off_addr) {
		fprintf(stderr, "insnprof: need arg=on=ADDR,arg=off=ADDR\n");
		return 1;
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, trans_cb);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
