/* A system-call fuzzer: three tasks issue thousands of calls with random numbers and wild
 * arguments; each result is a success or a Linux errno, nobody dies, every frame comes back,
 * and every call that takes a user pointer answers a bad one with -EFAULT. */
#include "t.h"

#define USER_BASE	    0x10000ul
#define USER_TOP	    0x4000000000ul /* first address above the user half */
#define SCRATCH		    0x2000000000ul /* the fuzzer's playground: munmap, mprotect, MAP_FIXED */
#define SCRATCH_LEN	    MiB
#define VOID_BASE	    0x1000000000ul /* nothing of the task lives here: free to map and unmap */
#define VOID_LEN	    (1ul << 30)
#define KERNEL_DIRECT	    0xffffffc000000000ul
#define KERNEL_IMAGE	    0xffffffff80000000ul
#define ERRNO_MAX	    133 /* the highest errno Linux has (EHWPOISON) */
#define EACCES		    13
#define WNOHANG		    1
#define CHILDREN	    3
#define CALLS		    25000
#define RING		    4 /* mappings made outside the scratch window, unmapped in turn */
#define SHARED_MAX	    (16 * PAGE) /* MAP_SHARED allocates at once: kept small */
#define MADV_DONTNEED	    4
#define MADV_POPULATE_READ  22
#define MADV_POPULATE_WRITE 23
#define MLOCK_ONFAULT	    1

/*
 * mmap(2) once took an address above the user half, as a hint or with MAP_FIXED, and mapped it
 * in the page tables every address space shares with the kernel, so a task's exit zapped the
 * kernel's own PTEs. Kept on: wild mmap addresses are how this fuzzer found it.
 */
#define FUZZ_MMAP_ABOVE_USER_HALF 1

/* What one fuzzing child did, in memory its parent shares. */
struct report {
	long calls, implemented, unknown, unknown_counted, printed, mapped;
	long failed, bad_nr, bad_ret, bad_args[6];
	long setup;
	int done;
};

struct call {
	long nr, a[6];
};

static const long implemented[] = {
	SYS_read,	 SYS_write,	SYS_nanosleep,	  SYS_clock_gettime,   SYS_sched_yield,
	SYS_uname,	 SYS_getrusage, SYS_getpid,	  SYS_getppid,	       SYS_sysinfo,
	SYS_brk,	 SYS_munmap,	SYS_mmap,	  SYS_mprotect,	       SYS_wait4,
	SYS_FL_COUNTERS, SYS_FL_AUDIT,	SYS_clock_getres, SYS_clock_nanosleep, SYS_gettimeofday,
	SYS_getrandom,	 SYS_madvise,	SYS_mremap,	  SYS_msync,	       SYS_mincore,
	SYS_munlock,	 SYS_mlock2,	SYS_munlockall,	  SYS_getrlimit,       SYS_readv,
	SYS_writev,	 SYS_pread64,	SYS_pwrite64,	  SYS_lseek,	       SYS_fstat,
	SYS_newfstatat,	 SYS_openat,	SYS_readlinkat,
};

/* They end the task or the machine, replace the task, fork, or change the allocator; or
 * they would change the fuzzer under its feet: signals to anyone, memory it relies on
 * dropped or moved, limits that starve it, its console descriptors closed, sleeps without
 * end. Their own tests cover them. (madvise, mremap and munlock are fuzzed with ranges
 * kept to the fuzzer's windows; mlock and mlockall fault whole regions in.) */
static const long excluded[] = {
	SYS_exit,
	SYS_exit_group,
	SYS_reboot,
	SYS_clone,
	SYS_clone3,
	SYS_execve,
	SYS_execveat,
	SYS_FL_FAIL_ALLOC,
	SYS_kill,
	SYS_tkill,
	SYS_tgkill,
	SYS_rt_sigqueueinfo,
	SYS_rt_tgsigqueueinfo,
	SYS_rt_sigaction,
	SYS_rt_sigprocmask,
	SYS_rt_sigreturn,
	SYS_rt_sigsuspend,
	SYS_rt_sigtimedwait,
	SYS_sigaltstack,
	SYS_pidfd_send_signal,
	SYS_clock_nanosleep,
	SYS_process_madvise,
	SYS_mlock,
	SYS_mlockall,
	SYS_prlimit64,
	SYS_setrlimit,
	SYS_close,
	SYS_close_range,
	SYS_dup,
	SYS_dup3,
	SYS_fcntl,
	SYS_ioctl,
	SYS_memfd_create,
	SYS_ftruncate,
	SYS_remap_file_pages,
	SYS_futex,
	SYS_ppoll,
	SYS_pselect6,
	SYS_epoll_pwait,
	SYS_waitid,
};

