/* The end-of-run summary: faults by kind, frames before and after, unknown system calls. */
#ifndef FAULTLINE_FIRMWARE_REPORT_H
#define FAULTLINE_FIRMWARE_REPORT_H

#include "platform/types.h"

struct report_mark {
	uint64_t free_frames; /* before the first task started */
};

/* report_begin - note the free-frame figure before tasks run. */
void report_begin(struct report_mark *m);

/* report_end - print the summary; returns 0, or 1 if frames were lost. */
int report_end(const struct report_mark *m);

#endif
