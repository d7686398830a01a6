/* Real-time clocks: the date at boot, for CLOCK_REALTIME. The caller finds the device in the
 * devicetree, maps its registers and passes their virtual address. */
#ifndef FAULTLINE_DRIVERS_RTC_H
#define FAULTLINE_DRIVERS_RTC_H

#include "platform/fdt.h"
#include "platform/types.h"

/*
 * rtc_read_ns - nanoseconds since 1970-01-01 00:00:00 UTC, from the RTC of @kind whose
 * registers are mapped at @base. Returns 0, or -ENODEV for a kind no driver handles.
 */
int rtc_read_ns(enum fdt_rtc_kind kind, uintptr_t base, uint64_t *ns) __must_check;

/* rtc_name - the driver's name for @kind ("goldfish"), or "none". */
const char *rtc_name(enum fdt_rtc_kind kind);

#endif
