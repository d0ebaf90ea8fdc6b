// SPDX-License-Identifier: GPL-2.0
/*
 * insnprof: a QEMU TCG plugin (plugin API version 1, QEMU 7.x) that
 * counts the guest instructions executed per translation block, but
 * only while profiling is on: it goes on when a block starting at the
 * address on= executes and off at off= (the bench's prof_on() and
 * prof_off()).  At exit it writes "vaddr insns-per-exec execs" lines to
 * out=.  Counting is per block, at its start: a block cut short by a
 * fault is counted whole (rare, and the same on every kernel).
 *
 * Self-contained on purpose (the API declarations it uses are
 * repeated here), so that it builds without QEMU's headers or glib:
 *
 *	gcc -shared -fPIC -O2 -o insnprof.so insnprof.c
 *	qemu-system-i386 ... -plugin ./insnprof.so,arg=on=0x...,arg=off=0x...,arg=out=FILE
 *
 * tests/bench/prof/profile does all of it.
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

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

/* one record per (block start, length): open addressing, grown x2 */
struct rec {
	uint64_t vaddr, n, execs;
};
static struct rec **tab;
static size_t tsize, tused;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t on_addr, off_addr, toggles;
static volatile int enabled;
static const char *outpath = "insnprof.out";

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
	if (enabled)
		r->execs++;
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
	for (i = 0; i < tsize; i++)
		if (tab[i] && tab[i]->execs)
			fprintf(f, "%" PRIx64 " %" PRIu64 " %" PRIu64 "\n",
				tab[i]->vaddr, tab[i]->n, tab[i]->execs);
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
	}
	if (!on_addr || !off_addr) {
		fprintf(stderr, "insnprof: need arg=on=ADDR,arg=off=ADDR\n");
		return 1;
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, trans_cb);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
