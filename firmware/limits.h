/* Resource limits of a task (getrlimit, setrlimit, prlimit64): Linux's defaults, inherited at
 * fork and kept across exec; the address space is told those it enforces. */
#ifndef FAULTLINE_FIRMWARE_LIMITS_H
#define FAULTLINE_FIRMWARE_LIMITS_H

#include "platform/types.h"

#define RLIM_NLIMITS  16
#define RLIM_INFINITY (~(uint64_t)0)

/* Linux's resource numbers */
#define RLIMIT_CPU	  0
#define RLIMIT_FSIZE	  1
#define RLIMIT_DATA	  2
#define RLIMIT_STACK	  3
#define RLIMIT_CORE	  4
#define RLIMIT_RSS	  5
#define RLIMIT_NPROC	  6
#define RLIMIT_NOFILE	  7
#define RLIMIT_MEMLOCK	  8
#define RLIMIT_AS	  9
#define RLIMIT_LOCKS	  10
#define RLIMIT_SIGPENDING 11
#define RLIMIT_MSGQUEUE	  12
#define RLIMIT_NICE	  13
#define RLIMIT_RTPRIO	  14
#define RLIMIT_RTTIME	  15

/* struct rlimit64 of Linux: soft and hard limit */
struct k_rlimit {
	uint64_t cur, max;
};

struct task_limits {
	struct k_rlimit r[RLIM_NLIMITS];
};

/* limits_init - Linux's limits for the first process (what /init gets on Linux 6.1). */
void limits_init(struct task_limits *l);

struct task;

/* limits_apply - hand @t's RLIMIT_AS, RLIMIT_DATA, RLIMIT_STACK and RLIMIT_MEMLOCK to its
 * address space (a boot task's first, or the one exec made). */
void limits_apply(struct task *t);

#endif
