/* What the task module's two files share: task.c (life cycle) and sched.c (the scheduler).
 * Not a door for anything else. */
#ifndef FAULTLINE_FIRMWARE_TASK_PRIV_H
#define FAULTLINE_FIRMWARE_TASK_PRIV_H

#include "firmware/task.h"
#include "platform/riscv/spinlock.h"

extern struct task task_table[TASK_MAX];
extern spinlock_t task_lock; /* guards the table and every state change */
extern bool task_poweroff;   /* reboot(POWER_OFF) asked: the loop ends every task */

/* task_sched - give the hart back to the scheduler loop. Lock held; returns with it held. */
void task_sched(void);

/* task_release - give back the slot of a task no hart runs any more. Lock held. */
void task_release(struct task *t);

/* task_enter_vm, task_leave_vm - this hart onto @vm's page tables, and back to the
 * kernel's. */
void task_enter_vm(struct vm *vm);
void task_leave_vm(void);

#endif