static const char dots[] = "....";

/* The child's state. Nothing the fuzzer hands the kernel points here but buf and ts. */
static uint64_t rng;
static unsigned long scratch, ro, brk0;
static long my_pid, my_ppid;
static struct {
	unsigned long start, len;
} ring[RING];
static int ring_next;
static struct {
	long sec, nsec;
} ts;
static unsigned char buf[2 * PAGE] __attribute__((aligned(4096)));

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static unsigned long below(unsigned long n)
{
	return n ? rnd() % n : 0;
}

static int one_in(unsigned long n)
{
	return below(n) == 0;
}

static unsigned long align_page(unsigned long x)
{
	return (x + PAGE - 1) & ~(PAGE - 1);
}

static int in_list(long nr, const long *list, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		if (list[i] == nr)
			return 1;
	return 0;
}

#define IN(nr, list) in_list(nr, list, sizeof(list) / sizeof(list[0]))

/* An address nothing is ever mapped at, in any task: a copy from or to it fails at once. */
static unsigned long bad_ptr(void)
{
	switch (below(12)) {
	case 0:
		return 0;
	case 1:
		return 8;
	case 2:
		return 0x1000;
	case 3:
		return USER_BASE - 1 - below(64);
	case 4:
		return USER_TOP - 1 - below(16); /* the end of the user half */
	case 5:
		return USER_TOP + below(MiB);
	case 6:
		return KERNEL_DIRECT + below(1ul << 30);
	case 7:
		return KERNEL_IMAGE + below(8 * MiB);
	case 8:
		return 0x8000000000000000ul; /* not even canonical */
	case 9:
		return -1ul - below(16);
	case 10:
		return USER_TOP - 1; /* the last byte of the user half */
	default:
		return rnd() | (1ul << 63);
	}
}

/* Any pointer the kernel may use, good or bad; it may write through the good ones. */
static unsigned long any_ptr(void)
{
	unsigned long r = below(20);

	if (r < 6)
		return bad_ptr();
	if (r < 10)
		return (unsigned long)buf + below(PAGE);
	if (r < 13)
		return one_in(4) ? scratch + SCRATCH_LEN - 1 - below(16)
				 : scratch + below(SCRATCH_LEN);
	if (r < 15)
		return one_in(2) ? ro + PAGE - 1 - below(16) : ro + below(PAGE);
	if (r == 15 && ring[0].len)
		return ring[0].start + below(ring[0].len < 2 * PAGE ? ring[0].len : 2 * PAGE);
	if (r == 16)
		return VOID_BASE + below(VOID_LEN);
	if (r == 17)
		return one_in(2) ? (unsigned long)rnd : (unsigned long)dots; /* text, rodata */
	if (r == 18)
		return below(1101);
	return rnd();
}

static unsigned long any_len(void)
{
	static const unsigned long lens[] = {
		0,	  1,	     2,		4,    8,	16,
		64,	  390,	     PAGE - 1,	PAGE, PAGE + 1, 2 * PAGE,
		MiB,	  1ul << 31, 1ul << 62, -1ul, -PAGE,	0x7ffffffffffffffful,
		USER_TOP, 1ul << 32,
	};

	if (one_in(8))
		return rnd();
	if (one_in(8))
		return below(1 << 16);
	return lens[below(sizeof(lens) / sizeof(lens[0]))];
}

static long any_int(void)
{
	switch (below(6)) {
	case 0:
		return 0;
	case 1:
		return -1;
	case 2:
		return (long)below(16);
	case 3:
		return (int)rnd();
	case 4:
		return (long)(unsigned int)rnd();
	default:
		return (long)rnd();
	}
}

