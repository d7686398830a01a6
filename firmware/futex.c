/* Futexes: wait queues hashed by (address space, address, shared or private: Linux keeps the
 * two kinds of one word apart), or for a shared futex in shared memory by the word's physical
 * address (so that processes mapping it meet on it), each bucket under its own lock;
 * futex(2)'s wait, wake, requeue and wake-op operations; and a thread's end for its
 * clear_child_tid word (the lock words, PI and robust, are futex_pi.c's). A waiter reads the word
 * and queues itself under its bucket's lock, and a waker takes that lock to find it, so no wake-up
 * falls between the check and the sleep (task_block in sched.c closes the rest of the gap). */
#include "firmware/futex.h"

#include "firmware/futex_priv.h"

#include "firmware/clock.h"
#include "firmware/syscall_impl.h"
#include "firmware/task.h"
#include "firmware/timer.h"
#include "firmware/uaccess.h"
#include "mm/vm.h"
#include "platform/errno.h"
#include "platform/riscv/spinlock.h"

static struct bucket buckets[BUCKETS];

/* The "address space" of futexes keyed by physical address: no task's. */
static const struct vm *const shared_memory = (const struct vm *)&buckets;

/* A futex's key: the word's address with the kind of futex in its low bit (words are
 * aligned: a shared and a private futex on one word are two futexes, as Linux's keys
 * differ), in @vm; but a shared futex in shared memory is its physical address, in no space.
 * A shared futex's page is mapped (futex_check_key read it). */
struct key futex_key_of(struct vm *vm, uintptr_t uaddr, bool shared)
{
	paddr_t pa = shared ? vm_shared_paddr(vm, uaddr) : 0;

	if (pa)
		return (struct key){ shared_memory, pa | 1 };
	return (struct key){ vm, uaddr | (shared ? 1 : 0) };
}

struct bucket *futex_bucket_of(const struct vm *vm, uintptr_t addr)
{
	uint64_t h = ((uintptr_t)vm >> 6) ^ (addr >> 2);

	h *= 0x9e3779b97f4a7c15ull; /* Fibonacci hashing: the high bits mix every input bit */
	return &buckets[h >> 58];
}
_Static_assert(BUCKETS == 64, "the hash keeps 6 bits");

/* Bucket lock held. */
void futex_enqueue(struct bucket *b, struct futex_q *q)
{
	struct futex_q **pp = &b->head;

	while (*pp)
		pp = &(*pp)->next;
	q->next = NULL;
	*pp = q;
}

/* Bucket lock held; @q is on @b. */
static void unlink_q(struct bucket *b, struct futex_q *q)
{
	for (struct futex_q **pp = &b->head; *pp; pp = &(*pp)->next)
		if (*pp == q) {
			*pp = q->next;
			return;
		}
}

/* Takes @q off its bucket and wakes its task. Bucket lock held: the waiter cannot leave
 * (and its futex_q go) before the lock is given back. */
void futex_wake_q(struct bucket *b, struct futex_q *q)
{
	struct task *t = q->task;

	unlink_q(b, q);
	__atomic_store_n(&q->woken, true, __ATOMIC_RELEASE);
	if (q->any)
		__atomic_store_n(q->any, true, __ATOMIC_RELEASE);
	task_wake(t);
}

/* Takes the waiter @q off its queue if no waker has. Returns true when it was still there. */
bool futex_unqueue(struct futex_q *q)
{
	for (;;) {
		uintptr_t addr = __atomic_load_n(&q->addr, __ATOMIC_ACQUIRE);
		struct bucket *b = futex_bucket_of(q->vm, addr);
		bool queued;

		spin_lock(&b->lock);
		if (q->addr != addr) { /* requeued meanwhile: to another bucket, maybe */
			spin_unlock(&b->lock);
			continue;
		}
		queued = !q->woken;
		if (queued)
			unlink_q(b, q);
		spin_unlock(&b->lock);
		return queued;
	}
}

/* Linux's checks of a futex address: aligned (-EINVAL) and in the user half (-EFAULT). */
static int check_addr(uintptr_t uaddr)
{
	if (uaddr & 3)
		return -EINVAL;
	return user_range_ok(uaddr, sizeof(uint32_t)) ? 0 : -EFAULT;
}

/* A shared futex's key is found through its page, which must be there: a bad address is
 * -EFAULT even for a wake (a private one needs no look at memory). */
int futex_check_key(uintptr_t uaddr, bool shared)
{
	uint32_t v;
	int rc = check_addr(uaddr);

	if (rc == 0 && shared)
		rc = get_user_u32(uaddr, &v);
	return rc;
}

/*
 * Sleeps while the word at @uaddr holds @val, until a wake whose bitset meets @bitset, the
 * time CSR reaching @deadline, or a signal. Returns 0 when woken, -EAGAIN (the word
 * differs), -ETIMEDOUT, -EINTR, -EFAULT, -EINVAL.
 */
