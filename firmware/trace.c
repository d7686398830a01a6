/* The fault tracer (trace=faults): mm/'s events recorded with time, hart, task and the task's
 * call stack into a ring per hart, and written out as "@trace" text lines. The line format is
 * tools/trace.py's input, described at the top of that file. */
#include "firmware/trace.h"

#include "firmware/bootargs.h"
#include "firmware/early.h"
#include "firmware/hart.h"
#include "firmware/printf.h"
#include "firmware/semihost.h"
#include "firmware/task.h"
#include "firmware/uaccess.h"
#include "mm/frame.h"
#include "mm/vm_trace.h"
#include "platform/riscv/csr.h"
#include "platform/riscv/memlayout.h"
#include "platform/riscv/spinlock.h"

/* Stack entries kept per record: the pc, ra (the caller of a leaf function that has no frame
 * record) and what the frame-pointer chain gives, outermost last. */
#define TRACE_DEPTH 12
#define TRACE_NAME  (VM_EV_COUNT + 1) /* a record that names a task (pid, name in .stack) */

struct trace_rec {
	uint64_t time;
	vaddr_t addr;
	uint32_t pages;
	int32_t pid, tid;
	uint8_t kind, hart, depth, pad;
	uint64_t stack[TRACE_DEPTH];
};
_Static_assert(sizeof(struct trace_rec) == 128, "trace records: 32 to a page");
_Static_assert(TASK_NAME_LEN <= sizeof(((struct trace_rec *)0)->stack), "a name fits a record");

#define RECS_PER_PAGE  (PAGE_SIZE / sizeof(struct trace_rec))
#define RING_DEFAULT   4096
#define RING_MAX       16384
#define RING_PAGES_MAX (RING_MAX / RECS_PER_PAGE)
#define DEFAULT_FILE   "faultline-trace.txt"
#define OUT_BUF	       4096
#define LINE_MAX       400

struct ring {
	struct trace_rec *page[RING_PAGES_MAX];
	uint64_t head, tail; /* records written and read since boot: head - tail are held */
	uint64_t events;     /* events seen, kept or not */
	uint64_t drops;	     /* events not kept: the ring was full */
	bool busy;	     /* draining, or recording: an event now would nest */
};

static struct ring rings[TRACE_HARTS_MAX];
static unsigned int nrings;
static uint64_t ring_cap;
static bool on;
static bool flush_at_exit_only;
static uint64_t map_at; /* trace-map-at=N: picture a task after its N-th fault; 0: at exit */
static uint64_t task_faults[TASK_MAX];
static int named_pid[TASK_MAX];
static char named[TASK_MAX][TASK_NAME_LEN];

static spinlock_t out_lock = SPINLOCK_INIT;
static char out_buf[OUT_BUF];
static size_t out_len;
static int out_fd = -1;			/* host file; -1: the console */
static char out_path[FDT_BOOTARGS_LEN]; /* as long as a boot argument may be */
static bool to_file;

static const char *const event_names[VM_EV_COUNT] = {
	[VM_EV_ZERO_MAP] = "zero-map",
	[VM_EV_ANON_ALLOC] = "anon-alloc",
	[VM_EV_ZERO_TO_PRIVATE] = "zero-to-private",
	[VM_EV_COW_COPY] = "cow-copy",
	[VM_EV_COW_REUSE] = "cow-reuse",
	[VM_EV_IMAGE_MAP] = "image-map",
	[VM_EV_IMAGE_COPY] = "image-copy",
	[VM_EV_STACK_GROW] = "stack-grow",
	[VM_EV_TABLE] = "table",
	[VM_EV_KILL] = "kill",
	[VM_EV_FIXUP] = "fixup",
	[VM_EV_FREE] = "free",
};

static const char *const region_names[] = {
	[VMA_ANON] = "anon",
	[VMA_IMAGE_RO] = "image-ro",
	[VMA_IMAGE_PRIVATE] = "image",
	[VMA_STACK] = "stack",
	[VMA_SHARED] = "shared",
	[VMA_OBJ_SHARED] = "obj-shared",
	[VMA_OBJ_PRIVATE] = "obj-private",
};

