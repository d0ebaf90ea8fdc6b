/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Options from testargs= that individual tests read, and the test flag
 * that ties a test's timeout to them.  Parsed by the runner (init.c)
 * before any test is forked.
 *
 *   duration=N   seconds that a time-bound test (stress) runs, instead
 *                of its default; the runner adds N to the timeout of
 *                every TF_DURATION test, so that a long run is not
 *                killed (QEMU's own limit is boot-test --timeout)
 *   seed=N       seed of the tests' pseudo-random choices (default: the
 *                time stamp counter; the tests print the seed they use)
 */
#ifndef TESTS_TESTARGS_H
#define TESTS_TESTARGS_H

/* test flag (list.h): the timeout grows with duration= */
#define TF_DURATION	0x100

extern int testarg_duration;		/* 0: the test's default */
extern unsigned long testarg_seed;	/* 0: pick one */

#endif /* TESTS_TESTARGS_H */
