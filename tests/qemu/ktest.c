/* The test image's payload: run every registered case, report each, then the totals. */
#include "tests/qemu/ktest.h"

#include <stdarg.h>

#include "firmware/main.h"
#include "firmware/printf.h"
#include "firmware/trap.h"
#include "platform/errno.h"

extern const struct ktest_case __ktests_start[], __ktests_end[];

static int failures; /* of the running case */
static unsigned long faults_before;

void ktest_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	if (failures++ == 0)
		kprintf("\n");
	kprintf("    %s:%d: ", file, line);
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
}

void ktest_arm_fault(void)
{
	struct trap_fault f;

	trap_last_fault(&f);
	faults_before = f.count;
}

void ktest_expect_fault(const char *file, int line, const char *what, int rc,
			unsigned long cause, uintptr_t addr)
{
	struct trap_fault f;

	trap_last_fault(&f);
	if (rc != -EFAULT) {
		ktest_fail(file, line, "%s returned %d, expected a fault", what, rc);
		return;
	}
	if (f.count != faults_before + 1)
		ktest_fail(file, line, "%s: %lu faults recovered, expected 1", what,
			   f.count - faults_before);
	if (f.scause != cause)
		ktest_fail(file, line, "%s: cause %s, expected %s", what,
			   trap_cause_name(f.scause), trap_cause_name(cause));
	if (f.stval != addr)
		ktest_fail(file, line, "%s: stval 0x%lx, expected 0x%lx", what, f.stval,
			   (unsigned long)addr);
	faults_before = f.count;
}

int firmware_payload(void)
{
	int passed = 0, failed = 0;

	kprintf("ktest: %d cases\n", (int)(__ktests_end - __ktests_start));
	for (const struct ktest_case *c = __ktests_start; c < __ktests_end; c++) {
		failures = 0;
		ktest_arm_fault();
		c->fn();
		if (failures) {
			kprintf("FAIL - %s\n", c->name);
			failed++;
		} else {
			kprintf("ok - %s\n", c->name);
			passed++;
		}
	}
	kprintf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
