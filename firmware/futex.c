/* Futexes: wait queues hashed by (address space, address, shared or private: Linux keeps the
 * two kinds of one word apart), or for a shared futex in shared memory by the word's physical
 * address (so that processes mapping it meet on it), each bucket under its own lock;
 * futex(2)'s wait, wake and requeue operations; and a thread's end for robust locks and its
 * clear_child_tid word. A waiter reads the word and queues itself under its bucket's lock,
 * and a waker takes that lock to find it, so no wake-up falls between the check and the
 * sleep (task_block in sched.c closes the rest of the gap). */
#include "firmware/futex.h"

#include "firmware/clock.h"
#include "firmware/syscall_impl.h"
#include "firmware/task.h"
#include "firmware/timer.h"
#include "firmware/uaccess.h"
#include "mm/vm.h"
#include "platform/errno.h"
#include "platform/riscv/spinlock.h"

/* futex(2)'s operations and flags (linux/futex.h) */
#define FUTEX_WAIT	       0
#define FUTEX_WAKE	       1
#define FUTEX_REQUEUE	       3
#define FUTEX_CMP_REQUEUE      4
#define FUTEX_LOCK_PI	       6
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
	const struct vm *vm; /* the key: the address space (or &shared_memory) and key_of() */
	uintptr_t addr;	     /* changed by requeue, under both buckets' locks */
	uint32_t bitset;
	bool woken; /* set by the waker, under the bucket's lock, as it takes the waiter off */
};

struct bucket {
	spinlock_t lock;
	struct futex_q *head; /* in arrival order: the first to wait is the first woken */
};

static struct bucket buckets[BUCKETS];

/* The "address space" of futexes keyed by physical address: no task's. */
static const struct vm *const shared_memory = (const struct vm *)&buckets;

struct key {
	const struct vm *vm;
	uintptr_t addr;
};

/* A futex's key: the word's address with the kind of futex in its low bit (words are
 * aligned: a shared and a private futex on one word are two futexes, as Linux's keys
 * differ), in @vm; but a shared futex in shared memory is its physical address, in no space.
 * A shared futex's page is mapped (check_key read it). */
static struct key key_of(struct vm *vm, uintptr_t uaddr, bool shared)
{
	paddr_t pa = shared ? vm_shared_paddr(vm, uaddr) : 0;

	if (pa)
		return (struct key){ shared_memory, pa | 1 };
	return (struct key){ vm, uaddr | (shared ? 1 : 0) };
}

static struct bucket *bucket_of(const struct vm *vm, uintptr_t addr)
{
	uint64_t h = ((uintptr_t)vm >> 6) ^ (addr >> 2);

	h *= 0x9e3779b97f4a7c15ull; /* Fibonacci hashing: the high bits mix every input bit */
	return &buckets[h >> 58];
}
_Static_assert(BUCKETS == 64, "the hash keeps 6 bits");

/* Bucket lock held. */
static void enqueue(struct bucket *b, struct futex_q *q)
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
static void wake_q(struct bucket *b, struct futex_q *q)
{
	struct task *t = q->task;

	unlink_q(b, q);
	__atomic_store_n(&q->woken, true, __ATOMIC_RELEASE);
	task_wake(t);
}

