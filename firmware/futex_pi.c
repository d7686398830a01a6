/* The lock words the kernel reads as well as the task: priority-inheritance locks
 * (FUTEX_LOCK_PI and friends: the word holds its owner's tid) and robust lists (a thread's
 * held locks, marked FUTEX_OWNER_DIED when it ends). Their waiters sleep in futex.c's
 * queues. */
#include "firmware/futex.h"

#include "firmware/futex_priv.h"
#include "firmware/task.h"
#include "firmware/uaccess.h"
#include "mm/vm.h"
#include "platform/errno.h"
#include "platform/riscv/spinlock.h"

/* Whether a PI waiter of key @k waits in bucket @b other than @except. Bucket lock held. */
static bool pi_waiters(struct bucket *b, struct key k, const struct futex_q *except)
{
	for (struct futex_q *q = b->head; q; q = q->next)
		if (q != except && q->pi && q->vm == k.vm && q->addr == k.addr)
			return true;
	return false;
}

/*
 * FUTEX_LOCK_PI, FUTEX_LOCK_PI2 and (@try) FUTEX_TRYLOCK_PI: the lock word holds its
 * owner's tid, FUTEX_WAITERS when someone waits in the kernel, and FUTEX_OWNER_DIED. A free
 * word (no tid) becomes the caller's; else the caller sets FUTEX_WAITERS and sleeps until
 * FUTEX_UNLOCK_PI hands it the lock. Every task has one priority here, so there is nothing
 * to lend the owner. Returns 0 (the caller owns the lock), -EDEADLK (it did already),
 * -ESRCH (the owner's tid is no thread), -EAGAIN (@try, owned), -ETIMEDOUT, -EINTR, -EFAULT.
 */
int futex_lock_pi(uintptr_t uaddr, bool shared, uint64_t deadline, bool try)
{
	struct task *t = task_current();
	uint32_t tid = (uint32_t)t->pid, cur, seen, want;
	struct futex_q q = { .task = t, .bitset = FUTEX_BITSET_MATCH_ANY, .pi = true };
	struct bucket *b;
	struct key k;
	int rc;

	rc = futex_check_key(uaddr, shared);
	if (rc)
		return rc;
	k = futex_key_of(t->vm, uaddr, shared);
	b = futex_bucket_of(k.vm, k.addr);
	for (;;) {
		spin_lock(&b->lock);
		rc = get_user_u32(uaddr, &cur);
		if (rc)
			goto out;
		if ((cur & FUTEX_TID_MASK) == tid) {
			rc = -EDEADLK;
			goto out;
		}
		if (!(cur & FUTEX_TID_MASK)) {
			/* free, perhaps with its last owner dead: the caller's, waiters kept */
			want = tid | (cur & FUTEX_OWNER_DIED) |
			       (pi_waiters(b, k, NULL) ? FUTEX_WAITERS : 0);
			rc = user_cmpxchg_u32(uaddr, cur, want, &seen);
			spin_unlock(&b->lock);
			if (rc || seen == cur)
				return rc;
			continue; /* changed under us: look again */
		}
		/* owned: FUTEX_WAITERS first, then the owner looked for, as Linux's order */
		if (!(cur & FUTEX_WAITERS)) {
			rc = user_cmpxchg_u32(uaddr, cur, cur | FUTEX_WAITERS, &seen);
			if (rc)
				goto out;
			if (seen != cur) {
				spin_unlock(&b->lock);
				continue;
			}
		}
		if (!task_pid_exists((int)(cur & FUTEX_TID_MASK))) {
			rc = -ESRCH;
			goto out;
		}
		if (try) {
			rc = -EAGAIN;
			goto out;
		}
		q.vm = k.vm;
		q.addr = k.addr;
		q.woken = q.retry = false;
		futex_enqueue(b, &q);
		spin_unlock(&b->lock);
		rc = task_block(&q.woken, deadline);
		if (rc && futex_unqueue(&q))
			return rc;
		if (!q.retry)
			return 0; /* the unlocker made the word ours */
	}
out:
	spin_unlock(&b->lock);
	return rc;
}

/* FUTEX_UNLOCK_PI: the caller, the owner, gives the lock to its first waiter (the word gets
 * that waiter's tid and FUTEX_WAITERS, as Linux's) or frees it. -EPERM when the caller does
 * not own it. */
