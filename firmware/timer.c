/* Timer ticks: each interrupt programs the next deadline one period after the previous
 * deadline, so ticks do not drift with interrupt latency. */
#include "firmware/timer.h"

#include "firmware/hart.h"
#include "firmware/trap.h"
#include "platform/errno.h"
#include "platform/riscv/csr.h"

static const struct sbi_info *sbi;
static uint64_t period;
static uint64_t timebase;
static volatile uint64_t ticks;

uint64_t timer_now(void)
{
	return csr_read(CSR_TIME);
}

/* Every hart ticks on its own deadline (struct hart); the tick count is the boot hart's. */
static void tick(void)
{
	struct hart *h = this_hart();
	uint64_t now = timer_now();

	/* an early wake-up that timer_wake_at() asked for: no tick yet, back to the period */
	if (now < h->timer_deadline) {
		sbi_set_timer(sbi, h->timer_deadline);
		return;
	}
	if (h->cpu == 0)
		ticks++;
	h->timer_deadline += period;
	if (h->timer_deadline <= now) /* we fell behind (a long masked section): skip */
		h->timer_deadline = now + period;
	sbi_set_timer(sbi, h->timer_deadline);
}

void timer_start_hart(void)
{
	struct hart *h = this_hart();

	if (!sbi)
		return; /* no timebase: no ticks anywhere */
	h->timer_deadline = timer_now() + period;
	sbi_set_timer(sbi, h->timer_deadline);
	csr_set(CSR_SIE, SIE_STIE);
}

int timer_init(const struct sbi_info *info, uint64_t timebase_hz)
{
	if (!timebase_hz)
		return -EINVAL;
	sbi = info;
	timebase = timebase_hz;
	period = timebase_hz / TIMER_HZ;
	if (!period)
		period = 1;
	trap_set_tick_handler(tick);
	timer_start_hart();
	return 0;
}

uint64_t timer_ticks(void)
{
	return ticks;
}

uint64_t timer_now_ns(void)
{
	return timer_to_ns(timer_now());
}

uint64_t timer_deadline(uint64_t from, uint64_t sec, uint64_t nsec)
{
	uint64_t hz = timebase, n;

	if (hz && sec > (UINT64_MAX - from) / hz)
		return UINT64_MAX;
	n = sec * hz + nsec * hz / 1000000000ull; /* nsec * hz fits: both below 2^32 */
	return n > UINT64_MAX - from ? UINT64_MAX : from + n;
}

uint64_t timer_timebase(void)
{
	return timebase;
}

uint64_t timer_to_ns(uint64_t t)
{
	uint64_t hz = timebase;

	if (!hz)
		return 0;
	return (t / hz) * 1000000000ull + (t % hz) * 1000000000ull / hz;
}

void timer_wake_at(uint64_t when)
{
	if (sbi && when < this_hart()->timer_deadline)
		sbi_set_timer(sbi, when);
}
