/* Time for tasks: sleeping and reading the clocks. */
#include "firmware/syscall_impl.h"
#include "firmware/task.h"
#include "firmware/timer.h"
#include "firmware/uaccess.h"
#include "platform/errno.h"

#define CLOCK_REALTIME	0
#define CLOCK_MONOTONIC 1

static long sys_nanosleep(struct trap_frame *tf)
{
	struct k_timespec req;

	if (copy_from_user(&req, tf->a0, sizeof(req)))
		return -EFAULT;
	if (req.tv_sec < 0 || req.tv_nsec < 0 || req.tv_nsec >= 1000000000)
		return -EINVAL;
	/* a sleep too long for the time CSR lasts until the end, as on Linux */
	task_sleep_until(timer_deadline(timer_now(), (uint64_t)req.tv_sec, (uint64_t)req.tv_nsec));
	/* rem is written only when a signal cuts the sleep short; there are none here */
	return 0;
}

static long sys_clock_gettime(struct trap_frame *tf)
{
	struct k_timespec ts;
	uint64_t ns = timer_now_ns();

	if (tf->a0 != CLOCK_MONOTONIC && tf->a0 != CLOCK_REALTIME)
		return -EINVAL;
	ts.tv_sec = (int64_t)(ns / 1000000000ull);
	ts.tv_nsec = (int64_t)(ns % 1000000000ull);
	return copy_to_user(tf->a1, &ts, sizeof(ts));
}

SYSCALL(nanosleep, sys_nanosleep);
SYSCALL(clock_gettime, sys_clock_gettime);
