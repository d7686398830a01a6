/* The scheduler: one shared run queue, the task table, scanned round robin by every hart's
 * loop under the task lock; each loop runs on its hart's scheduler stack (the boot stack on
 * hart 0). A task gives the hart back by switching to the loop with the task lock held, and
 * the loop releases the lock once the switch is complete, so no other hart can pick a task
 * whose registers are still being saved. The kernel is not preemptible: interrupts stay
 * masked while it runs, and tasks are switched on the way back to U-mode. Harts with nothing
 * to run wait in wfi; a task made runnable nudges one of them with an IPI.
 *
 * One shared queue rather than a queue per hart: with TASK_MAX tasks a scan is short, the
 * lock is taken only at switches (never on a fault or a system call), and balancing is free:
 * whichever hart is free takes the next task its affinity allows. */
#include "firmware/task.h"

#include "firmware/fdtable.h"
#include "firmware/fpu.h"
#include "firmware/kstack.h"
#include "firmware/smp.h"
#include "firmware/task_priv.h"
#include "firmware/timer.h"
#include "platform/errno.h"
#include "platform/riscv/irq.h"
#include "platform/riscv/spinlock.h"

static unsigned int rr_next; /* round-robin cursor */
static unsigned long idle;   /* harts waiting in wfi for work, by logical number */
static bool boot_only;	     /* task_boot_hart_only() */

void task_boot_hart_only(bool on)
{
	__atomic_store_n(&boot_only, on, __ATOMIC_RELEASE);
}

/* Gives the hart back to the scheduler loop. Lock held; returns with it held. */
void task_sched(void)
{
	struct hart *h = this_hart();
	struct task *t = h->current;

	t->run_time += timer_now() - t->run_since;
	fpu_switch_out(&t->fp);
	switch_context(&t->ctx, &h->sched_ctx);
}

static struct task *pick_next(const struct hart *h)
{
	uint64_t now = timer_now();

	if (h->cpu && __atomic_load_n(&boot_only, __ATOMIC_ACQUIRE))
		return NULL;
	for (unsigned int n = 0; n < TASK_MAX; n++) {
		struct task *t = &task_table[(rr_next + n) % TASK_MAX];

		if (t->state == TASK_SLEEPING && now >= t->wake_at)
			t->state = TASK_RUNNABLE;
		if (t->state == TASK_RUNNABLE && (t->affinity & h->bit)) {
			rr_next = (t->slot + 1) % TASK_MAX;
			return t;
		}
	}
	return NULL;
}

/* The time CSR value at which the first sleeper wakes; UINT64_MAX when none sleeps. */
static uint64_t first_wake(void)
{
	uint64_t when = UINT64_MAX;

	for (int i = 0; i < TASK_MAX; i++)
		if (task_table[i].state == TASK_SLEEPING && task_table[i].wake_at < when)
			when = task_table[i].wake_at;
	return when;
}

static bool any_task(void)
{
	for (int i = 0; i < TASK_MAX; i++)
		if (task_table[i].state != TASK_FREE)
			return true;
	return false;
}

static bool any_running(void)
{
	for (int i = 0; i < TASK_MAX; i++)
		if (task_table[i].state == TASK_RUNNING)
			return true;
	return false;
}

/* Ends every task (after a task_poweroff request), once no hart runs one. Lock held. */
static void end_all(void)
{
	for (int i = 0; i < TASK_MAX; i++) {
		struct task *t = &task_table[i];

		if (t->state == TASK_FREE)
			continue;
		if (t->vm) {
			vm_put(t->vm); /* threads share one: the last put destroys it */
			t->vm = NULL;
		}
		if (t->fds) {
			fdtable_put(t->fds);
			t->fds = NULL;
		}
		task_release(t);
	}
}

void task_kick(struct task *t)
{
	struct hart *h = this_hart();
	unsigned long others;

	if (t->state == TASK_RUNNING) {
		if (t->on_hart && t->on_hart != h)
			smp_send_ipi(t->on_hart->bit);
		return;
	}
	if (t->state != TASK_RUNNABLE)
		return;
	others = __atomic_load_n(&idle, __ATOMIC_RELAXED) & t->affinity & ~h->bit;
	if (others)
		smp_send_ipi(others & -others); /* one is enough: the first to look takes it */
}

