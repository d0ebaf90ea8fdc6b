/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TAP (Test Anything Protocol, version 13) output and the assertion
 * helpers the tests use.
 *
 * A test is a function run in its own process; it returns TEST_PASS,
 * TEST_FAIL or TEST_SKIP, which becomes the exit status the runner
 * turns into "ok" / "not ok" / "ok ... # SKIP".  Anything a test wants
 * to say goes out as "# " diagnostic lines, one write(2) per line.
 */
#ifndef RT_TAP_H
#define RT_TAP_H

#include "rt.h"

#define TEST_PASS	0
#define TEST_FAIL	1
#define TEST_SKIP	77	/* like automake */

/* run-wide options, set by the runner before the tests fork */
extern int tap_host;		/* FUTEXTEST_HOST: on a modern host kernel */
extern int tap_verbose;		/* testargs=verbose */
extern int tap_failures;	/* failed EXPECTs in this test process */

void tap_diag(const char *fmt, ...) __printf(1, 2);	/* "# ..." */
void tap_info(const char *fmt, ...) __printf(1, 2);	/* only if verbose */

/* returns ok; otherwise prints "# file:line: <message>" and counts it */
int tap_expect(int ok, const char *file, int line, const char *fmt, ...)
	__printf(4, 5);

#define EXPECT(cond, ...) \
	tap_expect(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

/* a syscall result: ret must be exactly -err (err 0: ret must be 0) */
#define EXPECT_ERR(ret, err, what) ({					\
	long __r = (ret);						\
	EXPECT(__r == -(long)(err), "%s: got %s (%ld), want %s", what,	\
	       __r <= 0 ? rt_errname(__r) : "success", __r,		\
	       rt_errname(err));					\
})

#define EXPECT_EQ(actual, expected, what) ({				\
	long __a = (long)(actual), __e = (long)(expected);		\
	EXPECT(__a == __e, "%s: got %ld, want %ld", what, __a, __e);	\
})

/* fatal: give up on the test (the runner kills whatever is left) */
#define REQUIRE(cond, ...) do {						\
	if (!EXPECT(cond, __VA_ARGS__))					\
		return TEST_FAIL;					\
} while (0)

#define SKIP(...) do {							\
	tap_diag(__VA_ARGS__);						\
	return TEST_SKIP;						\
} while (0)

static inline int tap_result(void)
{
	return tap_failures ? TEST_FAIL : TEST_PASS;
}

#endif /* RT_TAP_H */