static int futex_wait(uintptr_t uaddr, bool shared, uint32_t val, uint32_t bitset,
		      uint64_t deadline)
{
	struct task *t = task_current();
	struct futex_q q = { .task = t, .bitset = bitset };
	struct bucket *b;
	struct key k;
	uint32_t cur;
	int rc;

	if (!bitset)
		return -EINVAL;
	rc = futex_check_key(uaddr, shared);
	if (rc)
		return rc;
	k = futex_key_of(t->vm, uaddr, shared);
	q.vm = k.vm;
	q.addr = k.addr;
	b = futex_bucket_of(q.vm, q.addr);
	spin_lock(&b->lock);
	rc = get_user_u32(uaddr, &cur);
	if (rc == 0 && cur != val)
		rc = -EAGAIN;
	if (rc) {
		spin_unlock(&b->lock);
		return rc;
	}
	futex_enqueue(b, &q);
	spin_unlock(&b->lock);
	rc = task_block(&q.woken, deadline);
	/* a wake that came with the signal or the timeout wins, as Linux's */
	if (rc && !futex_unqueue(&q))
		rc = 0;
	return rc;
}

/* Wakes up to @n waiters (at least one, as Linux counts) of key @k in bucket @b whose bitset
 * meets @bitset; PI waiters are left to FUTEX_UNLOCK_PI. Bucket lock held. */
static int wake_locked(struct bucket *b, struct key k, int n, uint32_t bitset)
{
	struct futex_q *q, *next;
	int woken = 0;

	for (q = b->head; q; q = next) {
		next = q->next;
		if (q->vm != k.vm || q->addr != k.addr || !(q->bitset & bitset) || q->pi)
			continue;
		futex_wake_q(b, q);
		if (++woken >= n)
			break;
	}
	return woken;
}

int futex_wake(struct vm *space, uintptr_t uaddr, bool shared, int n, uint32_t bitset)
{
	const struct key k = futex_key_of(space, uaddr, shared);
	struct bucket *b = futex_bucket_of(k.vm, k.addr);
	int woken;

	spin_lock(&b->lock);
	woken = wake_locked(b, k, n, bitset);
	spin_unlock(&b->lock);
	return woken;
}

/* Both buckets locked, each once, in address order (another requeue may lock them too). */
static void lock_two(struct bucket *a, struct bucket *b)
{
	if (a == b) {
		spin_lock(&a->lock);
	} else if (a < b) {
		spin_lock(&a->lock);
		spin_lock(&b->lock);
	} else {
		spin_lock(&b->lock);
		spin_lock(&a->lock);
	}
}

static void unlock_two(struct bucket *a, struct bucket *b)
{
	spin_unlock(&a->lock);
	if (a != b)
		spin_unlock(&b->lock);
}

/*
 * FUTEX_REQUEUE and FUTEX_CMP_REQUEUE (@cmpval not NULL: the word at @uaddr must hold it, or
 * -EAGAIN): wakes up to @nr_wake waiters on @uaddr and moves up to @nr_requeue more to
 * @uaddr2. Returns how many were woken and moved, as Linux's futex_requeue counts.
 */
static long futex_requeue(uintptr_t uaddr, uintptr_t uaddr2, int nr_wake, int nr_requeue,
			  const uint32_t *cmpval, bool shared)
{
	struct vm *space = task_current()->vm;
	const struct vm *vm, *vm2;
	uintptr_t key1, key2;
	struct key k;
	struct bucket *b1, *b2;
	struct futex_q *q, *next;
	int count = 0, rc;

	if (nr_wake < 0 || nr_requeue < 0)
		return -EINVAL;
	rc = futex_check_key(uaddr, shared);
	if (rc == 0)
		rc = futex_check_key(uaddr2, shared);
	if (rc)
		return rc;
	k = futex_key_of(space, uaddr, shared);
	vm = k.vm;
	key1 = k.addr;
	k = futex_key_of(space, uaddr2, shared);
	vm2 = k.vm;
	key2 = k.addr;
	b1 = futex_bucket_of(vm, key1);
	b2 = futex_bucket_of(vm2, key2);
	lock_two(b1, b2);
	if (cmpval) {
		uint32_t cur;

		rc = get_user_u32(uaddr, &cur);
		if (rc == 0 && cur != *cmpval)
			rc = -EAGAIN;
		if (rc) {
			unlock_two(b1, b2);
			return rc;
		}
	}
	for (q = b1->head; q; q = next) {
		next = q->next;
		if (q->vm != vm || q->addr != key1 || q->pi)
			continue;
		if (count - nr_wake >= nr_requeue)
			break;
		if (++count <= nr_wake) {
			futex_wake_q(b1, q);
			continue;
		}
		unlink_q(b1, q);
		q->vm = vm2;
		__atomic_store_n(&q->addr, key2, __ATOMIC_RELEASE);
		futex_enqueue(b2, q);
	}
	unlock_two(b1, b2);
	return count;
}

