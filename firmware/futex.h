/* Futexes: tasks sleeping on a 32-bit word of user memory until another wakes them (Linux's
 * futex(2) without priority inheritance), and what a thread's end does for the words of the
 * locks it held (robust lists) and of its tid (CLONE_CHILD_CLEARTID, pthread_join). */
#ifndef FAULTLINE_FIRMWARE_FUTEX_H
#define FAULTLINE_FIRMWARE_FUTEX_H

#include "platform/types.h"

struct task;
struct vm;

/* futex_wake - wake up to @n waiters (at least one) on the @shared or private futex at
 * @uaddr of @vm (shared memory's, whichever space maps it, for a shared one) whose bitset
 * meets @bitset. Returns how many were woken. */
int futex_wake(struct vm *vm, uintptr_t uaddr, bool shared, int n, uint32_t bitset);

/*
 * futex_exit - the current thread @t is ending, still on its address space: each lock on its
 * robust list that it holds gets FUTEX_OWNER_DIED and one waiter woken; and when other
 * threads share the space, 0 goes to its clear_child_tid word and one waiter there is woken
 * (what pthread_join sleeps on). Bad user addresses are ignored, as Linux does.
 */
void futex_exit(struct task *t);

#endif
