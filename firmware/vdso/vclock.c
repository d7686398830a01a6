/* The vDSO's clock functions: CLOCK_REALTIME, MONOTONIC and their kin straight from the time
 * CSR and the kernel's clock page, with no trap; any other clock id goes to the kernel through
 * the same ecall the task would have made, so errors and CPU-time clocks are the kernel's. */
#include "firmware/uapi/syscalls.h"
#include "firmware/vdso/vdso_data.h"

/* the kernel's clock page, one page below the vDSO's ELF header (vdso.lds); hidden, so that
 * it is reached PC-relative and the object needs no relocation */
extern const struct vdso_data vdso_data __attribute__((visibility("hidden")));

struct vdso_timeval {
	int64_t tv_sec;
	int64_t tv_usec;
};

struct vdso_timezone {
	int tz_minuteswest;
	int tz_dsttime;
};

/* The vDSO's entry points, with the prototypes glibc calls them by. */
int __vdso_clock_gettime(int clk, struct vdso_timespec *ts);
int __vdso_gettimeofday(struct vdso_timeval *tv, struct vdso_timezone *tz);
int __vdso_clock_getres(int clk, struct vdso_timespec *res);

/* The clocks served here, as a bit mask over clock ids: one test instead of seven. */
#define TIME_CSR_CLOCKS                                                                            \
	(1u << CLOCK_REALTIME | 1u << CLOCK_MONOTONIC | 1u << CLOCK_MONOTONIC_RAW |                \
	 1u << CLOCK_REALTIME_COARSE | 1u << CLOCK_MONOTONIC_COARSE | 1u << CLOCK_BOOTTIME |       \
	 1u << CLOCK_TAI)

static inline int served_here(int clk)
{
	return (unsigned int)clk < 32 && (TIME_CSR_CLOCKS >> clk & 1);
}

static inline uint64_t rdtime(void)
{
	uint64_t t;

	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
}

/* The system call itself: returns what the kernel returns (0 or a negative errno). */
static long ecall2(long nr, long a0, long a1)
{
	register long r_a0 __asm__("a0") = a0;
	register long r_a1 __asm__("a1") = a1;
	register long r_a7 __asm__("a7") = nr;

	__asm__ volatile("ecall" : "+r"(r_a0) : "r"(r_a1), "r"(r_a7) : "memory");
	return r_a0;
}

/* MONOTONIC first, alone: it is what programs time things with, and each instruction on its
 * path counts. */
int __vdso_clock_gettime(int clk, struct vdso_timespec *ts)
{
	if (clk == CLOCK_MONOTONIC) {
		vdso_monotonic(&vdso_data, rdtime(), ts);
		return 0;
	}
	if (!served_here(clk))
		return (int)ecall2(SYS_clock_gettime, clk, (long)ts);
	vdso_clock_from(&vdso_data, clk, rdtime(), ts);
	return 0;
}

/* As Linux's: the time zone is always zero (nothing here sets one). */
int __vdso_gettimeofday(struct vdso_timeval *tv, struct vdso_timezone *tz)
{
	if (tv) {
		struct vdso_timespec ts;

		vdso_clock_from(&vdso_data, CLOCK_REALTIME, rdtime(), &ts);
		tv->tv_sec = ts.tv_sec;
		tv->tv_usec = ts.tv_nsec / 1000;
	}
	if (tz) {
		tz->tz_minuteswest = 0;
		tz->tz_dsttime = 0;
	}
	return 0;
}

int __vdso_clock_getres(int clk, struct vdso_timespec *res)
{
	if (!served_here(clk))
		return (int)ecall2(SYS_clock_getres, clk, (long)res);
	if (res) {
		res->tv_sec = 0;
		res->tv_nsec = (int64_t)VDSO_CLOCK_RES_NS;
	}
	return 0;
}