/* FUTEX_WAKE_OP's operation on the second word, and its comparison of the old value:
 * linux/futex.h's encoding in val3 (op and cmp 4 bits each, two signed 12-bit arguments). */
#define FUTEX_OP_SET	     0
#define FUTEX_OP_ADD	     1
#define FUTEX_OP_OR	     2
#define FUTEX_OP_ANDN	     3
#define FUTEX_OP_XOR	     4
#define FUTEX_OP_OPARG_SHIFT 8
#define FUTEX_OP_CMP_EQ	     0
#define FUTEX_OP_CMP_NE	     1
#define FUTEX_OP_CMP_LT	     2
#define FUTEX_OP_CMP_LE	     3
#define FUTEX_OP_CMP_GT	     4
#define FUTEX_OP_CMP_GE	     5

/* Applies the operation encoded in @encoded to the word at @uaddr2 atomically and compares
 * its old value: 1 (true), 0 (false), -ENOSYS (no such operation or comparison), -EFAULT. */
static int atomic_op(uintptr_t uaddr2, uint32_t encoded)
{
	unsigned int op = (encoded >> 28) & 7, cmp = (encoded >> 24) & 15;
	int32_t oparg = (int32_t)(encoded << 8) >> 20, cmparg = (int32_t)(encoded << 20) >> 20;
	uint32_t old, new, seen;
	int rc;

	if (encoded & (FUTEX_OP_OPARG_SHIFT << 28))
		oparg = (int32_t)(1u << (oparg & 31)); /* Linux masks a shift out of range */
	if (op > FUTEX_OP_XOR)
		return -ENOSYS;
	rc = get_user_u32(uaddr2, &old);
	for (;;) {
		if (rc)
			return rc;
		switch (op) {
		case FUTEX_OP_SET:
			new = (uint32_t)oparg;
			break;
		case FUTEX_OP_ADD:
			new = old + (uint32_t)oparg;
			break;
		case FUTEX_OP_OR:
			new = old | (uint32_t)oparg;
			break;
		case FUTEX_OP_ANDN:
			new = old & ~(uint32_t)oparg;
			break;
		default:
			new = old ^ (uint32_t)oparg;
			break;
		}
		rc = user_cmpxchg_u32(uaddr2, old, new, &seen);
		if (rc == 0 && seen == old)
			break;
		old = seen;
	}
	switch (cmp) {
	case FUTEX_OP_CMP_EQ:
		return (int32_t)old == cmparg;
	case FUTEX_OP_CMP_NE:
		return (int32_t)old != cmparg;
	case FUTEX_OP_CMP_LT:
		return (int32_t)old < cmparg;
	case FUTEX_OP_CMP_LE:
		return (int32_t)old <= cmparg;
	case FUTEX_OP_CMP_GT:
		return (int32_t)old > cmparg;
	case FUTEX_OP_CMP_GE:
		return (int32_t)old >= cmparg;
	default:
		return -ENOSYS;
	}
}

/*
 * FUTEX_WAKE_OP: under both words' locks, changes the word at @uaddr2 as @encoded says,
 * wakes up to @nr_wake waiters on @uaddr and, when the old value of @uaddr2 passed the
 * comparison, up to @nr_wake2 on @uaddr2. Returns how many were woken, or the error.
 */
static long futex_wake_op(uintptr_t uaddr, uintptr_t uaddr2, int nr_wake, int nr_wake2,
			  uint32_t encoded, bool shared)
{
	struct vm *space = task_current()->vm;
	struct key k1, k2;
	struct bucket *b1, *b2;
	int rc, woken;

	rc = futex_check_key(uaddr, shared);
	if (rc == 0)
		rc = futex_check_key(uaddr2, shared);
	if (rc)
		return rc;
	k1 = futex_key_of(space, uaddr, shared);
	k2 = futex_key_of(space, uaddr2, shared);
	b1 = futex_bucket_of(k1.vm, k1.addr);
	b2 = futex_bucket_of(k2.vm, k2.addr);
	lock_two(b1, b2);
	rc = atomic_op(uaddr2, encoded);
	if (rc < 0) {
		unlock_two(b1, b2);
		return rc;
	}
	woken = wake_locked(b1, k1, nr_wake, FUTEX_BITSET_MATCH_ANY);
	if (rc > 0)
		woken += wake_locked(b2, k2, nr_wake2, FUTEX_BITSET_MATCH_ANY);
	unlock_two(b1, b2);
	return woken;
}