int futex_unlock_pi(uintptr_t uaddr, bool shared)
{
	struct task *t = task_current();
	uint32_t tid = (uint32_t)t->pid, cur, seen, want;
	struct futex_q *q;
	struct bucket *b;
	struct key k;
	int rc;

	rc = futex_check_key(uaddr, shared);
	if (rc)
		return rc;
	k = futex_key_of(t->vm, uaddr, shared);
	b = futex_bucket_of(k.vm, k.addr);
	spin_lock(&b->lock);
	for (;;) {
		rc = get_user_u32(uaddr, &cur);
		if (rc)
			break;
		if ((cur & FUTEX_TID_MASK) != tid) {
			rc = -EPERM;
			break;
		}
		for (q = b->head; q; q = q->next)
			if (q->pi && q->vm == k.vm && q->addr == k.addr)
				break;
		want = q ? (uint32_t)q->task->pid | FUTEX_WAITERS : 0;
		rc = user_cmpxchg_u32(uaddr, cur, want, &seen);
		if (rc)
			break;
		if (seen != cur)
			continue;
		if (q)
			futex_wake_q(b, q);
		break;
	}
	spin_unlock(&b->lock);
	return rc;
}

/* Wakes every PI waiter on the word at @uaddr, shared or private, to look at it again: its
 * owner died and left it free with FUTEX_OWNER_DIED. */
static void pi_wake_retry(struct vm *vm, uintptr_t uaddr)
{
	for (int shared = 0; shared < 2; shared++) {
		struct key k = futex_key_of(vm, uaddr, shared);
		struct bucket *b = futex_bucket_of(k.vm, k.addr);
		struct futex_q *q, *next;

		spin_lock(&b->lock);
		for (q = b->head; q; q = next) {
			next = q->next;
			if (q->pi && q->vm == k.vm && q->addr == k.addr) {
				q->retry = true;
				futex_wake_q(b, q);
			}
		}
		spin_unlock(&b->lock);
	}
}

/* A robust lock at @uaddr held by the ending thread @tid gets FUTEX_OWNER_DIED and one of its
 * waiters is woken, who takes it over (Linux's handle_futex_death: a shared wake, as glibc's
 * robust mutexes wait). @pending: the lock the
 * thread was taking or giving back when it ended, whose waiter may need waking anyway. */
static void owner_died(struct vm *vm, uintptr_t uaddr, uint32_t tid, bool pending)
{
	uint32_t cur, seen;

	if (uaddr & 3)
		return;
	for (;;) {
		if (get_user_u32(uaddr, &cur))
			return;
		/* a lock given back just before the end: its waiter was perhaps not woken */
		if (pending && cur == 0) {
			futex_wake(vm, uaddr, true, 1, FUTEX_BITSET_MATCH_ANY);
			return;
		}
		if ((cur & FUTEX_TID_MASK) != tid)
			return;
		if (user_cmpxchg_u32(uaddr, cur, (cur & FUTEX_WAITERS) | FUTEX_OWNER_DIED, &seen))
			return;
		if (seen == cur)
			break; /* else the word changed under us: look again */
	}
	if (cur & FUTEX_WAITERS) {
		futex_wake(vm, uaddr, true, 1, FUTEX_BITSET_MATCH_ANY);
		pi_wake_retry(vm, uaddr);
	}
}

/* Linux's struct robust_list_head on 64-bit: the list's first entry (an entry is the
 * address of the next one, low bit set for a PI lock), the offset from an entry to its lock
 * word, and the entry of the lock being taken or given back */
struct robust_head {
	uint64_t next;
	int64_t futex_offset;
	uint64_t pending;
};

void futex_exit_robust_list(struct task *t)
{
	struct robust_head h;
	uint64_t entry, pending;
	uint32_t tid = (uint32_t)t->pid;
	int limit = ROBUST_LIST_LIMIT;

	if (!t->robust_list || copy_from_user(&h, t->robust_list, sizeof(h)))
		return;
	pending = h.pending & ~1ull;
	entry = h.next & ~1ull;
	while (entry != t->robust_list && limit--) {
		uint64_t next;

		/* the next entry first: once the lock is given up, its memory may change */
		if (copy_from_user(&next, entry, sizeof(next)))
			return;
		if (entry != pending)
			owner_died(t->vm, entry + (uint64_t)h.futex_offset, tid, false);
		entry = next & ~1ull;
	}
	if (pending)
		owner_died(t->vm, pending + (uint64_t)h.futex_offset, tid, true);
}