static long any_fd(void)
{
	static const long fds[] = { -1, -2, 0, 1, 2, 3, 1000, -2147483648l, 0x100000001l };

	return one_in(4) ? any_int() : fds[below(sizeof(fds) / sizeof(fds[0]))];
}

/* A request nanosleep either refuses or sleeps a few microseconds at most. */
static unsigned long sleep_req(void)
{
	switch (below(8)) {
	case 0:
		return bad_ptr();
	case 1:
		return ro + below(PAGE - 16); /* all zeros: no sleep */
	case 2:
		ts.sec = 0;
		ts.nsec = (long)below(2000);
		break;
	case 3:
		ts.sec = 0;
		ts.nsec = -1 - (long)below(1000);
		break;
	case 4:
		ts.sec = (long)(rnd() | (1ul << 63));
		ts.nsec = (long)below(1000000000);
		break;
	case 5:
		ts.sec = (long)below(1ul << 40);
		ts.nsec = 1000000000 + (long)below(1ul << 40);
		break;
	case 6:
		ts.sec = 0;
		ts.nsec = (long)(rnd() | (1ul << 63));
		break;
	default:
		ts.sec = -1;
		ts.nsec = 0;
		break;
	}
	return (unsigned long)&ts;
}

/*
 * Shrinks @len so that [addr, addr + len) stays in [lo, hi), unless the kernel must refuse
 * the range anyway (unaligned, not inside the user half) or it is empty.
 */
static unsigned long keep_within(unsigned long addr, unsigned long len, unsigned long lo,
				 unsigned long hi)
{
	unsigned long alen = align_page(len);

	if ((addr & (PAGE - 1)) || addr < lo || addr >= hi || !len)
		return len;
	if (!alen || alen > USER_TOP - addr || addr + alen <= hi)
		return len; /* wraps or runs past the user half: refused; or fits */
	return 1 + below(hi - addr);
}

/*
 * An address range for munmap or mprotect that can hit nothing of the task's own. Lengths
 * past the user half are left long (munmap and mprotect refuse them); with @strict they are
 * cut too, for the calls that take them (madvise walks whatever regions lie there).
 */
static void any_range_in(long *addr, long *len, int strict)
{
	unsigned long r = below(20), a, lo, hi;
	int ringi = (int)below(RING);

	if (r >= 10 && r < 13 && !ring[ringi].len)
		r = 0;
	if (r < 10) {
		lo = scratch;
		hi = scratch + SCRATCH_LEN;
		a = one_in(10) ? scratch + below(SCRATCH_LEN) : scratch + PAGE * below(256);
	} else if (r < 13) {
		lo = ring[ringi].start;
		hi = lo + ring[ringi].len;
		a = lo + PAGE * below(ring[ringi].len / PAGE);
	} else if (r < 15) {
		lo = VOID_BASE;
		hi = VOID_BASE + VOID_LEN;
		a = lo + PAGE * below(VOID_LEN / PAGE);
	} else if (r == 15) {
		lo = 0;
		hi = USER_BASE;
		a = PAGE * below(USER_BASE / PAGE);
	} else if (r == 16) {
		lo = USER_TOP - PAGE; /* the guard page above the stack */
		hi = USER_TOP;
		a = lo;
	} else {
		/* refused whatever the length: unaligned, or not in the user half */
		*addr = (long)(one_in(2) ? (rnd() | 1) : (bad_ptr() | USER_TOP));
		*len = (long)any_len();
		return;
	}
	*addr = (long)a;
	*len = (long)keep_within(a, any_len(), lo, hi);
	if (strict && !(a & (PAGE - 1)) && a >= lo && a < hi &&
	    align_page((unsigned long)*len) > hi - a)
		*len = (long)(1 + below(hi - a));
}

static void any_range(long *addr, long *len)
{
	any_range_in(addr, len, 0);
}