static const char *const page_names[] = {
	[VM_PAGE_NONE] = "none",   [VM_PAGE_ZERO] = "zero",   [VM_PAGE_PRIVATE] = "private",
	[VM_PAGE_COW] = "cow",	   [VM_PAGE_IMAGE] = "image", [VM_PAGE_SHARED] = "shared",
	[VM_PAGE_TABLE] = "table",
};

/* ---- output ------------------------------------------------------------------------------ */

/* Hands the buffered lines to the host file, or to the console. Output lock held. */
static void out_flush(void)
{
	if (!out_len)
		return;
	if (out_fd >= 0 && semihost_write(out_fd, out_buf, out_len) == 0) {
		out_len = 0;
		return;
	}
	out_fd = -1; /* the host went away: the console from now on */
	kprintf("%.*s", (int)out_len, out_buf);
	out_len = 0;
}

/* One "@trace ..." line. Output lock held. */
static void __attribute__((format(printf, 1, 2))) out_line(const char *fmt, ...)
{
	static const char prefix[] = "@trace ";
	const int plen = (int)sizeof(prefix) - 1;
	char line[LINE_MAX];
	va_list ap;
	int n;

	for (int i = 0; i < plen; i++)
		line[i] = prefix[i];
	va_start(ap, fmt);
	n = kvsnprintf(line + plen, sizeof(line) - (size_t)plen - 1, fmt, ap);
	va_end(ap);
	n += plen;
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	if (out_len + (size_t)n > sizeof(out_buf))
		out_flush();
	for (int i = 0; i < n; i++)
		out_buf[out_len++] = line[i];
}

/* ---- recording --------------------------------------------------------------------------- */

static struct trace_rec *slot(struct ring *r, uint64_t i)
{
	i %= ring_cap;
	return &r->page[i / RECS_PER_PAGE][i % RECS_PER_PAGE];
}

static bool satp_is(const struct vm *vm)
{
	return (csr_read(CSR_SATP) & SATP_PPN_MASK) == vm->root >> PAGE_SHIFT;
}

/* How far above a frame the stack is searched for the next frame record (see walk_stack). */
#define SCAN_BYTES 4096

/* Whether @fp may be a frame pointer of the stack sp is on: aligned, above sp, in reach. */
static bool on_stack(const struct trap_frame *tf, uintptr_t fp)
{
	return !(fp & 15) && fp >= tf->sp + 16 && fp - tf->sp <= USER_STACK_LIMIT;
}

/* One walk of a stack: the stack page last found mapped saves a table walk per word read. */
struct walk {
	const struct trap_frame *tf;
	struct vm *vm;
	vaddr_t mapped_page; /* VM_NO_SPAN: none yet */
};

/* The two words below @fp, read with the user-copy routine from a page already mapped. */
static bool read_record(struct walk *w, uintptr_t fp, unsigned long rec[2])
{
	vaddr_t page = align_down(fp - 16, PAGE_SIZE);
	paddr_t pa;

	if (!user_range_ok(fp - 16, 2 * sizeof(long)))
		return false;
	if (page != w->mapped_page) {
		if (vm_translate(w->vm, fp - 16, FAULT_READ, &pa))
			return false;
		w->mapped_page = page;
	}
	return copy_from_user(rec, fp - 16, 2 * sizeof(long)) == 0;
}

/* RISC-V calls that link ra (x1): jal ra / jalr ra, and c.jalr (RVC), whose link is ra too. */
#define INSN_OPCODE(i) ((i)&0x7f)
#define INSN_RD(i)     (((i) >> 7) & 0x1f)
#define OPCODE_JAL     0x6f
#define OPCODE_JALR    0x67
#define RVC_JALR_MASK  0xf07f
#define RVC_JALR       0x9002
#define RVC_RS1(h)     (((h) >> 7) & 0x1f)
#define REG_RA	       1

/* Whether @ra follows a call in the task's mapped code: what tells a return address from
 * any other code address that a stack slot may hold. */
