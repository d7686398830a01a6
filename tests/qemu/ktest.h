/* The in-QEMU test harness: cases register themselves with KTEST(name) and check outcomes
 * with KT_EXPECT*; the harness prints one line per case and "N passed, N failed". */
#ifndef FAULTLINE_TESTS_KTEST_H
#define FAULTLINE_TESTS_KTEST_H

#include "platform/types.h"

struct ktest_case {
	const char *name;
	void (*fn)(void);
};

#define KTEST(name)                                                                                \
	static void name(void);                                                                    \
	static const struct ktest_case __ktest_##name __attribute__((used))                        \
	__section(".ktests") = { #name, name };                                                    \
	static void name(void)

/* ktest_fail - record a failed check of the running case, with where and why. */
void ktest_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define KT_EXPECT(cond)                                                                            \
	do {                                                                                       \
		if (!(cond))                                                                       \
			ktest_fail(__FILE__, __LINE__, "expected %s", #cond);                      \
	} while (0)

#define KT_EXPECT_EQ(a, b)                                                                         \
	do {                                                                                       \
		unsigned long long __a = (unsigned long long)(a);                                  \
		unsigned long long __b = (unsigned long long)(b);                                  \
		if (__a != __b)                                                                    \
			ktest_fail(__FILE__, __LINE__, "%s == 0x%llx, expected %s == 0x%llx", #a,  \
				   __a, #b, __b);                                                  \
	} while (0)

/*
 * KT_EXPECT_FAULT - the probe @call must fail with -EFAULT, and the fault recovered must have
 * cause @cause at address @addr; the fault count must have grown by exactly one.
 */
#define KT_EXPECT_FAULT(call, cause, addr)                                                         \
	do {                                                                                       \
		ktest_arm_fault();                                                                 \
		int __rc = (call);                                                                 \
		ktest_expect_fault(__FILE__, __LINE__, #call, __rc, (cause), (uintptr_t)(addr));   \
	} while (0)

/* ktest_arm_fault - note the recovered-fault count before a probe that should fault. */
void ktest_arm_fault(void);
void ktest_expect_fault(const char *file, int line, const char *what, int rc, unsigned long cause,
			uintptr_t addr);

#endif