static long brk_arg(void)
{
	unsigned long want;

	switch (below(5)) {
	case 0:
		return 0;
	case 1:
		return (long)(brk0 + below(64 * MiB));
	case 2:
		return (long)(brk0 + below(PAGE));
	default:
		want = any_ptr();
		/* below the break at fork it would unmap heap the task may still use */
		return (long)(want >= USER_BASE && want < brk0 ? brk0 : want);
	}
}

static void mmap_args(struct call *c)
{
	static const unsigned long types[] = { FL_MAP_PRIVATE, FL_MAP_SHARED, 0x03 };
	unsigned long flags, addr, len = any_len(), type;
	int fixed;

	if (one_in(4)) {
		flags = (unsigned int)rnd();
	} else {
		flags = types[below(3)] | FL_MAP_ANONYMOUS;
		if (one_in(3))
			flags |= one_in(2) ? FL_MAP_FIXED : FL_MAP_FIXED_NOREPLACE;
		if (one_in(8))
			flags |= (unsigned int)rnd() & 0xfff00000u;
	}
	type = flags & 0x0f;
	fixed = (flags & (FL_MAP_FIXED | FL_MAP_FIXED_NOREPLACE)) != 0;
	/* MAP_SHARED allocates every frame now */
	if ((flags & FL_MAP_ANONYMOUS) && (type == 1 || type == 3) && len <= USER_TOP &&
	    len > SHARED_MAX)
		len = 1 + below(SHARED_MAX);
	if (fixed) {
		switch (below(8)) {
		case 0:
			addr = below(USER_BASE);
			break;
		case 1:
			addr = scratch + below(SCRATCH_LEN);
			break;
		case 2:
			if (FUZZ_MMAP_ABOVE_USER_HALF) {
				addr = bad_ptr() | USER_TOP;
				break;
			}
			/* fall through */
		default:
			addr = scratch + PAGE * below(256);
			break;
		}
		if (len <= USER_TOP)
			len = keep_within(addr, len, scratch, scratch + SCRATCH_LEN);
	} else {
		switch (below(8)) {
		case 0:
			addr = scratch + below(SCRATCH_LEN);
			break;
		case 1:
			addr = VOID_BASE + below(VOID_LEN);
			break;
		case 2:
			addr = below(USER_BASE);
			break;
		case 3:
			if (FUZZ_MMAP_ABOVE_USER_HALF) {
				addr = bad_ptr();
				break;
			}
			/* fall through */
		default:
			addr = 0;
			break;
		}
	}
	c->a[0] = (long)addr;
	c->a[1] = (long)len;
	c->a[2] = one_in(4) ? (long)(unsigned int)rnd() : (long)below(8);
	c->a[3] = (long)flags;
	c->a[4] = one_in(4) ? any_int() : -1;
	c->a[5] = one_in(4) ? (long)(one_in(2) ? rnd() : PAGE * below(16)) : 0;
}

static int console(long fd)
{
	return (unsigned int)fd <= 2; /* 0 too: the console is open for reading and writing */
}