static bool after_call(struct vm *vm, uintptr_t ra)
{
	uint32_t insn;
	uint16_t half;
	paddr_t pa;

	if (ra < USER_BASE + 4 || ra >= USER_TOP || (ra & 1) ||
	    vm_translate(vm, ra - 4, FAULT_EXEC, &pa) || vm_translate(vm, ra - 1, FAULT_EXEC, &pa))
		return false;
	if (copy_from_user(&half, ra - 2, sizeof(half)) == 0 &&
	    (half & RVC_JALR_MASK) == RVC_JALR && RVC_RS1(half))
		return true;
	if (copy_from_user(&insn, ra - 4, sizeof(insn)))
		return false;
	return (INSN_OPCODE(insn) == OPCODE_JAL || INSN_OPCODE(insn) == OPCODE_JALR) &&
	       INSN_RD(insn) == REG_RA;
}

/* Whether @fp has a frame record below it: a return address after a call, and the caller's
 * frame pointer above it (or 0, the outermost frame). */
static bool record_at(struct walk *w, uintptr_t fp, unsigned long rec[2])
{
	return on_stack(w->tf, fp) && read_record(w, fp, rec) &&
	       (rec[0] == 0 || (on_stack(w->tf, rec[0]) && rec[0] > fp)) &&
	       after_call(w->vm, rec[1]);
}

/* The lowest frame pointer above @low with a frame record, or 0. */
static uintptr_t scan(struct walk *w, uintptr_t low, unsigned long rec[2])
{
	for (uintptr_t fp = align_up(low, 16) + 16; fp <= low + SCAN_BYTES; fp += 16)
		if (record_at(w, fp, rec))
			return fp;
	return 0;
}

/*
 * The running task's user stack: its pc and ra, then the return addresses of the frame
 * records from s0 on, as GCC lays them out with frame pointers (ra at fp - 8, the caller's
 * fp at fp - 16). A trap from U-mode leaves s0 in the register, and trap_user()'s own frame
 * record, which sits just below the trap frame, holds it.
 *
 * A leaf function saves no ra: its record holds only the caller's fp, at fp - 8, which a
 * stack address tells from a return address; its caller is then ra's. Code built without
 * frame pointers (a C library's malloc) uses s0 for anything: where s0 leads to no record,
 * the stack above is searched for the next pair of a saved fp and a return address into
 * code, which such a function's prologue also leaves (it saves ra and s0 side by side).
 * Words are read with the user-copy routines, and only from pages already mapped, so the
 * walk never faults nor changes what the task has mapped.
 */
static unsigned int walk_stack(struct task *t, struct vm *vm, uint64_t *out)
{
	const struct trap_frame *tf = t->tf;
	uintptr_t fp = tf->full ? tf->s0 : ((const unsigned long *)tf)[-2];
	uintptr_t low = tf->sp;
	struct walk w = { tf, vm, VM_NO_SPAN };
	unsigned long rec[2];
	unsigned int n = 0;

	out[n++] = tf->sepc;
	out[n++] = tf->ra;
	if (on_stack(tf, fp) && read_record(&w, fp, rec) && on_stack(tf, rec[1]) && rec[1] > fp)
		fp = rec[1]; /* a leaf's record: its caller was ra, already kept */
	while (n < TRACE_DEPTH) {
		if (!record_at(&w, fp, rec)) {
			fp = scan(&w, low, rec);
			if (!fp)
				break;
		}
		out[n++] = rec[1];
		low = fp;
		fp = rec[0];
		if (!fp)
			break;
	}
	return n;
}

/* Keeps @rec if the ring has room; counts it dropped if not. Returns whether it was kept. */
static bool put(struct ring *r, const struct trace_rec *rec)
{
	if (r->head - r->tail >= ring_cap) {
		r->drops++;
		return false;
	}
	*slot(r, r->head) = *rec;
	r->head++;
	return true;
}

/* Names the task in slot @t->slot ahead of its first record, and again after an exec. */
static void name_task(struct ring *r, const struct task *t)
{
	struct trace_rec rec = { .kind = TRACE_NAME, .pid = t->pid };
	bool same = named_pid[t->slot] == t->pid;

	for (int i = 0; same && i < TASK_NAME_LEN && (named[t->slot][i] || t->name[i]); i++)
		same = named[t->slot][i] == t->name[i];
	if (same)
		return;
	for (int i = 0; i < TASK_NAME_LEN; i++)
		((char *)rec.stack)[i] = t->name[i];
	if (!put(r, &rec)) {
		r->drops--; /* not an event: named with its next record that finds room */
		return;
	}
	named_pid[t->slot] = t->pid;
	for (int i = 0; i < TASK_NAME_LEN; i++)
		named[t->slot][i] = t->name[i];
}

