/* ChaCha20's block function, written from RFC 8439's description: 20 rounds (10 column and
 * 10 diagonal double rounds) over a 4x4 matrix of 32-bit words, then the input added back. */
#include "firmware/chacha20.h"

#define CHACHA20_WORDS	    16
#define CHACHA20_DOUBLE_RND 10

/* "expand 32-byte k" as four little-endian words: the RFC's constants */
static const uint32_t sigma[4] = { 0x61707865, 0x3320646e, 0x79622d32, 0x6b206574 };

static uint32_t load_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void store_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline uint32_t rotl(uint32_t v, int n)
{
	return v << n | v >> (32 - n);
}

static inline void quarter_round(uint32_t *x, int a, int b, int c, int d)
{
	x[a] += x[b];
	x[d] = rotl(x[d] ^ x[a], 16);
	x[c] += x[d];
	x[b] = rotl(x[b] ^ x[c], 12);
	x[a] += x[b];
	x[d] = rotl(x[d] ^ x[a], 8);
	x[c] += x[d];
	x[b] = rotl(x[b] ^ x[c], 7);
}

void chacha20_block(const uint8_t key[CHACHA20_KEY_SIZE], uint32_t counter,
		    const uint8_t nonce[CHACHA20_NONCE_SIZE], uint8_t out[CHACHA20_BLOCK_SIZE])
{
	uint32_t in[CHACHA20_WORDS], x[CHACHA20_WORDS];
	int i;

	for (i = 0; i < 4; i++)
		in[i] = sigma[i];
	for (i = 0; i < 8; i++)
		in[4 + i] = load_le32(key + 4 * i);
	in[12] = counter;
	for (i = 0; i < 3; i++)
		in[13 + i] = load_le32(nonce + 4 * i);
	for (i = 0; i < CHACHA20_WORDS; i++)
		x[i] = in[i];
	for (i = 0; i < CHACHA20_DOUBLE_RND; i++) {
		quarter_round(x, 0, 4, 8, 12); /* columns */
		quarter_round(x, 1, 5, 9, 13);
		quarter_round(x, 2, 6, 10, 14);
		quarter_round(x, 3, 7, 11, 15);
		quarter_round(x, 0, 5, 10, 15); /* diagonals */
		quarter_round(x, 1, 6, 11, 12);
		quarter_round(x, 2, 7, 8, 13);
		quarter_round(x, 3, 4, 9, 14);
	}
	for (i = 0; i < CHACHA20_WORDS; i++)
		store_le32(out + 4 * i, x[i] + in[i]);
}