static void make_args(struct call *c)
{
	for (int i = 0; i < 6; i++) {
		unsigned long r = below(3);

		c->a[i] = (long)(r == 0	  ? any_ptr()
				 : r == 1 ? any_len()
					  : (unsigned long)any_int());
	}
	switch (c->nr) {
	case SYS_read:
		c->a[0] = any_fd();
		break;
	case SYS_writev: /* on the console: nothing, from a bad vector */
		c->a[0] = any_fd();
		if (console(c->a[0]))
			c->a[1] = (long)bad_ptr();
		break;
	case SYS_write:
		c->a[0] = any_fd();
		if (!console(c->a[0]))
			break;
		/* on the console: a byte or two of dots, or nothing from a bad pointer */
		if (one_in(4)) {
			c->a[1] = (long)(dots + below(2));
			c->a[2] = (long)below(3);
		} else {
			c->a[1] = (long)bad_ptr();
		}
		break;
	case SYS_nanosleep:
		c->a[0] = (long)sleep_req();
		c->a[1] = one_in(2) ? 0 : (long)any_ptr();
		break;
	case SYS_clock_gettime:
	case SYS_clock_getres:
		c->a[0] = one_in(2) ? (long)below(12) : any_int();
		break;
	case SYS_clock_nanosleep:
		/* never a process's CPU-time clock (2, or negative without the thread bit 4): a
		 * sleep on one's own CPU time never ends */
		c->a[0] = one_in(4) ? (long)((int)any_int() | 4) : (long)below(12);
		if (c->a[0] == 2)
			c->a[0] = 1;
		c->a[1] = one_in(2) ? (long)below(2) : any_int();
		c->a[2] = (long)sleep_req();
		break;
	case SYS_getrandom:
		/* at most a page: the fuzzer's own buffer is two */
		c->a[0] = (long)any_ptr();
		c->a[1] = (long)below(PAGE + 1);
		c->a[2] = one_in(2) ? (long)below(8) : any_int();
		break;
	case SYS_uname:
	case SYS_sysinfo:
		c->a[0] = (long)any_ptr();
		break;
	case SYS_getrusage:
		c->a[0] = one_in(2) ? (long)below(3) - 1 : any_int();
		c->a[1] = (long)any_ptr();
		break;
	case SYS_brk:
		c->a[0] = brk_arg();
		break;
	case SYS_munmap:
		any_range(&c->a[0], &c->a[1]);
		break;
	case SYS_msync:
	case SYS_munlock:
		any_range_in(&c->a[0], &c->a[1], 1);
		break;
	case SYS_getrlimit:
		c->a[1] = (long)any_ptr(); /* written to */
		break;
	case SYS_mincore:
		/* the answer is written to a2, a byte a page: short, and only where it may go */
		any_range_in(&c->a[0], &c->a[1], 1);
		if ((unsigned long)c->a[1] > 16 * PAGE)
			c->a[1] = (long)(1 + below(16 * PAGE));
		c->a[2] = (long)any_ptr();
		break;
	case SYS_madvise:
		any_range_in(&c->a[0], &c->a[1], 1);
		c->a[2] = (long)below(26);
		/* populating may take every frame of the machine: never asked for here */
		if (c->a[2] == MADV_POPULATE_READ || c->a[2] == MADV_POPULATE_WRITE)
			c->a[2] = MADV_DONTNEED;
		break;
	case SYS_mlock2:
		any_range_in(&c->a[0], &c->a[1], 1);
		c->a[2] = one_in(4) ? (long)below(4) : MLOCK_ONFAULT;
		if (c->a[2] == 0)
			c->a[2] = 2; /* refused: a plain mlock would populate */
		break;
	case SYS_mremap:
		any_range_in(&c->a[0], &c->a[1], 1);
		any_range_in(&c->a[4], &c->a[2], 1);
		c->a[3] = one_in(4) ? (long)(unsigned int)rnd() : (long)below(8);
		break;
	case SYS_mprotect:
		any_range(&c->a[0], &c->a[1]);
		c->a[2] = one_in(3) ? (long)(unsigned int)rnd() : (long)below(8);
		break;
	case SYS_mmap:
		mmap_args(c);
		break;
	case SYS_wait4:
		/* the fuzzing child has no children: wait4 never blocks */
		c->a[0] = one_in(2) ? (long)below(4) - 1 : any_int();
		c->a[1] = (long)any_ptr();
		c->a[2] = one_in(2) ? (long)below(2) : any_int();
		c->a[3] = one_in(2) ? 0 : (long)any_ptr();
		break;
	case SYS_FL_COUNTERS:
		c->a[0] = (long)any_ptr();
		c->a[1] = one_in(2) ? (long)sizeof(struct fl_counters) : (long)any_len();
		break;
	}
}

static long pick_nr(void)
{
	long nr;

	do {
		unsigned long r = below(100);

		if (r < 55) {
			nr = implemented[below(sizeof(implemented) / sizeof(implemented[0]))];
		} else if (r < 80) {
			nr = (long)below(1101);
		} else if (r < 90) {
			nr = 0x1000 + (long)below(0x100);
		} else if (r < 95) {
			static const long odd[] = { 261, 262, 1101,  0xfff,    0x1003,	0xffffffffl,
						    -1,	 -2,  -1000, 1l << 63, 1l << 32 };

			nr = odd[below(sizeof(odd) / sizeof(odd[0]))];
			if (one_in(2)) /* a known number above 32 bits: not that call */
				nr = (1l << 32) | implemented[below(sizeof(implemented) /
								    sizeof(implemented[0]))];
		} else {
			nr = (long)rnd();
		}
		/* the auditor walks every address space: only now and then */
	} while (IN(nr, excluded) || (nr == SYS_FL_AUDIT && !one_in(16)));
	return nr;
}

