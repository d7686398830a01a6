/* A tiny harness for the static glibc test programs: each CASE prints "ok - name" or
 * "FAIL - name" with the failed checks under it, flushed at once so that the lines keep
 * their order whatever stdout's buffering. The runner reads these lines. */
#ifndef FAULTLINE_TESTS_GLIBC_CHECK_H
#define FAULTLINE_TESTS_GLIBC_CHECK_H

#include <stdio.h>

static int check_failures, check_failed;
static const char *check_name;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			printf("    %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);        \
			check_failures++;                                                          \
		}                                                                                  \
	} while (0)

#define CHECK_EQ(a, b)                                                                             \
	do {                                                                                       \
		long long check_a = (long long)(a), check_b = (long long)(b);                      \
		if (check_a != check_b) {                                                          \
			printf("    %s:%d: %s == %lld, expected %s == %lld\n", __FILE__, __LINE__, \
			       #a, check_a, #b, check_b);                                          \
			check_failures++;                                                          \
		}                                                                                  \
	} while (0)

static inline void check_begin(const char *name)
{
	check_name = name;
	check_failures = 0;
}

static inline void check_end(void)
{
	printf("%s - %s\n", check_failures ? "FAIL" : "ok", check_name);
	check_failed += check_failures != 0;
	fflush(stdout);
}

#define CASE(name)                                                                                 \
	for (int check_once = (check_begin(#name), 1); check_once; check_once = (check_end(), 0))

static inline int check_finish(void)
{
	return check_failed ? 1 : 0;
}

#endif
