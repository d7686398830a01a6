/* futex_waitv(2): one sleep on up to 128 futexes, ended by a wake of any of them. Each
 * futex gets an ordinary waiter in its own bucket, so wake, requeue and wake-op find it as
 * they find any other; every waiter of the call points at one flag, which the first wake
 * sets, and the call sleeps on that flag. Linux's checks and answers, in its order. */
#include "firmware/futex_priv.h"

#include "firmware/clock.h"
#include "firmware/syscall_impl.h"
#include "firmware/task.h"
#include "firmware/uaccess.h"
#include "firmware/vdso/vdso_data.h"
#include "mm/slab.h"
#include "platform/errno.h"

#define FUTEX_WAITV_MAX 128 /* linux/futex.h */
#define FUTEX_32	2   /* a waiter's size flag: only 32-bit words exist */

/* struct futex_waitv of linux/futex.h */
struct futex_waitv {
	uint64_t val;
	uint64_t uaddr;
	uint32_t flags;
	uint32_t reserved;
};

/* The waiters of one call, in chunks from a slab (128 of them would crowd a kernel stack). */
#define CHUNK 32
struct chunk {
	struct futex_q q[CHUNK];
};
_Static_assert(sizeof(struct chunk) <= 2048, "a slab object");

#define CHUNKS (FUTEX_WAITV_MAX / CHUNK)

static struct slab_cache cache;
static bool cache_ready;
static spinlock_t cache_lock = SPINLOCK_INIT;

static struct futex_q *nth(struct chunk **c, unsigned int i)
{
	return &c[i / CHUNK]->q[i % CHUNK];
}

static void put_chunks(struct chunk **c)
{
	for (unsigned int i = 0; i < CHUNKS && c[i]; i++)
		slab_free(&cache, c[i]);
}

static int get_chunks(struct chunk **c, unsigned int n)
{
	if (!__atomic_load_n(&cache_ready, __ATOMIC_ACQUIRE)) {
		spin_lock(&cache_lock);
		if (!cache_ready) {
			slab_cache_init(&cache, "futex_waitv", sizeof(struct chunk));
			__atomic_store_n(&cache_ready, true, __ATOMIC_RELEASE);
		}
		spin_unlock(&cache_lock);
	}
	for (unsigned int i = 0; i < CHUNKS; i++)
		c[i] = NULL;
	for (unsigned int i = 0; i * CHUNK < n; i++) {
		c[i] = slab_alloc(&cache);
		if (!c[i]) {
			put_chunks(c);
			return -ENOMEM;
		}
	}
	return 0;
}

/* Reads and checks the user's list into the waiters (keys come later, under the check of
 * each address): -EFAULT, or -EINVAL for an unknown flag, a reserved field or another size. */
static int parse(struct chunk **c, uintptr_t uwaitv, unsigned int n, uint32_t *vals, bool *shared)
{
	for (unsigned int i = 0; i < n; i++) {
		struct futex_waitv w;
		struct futex_q *q = nth(c, i);

		if (copy_from_user(&w, uwaitv + i * sizeof(w), sizeof(w)))
			return -EFAULT;
		if ((w.flags & ~(uint32_t)(FUTEX_32 | FUTEX_PRIVATE_FLAG)) || w.reserved)
			return -EINVAL;
		if (!(w.flags & FUTEX_32))
			return -EINVAL;
		q->addr = (uintptr_t)w.uaddr; /* the user's address until it is queued */
		vals[i] = (uint32_t)w.val;    /* Linux compares the low 32 bits */
		shared[i] = !(w.flags & FUTEX_PRIVATE_FLAG);
	}
	return 0;
}

/* Takes the first @n waiters off their queues. Returns the highest index a waker took first
 * (as Linux's), or -1. */
static int unqueue_all(struct chunk **c, unsigned int n)
{
	int woken = -1;

	for (unsigned int i = 0; i < n; i++)
		if (!futex_unqueue(nth(c, i)))
			woken = (int)i;
	return woken;
}

/* Queues every waiter while its word holds its value. Returns 0 with all queued; an index
 * when a wake came while later ones were queued and a word differed; else -EAGAIN, -EFAULT
 * or -EINVAL with none queued. */
static int queue_all(struct chunk **c, unsigned int n, const uint32_t *vals, const bool *shared,
		     bool *any)
{
	struct task *t = task_current();

	for (unsigned int i = 0; i < n; i++) {
		struct futex_q *q = nth(c, i);
		uintptr_t uaddr = q->addr;
		struct bucket *b;
		struct key k;
		uint32_t cur;
		int rc = futex_check_key(uaddr, shared[i]);

		if (rc == 0) {
			k = futex_key_of(t->vm, uaddr, shared[i]);
			*q = (struct futex_q){ .task = t,
					       .vm = k.vm,
					       .addr = k.addr,
					       .bitset = FUTEX_BITSET_MATCH_ANY,
					       .any = any };
			b = futex_bucket_of(q->vm, q->addr);
			spin_lock(&b->lock);
			rc = get_user_u32(uaddr, &cur);
			if (rc == 0 && cur != vals[i])
				rc = -EAGAIN;
			if (rc == 0)
				futex_enqueue(b, q);
			spin_unlock(&b->lock);
		}
		if (rc) {
			int woken = unqueue_all(c, i);

			return woken >= 0 ? woken : rc;
		}
	}
	return 0;
}

/* futex_waitv(waiters, nr_futexes, flags, timeout, clockid) */
static long sys_futex_waitv(struct trap_frame *tf)
{
	uintptr_t uwaitv = tf->a0, utime = tf->a3;
	unsigned int n = (unsigned int)tf->a1, flags = (unsigned int)tf->a2;
	int clk = (int)tf->a4;
	uint64_t deadline = UINT64_MAX;
	struct chunk *c[CHUNKS];
	uint32_t vals[FUTEX_WAITV_MAX];
	bool shared[FUTEX_WAITV_MAX];
	bool any = false;
	long rc;

	if (flags)
		return -EINVAL;
	if (!n || n > FUTEX_WAITV_MAX || !uwaitv)
		return -EINVAL;
	if (utime) {
		if (clk != CLOCK_REALTIME && clk != CLOCK_MONOTONIC)
			return -EINVAL;
		/* absolute, as FUTEX_WAIT_BITSET's */
		rc = clock_deadline_from_user(clk, true, utime, &deadline);
		if (rc)
			return rc;
	}
	rc = get_chunks(c, n);
	if (rc)
		return rc;
	rc = parse(c, uwaitv, n, vals, shared);
	if (rc == 0)
		rc = queue_all(c, n, vals, shared, &any);
	if (rc == 0) {
		int woken;

		/* 0 only once a waker has set the flag, which it does as it takes a waiter */
		rc = task_block(&any, deadline);
		woken = unqueue_all(c, n);
		/* a wake that came with the signal or the timeout wins, as Linux's */
		if (woken >= 0)
			rc = woken;
	}
	put_chunks(c);
	/* the timeout is absolute: the call can be made again as it was */
	if (rc == -EINTR)
		return futex_restart(tf);
	return rc;
}

SYSCALL(futex_waitv, sys_futex_waitv);