/* A mapping made outside the scratch window: remembered, and unmapped a few calls later. */
static int remember(unsigned long start, unsigned long len)
{
	int ok = 1;

	if (start >= scratch && start + len <= scratch + SCRATCH_LEN)
		return 1;
	if (ring[ring_next].len)
		ok = fl_munmap((void *)ring[ring_next].start, ring[ring_next].len) == 0;
	ring[ring_next].start = start;
	ring[ring_next].len = len;
	ring_next = (ring_next + 1) % RING;
	return ok;
}

static int result_ok(const struct call *c, long ret, struct report *r)
{
	int ok = ret >= 0 || (ret < 0 && ret >= -ERRNO_MAX);

	if (!IN(c->nr, implemented)) {
		/* an unknown number, or a call this model does not follow (its own tests check
		 * its results): -ENOSYS exactly when the kernel counted it unknown (checked by
		 * the totals), anything else a result or a valid error */
		if (ret == -ENOSYS)
			r->unknown++;
		return ok;
	}
	r->implemented++;
	if (ret == -ENOSYS)
		return 0;
	switch (c->nr) {
	case SYS_write:
		if (ret > 0 && console(c->a[0]))
			r->printed += ret;
		return ok && (ret < 0 || (unsigned long)ret <= (unsigned long)c->a[2]);
	case SYS_getpid:
		return ret == my_pid;
	case SYS_getppid:
		return ret == my_ppid;
	case SYS_brk:
		return ret >= (long)brk0 && ret < (long)USER_TOP;
	case SYS_munmap:
	case SYS_mprotect:
		return ret == 0 || ret == -EINVAL || ret == -ENOMEM || ret == -EACCES;
	case SYS_FL_AUDIT:
		return ret == 0;
	case SYS_mmap:
		if (ret < 0 && ret >= -ERRNO_MAX)
			return 1;
		if (ret < (long)USER_BASE || ret >= (long)USER_TOP || (ret & (PAGE - 1)) ||
		    ((c->a[3] & (FL_MAP_FIXED | FL_MAP_FIXED_NOREPLACE)) && ret != c->a[0]))
			return 0;
		r->mapped++;
		return remember((unsigned long)ret, align_page((unsigned long)c->a[1]));
	}
	return ok;
}

static __attribute__((noreturn)) void fuzz(int k, struct report *r)
{
	static const uint64_t seeds[CHILDREN] = { 0x9e3779b97f4a7c15ull, 0xd1b54a32d192ed03ull,
						  0x2545f4914f6cdd1dull };
	struct fl_counters c0, c1;

	rng = seeds[k];
	scratch =
	    (unsigned long)fl_mmap((void *)SCRATCH, SCRATCH_LEN, RW, ANON | FL_MAP_FIXED_NOREPLACE);
	ro = (unsigned long)fl_mmap(0, PAGE, FL_PROT_READ, ANON);
	brk0 = (unsigned long)fl_syscall(SYS_brk, 0, 0, 0, 0, 0, 0);
	my_pid = fl_syscall(SYS_getpid, 0, 0, 0, 0, 0, 0);
	my_ppid = fl_syscall(SYS_getppid, 0, 0, 0, 0, 0, 0);
	if (scratch != SCRATCH || (long)ro < 0 || my_pid <= 0) {
		r->setup = 1;
		fl_exit(2);
	}
	snap(&c0);
	for (int i = 0; i < CALLS; i++) {
		struct call c = { .nr = pick_nr() };
		long ret;

		make_args(&c);
		ret = fl_syscall(c.nr, c.a[0], c.a[1], c.a[2], c.a[3], c.a[4], c.a[5]);
		r->calls++;
		if (!result_ok(&c, ret, r) && !r->failed++) {
			r->bad_nr = c.nr;
			r->bad_ret = ret;
			for (int j = 0; j < 6; j++)
				r->bad_args[j] = c.a[j];
		}
	}
	snap(&c1);
	r->unknown_counted = (long)(c1.unknown_syscalls - c0.unknown_syscalls);
	r->done = 1;
	fl_exit(0);
}