/* Sets up the restart of an interrupted wait without a timeout (or with an absolute one). */
long futex_restart(struct trap_frame *tf)
{
	struct task *t = task_current();

	t->restart_pending = true;
	t->restart_a0 = tf->a0;
	task_signal_recalc(t);
	return -ERESTARTSYS;
}

static bool has_timeout(int cmd)
{
	return cmd == FUTEX_WAIT || cmd == FUTEX_WAIT_BITSET || cmd == FUTEX_LOCK_PI ||
	       cmd == FUTEX_LOCK_PI2 || cmd == FUTEX_WAIT_REQUEUE_PI;
}

/* futex(uaddr, op, val, timeout or val2, uaddr2, val3), checked in Linux's order. */
static long sys_futex(struct trap_frame *tf)
{
	uintptr_t uaddr = tf->a0, utime = tf->a3, uaddr2 = tf->a4;
	int op = (int)tf->a1, cmd = op & FUTEX_CMD_MASK;
	uint32_t val = (uint32_t)tf->a2, val3 = (uint32_t)tf->a5;
	bool shared = !(op & FUTEX_PRIVATE_FLAG);
	uint64_t deadline = UINT64_MAX;
	long rc;

	if (utime && has_timeout(cmd)) {
		/* FUTEX_WAIT's is relative; the others' absolute, on MONOTONIC unless the flag */
		rc = clock_deadline_from_user((op & FUTEX_CLOCK_REALTIME) || cmd == FUTEX_LOCK_PI
						  ? CLOCK_REALTIME
						  : CLOCK_MONOTONIC,
					      cmd != FUTEX_WAIT, utime, &deadline);
		if (rc)
			return rc;
	}
	if ((op & FUTEX_CLOCK_REALTIME) && cmd != FUTEX_WAIT_BITSET &&
	    cmd != FUTEX_WAIT_REQUEUE_PI && cmd != FUTEX_LOCK_PI2)
		return -ENOSYS;
	switch (cmd) {
	case FUTEX_WAIT:
		val3 = FUTEX_BITSET_MATCH_ANY;
		/* fall through */
	case FUTEX_WAIT_BITSET:
		rc = futex_wait(uaddr, shared, val, val3, deadline);
		/* a wait without a timeout is made again after a handler with SA_RESTART; one
		 * with a timeout ends with EINTR (Linux restarts it only when no handler runs,
		 * and signals nobody handles do not wake it here) */
		if (rc == -EINTR && !utime)
			return futex_restart(tf);
		return rc;
	case FUTEX_WAKE:
		val3 = FUTEX_BITSET_MATCH_ANY;
		/* fall through */
	case FUTEX_WAKE_BITSET:
		if (!val3)
			return -EINVAL;
		rc = futex_check_key(uaddr, shared);
		if (rc)
			return rc;
		return futex_wake(task_current()->vm, uaddr, shared, (int)val, val3);
	case FUTEX_REQUEUE:
		return futex_requeue(uaddr, uaddr2, (int)val, (int)(uint32_t)utime, NULL, shared);
	case FUTEX_CMP_REQUEUE:
		return futex_requeue(uaddr, uaddr2, (int)val, (int)(uint32_t)utime, &val3, shared);
	case FUTEX_WAKE_OP:
		return futex_wake_op(uaddr, uaddr2, (int)val, (int)(uint32_t)utime, val3, shared);
	case FUTEX_LOCK_PI:
	case FUTEX_LOCK_PI2:
	case FUTEX_TRYLOCK_PI:
		rc = futex_lock_pi(uaddr, shared, deadline, cmd == FUTEX_TRYLOCK_PI);
		/* glibc takes any other answer as the lock taken: a handler's signal makes the
		 * call again afterwards, as Linux's -ERESTARTNOINTR */
		if (rc == -EINTR) {
			tf->sepc -= 4;
			return (long)tf->a0;
		}
		return rc;
	case FUTEX_UNLOCK_PI:
		return futex_unlock_pi(uaddr, shared);
	}
	/* FUTEX_WAIT_REQUEUE_PI and FUTEX_CMP_REQUEUE_PI are not here */
	return -ENOSYS;
}

void futex_exit(struct task *t)
{
	futex_exit_robust_list(t);
	/* Linux clears and wakes only when the space lives on after this thread (mm_release) */
	if (t->clear_child_tid && __atomic_load_n(&t->vm->users, __ATOMIC_ACQUIRE) > 1) {
		uint32_t zero = 0;

		if (copy_to_user(t->clear_child_tid, &zero, sizeof(zero)) == 0)
			futex_wake(t->vm, t->clear_child_tid, true, 1, FUTEX_BITSET_MATCH_ANY);
	}
}

SYSCALL(futex, sys_futex);