static void drain(struct ring *r);
static void picture(struct task *t, const char *why);

static void tracer(struct vm *vm, enum vm_event ev, vaddr_t addr, uint64_t pages)
{
	unsigned int cpu = this_hart()->cpu;
	struct task *t = task_current();
	struct trace_rec rec;
	struct ring *r;

	if (cpu >= nrings)
		return;
	r = &rings[cpu];
	if (r->busy)
		return; /* a fault while draining: the output's, not the task's */
	r->busy = true;
	rec.time = csr_read(CSR_TIME);
	rec.addr = addr;
	rec.pages = (uint32_t)pages;
	rec.kind = (uint8_t)ev;
	rec.hart = (uint8_t)cpu;
	rec.depth = 0;
	rec.pid = rec.tid = 0;
	if (t) {
		rec.pid = rec.tid = t->pid;
		name_task(r, t);
		/* only the space the hart is in has the stack: not an exec's new one, nor one
		 * being destroyed at exit */
		if (t->vm == vm && satp_is(vm))
			rec.depth = (uint8_t)walk_stack(t, vm, rec.stack);
	}
	r->events++;
	(void)put(r, &rec);
	r->busy = false;
	if (!flush_at_exit_only && r->head - r->tail >= ring_cap / 2)
		drain(r);
	if (map_at && t && t->vm == vm && ev != VM_EV_FREE && ev != VM_EV_TABLE &&
	    ++task_faults[t->slot] == map_at)
		picture(t, "at-fault");
}

/* ---- writing out -------------------------------------------------------------------------- */

static void write_rec(const struct trace_rec *rec)
{
	char stack[TRACE_DEPTH * 19 + 2];
	size_t n = 0;

	if (rec->kind == TRACE_NAME) {
		out_line("task %d %.*s", rec->pid, TASK_NAME_LEN, (const char *)rec->stack);
		return;
	}
	stack[0] = '-';
	stack[1] = 0;
	for (unsigned int i = 0; i < rec->depth; i++)
		n += (size_t)ksnprintf(stack + n, sizeof(stack) - n, "%s%lx", i ? "," : "",
				       (unsigned long)rec->stack[i]);
	out_line("ev %lu %u %d %d %s %lx %u %s", (unsigned long)rec->time, rec->hart, rec->pid,
		 rec->tid, event_names[rec->kind], (unsigned long)rec->addr, rec->pages, stack);
}

/* Writes out what @r holds, in order. */
static void drain(struct ring *r)
{
	unsigned long irq;

	if (r->busy)
		return;
	r->busy = true;
	irq = spin_lock_irqsave(&out_lock);
	while (r->tail != r->head) {
		write_rec(slot(r, r->tail));
		r->tail++;
	}
	out_flush();
	spin_unlock_irqrestore(&out_lock, irq);
	r->busy = false;
}

/* The picture's callbacks run under the address space's lock: the output lock is taken
 * inside it, in the order a free's record (made under that lock) takes them. */
static void region_cb(void *arg, const struct vma *v)
{
	const struct task *t = arg;
	unsigned long irq = spin_lock_irqsave(&out_lock);

	out_line("region %d %lx %lx %s %u", t->pid, (unsigned long)v->start, (unsigned long)v->end,
		 region_names[v->kind], v->prot);
	spin_unlock_irqrestore(&out_lock, irq);
}

static void pages_cb(void *arg, vaddr_t start, uint64_t npages, enum vm_page_state state)
{
	const struct task *t = arg;
	unsigned long irq = spin_lock_irqsave(&out_lock);

	out_line("pages %d %lx %lu %s", t->pid, (unsigned long)start, (unsigned long)npages,
		 page_names[state]);
	spin_unlock_irqrestore(&out_lock, irq);
}

/* A picture of @t's address space: its regions and its pages by state, after the records
 * so far (so that a tool replaying the events meets it in time order). */