/* Forks a child that exits at once; returns what wait4(WNOHANG) with @status and @ru says
 * once it has exited, or -1000 if that did not reap it. */
static long wait_for_exit(unsigned long status, unsigned long ru)
{
	long pid = fl_fork(), rc;

	if (pid == 0)
		fl_exit(7);
	while ((rc = fl_syscall(SYS_wait4, pid, (long)status, WNOHANG, (long)ru, 0, 0)) == 0)
		fl_syscall(SYS_sched_yield, 0, 0, 0, 0, 0, 0);
	/* reaped even so, as on Linux */
	if (fl_syscall(SYS_wait4, pid, 0, WNOHANG, 0, 0, 0) != -ECHILD)
		return -1000;
	return rc;
}

static volatile int *efault_done;

static void efault_everywhere(void)
{
	unsigned char *p = fl_mmap(0, 2 * PAGE, RW, ANON);
	unsigned long ro_page = (unsigned long)fl_mmap(0, PAGE, FL_PROT_READ, ANON);
	unsigned long none = (unsigned long)fl_mmap(0, PAGE, FL_PROT_NONE, ANON);
	unsigned long hole = (unsigned long)p + PAGE, straddle = hole - 2;
	/* read by the kernel: nothing there, or nothing it may see */
	const unsigned long in[] = { KERNEL_DIRECT, KERNEL_IMAGE, hole, USER_TOP - 8, none };
	/* written by the kernel: also read-only, and a buffer that runs into the hole */
	const unsigned long out[] = { KERNEL_DIRECT, KERNEL_IMAGE, hole,    USER_TOP - 8,
				      none,	     ro_page,	   straddle };
	const char *args[] = { "hello.elf", NULL };
	int failures = t_failures;

	CHECK_EQ(fl_munmap((void *)hole, PAGE), 0);
	memcpy((void *)straddle, "ab", 2); /* no NUL before the hole */
	for (unsigned int i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		const char *bad_args[] = { "hello.elf", (const char *)in[i], NULL };
		struct {
			long sec, nsec;
		} req = { 0, 1000 };

		CHECK_EQ(fl_write(1, (void *)in[i], 4), -EFAULT);
		CHECK_EQ(fl_syscall(SYS_nanosleep, (long)in[i], 0, 0, 0, 0, 0), -EFAULT);
		CHECK_EQ(fl_syscall(SYS_nanosleep, (long)&req, 0, 0, 0, 0, 0), 0);
		CHECK_EQ(fl_syscall(SYS_execve, (long)in[i], (long)args, 0, 0, 0, 0), -EFAULT);
		CHECK_EQ(fl_syscall(SYS_execve, (long)"hello.elf", (long)in[i], 0, 0, 0, 0),
			 -EFAULT);
		CHECK_EQ(fl_syscall(SYS_execve, (long)"hello.elf", (long)bad_args, 0, 0, 0, 0),
			 -EFAULT);
	}
	CHECK_EQ(fl_syscall(SYS_execve, (long)straddle, (long)args, 0, 0, 0, 0), -EFAULT);
	for (unsigned int i = 0; i < sizeof(out) / sizeof(out[0]); i++) {
		CHECK_EQ(fl_syscall(SYS_clock_gettime, 1, (long)out[i], 0, 0, 0, 0), -EFAULT);
		CHECK_EQ(fl_syscall(SYS_clock_getres, 1, (long)out[i], 0, 0, 0, 0), -EFAULT);
		CHECK_EQ(fl_syscall(SYS_gettimeofday, (long)out[i], 0, 0, 0, 0, 0), -EFAULT);
		CHECK_EQ(fl_syscall(SYS_gettimeofday, 0, (long)out[i], 0, 0, 0, 0), -EFAULT);
		/* getrandom counts what it wrote before the hole */
		CHECK_EQ(fl_syscall(SYS_getrandom, (long)out[i], 16, 0, 0, 0, 0),
			 out[i] == straddle ? 2 : -EFAULT);
		CHECK_EQ(fl_syscall(SYS_uname, (long)out[i], 0, 0, 0, 0, 0), -EFAULT);
		CHECK_EQ(fl_syscall(SYS_getrusage, 0, (long)out[i], 0, 0, 0, 0), -EFAULT);
		CHECK_EQ(fl_syscall(SYS_getrusage, -1, (long)out[i], 0, 0, 0, 0), -EFAULT);
		CHECK_EQ(fl_syscall(SYS_sysinfo, (long)out[i], 0, 0, 0, 0, 0), -EFAULT);
		CHECK_EQ(fl_syscall(SYS_FL_COUNTERS, (long)out[i], sizeof(struct fl_counters), 0, 0,
				    0, 0),
			 -EFAULT);
		CHECK_EQ(wait_for_exit(out[i], 0), -EFAULT);
		CHECK_EQ(wait_for_exit(0, out[i]), -EFAULT);
	}
	CHECK_EQ(((volatile long *)ro_page)[0], 0);
	*efault_done = t_failures == failures ? 1 : 2;
	fflush(stdout);
}

