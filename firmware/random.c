/* The random generator: a ChaCha20 key, replaced from the generator's own first block at every
 * request, and seeding that folds each input into the key through the block function. */
#include "firmware/random.h"

#include "firmware/chacha20.h"
#include "firmware/extable.h"
#include "firmware/printf.h"
#include "platform/errno.h"
#include "platform/riscv/csr.h"

/* Zkr's seed CSR: a read must also write it (csrrw); OPST in bits 31:30, entropy in 15:0 */
#define CSR_SEED	0x015
#define SEED_OPST_SHIFT 30
#define SEED_OPST_ES16	2 /* 16 bits of entropy are there */
#define SEED_OPST_DEAD	3
#define SEED_ENTROPY	0xffffu
#define SEED_WORDS	16   /* 256 bits */
#define SEED_TRIES	4096 /* polls before giving up on a source that keeps saying WAIT */
#define JITTER_ROUNDS	64

static uint8_t key[CHACHA20_KEY_SIZE];
static uint64_t requests; /* the nonce: no two requests share one */
static char sources[96];

/* Folds @n bytes into the key: XOR them in a key's width at a time, then replace the key by
 * the first half of its own block, so that every input bit reaches every key bit. */
static void mix(const void *data, size_t n)
{
	static const uint8_t nonce[CHACHA20_NONCE_SIZE] = { 's', 'e', 'e', 'd' };
	const uint8_t *p = data;
	uint8_t block[CHACHA20_BLOCK_SIZE];

	while (n) {
		size_t chunk = n < sizeof(key) ? n : sizeof(key);

		for (size_t i = 0; i < chunk; i++)
			key[i] ^= p[i];
		chacha20_block(key, 0, nonce, block);
		for (size_t i = 0; i < sizeof(key); i++)
			key[i] = block[i];
		p += chunk;
		n -= chunk;
	}
}

static void note(const char *what)
{
	size_t len = 0, i = 0;

	while (sources[len])
		len++;
	if (len && len + 2 < sizeof(sources)) {
		sources[len++] = ',';
		sources[len++] = ' ';
	}
	while (what[i] && len + 1 < sizeof(sources))
		sources[len++] = what[i++];
	sources[len] = '\0';
}

/* One read of the seed CSR; negative when the hart refuses it (an illegal-instruction trap
 * that the exception table turns into -EFAULT in a0). */
static long read_seed(void)
{
	register long a0 __asm__("a0") = 0;

	__asm__ volatile("1: csrrw a0, %1, zero\n"
			 "2:\n" EXTABLE_ENTRY(1b, 2b)
			 : "+r"(a0)
			 : "i"(CSR_SEED)
			 : "memory");
	return a0;
}

/* 256 bits from Zkr, or false when the CSR is refused, dead, or never ready. */
static bool seed_from_zkr(void)
{
	uint16_t words[SEED_WORDS];
	int got = 0;

	for (int tries = 0; got < SEED_WORDS && tries < SEED_TRIES; tries++) {
		long v = read_seed();
		unsigned int opst = (unsigned long)v >> SEED_OPST_SHIFT & 3;

		if (v < 0 || opst == SEED_OPST_DEAD)
			return false;
		if (opst == SEED_OPST_ES16)
			words[got++] = (uint16_t)(v & SEED_ENTROPY);
	}
	if (got < SEED_WORDS)
		return false;
	mix(words, sizeof(words));
	return true;
}

/* The low bits of the cycle and time counters around a little work: on hardware they wander
 * with caches and buses; under QEMU with -icount they do not, which is why it comes last. */
static void seed_from_jitter(void)
{
	uint64_t samples[JITTER_ROUNDS];
	volatile uint64_t spin = 0;

	for (int i = 0; i < JITTER_ROUNDS; i++) {
		/* a wait whose length depends on the last sample, so that delays compound */
		for (uint64_t n = (i ? samples[i - 1] : 0) % 64 + 16; n; n--)
			spin += n;
		samples[i] = csr_read(CSR_CYCLE) ^ csr_read(CSR_TIME) << 32;
	}
	mix(samples, sizeof(samples));
}

void random_init(const struct fdt_info *fi, uint32_t hart_flags)
{
	if (fi->rng_seed_len) {
		mix(fi->rng_seed, fi->rng_seed_len);
		note("/chosen/rng-seed");
	}
	if (fi->has_kaslr_seed) {
		mix(&fi->kaslr_seed, sizeof(fi->kaslr_seed));
		note("/chosen/kaslr-seed");
	}
	if ((hart_flags & FDT_HART_ZKR) && seed_from_zkr())
		note("the Zkr seed CSR");
	seed_from_jitter();
	note(sources[0] ? "timer jitter" : "timer jitter only (weak)");
}

void random_log(void)
{
	kprintf("  random     ChaCha20 seeded from %s\n", sources);
}

void random_bytes(void *buf, size_t n)
{
	uint8_t nonce[CHACHA20_NONCE_SIZE] = { 0 }, block[CHACHA20_BLOCK_SIZE];
	uint8_t *out = buf;
	uint32_t counter = 1;

	for (int i = 0; i < 8; i++)
		nonce[i] = (uint8_t)(requests >> (8 * i));
	requests++;
	/* block 0 becomes the next key; the output comes from blocks 1, 2, ... of the old one */
	chacha20_block(key, 0, nonce, block);
	while (n) {
		uint8_t stream[CHACHA20_BLOCK_SIZE];
		size_t chunk = n < sizeof(stream) ? n : sizeof(stream);

		chacha20_block(key, counter++, nonce, stream);
		for (size_t i = 0; i < chunk; i++)
			out[i] = stream[i];
		out += chunk;
		n -= chunk;
	}
	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = block[i];
}
