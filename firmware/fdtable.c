/* Descriptor tables and the reference counts of open files. A table is shared by the threads
 * of a process (CLONE_FILES) and has a lock of its own; one more lock guards the counts of the
 * files, which forks and dups share. A table's lock is taken before the files' lock. */
#include "firmware/fdtable.h"

#include "mm/slab.h"
#include "platform/errno.h"
#include "platform/riscv/spinlock.h"

#define CLOEXEC_WORDS (FD_MAX / 64)
_Static_assert(FD_MAX % 64 == 0, "close-on-exec bits fill whole words");

struct fdtable {
	struct file *fd[FD_MAX];
	uint64_t cloexec[CLOEXEC_WORDS];
	spinlock_t lock; /* the descriptors and their bits: other harts' threads use them too */
	uint32_t users;	 /* tasks that share it (CLONE_FILES) */
};

static struct slab_cache table_cache, file_cache;
static bool caches_ready;
static spinlock_t lock = SPINLOCK_INIT;

/* The caches are made on first use: the first task starts after the frame allocator. */
static void ready(void)
{
	if (caches_ready)
		return;
	slab_cache_init(&table_cache, "fdtable", sizeof(struct fdtable));
	slab_cache_init(&file_cache, "file", sizeof(struct file));
	caches_ready = true;
}

struct file *file_alloc(const struct file_ops *ops, unsigned int flags, void *priv)
{
	struct file *f;

	ready();
	f = slab_alloc(&file_cache);
	if (!f)
		return NULL;
	f->ops = ops;
	f->refs = 1;
	f->flags = flags;
	f->priv = priv;
	return f;
}

void file_get(struct file *f)
{
	unsigned long irq = spin_lock_irqsave(&lock);

	f->refs++;
	spin_unlock_irqrestore(&lock, irq);
}

void file_put(struct file *f)
{
	unsigned long irq = spin_lock_irqsave(&lock);
	bool last = --f->refs == 0;

	spin_unlock_irqrestore(&lock, irq);
	if (!last)
		return;
	if (f->ops->release)
		f->ops->release(f);
	slab_free(&file_cache, f);
}

static bool cloexec_bit(const struct fdtable *t, int fd)
{
	return t->cloexec[fd / 64] >> (fd % 64) & 1;
}

/* Table lock held. */
static void set_cloexec(struct fdtable *t, int fd, bool on)
{
	uint64_t bit = 1ull << (fd % 64);

	if (on)
		t->cloexec[fd / 64] |= bit;
	else
		t->cloexec[fd / 64] &= ~bit;
}

void fd_set_cloexec(struct fdtable *t, int fd, bool on)
{
	spin_lock(&t->lock);
	set_cloexec(t, fd, on);
	spin_unlock(&t->lock);
}

bool fd_cloexec(struct fdtable *t, int fd)
{
	bool on;

	spin_lock(&t->lock);
	on = cloexec_bit(t, fd);
	spin_unlock(&t->lock);
	return on;
}

/* Empties open descriptor @fd. Table lock held. */
static void drop(struct fdtable *t, int fd)
{
	struct file *f = t->fd[fd];

	t->fd[fd] = NULL;
	set_cloexec(t, fd, false);
	file_put(f);
}

static struct fdtable *new_table(void)
{
	struct fdtable *t;

	ready();
	t = slab_alloc(&table_cache); /* zeroed: every descriptor closed */
	if (t)
		t->users = 1;
	return t;
}

int fdtable_console(struct fdtable **out)
{
	struct fdtable *t = new_table();
	struct file *f;

	if (!t)
		return -ENOMEM;
	if (console_file_open(&f)) {
		slab_free(&table_cache, t);
		return -ENOMEM;
	}
	/* one open file behind all three, as Linux's init gets /dev/console */
	for (int fd = 0; fd < 3; fd++) {
		if (fd)
			file_get(f);
		t->fd[fd] = f;
	}
	*out = t;
	return 0;
}

int fdtable_fork(struct fdtable *src, struct fdtable **out)
{
	struct fdtable *t = new_table();

	if (!t)
		return -ENOMEM;
	spin_lock(&src->lock);
	for (int fd = 0; fd < FD_MAX; fd++)
		if (src->fd[fd]) {
			file_get(src->fd[fd]);
			t->fd[fd] = src->fd[fd];
		}
	for (int i = 0; i < CLOEXEC_WORDS; i++)
		t->cloexec[i] = src->cloexec[i];
	spin_unlock(&src->lock);
	*out = t;
	return 0;
}

struct fdtable *fdtable_share(struct fdtable *t)
{
	__atomic_fetch_add(&t->users, 1, __ATOMIC_RELAXED);
	return t;
}

void fdtable_exec(struct fdtable *t)
{
	spin_lock(&t->lock);
	for (int fd = 0; fd < FD_MAX; fd++)
		if (t->fd[fd] && cloexec_bit(t, fd))
			drop(t, fd);
	spin_unlock(&t->lock);
}

void fdtable_put(struct fdtable *t)
{
	if (__atomic_sub_fetch(&t->users, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	for (int fd = 0; fd < FD_MAX; fd++)
		if (t->fd[fd])
			drop(t, fd);
	slab_free(&table_cache, t);
}

struct file *fd_get(struct fdtable *t, long fd)
{
	struct file *f = NULL;

	if (fd < 0 || fd >= FD_MAX)
		return NULL;
	spin_lock(&t->lock);
	if (t->fd[fd]) {
		f = t->fd[fd];
		file_get(f);
	}
	spin_unlock(&t->lock);
	return f;
}

int fd_install(struct fdtable *t, struct file *f, long min, bool cloexec)
{
	int rc = -EMFILE;

	spin_lock(&t->lock);
	for (long fd = min < 0 ? 0 : min; fd < FD_MAX; fd++)
		if (!t->fd[fd]) {
			t->fd[fd] = f;
			set_cloexec(t, (int)fd, cloexec);
			rc = (int)fd;
			break;
		}
	spin_unlock(&t->lock);
	return rc;
}

void fd_replace(struct fdtable *t, int fd, struct file *f, bool cloexec)
{
	struct file *old;

	spin_lock(&t->lock);
	old = t->fd[fd];
	t->fd[fd] = f;
	set_cloexec(t, fd, cloexec);
	spin_unlock(&t->lock);
	if (old)
		file_put(old);
}

int fd_close(struct fdtable *t, long fd)
{
	struct file *f;

	if (fd < 0 || fd >= FD_MAX)
		return -EBADF;
	spin_lock(&t->lock);
	f = t->fd[fd];
	if (f) {
		t->fd[fd] = NULL;
		set_cloexec(t, (int)fd, false);
	}
	spin_unlock(&t->lock);
	if (!f)
		return -EBADF;
	file_put(f);
	return 0;
}