/* Runs @t on this hart until it gives the hart back. Lock held; returns with it held. */
static void run(struct hart *h, struct task *t)
{
	t->state = TASK_RUNNING;
	t->on_hart = h;
	h->current = t;
	h->kstack_top = t->kstack_top;
	kstack_enter(t->slot);
	task_enter_vm(t->vm);
	fpu_switch_in(&t->fp);
	h->work = t->sig_ready;
	t->run_since = timer_now();
	switch_context(&h->sched_ctx, &t->ctx);
	/* the task gave the hart back, lock held */
	t->on_hart = NULL;
	h->current = NULL;
	task_leave_vm();
	if (t->state == TASK_ZOMBIE && !t->parent)
		task_release(t); /* nobody will wait for it */
}

/* Waits for an interrupt: a tick, the first sleeper's time, or another hart's nudge. Called
 * with the lock held; returns without it. */
static void wait_for_work(struct hart *h)
{
	timer_wake_at(first_wake());
	__atomic_fetch_or(&idle, h->bit, __ATOMIC_SEQ_CST);
	spin_unlock(&task_lock);
	irq_enable();
	__asm__ volatile("wfi");
	irq_disable();
	__atomic_fetch_and(&idle, ~h->bit, __ATOMIC_SEQ_CST);
}

/* The loop every hart runs; the boot hart's returns when no task is left anywhere. */
static void loop(bool until_empty)
{
	struct hart *h = this_hart();

	for (;;) {
		struct task *t;

		spin_lock(&task_lock);
		if (task_poweroff) {
			/* the boot hart ends them all once every hart has given its task back */
			if (until_empty && !any_running()) {
				end_all();
				spin_unlock(&task_lock);
				return;
			}
			wait_for_work(h);
			continue;
		}
		t = pick_next(h);
		if (!t) {
			if (until_empty && !any_task()) {
				spin_unlock(&task_lock);
				return;
			}
			wait_for_work(h);
			continue;
		}
		run(h, t);
		spin_unlock(&task_lock);
	}
}

void task_run_all(void)
{
	loop(true);
}

void task_run_secondary(void)
{
	loop(false);
	for (;;)
		__asm__ volatile("wfi");
}

void task_yield(void)
{
	struct task *t = task_current();

	spin_lock(&task_lock);
	t->state = TASK_RUNNABLE;
	/* only a task that may no longer run here (sched_setaffinity) needs another hart: any
	 * other runnable task an idle hart would have taken already, and moving this one for
	 * nothing would leave it waiting for that hart to wake */
	if (!(t->affinity & this_hart()->bit))
		task_kick(t);
	task_sched();
	spin_unlock(&task_lock);
}

void task_preempt(void)
{
	task_current()->preempted++;
	task_yield();
}

int task_sleep_until(uint64_t when)
{
	struct task *t = task_current();
	int rc = 0;

	spin_lock(&task_lock);
	if (!t->sig_ready) {
		t->state = TASK_SLEEPING;
		t->wake_at = when;
		task_sched();
	}
	if (t->sig_ready && timer_now() < when)
		rc = -EINTR;
	spin_unlock(&task_lock);
	return rc;
}

void task_wait_for_signal(void)
{
	struct task *t = task_current();

	spin_lock(&task_lock);
	while (!t->sig_ready) {
		t->state = TASK_SLEEPING;
		t->wake_at = UINT64_MAX;
		task_sched();
	}
	spin_unlock(&task_lock);
}

void task_wake(struct task *t)
{
	spin_lock(&task_lock);
	if (t->state == TASK_SLEEPING) {
		t->state = TASK_RUNNABLE;
		task_kick(t);
	}
	spin_unlock(&task_lock);
}

int task_block(const bool *woken, uint64_t deadline)
{
	struct task *t = task_current();
	int rc;

	spin_lock(&task_lock);
	for (;;) {
		if (__atomic_load_n(woken, __ATOMIC_ACQUIRE)) {
			rc = 0;
			break;
		}
		if (t->sig_ready) {
			rc = -EINTR;
			break;
		}
		if (timer_now() >= deadline) {
			rc = -ETIMEDOUT;
			break;
		}
		t->state = TASK_SLEEPING;
		t->wake_at = deadline;
		task_sched();
	}
	spin_unlock(&task_lock);
	return rc;
}
