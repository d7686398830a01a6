/* insncount: a QEMU 7.2 TCG plugin that counts the instructions each vCPU executes, split into
 * the M-mode SBI firmware (OpenSBI on QEMU virt) and everything else, and logs a snapshot of
 * every vCPU's counts each time a guest program executes a marker instruction.
 *
 * Why: under -icount, rdtime/rdinstret follow one virtual clock that advances with every
 * hart's instructions, so they cannot say what one hart spent; this can.
 *
 * Marker: the HINT `slti zero, zero, K` (K = 1..2047), a no-op on any RISC-V hart. A record is
 * "K VCPU" then, for each vCPU, its SBI and other counts before the marker itself executes; so
 * the difference between two records counts the first marker and not the second.
 *
 * Usage: -plugin insncount.so,out=FILE (the log, written at exit; without out=, through QEMU's
 * log). Host C; Debian ships no qemu-plugin.h, so the few declarations used are below. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the part of QEMU's plugin API (version 1, QEMU 7.2) that this file uses ---- */
#define PLUGIN_EXPORT __attribute__((visibility("default")))
typedef uint64_t qemu_plugin_id_t;
typedef struct {
	const char *target_name;
	struct {
		int min, cur;
	} version;
	_Bool system_emulation;
	union {
		struct {
			int smp_vcpus, max_vcpus;
		} system;
	};
} qemu_info_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS };
typedef void (*qemu_plugin_tb_trans_cb)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_vcpu_udata_cb)(unsigned int vcpu_index, void *userdata);
typedef void (*qemu_plugin_udata_cb)(qemu_plugin_id_t id, void *userdata);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_tb_trans_cb cb);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn,
					    qemu_plugin_vcpu_udata_cb cb,
					    enum qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb cb, void *userdata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
const void *qemu_plugin_insn_data(const struct qemu_plugin_insn *insn);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
void qemu_plugin_outs(const char *string);
PLUGIN_EXPORT extern int qemu_plugin_version;
PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc,
				      char **argv);

PLUGIN_EXPORT int qemu_plugin_version = 1;

/* ---- counting ---- */

/* QEMU virt's OpenSBI (-bios default) runs from the start of RAM; the S-mode payload is
 * loaded at 2 MiB. A PC below that is M-mode firmware. */
#define SBI_START   0x80000000ull
#define SBI_END	    0x80200000ull
#define MAX_VCPUS   16
#define CLASS_OTHER 0
#define CLASS_SBI   1

/* slti x0, x0, imm: opcode OP-IMM (0x13), funct3 2, rd 0, rs1 0; imm in bits 31:20 */
#define MARKER_MASK  0x000fffffu
#define MARKER_MATCH 0x00002013u

struct record {
	unsigned marker, vcpu;
	uint64_t counts[MAX_VCPUS][2];
};

static uint64_t counts[MAX_VCPUS][2];
static unsigned nvcpus;
static struct record *log_records;
static size_t log_len, log_cap;
static const char *out_path;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

/* The userdata of every instruction's callback says its class and, for a marker, K: both are
 * known at translation, so the callback does no decoding. */
static inline uintptr_t tag(unsigned marker, unsigned cls)
{
	return (uintptr_t)marker << 1 | cls;
}

/* Each vCPU adds only to its own counters. Under -icount QEMU runs every vCPU on one thread
 * in turn, so a snapshot of all vCPUs is exact; with a thread per vCPU (no -icount) the other
 * vCPUs' counts in a snapshot are only as of about then, and the log takes a lock. */
static void on_exec(unsigned int vcpu, void *userdata)
{
	uintptr_t t = (uintptr_t)userdata;

	if (vcpu >= MAX_VCPUS)
		return;
	if (t >> 1) {
		pthread_mutex_lock(&log_lock);
		if (log_len == log_cap) {
			log_cap = log_cap ? 2 * log_cap : 1024;
			log_records = realloc(log_records, log_cap * sizeof(*log_records));
			if (!log_records)
				abort();
		}
		log_records[log_len].marker = (unsigned)(t >> 1);
		log_records[log_len].vcpu = vcpu;
		memcpy(log_records[log_len].counts, counts, sizeof(counts));
		log_len++;
		pthread_mutex_unlock(&log_lock);
	}
	counts[vcpu][t & 1]++;
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb);

	(void)id;
	for (size_t i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		uint64_t pc = qemu_plugin_insn_vaddr(insn);
		unsigned cls = pc >= SBI_START && pc < SBI_END ? CLASS_SBI : CLASS_OTHER;
		unsigned marker = 0;
		uint32_t word;

		if (qemu_plugin_insn_size(insn) == 4) {
			memcpy(&word, qemu_plugin_insn_data(insn), 4);
			if ((word & MARKER_MASK) == MARKER_MATCH && (int32_t)word > 0)
				marker = word >> 20;
		}
		qemu_plugin_register_vcpu_insn_exec_cb(insn, on_exec, QEMU_PLUGIN_CB_NO_REGS,
						       (void *)tag(marker, cls));
	}
}

/* One line per record: "insncount K VCPU sbi0 other0 sbi1 other1 ...", then a closing line
 * with the totals, so a reader can tell a complete log from a cut one. */
static void write_log(qemu_plugin_id_t id, void *userdata)
{
	FILE *f = out_path ? fopen(out_path, "w") : NULL;
	char line[64 + MAX_VCPUS * 48];

	(void)id;
	(void)userdata;
	if (out_path && !f) {
		qemu_plugin_outs("insncount: cannot open the output file\n");
		return;
	}
	for (size_t r = 0; r <= log_len; r++) {
		const struct record *rec = r < log_len ? &log_records[r] : NULL;
		int len =
		    rec ? snprintf(line, sizeof(line), "insncount %u %u", rec->marker, rec->vcpu)
			: snprintf(line, sizeof(line), "insncount-end %zu -", log_len);

		for (unsigned v = 0; v < nvcpus; v++) {
			const uint64_t *c = rec ? rec->counts[v] : counts[v];

			len += snprintf(line + len, sizeof(line) - len, " %llu %llu",
					(unsigned long long)c[CLASS_SBI],
					(unsigned long long)c[CLASS_OTHER]);
		}
		snprintf(line + len, sizeof(line) - len, "\n");
		if (f)
			fputs(line, f);
		else
			qemu_plugin_outs(line);
	}
	if (f)
		fclose(f);
}

PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc,
				      char **argv)
{
	if (!info->system_emulation || info->system.max_vcpus > MAX_VCPUS) {
		qemu_plugin_outs("insncount: system emulation with at most 16 vCPUs only\n");
		return -1;
	}
	nvcpus = (unsigned)info->system.max_vcpus;
	for (int i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "out=", 4)) {
			out_path = argv[i] + 4;
		} else {
			qemu_plugin_outs("insncount: unknown argument (only out=FILE)\n");
			return -1;
		}
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
	qemu_plugin_register_atexit_cb(id, write_log, NULL);
	return 0;
}
