/* ASIDs for address spaces, recycled by generation: each space gets one when it first runs in a
 * generation; when none is left a new generation begins, the ASIDs harts run right now are
 * kept, and every hart flushes its whole TLB at its next switch. Pure logic, host-tested. */
#ifndef FAULTLINE_MM_ASID_H
#define FAULTLINE_MM_ASID_H

#include "platform/riscv/spinlock.h"
#include "platform/types.h"

struct vm;

/* At most this many harts (the width of vm->harts) and this many ASID bits (Sv39's satp). */
#define ASID_CPUS_MAX 64
#define ASID_BITS_MAX 16

/* What one hart runs now (@asid of generation @gen, while @active), the ASID it kept at the
 * last rollover, and whether it owes a whole-TLB flush for a generation it has not seen. */
struct asid_cpu {
	bool active;
	bool flush;
	unsigned int asid;
	uint64_t gen;
	const struct vm *vm;	    /* compared only, to know a space on the shared ASID 0 */
	unsigned int reserved_asid; /* 0: none */
	uint64_t reserved_gen;
};

struct asid_space {
	spinlock_t lock;
	unsigned int bits, ncpu;
	unsigned int limit; /* ASIDs 1 .. limit - 1 are handed out; 0 is the kernel's */
	unsigned int next;  /* where the search for a free one resumes */
	uint64_t gen;	    /* the current generation, from 1 */
	uint64_t rollovers;
	struct asid_cpu cpu[ASID_CPUS_MAX];
	uint64_t used[(1u << ASID_BITS_MAX) / 64]; /* taken in the current generation */
};

/* asid_init - an allocator for @bits ASID bits (capped at ASID_BITS_MAX) and @ncpu harts
 * (capped at ASID_CPUS_MAX), numbered 0 .. ncpu - 1. With 0 bits every space shares ASID 0. */
void asid_init(struct asid_space *a, unsigned int bits, unsigned int ncpu);

/*
 * asid_switch - hart @cpu is about to run @vm: returns the ASID it runs it with (also left in
 * vm->asid), and sets *@flush_all when the hart must flush its whole TLB first (a generation
 * began since it last switched, or the space runs on the shared ASID 0). A space whose ASID
 * is new restarts vm->harts from nothing: every hart that ran it before flushes all at its
 * next switch, before it could use that ASID again. When even a new generation leaves no ASID
 * free (more harts than ASIDs), the space runs on ASID 0 until the next generation.
 * Takes the allocator's lock; call it before the hart joins vm->harts.
 */
unsigned int asid_switch(struct asid_space *a, struct vm *vm, unsigned int cpu, bool *flush_all);

/* asid_leave - hart @cpu runs no space any more (idle, or its space is going): the ASID it ran
 * need not be kept at the next rollover. */
void asid_leave(struct asid_space *a, unsigned int cpu);

#endif