/* Takes the waiter @q off its queue if no waker has. Returns true when it was still there. */
static bool unqueue(struct futex_q *q)
{
	for (;;) {
		uintptr_t addr = __atomic_load_n(&q->addr, __ATOMIC_ACQUIRE);
		struct bucket *b = bucket_of(q->vm, addr);
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
static int check_key(uintptr_t uaddr, bool shared)
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
	rc = check_key(uaddr, shared);
	if (rc)
		return rc;
	k = key_of(t->vm, uaddr, shared);
	q.vm = k.vm;
	q.addr = k.addr;
	b = bucket_of(q.vm, q.addr);
	spin_lock(&b->lock);
	rc = get_user_u32(uaddr, &cur);
	if (rc == 0 && cur != val)
		rc = -EAGAIN;
	if (rc) {
		spin_unlock(&b->lock);
		return rc;
	}
	enqueue(b, &q);
	spin_unlock(&b->lock);
	rc = task_block(&q.woken, deadline);
	/* a wake that came with the signal or the timeout wins, as Linux's */
	if (rc && !unqueue(&q))
		rc = 0;
	return rc;
}

int futex_wake(struct vm *space, uintptr_t uaddr, bool shared, int n, uint32_t bitset)
{
	const struct key k = key_of(space, uaddr, shared);
	const struct vm *vm = k.vm;
	uintptr_t key = k.addr;
	struct bucket *b = bucket_of(vm, key);
	struct futex_q *q, *next;
	int woken = 0;

	spin_lock(&b->lock);
	for (q = b->head; q; q = next) {
		next = q->next;
		if (q->vm != vm || q->addr != key || !(q->bitset & bitset))
			continue;
		wake_q(b, q);
		/* Linux's count: a request for 0 (or fewer) still wakes one */
		if (++woken >= n)
			break;
	}
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
	rc = check_key(uaddr, shared);
	if (rc == 0)
		rc = check_key(uaddr2, shared);
	if (rc)
		return rc;
	k = key_of(space, uaddr, shared);
	vm = k.vm;
	key1 = k.addr;
	k = key_of(space, uaddr2, shared);
	vm2 = k.vm;
	key2 = k.addr;
	b1 = bucket_of(vm, key1);
	b2 = bucket_of(vm2, key2);
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
		if (q->vm != vm || q->addr != key1)
			continue;
		if (count - nr_wake >= nr_requeue)
			break;
		if (++count <= nr_wake) {
			wake_q(b1, q);
			continue;
		}
		unlink_q(b1, q);
		q->vm = vm2;
		__atomic_store_n(&q->addr, key2, __ATOMIC_RELEASE);
		enqueue(b2, q);
	}
	unlock_two(b1, b2);
	return count;
}

/* Sets up the restart of an interrupted wait without a timeout: made again under
 * SA_RESTART, else -EINTR (signal.c decides), as Linux's -ERESTARTSYS. */
static long restart(struct trap_frame *tf)
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
		struct vdso_timespec ts;

		if (copy_from_user(&ts, utime, sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (int64_t)NSEC_PER_SEC)
			return -EINVAL;
		/* FUTEX_WAIT's is relative; the others' absolute, on MONOTONIC unless the flag */
		deadline =
		    clock_deadline(op & FUTEX_CLOCK_REALTIME ? CLOCK_REALTIME : CLOCK_MONOTONIC,
				   cmd != FUTEX_WAIT, &ts);
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
			return restart(tf);
		return rc;
	case FUTEX_WAKE:
		val3 = FUTEX_BITSET_MATCH_ANY;
		/* fall through */
	case FUTEX_WAKE_BITSET:
		if (!val3)
			return -EINVAL;
		rc = check_key(uaddr, shared);
		if (rc)
			return rc;
		return futex_wake(task_current()->vm, uaddr, shared, (int)val, val3);
	case FUTEX_REQUEUE:
		return futex_requeue(uaddr, uaddr2, (int)val, (int)(uint32_t)utime, NULL, shared);
	case FUTEX_CMP_REQUEUE:
		return futex_requeue(uaddr, uaddr2, (int)val, (int)(uint32_t)utime, &val3, shared);
	}
	/* FUTEX_WAKE_OP and the priority-inheritance operations are not here */
	return -ENOSYS;
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
	if (cur & FUTEX_WAITERS)
		futex_wake(vm, uaddr, true, 1, FUTEX_BITSET_MATCH_ANY);
}

/* Linux's struct robust_list_head on 64-bit: the list's first entry (an entry is the
 * address of the next one, low bit set for a PI lock), the offset from an entry to its lock
 * word, and the entry of the lock being taken or given back */
struct robust_head {
	uint64_t next;
	int64_t futex_offset;
	uint64_t pending;
};

static void exit_robust_list(struct task *t)
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

void futex_exit(struct task *t)
{
	exit_robust_list(t);
	/* Linux clears and wakes only when the space lives on after this thread (mm_release) */
	if (t->clear_child_tid && __atomic_load_n(&t->vm->users, __ATOMIC_ACQUIRE) > 1) {
		uint32_t zero = 0;

		if (copy_to_user(t->clear_child_tid, &zero, sizeof(zero)) == 0)
			futex_wake(t->vm, t->clear_child_tid, true, 1, FUTEX_BITSET_MATCH_ANY);
	}
}

SYSCALL(futex, sys_futex);
