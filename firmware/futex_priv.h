/* What futex.c (the queues, wait, wake, requeue) and futex_pi.c (the lock words the kernel
 * reads: PI locks and robust lists) share. No other file includes it. */
#ifndef FAULTLINE_FIRMWARE_FUTEX_PRIV_H
#define FAULTLINE_FIRMWARE_FUTEX_PRIV_H

#include "platform/riscv/spinlock.h"
#include "platform/types.h"

struct task;
struct vm;

/* futex(2)'s operations and flags (linux/futex.h) */
#define FUTEX_WAIT	       0
#define FUTEX_WAKE	       1
#define FUTEX_REQUEUE	       3
#define FUTEX_CMP_REQUEUE      4
#define FUTEX_WAKE_OP	       5
#define FUTEX_LOCK_PI	       6
#define FUTEX_UNLOCK_PI	       7
#define FUTEX_TRYLOCK_PI       8
#define FUTEX_WAIT_BITSET      9
#define FUTEX_WAIT_REQUEUE_PI  11
#define FUTEX_LOCK_PI2	       13
#define FUTEX_PRIVATE_FLAG     128
#define FUTEX_CLOCK_REALTIME   256
#define FUTEX_CMD_MASK	       (~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME))
#define FUTEX_WAKE_BITSET      10
#define FUTEX_BITSET_MATCH_ANY 0xffffffffu

/* the lock word of a robust mutex: owner's tid, and two flags */
#define FUTEX_WAITERS	  0x80000000u
#define FUTEX_OWNER_DIED  0x40000000u
#define FUTEX_TID_MASK	  0x3fffffffu
#define ROBUST_LIST_LIMIT 2048 /* entries walked at most: a looped list must end (Linux's) */

#define BUCKETS 64 /* a power of two */

/* A sleeping waiter, on its own kernel stack for as long as it waits. */
struct futex_q {
	struct futex_q *next;
	struct task *task;
	const struct vm *vm; /* the key: the address space (or &shared_memory) and futex_key_of() */
	uintptr_t addr;	     /* changed by requeue, under both buckets' locks */
	uint32_t bitset;
	bool woken; /* set by the waker, under the bucket's lock, as it takes the waiter off */
	bool pi;    /* FUTEX_LOCK_PI's: woken as the lock's new owner, by FUTEX_UNLOCK_PI only */
	bool retry; /* a PI waiter woken to look at the word again (its owner died) */
	bool *any;  /* futex_waitv's: set too by the wake, which the call sleeps on; or NULL */
};

struct bucket {
	spinlock_t lock;
	struct futex_q *head; /* in arrival order: the first to wait is the first woken */
};

struct key {
	const struct vm *vm;
	uintptr_t addr;
};

/* futex_key_of - the key of the futex at @uaddr in @vm (see futex.c). */
struct key futex_key_of(struct vm *vm, uintptr_t uaddr, bool shared);
/* futex_bucket_of - the bucket a key hashes to. */
struct bucket *futex_bucket_of(const struct vm *vm, uintptr_t addr);
/* futex_enqueue, futex_wake_q - queue @q last in @b; take it off and wake its task. Bucket
 * lock held. */
void futex_enqueue(struct bucket *b, struct futex_q *q);
void futex_wake_q(struct bucket *b, struct futex_q *q);
/* futex_unqueue - take a waiter whose wait ended (timeout, signal) off its queue: true if it
 * was still queued, false if a waker took it first. */
bool futex_unqueue(struct futex_q *q);
/* futex_check_key - 0 if @uaddr can be a futex: aligned (-EINVAL), in the user half, and for
 * a shared one readable (-EFAULT). */
int futex_check_key(uintptr_t uaddr, bool shared);

/* futex_restart - the interrupted call of @tf is made again after a handler with SA_RESTART,
 * else ends with -EINTR (signal.c decides), as Linux's -ERESTARTSYS. Returns what the call
 * returns now. */
struct trap_frame;
long futex_restart(struct trap_frame *tf);

/* futex_pi.c: FUTEX_LOCK_PI, LOCK_PI2, TRYLOCK_PI (@try) and UNLOCK_PI; and the robust list
 * of an ending thread. */
int futex_lock_pi(uintptr_t uaddr, bool shared, uint64_t deadline, bool try);
int futex_unlock_pi(uintptr_t uaddr, bool shared);
void futex_exit_robust_list(struct task *t);

#endif
