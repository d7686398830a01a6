/* The ChaCha20 block function (RFC 8439, section 2.3): the one primitive behind the random
 * generator. Pure code with no state of its own, compiled into host tests unchanged. */
#ifndef FAULTLINE_FIRMWARE_CHACHA20_H
#define FAULTLINE_FIRMWARE_CHACHA20_H

#include "platform/types.h"

#define CHACHA20_KEY_SIZE   32
#define CHACHA20_NONCE_SIZE 12
#define CHACHA20_BLOCK_SIZE 64

/*
 * chacha20_block - the 64-byte key-stream block for @key (32 bytes), block @counter and
 * @nonce (12 bytes), in @out. Byte order as the RFC: words are little-endian.
 */
void chacha20_block(const uint8_t key[CHACHA20_KEY_SIZE], uint32_t counter,
		    const uint8_t nonce[CHACHA20_NONCE_SIZE], uint8_t out[CHACHA20_BLOCK_SIZE]);

#endif
