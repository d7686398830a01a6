/* The console as an open file: a character device that is a terminal, as Linux's
 * /dev/console is to init. It answers the terminal ioctls with one termios and one window
 * size for the device (Linux keeps them per tty, not per open file); input has none yet, so
 * a read finds the end of the input. */
#include "firmware/console.h"
#include "firmware/fdtable.h"
#include "firmware/uaccess.h"
#include "platform/errno.h"

#define WRITE_CHUNK 256
#define RW_MAX	    (1ul << 30) /* Linux's MAX_RW_COUNT, near enough: one call moves no more */

/* What fstat says, as Linux 6.1 says it of /dev/console (major 5, minor 1) */
#define CONSOLE_MODE	(S_IFCHR | 0600)
#define CONSOLE_RDEV	0x501 /* new_encode_dev(MKDEV(5, 1)) */
#define CONSOLE_DEV	2     /* the device file system's number */
#define CONSOLE_INO	3
#define CONSOLE_BLKSIZE 4096

/* Terminal ioctls (asm-generic/ioctls.h) */
#define TCGETS	   0x5401
#define TCSETS	   0x5402
#define TCSETSW	   0x5403
#define TCSETSF	   0x5404
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define FIONREAD   0x541B

#define NCCS 19

/* Linux's struct termios as TCGETS copies it: 36 bytes */
struct k_termios {
	uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
	uint8_t c_line;
	uint8_t c_cc[NCCS];
};
_Static_assert(sizeof(struct k_termios) == 36, "struct termios of asm-generic");

struct k_winsize {
	uint16_t ws_row, ws_col, ws_xpixel, ws_ypixel;
};

/* Linux's serial console at boot: ICRNL|IXON; OPOST|ONLCR; B9600|CS8|CREAD|HUPCL|CLOCAL;
 * ISIG|ICANON|ECHO|ECHOE|ECHOK|ECHOCTL|ECHOKE|IEXTEN; ^C ^\ DEL ^U ^D, VTIME 0, VMIN 1 ... */
static struct k_termios termios = {
	.c_iflag = 02400,
	.c_oflag = 05,
	.c_cflag = 06275,
	.c_lflag = 0105073,
	.c_cc = { 3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0, 0, 0 },
};
/* A serial line knows no size: Linux answers 0 rows, 0 columns until TIOCSWINSZ */
static struct k_winsize winsize;

static long console_read(struct file *f, uintptr_t buf, size_t len, uint64_t *pos)
{
	(void)f;
	(void)buf;
	(void)len;
	(void)pos;
	return 0; /* no input device for tasks yet: the input is at its end */
}

static long console_write(struct file *f, uintptr_t buf, size_t len, uint64_t *pos)
{
	size_t done = 0;
	char chunk[WRITE_CHUNK];

	(void)f;
	(void)pos;
	if (len > RW_MAX)
		len = RW_MAX;
	while (done < len) {
		size_t n = len - done < WRITE_CHUNK ? len - done : WRITE_CHUNK;
		unsigned long flags;

		if (copy_from_user(chunk, buf + done, n))
			return done ? (long)done : -EFAULT;
		flags = console_lock();
		for (size_t i = 0; i < n; i++)
			console_putc(chunk[i]);
		console_unlock(flags);
		done += n;
	}
	return (long)done;
}

static void console_stat(struct file *f, struct k_stat *st)
{
	(void)f;
	*st = (struct k_stat){
		.st_dev = CONSOLE_DEV,
		.st_ino = CONSOLE_INO,
		.st_mode = CONSOLE_MODE,
		.st_nlink = 1,
		.st_rdev = CONSOLE_RDEV,
		.st_blksize = CONSOLE_BLKSIZE,
	};
}

static long console_ioctl(struct file *f, unsigned int cmd, uintptr_t arg)
{
	struct k_termios t;
	struct k_winsize w;
	int32_t none = 0;

	(void)f;
	switch (cmd) {
	case TCGETS:
		return copy_to_user(arg, &termios, sizeof(termios));
	case TCSETS:
	case TCSETSW: /* output is never queued: nothing to drain */
	case TCSETSF: /* nor input to flush */
		if (copy_from_user(&t, arg, sizeof(t)))
			return -EFAULT;
		termios = t;
		return 0;
	case TIOCGWINSZ:
		return copy_to_user(arg, &winsize, sizeof(winsize));
	case TIOCSWINSZ:
		if (copy_from_user(&w, arg, sizeof(w)))
			return -EFAULT;
		winsize = w;
		return 0;
	case FIONREAD:
		return copy_to_user(arg, &none, sizeof(none));
	}
	return -ENOTTY;
}

static const struct file_ops console_ops = {
	.read = console_read,
	.write = console_write,
	.stat = console_stat,
	.ioctl = console_ioctl,
};

int console_file_open(struct file **out)
{
	struct file *f = file_alloc(&console_ops, O_RDWR, NULL);

	if (!f)
		return -ENOMEM;
	*out = f;
	return 0;
}