static void picture(struct task *t, const char *why)
{
	static const struct vm_describe_ops ops = { region_cb, pages_cb };
	unsigned int cpu = this_hart()->cpu;
	unsigned long irq;

	if (cpu < nrings)
		drain(&rings[cpu]);
	irq = spin_lock_irqsave(&out_lock);
	out_line("map %d %lu %s %.*s", t->pid, (unsigned long)csr_read(CSR_TIME), why,
		 TASK_NAME_LEN, t->name);
	spin_unlock_irqrestore(&out_lock, irq);
	vm_describe(t->vm, &ops, t);
	irq = spin_lock_irqsave(&out_lock);
	out_line("mapend %d", t->pid);
	out_flush();
	spin_unlock_irqrestore(&out_lock, irq);
}

void trace_task_exit(struct task *t)
{
	if (!on)
		return;
	if (t->slot < TASK_MAX)
		task_faults[t->slot] = 0;
	picture(t, "exit");
}

long trace_map_now(void)
{
	if (on)
		picture(task_current(), "asked");
	return 0;
}

/* ---- set-up and end ------------------------------------------------------------------------ */

static uint64_t number_arg(const char *key, uint64_t dflt)
{
	char buf[24];
	uint64_t v = 0;

	if (bootargs_value(key, buf, sizeof(buf)) <= 0)
		return dflt;
	for (const char *p = buf; *p; p++) {
		if (*p < '0' || *p > '9')
			return dflt;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	return v;
}

void trace_init(void)
{
	const struct boot_facts *bf = boot_facts();
	char flush[16];
	unsigned int want;

	if (!bootargs_has("trace=faults"))
		return;
	ring_cap = number_arg("trace-ring", RING_DEFAULT);
	if (ring_cap < 2)
		ring_cap = 2;
	if (ring_cap > RING_MAX)
		ring_cap = RING_MAX;
	map_at = number_arg("trace-map-at", 0);
	flush_at_exit_only = bootargs_value("trace-flush", flush, sizeof(flush)) > 0 &&
			     flush[0] == 'e' && flush[1] == 'x' && flush[2] == 'i' &&
			     flush[3] == 't' && !flush[4];
	want = hart_count; /* every hart numbered at boot: smp_init() has run */
	if (want > TRACE_HARTS_MAX)
		want = TRACE_HARTS_MAX;
	for (nrings = 0; nrings < want; nrings++) {
		struct ring *r = &rings[nrings];
		uint64_t pages = (ring_cap + RECS_PER_PAGE - 1) / RECS_PER_PAGE;
		bool ok = true;

		for (uint64_t i = 0; i < pages && ok; i++) {
			paddr_t pa;

			ok = pmm_alloc(FRAME_KERNEL, &pa) == 0;
			if (ok)
				r->page[i] = phys_to_virt(pa);
		}
		if (!ok)
			break;
	}
	if (!nrings) {
		kprintf("faultline: trace: no memory for the trace rings; tracing off\n");
		return;
	}
	if (bootargs_value("trace-file", out_path, sizeof(out_path)) <= 0)
		ksnprintf(out_path, sizeof(out_path), "%s", DEFAULT_FILE);
	out_fd = semihost_open_write(out_path);
	if (out_fd < 0)
		out_fd = -1;
	to_file = out_fd >= 0;
	kprintf("  trace      faults, %lu records a hart on %u hart%s, to %s%s\n",
		(unsigned long)ring_cap, nrings, nrings == 1 ? "" : "s",
		out_fd >= 0 ? "host file " : "the console", out_fd >= 0 ? out_path : "");
	out_line("begin 1 %lu %u", (unsigned long)bf->fdt.timebase_hz, nrings);
	on = true;
	vm_trace_set(tracer);
}

void trace_finish(void)
{
	unsigned long irq;

	if (!on)
		return;
	vm_trace_set(NULL);
	for (unsigned int i = 0; i < nrings; i++)
		drain(&rings[i]);
	irq = spin_lock_irqsave(&out_lock);
	for (unsigned int i = 0; i < nrings; i++)
		out_line("stats %u %lu %lu", i, (unsigned long)rings[i].events,
			 (unsigned long)rings[i].drops);
	out_line("end");
	out_flush();
	if (out_fd >= 0)
		semihost_close(out_fd);
	out_fd = -1;
	spin_unlock_irqrestore(&out_lock, irq);
	kprintf("faultline: trace written to %s\n", to_file ? out_path : "the console");
	on = false;
}
