/* A tiny harness for test tasks: each CASE prints "ok - name" or "FAIL - name" with the
 * failed checks, runs the invariant auditor after itself, and counts. The firmware's runner
 * reads these lines; "expect-report: NAME REGEX" asks it to find a kill report too. */
#ifndef FAULTLINE_TESTS_TASK_T_H
#define FAULTLINE_TESTS_TASK_T_H

#include <stdio.h>
#include <string.h>

#include "fl.h"

#define PAGE	4096ul
#define MiB	(1ul << 20)
#define RW	(FL_PROT_READ | FL_PROT_WRITE)
#define ANON	(FL_MAP_PRIVATE | FL_MAP_ANONYMOUS)
#define EFAULT	14
#define EINVAL	22
#define ENOMEM	12
#define EBADF	9
#define ECHILD	10
#define ENOENT	2
#define ENOSYS	38
#define EEXIST	17
#define ENODEV	19
#define SIGSEGV 11
#define SIGKILL 9
#define SIGILL	4

/* struct stat of riscv64 */
struct k_stat {
	unsigned long dev, ino;
	unsigned int mode, nlink, uid, gid;
	unsigned long rdev, pad1;
	long size;
	int blksize, pad2;
	long blocks;
	long times[6];
	unsigned int unused[2];
};

static int t_failures, t_passed, t_failed;
static const char *t_name;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			printf("    %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);        \
			t_failures++;                                                              \
		}                                                                                  \
	} while (0)

#define CHECK_EQ(a, b)                                                                             \
	do {                                                                                       \
		long __a = (long)(a), __b = (long)(b);                                             \
		if (__a != __b) {                                                                  \
			printf("    %s:%d: %s == %ld, expected %s == %ld\n", __FILE__, __LINE__,   \
			       #a, __a, #b, __b);                                                  \
			t_failures++;                                                              \
		}                                                                                  \
	} while (0)

static inline void t_begin(const char *name)
{
	t_name = name;
	t_failures = 0;
}

static inline void t_end(void)
{
	long audit = fl_audit();

	if (audit) {
		printf("    auditor found a broken invariant after %s\n", t_name);
		t_failures++;
	}
	if (t_failures) {
		printf("FAIL - %s\n", t_name);
		t_failed++;
	} else {
		printf("ok - %s\n", t_name);
		t_passed++;
	}
}

#define CASE(name) for (int __once = (t_begin(#name), 1); __once; __once = (t_end(), 0))

/* A snapshot into *c. Twice: the first call may itself fault on *c (a copy-on-write stack
 * after fork), which must not be part of what the snapshot measures. */
static inline void snap(struct fl_counters *c)
{
	fl_counters(c);
	fl_counters(c);
}

static inline struct fl_counters counters(void)
{
	struct fl_counters c;

	fl_counters(&c);
	return c;
}

/*
 * Runs fn() in a child and returns its wait status. @report, if not NULL, is a regex the
 * runner must find in the kill report that follows.
 */
static inline int in_child(void (*fn)(void), const char *case_name, const char *report)
{
	int status = -1;
	long pid;

	if (report)
		printf("expect-report: %s %s\n", case_name, report);
	fflush(stdout);
	pid = fl_fork();
	if (pid == 0) {
		fn();
		fl_exit(0);
	}
	if (pid < 0)
		return -1;
	fl_wait(pid, &status);
	return status;
}

static inline int t_finish(void)
{
	return t_failed ? 1 : 0;
}

#endif
