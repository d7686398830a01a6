/* Host tests for firmware/chacha20.c against RFC 8439's test vectors: the block function of
 * section 2.3.2 and the first key-stream block of the encryption example in section 2.4.2. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "firmware/chacha20.h"

static void key_0_to_31(uint8_t key[CHACHA20_KEY_SIZE])
{
	for (int i = 0; i < CHACHA20_KEY_SIZE; i++)
		key[i] = (uint8_t)i;
}

/* RFC 8439 2.3.2: key 00..1f, nonce 00 00 00 09 00 00 00 4a 00 00 00 00, counter 1 */
static void block_function_matches_rfc8439_2_3_2(void **state)
{
	static const uint8_t nonce[CHACHA20_NONCE_SIZE] = {
		0, 0, 0, 0x09, 0, 0, 0, 0x4a, 0, 0, 0, 0
	};
	static const uint8_t want[CHACHA20_BLOCK_SIZE] = {
		0x10, 0xf1, 0xe7, 0xe4, 0xd1, 0x3b, 0x59, 0x15, 0x50, 0x0f, 0xdd, 0x1f, 0xa3,
		0x20, 0x71, 0xc4, 0xc7, 0xd1, 0xf4, 0xc7, 0x33, 0xc0, 0x68, 0x03, 0x04, 0x22,
		0xaa, 0x9a, 0xc3, 0xd4, 0x6c, 0x4e, 0xd2, 0x82, 0x64, 0x46, 0x07, 0x9f, 0xaa,
		0x09, 0x14, 0xc2, 0xd7, 0x05, 0xd9, 0x8b, 0x02, 0xa2, 0xb5, 0x12, 0x9c, 0xd1,
		0xde, 0x16, 0x4e, 0xb9, 0xcb, 0xd0, 0x83, 0xe8, 0xa2, 0x50, 0x3c, 0x4e,
	};
	uint8_t key[CHACHA20_KEY_SIZE], out[CHACHA20_BLOCK_SIZE];

	(void)state;
	key_0_to_31(key);
	chacha20_block(key, 1, nonce, out);
	assert_memory_equal(out, want, sizeof(want));
}

/* RFC 8439 2.4.2: the same key, nonce 00 00 00 00 00 00 00 4a 00 00 00 00, counter 1; the
 * cipher text of "Ladies and Gentlemen of the class of '99: If I could offer you o" is the
 * plain text XOR this block. */
static void encryption_example_matches_rfc8439_2_4_2(void **state)
{
	static const uint8_t nonce[CHACHA20_NONCE_SIZE] = { 0, 0, 0, 0, 0, 0, 0, 0x4a, 0, 0, 0, 0 };
	static const char plain[] =
	    "Ladies and Gentlemen of the class of '99: If I could offer you o";
	static const uint8_t cipher[CHACHA20_BLOCK_SIZE] = {
		0x6e, 0x2e, 0x35, 0x9a, 0x25, 0x68, 0xf9, 0x80, 0x41, 0xba, 0x07, 0x28, 0xdd,
		0x0d, 0x69, 0x81, 0xe9, 0x7e, 0x7a, 0xec, 0x1d, 0x43, 0x60, 0xc2, 0x0a, 0x27,
		0xaf, 0xcc, 0xfd, 0x9f, 0xae, 0x0b, 0xf9, 0x1b, 0x65, 0xc5, 0x52, 0x47, 0x33,
		0xab, 0x8f, 0x59, 0x3d, 0xab, 0xcd, 0x62, 0xb3, 0x57, 0x16, 0x39, 0xd6, 0x24,
		0xe6, 0x51, 0x52, 0xab, 0x8f, 0x53, 0x0c, 0x35, 0x9f, 0x08, 0x61, 0xd8,
	};
	uint8_t key[CHACHA20_KEY_SIZE], out[CHACHA20_BLOCK_SIZE];

	(void)state;
	key_0_to_31(key);
	chacha20_block(key, 1, nonce, out);
	for (int i = 0; i < CHACHA20_BLOCK_SIZE; i++)
		out[i] ^= (uint8_t)plain[i];
	assert_memory_equal(out, cipher, sizeof(cipher));
}

static void counter_and_key_change_every_word(void **state)
{
	static const uint8_t nonce[CHACHA20_NONCE_SIZE] = { 0 };
	uint8_t key[CHACHA20_KEY_SIZE] = { 0 }, a[CHACHA20_BLOCK_SIZE], b[CHACHA20_BLOCK_SIZE];

	(void)state;
	chacha20_block(key, 0, nonce, a);
	chacha20_block(key, 1, nonce, b);
	for (int i = 0; i < CHACHA20_BLOCK_SIZE; i += 4)
		assert_true(memcmp(a + i, b + i, 4) != 0);
	key[31] = 1;
	chacha20_block(key, 0, nonce, b);
	for (int i = 0; i < CHACHA20_BLOCK_SIZE; i += 4)
		assert_true(memcmp(a + i, b + i, 4) != 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(block_function_matches_rfc8439_2_3_2),
		cmocka_unit_test(encryption_example_matches_rfc8439_2_4_2),
		cmocka_unit_test(counter_and_key_change_every_word),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
