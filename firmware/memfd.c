/* memfd: a memory object (mm/memobj.h) as an open file, a regular file of no file system,
 * as memfd_create makes on Linux. read, write and their offsets copy through the object's
 * frames; mmap maps them (sys_mem.c). */
#include "firmware/fdtable.h"
#include "firmware/uaccess.h"
#include "mm/frame.h"
#include "mm/memobj.h"
#include "mm/vm.h"
#include "platform/errno.h"
#include "platform/riscv/memlayout.h"

#define RW_MAX (1ul << 30) /* one call moves no more, as Linux's MAX_RW_COUNT */

/* What fstat says, as Linux 6.1 says it of a memfd: a regular file, unlinked, on the
 * internal shmem mount (device 1) */
#define MEMFD_MODE    (S_IFREG | 0777)
#define MEMFD_DEV     1
#define MEMFD_BLKSIZE 4096
#define SECTOR	      512 /* st_blocks unit */

static struct memobj *obj_of(struct file *f)
{
	return f->priv;
}

static long memfd_read(struct file *f, uintptr_t buf, size_t len, uint64_t *pos)
{
	struct memobj *o = obj_of(f);
	uint64_t size = memobj_size(o);
	size_t done = 0;

	if (*pos >= size)
		return 0;
	if (len > size - *pos)
		len = size - *pos;
	if (len > RW_MAX)
		len = RW_MAX;
	while (done < len) {
		uint64_t at = *pos + done, off = at % PAGE_SIZE;
		size_t n = PAGE_SIZE - off < len - done ? PAGE_SIZE - off : len - done;
		paddr_t pa;
		int rc = memobj_page(o, at / PAGE_SIZE, false, &pa);

		if (rc)
			break; /* shrunk meanwhile: the end came sooner */
		/* a hole reads as zeros, without a frame */
		rc = copy_to_user(buf + done,
				  (uint8_t *)phys_to_virt(pa ? pa : vm_zero_page()) + off, n);
		if (pa)
			pmm_put(pa);
		if (rc) {
			if (!done)
				return -EFAULT;
			break;
		}
		done += n;
	}
	*pos += done;
	return (long)done;
}

static long memfd_write(struct file *f, uintptr_t buf, size_t len, uint64_t *pos)
{
	struct memobj *o = obj_of(f);
	uint64_t old_size = memobj_size(o), start;
	size_t done = 0;
	int rc = 0;

	if (!len)
		return 0;
	if (f->flags & O_APPEND)
		*pos = old_size;
	start = *pos;
	if (start >= MEMOBJ_MAX_BYTES)
		return -EFBIG;
	if (len > RW_MAX)
		len = RW_MAX;
	if (len > MEMOBJ_MAX_BYTES - start)
		len = MEMOBJ_MAX_BYTES - start;
	if (start + len > old_size && memobj_resize(o, start + len))
		return -EFBIG;
	while (done < len) {
		uint64_t at = start + done, off = at % PAGE_SIZE;
		size_t n = PAGE_SIZE - off < len - done ? PAGE_SIZE - off : len - done;
		paddr_t pa;

		rc = memobj_page(o, at / PAGE_SIZE, true, &pa);
		if (rc)
			break;
		rc = copy_from_user((uint8_t *)phys_to_virt(pa) + off, buf + done, n);
		pmm_put(pa);
		if (rc)
			break;
		done += n;
	}
	/* a short write grows the file by what it wrote, no more */
	if (done < len && start + len > old_size &&
	    memobj_resize(o, start + done > old_size ? start + done : old_size))
		return -EFBIG; /* cannot be: smaller than a size it already had */
	if (!done && rc)
		return rc;
	*pos = start + done;
	return (long)done;
}

static void memfd_stat(struct file *f, struct k_stat *st)
{
	struct memobj *o = obj_of(f);

	*st = (struct k_stat){
		.st_dev = MEMFD_DEV,
		.st_ino = (uintptr_t)o / sizeof(void *), /* unique while the object lives */
		.st_mode = MEMFD_MODE,
		.st_nlink = 0,
		.st_size = (int64_t)memobj_size(o),
		.st_blksize = MEMFD_BLKSIZE,
		.st_blocks = (int64_t)(memobj_frames(o) * (PAGE_SIZE / SECTOR)),
	};
}

static uint64_t memfd_size(struct file *f)
{
	return memobj_size(obj_of(f));
}

static int memfd_truncate(struct file *f, uint64_t len)
{
	return memobj_resize(obj_of(f), len);
}

static struct memobj *memfd_memobj(struct file *f)
{
	return obj_of(f);
}

static void memfd_release(struct file *f)
{
	memobj_put(obj_of(f)); /* regions that map it keep references of their own */
}

static const struct file_ops memfd_ops = {
	.read = memfd_read,
	.write = memfd_write,
	.stat = memfd_stat,
	.size = memfd_size,
	.truncate = memfd_truncate,
	.memobj = memfd_memobj,
	.release = memfd_release,
};

int memfd_file_open(struct file **out)
{
	struct memobj *o;
	struct file *f;
	int rc = memobj_create(&o);

	if (rc)
		return rc;
	f = file_alloc(&memfd_ops, O_RDWR | O_LARGEFILE, o);
	if (!f) {
		memobj_put(o);
		return -ENOMEM;
	}
	*out = f;
	return 0;
}
