/* Android's goldfish RTC, as QEMU virt has it: a 64-bit count of nanoseconds since the epoch
 * in two 32-bit registers. Reading TIME_LOW latches TIME_HIGH, so low is read first and the
 * pair is consistent. */
#include "drivers/rtc.h"

#include "platform/errno.h"

#define GOLDFISH_TIME_LOW  0x00
#define GOLDFISH_TIME_HIGH 0x04

static uint32_t reg(uintptr_t base, uintptr_t off)
{
	return *(volatile uint32_t *)(base + off);
}

int rtc_read_ns(enum fdt_rtc_kind kind, uintptr_t base, uint64_t *ns)
{
	uint32_t lo, hi;

	if (kind != FDT_RTC_GOLDFISH)
		return -ENODEV;
	lo = reg(base, GOLDFISH_TIME_LOW);
	hi = reg(base, GOLDFISH_TIME_HIGH);
	*ns = (uint64_t)hi << 32 | lo;
	return 0;
}

const char *rtc_name(enum fdt_rtc_kind kind)
{
	return kind == FDT_RTC_GOLDFISH ? "goldfish" : "none";
}
