/* The fault tracer: with the boot argument trace=faults, every fault and every frame given back
 * is recorded with the task's call stack in a ring per hart, and written out as text lines
 * ("@trace ...") to a host file through semihosting, or to the console where nothing is
 * attached. tools/trace.py turns them into folded stacks, a flame graph and page maps. Off,
 * nothing is installed and mm/ pays one branch per fault. */
#ifndef FAULTLINE_FIRMWARE_TRACE_H
#define FAULTLINE_FIRMWARE_TRACE_H

#include "platform/types.h"

struct task;

/* Harts the tracer keeps a ring for, by logical number; records of others are dropped. */
#define TRACE_HARTS_MAX 8

/* trace_init - read the boot arguments; with trace=faults, allocate the rings, open the
 * output and install the tracer. Called once at boot, before any task. */
void trace_init(void);

/* trace_task_exit - task @t is ending (still in its address space): picture its address space
 * and write out what this hart recorded. Nothing when tracing is off. */
void trace_task_exit(struct task *t);

/* trace_map_now - the current task asks for a picture of its address space now
 * (SYS_FL_TRACE_MAP). Returns 0, tracing or not: a program may always ask. */
long trace_map_now(void);

/* trace_finish - write out every ring, the drop figures and the end mark; close the output.
 * Called when all tasks have ended. */
void trace_finish(void);

#endif
