/* Descriptor tables and the reference counts of open files. One lock guards both: tables
 * are a task's own, but the files they name are shared by forks and dups. */
#include "firmware/fdtable.h"

#include "mm/slab.h"
#include "platform/errno.h"
#include "platform/riscv/spinlock.h"

#define CLOEXEC_WORDS (FD_MAX / 64)
_Static_assert(FD_MAX % 64 == 0, "close-on-exec bits fill whole words");

struct fdtable {
	struct file *fd[FD_MAX];
	uint64_t cloexec[CLOEXEC_WORDS];
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

void fd_set_cloexec(struct fdtable *t, int fd, bool on)
{
	uint64_t bit = 1ull << (fd % 64);

	if (on)
		t->cloexec[fd / 64] |= bit;
	else
		t->cloexec[fd / 64] &= ~bit;
}

bool fd_cloexec(struct fdtable *t, int fd)
{
	return cloexec_bit(t, fd);
}

/* Empties open descriptor @fd. */
static void drop(struct fdtable *t, int fd)
{
	struct file *f = t->fd[fd];

	t->fd[fd] = NULL;
	fd_set_cloexec(t, fd, false);
	file_put(f);
}

static struct fdtable *new_table(void)
{
	ready();
	return slab_alloc(&table_cache); /* zeroed: every descriptor closed */
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
	for (int fd = 0; fd < FD_MAX; fd++)
		if (src->fd[fd]) {
			file_get(src->fd[fd]);
			t->fd[fd] = src->fd[fd];
		}
	for (int i = 0; i < CLOEXEC_WORDS; i++)
		t->cloexec[i] = src->cloexec[i];
	*out = t;
	return 0;
}

void fdtable_exec(struct fdtable *t)
{
	for (int fd = 0; fd < FD_MAX; fd++)
		if (t->fd[fd] && cloexec_bit(t, fd))
			drop(t, fd);
}

void fdtable_destroy(struct fdtable *t)
{
	for (int fd = 0; fd < FD_MAX; fd++)
		if (t->fd[fd])
			drop(t, fd);
	slab_free(&table_cache, t);
}

struct file *fd_get(struct fdtable *t, long fd)
{
	struct file *f;

	if (fd < 0 || fd >= FD_MAX || !t->fd[fd])
		return NULL;
	f = t->fd[fd];
	file_get(f);
	return f;
}

int fd_install(struct fdtable *t, struct file *f, long min, bool cloexec)
{
	for (long fd = min < 0 ? 0 : min; fd < FD_MAX; fd++)
		if (!t->fd[fd]) {
			t->fd[fd] = f;
			fd_set_cloexec(t, (int)fd, cloexec);
			return (int)fd;
		}
	return -EMFILE;
}

void fd_replace(struct fdtable *t, int fd, struct file *f, bool cloexec)
{
	struct file *old = t->fd[fd];

	t->fd[fd] = f;
	fd_set_cloexec(t, fd, cloexec);
	if (old)
		file_put(old);
}

int fd_close(struct fdtable *t, long fd)
{
	if (fd < 0 || fd >= FD_MAX || !t->fd[fd])
		return -EBADF;
	drop(t, (int)fd);
	return 0;
}
