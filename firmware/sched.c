/* The scheduler: one round-robin loop per hart over the task table, run on the boot stack.
 * A task gives the hart back by switching to it with the task lock held, and the loop
 * releases the lock once the switch is complete. The kernel is not preemptible: interrupts
 * stay masked while it runs, and tasks are switched on the way back to U-mode. */
#include "firmware/task.h"

#include "firmware/fdtable.h"
#include "firmware/fpu.h"
#include "firmware/task_priv.h"
#include "firmware/timer.h"
#include "platform/errno.h"
#include "platform/riscv/irq.h"
#include "platform/riscv/spinlock.h"

static unsigned int rr_next; /* round-robin cursor */

/* Gives the hart back to the scheduler loop. Lock held; returns with it held. */
void task_sched(void)
{
	struct hart *h = this_hart();
	struct task *t = h->current;

	t->run_time += timer_now() - t->run_since;
	fpu_switch_out(&t->fp);
	switch_context(&t->ctx, &h->sched_ctx);
}

static struct task *pick_next(void)
{
	uint64_t now = timer_now();

	for (unsigned int n = 0; n < TASK_MAX; n++) {
		struct task *t = &task_table[(rr_next + n) % TASK_MAX];

		if (t->state == TASK_SLEEPING && now >= t->wake_at)
			t->state = TASK_RUNNABLE;
		if (t->state == TASK_RUNNABLE) {
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

/* Ends every task that is not running (after a task_poweroff request). Lock held. */
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

void task_run_all(void)
{
	struct hart *h = this_hart();

	for (;;) {
		struct task *t;

		spin_lock(&task_lock);
		if (task_poweroff) {
			end_all();
			spin_unlock(&task_lock);
			return;
		}
		t = pick_next();
		if (!t) {
			bool left = any_task();

			/* everyone sleeps or waits: idle until the next interrupt, which comes no
			 * later than the first sleeper's time */
			timer_wake_at(first_wake());
			spin_unlock(&task_lock);
			if (!left)
				return;
			irq_enable();
			__asm__ volatile("wfi");
			irq_disable();
			continue;
		}
		t->state = TASK_RUNNING;
		h->current = t;
		h->kstack_top = t->kstack_top;
		task_enter_vm(t->vm);
		fpu_switch_in(&t->fp);
		h->work = t->sig_ready;
		t->run_since = timer_now();
		switch_context(&h->sched_ctx, &t->ctx);
		/* the task gave the hart back, lock held */
		h->current = NULL;
		task_leave_vm();
		if (t->state == TASK_ZOMBIE && !t->parent)
			task_release(t); /* nobody will wait for it */
		spin_unlock(&task_lock);
	}
}

void task_yield(void)
{
	spin_lock(&task_lock);
	task_current()->state = TASK_RUNNABLE;
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
	if (t->state == TASK_SLEEPING)
		t->state = TASK_RUNNABLE;
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

void task_kick(struct task *t)
{
	/* Only the boot hart runs tasks yet, and it is the caller's: @t is in the kernel or
	 * will pass ret_to_user, whose work flag the switch-in sets. With more harts, the
	 * inter-hart interrupt that makes @t's hart trap goes here. */
	(void)t;
}
