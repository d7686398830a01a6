/* The normal image's payload. Tasks are not there yet: show that the timer ticks, then stop. */
#include "firmware/main.h"
#include "firmware/printf.h"
#include "firmware/timer.h"

#define IDLE_TICKS 3

int firmware_payload(void)
{
	uint64_t start = timer_ticks();
	uint64_t limit = timer_now() + timer_timebase(); /* give up after a second */

	while (timer_ticks() - start < IDLE_TICKS && timer_now() < limit)
		__asm__ volatile("wfi");
	kprintf("faultline: idle for %lu timer ticks; no tasks to run\n",
		(unsigned long)(timer_ticks() - start));
	return timer_ticks() - start >= IDLE_TICKS ? 0 : 1;
}