int main(void)
{
	struct fl_counters a, b;
	int status;

	CASE(random_syscalls_with_wild_arguments_never_hurt_the_kernel)
	{
		struct report *rep = fl_mmap(0, PAGE, RW, FL_MAP_SHARED | FL_MAP_ANONYMOUS);
		long pids[CHILDREN], total = 0, unknown = 0, printed = 0;

		fflush(stdout);
		snap(&a);
		for (int k = 0; k < CHILDREN; k++) {
			pids[k] = fl_fork();
			if (pids[k] == 0)
				fuzz(k, &rep[k]);
		}
		for (int k = 0; k < CHILDREN; k++) {
			status = -1;
			CHECK_EQ(fl_wait(pids[k], &status), pids[k]);
			CHECK(FL_WIFEXITED(status) && FL_WEXITSTATUS(status) == 0);
		}
		snap(&b);
		CHECK_EQ(b.frames_free, a.frames_free);
		for (int k = 0; k < CHILDREN; k++) {
			struct report *r = &rep[k];

			CHECK_EQ(r->setup, 0);
			CHECK_EQ(r->done, 1);
			CHECK_EQ(r->calls, CALLS);
			CHECK_EQ(r->unknown_counted, r->unknown);
			CHECK_EQ(r->failed, 0);
			if (r->failed)
				printf("    child %d: first bad result %ld (%#lx) from call %ld "
				       "(%#lx, %#lx, %#lx, %#lx, %#lx, %#lx)\n",
				       k, r->bad_ret, r->bad_ret, r->bad_nr, r->bad_args[0],
				       r->bad_args[1], r->bad_args[2], r->bad_args[3],
				       r->bad_args[4], r->bad_args[5]);
			total += r->calls;
			unknown += r->unknown;
			printed += r->printed;
		}
		printf("    sysfuzz: %ld calls, %ld unknown, %ld mappings, %ld bytes printed\n",
		       total, unknown, rep[0].mapped + rep[1].mapped + rep[2].mapped, printed);
		fl_munmap(rep, PAGE);
	}

	CASE(syscalls_with_bad_pointers_return_efault_from_every_call_that_takes_one)
	{
		efault_done = fl_mmap(0, PAGE, RW, FL_MAP_SHARED | FL_MAP_ANONYMOUS);
		snap(&a);
		status = in_child(
		    efault_everywhere,
		    "syscalls_with_bad_pointers_return_efault_from_every_call_that_takes_one",
		    NULL);
		snap(&b);
		CHECK(FL_WIFEXITED(status) && FL_WEXITSTATUS(status) == 0);
		CHECK_EQ(*efault_done, 1);
		CHECK_EQ(b.frames_free, a.frames_free);
		fl_munmap((void *)efault_done, PAGE);
	}

	return t_finish();
}
