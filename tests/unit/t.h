/* A small unit-test harness: each test prints "ok NAME" or
 * "not ok NAME: file:line: what failed"; tests/run.py counts the lines. */
#ifndef PIPE_T_H
#define PIPE_T_H

#include <stdio.h>
#include <string.h>

#include "util.h"

static int t_failures, t_failed_now;

#define T_FAIL(...)                                                          \
	do {                                                                 \
		if (!t_failed_now)                                           \
			printf("not ok %s: %s:%d: ", t_name, __FILE__, __LINE__); \
		t_failed_now = 1;                                            \
		printf(__VA_ARGS__);                                         \
		printf("\n");                                                \
		return;                                                      \
	} while (0)

#define CHECK(cond)                                                          \
	do {                                                                 \
		if (!(cond))                                                 \
			T_FAIL("%s", #cond);                                 \
	} while (0)

#define CHECK_OK(expr)                                                       \
	do {                                                                 \
		int t_rc_ = (expr);                                          \
		if (t_rc_ < 0)                                               \
			T_FAIL("%s returned %d: %s", #expr, t_rc_, error_last()); \
	} while (0)

#define CHECK_STR(a, b)                                                      \
	do {                                                                 \
		const char *t_a_ = (a), *t_b_ = (b);                         \
		if (!t_a_ || !t_b_ || strcmp(t_a_, t_b_) != 0)               \
			T_FAIL("%s == %s\n  got:      %s\n  expected: %s", #a, #b, \
			       t_a_ ? t_a_ : "(null)", t_b_ ? t_b_ : "(null)");  \
	} while (0)

#define CHECK_INT(a, b)                                                      \
	do {                                                                 \
		long long t_a_ = (long long)(a), t_b_ = (long long)(b);      \
		if (t_a_ != t_b_)                                            \
			T_FAIL("%s == %s: got %lld, expected %lld", #a, #b, t_a_, t_b_); \
	} while (0)

static const char *t_name;

#define RUN(fn)                                                              \
	do {                                                                 \
		t_name = #fn;                                                \
		t_failed_now = 0;                                            \
		error_clear();                                               \
		fn();                                                        \
		if (t_failed_now)                                            \
			t_failures++;                                        \
		else                                                         \
			printf("ok %s\n", #fn);                              \
		fflush(stdout);                                              \
	} while (0)

#define T_DONE() return t_failures ? 1 : 0

#endif
